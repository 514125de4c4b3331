//! The columnar projection the indicators are computed from: the journey's
//! history resolved as known at one moment (corrections recorded by then
//! applied, later ones not), with every code replaced by a small index.
//! Built once per moment, it answers any peildatum or period without going
//! back to the database.

use crate::access::{Application, Decision};
use crate::care::{ExitDestination, StayHeader, StayVersion};
use crate::clients::merge::{MergeLog, MergeMove, MergedTable};
use crate::error::{DomainError, DomainResult};
use crate::reference::{
    CapacityRow, CareLevel, Financing, GemeenteCode, Location, Municipality, Product, Provider,
};
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
/// A day not known (a date of birth of an anonymised record).
pub const UNKNOWN_DAY: Day = Day::MIN;

/// The parts of `FigureStore::figure_stamp`: first the highest ids of the
/// tables rows are appended to (entries, transitions, stays, stay versions,
/// capacity, registration versions, nomination versions, Pact agreements,
/// trajectory versions and meldingen of zorgcoördinatie, HOV versions,
/// retractions of meldingen), then the versions of the reference data
/// (municipalities, products, providers, locations), then the merges of
/// records and their undos (which move rows without adding any, so a
/// change there builds the projection again).
pub const STAMP_APPENDED: usize = 12;
pub const STAMP_LEN: usize = STAMP_APPENDED + 5;
/// The appended parts of rows without a client (capacity, Pact agreements,
/// zorgcoördinatie, HOV): when one moves, those rows are read whole.
pub const STAMP_WHOLE: [usize; 6] = [4, 7, 8, 9, 10, 11];
/// On the `Woongemeente` axis of a registration at an access point: a
/// municipality of origin outside the access point's region.
pub const OUTSIDE: u16 = NONE - 3;

pub fn day(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

pub fn date(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFact {
    /// The entry's id, to keep the projection in id order within a
    /// municipality (incremental updates must give the same projection).
    pub id: u32,
    pub client: u32,
    pub product: u16,
    pub gemeente: u16,
    /// The municipality of residence (`Dimension::Woongemeente`).
    pub residence: u16,
    /// The decision date: waiting time counts from here.
    pub since: Day,
    /// Its spans: `spans[first .. first + count]`, in effective order.
    pub first: u32,
    pub count: u32,
}

/// A status in force from a day until the next span of the same entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Day,
    pub state: WaitState,
    /// Index into `PassiveReason::ALL` or `RemovalReason::ALL`, or `NONE8`.
    pub reason: u8,
    pub provider: u16,
}

/// No reason or exit destination.
pub const NONE8: u8 = u8::MAX;

/// One stay as known at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StayFact {
    pub id: u32,
    pub client: u32,
    pub gemeente: u16,
    /// The municipality of residence (`Dimension::Woongemeente`).
    pub residence: u16,
    pub product: u16,
    pub provider: u16,
    pub location: u16,
    pub start: Day,
    /// The day of leaving (not a day in care), or `OPEN`.
    pub end: Day,
    /// The first day of the chain of transfers this stay belongs to.
    pub episode_start: Day,
    /// Index into `ExitDestination::ALL`, or `NONE8`.
    pub exit: u8,
    /// This stay continues another one (a transfer).
    pub transferred_in: bool,
    /// Another stay continues this one.
    pub transferred_out: bool,
    /// `Financing::index`: how the stay is paid for (prices it).
    pub financing: u8,
    /// The care intensity level, 0 for none (prices it).
    pub level: u8,
    /// A new start (not a transfer) without any stay of the same person in
    /// the 24 months before it.
    pub first_time: bool,
    /// The person started a new stay (not a transfer) within 24 months of
    /// leaving this one.
    pub returned: bool,
    /// The client's date of birth, or `UNKNOWN_DAY`.
    pub born: Day,
}

impl StayFact {
    /// The stay ended with a move to independent housing (also via Pact
    /// or urgency): the exits HUD System Performance Measure 2 follows.
    pub fn left_for_independent_housing(&self) -> bool {
        ExitDestination::ALL
            .get(usize::from(self.exit))
            .is_some_and(|x| {
                matches!(
                    x,
                    ExitDestination::Zelfstandig | ExitDestination::ZelfstandigPact
                )
            })
    }
}

/// One registration at a region's central access point for shelter, as
/// known at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationFact {
    pub id: u32,
    pub client: u32,
    /// The municipality it counts for: the municipality of origin when that
    /// lies in the access point's region, otherwise the region's
    /// centrumgemeente, which runs the access point (Wmo 2015 art. 1.2.1 b).
    pub gemeente: u16,
    /// The municipality of origin (`Dimension::Woongemeente` for these
    /// figures): one of the region, `OUTSIDE`, or `NONE` when unknown.
    pub origin: u16,
    /// Index into `RegistrationKind::ALL`.
    pub kind: u8,
    pub reported: Day,
    /// Index into `RegistrationOutcome::ALL`, or `NONE8`.
    pub outcome: u8,
}

impl RegistrationFact {
    pub fn is(&self, kind: crate::shelter::RegistrationKind) -> bool {
        usize::from(self.kind)
            == crate::shelter::RegistrationKind::ALL
                .iter()
                .position(|k| *k == kind)
                .unwrap_or(usize::MAX)
    }

    pub fn ended_in(&self, outcome: crate::shelter::RegistrationOutcome) -> bool {
        usize::from(self.outcome)
            == crate::shelter::RegistrationOutcome::ALL
                .iter()
                .position(|o| *o == outcome)
                .unwrap_or(usize::MAX)
    }
}

/// One nomination for a home of one's own (Pact voor uitstroom or
/// urgency), as known at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NominationFact {
    pub id: u32,
    pub client: u32,
    /// The municipality where a home is sought.
    pub gemeente: u16,
    /// Where the allocated home is (`NONE` before the allocation).
    pub address: u16,
    /// Index into `OutflowRoute::ALL`.
    pub route: u8,
    /// Index into `OutflowFrom::ALL`.
    pub leaves: u8,
    pub nominated: Day,
    /// The key handover, or `OPEN`.
    pub key: Day,
    /// The withdrawal, or `OPEN`.
    pub withdrawn: Day,
    /// Aftercare from and to (last day included); `OPEN` when not given.
    pub aftercare_from: Day,
    pub aftercare_until: Day,
    /// Index into `HousingOutcome::ALL`, or `NONE8`, and its day.
    pub housing: u8,
    pub housing_on: Day,
}

impl NominationFact {
    /// Waiting on `d`: nominated by then, no key and no withdrawal yet.
    pub fn waiting_on(&self, d: Day) -> bool {
        self.nominated <= d && d < self.key && d < self.withdrawn
    }

