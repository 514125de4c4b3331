//! The policy plan and its progress reports over the API: load a whole plan,
//! enter progress per measure and period, add decisions, see which measures
//! still lack progress, and generate, publish and reopen reports (JSON and PDF).

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiResult, Problem};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::DomainError;
use zothuis_domain::plan::reporting::{FigureDifference, PublishedReport, ReportRequest};
use zothuis_domain::plan::service::{DecisionInput, ProgressInput};
use zothuis_domain::plan::{PlanVersion, Publication, Rapportageperiode};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, load_plan))
        .routes(routes!(get_plan))
        .routes(routes!(progress_overview))
        .routes(routes!(record_progress))
        .routes(routes!(add_decision))
        .routes(routes!(concept_report))
        .routes(routes!(list_reports, publish_report))
        .routes(routes!(get_report))
        .routes(routes!(report_pdf))
}

/// Een beleidsplan in het kort.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Beleidsplan {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Regionaal beleidsplan Bescherming en Opvang 2023–2026")]
    pub titel: String,
    /// Id van de regio.
    #[schema(example = 1)]
    pub regio_id: i64,
    /// De huidige versie; gelijk aan de ETag.
    #[schema(example = 12)]
    pub versie: i64,
    #[schema(example = "2026-01-10T09:30:00Z", value_type = String, format = DateTime)]
    pub gewijzigd_op: DateTime<Utc>,
    #[schema(example = "Beleidsadviseur Gooi en Vechtstreek")]
    pub gewijzigd_door: String,
    #[schema(example = 31)]
    pub maatregelen: usize,
}

impl From<&PlanVersion> for Beleidsplan {
    fn from(p: &PlanVersion) -> Self {
        Beleidsplan {
            id: p.plan_id,
            titel: p.title.clone(),
            regio_id: p.region_id,
            versie: p.version_id,
            gewijzigd_op: p.recorded_at,
            gewijzigd_door: p.recorded_by.clone(),
            maatregelen: p.measure_count(),
        }
    }
}

/// De beleidsplannen die u mag zien.
#[utoipa::path(get, path = "/beleidsplannen", tag = "Beleid", params(Paginering),
    responses((status = 200, description = "Beleidsplannen", body = Lijst<Beleidsplan>),
              (status = 403, description = "Geen toegang tot beleidsinformatie", body = Problem)))]
