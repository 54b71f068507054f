//! The one error type of the server: each variant is one HTTP status, and
//! every one of them answers with a JSON body `{"error": "..."}`, never a
//! dropped connection.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::engine::EngineError;

/// Why a request was not answered with what it asked for.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// 400: the body or the query did not parse; the message names the
    /// field.
    #[error("invalid request: {0}")]
    BadRequest(String),
    /// 401: the server wants a bearer token and none (or another) came.
    #[error("this server needs the header 'Authorization: Bearer <token>' with its token")]
    Unauthorized,
    /// 403: a repository that is not on the allow list.
    #[error(
        "repository '{0}' is not on this server's allow list (see --allow-repo of confdiff serve)"
    )]
    Forbidden(String),
    /// 404: no such run, history, service or page.
    #[error("{0}")]
    NotFound(String),
    /// 413: a body over the limit.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 422: the comparison (history, blame) could not run, with the
    /// message the command line would print before exiting 2.
    #[error("{0}")]
    Unprocessable(String),
    /// 503: every worker slot and queue place is taken.
    #[error(
        "the server is busy: {running} comparisons are running and {queued} are waiting; retry in {retry_after} seconds"
    )]
    Busy {
        /// Comparisons running.
        running: usize,
        /// Comparisons waiting.
        queued: usize,
        /// Seconds the client should wait.
        retry_after: u64,
    },
    /// 503: the server stops and takes no new work.
    #[error("the server is shutting down and takes no new comparisons")]
    ShuttingDown,
    /// 500: the database or the server itself failed.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Busy { .. } | ApiError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body every error answers with.
    pub fn body(&self) -> Vec<u8> {
        error_body(&self.to_string())
    }
}

/// `{"error": message}` with a newline, as every error body is written.
pub fn error_body(message: &str) -> Vec<u8> {
    let mut body =
        serde_json::to_vec(&serde_json::json!({ "error": message })).expect("a string serializes");
    body.push(b'\n');
    body
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, "application/json")],
            self.body(),
        )
            .into_response();
        let retry_after = match &self {
            ApiError::Busy { retry_after, .. } => Some(*retry_after),
            ApiError::ShuttingDown => Some(30),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if matches!(self, ApiError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<EngineError> for ApiError {
    /// What could not run because of what the caller asked (a revision, a
    /// folder, a path) is 422 with the message the command line prints
    /// before exiting 2; a database or server failure is 500.
    fn from(error: EngineError) -> Self {
        let internal = matches!(
            error,
            EngineError::Store(_) | EngineError::NoStore | EngineError::Workers { .. }
        );
        let message = format!("{:#}", anyhow::Error::from(error));
        if internal {
            ApiError::Internal(message)
        } else {
            ApiError::Unprocessable(message)
        }
    }
}
