//! Reference data in SQLite.

use crate::Db;
use crate::DbRow;
use crate::{DbStore, append_audit_tx, constraint, internal, stale_or_missing};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Row, Transaction};
use std::collections::HashMap;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::reference::*;
use zothuis_domain::store::ReferenceStore;
use zothuis_domain::{DomainError, DomainResult};

fn get<'r, T>(row: &'r DbRow, col: &str) -> DomainResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(col).map_err(internal)
}

fn code_err(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare code in database: {e}"))
}

fn region(r: &DbRow) -> DomainResult<Region> {
    let centrum: Option<String> = get(r, "centrumgemeente")?;
    Ok(Region {
        id: get(r, "id")?,
        code: get(r, "code")?,
        name: get(r, "name")?,
        centrumgemeente: centrum
            .map(|c| GemeenteCode::parse(&c).map_err(code_err))
            .transpose()?,
        version: get(r, "version")?,
    })
}

fn municipality(r: &DbRow) -> DomainResult<Municipality> {
    let code: String = get(r, "code")?;
    Ok(Municipality {
        code: GemeenteCode::parse(&code).map_err(code_err)?,
        name: get(r, "name")?,
        region_id: get(r, "region_id")?,
        version: get(r, "version")?,
    })
}

fn provider(r: &DbRow) -> DomainResult<Provider> {
    Ok(Provider {
        id: get(r, "id")?,
        name: get(r, "name")?,
        agb_code: get(r, "agb_code")?,
        version: get(r, "version")?,
    })
}

fn corporation(r: &DbRow) -> DomainResult<Corporation> {
    Ok(Corporation {
        id: get(r, "id")?,
        region_id: get(r, "region_id")?,
        name: get(r, "name")?,
        version: get(r, "version")?,
    })
}

const CORPORATION_EXISTS: &str = "Er bestaat al een corporatie met deze naam in deze regio.";

fn product(r: &DbRow) -> DomainResult<Product> {
    let category: String = get(r, "category")?;
    let kind: String = get(r, "kind")?;
    let unit: String = get(r, "tariff_unit")?;
    Ok(Product {
        id: get(r, "id")?,
        code: get(r, "code")?,
        name: get(r, "name")?,
        category: ProductCategorie::parse(&category).map_err(code_err)?,
        kind: ProductKind::parse(&kind).map_err(code_err)?,
        tariff_unit: TariffUnit::parse(&unit).map_err(code_err)?,
        version: get(r, "version")?,
    })
}

fn location(r: &DbRow, product_ids: Vec<i64>) -> DomainResult<Location> {
    let code: String = get(r, "municipality_code")?;
    Ok(Location {
        id: get(r, "id")?,
        provider_id: get(r, "provider_id")?,
        municipality: GemeenteCode::parse(&code).map_err(code_err)?,
        name: get(r, "name")?,
        address: get(r, "address")?,
        secret_address: get(r, "secret_address")?,
        product_ids,
        version: get(r, "version")?,
    })
}

fn capacity(r: &DbRow) -> DomainResult<CapacityRow> {
    Ok(CapacityRow {
        id: get(r, "id")?,
        location_id: get(r, "location_id")?,
        product_id: get(r, "product_id")?,
        places: get(r, "places")?,
        valid_from: get(r, "valid_from")?,
        valid_to: get(r, "valid_to")?,
        recorded_at: get::<DateTime<Utc>>(r, "recorded_at")?,
        recorded_by: get(r, "recorded_by")?,
    })
}

fn regime(r: &DbRow) -> DomainResult<RegimeRow> {
    let code: String = get(r, "regime")?;
    Ok(RegimeRow {
        id: get(r, "id")?,
        region_id: get(r, "region_id")?,
        regime: zothuis_domain::access::woonplaats::Regime::parse(&code).map_err(code_err)?,
        effective_from: get(r, "effective_from")?,
        recorded_at: get::<DateTime<Utc>>(r, "recorded_at")?,
        recorded_by: get(r, "recorded_by")?,
    })
}

async fn exists(
    tx: &mut Transaction<'static, Db>,
    sql: &'static str,
    key: impl for<'q> sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send,
) -> DomainResult<bool> {
    let row = sqlx::query(sql)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(row.is_some())
}

