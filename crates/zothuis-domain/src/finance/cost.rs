//! The cost of care: days in care × tariff for every stay, attributed to the
//! responsible municipality of its decision, computed from the figures'
//! projection (`figures::Facts`) as known at a moment and the tariffs as
//! known at the same moment. A stay corrected later changes today's cost,
//! not the cost as known before the correction.

use super::model::{Bedrag, TariffFacts};
use crate::figures::facts::{Day, Facts, NONE, OPEN, StayFact, date, day};
use crate::reference::{CareLevel, Financing, TariffUnit};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

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
    price_per(amount, days, per)
}

/// `amount` × `days` / `per`, rounded to whole cents, half a cent up.
fn price_per(amount: Bedrag, days: i64, per: i64) -> Bedrag {
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
    /// Zorg in natura against pgb.
    pub financing: bool,
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
    pub financing: Option<Financing>,
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
    /// `Financing::index` of the stays.
    pub financing: u8,
    /// Their care intensity level, 0 for none.
    pub level: u8,
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

/// A tariff as the engine reads it: its period as projection days.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DayTariff {
    from: Day,
    /// The first day after the period, or `OPEN`.
    until: Day,
    unit: TariffUnit,
    amount: Bedrag,
}

/// What a list of tariffs is kept under: region, product, provider
/// (`None`: every provider), financing form (`Financing::index`) and care
/// intensity level (0: every level).
type BookKey = (i64, i64, Option<i64>, u8, u8);

/// The tariffs in force, for looking up per (region, product, provider,
/// financing form, level).
pub struct TariffBook {
    index: HashMap<BookKey, usize>,
    lists: Vec<Vec<DayTariff>>,
}

impl TariffBook {
    /// `tariffs`: (region, tariff) as known at the moment; withdrawn ones
    /// are left out.
    pub fn new<'a>(tariffs: impl IntoIterator<Item = (i64, &'a TariffFacts)>) -> Self {
        let mut index = HashMap::new();
        let mut lists: Vec<Vec<DayTariff>> = Vec::new();
        for (region, t) in tariffs {
            if t.withdrawn {
                continue;
            }
            let i = *index
                .entry((
                    region,
                    t.product_id,
                    t.provider_id,
                    t.financing.index(),
                    t.care_level.map_or(0, CareLevel::get),
                ))
                .or_insert_with(|| {
                    lists.push(Vec::new());
                    lists.len() - 1
                });
            if let Some(list) = lists.get_mut(i) {
                list.push(DayTariff {
                    from: day(t.valid_from),
                    // `valid_until` is the last day it applies (tot en met).
                    until: t.valid_until.map_or(OPEN, |u| day(u).saturating_add(1)),
                    unit: t.unit,
                    amount: t.amount,
                });
            }
        }
        for v in &mut lists {
            v.sort_by_key(|t| t.from);
        }
        TariffBook { index, lists }
    }

    fn list(&self, key: BookKey) -> &[DayTariff] {
        self.index
            .get(&key)
            .and_then(|i| self.lists.get(*i))
            .map_or(&[], Vec::as_slice)
    }
}

/// The lists of tariffs that may price a stay, most specific first: the
/// provider's own for the stay's level, its own for every level, the
/// general one for the level, the general one for every level. Only
/// tariffs of the stay's financing form take part.
type Lists<'a> = [&'a [DayTariff]; 4];

/// The order of `Lists`, written once: `own` and `general` find the
/// provider's own list and the general list for a level (0: every level).
fn most_specific_first<'a>(
    level: u8,
    own: impl Fn(u8) -> &'a [DayTariff],
    general: impl Fn(u8) -> &'a [DayTariff],
) -> Lists<'a> {
    if level == 0 {
        [&[], own(0), &[], general(0)]
    } else {
        [own(level), own(0), general(level), general(0)]
    }
}

/// The first tariff of `lists` covering `d`.
fn covering_any<'a>(lists: &Lists<'a>, d: Day) -> Option<&'a DayTariff> {
    lists.iter().find_map(|l| covering(l, d))
}

/// The tariff covering `d` in a list sorted by start (periods of one key
/// do not overlap).
fn covering(list: &[DayTariff], d: Day) -> Option<&DayTariff> {
    let n = list.partition_point(|t| t.from <= d);
    n.checked_sub(1)
        .and_then(|i| list.get(i))
        .filter(|t| d < t.until)
}

