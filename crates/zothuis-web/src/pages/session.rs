//! Logging in and out, the start page and the user's own account.

use super::*;
use crate::auth::{CSRF_COOKIE, SESSION_COOKIE, client_origin, set_cookie};
use axum::extract::{Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};
use zothuis_domain::admin::secrets::random_secret;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inloggen", get(login_form).post(login))
        .route("/inloggen/oidc", get(external_login))
        .route("/inloggen/oidc/terug", get(external_login_answer))
        .route("/uitloggen", post(logout))
        .route("/", get(home))
        .route("/account", get(account))
        .route("/account/wachtwoord", post(change_password))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    back: String,
    username: String,
    error: Option<String>,
    /// The field the error is about (`gebruikersnaam` or `code`).
    error_field: &'static str,
    notice: Option<&'static str>,
    setup_needed: bool,
    /// What the button to sign in through the identity provider says, when
    /// one is configured.
    idp_label: Option<String>,
}

impl LoginPage {
    /// The start of a sign-in through the identity provider, back to the
    /// same page afterwards.
    fn idp_href(&self) -> String {
        format!(
            "/inloggen/oidc?terug={}",
            crate::auth::urlencode(&self.back)
        )
    }
}

/// The cookie that binds a sign-in through the identity provider to the
/// browser that started it.
const EXTERNAL_LOGIN_COOKIE: &str = "zothuis_oidc";

#[derive(serde::Deserialize, Default)]
struct LoginQuery {
    terug: Option<String>,
    melding: Option<String>,
}

