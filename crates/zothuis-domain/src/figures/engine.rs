//! Computes an indicator from the projection: for a peildatum or a period,
//! within a filter, in total and broken down by one dimension.

use super::catalogue::{Dimension, IndicatorId, Timing};
use super::facts::{
    Day, EntryFact, Facts, NONE, NONE8, NominationFact, OPEN, OUTSIDE, RegistrationFact, Span,
    StayFact, WaitState, date, day,
};
use crate::care::ExitDestination;
use crate::shelter::{RegistrationKind, RegistrationOutcome};
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

    /// Whether a unit at this coordinate counts (its municipality was
    /// already chosen by `units`).
    fn holds(&self, at: &Coord) -> bool {
        let on = |d: Dimension, v: Option<u16>| v.is_none_or(|v| v == at[axis(d)]);
        on(Dimension::Product, self.product)
            && on(Dimension::Aanbieder, self.provider)
            && on(Dimension::Locatie, self.location)
            && on(Dimension::Woongemeente, self.residence)
    }

    /// The marginal coordinate this filter selects within an area of more
    /// than one municipality: the chosen values, `ANY` elsewhere.
    pub fn coord(&self, single_municipality: Option<u16>) -> Coord {
        let mut at = [ANY; AXES];
        let mut set = |d: Dimension, v: Option<u16>| {
            if let Some(v) = v {
                at[axis(d)] = v;
            }
        };
        set(Dimension::Gemeente, single_municipality);
        set(Dimension::Product, self.product);
        set(Dimension::Aanbieder, self.provider);
        set(Dimension::Locatie, self.location);
        set(Dimension::Woongemeente, self.residence);
        at
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
    /// The dimension value's index in the projection (its place in a `Coord`).
    pub at: u16,
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
}

/// Why a query cannot be answered; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

/// Where a counted unit lies on every dimension, in `Dimension::ALL` order
/// (`NONE` where it has no value; `ANY` in a marginal: all values).
pub type Coord = [u16; AXES];

/// The number of dimensions a unit lies on.
pub const AXES: usize = Dimension::ALL.len();

/// In a marginal coordinate: every value of the dimension. (`NONE` is "no
/// value", `NONE - 1` an id the projection does not know.)
pub const ANY: u16 = NONE - 2;

/// No person (a record counted without one, or places).
pub const NO_CLIENT: u32 = u32::MAX;

/// The position of a dimension in a `Coord`.
pub fn axis(d: Dimension) -> usize {
    d as usize
}

/// One thing an indicator counts or measures.
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    pub at: Coord,
    /// The person, for indicators of distinct persons; else `NO_CLIENT`.
    pub client: u32,
    /// Days (a waiting time or length of stay), or for returns the exit day.
    pub value: i64,
    /// How many the unit counts for: 1, or places for capacity, 0 for an
    /// occupant counted only in a rate's numerator.
    pub weight: u32,
    /// Counts in a rate's numerator (an occupant; a return).
    pub hit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agg {
    Count,
    Distinct,
    Median,
    Mean,
    Max,
    /// Occupants over places.
    Ratio,
    /// Per person the first exit in the cell, counted if they returned.
    Returns,
    /// Per person the first exit in the cell: the share that returned.
    ReturnRatio,
    /// Distinct persons none of whose units is a hit (a signal without a
    /// trajectory).
    DistinctWithout,
}

