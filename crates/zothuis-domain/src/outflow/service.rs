//! Use cases of the Pact voor uitstroom: the region's waiting-list manager
//! records the agreed homes per municipality and year and the allocation or
//! withdrawal of nominations; providers (and the manager) nominate clients
//! and record the aftercare. Every read and change of a nomination is
//! audited; agreements hold no personal data.

use super::model::*;
use crate::admin::{RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::service::Need;
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::policy::Action;
use crate::reference::GemeenteCode;
use crate::service::Services;
use crate::store::Clients;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use std::collections::BTreeMap;

/// Filters of the outflow list.
#[derive(Debug, Clone, Default)]
pub struct NominationFilter {
    /// Only nominations with this status today (`wachtend`, `toegewezen`,
    /// `ingetrokken`).
    pub status: Option<String>,
    /// Only those seeking a home in this municipality (gemeentecode).
    pub municipality: Option<String>,
    pub client_id: Option<i64>,
}

/// A nomination with the versions it went through, for its page.
#[derive(Debug, Clone)]
pub struct NominationHistory {
    pub current: Nomination,
    pub versions: Vec<Nomination>,
}

/// Who a candidate is, for the corporation that may offer them a home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A nomination as the corporation it is addressed to sees it: who the
/// candidate is, where a home is sought and the allocation. Nothing of the
/// care: not what the person leaves, the stay, the aftercare, how living
/// goes or the notes (AVG art. 5 lid 1 c).
#[derive(Debug, Clone, PartialEq)]
pub struct AddressedNomination {
    pub id: i64,
    /// `None` for a restricted client (e.g. women's shelter): the region's
    /// outflow coordination introduces them in person.
    pub candidate: Option<Candidate>,
    pub route: OutflowRoute,
    pub nominated_on: NaiveDate,
    pub municipality: GemeenteCode,
    pub address_municipality: Option<GemeenteCode>,
    pub key_on: Option<NaiveDate>,
    pub status: NominationStatus,
    pub recorded_at: DateTime<Utc>,
    /// The version the corporation saw: its ETag when it records the
    /// allocation.
    pub version_id: i64,
}

fn no_nomination() -> DomainError {
    DomainError::NotFound("Deze voordracht bestaat niet of is voor u niet zichtbaar".into())
}

/// The agreements in force as known at a moment: per municipality and year
/// the latest recorded by then. Ordered by year, then municipality.
pub fn quotas_as_known(rows: &[Quota], known_at: DateTime<Utc>) -> Vec<Quota> {
    let mut latest: BTreeMap<(i32, String), &Quota> = BTreeMap::new();
    for q in rows.iter().filter(|q| q.recorded_at <= known_at) {
        let key = (q.year, q.municipality.to_string());
        if latest.get(&key).is_none_or(|p| p.id < q.id) {
            latest.insert(key, q);
        }
    }
    latest.into_values().cloned().collect()
}

impl Services {
    /// The region of a municipality, or a clear error on `field`.
    pub(crate) async fn region_of_municipality(
        &self,
        field: &str,
        m: &GemeenteCode,
    ) -> DomainResult<i64> {
        match self.store.get_municipality(m).await? {
            Some(m) => Ok(m.region_id),
            None => Err(DomainError::invalid(
                field,
                "deze gemeente staat niet in zothuis; kies een gemeente van de regio",
            )),
        }
    }

    /// Records an agreement on Pact homes for a municipality of the actor's
    /// region and a year; an earlier one for the same municipality and year
    /// stays in the history.
    pub async fn set_quota(&self, ctx: &RequestContext, input: &QuotaInput) -> DomainResult<Quota> {
        let data = input.parse()?;
        let region_id = self
            .region_of_municipality("gemeente", &data.municipality)
            .await?;
        self.authorize(
            ctx,
            Action::ManageOutflow { region_id },
            AuditAction::Created,
            ObjectType::PactAfspraak,
            None,
        )
        .await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::PactAfspraak, None)
            .with_details(json!({ "gemeente": data.municipality.to_string(),
                "jaar": data.year, "woningen": data.homes }));
        self.store
            .add_quota(
                region_id,
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The region whose agreements an actor sees by default: its own, or
    /// that of its municipality; `None` for the installation-wide roles
    /// and providers, who see every region's.
    pub async fn own_region(&self, ctx: &RequestContext) -> DomainResult<Option<i64>> {
        Ok(match &ctx.actor.scope {
            Scope::Regio(id) => Some(*id),
            Scope::Gemeente(code) => self
                .store
                .get_municipality(code)
                .await?
                .map(|m| m.region_id),
            _ => None,
        })
    }

    /// The agreements (no personal data: every role may see them) of a
    /// region as known at a moment, and every version recorded by then.
    pub async fn quotas(
        &self,
        ctx: &RequestContext,
        region_id: Option<i64>,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<(Vec<Quota>, Vec<Quota>)> {
        self.authorize(
            ctx,
            Action::ViewReference,
            AuditAction::Listed,
            ObjectType::PactAfspraak,
            None,
        )
        .await?;
        let region = match region_id {
            Some(r) => Some(r),
            None => self.own_region(ctx).await?,
        };
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let rows: Vec<Quota> = self
            .store
            .quota_rows(region)
            .await?
            .into_iter()
            .filter(|q| q.recorded_at <= k)
            .collect();
        Ok((quotas_as_known(&rows, k), rows))
    }

    /// Checks what a nomination refers to (`NominationFacts::check_references`),
    /// as found in the store; returns the region.
    async fn check_nomination(&self, client_id: i64, facts: &NominationFacts) -> DomainResult<i64> {
        let stay_client = match facts.stay_id {
            Some(stay) => self.store.get_stay_header(stay).await?.map(|h| h.client_id),
            None => None,
        };
        let aftercare_provider_known = match facts.aftercare_provider {
            Some(p) => self.store.get_provider(p).await?.is_some(),
            None => true,
        };
        let municipality_region = self
            .store
            .get_municipality(&facts.municipality)
            .await?
            .map(|m| m.region_id);
        let corporation_region = match facts.corporation_id {
            Some(c) => self.store.get_corporation(c).await?.map(|c| c.region_id),
            None => None,
        };
        let address_region = match &facts.address_municipality {
            Some(code) => self
                .store
                .get_municipality(code)
                .await?
                .map(|m| m.region_id),
            None => None,
        };
        facts.check_references(
            client_id,
            &NominationReferences {
                stay_client,
                aftercare_provider_known,
                municipality_region,
                corporation_region,
                address_region,
            },
        )
    }

    /// Whether the actor may nominate this client in this region; an
    /// allocation or withdrawal also needs the region's outflow coordination.
    async fn authorize_nomination(
        &self,
        ctx: &RequestContext,
        client_id: i64,
        region_id: i64,
        placement: bool,
        attempted: AuditAction,
        object_id: Option<String>,
    ) -> DomainResult<()> {
        let row = self
            .store
            .client_access(&Clients::One(client_id))
            .await?
            .pop()
            .unwrap_or_default();
        self.authorize(
            ctx,
            Action::NominateForOutflow {
                region_id,
                providers: &row.providers,
            },
            attempted,
            ObjectType::Voordracht,
            object_id.clone(),
        )
        .await?;
        if placement {
            self.authorize(
                ctx,
                Action::ManageOutflow { region_id },
                attempted,
                ObjectType::Voordracht,
                object_id,
            )
            .await?;
        }
        Ok(())
    }

    /// Nominates a client for a Pact home or an urgency declaration. A
    /// client has one running nomination at a time.
    pub async fn nominate(
        &self,
        ctx: &RequestContext,
        client_id: i64,
        input: &NominationInput,
    ) -> DomainResult<Nomination> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Created)
            .await?;
        let facts = input.parse(self.clock.today())?;
        let region_id = self.check_nomination(client.id, &facts).await?;
        let placement = facts.key_on.is_some() || facts.withdrawn_on.is_some();
        self.authorize_nomination(
            ctx,
            client.id,
            region_id,
            placement,
            AuditAction::Created,
            None,
        )
        .await?;
        let today = self.clock.today();
        let running = self
            .store
            .list_nominations(&Clients::One(client.id), None, self.clock.now())
            .await?
            .into_iter()
            .any(|n| facts.runs_alongside(&n.facts, today));
        if running {
            return Err(DomainError::Conflict(
                "Deze cliënt heeft al een lopende voordracht; werk die bij in plaats van een nieuwe te maken."
                    .into(),
            ));
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Voordracht, None)
            .for_client(client.id)
            .with_details(details(&facts));
        self.store
            .create_nomination(
                client.id,
                region_id,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A correction, the allocation, the withdrawal or the aftercare: a new
    /// version. Allocation and withdrawal are the outflow coordination's.
    pub async fn change_nomination(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &NominationInput,
    ) -> DomainResult<Nomination> {
        let current = self
            .readable_nomination(ctx, id, None, AuditAction::Updated)
            .await?
            .current;
        let facts = input.parse(self.clock.today())?;
        let region_id = self.check_nomination(current.client_id, &facts).await?;
        if region_id != current.region_id {
            return Err(DomainError::invalid(
                "gemeente",
                "een voordracht blijft in de regio waar hij is gedaan; kies een gemeente van die regio",
            ));
        }
        self.authorize_nomination(
            ctx,
            current.client_id,
            region_id,
            current.facts.changes_placement(&facts),
            AuditAction::Updated,
            Some(id.to_string()),
        )
        .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Voordracht,
                Some(id.to_string()),
            )
            .for_client(current.client_id)
            .with_details(details(&facts));
        self.store
            .add_nomination_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A nomination as known at a moment with its versions recorded by
    /// then, if the actor may see its client; a refusal is audited and
    /// answered as "not found".
    async fn readable_nomination(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
        attempted: AuditAction,
    ) -> DomainResult<NominationHistory> {
        let (current, versions) = self
            .readable_versions(
                ctx,
                self.store.nomination_versions(id).await?,
                known_at.unwrap_or_else(|| self.clock.now()),
                attempted,
                no_nomination,
                |v: &Nomination| v.client_id,
            )
            .await?;
        Ok(NominationHistory { current, versions })
    }

    /// One nomination with its versions as known at a moment. Audited.
    pub async fn nomination(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<NominationHistory> {
        let history = self
            .readable_nomination(ctx, id, known_at, AuditAction::Viewed)
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Voordracht,
                Some(id.to_string()),
            )
            .for_client(history.current.client_id)
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(history)
    }

    /// The nominations the actor may see, as known at a moment, with their
    /// status on `day` (today when `None`): the longest waiting first. One
    /// page, audited with the clients on it.
    pub async fn list_nominations(
        &self,
        ctx: &RequestContext,
        filter: &NominationFilter,
        day: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<Nomination>> {
        let status = match crate::reference::optional(&filter.status) {
            Some(s) => {
                Some(NominationStatus::parse(s).map_err(|e| DomainError::invalid("status", e))?)
            }
            None => None,
        };
        let municipality = match crate::reference::optional(&filter.municipality) {
            Some(m) => Some(
                GemeenteCode::parse(m)
                    .map_err(|e| DomainError::invalid("gemeente", e.to_string()))?,
            ),
            None => None,
        };
        let day = day.unwrap_or_else(|| self.clock.today());
        let region = match (&ctx.actor.role, &ctx.actor.scope) {
            (crate::admin::Role::Wachtlijstbeheerder, Scope::Regio(own)) => Some(*own),
            _ => None,
        };
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let load = |scope: Clients| async move {
            let clients = filter.client_id.map_or(scope, Clients::One);
            let mut all = self.store.list_nominations(&clients, region, k).await?;
            all.retain(|n| {
                n.facts.nominated_on <= day
                    && status.is_none_or(|s| n.facts.status_on(Some(day)) == s)
                    && municipality
                        .as_ref()
                        .is_none_or(|m| n.facts.municipality == *m)
            });
            all.sort_by_key(|n| (n.facts.nominated_on, n.id));
            Ok(all)
        };
        self.scoped(
            ctx,
            ObjectType::Voordracht,
            load,
            |n: &Nomination| n.client_id,
            page,
        )
        .await
    }
}

impl Services {
    /// The corporation whose staff the actor is, and its region; others are
    /// refused (audited).
    async fn own_corporation(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object_id: Option<String>,
    ) -> DomainResult<crate::reference::Corporation> {
        let corporation_id = match (&ctx.actor.role, &ctx.actor.scope) {
            (crate::admin::Role::Corporatie, Scope::Corporatie(own)) => *own,
            _ => -1,
        };
        self.authorize(
            ctx,
            Action::ViewAddressedNominations { corporation_id },
            attempted,
            ObjectType::Voordracht,
            object_id,
        )
        .await?;
        self.store
            .get_corporation(corporation_id)
            .await?
            .ok_or_else(|| DomainError::Forbidden("deze corporatie bestaat niet meer".into()))
    }

    /// The nominations addressed to the actor's corporation, as known at a
    /// moment, optionally with one status today: waiting ones first, the
    /// longest waiting first. One page, audited with the clients on it.
    pub async fn addressed_nominations(
        &self,
        ctx: &RequestContext,
        status: Option<&str>,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<AddressedNomination>> {
        let corporation = self.own_corporation(ctx, AuditAction::Listed, None).await?;
        let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                Some(NominationStatus::parse(s).map_err(|e| DomainError::invalid("status", e))?)
            }
            None => None,
        };
        let today = self.clock.today();
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let mut all: Vec<Nomination> = self
            .store
            .list_nominations(&Clients::All, Some(corporation.region_id), k)
            .await?
            .into_iter()
            .filter(|n| {
                n.facts.corporation_id == Some(corporation.id)
                    && status.is_none_or(|s| n.facts.status_on(Some(today)) == s)
            })
            .collect();
        all.sort_by_key(|n| {
            (
                n.facts.status_on(Some(today)) != NominationStatus::Wachtend,
                n.facts.nominated_on,
                n.id,
            )
        });
        let page = page.slice(&all);
        let shown = self.addressed(&page.items, today).await?;
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Voordracht, None)
            .with_details(json!({ "aantal": page.total, "corporatie": corporation.id,
                "bekendOp": known_at.map(|k| k.to_rfc3339()) }))
            .showing_clients(page.items.iter().map(|n| n.client_id));
        self.store.append_audit(draft).await?;
        Ok(Page {
            items: shown,
            total: page.total,
            restricted: page.restricted,
            request: page.request,
        })
    }

    /// One nomination addressed to the actor's corporation, as known at a
    /// moment; any other is "not found". Audited.
    pub async fn addressed_nomination(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<AddressedNomination> {
        let corporation = self
            .own_corporation(ctx, AuditAction::Viewed, Some(id.to_string()))
            .await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let current =
            crate::history::versions_as_known(self.store.nomination_versions(id).await?, k)
                .map(|(current, _)| current)
                .filter(|n| n.facts.corporation_id == Some(corporation.id))
                .ok_or_else(no_nomination)?;
        let shown = self
            .addressed(std::slice::from_ref(&current), self.clock.today())
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Voordracht,
                Some(id.to_string()),
            )
            .for_client(current.client_id)
            .with_details(json!({ "corporatie": corporation.id,
                "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        shown.into_iter().next().ok_or_else(no_nomination)
    }

    /// The corporation records the allocation of a nomination addressed to
    /// it: the address municipality and the key date, a new version of the
    /// nomination (`expected_version`: the one it saw). Its own, not the
    /// outflow coordination's: the region need not retype it. Audited like
    /// every change of a nomination.
    pub async fn record_allocation(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &super::model::AllocationInput,
    ) -> DomainResult<AddressedNomination> {
        let corporation = self
            .own_corporation(ctx, AuditAction::Updated, Some(id.to_string()))
            .await?;
        self.authorize(
            ctx,
            Action::RecordAllocation {
                corporation_id: corporation.id,
            },
            AuditAction::Updated,
            ObjectType::Voordracht,
            Some(id.to_string()),
        )
        .await?;
        let today = self.clock.today();
        let current = crate::history::versions_as_known(
            self.store.nomination_versions(id).await?,
            self.clock.now(),
        )
        .map(|(current, _)| current)
        .filter(|n| n.facts.corporation_id == Some(corporation.id))
        .ok_or_else(no_nomination)?;
        let facts = current.facts.allocated(input, today)?;
        // Also that the home's municipality lies in the nomination's region.
        self.check_nomination(current.client_id, &facts).await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Voordracht,
                Some(id.to_string()),
            )
            .for_client(current.client_id)
            .with_details(details(&facts));
        let changed = self
            .store
            .add_nomination_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await?;
        self.addressed(std::slice::from_ref(&changed), today)
            .await?
            .into_iter()
            .next()
            .ok_or_else(no_nomination)
    }

    /// The corporation's view of nominations, with their candidates.
    async fn addressed(
        &self,
        nominations: &[Nomination],
        today: NaiveDate,
    ) -> DomainResult<Vec<AddressedNomination>> {
        let ids: Vec<i64> = nominations.iter().map(|n| n.client_id).collect();
        let clients: std::collections::HashMap<i64, crate::clients::Client> = self
            .store
            .list_clients(&Clients::Ids(ids))
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(nominations
            .iter()
            .map(|n| AddressedNomination {
                id: n.id,
                candidate: clients
                    .get(&n.client_id)
                    .filter(|c| !c.restricted)
                    .map(|c| Candidate {
                        name: c.full_name(),
                        phone: c.phone.clone(),
                        email: c.email.clone(),
                    }),
                route: n.facts.route,
                nominated_on: n.facts.nominated_on,
                municipality: n.facts.municipality.clone(),
                address_municipality: n.facts.address_municipality.clone(),
                key_on: n.facts.key_on,
                status: n.facts.status_on(Some(today)),
                recorded_at: n.recorded_at,
                version_id: n.version_id,
            })
            .collect())
    }
}

/// What an audit row says of a nomination: route, municipality and status,
/// no personal details.
pub(crate) fn details(f: &NominationFacts) -> serde_json::Value {
    json!({
        "route": f.route.code(),
        "uitstroomUit": f.leaves.code(),
        "gemeente": f.municipality.to_string(),
        "voordrachtdatum": f.nominated_on.to_string(),
        "status": f.status_on(None).code(),
        "sleuteldatum": f.key_on.map(|d| d.to_string()),
        "wonen": f.housing.map(HousingOutcome::code),
    })
}
