//! Use cases of the central access point for shelter: its staff register
//! who turns up (a person zothuis knows, or a new one), correct a
//! registration and record its outcome; every read and change is audited.

use super::model::*;
use crate::admin::{ActorKind, RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::service::Need;
use crate::clients::{AddressRow, ClientInput};
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::policy::Action;
use crate::reference::GemeenteCode;
use crate::service::Services;
use crate::store::{Clients, NewPerson, RegistrationPerson};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Whom a new registration is about, as typed.
#[derive(Debug, Clone)]
pub enum PersonInput {
    /// A client the access point registered before (a returning person).
    Existing(i64),
    /// A person new to zothuis.
    New(ClientInput),
    /// A person zothuis knows from elsewhere in the region (an earlier stay
    /// in protected housing, say) whom the access point has not seen: found
    /// by BSN and date of birth together, both as typed.
    Known { bsn: String, date_of_birth: String },
}

/// The one answer to a lookup by BSN that finds nobody to link: nobody
/// with that BSN, another date of birth, or a restricted client (women's
/// shelter) answer alike, so that the lookup reveals nothing.
pub const NOT_LINKABLE: &str = "Er is geen persoon te koppelen met dit BSN en deze \
    geboortedatum. Controleer beide, of registreer een nieuwe persoon; lukt dat niet, \
    neem dan contact op met de wachtlijstbeheerder van uw regio.";

/// Filters of the access point's list.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    /// Only this kind (`signaal`, `traject`, `dreigend-dakloos`).
    pub kind: Option<String>,
    /// Only those without an outcome (signals have none and are left out).
    pub open_only: bool,
    pub client_id: Option<i64>,
}

/// A registration with the versions it went through, for its page.
#[derive(Debug, Clone)]
pub struct RegistrationHistory {
    pub current: Registration,
    pub versions: Vec<Registration>,
}

