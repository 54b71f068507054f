//! The JSON API. Every document comes from the printer the command line
//! uses, so an answer is byte for byte what `confdiff show ID --format
//! json`, `runs --format json`, `history --format json` or `blame
//! --format json` print.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use crate::engine::{CompareRequest, Engine, HistoryRequest};
use crate::printers::{self, Format};
use crate::serve::AppState;
use crate::serve::body::{BlameQuery, ComparisonBody, HistoryBody, ListQuery, parse_json};
use crate::serve::error::ApiError;
use crate::serve::limits::{JobId, JobOutcome};
use crate::store::SavedKind;

/// A saved run or history, or a job that has not finished: `12` or
/// `pending-3`.
pub enum SavedId {
    /// A saved id.
    Saved(i64),
    /// A job of this server.
    Pending(JobId),
}

impl SavedId {
    /// Parses the `{id}` of a path.
    pub fn parse(text: &str, what: &str) -> Result<SavedId, ApiError> {
        if let Some(job) = text.strip_prefix("pending-") {
            return job
                .parse()
                .map(SavedId::Pending)
                .map_err(|_| ApiError::NotFound(format!("no {what} '{text}'")));
        }
        text.parse()
            .map(SavedId::Saved)
            .map_err(|_| ApiError::NotFound(format!("no {what} '{text}': ids are numbers")))
    }
}

/// The bytes of a body, or `413`/`400`.
fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(crate::serve::MAX_BODY_BYTES)
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })
}

/// A query, or `400` naming the field.
pub fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
}

/// Runs `work` with the engine on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let engine = std::sync::Arc::clone(&state.engine);
    tokio::task::spawn_blocking(move || work(&engine))
        .await
        .map_err(|e| ApiError::Internal(format!("the request failed unexpectedly: {e}")))?
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn printed(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    write(&mut out).map_err(|e| ApiError::Internal(format!("cannot write the answer: {e}")))?;
    Ok(out)
}

/// Starts a comparison as a job.
pub fn start_comparison(
    state: &AppState,
    request: CompareRequest,
) -> Result<(JobId, watch::Receiver<Option<JobOutcome>>), ApiError> {
    let ticket = state.limiter.admit()?;
    let engine = std::sync::Arc::clone(&state.engine);
    let metrics = std::sync::Arc::clone(&state.metrics);
    Ok(state.jobs.start(ticket, move || {
        metrics.running(1);
        let clock = Instant::now();
        let result = engine.run_comparison(&request);
        metrics.running(-1);
        let comparison = match result {
            Ok(comparison) => comparison,
            Err(error) => return JobOutcome::Failed(error.into()),
        };
        metrics.comparison(
            clock.elapsed().as_secs_f64(),
            comparison.pairs_compared,
            comparison.pairs_reused,
        );
        if let Some(error) = comparison.save_error {
            return JobOutcome::Failed(ApiError::Internal(error.to_string()));
        }
        let Some(id) = comparison.report.run_id else {
            return JobOutcome::Failed(ApiError::Internal("no database is open".to_owned()));
        };
        match printed(|out| printers::print(&comparison.report, &json_options(), out)) {
            Ok(body) => JobOutcome::Done {
                location: format!("/api/runs/{id}"),
                body: body.into(),
            },
            Err(error) => JobOutcome::Failed(error),
        }
    }))
}

fn start_history(
    state: &AppState,
    request: HistoryRequest,
) -> Result<(JobId, watch::Receiver<Option<JobOutcome>>), ApiError> {
    let ticket = state.limiter.admit()?;
    let engine = std::sync::Arc::clone(&state.engine);
    Ok(state.jobs.start(ticket, move || {
        let saved = match engine.run_history(&request) {
            Ok(saved) => saved,
            Err(error) => return JobOutcome::Failed(error.into()),
        };
        if let Some(error) = saved.save_error {
            return JobOutcome::Failed(ApiError::Internal(error.to_string()));
        }
        let Some(id) = saved.report.history_id else {
            return JobOutcome::Failed(ApiError::Internal("no database is open".to_owned()));
        };
        match printed(|out| printers::print_history(&saved.report, Format::Json, out)) {
            Ok(body) => JobOutcome::Done {
                location: format!("/api/histories/{id}"),
                body: body.into(),
            },
            Err(error) => JobOutcome::Failed(error),
        }
    }))
}

