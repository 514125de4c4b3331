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
