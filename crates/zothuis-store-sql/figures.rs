//! The rows of the figures projection, resolved as known at a moment in SQL
//! (corrections recorded by then applied, later ones not) and fed to the
//! builder chunk by chunk, so that a national history never sits in memory
//! as rows. Each read also exists restricted to the persons with a row
//! beyond a stamp (`figure_changes`), to keep a projection current without
//! reading everything again.

use crate::{DbStore, internal};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use sqlx::Row;
use zothuis_domain::clients::merge::MergeLog;
use zothuis_domain::figures::facts::{FactsBuilder, FigureRow};
use zothuis_domain::store::{ClientStore, FigureStore};
use zothuis_domain::{DomainError, DomainResult};

// Every write adds a row with a higher id (corrections too), and reference
// changes raise a version or the number of rows.
const STAMP: &str = "select
    (select coalesce(max(id), 0) from waitlist_entries),
    (select coalesce(max(id), 0) from waitlist_transitions),
    (select coalesce(max(id), 0) from stays),
    (select coalesce(max(id), 0) from stay_versions),
    (select coalesce(max(id), 0) from capacity),
    (select coalesce(max(id), 0) from shelter_report_versions),
    (select coalesce(max(id), 0) from outflow_nomination_versions),
    (select coalesce(max(id), 0) from outflow_quotas),
    (select coalesce(max(id), 0) from outreach_trajectory_versions),
    (select coalesce(max(id), 0) from outreach_reports),
    (select coalesce(max(id), 0) from hov_trajectory_versions),
    (select coalesce(max(id), 0) from outreach_report_retractions),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from municipalities),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from products),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from providers),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from locations),
    (select cast(count(*) + count(undone_at) as bigint) from client_merges)";

// Each read names its columns, the order the builder needs and its source;
// `packed` wraps them into one aggregate (the backend's `json_rows_sql`),
// and a chunk of rows comes back as one JSON array: a national history costs
// one round trip and one decode per chunk, not one per row (per-row decoding
// was nine tenths of the load time). A read whose order key is in its rows
// is sorted again here (`sorted`), so the database need not guarantee the
// order, which for SQLite halves the cost of a chunk.
struct Read {
    cols: &'static str,
    order: &'static str,
    from: &'static str,
    /// The rows hold their order key, and their decoder sorts by it.
    restored: bool,
}

// The municipality of residence: that of the application behind the
// entry's decision (`Dimension::Woongemeente`, as `WaitlistLine::residence`).
const ENTRIES: Read = Read {
    cols: "e.id, e.client_id, e.product_id, e.responsible_municipality,
           a.municipality_code, e.waiting_since",
    order: "e.id",
    restored: true,
    from: "from waitlist_entries e
           left join decisions d on d.id = e.decision_id
           left join applications a on a.id = d.application_id
           where e.created_at <= $1",
};

// The order decides which of two transitions on one day is in force (the
// later recorded, as `history::in_force_on`), so its whole key is in a row.
// Moments compare as the database writes them: SQLite orders its text so,
// and PostgreSQL writes them in UTC (sqlx sets the session time zone).
const TRANSITIONS: Read = Read {
    cols: "t.entry_id, t.status, t.reason, t.provider_id, t.effective_date, t.recorded_at, t.id",
    order: "t.entry_id, t.effective_date, t.recorded_at, t.id",
    restored: true,
    from: "from waitlist_transitions t
           where t.recorded_at <= $1 and not t.retracted
             and not exists (select 1 from waitlist_transitions c
                             where c.supersedes = t.id and c.recorded_at <= $1)",
};

