//! Clients: registration, BSN checks, who sees whom, restricted clients,
//! address history with corrections, and the audit of every read.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, spawn_app};

async fn register(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(app.url("/api/v1/clienten"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn sanne() -> Value {
    json!({"voornaam": "Sanne", "achternaam": "de Boer", "geboortedatum": "1990-04-12", "bsn": "999990019"})
}

#[tokio::test]
async fn a_consultant_registers_a_client_and_every_read_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let resp = register(&app, &huizen, sanne()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let c: Value = resp.json().await.unwrap();
    assert_eq!(c["geregistreerdDoor"], "GM0406");
    let id = c["id"].as_i64().unwrap();
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "client", Some(id))
    );
    assert!(
        !row.details.contains("999990019"),
        "no BSN in the audit log"
    );

    let read = Client::new()
        .get(app.url(&format!("/api/v1/clienten/{id}")))
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let row = app.last_audit().await;
    assert_eq!((row.action.as_str(), row.client_id), ("bekeken", Some(id)));
    let list: Value = Client::new()
        .get(app.url("/api/v1/clienten?zoek=999990019"))
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["aantal"], 1);
    let row = app.last_audit().await;
    assert_eq!(row.action, "lijst-bekeken");
    assert!(
        row.details.contains("******019") && !row.details.contains("999990019"),
        "{}",
        row.details
    );
}

