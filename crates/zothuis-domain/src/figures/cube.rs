//! The whole figure set at once: one indicator for every municipality ×
//! product × month, in one pass over the projection instead of one query
//! per cell. Peildatum indicators are measured on each month's last day,
//! period indicators over each month. Every cell equals what `engine`
//! answers for that municipality, product and day or month (tested), so the
//! national set, dashboards and the API cannot disagree.

use super::catalogue::{IndicatorId, Timing};
use super::engine::Value;
use super::facts::{Day, Facts, NONE, OPEN, StayFact, WaitState, day};
use crate::care::ExitDestination;
use chrono::{Datelike, Months, NaiveDate};

/// The months of a national set.
#[derive(Debug, Clone)]
pub struct Months12 {
    /// First and last day of each month.
    pub months: Vec<(Day, Day)>,
}

impl Months12 {
    /// Every month from the month of `first` to the month of `last`.
    pub fn between(first: NaiveDate, last: NaiveDate) -> Months12 {
        let mut months = Vec::new();
        let mut m = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
        while m <= last {
            let next = m
                .checked_add_months(Months::new(1))
                .unwrap_or(NaiveDate::MAX);
            let end = next.pred_opt().unwrap_or(m);
            months.push((day(m), day(end)));
            m = next;
        }
        Months12 { months }
    }

    pub fn len(&self) -> usize {
        self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }

    /// The months whose last day falls in `[from, until)`.
    fn ends_within(&self, from: Day, until: Day) -> std::ops::Range<usize> {
        let a = self.months.partition_point(|(_, e)| *e < from);
        let b = self.months.partition_point(|(_, e)| *e < until);
        a..b.max(a)
    }

    /// The month a day falls in.
    fn of(&self, d: Day) -> Option<usize> {
        let i = self.months.partition_point(|(_, e)| *e < d);
        self.months.get(i).filter(|(s, _)| *s <= d).map(|_| i)
    }
}

/// One indicator for every municipality × product × month.
#[derive(Debug, Clone)]
pub struct Cube {
    pub indicator: IndicatorId,
    pub municipalities: usize,
    pub products: usize,
    pub months: usize,
    pub values: Vec<Value>,
}

impl Cube {
    pub fn index(&self, g: usize, p: usize, m: usize) -> usize {
        (g * self.products + p) * self.months + m
    }

    pub fn get(&self, g: usize, p: usize, m: usize) -> Value {
        self.values[self.index(g, p, m)]
    }
}

struct Shape {
    g: usize,
    p: usize,
    m: usize,
}

impl Shape {
    fn cell(&self, g: u16, p: u16, m: usize) -> Option<usize> {
        let (g, p) = (usize::from(g), usize::from(p));
        (g < self.g && p < self.p && m < self.m).then(|| (g * self.p + p) * self.m + m)
    }

    fn size(&self) -> usize {
        self.g * self.p * self.m
    }
}

fn counts(values: Vec<u64>) -> Vec<Value> {
    values.into_iter().map(Value::Count).collect()
}

/// Statistics per cell from (cell, value) pairs.
fn stats(size: usize, mut pairs: Vec<(u32, i32)>, id: IndicatorId) -> Vec<Value> {
    pairs.sort_unstable();
    let mut out = vec![Value::Days { n: 0, days: None }; size];
    let mut i = 0;
    while i < pairs.len() {
        let cell = pairs[i].0;
        let mut j = i;
        while j < pairs.len() && pairs[j].0 == cell {
            j += 1;
        }
        let v: Vec<i64> = pairs[i..j].iter().map(|(_, d)| i64::from(*d)).collect();
        let n = v.len();
        let days = match id {
            IndicatorId::WachttijdMaximum => v.last().map(|x| *x as f64),
            IndicatorId::WachttijdGemiddeld
            | IndicatorId::WachttijdGeplaatstGemiddeld
            | IndicatorId::Verblijfsduur => Some(v.iter().sum::<i64>() as f64 / n as f64),
            _ => {
                let mid = n / 2;
                Some(if n.is_multiple_of(2) {
                    (v[mid - 1] + v[mid]) as f64 / 2.0
                } else {
                    v[mid] as f64
                })
            }
        };
        if let Some(slot) = out.get_mut(cell as usize) {
            *slot = Value::Days { n: n as u64, days };
        }
        i = j;
    }
    out
}

