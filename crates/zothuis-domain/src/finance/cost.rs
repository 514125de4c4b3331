//! The cost of care: days in care × tariff for every stay, attributed to the
//! responsible municipality of its decision, computed from the figures'
//! projection (`figures::Facts`) as known at a moment and the tariffs as
//! known at the same moment. A stay corrected later changes today's cost,
//! not the cost as known before the correction.

use super::model::{Bedrag, TariffFacts};
use crate::figures::facts::{Day, Facts, NONE, OPEN, StayFact, date, day};
use crate::reference::TariffUnit;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// The days in care of a stay that fall in `[from, to)`: the day a stay
/// starts counts, the day of leaving does not (`end` is the day of
/// leaving, as everywhere in zothuis). The Wmo has no national rule for
/// this; zothuis follows the NZa's rule for a day of stay in ggz care
/// ("de dag van opname en de daarop volgende nacht gelden als één
/// verblijfsdag; de dag waarop de patiënt ontslagen wordt geldt niet als
/// verblijfsdag", NZa Regeling ggz NR/REG-1803a art. 5.1.4), so that a
/// transfer from one stay to the next on one day counts that day once.
pub fn care_days(start: Day, end: Day, from: Day, to: Day) -> i64 {
    let a = start.max(from);
    let b = end.min(to);
    i64::from(b.saturating_sub(a).max(0))
}

/// The price of `days` days in care on a tariff: a day tariff times the
/// days; a week, month or year tariff in proportion to the days of that
/// week (7), calendar month or calendar year in which they fall (`on`).
/// Rounded to whole cents, half a cent up, per stay, month and tariff.
pub fn price(unit: TariffUnit, amount: Bedrag, days: i64, on: NaiveDate) -> Bedrag {
    let per: i64 = match unit {
        TariffUnit::PerDag => 1,
        TariffUnit::PerWeek => 7,
        TariffUnit::PerMaand => days_in_month(on),
        TariffUnit::PerJaar => days_in_year(on.year()),
    };
    let numerator = i128::from(amount.0) * i128::from(days);
    let per = i128::from(per);
    // Half up, for amounts of either sign.
    let rounded = if numerator >= 0 {
        (2 * numerator + per) / (2 * per)
    } else {
        -((2 * -numerator + per) / (2 * per))
    };
    Bedrag(i64::try_from(rounded).unwrap_or(i64::MAX))
}

pub(crate) fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

pub(crate) fn days_in_month(d: NaiveDate) -> i64 {
    let first = d.with_day(1).unwrap_or(d);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (next - first).num_days()
}

/// The period an amount is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month,
    Year,
    /// The whole asked period as one.
    Whole,
}

/// Which dimensions the amounts are split by; the others are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Split {
    pub municipality: bool,
    pub product: bool,
    pub provider: bool,
    pub cohort: bool,
}

/// Historical clients: in care on the day their region's regime changes
/// (or the cut-off configured for it); new inflow: everyone else. Budgets
/// differ per cohort (Velsen 8, line a "zorgkosten oude cliënten").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cohort {
    Historisch,
    Nieuw,
}

impl Cohort {
    pub fn code(self) -> &'static str {
        match self {
            Cohort::Historisch => "historisch",
            Cohort::Nieuw => "nieuw",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Cohort::Historisch => "Historische cliënten",
            Cohort::Nieuw => "Nieuwe instroom",
        }
    }
}

/// What is asked: a period, the municipalities (by projection index;
/// `None`: all), optionally one provider, and how to split.
#[derive(Debug, Clone)]
pub struct CostQuery {
    pub from: NaiveDate,
    /// The first day after the period.
    pub to: NaiveDate,
    pub municipalities: Option<Vec<bool>>,
    pub provider_id: Option<i64>,
    pub period: Period,
    pub split: Split,
    /// Per region: the cut-off day of its historical cohort.
    pub cohort_cutoff: HashMap<i64, NaiveDate>,
}

