//! The stock-and-flow model of one municipality × product, month by month.
//! Every assumption is an input and is shown beside the result:
//!
//! - **Inflow** per month = Σ over age bands of (starts per resident per
//!   year in that band, observed in the base window) × (residents of the
//!   band in that year, from the population forecast) ÷ 12.
//! - **Leaving care** follows the observed length of stay: the share still
//!   in care after m months, S(m), estimated from the stays of the base
//!   window with Kaplan–Meier (stays still running count as censored).
//!   The monthly hazard h(m) = 1 − S(m+1)/S(m); after the last month with
//!   observations, the hazard of the last observed year goes on (a
//!   geometric tail), so that nobody stays forever by lack of data.
//! - **The stock** at the start is the people in care on the base day,
//!   each with the months they have been in care.
//! - **Persons per month** in a year is the mean of the 12 month-end
//!   stocks: the measure the seeds use ("aantal personen gemiddeld per
//!   maand", ABF Research 2024 in the Velsen programme).
//!
//! Scenario levers act on these inputs: a share of the inflow moved to
//! another product (e.g. intramural BW to Beschermd Thuis, N % more each
//! year), and outflow faster or slower by a factor on the hazard.

use std::collections::BTreeMap;

/// A length-of-stay distribution as monthly hazards: `hazard[m]` is the
/// chance that someone in care for m whole months leaves in the next one;
/// beyond the table the last value goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    pub hazard: Vec<f64>,
}

/// One observed stay for the survival estimate: months in care, and
/// whether it ended (false: still running at the end of observation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    pub months: u32,
    pub ended: bool,
}

impl Survival {
    /// Kaplan–Meier over monthly durations: per month m, the hazard is the
    /// stays that ended after m months over those at risk (in care m months
    /// or more). Months without anyone at risk take the tail: the hazard of
    /// the last 12 months with someone at risk, pooled.
    pub fn estimate(stays: &[Observed]) -> Survival {
        let max = stays.iter().map(|s| s.months).max().unwrap_or(0) as usize;
        let mut ended = vec![0u32; max + 1];
        let mut leaving_at_risk = vec![0u32; max + 2];
        for s in stays {
            if s.ended {
                ended[s.months as usize] += 1;
            }
            leaving_at_risk[s.months as usize] += 1;
        }
        // At risk in month m: everyone with months >= m.
        let mut at_risk = vec![0u32; max + 1];
        let mut running = 0u32;
        for m in (0..=max).rev() {
            running += leaving_at_risk[m];
            at_risk[m] = running;
        }
        let hazard: Vec<f64> = (0..=max)
            .map(|m| {
                if at_risk[m] == 0 {
                    0.0
                } else {
                    f64::from(ended[m]) / f64::from(at_risk[m])
                }
            })
            .collect();
        // The tail: events over exposure in the last year observed.
        let from = max.saturating_sub(11);
        let (e, r): (u32, u32) =
            (from..=max).fold((0, 0), |(e, r), m| (e + ended[m], r + at_risk[m]));
        let tail = if r == 0 {
            0.0
        } else {
            f64::from(e) / f64::from(r)
        };
        let mut hazard = hazard;
        hazard.push(tail);
        Survival { hazard }
    }

    /// The hazard after `months` in care.
    pub fn at(&self, months: usize) -> f64 {
        self.hazard
            .get(months)
            .or(self.hazard.last())
            .copied()
            .unwrap_or(0.0)
    }

    /// The mean length of stay in months, over `horizon` months.
    pub fn mean_months(&self, horizon: usize) -> f64 {
        let mut alive = 1.0;
        let mut total = 0.0;
        for m in 0..horizon {
            total += alive;
            alive *= 1.0 - self.at(m);
        }
        total
    }
}

/// What the model of one municipality × product starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// Starts per resident per year, by age band (the band's label as in
    /// the population forecast).
    pub inflow_rates: BTreeMap<String, f64>,
    pub survival: Survival,
    /// The people in care on the base day, by whole months in care.
    pub stock_months: Vec<u32>,
}

