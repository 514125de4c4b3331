//! Screening outcomes and stays in SQLite.

use crate::DbRow;
use crate::common::{bind_clients, clients_sql, keys_for_clients, rows_for_clients};
use crate::{DbStore, append_audit_tx, constraint, internal, stale_or_missing};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::care::*;
use zothuis_domain::reference::{CareLevel, Financing, GemeenteCode};
use zothuis_domain::store::{CareStore, Clients, ListKey, NewStay, ScreeningFilter};
use zothuis_domain::waitlist::TransitionData;
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn screening(r: &DbRow) -> DomainResult<Screening> {
    let outcome: Option<String> = r.try_get("outcome").map_err(internal)?;
    let outcome = match outcome {
        None => None,
        Some(o) => {
            let result = if o == "geaccepteerd" {
                ScreeningResult::Accepted
            } else {
                let by: Option<String> = r.try_get("declined_by").map_err(internal)?;
                let reason: Option<String> = r.try_get("reason").map_err(internal)?;
                ScreeningResult::Declined {
                    by: DeclinedBy::parse(by.as_deref().unwrap_or("")).map_err(bad)?,
                    reason: DeclineReason::parse(reason.as_deref().unwrap_or("")).map_err(bad)?,
                }
            };
            Some(ScreeningOutcome {
                result,
                decided_on: r.try_get("decided_on").map_err(internal)?,
                note: r.try_get("outcome_note").map_err(internal)?,
                recorded_at: r.try_get("outcome_recorded_at").map_err(internal)?,
                recorded_by: r.try_get("outcome_recorded_by").map_err(internal)?,
            })
        }
    };
    Ok(Screening {
        id: r.try_get("id").map_err(internal)?,
        entry_id: r.try_get("entry_id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        provider_id: r.try_get("provider_id").map_err(internal)?,
        started_on: r.try_get("effective_date").map_err(internal)?,
        outcome,
    })
}

/// Screenings: in-screening transitions with their outcome; a caller adds
/// its conditions after the `where`.
const SCREENINGS: &str = "select t.id, t.entry_id, e.client_id, t.provider_id, t.effective_date,
        o.outcome, o.declined_by, o.reason, o.decided_on, o.note as outcome_note,
        o.recorded_at as outcome_recorded_at, o.recorded_by as outcome_recorded_by
     from waitlist_transitions t
     join waitlist_entries e on e.id = t.entry_id
     left join screening_outcomes o on o.transition_id = t.id
     where t.status = 'in-screening' and not t.retracted";

fn header(r: &DbRow) -> DomainResult<StayHeader> {
    let code: String = r.try_get("responsible_municipality").map_err(internal)?;
    Ok(StayHeader {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        entry_id: r.try_get("entry_id").map_err(internal)?,
        decision_id: r.try_get("decision_id").map_err(internal)?,
        transferred_from: r.try_get("transferred_from").map_err(internal)?,
        responsible: GemeenteCode::parse(&code).map_err(bad)?,
        created_at: r.try_get("created_at").map_err(internal)?,
    })
}

fn version(r: &DbRow) -> DomainResult<StayVersion> {
    let exit: Option<String> = r.try_get("exit_destination").map_err(internal)?;
    Ok(StayVersion {
        id: r.try_get("id").map_err(internal)?,
        stay_id: r.try_get("stay_id").map_err(internal)?,
        product_id: r.try_get("product_id").map_err(internal)?,
        provider_id: r.try_get("provider_id").map_err(internal)?,
        location_id: r.try_get("location_id").map_err(internal)?,
        start_date: r.try_get("start_date").map_err(internal)?,
        end_date: r.try_get("end_date").map_err(internal)?,
        exit: exit
            .map(|e| ExitDestination::parse(&e).map_err(bad))
            .transpose()?,
        financing: financing(r)?,
        care_level: care_level(r)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

/// The financing form of a stay or tariff version.
pub(crate) fn financing(r: &DbRow) -> DomainResult<Financing> {
    let code: String = r.try_get("financing").map_err(internal)?;
    Financing::parse(&code).map_err(bad)
}

/// The care intensity level of a stay or tariff version.
pub(crate) fn care_level(r: &DbRow) -> DomainResult<Option<CareLevel>> {
    let level: Option<i64> = r.try_get("care_level").map_err(internal)?;
    level
        .map(|n| {
            u8::try_from(n)
                .ok()
                .and_then(CareLevel::new)
                .ok_or_else(|| bad(format!("zorgzwaarte {n}")))
        })
        .transpose()
}

pub(crate) type Tx = sqlx::Transaction<'static, crate::Db>;

pub(crate) async fn insert_version(
    tx: &mut Tx,
    stay_id: i64,
    f: &StayFacts,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<StayVersion> {
    let row = sqlx::query(
        "insert into stay_versions (stay_id, product_id, provider_id, location_id, start_date, end_date,
            exit_destination, financing, care_level, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *",
    )
    .bind(stay_id)
    .bind(f.product_id)
    .bind(f.provider_id)
    .bind(f.location_id)
    .bind(f.start_date)
    .bind(f.end_date)
    .bind(f.exit.map(|e| e.code()))
    .bind(f.financing.code())
    .bind(f.care_level.map(|l| i64::from(l.get())))
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    version(&row)
}

pub(crate) async fn insert_screening_outcome(
    tx: &mut Tx,
    screening_id: i64,
    result: ScreeningResult,
    decided_on: NaiveDate,
    note: Option<&str>,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<()> {
    let (outcome, by, reason) = match result {
        ScreeningResult::Accepted => ("geaccepteerd", None, None),
        ScreeningResult::Declined { by, reason } => {
            ("afgewezen", Some(by.code()), Some(reason.code()))
        }
    };
    sqlx::query(
        "insert into screening_outcomes (transition_id, outcome, declined_by, reason, decided_on, note,
            recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(screening_id)
    .bind(outcome)
    .bind(by)
    .bind(reason)
    .bind(decided_on)
    .bind(note)
    .bind(at)
    .bind(recorded_by)
    .execute(&mut **tx)
    .await
    .map_err(|e| constraint(e, "Voor deze screening is de uitkomst al vastgelegd."))?;
    Ok(())
}

pub(crate) async fn insert_stay(
    tx: &mut Tx,
    s: &NewStay,
    at: DateTime<Utc>,
    by: &str,
) -> DomainResult<Stay> {
    let row = sqlx::query(
        "insert into stays (client_id, entry_id, decision_id, transferred_from, responsible_municipality, created_at)
         values ($1, $2, $3, $4, $5, $6) returning *",
    )
    .bind(s.client_id)
    .bind(s.entry_id)
    .bind(s.decision_id)
    .bind(s.transferred_from)
    .bind(s.responsible.as_str())
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    let h = header(&row)?;
    let v = insert_version(tx, h.id, &s.facts, at, by).await?;
    stay_at(&h, &[v], at).ok_or_else(|| DomainError::Internal("verblijf zonder versie".into()))
}

/// Checks that `expected` is still the latest version of the stay.
pub(crate) async fn check_latest(
    tx: &mut Tx,
    stay_id: i64,
    expected: i64,
) -> DomainResult<StayHeader> {
    let row = sqlx::query("select * from stays where id = $1")
        .bind(stay_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    let Some(row) = row else {
        return Err(stale_or_missing(false, "Dit verblijf"));
    };
    let latest: Option<i64> =
        sqlx::query_scalar("select max(id) from stay_versions where stay_id = $1")
            .bind(stay_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(internal)?;
    if latest != Some(expected) {
        return Err(stale_or_missing(true, "Dit verblijf"));
    }
    header(&row)
}

#[async_trait]
impl CareStore for DbStore {
    async fn list_screenings(
        &self,
        clients: &Clients,
        filter: &ScreeningFilter,
    ) -> DomainResult<Vec<Screening>> {
        // Only the conditions asked for, each an index lookup ("$1 is null
        // or …" makes SQLite scan every transition); the clients' last.
        let mut sql = SCREENINGS.to_string();
        let mut n = 1;
        for (column, value) in [
            ("t.entry_id", filter.entry_id),
            ("t.provider_id", filter.provider_id),
        ] {
            if value.is_some() {
                sql.push_str(&format!(" and {column} = ${n}"));
                n += 1;
            }
        }
        if filter.in_force_at.is_some() {
            sql.push_str(&format!(
                " and t.recorded_at <= ${n} and not exists (select 1 from waitlist_transitions c
                   where c.supersedes = t.id and c.recorded_at <= ${n})"
            ));
            n += 1;
        }
        sql.push_str(&format!(
            " and {} order by t.id",
            clients_sql(clients, "e.client_id", n)
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in [filter.entry_id, filter.provider_id].into_iter().flatten() {
            q = q.bind(value);
        }
        if let Some(k) = filter.in_force_at {
            q = q.bind(k);
        }
        let rows = bind_clients(q, clients)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(screening).collect()
    }

    async fn get_screening(&self, id: i64) -> DomainResult<Option<Screening>> {
        let sql = format!("{SCREENINGS} and t.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(screening).transpose()
    }

    async fn record_screening_outcome(
        &self,
        screening_id: i64,
        result: ScreeningResult,
        decided_on: NaiveDate,
        note: Option<&str>,
        follow_up: Option<&TransitionData>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        insert_screening_outcome(
            &mut w.tx,
            screening_id,
            result,
            decided_on,
            note,
            at,
            recorded_by,
        )
        .await?;
        if let Some(t) = follow_up {
            crate::waitlist::insert_transition(&mut w.tx, t, at, recorded_by).await?;
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn create_stay(
        &self,
        stay: &NewStay,
        placement: Option<&TransitionData>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay> {
        let mut w = self.begin_write().await?;
        let created = insert_stay(&mut w.tx, stay, at, recorded_by).await?;
        if let Some(t) = placement {
            crate::waitlist::insert_transition(&mut w.tx, t, at, recorded_by).await?;
        }
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn add_stay_version(
        &self,
        stay_id: i64,
        expected_version: i64,
        facts: &StayFacts,
        placement: Option<&TransitionData>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay> {
        let mut w = self.begin_write().await?;
        let h = check_latest(&mut w.tx, stay_id, expected_version).await?;
        let v = insert_version(&mut w.tx, stay_id, facts, at, recorded_by).await?;
        if let Some(t) = placement {
            crate::waitlist::insert_transition(&mut w.tx, t, at, recorded_by).await?;
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        stay_at(&h, &[v], at).ok_or_else(|| DomainError::Internal("verblijf zonder versie".into()))
    }

    async fn transfer_stay(
        &self,
        stay_id: i64,
        expected_version: i64,
        ended: &StayFacts,
        next: &NewStay,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay> {
        let mut w = self.begin_write().await?;
        check_latest(&mut w.tx, stay_id, expected_version).await?;
        insert_version(&mut w.tx, stay_id, ended, at, recorded_by).await?;
        let created = insert_stay(&mut w.tx, next, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_stay_headers(&self, clients: &Clients) -> DomainResult<Vec<StayHeader>> {
        let sql = "select * from stays where {clients} order by id";
        let rows = rows_for_clients(self.pool(), sql, "client_id", clients).await?;
        rows.iter().map(header).collect()
    }

    async fn get_stay_header(&self, id: i64) -> DomainResult<Option<StayHeader>> {
        let row = sqlx::query("select * from stays where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(header).transpose()
    }

    async fn list_stay_versions(&self, clients: &Clients) -> DomainResult<Vec<StayVersion>> {
        let sql = match clients {
            Clients::All => "select * from stay_versions order by id",
            _ => {
                "select v.* from stay_versions v join stays s on s.id = v.stay_id
                  where {clients} order by v.id"
            }
        };
        let rows = rows_for_clients(self.pool(), sql, "s.client_id", clients).await?;
        rows.iter().map(version).collect()
    }

    async fn list_current_stays(
        &self,
        clients: &Clients,
        locations: Option<&[i64]>,
        active_on: Option<NaiveDate>,
    ) -> DomainResult<(Vec<StayHeader>, Vec<StayVersion>)> {
        // The versions in force (not replaced, migration 0017); at locations
        // and on a day through index stay_versions_at_location. Only the
        // conditions asked for, the clients' last ($n).
        let mut from = "from stay_versions v join stays s on s.id = v.stay_id
            where not v.replaced"
            .to_string();
        let mut n = 1;
        let locations = locations.map(|ids| {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!("[{}]", ids.join(","))
        });
        if locations.is_some() {
            from.push_str(&format!(
                " and v.location_id in ({})",
                crate::id_list_sql(n)
            ));
            n += 1;
        }
        if active_on.is_some() {
            from.push_str(&format!(
                " and coalesce(v.end_date, '9999-12-31') > ${n} and v.start_date <= ${n}"
            ));
            n += 1;
        }
        from.push_str(&format!(" and {}", clients_sql(clients, "s.client_id", n)));
        let read = |sql: String| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some(ids) = &locations {
                q = q.bind(ids.clone());
            }
            if let Some(day) = active_on {
                q = q.bind(day);
            }
            bind_clients(q, clients).fetch_all(self.pool())
        };
        let headers = read(format!("select s.* {from} order by s.id"))
            .await
            .map_err(internal)?;
        let versions = read(format!("select v.* {from} order by v.id"))
            .await
            .map_err(internal)?;
        Ok((
            headers.iter().map(header).collect::<DomainResult<_>>()?,
            versions.iter().map(version).collect::<DomainResult<_>>()?,
        ))
    }

    async fn current_stay_keys(
        &self,
        clients: &Clients,
        active_on: Option<NaiveDate>,
        provider: Option<i64>,
    ) -> DomainResult<Vec<ListKey>> {
        // Every stay has one version in force (migration 0017), so without
        // a condition on it the stays alone answer; with one, the version in
        // force is read from index stay_versions_current (migration 0021),
        // not from the table. Only the conditions asked for, the clients'
        // last ($n).
        if active_on.is_none() && provider.is_none() {
            let sql = "select id, client_id from stays where {clients} order by id";
            return keys_for_clients(self.pool(), sql, "client_id", clients, 1, |q| q).await;
        }
        let mut sql = "select s.id, s.client_id from stays s
            join stay_versions v on v.stay_id = s.id and not v.replaced where 1 = 1"
            .to_string();
        let mut n = 1;
        if active_on.is_some() {
            sql.push_str(&format!(
                " and coalesce(v.end_date, '9999-12-31') > ${n} and v.start_date <= ${n}"
            ));
            n += 1;
        }
        if provider.is_some() {
            sql.push_str(&format!(" and v.provider_id = ${n}"));
            n += 1;
        }
        sql.push_str(" and {clients} order by s.id");
        keys_for_clients(self.pool(), &sql, "s.client_id", clients, n, |mut q| {
            if let Some(day) = active_on {
                q = q.bind(day);
            }
            if let Some(p) = provider {
                q = q.bind(p);
            }
            q
        })
        .await
    }
}
