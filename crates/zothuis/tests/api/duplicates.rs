//! Likely duplicates: the consultant and the waiting-list manager see the
//! pairs among their own clients that may be one person, with why; nobody
//! else, and never a pair with a client they may not see.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

const PATH: &str = "/api/v1/clienten/mogelijke-dubbelen";

async fn register(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, created, _) = app.api_post(token, "/api/v1/clienten", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

/// The pair of these two records in a list, if it is there.
fn pair(list: &Value, a: i64, b: i64) -> Option<Value> {
    list["resultaten"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .find(|p| {
            let ids = [p["eerste"]["id"].as_i64(), p["tweede"]["id"].as_i64()];
            ids == [Some(a.min(b)), Some(a.max(b))]
        })
        .cloned()
}

#[tokio::test]
async fn likely_duplicates_are_shown_with_their_reasons_within_the_users_own_clients() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let person = |given: &str, family: &str, born: &str| json!({"voornaam": given, "achternaam": family, "geboortedatum": born});
    let m1 = register(&app, &huizen, person("Mohammed", "El Amrani", "1980-04-03")).await;
    let mut with_bsn = person("Mohamed", "El-Amrani", "1980-04-03");
    with_bsn["bsn"] = json!("999957089");
    let m2 = register(&app, &huizen, with_bsn).await;
    let a1 = register(&app, &huizen, person("Anna", "de Boer", "1990-03-04")).await;
    let a2 = register(&app, &huizen, person("Anna", "de Boer", "1990-04-03")).await;
    // Two people with different BSNs are never one.
    let mut s1 = person("Sara", "Bakker", "1985-06-07");
    s1["bsn"] = json!("999957090");
    let s1 = register(&app, &huizen, s1).await;
    let mut s2 = person("Sarah", "Bakker", "1985-06-07");
    s2["bsn"] = json!("999957107");
    let s2 = register(&app, &huizen, s2).await;
    // The same name in Hilversum: not Huizen's client.
    let h = register(
        &app,
        &hilversum,
        person("Mohammed", "El Amrani", "1980-04-03"),
    )
    .await;

    let (status, list, _) = app.api_get(&huizen, PATH).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let spelled = pair(&list, m1, m2).expect("a spelling variant");
    assert_eq!(
        spelled["redenen"],
        json!(["zelfde-geboortedatum", "naam-lijkt", "zonder-bsn"])
    );
    let score = spelled["overeenkomst"].as_f64().unwrap();
    assert!((0.9..1.0).contains(&score), "{spelled}");
    assert_eq!(
        pair(&list, a1, a2).expect("a swapped date")["redenen"],
        json!(["zelfde-naam", "dag-en-maand-verwisseld", "zonder-bsn"])
    );
    assert!(pair(&list, s1, s2).is_none(), "two BSNs: two people");
    assert!(
        pair(&list, m1, h).is_none(),
        "Hilversum's client is not shown"
    );
    assert!(!list.to_string().contains(&format!("\"id\":{h},")));
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("lijst-bekeken", "client", "geslaagd")
    );
    assert!(row.details.contains("mogelijkeDubbelen"), "{}", row.details);
    assert!(!row.details.contains("Amrani"), "no names in the audit row");

    // The region's waiting-list manager sees both municipalities' clients.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (status, list, _) = app
        .api_get(&manager, &format!("{PATH}?paginaGrootte=500"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(pair(&list, m1, h).is_some(), "{list}");
    assert!(pair(&list, m2, h).is_some(), "{list}");

    // Nobody else.
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV"),
        ("fg", "regio:GV"),
        ("aanbieder", "aanbieder:1"),
        ("toegangsmedewerker", "regio:GV"),
        ("zorgcoordinator", "regio:GV"),
    ] {
        let token = app.token(role, scope).await;
        let (status, problem, _) = app.api_get(&token, PATH).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {problem}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.action.as_str(), row.outcome.as_str()),
            ("lijst-bekeken", "geweigerd"),
            "{role}"
        );
    }
}

#[tokio::test]
async fn the_consultant_finds_likely_duplicates_from_the_client_list() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    for family in ["van den Berg", "Van den Berg"] {
        register(
            &app,
            &huizen,
            json!({"voornaam": "Joke", "achternaam": family, "geboortedatum": "1966-11-30"}),
        )
        .await;
    }
    let browser = app.login("consulent.huizen").await;
    let list = app.page(&browser, "/clienten").await;
    assert!(
        list.contains("href=\"/clienten/mogelijke-dubbelen\""),
        "{list}"
    );
    let html = app.page(&browser, "/clienten/mogelijke-dubbelen").await;
    assert!(
        html.contains("<h1>Mogelijke dubbele registraties</h1>"),
        "{html}"
    );
    assert!(html.contains("Joke van den Berg (nr. "), "{html}");
    assert!(html.contains("Joke Van den Berg (nr. "), "{html}");
    assert!(html.contains("30 november 1966"), "{html}");
    assert!(
        html.contains("zelfde geboortedatum, zelfde naam, niet allebei met BSN"),
        "{html}"
    );
    assert!(html.contains("100 %"), "{html}");
    // A policy adviser has no such page.
    let policy = app.login("beleid.gv").await;
    let resp = policy
        .get(app.url("/clienten/mogelijke-dubbelen"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
