//! Use cases on the regional waiting list. The waitlist manager changes
//! statuses; consultants and providers follow the clients they may see.

use super::model::*;
use super::status::{Status, check_transition};
use crate::admin::{RequestContext, Role};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::Client;
use crate::clients::service::Need;
use crate::error::{DomainError, DomainResult};
use crate::history::timeline;
use crate::paging::{Page, PageRequest};
use crate::reference::GemeenteCode;
use crate::service::Services;
use crate::store::Clients;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use std::collections::HashMap;

/// Filters of the overview.
#[derive(Debug, Clone, Default)]
pub struct WaitlistFilter {
    /// A status code (`actief-wachtend` …); `open` for every open status.
    pub status: Option<String>,
    pub product_id: Option<i64>,
    pub municipality: Option<GemeenteCode>,
    pub provider_id: Option<i64>,
    /// Only entries whose client prefers this provider.
    pub preferred_provider: Option<i64>,
    /// Only residents of this municipality: it is responsible for them, or
    /// it is where they applied (see `WaitlistLine::residence`).
    pub resident_of: Option<GemeenteCode>,
}

/// One line of the overview.
#[derive(Debug, Clone)]
pub struct WaitlistLine {
    pub state: EntryState,
    pub client: Client,
    /// The municipality the person lives in as far as the waiting list knows:
    /// the one where they applied for the decision behind the entry (a Wmo
    /// application is made to one's own municipality). Under the
    /// centrumgemeente regime the responsible municipality is the
    /// centrumgemeente for everyone, so this is what a municipality's review
    /// and policy officers follow.
    pub residence: GemeenteCode,
}

/// A line of the overview before its page is known: the state and the
/// residence are decided early only when a filter needs them.
#[derive(Debug, Clone)]
struct Candidate {
    entry: Entry,
    state: Option<EntryState>,
    residence: Option<GemeenteCode>,
}

/// The clients of these entries, each once.
fn clients_of(entries: &[&Entry]) -> Clients {
    let ids: std::collections::BTreeSet<i64> = entries.iter().map(|e| e.client_id).collect();
    Clients::Ids(ids.into_iter().collect())
}

