//! A region's forecast under one scenario: every municipality × product of
//! the region through the model (`model::run`), its inputs estimated from
//! zothuis's history (`history::estimate`) and the population forecast,
//! beside the places planned (the time-versioned capacity, rows still to
//! come included, plus the scenario's own), the expected cost from the
//! tariffs, and a back-test.
//!
//! Choices, each shown beside the result:
//! - **Years.** The base year is the last whole year the history holds;
//!   the model starts on 1 January after it and runs to the last year.
//!   The base year itself is shown as it was (persons per month, counted).
//! - **Municipality** is the responsible one (woonplaatsbeginsel), as in
//!   the figures; **places** count where the location is. A municipality's
//!   gap is its places minus its own residents' demand; the region's gap
//!   is the sum, which is what the regional agreements plan with.
//! - **Length of stay** of a municipality with fewer spells than the
//!   scenario's minimum, or none ended, is the region's for the product.
//!   Where the region has seen fewer ended spells than the minimum (a
//!   short history: stays of years have not ended yet), the scenario's
//!   assumed mean length of stay for the product is used, as a constant
//!   chance to leave of 1 / months per month; without one, the observed
//!   distribution stays, and a product the region has never had takes that
//!   of the product its inflow is moved from.
//! - **Cost** per person per day is the mean tariff of the people in care
//!   on the base day (per day; a week, month or year tariff by its days),
//!   the region's when the municipality has none, unchanged in later years
//!   (no indexation): the cost of a year is persons per month × the year's
//!   days × that day cost.
//! - **Back-test**: the same model, without the scenario's levers, started
//!   `backtest_years` earlier on the history as it was then, against the
//!   persons per month counted since.

use super::history::{self, Estimate};
use super::model::{self, Levers, Survival};
use super::population::{AgeBand, Population, Residents};
use crate::care::ExitDestination;
use crate::figures::facts::{CapacityFact, Day, Facts, NONE, OPEN, StayFact, day};
use crate::finance::cost::{self, TariffBook};
use crate::reference::{GemeenteCode, Product};
use chrono::Datelike;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The region's own assumptions of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    /// The last whole year of history; the forecast starts the year after.
    #[serde(rename = "basisjaar")]
    pub base_year: i32,
    /// The years before the base day the rates and stays are taken from.
    #[serde(rename = "jarenHistorie")]
    pub window_years: u32,
    #[serde(rename = "totJaar")]
    pub last_year: i32,
    /// How many years earlier the back-test starts (0: none).
    #[serde(rename = "jarenTerugtoets")]
    pub backtest_years: u32,
    /// Below this many spells a municipality takes the region's length of
    /// stay for the product.
    #[serde(rename = "minimumVerblijven")]
    pub min_spells: u32,
    #[serde(rename = "verschuivingen", default)]
    pub shifts: Vec<Shift>,
    #[serde(rename = "uitstroom", default)]
    pub outflow: Vec<OutflowChange>,
    #[serde(rename = "plaatsen", default)]
    pub places: Vec<NewPlaces>,
    /// The mean length of stay of a product where the region has seen
    /// fewer ended spells than `min_spells` (a short history).
    #[serde(rename = "verblijfsduur", default)]
    pub stay_months: Vec<StayMonths>,
}

/// An assumed mean length of stay in months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StayMonths {
    pub product: String,
    #[serde(rename = "maanden")]
    pub months: f64,
}

/// A share of the inflow of one product moved to another, more each year
/// (e.g. intramural BW to Beschermd Thuis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    #[serde(rename = "van")]
    pub from: String,
    #[serde(rename = "naar")]
    pub to: String,
    #[serde(rename = "procentPerJaar")]
    pub percent_per_year: f64,
}

/// Leaving a product faster (positive) or slower (negative), in percent of
/// the observed monthly chance to leave (e.g. more homes through the Pact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutflowChange {
    pub product: String,
    #[serde(rename = "procent")]
    pub percent: f64,
}

/// Places opening (or, negative, closing) in a municipality from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPlaces {
    pub gemeente: String,
    pub product: String,
    #[serde(rename = "vanaf")]
    pub from: NaiveDate,
    #[serde(rename = "plaatsen")]
    pub places: i64,
}

impl Assumptions {
    /// The base day: 1 January after the base year.
    pub fn base_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.base_year + 1, 1, 1).unwrap_or_default()
    }

    fn levers(&self, product: &str) -> Levers {
        let shift: f64 = self
            .shifts
            .iter()
            .filter(|s| s.from == product)
            .map(|s| s.percent_per_year / 100.0)
            .sum();
        let faster: f64 = self
            .outflow
            .iter()
            .filter(|o| o.product == product)
            .map(|o| o.percent / 100.0)
            .sum();
        Levers {
            shift_per_year: shift,
            outflow_factor: (1.0 + faster).max(0.0),
        }
    }
}

