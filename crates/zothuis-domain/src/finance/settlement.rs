//! Settlement between the municipalities of a region, and the move from
//! the historical distribution of the budget to an objective one.
//!
//! Under the woonplaatsbeginsel for beschermd wonen each municipality bears
//! the care cost of its own residents (from its region's regime change on,
//! DESIGN.md "Money"); before and beside it, regions share cost by an
//! agreement of their own (e.g. Gooi en Vechtstreek's "solidariteit"). A
//! settlement statement puts, per municipality and period, the care cost
//! of its residents (the cost engine, attributed to the responsible
//! municipality) beside its contribution under the agreement:
//!
//! - `Kosten`: each pays the cost of its own residents (balance nil);
//! - `Verdeelsleutel`: the region's total cost is shared by a distribution
//!   key (historical or objective shares, entered as data).
//!
//! The balance is contribution minus cost: positive, the municipality pays
//! that much to the regional pool on top of its residents' care; negative,
//! it receives it. Contributions are apportioned to whole cents by the
//! largest-remainder method, so that they add up to the region's total
//! exactly and the balances of a region add up to nil.
//!
//! The transition calculator distributes a yearly budget (a budget line,
//! e.g. the rijksbijdrage) by the historical and by the objective key, and
//! along a phasing path that moves from one to the other by a percentage
//! per year.

use super::model::Bedrag;
use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A share in a distribution key in millionths: 1 % is 10 000, the whole
/// is 1 000 000. Typed as a percentage with at most four decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Aandeel(pub u32);

/// The whole: 100 %.
pub const WHOLE: u32 = 1_000_000;

impl Aandeel {
    /// Reads `12,5`, `12.5`, `12,5 %` or `0,0125 %`.
    pub fn parse(input: &str) -> Result<Aandeel, &'static str> {
        const MSG: &str = "vul een percentage in van 0 tot en met 100, met hoogstens vier decimalen, bijvoorbeeld 12,5";
        let s: String = input
            .trim()
            .trim_end_matches('%')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (whole, fraction) = match s.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 4 {
            return Err(MSG);
        }
        let whole: u32 = whole.parse().map_err(|_| MSG)?;
        let fraction: u32 = format!("{fraction:0<4}").parse().map_err(|_| MSG)?;
        let value = whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(fraction))
            .filter(|v| *v <= WHOLE)
            .ok_or(MSG)?;
        Ok(Aandeel(value))
    }

    /// `12.5`: the share in the API and in files, without trailing zeros.
    pub fn decimal(self) -> String {
        let s = format!("{}.{:04}", self.0 / 10_000, self.0 % 10_000);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `12,5 %`.
impl fmt::Display for Aandeel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.decimal().replace('.', ","))
    }
}

/// What a distribution key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The shares of the historical budget of the centrumgemeente.
    Historisch,
    /// The shares of the objective distribution model.
    Objectief,
    /// Another agreement (e.g. by inhabitants).
    Anders,
}

impl KeyKind {
    pub const ALL: [KeyKind; 3] = [KeyKind::Historisch, KeyKind::Objectief, KeyKind::Anders];

    pub fn code(self) -> &'static str {
        match self {
            KeyKind::Historisch => "historisch",
            KeyKind::Objectief => "objectief",
            KeyKind::Anders => "anders",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Historisch => "Historische verdeling",
            KeyKind::Objectief => "Objectief verdeelmodel",
            KeyKind::Anders => "Andere afspraak",
        }
    }

    pub fn parse(s: &str) -> Result<KeyKind, &'static str> {
        KeyKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or("kies historisch, objectief of anders")
    }
}

/// A distribution key of a region (`verdeelsleutel`).
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionKey {
    pub id: i64,
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
}

/// What one version of a key says, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyData {
    pub kind: KeyKind,
    pub name: String,
    /// Where the shares come from (e.g. the national distribution model
    /// of a year).
    pub source: Option<String>,
    /// Every municipality of the region, in the order given; together
    /// exactly 100 %.
    pub shares: Vec<(GemeenteCode, Aandeel)>,
}

