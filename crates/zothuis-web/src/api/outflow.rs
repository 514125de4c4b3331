//! The Pact voor uitstroom over the API: agreements on homes per
//! municipality and year, and nominations with their allocation, withdrawal
//! and aftercare.

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
use zothuis_domain::outflow::service::NominationFilter;
use zothuis_domain::outflow::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_nominations, nominate))
        .routes(routes!(get_nomination, change_nomination))
        .routes(routes!(list_quotas, add_quota))
}

/// Een voordracht voor een woning via het Pact voor uitstroom of een urgentieverklaring.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Voordracht {
    #[schema(example = 4)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 2)]
    pub regio_id: i64,
    /// pact of urgentie
    #[schema(example = "pact")]
    pub route: String,
    /// Waaruit de persoon uitstroomt: bw, mo, vo, detentie of anders.
    #[schema(example = "bw")]
    pub uitstroom_uit: String,
    /// Het verblijf dat de persoon verlaat, als zothuis het kent.
    #[schema(example = json!(null))]
    pub verblijf_id: Option<i64>,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub voordrachtdatum: NaiveDate,
    /// Gemeentecode van de gemeente waar een woning wordt gezocht.
    #[schema(example = "GM0453")]
    pub gemeente: String,
    /// wachtend, toegewezen of ingetrokken (zoals vastgelegd).
    #[schema(example = "wachtend")]
    pub status: String,
    /// De corporatie (zie /corporaties) waaraan de kandidaat is voorgedragen,
    /// of die de woning toewees.
    #[schema(example = json!(null))]
    pub corporatie_id: Option<i64>,
    /// Gemeentecode van de gemeente waar de toegewezen woning ligt.
    #[schema(example = json!(null))]
    pub adresgemeente: Option<String>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub sleuteldatum: Option<NaiveDate>,
    /// Dagen van voordracht tot sleutel, zodra die is overgedragen.
    #[schema(example = json!(null))]
    pub wachttijd_dagen: Option<i64>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub ingetrokken_op: Option<NaiveDate>,
    /// niet-meer-nodig, elders-gehuisvest, woning-geweigerd, niet-bemiddelbaar, zorg-beeindigd of overig.
    #[schema(example = json!(null))]
    pub reden_intrekking: Option<String>,
    #[schema(example = json!(null))]
    pub nazorg_aanbieder_id: Option<i64>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub nazorg_vanaf: Option<NaiveDate>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub nazorg_tot: Option<NaiveDate>,
    /// Hoe het wonen verloopt: gehuisvest, verhuisd, uitgezet, terug-in-zorg, overleden of uit-beeld.
    #[schema(example = json!(null))]
    pub wonen: Option<String>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub wonen_per: Option<NaiveDate>,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    /// Versie (ook de ETag).
    #[schema(example = 9)]
    pub versie: i64,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    #[schema(example = "wachtlijst.gv")]
    pub vastgelegd_door: String,
}

impl From<Nomination> for Voordracht {
    fn from(n: Nomination) -> Self {
        let f = n.facts;
        let gm = |m: Option<zothuis_domain::reference::GemeenteCode>| m.map(|m| m.to_string());
        Voordracht {
            id: n.id,
            client_id: n.client_id,
            regio_id: n.region_id,
            route: f.route.code().to_string(),
            uitstroom_uit: f.leaves.code().to_string(),
            verblijf_id: f.stay_id,
            voordrachtdatum: f.nominated_on,
            gemeente: f.municipality.to_string(),
            status: f.status_on(None).code().to_string(),
            wachttijd_dagen: f.waited_days(),
            corporatie_id: f.corporation_id,
            adresgemeente: gm(f.address_municipality),
            sleuteldatum: f.key_on,
            ingetrokken_op: f.withdrawn_on,
            reden_intrekking: f.withdrawal_reason.map(|r| r.code().to_string()),
            nazorg_aanbieder_id: f.aftercare_provider,
            nazorg_vanaf: f.aftercare_from,
            nazorg_tot: f.aftercare_until,
            wonen: f.housing.map(|h| h.code().to_string()),
            wonen_per: f.housing_on,
            toelichting: f.note,
            versie: n.version_id,
            vastgelegd_op: n.recorded_at,
            vastgelegd_door: n.recorded_by,
        }
    }
}

/// Een voordracht met alle versies (correcties, toewijzing, nazorg), oudste eerst.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoordrachtHistorie {
    #[serde(flatten)]
    pub voordracht: Voordracht,
    pub versies: Vec<Voordracht>,
}

