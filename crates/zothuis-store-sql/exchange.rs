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
    Assignment, Delivery, Effect, IwmoRequest, MessageRecord, MessageStatus, NewAssignment,
    NewMessage, RequestAnswer, RequestFilter, RequestStatus,
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
        reference: r.try_get("reference").map_err(internal)?,
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
        message: Message::from_number(&kind).ok_or_else(|| bad(format!("bericht {kind}")))?,
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

fn request(r: &DbRow) -> DomainResult<IwmoRequest> {
    let kind: String = r.try_get("message").map_err(internal)?;
    let status: String = r.try_get("status").map_err(internal)?;
    let products: String = r.try_get("products").map_err(internal)?;
    let code: String = r.try_get("municipality").map_err(internal)?;
    Ok(IwmoRequest {
        id: r.try_get("id").map_err(internal)?,
        message_id: r.try_get("message_id").map_err(internal)?,
        message: Message::from_number(&kind).ok_or_else(|| bad(format!("bericht {kind}")))?,
        provider_id: r.try_get("provider_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        municipality: GemeenteCode::parse(&code).map_err(bad)?,
        reference: r.try_get("reference").map_err(internal)?,
        reason: r.try_get("reason").map_err(internal)?,
        products: serde_json::from_str(&products).map_err(bad)?,
        status: RequestStatus::parse(&status).ok_or_else(|| bad(format!("status {status}")))?,
        rejection: r.try_get("rejection").map_err(internal)?,
        answer_message_id: r.try_get("answer_message_id").map_err(internal)?,
        received_at: r.try_get("received_at").map_err(internal)?,
        answered_at: r.try_get("answered_at").map_err(internal)?,
        answered_by: r.try_get("answered_by").map_err(internal)?,
    })
}

async fn insert_assignment(
    tx: &mut Tx,
    a: &NewAssignment,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<Assignment> {
    let row = sqlx::query(
        "insert into iwmo_assignments (id, decision_id, client_id, provider_id, location_id,
            product_id, municipality, start_date, end_date, stay_id, reference, recorded_at,
            recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *",
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
    .bind(&a.reference)
    .bind(at)
    .bind(recorded_by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    assignment(&row)
}

/// A new end with its reason; with a reference, the request it answers.
async fn update_assignment(
    tx: &mut Tx,
    id: i64,
    end_date: NaiveDate,
    reason: &str,
    reference: Option<&str>,
    at: DateTime<Utc>,
) -> DomainResult<Assignment> {
    let row = sqlx::query(
        "update iwmo_assignments set end_date = $2, change_reason = $3, changed_at = $4,
                reference = coalesce($5, reference)
          where id = $1 returning *",
    )
    .bind(id)
    .bind(end_date)
    .bind(reason)
    .bind(at)
    .bind(reference)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?
    .ok_or_else(|| {
        DomainError::NotFound("Deze toewijzing bestaat niet of is voor u niet zichtbaar".into())
    })?;
    assignment(&row)
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

async fn apply(
    tx: &mut Tx,
    effect: &Effect,
    received: i64,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<()> {
    match effect {
        Effect::Request(r) => {
            sqlx::query(
                "insert into iwmo_requests (message_id, message, provider_id, client_id,
                    municipality, reference, reason, products, status, received_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(received)
            .bind(r.message.number())
            .bind(r.provider_id)
            .bind(r.client_id)
            .bind(r.municipality.as_str())
            .bind(&r.reference)
            .bind(&r.reason)
            .bind(serde_json::to_string(&r.products).map_err(bad)?)
            .bind(RequestStatus::Open.code())
            .bind(at)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
        }
        Effect::Answered {
            message_id,
            status,
            codes,
        } => {
            sqlx::query("update iwmo_messages set status = $2, codes = $3 where id = $1")
                .bind(message_id)
                .bind(status.code())
                .bind(serde_json::to_string(codes).map_err(bad)?)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
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
        let created = insert_assignment(&mut w.tx, a, at, recorded_by).await?;
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
        let changed = update_assignment(&mut w.tx, id, end_date, reason, None, at).await?;
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

    async fn find_iwmo_message(
        &self,
        provider_id: i64,
        incoming: bool,
        m: Message,
        identification: &str,
    ) -> DomainResult<Option<MessageRecord>> {
        let row = sqlx::query(
            "select * from iwmo_messages
              where provider_id = $1 and incoming = $2 and message = $3 and identification = $4
              order by id limit 1",
        )
        .bind(provider_id)
        .bind(incoming)
        .bind(m.number())
        .bind(identification)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(message).transpose()
    }

    async fn receive_iwmo(
        &self,
        m: &NewMessage,
        retour: Option<&NewMessage>,
        effects: &[Effect],
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(MessageRecord, Option<MessageRecord>)> {
        let mut w = self.begin_write().await?;
        let received = insert_message(&mut w.tx, m, None, at, recorded_by).await?;
        for effect in effects {
            apply(&mut w.tx, effect, received.id, at, recorded_by).await?;
        }
        let answered = match retour {
            Some(r) => {
                Some(insert_message(&mut w.tx, r, Some(received.id), at, recorded_by).await?)
            }
            None => None,
        };
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
            "select id, incoming, message, provider_id, client_id, identification, answers,
                    status, codes, '' as body, recorded_at, recorded_by, fetched_at
               from iwmo_messages
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

    async fn list_iwmo_requests(&self, filter: &RequestFilter) -> DomainResult<Vec<IwmoRequest>> {
        let mut sql = String::from("select * from iwmo_requests where 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.provider_id.is_some() {
            sql.push_str(&format!(" and provider_id = ${}", next()));
        }
        if filter.client_id.is_some() {
            sql.push_str(&format!(" and client_id = ${}", next()));
        }
        if let Some(codes) = &filter.municipalities {
            if codes.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = codes.iter().map(|_| format!("${}", next())).collect();
            sql.push_str(&format!(" and municipality in ({})", marks.join(", ")));
        }
        if filter.pending_only {
            sql.push_str(&format!(
                " and status in ('{}', '{}')",
                RequestStatus::Open.code(),
                RequestStatus::InOnderzoek.code()
            ));
        }
        sql.push_str(" order by id desc");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(p) = filter.provider_id {
            q = q.bind(p);
        }
        if let Some(c) = filter.client_id {
            q = q.bind(c);
        }
        for code in filter.municipalities.iter().flatten() {
            q = q.bind(code.as_str());
        }
        let rows = q.fetch_all(self.pool()).await.map_err(internal)?;
        rows.iter().map(request).collect()
    }

    async fn get_iwmo_request(&self, id: i64) -> DomainResult<Option<IwmoRequest>> {
        let row = sqlx::query("select * from iwmo_requests where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(request).transpose()
    }

    async fn answer_iwmo_request(
        &self,
        answer: &RequestAnswer,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(IwmoRequest, MessageRecord)> {
        let mut w = self.begin_write().await?;
        let current = sqlx::query("select * from iwmo_requests where id = $1")
            .bind(answer.request_id)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(internal)?
            .ok_or_else(|| {
                DomainError::NotFound("Dit verzoek bestaat niet of is voor u niet zichtbaar".into())
            })?;
        let current = request(&current)?;
        if !current.status.pending() {
            return Err(DomainError::Conflict(
                "Dit verzoek is al beantwoord; vernieuw de pagina.".into(),
            ));
        }
        for a in &answer.new {
            insert_assignment(&mut w.tx, a, at, recorded_by).await?;
        }
        for c in &answer.changes {
            update_assignment(
                &mut w.tx,
                c.id,
                c.end,
                c.reason,
                Some(&current.reference),
                at,
            )
            .await?;
        }
        let logged = insert_message(&mut w.tx, &answer.message, None, at, recorded_by).await?;
        let row = sqlx::query(
            "update iwmo_requests set status = $2, rejection = $3, answer_message_id = $4,
                    answered_at = $5, answered_by = $6
              where id = $1 returning *",
        )
        .bind(answer.request_id)
        .bind(answer.status.code())
        .bind(&answer.rejection)
        .bind(logged.id)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, Some(answer.request_id.to_string())).await?;
        w.commit().await?;
        Ok((request(&row)?, logged))
    }
}
