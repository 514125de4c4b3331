//! The Pact voor uitstroom over the API: the region's waiting-list manager
//! records the agreed homes and the allocations, providers nominate their
//! own clients and record the aftercare; every change has its audit row and
//! nobody sees a nomination of a client they may not see.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, problem_fields, spawn_app};

#[tokio::test]
async fn the_manager_records_agreements_and_a_later_one_replaces_the_earlier() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (status, first, _) = app
        .api_post(
            &manager,
            "/api/v1/pact-afspraken",
            json!({"gemeente": "GM0402", "jaar": 2026, "woningen": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "pact-afspraak", None)
    );
    assert!(row.details.contains("\"woningen\":10"), "{}", row.details);
    app.clock.advance(chrono::Duration::hours(1));
    let (status, _, _) = app
        .api_post(
            &manager,
            "/api/v1/pact-afspraken",
            json!({"gemeente": "GM0402", "jaar": 2026, "woningen": 12, "toelichting": "bijgesteld"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // A consultant of the region sees them (no personal data).
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, list, _) = app.api_get(&consultant, "/api/v1/pact-afspraken").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["inWerking"].as_array().unwrap().len(), 1);
    assert_eq!(list["inWerking"][0]["woningen"], 12);
    assert_eq!(list["historie"].as_array().unwrap().len(), 2);
    // As known before the second: 10.
    let before = first["vastgelegdOp"].as_str().unwrap().replace('+', "%2B");
    let (_, then, _) = app
        .api_get(
            &consultant,
            &format!("/api/v1/pact-afspraken?bekendOp={before}"),
        )
        .await;
    assert_eq!(then["inWerking"][0]["woningen"], 10, "{then}");
    // Another region's manager and a provider may not; bad input is named.
    let other = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let (status, problem, _) = app
        .api_post(
            &other,
            "/api/v1/pact-afspraken",
            json!({"gemeente": "GM0402", "jaar": 2026, "woningen": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.outcome.as_str(), row.object_type.as_str()),
        ("geweigerd", "pact-afspraak")
    );
    let provider = app.token("aanbieder", "aanbieder:1").await;
    let (status, _, _) = app
        .api_post(
            &provider,
            "/api/v1/pact-afspraken",
            json!({"gemeente": "GM0402", "jaar": 2026, "woningen": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem, _) = app
        .api_post(
            &manager,
            "/api/v1/pact-afspraken",
            json!({"gemeente": "Hilversum", "jaar": 26, "woningen": -1}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["gemeente", "jaar", "woningen"]);
    let (_, list, _) = app.api_get(&manager, "/api/v1/pact-afspraken").await;
    assert_eq!(
        list["historie"].as_array().unwrap().len(),
        2,
        "nothing written"
    );
}

/// A running stay of the demo population in region GV whose client has no
/// nomination yet: (stay, client, provider).
async fn running_stay(app: &TestApp, manager: &str) -> (i64, i64, i64) {
    let (status, stays, _) = app
        .api_get(manager, "/api/v1/verblijven?paginaGrootte=200")
        .await;
    assert_eq!(status, StatusCode::OK, "{stays}");
    let (_, nominated, _) = app
        .api_get(manager, "/api/v1/voordrachten-uitstroom?paginaGrootte=200")
        .await;
    let taken: Vec<i64> = nominated["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["clientId"].as_i64().unwrap())
        .collect();
    let stay = stays["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["einddatum"].is_null() && !taken.contains(&s["clientId"].as_i64().unwrap()))
        .expect("a running stay")
        .clone();
    (
        stay["id"].as_i64().unwrap(),
        stay["clientId"].as_i64().unwrap(),
        stay["aanbiederId"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_provider_nominates_its_client_and_the_manager_records_the_allocation() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (stay, client, provider_id) = running_stay(&app, &manager).await;
    let provider = app
        .token("aanbieder", &format!("aanbieder:{provider_id}"))
        .await;
    let nomination = json!({"clientId": client, "route": "pact", "uitstroomUit": "bw",
        "verblijfId": stay, "voordrachtdatum": "2026-01-05", "gemeente": "GM0402",
        "toelichting": "klaar voor zelfstandig wonen"});
    let (status, created, etag) = app
        .api_post(
            &provider,
            "/api/v1/voordrachten-uitstroom",
            nomination.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "wachtend");
    let id = created["id"].as_i64().unwrap();
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "voordracht-uitstroom", Some(client))
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(
        !row.details.contains("zelfstandig wonen"),
        "{}",
        row.details
    );
    // One running nomination per client.
    let (status, problem, _) = app
        .api_post(&provider, "/api/v1/voordrachten-uitstroom", nomination)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");

    // The allocation is the manager's: a provider's attempt is refused and
    // nothing is written.
    let corporation = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let allocated = json!({"route": "pact", "uitstroomUit": "bw", "verblijfId": stay,
        "voordrachtdatum": "2026-01-05", "gemeente": "GM0402",
        "corporatieId": corporation, "adresgemeente": "GM0406", "sleuteldatum": "2026-01-10"});
    let path = format!("/api/v1/voordrachten-uitstroom/{id}");
    let (status, problem, _) = app
        .api(
            reqwest::Method::PUT,
            &provider,
            &path,
            Some(allocated.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
    // A home in Haarlem (Zuid-Kennemerland) does not count against the
    // Pact of Gooi en Vechtstreek: refused at the field, nothing written.
    let mut elsewhere = allocated.clone();
    elsewhere["adresgemeente"] = json!("GM0392");
    let (status, problem, _) = app
        .api(
            reqwest::Method::PUT,
            &manager,
            &path,
            Some(elsewhere),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["adresgemeente"]);
    assert!(
        problem.to_string().contains("regio van de voordracht"),
        "{problem}"
    );
    app.clock.advance(chrono::Duration::hours(1));
    let (status, changed, etag) = app
        .api(
            reqwest::Method::PUT,
            &manager,
            &path,
            Some(allocated.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["status"], "toegewezen");
    assert_eq!(changed["wachttijdDagen"], 5);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("gewijzigd", "voordracht-uitstroom", Some(client))
    );
    // The provider records the aftercare on top of the allocation.
    let mut aftercare = allocated.clone();
    aftercare["nazorgAanbiederId"] = json!(provider_id);
    aftercare["nazorgVanaf"] = json!("2026-01-10");
    aftercare["wonen"] = json!("gehuisvest");
    aftercare["wonenPer"] = json!("2026-01-12");
    let (status, changed, _) = app
        .api(
            reqwest::Method::PUT,
            &provider,
            &path,
            Some(aftercare),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["wonen"], "gehuisvest");
    let (_, history, _) = app.api_get(&manager, &path).await;
    assert_eq!(history["versies"].as_array().unwrap().len(), 3);
    assert_eq!(app.last_audit().await.action, "bekeken");

    // The list by status on a day: waiting before the key, housed after.
    let ids = |list: &Value| {
        list["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let (_, housed, _) = app
        .api_get(
            &manager,
            &format!("/api/v1/voordrachten-uitstroom?status=toegewezen&clientId={client}"),
        )
        .await;
    assert_eq!(ids(&housed), [id]);
    let (_, waiting, _) = app
        .api_get(
            &manager,
            &format!(
                "/api/v1/voordrachten-uitstroom?status=wachtend&peildatum=2026-01-09&clientId={client}"
            ),
        )
        .await;
    assert_eq!(ids(&waiting), [id], "{waiting}");
    let (_, still_waiting, _) = app
        .api_get(
            &manager,
            &format!("/api/v1/voordrachten-uitstroom?status=wachtend&clientId={client}"),
        )
        .await;
    assert!(ids(&still_waiting).is_empty());
    let (status, problem, _) = app
        .api_get(&manager, "/api/v1/voordrachten-uitstroom?status=klaar")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // Who may not see it: policy roles see no personal data, another
    // provider and another region's manager do not find it.
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let (status, _, _) = app.api_get(&policy, "/api/v1/voordrachten-uitstroom").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, providers, _) = app
        .api_get(&manager, "/api/v1/aanbieders?paginaGrootte=100")
        .await;
    let other_id = providers["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .find(|p| *p != provider_id)
        .unwrap();
    let other_provider = app
        .token("aanbieder", &format!("aanbieder:{other_id}"))
        .await;
    let (status, _, _) = app.api_get(&other_provider, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list, _) = app
        .api_get(
            &other_provider,
            "/api/v1/voordrachten-uitstroom?paginaGrootte=200",
        )
        .await;
    assert!(!ids(&list).contains(&id));
    let other_region = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let (status, _, _) = app.api_get(&other_region, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
}

#[tokio::test]
async fn a_nomination_names_what_is_wrong_and_writes_nothing() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (stay, client, _) = running_stay(&app, &manager).await;
    let before = app.audit(1).await[0].seq;
    // Another client's stay, a municipality zothuis does not know.
    let (_, stays, _) = app
        .api_get(&manager, "/api/v1/verblijven?paginaGrootte=200")
        .await;
    let foreign = stays["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["clientId"].as_i64() != Some(client))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, problem, _) = app
        .api_post(
            &manager,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": client, "route": "pact", "uitstroomUit": "bw", "verblijfId": foreign,
               "voordrachtdatum": "2026-01-05", "gemeente": "GM0402"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["verblijfId"]);
    let (status, problem, _) = app
        .api_post(
            &manager,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": client, "route": "huurwoning", "uitstroomUit": "bw", "verblijfId": stay,
                   "voordrachtdatum": "2026-02-05", "gemeente": "GM0402", "sleuteldatum": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        problem_fields(&problem),
        [
            "route",
            "voordrachtdatum",
            "corporatieId",
            "adresgemeente",
            "sleuteldatum"
        ]
    );
    let (status, problem, _) = app
        .api_post(
            &manager,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": client, "route": "pact", "uitstroomUit": "bw",
               "voordrachtdatum": "2026-01-05", "gemeente": "GM9999"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["gemeente"]);
    // The manager of one region does not nominate for another's homes.
    let (status, problem, _) = app
        .api_post(
            &manager,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": client, "route": "pact", "uitstroomUit": "bw",
               "voordrachtdatum": "2026-01-05", "gemeente": "GM0453"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    // Nothing but refusals in the audit log.
    let rows = app.audit(10).await;
    assert!(
        rows.iter()
            .filter(|r| r.seq > before)
            .all(|r| r.outcome == "geweigerd" || r.action != "aangemaakt"),
        "{rows:?}"
    );
    let (_, list, _) = app
        .api_get(
            &manager,
            &format!("/api/v1/voordrachten-uitstroom?clientId={client}"),
        )
        .await;
    assert_eq!(list["aantal"], 0, "{list}");
}

/// The half-year progress report places the Pact figures with the measures
/// that name them (Velsen's "Evaluatie en verbetering van de
/// uitstroomafspraken"), with the values the figures API gives for the same
/// half-year, and the agreement as its share of the year.
#[tokio::test]
async fn the_progress_report_shows_the_pact_figures_with_their_measure() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    let policy = app.token("beleidsadviseur", "regio:ZKIH").await;
    let (status, plans, _) = app.api_get(&policy, "/api/v1/beleidsplannen").await;
    assert_eq!(status, StatusCode::OK, "{plans}");
    let plan = plans["resultaten"].as_array().unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    let (status, report, _) = app
        .api_get(
            &policy,
            &format!("/api/v1/beleidsplannen/{plan}/concept-rapportage?periode=2025-H2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let measure = report["programmalijnen"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["maatregelen"].as_array().unwrap().iter())
        .find(|m| m["titel"].as_str().unwrap().contains("uitstroomafspraken"))
        .expect("the measure on the outflow agreements")
        .clone();
    let shown = |code: &str| {
        measure["cijfers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["indicator"] == code)
            .unwrap_or_else(|| panic!("{code} in {measure}"))["waarde"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for code in [
        "pact-woningen-afspraak",
        "pact-woningen-gerealiseerd",
        "pact-realisatie",
        "uitstroom-binnen-norm",
    ] {
        let (status, figure, _) = app
            .api_get(
                &policy,
                &format!(
                    "/api/v1/indicatoren/{code}/waarden?periodeVan=2025-07-01&periodeTot=2025-12-31"
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{figure}");
        assert_eq!(
            shown(code),
            figure["totaal"]["weergave"].as_str().unwrap(),
            "{code}"
        );
    }
    let (_, waiting, _) = app
        .api_get(
            &policy,
            "/api/v1/indicatoren/uitstroom-wachtend/waarden?peildatum=2025-12-31",
        )
        .await;
    assert_eq!(
        shown("uitstroom-wachtend"),
        waiting["totaal"]["weergave"].as_str().unwrap()
    );
    // The region's 2025 agreements, half of them for the half-year (the
    // demo's agreements are recorded in full: 8 for Haarlem, 2 to 4 for
    // each other municipality), never nothing.
    let (_, agreements, _) = app.api_get(&policy, "/api/v1/pact-afspraken").await;
    let year: i64 = agreements["inWerking"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["jaar"] == 2025)
        .map(|a| a["woningen"].as_i64().unwrap())
        .sum();
    assert!(year > 0, "{agreements}");
    let half: i64 = shown("pact-woningen-afspraak").parse().unwrap();
    assert!(
        (year / 2 - 8..=year / 2 + 8).contains(&half),
        "{half} of {year}"
    );
}

/// The id of a demo corporation, by name.
pub(crate) async fn corporation_id(app: &zothuis_testkit::TestApp, name: &str) -> i64 {
    app.services
        .store
        .list_corporations(None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .map(|c| c.id)
        .unwrap_or_else(|| panic!("no corporation {name}"))
}
