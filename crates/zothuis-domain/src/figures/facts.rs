//! The columnar projection the indicators are computed from: the journey's
//! history resolved as known at one moment (corrections recorded by then
//! applied, later ones not), with every code replaced by a small index.
//! Built once per moment, it answers any peildatum or period without going
//! back to the database.

use crate::care::{ExitDestination, StayHeader, StayVersion};
use crate::reference::{CapacityRow, GemeenteCode, Location, Municipality, Product, Provider};
use crate::waitlist::{Entry, PassiveReason, RemovalReason, Status, Transition};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::collections::HashMap;

/// A calendar day as a number (days from the common era), so that the
/// engine compares integers.
pub type Day = i32;
/// The end of an open stay or capacity row.
pub const OPEN: Day = Day::MAX;
/// No provider, location or reason.
pub const NONE: u16 = u16::MAX;

pub fn day(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

pub fn date(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)
}

/// The same calendar day `months` later (the last day of a shorter month).
pub fn add_months(d: Day, months: u32) -> Day {
    let date = date(d);
    day(date
        .checked_add_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MAX))
}

/// Values with a small index each, in order of first appearance.
#[derive(Debug, Clone)]
pub struct Dictionary<K> {
    keys: Vec<K>,
    index: HashMap<K, u16>,
}

