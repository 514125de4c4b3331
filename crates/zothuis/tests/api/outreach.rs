//! Zorgcoördinatie over the API: the region's outreach team opens a
//! trajectory with a first melding, adds meldingen, closes it; nobody else
//! sees the register, and no audit row holds the person's description.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_testkit::{problem_fields, spawn_app};

const PERSON: &str = "man, ca. 50, slaapt in het Kenaupark";

#[tokio::test]
async fn the_team_opens_adds_to_and_closes_a_trajectory_and_nobody_else_sees_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.token("zorgcoordinator", "regio:ZKIH").await;
    let (status, opened, etag) = app
        .api_post(
            &team,
            "/api/v1/zorgcoordinatie-trajecten",
            json!({"gemeente": "GM0392", "persoon": PERSON, "meldingsdatum": "2026-01-05",
                    "bron": "buren"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "zorgcoordinatie", None)
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(!row.details.contains("Kenaupark"), "{}", row.details);

    // A second melding about the same person falls within the trajectory.
    let path = format!("/api/v1/zorgcoordinatie-trajecten/{id}");
    let (status, melding, _) = app
        .api_post(
            &team,
            &format!("{path}/meldingen"),
            json!({"meldingsdatum": "2026-01-09", "bron": "politie"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{melding}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "melding-zorgcoordinatie")
    );
    // Closed with its outcome; a melding after the closing is refused.
    app.clock.advance(chrono::Duration::hours(1));
    let (status, closed, _) = app
        .api(
            reqwest::Method::PUT,
            &team,
            &path,
            Some(
                json!({"gemeente": "GM0392", "persoon": PERSON, "startdatum": "2026-01-05",
                    "afgeslotenOp": "2026-01-10", "uitkomst": "toegeleid"}),
            ),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["uitkomst"], "toegeleid");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "zorgcoordinatie")
    );
    assert!(!row.details.contains("Kenaupark"));
    let (status, problem, _) = app
        .api_post(
            &team,
            &format!("{path}/meldingen"),
            json!({"meldingsdatum": "2026-01-11", "bron": "buren"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(problem.to_string().contains("nieuw traject"), "{problem}");
    // A closing before a melding in it is refused; a stale version too.
    let (status, problem, _) = app
        .api(
            reqwest::Method::PUT,
            &team,
            &path,
            Some(
                json!({"gemeente": "GM0392", "persoon": PERSON, "startdatum": "2026-01-05",
                    "afgeslotenOp": "2026-01-06", "uitkomst": "toegeleid"}),
            ),
            Some(&format!("\"v{}\"", closed["versie"])),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["afgeslotenOp"]);
    let (status, _, _) = app
        .api(
            reqwest::Method::PUT,
            &team,
            &path,
            Some(json!({"gemeente": "GM0392", "persoon": PERSON, "startdatum": "2026-01-05"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    // The trajectory with both versions and both meldingen; as known
    // before the closing it was open.
    let (status, history, _) = app.api_get(&team, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["versies"].as_array().unwrap().len(), 2);
    assert_eq!(history["meldingen"].as_array().unwrap().len(), 2);
    assert_eq!(app.last_audit().await.action, "bekeken");
    let before = opened["vastgelegdOp"].as_str().unwrap().replace('+', "%2B");
    let (_, then, _) = app
        .api_get(&team, &format!("{path}?bekendOp={before}"))
        .await;
    assert_eq!(then["afgeslotenOp"], Value::Null, "{then}");
    // The same person again: a new trajectory for the person the team knows.
    let (status, again, _) = app
        .api_post(
            &team,
            "/api/v1/zorgcoordinatie-trajecten",
            json!({"persoonId": opened["persoonId"], "gemeente": "GM0392", "persoon": PERSON,
                    "meldingsdatum": "2026-01-11", "bron": "corporatie"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let (status, problem, _) = app
        .api_post(
            &team,
            "/api/v1/zorgcoordinatie-trajecten",
            json!({"persoonId": opened["persoonId"], "gemeente": "GM0392", "persoon": PERSON,
                    "meldingsdatum": "2026-01-12", "bron": "buren"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (_, open, _) = app
        .api_get(&team, "/api/v1/zorgcoordinatie-trajecten?open=true")
        .await;
    let ids: Vec<i64> = open["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&again["id"].as_i64().unwrap()) && !ids.contains(&id));

    // Nobody else: another region's team, the waiting-list manager, a
    // consultant, a policy adviser; each refusal audited.
    for (role, scope, expected) in [
        ("zorgcoordinator", "regio:GV", StatusCode::NOT_FOUND),
        ("wachtlijstbeheerder", "regio:ZKIH", StatusCode::FORBIDDEN),
        ("wmo-consulent", "gemeente:GM0392", StatusCode::FORBIDDEN),
        ("beleidsadviseur", "regio:ZKIH", StatusCode::FORBIDDEN),
        ("toegangsmedewerker", "regio:ZKIH", StatusCode::FORBIDDEN),
    ] {
        let token = app.token(role, scope).await;
        let (status, body, _) = app.api_get(&token, &path).await;
        assert_eq!(status, expected, "{role}: {body}");
        assert!(!body.to_string().contains("Kenaupark"));
        let (status, _, _) = app
            .api_get(&token, "/api/v1/zorgcoordinatie-trajecten")
            .await;
        if role == "zorgcoordinator" {
            assert_eq!(status, StatusCode::OK);
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
            assert_eq!(app.last_audit().await.outcome, "geweigerd");
        }
    }
}

#[tokio::test]
async fn a_first_melding_names_what_is_wrong_and_writes_nothing() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.token("zorgcoordinator", "regio:ZKIH").await;
    let before = app.audit(1).await[0].seq;
    for (body, expected) in [
        (
            json!({"gemeente": "GM0402", "persoon": "J.", "meldingsdatum": "2026-01-05", "bron": "buren"}),
            vec!["gemeente"],
        ),
        (
            json!({"gemeente": "GM0392", "persoon": " ", "meldingsdatum": "2026-02-05", "bron": "roddel"}),
            vec!["persoon", "bron", "meldingsdatum"],
        ),
        (
            json!({"gemeente": "GM0392", "persoon": "x".repeat(200), "meldingsdatum": "5-1-2026", "bron": "buren"}),
            vec!["persoon", "meldingsdatum"],
        ),
    ] {
        let (status, problem, _) = app
            .api_post(&team, "/api/v1/zorgcoordinatie-trajecten", body)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), expected, "{problem}");
    }
    assert!(
        app.audit(5).await.iter().all(|r| r.seq <= before),
        "nothing written"
    );
}

/// The seed's table "Zorgcoördinatie Zuid Kennemerland" (new trajectories,
/// meldingen, closed, open on 31 December, persons supported) per year from
/// the demo, and the progress report shows them with Velsen's measure on
/// bemoeizorg as the figures API gives them.
#[tokio::test]
async fn the_seed_table_per_year_and_the_report_section_come_from_the_register() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    // The team itself sees figures as aggregates, like the policy roles.
    let policy = app.token("beleidsadviseur", "regio:ZKIH").await;
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
            v["totaal"]["waarde"].as_f64().unwrap_or(-1.0)
        }
    };
    for year in [2023, 2024, 2025] {
        let period = format!("periodeVan={year}-01-01&periodeTot={year}-12-31");
        let new = value("zorgcoordinatie-trajecten", period.clone()).await;
        let meldingen = value("zorgcoordinatie-meldingen", period.clone()).await;
        let closed = value("zorgcoordinatie-afgesloten", period.clone()).await;
        let open = value("zorgcoordinatie-open", format!("peildatum={year}-12-31")).await;
        let supported = value("zorgcoordinatie-begeleid", period).await;
        // The seed's shape: more meldingen than trajectories, and every
        // person supported had a trajectory open at the start or begun.
        assert!(new >= 30.0, "{year}: {new}");
        assert!(meldingen > new, "{year}: {meldingen} ≤ {new}");
        assert!(closed > 0.0 && open > 0.0, "{year}");
        assert!(
            supported
                <= new
                    + value(
                        "zorgcoordinatie-open",
                        format!("peildatum={}-12-31", year - 1)
                    )
                    .await
        );
        assert!(supported > 0.0);
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
        .find(|m| m["titel"].as_str().unwrap().contains("bemoeizorg"))
        .expect("Velsen's measure on bemoeizorg")
        .clone();
    let (_, figure, _) = app.api_get(&policy, "/api/v1/indicatoren/zorgcoordinatie-trajecten/waarden?periodeVan=2025-07-01&periodeTot=2025-12-31")
    .await;
    let shown = measure["cijfers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == "zorgcoordinatie-trajecten")
        .expect("the new trajectories in the section")["waarde"]
        .clone();
    assert_eq!(shown, figure["totaal"]["weergave"], "{measure}");
}

/// A melding recorded in error is retracted with a reason: it stays in the
/// register, marked, and no longer counts; as known before, it does. The
/// reason stays out of the audit log, and the last melding of a trajectory
/// cannot be retracted.
#[tokio::test]
async fn a_melding_recorded_in_error_is_retracted_and_counts_no_more() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.token("zorgcoordinator", "regio:ZKIH").await;
    let (_, opened, _) = app
        .api_post(
            &team,
            "/api/v1/zorgcoordinatie-trajecten",
            json!({"gemeente": "GM0392", "persoon": PERSON, "meldingsdatum": "2026-01-05",
                    "bron": "buren"}),
        )
        .await;
    let path = format!(
        "/api/v1/zorgcoordinatie-trajecten/{}",
        opened["id"].as_i64().unwrap()
    );
    let (_, second, _) = app
        .api_post(
            &team,
            &format!("{path}/meldingen"),
            json!({"meldingsdatum": "2026-01-09", "bron": "politie"}),
        )
        .await;
    let second_id = second["id"].as_i64().unwrap();
    let manager = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let figure = "/api/v1/indicatoren/zorgcoordinatie-meldingen/waarden?periodeVan=2026-01-01&periodeTot=2026-01-31";
    let meldingen = |v: &Value| v["totaal"]["waarde"].as_f64();
    let (_, v, _) = app.api_get(&manager, figure).await;
    assert_eq!(meldingen(&v), Some(2.0), "{v}");
    app.clock.advance(chrono::Duration::hours(1));
    let before = {
        use zothuis_domain::clock::Clock;
        app.clock.now().to_rfc3339().replace('+', "%2B")
    };
    app.clock.advance(chrono::Duration::hours(1));

    let retract = format!("{path}/meldingen/{second_id}/intrekking");
    let (status, problem, _) = app.api_post(&team, &retract, json!({"reden": "  "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["reden"]);
    let (status, problem, _) = app
        .api_post(
            &app.token("wachtlijstbeheerder", "regio:ZKIH").await,
            &retract,
            json!({"reden": "dubbel"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, retracted, _) = app
        .api_post(
            &team,
            &retract,
            json!({"reden": "Dubbel ingevoerd, zelfde melding van buurvrouw"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{retracted}");
    assert!(retracted["ingetrokkenOp"].is_string(), "{retracted}");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "melding-zorgcoordinatie", "geslaagd")
    );
    assert_eq!(row.object_id, Some(second_id.to_string()));
    assert!(!row.details.contains("buurvrouw"), "{}", row.details);

    // Counted no more now; as known before, still counted.
    let (_, v, _) = app.api_get(&manager, figure).await;
    assert_eq!(meldingen(&v), Some(1.0), "{v}");
    let (_, v, _) = app
        .api_get(&manager, &format!("{figure}&bekendOp={before}"))
        .await;
    assert_eq!(meldingen(&v), Some(2.0), "{v}");
    // The trajectory shows it, marked.
    let (_, t, _) = app.api_get(&team, &path).await;
    let shown: Vec<bool> = t["meldingen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ingetrokkenOp"].is_string())
        .collect();
    assert_eq!(shown, [false, true], "{t}");

    // Not twice, and not the last one standing.
    let (status, problem, _) = app
        .api_post(&team, &retract, json!({"reden": "nogmaals"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let first = format!(
        "{path}/meldingen/{}/intrekking",
        t["meldingen"][0]["id"].as_i64().unwrap()
    );
    let (status, problem, _) = app
        .api_post(&team, &first, json!({"reden": "ten onrechte"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("enige melding"),
        "{problem}"
    );
}
