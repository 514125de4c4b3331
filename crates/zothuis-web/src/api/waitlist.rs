//! The regional waiting list over the API.

use super::{ApiJson, ApiPath, ApiQuery, Lijst};
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
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::waitlist::{Transition, TransitionInput, WaitlistFilter, WaitlistLine};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(entry))
        .routes(routes!(list_transitions, add_transition))
        .routes(routes!(set_preference))
        .routes(routes!(set_urgency))
        .routes(routes!(vacancies))
        .routes(routes!(proposal))
}

/// Een regel van de wachtlijst op een peildatum.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WachtlijstRegel {
    #[schema(example = 4)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = "Kees Smit")]
    pub client_naam: String,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = 3)]
    pub beschikking_id: i64,
    #[schema(example = "GM0402")]
    pub verantwoordelijke_gemeente: String,
    /// De gemeente waar de cliënt zich meldde voor de beschikking: de woongemeente, ook als onder
    /// het centrumgemeenteregime de centrumgemeente verantwoordelijk is.
    #[schema(example = "GM0406")]
    pub woongemeente: String,
    /// aangemeld, actief-wachtend, passief-wachtend, in-screening, geplaatst of afgevoerd
    #[schema(example = "actief-wachtend")]
    pub status: String,
    /// Reden bij passief wachtend of afgevoerd.
    #[schema(example = json!(null))]
    pub reden: Option<String>,
    /// De aanbieder bij in screening.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    #[schema(example = "2026-01-10", value_type = String, format = Date)]
    pub wachtend_sinds: NaiveDate,
    #[schema(example = "2026-01-20", value_type = String, format = Date)]
    pub status_sinds: NaiveDate,
    /// Dagen sinds de beschikking, op de peildatum.
    #[schema(example = 42)]
    pub wachttijd_dagen: i64,
    /// Dagen in de huidige status, op de peildatum.
    #[schema(example = 32)]
    pub dagen_in_status: i64,
    /// Voorkeur van de cliënt voor een aanbieder.
    #[schema(example = json!(null))]
    pub voorkeur_aanbieder_id: Option<i64>,
    /// Voorkeur van de cliënt voor een gemeente om te wonen.
    #[schema(example = "GM1942")]
    pub voorkeur_gemeente: Option<String>,
    /// De reden als de wachtlijstbeheerder de inschrijving urgent maakte.
    #[schema(example = json!(null))]
    pub urgentie: Option<String>,
}