/// Days where the tariff in force may change: starts and the day after ends.
fn boundaries(list: &[DayTariff], out: &mut Vec<Day>) {
    for t in list {
        out.push(t.from);
        if t.until != OPEN {
            out.push(t.until);
        }
    }
}

/// What decides a stay's tariff: its region (of the responsible
/// municipality), product, provider, financing form (`Financing::index`)
/// and level (0 for none).
#[derive(Debug, Clone, Copy)]
pub struct PricedBy {
    pub region: i64,
    pub product_id: i64,
    pub provider_id: Option<i64>,
    pub financing: u8,
    pub level: u8,
}

impl PricedBy {
    /// The tariff in force on a day, the most specific first (see `Lists`).
    fn tariff<'a>(&self, book: &'a TariffBook, d: Day) -> Option<&'a DayTariff> {
        let list = |provider: Option<i64>, level: u8| {
            book.list((
                self.region,
                self.product_id,
                provider,
                self.financing,
                level,
            ))
        };
        let lists = most_specific_first(
            self.level,
            |level| self.provider_id.map_or(&[], |p| list(Some(p), level)),
            |level| list(None, level),
        );
        covering_any(&lists, d)
    }
}

/// The tariff in force for a stay of the projection on a day.
pub(crate) fn tariff_on(
    facts: &Facts,
    book: &TariffBook,
    region: i64,
    s: &StayFact,
    d: NaiveDate,
) -> Option<(TariffUnit, Bedrag)> {
    PricedBy {
        region,
        product_id: facts.products.key(s.product).copied().unwrap_or(-1),
        provider_id: facts.providers.key(s.provider).copied(),
        financing: s.financing,
        level: s.level,
    }
    .tariff(book, day(d))
    .map(|t| (t.unit, t.amount))
}

/// The cost of one stay's days in `[from, to)`: priced as the engine does
/// (per month and tariff, rounded once), for the stay's own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StayCost {
    pub amount: Bedrag,
    /// Days in care priced.
    pub days: i64,
    /// Days in care without a tariff (not in the amount).
    pub unpriced_days: i64,
}

pub fn stay_cost(book: &TariffBook, by: &PricedBy, from: NaiveDate, to: NaiveDate) -> StayCost {
    let mut out = StayCost::default();
    // Consecutive days of one month on one tariff, priced together.
    let mut group: Option<(NaiveDate, DayTariff, i64)> = None;
    let close = |g: Option<(NaiveDate, DayTariff, i64)>, out: &mut StayCost| {
        if let Some((month, t, days)) = g {
            out.amount.0 += price(t.unit, t.amount, days, month).0;
        }
    };
    let mut on = from;
    while on < to {
        match by.tariff(book, day(on)) {
            None => out.unpriced_days += 1,
            Some(t) => {
                out.days += 1;
                let month = on.with_day(1).unwrap_or(on);
                match &mut group {
                    Some((m, g, days)) if *m == month && g == t => *days += 1,
                    _ => {
                        close(group.take(), &mut out);
                        group = Some((month, *t, 1));
                    }
                }
            }
        }
        match on.succ_opt() {
            Some(next) => on = next,
            None => break,
        }
    }
    close(group, &mut out);
    out
}

/// Computes the cost of care for a query, on as many threads as the
/// machine offers (at most four) when there is enough to share.
pub fn compute(facts: &Facts, book: &TariffBook, q: &CostQuery) -> CostResult {
    let threads = if facts.stays.len() < 50_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    compute_on(facts, book, q, threads)
}

