//! The audit log as data: stable event codes, a hash chain over the rows and its
//! verification. NEN 7513 asks per event: who (and on whose behalf), which
//! client, what, when, from where and with what result; BIO 12.4 asks that the
//! log cannot be altered unnoticed.

use crate::admin::{ActorKind, RequestContext};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

pub mod anchor;

/// Stable codes of audited events. Never rename a code: old rows keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    LoggedIn,
    LoginFailed,
    LoggedOut,
    Created,
    Updated,
    Deleted,
    Viewed,
    Listed,
    PasswordChanged,
    TokenCreated,
    TokenRevoked,
    /// An API request without a valid token (answered 401).
    NotAuthenticated,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::LoggedIn => "ingelogd",
            AuditAction::LoginFailed => "inloggen-mislukt",
            AuditAction::LoggedOut => "uitgelogd",
            AuditAction::Created => "aangemaakt",
            AuditAction::Updated => "gewijzigd",
            AuditAction::Deleted => "verwijderd",
            AuditAction::Viewed => "bekeken",
            AuditAction::Listed => "lijst-bekeken",
            AuditAction::PasswordChanged => "wachtwoord-gewijzigd",
            AuditAction::TokenCreated => "token-aangemaakt",
            AuditAction::TokenRevoked => "token-ingetrokken",
            AuditAction::NotAuthenticated => "niet-geauthenticeerd",
        }
    }

    pub fn label(code: &str) -> &'static str {
        match code {
            "ingelogd" => "Ingelogd",
            "inloggen-mislukt" => "Inloggen mislukt",
            "uitgelogd" => "Uitgelogd",
            "aangemaakt" => "Aangemaakt",
            "gewijzigd" => "Gewijzigd",
            "verwijderd" => "Verwijderd",
            "bekeken" => "Bekeken",
            "lijst-bekeken" => "Lijst bekeken",
            "wachtwoord-gewijzigd" => "Wachtwoord gewijzigd",
            "token-aangemaakt" => "API-token aangemaakt",
            "token-ingetrokken" => "API-token ingetrokken",
            "niet-geauthenticeerd" => "Geen geldig API-token",
            _ => "Overig",
        }
    }
}

/// The kind of object an event is about; stable codes as for actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Sessie,
    Regio,
    Gemeente,
    Aanbieder,
    Product,
    Locatie,
    Capaciteit,
    Gebruiker,
    ApiToken,
    Auditlog,
    Client,
    Adres,
    ClientToegang,
    Regime,
    Aanmelding,
    Beschikking,
    Wachtlijst,
    Screening,
    Verblijf,
    Wachtlijstoverleg,
    Overlegcyclus,
    Criterium,
    Beoordeling,
    Import,
    Cijfers,
    Beleidsplan,
    Voortgangsrapportage,
    /// A registration at the central access point for shelter.
    MeldingOpvang,
    /// A nomination for a home through the Pact voor uitstroom or urgency.
    Voordracht,
    /// An agreement on Pact homes for a municipality and year.
    PactAfspraak,
    /// A trajectory of zorgcoördinatie (bemoeizorg).
    Zorgcoordinatie,
    /// A melding within a trajectory of zorgcoördinatie.
    MeldingZorgcoordinatie,
    /// A trajectory of Huren Onder Voorwaarden.
    HovTraject,
    /// A housing corporation of the Pact voor uitstroom.
    Corporatie,
    /// A tariff of a product (and provider) in a region's contracts.
    Tarief,
    /// The cost of care computed from stays and tariffs.
    Kosten,
    /// A budget, a version of it, or an actual of one of its lines.
    Begroting,
    /// A distribution key of a region (historical or objective shares).
    Verdeelsleutel,
    /// A settlement statement between the municipalities of a region, or
    /// the transition calculator's distribution of a budget.
    Verrekening,
    /// A request of access by the person the data are about (AVG art. 15).
    Inzageverzoek,
    /// Two records of one person merged into one (`clients::merge`).
    Samenvoeging,
    /// A retention run: records anonymised at the end of their period.
    Bewaartermijn,
    /// An assignment of a decision to a provider (iWmo 3.2 WMO301).
    Toewijzing,
    /// An iWmo 3.2 message sent to or received from a provider.
    IwmoBericht,
    /// A provider's request (iWmo WMO315, WMO317) and its answer.
    IwmoVerzoek,
    /// A delivery of personal data to CBS (Monitor Dakloosheid).
    CbsLevering,
    /// A population forecast loaded for the forecasts of demand.
    Bevolkingsprognose,
    /// A scenario of a forecast of demand: its assumptions, published or not.
    Prognosescenario,
}

