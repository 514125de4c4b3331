//! The half-year progress report (voortgangsrapportage) and its council
//! information letter, assembled from a plan, a reporting period, the figures
//! at the peildatum and an introduction. Pure: the service computes the
//! figures and stores publications; the web layer renders this one model as
//! HTML and as PDF, so both say the same.

use super::document::numbers_of;
use super::text::{Block, Inline, blocks, plain};
use super::{Doel, Maatregel, Onderdeel, PlanDocument, Rapportageperiode, Status};
use crate::dates::{dutch_long, dutch_moment};
use crate::figures::IndicatorId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Indicators shown when a plan links none to its measures: the waiting list
/// and the flow through the facilities. A product choice, not a rule.
pub const DEFAULT_FIGURES: [IndicatorId; 6] = [
    IndicatorId::WachtendTotaal,
    IndicatorId::WachtendActief,
    IndicatorId::WachtendPassief,
    IndicatorId::Instroom,
    IndicatorId::Uitstroom,
    IndicatorId::UitstroomZelfstandig,
];

/// How many figures the council letter names; the report has them all. A
/// letter stays short (a product choice, not a rule).
const LETTER_FIGURES: usize = 8;

/// The measure key used in addresses: "10./11." becomes "10-11".
pub fn measure_key(m: &Maatregel) -> String {
    numbers_of(&m.nummer).join("-")
}

/// The indicators a report shows, in the order the plan first names them.
pub fn report_indicators(doc: &PlanDocument) -> Vec<IndicatorId> {
    let mut out: Vec<IndicatorId> = Vec::new();
    for (_, m) in doc.measures() {
        for code in &m.indicatoren {
            if let Some(id) = IndicatorId::parse(code)
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
    }
    if out.is_empty() {
        out = DEFAULT_FIGURES.to_vec();
    }
    out
}

/// "eerste halfjaar 2025".
pub fn period_name(p: Rapportageperiode) -> String {
    let half = if p.helft == 1 { "eerste" } else { "tweede" };
    format!("{half} halfjaar {}", p.jaar)
}

/// One figure as printed in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportFigure {
    pub indicator: String,
    pub naam: String,
    /// "op 30 juni 2025" or "1 januari 2025 t/m 30 juni 2025".
    pub wanneer: String,
    /// As shown: "42", "<5", "61,5", "83 %", "–".
    pub waarde: String,
    pub eenheid: String,
    /// Hidden because the number is small.
    pub onderdrukt: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportMeasure {
    pub nummer: String,
    pub sleutel: String,
    pub titel: String,
    pub onderdelen: Vec<Onderdeel>,
    /// The status code, none when the period has no entry yet.
    pub status: Option<Status>,
    pub status_naam: String,
    pub tekst: Vec<Block>,
    pub datum: Option<NaiveDate>,
    pub datum_tekst: Option<String>,
    pub auteur: Option<String>,
    pub cijfers: Vec<ReportFigure>,
    /// Dates and titles of decisions linked to this measure, up to the peildatum.
    pub besluiten: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportLine {
    pub nummer: u32,
    pub titel: String,
    pub omschrijving: Option<String>,
    pub maatregelen: Vec<ReportMeasure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    pub status: String,
    pub naam: String,
    pub aantal: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDecision {
    pub datum: NaiveDate,
    pub datum_tekst: String,
    pub orgaan: String,
    pub titel: String,
    pub link: Option<String>,
    pub maatregelen: Vec<String>,
    /// Taken within the reporting period.
    pub in_periode: bool,
}

/// The council information letter (raadsinformatiebrief).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Letter {
    pub onderwerp: String,
    pub aanhef: String,
    pub tekst: Vec<Block>,
    pub afsluiting: String,
    pub afzender: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub id: i64,
    pub op: DateTime<Utc>,
    pub op_tekst: String,
    pub door: String,
}

impl Published {
    pub fn new(id: i64, op: DateTime<Utc>, door: &str) -> Published {
        Published {
            id,
            op,
            op_tekst: dutch_moment(op),
            door: door.to_string(),
        }
    }
}

/// One line of the financial chapter, as printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinanceLine {
    pub code: String,
    pub omschrijving: String,
    /// "Lasten" or "Baten".
    pub zijde: String,
    pub begroot: String,
    pub gerealiseerd: String,
    pub prognose: String,
    pub verschil: String,
    /// Where the realisation comes from, in words.
    pub bron: String,
}

/// The financial chapter: the region's budget against its realisation up
/// to the peildatum and the year-end forecast, per line
/// (`Services::budget_report`), with the same small-number protection as
/// the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinanceChapter {
    pub begroting: String,
    pub versie: String,
    pub jaar: i32,
    pub gerealiseerd_tot: String,
    pub regels: Vec<FinanceLine>,
    /// Days in care without a tariff in the year: the care cost is
    /// incomplete while there are any.
    pub dagen_zonder_tarief: i64,
}