    pub fn is_pact(&self) -> bool {
        self.route == 0
    }

    pub fn housing_outcome(&self) -> Option<crate::outflow::HousingOutcome> {
        crate::outflow::HousingOutcome::ALL
            .get(usize::from(self.housing))
            .copied()
    }
}

/// One trajectory of zorgcoördinatie, as known at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutreachFact {
    pub id: u32,
    /// The person, across trajectories (the outreach team's, not a client).
    pub person: u32,
    pub gemeente: u16,
    pub started: Day,
    /// The closing, or `OPEN`.
    pub closed: Day,
}

/// One melding of zorgcoördinatie, counted for its trajectory's
/// municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutreachReportFact {
    pub trajectory: u32,
    pub gemeente: u16,
    pub reported: Day,
}

/// One trajectory of Huren Onder Voorwaarden, as known at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenancyFact {
    pub id: u32,
    /// Where the home is.
    pub gemeente: u16,
    /// The supporting provider, or `NONE`.
    pub provider: u16,
    /// Index into `TenancyReason::ALL`.
    pub reason: u8,
    /// Index into `TenancyResult::ALL`, or `NONE8`.
    pub result: u8,
    pub started: Day,
    /// The end, or `OPEN`.
    pub ended: Day,
}

impl TenancyFact {
    pub fn result(&self) -> Option<crate::tenancy::TenancyResult> {
        crate::tenancy::TenancyResult::ALL
            .get(usize::from(self.result))
            .copied()
    }
}

/// The Pact homes agreed for a municipality and year, as known at the
/// moment (the latest agreement recorded by then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaFact {
    pub gemeente: u16,
    pub year: i32,
    pub homes: u32,
}

/// One capacity row recorded by the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityFact {
    pub location: u16,
    pub product: u16,
    pub from: Day,
    /// Last day included, or `OPEN`.
    pub to: Day,
    pub places: u32,
}

/// Names for the indices, for labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub municipality: HashMap<GemeenteCode, String>,
    pub product: HashMap<i64, (String, String)>,
    pub provider: HashMap<i64, String>,
    pub location: HashMap<i64, String>,
}

/// Everything the engine reads. Entries and stays are grouped by
/// responsible municipality (`entry_ranges`, `stay_ranges`), so a question
/// about one region reads only that region's rows.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Per municipality index: the range of its entries and stays.
    pub entry_ranges: Vec<(u32, u32)>,
    pub stay_ranges: Vec<(u32, u32)>,
    /// Sorted by (location, product, from, recorded).
    pub capacity: Vec<CapacityFact>,
    /// Registrations at access points, by (municipality, id).
    pub registrations: Vec<RegistrationFact>,
    /// Nominations for outflow, by (municipality sought, id).
    pub nominations: Vec<NominationFact>,
    /// Pact agreements, by (municipality, year).
    pub quotas: Vec<QuotaFact>,
    /// Trajectories of zorgcoördinatie, by (municipality, id).
    pub outreach: Vec<OutreachFact>,
    /// Meldingen of zorgcoördinatie, by (municipality, trajectory, day).
    pub outreach_reports: Vec<OutreachReportFact>,
    /// Trajectories of Huren Onder Voorwaarden, by (municipality, id).
    pub tenancies: Vec<TenancyFact>,
    /// The region's target for the wait from nomination to key, in months
    /// (`outflow::within_target`); `None`: the default.
    pub outflow_target_months: Option<u32>,
    /// Per municipality index: its region (-1 when not known).
    pub municipality_region: Vec<i64>,
    /// Per product index: its ETHOS Light category as the CBS monitor
    /// counts it (2, 3; 0: none), from the configuration
    /// (`Facts::set_ethos`).
    pub product_ethos: Vec<u8>,
    pub names: Names,
    /// Some id did not fit the compact fields: the projection cannot be
    /// updated in place and is rebuilt on every change.
    pub ids_overflow: bool,
}

impl<K: PartialEq> PartialEq for Dictionary<K> {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
    }
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
    /// Clients' dates of birth, by client id (those not anonymised).
    pub births: HashMap<i64, NaiveDate>,
    /// For the municipality of residence: decision → application.
    pub applications: Vec<Application>,
    pub decisions: Vec<Decision>,
    /// For registrations at access points: the region's centrumgemeente.
    pub regions: Vec<crate::reference::Region>,
    /// Every version of every registration at an access point.
    pub registrations: Vec<crate::shelter::Registration>,
    /// Every version of every nomination for outflow.
    pub nominations: Vec<crate::outflow::Nomination>,
    /// Every Pact agreement recorded.
    pub quotas: Vec<crate::outflow::Quota>,
    /// Every version of every trajectory of zorgcoördinatie.
    pub trajectories: Vec<crate::outreach::Trajectory>,
    /// Every melding of zorgcoördinatie.
    pub outreach_reports: Vec<crate::outreach::OutreachReport>,
    /// Every version of every trajectory of Huren Onder Voorwaarden.
    pub tenancies: Vec<crate::tenancy::Tenancy>,
    /// Every row moved by a merge of two records of one person.
    pub merges: Vec<MergeMove>,
}