/// One year of a forecast cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Year {
    #[serde(rename = "jaar")]
    pub year: i32,
    /// Persons per month (the mean of the 12 month-end stocks).
    #[serde(rename = "personenPerMaand")]
    pub persons: f64,
    #[serde(rename = "instroom")]
    pub inflow: f64,
    #[serde(rename = "uitstroom")]
    pub outflow: f64,
    /// Places per month planned (mean of the 12 month ends).
    #[serde(rename = "plaatsen")]
    pub places: f64,
    /// Euros; none when no tariff prices the product.
    #[serde(rename = "kosten")]
    pub cost: Option<f64>,
}

/// A year of the back-test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    #[serde(rename = "jaar")]
    pub year: i32,
    #[serde(rename = "voorspeld")]
    pub predicted: f64,
    /// Counted; none where hidden as a small number.
    #[serde(rename = "werkelijk")]
    pub actual: Option<f64>,
}

/// Starts per 10 000 residents per year in an age band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    #[serde(rename = "leeftijdsklasse")]
    pub band: String,
    /// None where hidden (fewer starts in the band than the threshold).
    #[serde(rename = "per10000")]
    pub per_10000: Option<f64>,
    #[serde(skip)]
    starts: u32,
}

/// Where the stays that ended in the history went (not transfers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    /// `ExitDestination::label`.
    #[serde(rename = "bestemming")]
    pub label: String,
    /// None where hidden (fewer than the threshold).
    #[serde(rename = "aantal")]
    pub count: Option<u32>,
}

/// The forecast of one municipality (none: the region) × product (or a
/// category of products, summed), with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// None: the region as a whole.
    pub gemeente: Option<String>,
    /// A product code, or a category code (`categorie`).
    pub product: String,
    #[serde(rename = "categorie")]
    pub category: bool,
    /// Spells started in the history window; of which age unknown; in care
    /// on the base day. None where hidden as small numbers.
    #[serde(rename = "starts")]
    pub starts: Option<u32>,
    #[serde(rename = "startsLeeftijdOnbekend")]
    pub starts_unknown_age: Option<u32>,
    #[serde(rename = "inZorgOpBasisdag")]
    pub stock: Option<u32>,
    #[serde(rename = "instroomkansen")]
    pub rates: Vec<Rate>,
    /// Where those who left in the history window went, most first.
    #[serde(rename = "vertrokkenNaar", default)]
    pub destinations: Vec<Destination>,
    /// Mean length of stay in months (over 30 years).
    #[serde(rename = "gemiddeldeVerblijfsduurMaanden")]
    pub mean_months: Option<f64>,
    /// Whose length of stay was used: "gemeente", "regio", a product code
    /// or "geen".
    #[serde(rename = "verblijfsduurVan")]
    pub survival_from: String,
    /// Euros per person per day.
    #[serde(rename = "kostenPerDag")]
    pub day_cost: Option<f64>,
    /// Persons per month in the base year, counted.
    #[serde(rename = "basisjaarPersonenPerMaand")]
    pub actual: Option<f64>,
    #[serde(rename = "jaren")]
    pub years: Vec<Year>,
    #[serde(rename = "terugtoets")]
    pub backtest: Vec<Check>,
}

/// A region's forecast under one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    #[serde(rename = "cellen")]
    pub cells: Vec<Cell>,
    /// Population years the file covers (years beyond take its last).
    #[serde(rename = "bevolkingJaren")]
    pub population_years: (i32, i32),
    /// Whether the tariffs priced anything (otherwise cost is left out).
    #[serde(rename = "kostenBekend")]
    pub priced: bool,
}

/// What a region's forecast reads.
pub struct Region<'a> {
    pub facts: &'a Facts,
    pub population: &'a Population,
    pub municipalities: &'a [GemeenteCode],
    pub products: &'a [Product],
    pub tariffs: Option<&'a TariffBook>,
}

/// The municipality × product inputs of one run.
struct Part<'a> {
    g: usize,
    product: &'a Product,
    stays: Vec<&'a StayFact>,
}

fn year_days(year: i32) -> (Day, Day) {
    let first = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).map_or(0, day);
    (first(year), first(year + 1))
}

/// The last day of each month of a year.
fn month_ends(year: i32) -> [Day; 12] {
    let mut out = [0; 12];
    for (m, d) in out.iter_mut().enumerate() {
        let next = if m == 11 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, m as u32 + 2, 1)
        };
        *d = next.map_or(0, day) - 1;
    }
    out
}

