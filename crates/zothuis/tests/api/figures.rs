//! Figures over the API: the catalogue, values per role and area, small
//! numbers, as known at a moment, and Dutch errors.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn json_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let r = get(app, token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// The demo with its population (215 clients since 2022).
async fn demo() -> TestApp {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let today = zothuis_testkit::start_time().date_naive();
    zothuis_domain::demo::load_population(&app.services, today)
        .await
        .unwrap();
    app
}

/// The total of an indicator as a number.
async fn total(app: &TestApp, token: &str, path: &str) -> f64 {
    json_ok(app, token, path).await["totaal"]["waarde"]
        .as_f64()
        .unwrap()
}

fn cells(v: &Value) -> Vec<(String, Value)> {
    v["waarden"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["sleutel"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

#[tokio::test]
async fn the_catalogue_lists_every_indicator_with_its_definition() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beleidsadviseur", "regio:GV").await;
    let list = json_ok(&app, &token, "/api/v1/indicatoren?paginaGrootte=100").await;
    let items = list["resultaten"].as_array().unwrap();
    assert!(items.len() >= 20, "{list}");
    let waiting = items.iter().find(|i| i["id"] == "wachtend-totaal").unwrap();
    assert_eq!(waiting["meting"], "peildatum");
    assert!(waiting["definitie"].as_str().unwrap().contains("peildatum"));
    let returns = items
        .iter()
        .find(|i| i["id"] == "terugkeer-24-maanden")
        .unwrap();
    assert_eq!(returns["meting"], "periode");
}

#[tokio::test]
async fn the_waiting_total_agrees_with_the_waiting_list_and_splits_per_municipality() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let day = "2026-01-12";
    let list = json_ok(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum={day}&status=open&paginaGrootte=1"),
    )
    .await;
    let open = list["aantal"].as_u64().unwrap();
    assert!(open > 10, "{list}");
    let v = json_ok(
        &app,
        &manager,
        &format!(
            "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum={day}&uitsplitsing=gemeente"
        ),
    )
    .await;
    assert_eq!(v["totaal"]["waarde"].as_f64().unwrap() as u64, open, "{v}");
    assert_eq!(v["kleineAantallenOnderdrukt"], false);
    // Every municipality of the region has a line (zeros included), only those.
    let lines = cells(&v);
    assert_eq!(lines.len(), 7, "{v}");
    assert!(lines.iter().all(|(k, _)| k.starts_with("GM")));
    let sum: f64 = lines
        .iter()
        .map(|(_, c)| c["waarde"].as_f64().unwrap())
        .sum();
    assert_eq!(sum as u64, open);
    // Active + passive + in screening + registered = total.
    let part = |id: &str| format!("/api/v1/indicatoren/{id}/waarden?peildatum={day}");
    let active = total(&app, &manager, &part("wachtend-actief")).await;
    let passive = total(&app, &manager, &part("wachtend-passief")).await;
    let screening = total(&app, &manager, &part("in-screening")).await;
    assert!(active > passive, "active {active} passive {passive}");
    assert!(active + passive + screening <= open as f64);
}

#[tokio::test]
async fn policy_roles_see_small_numbers_hidden_and_consultants_only_their_municipality() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let path =
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12&uitsplitsing=gemeente";
    let full = json_ok(&app, &manager, path).await;
    let shown = json_ok(&app, &adviser, path).await;
    assert_eq!(shown["kleineAantallenOnderdrukt"], true);
    let full_cells = cells(&full);
    let shown_cells = cells(&shown);
    let mut hidden = 0;
    for ((key, f), (_, s)) in full_cells.iter().zip(&shown_cells) {
        let n = f["waarde"].as_f64().unwrap() as u64;
        if (1..5).contains(&n) {
            assert_eq!(s["weergave"], "<5", "{key}: {shown}");
            assert_eq!(s["waarde"], Value::Null);
            assert_eq!(s["onderdrukt"], true);
        }
        if s["onderdrukt"] == true {
            hidden += 1;
        } else {
            assert_eq!(s["waarde"], f["waarde"], "{key}");
        }
    }
    // Never exactly one hidden cell next to a shown total.
    assert!(hidden != 1, "{shown}");
    assert_eq!(shown["totaal"]["waarde"], full["totaal"]["waarde"]);

    // A consultant sees the residents of the own municipality, unsuppressed.
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let own = json_ok(
        &app,
        &huizen,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12",
    )
    .await;
    let in_full = full_cells.iter().find(|(k, _)| k == "GM0406").unwrap();
    assert_eq!(own["totaal"]["waarde"], in_full.1["waarde"]);
    // …and not another municipality's, which is refused and audited.
    let other = get(
        &app,
        &huizen,
        "/api/v1/indicatoren/wachtend-totaal/waarden?gemeenteCode=GM0402",
    )
    .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.outcome.as_str()),
        ("cijfers", "geweigerd")
    );
}

