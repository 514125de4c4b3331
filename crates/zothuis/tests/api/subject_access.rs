//! Requests of access (AVG art. 15): the privacy officer records a request
//! for a client of the region, named by BSN or client number with the date
//! of birth, and answers it with one export of everything zothuis holds,
//! who read it included, with staff by role and organisation and a secret
//! address left out. Nobody else may; every step is in the audit log.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, problem_fields, spawn_app};

const PATH: &str = "/api/v1/inzageverzoeken";

async fn register(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, created, _) = app.api_post(token, "/api/v1/clienten", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

/// A Huizen client with a home address: the client's id.
async fn with_address(app: &TestApp, token: &str, person: Value, address: &str) -> i64 {
    let id = register(app, token, person).await;
    let (status, body, _) = app
        .api_post(
            token,
            &format!("/api/v1/clienten/{id}/adressen"),
            json!({"soort": "woonadres", "gemeenteCode": "GM0406", "adres": address, "ingangsdatum": "2025-03-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

fn request(bsn: &str, born: &str) -> Value {
    json!({"bsn": bsn, "geboortedatum": born, "ontvangenOp": "2026-01-09",
        "identiteitGecontroleerd": "paspoort gezien aan de balie"})
}

/// The rows of one part of the export.
fn part<'a>(dossier: &'a Value, key: &str) -> &'a Vec<Value> {
    dossier["onderdelen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sleutel"] == key)
        .unwrap_or_else(|| panic!("no part {key} in {dossier}"))["regels"]
        .as_array()
        .unwrap()
}

#[tokio::test]
async fn the_privacy_officer_answers_a_request_with_the_whole_record_and_who_read_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let fg = app.token("fg", "regio:GV").await;
    let id = with_address(
        &app,
        &huizen,
        json!({"voornaam": "Inge", "achternaam": "Visser", "geboortedatum": "1979-02-03", "bsn": "999957119"}),
        "Lindelaan 4, Huizen",
    )
    .await;
    // The consultant reads the client: the export must say so.
    let (status, _, _) = app
        .api_get(&huizen, &format!("/api/v1/clienten/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, created, _) = app
        .api_post(&fg, PATH, request("999957119", "1979-02-03"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let request_id = created["id"].as_i64().unwrap();
    assert_eq!(created["clientId"], json!(id));
    assert_eq!(created["beantwoordenVoor"], json!("2026-02-09"));
    assert_eq!(created["beantwoordOp"], Value::Null);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.client_id,
            row.outcome.as_str()
        ),
        ("aangemaakt", "inzageverzoek", Some(id), "geslaagd")
    );
    assert_eq!(row.object_id, Some(request_id.to_string()));
    assert!(
        row.details.contains("999****19") || row.details.contains("*"),
        "{}",
        row.details
    );
    assert!(
        !row.details.contains("999957119"),
        "no BSN in the log: {}",
        row.details
    );

    let (status, list, _) = app.api_get(&fg, PATH).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["resultaten"][0]["id"], json!(request_id));

    let (status, dossier, _) = app
        .api_get(&fg, &format!("{PATH}/{request_id}/dossier"))
        .await;
    assert_eq!(status, StatusCode::OK, "{dossier}");
    let person = part(&dossier, "persoonsgegevens");
    assert_eq!(person[0]["voornaam"], "Inge");
    assert_eq!(person[0]["bsn"], "999957119");
    assert_eq!(person[0]["door"], "Wmo-consulent, gemeente Huizen");
    let addresses = part(&dossier, "adressen");
    assert_eq!(addresses[0]["adres"], "Lindelaan 4, Huizen");
    assert_eq!(addresses[0]["gemeente"], "Huizen");
    let reads = part(&dossier, "inzage");
    assert!(
        reads
            .iter()
            .any(|r| r["wie"] == "Wmo-consulent, gemeente Huizen" && r["actie"] == "Bekeken"),
        "{reads:?}"
    );
    assert!(
        reads
            .iter()
            .any(|r| r["wie"] == "Functionaris gegevensbescherming, regio Gooi en Vechtstreek"),
        "the request itself is in it: {reads:?}"
    );
    let text = dossier.to_string();
    assert!(
        !text.contains("test wmo-consulent"),
        "no token or user names: {text}"
    );
    assert!(part(&dossier, "beschikkingen").is_empty());
    assert_eq!(dossier["inzageverzoek"]["id"], json!(request_id));
    assert!(dossier["inzageverzoek"]["beantwoordOp"].is_string());

    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.client_id,
            row.outcome.as_str()
        ),
        ("bekeken", "inzageverzoek", Some(id), "geslaagd")
    );
    assert!(
        row.details.contains("\"inzageverzoek\":"),
        "{}",
        row.details
    );

    // The same day the answer can be made again (the PDF and the JSON)…
    let (status, _, _) = app
        .api_get(&fg, &format!("{PATH}/{request_id}/dossier"))
        .await;
    assert_eq!(status, StatusCode::OK);
    // …a later day needs a new request.
    app.clock.advance(chrono::Duration::days(1));
    let (status, problem, _) = app
        .api_get(&fg, &format!("{PATH}/{request_id}/dossier"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nieuw verzoek"),
        "{problem}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.outcome.as_str()),
        ("bekeken", "geweigerd")
    );
}

#[tokio::test]
async fn a_request_finds_nobody_outside_the_region_or_with_another_date_of_birth() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let haarlem = app.token("wmo-consulent", "gemeente:GM0392").await;
    let fg = app.token("fg", "regio:GV").await;
    let fg_zkih = app.token("fg", "regio:ZKIH").await;
    let own = register(
        &app,
        &huizen,
        json!({"voornaam": "Joop", "achternaam": "Kok", "geboortedatum": "1970-05-06", "bsn": "999957120"}),
    )
    .await;
    register(
        &app,
        &haarlem,
        json!({"voornaam": "Kees", "achternaam": "Kok", "geboortedatum": "1971-05-06", "bsn": "999957132"}),
    )
    .await;
    for (body, field) in [
        (request("999957120", "1970-06-05"), "bsn"),
        (request("999957132", "1971-05-06"), "bsn"),
        (request("999957144", "1971-05-06"), "bsn"),
        (
            json!({"clientnummer": own, "geboortedatum": "1970-05-07", "ontvangenOp": "2026-01-09",
            "identiteitGecontroleerd": "id-kaart"}),
            "clientnummer",
        ),
    ] {
        let (status, problem, _) = app.api_post(&fg, PATH, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} {problem}");
        assert_eq!(problem_fields(&problem), [field], "{problem}");
        assert!(
            problem.to_string().contains("geen cliënt met dit BSN"),
            "{problem}"
        );
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("aangemaakt", "inzageverzoek", "geweigerd")
        );
        assert!(
            !row.details.contains("99995712") && !row.details.contains("99995713"),
            "{}",
            row.details
        );
    }
    // By client number, for someone without a BSN.
    let (status, created, _) = app
        .api_post(
            &fg,
            PATH,
            json!({"clientnummer": own, "geboortedatum": "1970-05-06", "ontvangenOp": "2026-01-09",
                "identiteitGecontroleerd": "id-kaart"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let request_id = created["id"].as_i64().unwrap();
    // Another region's privacy officer neither sees nor answers it.
    let (_, list, _) = app.api_get(&fg_zkih, PATH).await;
    assert_eq!(list["aantal"], json!(0), "{list}");
    for path in [
        format!("{PATH}/{request_id}"),
        format!("{PATH}/{request_id}/dossier"),
    ] {
        let (status, _, _) = app.api_get(&fg_zkih, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Invalid input is named per field.
    let (status, problem, _) = app
        .api_post(
            &fg,
            PATH,
            json!({"bsn": "123", "ontvangenOp": "2027-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        problem_fields(&problem),
        [
            "bsn",
            "geboortedatum",
            "ontvangenOp",
            "identiteitGecontroleerd"
        ]
    );
}

#[tokio::test]
async fn only_the_privacy_officer_handles_requests_of_access() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    for (role, scope) in [
        ("wmo-consulent", "gemeente:GM0406"),
        ("wachtlijstbeheerder", "regio:GV"),
        ("beheerder", "installatie"),
        ("beleidsadviseur", "regio:GV"),
        ("aanbieder", "aanbieder:1"),
    ] {
        let token = app.token(role, scope).await;
        let (status, _, _) = app.api_get(&token, PATH).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role} {scope}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.outcome.as_str()),
            ("inzageverzoek", "geweigerd"),
            "{role}"
        );
        let (status, _, _) = app
            .api_post(&token, PATH, request("999957120", "1970-05-06"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role} {scope}");
    }
}

#[tokio::test]
async fn a_secret_address_stays_out_of_the_export() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let fg = app.token("fg", "regio:GV").await;
    let id = with_address(
        &app,
        &huizen,
        json!({"voornaam": "Ria", "achternaam": "Stil", "geboortedatum": "1981-04-04", "bsn": "999957156"}),
        "Geheimpad 1, Huizen",
    )
    .await;
    // Shielded after the address was recorded (women's shelter).
    let (status, body, _) = app
        .api(
            reqwest::Method::PUT,
            &huizen,
            &format!("/api/v1/clienten/{id}"),
            Some(json!({"voornaam": "Ria", "achternaam": "Stil", "geboortedatum": "1981-04-04", "bsn": "999957156", "afgeschermd": true})),
            Some("\"v1\""),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, created, _) = app
        .api_post(&fg, PATH, request("999957156", "1981-04-04"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, dossier, _) = app
        .api_get(&fg, &format!("{PATH}/{}/dossier", created["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!dossier.to_string().contains("Geheimpad"), "{dossier}");
    assert_eq!(
        part(&dossier, "adressen")[0]["adres"],
        "afgeschermd: in te zien op afspraak"
    );
    assert!(
        dossier["toelichting"]
            .to_string()
            .contains("geheime adressen")
    );
}

/// Looking people up by BSN and date of birth is limited per user: a
/// look-up that finds the person does not count, failures do, and past the
/// limit even a right one waits for the window (audited). The access point's
/// link by BSN shares the limit's mechanism.
#[tokio::test]
async fn failed_look_ups_by_bsn_are_limited_per_user() {
    let mut app = zothuis_testkit::spawn_app_with(zothuis_domain::Settings {
        lookup_max_failures: 2,
        ..Default::default()
    })
    .await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let fg = app.token("fg", "regio:GV").await;
    register(
        &app,
        &huizen,
        json!({"voornaam": "Joop", "achternaam": "Kok", "geboortedatum": "1970-05-06", "bsn": "999957120"}),
    )
    .await;
    let right = request("999957120", "1970-05-06");
    let wrong = request("999957120", "1970-06-05");
    let (status, _, _) = app.api_post(&fg, PATH, right.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    for _ in 0..2 {
        let (status, _, _) = app.api_post(&fg, PATH, wrong.clone()).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a found person did not count"
        );
    }
    let (status, problem, _) = app.api_post(&fg, PATH, right.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("te vaak"),
        "{problem}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("inzageverzoek", "geweigerd")
    );
    assert!(
        row.details.contains("te veel mislukte zoekpogingen"),
        "{}",
        row.details
    );
    // Another user is not held up; after the window the user may again.
    let other = app.token("fg", "regio:ZKIH").await;
    let (status, _, _) = app.api_post(&other, PATH, right.clone()).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not found in ZKIH, but not held up"
    );
    app.clock.advance(chrono::Duration::minutes(16));
    let (status, _, _) = app.api_post(&fg, PATH, right).await;
    assert_eq!(status, StatusCode::CREATED);

    // The access point: one failure too many.
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let melding = json!({"soort": "traject", "meldingsdatum": "2026-01-05",
        "bekendePersoon": {"bsn": "999957028", "geboortedatum": "1970-05-06"}});
    for expected in [
        StatusCode::BAD_REQUEST,
        StatusCode::BAD_REQUEST,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let (status, problem, _) = app
            .api_post(&bct, "/api/v1/meldingen-opvang", melding.clone())
            .await;
        assert_eq!(status, expected, "{problem}");
    }
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("melding-opvang", "geweigerd")
    );
}