async fn list_plans(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Beleidsplan>>> {
    let plans: Vec<Beleidsplan> = s
        .services
        .plans(&caller.ctx)
        .await?
        .iter()
        .map(Beleidsplan::from)
        .collect();
    Ok(axum::Json(Lijst::from_page(
        q.request().slice(&plans),
        "/beleidsplannen",
        |p| p,
    )))
}

/// Laadt een heel beleidsplan in één keer (het bestandsformaat staat in
/// docs/beleidsplan.md). Een plan met dezelfde titel in dezelfde regio wordt
/// een nieuwe versie van dat plan.
#[utoipa::path(post, path = "/beleidsplannen", tag = "Beleid",
    request_body(content = Object, description = "Het beleidsplan als JSON-document (docs/beleidsplan.md)", content_type = "application/json"),
    responses((status = 201, description = "Geladen", body = Beleidsplan),
              (status = 400, description = "Het plan klopt niet; elk probleem met zijn plaats in het bestand", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur van de regio", body = Problem)))]
async fn load_plan(
    State(s): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> ApiResult<Response> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| DomainError::invalid("", "het plan is geen UTF-8-tekst"))?;
    let v = s.services.load_plan(&caller.ctx, text).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        v.version_id,
        Beleidsplan::from(&v),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BekendOp {
    /// Het plan zoals het was op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-01-15T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Het hele beleidsplan als document, met de versie als ETag.
#[utoipa::path(get, path = "/beleidsplannen/{id}", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1), BekendOp),
    responses((status = 200, description = "Het plan (docs/beleidsplan.md)", body = Object),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn get_plan(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOp>,
) -> ApiResult<Response> {
    let (v, doc) = s.services.plan(&caller.ctx, id, q.bekend_op).await?;
    Ok(with_etag(StatusCode::OK, v.version_id, doc))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PeriodeVraag {
    /// De rapportageperiode: jaar en helft.
    #[param(example = "2025-H2")]
    pub periode: String,
}

/// De voortgang van één maatregel in het overzicht.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaatregelVoortgang {
    #[schema(example = "10./11.")]
    pub nummer: String,
    /// Gebruik deze sleutel in het adres van de maatregel.
    #[schema(example = "10-11")]
    pub sleutel: String,
    #[schema(example = "Herbeoordeling van de wachtlijst")]
    pub titel: String,
    #[schema(example = 2)]
    pub programmalijn: u32,
    /// Leeg als er voor de periode nog niets is gemeld.
    #[schema(example = "op-schema")]
    pub status: Option<String>,
    #[schema(example = "2025-12-15", value_type = Option<String>, format = Date)]
    pub datum: Option<NaiveDate>,
    #[schema(example = "Beleidsadviseur Gooi en Vechtstreek")]
    pub auteur: Option<String>,
}

/// Welke maatregelen voor een periode al voortgang hebben en welke nog niet.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Voortgangsoverzicht {
    #[schema(example = "2025-H2")]
    pub periode: String,
    #[schema(example = 12)]
    pub versie: i64,
    #[schema(example = 31)]
    pub aantal: usize,
    /// Sleutels van de maatregelen zonder voortgang voor deze periode.
    #[schema(example = json!(["6", "9"]))]
    pub ontbrekend: Vec<String>,
    pub maatregelen: Vec<MaatregelVoortgang>,
}

fn periode(code: &str) -> Result<Rapportageperiode, ApiError> {
    Rapportageperiode::parse_field(code).map_err(|e| ApiError(DomainError::Invalid(vec![e])))
}

/// De voortgang van elke maatregel voor een periode, met de maatregelen die
/// nog geen voortgang hebben.
#[utoipa::path(get, path = "/beleidsplannen/{id}/voortgang", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1), PeriodeVraag),
    responses((status = 200, description = "Het overzicht", body = Voortgangsoverzicht),
              (status = 400, description = "Ongeldige periode", body = Problem),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn progress_overview(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodeVraag>,
) -> ApiResult<Response> {
    let p = periode(&q.periode)?;
    let (v, doc) = s.services.plan(&caller.ctx, id, None).await?;
    let maatregelen: Vec<MaatregelVoortgang> = doc
        .measures()
        .map(|(line, m)| {
            let entry = m.voortgang.iter().find(|e| e.periode == p);
            MaatregelVoortgang {
                nummer: m.nummer.clone(),
                sleutel: zothuis_domain::plan::report::measure_key(m),
                titel: m.titel.clone(),
                programmalijn: line.nummer,
                status: entry.map(|e| e.status.code().to_string()),
                datum: entry.map(|e| e.datum),
                auteur: entry.map(|e| e.auteur.clone()),
            }
        })
        .collect();
    let body = Voortgangsoverzicht {
        periode: p.code(),
        versie: v.version_id,
        aantal: maatregelen.len(),
        ontbrekend: maatregelen
            .iter()
            .filter(|m| m.status.is_none())
            .map(|m| m.sleutel.clone())
            .collect(),
        maatregelen,
    };
    Ok(with_etag(StatusCode::OK, v.version_id, body))
}

/// Voortgang van een maatregel in een periode.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoortgangInvoer {
    /// op-schema, vertraagd, gerealiseerd, herijkt of geen-prioriteit.
    #[schema(example = "vertraagd")]
    pub status: String,
    /// Alinea's gescheiden door een lege regel; regels die met "- " beginnen
    /// vormen een lijst; *nadruk* en [links](https://…).
    #[schema(
        example = "De herbeoordeling van passief wachtenden loopt door.\n\n- 40 besproken\n- *Afronding* in maart"
    )]
    pub tekst: String,
}

/// Legt de voortgang van een maatregel in een periode vast (een eerdere
/// melding voor die periode wordt vervangen). Vereist `If-Match` met de ETag
/// van het plan.
#[utoipa::path(put, path = "/beleidsplannen/{id}/maatregelen/{sleutel}/voortgang/{periode}", tag = "Beleid",
    request_body = VoortgangInvoer,
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1),
           ("sleutel" = String, Path, description = "Sleutel van de maatregel (10./11. wordt 10-11)", example = "10-11"),
           ("periode" = String, Path, description = "Rapportageperiode", example = "2025-H2"),
           ("If-Match" = String, Header, description = "ETag van het plan", example = "\"v12\"")),
    responses((status = 200, description = "Vastgelegd; de nieuwe versie staat in de ETag", body = Beleidsplan),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur van de regio", body = Problem),
              (status = 404, description = "Onbekend plan of onbekende maatregel", body = Problem),
              (status = 412, description = "Het plan is intussen gewijzigd", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn record_progress(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, sleutel, periode)): ApiPath<(i64, String, String)>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<VoortgangInvoer>,
) -> ApiResult<Response> {
    let input = ProgressInput {
        periode,
        status: b.status,
        tekst: b.tekst,
    };
    let v = s
        .services
        .record_progress(&caller.ctx, id, version, &sleutel, &input)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        v.version_id,
        Beleidsplan::from(&v),
    ))
}

