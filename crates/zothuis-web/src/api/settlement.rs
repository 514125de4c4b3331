//! Settlement between the municipalities of a region over the API: the
//! region's distribution keys (with versions), the settlement statement of
//! a period as known at a moment, its publication (frozen) and the
//! transition calculator from the historical to the objective key. Only
//! the financieel adviseur sees these; the services decide how much
//! (`policy::settlement_view`).

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, created_at, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::finance::settlement::{
    DistributionKey, KeyInput, KeyVersion, PublishedSettlement, StatementLine,
};
use zothuis_domain::finance::settlement_service::{
    KeyHistory, Settlement, SettlementRequest, Transition, TransitionRequest,
};
use zothuis_domain::{DomainError, FieldError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(get_key, change_key))
        .routes(routes!(statement, publish))
        .routes(routes!(list_published))
        .routes(routes!(get_published))
        .routes(routes!(transition))
}

/// The domain's field names as the API names its parameters.
pub(crate) fn named_as_in_api(e: DomainError) -> DomainError {
    match e {
        DomainError::Invalid(errors) => DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: match e.field.as_str() {
                        "verdeelsleutel" => "verdeelsleutelId".into(),
                        "begroting" => "begrotingId".into(),
                        _ => e.field,
                    },
                    message: e.message,
                })
                .collect(),
        ),
        other => other,
    }
}

// ---- distribution keys -------------------------------------------------------------------

/// Het aandeel van één gemeente in een verdeelsleutel.
#[derive(Debug, Serialize, ToSchema)]
pub struct SleutelAandeel {
    #[schema(example = "GM0402")]
    pub gemeente: String,
    /// Een percentage met een punt als decimaalteken (hoogstens vier decimalen).
    #[schema(example = "40")]
    pub aandeel: String,
}

/// Een verdeelsleutel van een regio: het aandeel van elke gemeente van de
/// regio, samen precies 100 %, in één versie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verdeelsleutel {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    /// historisch (historisch budget van de centrumgemeente), objectief
    /// (objectief verdeelmodel) of anders.
    #[schema(example = "objectief")]
    pub soort: String,
    #[schema(example = "Objectief verdeelmodel 2026")]
    pub naam: String,
    /// Waar de aandelen vandaan komen.
    #[schema(example = "Verdeelmodel beschermd wonen, uitkomsten 2026")]
    pub bron: Option<String>,
    /// Elke gemeente van de regio, in de volgorde van invoer.
    pub aandelen: Vec<SleutelAandeel>,
    /// Versie (ook de ETag).
    #[schema(example = 7)]
    pub versie: i64,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub geregistreerd_door: String,
}

impl Verdeelsleutel {
    fn new(key: &DistributionKey, v: &KeyVersion) -> Verdeelsleutel {
        Verdeelsleutel {
            id: key.id,
            regio_id: key.region_id,
            soort: v.data.kind.code().into(),
            naam: v.data.name.clone(),
            bron: v.data.source.clone(),
            aandelen: v
                .data
                .shares
                .iter()
                .map(|(g, a)| SleutelAandeel {
                    gemeente: g.as_str().to_string(),
                    aandeel: a.decimal(),
                })
                .collect(),
            versie: v.version_id,
            geregistreerd_op: v.recorded_at,
            geregistreerd_door: v.recorded_by.clone(),
        }
    }
}

/// Een verdeelsleutel zoals bekend op een moment, met de versies die toen
/// waren vastgelegd (de oudste eerst).
#[derive(Debug, Serialize, ToSchema)]
pub struct VerdeelsleutelMetVersies {
    #[serde(flatten)]
    pub verdeelsleutel: Verdeelsleutel,
    pub versies: Vec<Verdeelsleutel>,
}

impl From<KeyHistory> for VerdeelsleutelMetVersies {
    fn from(h: KeyHistory) -> Self {
        VerdeelsleutelMetVersies {
            verdeelsleutel: Verdeelsleutel::new(&h.key, &h.current),
            versies: h
                .versions
                .iter()
                .map(|v| Verdeelsleutel::new(&h.key, v))
                .collect(),
        }
    }
}

/// Het aandeel van één gemeente, zoals ingevoerd.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct AandeelInvoer {
    #[schema(example = "GM0402")]
    pub gemeente: String,
    /// Een percentage van 0 tot en met 100 met hoogstens vier decimalen:
    /// `12.5` (ook `12,5`).
    #[schema(example = "40")]
    pub aandeel: String,
}

