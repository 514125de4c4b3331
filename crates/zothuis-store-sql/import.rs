//! A validated import, written in one transaction.

use crate::{DbStore, append_audit_tx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use zothuis_domain::DomainResult;
use zothuis_domain::access::{ApplicationData, DecisionRecord};
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::clients::AddressData;
use zothuis_domain::import::plan::ImportBatch;
use zothuis_domain::store::{ImportStore, NewStay};
use zothuis_domain::waitlist::TransitionData;

#[async_trait]
impl ImportStore for DbStore {
    async fn import_batch(
        &self,
        batch: &ImportBatch,
        at: DateTime<Utc>,
        recorded_by: &str,
        grant_to: Option<i64>,
        per_client: AuditDraft,
        summary: AuditDraft,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> DomainResult<Vec<i64>> {
        let mut w = self.begin_write().await?;
        let mut ids = Vec::with_capacity(batch.clients.len());
        for (n, c) in batch.clients.iter().enumerate() {
            let grant = grant_to.filter(|_| c.data.restricted);
            let client = crate::clients::insert_client(
                &mut w.tx,
                &c.data,
                &c.registered_by,
                at,
                recorded_by,
                grant,
            )
            .await?;
            for a in &c.addresses {
                let a = AddressData {
                    client_id: client.id,
                    ..a.clone()
                };
                crate::clients::insert_address(&mut w.tx, &a, at, recorded_by).await?;
            }
            let mut entries = Vec::with_capacity(c.decisions.len());
            let mut decisions = Vec::with_capacity(c.decisions.len());
            for d in &c.decisions {
                let app = crate::access::insert_application(
                    &mut w.tx,
                    &ApplicationData {
                        client_id: client.id,
                        ..d.application.clone()
                    },
                    at,
                    recorded_by,
                )
                .await?;
                let record = DecisionRecord {
                    application_id: app.id,
                    client_id: client.id,
                    ..d.record.clone()
                };
                let (decision, entry) =
                    crate::access::insert_decision(&mut w.tx, &record, at, recorded_by).await?;
                decisions.push(decision.id);
                if let Some(entry_id) = entry {
                    for t in &d.transitions {
                        let data = TransitionData {
                            entry_id,
                            ..t.data.clone()
                        };
                        let row =
                            crate::waitlist::insert_transition(&mut w.tx, &data, at, recorded_by)
                                .await?;
                        if let Some((result, decided_on)) = t.outcome {
                            crate::care::insert_screening_outcome(
                                &mut w.tx,
                                row.id,
                                result,
                                decided_on,
                                None,
                                at,
                                recorded_by,
                            )
                            .await?;
                        }
                    }
                }
                entries.push(entry);
            }
            for s in &c.stays {
                let entry_id = s.decision.and_then(|i| entries.get(i).copied().flatten());
                let stay = NewStay {
                    client_id: client.id,
                    entry_id,
                    // Without an entry, the decision itself (a direct stay).
                    decision_id: match entry_id {
                        Some(_) => None,
                        None => s.decision.and_then(|i| decisions.get(i).copied()),
                    },
                    transferred_from: None,
                    responsible: s.responsible.clone(),
                    facts: s.facts.clone(),
                };
                crate::care::insert_stay(&mut w.tx, &stay, at, recorded_by).await?;
                if let (Some(p), Some(entry_id)) = (&s.placement, entry_id) {
                    let data = TransitionData {
                        entry_id,
                        ..p.clone()
                    };
                    crate::waitlist::insert_transition(&mut w.tx, &data, at, recorded_by).await?;
                }
            }
            let mut audit = per_client.clone();
            audit.client_id = Some(client.id);
            append_audit_tx(&mut w.tx, audit, Some(client.id.to_string())).await?;
            ids.push(client.id);
            progress(n + 1);
        }
        append_audit_tx(&mut w.tx, summary, None).await?;
        w.commit().await?;
        Ok(ids)
    }
}