/// Persons per month counted in a year: the mean over the month ends of
/// the stays running that day (a transfer ends one stay the day the next
/// begins, so a person counts once).
pub fn counted(stays: &[&StayFact], year: i32) -> f64 {
    let ends = month_ends(year);
    let n: usize = stays
        .iter()
        .map(|s| {
            ends.iter()
                .filter(|d| s.start <= **d && **d < s.end)
                .count()
        })
        .sum();
    n as f64 / 12.0
}

/// The capacity rows of each (municipality, product) of the region, as
/// groups of one location's rows (sorted, as the projection keeps them).
type Groups<'a> = HashMap<(usize, u16), Vec<&'a [CapacityFact]>>;

fn capacity_groups<'a>(facts: &'a Facts, towns: &[usize]) -> Groups<'a> {
    let mut out: Groups<'a> = HashMap::new();
    let rows = &facts.capacity;
    let mut i = 0;
    while i < rows.len() {
        let key = (rows[i].location, rows[i].product);
        let mut j = i;
        while j < rows.len() && (rows[j].location, rows[j].product) == key {
            j += 1;
        }
        if let Some(g) = facts
            .location_municipality
            .get(usize::from(key.0))
            .map(|m| usize::from(*m))
            .filter(|g| towns.contains(g))
        {
            out.entry((g, key.1)).or_default().push(&rows[i..j]);
        }
        i = j;
    }
    out
}

/// The mean of the month-end places in a year per (municipality, product)
/// from the capacity rows, plus the scenario's.
fn places(
    groups: &Groups<'_>,
    extra: &[(usize, u16, Day, i64)],
    g: usize,
    p: u16,
    year: i32,
) -> f64 {
    let ends = month_ends(year);
    let mut total = 0i64;
    for rows in groups.get(&(g, p)).map_or(&[][..], Vec::as_slice) {
        for d in ends {
            // The covering row ranked last (`reference::capacity_on`).
            if let Some(c) = rows
                .iter()
                .rev()
                .find(|c| c.from <= d && (c.to == OPEN || d <= c.to))
            {
                total += i64::from(c.places);
            }
        }
    }
    for (eg, ep, from, n) in extra {
        if *eg == g && *ep == p {
            total += n * ends.iter().filter(|d| **d >= *from).count() as i64;
        }
    }
    total.max(0) as f64 / 12.0
}

/// The mean cost of one day of the people in care on `on`, in euros, and
/// how many had a tariff.
fn day_cost(facts: &Facts, book: &TariffBook, stays: &[&StayFact], on: NaiveDate) -> (f64, u32) {
    let d = day(on);
    let (mut sum, mut n) = (0.0, 0u32);
    for s in stays.iter().filter(|s| s.start <= d && d < s.end) {
        let region = facts
            .municipality_region
            .get(usize::from(s.gemeente))
            .copied()
            .unwrap_or(-1);
        if let Some((unit, amount)) = cost::tariff_on(facts, book, region, s, on) {
            sum += amount.0 as f64 / 100.0 / crate::finance::forecast::per(unit, on) as f64;
            n += 1;
        }
    }
    (sum, n)
}