impl Agg {
    pub(crate) fn of(id: IndicatorId) -> Agg {
        use IndicatorId as I;
        match id {
            I::WachtendTotaal
            | I::WachtendAangemeld
            | I::WachtendActief
            | I::WachtendPassief
            | I::InScreening
            | I::Afgevoerd
            | I::Instroom
            | I::Uitstroom
            | I::Overplaatsingen
            | I::Bezetting
            | I::Capaciteit => Agg::Count,
            I::WachttijdMediaan | I::WachttijdGeplaatstMediaan => Agg::Median,
            I::WachttijdGemiddeld | I::WachttijdGeplaatstGemiddeld | I::Verblijfsduur => Agg::Mean,
            I::WachttijdMaximum => Agg::Max,
            I::PersonenUitgestroomd
            | I::UitstroomZelfstandig
            | I::EersteInstroom
            | I::PersonenInZorg
            | I::DakloosNoodopvang
            | I::DakloosTijdelijkeOpvang
            | I::ToegangClienten
            | I::ToegangTrajecten
            | I::ToegangZelfredzaam
            | I::ToegangOpvang
            | I::DreigendDakloos
            | I::UitstroomVoordrachten
            | I::UitstroomWachtend
            | I::UitstroomGehuisvest
            | I::Nazorg => Agg::Distinct,
            I::PactWoningenGerealiseerd
            | I::PactWoningenAfspraak
            | I::ZorgcoordinatieTrajecten
            | I::ZorgcoordinatieMeldingen
            | I::ZorgcoordinatieAfgesloten
            | I::ZorgcoordinatieOpen => Agg::Count,
            I::ZorgcoordinatieBegeleid => Agg::Distinct,
            I::HovTrajecten | I::HovLopend | I::HovAfgesloten | I::HovHuisuitzettingen => {
                Agg::Count
            }
            I::HovGeslaagd => Agg::Ratio,
            I::UitstroomWachttijdMediaan => Agg::Median,
            I::UitstroomWachttijdGemiddeld => Agg::Mean,
            I::PactRealisatie
            | I::UitstroomBinnenNorm
            | I::WoonbehoudTwaalf
            | I::WoonbehoudVierentwintig => Agg::Ratio,
            I::ToegangSignalen => Agg::DistinctWithout,
            I::Terugkeer => Agg::Returns,
            I::Bezettingsgraad => Agg::Ratio,
            I::TerugkeerPercentage => Agg::ReturnRatio,
        }
    }
}

/// What a cell has gathered of its units.
#[derive(Debug, Default, Clone)]
pub(crate) struct Bucket {
    count: u64,
    clients: HashSet<u32>,
    values: Vec<i64>,
    numerator_count: u64,
    /// Per person: the day of their first exit and whether they returned.
    firsts: HashMap<u32, (i64, bool)>,
}

impl Bucket {
    pub(crate) fn add(&mut self, agg: Agg, u: &Unit) {
        match agg {
            Agg::Count => self.count += u64::from(u.weight),
            Agg::Distinct => {
                self.clients.insert(u.client);
            }
            Agg::Median | Agg::Mean | Agg::Max => self.values.push(u.value),
            Agg::Ratio => {
                self.count += u64::from(u.weight);
                self.numerator_count += u64::from(u.hit);
            }
            Agg::Returns | Agg::ReturnRatio => {
                let first = self.firsts.entry(u.client).or_insert((u.value, u.hit));
                if u.value < first.0 {
                    *first = (u.value, u.hit);
                }
            }
            Agg::DistinctWithout => {
                self.firsts.entry(u.client).or_insert((0, false)).1 |= u.hit;
            }
        }
    }

    pub(crate) fn result(&self, agg: Agg) -> Value {
        let returned = || self.firsts.values().filter(|(_, r)| *r).count() as u64;
        match agg {
            Agg::Count => Value::Count(self.count),
            Agg::Distinct => Value::Count(self.clients.len() as u64),
            Agg::Median | Agg::Mean | Agg::Max => Value::Days {
                n: self.values.len() as u64,
                days: stat(agg, &self.values),
            },
            Agg::Ratio => Value::Percent {
                numerator: self.numerator_count,
                denominator: self.count,
            },
            Agg::Returns => Value::Count(returned()),
            Agg::DistinctWithout => {
                Value::Count(self.firsts.values().filter(|(_, hit)| !*hit).count() as u64)
            }
            Agg::ReturnRatio => Value::Percent {
                numerator: returned(),
                denominator: self.firsts.len() as u64,
            },
        }
    }
}

struct Acc {
    agg: Agg,
    total: Bucket,
    cells: BTreeMap<u16, Bucket>,
    breakdown: Option<usize>,
}

