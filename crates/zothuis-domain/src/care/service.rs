//! Use cases of care: providers record screening outcomes; a placement starts
//! a stay and ends the waiting-list entry; a stay ends with an exit
//! destination, or in a transfer (an end plus a linked new start).

use super::model::*;
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::clients::service::Need;
use crate::error::{DomainError, DomainResult, Validator};
use crate::history::timeline;
use crate::reference::{CareLevel, Financing};
use crate::service::Services;
use crate::store::{Clients, NewStay};
use crate::waitlist::{Status, TransitionData, check_transition};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

fn no_stay() -> DomainError {
    DomainError::NotFound("Dit verblijf bestaat niet of is voor u niet zichtbaar".into())
}

fn no_screening() -> DomainError {
    DomainError::NotFound("Deze screening bestaat niet of is voor u niet zichtbaar".into())
}

/// Whether the entry may be geplaatst on `start` after its `previous` status;
/// a refusal names the stay's start date, the field the user typed.
fn check_placement(previous: Option<(Status, NaiveDate)>, start: NaiveDate) -> DomainResult<()> {
    check_transition(previous, Status::Geplaatst, start).map_err(|e| match e {
        DomainError::Invalid(mut errs) => {
            for f in &mut errs {
                f.field = "startdatum".into();
            }
            DomainError::Invalid(errs)
        }
        other => other,
    })
}

