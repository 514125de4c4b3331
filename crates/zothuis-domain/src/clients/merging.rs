//! The use cases of merging two records of one person (`merge`).

use super::merge::{ClientMerge, MergeInput, refuse_merge};
use super::model::Client;
use super::service::Need;
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::policy::Action;
use crate::service::Services;
use serde_json::json;

impl Services {
    /// Merges record `merged_id` into the record the input names: one
    /// audited transaction that moves the merged record's rows to the
    /// survivor (`ClientStore::merge_clients`). The actor must be allowed to
    /// change both records; a survivor the actor cannot see is answered as
    /// an unknown one.
    pub async fn merge_clients(
        &self,
        ctx: &RequestContext,
        merged_id: i64,
        input: MergeInput,
    ) -> DomainResult<ClientMerge> {
        self.authorize(
            ctx,
            Action::MergeClients,
            AuditAction::Created,
            ObjectType::Samenvoeging,
            None,
        )
        .await?;
        let merged = self.load_client(merged_id).await?;
        self.check_client(ctx, &merged, Need::Read, AuditAction::Created)
            .await?;
        let survivor = self.merge_partner(ctx, input.survivor_id).await?;
        let holds_others = self
            .store
            .client_merges(merged.id)
            .await?
            .iter()
            .any(|m| m.holds() && m.survivor_id == merged.id);
        refuse_merge(&merged, &survivor, holds_others)?;
        for c in [&merged, &survivor] {
            self.check_client(ctx, c, Need::Change, AuditAction::Created)
                .await?;
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Samenvoeging, None)
            .for_client(survivor.id)
            .with_details(json!({
                "behouden": survivor.id,
                "samengevoegd": merged.id,
                "reden": input.reason,
            }));
        self.store
            .merge_clients(
                merged.id,
                survivor.id,
                &input.reason,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The record to keep, as the merging actor may see it: unknown and
    /// out of sight answer alike, at the field.
    async fn merge_partner(&self, ctx: &RequestContext, id: i64) -> DomainResult<Client> {
        let unknown = || DomainError::invalid("behouden", "Kies een dossier dat u kunt inzien.");
        let client = self.store.get_client(id).await?.ok_or_else(unknown)?;
        match self
            .check_client(ctx, &client, Need::Read, AuditAction::Created)
            .await
        {
            Err(DomainError::NotFound(_)) => Err(unknown()),
            other => other.map(|()| client),
        }
    }

    /// Undoes a merge that holds: the rows it moved go back to the merged
    /// record, which can be changed again. Audited on the survivor.
    pub async fn undo_merge(
        &self,
        ctx: &RequestContext,
        merge_id: i64,
        reason: Option<&str>,
    ) -> DomainResult<ClientMerge> {
        self.authorize(
            ctx,
            Action::MergeClients,
            AuditAction::Updated,
            ObjectType::Samenvoeging,
            Some(merge_id.to_string()),
        )
        .await?;
        let merge = self.visible_merge(ctx, merge_id).await?;
        let survivor = self.load_client(merge.survivor_id).await?;
        self.check_client(ctx, &survivor, Need::Change, AuditAction::Updated)
            .await?;
        if !merge.holds() {
            return Err(DomainError::Conflict(
                "Deze samenvoeging is al ongedaan gemaakt.".into(),
            ));
        }
        let mut v = Validator::new();
        let reason = super::merge::reason_field(&mut v, "reden", reason);
        v.finish()?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Samenvoeging,
                Some(merge_id.to_string()),
            )
            .for_client(merge.survivor_id)
            .with_details(json!({
                "ongedaanGemaakt": true,
                "behouden": merge.survivor_id,
                "samengevoegd": merge.merged_id,
                "reden": reason,
            }));
        self.store
            .undo_merge(
                merge_id,
                &reason,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A merge whose records the actor may both see; otherwise not found.
    pub async fn visible_merge(
        &self,
        ctx: &RequestContext,
        merge_id: i64,
    ) -> DomainResult<ClientMerge> {
        let merge = self
            .store
            .get_merge(merge_id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze samenvoeging bestaat niet".into()))?;
        for id in [merge.survivor_id, merge.merged_id] {
            let client = self.load_client(id).await?;
            self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
                .await?;
        }
        Ok(merge)
    }

    /// The merges a client took part in, for its page: only to who may see
    /// the client (the page's own read is the audit row).
    pub async fn merges_of_client(
        &self,
        ctx: &RequestContext,
        client: &Client,
    ) -> DomainResult<Vec<ClientMerge>> {
        self.check_client(ctx, client, Need::Read, AuditAction::Viewed)
            .await?;
        self.store.client_merges(client.id).await
    }
}