/// Runs a region's forecast under the assumptions.
pub fn run(region: &Region<'_>, a: &Assumptions) -> Forecast {
    let facts = region.facts;
    let base = a.base_day();
    // The municipalities of the region as indices (those the projection
    // knows), with their residents.
    let towns: Vec<(usize, &GemeenteCode, Residents)> = region
        .municipalities
        .iter()
        .filter_map(|code| {
            let g = usize::from(facts.municipalities.get(code)?);
            Some((g, code, region.population.of(code)))
        })
        .collect();
    let product_of: HashMap<u16, &Product> = region
        .products
        .iter()
        .filter_map(|p| Some((facts.products.get(&p.id)?, p)))
        .collect();
    let code_index: HashMap<&str, u16> = product_of
        .iter()
        .map(|(i, p)| (p.code.as_str(), *i))
        .collect();
    // The stays of each municipality by product.
    let mut parts: Vec<Part<'_>> = Vec::new();
    for (g, _, _) in &towns {
        let mut by_product: BTreeMap<u16, Vec<&StayFact>> = BTreeMap::new();
        let (from, to) = facts.stay_ranges.get(*g).copied().unwrap_or((0, 0));
        for s in facts
            .stays
            .get(from as usize..to as usize)
            .unwrap_or_default()
        {
            by_product.entry(s.product).or_default().push(s);
        }
        // Products with capacity here or a scenario's inflow take part too.
        for c in &facts.capacity {
            if facts
                .location_municipality
                .get(usize::from(c.location))
                .is_some_and(|m| usize::from(*m) == *g)
            {
                by_product.entry(c.product).or_default();
            }
        }
        for s in &a.shifts {
            if let Some(p) = code_index.get(s.to.as_str()) {
                by_product.entry(*p).or_default();
            }
        }
        for (p, stays) in by_product {
            if let Some(product) = product_of.get(&p) {
                parts.push(Part {
                    g: *g,
                    product,
                    stays,
                });
            }
        }
    }
    let extra: Vec<(usize, u16, Day, i64)> = a
        .places
        .iter()
        .filter_map(|n| {
            let g = GemeenteCode::parse(&n.gemeente).ok()?;
            Some((
                usize::from(facts.municipalities.get(&g)?),
                *code_index.get(n.product.as_str())?,
                day(n.from),
                n.places,
            ))
        })
        .collect();
    let groups = capacity_groups(facts, &towns.iter().map(|t| t.0).collect::<Vec<_>>());
    let residents_of = |g: usize| towns.iter().find(|t| t.0 == g).map(|t| &t.2);
    let bands_of = |g: usize| residents_of(g).map(Residents::bands).unwrap_or_default();

    let estimate_at = |part: &Part<'_>, base: NaiveDate| -> Estimate {
        let residents = residents_of(part.g);
        history::estimate(
            part.stays.iter().copied(),
            base,
            a.window_years,
            &bands_of(part.g),
            &|y, b: &AgeBand| residents.map_or(0.0, |r| r.get(y, b) as f64),
        )
    };
    // The region's length of stay per product, for municipalities with
    // few spells: all the region's stays of the product; with its starts
    // and ended spells.
    let regional = |p: u16, base: NaiveDate| -> (Survival, u32) {
        let all: Vec<&StayFact> = parts
            .iter()
            .filter(|x| x.product.id == product_of.get(&p).map_or(-1, |q| q.id))
            .flat_map(|x| x.stays.iter().copied())
            .collect();
        let e = history::estimate(all.into_iter(), base, a.window_years, &[], &|_, _| 0.0);
        (e.inputs.survival, e.starts - e.running)
    };
    let assumed = |code: &str| {
        a.stay_months
            .iter()
            .find(|s| s.product == code && s.months >= 1.0)
            .map(|s| Survival {
                hazard: vec![1.0 / s.months],
            })
    };
    let mut regional_cache: HashMap<(u16, Day), (Survival, u32)> = HashMap::new();
    let mut survival_for = |part: &Part<'_>, e: &Estimate, base: NaiveDate| -> (Survival, String) {
        if e.starts >= a.min_spells && e.starts > e.running {
            return (e.inputs.survival.clone(), "gemeente".into());
        }
        let code = part.product.code.as_str();
        let p = code_index.get(code).copied().unwrap_or(NONE);
        let (s, ended) = regional_cache
            .entry((p, day(base)))
            .or_insert_with(|| regional(p, base))
            .clone();
        if ended >= a.min_spells.max(1) {
            return (s, "regio".into());
        }
        if let Some(s) = assumed(code) {
            return (s, "aanname".into());
        }
        if ended > 0 {
            return (s, "regio".into());
        }
        // A product the region has not had: the length of stay of the
        // product its inflow comes from.
        for shift in a.shifts.iter().filter(|s| s.to == code) {
            if let Some(from) = code_index.get(shift.from.as_str()) {
                if let Some(s) = assumed(&shift.from) {
                    return (s, shift.from.clone());
                }
                let (s, n) = regional_cache
                    .entry((*from, day(base)))
                    .or_insert_with(|| regional(*from, base))
                    .clone();
                if n > 0 {
                    return (s, shift.from.clone());
                }
            }
        }
        (s, "geen".into())
    };

    let mut cells = Vec::new();
    let mut priced = false;
    let mut regional_cost: HashMap<i64, (f64, u32)> = HashMap::new();
    // Inflow moved per (municipality, product) and year, filled by the
    // products it is moved from (those run first).
    let mut moved: HashMap<(usize, String), BTreeMap<i32, f64>> = HashMap::new();
    let mut order: Vec<&Part<'_>> = parts.iter().collect();
    // Products that receive inflow last.
    order.sort_by_key(|p| a.shifts.iter().any(|s| s.to == p.product.code));
    for part in order {
        let code = part.product.code.as_str();
        let residents = residents_of(part.g);
        let population = |y: i32, band: &str| {
            let b = AgeBand::parse(band);
            residents.zip(b).map_or(0.0, |(r, b)| r.get(y, &b) as f64)
        };
        let mut e = estimate_at(part, base);
        let (survival, survival_from) = survival_for(part, &e, base);
        e.inputs.survival = survival;
        let levers = a.levers(code);
        let inflow_in = moved.get(&(part.g, code.to_string())).cloned();
        let years = model::run(
            &e.inputs,
            &levers,
            &population,
            a.base_year,
            a.last_year,
            &|y| {
                inflow_in
                    .as_ref()
                    .and_then(|m| m.get(&y))
                    .copied()
                    .unwrap_or(0.0)
            },
        );
        // What this product's shifts move on, per target and year.
        for shift in a.shifts.iter().filter(|s| s.from == code) {
            let share = shift.percent_per_year / 100.0;
            let target = moved.entry((part.g, shift.to.clone())).or_default();
            for y in a.base_year + 1..=a.last_year {
                let k = f64::from((y - a.base_year) as u32);
                let base_inflow: f64 = e
                    .inputs
                    .inflow_rates
                    .iter()
                    .map(|(band, rate)| rate * population(y, band))
                    .sum::<f64>()
                    / 12.0;
                *target.entry(y).or_default() += base_inflow * (share * k).clamp(0.0, 1.0);
            }
        }
        let p = code_index.get(code).copied().unwrap_or(NONE);
        let cost = region.tariffs.and_then(|book| {
            let own = day_cost(facts, book, &part.stays, base);
            let (sum, n) = if own.1 > 0 {
                own
            } else {
                *regional_cost.entry(part.product.id).or_insert_with(|| {
                    let all: Vec<&StayFact> = parts
                        .iter()
                        .filter(|x| x.product.id == part.product.id)
                        .flat_map(|x| x.stays.iter().copied())
                        .collect();
                    day_cost(facts, book, &all, base)
                })
            };
            (n > 0).then(|| sum / f64::from(n))
        });
        priced |= cost.is_some();
        let backtest = backtest(a, part, &population, &estimate_at, &mut survival_for);
        let bands = bands_of(part.g);
        let rates = bands
            .iter()
            .map(|b| Rate {
                band: b.label(),
                per_10000: e.inputs.inflow_rates.get(&b.label()).map(|r| r * 10_000.0),
                starts: e.starts_by_band.get(b).copied().unwrap_or(0),
            })
            .collect();
        let window_from = day(base
            .with_year(base.year() - a.window_years as i32)
            .unwrap_or(base));
        cells.push(Cell {
            destinations: destinations(&part.stays, window_from, day(base)),
            gemeente: Some(
                towns
                    .iter()
                    .find(|t| t.0 == part.g)
                    .map_or_else(String::new, |t| t.1.to_string()),
            ),
            product: code.to_string(),
            category: false,
            starts: Some(e.starts),
            starts_unknown_age: Some(e.starts_unknown_age),
            stock: Some(e.inputs.stock_months.len() as u32),
            rates,
            mean_months: (survival_from != "geen").then(|| e.inputs.survival.mean_months(360)),
            survival_from,
            day_cost: cost,
            actual: Some(counted(&part.stays, a.base_year)),
            years: years
                .iter()
                .map(|y| Year {
                    year: y.year,
                    persons: y.persons_per_month,
                    inflow: y.inflow,
                    outflow: y.outflow,
                    places: places(&groups, &extra, part.g, p, y.year),
                    cost: cost.map(|c| {
                        let (a, b) = year_days(y.year);
                        y.persons_per_month * f64::from(b - a) * c
                    }),
                })
                .collect(),
            backtest,
        });
    }
    cells.sort_by(|x, y| (&x.gemeente, &x.product).cmp(&(&y.gemeente, &y.product)));
    let mut sums = totals(&cells, region.products);
    cells.append(&mut sums);
    Forecast {
        cells,
        population_years: region.population.extent().0,
        priced,
    }
}

