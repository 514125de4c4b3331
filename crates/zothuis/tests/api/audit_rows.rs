//! Every mutating endpoint writes its audit row: the API and the pages.

use reqwest::{Client, Method};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

async fn expect_row(app: &TestApp, what: &str, action: &str, object_type: &str) {
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        (action, object_type, "geslaagd"),
        "{what}"
    );
    assert!(
        !row.request_id.is_empty() && row.request_id != "-",
        "{what}: request id"
    );
    assert_eq!(row.origin.as_deref(), Some("127.0.0.1"), "{what}: origin");
}

/// Sends an API request and returns the body (or null).
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    etag: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut req = Client::new()
        .request(method.clone(), app.url(path))
        .bearer_auth(token);
    if let Some(e) = etag {
        req = req.header("If-Match", e);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    assert!(
        resp.status().is_success(),
        "{method} {path}: {}",
        resp.status()
    );
    resp.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_api_mutation_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let t = app.token("beheerder", "installatie").await;
    let t = t.as_str();

    let r = call(
        &app,
        t,
        Method::POST,
        "/api/v1/regios",
        None,
        Some(json!({"code": "AUD", "naam": "Auditregio"})),
    )
    .await;
    expect_row(&app, "regio aanmaken", "aangemaakt", "regio").await;
    let region = r["id"].as_i64().unwrap();
    call(
        &app,
        t,
        Method::POST,
        "/api/v1/gemeenten",
        None,
        Some(json!({"code": "GM9999", "naam": "Proefdorp", "regioId": region})),
    )
    .await;
    expect_row(&app, "gemeente aanmaken", "aangemaakt", "gemeente").await;
    call(
        &app,
        t,
        Method::PUT,
        "/api/v1/gemeenten/GM9999",
        Some("\"v1\""),
        Some(json!({"naam": "Proefstad", "regioId": region})),
    )
    .await;
    expect_row(&app, "gemeente wijzigen", "gewijzigd", "gemeente").await;
    call(
        &app,
        t,
        Method::PUT,
        &format!("/api/v1/regios/{region}"),
        Some("\"v1\""),
        Some(json!({"code": "AUD", "naam": "Auditregio", "centrumgemeente": "GM9999"})),
    )
    .await;
    expect_row(&app, "regio wijzigen", "gewijzigd", "regio").await;

    let p = call(
        &app,
        t,
        Method::POST,
        "/api/v1/aanbieders",
        None,
        Some(json!({"naam": "Proefzorg", "agbCode": "12345678"})),
    )
    .await;
    expect_row(&app, "aanbieder aanmaken", "aangemaakt", "aanbieder").await;
    let provider = p["id"].as_i64().unwrap();
    call(
        &app,
        t,
        Method::PUT,
        &format!("/api/v1/aanbieders/{provider}"),
        Some("\"v1\""),
        Some(json!({"naam": "Proefzorg BV"})),
    )
    .await;
    expect_row(&app, "aanbieder wijzigen", "gewijzigd", "aanbieder").await;

    let pr = call(&app, t, Method::POST, "/api/v1/producten", None, Some(json!({"code": "TIJD", "naam": "Time-out", "productcategorie": "18", "soort": "kortdurend", "tariefeenheid": "per-dag"}))).await;
    expect_row(&app, "product aanmaken", "aangemaakt", "product").await;
    let product = pr["id"].as_i64().unwrap();
    call(&app, t, Method::PUT, &format!("/api/v1/producten/{product}"), Some("\"v1\""), Some(json!({"code": "TIJD", "naam": "Time-outplek", "productcategorie": "18", "soort": "kortdurend", "tariefeenheid": "per-dag"}))).await;
    expect_row(&app, "product wijzigen", "gewijzigd", "product").await;

    let l = call(&app, t, Method::POST, "/api/v1/locaties", None, Some(json!({"naam": "Proeflocatie", "aanbiederId": provider, "gemeenteCode": "GM9999", "productIds": [product]}))).await;
    expect_row(&app, "locatie aanmaken", "aangemaakt", "locatie").await;
    let location = l["id"].as_i64().unwrap();
    call(&app, t, Method::PUT, &format!("/api/v1/locaties/{location}"), Some("\"v1\""), Some(json!({"naam": "Proeflocatie 2", "aanbiederId": provider, "gemeenteCode": "GM9999", "productIds": [product]}))).await;
    expect_row(&app, "locatie wijzigen", "gewijzigd", "locatie").await;
    call(
        &app,
        t,
        Method::POST,
        &format!("/api/v1/locaties/{location}/capaciteit"),
        None,
        Some(json!({"productId": product, "aantalPlekken": 2, "geldigVanaf": "2026-01-01"})),
    )
    .await;
    expect_row(&app, "capaciteit vastleggen", "aangemaakt", "capaciteit").await;

    // Deleting in reverse order of dependency; a location with capacity
    // history is kept, so a fresh one is deleted.
    let spare = call(
        &app,
        t,
        Method::POST,
        "/api/v1/locaties",
        None,
        Some(json!({"naam": "Weg", "aanbiederId": provider, "gemeenteCode": "GM9999"})),
    )
    .await;
    call(
        &app,
        t,
        Method::DELETE,
        &format!("/api/v1/locaties/{}", spare["id"]),
        Some("\"v1\""),
        None,
    )
    .await;
    expect_row(&app, "locatie verwijderen", "verwijderd", "locatie").await;
    let spare = call(&app, t, Method::POST, "/api/v1/producten", None, Some(json!({"code": "WEG", "naam": "Weg", "productcategorie": "18", "soort": "kortdurend", "tariefeenheid": "per-dag"}))).await;
    call(
        &app,
        t,
        Method::DELETE,
        &format!("/api/v1/producten/{}", spare["id"]),
        Some("\"v1\""),
        None,
    )
    .await;
    expect_row(&app, "product verwijderen", "verwijderd", "product").await;
    let spare = call(
        &app,
        t,
        Method::POST,
        "/api/v1/aanbieders",
        None,
        Some(json!({"naam": "Weg"})),
    )
    .await;
    call(
        &app,
        t,
        Method::DELETE,
        &format!("/api/v1/aanbieders/{}", spare["id"]),
        Some("\"v1\""),
        None,
    )
    .await;
    expect_row(&app, "aanbieder verwijderen", "verwijderd", "aanbieder").await;
    call(
        &app,
        t,
        Method::POST,
        "/api/v1/gemeenten",
        None,
        Some(json!({"code": "GM9998", "naam": "Weg", "regioId": region})),
    )
    .await;
    call(
        &app,
        t,
        Method::DELETE,
        "/api/v1/gemeenten/GM9998",
        Some("\"v1\""),
        None,
    )
    .await;
    expect_row(&app, "gemeente verwijderen", "verwijderd", "gemeente").await;
    let spare = call(
        &app,
        t,
        Method::POST,
        "/api/v1/regios",
        None,
        Some(json!({"code": "WEG", "naam": "Weg"})),
    )
    .await;
    call(
        &app,
        t,
        Method::DELETE,
        &format!("/api/v1/regios/{}", spare["id"]),
        Some("\"v1\""),
        None,
    )
    .await;
    expect_row(&app, "regio verwijderen", "verwijderd", "regio").await;

    let u = call(&app, t, Method::POST, "/api/v1/gebruikers", None, Some(json!({"gebruikersnaam": "audit", "naam": "Audit", "rol": "fg", "scope": "regio:AUD", "wachtwoord": "twaalf tekens minstens"}))).await;
    expect_row(&app, "gebruiker aanmaken", "aangemaakt", "gebruiker").await;
    call(
        &app,
        t,
        Method::PUT,
        &format!("/api/v1/gebruikers/{}", u["id"]),
        Some("\"v1\""),
        Some(json!({"naam": "Audit 2", "rol": "fg", "scope": "regio:AUD", "actief": true})),
    )
    .await;
    expect_row(&app, "gebruiker wijzigen", "gewijzigd", "gebruiker").await;
    let tok = call(
        &app,
        t,
        Method::POST,
        "/api/v1/api-tokens",
        None,
        Some(json!({"naam": "audit", "rol": "fg", "scope": "regio:AUD"})),
    )
    .await;
    expect_row(&app, "token aanmaken", "token-aangemaakt", "api-token").await;
    call(
        &app,
        t,
        Method::DELETE,
        &format!("/api/v1/api-tokens/{}", tok["id"]),
        None,
        None,
    )
    .await;
    expect_row(&app, "token intrekken", "token-ingetrokken", "api-token").await;
}

