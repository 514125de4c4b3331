//! The demo's other trajectories: Onder de Pannen as a product of its own
//! (the seed's "in 2022 waren dat 17 mensen; in 2023 waren dat 20" is the
//! inflow of that product, from the same history as every other
//! placement), and people leaving detention nominated for outflow.

use reqwest::StatusCode;
use zothuis_testkit::spawn_app;

#[tokio::test]
async fn placements_onder_de_pannen_per_year_are_the_inflow_of_its_product() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let value = |query: String| {
        let app = &app;
        let manager = manager.clone();
        async move {
            let (status, v, _) = app
                .api_get(&manager, &format!("/api/v1/indicatoren/{query}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            v
        }
    };
    for (year, placed) in [(2022, 17.0), (2023, 20.0)] {
        let v = value(format!(
            "instroom/waarden?periodeVan={year}-01-01&periodeTot={year}-12-31&productCode=ODP"
        ))
        .await;
        assert_eq!(v["totaal"]["waarde"].as_f64(), Some(placed), "{year}: {v}");
    }
    // Its places are those of the host households, counted like any
    // location's, and a placement lasts at most a year.
    let v = value("capaciteit/waarden?peildatum=2024-06-30&productCode=ODP".into()).await;
    assert_eq!(v["totaal"]["waarde"].as_f64(), Some(16.0), "{v}");
    let v = value(
        "verblijfsduur/waarden?periodeVan=2023-01-01&periodeTot=2025-12-31&productCode=ODP".into(),
    )
    .await;
    let mean = v["totaal"]["waarde"].as_f64().unwrap_or(0.0);
    assert!((60.0..=365.0).contains(&mean), "{v}");
}

#[tokio::test]
async fn people_leaving_detention_are_nominated_for_outflow_and_counted_by_what_they_leave() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (status, v, _) = app
        .api_get(
            &manager,
            "/api/v1/indicatoren/uitstroom-voordrachten/waarden?periodeVan=2023-01-01&periodeTot=2025-12-31&uitsplitsing=reden",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let detention = v["waarden"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["sleutel"] == "detentie")
        .and_then(|c| c["waarde"].as_f64())
        .unwrap_or(0.0);
    // Four a year in the demo: about twelve in three years.
    assert!((6.0..=18.0).contains(&detention), "{v}");
    // Their nominations have no stay, and some got a home.
    let (status, list, _) = app
        .api_get(
            &manager,
            "/api/v1/voordrachten-uitstroom?paginaGrootte=500&status=toegewezen",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let housed = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["uitstroomUit"] == "detentie")
        .inspect(|n| assert!(n["verblijfId"].is_null(), "{n}"))
        .count();
    assert!(housed > 0, "{list}");
}
