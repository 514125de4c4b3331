//! The plan as a structured file (JSON, Dutch keys), checked as a whole:
//! every problem is reported with its place in the file, none is skipped.

use crate::figures::IndicatorId;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The status of a measure in a reporting period, as the progress reports
/// of Dutch regions use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    OpSchema,
    Vertraagd,
    Gerealiseerd,
    Herijkt,
    GeenPrioriteit,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::OpSchema,
        Status::Vertraagd,
        Status::Gerealiseerd,
        Status::Herijkt,
        Status::GeenPrioriteit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::OpSchema => "op-schema",
            Status::Vertraagd => "vertraagd",
            Status::Gerealiseerd => "gerealiseerd",
            Status::Herijkt => "herijkt",
            Status::GeenPrioriteit => "geen-prioriteit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::OpSchema => "Op schema",
            Status::Vertraagd => "Vertraagd",
            Status::Gerealiseerd => "Gerealiseerd",
            Status::Herijkt => "Herijkt",
            Status::GeenPrioriteit => "Geen prioriteit",
        }
    }
}

/// Whether a goal of the regional paragraph is worked on locally or regionally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Niveau {
    Lokaal,
    Regionaal,
}

impl Niveau {
    pub fn label(self) -> &'static str {
        match self {
            Niveau::Lokaal => "Lokaal",
            Niveau::Regionaal => "Regionaal",
        }
    }
}

/// A half-year reporting period: "2025-H1" (January–June) or "2025-H2".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rapportageperiode {
    pub jaar: i32,
    pub helft: u8,
}

impl Rapportageperiode {
    pub fn parse(s: &str) -> Option<Rapportageperiode> {
        let (year, half) = s.trim().split_once("-H")?;
        let jaar: i32 = year.parse().ok()?;
        let helft: u8 = half.parse().ok()?;
        ((1..=2).contains(&helft) && (2000..=2100).contains(&jaar))
            .then_some(Rapportageperiode { jaar, helft })
    }

    pub fn code(self) -> String {
        format!("{}-H{}", self.jaar, self.helft)
    }

    /// The last day of the period: the usual peildatum of its report.
    pub fn einde(self) -> NaiveDate {
        let (m, d) = if self.helft == 1 { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.jaar, m, d).unwrap_or_default()
    }

    pub fn begin(self) -> NaiveDate {
        let m = if self.helft == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.jaar, m, 1).unwrap_or_default()
    }

    /// A period typed by a user, or the Dutch problem with the field.
    pub fn parse_field(s: &str) -> Result<Rapportageperiode, crate::FieldError> {
        Rapportageperiode::parse(s).ok_or_else(|| {
            crate::FieldError::new("periode", "schrijf de periode als 2025-H1 of 2025-H2")
        })
    }

    /// The usual peildatum of the period's report: its last day, or today
    /// while the period runs.
    pub fn usual_peildatum(self, today: NaiveDate) -> NaiveDate {
        self.einde().min(today)
    }

    /// The period a day falls in.
    pub fn van(d: NaiveDate) -> Rapportageperiode {
        Rapportageperiode {
            jaar: d.year(),
            helft: if d.month() <= 6 { 1 } else { 2 },
        }
    }
}

impl Serialize for Rapportageperiode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Rapportageperiode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rapportageperiode::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is geen rapportageperiode; schrijf bijvoorbeeld 2025-H1 of 2025-H2"
            ))
        })
    }
}

/// Progress of a measure in one reporting period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Voortgang {
    pub periode: Rapportageperiode,
    pub status: Status,
    /// Paragraphs separated by an empty line; lines starting with "- " are a
    /// list; *emphasis* and [links](https://…) as in Markdown.
    pub tekst: String,
    pub datum: NaiveDate,
    pub auteur: String,
}

/// A sub-item of a measure: "a", "b", …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Onderdeel {
    pub letter: String,
    pub tekst: String,
}