/// Computes the cost of care on `threads` threads. Each thread takes the
/// clients whose number leaves its remainder, so that a client's stays
/// are all counted by one thread and distinct clients add up.
pub fn compute_on(facts: &Facts, book: &TariffBook, q: &CostQuery, threads: usize) -> CostResult {
    let plan = Plan::new(facts, book, q);
    let threads = u32::try_from(threads.max(1)).unwrap_or(1);
    let mut parts: Vec<Part> = if threads == 1 {
        vec![plan.part(facts, q, 0, 1)]
    } else {
        std::thread::scope(|scope| {
            let plan = &plan;
            let handles: Vec<_> = (0..threads)
                .map(|t| scope.spawn(move || plan.part(facts, q, t, threads)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut all = parts.pop().unwrap_or_else(|| plan.empty_part());
    for p in parts {
        all.add(p);
    }
    plan.result(all)
}

/// One split dimension: the cell slot of each projection index (`NONE`
/// last) and back.
struct Axis {
    slot: Vec<u32>,
    key: Vec<u16>,
}

impl Axis {
    fn new(split: bool, len: usize, keep: impl Fn(usize) -> bool) -> Axis {
        if !split {
            return Axis {
                slot: vec![0; len + 1],
                key: vec![NONE],
            };
        }
        let mut slot = vec![u32::MAX; len + 1];
        let mut key = Vec::new();
        for (i, s) in slot.iter_mut().enumerate().take(len) {
            if keep(i) {
                *s = key.len() as u32;
                key.push(u16::try_from(i).unwrap_or(NONE));
            }
        }
        if let Some(last) = slot.last_mut() {
            *last = key.len() as u32;
        }
        key.push(NONE);
        Axis { slot, key }
    }

    /// The slot of an index (an unknown index counts as `NONE`), or
    /// `u32::MAX` for one left out.
    fn of(&self, i: u16) -> u32 {
        let last = self.slot.len() - 1;
        let i = if i == NONE {
            last
        } else {
            usize::from(i).min(last)
        };
        self.slot.get(i).copied().unwrap_or(u32::MAX)
    }

    fn size(&self) -> u64 {
        self.key.len() as u64
    }
}

/// A calendar month (the first one from the asked day) as the engine
/// prices it.
struct Month {
    start: Day,
    days_in_month: i64,
    days_in_year: i64,
    /// The cell period it belongs to.
    period: u32,
}

/// Beyond this many cells a query's cells are kept in a map rather than
/// an array (about 32 MB per thread at 32 bytes a cell).
const DENSE_CELLS: u64 = 1 << 20;

/// An amount being summed in a cell; `last` is the number (within one
/// thread) of the last client counted in it.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    amount: i64,
    days: i64,
    clients: u32,
    stays: u32,
    last: u32,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.amount += o.amount;
        self.days += o.days;
        self.clients += o.clients;
        self.stays += o.stays;
    }
}

enum Cells {
    Dense(Vec<Acc>),
    Sparse(HashMap<u64, Acc>),
}

impl Cells {
    fn at(&mut self, i: u64) -> Option<&mut Acc> {
        match self {
            Cells::Dense(v) => v.get_mut(usize::try_from(i).ok()?),
            Cells::Sparse(m) => Some(m.entry(i).or_default()),
        }
    }
}

/// What one thread found.
struct Part {
    cells: Cells,
    missing: HashMap<MissingKey, (Missing, u32)>,
    total: CostCell,
}

impl Part {
    fn add(&mut self, o: Part) {
        match (&mut self.cells, o.cells) {
            (Cells::Dense(a), Cells::Dense(b)) => {
                for (x, y) in a.iter_mut().zip(&b) {
                    x.add(y);
                }
            }
            (Cells::Sparse(a), Cells::Sparse(b)) => {
                for (k, y) in b {
                    a.entry(k).or_default().add(&y);
                }
            }
            // Both parts come from one plan: one kind.
            _ => {}
        }
        for (k, (m, _)) in o.missing {
            let (have, _) = self
                .missing
                .entry(k)
                .or_insert((Missing::default(), u32::MAX));
            have.days += m.days;
            have.stays += m.stays;
            have.first_day = match (have.first_day, m.first_day) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        self.total.amount.0 += o.total.amount.0;
        self.total.days += o.total.days;
        self.total.clients += o.total.clients;
        self.total.stays += o.total.stays;
    }
}

/// A provider's own tariffs of (region slot, product, financing, level):
/// the index of their list in the book.
type OwnList = (u32, u16, u8, u8, usize);

/// Everything a thread needs, worked out once per query.
struct Plan<'a> {
    book: &'a TariffBook,
    from: Day,
    to: Day,
    months: Vec<Month>,
    /// The first day of each cell period.
    periods: Vec<NaiveDate>,
    municipality: Axis,
    product: Axis,
    provider: Axis,
    cohorts: u64,
    /// 2 when split by financing form, else 1.
    financings: u64,
    dense: bool,
    provider_index: Option<u16>,
    /// Per municipality: its region's slot.
    region_slot: Vec<u32>,
    products: usize,
    /// Per (region slot × product × financing × level): the general
    /// tariffs' list (`shared_slot`).
    shared: Vec<Option<usize>>,
    /// Per provider: (region slot, product, financing, level, list) of its
    /// own tariffs.
    own: Vec<Vec<OwnList>>,
    /// Clients in care on their region's cut-off, sorted.
    historical: Vec<u32>,
}

impl<'a> Plan<'a> {
    fn new(facts: &Facts, book: &'a TariffBook, q: &CostQuery) -> Plan<'a> {
        let from = day(q.from);
        let to = day(q.to);
        let mut months = Vec::new();
        let mut periods = Vec::new();
        let mut m = q.from;
        while m < q.to {
            let period_day = match q.period {
                Period::Month => m.with_day(1).unwrap_or(m),
                Period::Year => NaiveDate::from_ymd_opt(m.year(), 1, 1).unwrap_or(m),
                Period::Whole => q.from,
            };
            if periods.last() != Some(&period_day) {
                periods.push(period_day);
            }
            months.push(Month {
                start: day(m),
                days_in_month: days_in_month(m),
                days_in_year: days_in_year(m.year()),
                period: periods.len().saturating_sub(1) as u32,
            });
            let first = m.with_day(1).unwrap_or(m);
            match first.checked_add_months(chrono::Months::new(1)) {
                Some(next) => m = next,
                None => break,
            }
        }
        let wanted = |i: usize| {
            q.municipalities
                .as_ref()
                .is_none_or(|set| set.get(i).copied().unwrap_or(false))
        };
        let municipality = Axis::new(q.split.municipality, facts.municipalities.len(), wanted);
        let product = Axis::new(q.split.product, facts.products.len(), |_| true);
        let provider = Axis::new(q.split.provider, facts.providers.len(), |_| true);
        let cohorts = if q.split.cohort { 2 } else { 1 };
        let financings = if q.split.financing { 2 } else { 1 };
        let cells = municipality
            .size()
            .saturating_mul(product.size())
            .saturating_mul(provider.size())
            .saturating_mul(cohorts)
            .saturating_mul(financings)
            .saturating_mul(periods.len() as u64);

        let mut region_ids: Vec<i64> = Vec::new();
        let mut region_slot = Vec::with_capacity(facts.municipality_region.len());
        for r in &facts.municipality_region {
            let slot = match region_ids.iter().position(|x| x == r) {
                Some(i) => i,
                None => {
                    region_ids.push(*r);
                    region_ids.len() - 1
                }
            };
            region_slot.push(slot as u32);
        }
        let products = facts.products.len();
        let mut shared = vec![None; shared_slot(region_ids.len(), products, 0, 0, 0)];
        let mut own: Vec<Vec<OwnList>> = vec![Vec::new(); facts.providers.len()];
        for (&(region, product_id, provider_id, financing, level), &list) in &book.index {
            let (Some(r), Some(p)) = (
                region_ids.iter().position(|x| *x == region),
                facts.products.get(&product_id),
            ) else {
                continue;
            };
            match provider_id {
                None => {
                    let slot = shared_slot(r, products, usize::from(p), financing, level);
                    if let Some(cell) = shared.get_mut(slot) {
                        *cell = Some(list);
                    }
                }
                Some(v) => {
                    if let Some(v) = facts.providers.get(&v)
                        && let Some(lists) = own.get_mut(usize::from(v))
                    {
                        lists.push((r as u32, p, financing, level, list));
                    }
                }
            }
        }
        let mut historical = Vec::new();
        if q.split.cohort {
            for s in &facts.stays {
                let region = facts
                    .municipality_region
                    .get(usize::from(s.gemeente))
                    .copied()
                    .unwrap_or(-1);
                if let Some(c) = q.cohort_cutoff.get(&region)
                    && in_care_on(s, day(*c))
                {
                    historical.push(s.client);
                }
            }
            historical.sort_unstable();
            historical.dedup();
        }
        Plan {
            book,
            from,
            to,
            months,
            periods,
            municipality,
            product,
            provider,
            cohorts,
            financings,
            dense: cells <= DENSE_CELLS,
            provider_index: q
                .provider_id
                .map(|p| facts.providers.get(&p).unwrap_or(NONE - 1)),
            region_slot,
            products,
            shared,
            own,
            historical,
        }
    }

    fn cell_count(&self) -> u64 {
        self.municipality.size()
            * self.product.size()
            * self.provider.size()
            * self.cohorts
            * self.financings
            * self.periods.len() as u64
    }

    fn empty_part(&self) -> Part {
        Part {
            cells: if self.dense {
                Cells::Dense(vec![Acc::default(); self.cell_count() as usize])
            } else {
                Cells::Sparse(HashMap::new())
            },
            missing: HashMap::new(),
            total: CostCell::default(),
        }
    }

    /// The tariffs that may price a stay, most specific first (`Lists`).
    fn lists(&self, s: &StayFact) -> Lists<'_> {
        let none: &[DayTariff] = &[];
        let Some(&r) = self.region_slot.get(usize::from(s.gemeente)) else {
            return [none; 4];
        };
        let list = |i: Option<usize>| {
            i.and_then(|i| self.book.lists.get(i))
                .map_or(none, Vec::as_slice)
        };
        let shared = |level: u8| {
            let slot = shared_slot(
                r as usize,
                self.products,
                usize::from(s.product),
                s.financing,
                level,
            );
            list(self.shared.get(slot).copied().flatten())
        };
        let own = |level: u8| {
            list(self.own.get(usize::from(s.provider)).and_then(|v| {
                v.iter()
                    .find(|(rr, p, f, l, _)| {
                        *rr == r && *p == s.product && *f == s.financing && *l == level
                    })
                    .map(|(.., i)| *i)
            }))
        };
        most_specific_first(s.level, own, shared)
    }

    /// The cells of the clients whose number leaves remainder `thread`.
    fn part(&self, facts: &Facts, q: &CostQuery, thread: u32, threads: u32) -> Part {
        let mut part = self.empty_part();
        let mut order: Vec<(u32, &StayFact)> = facts
            .stays_in(q.municipalities.as_deref())
            .filter(|s| {
                s.client % threads == thread
                    && self.provider_index.is_none_or(|p| p == s.provider)
                    && s.start < self.to
                    && s.end > self.from
            })
            .map(|s| (s.client, s))
            .collect();
        // A client's stays next to each other: a cell counts a client when
        // its last counted client is another one.
        order.sort_unstable_by_key(|(c, _)| *c);
        let mut cuts: Vec<Day> = Vec::new();
        let mut number = 0u32;
        for group in order.chunk_by(|a, b| a.0 == b.0) {
            number += 1;
            let client = group.first().map_or(0, |g| g.0);
            let cohort =
                u64::from(self.cohorts == 2 && self.historical.binary_search(&client).is_err());
            let mut counted = false;
            for (_, s) in group {
                if self.stay(s, cohort, number, &mut cuts, &mut part) {
                    part.total.stays += 1;
                    if !counted {
                        part.total.clients += 1;
                        counted = true;
                    }
                }
            }
        }
        part
    }

    /// Prices one stay into the part's cells; whether any day was priced.
    fn stay(
        &self,
        s: &StayFact,
        cohort: u64,
        number: u32,
        cuts: &mut Vec<Day>,
        part: &mut Part,
    ) -> bool {
        let a = s.start.max(self.from);
        let b = s.end.min(self.to);
        if a >= b {
            return false;
        }
        let (m, p, v) = (
            self.municipality.of(s.gemeente),
            self.product.of(s.product),
            self.provider.of(s.provider),
        );
        if m == u32::MAX {
            return false;
        }
        let financing = if self.financings == 2 {
            u64::from(s.financing.min(1))
        } else {
            0
        };
        let base = ((((u64::from(m) * self.product.size() + u64::from(p)) * self.provider.size()
            + u64::from(v))
            * self.cohorts
            + cohort)
            * self.financings
            + financing)
            * self.periods.len() as u64;
        let lists = self.lists(s);
        cuts.clear();
        cuts.push(a);
        cuts.push(b);
        let mut month = self
            .months
            .partition_point(|m| m.start <= a)
            .saturating_sub(1);
        for m in self.months.iter().skip(month + 1) {
            if m.start >= b {
                break;
            }
            cuts.push(m.start);
        }
        for list in lists {
            boundaries(list, cuts);
        }
        cuts.retain(|c| *c >= a && *c <= b);
        cuts.sort_unstable();
        cuts.dedup();
        let mut priced = false;
        let mut last_cell = u64::MAX;
        // The days of one month on one tariff are priced together and
        // rounded once (`price`), also when a boundary of a tariff that
        // does not apply cuts them: a window adds what the group's price
        // grew by.
        let mut group: Option<(usize, DayTariff, i64, i64)> = None;
        for w in cuts.windows(2) {
            let (x, y) = (w[0], w[1]);
            while self.months.get(month + 1).is_some_and(|m| m.start <= x) {
                month += 1;
            }
            let Some(mo) = self.months.get(month) else {
                continue;
            };
            let days = i64::from(y - x);
            let Some(t) = covering_any(&lists, x) else {
                let k = MissingKey {
                    municipality: s.gemeente,
                    product: s.product,
                    provider: s.provider,
                    financing: s.financing,
                    level: s.level,
                };
                let (missing, last) = part
                    .missing
                    .entry(k)
                    .or_insert((Missing::default(), u32::MAX));
                missing.days += days;
                if *last != s.id {
                    missing.stays += 1;
                    *last = s.id;
                }
                let on = date(x);
                missing.first_day = Some(missing.first_day.map_or(on, |f| f.min(on)));
                continue;
            };
            let per = match t.unit {
                TariffUnit::PerDag => 1,
                TariffUnit::PerWeek => 7,
                TariffUnit::PerMaand => mo.days_in_month,
                TariffUnit::PerJaar => mo.days_in_year,
            };
            let (before_days, before_cents) = match group {
                Some((m, g, d, c)) if m == month && g == *t => (d, c),
                _ => (0, 0),
            };
            let grown = price_per(t.amount, before_days + days, per).0;
            group = Some((month, *t, before_days + days, grown));
            let amount = Bedrag(grown - before_cents);
            let i = base + u64::from(mo.period);
            let Some(cell) = part.cells.at(i) else {
                continue;
            };
            cell.amount += amount.0;
            cell.days += days;
            if i != last_cell {
                cell.stays += 1;
                if cell.last != number {
                    cell.clients += 1;
                    cell.last = number;
                }
                last_cell = i;
            }
            part.total.amount.0 += amount.0;
            part.total.days += days;
            priced = true;
        }
        priced
    }

    /// The cells with a priced day, in key order.
    fn result(&self, all: Part) -> CostResult {
        let key = |mut i: u64| {
            let periods = self.periods.len() as u64;
            let t = (i % periods) as usize;
            i /= periods;
            let f = i % self.financings;
            i /= self.financings;
            let c = i % self.cohorts;
            i /= self.cohorts;
            let v = (i % self.provider.size()) as usize;
            i /= self.provider.size();
            let p = (i % self.product.size()) as usize;
            i /= self.product.size();
            let m = i as usize;
            CostKey {
                municipality: self.municipality.key.get(m).copied().unwrap_or(NONE),
                product: self.product.key.get(p).copied().unwrap_or(NONE),
                provider: self.provider.key.get(v).copied().unwrap_or(NONE),
                cohort: (self.cohorts == 2).then_some(if c == 0 {
                    Cohort::Historisch
                } else {
                    Cohort::Nieuw
                }),
                financing: (self.financings == 2).then_some(if f == 0 {
                    Financing::Zin
                } else {
                    Financing::Pgb
                }),
                period: self.periods.get(t).copied().unwrap_or(NaiveDate::MIN),
            }
        };
        let cell = |a: &Acc| CostCell {
            amount: Bedrag(a.amount),
            days: a.days,
            clients: a.clients,
            stays: a.stays,
        };
        let mut cells: Vec<(CostKey, CostCell)> = match &all.cells {
            Cells::Dense(v) => v
                .iter()
                .enumerate()
                .filter(|(_, a)| a.stays > 0)
                .map(|(i, a)| (key(i as u64), cell(a)))
                .collect(),
            Cells::Sparse(m) => m
                .iter()
                .filter(|(_, a)| a.stays > 0)
                .map(|(i, a)| (key(*i), cell(a)))
                .collect(),
        };
        if !matches!(all.cells, Cells::Dense(_)) {
            cells.sort_by_key(|(k, _)| *k);
        }
        let mut missing: Vec<_> = all.missing.into_iter().map(|(k, (m, _))| (k, m)).collect();
        missing.sort_by_key(|(k, _)| *k);
        CostResult {
            cells,
            missing,
            total: all.total,
        }
    }
}

/// The slot of the general tariffs of (region slot, product, financing,
/// level) among regions × `products` × 2 × 10; with the number of regions
/// as `region` and the rest 0, the number of slots.
fn shared_slot(region: usize, products: usize, product: usize, financing: u8, level: u8) -> usize {
    const LEVELS: usize = CareLevel::MAX as usize + 1;
    ((region * products + product) * 2 + usize::from(financing.min(1))) * LEVELS
        + usize::from(level).min(LEVELS - 1)
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