/// The back-test of one part: started `backtest_years` before the base
/// day, on the history as it was then, without the scenario's levers.
fn backtest(
    a: &Assumptions,
    part: &Part<'_>,
    population: &dyn Fn(i32, &str) -> f64,
    estimate_at: &dyn Fn(&Part<'_>, NaiveDate) -> Estimate,
    survival_for: &mut dyn FnMut(&Part<'_>, &Estimate, NaiveDate) -> (Survival, String),
) -> Vec<Check> {
    if a.backtest_years == 0 {
        return Vec::new();
    }
    let start = a.base_year - a.backtest_years as i32;
    let Some(base) = NaiveDate::from_ymd_opt(start + 1, 1, 1) else {
        return Vec::new();
    };
    let mut e = estimate_at(part, base);
    e.inputs.survival = survival_for(part, &e, base).0;
    model::run(
        &e.inputs,
        &Levers::default(),
        population,
        start,
        a.base_year,
        &|_| 0.0,
    )
    .into_iter()
    .map(|y| Check {
        year: y.year,
        predicted: y.persons_per_month,
        actual: Some(counted(&part.stays, y.year)),
    })
    .collect()
}

/// The exits of stays that ended in `[from, to)`, not by a transfer, per
/// destination, most first.
fn destinations(stays: &[&StayFact], from: Day, to: Day) -> Vec<Destination> {
    let mut counts = vec![0u32; ExitDestination::ALL.len()];
    for s in stays {
        if s.end != OPEN
            && from <= s.end
            && s.end < to
            && !s.transferred_out
            && let Some(c) = counts.get_mut(usize::from(s.exit))
        {
            *c += 1;
        }
    }
    let mut out: Vec<Destination> = ExitDestination::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| Destination {
            label: d.label().to_string(),
            count: Some(n),
        })
        .collect();
    out.sort_by_key(|d| std::cmp::Reverse(d.count));
    out
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) | (None, x) => x,
    }
}