/// A numbered measure; combined measures are numbered like "10./11.".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Maatregel {
    pub nummer: String,
    pub titel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omschrijving: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onderdelen: Vec<Onderdeel>,
    /// Ids of indicators shown with the measure (`GET /api/v1/indicatoren`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicatoren: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voortgang: Vec<Voortgang>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Programmalijn {
    pub nummer: u32,
    pub titel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omschrijving: Option<String>,
    pub maatregelen: Vec<Maatregel>,
}

/// A decision by a governing body, linked to measures by their numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Besluit {
    pub datum: NaiveDate,
    /// Portefeuillehoudersoverleg, Algemeen Bestuur, college, gemeenteraad …
    pub orgaan: String,
    pub titel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maatregelen: Vec<String>,
}

/// A goal of the regional paragraph (uitvoeringsprogramma).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Doel {
    /// "1A", "1B", "2A" …
    pub code: String,
    pub titel: String,
    pub lange_termijn: String,
    #[serde(default)]
    pub acties: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajecten: Vec<String>,
    pub niveau: Niveau,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planning: Option<String>,
}

/// The whole plan as one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanDocument {
    /// The code of the region (as in the reference data).
    pub regio: String,
    pub titel: String,
    pub periode_van: NaiveDate,
    pub periode_tot: NaiveDate,
    pub programmalijnen: Vec<Programmalijn>,
    #[serde(default)]
    pub besluiten: Vec<Besluit>,
    #[serde(default)]
    pub regionale_paragraaf: Vec<Doel>,
}

/// One problem in a plan file: where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    /// A path in the file, like `programmalijnen[2].maatregelen[0].nummer`.
    pub plaats: String,
    pub melding: String,
}

impl std::fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.plaats.is_empty() {
            write!(f, "{}", self.melding)
        } else {
            write!(f, "{}: {}", self.plaats, self.melding)
        }
    }
}

fn problem(plaats: impl Into<String>, melding: impl Into<String>) -> PlanProblem {
    PlanProblem {
        plaats: plaats.into(),
        melding: melding.into(),
    }
}

/// A measure number: digits with a dot, possibly combined ("10./11.").
fn valid_number(n: &str) -> bool {
    !n.is_empty()
        && n.split('/').all(|part| {
            let digits = part.trim().trim_end_matches('.');
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        })
}

/// A goal code: digits then one capital letter ("1A", "12C").
fn valid_goal(code: &str) -> bool {
    let digits: String = code.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &code[digits.len()..];
    !digits.is_empty() && rest.len() == 1 && rest.chars().all(|c| c.is_ascii_uppercase())
}

