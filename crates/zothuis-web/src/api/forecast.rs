//! Forecasts over the API: the population forecasts a region loads for the
//! forecasts of demand for places.

use super::{ApiJson, ApiPath, IfMatch, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::forecast::PopulationInput;
use zothuis_domain::forecast::population::PopulationForecast;
use zothuis_domain::forecast::run::{Assumptions, Forecast};
use zothuis_domain::forecast::scenario::{Scenario, ScenarioInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, load))
        .routes(routes!(one))
        .routes(routes!(list_scenarios, create_scenario))
        .routes(routes!(get_scenario, update_scenario))
        .routes(routes!(copy_scenario))
        .routes(routes!(publish_scenario))
}

/// Een bevolkingsprognose van de regio: inwoners per gemeente, jaar en leeftijdsklasse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bevolkingsprognose {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 1)]
    pub regio_id: i64,
    #[schema(example = "Bevolkingsprognose 2025–2040")]
    pub naam: String,
    /// Waar de cijfers vandaan komen.
    #[schema(example = "Provincie Noord-Holland, prognose 2024")]
    pub bron: String,
    #[schema(example = 2025)]
    pub eerste_jaar: i32,
    #[schema(example = 2040)]
    pub laatste_jaar: i32,
    #[schema(example = 6)]
    pub gemeenten: u32,
    #[schema(example = 384)]
    pub regels: u32,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub geladen_op: DateTime<Utc>,
}

impl From<PopulationForecast> for Bevolkingsprognose {
    fn from(p: PopulationForecast) -> Self {
        Bevolkingsprognose {
            id: p.id,
            regio_id: p.region_id,
            naam: p.name,
            bron: p.source,
            eerste_jaar: p.years.0,
            laatste_jaar: p.years.1,
            gemeenten: p.municipalities,
            regels: p.rows,
            geladen_op: p.uploaded_at,
        }
    }
}

/// Inwoners van een gemeente in een jaar en leeftijdsklasse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inwoners {
    #[schema(example = "GM0402")]
    pub gemeente: String,
    #[schema(example = 2030)]
    pub jaar: i32,
    /// 18-26 (beide leeftijden inbegrepen) of 65+.
    #[schema(example = "18-26")]
    pub leeftijdsklasse: String,
    #[schema(example = 9120)]
    pub inwoners: u64,
}

/// Een bevolkingsprognose met haar regels.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BevolkingsprognoseMetRegels {
    pub prognose: Bevolkingsprognose,
    pub regels: Vec<Inwoners>,
}

/// Een bevolkingsprognose laden.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BevolkingsprognoseInvoer {
    #[schema(example = "Bevolkingsprognose 2025–2040")]
    pub naam: Option<String>,
    /// Waar de cijfers vandaan komen (3 tot 500 tekens).
    #[schema(example = "Provincie Noord-Holland, prognose 2024")]
    pub bron: Option<String>,
    /// Het bestand als tekst: CSV met kopregel gemeentecode,jaar,leeftijdsklasse,inwoners (komma of puntkomma).
    #[schema(example = "gemeentecode,jaar,leeftijdsklasse,inwoners\nGM0402,2025,18-26,9000\n")]
    pub csv: Option<String>,
}

/// De bevolkingsprognoses van de regio, nieuwste eerst.
#[utoipa::path(get, path = "/bevolkingsprognoses", tag = "Prognoses",
    responses((status = 200, description = "Bevolkingsprognoses", body = Vec<Bevolkingsprognose>),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem)))]
async fn list(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Bevolkingsprognose>>> {
    let found = s.services.populations(&caller.ctx).await?;
    Ok(axum::Json(found.into_iter().map(Into::into).collect()))
}

/// Laadt een bevolkingsprognose voor de regio (de beleidsadviseur): elke regel wordt gecontroleerd en elke fout bij haar regelnummer genoemd; alle gemeenten horen bij de regio.
#[utoipa::path(post, path = "/bevolkingsprognoses", tag = "Prognoses",
    request_body = BevolkingsprognoseInvoer,
    responses((status = 201, description = "Geladen", body = Bevolkingsprognose),
              (status = 400, description = "Ongeldige invoer of een fout in het bestand", body = Problem),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem)))]
