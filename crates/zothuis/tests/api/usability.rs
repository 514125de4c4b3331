//! Smaller things users hit (issue 13): unique field ids, names instead of
//! codes, Dutch local time.

use reqwest::Client;
use serde_json::Value;
use zothuis_testkit::{assert_unique_ids, spawn_app};

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
        let html = app.page(&manager, &path).await;
        assert_unique_ids(&path, &html);
    }
    let html = app.page(&manager, &format!("/verblijven/{stay}")).await;
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
    let html = app.page(&fg, "/auditlog").await;
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

/// The visible text of a page: what is between tags (attribute values, such
/// as a date field's ISO value or a link, are not read by people).
pub(crate) fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Dates written with digits and dashes (`2026-01-12` or `12-01-2026`).
pub(crate) fn numeric_dates(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let shape = |at: usize, s: &[u8]| {
        b.get(at..at + s.len()).is_some_and(|w| {
            w.iter().zip(s).all(|(c, p)| {
                if *p == b'9' {
                    c.is_ascii_digit()
                } else {
                    c == p
                }
            })
        })
    };
    let edge = |at: usize| b.get(at).is_none_or(|c| !c.is_ascii_digit());
    (0..b.len())
        .filter(|&i| i == 0 || edge(i - 1))
        .filter(|&i| (shape(i, b"9999-99-99") || shape(i, b"99-99-9999")) && edge(i + 10))
        .map(|i| text[i..i + 10].to_string())
        .collect()
}

/// A JSON read of the API with a bearer token.
async fn api_get(app: &zothuis_testkit::TestApp, token: &str, path: &str) -> Value {
    Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()
}

/// The first match proposal the GV manager may open that ranks a
/// candidate: its path, its page and the location's provider.
async fn proposal_with_candidate(
    app: &zothuis_testkit::TestApp,
    manager: &Client,
    token: &str,
) -> (String, String, i64) {
    for v in api_get(app, token, "/api/v1/vacatures")
        .await
        .as_array()
        .unwrap()
    {
        let path = format!(
            "/vacatures/voorstel?locatieId={}&productId={}",
            v["locatieId"], v["productId"]
        );
        let resp = manager.get(app.url(&path)).send().await.unwrap();
        if !resp.status().is_success() {
            continue;
        }
        let html = resp.text().await.unwrap();
        if html.contains("?screening=") {
            let location =
                api_get(app, token, &format!("/api/v1/locaties/{}", v["locatieId"])).await;
            return (path, html, location["aanbiederId"].as_i64().unwrap());
        }
    }
    panic!("no proposal with a candidate")
}

/// One date format on every screen: dates read "12 januari 2026" in
/// pages (as the timestamps beside them), never ISO or dd-mm-jjjj next to
/// it; only form fields and links carry the ISO value.
#[tokio::test]
async fn every_screen_shows_dates_in_one_format() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let token = app.token("wachtlijstbeheerder", "regio:GV").await;
    let entry = &api_get(&app, &token, "/api/v1/wachtlijst?status=open").await["resultaten"][0];
    let (entry_id, client) = (
        entry["id"].as_i64().unwrap(),
        entry["clientId"].as_i64().unwrap(),
    );
    let stay = api_get(&app, &token, "/api/v1/verblijven").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let manager = app.login("wachtlijst.gv").await;
    let (proposal, _, _) = proposal_with_candidate(&app, &manager, &token).await;
    let pages: Vec<(&str, Vec<String>)> = vec![
        (
            "wachtlijst.gv",
            vec![
                "/wachtlijst".into(),
                format!("/wachtlijst/{entry_id}"),
                format!("/clienten/{client}"),
                "/verblijven".into(),
                format!("/verblijven/{stay}"),
                "/wachtlijstoverleggen".into(),
                "/vacatures".into(),
                proposal,
            ],
        ),
        (
            "beleid.gv",
            vec![
                "/cijfers".into(),
                "/cijfers/tabellen".into(),
                "/beleid".into(),
            ],
        ),
        ("fg.gv", vec!["/auditlog".into()]),
    ];
    for (user, paths) in pages {
        let browser = app.login(user).await;
        for path in paths {
            let resp = browser.get(app.url(&path)).send().await.unwrap();
            assert!(
                resp.status().is_success(),
                "{user} {path}: {}",
                resp.status()
            );
            let found = numeric_dates(&visible_text(&resp.text().await.unwrap()));
            assert!(found.is_empty(), "{user} {path} shows dates as {found:?}");
        }
    }
}

/// From the match proposal the manager sends the first candidate to
/// screening: the link opens the entry with the status form filled in
/// (screening by the location's provider, today), and confirming it records
/// the transition with its audit row.
#[tokio::test]
async fn the_match_proposal_sends_a_candidate_to_screening() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let token = app.token("wachtlijstbeheerder", "regio:GV").await;
    let manager = app.login("wachtlijst.gv").await;
    let (_, html, provider) = proposal_with_candidate(&app, &manager, &token).await;
    let at = html.find("?screening=").unwrap();
    let href_start = html[..at].rfind("href=\"").unwrap() + 6;
    let href = html[href_start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.starts_with("/wachtlijst/"), "{href}");
    assert!(href.contains(&format!("screening={provider}")), "{href}");
    let entry: i64 = href["/wachtlijst/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let html = app.page(&manager, &href).await;
    assert!(
        html.contains(r#"<option value="in-screening" selected>"#),
        "status filled in"
    );
    assert!(
        html.contains(&format!(r#"<option value="{provider}" selected>"#)),
        "the location's provider filled in"
    );
    let csrf = zothuis_testkit::csrf_from(&html);
    let today = app.services.clock.today().to_string();
    let resp = manager
        .post(app.url(&format!("/wachtlijst/{entry}/overgangen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("status", "in-screening"),
            ("aanbiederId", &provider.to_string()),
            ("ingangsdatum", &today),
        ])
        .send()
        .await
        .unwrap();
    // Saved, and back to the entry (303 See Other, not followed here).
    assert_eq!(resp.status(), 303);
    let now = api_get(&app, &token, &format!("/api/v1/wachtlijst/{entry}")).await;
    let last = now["overgangen"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["status"].as_str(), last["aanbiederId"].as_i64()),
        (Some("in-screening"), Some(provider)),
        "{now}"
    );
    let recorded = app
        .audit(10)
        .await
        .into_iter()
        .find(|a| a.action == "aangemaakt" && a.object_type == "wachtlijst")
        .expect("an audit row for the transition");
    assert_eq!(
        recorded.object_id.as_deref(),
        Some(entry.to_string().as_str())
    );
    assert_eq!(recorded.actor_name, "wachtlijst.gv");
}
