//! Money over the API: the tariffs of a region's contracts, recorded and
//! corrected by its financieel adviseur, and the cost of care per period,
//! municipality, product, provider and cohort as known at a moment, with
//! small amounts hidden for the aggregate-only roles as the figures are.

use super::access::BekendOpFilter;
use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, created_at, with_etag};
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
use zothuis_domain::finance::cost::{Cohort, CostCell};
use zothuis_domain::finance::service::{
    CostReport, CostRequest, Hidden, MissingRow, TariffHistory,
};
use zothuis_domain::finance::{Period, Split, Tariff, TariffInput};
use zothuis_domain::paging::PageRequest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tariffs, create_tariff))
        .routes(routes!(get_tariff, change_tariff))
        .routes(routes!(costs))
}

// ---- tariffs --------------------------------------------------------------------------

/// Een tarief uit de contracten van een regio: wat de regio een aanbieder
/// (of elke aanbieder zonder eigen tarief) betaalt voor een product, per
/// dag, week, maand of jaar, vanaf een datum.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tarief {
    #[schema(example = 3)]
    pub id: i64,
    /// De regio van het contract; het tarief prijst de verblijven van haar gemeenten.
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    /// De aanbieder van het contract; leeg: elke aanbieder zonder eigen tarief voor dit product.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    /// per-dag, per-week, per-maand of per-jaar.
    #[schema(example = "per-dag")]
    pub eenheid: String,
    /// Het bedrag in euro's per eenheid, met een punt als decimaalteken.
    #[schema(example = "151.23")]
    pub bedrag: String,
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub geldig_vanaf: NaiveDate,
    /// De laatste dag waarop het tarief geldt (tot en met); leeg: open einde.
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub geldig_tot: Option<NaiveDate>,
    /// Ingetrokken (per vergissing vastgelegd): geldt voor geen enkele dag.
    #[schema(example = false)]
    pub ingetrokken: bool,
    #[schema(example = "Regionaal contract 2025")]
    pub notitie: Option<String>,
    /// zin of pgb: een verblijf met een pgb wordt alleen met een pgb-tarief berekend.
    #[schema(example = "zin")]
    pub financieringsvorm: String,
    /// Zorgzwaarte 1 tot en met 9; leeg: elk niveau zonder eigen tarief.
    #[schema(example = json!(null))]
    pub zorgzwaarte: Option<u8>,
    /// Versie (ook de ETag).
    #[schema(example = 7)]
    pub versie: i64,
    #[schema(example = "2025-12-15T10:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub geregistreerd_door: String,
}

impl From<Tariff> for Tarief {
    fn from(t: Tariff) -> Self {
        let f = t.facts;
        Tarief {
            id: t.id,
            regio_id: t.region_id,
            product_id: f.product_id,
            aanbieder_id: f.provider_id,
            eenheid: f.unit.code().to_string(),
            bedrag: f.amount.decimal(),
            geldig_vanaf: f.valid_from,
            geldig_tot: f.valid_until,
            ingetrokken: f.withdrawn,
            notitie: f.note,
            financieringsvorm: f.financing.code().to_string(),
            zorgzwaarte: f.care_level.map(|l| l.get()),
            versie: t.version_id,
            geregistreerd_op: t.recorded_at,
            geregistreerd_door: t.recorded_by,
        }
    }
}

/// Een tarief zoals bekend op een moment, met de versies die toen waren
/// vastgelegd (de oudste eerst).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TariefMetVersies {
    #[serde(flatten)]
    pub tarief: Tarief,
    pub versies: Vec<Tarief>,
}

impl From<TariffHistory> for TariefMetVersies {
    fn from(h: TariffHistory) -> Self {
        TariefMetVersies {
            tarief: h.current.into(),
            versies: h.versions.into_iter().map(Into::into).collect(),
        }
    }
}

