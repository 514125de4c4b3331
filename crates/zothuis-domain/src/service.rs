//! The entry point for every use case: handlers and the CLI call `Services`,
//! which checks the policy, validates, builds audit events and calls the store.

use crate::admin::RequestContext;
use crate::audit::{AuditAction, AuditDraft, ObjectType, Outcome};
use crate::clock::Clock;
use crate::error::{DomainError, DomainResult};
use crate::policy::{Action, Decision, can};
use crate::store::Store;
use std::sync::Arc;

/// Settings the domain needs. These are operational choices, not law: they
/// come from configuration (`[security]` in zothuis.toml).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Failed logins per username within the window before further attempts
    /// for that username are refused.
    pub login_max_failures: i64,
    /// Failed logins per origin (client address) within the window before
    /// further attempts from there are refused. Much higher than the per-user
    /// limit: many people can share one address (an office, a proxy), and a
    /// few typos among them must not lock them all out.
    pub login_max_failures_per_origin: i64,
    pub login_window_minutes: i64,
    /// Failed look-ups of a person by BSN (or client number) and date of
    /// birth per user within the login window before further look-ups are
    /// refused (`Services::count_person_lookup`): both must match, so a
    /// guess rarely finds anyone, but nobody should be able to try many.
    pub lookup_max_failures: i64,
    /// A session ends after this long without a request…
    pub session_idle_minutes: i64,
    /// …and after this long in any case.
    pub session_absolute_hours: i64,
    /// Weeks between waiting-list reviews for a municipality without its own cycle.
    pub review_weeks_default: i64,
    /// The order in which actively waiting clients are proposed for a vacancy.
    pub priority: Vec<crate::waitlist::matching::Priority>,
    /// Counts below this are shown as "<n" to roles that see aggregates
    /// only (DESIGN.md "Small numbers are suppressed"; 5 is the usual
    /// threshold of Dutch statistical offices).
    pub small_numbers: u64,
    /// How the access point for shelter finds the municipality of origin
    /// (`shelter::OriginRule`), and the regions (by code) with a rule of
    /// their own.
    pub origin_rule: crate::shelter::OriginRule,
    pub origin_rules: std::collections::BTreeMap<String, crate::shelter::OriginRule>,
    /// The region's target for the wait from nomination to key, in
    /// calendar months (`outflow::within_target`).
    pub outflow_target_months: u32,
    /// The day the historical cohort of the money area is counted on
    /// (`finance::Cohort`): for every region, and per region code. Without
    /// one, the day the region's regime changes to the woonplaatsbeginsel.
    pub historical_cutoff: Option<chrono::NaiveDate>,
    pub historical_cutoffs: std::collections::BTreeMap<String, chrono::NaiveDate>,
    /// How alike two names with the same date of birth must be (Jaro-Winkler,
    /// 0 to 1) to be proposed as one person (`clients::duplicates`).
    pub duplicate_threshold: f64,
    /// Roles that must log in with a second factor besides the
    /// administrator, who always must (`Services::needs_second_factor`).
    pub second_factor_roles: Vec<crate::admin::Role>,
    /// How long a record is kept after its last activity
    /// (`privacy::retention`).
    pub retention: crate::privacy::retention::RetentionPeriods,
    /// Sign-in through the municipality's identity provider; none without
    /// an `[oidc]` section (`admin::oidc`).
    pub oidc: Option<crate::admin::oidc::OidcSettings>,
    /// Which products count in which ETHOS Light category for the CBS
    /// Monitor Dakloosheid (`exchange::cbs`).
    pub ethos: crate::exchange::cbs::EthosMapping,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            login_max_failures: 5,
            login_max_failures_per_origin: 100,
            login_window_minutes: 15,
            lookup_max_failures: 10,
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            review_weeks_default: 8,
            priority: crate::waitlist::matching::Priority::DEFAULT.to_vec(),
            small_numbers: 5,
            origin_rule: crate::shelter::OriginRule::default(),
            origin_rules: std::collections::BTreeMap::new(),
            outflow_target_months: crate::outflow::DEFAULT_TARGET_MONTHS,
            historical_cutoff: None,
            historical_cutoffs: std::collections::BTreeMap::new(),
            duplicate_threshold: crate::clients::duplicates::DEFAULT_THRESHOLD,
            second_factor_roles: Vec::new(),
            retention: crate::privacy::retention::RetentionPeriods::default(),
            oidc: None,
            ethos: crate::exchange::cbs::EthosMapping::default(),
        }
    }
}

