//! The PostgreSQL store, for hosted installations and several zothuis
//! processes against one database. Selected with a `postgres://` URL in
//! `[database] url`; migrations are embedded and run at start-up.
//!
//! The queries are the SQLite store's: the modules in
//! `crates/zothuis-store-sql` are compiled into both crates, each with its
//! own `Db`, `DbRow` and `DbStore`. The schema differs only where the
//! dialects do (identity columns, `timestamptz`, the audit-log triggers);
//! the migrations keep the SQLite migrations' names.
//!
//! Writers are serialised across processes with a transaction-scoped
//! advisory lock, so the audit chain's "read last hash, append row" never
//! races, exactly as the SQLite store's write lock does within a process.

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
#[path = "../../zothuis-store-sql/figures.rs"]
mod figures;
#[path = "../../zothuis-store-sql/import.rs"]
mod import;
#[path = "../../zothuis-store-sql/plans.rs"]
mod plans;
#[path = "../../zothuis-store-sql/reference.rs"]
mod reference;
#[path = "../../zothuis-store-sql/waitlist.rs"]
mod waitlist;

pub(crate) use common::{WriteTx, append_audit_tx, constraint, internal, stale_or_missing};
pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;
pub(crate) use PgStore as DbStore;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;
use zothuis_domain::DomainError;

/// The key of the advisory lock every write transaction takes ("zothuis"
/// in ASCII, so it does not collide with another application's lock).
const WRITE_LOCK_KEY: i64 = 0x007a_6f74_6875_6973;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at a `postgres://` URL and runs the
    /// migrations. The database must exist; zothuis creates its tables.
    pub async fn open(url: &str) -> Result<PgStore, DomainError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            DomainError::Internal(format!("ongeldige PostgreSQL-URL: {}", redact(url, &e)))
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| {
                DomainError::Internal(format!("PostgreSQL-database openen: {}", redact(url, &e)))
            })?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| DomainError::Internal(format!("migraties uitvoeren: {e}")))?;
        Ok(PgStore { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, DomainError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        sqlx::query("select pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK_KEY)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        Ok(WriteTx { tx, _guard: None })
    }
}

/// An error message that never repeats the password of a URL.
fn redact(url: &str, e: &dyn std::fmt::Display) -> String {
    let message = e.to_string();
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(credentials, _)| credentials.split_once(':'))
        .map(|(_, password)| password);
    match password {
        Some(p) if !p.is_empty() => message.replace(p, "***"),
        _ => message,
    }
}
