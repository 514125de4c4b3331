//! Applications (aanmeldingen) and decisions (beschikkingen).

use super::woonplaats::Rule;
use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, Name, optional};
use chrono::{DateTime, NaiveDate, Utc};

/// How the person came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Zelf,
    Netwerk,
    Huisarts,
    Ggz,
    Ziekenhuis,
    Politie,
    VeiligThuis,
    Maatschappelijk,
    Anders,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Zelf,
        Source::Netwerk,
        Source::Huisarts,
        Source::Ggz,
        Source::Ziekenhuis,
        Source::Politie,
        Source::VeiligThuis,
        Source::Maatschappelijk,
        Source::Anders,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Source::Zelf => "zelf",
            Source::Netwerk => "netwerk",
            Source::Huisarts => "huisarts",
            Source::Ggz => "ggz",
            Source::Ziekenhuis => "ziekenhuis",
            Source::Politie => "politie",
            Source::VeiligThuis => "veilig-thuis",
            Source::Maatschappelijk => "maatschappelijk-werk",
            Source::Anders => "anders",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Zelf => "De cliënt zelf",
            Source::Netwerk => "Familie of netwerk",
            Source::Huisarts => "Huisarts",
            Source::Ggz => "GGZ-behandelaar",
            Source::Ziekenhuis => "Ziekenhuis",
            Source::Politie => "Politie of justitie",
            Source::VeiligThuis => "Veilig Thuis",
            Source::Maatschappelijk => "Wijkteam of maatschappelijk werk",
            Source::Anders => "Anders",
        }
    }

    pub fn parse(s: &str) -> Result<Source, &'static str> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s.trim())
            .ok_or("kies hoe de cliënt binnenkwam")
    }
}

/// An application for a product, registered for a municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: i64,
    pub client_id: i64,
    pub product_id: i64,
    /// The municipality the person turned to (aanmeldgemeente).
    pub municipality: GemeenteCode,
    pub applied_on: NaiveDate,
    pub source: Source,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    pub client_id: Option<i64>,
    pub product_id: Option<i64>,
    pub applied_on: String,
    pub source: String,
    /// For the regional team: on behalf of which municipality.
    pub municipality: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApplicationData {
    pub client_id: i64,
    pub product_id: i64,
    pub municipality: GemeenteCode,
    pub applied_on: NaiveDate,
    pub source: Source,
}

/// Granted or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Toegekend,
    Afgewezen,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Toegekend => "toegekend",
            Outcome::Afgewezen => "afgewezen",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Toegekend => "Toegekend",
            Outcome::Afgewezen => "Afgewezen",
        }
    }

    pub fn parse(s: &str) -> Result<Outcome, &'static str> {
        match s.trim() {
            "toegekend" => Ok(Outcome::Toegekend),
            "afgewezen" => Ok(Outcome::Afgewezen),
            _ => Err("kies toegekend of afgewezen"),
        }
    }
}

/// A decision, with the responsible municipality as determined and, when a
/// consultant overrode it, the override and its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    pub application_id: i64,
    pub client_id: i64,
    pub product_id: i64,
    pub outcome: Outcome,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub reference: String,
    /// The municipality that is responsible (after an override, if any).
    pub responsible: GemeenteCode,
    /// What the rule engine determined.
    pub determined: GemeenteCode,
    pub rule: String,
    pub explanation: String,
    pub inputs: String,
    pub override_reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub outcome: String,
    pub decided_on: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub reference: String,
    /// Another responsible municipality than the rule engine's, with a reason.
    pub override_municipality: Option<String>,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DecisionData {
    pub outcome: Outcome,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub reference: String,
    pub override_municipality: Option<GemeenteCode>,
    pub override_reason: Option<String>,
}

impl DecisionInput {
    pub fn parse(&self) -> DomainResult<DecisionData> {
        let mut v = Validator::new();
        let outcome = v.check("uitkomst", Outcome::parse(&self.outcome));
        let decided_on = v.check("besluitdatum", crate::Datum::parse(&self.decided_on));
        let valid_from =
            optional(&self.valid_from).and_then(|d| v.check("geldigVanaf", crate::Datum::parse(d)));
        let valid_to =
            optional(&self.valid_to).and_then(|d| v.check("geldigTot", crate::Datum::parse(d)));
        if outcome == Some(Outcome::Toegekend)
            && valid_from.is_none()
            && optional(&self.valid_from).is_none()
        {
            v.add("geldigVanaf", "een toekenning heeft een ingangsdatum");
        }
        if let (Some(f), Some(t)) = (valid_from, valid_to)
            && t < f
        {
            v.add("geldigTot", "de einddatum ligt vóór de ingangsdatum");
        }
        let reference = v.check("beschikkingsnummer", Name::parse(&self.reference));
        let override_municipality = optional(&self.override_municipality)
            .and_then(|m| v.check("verantwoordelijkeGemeente", GemeenteCode::parse(m)));
        let override_reason = optional(&self.override_reason).map(str::to_string);
        if override_municipality.is_some()
            && override_reason
                .as_deref()
                .is_none_or(|r| r.trim().len() < 10)
        {
            v.add(
                "redenAfwijking",
                "geef een reden van minstens 10 tekens waarom u afwijkt van de bepaalde gemeente",
            );
        }
        v.finish()?;
        let (Some(outcome), Some(decided_on), Some(reference)) = (outcome, decided_on, reference)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(DecisionData {
            outcome,
            decided_on: decided_on.0,
            valid_from: valid_from.map(|d| d.0),
            valid_to: valid_to.map(|d| d.0),
            reference: reference.into_string(),
            override_municipality,
            override_reason,
        })
    }
}

/// What the store keeps of a decision besides the input.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub application_id: i64,
    pub client_id: i64,
    pub product_id: i64,
    pub data: DecisionData,
    pub responsible: GemeenteCode,
    pub determined: GemeenteCode,
    pub rule: Rule,
    pub explanation: String,
    pub inputs: serde_json::Value,
    /// A granted decision for a product with a waiting list opens an entry.
    pub opens_waitlist: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_needs_a_reason() {
        let input = DecisionInput {
            outcome: "toegekend".into(),
            decided_on: "2026-01-10".into(),
            valid_from: Some("2026-01-10".into()),
            reference: "BW-2026-001".into(),
            override_municipality: Some("GM0406".into()),
            override_reason: Some("kort".into()),
            ..Default::default()
        };
        match input.parse() {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "redenAfwijking"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_grant_needs_a_start_date_and_sensible_dates() {
        let input = DecisionInput {
            outcome: "toegekend".into(),
            decided_on: "2026-01-10".into(),
            reference: "BW-1".into(),
            ..Default::default()
        };
        assert!(input.parse().is_err());
        let refused = DecisionInput {
            outcome: "afgewezen".into(),
            ..input.clone()
        };
        assert!(refused.parse().is_ok());
        let backwards = DecisionInput {
            valid_from: Some("2026-02-01".into()),
            valid_to: Some("2026-01-01".into()),
            ..input
        };
        assert!(backwards.parse().is_err());
    }
}
