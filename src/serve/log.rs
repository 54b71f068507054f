//! The request log and the request counts: one line per request with the
//! method, the route, the status and the time taken. Headers (the bearer
//! token among them) and query strings are never written.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::error_body;

/// Logs and counts every request, and turns every error answer that is
/// not JSON yet (an unknown route, a wrong method, a body over the limit)
/// into `{"error": "..."}`.
pub async fn log_and_count(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_owned();
    let response = json_errors(next.run(request).await).await;
    let status = response.status();
    state.metrics.request(&route, status.as_u16());
    tracing::info!(
        target: "confdiff::serve",
        "{method} {route} {} {:.1} ms",
        status.as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, super::MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match (status.as_u16(), text.trim()) {
        (404, _) => "no such page or endpoint; GET /api/openapi.json lists them".to_owned(),
        (405, _) => {
            "this method is not allowed here; GET /api/openapi.json lists the methods".to_owned()
        }
        (413, _) => format!(
            "the request body is larger than {} bytes",
            super::MAX_BODY_BYTES
        ),
        (_, "") => status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_owned(),
        (_, text) => text.to_owned(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    (parts, error_body(&message)).into_response()
}
