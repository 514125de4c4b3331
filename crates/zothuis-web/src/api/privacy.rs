//! Requests of access (AVG art. 15) over the API: the privacy officer
//! records a request and fetches the answer, the client's whole record as
//! JSON (AVG art. 20: structured, commonly used and machine-readable).

use super::{ApiJson, ApiPath, ApiQuery, Lijst, Paginering};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::privacy::dossier::Dossier;
use zothuis_domain::privacy::{AccessRequest, AccessRequestInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, record_request))
        .routes(routes!(get_request))
        .routes(routes!(export))
        .routes(routes!(expired))
        .routes(routes!(list_runs, approve_run))
}

/// Een inzageverzoek van een cliënt (AVG artikel 15).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inzageverzoek {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    /// De regio van de functionaris gegevensbescherming; leeg voor de hele installatie.
    #[schema(example = 1)]
    pub regio_id: Option<i64>,
    #[schema(example = "2026-12-01", value_type = String, format = Date)]
    pub ontvangen_op: NaiveDate,
    /// Eén maand na ontvangst (AVG artikel 12 lid 3).
    #[schema(example = "2027-01-01", value_type = String, format = Date)]
    pub beantwoorden_voor: NaiveDate,
    #[schema(example = "paspoort gezien aan de balie")]
    pub identiteit_gecontroleerd: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    #[schema(example = "2026-12-01T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    /// Het moment van de eerste export; leeg zolang het verzoek openstaat.
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub beantwoord_op: Option<DateTime<Utc>>,
}

impl From<AccessRequest> for Inzageverzoek {
    fn from(r: AccessRequest) -> Self {
        Inzageverzoek {
            id: r.id,
            client_id: r.client_id,
            regio_id: r.region_id,
            ontvangen_op: r.received_on,
            beantwoorden_voor: r.due_on(),
            identiteit_gecontroleerd: r.identity_check,
            toelichting: r.note,
            vastgelegd_op: r.recorded_at,
            beantwoord_op: r.answered_at,
        }
    }
}

/// Een inzageverzoek vastleggen. Noem de cliënt met BSN of (zonder BSN) cliëntnummer, altijd met de geboortedatum.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct InzageverzoekInvoer {
    #[schema(example = "999990019")]
    pub bsn: Option<String>,
    #[schema(example = json!(null))]
    pub clientnummer: Option<i64>,
    #[schema(example = "1990-04-12")]
    pub geboortedatum: Option<String>,
    #[schema(example = "2026-12-01")]
    pub ontvangen_op: Option<String>,
    /// Hoe is vastgesteld dat de aanvrager de cliënt zelf is (AVG artikel 12 lid 6)?
    #[schema(example = "paspoort gezien aan de balie")]
    pub identiteit_gecontroleerd: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
}

impl InzageverzoekInvoer {
    pub fn input(self) -> AccessRequestInput {
        AccessRequestInput {
            bsn: self.bsn.unwrap_or_default(),
            client_number: self.clientnummer.map(|n| n.to_string()).unwrap_or_default(),
            date_of_birth: self.geboortedatum.unwrap_or_default(),
            received_on: self.ontvangen_op.unwrap_or_default(),
            identity_check: self.identiteit_gecontroleerd.unwrap_or_default(),
            note: self.toelichting.unwrap_or_default(),
        }
    }
}

/// Eén onderdeel van het overzicht: een tabel met benoemde kolommen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Onderdeel {
    #[schema(example = "adressen")]
    pub sleutel: String,
    #[schema(example = "Adressen")]
    pub titel: String,
    /// Wat het overzicht zegt als dit onderdeel leeg is.
    #[schema(example = "Er is geen adres vastgelegd.")]
    pub leeg: String,
    /// Kolomsleutel en kolomkop, in volgorde.
    #[schema(example = json!([["geldigVanaf", "Geldig vanaf"]]))]
    pub kolommen: Vec<(String, String)>,
    /// Eén object per regel, met de kolomsleutels als namen.
    #[schema(value_type = Vec<Object>, example = json!([{"geldigVanaf": "2024-01-05"}]))]
    pub regels: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Alles wat zothuis over een cliënt bewaart, voor een inzageverzoek.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inzagedossier {
    #[schema(example = "Overzicht van uw gegevens in zothuis")]
    pub titel: String,
    /// Gegevens van het verzoek en het overzicht, als leesbare paren.
    #[schema(example = json!([["Inzageverzoek", "nummer 3"]]))]
    pub gegevens: Vec<(String, String)>,
    pub inzageverzoek: Inzageverzoek,
    #[schema(example = "2026-12-04T10:00:00Z", value_type = String, format = DateTime)]
    pub gemaakt_op: DateTime<Utc>,
    /// Wat de lezer over dit overzicht moet weten.
    pub toelichting: Vec<String>,
    pub onderdelen: Vec<Onderdeel>,
}

