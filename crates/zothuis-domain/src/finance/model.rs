//! Tariffs: what a region pays a provider for a product, per day, week,
//! month or year, from a date (contracts of the regional procurement of
//! BW and MO; Velsen 6.2 c "Regionaal aanbesteden"). A tariff is versioned
//! like a stay: a correction or a withdrawal adds a version, so a cost as
//! known before it stays the same.

use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{CareLevel, Financing, TariffUnit, optional};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

/// An amount in euro cents: exact, never a float. Shown the Dutch way
/// (`€ 1.234,56`), written in the API and files as `1234.56`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Bedrag(pub i64);

/// The highest amount a tariff may have: ten million euros, far above any
/// yearly tariff, so that a typing error of a few zeros is caught and sums
/// over a national data set fit an `i64` by far.
pub const MAX_TARIFF_CENTS: i64 = 1_000_000_000;

impl Bedrag {
    pub fn cents(self) -> i64 {
        self.0
    }

    /// Reads an amount as typed: `55000`, `55.000`, `55.000,00`,
    /// `151,23`, `151.23` or `€ 151,23`. A comma is the decimal sign and
    /// dots then group thousands; without a comma, a dot followed by one or
    /// two digits at the end is the decimal sign (as the API writes it).
    pub fn parse(input: &str) -> Result<Bedrag, &'static str> {
        const MSG: &str = "vul een bedrag in euro's in, bijvoorbeeld 151,23 of 55.000";
        let s: String = input
            .trim()
            .trim_start_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s),
        };
        let (whole, fraction) = if let Some((w, f)) = s.rsplit_once(',') {
            (w.replace('.', ""), f.to_string())
        } else if let Some((w, f)) = s.rsplit_once('.')
            && (1..=2).contains(&f.len())
            && !w.contains('.')
        {
            (w.to_string(), f.to_string())
        } else {
            (s.replace('.', ""), String::new())
        };
        let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        if !digits(&whole) || !(fraction.is_empty() || digits(&fraction)) || fraction.len() > 2 {
            return Err(MSG);
        }
        let euros: i64 = whole.parse().map_err(|_| MSG)?;
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| MSG)? * 10,
            _ => fraction.parse::<i64>().map_err(|_| MSG)?,
        };
        let total = euros
            .checked_mul(100)
            .and_then(|e| e.checked_add(cents))
            .ok_or(MSG)?;
        Ok(Bedrag(if negative { -total } else { total }))
    }

    /// `1234.56`: the amount in the API and in CSV files.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

/// `€ 1.234,56`.
impl fmt::Display for Bedrag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let euros = (a / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        write!(f, "{sign}€ {grouped},{:02}", a % 100)
    }
}

/// What a tariff says, in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct TariffFacts {
    pub product_id: i64,
    /// The provider of the contract; `None`: every provider of the region
    /// without a tariff of its own for the product.
    pub provider_id: Option<i64>,
    pub unit: TariffUnit,
    pub amount: Bedrag,
    pub valid_from: NaiveDate,
    /// The last day the tariff applies (tot en met); `None`: open.
    pub valid_until: Option<NaiveDate>,
    /// Withdrawn: entered by mistake, applies to no day.
    pub withdrawn: bool,
    pub note: Option<String>,
    /// The financing form of the stays it prices: a pgb stay is priced by
    /// pgb tariffs only (Wmo 2015 art. 2.3.6; the pgb amount is set in the
    /// municipality's verordening, not in the provider's contract).
    pub financing: Financing,
    /// The care intensity level of the stays it prices; `None`: every
    /// level without a tariff of its own.
    pub care_level: Option<CareLevel>,
}

impl TariffFacts {
    /// Whether this tariff (not withdrawn) covers the day.
    pub fn covers(&self, day: NaiveDate) -> bool {
        !self.withdrawn && self.valid_from <= day && self.valid_until.is_none_or(|u| day <= u)
    }

    /// Whether two tariffs would apply to the same stay on some day: the
    /// same product, provider (or both for every provider), financing form
    /// and level (or both for every level), with periods that share a day.
    pub fn overlaps(&self, other: &TariffFacts) -> bool {
        let ends_before =
            |a: &TariffFacts, b: &TariffFacts| a.valid_until.is_some_and(|u| u < b.valid_from);
        !self.withdrawn
            && !other.withdrawn
            && self.product_id == other.product_id
            && self.provider_id == other.provider_id
            && self.financing == other.financing
            && self.care_level == other.care_level
            && !ends_before(self, other)
            && !ends_before(other, self)
    }
}

/// A tariff as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    pub id: i64,
    /// The region whose contract it is: it prices the stays of the
    /// municipalities of that region.
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
    pub facts: TariffFacts,
    /// The id of the version row: the ETag of the tariff.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl crate::history::Recorded for Tariff {
    fn row_id(&self) -> i64 {
        self.version_id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

impl crate::history::Versioned for Tariff {
    fn record_id(&self) -> i64 {
        self.id
    }
}

/// A tariff as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TariffInput {
    pub product_id: String,
    pub provider_id: Option<String>,
    /// Empty: the unit of the product.
    pub unit: Option<String>,
    pub amount: String,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub withdrawn: bool,
    pub note: Option<String>,
    /// `zin` or `pgb`; empty: zin.
    pub financing: Option<String>,
    /// 1 to 9; empty: every level.
    pub care_level: Option<String>,
}