fn no_entry() -> DomainError {
    DomainError::NotFound("Deze inschrijving bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// Everyone on the list on `day` as known at `known_at`, limited to the
    /// clients the actor may see, longest waiting first, one page of it.
    /// Reads only the actor's scope (`list_scope`); audited with the number
    /// of lines and the clients on the page (NEN 7513: who saw whose data).
    pub async fn waitlist_overview(
        &self,
        ctx: &RequestContext,
        filter: &WaitlistFilter,
        day: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> DomainResult<Page<WaitlistLine>> {
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (mut lines, restricted) = match self.list_scope(ctx, ObjectType::Wachtlijst).await? {
            Some(scope) => self.waitlist_lines(ctx, &scope, filter, day, k).await?,
            None => (Vec::new(), 0),
        };
        // Longest waiting first; the entry id keeps pages stable between
        // requests. The waiting days follow from the entry alone
        // (`state_on`), so the whole list is ordered before any state is
        // decided.
        let waiting = |e: &Entry| (day - e.waiting_since).num_days().max(0);
        lines.sort_by_key(|l| (std::cmp::Reverse(waiting(&l.entry)), l.entry.id));
        // Only the page's lines are read in full: their states, residences
        // (when no filter needed them already) and personal details.
        let shown = page.slice(&lines);
        let unknown: Vec<&Entry> = shown
            .items
            .iter()
            .filter(|l| l.state.is_none())
            .map(|l| &l.entry)
            .collect();
        let mut states = self.states_of(&unknown, day, k).await?;
        let unplaced: Vec<&Entry> = shown
            .items
            .iter()
            .filter(|l| l.residence.is_none())
            .map(|l| &l.entry)
            .collect();
        let mut residences = self.residences_of(&unplaced).await?;
        let clients: HashMap<i64, Client> = self
            .store
            .list_clients(&Clients::Ids(
                shown.items.iter().map(|l| l.entry.client_id).collect(),
            ))
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut items = Vec::with_capacity(shown.items.len());
        for line in shown.items {
            let id = line.entry.id;
            // An entry changed between the two reads is left off this page.
            let Some(state) = line.state.or_else(|| states.remove(&id)) else {
                continue;
            };
            let client = clients.get(&line.entry.client_id).cloned().ok_or_else(|| {
                DomainError::Internal("cliënt van een inschrijving ontbreekt".into())
            })?;
            let residence = match line.residence {
                Some(r) => r,
                None => residences
                    .remove(&id)
                    .unwrap_or_else(|| line.entry.responsible.clone()),
            };
            items.push(WaitlistLine {
                state,
                client,
                residence,
            });
        }
        let result = Page {
            items,
            total: shown.total,
            request: shown.request,
            restricted: Some(restricted as i64),
        };
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Wachtlijst, None)
            .with_details(
                json!({ "peildatum": day.to_string(), "bekendOp": known_at.map(|k| k.to_rfc3339()),
                "status": filter.status, "aantal": lines.len(), "afgeschermd": restricted,
                "pagina": result.request.number }),
            )
            .showing_clients(result.items.iter().map(|l| l.client.id));
        self.store.append_audit(draft).await?;
        Ok(result)
    }

    /// The entries of the overview within a store bound that the actor may
    /// see, and how many lines of restricted clients it may not see; not
    /// audited, not ordered. A line's state and residence are decided here
    /// only when a filter needs them; otherwise for the page shown.
    async fn waitlist_lines(
        &self,
        ctx: &RequestContext,
        scope: &Clients,
        filter: &WaitlistFilter,
        day: NaiveDate,
        k: DateTime<Utc>,
    ) -> DomainResult<(Vec<Candidate>, usize)> {
        // The entries on the list that day, narrowed to a status in the
        // store (conformance: exactly as `state_on` decides), so that a
        // region's list does not read every transition the region ever had.
        let codes = filter
            .status
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(Status::codes_matching);
        let entries: Vec<Entry> = self
            .store
            .entries_in_status(scope, codes.as_deref(), day, k)
            .await?
            .into_iter()
            .filter(|entry| {
                filter.product_id.is_none_or(|p| entry.product_id == p)
                    && filter
                        .municipality
                        .as_ref()
                        .is_none_or(|m| &entry.responsible == m)
                    && filter
                        .preferred_provider
                        .is_none_or(|p| entry.preferred_provider == Some(p))
            })
            .collect();
        let mut lines: Vec<Candidate> = entries
            .into_iter()
            .map(|entry| Candidate {
                entry,
                state: None,
                residence: None,
            })
            .collect();
        // The provider of a screening is in the state.
        if let Some(provider) = filter.provider_id {
            let all: Vec<&Entry> = lines.iter().map(|l| &l.entry).collect();
            let mut states = self.states_of(&all, day, k).await?;
            lines = lines
                .into_iter()
                .filter_map(|mut l| {
                    let state = states.remove(&l.entry.id)?;
                    (state.status.provider_id() == Some(provider)).then(|| {
                        l.state = Some(state);
                        l
                    })
                })
                .collect();
        }
        if let Some(m) = &filter.resident_of {
            let all: Vec<&Entry> = lines.iter().map(|l| &l.entry).collect();
            let mut residences = self.residences_of(&all).await?;
            lines = lines
                .into_iter()
                .filter_map(|mut l| {
                    let residence = residences
                        .remove(&l.entry.id)
                        .unwrap_or_else(|| l.entry.responsible.clone());
                    (&l.entry.responsible == m || &residence == m).then(|| {
                        l.residence = Some(residence);
                        l
                    })
                })
                .collect();
        }
        let readable = self
            .readable_in_scope(ctx, scope, lines.iter().map(|l| l.entry.client_id))
            .await?;
        let restricted = lines
            .iter()
            .filter(|l| readable.restricted.contains(&l.entry.client_id))
            .count();
        lines.retain(|l| readable.contains(&l.entry.client_id));
        Ok((lines, restricted))
    }

    /// The state on `day` as known at `k` of each of these entries that has
    /// one, by entry id; their transitions grouped once (scanning all
    /// transitions per entry costs entries × transitions).
    async fn states_of(
        &self,
        entries: &[&Entry],
        day: NaiveDate,
        k: DateTime<Utc>,
    ) -> DomainResult<HashMap<i64, EntryState>> {
        if entries.is_empty() {
            return Ok(HashMap::new());
        }
        let clients = clients_of(entries);
        let mut by_entry: HashMap<i64, Vec<Transition>> = HashMap::new();
        for t in self.store.client_transitions(&clients).await? {
            by_entry.entry(t.entry_id).or_default().push(t);
        }
        Ok(entries
            .iter()
            .filter_map(|entry| {
                let own = by_entry.get(&entry.id).map_or(&[][..], Vec::as_slice);
                state_on(entry, own, day, k).map(|state| (entry.id, state))
            })
            .collect())
    }

    /// Where each of these entries' clients lives as far as the waiting list
    /// knows (`WaitlistLine::residence`), by entry id; an entry whose
    /// application is not found is left out (the caller falls back on the
    /// responsible municipality).
    async fn residences_of(&self, entries: &[&Entry]) -> DomainResult<HashMap<i64, GemeenteCode>> {
        if entries.is_empty() {
            return Ok(HashMap::new());
        }
        let clients = clients_of(entries);
        let applied_at: HashMap<i64, i64> = self
            .store
            .list_decisions(&clients)
            .await?
            .into_iter()
            .map(|d| (d.id, d.application_id))
            .collect();
        let municipality: HashMap<i64, GemeenteCode> = self
            .store
            .list_applications(&clients)
            .await?
            .into_iter()
            .map(|a| (a.id, a.municipality))
            .collect();
        Ok(entries
            .iter()
            .filter_map(|e| {
                let application = applied_at.get(&e.decision_id)?;
                Some((e.id, municipality.get(application)?.clone()))
            })
            .collect())
    }

    async fn load_entry_for(
        &self,
        ctx: &RequestContext,
        id: i64,
        need: Need,
        attempted: AuditAction,
    ) -> DomainResult<Entry> {
        let entry = self.store.get_entry(id).await?.ok_or_else(no_entry)?;
        let client = self.load_client(entry.client_id).await?;
        self.check_client(ctx, &client, need, attempted)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => no_entry(),
                other => other,
            })?;
        Ok(entry)
    }

    /// One entry with its transitions as known at `known_at`. Audited.
    pub async fn waitlist_entry(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<(Entry, Vec<Transition>)> {
        let entry = self
            .load_entry_for(ctx, id, Need::Read, AuditAction::Viewed)
            .await?;
        let rows = self.store.list_transitions(Some(id)).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let history: Vec<Transition> = timeline(&rows, k).into_iter().cloned().collect();
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Wachtlijst,
                Some(id.to_string()),
            )
            .for_client(entry.client_id);
        self.store.append_audit(draft).await?;
        Ok((entry, history))
    }

    /// The waiting-list entries of one client (for the client page).
    pub async fn client_waitlist(
        &self,
        ctx: &RequestContext,
        client_id: i64,
    ) -> DomainResult<Vec<EntryState>> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await?;
        let now = self.clock.now();
        let today = self.clock.today();
        let mut out = Vec::new();
        for entry in self.store.list_entries(&Clients::One(client_id)).await? {
            let rows = self.store.list_transitions(Some(entry.id)).await?;
            if let Some(state) = state_on(&entry, &rows, today, now) {
                out.push(state);
            }
        }
        Ok(out)
    }

    /// Records a status change with its effective date. Only the waitlist
    /// manager of the region changes statuses; every change is checked
    /// against the state machine.
    pub async fn add_transition(
        &self,
        ctx: &RequestContext,
        entry_id: i64,
        input: &TransitionInput,
    ) -> DomainResult<Transition> {
        if ctx.actor.role != Role::Wachtlijstbeheerder {
            return self
                .deny(
                    ctx,
                    AuditAction::Created,
                    ObjectType::Wachtlijst,
                    Some(entry_id.to_string()),
                    "alleen de wachtlijstbeheerder wijzigt de status op de wachtlijst",
                )
                .await;
        }
        let entry = self
            .load_entry_for(ctx, entry_id, Need::Change, AuditAction::Created)
            .await?;
        let rows = self.store.list_transitions(Some(entry_id)).await?;
        let history = timeline(&rows, self.clock.now());
        // A correction replaces or withdraws the latest transition; the one
        // before it is then the state to check against.
        let (data, current) = match input.supersedes {
            None => {
                let data = input.parse(entry_id)?;
                (data, history.last().map(|t| (t.status, t.effective_date)))
            }
            Some(old) => {
                let Some(latest) = history.last() else {
                    return Err(DomainError::invalid(
                        "vervangt",
                        "er is nog geen overgang om te corrigeren",
                    ));
                };
                if latest.id != old {
                    return Err(DomainError::invalid(
                        "vervangt",
                        "alleen de laatste statusovergang kan worden gecorrigeerd of ingetrokken",
                    ));
                }
                if matches!(latest.status, Status::Geplaatst) {
                    return Err(DomainError::invalid(
                        "vervangt",
                        "een plaatsing hoort bij een verblijf; corrigeer het verblijf",
                    ));
                }
                let before = history
                    .len()
                    .checked_sub(2)
                    .and_then(|i| history.get(i))
                    .map(|t| (t.status, t.effective_date));
                if input.retract {
                    if before.is_none() {
                        return Err(DomainError::invalid(
                            "vervangt",
                            "de eerste overgang van een inschrijving kan niet vervallen",
                        ));
                    }
                    let data = TransitionData {
                        entry_id,
                        status: latest.status,
                        effective_date: latest.effective_date,
                        note: crate::reference::optional(&input.note).map(str::to_string),
                        supersedes: Some(old),
                        retracted: true,
                    };
                    let draft = self
                        .draft(
                            ctx,
                            AuditAction::Deleted,
                            ObjectType::Wachtlijst,
                            Some(entry_id.to_string()),
                        )
                        .for_client(entry.client_id)
                        .with_details(json!({ "vervallen": old }));
                    return self
                        .store
                        .add_transition(&data, self.clock.now_micros(), &ctx.actor.name, draft)
                        .await;
                }
                let mut data = input.parse(entry_id)?;
                data.supersedes = Some(old);
                (data, before)
            }
        };
        if let Status::InScreening { provider_id } = data.status
            && self.store.get_provider(provider_id).await?.is_none()
        {
            return Err(DomainError::invalid(
                "aanbiederId",
                "deze aanbieder bestaat niet",
            ));
        }
        check_transition(current, data.status, data.effective_date)?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Wachtlijst, Some(entry_id.to_string()))
            .for_client(entry.client_id)
            .with_details(json!({ "status": data.status.code(), "reden": data.status.reason_code(),
                "aanbiederId": data.status.provider_id(), "ingangsdatum": data.effective_date.to_string(),
                "vervangt": data.supersedes }));
        self.store
            .add_transition(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }
}

