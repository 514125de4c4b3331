//! Two zothuis servers on one database, as a hosted installation runs them
//! behind a load balancer: sessions and the audit chain are shared.

use reqwest::{Client, StatusCode};
use serde_json::json;
use zothuis_domain::clients::Bsn;
use zothuis_testkit::{csrf_from, spawn_app};

#[tokio::test]
async fn a_user_logs_in_on_one_server_and_continues_on_the_other() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let other = app.spawn_twin().await;

    let consultant = app.login("consulent.huizen").await;
    // The second server knows the session: the form opens, and posting it
    // (with the CSRF token of that session) registers the client.
    let form = consultant
        .get(other.url("/clienten/nieuw"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let csrf = csrf_from(&form.text().await.unwrap());
    let resp = consultant
        .post(other.url("/clienten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("voornaam", "Sanne"),
            ("achternaam", "de Boer"),
            ("geboortedatum", "1990-04-12"),
            ("bsn", "999990019"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/clienten/"), "{location}");
    let audit = app.last_audit().await;
    assert_eq!(audit.action, "aangemaakt");
    assert_eq!(audit.actor_name, "consulent.huizen");

    // Back on the first server, the client is there.
    let page = consultant.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("de Boer"));

    // Logging out on the second server ends the session on both.
    let csrf = other.csrf(&consultant, "/").await;
    let out = consultant
        .post(other.url("/uitloggen"))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    for server in [&app, &other] {
        let again = consultant.get(server.url("/")).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn writes_on_both_servers_at_once_keep_one_unbroken_audit_chain() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let other = app.spawn_twin().await;
    let token = app.token("wmo-consulent", "gemeente:GM0406").await;
    let bsns: Vec<String> = (0..400)
        .map(|n| format!("99998{n:04}"))
        .filter(|b| Bsn::parse(b).is_ok())
        .take(24)
        .collect();
    let before = app.audit(10_000).await.len();

    // Alternate the servers; every request in flight at once.
    let mut requests = tokio::task::JoinSet::new();
    for (i, bsn) in bsns.iter().enumerate() {
        let server = if i % 2 == 0 { &app } else { &other };
        let url = server.url("/api/v1/clienten");
        let token = token.clone();
        let body = json!({
            "voornaam": "Test",
            "achternaam": format!("Gelijktijdig {i}"),
            "geboortedatum": "1980-01-01",
            "bsn": bsn,
        });
        requests.spawn(async move {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = requests.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );

    let rows = app.audit(10_000).await;
    let created = rows[..rows.len() - before]
        .iter()
        .filter(|r| r.object_type == "client" && r.action == "aangemaakt")
        .count();
    assert_eq!(created, bsns.len());
    let checked = other.services.verify_audit_chain().await.unwrap().unwrap();
    assert_eq!(checked as usize, rows.len());
}