/// One version of a key, append-only.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyVersion {
    pub version_id: i64,
    pub key_id: i64,
    pub data: KeyData,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl crate::history::Recorded for KeyVersion {
    fn row_id(&self) -> i64 {
        self.version_id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

/// A key as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyInput {
    pub kind: String,
    pub name: String,
    pub source: Option<String>,
    /// (municipality code, share) per row.
    pub shares: Vec<(String, String)>,
}

impl KeyInput {
    /// Checks the key against the municipalities of its region: every one
    /// of them once (a missing one is refused, so that a forgotten row is
    /// not read as a share of nil), none from elsewhere, and together
    /// exactly 100 %. All problems at once; a row's field is
    /// `aandelen[n].gemeente` or `aandelen[n].aandeel` (n from 1).
    pub fn parse(&self, region: &[GemeenteCode]) -> DomainResult<KeyData> {
        let mut v = Validator::new();
        let kind = v.check("soort", KeyKind::parse(&self.kind));
        let name = self.name.trim();
        if name.is_empty() {
            v.add(
                "naam",
                "geef de verdeelsleutel een naam, bijvoorbeeld Objectief verdeelmodel 2026",
            );
        } else if name.chars().count() > 200 {
            v.add("naam", "een naam is hoogstens 200 tekens");
        }
        let source = optional(&self.source).map(str::to_string);
        if source.as_ref().is_some_and(|s| s.chars().count() > 500) {
            v.add("bron", "een bron is hoogstens 500 tekens");
        }
        let mut shares: Vec<(GemeenteCode, Aandeel)> = Vec::new();
        let mut sum: u64 = 0;
        let mut complete = true;
        let mut seen: Vec<GemeenteCode> = Vec::new();
        for (i, (code, share)) in self.shares.iter().enumerate() {
            let n = i + 1;
            let at = |f: &str| format!("aandelen[{n}].{f}");
            let code = match GemeenteCode::parse(code.trim()) {
                Ok(c) if !region.contains(&c) => {
                    v.add(&at("gemeente"), format!("{c} hoort niet bij deze regio"));
                    None
                }
                Ok(c) if seen.contains(&c) => {
                    v.add(
                        &at("gemeente"),
                        format!("{c} staat al in de verdeelsleutel"),
                    );
                    None
                }
                Ok(c) => {
                    seen.push(c.clone());
                    Some(c)
                }
                Err(e) => {
                    v.add(&at("gemeente"), e.to_string());
                    None
                }
            };
            let share = match Aandeel::parse(share) {
                Ok(a) => Some(a),
                Err(e) => {
                    v.add(&at("aandeel"), e);
                    None
                }
            };
            match (code, share) {
                (Some(c), Some(a)) => {
                    sum += u64::from(a.0);
                    shares.push((c, a));
                }
                _ => complete = false,
            }
        }
        let missing: Vec<&str> = region
            .iter()
            .filter(|c| !shares.iter().any(|(s, _)| s == *c))
            .map(GemeenteCode::as_str)
            .collect();
        if complete && !missing.is_empty() {
            v.add(
                "aandelen",
                format!(
                    "geef elke gemeente van de regio een aandeel (ook 0); ontbreekt: {}",
                    missing.join(", ")
                ),
            );
        } else if complete && sum != u64::from(WHOLE) {
            v.add(
                "aandelen",
                format!(
                    "de aandelen tellen op tot {}, niet tot 100 %",
                    Aandeel(u32::try_from(sum).unwrap_or(u32::MAX))
                ),
            );
        }
        v.finish()?;
        Ok(KeyData {
            kind: kind.ok_or_else(|| DomainError::invalid("soort", "kies een soort"))?,
            name: name.to_string(),
            source,
            shares,
        })
    }
}

/// Shares `total` cents in proportion to `weights` (which need not add up
/// to anything in particular), to whole cents: each gets the floor of its
/// exact part, and the cents left go one by one to the largest remainders
/// (ties to the first). The parts add up to `total` exactly (Hamilton's
/// largest-remainder method). All weights nil: all parts nil.
pub fn apportion(total: Bedrag, weights: &[u64]) -> Vec<Bedrag> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return vec![Bedrag(0); weights.len()];
    }
    let negative = total.0 < 0;
    let t = u128::from(total.0.unsigned_abs());
    let mut parts: Vec<(u128, u128)> = weights
        .iter()
        .map(|w| {
            let exact = t * u128::from(*w);
            (exact / sum, exact % sum)
        })
        .collect();
    let given: u128 = parts.iter().map(|p| p.0).sum();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].1.cmp(&parts[*a].1).then(a.cmp(b)));
    for i in order
        .into_iter()
        .take(usize::try_from(t - given).unwrap_or(0))
    {
        if let Some(p) = parts.get_mut(i) {
            p.0 += 1;
        }
    }
    parts
        .into_iter()
        .map(|(p, _)| {
            let p = i64::try_from(p).unwrap_or(i64::MAX);
            Bedrag(if negative { -p } else { p })
        })
        .collect()
}

