//! A validated import, written in one transaction.

use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use zothuis_domain::DomainResult;
use zothuis_domain::access::{ApplicationData, DecisionRecord};
use zothuis_domain::clients::AddressData;
use zothuis_domain::import::plan::{ImportAudit, ImportBatch};
use zothuis_domain::import::registers::{ImportTrajectory, RegisterBatch};
use zothuis_domain::outflow::NominationFacts;
use zothuis_domain::store::{ImportStore, NewStay};
use zothuis_domain::waitlist::TransitionData;

type Tx = sqlx::Transaction<'static, crate::Db>;

/// The registers of an import, each record with its audit row; inside the
/// import's transaction.
async fn insert_registers(
    tx: &mut Tx,
    r: &RegisterBatch,
    audit: &ImportAudit,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<()> {
    let base = &audit.per_record;
    for q in &r.quotas {
        let id = crate::outflow::insert_quota(tx, q.region_id, &q.data, at, by).await?;
        append_audit_tx(tx, q.audit(base), Some(id.to_string())).await?;
    }
    for t in &r.tenancies {
        let id: i64 = sqlx::query_scalar(
            "insert into hov_trajectories (region_id, created_at) values ($1, $2) returning id",
        )
        .bind(t.region_id)
        .bind(at)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
        crate::tenancy::insert_version(tx, id, &t.facts, at, by).await?;
        append_audit_tx(tx, t.audit(base), Some(id.to_string())).await?;
    }
    for p in &r.outreach {
        let person_id: i64 = sqlx::query_scalar(
            "insert into outreach_persons (region_id, created_at) values ($1, $2) returning id",
        )
        .bind(p.region_id)
        .bind(at)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
        for (n, trajectory) in p.trajectories.iter().enumerate() {
            let id: i64 = sqlx::query_scalar(
                "insert into outreach_trajectories (person_id, region_id, created_at)
                 values ($1, $2, $3) returning id",
            )
            .bind(person_id)
            .bind(p.region_id)
            .bind(at)
            .fetch_one(&mut **tx)
            .await
            .map_err(internal)?;
            crate::outreach::insert_version(tx, id, &trajectory.facts, at, by).await?;
            append_audit_tx(tx, trajectory.audit(base, n > 0), Some(id.to_string())).await?;
            for report in &trajectory.reports {
                let created = crate::outreach::insert_report(tx, id, report, at, by).await?;
                append_audit_tx(
                    tx,
                    ImportTrajectory::report_audit(base, id, report),
                    Some(created.id.to_string()),
                )
                .await?;
            }
        }
    }
    Ok(())
}

#[async_trait]
impl ImportStore for DbStore {
    async fn import_batch(
        &self,
        batch: &ImportBatch,
        at: DateTime<Utc>,
        recorded_by: &str,
        grant_to: Option<i64>,
        audit: ImportAudit,
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
            let mut stays = Vec::with_capacity(c.stays.len());
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
                stays.push(
                    crate::care::insert_stay(&mut w.tx, &stay, at, recorded_by)
                        .await?
                        .id,
                );
                if let (Some(p), Some(entry_id)) = (&s.placement, entry_id) {
                    let data = TransitionData {
                        entry_id,
                        ..p.clone()
                    };
                    crate::waitlist::insert_transition(&mut w.tx, &data, at, recorded_by).await?;
                }
            }
            let mut row = audit.per_client.clone();
            row.client_id = Some(client.id);
            append_audit_tx(&mut w.tx, row, Some(client.id.to_string())).await?;
            // The client's registrations and nominations, after its own row.
            for r in &c.registrations {
                let created = crate::shelter::insert_registration(
                    &mut w.tx,
                    client.id,
                    r.region_id,
                    &r.facts,
                    at,
                    recorded_by,
                )
                .await?;
                let row = r.audit(&audit.per_record, client.id);
                append_audit_tx(&mut w.tx, row, Some(created.id.to_string())).await?;
            }
            for nomination in &c.nominations {
                let facts = NominationFacts {
                    stay_id: nomination.stay.and_then(|i| stays.get(i).copied()),
                    ..nomination.facts.clone()
                };
                let created = crate::outflow::insert_nomination(
                    &mut w.tx,
                    client.id,
                    nomination.region_id,
                    &facts,
                    at,
                    recorded_by,
                )
                .await?;
                let row = nomination.audit(&audit.per_record, client.id);
                append_audit_tx(&mut w.tx, row, Some(created.id.to_string())).await?;
            }
            ids.push(client.id);
            progress(n + 1);
        }
        insert_registers(&mut w.tx, &batch.registers, &audit, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit.summary, None).await?;
        w.commit().await?;
        Ok(ids)
    }
}
