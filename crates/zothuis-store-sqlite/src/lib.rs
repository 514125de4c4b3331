//! The embedded store: SQLite through sqlx, one file in the data directory,
//! WAL journal, migrations embedded and run at start-up.
//!
//! SQLite allows one writer at a time. Every write transaction here takes
//! `write_lock` first, so that the audit chain's "read last hash, append row"
//! never races and no transaction has to be retried on SQLITE_BUSY.

mod access;
mod admin;
mod audit;
mod care;
mod clients;
mod import;
mod reference;
mod waitlist;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};
use zothuis_domain::DomainError;
use zothuis_domain::audit::{AuditDraft, AuditRecord, GENESIS_HASH};

pub struct SqliteStore {
    pool: SqlitePool,
    write_lock: Mutex<()>,
}

/// A write transaction holding the write lock.
pub(crate) struct WriteTx<'a> {
    pub tx: Transaction<'static, Sqlite>,
    _guard: MutexGuard<'a, ()>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at a `sqlite://` URL and runs
    /// the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore, DomainError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DomainError::Internal(format!("ongeldige SQLite-URL {url}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed change survives a crash of the machine, not only
            // of the process. Care data is worth the fsync.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| DomainError::Internal(format!("database openen ({url}): {e}")))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| DomainError::Internal(format!("migraties uitvoeren: {e}")))?;
        Ok(SqliteStore {
            pool,
            write_lock: Mutex::new(()),
        })
    }

    /// An online backup: a consistent copy of the whole database in a new
    /// file (`VACUUM INTO`), taken while zothuis keeps serving. Writers wait
    /// for the copy.
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<(), DomainError> {
        if target.exists() {
            return Err(DomainError::Conflict(format!(
                "{} bestaat al; kies een nieuw bestand voor de backup",
                target.display()
            )));
        }
        let path = target
            .to_str()
            .ok_or_else(|| DomainError::Internal("het pad van de backup is geen tekst".into()))?;
        let _guard = self.write_lock.lock().await;
        sqlx::query("vacuum into $1")
            .bind(path)
            .execute(&self.pool)
            .await
            .map_err(|e| DomainError::Internal(format!("backup maken: {e}")))?;
        Ok(())
    }

    /// Checks that a file is a sound zothuis database (for a restore).
    pub async fn check_backup(file: &std::path::Path) -> Result<(), DomainError> {
        let options = SqliteConnectOptions::new().filename(file).read_only(true);
        let bad = |why: String| {
            DomainError::Invalid(vec![zothuis_domain::FieldError {
                field: "backup".into(),
                message: format!("{} is geen bruikbare zothuis-backup: {why}", file.display()),
            }])
        };
        let connected: Result<sqlx::SqliteConnection, sqlx::Error> =
            <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options).await;
        let mut conn = connected.map_err(|e| bad(e.to_string()))?;
        let ok: String = sqlx::query_scalar("pragma integrity_check")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| bad(e.to_string()))?;
        if ok != "ok" {
            return Err(bad(format!("integriteitscontrole: {ok}")));
        }
        let migrations: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| bad("er staan geen zothuis-migraties in".into()))?;
        if migrations == 0 {
            return Err(bad("er staan geen zothuis-migraties in".into()));
        }
        sqlx::Connection::close(conn).await.map_err(internal)?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, DomainError> {
        let guard = self.write_lock.lock().await;
        let tx = self.pool.begin().await.map_err(internal)?;
        Ok(WriteTx { tx, _guard: guard })
    }
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
    tx: &mut Transaction<'static, Sqlite>,
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