#[tokio::test]
async fn providers_see_their_own_figures_and_administrators_none() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let by_provider = json_ok(
        &app,
        &manager,
        "/api/v1/indicatoren/bezetting/waarden?peildatum=2026-01-12&uitsplitsing=aanbieder",
    )
    .await;
    let (id, line) = cells(&by_provider)
        .into_iter()
        .find(|(_, c)| c["waarde"].as_f64().unwrap() > 0.0)
        .unwrap();
    let provider = app.token("aanbieder", &format!("aanbieder:{id}")).await;
    let own = json_ok(
        &app,
        &provider,
        "/api/v1/indicatoren/bezetting/waarden?peildatum=2026-01-12",
    )
    .await;
    assert!(own["totaal"]["waarde"].as_f64().unwrap() >= line["waarde"].as_f64().unwrap());
    let waiting = get(
        &app,
        &provider,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12",
    )
    .await;
    assert_eq!(waiting.status(), StatusCode::FORBIDDEN);
    let other = get(
        &app,
        &provider,
        "/api/v1/indicatoren/bezetting/waarden?aanbiederId=999",
    )
    .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let admin = app.token("beheerder", "installatie").await;
    let r = get(&app, &admin, "/api/v1/indicatoren/bezetting/waarden").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("zorgcijfers"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_correction_changes_the_figure_only_as_known_after_it() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let day = "2026-01-12";
    let before = zothuis_testkit::start_time() + chrono::Duration::minutes(30);
    app.clock.advance(chrono::Duration::hours(1));
    let active = |known: Option<String>| {
        let extra = known
            .map(|k| format!("&bekendOp={}", k.replace('+', "%2B")))
            .unwrap_or_default();
        format!("/api/v1/indicatoren/wachtend-actief/waarden?peildatum={day}{extra}")
    };
    let was = total(&app, &manager, &active(None)).await;
    // Someone actively waiting turns out to have been in a clinic since last week.
    let list = json_ok(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum={day}&status=actief-wachtend"),
    )
    .await;
    let entry = list["resultaten"][0]["id"].as_i64().unwrap();
    let r = Client::new()
        .post(app.url(&format!("/api/v1/wachtlijst/{entry}/overgangen")))
        .bearer_auth(&manager)
        .json(&json!({"status": "passief-wachtend", "reden": "klinische-opname", "ingangsdatum": "2026-01-05"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(total(&app, &manager, &active(None)).await, was - 1.0);
    assert_eq!(
        total(&app, &manager, &active(Some(before.to_rfc3339()))).await,
        was
    );
}

#[tokio::test]
async fn questions_that_cannot_be_answered_get_dutch_problems() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let problem = |path: &'static str, status: StatusCode| {
        let app = &app;
        let manager = &manager;
        async move {
            let r = get(app, manager, path).await;
            assert_eq!(r.status(), status, "{path}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
            r.json::<Value>().await.unwrap()
        }
    };
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=31-02-2025",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p["invalidParams"][0]["name"], "peildatum", "{p}");
    let p = problem(
        "/api/v1/indicatoren/instroom/waarden",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("begin van de periode"), "{p}");
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?uitsplitsing=locatie",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("uitgesplitst naar locatie"), "{p}");
    let p = problem(
        "/api/v1/indicatoren/instroom/waarden?periodeVan=2025-12-31&periodeTot=2025-01-01",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("voor het begin"), "{p}");
    problem(
        "/api/v1/indicatoren/bestaat-niet/waarden",
        StatusCode::NOT_FOUND,
    )
    .await;
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?productCode=XYZ",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("onbekend product"), "{p}");
}

#[tokio::test]
async fn period_figures_for_the_demo_are_consistent() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let path = |id: &str| {
        format!("/api/v1/indicatoren/{id}/waarden?periodeVan=2023-01-01&periodeTot=2025-12-31")
    };
    let outflow = total(&app, &manager, &path("uitstroom")).await;
    let persons = total(&app, &manager, &path("personen-uitgestroomd")).await;
    let independent = total(&app, &manager, &path("uitstroom-zelfstandig")).await;
    let returned = total(&app, &manager, &path("terugkeer-24-maanden")).await;
    assert!(outflow > 0.0 && persons <= outflow && independent <= persons);
    assert!(returned <= independent);
    let stay = json_ok(&app, &manager, &path("verblijfsduur")).await;
    assert!(stay["totaal"]["waarde"].as_f64().unwrap() > 0.0);
    assert_eq!(stay["totaal"]["aantal"].as_f64().unwrap(), outflow);
}
