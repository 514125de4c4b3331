//! Users and API tokens over the API.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::spawn_app;

#[tokio::test]
async fn an_administrator_manages_users_and_every_read_of_them_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beheerder", "installatie").await;
    let c = Client::new();
    let created = c
        .post(app.url("/api/v1/gebruikers"))
        .bearer_auth(&token)
        .json(&json!({"gebruikersnaam": "J.deVries", "naam": "Jannie de Vries", "rol": "wmo-consulent", "scope": "gemeente:GM0417", "wachtwoord": "een lang genoeg wachtwoord"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let user: Value = created.json().await.unwrap();
    assert_eq!(user["gebruikersnaam"], "j.devries");
    assert_eq!(user["scope"], "gemeente:GM0417");
    assert!(user.get("wachtwoord").is_none());
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "gebruiker")
    );
    assert!(
        !row.details.contains("een lang genoeg wachtwoord"),
        "no password in the log"
    );

    let id = user["id"].as_i64().unwrap();
    let url = app.url(&format!("/api/v1/gebruikers/{id}"));
    let read = c.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_id.as_deref()),
        ("bekeken", Some(id.to_string().as_str()))
    );
    c.get(app.url("/api/v1/gebruikers"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(app.last_audit().await.action, "lijst-bekeken");

    let updated = c
        .put(&url)
        .bearer_auth(&token)
        .header("If-Match", "\"v1\"")
        .json(&json!({"naam": "Jannie de Vries", "rol": "wmo-consulent", "scope": "gemeente:GM0417", "actief": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.json::<Value>().await.unwrap()["actief"], false);
    let row = app.last_audit().await;
    assert_eq!(row.action, "gewijzigd");
    let (_, login) = app
        .login_with("j.devries", "een lang genoeg wachtwoord")
        .await;
    assert_eq!(
        login.status(),
        StatusCode::UNAUTHORIZED,
        "a deactivated user cannot log in"
    );
}

#[tokio::test]
async fn a_role_is_refused_with_a_scope_it_cannot_have() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beheerder", "installatie").await;
    let resp = Client::new()
        .post(app.url("/api/v1/gebruikers"))
        .bearer_auth(&token)
        .json(&json!({"gebruikersnaam": "x", "naam": "X", "rol": "wmo-consulent", "scope": "regio:GV", "wachtwoord": "kort"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    let reasons: Vec<String> = body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["name"].as_str().unwrap(),
                p["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("gebruikersnaam")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("wachtwoord") && r.contains("12 tekens")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("scope") && r.contains("gemeente")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn the_last_active_administrator_cannot_be_deactivated() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beheerder", "installatie").await;
    let c = Client::new();
    let users: Value = c
        .get(app.url("/api/v1/gebruikers"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = users["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["rol"] == "beheerder")
        .unwrap()
        .clone();
    let resp = c
        .put(app.url(&format!("/api/v1/gebruikers/{}", admin["id"])))
        .bearer_auth(&token)
        .header("If-Match", format!("\"v{}\"", admin["versie"]))
        .json(&json!({"naam": "x", "rol": "beheerder", "scope": "installatie", "actief": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(
        resp.json::<Value>().await.unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("laatste actieve beheerder")
    );
}

#[tokio::test]
async fn a_token_is_shown_once_works_and_stops_working_when_revoked() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let c = Client::new();
    let created = c
        .post(app.url("/api/v1/api-tokens"))
        .bearer_auth(&admin)
        .json(&json!({"naam": "koppeling", "rol": "bestuurder", "scope": "regio:GV"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await.unwrap();
    let secret = body["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("zth_"));
    assert_eq!(app.last_audit().await.action, "token-aangemaakt");
    assert_eq!(
        c.get(app.url("/api/v1/regios"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let listed: Value = c
        .get(app.url("/api/v1/api-tokens"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );
    let revoked = c
        .delete(app.url(&format!("/api/v1/api-tokens/{}", body["id"])))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.last_audit().await.action, "token-ingetrokken");
    assert_eq!(
        c.get(app.url("/api/v1/regios"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_api_client_can_say_on_whose_behalf_it_acts() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    Client::new()
        .get(app.url("/api/v1/gebruikers/1"))
        .bearer_auth(&admin)
        .header("X-Namens", "medewerker 42")
        .send()
        .await
        .unwrap();
    let row = app.last_audit().await;
    assert_eq!(row.on_behalf_of.as_deref(), Some("medewerker 42"));
}

#[tokio::test]
async fn users_and_tokens_are_managed_through_the_pages_too() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beheerder").await;
    let csrf = app.csrf(&client, "/beheer/gebruikers/nieuw").await;
    let resp = client
        .post(app.url("/beheer/gebruikers/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("naam", "Piet Pagina"),
            ("gebruikersnaam", "piet"),
            ("rol", "beleidsadviseur"),
            ("scope", "gemeente:GM0406"),
            ("wachtwoord", "pagina wachtwoord 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.last_audit().await.action, "aangemaakt");
    let detail = resp.headers()["location"].to_str().unwrap().to_string();
    let html = app.page(&client, &detail).await;
    assert!(html.contains("Gemeente Huizen"));
    let id = detail
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let reset = client
        .post(app.url(&format!("/beheer/gebruikers/{id}/wachtwoord")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("wachtwoord", "nog een wachtwoord 2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.last_audit().await.action, "wachtwoord-gewijzigd");
    let (_, login) = app.login_with("piet", "nog een wachtwoord 2").await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);

    let token_page = client
        .post(app.url("/beheer/api-tokens/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("naam", "pagina-token"),
            ("rol", "fg"),
            ("scope", "regio:GV"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(token_page.status(), StatusCode::OK);
    let html = token_page.text().await.unwrap();
    assert!(html.contains("Kopieer het token nu") && html.contains("zth_"));
    let row = app.last_audit().await;
    assert_eq!(row.action, "token-aangemaakt");
    let token_id = row.object_id.unwrap();
    let revoke = client
        .post(app.url("/beheer/api-tokens/0/intrekken"))
        .form(&[("csrf", csrf.as_str()), ("tokenId", token_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.last_audit().await.action, "token-ingetrokken");
}

#[tokio::test]
async fn an_administrator_cannot_mint_a_token_for_a_role_that_reads_client_data() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let c = Client::new();
    let provider = app.store.list_providers().await.unwrap()[0].id;
    let before = app.store.list_tokens().await.unwrap().len();
    for (role, scope) in [
        ("wmo-consulent", "gemeente:GM0402".to_string()),
        ("wachtlijstbeheerder", "regio:GV".to_string()),
        ("aanbieder", format!("aanbieder:{provider}")),
        ("toegangsmedewerker", "regio:GV".to_string()),
        ("zorgcoordinator", "regio:GV".to_string()),
        ("corporatie", "corporatie:1".to_string()),
    ] {
        let resp = c
            .post(app.url("/api/v1/api-tokens"))
            .bearer_auth(&admin)
            .json(&json!({"naam": "lek", "rol": role, "scope": scope}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{role}");
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let body: Value = resp.json().await.unwrap();
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("zothuis token create"), "{detail}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.outcome.as_str(),
                row.actor_kind.as_str()
            ),
            ("token-aangemaakt", "geweigerd", "api-token"),
            "{role}"
        );
        assert!(row.details.contains("opdrachtregel"), "{role}");
    }
    assert_eq!(app.store.list_tokens().await.unwrap().len(), before);

    // The same refusal on the page, in Dutch, with nothing created.
    let client = app.login("beheerder").await;
    let csrf = app.csrf(&client, "/beheer/api-tokens/nieuw").await;
    let page = client
        .post(app.url("/beheer/api-tokens/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("naam", "pagina-lek"),
            ("rol", "wmo-consulent"),
            ("scope", "gemeente:GM0402"),
        ])
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("zothuis token create") && !html.contains("zth_"),
        "{html}"
    );
    assert_eq!(app.store.list_tokens().await.unwrap().len(), before);

    // The operator at the command line (the system actor) still can.
    let operator_token = app.token("wmo-consulent", "gemeente:GM0402").await;
    assert!(operator_token.starts_with("zth_"));
}
