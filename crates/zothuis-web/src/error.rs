//! The one place a `DomainError` becomes a response: problem+json (RFC 9457)
//! for the API, an HTML page for people. Internal details go to the log with
//! the request id, never to the user.

use crate::nl;
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use zothuis_domain::DomainError;

tokio::task_local! {
    /// The id of the request being handled, set by the request-id middleware.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| "-".to_string())
}

/// How a domain error maps onto HTTP.
fn classify(e: &DomainError) -> (StatusCode, &'static str, &'static str) {
    match e {
        DomainError::NotFound(_) => (StatusCode::NOT_FOUND, "niet-gevonden", "Niet gevonden"),
        DomainError::Forbidden(_) => (StatusCode::FORBIDDEN, "geen-toegang", "Geen toegang"),
        DomainError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
        DomainError::Duplicate { .. } => (StatusCode::CONFLICT, "bestaat-al", "Bestaat al"),
        DomainError::StaleVersion(_) => (
            StatusCode::PRECONDITION_FAILED,
            "verouderde-versie",
            "Verouderde versie",
        ),
        DomainError::Invalid(_) => (
            StatusCode::BAD_REQUEST,
            "ongeldige-invoer",
            "De invoer is niet geldig",
        ),
        DomainError::TooManyAttempts(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            "te-veel-pogingen",
            "Te veel pogingen",
        ),
        DomainError::Unauthenticated => {
            (StatusCode::UNAUTHORIZED, "niet-ingelogd", "Niet ingelogd")
        }
        DomainError::StorageFull(_) => {
            (StatusCode::INSUFFICIENT_STORAGE, "opslag-vol", "Opslag vol")
        }
        DomainError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "niet-beschikbaar",
            "Tijdelijk niet beschikbaar",
        ),
        DomainError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "interne-fout",
            "Interne fout",
        ),
    }
}

/// The message a user may read.
fn public_detail(e: &DomainError, request_id: &str) -> String {
    match e {
        DomainError::NotFound(m)
        | DomainError::Conflict(m)
        | DomainError::StaleVersion(m)
        | DomainError::TooManyAttempts(m) => m.clone(),
        DomainError::Forbidden(m) => format!("U heeft geen toegang: {m}."),
        DomainError::Duplicate { message, .. } => message.clone(),
        DomainError::Invalid(_) => "Controleer de gemarkeerde velden.".to_string(),
        DomainError::Unauthenticated => nl::NOT_LOGGED_IN.to_string(),
        DomainError::StorageFull(_) => nl::storage_full(request_id),
        DomainError::Unavailable(_) => nl::unavailable(request_id),
        DomainError::Internal(_) => nl::internal_error(request_id),
    }
}

fn log_internal(e: &DomainError, request_id: &str) {
    match e {
        DomainError::Internal(cause) => tracing::error!(request_id, cause = %cause, "interne fout"),
        DomainError::StorageFull(cause) => {
            tracing::error!(request_id, cause = %cause, "opslag vol: wijziging niet opgeslagen")
        }
        DomainError::Unavailable(cause) => {
            tracing::error!(request_id, cause = %cause, "database niet beschikbaar")
        }
        _ => {}
    }
}

/// One field problem in a problem+json body (as the ZGW APIs' `invalidParams`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidParam {
    /// Name of the field.
    #[schema(example = "naam")]
    pub name: String,
    #[schema(example = "ongeldig")]
    pub code: String,
    /// Why the value was refused, in Dutch.
    #[schema(example = "dit veld is verplicht")]
    pub reason: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "urn:zothuis:probleem:niet-gevonden")]
    pub type_: String,
    #[schema(example = "Niet gevonden")]
    pub title: String,
    #[schema(example = 404)]
    pub status: u16,
    #[schema(example = "Deze regio bestaat niet")]
    pub detail: String,
    /// The path of the request.
    #[schema(example = "/api/v1/regios/99")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Quote this when contacting the administrator.
    #[schema(example = "3f2a9c1d0b7e4a65")]
    pub request_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
    /// For a duplicate: the existing resource.
    #[schema(example = "/api/v1/clienten/12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bestaand: Option<String>,
    /// For an import: every problem found, by file, row and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problemen: Vec<ImportProbleem>,
}

/// One problem in the files of an import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportProbleem {
    /// The file (and sheet) it is in.
    #[schema(example = "clienten.csv")]
    pub bestand: String,
    /// The line in the file (the header is line 1).
    #[schema(example = 3)]
    pub regel: Option<usize>,
    /// The column as written in the file.
    #[schema(example = "bsn")]
    pub kolom: Option<String>,
    #[schema(example = "dit is geen geldig BSN (de elfproef klopt niet)")]
    pub melding: String,
}

/// 422 with the problems of an import; nothing was written.
pub fn problem_with_import(problems: &[zothuis_domain::import::Problem]) -> Response {
    let n = problems.len();
    render_problem(Problem {
        type_: "urn:zothuis:probleem:import-problemen".into(),
        title: "Import niet uitgevoerd".into(),
        status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
        detail: format!(
            "{n} {} gevonden; er is niets opgeslagen.",
            if n == 1 { "probleem" } else { "problemen" }
        ),
        instance: None,
        request_id: current_request_id(),
        invalid_params: Vec::new(),
        bestaand: None,
        problemen: problems
            .iter()
            .map(|p| ImportProbleem {
                bestand: p.source.clone(),
                regel: p.line,
                kolom: p.column.clone(),
                melding: p.message.clone(),
            })
            .collect(),
    })
}

/// An error answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> ApiError {
        ApiError(DomainError::invalid(field, message))
    }
}

/// Builds a problem response; also used for problems outside the domain
/// (missing If-Match, malformed JSON).
pub fn problem_response(
    status: StatusCode,
    type_: &str,
    title: &str,
    detail: String,
    invalid_params: Vec<InvalidParam>,
) -> Response {
    render_problem(Problem {
        type_: format!("urn:zothuis:probleem:{type_}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        instance: None,
        request_id: current_request_id(),
        invalid_params,
        bestaand: None,
        problemen: Vec::new(),
    })
}

fn render_problem(body: Problem) -> Response {
    let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"zothuis\""),
        );
    }
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = current_request_id();
        log_internal(&self.0, &request_id);
        let (status, type_, title) = classify(&self.0);
        let invalid_params = match &self.0 {
            DomainError::Invalid(errors) => errors
                .iter()
                .map(|e| InvalidParam {
                    name: e.field.clone(),
                    code: "ongeldig".into(),
                    reason: e.message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let bestaand = match &self.0 {
            DomainError::Duplicate {
                existing_id: Some(id),
                ..
            } => Some(format!("/api/v1/clienten/{id}")),
            _ => None,
        };
        render_problem(Problem {
            type_: format!("urn:zothuis:probleem:{type_}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: public_detail(&self.0, &request_id),
            instance: None,
            request_id,
            invalid_params,
            bestaand,
            problemen: Vec::new(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub request_id: String,
    pub status: u16,
}

/// An error answered as a Dutch HTML page.
#[derive(Debug)]
pub struct PageError(pub DomainError);

impl From<DomainError> for PageError {
    fn from(e: DomainError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let request_id = current_request_id();
        log_internal(&self.0, &request_id);
        let (status, _, title) = classify(&self.0);
        let message = match &self.0 {
            DomainError::Invalid(errors) => errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            other => public_detail(other, &request_id),
        };
        let page = ErrorPage {
            title: title.to_string(),
            message,
            request_id,
            status: status.as_u16(),
        };
        (status, page).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
pub type PageResult<T> = Result<T, PageError>;
