//! Reference data over the API.

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::reference::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions, create_region))
        .routes(routes!(get_region, update_region, delete_region))
        .routes(routes!(list_municipalities, create_municipality))
        .routes(routes!(
            get_municipality,
            update_municipality,
            delete_municipality
        ))
        .routes(routes!(list_providers, create_provider))
        .routes(routes!(get_provider, update_provider, delete_provider))
        .routes(routes!(list_corporations, create_corporation))
        .routes(routes!(
            get_corporation,
            update_corporation,
            delete_corporation
        ))
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product, delete_product))
        .routes(routes!(list_locations, create_location))
        .routes(routes!(get_location, update_location, delete_location))
        .routes(routes!(list_capacity, add_capacity))
        .routes(routes!(list_regimes, add_regime))
}

// ---- regions ------------------------------------------------------------------

/// Een regio: een centrumgemeente met de gemeenten om haar heen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Regio {
    #[schema(example = 1)]
    pub id: i64,
    /// Korte code, gebruikt in scopes (`regio:GV`).
    #[schema(example = "GV")]
    pub code: String,
    #[schema(example = "Gooi en Vechtstreek")]
    pub naam: String,
    /// Gemeentecode van de centrumgemeente.
    #[schema(example = "GM0402")]
    pub centrumgemeente: Option<String>,
    /// Versienummer; ook als ETag meegegeven.
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Region> for Regio {
    fn from(r: Region) -> Self {
        Regio {
            id: r.id,
            code: r.code,
            naam: r.name,
            centrumgemeente: r.centrumgemeente.map(|c| c.to_string()),
            versie: r.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RegioInvoer {
    #[schema(example = "GV")]
    pub code: String,
    #[schema(example = "Gooi en Vechtstreek")]
    pub naam: String,
    /// Moet een gemeente van deze regio zijn.
    #[schema(example = "GM0402")]
    pub centrumgemeente: Option<String>,
}

impl RegioInvoer {
    fn input(&self) -> RegionInput {
        RegionInput {
            code: self.code.clone(),
            name: self.naam.clone(),
            centrumgemeente: self.centrumgemeente.clone(),
        }
    }
}

/// Regio's.
#[utoipa::path(get, path = "/regios", tag = "Referentie", params(Paginering),
    responses((status = 200, description = "Regio's", body = Lijst<Regio>),
              (status = 401, description = "Niet ingelogd", body = Problem)))]
async fn list_regions(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Regio>>> {
    let all = s.services.list_regions(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/regios",
        Regio::from,
    )))
}

/// Regio aanmaken (beheerder).
#[utoipa::path(post, path = "/regios", tag = "Referentie", request_body = RegioInvoer,
    responses((status = 201, description = "Aangemaakt", body = Regio),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem),
              (status = 409, description = "Code bestaat al", body = Problem)))]
async fn create_region(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<RegioInvoer>,
) -> ApiResult<Response> {
    let r = s.services.create_region(&caller.ctx, &body.input()).await?;
    Ok(with_etag(StatusCode::CREATED, r.version, Regio::from(r)))
}

/// Eén regio.
#[utoipa::path(get, path = "/regios/{id}", tag = "Referentie", params(("id" = i64, Path, description = "Id van de regio", example = 1)),
    responses((status = 200, description = "De regio", body = Regio, headers(("ETag" = String, description = "Versie"))),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_region(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let r = s.services.get_region(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, r.version, Regio::from(r)))
}

/// Regio wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/regios/{id}", tag = "Referentie", request_body = RegioInvoer,
    params(("id" = i64, Path, description = "Id van de regio", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Regio),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_region(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<RegioInvoer>,
) -> ApiResult<Response> {
    let r = s
        .services
        .update_region(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, r.version, Regio::from(r)))
}