impl ObjectType {
    pub fn code(self) -> &'static str {
        match self {
            ObjectType::Sessie => "sessie",
            ObjectType::Regio => "regio",
            ObjectType::Gemeente => "gemeente",
            ObjectType::Aanbieder => "aanbieder",
            ObjectType::Product => "product",
            ObjectType::Locatie => "locatie",
            ObjectType::Capaciteit => "capaciteit",
            ObjectType::Gebruiker => "gebruiker",
            ObjectType::ApiToken => "api-token",
            ObjectType::Auditlog => "auditlog",
            ObjectType::Client => "client",
            ObjectType::Adres => "adres",
            ObjectType::ClientToegang => "client-toegang",
            ObjectType::Regime => "regime",
            ObjectType::Aanmelding => "aanmelding",
            ObjectType::Beschikking => "beschikking",
            ObjectType::Wachtlijst => "wachtlijst",
            ObjectType::Screening => "screening",
            ObjectType::Verblijf => "verblijf",
            ObjectType::Wachtlijstoverleg => "wachtlijstoverleg",
            ObjectType::Overlegcyclus => "overlegcyclus",
            ObjectType::Criterium => "criterium",
            ObjectType::Beoordeling => "beoordeling",
            ObjectType::Import => "import",
            ObjectType::Cijfers => "cijfers",
            ObjectType::Beleidsplan => "beleidsplan",
            ObjectType::Voortgangsrapportage => "voortgangsrapportage",
            ObjectType::MeldingOpvang => "melding-opvang",
            ObjectType::Voordracht => "voordracht-uitstroom",
            ObjectType::PactAfspraak => "pact-afspraak",
            ObjectType::Zorgcoordinatie => "zorgcoordinatie",
            ObjectType::MeldingZorgcoordinatie => "melding-zorgcoordinatie",
            ObjectType::HovTraject => "hov-traject",
            ObjectType::Corporatie => "corporatie",
            ObjectType::Tarief => "tarief",
            ObjectType::Kosten => "kosten",
            ObjectType::Begroting => "begroting",
            ObjectType::Verdeelsleutel => "verdeelsleutel",
            ObjectType::Verrekening => "verrekening",
            ObjectType::Inzageverzoek => "inzageverzoek",
            ObjectType::Samenvoeging => "samenvoeging",
            ObjectType::Bewaartermijn => "bewaartermijn",
            ObjectType::Toewijzing => "toewijzing",
            ObjectType::IwmoBericht => "iwmo-bericht",
            ObjectType::IwmoVerzoek => "iwmo-verzoek",
            ObjectType::CbsLevering => "cbs-levering",
            ObjectType::Bevolkingsprognose => "bevolkingsprognose",
            ObjectType::Prognosescenario => "prognosescenario",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failed,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "geslaagd",
            Outcome::Denied => "geweigerd",
            Outcome::Failed => "mislukt",
        }
    }
}

/// An audit event before the store gives it its place in the chain.
#[derive(Debug, Clone)]
pub struct AuditDraft {
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub on_behalf_of: Option<String>,
    pub action: AuditAction,
    pub object_type: ObjectType,
    /// Filled in by the store for a create, when the id is known.
    pub object_id: Option<String>,
    pub client_id: Option<i64>,
    pub outcome: Outcome,
    pub origin: Option<String>,
    pub request_id: String,
    /// What changed or was asked, as JSON; never passwords or secrets.
    pub details: serde_json::Value,
}