/// One cell: the split dimensions (projection indices, `NONE` when not
/// split) and the period (first day of the month or year, or of the asked
/// period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CostKey {
    pub municipality: u16,
    pub product: u16,
    pub provider: u16,
    pub cohort: Option<Cohort>,
    pub period: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CostCell {
    pub amount: Bedrag,
    pub days: i64,
    /// Distinct clients with a day in care in the cell.
    pub clients: u32,
    pub stays: u32,
}

/// Days in care that no tariff covers, per responsible municipality,
/// product and provider: a problem to solve, never priced at zero silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MissingKey {
    pub municipality: u16,
    pub product: u16,
    pub provider: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Missing {
    pub days: i64,
    pub stays: u32,
    /// The first day without a tariff.
    pub first_day: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostResult {
    pub cells: Vec<(CostKey, CostCell)>,
    pub missing: Vec<(MissingKey, Missing)>,
    pub total: CostCell,
}

/// The tariffs in force, for looking up per (region, product, provider).
pub struct TariffBook<'a> {
    by_key: HashMap<(i64, i64, Option<i64>), Vec<&'a TariffFacts>>,
}

impl<'a> TariffBook<'a> {
    /// `tariffs`: (region, tariff) as known at the moment; withdrawn ones
    /// are left out.
    pub fn new(tariffs: impl IntoIterator<Item = (i64, &'a TariffFacts)>) -> Self {
        let mut by_key: HashMap<_, Vec<&TariffFacts>> = HashMap::new();
        for (region, t) in tariffs {
            if !t.withdrawn {
                by_key
                    .entry((region, t.product_id, t.provider_id))
                    .or_default()
                    .push(t);
            }
        }
        for v in by_key.values_mut() {
            v.sort_by_key(|t| t.valid_from);
        }
        TariffBook { by_key }
    }

    fn list(&self, region: i64, product: i64, provider: Option<i64>) -> &[&'a TariffFacts] {
        self.by_key
            .get(&(region, product, provider))
            .map_or(&[], Vec::as_slice)
    }
}

/// The tariff covering `d` in a list sorted by start (periods of one key
/// do not overlap).
fn covering<'a>(list: &[&'a TariffFacts], d: NaiveDate) -> Option<&'a TariffFacts> {
    let n = list.partition_point(|t| t.valid_from <= d);
    n.checked_sub(1)
        .and_then(|i| list.get(i))
        .copied()
        .filter(|t| t.covers(d))
}

/// Days where the tariff in force may change: starts and the day after ends.
fn boundaries(list: &[&TariffFacts], out: &mut Vec<Day>) {
    for t in list {
        out.push(day(t.valid_from));
        if let Some(u) = t.valid_until {
            out.push(day(u) + 1);
        }
    }
}

/// The tariffs that can price a stay: its provider's own for its product
/// in its region, and the general ones.
fn lists_for<'b, 'a>(
    facts: &Facts,
    book: &'b TariffBook<'a>,
    region: i64,
    s: &StayFact,
) -> (&'b [&'a TariffFacts], &'b [&'a TariffFacts]) {
    let product_id = facts.products.key(s.product).copied().unwrap_or(-1);
    let own = match facts.providers.key(s.provider) {
        Some(p) => book.list(region, product_id, Some(*p)),
        None => &[],
    };
    (own, book.list(region, product_id, None))
}

/// The tariff in force for a stay on a day: its provider's own, else the
/// general one.
pub(crate) fn tariff_on(
    facts: &Facts,
    book: &TariffBook<'_>,
    region: i64,
    s: &StayFact,
    d: NaiveDate,
) -> Option<(TariffUnit, Bedrag)> {
    let (own, shared) = lists_for(facts, book, region, s);
    covering(own, d)
        .or_else(|| covering(shared, d))
        .map(|t| (t.unit, t.amount))
}

