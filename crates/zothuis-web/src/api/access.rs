//! Applications and decisions over the API.

use super::{ApiJson, ApiPath, ApiQuery, Lijst, Paginering};
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
use zothuis_domain::access::woonplaats::Determination;
use zothuis_domain::access::{Application, ApplicationInput, Decision, DecisionInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, create_application))
        .routes(routes!(get_application))
        .routes(routes!(preview_responsibility))
        .routes(routes!(list_decisions, create_decision))
        .routes(routes!(get_decision))
        .routes(routes!(list_criteria, add_criterion))
        .routes(routes!(list_assessments, create_assessment))
}

/// Een aanmelding voor een product.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aanmelding {
    #[schema(example = 5)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    /// De gemeente waar de cliënt zich meldde.
    #[schema(example = "GM0406")]
    pub gemeente_code: String,
    #[schema(example = "2026-01-05", value_type = String, format = Date)]
    pub aanmelddatum: NaiveDate,
    /// zelf, netwerk, huisarts, ggz, ziekenhuis, politie, veilig-thuis, maatschappelijk-werk of anders
    #[schema(example = "ggz")]
    pub bron: String,
    #[schema(example = "2026-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub geregistreerd_door: String,
}

impl From<Application> for Aanmelding {
    fn from(a: Application) -> Self {
        Aanmelding {
            id: a.id,
            client_id: a.client_id,
            product_id: a.product_id,
            gemeente_code: a.municipality.to_string(),
            aanmelddatum: a.applied_on,
            bron: a.source.code().into(),
            geregistreerd_op: a.recorded_at,
            geregistreerd_door: a.recorded_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AanmeldingInvoer {
    #[schema(example = 12)]
    pub client_id: Option<i64>,
    #[schema(example = 1)]
    pub product_id: Option<i64>,
    /// Mag in het verleden liggen (historie invoeren).
    #[schema(example = "2026-01-05")]
    pub aanmelddatum: String,
    #[schema(example = "ggz")]
    pub bron: String,
    /// Alleen voor het regioteam: namens welke gemeente.
    #[schema(example = json!(null))]
    pub gemeente_code: Option<String>,
}

/// Aanmeldingen die u mag zien.
#[utoipa::path(get, path = "/aanmeldingen", tag = "Toegang", params(Paginering, BekendOpFilter),
    responses((status = 200, description = "Aanmeldingen", body = Lijst<Aanmelding>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_applications(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
    ApiQuery(k): ApiQuery<BekendOpFilter>,
) -> ApiResult<axum::Json<Lijst<Aanmelding>>> {
    let all = s
        .services
        .visible_applications(&caller.ctx, k.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        all,
        "/aanmeldingen",
        Aanmelding::from,
    )))
}

/// Een aanmelding registreren (Wmo-consulent of regioteam).
#[utoipa::path(post, path = "/aanmeldingen", tag = "Toegang", request_body = AanmeldingInvoer,
    responses((status = 201, description = "Geregistreerd", body = Aanmelding),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn create_application(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<AanmeldingInvoer>,
) -> ApiResult<impl IntoResponse> {
    let input = ApplicationInput {
        client_id: b.client_id,
        product_id: b.product_id,
        applied_on: b.aanmelddatum,
        source: b.bron,
        municipality: b.gemeente_code,
    };
    let a = s.services.register_application(&caller.ctx, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(Aanmelding::from(a))))
}

/// Eén aanmelding. Wordt gelogd.
#[utoipa::path(get, path = "/aanmeldingen/{id}", tag = "Toegang",
    params(("id" = i64, Path, description = "Id van de aanmelding", example = 5)),
    responses((status = 200, description = "De aanmelding", body = Aanmelding),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn get_application(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Aanmelding>> {
    Ok(axum::Json(
        s.services.get_application(&caller.ctx, id).await?.into(),
    ))
}

/// De bepaling van de verantwoordelijke gemeente.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Woonplaatsbepaling {
    #[schema(example = "GM0406")]
    pub gemeente_code: String,
    /// Code van de toegepaste regel: 1, 2-bestaand, 2-woonadres, 2-geen-woonadres, 3a, 3b, 3c, 3d-briefadres, 3d-aanmeldgemeente.
    #[schema(example = "3c")]
    pub regel: String,
    #[schema(
        example = "Verantwoordelijk: Huizen — woonadres op 2026-01-10 volgens BRP-historie (sinds 2021-05-01); regel 3, lid a niet van toepassing"
    )]
    pub toelichting: String,
    /// De gegevens waarop de bepaling berust.
    #[schema(example = json!({"regime": "woonplaatsbeginsel", "aanmeldgemeente": "GM0406"}))]
    pub invoer: serde_json::Map<String, serde_json::Value>,
}

impl From<Determination> for Woonplaatsbepaling {
    fn from(d: Determination) -> Self {
        Woonplaatsbepaling {
            gemeente_code: d.municipality.to_string(),
            regel: d.rule.code().into(),
            toelichting: d.explanation,
            invoer: match d.inputs {
                serde_json::Value::Object(m) => m,
                _ => Default::default(),
            },
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PeildatumQuery {
    /// De datum waarvoor bepaald wordt (standaard vandaag).
    #[param(example = "2026-01-10", value_type = Option<String>)]
    pub peildatum: Option<NaiveDate>,
}

/// Welke gemeente verantwoordelijk zou zijn op een peildatum, met toelichting (zonder iets vast te leggen).
#[utoipa::path(get, path = "/aanmeldingen/{id}/woonplaatsbepaling", tag = "Toegang",
    params(("id" = i64, Path, description = "Id van de aanmelding", example = 5), PeildatumQuery),
    responses((status = 200, description = "De bepaling", body = Woonplaatsbepaling),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn preview_responsibility(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeildatumQuery>,
) -> ApiResult<axum::Json<Woonplaatsbepaling>> {
    let day = q.peildatum.unwrap_or_else(|| s.services.clock.today());
    Ok(axum::Json(
        s.services
            .determine_responsibility(&caller.ctx, id, day)
            .await?
            .into(),
    ))
}

/// Een beschikking, met de verantwoordelijke gemeente en haar toelichting.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Beschikking {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = 5)]
    pub aanmelding_id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    /// toegekend of afgewezen
    #[schema(example = "toegekend")]
    pub uitkomst: String,
    #[schema(example = "2026-01-10", value_type = String, format = Date)]
    pub besluitdatum: NaiveDate,
    #[schema(example = "2026-01-10", value_type = Option<String>, format = Date)]
    pub geldig_vanaf: Option<NaiveDate>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub geldig_tot: Option<NaiveDate>,
    #[schema(example = "BW-2026-0012")]
    pub beschikkingsnummer: String,
    #[schema(example = "GM0406")]
    pub verantwoordelijke_gemeente: String,
    /// Wat de regels bepaalden (verschilt bij een afwijking).
    #[schema(example = "GM0406")]
    pub bepaalde_gemeente: String,
    #[schema(example = "3c")]
    pub regel: String,
    #[schema(
        example = "Verantwoordelijk: Huizen — woonadres op 2026-01-10 volgens BRP-historie (sinds 2021-05-01); regel 3, lid a niet van toepassing"
    )]
    pub toelichting: String,
    #[schema(example = json!(null))]
    pub reden_afwijking: Option<String>,
    #[schema(example = "2026-01-10T11:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub geregistreerd_door: String,
}

impl From<Decision> for Beschikking {
    fn from(d: Decision) -> Self {
        Beschikking {
            id: d.id,
            aanmelding_id: d.application_id,
            client_id: d.client_id,
            product_id: d.product_id,
            uitkomst: d.outcome.code().into(),
            besluitdatum: d.decided_on,
            geldig_vanaf: d.valid_from,
            geldig_tot: d.valid_to,
            beschikkingsnummer: d.reference,
            verantwoordelijke_gemeente: d.responsible.to_string(),
            bepaalde_gemeente: d.determined.to_string(),
            regel: d.rule,
            toelichting: d.explanation,
            reden_afwijking: d.override_reason,
            geregistreerd_op: d.recorded_at,
            geregistreerd_door: d.recorded_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BeschikkingInvoer {
    #[schema(example = 5)]
    pub aanmelding_id: Option<i64>,
    #[schema(example = "toegekend")]
    pub uitkomst: String,
    #[schema(example = "2026-01-10")]
    pub besluitdatum: String,
    #[schema(example = "2026-01-10")]
    pub geldig_vanaf: Option<String>,
    #[schema(example = json!(null))]
    pub geldig_tot: Option<String>,
    #[schema(example = "BW-2026-0012")]
    pub beschikkingsnummer: String,
    /// Alleen bij afwijken van de bepaalde gemeente, met een reden.
    #[schema(example = json!(null))]
    pub verantwoordelijke_gemeente: Option<String>,
    #[schema(example = json!(null))]
    pub reden_afwijking: Option<String>,
}

/// Beschikkingen die u mag zien.
#[utoipa::path(get, path = "/beschikkingen", tag = "Toegang", params(Paginering, BekendOpFilter),
    responses((status = 200, description = "Beschikkingen", body = Lijst<Beschikking>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_decisions(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<Paginering>,
    ApiQuery(k): ApiQuery<BekendOpFilter>,
) -> ApiResult<axum::Json<Lijst<Beschikking>>> {
    let all = s
        .services
        .visible_decisions(&caller.ctx, k.bekend_op, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        all,
        "/beschikkingen",
        Beschikking::from,
    )))
}

/// Beslissen op een aanmelding; de verantwoordelijke gemeente wordt bepaald en toegelicht.
#[utoipa::path(post, path = "/beschikkingen", tag = "Toegang", request_body = BeschikkingInvoer,
    responses((status = 201, description = "Vastgelegd", body = Beschikking),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Op deze aanmelding is al beslist", body = Problem)))]
async fn create_decision(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<BeschikkingInvoer>,
) -> ApiResult<impl IntoResponse> {
    let Some(application_id) = b.aanmelding_id else {
        return Err(crate::error::ApiError::bad_request(
            "aanmeldingId",
            "kies de aanmelding waarop u beslist",
        ));
    };
    let input = DecisionInput {
        outcome: b.uitkomst,
        decided_on: b.besluitdatum,
        valid_from: b.geldig_vanaf,
        valid_to: b.geldig_tot,
        reference: b.beschikkingsnummer,
        override_municipality: b.verantwoordelijke_gemeente,
        override_reason: b.reden_afwijking,
    };
    let d = s
        .services
        .decide(&caller.ctx, application_id, &input)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(Beschikking::from(d))))
}

/// Eén beschikking. Wordt gelogd.
#[utoipa::path(get, path = "/beschikkingen/{id}", tag = "Toegang",
    params(("id" = i64, Path, description = "Id van de beschikking", example = 3)),
    responses((status = 200, description = "De beschikking", body = Beschikking),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn get_decision(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Beschikking>> {
    Ok(axum::Json(
        s.services.get_decision(&caller.ctx, id).await?.into(),
    ))
}

/// Een criterium uit het afwegingskader van een product.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Criterium {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = "Zelfstandig wonen lukt ook met ambulante ondersteuning niet")]
    pub tekst: String,
    #[schema(example = 1)]
    pub volgorde: i64,
}

impl From<zothuis_domain::access::assessment::Criterion> for Criterium {
    fn from(c: zothuis_domain::access::assessment::Criterion) -> Self {
        Criterium {
            id: c.id,
            product_id: c.product_id,
            tekst: c.text,
            volgorde: c.position,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CriteriumInvoer {
    #[schema(example = "Zelfstandig wonen lukt ook met ambulante ondersteuning niet")]
    pub tekst: String,
}

/// Het afwegingskader van een product.
#[utoipa::path(get, path = "/producten/{id}/criteria", tag = "Toegang",
    params(("id" = i64, Path, description = "Id van het product", example = 1)),
    responses((status = 200, description = "Criteria in volgorde", body = Vec<Criterium>),
              (status = 404, description = "Product bestaat niet", body = Problem)))]
async fn list_criteria(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Vec<Criterium>>> {
    Ok(axum::Json(
        s.services
            .criteria(&caller.ctx, id)
            .await?
            .into_iter()
            .map(Criterium::from)
            .collect(),
    ))
}

/// Een criterium toevoegen aan het afwegingskader (beheerder).
#[utoipa::path(post, path = "/producten/{id}/criteria", tag = "Toegang", request_body = CriteriumInvoer,
    params(("id" = i64, Path, description = "Id van het product", example = 1)),
    responses((status = 201, description = "Toegevoegd", body = Criterium),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn add_criterion(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CriteriumInvoer>,
) -> ApiResult<impl IntoResponse> {
    let c = s.services.add_criterion(&caller.ctx, id, &b.tekst).await?;
    Ok((StatusCode::CREATED, axum::Json(Criterium::from(c))))
}

/// Een antwoord op één criterium.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Antwoord {
    #[schema(example = 3)]
    pub criterium_id: i64,
    /// ja, nee of nvt
    #[schema(example = "ja")]
    pub antwoord: String,
    #[schema(example = json!(null))]
    pub toelichting: Option<String>,
}

/// Een beoordeling van een aanmelding tegen het afwegingskader.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Beoordeling {
    #[schema(example = 2)]
    pub id: i64,
    #[schema(example = 5)]
    pub aanmelding_id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = "2026-01-08", value_type = String, format = Date)]
    pub datum: NaiveDate,
    pub antwoorden: Vec<Antwoord>,
    #[schema(example = "Voldoet aan alle criteria; ambulante begeleiding is twee jaar geprobeerd")]
    pub motivering: String,
    /// voldoet of voldoet-niet
    #[schema(example = "voldoet")]
    pub conclusie: String,
    #[schema(example = "2026-01-08T11:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub geregistreerd_door: String,
}

impl From<zothuis_domain::access::assessment::Assessment> for Beoordeling {
    fn from(a: zothuis_domain::access::assessment::Assessment) -> Self {
        Beoordeling {
            id: a.id,
            aanmelding_id: a.application_id,
            client_id: a.client_id,
            datum: a.assessed_on,
            antwoorden: a
                .answers
                .into_iter()
                .map(|(c, ans, n)| Antwoord {
                    criterium_id: c,
                    antwoord: ans.code().into(),
                    toelichting: n,
                })
                .collect(),
            motivering: a.motivation,
            conclusie: if a.meets { "voldoet" } else { "voldoet-niet" }.into(),
            geregistreerd_op: a.recorded_at,
            geregistreerd_door: a.recorded_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BeoordelingInvoer {
    #[schema(example = 5)]
    pub aanmelding_id: Option<i64>,
    #[schema(example = "2026-01-08")]
    pub datum: String,
    pub antwoorden: Vec<Antwoord>,
    #[schema(example = "Voldoet aan alle criteria; ambulante begeleiding is twee jaar geprobeerd")]
    pub motivering: String,
    #[schema(example = "voldoet")]
    pub conclusie: String,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BeoordelingFilter {
    #[param(example = 5)]
    pub aanmelding_id: Option<i64>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BekendOpFilter {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Beoordelingen die u mag zien.
#[utoipa::path(get, path = "/beoordelingen", tag = "Toegang", params(BeoordelingFilter),
    responses((status = 200, description = "Beoordelingen", body = Vec<Beoordeling>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_assessments(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<BeoordelingFilter>,
) -> ApiResult<axum::Json<Vec<Beoordeling>>> {
    let all = match q.aanmelding_id {
        Some(id) => s.services.assessments(&caller.ctx, id).await?,
        None => {
            s.services
                .visible_assessments(
                    &caller.ctx,
                    q.bekend_op,
                    zothuis_domain::paging::PageRequest::everything(),
                )
                .await?
                .items
        }
    };
    Ok(axum::Json(all.into_iter().map(Beoordeling::from).collect()))
}

/// Een aanmelding beoordelen tegen het afwegingskader van het product.
#[utoipa::path(post, path = "/beoordelingen", tag = "Toegang", request_body = BeoordelingInvoer,
    responses((status = 201, description = "Vastgelegd", body = Beoordeling),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Geen afwegingskader voor dit product", body = Problem)))]
async fn create_assessment(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<BeoordelingInvoer>,
) -> ApiResult<impl IntoResponse> {
    let Some(application_id) = b.aanmelding_id else {
        return Err(crate::error::ApiError::bad_request(
            "aanmeldingId",
            "kies de aanmelding die u beoordeelt",
        ));
    };
    let input = zothuis_domain::access::assessment::AssessmentInput {
        assessed_on: b.datum,
        answers: b
            .antwoorden
            .into_iter()
            .map(|a| (a.criterium_id, a.antwoord, a.toelichting))
            .collect(),
        motivation: b.motivering,
        conclusion: b.conclusie,
    };
    let a = s
        .services
        .assess(&caller.ctx, application_id, &input)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(Beoordeling::from(a))))
}