// The latest version of each stay recorded by the moment: one index probe
// per stay. A stay from the waiting list has the residence of its entry
// (the builder looks it up); a direct stay holds its decision; a transfer
// has neither and takes the residence of the stay it continues.
const STAYS: Read = Read {
    cols: "s.id, s.client_id, s.transferred_from, s.responsible_municipality,
           s.entry_id, a.municipality_code, v.product_id, v.provider_id, v.location_id,
           v.start_date, v.end_date, v.exit_destination, v.financing, v.care_level,
           case when c.anonymised_at is null then c.date_of_birth end",
    order: "s.id",
    restored: true,
    from: "from stays s join clients c on c.id = s.client_id
           join stay_versions v
             on v.id = (select w.id from stay_versions w
                        where w.stay_id = s.id and w.recorded_at <= $1
                        order by w.recorded_at desc, w.id desc limit 1)
           left join decisions d on d.id = s.decision_id
           left join applications a on a.id = d.application_id
           where s.created_at <= $1",
};

const CAPACITY: Read = Read {
    cols: "location_id, product_id, valid_from, valid_to, places",
    order: "location_id, product_id, valid_from, recorded_at, id",
    restored: false,
    from: "from capacity where recorded_at <= $1",
};

// A registration at an access point in its version in force: the latest
// recorded by the moment (versions are written one at a time, so by id),
// with the centrumgemeente of the access point's region.
const REGISTRATIONS: Read = Read {
    cols: "r.id, r.client_id, r.region_id, g.centrumgemeente, v.kind, v.reported_on,
           v.origin_municipality, v.outcome",
    order: "r.id",
    restored: true,
    from: "from shelter_reports r join regions g on g.id = r.region_id
           join shelter_report_versions v
             on v.id = (select max(w.id) from shelter_report_versions w
                        where w.report_id = r.id and w.recorded_at <= $1)
           where r.created_at <= $1",
};

// A nomination for outflow in its version in force, as registrations.
const NOMINATIONS: Read = Read {
    cols: "n.id, n.client_id, v.municipality_code, v.address_municipality, v.route, v.leaves,
           v.nominated_on, v.key_on, v.withdrawn_on, v.aftercare_from, v.aftercare_until,
           v.housing, v.housing_on",
    order: "n.id",
    restored: true,
    from: "from outflow_nominations n
           join outflow_nomination_versions v
             on v.id = (select max(w.id) from outflow_nomination_versions w
                        where w.nomination_id = n.id and w.recorded_at <= $1)
           where n.created_at <= $1",
};

// The Pact agreement in force per municipality and year: the latest
// recorded by the moment (`outflow::service::quotas_as_known`).
const QUOTAS: Read = Read {
    cols: "q.municipality_code, cast(q.year as bigint), cast(q.homes as bigint)",
    order: "q.municipality_code, q.year",
    restored: false,
    from: "from outflow_quotas q
           where q.id = (select max(r.id) from outflow_quotas r
                         where r.municipality_code = q.municipality_code and r.year = q.year
                           and r.recorded_at <= $1)",
};

// A trajectory of zorgcoördinatie in its version in force, as registrations.
const TRAJECTORIES: Read = Read {
    cols: "t.id, t.person_id, v.municipality_code, v.started_on, v.closed_on",
    order: "t.id",
    restored: false,
    from: "from outreach_trajectories t
           join outreach_trajectory_versions v
             on v.id = (select max(w.id) from outreach_trajectory_versions w
                        where w.trajectory_id = t.id and w.recorded_at <= $1)
           where t.created_at <= $1",
};

// The meldingen of zorgcoördinatie recorded and not retracted by the
// moment (`OutreachReport::counts_at`).
const OUTREACH_REPORTS: Read = Read {
    cols: "r.trajectory_id, r.reported_on",
    order: "r.id",
    restored: false,
    from: "from outreach_reports r where r.recorded_at <= $1
           and not exists (select 1 from outreach_report_retractions x
                           where x.report_id = r.id and x.recorded_at <= $1)",
};

