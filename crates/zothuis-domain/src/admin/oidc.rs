//! Sign-in through the municipality's identity provider (OpenID Connect
//! Core 1.0, authorization code flow with PKCE, RFC 7636).
//!
//! The web layer talks to the provider: discovery, the exchange of the code,
//! and the checks of the ID token's signature, issuer, audience, expiry and
//! nonce (`zothuis-web` `oidc.rs`). This module decides who the verified
//! person is in zothuis: the rule of the configuration that maps the
//! provider's groups to a role and scope, whether the sign-in proved the
//! second factor the role requires, and the user made or brought up to date
//! for the provider's subject. Sessions, CSRF tokens and audit rows are those
//! of a local login.

use super::model::*;
use super::secrets::secret_digest;
use super::service::{LoginSuccess, login_context};
use crate::audit::{AuditAction, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult, Validator};
use crate::service::Services;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Values of the `amr` claim that show a second factor (RFC 8176 § 2:
/// `mfa` multiple factors, `otp` one-time password, `hwk`/`swk` proof of a
/// hardware or software key, `sc` smart card). The default of
/// `[oidc] tweede_factor_amr`.
pub const SECOND_FACTOR_AMR: &[&str] = &["mfa", "otp", "hwk", "swk", "sc"];

/// Minutes a sign-in may take at the provider (from the redirect to its
/// answer) before it has to start again; the default of
/// `[oidc] inlog_minuten`.
pub const LOGIN_MINUTES: i64 = 10;

/// One rule of the configuration: members of `group` work in zothuis with
/// `role` in `scope`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRule {
    pub group: String,
    pub role: Role,
    pub scope: ScopeSpec,
}

/// The identity provider as configured (`[oidc]`).
#[derive(Clone, PartialEq)]
pub struct OidcSettings {
    /// The issuer; discovery reads `/.well-known/openid-configuration` under it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The address the provider sends the browser back to:
    /// `https://…/inloggen/oidc/terug`, as registered at the provider.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The ID token claim with the person's groups (a list of strings).
    pub groups_claim: String,
    /// What the login page calls the provider ("uw gemeente-account").
    pub label: String,
    /// The first rule whose group the person has, in this order, decides.
    pub rules: Vec<GroupRule>,
    /// `amr` values that show a second factor.
    pub second_factor_amr: Vec<String>,
    pub login_minutes: i64,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("redirect_url", &self.redirect_url)
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl OidcSettings {
    /// The rule for a person with these groups: the first in the
    /// configuration's order, so that one person in two groups always gets
    /// the same role.
    pub fn rule_for(&self, groups: &[String]) -> Option<&GroupRule> {
        self.rules
            .iter()
            .find(|rule| groups.iter().any(|g| g == &rule.group))
    }

    /// Whether the provider says the person signed in with a second factor.
    pub fn proves_second_factor(&self, amr: &[String]) -> bool {
        amr.iter().any(|m| self.second_factor_amr.contains(m))
    }
}

/// A sign-in under way, kept between the redirect and the provider's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingExternalLogin {
    pub state_digest: String,
    pub browser_digest: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The page to open after the sign-in (a local path).
    pub back: String,
    pub created_at: DateTime<Utc>,
}

/// What the secrets of a sign-in under way are; made by the web layer, which
/// also puts them in the provider's address.
#[derive(Debug, Clone)]
pub struct ExternalLoginStart<'a> {
    pub state: &'a str,
    pub browser: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub back: &'a str,
}

/// A person as the provider vouches for them, from a verified ID token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExternalIdentity {
    pub issuer: String,
    pub subject: String,
    pub name: Option<String>,
    pub username: Option<String>,
    pub groups: Vec<String>,
    pub amr: Vec<String>,
}

/// Why a sign-in failed, as the login page and the audit row say it.
const EXPIRED_OR_USED: &str =
    "Deze inlogpoging is verlopen of al gebruikt. Begin opnieuw met inloggen.";

impl Services {
    fn oidc(&self) -> DomainResult<&OidcSettings> {
        self.settings.oidc.as_ref().ok_or_else(|| {
            DomainError::NotFound("Inloggen via een identiteitsprovider is niet ingesteld".into())
        })
    }

    /// Keeps a sign-in under way until the provider answers (`take_external_login`).
    pub async fn begin_external_login(&self, start: &ExternalLoginStart<'_>) -> DomainResult<()> {
        self.oidc()?;
        self.store
            .save_external_login(&PendingExternalLogin {
                state_digest: secret_digest(start.state),
                browser_digest: secret_digest(start.browser),
                nonce: start.nonce.to_string(),
                pkce_verifier: start.pkce_verifier.to_string(),
                back: start.back.to_string(),
                created_at: self.clock.now_micros(),
            })
            .await
    }

