//! Budgets over the API: a region's (or a municipality's) budget with its
//! versions (the begroting and each begrotingswijziging), the actuals of
//! its lines per month, the budget against its realisation and forecast in
//! a year, and the expected cost of the historical cohort. Who sees and
//! changes what is the domain's (`policy::budget_view`, `ManageBudget`).

use super::access::BekendOpFilter;
use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, created_at, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::finance::budget::{
    Budget, BudgetActual, BudgetActualInput, BudgetLine, BudgetLineInput, BudgetVersion,
    BudgetVersionInput,
};
use zothuis_domain::finance::service::{
    BudgetHistory, BudgetInput, BudgetReport, BudgetReportLine, CohortForecastView, Source,
};
use zothuis_domain::{DomainError, FieldError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_budgets, create_budget))
        .routes(routes!(get_budget, change_budget))
        .routes(routes!(list_actuals, add_actual))
        .routes(routes!(budget_report))
        .routes(routes!(cohort_forecast))
}

// ---- budgets ----------------------------------------------------------------------------

/// Een begroting: van de regio (zoals die van het GO BW) of van één
/// gemeente; haar inhoud staat in haar versies.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Begroting {
    #[schema(example = 2)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    /// De gemeente (gemeentecode) van een gemeentelijke begroting; leeg: die van de regio.
    #[schema(example = json!(null))]
    pub gemeente: Option<String>,
    #[schema(example = "Bescherming en Opvang Gooi en Vechtstreek")]
    pub naam: String,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub aangemaakt_op: DateTime<Utc>,
}

impl From<Budget> for Begroting {
    fn from(b: Budget) -> Self {
        Begroting {
            id: b.id,
            regio_id: b.region_id,
            gemeente: b.municipality.map(|m| m.to_string()),
            naam: b.name,
            aangemaakt_op: b.created_at,
        }
    }
}

/// Een regel van een begroting: de bedragen per jaar, positief; de zijde
/// zegt of het geld wordt uitgegeven (lasten) of ontvangen (baten).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Begrotingsregel {
    /// De regelcode, zoals a, b, … in de begroting.
    #[schema(example = "a")]
    pub code: String,
    /// lasten of baten.
    #[schema(example = "lasten")]
    pub zijde: String,
    /// De soort regel, bijvoorbeeld zorgkosten-historisch of iubw.
    #[schema(example = "zorgkosten-historisch")]
    pub categorie: String,
    #[schema(example = "Zorgkosten oude cliënten (ZIN en PGB)")]
    pub omschrijving: String,
    /// Per jaar het bedrag in euro's, met een punt als decimaalteken.
    #[schema(example = json!({"2025": "39834000.00", "2026": "35729000.00"}))]
    pub bedragen: BTreeMap<String, String>,
}

impl From<BudgetLine> for Begrotingsregel {
    fn from(l: BudgetLine) -> Self {
        Begrotingsregel {
            code: l.code,
            zijde: l.side.code().into(),
            categorie: l.category.code().into(),
            omschrijving: l.label,
            bedragen: l
                .amounts
                .into_iter()
                .map(|(y, a)| (y.to_string(), a.decimal()))
                .collect(),
        }
    }
}

/// Eén versie van een begroting: de begroting of een begrotingswijziging,
/// met al haar regels.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Begrotingsversie {
    /// Id van de versie (ook de ETag van de begroting).
    #[schema(example = 5)]
    pub id: i64,
    /// begroting of begrotingswijziging.
    #[schema(example = "begroting")]
    pub soort: String,
    #[schema(example = "Begroting 2025–2028")]
    pub titel: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    pub regels: Vec<Begrotingsregel>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub geregistreerd_door: String,
}

impl From<BudgetVersion> for Begrotingsversie {
    fn from(v: BudgetVersion) -> Self {
        Begrotingsversie {
            id: v.id,
            soort: v.kind.code().into(),
            titel: v.title,
            toelichting: v.note,
            regels: v.lines.into_iter().map(Into::into).collect(),
            geregistreerd_op: v.recorded_at,
            geregistreerd_door: v.recorded_by,
        }
    }
}

/// Een begroting zoals bekend op een moment: de geldende versie en alle
/// versies die toen waren vastgelegd (de oudste eerst).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BegrotingMetVersies {
    #[serde(flatten)]
    pub begroting: Begroting,
    pub versie: Begrotingsversie,
    pub versies: Vec<Begrotingsversie>,
}