/// Only paths on this site are followed after login (no open redirect).
///
/// Browsers resolve a `Location` by the WHATWG URL rules, which drop tabs
/// and newlines and read `\` as `/`: `/\t/evil.example` and `/\evil.example`
/// both become `//evil.example`, another host. So the value must be a plain
/// absolute path: it starts with a single `/` and holds only the characters
/// RFC 3986 allows unescaped in a path and query (no whitespace, control
/// characters, backslash or non-ASCII), and it is no longer than a page
/// address needs. Percent escapes (`/%09/evil.example`, `/%2F%2Fevil`) are
/// kept as they are: a browser does not decode them when resolving, so they
/// stay a path on this site (and simply find no page).
fn safe_back(back: Option<&str>) -> String {
    const MAX_BACK: usize = 2048;
    fn allowed(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c)
    }
    match back {
        Some(b)
            if b.len() <= MAX_BACK
                && b.starts_with('/')
                && !b.starts_with("//")
                && b.chars().all(allowed) =>
        {
            b.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The login form sets a pre-session CSRF cookie and carries the same value.
fn login_page(s: &AppState, page: LoginPage, status: StatusCode) -> Response {
    let cookie = set_cookie(CSRF_COOKIE, &page.csrf, s.config.secure_cookies, Some(3600));
    (status, [(header::SET_COOKIE, cookie)], page).into_response()
}

async fn login_form(
    State(s): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let page = LoginPage {
        csrf: random_secret(),
        back: safe_back(q.terug.as_deref()),
        username: String::new(),
        error: None,
        error_field: "gebruikersnaam",
        notice: q.melding.as_deref().and_then(crate::nl::notice),
        setup_needed: s.services.setup_needed().await?,
        idp_label: idp_label(&s),
    };
    Ok(login_page(&s, page, StatusCode::OK))
}

async fn login(
    State(s): State<AppState>,
    parts: Parts,
    form: FormData,
) -> Result<Response, PageError> {
    let username = form.get("gebruikersnaam");
    let origin = client_origin(&parts, &s);
    let result = s
        .services
        .login(
            &username,
            &form.get("wachtwoord"),
            &form.get("code"),
            origin.as_deref(),
            &current_request_id(),
        )
        .await;
    match result {
        Ok(ok) => {
            let next = if ok.must_set_up_second_factor {
                super::second_factor::PATH.to_string()
            } else {
                safe_back(Some(&form.get("terug")))
            };
            Ok(logged_in(&s, &ok, &next, &[]))
        }
        Err(e @ (DomainError::Invalid(_) | DomainError::TooManyAttempts(_))) => {
            let code_wrong = matches!(&e, DomainError::Invalid(errors)
                if errors.first().is_some_and(|f| f.field == "code"));
            let (status, message) = match e {
                DomainError::TooManyAttempts(m) => (StatusCode::TOO_MANY_REQUESTS, m),
                DomainError::Invalid(errors) => match errors.first() {
                    // An impossible username (far too long) is a bad request.
                    Some(f) if f.field == "gebruikersnaam" => {
                        (StatusCode::BAD_REQUEST, f.message.clone())
                    }
                    Some(f) if f.field == "code" => (StatusCode::UNAUTHORIZED, f.message.clone()),
                    _ => (
                        StatusCode::UNAUTHORIZED,
                        "Gebruikersnaam of wachtwoord onjuist.".to_string(),
                    ),
                },
                _ => (
                    StatusCode::UNAUTHORIZED,
                    "Gebruikersnaam of wachtwoord onjuist.".to_string(),
                ),
            };
            let page = LoginPage {
                csrf: random_secret(),
                back: safe_back(Some(&form.get("terug"))),
                // Echo back only what could be a username.
                username: zothuis_domain::admin::LoginName::parse(&username)
                    .as_str()
                    .to_string(),
                error: Some(message),
                error_field: if code_wrong { "code" } else { "gebruikersnaam" },
                notice: None,
                setup_needed: false,
                idp_label: idp_label(&s),
            };
            Ok(login_page(&s, page, status))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The answer to a successful login, local or through the identity
/// provider: the session cookie, the pre-session cookies cleared, and on to
/// `next`.
fn logged_in(
    s: &AppState,
    ok: &zothuis_domain::admin::service::LoginSuccess,
    next: &str,
    clear: &[&str],
) -> Response {
    let max_age = s.services.settings.session_absolute_hours * 3600;
    let mut cookies = vec![set_cookie(
        SESSION_COOKIE,
        &ok.session_secret,
        s.config.secure_cookies,
        Some(max_age),
    )];
    for name in [CSRF_COOKIE].iter().chain(clear) {
        cookies.push(set_cookie(name, "", s.config.secure_cookies, Some(0)));
    }
    let mut resp = Redirect::to(next).into_response();
    for cookie in cookies {
        if let Ok(v) = cookie.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn idp_label(s: &AppState) -> Option<String> {
    s.services.settings.oidc.as_ref().map(|o| o.label.clone())
}

/// The login page again, with why signing in through the identity provider
/// did not succeed.
fn external_login_refused(s: &AppState, status: StatusCode, message: String) -> Response {
    let page = LoginPage {
        csrf: random_secret(),
        back: "/".into(),
        username: String::new(),
        error: Some(message),
        error_field: "oidc",
        notice: None,
        setup_needed: false,
        idp_label: idp_label(s),
    };
    let mut resp = login_page(s, page, status);
    let clear = set_cookie(EXTERNAL_LOGIN_COOKIE, "", s.config.secure_cookies, Some(0));
    if let Ok(v) = clear.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Starts a sign-in through the identity provider: fresh state, nonce and
/// PKCE verifier kept server-side, bound to this browser by a cookie, and
/// the browser sent to the provider.
async fn external_login(
    State(s): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let Some(settings) = s.services.settings.oidc.as_ref() else {
        return Err(PageError(DomainError::NotFound(
            "Inloggen via een identiteitsprovider is hier niet ingesteld".into(),
        )));
    };
    let auth = match s.idp.authorization(settings).await {
        Ok(auth) => auth,
        Err(failure) => return Ok(idp_failure(&s, failure)),
    };
    let browser = random_secret();
    s.services
        .begin_external_login(&zothuis_domain::admin::oidc::ExternalLoginStart {
            state: &auth.state,
            browser: &browser,
            nonce: &auth.nonce,
            pkce_verifier: &auth.pkce_verifier,
            back: &safe_back(q.terug.as_deref()),
        })
        .await?;
    let cookie = set_cookie(
        EXTERNAL_LOGIN_COOKIE,
        &browser,
        s.config.secure_cookies,
        Some(settings.login_minutes * 60),
    );
    let mut resp = Redirect::to(&auth.url).into_response();
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

fn idp_failure(s: &AppState, failure: crate::oidc::Failure) -> Response {
    match failure {
        crate::oidc::Failure::Unreachable(detail) => {
            tracing::warn!(%detail, "identiteitsprovider niet bereikbaar");
            external_login_refused(
                s,
                StatusCode::BAD_GATEWAY,
                "De identiteitsprovider is nu niet bereikbaar of gaf een onbruikbaar antwoord. Probeer het later opnieuw, of log in met uw gebruikersnaam en wachtwoord als u die heeft.".into(),
            )
        }
        crate::oidc::Failure::Refused { message, .. } => {
            external_login_refused(s, StatusCode::UNAUTHORIZED, message.to_string())
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The issuer of the answer (RFC 9207), where the provider says it.
    iss: Option<String>,
}

/// The provider's answer: the sign-in under way is taken once by its state
/// (from this browser only), the code exchanged and the ID token checked,
/// and the person signed in as the domain decides. Every refusal is audited.
async fn external_login_answer(
    State(s): State<AppState>,
    parts: Parts,
    Query(answer): Query<ProviderAnswer>,
) -> Result<Response, PageError> {
    let Some(settings) = s.services.settings.oidc.as_ref() else {
        return Err(PageError(DomainError::NotFound(
            "Inloggen via een identiteitsprovider is hier niet ingesteld".into(),
        )));
    };
    let origin = client_origin(&parts, &s);
    let request_id = current_request_id();
    let browser = crate::auth::cookie_value(&parts.headers, EXTERNAL_LOGIN_COOKIE);
    let pending = match s
        .services
        .take_external_login(
            answer.state.as_deref().unwrap_or_default(),
            browser.as_deref(),
            origin.as_deref(),
            &request_id,
        )
        .await
    {
        Ok(p) => p,
        Err(DomainError::Invalid(errors)) => {
            let message = errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            return Ok(external_login_refused(&s, StatusCode::BAD_REQUEST, message));
        }
        Err(e) => return Err(PageError(e)),
    };
    // The provider's own refusal (OpenID Connect Core 1.0 § 3.1.2.6).
    let code = match (answer.code.as_deref(), answer.error.as_deref()) {
        (Some(code), None) if !code.is_empty() => code.to_string(),
        (_, error) => {
            let denied = error == Some("access_denied");
            s.services
                .refuse_external_login(
                    None,
                    if denied {
                        "geweigerd bij de identiteitsprovider"
                    } else {
                        "fout van de identiteitsprovider"
                    },
                    origin.as_deref(),
                    &request_id,
                )
                .await?;
            let message = if denied {
                "U heeft het inloggen bij de identiteitsprovider afgebroken, of de identiteitsprovider gaf geen toegang."
            } else {
                "De identiteitsprovider meldde een fout. Begin opnieuw met inloggen."
            };
            return Ok(external_login_refused(
                &s,
                StatusCode::UNAUTHORIZED,
                message.into(),
            ));
        }
    };
    let identity = match s
        .idp
        .verify(
            settings,
            &code,
            answer.iss.as_deref(),
            &pending,
            s.services.clock.now(),
        )
        .await
    {
        Ok(identity) => identity,
        Err(failure) => {
            let reason = match &failure {
                crate::oidc::Failure::Refused { reason, .. } => reason,
                crate::oidc::Failure::Unreachable(_) => "identiteitsprovider niet bereikbaar",
            };
            s.services
                .refuse_external_login(None, reason, origin.as_deref(), &request_id)
                .await?;
            return Ok(idp_failure(&s, failure));
        }
    };
    match s
        .services
        .finish_external_login(&identity, origin.as_deref(), &request_id)
        .await
    {
        Ok(ok) => Ok(logged_in(&s, &ok, &pending.back, &[EXTERNAL_LOGIN_COOKIE])),
        Err(DomainError::Forbidden(message)) => {
            Ok(external_login_refused(&s, StatusCode::FORBIDDEN, message))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn logout(State(s): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    s.services.logout(&u.ctx, &u.session_secret).await?;
    let clear = set_cookie(SESSION_COOKIE, "", s.config.secure_cookies, Some(0));
    let mut resp = Redirect::to("/inloggen?melding=uitgelogd").into_response();
    if let Ok(v) = clear.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

pub struct Card {
    pub href: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    cards: Vec<Card>,
}

async fn home(State(s): State<AppState>, u: PageUser, Query(q): Query<NoticeQuery>) -> HomePage {
    let a = u.actor();
    let mut cards = Vec::new();
    if super::corporation::is_corporation(a) {
        cards.push(Card {
            href: "/corporatie",
            title: "Voordrachten aan uw corporatie",
            text: "De kandidaten die via het Pact voor uitstroom aan uw corporatie zijn voorgedragen: wie, waar een woning wordt gezocht en de toewijzing. Elke inzage wordt vastgelegd.",
        });
    }
    if works_with_clients(a) {
        cards.push(Card {
            href: "/clienten",
            title: "Cliënten",
            text: "Cliënten zoeken en registreren, met hun adreshistorie. Elke inzage wordt vastgelegd.",
        });
        cards.push(Card {
            href: "/wachtlijst",
            title: "Wachtlijst",
            text: "De regionale wachtlijst op een peildatum: actief, passief, in screening, met wachttijden.",
        });
    }
    if let Scope::Regio(region_id) = a.scope
        && can(a, Action::ManageOutreach { region_id }).is_allowed()
    {
        cards.push(Card {
            href: "/zorgcoordinatie",
            title: "Zorgcoördinatie",
            text: "Meldingen over mensen die zelf geen zorg zoeken, per traject tot de afsluiting met de uitkomst. Alleen het team van de regio ziet dit register.",
        });
    }
    if zothuis_domain::policy::figure_view(a).is_ok() {
        cards.push(Card {
            href: "/cijfers",
            title: "Cijfers",
            text: "Wachtlijst, wachttijden, bezetting, in- en uitstroom en terugkeer, op elke peildatum en zoals bekend op elk moment; als tabel, grafiek, CSV en Excel.",
        });
    }
    if super::finance::may_see_costs(a) {
        cards.push(Card {
            href: "/financien/kosten",
            title: "Financiën",
            text: "De kosten van zorg per gemeente, product en aanbieder, uit de verblijven en de tarieven van de regionale contracten, zoals bekend op elk moment; met de dagen in zorg zonder tarief.",
        });
    }
    if super::budget::may_see_budgets(a) {
        cards.push(Card {
            href: "/financien/begrotingen",
            title: "Begrotingen",
            text: "De begrotingen van de regio en haar gemeenten met hun versies, de begroting tegenover de realisatie per jaar, en de verwachte kosten van de historische cliënten.",
        });
    }
    if super::settlement::may_settle(a) {
        cards.push(Card {
            href: "/financien/verrekening",
            title: "Verrekening tussen gemeenten",
            text: "Per gemeente de kosten van haar eigen inwoners naast haar bijdrage volgens de afspraak van de regio, met de verdeelsleutels, de vastgestelde verrekeningen en het overgangspad van historische naar objectieve verdeling.",
        });
    }
    cards.push(Card {
        href: "/referentie",
        title: "Referentiegegevens",
        text: "Regio's, gemeenten, aanbieders, woningcorporaties, producten, locaties en het aantal plekken door de tijd.",
    });
    if can(a, Action::ManageUsers).is_allowed() {
        cards.push(Card {
            href: "/beheer/gebruikers",
            title: "Gebruikers",
            text: "Accounts met hun rol en werkgebied (regio, gemeente of aanbieder).",
        });
    }
    if can(a, Action::ManageTokens).is_allowed() {
        cards.push(Card {
            href: "/beheer/api-tokens",
            title: "API-tokens",
            text: "Toegang voor koppelingen met de JSON-API.",
        });
    }
    if can(a, Action::ViewAuditLog).is_allowed() {
        cards.push(Card {
            href: "/auditlog",
            title: "Auditlog",
            text: "Wie heeft wanneer welke gegevens ingezien of gewijzigd (NEN 7513).",
        });
    }
    if can(a, Action::AnswerSubjectAccess).is_allowed() {
        cards.push(Card {
            href: "/inzageverzoeken",
            title: "Inzageverzoeken",
            text: "Een cliënt vraagt welke gegevens zothuis bewaart: verzoek vastleggen en beantwoorden met één overzicht (AVG artikel 15).",
        });
    }
    if can(a, Action::ApplyRetention).is_allowed() {
        cards.push(Card {
            href: "/bewaartermijnen",
            title: "Bewaartermijnen",
            text: "Dossiers die langer bewaard zijn dan de bewaartermijn: controleren en anonimiseren (AVG artikel 5 en 17).",
        });
    }
    cards.push(Card {
        href: "/account",
        title: "Mijn account",
        text: "Uw gegevens en uw wachtwoord.",
    });
    HomePage {
        layout: Layout::new(&s, &u, "Overzicht", Section::Home)
            .await
            .with_notice(q.melding.as_deref()),
        cards,
    }
}

fn password_form() -> FormBlock {
    FormBlock::post(
        "/account/wachtwoord",
        "Wachtwoord wijzigen",
        vec![
            Field::password("huidigWachtwoord", "Huidig wachtwoord")
                .autocomplete("current-password")
                .required(),
            Field::password("nieuwWachtwoord", "Nieuw wachtwoord")
                .hint("Minstens 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden.")
                .required(),
        ],
    )
    .heading("Wachtwoord wijzigen")
}

async fn account_page(s: &AppState, u: &PageUser, notice: Option<&str>) -> DetailPage {
    let layout = Layout::new(s, u, "Mijn account", Section::Account)
        .await
        .with_notice(notice);
    let mut page = DetailPage::new(layout, "Mijn account")
        .fact("Naam", u.user.display_name.clone())
        .fact("Gebruikersnaam", u.user.username.clone())
        .fact("Rol", u.user.role.label());
    // Who signs in through the identity provider has no password or code
    // of zothuis: the provider checks both.
    if u.user.external {
        page = page.fact(
            "Inloggen",
            format!(
                "via {}; wachtwoord en tweede factor beheert u daar",
                idp_label(s).unwrap_or_else(|| "de identiteitsprovider".into())
            ),
        );
    } else {
        page = page.fact(
            "Tweede factor",
            if u.user.second_factor {
                "ingesteld: u logt in met wachtwoord en een code uit de app"
            } else {
                "niet ingesteld"
            },
        );
        page.actions.push(link(
            super::second_factor::PATH,
            if u.user.second_factor {
                "Tweede factor opnieuw instellen"
            } else {
                "Tweede factor instellen"
            },
        ));
    }
    page.facts
        .push(("Werkgebied".into(), page.layout.user_scope.clone()));
    if !u.user.external {
        page.forms.push(password_form());
    }
    page
}

async fn account(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> DetailPage {
    account_page(&s, &u, q.melding.as_deref()).await
}

async fn change_password(State(s): State<AppState>, u: PageUser, form: FormData) -> Response {
    let result = s
        .services
        .change_own_password(
            &u.ctx,
            &form.get("huidigWachtwoord"),
            &form.get("nieuwWachtwoord"),
            Some(&u.session_secret),
        )
        .await;
    match result {
        Ok(()) => done("/account", "wachtwoord"),
        Err(DomainError::Invalid(errors)) => {
            let mut page = account_page(&s, &u, None).await;
            if let Some(f) = page.forms.first_mut() {
                page.errors = f.apply_errors(&errors);
            }
            (StatusCode::BAD_REQUEST, page).into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn a_local_path_with_its_query_is_followed() {
        assert_eq!(
            safe_back(Some("/clienten?zoek=Jan%20de%20Vries&pagina=2")),
            "/clienten?zoek=Jan%20de%20Vries&pagina=2"
        );
    }

    #[test]
    fn anything_a_browser_could_read_as_another_host_falls_back_to_the_start_page() {
        for hostile in [
            "/\t/evil.example",
            "/\u{b}/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "/x\\..\\..\\evil",
            "\\\\evil.example",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{0}x",
            "/\u{7f}x",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(safe_back(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_back(None), "/");
        assert_eq!(safe_back(Some(&format!("/{}", "a".repeat(5000)))), "/");
    }
}
