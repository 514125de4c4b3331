//! Registrations at the region's central access point for shelter (Brede
//! Centrale Toegang, BCT): who turns up, where they come from, and what the
//! investigation found. A registration is versioned like a stay: a
//! correction or an outcome adds a version, so a figure as known before it
//! stays the same.

use crate::clients::{AddressKind, AddressRow};
use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};

// The kinds of registration the access point keeps (Velsen, annex 2 "BCT
// Loket": a trajectory is an investigation for access to shelter, a signal
// records data and an advice question without one; "dreigend dakloos" is
// counted apart).
code_list!(RegistrationKind, "kies signaal, traject of dreigend dakloos",
    Signaal => ("signaal", "Signaal met adviesvraag"),
    Traject => ("traject", "Traject: onderzoek naar toegang tot de opvang"),
    DreigendDakloos => ("dreigend-dakloos", "Dreigend dakloos"),
);

// How the municipality of origin was established (see `OriginRule`).
code_list!(OriginBasis, "kies hoe de gemeente van herkomst is vastgesteld",
    Woonadres => ("adres", "Laatst geregistreerde adres"),
    Opgave => ("opgave", "Opgegeven door de persoon"),
    Onbekend => ("onbekend", "Onbekend"),
);

// The outcome of a registration. A trajectory ends in access to shelter
// (which continues in the journey: application, decision, stay), in
// "voldoende zelfredzaam / economisch dakloos" with a referral back to the
// municipality of origin, or otherwise. Threatened homelessness ends with
// the home kept, homelessness after all, or a referral.
code_list!(RegistrationOutcome, "kies een uitkomst",
    ToegangOpvang => ("toegang-opvang", "Toegang tot de maatschappelijke opvang"),
    Zelfredzaam => ("zelfredzaam", "Voldoende zelfredzaam (economisch dakloos), terugverwezen"),
    WoningBehouden => ("woning-behouden", "Woning behouden"),
    DakloosGeworden => ("dakloos-geworden", "Toch dakloos geworden"),
    Doorverwezen => ("doorverwezen", "Doorverwezen naar andere hulp"),
    Beeindigd => ("beeindigd", "Anders beëindigd"),
);

code_list!(EndReason, "kies waarom de melding anders eindigde",
    Teruggetrokken => ("teruggetrokken", "Persoon trok de melding in"),
    NietVerschenen => ("niet-verschenen", "Niet (meer) verschenen"),
    EldersOpgevangen => ("elders-opgevangen", "Elders opgevangen of gehuisvest"),
    BuitenDoelgroep => ("buiten-doelgroep", "Valt buiten de doelgroep"),
    Overig => ("overig", "Overig"),
);

impl RegistrationOutcome {
    /// Whether this outcome can end a registration of this kind. A signal
    /// is an advice question and has no outcome.
    pub fn fits(self, kind: RegistrationKind) -> bool {
        use RegistrationOutcome::*;
        match kind {
            RegistrationKind::Signaal => false,
            RegistrationKind::Traject => matches!(self, ToegangOpvang | Zelfredzaam | Beeindigd),
            RegistrationKind::DreigendDakloos => {
                matches!(
                    self,
                    WoningBehouden | DakloosGeworden | Doorverwezen | Beeindigd
                )
            }
        }
    }
}

/// The region's rule for the municipality of origin. Regions differ (the
/// GGD's annual report of Zuid-Kennemerland counts by last registered
/// address, other regions by what the person states), so this is
/// configuration, not law: `[toegang_opvang]` in the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OriginRule {
    /// The municipality of the last address registered on or before the
    /// day of the registration (a woonadres or briefadres in the client's
    /// address history as known now); otherwise what the person states.
    #[default]
    AdresEerst,
    /// What the person states; otherwise the last registered address.
    OpgaveEerst,
}