impl From<BudgetHistory> for BegrotingMetVersies {
    fn from(h: BudgetHistory) -> Self {
        BegrotingMetVersies {
            begroting: h.budget.into(),
            versie: h.current.into(),
            versies: h.versions.into_iter().map(Into::into).collect(),
        }
    }
}

/// Een regel zoals ingevoerd.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BegrotingsregelInvoer {
    /// Een regelcode van hoogstens 8 letters of cijfers, uniek in de versie.
    #[schema(example = "a")]
    pub code: String,
    /// lasten of baten.
    #[schema(example = "lasten")]
    pub zijde: String,
    /// De soort regel: zorgkosten, zorgkosten-historisch, zorgkosten-nieuw,
    /// tekort-mo, innovatie, ontwikkel-frictie, dagbesteding, personeel,
    /// subsidies, advies, overige-lasten (lasten); gemeentelijke-bijdrage,
    /// rijksbijdrage-historisch, eigen-bijdrage, iubw, duvo, dumo, iusd,
    /// overige-baten (baten); reserve (beide).
    #[schema(example = "zorgkosten-historisch")]
    pub categorie: String,
    #[schema(example = "Zorgkosten oude cliënten (ZIN en PGB)")]
    pub omschrijving: String,
    /// Per jaar (2000–2100) het bedrag in euro's: `39834000.00`, of zoals
    /// in de schermen `39.834.000,00`. Baten mogen negatief zijn (zoals de
    /// GO BW-tabel ze toont) en worden positief bewaard; lasten niet. Een
    /// leeg bedrag of `-` is geen bedrag voor dat jaar.
    #[schema(example = json!({"2025": "39834000.00", "2026": "35729000.00"}))]
    pub bedragen: BTreeMap<String, String>,
}

/// Een versie zoals ingevoerd: bij een nieuwe begroting haar eerste
/// versie, bij een wijziging de nieuwe versie van alle regels.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BegrotingsversieInvoer {
    /// begroting of begrotingswijziging; leeg: begroting bij een nieuwe
    /// begroting, begrotingswijziging bij een wijziging.
    #[schema(example = json!(null))]
    pub soort: Option<String>,
    /// Hoogstens 200 tekens.
    #[schema(example = "Begroting 2025–2028")]
    pub titel: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    /// De bedragen zijn in duizenden euro's, zoals in de GO BW-tabel.
    #[schema(example = false)]
    pub duizendtallen: bool,
    /// Minstens één regel. In `invalidParams` heet een veld van een regel
    /// `regels[0].categorie` (de eerste regel is 0) en een bedrag
    /// `regels[0].bedragen.2025`.
    pub regels: Vec<BegrotingsregelInvoer>,
}

impl BegrotingsversieInvoer {
    fn input(self, default_kind: &str) -> BudgetVersionInput {
        BudgetVersionInput {
            kind: self
                .soort
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| default_kind.to_string()),
            title: self.titel,
            note: self.toelichting,
            thousands: self.duizendtallen,
            lines: self
                .regels
                .into_iter()
                .map(|r| BudgetLineInput {
                    code: r.code,
                    side: r.zijde,
                    category: r.categorie,
                    label: r.omschrijving,
                    amounts: r.bedragen.into_iter().collect(),
                })
                .collect(),
        }
    }
}

/// Een nieuwe begroting met haar eerste versie.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BegrotingInvoer {
    /// De gemeentecode van een gemeentelijke begroting; leeg: de begroting
    /// van uw regio (of, voor een gemeente, van uw gemeente).
    #[schema(example = json!(null))]
    pub gemeente: Option<String>,
    #[schema(example = "Bescherming en Opvang Gooi en Vechtstreek")]
    pub naam: String,
    /// De eerste versie. In `invalidParams` staan haar velden onder
    /// `versie.`, bijvoorbeeld `versie.titel` en `versie.regels[0].zijde`.
    pub versie: BegrotingsversieInvoer,
}

