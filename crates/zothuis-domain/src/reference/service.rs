//! Use cases on reference data.

use super::*;
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult};
use crate::policy::{Action, can};
use crate::service::Services;
use serde_json::{Value, json};

fn not_found(what: &str) -> DomainError {
    DomainError::NotFound(format!("{what} bestaat niet"))
}

impl Region {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code, "naam": self.name,
                "centrumgemeente": self.centrumgemeente.as_ref().map(|c| c.to_string()) })
    }
}
impl Municipality {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code.to_string(), "naam": self.name, "regioId": self.region_id })
    }
}
impl Provider {
    pub fn audit_json(&self) -> Value {
        json!({ "naam": self.name, "agbCode": self.agb_code })
    }
}
impl Corporation {
    pub fn audit_json(&self) -> Value {
        json!({ "naam": self.name, "regioId": self.region_id })
    }
}
impl CorporationData {
    fn audit_json(&self) -> Value {
        json!({ "naam": self.name.as_str(), "regioId": self.region_id })
    }
}
impl Product {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code, "naam": self.name, "productcategorie": self.category.code(),
                "soort": self.kind.code(), "tariefeenheid": self.tariff_unit.code() })
    }
}
impl Location {
    pub fn audit_json(&self) -> Value {
        // The address itself stays out of the log: a secret address must not
        // leak through the audit trail.
        json!({ "naam": self.name, "aanbiederId": self.provider_id,
                "gemeenteCode": self.municipality.to_string(), "geheimAdres": self.secret_address,
                "adresGewijzigd": self.address.is_some(), "producten": self.product_ids })
    }
}

impl RegionData {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code.as_str(), "naam": self.name.as_str(),
                "centrumgemeente": self.centrumgemeente.as_ref().map(|c| c.to_string()) })
    }
}
impl MunicipalityData {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code.to_string(), "naam": self.name.as_str(), "regioId": self.region_id })
    }
}
impl ProviderData {
    pub fn audit_json(&self) -> Value {
        json!({ "naam": self.name.as_str(), "agbCode": self.agb_code.as_ref().map(|a| a.to_string()) })
    }
}
impl ProductData {
    pub fn audit_json(&self) -> Value {
        json!({ "code": self.code.as_str(), "naam": self.name.as_str(),
                "productcategorie": self.category.code(), "soort": self.kind.code(),
                "tariefeenheid": self.tariff_unit.code() })
    }
}
impl LocationData {
    pub fn audit_json(&self) -> Value {
        json!({ "naam": self.name.as_str(), "aanbiederId": self.provider_id,
                "gemeenteCode": self.municipality.to_string(), "geheimAdres": self.secret_address,
                "producten": self.product_ids })
    }
}

fn change(before: Option<Value>, after: Option<Value>) -> Value {
    json!({ "voor": before, "na": after })
}

impl Services {
    async fn may_view_reference(&self, ctx: &RequestContext) -> DomainResult<()> {
        // Reference data is not personal data: reads are not audited.
        if can(&ctx.actor, Action::ViewReference).is_allowed() {
            Ok(())
        } else {
            Err(DomainError::Forbidden("geen toegang".into()))
        }
    }

    async fn may_manage_reference(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        object_type: ObjectType,
        id: Option<String>,
    ) -> DomainResult<()> {
        self.authorize(ctx, Action::ManageReference, action, object_type, id)
            .await
    }

    // ---- regions -------------------------------------------------------------

    pub async fn list_regions(&self, ctx: &RequestContext) -> DomainResult<Vec<Region>> {
        self.may_view_reference(ctx).await?;
        self.store.list_regions().await
    }

    pub async fn get_region(&self, ctx: &RequestContext, id: i64) -> DomainResult<Region> {
        self.may_view_reference(ctx).await?;
        self.store
            .get_region(id)
            .await?
            .ok_or_else(|| not_found("Deze regio"))
    }

    /// A region's centrumgemeente must be one of its own municipalities.
    async fn check_centrumgemeente(
        &self,
        region_id: Option<i64>,
        data: &RegionData,
    ) -> DomainResult<()> {
        if let Some(code) = &data.centrumgemeente {
            let m = self.store.get_municipality(code).await?;
            if m.is_none_or(|m| Some(m.region_id) != region_id) {
                return Err(DomainError::invalid(
                    "centrumgemeente",
                    "de centrumgemeente moet een gemeente van deze regio zijn; voeg de gemeente eerst toe aan de regio",
                ));
            }
        }
        Ok(())
    }

