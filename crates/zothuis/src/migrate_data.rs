//! `zothuis migrate-data`: moves an installation from the embedded SQLite
//! database to PostgreSQL.
//!
//! Both databases are first brought to the current schema by their stores'
//! own migrations, so the tables and columns are the same. The copy runs in
//! one PostgreSQL transaction: tables in foreign-key order, rows in the order
//! they were written (so a row that supersedes another comes after it), every
//! value converted by the column's PostgreSQL type. Before committing, every
//! table is read back and compared value by value with the source; any
//! difference rolls the whole copy back. Afterwards the audit chain is
//! verified on the new database.

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Postgres, Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};

/// One value of any column zothuis uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// The column types of the PostgreSQL schema (information_schema names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Text,
    Date,
    Time,
}

impl Kind {
    fn from_postgres(table: &str, column: &str, data_type: &str) -> Result<Kind> {
        Ok(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "text" | "character varying" => Kind::Text,
            "date" => Kind::Date,
            "timestamp with time zone" => Kind::Time,
            other => bail!(
                "kolom {table}.{column} heeft type {other}, dat migrate-data niet kent; werk zothuis bij"
            ),
        })
    }
}

struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

/// What was copied, for the user.
pub struct Copied {
    pub tables: Vec<(String, usize)>,
}

impl Copied {
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn column_of<'r, T>(row: &'r SqliteRow, name: &str) -> Result<Option<T>>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get::<Option<T>, _>(name)
        .with_context(|| format!("kolom {name} lezen uit SQLite"))
}

fn pg_column_of<'r, T>(row: &'r PgRow, name: &str) -> Result<Option<T>>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    row.try_get::<Option<T>, _>(name)
        .with_context(|| format!("kolom {name} lezen uit PostgreSQL"))
}

fn wrap<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map(f).unwrap_or(Value::Null)
}

fn sqlite_value(row: &SqliteRow, name: &str, kind: Kind) -> Result<Value> {
    Ok(match kind {
        Kind::Int => wrap(column_of::<i64>(row, name)?, Value::Int),
        Kind::Bool => wrap(column_of::<bool>(row, name)?, Value::Bool),
        Kind::Text => wrap(column_of::<String>(row, name)?, Value::Text),
        Kind::Date => wrap(column_of::<NaiveDate>(row, name)?, Value::Date),
        Kind::Time => wrap(column_of::<DateTime<Utc>>(row, name)?, Value::Time),
    })
}

fn postgres_value(row: &PgRow, name: &str, kind: Kind) -> Result<Value> {
    Ok(match kind {
        Kind::Int => wrap(pg_column_of::<i64>(row, name)?, Value::Int),
        Kind::Bool => wrap(pg_column_of::<bool>(row, name)?, Value::Bool),
        Kind::Text => wrap(pg_column_of::<String>(row, name)?, Value::Text),
        Kind::Date => wrap(pg_column_of::<NaiveDate>(row, name)?, Value::Date),
        Kind::Time => wrap(pg_column_of::<DateTime<Utc>>(row, name)?, Value::Time),
    })
}

fn bind_value<'q>(
    query: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    value: &Value,
    kind: Kind,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    // A null is bound with the column's type, so PostgreSQL need not guess.
    match (value, kind) {
        (Value::Null, Kind::Int) => query.bind(None::<i64>),
        (Value::Null, Kind::Bool) => query.bind(None::<bool>),
        (Value::Null, Kind::Text) => query.bind(None::<String>),
        (Value::Null, Kind::Date) => query.bind(None::<NaiveDate>),
        (Value::Null, Kind::Time) => query.bind(None::<DateTime<Utc>>),
        (Value::Int(v), _) => query.bind(*v),
        (Value::Bool(v), _) => query.bind(*v),
        (Value::Text(v), _) => query.bind(v.clone()),
        (Value::Date(v), _) => query.bind(*v),
        (Value::Time(v), _) => query.bind(*v),
    }
}

/// The tables of the SQLite database (without SQLite's and sqlx's own), in
/// an order where every table comes after the tables it refers to.
async fn source_tables(source: &SqlitePool) -> Result<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table'
           and name not like 'sqlite_%' and name <> '_sqlx_migrations' order by name",
    )
    .fetch_all(source)
    .await?;
    let mut refers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let targets: Vec<String> =
            sqlx::query_scalar("select \"table\" from pragma_foreign_key_list($1)")
                .bind(name)
                .fetch_all(source)
                .await?;
        refers.insert(
            name.clone(),
            targets.into_iter().filter(|t| t != name).collect(),
        );
    }
    let mut ordered: Vec<String> = Vec::new();
    while ordered.len() < names.len() {
        let next = names
            .iter()
            .find(|n| !ordered.contains(n) && refers[*n].iter().all(|t| ordered.contains(t)))
            .ok_or_else(|| anyhow!("de tabellen verwijzen in een kring naar elkaar"))?;
        ordered.push(next.clone());
    }
    Ok(ordered)
}

