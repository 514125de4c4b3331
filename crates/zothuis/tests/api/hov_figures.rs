//! The HOV monitor's figures from the demo register, and their place in
//! Gooi en Vechtstreek's progress report (measure 23).

use reqwest::StatusCode;
use zothuis_testkit::spawn_app;

/// The seed's "75 – 80 HOV-trajecten op jaarbasis" per year from the demo,
/// with evictions a part of the trajectories that ended; the progress
/// report shows them with the measure on Huren Onder Voorwaarden as the
/// figures API gives them.
#[tokio::test]
async fn the_hov_monitor_per_year_and_the_report_section_come_from_the_register() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let value = |code: &'static str, query: String| {
        let app = &app;
        let policy = policy.clone();
        async move {
            let (status, v, _) = app
                .api_get(
                    &policy,
                    &format!("/api/v1/indicatoren/{code}/waarden?{query}"),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            v
        }
    };
    let number = |v: &serde_json::Value| v["totaal"]["waarde"].as_f64().unwrap_or(-1.0);
    for year in [2023, 2024, 2025] {
        let period = format!("periodeVan={year}-01-01&periodeTot={year}-12-31");
        let new = number(&value("hov-trajecten", period.clone()).await);
        let ended = number(&value("hov-afgesloten", period.clone()).await);
        let evicted = number(&value("hov-huisuitzettingen", period.clone()).await);
        let running = number(&value("hov-lopend", format!("peildatum={year}-12-31")).await);
        assert!((60.0..=100.0).contains(&new), "{year}: {new}");
        assert!(running > 0.0, "{year}");
        // A small number of evictions is hidden for this role (-1 here).
        assert!(
            evicted == -1.0 || (0.0..=ended).contains(&evicted),
            "{year}: {evicted} > {ended}"
        );
        // By reason: every aanleiding shown (small ones hidden for this
        // role), adding up to no more than the total.
        let by_reason = value("hov-trajecten", format!("{period}&uitsplitsing=reden")).await;
        let cells = by_reason["waarden"].as_array().unwrap();
        assert_eq!(cells.len(), 6, "{by_reason}");
        let shown: f64 = cells.iter().filter_map(|c| c["waarde"].as_f64()).sum();
        assert!(shown <= new, "{by_reason}");
        let hidden = cells.iter().filter(|c| c["waarde"].is_null()).count();
        assert!(hidden > 0 || shown == new, "{by_reason}");
    }
    let (status, plans, _) = app.api_get(&policy, "/api/v1/beleidsplannen").await;
    assert_eq!(status, StatusCode::OK);
    let plan = plans["resultaten"][0]["id"].as_i64().unwrap();
    let (_, report, _) = app
        .api_get(
            &policy,
            &format!("/api/v1/beleidsplannen/{plan}/concept-rapportage?periode=2025-H2"),
        )
        .await;
    let measure = report["programmalijnen"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["maatregelen"].as_array().unwrap().iter())
        .find(|m| {
            m["titel"]
                .as_str()
                .unwrap()
                .contains("Huren onder voorwaarden")
        })
        .expect("the measure on Huren Onder Voorwaarden")
        .clone();
    let figure = value(
        "hov-trajecten",
        "periodeVan=2025-07-01&periodeTot=2025-12-31".into(),
    )
    .await;
    let shown = measure["cijfers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == "hov-trajecten")
        .expect("the new trajectories in the section")["waarde"]
        .clone();
    assert_eq!(shown, figure["totaal"]["weergave"], "{measure}");
}
