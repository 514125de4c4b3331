//! Clients in SQLite.

use crate::DbRow;
use crate::common::{bind_clients, clients_sql, keys_for_clients, rows_for_clients};
use crate::{DbStore, append_audit_tx, constraint, internal, stale_or_missing};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::clients::merge::{ClientMerge, MergeMove, MergedTable};
use zothuis_domain::clients::*;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::store::{ClientAccessRow, ClientStore, Clients, ListKey};
use zothuis_domain::{DomainError, DomainResult};

fn bad(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("onleesbare waarde in database: {e}"))
}

fn bsn(r: &DbRow) -> DomainResult<Option<Bsn>> {
    let raw: Option<String> = r.try_get("bsn").map_err(internal)?;
    raw.map(|b| Bsn::parse(&b).map_err(bad)).transpose()
}

fn client(r: &DbRow) -> DomainResult<Client> {
    let registered: String = r.try_get("registered_by").map_err(internal)?;
    Ok(Client {
        id: r.try_get("id").map_err(internal)?,
        given_name: r.try_get("given_name").map_err(internal)?,
        family_name: r.try_get("family_name").map_err(internal)?,
        date_of_birth: r.try_get("date_of_birth").map_err(internal)?,
        bsn: bsn(r)?,
        phone: r.try_get("phone").map_err(internal)?,
        email: r.try_get("email").map_err(internal)?,
        restricted: r.try_get("restricted").map_err(internal)?,
        registered_by: GemeenteCode::parse(&registered).map_err(bad)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        version: r.try_get("version").map_err(internal)?,
        merged_into: r.try_get("merged_into").map_err(internal)?,
    })
}

fn version(r: &DbRow) -> DomainResult<ClientVersion> {
    Ok(ClientVersion {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        given_name: r.try_get("given_name").map_err(internal)?,
        family_name: r.try_get("family_name").map_err(internal)?,
        date_of_birth: r.try_get("date_of_birth").map_err(internal)?,
        bsn: bsn(r)?,
        phone: r.try_get("phone").map_err(internal)?,
        email: r.try_get("email").map_err(internal)?,
        restricted: r.try_get("restricted").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
    })
}

fn address(r: &DbRow) -> DomainResult<AddressRow> {
    let kind: String = r.try_get("kind").map_err(internal)?;
    let institution: String = r.try_get("institution").map_err(internal)?;
    let municipality: Option<String> = r.try_get("municipality_code").map_err(internal)?;
    Ok(AddressRow {
        id: r.try_get("id").map_err(internal)?,
        client_id: r.try_get("client_id").map_err(internal)?,
        kind: AddressKind::parse(&kind).map_err(bad)?,
        municipality: municipality
            .map(|m| GemeenteCode::parse(&m).map_err(bad))
            .transpose()?,
        address: r.try_get("address").map_err(internal)?,
        institution: Institution::parse(&institution).map_err(bad)?,
        effective_date: r.try_get("effective_date").map_err(internal)?,
        recorded_at: r.try_get("recorded_at").map_err(internal)?,
        recorded_by: r.try_get("recorded_by").map_err(internal)?,
        supersedes: r.try_get("supersedes").map_err(internal)?,
        retracted: r.try_get("retracted").map_err(internal)?,
    })
}

