//! Population forecasts for the forecasts of demand: loaded by a region's
//! policy officer with every bad line named, read by the policy roles and
//! the board of the region, and by nobody else.

use reqwest::StatusCode;
use serde_json::json;
use zothuis_testkit::{problem_fields, spawn_app};

const FILE: &str = "gemeentecode;jaar;leeftijdsklasse;inwoners\n\
GM0402;2025;18-26;9000\n\
GM0402;2025;65+;18000\n\
GM0402;2040;18-26;9300\n\
0406;2040;65+;11000\n";

#[tokio::test]
async fn a_policy_officer_loads_a_population_forecast_and_each_bad_line_is_named() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let (s, p, _) = app
        .api_post(
            &policy,
            "/api/v1/bevolkingsprognoses",
            json!({"naam": "Prognose 2025", "bron": "Provincie, 2024", "csv": FILE}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(
        (p["eersteJaar"].as_i64(), p["laatsteJaar"].as_i64()),
        (Some(2025), Some(2040))
    );
    assert_eq!(
        (p["gemeenten"].as_i64(), p["regels"].as_i64()),
        (Some(2), Some(4))
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "bevolkingsprognose")
    );
    assert!(audit.details.contains("\"regels\":4"), "{}", audit.details);
    let (s, one, _) = app
        .api_get(&policy, &format!("/api/v1/bevolkingsprognoses/{}", p["id"]))
        .await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["regels"].as_array().unwrap().len(), 4);
    assert!(one["regels"].as_array().unwrap().contains(
        &json!({"gemeente": "GM0406", "jaar": 2040, "leeftijdsklasse": "65+", "inwoners": 11000})
    ));

    // Bad input: the fields, and each bad line by its number.
    let (s, problem, _) = app
        .api_post(&policy, "/api/v1/bevolkingsprognoses", json!({"csv": "x"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(problem_fields(&problem), ["naam", "bron", "bestand"]);
    let broken = format!("{FILE}GM0402;2025;18-26;1\nGM0392;2030;18-26;5\nGM0402;20x5;18-26;5\n");
    let (s, problem, _) = app
        .api_post(
            &policy,
            "/api/v1/bevolkingsprognoses",
            json!({"naam": "Fout", "bron": "test", "csv": broken}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let text = problem.to_string();
    assert!(text.contains("regel 6"), "a repeat: {text}");
    assert!(text.contains("regel 8"), "a bad year: {text}");
    let other_region = "gemeentecode,jaar,leeftijdsklasse,inwoners\nGM0392,2030,18-26,5\n";
    let (s, problem, _) = app
        .api_post(
            &policy,
            "/api/v1/bevolkingsprognoses",
            json!({"naam": "Haarlem", "bron": "test", "csv": other_region}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        problem
            .to_string()
            .contains("GM0392 hoort niet bij uw regio"),
        "{problem}"
    );

    // Who may read and load: the board reads, loads nothing; another
    // region sees nothing; a consultant or provider is refused.
    let board = app.token("bestuurder", "regio:GV").await;
    let (s, list, _) = app.api_get(&board, "/api/v1/bevolkingsprognoses").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (s, _, _) = app
        .api_post(
            &board,
            "/api/v1/bevolkingsprognoses",
            json!({"naam": "B", "bron": "bestuur", "csv": FILE}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let zkih = app.token("beleidsadviseur", "regio:ZKIH").await;
    let (_, list, _) = app.api_get(&zkih, "/api/v1/bevolkingsprognoses").await;
    assert_eq!(list, json!([]));
    let (s, _, _) = app
        .api_get(&zkih, &format!("/api/v1/bevolkingsprognoses/{}", p["id"]))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for (role, scope) in [
        ("wmo-consulent", "gemeente:GM0406"),
        ("aanbieder", "aanbieder:1"),
    ] {
        let t = app.token(role, scope).await;
        let (s, _, _) = app.api_get(&t, "/api/v1/bevolkingsprognoses").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}

#[tokio::test]
async fn the_demo_forecast_is_loaded_per_region_and_shown_on_the_page() {
    use crate::finance::assert_accessible;
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let loaded = zothuis_domain::demo::load_population_forecasts(&app.services)
        .await
        .unwrap();
    assert_eq!(loaded.len(), 2, "one per demo region");
    assert!(loaded.iter().all(|f| f.years == (2020, 2040)));
    assert!(loaded.iter().all(|f| f.source.contains("Verzonnen")));
    let policy = app.login("beleid.gv").await;
    let html = app.page(&policy, "/prognoses").await;
    assert_accessible("/prognoses", &html);
    assert!(html.contains("href=\"/prognoses\""), "menu item");
    assert!(html.contains("Demoprognose Gooi en Vechtstreek"), "{html}");
    assert!(
        !html.contains("Zuid-Kennemerland"),
        "another region's: {html}"
    );
    assert!(html.contains("Bevolkingsprognose laden"), "the upload form");
    let gv = loaded.iter().find(|f| f.name.contains("Gooi")).unwrap();
    let path = format!("/prognoses/bevolking/{}", gv.id);
    let html = app.page(&policy, &path).await;
    assert_accessible(&path, &html);
    assert!(
        html.contains("Inwoners per gemeente in 2020 en 2040"),
        "{html}"
    );
    assert!(html.contains("Hilversum"), "{html}");

    // Uploaded on the page: the form again with the error at the file.
    let csrf = zothuis_testkit::csrf_from(&app.page(&policy, "/prognoses").await);
    let form = |name: &str, file: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("naam", name.to_string())
            .text("bron", "Provincie, 2024".to_string())
            .part(
                "bestand",
                reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("p.csv"),
            )
    };
    let resp = policy
        .post(app.url("/prognoses"))
        .multipart(form("Fout", "a,b\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("prognose met fouten", &html);
    assert!(html.contains("href=\"#veld-bestand\""), "{html}");
    let resp = policy
        .post(app.url("/prognoses"))
        .multipart(form("Prognose 2025", FILE))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(
        zothuis_testkit::location(&resp).ends_with("?melding=bevolkingsprognose-geladen"),
        "{}",
        zothuis_testkit::location(&resp)
    );
    // The board reads the page without the form.
    let board = app.login("bestuurder.gv").await;
    let html = app.page(&board, "/prognoses").await;
    assert!(html.contains("Prognose 2025"));
    assert!(!html.contains("Bevolkingsprognose laden"));
}

/// The ids of the demo's BW-INT product and Velsen's BW location.
async fn velsen_bw(app: &zothuis_testkit::TestApp) -> (i64, i64) {
    let products = app.services.store.list_products().await.unwrap();
    let bw = products.iter().find(|p| p.code == "BW-INT").unwrap().id;
    let locations = app.services.store.list_locations().await.unwrap();
    let l = locations
        .iter()
        .find(|l| l.municipality.as_str() == "GM0453" && l.product_ids.contains(&bw))
        .unwrap()
        .id;
    (bw, l)
}

#[tokio::test]
async fn a_scenario_is_made_changed_copied_and_published_frozen() {
    use reqwest::Method;
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    zothuis_domain::demo::load_population_forecasts(&app.services)
        .await
        .unwrap();
    let policy = app.token("beleidsadviseur", "regio:ZKIH").await;
    let (_, populations, _) = app.api_get(&policy, "/api/v1/bevolkingsprognoses").await;
    let population = populations[0]["id"].as_i64().unwrap();

    // Bad input, each at its field; a lever by its line.
    let (s, problem, _) = app
        .api_post(
            &policy,
            "/api/v1/prognosescenarios",
            json!({"naam": "", "basisjaar": 2031, "totJaar": 2020,
                   "verschuivingen": [{"van": "BW-INT", "naar": "BT", "procentPerJaar": 5},
                                      {"van": "BW-INT", "naar": "XX", "procentPerJaar": 5}],
                   "plaatsen": [{"gemeente": "GM0402", "product": "BW-INT", "vanaf": "2027-01-01", "plaatsen": 3}]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        problem_fields(&problem),
        ["naam", "basisjaar", "verschuivingen", "plaatsen"]
    );
    let text = problem.to_string();
    assert!(text.contains("regel 2: onbekend product XX"), "{text}");
    assert!(
        text.contains("GM0402 is geen gemeente van uw regio"),
        "{text}"
    );

    // The table of the seeds: BW per municipality, 2023 counted and 2040.
    let (s, made, etag) = app
        .api_post(
            &policy,
            "/api/v1/prognosescenarios",
            json!({"naam": "Trend", "bevolkingsprognoseId": population, "basisjaar": 2023,
                   "jarenHistorie": 2, "minimumVerblijven": 5,
                   "verblijfsduur": [{"product": "BW-INT", "maanden": 30}, {"product": "BT", "maanden": 24}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "prognosescenario")
    );
    assert!(
        audit.details.contains("\"basisjaar\":2023"),
        "{}",
        audit.details
    );
    let id = made["id"].as_i64().unwrap();
    let path = format!("/api/v1/prognosescenarios/{id}");
    let (s, trend, _) = app.api_get(&policy, &path).await;
    assert_eq!(s, StatusCode::OK, "{trend}");
    let cells = trend["prognose"]["cellen"].as_array().unwrap();
    let cell = |g: Option<&str>, p: &str| {
        cells
            .iter()
            .find(|c| c["gemeente"].as_str() == g && c["product"] == p)
            .unwrap_or_else(|| panic!("{g:?} {p}"))
            .clone()
    };
    let year = |c: &serde_json::Value, y: i64| {
        c["jaren"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["jaar"] == y)
            .unwrap()
            .clone()
    };
    let haarlem = cell(Some("GM0392"), "15");
    let region = cell(None, "15");
    assert!(year(&haarlem, 2040)["personenPerMaand"].as_f64().unwrap() > 0.0);
    // The region is the sum of its municipalities.
    let sum: f64 = cells
        .iter()
        .filter(|c| c["categorie"] == true && c["product"] == "15" && !c["gemeente"].is_null())
        .map(|c| year(c, 2040)["personenPerMaand"].as_f64().unwrap())
        .sum();
    let total = year(&region, 2040)["personenPerMaand"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-6, "{sum} against {total}");
    // The demo's short history has no BW-INT stay ended: the assumed 30
    // months apply, and people leave.
    let region_int = cell(None, "BW-INT");
    assert!(
        year(&region_int, 2030)["uitstroom"].as_f64().unwrap() > 0.0,
        "{region_int}"
    );
    assert_eq!(
        cell(Some("GM0392"), "BW-INT")["verblijfsduurVan"],
        "aanname"
    );
    // The base year as counted (hidden when small), and a back-test.
    assert!(region.get("basisjaarPersonenPerMaand").is_some());
    assert_eq!(region["terugtoets"][0]["jaar"], 2023);
    // Velsen's places: 14 BW-INT places from July 2024 on.
    let velsen_int = cell(Some("GM0453"), "BW-INT");
    assert_eq!(year(&velsen_int, 2030)["plaatsen"], 14.0);
    // Tariffs price BW-INT: cost in euros, persons × days × the day cost.
    let y = year(&region_int, 2030);
    let per_day = y["kosten"].as_f64().unwrap() / 365.0 / y["personenPerMaand"].as_f64().unwrap();
    assert!((100.0..200.0).contains(&per_day), "{per_day} a day");

    // A second scenario: 10 % a year from BW-INT to BT, 12 places more
    // in Velsen from 2030. Changed with If-Match, not without.
    let (s, copy, _) = app
        .api(Method::POST, &policy, &format!("{path}/kopie"), None, None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["naam"], "Kopie van Trend");
    assert_eq!(copy["kopieVan"], id);
    let copy_path = format!("/api/v1/prognosescenarios/{}", copy["id"]);
    let change = json!({"naam": "Ambulantisering", "bevolkingsprognoseId": population,
        "basisjaar": 2023, "jarenHistorie": 2, "minimumVerblijven": 5,
        "verblijfsduur": [{"product": "BW-INT", "maanden": 30}, {"product": "BT", "maanden": 24}],
        "verschuivingen": [{"van": "BW-INT", "naar": "BT", "procentPerJaar": 10}],
        "plaatsen": [{"gemeente": "GM0453", "product": "BW-INT", "vanaf": "2030-01-01", "plaatsen": 12}]});
    let (s, _, _) = app
        .api(Method::PUT, &policy, &copy_path, Some(change.clone()), None)
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_REQUIRED);
    let (s, changed, _) = app
        .api(
            Method::PUT,
            &policy,
            &copy_path,
            Some(change.clone()),
            Some("\"v1\""),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(app.last_audit().await.action, "gewijzigd");
    let (s, _, _) = app
        .api(
            Method::PUT,
            &policy,
            &copy_path,
            Some(change),
            Some("\"v1\""),
        )
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "stale");
    let (_, shifted, _) = app.api_get(&policy, &copy_path).await;
    let cells2 = shifted["prognose"]["cellen"].as_array().unwrap().clone();
    let cell2 = |g: Option<&str>, p: &str| {
        cells2
            .iter()
            .find(|c| c["gemeente"].as_str() == g && c["product"] == p)
            .unwrap()
            .clone()
    };
    let bw_int = |c: &serde_json::Value| year(c, 2040)["personenPerMaand"].as_f64().unwrap();
    assert!(bw_int(&cell2(None, "BW-INT")) < bw_int(&cell(None, "BW-INT")));
    assert!(bw_int(&cell2(None, "BT")) > bw_int(&cell(None, "BT")));
    assert_eq!(
        year(&cell2(Some("GM0453"), "BW-INT"), 2030)["plaatsen"],
        26.0
    );

    // Published: frozen with the history as known then. A capacity row
    // recorded later shows in the concept, not in the published one.
    let (s, published, etag) = app
        .api(
            Method::POST,
            &policy,
            &format!("{path}/publicatie"),
            None,
            Some("\"v1\""),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{published}");
    assert!(published["gepubliceerdOp"].is_string());
    assert_eq!(etag.as_deref(), Some("\"v2\""));
    // The progress report of the region carries the published forecast.
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    let (s, plans, _) = app.api_get(&policy, "/api/v1/beleidsplannen").await;
    assert_eq!(s, StatusCode::OK, "{plans}");
    let plan = plans["resultaten"][0]["id"].as_i64().unwrap();
    let (s, report, _) = app
        .api_get(
            &policy,
            &format!("/api/v1/beleidsplannen/{plan}/concept-rapportage?periode=2025-H2"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let chapter = &report["prognose"];
    assert_eq!(chapter["scenario"], "Trend", "{report}");
    assert_eq!(
        (chapter["basisjaar"].as_i64(), chapter["totJaar"].as_i64()),
        (Some(2023), Some(2040))
    );
    let lines = chapter["regels"].as_array().unwrap();
    assert!(
        lines.iter().any(|l| l["gemeente"] == "Haarlem"),
        "{chapter}"
    );
    assert_eq!(lines.last().unwrap()["gemeente"], "Regio");
    let (bw, location) = velsen_bw(&app).await;
    let admin = app.token("beheerder", "installatie").await;
    let (s, _, _) = app
        .api_post(
            &admin,
            &format!("/api/v1/locaties/{location}/capaciteit"),
            json!({"productId": bw, "aantalPlekken": 40, "geldigVanaf": "2029-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, frozen, _) = app.api_get(&policy, &path).await;
    assert_eq!(
        frozen["prognose"], trend["prognose"],
        "the published result"
    );
    assert_eq!(frozen["bekendOp"], published["gepubliceerdOp"]);
    let (_, live, _) = app.api_get(&policy, &copy_path).await;
    let live_cells = live["prognose"]["cellen"].as_array().unwrap();
    let velsen = live_cells
        .iter()
        .find(|c| c["gemeente"] == "GM0453" && c["product"] == "BW-INT")
        .unwrap();
    assert_eq!(year(velsen, 2030)["plaatsen"], 52.0, "40 + 12");
    let (s, problem, _) = app
        .api(
            Method::PUT,
            &policy,
            &path,
            Some(json!({"naam": "x", "bevolkingsprognoseId": population})),
            Some("\"v2\""),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{problem}");

    // Who sees what: the board the published one only; the financial
    // adviser both; another region and a consultant nothing.
    let board = app.token("bestuurder", "regio:ZKIH").await;
    let (_, list, _) = app.api_get(&board, "/api/v1/prognosescenarios").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        app.api_get(&board, &copy_path).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.api_get(&board, &path).await.0, StatusCode::OK);
    let (s, _, _) = app
        .api(Method::POST, &board, &format!("{path}/kopie"), None, None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let money = app.token("financieel-adviseur", "regio:ZKIH").await;
    let (_, list, _) = app.api_get(&money, "/api/v1/prognosescenarios").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let gv = app.token("beleidsadviseur", "regio:GV").await;
    assert_eq!(app.api_get(&gv, &path).await.0, StatusCode::NOT_FOUND);
    let consultant = app.token("wmo-consulent", "gemeente:GM0392").await;
    assert_eq!(
        app.api_get(&consultant, "/api/v1/prognosescenarios")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

/// The "done when": Zuid-Kennemerland's policy officer builds the
/// table "beschermd wonen per gemeente, personen per maand, 2023 en 2040"
/// for two scenarios on the pages, sees the gap and what every number
/// rests on, and downloads it.
#[tokio::test]
async fn zuid_kennemerland_compares_two_scenarios_per_municipality_on_the_pages() {
    use crate::finance::assert_accessible;
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let loaded = zothuis_domain::demo::load_population_forecasts(&app.services)
        .await
        .unwrap();
    let zkih = loaded
        .iter()
        .find(|f| f.name.contains("Kennemerland"))
        .unwrap();
    let policy = app.login("beleid.zkih").await;
    let html = app.page(&policy, "/prognoses").await;
    assert!(
        html.contains("href=\"/prognoses/scenarios/nieuw\""),
        "{html}"
    );
    let html = app.page(&policy, "/prognoses/scenarios/nieuw").await;
    assert_accessible("nieuw scenario", &html);
    assert!(
        html.contains("value=\"2025\""),
        "the last whole year: {html}"
    );
    let csrf = zothuis_testkit::csrf_from(&html);
    let population = zkih.id.to_string();
    let fields = |name: &'static str, shifts: &'static str| {
        vec![
            ("naam", name),
            ("toelichting", "Zoals afgesproken in het regionaal kompas"),
            ("basisjaar", "2023"),
            ("jarenHistorie", "2"),
            ("totJaar", "2040"),
            ("jarenTerugtoets", "1"),
            ("minimumVerblijven", "5"),
            ("verschuivingen", shifts),
            ("uitstroom", ""),
            ("plaatsen", "GM0392;BW-INT;2030-01-01;10"),
            ("verblijfsduur", "BW-INT;30\nBT;24\nBW-BESCHUT;36"),
        ]
    };
    // An error names its line, at its field.
    let mut bad = fields("Fout", "BW-INT;BT;5\nBW-INT;BT");
    bad.push(("bevolkingsprognose", &population));
    let resp = app
        .post_form(&policy, "/prognoses/scenarios", &csrf, &bad)
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("scenario met fouten", &html);
    assert!(html.contains("href=\"#veld-verschuivingen\""), "{html}");
    assert!(
        html.contains("Regel 2: schrijf van;naar;procent per jaar"),
        "{html}"
    );
    let mut ids = Vec::new();
    for (name, shifts) in [("Trend", ""), ("Ambulantisering", "BW-INT;BT;10")] {
        let mut f = fields(name, shifts);
        f.push(("bevolkingsprognose", &population));
        let resp = app
            .post_form(&policy, "/prognoses/scenarios", &csrf, &f)
            .await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{name}");
        let to = zothuis_testkit::location(&resp);
        assert!(to.ends_with("?melding=scenario-opgeslagen"), "{to}");
        ids.push(
            to.split('?')
                .next()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "prognosescenario")
    );

    // The scenario: assumptions beside the result, the chart, the table
    // per municipality with the gap, the back-test, what it rests on.
    let path = format!("/prognoses/scenarios/{}", ids[1]);
    let html = app.page(&policy, &path).await;
    assert_accessible(&path, &html);
    for expected in [
        "elk jaar 10 % van de instroom in Beschermd wonen intramuraal meer naar Beschermd Thuis",
        "Haarlem Beschermd wonen intramuraal: 10 plaatsen vanaf 1 januari 2030",
        "Beschermd wonen intramuraal: gemiddeld 30 maanden",
        "<svg",
        "per gemeente: personen per maand 2023 en 2040, plaatsen en tekort in 2040",
        "Tekort 2040",
        "Terugtoets: het model gestart op 1 januari 2023",
        "Waar de prognose op rust",
        "Velsen",
        "Regio",
        "Publiceren",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    // Published on the page: no form to change any more.
    let csrf = zothuis_testkit::csrf_from(&html);
    let version = zothuis_testkit::hidden_version(&html);
    let resp = app
        .post_form(
            &policy,
            &format!("{path}/publiceren"),
            &csrf,
            &[("versie", version.as_str())],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = app.page(&policy, &path).await;
    assert!(html.contains("gepubliceerd op"), "{html}");
    assert!(!html.contains(&format!("{path}/wijzigen")));
    let resp = app
        .post_form(
            &policy,
            &format!("{path}/publiceren"),
            &csrf,
            &[("versie", version.as_str())],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT, "published once");

    // Side by side: BW (all products) per municipality, 2023 and 2040.
    let compare = format!(
        "/prognoses/vergelijking?a={}&b={}&product=15&jaar=2040",
        ids[0], ids[1]
    );
    let html = app.page(&policy, &compare).await;
    assert_accessible(&compare, &html);
    for expected in [
        "Trend: 2023 (geteld)",
        "Trend: 2040",
        "Ambulantisering: tekort 2040",
        "Haarlem",
        "Velsen",
        "Regio",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let bad = app.page(&policy, "/prognoses/vergelijking?a=x").await;
    assert!(bad.contains("kies een scenario"), "{bad}");

    // Downloads: CSV (and Excel) with every municipality, product and year.
    let csv = policy
        .get(app.url(&format!("{path}/export?formaat=csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}Gemeentecode;Gemeente;Productcode"),
        "{text}"
    );
    assert!(
        text.contains("GM0392;Haarlem;BW-INT;Beschermd wonen intramuraal;2040;prognose"),
        "{text}"
    );
    let xlsx = policy
        .get(app.url(&format!("{path}/export?formaat=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // The board of another region sees nothing; a consultant is refused.
    let board = app.login("bestuurder.gv").await;
    let resp = board.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let consultant = app.login("consulent.huizen").await;
    let resp = consultant
        .get(app.url("/prognoses/vergelijking"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
