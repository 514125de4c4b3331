//! Housing corporations of the Pact voor uitstroom: the administrator keeps
//! them as reference data; a nomination is addressed to one, and that
//! corporation's staff see it (who, where a home is sought, the allocation)
//! and nothing of the care; nobody else sees their view, and they see
//! nothing else.

use super::outflow::corporation_id;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, hidden_version, location, problem_fields, spawn_app};

/// The id of a demo region, by code.
async fn region_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let (status, regions, _) = app.api_get(token, "/api/v1/regios").await;
    assert_eq!(status, StatusCode::OK, "{regions}");
    regions["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no region {code}"))["id"]
        .as_i64()
        .unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["naam"].as_str().unwrap().to_string())
        .collect()
}

fn ids(list: &Value) -> Vec<i64> {
    list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_administrator_keeps_the_corporations_of_each_region() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let gv = region_id(&app, &admin, "GV").await;
    let zkih = region_id(&app, &admin, "ZKIH").await;

    let (status, created, etag) = app
        .api_post(
            &admin,
            "/api/v1/corporaties",
            json!({"naam": "Woonstichting De Vechtstreek", "regioId": gv}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        (&created["naam"], &created["regioId"]),
        (&json!("Woonstichting De Vechtstreek"), &json!(gv))
    );
    let id = created["id"].as_i64().unwrap();
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "corporatie", "geslaagd")
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(row.details.contains("De Vechtstreek"), "{}", row.details);

    // Listed per region: the new one with GV's, not with ZKIH's.
    let (_, of_gv, _) = app
        .api_get(&admin, &format!("/api/v1/corporaties?regioId={gv}"))
        .await;
    let gv_names = names(&of_gv);
    assert!(
        gv_names.contains(&"Woonstichting De Vechtstreek".to_string())
            && gv_names.contains(&"Dudok Wonen".to_string())
            && !gv_names.contains(&"Pré Wonen".to_string()),
        "{of_gv}"
    );
    let (_, of_zkih, _) = app
        .api_get(&admin, &format!("/api/v1/corporaties?regioId={zkih}"))
        .await;
    assert_eq!(names(&of_zkih).len(), 2, "{of_zkih}");
    assert!(!names(&of_zkih).contains(&"Woonstichting De Vechtstreek".to_string()));
    let (_, all, _) = app.api_get(&admin, "/api/v1/corporaties").await;
    assert_eq!(all["aantal"], 5, "{all}");

    // The same name twice in a region is refused in Dutch; in another
    // region it is another corporation.
    let (status, problem, _) = app
        .api_post(
            &admin,
            "/api/v1/corporaties",
            json!({"naam": "Dudok Wonen", "regioId": gv}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Er bestaat al een corporatie met deze naam"),
        "{problem}"
    );
    let (status, _, _) = app
        .api_post(
            &admin,
            "/api/v1/corporaties",
            json!({"naam": "Dudok Wonen", "regioId": zkih}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Without name and region: both named.
    let (status, problem, _) = app
        .api_post(&admin, "/api/v1/corporaties", json!({"naam": " "}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["naam", "regioId"]);

    // Renamed with If-Match; the old ETag is then stale.
    let path = format!("/api/v1/corporaties/{id}");
    let renamed = json!({"naam": "Woonstichting Vechtstreek Wonen", "regioId": gv});
    let (status, _, _) = app
        .api(Method::PUT, &admin, &path, Some(renamed.clone()), None)
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    let (status, changed, new_etag) = app
        .api(
            Method::PUT,
            &admin,
            &path,
            Some(renamed.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["naam"], "Woonstichting Vechtstreek Wonen");
    assert_eq!(new_etag.as_deref(), Some("\"v2\""));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "corporatie")
    );
    assert!(
        row.details.contains("De Vechtstreek") && row.details.contains("Vechtstreek Wonen"),
        "before and after: {}",
        row.details
    );
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &admin,
            &path,
            Some(json!({"naam": "Te laat", "regioId": gv})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    let (_, current, current_etag) = app.api_get(&admin, &path).await;
    assert_eq!(current["naam"], "Woonstichting Vechtstreek Wonen");

    // Other roles read the corporations but do not create them.
    for (role, scope) in [
        ("wachtlijstbeheerder", "regio:GV".to_string()),
        ("beleidsadviseur", "regio:GV".to_string()),
        (
            "corporatie",
            format!("corporatie:{}", corporation_id(&app, "Dudok Wonen").await),
        ),
    ] {
        let token = app.token(role, &scope).await;
        let (status, list, _) = app.api_get(&token, "/api/v1/corporaties").await;
        assert_eq!(status, StatusCode::OK, "{role}: {list}");
        let (status, problem, _) = app
            .api_post(
                &token,
                "/api/v1/corporaties",
                json!({"naam": "Eigen Haard", "regioId": gv}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {problem}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("aangemaakt", "corporatie", "geweigerd"),
            "{role}"
        );
    }

    // Deleted with the current ETag; then it is gone.
    let (status, _, _) = app
        .api(Method::DELETE, &admin, &path, None, etag.as_deref())
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, _) = app
        .api(Method::DELETE, &admin, &path, None, current_etag.as_deref())
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("verwijderd", "corporatie")
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    let (status, problem, _) = app.api_get(&admin, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
}

/// A new nomination, waiting and addressed to no corporation, by the
/// manager of GV for a client of the demo population with a running stay
/// and no nomination yet.
async fn waiting_nomination(app: &TestApp, manager: &str) -> Value {
    let (status, stays, _) = app
        .api_get(manager, "/api/v1/verblijven?paginaGrootte=500")
        .await;
    assert_eq!(status, StatusCode::OK, "{stays}");
    let (_, nominated, _) = app
        .api_get(manager, "/api/v1/voordrachten-uitstroom?paginaGrootte=500")
        .await;
    let taken: Vec<&Value> = nominated["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["clientId"])
        .collect();
    let stay = stays["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["einddatum"].is_null() && !taken.contains(&&s["clientId"]))
        .expect("a running stay without a nomination");
    let (status, created, _) = app
        .api_post(
            manager,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": stay["clientId"], "route": "pact", "uitstroomUit": "bw",
                   "verblijfId": stay["id"], "voordrachtdatum": "2026-01-05", "gemeente": "GM0402"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["corporatieId"].is_null());
    created
}

/// What a nomination says, as the body of a change: its fields as they are,
/// with `changes` on top.
fn as_input(n: &Value, changes: Value) -> Value {
    let mut body = json!({});
    for key in [
        "route",
        "uitstroomUit",
        "verblijfId",
        "voordrachtdatum",
        "gemeente",
        "corporatieId",
        "adresgemeente",
        "sleuteldatum",
        "ingetrokkenOp",
        "redenIntrekking",
        "nazorgAanbiederId",
        "nazorgVanaf",
        "nazorgTot",
        "wonen",
        "wonenPer",
        "toelichting",
    ] {
        body[key] = n[key].clone();
    }
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// The manager addresses a nomination to a corporation (or changes it
/// otherwise): the nomination as changed.
async fn change(app: &TestApp, manager: &str, n: &Value, changes: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/voordrachten-uitstroom/{}", n["id"]);
    let (_, _, etag) = app.api_get(manager, &path).await;
    let (status, body, _) = app
        .api(
            Method::PUT,
            manager,
            &path,
            Some(as_input(n, changes)),
            etag.as_deref(),
        )
        .await;
    (status, body)
}

/// The manager changes a client's record: contact details, or restriction.
async fn edit_client(app: &TestApp, manager: &str, client: i64, changes: Value) -> Value {
    let path = format!("/api/v1/clienten/{client}");
    let (status, c, etag) = app.api_get(manager, &path).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let mut body = json!({});
    for key in [
        "voornaam",
        "achternaam",
        "geboortedatum",
        "bsn",
        "telefoon",
        "email",
        "afgeschermd",
    ] {
        body[key] = c[key].clone();
    }
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, changed, _) = app
        .api(Method::PUT, manager, &path, Some(body), etag.as_deref())
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    changed
}

#[tokio::test]
async fn a_corporation_sees_the_candidates_addressed_to_it_and_nothing_of_the_care() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let dudok_id = corporation_id(&app, "Dudok Wonen").await;
    let pre_id = corporation_id(&app, "Pré Wonen").await;
    let gooi = app
        .token("corporatie", &format!("corporatie:{gooi_id}"))
        .await;
    let dudok = app
        .token("corporatie", &format!("corporatie:{dudok_id}"))
        .await;

    let n = waiting_nomination(&app, &manager).await;
    let id = n["id"].as_i64().unwrap();
    let client = n["clientId"].as_i64().unwrap();
    let person = edit_client(
        &app,
        &manager,
        client,
        json!({"telefoon": "06-55501234", "email": "kandidaat@example.org"}),
    )
    .await;
    let full_name = format!(
        "{} {}",
        person["voornaam"].as_str().unwrap(),
        person["achternaam"].as_str().unwrap()
    );

    // A corporation of another region cannot be chosen.
    let (status, problem) = change(&app, &manager, &n, json!({"corporatieId": pre_id})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["corporatieId"]);
    // Before it is addressed, the corporation does not find it.
    let detail_path = format!("/api/v1/corporatie-voordrachten/{id}");
    let (status, _, _) = app.api_get(&gooi, &detail_path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An hour later, addressed to Het Gooi en Omstreken, still waiting,
    // with a note that is the care's.
    app.clock.advance(chrono::Duration::hours(1));
    let note = "Vertrouwelijk: behandeling bij de GGZ loopt nog";
    let (status, changed) = change(
        &app,
        &manager,
        &n,
        json!({"corporatieId": gooi_id, "toelichting": note}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (&changed["corporatieId"], &changed["status"]),
        (&json!(gooi_id), &json!("wachtend"))
    );

    // The corporation sees it, with name and contact.
    let (status, list, _) = app
        .api_get(&gooi, "/api/v1/corporatie-voordrachten?paginaGrootte=500")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let shown = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
        .clone();
    assert_eq!(shown["kandidaat"]["naam"], full_name.as_str(), "{shown}");
    assert_eq!(shown["kandidaat"]["telefoon"], "06-55501234");
    assert_eq!(shown["kandidaat"]["email"], "kandidaat@example.org");
    assert_eq!(
        (&shown["status"], &shown["gemeente"], &shown["route"]),
        (&json!("wachtend"), &n["gemeente"], &n["route"])
    );
    assert_eq!(shown["voordrachtdatum"], n["voordrachtdatum"]);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.actor_role.as_str()
        ),
        (
            "lijst-bekeken",
            "voordracht-uitstroom",
            "geslaagd",
            "corporatie"
        )
    );
    // Waiting ones first.
    let statuses: Vec<&str> = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    let first_other = statuses
        .iter()
        .position(|s| *s != "wachtend")
        .unwrap_or(statuses.len());
    assert!(
        statuses[first_other..].iter().all(|s| *s != "wachtend"),
        "{statuses:?}"
    );
    // Filtered by status.
    let (_, waiting, _) = app
        .api_get(
            &gooi,
            "/api/v1/corporatie-voordrachten?status=wachtend&paginaGrootte=500",
        )
        .await;
    assert!(ids(&waiting).contains(&id));
    let (_, allocated, _) = app
        .api_get(
            &gooi,
            "/api/v1/corporatie-voordrachten?status=toegewezen&paginaGrootte=500",
        )
        .await;
    assert!(!ids(&allocated).contains(&id));
    assert!(
        allocated["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "toegewezen" && !x["sleuteldatum"].is_null()),
        "{allocated}"
    );
    let (status, problem, _) = app
        .api_get(&gooi, "/api/v1/corporatie-voordrachten?status=klaar")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["status"]);

    // One nomination, audited with its client.
    let (status, one, _) = app.api_get(&gooi, &detail_path).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["kandidaat"]["naam"], full_name.as_str());
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("bekeken", "voordracht-uitstroom", Some(client))
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));

    // Nothing of the care, in the list or the nomination.
    let bsn = person["bsn"].as_str().map(str::to_string);
    for body in [&list, &one] {
        let text = body.to_string();
        for hidden in [
            "uitstroomUit",
            "verblijfId",
            "nazorg",
            "wonen\"",
            "wonenPer",
            "toelichting",
            "bsn",
            "clientId",
            note,
        ] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
        if let Some(bsn) = &bsn {
            assert!(!text.contains(bsn.as_str()), "BSN in {text}");
        }
    }

    // Another corporation of the same region does not see it.
    let (status, other, _) = app
        .api_get(&dudok, "/api/v1/corporatie-voordrachten?paginaGrootte=500")
        .await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert!(!ids(&other).contains(&id), "{other}");
    let (status, problem, _) = app.api_get(&dudok, &detail_path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    // As known before it was addressed, Het Gooi did not see it either.
    let before = n["vastgelegdOp"].as_str().unwrap().replace('+', "%2B");
    let (status, _, _) = app
        .api_get(&gooi, &format!("{detail_path}?bekendOp={before}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, then, _) = app
        .api_get(
            &gooi,
            &format!("/api/v1/corporatie-voordrachten?paginaGrootte=500&bekendOp={before}"),
        )
        .await;
    assert!(!ids(&then).contains(&id), "{then}");

    // Others have no corporation view at all.
    for (role, scope) in [
        ("wachtlijstbeheerder", "regio:GV"),
        ("beheerder", "installatie"),
        ("beleidsadviseur", "regio:GV"),
    ] {
        let token = app.token(role, scope).await;
        let (status, problem, _) = app.api_get(&token, "/api/v1/corporatie-voordrachten").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {problem}");
        assert_eq!(app.last_audit().await.outcome, "geweigerd", "{role}");
    }
}

#[tokio::test]
async fn a_restricted_candidate_is_shown_to_the_corporation_without_name() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let gooi = app
        .token("corporatie", &format!("corporatie:{gooi_id}"))
        .await;
    let n = waiting_nomination(&app, &manager).await;
    let id = n["id"].as_i64().unwrap();
    let (status, changed) = change(&app, &manager, &n, json!({"corporatieId": gooi_id})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let person = edit_client(
        &app,
        &manager,
        n["clientId"].as_i64().unwrap(),
        json!({"afgeschermd": true}),
    )
    .await;
    assert_eq!(person["afgeschermd"], true);

    let path = format!("/api/v1/corporatie-voordrachten/{id}");
    let (status, one, _) = app.api_get(&gooi, &path).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert!(one["kandidaat"].is_null(), "{one}");
    assert_eq!(one["status"], "wachtend");
    let surname = person["achternaam"].as_str().unwrap();
    assert!(!one.to_string().contains(surname), "{one}");
    let (_, list, _) = app
        .api_get(&gooi, "/api/v1/corporatie-voordrachten?paginaGrootte=500")
        .await;
    let shown = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .expect("the restricted client's nomination is listed")
        .clone();
    assert!(shown["kandidaat"].is_null(), "{shown}");
    assert!(!list.to_string().contains(surname));
}

#[tokio::test]
async fn a_corporation_is_refused_the_clients_the_waiting_list_the_figures_and_the_care() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let gooi = app
        .token("corporatie", &format!("corporatie:{gooi_id}"))
        .await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let n = waiting_nomination(&app, &manager).await;
    for path in [
        "/api/v1/clienten".to_string(),
        format!("/api/v1/clienten/{}", n["clientId"]),
        "/api/v1/wachtlijst".to_string(),
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-01".to_string(),
        "/api/v1/verblijven".to_string(),
        "/api/v1/voordrachten-uitstroom".to_string(),
        format!("/api/v1/voordrachten-uitstroom/{}", n["id"]),
    ] {
        let before = app.audit(1).await[0].seq;
        let (status, problem, _) = app.api_get(&gooi, &path).await;
        // One client or nomination is "not found", as any outside one's
        // area (no side channel on what exists); lists are refused outright.
        let expected = if path.starts_with("/api/v1/clienten/")
            || path.starts_with("/api/v1/voordrachten-uitstroom/")
        {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{path}: {problem}");
        assert!(!problem.to_string().contains("achternaam"), "{path}");
        let rows = app.audit(5).await;
        let refusal = rows
            .iter()
            .find(|r| r.seq > before && r.actor_role == "corporatie")
            .unwrap_or_else(|| panic!("{path}: no audit row"));
        assert_eq!(refusal.outcome, "geweigerd", "{path}");
    }
    // Nor may the corporation nominate: the client is as unknown to it.
    let (status, _, _) = app
        .api_post(
            &gooi,
            "/api/v1/voordrachten-uitstroom",
            json!({"clientId": n["clientId"], "route": "pact", "uitstroomUit": "bw",
                   "voordrachtdatum": "2026-01-05", "gemeente": "GM0402"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
}

// ---- pages ----------------------------------------------------------------------

#[tokio::test]
async fn corporation_pages_show_the_candidates_addressed_to_it_and_refuse_the_rest() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let n = waiting_nomination(&app, &manager).await;
    let id = n["id"].as_i64().unwrap();
    let person = edit_client(
        &app,
        &manager,
        n["clientId"].as_i64().unwrap(),
        json!({"telefoon": "06-55509876"}),
    )
    .await;
    let (status, changed) = change(&app, &manager, &n, json!({"corporatieId": gooi_id})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let full_name = format!(
        "{} {}",
        person["voornaam"].as_str().unwrap(),
        person["achternaam"].as_str().unwrap()
    );

    let browser = app.login("corporatie.gooi").await;
    // The start page leads to the nominations, and the menu offers nothing
    // the corporation cannot use.
    let home = app.page(&browser, "/").await;
    assert!(home.contains("Voordrachten aan uw corporatie"), "{home}");
    assert!(home.contains("href=\"/corporatie\""));
    assert!(
        home.contains("Corporatie Woningstichting Het Gooi en Omstreken"),
        "the scope is named: {home}"
    );
    for absent in [
        "href=\"/clienten\"",
        "href=\"/wachtlijst\"",
        "href=\"/uitstroom\"",
        "href=\"/cijfers\"",
        "href=\"/beleid\"",
        "href=\"/verblijven\"",
        "href=\"/auditlog\"",
        "href=\"/beheer/gebruikers\"",
    ] {
        assert!(!home.contains(absent), "{absent} offered: {home}");
    }

    let list = app.page(&browser, "/corporatie").await;
    assert!(
        list.contains("<h1>Voordrachten aan uw corporatie</h1>"),
        "{list}"
    );
    assert!(list.contains(&full_name), "{list}");
    assert!(
        list.contains(&format!("href=\"/corporatie/{id}\"")),
        "{list}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "voordracht-uitstroom")
    );
    let allocated = app.page(&browser, "/corporatie?status=toegewezen").await;
    assert!(
        !allocated.contains(&full_name),
        "a waiting one under toegewezen"
    );

    let detail = app.page(&browser, &format!("/corporatie/{id}")).await;
    assert!(detail.contains(&full_name), "{detail}");
    assert!(detail.contains("06-55509876"), "{detail}");
    assert!(detail.contains("Wacht op een woning"), "{detail}");
    for hidden in ["Uitstroom uit", "Nazorg", "Toelichting", "BSN", "Verblijf"] {
        assert!(!detail.contains(hidden), "{hidden} on {detail}");
    }
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("bekeken", "voordracht-uitstroom", n["clientId"].as_i64())
    );

    // Another corporation's user does not find it.
    let pre = app.login("corporatie.prewonen").await;
    let resp = pre
        .get(app.url(&format!("/corporatie/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let theirs = app.page(&pre, "/corporatie").await;
    assert!(!theirs.contains(&full_name));

    // The rest is refused, on a Dutch page.
    for path in ["/clienten", "/uitstroom", "/wachtlijst", "/verblijven"] {
        let resp = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("U heeft geen toegang"), "{path}: {html}");
    }
    // And others do not get the corporation's page.
    let other = app.login("wachtlijst.gv").await;
    let resp = other.get(app.url("/corporatie")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let html = app.page(&other, "/").await;
    assert!(!html.contains("href=\"/corporatie\""));
}

#[tokio::test]
async fn corporation_pages_the_administrator_creates_renames_and_deletes_a_corporation() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.login("beheerder").await;
    // The corporation's staff are users with the corporation as their area.
    let users = app.page(&admin, "/beheer/gebruikers").await;
    assert!(
        users.contains("Corporatie Woningstichting Het Gooi en Omstreken"),
        "{users}"
    );
    let new_user = app.page(&admin, "/beheer/gebruikers/nieuw").await;
    assert!(
        new_user.contains("Woningcorporatie (Pact voor uitstroom)")
            && new_user.contains("value=\"corporatie:"),
        "{new_user}"
    );
    let index = app.page(&admin, "/referentie").await;
    assert!(
        index.contains("href=\"/referentie/corporaties\""),
        "{index}"
    );
    let list = app.page(&admin, "/referentie/corporaties").await;
    assert!(list.contains("Dudok Wonen") && list.contains("Pré Wonen"));
    assert!(list.contains("href=\"/referentie/corporaties/nieuw\""));
    let token = app.token("beheerder", "installatie").await;
    let gv = region_id(&app, &token, "GV").await;
    let zkih = region_id(&app, &token, "ZKIH").await;
    let of_zkih = app
        .page(&admin, &format!("/referentie/corporaties?regioId={zkih}"))
        .await;
    assert!(of_zkih.contains("Pré Wonen") && !of_zkih.contains("Dudok Wonen"));

    let form = app.page(&admin, "/referentie/corporaties/nieuw").await;
    let csrf = zothuis_testkit::csrf_from(&form);
    // A duplicate name in the region: the form again, with the message.
    let resp = app
        .post_form(
            &admin,
            "/referentie/corporaties/nieuw",
            &csrf,
            &[("naam", "Dudok Wonen"), ("regioId", &gv.to_string())],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Er bestaat al een corporatie met deze naam"),
        "{html}"
    );
    let resp = app
        .post_form(
            &admin,
            "/referentie/corporaties/nieuw",
            &csrf,
            &[
                ("naam", "Woonstichting Laren"),
                ("regioId", &gv.to_string()),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let at = location(&resp);
    assert!(at.starts_with("/referentie/corporaties/"), "{at}");
    let detail_path = at.split('?').next().unwrap().to_string();
    let detail = app.page(&admin, &detail_path).await;
    assert!(detail.contains("Woonstichting Laren") && detail.contains("Gooi en Vechtstreek"));
    assert_eq!(app.last_audit().await.action, "aangemaakt");

    let edit = app.page(&admin, &format!("{detail_path}/wijzigen")).await;
    let version = hidden_version(&edit);
    let resp = app
        .post_form(
            &admin,
            &format!("{detail_path}/wijzigen"),
            &zothuis_testkit::csrf_from(&edit),
            &[
                ("versie", &version),
                ("naam", "Woonstichting Laren en Blaricum"),
                ("regioId", &gv.to_string()),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "corporatie")
    );
    // The stale form is kept, with a warning.
    let resp = app
        .post_form(
            &admin,
            &format!("{detail_path}/wijzigen"),
            &zothuis_testkit::csrf_from(&edit),
            &[
                ("versie", &version),
                ("naam", "Te laat"),
                ("regioId", &gv.to_string()),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("Te laat"));
    let detail = app.page(&admin, &detail_path).await;
    assert!(
        detail.contains("Woonstichting Laren en Blaricum"),
        "{detail}"
    );

    let resp = app
        .post_form(
            &admin,
            &format!("{detail_path}/verwijderen"),
            &zothuis_testkit::csrf_from(&detail),
            &[("versie", &hidden_version(&detail))],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        (
            app.last_audit().await.action.as_str(),
            app.last_audit().await.object_type.as_str()
        ),
        ("verwijderd", "corporatie")
    );
    let list = app.page(&admin, "/referentie/corporaties").await;
    assert!(!list.contains("Woonstichting Laren"));

    // Someone else reads the list but gets no form.
    let manager = app.login("wachtlijst.gv").await;
    let list = app.page(&manager, "/referentie/corporaties").await;
    assert!(list.contains("Dudok Wonen"));
    assert!(!list.contains("/referentie/corporaties/nieuw"));
    let resp = manager
        .get(app.url("/referentie/corporaties/nieuw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

/// The corporation records the allocation itself (address municipality and
/// key date) on a nomination addressed to it: a new version of the
/// nomination that the region's outflow coordination sees at once, audited
/// with the client; a stale version, a bad field, another corporation's
/// nomination and a withdrawn one are refused, nothing written.
#[tokio::test]
async fn a_corporation_records_the_allocation_of_a_nomination_addressed_to_it() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let dudok_id = corporation_id(&app, "Dudok Wonen").await;
    let gooi = app
        .token("corporatie", &format!("corporatie:{gooi_id}"))
        .await;
    let dudok = app
        .token("corporatie", &format!("corporatie:{dudok_id}"))
        .await;
    let n = waiting_nomination(&app, &manager).await;
    let id = n["id"].as_i64().unwrap();
    let (status, addressed) = change(
        &app,
        &manager,
        &n,
        json!({"corporatieId": gooi_id, "toelichting": "Zorgkant"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{addressed}");

    let path = format!("/api/v1/corporatie-voordrachten/{id}");
    let (status, seen, etag) = app.api_get(&gooi, &path).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let etag = etag.expect("an ETag for If-Match");
    assert_eq!(etag, format!("\"v{}\"", seen["versie"]));
    let allocation = format!("{path}/toewijzing");
    let put = |token: &str, body: Value, etag: Option<String>| {
        let app = &app;
        let allocation = allocation.clone();
        let token = token.to_string();
        async move {
            app.api(
                Method::PUT,
                &token,
                &allocation,
                Some(body),
                etag.as_deref(),
            )
            .await
        }
    };
    // Bad fields, each named in Dutch; nothing written.
    let (status, problem, _) = put(
        &gooi,
        json!({"adresgemeente": "Hilversum", "sleuteldatum": "2025-12-01"}),
        Some(etag.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["adresgemeente", "sleuteldatum"]);
    // A municipality of another region.
    let (status, problem, _) = put(
        &gooi,
        json!({"adresgemeente": "GM0392", "sleuteldatum": "2026-02-01"}),
        Some(etag.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    // Another corporation does not find it.
    let (status, _, _) = put(
        &dudok,
        json!({"adresgemeente": "GM0402", "sleuteldatum": "2026-02-01"}),
        Some(etag.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without If-Match: 428.
    let (status, _, _) = put(
        &gooi,
        json!({"adresgemeente": "GM0402", "sleuteldatum": "2026-02-01"}),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);

    // The key on 1 February, in Hilversum.
    let (status, allocated, new_etag) = put(
        &gooi,
        json!({"adresgemeente": "GM0402", "sleuteldatum": "2026-02-01"}),
        Some(etag.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{allocated}");
    assert_eq!(
        (&allocated["adresgemeente"], &allocated["sleuteldatum"]),
        (&json!("GM0402"), &json!("2026-02-01"))
    );
    assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.object_id.as_deref(),
            row.client_id,
            row.outcome.as_str()
        ),
        (
            "gewijzigd",
            "voordracht-uitstroom",
            Some(id.to_string().as_str()),
            n["clientId"].as_i64(),
            "geslaagd"
        )
    );
    assert!(row.details.contains("2026-02-01"), "{}", row.details);
    // The old version again: someone changed it in between.
    let (status, _, _) = put(
        &gooi,
        json!({"adresgemeente": "GM0406", "sleuteldatum": "2026-02-02"}),
        Some(etag),
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);

    // The coordination sees the allocation, with its own note kept.
    let (_, theirs, _) = app
        .api_get(&manager, &format!("/api/v1/voordrachten-uitstroom/{id}"))
        .await;
    let current = if theirs["voordracht"].is_object() {
        theirs["voordracht"].clone()
    } else {
        theirs.clone()
    };
    assert_eq!(
        (
            &current["adresgemeente"],
            &current["sleuteldatum"],
            &current["toelichting"]
        ),
        (&json!("GM0402"), &json!("2026-02-01"), &json!("Zorgkant")),
        "{theirs}"
    );

    // A withdrawn nomination is not allocated by the corporation.
    let m = waiting_nomination(&app, &manager).await;
    let (status, _) = change(&app, &manager, &m, json!({"corporatieId": gooi_id})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, latest, _) = app
        .api_get(
            &manager,
            &format!("/api/v1/voordrachten-uitstroom/{}", m["id"]),
        )
        .await;
    let latest = if latest["voordracht"].is_object() {
        latest["voordracht"].clone()
    } else {
        latest
    };
    let (status, withdrawn) = change(
        &app,
        &manager,
        &latest,
        json!({"ingetrokkenOp": "2026-01-10", "redenIntrekking": "elders-gehuisvest"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    let path = format!("/api/v1/corporatie-voordrachten/{}", m["id"]);
    let (_, _, etag) = app.api_get(&gooi, &path).await;
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &gooi,
            &format!("{path}/toewijzing"),
            Some(json!({"adresgemeente": "GM0402", "sleuteldatum": "2026-02-01"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(problem.to_string().contains("ingetrokken"), "{problem}");

    // Other roles may not record it.
    let (status, _, _) = app
        .api(
            Method::PUT,
            &manager,
            &format!("/api/v1/corporatie-voordrachten/{id}/toewijzing"),
            Some(json!({"adresgemeente": "GM0402", "sleuteldatum": "2026-02-01"})),
            new_etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// On the page: the corporation's form records the allocation, a mistake
/// comes back with the typed values and a Dutch message.
#[tokio::test]
async fn corporation_pages_the_corporation_records_the_allocation_on_the_form() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let gooi_id = corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let n = waiting_nomination(&app, &manager).await;
    let id = n["id"].as_i64().unwrap();
    let (status, _) = change(&app, &manager, &n, json!({"corporatieId": gooi_id})).await;
    assert_eq!(status, StatusCode::OK);
    let browser = app.login("corporatie.gooi").await;
    let path = format!("/corporatie/{id}");
    let page = app.page(&browser, &path).await;
    assert!(page.contains("Toewijzing vastleggen"), "{page}");
    assert!(
        page.contains("<option value=\"GM0406\""),
        "the region's municipalities"
    );
    assert!(
        !page.contains("<option value=\"GM0392\""),
        "not another region's"
    );
    let csrf = zothuis_testkit::csrf_from(&page);
    let version = hidden_version(&page);
    let r = app
        .post_form(
            &browser,
            &path,
            &csrf,
            &[
                ("versie", &version),
                ("adresgemeente", "GM0406"),
                ("sleuteldatum", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("e sleutel volgt niet vóór de voordracht"),
        "{html}"
    );
    assert!(html.contains("value=\"2025-01-01\""), "typed value kept");
    let r = app
        .post_form(
            &browser,
            &path,
            &csrf,
            &[
                ("versie", &version),
                ("adresgemeente", "GM0406"),
                ("sleuteldatum", "2026-02-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("{path}?melding=opgeslagen"));
    let after = app.page(&browser, &location(&r)).await;
    assert!(after.contains("15 februari 2026"), "{after}");
    assert!(after.contains("Huizen"), "{after}");
    let row = app.last_audit().await;
    assert_eq!(row.action, "bekeken");
    let changed = app.audit(2).await;
    assert_eq!(
        (changed[1].action.as_str(), changed[1].object_type.as_str()),
        ("gewijzigd", "voordracht-uitstroom")
    );
}
