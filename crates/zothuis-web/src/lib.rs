//! zothuis over HTTP: Dutch web pages (server-rendered, no JavaScript) and the
//! JSON API under `/api/v1`. Handlers are thin: extract, call one domain
//! service, render.

pub mod api;
pub mod auth;
mod chart;
pub mod error;
mod export;
mod middleware;
pub mod nl;
pub mod oidc;
pub mod pages;
mod report;
mod upload;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;
use zothuis_domain::Services;

/// Settings of the web layer (`[server]` in zothuis.toml).
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS: set when zothuis is served over
    /// HTTPS (behind a reverse proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<WebConfig>,
    /// The identity provider, when `[oidc]` is set (`oidc`).
    pub idp: Arc<oidc::IdentityProvider>,
}

impl AppState {
    pub fn new(services: Services, config: WebConfig) -> Self {
        AppState {
            services: Arc::new(services),
            config: Arc::new(config),
            idp: Arc::new(oidc::IdentityProvider::default()),
        }
    }
}

const CSS: &str = include_str!("../static/zothuis.css");
const FAVICON: &str = include_str!("../static/favicon.svg");

async fn css() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        CSS,
    )
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        FAVICON,
    )
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let pages = pages::router()
        .route("/static/zothuis.css", get(css))
        .route("/favicon.svg", get(favicon))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf,
        ));
    Router::new()
        .nest(
            "/api/v1",
            api_router.layer(axum::middleware::from_fn(middleware::api_version)),
        )
        .merge(pages)
        .fallback(pages::not_found)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(middleware::api_problems))
        .layer(axum::middleware::from_fn_with_state(
            state,
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
}

/// Serves the application until the future `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