fn no_registration() -> DomainError {
    DomainError::NotFound("Deze melding bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region whose access point the actor staffs; others are refused
    /// (audited).
    async fn access_point_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object_id: Option<String>,
    ) -> DomainResult<i64> {
        let region_id = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Toegangsmedewerker, Scope::Regio(own)) => *own,
            _ => -1,
        };
        self.authorize(
            ctx,
            Action::ManageShelterAccess { region_id },
            attempted,
            ObjectType::MeldingOpvang,
            object_id,
        )
        .await?;
        Ok(region_id)
    }

    /// The region's rule for the municipality of origin (configuration).
    async fn origin_rule(&self, region_id: i64) -> DomainResult<OriginRule> {
        let code = self
            .store
            .get_region(region_id)
            .await?
            .map(|r| r.code)
            .unwrap_or_default();
        Ok(self.origin_rule_of(&code))
    }

    /// The rule of the region with this code: its own, or the installation's.
    pub(crate) fn origin_rule_of(&self, region_code: &str) -> OriginRule {
        self.settings
            .origin_rules
            .get(region_code)
            .copied()
            .unwrap_or(self.settings.origin_rule)
    }

    /// The facts of a registration with its origin by the region's rule,
    /// from the client's address history as known now.
    async fn registration_facts(
        &self,
        region_id: i64,
        parsed: ParsedRegistration,
        client_id: Option<i64>,
    ) -> DomainResult<RegistrationFacts> {
        let rows: Vec<AddressRow> = match client_id {
            Some(id) => self.store.list_addresses(id).await?,
            None => Vec::new(),
        };
        let rule = self.origin_rule(region_id).await?;
        parsed.decide_origin(rule, &rows, self.clock.now())
    }

    /// Registers someone at the access point: a returning person the
    /// access point sees, or a new person registered with it for the
    /// region's centrumgemeente (which runs the access point under the
    /// centrumgemeente regime, Wmo 2015 art. 1.2.1 b), in one transaction.
    pub async fn register_at_access_point(
        &self,
        ctx: &RequestContext,
        person: &PersonInput,
        input: &RegistrationInput,
    ) -> DomainResult<Registration> {
        let region_id = self
            .access_point_region(ctx, AuditAction::Created, None)
            .await?;
        let parsed = input.parse(self.clock.today())?;
        let mut linked = None;
        let (person, client_id) = match person {
            PersonInput::Existing(id) => {
                let client = self.load_client(*id).await?;
                self.check_client(ctx, &client, Need::Read, AuditAction::Created)
                    .await?;
                (RegistrationPerson::Existing(client.id), Some(client.id))
            }
            PersonInput::Known { bsn, date_of_birth } => {
                let (id, bsn) = self.known_person(ctx, bsn, date_of_birth).await?;
                linked = Some(bsn);
                (RegistrationPerson::Existing(id), Some(id))
            }
            PersonInput::New(client) => {
                let data = client.parse(self.clock.today())?;
                self.check_bsn_unique(ctx, &data, None, AuditAction::Created)
                    .await?;
                let region = self.store.get_region(region_id).await?;
                let Some(registered_by) = region.and_then(|r| r.centrumgemeente) else {
                    return Err(DomainError::Conflict(
                        "Deze regio heeft geen centrumgemeente; de beheerder legt die eerst vast."
                            .into(),
                    ));
                };
                let grant_to =
                    (data.restricted && ctx.actor.kind == ActorKind::User).then_some(ctx.actor.id);
                let audit = self
                    .draft(ctx, AuditAction::Created, ObjectType::Client, None)
                    .with_details(json!({ "geregistreerdDoor": registered_by.to_string(),
                        "afgeschermd": data.restricted, "bsnVastgelegd": data.bsn.is_some(),
                        "via": "centrale toegang opvang" }));
                (
                    RegistrationPerson::New(Box::new(NewPerson {
                        data,
                        registered_by,
                        grant_to,
                        audit,
                    })),
                    None,
                )
            }
        };
        let facts = self
            .registration_facts(region_id, parsed, client_id)
            .await?;
        let mut audited = details(&facts);
        if let Some(bsn) = linked {
            // The lookup is recorded with the registration it served.
            audited["gekoppeldOpBsn"] = json!(bsn.masked());
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::MeldingOpvang, None)
            .with_details(audited);
        self.store
            .create_registration(
                &person,
                region_id,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The client a registration at the access point links to by BSN and
    /// date of birth. Both must match the record: a BSN alone could be
    /// guessed or misread, and the access point sees the person once the
    /// registration exists (AVG art. 5 lid 1 c: only whom it registers). A
    /// restricted client is never linked this way; the regional waiting-list
    /// manager can. A lookup that finds nobody is logged as refused.
    async fn known_person(
        &self,
        ctx: &RequestContext,
        bsn: &str,
        date_of_birth: &str,
    ) -> DomainResult<(i64, crate::clients::Bsn)> {
        let mut v = crate::error::Validator::new();
        let bsn = v.check("bsn", crate::clients::Bsn::parse(bsn));
        let born = v.check("geboortedatum", crate::Datum::parse(date_of_birth));
        v.finish()?;
        let (Some(bsn), Some(born)) = (bsn, born) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let lookup = self
            .count_person_lookup(ctx, ObjectType::MeldingOpvang)
            .await?;
        let found = match self.store.find_client_by_bsn(&bsn).await? {
            Some(id) => Some(self.load_client(id).await?),
            None => None,
        };
        match found {
            Some(c) if c.date_of_birth == born.0 && !c.restricted => {
                self.person_found(&lookup).await?;
                Ok((c.id, bsn))
            }
            found => {
                let mut draft = self
                    .draft(ctx, AuditAction::Created, ObjectType::MeldingOpvang, None)
                    .with_outcome(crate::audit::Outcome::Denied)
                    .with_details(json!({ "reden": "koppeling-op-bsn-niet-mogelijk",
                        "bsn": bsn.masked() }));
                if let Some(c) = found {
                    draft = draft.for_client(c.id);
                }
                self.store.append_audit(draft).await?;
                Err(DomainError::invalid("bsn", NOT_LINKABLE))
            }
        }
    }

    /// A correction or the outcome of a registration: a new version. The
    /// origin is found again by the region's rule (a stated origin typed
    /// now counts as stated).
    pub async fn change_registration(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &RegistrationInput,
    ) -> DomainResult<Registration> {
        let region_id = self
            .access_point_region(ctx, AuditAction::Updated, Some(id.to_string()))
            .await?;
        let current = self
            .readable_registration(ctx, id, None, AuditAction::Updated)
            .await?
            .current;
        if current.region_id != region_id {
            return Err(no_registration());
        }
        let parsed = input.parse(self.clock.today())?;
        let facts = self
            .registration_facts(region_id, parsed, Some(current.client_id))
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::MeldingOpvang,
                Some(id.to_string()),
            )
            .for_client(current.client_id)
            .with_details(details(&facts));
        self.store
            .add_registration_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A registration as known at a moment (now when `None`) with its
    /// versions recorded by then, if the actor may see its client; a
    /// refusal is audited and answered as "not found".
    async fn readable_registration(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
        attempted: AuditAction,
    ) -> DomainResult<RegistrationHistory> {
        let (current, versions) = self
            .readable_versions(
                ctx,
                self.store.registration_versions(id).await?,
                known_at.unwrap_or_else(|| self.clock.now()),
                attempted,
                no_registration,
                |v: &Registration| v.client_id,
            )
            .await?;
        Ok(RegistrationHistory { current, versions })
    }

    /// One registration with its versions as known at a moment. Audited.
    pub async fn registration(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<RegistrationHistory> {
        self.access_point_region(ctx, AuditAction::Viewed, Some(id.to_string()))
            .await?;
        let history = self
            .readable_registration(ctx, id, known_at, AuditAction::Viewed)
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::MeldingOpvang,
                Some(id.to_string()),
            )
            .for_client(history.current.client_id)
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(history)
    }

    /// The access point's registrations, newest first,
    /// as known at a moment; one page, audited with the clients on it.
    pub async fn list_registrations(
        &self,
        ctx: &RequestContext,
        filter: &RegistrationFilter,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<Registration>> {
        let kind = match crate::reference::optional(&filter.kind) {
            Some(k) => {
                Some(RegistrationKind::parse(k).map_err(|e| DomainError::invalid("soort", e))?)
            }
            None => None,
        };
        // Only the access point's own staff see its registrations: the
        // region's other roles follow a person once the journey starts
        // (application, decision), not the advice questions before it.
        let region = Some(
            self.access_point_region(ctx, AuditAction::Listed, None)
                .await?,
        );
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let load = |scope: Clients| async move {
            let clients = filter.client_id.map_or(scope, Clients::One);
            let mut all = self.store.list_registrations(&clients, region, k).await?;
            all.retain(|r| {
                kind.is_none_or(|k| r.facts.kind == k)
                    && (!filter.open_only
                        || (r.facts.kind != RegistrationKind::Signaal && r.facts.outcome.is_none()))
            });
            // Newest first: the day of the registration, then the latest
            // registered.
            all.sort_by_key(|r| std::cmp::Reverse((r.facts.reported_on, r.id)));
            Ok(all)
        };
        self.scoped(
            ctx,
            ObjectType::MeldingOpvang,
            load,
            |r: &Registration| r.client_id,
            page,
        )
        .await
    }
}

/// What an audit row says of a registration: its kind, origin and outcome,
/// no personal details.
pub(crate) fn details(f: &RegistrationFacts) -> serde_json::Value {
    json!({
        "soort": f.kind.code(),
        "meldingsdatum": f.reported_on.to_string(),
        "herkomst": f.origin.as_ref().map(GemeenteCode::to_string),
        "herkomstBepaald": f.origin_basis.code(),
        "uitkomst": f.outcome.map(RegistrationOutcome::code),
    })
}