impl<K> Default for Dictionary<K> {
    fn default() -> Self {
        Dictionary {
            keys: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<K: Clone + Eq + std::hash::Hash> Dictionary<K> {
    pub fn intern(&mut self, key: &K) -> u16 {
        if let Some(i) = self.index.get(key) {
            return *i;
        }
        let i = u16::try_from(self.keys.len()).unwrap_or(NONE - 1);
        self.keys.push(key.clone());
        self.index.insert(key.clone(), i);
        i
    }

    pub fn get(&self, key: &K) -> Option<u16> {
        self.index.get(key).copied()
    }

    pub fn key(&self, i: u16) -> Option<&K> {
        self.keys.get(usize::from(i))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The waiting-list states, as the engine counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum WaitState {
    Aangemeld,
    Actief,
    Passief,
    Screening,
    Geplaatst,
    Afgevoerd,
}

impl WaitState {
    /// Still on the list (`Status::is_open`).
    pub fn is_open(self) -> bool {
        !matches!(self, WaitState::Geplaatst | WaitState::Afgevoerd)
    }
}

/// One waiting-list entry (wachtlijstplaatsing).
#[derive(Debug, Clone, Copy)]
pub struct EntryFact {
    pub client: u32,
    pub product: u16,
    pub gemeente: u16,
    /// The decision date: waiting time counts from here.
    pub since: Day,
    /// Its spans: `spans[first .. first + count]`, in effective order.
    pub first: u32,
    pub count: u32,
}

/// A status in force from a day until the next span of the same entry.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: Day,
    pub state: WaitState,
    /// Index into `PassiveReason::ALL` or `RemovalReason::ALL`, or `NONE`.
    pub reason: u16,
    pub provider: u16,
}

/// One stay as known at the moment.
#[derive(Debug, Clone, Copy)]
pub struct StayFact {
    pub client: u32,
    pub gemeente: u16,
    pub product: u16,
    pub provider: u16,
    pub location: u16,
    pub start: Day,
    /// The day of leaving (not a day in care), or `OPEN`.
    pub end: Day,
    /// Index into `ExitDestination::ALL`, or `NONE`.
    pub exit: u16,
    /// This stay continues another one (a transfer).
    pub transferred_in: bool,
    /// Another stay continues this one.
    pub transferred_out: bool,
    /// The first day of the chain of transfers this stay belongs to.
    pub episode_start: Day,
}

/// One capacity row recorded by the moment.
#[derive(Debug, Clone, Copy)]
pub struct CapacityFact {
    pub location: u16,
    pub product: u16,
    pub from: Day,
    /// Last day included, or `OPEN`.
    pub to: Day,
    pub places: u32,
}

/// Names for the indices, for labels.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub municipality: HashMap<GemeenteCode, String>,
    pub product: HashMap<i64, (String, String)>,
    pub provider: HashMap<i64, String>,
    pub location: HashMap<i64, String>,
}

/// Everything the engine reads.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub known_at: Option<DateTime<Utc>>,
    pub municipalities: Dictionary<GemeenteCode>,
    pub products: Dictionary<i64>,
    pub providers: Dictionary<i64>,
    pub locations: Dictionary<i64>,
    /// Per location index: its provider and municipality index.
    pub location_provider: Vec<u16>,
    pub location_municipality: Vec<u16>,
    pub entries: Vec<EntryFact>,
    pub spans: Vec<Span>,
    pub stays: Vec<StayFact>,
    /// Sorted by (location, product, from, recorded).
    pub capacity: Vec<CapacityFact>,
    pub names: Names,
}

/// The rows the projection is built from, as the store lists them.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub municipalities: Vec<Municipality>,
    pub products: Vec<Product>,
    pub providers: Vec<Provider>,
    pub locations: Vec<Location>,
    pub capacity: Vec<CapacityRow>,
    pub entries: Vec<Entry>,
    pub transitions: Vec<Transition>,
    pub stay_headers: Vec<StayHeader>,
    pub stay_versions: Vec<StayVersion>,
}

fn index_of<T: PartialEq + Copy>(all: &[T], v: T) -> u16 {
    all.iter()
        .position(|x| *x == v)
        .and_then(|i| u16::try_from(i).ok())
        .unwrap_or(NONE)
}

impl Facts {
    /// The history as known at `known_at`.
    pub fn build(h: &History, known_at: DateTime<Utc>) -> Facts {
        let mut f = Facts {
            known_at: Some(known_at),
            ..Facts::default()
        };
        for m in &h.municipalities {
            f.municipalities.intern(&m.code);
            f.names.municipality.insert(m.code.clone(), m.name.clone());
        }
        for p in &h.products {
            f.products.intern(&p.id);
            f.names
                .product
                .insert(p.id, (p.code.clone(), p.name.clone()));
        }
        for p in &h.providers {
            f.providers.intern(&p.id);
            f.names.provider.insert(p.id, p.name.clone());
        }
        for l in &h.locations {
            f.locations.intern(&l.id);
            f.names.location.insert(l.id, l.name.clone());
            let provider = f.providers.intern(&l.provider_id);
            let municipality = f.municipalities.intern(&l.municipality);
            f.location_provider.push(provider);
            f.location_municipality.push(municipality);
        }

        // Capacity rows recorded by the moment, in the order `capacity_on`
        // ranks them.
        let mut capacity: Vec<&CapacityRow> = h
            .capacity
            .iter()
            .filter(|c| c.recorded_at <= known_at)
            .collect();
        capacity.sort_by_key(|c| {
            (
                c.location_id,
                c.product_id,
                c.valid_from,
                c.recorded_at,
                c.id,
            )
        });
        for c in capacity {
            let location = f.locations.intern(&c.location_id);
            let product = f.products.intern(&c.product_id);
            f.capacity.push(CapacityFact {
                location,
                product,
                from: day(c.valid_from),
                to: c.valid_to.map_or(OPEN, day),
                places: u32::try_from(c.places).unwrap_or(0),
            });
        }

        // Waiting list: each entry's transitions as known at the moment.
        let mut by_entry: HashMap<i64, Vec<&Transition>> = HashMap::new();
        for t in &h.transitions {
            by_entry.entry(t.entry_id).or_default().push(t);
        }
        for e in &h.entries {
            let Some(rows) = by_entry.get(&e.id) else {
                continue;
            };
            let owned: Vec<Transition> = rows.iter().map(|t| (*t).clone()).collect();
            let timeline = crate::history::timeline(&owned, known_at);
            if timeline.is_empty() {
                continue;
            }
            let first = u32::try_from(f.spans.len()).unwrap_or(u32::MAX);
            for t in &timeline {
                let (state, reason, provider) = match t.status {
                    Status::Aangemeld => (WaitState::Aangemeld, NONE, NONE),
                    Status::ActiefWachtend => (WaitState::Actief, NONE, NONE),
                    Status::PassiefWachtend(r) => {
                        (WaitState::Passief, index_of(PassiveReason::ALL, r), NONE)
                    }
                    Status::InScreening { provider_id } => {
                        (WaitState::Screening, NONE, f.providers.intern(&provider_id))
                    }
                    Status::Geplaatst => (WaitState::Geplaatst, NONE, NONE),
                    Status::Afgevoerd(r) => {
                        (WaitState::Afgevoerd, index_of(RemovalReason::ALL, r), NONE)
                    }
                };
                f.spans.push(Span {
                    from: day(t.effective_date),
                    state,
                    reason,
                    provider,
                });
            }
            let product = f.products.intern(&e.product_id);
            let gemeente = f.municipalities.intern(&e.responsible);
            f.entries.push(EntryFact {
                client: u32::try_from(e.client_id).unwrap_or(u32::MAX),
                product,
                gemeente,
                since: day(e.waiting_since),
                first,
                count: u32::try_from(timeline.len()).unwrap_or(0),
            });
        }

        // Stays: the latest version recorded by the moment.
        let mut versions: HashMap<i64, &StayVersion> = HashMap::new();
        for v in h.stay_versions.iter().filter(|v| v.recorded_at <= known_at) {
            let newer = versions
                .get(&v.stay_id)
                .is_none_or(|old| (v.recorded_at, v.id) > (old.recorded_at, old.id));
            if newer {
                versions.insert(v.stay_id, v);
            }
        }
        let known: Vec<(&StayHeader, &StayVersion)> = h
            .stay_headers
            .iter()
            .filter(|s| s.created_at <= known_at)
            .filter_map(|s| versions.get(&s.id).map(|v| (s, *v)))
            .collect();
        let continued: std::collections::HashSet<i64> = known
            .iter()
            .filter_map(|(s, _)| s.transferred_from)
            .collect();
        let by_id: HashMap<i64, (&StayHeader, &StayVersion)> =
            known.iter().map(|(s, v)| (s.id, (*s, *v))).collect();
        for (s, v) in &known {
            // Follow the transfers back to the first stay of the chain.
            let mut episode_start = v.start_date;
            let mut previous = s.transferred_from;
            let mut guard = 0;
            while let Some(p) = previous {
                let Some((ph, pv)) = by_id.get(&p) else { break };
                episode_start = episode_start.min(pv.start_date);
                previous = ph.transferred_from;
                guard += 1;
                if guard > 1000 {
                    break;
                }
            }
            let product = f.products.intern(&v.product_id);
            let provider = f.providers.intern(&v.provider_id);
            let location = v.location_id.map_or(NONE, |l| f.locations.intern(&l));
            let gemeente = f.municipalities.intern(&s.responsible);
            f.stays.push(StayFact {
                client: u32::try_from(s.client_id).unwrap_or(u32::MAX),
                gemeente,
                product,
                provider,
                location,
                start: day(v.start_date),
                end: v.end_date.map_or(OPEN, day),
                exit: v.exit.map_or(NONE, |x| index_of(ExitDestination::ALL, x)),
                transferred_in: s.transferred_from.is_some(),
                transferred_out: continued.contains(&s.id),
                episode_start: day(episode_start),
            });
        }
        f
    }

    /// The spans of an entry, in effective order.
    pub fn spans_of(&self, e: &EntryFact) -> &[Span] {
        let start = e.first as usize;
        let end = start + e.count as usize;
        self.spans.get(start..end).unwrap_or(&[])
    }

    /// The span in force on `d`, if the entry was on the list by then.
    pub fn span_on(&self, e: &EntryFact, d: Day) -> Option<&Span> {
        let spans = self.spans_of(e);
        let n = spans.partition_point(|s| s.from <= d);
        n.checked_sub(1).and_then(|i| spans.get(i))
    }
}
