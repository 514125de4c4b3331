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

/// Maps a database failure onto the domain. A full disk (SQLite
/// SQLITE_FULL, also when `[database] max_pages` is reached; PostgreSQL
/// 53100 disk_full) is `StorageFull`, so that the client hears 507 and knows
/// nothing was stored; a lost or broken connection, an I/O error or an
/// exhausted pool is `Unavailable` (503). Anything else is internal.
pub(crate) fn internal(e: sqlx::Error) -> DomainError {
    match unavailability(&e) {
        Some(Unavailability::Full) => DomainError::StorageFull(format!("database: {e}")),
        Some(Unavailability::Down) => DomainError::Unavailable(format!("database: {e}")),
        None => DomainError::Internal(format!("database: {e}")),
    }
}

enum Unavailability {
    Full,
    Down,
}

fn unavailability(e: &sqlx::Error) -> Option<Unavailability> {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            // SQLite reports its extended result code as a number; the
            // primary code is its low byte (https://sqlite.org/rescode.html):
            // 13 SQLITE_FULL, 10 SQLITE_IOERR, 11 SQLITE_CORRUPT is not
            // transient and stays internal.
            if let Ok(n) = code.parse::<i64>() {
                return match n & 0xff {
                    13 => Some(Unavailability::Full),
                    10 => Some(Unavailability::Down),
                    _ => None,
                };
            }
            // PostgreSQL SQLSTATE (appendix A of its manual): 53100
            // disk_full; class 53 insufficient resources, class 08
            // connection exception, 57P01-57P03 the server shutting down.
            match code.as_ref() {
                "53100" => Some(Unavailability::Full),
                c if c.starts_with("53") || c.starts_with("08") => Some(Unavailability::Down),
                "57P01" | "57P02" | "57P03" => Some(Unavailability::Down),
                _ => None,
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Some(Unavailability::Down),
        _ => None,
    }
}

/// The pool's `after_release` check, for both stores: a connection goes
/// back into the pool only when no transaction is open on it any more.
///
/// When a commit fails (disk full) the transaction's rollback runs as the
/// `Transaction` is dropped; if that rollback fails too, sqlx still counts
/// the connection as inside a transaction and the next `begin` on it would
/// open a savepoint inside the dead transaction instead of a transaction of
/// its own. Its "commit" then only releases the savepoint: the caller hears
/// success for a write that is never stored. Such a connection is closed,
/// and the pool opens a fresh one.
///
/// The ping first waits for the queued rollback to have run, so that a
/// cleanly rolled-back connection is kept.
pub(crate) fn release_if_clean(
    conn: &mut <Db as sqlx::Database>::Connection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        use sqlx::Connection;
        conn.ping().await?;
        if conn.is_in_transaction() {
            tracing::warn!(
                "databaseverbinding na een mislukte commit of rollback nog in een transactie: verbinding gesloten"
            );
            return Ok(false);
        }
        Ok(true)
    })
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
            details, prev_hash, hash, hash_version, details_digest)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19)",
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
    .bind(r.hash_version)
    .bind(&r.details_digest)
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

/// Checks, inside a write, that `expected` is still the latest version of
/// record `id` in `table` (versions keyed by `key`): a versioned register
/// adds a version only on top of the one the user saw.
pub(crate) async fn latest_version_is(
    tx: &mut sqlx::Transaction<'static, Db>,
    table: &str,
    key: &str,
    id: i64,
    expected: i64,
    what: &str,
) -> zothuis_domain::DomainResult<()> {
    let latest: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select max(id) from {table} where {key} = $1"
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await
    .map_err(crate::internal)?;
    match latest {
        None => Err(stale_or_missing(false, what)),
        Some(v) if v != expected => Err(stale_or_missing(true, what)),
        Some(_) => Ok(()),
    }
}

/// A query whose parameters are still to be bound.
pub(crate) type DbQuery<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

/// The SQL condition "`column` holds one of these clients", with its one
/// parameter as `$n` (bind it with `bind_clients`; `Clients::All` has none).
pub(crate) fn clients_sql(
    clients: &zothuis_domain::store::Clients,
    column: &str,
    n: usize,
) -> String {
    use zothuis_domain::store::Clients;
    match clients {
        Clients::All => "1 = 1".into(),
        Clients::One(_) => format!("{column} = ${n}"),
        Clients::Ids(ids) if ids.is_empty() => "1 = 0".into(),
        Clients::Ids(_) => format!("{column} in ({})", crate::id_list_sql(n)),
        Clients::Linked(link) => format!("{column} in ({})", linked_clients_sql(link, n)),
    }
}

