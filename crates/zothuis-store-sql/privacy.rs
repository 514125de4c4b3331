//! Requests of access by the person the data are about (AVG art. 15), and
//! retention: which records are past their period, and their anonymisation.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, internal};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::DomainResult;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::privacy::AccessRequest;
use zothuis_domain::privacy::retention::{ANONYMISED_NAME, RetentionFacts, RetentionRun};
use zothuis_domain::store::{Clients, NewAccessRequest, PrivacyStore};

const COLUMNS: &str = "id, client_id, region_id, received_on, identity_check, note,
    recorded_at, recorded_by, answered_at, answered_by";

fn request(r: &DbRow) -> DomainResult<AccessRequest> {
    Ok(AccessRequest {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        received_on: r.try_get("received_on").map_err(internal)?,
        identity_check: r.try_get("identity_check").map_err(internal)?,
        note: r.try_get("note").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        answered_at: r.try_get("answered_at").map_err(internal)?,
        answered_by: r.try_get("answered_by").map_err(internal)?,
    })
}

/// One request, in a write transaction or from the pool.
async fn read<'e, E>(db: E, id: i64) -> DomainResult<Option<AccessRequest>>
where
    E: sqlx::Executor<'e, Database = crate::Db>,
{
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from subject_access_requests where id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
    .map_err(internal)?
    .as_ref()
    .map(request)
    .transpose()
}

// Every day something happened in a record (`RetentionFacts::last_activity`),
// for the clients of `{clients}`; each branch an index lookup by client.
const ACTIVITY: &str = "select client_id, cast(max(d) as text) from (
        select client_id, applied_on as d from applications where {clients}
        union all select client_id, decided_on from decisions where {clients}
        union all select client_id, valid_to from decisions where valid_to is not null and {clients}
        union all select s.client_id, v.start_date from stays s join stay_versions v on v.stay_id = s.id
            where {s_clients}
        union all select s.client_id, v.end_date from stays s join stay_versions v on v.stay_id = s.id
            where v.end_date is not null and {s_clients}
        union all select e.client_id, t.effective_date from waitlist_entries e
            join waitlist_transitions t on t.entry_id = e.id where {e_clients}
        union all select r.client_id, v.reported_on from shelter_reports r
            join shelter_report_versions v on v.report_id = r.id where {r_clients}
        union all select r.client_id, v.outcome_on from shelter_reports r
            join shelter_report_versions v on v.report_id = r.id
            where v.outcome_on is not null and {r_clients}
        union all select n.client_id, v.nominated_on from outflow_nominations n
            join outflow_nomination_versions v on v.nomination_id = n.id where {n_clients}
        union all select n.client_id, coalesce(v.aftercare_until, v.withdrawn_on, v.key_on)
            from outflow_nominations n join outflow_nomination_versions v on v.nomination_id = n.id
            where coalesce(v.aftercare_until, v.withdrawn_on, v.key_on) is not null and {n_clients}
    ) x group by client_id";

// Care or a procedure still going on: a stay's version in force without an
// end, a waiting-list entry neither placed nor removed, a request of access
// not answered.
const OPEN: &str = "select s.client_id from stays s join stay_versions v on v.stay_id = s.id
        where not v.replaced and v.end_date is null and {s_clients}
    union select client_id from waitlist_entries
        where coalesce(current_status, 'aangemeld') not in ('geplaatst', 'afgevoerd') and {clients}
    union select client_id from subject_access_requests where answered_at is null and {clients}";

/// `sql` with its client conditions filled in: `$1` is the clients' parameter.
fn for_clients(sql: &str, clients: &Clients) -> String {
    use crate::common::clients_sql;
    sql.replace("{clients}", &clients_sql(clients, "client_id", 1))
        .replace("{s_clients}", &clients_sql(clients, "s.client_id", 1))
        .replace("{e_clients}", &clients_sql(clients, "e.client_id", 1))
        .replace("{r_clients}", &clients_sql(clients, "r.client_id", 1))
        .replace("{n_clients}", &clients_sql(clients, "n.client_id", 1))
}

