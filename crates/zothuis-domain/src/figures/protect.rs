//! Small-number protection that holds across answers, for roles that see
//! aggregates only (DESIGN.md "Small numbers are suppressed").
//!
//! Hiding cells answer by answer is not enough: a role can ask for a
//! municipality's total in one answer and its values per product in another,
//! or filter on exactly the cell that was hidden as a companion, and
//! subtract. So what is hidden is decided once per indicator family, day or
//! period and area, over every table a role can ask for, and each answer
//! only looks its cells up:
//!
//! - A cell is a marginal of the area's records: values on at most
//!   [`MAX_AXES`] of the indicator's dimensions, every value on the others
//!   (`ANY`). An answer combines at most that many dimensions (filters and
//!   breakdown together), so each number in it is one such cell.
//! - Primary: a cell of 1 to threshold − 1 (or a statistic or rate over so
//!   few) is hidden.
//! - Secondary: every line (the cells that differ on one dimension, with
//!   their marginal as total) and every sum that holds between indicators
//!   (the waiting states add up to the waiting list; the two destinations
//!   "zelfstandig" add up to exits to independent housing) has no lone
//!   hidden cell beside a shown total: a companion is hidden too, the
//!   smallest one, until nothing changes. This is the hypercube heuristic
//!   Statistics Netherlands' τ-ARGUS offers for linked tables, restricted
//!   to the tables that can be asked for.
//! - Near-identical quantities (stays ended and persons exited; the return
//!   rate and the returns) share what is hidden, so that one cannot stand in for
//!   the other; a rate is hidden where its numerator or denominator is.
//! - The choice is deterministic (lines and companions in a fixed order),
//!   so asking again gives the same cells hidden.
//!
//! Not covered: differences between overlapping periods or between
//! moments "as known at" (a period minus a sub-period). Periods are chosen
//! freely on the API; see the closing note of issue 13.

use super::catalogue::{Dimension, IndicatorId};
use super::engine::{ANY, AXES, Agg, Answer, Bucket, Coord, Value, axis, units};
use super::facts::{Day, Facts};
use super::suppress::{Shown, ShownAnswer, is_small};
use crate::care::ExitDestination;
use std::collections::{HashMap, HashSet};

/// The most dimensions one answer may combine (filters and breakdown
/// together) for a role that sees aggregates only.
pub const MAX_AXES: usize = 3;

use IndicatorId as I;

const WAITING: [IndicatorId; 5] = [
    I::WachtendTotaal,
    I::WachtendAangemeld,
    I::WachtendActief,
    I::WachtendPassief,
    I::InScreening,
];
const EXITS: [IndicatorId; 5] = [
    I::Uitstroom,
    I::PersonenUitgestroomd,
    I::UitstroomZelfstandig,
    I::Terugkeer,
    I::TerugkeerPercentage,
];

/// The access point's persons: trajectories and signals only add up to its
/// unique clients, and the outcomes are parts of the trajectories.
const ACCESS_POINT: [IndicatorId; 5] = [
    I::ToegangClienten,
    I::ToegangTrajecten,
    I::ToegangSignalen,
    I::ToegangZelfredzaam,
    I::ToegangOpvang,
];

const IN_CARE: [IndicatorId; 3] = [
    I::PersonenInZorg,
    I::DakloosNoodopvang,
    I::DakloosTijdelijkeOpvang,
];

const HOV_ENDED: [IndicatorId; 2] = [I::HovAfgesloten, I::HovHuisuitzettingen];

const OUTFLOW_HOUSED: [IndicatorId; 2] = [I::UitstroomGehuisvest, I::PactWoningenGerealiseerd];