/// Regio verwijderen (beheerder); kan alleen zonder gemeenten.
#[utoipa::path(delete, path = "/regios/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de regio", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem)))]
async fn delete_region(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services.delete_region(&caller.ctx, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- municipalities -------------------------------------------------------------

/// Een gemeente, met haar CBS-gemeentecode als sleutel.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gemeente {
    #[schema(example = "GM0406")]
    pub code: String,
    #[schema(example = "Huizen")]
    pub naam: String,
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Municipality> for Gemeente {
    fn from(m: Municipality) -> Self {
        Gemeente {
            code: m.code.to_string(),
            naam: m.name,
            regio_id: m.region_id,
            versie: m.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GemeenteInvoer {
    /// CBS-gemeentecode; bij wijzigen gelijk aan die in het pad of weggelaten.
    #[schema(example = "GM0406")]
    pub code: String,
    #[schema(example = "Huizen")]
    pub naam: String,
    #[schema(example = 1)]
    pub regio_id: Option<i64>,
}

impl GemeenteInvoer {
    fn input(&self) -> MunicipalityInput {
        MunicipalityInput {
            code: self.code.clone(),
            name: self.naam.clone(),
            region_id: self.regio_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GemeenteFilter {
    /// Alleen gemeenten van deze regio.
    #[param(example = 1)]
    pub regio_id: Option<i64>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Gemeenten.
#[utoipa::path(get, path = "/gemeenten", tag = "Referentie", params(GemeenteFilter),
    responses((status = 200, description = "Gemeenten", body = Lijst<Gemeente>)))]
async fn list_municipalities(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(f): ApiQuery<GemeenteFilter>,
) -> ApiResult<axum::Json<Lijst<Gemeente>>> {
    let all: Vec<_> = s
        .services
        .list_municipalities(&caller.ctx)
        .await?
        .into_iter()
        .filter(|m| f.regio_id.is_none_or(|r| m.region_id == r))
        .collect();
    let page = Paginering {
        pagina: f.pagina,
        pagina_grootte: f.pagina_grootte,
    };
    Ok(axum::Json(Lijst::from_page(
        page.request().slice(&all),
        "/gemeenten",
        Gemeente::from,
    )))
}

/// Gemeente toevoegen (beheerder).
#[utoipa::path(post, path = "/gemeenten", tag = "Referentie", request_body = GemeenteInvoer,
    responses((status = 201, description = "Aangemaakt", body = Gemeente),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Gemeentecode bestaat al", body = Problem)))]
async fn create_municipality(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<GemeenteInvoer>,
) -> ApiResult<Response> {
    let m = s
        .services
        .create_municipality(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(StatusCode::CREATED, m.version, Gemeente::from(m)))
}

/// Eén gemeente.
#[utoipa::path(get, path = "/gemeenten/{code}", tag = "Referentie",
    params(("code" = String, Path, description = "CBS-gemeentecode", example = "GM0406")),
    responses((status = 200, description = "De gemeente", body = Gemeente),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_municipality(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Response> {
    let m = s.services.get_municipality(&caller.ctx, &code).await?;
    Ok(with_etag(StatusCode::OK, m.version, Gemeente::from(m)))
}

/// Gemeente wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/gemeenten/{code}", tag = "Referentie", request_body = GemeenteInvoer,
    params(("code" = String, Path, description = "CBS-gemeentecode", example = "GM0406"),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Gemeente),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_municipality(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<GemeenteInvoer>,
) -> ApiResult<Response> {
    let m = s
        .services
        .update_municipality(&caller.ctx, &code, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, m.version, Gemeente::from(m)))
}

/// Gemeente verwijderen (beheerder).
#[utoipa::path(delete, path = "/gemeenten/{code}", tag = "Referentie",
    params(("code" = String, Path, description = "CBS-gemeentecode", example = "GM0406"),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem)))]
async fn delete_municipality(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services
        .delete_municipality(&caller.ctx, &code, version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- providers ------------------------------------------------------------------

/// Een zorgaanbieder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aanbieder {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Kwintes")]
    pub naam: String,
    /// AGB-code (8 cijfers), indien bekend.
    #[schema(example = "73730810")]
    pub agb_code: Option<String>,
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Provider> for Aanbieder {
    fn from(p: Provider) -> Self {
        Aanbieder {
            id: p.id,
            naam: p.name,
            agb_code: p.agb_code,
            versie: p.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AanbiederInvoer {
    #[schema(example = "Kwintes")]
    pub naam: String,
    #[schema(example = "73730810")]
    pub agb_code: Option<String>,
}

impl AanbiederInvoer {
    fn input(&self) -> ProviderInput {
        ProviderInput {
            name: self.naam.clone(),
            agb_code: self.agb_code.clone(),
        }
    }
}

/// Aanbieders.
#[utoipa::path(get, path = "/aanbieders", tag = "Referentie", params(Paginering),
    responses((status = 200, description = "Aanbieders", body = Lijst<Aanbieder>)))]
async fn list_providers(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Aanbieder>>> {
    let all = s.services.list_providers(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/aanbieders",
        Aanbieder::from,
    )))
}

/// Aanbieder aanmaken (beheerder).
#[utoipa::path(post, path = "/aanbieders", tag = "Referentie", request_body = AanbiederInvoer,
    responses((status = 201, description = "Aangemaakt", body = Aanbieder),
              (status = 400, description = "Ongeldige invoer", body = Problem)))]
async fn create_provider(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<AanbiederInvoer>,
) -> ApiResult<Response> {
    let p = s
        .services
        .create_provider(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        p.version,
        Aanbieder::from(p),
    ))
}

/// Eén aanbieder.
#[utoipa::path(get, path = "/aanbieders/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de aanbieder", example = 1)),
    responses((status = 200, description = "De aanbieder", body = Aanbieder),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_provider(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let p = s.services.get_provider(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, p.version, Aanbieder::from(p)))
}

/// Aanbieder wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/aanbieders/{id}", tag = "Referentie", request_body = AanbiederInvoer,
    params(("id" = i64, Path, description = "Id van de aanbieder", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Aanbieder),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_provider(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<AanbiederInvoer>,
) -> ApiResult<Response> {
    let p = s
        .services
        .update_provider(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, p.version, Aanbieder::from(p)))
}

/// Aanbieder verwijderen (beheerder); kan alleen zonder locaties.
#[utoipa::path(delete, path = "/aanbieders/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de aanbieder", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem)))]
async fn delete_provider(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services.delete_provider(&caller.ctx, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- corporations ---------------------------------------------------------------

/// Een woningcorporatie in het Pact voor uitstroom van een regio. Voordrachten
/// voor uitstroom worden aan haar gericht; haar medewerkers zien die en niets
/// van de zorg.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Corporatie {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Woningstichting Het Gooi en Omstreken")]
    pub naam: String,
    /// De regio in wier Pact voor uitstroom de corporatie werkt.
    #[schema(example = 1)]
    pub regio_id: i64,
    /// Versienummer; ook als ETag meegegeven.
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Corporation> for Corporatie {
    fn from(c: Corporation) -> Self {
        Corporatie {
            id: c.id,
            naam: c.name,
            regio_id: c.region_id,
            versie: c.version,
        }
    }
}

/// Wat een corporatie is: een naam, uniek binnen de regio.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CorporatieInvoer {
    #[schema(example = "Woningstichting Het Gooi en Omstreken")]
    pub naam: String,
    #[schema(example = 1)]
    pub regio_id: Option<i64>,
}

impl CorporatieInvoer {
    fn input(&self) -> CorporationInput {
        CorporationInput {
            name: self.naam.clone(),
            region_id: self.regio_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CorporatieFilter {
    /// Alleen corporaties van deze regio.
    #[param(example = 1)]
    pub regio_id: Option<i64>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Woningcorporaties van het Pact voor uitstroom.
#[utoipa::path(get, path = "/corporaties", tag = "Referentie", params(CorporatieFilter),
    responses((status = 200, description = "Corporaties", body = Lijst<Corporatie>)))]
async fn list_corporations(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(f): ApiQuery<CorporatieFilter>,
) -> ApiResult<axum::Json<Lijst<Corporatie>>> {
    let all = s
        .services
        .list_corporations(&caller.ctx, f.regio_id)
        .await?;
    let page = Paginering {
        pagina: f.pagina,
        pagina_grootte: f.pagina_grootte,
    };
    Ok(axum::Json(Lijst::from_page(
        page.request().slice(&all),
        "/corporaties",
        Corporatie::from,
    )))
}

/// Corporatie aanmaken (beheerder).
#[utoipa::path(post, path = "/corporaties", tag = "Referentie", request_body = CorporatieInvoer,
    responses((status = 201, description = "Aangemaakt", body = Corporatie),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem),
              (status = 409, description = "Deze naam bestaat al in de regio", body = Problem)))]
async fn create_corporation(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<CorporatieInvoer>,
) -> ApiResult<Response> {
    let c = s
        .services
        .create_corporation(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        c.version,
        Corporatie::from(c),
    ))
}

/// Eén corporatie.
#[utoipa::path(get, path = "/corporaties/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de corporatie", example = 1)),
    responses((status = 200, description = "De corporatie", body = Corporatie, headers(("ETag" = String, description = "Versie"))),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_corporation(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let c = s.services.get_corporation(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, c.version, Corporatie::from(c)))
}

/// Corporatie wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/corporaties/{id}", tag = "Referentie", request_body = CorporatieInvoer,
    params(("id" = i64, Path, description = "Id van de corporatie", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Corporatie),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Deze naam bestaat al in de regio", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_corporation(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<CorporatieInvoer>,
) -> ApiResult<Response> {
    let c = s
        .services
        .update_corporation(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, c.version, Corporatie::from(c)))
}

/// Corporatie verwijderen (beheerder); kan alleen als er geen voordrachten
/// aan haar gericht zijn.
#[utoipa::path(delete, path = "/corporaties/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de corporatie", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem)))]
async fn delete_corporation(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services
        .delete_corporation(&caller.ctx, id, version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- products -------------------------------------------------------------------

/// Een product (voorzieningstype).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductDto {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "BW-24")]
    pub code: String,
    #[schema(example = "Beschermd wonen intramuraal")]
    pub naam: String,
    /// iWmo-productcategorie: 15, 16, 17 of 18.
    #[schema(example = "15")]
    pub productcategorie: String,
    /// intramuraal, thuis, beschut-wonen, opvang, woonvoorziening of kortdurend.
    #[schema(example = "intramuraal")]
    pub soort: String,
    /// per-dag, per-week, per-maand of per-jaar.
    #[schema(example = "per-dag")]
    pub tariefeenheid: String,
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Product> for ProductDto {
    fn from(p: Product) -> Self {
        ProductDto {
            id: p.id,
            code: p.code,
            naam: p.name,
            productcategorie: p.category.code().into(),
            soort: p.kind.code().into(),
            tariefeenheid: p.tariff_unit.code().into(),
            versie: p.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductInvoer {
    #[schema(example = "BW-24")]
    pub code: String,
    #[schema(example = "Beschermd wonen intramuraal")]
    pub naam: String,
    #[schema(example = "15")]
    pub productcategorie: String,
    #[schema(example = "intramuraal")]
    pub soort: String,
    #[schema(example = "per-dag")]
    pub tariefeenheid: String,
}

impl ProductInvoer {
    fn input(&self) -> ProductInput {
        ProductInput {
            code: self.code.clone(),
            name: self.naam.clone(),
            category: self.productcategorie.clone(),
            kind: self.soort.clone(),
            tariff_unit: self.tariefeenheid.clone(),
        }
    }
}

/// Producten.
#[utoipa::path(get, path = "/producten", tag = "Referentie", params(Paginering),
    responses((status = 200, description = "Producten", body = Lijst<ProductDto>)))]
async fn list_products(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<ProductDto>>> {
    let all = s.services.list_products(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/producten",
        ProductDto::from,
    )))
}

/// Product aanmaken (beheerder).
#[utoipa::path(post, path = "/producten", tag = "Referentie", request_body = ProductInvoer,
    responses((status = 201, description = "Aangemaakt", body = ProductDto),
              (status = 400, description = "Ongeldige invoer", body = Problem)))]
async fn create_product(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ProductInvoer>,
) -> ApiResult<Response> {
    let p = s
        .services
        .create_product(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        p.version,
        ProductDto::from(p),
    ))
}

/// Eén product.
#[utoipa::path(get, path = "/producten/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van het product", example = 1)),
    responses((status = 200, description = "Het product", body = ProductDto),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_product(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let p = s.services.get_product(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, p.version, ProductDto::from(p)))
}

/// Product wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/producten/{id}", tag = "Referentie", request_body = ProductInvoer,
    params(("id" = i64, Path, description = "Id van het product", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = ProductDto),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_product(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<ProductInvoer>,
) -> ApiResult<Response> {
    let p = s
        .services
        .update_product(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, p.version, ProductDto::from(p)))
}

/// Product verwijderen (beheerder); kan alleen als het nergens gebruikt wordt.
#[utoipa::path(delete, path = "/producten/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van het product", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem)))]
async fn delete_product(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services.delete_product(&caller.ctx, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- locations ------------------------------------------------------------------

/// Een locatie van een aanbieder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Locatie {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "De Orchidee")]
    pub naam: String,
    #[schema(example = 1)]
    pub aanbieder_id: i64,
    #[schema(example = "GM0402")]
    pub gemeente_code: String,
    /// Adres; leeg bij een geheim adres voor wie het niet mag zien.
    #[schema(example = "Voorbeeldstraat 1, Hilversum")]
    pub adres: Option<String>,
    /// Geheim adres (vrouwenopvang).
    #[schema(example = false)]
    pub geheim_adres: bool,
    /// Producten die op deze locatie geleverd worden.
    #[schema(example = json!([1, 2]))]
    pub product_ids: Vec<i64>,
    #[schema(example = 1)]
    pub versie: i64,
}

impl From<Location> for Locatie {
    fn from(l: Location) -> Self {
        Locatie {
            id: l.id,
            naam: l.name,
            aanbieder_id: l.provider_id,
            gemeente_code: l.municipality.to_string(),
            adres: l.address,
            geheim_adres: l.secret_address,
            product_ids: l.product_ids,
            versie: l.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct LocatieInvoer {
    #[schema(example = "De Orchidee")]
    pub naam: String,
    #[schema(example = 1)]
    pub aanbieder_id: Option<i64>,
    #[schema(example = "GM0402")]
    pub gemeente_code: String,
    /// Weglaten bij wijzigen laat het bestaande adres staan.
    #[schema(example = "Voorbeeldstraat 1, Hilversum")]
    pub adres: Option<String>,
    #[schema(example = false)]
    pub geheim_adres: bool,
    #[schema(example = json!([1, 2]))]
    pub product_ids: Vec<i64>,
}

impl LocatieInvoer {
    fn input(&self) -> LocationInput {
        LocationInput {
            provider_id: self.aanbieder_id,
            municipality: self.gemeente_code.clone(),
            name: self.naam.clone(),
            address: self.adres.clone(),
            secret_address: self.geheim_adres,
            product_ids: self.product_ids.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LocatieFilter {
    /// Alleen locaties van deze aanbieder.
    #[param(example = 1)]
    pub aanbieder_id: Option<i64>,
    /// Alleen locaties in deze gemeente.
    #[param(example = "GM0402")]
    pub gemeente_code: Option<String>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Locaties.
#[utoipa::path(get, path = "/locaties", tag = "Referentie", params(LocatieFilter),
    responses((status = 200, description = "Locaties", body = Lijst<Locatie>)))]
async fn list_locations(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(f): ApiQuery<LocatieFilter>,
) -> ApiResult<axum::Json<Lijst<Locatie>>> {
    let code = f.gemeente_code.as_deref().map(|c| {
        GemeenteCode::parse(c)
            .map(|c| c.to_string())
            .unwrap_or_default()
    });
    let all: Vec<_> = s
        .services
        .list_locations(&caller.ctx)
        .await?
        .into_iter()
        .filter(|l| f.aanbieder_id.is_none_or(|a| l.provider_id == a))
        .filter(|l| code.as_ref().is_none_or(|c| l.municipality.as_str() == c))
        .collect();
    let page = Paginering {
        pagina: f.pagina,
        pagina_grootte: f.pagina_grootte,
    };
    Ok(axum::Json(Lijst::from_page(
        page.request().slice(&all),
        "/locaties",
        Locatie::from,
    )))
}

/// Locatie aanmaken (beheerder).
#[utoipa::path(post, path = "/locaties", tag = "Referentie", request_body = LocatieInvoer,
    responses((status = 201, description = "Aangemaakt", body = Locatie),
              (status = 400, description = "Ongeldige invoer", body = Problem)))]
async fn create_location(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<LocatieInvoer>,
) -> ApiResult<Response> {
    let l = s
        .services
        .create_location(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(StatusCode::CREATED, l.version, Locatie::from(l)))
}

/// Eén locatie.
#[utoipa::path(get, path = "/locaties/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de locatie", example = 1)),
    responses((status = 200, description = "De locatie", body = Locatie),
              (status = 404, description = "Bestaat niet", body = Problem)))]
async fn get_location(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let l = s.services.get_location(&caller.ctx, id).await?;
    Ok(with_etag(StatusCode::OK, l.version, Locatie::from(l)))
}

/// Locatie wijzigen (beheerder); vereist If-Match.
#[utoipa::path(put, path = "/locaties/{id}", tag = "Referentie", request_body = LocatieInvoer,
    params(("id" = i64, Path, description = "Id van de locatie", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Locatie),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_location(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<LocatieInvoer>,
) -> ApiResult<Response> {
    let l = s
        .services
        .update_location(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, l.version, Locatie::from(l)))
}

/// Locatie verwijderen (beheerder); kan alleen zonder capaciteitshistorie.
#[utoipa::path(delete, path = "/locaties/{id}", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de locatie", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 204, description = "Verwijderd"),
              (status = 409, description = "Nog in gebruik", body = Problem)))]
async fn delete_location(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    s.services.delete_location(&caller.ctx, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- capacity -------------------------------------------------------------------

/// Eén regel uit de capaciteitshistorie van een locatie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Capaciteit {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub locatie_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = 12)]
    pub aantal_plekken: i64,
    #[schema(example = "2024-01-01", value_type = String, format = Date)]
    pub geldig_vanaf: NaiveDate,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub geldig_tot: Option<NaiveDate>,
    /// Wanneer zothuis deze regel vastlegde.
    #[schema(example = "2024-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "beheerder")]
    pub geregistreerd_door: String,
}

impl From<CapacityRow> for Capaciteit {
    fn from(c: CapacityRow) -> Self {
        Capaciteit {
            id: c.id,
            locatie_id: c.location_id,
            product_id: c.product_id,
            aantal_plekken: c.places,
            geldig_vanaf: c.valid_from,
            geldig_tot: c.valid_to,
            geregistreerd_op: c.recorded_at,
            geregistreerd_door: c.recorded_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CapaciteitInvoer {
    #[schema(example = 1)]
    pub product_id: Option<i64>,
    #[schema(example = 12)]
    pub aantal_plekken: Option<i64>,
    /// Vanaf deze datum geldt het nieuwe aantal (jjjj-mm-dd).
    #[schema(example = "2024-07-01")]
    pub geldig_vanaf: String,
    #[schema(example = json!(null))]
    pub geldig_tot: Option<String>,
}

/// Capaciteitshistorie van een locatie.
#[utoipa::path(get, path = "/locaties/{id}/capaciteit", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de locatie", example = 1), Paginering),
    responses((status = 200, description = "Alle capaciteitsregels, oud naar nieuw", body = Lijst<Capaciteit>),
              (status = 404, description = "Locatie bestaat niet", body = Problem)))]
async fn list_capacity(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Capaciteit>>> {
    let rows = s.services.list_capacity(&caller.ctx, id).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&rows),
        &format!("/locaties/{id}/capaciteit"),
        Capaciteit::from,
    )))
}