// A trajectory of Huren Onder Voorwaarden in its version in force, as
// registrations.
const TENANCIES: Read = Read {
    cols: "t.id, v.municipality_code, v.provider_id, v.reason, v.started_on, v.ended_on, v.result",
    order: "t.id",
    restored: false,
    from: "from hov_trajectories t
           join hov_trajectory_versions v
             on v.id = (select max(w.id) from hov_trajectory_versions w
                        where w.trajectory_id = t.id and w.recorded_at <= $1)
           where t.created_at <= $1",
};

/// Rows of a whole load come in chunks of this many ids (of the entry, for
/// transitions): a megabyte or two of JSON each.
const CHUNK: i64 = 20_000;

/// The persons with a row whose id lies in a stamp range ($2..$13: entries,
/// transitions, stays, stay versions, registration versions, nomination
/// versions; each
/// `id > since and id <= upto`). Every write of the journey adds such a
/// row, corrections too.
const CHANGED: &str = "with changed as (
        select client_id from waitlist_entries where id > $2 and id <= $3
        union select e.client_id from waitlist_transitions t
            join waitlist_entries e on e.id = t.entry_id
            where t.id > $4 and t.id <= $5
        union select client_id from stays where id > $6 and id <= $7
        union select s.client_id from stay_versions v
            join stays s on s.id = v.stay_id
            where v.id > $8 and v.id <= $9
        union select r.client_id from shelter_report_versions v
            join shelter_reports r on r.id = v.report_id
            where v.id > $10 and v.id <= $11
        union select n.client_id from outflow_nomination_versions v
            join outflow_nominations n on n.id = v.nomination_id
            where v.id > $12 and v.id <= $13) ";

impl Read {
    /// The read as one packed row, restricted by `only` (more conditions).
    fn packed(&self, with: &str, only: &str) -> String {
        let from = format!("{}{only}", self.from);
        format!(
            "{with}{}",
            crate::json_rows_sql(self.cols, &from, self.order, self.restored)
        )
    }

    /// One chunk of a whole load: `$2 < key <= $3`.
    fn chunk(&self, key: &str) -> String {
        self.packed("", &format!(" and {key} > $2 and {key} <= $3"))
    }

    /// The rows of the persons changed in a stamp range: `rows_of` is a
    /// condition on the read's rows naming `changed` (an index lookup).
    fn changed(&self, rows_of: &str) -> String {
        self.packed(CHANGED, &format!(" and {rows_of}"))
    }
}

/// Reads one packed chunk: the JSON array of its rows, or none. `$1` is the
/// moment, `more` the parameters after it.
async fn fetch(
    store: &DbStore,
    sql: String,
    known_at: DateTime<Utc>,
    more: &[i64],
) -> DomainResult<Option<String>> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(known_at);
    for v in more {
        q = q.bind(*v);
    }
    q.fetch_one(store.pool())
        .await
        .map_err(internal)?
        .try_get::<Option<String>, _>(0)
        .map_err(internal)
}

/// Feeds a chunk's rows to the builder in order.
fn feed(
    builder: &mut FactsBuilder,
    json: Option<String>,
    row: fn(&str, &mut FactsBuilder) -> DomainResult<()>,
) -> DomainResult<()> {
    match json {
        Some(json) => row(&json, builder),
        None => Ok(()),
    }
}

/// A whole table in chunks of `CHUNK` keys up to `max`, two chunks in flight
/// so that the database works on the next while this one is decoded.
async fn load(
    store: &DbStore,
    read: &Read,
    key: &str,
    max: i64,
    known_at: DateTime<Utc>,
    builder: &mut FactsBuilder,
    row: fn(&str, &mut FactsBuilder) -> DomainResult<()>,
) -> DomainResult<()> {
    let sql = &read.chunk(key);
    let bounds = (0..=max / CHUNK).map(|i| [i * CHUNK, (i + 1) * CHUNK]);
    let mut chunks = futures_util::stream::iter(bounds)
        .map(move |b| async move { fetch(store, sql.clone(), known_at, &b).await })
        .buffered(2);
    while let Some(json) = chunks.next().await {
        feed(builder, json?, row)?;
    }
    Ok(())
}

