//! The iWmo exchange: assignments, the message log, and the starts and
//! stops providers reported (migration 0038).

use crate::DbRow;
use crate::care::{Tx, check_latest, insert_stay, insert_version};
use crate::common::rows_for_clients_bound;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::exchange::iwmo::model::{
    Assignment, Delivery, Effect, MessageRecord, MessageStatus, NewAssignment, NewMessage,
};
use zothuis_domain::exchange::iwmo::schema::Message;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{Clients, ExchangeStore};
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("ongeldige iWmo-gegevens in de database: {e}"))
}

fn assignment(r: &DbRow) -> DomainResult<Assignment> {
    let code: String = r.try_get("municipality").map_err(internal)?;
    Ok(Assignment {
        id: r.try_get("id").map_err(internal)?,
        decision_id: r.try_get("decision_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        provider_id: r.try_get("provider_id").map_err(internal)?,
        location_id: r.try_get("location_id").map_err(internal)?,
        product_id: r.try_get("product_id").map_err(internal)?,
        municipality: GemeenteCode::parse(&code).map_err(bad)?,
        start_date: r.try_get("start_date").map_err(internal)?,
        end_date: r.try_get("end_date").map_err(internal)?,
        stay_id: r.try_get("stay_id").map_err(internal)?,
        change_reason: r.try_get("change_reason").map_err(internal)?,
        changed_at: r.try_get("changed_at").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

fn message(r: &DbRow) -> DomainResult<MessageRecord> {
    let kind: String = r.try_get("message").map_err(internal)?;
    let status: String = r.try_get("status").map_err(internal)?;
    let codes: String = r.try_get("codes").map_err(internal)?;
    Ok(MessageRecord {
        id: r.try_get("id").map_err(internal)?,
        incoming: r.try_get("incoming").map_err(internal)?,
        message: Message::ALL
            .into_iter()
            .find(|m| m.number() == kind)
            .ok_or_else(|| bad(format!("bericht {kind}")))?,
        provider_id: r.try_get("provider_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        identification: r.try_get("identification").map_err(internal)?,
        answers: r.try_get("answers").map_err(internal)?,
        status: MessageStatus::parse(&status).ok_or_else(|| bad(format!("status {status}")))?,
        codes: serde_json::from_str(&codes).map_err(bad)?,
        body: r.try_get("body").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        fetched_at: r.try_get("fetched_at").map_err(internal)?,
    })
}

async fn insert_message(
    tx: &mut Tx,
    m: &NewMessage,
    answers: Option<i64>,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<MessageRecord> {
    let row = sqlx::query(
        "insert into iwmo_messages (incoming, message, provider_id, client_id, identification,
            answers, status, codes, body, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *",
    )
    .bind(m.incoming)
    .bind(m.message.number())
    .bind(m.provider_id)
    .bind(m.client_id)
    .bind(&m.identification)
    .bind(answers)
    .bind(m.status.code())
    .bind(serde_json::to_string(&m.codes).map_err(bad)?)
    .bind(&m.body)
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    message(&row)
}

/// Sets (or, with none, clears) the stop of a start.
async fn set_stop(
    tx: &mut Tx,
    assignment_id: i64,
    start_date: NaiveDate,
    stop: Option<(NaiveDate, &String)>,
) -> DomainResult<()> {
    sqlx::query(
        "update iwmo_deliveries set end_date = $3, end_reason = $4
          where assignment_id = $1 and start_date = $2",
    )
    .bind(assignment_id)
    .bind(start_date)
    .bind(stop.map(|(end, _)| end))
    .bind(stop.map(|(_, reason)| reason.as_str()))
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

async fn apply(tx: &mut Tx, effect: &Effect, at: DateTime<Utc>, by: &str) -> DomainResult<()> {
    match effect {
        Effect::StartStay {
            assignment_id,
            stay,
        } => {
            let created = insert_stay(tx, stay, at, by).await?;
            sqlx::query("update iwmo_assignments set stay_id = $1 where id = $2")
                .bind(created.id)
                .bind(assignment_id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
        Effect::StayVersion {
            stay_id,
            expected_version,
            facts,
            placement,
        } => {
            check_latest(tx, *stay_id, *expected_version).await?;
            insert_version(tx, *stay_id, facts, at, by).await?;
            if let Some(t) = placement {
                crate::waitlist::insert_transition(tx, t, at, by).await?;
            }
        }
        Effect::Start {
            assignment_id,
            start_date,
        } => {
            sqlx::query("insert into iwmo_deliveries (assignment_id, start_date) values ($1, $2)")
                .bind(assignment_id)
                .bind(start_date)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
        Effect::DeleteStart {
            assignment_id,
            start_date,
        } => {
            sqlx::query("delete from iwmo_deliveries where assignment_id = $1 and start_date = $2")
                .bind(assignment_id)
                .bind(start_date)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
        Effect::Stop {
            assignment_id,
            start_date,
            end_date,
            reason,
        } => set_stop(tx, *assignment_id, *start_date, Some((*end_date, reason))).await?,
        Effect::DeleteStop {
            assignment_id,
            start_date,
        } => set_stop(tx, *assignment_id, *start_date, None).await?,
    }
    Ok(())
}

#[async_trait]
impl ExchangeStore for DbStore {
    async fn next_iwmo_number(&self, counter: &str) -> DomainResult<i64> {
        let mut w = self.begin_write().await?;
        let n: i64 = sqlx::query_scalar(
            "insert into iwmo_counters (name, value) values ($1, 1)
             on conflict (name) do update set value = iwmo_counters.value + 1
             returning value",
        )
        .bind(counter)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await?;
        Ok(n)
    }

    async fn create_assignment(
        &self,
        a: &NewAssignment,
        m: &NewMessage,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Assignment, MessageRecord)> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into iwmo_assignments (id, decision_id, client_id, provider_id, location_id,
                product_id, municipality, start_date, end_date, stay_id, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *",
        )
        .bind(a.id)
        .bind(a.decision_id)
        .bind(a.client_id)
        .bind(a.provider_id)
        .bind(a.location_id)
        .bind(a.product_id)
        .bind(a.municipality.as_str())
        .bind(a.start_date)
        .bind(a.end_date)
        .bind(a.stay_id)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = assignment(&row)?;
        let logged = insert_message(&mut w.tx, m, None, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok((created, logged))
    }

    async fn change_assignment(
        &self,
        id: i64,
        end_date: NaiveDate,
        reason: &str,
        m: &NewMessage,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Assignment, MessageRecord)> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update iwmo_assignments set end_date = $2, change_reason = $3, changed_at = $4
              where id = $1 returning *",
        )
        .bind(id)
        .bind(end_date)
        .bind(reason)
        .bind(at)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            DomainError::NotFound("Deze toewijzing bestaat niet of is voor u niet zichtbaar".into())
        })?;
        let changed = assignment(&row)?;
        let logged = insert_message(&mut w.tx, m, None, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok((changed, logged))
    }

    async fn get_assignment(&self, id: i64) -> DomainResult<Option<Assignment>> {
        let row = sqlx::query("select * from iwmo_assignments where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(assignment).transpose()
    }

    async fn list_assignments(&self, clients: &Clients) -> DomainResult<Vec<Assignment>> {
        let rows = rows_for_clients_bound(
            self.pool(),
            "select * from iwmo_assignments where {clients} order by id",
            "client_id",
            clients,
            1,
            |q| q,
        )
        .await?;
        rows.iter().map(assignment).collect()
    }

    async fn list_deliveries(&self, assignment_id: i64) -> DomainResult<Vec<Delivery>> {
        let rows = sqlx::query(
            "select * from iwmo_deliveries where assignment_id = $1 order by start_date",
        )
        .bind(assignment_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    assignment_id: r.try_get("assignment_id").map_err(internal)?,
                    start_date: r.try_get("start_date").map_err(internal)?,
                    end_date: r.try_get("end_date").map_err(internal)?,
                    end_reason: r.try_get("end_reason").map_err(internal)?,
                })
            })
            .collect()
    }

    async fn iwmo_seen(
        &self,
        provider_id: i64,
        m: Message,
        identification: &str,
    ) -> DomainResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "select id from iwmo_messages
              where provider_id = $1 and incoming and message = $2 and identification = $3
              limit 1",
        )
        .bind(provider_id)
        .bind(m.number())
        .bind(identification)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        Ok(found.is_some())
    }

    async fn receive_iwmo(
        &self,
        m: &NewMessage,
        retour: &NewMessage,
        effects: &[Effect],
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(MessageRecord, MessageRecord)> {
        let mut w = self.begin_write().await?;
        for effect in effects {
            apply(&mut w.tx, effect, at, recorded_by).await?;
        }
        let received = insert_message(&mut w.tx, m, None, at, recorded_by).await?;
        let answered =
            insert_message(&mut w.tx, retour, Some(received.id), at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(received.id.to_string())).await?;
        w.commit().await?;
        Ok((received, answered))
    }

    async fn list_iwmo_messages(
        &self,
        provider_id: Option<i64>,
        clients: &Clients,
    ) -> DomainResult<Vec<MessageRecord>> {
        let rows = rows_for_clients_bound(
            self.pool(),
            "select * from iwmo_messages
              where ($1 is null or provider_id = $1) and {clients}
              order by id desc",
            "client_id",
            clients,
            2,
            |q| q.bind(provider_id),
        )
        .await?;
        rows.iter().map(message).collect()
    }

    async fn get_iwmo_message(&self, id: i64) -> DomainResult<Option<MessageRecord>> {
        let row = sqlx::query("select * from iwmo_messages where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(message).transpose()
    }

    async fn fetch_iwmo_message(
        &self,
        id: i64,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<MessageRecord> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update iwmo_messages
                set fetched_at = coalesce(fetched_at, $2),
                    status = case when status = 'klaargezet' then 'opgehaald' else status end
              where id = $1 returning *",
        )
        .bind(id)
        .bind(at)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            return Err(DomainError::NotFound(
                "Dit bericht bestaat niet of is voor u niet zichtbaar".into(),
            ));
        };
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        message(&row)
    }
}
