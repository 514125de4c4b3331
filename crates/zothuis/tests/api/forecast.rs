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
