//! The answer to a request of access typeset as PDF: it opens and holds its
//! facts, each part with its rows or its empty text, and text that looks
//! like Typst markup is printed as it is.

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_answer_to_a_request_of_access_prints_every_part() {
    let data = serde_json::json!({
        "titel": "Overzicht van uw gegevens in zothuis",
        "gegevens": [["Inzageverzoek", "nummer 3"], ["Ontvangen op", "9 januari 2026"]],
        "toelichting": ["Medewerkers staan erin met hun rol en organisatie, niet met hun naam."],
        "onderdelen": [
            {
                "sleutel": "persoonsgegevens",
                "titel": "Persoonsgegevens en hun geschiedenis",
                "leeg": "Geen persoonsgegevens.",
                "kolommen": [["voornaam", "Voornaam"], ["achternaam", "Achternaam"]],
                "regels": [{"voornaam": "Inge", "achternaam": "#Visser [x] $y$"}],
            },
            {
                "sleutel": "beschikkingen",
                "titel": "Beschikkingen en de verantwoordelijke gemeente",
                "leeg": "Geen beschikkingen.",
                "kolommen": [["besluit", "Besluit"]],
                "regels": [],
            },
        ],
    });
    let pdf = match zothuis_report_pdf::subject_access(&data.to_string()) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert!(pdf.starts_with(b"%PDF-"));
    let text = match pdf_extract::extract_text_from_mem(&pdf) {
        Ok(t) => squash(&t),
        Err(e) => panic!("the PDF does not open: {e}"),
    };
    for expected in [
        "Overzicht van uw gegevens in zothuis",
        "nummer 3",
        "9 januari 2026",
        "niet met hun naam",
        "Persoonsgegevens en hun geschiedenis",
        "Voornaam",
        "Inge",
        "#Visser [x] $y$",
        "Geen beschikkingen.",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
}
