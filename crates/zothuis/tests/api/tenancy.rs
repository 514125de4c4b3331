//! Huren Onder Voorwaarden over the API: the Wmo consultant of the
//! municipality where the home is and the supporting provider record a
//! trajectory, correct it and end it with its result; nobody else sees
//! them, and no audit row holds the tenant's name.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, location, problem_fields, spawn_app};

const TENANT: &str = "H. Vermeulen-Dekker";
const LIST: &str = "/api/v1/hov-trajecten";

/// A trajectory of a home in Huizen, supported by Kwintes (provider 1),
/// with Woningstichting Het Gooi en Omstreken (the demo's corporation 1).
fn huizen(changes: Value) -> Value {
    let mut body = json!({"gemeente": "GM0406", "huurder": TENANT,
        "corporatieId": 1, "aanbiederId": 1,
        "aanleiding": "huurachterstand", "startdatum": "2025-06-02"});
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    etag: Option<&str>,
) -> (StatusCode, Value, Option<String>) {
    app.api(Method::PUT, token, path, Some(body), etag).await
}

fn ids(list: &Value) -> Vec<i64> {
    list["resultaten"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

fn known_at(t: &Value) -> String {
    t["vastgelegdOp"].as_str().unwrap().replace('+', "%2B")
}

async fn created(app: &TestApp, token: &str, body: Value) -> (i64, String) {
    let (status, t, etag) = app.api_post(token, LIST, body).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    (t["id"].as_i64().unwrap(), etag.unwrap())
}

#[tokio::test]
async fn the_consultant_records_reads_corrects_and_ends_a_trajectory_without_the_name_in_the_audit()
{
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;

    // Created: 201 with where it lives and its version.
    let resp = Client::new()
        .post(app.url(LIST))
        .bearer_auth(&consultant)
        .json(&huizen(json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let where_ = location(&resp);
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let opened: Value = resp.json().await.unwrap();
    let id = opened["id"].as_i64().unwrap();
    let path = format!("/api/v1/hov-trajecten/{id}");
    assert_eq!(where_, path);
    assert_eq!(etag, format!("\"v{}\"", opened["versie"]));
    assert_eq!(opened["gemeente"], "GM0406");
    assert_eq!(opened["huurder"], TENANT);
    assert_eq!(opened["aanbiederId"], 1);
    assert_eq!(
        (&opened["corporatieId"], &opened["corporatie"]),
        (&json!(1), &json!("Woningstichting Het Gooi en Omstreken"))
    );
    assert_eq!(opened["aanleiding"], "huurachterstand");
    assert_eq!(opened["einddatum"], Value::Null);
    assert_eq!(opened["eindresultaat"], Value::Null);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.client_id
        ),
        ("aangemaakt", "hov-traject", "geslaagd", None)
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(!row.details.contains("Vermeulen"), "{}", row.details);

    // Read and listed, each audited without the name.
    let (status, read, read_etag) = app.api_get(&consultant, &path).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(read["huurder"], TENANT);
    assert_eq!(read["versies"].as_array().unwrap().len(), 1);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("bekeken", "hov-traject")
    );
    assert!(!row.details.contains("Vermeulen"));
    let (status, list, _) = app.api_get(&consultant, LIST).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(ids(&list).contains(&id));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "hov-traject")
    );
    assert!(!row.details.contains("Vermeulen"));

    // A correction of what led to it, then the end with its result: each a
    // new version with its own ETag.
    app.clock.advance(chrono::Duration::hours(1));
    let (status, corrected, corrected_etag) = put(
        &app,
        &consultant,
        &path,
        huizen(json!({"aanleiding": "overlast", "toelichting": "na gesprek met de corporatie"})),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["aanleiding"], "overlast");
    let corrected_etag = corrected_etag.unwrap();
    assert_ne!(corrected_etag, etag);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "hov-traject", "geslaagd")
    );
    assert!(!row.details.contains("Vermeulen"));
    app.clock.advance(chrono::Duration::hours(1));
    let (status, ended, _) = put(
        &app,
        &consultant,
        &path,
        huizen(json!({"aanleiding": "overlast", "einddatum": "2026-01-09",
            "eindresultaat": "huur-op-naam"})),
        Some(&corrected_etag),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended["einddatum"], "2026-01-09");
    assert_eq!(ended["eindresultaat"], "huur-op-naam");
    assert_eq!(app.last_audit().await.action, "gewijzigd");

    // A stale ETag: 412 and nothing written; no If-Match at all: 428.
    let before = app.audit(1).await[0].seq;
    let (status, problem, _) = put(
        &app,
        &consultant,
        &path,
        huizen(json!({"aanleiding": "vervuiling"})),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    let (status, problem, _) = put(
        &app,
        &consultant,
        &path,
        huizen(json!({"aanleiding": "vervuiling"})),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{problem}");
    assert!(
        app.audit(5)
            .await
            .iter()
            .all(|r| r.seq <= before || r.action != "gewijzigd"),
        "nothing written"
    );
    let (_, now, _) = app.api_get(&consultant, &path).await;
    assert_eq!(now["aanleiding"], "overlast");
    assert_eq!(now["eindresultaat"], "huur-op-naam");
    assert_eq!(now["versies"].as_array().unwrap().len(), 3);

    // Ended, it is no longer among the running ones.
    let (_, running, _) = app
        .api_get(&consultant, &format!("{LIST}?lopend=true"))
        .await;
    assert!(!ids(&running).contains(&id), "{running}");
    let (_, all, _) = app.api_get(&consultant, LIST).await;
    assert!(ids(&all).contains(&id));
}

#[tokio::test]
async fn bad_input_names_each_field_in_dutch_and_writes_nothing() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let before = app.audit(1).await[0].seq;
    for (body, expected) in [
        (
            huizen(
                json!({"huurder": " ", "corporatieId": null, "aanleiding": "ruzie",
                "startdatum": "2026-03-01", "einddatum": "2025-12-01"}),
            ),
            vec![
                "huurder",
                "corporatieId",
                "aanleiding",
                "startdatum",
                "einddatum",
                "eindresultaat",
            ],
        ),
        (
            huizen(json!({"corporatieId": -1, "startdatum": "2-6-2025",
                "eindresultaat": "weggelopen"})),
            vec!["corporatieId", "startdatum", "eindresultaat", "einddatum"],
        ),
        // A corporation of Zuid-Kennemerland (Pré Wonen) for a home in
        // Huizen, and one that does not exist.
        (huizen(json!({"corporatieId": 3})), vec!["corporatieId"]),
        (huizen(json!({"corporatieId": 999})), vec!["corporatieId"]),
        (
            huizen(json!({"einddatum": "2026-02-01", "eindresultaat": "regulier"})),
            vec!["einddatum"],
        ),
        (huizen(json!({"gemeente": "Huizen"})), vec!["gemeente"]),
        (huizen(json!({"aanbiederId": 999})), vec!["aanbiederId"]),
    ] {
        let (status, problem, _) = app.api_post(&consultant, LIST, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        let mut fields = problem_fields(&problem);
        fields.dedup();
        assert_eq!(fields, expected, "{problem}");
        assert!(!problem.to_string().contains("Vermeulen"));
    }
    assert!(
        app.audit(5).await.iter().all(|r| r.seq <= before),
        "nothing written"
    );
}

#[tokio::test]
async fn only_the_consultant_of_the_municipality_and_the_supporting_provider_see_a_trajectory() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (id, _) = created(&app, &consultant, huizen(json!({}))).await;
    let path = format!("/api/v1/hov-trajecten/{id}");

    // The consultant of Hilversum: not for a home in Huizen, and Huizen's
    // trajectory does not exist for them.
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let (status, problem, _) = app.api_post(&hilversum, LIST, huizen(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "hov-traject", "geweigerd")
    );
    assert!(!row.details.contains("Vermeulen"));
    let (status, body, _) = app.api_get(&hilversum, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("Vermeulen"));
    let (_, read, etag) = app.api_get(&consultant, &path).await;
    let (status, _, _) = put(
        &app,
        &hilversum,
        &path,
        huizen(json!({"aanleiding": "overlast"})),
        etag.as_deref(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list, _) = app.api_get(&hilversum, LIST).await;
    assert!(!ids(&list).contains(&id), "{list}");
    // Hilversum's own trajectory, which Huizen's consultant does not see.
    let (own, _) = created(&app, &hilversum, huizen(json!({"gemeente": "GM0402"}))).await;
    let (status, _, _) = app
        .api_get(&consultant, &format!("/api/v1/hov-trajecten/{own}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Kwintes supports it: sees, lists and corrects it, but may not hand
    // it to another provider.
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    let (status, seen, _) = app.api_get(&kwintes, &path).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["huurder"], TENANT);
    let (_, list, _) = app.api_get(&kwintes, LIST).await;
    assert!(ids(&list).contains(&id));
    app.clock.advance(chrono::Duration::hours(1));
    let (status, changed, changed_etag) = put(
        &app,
        &kwintes,
        &path,
        huizen(json!({"toelichting": "afspraken met de corporatie verlengd"})),
        etag.as_deref(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_ne!(changed["versie"], read["versie"]);
    assert_eq!(
        changed["vastgelegdDoor"].as_str().map(str::is_empty),
        Some(false)
    );
    let (status, _, _) = put(
        &app,
        &kwintes,
        &path,
        huizen(json!({"aanbiederId": 4})),
        changed_etag.as_deref(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
    // A trajectory Kwintes records itself, in another municipality.
    let (status, theirs, _) = app
        .api_post(&kwintes, LIST, huizen(json!({"gemeente": "GM0417"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");

    // RIBW does not support it: it does not exist for them.
    let ribw = app.token("aanbieder", "aanbieder:4").await;
    let (status, body, _) = app.api_get(&ribw, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("Vermeulen"));
    let (status, list, _) = app.api_get(&ribw, LIST).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!ids(&list).contains(&id));
    let (status, _, _) = app.api_post(&ribw, LIST, huizen(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Roles outside the covenant: refused, each refusal audited.
    for (role, scope) in [
        ("wachtlijstbeheerder", "regio:GV"),
        ("beleidsadviseur", "regio:GV"),
        ("zorgcoordinator", "regio:ZKIH"),
    ] {
        let token = app.token(role, scope).await;
        let (status, body, _) = app.api_get(&token, LIST).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("lijst-bekeken", "hov-traject", "geweigerd"),
            "{role}"
        );
        let (status, body, _) = app.api_post(&token, LIST, huizen(json!({}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("aangemaakt", "hov-traject", "geweigerd"),
            "{role}"
        );
        let (status, body, _) = app.api_get(&token, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        assert!(!body.to_string().contains("Vermeulen"), "{role}");
        assert_eq!(app.last_audit().await.outcome, "geweigerd");
    }
}

#[tokio::test]
async fn as_known_before_a_correction_the_trajectory_reads_as_it_was() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (_, first, _) = app
        .api_post(
            &consultant,
            LIST,
            huizen(json!({"aanleiding": "vervuiling"})),
        )
        .await;
    let id = first["id"].as_i64().unwrap();
    let path = format!("/api/v1/hov-trajecten/{id}");
    app.clock.advance(chrono::Duration::days(2));
    let (status, second, _) = put(
        &app,
        &consultant,
        &path,
        huizen(json!({"aanleiding": "uitstroom", "startdatum": "2025-05-19"})),
        Some(&format!("\"v{}\"", first["versie"])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");

    let then = known_at(&first);
    let (status, before, etag) = app
        .api_get(&consultant, &format!("{path}?bekendOp={then}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["aanleiding"], "vervuiling");
    assert_eq!(before["startdatum"], "2025-06-02");
    assert_eq!(before["versies"].as_array().unwrap().len(), 1);
    assert_eq!(etag, Some(format!("\"v{}\"", first["versie"])));
    let row = app.last_audit().await;
    assert_eq!(row.action, "bekeken");
    assert!(row.details.contains("bekendOp"), "{}", row.details);
    let (_, list, _) = app
        .api_get(&consultant, &format!("{LIST}?bekendOp={then}"))
        .await;
    let listed = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(listed["aanleiding"], "vervuiling");

    let (_, now, _) = app.api_get(&consultant, &path).await;
    assert_eq!(now["aanleiding"], "uitstroom");
    assert_eq!(now["startdatum"], "2025-05-19");
    let versions: Vec<&Value> = now["versies"].as_array().unwrap().iter().collect();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["aanleiding"], "vervuiling");
    assert_eq!(versions[1]["aanleiding"], "uitstroom");

    // Before it was recorded it did not exist.
    let earlier = (chrono::DateTime::parse_from_rfc3339(first["vastgelegdOp"].as_str().unwrap())
        .unwrap()
        - chrono::Duration::seconds(1))
    .to_rfc3339()
    .replace('+', "%2B");
    let (status, _, _) = app
        .api_get(&consultant, &format!("{path}?bekendOp={earlier}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