#[tokio::test]
async fn a_bsn_is_checked_and_a_duplicate_points_to_the_existing_client() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let first: Value = register(&app, &huizen, sanne()).await.json().await.unwrap();
    let dup = register(&app, &huizen, json!({"voornaam": "S.", "achternaam": "Boer", "geboortedatum": "1990-04-12", "bsn": "9999.90.019"})).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let body: Value = dup.json().await.unwrap();
    assert_eq!(
        body["bestaand"],
        format!("/api/v1/clienten/{}", first["id"])
    );
    assert_eq!(body["detail"], "Er is al een cliënt met dit BSN.");
    let bad = register(&app, &huizen, json!({"voornaam": "A", "achternaam": "B", "geboortedatum": "1990-01-01", "bsn": "123456789"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["invalidParams"][0]["name"], "bsn");
    assert!(
        body["invalidParams"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("elfproef")
    );

    // On the page, the duplicate links to the existing client.
    let consultant = app.login("consulent.huizen").await;
    let csrf = app.csrf(&consultant, "/clienten/nieuw").await;
    let resp = consultant
        .post(app.url("/clienten/nieuw"))
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
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(&format!("href=\"/clienten/{}\"", first["id"])),
        "{html}"
    );
}

#[tokio::test]
async fn each_role_sees_only_the_clients_of_its_own_area() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let id = register(&app, &huizen, sanne())
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/clienten/{id}");
    let cases = [
        ("wmo-consulent", "gemeente:GM0406", StatusCode::OK, 1),
        ("wmo-consulent", "gemeente:GM0402", StatusCode::NOT_FOUND, 0),
        ("wachtlijstbeheerder", "regio:GV", StatusCode::OK, 1),
        (
            "wachtlijstbeheerder",
            "regio:ZKIH",
            StatusCode::NOT_FOUND,
            0,
        ),
        ("aanbieder", "aanbieder:1", StatusCode::NOT_FOUND, 0),
    ];
    for (role, scope, status, listed) in cases {
        let t = app.token(role, scope).await;
        let resp = Client::new()
            .get(app.url(&path))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{role} {scope}");
        let list: Value = Client::new()
            .get(app.url("/api/v1/clienten"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["aantal"], listed, "{role} {scope}");
    }
    // Policy roles, the administrator and the privacy officer see no personal data at all.
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV"),
        ("bestuurder", "regio:GV"),
        ("beheerder", "installatie"),
        ("fg", "regio:GV"),
    ] {
        let t = app.token(role, scope).await;
        assert_eq!(
            Client::new()
                .get(app.url(&path))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND,
            "{role}: one client answers as an unknown id"
        );
        assert_eq!(
            Client::new()
                .get(app.url("/api/v1/clienten"))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let denied = app.last_audit().await;
        assert_eq!(denied.outcome, "geweigerd");
    }
    // A refused look at one client is audited with that client.
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    Client::new()
        .get(app.url(&path))
        .bearer_auth(&hilversum)
        .send()
        .await
        .unwrap();
    let row = app.last_audit().await;
    assert_eq!(
        (row.outcome.as_str(), row.client_id),
        ("geweigerd", Some(id))
    );
}

#[tokio::test]
async fn a_restricted_client_is_invisible_until_access_is_granted() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.login("consulent.huizen").await;
    let csrf = app.csrf(&consultant, "/clienten/nieuw").await;
    let resp = consultant
        .post(app.url("/clienten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("voornaam", "Fatima"),
            ("achternaam", "Yilmaz"),
            ("geboortedatum", "1988-11-02"),
            ("afgeschermd", "ja"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = resp.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // The registering consultant sees her.
    let html = app.page(&consultant, &page).await;
    assert!(html.contains("Fatima Yilmaz") && html.contains("alleen zichtbaar voor gemachtigden"));
    // The regional waitlist manager does not, not even in search.
    let manager = app.login("wachtlijst.gv").await;
    let hidden = manager.get(app.url(&page)).send().await.unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let search = app.page(&manager, "/clienten?zoek=Yilmaz").await;
    assert!(!search.contains("Fatima"));
    // Granted, she appears.
    let csrf = app.csrf(&consultant, &page).await;
    let grant = consultant
        .post(app.url(&format!("{page}/toegang")))
        .form(&[("csrf", csrf.as_str()), ("gebruikersnaam", "wachtlijst.gv")])
        .send()
        .await
        .unwrap();
    assert_eq!(grant.status(), StatusCode::SEE_OTHER);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "client-toegang")
    );
    assert_eq!(
        manager.get(app.url(&page)).send().await.unwrap().status(),
        StatusCode::OK
    );
    // A policy role cannot be granted.
    let csrf = app.csrf(&consultant, &page).await;
    let refused = consultant
        .post(app.url(&format!("{page}/toegang")))
        .form(&[("csrf", csrf.as_str()), ("gebruikersnaam", "beleid.gv")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("rol zonder toegang tot cliënten")
    );
}

#[tokio::test]
async fn a_corrected_address_changes_todays_answer_but_not_what_was_known_before() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let id = register(&app, &huizen, sanne())
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let url = app.url(&format!("/api/v1/clienten/{id}/adressen"));
    let c = Client::new();
    let first = c
        .post(&url)
        .bearer_auth(&huizen)
        .json(
            &json!({"soort": "woonadres", "gemeenteCode": "GM0406", "ingangsdatum": "2022-01-01"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let moved: Value = c.post(&url).bearer_auth(&huizen).json(&json!({"soort": "woonadres", "gemeenteCode": "GM0402", "adres": "Kerkbrink 1, Hilversum", "ingangsdatum": "2024-03-01"})).send().await.unwrap().json().await.unwrap();
    assert_eq!(app.last_audit().await.object_type, "adres");
    let before_correction = app.clock.now() + chrono::Duration::hours(1);
    app.clock.advance(chrono::Duration::days(2));
    let corrected = c
        .post(&url)
        .bearer_auth(&huizen)
        .json(&json!({"soort": "woonadres", "gemeenteCode": "GM0402", "adres": "Kerkbrink 1, Hilversum", "ingangsdatum": "2024-02-01", "vervangt": moved["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(corrected.status(), StatusCode::CREATED);
    let today: Value = c
        .get(&url)
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dates: Vec<&str> = today
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ingangsdatum"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2022-01-01", "2024-02-01"]);
    let then: Value = c
        .get(&url)
        .bearer_auth(&huizen)
        .query(&[("bekendOp", before_correction.to_rfc3339())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dates: Vec<&str> = then
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ingangsdatum"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2022-01-01", "2024-03-01"]);
    // A row cannot be corrected twice, or from another client.
    let again = c.post(&url).bearer_auth(&huizen).json(&json!({"soort": "woonadres", "gemeenteCode": "GM0402", "ingangsdatum": "2024-01-01", "vervangt": moved["id"]})).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    // Withdrawing the corrected row leaves only the first address.
    let withdraw = c.post(&url).bearer_auth(&huizen).json(&json!({"ingangsdatum": "2024-02-01", "vervangt": corrected.json::<Value>().await.unwrap()["id"], "vervallen": true})).send().await.unwrap();
    assert_eq!(withdraw.status(), StatusCode::CREATED);
    let now: Value = c
        .get(&url)
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn changing_details_keeps_the_earlier_version() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let id = register(&app, &huizen, sanne())
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let before = app.clock.now() + chrono::Duration::minutes(1);
    app.clock.advance(chrono::Duration::hours(3));
    let url = app.url(&format!("/api/v1/clienten/{id}"));
    let c = Client::new();
    let resp = c
        .put(&url)
        .bearer_auth(&huizen)
        .header("If-Match", "\"v1\"")
        .json(&json!({"voornaam": "Sanne", "achternaam": "Bakker", "geboortedatum": "1990-04-12", "bsn": "999990019"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.client_id),
        ("gewijzigd", Some(id))
    );
    assert!(
        row.details.contains("achternaam") && !row.details.contains("Bakker"),
        "{}",
        row.details
    );
    let now: Value = c
        .get(&url)
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["achternaam"], "Bakker");
    let then: Value = c
        .get(&url)
        .bearer_auth(&huizen)
        .query(&[("bekendOp", before.to_rfc3339())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(then["achternaam"], "de Boer");
    let stale = c
        .put(&url)
        .bearer_auth(&huizen)
        .header("If-Match", "\"v1\"")
        .json(&sanne())
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn the_client_pages_work_for_a_consultant_from_search_to_history() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.login("consulent.huizen").await;
    let home = app.page(&consultant, "/").await;
    assert!(home.contains("href=\"/clienten\""));
    let csrf = app.csrf(&consultant, "/clienten/nieuw").await;
    let bad = consultant
        .post(app.url("/clienten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("voornaam", "Piet"),
            ("achternaam", ""),
            ("geboortedatum", "12-03-1975"),
            ("bsn", "12345"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("Dit veld is verplicht") && html.contains("Een BSN bestaat uit 9 cijfers")
    );
    let created = consultant
        .post(app.url("/clienten/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("voornaam", "Piet"),
            ("achternaam", "Visser"),
            ("geboortedatum", "12-03-1975"),
        ])
        .send()
        .await
        .unwrap();
    let page = created.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let address = consultant
        .post(app.url(&format!("{page}/adressen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("soort", "woonadres"),
            ("gemeenteCode", "GM0406"),
            ("adres", "Dorpsweg 2"),
            ("instelling", "geen"),
            ("ingangsdatum", "2020-05-01"),
            ("vervangt", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(address.status(), StatusCode::SEE_OTHER);
    let detail = app.page(&consultant, &page).await;
    assert!(
        detail.contains("Piet Visser")
            && detail.contains("12 maart 1975")
            && detail.contains("Dorpsweg 2 (Huizen)")
    );
    let list = app.page(&consultant, "/clienten?zoek=visser").await;
    assert!(list.contains("Piet Visser"));
    // A policy officer gets no client pages at all.
    let policy = app.login("beleid.gv").await;
    assert_eq!(
        policy
            .get(app.url("/clienten"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        policy.get(app.url(&page)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
