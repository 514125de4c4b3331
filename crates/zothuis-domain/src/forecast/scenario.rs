//! Scenarios: a region's assumptions for a forecast (`run::Assumptions`) on
//! a population forecast, with their author and date. A scenario can be
//! copied and changed; a published one is frozen with its result as
//! computed from the history as known at its publication, like a
//! published report.
//!
//! Form fields take the levers as lines, one per lever, fields separated by
//! `;` (the store keeps them as JSON):
//! - verschuivingen: `van;naar;procent per jaar` (`BW-INT;BT;5`);
//! - uitstroom: `product;procent` (`BW-INT;10`: 10 % more leave per month);
//! - plaatsen: `gemeentecode;product;vanaf;plaatsen`
//!   (`GM0392;BW-INT;2027-01-01;12`; negative: places closing);
//! - verblijfsduur: `product;maanden` (`BW-INT;30`), the mean length of
//!   stay where zothuis's history has too few ended stays.

use super::run::{Assumptions, NewPlaces, OutflowChange, Shift, StayMonths};
use crate::error::Validator;
use crate::reference::{GemeenteCode, Product};
use chrono::{DateTime, Utc};

/// The defaults of a new scenario: the choices of this product, each
/// shown and changeable on the form.
pub const DEFAULT_WINDOW_YEARS: u32 = 3;
pub const DEFAULT_LAST_YEAR: i32 = 2040;
pub const DEFAULT_BACKTEST_YEARS: u32 = 1;
pub const DEFAULT_MIN_SPELLS: u32 = 20;
/// The longest history window and back-test, and the furthest year.
pub const MAX_WINDOW_YEARS: u32 = 10;
pub const MAX_BACKTEST_YEARS: u32 = 5;
pub const MAX_LAST_YEAR: i32 = 2060;
pub const NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 4000;
/// At most this many levers of each kind.
pub const LEVERS_MAX: usize = 50;

/// A stored scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: i64,
    pub region_id: i64,
    pub name: String,
    pub description: String,
    pub population_id: i64,
    pub assumptions: Assumptions,
    pub copied_from: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<String>,
}

/// What is written of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDraft {
    pub region_id: i64,
    pub name: String,
    pub description: String,
    pub population_id: i64,
    pub assumptions: Assumptions,
    pub copied_from: Option<i64>,
}

/// A scenario as the policy officer fills it in (the form's text, or the
/// API's values written as text).
#[derive(Debug, Clone, Default)]
pub struct ScenarioInput {
    pub name: String,
    pub description: String,
    pub population_id: String,
    pub base_year: String,
    pub window_years: String,
    pub last_year: String,
    pub backtest_years: String,
    pub min_spells: String,
    pub shifts: String,
    pub outflow: String,
    pub places: String,
    pub stay_months: String,
}

impl ScenarioInput {
    /// The form of a stored scenario.
    pub fn of(s: &Scenario) -> ScenarioInput {
        let a = &s.assumptions;
        ScenarioInput {
            name: s.name.clone(),
            description: s.description.clone(),
            population_id: s.population_id.to_string(),
            base_year: a.base_year.to_string(),
            window_years: a.window_years.to_string(),
            last_year: a.last_year.to_string(),
            backtest_years: a.backtest_years.to_string(),
            min_spells: a.min_spells.to_string(),
            shifts: lines(&a.shifts, |x| {
                format!("{};{};{}", x.from, x.to, number(x.percent_per_year))
            }),
            outflow: lines(&a.outflow, |x| {
                format!("{};{}", x.product, number(x.percent))
            }),
            places: lines(&a.places, |x| {
                format!("{};{};{};{}", x.gemeente, x.product, x.from, x.places)
            }),
            stay_months: lines(&a.stay_months, |x| {
                format!("{};{}", x.product, number(x.months))
            }),
        }
    }
}

fn lines<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join("\n")
}

/// A number as a Dutch reader writes it back (a decimal comma).
fn number(x: f64) -> String {
    format!("{x}").replace('.', ",")
}

fn parse_number(text: &str) -> Option<f64> {
    let x: f64 = text.trim().replace(',', ".").parse().ok()?;
    x.is_finite().then_some(x)
}

/// What a scenario is checked against: the region's municipalities and
/// the products.
pub struct Known<'a> {
    pub municipalities: &'a [GemeenteCode],
    pub products: &'a [Product],
    /// The last whole year: the latest base year.
    pub last_whole_year: i32,
}