async fn set_location_products(
    tx: &mut Transaction<'static, Db>,
    location_id: i64,
    product_ids: &[i64],
) -> DomainResult<()> {
    sqlx::query("delete from location_products where location_id = $1")
        .bind(location_id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    for pid in product_ids {
        sqlx::query("insert into location_products (location_id, product_id) values ($1, $2)")
            .bind(location_id)
            .bind(pid)
            .execute(&mut **tx)
            .await
            .map_err(|e| constraint(e, "Dit product staat al bij de locatie."))?;
    }
    Ok(())
}

impl DbStore {
    async fn product_ids_of(&self, location_id: i64) -> DomainResult<Vec<i64>> {
        sqlx::query_scalar(
            "select product_id from location_products where location_id = $1 order by product_id",
        )
        .bind(location_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)
    }
}

impl DbStore {
    /// Deletes one row if its version still matches, with its audit row.
    /// `delete` and `exists` take the key as `$1`; `delete` the version as `$2`.
    async fn delete_versioned<K>(
        &self,
        delete: &'static str,
        exists_sql: &'static str,
        key: K,
        expected_version: i64,
        what: &str,
        audit: AuditDraft,
    ) -> DomainResult<()>
    where
        K: for<'q> sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send + Clone,
    {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(delete)
            .bind(key.clone())
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| constraint(e, ""))?;
        if done.rows_affected() == 0 {
            let found = exists(&mut w.tx, exists_sql, key).await?;
            return Err(stale_or_missing(found, what));
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }
}

#[async_trait]
impl ReferenceStore for DbStore {
    async fn list_regions(&self) -> DomainResult<Vec<Region>> {
        let rows = sqlx::query(
            "select id, code, name, centrumgemeente, version from regions order by name",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(region).collect()
    }

    async fn get_region(&self, id: i64) -> DomainResult<Option<Region>> {
        let row = sqlx::query(
            "select id, code, name, centrumgemeente, version from regions where id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(region).transpose()
    }

    async fn find_region_by_code(&self, code: &str) -> DomainResult<Option<Region>> {
        let row = sqlx::query(
            "select id, code, name, centrumgemeente, version from regions where code = $1",
        )
        .bind(code.to_ascii_uppercase())
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(region).transpose()
    }

    async fn create_region(&self, data: &RegionData, audit: AuditDraft) -> DomainResult<Region> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into regions (code, name, centrumgemeente) values ($1, $2, $3)
             returning id, code, name, centrumgemeente, version",
        )
        .bind(data.code.as_str())
        .bind(data.name.as_str())
        .bind(data.centrumgemeente.as_ref().map(|c| c.to_string()))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een regio met deze code."))?;
        let created = region(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_region(
        &self,
        id: i64,
        expected_version: i64,
        data: &RegionData,
        audit: AuditDraft,
    ) -> DomainResult<Region> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update regions set code = $1, name = $2, centrumgemeente = $3, version = version + 1
             where id = $4 and version = $5
             returning id, code, name, centrumgemeente, version",
        )
        .bind(data.code.as_str())
        .bind(data.name.as_str())
        .bind(data.centrumgemeente.as_ref().map(|c| c.to_string()))
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een regio met deze code."))?;
        let Some(row) = row else {
            let found = exists(&mut w.tx, "select 1 from regions where id = $1", id).await?;
            return Err(stale_or_missing(found, "Deze regio"));
        };
        let updated = region(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_region(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from regions where id = $1 and version = $2",
            "select 1 from regions where id = $1",
            id,
            expected_version,
            "Deze regio",
            audit,
        )
        .await
    }

    async fn list_municipalities(&self) -> DomainResult<Vec<Municipality>> {
        let rows =
            sqlx::query("select code, name, region_id, version from municipalities order by name")
                .fetch_all(self.pool())
                .await
                .map_err(internal)?;
        rows.iter().map(municipality).collect()
    }

    async fn get_municipality(&self, code: &GemeenteCode) -> DomainResult<Option<Municipality>> {
        let row = sqlx::query(
            "select code, name, region_id, version from municipalities where code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(municipality).transpose()
    }

    async fn create_municipality(
        &self,
        data: &MunicipalityData,
        audit: AuditDraft,
    ) -> DomainResult<Municipality> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into municipalities (code, name, region_id) values ($1, $2, $3)
             returning code, name, region_id, version",
        )
        .bind(data.code.as_str())
        .bind(data.name.as_str())
        .bind(data.region_id)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Deze gemeentecode bestaat al."))?;
        let created = municipality(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_municipality(
        &self,
        expected_version: i64,
        data: &MunicipalityData,
        audit: AuditDraft,
    ) -> DomainResult<Municipality> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update municipalities set name = $1, region_id = $2, version = version + 1
             where code = $3 and version = $4
             returning code, name, region_id, version",
        )
        .bind(data.name.as_str())
        .bind(data.region_id)
        .bind(data.code.as_str())
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            let found = exists(
                &mut w.tx,
                "select 1 from municipalities where code = $1",
                data.code.to_string(),
            )
            .await?;
            return Err(stale_or_missing(found, "Deze gemeente"));
        };
        let updated = municipality(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_municipality(
        &self,
        code: &GemeenteCode,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from municipalities where code = $1 and version = $2",
            "select 1 from municipalities where code = $1",
            code.to_string(),
            expected_version,
            "Deze gemeente",
            audit,
        )
        .await
    }

    async fn list_providers(&self) -> DomainResult<Vec<Provider>> {
        let rows = sqlx::query("select id, name, agb_code, version from providers order by name")
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(provider).collect()
    }

    async fn get_provider(&self, id: i64) -> DomainResult<Option<Provider>> {
        let row = sqlx::query("select id, name, agb_code, version from providers where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(provider).transpose()
    }

    async fn create_provider(
        &self,
        data: &ProviderData,
        audit: AuditDraft,
    ) -> DomainResult<Provider> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into providers (name, agb_code) values ($1, $2)
             returning id, name, agb_code, version",
        )
        .bind(data.name.as_str())
        .bind(data.agb_code.as_ref().map(|a| a.to_string()))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een aanbieder met deze AGB-code."))?;
        let created = provider(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_provider(
        &self,
        id: i64,
        expected_version: i64,
        data: &ProviderData,
        audit: AuditDraft,
    ) -> DomainResult<Provider> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update providers set name = $1, agb_code = $2, version = version + 1
             where id = $3 and version = $4
             returning id, name, agb_code, version",
        )
        .bind(data.name.as_str())
        .bind(data.agb_code.as_ref().map(|a| a.to_string()))
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een aanbieder met deze AGB-code."))?;
        let Some(row) = row else {
            let found = exists(&mut w.tx, "select 1 from providers where id = $1", id).await?;
            return Err(stale_or_missing(found, "Deze aanbieder"));
        };
        let updated = provider(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_provider(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from providers where id = $1 and version = $2",
            "select 1 from providers where id = $1",
            id,
            expected_version,
            "Deze aanbieder",
            audit,
        )
        .await
    }

    async fn list_corporations(&self, region_id: Option<i64>) -> DomainResult<Vec<Corporation>> {
        let rows = sqlx::query(
            "select id, region_id, name, version from corporations
              where $1 is null or region_id = $1 order by name, id",
        )
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(corporation).collect()
    }

    async fn get_corporation(&self, id: i64) -> DomainResult<Option<Corporation>> {
        let row =
            sqlx::query("select id, region_id, name, version from corporations where id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(internal)?;
        row.as_ref().map(corporation).transpose()
    }

    async fn create_corporation(
        &self,
        data: &CorporationData,
        audit: AuditDraft,
    ) -> DomainResult<Corporation> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into corporations (region_id, name) values ($1, $2)
             returning id, region_id, name, version",
        )
        .bind(data.region_id)
        .bind(data.name.as_str())
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, CORPORATION_EXISTS))?;
        let created = corporation(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_corporation(
        &self,
        id: i64,
        expected_version: i64,
        data: &CorporationData,
        audit: AuditDraft,
    ) -> DomainResult<Corporation> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update corporations set region_id = $1, name = $2, version = version + 1
             where id = $3 and version = $4
             returning id, region_id, name, version",
        )
        .bind(data.region_id)
        .bind(data.name.as_str())
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, CORPORATION_EXISTS))?;
        let Some(row) = row else {
            let found = exists(&mut w.tx, "select 1 from corporations where id = $1", id).await?;
            return Err(stale_or_missing(found, "Deze corporatie"));
        };
        let updated = corporation(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_corporation(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from corporations where id = $1 and version = $2",
            "select 1 from corporations where id = $1",
            id,
            expected_version,
            "Deze corporatie",
            audit,
        )
        .await
    }

    async fn list_products(&self) -> DomainResult<Vec<Product>> {
        let rows = sqlx::query(
            "select id, code, name, category, kind, tariff_unit, version from products order by name",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(product).collect()
    }

    async fn get_product(&self, id: i64) -> DomainResult<Option<Product>> {
        let row = sqlx::query(
            "select id, code, name, category, kind, tariff_unit, version from products where id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(product).transpose()
    }

    async fn create_product(&self, data: &ProductData, audit: AuditDraft) -> DomainResult<Product> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into products (code, name, category, kind, tariff_unit) values ($1, $2, $3, $4, $5)
             returning id, code, name, category, kind, tariff_unit, version",
        )
        .bind(data.code.as_str())
        .bind(data.name.as_str())
        .bind(data.category.code())
        .bind(data.kind.code())
        .bind(data.tariff_unit.code())
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een product met deze code."))?;
        let created = product(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_product(
        &self,
        id: i64,
        expected_version: i64,
        data: &ProductData,
        audit: AuditDraft,
    ) -> DomainResult<Product> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update products set code = $1, name = $2, category = $3, kind = $4, tariff_unit = $5,
                version = version + 1
             where id = $6 and version = $7
             returning id, code, name, category, kind, tariff_unit, version",
        )
        .bind(data.code.as_str())
        .bind(data.name.as_str())
        .bind(data.category.code())
        .bind(data.kind.code())
        .bind(data.tariff_unit.code())
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Er bestaat al een product met deze code."))?;
        let Some(row) = row else {
            let found = exists(&mut w.tx, "select 1 from products where id = $1", id).await?;
            return Err(stale_or_missing(found, "Dit product"));
        };
        let updated = product(&row)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_product(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from products where id = $1 and version = $2",
            "select 1 from products where id = $1",
            id,
            expected_version,
            "Dit product",
            audit,
        )
        .await
    }

    async fn list_locations(&self) -> DomainResult<Vec<Location>> {
        let rows = sqlx::query(
            "select id, provider_id, municipality_code, name, address, secret_address, version
             from locations order by name",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        let links: Vec<(i64, i64)> = sqlx::query_as(
            "select location_id, product_id from location_products order by location_id, product_id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        let mut by_location: HashMap<i64, Vec<i64>> = HashMap::new();
        for (l, p) in links {
            by_location.entry(l).or_default().push(p);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = get(r, "id")?;
                location(r, by_location.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn get_location(&self, id: i64) -> DomainResult<Option<Location>> {
        let row = sqlx::query(
            "select id, provider_id, municipality_code, name, address, secret_address, version
             from locations where id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        match row {
            Some(r) => Ok(Some(location(&r, self.product_ids_of(id).await?)?)),
            None => Ok(None),
        }
    }

    async fn create_location(
        &self,
        data: &LocationData,
        audit: AuditDraft,
    ) -> DomainResult<Location> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into locations (provider_id, municipality_code, name, address, secret_address)
             values ($1, $2, $3, $4, $5)
             returning id, provider_id, municipality_code, name, address, secret_address, version",
        )
        .bind(data.provider_id)
        .bind(data.municipality.as_str())
        .bind(data.name.as_str())
        .bind(&data.address)
        .bind(data.secret_address)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Deze locatie bestaat al."))?;
        let id: i64 = get(&row, "id")?;
        set_location_products(&mut w.tx, id, &data.product_ids).await?;
        let created = location(&row, data.product_ids.clone())?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_location(
        &self,
        id: i64,
        expected_version: i64,
        data: &LocationData,
        audit: AuditDraft,
    ) -> DomainResult<Location> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update locations set provider_id = $1, municipality_code = $2, name = $3, address = $4,
                secret_address = $5, version = version + 1
             where id = $6 and version = $7
             returning id, provider_id, municipality_code, name, address, secret_address, version",
        )
        .bind(data.provider_id)
        .bind(data.municipality.as_str())
        .bind(data.name.as_str())
        .bind(&data.address)
        .bind(data.secret_address)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            let found = exists(&mut w.tx, "select 1 from locations where id = $1", id).await?;
            return Err(stale_or_missing(found, "Deze locatie"));
        };
        set_location_products(&mut w.tx, id, &data.product_ids).await?;
        let updated = location(&row, data.product_ids.clone())?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn delete_location(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        self.delete_versioned(
            "delete from locations where id = $1 and version = $2",
            "select 1 from locations where id = $1",
            id,
            expected_version,
            "Deze locatie",
            audit,
        )
        .await
    }

    async fn list_regimes(&self, region_id: i64) -> DomainResult<Vec<RegimeRow>> {
        let rows = sqlx::query("select * from region_regimes where region_id = $1 order by id")
            .bind(region_id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(regime).collect()
    }

    async fn add_regime(
        &self,
        data: &RegimeData,
        recorded_at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<RegimeRow> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into region_regimes (region_id, regime, effective_from, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5) returning *",
        )
        .bind(data.region_id)
        .bind(data.regime.code())
        .bind(data.effective_from)
        .bind(recorded_at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = regime(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_capacity(&self, location_id: i64) -> DomainResult<Vec<CapacityRow>> {
        let rows = sqlx::query(
            "select id, location_id, product_id, places, valid_from, valid_to, recorded_at, recorded_by
             from capacity where location_id = $1 order by product_id, valid_from, id",
        )
        .bind(location_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(capacity).collect()
    }

    async fn add_capacity(
        &self,
        data: &CapacityData,
        recorded_at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<CapacityRow> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into capacity (location_id, product_id, places, valid_from, valid_to, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7)
             returning id, location_id, product_id, places, valid_from, valid_to, recorded_at, recorded_by",
        )
        .bind(data.location_id)
        .bind(data.product_id)
        .bind(data.places)
        .bind(data.valid_from)
        .bind(data.valid_to)
        .bind(recorded_at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = capacity(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }
}
