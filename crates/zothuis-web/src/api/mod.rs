//! The JSON API under `/api/v1`, following the NL API Design Rules: Dutch
//! resource and field names, kebab-case paths, camelCase query keys, no
//! trailing slashes, `API-Version` header, problem+json errors, ETag/If-Match
//! on updates, paginated lists. The OpenAPI document is generated from these
//! handlers.

mod access;
mod admin;
mod care;
pub(crate) mod cbs;
pub use admin::scope_text as scope_text_pub;
mod audit;
pub(crate) mod budget;
mod clients;
mod corporation;
pub(crate) mod exchange;
mod figures;
pub(crate) mod finance;
mod forecast;
mod import;
mod outflow;
mod outreach;
mod plans;
pub(crate) mod privacy;
mod reference;
mod review;
pub(crate) mod settlement;
mod shelter;
mod tenancy;
mod waitlist;

use crate::AppState;
use crate::error::{ApiError, problem_response};
use crate::nl;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use zothuis_domain::DomainError;
use zothuis_domain::paging::{Page, PageRequest};

pub const API_VERSION: &str = "1.0.0";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zothuis API",
        version = "1.0.0",
        description = "API van zothuis, het regionale informatiesysteem voor Opvang, Wonen en Herstel. \
            Authenticatie met een API-token: `Authorization: Bearer <token>`. Fouten volgen RFC 9457 \
            (`application/problem+json`). Wijzigingen vereisen `If-Match` met de ETag van de laatst \
            opgehaalde versie.",
        contact(name = "zothuis", email = "beheer@zothuis.example", url = "https://zothuis.example"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1", description = "Deze installatie")),
    modifiers(&SecurityAddon),
    security(("apiToken" = [])),
    components(schemas(crate::error::Problem, crate::error::InvalidParam, crate::error::ImportProbleem)),
    tags(
        (name = "Referentie", description = "Regio's, gemeenten, aanbieders, woningcorporaties, producten, locaties en capaciteit"),
        (name = "Cliënten", description = "Cliënten, hun adreshistorie en afscherming"),
        (name = "Toegang", description = "Aanmeldingen, beschikkingen en de verantwoordelijke gemeente"),
        (name = "Wachtlijst", description = "De regionale wachtlijst met statusovergangen"),
        (name = "Zorg", description = "Screeningen, verblijven, overplaatsingen en uitstroom"),
        (name = "Opvang", description = "De centrale toegang tot de opvang: signalen, trajecten en dreigend dakloos, met herkomst en uitkomst"),
        (name = "Uitstroom", description = "Pact voor uitstroom en urgentie: afspraken over woningen per gemeente en jaar, voordrachten met toewijzing of intrekking, en nazorg; een woningcorporatie ziet de voordrachten die aan haar zijn gericht"),
        (name = "Zorgcoördinatie", description = "Bemoeizorg: meldingen en trajecten van het team zorgcoördinatie van de regio; alleen voor dat team"),
        (name = "Huren Onder Voorwaarden", description = "HOV-trajecten: huurders die onder voorwaarden huren, met aanleiding en eindresultaat; voor de Wmo-consulent van de gemeente van de woning en de begeleidende aanbieder"),
        (name = "Financiën", description = "Tarieven van de regionale contracten (met versies), de zorgkosten per periode, gemeente, product, aanbieder en cohort, begrotingen met hun versies, realisaties en prognose, de verwachte kosten van de historische cliënten, en de verrekening tussen gemeenten met verdeelsleutels en het overgangspad, zoals bekend op een moment"),
        (name = "Cijfers", description = "Indicatoren op een peildatum of over een periode, zoals bekend op een moment"),
        (name = "Beleid", description = "Beleidsplan, voortgang per maatregel, besluiten en voortgangsrapportages"),
        (name = "Beheer", description = "Gebruikers en API-tokens"),
        (name = "Berichten", description = "Uitwisseling met aanbieders volgens iWmo 3.2: toewijzingen (WMO301) en de retour van de aanbieder (WMO302), start- en stopberichten (WMO305, WMO307), verzoeken om toewijzing of wijziging (WMO315, WMO317) met hun antwoord (WMO301, WMO319), de retourberichten (WMO306, WMO308, WMO316, WMO318), en het berichtenlogboek per cliënt"),
        (name = "Prognoses", description = "Bevolkingsprognoses per gemeente, jaar en leeftijdsklasse, voor de prognoses van de vraag naar plekken"),
        (name = "Privacy", description = "Auditlog (NEN 7513) en inzageverzoeken van cliënten (AVG artikel 15 en 20)")
    )
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "apiToken",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reference::router())
        .merge(admin::router())
        .merge(audit::router())
        .merge(clients::router())
        .merge(access::router())
        .merge(waitlist::router())
        .merge(care::router())
        .merge(shelter::router())
        .merge(outflow::router())
        .merge(corporation::router())
        .merge(outreach::router())
        .merge(tenancy::router())
        .merge(review::router())
        .merge(import::router())
        .merge(figures::router())
        .merge(finance::router())
        .merge(budget::router())
        .merge(settlement::router())
        .merge(plans::router())
        .merge(privacy::router())
        .merge(exchange::router())
        .merge(cbs::router())
        .merge(forecast::router())
        .route("/openapi.json", axum::routing::get(openapi_json))
        .fallback(api_not_found)
}

