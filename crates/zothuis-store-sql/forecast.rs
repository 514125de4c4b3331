//! Population forecasts for the forecasts of demand (migration 0040).

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::forecast::population::{
    AgeBand, NewPopulation, Population, PopulationForecast,
};
use zothuis_domain::forecast::scenario::{Scenario, ScenarioDraft};
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::ForecastStore;
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("ongeldige bevolkingsprognose in de database: {e}"))
}

/// A forecast row with its extent (`first`, `last`, `municipalities`,
/// `row_count` from the rows).
fn forecast(r: &DbRow) -> DomainResult<PopulationForecast> {
    let first: Option<i64> = r.try_get("first_year").map_err(internal)?;
    let last: Option<i64> = r.try_get("last_year").map_err(internal)?;
    let municipalities: i64 = r.try_get("municipality_count").map_err(internal)?;
    let rows: i64 = r.try_get("row_count").map_err(internal)?;
    let year = |y: Option<i64>| i32::try_from(y.unwrap_or(0)).map_err(bad);
    Ok(PopulationForecast {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        source: r.try_get("source").map_err(internal)?,
        uploaded_at: r.try_get("uploaded_at").map_err(internal)?,
        uploaded_by: r.try_get("uploaded_by").map_err(internal)?,
        years: (year(first)?, year(last)?),
        municipalities: u32::try_from(municipalities).map_err(bad)?,
        rows: u32::try_from(rows).map_err(bad)?,
    })
}

const SELECT: &str = "select f.id, f.region_id, f.name, f.source, f.uploaded_at, f.uploaded_by,
        (select min(year) from population_rows r where r.forecast_id = f.id) as first_year,
        (select max(year) from population_rows r where r.forecast_id = f.id) as last_year,
        (select count(distinct municipality) from population_rows r
          where r.forecast_id = f.id) as municipality_count,
        (select count(*) from population_rows r where r.forecast_id = f.id) as row_count
   from population_forecasts f";

const SCENARIO: &str = "select id, region_id, name, description, population_id, assumptions,
        copied_from, created_at, created_by, updated_at, updated_by, version, published_at,
        published_by from forecast_scenarios";

fn scenario(r: &DbRow) -> DomainResult<Scenario> {
    let assumptions: String = r.try_get("assumptions").map_err(internal)?;
    Ok(Scenario {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        description: r.try_get("description").map_err(internal)?,
        population_id: r.try_get("population_id").map_err(internal)?,
        assumptions: serde_json::from_str(&assumptions).map_err(bad)?,
        copied_from: r.try_get("copied_from").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        created_by: r.try_get("created_by").map_err(internal)?,
        updated_at: r.try_get("updated_at").map_err(internal)?,
        updated_by: r.try_get("updated_by").map_err(internal)?,
        version: r.try_get("version").map_err(internal)?,
        published_at: r.try_get("published_at").map_err(internal)?,
        published_by: r.try_get("published_by").map_err(internal)?,
    })
}

fn assumptions_json(d: &ScenarioDraft) -> DomainResult<String> {
    serde_json::to_string(&d.assumptions).map_err(bad)
}

/// The scenario as it is now, within a write: missing is `NotFound`,
/// published or changed since `version` is `Conflict`.
async fn changeable(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    id: i64,
    version: i64,
) -> DomainResult<()> {
    let row: Option<(i64, Option<DateTime<Utc>>)> =
        sqlx::query_as("select version, published_at from forecast_scenarios where id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    match row {
        None => Err(DomainError::NotFound("dit scenario bestaat niet".into())),
        Some((_, Some(_))) => Err(DomainError::Conflict(
            "dit scenario is gepubliceerd en verandert niet meer; maak een kopie om verder te werken"
                .into(),
        )),
        Some((v, None)) if v != version => Err(DomainError::StaleVersion(format!(
            "het scenario is intussen gewijzigd (versie {v}, niet {version}); open het opnieuw"
        ))),
        Some(_) => Ok(()),
    }
}

async fn read_scenario(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    id: i64,
) -> DomainResult<Scenario> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SCENARIO} where id = $1")))
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    scenario(&row)
}

/// A scenario written in `w`: read back, audited, committed.
async fn written(mut w: crate::WriteTx<'_>, id: i64, audit: AuditDraft) -> DomainResult<Scenario> {
    let s = read_scenario(&mut w.tx, id).await?;
    append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
    w.commit().await?;
    Ok(s)
}

