//! The audit log: who reads it, that reading it is logged, and that the
//! hash chain finds tampering.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use zothuis_testkit::spawn_app;

#[tokio::test]
async fn the_privacy_officer_reads_the_audit_log_and_that_read_is_logged() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let fg = app.token("fg", "regio:GV").await;
    let c = Client::new();
    let resp = c
        .get(app.url("/api/v1/auditlog?objectType=gebruiker&actie=aangemaakt&paginaGrootte=100"))
        .bearer_auth(&fg)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    // The officer of Gooi en Vechtstreek sees the accounts of the region and
    // its municipalities: wachtlijst.gv, consulent.huizen, consulent.hilversum,
    // beleid.gv, bestuurder.gv, fg.gv, toegang.gv, zorgcoordinatie.gv and
    // financieel.gv; not those of the other region.
    assert_eq!(body["aantal"], 9, "one row per demo user of the region");
    let first = &body["resultaten"][0];
    for field in [
        "volgnummer",
        "tijdstip",
        "actor",
        "rol",
        "actie",
        "objectType",
        "objectId",
        "resultaat",
        "herkomst",
        "requestId",
        "hash",
    ] {
        assert!(!first[field].is_null(), "{field}");
    }
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "auditlog")
    );
    assert_eq!(row.actor_role, "fg");
}

#[tokio::test]
async fn the_audit_page_filters_by_user() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let _ = app.login("consulent.huizen").await;
    let client = app.login("fg.gv").await;
    let html = app.page(&client, "/auditlog?actor=consulent.huizen").await;
    assert!(html.contains("Ingelogd") && html.contains("consulent.huizen"));
    assert!(!html.contains("consulent.hilversum"));
}

#[tokio::test]
async fn a_refused_attempt_is_itself_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beleidsadviseur", "regio:GV").await;
    let resp = Client::new()
        .get(app.url("/api/v1/gebruikers"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.outcome.as_str(),
            row.object_type.as_str(),
            row.actor_role.as_str()
        ),
        ("geweigerd", "gebruiker", "beleidsadviseur")
    );
}

#[tokio::test]
async fn the_chain_verifies_and_finds_an_altered_row() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let checked = app.services.verify_audit_chain().await.unwrap().unwrap();
    assert!(checked > 50, "{checked}");
    // Normal SQL cannot change the log…
    let update = "update audit_log set actor_name = 'x' where seq = 5";
    assert!(app.db.raw_sql(update, update).await.is_err());
    let delete = "delete from audit_log where seq = 5";
    assert!(app.db.raw_sql(delete, delete).await.is_err());
    // …and whoever removes that guard is found by the chain.
    app.raw_sql(
        "drop trigger audit_log_no_update; update audit_log set actor_name = 'iemand' where seq = 7;",
        "drop trigger audit_log_no_update on audit_log; update audit_log set actor_name = 'iemand' where seq = 7;",
    )
    .await;
    let broken = app
        .services
        .verify_audit_chain()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 7);
}
