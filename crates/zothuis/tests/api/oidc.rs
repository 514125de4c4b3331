//! Sign-in through the municipality's identity provider, against a real
//! OpenID provider (node-oidc-provider, `tests/oidc/provider.mjs`) on
//! loopback: a successful sign-in gives the same session, CSRF token and
//! audit rows as a local login, with the provider's subject in the audit
//! row; a token for another application, an expired token, a replayed
//! state, an unknown group and an administrator without a second factor
//! are refused, each with a Dutch message and an audit row.

use reqwest::{Client, Response, StatusCode};
use zothuis_domain::admin::Role;
use zothuis_testkit::oidc::TestIdp;
use zothuis_testkit::{TestApp, browser, csrf_from, location, spawn_app_on};

struct World {
    app: TestApp,
    idp: TestIdp,
}

/// zothuis with the demo data and a provider that knows it; the clock on
/// the real time, as the provider's tokens are.
async fn world(id_token_ttl: u32) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect = format!(
        "http://{}/inloggen/oidc/terug",
        listener.local_addr().unwrap()
    );
    let idp = TestIdp::start(&redirect, id_token_ttl);
    let settings = zothuis_domain::Settings {
        oidc: Some(idp.settings(&redirect)),
        ..Default::default()
    };
    let mut app = spawn_app_on(listener, settings).await;
    app.seed_demo().await;
    #[allow(clippy::disallowed_methods)]
    app.clock.set(chrono::Utc::now());
    World { app, idp }
}

/// The provider's address to sign in at, from zothuis's redirect, with the
/// account that signs in there.
async fn start(w: &World, browser: &Client, account: &str) -> String {
    let resp = browser
        .get(w.app.url("/inloggen/oidc?terug=/clienten"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.starts_with(&w.idp.issuer), "{to}");
    for part in [
        "response_type=code",
        "client_id=zothuis",
        "code_challenge_method=S256",
        "nonce=",
        "state=",
    ] {
        assert!(to.contains(part), "{part} in {to}");
    }
    format!("{to}&login_hint={account}")
}

/// Follows the provider's redirects until it sends the browser back to
/// zothuis: that address (with code and state).
async fn at_provider(w: &World, browser: &Client, mut url: String) -> String {
    for _ in 0..10 {
        if url.starts_with(&w.app.address) {
            return url;
        }
        let resp = browser.get(&url).send().await.unwrap();
        assert!(
            resp.status().is_redirection(),
            "{url}: {} {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
        let next = location(&resp);
        url = if next.starts_with('/') {
            format!("{}{next}", w.idp.issuer)
        } else {
            next
        };
    }
    panic!("the provider did not send the browser back");
}

/// Signs in `account` in a new browser: the browser, zothuis's answer and
/// the callback address used.
async fn sign_in(w: &World, account: &str) -> (Client, Response, String) {
    let b = browser();
    let url = start(w, &b, account).await;
    let back = at_provider(w, &b, url).await;
    let resp = b.get(&back).send().await.unwrap();
    (b, resp, back)
}

fn query_value(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The login page again with `message` at the provider's button, and the
/// refusal audited with `reason`; no session.
async fn refused(w: &World, resp: Response, status: StatusCode, message: &str, reason: &str) {
    assert_eq!(resp.status(), status);
    assert!(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("zothuis_sessie=")),
        "no session"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("Inloggen is niet gelukt"), "{html}");
    assert!(html.contains(message), "{message} in {html}");
    assert!(html.contains("href=\"#veld-oidc\"") && html.contains("id=\"veld-oidc\""));
    let row = w.app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.outcome.as_str()),
        ("inloggen-mislukt", "geweigerd")
    );
    assert!(row.details.contains(reason), "{reason} in {}", row.details);
}

