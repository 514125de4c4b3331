//! From application to decision, with the responsible municipality
//! determined, explained, overridable with a reason, and audited.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Registers a client living in `municipality` since 2020 and an application
/// for BW intramuraal; returns (client id, application id).
async fn client_with_application(
    app: &TestApp,
    token: &str,
    municipality: &str,
    bsn: &str,
) -> (i64, i64) {
    let c: Value = post(app, token, "/api/v1/clienten", json!({"voornaam": "Kees", "achternaam": "Smit", "geboortedatum": "1970-02-03", "bsn": bsn})).await.json().await.unwrap();
    let id = c["id"].as_i64().expect("client created");
    let r = post(
        app,
        token,
        &format!("/api/v1/clienten/{id}/adressen"),
        json!({"soort": "woonadres", "gemeenteCode": municipality, "ingangsdatum": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let products: Value = get(app, token, "/api/v1/producten")
        .await
        .json()
        .await
        .unwrap();
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let a = post(
        app,
        token,
        "/api/v1/aanmeldingen",
        json!({"clientId": id, "productId": bw, "aanmelddatum": "2026-01-05", "bron": "ggz"}),
    )
    .await;
    assert_eq!(a.status(), StatusCode::CREATED);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "aanmelding", Some(id))
    );
    (id, a.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
}

fn grant(reference: &str) -> Value {
    json!({"uitkomst": "toegekend", "besluitdatum": "2026-01-10", "geldigVanaf": "2026-01-10", "beschikkingsnummer": reference})
}

#[tokio::test]
async fn under_the_centrumgemeente_regime_hilversum_is_responsible_and_can_then_see_the_client() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let (client, application) = client_with_application(&app, &huizen, "GM0406", "999990019").await;
    assert_eq!(
        get(&app, &hilversum, &format!("/api/v1/clienten/{client}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let preview: Value = get(
        &app,
        &huizen,
        &format!("/api/v1/aanmeldingen/{application}/woonplaatsbepaling?peildatum=2026-01-10"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(preview["gemeenteCode"], "GM0402");
    assert_eq!(preview["regel"], "1");
    assert!(
        preview["toelichting"]
            .as_str()
            .unwrap()
            .starts_with("Verantwoordelijk: Hilversum — centrumgemeente")
    );

    let mut body = grant("BW-2026-001");
    body["aanmeldingId"] = json!(application);
    let d = post(&app, &huizen, "/api/v1/beschikkingen", body.clone()).await;
    assert_eq!(d.status(), StatusCode::CREATED);
    let d: Value = d.json().await.unwrap();
    assert_eq!(
        (d["verantwoordelijkeGemeente"].as_str(), d["regel"].as_str()),
        (Some("GM0402"), Some("1"))
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "beschikking", Some(client))
    );
    assert!(row.details.contains("\"regel\":\"1\""), "{}", row.details);
    // The responsible municipality now sees the client; Huizen still does (it registered).
    assert_eq!(
        get(&app, &hilversum, &format!("/api/v1/clienten/{client}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &huizen, &format!("/api/v1/beschikkingen/{}", d["id"]))
            .await
            .status(),
        StatusCode::OK
    );
    // Laren sees neither.
    let laren = app.token("wmo-consulent", "gemeente:GM0417").await;
    assert_eq!(
        get(&app, &laren, &format!("/api/v1/beschikkingen/{}", d["id"]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let list: Value = get(&app, &laren, "/api/v1/beschikkingen")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["aantal"], 0);
    // One decision per application.
    assert_eq!(
        post(&app, &huizen, "/api/v1/beschikkingen", body)
            .await
            .status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn under_the_regional_agreement_a_new_client_is_the_responsibility_of_the_woonadres_municipality()
 {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let velsen = app.token("wmo-consulent", "gemeente:GM0453").await;
    let (_, application) = client_with_application(&app, &velsen, "GM0453", "999990020").await;
    let mut body = grant("ZK-2026-001");
    body["aanmeldingId"] = json!(application);
    let d: Value = post(&app, &velsen, "/api/v1/beschikkingen", body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["verantwoordelijkeGemeente"], "GM0453");
    assert_eq!(d["regel"], "2-woonadres");
    assert!(
        d["toelichting"]
            .as_str()
            .unwrap()
            .contains("regel 2, regionale afspraak")
    );
}

#[tokio::test]
async fn under_the_woonplaatsbeginsel_the_woonadres_decides_and_the_explanation_says_why() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    assert_eq!(
        post(
            &app,
            &admin,
            "/api/v1/regios/1/regimes",
            json!({"regime": "woonplaatsbeginsel", "geldigVanaf": "2026-01-01"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (_, application) = client_with_application(&app, &huizen, "GM0406", "999990032").await;
    let preview: Value = get(
        &app,
        &huizen,
        &format!("/api/v1/aanmeldingen/{application}/woonplaatsbepaling?peildatum=2026-01-10"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(preview["gemeenteCode"], "GM0406");
    assert_eq!(
        preview["toelichting"],
        "Verantwoordelijk: Huizen — woonadres op 2026-01-10 volgens BRP-historie (sinds 2020-01-01); regel 3, lid a niet van toepassing"
    );
    assert_eq!(preview["invoer"]["regime"], "woonplaatsbeginsel");
    // Before the regime took effect, the centrumgemeente.
    let before: Value = get(
        &app,
        &huizen,
        &format!("/api/v1/aanmeldingen/{application}/woonplaatsbepaling?peildatum=2025-12-31"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(before["gemeenteCode"], "GM0402");
}

#[tokio::test]
async fn a_consultant_may_override_the_determination_only_with_a_reason_and_it_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (_, application) = client_with_application(&app, &huizen, "GM0406", "999990044").await;
    let mut body = grant("BW-2026-002");
    body["aanmeldingId"] = json!(application);
    body["verantwoordelijkeGemeente"] = json!("GM0406");
    let no_reason = post(&app, &huizen, "/api/v1/beschikkingen", body.clone()).await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let problem: Value = no_reason.json().await.unwrap();
    assert_eq!(problem["invalidParams"][0]["name"], "redenAfwijking");
    body["redenAfwijking"] = json!("Afspraak tussen Huizen en Hilversum over deze cliënt");
    let d: Value = post(&app, &huizen, "/api/v1/beschikkingen", body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            d["verantwoordelijkeGemeente"].as_str(),
            d["bepaaldeGemeente"].as_str()
        ),
        (Some("GM0406"), Some("GM0402"))
    );
    let row = app.last_audit().await;
    assert!(
        row.details.contains("Afspraak tussen Huizen en Hilversum"),
        "{}",
        row.details
    );
}

#[tokio::test]
async fn policy_roles_cannot_register_or_read_applications_and_decisions() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV"),
        ("bestuurder", "regio:GV"),
        ("beheerder", "installatie"),
        ("fg", "regio:GV"),
    ] {
        let t = app.token(role, scope).await;
        assert_eq!(
            get(&app, &t, "/api/v1/aanmeldingen").await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            get(&app, &t, "/api/v1/beschikkingen").await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let r = post(
            &app,
            &t,
            "/api/v1/aanmeldingen",
            json!({"clientId": 1, "productId": 1, "aanmelddatum": "2026-01-05", "bron": "ggz"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role}");
    }
    // A consultant cannot file an application for a client outside their area.
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (client, _) = client_with_application(&app, &huizen, "GM0406", "999990056").await;
    let laren = app.token("wmo-consulent", "gemeente:GM0417").await;
    let r = post(
        &app,
        &laren,
        "/api/v1/aanmeldingen",
        json!({"clientId": client, "productId": 1, "aanmelddatum": "2026-01-05", "bron": "ggz"}),
    )
    .await;
    // Answered as for a client that does not exist: it is not Laren's to know.
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("bestaat niet of is voor u niet zichtbaar")
    );
}

#[tokio::test]
async fn a_consultant_takes_a_client_from_application_to_decision_in_the_pages() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let c = app.login("consulent.huizen").await;
    let csrf = app.csrf(&c, "/clienten/nieuw").await;
    let created = c
        .post(app.url("/clienten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("voornaam", "Anna"),
            ("achternaam", "Jansen"),
            ("geboortedatum", "1985-06-15"),
        ])
        .send()
        .await
        .unwrap();
    let client_page = created.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    c.post(app.url(&format!("{client_page}/adressen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("soort", "woonadres"),
            ("gemeenteCode", "GM0406"),
            ("instelling", "geen"),
            ("ingangsdatum", "2019-01-01"),
        ])
        .send()
        .await
        .unwrap();
    let html = app.page(&c, &client_page).await;
    assert!(html.contains("Nieuwe aanmelding") && html.contains("Nog geen aanmeldingen."));
    let bw = app
        .services
        .store
        .list_products()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "BW-INT")
        .unwrap()
        .id
        .to_string();
    let bad = c
        .post(app.url(&format!("{client_page}/aanmeldingen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("productId", bw.as_str()),
            ("aanmelddatum", ""),
            ("bron", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let applied = c
        .post(app.url(&format!("{client_page}/aanmeldingen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("productId", bw.as_str()),
            ("aanmelddatum", "2026-01-05"),
            ("bron", "huisarts"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    let app_page = applied.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = app.page(&c, &app_page).await;
    assert!(
        html.contains("Verantwoordelijk: Hilversum — centrumgemeente"),
        "the determination is shown before deciding"
    );
    let decided = c
        .post(app.url(&format!("{app_page}/beschikking")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("uitkomst", "toegekend"),
            ("besluitdatum", "2026-01-12"),
            ("geldigVanaf", "2026-01-12"),
            ("beschikkingsnummer", "HZ-2026-7"),
            ("verantwoordelijkeGemeente", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    let decision_page = decided.headers()["location"].to_str().unwrap().to_string();
    let html = app.page(&c, &decision_page).await;
    assert!(
        html.contains("Beschikking HZ-2026-7")
            && html.contains("Hilversum")
            && html.contains("regel 1")
    );
    let html = app.page(&c, &client_page).await;
    assert!(html.contains("Toegekend (HZ-2026-7)"));
}

#[tokio::test]
async fn an_application_is_assessed_against_the_framework_of_its_product() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (client, application) = client_with_application(&app, &huizen, "GM0406", "999990019").await;
    let products = get(&app, &huizen, "/api/v1/producten")
        .await
        .json::<Value>()
        .await
        .unwrap();
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let criteria: Value = get(&app, &huizen, &format!("/api/v1/producten/{bw}/criteria"))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = criteria
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "the demo framework for BW");
    let incomplete = post(&app, &huizen, "/api/v1/beoordelingen", json!({"aanmeldingId": application, "datum": "2026-01-08",
        "antwoorden": [{"criteriumId": ids[0], "antwoord": "ja"}], "motivering": "Te kort", "conclusie": "voldoet"})).await;
    assert_eq!(incomplete.status(), StatusCode::BAD_REQUEST);
    let problem: Value = incomplete.json().await.unwrap();
    assert_eq!(
        problem["invalidParams"].as_array().unwrap().len(),
        4,
        "three criteria unanswered and a short motivation: {problem}"
    );
    let answers: Vec<Value> = ids
        .iter()
        .map(|id| json!({"criteriumId": id, "antwoord": "ja"}))
        .collect();
    let ok = post(&app, &huizen, "/api/v1/beoordelingen", json!({"aanmeldingId": application, "datum": "2026-01-08",
        "antwoorden": answers, "motivering": "Voldoet aan alle criteria van het kader", "conclusie": "voldoet"})).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.client_id),
        ("beoordeling", Some(client))
    );
    let list: Value = get(
        &app,
        &huizen,
        &format!("/api/v1/beoordelingen?aanmeldingId={application}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list[0]["conclusie"], "voldoet");
    // The administrator maintains the framework; others cannot.
    let admin = app.token("beheerder", "installatie").await;
    assert_eq!(
        post(
            &app,
            &admin,
            &format!("/api/v1/producten/{bw}/criteria"),
            json!({"tekst": "Nieuw criterium"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            &app,
            &huizen,
            &format!("/api/v1/producten/{bw}/criteria"),
            json!({"tekst": "Eigen criterium"})
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // In the pages, the application shows the framework as a form.
    let c = app.login("consulent.huizen").await;
    let html = app.page(&c, &format!("/aanmeldingen/{application}")).await;
    assert!(
        html.contains("Beoordelingen tegen het afwegingskader")
            && html.contains("Beoordelen tegen het afwegingskader")
    );
}

#[tokio::test]
async fn lists_of_applications_and_decisions_can_be_read_as_known_at_a_moment() {
    use zothuis_domain::clock::Clock;
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let before = app.clock.now() - chrono::Duration::minutes(1);
    let (_, application) = client_with_application(&app, &huizen, "GM0406", "999990019").await;
    let now: Value = get(&app, &huizen, "/api/v1/aanmeldingen")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["aantal"], 1);
    let then: Value = Client::new()
        .get(app.url("/api/v1/aanmeldingen"))
        .bearer_auth(&huizen)
        .query(&[("bekendOp", before.to_rfc3339())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(then["aantal"], 0);
    let _ = application;
}
