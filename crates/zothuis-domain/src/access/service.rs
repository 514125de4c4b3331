//! Use cases on applications and decisions, including the determination of
//! the responsible municipality.

use super::model::*;
use super::woonplaats::{Determination, EndedProvision, Facts, Regime, determine};
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::service::Need;
use crate::error::{DomainError, DomainResult, Validator};
use crate::history::{in_force_on, timeline};
use crate::policy::Action;
use crate::reference::{GemeenteCode, optional};
use crate::service::Services;
use chrono::NaiveDate;
use serde_json::json;

/// The reference data the rule engine reads, loaded once (the import
/// determines many decisions against it).
pub struct RuleWorld {
    pub regions: Vec<crate::reference::Region>,
    pub municipalities: Vec<crate::reference::Municipality>,
    pub regimes: std::collections::HashMap<i64, Vec<crate::reference::RegimeRow>>,
    pub products: Vec<crate::reference::Product>,
}

impl RuleWorld {
    pub(crate) async fn load(services: &Services) -> DomainResult<RuleWorld> {
        let regions = services.store.list_regions().await?;
        let mut regimes = std::collections::HashMap::new();
        for r in &regions {
            regimes.insert(r.id, services.store.list_regimes(r.id).await?);
        }
        Ok(RuleWorld {
            regions,
            municipalities: services.store.list_municipalities().await?,
            regimes,
            products: services.store.list_products().await?,
        })
    }

    /// Rule 3 a: the protected-housing stays (iWmo category 15, in a
    /// facility) among `stays` (product, responsible, end) that ended.
    pub(crate) fn ended_bw(
        &self,
        stays: &[(i64, GemeenteCode, Option<NaiveDate>)],
    ) -> Vec<EndedProvision> {
        stays
            .iter()
            .filter(|(product_id, _, _)| {
                self.products.iter().any(|p| {
                    p.id == *product_id
                        && p.category == crate::reference::ProductCategorie::BeschermdWonen
                        && p.kind.uses_location_capacity()
                })
            })
            .filter_map(|(_, responsible, end)| {
                end.map(|ended_on| EndedProvision {
                    municipality: responsible.clone(),
                    ended_on,
                })
            })
            .collect()
    }

    /// Runs the rule engine for an application to `applied_to` decided on
    /// `day`, with the client's earlier decisions, address timeline and ended
    /// BW provisions.
    pub(crate) fn determine(
        &self,
        applied_to: &GemeenteCode,
        day: NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
        decisions: &[(Outcome, NaiveDate)],
        addresses: &[crate::clients::AddressRow],
        ended_bw: &[EndedProvision],
    ) -> DomainResult<Determination> {
        let municipality = self
            .municipalities
            .iter()
            .find(|m| &m.code == applied_to)
            .ok_or_else(|| DomainError::Internal("aanmeldgemeente ontbreekt".into()))?;
        let region = self
            .regions
            .iter()
            .find(|r| r.id == municipality.region_id)
            .ok_or_else(|| DomainError::Internal("regio ontbreekt".into()))?;
        let centrum = region.centrumgemeente.clone().ok_or_else(|| {
            DomainError::Conflict(format!(
                "Voor regio {} is nog geen centrumgemeente vastgelegd; vraag de beheerder dit te doen.",
                region.name
            ))
        })?;
        let region_municipalities: Vec<GemeenteCode> = self
            .municipalities
            .iter()
            .filter(|m| m.region_id == region.id)
            .map(|m| m.code.clone())
            .collect();
        let no_regimes = Vec::new();
        let regimes = self.regimes.get(&region.id).unwrap_or(&no_regimes);
        let regime_row = in_force_on(regimes, day, now);
        let regime = regime_row
            .map(|r| r.regime)
            .unwrap_or(Regime::Centrumgemeente);
        // Regional agreement: a client with a granted decision before the
        // agreement took effect is an existing client.
        let existing_client = match regime_row {
            Some(r) if r.regime == Regime::RegionaleAfspraak => decisions
                .iter()
                .any(|(outcome, on)| *outcome == Outcome::Toegekend && *on < r.effective_from),
            _ => false,
        };
        let name = |c: &GemeenteCode| {
            self.municipalities
                .iter()
                .find(|m| &m.code == c)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| c.to_string())
        };
        Ok(determine(
            &Facts {
                day,
                regime,
                applied_to,
                centrumgemeente: &centrum,
                region_municipalities: &region_municipalities,
                addresses,
                ended_bw,
                existing_client,
            },
            &name,
        ))
    }
}