impl From<WaitlistLine> for WachtlijstRegel {
    fn from(l: WaitlistLine) -> Self {
        let s = l.state;
        WachtlijstRegel {
            id: s.entry.id,
            client_id: l.client.id,
            client_naam: l.client.full_name(),
            product_id: s.entry.product_id,
            beschikking_id: s.entry.decision_id,
            verantwoordelijke_gemeente: s.entry.responsible.to_string(),
            woongemeente: l.residence.to_string(),
            status: s.status.code().into(),
            reden: s.status.reason_code().map(str::to_string),
            aanbieder_id: s.status.provider_id(),
            wachtend_sinds: s.entry.waiting_since,
            status_sinds: s.status_since,
            wachttijd_dagen: s.waiting_days,
            dagen_in_status: s.days_in_status,
            voorkeur_aanbieder_id: s.entry.preferred_provider,
            voorkeur_gemeente: s.entry.preferred_municipality.map(|m| m.to_string()),
            urgentie: s.entry.urgent,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WachtlijstFilter {
    /// Een status, of `open` voor iedereen die nog op de lijst staat.
    #[param(example = "open")]
    pub status: Option<String>,
    #[param(example = 1)]
    pub product_id: Option<i64>,
    /// Verantwoordelijke gemeente.
    #[param(example = "GM0402")]
    pub gemeente_code: Option<String>,
    /// Inwoners van deze gemeente: zij is verantwoordelijk, of de cliënt meldde zich daar.
    #[param(example = "GM0406")]
    pub woongemeente: Option<String>,
    #[param(example = 1)]
    pub aanbieder_id: Option<i64>,
    /// Alleen cliënten met een voorkeur voor deze aanbieder.
    #[param(example = 1)]
    pub voorkeur_aanbieder_id: Option<i64>,
    /// Peildatum (standaard vandaag).
    #[param(example = "2026-01-31", value_type = Option<String>)]
    pub peildatum: Option<NaiveDate>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// De wachtlijst op een peildatum, langst wachtenden eerst; alleen cliënten die u mag zien.
#[utoipa::path(get, path = "/wachtlijst", tag = "Wachtlijst", params(WachtlijstFilter),
    responses((status = 200, description = "Wachtlijst", body = Lijst<WachtlijstRegel>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn overview(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<WachtlijstFilter>,
) -> ApiResult<axum::Json<Lijst<WachtlijstRegel>>> {
    let code = |field: &str, value: Option<&str>| match value {
        Some(c) => GemeenteCode::parse(c)
            .map(Some)
            .map_err(|e| crate::error::ApiError::bad_request(field, e.to_string())),
        None => Ok(None),
    };
    let filter = WaitlistFilter {
        status: q.status,
        product_id: q.product_id,
        municipality: code("gemeenteCode", q.gemeente_code.as_deref())?,
        provider_id: q.aanbieder_id,
        preferred_provider: q.voorkeur_aanbieder_id,
        resident_of: code("woongemeente", q.woongemeente.as_deref())?,
    };
    let day = q.peildatum.unwrap_or_else(|| s.services.clock.today());
    let page = s
        .services
        .waitlist_overview(
            &caller.ctx,
            &filter,
            day,
            q.bekend_op,
            PageRequest::new(q.pagina, q.pagina_grootte),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/wachtlijst",
        WachtlijstRegel::from,
    )))
}

/// Een statusovergang op de wachtlijst.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overgang {
    #[schema(example = 8)]
    pub id: i64,
    #[schema(example = "passief-wachtend")]
    pub status: String,
    #[schema(example = "klinische-opname")]
    pub reden: Option<String>,
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    #[schema(example = "2026-01-20", value_type = String, format = Date)]
    pub ingangsdatum: NaiveDate,
    #[schema(example = "Opgenomen in de kliniek")]
    pub toelichting: Option<String>,
    #[schema(example = "2026-01-21T09:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "wachtlijst.gv")]
    pub geregistreerd_door: String,
}

impl From<Transition> for Overgang {
    fn from(t: Transition) -> Self {
        Overgang {
            id: t.id,
            status: t.status.code().into(),
            reden: t.status.reason_code().map(str::to_string),
            aanbieder_id: t.status.provider_id(),
            ingangsdatum: t.effective_date,
            toelichting: t.note,
            geregistreerd_op: t.recorded_at,
            geregistreerd_door: t.recorded_by,
        }
    }
}

/// Een inschrijving met haar overgangen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inschrijving {
    #[schema(example = 4)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = 3)]
    pub beschikking_id: i64,
    #[schema(example = "GM0402")]
    pub verantwoordelijke_gemeente: String,
    #[schema(example = "2026-01-10", value_type = String, format = Date)]
    pub wachtend_sinds: NaiveDate,
    pub overgangen: Vec<Overgang>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BekendOpQuery {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Eén inschrijving met haar overgangen. Wordt gelogd.
#[utoipa::path(get, path = "/wachtlijst/{id}", tag = "Wachtlijst",
    params(("id" = i64, Path, description = "Id van de inschrijving", example = 4), BekendOpQuery),
    responses((status = 200, description = "De inschrijving", body = Inschrijving),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn entry(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpQuery>,
) -> ApiResult<axum::Json<Inschrijving>> {
    let (e, transitions) = s
        .services
        .waitlist_entry(&caller.ctx, id, q.bekend_op)
        .await?;
    Ok(axum::Json(Inschrijving {
        id: e.id,
        client_id: e.client_id,
        product_id: e.product_id,
        beschikking_id: e.decision_id,
        verantwoordelijke_gemeente: e.responsible.to_string(),
        wachtend_sinds: e.waiting_since,
        overgangen: transitions.into_iter().map(Overgang::from).collect(),
    }))
}

/// De overgangen van een inschrijving, in volgorde van ingangsdatum.
#[utoipa::path(get, path = "/wachtlijst/{id}/overgangen", tag = "Wachtlijst",
    params(("id" = i64, Path, description = "Id van de inschrijving", example = 4), BekendOpQuery),
    responses((status = 200, description = "Overgangen", body = Vec<Overgang>),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn list_transitions(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpQuery>,
) -> ApiResult<axum::Json<Vec<Overgang>>> {
    let (_, transitions) = s
        .services
        .waitlist_entry(&caller.ctx, id, q.bekend_op)
        .await?;
    Ok(axum::Json(
        transitions.into_iter().map(Overgang::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OvergangInvoer {
    #[schema(example = "passief-wachtend")]
    pub status: String,
    /// Verplicht bij passief-wachtend (niet-gemotiveerd, niet-plaatsbaar, klinische-opname, anders) en afgevoerd (wlz-indicatie, elders-geplaatst, niet-meer-nodig, vertrokken, overleden, geen-contact, anders).
    #[schema(example = "klinische-opname")]
    pub reden: Option<String>,
    /// Verplicht bij in-screening.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    /// Vanaf wanneer de status geldt (mag in het verleden liggen).
    #[schema(example = "2026-01-20")]
    pub ingangsdatum: String,
    #[schema(example = "Opgenomen in de kliniek")]
    pub toelichting: Option<String>,
    /// Id van de laatste overgang die deze overgang corrigeert.
    #[schema(example = json!(null))]
    pub vervangt: Option<i64>,
    /// Laat de overgang uit `vervangt` vervallen zonder vervanging.
    #[schema(example = false)]
    pub vervallen: bool,
}

/// Een statusovergang vastleggen, of de laatste corrigeren (`vervangt`) of laten vervallen (wachtlijstbeheerder). Ongeldige overgangen worden geweigerd.
#[utoipa::path(post, path = "/wachtlijst/{id}/overgangen", tag = "Wachtlijst", request_body = OvergangInvoer,
    params(("id" = i64, Path, description = "Id van de inschrijving", example = 4)),
    responses((status = 201, description = "Vastgelegd", body = Overgang),
              (status = 400, description = "Ongeldige overgang of invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn add_transition(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OvergangInvoer>,
) -> ApiResult<impl IntoResponse> {
    let input = TransitionInput {
        status: b.status,
        reason: b.reden,
        provider_id: b.aanbieder_id,
        effective_date: b.ingangsdatum,
        note: b.toelichting,
        supersedes: b.vervangt,
        retract: b.vervallen,
    };
    let t = s.services.add_transition(&caller.ctx, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(Overgang::from(t))))
}

/// Plekken van één product op één locatie op een peildatum.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vacature {
    #[schema(example = 4)]
    pub locatie_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = 30)]
    pub capaciteit: i64,
    /// Lopende verblijven op de peildatum.
    #[schema(example = 28)]
    pub bezet: i64,
    /// Vrije plekken: capaciteit min bezet, nooit minder dan 0.
    #[schema(example = 2)]
    pub vrij: i64,
    /// Verblijven boven de capaciteit (overbezetting); 0 als er niet meer bezet is dan er plekken zijn.
    #[schema(example = 0)]
    pub boven_capaciteit: i64,
}

impl From<zothuis_domain::waitlist::matching::Occupancy> for Vacature {
    fn from(o: zothuis_domain::waitlist::matching::Occupancy) -> Self {
        Vacature {
            vrij: o.vacant(),
            boven_capaciteit: o.over_capacity(),
            locatie_id: o.location_id,
            product_id: o.product_id,
            capaciteit: o.capacity,
            bezet: o.occupied,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VacatureFilter {
    #[param(example = "2026-01-31", value_type = Option<String>)]
    pub peildatum: Option<NaiveDate>,
    #[param(example = 4)]
    pub locatie_id: Option<i64>,
    #[param(example = 1)]
    pub product_id: Option<i64>,
    /// Alleen plekken die vrij zijn.
    #[param(example = true)]
    pub alleen_vrij: Option<bool>,
}

/// Capaciteit, bezetting en vrije plekken per locatie en product (afgeleid uit verblijven), voor wie cliënten plaatst. De bezetting telt iedereen, ook afgeschermde cliënten.
#[utoipa::path(get, path = "/vacatures", tag = "Wachtlijst", params(VacatureFilter),
    responses((status = 200, description = "Plekken", body = Vec<Vacature>),
              (status = 403, description = "Uw rol ziet de bezetting in de cijfers", body = Problem)))]
async fn vacancies(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<VacatureFilter>,
) -> ApiResult<axum::Json<Vec<Vacature>>> {
    let day = q.peildatum.unwrap_or_else(|| s.services.clock.today());
    let all = s.services.vacancies(&caller.ctx, day, q.locatie_id).await?;
    Ok(axum::Json(
        all.into_iter()
            .filter(|o| q.product_id.is_none_or(|p| o.product_id == p))
            .filter(|o| !q.alleen_vrij.unwrap_or(false) || o.vacant() > 0)
            .map(Vacature::from)
            .collect(),
    ))
}

/// Een wachtende cliënt bij een vrije plek: voorgesteld met een rang, of niet, met de reden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Voorstel {
    #[schema(example = 4)]
    pub wachtlijst_id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = "Kees Smit")]
    pub client_naam: String,
    /// 1, 2, … voor voorgestelde cliënten; leeg als de cliënt niet wordt voorgesteld.
    #[schema(example = 1)]
    pub rang: Option<usize>,
    #[schema(
        example = "actief wachtend sinds 20 december 2025 (23 dagen); 28 dagen sinds de beschikking"
    )]
    pub toelichting: String,
}

/// De vacature met de voorgestelde cliënten.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Koppelvoorstel {
    pub vacature: Vacature,
    pub clienten: Vec<Voorstel>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VoorstelQuery {
    #[param(example = 4)]
    pub locatie_id: Option<i64>,
    #[param(example = 1)]
    pub product_id: Option<i64>,
    #[param(example = "2026-01-31", value_type = Option<String>)]
    pub peildatum: Option<NaiveDate>,
}

/// Voorstel voor een vrije plek: wachtenden in volgorde van prioriteit, met toelichting voor wie niet in aanmerking komt (wachtlijstbeheerder).
#[utoipa::path(get, path = "/vacatures/voorstel", tag = "Wachtlijst", params(VoorstelQuery),
    responses((status = 200, description = "Voorstel", body = Koppelvoorstel),
              (status = 400, description = "Locatie of product ontbreekt", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn proposal(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<VoorstelQuery>,
) -> ApiResult<axum::Json<Koppelvoorstel>> {
    let (Some(location), Some(product)) = (q.locatie_id, q.product_id) else {
        return Err(crate::error::ApiError::bad_request(
            "locatieId",
            "geef locatieId en productId op",
        ));
    };
    let day = q.peildatum.unwrap_or_else(|| s.services.clock.today());
    let (occupancy, proposals) = s
        .services
        .proposal(&caller.ctx, location, product, day)
        .await?;
    Ok(axum::Json(Koppelvoorstel {
        vacature: occupancy.into(),
        clienten: proposals
            .into_iter()
            .map(|(p, c)| Voorstel {
                wachtlijst_id: p.entry_id,
                client_id: c.id,
                client_naam: c.full_name(),
                rang: p.rank,
                toelichting: p.reason,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct VoorkeurInvoer {
    /// Leeg: geen voorkeur voor een aanbieder.
    #[schema(example = 1)]
    pub aanbieder_id: Option<i64>,
    /// Leeg: geen voorkeur voor een gemeente.
    #[schema(example = "GM1942")]
    pub gemeente_code: Option<String>,
}

/// De voorkeur van de cliënt vastleggen (consulent of wachtlijstbeheerder); bij koppelen wordt die gerespecteerd.
#[utoipa::path(put, path = "/wachtlijst/{id}/voorkeur", tag = "Wachtlijst", request_body = VoorkeurInvoer,
    params(("id" = i64, Path, description = "Id van de inschrijving", example = 4)),
    responses((status = 204, description = "Vastgelegd"),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn set_preference(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VoorkeurInvoer>,
) -> ApiResult<StatusCode> {
    s.services
        .set_preference(&caller.ctx, id, b.aanbieder_id, b.gemeente_code.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct UrgentieInvoer {
    /// Leeg of weggelaten: niet (meer) urgent.
    #[schema(example = "Dreigende dakloosheid na ontslag uit de kliniek")]
    pub reden: Option<String>,
}

/// Een inschrijving urgent maken met een reden, of de urgentie opheffen (wachtlijstbeheerder). Urgente cliënten worden eerst voorgesteld.
#[utoipa::path(put, path = "/wachtlijst/{id}/urgentie", tag = "Wachtlijst", request_body = UrgentieInvoer,
    params(("id" = i64, Path, description = "Id van de inschrijving", example = 4)),
    responses((status = 204, description = "Vastgelegd"),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn set_urgency(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UrgentieInvoer>,
) -> ApiResult<StatusCode> {
    s.services
        .set_urgency(&caller.ctx, id, b.reden.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