/// The figures projection as known now, with the stamp it was built at.
pub type FigureCache = std::sync::Mutex<Option<(Vec<i64>, Arc<crate::figures::Facts>)>>;

/// What is hidden of a figure family for aggregate-only roles, per
/// projection (its address and moment), family, day or period and area.
pub type PatternCache = std::sync::Mutex<
    std::collections::HashMap<crate::figures::protect::PatternKey, Arc<crate::figures::Pattern>>,
>;

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub(crate) figure_cache: Arc<FigureCache>,
    /// One refresh of the projection at a time: the others wait for it
    /// instead of building it again.
    pub(crate) figure_refresh: Arc<tokio::sync::Mutex<()>>,
    /// How often the projection as known now was built from scratch.
    pub(crate) figure_rebuilds: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) figure_patterns: Arc<PatternCache>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Services {
            store,
            clock,
            settings,
            figure_cache: Arc::default(),
            figure_refresh: Arc::default(),
            figure_rebuilds: Arc::default(),
            figure_patterns: Arc::default(),
        }
    }

    /// The municipalities of a region (CBS codes), as the store lists them.
    pub(crate) async fn region_codes(
        &self,
        region: i64,
    ) -> crate::error::DomainResult<Vec<crate::reference::GemeenteCode>> {
        Ok(self
            .store
            .list_municipalities()
            .await?
            .into_iter()
            .filter(|m| m.region_id == region)
            .map(|m| m.code)
            .collect())
    }

    /// An audit draft stamped with the current time.
    pub(crate) fn draft(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        object_type: ObjectType,
        object_id: Option<String>,
    ) -> AuditDraft {
        AuditDraft::new(ctx, self.clock.now_micros(), action, object_type, object_id)
    }

    /// Checks the policy; a refusal is itself audited before it is returned.
    pub(crate) async fn authorize(
        &self,
        ctx: &RequestContext,
        action: Action<'_>,
        attempted: AuditAction,
        object_type: ObjectType,
        object_id: Option<String>,
    ) -> DomainResult<()> {
        match can(&ctx.actor, action) {
            Decision::Allow => Ok(()),
            Decision::Deny(reason) => {
                self.deny(ctx, attempted, object_type, object_id, reason)
                    .await
            }
        }
    }

    /// Counts a look-up of a person by BSN (or client number) and date of
    /// birth by this actor; refuses it (audited) once `lookup_max_failures`
    /// look-ups have failed within the login window. The key to give to
    /// `person_found` when the look-up succeeds, which then does not count.
    pub(crate) async fn count_person_lookup(
        &self,
        ctx: &RequestContext,
        object_type: ObjectType,
    ) -> DomainResult<String> {
        // The actor's name is unique: a username, `token:<name>` or a system.
        let key = format!("persoon-zoeken:{}", ctx.actor.name);
        let now = self.clock.now_micros();
        let since = now - chrono::Duration::minutes(self.settings.login_window_minutes);
        let counted = self.store.count_login_attempt(&key, now, since).await?;
        if counted > self.settings.lookup_max_failures {
            let draft = self
                .draft(ctx, AuditAction::Created, object_type, None)
                .with_outcome(Outcome::Denied)
                .with_details(
                    serde_json::json!({ "reden": "te veel mislukte zoekpogingen op BSN" }),
                );
            self.store.append_audit(draft).await?;
            return Err(DomainError::TooManyAttempts(format!(
                "U heeft te vaak een persoon gezocht die niet gevonden werd. Probeer het over {} minuten opnieuw.",
                self.settings.login_window_minutes
            )));
        }
        Ok(key)
    }

    /// A look-up counted by `count_person_lookup` found the person: it does
    /// not count as a failure.
    pub(crate) async fn person_found(&self, key: &str) -> DomainResult<()> {
        self.store.uncount_login_attempt(key).await
    }

    /// Audits a refusal and returns it as `Forbidden`.
    pub(crate) async fn deny<T>(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object_type: ObjectType,
        object_id: Option<String>,
        reason: &str,
    ) -> DomainResult<T> {
        let draft = self
            .draft(ctx, attempted, object_type, object_id)
            .with_outcome(Outcome::Denied)
            .with_details(serde_json::json!({ "reden": reason }));
        self.store.append_audit(draft).await?;
        Err(DomainError::Forbidden(reason.to_string()))
    }
}
