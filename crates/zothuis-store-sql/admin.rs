//! Users, tokens, sessions and login attempts in SQLite.

use crate::DbRow;
use crate::{DbStore, append_audit_tx, constraint, internal, stale_or_missing};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use zothuis_domain::admin::oidc::PendingExternalLogin;
use zothuis_domain::admin::{ApiToken, Role, Scope, Session, User, UserCredentials, UserData};
use zothuis_domain::audit::AuditDraft;
use zothuis_domain::store::{AdminStore, NewTokenRecord};
use zothuis_domain::{DomainError, DomainResult};

fn user(r: &DbRow) -> DomainResult<User> {
    let role: String = r.try_get("role").map_err(internal)?;
    let kind: String = r.try_get("scope_kind").map_err(internal)?;
    let reference: Option<String> = r.try_get("scope_ref").map_err(internal)?;
    Ok(User {
        id: r.try_get("id").map_err(internal)?,
        username: r.try_get("username").map_err(internal)?,
        display_name: r.try_get("display_name").map_err(internal)?,
        role: Role::parse(&role).map_err(|_| DomainError::Internal(format!("rol {role}")))?,
        scope: Scope::from_stored(&kind, reference.as_deref())?,
        active: r.try_get("active").map_err(internal)?,
        created_at: r.try_get("created_at").map_err(internal)?,
        version: r.try_get("version").map_err(internal)?,
        second_factor: r.try_get("second_factor").map_err(internal)?,
        external: r.try_get("external").map_err(internal)?,
    })
}

/// The columns `user` reads.
const USER_COLUMNS: &str = "id, username, display_name, role, scope_kind, scope_ref, active,
    created_at, version, (totp_secret is not null) as second_factor,
    (idp_subject is not null) as external";

fn token(r: &DbRow) -> DomainResult<ApiToken> {
    let role: String = r.try_get("role").map_err(internal)?;
    let kind: String = r.try_get("scope_kind").map_err(internal)?;
    let reference: Option<String> = r.try_get("scope_ref").map_err(internal)?;
    Ok(ApiToken {
        id: r.try_get("id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        role: Role::parse(&role).map_err(|_| DomainError::Internal(format!("rol {role}")))?,
        scope: Scope::from_stored(&kind, reference.as_deref())?,
        created_at: r.try_get("created_at").map_err(internal)?,
        created_by: r.try_get("created_by").map_err(internal)?,
        revoked_at: r.try_get("revoked_at").map_err(internal)?,
    })
}

impl DbStore {
    /// Deletes the rows `sql` selects by a time before `before`; how many.
    async fn delete_before(&self, sql: &'static str, before: DateTime<Utc>) -> DomainResult<u64> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(sql)
            .bind(before)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        w.commit().await?;
        Ok(done.rows_affected())
    }

    /// A new user with its audit row; `idp` the identity provider's issuer
    /// and subject of a user who signs in there.
    async fn insert_user(
        &self,
        data: &UserData,
        password_hash: &str,
        created_at: DateTime<Utc>,
        idp: Option<(&str, &str)>,
        audit: AuditDraft,
    ) -> DomainResult<User> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into users (username, display_name, password_hash, role, scope_kind, scope_ref,
                active, created_at, idp_issuer, idp_subject)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             returning {USER_COLUMNS}"
        )))
        .bind(&data.username)
        .bind(&data.display_name)
        .bind(password_hash)
        .bind(data.role.code())
        .bind(data.scope.kind().code())
        .bind(data.scope.reference())
        .bind(data.active)
        .bind(created_at)
        .bind(idp.map(|(issuer, _)| issuer))
        .bind(idp.map(|(_, subject)| subject))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Deze gebruikersnaam is al in gebruik."))?;
        let created = user(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }
}

#[async_trait]
impl AdminStore for DbStore {
    async fn count_users(&self) -> DomainResult<i64> {
        sqlx::query_scalar("select count(*) from users")
            .fetch_one(self.pool())
            .await
            .map_err(internal)
    }

