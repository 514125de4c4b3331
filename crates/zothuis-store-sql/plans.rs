//! Policy plans: a header and append-only versions of the whole document.

use crate::{DbRow, DbStore, append_audit_tx, constraint, internal, stale_or_missing};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::plan::{NewPublication, PlanVersion, Publication};
use zothuis_domain::store::{PlanStore, ReportStore};

const SELECT: &str = "select p.id as plan_id, p.region_id, p.title, v.id as version_id,
        v.document, v.recorded_at, v.recorded_by
     from plans p join plan_versions v on v.plan_id = p.id";

fn version(r: &DbRow) -> DomainResult<PlanVersion> {
    Ok(PlanVersion {
        plan_id: r.try_get("plan_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        title: r.try_get("title").map_err(internal)?,
        version_id: r.try_get("version_id").map_err(internal)?,
        document: r.try_get("document").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    plan_id: i64,
    document: &str,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<i64> {
    sqlx::query_scalar(
        "insert into plan_versions (plan_id, document, recorded_at, recorded_by)
         values ($1, $2, $3, $4) returning id",
    )
    .bind(plan_id)
    .bind(document)
    .bind(at)
    .bind(recorded_by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

#[async_trait]
impl PlanStore for DbStore {
    async fn create_plan(
        &self,
        region_id: i64,
        title: &str,
        document: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<PlanVersion> {
        let mut w = self.begin_write().await?;
        let plan_id: i64 = sqlx::query_scalar(
            "insert into plans (region_id, title, created_at) values ($1, $2, $3) returning id",
        )
        .bind(region_id)
        .bind(title)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Deze regio bestaat niet."))?;
        let version_id = insert_version(&mut w.tx, plan_id, document, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(plan_id.to_string())).await?;
        w.commit().await?;
        Ok(PlanVersion {
            plan_id,
            region_id,
            title: title.to_string(),
            version_id,
            document: document.to_string(),
            recorded_at: at,
            recorded_by: recorded_by.to_string(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn add_plan_version(
        &self,
        plan_id: i64,
        expected_version: i64,
        title: &str,
        document: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<PlanVersion> {
        let mut w = self.begin_write().await?;
        let latest: Option<i64> =
            sqlx::query_scalar("select max(id) from plan_versions where plan_id = $1")
                .bind(plan_id)
                .fetch_one(&mut *w.tx)
                .await
                .map_err(internal)?;
        if latest != Some(expected_version) {
            return Err(stale_or_missing(latest.is_some(), "Het beleidsplan"));
        }
        let region_id: i64 =
            sqlx::query_scalar("update plans set title = $1 where id = $2 returning region_id")
                .bind(title)
                .bind(plan_id)
                .fetch_one(&mut *w.tx)
                .await
                .map_err(internal)?;
        let version_id = insert_version(&mut w.tx, plan_id, document, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(plan_id.to_string())).await?;
        w.commit().await?;
        Ok(PlanVersion {
            plan_id,
            region_id,
            title: title.to_string(),
            version_id,
            document: document.to_string(),
            recorded_at: at,
            recorded_by: recorded_by.to_string(),
        })
    }

    async fn list_plans(&self) -> DomainResult<Vec<PlanVersion>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} where v.id = (select max(w.id) from plan_versions w where w.plan_id = p.id)
             order by p.id"
        )))
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(version).collect()
    }

    async fn plan_versions(&self, plan_id: i64) -> DomainResult<Vec<PlanVersion>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} where p.id = $1 order by v.id"
        )))
        .bind(plan_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(version).collect()
    }
}

const REPORT_SELECT: &str = "select id, plan_id, plan_version_id, period, peildatum, introduction,
        document, figures, published_at, published_by
     from plan_reports";

fn publication(r: &DbRow) -> DomainResult<Publication> {
    Ok(Publication {
        id: r.try_get("id").map_err(internal)?,
        report: NewPublication {
            plan_id: r.try_get("plan_id").map_err(internal)?,
            plan_version_id: r.try_get("plan_version_id").map_err(internal)?,
            period: r.try_get("period").map_err(internal)?,
            peildatum: r.try_get("peildatum").map_err(internal)?,
            introduction: r.try_get("introduction").map_err(internal)?,
            document: r.try_get("document").map_err(internal)?,
            figures: r.try_get("figures").map_err(internal)?,
            published_at: r.try_get("published_at").map_err(internal)?,
            published_by: r.try_get("published_by").map_err(internal)?,
        },
    })
}

#[async_trait]
impl ReportStore for DbStore {
    async fn publish_report(
        &self,
        report: NewPublication,
        audit: AuditDraft,
    ) -> DomainResult<Publication> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into plan_reports (plan_id, plan_version_id, period, peildatum, introduction,
                 document, figures, published_at, published_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(report.plan_id)
        .bind(report.plan_version_id)
        .bind(&report.period)
        .bind(report.peildatum)
        .bind(&report.introduction)
        .bind(&report.document)
        .bind(&report.figures)
        .bind(report.published_at)
        .bind(&report.published_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Dit beleidsplan bestaat niet (meer)."))?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(Publication { id, report })
    }

    async fn get_report(&self, report_id: i64) -> DomainResult<Option<Publication>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REPORT_SELECT} where id = $1"
        )))
        .bind(report_id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(publication).transpose()
    }

    async fn list_reports(&self, plan_id: i64) -> DomainResult<Vec<Publication>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REPORT_SELECT} where plan_id = $1 order by id desc"
        )))
        .bind(plan_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(publication).collect()
    }
}
