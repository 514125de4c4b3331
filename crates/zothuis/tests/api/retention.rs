//! Retention: the privacy officer sees the records of the region past their
//! period (client numbers and dates only) and approves their
//! anonymisation; the record's personal details and audit details are
//! gone, the figures and the audit chain are not. Nobody else may.

use reqwest::StatusCode;
use serde_json::json;
use zothuis_domain::Settings;
use zothuis_domain::audit::{ChainVerifier, ERASED_DETAILS};
use zothuis_domain::clock::Clock;
use zothuis_domain::privacy::retention::RetentionPeriods;
use zothuis_testkit::{TestApp, csrf_from, location, problem_fields, spawn_app_with};

const EXPIRED: &str = "/api/v1/bewaartermijnen/verlopen";
const RUNS: &str = "/api/v1/bewaartermijnen/anonimiseringen";

/// An app whose records are kept one year, with the demo loaded.
async fn app() -> TestApp {
    let mut app = spawn_app_with(Settings {
        retention: RetentionPeriods {
            years_after_care: 2,
            years_without_provision: 1,
        },
        ..Settings::default()
    })
    .await;
    app.seed_demo().await;
    app
}

/// A Huizen client with an address and an application, two years ago.
async fn old_record(app: &TestApp, bsn: &str) -> i64 {
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, c, _) = app
        .api_post(
            &huizen,
            "/api/v1/clienten",
            json!({"voornaam": "Fenna", "achternaam": "Jansen", "geboortedatum": "1970-05-06", "bsn": bsn, "telefoon": "06-11112222"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let (status, a, _) = app
        .api_post(
            &huizen,
            &format!("/api/v1/clienten/{id}/adressen"),
            json!({"soort": "woonadres", "gemeenteCode": "GM0406", "adres": "Lindelaan 4, Huizen", "ingangsdatum": "2025-03-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    id
}

fn listed(list: &serde_json::Value, id: i64) -> bool {
    list.as_array()
        .unwrap()
        .iter()
        .any(|e| e["clientId"] == json!(id))
}

#[tokio::test]
async fn the_privacy_officer_anonymises_an_expired_record_and_the_figures_stay() {
    let app = app().await;
    let id = old_record(&app, "999957223").await;
    let fg = app.token("fg", "regio:GV").await;
    let (status, list, _) = app.api_get(&fg, EXPIRED).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!listed(&list, id), "not yet: {list}");

    app.clock.advance(chrono::Duration::days(400));
    let (status, list, _) = app.api_get(&fg, EXPIRED).await;
    assert_eq!(status, StatusCode::OK);
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["clientId"] == json!(id))
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    assert_eq!(
        (&entry["termijnJaren"], &entry["voorzieningToegekend"]),
        (&json!(1), &json!(false))
    );
    assert!(!list.to_string().contains("Jansen"), "no personal data");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "bewaartermijn")
    );

    // Nothing chosen, or a record not past its period: named, nothing done.
    for bad in [json!({"clienten": []}), json!({"clienten": [id, 999_999]})] {
        let (status, problem, _) = app.api_post(&fg, RUNS, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), ["clienten"]);
    }
    assert!(still_listed(&app, &fg, id).await, "still there");

    let moment = app.clock.now_micros();
    let figures = app.services.build_facts(moment).await.unwrap();
    let (status, run, _) = app.api_post(&fg, RUNS, json!({"clienten": [id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    assert_eq!(run["dossiers"], json!(1));
    assert!(run["auditregelsGewist"].as_i64().unwrap() >= 2, "{run}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "bewaartermijn", None)
    );
    assert!(!row.details.contains("Jansen") && !row.details.contains("999957223"));

    // The record: no name, BSN, phone or address line any more.
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, c, _) = app
        .api_get(&huizen, &format!("/api/v1/clienten/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&c["voornaam"], &c["bsn"], &c["telefoon"]),
        (&json!("geanonimiseerd"), &json!(null), &json!(null))
    );
    assert!(!still_listed(&app, &fg, id).await);
    // The audit rows about the record have no details; the chain holds.
    let rows = app.store.audit_batch(0, 1_000_000).await.unwrap();
    let mut chain = ChainVerifier::default();
    for r in &rows {
        chain.check(r).unwrap();
    }
    let about: Vec<_> = rows.iter().filter(|r| r.client_id == Some(id)).collect();
    assert!(about.len() >= 2);
    assert!(
        about
            .iter()
            .filter(|r| r.seq <= row.seq)
            .all(|r| r.details == ERASED_DETAILS)
    );
    // The figures as known before are the same.
    assert!(app.services.build_facts(moment).await.unwrap() == figures);
    let (_, runs, _) = app.api_get(&fg, RUNS).await;
    assert_eq!(runs[0]["id"], run["id"]);
}

/// Whether the expired list still names the record.
async fn still_listed(app: &TestApp, fg: &str, id: i64) -> bool {
    let (_, list, _) = app.api_get(fg, EXPIRED).await;
    listed(&list, id)
}

#[tokio::test]
async fn only_the_privacy_officer_of_the_region_applies_retention() {
    let app = app().await;
    let id = old_record(&app, "999957235").await;
    app.clock.advance(chrono::Duration::days(400));
    for (role, scope) in [
        ("wmo-consulent", "gemeente:GM0406"),
        ("wachtlijstbeheerder", "regio:GV"),
        ("beleidsadviseur", "regio:GV"),
        ("beheerder", "installatie"),
    ] {
        let token = app.token(role, scope).await;
        let (status, _, _) = app.api_get(&token, EXPIRED).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let (status, _, _) = app.api_post(&token, RUNS, json!({"clienten": [id]})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.outcome.as_str()),
            ("bewaartermijn", "geweigerd"),
            "{role}"
        );
    }
    // Another region's privacy officer neither sees nor anonymises it.
    let other = app.token("fg", "regio:ZKIH").await;
    let (status, list, _) = app.api_get(&other, EXPIRED).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!listed(&list, id));
    let (status, problem, _) = app.api_post(&other, RUNS, json!({"clienten": [id]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}

#[tokio::test]
async fn retention_page_lists_checks_and_anonymises() {
    let app = app().await;
    let id = old_record(&app, "999957247").await;
    app.clock.advance(chrono::Duration::days(400));
    let fg = app.login("fg.gv").await;
    let home = app.page(&fg, "/").await;
    assert!(home.contains("href=\"/bewaartermijnen\""));
    let page = app.page(&fg, "/bewaartermijnen").await;
    assert!(page.contains("Dossiers over de bewaartermijn"), "{page}");
    assert!(page.contains(&format!("value=\"{id}\" checked")), "{page}");
    assert!(!page.contains("Jansen"));
    let csrf = csrf_from(&page);
    let resp = app.post_form(&fg, "/bewaartermijnen", &csrf, &[]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("href=\"#veld-clienten\"")
    );
    let chosen = id.to_string();
    let resp = app
        .post_form(&fg, "/bewaartermijnen", &csrf, &[("clienten", &chosen)])
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/bewaartermijnen?melding=geanonimiseerd");
    let page = app
        .page(&fg, "/bewaartermijnen?melding=geanonimiseerd")
        .await;
    assert!(page.contains("De dossiers zijn geanonimiseerd"));
    assert!(!page.contains(&format!("value=\"{id}\"")));
    assert!(page.contains("Eerdere anonimiseringen"));
    let consultant = app.login("consulent.huizen").await;
    let resp = consultant
        .get(app.url("/bewaartermijnen"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
