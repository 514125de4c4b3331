//! Use cases of a provider's requests (WMO315 verzoek om toewijzing, WMO317
//! verzoek om wijziging) and of its retour on a 301 (WMO302). A request
//! that the standard's rules accept becomes a task for the consultant or
//! the waitlist manager of the municipality addressed; their answer is a
//! WMO301 with the provider's reference (IV093), or a WMO319. OP274: a
//! request is answered within 5 working days.

use super::model::*;
use super::regie::{self, code};
use super::schema::Message;
use super::service::{AssignmentInput, Line301, Received, agb, gemeente};
use super::toewijzing::Parties;
use super::verzoek::{self, REJECTION_REASONS, Situation, Verzoekbericht};
use super::xml;
use crate::admin::{RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::service::Need;
use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::GemeenteCode;
use crate::service::Services;
use crate::store::Clients;
use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::json;

/// OP274: the municipality answers a request within 5 working days.
pub const ANSWER_WORKING_DAYS: u32 = 5;

/// The last day to answer a request received on `day`: 5 working days
/// later, weekends skipped (public holidays are not known to zothuis).
pub fn answer_by(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    let mut left = ANSWER_WORKING_DAYS;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

/// What the consultant answers.
#[derive(Debug, Clone, Default)]
pub struct RequestReply {
    /// "toewijzen", "afwijzen" or "in-onderzoek".
    pub antwoord: String,
    /// WJ759, for a refusal.
    pub reden: Option<String>,
    /// The granted decision a new product is assigned under.
    pub beschikking_id: Option<i64>,
    /// Where a new product is delivered; by default where the provider
    /// delivers the client's latest assignment of that product.
    pub locatie_id: Option<i64>,
}

fn not_found() -> DomainError {
    DomainError::NotFound("Dit verzoek bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The municipalities whose requests the actor handles: its own, or
    /// its region's; none: all (an installation-wide actor).
    async fn request_municipalities(
        &self,
        ctx: &RequestContext,
        whole_region: bool,
    ) -> DomainResult<Option<Vec<GemeenteCode>>> {
        let region = match &ctx.actor.scope {
            Scope::Installatie => return Ok(None),
            Scope::Gemeente(code) if !whole_region => return Ok(Some(vec![code.clone()])),
            Scope::Gemeente(code) => match self.store.get_municipality(code).await? {
                Some(m) => m.region_id,
                None => return Ok(Some(vec![code.clone()])),
            },
            Scope::Regio(region) => *region,
            Scope::Aanbieder(_) | Scope::Corporatie(_) => return Ok(Some(Vec::new())),
        };
        Ok(Some(self.region_codes(region).await?))
    }

    /// The requests among `found` the consultant or waitlist manager may
    /// see: of a client they may see (as on the client's page), or for a
    /// client zothuis does not know yet, addressed to their municipality.
    async fn visible_requests(
        &self,
        ctx: &RequestContext,
        found: Vec<IwmoRequest>,
    ) -> DomainResult<Vec<IwmoRequest>> {
        let readable = self
            .readable_among(ctx, found.iter().filter_map(|r| r.client_id))
            .await?;
        let own = self.request_municipalities(ctx, false).await?;
        Ok(found
            .into_iter()
            .filter(|r| match r.client_id {
                Some(c) => readable.ids.contains(&c),
                None => own.as_ref().is_none_or(|o| o.contains(&r.municipality)),
            })
            .collect())
    }

    /// A provider's retour on a 301 zothuis sent: the 301's status becomes
    /// what the provider found (verwerkt, or afgekeurd with its codes).
    pub(super) async fn receive_retour(
        &self,
        ctx: &RequestContext,
        r: Received<'_>,
    ) -> DomainResult<Receipt> {
        let header = r.root.child("Header");
        let text = |path: &[&str]| {
            header
                .and_then(|h| h.text_at(path))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let answered = text(&["BerichtIdentificatie", "Identificatie"]);
        let own = text(&["IdentificatieRetour"]);
        let sent = self
            .store
            .find_iwmo_message(r.provider.id, false, Message::Wmo301, &answered)
            .await?
            .ok_or_else(|| {
                DomainError::invalid(
                    "bericht",
                    format!("deze WMO302 hoort bij geen WMO301 die u van zothuis ontving (identificatie {answered})"),
                )
            })?;
        if self
            .store
            .find_iwmo_message(r.provider.id, true, Message::Wmo302, &own)
            .await?
            .is_some()
        {
            return Err(DomainError::Conflict(format!(
                "Deze WMO302 (identificatie {own}) is al ontvangen."
            )));
        }
        // Every code the provider gave, in the order of the message.
        fn codes(node: &xml::Node, out: &mut Vec<String>) {
            if node.name == "RetourCode" {
                out.push(node.text.trim().to_string());
            }
            for c in &node.children {
                codes(c, out);
            }
        }
        let mut found = Vec::new();
        codes(r.root, &mut found);
        let remarks: Vec<&String> = found.iter().filter(|c| *c != code::NO_REMARK).collect();
        let status = if remarks.is_empty() {
            MessageStatus::Verwerkt
        } else {
            MessageStatus::Afgekeurd
        };
        let judgement = regie::Judgement {
            header: code::NO_REMARK,
            lines: Vec::new(),
        };
        let mut receipt = self
            .answer_received(
                ctx,
                r,
                &own,
                judgement,
                vec![Effect::Answered {
                    message_id: sent.id,
                    status,
                    codes: found.clone(),
                }],
                sent.client_id,
                json!({ "antwoordOp": sent.id, "toewijzingsbericht": status.code(),
                    "codesAanbieder": found }),
            )
            .await?;
        receipt.remarks = remarks
            .into_iter()
            .map(|c| Remark {
                at: format!("WMO301 {}", sent.identification),
                code: c.clone(),
                meaning: code::meaning(c).into(),
            })
            .collect();
        Ok(receipt)
    }

    /// A request from a provider: judged by the standard's rules, answered
    /// with its retour, and when accepted a task per request.
    pub(super) async fn receive_request(
        &self,
        ctx: &RequestContext,
        r: Received<'_>,
    ) -> DomainResult<Receipt> {
        let msg = Verzoekbericht::read(r.root).ok_or_else(|| {
            DomainError::invalid("bericht", "het bericht kon niet worden gelezen")
        })?;
        let municipality = GemeenteCode::parse(&format!("GM{}", msg.gemeente))
            .ok()
            .filter(|_| msg.gemeente.len() == 4);
        let municipality = match municipality {
            Some(code) if self.store.get_municipality(&code).await?.is_some() => code,
            _ => {
                return Err(DomainError::invalid(
                    "Bericht/Header/Ontvanger",
                    format!("gemeente {} is in zothuis niet bekend", msg.gemeente),
                ));
            }
        };
        let client_id = match crate::clients::Bsn::parse(&msg.bsn) {
            Ok(bsn) => self.store.find_client_by_bsn(&bsn).await?,
            Err(_) => None,
        };
        let earlier = self
            .store
            .list_iwmo_requests(&RequestFilter {
                provider_id: Some(r.provider.id),
                ..RequestFilter::default()
            })
            .await?;
        let today = self.clock.today();
        let current = match client_id {
            Some(c) => self
                .store
                .list_assignments(&Clients::One(c))
                .await?
                .into_iter()
                .filter(|a| {
                    a.provider_id == r.provider.id
                        && a.municipality == municipality
                        && a.current_on(today)
                })
                .map(|a| a.id)
                .collect(),
            None => Vec::new(),
        };
        let situation = Situation {
            seen: self
                .store
                .find_iwmo_message(r.provider.id, true, r.message, &msg.identificatie)
                .await?
                .is_some(),
            references: earlier.iter().map(|q| q.reference.clone()).collect(),
            pending: client_id.is_some()
                && earlier
                    .iter()
                    .any(|q| q.client_id == client_id && q.status.pending()),
            current,
        };
        let judgement = verzoek::judge(&msg, &situation, today);
        let effects = if judgement.accepted() {
            msg.asks
                .iter()
                .map(|ask| {
                    Effect::Request(NewRequest {
                        message: r.message,
                        provider_id: r.provider.id,
                        client_id,
                        municipality: municipality.clone(),
                        reference: ask.reference.clone(),
                        reason: ask.reason.clone(),
                        products: ask.products.clone(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let references: Vec<&String> = msg.asks.iter().map(|a| &a.reference).collect();
        self.answer_received(
            ctx,
            r,
            &msg.identificatie,
            judgement,
            effects,
            client_id,
            json!({ "referenties": references }),
        )
        .await
    }

    /// The requests the actor handles (consultant, waitlist manager: of
    /// their municipalities; a provider: its own); only those still to be
    /// answered, or all. Audited as a list.
    pub async fn iwmo_requests(
        &self,
        ctx: &RequestContext,
        pending_only: bool,
    ) -> DomainResult<Vec<IwmoRequest>> {
        let filter = match &ctx.actor.scope {
            Scope::Aanbieder(own) => RequestFilter {
                provider_id: Some(*own),
                pending_only,
                ..RequestFilter::default()
            },
            _ => {
                self.may_answer(ctx, AuditAction::Listed, None).await?;
                RequestFilter {
                    municipalities: self.request_municipalities(ctx, true).await?,
                    pending_only,
                    ..RequestFilter::default()
                }
            }
        };
        let mut found = self.store.list_iwmo_requests(&filter).await?;
        if filter.provider_id.is_none() {
            found = self.visible_requests(ctx, found).await?;
        }
        let draft = self
            .draft(ctx, AuditAction::Listed, ObjectType::IwmoVerzoek, None)
            .with_details(json!({ "aantal": found.len(), "teBeantwoorden": pending_only }));
        self.store.append_audit(draft).await?;
        Ok(found)
    }

    /// One request, for whoever handles it.
    pub async fn iwmo_request(&self, ctx: &RequestContext, id: i64) -> DomainResult<IwmoRequest> {
        let found = self
            .store
            .get_iwmo_request(id)
            .await?
            .ok_or_else(not_found)?;
        match &ctx.actor.scope {
            Scope::Aanbieder(own) if *own == found.provider_id => {}
            Scope::Aanbieder(_) => return Err(not_found()),
            _ => {
                self.may_answer(ctx, AuditAction::Viewed, Some(id)).await?;
                if self
                    .visible_requests(ctx, vec![found.clone()])
                    .await?
                    .is_empty()
                {
                    return Err(not_found());
                }
            }
        }
        let mut draft = self.draft(
            ctx,
            AuditAction::Viewed,
            ObjectType::IwmoVerzoek,
            Some(id.to_string()),
        );
        if let Some(c) = found.client_id {
            draft = draft.for_client(c);
        }
        self.store.append_audit(draft).await?;
        Ok(found)
    }

    /// The consultant and the waitlist manager answer requests; anyone
    /// else is refused (audited).
    async fn may_answer(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        id: Option<i64>,
    ) -> DomainResult<()> {
        self.consultant_only(
            ctx,
            attempted,
            ObjectType::IwmoVerzoek,
            id.map(|i| i.to_string()),
            "een verzoek van een aanbieder beantwoordt de consulent of de wachtlijstbeheerder",
        )
        .await
    }

    /// Answers a request: an assignment (a WMO301 with the provider's
    /// reference), a refusal with its reason or "in onderzoek" (a WMO319).
    pub async fn answer_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        reply: &RequestReply,
    ) -> DomainResult<(IwmoRequest, MessageRecord)> {
        self.may_answer(ctx, AuditAction::Updated, Some(id)).await?;
        let request = self.iwmo_request(ctx, id).await?;
        if !request.status.pending() {
            // TR359, TR365: a request answered finally is not answered again.
            return Err(DomainError::Conflict(
                "Dit verzoek is al beantwoord.".into(),
            ));
        }
        let provider = self
            .store
            .get_provider(request.provider_id)
            .await?
            .ok_or_else(|| DomainError::Internal("aanbieder ontbreekt".into()))?;
        let parties = |identificatie: i64| Parties {
            identificatie: identificatie.to_string(),
            dagtekening: self.clock.today(),
            gemeente: gemeente(&request.municipality),
            agb: agb(&provider).unwrap_or_default().to_string(),
        };
        let now = self.clock.now_micros();
        let (status, rejection, new, changes, message) = match reply.antwoord.trim() {
            "afwijzen" | "in-onderzoek" => {
                let refused = reply.antwoord.trim() == "afwijzen";
                let reason = reply
                    .reden
                    .as_deref()
                    .map(str::trim)
                    .and_then(|r| REJECTION_REASONS.iter().find(|(c, _)| *c == r))
                    .map(|(c, _)| *c);
                if refused && reason.is_none() {
                    return Err(DomainError::invalid(
                        "reden",
                        "kies de reden van de afwijzing",
                    ));
                }
                if !refused && request.status == RequestStatus::InOnderzoek {
                    // TR360: "in onderzoek" is said once.
                    return Err(DomainError::Conflict(
                        "Dit verzoek is al in onderzoek; wijs het toe of af.".into(),
                    ));
                }
                let identification = self.store.next_iwmo_number("319").await?;
                let node = verzoek::antwoord(
                    &parties(identification),
                    &request.reference,
                    if refused { reason } else { None },
                );
                let problems = super::schema::validate(&node, Message::Wmo319);
                if !problems.is_empty() {
                    return Err(DomainError::Internal(format!(
                        "antwoordbericht past niet in zijn schema: {problems:?}"
                    )));
                }
                (
                    if refused {
                        RequestStatus::Afgewezen
                    } else {
                        RequestStatus::InOnderzoek
                    },
                    reason.map(str::to_string),
                    Vec::new(),
                    Vec::new(),
                    NewMessage {
                        incoming: false,
                        message: Message::Wmo319,
                        provider_id: provider.id,
                        client_id: request.client_id,
                        identification: identification.to_string(),
                        status: MessageStatus::Klaargezet,
                        codes: Vec::new(),
                        body: xml::write(&node, &[]),
                    },
                )
            }
            "toewijzen" => {
                let (new, changes, body, identification, client_id) =
                    self.granted(ctx, &request, reply).await?;
                (
                    RequestStatus::Toegewezen,
                    None,
                    new,
                    changes,
                    NewMessage {
                        incoming: false,
                        message: Message::Wmo301,
                        provider_id: provider.id,
                        client_id: Some(client_id),
                        identification: identification.to_string(),
                        status: MessageStatus::Klaargezet,
                        codes: Vec::new(),
                        body,
                    },
                )
            }
            _ => {
                return Err(DomainError::invalid(
                    "antwoord",
                    "kies toewijzen, afwijzen of in onderzoek",
                ));
            }
        };
        let mut draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::IwmoVerzoek,
                Some(id.to_string()),
            )
            .with_details(json!({ "antwoord": status.code(), "redenAfwijzing": rejection,
                "referentieAanbieder": request.reference,
                "bericht": format!("WMO{}", message.message.number()),
                "identificatie": message.identification,
                "toewijzingen": new.iter().map(|a| a.id).collect::<Vec<_>>(),
                "gewijzigd": changes.iter().map(|c| json!({"toewijzing": c.id, "einddatum": c.end.to_string(), "reden": c.reason})).collect::<Vec<_>>() }));
        if let Some(c) = message.client_id {
            draft = draft.for_client(c);
        }
        self.store
            .answer_iwmo_request(
                &RequestAnswer {
                    request_id: id,
                    status,
                    rejection,
                    new,
                    changes,
                    message,
                },
                now,
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// What granting a request assigns and changes, and the 301 that says
    /// so: every current assignment of the client at the provider, the
    /// changed ones with WMO002 12 (geïnitieerd door de aanbieder), the new
    /// ones under the chosen decision, all with the provider's reference.
    #[allow(clippy::type_complexity)]
    async fn granted(
        &self,
        ctx: &RequestContext,
        request: &IwmoRequest,
        reply: &RequestReply,
    ) -> DomainResult<(Vec<NewAssignment>, Vec<ChangedAssignment>, String, i64, i64)> {
        let Some(client_id) = request.client_id else {
            return Err(DomainError::invalid(
                "antwoord",
                "zothuis kent geen cliënt met het BSN van dit verzoek; registreer de cliënt en wijs dan een beschikking toe",
            ));
        };
        let client = self.load_client(client_id).await?;
        self.check_client(ctx, &client, Need::Change, AuditAction::Updated)
            .await?;
        let Some(bsn) = client.bsn.clone() else {
            return Err(DomainError::invalid("antwoord", "de cliënt heeft geen BSN"));
        };
        let provider = self
            .store
            .get_provider(request.provider_id)
            .await?
            .ok_or_else(|| DomainError::Internal("aanbieder ontbreekt".into()))?;
        let today = self.clock.today();
        let existing = self
            .store
            .list_assignments(&Clients::One(client_id))
            .await?;
        let mut v = Validator::new();
        let mut lines: Vec<Line301> = Vec::new();
        let mut changes = Vec::new();
        let now = self.clock.now();
        for p in request.products.iter().filter(|p| p.soort == "wijzigen") {
            let Some(a) = existing.iter().find(|a| Some(a.id) == p.toewijzing) else {
                continue;
            };
            let Some(end) = p.einddatum else {
                v.add(
                    "antwoord",
                    format!(
                        "het verzoek noemt geen nieuwe einddatum voor toewijzing {}",
                        a.id
                    ),
                );
                continue;
            };
            let decision = self
                .store
                .get_decision(a.decision_id)
                .await?
                .ok_or_else(|| DomainError::Internal("beschikking ontbreekt".into()))?;
            if decision.valid_to.is_some_and(|to| end > to) || end < a.start_date {
                v.add(
                    "antwoord",
                    format!(
                        "de gevraagde einddatum {end} van toewijzing {} valt buiten de beschikking; geef eerst een nieuwe beschikking af",
                        a.id
                    ),
                );
                continue;
            }
            changes.push(ChangedAssignment {
                id: a.id,
                end,
                reason: PROVIDER_INITIATED,
            });
            lines.push(Line301 {
                nummer: a.id,
                product_id: a.product_id,
                start: a.start_date,
                end: Some(end),
                reason: Some(PROVIDER_INITIATED),
                reference: Some(request.reference.clone()),
                at: now,
            });
        }
        let mut new = Vec::new();
        for p in request.products.iter().filter(|p| p.soort == "nieuw") {
            let Some(decision_id) = reply.beschikking_id.or(p.beschikking) else {
                v.add(
                    "beschikkingId",
                    "kies de beschikking waaronder het gevraagde product wordt toegewezen",
                );
                continue;
            };
            let prepared = self
                .prepare_assignment(
                    ctx,
                    decision_id,
                    &AssignmentInput {
                        provider_id: Some(provider.id),
                        location_id: match reply.locatie_id {
                            Some(l) => Some(l),
                            None => match self.store.get_decision(decision_id).await? {
                                Some(d) => existing
                                    .iter()
                                    .rev()
                                    .find(|a| {
                                        a.provider_id == provider.id && a.product_id == d.product_id
                                    })
                                    .and_then(|a| a.location_id),
                                None => None,
                            },
                        },
                        start_date: p.ingangsdatum.map(|d| d.to_string()),
                        end_date: p.einddatum.map(|d| d.to_string()),
                    },
                )
                .await?;
            if prepared.client.id != client_id {
                v.add("beschikkingId", "deze beschikking is van een andere cliënt");
                continue;
            }
            let (a, mut with) = self
                .new_assignment(&prepared, Some(&request.reference))
                .await?;
            lines.retain(|l| l.nummer != a.id);
            lines.extend(with.pop());
            new.push(a);
        }
        v.finish()?;
        if new.is_empty() && changes.is_empty() {
            return Err(DomainError::invalid(
                "antwoord",
                "dit verzoek vraagt niets om toe te wijzen; wijs het af of zet het in onderzoek",
            ));
        }
        // OP087: the other current assignments at this provider go along.
        let named: Vec<i64> = lines.iter().map(|l| l.nummer).collect();
        lines.extend(
            existing
                .iter()
                .filter(|a| {
                    a.provider_id == provider.id
                        && a.municipality == request.municipality
                        && a.current_on(today)
                        && !named.contains(&a.id)
                })
                .map(Line301::unchanged),
        );
        let identification = self.store.next_iwmo_number("301").await?;
        let body = self
            .write_301(
                &client,
                bsn.as_str(),
                &provider,
                &request.municipality,
                &lines,
                identification,
                "antwoord",
            )
            .await?;
        Ok((new, changes, body, identification, client_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_answered_within_five_working_days() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Monday → next Monday; Friday → next Friday; Saturday → Friday.
        assert_eq!(answer_by(d("2026-01-12")), d("2026-01-19"));
        assert_eq!(answer_by(d("2026-01-16")), d("2026-01-23"));
        assert_eq!(answer_by(d("2026-01-17")), d("2026-01-23"));
    }
}
