//! Who is asking: a person with a session cookie (pages) or an API token
//! (`Authorization: Bearer …`). Extractors only load the actor; what the actor
//! may do is decided by the domain policy.

use crate::AppState;
use crate::error::{ApiError, current_request_id};
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use zothuis_domain::DomainError;
use zothuis_domain::admin::{Actor, RequestContext, User};

pub const SESSION_COOKIE: &str = "zothuis_sessie";
pub const CSRF_COOKIE: &str = "zothuis_csrf";

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value. HttpOnly always; SameSite=Lax so that a link from an
/// e-mail still opens zothuis logged in, while cross-site POSTs carry no cookie.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The client address: the socket peer, or the first `X-Forwarded-For` entry
/// when configured to trust a proxy. The header is sender-written text; only
/// an IP address is taken from it (anything else would be stored as-is in
/// audit rows and login counters), otherwise the peer address is used.
pub fn client_origin(parts: &Parts, state: &AppState) -> Option<String> {
    if state.config.trust_forwarded_for
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok())
    {
        return Some(ip.to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

/// A logged-in person on a page.
#[derive(Clone)]
pub struct PageUser {
    pub user: User,
    pub ctx: RequestContext,
    pub csrf_token: String,
    pub session_secret: String,
}

impl PageUser {
    pub fn actor(&self) -> &Actor {
        &self.ctx.actor
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let back = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/inloggen?terug={}", urlencode(back));
            Redirect::to(&target).into_response()
        };
        let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match state.services.authenticate_session(&secret).await {
            // A role that requires a second factor works only once it is
            // set up: until then every page leads to setting it up (and
            // logging out stays possible).
            Ok(Some((_, user)))
                if state.services.needs_second_factor(&user)
                    && !matches!(
                        parts.uri.path(),
                        crate::pages::SECOND_FACTOR_PATH | "/uitloggen"
                    ) =>
            {
                Err(Redirect::to(crate::pages::SECOND_FACTOR_PATH).into_response())
            }
            Ok(Some((session, user))) => Ok(PageUser {
                ctx: RequestContext {
                    actor: Actor::from_user(&user),
                    on_behalf_of: None,
                    origin: client_origin(parts, state),
                    request_id: current_request_id(),
                },
                user,
                csrf_token: session.csrf_token,
                session_secret: secret,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(crate::error::PageError(e).into_response()),
        }
    }
}

impl OptionalFromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        match <PageUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(_) => Ok(None),
        }
    }
}

/// A caller of the API with a valid token.
#[derive(Clone)]
pub struct ApiCaller {
    pub ctx: RequestContext,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let token = match secret {
            Some(secret) => state.services.authenticate_token(secret).await?,
            None => None,
        };
        let Some(token) = token else {
            // The full path, not the one the nested API router sees.
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(parts.uri.path(), |u| u.0.path())
                .to_string();
            state
                .services
                .audit_unauthenticated(
                    client_origin(parts, state).as_deref(),
                    parts.method.as_str(),
                    &path,
                    secret.is_some(),
                    &current_request_id(),
                )
                .await?;
            return Err(ApiError(DomainError::Unauthenticated));
        };
        // NEN 7513 "namens": the person an integration acts for.
        let on_behalf_of = parts
            .headers
            .get("x-namens")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(200).collect());
        Ok(ApiCaller {
            ctx: RequestContext {
                actor: Actor::from_token(&token),
                on_behalf_of,
                origin: client_origin(parts, state),
                request_id: current_request_id(),
            },
        })
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}