/// Wat een verdeelsleutel zegt, bij vastleggen of wijzigen. Een fout in
/// een aandeel heet `aandelen[n].gemeente` of `aandelen[n].aandeel`, met n
/// vanaf 1.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct VerdeelsleutelInvoer {
    /// historisch, objectief of anders.
    #[schema(example = "objectief")]
    pub soort: String,
    #[schema(example = "Objectief verdeelmodel 2026")]
    pub naam: String,
    #[schema(example = "Verdeelmodel beschermd wonen, uitkomsten 2026")]
    pub bron: Option<String>,
    /// Elke gemeente van de regio precies één keer (ook met 0), samen 100.
    pub aandelen: Vec<AandeelInvoer>,
}

impl VerdeelsleutelInvoer {
    fn input(self) -> KeyInput {
        KeyInput {
            kind: self.soort,
            name: self.naam,
            source: self.bron,
            shares: self
                .aandelen
                .into_iter()
                .map(|a| (a.gemeente, a.aandeel))
                .collect(),
        }
    }
}

/// De verdeelsleutels van uw regio (of de regio van uw gemeente), elk in
/// de huidige versie. Alleen voor de financieel adviseur.
#[utoipa::path(get, path = "/verdeelsleutels", tag = "Financiën", params(Paginering),
    responses((status = 200, description = "Verdeelsleutels", body = Lijst<Verdeelsleutel>),
              (status = 403, description = "Alleen de financieel adviseur", body = Problem)))]
