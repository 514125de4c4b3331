//! Logging in and out, sessions, CSRF, headers and navigation.

use reqwest::StatusCode;
use zothuis_testkit::{browser, csrf_from, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_first_start_without_users_explains_how_to_create_an_administrator() {
    let app = spawn_app().await;
    let html = browser()
        .get(app.url("/inloggen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Er is nog geen gebruiker"));
    assert!(
        html.contains("zothuis user add --name beheerder --role beheerder --scope installatie")
    );
}

#[tokio::test]
async fn a_page_without_a_session_sends_the_user_to_the_login_page_and_back() {
    let app = spawn_app().await;
    let resp = browser()
        .get(app.url("/referentie/regios"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"],
        "/inloggen?terug=%2Freferentie%2Fregios"
    );
}

#[tokio::test]
async fn a_user_logs_in_with_a_secure_session_cookie_and_the_login_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let password = app.logins["consulent.huizen"].clone();
    let (client, resp) = app.login_with("consulent.huizen", &password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("zothuis_sessie="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = app.page(&client, "/").await;
    assert!(home.contains("Welkom, Consulent Huizen"));
    assert!(home.contains("Gemeente Huizen"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("ingelogd", "sessie")
    );
    assert_eq!(row.actor_name, "consulent.huizen");
    assert_eq!(row.origin.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_dutch_and_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (_, resp) = app
        .login_with("beheerder", "niet het goede wachtwoord")
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Gebruikersnaam of wachtwoord onjuist."));
    let row = app.last_audit().await;
    assert_eq!(row.action, "inloggen-mislukt");
    assert_eq!(row.outcome, "mislukt");
    assert_eq!(row.actor_name, "beheerder");
}

#[tokio::test]
async fn logins_are_rate_limited_per_username() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    for _ in 0..5 {
        let (_, resp) = app.login_with("beheerder", "fout fout fout fout").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the limit holds.
    let password = app.logins["beheerder"].clone();
    let (_, resp) = app.login_with("beheerder", &password).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Te veel mislukte inlogpogingen")
    );
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
    // After the window the user can log in again.
    app.clock.advance(chrono::Duration::minutes(16));
    let (_, resp) = app.login_with("beheerder", &password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

/// A browser on the login page, ready to post the form.
async fn login_form(app: &zothuis_testkit::TestApp) -> (reqwest::Client, String) {
    let client = browser();
    let page = app.page(&client, "/inloggen").await;
    (client, csrf_from(&page))
}

async fn post_login(
    app: &zothuis_testkit::TestApp,
    (client, csrf): &(reqwest::Client, String),
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/inloggen"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("gebruikersnaam", username),
            ("wachtwoord", password),
            ("terug", "/"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn parallel_wrong_logins_get_no_more_password_checks_than_the_limit() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let mut forms = Vec::new();
    for _ in 0..30 {
        forms.push(login_form(&app).await);
    }
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = forms
        .into_iter()
        .map(|form| {
            let app = app.clone();
            tokio::spawn(async move {
                post_login(&app, &form, "beheerder", "fout fout fout fout")
                    .await
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    // A checked password is audited as failed, a refusal by the limit as
    // denied: no more passwords than the limit may have been checked.
    let rows: Vec<_> = app
        .audit(100)
        .await
        .into_iter()
        .filter(|r| r.action == "inloggen-mislukt")
        .collect();
    let checked = rows.iter().filter(|r| r.outcome == "mislukt").count();
    let refused = rows.iter().filter(|r| r.outcome == "geweigerd").count();
    let limit = app.services.settings.login_max_failures as usize;
    assert_eq!((checked, refused), (limit, 30 - limit), "{statuses:?}");
    let unauthorized = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(unauthorized, limit);
}

#[tokio::test]
async fn bad_logins_for_one_user_do_not_lock_out_others_from_the_same_address() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    for _ in 0..5 {
        let (_, resp) = app.login_with("beheerder", "fout fout fout fout").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Same address (127.0.0.1), another user with the right password.
    let password = app.logins["consulent.huizen"].clone();
    let (_, resp) = app.login_with("consulent.huizen", &password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    // The first user stays locked.
    let password = app.logins["beheerder"].clone();
    let (_, resp) = app.login_with("beheerder", &password).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_address_spraying_many_usernames_is_stopped_at_its_own_limit() {
    let mut app = spawn_app_with(zothuis_domain::Settings {
        login_max_failures_per_origin: 4,
        ..Default::default()
    })
    .await;
    app.seed_demo().await;
    let password = app.logins["beleid.gv"].clone();
    for name in ["anna", "bert"] {
        let (_, resp) = app.login_with(name, "raden raden raden").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    // A success from the address neither counts nor resets its count…
    let (_, resp) = app.login_with("beleid.gv", &password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    for name in ["cees", "dirk"] {
        let (_, resp) = app.login_with(name, "raden raden raden").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    // …so after four guesses the next attempt is not checked, whatever the name.
    let (_, resp) = app.login_with("beleid.gv", &password).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.outcome.as_str()),
        ("inloggen-mislukt", "geweigerd")
    );
    assert!(row.details.contains("vanaf dit adres"));
    // After the window the address may try again.
    app.clock.advance(chrono::Duration::minutes(16));
    let (_, resp) = app.login_with("beleid.gv", &password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_huge_or_garbled_username_is_refused_early_and_stored_bounded_and_clean() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huge = "a".repeat(1024 * 1024);
    let form = login_form(&app).await;
    let resp = post_login(&app, &form, &huge, "wat dan ook wat dan ook").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("De gebruikersnaam is te lang"),
        "{}",
        &html[..500.min(html.len())]
    );
    assert!(
        html.len() < 50_000,
        "the page does not echo the megabyte back"
    );
    let row = app.last_audit().await;
    assert_eq!(row.action, "inloggen-mislukt");
    assert_eq!(row.actor_name.chars().count(), 100);
    assert!(row.details.len() < 200);

    // Control characters never reach the log (no forged lines).
    let form = login_form(&app).await;
    let resp = post_login(&app, &form, "Beheer\nder\t\u{1b}", "fout fout fout fout").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let row = app.last_audit().await;
    assert_eq!(row.actor_name, "beheerder");
}

#[tokio::test]
async fn logging_out_ends_the_session_and_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beleid.gv").await;
    let csrf = app.csrf(&client, "/").await;
    let resp = client
        .post(app.url("/uitloggen"))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["location"], "/inloggen?melding=uitgelogd");
    assert_eq!(app.last_audit().await.action, "uitgelogd");
    let again = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_ends_after_an_hour_without_activity() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beleid.gv").await;
    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(
        client.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        client.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beheerder").await;
    let resp = client
        .post(app.url("/referentie/aanbieders/nieuw"))
        .form(&[("naam", "Zonder token")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Dit formulier is verlopen")
    );
    let wrong = client
        .post(app.url("/referentie/aanbieders/nieuw"))
        .form(&[("csrf", "0000"), ("naam", "Met fout token")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let names: Vec<_> = app
        .services
        .store
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(!names.iter().any(|n| n.contains("token")));
}

#[tokio::test]
async fn the_login_form_itself_needs_its_csrf_cookie() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let page = browser()
        .get(app.url("/inloggen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_from(&page);
    // A different browser (no cookie) posting a token it saw elsewhere.
    let password = app.logins["beheerder"].clone();
    let resp = browser()
        .post(app.url("/inloggen"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("gebruikersnaam", "beheerder"),
            ("wachtwoord", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_response_carries_strict_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    for path in [
        "/inloggen",
        "/bestaat-niet",
        "/api/v1/regios",
        "/static/zothuis.css",
    ] {
        let resp = browser().get(app.url(path)).send().await.unwrap();
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert!(
            !csp.contains("script-src"),
            "no script allowed at all: {path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-request-id"].len(), 16, "{path}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_dutch_404_with_the_request_id() {
    let app = spawn_app().await;
    let resp = browser()
        .get(app.url("/bestaat-niet"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = resp.text().await.unwrap();
    assert!(html.contains("Pagina niet gevonden") && html.contains(&id));
    assert!(html.contains("lang=\"nl\""));
}

#[tokio::test]
async fn after_login_only_addresses_on_this_site_are_followed() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let password = app.logins["beheerder"].clone();
    let base = reqwest::Url::parse(&app.url("/inloggen")).unwrap();
    // (terug as submitted, the Location expected). The browser resolves the
    // Location by the WHATWG rules (tabs and newlines dropped, `\` read as
    // `/`), which `Url::join` implements: every answer must stay on this host.
    let cases = [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example", "/"),
        ("/ /evil.example", "/"),
        // A percent escape is not decoded by the browser: it stays a path here.
        ("/%09/evil.example", "/%09/evil.example"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ("/referentie/regios?pagina=2", "/referentie/regios?pagina=2"),
    ];
    for (terug, expected) in cases {
        let code = app.second_factor_code("beheerder").await;
        let (_, resp) = app.submit_login("beheerder", &password, &code, terug).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{terug:?}");
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        let resolved = base.join(&location).unwrap();
        assert_eq!(
            resolved.host_str(),
            base.host_str(),
            "{terug:?} -> {location:?}"
        );
        assert_eq!(resolved.port(), base.port(), "{terug:?} -> {location:?}");
        assert_eq!(location, expected, "{terug:?}");
    }
}

#[tokio::test]
async fn the_menu_shows_each_role_only_what_it_may_use() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let cases = [
        ("beheerder", true, true, false, false),
        ("wachtlijst.gv", false, false, false, true),
        ("consulent.huizen", false, false, false, true),
        ("aanbieder.kwintes", false, false, false, true),
        ("beleid.gv", false, false, false, true),
        ("bestuurder.gv", false, false, false, true),
        ("fg.gv", false, false, true, true),
        // A housing corporation sees no care figures.
        ("corporatie.gooi", false, false, false, false),
    ];
    for (user, users, tokens, audit, figures) in cases {
        let client = app.login(user).await;
        let html = app.page(&client, "/").await;
        assert_eq!(
            html.contains("href=\"/beheer/gebruikers\""),
            users,
            "{user} gebruikers"
        );
        assert_eq!(
            html.contains("href=\"/beheer/api-tokens\""),
            tokens,
            "{user} tokens"
        );
        assert_eq!(
            html.contains("href=\"/auditlog\""),
            audit,
            "{user} auditlog"
        );
        assert_eq!(
            html.contains("href=\"/cijfers\""),
            figures,
            "{user} cijfers"
        );
        assert!(html.contains("href=\"/referentie\""), "{user} referentie");
    }
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_other_sessions_end() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let first = app.login("beleid.gv").await;
    let second = app.login("beleid.gv").await;
    let csrf = app.csrf(&first, "/account").await;
    let old = app.logins["beleid.gv"].clone();
    let short = first
        .post(app.url("/account/wachtwoord"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("huidigWachtwoord", old.as_str()),
            ("nieuwWachtwoord", "kort"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert!(short.text().await.unwrap().contains("minstens 12 tekens"));
    let resp = first
        .post(app.url("/account/wachtwoord"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("huidigWachtwoord", old.as_str()),
            ("nieuwWachtwoord", "een nieuw lang wachtwoord"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["location"], "/account?melding=wachtwoord");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.actor_name.as_str()),
        ("wachtwoord-gewijzigd", "beleid.gv")
    );
    assert_eq!(
        first.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        second.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let (_, relogin) = app
        .login_with("beleid.gv", "een nieuw lang wachtwoord")
        .await;
    assert_eq!(relogin.status(), StatusCode::SEE_OTHER);
}
