//! The audit log in SQLite.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::audit::{
    AuditDraft, AuditRecord, ERASED_DETAILS, HASH_VERSION, shown_client_pattern,
};
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
        hash_version: r.try_get("hash_version").map_err(internal)?,
        details_digest: r.try_get("details_digest").map_err(internal)?,
    })
}

/// The filter of `list_audit`, shared by its count and its page (a macro so
/// that both stay static SQL). `$8` is the region's id and `$9` the same as
/// text, as scopes store it; `$10` finds the client in the lists a row showed.
/// A region's rows: about its clients, or without a client by or about its
/// users and tokens (who was given access to the region's data).
macro_rules! audit_where {
    () => {
        "
                ($1 is null or actor_name = $1)
                and ($2 is null or object_type = $2)
                and ($3 is null or object_id = $3)
                and ($4 is null or action = $4)
                and ($5 is null or client_id = $5 or details like $10)
                and ($6 is null or occurred_at >= $6)
                and ($7 is null or occurred_at < $7)
                and ($8 is null or client_id in (
                        select c.id from clients c join municipalities m on m.code = c.registered_by
                         where m.region_id = $8
                        union select a.client_id from applications a
                          join municipalities m on m.code = a.municipality_code where m.region_id = $8
                        union select d.client_id from decisions d
                          join municipalities m on m.code = d.responsible_municipality where m.region_id = $8)
                     or (client_id is null and (
                        (actor_kind = 'gebruiker' and actor_id in
                           (select u.id from users u where ((u.scope_kind = 'regio' and u.scope_ref = $9)
                              or (u.scope_kind = 'gemeente' and u.scope_ref in
                                  (select code from municipalities where region_id = $8)))))
                        or (actor_kind = 'api-token' and actor_id in
                           (select t.id from api_tokens t where ((t.scope_kind = 'regio' and t.scope_ref = $9)
                              or (t.scope_kind = 'gemeente' and t.scope_ref in
                                  (select code from municipalities where region_id = $8)))))
                        or (object_type = 'gebruiker' and object_id in
                           (select cast(u.id as text) from users u where ((u.scope_kind = 'regio' and u.scope_ref = $9)
                              or (u.scope_kind = 'gemeente' and u.scope_ref in
                                  (select code from municipalities where region_id = $8)))))
                        or (object_type = 'api-token' and object_id in
                           (select cast(t.id as text) from api_tokens t where ((t.scope_kind = 'regio' and t.scope_ref = $9)
                              or (t.scope_kind = 'gemeente' and t.scope_ref in
                                  (select code from municipalities where region_id = $8))))))))"
    };
}

#[async_trait]
impl AuditStore for DbStore {
    async fn append_audit(&self, draft: AuditDraft) -> DomainResult<AuditRecord> {
        let mut w = self.begin_write().await?;
        let r = append_audit_tx(&mut w.tx, draft, None).await?;
        w.commit().await?;
        Ok(r)
    }

    async fn erase_audit_details(
        &self,
        client_ids: &[i64],
        audit: AuditDraft,
    ) -> DomainResult<u64> {
        use zothuis_domain::store::Clients;
        let clients = Clients::Ids(client_ids.to_vec());
        let sql = format!(
            "update audit_log set details = $1
              where hash_version = {HASH_VERSION} and details <> $1 and {}",
            crate::common::clients_sql(&clients, "client_id", 2)
        );
        let mut w = self.begin_write().await?;
        let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ERASED_DETAILS);
        let erased = crate::common::bind_clients(q, &clients)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?
            .rows_affected();
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(erased)
    }

    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditRecord>> {
        let total: i64 = sqlx::query_scalar(concat!(
            "select count(*) from audit_log where ",
            audit_where!()
        ))
        .bind(&filter.actor_name)
        .bind(&filter.object_type)
        .bind(&filter.object_id)
        .bind(&filter.action)
        .bind(filter.client_id)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.region)
        .bind(filter.region.map(|r| r.to_string()))
        .bind(filter.client_id.map(shown_client_pattern))
        .fetch_one(self.pool())
        .await
        .map_err(internal)?;
        let rows = sqlx::query(concat!(
            "select * from audit_log where ",
            audit_where!(),
            " order by seq desc limit $11 offset $12"
        ))
        .bind(&filter.actor_name)
        .bind(&filter.object_type)
        .bind(&filter.object_id)
        .bind(&filter.action)
        .bind(filter.client_id)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.region)
        .bind(filter.region.map(|r| r.to_string()))
        .bind(filter.client_id.map(shown_client_pattern))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        Ok(Page {
            items: rows.iter().map(record).collect::<DomainResult<_>>()?,
            total,
            request: page,
            restricted: None,
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