async fn client_rows(
    pool: &sqlx::Pool<crate::Db>,
    sql: &str,
    clients: &Clients,
) -> DomainResult<Vec<DbRow>> {
    let q = sqlx::query(sqlx::AssertSqlSafe(for_clients(sql, clients)));
    crate::common::bind_clients(q, clients)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

// What anonymising a record changes: personal details, address lines and
// free text; `$1` is the list of clients. What the figures read stays.
const ANONYMISE: [&str; 13] = [
    "update client_versions set given_name = $2, family_name = $2, date_of_birth = $3, bsn = null,
        phone = null, email = null where {clients}",
    "update client_addresses set address = null where {clients}",
    "delete from client_grants where {clients}",
    "update assessments set answers = '[]', motivation = '' where {clients}",
    "update decisions set override_reason = null where {clients}",
    "update waitlist_transitions set note = null
        where entry_id in (select id from waitlist_entries where {clients})",
    "update screening_outcomes set note = null where transition_id in (select t.id
        from waitlist_transitions t join waitlist_entries e on e.id = t.entry_id where {e_clients})",
    "update waitlist_urgency set reason = '' where entry_id in
        (select id from waitlist_entries where {clients})",
    "update shelter_report_versions set note = null
        where report_id in (select id from shelter_reports where {clients})",
    "update outflow_nomination_versions set note = null, withdrawal_reason = null
        where nomination_id in (select id from outflow_nominations where {clients})",
    "update subject_access_requests set identity_check = '', note = null where {clients}",
    // An iWmo message's text names the person (BSN, name, address); its
    // log line, codes and status stay.
    "update iwmo_messages set body = '' where {clients}",
    "update client_merges set reason = '', undo_reason = null
        where survivor_id in (select x.id from clients x where {x_clients})
           or merged_id in (select x.id from clients x where {x_clients})",
];

fn run(r: &DbRow) -> DomainResult<RetentionRun> {
    Ok(RetentionRun {
        id: r.try_get("id").map_err(internal)?,
        region_id: r.try_get("region_id").map_err(internal)?,
        approved_at: r.try_get("approved_at").map_err(internal)?,
        approved_by: r.try_get("approved_by").map_err(internal)?,
        clients: r.try_get("clients").map_err(internal)?,
        audit_rows: r.try_get("audit_rows").map_err(internal)?,
    })
}

#[async_trait]
impl PrivacyStore for DbStore {
    async fn create_access_request(
        &self,
        data: &NewAccessRequest,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AccessRequest> {
        let mut w = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into subject_access_requests (client_id, region_id, received_on,
                identity_check, note, recorded_at, recorded_by)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(data.client_id)
        .bind(data.region_id)
        .bind(data.received_on)
        .bind(&data.identity_check)
        .bind(&data.note)
        .bind(at)
        .bind(recorded_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let created = read(&mut *w.tx, id)
            .await?
            .ok_or_else(|| zothuis_domain::DomainError::Internal("verzoek verdwenen".into()))?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_access_requests(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<AccessRequest>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from subject_access_requests
             where ($1 is null or region_id = $1) order by id desc"
        )))
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(request).collect()
    }

    async fn get_access_request(&self, id: i64) -> DomainResult<Option<AccessRequest>> {
        read(self.pool(), id).await
    }