/// Wat een voordracht zegt, bij voordragen en bij wijzigen. Toewijzing
/// (corporatieId, adresgemeente, sleuteldatum) en intrekking legt alleen de
/// wachtlijstbeheerder van de regio vast.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct VoordrachtInvoer {
    #[schema(example = "pact")]
    pub route: String,
    #[schema(example = "bw")]
    pub uitstroom_uit: String,
    #[schema(example = json!(null))]
    pub verblijf_id: Option<i64>,
    #[schema(example = "2026-01-05")]
    pub voordrachtdatum: String,
    #[schema(example = "GM0453")]
    pub gemeente: String,
    #[schema(example = json!(null))]
    pub corporatie_id: Option<i64>,
    #[schema(example = json!(null))]
    pub adresgemeente: Option<String>,
    #[schema(example = json!(null))]
    pub sleuteldatum: Option<String>,
    #[schema(example = json!(null))]
    pub ingetrokken_op: Option<String>,
    #[schema(example = json!(null))]
    pub reden_intrekking: Option<String>,
    #[schema(example = json!(null))]
    pub nazorg_aanbieder_id: Option<i64>,
    #[schema(example = json!(null))]
    pub nazorg_vanaf: Option<String>,
    #[schema(example = json!(null))]
    pub nazorg_tot: Option<String>,
    #[schema(example = json!(null))]
    pub wonen: Option<String>,
    #[schema(example = json!(null))]
    pub wonen_per: Option<String>,
    #[schema(example = "Woont twee jaar stabiel in de trainingswoning")]
    pub toelichting: Option<String>,
}

impl VoordrachtInvoer {
    fn input(self) -> NominationInput {
        NominationInput {
            route: self.route,
            leaves: self.uitstroom_uit,
            stay_id: self.verblijf_id.map(|v| v.to_string()),
            nominated_on: self.voordrachtdatum,
            municipality: self.gemeente,
            corporation_id: self.corporatie_id.map(|c| c.to_string()),
            address_municipality: self.adresgemeente,
            key_on: self.sleuteldatum,
            withdrawn_on: self.ingetrokken_op,
            withdrawal_reason: self.reden_intrekking,
            aftercare_provider: self.nazorg_aanbieder_id.map(|p| p.to_string()),
            aftercare_from: self.nazorg_vanaf,
            aftercare_until: self.nazorg_tot,
            housing: self.wonen,
            housing_on: self.wonen_per,
            note: self.toelichting,
        }
    }
}

/// Een nieuwe voordracht voor een cliënt die u mag zien.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NieuweVoordracht {
    #[schema(example = 12)]
    pub client_id: i64,
    #[serde(flatten)]
    pub voordracht: VoordrachtInvoer,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VoordrachtFilter {
    /// Alleen voordrachten met deze status op de peildatum: wachtend, toegewezen of ingetrokken.
    #[param(example = "wachtend")]
    pub status: Option<String>,
    /// Alleen voordrachten voor een woning in deze gemeente (gemeentecode).
    #[param(example = "GM0453")]
    pub gemeente: Option<String>,
    #[param(example = 12)]
    pub client_id: Option<i64>,
    /// De dag waarop de status geldt; standaard vandaag. Later gedane voordrachten vallen weg.
    #[param(example = "2026-01-31", value_type = Option<String>, format = Date)]
    pub peildatum: Option<NaiveDate>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Voordrachten voor uitstroom die u mag zien, langst wachtend eerst.
#[utoipa::path(get, path = "/voordrachten-uitstroom", tag = "Uitstroom", params(VoordrachtFilter),
    responses((status = 200, description = "Voordrachten", body = Lijst<Voordracht>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_nominations(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<VoordrachtFilter>,
) -> ApiResult<axum::Json<Lijst<Voordracht>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let filter = NominationFilter {
        status: q.status,
        municipality: q.gemeente,
        client_id: q.client_id,
    };
    let page = s
        .services
        .list_nominations(&caller.ctx, &filter, q.peildatum, q.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/voordrachten-uitstroom",
        Voordracht::from,
    )))
}

/// Een cliënt voordragen voor een Pact-woning of een urgentieverklaring.
#[utoipa::path(post, path = "/voordrachten-uitstroom", tag = "Uitstroom", request_body = NieuweVoordracht,
    responses((status = 201, description = "Voorgedragen", body = Voordracht),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Niet toegestaan", body = Problem),
              (status = 404, description = "Cliënt niet gevonden of niet zichtbaar", body = Problem),
              (status = 409, description = "De cliënt heeft al een lopende voordracht", body = Problem)))]