impl Services {
    /// Occupancy and vacancies on `day` of the locations whose places the
    /// actor sees (`policy::places_area`), or of one of them. Occupancy
    /// counts every stay, of restricted clients too (a taken place is taken,
    /// and a vacancy that is not there would be proposed); lists of persons
    /// next to it say how many they hide (`paging::Page::restricted`). Reads the stays
    /// at those locations only, so a region's page costs the region's stays.
    pub async fn vacancies(
        &self,
        ctx: &RequestContext,
        day: NaiveDate,
        location_id: Option<i64>,
    ) -> DomainResult<Vec<super::matching::Occupancy>> {
        let area = match crate::policy::places_area(&ctx.actor) {
            Ok(area) => area,
            Err(why) => {
                return self
                    .deny(ctx, AuditAction::Viewed, ObjectType::Capaciteit, None, why)
                    .await;
            }
        };
        let municipalities = self.store.list_municipalities().await?;
        let region_of = |code: &GemeenteCode| {
            municipalities
                .iter()
                .find(|m| m.code == *code)
                .map(|m| m.region_id)
        };
        let region = match &area {
            crate::policy::PlacesArea::Region(r) => Some(*r),
            crate::policy::PlacesArea::RegionOf(code) => region_of(code),
            crate::policy::PlacesArea::Provider(_) => None,
        };
        let locations: Vec<crate::reference::Location> = self
            .list_locations(ctx)
            .await?
            .into_iter()
            .filter(|l| location_id.is_none_or(|id| l.id == id))
            .filter(|l| match &area {
                crate::policy::PlacesArea::Provider(p) => l.provider_id == *p,
                _ => region.is_some() && region_of(&l.municipality) == region,
            })
            .collect();
        let products = self.store.list_products().await?;
        let place_products: Vec<i64> = products
            .iter()
            .filter(|p| p.kind.uses_location_capacity())
            .map(|p| p.id)
            .collect();
        let now = self.clock.now();
        let ids: Vec<i64> = locations.iter().map(|l| l.id).collect();
        let (headers, versions) = self
            .store
            .list_current_stays(&Clients::All, Some(&ids), Some(day))
            .await?;
        let stays = crate::care::stays_at(&headers, &versions, now);
        let mut out = Vec::new();
        for l in &locations {
            let capacity = self.store.list_capacity(l.id).await?;
            out.extend(super::matching::occupancy(
                l,
                &place_products,
                &capacity,
                &stays,
                day,
                now,
            ));
        }
        Ok(out)
    }

