//! Use cases of zorgcoördinatie: the region's outreach team records
//! meldingen (a first one opens a trajectory, later ones fall within it),
//! corrects and closes trajectories, and reads its register. Only the team
//! sees who is in it; every read and change is audited without the
//! person's description.

use super::model::*;
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::policy::Action;
use crate::service::Services;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Filters of the team's list.
#[derive(Debug, Clone, Default)]
pub struct TrajectoryFilter {
    /// Only trajectories not yet closed.
    pub open_only: bool,
    /// Only those of this municipality (gemeentecode).
    pub municipality: Option<String>,
    /// Only those of this person (across trajectories).
    pub person_id: Option<i64>,
}

/// A trajectory with its versions and meldingen, for its page.
#[derive(Debug, Clone)]
pub struct TrajectoryHistory {
    pub current: Trajectory,
    pub versions: Vec<Trajectory>,
    pub reports: Vec<OutreachReport>,
}

fn no_trajectory() -> DomainError {
    DomainError::NotFound("Dit traject bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region whose outreach team the actor is; others are refused
    /// (audited).
    async fn outreach_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object: ObjectType,
        object_id: Option<String>,
    ) -> DomainResult<i64> {
        let region_id = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Zorgcoordinator, Scope::Regio(own)) => *own,
            _ => -1,
        };
        self.authorize(
            ctx,
            Action::ManageOutreach { region_id },
            attempted,
            object,
            object_id,
        )
        .await?;
        Ok(region_id)
    }

    /// A trajectory's facts must name a municipality of the team's region.
    async fn check_outreach_municipality(
        &self,
        region_id: i64,
        facts: &TrajectoryFacts,
    ) -> DomainResult<()> {
        match self.store.get_municipality(&facts.municipality).await? {
            Some(m) if m.region_id == region_id => Ok(()),
            _ => Err(DomainError::invalid(
                "gemeente",
                "kies een gemeente van uw regio",
            )),
        }
    }

    /// A first melding: opens a trajectory for a new person, or for a
    /// person the team knows (`person_id`, who has no open trajectory; a
    /// melding about someone with an open one falls within it).
    pub async fn open_trajectory(
        &self,
        ctx: &RequestContext,
        person_id: Option<i64>,
        input: &TrajectoryInput,
        first: &ReportInput,
    ) -> DomainResult<(Trajectory, OutreachReport)> {
        let region_id = self
            .outreach_region(ctx, AuditAction::Created, ObjectType::Zorgcoordinatie, None)
            .await?;
        let today = self.clock.today();
        // The first melding's day is usually the trajectory's start: a
        // wrong day is then named once, as the melding's.
        let same_day = input.started_on.trim() == first.reported_on.trim();
        let (facts, report) = match (input.parse(today), first.parse(today)) {
            (Ok(f), Ok(r)) => (f, r),
            (Err(DomainError::Invalid(mut a)), Err(DomainError::Invalid(b))) => {
                if same_day {
                    a.retain(|e| e.field != "startdatum");
                }
                a.extend(b);
                return Err(DomainError::Invalid(a));
            }
            (Err(DomainError::Invalid(a)), Ok(_)) if same_day => {
                return Err(DomainError::Invalid(
                    a.into_iter()
                        .map(|mut e| {
                            if e.field == "startdatum" {
                                e.field = "meldingsdatum".into();
                            }
                            e
                        })
                        .collect(),
                ));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        self.check_outreach_municipality(region_id, &facts).await?;
        report
            .fits(&facts)
            .map_err(|e| DomainError::invalid("meldingsdatum", e))?;
        if let Some(p) = person_id {
            let open = self
                .store
                .list_trajectories(Some(region_id), self.clock.now())
                .await?
                .into_iter()
                .any(|t| t.person_id == p && t.facts.closed_on.is_none());
            if open {
                return Err(DomainError::Conflict(
                    "Deze persoon heeft een open traject; voeg de melding daaraan toe.".into(),
                ));
            }
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Zorgcoordinatie, None)
            .with_details(json!({ "gemeente": facts.municipality.to_string(),
                "startdatum": facts.started_on.to_string(), "bron": report.source.code(),
                "bekendePersoon": person_id.is_some() }));
        self.store
            .create_trajectory(
                person_id,
                region_id,
                &facts,
                &report,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => DomainError::invalid(
                    "persoonId",
                    "deze persoon kent het team van uw regio niet",
                ),
                other => other,
            })
    }

    /// A further melding within a trajectory that was open on its day.
    pub async fn add_melding(
        &self,
        ctx: &RequestContext,
        trajectory_id: i64,
        input: &ReportInput,
    ) -> DomainResult<OutreachReport> {
        let current = self
            .readable_trajectory(ctx, trajectory_id, None, AuditAction::Created)
            .await?
            .current;
        let report = input.parse(self.clock.today())?;
        report
            .fits(&current.facts)
            .map_err(|e| DomainError::invalid("meldingsdatum", e))?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::MeldingZorgcoordinatie,
                None,
            )
            .with_details(json!({ "traject": trajectory_id,
                "meldingsdatum": report.reported_on.to_string(), "bron": report.source.code() }));
        self.store
            .add_outreach_report(
                trajectory_id,
                &report,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Retracts a melding recorded in error (with the reason). The
    /// trajectory keeps at least one melding: one opened in error is closed
    /// with its outcome instead.
    pub async fn retract_melding(
        &self,
        ctx: &RequestContext,
        trajectory_id: i64,
        report_id: i64,
        reason: &str,
    ) -> DomainResult<OutreachReport> {
        let history = self
            .readable_trajectory(ctx, trajectory_id, None, AuditAction::Updated)
            .await?;
        let reason = parse_retraction_reason(reason)?;
        let Some(report) = history.reports.iter().find(|r| r.id == report_id) else {
            return Err(DomainError::NotFound(
                "Deze melding hoort niet bij dit traject".into(),
            ));
        };
        if report.retracted.is_some() {
            return Err(DomainError::Conflict(
                "Deze melding is al ingetrokken.".into(),
            ));
        }
        if !history
            .reports
            .iter()
            .any(|r| r.id != report_id && r.retracted.is_none())
        {
            return Err(DomainError::Conflict(
                "Dit is de enige melding van het traject. Is het traject zelf ten onrechte geopend, sluit het dan af met de uitkomst 'anders' en een toelichting."
                    .into(),
            ));
        }
        // The reason may name people: it stays out of the audit row.
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::MeldingZorgcoordinatie,
                Some(report_id.to_string()),
            )
            .with_details(json!({ "traject": trajectory_id, "ingetrokken": true }));
        self.store
            .retract_outreach_report(
                report_id,
                &reason,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A correction or the closing of a trajectory: a new version. Its
    /// meldingen must still fall within it.
    pub async fn change_trajectory(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &TrajectoryInput,
    ) -> DomainResult<Trajectory> {
        let history = self
            .readable_trajectory(ctx, id, None, AuditAction::Updated)
            .await?;
        let facts = input.parse(self.clock.today())?;
        self.check_outreach_municipality(history.current.region_id, &facts)
            .await?;
        if let Some(outside) = history
            .reports
            .iter()
            .filter(|r| r.retracted.is_none())
            .find(|r| {
                ReportData {
                    reported_on: r.reported_on,
                    source: r.source,
                }
                .fits(&facts)
                .is_err()
            })
        {
            return Err(DomainError::invalid(
                if outside.reported_on < facts.started_on {
                    "startdatum"
                } else {
                    "afgeslotenOp"
                },
                format!(
                    "de melding van {} valt dan buiten het traject",
                    crate::dates::dutch_long(outside.reported_on)
                ),
            ));
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Zorgcoordinatie,
                Some(id.to_string()),
            )
            .with_details(json!({ "gemeente": facts.municipality.to_string(),
                "startdatum": facts.started_on.to_string(),
                "afgeslotenOp": facts.closed_on.map(|d| d.to_string()),
                "uitkomst": facts.outcome.map(TrajectoryOutcome::code) }));
        self.store
            .add_trajectory_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A trajectory of the actor's team as known at a moment, with its
    /// versions and the meldingen recorded by then.
    async fn readable_trajectory(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
        attempted: AuditAction,
    ) -> DomainResult<TrajectoryHistory> {
        let region_id = self
            .outreach_region(
                ctx,
                attempted,
                ObjectType::Zorgcoordinatie,
                Some(id.to_string()),
            )
            .await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (current, versions) =
            crate::history::versions_as_known(self.store.trajectory_versions(id).await?, k)
                .filter(|(c, _)| c.region_id == region_id)
                .ok_or_else(no_trajectory)?;
        let reports = self
            .store
            .outreach_reports(id)
            .await?
            .into_iter()
            .filter(|r| r.recorded_at <= k)
            .map(|r| r.as_known(k))
            .collect();
        Ok(TrajectoryHistory {
            current,
            versions,
            reports,
        })
    }

    /// One trajectory with its versions and meldingen as known at a
    /// moment. Audited.
    pub async fn trajectory(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<TrajectoryHistory> {
        let history = self
            .readable_trajectory(ctx, id, known_at, AuditAction::Viewed)
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Zorgcoordinatie,
                Some(id.to_string()),
            )
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(history)
    }

    /// The team's trajectories as known at a moment, open ones first, then
    /// the latest started. One page, audited with the trajectories on it.
    pub async fn list_trajectories(
        &self,
        ctx: &RequestContext,
        filter: &TrajectoryFilter,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<Trajectory>> {
        let region_id = self
            .outreach_region(ctx, AuditAction::Listed, ObjectType::Zorgcoordinatie, None)
            .await?;
        let municipality = match crate::reference::optional(&filter.municipality) {
            Some(m) => Some(
                crate::reference::GemeenteCode::parse(m)
                    .map_err(|e| DomainError::invalid("gemeente", e.to_string()))?,
            ),
            None => None,
        };
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let mut all = self.store.list_trajectories(Some(region_id), k).await?;
        all.retain(|t| {
            (!filter.open_only || t.facts.closed_on.is_none())
                && municipality
                    .as_ref()
                    .is_none_or(|m| t.facts.municipality == *m)
                && filter.person_id.is_none_or(|p| t.person_id == p)
        });
        all.sort_by_key(|t| {
            (
                t.facts.closed_on.is_some(),
                std::cmp::Reverse(t.facts.started_on),
                std::cmp::Reverse(t.id),
            )
        });
        let page = page.slice(&all);
        let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Zorgcoordinatie, None)
            .with_details(json!({ "trajecten": ids,
                "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(page)
    }
}