/// The ids of the clients linked to a scope, with its parameter as `$n`,
/// for `in (…)` only: a client linked twice is named twice (`union all`
/// spares the database deduplicating a region's tens of thousands of ids).
/// Each branch is an index lookup (migration 0015), so a region's list reads
/// the region's rows, not the installation's.
pub(crate) fn linked_clients_sql(link: &zothuis_domain::store::ClientLink, n: usize) -> String {
    use zothuis_domain::store::ClientLink;
    let in_scope = match link {
        ClientLink::Municipality(_) => format!("= ${n}"),
        ClientLink::Region(_) => {
            format!("in (select code from municipalities where region_id = ${n})")
        }
        // The referrals, placements and assignments `client_access` counts:
        // a referral not corrected away, a stay's version in force, an
        // iWmo assignment (the provider received the client's data in it).
        ClientLink::AccessPoint(_) => {
            return format!("select client_id from shelter_reports where region_id = ${n}");
        }
        ClientLink::Provider(_) => {
            return format!(
                "select e.client_id from waitlist_transitions t
                   join waitlist_entries e on e.id = t.entry_id
                  where t.provider_id = ${n} and t.status = 'in-screening' and not t.retracted
                    and not exists (select 1 from waitlist_transitions c where c.supersedes = t.id)
                 union all select s.client_id from stay_versions v
                   join stays s on s.id = v.stay_id where v.provider_id = ${n} and not v.replaced
                 union all select client_id from iwmo_assignments where provider_id = ${n}"
            );
        }
    };
    format!(
        "select id from clients where registered_by {in_scope}
         union all select client_id from applications where municipality_code {in_scope}
         union all select client_id from decisions where responsible_municipality {in_scope}
         union all select m.survivor_id from client_merges m join clients c on c.id = m.merged_id
                    where m.undone_at is null and c.registered_by {in_scope}"
    )
}

/// Binds the parameter of `clients_sql`.
pub(crate) fn bind_clients<'q>(
    q: DbQuery<'q>,
    clients: &zothuis_domain::store::Clients,
) -> DbQuery<'q> {
    use zothuis_domain::store::{ClientLink, Clients};
    match clients {
        Clients::All => q,
        Clients::Ids(ids) if ids.is_empty() => q,
        Clients::Ids(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            q.bind(format!("[{}]", list.join(",")))
        }
        Clients::One(id) => q.bind(*id),
        Clients::Linked(ClientLink::Municipality(m)) => q.bind(m.as_str().to_string()),
        Clients::Linked(
            ClientLink::Region(r) | ClientLink::Provider(r) | ClientLink::AccessPoint(r),
        ) => q.bind(*r),
    }
}

/// Runs a read whose `{clients}` stands for "`column` holds one of these
/// clients" (`clients_sql`, the only parameter).
pub(crate) async fn rows_for_clients(
    pool: &sqlx::Pool<Db>,
    sql: &str,
    column: &str,
    clients: &zothuis_domain::store::Clients,
) -> Result<Vec<crate::DbRow>, DomainError> {
    rows_for_clients_bound(pool, sql, column, clients, 1, |q| q).await
}

/// `rows_for_clients` with more parameters: `{clients}` in `sql` stands for
/// "`column` holds one of these clients", whose parameter is `$n`, after
/// the `n - 1` parameters that `bind` binds.
pub(crate) async fn rows_for_clients_bound(
    pool: &sqlx::Pool<Db>,
    sql: &str,
    column: &str,
    clients: &zothuis_domain::store::Clients,
    n: usize,
    bind: impl for<'q> FnOnce(DbQuery<'q>) -> DbQuery<'q>,
) -> Result<Vec<crate::DbRow>, DomainError> {
    let sql = sql.replace("{clients}", &clients_sql(clients, column, n));
    bind_clients(bind(sqlx::query(sqlx::AssertSqlSafe(sql))), clients)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// Reads a list's keys (`store::ListKey`: the row's id, then its client's,
/// as the first two columns), as `rows_for_clients_bound`.
pub(crate) async fn keys_for_clients(
    pool: &sqlx::Pool<Db>,
    sql: &str,
    column: &str,
    clients: &zothuis_domain::store::Clients,
    n: usize,
    bind: impl for<'q> FnOnce(DbQuery<'q>) -> DbQuery<'q>,
) -> Result<Vec<zothuis_domain::store::ListKey>, DomainError> {
    use sqlx::Row;
    let rows = rows_for_clients_bound(pool, sql, column, clients, n, bind).await?;
    rows.iter()
        .map(|r| {
            Ok(zothuis_domain::store::ListKey {
                id: r.try_get(0).map_err(internal)?,
                client_id: r.try_get(1).map_err(internal)?,
            })
        })
        .collect()
}
