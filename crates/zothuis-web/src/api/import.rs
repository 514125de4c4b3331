//! Import over the API: the same files as the upload page, as multipart.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem, problem_with_import};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::import::service::ImportReport;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
}

/// De bestanden van een import (multipart/form-data).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ImportBestanden {
    /// Eén of meer bestanden: clienten.csv, adressen.csv, beschikkingen.csv,
    /// wachtlijst.csv, verblijven.csv, toegangsmeldingen.csv, voordrachten.csv,
    /// pact-afspraken.csv, hov-trajecten.csv, zorgcoordinatie-trajecten.csv,
    /// zorgcoordinatie-meldingen.csv, of een .xlsx met zulke werkbladen. De
    /// bestandsnaam bepaalt de tabel; de kolommen, en wie welke tabel
    /// importeert, staan in docs/import.md.
    #[schema(value_type = Vec<String>, format = Binary, example = json!(["clienten.csv"]))]
    bestanden: Vec<Vec<u8>>,
    /// Alleen controleren: meld elk probleem en sla niets op.
    #[schema(example = true)]
    alleen_controleren: Option<bool>,
}

/// Wat een import bevat en of die is opgeslagen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportResultaat {
    /// Opgeslagen (false bij alleen controleren).
    #[schema(example = true)]
    pub opgeslagen: bool,
    #[schema(example = 4)]
    pub clienten: usize,
    #[schema(example = 4)]
    pub adressen: usize,
    #[schema(example = 4)]
    pub beschikkingen: usize,
    #[schema(example = 9)]
    pub wachtlijstovergangen: usize,
    #[schema(example = 3)]
    pub verblijven: usize,
    /// Meldingen bij de centrale toegang voor de opvang.
    #[schema(example = 2)]
    pub toegangsmeldingen: usize,
    /// Voordrachten voor uitstroom (Pact of urgentie).
    #[schema(example = 2)]
    pub voordrachten: usize,
    /// Afspraken van het Pact voor uitstroom.
    #[schema(example = 0)]
    pub pact_afspraken: usize,
    /// Trajecten van Huren Onder Voorwaarden.
    #[schema(example = 0)]
    pub hov_trajecten: usize,
    /// Trajecten van zorgcoördinatie.
    #[schema(example = 0)]
    pub zorgcoordinatie_trajecten: usize,
    /// Meldingen van zorgcoördinatie.
    #[schema(example = 0)]
    pub zorgcoordinatie_meldingen: usize,
    /// De ids van de aangemaakte cliënten, in volgorde van het bestand.
    #[schema(example = json!([12, 13, 14, 15]))]
    pub client_ids: Vec<i64>,
}

impl From<&ImportReport> for ImportResultaat {
    fn from(r: &ImportReport) -> Self {
        ImportResultaat {
            opgeslagen: r.applied,
            clienten: r.counts.clients,
            adressen: r.counts.addresses,
            beschikkingen: r.counts.decisions,
            wachtlijstovergangen: r.counts.transitions,
            verblijven: r.counts.stays,
            toegangsmeldingen: r.counts.registrations,
            voordrachten: r.counts.nominations,
            pact_afspraken: r.counts.quotas,
            hov_trajecten: r.counts.tenancies,
            zorgcoordinatie_trajecten: r.counts.trajectories,
            zorgcoordinatie_meldingen: r.counts.reports,
            client_ids: r.client_ids.clone(),
        }
    }
}

/// Importeert cliënten met hun adressen, beschikkingen, wachtlijstgeschiedenis,
/// verblijven, meldingen bij de centrale toegang en voordrachten voor
/// uitstroom, en de registers Pact-afspraken, HOV-trajecten en
/// zorgcoördinatie; alles of niets. Elke tabel importeert wie haar op de
/// schermen bijhoudt: een tabel die u niet mag importeren is een probleem,
/// mag u geen enkele tabel uit de bestanden importeren dan 403. Bij
/// problemen: 422 met elk probleem per bestand, regel en kolom in
/// `problemen`.
#[utoipa::path(post, path = "/importen", tag = "Cliënten",
    request_body(content = ImportBestanden, content_type = "multipart/form-data"),
    responses((status = 200, description = "Geïmporteerd of gecontroleerd zonder problemen", body = ImportResultaat),
              (status = 400, description = "Geen bestanden", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem),
              (status = 422, description = "Problemen gevonden; niets opgeslagen", body = Problem)))]
async fn import(
    State(s): State<AppState>,
    caller: ApiCaller,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    // A request that is not multipart/form-data gets the same Dutch problem
    // as one without files.
    let form = form.map_err(|_| crate::upload::unreadable())?;
    let upload = crate::upload::read(form).await?;
    let report = crate::upload::import(&s.services, &caller.ctx, &upload).await?;
    if !report.problems.is_empty() {
        return Ok(problem_with_import(&report.problems));
    }
    Ok(axum::Json(ImportResultaat::from(&report)).into_response())
}