/// Checks the input; every error is named at its field (a lever's by its
/// line).
pub fn check(
    input: &ScenarioInput,
    known: &Known<'_>,
    v: &mut Validator,
) -> Option<(String, String, i64, Assumptions)> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        v.add("naam", format!("geef een naam van 1 tot {NAME_MAX} tekens"));
    }
    let description = input.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        v.add(
            "toelichting",
            format!("de toelichting is te lang (hoogstens {DESCRIPTION_MAX} tekens)"),
        );
    }
    let population: Option<i64> = input.population_id.trim().parse().ok();
    if population.is_none() {
        v.add("bevolkingsprognose", "kies een bevolkingsprognose");
    }
    let int = |v: &mut Validator, field: &str, text: &str, lo: i64, hi: i64, what: &str| match text
        .trim()
        .parse::<i64>()
    {
        Ok(n) if (lo..=hi).contains(&n) => Some(n),
        _ => {
            v.add(field, format!("{what}: een heel getal van {lo} tot {hi}"));
            None
        }
    };
    let base = int(
        v,
        "basisjaar",
        &input.base_year,
        2000,
        i64::from(known.last_whole_year),
        "het basisjaar is een heel jaar historie",
    );
    let window = int(
        v,
        "jarenHistorie",
        &input.window_years,
        1,
        i64::from(MAX_WINDOW_YEARS),
        "de jaren historie",
    );
    let last = int(
        v,
        "totJaar",
        &input.last_year,
        2000,
        i64::from(MAX_LAST_YEAR),
        "het laatste jaar",
    );
    let backtest = int(
        v,
        "jarenTerugtoets",
        &input.backtest_years,
        0,
        i64::from(MAX_BACKTEST_YEARS),
        "de jaren terugtoets",
    );
    let min_spells = int(
        v,
        "minimumVerblijven",
        &input.min_spells,
        0,
        100_000,
        "het minimum aantal verblijven",
    );
    if let (Some(b), Some(l)) = (base, last)
        && l <= b
    {
        v.add("totJaar", "het laatste jaar ligt na het basisjaar");
    }
    let product = |code: &str| known.products.iter().any(|p| p.code == code);
    let mut shifts = Vec::new();
    for (i, line) in levers(&input.shifts) {
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        match f.as_slice() {
            [from, to, pct] if product(from) && product(to) && from != to => {
                match parse_number(pct).filter(|p| (-100.0..=100.0).contains(p)) {
                    Some(p) => shifts.push(Shift {
                        from: (*from).to_string(),
                        to: (*to).to_string(),
                        percent_per_year: p,
                    }),
                    None => v.add(
                        "verschuivingen",
                        format!("regel {i}: het procent per jaar ligt tussen -100 en 100"),
                    ),
                }
            }
            [from, to, _] if from == to => v.add(
                "verschuivingen",
                format!("regel {i}: van en naar zijn hetzelfde product"),
            ),
            [from, to, _] => v.add(
                "verschuivingen",
                format!(
                    "regel {i}: onbekend product {}",
                    if product(from) { to } else { from }
                ),
            ),
            _ => v.add(
                "verschuivingen",
                format!("regel {i}: schrijf van;naar;procent per jaar, bijvoorbeeld BW-INT;BT;5"),
            ),
        }
    }
    let mut outflow = Vec::new();
    for (i, line) in levers(&input.outflow) {
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        match f.as_slice() {
            [p, pct] if product(p) => {
                match parse_number(pct).filter(|x| (-100.0..=1000.0).contains(x)) {
                    Some(x) => outflow.push(OutflowChange {
                        product: (*p).to_string(),
                        percent: x,
                    }),
                    None => v.add(
                        "uitstroom",
                        format!("regel {i}: het procent ligt tussen -100 en 1000"),
                    ),
                }
            }
            [p, _] => v.add("uitstroom", format!("regel {i}: onbekend product {p}")),
            _ => v.add(
                "uitstroom",
                format!("regel {i}: schrijf product;procent, bijvoorbeeld BW-INT;10"),
            ),
        }
    }
    let mut places = Vec::new();
    for (i, line) in levers(&input.places) {
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        let [g, p, from, n] = f.as_slice() else {
            v.add(
                "plaatsen",
                format!(
                    "regel {i}: schrijf gemeentecode;product;vanaf;plaatsen, bijvoorbeeld GM0392;BW-INT;2027-01-01;12"
                ),
            );
            continue;
        };
        let code = GemeenteCode::parse(g).ok();
        let problem = if code
            .as_ref()
            .is_none_or(|c| !known.municipalities.contains(c))
        {
            Some(format!("{g} is geen gemeente van uw regio"))
        } else if !product(p) {
            Some(format!("onbekend product {p}"))
        } else {
            None
        };
        let date = crate::Datum::parse(from).ok();
        let count: Option<i64> = n.parse().ok().filter(|n: &i64| n.unsigned_abs() <= 100_000);
        match (problem, date, count, code) {
            (Some(m), _, _, _) => v.add("plaatsen", format!("regel {i}: {m}")),
            (_, None, _, _) => v.add(
                "plaatsen",
                format!("regel {i}: {from} is geen datum (jjjj-mm-dd of dd-mm-jjjj)"),
            ),
            (_, _, None, _) => v.add(
                "plaatsen",
                format!("regel {i}: het aantal plaatsen is een heel getal"),
            ),
            (None, Some(d), Some(n), Some(c)) => places.push(NewPlaces {
                gemeente: c.to_string(),
                product: (*p).to_string(),
                from: d.0,
                places: n,
            }),
            _ => {}
        }
    }
    let mut stay_months = Vec::new();
    for (i, line) in levers(&input.stay_months) {
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        match f.as_slice() {
            [p, m] if product(p) => match parse_number(m).filter(|m| (1.0..=600.0).contains(m)) {
                Some(m) => stay_months.push(StayMonths {
                    product: (*p).to_string(),
                    months: m,
                }),
                None => v.add(
                    "verblijfsduur",
                    format!("regel {i}: het aantal maanden ligt tussen 1 en 600"),
                ),
            },
            [p, _] => v.add("verblijfsduur", format!("regel {i}: onbekend product {p}")),
            _ => v.add(
                "verblijfsduur",
                format!("regel {i}: schrijf product;maanden, bijvoorbeeld BW-INT;30"),
            ),
        }
    }
    for (field, n) in [
        ("verblijfsduur", stay_months.len()),
        ("verschuivingen", shifts.len()),
        ("uitstroom", outflow.len()),
        ("plaatsen", places.len()),
    ] {
        if n > LEVERS_MAX {
            v.add(field, format!("hoogstens {LEVERS_MAX} regels"));
        }
    }
    Some((
        name.to_string(),
        description.to_string(),
        population?,
        Assumptions {
            base_year: i32::try_from(base?).ok()?,
            window_years: u32::try_from(window?).ok()?,
            last_year: i32::try_from(last?).ok()?,
            backtest_years: u32::try_from(backtest?).ok()?,
            min_spells: u32::try_from(min_spells?).ok()?,
            shifts,
            outflow,
            places,
            stay_months,
        },
    ))
}

