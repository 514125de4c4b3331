//! Two users edit the same client at the same time. The second to save gets
//! 412 over the API, or the form back with a clear Dutch message and their
//! input kept; nothing the first saved is lost.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{csrf_from, spawn_app};

/// The editable fields of a client as read, for a PUT.
fn input(view: &Value) -> Value {
    let mut body = json!({});
    for k in [
        "voornaam",
        "achternaam",
        "geboortedatum",
        "bsn",
        "telefoon",
        "email",
    ] {
        body[k] = view[k].clone();
    }
    body
}

#[tokio::test]
async fn the_second_of_two_users_editing_one_client_is_told_and_nothing_is_lost() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let anna = app.token("wmo-consulent", "gemeente:GM0406").await;
    let bart = app.token("wmo-consulent", "gemeente:GM0406").await;
    let http = Client::new();
    let created: Value = http
        .post(app.url("/api/v1/clienten"))
        .bearer_auth(&anna)
        .json(&json!({"voornaam": "Sanne", "achternaam": "de Boer", "geboortedatum": "1990-04-12", "bsn": "999990019"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = app.url(&format!("/api/v1/clienten/{}", created["id"]));
    let read = |token: String| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
            let etag = r.headers()["etag"].to_str().unwrap().to_string();
            let body: Value = r.json().await.unwrap();
            (etag, body)
        }
    };
    // Both open the client.
    let (anna_etag, mut anna_view) = read(anna.clone()).await;
    let (bart_etag, mut bart_view) = read(bart.clone()).await;
    assert_eq!(anna_etag, bart_etag);

    // Bart saves a phone number first.
    bart_view["telefoon"] = json!("06-11112222");
    let r = http
        .put(&url)
        .bearer_auth(&bart)
        .header("If-Match", &bart_etag)
        .json(&input(&bart_view))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Anna's save of an e-mail address on the old version is refused …
    anna_view["email"] = json!("sanne@example.org");
    let r = http
        .put(&url)
        .bearer_auth(&anna)
        .header("If-Match", &anna_etag)
        .json(&input(&anna_view))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert!(
        p["detail"].as_str().unwrap().contains("gewijzigd"),
        "a Dutch reason: {p}"
    );
    // … and Bart's phone number is still there.
    let (etag, now) = read(anna.clone()).await;
    assert_eq!(now["telefoon"], "06-11112222");
    assert_eq!(now["email"], Value::Null);

    // Anna reloads and saves again: both changes are kept.
    let mut again = now.clone();
    again["email"] = json!("sanne@example.org");
    let r = http
        .put(&url)
        .bearer_auth(&anna)
        .header("If-Match", &etag)
        .json(&input(&again))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, last) = read(bart.clone()).await;
    assert_eq!(
        (last["telefoon"].as_str(), last["email"].as_str()),
        (Some("06-11112222"), Some("sanne@example.org"))
    );

    // In the pages: a consultant opens the edit form, someone else saves
    // over the API, the consultant's save gets a clear Dutch message with
    // their input kept, and the other change stays.
    let browser = app.login("consulent.huizen").await;
    let edit = format!("/clienten/{}/wijzigen", created["id"]);
    let form = app.page(&browser, &edit).await;
    let csrf = csrf_from(&form);
    let version = form
        .split("name=\"versie\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (etag, mut view) = read(bart.clone()).await;
    view["achternaam"] = json!("de Boer-Smit");
    let r = http
        .put(&url)
        .bearer_auth(&bart)
        .header("If-Match", &etag)
        .json(&input(&view))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = browser
        .post(app.url(&edit))
        .form(&[
            ("csrf", csrf.as_str()),
            ("versie", version.as_str()),
            ("voornaam", "Sanne"),
            ("achternaam", "de Boer"),
            ("geboortedatum", "1990-04-12"),
            ("bsn", "999990019"),
            ("telefoon", "06-99998888"),
            ("email", "sanne@example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Iemand anders heeft dit gegeven gewijzigd"));
    assert!(
        html.contains("value=\"06-99998888\""),
        "the consultant's input is kept"
    );
    let (_, last) = read(anna.clone()).await;
    assert_eq!(last["achternaam"], "de Boer-Smit");
    assert_eq!(last["telefoon"], "06-11112222");
}