/// Een besluit van een bestuursorgaan, gekoppeld aan maatregelen.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BesluitInvoer {
    #[schema(example = "2025-11-20")]
    pub datum: String,
    /// Portefeuillehoudersoverleg, Algemeen Bestuur, college, gemeenteraad …
    #[schema(example = "Portefeuillehoudersoverleg")]
    pub orgaan: String,
    #[schema(example = "Instemming met de herijking van de wachtlijst")]
    pub titel: String,
    #[schema(example = "https://www.example.nl/besluiten/2025-11-20")]
    pub link: Option<String>,
    /// Nummers van de maatregelen zoals in het plan.
    #[schema(example = json!(["10./11."]))]
    #[serde(default)]
    pub maatregelen: Vec<String>,
}

/// Voegt een besluit toe. Vereist `If-Match` met de ETag van het plan.
#[utoipa::path(post, path = "/beleidsplannen/{id}/besluiten", tag = "Beleid",
    request_body = BesluitInvoer,
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1),
           ("If-Match" = String, Header, description = "ETag van het plan", example = "\"v12\"")),
    responses((status = 201, description = "Toegevoegd; de nieuwe versie staat in de ETag", body = Beleidsplan),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur van de regio", body = Problem),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem),
              (status = 412, description = "Het plan is intussen gewijzigd", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn add_decision(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<BesluitInvoer>,
) -> ApiResult<Response> {
    let input = DecisionInput {
        datum: b.datum,
        orgaan: b.orgaan,
        titel: b.titel,
        link: b.link,
        maatregelen: b.maatregelen,
    };
    let v = s
        .services
        .add_decision(&caller.ctx, id, version, &input)
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        v.version_id,
        Beleidsplan::from(&v),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RapportageVraag {
    #[param(example = "2025-H2")]
    pub periode: String,
    /// Standaard het einde van de periode (of vandaag als die nog loopt).
    #[param(example = "2025-12-31")]
    pub peildatum: Option<String>,
}

/// Een concept-voortgangsrapportage: het plan en de cijfers zoals nu bekend.
/// Alleen voor de beleidsadviseur van de regio.
#[utoipa::path(get, path = "/beleidsplannen/{id}/concept-rapportage", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1), RapportageVraag),
    responses((status = 200, description = "De rapportage (model als in docs/beleidsplan.md)", body = Object),
              (status = 400, description = "Ongeldige periode of peildatum", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur van de regio", body = Problem),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn concept_report(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RapportageVraag>,
) -> ApiResult<Response> {
    let req = ReportRequest {
        periode: q.periode,
        peildatum: q.peildatum,
        ..ReportRequest::default()
    };
    let r = s.services.concept_report(&caller.ctx, id, &req).await?;
    Ok(with_etag(StatusCode::OK, r.plan_versie, r))
}

/// Een gepubliceerde voortgangsrapportage in het kort.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rapportage {
    #[schema(example = 4)]
    pub id: i64,
    #[schema(example = 1)]
    pub beleidsplan_id: i64,
    /// De versie van het plan waaruit de tekst komt.
    #[schema(example = 12)]
    pub planversie: i64,
    #[schema(example = "2025-H2")]
    pub periode: String,
    #[schema(example = "2025-12-31", value_type = String, format = Date)]
    pub peildatum: NaiveDate,
    #[schema(example = "2026-01-20T10:00:00Z", value_type = String, format = DateTime)]
    pub gepubliceerd_op: DateTime<Utc>,
    #[schema(example = "Beleidsadviseur Gooi en Vechtstreek")]
    pub gepubliceerd_door: String,
    #[schema(example = "/api/v1/rapportages/4/pdf")]
    pub pdf: String,
    #[schema(example = "/rapportages/4")]
    pub html: String,
}

impl From<&Publication> for Rapportage {
    fn from(p: &Publication) -> Self {
        Rapportage {
            id: p.id,
            beleidsplan_id: p.report.plan_id,
            planversie: p.report.plan_version_id,
            periode: p.report.period.clone(),
            peildatum: p.report.peildatum,
            gepubliceerd_op: p.report.published_at,
            gepubliceerd_door: p.report.published_by.clone(),
            pdf: format!("/api/v1/rapportages/{}/pdf", p.id),
            html: format!("/rapportages/{}", p.id),
        }
    }
}

/// De gepubliceerde rapportages van een plan, nieuwste eerst.
#[utoipa::path(get, path = "/beleidsplannen/{id}/rapportages", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1), Paginering),
    responses((status = 200, description = "Rapportages", body = Lijst<Rapportage>),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn list_reports(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<Rapportage>>> {
    let all: Vec<Rapportage> = s
        .services
        .published_reports(&caller.ctx, id)
        .await?
        .iter()
        .map(Rapportage::from)
        .collect();
    Ok(axum::Json(Lijst::from_page(
        q.request().slice(&all),
        &format!("/beleidsplannen/{id}/rapportages"),
        |r| r,
    )))
}

/// Wat wordt gepubliceerd.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicatieInvoer {
    #[schema(example = "2025-H2")]
    pub periode: String,
    /// Standaard het einde van de periode.
    #[schema(example = "2025-12-31")]
    pub peildatum: Option<String>,
    /// Eigen inleiding; leeg: de standaardinleiding.
    #[schema(example = "In dit halfjaar lag de nadruk op de uitstroom naar zelfstandig wonen.")]
    pub inleiding: Option<String>,
    /// Toch publiceren terwijl voor maatregelen over de periode nog geen voortgang is gemeld;
    /// zonder deze bevestiging weigert de publicatie met de lijst van die maatregelen.
    #[serde(default)]
    #[schema(example = false)]
    pub onvolledig_publiceren: bool,
}

/// Publiceert een voortgangsrapportage: tekst, peildatum en moment worden
/// vastgelegd, zodat de rapportage later precies zo terugkomt. Vereist
/// `If-Match` met de ETag van het plan dat u in het concept zag.
#[utoipa::path(post, path = "/beleidsplannen/{id}/rapportages", tag = "Beleid",
    request_body = PublicatieInvoer,
    params(("id" = i64, Path, description = "Id van het beleidsplan", example = 1),
           ("If-Match" = String, Header, description = "ETag van het plan", example = "\"v12\"")),
    responses((status = 201, description = "Gepubliceerd", body = Rapportage),
              (status = 400, description = "Ongeldige periode of peildatum, of maatregelen zonder voortgang zonder `onvolledigPubliceren`", body = Problem),
              (status = 403, description = "Alleen een beleidsadviseur van de regio", body = Problem),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem),
              (status = 412, description = "Het plan is gewijzigd sinds het concept", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn publish_report(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<PublicatieInvoer>,
) -> ApiResult<Response> {
    let req = ReportRequest {
        periode: b.periode,
        peildatum: b.peildatum,
        inleiding: b.inleiding,
        plan_versie: Some(version),
        onvolledig_bevestigd: b.onvolledig_publiceren,
    };
    let r = s.services.publish_report(&caller.ctx, id, &req).await?;
    let mut resp = (
        StatusCode::CREATED,
        axum::Json(Rapportage::from(&r.publication)),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/rapportages/{}", r.publication.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Een cijfer dat vandaag anders is dan in de gepubliceerde rapportage.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verschil {
    #[schema(example = "wachtend-totaal")]
    pub indicator: String,
    #[schema(example = "Wachtenden")]
    pub naam: String,
    #[schema(example = "42")]
    pub gepubliceerd: String,
    #[schema(example = "43")]
    pub vandaag: String,
    #[schema(
        example = "Na publicatie zijn met terugwerkende kracht tot op of voor de peildatum vastgelegd: 1 wachtlijstwijziging."
    )]
    pub reden: String,
}

impl From<&FigureDifference> for Verschil {
    fn from(d: &FigureDifference) -> Self {
        Verschil {
            indicator: d.indicator.clone(),
            naam: d.naam.clone(),
            gepubliceerd: d.gepubliceerd.clone(),
            vandaag: d.vandaag.clone(),
            reden: d.reden.clone(),
        }
    }
}

/// Een gepubliceerde rapportage, opnieuw opgebouwd.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GepubliceerdeRapportage {
    #[serde(flatten)]
    pub samenvatting: Rapportage,
    /// De opnieuw berekende cijfers zijn gelijk aan die bij publicatie.
    #[schema(example = true)]
    pub gelijk_aan_publicatie: bool,
    /// Cijfers die vandaag anders zijn, met de reden.
    pub verschillen: Vec<Verschil>,
    /// De volledige rapportage (model als in docs/beleidsplan.md).
    #[schema(value_type = Object, example = json!({"titel": "Voortgangsrapportage tweede halfjaar 2025", "peildatum": "2025-12-31"}))]
    pub rapportage: serde_json::Value,
}

fn published(r: &PublishedReport) -> ApiResult<GepubliceerdeRapportage> {
    Ok(GepubliceerdeRapportage {
        samenvatting: Rapportage::from(&r.publication),
        gelijk_aan_publicatie: r.same_as_published,
        verschillen: r.differences.iter().map(Verschil::from).collect(),
        rapportage: serde_json::to_value(&r.report)
            .map_err(|e| DomainError::Internal(format!("rapportage: {e}")))?,
    })
}

/// Een gepubliceerde rapportage: de vastgelegde tekst met de cijfers zoals
/// bekend bij publicatie, en welke cijfers vandaag anders zijn en waarom.
#[utoipa::path(get, path = "/rapportages/{id}", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van de rapportage", example = 4)),
    responses((status = 200, description = "De rapportage", body = GepubliceerdeRapportage),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn get_report(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<GepubliceerdeRapportage>> {
    let r = s.services.published_report(&caller.ctx, id).await?;
    Ok(axum::Json(published(&r)?))
}

/// De rapportage als PDF, binnen zothuis opgemaakt.
#[utoipa::path(get, path = "/rapportages/{id}/pdf", tag = "Beleid",
    params(("id" = i64, Path, description = "Id van de rapportage", example = 4)),
    responses((status = 200, description = "PDF", content_type = "application/pdf", body = Vec<u8>),
              (status = 404, description = "Onbekend of buiten uw gebied", body = Problem)))]
async fn report_pdf(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let r = s.services.published_report(&caller.ctx, id).await?;
    let pdf = crate::report::pdf(&r.report).await?;
    Ok(crate::report::pdf_response(
        pdf,
        &crate::report::file_name(&r.report),
    ))
}
