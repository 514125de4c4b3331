//! What every SQL store shares: the write transaction, error mapping and the
//! audit append. Compiled into each store crate (see README.md here).

use crate::Db;
use sqlx::Transaction;
use tokio::sync::MutexGuard;
use zothuis_domain::DomainError;
use zothuis_domain::audit::{AuditDraft, AuditRecord, GENESIS_HASH};

/// A write transaction. Writers are serialised (see the store's
/// `begin_write`), so the audit chain's "read last hash, append row" never
/// races.
pub(crate) struct WriteTx<'a> {
    pub tx: Transaction<'static, Db>,
    pub(crate) _guard: Option<MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), DomainError> {
        self.tx.commit().await.map_err(internal)
    }
}

pub(crate) fn internal(e: sqlx::Error) -> DomainError {
    DomainError::Internal(format!("database: {e}"))
}

/// Maps constraint violations to a conflict with a message for the user.
pub(crate) fn constraint(e: sqlx::Error, duplicate: &str) -> DomainError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return DomainError::Conflict(duplicate.to_string());
        }
        if db.is_foreign_key_violation() {
            return DomainError::Conflict(
                "Dit gegeven wordt nog gebruikt door andere gegevens en kan daarom niet worden verwijderd."
                    .to_string(),
            );
        }
    }
    internal(e)
}

/// Appends an audit row inside the caller's transaction.
pub(crate) async fn append_audit_tx(
    tx: &mut Transaction<'static, Db>,
    mut draft: AuditDraft,
    object_id: Option<String>,
) -> Result<AuditRecord, DomainError> {
    if draft.object_id.is_none() {
        draft.object_id = object_id;
    }
    let last: Option<(i64, String)> =
        sqlx::query_as("select seq, hash from audit_log order by seq desc limit 1")
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    let (seq, prev) = last.unwrap_or((0, GENESIS_HASH.to_string()));
    let r = AuditRecord::seal(draft, seq + 1, &prev);
    sqlx::query(
        "insert into audit_log (seq, occurred_at, actor_kind, actor_id, actor_name, actor_role,
            on_behalf_of, action, object_type, object_id, client_id, outcome, origin, request_id,
            details, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(r.seq)
    .bind(r.occurred_at)
    .bind(&r.actor_kind)
    .bind(r.actor_id)
    .bind(&r.actor_name)
    .bind(&r.actor_role)
    .bind(&r.on_behalf_of)
    .bind(&r.action)
    .bind(&r.object_type)
    .bind(&r.object_id)
    .bind(r.client_id)
    .bind(&r.outcome)
    .bind(&r.origin)
    .bind(&r.request_id)
    .bind(&r.details)
    .bind(&r.prev_hash)
    .bind(&r.hash)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(r)
}

/// After an update touched no row: was the row gone, or was the version stale?
pub(crate) fn stale_or_missing(exists: bool, what: &str) -> DomainError {
    if exists {
        DomainError::StaleVersion(format!(
            "{what} is intussen door iemand anders gewijzigd. Laad de gegevens opnieuw en voer uw wijziging nogmaals in."
        ))
    } else {
        DomainError::NotFound(format!("{what} bestaat niet (meer)"))
    }
}
