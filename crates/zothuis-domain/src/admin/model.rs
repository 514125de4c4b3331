use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::GemeenteCode;
use chrono::{DateTime, Utc};
use std::fmt;

/// The roles of DESIGN.md ("Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Beheerder,
    Wachtlijstbeheerder,
    WmoConsulent,
    Aanbieder,
    Beleidsadviseur,
    Bestuurder,
    Fg,
    /// Staff of the region's central access point for shelter (Brede
    /// Centrale Toegang): registers who turns up and the outcome of the
    /// investigation (`shelter`).
    Toegangsmedewerker,
    /// The region's outreach team (zorgcoördinatie / bemoeizorg, often of
    /// the GGD's Vangnet en Advies): meldingen and trajectories of people
    /// who do not find care themselves (`outreach`).
    Zorgcoordinator,
    /// Staff of a housing corporation in the Pact voor uitstroom: see the
    /// nominations addressed to their corporation (who, where a home is
    /// sought, the allocation) and nothing of the care (`outflow`).
    Corporatie,
    /// The region's or municipality's finance officer: tariffs, the cost of
    /// care per municipality and product, budgets and settlements
    /// (`finance`); the care figures as aggregates only.
    FinancieelAdviseur,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Beheerder,
        Role::Wachtlijstbeheerder,
        Role::WmoConsulent,
        Role::Aanbieder,
        Role::Beleidsadviseur,
        Role::Bestuurder,
        Role::Fg,
        Role::Toegangsmedewerker,
        Role::Zorgcoordinator,
        Role::Corporatie,
        Role::FinancieelAdviseur,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Wachtlijstbeheerder => "wachtlijstbeheerder",
            Role::WmoConsulent => "wmo-consulent",
            Role::Aanbieder => "aanbieder",
            Role::Beleidsadviseur => "beleidsadviseur",
            Role::Bestuurder => "bestuurder",
            Role::Fg => "fg",
            Role::Toegangsmedewerker => "toegangsmedewerker",
            Role::Zorgcoordinator => "zorgcoordinator",
            Role::Corporatie => "corporatie",
            Role::FinancieelAdviseur => "financieel-adviseur",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Beheerder => "Beheerder",
            Role::Wachtlijstbeheerder => "Wachtlijstbeheerder",
            Role::WmoConsulent => "Wmo-consulent",
            Role::Aanbieder => "Aanbieder",
            Role::Beleidsadviseur => "Beleidsadviseur",
            Role::Bestuurder => "Bestuurder / raadslid",
            Role::Fg => "Functionaris gegevensbescherming",
            Role::Toegangsmedewerker => "Toegangsmedewerker opvang",
            Role::Zorgcoordinator => "Zorgcoördinator (bemoeizorg)",
            Role::Corporatie => "Woningcorporatie (Pact voor uitstroom)",
            Role::FinancieelAdviseur => "Financieel adviseur",
        }
    }

    pub fn parse(input: &str) -> Result<Role, DomainError> {
        let s = input.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "functionaris-gegevensbescherming" => "fg",
            "wmoconsulent" | "consulent" => "wmo-consulent",
            other => other,
        };
        Role::ALL
            .into_iter()
            .find(|r| r.code() == alias)
            .ok_or_else(|| {
                DomainError::invalid(
                    "rol",
                    format!(
                        "onbekende rol '{}'; kies uit: {}",
                        input.trim(),
                        Role::ALL.map(Role::code).join(", ")
                    ),
                )
            })
    }

    /// The kinds of scope a role can have.
    pub fn allowed_scopes(self) -> &'static [ScopeKind] {
        match self {
            Role::Beheerder => &[ScopeKind::Installatie],
            Role::Wachtlijstbeheerder
            | Role::Bestuurder
            | Role::Fg
            | Role::Toegangsmedewerker
            | Role::Zorgcoordinator => &[ScopeKind::Regio],
            Role::WmoConsulent => &[ScopeKind::Gemeente],
            Role::Aanbieder => &[ScopeKind::Aanbieder],
            Role::Corporatie => &[ScopeKind::Corporatie],
            Role::Beleidsadviseur | Role::FinancieelAdviseur => {
                &[ScopeKind::Regio, ScopeKind::Gemeente]
            }
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    Installatie,
    Regio,
    Gemeente,
    Aanbieder,
    Corporatie,
}

impl ScopeKind {
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Installatie => "installatie",
            ScopeKind::Regio => "regio",
            ScopeKind::Gemeente => "gemeente",
            ScopeKind::Aanbieder => "aanbieder",
            ScopeKind::Corporatie => "corporatie",
        }
    }
}

