//! The waiting list in SQLite.

use crate::DbRow;
use crate::common::rows_for_clients;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{Clients, WaitlistStore};
use zothuis_domain::waitlist::review::{Review, ReviewOutcome};
use zothuis_domain::waitlist::*;
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn entry(r: &DbRow) -> DomainResult<Entry> {
    let code: String = r.try_get("responsible_municipality").map_err(internal)?;
    let preferred: Option<String> = r.try_get("preferred_municipality").map_err(internal)?;
    Ok(Entry {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        decision_id: r.try_get("decision_id").map_err(internal)?,
        product_id: r.try_get("product_id").map_err(internal)?,
        responsible: GemeenteCode::parse(&code).map_err(bad)?,
        waiting_since: r.try_get("waiting_since").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        preferred_provider: r.try_get("preferred_provider").map_err(internal)?,
        preferred_municipality: preferred
            .map(|m| GemeenteCode::parse(&m).map_err(bad))
            .transpose()?,
        urgent: r.try_get("urgent_reason").map_err(internal)?,
    })
}

fn transition(r: &DbRow) -> DomainResult<Transition> {
    let status: String = r.try_get("status").map_err(internal)?;
    let reason: Option<String> = r.try_get("reason").map_err(internal)?;
    let provider: Option<i64> = r.try_get("provider_id").map_err(internal)?;
    Ok(Transition {
        id: r.try_get("id").map_err(internal)?,
        entry_id: r.try_get("entry_id").map_err(internal)?,
        status: Status::from_parts(&status, reason.as_deref(), provider).map_err(bad)?,
        effective_date: r.try_get("effective_date").map_err(internal)?,
        note: r.try_get("note").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        supersedes: r.try_get("supersedes").map_err(internal)?,
        retracted: r.try_get("retracted").map_err(internal)?,
    })
}

/// Inserts a transition inside a transaction.
pub(crate) async fn insert_transition(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    data: &TransitionData,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<Transition> {
    let row = sqlx::query(
        "insert into waitlist_transitions (entry_id, status, reason, provider_id, effective_date, note,
            recorded_at, recorded_by, supersedes, retracted)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *",
    )
    .bind(data.entry_id)
    .bind(data.status.code())
    .bind(data.status.reason_code())
    .bind(data.status.provider_id())
    .bind(data.effective_date)
    .bind(&data.note)
    .bind(at)
    .bind(recorded_by)
    .bind(data.supersedes)
    .bind(data.retracted)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    transition(&row)
}

/// Opens a waiting-list entry with its first transition inside a transaction.
pub(crate) async fn open_entry(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    decision: &zothuis_domain::access::Decision,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<i64> {
    let row = sqlx::query(
        "insert into waitlist_entries (client_id, decision_id, product_id, responsible_municipality,
            waiting_since, created_at)
         values ($1, $2, $3, $4, $5, $6)
         returning *, null as preferred_provider, null as preferred_municipality, null as urgent_reason",
    )
    .bind(decision.client_id)
    .bind(decision.id)
    .bind(decision.product_id)
    .bind(decision.responsible.as_str())
    .bind(decision.decided_on)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    let e = entry(&row)?;
    insert_transition(
        tx,
        &TransitionData {
            entry_id: e.id,
            status: Status::Aangemeld,
            effective_date: decision.decided_on,
            note: Some(format!("Beschikking {}", decision.reference)),
            supersedes: None,
            retracted: false,
        },
        at,
        recorded_by,
    )
    .await?;
    Ok(e.id)
}

#[async_trait]
impl WaitlistStore for DbStore {
    async fn list_entries(&self, clients: &Clients) -> DomainResult<Vec<Entry>> {
        let sql = "select e.*, p.provider_id as preferred_provider,
                p.municipality_code as preferred_municipality, u.reason as urgent_reason
             from waitlist_entries e left join waitlist_preferences p on p.entry_id = e.id
             left join waitlist_urgency u on u.entry_id = e.id where {clients} order by e.id";
        let rows = rows_for_clients(self.pool(), sql, "e.client_id", clients).await?;
        rows.iter().map(entry).collect()
    }