/// Capaciteit vastleggen vanaf een datum (beheerder, of de aanbieder zelf).
/// Eerdere regels blijven bewaard.
#[utoipa::path(post, path = "/locaties/{id}/capaciteit", tag = "Referentie", request_body = CapaciteitInvoer,
    params(("id" = i64, Path, description = "Id van de locatie", example = 1)),
    responses((status = 201, description = "Vastgelegd", body = Capaciteit),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn add_capacity(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CapaciteitInvoer>,
) -> ApiResult<impl IntoResponse> {
    let input = CapacityInput {
        product_id: body.product_id,
        places: body
            .aantal_plekken
            .map(|n| n.to_string())
            .unwrap_or_default(),
        valid_from: body.geldig_vanaf,
        valid_to: body.geldig_tot,
    };
    let row = s.services.add_capacity(&caller.ctx, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(Capaciteit::from(row))))
}

// ---- regimes ----------------------------------------------------------------------

/// Vanaf welke datum een regio de verantwoordelijke gemeente bepaalt volgens welk regime.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegimeDto {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 2)]
    pub regio_id: i64,
    /// centrumgemeente, regionale-afspraak of woonplaatsbeginsel
    #[schema(example = "regionale-afspraak")]
    pub regime: String,
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub geldig_vanaf: NaiveDate,
    #[schema(example = "2024-11-20T10:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "beheerder")]
    pub geregistreerd_door: String,
}

