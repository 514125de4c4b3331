//! The embedded store: SQLite through sqlx, one file in the data directory,
//! WAL journal, migrations embedded and run at start-up.
//!
//! SQLite allows one writer at a time. Every write transaction here takes
//! `write_lock` first, so that the audit chain's "read last hash, append row"
//! never races and no transaction has to be retried on SQLITE_BUSY.
//!
//! The queries themselves are shared with the PostgreSQL store: the modules
//! in `crates/zothuis-store-sql` are compiled into both crates, each with its
//! own `Db`, `DbRow` and `DbStore`.

#[path = "../../zothuis-store-sql/access.rs"]
mod access;
#[path = "../../zothuis-store-sql/admin.rs"]
mod admin;
#[path = "../../zothuis-store-sql/audit.rs"]
mod audit;
#[path = "../../zothuis-store-sql/care.rs"]
mod care;
#[path = "../../zothuis-store-sql/clients.rs"]
mod clients;
#[path = "../../zothuis-store-sql/common.rs"]
mod common;
#[path = "../../zothuis-store-sql/exchange.rs"]
mod exchange;
#[path = "../../zothuis-store-sql/figures.rs"]
mod figures;
#[path = "../../zothuis-store-sql/finance.rs"]
mod finance;
#[path = "../../zothuis-store-sql/forecast.rs"]
mod forecast;
#[path = "../../zothuis-store-sql/import.rs"]
mod import;
#[path = "../../zothuis-store-sql/outflow.rs"]
mod outflow;
#[path = "../../zothuis-store-sql/outreach.rs"]
mod outreach;
#[path = "../../zothuis-store-sql/plans.rs"]
mod plans;
#[path = "../../zothuis-store-sql/privacy.rs"]
mod privacy;
#[path = "../../zothuis-store-sql/reference.rs"]
mod reference;
#[path = "../../zothuis-store-sql/shelter.rs"]
mod shelter;
#[path = "../../zothuis-store-sql/tenancy.rs"]
mod tenancy;
#[path = "../../zothuis-store-sql/waitlist.rs"]
mod waitlist;

pub(crate) use common::{
    WriteTx, append_audit_tx, constraint, internal, release_if_clean, stale_or_missing,
};
pub(crate) type Db = sqlx::Sqlite;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;

/// The rows of a JSON array of ids bound as text at `$n` (store-sql
/// `clients_sql`): one parameter however many ids.
pub(crate) fn id_list_sql(n: usize) -> String {
    format!("select value from json_each(${n})")
}

/// A read's rows packed into one JSON array of arrays (store-sql
/// `figures.rs`); `null` without rows. In `order`, guaranteed by the
/// aggregate; or, when the caller `restored` the order itself, as an ordered
/// subquery gives them, which costs half: SQLite sorts for an ordered
/// aggregate even when the rows come in order.
pub(crate) fn json_rows_sql(cols: &str, from: &str, order: &str, restored: bool) -> String {
    if restored {
        format!(
            "select '[' || group_concat(r, ',') || ']' from (select json_array({cols}) as r {from} order by {order})"
        )
    } else {
        format!(
            "select '[' || group_concat(json_array({cols}), ',' order by {order}) || ']' {from}"
        )
    }
}
pub(crate) use SqliteStore as DbStore;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::Mutex;
use zothuis_domain::DomainError;

pub struct SqliteStore {
    pool: SqlitePool,
    write_lock: Mutex<()>,
}

/// Settings of the embedded store beyond its URL.
#[derive(Debug, Clone, Default)]
pub struct SqliteOptions {
    /// The largest the database may grow, in pages (`PRAGMA max_page_count`;
    /// a page is 4 KiB unless the file says otherwise). A write that would
    /// grow it further fails as on a full disk and is answered 507. `None`:
    /// no limit but the disk's.
    pub max_pages: Option<u64>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at a `sqlite://` URL and runs
    /// the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore, DomainError> {
        SqliteStore::open_with(url, &SqliteOptions::default()).await
    }

    /// As `open`, with settings.
    pub async fn open_with(
        url: &str,
        settings: &SqliteOptions,
    ) -> Result<SqliteStore, DomainError> {
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DomainError::Internal(format!("ongeldige SQLite-URL {url}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed change survives a crash of the machine, not only
            // of the process. Care data is worth the fsync.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Sorts that outgrow the page cache (the figures projection sorts
            // a chunk of transitions at a time) spill to memory, not to
            // temporary files: three times faster, and bounded by the chunk.
            .pragma("temp_store", "memory");
        if let Some(pages) = settings.max_pages {
            // A per-connection setting, so it is set on every connection.
            options = options.pragma("max_page_count", pages.to_string());
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .after_release(release_if_clean)
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
        Ok(WriteTx {
            tx,
            _guard: Some(guard),
        })
    }
}