/// The indicators whose hidden cells are decided together, because sums
/// or near-identities hold between them. None: nothing to protect beyond
/// the value itself (statistics over days, and places).
pub fn family(id: IndicatorId) -> Option<&'static [IndicatorId]> {
    Some(match id {
        _ if WAITING.contains(&id) => &WAITING,
        _ if EXITS.contains(&id) => &EXITS,
        I::Bezetting => &[I::Bezetting],
        I::Bezettingsgraad => &[I::Bezettingsgraad],
        I::Afgevoerd => &[I::Afgevoerd],
        I::Instroom => &[I::Instroom],
        I::Overplaatsingen => &[I::Overplaatsingen],
        I::EersteInstroom => &[I::EersteInstroom],
        // The persons in shelter of an ETHOS Light category are a part of
        // the persons in care per product: decided together.
        _ if IN_CARE.contains(&id) => &IN_CARE,
        _ if ACCESS_POINT.contains(&id) => &ACCESS_POINT,
        I::DreigendDakloos => &[I::DreigendDakloos],
        I::UitstroomVoordrachten => &[I::UitstroomVoordrachten],
        I::UitstroomWachtend => &[I::UitstroomWachtend],
        // Homes realised through the Pact are a part of the persons who got
        // a home through Pact or urgency.
        I::UitstroomGehuisvest | I::PactWoningenGerealiseerd => &OUTFLOW_HOUSED,
        I::Nazorg => &[I::Nazorg],
        I::PactRealisatie => &[I::PactRealisatie],
        I::UitstroomBinnenNorm => &[I::UitstroomBinnenNorm],
        I::WoonbehoudTwaalf => &[I::WoonbehoudTwaalf],
        I::WoonbehoudVierentwintig => &[I::WoonbehoudVierentwintig],
        I::ZorgcoordinatieTrajecten => &[I::ZorgcoordinatieTrajecten],
        I::ZorgcoordinatieMeldingen => &[I::ZorgcoordinatieMeldingen],
        I::ZorgcoordinatieAfgesloten => &[I::ZorgcoordinatieAfgesloten],
        I::ZorgcoordinatieOpen => &[I::ZorgcoordinatieOpen],
        I::ZorgcoordinatieBegeleid => &[I::ZorgcoordinatieBegeleid],
        I::HovTrajecten => &[I::HovTrajecten],
        I::HovLopend => &[I::HovLopend],
        // Evictions are a part of the trajectories that ended.
        I::HovAfgesloten | I::HovHuisuitzettingen => &HOV_ENDED,
        I::HovGeslaagd => &[I::HovGeslaagd],
        _ => return None,
    })
}

/// Where a hidden cell is recorded: quantities that are nearly the same
/// number share it.
fn slot(id: IndicatorId) -> IndicatorId {
    match id {
        I::PersonenUitgestroomd => I::Uitstroom,
        I::TerugkeerPercentage => I::Terugkeer,
        // Not the occupancy rate and occupancy: the rate counts a location's
        // occupants where the location is, occupancy where the client's
        // responsible municipality is. The rate's numerator has lines of its
        // own.
        other => other,
    }
}

/// A rate is also hidden where its denominator is.
fn denominator(id: IndicatorId) -> Option<IndicatorId> {
    (id == I::TerugkeerPercentage).then_some(I::UitstroomZelfstandig)
}

type Key = (IndicatorId, Coord);

/// Which pattern: the projection (address and moment), the family (its
/// first indicator), the days, the area and the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatternKey {
    pub facts: (usize, Option<chrono::DateTime<chrono::Utc>>),
    pub family: IndicatorId,
    pub days: (Day, Day),
    pub area: Option<Vec<bool>>,
    pub threshold: u64,
}

/// Cells that add up to (or bound) a total.
struct Line {
    total: Key,
    parts: Vec<(Key, u64)>,
}

/// What is hidden of one family on one day or period, in one area.
#[derive(Debug, Default)]
pub struct Pattern {
    hidden: HashSet<Key>,
}

/// The number a cell adds to a line: a count, or a rate's numerator.
fn weight(v: Value) -> u64 {
    match v {
        Value::Count(c) => c,
        Value::Days { n, .. } => n,
        Value::Percent { numerator, .. } => numerator,
    }
}

/// Every set of at most `max` of these axes, the empty one included.
fn subsets(axes: &[usize], max: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for &a in axes {
        let more: Vec<Vec<usize>> = out
            .iter()
            .filter(|s| s.len() < max)
            .map(|s| {
                let mut s = s.clone();
                s.push(a);
                s
            })
            .collect();
        out.extend(more);
    }
    out
}

