//! Every indicator on a small history built by hand; the expected numbers
//! are worked out in the comments.

use super::*;
use crate::care::{ExitDestination, StayHeader, StayVersion};
use crate::reference::*;
use crate::waitlist::{Entry, PassiveReason, RemovalReason, Status, Transition};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Recorded at noon on a day.
fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(s).and_hms_opt(12, 0, 0).unwrap())
}

fn gm(c: &str) -> GemeenteCode {
    GemeenteCode::parse(c).unwrap()
}

const HILVERSUM: &str = "GM0402";
const HUIZEN: &str = "GM0406";
const BW: i64 = 1;
const BT: i64 = 2;
const MO: i64 = 3;
const KWINTES: i64 = 10;
const LEGER: i64 = 11;
const HUIS: i64 = 100;
const OPVANG: i64 = 101;

struct Builder {
    h: History,
    next: i64,
}

impl Builder {
    fn id(&mut self) -> i64 {
        self.next += 1;
        self.next
    }

    fn entry(&mut self, client: i64, product: i64, gemeente: &str, since: &str) -> i64 {
        let id = self.id();
        self.h.entries.push(Entry {
            id,
            client_id: client,
            decision_id: id,
            product_id: product,
            responsible: gm(gemeente),
            waiting_since: d(since),
            created_at: at(since),
            preferred_provider: None,
            preferred_municipality: None,
            urgent: None,
        });
        id
    }

    fn status(&mut self, entry: i64, status: Status, from: &str, recorded: &str) -> i64 {
        let id = self.id();
        self.h.transitions.push(Transition {
            id,
            entry_id: entry,
            status,
            effective_date: d(from),
            note: None,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
            supersedes: None,
            retracted: false,
        });
        id
    }

