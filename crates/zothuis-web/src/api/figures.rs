//! Indicators over the API: the catalogue and the values of one indicator.

use super::{ApiPath, ApiQuery, Lijst, Paginering};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::figures::service::{FigureRequest, FigureResult};
use zothuis_domain::figures::{Indicator, IndicatorId, Shown, Value, When, display};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue))
        .routes(routes!(values))
}

/// Een indicator uit de catalogus.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorDto {
    #[schema(example = "wachtend-totaal")]
    pub id: String,
    #[schema(example = "Wachtenden")]
    pub naam: String,
    #[schema(
        example = "Wachtlijstplaatsingen die op de peildatum openstaan: aangemeld, actief wachtend, passief wachtend of in screening."
    )]
    pub definitie: String,
    #[schema(example = "wachtlijstplaatsingen")]
    pub eenheid: String,
    /// `peildatum` of `periode`.
    #[schema(example = "peildatum")]
    pub meting: String,
    /// Mogelijke waarden van `uitsplitsing`.
    #[schema(example = json!(["gemeente", "woongemeente", "product"]))]
    pub uitsplitsingen: Vec<String>,
    /// Wat elke uitsplitsing betekent, in de volgorde van `uitsplitsingen`.
    pub uitsplitsingsdefinities: Vec<UitsplitsingDto>,
}

/// Een uitsplitsing met haar betekenis.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UitsplitsingDto {
    #[schema(example = "woongemeente")]
    pub id: String,
    #[schema(example = "Woongemeente")]
    pub naam: String,
    #[schema(
        example = "De gemeente waar de persoon woont: de gemeente van de aanvraag die leidde tot de beschikking."
    )]
    pub definitie: String,
}

impl From<Indicator> for IndicatorDto {
    fn from(i: Indicator) -> Self {
        IndicatorDto {
            id: i.code.into(),
            naam: i.name.into(),
            definitie: i.definition.into(),
            eenheid: i.unit.code().into(),
            meting: i.timing.code().into(),
            uitsplitsingen: i.dimensions.iter().map(|d| d.code().to_string()).collect(),
            uitsplitsingsdefinities: i
                .dimensions
                .iter()
                .map(|d| UitsplitsingDto {
                    id: d.code().into(),
                    naam: d.label().into(),
                    definitie: d.definition().into(),
                })
                .collect(),
        }
    }
}

/// De indicatorencatalogus: elk cijfer met definitie, eenheid en uitsplitsingen.
#[utoipa::path(get, path = "/indicatoren", tag = "Cijfers", params(Paginering),
    responses((status = 200, description = "De catalogus", body = Lijst<IndicatorDto>)))]
async fn catalogue(
    _caller: ApiCaller,
    ApiQuery(q): ApiQuery<Paginering>,
) -> ApiResult<axum::Json<Lijst<IndicatorDto>>> {
    let all: Vec<IndicatorDto> = IndicatorId::ALL.iter().map(|i| i.info().into()).collect();
    let page = q.request().slice(&all);
    Ok(axum::Json(Lijst::from_page(page, "/indicatoren", |i| i)))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WaardenVraag {
    /// Voor een indicator op een peildatum (standaard vandaag).
    #[param(example = "2025-12-31")]
    pub peildatum: Option<String>,
    /// Begin van de periode (een indicator over een periode).
    #[param(example = "2025-07-01")]
    pub periode_van: Option<String>,
    /// Einde van de periode, die dag inbegrepen.
    #[param(example = "2025-12-31")]
    pub periode_tot: Option<String>,
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-01-15T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = "GM0402")]
    pub gemeente_code: Option<String>,
    #[param(example = "BW-INT")]
    pub product_code: Option<String>,
    #[param(example = 1)]
    pub aanbieder_id: Option<i64>,
    #[param(example = 1)]
    pub locatie_id: Option<i64>,
    /// Alleen inwoners van deze gemeente (woongemeente: de gemeente van de aanvraag).
    #[param(example = "GM0406")]
    pub woongemeente_code: Option<String>,
    /// gemeente, woongemeente, product, aanbieder, locatie, reden of bestemming.
    #[param(example = "gemeente")]
    pub uitsplitsing: Option<String>,
}

/// Eén waarde zoals de gebruiker die mag zien.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Waarde {
    /// Het getal; leeg als het is onderdrukt of niet te berekenen is.
    #[schema(example = 27.0)]
    pub waarde: Option<f64>,
    /// Zoals in de schermen: "27", "<5" (klein aantal), "×" (verborgen ter bescherming van een
    /// klein aantal elders), "99,5", "83 %".
    #[schema(example = "27")]
    pub weergave: String,
    /// Verborgen omdat het om kleine aantallen gaat (of daarnaar terug te rekenen is).
    #[schema(example = false)]
    pub onderdrukt: bool,
    /// Waarom verborgen: `klein-aantal` (de waarde zelf is klein) of `ter-bescherming` (de
    /// waarde is niet klein, maar zou een klein aantal elders verraden). Leeg als niet verborgen.
    #[schema(example = json!(null))]
    pub onderdrukking: Option<String>,
    /// Aantal waarnemingen achter een gemiddelde, mediaan of percentage.
    #[schema(example = json!(null))]
    pub aantal: Option<u64>,
}

