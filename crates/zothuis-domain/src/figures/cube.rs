//! The whole figure set at once: one indicator for every municipality ×
//! product × month, in one pass over the projection instead of one query
//! per cell. Peildatum indicators are measured on each month's last day,
//! period indicators over each month. Every cell equals what `engine`
//! answers for that municipality, product and day or month (tested), so the
//! national set, dashboards and the API cannot disagree.

use super::catalogue::{IndicatorId, Timing};
use super::engine::Value;
use super::facts::{Day, Facts, NONE, OPEN, WaitState, day};
use chrono::{Datelike, Months, NaiveDate};

/// The months of a national set.
#[derive(Debug, Clone)]
pub struct Months12 {
    /// First and last day of each month.
    pub months: Vec<(Day, Day)>,
    /// For each day from the first month's first day: its month.
    lookup: Vec<u16>,
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
        let mut lookup = Vec::new();
        for (i, (start, end)) in months.iter().enumerate() {
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            lookup.extend(std::iter::repeat_n(i, (end - start + 1).max(0) as usize));
        }
        Months12 { months, lookup }
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
        let first = self.months.first()?.0;
        let offset = usize::try_from(d.checked_sub(first)?).ok()?;
        self.lookup.get(offset).map(|m| usize::from(*m))
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

/// A pass over (cell, value) pairs that hands each to the callback.
type Visit<'a, T> = &'a dyn Fn(&mut dyn FnMut(usize, T));

/// Values grouped by cell (a counting sort): `offsets[c]..offsets[c + 1]`.
struct Grouped<T> {
    offsets: Vec<u32>,
    values: Vec<T>,
}

/// Values grouped by cell without collecting pairs first: `visit` is run
/// twice, once to count per cell and once to place each value.
fn group_visited<T: Copy + Default>(size: usize, visit: Visit<'_, T>) -> Grouped<T> {
    let mut offsets = vec![0u32; size + 1];
    visit(&mut |c, _| offsets[c + 1] += 1);
    for i in 0..size {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut values = vec![T::default(); offsets[size] as usize];
    visit(&mut |c, v| {
        values[next[c] as usize] = v;
        next[c] += 1;
    });
    Grouped { offsets, values }
}

/// Statistics of days per cell from a visit of every (cell, days): sums
/// and maxima directly; the median from a two-pass counting sort of the day
/// counts alone (four bytes each).
fn day_stats(size: usize, id: IndicatorId, visit: Visit<'_, i32>) -> Vec<Value> {
    let mut n = vec![0u32; size];
    let median = matches!(
        id,
        IndicatorId::WachttijdMediaan | IndicatorId::WachttijdGeplaatstMediaan
    );
    if !median {
        let mut sum = vec![0i64; size];
        let mut max = vec![0i32; size];
        visit(&mut |c, v| {
            n[c] += 1;
            sum[c] += i64::from(v);
            max[c] = max[c].max(v);
        });
        return (0..size)
            .map(|c| Value::Days {
                n: u64::from(n[c]),
                days: (n[c] > 0).then(|| {
                    if id == IndicatorId::WachttijdMaximum {
                        f64::from(max[c])
                    } else {
                        sum[c] as f64 / f64::from(n[c])
                    }
                }),
            })
            .collect();
    }
    visit(&mut |c, _| n[c] += 1);
    let mut offsets = vec![0usize; size + 1];
    for c in 0..size {
        offsets[c + 1] = offsets[c] + n[c] as usize;
    }
    let mut next = offsets.clone();
    let mut values = vec![0i32; offsets[size]];
    visit(&mut |c, v| {
        values[next[c]] = v;
        next[c] += 1;
    });
    (0..size)
        .map(|c| {
            let v = &mut values[offsets[c]..offsets[c + 1]];
            let count = v.len();
            if count == 0 {
                return Value::Days { n: 0, days: None };
            }
            let mid = count / 2;
            let (_, upper, _) = v.select_nth_unstable(mid);
            let upper = f64::from(*upper);
            let days = if count.is_multiple_of(2) {
                let lower = v[..mid].iter().max().map_or(upper, |x| f64::from(*x));
                (lower + upper) / 2.0
            } else {
                upper
            };
            Value::Days {
                n: count as u64,
                days: Some(days),
            }
        })
        .collect()
}

/// Distinct persons per cell from clients grouped by cell.
fn distinct(size: usize, mut g: Grouped<u32>) -> Vec<Value> {
    (0..size)
        .map(|c| {
            let v = &mut g.values[g.offsets[c] as usize..g.offsets[c + 1] as usize];
            v.sort_unstable();
            let mut n = 0u64;
            let mut previous = None;
            for x in v.iter() {
                if previous != Some(*x) {
                    n += 1;
                    previous = Some(*x);
                }
            }
            Value::Count(n)
        })
        .collect()
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
            if stat {
                // Every waiting day count of every month, visited without
                // being collected (a national list is millions long).
                let visit = |f: &mut dyn FnMut(usize, i32)| {
                    for e in &facts.entries {
                        let spans = facts.spans_of(e);
                        for (k, span) in spans.iter().enumerate() {
                            if !span.state.is_open() {
                                continue;
                            }
                            let until = spans.get(k + 1).map_or(OPEN, |n| n.from);
                            for m in months.ends_within(span.from, until) {
                                if let Some(c) = shape.cell(e.gemeente, e.product, m) {
                                    f(c, (months.months[m].1 - e.since).max(0));
                                }
                            }
                        }
                    }
                };
                day_stats(size, id, &visit)
            } else {
                let mut diff = vec![0i64; shape.g * shape.p * (shape.m + 1)];
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
                        if usize::from(e.gemeente) < shape.g && usize::from(e.product) < shape.p {
                            let base = (usize::from(e.gemeente) * shape.p + usize::from(e.product))
                                * (shape.m + 1);
                            diff[base + range.start] += 1;
                            diff[base + range.end] -= 1;
                        }
                    }
                }
                counts(running(&diff, &shape))
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
                day_stats(size, id, &|f| {
                    pairs.iter().for_each(|(c, v)| f(*c as usize, *v))
                })
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
            let visit = |f: &mut dyn FnMut(usize, u32)| {
                for s in &facts.stays {
                    let d = match id {
                        I::EersteInstroom if s.first_time => s.start,
                        I::PersonenUitgestroomd if !s.transferred_out && s.end != OPEN => s.end,
                        I::UitstroomZelfstandig
                            if !s.transferred_out
                                && s.end != OPEN
                                && s.left_for_independent_housing() =>
                        {
                            s.end
                        }
                        _ => continue,
                    };
                    if let Some(c) = months
                        .of(d)
                        .and_then(|m| shape.cell(s.gemeente, s.product, m))
                    {
                        f(c, s.client);
                    }
                }
            };
            distinct(size, group_visited(size, &visit))
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
            day_stats(size, id, &|f| {
                pairs.iter().for_each(|(c, v)| f(*c as usize, *v))
            })
        }
        I::Terugkeer | I::TerugkeerPercentage => {
            // Per cell each person's first exit, and whether they returned.
            let visit = |f: &mut dyn FnMut(usize, (u32, Day, bool))| {
                for s in &facts.stays {
                    if s.transferred_out || s.end == OPEN || !s.left_for_independent_housing() {
                        continue;
                    }
                    if let Some(c) = months
                        .of(s.end)
                        .and_then(|m| shape.cell(s.gemeente, s.product, m))
                    {
                        f(c, (s.client, s.end, s.returned));
                    }
                }
            };
            let mut g = group_visited(size, &visit);
            let mut num = vec![0u64; size];
            let mut den = vec![0u64; size];
            for c in 0..size {
                let v = &mut g.values[g.offsets[c] as usize..g.offsets[c + 1] as usize];
                v.sort_unstable();
                let mut previous = None;
                for (client, _, returned) in v.iter() {
                    if previous == Some(*client) {
                        continue;
                    }
                    previous = Some(*client);
                    den[c] += 1;
                    if *returned {
                        num[c] += 1;
                    }
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
        I::PersonenInZorg | I::DakloosNoodopvang | I::DakloosTijdelijkeOpvang => {
            // Every product, or those of one ETHOS Light category.
            let wanted = super::facts::ethos_number(id);
            let visit = |f: &mut dyn FnMut(usize, u32)| {
                for s in facts
                    .stays
                    .iter()
                    .filter(|s| wanted == 0 || facts.ethos_of(s.product) == wanted)
                {
                    // The months with a day in care: from the one ending on
                    // or after the start to the last starting before leaving.
                    let a = months.months.partition_point(|(_, last)| *last < s.start);
                    let b = months.months.partition_point(|(first, _)| *first < s.end);
                    for m in a..b.max(a) {
                        if let Some(c) = shape.cell(s.gemeente, s.product, m) {
                            f(c, s.client);
                        }
                    }
                }
            };
            distinct(size, group_visited(size, &visit))
        }
        // Registrations at an access point have no product: per product
        // the engine counts none of them either (`check_against_engine`).
        I::ToegangClienten
        | I::ToegangTrajecten
        | I::ToegangSignalen
        | I::ToegangZelfredzaam
        | I::ToegangOpvang
        | I::DreigendDakloos => vec![Value::Count(0); size],
        // Nominations and Pact agreements (`catalogue::OUTFLOW`) have no
        // product either.
        _ => {
            vec![super::engine::Bucket::default().result(super::engine::Agg::of(id)); size]
        }
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
    const NO_ROW: u32 = u32::MAX;
    // Places per (location, product) on each month's last day: the covering
    // row ranked last (`reference::capacity_on`); rows come sorted. Flat:
    // `places[(location * products + product) * months + m]`.
    let locations = facts.locations.len();
    let pairs = locations * shape.p;
    let mut places = vec![NO_ROW; pairs * shape.m];
    let mut has_places = vec![false; pairs];
    let rows = &facts.capacity;
    let mut i = 0;
    while i < rows.len() {
        let key = (rows[i].location, rows[i].product);
        let mut j = i;
        while j < rows.len() && (rows[j].location, rows[j].product) == key {
            j += 1;
        }
        let (l, p) = (usize::from(key.0), usize::from(key.1));
        if l < locations && p < shape.p {
            let pair = l * shape.p + p;
            has_places[pair] = true;
            for (m, (_, end)) in months.months.iter().enumerate() {
                if let Some(c) = rows[i..j]
                    .iter()
                    .rev()
                    .find(|c| c.from <= *end && *end <= c.to)
                {
                    places[pair * shape.m + m] = c.places;
                }
            }
        }
        i = j;
    }
    let municipality_of = |l: usize| facts.location_municipality.get(l).copied().unwrap_or(NONE);
    let mut capacity = vec![0u64; shape.size()];
    for pair in (0..pairs).filter(|p| has_places[*p]) {
        let (l, p) = (pair / shape.p, pair % shape.p);
        for m in 0..shape.m {
            let n = places[pair * shape.m + m];
            if n != NO_ROW
                && let Some(c) = shape.cell(municipality_of(l), p as u16, m)
            {
                capacity[c] += u64::from(n);
            }
        }
    }
    if id == IndicatorId::Capaciteit {
        return counts(capacity);
    }
    let mut taken = vec![0u64; shape.size()];
    for s in facts.stays.iter().filter(|s| s.location != NONE) {
        let (l, p) = (usize::from(s.location), usize::from(s.product));
        if l >= locations || p >= shape.p || !has_places[l * shape.p + p] {
            continue;
        }
        let pair = l * shape.p + p;
        let g = municipality_of(l);
        for m in months.ends_within(s.start, s.end) {
            if places[pair * shape.m + m] != NO_ROW
                && let Some(c) = shape.cell(g, s.product, m)
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

/// The whole set: every indicator, computed on `threads` threads (each
/// indicator on one), handed to `visit` as it is ready and then dropped, so
/// that only a few cubes are in memory at a time.
pub fn national_set(
    facts: &Facts,
    months: &Months12,
    threads: usize,
    visit: &(dyn Fn(Cube) + Sync),
) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(id) = IndicatorId::ALL.get(i) else {
                        break;
                    };
                    visit(compute(facts, months, *id));
                }
            });
        }
    });
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
