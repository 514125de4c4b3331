//! Review meetings (wachtlijstoverleg): each municipality reviews its waiting
//! residents with the waitlist manager on a cycle of a number of weeks
//! (Gooi en Vechtstreek: Hilversum every 6 weeks, the others every 8).

use crate::reference::GemeenteCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A held review meeting with its outcome per client.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: i64,
    pub municipality: GemeenteCode,
    pub held_on: NaiveDate,
    pub outcomes: Vec<ReviewOutcome>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewOutcome {
    pub entry_id: i64,
    pub outcome: String,
}

/// A municipality's review schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPlan {
    pub municipality: GemeenteCode,
    pub cycle_weeks: i64,
    pub last_held: Option<NaiveDate>,
    /// The next meeting is due on this date (today when none was ever held).
    pub next_due: NaiveDate,
    pub overdue: bool,
}

/// When the next review is due, given the last one and the cycle.
pub fn plan(
    municipality: GemeenteCode,
    cycle_weeks: i64,
    last_held: Option<NaiveDate>,
    today: NaiveDate,
) -> ReviewPlan {
    let next_due = last_held.map_or(today, |d| d + Duration::weeks(cycle_weeks));
    ReviewPlan {
        municipality,
        cycle_weeks,
        last_held,
        next_due,
        overdue: next_due < today,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_next_review_follows_the_cycle_and_is_overdue_after_it() {
        let gm = GemeenteCode::parse("GM0402").unwrap();
        let p = plan(gm.clone(), 6, Some(d("2026-01-05")), d("2026-02-01"));
        assert_eq!((p.next_due, p.overdue), (d("2026-02-16"), false));
        let late = plan(gm.clone(), 6, Some(d("2025-11-01")), d("2026-02-01"));
        assert!(late.overdue);
        let never = plan(gm, 8, None, d("2026-02-01"));
        assert_eq!((never.next_due, never.overdue), (d("2026-02-01"), false));
    }
}