/// The domain names a line's field `regels[n].veld` (n from 1) and an
/// amount `regels[n].bedrag2025`; the API names them as they stand in the
/// JSON body: `regels[n-1].veld` and `regels[n-1].bedragen.2025`, a year
/// that is no year `regels[n-1].bedragen`, under `prefix`.
fn json_field(prefix: &str, field: &str) -> String {
    let line = field
        .strip_prefix("regels[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(n, f)| Some((n.parse::<usize>().ok()?.checked_sub(1)?, f)));
    match line {
        Some((i, f)) => {
            let f = match (f.strip_prefix("bedrag"), f) {
                (Some(year), _) => format!("bedragen.{year}"),
                (None, "jaar") => "bedragen".to_string(),
                (None, other) => other.to_string(),
            };
            format!("{prefix}regels[{i}].{f}")
        }
        None => format!("{prefix}{field}"),
    }
}

/// A version's field problems named as in the body (`json_field`); the
/// budget's own fields (naam, gemeente) keep their names.
fn named_in_body(e: DomainError, prefix: &str) -> DomainError {
    match e {
        DomainError::Invalid(errors) => DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: match e.field.as_str() {
                        "naam" | "gemeente" => e.field.clone(),
                        f => json_field(prefix, f),
                    },
                    message: e.message,
                })
                .collect(),
        ),
        other => other,
    }
}

/// De begrotingen die u ziet: die van uw regio en haar gemeenten, of (voor
/// een gemeente) die van uw gemeente en van haar regio. Een aanbieder en
/// een woningcorporatie zien geen begrotingen.
#[utoipa::path(get, path = "/begrotingen", tag = "Financiën", params(Paginering),
    responses((status = 200, description = "Begrotingen", body = Lijst<Begroting>),
              (status = 403, description = "Deze rol ziet geen begrotingen", body = Problem)))]
