//! Ports: what the domain needs from storage, per use case. A method that
//! changes data takes the audit draft of that change and writes both in one
//! transaction. Backends map a stale `expected_version` to
//! `DomainError::StaleVersion`, a missing row to `NotFound` and a duplicate key
//! to `Conflict`.

use crate::access::assessment::{Assessment, AssessmentData, Criterion};
use crate::access::{Application, ApplicationData, Decision, DecisionRecord};
use crate::admin::oidc::PendingExternalLogin;
use crate::admin::{ApiToken, Role, Scope, Session, User, UserCredentials, UserData};
use crate::audit::{AuditDraft, AuditRecord};
use crate::care::{Screening, ScreeningResult, Stay, StayFacts, StayHeader, StayVersion};
use crate::clients::{AddressData, AddressRow, Bsn, Client, ClientData, ClientVersion};
use crate::error::DomainResult;
use crate::exchange::iwmo::model::{
    Assignment, Delivery, Effect, IwmoRequest, MessageRecord, NewAssignment, NewMessage,
    RequestAnswer, RequestFilter,
};
use crate::exchange::iwmo::schema::Message;
use crate::finance::budget::{
    Budget, BudgetActual, BudgetActualData, BudgetVersion, BudgetVersionData,
};
use crate::finance::{Tariff, TariffFacts};
use crate::forecast::population::{NewPopulation, Population, PopulationForecast};
use crate::import::plan::{ImportAudit, ImportBatch};
use crate::outflow::{Nomination, NominationFacts, Quota, QuotaData};
use crate::outreach::{OutreachReport, ReportData, Trajectory, TrajectoryFacts};
use crate::paging::{Page, PageRequest};
use crate::reference::*;
use crate::shelter::{Registration, RegistrationFacts};
use crate::tenancy::{Tenancy, TenancyFacts};
use crate::waitlist::review::{Review, ReviewOutcome};
use crate::waitlist::{Entry, Transition, TransitionData};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// Which clients a read covers. A list asks for the clients linked to the
/// actor's scope (`Linked`), so that it costs in proportion to the region,
/// municipality or provider rather than to the installation; the policy
/// (`policy::can`) still decides per client, because a link is necessary for
/// access, not sufficient (a restricted client, a provider's client after the
/// referral was corrected away).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clients {
    All,
    One(i64),
    /// These clients (those in an answer, to read their access facts).
    Ids(Vec<i64>),
    Linked(ClientLink),
}

/// One row of a list, light: what a list needs to decide which rows the
/// actor may see and which fall on the page asked for, before the page's
/// rows are read in full (`Services::scoped_keys`). `id` is the row's own
/// id (for clients, the client's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListKey {
    pub id: i64,
    pub client_id: i64,
}

/// What links a client to a scope, at any time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientLink {
    /// Registered by the municipality, applied there, or a decision makes it
    /// responsible.
    Municipality(GemeenteCode),
    /// The same for any municipality of the region.
    Region(i64),
    /// Referred to the provider for screening (a referral not corrected
    /// away), or placed with it (a stay whose version in force is there):
    /// the providers of `ClientAccessRow`.
    Provider(i64),
    /// Registered at the region's central access point for shelter.
    AccessPoint(i64),
}

/// The facts that decide who may see a client (`policy::ClientAccess`), as
/// the store reads them for many clients at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAccessRow {
    pub client_id: i64,
    pub restricted: bool,
    /// Registering municipality first, then those of applications and
    /// decisions; no repeats.
    pub municipalities: Vec<GemeenteCode>,
    pub regions: Vec<i64>,
    /// Referred to for screening (a transition not corrected away) or placed
    /// with (a stay as known now).
    pub providers: Vec<i64>,
    /// Users explicitly granted access (restricted clients).
    pub grants: Vec<i64>,
    /// Regions whose central access point registered the client.
    pub access_points: Vec<i64>,
}

