//! Use cases on users, API tokens, sessions and the audit log.

use super::model::*;
use super::secrets::*;
use crate::audit::anchor::Anchors;
use crate::audit::{AuditAction, AuditRecord, ChainBreak, ChainVerifier, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult, Validator};
use crate::paging::{Page, PageRequest};
use crate::policy::Action;
use crate::service::Services;
use crate::store::AuditFilter;
use chrono::Duration;
use serde_json::json;

/// What a successful login hands the web layer: the session cookie value and
/// the CSRF token of the session.
#[derive(Debug, Clone)]
pub struct LoginSuccess {
    pub user: User,
    pub session_secret: String,
    pub csrf_token: String,
    /// The user's role requires a second factor the user has not set up:
    /// the pages send the user to set it up first (`needs_second_factor`).
    pub must_set_up_second_factor: bool,
}

/// A freshly created API token; the secret is shown once and only its digest kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

const BAD_LOGIN: &str = "Gebruikersnaam of wachtwoord onjuist.";
const BAD_CODE: &str = "De code uit uw authenticator-app is onjuist of al gebruikt. Vul de code in die de app nu toont.";
const CODE_DOES_NOT_FIT: &str = "Deze code hoort niet bij de sleutel. Controleer of de tijd op uw telefoon klopt en vul de code in die de app nu toont.";

impl Services {
    /// True while the installation has no user at all: the first start explains
    /// how to create the first administrator.
    pub async fn setup_needed(&self) -> DomainResult<bool> {
        Ok(self.store.count_users().await? == 0)
    }

    pub(crate) async fn resolve_scope(&self, role: Role, spec: &ScopeSpec) -> DomainResult<Scope> {
        let scope = match spec {
            ScopeSpec::Installatie => Scope::Installatie,
            ScopeSpec::Regio(code) => match self.store.find_region_by_code(code).await? {
                Some(r) => Scope::Regio(r.id),
                None => {
                    return Err(DomainError::invalid(
                        "scope",
                        format!("er is geen regio met code {code}"),
                    ));
                }
            },
            ScopeSpec::Gemeente(code) => match self.store.get_municipality(code).await? {
                Some(_) => Scope::Gemeente(code.clone()),
                None => {
                    return Err(DomainError::invalid(
                        "scope",
                        format!("gemeente {code} bestaat niet in zothuis"),
                    ));
                }
            },
            ScopeSpec::Aanbieder(id) => match self.store.get_provider(*id).await? {
                Some(_) => Scope::Aanbieder(*id),
                None => {
                    return Err(DomainError::invalid(
                        "scope",
                        format!("aanbieder {id} bestaat niet"),
                    ));
                }
            },
            ScopeSpec::Corporatie(id) => match self.store.get_corporation(*id).await? {
                Some(_) => Scope::Corporatie(*id),
                None => {
                    return Err(DomainError::invalid(
                        "scope",
                        format!("corporatie {id} bestaat niet"),
                    ));
                }
            },
        };
        if !role.allowed_scopes().contains(&scope.kind()) {
            let allowed: Vec<&str> = role.allowed_scopes().iter().map(|k| k.code()).collect();
            return Err(DomainError::invalid(
                "scope",
                format!(
                    "een {} heeft als scope: {}",
                    role.label().to_lowercase(),
                    allowed.join(" of ")
                ),
            ));
        }
        Ok(scope)
    }

    /// Parses role and scope together, reporting both fields.
    async fn parse_role_scope(&self, role: &str, scope: &str) -> DomainResult<(Role, Scope)> {
        let role = Role::parse(role)?;
        let spec = ScopeSpec::parse(scope)?;
        let scope = self.resolve_scope(role, &spec).await?;
        Ok((role, scope))
    }