/// One row of history, already resolved as known at the moment, as the
/// store streams it to a `FactsBuilder`. Order: entries by id; transitions
/// by (entry, effective date, recorded at, id); stays by id; capacity by
/// (location, product, valid from, recorded at, id).
#[derive(Debug, Clone, Copy)]
pub enum FigureRow<'a> {
    Entry {
        id: i64,
        client: i64,
        product: i64,
        responsible: &'a str,
        /// The municipality of the application behind the entry's decision.
        residence: Option<&'a str>,
        since: NaiveDate,
    },
    Transition {
        entry: i64,
        status: &'a str,
        reason: Option<&'a str>,
        provider: Option<i64>,
        from: NaiveDate,
    },
    Stay {
        id: i64,
        client: i64,
        transferred_from: Option<i64>,
        responsible: &'a str,
        /// The waiting-list entry it came from: the residence is the entry's.
        entry: Option<i64>,
        /// For a stay without the waiting list: the municipality of the
        /// application behind its decision. A transfer has neither and keeps
        /// the residence of the stay it continues.
        residence: Option<&'a str>,
        product: i64,
        provider: i64,
        location: Option<i64>,
        start: NaiveDate,
        end: Option<NaiveDate>,
        exit: Option<&'a str>,
        /// `Financing::code`.
        financing: &'a str,
        care_level: Option<i64>,
        /// The client's date of birth (none when anonymised), for the age
        /// at the start in forecasts (`forecast::history`).
        born: Option<NaiveDate>,
    },
    Capacity {
        location: i64,
        product: i64,
        from: NaiveDate,
        to: Option<NaiveDate>,
        places: i64,
    },
    /// A registration at an access point in its version in force.
    Registration {
        id: i64,
        client: i64,
        region: i64,
        /// The centrumgemeente of the access point's region.
        centrum: Option<&'a str>,
        kind: &'a str,
        reported: NaiveDate,
        origin: Option<&'a str>,
        outcome: Option<&'a str>,
    },
    /// A nomination for outflow in its version in force.
    Nomination {
        id: i64,
        client: i64,
        municipality: &'a str,
        address: Option<&'a str>,
        route: &'a str,
        leaves: &'a str,
        nominated: NaiveDate,
        key: Option<NaiveDate>,
        withdrawn: Option<NaiveDate>,
        aftercare_from: Option<NaiveDate>,
        aftercare_until: Option<NaiveDate>,
        housing: Option<&'a str>,
        housing_on: Option<NaiveDate>,
    },
    /// A Pact agreement in force (the latest for its municipality and year).
    Quota {
        municipality: &'a str,
        year: i32,
        homes: i64,
    },
    /// A trajectory of zorgcoördinatie in its version in force.
    Trajectory {
        id: i64,
        person: i64,
        municipality: &'a str,
        started: NaiveDate,
        closed: Option<NaiveDate>,
    },
    /// A melding of zorgcoördinatie recorded by the moment.
    OutreachReport {
        trajectory: i64,
        reported: NaiveDate,
    },
    /// A trajectory of Huren Onder Voorwaarden in its version in force.
    Tenancy {
        id: i64,
        municipality: &'a str,
        provider: Option<i64>,
        reason: &'a str,
        started: NaiveDate,
        ended: Option<NaiveDate>,
        result: Option<&'a str>,
    },
}

fn index_of<T: PartialEq + Copy>(all: &[T], v: T) -> u8 {
    all.iter()
        .position(|x| *x == v)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(NONE8)
}

fn bad(what: &str, e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare {what} voor de cijfers: {e}"))
}

/// Builds the projection from streamed rows, keeping only compact facts
/// (a national history fits in well under 200 MB).
pub struct FactsBuilder {
    facts: Facts,
    /// Gemeentecodes as the store spells them, to their index: a row's code
    /// is looked up without parsing or allocating.
    codes: HashMap<String, u16>,
    entry_ids: Vec<i64>,
    stay_ids: Vec<i64>,
    transfers: Vec<(u32, i64)>,
    /// Who each row moved by a merge belonged to as known at the moment.
    merges: MergeLog,
}

/// Why a projection cannot be updated in place; the caller rebuilds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsRebuild(pub &'static str);

impl FactsBuilder {
    /// A builder with the reference data (names and dictionaries).
    pub fn new(
        known_at: DateTime<Utc>,
        municipalities: &[Municipality],
        products: &[Product],
        providers: &[Provider],
        locations: &[Location],
    ) -> FactsBuilder {
        let mut f = Facts {
            known_at: Some(known_at),
            ..Facts::default()
        };
        for m in municipalities {
            let i = usize::from(f.municipalities.intern(&m.code));
            f.names.municipality.insert(m.code.clone(), m.name.clone());
            if f.municipality_region.len() <= i {
                f.municipality_region.resize(i + 1, -1);
            }
            f.municipality_region[i] = m.region_id;
        }
        for p in products {
            f.products.intern(&p.id);
            f.names
                .product
                .insert(p.id, (p.code.clone(), p.name.clone()));
        }
        for p in providers {
            f.providers.intern(&p.id);
            f.names.provider.insert(p.id, p.name.clone());
        }
        for l in locations {
            f.locations.intern(&l.id);
            f.names.location.insert(l.id, l.name.clone());
            let provider = f.providers.intern(&l.provider_id);
            let municipality = f.municipalities.intern(&l.municipality);
            f.location_provider.push(provider);
            f.location_municipality.push(municipality);
        }
        FactsBuilder::around(f)
    }

    fn around(facts: Facts) -> FactsBuilder {
        let codes = facts
            .municipalities
            .keys
            .iter()
            .enumerate()
            .map(|(i, c)| (c.to_string(), u16::try_from(i).unwrap_or(NONE - 1)))
            .collect();
        FactsBuilder {
            facts,
            codes,
            entry_ids: Vec::new(),
            stay_ids: Vec::new(),
            transfers: Vec::new(),
            merges: MergeLog::default(),
        }
    }

    /// A builder for the rows of some clients, as known at `known_at`, to be
    /// merged into `base` (`Facts::merge`): same dictionaries and names.
    pub fn changes_of(base: &Facts, known_at: DateTime<Utc>) -> FactsBuilder {
        FactsBuilder::around(Facts {
            known_at: Some(known_at),
            municipalities: base.municipalities.clone(),
            products: base.products.clone(),
            providers: base.providers.clone(),
            locations: base.locations.clone(),
            location_provider: base.location_provider.clone(),
            location_municipality: base.location_municipality.clone(),
            municipality_region: base.municipality_region.clone(),
            names: base.names.clone(),
            outflow_target_months: base.outflow_target_months,
            ..Facts::default()
        })
    }

    /// Room for this many rows up front: a national projection grown by
    /// doubling would briefly need twice its size.
    pub fn reserve(&mut self, entries: usize, transitions: usize, stays: usize) {
        self.facts.entries.reserve_exact(entries);
        self.entry_ids.reserve_exact(entries);
        self.facts.spans.reserve_exact(transitions);
        self.facts.stays.reserve_exact(stays);
        self.stay_ids.reserve_exact(stays);
    }

    fn municipality(&mut self, code: &str) -> DomainResult<u16> {
        if let Some(i) = self.codes.get(code) {
            return Ok(*i);
        }
        let parsed = GemeenteCode::parse(code).map_err(|e| bad("gemeentecode", e))?;
        let i = self.facts.municipalities.intern(&parsed);
        self.codes.insert(code.to_string(), i);
        let n = self.facts.municipalities.len();
        if self.facts.municipality_region.len() < n {
            self.facts.municipality_region.resize(n, -1);
        }
        Ok(i)
    }

    /// The rows moved by merges of records (`clients::merge`): as known at
    /// a moment before a merge, its rows count for the merged record.
    pub fn merges(&mut self, log: MergeLog) {
        self.merges = log;
    }

    /// The person of a client's row as known at the builder's moment.
    fn person(&mut self, table: MergedTable, row: i64, client: i64) -> u32 {
        let client = match self.facts.known_at {
            Some(at) if !self.merges.is_empty() => self.merges.person_at(table, row, client, at),
            _ => client,
        };
        self.id(client)
    }