/// The measure numbers a (possibly combined) number stands for: "10./11."
/// stands for 10 and 11.
pub fn numbers_of(n: &str) -> Vec<String> {
    n.split('/')
        .map(|p| p.trim().trim_end_matches('.').to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

impl PlanDocument {
    /// Reads a plan file: JSON, checked completely.
    pub fn parse(text: &str) -> Result<PlanDocument, Vec<PlanProblem>> {
        let doc: PlanDocument = serde_json::from_str(text).map_err(|e| {
            vec![problem(
                format!("regel {}, kolom {}", e.line(), e.column()),
                format!(
                    "het bestand is geen geldig plan: {}",
                    dutch_serde(&e.to_string())
                ),
            )]
        })?;
        let problems = doc.check();
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(problems)
        }
    }

    /// The plan as a file, for export and for loading elsewhere.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Every problem in the plan.
    pub fn check(&self) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        let blank = |s: &str| s.trim().is_empty();
        if blank(&self.regio) {
            out.push(problem("regio", "geef de code van de regio"));
        }
        if blank(&self.titel) {
            out.push(problem("titel", "geef de titel van het plan"));
        }
        if self.periode_tot < self.periode_van {
            out.push(problem(
                "periodeTot",
                "het einde van de planperiode ligt voor het begin",
            ));
        }
        let mut lines = HashSet::new();
        let mut measures: HashSet<String> = HashSet::new();
        for (i, line) in self.programmalijnen.iter().enumerate() {
            let at = format!("programmalijnen[{i}]");
            if !lines.insert(line.nummer) {
                out.push(problem(
                    format!("{at}.nummer"),
                    format!("programmalijn {} staat er twee keer in", line.nummer),
                ));
            }
            if blank(&line.titel) {
                out.push(problem(
                    format!("{at}.titel"),
                    "geef de titel van de programmalijn",
                ));
            }
            for (j, m) in line.maatregelen.iter().enumerate() {
                let at = format!("{at}.maatregelen[{j}]");
                if !valid_number(&m.nummer) {
                    out.push(problem(
                        format!("{at}.nummer"),
                        format!(
                            "'{}' is geen maatregelnummer; schrijf bijvoorbeeld 7. of 10./11.",
                            m.nummer
                        ),
                    ));
                }
                for n in numbers_of(&m.nummer) {
                    if !measures.insert(n.clone()) {
                        out.push(problem(
                            format!("{at}.nummer"),
                            format!("maatregel {n} staat er twee keer in"),
                        ));
                    }
                }
                if blank(&m.titel) {
                    out.push(problem(
                        format!("{at}.titel"),
                        "geef de titel van de maatregel",
                    ));
                }
                let mut letters = HashSet::new();
                for (k, o) in m.onderdelen.iter().enumerate() {
                    let ok =
                        o.letter.len() == 1 && o.letter.chars().all(|c| c.is_ascii_lowercase());
                    if !ok {
                        out.push(problem(
                            format!("{at}.onderdelen[{k}].letter"),
                            "een onderdeel heeft één kleine letter: a, b, c …",
                        ));
                    } else if !letters.insert(o.letter.clone()) {
                        out.push(problem(
                            format!("{at}.onderdelen[{k}].letter"),
                            format!("onderdeel {} staat er twee keer in", o.letter),
                        ));
                    }
                }
                for (k, id) in m.indicatoren.iter().enumerate() {
                    if IndicatorId::parse(id).is_none() {
                        out.push(problem(
                            format!("{at}.indicatoren[{k}]"),
                            format!("onbekende indicator '{id}'; zie /cijfers/indicatoren"),
                        ));
                    }
                }
                let mut periods = HashSet::new();
                for (k, v) in m.voortgang.iter().enumerate() {
                    let at = format!("{at}.voortgang[{k}]");
                    if !periods.insert(v.periode) {
                        out.push(problem(
                            format!("{at}.periode"),
                            format!(
                                "voor {} staat er al voortgang bij deze maatregel",
                                v.periode.code()
                            ),
                        ));
                    }
                    if blank(&v.tekst) {
                        out.push(problem(format!("{at}.tekst"), "beschrijf de voortgang"));
                    }
                    if blank(&v.auteur) {
                        out.push(problem(format!("{at}.auteur"), "geef de auteur"));
                    }
                }
            }
        }
        for (i, b) in self.besluiten.iter().enumerate() {
            let at = format!("besluiten[{i}]");
            if blank(&b.orgaan) {
                out.push(problem(
                    format!("{at}.orgaan"),
                    "geef het orgaan dat besloot",
                ));
            }
            if blank(&b.titel) {
                out.push(problem(
                    format!("{at}.titel"),
                    "geef de titel van het besluit",
                ));
            }
            if let Some(link) = &b.link
                && !(link.starts_with("https://") || link.starts_with("http://"))
            {
                out.push(problem(
                    format!("{at}.link"),
                    "een link begint met https://",
                ));
            }
            for (k, n) in b.maatregelen.iter().enumerate() {
                for number in numbers_of(n) {
                    if !measures.contains(&number) {
                        out.push(problem(
                            format!("{at}.maatregelen[{k}]"),
                            format!("maatregel {number} staat niet in het plan"),
                        ));
                    }
                }
            }
        }
        let mut goals = HashSet::new();
        for (i, d) in self.regionale_paragraaf.iter().enumerate() {
            let at = format!("regionaleParagraaf[{i}]");
            if !valid_goal(&d.code) {
                out.push(problem(
                    format!("{at}.code"),
                    format!("'{}' is geen doelcode; schrijf bijvoorbeeld 1A", d.code),
                ));
            } else if !goals.insert(d.code.clone()) {
                out.push(problem(
                    format!("{at}.code"),
                    format!("doel {} staat er twee keer in", d.code),
                ));
            }
            if blank(&d.titel) {
                out.push(problem(format!("{at}.titel"), "geef de titel van het doel"));
            }
        }
        out
    }

    /// Every measure with its programme line, in plan order.
    pub fn measures(&self) -> impl Iterator<Item = (&Programmalijn, &Maatregel)> {
        self.programmalijnen
            .iter()
            .flat_map(|l| l.maatregelen.iter().map(move |m| (l, m)))
    }

    /// The measure with this key ("10./11." has key "10-11").
    pub fn measure(&self, key: &str) -> Option<&Maatregel> {
        self.measures()
            .map(|(_, m)| m)
            .find(|m| super::report::measure_key(m) == key)
    }

    pub fn measure_mut(&mut self, key: &str) -> Option<&mut Maatregel> {
        self.programmalijnen
            .iter_mut()
            .flat_map(|l| l.maatregelen.iter_mut())
            .find(|m| super::report::measure_key(m) == key)
    }

    /// The reporting periods of the plan's term up to today, newest first.
    pub fn periods_until(&self, today: NaiveDate) -> Vec<Rapportageperiode> {
        let mut out = Vec::new();
        let mut p = Rapportageperiode::van(self.periode_van);
        let last = Rapportageperiode::van(self.periode_tot.min(today));
        while p <= last {
            out.push(p);
            p = Rapportageperiode::van(p.einde() + chrono::Days::new(1));
        }
        out.reverse();
        out
    }

    /// The period being reported on: the one that ended last, within the
    /// plan's term.
    pub fn default_period(&self, today: NaiveDate) -> Rapportageperiode {
        let current = Rapportageperiode::van(today);
        let last_ended = Rapportageperiode::van(current.begin() - chrono::Days::new(1));
        last_ended.min(Rapportageperiode::van(self.periode_tot))
    }

    /// The measures without progress for a reporting period.
    pub fn missing_progress(&self, periode: Rapportageperiode) -> Vec<&Maatregel> {
        self.measures()
            .map(|(_, m)| m)
            .filter(|m| !m.voortgang.iter().any(|v| v.periode == periode))
            .collect()
    }
}