fn no_application() -> DomainError {
    DomainError::NotFound("Deze aanmelding bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The municipality an application is registered for, and its region: a
    /// consultant's own municipality, or the one the regional team names.
    async fn acting_municipality(
        &self,
        ctx: &RequestContext,
        named: Option<&str>,
    ) -> DomainResult<(GemeenteCode, i64)> {
        let code = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(own)) => own.clone(),
            _ => match named {
                Some(c) => GemeenteCode::parse(c)
                    .map_err(|e| DomainError::invalid("gemeenteCode", e.to_string()))?,
                None => {
                    return Err(DomainError::invalid(
                        "gemeenteCode",
                        "kies de gemeente waarvoor u de aanmelding registreert",
                    ));
                }
            },
        };
        let m = self.store.get_municipality(&code).await?.ok_or_else(|| {
            DomainError::invalid("gemeenteCode", "deze gemeente bestaat niet in zothuis")
        })?;
        Ok((code, m.region_id))
    }

    /// Registers an application for a client the actor may work with.
    pub async fn register_application(
        &self,
        ctx: &RequestContext,
        input: &ApplicationInput,
    ) -> DomainResult<Application> {
        if !matches!(
            ctx.actor.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder
        ) {
            return self
                .deny(
                    ctx,
                    AuditAction::Created,
                    ObjectType::Aanmelding,
                    None,
                    "uw rol registreert geen aanmeldingen",
                )
                .await;
        }
        let mut v = Validator::new();
        if input.client_id.is_none() {
            v.add("clientId", "kies een cliënt");
        }
        if input.product_id.is_none() {
            v.add("productId", "kies een product");
        }
        let applied_on = v.check("aanmelddatum", crate::Datum::parse(&input.applied_on));
        let source = v.check("bron", Source::parse(&input.source));
        v.finish()?;
        let (Some(client_id), Some(product_id), Some(applied_on), Some(source)) =
            (input.client_id, input.product_id, applied_on, source)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let (municipality, region_id) = self
            .acting_municipality(ctx, optional(&input.municipality))
            .await?;
        self.authorize(
            ctx,
            Action::RegisterClient {
                municipality: &municipality,
                region_id,
            },
            AuditAction::Created,
            ObjectType::Aanmelding,
            None,
        )
        .await?;
        // The consultant must already see the client (registered by their
        // municipality or in their region); an application is no back door.
        // Unknown and not visible answer alike (see `check_client`).
        let unknown = || {
            DomainError::invalid(
                "clientId",
                "deze cliënt bestaat niet of is voor u niet zichtbaar",
            )
        };
        let client = self.load_client(client_id).await.map_err(|e| match e {
            DomainError::NotFound(_) => unknown(),
            other => other,
        })?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => unknown(),
                other => other,
            })?;
        if self.store.get_product(product_id).await?.is_none() {
            return Err(DomainError::invalid(
                "productId",
                "dit product bestaat niet",
            ));
        }
        if applied_on.0 > self.clock.today() {
            return Err(DomainError::invalid(
                "aanmelddatum",
                "de aanmelddatum ligt in de toekomst",
            ));
        }
        let data = ApplicationData {
            client_id,
            product_id,
            municipality,
            applied_on: applied_on.0,
            source,
        };
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Aanmelding, None)
            .for_client(client_id)
            .with_details(
                json!({ "productId": product_id, "gemeente": data.municipality.to_string(),
                "aanmelddatum": data.applied_on.to_string(), "bron": source.code() }),
            );
        self.store
            .create_application(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    /// One application, with access checked on its client. Audited.
    pub async fn get_application(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Application> {
        let app = self
            .store
            .get_application(id)
            .await?
            .ok_or_else(no_application)?;
        let client = self.load_client(app.client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => no_application(),
                other => other,
            })?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Aanmelding,
                Some(id.to_string()),
            )
            .for_client(app.client_id);
        self.store.append_audit(draft).await?;
        Ok(app)
    }

    /// The applications and decisions of a client. Audited as one read.
    pub async fn client_access_history(
        &self,
        ctx: &RequestContext,
        client_id: i64,
    ) -> DomainResult<(Vec<Application>, Vec<Decision>)> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await?;
        let apps = self
            .store
            .list_applications(&crate::store::Clients::One(client_id))
            .await?;
        let decisions = self
            .store
            .list_decisions(&crate::store::Clients::One(client_id))
            .await?;
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Beschikking, None)
            .for_client(client_id);
        self.store.append_audit(draft).await?;
        Ok((apps, decisions))
    }

    /// The applications and decisions the actor may see (for the API lists).
    pub async fn visible_decisions(
        &self,
        ctx: &RequestContext,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
        page: crate::paging::PageRequest,
    ) -> DomainResult<crate::paging::Page<Decision>> {
        self.scoped_keys(
            ctx,
            ObjectType::Beschikking,
            |scope| async move { self.store.decision_keys(&scope, known_at).await },
            |shown| async move { self.store.list_decisions(&shown).await },
            |x: &Decision| x.id,
            page,
        )
        .await
    }

    pub async fn visible_applications(
        &self,
        ctx: &RequestContext,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
        page: crate::paging::PageRequest,
    ) -> DomainResult<crate::paging::Page<Application>> {
        self.scoped_keys(
            ctx,
            ObjectType::Aanmelding,
            |scope| async move { self.store.application_keys(&scope, known_at).await },
            |shown| async move { self.store.list_applications(&shown).await },
            |x: &Application| x.id,
            page,
        )
        .await
    }

    /// Who is responsible for the client of an application on `day`, as the
    /// rule engine determines it from what is known now.
    pub async fn determine_responsibility(
        &self,
        ctx: &RequestContext,
        application_id: i64,
        day: NaiveDate,
    ) -> DomainResult<Determination> {
        let app = self.get_application(ctx, application_id).await?;
        self.determination_for(&app, day).await
    }

    async fn determination_for(
        &self,
        app: &Application,
        day: NaiveDate,
    ) -> DomainResult<Determination> {
        let now = self.clock.now();
        let world = RuleWorld::load(self).await?;
        let decisions: Vec<(Outcome, NaiveDate)> = self
            .store
            .list_decisions(&crate::store::Clients::One(app.client_id))
            .await?
            .iter()
            .map(|d| (d.outcome, d.decided_on))
            .collect();
        let address_rows = self.store.list_addresses(app.client_id).await?;
        let addresses: Vec<_> = timeline(&address_rows, now).into_iter().cloned().collect();
        // Rule 3 a looks at protected housing (iWmo category 15, in a
        // facility) that ended; the municipality responsible for that stay
        // provided it.
        let versions = self
            .store
            .list_stay_versions(&crate::store::Clients::One(app.client_id))
            .await?;
        let headers = self
            .store
            .list_stay_headers(&crate::store::Clients::One(app.client_id))
            .await?;
        let stays: Vec<_> = crate::care::stays_at(&headers, &versions, now)
            .into_iter()
            .map(|st| (st.product_id, st.responsible, st.end_date))
            .collect();
        let ended_bw = world.ended_bw(&stays);
        world.determine(
            &app.municipality,
            day,
            now,
            &decisions,
            &addresses,
            &ended_bw,
        )
    }

    /// Issues the decision on an application, with the responsible
    /// municipality determined (or overridden with a reason, audited).
    pub async fn decide(
        &self,
        ctx: &RequestContext,
        application_id: i64,
        input: &DecisionInput,
    ) -> DomainResult<Decision> {
        let app = self
            .store
            .get_application(application_id)
            .await?
            .ok_or_else(no_application)?;
        let region_id = self
            .store
            .get_municipality(&app.municipality)
            .await?
            .map(|m| m.region_id)
            .unwrap_or_default();
        self.authorize(
            ctx,
            Action::RegisterClient {
                municipality: &app.municipality,
                region_id,
            },
            AuditAction::Created,
            ObjectType::Beschikking,
            None,
        )
        .await?;
        let client = self.load_client(app.client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        let data = input.parse()?;
        if let Some(m) = &data.override_municipality
            && self.store.get_municipality(m).await?.is_none()
        {
            return Err(DomainError::invalid(
                "verantwoordelijkeGemeente",
                "deze gemeente bestaat niet in zothuis",
            ));
        }
        if data.decided_on < app.applied_on {
            return Err(DomainError::invalid(
                "besluitdatum",
                "de besluitdatum ligt vóór de aanmelddatum",
            ));
        }
        let determination = self.determination_for(&app, data.decided_on).await?;
        let product = self
            .store
            .get_product(app.product_id)
            .await?
            .ok_or_else(|| DomainError::Internal("product ontbreekt".into()))?;
        let opens_waitlist = data.outcome == Outcome::Toegekend && product.kind.has_waitlist();
        let responsible = data
            .override_municipality
            .clone()
            .unwrap_or_else(|| determination.municipality.clone());
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Beschikking, None)
            .for_client(app.client_id)
            .with_details(json!({ "aanmeldingId": application_id, "uitkomst": data.outcome.code(),
                "regel": determination.rule.code(), "bepaaldeGemeente": determination.municipality.to_string(),
                "verantwoordelijkeGemeente": responsible.to_string(),
                "redenAfwijking": data.override_reason, "wachtlijst": opens_waitlist }));
        let record = DecisionRecord {
            application_id,
            client_id: app.client_id,
            product_id: app.product_id,
            responsible,
            determined: determination.municipality.clone(),
            rule: determination.rule,
            explanation: determination.explanation.clone(),
            inputs: determination.inputs.clone(),
            opens_waitlist,
            data,
        };
        self.store
            .create_decision(&record, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    /// One decision. Audited.
    pub async fn get_decision(&self, ctx: &RequestContext, id: i64) -> DomainResult<Decision> {
        let not_found = || {
            DomainError::NotFound(
                "Deze beschikking bestaat niet of is voor u niet zichtbaar".into(),
            )
        };
        let d = self.store.get_decision(id).await?.ok_or_else(not_found)?;
        let client = self.load_client(d.client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => not_found(),
                other => other,
            })?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Beschikking,
                Some(id.to_string()),
            )
            .for_client(d.client_id);
        self.store.append_audit(draft).await?;
        Ok(d)
    }
}

