//! A model's inputs estimated from zothuis's own history: the stays of one
//! municipality × product as known at a moment (the figures projection),
//! over a base window before the base day.
//!
//! - A **spell** is the time a person is in care with the product without
//!   a break: stays of the same person that follow each other on the same
//!   day (a transfer to another place or provider with the same product)
//!   are one spell. A transfer to another product ends the spell here and
//!   starts one there: what the product's stock sees.
//! - **Inflow rates**: the spells that started in the window, per age band
//!   of the person at the start, over the residents of the band in the
//!   window's years. Starts of people whose age zothuis does not know are
//!   spread over the bands as the known ones are (the count is shown);
//!   when no age is known at all, one rate applies to every resident.
//! - **Length of stay**: every spell that started in the window, in whole
//!   months (30.4375 days) up to its end or the base day (then still
//!   running: censored), for `Survival::estimate`.
//! - **Stock**: the spells running on the base day, by months in care.

use super::model::{Inputs, Observed, Survival};
use super::population::AgeBand;
use crate::figures::facts::{Day, OPEN, StayFact, UNKNOWN_DAY, date, day};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Days in a month, on average over the Gregorian calendar.
const MONTH_DAYS: f64 = 30.4375;

/// The inputs with what they were estimated from, to show beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub inputs: Inputs,
    pub window: (NaiveDate, NaiveDate),
    /// Spells started in the window; of which the age was unknown.
    pub starts: u32,
    pub starts_unknown_age: u32,
    /// Spells started in the window still running on the base day.
    pub running: u32,
    /// Spells started in the window per band of the age at the start.
    pub starts_by_band: BTreeMap<AgeBand, u32>,
}

fn months(days: Day) -> u32 {
    (f64::from(days.max(0)) / MONTH_DAYS).floor() as u32
}

/// The whole years of age on a day.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u8 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.clamp(0, i32::from(u8::MAX)) as u8
}

