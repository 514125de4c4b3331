//! Which municipality is responsible for a client (and pays): a rule engine
//! with three regimes, configured per region with an effective date. The
//! result keeps its inputs, the rule applied and a Dutch explanation.

use crate::clients::{AddressKind, AddressRow, Institution};
use crate::reference::GemeenteCode;
use chrono::{Months, NaiveDate};
use serde_json::{Value, json};

/// The regime a region works under on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// Current law, Wmo 2015 art. 1.2.1 sub b with the centrumgemeente
    /// arrangement: the centrumgemeente of the region the person turns to.
    Centrumgemeente,
    /// A regional agreement ahead of the law (e.g. Zuid-Kennemerland from
    /// 2025-01-01): new clients are the responsibility of the municipality of
    /// their BRP woonadres; existing clients stay with the centrumgemeente.
    RegionaleAfspraak,
    /// Wet woonplaatsbeginsel (wetsvoorstel 36288, not yet in force).
    Woonplaatsbeginsel,
}

impl Regime {
    pub const ALL: [Regime; 3] = [
        Regime::Centrumgemeente,
        Regime::RegionaleAfspraak,
        Regime::Woonplaatsbeginsel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Regime::Centrumgemeente => "centrumgemeente",
            Regime::RegionaleAfspraak => "regionale-afspraak",
            Regime::Woonplaatsbeginsel => "woonplaatsbeginsel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Regime::Centrumgemeente => "Centrumgemeente (huidige wet)",
            Regime::RegionaleAfspraak => {
                "Regionale afspraak: gemeente van het woonadres voor nieuwe cliënten"
            }
            Regime::Woonplaatsbeginsel => "Wet woonplaatsbeginsel",
        }
    }

    pub fn parse(s: &str) -> Result<Regime, &'static str> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or("kies een regime uit de lijst")
    }
}

/// The rule that decided, with a stable code (stored with the decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Regime 1.
    Centrumgemeente,
    /// Regime 2, existing client: stays with the centrumgemeente.
    AfspraakBestaandeClient,
    /// Regime 2, new client with a woonadres in the region.
    AfspraakWoonadres,
    /// Regime 2, new client without a woonadres in the region.
    AfspraakGeenWoonadres,
    /// Regime 3 a: BW ended less than twelve months ago.
    BeschermdWonenRecent,
    /// Regime 3 b: woonadres at an institution; the woonadres before the chain.
    AdresVoorInstelling,
    /// Regime 3 c: the municipality of the woonadres.
    Woonadres,
    /// Regime 3 d: no woonadres; the briefadres.
    Briefadres,
    /// Regime 3 d: no woonadres or briefadres; the municipality turned to.
    Aanmeldgemeente,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Centrumgemeente => "1",
            Rule::AfspraakBestaandeClient => "2-bestaand",
            Rule::AfspraakWoonadres => "2-woonadres",
            Rule::AfspraakGeenWoonadres => "2-geen-woonadres",
            Rule::BeschermdWonenRecent => "3a",
            Rule::AdresVoorInstelling => "3b",
            Rule::Woonadres => "3c",
            Rule::Briefadres => "3d-briefadres",
            Rule::Aanmeldgemeente => "3d-aanmeldgemeente",
        }
    }
}

/// A protected-housing (BW) provision that ended, for rule 3 a.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedProvision {
    /// The municipality that provided (was responsible for) it.
    pub municipality: GemeenteCode,
    pub ended_on: NaiveDate,
}

/// Everything the determination looks at.
pub struct Facts<'a> {
    /// The date the responsibility is determined for (the decision date).
    pub day: NaiveDate,
    pub regime: Regime,
    /// The municipality the person turned to (aanmeldgemeente).
    pub applied_to: &'a GemeenteCode,
    /// The centrumgemeente of the region applied to.
    pub centrumgemeente: &'a GemeenteCode,
    /// The municipalities of that region.
    pub region_municipalities: &'a [GemeenteCode],
    /// The client's address history as known, in effective order.
    pub addresses: &'a [AddressRow],
    /// Earlier BW provisions that ended.
    pub ended_bw: &'a [EndedProvision],
    /// For the regional agreement: the client was already in care before it.
    pub existing_client: bool,
}

/// The result: who, by which rule, why, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct Determination {
    pub municipality: GemeenteCode,
    pub rule: Rule,
    pub explanation: String,
    pub inputs: Value,
}

/// The address row in force on `day` (rows in effective order).
fn address_on(addresses: &[AddressRow], day: NaiveDate) -> Option<&AddressRow> {
    addresses.iter().rev().find(|a| a.effective_date <= day)
}