/// Distinct persons per cell from (cell, client) pairs.
fn distinct(size: usize, mut pairs: Vec<(u32, u32)>) -> Vec<Value> {
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = vec![0u64; size];
    for (cell, _) in pairs {
        if let Some(c) = out.get_mut(cell as usize) {
            *c += 1;
        }
    }
    counts(out)
}

fn is_independent(exit: u8) -> bool {
    ExitDestination::ALL
        .get(usize::from(exit))
        .is_some_and(|x| {
            matches!(
                x,
                ExitDestination::Zelfstandig | ExitDestination::ZelfstandigPact
            )
        })
}

/// Computes one indicator for every cell.
pub fn compute(facts: &Facts, months: &Months12, id: IndicatorId) -> Cube {
    let shape = Shape {
        g: facts.municipalities.len(),
        p: facts.products.len(),
        m: months.len(),
    };
    let size = shape.size();
    let cell32 = |g: u16, p: u16, m: usize| shape.cell(g, p, m).map(|c| c as u32);
    use IndicatorId as I;
    let values = match id {
        I::WachtendTotaal
        | I::WachtendAangemeld
        | I::WachtendActief
        | I::WachtendPassief
        | I::InScreening
        | I::WachttijdMediaan
        | I::WachttijdGemiddeld
        | I::WachttijdMaximum => {
            let wanted = |s: WaitState| match id {
                I::WachtendAangemeld => s == WaitState::Aangemeld,
                I::WachtendActief => s == WaitState::Actief,
                I::WachtendPassief => s == WaitState::Passief,
                I::InScreening => s == WaitState::Screening,
                _ => s.is_open(),
            };
            let stat = matches!(
                id,
                I::WachttijdMediaan | I::WachttijdGemiddeld | I::WachttijdMaximum
            );
            let mut diff = vec![
                0i64;
                if stat {
                    0
                } else {
                    shape.g * shape.p * (shape.m + 1)
                }
            ];
            let mut pairs = Vec::new();
            for e in &facts.entries {
                let spans = facts.spans_of(e);
                for (k, span) in spans.iter().enumerate() {
                    if !wanted(span.state) {
                        continue;
                    }
                    let until = spans.get(k + 1).map_or(OPEN, |n| n.from);
                    let range = months.ends_within(span.from, until);
                    if range.is_empty() {
                        continue;
                    }
                    if stat {
                        for m in range {
                            if let Some(c) = cell32(e.gemeente, e.product, m) {
                                pairs.push((c, (months.months[m].1 - e.since).max(0)));
                            }
                        }
                    } else if usize::from(e.gemeente) < shape.g && usize::from(e.product) < shape.p
                    {
                        let base = (usize::from(e.gemeente) * shape.p + usize::from(e.product))
                            * (shape.m + 1);
                        diff[base + range.start] += 1;
                        diff[base + range.end] -= 1;
                    }
                }
            }
            if stat {
                stats(size, pairs, id)
            } else {
                let mut out = vec![0u64; size];
                for gp in 0..shape.g * shape.p {
                    let mut running = 0i64;
                    for m in 0..shape.m {
                        running += diff[gp * (shape.m + 1) + m];
                        out[gp * shape.m + m] = running.max(0) as u64;
                    }
                }
                counts(out)
            }
        }
        I::WachttijdGeplaatstMediaan | I::WachttijdGeplaatstGemiddeld | I::Afgevoerd => {
            let wanted = if id == I::Afgevoerd {
                WaitState::Afgevoerd
            } else {
                WaitState::Geplaatst
            };
            let mut pairs = Vec::new();
            let mut out = vec![0u64; size];
            for e in &facts.entries {
                for span in facts.spans_of(e) {
                    if span.state != wanted {
                        continue;
                    }
                    let Some(m) = months.of(span.from) else {
                        continue;
                    };
                    let Some(c) = shape.cell(e.gemeente, e.product, m) else {
                        continue;
                    };
                    if id == I::Afgevoerd {
                        out[c] += 1;
                    } else {
                        pairs.push((c as u32, (span.from - e.since).max(0)));
                    }
                }
            }
            if id == I::Afgevoerd {
                counts(out)
            } else {
                stats(size, pairs, id)
            }
        }
        I::Instroom | I::Overplaatsingen | I::Uitstroom => {
            let mut out = vec![0u64; size];
            for s in &facts.stays {
                let d = match id {
                    I::Instroom if !s.transferred_in => s.start,
                    I::Overplaatsingen if s.transferred_in => s.start,
                    I::Uitstroom if !s.transferred_out && s.end != OPEN => s.end,
                    _ => continue,
                };
                if let Some(c) = months
                    .of(d)
                    .and_then(|m| shape.cell(s.gemeente, s.product, m))
                {
                    out[c] += 1;
                }
            }
            counts(out)
        }
        I::PersonenUitgestroomd | I::UitstroomZelfstandig | I::EersteInstroom => {
            let mut pairs = Vec::new();
            for s in &facts.stays {
                let d = match id {
                    I::EersteInstroom if s.first_time => s.start,
                    I::PersonenUitgestroomd if !s.transferred_out && s.end != OPEN => s.end,
                    I::UitstroomZelfstandig
                        if !s.transferred_out && s.end != OPEN && is_independent(s.exit) =>
                    {
                        s.end
                    }
                    _ => continue,
                };
                if let Some(c) = months.of(d).and_then(|m| cell32(s.gemeente, s.product, m)) {
                    pairs.push((c, s.client));
                }
            }
            distinct(size, pairs)
        }
        I::Verblijfsduur => {
            let mut pairs = Vec::new();
            for s in &facts.stays {
                if s.transferred_out || s.end == OPEN {
                    continue;
                }
                if let Some(c) = months
                    .of(s.end)
                    .and_then(|m| cell32(s.gemeente, s.product, m))
                {
                    pairs.push((c, s.end - s.episode_start));
                }
            }
            stats(size, pairs, id)
        }
        I::Terugkeer | I::TerugkeerPercentage => {
            // (cell, client, end, returned): each person's first exit per cell.
            let mut exits: Vec<(u32, u32, Day, bool)> = Vec::new();
            for s in &facts.stays {
                if s.transferred_out || s.end == OPEN || !is_independent(s.exit) {
                    continue;
                }
                if let Some(c) = months
                    .of(s.end)
                    .and_then(|m| cell32(s.gemeente, s.product, m))
                {
                    exits.push((c, s.client, s.end, s.returned));
                }
            }
            exits.sort_unstable();
            let mut num = vec![0u64; size];
            let mut den = vec![0u64; size];
            let mut previous: Option<(u32, u32)> = None;
            for (c, client, _, returned) in exits {
                if previous == Some((c, client)) {
                    continue;
                }
                previous = Some((c, client));
                den[c as usize] += 1;
                if returned {
                    num[c as usize] += 1;
                }
            }
            if id == I::Terugkeer {
                counts(num)
            } else {
                num.into_iter()
                    .zip(den)
                    .map(|(numerator, denominator)| Value::Percent {
                        numerator,
                        denominator,
                    })
                    .collect()
            }
        }
        I::Bezetting => {
            let mut diff = vec![0i64; shape.g * shape.p * (shape.m + 1)];
            for s in &facts.stays {
                add_interval(
                    &mut diff, &shape, months, s.gemeente, s.product, s.start, s.end,
                );
            }
            counts(running(&diff, &shape))
        }
        I::Capaciteit | I::Bezettingsgraad => occupancy(facts, months, &shape, id),
    };
    Cube {
        indicator: id,
        municipalities: shape.g,
        products: shape.p,
        months: shape.m,
        values,
    }
}

