//! The pages: server-rendered HTML from the templates in `templates.rs`,
//! reading the same engine as the API.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::api::{SavedId, blocking, load_history, load_run, query, start_comparison, wait};
use crate::serve::AppState;
use crate::serve::body::ComparisonBody;
use crate::serve::error::ApiError;
use crate::serve::limits::JobOutcome;
use crate::serve::templates;

/// How many runs and histories the first page lists.
const LISTED: usize = 50;

/// An error as a page, with its status.
fn page_error(error: ApiError) -> Response {
    (
        error.status(),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        templates::error(&error.to_string()).into_string(),
    )
        .into_response()
}

fn html(markup: maud::Markup) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// `GET /`: the runs, the histories, and the form.
pub async fn index(State(state): State<AppState>) -> Response {
    let listed = blocking(&state, |engine| {
        let (runs, total) = engine.list_runs(Some(LISTED))?;
        let histories = engine.list_histories(Some(LISTED))?;
        Ok((runs, total, histories))
    })
    .await;
    match listed {
        Ok((runs, total, histories)) => html(templates::index(
            &runs,
            total,
            &histories,
            state.allow.entries(),
        )),
        Err(error) => page_error(error),
    }
}

/// The form of the first page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareForm {
    repository: Option<String>,
    left: String,
    right: String,
    #[serde(default)]
    rev: String,
}

/// `POST /compare`: starts a comparison and sends the browser to it.
pub async fn compare(
    State(state): State<AppState>,
    form: Result<Form<CompareForm>, FormRejection>,
) -> Response {
    let started = async {
        let Form(form) = form.map_err(|r| ApiError::BadRequest(r.body_text()))?;
        let body = ComparisonBody {
            repository: form.repository.filter(|r| !r.is_empty()),
            left: form.left,
            right: form.right,
            rev: if form.rev.trim().is_empty() {
                "HEAD".to_owned()
            } else {
                form.rev
            },
            file: "configuration.yml".to_owned(),
            fetch: true,
            max_file_size: crate::compare::DEFAULT_MAX_FILE_SIZE,
            rules: crate::rules::Rules::default(),
            baseline: None,
        };
        let allowed = state.allow.check(body.repository.as_deref())?.clone();
        let request = body.request(&allowed, state.cache_dir.as_deref())?;
        let (job, receiver) = start_comparison(&state, request)?;
        Ok::<_, ApiError>(match wait(&state, receiver).await {
            Some(JobOutcome::Done { location, .. }) => page_of(&location),
            Some(JobOutcome::Failed(error)) => return Err(error),
            None => format!("/runs/pending-{job}"),
        })
    };
    match started.await {
        Ok(page) => Redirect::to(&page).into_response(),
        Err(error) => page_error(error),
    }
}

/// `/api/runs/7` → `/runs/7`.
fn page_of(location: &str) -> String {
    location.strip_prefix("/api").unwrap_or(location).to_owned()
}

/// The filter of a run page.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFilter {
    /// Only services with this status (`different`, `error`, …).
    #[serde(default)]
    pub status: String,
    /// Only services whose name contains this.
    #[serde(default)]
    pub service: String,
}

/// `GET /runs/{id}`.
pub async fn run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    filter: Result<Query<RunFilter>, QueryRejection>,
) -> Response {
    let filter = match query(filter) {
        Ok(filter) => filter,
        Err(error) => return page_error(error),
    };
    let id = match SavedId::parse(&id, "run") {
        Ok(SavedId::Saved(id)) => id,
        Ok(SavedId::Pending(job)) => {
            return match state.jobs.status(job) {
                Ok(None) => html(templates::running(job)),
                Ok(Some(JobOutcome::Done { location, .. })) => {
                    Redirect::to(&page_of(&location)).into_response()
                }
                Ok(Some(JobOutcome::Failed(error))) | Err(error) => page_error(error),
            };
        }
        Err(error) => return page_error(error),
    };
    match blocking(&state, move |engine| load_run(engine, id)).await {
        Ok(report) => html(templates::run(&report, &filter)),
        Err(error) => page_error(error),
    }
}

/// `GET /histories/{id}`.
pub async fn history(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match SavedId::parse(&id, "history") {
        Ok(SavedId::Saved(id)) => id,
        Ok(SavedId::Pending(_)) => {
            return page_error(ApiError::NotFound(
                "this history is still running; reload in a moment".to_owned(),
            ));
        }
        Err(error) => return page_error(error),
    };
    let loaded = blocking(&state, move |engine| {
        let history = load_history(engine, id)?;
        let mut chart = Vec::new();
        crate::printers::plot_history(&history, &mut chart)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((history, String::from_utf8_lossy(&chart).into_owned()))
    })
    .await;
    match loaded {
        Ok((history, chart)) => html(templates::history(&history, &chart, state.allow.entries())),
        Err(error) => page_error(error),
    }
}
