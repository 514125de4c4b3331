//! What zothuis keeps of its iWmo exchange: the assignments it made
//! (toewijzingen, each with its ToewijzingNummer), the messages it sent and
//! received with their retour status, and the starts and stops the
//! providers reported against each assignment.

use super::schema::Message;
use crate::care::StayFacts;
use crate::reference::GemeenteCode;
use crate::store::NewStay;
use crate::waitlist::TransitionData;
use chrono::{DateTime, NaiveDate, Utc};

/// An assignment of a granted decision to a provider (WMO301
/// ToegewezenProduct). Its id is the ToewijzingNummer: kept for the life
/// of the assignment, also in every change (IV066), and unique within the
/// municipality's Wmo domain (TR332).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub id: i64,
    pub decision_id: i64,
    pub client_id: i64,
    pub provider_id: i64,
    pub location_id: Option<i64>,
    pub product_id: i64,
    /// The municipality that assigns: the decision's responsible one.
    pub municipality: GemeenteCode,
    /// Ingangsdatum and Einddatum of the assignment.
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// The stay the assignment is delivered in, once there is one.
    pub stay_id: Option<i64>,
    /// WMO002 reden wijziging of the latest change, if any, and its moment:
    /// the assignment's Toewijzingsdatum and -tijd from then on (IV013).
    pub change_reason: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// The provider's ReferentieAanbieder of the request this assignment
    /// answers, given in its 301s (IV093); none when not asked for.
    pub reference: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl Assignment {
    /// Taken back as sent in error (WMO002 13): to be treated as never
    /// sent.
    pub fn withdrawn(&self) -> bool {
        self.change_reason.as_deref() == Some(WITHDRAWN)
    }

    /// In force on or after `day`: what a 301 to the provider holds
    /// (OP087).
    pub fn current_on(&self, day: NaiveDate) -> bool {
        !self.withdrawn() && self.end_date.is_none_or(|e| e >= day)
    }
}

/// WMO002 13 Verwijderd: an assignment sent in error; its end is its start.
pub const WITHDRAWN: &str = "13";

/// The reasons a municipality gives for changing an assignment, as iWmo 3.2
/// codelist WMO002 names them; 01 is no longer used (CS336), and 04
/// (verlenging) is a new assignment with a new number (IV066), not a change.
pub const CHANGE_REASONS: [(&str, &str); 12] = [
    ("02", "Cliënt overleden"),
    ("03", "Contractwijziging"),
    ("05", "Herbeoordeling: verkorting toewijzing"),
    ("06", "Uitstroom naar ander domein"),
    ("07", "Verhuizing naar een andere gemeente"),
    ("08", "Wijziging leveringsvorm"),
    ("09", "Overstap naar andere aanbieder"),
    ("10", "Overgang naar nieuwe bekostigingssystematiek"),
    ("11", "Gemeentelijke herindeling"),
    ("12", "Geïnitieerd door de aanbieder"),
    (WITHDRAWN, "Verwijderd (ten onrechte verstuurd)"),
    ("14", "Administratieve correctie"),
];

/// An assignment before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssignment {
    pub id: i64,
    pub decision_id: i64,
    pub client_id: i64,
    pub provider_id: i64,
    pub location_id: Option<i64>,
    pub product_id: i64,
    pub municipality: GemeenteCode,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub stay_id: Option<i64>,
    pub reference: Option<String>,
}

/// Where a message stands in the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// Sent by zothuis, not yet fetched by the provider.
    Klaargezet,
    /// Sent by zothuis and fetched by the provider.
    Opgehaald,
    /// Received and applied: its retour carries no remark.
    Verwerkt,
    /// Received and refused whole: its retour names each error.
    Afgekeurd,
}

impl MessageStatus {
    pub fn code(self) -> &'static str {
        match self {
            MessageStatus::Klaargezet => "klaargezet",
            MessageStatus::Opgehaald => "opgehaald",
            MessageStatus::Verwerkt => "verwerkt",
            MessageStatus::Afgekeurd => "afgekeurd",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MessageStatus::Klaargezet => "Klaargezet voor de aanbieder",
            MessageStatus::Opgehaald => "Opgehaald door de aanbieder",
            MessageStatus::Verwerkt => "Ontvangen en verwerkt",
            MessageStatus::Afgekeurd => "Ontvangen en afgekeurd",
        }
    }

    pub fn parse(s: &str) -> Option<MessageStatus> {
        [
            MessageStatus::Klaargezet,
            MessageStatus::Opgehaald,
            MessageStatus::Verwerkt,
            MessageStatus::Afgekeurd,
        ]
        .into_iter()
        .find(|m| m.code() == s)
    }
}

/// A message as logged. `codes` are the retourcodes (WJ001) of a received
/// message's retour, header first; empty for what zothuis sent.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    pub id: i64,
    pub incoming: bool,
    pub message: Message,
    pub provider_id: i64,
    pub client_id: Option<i64>,
    pub identification: String,
    /// The message this one answers (a retour answers what it was sent for).
    pub answers: Option<i64>,
    pub status: MessageStatus,
    pub codes: Vec<String>,
    pub body: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub fetched_at: Option<DateTime<Utc>>,
}

/// A message before it is logged.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub incoming: bool,
    pub message: Message,
    pub provider_id: i64,
    pub client_id: Option<i64>,
    pub identification: String,
    pub status: MessageStatus,
    pub codes: Vec<String>,
    pub body: String,
}

/// A start (WMO305) reported against an assignment, with its stop (WMO307)
/// once reported; keyed as the standard keys them, by assignment and
/// Begindatum (TR074).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub assignment_id: i64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// WMO588 reden beëindiging of the stop.
    pub end_reason: Option<String>,
}