async fn load(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<BevolkingsprognoseInvoer>,
) -> ApiResult<(StatusCode, axum::Json<Bevolkingsprognose>)> {
    let created = s
        .services
        .load_population(
            &caller.ctx,
            &PopulationInput {
                name: b.naam.unwrap_or_default(),
                source: b.bron.unwrap_or_default(),
                csv: b.csv.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Eén bevolkingsprognose met haar regels.
#[utoipa::path(get, path = "/bevolkingsprognoses/{id}", tag = "Prognoses",
    params(("id" = i64, Path, description = "Id van de bevolkingsprognose", example = 1)),
    responses((status = 200, description = "De prognose", body = BevolkingsprognoseMetRegels),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn one(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<BevolkingsprognoseMetRegels>> {
    let (head, data) = s.services.population(&caller.ctx, id).await?;
    Ok(axum::Json(BevolkingsprognoseMetRegels {
        prognose: head.into(),
        regels: data
            .rows
            .into_iter()
            .map(|((g, jaar, band), inwoners)| Inwoners {
                gemeente: g.to_string(),
                jaar,
                leeftijdsklasse: band.label(),
                inwoners,
            })
            .collect(),
    }))
}

/// Een scenario van een prognose: de aannames van de regio, met maker en datum. Een gepubliceerd scenario verandert niet meer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prognosescenario {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = 2)]
    pub regio_id: i64,
    #[schema(example = "Ambulantisering 5 % per jaar")]
    pub naam: String,
    #[schema(example = "Uitstroom naar Beschermd Thuis volgens het regionale plan")]
    pub toelichting: String,
    #[schema(example = 1)]
    pub bevolkingsprognose_id: i64,
    /// De aannames: basisjaar, jarenHistorie, totJaar, jarenTerugtoets, minimumVerblijven, verschuivingen [{van, naar, procentPerJaar}], uitstroom [{product, procent}], plaatsen [{gemeente, product, vanaf, plaatsen}], verblijfsduur [{product, maanden}].
    pub aannames: Aannames,
    /// Het scenario waarvan dit een kopie is.
    #[schema(example = json!(null))]
    pub kopie_van: Option<i64>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub aangemaakt_op: DateTime<Utc>,
    #[schema(example = "beleid.zkih")]
    pub aangemaakt_door: String,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub gewijzigd_op: DateTime<Utc>,
    #[schema(example = "beleid.zkih")]
    pub gewijzigd_door: String,
    #[schema(example = 1)]
    pub versie: i64,
    #[schema(value_type = Option<String>, format = DateTime, example = json!(null))]
    pub gepubliceerd_op: Option<DateTime<Utc>>,
    #[schema(example = json!(null))]
    pub gepubliceerd_door: Option<String>,
}

impl From<Scenario> for Prognosescenario {
    fn from(s: Scenario) -> Self {
        Prognosescenario {
            id: s.id,
            regio_id: s.region_id,
            naam: s.name,
            toelichting: s.description,
            bevolkingsprognose_id: s.population_id,
            aannames: s.assumptions.into(),
            kopie_van: s.copied_from,
            aangemaakt_op: s.created_at,
            aangemaakt_door: s.created_by,
            gewijzigd_op: s.updated_at,
            gewijzigd_door: s.updated_by,
            versie: s.version,
            gepubliceerd_op: s.published_at,
            gepubliceerd_door: s.published_by,
        }
    }
}

/// Een scenario met zijn prognose: berekend op de historie zoals nu bekend, of (gepubliceerd) zoals bij publicatie berekend.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioMetPrognose {
    pub scenario: Prognosescenario,
    pub bevolkingsprognose: Bevolkingsprognose,
    /// Het moment waarop de gebruikte historie bekend was.
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
    /// De prognose: cellen per gemeente (null: de regio) en product (of categorie) met starts, instroomkansen per 10 000 inwoners per leeftijdsklasse, gemiddelde verblijfsduur, kosten per dag, het basisjaar geteld, per jaar personenPerMaand, instroom, uitstroom, plaatsen en kosten, en de terugtoets (voorspeld tegen werkelijk). Kleine aantallen zijn null.
    pub prognose: Prognose,
}

/// De aannames van een scenario.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aannames {
    /// Het laatste hele jaar historie; de prognose begint op 1 januari daarna.
    #[schema(example = 2023)]
    pub basisjaar: i32,
    #[schema(example = 2)]
    pub jaren_historie: u32,
    #[schema(example = 2040)]
    pub tot_jaar: i32,
    #[schema(example = 1)]
    pub jaren_terugtoets: u32,
    #[schema(example = 20)]
    pub minimum_verblijven: u32,
    pub verschuivingen: Vec<Verschuiving>,
    pub uitstroom: Vec<Uitstroomwijziging>,
    pub plaatsen: Vec<NieuwePlaatsen>,
    pub verblijfsduur: Vec<Verblijfsduur>,
}

impl From<Assumptions> for Aannames {
    fn from(a: Assumptions) -> Self {
        Aannames {
            basisjaar: a.base_year,
            jaren_historie: a.window_years,
            tot_jaar: a.last_year,
            jaren_terugtoets: a.backtest_years,
            minimum_verblijven: a.min_spells,
            verschuivingen: a
                .shifts
                .into_iter()
                .map(|x| Verschuiving {
                    van: x.from,
                    naar: x.to,
                    procent_per_jaar: x.percent_per_year,
                })
                .collect(),
            uitstroom: a
                .outflow
                .into_iter()
                .map(|x| Uitstroomwijziging {
                    product: x.product,
                    procent: x.percent,
                })
                .collect(),
            plaatsen: a
                .places
                .into_iter()
                .map(|x| NieuwePlaatsen {
                    gemeente: x.gemeente,
                    product: x.product,
                    vanaf: x.from.to_string(),
                    plaatsen: x.places,
                })
                .collect(),
            verblijfsduur: a
                .stay_months
                .into_iter()
                .map(|x| Verblijfsduur {
                    product: x.product,
                    maanden: x.months,
                })
                .collect(),
        }
    }
}

/// Een jaar van een prognosecel.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prognosejaar {
    #[schema(example = 2040)]
    pub jaar: i32,
    /// Het gemiddelde van de 12 maandeinden.
    #[schema(example = 228.4)]
    pub personen_per_maand: f64,
    #[schema(example = 91.2)]
    pub instroom: f64,
    #[schema(example = 90.7)]
    pub uitstroom: f64,
    /// Plaatsen per maand (gemiddelde van de maandeinden), met die van het scenario.
    #[schema(example = 200.0)]
    pub plaatsen: f64,
    /// Euro's; null zonder tarief.
    #[schema(example = 12400000.0)]
    pub kosten: Option<f64>,
}

/// Een jaar van de terugtoets.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Terugtoetsjaar {
    #[schema(example = 2023)]
    pub jaar: i32,
    #[schema(example = 205.1)]
    pub voorspeld: f64,
    /// Geteld; null als klein aantal verborgen.
    #[schema(example = 210.0)]
    pub werkelijk: Option<f64>,
}

