//! Reference data over the JSON API: NL API Design Rules, ETags, problems.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

async fn admin(app: &TestApp) -> String {
    app.token("beheerder", "installatie").await
}

#[tokio::test]
async fn a_request_without_a_token_gets_a_dutch_401_problem() {
    let app = spawn_app().await;
    let resp = Client::new()
        .get(app.url("/api/v1/regios"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    assert_eq!(resp.headers()["api-version"], "1.0.0");
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], 401);
    assert_eq!(body["type"], "urn:zothuis:probleem:niet-ingelogd");
    assert!(body["detail"].as_str().unwrap().contains("niet ingelogd"));
}

#[tokio::test]
async fn a_region_goes_through_create_read_update_and_delete_with_etags() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let c = Client::new();
    let created = c
        .post(app.url("/api/v1/regios"))
        .bearer_auth(&token)
        .json(&json!({"code": "tst", "naam": "Testregio"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["etag"], "\"v1\"");
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["code"], "TST");
    let id = body["id"].as_i64().unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "regio")
    );
    assert_eq!(audit.object_id.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(audit.actor_kind, "api-token");

    let url = app.url(&format!("/api/v1/regios/{id}"));
    let no_if_match = c
        .put(&url)
        .bearer_auth(&token)
        .json(&json!({"code": "TST", "naam": "Nieuw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_if_match.status(), StatusCode::PRECONDITION_REQUIRED);
    let updated = c
        .put(&url)
        .bearer_auth(&token)
        .header("If-Match", "\"v1\"")
        .json(&json!({"code": "TST", "naam": "Nieuwe naam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.headers()["etag"], "\"v2\"");
    let audit = app.last_audit().await;
    assert_eq!(audit.action, "gewijzigd");
    assert!(audit.details.contains("Testregio") && audit.details.contains("Nieuwe naam"));

    let stale = c
        .put(&url)
        .bearer_auth(&token)
        .header("If-Match", "\"v1\"")
        .json(&json!({"code": "TST", "naam": "Verouderd"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let problem: Value = stale.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("door iemand anders gewijzigd")
    );
    let read: Value = c
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["naam"], "Nieuwe naam");

    let deleted = c
        .delete(&url)
        .bearer_auth(&token)
        .header("If-Match", "\"v2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.last_audit().await.action, "verwijderd");
    let gone = c.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(gone.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn invalid_input_lists_every_field_in_dutch() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let resp = Client::new()
        .post(app.url("/api/v1/producten"))
        .bearer_auth(&token)
        .json(&json!({"naam": "", "code": "met spatie", "productcategorie": "99"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    let fields: Vec<&str> = body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["code", "naam", "productcategorie", "soort", "tariefeenheid"]
    );
    assert_eq!(body["invalidParams"][1]["reason"], "dit veld is verplicht");
}

#[tokio::test]
async fn malformed_json_and_unknown_paths_are_problems_not_crashes() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let c = Client::new();
    let bad = c
        .post(app.url("/api/v1/regios"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{niet json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    for path in [
        "/api/v1/regios/abc",
        "/api/v1/bestaat-niet",
        "/api/v1/regios/999",
    ] {
        let resp = c
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
    let bad_query = c
        .get(app.url("/api/v1/regios?pagina=nul"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn lists_are_paginated_with_links() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beleidsadviseur", "regio:GV").await;
    let c = Client::new();
    let first: Value = c
        .get(app.url("/api/v1/gemeenten?paginaGrootte=5"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["aantal"], 15);
    assert_eq!(first["resultaten"].as_array().unwrap().len(), 5);
    assert_eq!(
        first["volgende"],
        "/api/v1/gemeenten?pagina=2&paginaGrootte=5"
    );
    assert!(first["vorige"].is_null());
    let last: Value = c
        .get(app.url("/api/v1/gemeenten?pagina=3&paginaGrootte=5"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(last["volgende"].is_null());
    let gv: Value = c
        .get(app.url("/api/v1/gemeenten?regioId=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gv["aantal"], 7);
}

#[tokio::test]
async fn locations_and_capacity_over_the_api_keep_history() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = admin(&app).await;
    let c = Client::new();
    let kwintes: Value = c
        .get(app.url("/api/v1/aanbieders"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kwintes_id = kwintes["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["naam"] == "Kwintes")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let products: Value = c
        .get(app.url("/api/v1/producten"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let find = |code: &str| {
        products["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (bw, bt) = (find("BW-INT"), find("BT"));
    let created = c
        .post(app.url("/api/v1/locaties"))
        .bearer_auth(&token)
        .json(&json!({"naam": "Nieuwe woonvorm", "aanbiederId": kwintes_id, "gemeenteCode": "gm0376", "adres": "Dorpsstraat 1", "productIds": [bw, bt]}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let loc: Value = created.json().await.unwrap();
    assert_eq!(loc["gemeenteCode"], "GM0376");
    let cap = app.url(&format!("/api/v1/locaties/{}/capaciteit", loc["id"]));
    for (places, from) in [(10, "2026-01-01"), (12, "2026-07-01")] {
        let r = c
            .post(&cap)
            .bearer_auth(&token)
            .json(&json!({"productId": bw, "aantalPlekken": places, "geldigVanaf": from}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "capaciteit")
    );
    // At-home products have no places at a location.
    let at_home = c
        .post(&cap)
        .bearer_auth(&token)
        .json(&json!({"productId": bt, "aantalPlekken": 5, "geldigVanaf": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(at_home.status(), StatusCode::BAD_REQUEST);
    let history: Value = c
        .get(&cap)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let places: Vec<i64> = history["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["aantalPlekken"].as_i64().unwrap())
        .collect();
    assert_eq!(places, vec![10, 12]);
}

#[tokio::test]
async fn a_secret_address_is_null_in_the_api_for_those_who_may_not_see_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let c = Client::new();
    for (role, scope, visible) in [
        ("beheerder", "installatie", true),
        ("beleidsadviseur", "regio:GV", false),
        ("wmo-consulent", "gemeente:GM0402", false),
    ] {
        let token = app.token(role, scope).await;
        let list: Value = c
            .get(app.url("/api/v1/locaties?gemeenteCode=GM0402"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secret = list["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["geheimAdres"] == true)
            .unwrap();
        assert_eq!(secret["adres"].is_string(), visible, "{role}");
    }
}

#[tokio::test]
async fn a_municipality_code_is_validated_and_unique() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = admin(&app).await;
    let c = Client::new();
    let dup = c
        .post(app.url("/api/v1/gemeenten"))
        .bearer_auth(&token)
        .json(&json!({"code": "GM0406", "naam": "Huizen", "regioId": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let body: Value = dup.json().await.unwrap();
    assert_eq!(body["detail"], "Deze gemeentecode bestaat al.");
    let bad = c
        .post(app.url("/api/v1/gemeenten"))
        .bearer_auth(&token)
        .json(&json!({"code": "Huizen", "naam": "Huizen", "regioId": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