impl AuditDraft {
    pub fn new(
        ctx: &RequestContext,
        at: DateTime<Utc>,
        action: AuditAction,
        object_type: ObjectType,
        object_id: Option<String>,
    ) -> AuditDraft {
        AuditDraft {
            occurred_at: at,
            actor_kind: match ctx.actor.kind {
                ActorKind::User => "gebruiker",
                ActorKind::Token => "api-token",
                ActorKind::System => "systeem",
            }
            .to_string(),
            actor_id: ctx.actor.id,
            actor_name: ctx.actor.name.clone(),
            actor_role: ctx.actor.role.code().to_string(),
            on_behalf_of: ctx.on_behalf_of.clone(),
            action,
            object_type,
            object_id,
            client_id: None,
            outcome: Outcome::Success,
            origin: ctx.origin.clone(),
            request_id: ctx.request_id.clone(),
            details: serde_json::Value::Null,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// The client whose personal data the event is about.
    pub fn for_client(mut self, client_id: i64) -> Self {
        self.client_id = Some(client_id);
        self
    }

    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// The clients a list showed (NEN 7513 asks who saw whose data, also in
    /// a list). Kept in the details as `clientenGetoond`, the ids between
    /// commas (",4,17,"), so that the log can be searched for one client.
    pub fn showing_clients(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let list: String = ids.iter().map(|id| format!("{id},")).collect();
        if !self.details.is_object() {
            self.details = serde_json::json!({});
        }
        if let Some(o) = self.details.as_object_mut() {
            o.insert("clientenGetoond".into(), format!(",{list}").into());
        }
        self
    }
}

/// The pattern that finds a client in `clientenGetoond` (see
/// `AuditDraft::showing_clients`), for a `like` on the details.
pub fn shown_client_pattern(client_id: i64) -> String {
    format!("%\"clientenGetoond\":\"%,{client_id},%")
}

/// A row of the audit log as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub client_id: Option<i64>,
    pub outcome: String,
    pub origin: Option<String>,
    pub request_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
    /// 1: the hash covers `details` itself (rows written before migration
    /// 0035). 2: it covers `details_digest`, so that the details (which can
    /// hold personal data) can be erased when the record's retention period
    /// ends (AVG art. 17, art. 5 lid 1 e) while the chain still verifies.
    pub hash_version: i64,
    /// Version 2: SHA-256 of `details` as written.
    pub details_digest: Option<String>,
}

/// The hash before the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The details of a version-2 row whose details were erased.
pub const ERASED_DETAILS: &str = r#"{"gewist":true}"#;

/// The hash version of every row written now.
pub const HASH_VERSION: i64 = 2;

fn digest(details: &str) -> String {
    hex::encode(Sha256::digest(details.as_bytes()))
}

impl AuditRecord {
    /// Gives a draft its sequence number and chains it to the previous row.
    pub fn seal(draft: AuditDraft, seq: i64, prev_hash: &str) -> AuditRecord {
        let mut r = AuditRecord {
            seq,
            occurred_at: draft.occurred_at,
            actor_kind: draft.actor_kind,
            actor_id: draft.actor_id,
            actor_name: draft.actor_name,
            actor_role: draft.actor_role,
            on_behalf_of: draft.on_behalf_of,
            action: draft.action.code().to_string(),
            object_type: draft.object_type.code().to_string(),
            object_id: draft.object_id,
            client_id: draft.client_id,
            outcome: draft.outcome.code().to_string(),
            origin: draft.origin,
            request_id: draft.request_id,
            details: draft.details.to_string(),
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
            hash_version: HASH_VERSION,
            details_digest: None,
        };
        r.details_digest = Some(digest(&r.details));
        r.hash = r.compute_hash();
        r
    }

    /// SHA-256 over every field but the hash itself, each length-prefixed so
    /// that no two different rows serialise alike. Version 2 covers the
    /// digest of the details instead of the details, and says so first.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        if self.hash_version != 1 {
            field(&format!("v{}", self.hash_version));
        }
        field(&self.seq.to_string());
        field(
            &self
                .occurred_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
        );
        field(&self.actor_kind);
        field(&self.actor_id.to_string());
        field(&self.actor_name);
        field(&self.actor_role);
        field(self.on_behalf_of.as_deref().unwrap_or("\u{0}"));
        field(&self.action);
        field(&self.object_type);
        field(self.object_id.as_deref().unwrap_or("\u{0}"));
        field(
            &self
                .client_id
                .map(|c| c.to_string())
                .unwrap_or_else(|| "\u{0}".into()),
        );
        field(&self.outcome);
        field(self.origin.as_deref().unwrap_or("\u{0}"));
        field(&self.request_id);
        if self.hash_version == 1 {
            field(&self.details);
        } else {
            field(self.details_digest.as_deref().unwrap_or("\u{0}"));
        }
        field(&self.prev_hash);
        hex::encode(h.finalize())
    }
}

