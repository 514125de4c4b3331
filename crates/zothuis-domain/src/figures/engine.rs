//! Computes an indicator from the projection: for a peildatum or a period,
//! within a filter, in total and broken down by one dimension.

use super::catalogue::{Dimension, IndicatorId, Timing};
use super::facts::{Facts, NONE, NONE8, OPEN, StayFact, WaitState, day};
use crate::care::ExitDestination;
use crate::waitlist::{PassiveReason, RemovalReason};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// When an indicator is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    On(NaiveDate),
    /// Both days included.
    Period(NaiveDate, NaiveDate),
}

/// Which records count. `municipalities` is indexed by the projection's
/// municipality index (`None`: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub municipalities: Option<Vec<bool>>,
    pub product: Option<u16>,
    pub provider: Option<u16>,
    pub location: Option<u16>,
    /// Only residents of this municipality (`Dimension::Woongemeente`).
    pub residence: Option<u16>,
}

impl Filter {
    fn gemeente(&self, g: u16) -> bool {
        self.municipalities
            .as_ref()
            .is_none_or(|set| set.get(usize::from(g)).copied().unwrap_or(false))
    }

    fn stay(&self, s: &StayFact) -> bool {
        self.gemeente(s.gemeente)
            && self.product.is_none_or(|p| p == s.product)
            && self.provider.is_none_or(|p| p == s.provider)
            && self.location.is_none_or(|l| l == s.location)
            && self.residence.is_none_or(|r| r == s.residence)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub indicator: IndicatorId,
    pub when: When,
    pub filter: Filter,
    pub breakdown: Option<Dimension>,
}

/// A computed value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(u64),
    /// A statistic over `n` values (days); none when `n` is zero.
    Days {
        n: u64,
        days: Option<f64>,
    },
    Percent {
        numerator: u64,
        denominator: u64,
    },
}

impl Value {
    /// The number shown, if any.
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Count(c) => Some(c as f64),
            Value::Days { days, .. } => days,
            Value::Percent {
                numerator,
                denominator,
            } => (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64),
        }
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The code of the dimension value (gemeentecode, product code, id, reason).
    pub key: String,
    pub label: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub indicator: IndicatorId,
    pub total: Value,
    pub cells: Vec<Cell>,
    /// Whether the cells add up to the total (so that suppression must
    /// protect them against subtraction).
    pub additive: bool,
}

/// Why a query cannot be answered; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agg {
    Count,
    Distinct,
    Median,
    Mean,
    Max,
    Ratio,
}

#[derive(Debug, Default, Clone)]
struct Bucket {
    count: u64,
    clients: HashSet<u32>,
    values: Vec<i64>,
    numerator: HashSet<u32>,
    numerator_count: u64,
}

struct Acc {
    agg: Agg,
    total: Bucket,
    cells: BTreeMap<u16, Bucket>,
    breakdown: bool,
}

impl Acc {
    fn new(agg: Agg, breakdown: bool) -> Acc {
        Acc {
            agg,
            total: Bucket::default(),
            cells: BTreeMap::new(),
            breakdown,
        }
    }

    fn each(&mut self, key: u16, f: impl Fn(&mut Bucket)) {
        f(&mut self.total);
        if self.breakdown {
            f(self.cells.entry(key).or_default());
        }
    }

    fn count(&mut self, key: u16) {
        self.each(key, |b| b.count += 1);
    }

    fn client(&mut self, key: u16, client: u32) {
        self.each(key, |b| {
            b.clients.insert(client);
        });
    }

    fn value(&mut self, key: u16, v: i64) {
        self.each(key, |b| b.values.push(v));
    }

    fn result(&self, b: &Bucket) -> Value {
        match self.agg {
            Agg::Count => Value::Count(b.count),
            Agg::Distinct => Value::Count(b.clients.len() as u64),
            Agg::Median | Agg::Mean | Agg::Max => {
                let n = b.values.len() as u64;
                let days = stat(self.agg, &b.values);
                Value::Days { n, days }
            }
            Agg::Ratio => Value::Percent {
                numerator: b.numerator_count + b.numerator.len() as u64,
                denominator: b.count + b.clients.len() as u64,
            },
        }
    }
}