async fn list_budgets(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Begroting>>> {
    let all = s.services.budgets(&caller.ctx).await?;
    let page = q.request().slice(&all);
    Ok(axum::Json(Lijst::from_page(
        page,
        "/begrotingen",
        Begroting::from,
    )))
}

/// Een begroting vastleggen met haar eerste versie: de financieel adviseur
/// van de regio voor de regio of een van haar gemeenten, die van een
/// gemeente voor zijn eigen gemeente.
#[utoipa::path(post, path = "/begrotingen", tag = "Financiën", request_body = BegrotingInvoer,
    responses((status = 201, description = "Vastgelegd", body = BegrotingMetVersies,
                  headers(("Location" = String, description = "Adres van de nieuwe begroting"),
                          ("ETag" = String, description = "Versie van de begroting, voor If-Match"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de regio of de gemeente", body = Problem)))]
async fn create_budget(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<BegrotingInvoer>,
) -> ApiResult<Response> {
    let input = BudgetInput {
        municipality: b.gemeente,
        name: b.naam,
        version: b.versie.input("begroting"),
    };
    let (budget, version) = s
        .services
        .create_budget(&caller.ctx, &input)
        .await
        .map_err(|e| named_in_body(e, "versie."))?;
    let location = format!("/api/v1/begrotingen/{}", budget.id);
    let etag = version.id;
    let body = BegrotingMetVersies::from(BudgetHistory {
        budget,
        current: version.clone(),
        versions: vec![version],
    });
    Ok(created_at(&location, etag, body))
}

/// Eén begroting met haar versies, zoals bekend op een moment.
#[utoipa::path(get, path = "/begrotingen/{id}", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van de begroting", example = 1), BekendOpFilter),
    responses((status = 200, description = "De begroting", body = BegrotingMetVersies,
                  headers(("ETag" = String, description = "De geldende versie, voor If-Match"))),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem),
              (status = 404, description = "Niet gevonden of (toen) niet bekend", body = Problem)))]
async fn get_budget(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOpFilter>,
) -> ApiResult<Response> {
    let h = s.services.budget(&caller.ctx, id, q.bekend_op).await?;
    let version = h.current.id;
    Ok(with_etag(
        StatusCode::OK,
        version,
        BegrotingMetVersies::from(h),
    ))
}

/// Een begrotingswijziging: een nieuwe versie van alle regels. De vorige
/// versies blijven bewaard, met wie ze vastlegde en wanneer. Vereist
/// If-Match met de ETag van de geldende versie.
#[utoipa::path(put, path = "/begrotingen/{id}", tag = "Financiën", request_body = BegrotingsversieInvoer,
    params(("id" = i64, Path, description = "Id van de begroting", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v5\"")),
    responses((status = 200, description = "De nieuwe versie", body = Begrotingsversie,
                  headers(("ETag" = String, description = "De nieuwe versie van de begroting"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de begroting", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn change_budget(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<BegrotingsversieInvoer>,
) -> ApiResult<Response> {
    let changed = s
        .services
        .change_budget(&caller.ctx, id, version, &b.input("begrotingswijziging"))
        .await
        .map_err(|e| named_in_body(e, ""))?;
    Ok(with_etag(
        StatusCode::OK,
        changed.id,
        Begrotingsversie::from(changed),
    ))
}

// ---- actuals --------------------------------------------------------------------------

/// De realisatie van een regel in een maand (een regel die niet uit de
/// zorgkosten van de verblijven komt).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Realisatie {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 1)]
    pub begroting_id: i64,
    /// De regelcode.
    #[schema(example = "f")]
    pub code: String,
    #[schema(example = 2025)]
    pub jaar: i32,
    #[schema(example = 3)]
    pub maand: u32,
    /// Het bedrag in euro's, met een punt als decimaalteken.
    #[schema(example = "91250.00")]
    pub bedrag: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "financieel.gv")]
    pub geregistreerd_door: String,
}

impl From<BudgetActual> for Realisatie {
    fn from(a: BudgetActual) -> Self {
        Realisatie {
            id: a.id,
            begroting_id: a.budget_id,
            code: a.code,
            jaar: a.year,
            maand: a.month,
            bedrag: a.amount.decimal(),
            toelichting: a.note,
            geregistreerd_op: a.recorded_at,
            geregistreerd_door: a.recorded_by,
        }
    }
}

/// Een realisatie zoals ingevoerd.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RealisatieInvoer {
    /// De regelcode; niet van een zorgkostenregel (die komt uit de verblijven).
    #[schema(example = "f")]
    pub code: String,
    /// 2000–2100.
    #[schema(example = 2025)]
    pub jaar: Option<i64>,
    /// 1–12.
    #[schema(example = 3)]
    pub maand: Option<i64>,
    /// Het bedrag in euro's: `91250.00` of `91.250,00`.
    #[schema(example = "91250.00")]
    pub bedrag: String,
    #[schema(example = "Salarissen maart")]
    pub toelichting: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RealisatiesVraag {
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

/// De ingevoerde realisaties die gelden, zoals bekend op een moment: per
/// regel en maand de laatst vastgelegde; op jaar, maand en regel.
#[utoipa::path(get, path = "/begrotingen/{id}/realisaties", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van de begroting", example = 1), RealisatiesVraag),
    responses((status = 200, description = "Realisaties", body = Lijst<Realisatie>),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn list_actuals(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RealisatiesVraag>,
) -> ApiResult<axum::Json<Lijst<Realisatie>>> {
    let all = s
        .services
        .budget_actuals(&caller.ctx, id, q.bekend_op)
        .await?;
    let page = zothuis_domain::paging::PageRequest::new(q.pagina, q.pagina_grootte).slice(&all);
    Ok(axum::Json(Lijst::from_page(
        page,
        &format!("/begrotingen/{id}/realisaties"),
        Realisatie::from,
    )))
}

/// De realisatie van een regel in een maand vastleggen. Een latere
/// realisatie van dezelfde regel en maand vervangt de eerdere vanaf haar
/// vastlegging.
#[utoipa::path(post, path = "/begrotingen/{id}/realisaties", tag = "Financiën",
    request_body = RealisatieInvoer,
    params(("id" = i64, Path, description = "Id van de begroting", example = 1)),
    responses((status = 201, description = "Vastgelegd", body = Realisatie,
                  headers(("Location" = String, description = "Adres van de realisaties van de begroting"))),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de financieel adviseur van de begroting", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn add_actual(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RealisatieInvoer>,
) -> ApiResult<Response> {
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let input = BudgetActualInput {
        code: b.code,
        year: number(b.jaar),
        month: number(b.maand),
        amount: b.bedrag,
        note: b.toelichting,
    };
    let actual = s
        .services
        .add_budget_actual(&caller.ctx, id, &input)
        .await?;
    let mut resp = (StatusCode::CREATED, axum::Json(Realisatie::from(actual))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/begrotingen/{id}/realisaties")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

// ---- budget against realisation -----------------------------------------------------

/// How a line's realisation is known.
pub fn source_code(s: Source) -> &'static str {
    match s {
        Source::Verblijven => "verblijven",
        Source::Ingevoerd => "ingevoerd",
        Source::Prognose => "prognose",
    }
}

/// Een regel van de begroting tegenover haar realisatie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Realisatieregel {
    #[schema(example = "a")]
    pub code: String,
    #[schema(example = "lasten")]
    pub zijde: String,
    #[schema(example = "zorgkosten")]
    pub categorie: String,
    #[schema(example = "Zorgkosten beschermd wonen, beschermd thuis en opvang")]
    pub omschrijving: String,
    /// Het begrote bedrag van het jaar; leeg als de regel er geen heeft.
    #[schema(example = "22100000.00")]
    pub begroot: Option<String>,
    /// Waar de realisatie vandaan komt: `verblijven` (dagen in zorg maal
    /// het tarief), `ingevoerd` (realisaties per maand) of `prognose` (een
    /// later jaar van de zorgkosten van historische cliënten).
    #[schema(example = "verblijven")]
    pub bron: String,
    /// Gerealiseerd tot en met `gerealiseerdTot`; leeg als het is onderdrukt.
    #[schema(example = "21450123.45")]
    pub gerealiseerd: Option<String>,
    /// De verwachting voor het hele jaar; leeg als het is onderdrukt.
    #[schema(example = "22010000.00")]
    pub prognose: Option<String>,
    /// Prognose min begroot: meer uitgegeven (lasten) of ontvangen (baten)
    /// dan begroot is positief; leeg als het is onderdrukt.
    #[schema(example = "-90000.00")]
    pub verschil: Option<String>,
    /// Bij een zorgkostenregel: de cliënten achter het bedrag.
    #[schema(example = 412)]
    pub clienten: Option<u32>,
    /// Verborgen omdat er minder cliënten dan de drempel achter zitten.
    #[schema(example = false)]
    pub onderdrukt: bool,
}

impl From<BudgetReportLine> for Realisatieregel {
    fn from(l: BudgetReportLine) -> Self {
        Realisatieregel {
            code: l.line.code,
            zijde: l.line.side.code().into(),
            categorie: l.line.category.code().into(),
            omschrijving: l.line.label,
            begroot: l.budget.map(|b| b.decimal()),
            bron: source_code(l.source).into(),
            gerealiseerd: l.realised.map(|b| b.decimal()),
            prognose: l.forecast.map(|b| b.decimal()),
            verschil: l.difference.map(|b| b.decimal()),
            clienten: l.clients,
            onderdrukt: l.hidden,
        }
    }
}

/// De begroting tegenover haar realisatie en prognose in een jaar.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BegrotingRealisatie {
    #[schema(example = 1)]
    pub begroting_id: i64,
    #[schema(example = "Bescherming en Opvang Gooi en Vechtstreek")]
    pub naam: String,
    /// De versie van de begroting die geldt (zoals bekend op `bekendOp`).
    #[schema(example = 5)]
    pub versie_id: i64,
    #[schema(example = "Begroting 2025–2028")]
    pub titel: String,
    #[schema(example = 2025)]
    pub jaar: i32,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
    /// De laatste dag die als gerealiseerd telt: het einde van het jaar,
    /// of vandaag in het jaar zelf.
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub gerealiseerd_tot: NaiveDate,
    /// Dagen in zorg die de zorgkostenregels niet konden prijzen (geen
    /// tarief): niet meegeteld.
    #[schema(example = 0)]
    pub dagen_zonder_tarief: i64,
    pub regels: Vec<Realisatieregel>,
}

impl From<BudgetReport> for BegrotingRealisatie {
    fn from(r: BudgetReport) -> Self {
        BegrotingRealisatie {
            begroting_id: r.budget.id,
            naam: r.budget.name,
            versie_id: r.version.id,
            titel: r.version.title,
            jaar: r.year,
            bekend_op: r.known_at,
            gerealiseerd_tot: r.through,
            dagen_zonder_tarief: r.unpriced_days,
            regels: r.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RealisatieVraag {
    /// Het kalenderjaar (2000–2100); standaard dit jaar.
    #[param(example = 2025, value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    pub jaar: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// A year as typed; anything that is no number is year 0, which the
/// service refuses with its own message.
pub fn year_param(jaar: Option<&str>, this_year: i32) -> i32 {
    match jaar.map(str::trim).filter(|j| !j.is_empty()) {
        None => this_year,
        Some(j) => j.parse().unwrap_or(0),
    }
}

/// De begroting tegenover haar realisatie in een jaar: per regel begroot,
/// gerealiseerd (zorgkosten uit de verblijven, andere regels uit de
/// ingevoerde realisaties), de prognose voor het hele jaar en het
/// verschil. Voor beleidsrollen zijn zorgkosten over minder cliënten dan
/// de drempel verborgen, zoals in de cijfers.
#[utoipa::path(get, path = "/begrotingen/{id}/realisatie", tag = "Financiën", params(
        ("id" = i64, Path, description = "Id van de begroting", example = 1), RealisatieVraag),
    responses((status = 200, description = "Begroting tegenover realisatie", body = BegrotingRealisatie),
              (status = 400, description = "Ongeldig jaar", body = Problem),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem),
              (status = 404, description = "Niet gevonden of niet zichtbaar", body = Problem)))]
async fn budget_report(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RealisatieVraag>,
) -> ApiResult<axum::Json<BegrotingRealisatie>> {
    let this_year = chrono::Datelike::year(&s.services.clock.today());
    let year = year_param(q.jaar.as_deref(), this_year);
    let report = s
        .services
        .budget_report(&caller.ctx, id, year, q.bekend_op)
        .await?;
    Ok(axum::Json(report.into()))
}

// ---- the historical cohort's forecast -----------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PrognoseVraag {
    /// Eén gemeente (gemeentecode); leeg: uw regio of gemeente.
    #[param(example = "GM0406")]
    pub gemeente: Option<String>,
    /// Het aantal jaren, dit jaar meegerekend (1–10, standaard 5).
    #[param(example = 5, value_type = Option<u32>, minimum = 1, maximum = 10)]
    pub jaren: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu. De prognose
    /// rekent vanaf die dag.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// A number of years as typed: 5 when empty; anything that is no number
/// is 0, which the service refuses with its own message.
pub fn years_param(jaren: Option<&str>) -> u32 {
    match jaren.map(str::trim).filter(|j| !j.is_empty()) {
        None => 5,
        Some(j) => j.parse().unwrap_or(0),
    }
}

/// Eén jaar van de prognose.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrognoseJaar {
    #[schema(example = 2026)]
    pub jaar: i32,
    /// Het verwachte aantal historische cliënten in zorg op 1 juli (of op
    /// de dag van de prognose, in haar eigen jaar na 1 juli); leeg als het
    /// is onderdrukt.
    #[schema(example = 312.4)]
    pub personen_medio: Option<f64>,
    /// Gerealiseerd tot de dag van de prognose (alleen haar eigen jaar),
    /// exact; leeg als het is onderdrukt.
    #[schema(example = "1234567.89")]
    pub gerealiseerd: Option<String>,
    /// Gerealiseerd plus verwacht, in euro's; leeg als het is onderdrukt.
    #[schema(example = "35729000.00")]
    pub bedrag: Option<String>,
}

/// De verwachte zorgkosten van de historische cliënten (in zorg op de
/// peildatum van het historische cohort) in de komende jaren, met de
/// aannames van het model.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrognoseHistorisch {
    /// De regio of gemeente.
    #[schema(example = "Gooi en Vechtstreek")]
    pub gebied: String,
    /// De peildatum van het historische cohort.
    #[schema(example = "2025-01-01", value_type = String, format = Date)]
    pub peildatum: NaiveDate,
    /// De dag waarop de prognose rekent (de dag van `bekendOp`).
    #[schema(example = "2026-01-12", value_type = String, format = Date)]
    pub vanaf: NaiveDate,
    /// Aantallen en bedragen zijn verborgen: het cohort telt minder
    /// cliënten dan de drempel.
    #[schema(example = false)]
    pub onderdrukt: bool,
    #[schema(example = 540)]
    pub clienten_op_peildatum: Option<u32>,
    #[schema(example = 431)]
    pub clienten_nu: Option<u32>,
    /// Cliënten die sinds de peildatum de zorg verlieten.
    #[schema(example = 109)]
    pub vertrokken: Option<u32>,
    /// Hun dagen in zorg sinds de peildatum.
    #[schema(example = 187345)]
    pub dagen_in_zorg: Option<i64>,
    /// Het aandeel dat per jaar de zorg verlaat (λ × 365,25).
    #[schema(example = 0.212)]
    pub uitstroom_per_jaar: Option<f64>,
    /// Het aandeel dat na een jaar nog in zorg is.
    #[schema(example = 0.809)]
    pub nog_in_zorg_na_een_jaar: Option<f64>,
    /// Cliënten in zorg zonder tarief op de dag van de prognose: niet meegeteld.
    #[schema(example = 0)]
    pub zonder_tarief: Option<u32>,
    pub jaren: Vec<PrognoseJaar>,
    /// De aannames van het model, in gewone taal.
    #[schema(example = json!(["Een overplaatsing naar een ander verblijf telt niet als vertrek; wie na vertrek terugkomt, telt niet opnieuw mee."]))]
    pub aannames: Vec<String>,
}

impl PrognoseHistorisch {
    pub fn new(v: CohortForecastView, threshold: u64) -> PrognoseHistorisch {
        let shown = !v.hidden;
        let f = &v.forecast;
        let aannames = crate::nl::forecast_assumptions(f, &v.area, v.hidden.then_some(threshold));
        PrognoseHistorisch {
            peildatum: f.cutoff,
            vanaf: f.as_of,
            onderdrukt: v.hidden,
            clienten_op_peildatum: shown.then_some(f.members_at_cutoff),
            clienten_nu: shown.then_some(f.members_now),
            vertrokken: shown.then_some(f.exits),
            dagen_in_zorg: shown.then_some(f.exposure_days),
            uitstroom_per_jaar: shown.then_some(round(f.rate_per_year, 4)),
            nog_in_zorg_na_een_jaar: shown.then_some(round(f.retention_per_year, 4)),
            zonder_tarief: shown.then_some(f.unpriced_members),
            jaren: f
                .years
                .iter()
                .map(|y| PrognoseJaar {
                    jaar: y.year,
                    personen_medio: shown.then_some(round(y.persons_mid_year, 1)),
                    gerealiseerd: shown.then(|| y.realised.decimal()),
                    bedrag: shown.then(|| y.cost.decimal()),
                })
                .collect(),
            aannames,
            gebied: v.area,
        }
    }
}

/// A model's estimate to a few decimals (more would suggest a precision
/// it does not have); not a finite number becomes 0.
pub fn round(x: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let r = (x * factor).round() / factor;
    if r.is_finite() { r } else { 0.0 }
}

/// De verwachte zorgkosten van de historische cliënten van uw regio (of
/// één gemeente) in de komende jaren: wie op de peildatum in zorg was,
/// verlaat de zorg in één vast tempo en wordt niet vervangen; de kosten
/// tegen het tarief van nu. Met de aannames in gewone taal. Voor
/// beleidsrollen verborgen als het cohort minder cliënten telt dan de
/// drempel.
#[utoipa::path(get, path = "/kosten/prognose-historisch", tag = "Financiën", params(PrognoseVraag),
    responses((status = 200, description = "De prognose", body = PrognoseHistorisch),
              (status = 400, description = "Ongeldige vraag, of geen peildatum voor historische cliënten", body = Problem),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem)))]