impl From<RegimeRow> for RegimeDto {
    fn from(r: RegimeRow) -> Self {
        RegimeDto {
            id: r.id,
            regio_id: r.region_id,
            regime: r.regime.code().into(),
            geldig_vanaf: r.effective_from,
            geregistreerd_op: r.recorded_at,
            geregistreerd_door: r.recorded_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RegimeInvoer {
    #[schema(example = "regionale-afspraak")]
    pub regime: String,
    #[schema(example = "2025-01-01")]
    pub geldig_vanaf: String,
}

/// Regimes van een regio (historie, in volgorde van vastleggen).
#[utoipa::path(get, path = "/regios/{id}/regimes", tag = "Referentie",
    params(("id" = i64, Path, description = "Id van de regio", example = 2)),
    responses((status = 200, description = "Regimeregels", body = Vec<RegimeDto>),
              (status = 404, description = "Regio bestaat niet", body = Problem)))]
async fn list_regimes(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Vec<RegimeDto>>> {
    let rows = s.services.list_regimes(&caller.ctx, id).await?;
    Ok(axum::Json(rows.into_iter().map(RegimeDto::from).collect()))
}

/// Regime vastleggen vanaf een datum (beheerder); eerdere regels blijven bewaard.
#[utoipa::path(post, path = "/regios/{id}/regimes", tag = "Referentie", request_body = RegimeInvoer,
    params(("id" = i64, Path, description = "Id van de regio", example = 2)),
    responses((status = 201, description = "Vastgelegd", body = RegimeDto),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn add_regime(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RegimeInvoer>,
) -> ApiResult<impl IntoResponse> {
    let input = RegimeInput {
        regime: b.regime,
        effective_from: b.geldig_vanaf,
    };
    let row = s.services.add_regime(&caller.ctx, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(RegimeDto::from(row))))
}
