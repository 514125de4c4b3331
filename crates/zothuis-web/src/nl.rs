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
        "gepubliceerd" => {
            "De voortgangsrapportage is gepubliceerd. Tekst, peildatum en cijfers liggen nu vast."
        }
        _ => return None,
    })
}
