//! The second factor of a local login (TOTP): an administrator sets it up
//! at the first login before any other page opens; afterwards a login needs
//! the code, a code works once, and a wrong one counts as a failed login.
//! Any other user may set one up; an administrator can remove it.

use reqwest::{Client, StatusCode};
use zothuis_domain::admin::second_factor::code_at;
use zothuis_domain::admin::{NewUserInput, RequestContext};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, csrf_from, location, spawn_app};

const PASSWORD: &str = "een lang genoeg wachtwoord voor de test";

async fn create(app: &TestApp, username: &str, role: &str, scope: &str) {
    app.services
        .create_user(
            &RequestContext::system("test"),
            &NewUserInput {
                username: username.into(),
                display_name: format!("Test {role}"),
                role: role.into(),
                scope: scope.into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
}

/// Posts the login form with this code: the browser and the answer.
async fn log_in(app: &TestApp, username: &str, code: &str) -> (Client, reqwest::Response) {
    app.submit_login(username, PASSWORD, code, "/clienten")
        .await
}

/// The key the set-up page offers.
fn offered_key(html: &str) -> String {
    let at = html.find("name=\"geheim\"").expect("the key field");
    let rest = &html[at..];
    let value = rest.find("value=\"").unwrap() + 7;
    rest[value..value + 32].to_string()
}

fn now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    app.clock.now_micros()
}

/// Sets up a second factor on the set-up page shown: with its key and the
/// code of now.
async fn set_up(app: &TestApp, browser: &Client, page: &str) {
    let key = offered_key(page);
    let code = code_at(&key, now(app)).unwrap();
    let resp = app
        .post_form(
            browser,
            "/account/tweede-factor",
            &csrf_from(page),
            &[("geheim", &key), ("code", &code)],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_administrator_sets_up_a_second_factor_first_and_then_logs_in_with_it() {
    let app = spawn_app().await;
    create(&app, "nieuwe.beheerder", "beheerder", "installatie").await;
    let (admin, resp) = log_in(&app, "nieuwe.beheerder", "").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/account/tweede-factor");
    // Every other page leads there until it is set up.
    let elsewhere = admin
        .get(app.url("/beheer/gebruikers"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&elsewhere), "/account/tweede-factor");

    let page = app.page(&admin, "/account/tweede-factor").await;
    assert!(page.contains("<svg"), "the QR code");
    assert!(page.contains("Uw rol vereist"), "{page}");
    let key = offered_key(&page);
    let csrf = csrf_from(&page);
    let wrong = app
        .post_form(
            &admin,
            "/account/tweede-factor",
            &csrf,
            &[("geheim", &key), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("href=\"#veld-code\""), "{body}");
    assert!(body.contains(&key), "the same key is offered again");

    let code = code_at(&key, now(&app)).unwrap();
    let resp = app
        .post_form(
            &admin,
            "/account/tweede-factor",
            &csrf,
            &[("geheim", &key), ("code", &code)],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/account?melding=tweede-factor");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "gebruiker", "geslaagd")
    );
    assert!(
        row.details.contains("ingesteld") && !row.details.contains(&key),
        "{}",
        row.details
    );
    let users = admin
        .get(app.url("/beheer/gebruikers"))
        .send()
        .await
        .unwrap();
    assert_eq!(users.status(), StatusCode::OK, "now the pages open");

    // The code that proved the key does not log in again.
    let (_, replay) = log_in(&app, "nieuwe.beheerder", &code).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let body = replay.text().await.unwrap();
    assert!(body.contains("onjuist of al gebruikt"), "{body}");
    assert!(body.contains("href=\"#veld-code\""), "{body}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.outcome.as_str()),
        ("inloggen-mislukt", "mislukt")
    );
    assert!(row.details.contains("tweede factor"), "{}", row.details);
    // Without a code: refused too.
    let (_, missing) = log_in(&app, "nieuwe.beheerder", "").await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);

    // The next code works, once.
    app.clock.advance(chrono::Duration::seconds(30));
    let next = code_at(&key, now(&app)).unwrap();
    let (_, ok) = log_in(&app, "nieuwe.beheerder", &next).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/clienten");
    let row = app.last_audit().await;
    assert_eq!(row.action, "ingelogd");
    assert!(
        row.details.contains("\"tweedeFactor\":true"),
        "{}",
        row.details
    );
    let (_, again) = log_in(&app, "nieuwe.beheerder", &next).await;
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
}

#[tokio::test]
async fn wrong_codes_count_as_failed_logins() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let secret = zothuis_testkit::TEST_TOTP_SECRET;
    // The administrator's second factor is set up by the first login.
    let _ = app.login("beheerder").await;
    let password = app.logins["beheerder"].clone();
    for _ in 0..5 {
        let (_, resp) = app
            .submit_login("beheerder", &password, "123456", "/")
            .await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right code is refused until the window is over.
    app.clock.advance(chrono::Duration::seconds(30));
    let code = code_at(secret, now(&app)).unwrap();
    let (_, resp) = app.submit_login("beheerder", &password, &code, "/").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_consultant_may_set_up_a_second_factor_and_an_administrator_removes_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    create(&app, "consulent.test", "wmo-consulent", "gemeente:GM0406").await;
    // Without one, the consultant logs in with the password alone.
    let (consultant, resp) = log_in(&app, "consulent.test", "").await;
    assert_eq!(location(&resp), "/clienten");
    let account = app.page(&consultant, "/account").await;
    assert!(account.contains("niet ingesteld"), "{account}");
    let page = app.page(&consultant, "/account/tweede-factor").await;
    assert!(!page.contains("Uw rol vereist"));
    set_up(&app, &consultant, &page).await;
    app.clock.advance(chrono::Duration::seconds(30));
    let (_, without) = log_in(&app, "consulent.test", "").await;
    assert_eq!(
        without.status(),
        StatusCode::UNAUTHORIZED,
        "now the code is needed"
    );

    // A tampered key is refused and replaced.
    let page = app.page(&consultant, "/account/tweede-factor").await;
    let resp = app
        .post_form(
            &consultant,
            "/account/tweede-factor",
            &csrf_from(&page),
            &[("geheim", "kort"), ("code", "123456")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // The phone is lost: the administrator removes the second factor.
    let admin = app.login("beheerder").await;
    let users = app.page(&admin, "/beheer/gebruikers").await;
    let id = app
        .store
        .find_credentials("consulent.test")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let edit = app.page(&admin, &format!("/beheer/gebruikers/{id}")).await;
    assert!(edit.contains("Tweede factor verwijderen"), "{users}");
    let resp = app
        .post_form(
            &admin,
            &format!("/beheer/gebruikers/{id}/tweede-factor"),
            &csrf_from(&edit),
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_id.clone()),
        ("gewijzigd", Some(id.to_string()))
    );
    assert!(row.details.contains("verwijderd"), "{}", row.details);
    let (_, resp) = log_in(&app, "consulent.test", "").await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "the password alone again"
    );

    // A consultant cannot remove another's; the refusal is audited.
    let admin_id = app
        .store
        .find_credentials("beheerder")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let err = app
        .services
        .remove_second_factor(
            &RequestContext {
                actor: zothuis_domain::admin::Actor::from_user(
                    &app.store
                        .find_credentials("consulent.test")
                        .await
                        .unwrap()
                        .unwrap()
                        .user,
                ),
                on_behalf_of: None,
                origin: None,
                request_id: "test".into(),
            },
            admin_id,
        )
        .await;
    assert!(err.is_err());
    let row = app.last_audit().await;
    assert_eq!(row.outcome, "geweigerd");
}

#[tokio::test]
async fn a_user_turns_off_their_own_second_factor_where_the_role_allows_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    create(&app, "consulent.zelf", "wmo-consulent", "gemeente:GM0406").await;
    let (consultant, _) = log_in(&app, "consulent.zelf", "").await;
    let page = app.page(&consultant, "/account/tweede-factor").await;
    assert!(
        !page.contains("id=\"uitzetten\""),
        "nothing to turn off yet"
    );
    set_up(&app, &consultant, &page).await;

    let page = app.page(&consultant, "/account/tweede-factor").await;
    assert!(page.contains("id=\"uitzetten\""), "{page}");
    let resp = app
        .post_form(
            &consultant,
            "/account/tweede-factor/uitzetten",
            &csrf_from(&page),
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/account?melding=tweede-factor-verwijderd");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.actor_name.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "consulent.zelf", "geslaagd")
    );
    assert!(row.details.contains("verwijderd"), "{}", row.details);
    app.clock.advance(chrono::Duration::seconds(30));
    let (_, resp) = log_in(&app, "consulent.zelf", "").await;
    assert_eq!(location(&resp), "/clienten", "the password alone again");

    // The administrator's role requires one: no form, and a forged post is
    // refused and audited.
    let admin = app.login("beheerder").await;
    let page = app.page(&admin, "/account/tweede-factor").await;
    assert!(!page.contains("id=\"uitzetten\""));
    let resp = app
        .post_form(
            &admin,
            "/account/tweede-factor/uitzetten",
            &csrf_from(&page),
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (row.actor_name.as_str(), row.outcome.as_str()),
        ("beheerder", "geweigerd")
    );
}