/// What part of the data a user or token works in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Installatie,
    Regio(i64),
    Gemeente(GemeenteCode),
    Aanbieder(i64),
    /// A housing corporation (`reference::Corporation`).
    Corporatie(i64),
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Installatie => ScopeKind::Installatie,
            Scope::Regio(_) => ScopeKind::Regio,
            Scope::Gemeente(_) => ScopeKind::Gemeente,
            Scope::Aanbieder(_) => ScopeKind::Aanbieder,
            Scope::Corporatie(_) => ScopeKind::Corporatie,
        }
    }

    /// The reference as stored: region id, gemeentecode or provider id.
    pub fn reference(&self) -> Option<String> {
        match self {
            Scope::Installatie => None,
            Scope::Regio(id) | Scope::Aanbieder(id) | Scope::Corporatie(id) => Some(id.to_string()),
            Scope::Gemeente(code) => Some(code.to_string()),
        }
    }

    /// Rebuilds a scope from its stored kind and reference.
    pub fn from_stored(kind: &str, reference: Option<&str>) -> DomainResult<Scope> {
        let bad = || DomainError::Internal(format!("onleesbare scope {kind}:{reference:?}"));
        let id = || {
            reference
                .and_then(|r| r.parse::<i64>().ok())
                .ok_or_else(bad)
        };
        Ok(match kind {
            "installatie" => Scope::Installatie,
            "regio" => Scope::Regio(id()?),
            "aanbieder" => Scope::Aanbieder(id()?),
            "corporatie" => Scope::Corporatie(id()?),
            "gemeente" => Scope::Gemeente(
                reference
                    .and_then(|r| GemeenteCode::parse(r).ok())
                    .ok_or_else(bad)?,
            ),
            _ => return Err(bad()),
        })
    }
}

/// A scope as a person writes it: `installatie`, `regio:GV`, `gemeente:GM0406`,
/// `aanbieder:12`. Region codes and provider ids are resolved by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeSpec {
    Installatie,
    Regio(String),
    Gemeente(GemeenteCode),
    Aanbieder(i64),
    Corporatie(i64),
}

impl ScopeSpec {
    pub fn parse(input: &str) -> DomainResult<ScopeSpec> {
        let s = input.trim();
        let err = || {
            DomainError::invalid(
                "scope",
                "schrijf de scope als installatie, regio:CODE, gemeente:GM0000, aanbieder:ID of corporatie:ID",
            )
        };
        if s.eq_ignore_ascii_case("installatie") {
            return Ok(ScopeSpec::Installatie);
        }
        let (kind, value) = s.split_once(':').ok_or_else(err)?;
        let value = value.trim();
        match kind.trim().to_ascii_lowercase().as_str() {
            "regio" if !value.is_empty() => Ok(ScopeSpec::Regio(value.to_ascii_uppercase())),
            "gemeente" => GemeenteCode::parse(value)
                .map(ScopeSpec::Gemeente)
                .map_err(|e| DomainError::invalid("scope", e.to_string())),
            "aanbieder" => value
                .parse::<i64>()
                .map(ScopeSpec::Aanbieder)
                .map_err(|_| err()),
            "corporatie" => value
                .parse::<i64>()
                .map(ScopeSpec::Corporatie)
                .map_err(|_| err()),
            _ => Err(err()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// Logs in with a second factor (TOTP) besides the password.
    pub second_factor: bool,
    /// Signs in through the identity provider (`admin::oidc`), never with a
    /// password.
    pub external: bool,
}

/// What the login check needs; never leaves the domain and store.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
    /// The shared secret of the second factor, in base32.
    pub totp_secret: Option<String>,
    /// The last time step a code was accepted for.
    pub totp_last_step: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Who acts: a logged-in person or an API token.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    User,
    Token,
    /// The operator at the command line (`zothuis user add`, `demo`).
    System,
}

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: 0,
            name: what.to_string(),
            role: Role::Beheerder,
            scope: Scope::Installatie,
        }
    }

    pub fn from_user(u: &User) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: u.id,
            name: u.username.clone(),
            role: u.role,
            scope: u.scope.clone(),
        }
    }

    pub fn from_token(t: &ApiToken) -> Actor {
        Actor {
            kind: ActorKind::Token,
            id: t.id,
            name: format!("token:{}", t.name),
            role: t.role,
            scope: t.scope.clone(),
        }
    }
}

/// Everything the audit log needs to know about a request besides what it does.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    /// The person an API client acts for (NEN 7513 "namens"), from the
    /// `X-Namens` header of a token request.
    pub on_behalf_of: Option<String>,
    pub origin: Option<String>,
    pub request_id: String,
}

impl RequestContext {
    pub fn system(what: &str) -> RequestContext {
        RequestContext {
            actor: Actor::system(what),
            on_behalf_of: None,
            origin: Some("cli".into()),
            request_id: "-".into(),
        }
    }
}

// ---- inputs -----------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub password: String,
}