impl Acc {
    fn add(&mut self, u: &Unit) {
        self.total.add(self.agg, u);
        if let Some(a) = self.breakdown {
            self.cells.entry(u.at[a]).or_default().add(self.agg, u);
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

fn stay_at(s: &StayFact) -> Coord {
    let mut at = [NONE; AXES];
    at[axis(Dimension::Gemeente)] = s.gemeente;
    at[axis(Dimension::Woongemeente)] = s.residence;
    at[axis(Dimension::Product)] = s.product;
    at[axis(Dimension::Aanbieder)] = s.provider;
    at[axis(Dimension::Locatie)] = s.location;
    at[axis(Dimension::Bestemming)] = wide(s.exit);
    at
}

fn entry_at(e: &EntryFact, span: &Span) -> Coord {
    let mut at = [NONE; AXES];
    at[axis(Dimension::Gemeente)] = e.gemeente;
    at[axis(Dimension::Woongemeente)] = e.residence;
    at[axis(Dimension::Product)] = e.product;
    at[axis(Dimension::Aanbieder)] = span.provider;
    at[axis(Dimension::Reden)] = wide(span.reason);
    at
}

/// A registration at an access point: where it counts and where the person
/// came from.
fn registration_at(r: &RegistrationFact) -> Coord {
    let mut at = [NONE; AXES];
    at[axis(Dimension::Gemeente)] = r.gemeente;
    at[axis(Dimension::Woongemeente)] = r.origin;
    at
}

/// A nomination for outflow, counted for municipality `g` (where the home
/// is sought, or where it lies), with what the person leaves as its reason.
fn nomination_at(n: &NominationFact, g: u16) -> Coord {
    let mut at = [NONE; AXES];
    at[axis(Dimension::Gemeente)] = g;
    at[axis(Dimension::Reden)] = wide(n.leaves);
    at
}

/// Whether outflow indicator `id` is one of the Pact voor uitstroom.
pub(crate) fn is_outflow(id: IndicatorId) -> bool {
    super::catalogue::OUTFLOW.contains(&id)
}

/// The homes of an agreement for `year` that fall in `[from, to]`: a Pact
/// agreement is made per calendar year, so a part of a year (a half-year
/// report) gets its share by days, rounded to whole homes (half up).
fn homes_in(homes: u32, year: i32, from: Day, to: Day) -> u32 {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return 0;
    };
    let (first, last) = (day(first), day(last));
    let overlap = i64::from((to.min(last) - from.max(first) + 1).max(0));
    let length = i64::from(last - first + 1);
    let share = (2 * i64::from(homes) * overlap + length) / (2 * length);
    u32::try_from(share).unwrap_or(0)
}

/// The day `months` calendar months after `d` (`OPEN` past the calendar).
fn months_after(d: Day, months: u32) -> Day {
    date(d)
        .checked_add_months(chrono::Months::new(months))
        .map_or(OPEN, day)
}

/// The units of the outflow indicators (`is_outflow`).
fn outflow_units(
    facts: &Facts,
    id: IndicatorId,
    (from, to): (Day, Day),
    set: Option<&[bool]>,
    emit: &mut impl FnMut(Unit),
) {
    use IndicatorId as I;
    let in_period = |d: Day| from <= d && d <= to;
    let in_set = |g: u16| set.is_none_or(|set| set.get(usize::from(g)).copied().unwrap_or(false));
    let target = facts
        .outflow_target_months
        .unwrap_or(crate::outflow::DEFAULT_TARGET_MONTHS);
    let unit = |n: &NominationFact, g: u16| Unit {
        at: nomination_at(n, g),
        client: n.client,
        value: 0,
        weight: 1,
        hit: false,
    };
    if id == I::PactWoningenAfspraak || id == I::PactRealisatie {
        for q in &facts.quotas {
            let homes = homes_in(q.homes, q.year, from, to);
            if homes > 0 && in_set(q.gemeente) {
                let mut at = [NONE; AXES];
                at[axis(Dimension::Gemeente)] = q.gemeente;
                emit(Unit {
                    at,
                    client: NO_CLIENT,
                    value: 0,
                    weight: homes,
                    hit: false,
                });
            }
        }
        if id == I::PactWoningenAfspraak {
            return;
        }
    }
    for n in &facts.nominations {
        // Where the home lies, once allocated (the municipality sought
        // when the address is not known).
        let home = if n.address == NONE {
            n.gemeente
        } else {
            n.address
        };
        match id {
            I::UitstroomVoordrachten => {
                if in_period(n.nominated) && in_set(n.gemeente) {
                    emit(unit(n, n.gemeente));
                }
            }
            I::UitstroomWachtend => {
                if n.waiting_on(from) && in_set(n.gemeente) {
                    emit(unit(n, n.gemeente));
                }
            }
            I::Nazorg => {
                if n.key != OPEN
                    && n.aftercare_from <= from
                    && from <= n.aftercare_until
                    && in_set(home)
                {
                    emit(unit(n, home));
                }
            }
            I::WoonbehoudTwaalf | I::WoonbehoudVierentwintig => {
                if n.key == OPEN || !in_set(home) {
                    continue;
                }
                let months = if id == I::WoonbehoudTwaalf { 12 } else { 24 };
                let mark = months_after(n.key, months);
                if !in_period(mark) {
                    continue;
                }
                let before_mark = n.housing_on <= mark;
                match n.housing_outcome() {
                    Some(h) if h.ends_knowledge() && before_mark => continue,
                    Some(h) if h.lost_home() && before_mark => emit(unit(n, home)),
                    _ => emit(Unit {
                        hit: true,
                        ..unit(n, home)
                    }),
                }
            }
            _ => {
                if n.key == OPEN || !in_period(n.key) || !in_set(home) {
                    continue;
                }
                let u = unit(n, home);
                match id {
                    I::UitstroomGehuisvest => emit(u),
                    I::PactWoningenGerealiseerd if n.is_pact() => emit(Unit {
                        client: NO_CLIENT,
                        ..u
                    }),
                    I::PactRealisatie if n.is_pact() => emit(Unit {
                        client: NO_CLIENT,
                        weight: 0,
                        hit: true,
                        ..u
                    }),
                    I::UitstroomWachttijdMediaan | I::UitstroomWachttijdGemiddeld => emit(Unit {
                        value: i64::from(n.key - n.nominated),
                        ..u
                    }),
                    I::UitstroomBinnenNorm => emit(Unit {
                        hit: crate::outflow::within_target(date(n.nominated), date(n.key), target),
                        ..u
                    }),
                    _ => {}
                }
            }
        }
    }
}

/// The units of zorgcoördinatie: trajectories and meldingen, counted for
/// the municipality where the person lives or stays.
fn outreach_units(
    facts: &Facts,
    id: IndicatorId,
    (from, to): (Day, Day),
    set: Option<&[bool]>,
    emit: &mut impl FnMut(Unit),
) {
    use IndicatorId as I;
    let in_period = |d: Day| from <= d && d <= to;
    let in_set = |g: u16| set.is_none_or(|set| set.get(usize::from(g)).copied().unwrap_or(false));
    let unit = |g: u16, client: u32| {
        let mut at = [NONE; AXES];
        at[axis(Dimension::Gemeente)] = g;
        Unit {
            at,
            client,
            value: 0,
            weight: 1,
            hit: false,
        }
    };
    if id == I::ZorgcoordinatieMeldingen {
        for r in &facts.outreach_reports {
            if in_period(r.reported) && in_set(r.gemeente) {
                emit(unit(r.gemeente, NO_CLIENT));
            }
        }
        return;
    }
    for t in &facts.outreach {
        if !in_set(t.gemeente) {
            continue;
        }
        let counts = match id {
            I::ZorgcoordinatieTrajecten => in_period(t.started),
            I::ZorgcoordinatieAfgesloten => t.closed != OPEN && in_period(t.closed),
            // Open on the day: started by then and not closed before it
            // (closed on the day itself is closed).
            I::ZorgcoordinatieOpen => t.started <= from && from < t.closed,
            // Supported in the period: started by its last day, not closed
            // before its first.
            _ => t.started <= to && from <= t.closed,
        };
        if counts {
            emit(unit(t.gemeente, t.person));
        }
    }
}

/// The units of Huren Onder Voorwaarden: trajectories, counted for the
/// municipality where the home is, with the aanleiding as reason and the
/// eindresultaat as destination.
fn tenancy_units(
    facts: &Facts,
    id: IndicatorId,
    (from, to): (Day, Day),
    set: Option<&[bool]>,
    emit: &mut impl FnMut(Unit),
) {
    use crate::tenancy::TenancyResult;
    use IndicatorId as I;
    let in_period = |d: Day| from <= d && d <= to;
    for t in &facts.tenancies {
        if !set.is_none_or(|set| set.get(usize::from(t.gemeente)).copied().unwrap_or(false)) {
            continue;
        }
        let ended = t.ended != OPEN && in_period(t.ended);
        let counts = match id {
            I::HovTrajecten => in_period(t.started),
            // Running on the day: started by then and not ended before it
            // (ended on the day itself is ended).
            I::HovLopend => t.started <= from && from < t.ended,
            I::HovHuisuitzettingen => ended && t.result() == Some(TenancyResult::Huisuitzetting),
            _ => ended,
        };
        if counts {
            let mut at = [NONE; AXES];
            at[axis(Dimension::Gemeente)] = t.gemeente;
            at[axis(Dimension::Reden)] = wide(t.reason);
            at[axis(Dimension::Aanbieder)] = t.provider;
            at[axis(Dimension::Bestemming)] = wide(t.result);
            emit(Unit {
                at,
                client: NO_CLIENT,
                value: 0,
                weight: 1,
                hit: t.result().is_some_and(TenancyResult::is_success),
            });
        }
    }
}

/// Where a location is and whose it is, as a coordinate (capacity).
fn place_at(facts: &Facts, location: u16, product: u16) -> Coord {
    let of = |v: &Vec<u16>| v.get(usize::from(location)).copied().unwrap_or(NONE);
    let mut at = [NONE; AXES];
    at[axis(Dimension::Gemeente)] = of(&facts.location_municipality);
    at[axis(Dimension::Product)] = product;
    at[axis(Dimension::Aanbieder)] = of(&facts.location_provider);
    at[axis(Dimension::Locatie)] = location;
    at
}

/// The measured day or period of an indicator, as days.
pub(crate) fn days_of(id: IndicatorId, when: When) -> Result<(Day, Day), QueryError> {
    let info = id.info();
    match (info.timing, when) {
        (Timing::Peildatum, When::On(d)) => Ok((day(d), day(d))),
        (Timing::Periode, When::Period(a, b)) if a <= b => Ok((day(a), day(b))),
        (Timing::Periode, When::Period(..)) => Err(QueryError(
            "het begin van de periode ligt na het einde".into(),
        )),
        (Timing::Peildatum, _) => Err(QueryError(format!(
            "{} wordt op een peildatum gemeten",
            info.name
        ))),
        (Timing::Periode, _) => Err(QueryError(format!(
            "{} wordt over een periode gemeten",
            info.name
        ))),
    }
}

/// Every unit an indicator counts on a day or in a period, among the records
/// of the municipalities in `set` (None: all). The one definition of each
/// indicator: answers and their protection (`protect`) both read it.
pub(crate) fn units(
    facts: &Facts,
    id: IndicatorId,
    (from, to): (Day, Day),
    set: Option<&[bool]>,
    mut emit: impl FnMut(Unit),
) {
    let in_period = |d: Day| from <= d && d <= to;
    let unit = |at: Coord| Unit {
        at,
        client: NO_CLIENT,
        value: 0,
        weight: 1,
        hit: false,
    };
    use IndicatorId as I;
    match id {
        I::WachtendTotaal
        | I::WachtendAangemeld
        | I::WachtendActief
        | I::WachtendPassief
        | I::InScreening
        | I::WachttijdMediaan
        | I::WachttijdGemiddeld
        | I::WachttijdMaximum => {
            for e in facts.entries_in(set) {
                let Some(span) = facts.span_on(e, from) else {
                    continue;
                };
                let counts = match id {
                    I::WachtendAangemeld => span.state == WaitState::Aangemeld,
                    I::WachtendActief => span.state == WaitState::Actief,
                    I::WachtendPassief => span.state == WaitState::Passief,
                    I::InScreening => span.state == WaitState::Screening,
                    _ => span.state.is_open(),
                };
                if counts {
                    emit(Unit {
                        value: i64::from(from - e.since).max(0),
                        ..unit(entry_at(e, span))
                    });
                }
            }
        }
        I::WachttijdGeplaatstMediaan | I::WachttijdGeplaatstGemiddeld | I::Afgevoerd => {
            let wanted = if id == I::Afgevoerd {
                WaitState::Afgevoerd
            } else {
                WaitState::Geplaatst
            };
            for e in facts.entries_in(set) {
                for span in facts.spans_of(e) {
                    if span.state == wanted && in_period(span.from) {
                        emit(Unit {
                            value: i64::from(span.from - e.since).max(0),
                            ..unit(entry_at(e, span))
                        });
                    }
                }
            }
        }
        I::Instroom | I::Overplaatsingen => {
            let transfers = id == I::Overplaatsingen;
            for s in facts.stays_in(set) {
                if s.transferred_in == transfers && in_period(s.start) {
                    emit(unit(stay_at(s)));
                }
            }
        }
        I::Uitstroom
        | I::PersonenUitgestroomd
        | I::Verblijfsduur
        | I::UitstroomZelfstandig
        | I::Terugkeer
        | I::TerugkeerPercentage => {
            let independent = matches!(
                id,
                I::UitstroomZelfstandig | I::Terugkeer | I::TerugkeerPercentage
            );
            for s in facts.stays_in(set) {
                if s.transferred_out
                    || s.end == OPEN
                    || !in_period(s.end)
                    || (independent && !s.left_for_independent_housing())
                {
                    continue;
                }
                emit(Unit {
                    client: s.client,
                    value: i64::from(match id {
                        I::Verblijfsduur => s.end - s.episode_start,
                        _ => s.end,
                    }),
                    hit: s.returned,
                    ..unit(stay_at(s))
                });
            }
        }
        I::EersteInstroom => {
            for s in facts.stays_in(set) {
                if s.first_time && in_period(s.start) {
                    emit(Unit {
                        client: s.client,
                        ..unit(stay_at(s))
                    });
                }
            }
        }
        I::Bezetting => {
            for s in facts.stays_in(set) {
                if s.start <= from && from < s.end {
                    emit(unit(stay_at(s)));
                }
            }
        }
        I::PersonenInZorg => {
            // At least one day in care in the period: started by its last
            // day, left after its first (the day of leaving is not in care).
            for s in facts.stays_in(set) {
                if s.start <= to && from < s.end {
                    emit(Unit {
                        client: s.client,
                        ..unit(stay_at(s))
                    });
                }
            }
        }
        I::DakloosNoodopvang | I::DakloosTijdelijkeOpvang => {
            let wanted = super::facts::ethos_number(id);
            for s in facts.stays_in(set) {
                if facts.ethos_of(s.product) == wanted && s.start <= to && from < s.end {
                    emit(Unit {
                        client: s.client,
                        ..unit(stay_at(s))
                    });
                }
            }
        }
        I::ToegangClienten
        | I::ToegangTrajecten
        | I::ToegangSignalen
        | I::ToegangZelfredzaam
        | I::ToegangOpvang
        | I::DreigendDakloos => {
            for r in facts.registrations_in(set) {
                if !in_period(r.reported) {
                    continue;
                }
                let trajectory = r.is(RegistrationKind::Traject);
                let counts = match id {
                    I::ToegangClienten | I::ToegangSignalen => {
                        trajectory || r.is(RegistrationKind::Signaal)
                    }
                    I::ToegangTrajecten => trajectory,
                    I::ToegangZelfredzaam => {
                        trajectory && r.ended_in(RegistrationOutcome::Zelfredzaam)
                    }
                    I::ToegangOpvang => {
                        trajectory && r.ended_in(RegistrationOutcome::ToegangOpvang)
                    }
                    _ => r.is(RegistrationKind::DreigendDakloos),
                };
                if counts {
                    emit(Unit {
                        client: r.client,
                        hit: trajectory,
                        ..unit(registration_at(r))
                    });
                }
            }
        }
        I::Capaciteit | I::Bezettingsgraad => {
            // Where a location is decides the municipality here. Capacity on
            // the day per (location, product): the covering row ranked last
            // (`reference::capacity_on`).
            let mut places: BTreeMap<(u16, u16), u32> = BTreeMap::new();
            for c in &facts.capacity {
                if c.from <= from && from <= c.to {
                    places.insert((c.location, c.product), c.places);
                }
            }
            let in_set = |at: &Coord| {
                let g = at[axis(Dimension::Gemeente)];
                set.is_none_or(|set| set.get(usize::from(g)).copied().unwrap_or(false))
            };
            for ((l, p), n) in &places {
                let at = place_at(facts, *l, *p);
                if in_set(&at) {
                    emit(Unit {
                        weight: *n,
                        ..unit(at)
                    });
                }
            }
            if id == I::Bezettingsgraad {
                for s in &facts.stays {
                    if s.location == NONE
                        || !(s.start <= from && from < s.end)
                        || !places.contains_key(&(s.location, s.product))
                    {
                        continue;
                    }
                    let at = place_at(facts, s.location, s.product);
                    if in_set(&at) {
                        emit(Unit {
                            weight: 0,
                            hit: true,
                            ..unit(at)
                        });
                    }
                }
            }
        }
        // Huren Onder Voorwaarden (`catalogue::TENANCY`).
        _ if super::catalogue::TENANCY.contains(&id) => {
            tenancy_units(facts, id, (from, to), set, &mut emit)
        }
        // Zorgcoördinatie (`catalogue::OUTREACH`).
        _ if super::catalogue::OUTREACH.contains(&id) => {
            outreach_units(facts, id, (from, to), set, &mut emit)
        }
        // The Pact voor uitstroom (`catalogue::OUTFLOW`).
        _ => outflow_units(facts, id, (from, to), set, &mut emit),
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
    let days = days_of(q.indicator, q.when)?;
    let agg = Agg::of(q.indicator);
    let mut acc = Acc {
        agg,
        total: Bucket::default(),
        cells: BTreeMap::new(),
        breakdown: q.breakdown.map(axis),
    };
    let f = &q.filter;
    units(facts, q.indicator, days, f.municipalities.as_deref(), |u| {
        if f.holds(&u.at) {
            acc.add(&u);
        }
    });
    let total = acc.total.result(agg);
    let cells = match q.breakdown {
        None => Vec::new(),
        Some(d) => cells(facts, d, q, &acc),
    };
    Ok(Answer {
        indicator: q.indicator,
        total,
        cells,
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
        Dimension::Reden | Dimension::Bestemming => {
            let n = coded(d, q.indicator).len();
            keys.extend((0..n).filter_map(|i| u16::try_from(i).ok()));
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
                at: k,
                key,
                label,
                value: acc.cells.get(&k).unwrap_or(&empty).result(acc.agg),
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
        Dimension::Woongemeente if k == OUTSIDE => {
            ("buiten-regio".to_string(), "Buiten de regio".to_string())
        }
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
        Dimension::Reden | Dimension::Bestemming => coded(d, indicator)
            .get(usize::from(k))
            .map(|(code, label)| (code.to_string(), label.to_string()))
            .unwrap_or_else(none),
    }
}

/// The code list behind a reason or destination of an indicator, as
/// (code, label) in the order of its indices.
fn coded(d: Dimension, indicator: IndicatorId) -> Vec<(&'static str, &'static str)> {
    use crate::tenancy::{TenancyReason, TenancyResult};
    fn pairs<T: Copy>(
        all: &[T],
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<(&'static str, &'static str)> {
        all.iter().map(|x| (code(*x), label(*x))).collect()
    }
    let hov = super::catalogue::TENANCY.contains(&indicator);
    match d {
        Dimension::Bestemming if hov => pairs(
            TenancyResult::ALL,
            TenancyResult::code,
            TenancyResult::label,
        ),
        Dimension::Bestemming => pairs(
            ExitDestination::ALL,
            ExitDestination::code,
            ExitDestination::label,
        ),
        _ if hov => pairs(
            TenancyReason::ALL,
            TenancyReason::code,
            TenancyReason::label,
        ),
        _ if is_outflow(indicator) => pairs(
            crate::outflow::OutflowFrom::ALL,
            crate::outflow::OutflowFrom::code,
            crate::outflow::OutflowFrom::label,
        ),
        _ if indicator == IndicatorId::Afgevoerd => pairs(
            RemovalReason::ALL,
            RemovalReason::code,
            RemovalReason::label,
        ),
        _ => pairs(
            PassiveReason::ALL,
            PassiveReason::code,
            PassiveReason::label,
        ),
    }
}
