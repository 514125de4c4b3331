//! Codes of reference data, parsed once at the boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// CBS gemeentecode: `GM` followed by four digits (CBS "Gemeentelijke indeling",
/// e.g. GM0402 Hilversum). Accepts `0402`, `gm0402` and `GM0402`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GemeenteCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("een gemeentecode bestaat uit GM en vier cijfers, bijvoorbeeld GM0402")]
pub struct GemeenteCodeError;

impl GemeenteCode {
    pub fn parse(input: &str) -> Result<Self, GemeenteCodeError> {
        let s = input.trim().to_ascii_uppercase();
        let digits = s.strip_prefix("GM").unwrap_or(&s);
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) || digits == "0000" {
            return Err(GemeenteCodeError);
        }
        Ok(GemeenteCode(format!("GM{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GemeenteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for GemeenteCode {
    type Error = GemeenteCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        GemeenteCode::parse(&s)
    }
}

impl From<GemeenteCode> for String {
    fn from(c: GemeenteCode) -> String {
        c.0
    }
}

/// AGB code of a care provider (Vektis AGB register): eight digits, of which the
/// first two give the kind of care.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgbCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("een AGB-code bestaat uit 8 cijfers")]
pub struct AgbCodeError;

impl AgbCode {
    pub fn parse(input: &str) -> Result<Self, AgbCodeError> {
        let s = input.trim();
        if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(AgbCode(s.to_string()))
        } else {
            Err(AgbCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short code an administrator gives a region or product (`GV`, `BW-24`):
/// letters, digits and dashes, at most 20, stored in capitals.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("een code bestaat uit 1 tot 20 letters, cijfers of streepjes")]
pub struct ShortCodeError;

impl ShortCode {
    pub fn parse(input: &str) -> Result<Self, ShortCodeError> {
        let s = input.trim().to_ascii_uppercase();
        if (1..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            Ok(ShortCode(s))
        } else {
            Err(ShortCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A required name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("dit veld is verplicht")]
    Empty,
    #[error("maximaal 200 tekens")]
    TooLong,
    #[error("bevat niet-toegestane tekens")]
    Control,
}

impl Name {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let s = input.trim();
        if s.is_empty() {
            Err(NameError::Empty)
        } else if s.chars().count() > 200 {
            Err(NameError::TooLong)
        } else if s.chars().any(char::is_control) {
            Err(NameError::Control)
        } else {
            Ok(Name(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// iWmo productcategorie of a product. Source: iWmo referentielijst
/// "Productcategorie" (as listed in DESIGN.md: 15 Beschermd wonen, 16 Opvang,
/// 17 Spoedopvang, 18 Overige).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductCategorie {
    BeschermdWonen,
    Opvang,
    Spoedopvang,
    Overige,
}

impl ProductCategorie {
    pub const ALL: [ProductCategorie; 4] = [
        ProductCategorie::BeschermdWonen,
        ProductCategorie::Opvang,
        ProductCategorie::Spoedopvang,
        ProductCategorie::Overige,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProductCategorie::BeschermdWonen => "15",
            ProductCategorie::Opvang => "16",
            ProductCategorie::Spoedopvang => "17",
            ProductCategorie::Overige => "18",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductCategorie::BeschermdWonen => "15 – Beschermd wonen",
            ProductCategorie::Opvang => "16 – Opvang",
            ProductCategorie::Spoedopvang => "17 – Spoedopvang",
            ProductCategorie::Overige => "18 – Overige",
        }
    }

    pub fn parse(input: &str) -> Result<Self, CodeListError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == input.trim())
            .ok_or(CodeListError("kies productcategorie 15, 16, 17 of 18"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodeListError(pub &'static str);

/// How a product is delivered, which decides whether it uses places at a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductKind {
    /// 24-hour care in a facility (BW intramuraal).
    Intramuraal,
    /// Care in the client's own home (Beschermd Thuis): no location capacity.
    Thuis,
    /// Sheltered or clustered housing with support.
    BeschutWonen,
    /// Night, crisis, youth and women's shelter.
    Opvang,
    /// Housing First, Skaeve Huse and other housing-led products.
    Woonvoorziening,
    /// Time-out, respite, pauzeplek, and temporary housing such as Onder de
    /// Pannen (a room with a host household, at most a year).
    Kortdurend,
}

impl ProductKind {
    pub const ALL: [ProductKind; 6] = [
        ProductKind::Intramuraal,
        ProductKind::Thuis,
        ProductKind::BeschutWonen,
        ProductKind::Opvang,
        ProductKind::Woonvoorziening,
        ProductKind::Kortdurend,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProductKind::Intramuraal => "intramuraal",
            ProductKind::Thuis => "thuis",
            ProductKind::BeschutWonen => "beschut-wonen",
            ProductKind::Opvang => "opvang",
            ProductKind::Woonvoorziening => "woonvoorziening",
            ProductKind::Kortdurend => "kortdurend",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductKind::Intramuraal => "Intramuraal (24-uurs verblijf)",
            ProductKind::Thuis => "In de eigen woning",
            ProductKind::BeschutWonen => "Beschut of geclusterd wonen",
            ProductKind::Opvang => "Opvang",
            ProductKind::Woonvoorziening => "Woonvoorziening (Housing First, Skaeve Huse)",
            ProductKind::Kortdurend => {
                "Kortdurend of tijdelijk (time-out, respijt, pauzeplek, Onder de Pannen)"
            }
        }
    }

    /// Products whose granted decisions put the client on the regional waiting
    /// list: protected housing and the housing-led products with scarce
    /// places. Shelter and short stays are accessed directly.
    pub fn has_waitlist(self) -> bool {
        matches!(
            self,
            ProductKind::Intramuraal
                | ProductKind::Thuis
                | ProductKind::BeschutWonen
                | ProductKind::Woonvoorziening
        )
    }

    /// At-home products have no places at a location.
    pub fn uses_location_capacity(self) -> bool {
        !matches!(self, ProductKind::Thuis)
    }

    pub fn parse(input: &str) -> Result<Self, CodeListError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == input.trim())
            .ok_or(CodeListError("kies een soort voorziening uit de lijst"))
    }
}

/// The unit a product's tariff is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TariffUnit {
    PerDag,
    PerWeek,
    PerMaand,
    PerJaar,
}

impl TariffUnit {
    pub const ALL: [TariffUnit; 4] = [
        TariffUnit::PerDag,
        TariffUnit::PerWeek,
        TariffUnit::PerMaand,
        TariffUnit::PerJaar,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TariffUnit::PerDag => "per-dag",
            TariffUnit::PerWeek => "per-week",
            TariffUnit::PerMaand => "per-maand",
            TariffUnit::PerJaar => "per-jaar",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TariffUnit::PerDag => "Per dag (etmaal)",
            TariffUnit::PerWeek => "Per week",
            TariffUnit::PerMaand => "Per maand",
            TariffUnit::PerJaar => "Per jaar (naar zorgzwaarte)",
        }
    }

    pub fn parse(input: &str) -> Result<Self, CodeListError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == input.trim())
            .ok_or(CodeListError("kies een tariefeenheid uit de lijst"))
    }
}

// How care is paid for (Wmo 2015 art. 2.3.6): as zorg in natura, bought
// by the municipality from a contracted provider, or as a persoonsgebonden
// budget with which the client buys the care. A pgb stay is priced by the
// region's pgb tariffs only, never silently at the natura tariff.
code_list!(Financing, "kies zorg in natura (zin) of pgb",
    Zin => ("zin", "Zorg in natura"),
    Pgb => ("pgb", "Persoonsgebonden budget (pgb)"),
);

/// Zorg in natura is the usual form.
impl Default for Financing {
    fn default() -> Self {
        Financing::Zin
    }
}

impl Financing {
    /// As typed, in any case; empty is zorg in natura.
    pub fn parse_or_default(input: Option<&str>) -> Result<Self, &'static str> {
        match input.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Self::parse(&s.to_lowercase()),
            None => Ok(Self::default()),
        }
    }
}

/// A care intensity level (zorgzwaarte) within a product, 1 to
/// `CareLevel::MAX`: the region's contract says what each level means and
/// costs (e.g. Beschermd Thuis in levels from light to intensive, or the
/// GGZ-C packages of a former AWBZ contract); zothuis only orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CareLevel(u8);

impl CareLevel {
    /// The most levels a product can have: a limit of the field, not a rule.
    pub const MAX: u8 = 9;

    pub fn new(n: u8) -> Option<Self> {
        (1..=Self::MAX).contains(&n).then_some(CareLevel(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn parse(input: &str) -> Result<Self, CodeListError> {
        input
            .trim()
            .trim_start_matches("niveau")
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(Self::new)
            .ok_or(CodeListError("kies een zorgzwaarte van 1 tot en met 9"))
    }

    /// Empty: no level.
    pub fn parse_optional(input: Option<&str>) -> Result<Option<Self>, CodeListError> {
        match input.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Self::parse(s).map(Some),
            None => Ok(None),
        }
    }
}

impl std::fmt::Display for CareLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "niveau {}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The projection stores a code as its index and reads it back from
    /// `ALL`: the two must agree for every list.
    #[test]
    fn a_codes_index_is_its_place_in_the_list() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(all: &[T], index: fn(T) -> u8) {
            for (i, v) in all.iter().enumerate() {
                assert_eq!(usize::from(index(*v)), i, "{v:?}");
            }
        }
        check(Financing::ALL, Financing::index);
        check(crate::tenancy::TenancyResult::ALL, |r| r.index());
        check(crate::care::ExitDestination::ALL, |d| d.index());
    }

    #[test]
    fn a_gemeentecode_is_normalised_to_gm_and_four_digits() {
        for input in ["GM0402", "gm0402", "0402", " GM0402 "] {
            assert_eq!(GemeenteCode::parse(input).unwrap().as_str(), "GM0402");
        }
    }

    #[test]
    fn a_malformed_gemeentecode_is_rejected() {
        for bad in ["GM402", "GM04021", "XX0402", "GMabcd", "", "GM0000"] {
            assert_eq!(GemeenteCode::parse(bad), Err(GemeenteCodeError), "{bad}");
        }
    }

    #[test]
    fn financing_defaults_to_natura_and_levels_run_from_one_to_nine() {
        assert_eq!(Financing::parse_or_default(None), Ok(Financing::Zin));
        assert_eq!(
            Financing::parse_or_default(Some(" PGB ")),
            Ok(Financing::Pgb)
        );
        assert!(Financing::parse("budget").is_err());
        assert_eq!(CareLevel::parse("niveau 3").map(CareLevel::get), Ok(3));
        assert_eq!(CareLevel::parse_optional(Some("")), Ok(None));
        for bad in ["0", "10", "drie", "-1"] {
            assert!(CareLevel::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_agb_code_has_eight_digits() {
        assert!(AgbCode::parse("73730810").is_ok());
        assert!(AgbCode::parse("7373081").is_err());
        assert!(AgbCode::parse("7373081A").is_err());
    }

    #[test]
    fn a_short_code_is_stored_in_capitals() {
        assert_eq!(ShortCode::parse("gv").unwrap().as_str(), "GV");
        assert!(ShortCode::parse("met spatie").is_err());
        assert!(ShortCode::parse("").is_err());
    }

    #[test]
    fn a_name_must_not_be_blank_or_too_long() {
        assert_eq!(Name::parse("  "), Err(NameError::Empty));
        assert_eq!(Name::parse(&"a".repeat(201)), Err(NameError::TooLong));
        assert_eq!(Name::parse("Kwintes").unwrap().as_str(), "Kwintes");
    }

    #[test]
    fn only_the_four_iwmo_categories_are_accepted() {
        assert_eq!(
            ProductCategorie::parse("15"),
            Ok(ProductCategorie::BeschermdWonen)
        );
        assert!(ProductCategorie::parse("14").is_err());
    }

    #[test]
    fn at_home_products_use_no_location_capacity() {
        assert!(!ProductKind::Thuis.uses_location_capacity());
        assert!(ProductKind::Intramuraal.uses_location_capacity());
    }
}
