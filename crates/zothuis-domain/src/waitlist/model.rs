//! Waiting-list entries and their transitions.

use super::status::*;
use crate::error::{DomainError, DomainResult, Validator};
use crate::history::{Effective, Recorded};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};

/// A client on the regional waiting list for a product, opened by a granted
/// decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub client_id: i64,
    pub decision_id: i64,
    pub product_id: i64,
    pub responsible: GemeenteCode,
    /// The decision date: waiting time counts from here.
    pub waiting_since: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// The client's preference, if any: a provider and/or a municipality to live in.
    pub preferred_provider: Option<i64>,
    pub preferred_municipality: Option<GemeenteCode>,
    /// Marked urgent by the waitlist manager, with the reason.
    pub urgent: Option<String>,
}

/// One transition of an entry's status, effective from a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub id: i64,
    pub entry_id: i64,
    pub status: Status,
    pub effective_date: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub supersedes: Option<i64>,
    pub retracted: bool,
}

impl Recorded for Transition {
    fn row_id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        self.supersedes
    }
    fn is_retraction(&self) -> bool {
        self.retracted
    }
}

impl Effective for Transition {
    fn effective_date(&self) -> NaiveDate {
        self.effective_date
    }
}

/// An entry with its status on a peildatum, as known at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryState {
    pub entry: Entry,
    pub status: Status,
    pub status_since: NaiveDate,
    /// Days from the decision to the peildatum.
    pub waiting_days: i64,
    /// Days in the current status on the peildatum.
    pub days_in_status: i64,
}

#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    pub status: String,
    pub reason: Option<String>,
    pub provider_id: Option<i64>,
    pub effective_date: String,
    pub note: Option<String>,
    /// The (latest) transition this one corrects.
    pub supersedes: Option<i64>,
    /// Withdraw the superseded transition without a replacement.
    pub retract: bool,
}

#[derive(Debug, Clone)]
pub struct TransitionData {
    pub entry_id: i64,
    pub status: Status,
    pub effective_date: NaiveDate,
    pub note: Option<String>,
    pub supersedes: Option<i64>,
    pub retracted: bool,
}

impl TransitionInput {
    pub fn parse(&self, entry_id: i64) -> DomainResult<TransitionData> {
        let mut v = Validator::new();
        let effective = v.check("ingangsdatum", crate::Datum::parse(&self.effective_date));
        let reason = optional(&self.reason).unwrap_or("");
        let status = match self.status.trim() {
            "aangemeld" => Some(Status::Aangemeld),
            "actief-wachtend" => Some(Status::ActiefWachtend),
            "passief-wachtend" => v
                .check("reden", PassiveReason::parse(reason))
                .map(Status::PassiefWachtend),
            "in-screening" => match self.provider_id {
                Some(provider_id) => Some(Status::InScreening { provider_id }),
                None => {
                    v.add("aanbiederId", "kies de aanbieder die screent");
                    None
                }
            },
            "geplaatst" => Some(Status::Geplaatst),
            "afgevoerd" => v
                .check("reden", RemovalReason::parse(reason))
                .map(Status::Afgevoerd),
            _ => {
                v.add("status", "kies een status uit de lijst");
                None
            }
        };
        let note = optional(&self.note).map(str::to_string);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            v.add(
                "toelichting",
                "de toelichting is te lang (hoogstens 2000 tekens)",
            );
        }
        v.finish()?;
        let (Some(status), Some(effective)) = (status, effective) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(TransitionData {
            entry_id,
            status,
            effective_date: effective.0,
            note,
            supersedes: None,
            retracted: false,
        })
    }
}

/// The state of an entry on `day` as known at `known_at`; `None` before its
/// first transition.
pub fn state_on(
    entry: &Entry,
    transitions: &[Transition],
    day: NaiveDate,
    known_at: DateTime<Utc>,
) -> Option<EntryState> {
    let t = crate::history::in_force_on(transitions, day, known_at)?;
    Some(EntryState {
        entry: entry.clone(),
        status: t.status,
        status_since: t.effective_date,
        waiting_days: (day - entry.waiting_since).num_days().max(0),
        days_in_status: (day - t.effective_date).num_days().max(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_passive_or_removed_status_needs_its_reason() {
        let input = TransitionInput {
            status: "passief-wachtend".into(),
            effective_date: "2026-01-10".into(),
            ..Default::default()
        };
        match input.parse(1) {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "reden"),
            other => panic!("{other:?}"),
        }
        let ok = TransitionInput {
            reason: Some("klinische-opname".into()),
            ..input
        };
        assert_eq!(
            ok.parse(1).unwrap().status,
            Status::PassiefWachtend(PassiveReason::KlinischeOpname)
        );
    }

    #[test]
    fn screening_names_the_provider() {
        let input = TransitionInput {
            status: "in-screening".into(),
            effective_date: "2026-01-10".into(),
            ..Default::default()
        };
        assert!(input.parse(1).is_err());
        let ok = TransitionInput {
            provider_id: Some(3),
            ..input
        };
        assert_eq!(
            ok.parse(1).unwrap().status,
            Status::InScreening { provider_id: 3 }
        );
    }

    #[test]
    fn waiting_time_counts_from_the_decision_and_status_time_from_the_transition() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let entry = Entry {
            id: 1,
            client_id: 1,
            decision_id: 1,
            product_id: 1,
            responsible: GemeenteCode::parse("GM0406").unwrap(),
            waiting_since: d("2025-10-01"),
            created_at: at,
            preferred_provider: None,
            preferred_municipality: None,
            urgent: None,
        };
        let t = |id, status, from: &str| Transition {
            id,
            entry_id: 1,
            status,
            effective_date: d(from),
            note: None,
            recorded_at: at,
            recorded_by: "t".into(),
            supersedes: None,
            retracted: false,
        };
        let rows = vec![
            t(1, Status::Aangemeld, "2025-10-01"),
            t(2, Status::ActiefWachtend, "2025-11-01"),
        ];
        let s = state_on(&entry, &rows, d("2025-12-01"), at).unwrap();
        assert_eq!(
            (s.status, s.waiting_days, s.days_in_status),
            (Status::ActiefWachtend, 61, 30)
        );
        assert!(state_on(&entry, &rows, d("2025-09-30"), at).is_none());
    }
}
