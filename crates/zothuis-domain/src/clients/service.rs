//! Use cases on clients. Every read of personal data is audited with the
//! client's id (NEN 7513); a refusal is audited too.

use super::model::*;
use crate::admin::{ActorKind, RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult};
use crate::history::{timeline, version_at};
use crate::paging::{Page, PageRequest};
use crate::policy::{Action, ClientAccess, Decision, can};
use crate::reference::GemeenteCode;
use crate::service::Services;
use crate::store::{ClientAccessRow, ClientLink, Clients, ListKey};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;

/// Which of the two checks a use case needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Read,
    Change,
}

/// Which clients of a list an actor may read (`Services::readable_among`).
#[derive(Debug, Default)]
pub(crate) struct Readable {
    pub ids: std::collections::HashSet<i64>,
    /// In the actor's scope but restricted, without a grant.
    pub restricted: std::collections::HashSet<i64>,
}

impl Readable {
    pub fn contains(&self, id: &i64) -> bool {
        self.ids.contains(id)
    }
}

/// The facts about a client that decide who may see it.
struct AccessFacts {
    client_id: i64,
    municipalities: Vec<GemeenteCode>,
    regions: Vec<i64>,
    providers: Vec<i64>,
    access_points: Vec<i64>,
    restricted: bool,
    granted: bool,
}

impl AccessFacts {
    fn of(ctx: &RequestContext, row: ClientAccessRow) -> AccessFacts {
        AccessFacts {
            client_id: row.client_id,
            granted: row.restricted
                && ctx.actor.kind == ActorKind::User
                && row.grants.contains(&ctx.actor.id),
            municipalities: row.municipalities,
            regions: row.regions,
            providers: row.providers,
            access_points: row.access_points,
            restricted: row.restricted,
        }
    }

    fn access(&self) -> ClientAccess<'_> {
        ClientAccess {
            municipalities: &self.municipalities,
            regions: &self.regions,
            providers: &self.providers,
            access_points: &self.access_points,
            restricted: self.restricted,
            granted: self.granted,
        }
    }
}

pub(crate) const NO_CLIENTS: &str = "uw rol heeft geen toegang tot persoonsgegevens van cliënten";

fn not_found() -> DomainError {
    DomainError::NotFound("Deze cliënt bestaat niet of is voor u niet zichtbaar".into())
}

