//! Money: the tariffs of a region's contracts, with their versions.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::finance::budget::*;
use zothuis_domain::finance::settlement::*;
use zothuis_domain::finance::*;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::reference::TariffUnit;
use zothuis_domain::store::{FinanceStore, NewBudget};
use zothuis_domain::{DomainError, DomainResult};

/// A header joined with one of its versions (`v.id as version_id`).
fn tariff(r: &DbRow) -> DomainResult<Tariff> {
    let unit: String = r.try_get("unit").map_err(internal)?;
    Ok(Tariff {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        facts: TariffFacts {
            product_id: r.try_get("product_id").map_err(internal)?,
            provider_id: r.try_get("provider_id").map_err(internal)?,
            unit: TariffUnit::parse(&unit).map_err(|e| {
                DomainError::Internal(format!("onleesbare waarde in database: {e}"))
            })?,
            amount: Bedrag(r.try_get("amount_cents").map_err(internal)?),
            valid_from: r.try_get("valid_from").map_err(internal)?,
            valid_until: r.try_get("valid_until").map_err(internal)?,
            withdrawn: r.try_get("withdrawn").map_err(internal)?,
            note: r.try_get("note").map_err(internal)?,
            financing: crate::care::financing(r)?,
            care_level: crate::care::care_level(r)?,
        },
        version_id: r.try_get("version_id").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

const COLUMNS: &str = "t.id, t.region_id, t.created_at, v.id as version_id, v.product_id,
    v.provider_id, v.unit, v.amount_cents, v.valid_from, v.valid_until, v.withdrawn, v.note,
    v.financing, v.care_level, v.recorded_at, v.recorded_by";

/// The versions of one tariff (`$1`), in `order` of their ids.
fn versions_sql(order: &str) -> String {
    format!(
        "select {COLUMNS} from tariffs t
           join tariff_versions v on v.tariff_id = t.id
          where t.id = $1 order by v.id {order}"
    )
}

type Tx = sqlx::Transaction<'static, crate::Db>;

async fn insert_version(
    tx: &mut Tx,
    tariff_id: i64,
    f: &TariffFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Tariff> {
    sqlx::query(
        "insert into tariff_versions (tariff_id, product_id, provider_id, unit, amount_cents,
            valid_from, valid_until, withdrawn, note, financing, care_level, recorded_at,
            recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(tariff_id)
    .bind(f.product_id)
    .bind(f.provider_id)
    .bind(f.unit.code())
    .bind(f.amount.cents())
    .bind(f.valid_from)
    .bind(f.valid_until)
    .bind(f.withdrawn)
    .bind(&f.note)
    .bind(f.financing.code())
    .bind(f.care_level.map(|l| i64::from(l.get())))
    .bind(at)
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let row = sqlx::query(sqlx::AssertSqlSafe(versions_sql("desc limit 1")))
        .bind(tariff_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    tariff(&row)
}

#[async_trait]
impl FinanceStore for DbStore {
    async fn create_tariff(
        &self,
        region_id: i64,
        facts: &TariffFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tariff> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into tariffs (region_id, created_at) values ($1, $2) returning id",
        )
        .bind(region_id)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn add_tariff_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TariffFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tariff> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "tariff_versions",
            "tariff_id",
            id,
            expected_version,
            "Dit tarief",
        )
        .await?;
        let changed = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(changed)
    }

    async fn tariff_versions(&self, id: i64) -> DomainResult<Vec<Tariff>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(versions_sql("")))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(tariff).collect()
    }

    async fn list_tariffs(
        &self,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Tariff>> {
        // Versions are written one at a time (serialised writers), so the
        // latest recorded by a moment is the highest id recorded by then.
        let condition = match region_id {
            None => "",
            Some(_) => " and t.region_id = $2",
        };
        let sql = format!(
            "select {COLUMNS} from tariffs t
               join tariff_versions v on v.tariff_id = t.id
              where v.id = (select max(w.id) from tariff_versions w
                             where w.tariff_id = t.id and w.recorded_at <= $1){condition}
              order by t.id"
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(known_at);
        let q = match region_id {
            None => q,
            Some(id) => q.bind(id),
        };
        let rows = q.fetch_all(self.pool()).await.map_err(internal)?;
        rows.iter().map(tariff).collect()
    }

    async fn create_budget(
        &self,
        b: &NewBudget,
        data: &BudgetVersionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Budget, BudgetVersion)> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into budgets (region_id, municipality_code, name, created_at)
             values ($1, $2, $3, $4) returning id",
        )
        .bind(b.region_id)
        .bind(b.municipality.as_ref().map(|m| m.as_str().to_string()))
        .bind(&b.name)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let version = insert_budget_version(&mut w.tx, id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        let created = Budget {
            id,
            region_id: b.region_id,
            municipality: b.municipality.clone(),
            name: b.name.clone(),
            created_at: at,
        };
        Ok((created, version))
    }

    async fn add_budget_version(
        &self,
        budget_id: i64,
        expected_version: i64,
        data: &BudgetVersionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<BudgetVersion> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "budget_versions",
            "budget_id",
            budget_id,
            expected_version,
            "Deze begroting",
        )
        .await?;
        let version = insert_budget_version(&mut w.tx, budget_id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(version)
    }

    async fn list_budgets(&self, region_id: Option<i64>) -> DomainResult<Vec<Budget>> {
        let rows = self.rows_of_region("budgets", region_id, "asc").await?;
        rows.iter().map(budget).collect()
    }

    async fn get_budget(&self, id: i64) -> DomainResult<Option<(Budget, Vec<BudgetVersion>)>> {
        let Some(row) = sqlx::query("select * from budgets where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let versions = read_versions(self.pool(), id).await?;
        Ok(Some((budget(&row)?, versions)))
    }

    async fn add_budget_actual(
        &self,
        budget_id: i64,
        d: &BudgetActualData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<BudgetActual> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into budget_actuals (budget_id, code, year, month, amount_cents, note,
                recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning *",
        )
        .bind(budget_id)
        .bind(&d.code)
        .bind(i64::from(d.year))
        .bind(i64::from(d.month))
        .bind(d.amount.cents())
        .bind(&d.note)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = actual(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn budget_actuals(&self, budget_id: i64) -> DomainResult<Vec<BudgetActual>> {
        let rows = sqlx::query("select * from budget_actuals where budget_id = $1 order by id")
            .bind(budget_id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(actual).collect()
    }

    async fn create_distribution_key(
        &self,
        region_id: i64,
        data: &KeyData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(DistributionKey, KeyVersion)> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into distribution_keys (region_id, created_at) values ($1, $2) returning id",
        )
        .bind(region_id)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let version = insert_key_version(&mut w.tx, id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok((
            DistributionKey {
                id,
                region_id,
                created_at: at,
            },
            version,
        ))
    }

    async fn add_distribution_key_version(
        &self,
        key_id: i64,
        expected_version: i64,
        data: &KeyData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<KeyVersion> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "distribution_key_versions",
            "key_id",
            key_id,
            expected_version,
            "Deze verdeelsleutel",
        )
        .await?;
        let version = insert_key_version(&mut w.tx, key_id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(version)
    }

    async fn list_distribution_keys(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<DistributionKey>> {
        let rows = self
            .rows_of_region("distribution_keys", region_id, "asc")
            .await?;
        rows.iter().map(distribution_key).collect()
    }

    async fn get_distribution_key(
        &self,
        id: i64,
    ) -> DomainResult<Option<(DistributionKey, Vec<KeyVersion>)>> {
        let Some(row) = sqlx::query("select * from distribution_keys where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let rows =
            sqlx::query("select * from distribution_key_versions where key_id = $1 order by id")
                .bind(id)
                .fetch_all(self.pool())
                .await
                .map_err(internal)?;
        let versions = rows.iter().map(key_version).collect::<DomainResult<_>>()?;
        Ok(Some((distribution_key(&row)?, versions)))
    }

    async fn publish_settlement(
        &self,
        p: &PublishedSettlement,
        audit: AuditDraft,
    ) -> DomainResult<PublishedSettlement> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into settlements (region_id, period, agreement, key_version_id, statement,
                published_at, published_by)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(p.region_id)
        .bind(&p.period)
        .bind(&p.agreement)
        .bind(p.key_version_id)
        .bind(&p.statement)
        .bind(p.published_at)
        .bind(&p.published_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(PublishedSettlement { id, ..p.clone() })
    }

    async fn list_settlements(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<PublishedSettlement>> {
        let rows = self
            .rows_of_region("settlements", region_id, "desc")
            .await?;
        rows.iter().map(settlement).collect()
    }

    async fn get_settlement(&self, id: i64) -> DomainResult<Option<PublishedSettlement>> {
        sqlx::query("select * from settlements where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?
            .as_ref()
            .map(settlement)
            .transpose()
    }
}

impl DbStore {
    /// The rows of a table of a region (or of all regions), by id in
    /// `order` (`asc` or `desc`).
    async fn rows_of_region(
        &self,
        table: &'static str,
        region_id: Option<i64>,
        order: &'static str,
    ) -> DomainResult<Vec<DbRow>> {
        let filter = if region_id.is_some() {
            "where region_id = $1"
        } else {
            ""
        };
        // Only this file's table names and orders: no input in the text.
        let sql = format!("select * from {table} {filter} order by id {order}");
        let q = sqlx::query(sqlx::AssertSqlSafe(sql));
        let q = match region_id {
            None => q,
            Some(id) => q.bind(id),
        };
        q.fetch_all(self.pool()).await.map_err(internal)
    }
}

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn budget(r: &DbRow) -> DomainResult<Budget> {
    let municipality: Option<String> = r.try_get("municipality_code").map_err(internal)?;
    Ok(Budget {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        municipality: municipality
            .map(|m| GemeenteCode::parse(&m).map_err(bad))
            .transpose()?,
        name: r.try_get("name").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
    })
}

/// The versions of budget `$1` with their lines (one row per line and
/// year), in order.
async fn read_versions<'e, E>(db: E, budget_id: i64) -> DomainResult<Vec<BudgetVersion>>
where
    E: sqlx::Executor<'e, Database = crate::Db>,
{
    let rows = sqlx::query(
        "select v.id, v.budget_id, v.kind, v.title, v.note, v.recorded_at, v.recorded_by,
                l.position, l.code, l.side, l.category, l.label, l.year, l.amount_cents
           from budget_versions v
           join budget_lines l on l.version_id = v.id
          where v.budget_id = $1
          order by v.id, l.position, l.year",
    )
    .bind(budget_id)
    .fetch_all(db)
    .await
    .map_err(internal)?;
    let mut out: Vec<BudgetVersion> = Vec::new();
    let mut last_position = -1i64;
    for r in &rows {
        let id: i64 = r.try_get("id").map_err(internal)?;
        if out.last().is_none_or(|v| v.id != id) {
            let kind: String = r.try_get("kind").map_err(internal)?;
            out.push(BudgetVersion {
                id,
                budget_id: r.try_get("budget_id").map_err(internal)?,
                kind: BudgetKind::parse(&kind).map_err(bad)?,
                title: r.try_get("title").map_err(internal)?,
                note: r.try_get("note").map_err(internal)?,
                lines: Vec::new(),
                recorded_at: r.try_get("recorded_at").map_err(internal)?,
                recorded_by: r.try_get("recorded_by").map_err(internal)?,
            });
            last_position = -1;
        }
        let Some(version) = out.last_mut() else {
            continue;
        };
        let position: i64 = r.try_get("position").map_err(internal)?;
        if position != last_position {
            let side: String = r.try_get("side").map_err(internal)?;
            let category: String = r.try_get("category").map_err(internal)?;
            version.lines.push(BudgetLine {
                code: r.try_get("code").map_err(internal)?,
                side: BudgetSide::parse(&side).map_err(bad)?,
                category: BudgetCategory::parse(&category).map_err(bad)?,
                label: r.try_get("label").map_err(internal)?,
                amounts: Vec::new(),
            });
            last_position = position;
        }
        let year: Option<i64> = r.try_get("year").map_err(internal)?;
        let amount: Option<i64> = r.try_get("amount_cents").map_err(internal)?;
        if let (Some(y), Some(a), Some(line)) = (year, amount, version.lines.last_mut()) {
            line.amounts
                .push((i32::try_from(y).map_err(bad)?, Bedrag(a)));
        }
    }
    Ok(out)
}

async fn insert_budget_version(
    tx: &mut Tx,
    budget_id: i64,
    d: &BudgetVersionData,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<BudgetVersion> {
    let id: i64 = sqlx::query_scalar(
        "insert into budget_versions (budget_id, kind, title, note, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(budget_id)
    .bind(d.kind.code())
    .bind(&d.title)
    .bind(&d.note)
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    for (position, line) in d.lines.iter().enumerate() {
        // A line without amounts keeps one row without a year.
        let amounts: Vec<(Option<i64>, Option<i64>)> = if line.amounts.is_empty() {
            vec![(None, None)]
        } else {
            line.amounts
                .iter()
                .map(|(y, a)| (Some(i64::from(*y)), Some(a.cents())))
                .collect()
        };
        for (year, amount) in amounts {
            sqlx::query(
                "insert into budget_lines (version_id, position, code, side, category, label,
                    year, amount_cents)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(i64::try_from(position).map_err(bad)?)
            .bind(&line.code)
            .bind(line.side.code())
            .bind(line.category.code())
            .bind(&line.label)
            .bind(year)
            .bind(amount)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
        }
    }
    Ok(BudgetVersion {
        id,
        budget_id,
        kind: d.kind,
        title: d.title.clone(),
        note: d.note.clone(),
        lines: d.lines.clone(),
        recorded_at: at,
        recorded_by: by.to_string(),
    })
}

fn actual(r: &DbRow) -> DomainResult<BudgetActual> {
    let year: i64 = r.try_get("year").map_err(internal)?;
    let month: i64 = r.try_get("month").map_err(internal)?;
    Ok(BudgetActual {
        id: r.try_get("id").map_err(internal)?,
        budget_id: r.try_get("budget_id").map_err(internal)?,
        code: r.try_get("code").map_err(internal)?,
        year: i32::try_from(year).map_err(bad)?,
        month: u32::try_from(month).map_err(bad)?,
        amount: Bedrag(r.try_get("amount_cents").map_err(internal)?),
        note: r.try_get("note").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

fn distribution_key(r: &DbRow) -> DomainResult<DistributionKey> {
    Ok(DistributionKey {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
    })
}

/// The shares of a key version as stored.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredShare {
    gemeente: String,
    aandeel: u32,
}

fn key_version(r: &DbRow) -> DomainResult<KeyVersion> {
    let kind: String = r.try_get("kind").map_err(internal)?;
    let shares: String = r.try_get("shares").map_err(internal)?;
    let shares: Vec<StoredShare> = serde_json::from_str(&shares).map_err(bad)?;
    Ok(KeyVersion {
        version_id: r.try_get("id").map_err(internal)?,
        key_id: r.try_get("key_id").map_err(internal)?,
        data: KeyData {
            kind: KeyKind::parse(&kind).map_err(bad)?,
            name: r.try_get("name").map_err(internal)?,
            source: r.try_get("source").map_err(internal)?,
            shares: shares
                .into_iter()
                .map(|s| {
                    Ok((
                        GemeenteCode::parse(&s.gemeente).map_err(bad)?,
                        Aandeel(s.aandeel),
                    ))
                })
                .collect::<DomainResult<_>>()?,
        },
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

async fn insert_key_version(
    tx: &mut Tx,
    key_id: i64,
    d: &KeyData,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<KeyVersion> {
    let shares: Vec<StoredShare> = d
        .shares
        .iter()
        .map(|(g, a)| StoredShare {
            gemeente: g.as_str().to_string(),
            aandeel: a.0,
        })
        .collect();
    let id: i64 = sqlx::query_scalar(
        "insert into distribution_key_versions (key_id, kind, name, source, shares, recorded_at,
            recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(key_id)
    .bind(d.kind.code())
    .bind(&d.name)
    .bind(&d.source)
    .bind(serde_json::to_string(&shares).map_err(bad)?)
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(KeyVersion {
        version_id: id,
        key_id,
        data: d.clone(),
        recorded_at: at,
        recorded_by: by.to_string(),
    })
}

fn settlement(r: &DbRow) -> DomainResult<PublishedSettlement> {
    Ok(PublishedSettlement {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        period: r.try_get("period").map_err(internal)?,
        agreement: r.try_get("agreement").map_err(internal)?,
        key_version_id: r.try_get("key_version_id").map_err(internal)?,
        statement: r.try_get("statement").map_err(internal)?,
        published_at: r.try_get("published_at").map_err(internal)?,
        published_by: r.try_get("published_by").map_err(internal)?,
    })
}