// The decoders: a chunk is a JSON array of rows, each an array of the
// read's columns in order. Codes and dates hold no escapes, so strings are
// borrowed from the chunk.

fn rows<'a, T: serde::Deserialize<'a>>(json: &'a str) -> DomainResult<Vec<T>> {
    serde_json::from_str(json).map_err(|e| bad(&e))
}

fn bad(e: &dyn std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare rij voor de cijfers: {e}"))
}

/// A date as the database writes it in JSON (`2024-03-01`).
fn date(s: &str) -> DomainResult<NaiveDate> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b.get(r).and_then(|d| {
            d.iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        })
    };
    match (
        b.len(),
        b.get(4),
        b.get(7),
        num(0..4),
        num(5..7),
        num(8..10),
    ) {
        (10, Some(&b'-'), Some(&b'-'), Some(y), Some(m), Some(d)) => i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
        _ => None,
    }
    .ok_or_else(|| bad(&format!("datum {s}")))
}

fn date_opt(s: Option<&str>) -> DomainResult<Option<NaiveDate>> {
    s.map(date).transpose()
}

/// A chunk's rows in the order of `key`, whatever order the database sent
/// them in (in order already, sorting costs one pass).
fn sorted<'a, T: serde::Deserialize<'a>, K: Ord>(
    json: &'a str,
    key: impl Fn(&T) -> K,
) -> DomainResult<Vec<T>> {
    let mut rows: Vec<T> = rows(json)?;
    rows.sort_by_key(key);
    Ok(rows)
}