/// A search term as the audit log keeps it: masked like a BSN, so that the
/// log does not become a second register of names, birth dates and BSNs
/// (AVG art. 5 lid 1 c). A BSN keeps its last three digits (`Bsn::masked`), a
/// date its year, a word its first letter and length: enough for the privacy
/// officer to see what kind of search it was, not whom it was for.
pub(crate) fn loggable_query(q: &str) -> String {
    if let Ok(b) = super::Bsn::parse(q.trim()) {
        return b.masked();
    }
    q.split_whitespace()
        .take(10)
        .map(|word| {
            if let Ok(d) = chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d") {
                return format!("{}-**-**", chrono::Datelike::year(&d));
            }
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => {
                    let rest = chars.take(40).count();
                    format!("{first}{}", "*".repeat(rest))
                }
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Services {
    async fn access_facts(
        &self,
        ctx: &RequestContext,
        client: &Client,
    ) -> DomainResult<AccessFacts> {
        let row = self
            .store
            .client_access(&Clients::One(client.id))
            .await?
            .pop()
            .unwrap_or_default();
        Ok(AccessFacts::of(ctx, row))
    }

    /// The store bound of the clients an actor may see: those linked to its
    /// municipality, region or provider. `None` for an actor that sees no
    /// clients in any scope.
    pub(crate) fn client_scope(ctx: &RequestContext) -> Option<Clients> {
        let link = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(own)) => ClientLink::Municipality(own.clone()),
            (Role::Wachtlijstbeheerder, Scope::Regio(own)) => ClientLink::Region(*own),
            (Role::Aanbieder, Scope::Aanbieder(own)) => ClientLink::Provider(*own),
            (Role::Toegangsmedewerker, Scope::Regio(own)) => ClientLink::AccessPoint(*own),
            _ => return None,
        };
        Some(Clients::Linked(link))
    }

    /// Which of these clients the actor may read, decided by the policy per
    /// client from facts read for all of them at once (a list costs a few
    /// queries, not a few per line), and which it may not read because they
    /// are restricted.
    pub(crate) async fn readable_among(
        &self,
        ctx: &RequestContext,
        ids: impl IntoIterator<Item = i64>,
    ) -> DomainResult<Readable> {
        let mut out = Readable::default();
        if Self::client_scope(ctx).is_none() {
            return Ok(out);
        }
        let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
        for row in self
            .store
            .client_access(&Clients::Ids(ids.into_iter().collect()))
            .await?
        {
            let facts = AccessFacts::of(ctx, row);
            if can(&ctx.actor, Action::ViewClient(&facts.access())).is_allowed() {
                out.ids.insert(facts.client_id);
            } else if facts.restricted && !facts.granted {
                out.restricted.insert(facts.client_id);
            }
        }
        Ok(out)
    }

    /// `readable_among` for clients read through the actor's own scope
    /// (`client_scope`). Where that link is the policy's scope
    /// (`policy::link_is_scope`), only the scope's restricted clients can be
    /// unreadable, and only their facts are read and decided by the policy:
    /// a region's list then costs its few restricted clients, not the facts
    /// of tens of thousands.
    pub(crate) async fn readable_in_scope(
        &self,
        ctx: &RequestContext,
        scope: &Clients,
        ids: impl IntoIterator<Item = i64>,
    ) -> DomainResult<Readable> {
        if !(crate::policy::link_is_scope(&ctx.actor)
            && Self::client_scope(ctx).as_ref() == Some(scope))
        {
            return self.readable_among(ctx, ids).await;
        }
        // The installation's restricted clients are few (index
        // clients_restricted); asking for those in the scope would make the
        // database walk the scope's tens of thousands of ids instead.
        let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
        let restricted: std::collections::BTreeSet<i64> = self
            .store
            .restricted_clients(&Clients::All)
            .await?
            .into_iter()
            .filter(|id| ids.contains(id))
            .collect();
        let decided = self.readable_among(ctx, restricted.iter().copied()).await?;
        let mut out = decided;
        out.ids
            .extend(ids.into_iter().filter(|id| !restricted.contains(id)));
        Ok(out)
    }

    /// Refuses (audited) the roles that see no personal data; otherwise the
    /// store bound of the clients the actor may see (see `client_scope`),
    /// `None` when its scope holds none.
    pub(crate) async fn list_scope(
        &self,
        ctx: &RequestContext,
        object: ObjectType,
    ) -> DomainResult<Option<Clients>> {
        if !ctx.actor.role.reads_client_data() {
            return self
                .deny(ctx, AuditAction::Listed, object, None, NO_CLIENTS)
                .await;
        }
        Ok(Self::client_scope(ctx))
    }

    /// Checks access to one client; a refusal is audited and answered as "not
    /// found", the same answer as for an id that does not exist, unless the
    /// actor sees the client and only may not change it.
    pub(crate) async fn check_client(
        &self,
        ctx: &RequestContext,
        client: &Client,
        need: Need,
        attempted: AuditAction,
    ) -> DomainResult<()> {
        let facts = self.access_facts(ctx, client).await?;
        let access = facts.access();
        let action = match need {
            Need::Read => Action::ViewClient(&access),
            Need::Change => Action::ManageClient(&access),
        };
        match can(&ctx.actor, action) {
            Decision::Allow => match client.merged_into {
                // A merged record is kept read-only: its rows are in the
                // survivor, and what is added belongs there (`merge`).
                Some(into) if need == Need::Change => Err(DomainError::Conflict(format!(
                    "Dit dossier is samengevoegd met cliëntnummer {into}; werk verder in dat dossier."
                ))),
                _ => Ok(()),
            },
            Decision::Deny(reason) => {
                let draft = self
                    .draft(
                        ctx,
                        attempted,
                        ObjectType::Client,
                        Some(client.id.to_string()),
                    )
                    .for_client(client.id)
                    .with_outcome(Outcome::Denied)
                    .with_details(json!({ "reden": reason }));
                self.store.append_audit(draft).await?;
                // Out of scope, restricted and non-existent answer alike, so
                // that walking ids does not reveal who is registered (AVG
                // art. 25, data protection by design); the reason is in the
                // audit row for the privacy officer. Only who may see the
                // client learns that a change is not theirs to make.
                let reads = need == Need::Change
                    && can(&ctx.actor, Action::ViewClient(&access)).is_allowed();
                if reads {
                    Err(DomainError::Forbidden(reason.to_string()))
                } else {
                    Err(not_found())
                }
            }
        }
    }

    /// Keeps the records whose client the actor may see and counts those of
    /// restricted clients it may not see (`Page::restricted`). `scope` is
    /// the store bound the records were read within (`list_scope`).
    async fn keep_readable<T>(
        &self,
        ctx: &RequestContext,
        scope: Option<&Clients>,
        items: Vec<T>,
        client_of: impl Fn(&T) -> i64,
    ) -> DomainResult<(Vec<T>, i64)> {
        let readable = match scope {
            Some(scope) => {
                self.readable_in_scope(ctx, scope, items.iter().map(&client_of))
                    .await?
            }
            None => Readable::default(),
        };
        let mut restricted = 0;
        let mut out = Vec::new();
        for item in items {
            let client = client_of(&item);
            if readable.contains(&client) {
                out.push(item);
            } else if readable.restricted.contains(&client) {
                restricted += 1;
            }
        }
        Ok((out, restricted))
    }

    /// Audits a list shown: its size, and the clients on the page shown,
    /// whose data were seen (NEN 7513), not the whole list's, which for a
    /// region would make every view a row of tens of thousands of ids.
    async fn audit_listed<T>(
        &self,
        ctx: &RequestContext,
        object: ObjectType,
        page: &Page<T>,
        shown: impl Iterator<Item = i64>,
    ) -> DomainResult<()> {
        let draft = self
            .draft(ctx, AuditAction::Listed, object, None)
            .with_details(
                json!({ "aantal": page.total, "afgeschermd": page.restricted,
                "pagina": page.request.number }),
            )
            .showing_clients(shown);
        self.store.append_audit(draft).await?;
        Ok(())
    }

    /// The records whose client the actor may see, one page of them, with
    /// how many records of restricted clients it may not see, audited
    /// (`audit_listed`). `items` come from a store read bounded by
    /// `list_scope`.
    pub(crate) async fn visible<T: Clone>(
        &self,
        ctx: &RequestContext,
        object: ObjectType,
        scope: Option<&Clients>,
        items: Vec<T>,
        client_of: impl Fn(&T) -> i64,
        page: PageRequest,
    ) -> DomainResult<Page<T>> {
        let (out, restricted) = self.keep_readable(ctx, scope, items, &client_of).await?;
        let shown = Page {
            restricted: Some(restricted),
            ..page.slice(&out)
        };
        self.audit_listed(ctx, object, &shown, shown.items.iter().map(client_of))
            .await?;
        Ok(shown)
    }

    /// A list of records as the actor may see it: refused (audited) for roles
    /// that see no personal data, read from the store bounded by the actor's
    /// scope (`load`), kept to the clients the actor may read and audited
    /// with the clients shown (`visible`); one page of it.
    pub(crate) async fn scoped<T: Clone, Fut>(
        &self,
        ctx: &RequestContext,
        object: ObjectType,
        load: impl FnOnce(Clients) -> Fut,
        client_of: impl Fn(&T) -> i64,
        page: PageRequest,
    ) -> DomainResult<Page<T>>
    where
        Fut: std::future::Future<Output = DomainResult<Vec<T>>>,
    {
        let scope = self.list_scope(ctx, object).await?;
        let items = match &scope {
            Some(scope) => load(scope.clone()).await?,
            None => Vec::new(),
        };
        self.visible(ctx, object, scope.as_ref(), items, client_of, page)
            .await
    }

    /// `scoped` in two reads, so that a page costs in proportion to the page
    /// and not to the scope: first the whole list as keys in its order
    /// (`keys`, bounded by the actor's scope), which decide what the actor
    /// may see and what falls on the page; then the page's records in full
    /// (`rows`, read for the page's clients and kept to the page's ids).
    pub(crate) async fn scoped_keys<T, KeysFut, RowsFut>(
        &self,
        ctx: &RequestContext,
        object: ObjectType,
        keys: impl FnOnce(Clients) -> KeysFut,
        rows: impl FnOnce(Clients) -> RowsFut,
        id_of: impl Fn(&T) -> i64,
        page: PageRequest,
    ) -> DomainResult<Page<T>>
    where
        KeysFut: std::future::Future<Output = DomainResult<Vec<ListKey>>>,
        RowsFut: std::future::Future<Output = DomainResult<Vec<T>>>,
    {
        let scope = self.list_scope(ctx, object).await?;
        let keys = match &scope {
            Some(scope) => keys(scope.clone()).await?,
            None => Vec::new(),
        };
        let (kept, restricted) = self
            .keep_readable(ctx, scope.as_ref(), keys, |k| k.client_id)
            .await?;
        let on_page = page.slice(&kept);
        let items = if on_page.items.is_empty() {
            Vec::new()
        } else {
            let clients: std::collections::BTreeSet<i64> =
                on_page.items.iter().map(|k| k.client_id).collect();
            let mut by_id: HashMap<i64, T> = rows(Clients::Ids(clients.into_iter().collect()))
                .await?
                .into_iter()
                .map(|t| (id_of(&t), t))
                .collect();
            on_page
                .items
                .iter()
                .filter_map(|k| by_id.remove(&k.id))
                .collect()
        };
        let shown = Page {
            items,
            total: on_page.total,
            request: page,
            restricted: Some(restricted),
        };
        let clients: HashMap<i64, i64> =
            on_page.items.iter().map(|k| (k.id, k.client_id)).collect();
        let seen = shown
            .items
            .iter()
            .filter_map(|t| clients.get(&id_of(t)).copied());
        self.audit_listed(ctx, object, &shown, seen).await?;
        Ok(shown)
    }

    /// Whether the actor may read this client, without auditing a refusal
    /// (for filtering lists).
    pub(crate) async fn may_read_client(
        &self,
        ctx: &RequestContext,
        client: &Client,
    ) -> DomainResult<bool> {
        let facts = self.access_facts(ctx, client).await?;
        Ok(can(&ctx.actor, Action::ViewClient(&facts.access())).is_allowed())
    }

    /// A versioned record of a client (a registration, a nomination) as
    /// known at `k`: its versions recorded by then and the latest of them,
    /// if the actor may read its client. A missing record and a refusal
    /// (audited) answer alike with `missing`.
    pub(crate) async fn readable_versions<T: crate::history::Recorded + Clone>(
        &self,
        ctx: &RequestContext,
        all: Vec<T>,
        k: chrono::DateTime<chrono::Utc>,
        attempted: AuditAction,
        missing: fn() -> DomainError,
        client_of: impl Fn(&T) -> i64,
    ) -> DomainResult<(T, Vec<T>)> {
        let (current, versions) = crate::history::versions_as_known(all, k).ok_or_else(missing)?;
        let client = self.load_client(client_of(&current)).await?;
        self.check_client(ctx, &client, Need::Read, attempted)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => missing(),
                other => other,
            })?;
        Ok((current, versions))
    }

    pub(crate) async fn load_client(&self, id: i64) -> DomainResult<Client> {
        self.store.get_client(id).await?.ok_or_else(not_found)
    }

    /// The municipality a new client is registered for: a consultant's own,
    /// or the one the regional team names.
    async fn registering_municipality(
        &self,
        ctx: &RequestContext,
        input: &ClientInput,
    ) -> DomainResult<(GemeenteCode, i64)> {
        let code = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(own)) => own.clone(),
            _ => match crate::reference::optional(&input.registered_by) {
                Some(c) => GemeenteCode::parse(c)
                    .map_err(|e| DomainError::invalid("gemeenteCode", e.to_string()))?,
                None => {
                    return Err(DomainError::invalid(
                        "gemeenteCode",
                        "kies de gemeente waarvoor u de cliënt registreert",
                    ));
                }
            },
        };
        let m = self.store.get_municipality(&code).await?.ok_or_else(|| {
            DomainError::invalid("gemeenteCode", "deze gemeente bestaat niet in zothuis")
        })?;
        Ok((code, m.region_id))
    }

    /// A BSN identifies one person, so a second client with the same BSN is
    /// refused. The refusal must not become an oracle (AVG art. 25): only a
    /// caller who may see the existing client gets its link; anyone else gets
    /// the same neutral answer whether that client is out of scope or
    /// restricted, with the way to the people who can resolve it. Every hit
    /// is audited on the existing client with the BSN masked, so probing
    /// shows in the log (NEN 7513).
    pub(crate) async fn check_bsn_unique(
        &self,
        ctx: &RequestContext,
        data: &ClientData,
        own_id: Option<i64>,
        attempted: AuditAction,
    ) -> DomainResult<()> {
        let Some(bsn) = &data.bsn else {
            return Ok(());
        };
        let Some(existing) = self.store.find_client_by_bsn(bsn).await? else {
            return Ok(());
        };
        if Some(existing) == own_id {
            return Ok(());
        }
        let visible = self
            .may_read_client(ctx, &self.load_client(existing).await?)
            .await?;
        let draft = self
            .draft(
                ctx,
                attempted,
                ObjectType::Client,
                own_id.map(|i| i.to_string()),
            )
            .for_client(existing)
            .with_outcome(Outcome::Denied)
            .with_details(json!({ "reden": "bsn-bestaat-al", "bsn": bsn.masked(),
                "bestaandeZichtbaar": visible }));
        self.store.append_audit(draft).await?;
        Err(if visible {
            DomainError::Duplicate {
                message: "Er is al een cliënt met dit BSN.".into(),
                existing_id: Some(existing),
            }
        } else {
            DomainError::Duplicate {
                message: crate::clients::BSN_NOT_REGISTRABLE.into(),
                existing_id: None,
            }
        })
    }

    /// Registers a client. A restricted client is granted to the registering user.
    pub async fn register_client(
        &self,
        ctx: &RequestContext,
        input: &ClientInput,
    ) -> DomainResult<Client> {
        if !matches!(
            ctx.actor.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder
        ) {
            return self
                .deny(
                    ctx,
                    AuditAction::Created,
                    ObjectType::Client,
                    None,
                    NO_CLIENTS,
                )
                .await;
        }
        let (municipality, region_id) = self.registering_municipality(ctx, input).await?;
        self.authorize(
            ctx,
            Action::RegisterClient {
                municipality: &municipality,
                region_id,
            },
            AuditAction::Created,
            ObjectType::Client,
            None,
        )
        .await?;
        let data = input.parse(self.clock.today())?;
        self.check_bsn_unique(ctx, &data, None, AuditAction::Created)
            .await?;
        let grant_to =
            (data.restricted && ctx.actor.kind == ActorKind::User).then_some(ctx.actor.id);
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Client, None)
            .with_details(json!({ "geregistreerdDoor": municipality.to_string(),
                "afgeschermd": data.restricted, "bsnVastgelegd": data.bsn.is_some() }));
        self.store
            .create_client(
                &data,
                &municipality,
                self.clock.now_micros(),
                &ctx.actor.name,
                grant_to,
                draft,
            )
            .await
    }

    /// A client's details as known at `known_at` (default now). Audited.
    pub async fn get_client(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Client> {
        let current = self.load_client(id).await?;
        self.check_client(ctx, &current, Need::Read, AuditAction::Viewed)
            .await?;
        let mut client = current.clone();
        if let Some(k) = known_at {
            let versions = self.store.client_versions(id).await?;
            let v = version_at(&versions, k).ok_or_else(|| {
                DomainError::NotFound("Deze cliënt was op dat moment nog niet bekend".into())
            })?;
            client.given_name = v.given_name.clone();
            client.family_name = v.family_name.clone();
            client.date_of_birth = v.date_of_birth;
            client.bsn = v.bsn.clone();
            client.phone = v.phone.clone();
            client.email = v.email.clone();
            client.restricted = v.restricted;
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Client,
                Some(id.to_string()),
            )
            .for_client(id)
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(client)
    }

    /// The clients this actor may see, filtered by a search on name, date of
    /// birth (jjjj-mm-dd) or BSN. Restricted clients appear only for those
    /// granted. The search is audited with the number of results.
    pub async fn search_clients(
        &self,
        ctx: &RequestContext,
        query: &str,
        page: PageRequest,
    ) -> DomainResult<Page<Client>> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            // Everyone in scope: a page of keys first (`scoped_keys`).
            return self
                .scoped_keys(
                    ctx,
                    ObjectType::Client,
                    |scope| async move { self.store.client_keys(&scope).await },
                    |shown| async move { self.store.list_clients(&shown).await },
                    |c: &Client| c.id,
                    page,
                )
                .await;
        }
        let scope = self.list_scope(ctx, ObjectType::Client).await?;
        let bsn = super::Bsn::parse(&q).ok();
        let mut visible = Vec::new();
        if let Some(scope) = scope {
            let found: Vec<Client> = self
                .store
                .list_clients(&scope)
                .await?
                .into_iter()
                .filter(|c| {
                    bsn.as_ref().is_some_and(|b| c.bsn.as_ref() == Some(b))
                        || c.full_name().to_lowercase().contains(&q)
                        || c.date_of_birth.to_string() == q
                })
                .collect();
            visible.extend(self.readable_among_scope(ctx, &scope, found).await?);
        }
        let result = page.slice(&visible);
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Client, None)
            .with_details(json!({ "zoekterm": loggable_query(&q), "aantal": visible.len() }))
            .showing_clients(result.items.iter().map(|c| c.id));
        self.store.append_audit(draft).await?;
        Ok(result)
    }

    /// Those of `clients` (of the actor's `scope`) the actor may read.
    async fn readable_among_scope(
        &self,
        ctx: &RequestContext,
        scope: &Clients,
        clients: Vec<Client>,
    ) -> DomainResult<Vec<Client>> {
        let readable = self
            .readable_in_scope(ctx, scope, clients.iter().map(|c| c.id))
            .await?;
        Ok(clients
            .into_iter()
            .filter(|c| readable.contains(&c.id))
            .collect())
    }

    /// The likely duplicates among the clients the actor may see, most
    /// alike first, with each pair's records (`clients::duplicates`): one
    /// page, audited as a list showing the clients on it.
    pub async fn likely_duplicates(
        &self,
        ctx: &RequestContext,
        page: PageRequest,
    ) -> DomainResult<Page<(super::duplicates::LikelyDuplicate, Client, Client)>> {
        self.authorize(
            ctx,
            Action::FindDuplicates,
            AuditAction::Listed,
            ObjectType::Client,
            None,
        )
        .await?;
        let Some(scope) = self.list_scope(ctx, ObjectType::Client).await? else {
            return Ok(page.slice(&[]));
        };
        // Compared on a light read of the scope; only the pairs of two
        // records the actor may read count, and only the page's records
        // are read whole.
        let records = self.store.client_names(&scope).await?;
        let candidates = super::duplicates::find(&records, self.settings.duplicate_threshold);
        let readable = self
            .readable_in_scope(
                ctx,
                &scope,
                candidates.iter().flat_map(|d| [d.first, d.second]),
            )
            .await?;
        let found: Vec<_> = candidates
            .into_iter()
            .filter(|d| readable.contains(&d.first) && readable.contains(&d.second))
            .collect();
        let shown = page.slice(&found);
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Client, None)
            .with_details(json!({ "mogelijkeDubbelen": found.len() }))
            .showing_clients(shown.items.iter().flat_map(|d| [d.first, d.second]));
        self.store.append_audit(draft).await?;
        let ids: Vec<i64> = shown
            .items
            .iter()
            .flat_map(|d| [d.first, d.second])
            .collect();
        let visible: HashMap<i64, Client> = self
            .store
            .list_clients(&Clients::Ids(ids))
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(Page {
            items: shown
                .items
                .into_iter()
                .filter_map(|d| {
                    let first = visible.get(&d.first)?.clone();
                    let second = visible.get(&d.second)?.clone();
                    Some((d, first, second))
                })
                .collect(),
            total: shown.total,
            request: shown.request,
            restricted: None,
        })
    }

    pub async fn update_client(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &ClientInput,
    ) -> DomainResult<Client> {
        let before = self.load_client(id).await?;
        self.check_client(ctx, &before, Need::Change, AuditAction::Updated)
            .await?;
        let data = input.parse(self.clock.today())?;
        self.check_bsn_unique(ctx, &data, Some(id), AuditAction::Updated)
            .await?;
        let changed: Vec<&str> = [
            ("voornaam", before.given_name != data.given_name),
            ("achternaam", before.family_name != data.family_name),
            ("geboortedatum", before.date_of_birth != data.date_of_birth),
            ("bsn", before.bsn != data.bsn),
            ("telefoon", before.phone != data.phone),
            ("email", before.email != data.email),
            ("afgeschermd", before.restricted != data.restricted),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        // Which fields changed, not their values: the log must not become a
        // second copy of the personal data.
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Client,
                Some(id.to_string()),
            )
            .for_client(id)
            .with_details(json!({ "gewijzigdeVelden": changed }));
        self.store
            .update_client(
                id,
                expected_version,
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Every version of the details, oldest first (for the history view).
    pub async fn client_history(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Vec<ClientVersion>> {
        let client = self.load_client(id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await?;
        self.store.client_versions(id).await
    }

    /// The address history as known at `known_at`, in effective order. Audited.
    pub async fn client_addresses(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<AddressRow>> {
        let client = self.load_client(id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await?;
        let rows = self.store.list_addresses(id).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let result: Vec<AddressRow> = timeline(&rows, k).into_iter().cloned().collect();
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Adres,
                Some(id.to_string()),
            )
            .for_client(id)
            .with_details(json!({ "bekendOp": known_at.map(|k| k.to_rfc3339()) }));
        self.store.append_audit(draft).await?;
        Ok(result)
    }

    /// Adds a row to the address history, or corrects or withdraws one.
    pub async fn add_address(
        &self,
        ctx: &RequestContext,
        client_id: i64,
        input: &AddressInput,
    ) -> DomainResult<AddressRow> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        let data = input.parse(client_id)?;
        if let Some(old) = data.supersedes {
            let rows = self.store.list_addresses(client_id).await?;
            let current = crate::history::known_at(&rows, self.clock.now());
            if !current.iter().any(|r| r.id == old) {
                return Err(DomainError::invalid(
                    "vervangt",
                    "deze adresregel hoort niet bij deze cliënt of is al gecorrigeerd",
                ));
            }
        }
        if let Some(m) = &data.municipality
            && self.store.get_municipality(m).await?.is_none()
        {
            return Err(DomainError::invalid(
                "gemeenteCode",
                "deze gemeente bestaat niet in zothuis",
            ));
        }
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Adres, None)
            .for_client(client_id)
            .with_details(json!({ "soort": data.kind.code(),
                "gemeenteCode": data.municipality.as_ref().map(|m| m.to_string()),
                "instelling": data.institution.code(), "ingangsdatum": data.effective_date.to_string(),
                "vervangt": data.supersedes, "vervallen": data.retracted }));
        self.store
            .add_address(&data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    /// Grants a user access to a restricted client. Only someone who sees the
    /// client can grant, and only to a user whose role works with clients.
    pub async fn grant_client_access(
        &self,
        ctx: &RequestContext,
        client_id: i64,
        username: &str,
    ) -> DomainResult<()> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        let target = self
            .store
            .find_credentials(&username.trim().to_lowercase())
            .await?
            .map(|c| c.user)
            .filter(|u| u.active)
            .ok_or_else(|| {
                DomainError::invalid(
                    "gebruikersnaam",
                    "deze gebruiker bestaat niet of is niet actief",
                )
            })?;
        if !matches!(
            target.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder | Role::Aanbieder
        ) {
            return Err(DomainError::invalid(
                "gebruikersnaam",
                "deze gebruiker heeft een rol zonder toegang tot cliënten",
            ));
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::ClientToegang,
                Some(target.id.to_string()),
            )
            .for_client(client_id)
            .with_details(json!({ "gebruiker": target.username }));
        self.store
            .grant_client_access(
                client_id,
                target.id,
                &ctx.actor.name,
                self.clock.now_micros(),
                draft,
            )
            .await
    }
}

#[cfg(test)]
mod loggable_query_tests {
    use super::loggable_query;

    #[test]
    fn a_search_term_is_kept_masked_in_the_audit_log() {
        assert_eq!(loggable_query("999990019"), "******019");
        assert_eq!(loggable_query("jansen"), "j*****");
        assert_eq!(loggable_query("de vries"), "d* v****");
        assert_eq!(loggable_query("1980-08-08"), "1980-**-**");
        assert_eq!(loggable_query(""), "");
    }
}