async fn list_keys(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Verdeelsleutel>>> {
    let all = s.services.distribution_keys(&caller.ctx).await?;
    let page = q.request().slice(&all);
    Ok(axum::Json(Lijst::from_page(
        page,
        "/verdeelsleutels",
        |(k, v)| Verdeelsleutel::new(&k, &v),
    )))
}

/// Een verdeelsleutel vastleggen voor uw regio (alleen de financieel
/// adviseur van de regio): elke gemeente van de regio precies één keer,
/// samen precies 100 %.
#[utoipa::path(post, path = "/verdeelsleutels", tag = "Financiën", request_body = VerdeelsleutelInvoer,
    responses((status = 201, description = "Vastgelegd", body = Verdeelsleutel,
                  headers(("Location" = String, description = "Adres van de nieuwe verdeelsleutel"),
                          ("ETag" = String, description = "Versie van de verdeelsleutel, voor If-Match"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio", body = Problem)))]
async fn create_key(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<VerdeelsleutelInvoer>,
) -> ApiResult<Response> {
    let (key, version) = s
        .services
        .create_distribution_key(&caller.ctx, &b.input())
        .await?;
    let location = format!("/api/v1/verdeelsleutels/{}", key.id);
    Ok(created_at(
        &location,
        version.version_id,
        Verdeelsleutel::new(&key, &version),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SleutelVraag {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Eén verdeelsleutel met zijn versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/verdeelsleutels/{id}", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van de verdeelsleutel", example = 1), SleutelVraag),
    responses((status = 200, description = "De verdeelsleutel", body = VerdeelsleutelMetVersies,
                  headers(("ETag" = String, description = "Versie van de verdeelsleutel, voor If-Match"))),
              (status = 403, description = "Alleen de financieel adviseur, van deze regio", body = Problem),
              (status = 404, description = "Niet gevonden", body = Problem)))]
async fn get_key(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SleutelVraag>,
) -> ApiResult<Response> {
    let h = s
        .services
        .distribution_key(&caller.ctx, id, q.bekend_op)
        .await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        VerdeelsleutelMetVersies::from(h),
    ))
}

/// Een nieuwe versie van een verdeelsleutel vastleggen (alleen de
/// financieel adviseur van de regio); de vorige versie blijft bewaard, en
/// een vastgestelde verrekening houdt de versie waarmee zij is berekend.
/// Vereist If-Match.
#[utoipa::path(put, path = "/verdeelsleutels/{id}", tag = "Financiën", request_body = VerdeelsleutelInvoer,
    params(("id" = i64, Path, description = "Id van de verdeelsleutel", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v7\"")),
    responses((status = 200, description = "Gewijzigd", body = Verdeelsleutel,
                  headers(("ETag" = String, description = "De nieuwe versie van de verdeelsleutel"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio", body = Problem),
              (status = 404, description = "Niet gevonden", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_key(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<VerdeelsleutelInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_distribution_key(&caller.ctx, id, version, &b.input())
        .await?;
    let key = s
        .services
        .distribution_key(&caller.ctx, id, None)
        .await?
        .key;
    let body = Verdeelsleutel::new(&key, &changed);
    Ok(with_etag(StatusCode::OK, changed.version_id, body))
}

// ---- statements ------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VerrekeningVraag {
    /// Een jaar (`2025`) of een kwartaal (`2025-K1` tot en met `2025-K4`).
    #[param(example = "2025")]
    pub periode: Option<String>,
    /// `kosten` (elke gemeente betaalt de kosten van haar eigen inwoners)
    /// of `verdeelsleutel` (de totale kosten verdeeld volgens een sleutel).
    #[param(example = "verdeelsleutel")]
    pub verdeling: Option<String>,
    /// De verdeelsleutel, bij `verdeling=verdeelsleutel`.
    #[param(example = 1, value_type = Option<i64>)]
    pub verdeelsleutel_id: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Welke verrekening vast te stellen.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct VerrekeningVaststellen {
    /// Een jaar (`2025`) of een kwartaal (`2025-K1` tot en met `2025-K4`).
    #[schema(example = "2025")]
    pub periode: String,
    /// `kosten` of `verdeelsleutel`.
    #[schema(example = "verdeelsleutel")]
    pub verdeling: String,
    /// De verdeelsleutel, bij `verdeling=verdeelsleutel`.
    #[schema(example = 1)]
    pub verdeelsleutel_id: Option<i64>,
}

/// De verdeelsleutel(versie) waarmee een verrekening is berekend.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GebruikteSleutel {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 7)]
    pub versie: i64,
    #[schema(example = "historisch")]
    pub soort: String,
    #[schema(example = "Historisch budget centrumgemeente")]
    pub naam: String,
}

impl From<&KeyVersion> for GebruikteSleutel {
    fn from(v: &KeyVersion) -> Self {
        GebruikteSleutel {
            id: v.key_id,
            versie: v.version_id,
            soort: v.data.kind.code().into(),
            naam: v.data.name.clone(),
        }
    }
}

/// `te-betalen`, `te-ontvangen` or `nihil`.
pub fn direction(saldo: i64) -> &'static str {
    match saldo {
        s if s > 0 => "te-betalen",
        s if s < 0 => "te-ontvangen",
        _ => "nihil",
    }
}

fn cents(c: i64) -> String {
    zothuis_domain::finance::Bedrag(c).decimal()
}

/// Eén gemeente in een verrekening.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verrekeningsregel {
    #[schema(example = "GM0406")]
    pub gemeente: String,
    #[schema(example = "Huizen")]
    pub naam: String,
    /// De zorgkosten van haar inwoners in de periode (zij is de
    /// verantwoordelijke gemeente), in euro's.
    #[schema(example = "7712.73")]
    pub kosten: String,
    /// Dagen in zorg met een tarief.
    #[schema(example = 51)]
    pub dagen: i64,
    #[schema(example = 1)]
    pub clienten: u32,
    /// Haar aandeel in de verdeelsleutel (percentage); leeg bij verdeling naar kosten.
    #[schema(example = "40")]
    pub aandeel: Option<String>,
    /// Wat zij volgens de afspraak draagt, in euro's.
    #[schema(example = "3085.09")]
    pub bijdrage: String,
    /// Bijdrage min kosten: positief betaalt zij aan de regio, negatief
    /// ontvangt zij.
    #[schema(example = "3085.09")]
    pub saldo: String,
    /// `te-betalen`, `te-ontvangen` of `nihil`.
    #[schema(example = "te-betalen")]
    pub richting: String,
}

impl From<&StatementLine> for Verrekeningsregel {
    fn from(l: &StatementLine) -> Self {
        Verrekeningsregel {
            gemeente: l.gemeente.clone(),
            naam: l.naam.clone(),
            kosten: cents(l.kosten),
            dagen: l.dagen,
            clienten: l.clienten,
            aandeel: l.aandeel.map(|a| a.decimal()),
            bijdrage: cents(l.bijdrage),
            saldo: cents(l.saldo),
            richting: direction(l.saldo).into(),
        }
    }
}

/// Hoe en door wie een verrekening is vastgesteld.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vaststelling {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub vastgesteld_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub vastgesteld_door: String,
}

/// De verrekening van een periode: per gemeente de kosten van haar eigen
/// inwoners naast haar bijdrage volgens de afspraak van de regio, en het
/// saldo. Een gemeente ziet haar eigen regel naast de totalen van de regio.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verrekening {
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = "Gooi en Vechtstreek")]
    pub regio_naam: String,
    /// `2025` of `2025-K1`.
    #[schema(example = "2025")]
    pub periode: String,
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub van: NaiveDate,
    /// De laatste dag van de periode (tot en met).
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub tot: NaiveDate,
    /// De laatste dag die is meegeteld: `tot`, of de dag van `bekendOp` als
    /// die eerder ligt.
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub geteld_tot: NaiveDate,
    /// `kosten` of `verdeelsleutel`.
    #[schema(example = "verdeelsleutel")]
    pub verdeling: String,
    pub verdeelsleutel: Option<GebruikteSleutel>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
    pub regels: Vec<Verrekeningsregel>,
    /// De zorgkosten van alle inwoners van de regio, in euro's.
    #[schema(example = "7712.73")]
    pub totale_kosten: String,
    /// Alle bijdragen samen (gelijk aan de totale kosten), in euro's.
    #[schema(example = "7712.73")]
    pub totale_bijdrage: String,
    /// Dagen in zorg van inwoners van de regio waarvoor geen tarief bekend
    /// is: zolang er zijn, is de verrekening niet volledig en kan zij niet
    /// worden vastgesteld.
    #[schema(example = 0)]
    pub dagen_zonder_tarief: i64,
    /// Bij een vastgestelde verrekening: wanneer en door wie.
    pub vastgesteld: Option<Vaststelling>,
    /// Bij een vastgestelde verrekening: of zij, opnieuw berekend zoals
    /// bekend op het moment van vaststellen, precies zo uitkomt.
    #[schema(example = json!(null))]
    pub zelfde_als_gepubliceerd: Option<bool>,
}

impl From<Settlement> for Verrekening {
    fn from(s: Settlement) -> Self {
        let (from, to) = s.period.days();
        Verrekening {
            regio_id: s.region_id,
            regio_naam: s.region_name,
            periode: s.period.code(),
            van: from,
            tot: to.pred_opt().unwrap_or(to),
            geteld_tot: s.through,
            verdeling: s.agreement.code().into(),
            verdeelsleutel: s.key.as_ref().map(GebruikteSleutel::from),
            bekend_op: s.known_at,
            regels: s.lines.iter().map(Verrekeningsregel::from).collect(),
            totale_kosten: s.total_cost.decimal(),
            totale_bijdrage: s.total_contribution.decimal(),
            dagen_zonder_tarief: s.unpriced_days,
            vastgesteld: s.published.map(|p| Vaststelling {
                id: p.id,
                vastgesteld_op: p.published_at,
                vastgesteld_door: p.published_by,
            }),
            zelfde_als_gepubliceerd: s.same_as_published,
        }
    }
}

/// De verrekening van een periode tussen de gemeenten van uw regio,
/// berekend uit de verblijven en tarieven zoals bekend op een moment. De
/// financieel adviseur van een gemeente ziet de regel van zijn gemeente en
/// de totalen van de regio.
#[utoipa::path(get, path = "/verrekeningen", tag = "Financiën", params(VerrekeningVraag),
    responses((status = 200, description = "De verrekening", body = Verrekening),
              (status = 400, description = "Ongeldige vraag", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur", body = Problem),
              (status = 404, description = "Verdeelsleutel niet gevonden", body = Problem)))]