const DUPLICATE_BSN: &str = "Er is al een cliënt met dit BSN.";

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    client_id: i64,
    data: &ClientData,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<()> {
    sqlx::query(
        "insert into client_versions (client_id, given_name, family_name, date_of_birth, bsn, phone,
            email, restricted, recorded_at, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(client_id)
    .bind(&data.given_name)
    .bind(&data.family_name)
    .bind(data.date_of_birth)
    .bind(data.bsn.as_ref().map(|b| b.to_string()))
    .bind(&data.phone)
    .bind(&data.email)
    .bind(data.restricted)
    .bind(at)
    .bind(recorded_by)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Inserts a client with its first version and, for a restricted client,
/// the grant to the registering user.
pub(crate) async fn insert_client(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    data: &ClientData,
    registered_by: &GemeenteCode,
    at: DateTime<Utc>,
    recorded_by: &str,
    grant_to: Option<i64>,
) -> DomainResult<Client> {
    let row = sqlx::query(
        "insert into clients (given_name, family_name, date_of_birth, bsn, phone, email, restricted,
            registered_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning *",
    )
    .bind(&data.given_name)
    .bind(&data.family_name)
    .bind(data.date_of_birth)
    .bind(data.bsn.as_ref().map(|b| b.to_string()))
    .bind(&data.phone)
    .bind(&data.email)
    .bind(data.restricted)
    .bind(registered_by.as_str())
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| constraint(e, DUPLICATE_BSN))?;
    let created = client(&row)?;
    insert_version(tx, created.id, data, at, recorded_by).await?;
    if let Some(user) = grant_to {
        sqlx::query(
            "insert into client_grants (client_id, user_id, granted_by, granted_at) values ($1, $2, $3, $4)",
        )
        .bind(created.id)
        .bind(user)
        .bind(recorded_by)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    Ok(created)
}

pub(crate) async fn insert_address(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    data: &AddressData,
    at: DateTime<Utc>,
    recorded_by: &str,
) -> DomainResult<AddressRow> {
    let row = sqlx::query(
        "insert into client_addresses (client_id, kind, municipality_code, address, institution,
            effective_date, recorded_at, recorded_by, supersedes, retracted)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning *",
    )
    .bind(data.client_id)
    .bind(data.kind.code())
    .bind(data.municipality.as_ref().map(|m| m.to_string()))
    .bind(&data.address)
    .bind(data.institution.code())
    .bind(data.effective_date)
    .bind(at)
    .bind(recorded_by)
    .bind(data.supersedes)
    .bind(data.retracted)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    address(&row)
}

const MERGES: &str = "select id, survivor_id, merged_id, reason, merged_at, merged_by, undone_at,
        undone_by, undo_reason from client_merges";

/// A merge with the rows it moved per kind.
async fn read_merge<'e, E>(db: E, r: &DbRow) -> DomainResult<ClientMerge>
where
    E: sqlx::Executor<'e, Database = crate::Db>,
{
    let id: i64 = r.try_get("id").map_err(internal)?;
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "select row_table, count(*) from client_merge_rows where merge_id = $1
         group by row_table order by row_table",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .map_err(internal)?;
    let mut moved: Vec<(MergedTable, i64)> = counts
        .into_iter()
        .map(|(t, n)| MergedTable::parse(&t).map(|t| (t, n)).ok_or_else(|| bad(t)))
        .collect::<DomainResult<_>>()?;
    moved.sort();
    Ok(ClientMerge {
        id,
        survivor_id: r.try_get("survivor_id").map_err(internal)?,
        merged_id: r.try_get("merged_id").map_err(internal)?,
        reason: r.try_get("reason").map_err(internal)?,
        merged_at: r.try_get("merged_at").map_err(internal)?,
        merged_by: r.try_get("merged_by").map_err(internal)?,
        undone_at: r.try_get("undone_at").map_err(internal)?,
        undone_by: r.try_get("undone_by").map_err(internal)?,
        undo_reason: r.try_get("undo_reason").map_err(internal)?,
        moved,
    })
}

/// A merge as written in the transaction that wrote it.
async fn merge_in(
    tx: &mut sqlx::Transaction<'static, crate::Db>,
    merge_id: i64,
) -> DomainResult<ClientMerge> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{MERGES} where id = $1")))
        .bind(merge_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    read_merge(&mut **tx, &row).await
}

fn refused(message: String) -> DomainError {
    DomainError::invalid("behouden", message)
}

#[async_trait]
impl ClientStore for DbStore {
    async fn create_client(
        &self,
        data: &ClientData,
        registered_by: &GemeenteCode,
        at: DateTime<Utc>,
        recorded_by: &str,
        grant_to: Option<i64>,
        audit: AuditDraft,
    ) -> DomainResult<Client> {
        let mut w = self.begin_write().await?;
        let created =
            insert_client(&mut w.tx, data, registered_by, at, recorded_by, grant_to).await?;
        let mut audit = audit;
        audit.client_id = Some(created.id);
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn update_client(
        &self,
        id: i64,
        expected_version: i64,
        data: &ClientData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Client> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update clients set given_name = $1, family_name = $2, date_of_birth = $3, bsn = $4,
                phone = $5, email = $6, restricted = $7, version = version + 1
             where id = $8 and version = $9
             returning *",
        )
        .bind(&data.given_name)
        .bind(&data.family_name)
        .bind(data.date_of_birth)
        .bind(data.bsn.as_ref().map(|b| b.to_string()))
        .bind(&data.phone)
        .bind(&data.email)
        .bind(data.restricted)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, DUPLICATE_BSN))?;
        let Some(row) = row else {
            let found = sqlx::query("select 1 from clients where id = $1")
                .bind(id)
                .fetch_optional(&mut *w.tx)
                .await
                .map_err(internal)?
                .is_some();
            return Err(stale_or_missing(found, "Deze cliënt"));
        };
        let updated = client(&row)?;
        insert_version(&mut w.tx, id, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn get_client(&self, id: i64) -> DomainResult<Option<Client>> {
        let row = sqlx::query("select * from clients where id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        row.as_ref().map(client).transpose()
    }

    async fn list_clients(&self, clients: &Clients) -> DomainResult<Vec<Client>> {
        let rows = rows_for_clients(
            self.pool(),
            "select * from clients where {clients} order by family_name, given_name, id",
            "id",
            clients,
        )
        .await?;
        rows.iter().map(client).collect()
    }

    async fn client_keys(&self, clients: &Clients) -> DomainResult<Vec<ListKey>> {
        // The order of `list_clients`; the rows' other columns stay unread.
        let sql = "select id, id from clients where {clients} order by family_name, given_name, id";
        keys_for_clients(self.pool(), sql, "id", clients, 1, |q| q).await
    }

    async fn client_names(&self, clients: &Clients) -> DomainResult<Vec<duplicates::NameRecord>> {
        let rows = rows_for_clients(
            self.pool(),
            "select id, given_name, family_name, date_of_birth, bsn from clients
              where merged_into is null and {clients}",
            "id",
            clients,
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(duplicates::NameRecord {
                    id: r.try_get("id").map_err(internal)?,
                    given_name: r.try_get("given_name").map_err(internal)?,
                    family_name: r.try_get("family_name").map_err(internal)?,
                    date_of_birth: r.try_get("date_of_birth").map_err(internal)?,
                    bsn: bsn(r)?,
                })
            })
            .collect()
    }

    async fn client_access(&self, clients: &Clients) -> DomainResult<Vec<ClientAccessRow>> {
        use std::collections::BTreeMap;
        let pool = self.pool();
        let fetch = |sql: String| {
            let q = bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), clients);
            async move { q.fetch_all(pool).await.map_err(internal) }
        };
        let mut out: BTreeMap<i64, ClientAccessRow> = BTreeMap::new();
        // The municipalities in the order the policy documents them: the
        // registering one (and that of each record merged into the client,
        // whose rows it now holds), then those applied to, then those
        // responsible.
        let links = fetch(format!(
            "select x.client_id, x.restricted, x.code, m.region_id from (
                select id as client_id, restricted, registered_by as code, 0 as kind, 0 as seq
                  from clients where {c}
                union all select a.client_id, false, a.municipality_code, 1, a.id
                  from applications a where {a}
                union all select d.client_id, false, d.responsible_municipality, 2, d.id
                  from decisions d where {d}
                union all select m.survivor_id, false, c.registered_by, 0, c.id
                  from client_merges m join clients c on c.id = m.merged_id
                 where m.undone_at is null and {m}) x
              left join municipalities m on m.code = x.code
             order by x.client_id, x.kind, x.seq",
            c = clients_sql(clients, "id", 1),
            a = clients_sql(clients, "a.client_id", 1),
            d = clients_sql(clients, "d.client_id", 1),
            m = clients_sql(clients, "m.survivor_id", 1),
        ))
        .await?;
        for r in &links {
            let id: i64 = r.try_get(0).map_err(internal)?;
            let code: String = r.try_get(2).map_err(internal)?;
            let region: Option<i64> = r.try_get(3).map_err(internal)?;
            let row = out.entry(id).or_insert_with(|| ClientAccessRow {
                client_id: id,
                ..Default::default()
            });
            row.restricted |= r.try_get::<bool, _>(1).map_err(internal)?;
            let code = GemeenteCode::parse(&code).map_err(bad)?;
            if !row.municipalities.contains(&code) {
                row.municipalities.push(code);
            }
            if let Some(region) = region
                && !row.regions.contains(&region)
            {
                row.regions.push(region);
            }
        }
        // A referral counts while it is not corrected away (superseded or
        // retracted); a placement as the stay is known now; an iWmo
        // assignment (the provider received the client's data in its 301).
        let providers = fetch(format!(
            "select e.client_id, t.provider_id from waitlist_transitions t
               join waitlist_entries e on e.id = t.entry_id
              where {e} and t.status = 'in-screening' and t.provider_id is not null
                and not t.retracted
                and not exists (select 1 from waitlist_transitions c where c.supersedes = t.id)
             union
             select s.client_id, v.provider_id from stay_versions v join stays s on s.id = v.stay_id
              where {s} and not v.replaced
             union
             select client_id, provider_id from iwmo_assignments where {a}
             order by 1, 2",
            e = clients_sql(clients, "e.client_id", 1),
            s = clients_sql(clients, "s.client_id", 1),
            a = clients_sql(clients, "client_id", 1),
        ))
        .await?;
        for r in &providers {
            let id: i64 = r.try_get(0).map_err(internal)?;
            if let Some(row) = out.get_mut(&id) {
                row.providers.push(r.try_get(1).map_err(internal)?);
            }
        }
        let grants = fetch(format!(
            "select client_id, user_id from client_grants where {} order by client_id, user_id",
            clients_sql(clients, "client_id", 1)
        ))
        .await?;
        for r in &grants {
            let id: i64 = r.try_get(0).map_err(internal)?;
            if let Some(row) = out.get_mut(&id) {
                row.grants.push(r.try_get(1).map_err(internal)?);
            }
        }
        let access_points = fetch(format!(
            "select distinct client_id, region_id from shelter_reports where {} order by 1, 2",
            clients_sql(clients, "client_id", 1)
        ))
        .await?;
        for r in &access_points {
            let id: i64 = r.try_get(0).map_err(internal)?;
            if let Some(row) = out.get_mut(&id) {
                row.access_points.push(r.try_get(1).map_err(internal)?);
            }
        }
        Ok(out.into_values().collect())
    }

    async fn restricted_clients(&self, clients: &Clients) -> DomainResult<Vec<i64>> {
        // Index clients_restricted (migration 0020): the few restricted
        // clients, each looked up in the scope's set.
        let sql = format!(
            "select id from clients where restricted and {} order by id",
            clients_sql(clients, "id", 1)
        );
        let rows = bind_clients(sqlx::query(sqlx::AssertSqlSafe(sql)), clients)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>(0).map_err(internal))
            .collect()
    }

    async fn client_versions(&self, id: i64) -> DomainResult<Vec<ClientVersion>> {
        let rows = sqlx::query("select * from client_versions where client_id = $1 order by id")
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(version).collect()
    }

    async fn find_client_by_bsn(&self, bsn: &Bsn) -> DomainResult<Option<i64>> {
        sqlx::query_scalar("select id from clients where bsn = $1")
            .bind(bsn.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(internal)
    }

    async fn list_addresses(&self, client_id: i64) -> DomainResult<Vec<AddressRow>> {
        let rows = sqlx::query("select * from client_addresses where client_id = $1 order by id")
            .bind(client_id)
            .fetch_all(self.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(address).collect()
    }

    async fn add_address(
        &self,
        data: &AddressData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AddressRow> {
        let mut w = self.begin_write().await?;
        let created = insert_address(&mut w.tx, data, at, recorded_by).await?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn client_grants(&self, client_id: i64) -> DomainResult<Vec<i64>> {
        sqlx::query_scalar(
            "select user_id from client_grants where client_id = $1 order by user_id",
        )
        .bind(client_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)
    }

    async fn grant_client_access(
        &self,
        client_id: i64,
        user_id: i64,
        granted_by: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "insert into client_grants (client_id, user_id, granted_by, granted_at) values ($1, $2, $3, $4)",
        )
        .bind(client_id)
        .bind(user_id)
        .bind(granted_by)
        .bind(at)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Deze gebruiker heeft al toegang tot deze cliënt."))?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn merge_clients(
        &self,
        merged_id: i64,
        survivor_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        merged_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<ClientMerge> {
        let mut w = self.begin_write().await?;
        // Both records, unmerged, take a new version: a concurrent change
        // of either waits for this one and then finds it merged.
        for id in [survivor_id, merged_id] {
            let done = sqlx::query(
                "update clients set version = version + 1 where id = $1 and merged_into is null",
            )
            .bind(id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?
            .rows_affected();
            if done != 1 {
                return Err(refused(
                    "Een van beide dossiers is al samengevoegd; laad de pagina opnieuw.".into(),
                ));
            }
        }
        let holds_others: Option<i64> = sqlx::query_scalar(
            "select id from client_merges where survivor_id = $1 and undone_at is null limit 1",
        )
        .bind(merged_id)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        if holds_others.is_some() {
            return Err(refused(format!(
                "In cliëntnummer {merged_id} zijn al andere dossiers samengevoegd: laat dat dossier blijven bestaan."
            )));
        }
        let row = sqlx::query(
            "insert into client_merges (survivor_id, merged_id, reason, merged_at, merged_by)
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(survivor_id)
        .bind(merged_id)
        .bind(reason)
        .bind(at)
        .bind(merged_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Dit dossier is al samengevoegd."))?;
        let merge_id: i64 = row.try_get(0).map_err(internal)?;
        let mut moved = serde_json::Map::new();
        for t in MergedTable::ALL {
            let table = t.table();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into client_merge_rows (merge_id, row_table, row_id)
                 select $1, $2, id from {table} where client_id = $3"
            )))
            .bind(merge_id)
            .bind(table)
            .bind(merged_id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
            let n = sqlx::query(sqlx::AssertSqlSafe(format!(
                "update {table} set client_id = $1 where client_id = $2"
            )))
            .bind(survivor_id)
            .bind(merged_id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?
            .rows_affected();
            if n > 0 {
                moved.insert(t.label().into(), n.into());
            }
        }
        sqlx::query("update clients set merged_into = $1 where id = $2")
            .bind(survivor_id)
            .bind(merged_id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        let mut audit = audit;
        if !audit.details.is_object() {
            audit.details = serde_json::Value::Object(serde_json::Map::new());
        }
        if let Some(details) = audit.details.as_object_mut() {
            details.insert("verplaatst".into(), moved.into());
        }
        append_audit_tx(&mut w.tx, audit, Some(merge_id.to_string())).await?;
        let merge = merge_in(&mut w.tx, merge_id).await?;
        w.commit().await?;
        Ok(merge)
    }

    async fn undo_merge(
        &self,
        merge_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        undone_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<ClientMerge> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "update client_merges set undone_at = $1, undone_by = $2, undo_reason = $3
             where id = $4 and undone_at is null
             returning merged_id",
        )
        .bind(at)
        .bind(undone_by)
        .bind(reason)
        .bind(merge_id)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            let found = sqlx::query("select 1 from client_merges where id = $1")
                .bind(merge_id)
                .fetch_optional(&mut *w.tx)
                .await
                .map_err(internal)?
                .is_some();
            return Err(if found {
                DomainError::Conflict("Deze samenvoeging is al ongedaan gemaakt.".into())
            } else {
                DomainError::NotFound("Deze samenvoeging bestaat niet".into())
            });
        };
        let merged_id: i64 = row.try_get(0).map_err(internal)?;
        for t in MergedTable::ALL {
            let table = t.table();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "update {table} set client_id = $1 where id in
                   (select row_id from client_merge_rows where merge_id = $2 and row_table = $3)"
            )))
            .bind(merged_id)
            .bind(merge_id)
            .bind(table)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        }
        sqlx::query("update clients set merged_into = null, version = version + 1 where id = $1")
            .bind(merged_id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, Some(merge_id.to_string())).await?;
        let merge = merge_in(&mut w.tx, merge_id).await?;
        w.commit().await?;
        Ok(merge)
    }

    async fn get_merge(&self, merge_id: i64) -> DomainResult<Option<ClientMerge>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{MERGES} where id = $1")))
            .bind(merge_id)
            .fetch_optional(self.pool())
            .await
            .map_err(internal)?;
        match row {
            Some(r) => Ok(Some(read_merge(self.pool(), &r).await?)),
            None => Ok(None),
        }
    }

    async fn client_merges(&self, client_id: i64) -> DomainResult<Vec<ClientMerge>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MERGES} where survivor_id = $1 or merged_id = $1 order by id"
        )))
        .bind(client_id)
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(read_merge(self.pool(), r).await?);
        }
        Ok(out)
    }

    async fn merge_moves(&self) -> DomainResult<Vec<MergeMove>> {
        let rows = sqlx::query(
            "select r.merge_id, r.row_table, r.row_id, m.merged_id, m.survivor_id, m.merged_at,
                    m.undone_at
               from client_merge_rows r join client_merges m on m.id = r.merge_id
              order by r.merge_id, r.row_table, r.row_id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                let table: String = r.try_get(1).map_err(internal)?;
                Ok(MergeMove {
                    merge_id: r.try_get(0).map_err(internal)?,
                    table: MergedTable::parse(&table).ok_or_else(|| bad(table))?,
                    row_id: r.try_get(2).map_err(internal)?,
                    merged_id: r.try_get(3).map_err(internal)?,
                    survivor_id: r.try_get(4).map_err(internal)?,
                    merged_at: r.try_get(5).map_err(internal)?,
                    undone_at: r.try_get(6).map_err(internal)?,
                })
            })
            .collect()
    }
}