    /// The sign-in under way for the provider's `state`, taken once: a state
    /// that is unknown, used already, too old, or started in another browser
    /// is refused (and audited).
    pub async fn take_external_login(
        &self,
        state: &str,
        browser: Option<&str>,
        origin: Option<&str>,
        request_id: &str,
    ) -> DomainResult<PendingExternalLogin> {
        let settings = self.oidc()?;
        let pending = self
            .store
            .take_external_login(&secret_digest(state))
            .await?;
        let reason = match &pending {
            None => Some("onbekende of al gebruikte state"),
            Some(p) if Some(p.browser_digest.as_str()) != browser.map(secret_digest).as_deref() => {
                Some("state uit een andere browser")
            }
            Some(p)
                if self.clock.now_micros() - p.created_at
                    > Duration::minutes(settings.login_minutes) =>
            {
                Some("inlogpoging verlopen")
            }
            Some(_) => None,
        };
        match (pending, reason) {
            (Some(p), None) => Ok(p),
            (_, reason) => {
                self.refuse_external_login(
                    None,
                    reason.unwrap_or("state ongeldig"),
                    origin,
                    request_id,
                )
                .await?;
                Err(DomainError::invalid("state", EXPIRED_OR_USED))
            }
        }
    }

    /// Audits a refused sign-in through the provider, with the provider's
    /// subject where it is known.
    pub async fn refuse_external_login(
        &self,
        identity: Option<&ExternalIdentity>,
        reason: &str,
        origin: Option<&str>,
        request_id: &str,
    ) -> DomainResult<()> {
        let issuer = self.oidc().map(|s| s.issuer.clone()).unwrap_or_default();
        let subject = identity.map(|i| i.subject.as_str());
        let ctx = login_context(subject.unwrap_or("-"), origin, request_id);
        let draft = self
            .login_refusal(&ctx, Outcome::Denied, Some(reason))
            .with_details(json!({
                "reden": reason,
                "identiteitsprovider": issuer,
                "subject": subject,
            }));
        self.store.append_audit(draft).await?;
        Ok(())
    }

    /// Signs in the person the provider vouched for: the first rule that
    /// matches their groups gives role and scope; a role that requires a
    /// second factor needs one in `amr`; the user for the provider's subject
    /// is made at the first sign-in and brought up to date at every next
    /// one (the provider is the source of role and scope). Then a session
    /// as after a local login.
    pub async fn finish_external_login(
        &self,
        identity: &ExternalIdentity,
        origin: Option<&str>,
        request_id: &str,
    ) -> DomainResult<LoginSuccess> {
        let settings = self.oidc()?;
        let refuse = |reason: &'static str, message: String| async move {
            self.refuse_external_login(Some(identity), reason, origin, request_id)
                .await?;
            Err::<LoginSuccess, _>(DomainError::Forbidden(message))
        };
        let Some(rule) = settings.rule_for(&identity.groups) else {
            return refuse(
                "geen groep met toegang",
                format!(
                    "Uw account bij {} hoort bij geen groep die toegang geeft tot zothuis. Vraag uw functioneel beheerder om u aan de juiste groep toe te voegen.",
                    settings.label
                ),
            )
            .await;
        };
        let scope = match self.resolve_scope(rule.role, &rule.scope).await {
            Ok(scope) => scope,
            Err(DomainError::Invalid(_)) => {
                return refuse(
                    "scope van de groep onbekend",
                    format!(
                        "De instelling voor groep {} noemt een regio, gemeente of organisatie die zothuis niet kent. Vraag de beheerder de instelling [oidc] na te kijken.",
                        rule.group
                    ),
                )
                .await;
            }
            Err(e) => return Err(e),
        };
        let second_factor = settings.proves_second_factor(&identity.amr);
        if self.second_factor_required(rule.role) && !second_factor {
            return refuse(
                "tweede factor ontbreekt",
                format!(
                    "Uw rol ({}) vereist een tweede factor. Log bij {} in met een tweede factor, zoals een code of een sleutel.",
                    rule.role.label(),
                    settings.label
                ),
            )
            .await;
        }
        let ctx = login_context(&identity.subject, origin, request_id);
        let display_name = identity
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&identity.subject)
            .chars()
            .take(200)
            .collect::<String>();
        let user = match self
            .store
            .find_external_user(&identity.issuer, &identity.subject)
            .await?
        {
            Some(user) if !user.active => {
                return refuse(
                    "gebruiker uitgezet",
                    "Uw account in zothuis is uitgezet. Neem contact op met de beheerder.".into(),
                )
                .await;
            }
            Some(user)
                if user.role == rule.role
                    && user.scope == scope
                    && user.display_name == display_name =>
            {
                user
            }
            Some(user) => {
                let data = UserData {
                    username: user.username.clone(),
                    display_name,
                    role: rule.role,
                    scope,
                    active: true,
                };
                let draft = self
                    .draft(
                        &ctx,
                        AuditAction::Updated,
                        ObjectType::Gebruiker,
                        Some(user.id.to_string()),
                    )
                    .with_details(external_user_json(&data, identity));
                self.store
                    .update_user(user.id, user.version, &data, draft)
                    .await?
            }
            None => {
                let data = UserData {
                    username: self.external_username(identity).await?,
                    display_name,
                    role: rule.role,
                    scope,
                    active: true,
                };
                let draft = self
                    .draft(&ctx, AuditAction::Created, ObjectType::Gebruiker, None)
                    .with_details(external_user_json(&data, identity));
                let made = self
                    .store
                    .create_external_user(
                        &data,
                        &identity.issuer,
                        &identity.subject,
                        self.clock.now_micros(),
                        draft,
                    )
                    .await;
                match made {
                    Ok(user) => user,
                    // The same person's first sign-in in another tab won.
                    Err(e) => self
                        .store
                        .find_external_user(&identity.issuer, &identity.subject)
                        .await?
                        .ok_or(e)?,
                }
            }
        };
        self.start_session(
            user,
            &ctx,
            json!({
                "tweedeFactor": second_factor,
                "identiteitsprovider": identity.issuer,
                "subject": identity.subject,
            }),
        )
        .await
    }

    /// The username of a person's first sign-in: the provider's
    /// `preferred_username` where it is a valid username nobody has, else
    /// one made from the subject. A local account with the same name is
    /// never taken over.
    async fn external_username(&self, identity: &ExternalIdentity) -> DomainResult<String> {
        if let Some(wanted) = identity.username.as_deref() {
            let mut v = Validator::new();
            if let Some(name) = parse_username(wanted, &mut v)
                && self.store.find_credentials(&name).await?.is_none()
            {
                return Ok(name);
            }
        }
        let digest = secret_digest(&format!("{}\n{}", identity.issuer, identity.subject));
        Ok(format!("idp-{}", &digest[..12]))
    }
}

