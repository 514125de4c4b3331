//! Zorgcoördinatie over the API: the region's outreach team records
//! meldingen and trajectories; nobody else sees them.

use super::access::BekendOpFilter;
use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
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
use zothuis_domain::outreach::service::TrajectoryFilter;
use zothuis_domain::outreach::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_trajectories, open_trajectory))
        .routes(routes!(get_trajectory, change_trajectory))
        .routes(routes!(add_melding))
        .routes(routes!(retract_melding))
}

/// Een traject zorgcoördinatie (bemoeizorg).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrajectZorgcoordinatie {
    #[schema(example = 5)]
    pub id: i64,
    /// De persoon over trajecten heen (geen cliëntnummer van zothuis).
    #[schema(example = 3)]
    pub persoon_id: i64,
    #[schema(example = 2)]
    pub regio_id: i64,
    /// Gemeentecode van de gemeente waar de persoon woont of verblijft.
    #[schema(example = "GM0392")]
    pub gemeente: String,
    /// Het minimum om de persoon te herkennen.
    #[schema(example = "man, ca. 50, slaapt in het park")]
    pub persoon: String,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub startdatum: NaiveDate,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub afgesloten_op: Option<NaiveDate>,
    /// toegeleid, opvang, geen-zorg-nodig, zorgmijdend, uit-beeld, overleden of anders.
    #[schema(example = json!(null))]
    pub uitkomst: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    /// Versie (ook de ETag).
    #[schema(example = 8)]
    pub versie: i64,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    #[schema(example = "zorgcoordinatie.zkih")]
    pub vastgelegd_door: String,
}

impl From<Trajectory> for TrajectZorgcoordinatie {
    fn from(t: Trajectory) -> Self {
        let f = t.facts;
        TrajectZorgcoordinatie {
            id: t.id,
            persoon_id: t.person_id,
            regio_id: t.region_id,
            gemeente: f.municipality.to_string(),
            persoon: f.person,
            startdatum: f.started_on,
            afgesloten_op: f.closed_on,
            uitkomst: f.outcome.map(|o| o.code().to_string()),
            toelichting: f.note,
            versie: t.version_id,
            vastgelegd_op: t.recorded_at,
            vastgelegd_door: t.recorded_by,
        }
    }
}

/// Een melding binnen een traject.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeldingZorgcoordinatie {
    #[schema(example = 11)]
    pub id: i64,
    #[schema(example = 5)]
    pub traject_id: i64,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub meldingsdatum: NaiveDate,
    /// buren, familie, politie, corporatie, huisarts, ggz, wijkteam, gemeente, zelf of anders.
    #[schema(example = "buren")]
    pub bron: String,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    #[schema(example = "zorgcoordinatie.zkih")]
    pub vastgelegd_door: String,
    /// Wanneer de melding als ten onrechte vastgelegd is ingetrokken; vanaf
    /// dan telt zij niet meer mee (zoals bekend daarvoor wel).
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub ingetrokken_op: Option<DateTime<Utc>>,
    #[schema(example = json!(null))]
    pub reden_intrekking: Option<String>,
}

impl From<OutreachReport> for MeldingZorgcoordinatie {
    fn from(r: OutreachReport) -> Self {
        MeldingZorgcoordinatie {
            id: r.id,
            traject_id: r.trajectory_id,
            meldingsdatum: r.reported_on,
            bron: r.source.code().to_string(),
            vastgelegd_op: r.recorded_at,
            vastgelegd_door: r.recorded_by,
            ingetrokken_op: r.retracted.as_ref().map(|x| x.recorded_at),
            reden_intrekking: r.retracted.map(|x| x.reason),
        }
    }
}

/// Het intrekken van een melding die ten onrechte is vastgelegd.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct MeldingIntrekking {
    /// Waarom de melding niet meer telt (verplicht; niet in het auditlog).
    #[schema(example = "Dubbel ingevoerd")]
    pub reden: String,
}

/// Een traject met zijn versies en meldingen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrajectHistorie {
    #[serde(flatten)]
    pub traject: TrajectZorgcoordinatie,
    pub versies: Vec<TrajectZorgcoordinatie>,
    pub meldingen: Vec<MeldingZorgcoordinatie>,
}

/// Wat een traject zegt, bij wijzigen of afsluiten.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TrajectInvoer {
    #[schema(example = "GM0392")]
    pub gemeente: String,
    /// Het minimum om de persoon te herkennen: initialen of een korte omschrijving.
    #[schema(example = "man, ca. 50, slaapt in het park")]
    pub persoon: String,
    #[schema(example = "2026-01-05")]
    pub startdatum: String,
    #[schema(example = json!(null))]
    pub afgesloten_op: Option<String>,
    #[schema(example = json!(null))]
    pub uitkomst: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
}

impl TrajectInvoer {
    fn input(self) -> TrajectoryInput {
        TrajectoryInput {
            municipality: self.gemeente,
            person: self.persoon,
            started_on: self.startdatum,
            closed_on: self.afgesloten_op,
            outcome: self.uitkomst,
            note: self.toelichting,
        }
    }
}

/// Een melding zoals ingevoerd.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct MeldingInvoer {
    #[schema(example = "2026-01-09")]
    pub meldingsdatum: String,
    #[schema(example = "politie")]
    pub bron: String,
}

impl MeldingInvoer {
    fn input(self) -> ReportInput {
        ReportInput {
            reported_on: self.meldingsdatum,
            source: self.bron,
        }
    }
}