/// Instroom per 10 000 inwoners per jaar in een leeftijdsklasse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Instroomkans {
    #[schema(example = "18-26")]
    pub leeftijdsklasse: String,
    /// Null als de klasse minder starts heeft dan de drempel.
    #[schema(example = 4.2)]
    pub per10000: Option<f64>,
}

/// Waar wie in de historie vertrok naartoe ging (geen overplaatsingen).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vertrokken {
    #[schema(example = "Zelfstandige woning")]
    pub bestemming: String,
    /// Null als klein aantal verborgen.
    #[schema(example = 12)]
    pub aantal: Option<u32>,
}

/// De prognose van één gemeente (null: de regio) en één product of categorie, met waar zij op rust. Kleine aantallen zijn null.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prognosecel {
    #[schema(example = "GM0392")]
    pub gemeente: Option<String>,
    /// Een productcode, of een categoriecode (categorie: true).
    #[schema(example = "BW-INT")]
    pub product: String,
    #[schema(example = false)]
    pub categorie: bool,
    /// Verblijven gestart in de historie.
    #[schema(example = 60)]
    pub starts: Option<u32>,
    #[schema(example = 2)]
    pub starts_leeftijd_onbekend: Option<u32>,
    #[schema(example = 205)]
    pub in_zorg_op_basisdag: Option<u32>,
    pub instroomkansen: Vec<Instroomkans>,
    pub vertrokken_naar: Vec<Vertrokken>,
    #[schema(example = 31.5)]
    pub gemiddelde_verblijfsduur_maanden: Option<f64>,
    /// gemeente, regio, aanname, een productcode (waar de instroom vandaan komt) of geen.
    #[schema(example = "gemeente")]
    pub verblijfsduur_van: String,
    /// Euro's per persoon per dag.
    #[schema(example = 148.5)]
    pub kosten_per_dag: Option<f64>,
    /// Personen per maand in het basisjaar, geteld.
    #[schema(example = 210.0)]
    pub basisjaar_personen_per_maand: Option<f64>,
    pub jaren: Vec<Prognosejaar>,
    pub terugtoets: Vec<Terugtoetsjaar>,
}

