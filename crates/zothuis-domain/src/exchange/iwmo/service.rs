//! Use cases of the iWmo exchange: the consultant or the waitlist manager
//! assigns a granted decision to a provider (a WMO301 is put ready for the
//! provider); the provider delivers its WMO305 and WMO307, which zothuis
//! judges by the standard's rules, applies to the stay through the same
//! domain rules as the stay pages, and answers with a WMO306 or WMO308;
//! everyone who may see the client sees its messages.

use super::model::*;
use super::regie::{self, AssignmentState, Known, Regiebericht, Status, code};
use super::schema::{self, Message};
use super::toewijzing::{Address, Assigned, Omvang, Parties, Person, Toewijzing};
use super::xml;
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::care::{ExitDestination, Stay, StayFacts};
use crate::clients::service::Need;
use crate::clients::{AddressKind, Client};
use crate::error::{DomainError, DomainResult, Validator};
use crate::exchange::iwmo::model::{CHANGE_REASONS, WITHDRAWN};
use crate::reference::{Financing, Provider};
use crate::service::Services;
use crate::store::{Clients, NewStay};
use chrono::{NaiveDate, NaiveTime, Timelike};
use serde_json::json;
use std::collections::HashMap;

fn no_message() -> DomainError {
    DomainError::NotFound("Dit bericht bestaat niet of is voor u niet zichtbaar".into())
}

/// What the consultant fills in to assign a decision to a provider.
#[derive(Debug, Clone, Default)]
pub struct AssignmentInput {
    pub provider_id: Option<i64>,
    pub location_id: Option<i64>,
    /// Ingangsdatum; the decision's when empty.
    pub start_date: Option<String>,
    /// Einddatum; the decision's when empty.
    pub end_date: Option<String>,
}

/// What the consultant fills in to change or withdraw an assignment.
#[derive(Debug, Clone, Default)]
pub struct AssignmentChange {
    /// WMO002 reden wijziging.
    pub reason: String,
    /// The new Einddatum; none for a withdrawal (13).
    pub end_date: Option<String>,
}

/// An assignment checked and ready to be numbered.
pub(super) struct Prepared {
    pub client: Client,
    pub bsn: crate::clients::Bsn,
    pub provider: Provider,
    pub decision: crate::access::Decision,
    pub product_id: i64,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub location_id: Option<i64>,
    pub stay_id: Option<i64>,
    /// The client's assignments so far.
    pub existing: Vec<Assignment>,
}

/// One ToegewezenProduct of a 301 to write.
pub(super) struct Line301 {
    pub nummer: i64,
    pub product_id: i64,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// WMO002, for an assignment changed in this message (IV099).
    pub reason: Option<&'static str>,
    /// ReferentieAanbieder, for an assignment that answers a request
    /// (IV093).
    pub reference: Option<String>,
    /// Toewijzingsdatum and -tijd: when assigned, or last changed (IV013).
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Line301 {
    /// An assignment as it stands, unchanged in this message.
    pub(super) fn unchanged(a: &Assignment) -> Line301 {
        Line301 {
            nummer: a.id,
            product_id: a.product_id,
            start: a.start_date,
            end: a.end_date,
            reason: None,
            reference: a.reference.clone(),
            at: a.changed_at.unwrap_or(a.recorded_at),
        }
    }
}

/// The exit destination a stop gives a stay. A WMO307 says why care ended
/// (WMO588), not where the client went; only death and a move to other
/// care say something about that. Source: iWmo 3.2 codelist WMO588.
fn destination(reason: &str) -> ExitDestination {
    match reason {
        // 02 Overlijden.
        "02" => ExitDestination::Overleden,
        // 38 Overstap naar andere aanbieder; 39 Uitstroom naar ander domein
        // (Wlz, Zvw).
        "38" | "39" => ExitDestination::AndereVoorziening,
        _ => ExitDestination::Onbekend,
    }
}

/// The AGB code a provider is known by in iWmo (8 digits, RS036).
pub(super) fn agb(provider: &Provider) -> Option<&str> {
    provider
        .agb_code
        .as_deref()
        .map(str::trim)
        .filter(|a| a.len() == 8 && a.chars().all(|c| c.is_ascii_digit()))
}

/// The municipality as iWmo names it: its CBS code without "GM" (RS035).
pub(super) fn gemeente(code: &crate::reference::GemeenteCode) -> String {
    code.as_str().trim_start_matches("GM").to_string()
}

/// What judging a start or stop looks up, read before judging.
struct Loaded {
    seen: bool,
    assignments: HashMap<u32, AssignmentState>,
}

impl Known for Loaded {
    fn assignment(&self, _agb: &str, nummer: u32) -> Option<AssignmentState> {
        self.assignments.get(&nummer).cloned()
    }
    fn seen(&self, _agb: &str, _message: Message, _identificatie: &str) -> bool {
        self.seen
    }
}

impl Services {
    /// The provider's own id for a provider's user; everyone else is
    /// refused (audited).
    async fn own_provider(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object: ObjectType,
    ) -> DomainResult<Provider> {
        let (Role::Aanbieder, Scope::Aanbieder(own)) = (&ctx.actor.role, &ctx.actor.scope) else {
            return self
                .deny(
                    ctx,
                    attempted,
                    object,
                    None,
                    "alleen een aanbieder levert iWmo-berichten aan",
                )
                .await;
        };
        self.store
            .get_provider(*own)
            .await?
            .ok_or_else(|| DomainError::Internal("aanbieder van de gebruiker ontbreekt".into()))
    }

