//! The Pact voor uitstroom: agreements on homes per municipality and year,
//! and nominations with their versions.

use crate::DbRow;
use crate::common::rows_for_clients_bound;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::outflow::*;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{Clients, OutflowStore};
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn code(r: &DbRow, column: &str) -> DomainResult<Option<GemeenteCode>> {
    let value: Option<String> = r.try_get(column).map_err(internal)?;
    value
        .map(|c| GemeenteCode::parse(&c).map_err(bad))
        .transpose()
}

fn listed<T>(
    r: &DbRow,
    column: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> DomainResult<Option<T>> {
    let value: Option<String> = r.try_get(column).map_err(internal)?;
    value.map(|v| parse(&v).map_err(bad)).transpose()
}

fn quota(r: &DbRow) -> DomainResult<Quota> {
    let homes: i64 = r.try_get("homes").map_err(internal)?;
    let year: i64 = r.try_get("year").map_err(internal)?;
    Ok(Quota {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        municipality: code(r, "municipality_code")?.ok_or_else(|| bad("gemeente ontbreekt"))?,
        year: i32::try_from(year).map_err(bad)?,
        homes: u32::try_from(homes).map_err(bad)?,
        note: r.try_get("note").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

const QUOTA_COLUMNS: &str = "id, region_id, municipality_code, cast(year as bigint) as year,
    cast(homes as bigint) as homes, note, recorded_at, recorded_by";

/// A header joined with one of its versions (`v.id as version_id`).
fn nomination(r: &DbRow) -> DomainResult<Nomination> {
    let route: String = r.try_get("route").map_err(internal)?;
    let leaves: String = r.try_get("leaves").map_err(internal)?;
    Ok(Nomination {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        facts: NominationFacts {
            route: OutflowRoute::parse(&route).map_err(bad)?,
            leaves: OutflowFrom::parse(&leaves).map_err(bad)?,
            stay_id: r.try_get("stay_id").map_err(internal)?,
            nominated_on: r.try_get("nominated_on").map_err(internal)?,
            municipality: code(r, "municipality_code")?.ok_or_else(|| bad("gemeente ontbreekt"))?,
            corporation_id: r.try_get("corporation_id").map_err(internal)?,
            address_municipality: code(r, "address_municipality")?,
            key_on: r.try_get("key_on").map_err(internal)?,
            withdrawn_on: r.try_get("withdrawn_on").map_err(internal)?,
            withdrawal_reason: listed(r, "withdrawal_reason", WithdrawalReason::parse)?,
            aftercare_provider: r.try_get("aftercare_provider_id").map_err(internal)?,
            aftercare_from: r.try_get("aftercare_from").map_err(internal)?,
            aftercare_until: r.try_get("aftercare_until").map_err(internal)?,
            housing: listed(r, "housing", HousingOutcome::parse)?,
            housing_on: r.try_get("housing_on").map_err(internal)?,
            note: r.try_get("note").map_err(internal)?,
        },
        version_id: r.try_get("version_id").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

const COLUMNS: &str = "n.id, n.client_id, n.region_id, n.created_at, v.id as version_id, v.route,
    v.leaves, v.stay_id, v.nominated_on, v.municipality_code, v.corporation_id,
    v.address_municipality, v.key_on, v.withdrawn_on, v.withdrawal_reason,
    v.aftercare_provider_id, v.aftercare_from, v.aftercare_until, v.housing, v.housing_on,
    v.note, v.recorded_at, v.recorded_by";

/// The versions of one nomination (`$1`), in `order` of their ids.
fn versions_sql(order: &str) -> String {
    format!(
        "select {COLUMNS} from outflow_nominations n
           join outflow_nomination_versions v on v.nomination_id = n.id
          where n.id = $1 order by v.id {order}"
    )
}

type Tx = sqlx::Transaction<'static, crate::Db>;

async fn insert_version(
    tx: &mut Tx,
    nomination_id: i64,
    f: &NominationFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Nomination> {
    let gm = |m: &Option<GemeenteCode>| m.as_ref().map(|m| m.as_str().to_string());
    sqlx::query(
        "insert into outflow_nomination_versions (nomination_id, route, leaves, stay_id,
            nominated_on, municipality_code, corporation_id, address_municipality, key_on,
            withdrawn_on, withdrawal_reason, aftercare_provider_id, aftercare_from,
            aftercare_until, housing, housing_on, note, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19)",
    )
    .bind(nomination_id)
    .bind(f.route.code())
    .bind(f.leaves.code())
    .bind(f.stay_id)
    .bind(f.nominated_on)
    .bind(f.municipality.as_str())
    .bind(f.corporation_id)
    .bind(gm(&f.address_municipality))
    .bind(f.key_on)
    .bind(f.withdrawn_on)
    .bind(f.withdrawal_reason.map(WithdrawalReason::code))
    .bind(f.aftercare_provider)
    .bind(f.aftercare_from)
    .bind(f.aftercare_until)
    .bind(f.housing.map(HousingOutcome::code))
    .bind(f.housing_on)
    .bind(&f.note)
    .bind(at)
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let row = sqlx::query(sqlx::AssertSqlSafe(versions_sql("desc limit 1")))
        .bind(nomination_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    nomination(&row)
}

/// A nomination of a client with its first version, inside a write: what
/// the outflow's create and the import write alike.
pub(crate) async fn insert_nomination(
    tx: &mut Tx,
    client_id: i64,
    region_id: i64,
    facts: &NominationFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Nomination> {
    let id: i64 = sqlx::query_scalar(
        "insert into outflow_nominations (client_id, region_id, created_at)
         values ($1, $2, $3) returning id",
    )
    .bind(client_id)
    .bind(region_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    insert_version(tx, id, facts, at, by).await
}

/// Writes an agreement; a later one for the same municipality and year
/// replaces the earlier one from its recording (`quotas_as_known`).
pub(crate) async fn insert_quota(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    region_id: i64,
    data: &QuotaData,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "insert into outflow_quotas (region_id, municipality_code, year, homes, note,
            recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(region_id)
    .bind(data.municipality.as_str())
    .bind(i64::from(data.year))
    .bind(i64::from(data.homes))
    .bind(&data.note)
    .bind(at)
    .bind(recorded_by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

#[async_trait]
impl OutflowStore for DbStore {
    async fn add_quota(
        &self,
        region_id: i64,
        data: &QuotaData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Quota> {
        let mut w = self.begin_write().await?;
        let id = insert_quota(&mut w.tx, region_id, data, at, recorded_by).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {QUOTA_COLUMNS} from outflow_quotas where id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = quota(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn quota_rows(&self, region_id: Option<i64>) -> DomainResult<Vec<Quota>> {
        let rows = match region_id {
            Some(r) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "select {QUOTA_COLUMNS} from outflow_quotas where region_id = $1 order by id"
            )))
            .bind(r)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?,
            None => sqlx::query(sqlx::AssertSqlSafe(format!(
                "select {QUOTA_COLUMNS} from outflow_quotas order by id"
            )))
            .fetch_all(self.pool())
            .await
            .map_err(internal)?,
        };
        rows.iter().map(quota).collect()
    }

    async fn create_nomination(
        &self,
        client_id: i64,
        region_id: i64,
        facts: &NominationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Nomination> {
        let mut w = self.begin_write().await?;
        let created =
            insert_nomination(&mut w.tx, client_id, region_id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn add_nomination_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &NominationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Nomination> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "outflow_nomination_versions",
            "nomination_id",
            id,
            expected_version,
            "Deze voordracht",
        )
        .await?;
        let changed = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(changed)
    }

    async fn nomination_versions(&self, id: i64) -> DomainResult<Vec<Nomination>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(versions_sql("")))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(nomination).collect()
    }

    async fn list_nominations(
        &self,
        clients: &Clients,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Nomination>> {
        // Versions are written one at a time (serialised writers), so the
        // latest recorded by a moment is the highest id recorded by then.
        let region = match region_id {
            Some(r) => format!(" and n.region_id = {r}"),
            None => String::new(),
        };
        let sql = format!(
            "select {COLUMNS} from outflow_nominations n
               join outflow_nomination_versions v on v.nomination_id = n.id
              where {{clients}}{region}
                and v.id = (select max(w.id) from outflow_nomination_versions w
                             where w.nomination_id = n.id and w.recorded_at <= $1)
              order by n.id"
        );
        let rows = rows_for_clients_bound(self.pool(), &sql, "n.client_id", clients, 2, |q| {
            q.bind(known_at)
        })
        .await?;
        rows.iter().map(nomination).collect()
    }
}