async fn statement(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<VerrekeningVraag>,
) -> ApiResult<axum::Json<Verrekening>> {
    let req = SettlementRequest {
        period: q.periode.unwrap_or_default(),
        agreement: q.verdeling.unwrap_or_default(),
        key_id: q.verdeelsleutel_id,
        known_at: q.bekend_op,
    };
    let s = s
        .services
        .settlement(&caller.ctx, &req)
        .await
        .map_err(named_as_in_api)?;
    Ok(axum::Json(s.into()))
}

/// Een verrekening vaststellen (alleen de financieel adviseur van de
/// regio): berekend zoals nu bekend en zo bevroren; latere correcties van
/// verblijven, tarieven of de verdeelsleutel veranderen haar niet. Kan
/// niet zolang er dagen in zorg zonder tarief zijn.
#[utoipa::path(post, path = "/verrekeningen", tag = "Financiën", request_body = VerrekeningVaststellen,
    responses((status = 201, description = "Vastgesteld", body = Verrekening,
                  headers(("Location" = String, description = "Adres van de vastgestelde verrekening"))),
              (status = 400, description = "Ongeldige invoer, of dagen zonder tarief", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio", body = Problem),
              (status = 404, description = "Verdeelsleutel niet gevonden", body = Problem)))]
async fn publish(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<VerrekeningVaststellen>,
) -> ApiResult<Response> {
    let req = SettlementRequest {
        period: b.periode,
        agreement: b.verdeling,
        key_id: b.verdeelsleutel_id.map(|k| k.to_string()),
        known_at: None,
    };
    let published = s
        .services
        .publish_settlement(&caller.ctx, &req)
        .await
        .map_err(named_as_in_api)?;
    let id = published.published.as_ref().map_or(0, |p| p.id);
    let mut resp = axum::response::IntoResponse::into_response((
        StatusCode::CREATED,
        axum::Json(Verrekening::from(published)),
    ));
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/verrekeningen/gepubliceerd/{id}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Een vastgestelde verrekening in een lijst.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VastgesteldeVerrekening {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = "2025")]
    pub periode: String,
    #[schema(example = "verdeelsleutel")]
    pub verdeling: String,
    /// De versie van de verdeelsleutel waarmee zij is berekend.
    #[schema(example = 7)]
    pub verdeelsleutelversie: Option<i64>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub vastgesteld_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub vastgesteld_door: String,
}

