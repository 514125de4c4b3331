//! The demo plan typeset as a progress report: the PDF opens and its text
//! holds every measure, goal and decision.

use chrono::{DateTime, NaiveDate};
use zothuis_domain::plan::report::{self, ReportFigure, ReportInput, report_indicators};
use zothuis_domain::plan::{PlanDocument, Rapportageperiode};

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn demo_report(doc: &PlanDocument) -> String {
    let figures: Vec<ReportFigure> = report_indicators(doc)
        .into_iter()
        .enumerate()
        .map(|(i, id)| ReportFigure {
            indicator: id.code().to_string(),
            naam: id.info().name.to_string(),
            wanneer: "op 30 juni 2025".into(),
            waarde: if i == 0 {
                "<5".into()
            } else {
                format!("{}", 10 + i)
            },
            eenheid: "personen".into(),
            onderdrukt: i == 0,
        })
        .collect();
    let r = report::build(ReportInput {
        plan_id: 1,
        plan_version_id: 2,
        region_code: &doc.regio,
        region_name: "Gooi en Vechtstreek",
        document: doc,
        periode: Rapportageperiode {
            jaar: 2025,
            helft: 2,
        },
        peildatum: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
        introduction: "",
        figures,
        known_at: DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default(),
        published: Some(report::Published::new(
            9,
            DateTime::from_timestamp(1_767_600_000, 0).unwrap_or_default(),
            "Beleidsadviseur",
        )),
        threshold: 5,
        finance: Some(report::FinanceChapter {
            begroting: "Bescherming en Opvang Gooi en Vechtstreek".into(),
            versie: "Begroting 2025–2028".into(),
            jaar: 2025,
            gerealiseerd_tot: "31 december 2025".into(),
            regels: vec![report::FinanceLine {
                code: "a".into(),
                omschrijving: "Zorgkosten beschermd wonen".into(),
                zijde: "Lasten".into(),
                begroot: "€ 22.100.000,00".into(),
                gerealiseerd: "€ 21.874.512,33".into(),
                prognose: "€ 21.874.512,33".into(),
                verschil: "-€ 225.487,67".into(),
                bron: "verblijven × tarieven".into(),
            }],
            dagen_zonder_tarief: 3,
        }),
        forecast: Some(report::ForecastChapter {
            scenario: "Ambulantisering".into(),
            gepubliceerd_op: "5 december 2026 om 10:00".into(),
            basisjaar: 2023,
            tot_jaar: 2040,
            regels: vec![report::ForecastLine {
                gemeente: "Haarlem".into(),
                basisjaar: "210,0".into(),
                prognose: "228,4".into(),
                plaatsen: "200,0".into(),
                tekort: "28,4".into(),
            }],
        }),
    });
    serde_json::to_string(&r).unwrap_or_default()
}

#[test]
fn every_measure_goal_and_decision_is_in_the_pdf_text() {
    for text in zothuis_domain::demo::PLANS {
        let doc = match PlanDocument::parse(text) {
            Ok(d) => d,
            Err(problems) => panic!("demo plan invalid: {problems:?}"),
        };
        let pdf = match zothuis_report_pdf::progress_report(&demo_report(&doc)) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(pdf.starts_with(b"%PDF-"));
        // To look at the result: ZOTHUIS_PDF_OUT=/tmp cargo nextest run -p zothuis-report-pdf
        if let Ok(dir) = std::env::var("ZOTHUIS_PDF_OUT") {
            let file = std::path::Path::new(&dir).join(format!("{}.pdf", doc.regio));
            std::fs::write(&file, &pdf).ok();
        }
        let extracted = match pdf_extract::extract_text_from_mem(&pdf) {
            Ok(t) => squash(&t),
            Err(e) => panic!("the PDF does not open: {e}"),
        };
        for (_, m) in doc.measures() {
            let line = squash(&format!("{} {}", m.nummer, m.titel));
            assert!(
                extracted.contains(&line),
                "measure missing from PDF: {line}"
            );
        }
        for d in &doc.regionale_paragraaf {
            assert!(extracted.contains(&squash(&format!("{} {}", d.code, d.titel))));
        }
        for b in &doc.besluiten {
            assert!(extracted.contains(&squash(&b.titel)), "{}", b.titel);
        }
        assert!(extracted.contains("Raadsinformatiebrief"));
        assert!(extracted.contains("Financiën"));
        assert!(extracted.contains(&squash("Prognose van de vraag naar beschermd wonen")));
        assert!(
            extracted.contains(&squash("Haarlem 210,0 228,4 200,0 28,4")),
            "{extracted}"
        );
        assert!(extracted.contains(&squash("Zorgkosten beschermd wonen")));
        assert!(extracted.contains(&squash("22.100.000,00")));
        assert!(extracted.contains(&squash("3 dagen in zorg hebben nog geen tarief")));
        assert!(extracted.contains("Voortgangsrapportage tweede halfjaar 2025"));
        assert!(extracted.contains("<5"));
    }
}

#[test]
fn a_template_error_is_an_error_not_a_panic() {
    let err = zothuis_report_pdf::render("#let x = json(\"/rapport.json\")\n#x.nope", "{}");
    assert!(err.is_err());
    let err = zothuis_report_pdf::progress_report("geen json");
    assert!(err.is_err());
}