#[async_trait]
pub trait ReferenceStore: Send + Sync {
    async fn list_regions(&self) -> DomainResult<Vec<Region>>;
    async fn get_region(&self, id: i64) -> DomainResult<Option<Region>>;
    async fn find_region_by_code(&self, code: &str) -> DomainResult<Option<Region>>;
    async fn create_region(&self, data: &RegionData, audit: AuditDraft) -> DomainResult<Region>;
    async fn update_region(
        &self,
        id: i64,
        expected_version: i64,
        data: &RegionData,
        audit: AuditDraft,
    ) -> DomainResult<Region>;
    async fn delete_region(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    async fn list_municipalities(&self) -> DomainResult<Vec<Municipality>>;
    async fn get_municipality(&self, code: &GemeenteCode) -> DomainResult<Option<Municipality>>;
    async fn create_municipality(
        &self,
        data: &MunicipalityData,
        audit: AuditDraft,
    ) -> DomainResult<Municipality>;
    /// The code of a municipality is its identity and does not change.
    async fn update_municipality(
        &self,
        expected_version: i64,
        data: &MunicipalityData,
        audit: AuditDraft,
    ) -> DomainResult<Municipality>;
    async fn delete_municipality(
        &self,
        code: &GemeenteCode,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    async fn list_providers(&self) -> DomainResult<Vec<Provider>>;
    async fn get_provider(&self, id: i64) -> DomainResult<Option<Provider>>;
    async fn create_provider(
        &self,
        data: &ProviderData,
        audit: AuditDraft,
    ) -> DomainResult<Provider>;
    async fn update_provider(
        &self,
        id: i64,
        expected_version: i64,
        data: &ProviderData,
        audit: AuditDraft,
    ) -> DomainResult<Provider>;
    async fn delete_provider(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    /// The corporations of a region (or all), by name.
    async fn list_corporations(&self, region_id: Option<i64>) -> DomainResult<Vec<Corporation>>;
    async fn get_corporation(&self, id: i64) -> DomainResult<Option<Corporation>>;
    async fn create_corporation(
        &self,
        data: &CorporationData,
        audit: AuditDraft,
    ) -> DomainResult<Corporation>;
    async fn update_corporation(
        &self,
        id: i64,
        expected_version: i64,
        data: &CorporationData,
        audit: AuditDraft,
    ) -> DomainResult<Corporation>;
    async fn delete_corporation(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    async fn list_products(&self) -> DomainResult<Vec<Product>>;
    async fn get_product(&self, id: i64) -> DomainResult<Option<Product>>;
    async fn create_product(&self, data: &ProductData, audit: AuditDraft) -> DomainResult<Product>;
    async fn update_product(
        &self,
        id: i64,
        expected_version: i64,
        data: &ProductData,
        audit: AuditDraft,
    ) -> DomainResult<Product>;
    async fn delete_product(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    async fn list_locations(&self) -> DomainResult<Vec<Location>>;
    async fn get_location(&self, id: i64) -> DomainResult<Option<Location>>;
    async fn create_location(
        &self,
        data: &LocationData,
        audit: AuditDraft,
    ) -> DomainResult<Location>;
    async fn update_location(
        &self,
        id: i64,
        expected_version: i64,
        data: &LocationData,
        audit: AuditDraft,
    ) -> DomainResult<Location>;
    async fn delete_location(
        &self,
        id: i64,
        expected_version: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    /// The regime rows of a region, in recording order.
    async fn list_regimes(&self, region_id: i64) -> DomainResult<Vec<RegimeRow>>;
    async fn add_regime(
        &self,
        data: &RegimeData,
        recorded_at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<RegimeRow>;

    /// Every capacity row of a location, oldest first.
    async fn list_capacity(&self, location_id: i64) -> DomainResult<Vec<CapacityRow>>;
    async fn add_capacity(
        &self,
        data: &CapacityData,
        recorded_at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<CapacityRow>;
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    async fn count_users(&self) -> DomainResult<i64>;
    async fn list_users(&self) -> DomainResult<Vec<User>>;
    async fn get_user(&self, id: i64) -> DomainResult<Option<User>>;
    async fn find_credentials(&self, username: &str) -> DomainResult<Option<UserCredentials>>;
    async fn create_user(
        &self,
        data: &UserData,
        password_hash: &str,
        created_at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<User>;
    /// Updates a user; deactivating one also ends its sessions.
    async fn update_user(
        &self,
        id: i64,
        expected_version: i64,
        data: &UserData,
        audit: AuditDraft,
    ) -> DomainResult<User>;
    /// Sets a new password hash and ends the user's other sessions.
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: AuditDraft,
    ) -> DomainResult<()>;

    /// Sets (or with `None` removes) the user's second factor; the last
    /// accepted step is `step` (the code that proved the new secret), so
    /// that code cannot log in again.
    async fn set_second_factor(
        &self,
        id: i64,
        secret: Option<&str>,
        step: Option<i64>,
        audit: AuditDraft,
    ) -> DomainResult<()>;
    /// Accepts a code's time step once: records it and answers true only if
    /// it is later than the last accepted step, in one atomic step.
    async fn use_second_factor_step(&self, id: i64, step: i64) -> DomainResult<bool>;

    async fn create_token(
        &self,
        token: &NewTokenRecord,
        audit: AuditDraft,
    ) -> DomainResult<ApiToken>;
    async fn list_tokens(&self) -> DomainResult<Vec<ApiToken>>;
    async fn find_token(&self, digest: &str) -> DomainResult<Option<ApiToken>>;
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>, audit: AuditDraft)
    -> DomainResult<()>;

    async fn create_session(
        &self,
        digest: &str,
        user_id: i64,
        csrf_token: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<()>;
    async fn find_session(&self, digest: &str) -> DomainResult<Option<(Session, User)>>;
    async fn touch_session(&self, digest: &str, at: DateTime<Utc>) -> DomainResult<()>;
    async fn delete_session(&self, digest: &str, audit: Option<AuditDraft>) -> DomainResult<()>;
    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> DomainResult<u64>;

    /// Counts one attempt under `key` and returns the attempts counted in
    /// the key's window, this one included, in one atomic step: two parallel
    /// callers never see the same count. A window that started before
    /// `window_after` is over: counting starts again at 1, from `at`.
    async fn count_login_attempt(
        &self,
        key: &str,
        at: DateTime<Utc>,
        window_after: DateTime<Utc>,
    ) -> DomainResult<i64>;
    /// Takes one counted attempt back (it turned out not to be a failure).
    async fn uncount_login_attempt(&self, key: &str) -> DomainResult<()>;
    /// Forgets a key's count (a successful login of that user).
    async fn reset_login_attempts(&self, key: &str) -> DomainResult<()>;
    /// Removes counters whose window started before `before`.
    async fn purge_login_attempts(&self, before: DateTime<Utc>) -> DomainResult<u64>;

    // ---- sign-in through the identity provider (`admin::oidc`) ----
    /// The user made for the provider's subject, if any.
    async fn find_external_user(&self, issuer: &str, subject: &str) -> DomainResult<Option<User>>;
    /// Makes the user of a provider's subject, without a password.
    async fn create_external_user(
        &self,
        data: &UserData,
        issuer: &str,
        subject: &str,
        created_at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<User>;
    async fn save_external_login(&self, login: &PendingExternalLogin) -> DomainResult<()>;
    /// Takes (removes and returns) the sign-in under way with this state
    /// digest, in one atomic step: a state is answered once.
    async fn take_external_login(
        &self,
        state_digest: &str,
    ) -> DomainResult<Option<PendingExternalLogin>>;
    /// Removes sign-ins under way started before `before`.
    async fn purge_external_logins(&self, before: DateTime<Utc>) -> DomainResult<u64>;
}

/// A token as stored: only the digest of its secret.
#[derive(Debug, Clone)]
pub struct NewTokenRecord {
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// Filter on the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_name: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    pub client_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only rows of this region: about a client of one of its municipalities
    /// (registered, applied or decided there), or, without a client, by a
    /// user or token working for the region or one of its municipalities.
    pub region: Option<i64>,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one event on its own (reads, refusals, logins).
    async fn append_audit(&self, draft: AuditDraft) -> DomainResult<AuditRecord>;
    /// Newest first.
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditRecord>>;
    /// Rows in chain order after `after_seq`, for verification.
    async fn audit_batch(&self, after_seq: i64, limit: i64) -> DomainResult<Vec<AuditRecord>>;
    /// Erases the details of the version-2 rows about these clients
    /// (`audit::ERASED_DETAILS`), in one transaction with `audit`, which
    /// records the erasure; the number of rows erased. Version-1 rows keep
    /// theirs (their hash covers them). The chain still verifies.
    async fn erase_audit_details(&self, client_ids: &[i64], audit: AuditDraft)
    -> DomainResult<u64>;
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Creates a client with its first version; `grant_to` gets explicit
    /// access (the registering user of a restricted client).
    async fn create_client(
        &self,
        data: &ClientData,
        registered_by: &GemeenteCode,
        at: DateTime<Utc>,
        recorded_by: &str,
        grant_to: Option<i64>,
        audit: AuditDraft,
    ) -> DomainResult<Client>;
    /// Adds a version of the details; the earlier versions are kept.
    async fn update_client(
        &self,
        id: i64,
        expected_version: i64,
        data: &ClientData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Client>;
    async fn get_client(&self, id: i64) -> DomainResult<Option<Client>>;
    /// The clients asked for, by family name, given name and id.
    async fn list_clients(&self, clients: &Clients) -> DomainResult<Vec<Client>>;
    /// `list_clients` as keys, in its order.
    async fn client_keys(&self, clients: &Clients) -> DomainResult<Vec<ListKey>>;
    /// The names, dates of birth and BSNs of the clients asked for that are
    /// not merged into another, in no order: what the search for likely
    /// duplicates compares.
    async fn client_names(
        &self,
        clients: &Clients,
    ) -> DomainResult<Vec<crate::clients::duplicates::NameRecord>>;
    /// The access facts of the clients asked for, by client id.
    async fn client_access(&self, clients: &Clients) -> DomainResult<Vec<ClientAccessRow>>;
    /// The ids of the restricted clients among those asked for, ascending.
    async fn restricted_clients(&self, clients: &Clients) -> DomainResult<Vec<i64>>;
    async fn client_versions(&self, id: i64) -> DomainResult<Vec<ClientVersion>>;
    async fn find_client_by_bsn(&self, bsn: &Bsn) -> DomainResult<Option<i64>>;
    /// Every address row of a client, corrections included, in recording order.
    async fn list_addresses(&self, client_id: i64) -> DomainResult<Vec<AddressRow>>;
    async fn add_address(
        &self,
        data: &AddressData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<AddressRow>;
    /// The ids of the users explicitly granted access to a client.
    async fn client_grants(&self, client_id: i64) -> DomainResult<Vec<i64>>;
    async fn grant_client_access(
        &self,
        client_id: i64,
        user_id: i64,
        granted_by: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<()>;
    /// Merges `merged_id` into `survivor_id` in one transaction with its
    /// audit row (`clients::merge`): moves the merged record's rows, writes
    /// each moved row down and marks the merged record. Refused (`Invalid`
    /// at `behouden`) when either record is merged already, or the merged
    /// record holds merged records itself. The audit row's details get the
    /// rows moved per kind (`verplaatst`).
    async fn merge_clients(
        &self,
        merged_id: i64,
        survivor_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        merged_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::clients::merge::ClientMerge>;
    /// Undoes a merge that holds: moves back exactly the rows it moved.
    /// Rows written for the survivor after the merge stay with it.
    async fn undo_merge(
        &self,
        merge_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        undone_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::clients::merge::ClientMerge>;
    async fn get_merge(
        &self,
        merge_id: i64,
    ) -> DomainResult<Option<crate::clients::merge::ClientMerge>>;
    /// The merges a client took part in, as survivor or as merged record,
    /// undone ones too, oldest first.
    async fn client_merges(
        &self,
        client_id: i64,
    ) -> DomainResult<Vec<crate::clients::merge::ClientMerge>>;
    /// Every row any merge moved, for the figures as known at a moment.
    async fn merge_moves(&self) -> DomainResult<Vec<crate::clients::merge::MergeMove>>;
}

#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn create_application(
        &self,
        data: &ApplicationData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Application>;
    async fn get_application(&self, id: i64) -> DomainResult<Option<Application>>;
    /// The applications of the clients asked for; oldest first.
    async fn list_applications(&self, clients: &Clients) -> DomainResult<Vec<Application>>;
    /// `list_applications` as keys, in its order, only those recorded by
    /// `known_at` when given.
    async fn application_keys(
        &self,
        clients: &Clients,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<ListKey>>;
    /// One decision per application; a second is a conflict. With
    /// `record.opens_waitlist` the same transaction opens the waiting-list
    /// entry with its first transition (aangemeld on the decision date).
    async fn create_decision(
        &self,
        record: &DecisionRecord,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Decision>;
    async fn get_decision(&self, id: i64) -> DomainResult<Option<Decision>>;
    /// The decisions of the clients asked for; oldest first.
    async fn list_decisions(&self, clients: &Clients) -> DomainResult<Vec<Decision>>;
    /// `list_decisions` as keys, in its order, only those recorded by
    /// `known_at` when given.
    async fn decision_keys(
        &self,
        clients: &Clients,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<ListKey>>;
    /// The framework criteria of a product, in order.
    async fn list_criteria(&self, product_id: i64) -> DomainResult<Vec<Criterion>>;
    async fn add_criterion(
        &self,
        product_id: i64,
        text: &str,
        audit: AuditDraft,
    ) -> DomainResult<Criterion>;
    async fn create_assessment(
        &self,
        data: &AssessmentData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Assessment>;
    /// Assessments of the clients asked for, optionally of one application;
    /// oldest first.
    async fn list_assessments(
        &self,
        clients: &Clients,
        application_id: Option<i64>,
    ) -> DomainResult<Vec<Assessment>>;
}

#[async_trait]
pub trait WaitlistStore: Send + Sync {
    /// The entries of the clients asked for, by id.
    async fn list_entries(&self, clients: &Clients) -> DomainResult<Vec<Entry>>;
    async fn get_entry(&self, id: i64) -> DomainResult<Option<Entry>>;
    /// Transitions of one entry, or of all entries; in recording order.
    async fn list_transitions(&self, entry_id: Option<i64>) -> DomainResult<Vec<Transition>>;
    /// The transitions of every entry of the clients asked for; in recording order.
    async fn client_transitions(&self, clients: &Clients) -> DomainResult<Vec<Transition>>;
    /// The entries of the clients asked for, recorded by `known_at`, whose
    /// status in force on `day` as known at `known_at` has one of these codes
    /// (`Status::code`, at most four), or any status (`None`: those on the
    /// list that day); by id. The transition in force is the
    /// one `history::in_force_on` picks. The store only narrows what is read:
    /// the caller still decides each state from the entry's transitions.
    async fn entries_in_status(
        &self,
        clients: &Clients,
        statuses: Option<&[&'static str]>,
        day: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Entry>>;
    async fn add_transition(
        &self,
        data: &TransitionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Transition>;
    /// Sets (replaces) the client's preference on an entry.
    async fn set_preference(
        &self,
        entry_id: i64,
        provider_id: Option<i64>,
        municipality: Option<&GemeenteCode>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Entry>;
    /// Marks an entry urgent with a reason, or clears it (None).
    async fn set_urgency(
        &self,
        entry_id: i64,
        reason: Option<&str>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Entry>;
    /// Review cycles set per municipality (weeks).
    async fn review_cycles(&self) -> DomainResult<Vec<(GemeenteCode, i64)>>;
    async fn set_review_cycle(
        &self,
        municipality: &GemeenteCode,
        weeks: i64,
        audit: AuditDraft,
    ) -> DomainResult<()>;
    /// Held reviews with their outcomes, of one municipality or all; oldest first.
    async fn list_reviews(&self, municipality: Option<&GemeenteCode>) -> DomainResult<Vec<Review>>;
    async fn create_review(
        &self,
        municipality: &GemeenteCode,
        held_on: NaiveDate,
        outcomes: &[ReviewOutcome],
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Review>;
}

/// Which screenings `CareStore::list_screenings` reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreeningFilter {
    /// Those of one waiting-list entry.
    pub entry_id: Option<i64>,
    /// Those with one provider.
    pub provider_id: Option<i64>,
    /// Only the in-screening transitions in force as known at this moment
    /// (recorded by then, not superseded by a row recorded by then; the rule
    /// of `history::timeline`); outcomes are returned as stored.
    pub in_force_at: Option<DateTime<Utc>>,
}

/// A new stay: its fixed header and its first version.
#[derive(Debug, Clone)]
pub struct NewStay {
    pub client_id: i64,
    pub entry_id: Option<i64>,
    /// The decision a stay started on without the waiting list.
    pub decision_id: Option<i64>,
    pub transferred_from: Option<i64>,
    pub responsible: GemeenteCode,
    pub facts: StayFacts,
}

#[async_trait]
pub trait CareStore: Send + Sync {
    /// Screenings (in-screening transitions with their outcome) of the
    /// clients asked for, narrowed by `filter`; oldest first.
    async fn list_screenings(
        &self,
        clients: &Clients,
        filter: &ScreeningFilter,
    ) -> DomainResult<Vec<Screening>>;
    /// One screening by the id of its in-screening transition.
    async fn get_screening(&self, id: i64) -> DomainResult<Option<Screening>>;
    /// Records the outcome and, in the same transaction, the follow-up
    /// transition on the waiting list (back to waiting after a refusal).
    #[allow(clippy::too_many_arguments)]
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
    ) -> DomainResult<()>;
    /// Creates a stay; with `placement` the entry's transition to geplaatst is
    /// written in the same transaction.
    async fn create_stay(
        &self,
        stay: &NewStay,
        placement: Option<&TransitionData>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay>;
    /// Adds a version if `expected_version` is still the latest, and with it
    /// the correction of the placement transition when the start moved.
    #[allow(clippy::too_many_arguments)]
    async fn add_stay_version(
        &self,
        stay_id: i64,
        expected_version: i64,
        facts: &StayFacts,
        placement: Option<&TransitionData>,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay>;
    /// Ends one stay and starts the next, linked, in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn transfer_stay(
        &self,
        stay_id: i64,
        expected_version: i64,
        ended: &StayFacts,
        next: &NewStay,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Stay>;
    /// The stays of the clients asked for, by id.
    async fn list_stay_headers(&self, clients: &Clients) -> DomainResult<Vec<StayHeader>>;
    async fn get_stay_header(&self, id: i64) -> DomainResult<Option<StayHeader>>;
    /// Every version of the stays of the clients asked for, in recording order.
    async fn list_stay_versions(&self, clients: &Clients) -> DomainResult<Vec<StayVersion>>;
    /// The stays of the clients asked for as known now, each with only its
    /// version in force (the latest recorded, as `care::stay_at` takes it at
    /// the present moment), optionally only those at one of `locations` and
    /// those running on `active_on`: a region's current stays or a
    /// location's occupancy without reading every version of every stay.
    async fn list_current_stays(
        &self,
        clients: &Clients,
        locations: Option<&[i64]>,
        active_on: Option<NaiveDate>,
    ) -> DomainResult<(Vec<StayHeader>, Vec<StayVersion>)>;
    /// The stays of the clients asked for as known now, as keys by id:
    /// optionally only those running on `active_on` and those whose version
    /// in force is with `provider` (the stays `list_current_stays` gives,
    /// kept as `care::stays_at` and `Stay::is_active_on` decide).
    async fn current_stay_keys(
        &self,
        clients: &Clients,
        active_on: Option<NaiveDate>,
        provider: Option<i64>,
    ) -> DomainResult<Vec<ListKey>>;
}

/// Whom a registration at the access point is about.
#[derive(Debug, Clone)]
pub enum RegistrationPerson {
    /// A client zothuis knows.
    Existing(i64),
    /// A person registered with the registration.
    New(Box<NewPerson>),
}

/// A person new to zothuis, registered with a registration at an access
/// point, for a municipality of the region.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub data: ClientData,
    pub registered_by: GemeenteCode,
    /// A restricted client is granted to whoever registers it.
    pub grant_to: Option<i64>,
    /// The client's own audit row (its ids are filled in).
    pub audit: AuditDraft,
}

#[async_trait]
pub trait ShelterStore: Send + Sync {
    /// A new registration at a region's access point with its first
    /// version, and its audit row, in one transaction; for a person new to
    /// zothuis the client too (with its own audit row, `RegistrationPerson::New`).
    async fn create_registration(
        &self,
        person: &RegistrationPerson,
        region_id: i64,
        facts: &RegistrationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Registration>;
    /// A new version (a correction or an outcome); `expected_version` must
    /// still be the latest, or nothing is written (`StaleVersion`).
    async fn add_registration_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &RegistrationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Registration>;
    /// Every version of one registration, in recording order; empty when
    /// there is none.
    async fn registration_versions(&self, id: i64) -> DomainResult<Vec<Registration>>;
    /// The registrations of the clients asked for, optionally of one
    /// region's access point, each as its latest version recorded by
    /// `known_at` (those created later left out); by id.
    async fn list_registrations(
        &self,
        clients: &Clients,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Registration>>;
}

#[async_trait]
pub trait OutflowStore: Send + Sync {
    /// A new agreement on the homes of a municipality in a year, and its
    /// audit row, in one transaction.
    async fn add_quota(
        &self,
        region_id: i64,
        data: &QuotaData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Quota>;
    /// Every agreement ever recorded (of one region, or all), by id: the
    /// history from which an agreement as known at a moment follows.
    async fn quota_rows(&self, region_id: Option<i64>) -> DomainResult<Vec<Quota>>;
    /// A new nomination with its first version, and its audit row, in one
    /// transaction.
    async fn create_nomination(
        &self,
        client_id: i64,
        region_id: i64,
        facts: &NominationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Nomination>;
    /// A new version (a correction, the allocation, the withdrawal or the
    /// aftercare); `expected_version` must still be the latest, or nothing
    /// is written (`StaleVersion`).
    async fn add_nomination_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &NominationFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Nomination>;
    /// Every version of one nomination, in recording order; empty when there
    /// is none.
    async fn nomination_versions(&self, id: i64) -> DomainResult<Vec<Nomination>>;
    /// The nominations of the clients asked for, optionally of one region,
    /// each as its latest version recorded by `known_at` (those created
    /// later left out); by id.
    async fn list_nominations(
        &self,
        clients: &Clients,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Nomination>>;
}

#[async_trait]
pub trait OutreachStore: Send + Sync {
    /// A new trajectory with its first version and its first melding, and
    /// its audit row, in one transaction; for a person the outreach team
    /// knows (`person`) or a new one.
    #[allow(clippy::too_many_arguments)]
    async fn create_trajectory(
        &self,
        person: Option<i64>,
        region_id: i64,
        facts: &TrajectoryFacts,
        report: &ReportData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Trajectory, OutreachReport)>;
    /// A new version (a correction or the closing); `expected_version` must
    /// still be the latest, or nothing is written (`StaleVersion`).
    async fn add_trajectory_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TrajectoryFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Trajectory>;
    /// A further melding within a trajectory, with its audit row.
    async fn add_outreach_report(
        &self,
        trajectory_id: i64,
        report: &ReportData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<OutreachReport>;
    /// Every version of one trajectory, in recording order; empty when
    /// there is none.
    async fn trajectory_versions(&self, id: i64) -> DomainResult<Vec<Trajectory>>;
    /// The trajectories of a region (or all), each as its latest version
    /// recorded by `known_at` (those created later left out); by id.
    async fn list_trajectories(
        &self,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Trajectory>>;
    /// The meldingen of one trajectory, in recording order, with their
    /// retraction if any.
    async fn outreach_reports(&self, trajectory_id: i64) -> DomainResult<Vec<OutreachReport>>;
    /// Retracts a melding recorded in error, with its audit row; `NotFound`
    /// for an unknown melding, `Conflict` for one already retracted.
    async fn retract_outreach_report(
        &self,
        report_id: i64,
        reason: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<OutreachReport>;
}

/// Which trajectories of Huren Onder Voorwaarden a list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenancies {
    All,
    /// Those of a region.
    Region(i64),
    /// Those whose version in force names this municipality.
    Municipality(crate::reference::GemeenteCode),
    /// Those whose version in force names this provider for the support.
    Provider(i64),
}

#[async_trait]
pub trait TenancyStore: Send + Sync {
    /// A new trajectory with its first version and its audit row, in one
    /// transaction.
    async fn create_tenancy(
        &self,
        region_id: i64,
        facts: &TenancyFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tenancy>;
    /// A new version (a correction or the end); `expected_version` must
    /// still be the latest, or nothing is written (`StaleVersion`).
    async fn add_tenancy_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TenancyFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tenancy>;
    /// Every version of one trajectory, in recording order; empty when
    /// there is none.
    async fn tenancy_versions(&self, id: i64) -> DomainResult<Vec<Tenancy>>;
    /// The trajectories asked for, each as its latest version recorded by
    /// `known_at` (those created later left out); by id.
    async fn list_tenancies(
        &self,
        which: &Tenancies,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Tenancy>>;
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Writes a validated import in one transaction: every client with its
    /// versions, addresses, applications, decisions (opening waiting-list
    /// entries), transitions, screening outcomes and stays, and the
    /// registers' Pact agreements, HOV trajectories and zorgcoördinatie
    /// persons with their trajectories and meldingen — or nothing. Each
    /// client gets an audit row (`audit.per_client`, with its id), each
    /// register record one of its own (`ImportQuota::audit` and the like on
    /// `audit.per_record`, with its id), and the import one more
    /// (`audit.summary`). `progress` is called after each client. Returns
    /// the ids of the clients.
    async fn import_batch(
        &self,
        batch: &ImportBatch,
        at: DateTime<Utc>,
        recorded_by: &str,
        grant_to: Option<i64>,
        audit: ImportAudit,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> DomainResult<Vec<i64>>;
}

#[async_trait]
pub trait FigureStore: Send + Sync {
    /// Streams the journey's history as known at `known_at` into the
    /// builder of the figures projection: waiting-list entries and their
    /// transitions (corrections recorded by then applied), the latest
    /// version of every stay, and capacity rows — in the order
    /// `FigureRow` documents.
    async fn figure_rows(
        &self,
        known_at: DateTime<Utc>,
        builder: &mut crate::figures::facts::FactsBuilder,
    ) -> DomainResult<()>;
    /// Streams, like `figure_rows`, every row of the persons who have an
    /// entry, transition, stay or stay version with an id beyond stamp
    /// `since` and up to stamp `upto` (both from `figure_stamp`), resolved as
    /// known at `known_at`; and all capacity rows if the capacity part of the
    /// stamp differs. Returns those persons (client ids).
    async fn figure_changes(
        &self,
        known_at: DateTime<Utc>,
        since: &[i64],
        upto: &[i64],
        builder: &mut crate::figures::facts::FactsBuilder,
    ) -> DomainResult<Vec<i64>>;
    /// Changes whenever anything the figures read changes (new rows,
    /// corrections, reference data), so a projection can be kept until then.
    /// Layout: the highest id of waiting-list entries, transitions, stays,
    /// stay versions, capacity rows and registration versions, then a
    /// version of municipalities, products, providers and locations each.
    async fn figure_stamp(&self) -> DomainResult<Vec<i64>>;
}

#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Stores a new plan with its first version.
    async fn create_plan(
        &self,
        region_id: i64,
        title: &str,
        document: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::plan::PlanVersion>;
    /// Adds a version if `expected_version` is still the latest.
    #[allow(clippy::too_many_arguments)]
    async fn add_plan_version(
        &self,
        plan_id: i64,
        expected_version: i64,
        title: &str,
        document: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::plan::PlanVersion>;
    /// The latest version of every plan.
    async fn list_plans(&self) -> DomainResult<Vec<crate::plan::PlanVersion>>;
    /// Every version of one plan, oldest first.
    async fn plan_versions(&self, plan_id: i64) -> DomainResult<Vec<crate::plan::PlanVersion>>;
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a published progress report; it never changes afterwards.
    async fn publish_report(
        &self,
        report: crate::plan::NewPublication,
        audit: AuditDraft,
    ) -> DomainResult<crate::plan::Publication>;
    async fn get_report(&self, report_id: i64) -> DomainResult<Option<crate::plan::Publication>>;
    /// The published reports of one plan, newest first.
    async fn list_reports(&self, plan_id: i64) -> DomainResult<Vec<crate::plan::Publication>>;
}

#[async_trait]
pub trait FinanceStore: Send + Sync {
    /// A new tariff with its first version and its audit row, in one
    /// transaction.
    async fn create_tariff(
        &self,
        region_id: i64,
        facts: &TariffFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tariff>;
    /// A new version (a correction or the withdrawal); `expected_version`
    /// must still be the latest, or nothing is written (`StaleVersion`).
    async fn add_tariff_version(
        &self,
        id: i64,
        expected_version: i64,
        facts: &TariffFacts,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<Tariff>;
    /// Every version of one tariff, in recording order; empty when there
    /// is none.
    async fn tariff_versions(&self, id: i64) -> DomainResult<Vec<Tariff>>;
    /// The tariffs of a region (or all), each as its latest version
    /// recorded by `known_at` (those created later left out); by id.
    async fn list_tariffs(
        &self,
        region_id: Option<i64>,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<Tariff>>;
    /// A new budget with its first version and its audit row, in one
    /// transaction.
    async fn create_budget(
        &self,
        budget: &NewBudget,
        data: &BudgetVersionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Budget, BudgetVersion)>;
    /// A new version of all lines (a begrotingswijziging);
    /// `expected_version` must still be the latest (`StaleVersion`).
    async fn add_budget_version(
        &self,
        budget_id: i64,
        expected_version: i64,
        data: &BudgetVersionData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<BudgetVersion>;
    /// The budgets of a region (or all), by id.
    async fn list_budgets(&self, region_id: Option<i64>) -> DomainResult<Vec<Budget>>;
    /// One budget, with every version and its lines in their order.
    async fn get_budget(&self, id: i64) -> DomainResult<Option<(Budget, Vec<BudgetVersion>)>>;
    /// An actual of a line for a month, and its audit row.
    async fn add_budget_actual(
        &self,
        budget_id: i64,
        data: &BudgetActualData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<BudgetActual>;
    /// Every actual ever recorded for a budget, by id.
    async fn budget_actuals(&self, budget_id: i64) -> DomainResult<Vec<BudgetActual>>;
    /// A new distribution key of a region with its first version and its
    /// audit row, in one transaction.
    async fn create_distribution_key(
        &self,
        region_id: i64,
        data: &crate::finance::settlement::KeyData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(
        crate::finance::settlement::DistributionKey,
        crate::finance::settlement::KeyVersion,
    )>;
    /// A new version of a key; `expected_version` must still be the
    /// latest (`StaleVersion`).
    async fn add_distribution_key_version(
        &self,
        key_id: i64,
        expected_version: i64,
        data: &crate::finance::settlement::KeyData,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::finance::settlement::KeyVersion>;
    /// The keys of a region (or all), by id.
    async fn list_distribution_keys(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<crate::finance::settlement::DistributionKey>>;
    /// One key with every version, in recording order.
    async fn get_distribution_key(
        &self,
        id: i64,
    ) -> DomainResult<
        Option<(
            crate::finance::settlement::DistributionKey,
            Vec<crate::finance::settlement::KeyVersion>,
        )>,
    >;
    /// Stores a published statement (its `id` is ignored) with its audit
    /// row.
    async fn publish_settlement(
        &self,
        s: &crate::finance::settlement::PublishedSettlement,
        audit: AuditDraft,
    ) -> DomainResult<crate::finance::settlement::PublishedSettlement>;
    /// The published statements of a region (or all), newest first.
    async fn list_settlements(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<crate::finance::settlement::PublishedSettlement>>;
    async fn get_settlement(
        &self,
        id: i64,
    ) -> DomainResult<Option<crate::finance::settlement::PublishedSettlement>>;
}

/// A request of access as the store writes it (`privacy::AccessRequest`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccessRequest {
    pub client_id: i64,
    pub region_id: Option<i64>,
    pub received_on: NaiveDate,
    pub identity_check: String,
    pub note: Option<String>,
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    async fn create_access_request(
        &self,
        data: &NewAccessRequest,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::privacy::AccessRequest>;
    /// Those of one region (`None`: every request), newest first.
    async fn list_access_requests(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<crate::privacy::AccessRequest>>;
    async fn get_access_request(
        &self,
        id: i64,
    ) -> DomainResult<Option<crate::privacy::AccessRequest>>;
    /// Records the export of the answer: the first sets `answered_at` and
    /// `answered_by`; the audit row goes in the same transaction.
    async fn answer_access_request(
        &self,
        id: i64,
        at: DateTime<Utc>,
        answered_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::privacy::AccessRequest>;
    /// What retention needs to know of each record asked for that is
    /// neither merged into another nor anonymised already.
    async fn retention_facts(
        &self,
        clients: &Clients,
    ) -> DomainResult<Vec<crate::privacy::retention::RetentionFacts>>;
    /// Anonymises these records and those merged into them in one
    /// transaction (`privacy::retention`): personal details, address lines,
    /// free text and the details of their audit rows (version 2); keeps the
    /// run and `audit`, which records it without personal data.
    async fn anonymise_clients(
        &self,
        client_ids: &[i64],
        region_id: Option<i64>,
        at: DateTime<Utc>,
        approved_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::privacy::retention::RetentionRun>;
    /// The runs of one region (`None`: every run), newest first.
    async fn list_retention_runs(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<crate::privacy::retention::RetentionRun>>;
}

/// Whose a new budget is.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBudget {
    pub region_id: i64,
    pub municipality: Option<crate::reference::GemeenteCode>,
    pub name: String,
}

/// Everything a backend provides.
/// The iWmo exchange with providers (`exchange::iwmo`).
#[async_trait]
pub trait ExchangeStore: Send + Sync {
    /// The next number of a counter ("toewijzing", or a message type's
    /// identifications), in its own transaction: numbers are unique, and a
    /// number taken by a change that then failed is not given again.
    async fn next_iwmo_number(&self, counter: &str) -> DomainResult<i64>;
    /// Stores an assignment and logs the WMO301 that announces it.
    async fn create_assignment(
        &self,
        assignment: &NewAssignment,
        message: &NewMessage,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Assignment, MessageRecord)>;
    /// Sets an assignment's end and change reason, and logs the WMO301
    /// that announces it.
    #[allow(clippy::too_many_arguments)]
    async fn change_assignment(
        &self,
        id: i64,
        end_date: NaiveDate,
        reason: &str,
        message: &NewMessage,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(Assignment, MessageRecord)>;
    async fn get_assignment(&self, id: i64) -> DomainResult<Option<Assignment>>;
    /// The assignments of the clients asked for; oldest first.
    async fn list_assignments(&self, clients: &Clients) -> DomainResult<Vec<Assignment>>;
    /// The starts and stops received for an assignment, deleted ones left
    /// out; by start date.
    async fn list_deliveries(&self, assignment_id: i64) -> DomainResult<Vec<Delivery>>;
    /// The message of this type with this identification exchanged with
    /// this provider, received or sent: a provider's identification is
    /// unique per type (TR056), and so is zothuis's.
    async fn find_iwmo_message(
        &self,
        provider_id: i64,
        incoming: bool,
        message: Message,
        identification: &str,
    ) -> DomainResult<Option<MessageRecord>>;
    /// Logs a received message and its retour (a retour itself, WMO302,
    /// has none), and applies the effects of an accepted one, in one
    /// transaction: a message is applied whole or not at all. The retour
    /// answers the message; a request made of it names it.
    async fn receive_iwmo(
        &self,
        message: &NewMessage,
        retour: Option<&NewMessage>,
        effects: &[Effect],
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(MessageRecord, Option<MessageRecord>)>;
    /// Providers' requests as the filter says; newest first.
    async fn list_iwmo_requests(&self, filter: &RequestFilter) -> DomainResult<Vec<IwmoRequest>>;
    async fn get_iwmo_request(&self, id: i64) -> DomainResult<Option<IwmoRequest>>;
    /// The consultant's answer to a request: its assignments made and
    /// changed, its message (301 or 319) and the request's status, with the
    /// audit row, in one transaction.
    async fn answer_iwmo_request(
        &self,
        answer: &RequestAnswer,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<(IwmoRequest, MessageRecord)>;
    /// The messages of a provider, of clients, or both; newest first, as
    /// log lines: without their text (`get_iwmo_message` has it).
    async fn list_iwmo_messages(
        &self,
        provider_id: Option<i64>,
        clients: &Clients,
    ) -> DomainResult<Vec<MessageRecord>>;
    async fn get_iwmo_message(&self, id: i64) -> DomainResult<Option<MessageRecord>>;
    /// Marks a message zothuis sent as fetched by its provider (the first
    /// time only), with the audit row of the download.
    async fn fetch_iwmo_message(
        &self,
        id: i64,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> DomainResult<MessageRecord>;
}

/// Population forecasts (`forecast::population`).
#[async_trait]
pub trait ForecastStore: Send + Sync {
    /// Stores a population forecast with its rows and the audit row, in one
    /// transaction.
    async fn create_population(
        &self,
        forecast: &NewPopulation,
        data: &Population,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<PopulationForecast>;
    /// The population forecasts of a region (all: none), newest first.
    async fn list_populations(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<PopulationForecast>>;
    /// One population forecast with its rows.
    async fn get_population(
        &self,
        id: i64,
    ) -> DomainResult<Option<(PopulationForecast, Population)>>;
    /// Stores a new scenario with its audit row.
    async fn create_scenario(
        &self,
        draft: &crate::forecast::scenario::ScenarioDraft,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::forecast::scenario::Scenario>;
    /// Changes a scenario not yet published, at the version read
    /// (`Conflict` otherwise), with its audit row.
    async fn update_scenario(
        &self,
        id: i64,
        version: i64,
        draft: &crate::forecast::scenario::ScenarioDraft,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::forecast::scenario::Scenario>;
    /// Publishes a scenario at the version read, with its result as then
    /// computed (JSON, kept unchanged from then on), with its audit row.
    async fn publish_scenario(
        &self,
        id: i64,
        version: i64,
        result: &str,
        at: DateTime<Utc>,
        recorded_by: &str,
        audit: AuditDraft,
    ) -> DomainResult<crate::forecast::scenario::Scenario>;
    /// The scenarios of a region (all: none), newest first.
    async fn list_scenarios(
        &self,
        region_id: Option<i64>,
    ) -> DomainResult<Vec<crate::forecast::scenario::Scenario>>;
    /// One scenario with its published result (JSON).
    async fn get_scenario(
        &self,
        id: i64,
    ) -> DomainResult<Option<(crate::forecast::scenario::Scenario, Option<String>)>>;
}

pub trait Store:
    ReferenceStore
    + AdminStore
    + AuditStore
    + ClientStore
    + AccessStore
    + WaitlistStore
    + CareStore
    + ShelterStore
    + OutflowStore
    + OutreachStore
    + TenancyStore
    + ImportStore
    + FigureStore
    + PlanStore
    + ReportStore
    + FinanceStore
    + PrivacyStore
    + ExchangeStore
    + ForecastStore
{
}

impl<T> Store for T where
    T: ReferenceStore
        + AdminStore
        + AuditStore
        + ClientStore
        + AccessStore
        + WaitlistStore
        + CareStore
        + ShelterStore
        + OutflowStore
        + OutreachStore
        + TenancyStore
        + TenancyStore
        + ImportStore
        + FigureStore
        + PlanStore
        + ReportStore
        + FinanceStore
        + PrivacyStore
        + ExchangeStore
        + ForecastStore
{
}
