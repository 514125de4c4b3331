//! Forecasts over the API: the population forecasts a region loads for the
//! forecasts of demand for places.

use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::forecast::PopulationInput;
use zothuis_domain::forecast::population::PopulationForecast;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, load))
        .routes(routes!(one))
}

/// Een bevolkingsprognose van de regio: inwoners per gemeente, jaar en leeftijdsklasse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bevolkingsprognose {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = "Bevolkingsprognose 2025–2040")]
    pub naam: String,
    /// Waar de cijfers vandaan komen.
    #[schema(example = "Provincie Noord-Holland, prognose 2024")]
    pub bron: String,
    #[schema(example = 2025)]
    pub eerste_jaar: i32,
    #[schema(example = 2040)]
    pub laatste_jaar: i32,
    #[schema(example = 6)]
    pub gemeenten: u32,
    #[schema(example = 384)]
    pub regels: u32,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub geladen_op: DateTime<Utc>,
}

impl From<PopulationForecast> for Bevolkingsprognose {
    fn from(p: PopulationForecast) -> Self {
        Bevolkingsprognose {
            id: p.id,
            regio_id: p.region_id,
            naam: p.name,
            bron: p.source,
            eerste_jaar: p.years.0,
            laatste_jaar: p.years.1,
            gemeenten: p.municipalities,
            regels: p.rows,
            geladen_op: p.uploaded_at,
        }
    }
}

/// Inwoners van een gemeente in een jaar en leeftijdsklasse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inwoners {
    #[schema(example = "GM0402")]
    pub gemeente: String,
    #[schema(example = 2030)]
    pub jaar: i32,
    /// 18-26 (beide leeftijden inbegrepen) of 65+.
    #[schema(example = "18-26")]
    pub leeftijdsklasse: String,
    #[schema(example = 9120)]
    pub inwoners: u64,
}

/// Een bevolkingsprognose met haar regels.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BevolkingsprognoseMetRegels {
    pub prognose: Bevolkingsprognose,
    pub regels: Vec<Inwoners>,
}

/// Een bevolkingsprognose laden.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BevolkingsprognoseInvoer {
    #[schema(example = "Bevolkingsprognose 2025–2040")]
    pub naam: Option<String>,
    /// Waar de cijfers vandaan komen (3 tot 500 tekens).
    #[schema(example = "Provincie Noord-Holland, prognose 2024")]
    pub bron: Option<String>,
    /// Het bestand als tekst: CSV met kopregel gemeentecode,jaar,leeftijdsklasse,inwoners (komma of puntkomma).
    #[schema(example = "gemeentecode,jaar,leeftijdsklasse,inwoners\nGM0402,2025,18-26,9000\n")]
    pub csv: Option<String>,
}

/// De bevolkingsprognoses van de regio, nieuwste eerst.
#[utoipa::path(get, path = "/bevolkingsprognoses", tag = "Prognoses",
    responses((status = 200, description = "Bevolkingsprognoses", body = Vec<Bevolkingsprognose>),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem)))]
async fn list(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Bevolkingsprognose>>> {
    let found = s.services.populations(&caller.ctx).await?;
    Ok(axum::Json(found.into_iter().map(Into::into).collect()))
}

/// Laadt een bevolkingsprognose voor de regio (de beleidsadviseur): elke regel wordt gecontroleerd en elke fout bij haar regelnummer genoemd; alle gemeenten horen bij de regio.
#[utoipa::path(post, path = "/bevolkingsprognoses", tag = "Prognoses",
    request_body = BevolkingsprognoseInvoer,
    responses((status = 201, description = "Geladen", body = Bevolkingsprognose),
              (status = 400, description = "Ongeldige invoer of een fout in het bestand", body = Problem),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem)))]
async fn load(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<BevolkingsprognoseInvoer>,
) -> ApiResult<(StatusCode, axum::Json<Bevolkingsprognose>)> {
    let created = s
        .services
        .load_population(
            &caller.ctx,
            &PopulationInput {
                name: b.naam.unwrap_or_default(),
                source: b.bron.unwrap_or_default(),
                csv: b.csv.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Eén bevolkingsprognose met haar regels.
#[utoipa::path(get, path = "/bevolkingsprognoses/{id}", tag = "Prognoses",
    params(("id" = i64, Path, description = "Id van de bevolkingsprognose", example = 1)),
    responses((status = 200, description = "De prognose", body = BevolkingsprognoseMetRegels),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn one(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<BevolkingsprognoseMetRegels>> {
    let (head, data) = s.services.population(&caller.ctx, id).await?;
    Ok(axum::Json(BevolkingsprognoseMetRegels {
        prognose: head.into(),
        regels: data
            .rows
            .into_iter()
            .map(|((g, jaar, band), inwoners)| Inwoners {
                gemeente: g.to_string(),
                jaar,
                leeftijdsklasse: band.label(),
                inwoners,
            })
            .collect(),
    }))
}