/// Estimates the inputs from `stays` (those of one municipality ×
/// product), over the `window_years` before `base`.
pub fn estimate<'a>(
    stays: impl Iterator<Item = &'a StayFact>,
    base: NaiveDate,
    window_years: u32,
    bands: &[AgeBand],
    residents: &dyn Fn(i32, &AgeBand) -> f64,
) -> Estimate {
    let to = day(base);
    let from_date = base
        .with_year(base.year() - window_years as i32)
        .unwrap_or(base);
    let from = day(from_date);
    // Spells per person: stays joined where one ends the day the next
    // begins. Stays starting after the base day play no part (one starting
    // on it may continue a spell); the rest sorted by person and start (one
    // sort, no table per person).
    let mut rows: Vec<(u32, Day, Day, Day)> = stays
        .filter(|s| s.start <= to)
        .map(|s| (s.client, s.start, s.end, s.born))
        .collect();
    rows.sort_unstable();
    let mut starts_by_band: BTreeMap<AgeBand, u32> = BTreeMap::new();
    let (mut starts, mut unknown, mut running) = (0u32, 0u32, 0u32);
    let mut observed = Vec::new();
    let mut stock = Vec::new();
    let mut spells: Vec<(Day, Day)> = Vec::new();
    for person in rows.chunk_by(|a, b| a.0 == b.0) {
        let born = person.iter().map(|r| r.3).max().unwrap_or(UNKNOWN_DAY);
        spells.clear();
        for &(_, s, e, _) in person {
            match spells.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => spells.push((s, e)),
            }
        }
        for &(s, e) in &spells {
            if s < to && (e == OPEN || e > to) {
                stock.push(months(to - s));
            }
            if s < from || s >= to {
                continue;
            }
            starts += 1;
            let ended = e != OPEN && e <= to;
            if !ended {
                running += 1;
            }
            observed.push(Observed {
                months: months(if ended { e - s } else { to - s }),
                ended,
            });
            let age = (born != UNKNOWN_DAY).then(|| age_on(date(born), date(s)));
            match age.and_then(|a| bands.iter().find(|b| b.contains(a))) {
                Some(band) => *starts_by_band.entry(*band).or_default() += 1,
                None => unknown += 1,
            }
        }
    }
    // Residents over the window: each year of it, by the share of its days
    // in the window.
    let person_years = |band: &AgeBand| -> f64 {
        (from_date.year()..=base.year())
            .map(|y| {
                let (a, b) = (
                    day(NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(from_date)).max(from),
                    day(NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(base)).min(to),
                );
                let share = f64::from((b - a).max(0)) / 365.25;
                residents(y, band) * share
            })
            .sum()
    };
    let known = starts - unknown;
    let all_years: f64 = bands.iter().map(person_years).sum();
    let inflow_rates = bands
        .iter()
        .map(|band| {
            let py = person_years(band);
            let rate = if known == 0 {
                // No age known at all: one rate for every resident.
                if all_years > 0.0 {
                    f64::from(starts) / all_years
                } else {
                    0.0
                }
            } else if py > 0.0 {
                let n = f64::from(starts_by_band.get(band).copied().unwrap_or(0));
                n * f64::from(starts) / f64::from(known) / py
            } else {
                0.0
            };
            (band.label(), rate)
        })
        .collect();
    stock.sort_unstable();
    Estimate {
        inputs: Inputs {
            inflow_rates,
            survival: Survival::estimate(&observed),
            stock_months: stock,
        },
        window: (from_date, base),
        starts,
        starts_unknown_age: unknown,
        running,
        starts_by_band,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn stay(client: u32, start: &str, end: Option<&str>, born: Option<&str>) -> StayFact {
        StayFact {
            born: born.map_or(UNKNOWN_DAY, |b| day(d(b))),
            id: client,
            client,
            gemeente: 0,
            residence: 0,
            product: 0,
            provider: 0,
            location: 0,
            start: day(d(start)),
            end: end.map_or(OPEN, |e| day(d(e))),
            episode_start: day(d(start)),
            exit: crate::figures::facts::NONE8,
            transferred_in: false,
            transferred_out: false,
            financing: 0,
            level: 0,
            first_time: true,
            returned: false,
        }
    }

    #[test]
    fn ages_are_whole_years_on_the_day() {
        assert_eq!(age_on(d("2000-03-15"), d("2025-03-14")), 24);
        assert_eq!(age_on(d("2000-03-15"), d("2025-03-15")), 25);
    }

    #[test]
    fn rates_spells_and_stock_follow_from_the_stays_by_hand() {
        // Base 1 January 2025, a window of two years (2023 and 2024).
        // 1: 20 years old, in 2023 for 3 months, then moved within the
        //    product the day it left: one spell of 182 days.
        // 2: 40 years old, from 1 July 2024, still in care: censored at 6
        //    months, and in the stock.
        // 3: age unknown, started in 2024, ended after 1 month.
        // 4: started before the window, still in care: stock only.
        let (young, older) = (Some("2002-06-01"), Some("1984-01-01"));
        let stays = [
            stay(1, "2023-01-01", Some("2023-04-01"), young),
            stay(1, "2023-04-01", Some("2023-07-02"), young),
            stay(2, "2024-07-01", None, older),
            stay(3, "2024-02-01", Some("2024-03-02"), None),
            stay(4, "2020-01-01", None, None),
        ];
        let bands = [
            AgeBand::parse("18-26").unwrap(),
            AgeBand::parse("27-64").unwrap(),
        ];
        // 10 000 young and 30 000 older residents each year.
        let residents = |_: i32, b: &AgeBand| if b.from == 18 { 10_000.0 } else { 30_000.0 };
        let e = estimate(stays.iter(), d("2025-01-01"), 2, &bands, &residents);
        assert_eq!(e.window, (d("2023-01-01"), d("2025-01-01")));
        assert_eq!((e.starts, e.starts_unknown_age, e.running), (3, 1, 1));
        // Person-years: 2 × residents (731 days of 2023–2024 over 365.25);
        // the unknown start spreads as 3/2 over the known ones.
        let py = |n: f64| n * 731.0 / 365.25;
        let young = e.inputs.inflow_rates["18-26"];
        let older = e.inputs.inflow_rates["27-64"];
        assert!((young - 1.5 / py(10_000.0)).abs() < 1e-15, "{young}");
        assert!((older - 1.5 / py(30_000.0)).abs() < 1e-15, "{older}");
        // Spells: 182 days ended (5 whole months), 184 days running (6),
        // 30 days ended (0): in month 0 one of the three leaves.
        assert_eq!(e.inputs.survival.hazard[0], 1.0 / 3.0);
        // The stock: person 2 for 6 months, person 4 for 60.
        assert_eq!(e.inputs.stock_months, vec![6, 60]);
    }
}