    /// For a vacancy at a location: every waiting client of the product in the
    /// location's region, proposed in priority order or with the reason why
    /// not. For the waitlist manager; audited.
    pub async fn proposal(
        &self,
        ctx: &RequestContext,
        location_id: i64,
        product_id: i64,
        day: NaiveDate,
    ) -> DomainResult<(
        super::matching::Occupancy,
        Vec<(super::matching::Proposal, Client)>,
    )> {
        if ctx.actor.role != Role::Wachtlijstbeheerder {
            return self
                .deny(
                    ctx,
                    AuditAction::Listed,
                    ObjectType::Wachtlijst,
                    None,
                    "alleen de wachtlijstbeheerder koppelt cliënten aan vrije plekken",
                )
                .await;
        }
        let location = self.get_location(ctx, location_id).await?;
        let region_id = self
            .store
            .get_municipality(&location.municipality)
            .await?
            .map(|m| m.region_id)
            .unwrap_or_default();
        if ctx.actor.scope != crate::admin::Scope::Regio(region_id) {
            return self
                .deny(
                    ctx,
                    AuditAction::Listed,
                    ObjectType::Wachtlijst,
                    Some(location_id.to_string()),
                    "deze locatie ligt buiten uw regio",
                )
                .await;
        }
        let occupancy = self
            .vacancies(ctx, day, Some(location_id))
            .await?
            .into_iter()
            .find(|o| o.product_id == product_id)
            .ok_or_else(|| {
                DomainError::invalid(
                    "productId",
                    "deze locatie heeft geen plekken voor dit product",
                )
            })?;
        let region: Vec<GemeenteCode> = self.region_codes(region_id).await?;
        let providers: std::collections::HashMap<i64, String> = self
            .store
            .list_providers()
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let filter = WaitlistFilter {
            status: Some("open".into()),
            product_id: Some(product_id),
            ..WaitlistFilter::default()
        };
        let lines = self
            .waitlist_overview(ctx, &filter, day, None, PageRequest::everything())
            .await?
            .items;
        let states: Vec<EntryState> = lines.iter().map(|l| l.state.clone()).collect();
        let name = |id: i64| providers.get(&id).cloned().unwrap_or_default();
        let names: std::collections::HashMap<String, String> = self
            .store
            .list_municipalities()
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name))
            .collect();
        let mname = |c: &GemeenteCode| {
            names
                .get(c.as_str())
                .cloned()
                .unwrap_or_else(|| c.to_string())
        };
        let vacancy = super::matching::Vacancy {
            region_municipalities: &region,
            municipality: &location.municipality,
            provider_id: location.provider_id,
        };
        let proposals =
            super::matching::propose(&states, &self.settings.priority, &vacancy, &name, &mname);
        let out = proposals
            .into_iter()
            .filter_map(|p| {
                let client = lines
                    .iter()
                    .find(|l| l.state.entry.id == p.entry_id)?
                    .client
                    .clone();
                Some((p, client))
            })
            .collect();
        Ok((occupancy, out))
    }
}