/// Computes the cost of care for a query.
pub fn compute(facts: &Facts, book: &TariffBook<'_>, q: &CostQuery) -> CostResult {
    let from = day(q.from);
    let to = day(q.to);
    let month_starts = month_starts(q.from, q.to);
    let provider_index = q
        .provider_id
        .map(|p| facts.providers.get(&p).unwrap_or(NONE - 1));
    let region_of = |m: u16| {
        facts
            .municipality_region
            .get(usize::from(m))
            .copied()
            .unwrap_or(-1)
    };
    let historical = if q.split.cohort {
        historical_clients(facts, &q.cohort_cutoff)
    } else {
        HashSet::new()
    };

    let wanted = |s: &&StayFact| provider_index.is_none_or(|p| p == s.provider);
    // A client is counted once per cell: within one stay its cells come in
    // order, so only clients with more than one stay need remembering.
    let mut stays_of: HashMap<u32, u32> = HashMap::new();
    for s in facts.stays_in(q.municipalities.as_deref()).filter(wanted) {
        *stays_of.entry(s.client).or_default() += 1;
    }
    let mut cells: HashMap<CostKey, CostCell> = HashMap::new();
    let mut seen: HashSet<(CostKey, u32)> = HashSet::new();
    let mut missing: HashMap<MissingKey, (Missing, u32)> = HashMap::new();
    let mut total = CostCell::default();
    let mut cuts: Vec<Day> = Vec::new();

    for s in facts.stays_in(q.municipalities.as_deref()).filter(wanted) {
        let several = stays_of.get(&s.client).is_some_and(|n| *n > 1);
        let a = s.start.max(from);
        let b = if s.end == OPEN { to } else { s.end.min(to) };
        if a >= b {
            continue;
        }
        let (own, shared) = lists_for(facts, book, region_of(s.gemeente), s);
        cuts.clear();
        cuts.push(a);
        cuts.push(b);
        let first_month = month_starts.partition_point(|m| *m <= a);
        for m in month_starts.iter().skip(first_month) {
            if *m >= b {
                break;
            }
            cuts.push(*m);
        }
        boundaries(own, &mut cuts);
        boundaries(shared, &mut cuts);
        cuts.retain(|c| *c >= a && *c <= b);
        cuts.sort_unstable();
        cuts.dedup();
        let cohort = q
            .split
            .cohort
            .then(|| match historical.contains(&s.client) {
                true => Cohort::Historisch,
                false => Cohort::Nieuw,
            });
        let mut counted_total = false;
        let mut last_key: Option<CostKey> = None;
        for w in cuts.windows(2) {
            let (x, y) = (w[0], w[1]);
            let days = i64::from(y - x);
            let on = date(x);
            let tariff = covering(own, on).or_else(|| covering(shared, on));
            let Some(t) = tariff else {
                let k = MissingKey {
                    municipality: s.gemeente,
                    product: s.product,
                    provider: s.provider,
                };
                let (m, last) = missing.entry(k).or_insert((Missing::default(), u32::MAX));
                m.days += days;
                if *last != s.id {
                    m.stays += 1;
                    *last = s.id;
                }
                m.first_day = Some(m.first_day.map_or(on, |f| f.min(on)));
                continue;
            };
            let amount = price(t.unit, t.amount, days, on);
            let key = CostKey {
                municipality: if q.split.municipality {
                    s.gemeente
                } else {
                    NONE
                },
                product: if q.split.product { s.product } else { NONE },
                provider: if q.split.provider { s.provider } else { NONE },
                cohort,
                period: period_start(q, on),
            };
            let cell = cells.entry(key).or_default();
            cell.amount.0 += amount.0;
            cell.days += days;
            if last_key != Some(key) {
                cell.stays += 1;
                if !several || seen.insert((key, s.client)) {
                    cell.clients += 1;
                }
                last_key = Some(key);
            }
            total.amount.0 += amount.0;
            total.days += days;
            if !counted_total {
                total.stays += 1;
                counted_total = true;
                let total_key = CostKey {
                    municipality: NONE,
                    product: NONE,
                    provider: NONE,
                    cohort: None,
                    period: NaiveDate::MIN,
                };
                if !several || seen.insert((total_key, s.client)) {
                    total.clients += 1;
                }
            }
        }
    }
    let mut cells: Vec<_> = cells.into_iter().collect();
    cells.sort_by_key(|(k, _)| *k);
    let mut missing: Vec<_> = missing.into_iter().map(|(k, (m, _))| (k, m)).collect();
    missing.sort_by_key(|(k, _)| *k);
    CostResult {
        cells,
        missing,
        total,
    }
}

