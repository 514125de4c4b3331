//! The CBS Monitor Dakloosheid over the API: the summary of a delivery as
//! JSON, and the file itself as CSV.

use super::ApiQuery;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::exchange::CbsInput;
use zothuis_domain::exchange::cbs::Extract;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(file))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LeveringVraag {
    /// Eerste dag van de periode (bij het CBS: een kalenderjaar); voor een peildatum gelijk aan periodeTot.
    #[param(example = "2025-01-01")]
    pub periode_van: Option<String>,
    #[param(example = "2025-12-31")]
    pub periode_tot: Option<String>,
    /// Het doel van de levering (AVG artikel 5 lid 1 onder b); komt in het auditlog.
    #[param(example = "Uitvraag Monitor Dakloosheid van het CBS over 2025")]
    pub doel: Option<String>,
}

/// Personen in een ETHOS Light-categorie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PerCategorie {
    #[schema(example = 3)]
    pub categorie: u8,
    #[schema(example = "3 – Tijdelijke opvang voor dakloze mensen")]
    pub naam: String,
    /// Personen met een verblijf in deze categorie in de periode (met of zonder BSN).
    #[schema(example = 41)]
    pub personen: usize,
}

/// Personen in het bestand per gemeente en categorie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PerGemeente {
    #[schema(example = "GM0402")]
    pub gemeente: String,
    #[schema(example = 3)]
    pub categorie: u8,
    #[schema(example = 12)]
    pub personen: usize,
}

/// Wat een levering aan het CBS bevat, zonder BSN.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CbsLevering {
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub periode_van: NaiveDate,
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub periode_tot: NaiveDate,
    #[schema(example = "2026-01-15", value_type = String, format = Date)]
    pub aanmaakdatum: NaiveDate,
    /// Regels in het bestand: unieke personen met BSN.
    #[schema(example = 52)]
    pub personen: usize,
    /// Personen zonder BSN: niet in het bestand (het CBS telt personen met BSN).
    #[schema(example = 3)]
    pub zonder_bsn: usize,
    pub per_categorie: Vec<PerCategorie>,
    pub per_gemeente: Vec<PerGemeente>,
    /// De kolommen van het bestand, in volgorde.
    #[schema(example = json!(["Aanmaakdatum_bestand", "Gemeentecode"]))]
    pub kolommen: Vec<String>,
}

impl From<&Extract> for CbsLevering {
    fn from(e: &Extract) -> Self {
        CbsLevering {
            periode_van: e.from,
            periode_tot: e.to,
            aanmaakdatum: e.made_on,
            personen: e.rows.len(),
            zonder_bsn: e.without_bsn,
            per_categorie: e
                .per_category
                .iter()
                .map(|(c, n)| PerCategorie {
                    categorie: c.number(),
                    naam: c.label().into(),
                    personen: *n,
                })
                .collect(),
            per_gemeente: e
                .per_municipality()
                .into_iter()
                .map(|((g, c), n)| PerGemeente {
                    gemeente: g.to_string(),
                    categorie: c.number(),
                    personen: n,
                })
                .collect(),
            kolommen: zothuis_domain::exchange::cbs::COLUMNS
                .iter()
                .map(|c| c.to_string())
                .collect(),
        }
    }
}

/// The file name of a delivery.
pub(crate) fn file_name(e: &Extract) -> String {
    format!("monitor-dakloosheid-{}-{}.csv", e.from, e.to)
}

impl LeveringVraag {
    pub(crate) fn input(&self, file: bool) -> CbsInput {
        CbsInput {
            from: self.periode_van.clone().unwrap_or_default(),
            to: self.periode_tot.clone().unwrap_or_default(),
            purpose: self.doel.clone().unwrap_or_default(),
            file,
        }
    }

    /// Whether anything was asked (a page opened without a question shows
    /// only the form).
    pub(crate) fn asked(&self) -> bool {
        self.periode_van.is_some() || self.periode_tot.is_some() || self.doel.is_some()
    }
}

/// Wat de levering voor de Monitor Dakloosheid van het CBS over een periode bevat, zonder BSN: de personen van uw regio in de noodopvang en de tijdelijke opvang (ETHOS Light 2 en 3; zonder beschermd wonen en vrouwenopvang), per categorie en gemeente. Alleen een beleidsadviseur of de functionaris gegevensbescherming van een regio, met het doel; staat in het auditlog.
#[utoipa::path(get, path = "/cbs/monitor-dakloosheid", tag = "Berichten", params(LeveringVraag),
    responses((status = 200, description = "De samenvatting", body = CbsLevering),
              (status = 400, description = "Ongeldige periode of doel", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur of de functionaris gegevensbescherming van een regio", body = Problem)))]
async fn summary(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<LeveringVraag>,
) -> ApiResult<axum::Json<CbsLevering>> {
    let e = s.services.cbs_extract(&caller.ctx, &q.input(false)).await?;
    Ok(axum::Json(CbsLevering::from(&e)))
}

/// Het bestand voor het CBS: één regel per persoon met BSN, categorie, begin en einde van de opvang en de reden van beëindiging (CSV, kolommen in de samenvatting). Elke levering staat met haar doel in het auditlog.
#[utoipa::path(get, path = "/cbs/monitor-dakloosheid/bestand", tag = "Berichten", params(LeveringVraag),
    responses((status = 200, description = "Het bestand", content_type = "text/csv", body = String),
              (status = 400, description = "Ongeldige periode of doel", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur of de functionaris gegevensbescherming van een regio", body = Problem)))]
async fn file(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<LeveringVraag>,
) -> ApiResult<Response> {
    let e = s.services.cbs_extract(&caller.ctx, &q.input(true)).await?;
    Ok(crate::export::attachment(
        crate::export::CSV,
        &file_name(&e),
        e.csv().into_bytes(),
    ))
}
