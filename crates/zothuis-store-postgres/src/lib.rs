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
pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;

/// The rows of a JSON array of ids bound as text at `$n` (store-sql
/// `clients_sql`): one parameter however many ids.
pub(crate) fn id_list_sql(n: usize) -> String {
    format!("select cast(value as bigint) from jsonb_array_elements_text(cast(${n} as jsonb))")
}

/// A read's rows packed into one JSON array of arrays (store-sql
/// `figures.rs`), in `order`; `null` without rows. (`restored`: the caller
/// sorts again; PostgreSQL orders within the aggregate at no extra cost.)
pub(crate) fn json_rows_sql(cols: &str, from: &str, order: &str, _restored: bool) -> String {
    format!("select cast(json_agg(json_build_array({cols}) order by {order}) as text) {from}")
}
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
            .after_release(release_if_clean)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    //! Run with `scripts/with-postgres`; without ZOTHUIS_TEST_POSTGRES_URL
    //! they pass without doing anything, as the conformance suite does.

    use super::*;

    /// A store on a new database of its own on the test server, and the
    /// admin URL and name to drop it with.
    async fn fresh_store() -> Option<(PgStore, String, String)> {
        let admin = std::env::var("ZOTHUIS_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        let name = format!("zothuis_pool_{}", std::process::id());
        let admin_pool = PgPool::connect(&admin).await.unwrap();
        for statement in [
            format!("drop database if exists {name} with (force)"),
            format!("create database {name}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&admin_pool)
                .await
                .unwrap();
        }
        admin_pool.close().await;
        let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let (scheme, rest) = base.split_once("://").unwrap();
        let host = rest.split('/').next().unwrap();
        let url = format!("{scheme}://{host}/{name}?{query}");
        Some((PgStore::open(&url).await.unwrap(), admin, name))
    }

    #[tokio::test]
    async fn after_a_failed_commit_no_pooled_connection_is_left_in_a_transaction() {
        let Some((store, admin, name)) = fresh_store().await else {
            return;
        };
        sqlx::raw_sql(
            "create table pooltest (id bigint primary key,
                parent bigint references pooltest (id) deferrable initially deferred)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        for round in 0..5i64 {
            // A deferred foreign key is checked at the commit, so the commit
            // itself fails.
            let mut w = store.begin_write().await.unwrap();
            let pid: i32 = sqlx::query_scalar("select pg_backend_pid()")
                .fetch_one(&mut *w.tx)
                .await
                .unwrap();
            sqlx::query("insert into pooltest (id, parent) values ($1, -1)")
                .bind(1000 + round)
                .execute(&mut *w.tx)
                .await
                .unwrap();
            assert!(w.commit().await.is_err(), "the commit should fail");

            // The connection goes back (or is closed) in a task of its own;
            // once that is done, it is not inside a transaction.
            let mut settled = false;
            for _ in 0..100 {
                let state: Option<String> =
                    sqlx::query_scalar("select state from pg_stat_activity where pid = $1")
                        .bind(pid)
                        .fetch_optional(store.pool())
                        .await
                        .unwrap();
                match state.as_deref() {
                    None | Some("idle") => {
                        settled = true;
                        break;
                    }
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            assert!(settled, "connection {pid} stayed in a transaction");

            // A write after it is stored: it is seen from a new connection.
            let mut w = store.begin_write().await.unwrap();
            sqlx::query("insert into pooltest (id) values ($1)")
                .bind(round)
                .execute(&mut *w.tx)
                .await
                .unwrap();
            w.commit().await.unwrap();
            let mut other = <sqlx::PgConnection as sqlx::Connection>::connect_with(
                &store.pool().connect_options(),
            )
            .await
            .unwrap();
            let seen: i64 = sqlx::query_scalar("select count(*) from pooltest where id = $1")
                .bind(round)
                .fetch_one(&mut other)
                .await
                .unwrap();
            assert_eq!(
                seen, 1,
                "write {round} after a failed commit was not stored"
            );
        }
        store.pool().close().await;
        let admin_pool = PgPool::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "drop database if exists {name} with (force)"
        )))
        .execute(&admin_pool)
        .await
        .unwrap();
    }
}
