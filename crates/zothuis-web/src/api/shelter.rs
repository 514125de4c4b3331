//! The central access point for shelter over the API: registrations
//! (signals, trajectories, threatened homelessness) with their outcome.

use super::access::BekendOpFilter;
use super::clients::ClientInvoer;
use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::shelter::service::{PersonInput, RegistrationFilter};
use zothuis_domain::shelter::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_registrations, register))
        .routes(routes!(get_registration, change_registration))
}

/// Een melding bij de centrale toegang voor de opvang (Brede Centrale Toegang).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeldingOpvang {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    /// signaal, traject of dreigend-dakloos
    #[schema(example = "traject")]
    pub soort: String,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub meldingsdatum: NaiveDate,
    /// Gemeentecode van de gemeente van herkomst; leeg als die onbekend is.
    #[schema(example = "GM0406")]
    pub herkomst: Option<String>,
    /// Hoe de herkomst is vastgesteld: adres (laatst geregistreerde adres), opgave of onbekend.
    #[schema(example = "opgave")]
    pub herkomst_bepaald: String,
    /// toegang-opvang, zelfredzaam, woning-behouden, dakloos-geworden, doorverwezen of beeindigd; leeg zolang de melding loopt.
    #[schema(example = json!(null))]
    pub uitkomst: Option<String>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub uitkomstdatum: Option<NaiveDate>,
    /// Bij voldoende zelfredzaam: de gemeente waarnaar is terugverwezen.
    #[schema(example = json!(null))]
    pub terugverwezen_naar: Option<String>,
    /// Bij anders beëindigd: de reden.
    #[schema(example = json!(null))]
    pub reden_einde: Option<String>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    /// Versie (ook de ETag).
    #[schema(example = 7)]
    pub versie: i64,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
}

impl From<Registration> for MeldingOpvang {
    fn from(r: Registration) -> Self {
        let f = r.facts;
        MeldingOpvang {
            id: r.id,
            client_id: r.client_id,
            regio_id: r.region_id,
            soort: f.kind.code().to_string(),
            meldingsdatum: f.reported_on,
            herkomst: f.origin.map(|m| m.to_string()),
            herkomst_bepaald: f.origin_basis.code().to_string(),
            uitkomst: f.outcome.map(|o| o.code().to_string()),
            uitkomstdatum: f.outcome_on,
            terugverwezen_naar: f.referred_to.map(|m| m.to_string()),
            reden_einde: f.end_reason.map(|e| e.code().to_string()),
            toelichting: f.note,
            versie: r.version_id,
            vastgelegd_op: r.recorded_at,
        }
    }
}

/// Een melding met alle versies (correcties en uitkomst), oudste eerst.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeldingOpvangHistorie {
    #[serde(flatten)]
    pub melding: MeldingOpvang,
    pub versies: Vec<MeldingOpvang>,
}

/// Wat een melding zegt, bij registreren en bij wijzigen.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct MeldingInvoer {
    /// signaal, traject of dreigend-dakloos
    #[schema(example = "traject")]
    pub soort: String,
    #[schema(example = "2026-01-05")]
    pub meldingsdatum: String,
    /// De gemeente waar de persoon zegt vandaan te komen (gemeentecode). Welke
    /// herkomst telt, bepaalt de regel van de regio (laatst geregistreerde
    /// adres of opgave).
    #[schema(example = "GM0406")]
    pub herkomst_opgegeven: Option<String>,
    #[schema(example = json!(null))]
    pub uitkomst: Option<String>,
    #[schema(example = json!(null))]
    pub uitkomstdatum: Option<String>,
    /// Bij voldoende zelfredzaam; standaard de gemeente van herkomst.
    #[schema(example = json!(null))]
    pub terugverwezen_naar: Option<String>,
    /// Bij anders beëindigd: teruggetrokken, niet-verschenen, elders-opgevangen, buiten-doelgroep of overig.
    #[schema(example = json!(null))]
    pub reden_einde: Option<String>,
    #[schema(example = "Slaapt sinds twee weken in de auto")]
    pub toelichting: Option<String>,
}

impl MeldingInvoer {
    fn input(self) -> RegistrationInput {
        RegistrationInput {
            kind: self.soort,
            reported_on: self.meldingsdatum,
            stated_origin: self.herkomst_opgegeven,
            outcome: self.uitkomst,
            outcome_on: self.uitkomstdatum,
            referred_to: self.terugverwezen_naar,
            end_reason: self.reden_einde,
            note: self.toelichting,
        }
    }
}

