//! Burgerservicenummer.

use std::fmt;

/// A BSN that passed the elfproef. Source: Besluit burgerservicenummer / RvIG
/// "Logisch Ontwerp BSN": nine digits d1..d9 with
/// 9·d1 + 8·d2 + 7·d3 + 6·d4 + 5·d5 + 4·d6 + 3·d7 + 2·d8 − 1·d9 divisible by 11.
/// Eight-digit numbers are historic BSNs written without their leading zero.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bsn(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BsnError {
    #[error("een BSN bestaat uit 9 cijfers")]
    Format,
    #[error("dit is geen geldig BSN (de elfproef klopt niet)")]
    Elfproef,
}

impl Bsn {
    pub fn parse(input: &str) -> Result<Self, BsnError> {
        let digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if !(8..=9).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(BsnError::Format);
        }
        let digits = format!("{digits:0>9}");
        let sum: i64 = digits
            .bytes()
            .map(|b| i64::from(b - b'0'))
            .zip([9, 8, 7, 6, 5, 4, 3, 2, -1])
            .map(|(d, w)| d * w)
            .sum();
        if sum == 0 || sum % 11 != 0 {
            return Err(BsnError::Elfproef);
        }
        Ok(Bsn(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The BSN with all but the last three digits hidden, for lists and logs.
    pub fn masked(&self) -> String {
        format!("******{}", &self.0[6..])
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Bsn {
    // Never print a full BSN into a log by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bsn({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bsn_passing_the_elfproef_is_accepted() {
        for ok in ["999999990", "111222333", "123456782", "999990019"] {
            assert_eq!(Bsn::parse(ok).map(|b| b.to_string()), Ok(ok.to_string()));
        }
    }

    #[test]
    fn a_bsn_failing_the_elfproef_is_rejected() {
        assert_eq!(Bsn::parse("123456789"), Err(BsnError::Elfproef));
        assert_eq!(Bsn::parse("999999991"), Err(BsnError::Elfproef));
    }

    #[test]
    fn all_zeroes_is_not_a_bsn() {
        assert_eq!(Bsn::parse("000000000"), Err(BsnError::Elfproef));
    }

    #[test]
    fn an_eight_digit_bsn_gets_its_leading_zero() {
        // 012345672: 0+8+14+18+20+20+18+14-2 = 110 = 10·11
        assert_eq!(
            Bsn::parse("12345672").map(|b| b.to_string()),
            Ok("012345672".to_string())
        );
    }

    #[test]
    fn spaces_and_dots_people_type_are_ignored() {
        assert_eq!(
            Bsn::parse("1112.22.333").map(|b| b.to_string()),
            Ok("111222333".into())
        );
    }

    #[test]
    fn letters_or_wrong_lengths_are_a_format_error() {
        assert_eq!(Bsn::parse("12345678A"), Err(BsnError::Format));
        assert_eq!(Bsn::parse("1234567"), Err(BsnError::Format));
        assert_eq!(Bsn::parse("1234567890"), Err(BsnError::Format));
        assert_eq!(Bsn::parse(""), Err(BsnError::Format));
    }

    #[test]
    fn debug_output_hides_the_bsn() {
        let b = Bsn::parse("111222333").unwrap();
        assert_eq!(format!("{b:?}"), "Bsn(******333)");
    }
}