impl TariffInput {
    /// Checks every field and reports all problems at once, in Dutch. The
    /// unit defaults to the product's (`product_unit`, when the product is
    /// known).
    pub fn parse(
        &self,
        product_unit: impl Fn(i64) -> Option<TariffUnit>,
    ) -> DomainResult<TariffFacts> {
        let mut v = Validator::new();
        let id = |v: &mut Validator, field: &str, s: &str| match s.trim().parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                v.add(field, "kies uit de lijst");
                None
            }
        };
        let product_id = id(&mut v, "productId", &self.product_id);
        let provider_id = optional(&self.provider_id).and_then(|p| id(&mut v, "aanbiederId", p));
        let unit = match optional(&self.unit) {
            Some(u) => v.check("eenheid", TariffUnit::parse(u)),
            None => product_id.and_then(&product_unit).or_else(|| {
                if product_id.is_some() {
                    v.add("productId", "dit product bestaat niet");
                }
                None
            }),
        };
        let amount = v.check("bedrag", Bedrag::parse(&self.amount));
        let financing = v
            .check(
                "financieringsvorm",
                Financing::parse_or_default(self.financing.as_deref()),
            )
            .unwrap_or_default();
        let care_level = v
            .check(
                "zorgzwaarte",
                CareLevel::parse_optional(self.care_level.as_deref()),
            )
            .flatten();
        if let Some(a) = amount {
            if a.0 < 0 {
                v.add("bedrag", "een tarief is niet negatief");
            } else if a.0 > MAX_TARIFF_CENTS {
                v.add("bedrag", "een tarief is hoogstens € 10.000.000,00");
            }
        }
        let valid_from = v
            .check("geldigVanaf", crate::Datum::parse(&self.valid_from))
            .map(|d| d.0);
        let valid_until = optional(&self.valid_until)
            .and_then(|d| v.check("geldigTot", crate::Datum::parse(d)).map(|d| d.0));
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && until < from
        {
            v.add("geldigTot", "de einddatum ligt niet vóór de ingangsdatum");
        }
        v.finish()?;
        match (product_id, unit, amount, valid_from) {
            (Some(product_id), Some(unit), Some(amount), Some(valid_from)) => Ok(TariffFacts {
                product_id,
                provider_id,
                unit,
                amount,
                valid_from,
                valid_until,
                withdrawn: self.withdrawn,
                note: optional(&self.note).map(str::to_string),
                financing,
                care_level,
            }),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_the_dutch_and_the_api_way() {
        for (typed, cents) in [
            ("55000", 5_500_000),
            ("55.000", 5_500_000),
            ("55.000,00", 5_500_000),
            ("151,23", 15_123),
            ("151.23", 15_123),
            ("151.2", 15_120),
            ("€ 1.234,5", 123_450),
            ("0", 0),
            ("-12,50", -1_250),
        ] {
            assert_eq!(Bedrag::parse(typed), Ok(Bedrag(cents)), "{typed}");
        }
        for wrong in ["", "abc", "12,345", "1,2,3", "€", "12.3.4,5x"] {
            assert!(Bedrag::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn amounts_are_written_the_dutch_and_the_api_way() {
        assert_eq!(Bedrag(123_456_789).to_string(), "€ 1.234.567,89");
        assert_eq!(Bedrag(5).to_string(), "€ 0,05");
        assert_eq!(Bedrag(-100_000).to_string(), "-€ 1.000,00");
        assert_eq!(Bedrag(123_456_789).decimal(), "1234567.89");
        assert_eq!(Bedrag(-5).decimal(), "-0.05");
    }

    fn input(amount: &str, from: &str, until: Option<&str>) -> TariffInput {
        TariffInput {
            product_id: "1".into(),
            amount: amount.into(),
            valid_from: from.into(),
            valid_until: until.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn a_tariff_takes_the_products_unit_and_refuses_nonsense() {
        let unit = |_| Some(TariffUnit::PerDag);
        let t = input("151,23", "2025-01-01", None).parse(unit).unwrap();
        assert_eq!((t.unit, t.amount), (TariffUnit::PerDag, Bedrag(15_123)));
        let err = format!(
            "{:?}",
            input("-1", "2025-01-01", Some("2024-12-31"))
                .parse(unit)
                .unwrap_err()
        );
        assert!(err.contains("niet negatief"), "{err}");
        assert!(err.contains("niet vóór de ingangsdatum"), "{err}");
    }

    #[test]
    fn tariffs_overlap_only_for_the_same_product_and_provider_on_a_shared_day() {
        let t = |from: &str, until: Option<&str>| {
            input("1", from, until)
                .parse(|_| Some(TariffUnit::PerDag))
                .unwrap()
        };
        let year = t("2025-01-01", Some("2025-12-31"));
        assert!(year.overlaps(&t("2025-12-31", None)));
        assert!(!year.overlaps(&t("2026-01-01", None)));
        let mut other_provider = t("2025-06-01", None);
        other_provider.provider_id = Some(7);
        assert!(!year.overlaps(&other_provider));
        let mut withdrawn = t("2025-06-01", None);
        withdrawn.withdrawn = true;
        assert!(!year.overlaps(&withdrawn));
        let mut pgb = t("2025-06-01", None);
        pgb.financing = Financing::Pgb;
        assert!(!year.overlaps(&pgb));
        let mut level = t("2025-06-01", None);
        level.care_level = CareLevel::new(2);
        assert!(!year.overlaps(&level));
        let mut same_level = level.clone();
        same_level.valid_from = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
        assert!(level.overlaps(&same_level));
    }
}
