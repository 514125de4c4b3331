//! Managing reference data through the pages.

use reqwest::StatusCode;
use zothuis_testkit::spawn_app;

#[tokio::test]
async fn an_administrator_creates_a_region_through_the_form_and_it_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beheerder").await;
    let csrf = app.csrf(&client, "/referentie/regios/nieuw").await;
    let resp = client
        .post(app.url("/referentie/regios/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("naam", "Noord-Holland Noord"),
            ("code", "nhn"),
            ("centrumgemeente", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?melding=aangemaakt"), "{location}");
    let page = app.page(&client, &location).await;
    assert!(page.contains("Regio Noord-Holland Noord") && page.contains("NHN"));
    assert!(page.contains("Het gegeven is aangemaakt."));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "regio")
    );
    assert!(row.details.contains("Noord-Holland Noord"));
    assert_eq!(row.actor_name, "beheerder");
}

#[tokio::test]
async fn an_invalid_form_shows_every_problem_in_dutch_beside_its_field() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let client = app.login("beheerder").await;
    let csrf = app.csrf(&client, "/referentie/gemeenten/nieuw").await;
    let resp = client
        .post(app.url("/referentie/gemeenten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("naam", ""),
            ("code", "Huizen"),
            ("regioId", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Er is iets niet in orde"));
    assert!(html.contains("href=\"#veld-naam\">Dit veld is verplicht"));
    assert!(html.contains("href=\"#veld-code\">Een gemeentecode bestaat uit GM en vier cijfers"));
    assert!(html.contains("Kies een regio"));
    assert!(html.contains("aria-invalid=\"true\""));
    // What the user typed is kept.
    assert!(html.contains("value=\"Huizen\""));
}

#[tokio::test]
async fn a_stale_edit_warns_the_user_and_keeps_their_input() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let provider = app
        .services
        .store
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Kennemerhart")
        .unwrap();
    let first = app.login("beheerder").await;
    let edit = format!("/referentie/aanbieders/{}/wijzigen", provider.id);
    let csrf = app.csrf(&first, &edit).await;
    let version = provider.version.to_string();
    // Someone else saves first.
    let ok = first
        .post(app.url(&edit))
        .form(&[
            ("csrf", csrf.as_str()),
            ("versie", version.as_str()),
            ("naam", "Kennemerhart (gewijzigd)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let stale = first
        .post(app.url(&edit))
        .form(&[
            ("csrf", csrf.as_str()),
            ("versie", version.as_str()),
            ("naam", "Mijn naam"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = stale.text().await.unwrap();
    assert!(html.contains("Iemand anders heeft dit gegeven gewijzigd"));
    assert!(html.contains("value=\"Mijn naam\""));
    assert!(html.contains(&format!(
        "name=\"versie\" value=\"{}\"",
        provider.version + 1
    )));
    let stored = app
        .services
        .store
        .get_provider(provider.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Kennemerhart (gewijzigd)");
}

#[tokio::test]
async fn capacity_changes_are_added_as_history_and_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let loc = app
        .services
        .store
        .list_locations()
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Pauzeplekken Heemskerk")
        .unwrap();
    let client = app.login("beheerder").await;
    let page = format!("/referentie/locaties/{}", loc.id);
    let csrf = app.csrf(&client, &page).await;
    let product = loc.product_ids[0].to_string();
    let resp = client
        .post(app.url(&format!("{page}/capaciteit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("productId", product.as_str()),
            ("aantalPlekken", "3"),
            ("geldigVanaf", "2026-01-01"),
            ("geldigTot", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let rows = app.services.store.list_capacity(loc.id).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.places).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "capaciteit")
    );
    let html = app.page(&client, &page).await;
    assert!(html.contains("Capaciteitshistorie") && html.contains("2026-01-01"));
    // A bad date is explained, nothing stored.
    let bad = client
        .post(app.url(&format!("{page}/capaciteit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("productId", product.as_str()),
            ("aantalPlekken", "drie"),
            ("geldigVanaf", "31-02-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Vul een aantal plekken in") && html.contains("geen geldige datum"));
    assert_eq!(
        app.services
            .store
            .list_capacity(loc.id)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_secret_address_is_shown_only_to_administrators_and_the_provider_itself() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let loc = app
        .services
        .store
        .list_locations()
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.secret_address && l.name == "Vrouwenopvang Gooi")
        .unwrap();
    let page = format!("/referentie/locaties/{}", loc.id);
    for (user, sees) in [
        ("beheerder", true),
        ("consulent.hilversum", false),
        ("aanbieder.kwintes", false),
        ("beleid.gv", false),
    ] {
        let client = app.login(user).await;
        let html = app.page(&client, &page).await;
        assert_eq!(html.contains("Niet openbaar 1"), sees, "{user}");
        if !sees {
            assert!(
                html.contains("geheim adres, niet zichtbaar voor u"),
                "{user}"
            );
        }
    }
}

#[tokio::test]
async fn a_provider_records_the_capacity_of_its_own_locations_only() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let locations = app.services.store.list_locations().await.unwrap();
    let own = locations.iter().find(|l| l.name == "De Orchidee").unwrap();
    let other = locations
        .iter()
        .find(|l| l.name == "Nachtopvang Haarlem")
        .unwrap();
    let client = app.login("aanbieder.kwintes").await;
    let own_page = app
        .page(&client, &format!("/referentie/locaties/{}", own.id))
        .await;
    assert!(own_page.contains("Capaciteit vastleggen"));
    assert!(!own_page.contains("Locatie verwijderen"));
    let other_page = app
        .page(&client, &format!("/referentie/locaties/{}", other.id))
        .await;
    assert!(!other_page.contains("Capaciteit vastleggen"));
    let csrf = zothuis_testkit::csrf_from(&other_page);
    let product = other.product_ids[0].to_string();
    let resp = client
        .post(app.url(&format!("/referentie/locaties/{}/capaciteit", other.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("productId", product.as_str()),
            ("aantalPlekken", "99"),
            ("geldigVanaf", "2026-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (row.outcome.as_str(), row.object_type.as_str()),
        ("geweigerd", "capaciteit")
    );
}

#[tokio::test]
async fn a_region_that_still_has_municipalities_cannot_be_deleted() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let region = app
        .services
        .store
        .find_region_by_code("GV")
        .await
        .unwrap()
        .unwrap();
    let client = app.login("beheerder").await;
    let page = format!("/referentie/regios/{}", region.id);
    let csrf = app.csrf(&client, &page).await;
    let version = region.version.to_string();
    let resp = client
        .post(app.url(&format!("{page}/verwijderen")))
        .form(&[("csrf", csrf.as_str()), ("versie", version.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("wordt nog gebruikt"));
    assert!(
        app.services
            .store
            .get_region(region.id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn every_reference_page_renders_for_every_role() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let loc = app.services.store.list_locations().await.unwrap()[0].id;
    let region = app.services.store.list_regions().await.unwrap()[0].id;
    let provider = app.services.store.list_providers().await.unwrap()[0].id;
    let product = app.services.store.list_products().await.unwrap()[0].id;
    let corporation = app.services.store.list_corporations(None).await.unwrap()[0].id;
    let pages = [
        "/referentie".to_string(),
        "/referentie/regios".into(),
        format!("/referentie/regios/{region}"),
        "/referentie/gemeenten".into(),
        "/referentie/gemeenten/GM0406".into(),
        "/referentie/aanbieders".into(),
        format!("/referentie/aanbieders/{provider}"),
        "/referentie/corporaties".into(),
        format!("/referentie/corporaties/{corporation}"),
        "/referentie/producten".into(),
        format!("/referentie/producten/{product}"),
        "/referentie/locaties".into(),
        format!("/referentie/locaties/{loc}"),
        "/account".into(),
    ];
    for user in [
        "beheerder",
        "wachtlijst.gv",
        "consulent.huizen",
        "aanbieder.kwintes",
        "beleid.gv",
        "bestuurder.gv",
        "fg.gv",
        "corporatie.gooi",
    ] {
        let client = app.login(user).await;
        for p in &pages {
            let resp = client.get(app.url(p)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{user} {p}");
        }
        // Edit forms are for administrators only.
        let edit = app
            .page(&client, &format!("/referentie/regios/{region}"))
            .await;
        assert_eq!(edit.contains("/wijzigen\""), user == "beheerder", "{user}");
    }
}

#[tokio::test]
async fn a_region_shows_its_regime_for_the_responsible_municipality_with_history() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let zkih = app
        .services
        .store
        .find_region_by_code("ZKIH")
        .await
        .unwrap()
        .unwrap();
    let client = app.login("beheerder").await;
    let page = format!("/referentie/regios/{}", zkih.id);
    let html = app.page(&client, &page).await;
    assert!(
        html.contains("Regionale afspraak: gemeente van het woonadres"),
        "today the agreement applies"
    );
    assert!(html.contains("2022-01-01") && html.contains("2025-01-01"));
    let csrf = zothuis_testkit::csrf_from(&html);
    let bad = client
        .post(app.url(&format!("{page}/regimes")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("regime", ""),
            ("geldigVanaf", "morgen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Kies een regime uit de lijst") && html.contains("geen geldige datum"));
    // Other roles see the regime but get no form.
    let policy = app.login("beleid.gv").await;
    let html = app.page(&policy, &page).await;
    assert!(
        html.contains("Regime voor de verantwoordelijke gemeente")
            && !html.contains("Regime vastleggen")
    );
}
