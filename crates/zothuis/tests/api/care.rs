//! From screening to exit: a provider screens, the client is placed, the
//! stay is corrected, transferred and ended, and who sees what follows.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, spawn_app};

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    etag: Option<String>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(e) = etag {
        r = r.header("If-Match", e);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, token, reqwest::Method::POST, path, None, Some(body)).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    send(app, token, reqwest::Method::GET, path, None, None)
        .await
        .json()
        .await
        .unwrap()
}

struct Journey {
    client: i64,
    entry: i64,
    manager: String,
    kwintes: String,
}

/// A Huizen resident with a BW decision, actively waiting, in screening with Kwintes.
async fn in_screening(app: &TestApp) -> Journey {
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let c: Value = post(
        app,
        &huizen,
        "/api/v1/clienten",
        json!({"voornaam": "Rob", "achternaam": "Meijer", "geboortedatum": "1980-08-08"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let products = get(app, &huizen, "/api/v1/producten").await;
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .clone();
    let a: Value = post(
        app,
        &huizen,
        "/api/v1/aanmeldingen",
        json!({"clientId": c["id"], "productId": bw, "aanmelddatum": "2025-11-01", "bron": "ggz"}),
    )
    .await
    .json()
    .await
    .unwrap();
    post(app, &huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": a["id"], "uitkomst": "toegekend", "besluitdatum": "2025-11-15", "geldigVanaf": "2025-11-15", "beschikkingsnummer": "HZ-9"})).await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let entry = get(app, &manager, "/api/v1/wachtlijst").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let url = format!("/api/v1/wachtlijst/{entry}/overgangen");
    assert_eq!(
        post(
            app,
            &manager,
            &url,
            json!({"status": "actief-wachtend", "ingangsdatum": "2025-11-20"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            app,
            &manager,
            &url,
            json!({"status": "in-screening", "aanbiederId": 1, "ingangsdatum": "2025-12-01"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    Journey {
        client: c["id"].as_i64().unwrap(),
        entry,
        manager,
        kwintes: app.token("aanbieder", "aanbieder:1").await,
    }
}

#[tokio::test]
async fn a_provider_sees_only_the_clients_referred_to_it_and_records_a_refusal() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let j = in_screening(&app).await;
    let ribw = app.token("aanbieder", "aanbieder:4").await;
    let path = format!("/api/v1/clienten/{}", j.client);
    assert_eq!(
        send(&app, &j.kwintes, reqwest::Method::GET, &path, None, None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        send(&app, &ribw, reqwest::Method::GET, &path, None, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, &ribw, "/api/v1/screeningen").await["aantal"], 0);
    let open = get(&app, &j.kwintes, "/api/v1/screeningen?open=true").await;
    assert_eq!(open["aantal"], 1);
    let screening = open["resultaten"][0]["id"].as_i64().unwrap();
    // A provider does not change personal details.
    let edit = send(
        &app,
        &j.kwintes,
        reqwest::Method::PUT,
        &path,
        Some("\"v1\"".into()),
        Some(json!({"voornaam": "X", "achternaam": "Y", "geboortedatum": "1980-08-08"})),
    )
    .await;
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);
    // Another provider cannot record the outcome.
    let other = post(
        &app,
        &ribw,
        &format!("/api/v1/screeningen/{screening}/uitkomst"),
        json!({"uitkomst": "geaccepteerd", "datum": "2025-12-10"}),
    )
    .await;
    // RIBW does not see the client, so it does not learn the screening exists.
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let incomplete = post(
        &app,
        &j.kwintes,
        &format!("/api/v1/screeningen/{screening}/uitkomst"),
        json!({"uitkomst": "afgewezen", "datum": "2025-12-10"}),
    )
    .await;
    assert_eq!(incomplete.status(), StatusCode::BAD_REQUEST);
    let declined = post(&app, &j.kwintes, &format!("/api/v1/screeningen/{screening}/uitkomst"),
        json!({"uitkomst": "afgewezen", "afgewezenDoor": "aanbieder", "reden": "groepssamenstelling", "datum": "2025-12-10"})).await;
    assert_eq!(declined.status(), StatusCode::NO_CONTENT);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.client_id),
        ("screening", Some(j.client))
    );
    let entry = get(&app, &j.manager, &format!("/api/v1/wachtlijst/{}", j.entry)).await;
    let last = entry["overgangen"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["status"], "actief-wachtend");
    assert!(
        last["toelichting"]
            .as_str()
            .unwrap()
            .contains("afgewezen door de aanbieder"),
        "{last}"
    );
    // Recording twice is refused.
    let again = post(
        &app,
        &j.kwintes,
        &format!("/api/v1/screeningen/{screening}/uitkomst"),
        json!({"uitkomst": "geaccepteerd", "datum": "2025-12-11"}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_placement_starts_a_stay_that_is_corrected_transferred_and_ended_with_history_kept() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let j = in_screening(&app).await;
    let locations = get(&app, &j.kwintes, "/api/v1/locaties").await;
    let loc = |name: &str| {
        locations["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["naam"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let wrong_provider = post(&app, &j.kwintes, "/api/v1/verblijven", json!({"wachtlijstId": j.entry, "locatieId": loc("Woonvorm Huizen"), "startdatum": "2026-01-05"})).await;
    assert_eq!(wrong_provider.status(), StatusCode::BAD_REQUEST);
    let no_location = post(
        &app,
        &j.kwintes,
        "/api/v1/verblijven",
        json!({"wachtlijstId": j.entry, "startdatum": "2026-01-05"}),
    )
    .await;
    assert_eq!(no_location.status(), StatusCode::BAD_REQUEST);
    let placed = post(&app, &j.kwintes, "/api/v1/verblijven", json!({"wachtlijstId": j.entry, "locatieId": loc("Woonvorm Bussum"), "startdatum": "2026-01-05"})).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let etag = placed.headers()["etag"].to_str().unwrap().to_string();
    let stay: Value = placed.json().await.unwrap();
    assert_eq!(stay["verantwoordelijkeGemeente"], "GM0402");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "verblijf", Some(j.client))
    );
    let list = get(&app, &j.manager, "/api/v1/wachtlijst?status=open").await;
    assert_eq!(list["aantal"], 0, "placed clients leave the list");
    // Placing twice is impossible: the entry is no longer in screening.
    let twice = post(&app, &j.kwintes, "/api/v1/verblijven", json!({"wachtlijstId": j.entry, "locatieId": loc("Woonvorm Bussum"), "startdatum": "2026-01-06"})).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // The start date was really 2 January: a correction, entered later.
    let before = app.clock.now() + chrono::Duration::minutes(1);
    app.clock.advance(chrono::Duration::days(3));
    let id = stay["id"].as_i64().unwrap();
    let path = format!("/api/v1/verblijven/{id}");
    let corrected = send(
        &app,
        &j.kwintes,
        reqwest::Method::PUT,
        &path,
        Some(etag.clone()),
        Some(json!({"startdatum": "2026-01-02"})),
    )
    .await;
    assert_eq!(corrected.status(), StatusCode::OK);
    let etag2 = corrected.headers()["etag"].to_str().unwrap().to_string();
    let stale = send(
        &app,
        &j.kwintes,
        reqwest::Method::PUT,
        &path,
        Some(etag),
        Some(json!({"startdatum": "2026-01-03"})),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let active_on_3rd = get(&app, &j.manager, "/api/v1/verblijven?actiefOp=2026-01-03").await;
    assert_eq!(
        active_on_3rd["aantal"], 1,
        "as known today the client was there on 3 January"
    );
    let then = Client::new()
        .get(app.url("/api/v1/verblijven"))
        .bearer_auth(&j.manager)
        .query(&[
            ("actiefOp", "2026-01-03"),
            ("bekendOp", &before.to_rfc3339()),
        ])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(then["aantal"], 0, "as known before the correction, not yet");

    // Transfer to Leger des Heils in Huizen: an end plus a linked new start.
    let transfer = send(
        &app,
        &j.manager,
        reqwest::Method::POST,
        &format!("{path}/overplaatsing"),
        Some(etag2),
        Some(json!({"datum": "2026-06-01", "aanbiederId": 2, "locatieId": loc("Woonvorm Huizen")})),
    )
    .await;
    assert_eq!(transfer.status(), StatusCode::CREATED);
    let next_etag = transfer.headers()["etag"].to_str().unwrap().to_string();
    let next: Value = transfer.json().await.unwrap();
    assert_eq!(next["overplaatsingVan"], id);
    let old = get(&app, &j.manager, &path).await;
    assert_eq!(
        (
            old["einddatum"].as_str(),
            old["uitstroombestemming"].as_str()
        ),
        (Some("2026-06-01"), Some("andere-voorziening"))
    );
    // Leger des Heils now sees the client; RIBW still does not.
    let leger = app.token("aanbieder", "aanbieder:2").await;
    assert_eq!(get(&app, &leger, "/api/v1/verblijven").await["aantal"], 1);
    let ribw = app.token("aanbieder", "aanbieder:4").await;
    assert_eq!(get(&app, &ribw, "/api/v1/verblijven").await["aantal"], 0);

    let bad_exit = send(
        &app,
        &leger,
        reqwest::Method::POST,
        &format!("/api/v1/verblijven/{}/einde", next["id"]),
        Some(next_etag.clone()),
        Some(json!({"einddatum": "2026-05-01", "uitstroombestemming": "zelfstandig"})),
    )
    .await;
    assert_eq!(bad_exit.status(), StatusCode::BAD_REQUEST);
    let ended = send(
        &app,
        &leger,
        reqwest::Method::POST,
        &format!("/api/v1/verblijven/{}/einde", next["id"]),
        Some(next_etag),
        Some(json!({"einddatum": "2026-10-01", "uitstroombestemming": "zelfstandig-pact"})),
    )
    .await;
    assert_eq!(ended.status(), StatusCode::OK);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "verblijf")
    );
    assert!(row.details.contains("zelfstandig-pact"));
    let all = get(
        &app,
        &j.manager,
        &format!("/api/v1/verblijven?clientId={}", j.client),
    )
    .await;
    assert_eq!(all["aantal"], 2);
}

#[tokio::test]
async fn a_provider_takes_a_client_from_screening_to_exit_in_the_pages() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let j = in_screening(&app).await;
    let kwintes = app.login("aanbieder.kwintes").await;
    let entry_page = format!("/wachtlijst/{}", j.entry);
    let html = app.page(&kwintes, &entry_page).await;
    assert!(
        html.contains("Uitkomst van de screening") && html.contains("Plaatsen"),
        "{html}"
    );
    let csrf = zothuis_testkit::csrf_from(&html);
    let screening = app
        .services
        .store
        .list_screenings(
            &zothuis_domain::store::Clients::All,
            &zothuis_domain::store::ScreeningFilter {
                entry_id: Some(j.entry),
                ..Default::default()
            },
        )
        .await
        .unwrap()[0]
        .id;
    let accepted = kwintes
        .post(app.url(&format!("/screeningen/{screening}/uitkomst")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("uitkomst", "geaccepteerd"),
            ("datum", "2025-12-15"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let location = app
        .services
        .store
        .list_locations()
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Woonvorm Bussum")
        .unwrap()
        .id
        .to_string();
    let no_date = kwintes
        .post(app.url(&format!("{entry_page}/plaatsing")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("locatieId", location.as_str()),
            ("startdatum", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_date.status(), StatusCode::BAD_REQUEST);
    let placed = kwintes
        .post(app.url(&format!("{entry_page}/plaatsing")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("locatieId", location.as_str()),
            ("startdatum", "2026-01-05"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), StatusCode::SEE_OTHER);
    let stay_page = placed.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = app.page(&kwintes, &stay_page).await;
    assert!(html.contains("Verblijf van Rob Meijer") && html.contains("Woonvorm Bussum (Kwintes)"));
    let csrf = zothuis_testkit::csrf_from(&html);
    let version = html
        .split("name=\"versie\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let ended = kwintes
        .post(app.url(&format!("{stay_page}/einde")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("versie", version.as_str()),
            ("einddatum", "2026-01-10"),
            ("uitstroombestemming", "familie-vrienden"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let html = app.page(&kwintes, "/verblijven?lopend=nee").await;
    assert!(html.contains("Rob Meijer") && html.contains("Familie of vrienden"));
    // The manager of the other region sees nothing of this.
    let other = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    assert_eq!(get(&app, &other, "/api/v1/verblijven").await["aantal"], 0);
}

#[tokio::test]
async fn protected_housing_that_ended_within_a_year_keeps_its_municipality_responsible() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let j = in_screening(&app).await;
    let locations = get(&app, &j.kwintes, "/api/v1/locaties").await;
    let bussum = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Woonvorm Bussum")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let placed = post(
        &app,
        &j.kwintes,
        "/api/v1/verblijven",
        json!({"wachtlijstId": j.entry, "locatieId": bussum, "startdatum": "2025-12-10"}),
    )
    .await;
    let etag = placed.headers()["etag"].to_str().unwrap().to_string();
    let stay: Value = placed.json().await.unwrap();
    assert_eq!(stay["verantwoordelijkeGemeente"], "GM0402");
    let ended = send(
        &app,
        &j.kwintes,
        reqwest::Method::POST,
        &format!("/api/v1/verblijven/{}/einde", stay["id"]),
        Some(etag),
        Some(json!({"einddatum": "2026-01-05", "uitstroombestemming": "zelfstandig"})),
    )
    .await;
    assert_eq!(ended.status(), StatusCode::OK);
    // The region now works under the Wet woonplaatsbeginsel.
    let admin = app.token("beheerder", "installatie").await;
    post(
        &app,
        &admin,
        "/api/v1/regios/1/regimes",
        json!({"regime": "woonplaatsbeginsel", "geldigVanaf": "2026-01-01"}),
    )
    .await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let products = get(&app, &huizen, "/api/v1/producten").await;
    let bt = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BT")
        .unwrap()["id"]
        .clone();
    let a: Value = post(
        &app,
        &huizen,
        "/api/v1/aanmeldingen",
        json!({"clientId": j.client, "productId": bt, "aanmelddatum": "2026-01-08", "bron": "ggz"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let preview = get(
        &app,
        &huizen,
        &format!(
            "/api/v1/aanmeldingen/{}/woonplaatsbepaling?peildatum=2026-01-10",
            a["id"]
        ),
    )
    .await;
    assert_eq!(preview["regel"], "3a", "{preview}");
    assert_eq!(preview["gemeenteCode"], "GM0402");
    assert!(
        preview["toelichting"]
            .as_str()
            .unwrap()
            .contains("beschermd wonen eindigde op 2026-01-05")
    );
}

#[tokio::test]
async fn shelter_is_entered_directly_on_a_granted_decision_without_the_waiting_list() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let c: Value = post(
        &app,
        &huizen,
        "/api/v1/clienten",
        json!({"voornaam": "Tom", "achternaam": "Visser", "geboortedatum": "1999-09-09"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let products = get(&app, &huizen, "/api/v1/producten").await;
    let id_of = |code: &str| {
        products["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()["id"]
            .clone()
    };
    let decide = |product: Value| {
        let app = &app;
        let huizen = huizen.clone();
        let client = c["id"].clone();
        async move {
            let a: Value = post(app, &huizen, "/api/v1/aanmeldingen", json!({"clientId": client, "productId": product, "aanmelddatum": "2026-01-02", "bron": "politie"})).await.json().await.unwrap();
            let d: Value = post(app, &huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": a["id"], "uitkomst": "toegekend", "besluitdatum": "2026-01-02", "geldigVanaf": "2026-01-02", "beschikkingsnummer": format!("MO-{}", a["id"])})).await.json().await.unwrap();
            d["id"].as_i64().unwrap()
        }
    };
    let shelter = decide(id_of("MO-DAK")).await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    assert_eq!(
        get(&app, &manager, "/api/v1/wachtlijst?status=open").await["aantal"],
        0,
        "shelter has no waiting list"
    );
    let locations = get(&app, &huizen, "/api/v1/locaties").await;
    let opvang = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Opvang Hilversum")
        .unwrap()["id"]
        .clone();
    let early = post(&app, &huizen, "/api/v1/verblijven", json!({"beschikkingId": shelter, "aanbiederId": 1, "locatieId": opvang, "startdatum": "2026-01-01"})).await;
    assert_eq!(early.status(), StatusCode::BAD_REQUEST);
    let stay = post(&app, &huizen, "/api/v1/verblijven", json!({"beschikkingId": shelter, "aanbiederId": 1, "locatieId": opvang, "startdatum": "2026-01-02"})).await;
    assert_eq!(stay.status(), StatusCode::CREATED);
    assert_eq!(app.last_audit().await.object_type, "verblijf");
    // The shelter provider now sees the client and ends the stay.
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    assert_eq!(get(&app, &kwintes, "/api/v1/verblijven").await["aantal"], 1);
    // A BW decision goes through the waiting list instead.
    let bw = decide(id_of("BW-INT")).await;
    let refused = post(
        &app,
        &huizen,
        "/api/v1/verblijven",
        json!({"beschikkingId": bw, "aanbiederId": 1, "startdatum": "2026-01-05"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["invalidParams"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("regionale wachtlijst")
    );
}

#[tokio::test]
async fn screenings_as_known_before_their_outcome_or_start_show_what_was_known_then() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let before_screening = app.clock.now().to_rfc3339();
    app.clock.advance(chrono::Duration::hours(1));
    let j = in_screening(&app).await;
    let screenings = get(&app, &j.kwintes, "/api/v1/screeningen").await;
    let screening = screenings["resultaten"][0]["id"].as_i64().unwrap();
    app.clock.advance(chrono::Duration::days(2));
    let before_outcome = app.clock.now().to_rfc3339();
    app.clock.advance(chrono::Duration::hours(1));
    let r = post(&app, &j.kwintes, &format!("/api/v1/screeningen/{screening}/uitkomst"),
        json!({"uitkomst": "afgewezen", "afgewezenDoor": "client", "reden": "locatie", "datum": "2025-12-10"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let now = get(&app, &j.manager, "/api/v1/screeningen").await;
    assert_eq!(now["resultaten"][0]["uitkomst"], "afgewezen");
    let q = |moment: &str| {
        format!(
            "/api/v1/screeningen?bekendOp={}",
            moment.replace('+', "%2B")
        )
    };
    let then = get(&app, &j.manager, &q(&before_outcome)).await;
    assert_eq!(then["resultaten"][0]["id"], screening);
    assert_eq!(then["resultaten"][0]["uitkomst"], Value::Null);
    let open_then = get(
        &app,
        &j.manager,
        &format!("{}&open=true", q(&before_outcome)),
    )
    .await;
    assert_eq!(open_then["aantal"], 1);
    let earlier = get(&app, &j.manager, &q(&before_screening)).await;
    assert_eq!(earlier["aantal"], 0);
}
