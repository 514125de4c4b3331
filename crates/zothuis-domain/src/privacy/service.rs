//! Requests of access (AVG art. 15) and their answer: the privacy officer
//! records a request for a person of their region and exports the record.

use super::dossier::{self, Dossier, Names, Record};
use super::{AccessRequest, AccessRequestInput, Person};
use crate::Services;
use crate::admin::{RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult};
use crate::paging::PageRequest;
use crate::policy::Action;
use crate::store::{AuditFilter, Clients, NewAccessRequest};
use serde_json::json;

/// The one answer when no client of the region matches: nobody with that
/// BSN or number, another date of birth, or a client of another region.
pub const NOT_FOUND: &str = "Er is in uw regio geen cliënt met dit BSN (of cliëntnummer) en \
    deze geboortedatum. Controleer beide gegevens met het identiteitsbewijs.";

fn no_request() -> DomainError {
    DomainError::NotFound("Dit inzageverzoek bestaat niet of hoort niet bij uw regio".into())
}

impl Services {
    /// The privacy officer's region (`None`: the whole installation), after
    /// the policy allowed `action` (audited on `object_type` when refused).
    pub(super) async fn privacy_region(
        &self,
        ctx: &RequestContext,
        action: Action<'_>,
        object_type: ObjectType,
        attempted: AuditAction,
        object_id: Option<String>,
    ) -> DomainResult<Option<i64>> {
        self.authorize(ctx, action, attempted, object_type, object_id)
            .await?;
        Ok(match ctx.actor.scope {
            Scope::Regio(r) => Some(r),
            _ => None,
        })
    }

    /// Records a request of access for the person named by BSN (or client
    /// number) and date of birth, who must be a client of the privacy
    /// officer's region. A lookup that matches nobody is logged as refused,
    /// with the BSN masked.
    pub async fn record_access_request(
        &self,
        ctx: &RequestContext,
        input: &AccessRequestInput,
    ) -> DomainResult<AccessRequest> {
        let region = self
            .privacy_region(
                ctx,
                Action::AnswerSubjectAccess,
                ObjectType::Inzageverzoek,
                AuditAction::Created,
                None,
            )
            .await?;
        let data = input.parse(self.clock.today())?;
        let lookup = self
            .count_person_lookup(ctx, ObjectType::Inzageverzoek)
            .await?;
        let (found, field, asked) = match &data.person {
            Person::Bsn(b) => (
                self.store.find_client_by_bsn(b).await?,
                "bsn",
                json!({ "bsn": b.masked() }),
            ),
            Person::Number(n) => (Some(*n), "clientnummer", json!({ "clientnummer": n })),
        };
        let client = match found {
            Some(id) => self.store.get_client(id).await?,
            None => None,
        };
        let matches = match &client {
            Some(c) if c.date_of_birth == data.date_of_birth => match region {
                None => true,
                Some(r) => self
                    .store
                    .client_access(&Clients::One(c.id))
                    .await?
                    .iter()
                    .any(|row| row.regions.contains(&r) || row.access_points.contains(&r)),
            },
            _ => false,
        };
        let Some(client) = client.filter(|_| matches) else {
            let draft = self
                .draft(ctx, AuditAction::Created, ObjectType::Inzageverzoek, None)
                .with_outcome(Outcome::Denied)
                .with_details(json!({ "reden": "geen-client-gevonden", "gezocht": asked }));
            self.store.append_audit(draft).await?;
            return Err(DomainError::invalid(field, NOT_FOUND));
        };
        self.person_found(&lookup).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Inzageverzoek, None)
            .for_client(client.id)
            .with_details(json!({ "ontvangenOp": data.received_on.to_string(),
                "gezocht": asked }));
        self.store
            .create_access_request(
                &NewAccessRequest {
                    client_id: client.id,
                    region_id: region,
                    received_on: data.received_on,
                    identity_check: data.identity_check,
                    note: data.note,
                },
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The requests of the privacy officer's region, newest first. Audited.
    pub async fn list_access_requests(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<AccessRequest>> {
        let region = self
            .privacy_region(
                ctx,
                Action::AnswerSubjectAccess,
                ObjectType::Inzageverzoek,
                AuditAction::Listed,
                None,
            )
            .await?;
        let found = self.store.list_access_requests(region).await?;
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::Inzageverzoek, None)
            .with_details(json!({ "aantal": found.len() }));
        self.store.append_audit(draft).await?;
        Ok(found)
    }

    /// One request of the privacy officer's region.
    async fn region_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        attempted: AuditAction,
    ) -> DomainResult<AccessRequest> {
        let region = self
            .privacy_region(
                ctx,
                Action::AnswerSubjectAccess,
                ObjectType::Inzageverzoek,
                attempted,
                Some(id.to_string()),
            )
            .await?;
        match self.store.get_access_request(id).await? {
            Some(r) if region.is_none() || r.region_id == region => Ok(r),
            _ => Err(no_request()),
        }
    }