    pub async fn create_region(
        &self,
        ctx: &RequestContext,
        input: &RegionInput,
    ) -> DomainResult<Region> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Regio, None)
            .await?;
        let data = input.parse()?;
        self.check_centrumgemeente(None, &data).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Regio, None)
            .with_details(change(None, Some(data.audit_json())));
        let region = self.store.create_region(&data, draft).await?;
        Ok(region)
    }

    pub async fn update_region(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &RegionInput,
    ) -> DomainResult<Region> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Updated, ObjectType::Regio, key.clone())
            .await?;
        let before = self.get_region(ctx, id).await?;
        let data = input.parse()?;
        self.check_centrumgemeente(Some(id), &data).await?;
        let draft = self.draft(ctx, AuditAction::Updated, ObjectType::Regio, key);
        let draft = draft.with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_region(id, expected_version, &data, draft)
            .await
    }

    pub async fn delete_region(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Deleted, ObjectType::Regio, key.clone())
            .await?;
        let before = self.get_region(ctx, id).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Regio, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store.delete_region(id, expected_version, draft).await
    }

    // ---- municipalities -------------------------------------------------------

    pub async fn list_municipalities(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<Municipality>> {
        self.may_view_reference(ctx).await?;
        self.store.list_municipalities().await
    }

    pub async fn get_municipality(
        &self,
        ctx: &RequestContext,
        code: &str,
    ) -> DomainResult<Municipality> {
        self.may_view_reference(ctx).await?;
        let code = GemeenteCode::parse(code).map_err(|_| not_found("Deze gemeente"))?;
        self.store
            .get_municipality(&code)
            .await?
            .ok_or_else(|| not_found("Deze gemeente"))
    }

    async fn check_region_exists(&self, region_id: i64) -> DomainResult<()> {
        match self.store.get_region(region_id).await? {
            Some(_) => Ok(()),
            None => Err(DomainError::invalid("regioId", "deze regio bestaat niet")),
        }
    }

    pub async fn create_municipality(
        &self,
        ctx: &RequestContext,
        input: &MunicipalityInput,
    ) -> DomainResult<Municipality> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Gemeente, None)
            .await?;
        let data = input.parse()?;
        self.check_region_exists(data.region_id).await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Gemeente,
                Some(data.code.to_string()),
            )
            .with_details(change(None, Some(data.audit_json())));
        self.store.create_municipality(&data, draft).await
    }

    pub async fn update_municipality(
        &self,
        ctx: &RequestContext,
        code: &str,
        expected_version: i64,
        input: &MunicipalityInput,
    ) -> DomainResult<Municipality> {
        let key = Some(code.to_string());
        self.may_manage_reference(ctx, AuditAction::Updated, ObjectType::Gemeente, key.clone())
            .await?;
        let before = self.get_municipality(ctx, code).await?;
        // The code in the path is the identity; a different code in the body is refused.
        let mut input = input.clone();
        if input.code.trim().is_empty() {
            input.code = before.code.to_string();
        }
        let data = input.parse()?;
        if data.code != before.code {
            return Err(DomainError::invalid(
                "code",
                "de gemeentecode kan niet worden gewijzigd",
            ));
        }
        self.check_region_exists(data.region_id).await?;
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Gemeente, key)
            .with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_municipality(expected_version, &data, draft)
            .await
    }

    pub async fn delete_municipality(
        &self,
        ctx: &RequestContext,
        code: &str,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(code.to_string());
        self.may_manage_reference(ctx, AuditAction::Deleted, ObjectType::Gemeente, key.clone())
            .await?;
        let before = self.get_municipality(ctx, code).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Gemeente, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store
            .delete_municipality(&before.code, expected_version, draft)
            .await
    }

    // ---- providers ------------------------------------------------------------

    pub async fn list_providers(&self, ctx: &RequestContext) -> DomainResult<Vec<Provider>> {
        self.may_view_reference(ctx).await?;
        self.store.list_providers().await
    }

    pub async fn get_provider(&self, ctx: &RequestContext, id: i64) -> DomainResult<Provider> {
        self.may_view_reference(ctx).await?;
        self.store
            .get_provider(id)
            .await?
            .ok_or_else(|| not_found("Deze aanbieder"))
    }

    pub async fn create_provider(
        &self,
        ctx: &RequestContext,
        input: &ProviderInput,
    ) -> DomainResult<Provider> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Aanbieder, None)
            .await?;
        let data = input.parse()?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Aanbieder, None)
            .with_details(change(None, Some(data.audit_json())));
        self.store.create_provider(&data, draft).await
    }

    pub async fn update_provider(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &ProviderInput,
    ) -> DomainResult<Provider> {
        let key = Some(id.to_string());
        self.may_manage_reference(
            ctx,
            AuditAction::Updated,
            ObjectType::Aanbieder,
            key.clone(),
        )
        .await?;
        let before = self.get_provider(ctx, id).await?;
        let data = input.parse()?;
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Aanbieder, key)
            .with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_provider(id, expected_version, &data, draft)
            .await
    }

    pub async fn delete_provider(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.may_manage_reference(
            ctx,
            AuditAction::Deleted,
            ObjectType::Aanbieder,
            key.clone(),
        )
        .await?;
        let before = self.get_provider(ctx, id).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Aanbieder, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store
            .delete_provider(id, expected_version, draft)
            .await
    }

    // ---- corporations ---------------------------------------------------------

    /// The corporations of a region (or all).
    pub async fn list_corporations(
        &self,
        ctx: &RequestContext,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<Corporation>> {
        self.may_view_reference(ctx).await?;
        self.store.list_corporations(region_id).await
    }

    pub async fn get_corporation(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Corporation> {
        self.may_view_reference(ctx).await?;
        self.store
            .get_corporation(id)
            .await?
            .ok_or_else(|| not_found("Deze corporatie"))
    }

    async fn corporation_data(&self, input: &CorporationInput) -> DomainResult<CorporationData> {
        let data = input.parse()?;
        if self.store.get_region(data.region_id).await?.is_none() {
            return Err(DomainError::invalid(
                "regioId",
                "kies een regio uit de lijst",
            ));
        }
        Ok(data)
    }

    pub async fn create_corporation(
        &self,
        ctx: &RequestContext,
        input: &CorporationInput,
    ) -> DomainResult<Corporation> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Corporatie, None)
            .await?;
        let data = self.corporation_data(input).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Corporatie, None)
            .with_details(change(None, Some(data.audit_json())));
        self.store.create_corporation(&data, draft).await
    }

    pub async fn update_corporation(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &CorporationInput,
    ) -> DomainResult<Corporation> {
        let key = Some(id.to_string());
        self.may_manage_reference(
            ctx,
            AuditAction::Updated,
            ObjectType::Corporatie,
            key.clone(),
        )
        .await?;
        let before = self.get_corporation(ctx, id).await?;
        let data = self.corporation_data(input).await?;
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Corporatie, key)
            .with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_corporation(id, expected_version, &data, draft)
            .await
    }

    pub async fn delete_corporation(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.may_manage_reference(
            ctx,
            AuditAction::Deleted,
            ObjectType::Corporatie,
            key.clone(),
        )
        .await?;
        let before = self.get_corporation(ctx, id).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Corporatie, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store
            .delete_corporation(id, expected_version, draft)
            .await
    }

    // ---- products -------------------------------------------------------------

    pub async fn list_products(&self, ctx: &RequestContext) -> DomainResult<Vec<Product>> {
        self.may_view_reference(ctx).await?;
        self.store.list_products().await
    }

    pub async fn get_product(&self, ctx: &RequestContext, id: i64) -> DomainResult<Product> {
        self.may_view_reference(ctx).await?;
        self.store
            .get_product(id)
            .await?
            .ok_or_else(|| not_found("Dit product"))
    }

    pub async fn create_product(
        &self,
        ctx: &RequestContext,
        input: &ProductInput,
    ) -> DomainResult<Product> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Product, None)
            .await?;
        let data = input.parse()?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Product, None)
            .with_details(change(None, Some(data.audit_json())));
        self.store.create_product(&data, draft).await
    }

    pub async fn update_product(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &ProductInput,
    ) -> DomainResult<Product> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Updated, ObjectType::Product, key.clone())
            .await?;
        let before = self.get_product(ctx, id).await?;
        let data = input.parse()?;
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Product, key)
            .with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_product(id, expected_version, &data, draft)
            .await
    }

    pub async fn delete_product(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Deleted, ObjectType::Product, key.clone())
            .await?;
        let before = self.get_product(ctx, id).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Product, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store.delete_product(id, expected_version, draft).await
    }

    // ---- locations ------------------------------------------------------------

    /// Hides a secret address from whoever may not see it.
    fn redact_location(&self, ctx: &RequestContext, mut loc: Location) -> Location {
        if loc.secret_address
            && !can(
                &ctx.actor,
                Action::ViewSecretAddress {
                    provider_id: loc.provider_id,
                },
            )
            .is_allowed()
        {
            loc.address = None;
        }
        loc
    }

    pub async fn list_locations(&self, ctx: &RequestContext) -> DomainResult<Vec<Location>> {
        self.may_view_reference(ctx).await?;
        Ok(self
            .store
            .list_locations()
            .await?
            .into_iter()
            .map(|l| self.redact_location(ctx, l))
            .collect())
    }

    pub async fn get_location(&self, ctx: &RequestContext, id: i64) -> DomainResult<Location> {
        self.may_view_reference(ctx).await?;
        let loc = self
            .store
            .get_location(id)
            .await?
            .ok_or_else(|| not_found("Deze locatie"))?;
        Ok(self.redact_location(ctx, loc))
    }

    async fn check_location_refs(&self, data: &LocationData) -> DomainResult<()> {
        let mut v = crate::error::Validator::new();
        if self.store.get_provider(data.provider_id).await?.is_none() {
            v.add("aanbiederId", "deze aanbieder bestaat niet");
        }
        if self
            .store
            .get_municipality(&data.municipality)
            .await?
            .is_none()
        {
            v.add("gemeenteCode", "deze gemeente bestaat niet in zothuis");
        }
        for pid in &data.product_ids {
            if self.store.get_product(*pid).await?.is_none() {
                v.add("producten", format!("product {pid} bestaat niet"));
            }
        }
        v.finish()
    }

    pub async fn create_location(
        &self,
        ctx: &RequestContext,
        input: &LocationInput,
    ) -> DomainResult<Location> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Locatie, None)
            .await?;
        let data = input.parse()?;
        self.check_location_refs(&data).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Locatie, None)
            .with_details(change(None, Some(data.audit_json())));
        self.store.create_location(&data, draft).await
    }

    pub async fn update_location(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &LocationInput,
    ) -> DomainResult<Location> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Updated, ObjectType::Locatie, key.clone())
            .await?;
        let before = self
            .store
            .get_location(id)
            .await?
            .ok_or_else(|| not_found("Deze locatie"))?;
        let mut data = input.parse()?;
        self.check_location_refs(&data).await?;
        // An omitted address keeps the one on record (it may be hidden in the form).
        if data.address.is_none() && input.address.is_none() {
            data.address = before.address.clone();
        }
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Locatie, key)
            .with_details(change(Some(before.audit_json()), Some(data.audit_json())));
        self.store
            .update_location(id, expected_version, &data, draft)
            .await
    }

    pub async fn delete_location(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.may_manage_reference(ctx, AuditAction::Deleted, ObjectType::Locatie, key.clone())
            .await?;
        let before = self.get_location(ctx, id).await?;
        let draft = self
            .draft(ctx, AuditAction::Deleted, ObjectType::Locatie, key)
            .with_details(change(Some(before.audit_json()), None));
        self.store
            .delete_location(id, expected_version, draft)
            .await
    }

    // ---- capacity -------------------------------------------------------------

    pub async fn list_capacity(
        &self,
        ctx: &RequestContext,
        location_id: i64,
    ) -> DomainResult<Vec<CapacityRow>> {
        self.get_location(ctx, location_id).await?;
        self.store.list_capacity(location_id).await
    }

    /// Records places for a product at a location from a date on. History is
    /// kept: the new row takes over from its valid-from date.
    pub async fn add_capacity(
        &self,
        ctx: &RequestContext,
        location_id: i64,
        input: &CapacityInput,
    ) -> DomainResult<CapacityRow> {
        let loc = self
            .store
            .get_location(location_id)
            .await?
            .ok_or_else(|| not_found("Deze locatie"))?;
        self.authorize(
            ctx,
            Action::ManageCapacity {
                provider_id: loc.provider_id,
            },
            AuditAction::Created,
            ObjectType::Capaciteit,
            None,
        )
        .await?;
        let data = input.parse(location_id)?;
        if !loc.product_ids.contains(&data.product_id) {
            return Err(DomainError::invalid(
                "productId",
                "deze locatie biedt dit product niet; voeg het product eerst toe aan de locatie",
            ));
        }
        let product = self
            .store
            .get_product(data.product_id)
            .await?
            .ok_or_else(|| DomainError::invalid("productId", "dit product bestaat niet"))?;
        if !product.kind.uses_location_capacity() {
            return Err(DomainError::invalid(
                "productId",
                "dit product wordt in de eigen woning geleverd en heeft geen plekken op een locatie",
            ));
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Capaciteit, None)
            .with_details(
                json!({ "locatieId": location_id, "productId": data.product_id,
                "aantalPlekken": data.places, "geldigVanaf": data.valid_from.to_string(),
                "geldigTot": data.valid_to.map(|d| d.to_string()) }),
            );
        self.store
            .add_capacity(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    // ---- regimes of the responsible municipality -------------------------------

    pub async fn list_regimes(
        &self,
        ctx: &RequestContext,
        region_id: i64,
    ) -> DomainResult<Vec<RegimeRow>> {
        self.get_region(ctx, region_id).await?;
        self.store.list_regimes(region_id).await
    }

    /// Sets the regime of a region from a date on; earlier rows stay.
    pub async fn add_regime(
        &self,
        ctx: &RequestContext,
        region_id: i64,
        input: &RegimeInput,
    ) -> DomainResult<RegimeRow> {
        self.may_manage_reference(ctx, AuditAction::Created, ObjectType::Regime, None)
            .await?;
        self.get_region(ctx, region_id).await?;
        let data = input.parse(region_id)?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Regime, None)
            .with_details(json!({ "regioId": region_id, "regime": data.regime.code(),
                "geldigVanaf": data.effective_from.to_string() }));
        self.store
            .add_regime(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }
}
