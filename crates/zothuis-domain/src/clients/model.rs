//! Clients: personal details (versioned), address history (effective-dated,
//! append-only) and who may see a restricted client.

use crate::clients::Bsn;
use crate::error::{DomainError, DomainResult, Validator};
use crate::history::{Effective, Recorded};
use crate::reference::{GemeenteCode, Name, optional};
use chrono::{DateTime, NaiveDate, Utc};

/// A client as currently known (the latest version of the details).
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<Bsn>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Vrouwenopvang and similar: visible only to users explicitly granted.
    pub restricted: bool,
    /// The municipality whose consultant (or regional team, on its behalf)
    /// registered the client; it may see the client from the start.
    pub registered_by: GemeenteCode,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// The record this one is merged into (`merge`), while the merge holds:
    /// its rows are there, and this record is kept read-only.
    pub merged_into: Option<i64>,
}

impl Client {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// One stored version of the personal details.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientVersion {
    pub id: i64,
    pub client_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<Bsn>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub restricted: bool,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl Recorded for ClientVersion {
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

/// Woonadres or briefadres as in the BRP, or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKind {
    Woonadres,
    Briefadres,
    /// No registered address (dakloos zonder briefadres).
    Geen,
}

impl AddressKind {
    pub const ALL: [AddressKind; 3] = [
        AddressKind::Woonadres,
        AddressKind::Briefadres,
        AddressKind::Geen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AddressKind::Woonadres => "woonadres",
            AddressKind::Briefadres => "briefadres",
            AddressKind::Geen => "geen",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AddressKind::Woonadres => "Woonadres",
            AddressKind::Briefadres => "Briefadres",
            AddressKind::Geen => "Geen adres in de BRP",
        }
    }

    pub fn parse(s: &str) -> Result<AddressKind, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or("kies woonadres, briefadres of geen")
    }
}

/// The kind of institution an address is at. Wet woonplaatsbeginsel (bill
/// 36288, art. 1.2.1 lid 2 Wmo 2015 as amended) looks through a chain of stays
/// at such institutions to the address before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Institution {
    None,
    GgzKliniek,
    Detentie,
    Jeugdzorg,
    BwMoVoorziening,
}

impl Institution {
    pub const ALL: [Institution; 5] = [
        Institution::None,
        Institution::GgzKliniek,
        Institution::Detentie,
        Institution::Jeugdzorg,
        Institution::BwMoVoorziening,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Institution::None => "geen",
            Institution::GgzKliniek => "ggz-kliniek",
            Institution::Detentie => "detentie",
            Institution::Jeugdzorg => "jeugdzorg",
            Institution::BwMoVoorziening => "bw-mo-voorziening",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Institution::None => "Geen instelling",
            Institution::GgzKliniek => "GGZ-kliniek",
            Institution::Detentie => "Penitentiaire inrichting",
            Institution::Jeugdzorg => "Jeugdzorginstelling",
            Institution::BwMoVoorziening => "Voorziening beschermd wonen of opvang",
        }
    }

    pub fn parse(s: &str) -> Result<Institution, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Institution::None);
        }
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or("kies een soort instelling uit de lijst")
    }
}

/// One row of a client's address history: from its effective date the client
/// lives (or is registered) here, until the next row.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRow {
    pub id: i64,
    pub client_id: i64,
    pub kind: AddressKind,
    pub municipality: Option<GemeenteCode>,
    pub address: Option<String>,
    pub institution: Institution,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub supersedes: Option<i64>,
    pub retracted: bool,
}

impl Recorded for AddressRow {
    fn row_id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        self.supersedes
    }
    fn is_retraction(&self) -> bool {
        self.retracted
    }
}

impl Effective for AddressRow {
    fn effective_date(&self) -> NaiveDate {
        self.effective_date
    }
}

// ---- inputs -------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct ClientInput {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub bsn: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub restricted: bool,
    /// Only for a new client registered by the regional team: on behalf of
    /// which municipality. A consultant always registers for their own.
    pub registered_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ClientData {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<Bsn>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub restricted: bool,
}