impl OriginRule {
    pub fn parse(s: &str) -> Result<OriginRule, String> {
        match s.trim() {
            "adres-eerst" => Ok(OriginRule::AdresEerst),
            "opgave-eerst" => Ok(OriginRule::OpgaveEerst),
            other => Err(format!(
                "onbekende regel voor de gemeente van herkomst '{other}': kies adres-eerst of opgave-eerst"
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            OriginRule::AdresEerst => "adres-eerst",
            OriginRule::OpgaveEerst => "opgave-eerst",
        }
    }

    /// The municipality of origin by this rule, and how it was found.
    /// `addresses` is the client's address history as known, in effective
    /// order (`history::timeline`).
    pub fn apply(
        self,
        stated: Option<&GemeenteCode>,
        addresses: &[&AddressRow],
        day: NaiveDate,
    ) -> (Option<GemeenteCode>, OriginBasis) {
        let registered = addresses
            .iter()
            .rev()
            .filter(|a| a.effective_date <= day && a.kind != AddressKind::Geen)
            .find_map(|a| a.municipality.clone());
        let from_address = registered.map(|m| (Some(m), OriginBasis::Woonadres));
        let from_statement = stated.map(|m| (Some(m.clone()), OriginBasis::Opgave));
        let found = match self {
            OriginRule::AdresEerst => from_address.or(from_statement),
            OriginRule::OpgaveEerst => from_statement.or(from_address),
        };
        found.unwrap_or((None, OriginBasis::Onbekend))
    }
}

/// What a registration says, in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationFacts {
    pub kind: RegistrationKind,
    pub reported_on: NaiveDate,
    /// The municipality of origin; `None` when unknown. A municipality
    /// outside the region counts as "buiten de regio".
    pub origin: Option<GemeenteCode>,
    pub origin_basis: OriginBasis,
    pub outcome: Option<RegistrationOutcome>,
    pub outcome_on: Option<NaiveDate>,
    /// Where a self-reliant person was referred back to (the municipality
    /// of origin unless stated otherwise).
    pub referred_to: Option<GemeenteCode>,
    pub end_reason: Option<EndReason>,
    pub note: Option<String>,
}

/// A registration as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub id: i64,
    pub client_id: i64,
    /// The region whose access point registered it.
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
    pub facts: RegistrationFacts,
    /// The id of the version row: the ETag of the registration.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A new registration or a new version of one, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistrationInput {
    pub kind: String,
    pub reported_on: String,
    /// The municipality the person says they come from (gemeentecode).
    pub stated_origin: Option<String>,
    pub outcome: Option<String>,
    pub outcome_on: Option<String>,
    pub referred_to: Option<String>,
    pub end_reason: Option<String>,
    pub note: Option<String>,
}

/// The parts of an input that are checked on their own; the origin is
/// decided by the service, which knows the region's rule and the address
/// history.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRegistration {
    pub kind: RegistrationKind,
    pub reported_on: NaiveDate,
    pub stated_origin: Option<GemeenteCode>,
    pub outcome: Option<RegistrationOutcome>,
    pub outcome_on: Option<NaiveDate>,
    pub referred_to: Option<GemeenteCode>,
    pub end_reason: Option<EndReason>,
    pub note: Option<String>,
}