    fn id(&mut self, id: i64) -> u32 {
        u32::try_from(id).unwrap_or_else(|_| {
            self.facts.ids_overflow = true;
            u32::MAX
        })
    }

    /// Adds one row (see `FigureRow` for the order rows must come in).
    pub fn row(&mut self, row: FigureRow<'_>) -> DomainResult<()> {
        match row {
            FigureRow::Entry {
                id,
                client,
                product,
                responsible,
                residence,
                since,
            } => {
                let gemeente = self.municipality(responsible)?;
                // The waiting list's rule: without a known application, the
                // responsible municipality (`WaitlistLine::residence`).
                let residence = match residence {
                    Some(code) => self.municipality(code)?,
                    None => gemeente,
                };
                let product = self.facts.products.intern(&product);
                self.entry_ids.push(id);
                let (id, client) = (
                    self.id(id),
                    self.person(MergedTable::WaitlistEntries, id, client),
                );
                self.facts.entries.push(EntryFact {
                    id,
                    client,
                    product,
                    gemeente,
                    residence,
                    since: day(since),
                    first: 0,
                    count: 0,
                });
            }
            FigureRow::Transition {
                entry,
                status,
                reason,
                provider,
                from,
            } => {
                let Ok(i) = self.entry_ids.binary_search(&entry) else {
                    return Ok(());
                };
                let status =
                    Status::from_parts(status, reason, provider).map_err(|e| bad("status", e))?;
                let (state, reason, provider) = match status {
                    Status::Aangemeld => (WaitState::Aangemeld, NONE8, NONE),
                    Status::ActiefWachtend => (WaitState::Actief, NONE8, NONE),
                    Status::PassiefWachtend(r) => {
                        (WaitState::Passief, index_of(PassiveReason::ALL, r), NONE)
                    }
                    Status::InScreening { provider_id } => (
                        WaitState::Screening,
                        NONE8,
                        self.facts.providers.intern(&provider_id),
                    ),
                    Status::Geplaatst => (WaitState::Geplaatst, NONE8, NONE),
                    Status::Afgevoerd(r) => {
                        (WaitState::Afgevoerd, index_of(RemovalReason::ALL, r), NONE)
                    }
                };
                let at = u32::try_from(self.facts.spans.len()).unwrap_or(u32::MAX);
                let e = &mut self.facts.entries[i];
                if e.count == 0 {
                    e.first = at;
                }
                e.count += 1;
                self.facts.spans.push(Span {
                    from: day(from),
                    state,
                    reason,
                    provider,
                });
            }
            FigureRow::Stay {
                id,
                client,
                transferred_from,
                responsible,
                entry,
                residence,
                product,
                provider,
                location,
                start,
                end,
                exit,
                financing,
                care_level,
                born,
            } => {
                let gemeente = self.municipality(responsible)?;
                // Still unknown for a transfer: it takes that of the stay it
                // continues in `finish`.
                let residence = match (residence, entry) {
                    (Some(code), _) => self.municipality(code)?,
                    (None, Some(e)) => self
                        .entry_ids
                        .binary_search(&e)
                        .ok()
                        .map_or(NONE, |i| self.facts.entries[i].residence),
                    (None, None) => NONE,
                };
                let exit = match exit {
                    None => NONE8,
                    Some(code) => ExitDestination::parse(code)
                        .map_err(|e| bad("bestemming", e))?
                        .index(),
                };
                let financing = Financing::parse(financing)
                    .map_err(|e| bad("financieringsvorm", e))?
                    .index();
                let level = match care_level {
                    None => 0,
                    Some(n) => u8::try_from(n)
                        .ok()
                        .and_then(CareLevel::new)
                        .ok_or_else(|| {
                            DomainError::Internal(format!("onbekende zorgzwaarte: {n}"))
                        })?
                        .get(),
                };
                let index = u32::try_from(self.facts.stays.len()).unwrap_or(u32::MAX);
                if let Some(from) = transferred_from {
                    self.transfers.push((index, from));
                }
                self.stay_ids.push(id);
                let product = self.facts.products.intern(&product);
                let provider = self.facts.providers.intern(&provider);
                let location = location.map_or(NONE, |l| self.facts.locations.intern(&l));
                let (id, client) = (self.id(id), self.person(MergedTable::Stays, id, client));
                self.facts.stays.push(StayFact {
                    id,
                    client,
                    gemeente,
                    residence,
                    product,
                    provider,
                    location,
                    start: day(start),
                    end: end.map_or(OPEN, day),
                    episode_start: day(start),
                    exit,
                    transferred_in: transferred_from.is_some(),
                    transferred_out: false,
                    first_time: false,
                    returned: false,
                    financing,
                    level,
                    born: born.map_or(UNKNOWN_DAY, day),
                });
            }
            FigureRow::Capacity {
                location,
                product,
                from,
                to,
                places,
            } => {
                let location = self.facts.locations.intern(&location);
                let product = self.facts.products.intern(&product);
                self.facts.capacity.push(CapacityFact {
                    location,
                    product,
                    from: day(from),
                    to: to.map_or(OPEN, day),
                    places: u32::try_from(places).unwrap_or(0),
                });
            }
            FigureRow::Registration {
                id,
                client,
                region,
                centrum,
                kind,
                reported,
                origin,
                outcome,
            } => {
                use crate::shelter::{RegistrationKind, RegistrationOutcome};
                let origin = origin.map(|c| self.municipality(c)).transpose()?;
                let centrum = centrum.map(|c| self.municipality(c)).transpose()?;
                let in_region =
                    |i: u16| self.facts.municipality_region.get(usize::from(i)) == Some(&region);
                let (gemeente, origin) = match origin {
                    Some(o) if in_region(o) => (o, o),
                    Some(_) => (centrum.unwrap_or(NONE), OUTSIDE),
                    None => (centrum.unwrap_or(NONE), NONE),
                };
                let kind = RegistrationKind::parse(kind)
                    .map_err(|e| bad("soort melding", e))?
                    .index();
                let outcome = match outcome {
                    None => NONE8,
                    Some(code) => RegistrationOutcome::parse(code)
                        .map_err(|e| bad("uitkomst", e))?
                        .index(),
                };
                let (id, client) = (
                    self.id(id),
                    self.person(MergedTable::ShelterReports, id, client),
                );
                self.facts.registrations.push(RegistrationFact {
                    id,
                    client,
                    gemeente,
                    origin,
                    kind,
                    reported: day(reported),
                    outcome,
                });
            }
            FigureRow::Nomination {
                id,
                client,
                municipality,
                address,
                route,
                leaves,
                nominated,
                key,
                withdrawn,
                aftercare_from,
                aftercare_until,
                housing,
                housing_on,
            } => {
                use crate::outflow::{HousingOutcome, OutflowFrom, OutflowRoute};
                let gemeente = self.municipality(municipality)?;
                let address = address.map(|c| self.municipality(c)).transpose()?;
                let route = OutflowRoute::parse(route)
                    .map_err(|e| bad("route", e))?
                    .index();
                let leaves = OutflowFrom::parse(leaves)
                    .map_err(|e| bad("uitstroom uit", e))?
                    .index();
                let housing = match housing {
                    None => NONE8,
                    Some(code) => HousingOutcome::parse(code)
                        .map_err(|e| bad("wonen", e))?
                        .index(),
                };
                let (id, client) = (
                    self.id(id),
                    self.person(MergedTable::OutflowNominations, id, client),
                );
                let or_open = |d: Option<NaiveDate>| d.map_or(OPEN, day);
                self.facts.nominations.push(NominationFact {
                    id,
                    client,
                    gemeente,
                    address: address.unwrap_or(NONE),
                    route,
                    leaves,
                    nominated: day(nominated),
                    key: or_open(key),
                    withdrawn: or_open(withdrawn),
                    aftercare_from: or_open(aftercare_from),
                    aftercare_until: or_open(aftercare_until),
                    housing,
                    housing_on: or_open(housing_on),
                });
            }
            FigureRow::Trajectory {
                id,
                person,
                municipality,
                started,
                closed,
            } => {
                let gemeente = self.municipality(municipality)?;
                let (id, person) = (self.id(id), self.id(person));
                self.facts.outreach.push(OutreachFact {
                    id,
                    person,
                    gemeente,
                    started: day(started),
                    closed: closed.map_or(OPEN, day),
                });
            }
            FigureRow::OutreachReport {
                trajectory,
                reported,
            } => {
                let trajectory = self.id(trajectory);
                self.facts.outreach_reports.push(OutreachReportFact {
                    trajectory,
                    gemeente: NONE,
                    reported: day(reported),
                });
            }
            FigureRow::Tenancy {
                id,
                municipality,
                provider,
                reason,
                started,
                ended,
                result,
            } => {
                use crate::tenancy::{TenancyReason, TenancyResult};
                let gemeente = self.municipality(municipality)?;
                let reason = TenancyReason::parse(reason)
                    .map_err(|e| bad("aanleiding", e))?
                    .index();
                let result = match result {
                    None => NONE8,
                    Some(code) => TenancyResult::parse(code)
                        .map_err(|e| bad("eindresultaat", e))?
                        .index(),
                };
                let provider = provider.map_or(NONE, |p| self.facts.providers.intern(&p));
                let id = self.id(id);
                self.facts.tenancies.push(TenancyFact {
                    id,
                    gemeente,
                    provider,
                    reason,
                    result,
                    started: day(started),
                    ended: ended.map_or(OPEN, day),
                });
            }
            FigureRow::Quota {
                municipality,
                year,
                homes,
            } => {
                let gemeente = self.municipality(municipality)?;
                self.facts.quotas.push(QuotaFact {
                    gemeente,
                    year,
                    homes: u32::try_from(homes).unwrap_or(0),
                });
            }
        }
        Ok(())
    }