    /// Only the consultant and the waitlist manager make and change
    /// assignments; anyone else is refused (audited).
    async fn may_assign(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object_id: Option<String>,
    ) -> DomainResult<()> {
        self.consultant_only(
            ctx,
            attempted,
            ObjectType::Toewijzing,
            object_id,
            "een toewijzing maakt of wijzigt de consulent of de wachtlijstbeheerder",
        )
        .await
    }

    /// The consultant and the waitlist manager pass; anyone else is
    /// refused (audited, with `why`).
    pub(super) async fn consultant_only(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object: ObjectType,
        object_id: Option<String>,
        why: &str,
    ) -> DomainResult<()> {
        if matches!(
            ctx.actor.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder
        ) {
            return Ok(());
        }
        self.deny(ctx, attempted, object, object_id, why).await
    }

    /// Assigns a granted decision to a provider: stores the assignment and
    /// puts a WMO301 ready for the provider. A product of the regional
    /// waiting list is assigned once the client is placed with the provider
    /// (the assignment is then for that stay); another product before the
    /// stay, whose start the provider reports with a WMO305.
    pub async fn assign(
        &self,
        ctx: &RequestContext,
        decision_id: i64,
        input: &AssignmentInput,
    ) -> DomainResult<(Assignment, MessageRecord)> {
        self.may_assign(ctx, AuditAction::Created, None).await?;
        let p = self.prepare_assignment(ctx, decision_id, input).await?;
        let (new, lines) = self.new_assignment(&p, None).await?;
        let identification = self.store.next_iwmo_number("301").await?;
        let body = self
            .write_301(
                &p.client,
                p.bsn.as_str(),
                &p.provider,
                &p.decision.responsible,
                &lines,
                identification,
                "beschikkingId",
            )
            .await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Toewijzing, None)
            .for_client(p.client.id)
            .with_details(
                json!({ "beschikkingId": p.decision.id, "aanbiederId": p.provider.id,
                "locatieId": new.location_id, "ingangsdatum": new.start_date.to_string(),
                "einddatum": new.end_date.map(|d| d.to_string()), "verblijfId": new.stay_id,
                "bericht": "WMO301", "identificatie": identification.to_string() }),
            );
        self.store
            .create_assignment(
                &new,
                &NewMessage {
                    incoming: false,
                    message: Message::Wmo301,
                    provider_id: p.provider.id,
                    client_id: Some(p.client.id),
                    identification: identification.to_string(),
                    status: MessageStatus::Klaargezet,
                    codes: Vec::new(),
                    body,
                },
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// A new assignment as prepared, with its number, and the lines of the
    /// 301 that announces it: every current assignment of the client at
    /// this provider from this municipality, and the new one (OP087).
    pub(super) async fn new_assignment(
        &self,
        p: &Prepared,
        reference: Option<&str>,
    ) -> DomainResult<(NewAssignment, Vec<Line301>)> {
        let nummer = self.store.next_iwmo_number("toewijzing").await?;
        let today = self.clock.today();
        let mut lines: Vec<Line301> = p
            .existing
            .iter()
            .filter(|a| {
                a.provider_id == p.provider.id
                    && a.municipality == p.decision.responsible
                    && a.current_on(today)
            })
            .map(Line301::unchanged)
            .collect();
        lines.push(Line301 {
            nummer,
            product_id: p.product_id,
            start: p.start,
            end: p.end,
            reason: None,
            reference: reference.map(str::to_string),
            at: self.clock.now(),
        });
        Ok((
            NewAssignment {
                id: nummer,
                decision_id: p.decision.id,
                client_id: p.client.id,
                provider_id: p.provider.id,
                location_id: p.location_id,
                product_id: p.product_id,
                municipality: p.decision.responsible.clone(),
                start_date: p.start,
                end_date: p.end,
                stay_id: p.stay_id,
                reference: reference.map(str::to_string),
            },
            lines,
        ))
    }

    /// Checks an assignment of a granted decision to a provider, as the
    /// consultant asks it or a provider's request does.
    pub(super) async fn prepare_assignment(
        &self,
        ctx: &RequestContext,
        decision_id: i64,
        input: &AssignmentInput,
    ) -> DomainResult<Prepared> {
        let decision = self.store.get_decision(decision_id).await?.ok_or_else(|| {
            DomainError::NotFound(
                "Deze beschikking bestaat niet of is voor u niet zichtbaar".into(),
            )
        })?;
        let client = self.load_client(decision.client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        if decision.outcome != crate::access::Outcome::Toegekend {
            return Err(DomainError::invalid(
                "beschikkingId",
                "de beschikking is afgewezen; alleen een toekenning wordt toegewezen",
            ));
        }
        let Some(bsn) = client.bsn.clone() else {
            return Err(DomainError::invalid(
                "beschikkingId",
                "de cliënt heeft geen BSN; een iWmo-toewijzing noemt de cliënt bij BSN",
            ));
        };
        let product = self
            .store
            .get_product(decision.product_id)
            .await?
            .ok_or_else(|| DomainError::Internal("product ontbreekt".into()))?;
        let decision_start = decision.valid_from.unwrap_or(decision.decided_on);
        let mut v = Validator::new();
        let provider = match input.provider_id {
            None => {
                v.add("aanbiederId", "kies de aanbieder");
                None
            }
            Some(id) => match self.store.get_provider(id).await? {
                None => {
                    v.add("aanbiederId", "deze aanbieder bestaat niet");
                    None
                }
                Some(p) if agb(&p).is_none() => {
                    v.add(
                        "aanbiederId",
                        "deze aanbieder heeft geen AGB-code van 8 cijfers; iWmo-berichten gaan naar een AGB-code",
                    );
                    None
                }
                Some(p) => Some(p),
            },
        };
        let start = match crate::reference::optional(&input.start_date) {
            Some(s) => v.check("ingangsdatum", crate::Datum::parse(s)).map(|d| d.0),
            None => Some(decision_start),
        };
        let end = match crate::reference::optional(&input.end_date) {
            Some(s) => v
                .check("einddatum", crate::Datum::parse(s))
                .map(|d| Some(d.0)),
            None => Some(decision.valid_to),
        };
        if let Some(s) = start
            && s < decision_start
        {
            v.add(
                "ingangsdatum",
                format!("de toewijzing begint vóór de ingangsdatum van de beschikking ({decision_start})"),
            );
        }
        if let (Some(Some(e)), Some(to)) = (end, decision.valid_to)
            && e > to
        {
            v.add(
                "einddatum",
                format!("de toewijzing loopt langer dan de beschikking (tot {to})"),
            );
        }
        if let (Some(s), Some(Some(e))) = (start, end)
            && e < s
        {
            // CS003: an end is not before its start.
            v.add("einddatum", "de einddatum ligt vóór de ingangsdatum");
        }
        v.finish()?;
        let (Some(provider), Some(start), Some(end)) = (provider, start, end) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        // The stay the assignment is for: the client's current stay with
        // this provider for this product (placed from the list, or started
        // on the decision on a page).
        let now = self.clock.now();
        let headers = self
            .store
            .list_stay_headers(&Clients::One(client.id))
            .await?;
        let versions = self
            .store
            .list_stay_versions(&Clients::One(client.id))
            .await?;
        let stay = crate::care::stays_at(&headers, &versions, now)
            .into_iter()
            .filter(|s| {
                s.product_id == product.id && s.provider_id == provider.id && s.end_date.is_none()
            })
            .max_by_key(|s| s.start_date);
        if product.kind.has_waitlist() && stay.is_none() {
            return Err(DomainError::invalid(
                "aanbiederId",
                "dit product loopt via de regionale wachtlijst; wijs het toe nadat de cliënt bij deze aanbieder is geplaatst",
            ));
        }
        // The stay's place, unless another is chosen.
        let location_id = input
            .location_id
            .or_else(|| stay.as_ref().and_then(|s| s.location_id));
        self.check_location(product.id, provider.id, location_id)
            .await?;
        let existing = self
            .store
            .list_assignments(&Clients::One(client.id))
            .await?;
        if let Some(a) = existing.iter().find(|a| {
            a.decision_id == decision.id
                && a.provider_id == provider.id
                && a.current_on(self.clock.today())
        }) {
            return Err(DomainError::Conflict(format!(
                "Deze beschikking is al aan deze aanbieder toegewezen (toewijzingnummer {}).",
                a.id
            )));
        }
        Ok(Prepared {
            client,
            bsn,
            provider,
            product_id: product.id,
            start,
            end,
            location_id,
            stay_id: stay.map(|s| s.id),
            existing,
            decision,
        })
    }

    /// A WMO301 from `municipality` to `provider` about `client` with these
    /// assignments, checked against its schema; a break is named at `field`
    /// (the data do not fit the message, say a name too long for it).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn write_301(
        &self,
        client: &Client,
        bsn: &str,
        provider: &Provider,
        municipality: &crate::reference::GemeenteCode,
        lines: &[Line301],
        identification: i64,
        field: &str,
    ) -> DomainResult<String> {
        let mut lines: Vec<&Line301> = lines.iter().collect();
        lines.sort_by_key(|l| l.nummer);
        let mut products = Vec::new();
        for l in lines {
            let product = self
                .store
                .get_product(l.product_id)
                .await?
                .ok_or_else(|| DomainError::Internal("product ontbreekt".into()))?;
            products.push(Assigned {
                nummer: u32::try_from(l.nummer)
                    .map_err(|_| DomainError::Internal("toewijzingnummer te groot".into()))?,
                referentie_aanbieder: l.reference.clone(),
                categorie: product.category.code(),
                // A product code of the region's list, where it fits the
                // standard's five characters (IV075).
                code: Some(product.code.clone())
                    .filter(|c| c.len() <= 5 && c.chars().all(|c| c.is_ascii_alphanumeric())),
                // The moment of assigning or changing, to the second, as
                // Dutch wall-clock time: the standard has no zone (RS032,
                // RS034); zothuis keeps its clock in UTC.
                toewijzingsdatum: crate::dates::dutch_local(l.at).date(),
                toewijzingstijd: NaiveTime::from_num_seconds_from_midnight_opt(
                    crate::dates::dutch_local(l.at)
                        .time()
                        .num_seconds_from_midnight(),
                    0,
                )
                .unwrap_or_default(),
                ingangsdatum: l.start,
                einddatum: l.end,
                reden_wijziging: l.reason,
                // A place per day, every day: 7 etmalen per week (WJ756 14
                // etmaal, WMO757 2 per week; CS338).
                omvang: Some(Omvang {
                    volume: 7,
                    eenheid: "14",
                    frequentie: "2",
                }),
            });
        }
        let toewijzing = Toewijzing {
            parties: Parties {
                identificatie: identification.to_string(),
                dagtekening: self.clock.today(),
                gemeente: gemeente(municipality),
                agb: agb(provider).unwrap_or_default().to_string(),
            },
            client: person(client, bsn),
            addresses: self.iwmo_addresses(client).await?,
            products,
        };
        let node = toewijzing.to_node();
        let problems = schema::validate(&node, Message::Wmo301);
        if !problems.is_empty() {
            return Err(DomainError::Invalid(
                problems
                    .into_iter()
                    .map(|p| crate::FieldError {
                        field: field.into(),
                        message: format!(
                            "de gegevens passen niet in een WMO301: {} {}",
                            p.path, p.message
                        ),
                    })
                    .collect(),
            ));
        }
        Ok(xml::write(&node, &[]))
    }

    /// Changes or withdraws an assignment (OP033x1): a new end, or for one
    /// sent in error (WMO002 13) its end set to its start, with the reason;
    /// a WMO301 with the change is put ready for the provider. The number
    /// stays (IV066).
    pub async fn change_assignment(
        &self,
        ctx: &RequestContext,
        id: i64,
        input: &AssignmentChange,
    ) -> DomainResult<(Assignment, MessageRecord)> {
        self.may_assign(ctx, AuditAction::Updated, Some(id.to_string()))
            .await?;
        let not_found = || {
            DomainError::NotFound("Deze toewijzing bestaat niet of is voor u niet zichtbaar".into())
        };
        let a = self.store.get_assignment(id).await?.ok_or_else(not_found)?;
        let client = self.load_client(a.client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Updated)
            .await?;
        if a.withdrawn() {
            return Err(DomainError::Conflict(
                "Deze toewijzing is verwijderd en kan niet meer worden gewijzigd.".into(),
            ));
        }
        let decision = self
            .store
            .get_decision(a.decision_id)
            .await?
            .ok_or_else(|| DomainError::Internal("beschikking ontbreekt".into()))?;
        let mut v = Validator::new();
        let reason = CHANGE_REASONS
            .iter()
            .find(|(code, _)| *code == input.reason.trim())
            .map(|(code, _)| *code);
        if reason.is_none() {
            v.add("reden", "kies de reden van de wijziging");
        }
        let end = if reason == Some(WITHDRAWN) {
            // 13: the end is the start, and the assignment counts as never
            // sent; not once care has started on it.
            if !self.store.list_deliveries(id).await?.is_empty() {
                v.add(
                    "reden",
                    "de aanbieder meldde al een start; beëindig de toewijzing met een einddatum in plaats van haar te verwijderen",
                );
            }
            Some(a.start_date)
        } else {
            match crate::reference::optional(&input.end_date) {
                None => {
                    v.add("einddatum", "geef de nieuwe einddatum");
                    None
                }
                Some(text) => v.check("einddatum", crate::Datum::parse(text)).map(|d| d.0),
            }
        };
        if let Some(e) = end {
            if e < a.start_date {
                // CS003.
                v.add(
                    "einddatum",
                    format!("de einddatum ligt vóór de ingangsdatum ({})", a.start_date),
                );
            }
            if let Some(to) = decision.valid_to
                && e > to
            {
                v.add(
                    "einddatum",
                    format!("de toewijzing loopt langer dan de beschikking (tot {to})"),
                );
            }
        }
        v.finish()?;
        let (Some(reason), Some(end)) = (reason, end) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let provider = self
            .store
            .get_provider(a.provider_id)
            .await?
            .ok_or_else(|| DomainError::Internal("aanbieder ontbreekt".into()))?;
        let Some(bsn) = client.bsn.clone() else {
            return Err(DomainError::invalid(
                "toewijzing",
                "de cliënt heeft geen BSN meer; een iWmo-bericht noemt de cliënt bij BSN",
            ));
        };
        let now = self.clock.now_micros();
        let identification = self.store.next_iwmo_number("301").await?;
        let today = self.clock.today();
        let mut lines: Vec<Line301> = self
            .store
            .list_assignments(&Clients::One(client.id))
            .await?
            .iter()
            .filter(|o| {
                o.id != a.id
                    && o.provider_id == a.provider_id
                    && o.municipality == a.municipality
                    && o.current_on(today)
            })
            .map(Line301::unchanged)
            .collect();
        lines.push(Line301 {
            nummer: a.id,
            product_id: a.product_id,
            start: a.start_date,
            end: Some(end),
            reason: Some(reason),
            reference: a.reference.clone(),
            at: now,
        });
        let body = self
            .write_301(
                &client,
                bsn.as_str(),
                &provider,
                &a.municipality,
                &lines,
                identification,
                "toewijzing",
            )
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Toewijzing,
                Some(id.to_string()),
            )
            .for_client(client.id)
            .with_details(json!({ "redenWijziging": reason,
                "einddatum": { "voor": a.end_date.map(|d| d.to_string()), "na": end.to_string() },
                "bericht": "WMO301", "identificatie": identification.to_string() }));
        self.store
            .change_assignment(
                id,
                end,
                reason,
                &NewMessage {
                    incoming: false,
                    message: Message::Wmo301,
                    provider_id: a.provider_id,
                    client_id: Some(client.id),
                    identification: identification.to_string(),
                    status: MessageStatus::Klaargezet,
                    codes: Vec::new(),
                    body,
                },
                now,
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// When the municipality ends a stay on the screens (the waitlist
    /// manager; a provider's end is its own stop, WMO307), the
    /// assignments delivered in it end with it: a WMO301 per assignment
    /// with the new end and its reason (WMO002: 02 cliënt overleden, 05
    /// verkorting, 09 overstap naar andere aanbieder). An assignment that
    /// already ends by then is left as it is. A failure is logged and leaves
    /// the stay ended: the assignment is then changed on the client's
    /// iWmo page.
    pub(crate) async fn assignments_follow_stay(
        &self,
        ctx: &RequestContext,
        stay: &Stay,
        end: NaiveDate,
        reason: &'static str,
    ) -> DomainResult<()> {
        if !matches!(
            ctx.actor.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder
        ) {
            return Ok(());
        }
        let ending: Vec<Assignment> = self
            .store
            .list_assignments(&Clients::One(stay.client_id))
            .await?
            .into_iter()
            .filter(|a| {
                a.stay_id == Some(stay.id)
                    && !a.withdrawn()
                    && a.end_date.is_none_or(|e| e > end)
                    && a.start_date <= end
            })
            .collect();
        for a in ending {
            let change = AssignmentChange {
                reason: reason.into(),
                end_date: Some(end.to_string()),
            };
            if let Err(e) = self.change_assignment(ctx, a.id, &change).await {
                tracing::warn!(
                    toewijzing = a.id,
                    verblijf = stay.id,
                    "toewijzing niet beëindigd met het verblijf: {e}"
                );
            }
        }
        Ok(())
    }

    /// The client's address in force today, as the 301 names it: the BRP
    /// address (a home or postal address, COD757 01). A client without one
    /// gets a contact with the country only: the provider knows the client
    /// by BSN.
    async fn iwmo_addresses(&self, client: &Client) -> DomainResult<Vec<Address>> {
        let rows = self.store.list_addresses(client.id).await?;
        let today = self.clock.today();
        let current = crate::history::timeline(&rows, self.clock.now())
            .into_iter()
            .rev()
            .find(|a| a.effective_date <= today);
        let parsed = current
            .filter(|a| matches!(a.kind, AddressKind::Woonadres | AddressKind::Briefadres))
            .and_then(|a| a.address.as_deref())
            .and_then(|text| Address::from_text("01", text));
        Ok(vec![parsed.unwrap_or(Address {
            soort: "01",
            huisnummer: None,
            huisletter: None,
            toevoeging: None,
            postcode: None,
            straat: None,
            plaats: None,
        })])
    }

    /// Receives a WMO305 or WMO307 from the provider whose user sends it:
    /// checked against its schema (a message that does not fit gets no
    /// retour but the list of its errors, iWmo IV032 level 1), judged by the
    /// standard's rules, applied whole or not at all, and answered with its
    /// retour.
    pub async fn receive_iwmo(&self, ctx: &RequestContext, body: &[u8]) -> DomainResult<Receipt> {
        let provider = self
            .own_provider(ctx, AuditAction::Created, ObjectType::IwmoBericht)
            .await?;
        let root = xml::parse(body).map_err(|e| {
            DomainError::invalid("bericht", format!("geen leesbaar iWmo-bericht: {}", e.0))
        })?;
        let message = match Message::of(&root) {
            Some(
                m @ (Message::Wmo302
                | Message::Wmo305
                | Message::Wmo307
                | Message::Wmo315
                | Message::Wmo317),
            ) => m,
            Some(m) => {
                return Err(DomainError::invalid(
                    "bericht",
                    format!(
                        "een WMO{} stuurt de gemeente, niet de aanbieder; lever een WMO302, 305, 307, 315 of 317 aan",
                        m.number()
                    ),
                ));
            }
            None => {
                return Err(DomainError::invalid(
                    "bericht",
                    "dit is geen iWmo 3.2-bericht dat zothuis ontvangt (WMO302, 305, 307, 315 of 317)",
                ));
            }
        };
        let problems = schema::validate(&root, message);
        if !problems.is_empty() {
            return Err(DomainError::Invalid(
                problems
                    .into_iter()
                    .map(|p| crate::FieldError {
                        field: p.path,
                        message: p.message,
                    })
                    .collect(),
            ));
        }
        // The sender is the provider (the receiver, for its retour on a 301).
        let sender = root
            .child("Header")
            .and_then(|h| {
                h.text_at(&[if message == Message::Wmo302 {
                    "Ontvanger"
                } else {
                    "Afzender"
                }])
            })
            .map(str::trim)
            .unwrap_or_default();
        if sender != agb(&provider).unwrap_or_default() {
            return self
                .deny(
                    ctx,
                    AuditAction::Created,
                    ObjectType::IwmoBericht,
                    None,
                    "de afzender van het bericht is niet de AGB-code van uw aanbieder",
                )
                .await;
        }
        let received = Received {
            provider: &provider,
            message,
            root: &root,
            body,
        };
        match message {
            Message::Wmo302 => self.receive_retour(ctx, received).await,
            Message::Wmo315 | Message::Wmo317 => self.receive_request(ctx, received).await,
            _ => self.receive_regie(ctx, received).await,
        }
    }

    /// A WMO305 or WMO307 that fits its schema: judged, applied to the
    /// stays, answered.
    async fn receive_regie(&self, ctx: &RequestContext, r: Received<'_>) -> DomainResult<Receipt> {
        let (provider, message) = (r.provider, r.message);
        let msg = Regiebericht::read(r.root).ok_or_else(|| {
            DomainError::invalid("bericht", "het bericht kon niet worden gelezen")
        })?;
        // What the rules need: the provider's own assignments named in the
        // message, for the municipality it is addressed to.
        let mut assignments: HashMap<u32, (Assignment, Vec<Delivery>, Option<Client>)> =
            HashMap::new();
        for nummer in msg.lines.iter().filter_map(|l| l.toewijzing) {
            if assignments.contains_key(&nummer) {
                continue;
            }
            let Some(a) = self
                .store
                .get_assignment(i64::from(nummer))
                .await?
                // A withdrawn assignment counts as never sent (WMO002 13).
                .filter(|a| {
                    a.provider_id == provider.id
                        && gemeente(&a.municipality) == msg.gemeente
                        && !a.withdrawn()
                })
            else {
                continue;
            };
            let deliveries = self.store.list_deliveries(a.id).await?;
            let client = self.store.get_client(a.client_id).await?;
            assignments.insert(nummer, (a, deliveries, client));
        }
        let loaded = Loaded {
            seen: self
                .store
                .find_iwmo_message(provider.id, true, message, &msg.identificatie)
                .await?
                .is_some(),
            assignments: assignments
                .iter()
                .map(|(n, (_, deliveries, client))| {
                    (
                        *n,
                        AssignmentState {
                            bsn: client
                                .as_ref()
                                .and_then(|c| c.bsn.as_ref())
                                .map(|b| b.as_str().to_string())
                                .unwrap_or_default(),
                            starts: deliveries
                                .iter()
                                .map(|d| (d.start_date, d.end_date))
                                .collect(),
                        },
                    )
                })
                .collect(),
        };
        let today = self.clock.today();
        let mut judgement = regie::judge(&msg, &loaded, today);
        // The domain's own rules for what the message would change; a line
        // they refuse cannot be coupled to its assignment (9019).
        let mut effects = Vec::new();
        let mut changed_stays = Vec::new();
        if judgement.accepted() {
            for (i, line) in msg.lines.iter().enumerate() {
                let Some((a, deliveries, _)) = line.toewijzing.and_then(|n| assignments.get(&n))
                else {
                    continue;
                };
                match self.line_effects(a, deliveries, message, line).await? {
                    Some((mut e, stay)) => {
                        effects.append(&mut e);
                        changed_stays.extend(stay);
                    }
                    None => judgement.lines[i] = code::UNKNOWN_ASSIGNMENT,
                }
            }
            if !judgement.accepted() {
                effects.clear();
                changed_stays.clear();
            }
        }
        let client_id = assignments.values().next().map(|(a, _, _)| a.client_id);
        self.answer_received(
            ctx,
            r,
            &msg.identificatie,
            judgement,
            effects,
            client_id,
            json!({ "verblijven": changed_stays }),
        )
        .await
    }

    /// Logs a received message with its effects and answers it with its
    /// retour (none for a retour itself), in one transaction; audited with
    /// the codes and `details`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn answer_received(
        &self,
        ctx: &RequestContext,
        r: Received<'_>,
        identificatie: &str,
        judgement: regie::Judgement,
        effects: Vec<Effect>,
        client_id: Option<i64>,
        details: serde_json::Value,
    ) -> DomainResult<Receipt> {
        let (provider, message) = (r.provider, r.message);
        let accepted = judgement.accepted();
        let today = self.clock.today();
        let retour = match message.retour() {
            Some(answer) => {
                let number = self.store.next_iwmo_number(answer.number()).await?;
                let node = regie::retour(r.root, &judgement, &number.to_string(), today)
                    .ok_or_else(|| DomainError::Internal("retourbericht niet te maken".into()))?;
                let problems = schema::validate(&node, answer);
                if !problems.is_empty() {
                    return Err(DomainError::Internal(format!(
                        "retourbericht past niet in zijn schema: {problems:?}"
                    )));
                }
                Some((answer, number, xml::write(&node, &[])))
            }
            None => None,
        };
        let mut codes = vec![judgement.header.to_string()];
        codes.extend(judgement.lines.iter().map(|c| c.to_string()));
        let mut remarks = Vec::new();
        if judgement.header != code::NO_REMARK {
            remarks.push(Remark {
                at: "Header".into(),
                code: judgement.header.into(),
                meaning: code::meaning(judgement.header).into(),
            });
        }
        let places = regie::judged_places(r.root, message);
        for (i, c) in judgement.lines.iter().enumerate() {
            if *c != code::NO_REMARK {
                remarks.push(Remark {
                    at: places.get(i).cloned().unwrap_or_default(),
                    code: (*c).into(),
                    meaning: code::meaning(c).into(),
                });
            }
        }
        let status = if accepted {
            MessageStatus::Verwerkt
        } else {
            MessageStatus::Afgekeurd
        };
        let mut audit = json!({ "bericht": format!("WMO{}", message.number()),
            "identificatie": identificatie, "aanbiederId": provider.id,
            "status": status.code(), "retourcodes": codes });
        if let (Some(a), serde_json::Value::Object(more)) = (audit.as_object_mut(), details) {
            a.extend(more);
        }
        let mut draft = self
            .draft(ctx, AuditAction::Created, ObjectType::IwmoBericht, None)
            .with_details(audit);
        if let Some(c) = client_id {
            draft = draft.for_client(c);
        }
        let retour_message = retour.map(|(answer, number, body)| NewMessage {
            incoming: false,
            message: answer,
            provider_id: provider.id,
            client_id,
            identification: number.to_string(),
            status: MessageStatus::Klaargezet,
            codes: codes.clone(),
            body,
        });
        let (logged, retour) = self
            .store
            .receive_iwmo(
                &NewMessage {
                    incoming: true,
                    message,
                    provider_id: provider.id,
                    client_id,
                    identification: identificatie.to_string(),
                    status,
                    codes: codes.clone(),
                    body: String::from_utf8_lossy(r.body).into_owned(),
                },
                retour_message.as_ref(),
                &effects,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await?;
        Ok(Receipt {
            message: logged,
            retour,
            remarks,
        })
    }

    /// What one accepted line changes, by the rules of the stay pages; `None`
    /// when those rules refuse it. With the stay it changes, if any.
    async fn line_effects(
        &self,
        a: &Assignment,
        deliveries: &[Delivery],
        message: Message,
        line: &regie::Line,
    ) -> DomainResult<Option<(Vec<Effect>, Option<i64>)>> {
        let stay = match a.stay_id {
            Some(id) => Some(self.load_stay(id, None).await?),
            None => None,
        };
        let begin = line.begindatum;
        let key = |effect: Effect, stay: Option<&Stay>| Some((vec![effect], stay.map(|s| s.id)));
        Ok(match (message, line.status) {
            (Message::Wmo305, Status::First) => {
                // A start lies within the assignment.
                if begin < a.start_date || a.end_date.is_some_and(|e| begin > e) {
                    return Ok(None);
                }
                let start = Effect::Start {
                    assignment_id: a.id,
                    start_date: begin,
                };
                match stay.filter(|s| s.end_date.is_none()) {
                    // The stay began on a page: the start confirms it, or
                    // moves it to the day the provider reports.
                    Some(s) if s.start_date == begin => Some((vec![start], None)),
                    Some(s) => {
                        let placement = match self.moved_placement(&s, begin).await {
                            Ok(p) => p,
                            Err(DomainError::Invalid(_)) => return Ok(None),
                            Err(e) => return Err(e),
                        };
                        Some((
                            vec![
                                Effect::StayVersion {
                                    stay_id: s.id,
                                    expected_version: s.version_id,
                                    facts: StayFacts {
                                        start_date: begin,
                                        ..StayFacts::of(&s)
                                    },
                                    placement,
                                },
                                start,
                            ],
                            Some(s.id),
                        ))
                    }
                    None => {
                        if self
                            .check_location(a.product_id, a.provider_id, a.location_id)
                            .await
                            .is_err()
                        {
                            return Ok(None);
                        }
                        Some((
                            vec![
                                Effect::StartStay {
                                    assignment_id: a.id,
                                    stay: NewStay {
                                        client_id: a.client_id,
                                        entry_id: None,
                                        decision_id: Some(a.decision_id),
                                        transferred_from: None,
                                        responsible: a.municipality.clone(),
                                        facts: StayFacts {
                                            product_id: a.product_id,
                                            provider_id: a.provider_id,
                                            location_id: a.location_id,
                                            start_date: begin,
                                            end_date: None,
                                            exit: None,
                                            // iWmo carries care in kind: a
                                            // personal budget is not assigned.
                                            financing: Financing::Zin,
                                            care_level: None,
                                        },
                                    },
                                },
                                start,
                            ],
                            None,
                        ))
                    }
                }
            }
            // Taking a start back leaves the stay as it is: the provider
            // reports the right start next, which moves it.
            (Message::Wmo305, Status::Delete) => key(
                Effect::DeleteStart {
                    assignment_id: a.id,
                    start_date: begin,
                },
                None,
            ),
            (_, Status::First) => {
                let Some((reason, end)) = line.stop.clone() else {
                    return Ok(None);
                };
                let Some(s) = stay.filter(|s| s.start_date <= end) else {
                    return Ok(None);
                };
                let stop = Effect::Stop {
                    assignment_id: a.id,
                    start_date: begin,
                    end_date: end,
                    reason: reason.clone(),
                };
                if s.end_date == Some(end) {
                    return Ok(Some((vec![stop], None)));
                }
                let facts = StayFacts {
                    end_date: Some(end),
                    // An end recorded on a page keeps its destination.
                    exit: s.exit.or(Some(destination(&reason))),
                    ..StayFacts::of(&s)
                };
                Some((
                    vec![
                        Effect::StayVersion {
                            stay_id: s.id,
                            expected_version: s.version_id,
                            facts,
                            placement: None,
                        },
                        stop,
                    ],
                    Some(s.id),
                ))
            }
            (_, Status::Delete) => {
                let stopped = deliveries
                    .iter()
                    .find(|d| d.start_date == begin)
                    .and_then(|d| d.end_date);
                let delete = Effect::DeleteStop {
                    assignment_id: a.id,
                    start_date: begin,
                };
                match stay.filter(|s| s.end_date.is_some() && s.end_date == stopped) {
                    // The stay ended by this stop goes on.
                    Some(s) => Some((
                        vec![
                            Effect::StayVersion {
                                stay_id: s.id,
                                expected_version: s.version_id,
                                facts: StayFacts {
                                    end_date: None,
                                    exit: None,
                                    ..StayFacts::of(&s)
                                },
                                placement: None,
                            },
                            delete,
                        ],
                        Some(s.id),
                    )),
                    None => Some((vec![delete], None)),
                }
            }
        })
    }

    /// The messages of a client (for everyone who may see the client), or
    /// without a client, the provider's own (for a provider's user).
    /// Audited as a list.
    pub async fn iwmo_messages(
        &self,
        ctx: &RequestContext,
        client_id: Option<i64>,
    ) -> DomainResult<Vec<MessageRecord>> {
        let found = match client_id {
            Some(id) => {
                let client = self.load_client(id).await?;
                self.check_client(ctx, &client, Need::Read, AuditAction::Listed)
                    .await?;
                self.store
                    .list_iwmo_messages(provider_of(ctx), &Clients::One(id))
                    .await?
            }
            None => {
                let provider = self
                    .own_provider(ctx, AuditAction::Listed, ObjectType::IwmoBericht)
                    .await?;
                self.store
                    .list_iwmo_messages(Some(provider.id), &Clients::All)
                    .await?
            }
        };
        let mut draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::IwmoBericht, None)
            .with_details(json!({ "aantal": found.len() }));
        if let Some(c) = client_id {
            draft = draft.for_client(c);
        }
        self.store.append_audit(draft).await?;
        Ok(found)
    }

    /// One message with its text. The provider it was exchanged with, and
    /// whoever may see its client; a provider's first download of what
    /// zothuis sent marks it fetched. Audited: the text holds personal data.
    pub async fn iwmo_message(&self, ctx: &RequestContext, id: i64) -> DomainResult<MessageRecord> {
        let found = self
            .store
            .get_iwmo_message(id)
            .await?
            .ok_or_else(no_message)?;
        let own = provider_of(ctx);
        match (own, found.client_id) {
            (Some(p), _) if p == found.provider_id => {}
            (Some(_), _) | (None, None) => return Err(no_message()),
            (None, Some(client_id)) => {
                let client = self.load_client(client_id).await?;
                self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
                    .await?;
            }
        }
        let mut draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::IwmoBericht,
                Some(id.to_string()),
            )
            .with_details(json!({ "bericht": format!("WMO{}", found.message.number()),
                "identificatie": found.identification }));
        if let Some(c) = found.client_id {
            draft = draft.for_client(c);
        }
        if own.is_some() && !found.incoming {
            self.store
                .fetch_iwmo_message(id, self.clock.now_micros(), draft)
                .await
        } else {
            self.store.append_audit(draft).await?;
            Ok(found)
        }
    }

