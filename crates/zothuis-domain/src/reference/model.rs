//! Reference entities and their validated inputs. Input field names are the
//! Dutch names used in forms and in the API, so one error list serves both.

use super::codes::*;
use crate::error::{DomainResult, Validator};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub centrumgemeente: Option<GemeenteCode>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub code: GemeenteCode,
    pub name: String,
    pub region_id: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub id: i64,
    pub name: String,
    pub agb_code: Option<String>,
    pub version: i64,
}

/// A housing corporation of a region's Pact voor uitstroom: nominations
/// are addressed to it, and its staff see those and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct Corporation {
    pub id: i64,
    pub region_id: i64,
    pub name: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: ProductCategorie,
    pub kind: ProductKind,
    pub tariff_unit: TariffUnit,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: i64,
    pub provider_id: i64,
    pub municipality: GemeenteCode,
    pub name: String,
    /// Street address; for a secret address (vrouwenopvang) only shown to those
    /// the policy allows.
    pub address: Option<String>,
    pub secret_address: bool,
    pub product_ids: Vec<i64>,
    pub version: i64,
}

/// One row of capacity history. Rows are never changed: a change of places is a
/// new row from its valid-from date, and the row with the latest valid-from that
/// covers a date is the capacity on that date.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityRow {
    pub id: i64,
    pub location_id: i64,
    pub product_id: i64,
    pub places: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl CapacityRow {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// The capacity of one location and product on `day`, as known at `known_at`:
/// the covering row with the latest valid-from (and, among equals, the latest
/// recorded), or none.
pub fn capacity_on(
    rows: &[CapacityRow],
    product_id: i64,
    day: NaiveDate,
    known_at: DateTime<Utc>,
) -> Option<&CapacityRow> {
    rows.iter()
        .filter(|r| r.product_id == product_id && r.recorded_at <= known_at && r.covers(day))
        .max_by_key(|r| (r.valid_from, r.recorded_at, r.id))
}

/// From which date a region determines the responsible municipality under
/// which regime. Append-only: a later row (or a later-recorded row on the same
/// date) takes over.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeRow {
    pub id: i64,
    pub region_id: i64,
    pub regime: crate::access::woonplaats::Regime,
    pub effective_from: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl crate::history::Recorded for RegimeRow {
    fn row_id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

impl crate::history::Effective for RegimeRow {
    fn effective_date(&self) -> NaiveDate {
        self.effective_from
    }
}

/// The regime in force on `day` as known at `known_at`; without any row the
/// current law (centrumgemeente) applies.
pub fn regime_on(
    rows: &[RegimeRow],
    day: NaiveDate,
    known_at: DateTime<Utc>,
) -> crate::access::woonplaats::Regime {
    crate::history::in_force_on(rows, day, known_at)
        .map(|r| r.regime)
        .unwrap_or(crate::access::woonplaats::Regime::Centrumgemeente)
}

#[derive(Debug, Clone, Default)]
pub struct RegimeInput {
    pub regime: String,
    pub effective_from: String,
}

#[derive(Debug, Clone)]
pub struct RegimeData {
    pub region_id: i64,
    pub regime: crate::access::woonplaats::Regime,
    pub effective_from: NaiveDate,
}

impl RegimeInput {
    pub fn parse(&self, region_id: i64) -> DomainResult<RegimeData> {
        let mut v = Validator::new();
        let regime = v.check(
            "regime",
            crate::access::woonplaats::Regime::parse(&self.regime),
        );
        let from = v.check("geldigVanaf", crate::Datum::parse(&self.effective_from));
        v.finish()?;
        match (regime, from) {
            (Some(regime), Some(from)) => Ok(RegimeData {
                region_id,
                regime,
                effective_from: from.0,
            }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

// ---- validated inputs -------------------------------------------------------

/// Raw input as a form or JSON body brings it.
#[derive(Debug, Clone, Default)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub centrumgemeente: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RegionData {
    pub code: ShortCode,
    pub name: Name,
    pub centrumgemeente: Option<GemeenteCode>,
}

impl RegionInput {
    pub fn parse(&self) -> DomainResult<RegionData> {
        let mut v = Validator::new();
        let code = v.check("code", ShortCode::parse(&self.code));
        let name = v.check("naam", Name::parse(&self.name));
        let centrumgemeente = optional(&self.centrumgemeente)
            .and_then(|c| v.check("centrumgemeente", GemeenteCode::parse(c)));
        v.finish()?;
        match (code, name) {
            (Some(code), Some(name)) => Ok(RegionData {
                code,
                name,
                centrumgemeente,
            }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct MunicipalityInput {
    pub code: String,
    pub name: String,
    pub region_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct MunicipalityData {
    pub code: GemeenteCode,
    pub name: Name,
    pub region_id: i64,
}

impl MunicipalityInput {
    pub fn parse(&self) -> DomainResult<MunicipalityData> {
        let mut v = Validator::new();
        let code = v.check("code", GemeenteCode::parse(&self.code));
        let name = v.check("naam", Name::parse(&self.name));
        if self.region_id.is_none() {
            v.add("regioId", "kies een regio");
        }
        v.finish()?;
        match (code, name, self.region_id) {
            (Some(code), Some(name), Some(region_id)) => Ok(MunicipalityData {
                code,
                name,
                region_id,
            }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProviderInput {
    pub name: String,
    pub agb_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProviderData {
    pub name: Name,
    pub agb_code: Option<AgbCode>,
}

impl ProviderInput {
    pub fn parse(&self) -> DomainResult<ProviderData> {
        let mut v = Validator::new();
        let name = v.check("naam", Name::parse(&self.name));
        let agb_code = optional(&self.agb_code).and_then(|c| v.check("agbCode", AgbCode::parse(c)));
        v.finish()?;
        match name {
            Some(name) => Ok(ProviderData { name, agb_code }),
            None => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CorporationInput {
    pub name: String,
    pub region_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CorporationData {
    pub name: Name,
    pub region_id: i64,
}

impl CorporationInput {
    pub fn parse(&self) -> DomainResult<CorporationData> {
        let mut v = Validator::new();
        let name = v.check("naam", Name::parse(&self.name));
        if self.region_id.is_none() {
            v.add("regioId", "kies de regio waarin de corporatie werkt");
        }
        v.finish()?;
        match (name, self.region_id) {
            (Some(name), Some(region_id)) => Ok(CorporationData { name, region_id }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    pub category: String,
    pub kind: String,
    pub tariff_unit: String,
}

#[derive(Debug, Clone)]
pub struct ProductData {
    pub code: ShortCode,
    pub name: Name,
    pub category: ProductCategorie,
    pub kind: ProductKind,
    pub tariff_unit: TariffUnit,
}

impl ProductInput {
    pub fn parse(&self) -> DomainResult<ProductData> {
        let mut v = Validator::new();
        let code = v.check("code", ShortCode::parse(&self.code));
        let name = v.check("naam", Name::parse(&self.name));
        let category = v.check("productcategorie", ProductCategorie::parse(&self.category));
        let kind = v.check("soort", ProductKind::parse(&self.kind));
        let tariff_unit = v.check("tariefeenheid", TariffUnit::parse(&self.tariff_unit));
        v.finish()?;
        match (code, name, category, kind, tariff_unit) {
            (Some(code), Some(name), Some(category), Some(kind), Some(tariff_unit)) => {
                Ok(ProductData {
                    code,
                    name,
                    category,
                    kind,
                    tariff_unit,
                })
            }
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LocationInput {
    pub provider_id: Option<i64>,
    pub municipality: String,
    pub name: String,
    pub address: Option<String>,
    pub secret_address: bool,
    pub product_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct LocationData {
    pub provider_id: i64,
    pub municipality: GemeenteCode,
    pub name: Name,
    pub address: Option<String>,
    pub secret_address: bool,
    pub product_ids: Vec<i64>,
}

impl LocationInput {
    pub fn parse(&self) -> DomainResult<LocationData> {
        let mut v = Validator::new();
        if self.provider_id.is_none() {
            v.add("aanbiederId", "kies een aanbieder");
        }
        let municipality = v.check("gemeenteCode", GemeenteCode::parse(&self.municipality));
        let name = v.check("naam", Name::parse(&self.name));
        let address = optional(&self.address).and_then(|a| v.check("adres", Name::parse(a)));
        let mut product_ids = self.product_ids.clone();
        product_ids.sort_unstable();
        product_ids.dedup();
        v.finish()?;
        match (self.provider_id, municipality, name) {
            (Some(provider_id), Some(municipality), Some(name)) => Ok(LocationData {
                provider_id,
                municipality,
                name,
                address: address.map(Name::into_string),
                secret_address: self.secret_address,
                product_ids,
            }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CapacityInput {
    pub product_id: Option<i64>,
    pub places: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CapacityData {
    pub location_id: i64,
    pub product_id: i64,
    pub places: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl CapacityInput {
    pub fn parse(&self, location_id: i64) -> DomainResult<CapacityData> {
        let mut v = Validator::new();
        if self.product_id.is_none() {
            v.add("productId", "kies een product");
        }
        let places = v.check(
            "aantalPlekken",
            self.places
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or("vul een aantal plekken in (0 of meer)"),
        );
        let valid_from = v.check("geldigVanaf", crate::Datum::parse(&self.valid_from));
        let valid_to =
            optional(&self.valid_to).and_then(|d| v.check("geldigTot", crate::Datum::parse(d)));
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            v.add("geldigTot", "de einddatum ligt vóór de begindatum");
        }
        v.finish()?;
        match (self.product_id, places, valid_from) {
            (Some(product_id), Some(places), Some(valid_from)) => Ok(CapacityData {
                location_id,
                product_id,
                places,
                valid_from: valid_from.0,
                valid_to: valid_to.map(|d| d.0),
            }),
            _ => Err(crate::DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

/// Treats an empty or blank optional text as absent.
pub fn optional(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: i64, places: i64, from: &str, to: Option<&str>, recorded: u32) -> CapacityRow {
        CapacityRow {
            id,
            location_id: 1,
            product_id: 7,
            places,
            valid_from: NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap(),
            valid_to: to.map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap()),
            recorded_at: Utc.with_ymd_and_hms(2024, 1, recorded, 0, 0, 0).unwrap(),
            recorded_by: "test".into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_later_capacity_row_takes_over_from_its_valid_from() {
        let rows = vec![
            row(1, 10, "2023-01-01", None, 1),
            row(2, 16, "2024-07-01", None, 2),
        ];
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            capacity_on(&rows, 7, d("2024-06-30"), now).unwrap().places,
            10
        );
        assert_eq!(
            capacity_on(&rows, 7, d("2024-07-01"), now).unwrap().places,
            16
        );
        assert!(capacity_on(&rows, 7, d("2022-12-31"), now).is_none());
    }

    #[test]
    fn capacity_as_known_before_a_row_was_recorded_ignores_it() {
        let rows = vec![
            row(1, 10, "2023-01-01", None, 1),
            row(2, 16, "2023-01-01", None, 20),
        ];
        let before = Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2024, 1, 21, 0, 0, 0).unwrap();
        assert_eq!(
            capacity_on(&rows, 7, d("2023-06-01"), before)
                .unwrap()
                .places,
            10
        );
        assert_eq!(
            capacity_on(&rows, 7, d("2023-06-01"), after)
                .unwrap()
                .places,
            16
        );
    }

    #[test]
    fn a_row_with_an_end_date_stops_covering_after_it() {
        let rows = vec![row(1, 6, "2023-04-01", Some("2024-12-31"), 1)];
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        assert!(capacity_on(&rows, 7, d("2024-12-31"), now).is_some());
        assert!(capacity_on(&rows, 7, d("2025-01-01"), now).is_none());
    }

    #[test]
    fn capacity_input_reports_every_problem_at_once() {
        let input = CapacityInput {
            product_id: None,
            places: "-3".into(),
            valid_from: "morgen".into(),
            valid_to: None,
        };
        match input.parse(1) {
            Err(crate::DomainError::Invalid(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["productId", "aantalPlekken", "geldigVanaf"]);
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn an_end_date_before_the_start_is_refused() {
        let input = CapacityInput {
            product_id: Some(1),
            places: "4".into(),
            valid_from: "2024-05-01".into(),
            valid_to: Some("2024-04-30".into()),
        };
        assert!(matches!(
            input.parse(1),
            Err(crate::DomainError::Invalid(_))
        ));
    }
}