/// The OpenAPI document, as served and as committed in the repository.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = router().split_for_parts();
    add_common_headers(&mut doc);
    doc
}

/// Documents the `API-Version` header on every response and problem+json on
/// every error (NL API Design Rules).
fn add_common_headers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let version = HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some("Versie van de API, bijvoorbeeld 1.0.0"))
        .build();
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        for (changes, op) in [
            (false, &mut item.get),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.delete),
            (true, &mut item.patch),
        ]
        .into_iter()
        .filter_map(|(c, op)| op.as_mut().map(|op| (c, op)))
        {
            // What any operation can answer: a malformed request, no or an
            // unknown token, a role that may not, and (with an id in the
            // path) an unknown or invisible resource; with If-Match both
            // missing (428) and stale (412).
            let params: Vec<(ParameterIn, String)> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => Some((p.parameter_in.clone(), p.name.clone())),
                    RefOr::Ref(_) => None,
                })
                .collect();
            let r = &mut op.responses.responses;
            r.entry("400".into())
                .or_insert_with(|| problem("Ongeldige invoer"));
            r.entry("401".into())
                .or_insert_with(|| problem("Geen of een ongeldig API-token"));
            r.entry("403".into())
                .or_insert_with(|| problem("Deze rol mag dit niet"));
            // An id in the path, the body or a filter can name something
            // unknown or outside the caller's area.
            r.entry("404".into())
                .or_insert_with(|| problem("Onbekend of buiten uw gebied"));
            // A change can meet a state that refuses it: a record merged
            // into another is read-only (`clients::merge`), a request
            // already answered, a merge already undone.
            if changes {
                r.entry("409".into())
                    .or_insert_with(|| problem("Botst met de huidige stand van de gegevens"));
            }
            if params
                .iter()
                .any(|(i, n)| *i == ParameterIn::Header && n == "If-Match")
            {
                r.entry("412".into())
                    .or_insert_with(|| problem("Intussen door iemand anders gewijzigd"));
                r.entry("428".into())
                    .or_insert_with(|| problem("If-Match ontbreekt"));
            }
            for (status, resp) in op.responses.responses.iter_mut() {
                if let utoipa::openapi::RefOr::T(r) = resp {
                    r.headers.insert(
                        "API-Version".into(),
                        utoipa::openapi::RefOr::T(version.clone()),
                    );
                    // Errors are served as problem+json (RFC 9457); say so.
                    if status.starts_with(['4', '5'])
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert("application/problem+json".into(), c);
                    }
                }
            }
        }
    }
}

async fn openapi_json() -> Response {
    match openapi().to_pretty_json() {
        Ok(json) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            json,
        )
            .into_response(),
        Err(e) => ApiError(DomainError::Internal(e.to_string())).into_response(),
    }
}

async fn api_not_found() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        "niet-gevonden",
        "Niet gevonden",
        "Dit adres bestaat niet in de API. Zie /api/v1/openapi.json.".into(),
        Vec::new(),
    )
}

// ---- extractors with Dutch problem+json rejections ---------------------------

/// A JSON body; a malformed body is a 400 problem in Dutch, one over the
/// body limit a 413.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiRejection))]
pub struct ApiJson<T>(pub T);

/// Why a request's body or parameters were refused, as problem+json.
pub struct ApiRejection(Response);

