//! Smaller things users hit (issue 13): unique field ids, names instead of
//! codes, Dutch local time.

use reqwest::Client;
use serde_json::Value;
use std::collections::HashSet;
use zothuis_testkit::spawn_app;

fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_entry_and_stay_pages_have_unique_ids_and_name_the_municipality() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    zothuis_domain::demo::load_population(&app.services, today)
        .await
        .unwrap();
    let token = app.token("wachtlijstbeheerder", "regio:GV").await;
    let first = |path: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let list: Value = Client::new()
                .get(app.url(path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            list["resultaten"][0]["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{path}: {list}"))
        }
    };
    let entry = first("/api/v1/wachtlijst").await;
    let stay = first("/api/v1/verblijven").await;
    let manager = app.login("wachtlijst.gv").await;
    for path in [
        format!("/wachtlijst/{entry}"),
        format!("/verblijven/{stay}"),
    ] {
        let html = manager
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let all = ids(&html);
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "{path}: duplicate ids in {all:?}");
    }
    let html = manager
        .get(app.url(&format!("/verblijven/{stay}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Hilversum (GM0402)") || html.contains("Haarlem (GM0392)"),
        "the stay page names its municipality"
    );
}

#[tokio::test]
async fn the_audit_log_shows_dutch_local_time() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let fg = app.login("fg.gv").await;
    let html = fg
        .get(app.url("/auditlog"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("UTC"), "no UTC on the page");
    let row = app.last_audit().await;
    let local = zothuis_domain::dates::dutch_timestamp(row.occurred_at, true);
    let minute = &local[..local.len() - 3];
    assert!(html.contains(minute), "{minute} not on the page");
}

#[tokio::test]
async fn a_municipality_reviews_its_residents_also_when_the_centrumgemeente_is_responsible() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let post = |path: &'static str, body: Value| {
        let app = &app;
        let huizen = huizen.clone();
        async move {
            Client::new()
                .post(app.url(path))
                .bearer_auth(&huizen)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let c = post(
        "/api/v1/clienten",
        serde_json::json!({"voornaam": "Anna", "achternaam": "Kok", "geboortedatum": "1979-07-07"}),
    )
    .await;
    let products: Value = Client::new()
        .get(app.url("/api/v1/producten"))
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .clone();
    let a = post("/api/v1/aanmeldingen", serde_json::json!({"clientId": c["id"], "productId": bw, "aanmelddatum": "2025-11-01", "bron": "zelf"})).await;
    post("/api/v1/beschikkingen", serde_json::json!({"aanmeldingId": a["id"], "uitkomst": "toegekend", "besluitdatum": "2025-11-15", "geldigVanaf": "2025-11-15", "beschikkingsnummer": "HZ-1"})).await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let get = |path: String| {
        let app = &app;
        let manager = manager.clone();
        async move {
            Client::new()
                .get(app.url(&path))
                .bearer_auth(&manager)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // Gooi en Vechtstreek works under the centrumgemeente regime: Hilversum is responsible…
    let list = get("/api/v1/wachtlijst?woongemeente=GM0406".into()).await;
    let line = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["clientId"] == c["id"])
        .expect("on Huizen's list")
        .clone();
    assert_eq!(
        (
            line["verantwoordelijkeGemeente"].as_str(),
            line["woongemeente"].as_str()
        ),
        (Some("GM0402"), Some("GM0406"))
    );
    // …and Huizen's review still discusses its resident.
    let agenda = get("/api/v1/wachtlijstoverleggen/agenda?gemeenteCode=GM0406".into()).await;
    assert!(
        agenda
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["clientId"] == c["id"]),
        "{agenda}"
    );
    let laren = get("/api/v1/wachtlijstoverleggen/agenda?gemeenteCode=GM0417".into()).await;
    assert!(
        !laren
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["clientId"] == c["id"])
    );
}
