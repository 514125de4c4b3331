//! Dutch texts used from Rust code (most text lives in the templates).

pub const NOT_LOGGED_IN: &str =
    "U bent niet ingelogd. Gebruik een API-token in de header Authorization: Bearer ….";
pub const CSRF_FAILED: &str = "Dit formulier is verlopen of kwam niet van zothuis. Ga terug, laad de pagina opnieuw en probeer het nog eens.";
pub const IF_MATCH_REQUIRED: &str = "Stuur bij een wijziging de header If-Match met de ETag die u bij het ophalen kreeg, zodat u niet ongemerkt de wijziging van een ander overschrijft.";
pub const STALE_FORM: &str = "Iemand anders heeft dit gegeven gewijzigd nadat u het formulier opende. Hieronder staan de actuele gegevens; voer uw wijziging opnieuw in.";

pub fn internal_error(request_id: &str) -> String {
    format!(
        "Er ging iets mis aan onze kant. Uw gegevens zijn niet gewijzigd. Vermeld bij contact met de beheerder referentie {request_id}."
    )
}

pub fn storage_full(request_id: &str) -> String {
    format!(
        "De opslag van zothuis is vol. Uw wijziging is niet opgeslagen; probeer het later opnieuw. Meld dit aan de beheerder met referentie {request_id}."
    )
}

pub fn unavailable(request_id: &str) -> String {
    format!(
        "De database van zothuis is tijdelijk niet beschikbaar. Uw wijziging is niet opgeslagen; probeer het later opnieuw. Vermeld bij contact met de beheerder referentie {request_id}."
    )
}

/// The confirmation shown after a redirect (`?melding=…`).
pub fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "opgeslagen" => "De wijzigingen zijn opgeslagen.",
        "aangemaakt" => "Het gegeven is aangemaakt.",
        "verwijderd" => "Het gegeven is verwijderd.",
        "capaciteit" => {
            "De capaciteit is vastgelegd. De eerdere regels blijven bewaard als historie."
        }
        "wachtwoord" => {
            "Het wachtwoord is gewijzigd. Andere sessies van deze gebruiker zijn beëindigd."
        }
        "ingetrokken" => "Het API-token is ingetrokken en werkt niet meer.",
        "uitgelogd" => "U bent uitgelogd.",
        "afspraak" => {
            "De afspraak is vastgelegd. Een eerdere afspraak voor dezelfde gemeente en hetzelfde jaar blijft bewaard in de historie."
        }
        "voorgedragen" => "De cliënt is voorgedragen voor uitstroom.",
        "traject-geopend" => "De melding is vastgelegd en het traject is geopend.",
        "melding-toegevoegd" => "De melding is aan het traject toegevoegd.",
        "melding-ingetrokken" => "De melding is ingetrokken; zij telt niet meer mee.",
        "hov-vastgelegd" => "Het HOV-traject is vastgelegd.",
        "tarief-vastgelegd" => "Het tarief is vastgelegd.",
        "gepubliceerd" => {
            "De voortgangsrapportage is gepubliceerd. Tekst, peildatum en cijfers liggen nu vast."
        }
        _ => return None,
    })
}

/// Type code, title and explanation of an HTTP error that arose outside a
/// handler (routing, body and URI limits), for the API's problem+json.
pub fn http_problem(status: u16) -> (&'static str, &'static str, &'static str) {
    match status {
        404 => (
            "niet-gevonden",
            "Niet gevonden",
            "Dit adres bestaat niet in de API. Zie /api/v1/openapi.json.",
        ),
        405 => (
            "methode-niet-toegestaan",
            "Methode niet toegestaan",
            "Deze HTTP-methode kan niet op dit adres; de header Allow noemt de methoden die wel kunnen.",
        ),
        413 => (
            "verzoek-te-groot",
            "Verzoek te groot",
            "De inhoud van het verzoek is groter dan zothuis aanneemt. Stuur minder gegevens per verzoek.",
        ),
        414 => (
            "adres-te-lang",
            "Adres te lang",
            "Het adres (de URL) van het verzoek is te lang. Gebruik minder of kortere query-parameters.",
        ),
        415 => (
            "verkeerd-mediatype",
            "Verkeerd mediatype",
            "Stuur de inhoud van het verzoek als application/json (of multipart/form-data bij een import).",
        ),
        431 => (
            "headers-te-groot",
            "Headers te groot",
            "De headers van het verzoek zijn te groot.",
        ),
        400..=499 => (
            "ongeldig-verzoek",
            "Ongeldig verzoek",
            "zothuis kon dit verzoek niet verwerken. Controleer het adres, de methode en de inhoud.",
        ),
        _ => (
            "interne-fout",
            "Interne fout",
            "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
        ),
    }
}

/// A page address longer than zothuis accepts.
pub const URI_TOO_LONG_PAGE: &str =
    "Het adres van deze pagina is te lang. Ga terug naar het overzicht en probeer het opnieuw.";