    async fn answer_access_request(
        &self,
        id: i64,
        at: DateTime<Utc>,
        answered_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AccessRequest> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "update subject_access_requests set answered_at = $2, answered_by = $3
             where id = $1 and answered_at is null",
        )
        .bind(id)
        .bind(at)
        .bind(answered_by)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        let answered = read(&mut *w.tx, id).await?.ok_or_else(|| {
            zothuis_domain::DomainError::NotFound("Dit inzageverzoek bestaat niet".into())
        })?;
        append_audit_tx(&mut w.tx, audit, Some(id.to_string())).await?;
        w.commit().await?;
        Ok(answered)
    }

    async fn retention_facts(&self, clients: &Clients) -> DomainResult<Vec<RetentionFacts>> {
        use std::collections::{HashMap, HashSet};
        let pool = self.pool();
        let sql = format!(
            "select id, created_at from clients
              where merged_into is null and anonymised_at is null and {}",
            crate::common::clients_sql(clients, "id", 1)
        );
        let records = crate::common::bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), clients)
            .fetch_all(pool)
            .await
            .map_err(internal)?;
        let mut last: HashMap<i64, chrono::NaiveDate> = HashMap::new();
        for r in &client_rows(pool, ACTIVITY, clients).await? {
            let id: i64 = r.try_get(0).map_err(internal)?;
            let day: Option<String> = r.try_get(1).map_err(internal)?;
            if let Some(d) = day.and_then(|d| d.get(..10).and_then(|d| d.parse().ok())) {
                last.insert(id, d);
            }
        }
        let open: HashSet<i64> = client_rows(pool, OPEN, clients)
            .await?
            .iter()
            .map(|r| r.try_get(0).map_err(internal))
            .collect::<DomainResult<_>>()?;
        let granted: HashSet<i64> = client_rows(
            pool,
            "select distinct client_id from decisions where outcome = 'toegekend' and {clients}",
            clients,
        )
        .await?
        .iter()
        .map(|r| r.try_get(0).map_err(internal))
        .collect::<DomainResult<_>>()?;
        records
            .iter()
            .map(|r| {
                let id: i64 = r.try_get(0).map_err(internal)?;
                let created: DateTime<Utc> = r.try_get(1).map_err(internal)?;
                let registered = zothuis_domain::dates::dutch_local(created).date();
                Ok(RetentionFacts {
                    client_id: id,
                    last_activity: last.get(&id).map_or(registered, |d| (*d).max(registered)),
                    granted: granted.contains(&id),
                    open: open.contains(&id),
                })
            })
            .collect()
    }

    async fn anonymise_clients(
        &self,
        client_ids: &[i64],
        region_id: Option<i64>,
        at: DateTime<Utc>,
        approved_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<RetentionRun> {
        let mut w = self.begin_write().await?;
        // The records asked for, and those merged into them while the merge
        // holds: one person.
        let asked = Clients::Ids(client_ids.to_vec());
        let sql = format!(
            "select merged_id from client_merges where undone_at is null and {}",
            crate::common::clients_sql(&asked, "survivor_id", 1)
        );
        let merged: Vec<i64> =
            crate::common::bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), &asked)
                .fetch_all(&mut *w.tx)
                .await
                .map_err(internal)?
                .iter()
                .map(|r| r.try_get(0).map_err(internal))
                .collect::<DomainResult<_>>()?;
        let mut all: Vec<i64> = client_ids.iter().copied().chain(merged).collect();
        all.sort_unstable();
        all.dedup();
        let clients = Clients::Ids(all);
        let born = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        let sql = format!(
            "update clients set given_name = $2, family_name = $2, date_of_birth = $3, bsn = null,
                phone = null, email = null, anonymised_at = $4, version = version + 1
              where anonymised_at is null and {}",
            crate::common::clients_sql(&clients, "id", 1)
        );
        let q = crate::common::bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), &clients);
        let anonymised = q
            .bind(ANONYMISED_NAME)
            .bind(born)
            .bind(at)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?
            .rows_affected();
        for sql in ANONYMISE {
            let sql = for_clients(sql, &clients).replace(
                "{x_clients}",
                &crate::common::clients_sql(&clients, "x.id", 1),
            );
            let mut q = crate::common::bind_clients(
                sqlx::query(sqlx::AssertSqlSafe(sql.clone())),
                &clients,
            );
            if sql.contains("$2") {
                q = q.bind(ANONYMISED_NAME).bind(born);
            }
            q.execute(&mut *w.tx).await.map_err(internal)?;
        }
        let sql = format!(
            "update audit_log set details = $2 where hash_version = {} and details <> $2 and {}",
            zothuis_domain::audit::HASH_VERSION,
            crate::common::clients_sql(&clients, "client_id", 1)
        );
        let erased = crate::common::bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), &clients)
            .bind(zothuis_domain::audit::ERASED_DETAILS)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?
            .rows_affected();
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let row = sqlx::query(
            "insert into retention_runs (region_id, approved_at, approved_by, clients, audit_rows)
             values ($1, $2, $3, $4, $5) returning *",
        )
        .bind(region_id)
        .bind(at)
        .bind(approved_by)
        .bind(count(anonymised))
        .bind(count(erased))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        let done = run(&row)?;
        let mut audit = audit;
        audit.details = serde_json::json!({
            "geanonimiseerd": done.clients,
            "auditregelsGewist": done.audit_rows,
        });
        append_audit_tx(&mut w.tx, audit, Some(done.id.to_string())).await?;
        w.commit().await?;
        Ok(done)
    }

    async fn list_retention_runs(&self, region_id: Option<i64>) -> DomainResult<Vec<RetentionRun>> {
        let rows = sqlx::query(
            "select * from retention_runs where $1 is null or region_id = $1 order by id desc",
        )
        .bind(region_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(run).collect()
    }
}
