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

/// A moment for pages and reports: `2 december 2026, 10:15 uur (UTC)`.
pub fn dutch_moment(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{}, {} uur (UTC)",
        dutch_long(at.date_naive()),
        at.format("%H:%M")
    )
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

    #[test]
    fn dates_read_the_dutch_way() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(dutch_long(d), "1 maart 2024");
    }
}