impl From<PublishedSettlement> for VastgesteldeVerrekening {
    fn from(p: PublishedSettlement) -> Self {
        VastgesteldeVerrekening {
            id: p.id,
            regio_id: p.region_id,
            periode: p.period,
            verdeling: p.agreement,
            verdeelsleutelversie: p.key_version_id,
            vastgesteld_op: p.published_at,
            vastgesteld_door: p.published_by,
        }
    }
}

/// De vastgestelde verrekeningen van uw regio, de nieuwste eerst.
#[utoipa::path(get, path = "/verrekeningen/gepubliceerd", tag = "Financiën", params(Paginering),
    responses((status = 200, description = "Vastgestelde verrekeningen", body = Lijst<VastgesteldeVerrekening>),
              (status = 403, description = "Alleen de financieel adviseur", body = Problem)))]
async fn list_published(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<VastgesteldeVerrekening>>> {
    let all = s.services.published_settlements(&caller.ctx).await?;
    let page = q.request().slice(&all);
    Ok(axum::Json(Lijst::from_page(
        page,
        "/verrekeningen/gepubliceerd",
        VastgesteldeVerrekening::from,
    )))
}

/// Eén vastgestelde verrekening, zoals zij is vastgesteld, met
/// `zelfdeAlsGepubliceerd`: of zij, opnieuw berekend zoals bekend op het
/// moment van vaststellen, precies zo uitkomt.
#[utoipa::path(get, path = "/verrekeningen/gepubliceerd/{id}", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van de vastgestelde verrekening", example = 1)),
    responses((status = 200, description = "De vastgestelde verrekening", body = Verrekening),
              (status = 403, description = "Alleen de financieel adviseur, van deze regio", body = Problem),
              (status = 404, description = "Niet gevonden", body = Problem)))]
async fn get_published(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Verrekening>> {
    let s = s.services.published_settlement(&caller.ctx, id).await?;
    Ok(axum::Json(s.into()))
}

// ---- the transition calculator ------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OvergangVraag {
    /// De historische verdeelsleutel.
    #[param(example = 1, value_type = Option<i64>)]
    pub historisch: Option<String>,
    /// De objectieve verdeelsleutel.
    #[param(example = 2, value_type = Option<i64>)]
    pub objectief: Option<String>,
    /// De begroting met het te verdelen bedrag.
    #[param(example = 1, value_type = Option<i64>)]
    pub begroting_id: Option<String>,
    /// De code van de begrotingsregel die wordt verdeeld (bijvoorbeeld de rijksbijdrage).
    #[param(example = "e")]
    pub regel: Option<String>,
    /// Het ingroeipad: vanaf welk jaar welk percentage objectief wordt
    /// verdeeld, oplopende jaren, hele percentages.
    #[param(example = "2026:0;2027:50;2028:100")]
    pub pad: Option<String>,
}

/// Een stap van het ingroeipad.
#[derive(Debug, Serialize, ToSchema)]
pub struct PadStap {
    #[schema(example = 2027)]
    pub jaar: i32,
    /// Het percentage dat vanaf dit jaar objectief wordt verdeeld.
    #[schema(example = 50)]
    pub percentage: u32,
}

