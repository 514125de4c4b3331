//! Dates as users type them.

use chrono::NaiveDate;
use std::fmt;

/// A calendar date (an effective date, a peildatum, a valid-from). Accepts ISO 8601
/// (`2024-03-01`, what `<input type="date">` and the API send) and the Dutch
/// notation `01-03-2024` that people type and spreadsheets export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Datum(pub NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatumError {
    #[error("vul een datum in (jjjj-mm-dd, bijvoorbeeld 2024-03-01)")]
    Empty,
    #[error("'{0}' is geen geldige datum; gebruik jjjj-mm-dd, bijvoorbeeld 2024-03-01")]
    Invalid(String),
}

impl Datum {
    pub fn parse(input: &str) -> Result<Self, DatumError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(DatumError::Empty);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
            .ok()
            // Years outside this range are typing errors in this domain, and keep
            // every date inside what both SQLite and PostgreSQL store.
            .filter(|d| (1900..=2199).contains(&chrono::Datelike::year(d)))
            .filter(|_| s.len() == 10)
            .map(Datum)
            .ok_or_else(|| DatumError::Invalid(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Formats a date the Dutch way for pages: `1 maart 2024`.
pub fn dutch_long(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let m = MONTHS
        .get(chrono::Datelike::month0(&d) as usize)
        .copied()
        .unwrap_or("");
    format!(
        "{} {} {}",
        chrono::Datelike::day(&d),
        m,
        chrono::Datelike::year(&d)
    )
}

/// The Dutch wall-clock time of a moment: CET (UTC+1), and CEST (UTC+2) from
/// the last Sunday of March to the last Sunday of October, both at 01:00 UTC
/// (EU Directive 2000/84/EC, art. 2 and 3; the Netherlands follows it). The
/// database keeps UTC; people read local time.
pub fn dutch_local(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::{Datelike, Duration, NaiveDate};
    let last_sunday = |month: u32| {
        let first_next = if month == 12 {
            NaiveDate::from_ymd_opt(at.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(at.year(), month + 1, 1)
        };
        first_next.map(|f| {
            let last = f - Duration::days(1);
            let back = i64::from(last.weekday().num_days_from_sunday());
            (last - Duration::days(back)).and_hms_opt(1, 0, 0)
        })
    };
    let utc = at.naive_utc();
    let summer = match (last_sunday(3).flatten(), last_sunday(10).flatten()) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    utc + Duration::hours(if summer { 2 } else { 1 })
}

/// A moment for pages and reports, in Dutch time: `2 december 2026, 11:15 uur`.
pub fn dutch_moment(at: chrono::DateTime<chrono::Utc>) -> String {
    let local = dutch_local(at);
    format!(
        "{}, {} uur",
        dutch_long(local.date()),
        local.format("%H:%M")
    )
}

/// A moment in a table, in Dutch time: `2 december 2026 11:15`; with
/// `seconds` (the audit log) `2 december 2026 11:15:07`.
pub fn dutch_timestamp(at: chrono::DateTime<chrono::Utc>, seconds: bool) -> String {
    let local = dutch_local(at);
    let time = if seconds { "%H:%M:%S" } else { "%H:%M" };
    format!("{} {}", dutch_long(local.date()), local.format(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iso_date_is_accepted() {
        assert_eq!(
            Datum::parse("2024-03-01").map(|d| d.to_string()),
            Ok("2024-03-01".to_string())
        );
    }

    #[test]
    fn a_dutch_date_is_accepted_and_shown_as_iso() {
        assert_eq!(
            Datum::parse(" 01-03-2024 ").map(|d| d.to_string()),
            Ok("2024-03-01".to_string())
        );
    }

    #[test]
    fn an_impossible_date_is_rejected_with_a_dutch_message() {
        let err = Datum::parse("2024-02-30").unwrap_err();
        assert!(err.to_string().contains("geen geldige datum"));
        assert!(Datum::parse("31-04-2024").is_err());
        assert!(Datum::parse("2024-3-1").is_err());
        assert_eq!(Datum::parse("  "), Err(DatumError::Empty));
        assert!(Datum::parse("0001-01-01").is_err());
    }

    #[test]
    fn a_leap_day_is_a_date() {
        assert!(Datum::parse("2024-02-29").is_ok());
        assert!(Datum::parse("2023-02-29").is_err());
    }

    fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().into()
    }

    #[test]
    fn moments_are_shown_in_dutch_time_with_summer_time_from_the_last_sunday_of_march() {
        assert_eq!(
            dutch_moment(utc("2026-12-02T10:15:00Z")),
            "2 december 2026, 11:15 uur"
        );
        assert_eq!(
            dutch_moment(utc("2026-07-01T10:15:00Z")),
            "1 juli 2026, 12:15 uur"
        );
        // 29 March 2026 is the last Sunday of March: at 01:00 UTC the clock
        // goes from 02:00 to 03:00.
        assert_eq!(
            dutch_timestamp(utc("2026-03-29T00:59:59Z"), true),
            "29 maart 2026 01:59:59"
        );
        assert_eq!(
            dutch_timestamp(utc("2026-03-29T01:00:00Z"), true),
            "29 maart 2026 03:00:00"
        );
        // 25 October 2026 is the last Sunday of October: back from 03:00 to 02:00.
        assert_eq!(
            dutch_timestamp(utc("2026-10-25T00:59:00Z"), false),
            "25 oktober 2026 02:59"
        );
        assert_eq!(
            dutch_timestamp(utc("2026-10-25T01:00:00Z"), false),
            "25 oktober 2026 02:00"
        );
        // Late on New Year's Eve in UTC is already the new year here.
        assert_eq!(
            dutch_timestamp(utc("2025-12-31T23:30:00Z"), false),
            "1 januari 2026 00:30"
        );
    }

    #[test]
    fn dates_read_the_dutch_way() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(dutch_long(d), "1 maart 2024");
    }
}