impl Services {
    /// The municipalities of the waitlist manager's region.
    async fn manager_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
    ) -> DomainResult<Vec<GemeenteCode>> {
        let crate::admin::Scope::Regio(region) = (match ctx.actor.role {
            Role::Wachtlijstbeheerder => ctx.actor.scope.clone(),
            _ => crate::admin::Scope::Installatie,
        }) else {
            return self
                .deny(
                    ctx,
                    attempted,
                    ObjectType::Wachtlijstoverleg,
                    None,
                    "alleen de wachtlijstbeheerder van de regio voert het wachtlijstoverleg",
                )
                .await;
        };
        self.region_codes(region).await
    }

    /// When each municipality of the region is due for its next review.
    pub async fn review_plans(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<super::review::ReviewPlan>> {
        let region = self.manager_region(ctx, AuditAction::Listed).await?;
        let cycles = self.store.review_cycles().await?;
        let reviews = self.store.list_reviews(None).await?;
        let today = self.clock.today();
        Ok(region
            .into_iter()
            .map(|m| {
                let weeks = cycles
                    .iter()
                    .find(|(c, _)| *c == m)
                    .map_or(self.settings.review_weeks_default, |(_, w)| *w);
                let last = reviews
                    .iter()
                    .filter(|r| r.municipality == m)
                    .map(|r| r.held_on)
                    .max();
                super::review::plan(m, weeks, last, today)
            })
            .collect())
    }

    /// Sets how often a municipality reviews its waiting residents.
    pub async fn set_review_cycle(
        &self,
        ctx: &RequestContext,
        municipality: &str,
        weeks: i64,
    ) -> DomainResult<()> {
        let code = GemeenteCode::parse(municipality)
            .map_err(|e| DomainError::invalid("gemeenteCode", e.to_string()))?;
        let region = self.manager_region(ctx, AuditAction::Updated).await?;
        if !region.contains(&code) {
            return Err(DomainError::invalid(
                "gemeenteCode",
                "deze gemeente hoort niet bij uw regio",
            ));
        }
        if !(1..=52).contains(&weeks) {
            return Err(DomainError::invalid(
                "weken",
                "kies een cyclus van 1 tot 52 weken",
            ));
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Overlegcyclus,
                Some(code.to_string()),
            )
            .with_details(json!({ "weken": weeks }));
        self.store.set_review_cycle(&code, weeks, draft).await
    }

    /// The agenda of a municipality's next review: everyone of it still on the list.
    pub async fn review_agenda(
        &self,
        ctx: &RequestContext,
        municipality: &str,
    ) -> DomainResult<Vec<WaitlistLine>> {
        let code = GemeenteCode::parse(municipality)
            .map_err(|e| DomainError::invalid("gemeenteCode", e.to_string()))?;
        let region = self.manager_region(ctx, AuditAction::Listed).await?;
        if !region.contains(&code) {
            return Err(DomainError::invalid(
                "gemeenteCode",
                "deze gemeente hoort niet bij uw regio",
            ));
        }
        // The review is about the municipality's residents, also those for
        // whom the centrumgemeente is responsible.
        let filter = WaitlistFilter {
            status: Some("open".into()),
            resident_of: Some(code),
            ..WaitlistFilter::default()
        };
        let today = self.clock.today();
        let page = PageRequest::everything();
        Ok(self
            .waitlist_overview(ctx, &filter, today, None, page)
            .await?
            .items)
    }

    /// Records a held review with an outcome per client discussed.
    pub async fn record_review(
        &self,
        ctx: &RequestContext,
        municipality: &str,
        held_on: &str,
        outcomes: &[super::review::ReviewOutcome],
    ) -> DomainResult<super::review::Review> {
        let agenda = self.review_agenda(ctx, municipality).await?;
        let code = GemeenteCode::parse(municipality)
            .map_err(|e| DomainError::invalid("gemeenteCode", e.to_string()))?;
        let mut v = crate::error::Validator::new();
        let day = v.check("datum", crate::Datum::parse(held_on));
        if day.is_some_and(|d| d.0 > self.clock.today()) {
            v.add(
                "datum",
                "een overleg wordt vastgelegd nadat het is gehouden",
            );
        }
        let kept: Vec<super::review::ReviewOutcome> = outcomes
            .iter()
            .filter(|o| !o.outcome.trim().is_empty())
            .cloned()
            .collect();
        for o in &kept {
            if !agenda.iter().any(|l| l.state.entry.id == o.entry_id) {
                v.add(
                    "uitkomsten",
                    format!(
                        "inschrijving {} staat niet op de lijst van deze gemeente",
                        o.entry_id
                    ),
                );
            }
            if o.outcome.chars().count() > 2000 {
                v.add(
                    "uitkomsten",
                    "een uitkomst is te lang (hoogstens 2000 tekens)",
                );
            }
        }
        v.finish()?;
        let Some(day) = day else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Wachtlijstoverleg,
                None,
            )
            .with_details(
                json!({ "gemeente": code.to_string(), "datum": day.to_string(),
                "besproken": kept.iter().map(|o| o.entry_id).collect::<Vec<_>>() }),
            );
        self.store
            .create_review(
                &code,
                day.0,
                &kept,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Held reviews of the manager's region, newest first.
    pub async fn list_reviews(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<super::review::Review>> {
        let region = self.manager_region(ctx, AuditAction::Listed).await?;
        let mut all: Vec<_> = self
            .store
            .list_reviews(None)
            .await?
            .into_iter()
            .filter(|r| region.contains(&r.municipality))
            .collect();
        all.reverse();
        let draft = self.draft(
            ctx,
            AuditAction::Listed,
            ObjectType::Wachtlijstoverleg,
            None,
        );
        self.store.append_audit(draft).await?;
        Ok(all)
    }
}

impl Services {
    /// Records the client's preference for a provider and/or municipality.
    /// The waitlist manager or the consultant following the client sets it.
    pub async fn set_preference(
        &self,
        ctx: &RequestContext,
        entry_id: i64,
        provider_id: Option<i64>,
        municipality: Option<&str>,
    ) -> DomainResult<Entry> {
        if !matches!(
            ctx.actor.role,
            Role::Wachtlijstbeheerder | Role::WmoConsulent
        ) {
            return self
                .deny(
                    ctx,
                    AuditAction::Updated,
                    ObjectType::Wachtlijst,
                    Some(entry_id.to_string()),
                    "alleen de consulent of de wachtlijstbeheerder legt een voorkeur vast",
                )
                .await;
        }
        let entry = self
            .load_entry_for(ctx, entry_id, Need::Change, AuditAction::Updated)
            .await?;
        let mut v = crate::error::Validator::new();
        if let Some(p) = provider_id
            && self.store.get_provider(p).await?.is_none()
        {
            v.add("aanbiederId", "deze aanbieder bestaat niet");
        }
        let municipality = match municipality.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => match GemeenteCode::parse(m) {
                Ok(code) if self.store.get_municipality(&code).await?.is_some() => Some(code),
                _ => {
                    v.add("gemeenteCode", "deze gemeente bestaat niet in zothuis");
                    None
                }
            },
            None => None,
        };
        v.finish()?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Wachtlijst,
                Some(entry_id.to_string()),
            )
            .for_client(entry.client_id)
            .with_details(json!({ "voorkeurAanbiederId": provider_id,
                "voorkeurGemeente": municipality.as_ref().map(|m| m.to_string()) }));
        self.store
            .set_preference(
                entry_id,
                provider_id,
                municipality.as_ref(),
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }
}

impl Services {
    /// Marks an entry urgent (with the reason) or not; only the waitlist manager.
    pub async fn set_urgency(
        &self,
        ctx: &RequestContext,
        entry_id: i64,
        reason: Option<&str>,
    ) -> DomainResult<Entry> {
        if ctx.actor.role != Role::Wachtlijstbeheerder {
            return self
                .deny(
                    ctx,
                    AuditAction::Updated,
                    ObjectType::Wachtlijst,
                    Some(entry_id.to_string()),
                    "alleen de wachtlijstbeheerder bepaalt urgentie",
                )
                .await;
        }
        let entry = self
            .load_entry_for(ctx, entry_id, Need::Change, AuditAction::Updated)
            .await?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason
            && !(5..=500).contains(&r.chars().count())
        {
            return Err(DomainError::invalid(
                "reden",
                "geef een reden van 5 tot 500 tekens",
            ));
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Wachtlijst,
                Some(entry_id.to_string()),
            )
            .for_client(entry.client_id)
            .with_details(json!({ "urgent": reason.is_some() }));
        self.store
            .set_urgency(
                entry_id,
                reason,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }
}
