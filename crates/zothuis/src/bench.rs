//! `zothuis bench-data` and `zothuis bench`: a synthetic national data set
//! and the measurements the figures must meet on it.
//!
//! The data set is written into a zothuis SQLite database with the real
//! schema (bulk inserts, no audit rows: it is synthetic), so the benchmark
//! reads it through the same store and projection as production. Nothing in
//! it is a real person: names are numbers, there are no BSNs.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, Months, NaiveDate, TimeZone, Utc};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use zothuis_domain::Services;
use zothuis_domain::clock::SystemClock;
use zothuis_domain::figures::catalogue::Dimension;
use zothuis_domain::figures::cube::{Months12, check_against_engine, compute, national_set};
use zothuis_domain::figures::{IndicatorId, Pattern};
use zothuis_store_sqlite::SqliteStore;

/// Deterministic pseudo-random numbers (xorshift64*), so that every run
/// generates the same data set.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Exponentially distributed whole days with this mean.
    fn days(&mut self, mean: f64) -> i64 {
        let u = (self.below(1_000_000) as f64 + 0.5) / 1_000_000.0;
        (-mean * u.ln()).round() as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with these weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

#[derive(Clone)]
enum V {
    I(i64),
    T(String),
    D(NaiveDate),
    S(DateTime<Utc>),
    B(bool),
    Null,
}

/// A table's name, its columns and the rows waiting to be written.
type Pending = (&'static str, &'static [&'static str], Vec<Vec<V>>);

/// Rows waiting to be written, per table, in foreign-key order.
struct Buffers {
    tables: Vec<Pending>,
    written: Vec<usize>,
}

const CLIENTS: &[&str] = &[
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "restricted",
    "registered_by",
    "created_at",
];
const APPLICATIONS: &[&str] = &[
    "id",
    "client_id",
    "product_id",
    "municipality_code",
    "applied_on",
    "source",
    "recorded_at",
    "recorded_by",
];
const DECISIONS: &[&str] = &[
    "id",
    "application_id",
    "client_id",
    "product_id",
    "outcome",
    "decided_on",
    "valid_from",
    "reference",
    "responsible_municipality",
    "determined_municipality",
    "rule",
    "explanation",
    "inputs",
    "recorded_at",
    "recorded_by",
];
const ENTRIES: &[&str] = &[
    "id",
    "client_id",
    "decision_id",
    "product_id",
    "responsible_municipality",
    "waiting_since",
    "created_at",
];
const TRANSITIONS: &[&str] = &[
    "id",
    "entry_id",
    "status",
    "reason",
    "provider_id",
    "effective_date",
    "recorded_at",
    "recorded_by",
    "supersedes",
    "retracted",
];
const STAYS: &[&str] = &[
    "id",
    "client_id",
    "entry_id",
    "transferred_from",
    "responsible_municipality",
    "created_at",
];
const VERSIONS: &[&str] = &[
    "id",
    "stay_id",
    "product_id",
    "provider_id",
    "location_id",
    "start_date",
    "end_date",
    "exit_destination",
    "recorded_at",
    "recorded_by",
];

const REPORTS: &[&str] = &["id", "client_id", "region_id", "created_at"];
const REPORT_VERSIONS: &[&str] = &[
    "id",
    "report_id",
    "kind",
    "reported_on",
    "origin_municipality",
    "origin_basis",
    "outcome",
    "outcome_on",
    "recorded_at",
    "recorded_by",
];

const NOMINATIONS: &[&str] = &["id", "client_id", "region_id", "created_at"];
const NOMINATION_VERSIONS: &[&str] = &[
    "id",
    "nomination_id",
    "route",
    "leaves",
    "stay_id",
    "nominated_on",
    "municipality_code",
    "corporation_id",
    "address_municipality",
    "key_on",
    "aftercare_provider_id",
    "aftercare_from",
    "housing",
    "housing_on",
    "recorded_at",
    "recorded_by",
];
const QUOTAS: &[&str] = &[
    "id",
    "region_id",
    "municipality_code",
    "year",
    "homes",
    "recorded_at",
    "recorded_by",
];

const OUTREACH_PERSONS: &[&str] = &["id", "region_id", "created_at"];
const TRAJECTORIES: &[&str] = &["id", "person_id", "region_id", "created_at"];
const TRAJECTORY_VERSIONS: &[&str] = &[
    "id",
    "trajectory_id",
    "municipality_code",
    "person",
    "started_on",
    "closed_on",
    "outcome",
    "recorded_at",
    "recorded_by",
];
const OUTREACH_REPORTS: &[&str] = &[
    "id",
    "trajectory_id",
    "reported_on",
    "source",
    "recorded_at",
    "recorded_by",
];

const TENANCIES: &[&str] = &["id", "region_id", "created_at"];
const TENANCY_VERSIONS: &[&str] = &[
    "id",
    "trajectory_id",
    "municipality_code",
    "tenant",
    "corporation_id",
    "reason",
    "started_on",
    "ended_on",
    "result",
    "recorded_at",
    "recorded_by",
];

const T_CLIENTS: usize = 0;
const T_APPLICATIONS: usize = 1;
const T_DECISIONS: usize = 2;
const T_ENTRIES: usize = 3;
const T_TRANSITIONS: usize = 4;
const T_STAYS: usize = 5;
const T_VERSIONS: usize = 6;
const T_REPORTS: usize = 7;
const T_REPORT_VERSIONS: usize = 8;
const T_NOMINATIONS: usize = 9;
const T_NOMINATION_VERSIONS: usize = 10;
const T_QUOTAS: usize = 11;
const T_OUTREACH_PERSONS: usize = 12;
const T_TRAJECTORIES: usize = 13;
const T_TRAJECTORY_VERSIONS: usize = 14;
const T_OUTREACH_REPORTS: usize = 15;
const T_TENANCIES: usize = 16;
const T_TENANCY_VERSIONS: usize = 17;

impl Buffers {
    fn new() -> Buffers {
        let tables = vec![
            ("clients", CLIENTS, Vec::new()),
            ("applications", APPLICATIONS, Vec::new()),
            ("decisions", DECISIONS, Vec::new()),
            ("waitlist_entries", ENTRIES, Vec::new()),
            ("waitlist_transitions", TRANSITIONS, Vec::new()),
            ("stays", STAYS, Vec::new()),
            ("stay_versions", VERSIONS, Vec::new()),
            ("shelter_reports", REPORTS, Vec::new()),
            ("shelter_report_versions", REPORT_VERSIONS, Vec::new()),
            ("outflow_nominations", NOMINATIONS, Vec::new()),
            (
                "outflow_nomination_versions",
                NOMINATION_VERSIONS,
                Vec::new(),
            ),
            ("outflow_quotas", QUOTAS, Vec::new()),
            ("outreach_persons", OUTREACH_PERSONS, Vec::new()),
            ("outreach_trajectories", TRAJECTORIES, Vec::new()),
            (
                "outreach_trajectory_versions",
                TRAJECTORY_VERSIONS,
                Vec::new(),
            ),
            ("outreach_reports", OUTREACH_REPORTS, Vec::new()),
            ("hov_trajectories", TENANCIES, Vec::new()),
            ("hov_trajectory_versions", TENANCY_VERSIONS, Vec::new()),
        ];
        Buffers {
            written: vec![0; tables.len()],
            tables,
        }
    }

    fn push(&mut self, table: usize, row: Vec<V>) {
        self.tables[table].2.push(row);
    }

    /// Writes every buffered row in one transaction.
    async fn flush(&mut self, pool: &SqlitePool) -> Result<()> {
        let mut tx = pool.begin().await?;
        for (i, (table, columns, rows)) in self.tables.iter_mut().enumerate() {
            // SQLite allows 32766 parameters per statement.
            let per_statement = (30_000 / columns.len()).max(1);
            for chunk in rows.chunks(per_statement) {
                let mut q: QueryBuilder<Sqlite> =
                    QueryBuilder::new(format!("insert into {table} ({}) ", columns.join(", ")));
                q.push_values(chunk, |mut b, row| {
                    for v in row {
                        match v {
                            V::I(x) => b.push_bind(*x),
                            V::T(x) => b.push_bind(x.clone()),
                            V::D(x) => b.push_bind(*x),
                            V::S(x) => b.push_bind(*x),
                            V::B(x) => b.push_bind(*x),
                            V::Null => b.push_bind(None::<i64>),
                        };
                    }
                });
                q.build().execute(&mut *tx).await?;
            }
            self.written[i] += rows.len();
            rows.clear();
        }
        tx.commit().await?;
        Ok(())
    }
}

fn at(d: NaiveDate, dice: &mut Dice) -> DateTime<Utc> {
    let noon = d.and_hms_opt(9, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&noon) + Duration::minutes(dice.below(600) as i64)
}

struct Product {
    id: i64,
    code: &'static str,
    kind: &'static str,
    category: &'static str,
    /// Mean length of stay in days.
    stay: f64,
    /// Locations per region (0: at home).
    locations: usize,
}

const PRODUCTS: [Product; 7] = [
    Product {
        id: 1,
        code: "BW-INT",
        kind: "intramuraal",
        category: "15",
        stay: 700.0,
        locations: 6,
    },
    Product {
        id: 2,
        code: "BT",
        kind: "thuis",
        category: "15",
        stay: 500.0,
        locations: 0,
    },
    Product {
        id: 3,
        code: "BW-BESCHUT",
        kind: "beschut-wonen",
        category: "15",
        stay: 900.0,
        locations: 3,
    },
    Product {
        id: 4,
        code: "HF",
        kind: "woonvoorziening",
        category: "16",
        stay: 800.0,
        locations: 2,
    },
    Product {
        id: 5,
        code: "MO-NACHT",
        kind: "opvang",
        category: "16",
        stay: 45.0,
        locations: 2,
    },
    Product {
        id: 6,
        code: "MO-24",
        kind: "opvang",
        category: "16",
        stay: 90.0,
        locations: 2,
    },
    Product {
        id: 7,
        code: "VO",
        kind: "opvang",
        category: "16",
        stay: 120.0,
        locations: 1,
    },
];

const EXITS: [(&str, u64); 11] = [
    ("zelfstandig", 30),
    ("zelfstandig-pact", 15),
    ("beschermd-thuis", 8),
    ("andere-voorziening", 12),
    ("wlz", 4),
    ("kliniek", 5),
    ("familie-vrienden", 10),
    ("onbekend", 9),
    ("overleden", 2),
    ("detentie", 2),
    ("buiten-regio", 3),
];

const PASSIVE: [&str; 4] = [
    "niet-gemotiveerd",
    "niet-plaatsbaar",
    "klinische-opname",
    "anders",
];
const REMOVED: [&str; 7] = [
    "wlz-indicatie",
    "elders-geplaatst",
    "niet-meer-nodig",
    "vertrokken",
    "overleden",
    "geen-contact",
    "anders",
];

/// The region a municipality belongs to, its providers and locations.
struct Region {
    id: i64,
    municipalities: Vec<String>,
    weights: Vec<u64>,
    providers: Vec<i64>,
    /// (location id, provider id, product id)
    locations: Vec<(i64, i64, i64)>,
}

pub struct Sizes {
    pub regions: usize,
    pub municipalities: usize,
    pub persons: usize,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Sizes {
    pub fn national(persons: usize) -> Sizes {
        Sizes {
            regions: 44,
            municipalities: 342,
            persons,
            first: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default(),
            last: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
        }
    }
}

/// Generates the data set into a new database at `file`.
pub async fn generate(
    file: &Path,
    sizes: &Sizes,
    progress: &dyn Fn(usize),
) -> Result<Vec<(String, usize)>> {
    if file.exists() {
        bail!("{} bestaat al; kies een nieuw bestand", file.display());
    }
    let url = format!("sqlite://{}", file.display());
    let store = SqliteStore::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pool = store.pool().clone();
    let mut dice = Dice(0x5eed_0001_2016_2025);

    // Reference data.
    let mut regions: Vec<Region> = Vec::new();
    let mut q = pool.begin().await?;
    for p in &PRODUCTS {
        sqlx::query("insert into products (id, code, name, category, kind, tariff_unit) values ($1, $2, $3, $4, $5, 'per-dag')")
            .bind(p.id)
            .bind(p.code)
            .bind(format!("Product {}", p.code))
            .bind(p.category)
            .bind(p.kind)
            .execute(&mut *q)
            .await?;
    }
    let mut next_provider = 0i64;
    let mut next_location = 0i64;
    let mut next_capacity = 0i64;
    for r in 0..sizes.regions {
        let region_id = r as i64 + 1;
        // Municipalities spread over the regions; the first is the centrumgemeente.
        let count = sizes.municipalities / sizes.regions
            + usize::from(r < sizes.municipalities % sizes.regions);
        let first_code = regions
            .iter()
            .map(|x| x.municipalities.len())
            .sum::<usize>();
        let codes: Vec<String> = (0..count)
            .map(|i| format!("GM{:04}", first_code + i + 1))
            .collect();
        sqlx::query(
            "insert into regions (id, code, name, centrumgemeente) values ($1, $2, $3, $4)",
        )
        .bind(region_id)
        .bind(format!("R{:02}", r + 1))
        .bind(format!("Regio {}", r + 1))
        .bind(&codes[0])
        .execute(&mut *q)
        .await?;
        // One housing corporation per region, with the region's id.
        sqlx::query("insert into corporations (id, region_id, name) values ($1, $1, $2)")
            .bind(region_id)
            .bind(format!("Corporatie {}", r + 1))
            .execute(&mut *q)
            .await?;
        let mut weights = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            sqlx::query("insert into municipalities (code, name, region_id) values ($1, $2, $3)")
                .bind(code)
                .bind(format!("Gemeente {}", first_code + i + 1))
                .bind(region_id)
                .execute(&mut *q)
                .await?;
            // The centrumgemeente is the largest.
            weights.push(if i == 0 { 60 } else { 5 + dice.below(30) });
        }
        let providers: Vec<i64> = (0..6)
            .map(|_| {
                next_provider += 1;
                next_provider
            })
            .collect();
        for p in &providers {
            sqlx::query("insert into providers (id, name) values ($1, $2)")
                .bind(p)
                .bind(format!("Aanbieder {p}"))
                .execute(&mut *q)
                .await?;
        }
        let mut locations = Vec::new();
        for product in &PRODUCTS {
            for _ in 0..product.locations {
                next_location += 1;
                let provider = *dice.pick(&providers);
                let municipality = &codes[dice.below(codes.len().min(3) as u64) as usize];
                sqlx::query("insert into locations (id, provider_id, municipality_code, name) values ($1, $2, $3, $4)")
                    .bind(next_location)
                    .bind(provider)
                    .bind(municipality)
                    .bind(format!("Locatie {next_location}"))
                    .execute(&mut *q)
                    .await?;
                sqlx::query(
                    "insert into location_products (location_id, product_id) values ($1, $2)",
                )
                .bind(next_location)
                .bind(product.id)
                .execute(&mut *q)
                .await?;
                // Places from the start, and a change in a later year.
                let places = if product.stay > 200.0 {
                    40 + dice.below(80)
                } else {
                    15 + dice.below(40)
                };
                let change = sizes.first + Duration::days(365 * (1 + dice.below(8) as i64));
                for (from, n) in [(sizes.first, places), (change, places + dice.below(20))] {
                    next_capacity += 1;
                    sqlx::query("insert into capacity (id, location_id, product_id, places, valid_from, recorded_at, recorded_by) values ($1, $2, $3, $4, $5, $6, 'bench-data')")
                        .bind(next_capacity)
                        .bind(next_location)
                        .bind(product.id)
                        .bind(n as i64)
                        .bind(from)
                        .bind(at(from, &mut dice) - Duration::days(20))
                        .execute(&mut *q)
                        .await?;
                }
                locations.push((next_location, provider, product.id));
            }
        }
        regions.push(Region {
            id: region_id,
            municipalities: codes,
            weights,
            providers,
            locations,
        });
    }
    q.commit().await?;
    let region_weights: Vec<u64> = regions.iter().map(|r| r.weights.iter().sum()).collect();

    let mut b = Buffers::new();
    // The access points' registrations have dice of their own, so that the
    // journey stays the same data set it was.
    let mut access = Dice(0xb0c7_0001_2016_2025);
    let mut report = 0i64;
    let span = (sizes.last - sizes.first).num_days();
    let (mut application, mut transition, mut entry, mut stay, mut version) =
        (0i64, 0i64, 0i64, 0i64, 0i64);
    for person in 0..sizes.persons {
        let client = person as i64 + 1;
        let region = &regions[dice.weighted(&region_weights)];
        let home = region.municipalities[dice.weighted(&region.weights)].clone();
        let start = sizes.first + Duration::days(dice.below(span as u64) as i64);
        b.push(
            T_CLIENTS,
            vec![
                V::I(client),
                V::T("Persoon".into()),
                V::T(format!("{client}")),
                V::D(
                    NaiveDate::from_ymd_opt(
                        1950 + dice.below(55) as i32,
                        1 + dice.below(12) as u32,
                        1 + dice.below(28) as u32,
                    )
                    .unwrap_or_default(),
                ),
                V::B(false),
                V::T(home.clone()),
                V::S(at(start, &mut dice)),
            ],
        );
        let stay_at = |b: &mut Buffers,
                       dice: &mut Dice,
                       product: &Product,
                       from: NaiveDate,
                       entry_id: Option<i64>,
                       transferred_from: Option<i64>,
                       stay: &mut i64,
                       version: &mut i64|
         -> (i64, Option<NaiveDate>) {
            *stay += 1;
            let candidates: Vec<&(i64, i64, i64)> = region
                .locations
                .iter()
                .filter(|l| l.2 == product.id)
                .collect();
            let (location, provider) = if candidates.is_empty() {
                (None, *dice.pick(&region.providers))
            } else {
                let l = dice.pick(&candidates);
                (Some(l.0), l.1)
            };
            b.push(
                T_STAYS,
                vec![
                    V::I(*stay),
                    V::I(client),
                    entry_id.map_or(V::Null, V::I),
                    transferred_from.map_or(V::Null, V::I),
                    V::T(home.clone()),
                    V::S(at(from, dice)),
                ],
            );
            let end = from + Duration::days(1 + dice.days(product.stay));
            let ended = (end <= sizes.last).then_some(end);
            let mut versions = vec![(None, None, at(from, dice))];
            if let Some(e) = ended {
                let exit = EXITS[dice.weighted(&EXITS.map(|(_, w)| w))].0;
                versions.push((
                    Some(e),
                    Some(exit),
                    at(e, dice) + Duration::days(dice.below(4) as i64),
                ));
            }
            for (end, exit, recorded) in versions {
                *version += 1;
                b.push(
                    T_VERSIONS,
                    vec![
                        V::I(*version),
                        V::I(*stay),
                        V::I(product.id),
                        V::I(provider),
                        location.map_or(V::Null, V::I),
                        V::D(from),
                        end.map_or(V::Null, V::D),
                        exit.map_or(V::Null, |x: &str| V::T(x.into())),
                        V::S(recorded),
                        V::T("bench-data".into()),
                    ],
                );
            }
            (*stay, ended)
        };
        if dice.chance(33) {
            // Protected housing: application, decision, waiting list, stay.
            let product = &PRODUCTS[dice.weighted(&[45, 35, 12, 8, 0, 0, 0])];
            application += 1;
            let decided = start + Duration::days(14 + dice.below(28) as i64);
            b.push(
                T_APPLICATIONS,
                vec![
                    V::I(application),
                    V::I(client),
                    V::I(product.id),
                    V::T(home.clone()),
                    V::D(start),
                    V::T("zelf".into()),
                    V::S(at(start, &mut dice)),
                    V::T("bench-data".into()),
                ],
            );
            if decided > sizes.last {
                continue;
            }
            b.push(
                T_DECISIONS,
                vec![
                    V::I(application),
                    V::I(application),
                    V::I(client),
                    V::I(product.id),
                    V::T("toegekend".into()),
                    V::D(decided),
                    V::D(decided),
                    V::T(format!("B-{application}")),
                    V::T(home.clone()),
                    V::T(home.clone()),
                    V::T("3c".into()),
                    V::T("Synthetisch".into()),
                    V::T("{}".into()),
                    V::S(at(decided, &mut dice)),
                    V::T("bench-data".into()),
                ],
            );
            entry += 1;
            b.push(
                T_ENTRIES,
                vec![
                    V::I(entry),
                    V::I(client),
                    V::I(application),
                    V::I(product.id),
                    V::T(home.clone()),
                    V::D(decided),
                    V::S(at(decided, &mut dice)),
                ],
            );
            // The status history, until placement, removal or the end.
            let mut steps: Vec<(&str, Option<&str>, Option<i64>, NaiveDate)> =
                vec![("aangemeld", None, None, decided)];
            let mut day = decided + Duration::days(dice.below(14) as i64);
            steps.push(("actief-wachtend", None, None, day));
            if dice.chance(20) {
                day += Duration::days(30 + dice.days(80.0));
                steps.push(("passief-wachtend", Some(*dice.pick(&PASSIVE)), None, day));
                day += Duration::days(30 + dice.days(60.0));
                steps.push(("actief-wachtend", None, None, day));
            }
            day += Duration::days(dice.days(150.0));
            let removed = dice.chance(12);
            if removed {
                steps.push(("afgevoerd", Some(*dice.pick(&REMOVED)), None, day));
            } else {
                let provider = *dice.pick(&region.providers);
                steps.push(("in-screening", None, Some(provider), day));
                day += Duration::days(7 + dice.below(38) as i64);
                steps.push(("geplaatst", None, None, day));
            }
            let mut placed = None;
            let mut last_id = 0;
            for (status, reason, provider, d) in steps {
                if d > sizes.last {
                    break;
                }
                transition += 1;
                last_id = transition;
                b.push(
                    T_TRANSITIONS,
                    vec![
                        V::I(transition),
                        V::I(entry),
                        V::T(status.into()),
                        reason.map_or(V::Null, |r| V::T(r.into())),
                        provider.map_or(V::Null, V::I),
                        V::D(d),
                        V::S(at(d, &mut dice)),
                        V::T("bench-data".into()),
                        V::Null,
                        V::B(false),
                    ],
                );
                if status == "geplaatst" {
                    placed = Some(d);
                }
            }
            if let Some(d) = placed {
                // Now and then the placement date is corrected later.
                if dice.chance(2) {
                    transition += 1;
                    b.push(
                        T_TRANSITIONS,
                        vec![
                            V::I(transition),
                            V::I(entry),
                            V::T("geplaatst".into()),
                            V::Null,
                            V::Null,
                            V::D(d - Duration::days(3)),
                            V::S(at(d, &mut dice) + Duration::days(20)),
                            V::T("bench-data".into()),
                            V::I(last_id),
                            V::B(false),
                        ],
                    );
                }
                let (first, ended) = stay_at(
                    &mut b,
                    &mut dice,
                    product,
                    d,
                    Some(entry),
                    None,
                    &mut stay,
                    &mut version,
                );
                // Sometimes a transfer to another place.
                if let Some(e) = ended
                    && dice.chance(8)
                {
                    stay_at(
                        &mut b,
                        &mut dice,
                        product,
                        e,
                        None,
                        Some(first),
                        &mut stay,
                        &mut version,
                    );
                }
            }
        } else {
            // Shelter: registered at the region's access point first, with
            // access to shelter as the outcome (and sometimes an earlier
            // signal or a self-reliant trajectory), from the home
            // municipality or, now and then, from elsewhere.
            let origin = if access.chance(12) {
                let other = &regions[access.weighted(&region_weights)];
                other.municipalities[access.below(other.municipalities.len() as u64) as usize]
                    .clone()
            } else {
                home.clone()
            };
            let register = |b: &mut Buffers,
                            access: &mut Dice,
                            report: &mut i64,
                            kind: &'static str,
                            day: NaiveDate,
                            outcome: Option<&'static str>| {
                *report += 1;
                let recorded = at(day, access);
                b.push(
                    T_REPORTS,
                    vec![V::I(*report), V::I(client), V::I(region.id), V::S(recorded)],
                );
                b.push(
                    T_REPORT_VERSIONS,
                    vec![
                        V::I(*report),
                        V::I(*report),
                        V::T(kind.into()),
                        V::D(day),
                        V::T(origin.clone()),
                        V::T("opgave".into()),
                        outcome.map_or(V::Null, |o| V::T(o.into())),
                        outcome.map_or(V::Null, |_| V::D(day)),
                        V::S(recorded),
                        V::T("bench-data".into()),
                    ],
                );
            };
            if access.chance(25) {
                let day = start - Duration::days(30 + access.below(200) as i64);
                register(&mut b, &mut access, &mut report, "signaal", day, None);
            }
            if access.chance(30) {
                let day = start - Duration::days(60 + access.below(300) as i64);
                register(
                    &mut b,
                    &mut access,
                    &mut report,
                    "traject",
                    day,
                    Some("zelfredzaam"),
                );
            }
            let day = start - Duration::days(access.below(10) as i64);
            register(
                &mut b,
                &mut access,
                &mut report,
                "traject",
                day,
                Some("toegang-opvang"),
            );
            let product = &PRODUCTS[dice.weighted(&[0, 0, 0, 0, 60, 30, 10])];
            let mut from = start;
            loop {
                let (_, ended) = stay_at(
                    &mut b,
                    &mut dice,
                    product,
                    from,
                    None,
                    None,
                    &mut stay,
                    &mut version,
                );
                let Some(e) = ended else { break };
                if !dice.chance(62) {
                    break;
                }
                from = e + Duration::days(1 + dice.days(250.0));
                if from > sizes.last {
                    break;
                }
            }
        }
        if (person + 1) % 20_000 == 0 {
            b.flush(&pool).await?;
            progress(person + 1);
        }
    }
    b.flush(&pool).await?;
    progress(sizes.persons);
    outflow(&pool, &regions, sizes.last, &mut b).await?;
    outreach(&regions, sizes.first, sizes.last, &mut b);
    tenancies(&regions, sizes.first, sizes.last, &mut b);
    b.flush(&pool).await?;
    tariffs(&pool).await?;
    sqlx::query("analyze").execute(&pool).await?;
    // Fold the write-ahead log into the database file, so that reading the
    // data set does not go through a gigabyte of log.
    sqlx::query("pragma wal_checkpoint(truncate)")
        .execute(&pool)
        .await?;
    Ok(b.tables
        .iter()
        .zip(&b.written)
        .map(|((t, _, _), n)| (t.to_string(), *n))
        .collect())
}

/// The Pact voor uitstroom over the generated journey, with dice of its own:
/// every stay that ended in a Pact or urgency home has its nomination (the
/// key on the day of leaving, aftercare from then, how living went after a
/// year), a third of the long stays still running are waiting for a home,
/// and every municipality has an agreement per year of about the homes its
/// people got (some years short of it).
async fn outflow(
    pool: &SqlitePool,
    regions: &[Region],
    last: NaiveDate,
    b: &mut Buffers,
) -> Result<()> {
    use chrono::Datelike;
    let mut dice = Dice(0x9ac7_0001_2016_2025);
    let region_of: std::collections::HashMap<&str, i64> = regions
        .iter()
        .flat_map(|r| r.municipalities.iter().map(move |m| (m.as_str(), r.id)))
        .collect();
    let leaves = |product: i64| match product {
        1..=4 => "bw",
        5 | 6 => "mo",
        _ => "vo",
    };
    /// (stay, client, municipality, product, provider, start, end, exit)
    type StayRow = (
        i64,
        i64,
        String,
        i64,
        i64,
        NaiveDate,
        Option<NaiveDate>,
        Option<String>,
    );
    let rows: Vec<StayRow> = sqlx::query_as(
        "select s.id, s.client_id, s.responsible_municipality, v.product_id, v.provider_id,
                    v.start_date, v.end_date, v.exit_destination
               from stays s join stay_versions v
                 on v.id = (select max(w.id) from stay_versions w where w.stay_id = s.id)
              where v.exit_destination = 'zelfstandig-pact'
                 or (v.end_date is null and v.start_date < ?)
              order by s.id",
    )
    .bind(last - Duration::days(365))
    .fetch_all(pool)
    .await?;
    let mut homes: std::collections::BTreeMap<(String, i32), i64> = Default::default();
    let mut nomination = 0i64;
    let mut seen = std::collections::HashSet::new();
    for (stay, client, municipality, product, provider, start, end, exit) in rows {
        let Some(region) = region_of.get(municipality.as_str()).copied() else {
            continue;
        };
        let allocated = exit.is_some();
        if !seen.insert(client) || (!allocated && !dice.chance(33)) {
            continue;
        }
        nomination += 1;
        let (nominated, key) = match end {
            Some(e) if allocated => (
                (e - Duration::days(40 + dice.below(300) as i64)).max(start),
                Some(e),
            ),
            _ => (last - Duration::days(10 + dice.below(330) as i64), None),
        };
        let nominated = nominated.max(start);
        let created = at(nominated, &mut dice);
        let (housing, housing_on) =
            match key.and_then(|k| k.checked_add_months(chrono::Months::new(12))) {
                Some(m) if m <= last => match dice.below(100) {
                    0..=7 => ("uitgezet", m - Duration::days(1 + dice.below(250) as i64)),
                    8..=11 => (
                        "terug-in-zorg",
                        m - Duration::days(1 + dice.below(250) as i64),
                    ),
                    _ => ("gehuisvest", m),
                },
                _ => ("", last),
            };
        if let Some(k) = key {
            *homes.entry((municipality.clone(), k.year())).or_default() += 1;
        }
        b.push(
            T_NOMINATIONS,
            vec![V::I(nomination), V::I(client), V::I(region), V::S(created)],
        );
        let recorded = key.map_or(created, |k| at(k, &mut dice));
        b.push(
            T_NOMINATION_VERSIONS,
            vec![
                V::I(nomination),
                V::I(nomination),
                V::T(if dice.chance(25) { "urgentie" } else { "pact" }.into()),
                V::T(leaves(product).into()),
                V::I(stay),
                V::D(nominated),
                V::T(municipality.clone()),
                key.map_or(V::Null, |_| V::I(region)),
                key.map_or(V::Null, |_| V::T(municipality.clone())),
                key.map_or(V::Null, V::D),
                key.map_or(V::Null, |_| V::I(provider)),
                key.map_or(V::Null, V::D),
                if housing.is_empty() {
                    V::Null
                } else {
                    V::T(housing.into())
                },
                if housing.is_empty() {
                    V::Null
                } else {
                    V::D(housing_on)
                },
                V::S(recorded),
                V::T("bench-data".into()),
            ],
        );
    }
    for (i, ((municipality, year), realised)) in homes.into_iter().enumerate() {
        let region = region_of.get(municipality.as_str()).copied().unwrap_or(0);
        let agreed = realised + realised * dice.below(40) as i64 / 100;
        let january = NaiveDate::from_ymd_opt(year, 1, 5).unwrap_or(last);
        b.push(
            T_QUOTAS,
            vec![
                V::I(i as i64 + 1),
                V::I(region),
                V::T(municipality),
                V::I(i64::from(year)),
                V::I(agreed),
                V::S(at(january, &mut dice)),
                V::T("bench-data".into()),
            ],
        );
    }
    Ok(())
}

/// Zorgcoördinatie in every region, with dice of its own: about six
/// trajectories a year per 10,000 inhabitants' worth of region weight (a
/// few hundred a year in a large region), a fifth with more than one
/// melding, most closed within the year, one in ten people coming back.
fn outreach(regions: &[Region], first: NaiveDate, last: NaiveDate, b: &mut Buffers) {
    let mut dice = Dice(0x0995_0001_2016_2025);
    let span = (last - first).num_days().max(1);
    let (mut person, mut trajectory, mut report) = (0i64, 0i64, 0i64);
    for region in regions {
        let weight: u64 = region.weights.iter().sum();
        let count = (weight / 40).clamp(20, 400) * span as u64 / 365;
        let mut people: Vec<i64> = Vec::new();
        for _ in 0..count {
            let started = first + Duration::days(dice.below(span as u64) as i64);
            let created = at(started, &mut dice);
            let who = if !people.is_empty() && dice.chance(10) {
                *dice.pick(&people)
            } else {
                person += 1;
                people.push(person);
                b.push(
                    T_OUTREACH_PERSONS,
                    vec![V::I(person), V::I(region.id), V::S(created)],
                );
                person
            };
            trajectory += 1;
            let municipality = region.municipalities[dice.weighted(&region.weights)].clone();
            let end = started + Duration::days(20 + dice.below(380) as i64);
            let closed = (end <= last).then_some(end);
            b.push(
                T_TRAJECTORIES,
                vec![V::I(trajectory), V::I(who), V::I(region.id), V::S(created)],
            );
            b.push(
                T_TRAJECTORY_VERSIONS,
                vec![
                    V::I(trajectory),
                    V::I(trajectory),
                    V::T(municipality),
                    V::T("persoon".into()),
                    V::D(started),
                    closed.map_or(V::Null, V::D),
                    closed.map_or(V::Null, |_| V::T("toegeleid".into())),
                    V::S(closed.map_or(created, |c| at(c, &mut dice))),
                    V::T("bench-data".into()),
                ],
            );
            let meldingen = 1 + u64::from(dice.chance(20)) + u64::from(dice.chance(5));
            for k in 0..meldingen {
                report += 1;
                let day = if k == 0 {
                    started
                } else {
                    (started + Duration::days(1 + dice.below(30) as i64))
                        .min(closed.unwrap_or(last))
                };
                b.push(
                    T_OUTREACH_REPORTS,
                    vec![
                        V::I(report),
                        V::I(trajectory),
                        V::D(day),
                        V::T("buren".into()),
                        V::S(created),
                        V::T("bench-data".into()),
                    ],
                );
            }
        }
    }
}

/// Huren Onder Voorwaarden in every region, with dice of its own: about
/// two trajectories a year per 1,000 of region weight (Gooi en Vechtstreek
/// has 75–80 a year), lasting one to two and a half years, one in twenty
/// ending in an eviction.
fn tenancies(regions: &[Region], first: NaiveDate, last: NaiveDate, b: &mut Buffers) {
    let mut dice = Dice(0x4e0e_0001_2016_2025);
    let span = (last - first).num_days().max(1);
    let mut id = 0i64;
    for region in regions {
        let weight: u64 = region.weights.iter().sum();
        let count = (weight / 60).clamp(15, 250) * span as u64 / 365;
        for _ in 0..count {
            id += 1;
            let started = first + Duration::days(dice.below(span as u64) as i64);
            let created = at(started, &mut dice);
            let municipality = region.municipalities[dice.weighted(&region.weights)].clone();
            let end = started + Duration::days(365 + dice.below(540) as i64);
            let ended = (end <= last).then_some(end);
            let result = if dice.chance(5) {
                "huisuitzetting"
            } else {
                "huur-op-naam"
            };
            b.push(T_TENANCIES, vec![V::I(id), V::I(region.id), V::S(created)]);
            b.push(
                T_TENANCY_VERSIONS,
                vec![
                    V::I(id),
                    V::I(id),
                    V::T(municipality),
                    V::T("huurder".into()),
                    // The region's one corporation has the region's id.
                    V::I(region.id),
                    V::T(
                        if dice.chance(50) {
                            "huurachterstand"
                        } else {
                            "overlast"
                        }
                        .into(),
                    ),
                    V::D(started),
                    ended.map_or(V::Null, V::D),
                    ended.map_or(V::Null, |_| V::T(result.into())),
                    V::S(ended.map_or(created, |e| at(e, &mut dice))),
                    V::T("bench-data".into()),
                ],
            );
        }
    }
}

/// Tariffs for every product in every region, with a change on 1 January
/// 2024 and, in each region, a contract of its own for its first provider
/// of each product from then: a look-up of the kind the cost of care makes
/// on a real region. Written once: a data set made before tariffs existed
/// gets them when it is measured.
async fn tariffs(pool: &SqlitePool) -> Result<()> {
    let present: i64 = sqlx::query_scalar("select count(*) from tariffs")
        .fetch_one(pool)
        .await?;
    if present > 0 {
        return Ok(());
    }
    let regions: Vec<i64> = sqlx::query_scalar("select id from regions order by id")
        .fetch_all(pool)
        .await?;
    let products: Vec<i64> = sqlx::query_scalar("select id from products order by id")
        .fetch_all(pool)
        .await?;
    let first_provider: Option<i64> = sqlx::query_scalar("select min(id) from providers")
        .fetch_one(pool)
        .await?;
    // Recorded long before any moment a figure is asked as known at.
    let now = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let mut tx = pool.begin().await?;
    let mut id = 0i64;
    for region in &regions {
        for (n, product) in products.iter().enumerate() {
            let base = 9_000 + 1_500 * n as i64;
            let rows = [
                (None, base, "2000-01-01", Some("2023-12-31")),
                (None, base + base / 25, "2024-01-01", None),
                (first_provider, base + base / 10, "2024-01-01", None),
            ];
            for (provider, cents, from, until) in rows {
                id += 1;
                sqlx::query("insert into tariffs (id, region_id, created_at) values ($1, $2, $3)")
                    .bind(id)
                    .bind(region)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "insert into tariff_versions (id, tariff_id, product_id, provider_id, unit,
                        amount_cents, valid_from, valid_until, withdrawn, note, recorded_at,
                        recorded_by)
                     values ($1, $1, $2, $3, 'per-dag', $4, $5, $6, false, null, $7, 'bench-data')",
                )
                .bind(id)
                .bind(product)
                .bind(provider)
                .bind(cents)
                .bind(from)
                .bind(until)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Peak and current resident memory in MB (Linux `/proc`), for the report.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kb("VmHWM:"), kb("VmRSS:"))
}

/// A row of the results table for response times (sorted, in ms).
fn latency_row(what: &str, sorted: &[f64], target: &str) -> String {
    format!(
        "| {what} p50 / p95 / max | {:.1} / {:.1} / {:.1} ms | {target} |",
        percentile(sorted, 50.0),
        percentile(sorted, 95.0),
        sorted.last().copied().unwrap_or(0.0)
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs the measurements on a data set and writes them to `out`.
pub async fn run(data: &Path, out: &Path, rounds: usize) -> Result<()> {
    if !data.is_file() {
        bail!(
            "{} bestaat niet; maak het eerst met zothuis bench-data",
            data.display()
        );
    }
    let url = format!("sqlite://{}", data.display());
    let store = Arc::new(
        SqliteStore::open(&url)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    tariffs(store.pool()).await?;
    let services = Services::new(store.clone(), Arc::new(SystemClock), Default::default());
    let mut report = Vec::new();
    let rows: Vec<(String, i64)> = {
        let mut v = Vec::new();
        for t in [
            "clients",
            "applications",
            "decisions",
            "waitlist_entries",
            "waitlist_transitions",
            "stays",
            "stay_versions",
            "shelter_reports",
            "shelter_report_versions",
            "outflow_nominations",
            "outflow_nomination_versions",
            "outflow_quotas",
            "outreach_trajectories",
            "outreach_reports",
            "hov_trajectories",
            "tariffs",
            "capacity",
            "locations",
            "municipalities",
            "regions",
        ] {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {t}")))
                    .fetch_one(store.pool())
                    .await?;
            v.push((t.to_string(), n));
        }
        v
    };
    let events: i64 = rows
        .iter()
        .filter(|(t, _)| !matches!(t.as_str(), "locations" | "municipalities" | "regions"))
        .map(|(_, n)| n)
        .sum();

    // 1. The projection, as known now, from the database.
    let t = Instant::now();
    let facts = services.figure_facts(None).await?;
    let load = t.elapsed().as_secs_f64();
    let (peak_after_load, rss_after_load) = memory();

    // 2. The national set: every indicator × municipality × product × month.
    let first = facts
        .entries
        .iter()
        .map(|e| e.since)
        .chain(facts.stays.iter().map(|s| s.start))
        .min()
        .map(zothuis_domain::figures::facts::date)
        .unwrap_or_default();
    let last = services
        .clock
        .today()
        .min(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default());
    let months = Months12::between(first, last);
    let mut timings = Vec::new();
    let mut cells = 0usize;
    let mut checksum = 0f64;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let sums = std::sync::Mutex::new((0usize, 0f64));
        national_set(&facts, &months, threads, &|cube| {
            let sum = cube.values.iter().filter_map(|v| v.number()).sum::<f64>();
            if let Ok(mut s) = sums.lock() {
                s.0 += cube.values.len();
                s.1 += sum;
            }
        });
        timings.push(t.elapsed().as_secs_f64());
        (cells, checksum) = sums.into_inner().unwrap_or_default();
    }
    // Each indicator on its own, one thread, for the table below.
    let mut per_indicator = Vec::new();
    for id in IndicatorId::ALL {
        let t = Instant::now();
        let cube = compute(&facts, &months, *id);
        per_indicator.push(t.elapsed().as_secs_f64());
        drop(cube);
    }
    timings.sort_by(f64::total_cmp);
    let (peak_after_set, _) = memory();
    let t = Instant::now();
    let checked =
        check_against_engine(&facts, &months, Some(4999)).map_err(|e| anyhow::anyhow!(e))?;
    let check_time = t.elapsed().as_secs_f64();

    // 2a. What is hidden for policy roles, over every table they can ask:
    // the exits family over the last year, for the whole country and for
    // the first region (decided once per projection, then kept).
    let year = (
        zothuis_domain::figures::facts::day(last - Duration::days(364)),
        zothuis_domain::figures::facts::day(last),
    );
    let exits = zothuis_domain::figures::protect::family(IndicatorId::Uitstroom).unwrap_or(&[]);
    let region: Vec<_> = services
        .store
        .list_municipalities()
        .await?
        .into_iter()
        .filter(|m| m.region_id == 1)
        .map(|m| m.code)
        .collect();
    let region_set = facts.municipality_set(&region);
    let t = Instant::now();
    let pattern = Pattern::build(&facts, exits, year, Some(&region_set), 5);
    let pattern_region = (t.elapsed().as_secs_f64(), pattern.len());
    let t = Instant::now();
    let pattern = Pattern::build(&facts, exits, year, None, 5);
    let pattern_national = (t.elapsed().as_secs_f64(), pattern.len());
    drop(pattern);
    let (peak_after_pattern, _) = memory();

    // 2c. The access points' figures (no product, so not in the national
    // set): every access-point indicator for every region over the last
    // year, by municipality of origin, as the seed's "BCT trajecten;
    // gemeente van herkomst" table.
    let access_point = [
        IndicatorId::ToegangClienten,
        IndicatorId::ToegangTrajecten,
        IndicatorId::ToegangSignalen,
        IndicatorId::ToegangZelfredzaam,
        IndicatorId::ToegangOpvang,
        IndicatorId::DreigendDakloos,
    ];
    let municipalities = services.store.list_municipalities().await?;
    let region_ids: std::collections::BTreeSet<i64> =
        municipalities.iter().map(|m| m.region_id).collect();
    // Every indicator of a group for every region over the last year (on
    // its last day for a peildatum), by one dimension: (tables, seconds).
    let region_tables = |ids: &[IndicatorId], by: Dimension| -> Result<(usize, f64)> {
        use zothuis_domain::figures::catalogue::Timing;
        use zothuis_domain::figures::engine::{Filter, Query, When};
        let t = Instant::now();
        let mut tables = 0usize;
        for r in &region_ids {
            let codes: Vec<_> = municipalities
                .iter()
                .filter(|m| m.region_id == *r)
                .map(|m| m.code.clone())
                .collect();
            let set = facts.municipality_set(&codes);
            for id in ids {
                let q = Query {
                    indicator: *id,
                    when: match id.info().timing {
                        Timing::Peildatum => When::On(last),
                        Timing::Periode => When::Period(last - Duration::days(364), last),
                    },
                    filter: Filter {
                        municipalities: Some(set.clone()),
                        ..Default::default()
                    },
                    breakdown: Some(by),
                };
                zothuis_domain::figures::engine::compute(&facts, &q)
                    .map_err(|e| anyhow::anyhow!(e.0))?;
                tables += 1;
            }
        }
        Ok((tables, t.elapsed().as_secs_f64()))
    };
    let (access_tables, access_time) = region_tables(&access_point, Dimension::Woongemeente)?;
    // 2d. The Pact voor uitstroom, by municipality, as the seed's "Pact
    // voor uitstroom" figures.
    let outflow_ids = zothuis_domain::figures::catalogue::OUTFLOW;
    let (outflow_tables, outflow_time) = region_tables(&outflow_ids, Dimension::Gemeente)?;
    // 2e. Zorgcoördinatie, by municipality, as the seed's table.
    let outreach_ids = zothuis_domain::figures::catalogue::OUTREACH;
    let (outreach_tables, outreach_time) = region_tables(&outreach_ids, Dimension::Gemeente)?;
    // 2f. Huren Onder Voorwaarden, by municipality, as the HOV monitor.
    let tenancy_ids = zothuis_domain::figures::catalogue::TENANCY;
    let (tenancy_tables, tenancy_time) = region_tables(&tenancy_ids, Dimension::Gemeente)?;
    // 2g. The cost of care: every stay priced per municipality × product ×
    // month over the ten years up to the last day, from the tariffs as
    // known now (best of the rounds).
    let cost = {
        use zothuis_domain::finance::cost::{CostQuery, Period, Split, TariffBook, compute_on};
        let tariffs = services
            .store
            .list_tariffs(None, services.clock.now())
            .await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let query = CostQuery {
            from: last - Months::new(120) + Duration::days(1),
            to: last + Duration::days(1),
            municipalities: None,
            provider_id: None,
            period: Period::Month,
            split: Split {
                municipality: true,
                product: true,
                ..Split::default()
            },
            cohort_cutoff: Default::default(),
        };
        // On one thread and on the threads the figure set uses.
        let mut best = [f64::MAX; 2];
        let mut result = Default::default();
        for _ in 0..rounds.max(1) {
            for (i, n) in [1, threads].into_iter().enumerate() {
                let t = Instant::now();
                result = compute_on(&facts, &book, &query, n);
                best[i] = best[i].min(t.elapsed().as_secs_f64());
            }
        }
        (best, result, tariffs.len())
    };

    // 2h. The forecasts of demand: every region's municipalities ×
    // products × years to 2040 under three scenarios (the trend; 5 % a
    // year of BW-INT to Beschermd Thuis; leaving 10 % faster with 12 more
    // places per municipality), with a synthetic population (the data set
    // has none: four bands per municipality, 0,5 % more a year) and the
    // tariffs as known now.
    let forecast = {
        use zothuis_domain::forecast::population::{AgeBand, Population};
        use zothuis_domain::forecast::run::{
            self, Assumptions, NewPlaces, OutflowChange, Shift, StayMonths,
        };
        let municipalities = services.store.list_municipalities().await?;
        let products = services.store.list_products().await?;
        let tariffs = services
            .store
            .list_tariffs(None, services.clock.now())
            .await?;
        let book = zothuis_domain::finance::cost::TariffBook::new(
            tariffs.iter().map(|t| (t.region_id, &t.facts)),
        );
        let mut population = Population::default();
        for m in &municipalities {
            for year in 2010..=2040 {
                let growth = 1.005f64.powi(year - 2010);
                for (band, n) in [
                    ("18-26", 4_000.0),
                    ("27-44", 9_000.0),
                    ("45-64", 10_000.0),
                    ("65+", 8_000.0),
                ] {
                    if let Some(b) = AgeBand::parse(band) {
                        population
                            .rows
                            .insert((m.code.clone(), year, b), (n * growth) as u64);
                    }
                }
            }
        }
        let mut regions: std::collections::BTreeMap<
            i64,
            Vec<zothuis_domain::reference::GemeenteCode>,
        > = Default::default();
        for m in &municipalities {
            regions.entry(m.region_id).or_default().push(m.code.clone());
        }
        let trend = Assumptions {
            base_year: chrono::Datelike::year(&last) - 1,
            window_years: 3,
            last_year: 2040,
            backtest_years: 1,
            min_spells: 20,
            shifts: Vec::new(),
            outflow: Vec::new(),
            places: Vec::new(),
            stay_months: vec![StayMonths {
                product: "BW-INT".into(),
                months: 30.0,
            }],
        };
        let shift = Assumptions {
            shifts: vec![Shift {
                from: "BW-INT".into(),
                to: "BT".into(),
                percent_per_year: 5.0,
            }],
            ..trend.clone()
        };
        let faster = Assumptions {
            outflow: vec![OutflowChange {
                product: "BW-INT".into(),
                percent: 10.0,
            }],
            places: municipalities
                .iter()
                .map(|m| NewPlaces {
                    gemeente: m.code.to_string(),
                    product: "BW-INT".into(),
                    from: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or(last),
                    places: 12,
                })
                .collect(),
            ..trend.clone()
        };
        let scenarios = [trend, shift, faster];
        let mut best = f64::MAX;
        let mut cells = 0usize;
        let mut persons_2040 = [0.0f64; 3];
        for _ in 0..rounds.max(1) {
            let t = Instant::now();
            let mut n = 0;
            for (i, a) in scenarios.iter().enumerate() {
                persons_2040[i] = 0.0;
                for codes in regions.values() {
                    let f = run::run(
                        &run::Region {
                            facts: &facts,
                            population: &population,
                            municipalities: codes,
                            products: &products,
                            tariffs: Some(&book),
                        },
                        a,
                    );
                    n += f
                        .cells
                        .iter()
                        .filter(|c| c.gemeente.is_some() && !c.category)
                        .count();
                    persons_2040[i] += f
                        .cells
                        .iter()
                        .filter(|c| c.gemeente.is_none() && !c.category)
                        .filter_map(|c| c.year(2040))
                        .map(|y| y.persons)
                        .sum::<f64>();
                }
            }
            best = best.min(t.elapsed().as_secs_f64());
            cells = n;
        }
        (
            best,
            cells,
            persons_2040,
            regions.len(),
            municipalities.len(),
        )
    };

    // 2b. One write, then the figures again: a correction of the latest
    // transition is applied to the projection in place (no rebuild). The
    // projection is let go first, as a request lets go of it when it has
    // answered: one still held while the update runs is copied, not changed.
    drop(facts);
    let rebuilds = services.figure_rebuilds();
    sqlx::query(
        "insert into waitlist_transitions (entry_id, status, reason, provider_id, effective_date,
             note, recorded_at, recorded_by, supersedes, retracted)
         select entry_id, status, reason, provider_id, effective_date, 'benchmark', $1,
             'bench', id, false
         from waitlist_transitions where id = (select max(id) from waitlist_transitions)",
    )
    .bind(services.clock.now_micros())
    .execute(store.pool())
    .await?;
    let t = Instant::now();
    let updated = services.figure_facts(None).await?;
    let update = t.elapsed().as_secs_f64();
    let in_place = services.figure_rebuilds() == rebuilds;
    let facts = updated;

    // 3. Over HTTP, with the projection loaded: a region's dashboard, and the
    //    first page of the waiting list for the region's manager.
    let http = http_times(&services, 60).await?;
    let dashboard = http.dashboard;
    let (retention, expired) = retention_times(&services, 3).await?;
    let (peak_end, rss_end) = memory();

    let machine = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    report.push("# zothuis — figures benchmark".to_string());
    report.push(String::new());
    report.push(format!(
        "Generated by `zothuis bench` on {} ({cores} cores, {machine}), release build.",
        services.clock.now().format("%Y-%m-%d %H:%M UTC")
    ));
    report.push(String::new());
    report.push("## Data set (`zothuis bench-data`)".into());
    report.push(String::new());
    report.push("| table | rows |".into());
    report.push("|---|---:|".into());
    for (t, n) in &rows {
        report.push(format!("| {t} | {n} |"));
    }
    report.push(format!(
        "| **events** (all rows of the journey) | **{events}** |"
    ));
    report.push(String::new());
    report.push(format!(
        "Projection: {} waiting-list entries, {} status spans, {} stays, {} capacity rows, {} registrations at access points, {} nominations for outflow; {} municipalities, {} products.",
        facts.entries.len(),
        facts.spans.len(),
        facts.stays.len(),
        facts.capacity.len(),
        facts.registrations.len(),
        facts.nominations.len(),
        facts.municipalities.len(),
        facts.products.len()
    ));
    report.push(String::new());
    report.push("## Results".into());
    report.push(String::new());
    report.push("| measurement | result | target |".into());
    report.push("|---|---:|---:|".into());
    report.push(format!("| build the projection from the database (once; kept until data changes) | {load:.1} s | ≤ 5 s |"));
    report.push(format!(
        "| apply one write (a corrected transition) to the projection, as the next question sees it | {:.0} ms{} | ≤ 1 s |",
        update * 1000.0,
        if in_place { "" } else { " (rebuilt!)" }
    ));
    report.push(format!(
        "| full national set: {} indicators × {} municipalities × {} products × {} months = {cells} cells, {threads} threads, best of {} | {:.3} s | ≤ 1 s |",
        IndicatorId::ALL.len(),
        facts.municipalities.len(),
        facts.products.len(),
        months.len(),
        timings.len(),
        timings[0]
    ));
    report.push(format!(
        "| full national set, median of {} runs | {:.3} s | – |",
        timings.len(),
        timings[timings.len() / 2]
    ));
    report.push(latency_row(
        &format!(
            "regional dashboard page `/cijfers` (policy adviser of one region, {} requests)",
            dashboard.len()
        ),
        &dashboard,
        "p95 ≤ 50 ms",
    ));
    report.push(latency_row(
        &format!(
            "waiting-list API page `/api/v1/wachtlijst?status=open` (waitlist manager of one region, {} requests, 50 of {} lines)",
            http.waitlist.len(),
            http.waitlist_lines
        ),
        &http.waitlist,
        "p95 ≤ 100 ms",
    ));
    report.push(latency_row(
        &format!(
            "one entry of that list with its history, API `/api/v1/wachtlijst/{{id}}` ({} requests)",
            http.entry.len()
        ),
        &http.entry,
        "p95 ≤ 100 ms",
    ));
    report.push(latency_row(
        &format!(
            "the same entry as the manager's page `/wachtlijst/{{id}}`, with its forms ({} requests)",
            http.entry_page.len()
        ),
        &http.entry_page,
        "p95 ≤ 100 ms",
    ));
    report.push(latency_row(
        &format!(
            "its client, API `/api/v1/clienten/{{id}}` ({} requests)",
            http.client_detail.len()
        ),
        &http.client_detail,
        "p95 ≤ 100 ms",
    ));
    for (path, t, total) in &http.lists {
        report.push(latency_row(
            &format!(
                "the manager's list `/api/v1{path}`, first page of 50 of {total} ({} requests)",
                t.len()
            ),
            t,
            "p95 ≤ 100 ms",
        ));
    }
    report.push(latency_row(
        &format!(
            "places API `/api/v1/vacatures` (waitlist manager of one region, {} requests, {} rows)",
            http.vacancies.len(),
            http.vacancy_rows
        ),
        &http.vacancies,
        "p95 ≤ 100 ms",
    ));
    report.push(latency_row(
        &format!(
            "match proposal `/api/v1/vacatures/voorstel` for the region's first place ({} requests, {} waiting clients weighed)",
            http.proposal.len(),
            http.proposal_candidates
        ),
        &http.proposal,
        "p95 ≤ 1 s",
    ));
    report.push(latency_row(
        &format!(
            "retention: the privacy officer's list of records past their period, one region ({} runs, {expired} records)",
            retention.len()
        ),
        &retention,
        "p95 ≤ 1 s",
    ));
    report.push(format!(
        "| small-number protection over every askable table, exits family, one year: one region / whole country | {:.0} ms ({} cells hidden) / {:.1} s ({} cells hidden) | decided once per projection |",
        pattern_region.0 * 1000.0,
        pattern_region.1,
        pattern_national.0,
        pattern_national.1
    ));
    report.push(format!(
        "| access points: {} indicators × {} regions, last year, by municipality of origin ({access_tables} tables, one thread) | {:.0} ms | ≤ 1 s |",
        access_point.len(),
        region_ids.len(),
        access_time * 1000.0
    ));
    report.push(format!(
        "| Pact voor uitstroom: {} indicators × {} regions, last year (peildatum: its last day), by municipality ({outflow_tables} tables, one thread) | {:.0} ms | ≤ 1 s |",
        outflow_ids.len(),
        region_ids.len(),
        outflow_time * 1000.0
    ));
    report.push(format!(
        "| zorgcoördinatie: {} indicators × {} regions, last year (peildatum: its last day), by municipality ({outreach_tables} tables, one thread) | {:.0} ms | ≤ 1 s |",
        outreach_ids.len(),
        region_ids.len(),
        outreach_time * 1000.0
    ));
    report.push(format!(
        "| Huren Onder Voorwaarden: {} indicators × {} regions, last year (peildatum: its last day), by municipality ({tenancy_tables} tables, one thread) | {:.0} ms | ≤ 1 s |",
        tenancy_ids.len(),
        region_ids.len(),
        tenancy_time * 1000.0
    ));
    report.push(format!(
        "| cost of care: every stay × {} tariffs, by municipality × product × month over ten years ({} cells, {} stays, total {}, {} cells without a tariff; {threads} threads, best of {}; one thread {:.0} ms) | {:.0} ms | ≤ 1 s |",
        cost.2,
        cost.1.cells.len(),
        cost.1.total.stays,
        cost.1.total.amount,
        cost.1.missing.len(),
        rounds.max(1),
        cost.0[0] * 1000.0,
        cost.0[1] * 1000.0
    ));
    report.push(format!(
        "| forecasts of demand: {} regions, {} municipalities × products ({} cells, each with its back-test) × the years to 2040 × 3 scenarios (trend; 5 % a year BW-INT → BT; leaving 10 % faster and 12 places more), one thread, best of {} (persons per month in 2040: {:.0} / {:.0} / {:.0}) | {:.0} ms | ≤ 1 s |",
        forecast.3,
        forecast.4,
        forecast.1 / 3,
        rounds.max(1),
        forecast.2[0],
        forecast.2[1],
        forecast.2[2],
        forecast.0 * 1000.0
    ));
    report.push(format!("| peak memory after loading the projection | {peak_after_load:.0} MB (resident {rss_after_load:.0} MB) | ≤ 200 MB |"));
    report.push(format!(
        "| peak memory after the national set | {peak_after_set:.0} MB | ≤ 200 MB |"
    ));
    report.push(format!(
        "| peak memory after the protection of the whole country | {peak_after_pattern:.0} MB | ≤ 200 MB |"
    ));
    report.push(format!("| peak memory at the end (with the web server) | {peak_end:.0} MB (resident {rss_end:.0} MB) | ≤ 200 MB |"));
    report.push(format!("| cells of the national set checked against the engine (every 4999th) | {checked} agree ({check_time:.1} s) | all |"));
    report.push(String::new());
    report.push(format!(
        "Checksum of the national set (sum of all shown numbers): {checksum:.1}"
    ));
    report.push(String::new());
    report.push("Per indicator (one thread, one run):".into());
    report.push(String::new());
    report.push("| indicator | ms |".into());
    report.push("|---|---:|".into());
    for (id, t) in IndicatorId::ALL.iter().zip(&per_indicator) {
        report.push(format!("| {} | {:.1} |", id.code(), t * 1000.0));
    }
    report.push(String::new());
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, report.join("\n") + "\n")
        .with_context(|| format!("{} schrijven", out.display()))?;
    println!("{}", report.join("\n"));
    Ok(())
}

/// Response times over HTTP, in milliseconds, sorted.
struct HttpTimes {
    dashboard: Vec<f64>,
    waitlist: Vec<f64>,
    /// How many lines the waiting list has in all (the page shows 50).
    waitlist_lines: i64,
    /// The first line of the list: the entry over the API and as a page,
    /// and its client.
    entry: Vec<f64>,
    entry_page: Vec<f64>,
    client_detail: Vec<f64>,
    /// The manager's other lists (first page of 50): path, times, how many
    /// records the list has in all.
    lists: Vec<(String, Vec<f64>, i64)>,
    /// The manager's places of the region, and how many rows they have.
    vacancies: Vec<f64>,
    vacancy_rows: usize,
    /// The match proposal for the region's first place, and how many
    /// waiting clients it weighs.
    proposal: Vec<f64>,
    proposal_candidates: usize,
}

/// Times the dashboard of a policy adviser of the first region (signed in
/// in the browser) and the waiting-list API of the region's manager (with a
/// token, as a system integration would ask).
async fn http_times(services: &Services, requests: usize) -> Result<HttpTimes> {
    use zothuis_domain::admin::RequestContext;
    let system = RequestContext::system("bench");
    let stamp = services.clock.now().timestamp();
    let token = services
        .create_token(
            &system,
            &format!("bench {stamp}"),
            "wachtlijstbeheerder",
            "regio:R01",
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .secret;
    let state = zothuis_web::AppState::new(services.clone(), zothuis_web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = zothuis_web::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await;
    });
    let client = signed_in(services, &address, "beleidsadviseur", stamp).await?;
    let manager = signed_in(services, &address, "wachtlijstbeheerder", stamp).await?;
    let dashboard = times(requests, || client.get(format!("{address}/cijfers"))).await?;
    let api = reqwest::Client::new();
    let waitlist_url = format!("{address}/api/v1/wachtlijst?status=open");
    let waitlist = times(requests, || api.get(&waitlist_url).bearer_auth(&token)).await?;
    let first = answer(api.get(&waitlist_url).bearer_auth(&token)).await?;
    // One line of the list opened: the entry with its history (API and
    // page, with its screening forms) and the client.
    let line = &first["resultaten"][0];
    let entry_url = format!("{address}/api/v1/wachtlijst/{}", line["id"]);
    let entry = times(requests, || api.get(&entry_url).bearer_auth(&token)).await?;
    let entry_page_url = format!("{address}/wachtlijst/{}", line["id"]);
    let entry_page = times(requests, || manager.get(&entry_page_url)).await?;
    let client_url = format!("{address}/api/v1/clienten/{}", line["clientId"]);
    let client_detail = times(requests, || api.get(&client_url).bearer_auth(&token)).await?;
    let today = services.clock.today();
    let mut lists = Vec::new();
    for path in [
        "/clienten".to_string(),
        "/clienten/mogelijke-dubbelen".to_string(),
        "/aanmeldingen".to_string(),
        "/beschikkingen".to_string(),
        "/screeningen".to_string(),
        format!("/verblijven?actiefOp={today}"),
        "/verblijven".to_string(),
        "/wachtlijst".to_string(),
    ] {
        let url = format!("{address}/api/v1{path}");
        let t = times(requests / 3, || api.get(&url).bearer_auth(&token)).await?;
        let all = answer(api.get(&url).bearer_auth(&token)).await?;
        lists.push((path, t, all["aantal"].as_i64().unwrap_or(0)));
    }
    let vacancies_url = format!("{address}/api/v1/vacatures");
    let vacancies = times(requests, || api.get(&vacancies_url).bearer_auth(&token)).await?;
    let places = answer(api.get(&vacancies_url).bearer_auth(&token)).await?;
    let places = places.as_array().cloned().unwrap_or_default();
    let Some(place) = places.first() else {
        bail!("de eerste regio heeft geen plekken om een voorstel voor te doen");
    };
    let proposal_url = format!(
        "{address}/api/v1/vacatures/voorstel?locatieId={}&productId={}",
        place["locatieId"], place["productId"]
    );
    let proposal = times(requests / 4, || api.get(&proposal_url).bearer_auth(&token)).await?;
    let weighed = answer(api.get(&proposal_url).bearer_auth(&token)).await?;
    let _ = stop.send(());
    let _ = server.await;
    Ok(HttpTimes {
        dashboard,
        waitlist,
        waitlist_lines: first["aantal"].as_i64().unwrap_or(0),
        entry,
        entry_page,
        client_detail,
        lists,
        vacancies,
        vacancy_rows: places.len(),
        proposal,
        proposal_candidates: weighed["clienten"].as_array().map_or(0, Vec::len),
    })
}

/// A browser signed in through the login form as a new user with this role
/// in the first region.
/// The privacy officer's list of records past their retention period for
/// the first region (`Services::retention_due`: every record's last
/// activity over all its rows): times in ms, sorted, and how many records.
async fn retention_times(services: &Services, runs: usize) -> Result<(Vec<f64>, usize)> {
    use zothuis_domain::admin::{Actor, ActorKind, RequestContext, Role, Scope};
    let region = services
        .store
        .find_region_by_code("R01")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("regio R01 ontbreekt in de dataset")?;
    let ctx = RequestContext {
        actor: Actor {
            kind: ActorKind::User,
            id: 0,
            name: "bench.fg".into(),
            role: Role::Fg,
            scope: Scope::Regio(region.id),
        },
        ..RequestContext::system("bench")
    };
    let mut times = Vec::with_capacity(runs);
    let mut expired = 0;
    for _ in 0..runs {
        let t = Instant::now();
        expired = services
            .retention_due(&ctx)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times, expired))
}

async fn signed_in(
    services: &Services,
    address: &str,
    role: &str,
    stamp: i64,
) -> Result<reqwest::Client> {
    let password = "een lang genoeg wachtwoord voor de benchmark";
    let username = format!("bench.{role}.{stamp}");
    services
        .create_user(
            &zothuis_domain::admin::RequestContext::system("bench"),
            &zothuis_domain::admin::NewUserInput {
                username: username.clone(),
                display_name: "Benchmark".into(),
                role: role.into(),
                scope: "regio:R01".into(),
                password: password.into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{address}/inloggen"))
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"csrf\" value=\"";
    let csrf: String = page
        .find(marker)
        .map(|i| {
            page[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default();
    let login = client
        .post(format!("{address}/inloggen"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("gebruikersnaam", &username),
            ("wachtwoord", password),
            ("terug", "/"),
        ])
        .send()
        .await?;
    if !login.status().is_redirection() {
        bail!("inloggen voor de benchmark mislukte: {}", login.status());
    }
    Ok(client)
}

/// The JSON answer to one request.
async fn answer(request: reqwest::RequestBuilder) -> Result<serde_json::Value> {
    Ok(request.send().await?.json().await?)
}

/// Sends `requests` requests after three that warm up connections and
/// caches; the times in milliseconds, sorted.
async fn times(requests: usize, request: impl Fn() -> reqwest::RequestBuilder) -> Result<Vec<f64>> {
    let mut times = Vec::new();
    for i in 0..requests + 3 {
        let t = Instant::now();
        let r = request().send().await?;
        let status = r.status();
        let url = r.url().path().to_string();
        let _ = r.bytes().await?;
        if !status.is_success() {
            bail!("{url} gaf {status}");
        }
        if i >= 3 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}