    async fn list_users(&self) -> DomainResult<Vec<User>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} from users order by username"
        )))
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(user).collect()
    }

    async fn get_user(&self, id: i64) -> DomainResult<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} from users where id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(user).transpose()
    }

    async fn find_credentials(&self, username: &str) -> DomainResult<Option<UserCredentials>> {
        let row = sqlx::query(
            sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS}, password_hash, totp_secret, totp_last_step from users where username = $1"
        )),
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        match row {
            Some(r) => Ok(Some(UserCredentials {
                user: user(&r)?,
                password_hash: r.try_get("password_hash").map_err(internal)?,
                totp_secret: r.try_get("totp_secret").map_err(internal)?,
                totp_last_step: r.try_get("totp_last_step").map_err(internal)?,
            })),
            None => Ok(None),
        }
    }

    async fn create_user(
        &self,
        data: &UserData,
        password_hash: &str,
        created_at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<User> {
        self.insert_user(data, password_hash, created_at, None, audit)
            .await
    }

    async fn update_user(
        &self,
        id: i64,
        expected_version: i64,
        data: &UserData,
        audit: AuditDraft,
    ) -> DomainResult<User> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "update users set display_name = $1, role = $2, scope_kind = $3, scope_ref = $4,
                active = $5, version = version + 1
             where id = $6 and version = $7
             returning {USER_COLUMNS}"
        )))
        .bind(&data.display_name)
        .bind(data.role.code())
        .bind(data.scope.kind().code())
        .bind(data.scope.reference())
        .bind(data.active)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        let Some(row) = row else {
            let found = sqlx::query("select 1 from users where id = $1")
                .bind(id)
                .fetch_optional(&mut *w.tx)
                .await
                .map_err(internal)?
                .is_some();
            return Err(stale_or_missing(found, "Deze gebruiker"));
        };
        let updated = user(&row)?;
        if !updated.active {
            sqlx::query("delete from sessions where user_id = $1")
                .bind(id)
                .execute(&mut *w.tx)
                .await
                .map_err(internal)?;
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await?;
        Ok(updated)
    }

    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(DomainError::NotFound("Deze gebruiker bestaat niet".into()));
        }
        sqlx::query("delete from sessions where user_id = $1 and digest <> coalesce($2, '')")
            .bind(id)
            .bind(keep_session)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn create_token(&self, t: &NewTokenRecord, audit: AuditDraft) -> DomainResult<ApiToken> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "insert into api_tokens (name, role, scope_kind, scope_ref, digest, created_at, created_by)
             values ($1, $2, $3, $4, $5, $6, $7)
             returning id, name, role, scope_kind, scope_ref, created_at, created_by, revoked_at",
        )
        .bind(&t.name)
        .bind(t.role.code())
        .bind(t.scope.kind().code())
        .bind(t.scope.reference())
        .bind(&t.digest)
        .bind(t.created_at)
        .bind(&t.created_by)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| constraint(e, "Dit token bestaat al."))?;
        let created = token(&row)?;
        append_audit_tx(&mut w.tx, audit, Some(created.id.to_string())).await?;
        w.commit().await?;
        Ok(created)
    }

    async fn list_tokens(&self) -> DomainResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "select id, name, role, scope_kind, scope_ref, created_at, created_by, revoked_at
             from api_tokens order by id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(token).collect()
    }

    async fn find_token(&self, digest: &str) -> DomainResult<Option<ApiToken>> {
        let row = sqlx::query(
            "select id, name, role, scope_kind, scope_ref, created_at, created_by, revoked_at
             from api_tokens where digest = $1",
        )
        .bind(digest)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(token).transpose()
    }

    async fn revoke_token(
        &self,
        id: i64,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null",
        )
        .bind(at)
        .bind(id)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(DomainError::NotFound(
                "Dit token bestaat niet of is al ingetrokken".into(),
            ));
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn create_session(
        &self,
        digest: &str,
        user_id: i64,
        csrf_token: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "insert into sessions (digest, user_id, csrf_token, created_at, last_seen_at)
             values ($1, $2, $3, $4, $4)",
        )
        .bind(digest)
        .bind(user_id)
        .bind(csrf_token)
        .bind(at)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn set_second_factor(
        &self,
        id: i64,
        secret: Option<&str>,
        step: Option<i64>,
        audit: AuditDraft,
    ) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        let done =
            sqlx::query("update users set totp_secret = $2, totp_last_step = $3 where id = $1")
                .bind(id)
                .bind(secret)
                .bind(step)
                .execute(&mut *w.tx)
                .await
                .map_err(internal)?;
        if done.rows_affected() == 0 {
            return Err(DomainError::NotFound("Deze gebruiker bestaat niet".into()));
        }
        append_audit_tx(&mut w.tx, audit, None).await?;
        w.commit().await
    }

    async fn use_second_factor_step(&self, id: i64, step: i64) -> DomainResult<bool> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "update users set totp_last_step = $2
             where id = $1 and totp_secret is not null
                and (totp_last_step is null or totp_last_step < $2)",
        )
        .bind(id)
        .bind(step)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn find_session(&self, digest: &str) -> DomainResult<Option<(Session, User)>> {
        let row = sqlx::query(
            "select s.user_id, s.csrf_token, s.created_at as s_created, s.last_seen_at,
                u.id, u.username, u.display_name, u.role, u.scope_kind, u.scope_ref, u.active,
                u.created_at, u.version, (u.totp_secret is not null) as second_factor,
                (u.idp_subject is not null) as external
             from sessions s join users u on u.id = s.user_id where s.digest = $1",
        )
        .bind(digest)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        match row {
            Some(r) => Ok(Some((
                Session {
                    user_id: r.try_get("user_id").map_err(internal)?,
                    csrf_token: r.try_get("csrf_token").map_err(internal)?,
                    created_at: r.try_get("s_created").map_err(internal)?,
                    last_seen_at: r.try_get("last_seen_at").map_err(internal)?,
                },
                user(&r)?,
            ))),
            None => Ok(None),
        }
    }

    async fn touch_session(&self, digest: &str, at: DateTime<Utc>) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("update sessions set last_seen_at = $1 where digest = $2")
            .bind(at)
            .bind(digest)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        w.commit().await
    }

    async fn delete_session(&self, digest: &str, audit: Option<AuditDraft>) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("delete from sessions where digest = $1")
            .bind(digest)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        if let Some(audit) = audit {
            append_audit_tx(&mut w.tx, audit, None).await?;
        }
        w.commit().await
    }

    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> DomainResult<u64> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("delete from sessions where last_seen_at < $1 or created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        w.commit().await?;
        Ok(done.rows_affected())
    }

    async fn count_login_attempt(
        &self,
        key: &str,
        at: DateTime<Utc>,
        window_after: DateTime<Utc>,
    ) -> DomainResult<i64> {
        // One statement: the row lock of the upsert (PostgreSQL) and the one
        // writer (SQLite) make the increment and the answer one step.
        let mut w = self.begin_write().await?;
        let count: i64 = sqlx::query_scalar(
            "insert into login_counters (key, failures, window_start) values ($1, 1, $2)
             on conflict (key) do update set
                failures = case when login_counters.window_start < $3 then 1
                                else login_counters.failures + 1 end,
                window_start = case when login_counters.window_start < $3 then excluded.window_start
                                    else login_counters.window_start end
             returning failures",
        )
        .bind(key)
        .bind(at)
        .bind(window_after)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await?;
        Ok(count)
    }

    async fn uncount_login_attempt(&self, key: &str) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "update login_counters set failures = failures - 1 where key = $1 and failures > 0",
        )
        .bind(key)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await
    }

    async fn reset_login_attempts(&self, key: &str) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("delete from login_counters where key = $1")
            .bind(key)
            .execute(&mut *w.tx)
            .await
            .map_err(internal)?;
        w.commit().await
    }

    async fn purge_login_attempts(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        self.delete_before("delete from login_counters where window_start < $1", before)
            .await
    }

    async fn find_external_user(&self, issuer: &str, subject: &str) -> DomainResult<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} from users where idp_issuer = $1 and idp_subject = $2"
        )))
        .bind(issuer)
        .bind(subject)
        .fetch_optional(self.pool())
        .await
        .map_err(internal)?;
        row.as_ref().map(user).transpose()
    }

    async fn create_external_user(
        &self,
        data: &UserData,
        issuer: &str,
        subject: &str,
        created_at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<User> {
        // No password: "!" is no password hash, so no password matches it.
        self.insert_user(data, "!", created_at, Some((issuer, subject)), audit)
            .await
    }

    async fn save_external_login(&self, login: &PendingExternalLogin) -> DomainResult<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "insert into external_logins
                (state_digest, browser_digest, nonce, pkce_verifier, back, created_at)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&login.state_digest)
        .bind(&login.browser_digest)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.back)
        .bind(login.created_at)
        .execute(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await
    }

    async fn take_external_login(
        &self,
        state_digest: &str,
    ) -> DomainResult<Option<PendingExternalLogin>> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "delete from external_logins where state_digest = $1
             returning state_digest, browser_digest, nonce, pkce_verifier, back, created_at",
        )
        .bind(state_digest)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(internal)?;
        w.commit().await?;
        row.map(|r| {
            Ok(PendingExternalLogin {
                state_digest: r.try_get("state_digest").map_err(internal)?,
                browser_digest: r.try_get("browser_digest").map_err(internal)?,
                nonce: r.try_get("nonce").map_err(internal)?,
                pkce_verifier: r.try_get("pkce_verifier").map_err(internal)?,
                back: r.try_get("back").map_err(internal)?,
                created_at: r.try_get("created_at").map_err(internal)?,
            })
        })
        .transpose()
    }

    async fn purge_external_logins(&self, before: DateTime<Utc>) -> DomainResult<u64> {
        self.delete_before("delete from external_logins where created_at < $1", before)
            .await
    }
}