#[async_trait]
impl ForecastStore for DbStore {
    async fn create_population(
        &self,
        p: &NewPopulation,
        data: &Population,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<PopulationForecast> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into population_forecasts (region_id, name, source, uploaded_at, uploaded_by)
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(p.region_id)
        .bind(&p.name)
        .bind(&p.source)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        for ((gemeente, year, band), residents) in &data.rows {
            sqlx::query(
                "insert into population_rows
                    (forecast_id, municipality, year, age_from, age_to, residents)
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(gemeente.as_str())
            .bind(i64::from(*year))
            .bind(i64::from(band.from))
            .bind(band.to.map(i64::from))
            .bind(i64::try_from(*residents).map_err(bad)?)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} where f.id = $1")))
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await
            .map_err(internal)?;
        let created = forecast(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_populations(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<PopulationForecast>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} where ($1 is null or f.region_id = $1) order by f.id desc"
        )))
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(forecast).collect()
    }

    async fn get_population(
        &self,
        id: i64,
    ) -> DomainResult<Option<(PopulationForecast, Population)>> {
        let Some(head) = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} where f.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "select municipality, year, age_from, age_to, residents from population_rows
              where forecast_id = $1",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        let mut data = Population::default();
        for r in &rows {
            let code: String = r.try_get("municipality").map_err(internal)?;
            let year: i64 = r.try_get("year").map_err(internal)?;
            let from: i64 = r.try_get("age_from").map_err(internal)?;
            let to: Option<i64> = r.try_get("age_to").map_err(internal)?;
            let residents: i64 = r.try_get("residents").map_err(internal)?;
            data.rows.insert(
                (
                    GemeenteCode::parse(&code).map_err(bad)?,
                    i32::try_from(year).map_err(bad)?,
                    AgeBand {
                        from: u8::try_from(from).map_err(bad)?,
                        to: to.map(u8::try_from).transpose().map_err(bad)?,
                    },
                ),
                u64::try_from(residents).map_err(bad)?,
            );
        }
        Ok(Some((forecast(&head)?, data)))
    }

    async fn create_scenario(
        &self,
        d: &ScenarioDraft,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Scenario> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into forecast_scenarios (region_id, name, description, population_id,
                assumptions, copied_from, created_at, created_by, updated_at, updated_by, version)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, 1) returning id",
        )
        .bind(d.region_id)
        .bind(&d.name)
        .bind(&d.description)
        .bind(d.population_id)
        .bind(assumptions_json(d)?)
        .bind(d.copied_from)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        written(w, id, audit).await
    }

    async fn update_scenario(
        &self,
        id: i64,
        version: i64,
        d: &ScenarioDraft,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Scenario> {
        let mut w = self.begin_write().await?;
        changeable(&mut w.tx, id, version).await?;
        sqlx::query(
            "update forecast_scenarios set name = $2, description = $3, population_id = $4,
                assumptions = $5, updated_at = $6, updated_by = $7, version = version + 1
              where id = $1",
        )
        .bind(id)
        .bind(&d.name)
        .bind(&d.description)
        .bind(d.population_id)
        .bind(assumptions_json(d)?)
        .bind(at)
        .bind(recorded_by)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        written(w, id, audit).await
    }

    async fn publish_scenario(
        &self,
        id: i64,
        version: i64,
        result: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Scenario> {
        let mut w = self.begin_write().await?;
        changeable(&mut w.tx, id, version).await?;
        sqlx::query(
            "update forecast_scenarios set published_at = $2, published_by = $3, result = $4,
                version = version + 1
              where id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(recorded_by)
        .bind(result)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        written(w, id, audit).await
    }

    async fn list_scenarios(&self, region_id: Option<i64>) -> DomainResult<Vec<Scenario>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SCENARIO} where ($1 is null or region_id = $1) order by id desc"
        )))
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(scenario).collect()
    }

    async fn get_scenario(&self, id: i64) -> DomainResult<Option<(Scenario, Option<String>)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{} where id = $1",
            SCENARIO.replace(
                " from forecast_scenarios",
                ", result from forecast_scenarios"
            )
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.map(|r| Ok((scenario(&r)?, r.try_get("result").map_err(internal)?)))
            .transpose()
    }
}