fn entries(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (i64, i64, i64, &'a str, Option<&'a str>, &'a str);
    for (id, client, product, responsible, residence, since) in sorted(json, |r: &Row<'_>| r.0)? {
        builder.row(FigureRow::Entry {
            id,
            client,
            product,
            responsible,
            residence,
            since: date(since)?,
        })?;
    }
    Ok(())
}

fn transitions(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (
        i64,
        &'a str,
        Option<&'a str>,
        Option<i64>,
        &'a str,
        &'a str,
        i64,
    );
    for (entry, status, reason, provider, from, _, _) in
        sorted(json, |r: &Row<'_>| (r.0, r.4, r.5, r.6))?
    {
        builder.row(FigureRow::Transition {
            entry,
            status,
            reason,
            provider,
            from: date(from)?,
        })?;
    }
    Ok(())
}

fn stays(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    #[allow(clippy::type_complexity)]
    type Row<'a> = (
        i64,
        i64,
        Option<i64>,
        &'a str,
        Option<i64>,
        Option<&'a str>,
        i64,
        i64,
        Option<i64>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<i64>,
        Option<&'a str>,
    );
    for (
        id,
        client,
        from,
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
    ) in sorted(json, |r: &Row<'_>| r.0)?
    {
        builder.row(FigureRow::Stay {
            id,
            client,
            transferred_from: from,
            responsible,
            entry,
            residence,
            product,
            provider,
            location,
            start: date(start)?,
            end: date_opt(end)?,
            exit,
            financing,
            care_level,
            born: date_opt(born)?,
        })?;
    }
    Ok(())
}

fn capacity(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (i64, i64, &'a str, Option<&'a str>, i64);
    for (location, product, from, to, places) in rows::<Row<'_>>(json)? {
        builder.row(FigureRow::Capacity {
            location,
            product,
            from: date(from)?,
            to: date_opt(to)?,
            places,
        })?;
    }
    Ok(())
}

fn registrations(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    #[allow(clippy::type_complexity)]
    type Row<'a> = (
        i64,
        i64,
        i64,
        Option<&'a str>,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    for (id, client, region, centrum, kind, reported, origin, outcome) in
        sorted(json, |r: &Row<'_>| r.0)?
    {
        builder.row(FigureRow::Registration {
            id,
            client,
            region,
            centrum,
            kind,
            reported: date(reported)?,
            origin,
            outcome,
        })?;
    }
    Ok(())
}

fn nominations(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    #[allow(clippy::type_complexity)]
    type Row<'a> = (
        i64,
        i64,
        &'a str,
        Option<&'a str>,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    for (
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
    ) in sorted(json, |r: &Row<'_>| r.0)?
    {
        builder.row(FigureRow::Nomination {
            id,
            client,
            municipality,
            address,
            route,
            leaves,
            nominated: date(nominated)?,
            key: date_opt(key)?,
            withdrawn: date_opt(withdrawn)?,
            aftercare_from: date_opt(aftercare_from)?,
            aftercare_until: date_opt(aftercare_until)?,
            housing,
            housing_on: date_opt(housing_on)?,
        })?;
    }
    Ok(())
}

fn trajectories(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (i64, i64, &'a str, &'a str, Option<&'a str>);
    for (id, person, municipality, started, closed) in rows::<Row<'_>>(json)? {
        builder.row(FigureRow::Trajectory {
            id,
            person,
            municipality,
            started: date(started)?,
            closed: date_opt(closed)?,
        })?;
    }
    Ok(())
}

fn outreach_reports(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    for (trajectory, reported) in rows::<(i64, &str)>(json)? {
        builder.row(FigureRow::OutreachReport {
            trajectory,
            reported: date(reported)?,
        })?;
    }
    Ok(())
}

fn tenancies(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (
        i64,
        &'a str,
        Option<i64>,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    for (id, municipality, provider, reason, started, ended, result) in rows::<Row<'_>>(json)? {
        builder.row(FigureRow::Tenancy {
            id,
            municipality,
            provider,
            reason,
            started: date(started)?,
            ended: date_opt(ended)?,
            result,
        })?;
    }
    Ok(())
}

/// Turns a chunk's JSON rows into rows of the builder.
type Decoder = fn(&str, &mut FactsBuilder) -> DomainResult<()>;

/// The rows without a client, read whole: capacity, Pact agreements,
/// zorgcoördinatie and HOV (a region has hundreds of trajectories a year).
async fn whole_reads(
    store: &DbStore,
    known_at: DateTime<Utc>,
    builder: &mut FactsBuilder,
) -> DomainResult<()> {
    let reads: [(&Read, Decoder); 5] = [
        (&CAPACITY, capacity),
        (&QUOTAS, quotas),
        (&TRAJECTORIES, trajectories),
        (&OUTREACH_REPORTS, outreach_reports),
        (&TENANCIES, tenancies),
    ];
    for (read, row) in reads {
        let all = fetch(store, read.packed("", ""), known_at, &[]).await?;
        feed(builder, all, row)?;
    }
    Ok(())
}

fn quotas(json: &str, builder: &mut FactsBuilder) -> DomainResult<()> {
    type Row<'a> = (&'a str, i64, i64);
    for (municipality, year, homes) in rows::<Row<'_>>(json)? {
        builder.row(FigureRow::Quota {
            municipality,
            year: i32::try_from(year).map_err(|e| bad(&e))?,
            homes,
        })?;
    }
    Ok(())
}

#[async_trait]
impl FigureStore for DbStore {
    async fn figure_stamp(&self) -> DomainResult<Vec<i64>> {
        let r = sqlx::query(STAMP)
            .fetch_one(self.pool())
            .await
            .map_err(internal)?;
        (0..zothuis_domain::figures::facts::STAMP_LEN)
            // PostgreSQL sums bigints as numeric: the SQL casts back.
            .map(|i| r.try_get::<i64, _>(i).map_err(internal))
            .collect()
    }