    /// Links transfers, marks first-time entries and returns, and groups
    /// entries and stays by municipality.
    pub fn finish(self) -> Facts {
        let FactsBuilder {
            mut facts,
            stay_ids,
            transfers,
            entry_ids,
            codes,
            merges,
        } = self;
        drop((entry_ids, codes, merges));
        facts.entries.retain(|e| e.count > 0);
        facts.entries.shrink_to_fit();
        facts.spans.shrink_to_fit();
        facts.stays.shrink_to_fit();

        // Transfers: a stay continues an earlier one of the same person
        // (smaller id), so one pass in id order carries the first day of
        // the chain and the municipality of residence forward. Everything
        // derived here depends on one person's stays only, which is what
        // lets `Facts::merge` redo it for the persons that changed.
        for (index, from) in transfers {
            if let Ok(previous) = stay_ids.binary_search(&from)
                && facts.stays[previous].client == facts.stays[index as usize].client
            {
                let start = facts.stays[previous].episode_start;
                let residence = facts.stays[previous].residence;
                facts.stays[previous].transferred_out = true;
                let s = &mut facts.stays[index as usize];
                s.episode_start = s.episode_start.min(start);
                if s.residence == NONE {
                    s.residence = residence;
                }
            }
        }
        drop(stay_ids);
        for s in &mut facts.stays {
            if s.residence == NONE {
                s.residence = s.gemeente;
            }
        }

        mark_returns(&mut facts.stays);

        // Group by municipality, in id order within each (an incremental
        // update sorts the same way, so both give the same projection).
        let n = facts.municipalities.len();
        // In place: a stable sort would need half the stays again as buffer.
        facts.entries.sort_unstable_by_key(|e| (e.gemeente, e.id));
        facts.stays.sort_unstable_by_key(|s| (s.gemeente, s.id));
        facts.entry_ranges = ranges(n, facts.entries.iter().map(|e| e.gemeente));
        facts.stay_ranges = ranges(n, facts.stays.iter().map(|s| s.gemeente));
        facts
            .registrations
            .sort_unstable_by_key(|r| (r.gemeente, r.id));
        facts
            .nominations
            .sort_unstable_by_key(|n| (n.gemeente, n.id));
        facts.quotas.sort_unstable_by_key(|q| (q.gemeente, q.year));
        facts.locate_outreach_reports();
        facts.tenancies.sort_unstable_by_key(|t| (t.gemeente, t.id));
        facts
    }
}