/// The period of a statement: a year, or a quarter of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementPeriod {
    pub year: i32,
    pub quarter: Option<u32>,
}

impl SettlementPeriod {
    /// Reads `2025` or `2025-K1` … `2025-K4`.
    pub fn parse(input: &str) -> Result<SettlementPeriod, &'static str> {
        const MSG: &str = "kies een jaar (2025) of een kwartaal (2025-K1 tot en met 2025-K4)";
        let s = input.trim().to_uppercase();
        let (year, quarter) = match s.split_once("-K") {
            Some((y, q)) => (y, Some(q.parse::<u32>().map_err(|_| MSG)?)),
            None => (s.as_str(), None),
        };
        let year: i32 = year.parse().map_err(|_| MSG)?;
        if !(2000..=2100).contains(&year) || quarter.is_some_and(|q| !(1..=4).contains(&q)) {
            return Err(MSG);
        }
        Ok(SettlementPeriod { year, quarter })
    }

    pub fn code(self) -> String {
        match self.quarter {
            Some(q) => format!("{}-K{q}", self.year),
            None => self.year.to_string(),
        }
    }

    /// `2025` or `1e kwartaal 2025`.
    pub fn label(self) -> String {
        match self.quarter {
            Some(q) => format!("{q}e kwartaal {}", self.year),
            None => self.year.to_string(),
        }
    }

    /// The first day and the first day after.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let (first_month, months) = match self.quarter {
            Some(q) => (3 * (q - 1) + 1, 3),
            None => (1, 12),
        };
        let from = NaiveDate::from_ymd_opt(self.year, first_month, 1).unwrap_or(NaiveDate::MIN);
        let to = from
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(from);
        (from, to)
    }
}

/// How the region shares the cost (the regional agreement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Each municipality pays for its own residents.
    Kosten,
    /// The total is shared by a distribution key.
    Verdeelsleutel,
}

impl Agreement {
    pub fn code(self) -> &'static str {
        match self {
            Agreement::Kosten => "kosten",
            Agreement::Verdeelsleutel => "verdeelsleutel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Agreement::Kosten => "Kosten van de eigen inwoners (woonplaatsbeginsel)",
            Agreement::Verdeelsleutel => "Totale kosten verdeeld volgens een verdeelsleutel",
        }
    }

    pub fn parse(s: &str) -> Result<Agreement, &'static str> {
        match s.trim() {
            "kosten" => Ok(Agreement::Kosten),
            "verdeelsleutel" => Ok(Agreement::Verdeelsleutel),
            _ => Err("kies kosten of verdeelsleutel"),
        }
    }
}

/// One municipality in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub gemeente: String,
    pub naam: String,
    /// The care cost of its residents in the period (cents).
    pub kosten: i64,
    pub dagen: i64,
    pub clienten: u32,
    /// Its share under the agreement (`None`: by cost).
    pub aandeel: Option<Aandeel>,
    /// Its contribution under the agreement (cents).
    pub bijdrage: i64,
    /// Contribution minus cost: positive to pay, negative to receive.
    pub saldo: i64,
}