    /// Moves field errors of a sub-result into the validator; other errors pass.
    fn collect_invalid<T>(
        &self,
        v: &mut Validator,
        result: DomainResult<T>,
    ) -> DomainResult<Option<T>> {
        match result {
            Ok(t) => Ok(Some(t)),
            Err(DomainError::Invalid(errs)) => {
                for e in errs {
                    v.add(&e.field, e.message);
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    // ---- users ---------------------------------------------------------------

    pub async fn create_user(
        &self,
        ctx: &RequestContext,
        input: &NewUserInput,
    ) -> DomainResult<User> {
        self.authorize(
            ctx,
            Action::ManageUsers,
            AuditAction::Created,
            ObjectType::Gebruiker,
            None,
        )
        .await?;
        let mut v = Validator::new();
        let username = parse_username(&input.username, &mut v);
        let display_name = v.check("naam", crate::reference::Name::parse(&input.display_name));
        check_password_strength(&input.password, &mut v, "wachtwoord");
        let role_scope = self.collect_invalid(
            &mut v,
            self.parse_role_scope(&input.role, &input.scope).await,
        )?;
        v.finish()?;
        let (Some(username), Some(display_name), Some((role, scope))) =
            (username, display_name, role_scope)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let data = UserData {
            username,
            display_name: display_name.into_string(),
            role,
            scope,
            active: true,
        };
        let hash = hash_password(&input.password)?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Gebruiker, None)
            .with_details(user_json(&data));
        self.store
            .create_user(&data, &hash, self.clock.now_micros(), draft)
            .await
    }

    /// Lists users; reading user records is a read of personal data and audited.
    pub async fn list_users(&self, ctx: &RequestContext) -> DomainResult<Vec<User>> {
        self.authorize(
            ctx,
            Action::ManageUsers,
            AuditAction::Listed,
            ObjectType::Gebruiker,
            None,
        )
        .await?;
        let users = self.store.list_users().await?;
        self.store
            .append_audit(
                self.draft(ctx, AuditAction::Listed, ObjectType::Gebruiker, None)
                    .with_details(json!({ "aantal": users.len() })),
            )
            .await?;
        Ok(users)
    }

    pub async fn get_user(&self, ctx: &RequestContext, id: i64) -> DomainResult<User> {
        let key = Some(id.to_string());
        self.authorize(
            ctx,
            Action::ManageUsers,
            AuditAction::Viewed,
            ObjectType::Gebruiker,
            key.clone(),
        )
        .await?;
        let user = self
            .store
            .get_user(id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze gebruiker bestaat niet".into()))?;
        self.store
            .append_audit(self.draft(ctx, AuditAction::Viewed, ObjectType::Gebruiker, key))
            .await?;
        Ok(user)
    }

    pub async fn update_user(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &UserUpdateInput,
    ) -> DomainResult<User> {
        let key = Some(id.to_string());
        self.authorize(
            ctx,
            Action::ManageUsers,
            AuditAction::Updated,
            ObjectType::Gebruiker,
            key.clone(),
        )
        .await?;
        let before = self
            .store
            .get_user(id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze gebruiker bestaat niet".into()))?;
        let mut v = Validator::new();
        let display_name = v.check("naam", crate::reference::Name::parse(&input.display_name));
        let role_scope = self.collect_invalid(
            &mut v,
            self.parse_role_scope(&input.role, &input.scope).await,
        )?;
        v.finish()?;
        let (Some(display_name), Some((role, scope))) = (display_name, role_scope) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let data = UserData {
            username: before.username.clone(),
            display_name: display_name.into_string(),
            role,
            scope,
            active: input.active,
        };
        // Never lock the installation out of its own administration.
        let loses_admin = before.role == Role::Beheerder
            && before.active
            && (!data.active || data.role != Role::Beheerder);
        if loses_admin {
            let admins = self
                .store
                .list_users()
                .await?
                .into_iter()
                .filter(|u| u.role == Role::Beheerder && u.active)
                .count();
            if admins <= 1 {
                return Err(DomainError::Conflict(
                    "Dit is de laatste actieve beheerder; maak eerst een andere beheerder aan."
                        .into(),
                ));
            }
        }
        let before_data = UserData {
            username: before.username.clone(),
            display_name: before.display_name.clone(),
            role: before.role,
            scope: before.scope.clone(),
            active: before.active,
        };
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Gebruiker, key)
            .with_details(json!({ "voor": user_json(&before_data), "na": user_json(&data) }));
        self.store
            .update_user(id, expected_version, &data, draft)
            .await
    }

    /// An administrator sets a new password for a user (e.g. after a forgotten one).
    pub async fn reset_password(
        &self,
        ctx: &RequestContext,
        id: i64,
        new_password: &str,
    ) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.authorize(
            ctx,
            Action::ManageUsers,
            AuditAction::PasswordChanged,
            ObjectType::Gebruiker,
            key.clone(),
        )
        .await?;
        match self.store.get_user(id).await? {
            None => return Err(DomainError::NotFound("Deze gebruiker bestaat niet".into())),
            // A password would open a second way in, around the provider.
            Some(u) if u.external => {
                return Err(DomainError::Conflict(
                    "Deze gebruiker logt in via de identiteitsprovider en krijgt geen wachtwoord in zothuis.".into(),
                ));
            }
            Some(_) => {}
        }
        let mut v = Validator::new();
        check_password_strength(new_password, &mut v, "wachtwoord");
        v.finish()?;
        let hash = hash_password(new_password)?;
        let draft = self.draft(
            ctx,
            AuditAction::PasswordChanged,
            ObjectType::Gebruiker,
            key,
        );
        self.store.set_password(id, &hash, None, draft).await
    }

    /// A user changes their own password; other sessions of the user end.
    pub async fn change_own_password(
        &self,
        ctx: &RequestContext,
        current: &str,
        new_password: &str,
        session_secret: Option<&str>,
    ) -> DomainResult<()> {
        let user = self
            .store
            .get_user(ctx.actor.id)
            .await?
            .ok_or(DomainError::Unauthenticated)?;
        let creds = self
            .store
            .find_credentials(&user.username)
            .await?
            .ok_or(DomainError::Unauthenticated)?;
        let mut v = Validator::new();
        if !verify_password(current, &creds.password_hash) {
            v.add("huidigWachtwoord", "het huidige wachtwoord klopt niet");
        }
        check_password_strength(new_password, &mut v, "nieuwWachtwoord");
        v.finish()?;
        let hash = hash_password(new_password)?;
        let key = Some(user.id.to_string());
        let draft = self.draft(
            ctx,
            AuditAction::PasswordChanged,
            ObjectType::Gebruiker,
            key,
        );
        let keep = session_secret.map(secret_digest);
        self.store
            .set_password(user.id, &hash, keep.as_deref(), draft)
            .await
    }

    // ---- login and sessions ----------------------------------------------------

    /// Checks a username and password, with rate limiting per username and per
    /// origin, and starts a session.
    ///
    /// The limits, and why:
    /// - Per username a hard limit (`login_max_failures` failures in the
    ///   window): guessing one account's password is slow whoever asks.
    /// - Per origin a much higher one (`login_max_failures_per_origin`):
    ///   it stops one address spraying many usernames, but many people
    ///   behind one address (an office NAT, or every user when zothuis runs
    ///   behind a proxy without `trust_forwarded_for`) can mistype their
    ///   passwords without locking each other out. Only password checks
    ///   count for the origin: an attempt refused for its username is taken
    ///   back, and a success is not a failure. A success does not reset the
    ///   origin's count either, or a sprayer with one valid account could
    ///   reset it at will.
    /// - Each attempt is counted *before* the password is checked, in one
    ///   atomic store step that returns the count; the count is the
    ///   attempt's ticket. Parallel attempts therefore get distinct counts,
    ///   and no more than the limit are ever checked (counting after the
    ///   check let 30 parallel attempts have 8 passwords checked).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        code: &str,
        origin: Option<&str>,
        request_id: &str,
    ) -> DomainResult<LoginSuccess> {
        let now = self.clock.now_micros();
        let since = now - Duration::minutes(self.settings.login_window_minutes);
        // Only a bounded, printable name is ever stored (audit row, counter key).
        let name = LoginName::parse(username);
        let user_key = format!("gebruiker:{}", name.as_str());
        let origin_key = format!("herkomst:{}", origin.unwrap_or("-"));
        let anonymous = login_context(name.as_str(), origin, request_id);
        let refused = |outcome: Outcome, reason: Option<&str>| {
            self.login_refusal(&anonymous, outcome, reason)
        };
        let too_many = || {
            DomainError::TooManyAttempts(format!(
                "Te veel mislukte inlogpogingen. Probeer het over {} minuten opnieuw.",
                self.settings.login_window_minutes
            ))
        };
        let from_origin = self
            .store
            .count_login_attempt(&origin_key, now, since)
            .await?;
        if from_origin > self.settings.login_max_failures_per_origin {
            self.store
                .append_audit(refused(
                    Outcome::Denied,
                    Some("te veel mislukte pogingen vanaf dit adres"),
                ))
                .await?;
            return Err(too_many());
        }
        if name.too_long {
            // No account can have this name: refuse without a password check.
            // It still counts for the origin, so junk cannot be sent for free.
            self.store
                .append_audit(refused(Outcome::Failed, Some("gebruikersnaam te lang")))
                .await?;
            return Err(DomainError::invalid(
                "gebruikersnaam",
                format!(
                    "De gebruikersnaam is te lang: een gebruikersnaam heeft hoogstens {MAX_USERNAME_CHARS} tekens."
                ),
            ));
        }
        let for_user = self
            .store
            .count_login_attempt(&user_key, now, since)
            .await?;
        if for_user > self.settings.login_max_failures {
            self.store.uncount_login_attempt(&origin_key).await?;
            self.store
                .append_audit(refused(Outcome::Denied, Some("te veel mislukte pogingen")))
                .await?;
            return Err(too_many());
        }
        let creds = self.store.find_credentials(name.as_str()).await?;
        // Verify against a dummy hash for unknown users, so timing does not
        // reveal which usernames exist.
        let hash = creds
            .as_ref()
            .map(|c| c.password_hash.as_str())
            .unwrap_or(dummy_hash());
        let password_ok = verify_password(password, hash);
        let (user, totp_secret) = match creds {
            Some(c) if password_ok && c.user.active => (c.user, c.totp_secret),
            _ => {
                // Both counts stay: they record this failure.
                self.store
                    .append_audit(refused(Outcome::Failed, None))
                    .await?;
                return Err(DomainError::invalid("wachtwoord", BAD_LOGIN));
            }
        };
        // The second factor: a code accepted once (RFC 6238 § 5.2). A wrong
        // code counts as a failed login, so the per-user limit also bounds
        // guessing codes.
        if let Some(secret) = &totp_secret {
            let accepted = match super::second_factor::check(secret, code, now) {
                Some(step) => self.store.use_second_factor_step(user.id, step).await?,
                None => false,
            };
            if !accepted {
                self.store
                    .append_audit(refused(
                        Outcome::Failed,
                        Some("tweede factor onjuist of al gebruikt"),
                    ))
                    .await?;
                return Err(DomainError::invalid("code", BAD_CODE));
            }
        }
        self.store.reset_login_attempts(&user_key).await?;
        self.store.uncount_login_attempt(&origin_key).await?;
        self.start_session(
            user,
            &anonymous,
            json!({ "tweedeFactor": totp_secret.is_some() }),
        )
        .await
    }

    /// A session for a user who proved who they are, audited as a login
    /// with `details`.
    pub(crate) async fn start_session(
        &self,
        user: User,
        ctx: &crate::admin::RequestContext,
        details: serde_json::Value,
    ) -> DomainResult<LoginSuccess> {
        let session_secret = random_secret();
        let csrf_token = random_secret();
        let ctx = crate::admin::RequestContext {
            actor: Actor::from_user(&user),
            ..ctx.clone()
        };
        let draft = self
            .draft(
                &ctx,
                AuditAction::LoggedIn,
                ObjectType::Sessie,
                Some(user.id.to_string()),
            )
            .with_details(details);
        self.store
            .create_session(
                &secret_digest(&session_secret),
                user.id,
                &csrf_token,
                self.clock.now_micros(),
                draft,
            )
            .await?;
        Ok(LoginSuccess {
            must_set_up_second_factor: self.needs_second_factor(&user),
            user,
            session_secret,
            csrf_token,
        })
    }

    /// The audit row of a refused login: no actor role, the outcome and reason.
    pub(crate) fn login_refusal(
        &self,
        ctx: &crate::admin::RequestContext,
        outcome: Outcome,
        reason: Option<&str>,
    ) -> crate::audit::AuditDraft {
        let mut draft = self
            .draft(ctx, AuditAction::LoginFailed, ObjectType::Sessie, None)
            .with_outcome(outcome);
        if let Some(reason) = reason {
            draft = draft.with_details(json!({ "reden": reason }));
        }
        draft.actor_role = String::new();
        draft
    }

    /// Whether the user's role requires a second factor (always the
    /// administrator's, and the roles of `[security] tweede_factor_verplicht`)
    /// that the user has not set up yet.
    /// A user of the identity provider proves it there (`admin::oidc`).
    pub fn needs_second_factor(&self, user: &User) -> bool {
        !user.second_factor && !user.external && self.second_factor_required(user.role)
    }

    /// Whether this role must log in with a second factor.
    pub fn second_factor_required(&self, role: Role) -> bool {
        role == Role::Beheerder || self.settings.second_factor_roles.contains(&role)
    }

    /// Sets up the logged-in user's second factor: `secret` as offered
    /// (`second_factor::new_secret`), proved by a code from the app. The
    /// proving code cannot log in again. Audited on the user.
    pub async fn set_up_second_factor(
        &self,
        ctx: &RequestContext,
        secret: &str,
        code: &str,
    ) -> DomainResult<()> {
        if ctx.actor.kind != ActorKind::User {
            return Err(DomainError::Forbidden(
                "alleen een ingelogde gebruiker stelt een tweede factor in".into(),
            ));
        }
        super::second_factor::otpauth_url(secret, &ctx.actor.name)?;
        let step = super::second_factor::check(secret, code, self.clock.now_micros())
            .ok_or_else(|| DomainError::invalid("code", CODE_DOES_NOT_FIT))?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Gebruiker,
                Some(ctx.actor.id.to_string()),
            )
            .with_details(json!({ "tweedeFactor": "ingesteld" }));
        self.store
            .set_second_factor(ctx.actor.id, Some(secret.trim()), Some(step), draft)
            .await
    }

    /// Removes a user's second factor: the administrator for anyone (a lost
    /// phone; the user sets up a new one at the next login where the role
    /// requires it), a user for themselves where the role does not require
    /// one. Audited on the user.
    pub async fn remove_second_factor(&self, ctx: &RequestContext, id: i64) -> DomainResult<()> {
        let own = ctx.actor.kind == ActorKind::User && ctx.actor.id == id;
        let target = self
            .store
            .get_user(id)
            .await?
            .ok_or_else(|| DomainError::NotFound("Deze gebruiker bestaat niet".into()))?;
        let allowed = if own {
            !self.second_factor_required(target.role)
        } else {
            crate::policy::can(&ctx.actor, Action::ManageUsers).is_allowed()
        };
        if !allowed {
            return self
                .deny(
                    ctx,
                    AuditAction::Updated,
                    ObjectType::Gebruiker,
                    Some(id.to_string()),
                    if own {
                        "uw rol vereist een tweede factor; een beheerder kan hem opnieuw laten instellen"
                    } else {
                        "alleen een beheerder verwijdert de tweede factor van een ander"
                    },
                )
                .await;
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Gebruiker,
                Some(id.to_string()),
            )
            .with_details(json!({ "tweedeFactor": "verwijderd" }));
        self.store.set_second_factor(id, None, None, draft).await
    }

    /// The session and user behind a session cookie, if it is still valid.
    pub async fn authenticate_session(
        &self,
        secret: &str,
    ) -> DomainResult<Option<(Session, User)>> {
        let digest = secret_digest(secret);
        let Some((session, user)) = self.store.find_session(&digest).await? else {
            return Ok(None);
        };
        let now = self.clock.now_micros();
        let idle =
            now - session.last_seen_at > Duration::minutes(self.settings.session_idle_minutes);
        let too_old =
            now - session.created_at > Duration::hours(self.settings.session_absolute_hours);
        if idle || too_old || !user.active {
            self.store.delete_session(&digest, None).await?;
            return Ok(None);
        }
        // Write the last-seen time at most once a minute, not on every request.
        if now - session.last_seen_at > Duration::minutes(1) {
            self.store.touch_session(&digest, now).await?;
        }
        Ok(Some((session, user)))
    }

    pub async fn logout(&self, ctx: &RequestContext, secret: &str) -> DomainResult<()> {
        let draft = self.draft(
            ctx,
            AuditAction::LoggedOut,
            ObjectType::Sessie,
            Some(ctx.actor.id.to_string()),
        );
        self.store
            .delete_session(&secret_digest(secret), Some(draft))
            .await
    }

    /// Removes expired sessions (their number is returned) and login counters
    /// whose window is over; called periodically by the server.
    pub async fn purge_sessions(&self) -> DomainResult<u64> {
        let now = self.clock.now_micros();
        let sessions = self
            .store
            .purge_sessions(
                now - Duration::minutes(self.settings.session_idle_minutes),
                now - Duration::hours(self.settings.session_absolute_hours),
            )
            .await?;
        self.store
            .purge_login_attempts(now - Duration::minutes(self.settings.login_window_minutes))
            .await?;
        if let Some(oidc) = &self.settings.oidc {
            self.store
                .purge_external_logins(now - Duration::minutes(oidc.login_minutes))
                .await?;
        }
        Ok(sessions)
    }

    // ---- API tokens ------------------------------------------------------------

    pub async fn authenticate_token(&self, secret: &str) -> DomainResult<Option<ApiToken>> {
        Ok(self
            .store
            .find_token(&secret_digest(secret))
            .await?
            .filter(|t| t.revoked_at.is_none()))
    }

    /// Audits an API request refused for want of a valid token (NEN 7513:
    /// refused attempts are logged too), with no actor.
    ///
    /// Anyone can send such requests, as fast as they like, so the log must
    /// not become a way to fill the disk: each row is small (method, a path
    /// cut to 200 characters, the reason; never the token), and per origin
    /// at most `MAX_UNAUTHENTICATED_ROWS` rows are written per login window,
    /// then one row saying that further refusals are not written one by one
    /// until the window ends. The count lives in the same counters as
    /// failed logins (one small row per origin, purged with the sessions).
    /// A burst thus stays visible without its size being stored.
    pub async fn audit_unauthenticated(
        &self,
        origin: Option<&str>,
        method: &str,
        path: &str,
        token_given: bool,
        request_id: &str,
    ) -> DomainResult<()> {
        const MAX_UNAUTHENTICATED_ROWS: i64 = 20;
        let now = self.clock.now_micros();
        let since = now - Duration::minutes(self.settings.login_window_minutes);
        let key = format!("api-401:{}", origin.unwrap_or("-"));
        let n = self.store.count_login_attempt(&key, now, since).await?;
        if n > MAX_UNAUTHENTICATED_ROWS + 1 {
            return Ok(());
        }
        let ctx = RequestContext {
            actor: Actor {
                kind: ActorKind::Token,
                id: 0,
                name: String::new(),
                role: Role::Beheerder,
                scope: Scope::Installatie,
            },
            on_behalf_of: None,
            origin: origin.map(str::to_string),
            request_id: request_id.to_string(),
        };
        let reason = if token_given {
            "onbekend of ingetrokken API-token"
        } else {
            "geen API-token"
        };
        let mut details = json!({
            "reden": reason,
            "methode": method.chars().take(16).collect::<String>(),
            "pad": path.chars().take(200).collect::<String>(),
        });
        if n == MAX_UNAUTHENTICATED_ROWS + 1 {
            details["reden"] = json!(format!(
                "{reason}; verdere geweigerde verzoeken vanaf dit adres worden de komende {} minuten niet afzonderlijk vastgelegd",
                self.settings.login_window_minutes
            ));
        }
        let mut draft = self
            .draft(
                &ctx,
                AuditAction::NotAuthenticated,
                ObjectType::ApiToken,
                None,
            )
            .with_outcome(Outcome::Denied)
            .with_details(details);
        draft.actor_role = String::new();
        self.store.append_audit(draft).await?;
        Ok(())
    }

    pub async fn create_token(
        &self,
        ctx: &RequestContext,
        name: &str,
        role: &str,
        scope: &str,
    ) -> DomainResult<NewToken> {
        self.authorize(
            ctx,
            Action::ManageTokens,
            AuditAction::TokenCreated,
            ObjectType::ApiToken,
            None,
        )
        .await?;
        let mut v = Validator::new();
        let name = v.check("naam", crate::reference::Name::parse(name));
        let role_scope = self.collect_invalid(&mut v, self.parse_role_scope(role, scope).await)?;
        v.finish()?;
        let (Some(name), Some((role, scope))) = (name, role_scope) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        self.authorize(
            ctx,
            Action::CreateToken { role },
            AuditAction::TokenCreated,
            ObjectType::ApiToken,
            None,
        )
        .await?;
        let secret = format!("zth_{}", random_secret());
        let draft = self
            .draft(ctx, AuditAction::TokenCreated, ObjectType::ApiToken, None)
            .with_details(json!({ "naam": name.as_str(), "rol": role.code(),
                "scope": scope.kind().code(), "scopeWaarde": scope.reference() }));
        let token = self
            .store
            .create_token(
                &crate::store::NewTokenRecord {
                    name: name.into_string(),
                    role,
                    scope,
                    digest: secret_digest(&secret),
                    created_at: self.clock.now_micros(),
                    created_by: ctx.actor.name.clone(),
                },
                draft,
            )
            .await?;
        Ok(NewToken { token, secret })
    }

    pub async fn list_tokens(&self, ctx: &RequestContext) -> DomainResult<Vec<ApiToken>> {
        self.authorize(
            ctx,
            Action::ManageTokens,
            AuditAction::Listed,
            ObjectType::ApiToken,
            None,
        )
        .await?;
        self.store.list_tokens().await
    }

    pub async fn revoke_token(&self, ctx: &RequestContext, id: i64) -> DomainResult<()> {
        let key = Some(id.to_string());
        self.authorize(
            ctx,
            Action::ManageTokens,
            AuditAction::TokenRevoked,
            ObjectType::ApiToken,
            key.clone(),
        )
        .await?;
        let draft = self.draft(ctx, AuditAction::TokenRevoked, ObjectType::ApiToken, key);
        self.store
            .revoke_token(id, self.clock.now_micros(), draft)
            .await
    }

    // ---- audit log -------------------------------------------------------------

    /// The audit log for the privacy officer; reading it is itself logged.
    pub async fn list_audit(
        &self,
        ctx: &RequestContext,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditRecord>> {
        self.authorize(
            ctx,
            Action::ViewAuditLog,
            AuditAction::Listed,
            ObjectType::Auditlog,
            None,
        )
        .await?;
        // A privacy officer oversees their own region (DESIGN.md: the fg's
        // scope is a region); only one for the installation sees everything.
        let region = match &ctx.actor.scope {
            Scope::Installatie => None,
            Scope::Regio(id) => Some(*id),
            Scope::Gemeente(_) | Scope::Aanbieder(_) | Scope::Corporatie(_) => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Listed,
                        ObjectType::Auditlog,
                        None,
                        "een functionaris gegevensbescherming werkt voor een regio",
                    )
                    .await;
            }
        };
        let filter = AuditFilter {
            region,
            ..filter.clone()
        };
        let result = self.store.list_audit(&filter, page).await?;
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Auditlog, None)
            .with_details(json!({
                "gebruiker": filter.actor_name, "objectType": filter.object_type,
                "objectId": filter.object_id, "actie": filter.action, "pagina": page.number }));
        self.store.append_audit(draft).await?;
        Ok(result)
    }

    /// Walks the whole chain; the first broken row if any.
    pub async fn verify_audit_chain(&self) -> DomainResult<Result<u64, ChainBreak>> {
        self.verify_audit_chain_anchored(&Anchors::default()).await
    }

    /// Walks the whole chain and compares it with checkpoints kept outside
    /// the database: a checkpointed row with another hash (a rewritten
    /// chain) or missing (a cut tail) is a break too.
    pub async fn verify_audit_chain_anchored(
        &self,
        anchors: &Anchors,
    ) -> DomainResult<Result<u64, ChainBreak>> {
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = self.store.audit_batch(after, 5_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for row in &batch {
                if let Err(brk) = verifier
                    .check(row)
                    .and_then(|()| anchors.check_row(row.seq, &row.hash))
                {
                    return Ok(Err(brk));
                }
            }
        }
        if let Err(brk) = anchors.check_end(after) {
            return Ok(Err(brk));
        }
        Ok(Ok(verifier.checked))
    }

    /// The sequence number and hash of the last audit row, for a checkpoint.
    pub async fn audit_head(&self) -> DomainResult<Option<(i64, String)>> {
        let page = self
            .store
            .list_audit(&AuditFilter::default(), PageRequest::new(Some(1), Some(1)))
            .await?;
        Ok(page.items.into_iter().next().map(|r| (r.seq, r.hash)))
    }
}

fn user_json(d: &UserData) -> serde_json::Value {
    json!({ "gebruikersnaam": d.username, "naam": d.display_name, "rol": d.role.code(),
            "scope": d.scope.kind().code(), "scopeWaarde": d.scope.reference(), "actief": d.active })
}

/// Who is logging in, before it is known: the name as given, no role.
pub(crate) fn login_context(
    name: &str,
    origin: Option<&str>,
    request_id: &str,
) -> crate::admin::RequestContext {
    crate::admin::RequestContext {
        actor: Actor {
            kind: ActorKind::User,
            id: 0,
            name: name.to_string(),
            role: Role::Beheerder,
            scope: Scope::Installatie,
        },
        on_behalf_of: None,
        origin: origin.map(str::to_string),
        request_id: request_id.to_string(),
    }
}