impl Services {
    /// The provider itself, or the regional waitlist manager, acts on a
    /// screening or stay of `provider_id`.
    async fn may_act_for_provider(
        &self,
        ctx: &RequestContext,
        provider_id: i64,
        client_id: i64,
        attempted: AuditAction,
        object: ObjectType,
    ) -> DomainResult<()> {
        let client = self.load_client(client_id).await?;
        match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Aanbieder, Scope::Aanbieder(own)) if *own == provider_id => {
                self.check_client(ctx, &client, Need::Read, attempted).await
            }
            (Role::Wachtlijstbeheerder, _) => {
                self.check_client(ctx, &client, Need::Change, attempted)
                    .await
            }
            _ => {
                const REASON: &str =
                    "alleen de aanbieder zelf of de wachtlijstbeheerder legt dit vast";
                let refused: DomainResult<()> =
                    self.deny(ctx, attempted, object, None, REASON).await;
                if !matches!(refused, Err(DomainError::Forbidden(_))) {
                    return refused;
                }
                // Whoever does not see the client must not learn that this
                // screening or stay exists (see `check_client`).
                if self.may_read_client(ctx, &client).await? {
                    refused
                } else {
                    Err(DomainError::NotFound(
                        "Dit gegeven bestaat niet of is voor u niet zichtbaar".into(),
                    ))
                }
            }
        }
    }

    /// Screenings the actor may see: a provider its own, the waitlist manager
    /// and consultants those of clients they see. `open` keeps those without
    /// outcome. As known at `known_at` (default now): only in-screening
    /// transitions in force then (not corrected or withdrawn), with their
    /// outcome if it was recorded by then.
    pub async fn list_screenings(
        &self,
        ctx: &RequestContext,
        open_only: bool,
        known_at: Option<DateTime<Utc>>,
        page: crate::paging::PageRequest,
    ) -> DomainResult<crate::paging::Page<Screening>> {
        let provider = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Aanbieder, Scope::Aanbieder(p)) => Some(*p),
            _ => None,
        };
        let moment = known_at.unwrap_or_else(|| self.clock.now());
        let load = |scope: Clients| async move {
            let filter = crate::store::ScreeningFilter {
                provider_id: provider,
                in_force_at: Some(moment),
                ..Default::default()
            };
            Ok(self
                .store
                .list_screenings(&scope, &filter)
                .await?
                .into_iter()
                .map(|mut s| {
                    if s.outcome.as_ref().is_some_and(|o| o.recorded_at > moment) {
                        s.outcome = None;
                    }
                    s
                })
                .filter(|s| !open_only || s.outcome.is_none())
                .collect())
        };
        self.scoped(
            ctx,
            ObjectType::Screening,
            load,
            |s: &Screening| s.client_id,
            page,
        )
        .await
    }

    /// Records the outcome of a screening. A refusal sends the client back to
    /// active waiting on the same date, with the reason in the note.
    pub async fn record_screening(
        &self,
        ctx: &RequestContext,
        screening_id: i64,
        input: &ScreeningInput,
    ) -> DomainResult<()> {
        let screening = self
            .store
            .get_screening(screening_id)
            .await?
            .ok_or_else(no_screening)?;
        self.may_act_for_provider(
            ctx,
            screening.provider_id,
            screening.client_id,
            AuditAction::Created,
            ObjectType::Screening,
        )
        .await?;
        if screening.outcome.is_some() {
            return Err(DomainError::Conflict(
                "Voor deze screening is de uitkomst al vastgelegd.".into(),
            ));
        }
        let (result, decided_on, note) = input.parse()?;
        if decided_on < screening.started_on {
            return Err(DomainError::invalid(
                "datum",
                "de datum ligt vóór het begin van de screening",
            ));
        }
        let rows = self
            .store
            .list_transitions(Some(screening.entry_id))
            .await?;
        let history = timeline(&rows, self.clock.now());
        if history.last().map(|t| t.id) != Some(screening.id) {
            return Err(DomainError::Conflict(
                "De wachtlijststatus is sinds het begin van deze screening veranderd; de uitkomst kan niet meer worden vastgelegd.".into(),
            ));
        }
        let follow_up = match result {
            ScreeningResult::Accepted => None,
            ScreeningResult::Declined { by, reason } => Some(TransitionData {
                entry_id: screening.entry_id,
                status: Status::ActiefWachtend,
                effective_date: decided_on,
                note: Some(format!(
                    "Screening afgewezen door {}: {}",
                    by.label().to_lowercase(),
                    reason.label().to_lowercase()
                )),
                supersedes: None,
                retracted: false,
            }),
        };
        let (outcome, by, reason) = match result {
            ScreeningResult::Accepted => ("geaccepteerd", None, None),
            ScreeningResult::Declined { by, reason } => {
                ("afgewezen", Some(by.code()), Some(reason.code()))
            }
        };
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Screening,
                Some(screening_id.to_string()),
            )
            .for_client(screening.client_id)
            .with_details(
                json!({ "uitkomst": outcome, "afgewezenDoor": by, "reden": reason,
                "datum": decided_on.to_string() }),
            );
        self.store
            .record_screening_outcome(
                screening_id,
                result,
                decided_on,
                note.as_deref(),
                follow_up.as_ref(),
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Checks a location for a product and provider; at-home products have none.
    pub(crate) async fn check_location(
        &self,
        product_id: i64,
        provider_id: i64,
        location_id: Option<i64>,
    ) -> DomainResult<()> {
        let product = self
            .store
            .get_product(product_id)
            .await?
            .ok_or_else(|| DomainError::invalid("productId", "dit product bestaat niet"))?;
        let location =
            match location_id {
                Some(l) => Some(self.store.get_location(l).await?.ok_or_else(|| {
                    DomainError::invalid("locatieId", "deze locatie bestaat niet")
                })?),
                None => None,
            };
        check_stay_location(&product, provider_id, location.as_ref())
            .map_err(|m| DomainError::invalid("locatieId", m))
    }

    /// Places a client in screening with a provider: starts the stay and ends
    /// the waiting-list entry as geplaatst on the start date.
    pub async fn place(
        &self,
        ctx: &RequestContext,
        entry_id: i64,
        input: &PlacementInput,
    ) -> DomainResult<Stay> {
        let entry = self.store.get_entry(entry_id).await?.ok_or_else(|| {
            DomainError::NotFound(
                "Deze inschrijving bestaat niet of is voor u niet zichtbaar".into(),
            )
        })?;
        let rows = self.store.list_transitions(Some(entry_id)).await?;
        let history = timeline(&rows, self.clock.now());
        let current = history.last().map(|t| (t.status, t.effective_date));
        let Some((Status::InScreening { provider_id }, _)) = current else {
            return Err(DomainError::Conflict(
                "Alleen een cliënt die in screening is bij een aanbieder kan worden geplaatst."
                    .into(),
            ));
        };
        self.may_act_for_provider(
            ctx,
            provider_id,
            entry.client_id,
            AuditAction::Created,
            ObjectType::Verblijf,
        )
        .await?;
        let mut v = Validator::new();
        let start = v.check("startdatum", crate::Datum::parse(&input.start_date));
        let (financing, care_level) = input.funding.check(&mut v, (Financing::Zin, None));
        v.finish()?;
        let Some(start) = start else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        check_placement(current, start.0)?;
        self.check_location(entry.product_id, provider_id, input.location_id)
            .await?;
        let facts = StayFacts {
            product_id: entry.product_id,
            provider_id,
            location_id: input.location_id,
            start_date: start.0,
            end_date: None,
            exit: None,
            financing,
            care_level,
        };
        let placement = TransitionData {
            entry_id,
            status: Status::Geplaatst,
            effective_date: start.0,
            note: Some("Geplaatst: verblijf gestart".into()),
            supersedes: None,
            retracted: false,
        };
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Verblijf, None)
            .for_client(entry.client_id)
            .with_details(
                json!({ "wachtlijstId": entry_id, "aanbiederId": provider_id,
                "locatieId": input.location_id, "startdatum": start.0.to_string(),
                "financieringsvorm": financing.code(), "zorgzwaarte": care_level.map(CareLevel::get) }),
            );
        self.store
            .create_stay(
                &NewStay {
                    client_id: entry.client_id,
                    entry_id: Some(entry_id),
                    decision_id: None,
                    transferred_from: None,
                    responsible: entry.responsible.clone(),
                    facts,
                },
                Some(&placement),
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    pub(crate) async fn load_stay(
        &self,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Stay> {
        let header = self.store.get_stay_header(id).await?.ok_or_else(no_stay)?;
        let versions: Vec<_> = self
            .store
            .list_stay_versions(&Clients::One(header.client_id))
            .await?
            .into_iter()
            .filter(|v| v.stay_id == id)
            .collect();
        stay_at(
            &header,
            &versions,
            known_at.unwrap_or_else(|| self.clock.now()),
        )
        .ok_or_else(no_stay)
    }

    /// One stay as known at a moment. Audited.
    pub async fn get_stay(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Stay> {
        let stay = self.load_stay(id, known_at).await?;
        let client = self.load_client(stay.client_id).await?;
        self.check_client(ctx, &client, Need::Read, AuditAction::Viewed)
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => no_stay(),
                other => other,
            })?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Verblijf,
                Some(id.to_string()),
            )
            .for_client(stay.client_id);
        self.store.append_audit(draft).await?;
        Ok(stay)
    }

    /// The stays the actor may see, as known at a moment, optionally those
    /// running on a day: a provider its own.
    pub async fn list_stays(
        &self,
        ctx: &RequestContext,
        client_id: Option<i64>,
        active_on: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
        page: crate::paging::PageRequest,
    ) -> DomainResult<crate::paging::Page<Stay>> {
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let own_provider = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Aanbieder, Scope::Aanbieder(p)) => Some(*p),
            _ => None,
        };
        if known_at.is_none() {
            // As known now: the keys of the stays in force decide the page,
            // whose stays alone are read in full (`scoped_keys`).
            let now = self.clock.now();
            return self
                .scoped_keys(
                    ctx,
                    ObjectType::Verblijf,
                    |scope| async move {
                        let clients = client_id.map_or(scope, Clients::One);
                        self.store
                            .current_stay_keys(&clients, active_on, own_provider)
                            .await
                    },
                    |shown| async move {
                        let (headers, versions) = self
                            .store
                            .list_current_stays(&shown, None, active_on)
                            .await?;
                        Ok(stays_at(&headers, &versions, now))
                    },
                    |st: &Stay| st.id,
                    page,
                )
                .await;
        }
        // An earlier moment reads every version of the scope's stays.
        let load = |scope: Clients| async move {
            let clients = client_id.map_or(scope, Clients::One);
            let headers = self.store.list_stay_headers(&clients).await?;
            let versions = self.store.list_stay_versions(&clients).await?;
            Ok(stays_at(&headers, &versions, k)
                .into_iter()
                .filter(|st| own_provider.is_none_or(|p| p == st.provider_id))
                .filter(|st| active_on.is_none_or(|d| st.is_active_on(d)))
                .collect())
        };
        self.scoped(
            ctx,
            ObjectType::Verblijf,
            load,
            |st: &Stay| st.client_id,
            page,
        )
        .await
    }

    /// Ends a stay with its exit destination.
    pub async fn end_stay(
        &self,
        ctx: &RequestContext,
        stay_id: i64,
        expected_version: i64,
        input: &ExitInput,
    ) -> DomainResult<Stay> {
        let stay = self.load_stay(stay_id, None).await?;
        self.may_act_for_provider(
            ctx,
            stay.provider_id,
            stay.client_id,
            AuditAction::Updated,
            ObjectType::Verblijf,
        )
        .await?;
        if stay.end_date.is_some() {
            return Err(DomainError::Conflict(
                "Dit verblijf is al beëindigd; corrigeer zo nodig de einddatum.".into(),
            ));
        }
        let (end, destination) = input.parse(stay.start_date)?;
        let facts = StayFacts {
            end_date: Some(end),
            exit: Some(destination),
            ..StayFacts::of(&stay)
        };
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Verblijf,
                Some(stay_id.to_string()),
            )
            .for_client(stay.client_id)
            .with_details(
                json!({ "einddatum": end.to_string(), "uitstroombestemming": destination.code() }),
            );
        let ended = self
            .store
            .add_stay_version(
                stay_id,
                expected_version,
                &facts,
                None,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await?;
        // WMO002 02 cliënt overleden; otherwise 05 verkorting.
        let reason = if destination == ExitDestination::Overleden {
            "02"
        } else {
            "05"
        };
        self.assignments_follow_stay(ctx, &stay, end, reason)
            .await?;
        Ok(ended)
    }

    /// A transfer: the stay ends on `end_date` (to another provision) and a
    /// linked stay starts the same day with the new product and place.
    #[allow(clippy::too_many_arguments)]
    pub async fn transfer_stay(
        &self,
        ctx: &RequestContext,
        stay_id: i64,
        expected_version: i64,
        end_date: &str,
        product_id: Option<i64>,
        provider_id: Option<i64>,
        location_id: Option<i64>,
        funding: &FundingInput,
    ) -> DomainResult<Stay> {
        let stay = self.load_stay(stay_id, None).await?;
        self.may_act_for_provider(
            ctx,
            stay.provider_id,
            stay.client_id,
            AuditAction::Created,
            ObjectType::Verblijf,
        )
        .await?;
        if stay.end_date.is_some() {
            return Err(DomainError::Conflict(
                "Dit verblijf is al beëindigd.".into(),
            ));
        }
        let mut v = Validator::new();
        let end = v.check("datum", crate::Datum::parse(end_date));
        if end.is_some_and(|e| e.0 < stay.start_date) {
            v.add(
                "datum",
                "de overplaatsing ligt vóór het begin van het verblijf",
            );
        }
        let product_id = product_id.unwrap_or(stay.product_id);
        let provider_id = provider_id.unwrap_or(stay.provider_id);
        let (financing, care_level) = funding.check(&mut v, (stay.financing, stay.care_level));
        v.finish()?;
        let Some(end) = end else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        if self.store.get_provider(provider_id).await?.is_none() {
            return Err(DomainError::invalid(
                "aanbiederId",
                "deze aanbieder bestaat niet",
            ));
        }
        self.check_location(product_id, provider_id, location_id)
            .await?;
        let ended = StayFacts {
            end_date: Some(end.0),
            exit: Some(ExitDestination::AndereVoorziening),
            ..StayFacts::of(&stay)
        };
        let next = NewStay {
            client_id: stay.client_id,
            entry_id: None,
            // The figures take the residence of the stay it continues.
            decision_id: None,
            transferred_from: Some(stay_id),
            responsible: stay.responsible.clone(),
            facts: StayFacts {
                product_id,
                provider_id,
                location_id,
                start_date: end.0,
                end_date: None,
                exit: None,
                financing,
                care_level,
            },
        };
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Verblijf, None)
            .for_client(stay.client_id)
            .with_details(
                json!({ "overplaatsingVan": stay_id, "datum": end.0.to_string(),
                "productId": product_id, "aanbiederId": provider_id, "locatieId": location_id,
                "financieringsvorm": financing.code(), "zorgzwaarte": care_level.map(CareLevel::get) }),
            );
        let next = self
            .store
            .transfer_stay(
                stay_id,
                expected_version,
                &ended,
                &next,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await?;
        // The assignment at the provider left ends with the stay (WMO002 09
        // overstap naar andere aanbieder; 05 for another product there).
        // The same product and provider at another place go on under it.
        let reason = if provider_id != stay.provider_id {
            Some("09")
        } else if product_id != stay.product_id {
            Some("05")
        } else {
            None
        };
        if let Some(reason) = reason {
            self.assignments_follow_stay(ctx, &stay, end.0, reason)
                .await?;
        }
        Ok(next)
    }

    /// Corrects the dates or place of a stay; the earlier version stays, so
    /// figures as known before the correction do not change.
    pub async fn correct_stay(
        &self,
        ctx: &RequestContext,
        stay_id: i64,
        expected_version: i64,
        input: &CorrectionInput,
    ) -> DomainResult<Stay> {
        let stay = self.load_stay(stay_id, None).await?;
        self.may_act_for_provider(
            ctx,
            stay.provider_id,
            stay.client_id,
            AuditAction::Updated,
            ObjectType::Verblijf,
        )
        .await?;
        let mut v = Validator::new();
        let start = v.check("startdatum", crate::Datum::parse(&input.start_date));
        let end = crate::reference::optional(&input.end_date)
            .and_then(|e| v.check("einddatum", crate::Datum::parse(e)));
        if let (Some(s), Some(e)) = (start, end)
            && e.0 < s.0
        {
            v.add("einddatum", "de einddatum ligt vóór de startdatum");
        }
        if end.is_some() && stay.exit.is_none() {
            v.add(
                "einddatum",
                "beëindig het verblijf met een uitstroombestemming in plaats van een correctie",
            );
        }
        let (financing, care_level) = input
            .funding
            .check(&mut v, (stay.financing, stay.care_level));
        v.finish()?;
        let Some(start) = start else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let location_id = input.location_id.or(stay.location_id);
        self.check_location(stay.product_id, stay.provider_id, location_id)
            .await?;
        let placement = self.moved_placement(&stay, start.0).await?;
        let facts = StayFacts {
            product_id: stay.product_id,
            provider_id: stay.provider_id,
            location_id,
            start_date: start.0,
            end_date: end.map(|e| e.0).or(if stay.exit.is_some() {
                stay.end_date
            } else {
                None
            }),
            exit: stay.exit,
            financing,
            care_level,
        };
        let draft = self
            .draft(ctx, AuditAction::Updated, ObjectType::Verblijf, Some(stay_id.to_string()))
            .for_client(stay.client_id)
            .with_details(json!({ "correctie": true, "plaatsingVerplaatst": placement.is_some(),
                "startdatum": { "voor": stay.start_date.to_string(), "na": start.0.to_string() },
                "einddatum": { "voor": stay.end_date.map(|d| d.to_string()), "na": facts.end_date.map(|d| d.to_string()) },
                "financieringsvorm": { "voor": stay.financing.code(), "na": financing.code() },
                "zorgzwaarte": { "voor": stay.care_level.map(CareLevel::get), "na": care_level.map(CareLevel::get) } }));
        self.store
            .add_stay_version(
                stay_id,
                expected_version,
                &facts,
                placement.as_ref(),
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// When a stay that came from the waiting list gets another start date,
    /// the entry's geplaatst transition must move with it: otherwise, on the
    /// days in between, the person counts in a stay and on the list at once,
    /// and the waiting time of the placed keeps the old date. The correction
    /// is a superseding transition, so the list as known before stays
    /// reproducible (DESIGN.md "Time: every figure reproducible").
    pub(crate) async fn moved_placement(
        &self,
        stay: &Stay,
        new_start: NaiveDate,
    ) -> DomainResult<Option<TransitionData>> {
        let Some(entry_id) = stay.entry_id else {
            return Ok(None);
        };
        if stay.transferred_from.is_some() || new_start == stay.start_date {
            return Ok(None);
        }
        let rows = self.store.list_transitions(Some(entry_id)).await?;
        let history = timeline(&rows, self.clock.now());
        let Some((placed, before)) = history.split_last() else {
            return Ok(None);
        };
        if placed.status != Status::Geplaatst {
            return Ok(None);
        }
        let previous = before.last().map(|t| (t.status, t.effective_date));
        check_placement(previous, new_start)?;
        Ok(Some(TransitionData {
            entry_id,
            status: Status::Geplaatst,
            effective_date: new_start,
            note: placed.note.clone(),
            supersedes: Some(placed.id),
            retracted: false,
        }))
    }
}

impl Services {
    /// A stay without the waiting list: shelter and short stays are accessed
    /// directly on a granted decision. The consultant of the municipality or
    /// the waitlist manager records it; the provider ends it later.
    pub async fn start_direct_stay(
        &self,
        ctx: &RequestContext,
        decision_id: i64,
        provider_id: Option<i64>,
        location_id: Option<i64>,
        start_date: &str,
        funding: &FundingInput,
    ) -> DomainResult<Stay> {
        let decision = self.store.get_decision(decision_id).await?.ok_or_else(|| {
            DomainError::NotFound(
                "Deze beschikking bestaat niet of is voor u niet zichtbaar".into(),
            )
        })?;
        let client = self.load_client(decision.client_id).await?;
        if !matches!(
            ctx.actor.role,
            Role::WmoConsulent | Role::Wachtlijstbeheerder
        ) {
            return self
                .deny(ctx, AuditAction::Created, ObjectType::Verblijf, None, "een verblijf zonder wachtlijst legt de consulent of de wachtlijstbeheerder vast")
                .await;
        }
        self.check_client(ctx, &client, Need::Change, AuditAction::Created)
            .await?;
        if decision.outcome != crate::access::Outcome::Toegekend {
            return Err(DomainError::invalid(
                "beschikkingId",
                "de beschikking is afgewezen",
            ));
        }
        let product = self
            .store
            .get_product(decision.product_id)
            .await?
            .ok_or_else(|| DomainError::Internal("product ontbreekt".into()))?;
        if product.kind.has_waitlist() {
            return Err(DomainError::invalid(
                "beschikkingId",
                "dit product loopt via de regionale wachtlijst; plaats vanuit de inschrijving",
            ));
        }
        let mut v = Validator::new();
        if provider_id.is_none() {
            v.add("aanbiederId", "kies de aanbieder");
        }
        let start = v.check("startdatum", crate::Datum::parse(start_date));
        if let Some(s) = start
            && s.0 < decision.valid_from.unwrap_or(decision.decided_on)
        {
            v.add(
                "startdatum",
                "het verblijf begint vóór de ingangsdatum van de beschikking",
            );
        }
        let (financing, care_level) = funding.check(&mut v, (Financing::Zin, None));
        v.finish()?;
        let (Some(provider_id), Some(start)) = (provider_id, start) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        self.check_location(product.id, provider_id, location_id)
            .await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Verblijf, None)
            .for_client(client.id)
            .with_details(
                json!({ "beschikkingId": decision_id, "aanbiederId": provider_id,
                "locatieId": location_id, "startdatum": start.0.to_string(),
                "financieringsvorm": financing.code(), "zorgzwaarte": care_level.map(CareLevel::get) }),
            );
        self.store
            .create_stay(
                &NewStay {
                    client_id: client.id,
                    entry_id: None,
                    decision_id: Some(decision.id),
                    transferred_from: None,
                    responsible: decision.responsible.clone(),
                    facts: StayFacts {
                        product_id: product.id,
                        provider_id,
                        location_id,
                        start_date: start.0,
                        end_date: None,
                        exit: None,
                        financing,
                        care_level,
                    },
                },
                None,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }
}