fn stat(agg: Agg, values: &[i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    match agg {
        Agg::Mean => Some(values.iter().sum::<i64>() as f64 / values.len() as f64),
        Agg::Max => values.iter().max().map(|m| *m as f64),
        _ => {
            let mut v = values.to_vec();
            v.sort_unstable();
            let mid = v.len() / 2;
            Some(if v.len().is_multiple_of(2) {
                (v[mid - 1] + v[mid]) as f64 / 2.0
            } else {
                v[mid] as f64
            })
        }
    }
}

/// A one-byte code as a key, with "none" kept apart.
fn wide(code: u8) -> u16 {
    if code == NONE8 { NONE } else { u16::from(code) }
}

fn stay_key(s: &StayFact, d: Option<Dimension>) -> u16 {
    match d {
        Some(Dimension::Product) => s.product,
        Some(Dimension::Aanbieder) => s.provider,
        Some(Dimension::Locatie) => s.location,
        Some(Dimension::Bestemming) => wide(s.exit),
        Some(Dimension::Woongemeente) => s.residence,
        Some(Dimension::Gemeente) | Some(Dimension::Reden) | None => s.gemeente,
    }
}

/// Computes one indicator.
pub fn compute(facts: &Facts, q: &Query) -> Result<Answer, QueryError> {
    let info = q.indicator.info();
    if let Some(d) = q.breakdown
        && !info.dimensions.contains(&d)
    {
        return Err(QueryError(format!(
            "{} kan niet worden uitgesplitst naar {}",
            info.name,
            d.label().to_lowercase()
        )));
    }
    let (from, to) = match (info.timing, q.when) {
        (Timing::Peildatum, When::On(d)) => (day(d), day(d)),
        (Timing::Periode, When::Period(a, b)) if a <= b => (day(a), day(b)),
        (Timing::Periode, When::Period(..)) => {
            return Err(QueryError(
                "het begin van de periode ligt na het einde".into(),
            ));
        }
        (Timing::Peildatum, _) => {
            return Err(QueryError(format!(
                "{} wordt op een peildatum gemeten",
                info.name
            )));
        }
        (Timing::Periode, _) => {
            return Err(QueryError(format!(
                "{} wordt over een periode gemeten",
                info.name
            )));
        }
    };
    let in_period = |d: super::facts::Day| from <= d && d <= to;
    let set = q.filter.municipalities.as_deref();
    let f = &q.filter;
    let b = q.breakdown;
    use IndicatorId as I;
    let agg = match q.indicator {
        I::WachtendTotaal
        | I::WachtendAangemeld
        | I::WachtendActief
        | I::WachtendPassief
        | I::InScreening => Agg::Count,
        I::Afgevoerd | I::Instroom | I::Uitstroom | I::Overplaatsingen | I::Bezetting => Agg::Count,
        I::Capaciteit => Agg::Count,
        I::WachttijdMediaan | I::WachttijdGeplaatstMediaan => Agg::Median,
        I::WachttijdGemiddeld | I::WachttijdGeplaatstGemiddeld | I::Verblijfsduur => Agg::Mean,
        I::WachttijdMaximum => Agg::Max,
        I::PersonenUitgestroomd | I::UitstroomZelfstandig | I::Terugkeer | I::EersteInstroom => {
            Agg::Distinct
        }
        I::Bezettingsgraad | I::TerugkeerPercentage => Agg::Ratio,
    };
    let mut acc = Acc::new(agg, b.is_some());

    match q.indicator {
        I::WachtendTotaal
        | I::WachtendAangemeld
        | I::WachtendActief
        | I::WachtendPassief
        | I::InScreening
        | I::WachttijdMediaan
        | I::WachttijdGemiddeld
        | I::WachttijdMaximum => {
            for e in facts.entries_in(set) {
                // `entries_in` already keeps only the filter's municipalities.
                if f.product.is_some_and(|p| p != e.product)
                    || f.residence.is_some_and(|r| r != e.residence)
                {
                    continue;
                }
                let Some(span) = facts.span_on(e, from) else {
                    continue;
                };
                let counts = match q.indicator {
                    I::WachtendAangemeld => span.state == WaitState::Aangemeld,
                    I::WachtendActief => span.state == WaitState::Actief,
                    I::WachtendPassief => span.state == WaitState::Passief,
                    I::InScreening => {
                        span.state == WaitState::Screening
                            && f.provider.is_none_or(|p| p == span.provider)
                    }
                    _ => span.state.is_open(),
                };
                if !counts {
                    continue;
                }
                let key = match b {
                    Some(Dimension::Product) => e.product,
                    Some(Dimension::Reden) => wide(span.reason),
                    Some(Dimension::Aanbieder) => span.provider,
                    Some(Dimension::Woongemeente) => e.residence,
                    _ => e.gemeente,
                };
                match agg {
                    Agg::Count => acc.count(key),
                    _ => acc.value(key, i64::from(from - e.since).max(0)),
                }
            }
        }
        I::WachttijdGeplaatstMediaan | I::WachttijdGeplaatstGemiddeld | I::Afgevoerd => {
            let wanted = if q.indicator == I::Afgevoerd {
                WaitState::Afgevoerd
            } else {
                WaitState::Geplaatst
            };
            for e in facts.entries_in(set) {
                // `entries_in` already keeps only the filter's municipalities.
                if f.product.is_some_and(|p| p != e.product)
                    || f.residence.is_some_and(|r| r != e.residence)
                {
                    continue;
                }
                for span in facts.spans_of(e) {
                    if span.state != wanted || !in_period(span.from) {
                        continue;
                    }
                    let key = match b {
                        Some(Dimension::Product) => e.product,
                        Some(Dimension::Reden) => wide(span.reason),
                        Some(Dimension::Woongemeente) => e.residence,
                        _ => e.gemeente,
                    };
                    match agg {
                        Agg::Count => acc.count(key),
                        _ => acc.value(key, i64::from(span.from - e.since).max(0)),
                    }
                }
            }
        }
        I::Instroom | I::Overplaatsingen => {
            let transfers = q.indicator == I::Overplaatsingen;
            for s in facts.stays_in(set).filter(|s| f.stay(s)) {
                if s.transferred_in == transfers && in_period(s.start) {
                    acc.count(stay_key(s, b));
                }
            }
        }
        I::Uitstroom | I::PersonenUitgestroomd | I::Verblijfsduur | I::UitstroomZelfstandig => {
            for s in facts.stays_in(set).filter(|s| f.stay(s)) {
                if s.transferred_out || s.end == OPEN || !in_period(s.end) {
                    continue;
                }
                let key = stay_key(s, b);
                match q.indicator {
                    I::Uitstroom => acc.count(key),
                    I::PersonenUitgestroomd => acc.client(key, s.client),
                    I::Verblijfsduur => acc.value(key, i64::from(s.end - s.episode_start)),
                    _ => {
                        if s.left_for_independent_housing() {
                            acc.client(key, s.client)
                        }
                    }
                }
            }
        }
        I::Terugkeer | I::TerugkeerPercentage => {
            // Each person's first exit to independent housing in the period,
            // and whether they started a new stay within 24 months of it.
            let mut first_exit: HashMap<u32, &StayFact> = HashMap::new();
            for s in facts.stays_in(set).filter(|s| f.stay(s)) {
                if s.transferred_out
                    || s.end == OPEN
                    || !in_period(s.end)
                    || !s.left_for_independent_housing()
                {
                    continue;
                }
                if first_exit.get(&s.client).is_none_or(|o| s.end < o.end) {
                    first_exit.insert(s.client, s);
                }
            }
            for (client, s) in first_exit {
                let key = stay_key(s, b);
                if q.indicator == I::Terugkeer {
                    if s.returned {
                        acc.client(key, client);
                    }
                } else {
                    acc.each(key, |bucket| {
                        bucket.clients.insert(client);
                        if s.returned {
                            bucket.numerator.insert(client);
                        }
                    });
                }
            }
        }
        I::EersteInstroom => {
            for s in facts.stays_in(set).filter(|s| f.stay(s)) {
                if s.first_time && in_period(s.start) {
                    acc.client(stay_key(s, b), s.client);
                }
            }
        }
        I::Bezetting => {
            for s in facts.stays_in(set).filter(|s| f.stay(s)) {
                if s.start <= from && from < s.end {
                    acc.count(stay_key(s, b));
                }
            }
        }
        I::Capaciteit | I::Bezettingsgraad => {
            // Where a location is decides the municipality here.
            let location_ok = |l: u16| {
                let g = facts
                    .location_municipality
                    .get(usize::from(l))
                    .copied()
                    .unwrap_or(NONE);
                let p = facts
                    .location_provider
                    .get(usize::from(l))
                    .copied()
                    .unwrap_or(NONE);
                f.gemeente(g)
                    && f.provider.is_none_or(|x| x == p)
                    && f.location.is_none_or(|x| x == l)
            };
            let key_of = |l: u16, product: u16| match b {
                Some(Dimension::Product) => product,
                Some(Dimension::Aanbieder) => facts
                    .location_provider
                    .get(usize::from(l))
                    .copied()
                    .unwrap_or(NONE),
                Some(Dimension::Locatie) => l,
                _ => facts
                    .location_municipality
                    .get(usize::from(l))
                    .copied()
                    .unwrap_or(NONE),
            };
            // Capacity on the day per (location, product): the covering row
            // ranked last (`reference::capacity_on`).
            let mut places: BTreeMap<(u16, u16), u32> = BTreeMap::new();
            for c in &facts.capacity {
                if c.from <= from && from <= c.to {
                    places.insert((c.location, c.product), c.places);
                }
            }
            for ((l, p), n) in &places {
                if !location_ok(*l) || f.product.is_some_and(|x| x != *p) {
                    continue;
                }
                acc.each(key_of(*l, *p), |bucket| bucket.count += u64::from(*n));
            }
            if q.indicator == I::Bezettingsgraad {
                for s in &facts.stays {
                    if s.location == NONE
                        || !(s.start <= from && from < s.end)
                        || !location_ok(s.location)
                        || f.product.is_some_and(|x| x != s.product)
                        || !places.contains_key(&(s.location, s.product))
                    {
                        continue;
                    }
                    acc.each(key_of(s.location, s.product), |bucket| {
                        bucket.numerator_count += 1
                    });
                }
            }
        }
    }

    let total = acc.result(&acc.total);
    let cells = match b {
        None => Vec::new(),
        Some(d) => cells(facts, d, q, &acc),
    };
    // Counts of records add up; distinct persons may be in two cells.
    let additive = agg == Agg::Count;
    Ok(Answer {
        indicator: q.indicator,
        total,
        cells,
        additive,
    })
}

/// The rows of a breakdown: every value of the dimension that occurs, and
/// for municipalities, reasons and destinations every possible one (within
/// the filter), so that zeros are shown.
fn cells(facts: &Facts, d: Dimension, q: &Query, acc: &Acc) -> Vec<Cell> {
    let mut keys: Vec<u16> = acc.cells.keys().copied().collect();
    match d {
        // The area's municipalities, also where no one lives or is counted.
        Dimension::Gemeente | Dimension::Woongemeente => {
            for g in 0..facts.municipalities.len() {
                let g = u16::try_from(g).unwrap_or(NONE);
                if q.filter.gemeente(g) && q.filter.municipalities.is_some() {
                    keys.push(g);
                }
            }
        }
        Dimension::Reden => {
            let n = if q.indicator == IndicatorId::Afgevoerd {
                RemovalReason::ALL.len()
            } else {
                PassiveReason::ALL.len()
            };
            keys.extend((0..n).filter_map(|i| u16::try_from(i).ok()));
        }
        Dimension::Bestemming => {
            keys.extend((0..ExitDestination::ALL.len()).filter_map(|i| u16::try_from(i).ok()));
        }
        _ => {}
    }
    keys.sort_unstable();
    keys.dedup();
    let empty = Bucket::default();
    let mut out: Vec<Cell> = keys
        .into_iter()
        .map(|k| {
            let (key, label) = label(facts, d, q.indicator, k);
            Cell {
                key,
                label,
                value: acc.result(acc.cells.get(&k).unwrap_or(&empty)),
            }
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn label(facts: &Facts, d: Dimension, indicator: IndicatorId, k: u16) -> (String, String) {
    let none = || ("geen".to_string(), "(onbekend)".to_string());
    if k == NONE {
        return none();
    }
    match d {
        Dimension::Gemeente | Dimension::Woongemeente => facts
            .municipalities
            .key(k)
            .map(|c| {
                let name = facts.names.municipality.get(c).cloned().unwrap_or_default();
                (c.to_string(), name)
            })
            .unwrap_or_else(none),
        Dimension::Product => facts
            .products
            .key(k)
            .and_then(|id| facts.names.product.get(id))
            .map(|(code, name)| (code.clone(), name.clone()))
            .unwrap_or_else(none),
        Dimension::Aanbieder => facts
            .providers
            .key(k)
            .map(|id| {
                let name = facts.names.provider.get(id).cloned().unwrap_or_default();
                (id.to_string(), name)
            })
            .unwrap_or_else(none),
        Dimension::Locatie => facts
            .locations
            .key(k)
            .map(|id| {
                let name = facts.names.location.get(id).cloned().unwrap_or_default();
                (id.to_string(), name)
            })
            .unwrap_or_else(none),
        Dimension::Reden => {
            let i = usize::from(k);
            if indicator == IndicatorId::Afgevoerd {
                RemovalReason::ALL
                    .get(i)
                    .map(|r| (r.code().to_string(), r.label().to_string()))
                    .unwrap_or_else(none)
            } else {
                PassiveReason::ALL
                    .get(i)
                    .map(|r| (r.code().to_string(), r.label().to_string()))
                    .unwrap_or_else(none)
            }
        }
        Dimension::Bestemming => ExitDestination::ALL
            .get(usize::from(k))
            .map(|x| (x.code().to_string(), x.label().to_string()))
            .unwrap_or_else(none),
    }
}