impl RegistrationInput {
    /// Checks every field and reports all problems at once, in Dutch.
    /// `today` bounds the dates: nothing is registered in the future.
    pub fn parse(&self, today: NaiveDate) -> DomainResult<ParsedRegistration> {
        let mut v = Validator::new();
        let kind = v.check("soort", RegistrationKind::parse(&self.kind));
        let reported_on = v.check("meldingsdatum", crate::Datum::parse(&self.reported_on));
        let code = |v: &mut Validator, field: &str, s: &Option<String>| {
            optional(s).and_then(|c| v.check(field, GemeenteCode::parse(c)))
        };
        let stated_origin = code(&mut v, "herkomstOpgegeven", &self.stated_origin);
        let referred_to = code(&mut v, "terugverwezenNaar", &self.referred_to);
        let outcome = optional(&self.outcome)
            .and_then(|o| v.check("uitkomst", RegistrationOutcome::parse(o)));
        let outcome_on = optional(&self.outcome_on)
            .and_then(|d| v.check("uitkomstdatum", crate::Datum::parse(d)));
        let end_reason =
            optional(&self.end_reason).and_then(|r| v.check("redenEinde", EndReason::parse(r)));
        if let Some(d) = reported_on
            && d.0 > today
        {
            v.add("meldingsdatum", "een melding ligt niet in de toekomst");
        }
        if let (Some(kind), Some(outcome)) = (kind, outcome)
            && !outcome.fits(kind)
        {
            v.add(
                "uitkomst",
                match kind {
                    RegistrationKind::Signaal => "een signaal is een adviesvraag en heeft geen uitkomst",
                    RegistrationKind::Traject => {
                        "een traject eindigt in toegang tot de opvang, voldoende zelfredzaam of anders beëindigd"
                    }
                    RegistrationKind::DreigendDakloos => {
                        "dreigend dakloos eindigt in woning behouden, toch dakloos geworden, doorverwezen of anders beëindigd"
                    }
                },
            );
        }
        match (outcome.is_some(), outcome_on) {
            (true, None) if optional(&self.outcome_on).is_none() => {
                v.add("uitkomstdatum", "vul de datum van de uitkomst in")
            }
            (false, Some(_)) => v.add("uitkomst", "kies de uitkomst bij deze datum"),
            _ => {}
        }
        if let (Some(start), Some(end)) = (reported_on, outcome_on) {
            if end.0 < start.0 {
                v.add("uitkomstdatum", "de uitkomst ligt niet vóór de melding");
            }
            if end.0 > today {
                v.add("uitkomstdatum", "een uitkomst ligt niet in de toekomst");
            }
        }
        if outcome == Some(RegistrationOutcome::Beeindigd) && optional(&self.end_reason).is_none() {
            v.add("redenEinde", "kies waarom de melding anders eindigde");
        }
        if outcome != Some(RegistrationOutcome::Beeindigd) && end_reason.is_some() {
            v.add("redenEinde", "een reden hoort alleen bij anders beëindigd");
        }
        if outcome != Some(RegistrationOutcome::Zelfredzaam) && referred_to.is_some() {
            v.add(
                "terugverwezenNaar",
                "terugverwijzen hoort alleen bij voldoende zelfredzaam",
            );
        }
        v.finish()?;
        let (Some(kind), Some(reported_on)) = (kind, reported_on) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(ParsedRegistration {
            kind,
            reported_on: reported_on.0,
            stated_origin,
            outcome,
            outcome_on: outcome_on.map(|d| d.0),
            referred_to,
            end_reason,
            note: optional(&self.note).map(str::to_string),
        })
    }
}

impl ParsedRegistration {
    /// The facts with the origin decided by the region's `rule` from the
    /// client's address rows as known at `known_at` (`history::timeline`),
    /// on the day of the registration: what the screens and the import both
    /// decide.
    pub fn decide_origin(
        self,
        rule: OriginRule,
        addresses: &[AddressRow],
        known_at: DateTime<Utc>,
    ) -> DomainResult<RegistrationFacts> {
        let history = crate::history::timeline(addresses, known_at);
        let origin = rule.apply(self.stated_origin.as_ref(), &history, self.reported_on);
        self.with_origin(origin)
    }

    /// The facts with the origin found by the region's rule. A
    /// self-reliant person is referred back to the municipality of origin
    /// unless another one is named; without either the referral is asked
    /// for.
    pub fn with_origin(
        self,
        origin: (Option<GemeenteCode>, OriginBasis),
    ) -> DomainResult<RegistrationFacts> {
        let referred_to = match self.outcome {
            Some(RegistrationOutcome::Zelfredzaam) => match self.referred_to.or(origin.0.clone()) {
                Some(m) => Some(m),
                None => {
                    return Err(DomainError::invalid(
                        "terugverwezenNaar",
                        "de gemeente van herkomst is onbekend: kies naar welke gemeente de persoon is terugverwezen",
                    ));
                }
            },
            _ => None,
        };
        Ok(RegistrationFacts {
            kind: self.kind,
            reported_on: self.reported_on,
            origin: origin.0,
            origin_basis: origin.1,
            outcome: self.outcome,
            outcome_on: self.outcome_on,
            referred_to,
            end_reason: self.end_reason,
            note: self.note,
        })
    }
}