/// First-time entries and returns, per person in order of start.
fn mark_returns(stays: &mut [StayFact]) {
    let mut order: Vec<u32> = (0..stays.len() as u32).collect();
    order.sort_unstable_by_key(|i| {
        let s = &stays[*i as usize];
        (s.client, s.start, *i)
    });
    let mut group = 0;
    while group < order.len() {
        let client = stays[order[group] as usize].client;
        let mut next = group;
        while next < order.len() && stays[order[next] as usize].client == client {
            next += 1;
        }
        let own = &order[group..next];
        let starts: Vec<Day> = own
            .iter()
            .map(|i| &stays[*i as usize])
            .filter(|s| !s.transferred_in)
            .map(|s| s.start)
            .collect();
        // The latest end among stays that started strictly earlier.
        let mut latest_end = Day::MIN;
        let mut k = 0;
        while k < own.len() {
            let start = stays[own[k] as usize].start;
            let mut same = k;
            while same < own.len() && stays[own[same] as usize].start == start {
                same += 1;
            }
            let window = start - super::catalogue::LOOKBACK_DAYS;
            for i in &own[k..same] {
                let s = &mut stays[*i as usize];
                // No stay ended within the window: an end on `window` itself
                // is a return (see `RETURN_WINDOW_DAYS`), not a new start.
                s.first_time = !s.transferred_in && latest_end < window;
            }
            for i in &own[k..same] {
                latest_end = latest_end.max(stays[*i as usize].end);
            }
            k = same;
        }
        for i in own {
            let s = &mut stays[*i as usize];
            if s.end != OPEN {
                let limit = s.end + super::catalogue::RETURN_WINDOW_DAYS;
                let first = starts.partition_point(|d| *d < s.end);
                s.returned = starts.get(first).is_some_and(|d| *d <= limit);
            }
        }
        group = next;
    }
}

/// Per municipality index the range of rows (already sorted by it).
fn ranges(n: usize, keys: impl Iterator<Item = u16>) -> Vec<(u32, u32)> {
    let mut out = vec![(0u32, 0u32); n];
    for (i, k) in keys.enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(r) = out.get_mut(usize::from(k)) {
            if r.1 == 0 {
                r.0 = i;
            }
            r.1 = i + 1;
        }
    }
    out
}

impl Facts {
    /// Replaces everything known about `clients` with `changes` (all their
    /// entries and stays, resolved as known at the changes' moment, from
    /// `FactsBuilder::changes_of(self, ..)`), and the rows without a client
    /// (capacity, Pact agreements, zorgcoördinatie) with those of `changes`
    /// if `capacity` is set.
    ///
    /// Correct because every fact of a person depends on that person's rows
    /// only (a transfer links two stays of the same person, first-time
    /// entries and returns look at one person's stays), and history is
    /// append-only: a correction or retraction is a new row of the same
    /// person, so the persons with a row beyond the projection's stamp are
    /// the only ones whose facts can differ. The result equals a full build
    /// at the same moment (tested).
    pub fn merge(
        &mut self,
        changes: Facts,
        clients: &std::collections::HashSet<u32>,
        capacity: bool,
    ) -> Result<(), NeedsRebuild> {
        if changes.ids_overflow || self.ids_overflow {
            return Err(NeedsRebuild("een id past niet in de projectie"));
        }
        if changes.municipalities != self.municipalities
            || changes.products != self.products
            || changes.providers != self.providers
            || changes.locations != self.locations
        {
            return Err(NeedsRebuild("nieuwe referentiegegevens"));
        }
        if changes
            .entries
            .iter()
            .map(|e| e.client)
            .chain(changes.stays.iter().map(|s| s.client))
            .chain(changes.registrations.iter().map(|r| r.client))
            .chain(changes.nominations.iter().map(|n| n.client))
            .any(|c| !clients.contains(&c))
        {
            return Err(NeedsRebuild("rijen van een onverwachte persoon"));
        }
        self.known_at = changes.known_at;

        // Entries: the changed persons' ones out, theirs in; spans laid out
        // again in id order of the entries, as a full build lays them out.
        self.entries.retain(|e| !clients.contains(&e.client));
        let mut entries = std::mem::take(&mut self.entries);
        let old_spans = std::mem::take(&mut self.spans);
        let base = entries.len();
        entries.extend(changes.entries.iter().copied());
        let mut by_id: Vec<u32> = (0..entries.len() as u32).collect();
        by_id.sort_unstable_by_key(|i| entries[*i as usize].id);
        let mut spans = Vec::with_capacity(old_spans.len() + changes.spans.len());
        for i in by_id {
            let i = i as usize;
            let source = if i < base { &old_spans } else { &changes.spans };
            let e = &mut entries[i];
            let (a, b) = (e.first as usize, e.first as usize + e.count as usize);
            e.first = u32::try_from(spans.len()).unwrap_or(u32::MAX);
            spans.extend_from_slice(source.get(a..b).unwrap_or(&[]));
        }
        drop(old_spans);
        entries.sort_unstable_by_key(|e| (e.gemeente, e.id));
        self.entries = entries;
        self.spans = spans;

        self.stays.retain(|s| !clients.contains(&s.client));
        self.stays.extend(changes.stays.iter().copied());
        self.stays.sort_unstable_by_key(|s| (s.gemeente, s.id));

        self.registrations.retain(|r| !clients.contains(&r.client));
        self.registrations
            .extend(changes.registrations.iter().copied());
        self.registrations
            .sort_unstable_by_key(|r| (r.gemeente, r.id));

        self.nominations.retain(|n| !clients.contains(&n.client));
        self.nominations.extend(changes.nominations.iter().copied());
        self.nominations
            .sort_unstable_by_key(|n| (n.gemeente, n.id));

        if capacity {
            self.capacity = changes.capacity;
            self.quotas = changes.quotas;
            self.outreach = changes.outreach;
            self.outreach_reports = changes.outreach_reports;
            self.tenancies = changes.tenancies;
        }
        let n = self.municipalities.len();
        self.entry_ranges = ranges(n, self.entries.iter().map(|e| e.gemeente));
        self.stay_ranges = ranges(n, self.stays.iter().map(|s| s.gemeente));
        Ok(())
    }
}

impl Facts {
    /// Which of the projection's municipalities are in `list`, by index (a
    /// `Filter`'s municipalities).
    pub fn municipality_set(&self, list: &[crate::reference::GemeenteCode]) -> Vec<bool> {
        (0..self.municipalities.len())
            .map(|i| {
                u16::try_from(i)
                    .ok()
                    .and_then(|i| self.municipalities.key(i))
                    .is_some_and(|c| list.contains(c))
            })
            .collect()
    }

