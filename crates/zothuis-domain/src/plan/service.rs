//! Loading, reading and exporting policy plans.

use super::{Besluit, PlanDocument, PlanVersion, Rapportageperiode, Status, Voortgang};
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, FieldError};
use crate::policy::{FigureScope, may_manage_plan};
use crate::service::Services;
use chrono::{DateTime, Utc};

/// The longest progress text accepted (a page and a half).
const MAX_TEXT: usize = 10_000;

/// A progress entry as a form or the API sends it.
#[derive(Debug, Clone, Default)]
pub struct ProgressInput {
    pub periode: String,
    pub status: String,
    pub tekst: String,
}

/// A decision as a form or the API sends it.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub datum: String,
    pub orgaan: String,
    pub titel: String,
    pub link: Option<String>,
    pub maatregelen: Vec<String>,
}

impl Services {
    /// Loads a plan file in one step: checked completely, then stored as a
    /// new plan, or as a new version of the region's plan with the same title.
    pub async fn load_plan(&self, ctx: &RequestContext, text: &str) -> DomainResult<PlanVersion> {
        let doc = PlanDocument::parse(text).map_err(|problems| {
            DomainError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(&p.plaats, p.melding))
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
        if ctx.actor.kind != crate::admin::ActorKind::System {
            // Refuses (and audits) roles that see no policy information.
            self.figure_view(ctx).await?;
        }
        let mut out = Vec::new();
        for p in self.store.list_plans().await? {
            if self.may_read_plan(ctx, p.region_id).await.is_ok() {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Records the progress of one measure for a reporting period (replacing
    /// an earlier entry for that period), as a new version of the plan.
    pub async fn record_progress(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        expected_version: i64,
        measure: &str,
        input: &ProgressInput,
    ) -> DomainResult<PlanVersion> {
        let mut errors = Vec::new();
        let periode = Rapportageperiode::parse_field(&input.periode)
            .map_err(|e| errors.push(e))
            .ok();
        let status = Status::ALL
            .into_iter()
            .find(|s| s.code() == input.status.trim());
        if status.is_none() {
            errors.push(FieldError::new(
                "status",
                format!(
                    "kies een status: {}",
                    Status::ALL.map(|s| s.label().to_lowercase()).join(", ")
                ),
            ));
        }
        let tekst = input.tekst.trim().replace("\r\n", "\n");
        if tekst.is_empty() {
            errors.push(FieldError::new("tekst", "beschrijf de voortgang"));
        } else if tekst.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                "tekst",
                format!("de tekst is langer dan {MAX_TEXT} tekens"),
            ));
        }
        let (Some(periode), Some(status), true) = (periode, status, errors.is_empty()) else {
            return Err(DomainError::Invalid(errors));
        };
        let today = self.clock.today();
        let author = ctx.actor.name.clone();
        let details = serde_json::json!({
            "maatregel": measure,
            "periode": periode.code(),
            "status": status.code(),
        });
        self.change_plan(ctx, plan_id, expected_version, details, move |doc| {
            if periode.einde() < doc.periode_van || periode.begin() > doc.periode_tot {
                return Err(DomainError::invalid(
                    "periode",
                    format!("{} valt buiten de looptijd van het plan", periode.code()),
                ));
            }
            let m = doc
                .measure_mut(measure)
                .ok_or_else(|| DomainError::NotFound(format!("maatregel {measure}")))?;
            m.voortgang.retain(|v| v.periode != periode);
            m.voortgang.push(Voortgang {
                periode,
                status,
                tekst,
                datum: today,
                auteur: author,
            });
            m.voortgang.sort_by_key(|v| v.periode);
            Ok(())
        })
        .await
    }

    /// Adds a decision to the plan, as a new version of the plan.
    pub async fn add_decision(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        expected_version: i64,
        input: &DecisionInput,
    ) -> DomainResult<PlanVersion> {
        let mut errors = Vec::new();
        let datum = match crate::Datum::parse(&input.datum) {
            Ok(d) => Some(d.0),
            Err(e) => {
                errors.push(FieldError::new("datum", e.to_string()));
                None
            }
        };
        for (name, value) in [("orgaan", &input.orgaan), ("titel", &input.titel)] {
            if value.trim().is_empty() {
                errors.push(FieldError::new(name, "vul dit in"));
            }
        }
        let link = input
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string);
        if link
            .as_deref()
            .is_some_and(|l| !(l.starts_with("https://") || l.starts_with("http://")))
        {
            errors.push(FieldError::new("link", "een link begint met https://"));
        }
        let (Some(datum), true) = (datum, errors.is_empty()) else {
            return Err(DomainError::Invalid(errors));
        };
        let besluit = Besluit {
            datum,
            orgaan: input.orgaan.trim().to_string(),
            titel: input.titel.trim().to_string(),
            link,
            maatregelen: input
                .maatregelen
                .iter()
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect(),
        };
        let details = serde_json::json!({
            "besluit": besluit.titel,
            "orgaan": besluit.orgaan,
            "datum": besluit.datum,
        });
        self.change_plan(ctx, plan_id, expected_version, details, move |doc| {
            doc.besluiten.push(besluit);
            doc.besluiten.sort_by_key(|b| b.datum);
            Ok(())
        })
        .await
    }

    /// Applies a change to the latest version of a plan the caller manages,
    /// checks the whole plan again and stores it as a new version, provided
    /// nobody stored another version since `expected_version`.
    async fn change_plan(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        expected_version: i64,
        details: serde_json::Value,
        change: impl FnOnce(&mut PlanDocument) -> DomainResult<()>,
    ) -> DomainResult<PlanVersion> {
        let (version, mut doc) = self.plan(ctx, plan_id, None).await?;
        if let Err(reason) = may_manage_plan(&ctx.actor, version.region_id) {
            return self
                .deny(
                    ctx,
                    AuditAction::Updated,
                    ObjectType::Beleidsplan,
                    Some(plan_id.to_string()),
                    reason,
                )
                .await;
        }
        change(&mut doc)?;
        let problems = doc.check();
        if !problems.is_empty() {
            return Err(DomainError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(&p.plaats, p.melding))
                    .collect(),
            ));
        }
        let audit = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Beleidsplan,
                Some(plan_id.to_string()),
            )
            .with_details(details);
        self.store
            .add_plan_version(
                plan_id,
                expected_version,
                &doc.titel,
                &doc.to_json(),
                self.clock.now_micros(),
                &ctx.actor.name,
                audit,
            )
            .await
    }

    /// Plans are read by whoever sees the region's figures.
    pub(crate) async fn may_read_plan(
        &self,
        ctx: &RequestContext,
        region_id: i64,
    ) -> DomainResult<()> {
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
