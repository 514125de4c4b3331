//! Huren Onder Voorwaarden over the API: the municipality's Wmo consultant
//! (process control) and the supporting provider record a trajectory,
//! correct it and end it with its result; nobody else sees them.

use super::access::BekendOpFilter;
use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, created_at, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::tenancy::service::TenancyFilter;
use zothuis_domain::tenancy::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenancies, create_tenancy))
        .routes(routes!(get_tenancy, change_tenancy))
}

/// Een traject Huren Onder Voorwaarden (HOV): een huurder huurt onder
/// voorwaarden die corporatie, aanbieder en gemeente in een convenant
/// afspraken.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HovTraject {
    #[schema(example = 4)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    /// Gemeentecode van de gemeente waar de woning staat; die houdt de regie.
    #[schema(example = "GM0406")]
    pub gemeente: String,
    /// Het minimum om de huurder te herkennen: een naam of initialen.
    #[schema(example = "J.K.")]
    pub huurder: String,
    /// Id van de woningcorporatie van het convenant (zie /corporaties).
    #[schema(example = 2)]
    pub corporatie_id: i64,
    /// Haar naam, zoals de referentiegegevens die nu hebben.
    #[schema(example = "Woningstichting Voorbeeld")]
    pub corporatie: String,
    /// De aanbieder die de begeleiding geeft, als die er is.
    #[schema(example = 1)]
    pub aanbieder_id: Option<i64>,
    /// Wat tot het traject leidde: huurachterstand, overlast, vervuiling,
    /// uitstroom (uit beschermd wonen of opvang), tweede-kans (na een
    /// huisuitzetting) of anders.
    #[schema(example = "huurachterstand")]
    pub aanleiding: String,
    #[schema(example = "2025-03-01", value_type = String, format = Date)]
    pub startdatum: NaiveDate,
    /// De dag waarop het traject eindigde; leeg zolang het loopt.
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub einddatum: Option<NaiveDate>,
    /// Hoe het traject eindigde: huur-op-naam (huurcontract op eigen naam),
    /// regulier (voorwaarden vervallen), voortijdig, verhuisd,
    /// huisuitzetting, zorg (naar beschermd wonen, opvang of Wlz-zorg),
    /// overleden of anders; leeg zolang het loopt.
    #[schema(example = json!(null))]
    pub eindresultaat: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    /// Versie (ook de ETag).
    #[schema(example = 9)]
    pub versie: i64,
    #[schema(example = "2025-03-03T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub vastgelegd_door: String,
}

impl From<Tenancy> for HovTraject {
    fn from(t: Tenancy) -> Self {
        let f = t.facts;
        HovTraject {
            id: t.id,
            regio_id: t.region_id,
            gemeente: f.municipality.to_string(),
            huurder: f.tenant,
            corporatie_id: f.corporation_id,
            corporatie: t.corporation,
            aanbieder_id: f.provider_id,
            aanleiding: f.reason.code().to_string(),
            startdatum: f.started_on,
            einddatum: f.ended_on,
            eindresultaat: f.result.map(|r| r.code().to_string()),
            toelichting: f.note,
            versie: t.version_id,
            vastgelegd_op: t.recorded_at,
            vastgelegd_door: t.recorded_by,
        }
    }
}

/// Een HOV-traject zoals bekend op een moment, met de versies die toen
/// waren vastgelegd (de oudste eerst).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HovTrajectMetVersies {
    #[serde(flatten)]
    pub traject: HovTraject,
    pub versies: Vec<HovTraject>,
}

/// Wat een HOV-traject zegt: bij vastleggen, corrigeren of beëindigen.
/// Een beëindigd traject heeft zowel een einddatum als een eindresultaat.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HovTrajectInvoer {
    /// Gemeentecode van de gemeente waar de woning staat.
    #[schema(example = "GM0406")]
    pub gemeente: String,
    /// Het minimum om de huurder te herkennen: een naam of initialen.
    #[schema(example = "J.K.")]
    pub huurder: String,
    /// Id van de woningcorporatie van het convenant: een van de corporaties van de regio van de gemeente (zie /corporaties).
    #[schema(example = 2)]
    pub corporatie_id: Option<i64>,
    /// Id van de aanbieder die de begeleiding geeft, als die er is.
    #[schema(example = 1)]
    pub aanbieder_id: Option<i64>,
    /// huurachterstand, overlast, vervuiling, uitstroom, tweede-kans of anders.
    #[schema(example = "huurachterstand")]
    pub aanleiding: String,
    /// De eerste dag van het traject; niet in de toekomst.
    #[schema(example = "2025-03-01")]
    pub startdatum: String,
    /// De laatste dag, bij beëindigen; niet vóór de startdatum en niet in de toekomst.
    #[schema(example = json!(null))]
    pub einddatum: Option<String>,
    /// Bij beëindigen: huur-op-naam, regulier, voortijdig, verhuisd,
    /// huisuitzetting, zorg, overleden of anders.
    #[schema(example = json!(null))]
    pub eindresultaat: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
}