fn period_start(q: &CostQuery, on: NaiveDate) -> NaiveDate {
    match q.period {
        Period::Month => on.with_day(1).unwrap_or(on),
        Period::Year => NaiveDate::from_ymd_opt(on.year(), 1, 1).unwrap_or(on),
        Period::Whole => q.from,
    }
}

/// The first days of the calendar months after `from` up to `to`.
fn month_starts(from: NaiveDate, to: NaiveDate) -> Vec<Day> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).unwrap_or(from);
    while m < to {
        if m > from {
            out.push(day(m));
        }
        match m.checked_add_months(chrono::Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// The clients in care on their region's cut-off day (projection client
/// numbers).
fn historical_clients(facts: &Facts, cutoff: &HashMap<i64, NaiveDate>) -> HashSet<u32> {
    let mut out = HashSet::new();
    for s in &facts.stays {
        let region = facts
            .municipality_region
            .get(usize::from(s.gemeente))
            .copied()
            .unwrap_or(-1);
        if let Some(c) = cutoff.get(&region)
            && in_care_on(s, day(*c))
        {
            out.insert(s.client);
        }
    }
    out
}

fn in_care_on(s: &StayFact, d: Day) -> bool {
    s.start <= d && d < s.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_start_day_counts_and_the_day_of_leaving_does_not() {
        let (s, e) = (day(d("2025-01-30")), day(d("2025-02-02")));
        assert_eq!(
            care_days(s, e, day(d("2025-01-01")), day(d("2026-01-01"))),
            3
        );
        assert_eq!(
            care_days(s, e, day(d("2025-02-01")), day(d("2026-01-01"))),
            1
        );
        assert_eq!(
            care_days(s, s, day(d("2025-01-01")), day(d("2026-01-01"))),
            0
        );
    }

    #[test]
    fn prices_are_proportional_to_the_days_of_their_unit_and_rounded_half_up() {
        let day_ = d("2025-02-10");
        assert_eq!(
            price(TariffUnit::PerDag, Bedrag(15_123), 3, day_),
            Bedrag(45_369)
        );
        // February 2025 has 28 days: 14 days of € 3.000,00 is half.
        assert_eq!(
            price(TariffUnit::PerMaand, Bedrag(300_000), 14, day_),
            Bedrag(150_000)
        );
        // € 55.000,00 a year over 10 days of 365: 1.506,849… → 1.506,85.
        assert_eq!(
            price(TariffUnit::PerJaar, Bedrag(5_500_000), 10, day_),
            Bedrag(150_685)
        );
        // 2024 is a leap year: 10 days of 366 → 1.502,732… → 1.502,73.
        assert_eq!(
            price(TariffUnit::PerJaar, Bedrag(5_500_000), 10, d("2024-03-01")),
            Bedrag(150_273)
        );
        // One day of € 1,00 a week: 14,28… cents → 14; of € 0,35: 5 cents exactly.
        assert_eq!(price(TariffUnit::PerWeek, Bedrag(100), 1, day_), Bedrag(14));
        assert_eq!(price(TariffUnit::PerWeek, Bedrag(35), 1, day_), Bedrag(5));
        // Half a cent rounds up: 1 cent a month over 15 of April's 30 days.
        assert_eq!(
            price(TariffUnit::PerMaand, Bedrag(1), 15, d("2025-04-01")),
            Bedrag(1)
        );
    }
}