/// Determines the responsible municipality. `name` turns a code into a name
/// for the explanation.
pub fn determine(facts: &Facts<'_>, name: &dyn Fn(&GemeenteCode) -> String) -> Determination {
    let current = address_on(facts.addresses, facts.day);
    let inputs = json!({
        "peildatum": facts.day.to_string(),
        "regime": facts.regime.code(),
        "aanmeldgemeente": facts.applied_to.to_string(),
        "centrumgemeente": facts.centrumgemeente.to_string(),
        "adres": current.map(|a| json!({
            "soort": a.kind.code(),
            "gemeente": a.municipality.as_ref().map(|m| m.to_string()),
            "instelling": a.institution.code(),
            "sinds": a.effective_date.to_string(),
            "regel": a.id,
        })),
        "beeindigdBeschermdWonen": facts.ended_bw.iter().map(|p| json!({
            "gemeente": p.municipality.to_string(), "einddatum": p.ended_on.to_string() })).collect::<Vec<_>>(),
        "bestaandeClient": facts.existing_client,
    });
    let done = |municipality: &GemeenteCode, rule: Rule, why: String| Determination {
        municipality: municipality.clone(),
        rule,
        explanation: format!("Verantwoordelijk: {} — {why}", name(municipality)),
        inputs: inputs.clone(),
    };
    match facts.regime {
        Regime::Centrumgemeente => done(
            facts.centrumgemeente,
            Rule::Centrumgemeente,
            format!(
                "centrumgemeente van de regio waar de cliënt zich meldde ({}); regel 1, centrumgemeenteregeling (Wmo 2015 art. 1.2.1 sub b)",
                name(facts.applied_to)
            ),
        ),
        Regime::RegionaleAfspraak => {
            if facts.existing_client {
                return done(
                    facts.centrumgemeente,
                    Rule::AfspraakBestaandeClient,
                    "bestaande cliënt blijft bij de centrumgemeente; regel 2, regionale afspraak"
                        .into(),
                );
            }
            match current {
                Some(a) if a.kind == AddressKind::Woonadres => match &a.municipality {
                    Some(m) if facts.region_municipalities.contains(m) => done(
                        m,
                        Rule::AfspraakWoonadres,
                        format!(
                            "woonadres sinds {} volgens BRP-historie; regel 2, regionale afspraak voor nieuwe cliënten",
                            a.effective_date
                        ),
                    ),
                    _ => done(
                        facts.centrumgemeente,
                        Rule::AfspraakGeenWoonadres,
                        "woonadres buiten de regio; de afspraak geldt alleen binnen de regio, dus de centrumgemeente; regel 2".into(),
                    ),
                },
                _ => done(
                    facts.centrumgemeente,
                    Rule::AfspraakGeenWoonadres,
                    "geen woonadres volgens BRP-historie, dus de centrumgemeente; regel 2".into(),
                ),
            }
        }
        Regime::Woonplaatsbeginsel => woonplaatsbeginsel(facts, current, &done),
    }
}

