//! Zorgcoördinatie: trajectories with their versions and meldingen.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::outreach::*;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::OutreachStore;
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

/// A header joined with one of its versions (`v.id as version_id`).
fn trajectory(r: &DbRow) -> DomainResult<Trajectory> {
    let municipality: String = r.try_get("municipality_code").map_err(internal)?;
    let outcome: Option<String> = r.try_get("outcome").map_err(internal)?;
    Ok(Trajectory {
        id: r.try_get("id").map_err(internal)?,
        person_id: r.try_get("person_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        facts: TrajectoryFacts {
            municipality: GemeenteCode::parse(&municipality).map_err(bad)?,
            person: r.try_get("person").map_err(internal)?,
            started_on: r.try_get("started_on").map_err(internal)?,
            closed_on: r.try_get("closed_on").map_err(internal)?,
            outcome: outcome
                .map(|o| TrajectoryOutcome::parse(&o).map_err(bad))
                .transpose()?,
            note: r.try_get("note").map_err(internal)?,
        },
        version_id: r.try_get("version_id").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

/// A melding, with its retraction when the row was read with
/// `RETRACTION_COLUMNS` (a melding just inserted has none).
fn report(r: &DbRow) -> DomainResult<OutreachReport> {
    let source: String = r.try_get("source").map_err(internal)?;
    let reason: Option<String> = match r.try_get("retraction_reason") {
        Err(sqlx::Error::ColumnNotFound(_)) => None,
        other => other.map_err(internal)?,
    };
    let retracted = match reason {
        Some(reason) => Some(Retraction {
            reason,
            recorded_at: r.try_get("retracted_at").map_err(internal)?,
            recorded_by: r.try_get("retracted_by").map_err(internal)?,
        }),
        None => None,
    };
    Ok(OutreachReport {
        id: r.try_get("id").map_err(internal)?,
        trajectory_id: r.try_get("trajectory_id").map_err(internal)?,
        reported_on: r.try_get("reported_on").map_err(internal)?,
        source: ReportSource::parse(&source).map_err(bad)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        retracted,
    })
}

/// Meldingen (`r`) with their retraction (`x`), left-joined.
const RETRACTED_SQL: &str = "select r.id, r.trajectory_id, r.reported_on, r.source, r.recorded_at,
    r.recorded_by, x.reason as retraction_reason, x.recorded_at as retracted_at,
    x.recorded_by as retracted_by
    from outreach_reports r left join outreach_report_retractions x on x.report_id = r.id";

const COLUMNS: &str = "t.id, t.person_id, t.region_id, t.created_at, v.id as version_id,
    v.municipality_code, v.person, v.started_on, v.closed_on, v.outcome, v.note, v.recorded_at,
    v.recorded_by";

const REPORT_COLUMNS: &str = "id, trajectory_id, reported_on, source, recorded_at, recorded_by";

/// The versions of one trajectory (`$1`), in `order` of their ids.
fn versions_sql(order: &str) -> String {
    format!(
        "select {COLUMNS} from outreach_trajectories t
           join outreach_trajectory_versions v on v.trajectory_id = t.id
          where t.id = $1 order by v.id {order}"
    )
}

type Tx = sqlx::Transaction<'static, crate::Db>;

pub(crate) async fn insert_version(
    tx: &mut Tx,
    trajectory_id: i64,
    f: &TrajectoryFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Trajectory> {
    sqlx::query(
        "insert into outreach_trajectory_versions (trajectory_id, municipality_code, person,
            started_on, closed_on, outcome, note, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(trajectory_id)
    .bind(f.municipality.as_str())
    .bind(&f.person)
    .bind(f.started_on)
    .bind(f.closed_on)
    .bind(f.outcome.map(TrajectoryOutcome::code))
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
    trajectory(&row)
}

pub(crate) async fn insert_report(
    tx: &mut Tx,
    trajectory_id: i64,
    data: &ReportData,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<OutreachReport> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into outreach_reports (trajectory_id, reported_on, source, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5) returning {REPORT_COLUMNS}"
    )))
    .bind(trajectory_id)
    .bind(data.reported_on)
    .bind(data.source.code())
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    report(&row)
}

#[async_trait]
impl OutreachStore for DbStore {
    async fn create_trajectory(
        &self,
        person: Option<i64>,
        region_id: i64,
        facts: &TrajectoryFacts,
        first: &ReportData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Trajectory, OutreachReport)> {
        let mut w = self.begin_write().await?;
        let person_id: i64 = match person {
            Some(p) => {
                let known: Option<i64> = sqlx::query_scalar(
                    "select id from outreach_persons where id = $1 and region_id = $2",
                )
                .bind(p)
                .bind(region_id)
                .fetch_optional(&mut *w.tx)
                .await
                .map_err(internal)?;
                known.ok_or_else(|| {
                    DomainError::NotFound("Deze persoon kent het team niet".into())
                })?
            }
            None => sqlx::query_scalar(
                "insert into outreach_persons (region_id, created_at) values ($1, $2) returning id",
            )
            .bind(region_id)
            .bind(at)
            .fetch_one(&mut *w.tx)
            .await
            .map_err(internal)?,
        };
        let id: i64 = sqlx::query_scalar(
            "insert into outreach_trajectories (person_id, region_id, created_at)
             values ($1, $2, $3) returning id",
        )
        .bind(person_id)
        .bind(region_id)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        let melding = insert_report(&mut w.tx, id, first, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok((created, melding))
    }

    async fn add_trajectory_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TrajectoryFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Trajectory> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "outreach_trajectory_versions",
            "trajectory_id",
            id,
            expected_version,
            "Dit traject",
        )
        .await?;
        let changed = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(changed)
    }

    async fn add_outreach_report(
        &self,
        trajectory_id: i64,
        data: &ReportData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<OutreachReport> {
        let mut w = self.begin_write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("select id from outreach_trajectories where id = $1")
                .bind(trajectory_id)
                .fetch_optional(&mut *w.tx)
                .await
                .map_err(internal)?;
        if exists.is_none() {
            return Err(DomainError::NotFound(
                "Dit traject bestaat niet (meer)".into(),
            ));
        }
        let created = insert_report(&mut w.tx, trajectory_id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn trajectory_versions(&self, id: i64) -> DomainResult<Vec<Trajectory>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(versions_sql("")))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(trajectory).collect()
    }

    async fn list_trajectories(
        &self,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Trajectory>> {
        // Versions are written one at a time (serialised writers), so the
        // latest recorded by a moment is the highest id recorded by then.
        let region = match region_id {
            Some(r) => format!(" and t.region_id = {r}"),
            None => String::new(),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from outreach_trajectories t
               join outreach_trajectory_versions v on v.trajectory_id = t.id
              where v.id = (select max(w.id) from outreach_trajectory_versions w
                             where w.trajectory_id = t.id and w.recorded_at <= $1){region}
              order by t.id"
        )))
        .bind(known_at)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(trajectory).collect()
    }

    async fn outreach_reports(&self, trajectory_id: i64) -> DomainResult<Vec<OutreachReport>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RETRACTED_SQL} where r.trajectory_id = $1 order by r.id"
        )))
        .bind(trajectory_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(report).collect()
    }

    async fn retract_outreach_report(
        &self,
        report_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<OutreachReport> {
        let mut w = self.begin_write().await?;
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RETRACTED_SQL} where r.id = $1"
        )))
        .bind(report_id)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(found) = found else {
            return Err(DomainError::NotFound(
                "Deze melding bestaat niet (meer)".into(),
            ));
        };
        if report(&found)?.retracted.is_some() {
            return Err(DomainError::Conflict(
                "Deze melding is al ingetrokken.".into(),
            ));
        }
        sqlx::query(
            "insert into outreach_report_retractions (report_id, reason, recorded_at, recorded_by)
             values ($1, $2, $3, $4)",
        )
        .bind(report_id)
        .bind(reason)
        .bind(at)
        .bind(recorded_by)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RETRACTED_SQL} where r.id = $1"
        )))
        .bind(report_id)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        report(&row)
    }
}