impl From<Dossier> for Inzagedossier {
    fn from(d: Dossier) -> Self {
        Inzagedossier {
            titel: Dossier::TITLE.into(),
            gegevens: d.facts(),
            inzageverzoek: d.request.into(),
            gemaakt_op: d.produced_at,
            toelichting: d.notices,
            onderdelen: d
                .sections
                .into_iter()
                .map(|s| Onderdeel {
                    sleutel: s.key.into(),
                    titel: s.title.into(),
                    leeg: s.empty.into(),
                    regels: s
                        .rows
                        .into_iter()
                        .map(|row| {
                            s.columns
                                .iter()
                                .zip(row)
                                .map(|((k, _), v)| (k.to_string(), serde_json::Value::String(v)))
                                .collect()
                        })
                        .collect(),
                    kolommen: s
                        .columns
                        .iter()
                        .map(|(k, l)| (k.to_string(), l.to_string()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// De inzageverzoeken van uw regio, nieuwste eerst (alleen de functionaris gegevensbescherming).
#[utoipa::path(get, path = "/inzageverzoeken", tag = "Privacy", params(Paginering),
    responses((status = 200, description = "Inzageverzoeken", body = Lijst<Inzageverzoek>),
              (status = 403, description = "Alleen de functionaris gegevensbescherming", body = Problem)))]
async fn list_requests(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Inzageverzoek>>> {
    let all = s.services.list_access_requests(&caller.ctx).await?;
    Ok(axum::Json(Lijst::from_page(
        p.request().slice(&all),
        "/inzageverzoeken",
        Inzageverzoek::from,
    )))
}

/// Een inzageverzoek vastleggen, nadat de identiteit van de aanvrager is gecontroleerd. Geen cliënt van uw regio met dit BSN (of cliëntnummer) en deze geboortedatum: 400, voor elke oorzaak hetzelfde antwoord.
#[utoipa::path(post, path = "/inzageverzoeken", tag = "Privacy", request_body = InzageverzoekInvoer,
    responses((status = 201, description = "Vastgelegd", body = Inzageverzoek),
              (status = 400, description = "Ongeldige invoer of geen cliënt gevonden", body = Problem),
              (status = 403, description = "Alleen de functionaris gegevensbescherming", body = Problem),
              (status = 429, description = "Te vaak een cliënt gezocht die niet gevonden werd; probeer het later opnieuw", body = Problem)))]
async fn record_request(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<InzageverzoekInvoer>,
) -> ApiResult<(StatusCode, axum::Json<Inzageverzoek>)> {
    let created = s
        .services
        .record_access_request(&caller.ctx, &b.input())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Eén inzageverzoek, zonder de gegevens van de cliënt.
#[utoipa::path(get, path = "/inzageverzoeken/{id}", tag = "Privacy",
    params(("id" = i64, Path, description = "Id van het verzoek", example = 3)),
    responses((status = 200, description = "Het verzoek", body = Inzageverzoek),
              (status = 403, description = "Alleen de functionaris gegevensbescherming", body = Problem),
              (status = 404, description = "Niet gevonden of van een andere regio", body = Problem)))]
async fn get_request(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Inzageverzoek>> {
    let r = s.services.get_access_request(&caller.ctx, id).await?;
    Ok(axum::Json(r.into()))
}

/// Het antwoord op een inzageverzoek: alles wat zothuis over de cliënt bewaart, met wie de gegevens inzag. Te maken tot en met de dag waarop het verzoek is beantwoord; elke export staat in het auditlog.
#[utoipa::path(get, path = "/inzageverzoeken/{id}/dossier", tag = "Privacy",
    params(("id" = i64, Path, description = "Id van het verzoek", example = 3)),
    responses((status = 200, description = "Het overzicht", body = Inzagedossier),
              (status = 403, description = "Alleen de functionaris gegevensbescherming, of het verzoek is al eerder beantwoord", body = Problem),
              (status = 404, description = "Niet gevonden of van een andere regio", body = Problem)))]
async fn export(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Inzagedossier>> {
    let d = s.services.subject_access_export(&caller.ctx, id).await?;
    Ok(axum::Json(d.into()))
}

/// Een dossier over de bewaartermijn: alleen cliëntnummer en datums.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verlopen {
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = "2010-05-31", value_type = String, format = Date)]
    pub laatste_activiteit: NaiveDate,
    /// Er is een voorziening toegekend (dan geldt de langere termijn).
    #[schema(example = true)]
    pub voorziening_toegekend: bool,
    #[schema(example = 15)]
    pub termijn_jaren: u32,
    /// De eerste dag waarop het dossier geanonimiseerd mag worden.
    #[schema(example = "2025-06-01", value_type = String, format = Date)]
    pub verlopen_op: NaiveDate,
}

