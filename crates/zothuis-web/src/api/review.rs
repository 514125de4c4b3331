//! Waiting-list review meetings over the API.

use super::waitlist::WachtlijstRegel;
use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::waitlist::review::{Review, ReviewOutcome, ReviewPlan};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews, record_review))
        .routes(routes!(planning))
        .routes(routes!(agenda))
        .routes(routes!(set_cycle))
}

/// Een gehouden wachtlijstoverleg.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Wachtlijstoverleg {
    #[schema(example = 2)]
    pub id: i64,
    #[schema(example = "GM0402")]
    pub gemeente_code: String,
    #[schema(example = "2026-01-08", value_type = String, format = Date)]
    pub datum: NaiveDate,
    pub uitkomsten: Vec<Overleguitkomst>,
    #[schema(example = "2026-01-08T15:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "wachtlijst.gv")]
    pub geregistreerd_door: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Overleguitkomst {
    #[schema(example = 4)]
    pub wachtlijst_id: i64,
    #[schema(example = "Besproken: blijft actief wachtend, voorkeur Bussum")]
    pub uitkomst: String,
}

impl From<Review> for Wachtlijstoverleg {
    fn from(r: Review) -> Self {
        Wachtlijstoverleg {
            id: r.id,
            gemeente_code: r.municipality.to_string(),
            datum: r.held_on,
            uitkomsten: r
                .outcomes
                .into_iter()
                .map(|o| Overleguitkomst {
                    wachtlijst_id: o.entry_id,
                    uitkomst: o.outcome,
                })
                .collect(),
            geregistreerd_op: r.recorded_at,
            geregistreerd_door: r.recorded_by,
        }
    }
}

/// Gehouden wachtlijstoverleggen in uw regio, nieuwste eerst (wachtlijstbeheerder).
#[utoipa::path(get, path = "/wachtlijstoverleggen", tag = "Wachtlijst",
    responses((status = 200, description = "Overleggen", body = Vec<Wachtlijstoverleg>),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn list_reviews(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Wachtlijstoverleg>>> {
    Ok(axum::Json(
        s.services
            .list_reviews(&caller.ctx)
            .await?
            .into_iter()
            .map(Wachtlijstoverleg::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OverlegInvoer {
    #[schema(example = "GM0402")]
    pub gemeente_code: String,
    #[schema(example = "2026-01-08")]
    pub datum: String,
    pub uitkomsten: Vec<Overleguitkomst>,
}

/// Een gehouden overleg vastleggen met de uitkomst per besproken cliënt.
#[utoipa::path(post, path = "/wachtlijstoverleggen", tag = "Wachtlijst", request_body = OverlegInvoer,
    responses((status = 201, description = "Vastgelegd", body = Wachtlijstoverleg),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn record_review(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<OverlegInvoer>,
) -> ApiResult<impl IntoResponse> {
    let outcomes: Vec<ReviewOutcome> = b
        .uitkomsten
        .into_iter()
        .map(|o| ReviewOutcome {
            entry_id: o.wachtlijst_id,
            outcome: o.uitkomst,
        })
        .collect();
    let r = s
        .services
        .record_review(&caller.ctx, &b.gemeente_code, &b.datum, &outcomes)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(Wachtlijstoverleg::from(r))))
}

/// Wanneer het volgende overleg per gemeente moet plaatsvinden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overlegplanning {
    #[schema(example = "GM0402")]
    pub gemeente_code: String,
    #[schema(example = 6)]
    pub cyclus_weken: i64,
    #[schema(example = "2026-01-08", value_type = Option<String>, format = Date)]
    pub laatste_overleg: Option<NaiveDate>,
    #[schema(example = "2026-02-19", value_type = String, format = Date)]
    pub volgende_overleg: NaiveDate,
    #[schema(example = false)]
    pub te_laat: bool,
}

impl From<ReviewPlan> for Overlegplanning {
    fn from(p: ReviewPlan) -> Self {
        Overlegplanning {
            gemeente_code: p.municipality.to_string(),
            cyclus_weken: p.cycle_weeks,
            laatste_overleg: p.last_held,
            volgende_overleg: p.next_due,
            te_laat: p.overdue,
        }
    }
}

/// De overlegplanning per gemeente van uw regio.
#[utoipa::path(get, path = "/wachtlijstoverleggen/planning", tag = "Wachtlijst",
    responses((status = 200, description = "Planning", body = Vec<Overlegplanning>),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn planning(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Overlegplanning>>> {
    Ok(axum::Json(
        s.services
            .review_plans(&caller.ctx)
            .await?
            .into_iter()
            .map(Overlegplanning::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    #[param(example = "GM0402")]
    pub gemeente_code: String,
}

/// De lijst voor het volgende overleg: iedereen van de gemeente die nog op de wachtlijst staat.
#[utoipa::path(get, path = "/wachtlijstoverleggen/agenda", tag = "Wachtlijst", params(AgendaQuery),
    responses((status = 200, description = "Agenda", body = Vec<WachtlijstRegel>),
              (status = 400, description = "Onbekende of andere gemeente", body = Problem)))]
async fn agenda(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<AgendaQuery>,
) -> ApiResult<axum::Json<Vec<WachtlijstRegel>>> {
    let lines = s
        .services
        .review_agenda(&caller.ctx, &q.gemeente_code)
        .await?;
    Ok(axum::Json(
        lines.into_iter().map(WachtlijstRegel::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CyclusInvoer {
    /// Aantal weken tussen twee overleggen (1–52).
    #[schema(example = 6)]
    pub weken: i64,
}

/// De overlegcyclus van een gemeente instellen (wachtlijstbeheerder).
#[utoipa::path(put, path = "/gemeenten/{code}/overlegcyclus", tag = "Wachtlijst", request_body = CyclusInvoer,
    params(("code" = String, Path, description = "CBS-gemeentecode", example = "GM0402")),
    responses((status = 204, description = "Ingesteld"),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn set_cycle(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<CyclusInvoer>,
) -> ApiResult<StatusCode> {
    s.services
        .set_review_cycle(&caller.ctx, &code, b.weken)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