fn add_interval(
    diff: &mut [i64],
    shape: &Shape,
    months: &Months12,
    g: u16,
    p: u16,
    from: Day,
    until: Day,
) {
    let range = months.ends_within(from, until);
    if range.is_empty() || usize::from(g) >= shape.g || usize::from(p) >= shape.p {
        return;
    }
    let base = (usize::from(g) * shape.p + usize::from(p)) * (shape.m + 1);
    diff[base + range.start] += 1;
    diff[base + range.end] -= 1;
}

fn running(diff: &[i64], shape: &Shape) -> Vec<u64> {
    let mut out = vec![0u64; shape.size()];
    for gp in 0..shape.g * shape.p {
        let mut total = 0i64;
        for m in 0..shape.m {
            total += diff[gp * (shape.m + 1) + m];
            out[gp * shape.m + m] = total.max(0) as u64;
        }
    }
    out
}

/// Capacity and occupancy rate per location municipality × product × month.
fn occupancy(facts: &Facts, months: &Months12, shape: &Shape, id: IndicatorId) -> Vec<Value> {
    // Places per (location, product) on each month's last day: the covering
    // row ranked last (`reference::capacity_on`); rows come sorted.
    let mut places: std::collections::HashMap<(u16, u16), Vec<Option<u32>>> =
        std::collections::HashMap::new();
    let mut i = 0;
    let rows = &facts.capacity;
    while i < rows.len() {
        let key = (rows[i].location, rows[i].product);
        let mut j = i;
        while j < rows.len() && (rows[j].location, rows[j].product) == key {
            j += 1;
        }
        let group = &rows[i..j];
        let per_month = months
            .months
            .iter()
            .map(|(_, end)| {
                group
                    .iter()
                    .rev()
                    .find(|c| c.from <= *end && *end <= c.to)
                    .map(|c| c.places)
            })
            .collect();
        places.insert(key, per_month);
        i = j;
    }
    let municipality_of = |l: u16| {
        facts
            .location_municipality
            .get(usize::from(l))
            .copied()
            .unwrap_or(NONE)
    };
    let mut capacity = vec![0u64; shape.size()];
    for ((l, p), per_month) in &places {
        for (m, n) in per_month.iter().enumerate() {
            if let (Some(n), Some(c)) = (n, shape.cell(municipality_of(*l), *p, m)) {
                capacity[c] += u64::from(*n);
            }
        }
    }
    if id == IndicatorId::Capaciteit {
        return counts(capacity);
    }
    let mut taken = vec![0u64; shape.size()];
    let at_location = |s: &&StayFact| s.location != NONE;
    for s in facts.stays.iter().filter(at_location) {
        let Some(per_month) = places.get(&(s.location, s.product)) else {
            continue;
        };
        for m in months.ends_within(s.start, s.end) {
            if per_month[m].is_some()
                && let Some(c) = shape.cell(municipality_of(s.location), s.product, m)
            {
                taken[c] += 1;
            }
        }
    }
    taken
        .into_iter()
        .zip(capacity)
        .map(|(numerator, denominator)| Value::Percent {
            numerator,
            denominator,
        })
        .collect()
}

