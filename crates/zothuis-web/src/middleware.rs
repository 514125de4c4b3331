//! Request id, security headers, CSRF protection and the API-Version header.

use crate::AppState;
use crate::auth::{CSRF_COOKIE, SESSION_COOKIE, cookie_value};
use crate::error::{ErrorPage, REQUEST_ID};
use crate::nl;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Gives every request an id: shown on error pages, returned in
/// `X-Request-Id`, written in logs and audit rows.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let bytes: [u8; 8] = rand::random();
    let id = hex::encode(bytes);
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    tracing::info!(
        request_id = %id,
        %method,
        path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "verzoek"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    resp
}

/// Strict headers on every response. No page needs script, so none is allowed.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/") || req.uri().path() == "/favicon.svg";
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        // Pages and API answers may hold personal data: keep them out of caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

/// `API-Version` on every API response (NL API Design Rules /core/version-header).
pub async fn api_version(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        "api-version",
        HeaderValue::from_static(crate::api::API_VERSION),
    );
    resp
}

/// The largest form body accepted.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;
/// Uploads (the import page): a few files of at most the import's limit.
pub const MAX_UPLOAD_BYTES: usize = 4 * zothuis_import::MAX_FILE_BYTES;

fn csrf_refused() -> Response {
    let page = ErrorPage {
        title: "Formulier verlopen".into(),
        message: nl::CSRF_FAILED.into(),
        request_id: crate::error::current_request_id(),
        status: 403,
    };
    (StatusCode::FORBIDDEN, page).into_response()
}

/// Every POST to a page must carry the CSRF token of its session (or, before
/// login, of the `zothuis_csrf` cookie) in the form field `csrf`. Checked here,
/// once, so that no handler can forget it.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let expected = match cookie_value(req.headers(), SESSION_COOKIE) {
        Some(secret) => match state.services.authenticate_session(&secret).await {
            Ok(Some((session, _))) => Some(session.csrf_token),
            _ => cookie_value(req.headers(), CSRF_COOKIE),
        },
        None => cookie_value(req.headers(), CSRF_COOKIE),
    };
    let (parts, body) = req.into_parts();
    let boundary = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let limit = if boundary.is_some() {
        MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let Ok(bytes) = to_bytes(body, limit).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Het formulier is te groot.").into_response();
    };
    let given = match boundary {
        Some(b) => multipart_field(bytes.clone(), b, "csrf").await,
        None => form_urlencoded_field(&bytes, "csrf"),
    };
    let ok = matches!((&expected, &given), (Some(e), Some(g)) if constant_time_eq(e.as_bytes(), g.as_bytes()));
    if !ok {
        return csrf_refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A text field of a multipart form (an upload), read from the buffered body.
async fn multipart_field(body: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The longest request target (path and query) zothuis answers. Nothing in
/// the API or the pages needs more than a few hundred characters; 8 KiB is
/// the limit most proxies use too. Longer targets get a 414 here, as
/// problem+json under `/api`. A target of 64 KiB or more never reaches this
/// code: the `http` crate cannot hold such a URI, so hyper answers 414 itself,
/// with an empty body, before any service runs (hyper's `MAX_URI_LEN` is a
/// constant, not a setting).
pub const MAX_URI_BYTES: usize = 8 * 1024;

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Every error answered under `/api` is problem+json (RFC 9457), including
/// the ones no handler wrote: 405 from the router, 413 from a body limit,
/// 414 for a too long address, 415, and so on. Applied once around the whole
/// application so that no route can answer otherwise.
pub async fn api_problems(req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    let target_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target_len > MAX_URI_BYTES {
        return if api {
            bodyless_problem(StatusCode::URI_TOO_LONG)
        } else {
            let page = ErrorPage {
                title: "Adres te lang".into(),
                message: nl::URI_TOO_LONG_PAGE.into(),
                request_id: crate::error::current_request_id(),
                status: 414,
            };
            (StatusCode::URI_TOO_LONG, page).into_response()
        };
    }
    let resp = next.run(req).await;
    if !api || !(resp.status().is_client_error() || resp.status().is_server_error()) {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if is_problem {
        return resp;
    }
    let (parts, _) = resp.into_parts();
    let mut problem = bodyless_problem(parts.status);
    // Keep what the router said that a client needs (Allow on a 405, the
    // API version); the body and its type are replaced.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            problem.headers_mut().insert(name, v.clone());
        }
    }
    if let Some(v) = parts.headers.get("api-version") {
        problem.headers_mut().insert("api-version", v.clone());
    }
    problem
}

/// The problem+json answer for an HTTP status that no domain error produced.
fn bodyless_problem(status: StatusCode) -> Response {
    let (type_, title, detail) = nl::http_problem(status.as_u16());
    let detail = if status.is_server_error() {
        nl::internal_error(&crate::error::current_request_id())
    } else {
        detail.to_string()
    };
    crate::error::problem_response(status, type_, title, detail, Vec::new())
}