/// De prognose van een regio onder een scenario.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prognose {
    pub cellen: Vec<Prognosecel>,
    /// De jaren van de bevolkingsprognose; een jaar daarbuiten rekent met het dichtstbijzijnde.
    #[schema(example = json!([2020, 2040]))]
    pub bevolking_jaren: (i32, i32),
    /// Of tarieven iets prijsden (anders blijven de kosten weg).
    #[schema(example = true)]
    pub kosten_bekend: bool,
}

impl From<Forecast> for Prognose {
    fn from(f: Forecast) -> Self {
        Prognose {
            cellen: f
                .cells
                .into_iter()
                .map(|c| Prognosecel {
                    gemeente: c.gemeente,
                    product: c.product,
                    categorie: c.category,
                    starts: c.starts,
                    starts_leeftijd_onbekend: c.starts_unknown_age,
                    in_zorg_op_basisdag: c.stock,
                    instroomkansen: c
                        .rates
                        .into_iter()
                        .map(|r| Instroomkans {
                            leeftijdsklasse: r.band,
                            per10000: r.per_10000,
                        })
                        .collect(),
                    vertrokken_naar: c
                        .destinations
                        .into_iter()
                        .map(|d| Vertrokken {
                            bestemming: d.label,
                            aantal: d.count,
                        })
                        .collect(),
                    gemiddelde_verblijfsduur_maanden: c.mean_months,
                    verblijfsduur_van: c.survival_from,
                    kosten_per_dag: c.day_cost,
                    basisjaar_personen_per_maand: c.actual,
                    jaren: c
                        .years
                        .into_iter()
                        .map(|y| Prognosejaar {
                            jaar: y.year,
                            personen_per_maand: y.persons,
                            instroom: y.inflow,
                            uitstroom: y.outflow,
                            plaatsen: y.places,
                            kosten: y.cost,
                        })
                        .collect(),
                    terugtoets: c
                        .backtest
                        .into_iter()
                        .map(|b| Terugtoetsjaar {
                            jaar: b.year,
                            voorspeld: b.predicted,
                            werkelijk: b.actual,
                        })
                        .collect(),
                })
                .collect(),
            bevolking_jaren: f.population_years,
            kosten_bekend: f.priced,
        }
    }
}

/// Een verschuiving van instroom naar een ander product, elk jaar meer.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Verschuiving {
    #[schema(example = "BW-INT")]
    pub van: String,
    #[schema(example = "BT")]
    pub naar: String,
    #[schema(example = 5.0)]
    pub procent_per_jaar: f64,
}

/// Sneller (positief) of langzamer (negatief) vertrek uit een product, in procent van de waargenomen kans per maand.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Uitstroomwijziging {
    #[schema(example = "BW-INT")]
    pub product: String,
    #[schema(example = 10.0)]
    pub procent: f64,
}