#[tokio::test]
async fn a_person_signs_in_through_the_provider_as_after_a_local_login() {
    let w = world(3600).await;
    let login_page = w.app.page(&browser(), "/inloggen").await;
    assert!(
        login_page.contains("Inloggen met uw gemeente-account"),
        "{login_page}"
    );
    let (b, resp, _) = sign_in(&w, "iris").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/clienten", "the page asked for");
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("zothuis_sessie=") && c.contains("HttpOnly")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("zothuis_oidc=;")),
        "{cookies:?}"
    );

    // The user made for the provider's subject, with the rule's role and scope.
    let user = w
        .app
        .store
        .find_external_user(&w.idp.issuer, "iris")
        .await
        .unwrap()
        .expect("the user");
    assert!(user.external);
    assert_eq!(
        (
            user.username.as_str(),
            user.display_name.as_str(),
            user.role
        ),
        ("iris.bakker", "Iris Bakker", Role::WmoConsulent)
    );
    let audit = w.app.audit(2).await;
    let made = &audit[1];
    assert_eq!(
        (
            made.action.as_str(),
            made.object_type.as_str(),
            made.actor_name.as_str()
        ),
        ("aangemaakt", "gebruiker", "iris")
    );
    let login = &audit[0];
    assert_eq!(
        (
            login.action.as_str(),
            login.outcome.as_str(),
            login.actor_name.as_str()
        ),
        ("ingelogd", "geslaagd", "iris.bakker")
    );
    let details: serde_json::Value = serde_json::from_str(&login.details).unwrap();
    assert_eq!(details["subject"], "iris");
    assert_eq!(details["identiteitsprovider"], w.idp.issuer.as_str());
    assert_eq!(details["tweedeFactor"], false);

    // The session works as any: her clients' page, and a form with its
    // CSRF token (logging out).
    let html = w.app.page(&b, "/clienten").await;
    assert!(
        html.contains("Iris Bakker · Wmo-consulent · Gemeente Huizen"),
        "{html}"
    );
    let account = w.app.page(&b, "/account").await;
    assert!(account.contains("via uw gemeente-account"), "{account}");
    assert!(
        !account.contains("Wachtwoord wijzigen"),
        "no password of zothuis"
    );
    let forged = b
        .post(w.app.url("/uitloggen"))
        .form(&[("csrf", "niet-het-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let out = b
        .post(w.app.url("/uitloggen"))
        .form(&[("csrf", csrf_from(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&out), "/inloggen?melding=uitgelogd");

    // A second sign-in finds the same user; no password logs in as it.
    let (_, again, _) = sign_in(&w, "iris").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(w.app.services.store.list_users().await.unwrap().len(), {
        let users = w.app.store.list_users().await.unwrap();
        assert_eq!(users.iter().filter(|u| u.external).count(), 1);
        users.len()
    });
    let (_, local) = w.app.submit_login("iris.bakker", "!", "", "/").await;
    assert_eq!(local.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_replayed_state_and_a_state_from_another_browser_are_refused() {
    let w = world(3600).await;
    let (_, first, back) = sign_in(&w, "iris").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    // The same answer again, in the same browser and in another.
    let b = browser();
    let replay = b.get(&back).send().await.unwrap();
    const USED: &str = "Deze inlogpoging is verlopen of al gebruikt";
    refused(
        &w,
        replay,
        StatusCode::BAD_REQUEST,
        USED,
        "onbekende of al gebruikte state",
    )
    .await;

    // A sign-in started in one browser and answered in another (a login
    // CSRF: the attacker's code in the victim's browser).
    let attacker = browser();
    let url = start(&w, &attacker, "iris").await;
    let back = at_provider(&w, &attacker, url).await;
    let victim = browser();
    let resp = victim.get(&back).send().await.unwrap();
    refused(
        &w,
        resp,
        StatusCode::BAD_REQUEST,
        USED,
        "state uit een andere browser",
    )
    .await;
    // Taken once: not even the attacker's browser can use it now.
    let resp = attacker.get(&back).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

/// RFC 9207: an answer that says it comes from another issuer is refused,
/// and so is the provider's own refusal; both audited.
#[tokio::test]
async fn an_answer_from_another_issuer_and_a_refusal_at_the_provider_are_refused() {
    let w = world(3600).await;
    let b = browser();
    let url = start(&w, &b, "iris").await;
    let back = at_provider(&w, &b, url).await;
    let iss = query_value(&back, "iss");
    assert_eq!(iss, w.idp.issuer, "the provider names itself");
    let mixed = back.replace(
        &format!("iss={}", zothuis_web::auth::urlencode(&iss)),
        "iss=https%3A%2F%2Fevil.example",
    );
    assert_ne!(mixed, back);
    let resp = b.get(&mixed).send().await.unwrap();
    refused(
        &w,
        resp,
        StatusCode::UNAUTHORIZED,
        "komt niet van de ingestelde identiteitsprovider",
        "andere uitgever",
    )
    .await;

    // An unknown account at the provider: it answers access_denied.
    let b = browser();
    let url = start(&w, &b, "niemand").await;
    let back = at_provider(&w, &b, url).await;
    assert_eq!(query_value(&back, "error"), "access_denied");
    let resp = b.get(&back).send().await.unwrap();
    refused(
        &w,
        resp,
        StatusCode::UNAUTHORIZED,
        "geen toegang",
        "geweigerd bij de identiteitsprovider",
    )
    .await;
}

#[tokio::test]
async fn a_person_in_no_group_with_access_is_refused_and_no_user_is_made() {
    let w = world(3600).await;
    let users = w.app.store.list_users().await.unwrap().len();
    let (_, resp, _) = sign_in(&w, "piet").await;
    refused(
        &w,
        resp,
        StatusCode::FORBIDDEN,
        "hoort bij geen groep die toegang geeft tot zothuis",
        "geen groep met toegang",
    )
    .await;
    let row = w.app.last_audit().await;
    assert_eq!(row.actor_name, "piet");
    let details: serde_json::Value = serde_json::from_str(&row.details).unwrap();
    assert_eq!(details["reden"], "geen groep met toegang");
    assert_eq!(details["subject"], "piet");
    assert_eq!(w.app.store.list_users().await.unwrap().len(), users);
}

#[tokio::test]
async fn an_administrator_needs_a_second_factor_at_the_provider() {
    let w = world(3600).await;
    let (_, resp, _) = sign_in(&w, "beheer-zonder-code").await;
    refused(
        &w,
        resp,
        StatusCode::FORBIDDEN,
        "vereist een tweede factor",
        "tweede factor ontbreekt",
    )
    .await;
    // With a code at the provider: in, and not sent to set up a code of
    // zothuis.
    let (b, resp, _) = sign_in(&w, "beheer").await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        w.app.last_audit().await.details
    );
    assert_eq!(location(&resp), "/clienten");
    let details: serde_json::Value =
        serde_json::from_str(&w.app.last_audit().await.details).unwrap();
    assert_eq!(details["tweedeFactor"], true);
    let home = b.get(w.app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);

    // The user list marks users of the provider; such a user gets no
    // password of zothuis, on the page or by a forged form.
    let list = w.app.page(&b, "/beheer/gebruikers").await;
    assert!(list.contains("bea.heer (identiteitsprovider)"), "{list}");
    let me = w
        .app
        .store
        .find_external_user(&w.idp.issuer, "beheer")
        .await
        .unwrap()
        .unwrap();
    let path = format!("/beheer/gebruikers/{}", me.id);
    let detail = w.app.page(&b, &path).await;
    assert!(detail.contains("via de identiteitsprovider"), "{detail}");
    assert!(!detail.contains("Nieuw wachtwoord instellen"), "{detail}");
    let resp = w
        .app
        .post_form(
            &b,
            &format!("{path}/wachtwoord"),
            &csrf_from(&detail),
            &[("wachtwoord", "een lang genoeg wachtwoord voor de test")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("logt in via de identiteitsprovider")
    );
    let (_, local) = w
        .app
        .submit_login(
            "bea.heer",
            "een lang genoeg wachtwoord voor de test",
            "",
            "/",
        )
        .await;
    assert_eq!(local.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    // The provider issues ID tokens valid for one minute; zothuis's clock
    // is two minutes on when the answer comes (within the ten minutes a
    // sign-in may take).
    let w = world(60).await;
    let b = browser();
    let url = start(&w, &b, "iris").await;
    let back = at_provider(&w, &b, url).await;
    w.app.clock.advance(chrono::Duration::minutes(2));
    let resp = b.get(&back).send().await.unwrap();
    refused(
        &w,
        resp,
        StatusCode::UNAUTHORIZED,
        "ID-token van de identiteitsprovider is verlopen",
        "ID-token verlopen",
    )
    .await;
    let made = w.app.store.find_external_user(&w.idp.issuer, "iris");
    assert_eq!(made.await.unwrap(), None, "no user made");
}

/// An ID token the provider really issued, with the right nonce, but to
/// another application: substituted in the token response, it is refused
/// for its audience.
#[tokio::test]
async fn an_id_token_for_another_application_is_refused() {
    let w = world(3600).await;
    let b = browser();
    let url = start(&w, &b, "iris").await;
    let nonce = query_value(&url, "nonce");

    // The other application's sign-in, with the same nonce.
    let other = browser();
    let auth = format!(
        "{}/auth?client_id=andere-toepassing&response_type=code&scope=openid&redirect_uri={}&nonce={nonce}&state=x&code_challenge={}&code_challenge_method=S256&login_hint=iris",
        w.idp.issuer,
        zothuis_web::auth::urlencode("http://127.0.0.1:9/andere"),
        // S256 of "a-verifier-of-at-least-forty-three-characters-long"
        "IVwqw-RbcfSCohPiwFj5_rcK5SITNl8PHeuEfqi9ouM",
    );
    let mut next = auth;
    let code = loop {
        let resp = other.get(&next).send().await.unwrap();
        let to = location(&resp);
        if to.starts_with("http://127.0.0.1:9/andere") {
            break query_value(&to, "code");
        }
        next = if to.starts_with('/') {
            format!("{}{to}", w.idp.issuer)
        } else {
            to
        };
    };
    let tokens: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/token", w.idp.issuer))
        .basic_auth("andere-toepassing", Some("ander-geheim"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/andere"),
            (
                "code_verifier",
                "a-verifier-of-at-least-forty-three-characters-long",
            ),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let foreign = tokens["id_token"]
        .as_str()
        .expect("an ID token")
        .to_string();
    let swap = reqwest::Client::new()
        .post(format!("{}/test/vervang-id-token", w.idp.issuer))
        .json(&serde_json::json!({ "id_token": foreign }))
        .send()
        .await
        .unwrap();
    assert_eq!(swap.status(), StatusCode::NO_CONTENT);

    let back = at_provider(&w, &b, url).await;
    let resp = b.get(&back).send().await.unwrap();
    refused(
        &w,
        resp,
        StatusCode::UNAUTHORIZED,
        "niet voor zothuis uitgegeven",
        "audience",
    )
    .await;
    let made = w.app.store.find_external_user(&w.idp.issuer, "iris");
    assert_eq!(made.await.unwrap(), None, "no user made");
}

#[tokio::test]
async fn without_a_provider_there_is_no_button_and_no_route() {
    let app = zothuis_testkit::spawn_app().await;
    let html = app.page(&browser(), "/inloggen").await;
    assert!(!html.contains("veld-oidc"));
    let resp = browser()
        .get(app.url("/inloggen/oidc"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