async fn cohort_forecast(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<PrognoseVraag>,
) -> ApiResult<axum::Json<PrognoseHistorisch>> {
    let view = s
        .services
        .cohort_forecast(
            &caller.ctx,
            q.gemeente.as_deref(),
            years_param(q.jaren.as_deref()),
            q.bekend_op,
        )
        .await?;
    Ok(axum::Json(PrognoseHistorisch::new(
        view,
        s.services.settings.small_numbers,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_field_is_named_as_in_the_json_body() {
        assert_eq!(json_field("versie.", "titel"), "versie.titel");
        assert_eq!(
            json_field("versie.", "regels[1].categorie"),
            "versie.regels[0].categorie"
        );
        assert_eq!(
            json_field("", "regels[3].bedrag2025"),
            "regels[2].bedragen.2025"
        );
        assert_eq!(json_field("", "regels[2].jaar"), "regels[1].bedragen");
        assert_eq!(json_field("", "regels"), "regels");
    }

    #[test]
    fn a_year_or_number_of_years_that_is_no_number_is_left_to_the_service() {
        assert_eq!(year_param(None, 2026), 2026);
        assert_eq!(year_param(Some(" 2025 "), 2026), 2025);
        assert_eq!(year_param(Some("twintig"), 2026), 0);
        assert_eq!(years_param(Some("")), 5);
        assert_eq!(years_param(Some("-3")), 0);
    }
}
