//! The rows of the figures projection, resolved as known at a moment in SQL
//! (corrections recorded by then applied, later ones not) and streamed into
//! the builder, so that a national history never sits in memory as rows.

use crate::{DbStore, internal};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::figures::facts::{FactsBuilder, FigureRow};
use zothuis_domain::store::FigureStore;

const ENTRIES: &str = "select id, client_id, product_id, responsible_municipality, waiting_since
     from waitlist_entries where created_at <= $1 order by id";

const TRANSITIONS: &str = "select t.entry_id, t.status, t.reason, t.provider_id, t.effective_date
     from waitlist_transitions t
     where t.recorded_at <= $1 and not t.retracted
       and not exists (select 1 from waitlist_transitions c
                       where c.supersedes = t.id and c.recorded_at <= $1)
     order by t.entry_id, t.effective_date, t.recorded_at, t.id";

// The latest version of each stay recorded by the moment: one index probe
// per stay.
const STAYS: &str = "select s.id, s.client_id, s.transferred_from, s.responsible_municipality,
        v.product_id, v.provider_id, v.location_id, v.start_date, v.end_date, v.exit_destination
     from stays s join stay_versions v
       on v.id = (select w.id from stay_versions w
                  where w.stay_id = s.id and w.recorded_at <= $1
                  order by w.recorded_at desc, w.id desc limit 1)
     where s.created_at <= $1
     order by s.id";

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
        let mut rows = sqlx::query(ENTRIES).bind(known_at).fetch(pool);
        while let Some(r) = rows.try_next().await.map_err(internal)? {
            let responsible: String = r.try_get(3).map_err(internal)?;
            builder.row(FigureRow::Entry {
                id: r.try_get(0).map_err(internal)?,
                client: r.try_get(1).map_err(internal)?,
                product: r.try_get(2).map_err(internal)?,
                responsible: &responsible,
                since: r.try_get::<NaiveDate, _>(4).map_err(internal)?,
            })?;
        }
        drop(rows);
        let mut rows = sqlx::query(TRANSITIONS).bind(known_at).fetch(pool);
        while let Some(r) = rows.try_next().await.map_err(internal)? {
            let status: String = r.try_get(1).map_err(internal)?;
            let reason: Option<String> = r.try_get(2).map_err(internal)?;
            builder.row(FigureRow::Transition {
                entry: r.try_get(0).map_err(internal)?,
                status: &status,
                reason: reason.as_deref(),
                provider: r.try_get(3).map_err(internal)?,
                from: r.try_get(4).map_err(internal)?,
            })?;
        }
        drop(rows);
        let mut rows = sqlx::query(STAYS).bind(known_at).fetch(pool);
        while let Some(r) = rows.try_next().await.map_err(internal)? {
            let responsible: String = r.try_get(3).map_err(internal)?;
            let exit: Option<String> = r.try_get(9).map_err(internal)?;
            builder.row(FigureRow::Stay {
                id: r.try_get(0).map_err(internal)?,
                client: r.try_get(1).map_err(internal)?,
                transferred_from: r.try_get(2).map_err(internal)?,
                responsible: &responsible,
                product: r.try_get(4).map_err(internal)?,
                provider: r.try_get(5).map_err(internal)?,
                location: r.try_get(6).map_err(internal)?,
                start: r.try_get(7).map_err(internal)?,
                end: r.try_get(8).map_err(internal)?,
                exit: exit.as_deref(),
            })?;
        }
        drop(rows);
        let mut rows = sqlx::query(CAPACITY).bind(known_at).fetch(pool);
        while let Some(r) = rows.try_next().await.map_err(internal)? {
            builder.row(FigureRow::Capacity {
                location: r.try_get(0).map_err(internal)?,
                product: r.try_get(1).map_err(internal)?,
                from: r.try_get(2).map_err(internal)?,
                to: r.try_get(3).map_err(internal)?,
                places: r.try_get(4).map_err(internal)?,
            })?;
        }
        Ok(())
    }
}