fn add_u(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    Some(a.unwrap_or(0) + b.unwrap_or(0))
}

/// Sums of cells: the region per product, and per municipality and the
/// region per category of products.
fn totals(cells: &[Cell], products: &[Product]) -> Vec<Cell> {
    let category_of = |code: &str| {
        products
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.category.code().to_string())
    };
    let mut sums: BTreeMap<(Option<String>, String, bool), Cell> = BTreeMap::new();
    for c in cells {
        let mut keys = vec![(None, c.product.clone(), false)];
        if let Some(cat) = category_of(&c.product) {
            keys.push((c.gemeente.clone(), cat.clone(), true));
            keys.push((None, cat, true));
        }
        for key in keys {
            let s = sums.entry(key.clone()).or_insert_with(|| Cell {
                gemeente: key.0.clone(),
                product: key.1.clone(),
                category: key.2,
                starts: Some(0),
                starts_unknown_age: Some(0),
                stock: Some(0),
                rates: Vec::new(),
                destinations: Vec::new(),
                mean_months: None,
                survival_from: String::new(),
                day_cost: None,
                actual: Some(0.0),
                years: c
                    .years
                    .iter()
                    .map(|y| Year {
                        year: y.year,
                        persons: 0.0,
                        inflow: 0.0,
                        outflow: 0.0,
                        places: 0.0,
                        cost: None,
                    })
                    .collect(),
                backtest: c
                    .backtest
                    .iter()
                    .map(|b| Check {
                        year: b.year,
                        predicted: 0.0,
                        actual: Some(0.0),
                    })
                    .collect(),
            });
            s.starts = add_u(s.starts, c.starts);
            s.starts_unknown_age = add_u(s.starts_unknown_age, c.starts_unknown_age);
            s.stock = add_u(s.stock, c.stock);
            s.actual = add(s.actual, c.actual);
            for (t, y) in s.years.iter_mut().zip(&c.years) {
                t.persons += y.persons;
                t.inflow += y.inflow;
                t.outflow += y.outflow;
                t.places += y.places;
                t.cost = add(t.cost, y.cost);
            }
            for (t, b) in s.backtest.iter_mut().zip(&c.backtest) {
                t.predicted += b.predicted;
                t.actual = add(t.actual, b.actual);
            }
        }
    }
    sums.into_values().collect()
}

impl Forecast {
    /// Hides counts of persons below the threshold (but not 0): starts,
    /// those in care, counted persons per month, and the inflow rate of a
    /// band with few starts. Model results are not counts and stay.
    pub fn protect(&mut self, threshold: u64) {
        let small_u = |n: Option<u32>| n.filter(|n| *n == 0 || u64::from(*n) >= threshold);
        let small_f = |x: Option<f64>| x.filter(|x| *x == 0.0 || *x >= threshold as f64);
        for c in &mut self.cells {
            c.starts = small_u(c.starts);
            c.starts_unknown_age = small_u(c.starts_unknown_age);
            c.stock = small_u(c.stock);
            c.actual = small_f(c.actual);
            for r in &mut c.rates {
                if r.starts != 0 && u64::from(r.starts) < threshold {
                    r.per_10000 = None;
                }
            }
            for d in &mut c.destinations {
                d.count = small_u(d.count);
            }
            for b in &mut c.backtest {
                b.actual = small_f(b.actual);
            }
        }
    }

    pub fn cell(&self, gemeente: Option<&str>, product: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.gemeente.as_deref() == gemeente && c.product == product)
    }
}

