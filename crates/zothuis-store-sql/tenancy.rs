//! Huren Onder Voorwaarden: trajectories with their versions.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{Tenancies, TenancyStore};
use zothuis_domain::tenancy::*;
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

/// A header joined with one of its versions (`v.id as version_id`).
fn tenancy(r: &DbRow) -> DomainResult<Tenancy> {
    let municipality: String = r.try_get("municipality_code").map_err(internal)?;
    let reason: String = r.try_get("reason").map_err(internal)?;
    let result: Option<String> = r.try_get("result").map_err(internal)?;
    Ok(Tenancy {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        facts: TenancyFacts {
            municipality: GemeenteCode::parse(&municipality).map_err(bad)?,
            tenant: r.try_get("tenant").map_err(internal)?,
            corporation_id: r.try_get("corporation_id").map_err(internal)?,
            provider_id: r.try_get("provider_id").map_err(internal)?,
            reason: TenancyReason::parse(&reason).map_err(bad)?,
            started_on: r.try_get("started_on").map_err(internal)?,
            ended_on: r.try_get("ended_on").map_err(internal)?,
            result: result
                .map(|o| TenancyResult::parse(&o).map_err(bad))
                .transpose()?,
            note: r.try_get("note").map_err(internal)?,
        },
        corporation: r.try_get("corporation").map_err(internal)?,
        version_id: r.try_get("version_id").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

const COLUMNS: &str = "t.id, t.region_id, t.created_at, v.id as version_id, v.municipality_code,
    v.tenant, v.corporation_id, c.name as corporation, v.provider_id, v.reason, v.started_on,
    v.ended_on, v.result, v.note, v.recorded_at, v.recorded_by";

/// The corporation of a version (`v`), for its name.
const CORPORATION: &str = "join corporations c on c.id = v.corporation_id";

/// The versions of one trajectory (`$1`), in `order` of their ids.
fn versions_sql(order: &str) -> String {
    format!(
        "select {COLUMNS} from hov_trajectories t
           join hov_trajectory_versions v on v.trajectory_id = t.id {CORPORATION}
          where t.id = $1 order by v.id {order}"
    )
}

type Tx = sqlx::Transaction<'static, crate::Db>;

pub(crate) async fn insert_version(
    tx: &mut Tx,
    trajectory_id: i64,
    f: &TenancyFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Tenancy> {
    sqlx::query(
        "insert into hov_trajectory_versions (trajectory_id, municipality_code, tenant,
            corporation_id, provider_id, reason, started_on, ended_on, result, note, recorded_at,
            recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(trajectory_id)
    .bind(f.municipality.as_str())
    .bind(&f.tenant)
    .bind(f.corporation_id)
    .bind(f.provider_id)
    .bind(f.reason.code())
    .bind(f.started_on)
    .bind(f.ended_on)
    .bind(f.result.map(TenancyResult::code))
    .bind(&f.note)
    .bind(at)
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let row = sqlx::query(sqlx::AssertSqlSafe(versions_sql("desc limit 1")))
        .bind(trajectory_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    tenancy(&row)
}

#[async_trait]
impl TenancyStore for DbStore {
    async fn create_tenancy(
        &self,
        region_id: i64,
        facts: &TenancyFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tenancy> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into hov_trajectories (region_id, created_at) values ($1, $2) returning id",
        )
        .bind(region_id)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn add_tenancy_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TenancyFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tenancy> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "hov_trajectory_versions",
            "trajectory_id",
            id,
            expected_version,
            "Dit HOV-traject",
        )
        .await?;
        let changed = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(changed)
    }

    async fn tenancy_versions(&self, id: i64) -> DomainResult<Vec<Tenancy>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(versions_sql("")))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(tenancy).collect()
    }

    async fn list_tenancies(
        &self,
        which: &Tenancies,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Tenancy>> {
        // Versions are written one at a time (serialised writers), so the
        // latest recorded by a moment is the highest id recorded by then.
        let condition = match which {
            Tenancies::All => "",
            Tenancies::Region(_) => " and t.region_id = $2",
            Tenancies::Municipality(_) => " and v.municipality_code = $2",
            Tenancies::Provider(_) => " and v.provider_id = $2",
        };
        let sql = format!(
            "select {COLUMNS} from hov_trajectories t
               join hov_trajectory_versions v on v.trajectory_id = t.id {CORPORATION}
              where v.id = (select max(w.id) from hov_trajectory_versions w
                             where w.trajectory_id = t.id and w.recorded_at <= $1){condition}
              order by t.id"
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(known_at);
        let q = match which {
            Tenancies::All => q,
            Tenancies::Region(id) | Tenancies::Provider(id) => q.bind(*id),
            Tenancies::Municipality(g) => q.bind(g.as_str()),
        };
        let rows = q.fetch_all(self.pool()).await.map_err(internal)?;
        rows.iter().map(tenancy).collect()
    }
}