/// Een goedgekeurde anonimisering, zonder persoonsgegevens.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Anonimisering {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: Option<i64>,
    #[schema(example = "2026-03-01T10:00:00Z", value_type = String, format = DateTime)]
    pub goedgekeurd_op: DateTime<Utc>,
    #[schema(example = "fg.gv")]
    pub goedgekeurd_door: String,
    /// Geanonimiseerde dossiers, samengevoegde dossiers meegeteld.
    #[schema(example = 3)]
    pub dossiers: i64,
    /// Auditregels waarvan de details zijn gewist.
    #[schema(example = 41)]
    pub auditregels_gewist: i64,
}

impl From<zothuis_domain::privacy::retention::RetentionRun> for Anonimisering {
    fn from(r: zothuis_domain::privacy::retention::RetentionRun) -> Self {
        Anonimisering {
            id: r.id,
            regio_id: r.region_id,
            goedgekeurd_op: r.approved_at,
            goedgekeurd_door: r.approved_by,
            dossiers: r.clients,
            auditregels_gewist: r.audit_rows,
        }
    }
}

/// De dossiers van uw regio die vandaag over de bewaartermijn zijn (functionaris gegevensbescherming), oudste eerst. Zonder persoonsgegevens; wordt gelogd.
#[utoipa::path(get, path = "/bewaartermijnen/verlopen", tag = "Privacy",
    responses((status = 200, description = "Dossiers over de bewaartermijn", body = Vec<Verlopen>)))]
async fn expired(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Verlopen>>> {
    let periods = s.services.settings.retention;
    let due = s.services.retention_due(&caller.ctx).await?;
    Ok(axum::Json(
        due.into_iter()
            .map(|e| Verlopen {
                client_id: e.client_id,
                laatste_activiteit: e.last_activity,
                voorziening_toegekend: e.granted,
                termijn_jaren: periods.years(e.granted),
                verlopen_op: e.expired_on,
            })
            .collect(),
    ))
}

/// Eerdere anonimiseringen van uw regio, nieuwste eerst.
#[utoipa::path(get, path = "/bewaartermijnen/anonimiseringen", tag = "Privacy",
    responses((status = 200, description = "Anonimiseringen", body = Vec<Anonimisering>)))]
async fn list_runs(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Anonimisering>>> {
    let runs = s.services.retention_runs(&caller.ctx).await?;
    Ok(axum::Json(
        runs.into_iter().map(Anonimisering::from).collect(),
    ))
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AnonimiseringInvoer {
    /// Cliëntnummers uit de lijst van verlopen dossiers.
    #[schema(example = json!([12, 31]))]
    pub clienten: Vec<i64>,
}

/// Dossiers over de bewaartermijn anonimiseren (goedkeuring van de functionaris gegevensbescherming): persoonsgegevens, adresregels, toelichtingen en de details in het auditlog worden verwijderd; cijfers blijven gelijk. Niet ongedaan te maken. Wordt gelogd zonder persoonsgegevens.
#[utoipa::path(post, path = "/bewaartermijnen/anonimiseringen", tag = "Privacy", request_body = AnonimiseringInvoer,
    responses((status = 201, description = "Geanonimiseerd", body = Anonimisering),
              (status = 400, description = "Geen dossiers gekozen, of een dossier dat niet (meer) over de termijn is", body = Problem)))]
async fn approve_run(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<AnonimiseringInvoer>,
) -> ApiResult<(StatusCode, axum::Json<Anonimisering>)> {
    let run = s.services.apply_retention(&caller.ctx, &b.clienten).await?;
    Ok((StatusCode::CREATED, axum::Json(Anonimisering::from(run))))
}