/// Plaatsen die vanaf een datum opengaan (of, negatief, sluiten) in een gemeente.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NieuwePlaatsen {
    #[schema(example = "GM0392")]
    pub gemeente: String,
    #[schema(example = "BW-INT")]
    pub product: String,
    #[schema(example = "2027-01-01")]
    pub vanaf: String,
    #[schema(example = 12)]
    pub plaatsen: i64,
}

/// Een aangenomen gemiddelde verblijfsduur, voor waar zothuis te weinig afgeronde verblijven kent.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Verblijfsduur {
    #[schema(example = "BW-INT")]
    pub product: String,
    #[schema(example = 30.0)]
    pub maanden: f64,
}

/// Een scenario maken of wijzigen. Ontbrekende getallen krijgen de standaardwaarde (basisjaar: het laatste hele jaar; 3 jaar historie; tot 2040; 1 jaar terugtoets; minimaal 20 verblijven).
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ScenarioInvoer {
    #[schema(example = "Ambulantisering 5 % per jaar")]
    pub naam: Option<String>,
    #[schema(example = "Uitstroom naar Beschermd Thuis volgens het regionale plan")]
    pub toelichting: Option<String>,
    #[schema(example = 1)]
    pub bevolkingsprognose_id: Option<i64>,
    #[schema(example = 2025)]
    pub basisjaar: Option<i64>,
    #[schema(example = 3)]
    pub jaren_historie: Option<i64>,
    #[schema(example = 2040)]
    pub tot_jaar: Option<i64>,
    #[schema(example = 1)]
    pub jaren_terugtoets: Option<i64>,
    #[schema(example = 20)]
    pub minimum_verblijven: Option<i64>,
    pub verschuivingen: Vec<Verschuiving>,
    pub uitstroom: Vec<Uitstroomwijziging>,
    pub plaatsen: Vec<NieuwePlaatsen>,
    pub verblijfsduur: Vec<Verblijfsduur>,
}

/// A field of a lever as one field of a line (no separators in it).
fn part(s: &str) -> String {
    s.replace([';', '\n', '\r'], " ")
}

impl ScenarioInvoer {
    fn input(self, defaults: ScenarioInput) -> ScenarioInput {
        let n = |v: Option<i64>, d: String| v.map_or(d, |v| v.to_string());
        let lines = |v: Vec<String>| v.join("\n");
        ScenarioInput {
            name: self.naam.unwrap_or_default(),
            description: self.toelichting.unwrap_or_default(),
            population_id: n(self.bevolkingsprognose_id, defaults.population_id),
            base_year: n(self.basisjaar, defaults.base_year),
            window_years: n(self.jaren_historie, defaults.window_years),
            last_year: n(self.tot_jaar, defaults.last_year),
            backtest_years: n(self.jaren_terugtoets, defaults.backtest_years),
            min_spells: n(self.minimum_verblijven, defaults.min_spells),
            shifts: lines(
                self.verschuivingen
                    .iter()
                    .map(|v| format!("{};{};{}", part(&v.van), part(&v.naar), v.procent_per_jaar))
                    .collect(),
            ),
            outflow: lines(
                self.uitstroom
                    .iter()
                    .map(|v| format!("{};{}", part(&v.product), v.procent))
                    .collect(),
            ),
            places: lines(
                self.plaatsen
                    .iter()
                    .map(|v| {
                        format!(
                            "{};{};{};{}",
                            part(&v.gemeente),
                            part(&v.product),
                            part(&v.vanaf),
                            v.plaatsen
                        )
                    })
                    .collect(),
            ),
            stay_months: lines(
                self.verblijfsduur
                    .iter()
                    .map(|v| format!("{};{}", part(&v.product), v.maanden))
                    .collect(),
            ),
        }
    }
}

/// De scenario's van de regio, nieuwste eerst (de bestuurder: de gepubliceerde).
#[utoipa::path(get, path = "/prognosescenarios", tag = "Prognoses",
    responses((status = 200, description = "Scenario's", body = Vec<Prognosescenario>),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem)))]
