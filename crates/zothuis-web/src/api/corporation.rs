//! The housing corporation's own view over the API: the nominations for
//! outflow addressed to it, with who the candidate is and where a home is
//! sought, and nothing of the care behind them.

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
use zothuis_domain::outflow::model::AllocationInput;
use zothuis_domain::outflow::service::{AddressedNomination, Candidate};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_addressed))
        .routes(routes!(get_addressed))
        .routes(routes!(record_allocation))
}

/// Wie de kandidaat is en hoe de corporatie hem of haar bereikt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kandidaat {
    #[schema(example = "Sanne de Boer")]
    pub naam: String,
    #[schema(example = "06-12345678")]
    pub telefoon: Option<String>,
    #[schema(example = "sanne.deboer@example.org")]
    pub email: Option<String>,
}

impl From<Candidate> for Kandidaat {
    fn from(c: Candidate) -> Self {
        Kandidaat {
            naam: c.name,
            telefoon: c.phone,
            email: c.email,
        }
    }
}

/// Een voordracht voor uitstroom zoals de corporatie waaraan zij gericht is
/// haar ziet: wie de kandidaat is, waar een woning wordt gezocht en de
/// toewijzing. Niets van de zorg: niet waaruit de persoon uitstroomt, het
/// verblijf, de nazorg, hoe het wonen verloopt of de toelichting.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoordrachtVoorCorporatie {
    #[schema(example = 4)]
    pub id: i64,
    /// De kandidaat; leeg (null) bij een afgeschermde cliënt
    /// (bijvoorbeeld uit de vrouwenopvang): die stelt de uitstroomcoördinatie
    /// van de regio persoonlijk voor.
    pub kandidaat: Option<Kandidaat>,
    /// pact of urgentie
    #[schema(example = "pact")]
    pub route: String,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub voordrachtdatum: NaiveDate,
    /// Gemeentecode van de gemeente waar een woning wordt gezocht.
    #[schema(example = "GM0402")]
    pub gemeente: String,
    /// Gemeentecode van de gemeente waar de toegewezen woning ligt.
    #[schema(example = json!(null))]
    pub adresgemeente: Option<String>,
    /// De dag van de sleuteloverdracht.
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub sleuteldatum: Option<NaiveDate>,
    /// wachtend, toegewezen of ingetrokken, vandaag.
    #[schema(example = "wachtend")]
    pub status: String,
    /// Versie (ook de ETag), voor If-Match bij het vastleggen van de toewijzing.
    #[schema(example = 12)]
    pub versie: i64,
}

impl From<AddressedNomination> for VoordrachtVoorCorporatie {
    fn from(n: AddressedNomination) -> Self {
        VoordrachtVoorCorporatie {
            id: n.id,
            kandidaat: n.candidate.map(Kandidaat::from),
            route: n.route.code().to_string(),
            voordrachtdatum: n.nominated_on,
            gemeente: n.municipality.to_string(),
            adresgemeente: n.address_municipality.map(|m| m.to_string()),
            sleuteldatum: n.key_on,
            status: n.status.code().to_string(),
            versie: n.version_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CorporatieVoordrachtFilter {
    /// Alleen voordrachten met deze status vandaag: wachtend, toegewezen of ingetrokken.
    #[param(example = "wachtend")]
    pub status: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// De voordrachten die aan uw corporatie zijn gericht (alleen voor medewerkers
/// van een woningcorporatie): wachtende eerst, de langst wachtende voorop.
#[utoipa::path(get, path = "/corporatie-voordrachten", tag = "Uitstroom", params(CorporatieVoordrachtFilter),
    responses((status = 200, description = "Voordrachten aan uw corporatie", body = Lijst<VoordrachtVoorCorporatie>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Alleen voor medewerkers van een woningcorporatie", body = Problem)))]
async fn list_addressed(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<CorporatieVoordrachtFilter>,
) -> ApiResult<axum::Json<Lijst<VoordrachtVoorCorporatie>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let page = s
        .services
        .addressed_nominations(&caller.ctx, q.status.as_deref(), q.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/corporatie-voordrachten",
        VoordrachtVoorCorporatie::from,
    )))
}

/// Eén voordracht aan uw corporatie, zoals bekend op een moment.
#[utoipa::path(get, path = "/corporatie-voordrachten/{id}", tag = "Uitstroom", params(
        ("id" = i64, Path, description = "Id van de voordracht", example = 4), BekendOpFilter),
    responses((status = 200, description = "De voordracht", body = VoordrachtVoorCorporatie,
                  headers(("ETag" = String, description = "Versie van de voordracht, voor If-Match"))),
              (status = 403, description = "Alleen voor medewerkers van een woningcorporatie", body = Problem),
              (status = 404, description = "Niet aan uw corporatie gericht of bestaat niet", body = Problem)))]
async fn get_addressed(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let n = s
        .services
        .addressed_nomination(&caller.ctx, id, q.bekend_op)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        n.version_id,
        VoordrachtVoorCorporatie::from(n),
    ))
}

/// De toewijzing zoals de corporatie haar vastlegt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ToewijzingInvoer {
    /// Gemeentecode van de gemeente waar de toegewezen woning ligt.
    #[schema(example = "GM0402")]
    pub adresgemeente: String,
    /// De dag van de sleuteloverdracht (jjjj-mm-dd); mag in de toekomst liggen.
    #[schema(example = "2026-02-01")]
    pub sleuteldatum: String,
}

/// De toewijzing van een voordracht aan uw corporatie vastleggen: waar de
/// woning ligt en wanneer de sleutel wordt overgedragen. Een nieuwe versie
/// van de voordracht; de uitstroomcoördinatie van de regio ziet haar direct.
/// Vereist If-Match.
#[utoipa::path(put, path = "/corporatie-voordrachten/{id}/toewijzing", tag = "Uitstroom", request_body = ToewijzingInvoer,
    params(("id" = i64, Path, description = "Id van de voordracht", example = 4),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v12\"")),
    responses((status = 200, description = "Toewijzing vastgelegd", body = VoordrachtVoorCorporatie,
                  headers(("ETag" = String, description = "De nieuwe versie van de voordracht"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen voor medewerkers van een woningcorporatie", body = Problem),
              (status = 404, description = "Niet aan uw corporatie gericht of bestaat niet", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn record_allocation(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<ToewijzingInvoer>,
) -> ApiResult<Response> {
    let n = s
        .services
        .record_allocation(
            &caller.ctx,
            id,
            version,
            &AllocationInput {
                address_municipality: b.adresgemeente,
                key_on: b.sleuteldatum,
            },
        )
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        n.version_id,
        VoordrachtVoorCorporatie::from(n),
    ))
}