fn external_user_json(d: &UserData, identity: &ExternalIdentity) -> serde_json::Value {
    json!({ "gebruikersnaam": d.username, "naam": d.display_name, "rol": d.role.code(),
            "scope": d.scope.kind().code(), "scopeWaarde": d.scope.reference(),
            "actief": d.active, "identiteitsprovider": identity.issuer,
            "subject": identity.subject })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rules: &[(&str, Role)]) -> OidcSettings {
        OidcSettings {
            issuer: "https://login.example".into(),
            client_id: "zothuis".into(),
            client_secret: "geheim".into(),
            redirect_url: "https://zothuis.example/inloggen/oidc/terug".into(),
            scopes: vec![],
            groups_claim: "groups".into(),
            label: "uw gemeente-account".into(),
            rules: rules
                .iter()
                .map(|(g, r)| GroupRule {
                    group: g.to_string(),
                    role: *r,
                    scope: ScopeSpec::Installatie,
                })
                .collect(),
            second_factor_amr: SECOND_FACTOR_AMR.iter().map(|s| s.to_string()).collect(),
            login_minutes: LOGIN_MINUTES,
        }
    }

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_rule_in_the_configuration_decides_for_a_person_in_two_groups() {
        let s = settings(&[
            ("wmo", Role::WmoConsulent),
            ("beleid", Role::Beleidsadviseur),
        ]);
        assert_eq!(
            s.rule_for(&groups(&["beleid", "wmo"])).map(|r| r.role),
            Some(Role::WmoConsulent)
        );
        assert_eq!(
            s.rule_for(&groups(&["beleid"])).map(|r| r.role),
            Some(Role::Beleidsadviseur)
        );
        assert_eq!(s.rule_for(&groups(&["marketing"])), None);
        assert_eq!(s.rule_for(&[]), None);
    }

    #[test]
    fn a_password_alone_is_no_second_factor_and_a_code_or_key_is() {
        let s = settings(&[]);
        assert!(!s.proves_second_factor(&groups(&["pwd"])));
        assert!(!s.proves_second_factor(&[]));
        assert!(s.proves_second_factor(&groups(&["pwd", "otp"])));
        assert!(s.proves_second_factor(&groups(&["mfa"])));
        assert!(s.proves_second_factor(&groups(&["hwk"])));
    }

    #[test]
    fn the_client_secret_is_not_in_debug_output() {
        let text = format!("{:?}", settings(&[]));
        assert!(!text.contains("geheim"), "{text}");
    }
}