fn woonplaatsbeginsel(
    facts: &Facts<'_>,
    current: Option<&AddressRow>,
    done: &dyn Fn(&GemeenteCode, Rule, String) -> Determination,
) -> Determination {
    // Lid a: BW that ended less than twelve months ago stays with the
    // municipality that last provided it.
    let year_ago = facts
        .day
        .checked_sub_months(Months::new(12))
        .unwrap_or(facts.day);
    let recent = facts
        .ended_bw
        .iter()
        .filter(|p| p.ended_on > year_ago && p.ended_on <= facts.day)
        .max_by_key(|p| p.ended_on);
    if let Some(p) = recent {
        return done(
            &p.municipality,
            Rule::BeschermdWonenRecent,
            format!(
                "beschermd wonen eindigde op {}, minder dan twaalf maanden geleden; regel 3, lid a",
                p.ended_on
            ),
        );
    }
    let not_a = "regel 3, lid a niet van toepassing";
    match current {
        Some(a) if a.kind == AddressKind::Woonadres && a.institution != Institution::None => {
            // Lid b: walk back through the unbroken chain of institutional
            // addresses to the woonadres before it.
            let position = facts
                .addresses
                .iter()
                .position(|r| r.id == a.id)
                .unwrap_or(0);
            let before = facts.addresses[..position].iter().rev().find(|r| {
                !(r.kind == AddressKind::Woonadres && r.institution != Institution::None)
            });
            match before {
                Some(b) if b.kind == AddressKind::Woonadres => match &b.municipality {
                    Some(m) => done(
                        m,
                        Rule::AdresVoorInstelling,
                        format!(
                            "woonadres sinds {} is een instelling ({}); het woonadres daarvoor (sinds {}) telt; regel 3, lid b; {not_a}",
                            a.effective_date,
                            a.institution.label().to_lowercase(),
                            b.effective_date
                        ),
                    ),
                    None => done(
                        facts.applied_to,
                        Rule::Aanmeldgemeente,
                        format!(
                            "geen bruikbaar adres vóór het verblijf in de instelling; de gemeente waar de cliënt zich meldde; regel 3, lid d; {not_a}"
                        ),
                    ),
                },
                _ => done(
                    facts.applied_to,
                    Rule::Aanmeldgemeente,
                    format!(
                        "woonadres is een instelling ({}) zonder bekend woonadres daarvoor; de gemeente waar de cliënt zich meldde; regel 3, lid d; {not_a}",
                        a.institution.label().to_lowercase()
                    ),
                ),
            }
        }
        Some(a) if a.kind == AddressKind::Woonadres => match &a.municipality {
            Some(m) => done(
                m,
                Rule::Woonadres,
                format!(
                    "woonadres op {} volgens BRP-historie (sinds {}); {not_a}",
                    facts.day, a.effective_date
                ),
            ),
            None => done(
                facts.applied_to,
                Rule::Aanmeldgemeente,
                format!(
                    "woonadres zonder gemeente; de gemeente waar de cliënt zich meldde; regel 3, lid d; {not_a}"
                ),
            ),
        },
        Some(a) if a.kind == AddressKind::Briefadres && a.municipality.is_some() => {
            let m = a.municipality.as_ref().unwrap_or(facts.applied_to);
            done(
                m,
                Rule::Briefadres,
                format!(
                    "geen woonadres; briefadres sinds {}; regel 3, lid d; {not_a}",
                    a.effective_date
                ),
            )
        }
        _ => done(
            facts.applied_to,
            Rule::Aanmeldgemeente,
            format!(
                "geen woonadres en geen briefadres; de gemeente waar de cliënt zich meldde; regel 3, lid d; {not_a}"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn gm(c: &str) -> GemeenteCode {
        GemeenteCode::parse(c).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn addr(
        id: i64,
        kind: AddressKind,
        m: Option<&str>,
        inst: Institution,
        from: &str,
    ) -> AddressRow {
        AddressRow {
            id,
            client_id: 1,
            kind,
            municipality: m.map(gm),
            address: None,
            institution: inst,
            effective_date: d(from),
            recorded_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            recorded_by: "t".into(),
            supersedes: None,
            retracted: false,
        }
    }

    fn name(c: &GemeenteCode) -> String {
        match c.as_str() {
            "GM0402" => "Hilversum".into(),
            "GM0406" => "Huizen".into(),
            "GM0392" => "Haarlem".into(),
            "GM0453" => "Velsen".into(),
            "GM0363" => "Amsterdam".into(),
            other => other.into(),
        }
    }

    struct Case {
        regime: Regime,
        applied: GemeenteCode,
        centrum: GemeenteCode,
        region: Vec<GemeenteCode>,
        addresses: Vec<AddressRow>,
        ended: Vec<EndedProvision>,
        existing: bool,
        day: NaiveDate,
    }

    impl Case {
        fn gooi(regime: Regime) -> Case {
            Case {
                regime,
                applied: gm("GM0406"),
                centrum: gm("GM0402"),
                region: vec![gm("GM0402"), gm("GM0406")],
                addresses: Vec::new(),
                ended: Vec::new(),
                existing: false,
                day: d("2026-03-01"),
            }
        }

        fn run(&self) -> Determination {
            determine(
                &Facts {
                    day: self.day,
                    regime: self.regime,
                    applied_to: &self.applied,
                    centrumgemeente: &self.centrum,
                    region_municipalities: &self.region,
                    addresses: &self.addresses,
                    ended_bw: &self.ended,
                    existing_client: self.existing,
                },
                &name,
            )
        }
    }

    #[test]
    fn under_current_law_the_centrumgemeente_is_responsible() {
        let mut c = Case::gooi(Regime::Centrumgemeente);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0402", Rule::Centrumgemeente)
        );
        assert!(
            r.explanation
                .starts_with("Verantwoordelijk: Hilversum — centrumgemeente"),
            "{}",
            r.explanation
        );
        assert!(r.explanation.contains("Huizen"));
    }

    #[test]
    fn under_the_regional_agreement_a_new_client_goes_to_the_woonadres_municipality() {
        let mut c = Case::gooi(Regime::RegionaleAfspraak);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0406", Rule::AfspraakWoonadres)
        );
    }

    #[test]
    fn under_the_regional_agreement_an_existing_client_stays_with_the_centrumgemeente() {
        let mut c = Case::gooi(Regime::RegionaleAfspraak);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        c.existing = true;
        assert_eq!(c.run().rule, Rule::AfspraakBestaandeClient);
        assert_eq!(c.run().municipality.as_str(), "GM0402");
    }

    #[test]
    fn under_the_regional_agreement_a_woonadres_outside_the_region_or_none_means_the_centrumgemeente()
     {
        let mut c = Case::gooi(Regime::RegionaleAfspraak);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0363"),
            Institution::None,
            "2020-01-01",
        )];
        assert_eq!(c.run().municipality.as_str(), "GM0402");
        c.addresses = vec![addr(
            1,
            AddressKind::Briefadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        assert_eq!(c.run().rule, Rule::AfspraakGeenWoonadres);
    }

    #[test]
    fn under_the_woonplaatsbeginsel_the_woonadres_on_the_day_decides() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![
            addr(
                1,
                AddressKind::Woonadres,
                Some("GM0402"),
                Institution::None,
                "2020-01-01",
            ),
            addr(
                2,
                AddressKind::Woonadres,
                Some("GM0406"),
                Institution::None,
                "2024-03-01",
            ),
        ];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0406", Rule::Woonadres)
        );
        assert_eq!(
            r.explanation,
            "Verantwoordelijk: Huizen — woonadres op 2026-03-01 volgens BRP-historie (sinds 2024-03-01); regel 3, lid a niet van toepassing"
        );
        // On an earlier day the earlier address counts.
        c.day = d("2024-02-29");
        assert_eq!(c.run().municipality.as_str(), "GM0402");
    }

    #[test]
    fn protected_housing_ended_less_than_twelve_months_ago_stays_with_its_municipality() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        c.ended = vec![EndedProvision {
            municipality: gm("GM0453"),
            ended_on: d("2025-03-02"),
        }];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0453", Rule::BeschermdWonenRecent)
        );
        // Exactly twelve months ago no longer counts.
        c.ended = vec![EndedProvision {
            municipality: gm("GM0453"),
            ended_on: d("2025-03-01"),
        }];
        assert_eq!(c.run().rule, Rule::Woonadres);
        // Of two, the most recent provision counts.
        c.ended = vec![
            EndedProvision {
                municipality: gm("GM0453"),
                ended_on: d("2025-06-01"),
            },
            EndedProvision {
                municipality: gm("GM0392"),
                ended_on: d("2025-12-01"),
            },
        ];
        assert_eq!(c.run().municipality.as_str(), "GM0392");
    }

    #[test]
    fn an_institutional_woonadres_looks_back_through_the_whole_chain() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![
            addr(
                1,
                AddressKind::Woonadres,
                Some("GM0392"),
                Institution::None,
                "2018-01-01",
            ),
            addr(
                2,
                AddressKind::Woonadres,
                Some("GM0402"),
                Institution::GgzKliniek,
                "2023-01-01",
            ),
            addr(
                3,
                AddressKind::Woonadres,
                Some("GM0406"),
                Institution::Detentie,
                "2024-06-01",
            ),
        ];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0392", Rule::AdresVoorInstelling)
        );
        assert!(
            r.explanation.contains("penitentiaire inrichting")
                && r.explanation.contains("2018-01-01")
        );
    }

    #[test]
    fn an_institution_without_an_earlier_woonadres_falls_back_to_the_municipality_applied_to() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![addr(
            1,
            AddressKind::Woonadres,
            Some("GM0402"),
            Institution::Jeugdzorg,
            "2015-01-01",
        )];
        let r = c.run();
        assert_eq!(
            (r.municipality.as_str(), r.rule),
            ("GM0406", Rule::Aanmeldgemeente)
        );
    }

    #[test]
    fn without_a_woonadres_the_briefadres_and_else_the_municipality_applied_to_decides() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![
            addr(
                1,
                AddressKind::Woonadres,
                Some("GM0392"),
                Institution::None,
                "2018-01-01",
            ),
            addr(
                2,
                AddressKind::Briefadres,
                Some("GM0402"),
                Institution::None,
                "2025-01-01",
            ),
        ];
        assert_eq!(
            (c.run().municipality.as_str(), c.run().rule),
            ("GM0402", Rule::Briefadres)
        );
        c.addresses = vec![addr(
            1,
            AddressKind::Geen,
            None,
            Institution::None,
            "2025-01-01",
        )];
        assert_eq!(
            (c.run().municipality.as_str(), c.run().rule),
            ("GM0406", Rule::Aanmeldgemeente)
        );
        c.addresses.clear();
        assert_eq!(c.run().rule, Rule::Aanmeldgemeente);
    }

    #[test]
    fn the_determination_keeps_its_inputs() {
        let mut c = Case::gooi(Regime::Woonplaatsbeginsel);
        c.addresses = vec![addr(
            7,
            AddressKind::Woonadres,
            Some("GM0406"),
            Institution::None,
            "2020-01-01",
        )];
        let r = c.run();
        assert_eq!(r.inputs["regime"], "woonplaatsbeginsel");
        assert_eq!(r.inputs["adres"]["regel"], 7);
        assert_eq!(r.inputs["aanmeldgemeente"], "GM0406");
        assert_eq!(r.rule.code(), "3c");
    }
}
