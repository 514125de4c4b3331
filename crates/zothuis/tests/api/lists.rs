//! Every list that holds clients' records, paged: the pages cut the whole
//! list in its order without gaps or overlaps, whatever way the list is
//! read (the store's keys first, then the page's rows), and each audit row
//! names the clients of its own page only.

use reqwest::Client;
use serde_json::Value;
use zothuis_testkit::{TestApp, spawn_app, start_time};

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

fn with(path: &str, query: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{query}")
}

/// The client of a record of any list (a client is its own).
fn client_of(path: &str, item: &Value) -> i64 {
    if path.starts_with("/api/v1/clienten") {
        item["id"].as_i64().unwrap()
    } else {
        item["clientId"].as_i64().unwrap()
    }
}

/// Reads `path` whole (pages of 500) and in pages of `size`, and checks
/// that both give the same records, count and hidden count, and that every
/// page's audit row names exactly its clients.
async fn pages_cut_the_whole_list(app: &TestApp, token: &str, path: &str, size: usize) -> usize {
    let mut whole: Vec<Value> = Vec::new();
    let mut first_whole = Value::Null;
    for n in 1.. {
        let page = get_json(
            app,
            token,
            &with(path, &format!("pagina={n}&paginaGrootte=500")),
        )
        .await;
        let items = page["resultaten"].as_array().unwrap().clone();
        if n == 1 {
            first_whole = page.clone();
        }
        let done = items.len() < 500;
        whole.extend(items);
        if done {
            break;
        }
    }
    let total = first_whole["aantal"].as_i64().unwrap() as usize;
    assert_eq!(
        whole.len(),
        total,
        "{path}: het aantal is dat van de hele lijst"
    );
    let mut paged: Vec<Value> = Vec::new();
    for n in 1..=total.div_ceil(size).max(1) {
        let page = get_json(
            app,
            token,
            &with(path, &format!("pagina={n}&paginaGrootte={size}")),
        )
        .await;
        let audit = app.last_audit().await;
        assert_eq!(page["aantal"], first_whole["aantal"], "{path} pagina {n}");
        assert_eq!(
            page["afgeschermd"], first_whole["afgeschermd"],
            "{path} pagina {n}"
        );
        let items = page["resultaten"].as_array().unwrap().clone();
        let details: Value = serde_json::from_str(&audit.details).unwrap();
        let shown: Vec<i64> = details["clientenGetoond"]
            .as_str()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let mut on_page: Vec<i64> = items.iter().map(|i| client_of(path, i)).collect();
        on_page.sort();
        on_page.dedup();
        let mut shown_sorted = shown.clone();
        shown_sorted.sort();
        shown_sorted.dedup();
        assert_eq!(
            shown_sorted, on_page,
            "{path} pagina {n}: de cliënten van de pagina"
        );
        paged.extend(items);
    }
    assert_eq!(
        paged, whole,
        "{path}: de pagina's achter elkaar zijn de hele lijst"
    );
    total
}

#[tokio::test]
async fn every_list_of_clients_records_is_the_whole_list_cut_into_pages() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let admin = app.token("beheerder", "installatie").await;
    let provider = get_json(&app, &admin, "/api/v1/aanbieders").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let today = start_time().date_naive();
    let now = start_time().to_rfc3339().replace('+', "%2B");
    let lists = [
        "/api/v1/clienten".to_string(),
        "/api/v1/aanmeldingen".to_string(),
        "/api/v1/beschikkingen".to_string(),
        format!("/api/v1/beschikkingen?bekendOp={now}"),
        "/api/v1/verblijven".to_string(),
        format!("/api/v1/verblijven?actiefOp={today}"),
        format!("/api/v1/verblijven?actiefOp={today}&bekendOp={now}"),
        "/api/v1/wachtlijst".to_string(),
        "/api/v1/wachtlijst?status=open".to_string(),
        format!("/api/v1/wachtlijst?aanbiederId={provider}"),
        "/api/v1/wachtlijst?woongemeente=GM0406".to_string(),
    ];
    let mut read = 0;
    for (role, scope) in [
        ("wachtlijstbeheerder", "regio:GV".to_string()),
        ("wmo-consulent", "gemeente:GM0406".to_string()),
        ("aanbieder", format!("aanbieder:{provider}")),
    ] {
        let token = app.token(role, &scope).await;
        for path in &lists {
            read += pages_cut_the_whole_list(&app, &token, path, 7).await;
        }
    }
    assert!(read > 100, "the demo population fills the lists: {read}");
    // Read as known now, the stays are those read through their keys.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let keyed = get_json(
        &app,
        &manager,
        &format!("/api/v1/verblijven?paginaGrootte=500&actiefOp={today}"),
    )
    .await;
    let replayed = get_json(
        &app,
        &manager,
        &format!("/api/v1/verblijven?paginaGrootte=500&actiefOp={today}&bekendOp={now}"),
    )
    .await;
    assert_eq!(keyed["resultaten"], replayed["resultaten"]);
}