/// One municipality (or the region) in the forecast chapter, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastLine {
    pub gemeente: String,
    /// Persons per month in the base year, counted ("<k" when small).
    pub basisjaar: String,
    /// Persons per month in the last year, forecast.
    pub prognose: String,
    pub plaatsen: String,
    pub tekort: String,
}

/// The forecast chapter: the region's latest scenario published by the
/// moment the report is known at, its protected housing (all products of
/// the category) per municipality in the base year and the last year,
/// with the places planned and the gap (`forecast::run`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastChapter {
    pub scenario: String,
    pub gepubliceerd_op: String,
    pub basisjaar: i32,
    pub tot_jaar: i32,
    pub regels: Vec<ForecastLine>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub plan_id: i64,
    pub plan_versie: i64,
    pub regio: String,
    pub regio_naam: String,
    pub plan_titel: String,
    pub titel: String,
    pub periode: Rapportageperiode,
    pub periode_naam: String,
    pub peildatum: NaiveDate,
    pub peildatum_tekst: String,
    /// The figures are as known at this moment.
    pub cijfers_bekend_op: DateTime<Utc>,
    pub cijfers_bekend_op_tekst: String,
    /// None while it is a concept.
    pub gepubliceerd: Option<Published>,
    pub drempel: u64,
    pub inleiding: Vec<Block>,
    pub overzicht: Vec<StatusCount>,
    pub ontbrekend: usize,
    pub programmalijnen: Vec<ReportLine>,
    pub cijfers: Vec<ReportFigure>,
    pub doelen: Vec<Doel>,
    pub besluiten: Vec<ReportDecision>,
    /// None when the region has no budget for the year, or the reader
    /// does not see budgets.
    pub financien: Option<FinanceChapter>,
    /// None when the region published no forecast scenario by then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prognose: Option<ForecastChapter>,
    pub raadsinformatiebrief: Letter,
}

/// What a report is made of.
pub struct ReportInput<'a> {
    pub plan_id: i64,
    pub plan_version_id: i64,
    pub region_code: &'a str,
    pub region_name: &'a str,
    pub document: &'a PlanDocument,
    pub periode: Rapportageperiode,
    pub peildatum: NaiveDate,
    /// The policy officer's introduction; empty: a standard introduction.
    pub introduction: &'a str,
    /// In the order of `report_indicators`.
    pub figures: Vec<ReportFigure>,
    pub known_at: DateTime<Utc>,
    pub published: Option<Published>,
    pub threshold: u64,
    pub finance: Option<FinanceChapter>,
    pub forecast: Option<ForecastChapter>,
}

/// The standard introduction, used when the policy officer writes none.
pub fn default_introduction(
    doc: &PlanDocument,
    periode: Rapportageperiode,
    peildatum: NaiveDate,
) -> String {
    format!(
        "Deze rapportage beschrijft de voortgang van de maatregelen uit het {} in het {}. \
         Per programmalijn staat bij elke maatregel de stand van zaken, met de cijfers op peildatum {}.\n\n\
         De cijfers komen uit de registratie van de regio en zijn berekend zoals ze bekend waren op het moment van publicatie; \
         latere correcties veranderen deze rapportage niet.",
        doc.titel,
        period_name(periode),
        dutch_long(peildatum),
    )
}