/// Een regel van de uitsplitsing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Uitsplitsingsregel {
    /// Gemeentecode, productcode, id of code van de reden of bestemming.
    #[schema(example = "GM0402")]
    pub sleutel: String,
    #[schema(example = "Hilversum")]
    pub label: String,
    #[serde(flatten)]
    pub waarde: Waarde,
}

/// De waarden van een indicator.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Indicatorwaarden {
    pub indicator: IndicatorDto,
    #[schema(example = "2025-12-31", value_type = Option<String>, format = Date)]
    pub peildatum: Option<NaiveDate>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub periode_van: Option<NaiveDate>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub periode_tot: Option<NaiveDate>,
    #[schema(example = "2026-01-15T12:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
    /// Kleine aantallen zijn voor deze gebruiker verborgen.
    #[schema(example = false)]
    pub kleine_aantallen_onderdrukt: bool,
    #[schema(example = json!(null))]
    pub uitsplitsing: Option<String>,
    pub totaal: Waarde,
    pub waarden: Vec<Uitsplitsingsregel>,
}

pub fn waarde(s: Shown, threshold: u64) -> Waarde {
    let aantal = match s.value {
        Value::Count(_) => None,
        Value::Days { n, .. } => Some(n),
        Value::Percent { denominator, .. } => Some(denominator),
    };
    Waarde {
        waarde: if s.suppressed { None } else { s.value.number() },
        weergave: display(s, threshold),
        onderdrukt: s.suppressed,
        onderdrukking: match (s.suppressed, s.secondary) {
            (false, _) => None,
            (true, false) => Some("klein-aantal".into()),
            (true, true) => Some("ter-bescherming".into()),
        },
        aantal: if s.suppressed { None } else { aantal },
    }
}

impl From<FigureResult> for Indicatorwaarden {
    fn from(r: FigureResult) -> Self {
        let threshold = r.shown.threshold;
        let (peildatum, van, tot) = match r.when {
            When::On(d) => (Some(d), None, None),
            When::Period(a, b) => (None, Some(a), Some(b)),
        };
        Indicatorwaarden {
            indicator: r.indicator.into(),
            peildatum,
            periode_van: van,
            periode_tot: tot,
            bekend_op: r.known_at,
            kleine_aantallen_onderdrukt: r.suppressed_for_role,
            uitsplitsing: r.breakdown.map(|d| d.code().to_string()),
            totaal: waarde(r.shown.total, threshold),
            waarden: r
                .shown
                .answer
                .cells
                .iter()
                .zip(&r.shown.cells)
                .map(|(c, s)| Uitsplitsingsregel {
                    sleutel: c.key.clone(),
                    label: c.label.clone(),
                    waarde: waarde(*s, threshold),
                })
                .collect(),
        }
    }
}

impl WaardenVraag {
    fn request(&self) -> FigureRequest {
        FigureRequest {
            peildatum: self.peildatum.clone(),
            periode_van: self.periode_van.clone(),
            periode_tot: self.periode_tot.clone(),
            known_at: self.bekend_op,
            gemeente: self.gemeente_code.clone(),
            product: self.product_code.clone(),
            aanbieder: self.aanbieder_id,
            locatie: self.locatie_id,
            woongemeente: self.woongemeente_code.clone(),
            uitsplitsing: self.uitsplitsing.clone(),
        }
    }
}

/// De waarden van één indicator op een peildatum of over een periode, zoals bekend op een
/// moment, binnen uw gebied, eventueel uitgesplitst. Voor beleidsrollen zijn kleine aantallen
/// verborgen.
#[utoipa::path(get, path = "/indicatoren/{id}/waarden", tag = "Cijfers",
    params(("id" = String, Path, description = "Id van de indicator", example = "wachtend-totaal"), WaardenVraag),
    responses((status = 200, description = "De waarden", body = Indicatorwaarden),
              (status = 400, description = "Ongeldige vraag", body = Problem),
              (status = 403, description = "Buiten uw gebied of rol", body = Problem),
              (status = 404, description = "Onbekende indicator", body = Problem)))]
async fn values(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<WaardenVraag>,
) -> ApiResult<axum::Json<Indicatorwaarden>> {
    let r = s
        .services
        .indicator_values(&caller.ctx, &id, &q.request())
        .await?;
    Ok(axum::Json(r.into()))
}
