//! The audit log in SQLite.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::audit::{AuditDraft, AuditRecord};
use zothuis_domain::paging::{Page, PageRequest};
use zothuis_domain::store::{AuditFilter, AuditStore};

fn record(r: &DbRow) -> DomainResult<AuditRecord> {
    Ok(AuditRecord {
        seq: r.try_get("seq").map_err(internal)?,
        occurred_at: r.try_get("occurred_at").map_err(internal)?,
        actor_kind: r.try_get("actor_kind").map_err(internal)?,
        actor_id: r.try_get("actor_id").map_err(internal)?,
        actor_name: r.try_get("actor_name").map_err(internal)?,
        actor_role: r.try_get("actor_role").map_err(internal)?,
        on_behalf_of: r.try_get("on_behalf_of").map_err(internal)?,
        action: r.try_get("action").map_err(internal)?,
        object_type: r.try_get("object_type").map_err(internal)?,
        object_id: r.try_get("object_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        outcome: r.try_get("outcome").map_err(internal)?,
        origin: r.try_get("origin").map_err(internal)?,
        request_id: r.try_get("request_id").map_err(internal)?,
        details: r.try_get("details").map_err(internal)?,
        prev_hash: r.try_get("prev_hash").map_err(internal)?,
        hash: r.try_get("hash").map_err(internal)?,
    })
}

#[async_trait]
impl AuditStore for DbStore {
    async fn append_audit(&self, draft: AuditDraft) -> DomainResult<AuditRecord> {
        let mut w = self.begin_write().await?;
        let r = append_audit_tx(&mut w.tx, draft, None).await?;
        w.commit().await?;
        Ok(r)
    }

    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditRecord>> {
        let total: i64 = sqlx::query_scalar(
            "select count(*) from audit_log where
                ($1 is null or actor_name = $1)
                and ($2 is null or object_type = $2)
                and ($3 is null or object_id = $3)
                and ($4 is null or action = $4)
                and ($5 is null or client_id = $5)
                and ($6 is null or occurred_at >= $6)
                and ($7 is null or occurred_at < $7)",
        )
        .bind(&filter.actor_name)
        .bind(&filter.object_type)
        .bind(&filter.object_id)
        .bind(&filter.action)
        .bind(filter.client_id)
        .bind(filter.from)
        .bind(filter.to)
        .fetch_one(self.pool())
        .await
        .map_err(internal)?;
        let rows = sqlx::query(
            "select * from audit_log where
                ($1 is null or actor_name = $1)
                and ($2 is null or object_type = $2)
                and ($3 is null or object_id = $3)
                and ($4 is null or action = $4)
                and ($5 is null or client_id = $5)
                and ($6 is null or occurred_at >= $6)
                and ($7 is null or occurred_at < $7)
             order by seq desc limit $8 offset $9",
        )
        .bind(&filter.actor_name)
        .bind(&filter.object_type)
        .bind(&filter.object_id)
        .bind(&filter.action)
        .bind(filter.client_id)
        .bind(filter.from)
        .bind(filter.to)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        Ok(Page {
            items: rows.iter().map(record).collect::<DomainResult<_>>()?,
            total,
            request: page,
        })
    }

    async fn audit_batch(&self, after_seq: i64, limit: i64) -> DomainResult<Vec<AuditRecord>> {
        let rows = sqlx::query("select * from audit_log where seq > $1 order by seq limit $2")
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(record).collect()
    }
}