impl IntoResponse for ApiRejection {
    fn into_response(self) -> Response {
        self.0
    }
}

impl From<JsonRejection> for ApiRejection {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let (type_, title, detail) = nl::http_problem(413);
            return ApiRejection(problem_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                type_,
                title,
                detail.into(),
                Vec::new(),
            ));
        }
        ApiRejection(
            ApiError(DomainError::invalid(
                "body",
                format!(
                    "de JSON in het verzoek kon niet worden gelezen ({})",
                    r.body_text()
                ),
            ))
            .into_response(),
        )
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError(DomainError::NotFound(
            "Dit adres bestaat niet in de API".into(),
        ))
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError(DomainError::invalid(
            "query",
            format!("de query-parameters zijn ongeldig ({})", r.body_text()),
        ))
    }
}

// ---- ETag / If-Match -----------------------------------------------------------

pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).unwrap_or(HeaderValue::from_static("\"v0\""))
}

/// The version a client last saw, from `If-Match`. Required on every update.
pub struct IfMatch(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let Some(raw) = parts
            .headers
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(problem_response(
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-vereist",
                "If-Match vereist",
                nl::IF_MATCH_REQUIRED.into(),
                Vec::new(),
            ));
        };
        let version = raw
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
            .find_map(|t| t.strip_prefix('v').and_then(|n| n.parse::<i64>().ok()));
        match version {
            Some(v) => Ok(IfMatch(v)),
            // An ETag we never issued can only be stale.
            None => Err(ApiError(DomainError::StaleVersion(
                "De ETag in If-Match hoort niet bij een versie van dit gegeven. Haal het gegeven opnieuw op.".into(),
            ))
            .into_response()),
        }
    }
}

/// A single resource with its ETag.
pub fn with_etag<T: Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(version));
    resp
}

/// `201 Created` with the new resource's version as ETag and its address
/// (under `/api/v1`) as Location.
pub fn created_at<T: Serialize>(location: &str, version: i64, body: T) -> Response {
    let mut resp = with_etag(StatusCode::CREATED, version, body);
    if let Ok(v) = axum::http::HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

// ---- pagination -------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct Paginering {
    /// Paginanummer, vanaf 1.
    #[param(example = 1, minimum = 1)]
    pub pagina: Option<u32>,
    /// Aantal resultaten per pagina (standaard 50, hoogstens 500).
    #[param(example = 50, minimum = 1, maximum = 500)]
    pub pagina_grootte: Option<u32>,
}

impl Paginering {
    pub fn request(&self) -> PageRequest {
        PageRequest::new(self.pagina, self.pagina_grootte)
    }
}

/// A page of results with links to the neighbouring pages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Lijst<T: ToSchema> {
    /// Totaal aantal resultaten over alle pagina's.
    #[schema(example = 7)]
    pub aantal: i64,
    #[schema(example = 1)]
    pub pagina: u32,
    #[schema(example = 50)]
    pub pagina_grootte: u32,
    /// Adres van de volgende pagina, als die er is.
    #[schema(example = "/api/v1/gemeenten?pagina=2&paginaGrootte=50")]
    pub volgende: Option<String>,
    /// Adres van de vorige pagina, als die er is.
    #[schema(example = json!(null))]
    pub vorige: Option<String>,
    /// In een lijst over cliënten: hoeveel regels van afgeschermde cliënten
    /// (vrouwenopvang) in uw werkgebied niet worden getoond. Ze tellen wel
    /// mee in bezetting en cijfers; wie het zijn ziet u niet.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 0)]
    pub afgeschermd: Option<i64>,
    pub resultaten: Vec<T>,
}

impl<T: ToSchema> Lijst<T> {
    pub fn from_page<U>(page: Page<U>, path: &str, f: impl FnMut(U) -> T) -> Lijst<T> {
        let request = page.request;
        let link = |n: u32| format!("/api/v1{path}?pagina={n}&paginaGrootte={}", request.size);
        Lijst {
            aantal: page.total,
            pagina: request.number,
            pagina_grootte: request.size,
            volgende: page.has_next().then(|| link(request.number + 1)),
            vorige: page.has_previous().then(|| link(request.number - 1)),
            afgeschermd: page.restricted,
            resultaten: page.items.into_iter().map(f).collect(),
        }
    }
}
