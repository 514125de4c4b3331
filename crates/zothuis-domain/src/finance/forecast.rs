//! The expected care cost of the historical cohort for the coming years:
//! the clients in care on the cohort's cut-off day (`Cohort::Historisch`)
//! leave care over time and are not replaced, so the budget line
//! "zorgkosten oude cliënten" shrinks (Velsen 8, line a: 39.483 in 2024 →
//! 17.870 in 2028, in thousands).
//!
//! The model, shown beside its result:
//! - **Leaving care** has one constant rate (an exponential survival
//!   model): λ = exits ÷ days in care, observed on the cohort between the
//!   cut-off and the moment of the forecast. An exit is the end of a
//!   member's first continuous period in care after the cut-off (a
//!   transfer is no exit); a return later is not counted back.
//! - **Cost** of a member still in care: the tariff of their stay in force
//!   on the day of the forecast, per day (a week, month or year tariff
//!   divided by its days), unchanged in later years (no indexation).
//! - **Expected days** of a member in year Y: ∫ e^(−λ·t) dt over the part
//!   of Y after the forecast day, t in days from it.
//! - The year of the forecast adds the cost realised up to its day.
//!
//! Amounts are model estimates: computed in floating point and rounded to
//! whole cents (half away from zero) per year; the realised part is exact.

use super::cost::{self, TariffBook};
use super::model::Bedrag;
use crate::figures::facts::{Day, Facts, day};
use crate::reference::TariffUnit;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// One year of the forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastYear {
    pub year: i32,
    /// The expected members still in care on 1 July (or on the forecast
    /// day, for its own year after 1 July).
    pub persons_mid_year: f64,
    /// Realised up to the forecast day (its own year only), exact.
    pub realised: Bedrag,
    /// Realised plus expected.
    pub cost: Bedrag,
}

/// The forecast with its assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortForecast {
    pub cutoff: NaiveDate,
    pub as_of: NaiveDate,
    pub members_at_cutoff: u32,
    pub members_now: u32,
    pub exits: u32,
    pub exposure_days: i64,
    /// λ per year (× 365.25), and the share still in care after a year.
    pub rate_per_year: f64,
    pub retention_per_year: f64,
    /// Members in care now whose stay has no tariff on the forecast day:
    /// left out of the cost, listed so that it is not hidden.
    pub unpriced_members: u32,
    pub years: Vec<ForecastYear>,
}

/// The forecast for the stays of the municipalities in `set`, with the
/// cohort counted on `cutoff`, from `as_of` (inclusive) for `years` years
/// (the year of `as_of` first).
pub fn historical_cohort(
    facts: &Facts,
    book: &TariffBook,
    set: Option<&[bool]>,
    cutoff: NaiveDate,
    as_of: NaiveDate,
    years: u32,
) -> CohortForecast {
    let c = day(cutoff);
    let now = day(as_of);
    // The stays of each member, by start.
    let mut by_client: HashMap<u32, Vec<&crate::figures::facts::StayFact>> = HashMap::new();
    for s in facts.stays_in(set) {
        by_client.entry(s.client).or_default().push(s);
    }
    let mut members_at_cutoff = 0u32;
    let mut exits = 0u32;
    let mut exposure: i64 = 0;
    let mut members_now = 0u32;
    let mut unpriced = 0u32;
    // Per member in care now: the cost of one day, as (amount, per).
    let mut daily: Vec<(i64, i64)> = Vec::new();
    for stays in by_client.values_mut() {
        if !stays.iter().any(|s| s.start <= c && c < s.end) {
            continue;
        }
        members_at_cutoff += 1;
        stays.sort_by_key(|s| s.start);
        // The first continuous period in care from the cut-off.
        let mut end: Day = c;
        for s in stays.iter() {
            if s.start <= end && s.end > end {
                end = s.end;
            }
        }
        if end <= now {
            exits += 1;
            exposure += i64::from(end - c);
        } else {
            exposure += i64::from(now - c).max(0);
        }
        let Some(current) = stays.iter().find(|s| s.start <= now && now < s.end) else {
            continue;
        };
        if end <= now {
            // Back in care after an exit: not a member any more.
            continue;
        }
        members_now += 1;
        let region = facts
            .municipality_region
            .get(usize::from(current.gemeente))
            .copied()
            .unwrap_or(-1);
        match cost::tariff_on(facts, book, region, current, as_of) {
            Some((unit, amount)) => daily.push((amount.0, per(unit, as_of))),
            None => unpriced += 1,
        }
    }
    let lambda = if exposure > 0 {
        f64::from(exits) / exposure as f64
    } else {
        0.0
    };
    let expected_days = |from: Day, to: Day| -> f64 {
        if to <= from {
            return 0.0;
        }
        let (a, b) = (f64::from(from - now), f64::from(to - now));
        if lambda == 0.0 {
            b - a
        } else {
            ((-lambda * a).exp() - (-lambda * b).exp()) / lambda
        }
    };
    let mut out = Vec::new();
    for i in 0..years {
        let year = as_of.year() + i as i32;
        let (Some(first), Some(next)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year + 1, 1, 1),
        ) else {
            break;
        };
        let from = day(first).max(now);
        let to = day(next);
        let days = expected_days(from, to);
        let expected: f64 = daily
            .iter()
            .map(|(amount, per)| *amount as f64 * days / *per as f64)
            .sum();
        let realised = if i == 0 {
            let q = cost::CostQuery {
                from: first,
                to: as_of,
                municipalities: set.map(<[bool]>::to_vec),
                provider_id: None,
                period: cost::Period::Whole,
                split: cost::Split {
                    cohort: true,
                    ..cost::Split::default()
                },
                cohort_cutoff: facts
                    .municipality_region
                    .iter()
                    .map(|r| (*r, cutoff))
                    .collect(),
            };
            let r = cost::compute(facts, book, &q);
            Bedrag(
                r.cells
                    .iter()
                    .filter(|(k, _)| k.cohort == Some(cost::Cohort::Historisch))
                    .map(|(_, c)| c.amount.0)
                    .sum(),
            )
        } else {
            Bedrag(0)
        };
        let mid = NaiveDate::from_ymd_opt(year, 7, 1)
            .map_or(now, day)
            .max(now);
        let persons = f64::from(members_now) * (-lambda * f64::from(mid - now)).exp();
        out.push(ForecastYear {
            year,
            persons_mid_year: persons,
            realised,
            cost: Bedrag(realised.0 + expected.round() as i64),
        });
    }
    CohortForecast {
        cutoff,
        as_of,
        members_at_cutoff,
        members_now,
        exits,
        exposure_days: exposure,
        rate_per_year: lambda * 365.25,
        retention_per_year: (-lambda * 365.25).exp(),
        unpriced_members: unpriced,
        years: out,
    }
}

/// The days a tariff's amount covers on a day (as `cost::price` divides).
pub(crate) fn per(unit: TariffUnit, on: NaiveDate) -> i64 {
    // The price of one day in whole cents would round a year tariff; the
    // division is done on the expected days instead.
    match unit {
        TariffUnit::PerDag => 1,
        TariffUnit::PerWeek => 7,
        TariffUnit::PerMaand => cost::days_in_month(on),
        TariffUnit::PerJaar => cost::days_in_year(on.year()),
    }
}