#[derive(Debug, Clone, Default)]
pub struct UserUpdateInput {
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct UserData {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
}

/// Minimum length of a password. Source: NCSC "Wachtwoorden" guidance and BIO
/// 9.4.3 ask for long passphrases rather than composition rules.
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn check_password_strength(password: &str, v: &mut Validator, field: &str) {
    if password.chars().count() < MIN_PASSWORD_LEN {
        v.add(
            field,
            format!("het wachtwoord moet minstens {MIN_PASSWORD_LEN} tekens lang zijn"),
        );
    } else if password.chars().count() > 200 {
        v.add(field, "het wachtwoord mag hoogstens 200 tekens lang zijn");
    }
}

pub fn parse_username(input: &str, v: &mut Validator) -> Option<String> {
    let s = input.trim().to_lowercase();
    if s.len() < 2 || s.len() > 64 {
        v.add("gebruikersnaam", "een gebruikersnaam heeft 2 tot 64 tekens");
        return None;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
    {
        v.add(
            "gebruikersnaam",
            "gebruik alleen letters, cijfers en . - _ @",
        );
        return None;
    }
    Some(s)
}

/// The most characters of a typed username that zothuis keeps. Real
/// usernames have at most 64 (`parse_username`); the margin keeps a typo
/// recognisable in the audit log.
pub const MAX_USERNAME_CHARS: usize = 100;

/// A username as typed at the login form, made safe to store before anything
/// is stored: control characters removed (no forged lines in logs), trimmed,
/// lower-cased and cut to `MAX_USERNAME_CHARS`. Anyone can submit the form,
/// so what is kept of it per attempt must be small, or failed logins fill
/// the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginName {
    name: String,
    /// The input was longer than any username can be: refuse it unchecked.
    pub too_long: bool,
}

impl LoginName {
    pub fn parse(input: &str) -> LoginName {
        // Look at a bounded prefix only: a megabyte of input costs no more.
        let mut chars = input
            .chars()
            .filter(|c| !c.is_control())
            .skip_while(|c| c.is_whitespace());
        let kept: String = chars.by_ref().take(MAX_USERNAME_CHARS).collect();
        let rest_is_blank = chars.take(MAX_USERNAME_CHARS).all(char::is_whitespace);
        let name = kept.trim_end().to_lowercase();
        LoginName {
            name: name.chars().take(MAX_USERNAME_CHARS).collect(),
            too_long: !rest_is_blank,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_parses_from_its_own_code() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert_eq!(
            Role::parse("functionaris-gegevensbescherming").unwrap(),
            Role::Fg
        );
    }

    #[test]
    fn an_unknown_role_lists_the_valid_ones() {
        let err = Role::parse("admin").unwrap_err().to_string();
        assert!(
            matches!(Role::parse("admin"), Err(DomainError::Invalid(_))),
            "{err}"
        );
    }

    #[test]
    fn scopes_are_written_as_kind_and_value() {
        assert_eq!(
            ScopeSpec::parse("installatie").unwrap(),
            ScopeSpec::Installatie
        );
        assert_eq!(
            ScopeSpec::parse("regio:gv").unwrap(),
            ScopeSpec::Regio("GV".into())
        );
        assert_eq!(
            ScopeSpec::parse("gemeente:0406").unwrap(),
            ScopeSpec::Gemeente(GemeenteCode::parse("GM0406").unwrap())
        );
        assert_eq!(
            ScopeSpec::parse("aanbieder:3").unwrap(),
            ScopeSpec::Aanbieder(3)
        );
        assert!(ScopeSpec::parse("gemeente:Huizen").is_err());
        assert!(ScopeSpec::parse("overal").is_err());
    }

    #[test]
    fn a_stored_scope_reads_back() {
        let s = Scope::Gemeente(GemeenteCode::parse("GM0406").unwrap());
        let back = Scope::from_stored(s.kind().code(), s.reference().as_deref()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn a_short_password_is_refused() {
        let mut v = Validator::new();
        check_password_strength("kort", &mut v, "wachtwoord");
        assert!(!v.is_empty());
    }

    #[test]
    fn a_typed_username_is_trimmed_lowercased_and_stripped_of_control_characters() {
        let n = LoginName::parse("  Consulent.Huizen\t\r\n\u{1b}[31m ");
        assert_eq!(n.as_str(), "consulent.huizen[31m");
        assert!(!n.too_long);
    }

    #[test]
    fn a_megabyte_username_is_kept_as_its_first_hundred_characters_and_marked_too_long() {
        let n = LoginName::parse(&"é".repeat(1_000_000));
        assert_eq!(n.as_str().chars().count(), MAX_USERNAME_CHARS);
        assert!(n.too_long);
        let exact = LoginName::parse(&format!("{}   ", "a".repeat(MAX_USERNAME_CHARS)));
        assert!(!exact.too_long);
        assert!(LoginName::parse(&"a".repeat(MAX_USERNAME_CHARS + 1)).too_long);
    }
}