/// serde's messages name Rust ideas; say the same in Dutch.
fn dutch_serde(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("het veld '{field}' is onbekend");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("het veld '{field}' ontbreekt");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        return format!(
            "'{value}' is geen geldige waarde (een status is {}; een niveau lokaal of regionaal)",
            Status::ALL.map(|s| s.code()).join(", ")
        );
    }
    if message.contains("input contains invalid characters")
        || message.contains("premature end of input")
    {
        return "een datum schrijft u als jjjj-mm-dd".to_string();
    }
    message
        .split(" at line")
        .next()
        .unwrap_or(message)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> String {
        serde_json::json!({
            "regio": "GV",
            "titel": "Regionaal beleidsplan Opvang, Wonen en Herstel",
            "periodeVan": "2023-01-01",
            "periodeTot": "2026-12-31",
            "programmalijnen": [
                {
                    "nummer": 1,
                    "titel": "Preventie en vroegsignalering",
                    "maatregelen": [
                        {"nummer": "1.", "titel": "Eén loket voor vragen over wonen en zorg",
                         "onderdelen": [{"letter": "a", "tekst": "Loket in elke gemeente"}, {"letter": "b", "tekst": "Telefoonnummer"}],
                         "voortgang": [{"periode": "2025-H1", "status": "op-schema", "tekst": "Het loket is open.\n\n- Huizen\n- Hilversum", "datum": "2025-06-20", "auteur": "Beleidsadviseur GV"}]}
                    ]
                },
                {
                    "nummer": 2,
                    "titel": "Wonen",
                    "maatregelen": [
                        {"nummer": "10./11.", "titel": "Herbeoordeling van de wachtlijst", "indicatoren": ["wachtend-totaal", "wachtend-actief", "wachtend-passief"]}
                    ]
                }
            ],
            "besluiten": [{"datum": "2024-03-14", "orgaan": "Portefeuillehoudersoverleg", "titel": "Instemming uitvoeringsprogramma", "maatregelen": ["1.", "11"]}],
            "regionaleParagraaf": [{"code": "1A", "titel": "Voldoende passende woonplekken", "langeTermijn": "Iedereen woont zo thuis mogelijk", "acties": ["Afspraken met corporaties"], "niveau": "regionaal", "planning": "2025–2026"}]
        })
        .to_string()
    }

    #[test]
    fn a_plan_file_reads_and_writes_back_the_same() {
        let doc = PlanDocument::parse(&example()).unwrap();
        assert_eq!(doc.measures().count(), 2);
        assert_eq!(numbers_of("10./11."), vec!["10", "11"]);
        let again = PlanDocument::parse(&doc.to_json()).unwrap();
        assert_eq!(again, doc);
        let h1 = Rapportageperiode::parse("2025-H1").unwrap();
        assert_eq!(h1.einde(), NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!(doc.missing_progress(h1).len(), 1);
        assert_eq!(Rapportageperiode::van(h1.einde()), h1);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let mut v: serde_json::Value = serde_json::from_str(&example()).unwrap();
        v["programmalijnen"][1]["maatregelen"][0]["nummer"] = "1.".into();
        v["programmalijnen"][1]["maatregelen"][0]["indicatoren"][0] = "bestaat-niet".into();
        v["besluiten"][0]["maatregelen"][1] = "31".into();
        v["regionaleParagraaf"][0]["code"] = "A1".into();
        let problems = PlanDocument::parse(&v.to_string()).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.contains(
                &"programmalijnen[1].maatregelen[0].nummer: maatregel 1 staat er twee keer in"
                    .to_string()
            ),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with(
                "programmalijnen[1].maatregelen[0].indicatoren[0]: onbekende indicator"
            )),
            "{text:?}"
        );
        assert!(
            text.contains(
                &"besluiten[0].maatregelen[1]: maatregel 31 staat niet in het plan".to_string()
            ),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("regionaleParagraaf[0].code")),
            "{text:?}"
        );
        assert_eq!(problems.len(), 4, "{text:?}");
    }

    #[test]
    fn a_wrong_status_or_unknown_field_is_explained_in_dutch() {
        let bad = example().replace("\"op-schema\"", "\"klaar\"");
        let p = PlanDocument::parse(&bad).unwrap_err();
        assert!(
            p[0].melding.contains("'klaar' is geen geldige waarde"),
            "{p:?}"
        );
        assert!(p[0].plaats.starts_with("regel 1"), "{p:?}");
        let bad = example().replace("\"titel\":\"Wonen\"", "\"title\":\"Wonen\"");
        let p = PlanDocument::parse(&bad).unwrap_err();
        assert!(
            p[0].melding.contains("het veld 'title' is onbekend"),
            "{p:?}"
        );
        let bad = example().replace("2025-H1", "2025-Q1");
        let p = PlanDocument::parse(&bad).unwrap_err();
        assert!(p[0].melding.contains("2025-Q1"), "{p:?}");
    }

    #[test]
    fn the_period_reported_on_is_the_last_one_ended_within_the_plan() {
        let doc = PlanDocument::parse(&example()).unwrap_or_else(|p| panic!("{p:?}"));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let p = |s: &str| Rapportageperiode::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(doc.default_period(day("2026-01-12")), p("2025-H2"));
        assert_eq!(doc.default_period(day("2030-03-01")), p("2026-H2"));
        let periods = doc.periods_until(day("2024-02-01"));
        assert_eq!(periods, vec![p("2024-H1"), p("2023-H2"), p("2023-H1")]);
        assert_eq!(
            p("2025-H2").usual_peildatum(day("2026-01-12")),
            day("2025-12-31")
        );
        assert_eq!(
            p("2026-H1").usual_peildatum(day("2026-03-02")),
            day("2026-03-02")
        );
        assert_eq!(
            Rapportageperiode::parse_field("vorig jaar").map_err(|e| e.field),
            Err("periode".to_string())
        );
    }
}