/// Assembles the report.
pub fn build(input: ReportInput<'_>) -> Report {
    let doc = input.document;
    let periode = input.periode;
    let figure_for = |code: &str| input.figures.iter().find(|f| f.indicator == code).cloned();
    let decisions: Vec<ReportDecision> = {
        let mut d: Vec<ReportDecision> = doc
            .besluiten
            .iter()
            .filter(|b| b.datum <= input.peildatum)
            .map(|b| ReportDecision {
                datum: b.datum,
                datum_tekst: dutch_long(b.datum),
                orgaan: b.orgaan.clone(),
                titel: b.titel.clone(),
                link: b.link.clone(),
                maatregelen: b.maatregelen.clone(),
                in_periode: b.datum >= periode.begin() && b.datum <= periode.einde(),
            })
            .collect();
        d.sort_by_key(|a| a.datum);
        d
    };
    let mut lines = Vec::new();
    for line in &doc.programmalijnen {
        let mut measures = Vec::new();
        for m in &line.maatregelen {
            let entry = m.voortgang.iter().find(|v| v.periode == periode);
            let own: Vec<String> = numbers_of(&m.nummer);
            measures.push(ReportMeasure {
                nummer: m.nummer.clone(),
                sleutel: measure_key(m),
                titel: m.titel.clone(),
                onderdelen: m.onderdelen.clone(),
                status: entry.map(|v| v.status),
                status_naam: entry
                    .map(|v| v.status.label().to_string())
                    .unwrap_or_else(|| "Nog niet gerapporteerd".into()),
                tekst: entry.map(|v| blocks(&v.tekst)).unwrap_or_default(),
                datum: entry.map(|v| v.datum),
                datum_tekst: entry.map(|v| dutch_long(v.datum)),
                auteur: entry.map(|v| v.auteur.clone()),
                cijfers: m.indicatoren.iter().filter_map(|c| figure_for(c)).collect(),
                besluiten: decisions
                    .iter()
                    .filter(|d| {
                        d.maatregelen
                            .iter()
                            .flat_map(|n| numbers_of(n))
                            .any(|n| own.contains(&n))
                    })
                    .map(|d| format!("{} ({}, {})", d.titel, d.orgaan, d.datum_tekst))
                    .collect(),
            });
        }
        lines.push(ReportLine {
            nummer: line.nummer,
            titel: line.titel.clone(),
            omschrijving: line.omschrijving.clone(),
            maatregelen: measures,
        });
    }
    let all: Vec<&ReportMeasure> = lines.iter().flat_map(|l| l.maatregelen.iter()).collect();
    let overzicht: Vec<StatusCount> = Status::ALL
        .iter()
        .map(|s| StatusCount {
            status: s.code().into(),
            naam: s.label().into(),
            aantal: all.iter().filter(|m| m.status == Some(*s)).count(),
        })
        .collect();
    let ontbrekend = all.iter().filter(|m| m.status.is_none()).count();
    let introduction = if input.introduction.trim().is_empty() {
        default_introduction(doc, periode, input.peildatum)
    } else {
        input.introduction.to_string()
    };
    let letter = letter(
        doc,
        input.region_name,
        periode,
        input.peildatum,
        &overzicht,
        ontbrekend,
        &all,
        &input.figures,
        &decisions,
    );
    Report {
        plan_id: input.plan_id,
        plan_versie: input.plan_version_id,
        regio: input.region_code.to_string(),
        regio_naam: input.region_name.to_string(),
        plan_titel: doc.titel.clone(),
        titel: format!("Voortgangsrapportage {}", period_name(periode)),
        periode,
        periode_naam: period_name(periode),
        peildatum: input.peildatum,
        peildatum_tekst: dutch_long(input.peildatum),
        cijfers_bekend_op: input.known_at,
        cijfers_bekend_op_tekst: dutch_moment(input.known_at),
        gepubliceerd: input.published,
        drempel: input.threshold,
        inleiding: blocks(&introduction),
        overzicht,
        ontbrekend,
        programmalijnen: lines,
        cijfers: input.figures,
        doelen: doc.regionale_paragraaf.clone(),
        besluiten: decisions,
        financien: input.finance,
        prognose: input.forecast,
        raadsinformatiebrief: letter,
    }
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Tekst { tekst: s.into() }
}