    /// The history as known at `known_at`, resolved here in the same way
    /// the stores resolve it in SQL (`FigureStore::figure_rows`).
    pub fn build(h: &History, known_at: DateTime<Utc>) -> Facts {
        let mut b = FactsBuilder::new(
            known_at,
            &h.municipalities,
            &h.products,
            &h.providers,
            &h.locations,
        );
        b.merges(MergeLog::new(h.merges.iter().cloned()));
        for row in resolve(h, known_at) {
            // Rows from the store's own types always parse.
            let _ = b.row(row.as_row());
        }
        b.finish()
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

    /// The entries of the municipalities in `set` (indexed by municipality;
    /// `None`: all).
    pub fn entries_in<'a>(
        &'a self,
        set: Option<&'a [bool]>,
    ) -> impl Iterator<Item = &'a EntryFact> {
        grouped(&self.entries, &self.entry_ranges, set)
    }

    /// The registrations at access points counted for the municipalities in
    /// `set` (few: a region has hundreds a year).
    pub fn registrations_in<'a>(
        &'a self,
        set: Option<&'a [bool]>,
    ) -> impl Iterator<Item = &'a RegistrationFact> {
        self.registrations.iter().filter(move |r| {
            set.is_none_or(|set| set.get(usize::from(r.gemeente)).copied().unwrap_or(false))
        })
    }

    /// Meldingen count for their trajectory's municipality: looked up once
    /// the trajectories are known, then both kept in municipality order.
    fn locate_outreach_reports(&mut self) {
        self.outreach.sort_unstable_by_key(|t| t.id);
        for r in &mut self.outreach_reports {
            if let Ok(i) = self.outreach.binary_search_by_key(&r.trajectory, |t| t.id) {
                r.gemeente = self.outreach[i].gemeente;
            }
        }
        self.outreach_reports.retain(|r| r.gemeente != NONE);
        self.outreach.sort_unstable_by_key(|t| (t.gemeente, t.id));
        self.outreach_reports
            .sort_unstable_by_key(|r| (r.gemeente, r.trajectory, r.reported));
    }

    /// The nominations for outflow sought in the municipalities in `set`.
    pub fn nominations_in<'a>(
        &'a self,
        set: Option<&'a [bool]>,
    ) -> impl Iterator<Item = &'a NominationFact> {
        self.nominations.iter().filter(move |n| {
            set.is_none_or(|set| set.get(usize::from(n.gemeente)).copied().unwrap_or(false))
        })
    }

    /// The stays of the municipalities in `set`.
    /// Gives each product its ETHOS Light category by its code.
    pub fn set_ethos(&mut self, mapping: &crate::exchange::cbs::EthosMapping) {
        self.product_ethos = self
            .products
            .keys
            .iter()
            .map(|id| {
                self.names
                    .product
                    .get(id)
                    .and_then(|(code, _)| mapping.of(code))
                    .filter(|(_, counted)| *counted)
                    .map_or(0, |(c, _)| c.number())
            })
            .collect();
    }

    /// The ETHOS Light category of a product index (0: none).
    pub fn ethos_of(&self, product: u16) -> u8 {
        self.product_ethos
            .get(usize::from(product))
            .copied()
            .unwrap_or(0)
    }

    pub fn stays_in<'a>(&'a self, set: Option<&'a [bool]>) -> impl Iterator<Item = &'a StayFact> {
        grouped(&self.stays, &self.stay_ranges, set)
    }
}

fn grouped<'a, T>(
    rows: &'a [T],
    ranges: &'a [(u32, u32)],
    set: Option<&'a [bool]>,
) -> Box<dyn Iterator<Item = &'a T> + 'a> {
    match set {
        None => Box::new(rows.iter()),
        Some(set) => Box::new(
            ranges
                .iter()
                .enumerate()
                .filter(move |(g, _)| set.get(*g).copied().unwrap_or(false))
                .flat_map(move |(_, (a, b))| rows.get(*a as usize..*b as usize).unwrap_or(&[])),
        ),
    }
}

/// An owned row, for resolving a `History` in memory.
enum OwnedRow {
    Entry(i64, i64, i64, String, Option<String>, NaiveDate),
    Transition(i64, Status, NaiveDate),
    Stay(Box<(StayHeader, StayVersion, Option<String>, Option<NaiveDate>)>),
    Capacity(CapacityRow),
    Registration(Box<(crate::shelter::Registration, Option<String>)>),
    Nomination(Box<crate::outflow::Nomination>),
    Quota(crate::outflow::Quota),
    Trajectory(Box<crate::outreach::Trajectory>),
    OutreachReport(i64, NaiveDate),
    Tenancy(Box<crate::tenancy::Tenancy>),
}

impl OwnedRow {
    fn as_row(&self) -> FigureRow<'_> {
        match self {
            OwnedRow::Entry(id, client, product, responsible, residence, since) => {
                FigureRow::Entry {
                    id: *id,
                    client: *client,
                    product: *product,
                    responsible,
                    residence: residence.as_deref(),
                    since: *since,
                }
            }
            OwnedRow::Transition(entry, status, from) => FigureRow::Transition {
                entry: *entry,
                status: status.code(),
                reason: status.reason_code(),
                provider: status.provider_id(),
                from: *from,
            },
            OwnedRow::Stay(b) => {
                let (h, v, residence, born) = &**b;
                FigureRow::Stay {
                    id: h.id,
                    client: h.client_id,
                    transferred_from: h.transferred_from,
                    responsible: h.responsible.as_str(),
                    entry: h.entry_id,
                    residence: residence.as_deref(),
                    product: v.product_id,
                    provider: v.provider_id,
                    location: v.location_id,
                    start: v.start_date,
                    end: v.end_date,
                    exit: v.exit.map(|x| x.code()),
                    financing: v.financing.code(),
                    care_level: v.care_level.map(|l| i64::from(l.get())),
                    born: *born,
                }
            }
            OwnedRow::Capacity(c) => FigureRow::Capacity {
                location: c.location_id,
                product: c.product_id,
                from: c.valid_from,
                to: c.valid_to,
                places: c.places,
            },
            OwnedRow::Registration(b) => {
                let (r, centrum) = &**b;
                FigureRow::Registration {
                    id: r.id,
                    client: r.client_id,
                    region: r.region_id,
                    centrum: centrum.as_deref(),
                    kind: r.facts.kind.code(),
                    reported: r.facts.reported_on,
                    origin: r.facts.origin.as_ref().map(GemeenteCode::as_str),
                    outcome: r.facts.outcome.map(|o| o.code()),
                }
            }
            OwnedRow::Nomination(n) => {
                let f = &n.facts;
                FigureRow::Nomination {
                    id: n.id,
                    client: n.client_id,
                    municipality: f.municipality.as_str(),
                    address: f.address_municipality.as_ref().map(GemeenteCode::as_str),
                    route: f.route.code(),
                    leaves: f.leaves.code(),
                    nominated: f.nominated_on,
                    key: f.key_on,
                    withdrawn: f.withdrawn_on,
                    aftercare_from: f.aftercare_from,
                    aftercare_until: f.aftercare_until,
                    housing: f.housing.map(|h| h.code()),
                    housing_on: f.housing_on,
                }
            }
            OwnedRow::Trajectory(t) => FigureRow::Trajectory {
                id: t.id,
                person: t.person_id,
                municipality: t.facts.municipality.as_str(),
                started: t.facts.started_on,
                closed: t.facts.closed_on,
            },
            OwnedRow::OutreachReport(trajectory, reported) => FigureRow::OutreachReport {
                trajectory: *trajectory,
                reported: *reported,
            },
            OwnedRow::Tenancy(t) => FigureRow::Tenancy {
                id: t.id,
                municipality: t.facts.municipality.as_str(),
                provider: t.facts.provider_id,
                reason: t.facts.reason.code(),
                started: t.facts.started_on,
                ended: t.facts.ended_on,
                result: t.facts.result.map(|r| r.code()),
            },
            OwnedRow::Quota(q) => FigureRow::Quota {
                municipality: q.municipality.as_str(),
                year: q.year,
                homes: i64::from(q.homes),
            },
        }
    }
}