/// Een nieuwe melding: voor een persoon die de centrale toegang al kent
/// (`clientId`), voor een persoon die zothuis elders in de regio kent
/// (`bekendePersoon`: BSN en geboortedatum moeten allebei kloppen; de
/// opzoeking wordt gelogd), of voor een nieuwe persoon (`client`).
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NieuweMelding {
    #[schema(example = json!(null))]
    pub client_id: Option<i64>,
    /// Een persoon die zothuis nog niet kent; wordt geregistreerd voor de centrumgemeente van de regio.
    pub client: Option<ClientInvoer>,
    /// Een persoon die zothuis al kent maar de centrale toegang nog niet: gevonden op BSN en geboortedatum samen.
    pub bekende_persoon: Option<BekendePersoon>,
    #[serde(flatten)]
    pub melding: MeldingInvoer,
}

/// Hoe de centrale toegang een persoon vindt die zothuis al kent.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BekendePersoon {
    #[schema(example = "999990019")]
    pub bsn: String,
    #[schema(example = "1980-04-12")]
    pub geboortedatum: String,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MeldingFilter {
    /// Alleen deze soort: signaal, traject of dreigend-dakloos.
    #[param(example = "traject")]
    pub soort: Option<String>,
    /// Alleen lopende meldingen (zonder uitkomst).
    #[param(example = true)]
    pub open: Option<bool>,
    #[param(example = 12)]
    pub client_id: Option<i64>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Meldingen bij de centrale toegang van uw regio, nieuwste eerst.
#[utoipa::path(get, path = "/meldingen-opvang", tag = "Opvang", params(MeldingFilter),
    responses((status = 200, description = "Meldingen", body = Lijst<MeldingOpvang>),
              (status = 403, description = "Alleen voor de centrale toegang", body = Problem)))]
async fn list_registrations(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<MeldingFilter>,
) -> ApiResult<axum::Json<Lijst<MeldingOpvang>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let filter = RegistrationFilter {
        kind: q.soort,
        open_only: q.open.unwrap_or(false),
        client_id: q.client_id,
    };
    let page = s
        .services
        .list_registrations(&caller.ctx, &filter, q.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/meldingen-opvang",
        MeldingOpvang::from,
    )))
}

/// Een melding registreren bij de centrale toegang; de gemeente van herkomst volgt uit de regel van de regio.
#[utoipa::path(post, path = "/meldingen-opvang", tag = "Opvang", request_body = NieuweMelding,
    responses((status = 201, description = "Geregistreerd", body = MeldingOpvang),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen voor de centrale toegang", body = Problem),
              (status = 409, description = "BSN al geregistreerd", body = Problem),
              (status = 429, description = "Te vaak een bekende persoon gezocht die niet gevonden werd; probeer het later opnieuw", body = Problem)))]
async fn register(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<NieuweMelding>,
) -> ApiResult<Response> {
    let person = match (b.client_id, b.client, b.bekende_persoon) {
        (Some(id), None, None) => PersonInput::Existing(id),
        (None, Some(client), None) => PersonInput::New(client.input()),
        (None, None, Some(known)) => PersonInput::Known {
            bsn: known.bsn,
            date_of_birth: known.geboortedatum,
        },
        _ => {
            return Err(ApiError::bad_request(
                "clientId",
                "geef één van drie: de cliënt die de centrale toegang al kent (clientId), een persoon die zothuis al kent (bekendePersoon: bsn en geboortedatum), of de gegevens van een nieuwe persoon (client)",
            ));
        }
    };
    let created = s
        .services
        .register_at_access_point(&caller.ctx, &person, &b.melding.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        created.version_id,
        MeldingOpvang::from(created),
    ))
}

/// Eén melding met al haar versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/meldingen-opvang/{id}", tag = "Opvang", params(
        ("id" = i64, Path, description = "Id van de melding", example = 3), BekendOpFilter),
    responses((status = 200, description = "De melding", body = MeldingOpvangHistorie),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn get_registration(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s
        .services
        .registration(&caller.ctx, id, q.bekend_op)
        .await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        MeldingOpvangHistorie {
            melding: h.current.into(),
            versies: h.versions.into_iter().map(MeldingOpvang::from).collect(),
        },
    ))
}

/// Een melding corrigeren of de uitkomst vastleggen; de vorige versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/meldingen-opvang/{id}", tag = "Opvang", request_body = MeldingInvoer,
    params(("id" = i64, Path, description = "Id van de melding", example = 3),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v7\"")),
    responses((status = 200, description = "Gewijzigd", body = MeldingOpvang),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_registration(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<MeldingInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_registration(&caller.ctx, id, version, &b.input())
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version_id,
        MeldingOpvang::from(changed),
    ))
}