fn json_options() -> printers::PrintOptions {
    printers::PrintOptions {
        format: Format::Json,
        ..printers::PrintOptions::default()
    }
}

/// What a job answers once it is done, or `None` after the sync timeout.
pub async fn wait(
    state: &AppState,
    mut receiver: watch::Receiver<Option<JobOutcome>>,
) -> Option<JobOutcome> {
    if state.sync_timeout.is_zero() {
        return None;
    }
    let done = tokio::time::timeout(state.sync_timeout, receiver.wait_for(Option::is_some)).await;
    match done {
        Ok(Ok(outcome)) => outcome.clone(),
        Ok(Err(_)) => Some(JobOutcome::Failed(ApiError::Internal(
            "the comparison was dropped".to_owned(),
        ))),
        Err(_) => None,
    }
}

/// `201` with the document, or `202` with the job's URL.
async fn created(
    state: &AppState,
    job: JobId,
    receiver: watch::Receiver<Option<JobOutcome>>,
    collection: &str,
) -> Result<Response, ApiError> {
    match wait(state, receiver).await {
        Some(JobOutcome::Done { location, body }) => {
            let mut response = json(StatusCode::CREATED, body.to_vec());
            response.headers_mut().insert(
                header::LOCATION,
                location.parse().expect("a path is a header value"),
            );
            Ok(response)
        }
        Some(JobOutcome::Failed(error)) => Err(error),
        None => {
            let url = format!("/api/{collection}/pending-{job}");
            let body = serde_json::json!({ "status": "running", "id": format!("pending-{job}"), "url": url });
            let mut response = json(StatusCode::ACCEPTED, json_line(&body));
            response.headers_mut().insert(
                header::LOCATION,
                url.parse().expect("a path is a header value"),
            );
            Ok(response)
        }
    }
}

fn json_line(value: &serde_json::Value) -> Vec<u8> {
    let mut body = serde_json::to_vec(value).expect("a value serializes");
    body.push(b'\n');
    body
}

/// `POST /api/comparisons`.
pub async fn create_comparison(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body: ComparisonBody = parse_json(&body_bytes(body)?)?;
    let allowed = state.allow.check(body.repository.as_deref())?.clone();
    let request = body.request(&allowed, state.cache_dir.as_deref())?;
    let (job, receiver) = start_comparison(&state, request)?;
    created(&state, job, receiver, "runs").await
}

/// `POST /api/histories`.
pub async fn create_history(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body: HistoryBody = parse_json(&body_bytes(body)?)?;
    let allowed = state.allow.check(body.repository.as_deref())?.clone();
    let request = body.request(&allowed, state.cache_dir.as_deref())?;
    let (job, receiver) = start_history(&state, request)?;
    created(&state, job, receiver, "histories").await
}

/// A job's state: `running`, or what it answered.
fn pending(state: &AppState, job: JobId) -> Result<Response, ApiError> {
    match state.jobs.status(job)? {
        None => {
            let body = serde_json::json!({ "status": "running", "id": format!("pending-{job}") });
            Ok(json(StatusCode::OK, json_line(&body)))
        }
        Some(JobOutcome::Done { location, body }) => {
            let mut response = json(StatusCode::OK, body.to_vec());
            response.headers_mut().insert(
                header::CONTENT_LOCATION,
                location.parse().expect("a path is a header value"),
            );
            Ok(response)
        }
        Some(JobOutcome::Failed(error)) => Err(error),
    }
}

/// `GET /api/runs/{id}`.
pub async fn get_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = match SavedId::parse(&id, "run")? {
        SavedId::Pending(job) => return pending(&state, job),
        SavedId::Saved(id) => id,
    };
    let body = blocking(&state, move |engine| {
        let report = load_run(engine, id)?;
        printed(|out| printers::print(&report, &json_options(), out))
    })
    .await?;
    Ok(json(StatusCode::OK, body))
}

/// Saved run `id`, or `404`.
pub fn load_run(engine: &Engine, id: i64) -> Result<crate::report::Report, ApiError> {
    match engine.saved_kind(id)? {
        Some(SavedKind::Run) => Ok(engine.load_run(id)?),
        Some(SavedKind::History) => Err(ApiError::NotFound(format!(
            "{id} is a history, not a run: see /api/histories/{id}"
        ))),
        None => Err(ApiError::NotFound(format!("no run {id}"))),
    }
}