/// Wat een tarief zegt: bij vastleggen, corrigeren of intrekken.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TariefInvoer {
    #[schema(example = 1)]
    pub product_id: Option<i64>,
    /// Leeg: het tarief geldt voor elke aanbieder zonder eigen tarief voor dit product.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    /// per-dag, per-week, per-maand of per-jaar; leeg: de tariefeenheid van het product.
    #[schema(example = json!(null))]
    pub eenheid: Option<String>,
    /// Het bedrag in euro's, niet negatief en hoogstens 10000000.00: `151.23`
    /// (ook `151,23` of `55.000` zoals in de schermen).
    #[schema(example = "151.23")]
    pub bedrag: String,
    /// De eerste dag waarop het tarief geldt.
    #[schema(example = "2025-01-01")]
    pub geldig_vanaf: String,
    /// De laatste dag waarop het tarief geldt (tot en met), niet vóór de
    /// ingangsdatum; leeg: open einde.
    #[schema(example = json!(null))]
    pub geldig_tot: Option<String>,
    /// Alleen bij wijzigen: het tarief intrekken (per vergissing vastgelegd).
    #[schema(example = false)]
    pub ingetrokken: bool,
    #[schema(example = "Regionaal contract 2025")]
    pub notitie: Option<String>,
    /// zin (zorg in natura) of pgb; leeg: zin.
    #[schema(example = "zin")]
    pub financieringsvorm: Option<String>,
    /// Zorgzwaarte 1 tot en met 9; leeg: elk niveau zonder eigen tarief.
    #[schema(example = json!(null), minimum = 1, maximum = 9)]
    pub zorgzwaarte: Option<i64>,
}

