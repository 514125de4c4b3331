//! The central access point for shelter (Brede Centrale Toegang): its staff
//! register who turns up, where they come from and what the investigation
//! found; nobody else sees these registrations.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_testkit::{hidden_version, location, problem_fields, spawn_app};

fn new_person(family_name: &str) -> Value {
    json!({"voornaam": "Sam", "achternaam": family_name, "geboortedatum": "1980-02-03"})
}

#[tokio::test]
async fn the_access_point_registers_a_person_and_records_the_outcome_as_a_new_version() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let (status, created, etag) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"client": new_person("Zonderdak"), "soort": "traject", "meldingsdatum": "2026-01-05",
                   "herkomstOpgegeven": "GM0406", "toelichting": "slaapt in de auto"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["herkomst"], "GM0406");
    assert_eq!(
        created["herkomstBepaald"], "opgave",
        "no address known: what the person says"
    );
    assert_eq!(created["uitkomst"], Value::Null);
    let id = created["id"].as_i64().unwrap();
    let client = created["clientId"].as_i64().unwrap();
    // Two audit rows in the one transaction: the new client and the registration.
    let rows = app.audit(2).await;
    assert_eq!(
        (rows[0].action.as_str(), rows[0].object_type.as_str()),
        ("aangemaakt", "melding-opvang")
    );
    assert_eq!(rows[0].client_id, Some(client));
    assert_eq!(rows[0].object_id.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(
        (rows[1].action.as_str(), rows[1].object_type.as_str()),
        ("aangemaakt", "client")
    );
    assert_eq!(rows[1].client_id, Some(client));
    assert!(
        !rows[0].details.contains("Zonderdak"),
        "no personal details in the audit row"
    );
    // The client is registered for the region's centrumgemeente.
    let (status, person, _) = app
        .api_get(&bct, &format!("/api/v1/clienten/{client}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{person}");
    assert_eq!(person["geregistreerdDoor"], "GM0402", "{person}");

    // The outcome, an hour later: self-reliant, referred back to the
    // municipality of origin.
    app.clock.advance(chrono::Duration::hours(1));
    let outcome = json!({"soort": "traject", "meldingsdatum": "2026-01-05", "herkomstOpgegeven": "GM0406",
                         "uitkomst": "zelfredzaam", "uitkomstdatum": "2026-01-09"});
    let (status, changed, _) = app
        .api(
            reqwest::Method::PUT,
            &bct,
            &format!("/api/v1/meldingen-opvang/{id}"),
            Some(outcome.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["uitkomst"], "zelfredzaam");
    assert_eq!(changed["terugverwezenNaar"], "GM0406");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "melding-opvang")
    );
    assert_eq!(row.client_id, Some(client));
    assert!(row.details.contains("zelfredzaam"), "{}", row.details);
    // A second change with the old version is refused, nothing written.
    let (status, problem, _) = app
        .api(
            reqwest::Method::PUT,
            &bct,
            &format!("/api/v1/meldingen-opvang/{id}"),
            Some(outcome),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    // Both versions are kept; as known before the outcome, it was open.
    let (status, history, _) = app
        .api_get(&bct, &format!("/api/v1/meldingen-opvang/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["versies"].as_array().unwrap().len(), 2);
    assert_eq!(history["uitkomst"], "zelfredzaam");
    let before = created["vastgelegdOp"]
        .as_str()
        .unwrap()
        .replace('+', "%2B");
    let (_, then, _) = app
        .api_get(
            &bct,
            &format!("/api/v1/meldingen-opvang/{id}?bekendOp={before}"),
        )
        .await;
    assert_eq!(then["uitkomst"], Value::Null, "{then}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.client_id),
        ("bekeken", Some(client))
    );
    // The list: open ones only, and per kind.
    let (_, open, _) = app
        .api_get(&bct, "/api/v1/meldingen-opvang?open=true")
        .await;
    assert_eq!(open["aantal"], 0);
    let (_, all, _) = app
        .api_get(&bct, "/api/v1/meldingen-opvang?soort=traject")
        .await;
    assert_eq!(all["aantal"], 1);
    let row = app.last_audit().await;
    assert_eq!(row.action, "lijst-bekeken");
}

#[tokio::test]
async fn the_origin_follows_the_last_registered_address_by_the_regions_rule() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let (_, first, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"client": new_person("Terug"), "soort": "signaal", "meldingsdatum": "2025-11-03"}),
        )
        .await;
    assert_eq!(first["herkomst"], Value::Null);
    assert_eq!(first["herkomstBepaald"], "onbekend");
    let client = first["clientId"].as_i64().unwrap();
    let (status, address, _) = app
        .api_post(
            &bct,
            &format!("/api/v1/clienten/{client}/adressen"),
            json!({"soort": "briefadres", "gemeenteCode": "GM0417", "ingangsdatum": "2025-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{address}");
    // A returning person: the registered address counts before what is said.
    let (status, again, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"clientId": client, "soort": "traject", "meldingsdatum": "2026-01-06",
               "herkomstOpgegeven": "GM0406"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        (again["herkomst"].clone(), again["herkomstBepaald"].clone()),
        (json!("GM0417"), json!("adres"))
    );
}

#[tokio::test]
async fn only_the_access_point_of_the_region_sees_its_registrations() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let (_, created, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"client": new_person("Apart"), "soort": "dreigend-dakloos", "meldingsdatum": "2026-01-02"}),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let client = created["clientId"].as_i64().unwrap();
    let other_region = app.token("toegangsmedewerker", "regio:ZKIH").await;
    let (status, _, _) = app
        .api_get(&other_region, &format!("/api/v1/meldingen-opvang/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let row = app.last_audit().await;
    assert_eq!(
        (row.outcome.as_str(), row.client_id),
        ("geweigerd", Some(client))
    );
    let (_, list, _) = app
        .api_get(&other_region, "/api/v1/meldingen-opvang?paginaGrootte=500")
        .await;
    assert!(
        list["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != id && r["regioId"] != created["regioId"]),
        "{list}"
    );
    let (status, _, _) = app
        .api_get(&other_region, &format!("/api/v1/clienten/{client}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (role, scope) in [
        ("wachtlijstbeheerder", "regio:GV"),
        ("wmo-consulent", "gemeente:GM0402"),
        ("beleidsadviseur", "regio:GV"),
        ("fg", "regio:GV"),
    ] {
        let token = app.token(role, scope).await;
        let (status, problem, _) = app.api_get(&token, "/api/v1/meldingen-opvang").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {problem}");
        let (status, _, _) = app
            .api_get(&token, &format!("/api/v1/meldingen-opvang/{id}"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let (status, _, _) = app
            .api_post(
                &token,
                "/api/v1/meldingen-opvang",
                json!({"clientId": client, "soort": "signaal", "meldingsdatum": "2026-01-02"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.action.as_str(), row.outcome.as_str()),
            ("aangemaakt", "geweigerd")
        );
    }
    // The access point sees its own people, not the region's other clients.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (_, region_clients, _) = app
        .api_get(&manager, "/api/v1/clienten?paginaGrootte=500")
        .await;
    assert!(region_clients["aantal"].as_i64().unwrap() > 1);
    let (_, own, _) = app
        .api_get(&bct, "/api/v1/clienten?paginaGrootte=500")
        .await;
    let ids: Vec<i64> = own["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&client));
    // Everyone it sees was registered at its access point.
    let (_, registered, _) = app
        .api_get(&bct, "/api/v1/meldingen-opvang?paginaGrootte=500")
        .await;
    let registered: Vec<i64> = registered["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["clientId"].as_i64().unwrap())
        .collect();
    assert!(ids.iter().all(|c| registered.contains(c)));
    let other = region_clients["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .find(|c| !ids.contains(c))
        .unwrap();
    let (status, _, _) = app
        .api_get(&bct, &format!("/api/v1/clienten/{other}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor can it register someone else's client at the access point.
    let (status, _, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"clientId": other, "soort": "signaal", "meldingsdatum": "2026-01-02"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The demo with Kees Eerder (born 6 May 1970), registered by a consultant
/// in Huizen with this BSN: a person the access point has never seen.
async fn known_elsewhere(bsn: &str) -> (zothuis_testkit::TestApp, i64) {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, known, _) = app
        .api_post(
            &huizen,
            "/api/v1/clienten",
            json!({"voornaam": "Kees", "achternaam": "Eerder", "geboortedatum": "1970-05-06", "bsn": bsn}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{known}");
    let id = known["id"].as_i64().unwrap();
    (app, id)
}

/// A person zothuis knows from elsewhere in the region is linked by BSN and
/// date of birth together; a lookup that finds nobody to link (no such BSN,
/// another date of birth, a restricted client) answers alike and is logged
/// as refused; the successful one is recorded with the registration.
#[tokio::test]
async fn the_access_point_links_a_person_zothuis_knows_by_bsn_and_date_of_birth() {
    let (app, known) = known_elsewhere("999957004").await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, hidden, _) = app
        .api_post(
            &huizen,
            "/api/v1/clienten",
            json!({"voornaam": "Ria", "achternaam": "Stil", "geboortedatum": "1981-04-04", "bsn": "999957016", "afgeschermd": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hidden}");
    let hidden = hidden["id"].as_i64().unwrap();
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let (status, _, _) = app
        .api_get(&bct, &format!("/api/v1/clienten/{known}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not seen before the link");
    let melding = |person: Value| {
        let mut body = json!({"soort": "traject", "meldingsdatum": "2026-01-05"});
        body.as_object_mut()
            .unwrap()
            .extend(person.as_object().unwrap().clone());
        body
    };
    // Registered as a new person, the BSN is refused as before.
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            melding(
                json!({"client": {"voornaam": "Kees", "achternaam": "Eerder",
                "geboortedatum": "1970-05-06", "bsn": "999957004"}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    // Another date of birth, an unknown BSN and a restricted client answer
    // alike, each logged as a refused lookup without the whole BSN.
    let not_linkable = zothuis_domain::shelter::service::NOT_LINKABLE;
    for (bsn, born, about) in [
        ("999957004", "1970-05-07", Some(known)),
        ("999957028", "1970-05-06", None),
        ("999957016", "1981-04-04", Some(hidden)),
    ] {
        let (status, problem, _) = app
            .api_post(
                &bct,
                "/api/v1/meldingen-opvang",
                melding(json!({"bekendePersoon": {"bsn": bsn, "geboortedatum": born}})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bsn}: {problem}");
        assert_eq!(problem_fields(&problem), ["bsn"], "{problem}");
        assert_eq!(
            problem["invalidParams"][0]["reason"], not_linkable,
            "{problem}"
        );
        let row = app.last_audit().await;
        assert_eq!(
            (row.action.as_str(), row.outcome.as_str(), row.client_id),
            ("aangemaakt", "geweigerd", about),
            "{bsn}"
        );
        assert!(row.details.contains("koppeling-op-bsn-niet-mogelijk"));
        assert!(!row.details.contains(bsn), "{}", row.details);
    }
    // A BSN that fails the elfproef is named at its field.
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            melding(json!({"bekendePersoon": {"bsn": "123456789", "geboortedatum": "1970-13-01"}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["bsn", "geboortedatum"]);
    // Two ways of naming the person at once is refused.
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            melding(json!({"clientId": known,
                "bekendePersoon": {"bsn": "999957004", "geboortedatum": "1970-05-06"}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    // Both right: the registration is for the known client, whose details
    // stay as they were, and the lookup is in the registration's audit row.
    let (status, created, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            melding(
                json!({"bekendePersoon": {"bsn": " 9999 57004 ", "geboortedatum": "1970-05-06"}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["clientId"], known);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "melding-opvang", "geslaagd")
    );
    assert_eq!(row.client_id, Some(known));
    assert!(
        row.details.contains("\"gekoppeldOpBsn\":\"******004\""),
        "{}",
        row.details
    );
    let (status, person, _) = app
        .api_get(&bct, &format!("/api/v1/clienten/{known}"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the access point now sees whom it registered"
    );
    assert_eq!(person["achternaam"], "Eerder");
    // The restricted client stays out of sight.
    let (status, _, _) = app
        .api_get(&bct, &format!("/api/v1/clienten/{hidden}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another region's access point links nobody by it: it registers for
    // its own region and sees only its own registrations.
    let (status, list, _) = app
        .api_get(
            &app.token("toegangsmedewerker", "regio:ZKIH").await,
            &format!("/api/v1/meldingen-opvang?clientId={known}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["aantal"], 0, "{list}");
}

#[tokio::test]
async fn bad_registrations_are_refused_with_every_problem_named() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let before = app.audit(1).await[0].seq;
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"client": new_person("Fout"), "soort": "signaal", "meldingsdatum": "2030-01-01",
                   "herkomstOpgegeven": "Haarlem", "uitkomst": "toegang-opvang", "uitkomstdatum": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let fields = problem_fields(&problem);
    for field in [
        "meldingsdatum",
        "herkomstOpgegeven",
        "uitkomst",
        "uitkomstdatum",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field}: {problem}");
    }
    assert!(problem.to_string().contains("adviesvraag"), "{problem}");
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"soort": "traject", "meldingsdatum": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, problem, _) = app
        .api_post(
            &bct,
            "/api/v1/meldingen-opvang",
            json!({"client": new_person("Fout"), "soort": "traject", "meldingsdatum": "2026-01-01",
               "uitkomst": "zelfredzaam", "uitkomstdatum": "2026-01-02"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "origin unknown, referral not named: {problem}"
    );
    assert!(problem.to_string().contains("terugverwezen"), "{problem}");
    // Nothing was written: no client, no registration.
    let rows = app.audit(10).await;
    assert!(
        rows.iter()
            .all(|r| r.seq <= before || r.action != "aangemaakt" || r.outcome != "geslaagd")
    );
    let (_, list, _) = app.api_get(&bct, "/api/v1/meldingen-opvang").await;
    assert_eq!(list["aantal"], 0);
}

/// The access point's staff work on pages: the menu leads to the
/// registrations, a new person is registered with a registration, the
/// outcome is recorded on the registration's page and kept as a version;
/// a mistake is named at its field; dates read as on every screen.
#[tokio::test]
async fn the_access_point_registers_and_records_outcomes_on_its_pages() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let browser = app.login("toegang.gv").await;
    let home = app.page(&browser, "/").await;
    assert!(
        home.contains("href=\"/meldingen-opvang\""),
        "the menu leads there"
    );
    assert!(
        !home.contains("href=\"/wachtlijst\""),
        "not the waiting list"
    );
    let csrf = app.csrf(&browser, "/meldingen-opvang/nieuw").await;
    let form = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("persoon", ""),
            ("voornaam", "Robin"),
            ("achternaam", "Buiten"),
            ("geboortedatum", "1975-07-08"),
            ("soort", "traject"),
            ("meldingsdatum", "2026-01-07"),
            ("herkomstOpgegeven", "GM0406"),
        ];
        fields.extend_from_slice(extra);
        fields
    };
    // A mistake: named at its field, nothing stored.
    let mut wrong = form(&[]);
    wrong.retain(|(k, _)| *k != "meldingsdatum");
    wrong.push(("meldingsdatum", "7-1-2026"));
    let resp = app
        .post_form(&browser, "/meldingen-opvang/nieuw", &csrf, &wrong)
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("href=\"#veld-meldingsdatum\""),
        "the error summary links the field"
    );
    let resp = app
        .post_form(&browser, "/meldingen-opvang/nieuw", &csrf, &form(&[]))
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = location(&resp);
    let path = location.split('?').next().unwrap().to_string();
    assert!(path.starts_with("/meldingen-opvang/"), "{location}");
    let html = app.page(&browser, &path).await;
    assert!(html.contains("Melding van Robin Buiten"), "{html}");
    assert!(
        html.contains("Huizen (opgegeven door de persoon)"),
        "{html}"
    );
    let found = crate::usability::numeric_dates(&crate::usability::visible_text(&html));
    assert!(found.is_empty(), "dates as {found:?}");
    // The outcome on the registration's page, with the version it was read at.
    let version = hidden_version(&html);
    let csrf = zothuis_testkit::csrf_from(&html);
    let resp = app
        .post_form(
            &browser,
            &path,
            &csrf,
            &[
                ("versie", version.as_str()),
                ("soort", "traject"),
                ("meldingsdatum", "2026-01-07"),
                ("herkomstOpgegeven", "GM0406"),
                ("uitkomst", "toegang-opvang"),
                ("uitkomstdatum", "2026-01-08"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = app.page(&browser, &path).await;
    assert!(
        html.contains("Toegang tot de maatschappelijke opvang (8 januari 2026)"),
        "{html}"
    );
    let list = app.page(&browser, "/meldingen-opvang").await;
    assert!(
        list.contains("Robin Buiten") && list.contains("1 melding<"),
        "{list}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "melding-opvang")
    );
    // Its people, and only those.
    let people = app.page(&browser, "/clienten").await;
    assert!(people.contains("Robin Buiten"), "{people}");
}

/// On the page, "a person zothuis knows" links by the BSN and date of birth
/// typed in the person's fields; a wrong date of birth is named at the BSN.
#[tokio::test]
async fn the_access_point_links_a_known_person_on_its_page() {
    let (app, _) = known_elsewhere("999957041").await;
    let browser = app.login("toegang.gv").await;
    let html = app.page(&browser, "/meldingen-opvang/nieuw").await;
    assert!(html.contains("zoeken op BSN en geboortedatum"), "{html}");
    let csrf = zothuis_testkit::csrf_from(&html);
    let form = |born: &'static str| {
        vec![
            ("persoon", "bsn"),
            ("bsn", "999957041"),
            ("geboortedatum", born),
            ("soort", "signaal"),
            ("meldingsdatum", "2026-01-07"),
        ]
    };
    let resp = app
        .post_form(
            &browser,
            "/meldingen-opvang/nieuw",
            &csrf,
            &form("1970-06-05"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"#veld-bsn\""), "{html}");
    assert!(html.contains("Er is geen persoon te koppelen"), "{html}");
    let resp = app
        .post_form(
            &browser,
            "/meldingen-opvang/nieuw",
            &csrf,
            &form("1970-05-06"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let path = location(&resp).split('?').next().unwrap().to_string();
    let html = app.page(&browser, &path).await;
    assert!(html.contains("Melding van Kees Eerder"), "{html}");
}