impl HovTrajectInvoer {
    fn input(self) -> TenancyInput {
        TenancyInput {
            municipality: self.gemeente,
            tenant: self.huurder,
            corporation_id: self.corporatie_id.map(|c| c.to_string()),
            provider_id: self.aanbieder_id.map(|p| p.to_string()),
            reason: self.aanleiding,
            started_on: self.startdatum,
            ended_on: self.einddatum,
            result: self.eindresultaat,
            note: self.toelichting,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HovTrajectFilter {
    /// Alleen trajecten die nog lopen (zonder einddatum).
    #[param(example = true)]
    pub lopend: Option<bool>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    /// Paginanummer, vanaf 1.
    #[param(example = 1, minimum = 1)]
    pub pagina: Option<u32>,
    /// Aantal resultaten per pagina (standaard 50, hoogstens 500).
    #[param(example = 50, minimum = 1, maximum = 500)]
    pub pagina_grootte: Option<u32>,
}

/// De HOV-trajecten van uw gemeente (Wmo-consulent) of die u begeleidt
/// (aanbieder): lopende eerst, dan de laatst begonnen.
#[utoipa::path(get, path = "/hov-trajecten", tag = "Huren Onder Voorwaarden", params(HovTrajectFilter),
    responses((status = 200, description = "HOV-trajecten", body = Lijst<HovTraject>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Alleen voor de Wmo-consulent van de gemeente en de begeleidende aanbieder", body = Problem)))]
async fn list_tenancies(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<HovTrajectFilter>,
) -> ApiResult<axum::Json<Lijst<HovTraject>>> {
    let filter = TenancyFilter {
        running_only: q.lopend.unwrap_or(false),
    };
    let page = s
        .services
        .list_tenancies(
            &caller.ctx,
            &filter,
            q.bekend_op,
            PageRequest::new(q.pagina, q.pagina_grootte),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/hov-trajecten",
        HovTraject::from,
    )))
}

/// Een HOV-traject vastleggen, voor een woning in uw gemeente of met uw
/// begeleiding.
#[utoipa::path(post, path = "/hov-trajecten", tag = "Huren Onder Voorwaarden", request_body = HovTrajectInvoer,
    responses((status = 201, description = "Vastgelegd", body = HovTraject,
                  headers(("Location" = String, description = "Adres van het nieuwe traject"),
                          ("ETag" = String, description = "Versie van het traject, voor If-Match"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Niet uw gemeente of niet uw begeleiding", body = Problem)))]
async fn create_tenancy(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<HovTrajectInvoer>,
) -> ApiResult<Response> {
    let created = s.services.create_tenancy(&caller.ctx, &b.input()).await?;
    let location = format!("/api/v1/hov-trajecten/{}", created.id);
    Ok(created_at(
        &location,
        created.version_id,
        HovTraject::from(created),
    ))
}

/// Eén HOV-traject met zijn versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/hov-trajecten/{id}", tag = "Huren Onder Voorwaarden", params(
        ("id" = i64, Path, description = "Id van het traject", example = 4), BekendOpFilter),
    responses((status = 200, description = "Het traject", body = HovTrajectMetVersies,
                  headers(("ETag" = String, description = "Versie van het traject, voor If-Match"))),
              (status = 403, description = "Alleen voor de Wmo-consulent van de gemeente en de begeleidende aanbieder", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn get_tenancy(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s.services.tenancy(&caller.ctx, id, q.bekend_op).await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        HovTrajectMetVersies {
            traject: h.current.into(),
            versies: h.versions.into_iter().map(Into::into).collect(),
        },
    ))
}

/// Een HOV-traject corrigeren of beëindigen met zijn eindresultaat; de
/// vorige versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/hov-trajecten/{id}", tag = "Huren Onder Voorwaarden", request_body = HovTrajectInvoer,
    params(("id" = i64, Path, description = "Id van het traject", example = 4),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v9\"")),
    responses((status = 200, description = "Gewijzigd", body = HovTraject,
                  headers(("ETag" = String, description = "De nieuwe versie van het traject"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Niet uw gemeente of niet uw begeleiding", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_tenancy(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<HovTrajectInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_tenancy(&caller.ctx, id, version, &b.input())
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version_id,
        HovTraject::from(changed),
    ))
}
