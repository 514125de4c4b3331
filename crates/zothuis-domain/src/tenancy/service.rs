//! Use cases of Huren Onder Voorwaarden: the municipality's Wmo consultant
//! (process control) and the supporting provider record a trajectory,
//! correct it and end it with its result, and read their own. Every read
//! and change is audited without the tenant's name.

use super::model::*;
use crate::admin::{RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::policy::Action;
use crate::service::Services;
use crate::store::Tenancies;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Filters of a list of trajectories.
#[derive(Debug, Clone, Default)]
pub struct TenancyFilter {
    /// Only trajectories that have not ended.
    pub running_only: bool,
}

/// A trajectory with its versions, for its page.
#[derive(Debug, Clone)]
pub struct TenancyHistory {
    pub current: Tenancy,
    pub versions: Vec<Tenancy>,
}

fn no_tenancy() -> DomainError {
    DomainError::NotFound("Dit HOV-traject bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// May the actor record or read a trajectory with these facts? Refusals
    /// are audited.
    async fn authorize_tenancy(
        &self,
        ctx: &RequestContext,
        facts: &TenancyFacts,
        attempted: AuditAction,
        id: Option<i64>,
    ) -> DomainResult<()> {
        self.authorize(
            ctx,
            Action::ManageTenancy {
                municipality: &facts.municipality,
                provider: facts.provider_id,
            },
            attempted,
            ObjectType::HovTraject,
            id.map(|i| i.to_string()),
        )
        .await
    }

    /// The region of the home's municipality; the provider must exist and
    /// the corporation must be one of that region's covenant partners.
    async fn tenancy_region(&self, facts: &TenancyFacts) -> DomainResult<i64> {
        if let Some(p) = facts.provider_id
            && self.store.get_provider(p).await?.is_none()
        {
            return Err(DomainError::invalid(
                "aanbiederId",
                "kies een aanbieder uit de lijst",
            ));
        }
        let region_id = self
            .region_of_municipality("gemeente", &facts.municipality)
            .await?;
        let corporation_region = self
            .store
            .get_corporation(facts.corporation_id)
            .await?
            .map(|c| c.region_id);
        facts.check_corporation(region_id, corporation_region)?;
        Ok(region_id)
    }

    fn tenancy_details(facts: &TenancyFacts) -> serde_json::Value {
        json!({ "gemeente": facts.municipality.to_string(),
            "aanbieder": facts.provider_id, "corporatie": facts.corporation_id,
            "aanleiding": facts.reason.code(),
            "startdatum": facts.started_on.to_string(),
            "einddatum": facts.ended_on.map(|d| d.to_string()),
            "eindresultaat": facts.result.map(TenancyResult::code) })
    }

    /// A new trajectory.
    pub async fn create_tenancy(
        &self,
        ctx: &RequestContext,
        input: &TenancyInput,
    ) -> DomainResult<Tenancy> {
        let facts = input.parse(self.clock.today())?;
        self.authorize_tenancy(ctx, &facts, AuditAction::Created, None)
            .await?;
        let region_id = self.tenancy_region(&facts).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::HovTraject, None)
            .with_details(Self::tenancy_details(&facts));
        self.store
            .create_tenancy(
                region_id,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A correction or the end of a trajectory: a new version. Whoever may
    /// change it must also be allowed for what it says afterwards.
    pub async fn change_tenancy(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &TenancyInput,
    ) -> DomainResult<Tenancy> {
        let current = self
            .readable_tenancy(ctx, id, None, AuditAction::Updated)
            .await?
            .current;
        let facts = input.parse(self.clock.today())?;
        self.authorize_tenancy(ctx, &facts, AuditAction::Updated, Some(id))
            .await?;
        if self.tenancy_region(&facts).await? != current.region_id {
            return Err(DomainError::invalid(
                "gemeente",
                "kies een gemeente van dezelfde regio",
            ));
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::HovTraject,
                Some(id.to_string()),
            )
            .with_details(Self::tenancy_details(&facts));
        self.store
            .add_tenancy_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A trajectory the actor may see, as known at a moment.
    async fn readable_tenancy(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
        attempted: AuditAction,
    ) -> DomainResult<TenancyHistory> {
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let Some((current, versions)) =
            crate::history::versions_as_known(self.store.tenancy_versions(id).await?, k)
        else {
            // Refused like a trajectory of someone else: nothing tells
            // whether it exists.
            return match self.tenancy_scope(ctx) {
                Some(_) => Err(no_tenancy()),
                None => {
                    self.deny(
                        ctx,
                        attempted,
                        ObjectType::HovTraject,
                        Some(id.to_string()),
                        "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder zien HOV-trajecten",
                    )
                    .await
                }
            };
        };
        self.authorize_tenancy(ctx, &current.facts, attempted, Some(id))
            .await
            .map_err(|e| match e {
                DomainError::Forbidden(_) if self.tenancy_scope(ctx).is_some() => no_tenancy(),
                other => other,
            })?;
        Ok(TenancyHistory { current, versions })
    }

    /// Which trajectories the actor's own list holds.
    fn tenancy_scope(&self, ctx: &RequestContext) -> Option<Tenancies> {
        use crate::admin::Role;
        match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(g)) => Some(Tenancies::Municipality(g.clone())),
            (Role::Aanbieder, Scope::Aanbieder(p)) => Some(Tenancies::Provider(*p)),
            _ => None,
        }
    }

    /// One trajectory with its versions as known at a moment. Audited.
    pub async fn tenancy(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<TenancyHistory> {
        let history = self
            .readable_tenancy(ctx, id, known_at, AuditAction::Viewed)
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::HovTraject,
                Some(id.to_string()),
            )
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(history)
    }

    /// The actor's trajectories as known at a moment: running ones first,
    /// then the latest started. One page, audited with the trajectories on
    /// it.
    pub async fn list_tenancies(
        &self,
        ctx: &RequestContext,
        filter: &TenancyFilter,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<Tenancy>> {
        let Some(which) = self.tenancy_scope(ctx) else {
            return self
                .deny(
                    ctx,
                    AuditAction::Listed,
                    ObjectType::HovTraject,
                    None,
                    "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder zien HOV-trajecten",
                )
                .await;
        };
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let mut all = self.store.list_tenancies(&which, k).await?;
        all.retain(|t| !filter.running_only || t.facts.ended_on.is_none());
        all.sort_by_key(|t| {
            (
                t.facts.ended_on.is_some(),
                std::cmp::Reverse(t.facts.started_on),
                std::cmp::Reverse(t.id),
            )
        });
        let page = page.slice(&all);
        let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::HovTraject, None)
            .with_details(json!({ "trajecten": ids,
                "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(page)
    }
}