impl Cell {
    pub fn year(&self, year: i32) -> Option<&Year> {
        self.years.iter().find(|y| y.year == year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::facts::{NONE8, UNKNOWN_DAY};
    use crate::reference::{ProductCategorie, ProductKind, TariffUnit};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn product(id: i64, code: &str, kind: &str) -> Product {
        Product {
            id,
            code: code.into(),
            name: code.into(),
            category: ProductCategorie::parse("15").unwrap(),
            kind: ProductKind::parse(kind).unwrap(),
            tariff_unit: TariffUnit::parse("per-dag").unwrap(),
            version: 1,
        }
    }

    /// Haarlem: one person starts BW on the first of every month of 2022
    /// and 2023 and nobody leaves; 10 000 residents of 18 and over every
    /// year; a location with 20 BW places, 30 from 1 July 2030.
    fn facts() -> Facts {
        let mut f = Facts::default();
        let g = f
            .municipalities
            .intern(&GemeenteCode::parse("GM0392").unwrap());
        f.municipality_region = vec![1];
        let bw = f.products.intern(&1);
        f.products.intern(&2);
        let l = f.locations.intern(&7);
        f.location_municipality = vec![g];
        f.location_provider = vec![0];
        for i in 0..24u32 {
            let start = day(d("2022-01-01")
                .checked_add_months(chrono::Months::new(i))
                .unwrap());
            f.stays.push(StayFact {
                id: i,
                client: i,
                gemeente: g,
                residence: g,
                product: bw,
                provider: 0,
                location: l,
                start,
                end: OPEN,
                episode_start: start,
                exit: NONE8,
                transferred_in: false,
                transferred_out: false,
                financing: 0,
                level: 0,
                first_time: true,
                returned: false,
                born: if i == 0 {
                    UNKNOWN_DAY
                } else {
                    day(d("1990-01-01"))
                },
            });
        }
        f.stay_ranges = vec![(0, 24)];
        f.capacity = vec![
            CapacityFact {
                location: l,
                product: bw,
                from: day(d("2022-01-01")),
                to: OPEN,
                places: 20,
            },
            CapacityFact {
                location: l,
                product: bw,
                from: day(d("2030-07-01")),
                to: OPEN,
                places: 30,
            },
        ];
        f
    }

    fn assumptions() -> Assumptions {
        Assumptions {
            base_year: 2023,
            window_years: 2,
            last_year: 2040,
            backtest_years: 1,
            min_spells: 1,
            shifts: Vec::new(),
            outflow: Vec::new(),
            places: Vec::new(),
            stay_months: Vec::new(),
        }
    }

    fn run_on(a: &Assumptions) -> Forecast {
        let f = facts();
        let population = super::super::population::parse(
            "gemeentecode,jaar,leeftijdsklasse,inwoners\nGM0392,2020,18+,10000\n",
        )
        .unwrap();
        let products = [product(1, "BW", "intramuraal"), product(2, "BT", "thuis")];
        run(
            &Region {
                facts: &f,
                population: &population,
                municipalities: &[GemeenteCode::parse("GM0392").unwrap()],
                products: &products,
                tariffs: None,
            },
            a,
        )
    }

    #[test]
    fn a_constant_inflow_without_leaving_grows_by_hand() {
        let out = run_on(&assumptions());
        let c = out.cell(Some("GM0392"), "BW").unwrap();
        assert_eq!((c.survival_from.as_str(), c.mean_months), ("geen", None));
        // 24 starts over 10 000 residents for 730 of 730.5 days (two
        // years of 365 over 365.25): per month 24 × 365.25 / 730 / 12.
        let f = 24.0 * 365.25 / 730.0 / 12.0;
        assert_eq!(
            (c.starts, c.starts_unknown_age, c.stock),
            (Some(24), Some(1), Some(24))
        );
        assert!((c.rates[0].per_10000.unwrap() - f * 12.0).abs() < 1e-9);
        // Counted in 2023: 12 + m on the end of month m, so 18.5.
        assert_eq!(c.actual, Some(18.5));
        // 2024: 24 + m·f at the month ends, so 24 + 6.5 f; every year 12 f more.
        let y = c.year(2024).unwrap();
        assert!((y.persons - (24.0 + 6.5 * f)).abs() < 1e-9, "{y:?}");
        let y40 = c.year(2040).unwrap();
        assert!((y40.persons - (24.0 + 16.0 * 12.0 * f + 6.5 * f)).abs() < 1e-6);
        assert_eq!(y40.outflow, 0.0);
        // Places: 20, from July 2030 30 (mean 25 that year).
        assert_eq!(c.year(2029).unwrap().places, 20.0);
        assert_eq!(c.year(2030).unwrap().places, 25.0);
        assert_eq!(c.year(2031).unwrap().places, 30.0);
        // The back-test starts on 1 January 2023 with the 12 of 2022 in
        // care and their rate, 12 starts in 730 days: 12 + 6.5 f/2.
        let b = &c.backtest[0];
        assert_eq!((b.year, b.actual), (2023, Some(18.5)));
        assert!((b.predicted - (12.0 + 6.5 * f / 2.0)).abs() < 1e-9, "{b:?}");
        // The region's sum equals its one municipality; its category too.
        let region = out.cell(None, "BW").unwrap();
        assert_eq!(region.year(2040).unwrap().persons, y40.persons);
        assert_eq!(out.cell(None, "15").unwrap().actual, Some(18.5));
        assert!(!out.priced);
    }

    /// BW stays a year on average where nothing has ended yet.
    fn with_a_year_of_stay() -> Assumptions {
        let mut a = assumptions();
        a.stay_months.push(StayMonths {
            product: "BW".into(),
            months: 12.0,
        });
        a
    }

    #[test]
    fn an_assumed_length_of_stay_settles_at_inflow_times_months() {
        let out = run_on(&with_a_year_of_stay());
        let c = out.cell(Some("GM0392"), "BW").unwrap();
        assert_eq!(c.survival_from, "aanname");
        // A chance of 1/12 to leave each month: the month-end stock
        // settles at f / (1/12) = 12 f (Little's law).
        let f = 24.0 * 365.25 / 730.0 / 12.0;
        let y = c.year(2040).unwrap();
        assert!((y.persons - 12.0 * f).abs() < 1e-3, "{y:?}");
        assert!((y.outflow - y.inflow).abs() < 1e-3);
        assert!((c.mean_months.unwrap() - 12.0).abs() < 1e-9);
    }

    #[test]
    fn a_shift_moves_inflow_and_places_are_added() {
        let mut a = with_a_year_of_stay();
        a.shifts.push(Shift {
            from: "BW".into(),
            to: "BT".into(),
            percent_per_year: 10.0,
        });
        a.places.push(NewPlaces {
            gemeente: "GM0392".into(),
            product: "BW".into(),
            from: d("2035-01-01"),
            places: 5,
        });
        let out = run_on(&a);
        let f = 24.0 * 365.25 / 730.0 / 12.0;
        let bw = out.cell(Some("GM0392"), "BW").unwrap();
        let bt = out.cell(Some("GM0392"), "BT").unwrap();
        // In 2024 a tenth of the inflow goes to BT; BT has no history of
        // its own and takes BW's length of stay.
        assert!((bw.year(2024).unwrap().inflow - 0.9 * 12.0 * f).abs() < 1e-9);
        assert!((bt.year(2024).unwrap().inflow - 0.1 * 12.0 * f).abs() < 1e-9);
        assert!(
            (bt.year(2040).unwrap().inflow - 12.0 * f).abs() < 1e-9,
            "all of it by then"
        );
        assert_eq!(bt.survival_from, "BW");
        // Nobody is lost: the category is what BW alone was.
        let all = out.cell(Some("GM0392"), "15").unwrap();
        let without = run_on(&with_a_year_of_stay());
        let before = without.cell(Some("GM0392"), "BW").unwrap();
        for y in 2024..=2040 {
            let (x, z) = (
                all.year(y).unwrap().persons,
                before.year(y).unwrap().persons,
            );
            assert!((x - z).abs() < 1e-9, "{y}: {x} against {z}");
        }
        assert_eq!(bw.year(2035).unwrap().places, 35.0);
        // The back-test has no levers.
        assert_eq!(bw.backtest, before.backtest);
    }

    #[test]
    fn those_who_left_are_counted_by_destination_but_not_transfers() {
        let f = facts();
        let mut stays: Vec<StayFact> = f.stays.iter().take(4).cloned().collect();
        for (i, s) in stays.iter_mut().enumerate() {
            s.end = day(d("2023-06-01"));
            s.exit = if i < 2 { 0 } else { 1 };
            s.transferred_out = i == 3;
        }
        stays[0].end = day(d("2024-02-01"));
        let refs: Vec<&StayFact> = stays.iter().collect();
        let out = destinations(&refs, day(d("2022-01-01")), day(d("2024-01-01")));
        // One left after the window, one was transferred.
        assert_eq!(
            out,
            vec![
                Destination {
                    label: ExitDestination::ALL[0].label().into(),
                    count: Some(1)
                },
                Destination {
                    label: ExitDestination::ALL[1].label().into(),
                    count: Some(1)
                },
            ]
        );
    }

    #[test]
    fn small_counts_are_hidden_but_model_results_stay() {
        let mut out = run_on(&assumptions());
        out.protect(25);
        let c = out.cell(Some("GM0392"), "BW").unwrap();
        assert_eq!((c.starts, c.stock, c.actual), (None, None, None));
        assert_eq!(c.rates[0].per_10000, None, "23 known starts in the band");
        assert!(c.year(2040).unwrap().persons > 0.0);
        let bt = out.cell(None, "BT");
        assert!(bt.is_none(), "no BT anywhere without a shift");
    }
}
