//! The rows of the figures projection, resolved as known at a moment in SQL
//! (corrections recorded by then applied, later ones not) and streamed into
//! the builder, so that a national history never sits in memory as rows.
//! Each query also exists restricted to the persons with a row beyond a
//! stamp (`figure_changes`), to keep a projection current without reading
//! everything again.

use crate::{Db, DbRow, DbStore, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::query::Query;
use zothuis_domain::figures::facts::{FactsBuilder, FigureRow};
use zothuis_domain::store::FigureStore;
use zothuis_domain::{DomainError, DomainResult};

/// The persons with a row whose id lies in a stamp range ($2..$9: entries,
/// transitions, stays, stay versions; each `id > since and id <= upto`).
/// Every write of the journey adds such a row, corrections too.
macro_rules! changed {
    () => {
        "with changed as (
            select client_id from waitlist_entries where id > $2 and id <= $3
            union select e.client_id from waitlist_transitions t
                join waitlist_entries e on e.id = t.entry_id
                where t.id > $4 and t.id <= $5
            union select client_id from stays where id > $6 and id <= $7
            union select s.client_id from stay_versions v
                join stays s on s.id = v.stay_id
                where v.id > $8 and v.id <= $9) "
    };
}

// The municipality of residence: that of the application behind the
// entry's decision (`Dimension::Woongemeente`, as `WaitlistLine::residence`).
macro_rules! entries {
    ($with:expr, $only:literal) => {
        concat!(
            $with,
            "select e.id, e.client_id, e.product_id, e.responsible_municipality,
                a.municipality_code, e.waiting_since
             from waitlist_entries e
             left join decisions d on d.id = e.decision_id
             left join applications a on a.id = d.application_id
             where e.created_at <= $1",
            $only,
            " order by e.id"
        )
    };
}
const ENTRIES: &str = entries!("", "");
const ENTRIES_OF: &str = entries!(
    changed!(),
    " and e.client_id in (select client_id from changed)"
);

macro_rules! transitions {
    ($with:expr, $only:literal) => {
        concat!(
            $with,
            "select t.entry_id, t.status, t.reason, t.provider_id, t.effective_date
             from waitlist_transitions t
             where t.recorded_at <= $1 and not t.retracted
               and not exists (select 1 from waitlist_transitions c
                               where c.supersedes = t.id and c.recorded_at <= $1)",
            $only,
            " order by t.entry_id, t.effective_date, t.recorded_at, t.id"
        )
    };
}
const TRANSITIONS: &str = transitions!("", "");
const TRANSITIONS_OF: &str = transitions!(
    changed!(),
    " and t.entry_id in (select id from waitlist_entries
                          where client_id in (select client_id from changed))"
);

// The latest version of each stay recorded by the moment: one index probe
// per stay. A stay from the waiting list has the residence of its entry
// (the builder looks it up); a direct stay holds its decision; a transfer
// has neither and takes the residence of the stay it continues.
macro_rules! stays {
    ($with:expr, $only:literal) => {
        concat!(
            $with,
            "select s.id, s.client_id, s.transferred_from, s.responsible_municipality,
                s.entry_id, a.municipality_code, v.product_id, v.provider_id, v.location_id,
                v.start_date, v.end_date, v.exit_destination
             from stays s join stay_versions v
               on v.id = (select w.id from stay_versions w
                          where w.stay_id = s.id and w.recorded_at <= $1
                          order by w.recorded_at desc, w.id desc limit 1)
             left join decisions d on d.id = s.decision_id
             left join applications a on a.id = d.application_id
             where s.created_at <= $1",
            $only,
            " order by s.id"
        )
    };
}
const STAYS: &str = stays!("", "");
const STAYS_OF: &str = stays!(
    changed!(),
    " and s.client_id in (select client_id from changed)"
);

// `$1` is bound (as in the other queries) but not needed here.
const CHANGED: &str = concat!(
    changed!(),
    "select client_id from changed where $1 is not null order by 1"
);

const CAPACITY: &str = "select location_id, product_id, valid_from, valid_to, places
     from capacity where recorded_at <= $1
     order by location_id, product_id, valid_from, recorded_at, id";

// Every write adds a row with a higher id (corrections too), and reference
// changes raise a version or the number of rows.
const STAMP: &str = "select
    (select coalesce(max(id), 0) from waitlist_entries),
    (select coalesce(max(id), 0) from waitlist_transitions),
    (select coalesce(max(id), 0) from stays),
    (select coalesce(max(id), 0) from stay_versions),
    (select coalesce(max(id), 0) from capacity),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from municipalities),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from products),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from providers),
    (select cast(count(*) + coalesce(sum(version), 0) as bigint) from locations)";

type Q = Query<'static, Db, <Db as sqlx::Database>::Arguments>;

