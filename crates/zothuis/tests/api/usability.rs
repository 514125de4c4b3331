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
