//! Users and API tokens over the API (administrator only).

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::admin::{ApiToken, NewUserInput, Scope, User, UserUpdateInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Scope as written in the API and CLI: `installatie`, `regio:12`-style
/// references are shown with the stored id or gemeentecode.
pub fn scope_text(scope: &Scope) -> String {
    match scope.reference() {
        Some(r) => format!("{}:{r}", scope.kind().code()),
        None => scope.kind().code().to_string(),
    }
}

/// Een gebruiker van zothuis.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gebruiker {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = "j.devries")]
    pub gebruikersnaam: String,
    #[schema(example = "Jannie de Vries")]
    pub naam: String,
    /// beheerder, wachtlijstbeheerder, wmo-consulent, aanbieder, beleidsadviseur, bestuurder, fg,
    /// toegangsmedewerker, zorgcoordinator of corporatie.
    #[schema(example = "wmo-consulent")]
    pub rol: String,
    /// installatie, regio:ID, gemeente:GM0000, aanbieder:ID of corporatie:ID.
    #[schema(example = "gemeente:GM0406")]
    pub scope: String,
    #[schema(example = true)]
    pub actief: bool,
    #[schema(example = "2024-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub aangemaakt_op: DateTime<Utc>,
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<User> for Gebruiker {
    fn from(u: User) -> Self {
        Gebruiker {
            id: u.id,
            gebruikersnaam: u.username,
            naam: u.display_name,
            rol: u.role.code().into(),
            scope: scope_text(&u.scope),
            actief: u.active,
            aangemaakt_op: u.created_at,
            versie: u.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GebruikerInvoer {
    #[schema(example = "j.devries")]
    pub gebruikersnaam: String,
    #[schema(example = "Jannie de Vries")]
    pub naam: String,
    #[schema(example = "wmo-consulent")]
    pub rol: String,
    /// installatie, regio:CODE, gemeente:GM0000, aanbieder:ID of corporatie:ID.
    #[schema(example = "gemeente:GM0406")]
    pub scope: String,
    /// Minstens 12 tekens.
    #[schema(example = "een lang wachtwoord van zinnen")]
    pub wachtwoord: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GebruikerWijziging {
    #[schema(example = "Jannie de Vries")]
    #[serde(default)]
    pub naam: String,
    #[schema(example = "wmo-consulent")]
    #[serde(default)]
    pub rol: String,
    #[schema(example = "gemeente:GM0406")]
    #[serde(default)]
    pub scope: String,
    /// Op false zetten beëindigt ook de sessies van de gebruiker.
    #[schema(example = true)]
    #[serde(default = "yes")]
    pub actief: bool,
}

fn yes() -> bool {
    true
}

/// Gebruikers (beheerder). Het opvragen wordt gelogd.
#[utoipa::path(get, path = "/gebruikers", tag = "Beheer", params(Paginering),
    responses((status = 200, description = "Gebruikers", body = Lijst<Gebruiker>),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn list_users(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Gebruiker>>> {
    let all = s.services.list_users(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/gebruikers",
        Gebruiker::from,
    )))
}

/// Gebruiker aanmaken (beheerder).
#[utoipa::path(post, path = "/gebruikers", tag = "Beheer", request_body = GebruikerInvoer,
    responses((status = 201, description = "Aangemaakt", body = Gebruiker),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Gebruikersnaam bestaat al", body = Problem)))]
async fn create_user(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<GebruikerInvoer>,
) -> ApiResult<Response> {
    let input = NewUserInput {
        username: b.gebruikersnaam,
        display_name: b.naam,
        role: b.rol,
        scope: b.scope,
        password: b.wachtwoord,
    };
    let u = s.services.create_user(&caller.ctx, &input).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        u.version,
        Gebruiker::from(u),
    ))
}

/// Eén gebruiker (beheerder). Het opvragen wordt gelogd.
#[utoipa::path(get, path = "/gebruikers/{id}", tag = "Beheer",
    params(("id" = i64, Path, description = "Id van de gebruiker", example = 3)),
    responses((status = 200, description = "De gebruiker", body = Gebruiker),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_user(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let u = s.services.get_user(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, u.version, Gebruiker::from(u)))
}

/// Gebruiker wijzigen of deactiveren (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/gebruikers/{id}", tag = "Beheer", request_body = GebruikerWijziging,
    params(("id" = i64, Path, description = "Id van de gebruiker", example = 3),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Gebruiker),
              (status = 409, description = "Laatste beheerder", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_user(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<GebruikerWijziging>,
) -> ApiResult<Response> {
    let input = UserUpdateInput {
        display_name: b.naam,
        role: b.rol,
        scope: b.scope,
        active: b.actief,
    };
    let u = s
        .services
        .update_user(&caller.ctx, id, version, &input)
        .await?;
    Ok(with_etag(StatusCode::OK, u.version, Gebruiker::from(u)))
}

/// Een API-token (zonder het geheim).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenDto {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "koppeling Kwintes")]
    pub naam: String,
    #[schema(example = "aanbieder")]
    pub rol: String,
    #[schema(example = "aanbieder:1")]
    pub scope: String,
    #[schema(example = "2024-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub aangemaakt_op: DateTime<Utc>,
    #[schema(example = "beheerder")]
    pub aangemaakt_door: String,
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub ingetrokken_op: Option<DateTime<Utc>>,
}

impl From<ApiToken> for ApiTokenDto {
    fn from(t: ApiToken) -> Self {
        ApiTokenDto {
            id: t.id,
            naam: t.name,
            rol: t.role.code().into(),
            scope: scope_text(&t.scope),
            aangemaakt_op: t.created_at,
            aangemaakt_door: t.created_by,
            ingetrokken_op: t.revoked_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiTokenInvoer {
    #[schema(example = "koppeling Kwintes")]
    pub naam: String,
    #[schema(example = "aanbieder")]
    pub rol: String,
    #[schema(example = "aanbieder:1")]
    pub scope: String,
}

/// Het nieuwe token: het geheim wordt alleen nu getoond.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NieuwApiToken {
    #[serde(flatten)]
    pub gegevens: ApiTokenDto,
    /// Gebruik als `Authorization: Bearer <token>`; wordt niet opnieuw getoond.
    #[schema(example = "zth_0123456789abcdef")]
    pub token: String,
}

/// API-tokens (beheerder).
#[utoipa::path(get, path = "/api-tokens", tag = "Beheer", params(Paginering),
    responses((status = 200, description = "API-tokens", body = Lijst<ApiTokenDto>),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn list_tokens(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<ApiTokenDto>>> {
    let all = s.services.list_tokens(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/api-tokens",
        ApiTokenDto::from,
    )))
}

/// API-token aanmaken (beheerder).
#[utoipa::path(post, path = "/api-tokens", tag = "Beheer", request_body = ApiTokenInvoer,
    responses((status = 201, description = "Aangemaakt", body = NieuwApiToken),
              (status = 400, description = "Ongeldige invoer", body = Problem)))]
async fn create_token(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<ApiTokenInvoer>,
) -> ApiResult<impl IntoResponse> {
    let t = s
        .services
        .create_token(&caller.ctx, &b.naam, &b.rol, &b.scope)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(NieuwApiToken {
            gegevens: ApiTokenDto::from(t.token),
            token: t.secret,
        }),
    ))
}

/// API-token intrekken (beheerder).
#[utoipa::path(delete, path = "/api-tokens/{id}", tag = "Beheer",
    params(("id" = i64, Path, description = "Id van het token", example = 1)),
    responses((status = 204, description = "Ingetrokken"),
              (status = 404, description = "Bestaat niet of al ingetrokken", body = Problem)))]
async fn revoke_token(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    s.services.revoke_token(&caller.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