/// The rows of a `History` as known at a moment, in the streaming order.
fn resolve(h: &History, known_at: DateTime<Utc>) -> Vec<OwnedRow> {
    let mut out = Vec::new();
    let mut entries: Vec<&Entry> = h
        .entries
        .iter()
        .filter(|e| e.created_at <= known_at)
        .collect();
    entries.sort_by_key(|e| e.id);
    // The municipality of residence: that of the application behind a
    // decision (`Dimension::Woongemeente`).
    let applied: HashMap<i64, &GemeenteCode> = h
        .applications
        .iter()
        .map(|a| (a.id, &a.municipality))
        .collect();
    let residence: HashMap<i64, String> = h
        .decisions
        .iter()
        .filter_map(|d| Some((d.id, applied.get(&d.application_id)?.to_string())))
        .collect();
    let mut by_entry: HashMap<i64, Vec<Transition>> = HashMap::new();
    for t in &h.transitions {
        by_entry.entry(t.entry_id).or_default().push(t.clone());
    }
    for e in &entries {
        out.push(OwnedRow::Entry(
            e.id,
            e.client_id,
            e.product_id,
            e.responsible.to_string(),
            residence.get(&e.decision_id).cloned(),
            e.waiting_since,
        ));
    }
    for e in &entries {
        if let Some(rows) = by_entry.get(&e.id) {
            for t in crate::history::timeline(rows, known_at) {
                out.push(OwnedRow::Transition(e.id, t.status, t.effective_date));
            }
        }
    }
    let mut latest: HashMap<i64, &StayVersion> = HashMap::new();
    for v in h.stay_versions.iter().filter(|v| v.recorded_at <= known_at) {
        if latest
            .get(&v.stay_id)
            .is_none_or(|old| (v.recorded_at, v.id) > (old.recorded_at, old.id))
        {
            latest.insert(v.stay_id, v);
        }
    }
    let mut headers: Vec<&StayHeader> = h
        .stay_headers
        .iter()
        .filter(|s| s.created_at <= known_at)
        .collect();
    headers.sort_by_key(|s| s.id);
    for s in headers {
        if let Some(v) = latest.get(&s.id) {
            let residence = s.decision_id.and_then(|d| residence.get(&d).cloned());
            out.push(OwnedRow::Stay(Box::new((
                s.clone(),
                (*v).clone(),
                residence,
                h.births.get(&s.client_id).copied(),
            ))));
        }
    }
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
    out.extend(capacity.into_iter().cloned().map(OwnedRow::Capacity));
    // Registrations: the latest version recorded by the moment, in id
    // order (`history::latest_versions`).
    let centrum: HashMap<i64, String> = h
        .regions
        .iter()
        .filter_map(|r| Some((r.id, r.centrumgemeente.as_ref()?.to_string())))
        .collect();
    let registrations = crate::history::latest_versions(&h.registrations, known_at);
    out.extend(registrations.into_iter().map(|r| {
        OwnedRow::Registration(Box::new((r.clone(), centrum.get(&r.region_id).cloned())))
    }));
    // Nominations: as registrations.
    let nominations = crate::history::latest_versions(&h.nominations, known_at);
    out.extend(
        nominations
            .into_iter()
            .map(|n| OwnedRow::Nomination(Box::new(n.clone()))),
    );
    out.extend(
        crate::outflow::service::quotas_as_known(&h.quotas, known_at)
            .into_iter()
            .map(OwnedRow::Quota),
    );
    // Trajectories: as registrations; meldingen as recorded and not
    // retracted by the moment.
    let trajectories = crate::history::latest_versions(&h.trajectories, known_at);
    out.extend(
        trajectories
            .into_iter()
            .map(|t| OwnedRow::Trajectory(Box::new(t.clone()))),
    );
    out.extend(
        h.outreach_reports
            .iter()
            .filter(|r| r.counts_at(known_at))
            .map(|r| OwnedRow::OutreachReport(r.trajectory_id, r.reported_on)),
    );
    // HOV trajectories: as registrations.
    out.extend(
        crate::history::latest_versions(&h.tenancies, known_at)
            .into_iter()
            .map(|t| OwnedRow::Tenancy(Box::new(t.clone()))),
    );
    out
}

/// The rows of `persons` (and every capacity row if `capacity`), resolved in
/// memory as `FigureStore::figure_changes` resolves them in SQL, built for
/// merging into `base`.
#[cfg(test)]
pub(crate) fn changes(
    h: &History,
    base: &Facts,
    known_at: DateTime<Utc>,
    persons: &std::collections::HashSet<u32>,
    capacity: bool,
) -> Facts {
    let client_of: HashMap<i64, i64> = h.entries.iter().map(|e| (e.id, e.client_id)).collect();
    let ours = |client: i64| u32::try_from(client).is_ok_and(|c| persons.contains(&c));
    let mut b = FactsBuilder::changes_of(base, known_at);
    for row in resolve(h, known_at) {
        let keep = match &row {
            OwnedRow::Entry(_, client, ..) => ours(*client),
            OwnedRow::Transition(entry, ..) => client_of.get(entry).is_some_and(|c| ours(*c)),
            OwnedRow::Stay(s) => ours(s.0.client_id),
            OwnedRow::Registration(r) => ours(r.0.client_id),
            OwnedRow::Nomination(n) => ours(n.client_id),
            OwnedRow::Capacity(_)
            | OwnedRow::Quota(_)
            | OwnedRow::Trajectory(_)
            | OwnedRow::OutreachReport(..)
            | OwnedRow::Tenancy(_) => capacity,
        };
        if keep {
            let _ = b.row(row.as_row());
        }
    }
    b.finish()
}

/// The ETHOS Light category an indicator counts (0: every product).
pub(crate) fn ethos_number(id: super::catalogue::IndicatorId) -> u8 {
    match id {
        super::catalogue::IndicatorId::DakloosNoodopvang => 2,
        super::catalogue::IndicatorId::DakloosTijdelijkeOpvang => 3,
        _ => 0,
    }
}
