//! Requests of access by the person the data are about (AVG art. 15).

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::privacy::AccessRequest;
use zothuis_domain::store::{NewAccessRequest, PrivacyStore};

const COLUMNS: &str = "id, client_id, region_id, received_on, identity_check, note,
    recorded_at, recorded_by, answered_at, answered_by";

fn request(r: &DbRow) -> DomainResult<AccessRequest> {
    Ok(AccessRequest {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        received_on: r.try_get("received_on").map_err(internal)?,
        identity_check: r.try_get("identity_check").map_err(internal)?,
        note: r.try_get("note").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        answered_at: r.try_get("answered_at").map_err(internal)?,
        answered_by: r.try_get("answered_by").map_err(internal)?,
    })
}

/// One request, in a write transaction or from the pool.
async fn read<'e, E>(db: E, id: i64) -> DomainResult<Option<AccessRequest>>
where
    E: sqlx::Executor<'e, Database = crate::Db>,
{
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from subject_access_requests where id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
    .map_err(internal)?
    .as_ref()
    .map(request)
    .transpose()
}

#[async_trait]
impl PrivacyStore for DbStore {
    async fn create_access_request(
        &self,
        data: &NewAccessRequest,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AccessRequest> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into subject_access_requests (client_id, region_id, received_on,
                identity_check, note, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(data.client_id)
        .bind(data.region_id)
        .bind(data.received_on)
        .bind(&data.identity_check)
        .bind(&data.note)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = read(&mut *w.tx, id)
            .await?
            .ok_or_else(|| zothuis_domain::DomainError::Internal("verzoek verdwenen".into()))?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_access_requests(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<AccessRequest>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from subject_access_requests
             where ($1 is null or region_id = $1) order by id desc"
        )))
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(request).collect()
    }

    async fn get_access_request(&self, id: i64) -> DomainResult<Option<AccessRequest>> {
        read(self.pool(), id).await
    }

    async fn answer_access_request(
        &self,
        id: i64,
        at: DateTime<Utc>,
        answered_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AccessRequest> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "update subject_access_requests set answered_at = $2, answered_by = $3
             where id = $1 and answered_at is null",
        )
        .bind(id)
        .bind(at)
        .bind(answered_by)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        let answered = read(&mut *w.tx, id).await?.ok_or_else(|| {
            zothuis_domain::DomainError::NotFound("Dit inzageverzoek bestaat niet".into())
        })?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(answered)
    }
}