/// Posts a form with the session's CSRF token and expects a redirect.
async fn post(app: &TestApp, client: &Client, csrf: &str, path: &str, fields: &[(&str, &str)]) {
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    let resp = client.post(app.url(path)).form(&form).send().await.unwrap();
    assert_eq!(
        resp.status(),
        303,
        "POST {path}: {}",
        resp.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn every_page_mutation_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let c = app.login("beheerder").await;
    let csrf = app.csrf(&c, "/").await;
    let csrf = csrf.as_str();

    post(
        &app,
        &c,
        csrf,
        "/referentie/regios/nieuw",
        &[("naam", "Paginaregio"), ("code", "PAG")],
    )
    .await;
    expect_row(&app, "regio aanmaken", "aangemaakt", "regio").await;
    let region = app.last_audit().await.object_id.unwrap();
    post(
        &app,
        &c,
        csrf,
        "/referentie/gemeenten/nieuw",
        &[
            ("naam", "Paginadorp"),
            ("code", "GM9997"),
            ("regioId", region.as_str()),
        ],
    )
    .await;
    expect_row(&app, "gemeente aanmaken", "aangemaakt", "gemeente").await;
    post(
        &app,
        &c,
        csrf,
        "/referentie/gemeenten/GM9997/wijzigen",
        &[
            ("versie", "1"),
            ("naam", "Paginastad"),
            ("code", "GM9997"),
            ("regioId", region.as_str()),
        ],
    )
    .await;
    expect_row(&app, "gemeente wijzigen", "gewijzigd", "gemeente").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/regios/{region}/wijzigen"),
        &[
            ("versie", "1"),
            ("naam", "Paginaregio"),
            ("code", "PAG"),
            ("centrumgemeente", "GM9997"),
        ],
    )
    .await;
    expect_row(&app, "regio wijzigen", "gewijzigd", "regio").await;

    post(
        &app,
        &c,
        csrf,
        "/referentie/aanbieders/nieuw",
        &[("naam", "Paginazorg")],
    )
    .await;
    expect_row(&app, "aanbieder aanmaken", "aangemaakt", "aanbieder").await;
    let provider = app.last_audit().await.object_id.unwrap();
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/aanbieders/{provider}/wijzigen"),
        &[("versie", "1"), ("naam", "Paginazorg BV")],
    )
    .await;
    expect_row(&app, "aanbieder wijzigen", "gewijzigd", "aanbieder").await;

    let product_fields = [
        ("naam", "Paginaproduct"),
        ("code", "PAGP"),
        ("productcategorie", "18"),
        ("soort", "kortdurend"),
        ("tariefeenheid", "per-dag"),
    ];
    post(
        &app,
        &c,
        csrf,
        "/referentie/producten/nieuw",
        &product_fields,
    )
    .await;
    expect_row(&app, "product aanmaken", "aangemaakt", "product").await;
    let product = app.last_audit().await.object_id.unwrap();
    let mut edit = vec![("versie", "1")];
    edit.extend_from_slice(&product_fields);
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/producten/{product}/wijzigen"),
        &edit,
    )
    .await;
    expect_row(&app, "product wijzigen", "gewijzigd", "product").await;

    let loc_fields = [
        ("naam", "Paginalocatie"),
        ("aanbiederId", provider.as_str()),
        ("gemeenteCode", "GM9997"),
        ("adres", "Straat 1"),
        ("geheimAdres", "ja"),
        ("producten", product.as_str()),
    ];
    post(&app, &c, csrf, "/referentie/locaties/nieuw", &loc_fields).await;
    expect_row(&app, "locatie aanmaken", "aangemaakt", "locatie").await;
    let location = app.last_audit().await.object_id.unwrap();
    let mut edit = vec![("versie", "1")];
    edit.extend_from_slice(&loc_fields);
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/locaties/{location}/wijzigen"),
        &edit,
    )
    .await;
    expect_row(&app, "locatie wijzigen", "gewijzigd", "locatie").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/locaties/{location}/verwijderen"),
        &[("versie", "2")],
    )
    .await;
    expect_row(&app, "locatie verwijderen", "verwijderd", "locatie").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/producten/{product}/verwijderen"),
        &[("versie", "2")],
    )
    .await;
    expect_row(&app, "product verwijderen", "verwijderd", "product").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/aanbieders/{provider}/verwijderen"),
        &[("versie", "2")],
    )
    .await;
    expect_row(&app, "aanbieder verwijderen", "verwijderd", "aanbieder").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/regios/{region}/wijzigen"),
        &[
            ("versie", "2"),
            ("naam", "Paginaregio"),
            ("code", "PAG"),
            ("centrumgemeente", ""),
        ],
    )
    .await;
    post(
        &app,
        &c,
        csrf,
        "/referentie/gemeenten/GM9997/verwijderen",
        &[("versie", "2")],
    )
    .await;
    expect_row(&app, "gemeente verwijderen", "verwijderd", "gemeente").await;
    post(
        &app,
        &c,
        csrf,
        &format!("/referentie/regios/{region}/verwijderen"),
        &[("versie", "3")],
    )
    .await;
    expect_row(&app, "regio verwijderen", "verwijderd", "regio").await;

    post(
        &app,
        &c,
        csrf,
        "/beheer/gebruikers/nieuw",
        &[
            ("naam", "Pagina"),
            ("gebruikersnaam", "pagina"),
            ("rol", "bestuurder"),
            ("scope", "regio:GV"),
            ("wachtwoord", "twaalf tekens minstens"),
        ],
    )
    .await;
    expect_row(&app, "gebruiker aanmaken", "aangemaakt", "gebruiker").await;
    let user = app.last_audit().await.object_id.unwrap();
    post(
        &app,
        &c,
        csrf,
        &format!("/beheer/gebruikers/{user}/wijzigen"),
        &[
            ("versie", "1"),
            ("naam", "Pagina 2"),
            ("rol", "bestuurder"),
            ("scope", "regio:GV"),
        ],
    )
    .await;
    expect_row(
        &app,
        "gebruiker wijzigen (gedeactiveerd)",
        "gewijzigd",
        "gebruiker",
    )
    .await;
    post(
        &app,
        &c,
        csrf,
        &format!("/beheer/gebruikers/{user}/wachtwoord"),
        &[("wachtwoord", "nog eens twaalf tekens")],
    )
    .await;
    expect_row(
        &app,
        "wachtwoord instellen",
        "wachtwoord-gewijzigd",
        "gebruiker",
    )
    .await;
}