    async fn figure_rows(
        &self,
        known_at: DateTime<Utc>,
        builder: &mut FactsBuilder,
    ) -> DomainResult<()> {
        // Upper bounds of the row counts, so the builder allocates once, and
        // the highest ids, which bound the chunks.
        #[allow(clippy::type_complexity)]
        let (
            entries_n,
            transitions_n,
            stays_n,
            max_entry,
            max_stay,
            max_registration,
            max_nomination,
        ): (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from waitlist_entries),
                        (select count(*) from waitlist_transitions),
                        (select count(*) from stays),
                        (select coalesce(max(id), 0) from waitlist_entries),
                        (select coalesce(max(id), 0) from stays),
                        (select coalesce(max(id), 0) from shelter_reports),
                        (select coalesce(max(id), 0) from outflow_nominations)",
        )
        .fetch_one(self.pool())
        .await
        .map_err(internal)?;
        let size = |n: i64| usize::try_from(n).unwrap_or(0);
        builder.merges(MergeLog::new(self.merge_moves().await?));
        builder.reserve(size(entries_n), size(transitions_n), size(stays_n));
        load(
            self, &ENTRIES, "e.id", max_entry, known_at, builder, entries,
        )
        .await?;
        load(
            self,
            &TRANSITIONS,
            "t.entry_id",
            max_entry,
            known_at,
            builder,
            transitions,
        )
        .await?;
        load(self, &STAYS, "s.id", max_stay, known_at, builder, stays).await?;
        load(
            self,
            &REGISTRATIONS,
            "r.id",
            max_registration,
            known_at,
            builder,
            registrations,
        )
        .await?;
        load(
            self,
            &NOMINATIONS,
            "n.id",
            max_nomination,
            known_at,
            builder,
            nominations,
        )
        .await?;
        whole_reads(self, known_at, builder).await
    }

    async fn figure_changes(
        &self,
        known_at: DateTime<Utc>,
        since: &[i64],
        upto: &[i64],
        builder: &mut FactsBuilder,
    ) -> DomainResult<Vec<i64>> {
        use zothuis_domain::figures::facts::{STAMP_APPENDED, STAMP_WHOLE};
        if since.len() < STAMP_APPENDED || upto.len() < STAMP_APPENDED {
            return Err(DomainError::Internal("onvolledige stempel".into()));
        }
        // Entries, transitions, stays, stay versions, registration versions,
        // nomination versions.
        let range: Vec<i64> = [0, 1, 2, 3, 5, 6]
            .into_iter()
            .flat_map(|i| [since[i], upto[i]])
            .collect();
        // `$1` is bound (as in the other reads) but not needed here.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CHANGED}select client_id from changed where $1 is not null order by 1"
        )))
        .bind(known_at);
        for v in &range {
            q = q.bind(*v);
        }
        let persons: Vec<i64> = q
            .fetch_all(self.pool())
            .await
            .map_err(internal)?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(internal)?;
        if !persons.is_empty() {
            let json = fetch(
                self,
                ENTRIES.changed("e.client_id in (select client_id from changed)"),
                known_at,
                &range,
            )
            .await?;
            feed(builder, json, entries)?;
            let of_entries = "t.entry_id in (select id from waitlist_entries
                              where client_id in (select client_id from changed))";
            let json = fetch(self, TRANSITIONS.changed(of_entries), known_at, &range).await?;
            feed(builder, json, transitions)?;
            let json = fetch(
                self,
                STAYS.changed("s.client_id in (select client_id from changed)"),
                known_at,
                &range,
            )
            .await?;
            feed(builder, json, stays)?;
            let json = fetch(
                self,
                REGISTRATIONS.changed("r.client_id in (select client_id from changed)"),
                known_at,
                &range,
            )
            .await?;
            feed(builder, json, registrations)?;
            let json = fetch(
                self,
                NOMINATIONS.changed("n.client_id in (select client_id from changed)"),
                known_at,
                &range,
            )
            .await?;
            feed(builder, json, nominations)?;
        }
        // Rows without a client (capacity, Pact agreements,
        // zorgcoördinatie, HOV), read whole.
        if STAMP_WHOLE.iter().any(|i| since[*i] != upto[*i]) {
            whole_reads(self, known_at, builder).await?;
        }
        Ok(persons)
    }
}
