//! Retention: a record whose retention period has ended is anonymised, on
//! the privacy officer's approval (AVG art. 5 lid 1 e, art. 17). The
//! periods are configuration (`RetentionPeriods`): the defaults follow the
//! Selectielijst gemeenten en intergemeentelijke organen 2020 (Stcrt. 2020,
//! 11143) as the VNG's guidance applies it to Wmo client records — 15 years
//! after the last support for a client who was granted a provision (result
//! 3.1.5), 5 years when nothing was granted (result 3.2) — and a
//! municipality sets the periods its own archive rules give.
//!
//! Anonymising keeps what the figures are made of (ids, dates, products,
//! providers, municipalities, outcomes), so every figure as known at any
//! moment regenerates identically, and removes the rest: names, BSN,
//! contact details, date of birth, address lines, and the free text of
//! notes, reasons, answers and the audit rows' details (`audit` version 2).

use chrono::{Months, NaiveDate};

/// The retention periods, in whole years after the last activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPeriods {
    /// For a client granted a provision (a decision `toegekend`).
    pub years_after_care: u32,
    /// For a client never granted one.
    pub years_without_provision: u32,
}

impl Default for RetentionPeriods {
    fn default() -> Self {
        RetentionPeriods {
            years_after_care: 15,
            years_without_provision: 5,
        }
    }
}

/// What the store knows about a client's record for retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionFacts {
    pub client_id: i64,
    /// The latest day anything happened in the record: registration,
    /// application, decision (and the end of its validity), a stay's start
    /// or end, a waiting-list change, a registration at an access point, a
    /// nomination.
    pub last_activity: NaiveDate,
    /// A decision granted a provision.
    pub granted: bool,
    /// Care or a procedure is still going on: a stay without an end, a
    /// waiting-list entry not placed or removed, a request of access not
    /// answered. Such a record is not expired, whatever its dates.
    pub open: bool,
}

/// A record past its retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub client_id: i64,
    pub last_activity: NaiveDate,
    pub granted: bool,
    /// The first day the record could be anonymised.
    pub expired_on: NaiveDate,
}

impl RetentionPeriods {
    pub fn years(&self, granted: bool) -> u32 {
        if granted {
            self.years_after_care
        } else {
            self.years_without_provision
        }
    }

    /// The records past their period on `today`, oldest first.
    pub fn expired(&self, facts: &[RetentionFacts], today: NaiveDate) -> Vec<Expired> {
        let mut out: Vec<Expired> = facts
            .iter()
            .filter(|f| !f.open)
            .filter_map(|f| {
                let expired_on = f
                    .last_activity
                    .checked_add_months(Months::new(12 * self.years(f.granted)))?
                    .succ_opt()?;
                (expired_on <= today).then_some(Expired {
                    client_id: f.client_id,
                    last_activity: f.last_activity,
                    granted: f.granted,
                    expired_on,
                })
            })
            .collect();
        out.sort_by_key(|e| (e.expired_on, e.client_id));
        out
    }
}

/// An approved retention run, as kept (without personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionRun {
    pub id: i64,
    /// The privacy officer's region; none for one of the whole installation.
    pub region_id: Option<i64>,
    pub approved_at: chrono::DateTime<chrono::Utc>,
    pub approved_by: String,
    /// Records anonymised (merged records included).
    pub clients: i64,
    /// Audit rows whose details were erased.
    pub audit_rows: i64,
}

/// What the name fields of an anonymised record say.
pub const ANONYMISED_NAME: &str = "geanonimiseerd";

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(id: i64, last: &str, granted: bool, open: bool) -> RetentionFacts {
        RetentionFacts {
            client_id: id,
            last_activity: day(last),
            granted,
            open,
        }
    }

    #[test]
    fn a_record_expires_the_day_after_its_period_and_not_while_care_goes_on() {
        let p = RetentionPeriods::default();
        let all = [
            facts(1, "2011-03-01", true, false),
            facts(2, "2011-03-02", true, false),
            facts(3, "2021-03-01", false, false),
            facts(4, "2021-03-01", true, false),
            facts(5, "2001-01-01", true, true),
        ];
        let expired = p.expired(&all, day("2026-03-02"));
        let ids: Vec<i64> = expired.iter().map(|e| e.client_id).collect();
        // 15 years after 2011-03-01 ends on 2026-03-01; 5 years after
        // 2021-03-01 likewise. The record still in care never expires.
        assert_eq!(ids, [1, 3]);
        assert_eq!(expired[0].expired_on, day("2026-03-02"));
        assert!(p.expired(&all, day("2026-03-01")).is_empty());
    }
}