impl Services {
    /// The framework criteria of a product (reference data, for everyone).
    pub async fn criteria(
        &self,
        ctx: &RequestContext,
        product_id: i64,
    ) -> DomainResult<Vec<super::assessment::Criterion>> {
        self.get_product(ctx, product_id).await?;
        self.store.list_criteria(product_id).await
    }

    /// Adds a criterion to a product's framework (administrator).
    pub async fn add_criterion(
        &self,
        ctx: &RequestContext,
        product_id: i64,
        text: &str,
    ) -> DomainResult<super::assessment::Criterion> {
        self.authorize(
            ctx,
            Action::ManageReference,
            AuditAction::Created,
            ObjectType::Criterium,
            None,
        )
        .await?;
        self.get_product(ctx, product_id).await?;
        let text = super::assessment::parse_criterion_text(text)?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Criterium, None)
            .with_details(json!({ "productId": product_id, "tekst": text }));
        self.store.add_criterion(product_id, &text, draft).await
    }

    /// Assesses an application against the product's framework.
    pub async fn assess(
        &self,
        ctx: &RequestContext,
        application_id: i64,
        input: &super::assessment::AssessmentInput,
    ) -> DomainResult<super::assessment::Assessment> {
        let app = self
            .store
            .get_application(application_id)
            .await?
            .ok_or_else(no_application)?;
        let region_id = self
            .store
            .get_municipality(&app.municipality)
            .await?
            .map(|m| m.region_id)
            .unwrap_or_default();
        self.authorize(
            ctx,
            Action::RegisterClient {
                municipality: &app.municipality,
                region_id,
            },
            AuditAction::Created,
            ObjectType::Beoordeling,
            None,
        )
        .await?;
        let client = self.load_client(app.client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        let criteria = self.store.list_criteria(app.product_id).await?;
        if criteria.is_empty() {
            return Err(DomainError::Conflict(
                "Voor dit product is nog geen afwegingskader vastgelegd; vraag de beheerder de criteria toe te voegen.".into(),
            ));
        }
        let data = input.parse(&criteria, application_id, app.client_id)?;
        if data.assessed_on < app.applied_on {
            return Err(DomainError::invalid(
                "datum",
                "de beoordeling ligt vóór de aanmelding",
            ));
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Beoordeling, None)
            .for_client(app.client_id)
            .with_details(json!({ "aanmeldingId": application_id, "voldoet": data.meets,
                "antwoorden": data.answers.iter().map(|(c, a, _)| json!({ "criterium": c, "antwoord": a.code() })).collect::<Vec<_>>() }));
        self.store
            .create_assessment(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    /// The assessments of an application. Audited with the client.
    pub async fn assessments(
        &self,
        ctx: &RequestContext,
        application_id: i64,
    ) -> DomainResult<Vec<super::assessment::Assessment>> {
        let app = self.get_application(ctx, application_id).await?;
        self.store
            .list_assessments(
                &crate::store::Clients::One(app.client_id),
                Some(application_id),
            )
            .await
    }

    /// The assessments the actor may see.
    pub async fn visible_assessments(
        &self,
        ctx: &RequestContext,
        known_at: Option<chrono::DateTime<chrono::Utc>>,
        page: crate::paging::PageRequest,
    ) -> DomainResult<crate::paging::Page<super::assessment::Assessment>> {
        // Read within the actor's scope; the policy still filters per client.
        let load = |scope| async move {
            let all = self.store.list_assessments(&scope, None).await?;
            Ok(all
                .into_iter()
                .filter(|x| known_at.is_none_or(|k| x.recorded_at <= k))
                .collect())
        };
        self.scoped(
            ctx,
            ObjectType::Beoordeling,
            load,
            |a: &super::assessment::Assessment| a.client_id,
            page,
        )
        .await
    }
}