    /// One request, without the client's data.
    pub async fn get_access_request(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<AccessRequest> {
        self.region_request(ctx, id, AuditAction::Viewed).await
    }

    /// The answer to a request: everything zothuis holds about the client
    /// (`dossier`), while the request is open (`AccessRequest::open_on`). Every
    /// export is audited with the request, in the transaction that marks
    /// the request answered.
    pub async fn subject_access_export(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Dossier> {
        let request = self.region_request(ctx, id, AuditAction::Viewed).await?;
        if !request.open_on(self.clock.today()) {
            return self
                .deny(
                    ctx,
                    AuditAction::Viewed,
                    ObjectType::Inzageverzoek,
                    Some(id.to_string()),
                    "dit verzoek is al beantwoord; leg voor een nieuwe inzage een nieuw verzoek vast",
                )
                .await;
        }
        let record = self.read_record(request.client_id).await?;
        let names = self.dossier_names().await?;
        let now = self.clock.now_micros();
        let dossier = dossier::build(&request, &record, &names, now);
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Inzageverzoek,
                Some(id.to_string()),
            )
            .for_client(request.client_id)
            .with_details(json!({
                "inzageverzoek": id,
                "onderdelen": dossier.sections.iter()
                    .map(|s| (s.key.to_string(), json!(s.rows.len())))
                    .collect::<serde_json::Map<_, _>>(),
            }));
        let answered = self
            .store
            .answer_access_request(id, now, &ctx.actor.name, draft)
            .await?;
        Ok(Dossier {
            request: answered,
            ..dossier
        })
    }

    /// Every row about one client, read directly: the policy's decision
    /// for this read is the request (`subject_access_export`). The rows of
    /// records merged into the client are the client's already; the merged
    /// records' own details, addresses and access log are added, as they
    /// are about the same person (`clients::merge`).
    async fn read_record(&self, client_id: i64) -> DomainResult<Record> {
        let one = Clients::One(client_id);
        let now = self.clock.now_micros();
        let store = &self.store;
        let mut persons = vec![client_id];
        persons.extend(
            store
                .client_merges(client_id)
                .await?
                .into_iter()
                .filter(|m| m.holds() && m.survivor_id == client_id)
                .map(|m| m.merged_id),
        );
        let (mut versions, mut addresses, mut audit) = (Vec::new(), Vec::new(), Vec::new());
        for id in &persons {
            versions.extend(store.client_versions(*id).await?);
            addresses.extend(store.list_addresses(*id).await?);
            audit.extend(
                store
                    .list_audit(
                        &AuditFilter {
                            client_id: Some(*id),
                            ..AuditFilter::default()
                        },
                        PageRequest::everything(),
                    )
                    .await?
                    .items,
            );
        }
        // Newest first, as the audit log lists them.
        audit.sort_by_key(|r| std::cmp::Reverse(r.seq));
        Ok(Record {
            client: store.get_client(client_id).await?,
            versions,
            addresses,
            applications: store.list_applications(&one).await?,
            assessments: store.list_assessments(&one, None).await?,
            decisions: store.list_decisions(&one).await?,
            entries: store.list_entries(&one).await?,
            transitions: store.client_transitions(&one).await?,
            stays: store.list_stay_headers(&one).await?,
            stay_versions: store.list_stay_versions(&one).await?,
            registrations: store.list_registrations(&one, None, now).await?,
            nominations: store.list_nominations(&one, None, now).await?,
            assignments: store.list_assignments(&one).await?,
            messages: {
                let mut m = store.list_iwmo_messages(None, &one).await?;
                m.reverse();
                m
            },
            audit,
        })
    }

    async fn dossier_names(&self) -> DomainResult<Names> {
        let store = &self.store;
        let mut staff: std::collections::HashMap<String, (crate::admin::Role, Scope)> = store
            .list_users()
            .await?
            .into_iter()
            .map(|u| (u.username, (u.role, u.scope)))
            .collect();
        for t in store.list_tokens().await? {
            staff.insert(format!("token:{}", t.name), (t.role, t.scope));
        }
        Ok(Names {
            municipalities: store
                .list_municipalities()
                .await?
                .into_iter()
                .map(|m| (m.code.to_string(), m.name))
                .collect(),
            products: store
                .list_products()
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            providers: store
                .list_providers()
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            locations: store
                .list_locations()
                .await?
                .into_iter()
                .map(|l| (l.id, (l.name, l.secret_address)))
                .collect(),
            regions: store
                .list_regions()
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
            corporations: store
                .list_corporations(None)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            staff,
        })
    }
}
