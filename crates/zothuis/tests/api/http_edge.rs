//! Errors that no handler writes (routing, body and address limits) are
//! problem+json in Dutch under `/api`, like every other API error.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::spawn_app;

fn details(row: &zothuis_domain::audit::AuditRecord) -> Value {
    serde_json::from_str(&row.details).unwrap()
}

async fn assert_dutch_problem(resp: reqwest::Response, status: StatusCode, type_: &str) -> Value {
    assert_eq!(resp.status(), status);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    assert_eq!(resp.headers()["x-request-id"].len(), 16);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["type"], format!("urn:zothuis:probleem:{type_}"));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(body["detail"].as_str().unwrap().len() > 20, "{body}");
    body
}

#[tokio::test]
async fn a_method_the_address_does_not_take_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    let token = app.token("beheerder", "installatie").await;
    let resp = Client::new()
        .patch(app.url("/api/v1/regios"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let allow = resp.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body = assert_dutch_problem(
        resp,
        StatusCode::METHOD_NOT_ALLOWED,
        "methode-niet-toegestaan",
    )
    .await;
    assert_eq!(body["title"], "Methode niet toegestaan");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = spawn_app().await;
    let token = app.token("beheerder", "installatie").await;
    let resp = Client::new()
        .post(app.url("/api/v1/regios"))
        .bearer_auth(&token)
        .json(&json!({"code": "tst", "naam": "x".repeat(3 * 1024 * 1024)}))
        .send()
        .await
        .unwrap();
    let body = assert_dutch_problem(resp, StatusCode::PAYLOAD_TOO_LARGE, "verzoek-te-groot").await;
    assert_eq!(body["title"], "Verzoek te groot");
    assert!(
        app.store
            .list_regions()
            .await
            .unwrap()
            .iter()
            .all(|r| r.code != "TST")
    );
}

#[tokio::test]
async fn an_address_over_the_limit_is_a_414_problem_on_the_api_and_a_page_elsewhere() {
    let app = spawn_app().await;
    let token = app.token("beheerder", "installatie").await;
    let long = "a".repeat(20_000);
    let resp = Client::new()
        .get(app.url(&format!("/api/v1/regios?zoek={long}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let body = assert_dutch_problem(resp, StatusCode::URI_TOO_LONG, "adres-te-lang").await;
    assert_eq!(body["title"], "Adres te lang");
    let page = Client::new()
        .get(app.url(&format!("/referentie/regios?zoek={long}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::URI_TOO_LONG);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Het adres van deze pagina is te lang")
    );
}

#[tokio::test]
async fn every_error_under_api_is_problem_json_even_outside_version_one() {
    let app = spawn_app().await;
    for path in ["/api", "/api/v2/regios", "/api/v1/bestaat-niet"] {
        let resp = Client::new().get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_api_request_without_a_valid_token_is_audited_without_an_actor() {
    let app = spawn_app().await;
    let c = Client::new();
    let resp = c.get(app.url("/api/v1/regios")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.outcome.as_str(),
            row.actor_name.as_str()
        ),
        ("niet-geauthenticeerd", "geweigerd", "")
    );
    assert_eq!(details(&row)["reden"], "geen API-token");
    assert_eq!(details(&row)["pad"], "/api/v1/regios");
    assert_eq!(row.origin.as_deref(), Some("127.0.0.1"));

    let long_path = format!("/api/v1/{}", "x".repeat(5000));
    let resp = c
        .get(app.url(&long_path))
        .bearer_auth("zth_geraden")
        .send()
        .await
        .unwrap();
    // An unknown path is a 404 for everyone; a known one with a bad token:
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = c
        .get(app.url("/api/v1/clienten"))
        .bearer_auth("zth_geraden")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let row = app.last_audit().await;
    assert_eq!(details(&row)["reden"], "onbekend of ingetrokken API-token");
    assert!(
        !row.details.contains("geraden"),
        "the token is never stored"
    );
}

#[tokio::test]
async fn a_flood_of_unauthenticated_requests_writes_a_bounded_number_of_audit_rows() {
    let app = spawn_app().await;
    let c = Client::new();
    for _ in 0..40 {
        let resp = c.get(app.url("/api/v1/regios")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let rows: Vec<_> = app
        .audit(100)
        .await
        .into_iter()
        .filter(|r| r.action == "niet-geauthenticeerd")
        .collect();
    assert_eq!(rows.len(), 21);
    assert!(
        details(&rows[0])["reden"]
            .as_str()
            .unwrap()
            .contains("niet afzonderlijk vastgelegd")
    );
    // A new window is logged again.
    app.clock.advance(chrono::Duration::minutes(16));
    c.get(app.url("/api/v1/regios")).send().await.unwrap();
    assert_eq!(app.last_audit().await.action, "niet-geauthenticeerd");
    assert_eq!(details(&app.last_audit().await)["reden"], "geen API-token");
}