impl crate::history::Recorded for Registration {
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

impl crate::history::Versioned for Registration {
    fn record_id(&self) -> i64 {
        self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::Institution;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn gm(s: &str) -> GemeenteCode {
        GemeenteCode::parse(s).unwrap()
    }

    fn address(kind: AddressKind, municipality: Option<&str>, from: &str) -> AddressRow {
        AddressRow {
            id: 1,
            client_id: 1,
            kind,
            municipality: municipality.map(gm),
            address: None,
            institution: Institution::None,
            effective_date: d(from),
            recorded_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            recorded_by: "t".into(),
            supersedes: None,
            retracted: false,
        }
    }

    #[test]
    fn the_origin_follows_the_regions_rule() {
        let rows = [
            address(AddressKind::Woonadres, Some("GM0392"), "2020-01-01"),
            address(AddressKind::Geen, None, "2023-05-01"),
            address(AddressKind::Briefadres, Some("GM0453"), "2024-02-01"),
        ];
        let history: Vec<&AddressRow> = rows.iter().collect();
        let stated = gm("GM0363");
        // The last registered address on the day: the woonadres before the
        // person lost it (no address is not an address) …
        assert_eq!(
            OriginRule::AdresEerst.apply(Some(&stated), &history, d("2023-06-01")),
            (Some(gm("GM0392")), OriginBasis::Woonadres)
        );
        // … and a briefadres once there is one.
        assert_eq!(
            OriginRule::AdresEerst.apply(Some(&stated), &history, d("2024-03-01")),
            (Some(gm("GM0453")), OriginBasis::Woonadres)
        );
        assert_eq!(
            OriginRule::OpgaveEerst.apply(Some(&stated), &history, d("2024-03-01")),
            (Some(stated.clone()), OriginBasis::Opgave)
        );
        assert_eq!(
            OriginRule::AdresEerst.apply(Some(&stated), &[], d("2024-03-01")),
            (Some(stated), OriginBasis::Opgave)
        );
        assert_eq!(
            OriginRule::OpgaveEerst.apply(None, &history, d("2019-03-01")),
            (None, OriginBasis::Onbekend)
        );
    }

    #[test]
    fn an_outcome_must_fit_the_kind_and_carry_its_details() {
        let today = d("2026-01-12");
        let signal = RegistrationInput {
            kind: "signaal".into(),
            reported_on: "2026-01-05".into(),
            outcome: Some("toegang-opvang".into()),
            outcome_on: Some("2026-01-06".into()),
            ..Default::default()
        };
        let fields = |input: &RegistrationInput| match input.parse(today) {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|f| f.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(&signal), ["uitkomst"]);
        let ended = RegistrationInput {
            kind: "traject".into(),
            reported_on: "2026-01-05".into(),
            outcome: Some("beeindigd".into()),
            outcome_on: Some("2026-01-04".into()),
            ..Default::default()
        };
        assert_eq!(fields(&ended), ["uitkomstdatum", "redenEinde"]);
        let future = RegistrationInput {
            kind: "traject".into(),
            reported_on: "2026-02-05".into(),
            stated_origin: Some("Haarlem".into()),
            ..Default::default()
        };
        assert_eq!(fields(&future), ["herkomstOpgegeven", "meldingsdatum"]);
        let ok = RegistrationInput {
            kind: "traject".into(),
            reported_on: "2026-01-05".into(),
            outcome: Some("zelfredzaam".into()),
            outcome_on: Some("2026-01-09".into()),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        // Referred back to the municipality of origin, or asked for.
        let facts = ok
            .clone()
            .with_origin((Some(gm("GM0453")), OriginBasis::Opgave))
            .unwrap();
        assert_eq!(facts.referred_to, Some(gm("GM0453")));
        assert!(ok.with_origin((None, OriginBasis::Onbekend)).is_err());
    }
}