/// Two values alike, statistics to a hundredth of a day.
fn same(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Days { n: n1, days: d1 }, Value::Days { n: n2, days: d2 }) => {
            n1 == n2
                && match (d1, d2) {
                    (Some(x), Some(y)) => (x - y).abs() < 0.01,
                    (None, None) => true,
                    _ => false,
                }
        }
        _ => a == b,
    }
}

/// Checks cells of the national set against the engine's answer for the
/// same municipality, product and month: every cell, or every `n`-th one.
/// Returns how many cells were checked, or the first difference.
pub fn check_against_engine(
    facts: &Facts,
    months: &Months12,
    every: Option<usize>,
) -> Result<usize, String> {
    use super::engine::{Filter, Query, When, compute as ask};
    use super::facts::date;
    let step = every.unwrap_or(1).max(1);
    let mut checked = 0;
    let mut n = 0usize;
    for id in IndicatorId::ALL {
        let cube = compute(facts, months, *id);
        for g in 0..cube.municipalities {
            let only: Vec<bool> = (0..cube.municipalities).map(|i| i == g).collect();
            for p in 0..cube.products {
                for (m, (start, end)) in months.months.iter().enumerate() {
                    n += 1;
                    if !n.is_multiple_of(step) {
                        continue;
                    }
                    let when = match id.info().timing {
                        Timing::Peildatum => When::On(date(*end)),
                        Timing::Periode => When::Period(date(*start), date(*end)),
                    };
                    let q = Query {
                        indicator: *id,
                        when,
                        filter: Filter {
                            municipalities: Some(only.clone()),
                            product: u16::try_from(p).ok(),
                            ..Filter::default()
                        },
                        breakdown: None,
                    };
                    let engine = ask(facts, &q).map_err(|e| e.0)?.total;
                    if !same(cube.get(g, p, m), engine) {
                        return Err(format!(
                            "{}: gemeente {g}, product {p}, maand {m}: set {:?}, engine {engine:?}",
                            id.code(),
                            cube.get(g, p, m)
                        ));
                    }
                    checked += 1;
                }
            }
        }
    }
    Ok(checked)
}