async fn target_columns(target: &PgPool, table: &str) -> Result<Vec<(String, Kind)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select column_name::text, data_type::text from information_schema.columns
          where table_schema = current_schema() and table_name = $1 order by ordinal_position",
    )
    .bind(table)
    .fetch_all(target)
    .await?;
    if rows.is_empty() {
        bail!(
            "tabel {table} ontbreekt in PostgreSQL; zijn beide databases van dezelfde zothuis-versie?"
        );
    }
    rows.into_iter()
        .map(|(c, t)| Ok((c.clone(), Kind::from_postgres(table, &c, &t)?)))
        .collect()
}

async fn source_columns(source: &SqlitePool, table: &str) -> Result<BTreeSet<String>> {
    let names: Vec<String> = sqlx::query_scalar("select name from pragma_table_info($1)")
        .bind(table)
        .fetch_all(source)
        .await?;
    Ok(names.into_iter().collect())
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn select_all(table: &Table, order: &str) -> String {
    let columns: Vec<String> = table.columns.iter().map(|(c, _)| quoted(c)).collect();
    format!(
        "select {} from {} order by {order}",
        columns.join(", "),
        quoted(&table.name)
    )
}

/// Copies every row of `source` into the empty `target`.
pub async fn copy(
    source: &SqlitePool,
    target: &PgPool,
    progress: &dyn Fn(&str, usize),
) -> Result<Copied> {
    let mut tables = Vec::new();
    for name in source_tables(source).await? {
        let columns = target_columns(target, &name).await?;
        let in_source = source_columns(source, &name).await?;
        let in_target: BTreeSet<String> = columns.iter().map(|(c, _)| c.clone()).collect();
        if in_source != in_target {
            bail!(
                "tabel {name} heeft in SQLite andere kolommen dan in PostgreSQL; zijn beide databases van dezelfde zothuis-versie?"
            );
        }
        tables.push(Table { name, columns });
    }

    // One snapshot of the source: a consistent copy even if someone writes.
    let mut snapshot = source.begin().await?;
    let mut tx = target.begin().await?;
    for table in &tables {
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {}",
            quoted(&table.name)
        )))
        .fetch_one(&mut *tx)
        .await?;
        if count > 0 {
            bail!(
                "de PostgreSQL-database bevat al gegevens (tabel {}); migrate-data schrijft alleen in een lege database",
                table.name
            );
        }
    }

    let mut copied = Vec::new();
    for table in &tables {
        // Rows in the order they were written: a correction comes after the
        // row it supersedes, a transfer after the stay it continues.
        let rows = sqlx::query(sqlx::AssertSqlSafe(select_all(table, "rowid")))
            .fetch_all(&mut *snapshot)
            .await?;
        let mut values = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut record = Vec::with_capacity(table.columns.len());
            for (column, kind) in &table.columns {
                record.push(sqlite_value(row, column, *kind)?);
            }
            values.push(record);
        }
        let insert = format!(
            "insert into {} ({}) values ({})",
            quoted(&table.name),
            table
                .columns
                .iter()
                .map(|(c, _)| quoted(c))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=table.columns.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for record in &values {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
            for (value, (_, kind)) in record.iter().zip(&table.columns) {
                query = bind_value(query, value, *kind);
            }
            query
                .execute(&mut *tx)
                .await
                .with_context(|| format!("rij overnemen in tabel {}", table.name))?;
        }
        // Identity columns continue after the highest copied id.
        let has_id = table.columns.iter().any(|(c, _)| c == "id");
        let serial: Option<String> = if has_id {
            sqlx::query_scalar("select pg_get_serial_sequence($1, 'id')")
                .bind(&table.name)
                .fetch_one(&mut *tx)
                .await?
        } else {
            None
        };
        if let (Some(sequence), false) = (serial, values.is_empty()) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "select setval($1, (select max(id) from {}))",
                quoted(&table.name)
            )))
            .bind(sequence)
            .execute(&mut *tx)
            .await?;
        }

        // Read back and compare before anything is committed.
        let back = sqlx::query(sqlx::AssertSqlSafe(select_all(table, "1")))
            .fetch_all(&mut *tx)
            .await?;
        let mut written = Vec::with_capacity(back.len());
        for row in &back {
            let mut record = Vec::with_capacity(table.columns.len());
            for (column, kind) in &table.columns {
                record.push(postgres_value(row, column, *kind)?);
            }
            written.push(record);
        }
        let mut expected = values;
        expected.sort();
        written.sort();
        if expected != written {
            bail!(
                "tabel {}: de gegevens in PostgreSQL wijken af van de bron; er is niets overgenomen",
                table.name
            );
        }
        progress(&table.name, written.len());
        copied.push((table.name.clone(), written.len()));
    }
    tx.commit().await?;
    snapshot.rollback().await?;
    Ok(Copied { tables: copied })
}