async fn nominate(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<NieuweVoordracht>,
) -> ApiResult<Response> {
    let created = s
        .services
        .nominate(&caller.ctx, b.client_id, &b.voordracht.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        created.version_id,
        Voordracht::from(created),
    ))
}

/// Eén voordracht met al haar versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/voordrachten-uitstroom/{id}", tag = "Uitstroom", params(
        ("id" = i64, Path, description = "Id van de voordracht", example = 4), BekendOpFilter),
    responses((status = 200, description = "De voordracht", body = VoordrachtHistorie),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn get_nomination(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s.services.nomination(&caller.ctx, id, q.bekend_op).await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        VoordrachtHistorie {
            voordracht: h.current.into(),
            versies: h.versions.into_iter().map(Voordracht::from).collect(),
        },
    ))
}

/// Een voordracht corrigeren, de toewijzing of intrekking vastleggen, of de nazorg; de vorige versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/voordrachten-uitstroom/{id}", tag = "Uitstroom", request_body = VoordrachtInvoer,
    params(("id" = i64, Path, description = "Id van de voordracht", example = 4),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v9\"")),
    responses((status = 200, description = "Gewijzigd", body = Voordracht),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Niet toegestaan", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_nomination(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<VoordrachtInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_nomination(&caller.ctx, id, version, &b.input())
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version_id,
        Voordracht::from(changed),
    ))
}

/// Een afspraak over Pact-woningen voor een gemeente en een jaar.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PactAfspraak {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = 2)]
    pub regio_id: i64,
    #[schema(example = "GM0453")]
    pub gemeente: String,
    #[schema(example = 2026)]
    pub jaar: i32,
    #[schema(example = 32)]
    pub woningen: u32,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    #[schema(example = "wachtlijst.zkih")]
    pub vastgelegd_door: String,
}

impl From<Quota> for PactAfspraak {
    fn from(q: Quota) -> Self {
        PactAfspraak {
            id: q.id,
            regio_id: q.region_id,
            gemeente: q.municipality.to_string(),
            jaar: q.year,
            woningen: q.homes,
            toelichting: q.note,
            vastgelegd_op: q.recorded_at,
            vastgelegd_door: q.recorded_by,
        }
    }
}

/// De afspraken die gelden (per gemeente en jaar de laatst vastgelegde) en alle vastgelegde afspraken.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PactAfspraken {
    pub in_werking: Vec<PactAfspraak>,
    pub historie: Vec<PactAfspraak>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AfspraakFilter {
    /// De regio; standaard die van uw rol (alle regio's voor landelijke rollen en aanbieders).
    #[param(example = 2)]
    pub regio_id: Option<i64>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Wat er voor een gemeente en jaar is afgesproken.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AfspraakInvoer {
    #[schema(example = "GM0453")]
    pub gemeente: String,
    #[schema(example = 2026)]
    pub jaar: Option<i64>,
    #[schema(example = 32)]
    pub woningen: Option<i64>,
    #[schema(example = "Convenant Uitstroomregeling Pact, oktober 2021")]
    pub toelichting: Option<String>,
}

/// Pact-afspraken: woningen per gemeente per jaar, zoals bekend op een moment.
#[utoipa::path(get, path = "/pact-afspraken", tag = "Uitstroom", params(AfspraakFilter),
    responses((status = 200, description = "Afspraken", body = PactAfspraken)))]
async fn list_quotas(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<AfspraakFilter>,
) -> ApiResult<axum::Json<PactAfspraken>> {
    let (in_force, all) = s
        .services
        .quotas(&caller.ctx, q.regio_id, q.bekend_op)
        .await?;
    Ok(axum::Json(PactAfspraken {
        in_werking: in_force.into_iter().map(PactAfspraak::from).collect(),
        historie: all.into_iter().map(PactAfspraak::from).collect(),
    }))
}

/// Een afspraak vastleggen; een eerdere afspraak voor dezelfde gemeente en hetzelfde jaar blijft in de historie.
#[utoipa::path(post, path = "/pact-afspraken", tag = "Uitstroom", request_body = AfspraakInvoer,
    responses((status = 201, description = "Vastgelegd", body = PactAfspraak),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de wachtlijstbeheerder van de regio", body = Problem)))]
async fn add_quota(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<AfspraakInvoer>,
) -> ApiResult<(StatusCode, axum::Json<PactAfspraak>)> {
    let input = QuotaInput {
        municipality: b.gemeente,
        year: b.jaar.map(|y| y.to_string()).unwrap_or_default(),
        homes: b.woningen.map(|h| h.to_string()).unwrap_or_default(),
        note: b.toelichting,
    };
    let created = s.services.set_quota(&caller.ctx, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}
