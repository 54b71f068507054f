//! Every route, in one table: the router is built from it, and the
//! OpenAPI document is checked against it (see `openapi.rs`).

mod api;
mod pages;

pub use pages::RunFilter as RunFilterView;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use tower_http::limit::RequestBodyLimitLayer;

use super::{AppState, MAX_BODY_BYTES, auth, log};

/// One route: its method, its path template, its handler.
pub struct Route {
    /// The HTTP method (the handler's own; read by the OpenAPI test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub method: Method,
    /// The path, with `{name}` for parameters.
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        method,
        path,
        handler,
    }
}

/// The routes, API first, then the pages.
pub fn table() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/api/comparisons",
            post(api::create_comparison),
        ),
        route(Method::GET, "/api/runs", get(api::list_runs)),
        route(Method::GET, "/api/runs/{id}", get(api::get_run)),
        route(
            Method::GET,
            "/api/runs/{id}/services/{name}",
            get(api::get_service),
        ),
        route(Method::POST, "/api/histories", post(api::create_history)),
        route(Method::GET, "/api/histories/{id}", get(api::get_history)),
        route(Method::GET, "/api/blame", get(api::blame)),
        route(Method::GET, "/api/openapi.json", get(api::openapi)),
        route(Method::GET, "/healthz", get(api::healthz)),
        route(Method::GET, "/metrics", get(api::metrics)),
        route(Method::GET, "/", get(pages::index)),
        route(Method::POST, "/compare", post(pages::compare)),
        route(Method::GET, "/runs/{id}", get(pages::run)),
        route(Method::GET, "/histories/{id}", get(pages::history)),
    ]
}

/// The application: the routes, behind the token check, the body limit
/// and the request log (outermost, so that it sees every answer).
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.path, route.handler);
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            log::log_and_count,
        ))
        .with_state(state)
}
