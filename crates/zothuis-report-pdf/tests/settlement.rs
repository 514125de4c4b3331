//! A settlement statement typeset as PDF: it opens and holds its title,
//! facts, every row and the totals; text that looks like Typst markup is
//! printed as it is.

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_settlement_statement_prints_its_facts_rows_and_totals() {
    let data = serde_json::json!({
        "titel": "Verrekening 2025",
        "regio": "Gooi en Vechtstreek",
        "gegevens": [
            ["Periode", "2025 (geteld tot en met 31 december 2025)"],
            ["Verdeling", "Totale kosten verdeeld volgens een verdeelsleutel"],
            ["Verdeelsleutel", "Historisch #budget [centrumgemeente]"],
            ["Vastgesteld", "12 januari 2026, 10:00 uur door Financieel Adviseur"],
        ],
        "kolommen": ["Gemeente", "Kosten eigen inwoners", "Dagen in zorg", "Cliënten", "Aandeel",
            "Bijdrage", "Saldo"],
        "regels": [
            ["Hilversum", "€ 7.712,73", "51", "1", "60 %", "€ 4.627,64", "te ontvangen € 3.085,09"],
            ["Huizen", "€ 0,00", "0", "0", "40 %", "€ 3.085,09", "te betalen € 3.085,09"],
        ],
        "totaal": ["Totaal regio", "€ 7.712,73", "51", "1", "100 %", "€ 7.712,73", "nihil"],
        "opmerkingen": ["Zoals bekend op 12 januari 2026, 10:00 uur."],
    });
    let pdf = match zothuis_report_pdf::settlement(&data.to_string()) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert!(pdf.starts_with(b"%PDF-"));
    let text = match pdf_extract::extract_text_from_mem(&pdf) {
        Ok(t) => squash(&t),
        Err(e) => panic!("the PDF does not open: {e}"),
    };
    for expected in [
        "Verrekening 2025",
        "Regio Gooi en Vechtstreek",
        "Historisch #budget [centrumgemeente]",
        "Hilversum",
        "te ontvangen € 3.085,09",
        "te betalen € 3.085,09",
        "Totaal regio",
        "Vastgesteld",
        "door Financieel Adviseur",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
}
