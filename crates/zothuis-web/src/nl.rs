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
        "tweede-factor" => {
            "De tweede factor is ingesteld. Voortaan vult u bij het inloggen ook de code uit de app in."
        }
        "tweede-factor-verwijderd" => {
            "De tweede factor is verwijderd. Vereist de rol er een, dan stelt de gebruiker bij de volgende keer inloggen een nieuwe in."
        }
        "scenario-opgeslagen" => "Het scenario is opgeslagen. De prognose hieronder rekent ermee.",
        "scenario-gekopieerd" => "De kopie is gemaakt. Wijzig haar aannames om verder te werken.",
        "scenario-gepubliceerd" => {
            "Het scenario is gepubliceerd. De prognose is bewaard zoals nu berekend en verandert niet meer."
        }
        "bevolkingsprognose-geladen" => {
            "De bevolkingsprognose is geladen. Elke regel is gecontroleerd."
        }
        "verzoek-beantwoord" => {
            "Het verzoek is beantwoord; het iWmo-bericht (WMO301 of WMO319) staat klaar voor de aanbieder."
        }
        "toewijzing-gewijzigd" => {
            "De wijziging is verstuurd: het iWmo-bericht (WMO301) staat klaar voor de aanbieder."
        }
        "toegewezen" => {
            "De beschikking is toegewezen; het iWmo-bericht (WMO301) staat klaar voor de aanbieder."
        }
        "inzageverzoek" => {
            "Het inzageverzoek is vastgelegd. Maak het overzicht om het te beantwoorden."
        }
        "geanonimiseerd" => {
            "De dossiers zijn geanonimiseerd. De goedkeuring staat onder Eerdere anonimiseringen en in het auditlog."
        }
        "samengevoegd" => {
            "De dossiers zijn samengevoegd. Alles van het andere dossier staat nu hier; de samenvoeging kan onderaan deze pagina ongedaan worden gemaakt."
        }
        "samenvoeging-ongedaan" => {
            "De samenvoeging is ongedaan gemaakt. Wat uit het andere dossier kwam, staat weer daar."
        }
        "voorgedragen" => "De cliënt is voorgedragen voor uitstroom.",
        "traject-geopend" => "De melding is vastgelegd en het traject is geopend.",
        "melding-toegevoegd" => "De melding is aan het traject toegevoegd.",
        "melding-ingetrokken" => "De melding is ingetrokken; zij telt niet meer mee.",
        "hov-vastgelegd" => "Het HOV-traject is vastgelegd.",
        "tarief-vastgelegd" => "Het tarief is vastgelegd.",
        "verdeelsleutel-vastgelegd" => "De verdeelsleutel is vastgelegd.",
        "verrekening-vastgesteld" => {
            "De verrekening is vastgesteld. De bedragen liggen nu vast; latere correcties veranderen haar niet."
        }
        "begroting-vastgelegd" => "De begroting is vastgelegd.",
        "begrotingswijziging" => {
            "De begrotingswijziging is vastgelegd als nieuwe versie. De vorige versie blijft bewaard."
        }
        "realisatie-vastgelegd" => {
            "De realisatie is vastgelegd. Een eerdere realisatie van dezelfde regel en maand geldt vanaf nu niet meer."
        }
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

/// A share as a Dutch percentage with one decimal: `23,5%`.
pub fn percentage(share: f64) -> String {
    format!("{:.1}%", share * 100.0).replace('.', ",")
}

/// The assumptions of the historical cohort's forecast
/// (`finance::forecast`), in plain Dutch, for beside its result. Without
/// the cohort's numbers when they are hidden from the viewer: the rate of
/// leaving care of a small cohort would tell about its few members.
pub fn forecast_assumptions(
    f: &zothuis_domain::finance::forecast::CohortForecast,
    area: &str,
    hidden_below: Option<u64>,
) -> Vec<String> {
    use zothuis_domain::dates::dutch_long;
    let cutoff = dutch_long(f.cutoff);
    let as_of = dutch_long(f.as_of);
    let realised_until = dutch_long(f.as_of.pred_opt().unwrap_or(f.as_of));
    let mut out = Vec::new();
    match hidden_below {
        Some(t) => out.push(format!(
            "Historische cliënten: wie op {cutoff} in zorg was met een gemeente van {area} als verantwoordelijke gemeente. Dat zijn er minder dan {t}: de aantallen en bedragen zijn daarom verborgen."
        )),
        None => out.push(format!(
            "Historische cliënten: de {} cliënten die op {cutoff} in zorg waren met een gemeente van {area} als verantwoordelijke gemeente; {} van hen {} nu nog in zorg. Zij verlaten de zorg in de loop van de tijd en worden niet vervangen: nieuwe instroom valt buiten deze prognose.",
            f.members_at_cutoff,
            f.members_now,
            if f.members_now == 1 { "is" } else { "zijn" },
        )),
    }
    match hidden_below {
        Some(_) => out.push(
            "Uitstroom: één vast tempo, geschat uit het aantal cliënten dat sinds de peildatum de zorg verliet, gedeeld door hun dagen in zorg.".into(),
        ),
        None if f.exits == 0 => out.push(format!(
            "Uitstroom: sinds {cutoff} heeft nog niemand van hen de zorg verlaten. De prognose gaat er daarom van uit dat iedereen in zorg blijft; de kosten in latere jaren zijn dan waarschijnlijk te hoog geschat."
        )),
        None => out.push(format!(
            "Uitstroom: één vast tempo, geschat uit wat er sinds {cutoff} gebeurde: {} {} de zorg in {} dagen in zorg. Dat is {} per jaar; na een jaar is naar verwachting {} nog in zorg.",
            f.exits,
            if f.exits == 1 { "cliënt verliet" } else { "cliënten verlieten" },
            f.exposure_days,
            percentage(f.rate_per_year),
            percentage(f.retention_per_year),
        )),
    }
    out.push("Een overplaatsing naar een ander verblijf telt niet als vertrek; wie na vertrek terugkomt, telt niet opnieuw mee.".into());
    out.push(format!(
        "Kosten: voor elke cliënt die nog in zorg is het tarief dat op {as_of} gold voor zijn verblijf, omgerekend naar een dag, in latere jaren ongewijzigd (geen indexering)."
    ));
    if hidden_below.is_none() && f.unpriced_members > 0 {
        out.push(format!(
            "{} {} in zorg {} op {as_of} geen tarief: {} kosten zijn niet meegeteld. Leg het ontbrekende tarief vast om ze mee te tellen.",
            f.unpriced_members,
            if f.unpriced_members == 1 { "cliënt" } else { "cliënten" },
            if f.unpriced_members == 1 { "heeft" } else { "hebben" },
            if f.unpriced_members == 1 { "die" } else { "hun" },
        ));
    }
    out.push(format!(
        "Het jaar {}: de kosten tot en met {realised_until} zoals gerealiseerd uit de verblijven, de rest van het jaar verwacht.",
        f.as_of.format("%Y")
    ));
    out.push("De verwachte bedragen zijn schattingen van een model, afgerond op hele centen; het gerealiseerde deel is exact.".into());
    out
}