/// The lines of a lever field that are not empty, numbered from 1.
fn levers(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{ProductCategorie, ProductKind, TariffUnit};

    fn products() -> Vec<Product> {
        ["BW-INT", "BT"]
            .iter()
            .enumerate()
            .map(|(i, code)| Product {
                id: i as i64 + 1,
                code: (*code).into(),
                name: (*code).into(),
                category: ProductCategorie::parse("15").unwrap(),
                kind: ProductKind::parse("intramuraal").unwrap(),
                tariff_unit: TariffUnit::parse("per-dag").unwrap(),
                version: 1,
            })
            .collect()
    }

    fn input(places: &str) -> ScenarioInput {
        ScenarioInput {
            name: "Trend".into(),
            population_id: "1".into(),
            base_year: "2025".into(),
            window_years: "3".into(),
            last_year: "2040".into(),
            backtest_years: "1".into(),
            min_spells: "20".into(),
            shifts: "BW-INT;BT;2,5\n\n".into(),
            outflow: "BW-INT;-10".into(),
            places: places.into(),
            stay_months: "BW-INT;30".into(),
            ..ScenarioInput::default()
        }
    }

    #[test]
    fn every_lever_is_read_and_written_back_the_same() {
        let codes = [GemeenteCode::parse("GM0392").unwrap()];
        let products = products();
        let known = Known {
            municipalities: &codes,
            products: &products,
            last_whole_year: 2025,
        };
        let mut v = Validator::new();
        let (name, _, population, a) =
            check(&input("GM0392;BW-INT;2027-01-01;-12"), &known, &mut v).unwrap();
        assert!(v.finish().is_ok());
        assert_eq!((name.as_str(), population), ("Trend", 1));
        assert_eq!(a.shifts[0].percent_per_year, 2.5);
        assert_eq!(a.outflow[0].percent, -10.0);
        assert_eq!(a.places[0].places, -12);
        assert_eq!(a.stay_months[0].months, 30.0);
        let back = ScenarioInput::of(&Scenario {
            id: 1,
            region_id: 1,
            name,
            description: String::new(),
            population_id: population,
            assumptions: a.clone(),
            copied_from: None,
            created_at: DateTime::default(),
            created_by: String::new(),
            updated_at: DateTime::default(),
            updated_by: String::new(),
            version: 1,
            published_at: None,
            published_by: None,
        });
        let mut v = Validator::new();
        assert_eq!(check(&back, &known, &mut v).unwrap().3, a);
    }

    #[test]
    fn numbers_out_of_range_are_named_not_a_panic() {
        let codes = [GemeenteCode::parse("GM0392").unwrap()];
        let products = products();
        let known = Known {
            municipalities: &codes,
            products: &products,
            last_whole_year: 2025,
        };
        let mut bad = input("GM0392;BW-INT;2027-01-01;-9223372036854775808");
        bad.base_year = "2026".into();
        let mut v = Validator::new();
        check(&bad, &known, &mut v);
        let crate::DomainError::Invalid(errors) = v.finish().unwrap_err() else {
            panic!("invalid expected");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["basisjaar", "plaatsen"]);
    }
}