#[allow(clippy::too_many_arguments)]
fn letter(
    doc: &PlanDocument,
    region_name: &str,
    periode: Rapportageperiode,
    peildatum: NaiveDate,
    overzicht: &[StatusCount],
    ontbrekend: usize,
    measures: &[&ReportMeasure],
    figures: &[ReportFigure],
    decisions: &[ReportDecision],
) -> Letter {
    let mut tekst = vec![Block::Alinea {
        delen: vec![text(format!(
            "Met deze brief informeren wij u over de voortgang van het {} in het {}. \
             De volledige voortgangsrapportage is bijgevoegd.",
            doc.titel,
            period_name(periode)
        ))],
    }];
    let counts: Vec<String> = overzicht
        .iter()
        .filter(|c| c.aantal > 0)
        .map(|c| format!("{}: {}", c.naam.to_lowercase(), c.aantal))
        .collect();
    let mut status = format!(
        "Het plan telt {} maatregelen. Stand van zaken: {}.",
        measures.len(),
        if counts.is_empty() {
            "nog geen voortgang gemeld".to_string()
        } else {
            counts.join(", ")
        }
    );
    if ontbrekend > 0 {
        status.push_str(&format!(
            " Voor {ontbrekend} {} is over deze periode nog geen voortgang gemeld.",
            if ontbrekend == 1 {
                "maatregel"
            } else {
                "maatregelen"
            }
        ));
    }
    tekst.push(Block::Alinea {
        delen: vec![text(status)],
    });
    let delayed: Vec<Vec<Inline>> = measures
        .iter()
        .filter(|m| m.status == Some(Status::Vertraagd))
        .map(|m| {
            let first = m
                .tekst
                .first()
                .map(|b| plain(std::slice::from_ref(b)))
                .unwrap_or_default();
            vec![
                Inline::Nadruk {
                    tekst: format!("{} {}", m.nummer, m.titel),
                },
                text(if first.is_empty() {
                    String::new()
                } else {
                    format!(": {first}")
                }),
            ]
        })
        .collect();
    if !delayed.is_empty() {
        tekst.push(Block::Alinea {
            delen: vec![text("Vertraging is er bij de volgende maatregelen:")],
        });
        tekst.push(Block::Lijst { items: delayed });
    }
    if !figures.is_empty() {
        let shown = &figures[..figures.len().min(LETTER_FIGURES)];
        tekst.push(Block::Alinea {
            delen: vec![text(format!(
                "De belangrijkste cijfers op peildatum {}:",
                dutch_long(peildatum)
            ))],
        });
        tekst.push(Block::Lijst {
            items: shown
                .iter()
                .map(|f| vec![text(format!("{} ({}): {}", f.naam, f.wanneer, f.waarde))])
                .collect(),
        });
    }
    let in_period: Vec<Vec<Inline>> = decisions
        .iter()
        .filter(|d| d.in_periode)
        .map(|d| {
            vec![text(format!(
                "{} — {}: {}",
                d.datum_tekst, d.orgaan, d.titel
            ))]
        })
        .collect();
    if !in_period.is_empty() {
        tekst.push(Block::Alinea {
            delen: vec![text("In deze periode is besloten over:")],
        });
        tekst.push(Block::Lijst { items: in_period });
    }
    Letter {
        onderwerp: format!("Voortgang {}, {}", doc.titel, period_name(periode)),
        aanhef: "Geachte raadsleden,".into(),
        tekst,
        afsluiting: "Met vriendelijke groet,".into(),
        afzender: format!("namens de gemeenten van de regio {region_name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Besluit, Programmalijn, Voortgang};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn measure(nummer: &str, status: Option<Status>) -> Maatregel {
        Maatregel {
            nummer: nummer.into(),
            titel: format!("Maatregel {nummer}"),
            omschrijving: None,
            onderdelen: vec![],
            indicatoren: if nummer == "2." {
                vec!["wachtend-totaal".into()]
            } else {
                vec![]
            },
            voortgang: status
                .map(|s| Voortgang {
                    periode: Rapportageperiode {
                        jaar: 2025,
                        helft: 1,
                    },
                    status: s,
                    tekst: "Loopt *goed*.\n\n- punt één".into(),
                    datum: day("2025-06-20"),
                    auteur: "Beleid".into(),
                })
                .into_iter()
                .collect(),
        }
    }

    fn plan() -> PlanDocument {
        PlanDocument {
            regio: "GV".into(),
            titel: "Regionaal plan".into(),
            periode_van: day("2023-01-01"),
            periode_tot: day("2026-12-31"),
            programmalijnen: vec![Programmalijn {
                nummer: 1,
                titel: "Lijn".into(),
                omschrijving: None,
                maatregelen: vec![
                    measure("1.", Some(Status::OpSchema)),
                    measure("2.", Some(Status::Vertraagd)),
                    measure("3./4.", None),
                ],
            }],
            besluiten: vec![
                Besluit {
                    datum: day("2025-03-01"),
                    orgaan: "Algemeen Bestuur".into(),
                    titel: "Besluit in de periode".into(),
                    link: None,
                    maatregelen: vec!["4.".into()],
                },
                Besluit {
                    datum: day("2025-09-01"),
                    orgaan: "College".into(),
                    titel: "Besluit na de peildatum".into(),
                    link: None,
                    maatregelen: vec!["1.".into()],
                },
            ],
            regionale_paragraaf: vec![],
        }
    }

    #[test]
    fn a_report_shows_every_measure_its_status_figures_and_decisions() {
        let doc = plan();
        let figure = ReportFigure {
            indicator: "wachtend-totaal".into(),
            naam: "Wachtenden".into(),
            wanneer: "op 30 juni 2025".into(),
            waarde: "42".into(),
            eenheid: "personen".into(),
            onderdrukt: false,
        };
        let r = build(ReportInput {
            plan_id: 1,
            plan_version_id: 7,
            region_code: "GV",
            region_name: "Gooi en Vechtstreek",
            document: &doc,
            periode: Rapportageperiode {
                jaar: 2025,
                helft: 1,
            },
            peildatum: day("2025-06-30"),
            introduction: "",
            figures: vec![figure.clone()],
            known_at: DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default(),
            published: None,
            threshold: 5,
            finance: None,
            forecast: None,
        });
        assert_eq!(r.titel, "Voortgangsrapportage eerste halfjaar 2025");
        let ms: Vec<&ReportMeasure> = r.programmalijnen[0].maatregelen.iter().collect();
        assert_eq!(ms.len(), 3);
        assert_eq!(ms[2].sleutel, "3-4");
        assert_eq!(ms[2].status_naam, "Nog niet gerapporteerd");
        assert_eq!(ms[1].cijfers, vec![figure]);
        // A decision counts for a combined measure through either number;
        // one after the peildatum is not in the report.
        assert_eq!(ms[2].besluiten.len(), 1);
        assert!(ms[0].besluiten.is_empty());
        assert_eq!(r.besluiten.len(), 1);
        assert_eq!(r.ontbrekend, 1);
        assert_eq!(
            r.overzicht.iter().map(|c| c.aantal).sum::<usize>(),
            2,
            "two measures have an entry"
        );
        let letter = serde_json::to_string(&r.raadsinformatiebrief).unwrap_or_default();
        assert!(letter.contains("Vertraging is er bij de volgende maatregelen"));
        assert!(letter.contains("2. Maatregel 2."));
        assert!(letter.contains("Wachtenden (op 30 juni 2025): 42"));
        assert!(letter.contains("Besluit in de periode"));
        assert!(letter.contains("nog geen voortgang gemeld"));
        assert!(plain(&r.inleiding).contains("Regionaal plan"));
    }

    #[test]
    fn indicators_in_plan_order_or_the_default_set() {
        let doc = plan();
        assert_eq!(report_indicators(&doc), vec![IndicatorId::WachtendTotaal]);
        let mut none = plan();
        for l in &mut none.programmalijnen {
            for m in &mut l.maatregelen {
                m.indicatoren.clear();
            }
        }
        assert_eq!(report_indicators(&none), DEFAULT_FIGURES.to_vec());
    }
}