fn dims(id: IndicatorId) -> Vec<usize> {
    id.info().dimensions.iter().map(|d| axis(*d)).collect()
}

fn destination(x: ExitDestination) -> u16 {
    ExitDestination::ALL
        .iter()
        .position(|d| *d == x)
        .and_then(|i| u16::try_from(i).ok())
        .unwrap_or(ANY)
}

impl Pattern {
    /// Decides what is hidden of `family` among the records of the
    /// municipalities in `set` (None: all) on `days`.
    pub fn build(
        facts: &Facts,
        family: &[IndicatorId],
        days: (Day, Day),
        set: Option<&[bool]>,
        threshold: u64,
    ) -> Pattern {
        // Per indicator, every cell's number (a count, or a rate's
        // numerator), one subset of dimensions at a time: a national area
        // has millions of cells, and only their numbers are kept.
        let mut values: HashMap<IndicatorId, HashMap<Coord, u64>> = HashMap::new();
        let mut hidden: HashSet<Key> = HashSet::new();
        for &id in family {
            let agg = Agg::of(id);
            let mut all = Vec::new();
            units(facts, id, days, set, |u| all.push(u));
            let mut cells: HashMap<Coord, u64> = HashMap::new();
            for s in subsets(&dims(id), MAX_AXES) {
                let mut buckets: HashMap<Coord, Bucket> = HashMap::new();
                for u in &all {
                    let mut at = [ANY; AXES];
                    for &a in &s {
                        at[a] = u.at[a];
                    }
                    buckets.entry(at).or_default().add(agg, u);
                }
                for (at, b) in buckets {
                    let v = b.result(agg);
                    if is_small(v, threshold) {
                        hidden.insert((slot(id), at));
                    }
                    cells.insert(at, weight(v));
                }
            }
            cells.shrink_to_fit();
            values.insert(id, cells);
        }
        let value = |id: IndicatorId, at: &Coord| values.get(&id).and_then(|c| c.get(at)).copied();

        let mut lines: Vec<Line> = Vec::new();
        // Within each indicator: the cells that differ on one dimension.
        for &id in family {
            let Some(cells) = values.get(&id) else {
                continue;
            };
            let mut by_total: HashMap<(usize, Coord), Vec<(Key, u64)>> = HashMap::new();
            for (at, v) in cells {
                for a in dims(id) {
                    if at[a] == ANY {
                        continue;
                    }
                    let mut total = *at;
                    total[a] = ANY;
                    by_total
                        .entry((a, total))
                        .or_default()
                        .push(((slot(id), *at), *v));
                }
            }
            lines.extend(by_total.into_iter().map(|((_, total), parts)| Line {
                total: (slot(id), total),
                parts,
            }));
        }
        // Between indicators: the waiting states make up the waiting list.
        if family.contains(&I::WachtendTotaal) {
            for at in values
                .get(&I::WachtendTotaal)
                .into_iter()
                .flat_map(|c| c.keys())
            {
                let parts = WAITING[1..]
                    .iter()
                    .map(|p| ((slot(*p), *at), value(*p, at).unwrap_or(0)))
                    .collect();
                lines.push(Line {
                    total: (I::WachtendTotaal, *at),
                    parts,
                });
            }
        }
        // Exits to independent housing are the exits to its two destinations.
        if family.contains(&I::UitstroomZelfstandig) && family.contains(&I::Uitstroom) {
            let b = axis(Dimension::Bestemming);
            for at in values
                .get(&I::UitstroomZelfstandig)
                .into_iter()
                .flat_map(|c| c.keys())
            {
                if at.iter().filter(|v| **v != ANY).count() >= MAX_AXES {
                    continue;
                }
                let parts = [
                    ExitDestination::Zelfstandig,
                    ExitDestination::ZelfstandigPact,
                ]
                .iter()
                .map(|x| {
                    let mut part = *at;
                    part[b] = destination(*x);
                    (
                        (slot(I::Uitstroom), part),
                        value(I::Uitstroom, &part).unwrap_or(0),
                    )
                })
                .collect();
                lines.push(Line {
                    total: (slot(I::UitstroomZelfstandig), *at),
                    parts,
                });
            }
        }

        // A fixed order, so that the same data always hide the same cells.
        let order = |k: &Key| (k.0.info().code, k.1);
        lines.sort_by(|x, y| order(&x.total).cmp(&order(&y.total)));
        for line in &mut lines {
            line.parts.sort_by(|x, y| order(&x.0).cmp(&order(&y.0)));
        }
        loop {
            let mut changed = false;
            for line in &lines {
                if hidden.contains(&line.total) {
                    continue;
                }
                if line
                    .parts
                    .iter()
                    .filter(|(k, _)| hidden.contains(k))
                    .count()
                    != 1
                {
                    continue;
                }
                let open = || line.parts.iter().filter(|(k, _)| !hidden.contains(k));
                let pick = open()
                    .filter(|(_, v)| *v > 0)
                    .min_by_key(|(_, v)| *v)
                    .or_else(|| open().next())
                    .map(|(k, _)| *k);
                if let Some(k) = pick {
                    hidden.insert(k);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Pattern { hidden }
    }

    /// Whether the cell of `id` at `at` is hidden.
    pub fn hides(&self, id: IndicatorId, at: &Coord) -> bool {
        self.hidden.contains(&(slot(id), *at))
            || denominator(id).is_some_and(|d| self.hidden.contains(&(d, *at)))
    }

    /// How many cells are hidden (for tests and the benchmark).
    pub fn len(&self) -> usize {
        self.hidden.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty()
    }
}

/// How many dimensions an answer combines: its filters (`total_at`) and
/// its breakdown.
pub fn axes_used(total_at: &Coord, breakdown: Option<Dimension>) -> usize {
    let mut used: Vec<usize> = (0..AXES).filter(|a| total_at[*a] != ANY).collect();
    if let Some(d) = breakdown
        && !used.contains(&axis(d))
    {
        used.push(axis(d));
    }
    used.len()
}

/// An answer with what the pattern hides: the total at `total_at`, each
/// cell there with its breakdown value. A hidden value that is not small
/// itself is marked secondary (never "<5").
pub fn show(
    answer: Answer,
    pattern: Option<&Pattern>,
    total_at: Coord,
    breakdown: Option<Dimension>,
    threshold: u64,
) -> ShownAnswer {
    let id = answer.indicator;
    let mark = |value: Value, at: &Coord| {
        let small = is_small(value, threshold);
        let hidden = small || pattern.is_some_and(|p| p.hides(id, at));
        Shown {
            value,
            suppressed: hidden,
            secondary: hidden && !small,
        }
    };
    let total = mark(answer.total, &total_at);
    let cells = answer
        .cells
        .iter()
        .map(|c| {
            let mut at = total_at;
            if let Some(d) = breakdown {
                at[axis(d)] = c.at;
            }
            mark(c.value, &at)
        })
        .collect();
    ShownAnswer {
        answer,
        total,
        cells,
        threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_hold_every_combination_up_to_the_limit() {
        let s = subsets(&[0, 1, 2, 3], 2);
        // 1 empty + 4 single + 6 pairs.
        assert_eq!(s.len(), 11);
        assert!(s.iter().all(|s| s.len() <= 2));
        assert_eq!(subsets(&[0, 1, 2, 3], 3).len(), 15);
    }

    #[test]
    fn every_count_indicator_has_a_family_and_statistics_do_not() {
        for id in IndicatorId::ALL {
            let counts = matches!(
                Agg::of(*id),
                Agg::Count
                    | Agg::Distinct
                    | Agg::DistinctWithout
                    | Agg::Returns
                    | Agg::Ratio
                    | Agg::ReturnRatio
            ) && !matches!(id, I::Capaciteit | I::PactWoningenAfspraak);
            assert_eq!(family(*id).is_some(), counts, "{id:?}");
            if let Some(f) = family(*id) {
                assert!(f.contains(id));
            }
        }
    }
}