impl ClientInput {
    pub fn parse(&self, today: NaiveDate) -> DomainResult<ClientData> {
        let mut v = Validator::new();
        let given = v.check("voornaam", Name::parse(&self.given_name));
        let family = v.check("achternaam", Name::parse(&self.family_name));
        let dob = v.check("geboortedatum", crate::Datum::parse(&self.date_of_birth));
        if let Some(d) = dob
            && d.0 > today
        {
            v.add("geboortedatum", "de geboortedatum ligt in de toekomst");
        }
        let bsn = optional(&self.bsn).and_then(|b| v.check("bsn", Bsn::parse(b)));
        let phone = optional(&self.phone).map(str::to_string);
        if let Some(p) = &phone
            && (p.len() > 30 || !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        {
            v.add(
                "telefoon",
                "een telefoonnummer bestaat uit cijfers, spaties, + en -",
            );
        }
        let email = optional(&self.email).map(str::to_string);
        if let Some(e) = &email
            && (e.len() > 200 || !e.contains('@') || e.contains(char::is_whitespace))
        {
            v.add("email", "dit is geen geldig e-mailadres");
        }
        v.finish()?;
        let (Some(given), Some(family), Some(dob)) = (given, family, dob) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(ClientData {
            given_name: given.into_string(),
            family_name: family.into_string(),
            date_of_birth: dob.0,
            bsn,
            phone,
            email,
            restricted: self.restricted,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct AddressInput {
    pub kind: String,
    pub municipality: Option<String>,
    pub address: Option<String>,
    pub institution: Option<String>,
    pub effective_date: String,
    /// The row this one corrects.
    pub supersedes: Option<i64>,
    /// Withdraw the superseded row without a replacement.
    pub retract: bool,
}

#[derive(Debug, Clone)]
pub struct AddressData {
    pub client_id: i64,
    pub kind: AddressKind,
    pub municipality: Option<GemeenteCode>,
    pub address: Option<String>,
    pub institution: Institution,
    pub effective_date: NaiveDate,
    pub supersedes: Option<i64>,
    pub retracted: bool,
}

impl AddressInput {
    pub fn parse(&self, client_id: i64) -> DomainResult<AddressData> {
        let mut v = Validator::new();
        let effective = v.check("ingangsdatum", crate::Datum::parse(&self.effective_date));
        if self.retract {
            if self.supersedes.is_none() {
                v.add("vervangt", "kies de adresregel die moet vervallen");
            }
            v.finish()?;
            let Some(effective) = effective else {
                return Err(DomainError::Internal("validatie onvolledig".into()));
            };
            return Ok(AddressData {
                client_id,
                kind: AddressKind::Geen,
                municipality: None,
                address: None,
                institution: Institution::None,
                effective_date: effective.0,
                supersedes: self.supersedes,
                retracted: true,
            });
        }
        let kind = v.check("soort", AddressKind::parse(&self.kind));
        let municipality = optional(&self.municipality)
            .and_then(|m| v.check("gemeenteCode", GemeenteCode::parse(m)));
        if matches!(kind, Some(AddressKind::Woonadres | AddressKind::Briefadres))
            && municipality.is_none()
        {
            v.add("gemeenteCode", "kies de gemeente van het adres");
        }
        let institution = v.check(
            "instelling",
            Institution::parse(self.institution.as_deref().unwrap_or("")),
        );
        if kind == Some(AddressKind::Geen) && institution.is_some_and(|i| i != Institution::None) {
            v.add("instelling", "zonder adres kan er geen instelling zijn");
        }
        let address = optional(&self.address).and_then(|a| v.check("adres", Name::parse(a)));
        v.finish()?;
        let (Some(kind), Some(institution), Some(effective)) = (kind, institution, effective)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(AddressData {
            client_id,
            kind,
            municipality: if kind == AddressKind::Geen {
                None
            } else {
                municipality
            },
            address: address.map(Name::into_string),
            institution,
            effective_date: effective.0,
            supersedes: self.supersedes,
            retracted: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 12).unwrap()
    }

    #[test]
    fn a_client_needs_a_name_and_a_date_of_birth_in_the_past() {
        let input = ClientInput {
            given_name: "".into(),
            family_name: "Jansen".into(),
            date_of_birth: "2030-01-01".into(),
            bsn: Some("123456789".into()),
            ..Default::default()
        };
        match input.parse(today()) {
            Err(DomainError::Invalid(errs)) => {
                let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["voornaam", "geboortedatum", "bsn"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_woonadres_needs_its_municipality() {
        let input = AddressInput {
            kind: "woonadres".into(),
            effective_date: "2024-01-01".into(),
            ..Default::default()
        };
        assert!(matches!(input.parse(1), Err(DomainError::Invalid(_))));
    }

    #[test]
    fn no_address_means_no_municipality_and_no_institution() {
        let input = AddressInput {
            kind: "geen".into(),
            municipality: Some("GM0402".into()),
            effective_date: "2024-01-01".into(),
            ..Default::default()
        };
        let data = input.parse(1).unwrap();
        assert_eq!(data.municipality, None);
        let with_institution = AddressInput {
            institution: Some("detentie".into()),
            ..input
        };
        assert!(with_institution.parse(1).is_err());
    }

    #[test]
    fn a_retraction_names_the_row_it_withdraws() {
        let input = AddressInput {
            retract: true,
            effective_date: "2024-01-01".into(),
            ..Default::default()
        };
        assert!(input.parse(1).is_err());
        let ok = AddressInput {
            supersedes: Some(4),
            ..input
        };
        assert!(ok.parse(1).unwrap().retracted);
    }
}