/// A query bound to the moment and, for the changes, to the stamp range.
fn bind(sql: &'static str, known_at: DateTime<Utc>, range: Option<(&[i64], &[i64])>) -> Q {
    let q = sqlx::query(sql).bind(known_at);
    match range {
        None => q,
        Some((since, upto)) => (0..4).fold(q, |q, i| q.bind(since[i]).bind(upto[i])),
    }
}

/// Streams one query's rows into the builder, decoding by index and
/// borrowing strings from the row (no allocation per row).
async fn stream(
    store: &DbStore,
    q: Q,
    builder: &mut FactsBuilder,
    row: fn(&DbRow) -> Result<FigureRow<'_>, sqlx::Error>,
) -> DomainResult<()> {
    let mut rows = q.fetch(store.pool());
    while let Some(r) = rows.try_next().await.map_err(internal)? {
        builder.row(row(&r).map_err(internal)?)?;
    }
    Ok(())
}

fn entry(r: &DbRow) -> Result<FigureRow<'_>, sqlx::Error> {
    Ok(FigureRow::Entry {
        id: r.try_get(0)?,
        client: r.try_get(1)?,
        product: r.try_get(2)?,
        responsible: r.try_get(3)?,
        residence: r.try_get(4)?,
        since: r.try_get(5)?,
    })
}

fn transition(r: &DbRow) -> Result<FigureRow<'_>, sqlx::Error> {
    Ok(FigureRow::Transition {
        entry: r.try_get(0)?,
        status: r.try_get(1)?,
        reason: r.try_get(2)?,
        provider: r.try_get(3)?,
        from: r.try_get(4)?,
    })
}

fn stay(r: &DbRow) -> Result<FigureRow<'_>, sqlx::Error> {
    Ok(FigureRow::Stay {
        id: r.try_get(0)?,
        client: r.try_get(1)?,
        transferred_from: r.try_get(2)?,
        responsible: r.try_get(3)?,
        entry: r.try_get(4)?,
        residence: r.try_get(5)?,
        product: r.try_get(6)?,
        provider: r.try_get(7)?,
        location: r.try_get(8)?,
        start: r.try_get(9)?,
        end: r.try_get(10)?,
        exit: r.try_get(11)?,
    })
}

fn capacity(r: &DbRow) -> Result<FigureRow<'_>, sqlx::Error> {
    Ok(FigureRow::Capacity {
        location: r.try_get(0)?,
        product: r.try_get(1)?,
        from: r.try_get(2)?,
        to: r.try_get(3)?,
        places: r.try_get(4)?,
    })
}

#[async_trait]
impl FigureStore for DbStore {
    async fn figure_stamp(&self) -> DomainResult<Vec<i64>> {
        let r = sqlx::query(STAMP)
            .fetch_one(self.pool())
            .await
            .map_err(internal)?;
        (0..9)
            // PostgreSQL sums bigints as numeric: the SQL casts back.
            .map(|i| r.try_get::<i64, _>(i).map_err(internal))
            .collect()
    }

    async fn figure_rows(
        &self,
        known_at: DateTime<Utc>,
        builder: &mut FactsBuilder,
    ) -> DomainResult<()> {
        let pool = self.pool();
        // Upper bounds of the row counts, so the builder allocates once.
        let (entries, transitions, stays): (i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from waitlist_entries),
                    (select count(*) from waitlist_transitions),
                    (select count(*) from stays)",
        )
        .fetch_one(pool)
        .await
        .map_err(internal)?;
        let size = |n: i64| usize::try_from(n).unwrap_or(0);
        builder.reserve(size(entries), size(transitions), size(stays));
        stream(self, bind(ENTRIES, known_at, None), builder, entry).await?;
        stream(self, bind(TRANSITIONS, known_at, None), builder, transition).await?;
        stream(self, bind(STAYS, known_at, None), builder, stay).await?;
        stream(self, bind(CAPACITY, known_at, None), builder, capacity).await
    }

    async fn figure_changes(
        &self,
        known_at: DateTime<Utc>,
        since: &[i64],
        upto: &[i64],
        builder: &mut FactsBuilder,
    ) -> DomainResult<Vec<i64>> {
        if since.len() < 5 || upto.len() < 5 {
            return Err(DomainError::Internal("onvolledige stempel".into()));
        }
        let range = Some((since, upto));
        let persons: Vec<i64> = bind(CHANGED, known_at, range)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(internal)?;
        if !persons.is_empty() {
            stream(self, bind(ENTRIES_OF, known_at, range), builder, entry).await?;
            stream(
                self,
                bind(TRANSITIONS_OF, known_at, range),
                builder,
                transition,
            )
            .await?;
            stream(self, bind(STAYS_OF, known_at, range), builder, stay).await?;
        }
        if since[4] != upto[4] {
            stream(self, bind(CAPACITY, known_at, None), builder, capacity).await?;
        }
        Ok(persons)
    }
}