/// The statement lines of a region: `costs` per municipality (code, name,
/// cost, days, clients), shared by `shares` when the agreement uses a key
/// (a municipality missing from the key has share nil).
pub fn statement(
    costs: &[(GemeenteCode, String, Bedrag, i64, u32)],
    shares: Option<&[(GemeenteCode, Aandeel)]>,
) -> Vec<StatementLine> {
    let total = Bedrag(costs.iter().map(|c| c.2.0).sum());
    let share_of = |code: &GemeenteCode| {
        shares.map(|s| {
            s.iter()
                .find(|(c, _)| c == code)
                .map_or(Aandeel(0), |(_, a)| *a)
        })
    };
    let contributions: Vec<Bedrag> = match shares {
        Some(_) => apportion(
            total,
            &costs
                .iter()
                .map(|c| u64::from(share_of(&c.0).map_or(0, |a| a.0)))
                .collect::<Vec<_>>(),
        ),
        None => costs.iter().map(|c| c.2).collect(),
    };
    costs
        .iter()
        .zip(contributions)
        .map(
            |((code, name, cost, days, clients), bijdrage)| StatementLine {
                gemeente: code.as_str().to_string(),
                naam: name.clone(),
                kosten: cost.0,
                dagen: *days,
                clienten: *clients,
                aandeel: share_of(code),
                bijdrage: bijdrage.0,
                saldo: bijdrage.0 - cost.0,
            },
        )
        .collect()
}

/// A statement as published: frozen, with the moment it was published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedSettlement {
    pub id: i64,
    pub region_id: i64,
    /// `SettlementPeriod::code`.
    pub period: String,
    /// `Agreement::code`.
    pub agreement: String,
    pub key_version_id: Option<i64>,
    /// The lines as JSON, as computed at publication.
    pub statement: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

/// One step of a phasing path: from `year` on, `percent` of the budget
/// is distributed by the objective key (the rest by the historical one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep {
    pub year: i32,
    pub percent: u32,
}

/// Reads a phasing path: `2026: 0; 2027: 25; 2028: 50; 2029: 100` (also
/// with `=` or on separate lines). Years rise; percentages are whole
/// numbers from 0 to 100.
pub fn parse_path(input: &str) -> Result<Vec<PathStep>, String> {
    let mut steps: Vec<PathStep> = Vec::new();
    for part in input
        .split([';', '\n', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((y, p)) = part.split_once([':', '=']) else {
            return Err(format!(
                "„{part}” is geen stap; schrijf jaar: percentage, bijvoorbeeld 2027: 25"
            ));
        };
        let year: i32 = y
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| format!("„{}” is geen jaar", y.trim()))?;
        let percent: u32 = p
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse()
            .ok()
            .filter(|p| *p <= 100)
            .ok_or_else(|| {
                format!(
                    "„{}” is geen heel percentage van 0 tot en met 100",
                    p.trim()
                )
            })?;
        if steps.last().is_some_and(|s| s.year >= year) {
            return Err(format!("zet de jaren op volgorde; {year} komt te laat"));
        }
        steps.push(PathStep { year, percent });
    }
    if steps.is_empty() {
        return Err("geef minstens één stap, bijvoorbeeld 2026: 0; 2029: 100".into());
    }
    Ok(steps)
}

/// The percentage of a year on a path: that of the last step up to it;
/// before the first step, nil.
pub fn percent_in(path: &[PathStep], year: i32) -> u32 {
    path.iter()
        .take_while(|s| s.year <= year)
        .last()
        .map_or(0, |s| s.percent)
}

/// One municipality in one year of the transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRow {
    pub gemeente: GemeenteCode,
    pub year: i32,
    /// The region's budget that year.
    pub total: Bedrag,
    pub historical: Bedrag,
    pub objective: Bedrag,
    /// The percentage distributed objectively that year.
    pub percent: u32,
    pub path: Bedrag,
    /// Path minus historical: positive is a voordeel (more budget than
    /// by the historical key), negative a nadeel.
    pub difference: Bedrag,
}

