//! Applications and decisions in SQLite.

use crate::DbRow;
use crate::common::{bind_clients, clients_sql, keys_for_clients, rows_for_clients};
use crate::{DbStore, append_audit_tx, constraint, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::access::assessment::{Answer, Assessment, AssessmentData, Criterion};
use zothuis_domain::access::*;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{AccessStore, Clients, ListKey};
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn code(r: &DbRow, col: &str) -> DomainResult<GemeenteCode> {
    let raw: String = r.try_get(col).map_err(internal)?;
    GemeenteCode::parse(&raw).map_err(bad)
}

fn application(r: &DbRow) -> DomainResult<Application> {
    let source: String = r.try_get("source").map_err(internal)?;
    Ok(Application {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        product_id: r.try_get("product_id").map_err(internal)?,
        municipality: code(r, "municipality_code")?,
        applied_on: r.try_get("applied_on").map_err(internal)?,
        source: Source::parse(&source).map_err(bad)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

fn decision(r: &DbRow) -> DomainResult<Decision> {
    let outcome: String = r.try_get("outcome").map_err(internal)?;
    Ok(Decision {
        id: r.try_get("id").map_err(internal)?,
        application_id: r.try_get("application_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        product_id: r.try_get("product_id").map_err(internal)?,
        outcome: Outcome::parse(&outcome).map_err(bad)?,
        decided_on: r.try_get("decided_on").map_err(internal)?,
        valid_from: r.try_get("valid_from").map_err(internal)?,
        valid_to: r.try_get("valid_to").map_err(internal)?,
        reference: r.try_get("reference").map_err(internal)?,
        responsible: code(r, "responsible_municipality")?,
        determined: code(r, "determined_municipality")?,
        rule: r.try_get("rule").map_err(internal)?,
        explanation: r.try_get("explanation").map_err(internal)?,
        inputs: r.try_get("inputs").map_err(internal)?,
        override_reason: r.try_get("override_reason").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

type Tx = sqlx::Transaction<'static, crate::Db>;

pub(crate) async fn insert_application(
    tx: &mut Tx,
    data: &ApplicationData,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<Application> {
    let row = sqlx::query(
        "insert into applications (client_id, product_id, municipality_code, applied_on, source,
            recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning *",
    )
    .bind(data.client_id)
    .bind(data.product_id)
    .bind(data.municipality.as_str())
    .bind(data.applied_on)
    .bind(data.source.code())
    .bind(at)
    .bind(recorded_by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    application(&row)
}

/// Inserts a decision; with `rec.opens_waitlist` also the waiting-list entry
/// (its id is returned) with its first transition.
pub(crate) async fn insert_decision(
    tx: &mut Tx,
    rec: &DecisionRecord,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<(Decision, Option<i64>)> {
    let row = sqlx::query(
        "insert into decisions (application_id, client_id, product_id, outcome, decided_on, valid_from,
            valid_to, reference, responsible_municipality, determined_municipality, rule, explanation,
            inputs, override_reason, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         returning *",
    )
    .bind(rec.application_id)
    .bind(rec.client_id)
    .bind(rec.product_id)
    .bind(rec.data.outcome.code())
    .bind(rec.data.decided_on)
    .bind(rec.data.valid_from)
    .bind(rec.data.valid_to)
    .bind(&rec.data.reference)
    .bind(rec.responsible.as_str())
    .bind(rec.determined.as_str())
    .bind(rec.rule.code())
    .bind(&rec.explanation)
    .bind(rec.inputs.to_string())
    .bind(&rec.data.override_reason)
    .bind(at)
    .bind(recorded_by)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| constraint(e, "Op deze aanmelding is al beslist."))?;
    let created = decision(&row)?;
    let entry = if rec.opens_waitlist {
        Some(crate::waitlist::open_entry(tx, &created, at, recorded_by).await?)
    } else {
        None
    };
    Ok((created, entry))
}

#[async_trait]
impl AccessStore for DbStore {
    async fn create_application(
        &self,
        data: &ApplicationData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Application> {
        let mut w = self.begin_write().await?;
        let created = insert_application(&mut w.tx, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn get_application(&self, id: i64) -> DomainResult<Option<Application>> {
        let row = sqlx::query("select * from applications where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(application).transpose()
    }

    async fn list_applications(&self, clients: &Clients) -> DomainResult<Vec<Application>> {
        let sql = "select * from applications where {clients} order by id";
        let rows = rows_for_clients(self.pool(), sql, "client_id", clients).await?;
        rows.iter().map(application).collect()
    }

    async fn application_keys(
        &self,
        clients: &Clients,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<ListKey>> {
        recorded_keys(self.pool(), "applications", clients, known_at).await
    }

    async fn create_decision(
        &self,
        rec: &DecisionRecord,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Decision> {
        let mut w = self.begin_write().await?;
        let (created, _) = insert_decision(&mut w.tx, rec, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn get_decision(&self, id: i64) -> DomainResult<Option<Decision>> {
        let row = sqlx::query("select * from decisions where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(decision).transpose()
    }

    async fn list_decisions(&self, clients: &Clients) -> DomainResult<Vec<Decision>> {
        let sql = "select * from decisions where {clients} order by id";
        let rows = rows_for_clients(self.pool(), sql, "client_id", clients).await?;
        rows.iter().map(decision).collect()
    }

    async fn decision_keys(
        &self,
        clients: &Clients,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<ListKey>> {
        recorded_keys(self.pool(), "decisions", clients, known_at).await
    }

    async fn list_criteria(&self, product_id: i64) -> DomainResult<Vec<Criterion>> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "select id, product_id, text, position from framework_criteria where product_id = $1 order by position, id",
        )
        .bind(product_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|(id, product_id, text, position)| Criterion {
                id,
                product_id,
                text,
                position,
            })
            .collect())
    }

    async fn add_criterion(
        &self,
        product_id: i64,
        text: &str,
        audit: AuditDraft,
    ) -> DomainResult<Criterion> {
        let mut w = self.begin_write().await?;
        let position: i64 = sqlx::query_scalar(
            "select coalesce(max(position), 0) + 1 from framework_criteria where product_id = $1",
        )
        .bind(product_id)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let id: i64 = sqlx::query_scalar(
            "insert into framework_criteria (product_id, text, position) values ($1, $2, $3) returning id",
        )
        .bind(product_id)
        .bind(text)
        .bind(position)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(Criterion {
            id,
            product_id,
            text: text.to_string(),
            position,
        })
    }

    async fn create_assessment(
        &self,
        data: &AssessmentData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Assessment> {
        let answers = serde_json::Value::Array(
            data.answers
                .iter()
                .map(|(c, a, n)| serde_json::json!({ "criterium": c, "antwoord": a.code(), "toelichting": n }))
                .collect(),
        )
        .to_string();
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into assessments (application_id, client_id, assessed_on, answers, motivation, meets, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(data.application_id)
        .bind(data.client_id)
        .bind(data.assessed_on)
        .bind(&answers)
        .bind(&data.motivation)
        .bind(data.meets)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(Assessment {
            id,
            application_id: data.application_id,
            client_id: data.client_id,
            assessed_on: data.assessed_on,
            answers: data.answers.clone(),
            motivation: data.motivation.clone(),
            meets: data.meets,
            recorded_at: at,
            recorded_by: recorded_by.to_string(),
        })
    }

    async fn list_assessments(
        &self,
        clients: &Clients,
        application_id: Option<i64>,
    ) -> DomainResult<Vec<Assessment>> {
        // Only the conditions asked for, so that each is an index lookup
        // ("$1 is null or …" makes SQLite scan the table).
        let sql = match application_id {
            Some(_) => format!(
                "select * from assessments where application_id = $1 and {} order by id",
                clients_sql(clients, "client_id", 2)
            ),
            None => format!(
                "select * from assessments where {} order by id",
                clients_sql(clients, "client_id", 1)
            ),
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = application_id {
            q = q.bind(id);
        }
        let q = bind_clients(q, clients);
        let rows = q.fetch_all(self.pool()).await.map_err(internal)?;
        rows.iter()
            .map(|r| {
                let raw: String = r.try_get("answers").map_err(internal)?;
                let parsed: Vec<serde_json::Value> = serde_json::from_str(&raw).map_err(bad)?;
                let answers = parsed
                    .iter()
                    .map(|a| {
                        let answer =
                            Answer::parse(a["antwoord"].as_str().unwrap_or("")).map_err(bad)?;
                        Ok((
                            a["criterium"].as_i64().unwrap_or_default(),
                            answer,
                            a["toelichting"].as_str().map(str::to_string),
                        ))
                    })
                    .collect::<DomainResult<Vec<_>>>()?;
                Ok(Assessment {
                    id: r.try_get("id").map_err(internal)?,
                    application_id: r.try_get("application_id").map_err(internal)?,
                    client_id: r.try_get("client_id").map_err(internal)?,
                    assessed_on: r.try_get("assessed_on").map_err(internal)?,
                    answers,
                    motivation: r.try_get("motivation").map_err(internal)?,
                    meets: r.try_get("meets").map_err(internal)?,
                    recorded_at: r.try_get("recorded_at").map_err(internal)?,
                    recorded_by: r.try_get("recorded_by").map_err(internal)?,
                })
            })
            .collect()
    }
}

/// The keys of `table`'s rows of the clients asked for, by id, only those
/// recorded by `known_at` when given (a condition only when asked, so that
/// the database need not plan for both).
async fn recorded_keys(
    pool: &sqlx::Pool<crate::Db>,
    table: &str,
    clients: &Clients,
    known_at: Option<DateTime<Utc>>,
) -> DomainResult<Vec<ListKey>> {
    match known_at {
        None => {
            let sql = format!("select id, client_id from {table} where {{clients}} order by id");
            keys_for_clients(pool, &sql, "client_id", clients, 1, |q| q).await
        }
        Some(k) => {
            let sql = format!(
                "select id, client_id from {table} where recorded_at <= $1 and {{clients}} order by id"
            );
            keys_for_clients(pool, &sql, "client_id", clients, 2, |q| q.bind(k)).await
        }
    }
}
