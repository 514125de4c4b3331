//! Loading, reading and exporting policy plans.

use super::{PlanDocument, PlanVersion};
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, FieldError};
use crate::policy::{FigureScope, may_manage_plan};
use crate::service::Services;
use chrono::{DateTime, Utc};

impl Services {
    /// Loads a plan file in one step: checked completely, then stored as a
    /// new plan, or as a new version of the region's plan with the same title.
    pub async fn load_plan(&self, ctx: &RequestContext, text: &str) -> DomainResult<PlanVersion> {
        let doc = PlanDocument::parse(text).map_err(|problems| {
            DomainError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.plaats,
                        message: p.melding,
                    })
                    .collect(),
            )
        })?;
        let region = self
            .store
            .find_region_by_code(doc.regio.trim())
            .await?
            .ok_or_else(|| {
                DomainError::invalid("regio", format!("onbekende regio '{}'", doc.regio))
            })?;
        if let Err(reason) = may_manage_plan(&ctx.actor, region.id) {
            return self
                .deny(
                    ctx,
                    AuditAction::Created,
                    ObjectType::Beleidsplan,
                    None,
                    reason,
                )
                .await;
        }
        let at = self.clock.now_micros();
        let json = doc.to_json();
        let details = serde_json::json!({
            "titel": doc.titel,
            "regio": region.code,
            "maatregelen": doc.measures().count(),
        });
        let existing = self
            .store
            .list_plans()
            .await?
            .into_iter()
            .find(|p| p.region_id == region.id && p.title == doc.titel);
        match existing {
            Some(p) => {
                let audit = self
                    .draft(
                        ctx,
                        AuditAction::Updated,
                        ObjectType::Beleidsplan,
                        Some(p.plan_id.to_string()),
                    )
                    .with_details(details);
                self.store
                    .add_plan_version(
                        p.plan_id,
                        p.version_id,
                        &doc.titel,
                        &json,
                        at,
                        &ctx.actor.name,
                        audit,
                    )
                    .await
            }
            None => {
                let audit = self
                    .draft(ctx, AuditAction::Created, ObjectType::Beleidsplan, None)
                    .with_details(details);
                self.store
                    .create_plan(region.id, &doc.titel, &json, at, &ctx.actor.name, audit)
                    .await
            }
        }
    }

    /// A plan as known at a moment (now when none is given), with its
    /// document, if the caller's area covers the plan's region.
    pub async fn plan(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<(PlanVersion, PlanDocument)> {
        let versions = self.store.plan_versions(plan_id).await?;
        let at = known_at.unwrap_or_else(|| self.clock.now_micros());
        let version = crate::history::version_at(&versions, at)
            .cloned()
            .ok_or_else(|| DomainError::NotFound(format!("beleidsplan {plan_id}")))?;
        self.may_read_plan(ctx, version.region_id).await?;
        let doc: PlanDocument = serde_json::from_str(&version.document).map_err(|e| {
            DomainError::Internal(format!("opgeslagen beleidsplan onleesbaar: {e}"))
        })?;
        Ok((version, doc))
    }

    /// The plans the caller may read.
    pub async fn plans(&self, ctx: &RequestContext) -> DomainResult<Vec<PlanVersion>> {
        let mut out = Vec::new();
        for p in self.store.list_plans().await? {
            if self.may_read_plan(ctx, p.region_id).await.is_ok() {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Plans are read by whoever sees the region's figures.
    async fn may_read_plan(&self, ctx: &RequestContext, region_id: i64) -> DomainResult<()> {
        if ctx.actor.kind == crate::admin::ActorKind::System {
            return Ok(());
        }
        let view =
            crate::policy::figure_view(&ctx.actor).map_err(|r| DomainError::Forbidden(r.into()))?;
        let allowed = match &view.scope {
            FigureScope::All => true,
            FigureScope::Region(id) => *id == region_id,
            FigureScope::Municipality(code) => self
                .store
                .get_municipality(code)
                .await?
                .is_some_and(|m| m.region_id == region_id),
            FigureScope::Provider(_) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(DomainError::NotFound("beleidsplan".into()))
        }
    }
}