/// The budget of each year (`totals`) distributed per municipality by the
/// historical key, by the objective key and along the path; each to
/// whole cents adding up to the year's budget (`apportion`). The path's
/// share of a municipality is (100 − p) % of its historical share plus
/// p % of its objective share.
pub fn transition(
    totals: &[(i32, Bedrag)],
    municipalities: &[GemeenteCode],
    historical: &[(GemeenteCode, Aandeel)],
    objective: &[(GemeenteCode, Aandeel)],
    path: &[PathStep],
) -> Vec<TransitionRow> {
    let share = |key: &[(GemeenteCode, Aandeel)], code: &GemeenteCode| {
        u64::from(key.iter().find(|(c, _)| c == code).map_or(0, |(_, a)| a.0))
    };
    let h: Vec<u64> = municipalities
        .iter()
        .map(|c| share(historical, c))
        .collect();
    let o: Vec<u64> = municipalities.iter().map(|c| share(objective, c)).collect();
    let mut out = Vec::new();
    for (year, total) in totals {
        let p = u64::from(percent_in(path, *year));
        let blended: Vec<u64> = h
            .iter()
            .zip(&o)
            .map(|(h, o)| (100 - p) * h + p * o)
            .collect();
        let by_h = apportion(*total, &h);
        let by_o = apportion(*total, &o);
        let by_path = apportion(*total, &blended);
        for (i, code) in municipalities.iter().enumerate() {
            let (hist, obj, along) = (by_h[i], by_o[i], by_path[i]);
            out.push(TransitionRow {
                gemeente: code.clone(),
                year: *year,
                total: *total,
                historical: hist,
                objective: obj,
                percent: p as u32,
                path: along,
                difference: Bedrag(along.0 - hist.0),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gm(c: &str) -> GemeenteCode {
        GemeenteCode::parse(c).unwrap()
    }

    #[test]
    fn shares_are_read_as_percentages_with_four_decimals_at_most() {
        assert_eq!(Aandeel::parse("12,5"), Ok(Aandeel(125_000)));
        assert_eq!(Aandeel::parse("12.5 %"), Ok(Aandeel(125_000)));
        assert_eq!(Aandeel::parse("0,0125"), Ok(Aandeel(125)));
        assert_eq!(Aandeel::parse("100"), Ok(Aandeel(WHOLE)));
        for bad in ["", "-1", "100,0001", "12,34567", "abc", "1,2,3"] {
            assert!(Aandeel::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Aandeel(125_000).to_string(), "12,5 %");
        assert_eq!(Aandeel(WHOLE).decimal(), "100");
        assert_eq!(Aandeel(1).decimal(), "0.0001");
    }

    #[test]
    fn apportioned_cents_add_up_to_the_total_exactly() {
        // € 100,00 in three equal parts: 33,34 + 33,33 + 33,33.
        assert_eq!(
            apportion(Bedrag(10_000), &[1, 1, 1]),
            vec![Bedrag(3_334), Bedrag(3_333), Bedrag(3_333)]
        );
        // 1 cent by 10 % and 90 %: the larger remainder gets it.
        assert_eq!(
            apportion(Bedrag(1), &[100_000, 900_000]),
            vec![Bedrag(0), Bedrag(1)]
        );
        assert_eq!(apportion(Bedrag(500), &[0, 0]), vec![Bedrag(0), Bedrag(0)]);
        assert_eq!(
            apportion(Bedrag(-10_000), &[1, 1, 1]),
            vec![Bedrag(-3_334), Bedrag(-3_333), Bedrag(-3_333)]
        );
    }

    #[test]
    fn a_key_names_every_municipality_of_the_region_once_and_adds_up_to_100() {
        let region = [gm("GM0402"), gm("GM0406")];
        let input = |rows: &[(&str, &str)]| KeyInput {
            kind: "objectief".into(),
            name: "Objectief 2026".into(),
            source: None,
            shares: rows
                .iter()
                .map(|(c, s)| (c.to_string(), s.to_string()))
                .collect(),
        };
        let ok = input(&[("GM0402", "62,5"), ("GM0406", "37,5")])
            .parse(&region)
            .unwrap();
        assert_eq!(ok.shares[1], (gm("GM0406"), Aandeel(375_000)));
        let fields = |i: KeyInput| match i.parse(&region) {
            Err(DomainError::Invalid(e)) => e
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let sum = fields(input(&[("GM0402", "62,5"), ("GM0406", "37")]));
        assert_eq!(sum[0].0, "aandelen");
        assert!(sum[0].1.contains("99,5 %"), "{sum:?}");
        let missing = fields(input(&[("GM0402", "100")]));
        assert!(missing[0].1.contains("GM0406"), "{missing:?}");
        let rows = fields(input(&[("GM0363", "50"), ("GM0402", "x"), ("GM0402", "1")]));
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "aandelen[1].gemeente",
                "aandelen[2].aandeel",
                "aandelen[3].gemeente"
            ]
        );
    }

    #[test]
    fn periods_are_years_or_quarters() {
        let q = SettlementPeriod::parse("2025-k2").unwrap();
        assert_eq!(q.code(), "2025-K2");
        assert_eq!(
            q.days(),
            (
                NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
            )
        );
        assert_eq!(
            SettlementPeriod::parse("2025").unwrap().days().1,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
        for bad in ["", "2025-K5", "25", "2025-Q1", "twee"] {
            assert!(SettlementPeriod::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_statement_by_key_shares_the_total_and_its_balances_add_up_to_nil() {
        // Hilversum's residents cost € 1.000,00, Huizen's € 200,01, Wijdemeren's
        // nothing; the key 50 / 30 / 20 shares € 1.200,01: 600,01 (half a
        // cent up by the largest remainder), 360,00, 240,00.
        let costs = [
            (
                gm("GM0402"),
                "Hilversum".to_string(),
                Bedrag(100_000),
                40,
                3,
            ),
            (gm("GM0406"), "Huizen".to_string(), Bedrag(20_001), 9, 1),
            (gm("GM1696"), "Wijdemeren".to_string(), Bedrag(0), 0, 0),
        ];
        let key = [
            (gm("GM0402"), Aandeel(500_000)),
            (gm("GM0406"), Aandeel(300_000)),
            (gm("GM1696"), Aandeel(200_000)),
        ];
        let lines = statement(&costs, Some(&key));
        let got: Vec<(i64, i64)> = lines.iter().map(|l| (l.bijdrage, l.saldo)).collect();
        assert_eq!(
            got,
            vec![(60_001, -39_999), (36_000, 15_999), (24_000, 24_000)]
        );
        assert_eq!(lines.iter().map(|l| l.saldo).sum::<i64>(), 0);
        // By cost: each pays its own, no balance.
        let own = statement(&costs, None);
        assert!(own.iter().all(|l| l.saldo == 0 && l.aandeel.is_none()));
    }

    #[test]
    fn the_transition_moves_from_historical_to_objective_shares_along_the_path() {
        let ms = [gm("GM0402"), gm("GM0406")];
        let h = [
            (gm("GM0402"), Aandeel(800_000)),
            (gm("GM0406"), Aandeel(200_000)),
        ];
        let o = [
            (gm("GM0402"), Aandeel(600_000)),
            (gm("GM0406"), Aandeel(400_000)),
        ];
        let path = parse_path("2026: 0; 2027: 25\n2028=100%").unwrap();
        assert_eq!(percent_in(&path, 2025), 0);
        assert_eq!(percent_in(&path, 2027), 25);
        assert_eq!(percent_in(&path, 2030), 100);
        let totals = [
            (2026, Bedrag(1_000_000)),
            (2027, Bedrag(1_000_000)),
            (2028, Bedrag(2_000_000)),
        ];
        let rows = transition(&totals, &ms, &h, &o, &path);
        let huizen: Vec<(i32, i64, i64, i64)> = rows
            .iter()
            .filter(|r| r.gemeente == ms[1])
            .map(|r| (r.year, r.historical.0, r.path.0, r.difference.0))
            .collect();
        // 2027: 75 % × 20 % + 25 % × 40 % = 25 % of € 10.000,00.
        assert_eq!(
            huizen,
            vec![
                (2026, 200_000, 200_000, 0),
                (2027, 200_000, 250_000, 50_000),
                (2028, 400_000, 800_000, 400_000)
            ]
        );
        for year in [2026, 2027, 2028] {
            let sum: i64 = rows
                .iter()
                .filter(|r| r.year == year)
                .map(|r| r.difference.0)
                .sum();
            assert_eq!(sum, 0, "{year}");
        }
        assert!(parse_path("2027: 25; 2026: 0").is_err());
        assert!(parse_path("2027: 125").is_err());
        assert!(parse_path("").is_err());
        assert!(parse_path("zomaar").is_err());
    }
}