/// What applying an accepted start or stop does, all in the transaction
/// that logs the message and its retour.
#[derive(Debug, Clone)]
pub enum Effect {
    /// A start of an assignment without a stay: the stay begins.
    StartStay { assignment_id: i64, stay: NewStay },
    /// A new version of the assignment's stay (its start moved, its end set
    /// or taken back), with the placement moved along where it must be.
    StayVersion {
        stay_id: i64,
        expected_version: i64,
        facts: StayFacts,
        placement: Option<TransitionData>,
    },
    /// The start is recorded against its assignment.
    Start {
        assignment_id: i64,
        start_date: NaiveDate,
    },
    /// A start is taken back (StatusAanlevering 3).
    DeleteStart {
        assignment_id: i64,
        start_date: NaiveDate,
    },
    /// The stop of a start is recorded.
    Stop {
        assignment_id: i64,
        start_date: NaiveDate,
        end_date: NaiveDate,
        reason: String,
    },
    /// A stop is taken back (StatusAanlevering 3).
    DeleteStop {
        assignment_id: i64,
        start_date: NaiveDate,
    },
    /// A request (WMO315, WMO317) becomes a task for the consultant; it
    /// names the message received.
    Request(NewRequest),
    /// The provider's retour (WMO302) on a 301 zothuis sent: its status
    /// and codes.
    Answered {
        message_id: i64,
        status: MessageStatus,
        codes: Vec<String>,
    },
}

/// Where a provider's request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Received, not yet answered.
    Open,
    /// Answered with a WMO319 "aanvraag in onderzoek" (WJ760 2): still to
    /// be answered finally.
    InOnderzoek,
    /// Answered with a WMO301.
    Toegewezen,
    /// Answered with a WMO319 "verzoek afgewezen" (WJ760 1).
    Afgewezen,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 4] = [
        RequestStatus::Open,
        RequestStatus::InOnderzoek,
        RequestStatus::Toegewezen,
        RequestStatus::Afgewezen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::InOnderzoek => "in-onderzoek",
            RequestStatus::Toegewezen => "toegewezen",
            RequestStatus::Afgewezen => "afgewezen",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Open => "Te beantwoorden",
            RequestStatus::InOnderzoek => "In onderzoek",
            RequestStatus::Toegewezen => "Toegewezen",
            RequestStatus::Afgewezen => "Afgewezen",
        }
    }

    pub fn parse(s: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Still to be answered finally (TR374: no new request meanwhile).
    pub fn pending(self) -> bool {
        matches!(self, RequestStatus::Open | RequestStatus::InOnderzoek)
    }
}

/// A provider's request for an assignment (WMO315, one per
/// AangevraagdProduct) or for a change (WMO317), as a task for the
/// consultant.
#[derive(Debug, Clone, PartialEq)]
pub struct IwmoRequest {
    pub id: i64,
    /// The message that carried it.
    pub message_id: i64,
    /// WMO315 or WMO317.
    pub message: Message,
    pub provider_id: i64,
    /// The client with the message's BSN, when zothuis knows one.
    pub client_id: Option<i64>,
    /// The municipality addressed (Ontvanger).
    pub municipality: GemeenteCode,
    /// ReferentieAanbieder: the provider's key of the request.
    pub reference: String,
    /// WJ758 RedenVerzoek (317 only).
    pub reason: Option<String>,
    pub products: Vec<super::verzoek::Requested>,
    pub status: RequestStatus,
    /// WJ759 reden afwijzing, for a refusal.
    pub rejection: Option<String>,
    /// The 301 or 319 of the latest answer.
    pub answer_message_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
}

/// A request before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub message: Message,
    pub provider_id: i64,
    pub client_id: Option<i64>,
    pub municipality: GemeenteCode,
    pub reference: String,
    pub reason: Option<String>,
    pub products: Vec<super::verzoek::Requested>,
}

/// An assignment changed by an answer: its new end and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedAssignment {
    /// The assignment's number.
    pub id: i64,
    pub end: NaiveDate,
    /// WMO002: `PROVIDER_INITIATED` for a change on the provider's request.
    pub reason: &'static str,
}

/// WMO002 12, "Geïnitieerd door de aanbieder": an assignment changed on
/// the provider's request (WMO317).
pub const PROVIDER_INITIATED: &str = "12";

/// The consultant's answer to a request, written in one transaction: the
/// assignments made and changed (for a 301), the message, and the
/// request's new status.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestAnswer {
    pub request_id: i64,
    pub status: RequestStatus,
    pub rejection: Option<String>,
    pub new: Vec<NewAssignment>,
    /// Assignments changed on request, with their reason.
    pub changes: Vec<ChangedAssignment>,
    pub message: NewMessage,
}

/// What receiving a message did: the message as logged, and the retour
/// written for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub message: MessageRecord,
    /// None for a retour received (WMO302): a retour is not answered.
    pub retour: Option<MessageRecord>,
    /// The retourcodes with their meaning, where something was refused.
    pub remarks: Vec<Remark>,
}

/// One refusal in a retour, said for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Remark {
    /// Where: "Header" or the line ("StartProduct 2").
    pub at: String,
    pub code: String,
    pub meaning: String,
}

/// Which requests to list: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    pub provider_id: Option<i64>,
    /// Addressed to one of these municipalities.
    pub municipalities: Option<Vec<GemeenteCode>>,
    pub client_id: Option<i64>,
    /// Only those still to be answered finally.
    pub pending_only: bool,
}
