//! The retention run (`retention`): the privacy officer sees which records
//! of the region are past their period, by client number and dates only,
//! and approves their anonymisation.

use super::retention::{Expired, RetentionRun};
use crate::Services;
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult};
use crate::policy::Action;
use crate::store::{ClientLink, Clients};
use serde_json::json;
use std::collections::HashSet;

impl Services {
    /// The privacy officer's region for retention (`None`: the whole
    /// installation), after the policy allowed it (audited when refused).
    async fn retention_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
    ) -> DomainResult<Option<i64>> {
        self.privacy_region(
            ctx,
            Action::ApplyRetention,
            ObjectType::Bewaartermijn,
            attempted,
            None,
        )
        .await
    }

    async fn expired_records(&self, region: Option<i64>) -> DomainResult<Vec<Expired>> {
        let scope = region.map_or(Clients::All, |r| Clients::Linked(ClientLink::Region(r)));
        let facts = self.store.retention_facts(&scope).await?;
        Ok(self.settings.retention.expired(&facts, self.clock.today()))
    }

    /// The records of the region past their retention period today, oldest
    /// first. Audited as a list showing those client numbers.
    pub async fn retention_due(&self, ctx: &RequestContext) -> DomainResult<Vec<Expired>> {
        let region = self.retention_region(ctx, AuditAction::Listed).await?;
        let due = self.expired_records(region).await?;
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Bewaartermijn, None)
            .with_details(json!({ "verlopen": due.len() }))
            .showing_clients(due.iter().map(|e| e.client_id));
        self.store.append_audit(draft).await?;
        Ok(due)
    }

    /// Anonymises the records named, each of which must still be past its
    /// period in the officer's region (the list may be older than today's).
    /// The run is recorded without personal data.
    pub async fn apply_retention(
        &self,
        ctx: &RequestContext,
        client_ids: &[i64],
    ) -> DomainResult<RetentionRun> {
        let region = self.retention_region(ctx, AuditAction::Created).await?;
        if client_ids.is_empty() {
            return Err(DomainError::invalid(
                "clienten",
                "Kies de dossiers die worden geanonimiseerd.",
            ));
        }
        let due: HashSet<i64> = self
            .expired_records(region)
            .await?
            .iter()
            .map(|e| e.client_id)
            .collect();
        let mut not_due: Vec<i64> = client_ids
            .iter()
            .copied()
            .filter(|id| !due.contains(id))
            .collect();
        if !not_due.is_empty() {
            not_due.sort_unstable();
            not_due.dedup();
            let list: Vec<String> = not_due.iter().map(i64::to_string).collect();
            return Err(DomainError::invalid(
                "clienten",
                format!(
                    "Niet (meer) over de bewaartermijn, of niet in uw regio: cliëntnummer {}. Laad de lijst opnieuw.",
                    list.join(", ")
                ),
            ));
        }
        let draft = self.draft(ctx, AuditAction::Created, ObjectType::Bewaartermijn, None);
        self.store
            .anonymise_clients(
                client_ids,
                region,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The approved runs of the region, newest first.
    pub async fn retention_runs(&self, ctx: &RequestContext) -> DomainResult<Vec<RetentionRun>> {
        let region = self.retention_region(ctx, AuditAction::Viewed).await?;
        self.store.list_retention_runs(region).await
    }
}