    async fn entries_in_status(
        &self,
        clients: &Clients,
        statuses: Option<&[&'static str]>,
        day: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Entry>> {
        // Without codes: on the list that day, whatever the status.
        let codes = match statuses {
            None => None,
            Some([]) => return Ok(Vec::new()),
            Some(codes) if codes.len() > 4 => {
                return Err(DomainError::Internal(
                    "te veel statussen voor één lezing".into(),
                ));
            }
            Some(codes) => Some(codes),
        };
        let (condition, clients_param) = match codes {
            Some(_) => ("in ($3, $4, $5, $6)", 7),
            None => ("is not null", 3),
        };
        // The transition in force as `history::in_force_on` picks it: visible
        // by the moment, not retracted, not superseded by a row visible by
        // then, latest by (effective date, recorded at, id). The entry keeps
        // the one in force last as known after its latest transition
        // (migration 0018); when that was known by the moment asked and is in
        // force by the day asked, it is the answer. Otherwise (a moment
        // before the latest write, a day before the latest transition) one
        // probe of the timeline index.
        let sql = format!(
            "select e.*, p.provider_id as preferred_provider,
                p.municipality_code as preferred_municipality, u.reason as urgent_reason
             from waitlist_entries e left join waitlist_preferences p on p.entry_id = e.id
             left join waitlist_urgency u on u.entry_id = e.id
             where {} and e.created_at <= $1
               and (case when e.state_recorded_at <= $1 and e.current_from <= $2
                         then e.current_status
                         else (select t.status from waitlist_transitions t
                     where t.entry_id = e.id and t.effective_date <= $2
                       and t.recorded_at <= $1 and not t.retracted
                       and not exists (select 1 from waitlist_transitions c
                                        where c.supersedes = t.id and c.recorded_at <= $1)
                     order by t.effective_date desc, t.recorded_at desc, t.id desc
                     limit 1) end) {condition}
             order by e.id",
            crate::common::clients_sql(clients, "e.client_id", clients_param)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(known_at)
            .bind(day);
        if let Some(codes) = codes {
            for i in 0..4 {
                q = q.bind(codes[i.min(codes.len() - 1)]);
            }
        }
        let rows = crate::common::bind_clients(q, clients)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(entry).collect()
    }

    async fn get_entry(&self, id: i64) -> DomainResult<Option<Entry>> {
        let row = sqlx::query(
            "select e.*, p.provider_id as preferred_provider, p.municipality_code as preferred_municipality,
                u.reason as urgent_reason
             from waitlist_entries e left join waitlist_preferences p on p.entry_id = e.id
             left join waitlist_urgency u on u.entry_id = e.id where e.id = $1",
        )
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(entry).transpose()
    }

    async fn list_transitions(&self, entry_id: Option<i64>) -> DomainResult<Vec<Transition>> {
        // One entry's rows through the index; "$1 is null or …" would scan.
        let q = match entry_id {
            Some(id) => {
                sqlx::query("select * from waitlist_transitions where entry_id = $1 order by id")
                    .bind(id)
            }
            None => sqlx::query("select * from waitlist_transitions order by id"),
        };
        let rows = q.fetch_all(self.pool()).await.map_err(internal)?;
        rows.iter().map(transition).collect()
    }

    async fn client_transitions(&self, clients: &Clients) -> DomainResult<Vec<Transition>> {
        let sql =
            "select t.* from waitlist_transitions t join waitlist_entries e on e.id = t.entry_id
              where {clients} order by t.id";
        let rows = rows_for_clients(self.pool(), sql, "e.client_id", clients).await?;
        rows.iter().map(transition).collect()
    }

    async fn add_transition(
        &self,
        data: &TransitionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Transition> {
        let mut w = self.begin_write().await?;
        let created = insert_transition(&mut w.tx, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn set_preference(
        &self,
        entry_id: i64,
        provider_id: Option<i64>,
        municipality: Option<&GemeenteCode>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Entry> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "insert into waitlist_preferences (entry_id, provider_id, municipality_code, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5)
             on conflict (entry_id) do update set provider_id = excluded.provider_id,
                municipality_code = excluded.municipality_code, recorded_at = excluded.recorded_at,
                recorded_by = excluded.recorded_by",
        )
        .bind(entry_id)
        .bind(provider_id)
        .bind(municipality.map(|m| m.to_string()))
        .bind(at)
        .bind(recorded_by)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        self.get_entry(entry_id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze inschrijving bestaat niet".into()))
    }

    async fn set_urgency(
        &self,
        entry_id: i64,
        reason: Option<&str>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Entry> {
        let mut w = self.begin_write().await?;
        match reason {
            Some(r) => {
                sqlx::query(
                    "insert into waitlist_urgency (entry_id, reason, recorded_at, recorded_by) values ($1, $2, $3, $4)
                     on conflict (entry_id) do update set reason = excluded.reason,
                        recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
                )
                .bind(entry_id)
                .bind(r)
                .bind(at)
                .bind(recorded_by)
                .execute(&mut *w.tx)
                .await
                .map_err(internal)?;
            }
            None => {
                sqlx::query("delete from waitlist_urgency where entry_id = $1")
                    .bind(entry_id)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(internal)?;
            }
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        self.get_entry(entry_id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze inschrijving bestaat niet".into()))
    }

    async fn review_cycles(&self) -> DomainResult<Vec<(GemeenteCode, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("select municipality_code, weeks from review_cycles")
                .fetch_all(self.pool())
                .await
                .map_err(internal)?;
        rows.into_iter()
            .map(|(c, w)| Ok((GemeenteCode::parse(&c).map_err(bad)?, w)))
            .collect()
    }

    async fn set_review_cycle(
        &self,
        municipality: &GemeenteCode,
        weeks: i64,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "insert into review_cycles (municipality_code, weeks) values ($1, $2)
             on conflict (municipality_code) do update set weeks = excluded.weeks",
        )
        .bind(municipality.as_str())
        .bind(weeks)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn list_reviews(&self, municipality: Option<&GemeenteCode>) -> DomainResult<Vec<Review>> {
        // One municipality's reviews and only their outcomes.
        let (rows, outcomes) = match municipality {
            Some(m) => (
                sqlx::query(
                    "select * from reviews where municipality_code = $1 order by held_on, id",
                )
                .bind(m.to_string())
                .fetch_all(self.pool())
                .await,
                sqlx::query_as(
                    "select o.review_id, o.entry_id, o.outcome from review_outcomes o
                       join reviews r on r.id = o.review_id
                      where r.municipality_code = $1 order by o.review_id, o.entry_id",
                )
                .bind(m.to_string())
                .fetch_all(self.pool())
                .await,
            ),
            None => (
                sqlx::query("select * from reviews order by held_on, id")
                    .fetch_all(self.pool())
                    .await,
                sqlx::query_as(
                    "select review_id, entry_id, outcome from review_outcomes
                      order by review_id, entry_id",
                )
                .fetch_all(self.pool())
                .await,
            ),
        };
        let rows = rows.map_err(internal)?;
        let outcomes: Vec<(i64, i64, String)> = outcomes.map_err(internal)?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id").map_err(internal)?;
                let code: String = r.try_get("municipality_code").map_err(internal)?;
                Ok(Review {
                    id,
                    municipality: GemeenteCode::parse(&code).map_err(bad)?,
                    held_on: r.try_get("held_on").map_err(internal)?,
                    outcomes: outcomes
                        .iter()
                        .filter(|(rid, _, _)| *rid == id)
                        .map(|(_, entry_id, outcome)| ReviewOutcome {
                            entry_id: *entry_id,
                            outcome: outcome.clone(),
                        })
                        .collect(),
                    recorded_at: r.try_get("recorded_at").map_err(internal)?,
                    recorded_by: r.try_get("recorded_by").map_err(internal)?,
                })
            })
            .collect()
    }

    async fn create_review(
        &self,
        municipality: &GemeenteCode,
        held_on: NaiveDate,
        outcomes: &[ReviewOutcome],
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Review> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into reviews (municipality_code, held_on, recorded_at, recorded_by) values ($1, $2, $3, $4) returning id",
        )
        .bind(municipality.as_str())
        .bind(held_on)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        for o in outcomes {
            sqlx::query(
                "insert into review_outcomes (review_id, entry_id, outcome) values ($1, $2, $3)",
            )
            .bind(id)
            .bind(o.entry_id)
            .bind(&o.outcome)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        }
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(Review {
            id,
            municipality: municipality.clone(),
            held_on,
            outcomes: outcomes.to_vec(),
            recorded_at: at,
            recorded_by: recorded_by.to_string(),
        })
    }
}