    /// A correction (or with `retracted`, a withdrawal) of transition `of`.
    fn correct(&mut self, of: i64, status: Status, from: &str, recorded: &str, retracted: bool) {
        let id = self.id();
        let entry_id = self
            .h
            .transitions
            .iter()
            .find(|t| t.id == of)
            .unwrap()
            .entry_id;
        self.h.transitions.push(Transition {
            id,
            entry_id,
            status,
            effective_date: d(from),
            note: None,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
            supersedes: Some(of),
            retracted,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn stay(
        &mut self,
        client: i64,
        product: i64,
        provider: i64,
        location: Option<i64>,
        gemeente: &str,
        start: &str,
        transferred_from: Option<i64>,
    ) -> i64 {
        let id = self.id();
        self.h.stay_headers.push(StayHeader {
            id,
            client_id: client,
            entry_id: None,
            decision_id: None,
            transferred_from,
            responsible: gm(gemeente),
            created_at: at(start),
        });
        let version = self.id();
        self.h.stay_versions.push(StayVersion {
            id: version,
            stay_id: id,
            product_id: product,
            provider_id: provider,
            location_id: location,
            start_date: d(start),
            end_date: None,
            exit: None,
            financing: Default::default(),
            care_level: None,
            recorded_at: at(start),
            recorded_by: "test".into(),
        });
        id
    }

    fn version(
        &mut self,
        stay: i64,
        start: &str,
        end: Option<&str>,
        exit: Option<ExitDestination>,
        recorded: &str,
    ) {
        let id = self.id();
        // A correction or an end: the other facts stay as first recorded.
        let first = self
            .h
            .stay_versions
            .iter()
            .find(|v| v.stay_id == stay)
            .unwrap();
        let (product, provider, location) =
            (first.product_id, first.provider_id, first.location_id);
        self.h.stay_versions.push(StayVersion {
            id,
            stay_id: stay,
            product_id: product,
            provider_id: provider,
            location_id: location,
            start_date: d(start),
            end_date: end.map(d),
            exit,
            financing: Default::default(),
            care_level: None,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
        });
    }
}

/// The history the tests share (dates 2023–2026).
fn history() -> History {
    let mut b = Builder {
        h: History::default(),
        next: 0,
    };
    b.h.municipalities = vec![
        Municipality {
            code: gm(HILVERSUM),
            name: "Hilversum".into(),
            region_id: 1,
            version: 1,
        },
        Municipality {
            code: gm(HUIZEN),
            name: "Huizen".into(),
            region_id: 1,
            version: 1,
        },
    ];
    let product = |id: i64, code: &str, kind: &str| Product {
        id,
        code: code.into(),
        name: format!("Product {code}"),
        category: ProductCategorie::parse("15").unwrap(),
        kind: ProductKind::parse(kind).unwrap(),
        tariff_unit: TariffUnit::parse("per-dag").unwrap(),
        version: 1,
    };
    b.h.products = vec![
        product(BW, "BW", "intramuraal"),
        product(BT, "BT", "thuis"),
        product(MO, "MO", "opvang"),
    ];
    b.h.providers = vec![
        Provider {
            id: KWINTES,
            name: "Kwintes".into(),
            agb_code: None,
            version: 1,
        },
        Provider {
            id: LEGER,
            name: "Leger des Heils".into(),
            agb_code: None,
            version: 1,
        },
    ];
    b.h.locations = vec![
        Location {
            id: HUIS,
            provider_id: KWINTES,
            municipality: gm(HILVERSUM),
            name: "Huis aan de Vaart".into(),
            address: None,
            secret_address: false,
            product_ids: vec![BW],
            version: 1,
        },
        Location {
            id: OPVANG,
            provider_id: LEGER,
            municipality: gm(HUIZEN),
            name: "Nachtopvang".into(),
            address: None,
            secret_address: false,
            product_ids: vec![MO],
            version: 1,
        },
    ];
    let cap = |id: i64, location: i64, product: i64, places: i64, from: &str, recorded: &str| {
        CapacityRow {
            id,
            location_id: location,
            product_id: product,
            places,
            valid_from: d(from),
            valid_to: None,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
        }
    };
    b.h.capacity = vec![
        cap(1, HUIS, BW, 10, "2025-01-01", "2024-12-01"),
        cap(2, OPVANG, MO, 5, "2025-01-01", "2024-12-01"),
        // Two more places from March 2026, recorded on 1 February 2026.
        cap(3, HUIS, BW, 12, "2026-03-01", "2026-02-01"),
    ];

    use Status::*;
    // E1: client 1, BW, Hilversum: screening in June, placed on 1 July 2025.
    let e1 = b.entry(1, BW, HILVERSUM, "2025-01-10");
    b.status(e1, Aangemeld, "2025-01-10", "2025-01-10");
    b.status(e1, ActiefWachtend, "2025-02-01", "2025-02-01");
    b.status(
        e1,
        InScreening {
            provider_id: KWINTES,
        },
        "2025-06-01",
        "2025-06-01",
    );
    b.status(e1, Geplaatst, "2025-07-01", "2025-07-01");
    // E2: client 2, BW, Huizen: passive (clinic) from May to August 2025.
    let e2 = b.entry(2, BW, HUIZEN, "2025-03-01");
    b.status(e2, Aangemeld, "2025-03-01", "2025-03-01");
    b.status(e2, ActiefWachtend, "2025-03-15", "2025-03-15");
    b.status(
        e2,
        PassiefWachtend(PassiveReason::KlinischeOpname),
        "2025-05-01",
        "2025-05-01",
    );
    b.status(e2, ActiefWachtend, "2025-08-01", "2025-08-01");
    // E3: client 3, BT, Hilversum: removed (no contact) on 15 September 2025.
    let e3 = b.entry(3, BT, HILVERSUM, "2025-04-01");
    b.status(e3, Aangemeld, "2025-04-01", "2025-04-01");
    b.status(e3, ActiefWachtend, "2025-04-10", "2025-04-10");
    b.status(
        e3,
        Afgevoerd(RemovalReason::GeenContact),
        "2025-09-15",
        "2025-09-15",
    );
    // E4: client 4, BW, Hilversum: active from 20 May; on 10 July 2025 it is
    // recorded that the client was passive (not motivated) from 15 June — a
    // correction recorded after the peildatum 30 June.
    let e4 = b.entry(4, BW, HILVERSUM, "2025-05-01");
    b.status(e4, Aangemeld, "2025-05-01", "2025-05-01");
    b.status(e4, ActiefWachtend, "2025-05-20", "2025-05-20");
    b.status(
        e4,
        PassiefWachtend(PassiveReason::NietGemotiveerd),
        "2025-06-15",
        "2025-07-10",
    );

    // Stays.
    let s1 = b.stay(1, BW, KWINTES, Some(HUIS), HILVERSUM, "2025-07-01", None);
    b.version(
        s1,
        "2025-07-01",
        Some("2025-10-01"),
        Some(ExitDestination::AndereVoorziening),
        "2025-10-01",
    );
    let s2 = b.stay(
        1,
        BW,
        KWINTES,
        Some(HUIS),
        HILVERSUM,
        "2025-10-01",
        Some(s1),
    );
    b.version(
        s2,
        "2025-10-01",
        Some("2026-02-01"),
        Some(ExitDestination::Zelfstandig),
        "2026-02-01",
    );
    let s3 = b.stay(5, MO, LEGER, Some(OPVANG), HUIZEN, "2025-08-01", None);
    b.version(
        s3,
        "2025-08-01",
        Some("2025-08-21"),
        Some(ExitDestination::FamilieVrienden),
        "2025-08-21",
    );
    b.stay(5, MO, LEGER, Some(OPVANG), HUIZEN, "2026-03-01", None);
    // S5 ends on 1 December 2025, recorded the next day.
    let s5 = b.stay(6, MO, LEGER, Some(OPVANG), HUIZEN, "2025-09-01", None);
    b.version(
        s5,
        "2025-09-01",
        Some("2025-12-01"),
        Some(ExitDestination::ZelfstandigPact),
        "2025-12-02",
    );
    b.stay(6, MO, LEGER, Some(OPVANG), HUIZEN, "2026-06-01", None);
    // Client 7: Beschermd Thuis until June 2024, again from November 2025.
    let s7 = b.stay(7, BT, LEGER, None, HILVERSUM, "2023-01-01", None);
    b.version(
        s7,
        "2023-01-01",
        Some("2024-06-01"),
        Some(ExitDestination::Zelfstandig),
        "2024-06-01",
    );
    b.stay(7, BT, LEGER, None, HILVERSUM, "2025-11-01", None);
    b.h
}

fn now() -> Facts {
    Facts::build(&history(), at("2027-01-01"))
}

fn on(s: &str) -> When {
    When::On(d(s))
}

fn period(a: &str, b: &str) -> When {
    When::Period(d(a), d(b))
}

fn query(id: IndicatorId, when: When) -> Query {
    Query {
        indicator: id,
        when,
        filter: Filter::default(),
        breakdown: None,
    }
}

fn value(f: &Facts, id: IndicatorId, when: When) -> Value {
    compute(f, &query(id, when)).unwrap().total
}

fn count(f: &Facts, id: IndicatorId, when: When) -> u64 {
    match value(f, id, when) {
        Value::Count(c) => c,
        other => panic!("{other:?}"),
    }
}

fn days(f: &Facts, id: IndicatorId, when: When) -> (u64, Option<f64>) {
    match value(f, id, when) {
        Value::Days { n, days } => (n, days),
        other => panic!("{other:?}"),
    }
}

fn breakdown(f: &Facts, id: IndicatorId, when: When, by: Dimension) -> Vec<(String, Value)> {
    let q = Query {
        breakdown: Some(by),
        ..query(id, when)
    };
    compute(f, &q)
        .unwrap()
        .cells
        .into_iter()
        .map(|c| (c.key, c.value))
        .collect()
}

use IndicatorId as I;

#[test]
fn waiting_on_a_peildatum_total_active_passive_and_in_screening() {
    let f = now();
    // On 30 June 2025: E1 in screening, E2 passive (clinic), E3 active, E4
    // passive (the correction).
    let day = on("2025-06-30");
    assert_eq!(count(&f, I::WachtendTotaal, day), 4);
    assert_eq!(count(&f, I::WachtendActief, day), 1);
    assert_eq!(count(&f, I::WachtendPassief, day), 2);
    assert_eq!(count(&f, I::InScreening, day), 1);
    assert_eq!(count(&f, I::WachtendAangemeld, day), 0);
    // On 15 March E2 is active, E1 active, E3 not yet on the list; on 5 April
    // E3 is registered but not yet active.
    assert_eq!(count(&f, I::WachtendAangemeld, on("2025-04-05")), 1);
    assert_eq!(count(&f, I::WachtendTotaal, on("2025-04-05")), 3);
    // On 1 August E1 is placed, E2 active again, E3 active, E4 passive.
    assert_eq!(count(&f, I::WachtendTotaal, on("2025-08-01")), 3);
    assert_eq!(count(&f, I::WachtendActief, on("2025-08-01")), 2);
    // Before anyone applied, nobody waits.
    assert_eq!(count(&f, I::WachtendTotaal, on("2024-12-31")), 0);

    let reasons = breakdown(&f, I::WachtendPassief, day, Dimension::Reden);
    assert!(reasons.contains(&("klinische-opname".into(), Value::Count(1))));
    assert!(reasons.contains(&("niet-gemotiveerd".into(), Value::Count(1))));
    assert!(reasons.contains(&("anders".into(), Value::Count(0))));
    let by_product = breakdown(&f, I::WachtendTotaal, day, Dimension::Product);
    assert_eq!(
        by_product,
        vec![
            ("BT".into(), Value::Count(1)),
            ("BW".into(), Value::Count(3))
        ]
    );
    let by_provider = breakdown(&f, I::InScreening, day, Dimension::Aanbieder);
    assert_eq!(by_provider, vec![(KWINTES.to_string(), Value::Count(1))]);
}

#[test]
fn a_correction_recorded_after_the_peildatum_changes_the_figure_only_as_known_after_it() {
    // As known on 1 July 2025 E4 was still active on 30 June.
    let then = Facts::build(&history(), at("2025-07-01"));
    let day = on("2025-06-30");
    assert_eq!(count(&then, I::WachtendActief, day), 2);
    assert_eq!(count(&then, I::WachtendPassief, day), 1);
    assert_eq!(count(&then, I::WachtendTotaal, day), 4);
    // As known now, the correction applies.
    assert_eq!(count(&now(), I::WachtendActief, day), 1);
    assert_eq!(count(&now(), I::WachtendPassief, day), 2);
}

#[test]
fn waiting_time_on_a_peildatum_counts_from_the_decision() {
    let f = now();
    // On 30 June 2025: E1 171 days (10 Jan), E2 121 (1 Mar), E3 90 (1 Apr),
    // E4 60 (1 May). Median (90 + 121) / 2, mean 442 / 4, maximum 171.
    let day = on("2025-06-30");
    assert_eq!(days(&f, I::WachttijdMediaan, day), (4, Some(105.5)));
    assert_eq!(days(&f, I::WachttijdGemiddeld, day), (4, Some(110.5)));
    assert_eq!(days(&f, I::WachttijdMaximum, day), (4, Some(171.0)));
    // Nobody waiting: no statistic.
    assert_eq!(days(&f, I::WachttijdMediaan, on("2024-01-01")), (0, None));
}

#[test]
fn waiting_time_of_those_placed_and_removals_in_a_period() {
    let f = now();
    let h2 = period("2025-07-01", "2025-12-31");
    // E1 was placed on 1 July 2025, 172 days after its decision of 10 January.
    assert_eq!(days(&f, I::WachttijdGeplaatstMediaan, h2), (1, Some(172.0)));
    assert_eq!(
        days(&f, I::WachttijdGeplaatstGemiddeld, h2),
        (1, Some(172.0))
    );
    // E3 was removed on 15 September for lack of contact.
    assert_eq!(count(&f, I::Afgevoerd, h2), 1);
    let reasons = breakdown(&f, I::Afgevoerd, h2, Dimension::Reden);
    assert!(reasons.contains(&("geen-contact".into(), Value::Count(1))));
    assert!(reasons.contains(&("overleden".into(), Value::Count(0))));
    assert_eq!(
        count(&f, I::Afgevoerd, period("2025-01-01", "2025-06-30")),
        0
    );
}

#[test]
fn inflow_outflow_and_transfers_in_a_period() {
    let f = now();
    let h2 = period("2025-07-01", "2025-12-31");
    // New stays: S1 (1 Jul), S3 (1 Aug), S5 (1 Sep), S8 (1 Nov); S2 is a transfer.
    assert_eq!(count(&f, I::Instroom, h2), 4);
    assert_eq!(count(&f, I::Overplaatsingen, h2), 1);
    // Ended: S3 (21 Aug, family) and S5 (1 Dec, independent via Pact); S1
    // ended in a transfer and does not count.
    assert_eq!(count(&f, I::Uitstroom, h2), 2);
    let destinations = breakdown(&f, I::Uitstroom, h2, Dimension::Bestemming);
    assert!(destinations.contains(&("familie-vrienden".into(), Value::Count(1))));
    assert!(destinations.contains(&("zelfstandig-pact".into(), Value::Count(1))));
    assert!(destinations.contains(&("kliniek".into(), Value::Count(0))));
    let by_provider = breakdown(&f, I::Instroom, h2, Dimension::Aanbieder);
    assert_eq!(
        by_provider,
        vec![
            (KWINTES.to_string(), Value::Count(1)),
            (LEGER.to_string(), Value::Count(3))
        ]
    );
    // First half of 2026: S4 and S6 start.
    assert_eq!(
        count(&f, I::Instroom, period("2026-01-01", "2026-06-30")),
        2
    );
}

#[test]
fn persons_and_mean_length_of_stay_of_stays_ended_in_a_period() {
    let f = now();
    let h2 = period("2025-07-01", "2025-12-31");
    // Clients 5 and 6; S3 lasted 20 days, S5 91 days: on average 55.5.
    assert_eq!(count(&f, I::PersonenUitgestroomd, h2), 2);
    assert_eq!(days(&f, I::Verblijfsduur, h2), (2, Some(55.5)));
    // Client 1's transfer counts as one stay: 1 July 2025 to 1 February 2026
    // is 215 days.
    let h1 = period("2026-01-01", "2026-06-30");
    assert_eq!(count(&f, I::PersonenUitgestroomd, h1), 1);
    assert_eq!(days(&f, I::Verblijfsduur, h1), (1, Some(215.0)));
    // As known on 30 November 2025, S5 had not ended yet.
    let then = Facts::build(&history(), at("2025-11-30"));
    assert_eq!(count(&then, I::PersonenUitgestroomd, h2), 1);
    assert_eq!(days(&then, I::Verblijfsduur, h2), (1, Some(20.0)));
}

#[test]
fn exits_to_independent_housing_and_returns_within_24_months() {
    let f = now();
    let h2 = period("2025-07-01", "2025-12-31");
    // Client 6 left for independent housing (via Pact) on 1 December 2025 and
    // started a new stay on 1 June 2026: a return within 24 months.
    assert_eq!(count(&f, I::UitstroomZelfstandig, h2), 1);
    assert_eq!(count(&f, I::Terugkeer, h2), 1);
    assert_eq!(
        value(&f, I::TerugkeerPercentage, h2),
        Value::Percent {
            numerator: 1,
            denominator: 1
        }
    );
    // Client 7 left for independent housing on 1 June 2024 and came back on
    // 1 November 2025, within 24 months; client 1 left on 1 February 2026
    // and has not come back.
    let y2024 = period("2024-01-01", "2024-12-31");
    assert_eq!(count(&f, I::Terugkeer, y2024), 1);
    let h1 = period("2026-01-01", "2026-06-30");
    assert_eq!(count(&f, I::UitstroomZelfstandig, h1), 1);
    assert_eq!(count(&f, I::Terugkeer, h1), 0);
    assert_eq!(
        value(&f, I::TerugkeerPercentage, h1),
        Value::Percent {
            numerator: 0,
            denominator: 1
        }
    );
    // As known before client 6 came back, there was no return.
    let then = Facts::build(&history(), at("2026-05-01"));
    assert_eq!(count(&then, I::Terugkeer, h2), 0);
}

/// Two people who left for a home of their own on 10 January 2024: one came
/// back on 9 January 2026, exactly 730 days later; the other on 10 January
/// 2026, 731 days later (but the same calendar day 24 months on).
fn boundary_history() -> History {
    let h = history();
    let mut b = Builder { h, next: 10_000 };
    for (client, back) in [(50, "2026-01-09"), (51, "2026-01-10")] {
        let s = b.stay(client, MO, LEGER, Some(OPVANG), HUIZEN, "2023-06-01", None);
        b.version(
            s,
            "2023-06-01",
            Some("2024-01-10"),
            Some(ExitDestination::Zelfstandig),
            "2024-01-10",
        );
        b.stay(client, MO, LEGER, Some(OPVANG), HUIZEN, back, None);
    }
    b.h
}

#[test]
fn a_return_counts_up_to_730_days_after_the_exit_and_not_a_day_later() {
    let f = Facts::build(&boundary_history(), at("2027-01-01"));
    let jan_2024 = period("2024-01-01", "2024-01-31");
    assert_eq!(count(&f, I::UitstroomZelfstandig, jan_2024), 2);
    // Day 730 counts (HUD SPM 2); day 731 does not, although it is the same
    // calendar day 24 months on.
    assert_eq!(count(&f, I::Terugkeer, jan_2024), 1);
    // The same window the other way round: whoever returns within 730 days is
    // not a first-time entrant, whoever comes back on day 731 is.
    assert_eq!(
        count(&f, I::EersteInstroom, period("2026-01-09", "2026-01-09")),
        0
    );
    assert_eq!(
        count(&f, I::EersteInstroom, period("2026-01-10", "2026-01-10")),
        1
    );
}

#[test]
fn first_time_entrants_had_no_stay_in_the_24_months_before() {
    let f = now();
    // Clients 1, 5 and 6 are new; client 7 had a stay until June 2024, within
    // 24 months of 1 November 2025.
    assert_eq!(
        count(&f, I::EersteInstroom, period("2025-07-01", "2025-12-31")),
        3
    );
    // In 2026, clients 5 and 6 return within 24 months: nobody is new.
    assert_eq!(
        count(&f, I::EersteInstroom, period("2026-01-01", "2026-06-30")),
        0
    );
}

#[test]
fn occupancy_capacity_and_occupancy_rate_on_a_peildatum() {
    let f = now();
    // On 15 November 2025: S2 (BW, Huis aan de Vaart), S5 (MO, Nachtopvang)
    // and S8 (BT at home).
    let day = on("2025-11-15");
    assert_eq!(count(&f, I::Bezetting, day), 3);
    assert_eq!(
        breakdown(&f, I::Bezetting, day, Dimension::Product),
        vec![
            ("BT".into(), Value::Count(1)),
            ("BW".into(), Value::Count(1)),
            ("MO".into(), Value::Count(1))
        ]
    );
    // 10 places for BW and 5 for MO; two of them taken.
    assert_eq!(count(&f, I::Capaciteit, day), 15);
    assert_eq!(
        value(&f, I::Bezettingsgraad, day),
        Value::Percent {
            numerator: 2,
            denominator: 15
        }
    );
    assert_eq!(
        breakdown(&f, I::Bezettingsgraad, day, Dimension::Locatie),
        vec![
            (
                HUIS.to_string(),
                Value::Percent {
                    numerator: 1,
                    denominator: 10
                }
            ),
            (
                OPVANG.to_string(),
                Value::Percent {
                    numerator: 1,
                    denominator: 5
                }
            )
        ]
    );
    // From March 2026 the house has 12 places, recorded on 1 February 2026.
    assert_eq!(count(&f, I::Capaciteit, on("2026-03-15")), 17);
    let then = Facts::build(&history(), at("2026-01-15"));
    assert_eq!(count(&then, I::Capaciteit, on("2026-03-15")), 15);
}

#[test]
fn a_filter_on_municipality_product_or_provider_narrows_every_figure() {
    let f = now();
    let huizen = Filter {
        municipalities: Some(
            (0..f.municipalities.len())
                .map(|i| f.municipalities.key(i as u16) == Some(&gm(HUIZEN)))
                .collect(),
        ),
        ..Filter::default()
    };
    let q = |id: IndicatorId, when: When| Query {
        filter: huizen.clone(),
        ..query(id, when)
    };
    assert_eq!(
        compute(&f, &q(I::WachtendTotaal, on("2025-06-30")))
            .unwrap()
            .total,
        Value::Count(1)
    );
    assert_eq!(
        compute(&f, &q(I::Instroom, period("2025-07-01", "2025-12-31")))
            .unwrap()
            .total,
        Value::Count(2)
    );
    // A breakdown by municipality within the filter lists only Huizen.
    let by = Query {
        breakdown: Some(Dimension::Gemeente),
        ..q(I::WachtendTotaal, on("2025-06-30"))
    };
    let cells = compute(&f, &by).unwrap().cells;
    assert_eq!(cells.len(), 1);
    assert_eq!(cells[0].label, "Huizen");
    let kwintes = Query {
        filter: Filter {
            provider: f.providers.get(&KWINTES),
            ..Filter::default()
        },
        ..query(I::Bezetting, on("2025-11-15"))
    };
    assert_eq!(compute(&f, &kwintes).unwrap().total, Value::Count(1));
}

#[test]
fn questions_that_do_not_fit_the_indicator_are_refused_in_dutch() {
    let f = now();
    let wrong_time = compute(&f, &query(I::Instroom, on("2025-06-30"))).unwrap_err();
    assert!(wrong_time.0.contains("over een periode"), "{wrong_time:?}");
    let wrong_dimension = compute(
        &f,
        &Query {
            breakdown: Some(Dimension::Locatie),
            ..query(I::WachtendTotaal, on("2025-06-30"))
        },
    )
    .unwrap_err();
    assert!(
        wrong_dimension.0.contains("uitgesplitst naar locatie"),
        "{wrong_dimension:?}"
    );
    let backwards =
        compute(&f, &query(I::Instroom, period("2025-12-31", "2025-01-01"))).unwrap_err();
    assert!(backwards.0.contains("periode"));
}

#[test]
fn the_engine_agrees_with_the_waiting_list_state_of_each_entry() {
    // `waitlist::state_on` is what the waiting-list pages show.
    let h = history();
    let f = now();
    for day_s in ["2025-03-01", "2025-06-30", "2025-08-01", "2025-12-31"] {
        let day = d(day_s);
        let open = h
            .entries
            .iter()
            .filter(|e| {
                let own: Vec<Transition> = h
                    .transitions
                    .iter()
                    .filter(|t| t.entry_id == e.id)
                    .cloned()
                    .collect();
                crate::waitlist::state_on(e, &own, day, at("2027-01-01"))
                    .is_some_and(|s| s.status.is_open())
            })
            .count() as u64;
        assert_eq!(count(&f, I::WachtendTotaal, When::On(day)), open, "{day_s}");
    }
}

fn cube_agrees(f: &Facts, first: NaiveDate, last: NaiveDate) -> usize {
    let months = super::cube::Months12::between(first, last);
    super::cube::check_against_engine(f, &months, None).unwrap()
}

#[test]
fn the_national_set_agrees_with_the_engine_in_every_cell() {
    let checked = cube_agrees(&now(), d("2023-01-01"), d("2026-12-31"));
    assert!(checked > 1000, "{checked}");
    let then = Facts::build(&history(), at("2025-07-01"));
    cube_agrees(&then, d("2025-01-01"), d("2025-12-31"));
}

/// The transition of `client`'s entry with this status and date.
fn transition_of(h: &History, client: i64, from: &str) -> i64 {
    let entry = h.entries.iter().find(|e| e.client_id == client).unwrap().id;
    h.transitions
        .iter()
        .find(|t| t.entry_id == entry && t.effective_date == d(from))
        .unwrap()
        .id
}

#[test]
fn writes_merged_into_the_projection_give_what_a_full_build_gives() {
    use std::collections::HashSet;
    // Everything in `history()` is recorded before 1 July 2026.
    let t0 = at("2026-07-01");
    let mut b = Builder {
        h: history(),
        next: 1000,
    };
    let mut facts = Facts::build(&b.h, t0);
    let before = facts.clone();

    // Recorded in July 2026: a corrected date (client 2 was active again
    // from 1 September, not 1 August 2025), a withdrawn removal (client 3),
    // a new entry (client 8), a corrected end of a stay (client 6), a
    // transfer (client 5) and more places.
    let returned = transition_of(&b.h, 2, "2025-08-01");
    b.correct(
        returned,
        Status::ActiefWachtend,
        "2025-09-01",
        "2026-07-10",
        false,
    );
    let removal = transition_of(&b.h, 3, "2025-09-15");
    b.correct(
        removal,
        Status::Afgevoerd(RemovalReason::GeenContact),
        "2025-09-15",
        "2026-07-10",
        true,
    );
    let e8 = b.entry(8, BW, HUIZEN, "2026-07-02");
    b.status(e8, Status::Aangemeld, "2026-07-02", "2026-07-11");
    let s5 =
        b.h.stay_headers
            .iter()
            .find(|s| s.client_id == 6 && s.created_at < at("2026-01-01"))
            .unwrap()
            .id;
    b.version(
        s5,
        "2025-09-01",
        Some("2025-11-15"),
        Some(ExitDestination::ZelfstandigPact),
        "2026-07-12",
    );
    let s4 =
        b.h.stay_headers
            .iter()
            .rev()
            .find(|s| s.client_id == 5)
            .unwrap()
            .id;
    b.version(
        s4,
        "2026-03-01",
        Some("2026-07-01"),
        Some(ExitDestination::AndereVoorziening),
        "2026-07-13",
    );
    b.stay(5, BW, KWINTES, Some(HUIS), HUIZEN, "2026-07-01", Some(s4));
    b.h.stay_headers.last_mut().unwrap().created_at = at("2026-07-13");
    b.h.stay_versions.last_mut().unwrap().recorded_at = at("2026-07-13");
    b.h.capacity.push(CapacityRow {
        id: 4,
        location_id: OPVANG,
        product_id: MO,
        places: 8,
        valid_from: d("2026-08-01"),
        valid_to: None,
        recorded_at: at("2026-07-14"),
        recorded_by: "test".into(),
    });

    let t1 = at("2026-08-01");
    let persons: HashSet<u32> = [2, 3, 8, 6, 5].into_iter().collect();
    let changes = super::facts::changes(&b.h, &facts, t1, &persons, true);
    facts.merge(changes, &persons, true).unwrap();
    assert_eq!(facts, Facts::build(&b.h, t1), "merged equals built");
    assert_ne!(facts, before);
    let removed = |f: &Facts| {
        count(
            f,
            IndicatorId::Afgevoerd,
            When::Period(d("2025-01-01"), d("2025-12-31")),
        )
    };
    assert_eq!(removed(&before), 1);
    assert_eq!(removed(&facts), 0, "the withdrawn removal is gone");
    assert_eq!(
        count(&facts, IndicatorId::WachtendActief, on("2025-08-15")),
        count(&before, IndicatorId::WachtendActief, on("2025-08-15")) - 1,
        "client 2 is passive until September as corrected"
    );
}

#[test]
fn a_projection_with_other_reference_data_is_rebuilt_not_merged() {
    let h = history();
    let mut facts = Facts::build(&h, at("2026-07-01"));
    let mut other = h.clone();
    other.providers.push(Provider {
        id: 99,
        name: "Nieuw".into(),
        agb_code: None,
        version: 1,
    });
    let changes = Facts::build(&other, at("2026-07-02"));
    let none = std::collections::HashSet::new();
    assert!(facts.merge(changes, &none, false).is_err());
}

/// The access point's figures on a small hand-made register of region 1
/// (Hilversum is its centrumgemeente, Huizen the other municipality) in
/// 2025, reproducing the shape of "BCT trajecten; gemeente van herkomst":
///
/// | person | kind           | day        | origin          | outcome              |
/// |--------|----------------|------------|-----------------|----------------------|
/// | 21     | traject        | 2025-02-01 | Huizen          | zelfredzaam          |
/// | 21     | traject        | 2025-09-01 | Huizen          | toegang-opvang       |
/// | 22     | traject        | 2025-03-01 | Amsterdam       | toegang-opvang       |
/// | 23     | signaal        | 2025-04-01 | Hilversum       | —                    |
/// | 24     | signaal        | 2025-05-01 | unknown         | —                    |
/// | 24     | traject        | 2025-06-01 | unknown         | open                 |
/// | 25     | dreigend       | 2025-07-01 | Huizen          | woning-behouden      |
/// | 26     | traject        | 2024-12-20 | Huizen          | zelfredzaam (2024)   |
///
/// In 2025: clients with a trajectory or signal 21, 22, 23, 24 = 4;
/// trajectories 21, 22, 24 = 3 (21 once); only a signal: 23 = 1 (24 had a
/// trajectory too); self-reliant 21 = 1; access to shelter 21, 22 = 2;
/// threatened 25 = 1. By origin: Huizen 1 (21), Hilversum 0, outside the
/// region 1 (22, counted for Hilversum), unknown 1 (24, for Hilversum).
/// Recorded later (2026-02-01): 22's origin corrected to Huizen; as known
/// before, the figures stay as they were.
#[test]
fn access_point_figures_by_origin_as_known_at_any_moment() {
    use crate::shelter::{
        OriginBasis, Registration, RegistrationFacts, RegistrationKind as K,
        RegistrationOutcome as O,
    };
    let mut h = history();
    h.regions = vec![Region {
        id: 1,
        code: "GV".into(),
        name: "Gooi en Vechtstreek".into(),
        centrumgemeente: Some(gm(HILVERSUM)),
        version: 1,
    }];
    let mut version = 1000;
    let mut add = |id: i64,
                   client: i64,
                   kind: K,
                   day: &str,
                   origin: Option<&str>,
                   outcome: Option<O>,
                   recorded: &str| {
        version += 1;
        h.registrations.push(Registration {
            id,
            client_id: client,
            region_id: 1,
            created_at: at(day),
            facts: RegistrationFacts {
                kind,
                reported_on: d(day),
                origin: origin.map(gm),
                origin_basis: if origin.is_some() {
                    OriginBasis::Opgave
                } else {
                    OriginBasis::Onbekend
                },
                outcome,
                outcome_on: outcome.map(|_| d(day)),
                referred_to: None,
                end_reason: None,
                note: None,
            },
            version_id: version,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
        });
    };
    add(
        1,
        21,
        K::Traject,
        "2025-02-01",
        Some(HUIZEN),
        Some(O::Zelfredzaam),
        "2025-02-01",
    );
    add(
        2,
        21,
        K::Traject,
        "2025-09-01",
        Some(HUIZEN),
        Some(O::ToegangOpvang),
        "2025-09-01",
    );
    add(
        3,
        22,
        K::Traject,
        "2025-03-01",
        Some("GM0363"),
        Some(O::ToegangOpvang),
        "2025-03-01",
    );
    add(
        4,
        23,
        K::Signaal,
        "2025-04-01",
        Some(HILVERSUM),
        None,
        "2025-04-01",
    );
    add(5, 24, K::Signaal, "2025-05-01", None, None, "2025-05-01");
    add(6, 24, K::Traject, "2025-06-01", None, None, "2025-06-01");
    add(
        7,
        25,
        K::DreigendDakloos,
        "2025-07-01",
        Some(HUIZEN),
        Some(O::WoningBehouden),
        "2025-07-01",
    );
    add(
        8,
        26,
        K::Traject,
        "2024-12-20",
        Some(HUIZEN),
        Some(O::Zelfredzaam),
        "2024-12-21",
    );
    // The correction: 22 came from Huizen after all.
    add(
        3,
        22,
        K::Traject,
        "2025-03-01",
        Some(HUIZEN),
        Some(O::ToegangOpvang),
        "2026-02-01",
    );
    let year = period("2025-01-01", "2025-12-31");
    let before = Facts::build(&h, at("2026-01-15"));
    let after = Facts::build(&h, at("2026-03-01"));
    use IndicatorId as I;
    for f in [&before, &after] {
        assert_eq!(count(f, I::ToegangClienten, year), 4);
        assert_eq!(count(f, I::ToegangTrajecten, year), 3);
        assert_eq!(count(f, I::ToegangSignalen, year), 1);
        assert_eq!(count(f, I::ToegangZelfredzaam, year), 1);
        assert_eq!(count(f, I::ToegangOpvang, year), 2);
        assert_eq!(count(f, I::DreigendDakloos, year), 1);
    }
    let by_origin = |f: &Facts| breakdown(f, I::ToegangTrajecten, year, Dimension::Woongemeente);
    let c = |n: u64| Value::Count(n);
    assert_eq!(
        by_origin(&before),
        vec![
            ("geen".to_string(), c(1)),
            ("buiten-regio".to_string(), c(1)),
            (HUIZEN.to_string(), c(1)),
        ],
        "as known before the correction (by label: unknown, outside, Huizen)"
    );
    assert_eq!(
        by_origin(&after),
        vec![("geen".to_string(), c(1)), (HUIZEN.to_string(), c(2))],
        "as known after it"
    );
    // Counted for the centrumgemeente when from outside or unknown.
    let by_municipality = breakdown(&before, I::ToegangTrajecten, year, Dimension::Gemeente);
    assert_eq!(
        by_municipality,
        vec![(HILVERSUM.to_string(), c(2)), (HUIZEN.to_string(), c(1))]
    );
    // The year before: only 26.
    assert_eq!(
        count(
            &after,
            I::ToegangTrajecten,
            period("2024-01-01", "2024-12-31")
        ),
        1
    );
}

/// Unique persons in care: a stay counts in a period in which it had at
/// least one day in care; the day of leaving is not one.
#[test]
fn persons_in_care_count_each_person_once_per_period() {
    let f = now();
    use IndicatorId as I;
    let all_stays: std::collections::HashSet<u32> = f.stays.iter().map(|s| s.client).collect();
    let wide = period("2000-01-01", "2030-12-31");
    assert_eq!(count(&f, I::PersonenInZorg, wide), all_stays.len() as u64);
    for s in &f.stays {
        if s.end == super::facts::OPEN {
            continue;
        }
        let leaving = super::facts::date(s.end);
        let alone = f.stays.iter().filter(|o| o.client == s.client).count() == 1;
        if alone {
            let only_that_day = compute(
                &f,
                &Query {
                    filter: Filter {
                        product: Some(s.product),
                        ..Filter::default()
                    },
                    ..query(I::PersonenInZorg, When::Period(leaving, leaving))
                },
            )
            .unwrap();
            let others = f
                .stays
                .iter()
                .filter(|o| o.product == s.product && o.start <= s.end && s.end < o.end)
                .map(|o| o.client)
                .collect::<std::collections::HashSet<_>>();
            assert_eq!(
                only_that_day.total,
                Value::Count(others.len() as u64),
                "{s:?}"
            );
        }
    }
}

/// The Pact voor uitstroom, by hand. Agreements for 2025: Huizen 3 and
/// Hilversum 4 (recorded January 2025); Huizen corrected to 5 on
/// 2026-02-01. Nominations:
///
/// | nr | client | from | route    | nominated  | sought    | key (home in)          |
/// |----|--------|------|----------|------------|-----------|------------------------|
/// | N1 | 31     | bw   | pact     | 2024-10-01 | Huizen    | 2025-03-01 (Huizen)    |
/// | N2 | 32     | mo   | pact     | 2024-11-15 | Huizen    | 2025-08-15 (Hilversum) |
/// | N3 | 33     | vo   | urgentie | 2025-02-01 | Hilversum | 2025-06-01 (Hilversum) |
/// | N4 | 34     | det. | pact     | 2025-05-01 | Hilversum | 2025-12-01 (Huizen), recorded 2026-02-01 |
/// | N5 | 35     | bw   | pact     | 2025-03-01 | Huizen    | withdrawn 2025-09-01   |
///
/// Waits: N1 151 days (within six months), N2 273 (not), N3 120 (within),
/// N4 214 (not: the limit was 1 November). Aftercare: N1 from its key,
/// open; N3 from 2025-06-01 to 2025-12-31. Housing: N3 evicted 2026-01-15
/// (recorded 2026-02-01); N2 out of sight 2026-05-01 (recorded 2026-06-01).
#[test]
fn pact_outflow_figures_by_hand_as_known_at_any_moment() {
    use crate::outflow::{
        HousingOutcome, Nomination, NominationFacts, OutflowFrom, OutflowRoute, Quota,
        WithdrawalReason,
    };
    let mut h = history();
    let quota = |id: i64, g: &str, homes: u32, recorded: &str| Quota {
        id,
        region_id: 1,
        municipality: gm(g),
        year: 2025,
        homes,
        note: None,
        recorded_at: at(recorded),
        recorded_by: "test".into(),
    };
    h.quotas = vec![
        quota(1, HUIZEN, 3, "2025-01-10"),
        quota(2, HILVERSUM, 4, "2025-01-10"),
        quota(3, HUIZEN, 5, "2026-02-01"),
    ];
    let base = |leaves, route, nominated: &str, sought: &str| NominationFacts {
        route,
        leaves,
        stay_id: None,
        nominated_on: d(nominated),
        municipality: gm(sought),
        corporation_id: None,
        address_municipality: None,
        key_on: None,
        withdrawn_on: None,
        withdrawal_reason: None,
        aftercare_provider: None,
        aftercare_from: None,
        aftercare_until: None,
        housing: None,
        housing_on: None,
        note: None,
    };
    let housed = |f: NominationFacts, key: &str, home: &str| NominationFacts {
        corporation_id: Some(1),
        address_municipality: Some(gm(home)),
        key_on: Some(d(key)),
        ..f
    };
    let mut version = 5000;
    let mut add = |id: i64, client: i64, facts: NominationFacts, created: &str, recorded: &str| {
        version += 1;
        h.nominations.push(Nomination {
            id,
            client_id: client,
            region_id: 1,
            created_at: at(created),
            facts,
            version_id: version,
            recorded_at: at(recorded),
            recorded_by: "test".into(),
        });
    };
    use OutflowFrom as F;
    use OutflowRoute as R;
    let n1 = NominationFacts {
        aftercare_provider: Some(KWINTES),
        aftercare_from: Some(d("2025-03-01")),
        ..housed(
            base(F::BeschermdWonen, R::Pact, "2024-10-01", HUIZEN),
            "2025-03-01",
            HUIZEN,
        )
    };
    add(1, 31, n1, "2024-10-01", "2025-03-01");
    let n2 = housed(
        base(F::Opvang, R::Pact, "2024-11-15", HUIZEN),
        "2025-08-15",
        HILVERSUM,
    );
    add(2, 32, n2.clone(), "2024-11-15", "2025-08-15");
    let n3 = NominationFacts {
        aftercare_provider: Some(LEGER),
        aftercare_from: Some(d("2025-06-01")),
        aftercare_until: Some(d("2025-12-31")),
        ..housed(
            base(F::Vrouwenopvang, R::Urgentie, "2025-02-01", HILVERSUM),
            "2025-06-01",
            HILVERSUM,
        )
    };
    add(3, 33, n3.clone(), "2025-02-01", "2025-06-01");
    let n4 = base(F::Detentie, R::Pact, "2025-05-01", HILVERSUM);
    add(4, 34, n4.clone(), "2025-05-01", "2025-05-01");
    add(
        5,
        35,
        NominationFacts {
            withdrawn_on: Some(d("2025-09-01")),
            withdrawal_reason: Some(WithdrawalReason::Overig),
            ..base(F::BeschermdWonen, R::Pact, "2025-03-01", HUIZEN)
        },
        "2025-03-01",
        "2025-09-01",
    );
    // Recorded later: N4's key, N3's eviction, N2 out of sight.
    add(
        4,
        34,
        housed(n4, "2025-12-01", HUIZEN),
        "2025-05-01",
        "2026-02-01",
    );
    add(
        3,
        33,
        NominationFacts {
            housing: Some(HousingOutcome::Uitgezet),
            housing_on: Some(d("2026-01-15")),
            ..n3
        },
        "2025-02-01",
        "2026-02-01",
    );
    add(
        2,
        32,
        NominationFacts {
            housing: Some(HousingOutcome::UitBeeld),
            housing_on: Some(d("2026-05-01")),
            ..n2
        },
        "2024-11-15",
        "2026-06-01",
    );
    let before = Facts::build(&h, at("2026-01-15"));
    let after = Facts::build(&h, at("2026-07-01"));
    let year = period("2025-01-01", "2025-12-31");
    let pct = |numerator, denominator| Value::Percent {
        numerator,
        denominator,
    };
    for f in [&before, &after] {
        assert_eq!(count(f, I::UitstroomVoordrachten, year), 3);
        assert_eq!(count(f, I::UitstroomWachtend, on("2025-06-30")), 3);
        assert_eq!(count(f, I::Nazorg, on("2025-06-30")), 2);
        assert_eq!(count(f, I::Nazorg, on("2026-01-10")), 1);
        // An agreement is per calendar year: a half year gets its share by
        // days (181 of 365), Hilversum's 4 → 1.98 → 2.
        assert_eq!(
            breakdown(
                f,
                I::PactWoningenAfspraak,
                period("2025-01-01", "2025-06-30"),
                Dimension::Gemeente
            )[0],
            (HILVERSUM.to_string(), Value::Count(2))
        );
    }
    // As known before the late records.
    assert_eq!(count(&before, I::UitstroomWachtend, on("2025-12-31")), 1);
    assert_eq!(count(&before, I::UitstroomGehuisvest, year), 3);
    assert_eq!(count(&before, I::PactWoningenGerealiseerd, year), 2);
    assert_eq!(count(&before, I::PactWoningenAfspraak, year), 7);
    // Huizen's 3 → 1.49 → 1, with Hilversum's 2.
    assert_eq!(
        count(
            &before,
            I::PactWoningenAfspraak,
            period("2025-01-01", "2025-06-30")
        ),
        3
    );
    assert_eq!(value(&before, I::PactRealisatie, year), pct(2, 7));
    assert_eq!(
        days(&before, I::UitstroomWachttijdMediaan, year),
        (3, Some(151.0))
    );
    assert_eq!(
        days(&before, I::UitstroomWachttijdGemiddeld, year),
        (3, Some(544.0 / 3.0))
    );
    assert_eq!(value(&before, I::UitstroomBinnenNorm, year), pct(2, 3));
    let in_2026 = period("2026-01-01", "2026-12-31");
    assert_eq!(value(&before, I::WoonbehoudTwaalf, in_2026), pct(3, 3));
    // As known after them.
    assert_eq!(count(&after, I::UitstroomWachtend, on("2025-12-31")), 0);
    assert_eq!(count(&after, I::UitstroomGehuisvest, year), 4);
    assert_eq!(count(&after, I::PactWoningenGerealiseerd, year), 3);
    assert_eq!(count(&after, I::PactWoningenAfspraak, year), 9);
    assert_eq!(value(&after, I::PactRealisatie, year), pct(3, 9));
    assert_eq!(
        breakdown(&after, I::PactRealisatie, year, Dimension::Gemeente),
        vec![
            (HILVERSUM.to_string(), pct(1, 4)),
            (HUIZEN.to_string(), pct(2, 5))
        ]
    );
    assert_eq!(
        days(&after, I::UitstroomWachttijdMediaan, year),
        (4, Some(182.5))
    );
    assert_eq!(value(&after, I::UitstroomBinnenNorm, year), pct(2, 4));
    // 12 months after the key in 2026: N1 housed, N2 out of sight (not
    // counted), N3 evicted, N4 housed.
    assert_eq!(value(&after, I::WoonbehoudTwaalf, in_2026), pct(2, 3));
    // Where the homes lie, and what the persons left.
    let c = |n: u64| Value::Count(n);
    assert_eq!(
        breakdown(&after, I::UitstroomGehuisvest, year, Dimension::Gemeente),
        vec![(HILVERSUM.to_string(), c(2)), (HUIZEN.to_string(), c(2))]
    );
    let by_from = breakdown(&after, I::UitstroomVoordrachten, year, Dimension::Reden);
    assert_eq!(
        by_from,
        vec![
            ("anders".to_string(), c(0)),
            ("bw".to_string(), c(1)),
            ("detentie".to_string(), c(1)),
            ("mo".to_string(), c(0)),
            ("vo".to_string(), c(1)),
        ],
        "by label: Andere instelling, Beschermd wonen, Detentie, Maatschappelijke opvang, Vrouwenopvang"
    );
    // The later records merged into the earlier projection give the
    // nominations and agreements a build gives (the journey's own late
    // records are another test's).
    let persons: std::collections::HashSet<u32> = [32, 33, 34].into_iter().collect();
    let mut merged = before.clone();
    let changes = super::facts::changes(&h, &merged, at("2026-07-01"), &persons, true);
    merged.merge(changes, &persons, true).unwrap();
    assert_eq!(
        (&merged.nominations, &merged.quotas),
        (&after.nominations, &after.quotas)
    );
}

/// Zorgcoördinatie by hand, in Hilversum and Huizen:
///
/// | traj. | person | municipality | started    | closed     | meldingen                |
/// |-------|--------|--------------|------------|------------|--------------------------|
/// | T1    | P1     | Hilversum    | 2024-11-01 | 2025-02-01 | 2024-11-01, 2025-01-10   |
/// | T2    | P2     | Hilversum    | 2025-03-01 | –          | 2025-03-01, 03-15, 04-01 |
/// | T3    | P1     | Hilversum    | 2025-06-01 | 2025-12-31 | 2025-06-01               |
/// | T4    | P3     | Huizen       | 2025-12-20 | –          | 2025-12-20               |
///
/// In 2025: new trajectories T2, T3, T4 = 3; meldingen 6 (the one of 2024
/// not); closed T1, T3 = 2; open on 31 December T2, T4 = 2 (T3 closed on
/// the day); persons supported P1, P2, P3 = 3 (P1 once for two
/// trajectories). Recorded on 2026-02-01: T4 was in Hilversum, not Huizen,
/// T2 closed on 2025-10-01, and T2's melding of 15 March was recorded in
/// error (retracted: 5 meldingen); as known before, the figures stay.
#[test]
fn zorgcoordinatie_figures_by_hand_as_known_at_any_moment() {
    use crate::outreach::{
        OutreachReport, ReportSource, Trajectory, TrajectoryFacts, TrajectoryOutcome,
    };
    let mut h = history();
    let mut version = 7000;
    let mut add =
        |id: i64, person: i64, g: &str, started: &str, closed: Option<&str>, recorded: &str| {
            version += 1;
            h.trajectories.push(Trajectory {
                id,
                person_id: person,
                region_id: 1,
                created_at: at(started),
                facts: TrajectoryFacts {
                    municipality: gm(g),
                    person: format!("persoon {person}"),
                    started_on: d(started),
                    closed_on: closed.map(d),
                    outcome: closed.map(|_| TrajectoryOutcome::Toegeleid),
                    note: None,
                },
                version_id: version,
                recorded_at: at(recorded),
                recorded_by: "test".into(),
            });
        };
    add(
        1,
        1,
        HILVERSUM,
        "2024-11-01",
        Some("2025-02-01"),
        "2025-02-01",
    );
    add(2, 2, HILVERSUM, "2025-03-01", None, "2025-03-01");
    add(
        3,
        1,
        HILVERSUM,
        "2025-06-01",
        Some("2025-12-31"),
        "2025-12-31",
    );
    add(4, 3, HUIZEN, "2025-12-20", None, "2025-12-20");
    add(4, 3, HILVERSUM, "2025-12-20", None, "2026-02-01");
    add(
        2,
        2,
        HILVERSUM,
        "2025-03-01",
        Some("2025-10-01"),
        "2026-02-01",
    );
    let meldingen = [
        (1, "2024-11-01"),
        (1, "2025-01-10"),
        (2, "2025-03-01"),
        (2, "2025-03-15"),
        (2, "2025-04-01"),
        (3, "2025-06-01"),
        (4, "2025-12-20"),
    ];
    h.outreach_reports = meldingen
        .iter()
        .enumerate()
        .map(|(i, (t, day))| OutreachReport {
            id: i as i64 + 1,
            trajectory_id: *t,
            reported_on: d(day),
            source: ReportSource::Buren,
            recorded_at: at(day),
            recorded_by: "test".into(),
            retracted: (*day == "2025-03-15").then(|| crate::outreach::Retraction {
                reason: "dubbel ingevoerd".into(),
                recorded_at: at("2026-02-01"),
                recorded_by: "test".into(),
            }),
        })
        .collect();
    let before = Facts::build(&h, at("2026-01-15"));
    let after = Facts::build(&h, at("2026-03-01"));
    let year = period("2025-01-01", "2025-12-31");
    for f in [&before, &after] {
        assert_eq!(count(f, I::ZorgcoordinatieTrajecten, year), 3);
        assert_eq!(count(f, I::ZorgcoordinatieBegeleid, year), 3);
        assert_eq!(
            count(
                f,
                I::ZorgcoordinatieBegeleid,
                period("2024-01-01", "2024-12-31")
            ),
            1
        );
    }
    assert_eq!(count(&before, I::ZorgcoordinatieMeldingen, year), 6);
    assert_eq!(count(&after, I::ZorgcoordinatieMeldingen, year), 5);
    assert_eq!(count(&before, I::ZorgcoordinatieAfgesloten, year), 2);
    assert_eq!(count(&before, I::ZorgcoordinatieOpen, on("2025-12-31")), 2);
    let c = |n: u64| Value::Count(n);
    assert_eq!(
        breakdown(
            &before,
            I::ZorgcoordinatieMeldingen,
            year,
            Dimension::Gemeente
        ),
        vec![(HILVERSUM.to_string(), c(5)), (HUIZEN.to_string(), c(1))]
    );
    // As known after the corrections: T2 closed too, T4 in Hilversum.
    assert_eq!(count(&after, I::ZorgcoordinatieAfgesloten, year), 3);
    assert_eq!(count(&after, I::ZorgcoordinatieOpen, on("2025-12-31")), 1);
    assert_eq!(
        breakdown(
            &after,
            I::ZorgcoordinatieMeldingen,
            year,
            Dimension::Gemeente
        ),
        vec![(HILVERSUM.to_string(), c(5))]
    );
    // The rows without a client are replaced whole by an update.
    let mut merged = before.clone();
    let none = std::collections::HashSet::new();
    let changes = super::facts::changes(&h, &merged, at("2026-03-01"), &none, true);
    merged.merge(changes, &none, true).unwrap();
    assert_eq!(
        (&merged.outreach, &merged.outreach_reports),
        (&after.outreach, &after.outreach_reports)
    );
}

/// Huren Onder Voorwaarden by hand, in Huizen and Hilversum:
///
/// | traj. | municipality | reason          | started    | ended      | result       |
/// |-------|--------------|-----------------|------------|------------|--------------|
/// | H1    | Huizen       | huurachterstand | 2024-06-01 | 2025-03-01 | huur-op-naam |
/// | H2    | Huizen       | overlast        | 2025-02-01 | 2025-12-31 | uitzetting   |
/// | H3    | Hilversum    | uitstroom       | 2025-05-01 | –          | –            |
/// | H4    | Hilversum    | huurachterstand | 2025-12-31 | –          | –            |
///
/// In 2025: new H2, H3, H4 = 3; running on 31 December H3, H4 = 2 (H2
/// ended on the day); ended H1, H2 = 2, of which 1 eviction and 1 of 2
/// regular. Recorded on 2026-02-01: H3 ended regularly on 2025-11-01, and
/// H2 moved away rather than being evicted; then ended 3, evictions 0,
/// regular 2 of 3, running 1. As known before, the figures stay.
#[test]
fn hov_figures_by_hand_as_known_at_any_moment() {
    use crate::tenancy::{Tenancy, TenancyFacts, TenancyReason as R, TenancyResult as E};
    let mut h = history();
    let provider = h.providers[0].id;
    let mut version = 9000;
    let mut add =
        |id: i64, g: &str, reason: R, started: &str, end: Option<(&str, E)>, recorded: &str| {
            version += 1;
            h.tenancies.push(Tenancy {
                id,
                region_id: 1,
                created_at: at(started),
                facts: TenancyFacts {
                    municipality: gm(g),
                    tenant: format!("huurder {id}"),
                    corporation_id: 1,
                    provider_id: (id == 1).then_some(provider),
                    reason,
                    started_on: d(started),
                    ended_on: end.map(|(e, _)| d(e)),
                    result: end.map(|(_, r)| r),
                    note: None,
                },
                corporation: "Woningstichting Voorbeeld".into(),
                version_id: version,
                recorded_at: at(recorded),
                recorded_by: "test".into(),
            });
        };
    add(
        1,
        HUIZEN,
        R::Huurachterstand,
        "2024-06-01",
        Some(("2025-03-01", E::HuurOpNaam)),
        "2025-03-01",
    );
    add(
        2,
        HUIZEN,
        R::Overlast,
        "2025-02-01",
        Some(("2025-12-31", E::Huisuitzetting)),
        "2025-12-31",
    );
    add(3, HILVERSUM, R::Uitstroom, "2025-05-01", None, "2025-05-01");
    add(
        4,
        HILVERSUM,
        R::Huurachterstand,
        "2025-12-31",
        None,
        "2025-12-31",
    );
    add(
        3,
        HILVERSUM,
        R::Uitstroom,
        "2025-05-01",
        Some(("2025-11-01", E::Regulier)),
        "2026-02-01",
    );
    add(
        2,
        HUIZEN,
        R::Overlast,
        "2025-02-01",
        Some(("2025-12-31", E::Verhuisd)),
        "2026-02-01",
    );
    let before = Facts::build(&h, at("2026-01-15"));
    let after = Facts::build(&h, at("2026-03-01"));
    let year = period("2025-01-01", "2025-12-31");
    let percent = |numerator, denominator| Value::Percent {
        numerator,
        denominator,
    };
    let nonzero = |f: &Facts, id, by| {
        breakdown(f, id, year, by)
            .into_iter()
            .filter(|(_, v)| *v != Value::Count(0))
            .collect::<Vec<_>>()
    };
    for f in [&before, &after] {
        assert_eq!(count(f, I::HovTrajecten, year), 3);
        assert_eq!(
            nonzero(f, I::HovTrajecten, Dimension::Reden),
            vec![
                ("huurachterstand".to_string(), Value::Count(1)),
                ("overlast".to_string(), Value::Count(1)),
                ("uitstroom".to_string(), Value::Count(1)),
            ]
        );
    }
    assert_eq!(count(&before, I::HovLopend, on("2025-12-31")), 2);
    assert_eq!(count(&before, I::HovAfgesloten, year), 2);
    assert_eq!(count(&before, I::HovHuisuitzettingen, year), 1);
    assert_eq!(value(&before, I::HovGeslaagd, year), percent(1, 2));
    assert_eq!(
        nonzero(&before, I::HovAfgesloten, Dimension::Aanbieder),
        vec![
            ("geen".to_string(), Value::Count(1)),
            (provider.to_string(), Value::Count(1)),
        ]
    );
    // As known after the corrections.
    assert_eq!(count(&after, I::HovLopend, on("2025-12-31")), 1);
    assert_eq!(count(&after, I::HovAfgesloten, year), 3);
    assert_eq!(count(&after, I::HovHuisuitzettingen, year), 0);
    assert_eq!(value(&after, I::HovGeslaagd, year), percent(2, 3));
    assert_eq!(
        nonzero(&after, I::HovAfgesloten, Dimension::Bestemming),
        vec![
            ("huur-op-naam".to_string(), Value::Count(1)),
            ("regulier".to_string(), Value::Count(1)),
            ("verhuisd".to_string(), Value::Count(1)),
        ]
    );
    // Rows without a client are replaced whole by an update.
    let mut merged = before.clone();
    let none = std::collections::HashSet::new();
    let changes = super::facts::changes(&h, &merged, at("2026-03-01"), &none, true);
    merged.merge(changes, &none, true).unwrap();
    assert_eq!(merged.tenancies, after.tenancies);
}

#[test]
fn cost_of_care_by_hand_as_known_at_any_moment() {
    use crate::finance::cost::{CostQuery, Period, Split, TariffBook, compute};
    use crate::finance::{Bedrag, TariffFacts};
    let base = history();
    let mut b = Builder {
        h: History {
            municipalities: base.municipalities,
            products: base.products,
            providers: base.providers,
            locations: base.locations,
            ..History::default()
        },
        next: 0,
    };
    // A: BW at Kwintes for Hilversum, 20 December 2025 to 10 January 2026;
    // on 1 February 2026 the end is corrected to 5 January.
    let a = b.stay(1, BW, KWINTES, Some(HUIS), HILVERSUM, "2025-12-20", None);
    b.version(
        a,
        "2025-12-20",
        Some("2026-01-10"),
        Some(ExitDestination::Zelfstandig),
        "2026-01-10",
    );
    b.version(
        a,
        "2025-12-20",
        Some("2026-01-05"),
        Some(ExitDestination::Zelfstandig),
        "2026-02-01",
    );
    // B: Beschermd Thuis with the Leger des Heils for Huizen from 1 July 2025.
    b.stay(2, BT, LEGER, None, HUIZEN, "2025-07-01", None);
    // C: shelter for Huizen, 1 to 11 November 2025: no tariff.
    let c = b.stay(3, MO, LEGER, Some(OPVANG), HUIZEN, "2025-11-01", None);
    b.version(c, "2025-11-01", Some("2025-11-11"), None, "2025-11-11");
    let tariff =
        |product, provider, unit: &str, cents, from: &str, until: Option<&str>| TariffFacts {
            product_id: product,
            provider_id: provider,
            unit: TariffUnit::parse(unit).unwrap(),
            amount: Bedrag(cents),
            valid_from: d(from),
            valid_until: until.map(d),
            withdrawn: false,
            note: None,
            financing: Default::default(),
            care_level: None,
        };
    let tariffs = [
        // BW € 150,00 a day in 2025 for every provider; Kwintes € 160,00
        // a day from 2026.
        tariff(
            BW,
            None,
            "per-dag",
            15_000,
            "2025-01-01",
            Some("2025-12-31"),
        ),
        tariff(BW, Some(KWINTES), "per-dag", 16_000, "2026-01-01", None),
        // BT € 12.000,00 a year.
        tariff(BT, None, "per-jaar", 1_200_000, "2025-01-01", None),
    ];
    let book = TariffBook::new(tariffs.iter().map(|t| (1, t)));
    let query = |from: &str, to: &str, period| CostQuery {
        from: d(from),
        to: d(to),
        municipalities: None,
        provider_id: None,
        period,
        split: Split {
            municipality: true,
            ..Split::default()
        },
        cohort_cutoff: Default::default(),
    };
    let cells = |f: &Facts, q: &CostQuery| -> Vec<(String, NaiveDate, i64, i64)> {
        compute(f, &book, q)
            .cells
            .iter()
            .map(|(k, c)| {
                let g = f.municipalities.key(k.municipality).unwrap().to_string();
                (g, k.period, c.amount.cents(), c.days)
            })
            .collect()
    };

    let known_mid_january = Facts::build(&b.h, at("2026-01-15"));
    // 2025 by month. A: 20–31 December, 12 days × € 150,00 = € 1.800,00.
    // B: € 12.000,00 × days / 365 per month, rounded per month:
    // July, August, October, December 31 days: 1.019,178… → 1.019,18;
    // September and November 30 days: 986,301… → 986,30.
    let months = cells(
        &known_mid_january,
        &query("2025-01-01", "2026-01-01", Period::Month),
    );
    let expect = |g: &str, m: &str, cents: i64, days: i64| (g.to_string(), d(m), cents, days);
    assert_eq!(
        months,
        vec![
            expect(HILVERSUM, "2025-12-01", 180_000, 12),
            expect(HUIZEN, "2025-07-01", 101_918, 31),
            expect(HUIZEN, "2025-08-01", 101_918, 31),
            expect(HUIZEN, "2025-09-01", 98_630, 30),
            expect(HUIZEN, "2025-10-01", 101_918, 31),
            expect(HUIZEN, "2025-11-01", 98_630, 30),
            expect(HUIZEN, "2025-12-01", 101_918, 31),
        ]
    );
    let year = compute(
        &known_mid_january,
        &book,
        &query("2025-01-01", "2026-01-01", Period::Year),
    );
    // € 1.800,00 + € 6.049,32; C's 10 days in November have no tariff.
    assert_eq!(year.total.amount, Bedrag(180_000 + 604_932));
    assert_eq!((year.total.clients, year.total.stays), (2, 2));
    assert_eq!(year.missing.len(), 1);
    let (_, missing) = year.missing[0];
    assert_eq!(
        (missing.days, missing.stays, missing.first_day),
        (10, 1, Some(d("2025-11-01")))
    );

    // January 2026, crossing the tariff change at the year boundary: A's
    // 1–9 January at Kwintes' own € 160,00 = € 1.440,00 as known in
    // mid-January; after the correction, 1–4 January = € 640,00.
    let january = query("2026-01-01", "2026-02-01", Period::Whole);
    let hilversum = |f: &Facts| {
        cells(f, &january)
            .into_iter()
            .find(|c| c.0 == HILVERSUM)
            .map(|c| (c.2, c.3))
    };
    assert_eq!(hilversum(&known_mid_january), Some((144_000, 9)));
    let known_in_february = Facts::build(&b.h, at("2026-02-02"));
    assert_eq!(hilversum(&known_in_february), Some((64_000, 4)));
    // The cohort: A was in care on 1 January 2026, B too; so all of
    // January's cost is historical when the cut-off is that day.
    let mut by_cohort = query("2026-01-01", "2026-02-01", Period::Whole);
    by_cohort.split = Split {
        cohort: true,
        ..Split::default()
    };
    by_cohort.cohort_cutoff.insert(1, d("2025-12-31"));
    let r = compute(&known_in_february, &book, &by_cohort);
    let cohorts: Vec<_> = r.cells.iter().map(|(k, c)| (k.cohort, c.clients)).collect();
    assert_eq!(cohorts, vec![(Some(crate::finance::Cohort::Historisch), 2)]);
    by_cohort.cohort_cutoff.insert(1, d("2025-12-01"));
    let r = compute(&known_in_february, &book, &by_cohort);
    let cohorts: Vec<_> = r.cells.iter().map(|(k, c)| (k.cohort, c.clients)).collect();
    assert_eq!(
        cohorts,
        vec![
            (Some(crate::finance::Cohort::Historisch), 1),
            (Some(crate::finance::Cohort::Nieuw), 1)
        ]
    );
}

#[test]
fn the_historical_cohort_leaves_care_at_its_observed_rate() {
    use crate::finance::cost::TariffBook;
    use crate::finance::forecast::historical_cohort;
    use crate::finance::{Bedrag, TariffFacts};
    let base = history();
    let mut b = Builder {
        h: History {
            municipalities: base.municipalities,
            products: base.products,
            providers: base.providers,
            locations: base.locations,
            ..History::default()
        },
        next: 0,
    };
    // Cut-off 1 January 2025. Client 1 in care since 2024, still there;
    // client 2 in care since June 2024, left on 2 July 2025; client 3
    // came after the cut-off and is no member.
    b.stay(1, BW, KWINTES, Some(HUIS), HILVERSUM, "2024-01-01", None);
    let left = b.stay(2, BW, KWINTES, Some(HUIS), HUIZEN, "2024-06-01", None);
    b.version(
        left,
        "2024-06-01",
        Some("2025-07-02"),
        Some(ExitDestination::Zelfstandig),
        "2025-07-02",
    );
    b.stay(3, BW, KWINTES, Some(HUIS), HUIZEN, "2025-03-01", None);
    let f = Facts::build(&b.h, at("2025-10-01"));
    let tariff = TariffFacts {
        product_id: BW,
        provider_id: None,
        unit: TariffUnit::PerDag,
        amount: Bedrag(10_000),
        valid_from: d("2020-01-01"),
        valid_until: None,
        withdrawn: false,
        note: None,
        financing: Default::default(),
        care_level: None,
    };
    let book = TariffBook::new([(1, &tariff)]);
    let r = historical_cohort(&f, &book, None, d("2025-01-01"), d("2025-10-01"), 2);
    // Exposure from the cut-off to 1 October: 273 days (client 1) + 182
    // days to the exit (client 2) = 455; one exit: λ = 1/455 a day.
    assert_eq!((r.members_at_cutoff, r.members_now, r.exits), (2, 1, 1));
    assert_eq!(r.exposure_days, 455);
    assert!((r.retention_per_year - (-365.25f64 / 455.0).exp()).abs() < 1e-12);
    // 2025: realised 273 + 182 days × € 100,00 = € 45.500,00; to come, the
    // one member's expected days over the 92 days left,
    // 455 × (1 − e^(−92/455)) = 83,295… days × € 100,00 = € 8.329,53.
    assert_eq!(r.years[0].realised, Bedrag(4_550_000));
    assert_eq!(r.years[0].cost, Bedrag(4_550_000 + 832_953));
    // 2026: 455 × (e^(−92/455) − e^(−457/455)) = 205,053… days = € 20.505,37;
    // on 1 July 2026 (273 days on) e^(−273/455) = 0,5488… members expected.
    assert_eq!(r.years[1].cost, Bedrag(2_050_537));
    assert_eq!(r.years[1].realised, Bedrag(0));
    assert!((r.years[1].persons_mid_year - 0.548_811_636_094).abs() < 1e-9);
    assert_eq!(r.unpriced_members, 0);
}

/// The cost engine against a plain day-by-day count: for many random
/// stays (transfers, open stays, corrections, a municipality of another
/// region) and tariffs with gaps, a provider's own contract and every
/// unit, each day is priced on its own, grouped per stay, month and
/// tariff, and rounded once per group as `cost::price` says. Every split,
/// period and filter, on one thread and on three, must give the same
/// cells, totals and days without a tariff.
#[test]
fn the_cost_engine_agrees_with_a_day_by_day_count() {
    use crate::figures::facts::NONE;
    use crate::finance::cost::{
        Cohort, CostKey, CostQuery, MissingKey, Period, Split, TariffBook, compute_on, price,
    };
    use crate::finance::{Bedrag, TariffFacts};
    use chrono::Datelike;
    use std::collections::{BTreeMap, HashMap, HashSet};
    const BUSSUM: &str = "GM0381";
    let base = history();
    let mut b = Builder {
        h: History {
            municipalities: base.municipalities,
            products: base.products,
            providers: base.providers,
            locations: base.locations,
            ..History::default()
        },
        next: 0,
    };
    b.h.municipalities.push(Municipality {
        code: gm(BUSSUM),
        name: "Bussum".into(),
        region_id: 2,
        version: 1,
    });
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rnd = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let first = d("2023-06-01");
    let day_str = |offset: u64| (first + chrono::Duration::days(offset as i64)).to_string();
    for client in 1..=400i64 {
        let mut gemeente = [HILVERSUM, HUIZEN, BUSSUM][rnd(3) as usize];
        let mut start = rnd(900);
        let mut previous = None;
        for _ in 0..=rnd(3) {
            if rnd(5) == 0 {
                // Another responsible municipality for the next stay.
                gemeente = [HILVERSUM, HUIZEN, BUSSUM][rnd(3) as usize];
            }
            let product = [BW, BT, MO][rnd(3) as usize];
            let provider = [KWINTES, LEGER][rnd(2) as usize];
            let s = b.stay(
                client,
                product,
                provider,
                None,
                gemeente,
                &day_str(start),
                previous,
            );
            let length = 1 + rnd(500);
            if rnd(5) == 0 {
                // Still in care.
                break;
            }
            let end = start + length;
            b.version(s, &day_str(start), Some(&day_str(end)), None, &day_str(end));
            if rnd(4) == 0 {
                // Corrected later: a shorter stay.
                let corrected = start + 1 + length / 2;
                b.version(
                    s,
                    &day_str(start),
                    Some(&day_str(corrected)),
                    None,
                    &day_str(end + 30),
                );
            }
            // A transfer the same day, or a new start after a while.
            let transfer = rnd(2) == 0;
            previous = transfer.then_some(s);
            start = if transfer { end } else { end + rnd(200) };
        }
    }
    // A fifth of the stays on a pgb, three quarters with a level of care;
    // a correction may change them.
    for v in &mut b.h.stay_versions {
        let k = (v.stay_id * 7 + v.id) as u64;
        v.financing = if k.is_multiple_of(5) {
            Financing::Pgb
        } else {
            Financing::Zin
        };
        v.care_level = CareLevel::new((k % 4) as u8);
    }
    let tariff =
        |product, provider, unit: &str, cents, from: &str, until: Option<&str>| TariffFacts {
            product_id: product,
            provider_id: provider,
            unit: TariffUnit::parse(unit).unwrap(),
            amount: Bedrag(cents),
            valid_from: d(from),
            valid_until: until.map(d),
            withdrawn: false,
            note: None,
            financing: Default::default(),
            care_level: None,
        };
    let mut withdrawn = tariff(MO, None, "per-dag", 1, "2020-01-01", None);
    withdrawn.withdrawn = true;
    let funded = |mut t: TariffFacts, financing, level| {
        t.financing = financing;
        t.care_level = CareLevel::new(level);
        t
    };
    let tariffs = vec![
        // Pgb: BW until mid-2025 in region 1 (then days without a tariff),
        // BW at level 1 and BT in region 2; no pgb tariff for MO at all.
        (
            1,
            funded(
                tariff(
                    BW,
                    None,
                    "per-dag",
                    11_111,
                    "2023-01-01",
                    Some("2025-06-30"),
                ),
                Financing::Pgb,
                0,
            ),
        ),
        (
            2,
            funded(
                tariff(BW, None, "per-dag", 8_888, "2023-01-01", None),
                Financing::Pgb,
                1,
            ),
        ),
        (
            2,
            funded(
                tariff(BT, None, "per-maand", 70_001, "2023-01-01", None),
                Financing::Pgb,
                0,
            ),
        ),
        // Levels: BT level 2 for everyone, BW level 3 at Kwintes for two
        // years, before the general tariffs.
        (
            1,
            funded(
                tariff(BT, None, "per-jaar", 2_400_007, "2023-01-01", None),
                Financing::Zin,
                2,
            ),
        ),
        (
            1,
            funded(
                tariff(
                    BW,
                    Some(KWINTES),
                    "per-dag",
                    20_003,
                    "2024-01-01",
                    Some("2025-12-31"),
                ),
                Financing::Zin,
                3,
            ),
        ),
        (
            1,
            tariff(
                BW,
                None,
                "per-dag",
                15_033,
                "2023-01-01",
                Some("2024-06-30"),
            ),
        ),
        (
            1,
            tariff(BW, None, "per-maand", 460_017, "2024-07-01", None),
        ),
        (
            1,
            tariff(
                BW,
                Some(KWINTES),
                "per-week",
                110_001,
                "2024-03-15",
                Some("2025-03-14"),
            ),
        ),
        (
            1,
            tariff(
                BT,
                None,
                "per-jaar",
                1_200_001,
                "2023-01-01",
                Some("2024-12-31"),
            ),
        ),
        // A gap of a month in 2025 for BT: days without a tariff.
        (
            1,
            tariff(BT, None, "per-jaar", 1_300_003, "2025-02-01", None),
        ),
        (
            1,
            tariff(MO, Some(LEGER), "per-dag", 9_999, "2024-01-01", None),
        ),
        (1, withdrawn.clone()),
        (2, tariff(BW, None, "per-dag", 17_777, "2023-01-01", None)),
        (
            2,
            tariff(
                BT,
                None,
                "per-maand",
                90_001,
                "2023-01-01",
                Some("2025-12-31"),
            ),
        ),
        (2, tariff(MO, None, "per-week", 35_005, "2024-01-01", None)),
        // A general tariff starting and ending mid-month under a provider's
        // own month tariff: its days are still one group per month.
        (
            2,
            tariff(
                MO,
                None,
                "per-week",
                33_333,
                "2023-03-10",
                Some("2023-11-17"),
            ),
        ),
        (
            2,
            tariff(MO, Some(KWINTES), "per-maand", 300_015, "2023-01-01", None),
        ),
    ];
    let book = TariffBook::new(tariffs.iter().map(|(r, t)| (*r, t)));
    let facts = Facts::build(&b.h, at("2026-06-01"));
    assert!(facts.stays.len() > 600, "{} stays", facts.stays.len());

    type Cells = BTreeMap<CostKey, (i64, i64, HashSet<u32>, HashSet<u32>)>;
    let by_day = |q: &CostQuery| {
        let mut cells: Cells = BTreeMap::new();
        let mut missing: BTreeMap<MissingKey, (i64, HashSet<u32>, NaiveDate)> = BTreeMap::new();
        let historical: HashSet<u32> = facts
            .stays
            .iter()
            .filter(|s| {
                let region = facts.municipality_region[usize::from(s.gemeente)];
                q.cohort_cutoff.get(&region).is_some_and(|c| {
                    let c = crate::figures::facts::day(*c);
                    s.start <= c && c < s.end
                })
            })
            .map(|s| s.client)
            .collect();
        for s in &facts.stays {
            if q.municipalities
                .as_ref()
                .is_some_and(|m| !m[usize::from(s.gemeente)])
                || q.provider_id
                    .is_some_and(|p| facts.providers.key(s.provider) != Some(&p))
            {
                continue;
            }
            let region = facts.municipality_region[usize::from(s.gemeente)];
            let product = *facts.products.key(s.product).unwrap();
            let provider = *facts.providers.key(s.provider).unwrap();
            // (month, tariff) → days, for this stay.
            let mut groups: BTreeMap<(NaiveDate, usize), i64> = BTreeMap::new();
            let mut on = q.from.max(crate::figures::facts::date(s.start));
            let level = CareLevel::new(s.level);
            while on < q.to && crate::figures::facts::day(on) < s.end {
                // The most specific tariff of the stay's financing form:
                // own for the level, own, general for the level, general.
                let find = |provider: Option<i64>, care_level: Option<CareLevel>| {
                    tariffs.iter().position(|(r, t)| {
                        *r == region
                            && t.product_id == product
                            && t.provider_id == provider
                            && t.financing.index() == s.financing
                            && t.care_level == care_level
                            && t.covers(on)
                    })
                };
                let found = level
                    .and_then(|l| find(Some(provider), Some(l)))
                    .or_else(|| find(Some(provider), None))
                    .or_else(|| level.and_then(|l| find(None, Some(l))))
                    .or_else(|| find(None, None));
                match found {
                    Some(t) => *groups.entry((on.with_day(1).unwrap(), t)).or_default() += 1,
                    None => {
                        let m = missing
                            .entry(MissingKey {
                                municipality: s.gemeente,
                                product: s.product,
                                provider: s.provider,
                                financing: s.financing,
                                level: s.level,
                            })
                            .or_insert((0, HashSet::new(), on));
                        m.0 += 1;
                        m.1.insert(s.id);
                        m.2 = m.2.min(on);
                    }
                }
                on = on.succ_opt().unwrap();
            }
            for ((month, t), days) in groups {
                let (_, tf) = &tariffs[t];
                let key = CostKey {
                    municipality: if q.split.municipality {
                        s.gemeente
                    } else {
                        NONE
                    },
                    product: if q.split.product { s.product } else { NONE },
                    provider: if q.split.provider { s.provider } else { NONE },
                    cohort: q.split.cohort.then(|| {
                        if historical.contains(&s.client) {
                            Cohort::Historisch
                        } else {
                            Cohort::Nieuw
                        }
                    }),
                    financing: q
                        .split
                        .financing
                        .then(|| Financing::ALL[usize::from(s.financing)]),
                    period: match q.period {
                        Period::Month => month,
                        Period::Year => NaiveDate::from_ymd_opt(month.year(), 1, 1).unwrap(),
                        Period::Whole => q.from,
                    },
                };
                let cell = cells.entry(key).or_default();
                cell.0 += price(tf.unit, tf.amount, days, month).cents();
                cell.1 += days;
                cell.2.insert(s.client);
                cell.3.insert(s.id);
            }
        }
        (cells, missing)
    };

    let periods = [Period::Month, Period::Year, Period::Whole];
    let mut checked = 0;
    for split in 0..32u8 {
        let split = Split {
            municipality: split & 1 != 0,
            product: split & 2 != 0,
            provider: split & 4 != 0,
            cohort: split & 8 != 0,
            financing: split & 16 != 0,
        };
        for (i, period) in periods.iter().enumerate() {
            let mut q = CostQuery {
                from: d(["2023-01-01", "2024-02-10", "2023-09-15"][i]),
                to: d(["2026-06-02", "2025-11-20", "2026-01-01"][i]),
                municipalities: None,
                provider_id: None,
                period: *period,
                split,
                cohort_cutoff: HashMap::from([(1, d("2024-12-31")), (2, d("2025-03-01"))]),
            };
            if split.product {
                // One municipality of region 1 and the other region's.
                let mut set = vec![false; facts.municipalities.len()];
                set[usize::from(facts.municipalities.get(&gm(HUIZEN)).unwrap())] = true;
                set[usize::from(facts.municipalities.get(&gm(BUSSUM)).unwrap())] = true;
                q.municipalities = Some(set);
            }
            if split.provider && i == 1 {
                q.provider_id = Some(LEGER);
            }
            let (cells, missing) = by_day(&q);
            let expected: Vec<_> = cells
                .iter()
                .map(|(k, c)| (*k, c.0, c.1, c.2.len() as u32, c.3.len() as u32))
                .collect();
            let all_clients: HashSet<u32> = cells.values().flat_map(|c| c.2.clone()).collect();
            let all_stays: HashSet<u32> = cells.values().flat_map(|c| c.3.clone()).collect();
            let expected_missing: Vec<_> = missing
                .iter()
                .map(|(k, m)| (*k, m.0, m.1.len() as u32, Some(m.2)))
                .collect();
            for threads in [1, 3] {
                let r = compute_on(&facts, &book, &q, threads);
                let got: Vec<_> = r
                    .cells
                    .iter()
                    .map(|(k, c)| (*k, c.amount.cents(), c.days, c.clients, c.stays))
                    .collect();
                assert_eq!(got, expected, "{split:?} {period:?} on {threads} threads");
                let got_missing: Vec<_> = r
                    .missing
                    .iter()
                    .map(|(k, m)| (*k, m.days, m.stays, m.first_day))
                    .collect();
                assert_eq!(got_missing, expected_missing, "{split:?} {period:?}");
                assert_eq!(
                    r.total.amount.cents(),
                    cells.values().map(|c| c.0).sum::<i64>()
                );
                assert_eq!(r.total.days, cells.values().map(|c| c.1).sum::<i64>());
                assert_eq!(
                    (r.total.clients, r.total.stays),
                    (all_clients.len() as u32, all_stays.len() as u32)
                );
                checked += got.len();
            }
        }
    }
    assert!(checked > 10_000, "{checked} cells checked");
}
