//! A fresh database per test: a SQLite file in a temporary directory, or,
//! when `ZOTHUIS_TEST_POSTGRES_URL` is set, a new PostgreSQL database on that
//! server, dropped again when the test ends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use zothuis_domain::store::Store;
use zothuis_store_postgres::PgStore;
use zothuis_store_sqlite::SqliteStore;

/// The variable that points the tests at a PostgreSQL server (a database on
/// it that the test user may connect to; tests create their own databases).
pub const POSTGRES_ENV: &str = "ZOTHUIS_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend the HTTP tests run on: PostgreSQL when the variable is set.
pub fn backend_from_env() -> Backend {
    match postgres_admin_url() {
        Some(_) => Backend::Postgres,
        None => Backend::Sqlite,
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A store on a database of its own.
pub struct TestDatabase {
    pub backend: Backend,
    /// The URL another zothuis process would use for the same database.
    pub url: String,
    pub store: Arc<dyn Store>,
    pool: Pool,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `postgres://u@h:p/db?x` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let host = rest.split('/').next().unwrap_or_default();
    match query {
        Some(q) => format!("{scheme}://{host}/{name}?{q}"),
        None => format!("{scheme}://{host}/{name}"),
    }
}

impl TestDatabase {
    /// A new, empty database on the given backend, migrated.
    pub async fn create(backend: Backend) -> TestDatabase {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("zothuis.sqlite").display());
                let store = Arc::new(SqliteStore::open(&url).await.unwrap());
                TestDatabase {
                    backend,
                    url,
                    pool: Pool::Sqlite(store.pool().clone()),
                    store,
                    _dir: dir,
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let admin =
                    postgres_admin_url().unwrap_or_else(|| panic!("{POSTGRES_ENV} is not set"));
                // Unique while this process lives; a leftover of an earlier
                // process with the same id is removed first.
                let name = format!(
                    "zothuis_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                );
                let admin_pool = sqlx::PgPool::connect(&admin).await.unwrap();
                for statement in [
                    format!("drop database if exists {name} with (force)"),
                    format!("create database {name}"),
                ] {
                    // One statement per call: PostgreSQL runs a batch in one
                    // transaction, and these cannot run inside one.
                    sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                        .execute(&admin_pool)
                        .await
                        .unwrap();
                }
                admin_pool.close().await;
                let url = with_database(&admin, &name);
                let store = Arc::new(PgStore::open(&url).await.unwrap());
                TestDatabase {
                    backend,
                    url,
                    pool: Pool::Postgres(store.pool().clone()),
                    store,
                    _dir: dir,
                    postgres: Some((admin, name)),
                }
            }
        }
    }

    /// A second store on the same database, as a second process would open.
    pub async fn open_again(&self) -> Arc<dyn Store> {
        match self.backend {
            Backend::Sqlite => Arc::new(SqliteStore::open(&self.url).await.unwrap()),
            Backend::Postgres => Arc::new(PgStore::open(&self.url).await.unwrap()),
        }
    }

    /// Every backend available here: SQLite always, PostgreSQL when the
    /// variable is set.
    pub fn available() -> Vec<Backend> {
        match postgres_admin_url() {
            Some(_) => vec![Backend::Sqlite, Backend::Postgres],
            None => vec![Backend::Sqlite],
        }
    }

    /// Runs raw SQL, as an attacker with database access could; the statement
    /// for the backend in use.
    pub async fn raw_sql(&self, sqlite: &str, postgres: &str) -> Result<(), sqlx::Error> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sqlite.to_string()))
                .execute(p)
                .await
                .map(|_| ()),
            Pool::Postgres(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(postgres.to_string()))
                .execute(p)
                .await
                .map(|_| ()),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime: clean up on a thread of its own.
        // `with (force)` ends the connections the store's pool still holds.
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(pool) = sqlx::PgPool::connect(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        });
        let _ = done.join();
    }
}