async fn list_scenarios(
    State(s): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<axum::Json<Vec<Prognosescenario>>> {
    let found = s.services.scenarios(&caller.ctx).await?;
    Ok(axum::Json(found.into_iter().map(Into::into).collect()))
}

/// Maakt een scenario voor de regio (de beleidsadviseur). Elke fout staat bij haar veld; een fout in een verschuiving, uitstroom of plaatsen noemt haar regel (1 is het eerste element).
#[utoipa::path(post, path = "/prognosescenarios", tag = "Prognoses",
    request_body = ScenarioInvoer,
    responses((status = 201, description = "Gemaakt", body = Prognosescenario),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem)))]
async fn create_scenario(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<ScenarioInvoer>,
) -> ApiResult<Response> {
    let defaults = s.services.scenario_defaults(&caller.ctx).await?;
    let created = s
        .services
        .create_scenario(&caller.ctx, &b.input(defaults))
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        created.version,
        Prognosescenario::from(created),
    ))
}

/// Eén scenario met zijn prognose per gemeente, product en jaar, de plaatsen, de kosten en de terugtoets.
#[utoipa::path(get, path = "/prognosescenarios/{id}", tag = "Prognoses",
    params(("id" = i64, Path, description = "Id van het scenario", example = 1)),
    responses((status = 200, description = "Het scenario en zijn prognose", body = ScenarioMetPrognose),
              (status = 403, description = "Alleen beleidsadviseur, bestuurder of financieel adviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn get_scenario(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let v = s.services.scenario(&caller.ctx, id).await?;
    let version = v.scenario.version;
    Ok(with_etag(
        StatusCode::OK,
        version,
        ScenarioMetPrognose {
            scenario: v.scenario.into(),
            bevolkingsprognose: v.population.into(),
            bekend_op: v.known_at,
            prognose: v.forecast.into(),
        },
    ))
}

/// Wijzigt een scenario dat nog niet gepubliceerd is (de beleidsadviseur); vereist If-Match.
#[utoipa::path(put, path = "/prognosescenarios/{id}", tag = "Prognoses",
    request_body = ScenarioInvoer,
    params(("id" = i64, Path, description = "Id van het scenario", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = Prognosescenario),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem),
              (status = 409, description = "Gepubliceerd: maak een kopie", body = Problem),
              (status = 412, description = "Intussen gewijzigd", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_scenario(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<ScenarioInvoer>,
) -> ApiResult<Response> {
    let defaults = s.services.scenario_defaults(&caller.ctx).await?;
    let changed = s
        .services
        .update_scenario(&caller.ctx, id, version, &b.input(defaults))
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        changed.version,
        Prognosescenario::from(changed),
    ))
}

/// Maakt een kopie van een scenario (gepubliceerd of niet) om verder te wijzigen.
#[utoipa::path(post, path = "/prognosescenarios/{id}/kopie", tag = "Prognoses",
    params(("id" = i64, Path, description = "Id van het scenario", example = 1)),
    responses((status = 201, description = "De kopie", body = Prognosescenario),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn copy_scenario(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let created = s.services.copy_scenario(&caller.ctx, id).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        created.version,
        Prognosescenario::from(created),
    ))
}

/// Publiceert een scenario: de prognose wordt berekend op de historie zoals nu bekend en bewaard; het scenario verandert daarna niet meer. Vereist If-Match.
#[utoipa::path(post, path = "/prognosescenarios/{id}/publicatie", tag = "Prognoses",
    params(("id" = i64, Path, description = "Id van het scenario", example = 1),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gepubliceerd", body = Prognosescenario),
              (status = 403, description = "Alleen de beleidsadviseur van een regio", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem),
              (status = 409, description = "Al gepubliceerd", body = Problem),
              (status = 412, description = "Intussen gewijzigd", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn publish_scenario(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    let published = s
        .services
        .publish_scenario(&caller.ctx, id, version)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        published.version,
        Prognosescenario::from(published),
    ))
}
