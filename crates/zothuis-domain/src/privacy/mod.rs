//! The privacy lifecycle of a record (issue 16): the right of access of the
//! person the data are about (AVG art. 15, with art. 20 for the
//! machine-readable copy), answered by the privacy officer with one export
//! of everything zothuis holds about the client (`dossier`).

pub mod dossier;
pub mod retention;
mod retention_service;
mod service;

use crate::clients::Bsn;
use crate::error::{DomainResult, Validator};
use chrono::{DateTime, Months, NaiveDate, Utc};

/// The most characters of how the identity was checked, and of a note.
pub const TEXT_MAX: usize = 500;

/// A request of access as recorded by the privacy officer.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRequest {
    pub id: i64,
    pub client_id: i64,
    /// The privacy officer's region; none for one of the whole installation.
    pub region_id: Option<i64>,
    pub received_on: NaiveDate,
    /// How the privacy officer made sure the person asking is the person
    /// the data are about (AVG art. 12 lid 6), e.g. "paspoort gezien".
    pub identity_check: String,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// The first export: the request is answered.
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
}

impl AccessRequest {
    /// The answer is due within one month of receipt (AVG art. 12 lid 3; the
    /// extension by two months for complex requests must be told to the
    /// person within that month and is not recorded here).
    pub fn due_on(&self) -> NaiveDate {
        due_on(self.received_on)
    }

    /// Whether the answer may be made (again) on `today`: until the request
    /// is answered and on the day it is, so that the readable and the
    /// machine-readable copy can both be made; later, a new request is
    /// needed (the privacy officer reads the record only to answer).
    pub fn open_on(&self, today: NaiveDate) -> bool {
        self.answered_at
            .is_none_or(|at| crate::dates::dutch_local(at).date() >= today)
    }
}

pub fn due_on(received_on: NaiveDate) -> NaiveDate {
    received_on
        .checked_add_months(Months::new(1))
        .unwrap_or(received_on)
}

/// A request as typed: the person by BSN or by client number (someone
/// without a BSN), always with the date of birth, which must match too.
#[derive(Debug, Clone, Default)]
pub struct AccessRequestInput {
    pub bsn: String,
    pub client_number: String,
    pub date_of_birth: String,
    pub received_on: String,
    pub identity_check: String,
    pub note: String,
}

/// Which person a request names.
#[derive(Debug, Clone, PartialEq)]
pub enum Person {
    Bsn(Bsn),
    Number(i64),
}

/// A request as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRequestData {
    pub person: Person,
    pub date_of_birth: NaiveDate,
    pub received_on: NaiveDate,
    pub identity_check: String,
    pub note: Option<String>,
}

fn text(v: &mut Validator, field: &str, typed: &str, required: bool) -> Option<String> {
    let t = typed.trim();
    if t.is_empty() {
        if required {
            v.add(field, "vul dit in");
        }
        return None;
    }
    if t.chars().count() > TEXT_MAX {
        v.add(field, format!("gebruik hoogstens {TEXT_MAX} tekens"));
        return None;
    }
    Some(t.to_string())
}

impl AccessRequestInput {
    pub fn parse(&self, today: NaiveDate) -> DomainResult<AccessRequestData> {
        let mut v = Validator::new();
        let bsn = self.bsn.trim();
        let number = self.client_number.trim();
        let person = match (bsn.is_empty(), number.is_empty()) {
            (true, true) => {
                v.add(
                    "bsn",
                    "vul het BSN in, of het cliëntnummer van iemand zonder BSN",
                );
                None
            }
            (false, false) => {
                v.add(
                    "clientnummer",
                    "vul het BSN of het cliëntnummer in, niet allebei",
                );
                None
            }
            (false, true) => v.check("bsn", Bsn::parse(bsn)).map(Person::Bsn),
            (true, false) => match number.parse::<i64>() {
                Ok(n) if n > 0 => Some(Person::Number(n)),
                _ => {
                    v.add(
                        "clientnummer",
                        "een cliëntnummer is een positief geheel getal",
                    );
                    None
                }
            },
        };
        let born = v.check("geboortedatum", crate::Datum::parse(&self.date_of_birth));
        let received = v.check("ontvangenOp", crate::Datum::parse(&self.received_on));
        if let Some(r) = &received
            && r.0 > today
        {
            v.add(
                "ontvangenOp",
                "een verzoek kan niet in de toekomst zijn ontvangen",
            );
        }
        let identity_check = text(
            &mut v,
            "identiteitGecontroleerd",
            &self.identity_check,
            true,
        );
        let note = text(&mut v, "toelichting", &self.note, false);
        v.finish()?;
        match (person, born, received, identity_check) {
            (Some(person), Some(born), Some(received), Some(identity_check)) => {
                Ok(AccessRequestData {
                    person,
                    date_of_birth: born.0,
                    received_on: received.0,
                    identity_check,
                    note,
                })
            }
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
    }

    fn input() -> AccessRequestInput {
        AccessRequestInput {
            bsn: "999990019".into(),
            date_of_birth: "1990-04-12".into(),
            received_on: "2026-12-01".into(),
            identity_check: "paspoort gezien aan de balie".into(),
            ..Default::default()
        }
    }

    fn fields(e: crate::DomainError) -> Vec<String> {
        match e {
            crate::DomainError::Invalid(es) => es.into_iter().map(|e| e.field).collect(),
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn a_request_names_one_person_with_the_date_of_birth() {
        let ok = input().parse(today()).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(ok.person, Person::Bsn(_)));
        assert_eq!(ok.note, None);
        let by_number = AccessRequestInput {
            bsn: String::new(),
            client_number: " 12 ".into(),
            ..input()
        };
        assert_eq!(
            by_number.parse(today()).map(|d| d.person).ok(),
            Some(Person::Number(12))
        );
        let both = AccessRequestInput {
            client_number: "12".into(),
            ..input()
        };
        assert_eq!(fields(both.parse(today()).unwrap_err()), ["clientnummer"]);
        let neither = AccessRequestInput {
            bsn: String::new(),
            ..input()
        };
        assert_eq!(fields(neither.parse(today()).unwrap_err()), ["bsn"]);
        let wrong = AccessRequestInput {
            bsn: "123456789".into(),
            date_of_birth: String::new(),
            received_on: "2026-12-05".into(),
            identity_check: " ".into(),
            ..input()
        };
        assert_eq!(
            fields(wrong.parse(today()).unwrap_err()),
            [
                "bsn",
                "geboortedatum",
                "ontvangenOp",
                "identiteitGecontroleerd"
            ]
        );
    }

    #[test]
    fn the_answer_is_due_a_month_after_receipt() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(due_on(d(2026, 12, 1)), d(2027, 1, 1));
        // The last day of a shorter month.
        assert_eq!(due_on(d(2027, 1, 31)), d(2027, 2, 28));
    }
}