/// Een eerste melding, die een traject opent: voor een nieuwe persoon, of
/// voor een persoon die het team al kent (`persoonId`, zonder open traject).
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NieuwTraject {
    #[schema(example = json!(null))]
    pub persoon_id: Option<i64>,
    #[schema(example = "GM0392")]
    pub gemeente: String,
    #[schema(example = "man, ca. 50, slaapt in het park")]
    pub persoon: String,
    /// De dag van de eerste melding: ook de startdatum van het traject.
    #[schema(example = "2026-01-05")]
    pub meldingsdatum: String,
    #[schema(example = "buren")]
    pub bron: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TrajectFilter {
    /// Alleen trajecten die nog open zijn.
    #[param(example = true)]
    pub open: Option<bool>,
    #[param(example = "GM0392")]
    pub gemeente: Option<String>,
    #[param(example = 3)]
    pub persoon_id: Option<i64>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// De trajecten van het team zorgcoördinatie van uw regio, open trajecten eerst.
#[utoipa::path(get, path = "/zorgcoordinatie-trajecten", tag = "Zorgcoördinatie", params(TrajectFilter),
    responses((status = 200, description = "Trajecten", body = Lijst<TrajectZorgcoordinatie>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem)))]
async fn list_trajectories(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<TrajectFilter>,
) -> ApiResult<axum::Json<Lijst<TrajectZorgcoordinatie>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let filter = TrajectoryFilter {
        open_only: q.open.unwrap_or(false),
        municipality: q.gemeente,
        person_id: q.persoon_id,
    };
    let page = s
        .services
        .list_trajectories(&caller.ctx, &filter, q.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/zorgcoordinatie-trajecten",
        TrajectZorgcoordinatie::from,
    )))
}

/// Een eerste melding vastleggen; die opent een traject.
#[utoipa::path(post, path = "/zorgcoordinatie-trajecten", tag = "Zorgcoördinatie", request_body = NieuwTraject,
    responses((status = 201, description = "Traject geopend", body = TrajectZorgcoordinatie),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem),
              (status = 409, description = "De persoon heeft al een open traject", body = Problem)))]
async fn open_trajectory(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<NieuwTraject>,
) -> ApiResult<Response> {
    let trajectory = TrajectoryInput {
        municipality: b.gemeente,
        person: b.persoon,
        started_on: b.meldingsdatum.clone(),
        closed_on: None,
        outcome: None,
        note: b.toelichting,
    };
    let report = ReportInput {
        reported_on: b.meldingsdatum,
        source: b.bron,
    };
    let (created, _) = s
        .services
        .open_trajectory(&caller.ctx, b.persoon_id, &trajectory, &report)
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        created.version_id,
        TrajectZorgcoordinatie::from(created),
    ))
}

/// Eén traject met zijn versies en meldingen, zoals bekend op een moment.
#[utoipa::path(get, path = "/zorgcoordinatie-trajecten/{id}", tag = "Zorgcoördinatie", params(
        ("id" = i64, Path, description = "Id van het traject", example = 5), BekendOpFilter),
    responses((status = 200, description = "Het traject", body = TrajectHistorie),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn get_trajectory(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s.services.trajectory(&caller.ctx, id, q.bekend_op).await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        TrajectHistorie {
            traject: h.current.into(),
            versies: h.versions.into_iter().map(Into::into).collect(),
            meldingen: h.reports.into_iter().map(Into::into).collect(),
        },
    ))
}

/// Een traject corrigeren of afsluiten; de vorige versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/zorgcoordinatie-trajecten/{id}", tag = "Zorgcoördinatie", request_body = TrajectInvoer,
    params(("id" = i64, Path, description = "Id van het traject", example = 5),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v8\"")),
    responses((status = 200, description = "Gewijzigd", body = TrajectZorgcoordinatie),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_trajectory(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<TrajectInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_trajectory(&caller.ctx, id, version, &b.input())
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version_id,
        TrajectZorgcoordinatie::from(changed),
    ))
}

/// Een volgende melding binnen een traject dat op die dag open was.
#[utoipa::path(post, path = "/zorgcoordinatie-trajecten/{id}/meldingen", tag = "Zorgcoördinatie",
    request_body = MeldingInvoer,
    params(("id" = i64, Path, description = "Id van het traject", example = 5)),
    responses((status = 201, description = "Vastgelegd", body = MeldingZorgcoordinatie),
              (status = 400, description = "Ongeldige invoer of buiten het traject", body = Problem),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn add_melding(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeldingInvoer>,
) -> ApiResult<(StatusCode, axum::Json<MeldingZorgcoordinatie>)> {
    let created = s.services.add_melding(&caller.ctx, id, &b.input()).await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Trekt een melding in die ten onrechte is vastgelegd. De melding blijft
/// bewaard en telt vanaf nu niet meer mee; een traject houdt minstens één
/// melding.
#[utoipa::path(post, path = "/zorgcoordinatie-trajecten/{id}/meldingen/{meldingId}/intrekking",
    tag = "Zorgcoördinatie", request_body = MeldingIntrekking,
    params(("id" = i64, Path, description = "Id van het traject", example = 5),
           ("meldingId" = i64, Path, description = "Id van de melding", example = 11)),
    responses((status = 200, description = "Ingetrokken", body = MeldingZorgcoordinatie),
              (status = 400, description = "Geen reden opgegeven", body = Problem),
              (status = 403, description = "Alleen voor het team zorgcoördinatie", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 409, description = "Al ingetrokken, of de enige melding van het traject", body = Problem)))]
async fn retract_melding(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, melding)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<MeldingIntrekking>,
) -> ApiResult<axum::Json<MeldingZorgcoordinatie>> {
    let retracted = s
        .services
        .retract_melding(&caller.ctx, id, melding, &b.reden)
        .await?;
    Ok(axum::Json(retracted.into()))
}
