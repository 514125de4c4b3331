//! Registrations at the central access point for shelter.

use crate::DbRow;
use crate::common::rows_for_clients_bound;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::shelter::*;
use zothuis_domain::store::{Clients, RegistrationPerson, ShelterStore};
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn code(r: &DbRow, column: &str) -> DomainResult<Option<GemeenteCode>> {
    let value: Option<String> = r.try_get(column).map_err(internal)?;
    value
        .map(|c| GemeenteCode::parse(&c).map_err(bad))
        .transpose()
}

/// A header joined with one of its versions (`v.id as version_id`).
fn registration(r: &DbRow) -> DomainResult<Registration> {
    let kind: String = r.try_get("kind").map_err(internal)?;
    let basis: String = r.try_get("origin_basis").map_err(internal)?;
    let outcome: Option<String> = r.try_get("outcome").map_err(internal)?;
    let end_reason: Option<String> = r.try_get("end_reason").map_err(internal)?;
    Ok(Registration {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        facts: RegistrationFacts {
            kind: RegistrationKind::parse(&kind).map_err(bad)?,
            reported_on: r.try_get("reported_on").map_err(internal)?,
            origin: code(r, "origin_municipality")?,
            origin_basis: OriginBasis::parse(&basis).map_err(bad)?,
            outcome: outcome
                .map(|o| RegistrationOutcome::parse(&o).map_err(bad))
                .transpose()?,
            outcome_on: r.try_get("outcome_on").map_err(internal)?,
            referred_to: code(r, "referred_to")?,
            end_reason: end_reason
                .map(|e| EndReason::parse(&e).map_err(bad))
                .transpose()?,
            note: r.try_get("note").map_err(internal)?,
        },
        version_id: r.try_get("version_id").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

const COLUMNS: &str = "r.id, r.client_id, r.region_id, r.created_at, v.id as version_id, v.kind,
    v.reported_on, v.origin_municipality, v.origin_basis, v.outcome, v.outcome_on, v.referred_to,
    v.end_reason, v.note, v.recorded_at, v.recorded_by";

/// The versions of one registration (`$1`), in `order` of their ids.
fn versions_sql(order: &str) -> String {
    format!(
        "select {COLUMNS} from shelter_reports r join shelter_report_versions v on v.report_id = r.id
          where r.id = $1 order by v.id {order}"
    )
}

type Tx = sqlx::Transaction<'static, crate::Db>;

async fn insert_version(
    tx: &mut Tx,
    report_id: i64,
    f: &RegistrationFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Registration> {
    sqlx::query(
        "insert into shelter_report_versions (report_id, kind, reported_on, origin_municipality,
            origin_basis, outcome, outcome_on, referred_to, end_reason, note, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(report_id)
    .bind(f.kind.code())
    .bind(f.reported_on)
    .bind(f.origin.as_ref().map(|m| m.as_str().to_string()))
    .bind(f.origin_basis.code())
    .bind(f.outcome.map(RegistrationOutcome::code))
    .bind(f.outcome_on)
    .bind(f.referred_to.as_ref().map(|m| m.as_str().to_string()))
    .bind(f.end_reason.map(EndReason::code))
    .bind(&f.note)
    .bind(at)
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let row = sqlx::query(sqlx::AssertSqlSafe(versions_sql("desc limit 1")))
        .bind(report_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    registration(&row)
}

/// A registration of a client with its first version, inside a write: what
/// the access point's create and the import write alike.
pub(crate) async fn insert_registration(
    tx: &mut Tx,
    client_id: i64,
    region_id: i64,
    facts: &RegistrationFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Registration> {
    let id: i64 = sqlx::query_scalar(
        "insert into shelter_reports (client_id, region_id, created_at) values ($1, $2, $3)
         returning id",
    )
    .bind(client_id)
    .bind(region_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    insert_version(tx, id, facts, at, by).await
}

#[async_trait]
impl ShelterStore for DbStore {
    async fn create_registration(
        &self,
        person: &RegistrationPerson,
        region_id: i64,
        facts: &RegistrationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Registration> {
        let mut w = self.begin_write().await?;
        let client_id = match person {
            RegistrationPerson::Existing(id) => *id,
            RegistrationPerson::New(person) => {
                let created = crate::clients::insert_client(
                    &mut w.tx,
                    &person.data,
                    &person.registered_by,
                    at,
                    recorded_by,
                    person.grant_to,
                )
                .await?;
                let mut audit = person.audit.clone();
                audit.client_id = Some(created.id);
                append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
                created.id
            }
        };
        let mut audit = audit;
        audit.client_id = Some(client_id);
        let created =
            insert_registration(&mut w.tx, client_id, region_id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn add_registration_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &RegistrationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Registration> {
        let mut w = self.begin_write().await?;
        crate::common::latest_version_is(
            &mut w.tx,
            "shelter_report_versions",
            "report_id",
            id,
            expected_version,
            "Deze melding",
        )
        .await?;
        let changed = insert_version(&mut w.tx, id, facts, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(changed)
    }

    async fn registration_versions(&self, id: i64) -> DomainResult<Vec<Registration>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(versions_sql("")))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(registration).collect()
    }

    async fn list_registrations(
        &self,
        clients: &Clients,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Registration>> {
        // Versions are written one at a time (serialised writers), so the
        // latest recorded by a moment is the highest id recorded by then.
        let region = match region_id {
            Some(r) => format!(" and r.region_id = {r}"),
            None => String::new(),
        };
        let sql = format!(
            "select {COLUMNS} from shelter_reports r join shelter_report_versions v on v.report_id = r.id
              where {{clients}}{region}
                and v.id = (select max(w.id) from shelter_report_versions w
                             where w.report_id = r.id and w.recorded_at <= $1)
              order by r.id"
        );
        let rows = rows_for_clients_bound(self.pool(), &sql, "r.client_id", clients, 2, |q| {
            q.bind(known_at)
        })
        .await?;
        rows.iter().map(registration).collect()
    }
}
