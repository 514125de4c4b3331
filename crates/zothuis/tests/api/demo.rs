//! The demo population looks like a real region's waiting list.

use zothuis_testkit::spawn_app;

#[tokio::test]
async fn the_demo_population_gives_a_realistic_waiting_list() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    let created = zothuis_domain::demo::load_population(&app.services, today)
        .await
        .unwrap();
    // 215 with a waiting list or shelter, 78 placed Onder de Pannen, 32
    // leaving detention.
    assert_eq!(created, 325);
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let list: serde_json::Value = reqwest::Client::new()
        .get(app.url("/api/v1/wachtlijst?status=open&paginaGrootte=500"))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lines = list["resultaten"].as_array().unwrap();
    let count = |s: &str| lines.iter().filter(|l| l["status"] == s).count();
    assert!(
        (15..=60).contains(&lines.len()),
        "tens of people waiting in GV: {}",
        lines.len()
    );
    assert!(
        count("actief-wachtend") > count("passief-wachtend"),
        "{list}"
    );
    assert!(
        count("passief-wachtend") >= 2 && count("in-screening") >= 1,
        "a few passive, some in screening: {list}"
    );
    // Every BSN is from the test range and every determination is explained.
    for c in app
        .services
        .store
        .list_clients(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()
    {
        if let Some(b) = c.bsn {
            assert!(b.as_str().starts_with("9999"), "{b:?}");
        }
    }
    assert!(
        app.services
            .store
            .list_decisions(&zothuis_domain::store::Clients::All)
            .await
            .unwrap()
            .iter()
            .all(|d| d.explanation.starts_with("Verantwoordelijk: "))
    );
    assert_eq!(
        app.services.verify_audit_chain().await.unwrap().map(|_| ()),
        Ok(())
    );
}