/// Saved history `id`, or `404`.
pub fn load_history(engine: &Engine, id: i64) -> Result<crate::history::HistoryReport, ApiError> {
    match engine.saved_kind(id)? {
        Some(SavedKind::History) => Ok(engine.load_history(id)?),
        Some(SavedKind::Run) => Err(ApiError::NotFound(format!(
            "{id} is a run, not a history: see /api/runs/{id}"
        ))),
        None => Err(ApiError::NotFound(format!("no history {id}"))),
    }
}

/// `GET /api/runs/{id}/services/{name}`.
pub async fn get_service(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let SavedId::Saved(id) = SavedId::parse(&id, "run")? else {
        return Err(ApiError::NotFound(format!(
            "run '{id}' is not saved yet; its services are listed once it is"
        )));
    };
    let body = blocking(&state, move |engine| {
        let report = load_run(engine, id)?;
        let mut out = Vec::new();
        let found = printers::print_service(&report, &name, &mut out)
            .map_err(|e| ApiError::Internal(format!("cannot write the answer: {e}")))?;
        if !found {
            return Err(ApiError::NotFound(format!(
                "run {id} has no service '{name}'"
            )));
        }
        Ok(out)
    })
    .await?;
    Ok(json(StatusCode::OK, body))
}

/// `GET /api/runs?limit=&offset=`.
pub async fn list_runs(
    State(state): State<AppState>,
    list: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let list = query(list)?;
    let body = blocking(&state, move |engine| {
        let limit = (list.limit > 0).then(|| list.limit.saturating_add(list.offset));
        let (runs, total) = engine.list_runs(limit)?;
        let histories = engine.list_histories(limit)?;
        let skip = |n: usize| list.offset.min(n);
        printed(|out| {
            printers::print_runs(
                &runs[skip(runs.len())..],
                total,
                &histories[skip(histories.len())..],
                Format::Json,
                out,
            )
        })
    })
    .await?;
    Ok(json(StatusCode::OK, body))
}

/// `GET /api/histories/{id}`.
pub async fn get_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = match SavedId::parse(&id, "history")? {
        SavedId::Pending(job) => return pending(&state, job),
        SavedId::Saved(id) => id,
    };
    let body = blocking(&state, move |engine| {
        let history = load_history(engine, id)?;
        printed(|out| printers::print_history(&history, Format::Json, out))
    })
    .await?;
    Ok(json(StatusCode::OK, body))
}

/// `GET /api/blame?…`: answered when the walk is done (a blame reads one
/// file along one chain of commits, so it is not a job one waits for).
pub async fn blame(
    State(state): State<AppState>,
    blame: Result<Query<BlameQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let blame = query(blame)?;
    let allowed = state.allow.check(blame.repository.as_deref())?.clone();
    let request = blame.request(&allowed, state.cache_dir.as_deref())?;
    let ticket = state.limiter.admit()?;
    let engine = std::sync::Arc::clone(&state.engine);
    let (_, mut receiver) = state.jobs.start(ticket, move || {
        let report = match engine.blame(&request) {
            Ok(report) => report,
            Err(error) => return JobOutcome::Failed(error.into()),
        };
        match printed(|out| printers::print_blame(&report, Format::Json, out)) {
            Ok(body) => JobOutcome::Done {
                location: String::new(),
                body: body.into(),
            },
            Err(error) => JobOutcome::Failed(error),
        }
    });
    let outcome = receiver
        .wait_for(Option::is_some)
        .await
        .map_err(|_| ApiError::Internal("the blame was dropped".to_owned()))?
        .clone();
    match outcome {
        Some(JobOutcome::Done { body, .. }) => Ok(json(StatusCode::OK, body.to_vec())),
        Some(JobOutcome::Failed(error)) => Err(error),
        None => Err(ApiError::Internal("the blame gave no answer".to_owned())),
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    json(
        StatusCode::OK,
        crate::serve::openapi::DOCUMENT.as_bytes().to_vec(),
    )
}

/// `GET /healthz`.
pub async fn healthz() -> Response {
    json(StatusCode::OK, b"{\"status\":\"ok\"}\n".to_vec())
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