impl TariefInvoer {
    fn input(self) -> TariffInput {
        TariffInput {
            product_id: self.product_id.map(|p| p.to_string()).unwrap_or_default(),
            provider_id: self.aanbieder_id.map(|p| p.to_string()),
            unit: self.eenheid,
            amount: self.bedrag,
            valid_from: self.geldig_vanaf,
            valid_until: self.geldig_tot,
            withdrawn: self.ingetrokken,
            note: self.notitie,
            financing: self.financieringsvorm,
            care_level: self.zorgzwaarte.map(|n| n.to_string()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TariefFilter {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    /// Paginanummer, vanaf 1.
    #[param(example = 1, minimum = 1)]
    pub pagina: Option<u32>,
    /// Aantal resultaten per pagina (standaard 50, hoogstens 500).
    #[param(example = 50, minimum = 1, maximum = 500)]
    pub pagina_grootte: Option<u32>,
}

/// De tarieven die u ziet: van uw regio (of de regio van uw gemeente); een
/// aanbieder ziet zijn eigen tarieven en de algemene. Op product, aanbieder
/// en ingangsdatum.
#[utoipa::path(get, path = "/tarieven", tag = "Financiën", params(TariefFilter),
    responses((status = 200, description = "Tarieven", body = Lijst<Tarief>),
              (status = 400, description = "Ongeldig filter", body = Problem),
              (status = 403, description = "Een woningcorporatie ziet geen tarieven", body = Problem)))]
async fn list_tariffs(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<TariefFilter>,
) -> ApiResult<axum::Json<Lijst<Tarief>>> {
    let all = s.services.tariffs(&caller.ctx, q.bekend_op).await?;
    let page = PageRequest::new(q.pagina, q.pagina_grootte).slice(&all);
    Ok(axum::Json(Lijst::from_page(
        page,
        "/tarieven",
        Tarief::from,
    )))
}

/// Een tarief vastleggen voor de contracten van uw regio (alleen de
/// financieel adviseur van de regio). Een tarief voor hetzelfde product en
/// dezelfde aanbieder mag geen dag overlappen met een ander.
#[utoipa::path(post, path = "/tarieven", tag = "Financiën", request_body = TariefInvoer,
    responses((status = 201, description = "Vastgelegd", body = Tarief,
                  headers(("Location" = String, description = "Adres van het nieuwe tarief"),
                          ("ETag" = String, description = "Versie van het tarief, voor If-Match"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio", body = Problem)))]
async fn create_tariff(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<TariefInvoer>,
) -> ApiResult<Response> {
    let created = s.services.create_tariff(&caller.ctx, &b.input()).await?;
    let location = format!("/api/v1/tarieven/{}", created.id);
    Ok(created_at(
        &location,
        created.version_id,
        Tarief::from(created),
    ))
}

/// Eén tarief met zijn versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/tarieven/{id}", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van het tarief", example = 3), BekendOpFilter),
    responses((status = 200, description = "Het tarief", body = TariefMetVersies,
                  headers(("ETag" = String, description = "Versie van het tarief, voor If-Match"))),
              (status = 403, description = "Een woningcorporatie ziet geen tarieven", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn get_tariff(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s.services.tariff(&caller.ctx, id, q.bekend_op).await?;
    let version = h.current.version_id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        TariefMetVersies::from(h),
    ))
}

/// Een tarief corrigeren of intrekken (`ingetrokken: true`); de vorige
/// versie blijft bewaard, en de kosten zoals bekend vóór de wijziging
/// blijven zoals ze waren. Vereist If-Match.
#[utoipa::path(put, path = "/tarieven/{id}", tag = "Financiën", request_body = TariefInvoer,
    params(("id" = i64, Path, description = "Id van het tarief", example = 3),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v7\"")),
    responses((status = 200, description = "Gewijzigd", body = Tarief,
                  headers(("ETag" = String, description = "De nieuwe versie van het tarief"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_tariff(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<TariefInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_tariff(&caller.ctx, id, version, &b.input())
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version_id,
        Tarief::from(changed),
    ))
}

// ---- cost of care ------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct KostenVraag {
    /// Een kalenderjaar (standaard dit jaar); of `van` en `tot`, niet beide.
    #[param(example = 2025, value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    pub jaar: Option<String>,
    /// De eerste dag van de periode.
    #[param(example = "2025-01-01")]
    pub van: Option<String>,
    /// De laatste dag van de periode (tot en met); hoogstens 25 jaar na `van`.
    #[param(example = "2025-12-31")]
    pub tot: Option<String>,
    /// Alleen de verblijven waarvoor deze gemeente verantwoordelijk is (gemeentecode).
    #[param(example = "GM0402")]
    pub gemeente: Option<String>,
    /// Alleen de verblijven bij deze aanbieder.
    #[param(example = 1, value_type = Option<i64>)]
    pub aanbieder_id: Option<String>,
    /// maand, jaar (standaard) of geheel (de hele periode als één).
    #[param(example = "maand")]
    pub per: Option<String>,
    /// Uitsplitsen naar, met komma's: gemeente, product, aanbieder, cohort
    /// (historische cliënten of nieuwe instroom) en financiering (zin of
    /// pgb); leeg: alleen per periode.
    #[param(example = "gemeente,product")]
    pub indeling: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

impl KostenVraag {
    fn request(self) -> CostRequest {
        CostRequest {
            year: self.jaar,
            from: self.van,
            until: self.tot,
            municipality: self.gemeente,
            provider_id: self.aanbieder_id,
            period: self.per,
            split: self.indeling,
            known_at: self.bekend_op,
        }
    }
}

/// Een gemeente met haar naam.
#[derive(Debug, Serialize, ToSchema)]
pub struct GemeenteNaam {
    #[schema(example = "GM0402")]
    pub code: String,
    #[schema(example = "Hilversum")]
    pub naam: String,
}

/// Een product of aanbieder met zijn naam.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdNaam {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Beschermd wonen intramuraal (BW-INT)")]
    pub naam: String,
}

/// Bedrag, dagen, cliënten en verblijven van een cel, zoals u die mag zien.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kostencel {
    /// Het bedrag in euro's (`1234.56`); leeg als het is onderdrukt.
    #[schema(example = "45369.00")]
    pub bedrag: Option<String>,
    /// Dagen in zorg met een tarief (de dag van vertrek telt niet).
    #[schema(example = 300)]
    pub dagen: Option<i64>,
    /// Verschillende cliënten met een dag in zorg in de cel.
    #[schema(example = 12)]
    pub clienten: Option<u32>,
    #[schema(example = 13)]
    pub verblijven: Option<u32>,
    /// Zoals in de schermen: "€ 45.369,00", "<5" (over minder cliënten dan
    /// de drempel) of "×" (verborgen ter bescherming van een klein bedrag elders).
    #[schema(example = "€ 45.369,00")]
    pub weergave: String,
    /// Verborgen omdat er te weinig cliënten achter zitten (of het daarnaar terug te rekenen is).
    #[schema(example = false)]
    pub onderdrukt: bool,
    /// Waarom verborgen: `klein-aantal` (over minder cliënten dan de drempel) of
    /// `ter-bescherming` (zou een klein aantal elders verraden). Leeg als niet verborgen.
    #[schema(example = json!(null))]
    pub onderdrukking: Option<String>,
}

impl Kostencel {
    fn new(c: &CostCell, hidden: Hidden, threshold: Option<u64>) -> Kostencel {
        let shown = hidden == Hidden::No;
        Kostencel {
            bedrag: shown.then(|| c.amount.decimal()),
            dagen: shown.then_some(c.days),
            clienten: shown.then_some(c.clients),
            verblijven: shown.then_some(c.stays),
            weergave: hidden_text(hidden, threshold).unwrap_or_else(|| c.amount.to_string()),
            onderdrukt: !shown,
            onderdrukking: match hidden {
                Hidden::No => None,
                Hidden::Small => Some("klein-aantal".into()),
                Hidden::Secondary => Some("ter-bescherming".into()),
            },
        }
    }
}

/// The mark of a hidden amount, as the figures show a hidden number.
pub fn hidden_text(hidden: Hidden, threshold: Option<u64>) -> Option<String> {
    match hidden {
        Hidden::No => None,
        Hidden::Small => Some(format!("<{}", threshold.unwrap_or(0))),
        Hidden::Secondary => Some(zothuis_domain::figures::SECONDARY_MARK.to_string()),
    }
}

/// How the total of a report is hidden, if it is.
pub fn total_hidden(r: &CostReport) -> Hidden {
    let small = r
        .threshold
        .is_some_and(|t| r.total.clients > 0 && u64::from(r.total.clients) < t);
    match (r.total_hidden, small) {
        (false, _) => Hidden::No,
        (true, true) => Hidden::Small,
        (true, false) => Hidden::Secondary,
    }
}

/// Een regel van de kostentabel: een periode, en de gemeente, het product,
/// de aanbieder en het cohort waarnaar is uitgesplitst.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kostenregel {
    /// De eerste dag van de maand of het jaar; bij `per=geheel` de eerste dag van de periode.
    #[schema(example = "2025-03-01", value_type = String, format = Date)]
    pub periode: NaiveDate,
    /// De verantwoordelijke gemeente (van de beschikking), bij indeling op gemeente.
    pub gemeente: Option<GemeenteNaam>,
    pub product: Option<IdNaam>,
    pub aanbieder: Option<IdNaam>,
    /// `historisch` (in zorg op de peildatum van het historische cohort) of `nieuw`.
    #[schema(example = json!(null))]
    pub cohort: Option<String>,
    /// `zin` of `pgb`, bij indeling op financiering.
    #[schema(example = json!(null))]
    pub financiering: Option<String>,
    #[serde(flatten)]
    pub cel: Kostencel,
}

/// Dagen in zorg waarvoor geen tarief bekend is: die zijn niet in de
/// bedragen meegeteld (ook niet als nul).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OntbrekendTarief {
    pub gemeente: GemeenteNaam,
    pub product: IdNaam,
    /// Leeg bij verblijven zonder aanbieder in de cijfers.
    pub aanbieder: Option<IdNaam>,
    /// `zin` of `pgb`: een verblijf met een pgb heeft een pgb-tarief nodig.
    #[schema(example = "zin")]
    pub financieringsvorm: String,
    /// De zorgzwaarte van de verblijven, als ze er een hebben.
    #[schema(example = json!(null))]
    pub zorgzwaarte: Option<u8>,
    /// Dagen in zorg zonder tarief; leeg als het is onderdrukt.
    #[schema(example = 31)]
    pub dagen: Option<i64>,
    #[schema(example = 2)]
    pub verblijven: Option<u32>,
    /// De eerste dag zonder tarief; leeg als het is onderdrukt.
    #[schema(example = "2025-01-01", value_type = Option<String>, format = Date)]
    pub eerste_dag: Option<NaiveDate>,
    /// Verborgen omdat er minder verblijven dan de drempel achter zitten.
    #[schema(example = false)]
    pub onderdrukt: bool,
}

impl From<&MissingRow> for OntbrekendTarief {
    fn from(m: &MissingRow) -> Self {
        let shown = !m.hidden;
        OntbrekendTarief {
            gemeente: GemeenteNaam {
                code: m.municipality.0.to_string(),
                naam: m.municipality.1.clone(),
            },
            product: IdNaam {
                id: m.product.0,
                naam: m.product.1.clone(),
            },
            aanbieder: m.provider.as_ref().map(|(id, naam)| IdNaam {
                id: *id,
                naam: naam.clone(),
            }),
            financieringsvorm: m.financing.code().to_string(),
            zorgzwaarte: m.level.map(|l| l.get()),
            dagen: shown.then_some(m.missing.days),
            verblijven: shown.then_some(m.missing.stays),
            eerste_dag: if shown { m.missing.first_day } else { None },
            onderdrukt: m.hidden,
        }
    }
}

/// De zorgkosten: dagen in zorg maal het tarief van die dag, per periode en
/// uitgesplitst zoals gevraagd, toegerekend aan de verantwoordelijke gemeente.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kosten {
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub van: NaiveDate,
    /// De laatste dag van de periode (tot en met).
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub tot: NaiveDate,
    /// De laatste dag die is meegeteld: `tot`, of de dag van `bekendOp` als
    /// die eerder ligt (dagen die nog moeten komen zijn geen kosten).
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub geteld_tot: NaiveDate,
    /// maand, jaar of geheel.
    #[schema(example = "maand")]
    pub per: String,
    /// Waarnaar is uitgesplitst.
    #[schema(example = json!(["gemeente"]))]
    pub indeling: Vec<String>,
    #[schema(example = "2026-01-15T12:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
    /// Kleine bedragen zijn voor deze gebruiker verborgen.
    #[schema(example = false)]
    pub kleine_aantallen_onderdrukt: bool,
    /// Bedragen over minder cliënten dan dit zijn verborgen (alleen als ze worden onderdrukt).
    #[schema(example = json!(null))]
    pub drempel: Option<u64>,
    pub regels: Vec<Kostenregel>,
    pub totaal: Kostencel,
    pub ontbrekende_tarieven: Vec<OntbrekendTarief>,
}

fn period_code(p: Period) -> &'static str {
    match p {
        Period::Month => "maand",
        Period::Year => "jaar",
        Period::Whole => "geheel",
    }
}

fn split_codes(s: Split) -> Vec<String> {
    [
        (s.municipality, "gemeente"),
        (s.product, "product"),
        (s.provider, "aanbieder"),
        (s.cohort, "cohort"),
        (s.financing, "financiering"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, code)| code.to_string())
    .collect()
}

impl From<CostReport> for Kosten {
    fn from(r: CostReport) -> Self {
        let threshold = r.threshold;
        Kosten {
            van: r.from,
            tot: r.until,
            geteld_tot: r.through,
            per: period_code(r.period).into(),
            indeling: split_codes(r.split),
            bekend_op: r.known_at,
            kleine_aantallen_onderdrukt: threshold.is_some(),
            drempel: threshold,
            totaal: Kostencel::new(&r.total, total_hidden(&r), threshold),
            ontbrekende_tarieven: r.missing.iter().map(OntbrekendTarief::from).collect(),
            regels: r
                .rows
                .into_iter()
                .map(|row| Kostenregel {
                    periode: row.period,
                    gemeente: row.municipality.map(|(code, naam)| GemeenteNaam {
                        code: code.to_string(),
                        naam,
                    }),
                    product: row.product.map(|(id, naam)| IdNaam { id, naam }),
                    aanbieder: row.provider.map(|(id, naam)| IdNaam { id, naam }),
                    cohort: row.cohort.map(|c: Cohort| c.code().to_string()),
                    financiering: row.financing.map(|f| f.code().to_string()),
                    cel: Kostencel::new(&row.cell, row.hidden, threshold),
                })
                .collect(),
        }
    }
}

/// De zorgkosten binnen uw gebied, zoals bekend op een moment: per maand,
/// jaar of de hele periode, eventueel uitgesplitst naar gemeente, product,
/// aanbieder en cohort, met de dagen in zorg waarvoor geen tarief bekend is.
/// Voor beleidsrollen zijn bedragen over minder cliënten dan de drempel
/// verborgen, zoals in de cijfers.
#[utoipa::path(get, path = "/kosten", tag = "Financiën", params(KostenVraag),
    responses((status = 200, description = "De kosten", body = Kosten),
              (status = 400, description = "Ongeldige vraag", body = Problem),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem)))]
async fn costs(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<KostenVraag>,
) -> ApiResult<axum::Json<Kosten>> {
    let report = s.services.costs(&caller.ctx, &q.request()).await?;
    Ok(axum::Json(report.into()))
}