/// A scenario's levers on one municipality × product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levers {
    /// The share of the inflow moved to another product, more each year:
    /// in year k after the base year k × this share is gone (at most all).
    pub shift_per_year: f64,
    /// The factor on the hazard of leaving (1.0: as observed).
    pub outflow_factor: f64,
}

impl Default for Levers {
    fn default() -> Self {
        Levers {
            shift_per_year: 0.0,
            outflow_factor: 1.0,
        }
    }
}

impl Levers {
    /// The share of the inflow that stays in year k after the base year.
    pub fn inflow_share(&self, k: u32) -> f64 {
        (1.0 - self.shift_per_year * f64::from(k)).clamp(0.0, 1.0)
    }
}

/// One year of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct YearResult {
    pub year: i32,
    /// The mean of the 12 month-end stocks.
    pub persons_per_month: f64,
    pub inflow: f64,
    pub outflow: f64,
}

/// Runs the model from the first month of `base_year` + 1 to December of
/// `last_year`, with the population of each year by band (residents).
/// `moved_in` is the inflow moved to this product from another by a
/// scenario, per month, by year.
pub fn run(
    inputs: &Inputs,
    levers: &Levers,
    population: &dyn Fn(i32, &str) -> f64,
    base_year: i32,
    last_year: i32,
    moved_in: &dyn Fn(i32) -> f64,
) -> Vec<YearResult> {
    // Stock by months in care. Beyond the hazard table the hazard is the
    // tail's, the same for every month, so the last slot holds everyone in
    // care that long or longer: the work per month is the table's length,
    // not the longest stay.
    let slots = inputs.survival.hazard.len().max(1);
    let last = slots - 1;
    let hazard: Vec<f64> = (0..slots)
        .map(|m| (inputs.survival.at(m) * levers.outflow_factor).clamp(0.0, 1.0))
        .collect();
    let mut stock = vec![0.0f64; slots];
    for m in &inputs.stock_months {
        stock[(*m as usize).min(last)] += 1.0;
    }
    let mut out = Vec::new();
    for year in base_year + 1..=last_year {
        let k = (year - base_year) as u32;
        let share = levers.inflow_share(k);
        let monthly_inflow: f64 = inputs
            .inflow_rates
            .iter()
            .map(|(band, rate)| rate * population(year, band))
            .sum::<f64>()
            / 12.0
            * share
            + moved_in(year);
        let (mut sum, mut inflow, mut outflow) = (0.0, 0.0, 0.0);
        for _ in 0..12 {
            // Those in care m months leave with the hazard, the others move
            // one month on (the last slot keeps its own); the new ones
            // arrive at 0 months.
            let leaving = stock[last] * hazard[last];
            outflow += leaving;
            let kept = stock[last] - leaving;
            for m in (0..last).rev() {
                let leaving = stock[m] * hazard[m];
                outflow += leaving;
                stock[m + 1] = stock[m] - leaving;
            }
            if last == 0 {
                stock[0] = kept + monthly_inflow;
            } else {
                stock[last] += kept;
                stock[0] = monthly_inflow;
            }
            inflow += monthly_inflow;
            sum += stock.iter().sum::<f64>();
        }
        out.push(YearResult {
            year,
            persons_per_month: sum / 12.0,
            inflow,
            outflow,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(rate: f64, survival: Survival, stock: Vec<u32>) -> Inputs {
        Inputs {
            inflow_rates: BTreeMap::from([("18+".to_string(), rate)]),
            survival,
            stock_months: stock,
        }
    }

    #[test]
    fn kaplan_meier_counts_running_stays_as_at_risk_only() {
        // Four stays: ended after 0, 1 and 1 months; one still running at
        // 2 months. Month 0: 1 of 4 leaves; month 1: 2 of 3; month 2: 0 of
        // 1 (running); the tail pools the last year: 3 of 8.
        let s = Survival::estimate(&[
            Observed {
                months: 0,
                ended: true,
            },
            Observed {
                months: 1,
                ended: true,
            },
            Observed {
                months: 1,
                ended: true,
            },
            Observed {
                months: 2,
                ended: false,
            },
        ]);
        assert_eq!(s.hazard[..3], [0.25, 2.0 / 3.0, 0.0]);
        assert_eq!(s.at(40), 3.0 / 8.0);
    }

    #[test]
    fn a_constant_inflow_with_a_constant_hazard_settles_at_inflow_over_hazard() {
        // 120 starts a year among 10 000 residents (10 a month), each month
        // a quarter leaves: the steady stock is 10 / 0.25 = 40 at month
        // end, so 40 per month once settled (Little's law).
        let flat = Survival { hazard: vec![0.25] };
        let model = inputs(0.012, flat, Vec::new());
        let years = run(
            &model,
            &Levers::default(),
            &|_, _| 10_000.0,
            2025,
            2040,
            &|_| 0.0,
        );
        let last = years.last().unwrap();
        assert_eq!(last.year, 2040);
        assert!((last.persons_per_month - 40.0).abs() < 1e-9, "{last:?}");
        assert!((last.inflow - 120.0).abs() < 1e-9);
        assert!((last.outflow - 120.0).abs() < 1e-6, "in balance: {last:?}");
        assert!((model.survival.mean_months(1000) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn fixed_stays_of_a_year_hold_a_years_inflow() {
        // Everyone stays exactly 12 months: hazard 0 for months 0–10, 1 in
        // month 11. With 10 starts a month the month-end stock is 120 (12
        // cohorts) — the stock of a year's inflow.
        let mut hazard = vec![0.0; 11];
        hazard.push(1.0);
        let model = inputs(0.012, Survival { hazard }, Vec::new());
        let years = run(
            &model,
            &Levers::default(),
            &|_, _| 10_000.0,
            2025,
            2028,
            &|_| 0.0,
        );
        assert!(
            (years[2].persons_per_month - 120.0).abs() < 1e-9,
            "{years:?}"
        );
    }

    #[test]
    fn the_people_in_care_at_the_start_leave_as_the_distribution_says() {
        // No inflow; 8 people in care with a hazard of one half: 4, 2, 1 …
        // at the month ends; the first year's mean is the sum of 8·½^m for
        // m = 1..12 over 12.
        let model = inputs(0.0, Survival { hazard: vec![0.5] }, vec![3; 8]);
        let years = run(&model, &Levers::default(), &|_, _| 0.0, 2025, 2026, &|_| {
            0.0
        });
        let by_hand: f64 = (1..=12).map(|m| 8.0 * 0.5f64.powi(m)).sum::<f64>() / 12.0;
        assert!((years[0].persons_per_month - by_hand).abs() < 1e-12);
        assert!((years[0].outflow - (8.0 - 8.0 * 0.5f64.powi(12))).abs() < 1e-9);
    }

    #[test]
    fn the_levers_move_inflow_and_speed_outflow() {
        let flat = Survival { hazard: vec![0.25] };
        let model = inputs(0.012, flat, Vec::new());
        // 5 % of the inflow more goes elsewhere each year: in 2040, the
        // 15th year, 75 % is gone, so 30 of the 120 starts remain.
        let levers = Levers {
            shift_per_year: 0.05,
            outflow_factor: 1.0,
        };
        assert_eq!(levers.inflow_share(15), 0.25);
        assert_eq!(levers.inflow_share(30), 0.0, "at most all");
        let years = run(&model, &levers, &|_, _| 10_000.0, 2025, 2040, &|_| 0.0);
        assert!((years.last().unwrap().inflow - 30.0).abs() < 1e-9);
        // Leaving twice as fast: 10 / 0.5 = 20.
        let faster = Levers {
            shift_per_year: 0.0,
            outflow_factor: 2.0,
        };
        let years = run(&model, &faster, &|_, _| 10_000.0, 2025, 2040, &|_| 0.0);
        assert!((years.last().unwrap().persons_per_month - 20.0).abs() < 1e-9);
        // What is moved in is added: 5 a month more at hazard 0.25 is 20.
        let years = run(&model, &Levers::default(), &|_, _| 0.0, 2025, 2040, &|_| {
            5.0
        });
        assert!((years.last().unwrap().persons_per_month - 20.0).abs() < 1e-9);
    }
}