/// Where a chain is broken, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain in order and keeps the state between batches, so a store can
/// feed millions of rows page by page.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    expected_seq: Option<i64>,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            prev_hash: GENESIS_HASH.to_string(),
            expected_seq: None,
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, row: &AuditRecord) -> Result<(), ChainBreak> {
        if let Some(expected) = self.expected_seq
            && row.seq != expected
        {
            return Err(ChainBreak {
                seq: row.seq,
                reason: format!("volgnummer {expected} ontbreekt (verwijderde regel)"),
            });
        }
        if row.prev_hash != self.prev_hash {
            return Err(ChainBreak {
                seq: row.seq,
                reason: "de verwijzing naar de vorige regel klopt niet".into(),
            });
        }
        if !matches!(row.hash_version, 1 | HASH_VERSION) {
            return Err(ChainBreak {
                seq: row.seq,
                reason: format!("onbekende hashversie {}", row.hash_version),
            });
        }
        if row.compute_hash() != row.hash {
            return Err(ChainBreak {
                seq: row.seq,
                reason: "de inhoud van de regel is gewijzigd (hash klopt niet)".into(),
            });
        }
        // Version 2: the details are those the digest was made of, or erased.
        if row.hash_version == HASH_VERSION
            && row.details != ERASED_DETAILS
            && row.details_digest.as_deref() != Some(digest(&row.details).as_str())
        {
            return Err(ChainBreak {
                seq: row.seq,
                reason: "de details van de regel zijn gewijzigd (digest klopt niet)".into(),
            });
        }
        self.prev_hash = row.hash.clone();
        self.expected_seq = Some(row.seq + 1);
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::RequestContext;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let ctx = RequestContext::system("test");
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
                    + chrono::Duration::seconds(seq);
                let d = AuditDraft::new(
                    &ctx,
                    at,
                    AuditAction::Created,
                    ObjectType::Regio,
                    Some(seq.to_string()),
                );
                let r = AuditRecord::seal(d, seq, &prev);
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rows: &[AuditRecord]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in rows {
            v.check(r)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_altered_row_is_found() {
        let mut rows = chain(5);
        rows[2].actor_name = "iemand anders".into();
        assert_eq!(verify(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut rows = chain(5);
        rows.remove(1);
        let err = verify(&rows).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.reason.contains("ontbreekt"));
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[1].actor_name = "iemand anders".into();
        rows[1].hash = rows[1].compute_hash();
        assert_eq!(verify(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn erased_details_keep_the_chain_and_altered_details_break_it() {
        let mut rows = chain(5);
        assert!(rows.iter().all(|r| r.hash_version == HASH_VERSION));
        rows[1].details = ERASED_DETAILS.into();
        assert_eq!(verify(&rows), Ok(5), "erased: the chain holds");
        rows[2].details = r#"{"anders":1}"#.into();
        let err = verify(&rows).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.reason.contains("digest"), "{}", err.reason);
    }

    #[test]
    fn a_version_1_row_covers_its_details_and_cannot_be_erased() {
        let mut rows = chain(3);
        // A row as written before version 2, sealed the old way.
        let mut old = rows[0].clone();
        old.hash_version = 1;
        old.details_digest = None;
        old.hash = old.compute_hash();
        assert_ne!(old.hash, rows[0].hash, "the versions hash differently");
        rows[0] = old;
        rows[1].prev_hash = rows[0].hash.clone();
        rows[1].hash = rows[1].compute_hash();
        rows[2].prev_hash = rows[1].hash.clone();
        rows[2].hash = rows[2].compute_hash();
        assert_eq!(verify(&rows), Ok(3));
        rows[0].details = ERASED_DETAILS.into();
        assert_eq!(verify(&rows).unwrap_err().seq, 1);
    }

    #[test]
    fn a_row_cannot_pass_for_another_hash_version() {
        let mut rows = chain(2);
        rows[0].hash_version = 1;
        assert_eq!(verify(&rows).unwrap_err().seq, 1);
        rows[0].hash_version = 3;
        rows[0].hash = rows[0].compute_hash();
        assert!(verify(&rows).unwrap_err().reason.contains("hashversie"));
    }
}