/// Eén gemeente in één jaar van het overgangspad.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overgangsregel {
    #[schema(example = "GM0406")]
    pub gemeente: String,
    #[schema(example = "Huizen")]
    pub naam: String,
    #[schema(example = 2027)]
    pub jaar: i32,
    /// Het bedrag van de regel in dat jaar (voor de hele regio), in euro's.
    #[schema(example = "1000000.00")]
    pub totaal: String,
    /// Haar deel volgens de historische sleutel.
    #[schema(example = "200000.00")]
    pub historisch: String,
    /// Haar deel volgens de objectieve sleutel.
    #[schema(example = "250000.00")]
    pub objectief: String,
    /// Het percentage dat dat jaar objectief wordt verdeeld.
    #[schema(example = 50)]
    pub percentage: u32,
    /// Haar deel volgens het pad.
    #[schema(example = "225000.00")]
    pub volgens_pad: String,
    /// Volgens pad min historisch: positief een voordeel, negatief een nadeel.
    #[schema(example = "25000.00")]
    pub verschil: String,
    /// `voordeel`, `nadeel` of `gelijk`.
    #[schema(example = "voordeel")]
    pub uitkomst: String,
}

/// `voordeel`, `nadeel` or `gelijk`.
pub fn outcome(difference: i64) -> &'static str {
    match difference {
        d if d > 0 => "voordeel",
        d if d < 0 => "nadeel",
        _ => "gelijk",
    }
}

/// Het overgangspad van een begrotingsregel: per gemeente en jaar haar
/// deel volgens de historische en de objectieve sleutel en volgens het pad.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overgangspad {
    pub historisch: GebruikteSleutel,
    pub objectief: GebruikteSleutel,
    #[schema(example = "Bescherming en Opvang Gooi en Vechtstreek")]
    pub begroting: String,
    #[schema(example = "e")]
    pub regel: String,
    #[schema(example = "Integratie-uitkering beschermd wonen")]
    pub regelomschrijving: String,
    pub pad: Vec<PadStap>,
    pub regels: Vec<Overgangsregel>,
}

impl Overgangspad {
    fn new(t: Transition, line: &str) -> Overgangspad {
        let name = |code: &zothuis_domain::reference::GemeenteCode| {
            t.names
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| code.to_string())
        };
        Overgangspad {
            historisch: (&t.historical).into(),
            objectief: (&t.objective).into(),
            begroting: t.budget_name.clone(),
            regel: line.trim().to_lowercase(),
            regelomschrijving: t.line_label.clone(),
            pad: t
                .path
                .iter()
                .map(|p| PadStap {
                    jaar: p.year,
                    percentage: p.percent,
                })
                .collect(),
            regels: t
                .rows
                .iter()
                .map(|r| Overgangsregel {
                    gemeente: r.gemeente.to_string(),
                    naam: name(&r.gemeente),
                    jaar: r.year,
                    totaal: r.total.decimal(),
                    historisch: r.historical.decimal(),
                    objectief: r.objective.decimal(),
                    percentage: r.percent,
                    volgens_pad: r.path.decimal(),
                    verschil: r.difference.decimal(),
                    uitkomst: outcome(r.difference.0).into(),
                })
                .collect(),
        }
    }
}

/// De overgang van de historische naar de objectieve verdeling: de
/// bedragen van een begrotingsregel per jaar verdeeld volgens beide
/// sleutels en volgens een ingroeipad, met per gemeente het voordeel of
/// nadeel tegenover de historische verdeling.
#[utoipa::path(get, path = "/overgangspad", tag = "Financiën", params(OvergangVraag),
    responses((status = 200, description = "Het overgangspad", body = Overgangspad),
              (status = 400, description = "Ongeldige vraag", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur", body = Problem),
              (status = 404, description = "Verdeelsleutel of begroting niet gevonden", body = Problem)))]
async fn transition(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<OvergangVraag>,
) -> ApiResult<axum::Json<Overgangspad>> {
    let line = q.regel.unwrap_or_default();
    let req = TransitionRequest {
        historical_key: q.historisch.unwrap_or_default(),
        objective_key: q.objectief.unwrap_or_default(),
        budget_id: q.begroting_id.unwrap_or_default(),
        line: line.clone(),
        path: q.pad.unwrap_or_default(),
    };
    let t = s
        .services
        .transition(&caller.ctx, &req)
        .await
        .map_err(named_as_in_api)?;
    Ok(axum::Json(Overgangspad::new(t, &line)))
}