    /// The assignments of a client, for everyone who may see the client
    /// (a provider: its own).
    pub async fn assignments(
        &self,
        ctx: &RequestContext,
        client_id: i64,
    ) -> DomainResult<Vec<Assignment>> {
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Listed)
            .await?;
        let own = provider_of(ctx);
        Ok(self
            .store
            .list_assignments(&Clients::One(client_id))
            .await?
            .into_iter()
            .filter(|a| own.is_none_or(|p| p == a.provider_id))
            .collect())
    }
}

/// The provider a provider's user acts for; none for other roles.
fn provider_of(ctx: &RequestContext) -> Option<i64> {
    match (&ctx.actor.role, &ctx.actor.scope) {
        (Role::Aanbieder, Scope::Aanbieder(own)) => Some(*own),
        _ => None,
    }
}

/// A received message that fits its schema, from the provider that sent it.
#[derive(Clone, Copy)]
pub(super) struct Received<'a> {
    pub provider: &'a Provider,
    pub message: Message,
    pub root: &'a xml::Node,
    pub body: &'a [u8],
}

/// The client as a 301 names them: Geslacht 0 (onbekend, COD046), since
/// zothuis does not keep it.
fn person(client: &Client, bsn: &str) -> Person {
    Person {
        bsn: bsn.to_string(),
        geboortedatum: client.date_of_birth,
        geslacht: "0",
        achternaam: client.family_name.clone(),
        voorvoegsel: None,
        voornamen: Some(client.given_name.clone()).filter(|n| !n.trim().is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_says_where_the_client_went_only_for_death_and_other_care() {
        assert_eq!(destination("02"), ExitDestination::Overleden);
        assert_eq!(destination("38"), ExitDestination::AndereVoorziening);
        assert_eq!(destination("39"), ExitDestination::AndereVoorziening);
        assert_eq!(destination("19"), ExitDestination::Onbekend);
        assert_eq!(destination("31"), ExitDestination::Onbekend);
    }
}
