//! Privacy without side channels (issue 13): ids, BSN checks and corrected
//! referrals must not tell a user more than the policy lets them see; a
//! corrected stay start moves the placement on the waiting list with it.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, spawn_app};

async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, token, Method::POST, path, Some(body)).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    send(app, token, Method::GET, path, None)
        .await
        .json()
        .await
        .unwrap()
}

async fn register(app: &TestApp, token: &str, body: Value) -> i64 {
    let r = post(app, token, "/api/v1/clienten", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Status and problem body without the request-specific parts.
async fn answer(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let mut body: Value = r.json().await.unwrap_or(Value::Null);
    if let Some(o) = body.as_object_mut() {
        o.remove("instance");
        o.remove("requestId");
        o.remove("verzoekId");
    }
    (status, body)
}

#[tokio::test]
async fn out_of_scope_restricted_and_unknown_client_ids_answer_alike() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let other_region = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let provider = app.token("aanbieder", "aanbieder:4").await;
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let plain = register(
        &app,
        &huizen,
        json!({"voornaam": "Els", "achternaam": "Vos", "geboortedatum": "1975-03-03"}),
    )
    .await;
    let restricted = register(&app, &huizen, json!({"voornaam": "Ria", "achternaam": "Mol", "geboortedatum": "1981-04-04", "afgeschermd": true})).await;
    let unknown = 987_654;
    for token in [&hilversum, &other_region, &provider, &policy] {
        for path in ["/api/v1/clienten/{}", "/api/v1/clienten/{}/adressen"] {
            let of = |id: i64| path.replace("{}", &id.to_string());
            let a = answer(send(&app, token, Method::GET, &of(plain), None).await).await;
            let b = answer(send(&app, token, Method::GET, &of(restricted), None).await).await;
            let c = answer(send(&app, token, Method::GET, &of(unknown), None).await).await;
            assert_eq!(a.0, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(a, b, "{path}: out of scope and restricted differ");
            assert_eq!(a, c, "{path}: out of scope and unknown differ");
        }
        // Granting access and adding addresses answer the same way.
        let grant = |id: i64| format!("/api/v1/clienten/{id}/toegang");
        let body = json!({"gebruikersnaam": "consulent.huizen"});
        let a = answer(post(&app, token, &grant(plain), body.clone()).await).await;
        let c = answer(post(&app, token, &grant(unknown), body.clone()).await).await;
        assert_eq!(a, c, "grant");
        assert_eq!(a.0, StatusCode::NOT_FOUND);
    }
    // An application of the client, seen by someone outside, is as unknown.
    let products = get(&app, &huizen, "/api/v1/producten").await;
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .clone();
    let a: Value = post(
        &app,
        &huizen,
        "/api/v1/aanmeldingen",
        json!({"clientId": plain, "productId": bw, "aanmelddatum": "2025-11-01", "bron": "zelf"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let seen = answer(
        send(
            &app,
            &hilversum,
            Method::GET,
            &format!("/api/v1/aanmeldingen/{}", a["id"]),
            None,
        )
        .await,
    )
    .await;
    let none = answer(
        send(
            &app,
            &hilversum,
            Method::GET,
            "/api/v1/aanmeldingen/987654",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(seen, none);
    // Creating an application for a client out of scope: as for an unknown client.
    let other = answer(post(&app, &hilversum, "/api/v1/aanmeldingen", json!({"clientId": plain, "productId": bw, "aanmelddatum": "2025-11-01", "bron": "zelf"})).await).await;
    let missing = answer(post(&app, &hilversum, "/api/v1/aanmeldingen", json!({"clientId": unknown, "productId": bw, "aanmelddatum": "2025-11-01", "bron": "zelf"})).await).await;
    assert_eq!(other, missing);
    // The refusal is in the audit log, with its reason, for the privacy officer.
    let rows = app.audit(40).await;
    assert!(rows.iter().any(|r| r.client_id == Some(restricted)
        && r.outcome == "geweigerd"
        && r.details.contains("afgeschermd")));
}

#[tokio::test]
async fn the_bsn_check_does_not_reveal_a_client_outside_scope_and_is_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let visible = register(&app, &huizen, json!({"voornaam": "Els", "achternaam": "Vos", "geboortedatum": "1975-03-03", "bsn": "999990019"})).await;
    let hidden = register(&app, &huizen, json!({"voornaam": "Ria", "achternaam": "Mol", "geboortedatum": "1981-04-04", "bsn": "999990020", "afgeschermd": true})).await;
    let again = |bsn: &str| json!({"voornaam": "X", "achternaam": "Y", "geboortedatum": "1990-01-01", "bsn": bsn});

    // Who sees the existing client gets the link to it.
    let own = post(&app, &huizen, "/api/v1/clienten", again("999990019")).await;
    assert_eq!(own.status(), StatusCode::CONFLICT);
    let own: Value = own.json().await.unwrap();
    assert!(
        own.to_string()
            .contains(&format!("/api/v1/clienten/{visible}")),
        "{own}"
    );

    // Outside the scope, or restricted: one neutral answer without a link.
    let out = answer(post(&app, &hilversum, "/api/v1/clienten", again("999990019")).await).await;
    let restricted =
        answer(post(&app, &huizen, "/api/v1/clienten", again("999990020")).await).await;
    let out_of_scope_restricted =
        answer(post(&app, &hilversum, "/api/v1/clienten", again("999990020")).await).await;
    assert_eq!(out.0, StatusCode::CONFLICT);
    assert_eq!(out, restricted);
    assert_eq!(out, out_of_scope_restricted);
    let text = out.1.to_string();
    assert!(!text.contains("/clienten/"), "{text}");
    assert!(
        text.contains("wachtlijstbeheerder") && text.contains("functionaris gegevensbescherming"),
        "{text}"
    );

    // Updating one's own client to another's BSN: the same neutral answer.
    let mine = register(
        &app,
        &hilversum,
        json!({"voornaam": "Jo", "achternaam": "Ak", "geboortedatum": "1970-02-02"}),
    )
    .await;
    let update = Client::new()
        .put(app.url(&format!("/api/v1/clienten/{mine}")))
        .bearer_auth(&hilversum)
        .header("If-Match", "\"v1\"")
        .json(&again("999990019"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(update).await, out);

    // Every hit is audited on the existing client, with the BSN masked.
    let rows = app.audit(30).await;
    let hits: Vec<_> = rows
        .iter()
        .filter(|r| r.details.contains("bsn-bestaat-al"))
        .collect();
    assert_eq!(hits.len(), 5, "{hits:#?}");
    assert!(hits.iter().all(|r| r.outcome == "geweigerd"));
    assert_eq!(
        hits.iter().filter(|r| r.client_id == Some(hidden)).count(),
        2
    );
    assert!(
        rows.iter()
            .all(|r| !r.details.contains("999990019") && !r.details.contains("999990020"))
    );
}

#[tokio::test]
async fn the_import_dry_run_answers_every_known_bsn_alike_and_audits_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hidden = register(&app, &huizen, json!({"voornaam": "Ria", "achternaam": "Mol", "geboortedatum": "1981-04-04", "bsn": "999990020", "afgeschermd": true})).await;
    let manager = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let csv = "clientnummer;voornaam;achternaam;geboortedatum;bsn;gemeente\r\nK1;Piet;Pan;1970-01-01;999990020;GM0392\r\n";
    let form = reqwest::multipart::Form::new()
        .text("alleenControleren", "ja")
        .part(
            "bestanden",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("clienten.csv"),
        );
    let r = Client::new()
        .post(app.url("/api/v1/importen"))
        .bearer_auth(&manager)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        body.contains("dit BSN kan niet worden geïmporteerd"),
        "{body}"
    );
    assert!(!body.contains("al een cliënt met dit BSN"), "{body}");
    let rows = app.audit(10).await;
    let hit = rows
        .iter()
        .find(|r| r.details.contains("bsn-bestaat-al"))
        .expect("the hit is audited");
    assert_eq!(hit.client_id, Some(hidden));
    assert!(hit.details.contains("proefimport") && !hit.details.contains("999990020"));
}

/// A Huizen resident with a BW decision, actively waiting, in screening with
/// provider 1 (Kwintes): (client, entry, manager token).
async fn in_screening(app: &TestApp) -> (i64, i64, String) {
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let client = register(
        app,
        &huizen,
        json!({"voornaam": "Rob", "achternaam": "Meijer", "geboortedatum": "1980-08-08"}),
    )
    .await;
    let products = get(app, &huizen, "/api/v1/producten").await;
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .clone();
    let a: Value = post(
        app,
        &huizen,
        "/api/v1/aanmeldingen",
        json!({"clientId": client, "productId": bw, "aanmelddatum": "2025-11-01", "bron": "ggz"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let d = post(app, &huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": a["id"], "uitkomst": "toegekend", "besluitdatum": "2025-11-15", "geldigVanaf": "2025-11-15", "beschikkingsnummer": "HZ-77"})).await;
    assert_eq!(d.status(), StatusCode::CREATED);
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let list = get(app, &manager, "/api/v1/wachtlijst").await;
    let entry = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["clientId"] == client)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let url = format!("/api/v1/wachtlijst/{entry}/overgangen");
    let r = post(
        app,
        &manager,
        &url,
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-11-20"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post(
        app,
        &manager,
        &url,
        json!({"status": "in-screening", "aanbiederId": 1, "ingangsdatum": "2025-12-01"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    (client, entry, manager)
}

#[tokio::test]
async fn a_provider_loses_access_when_its_screening_is_corrected_away() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (client, entry, manager) = in_screening(&app).await;
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    let ribw = app.token("aanbieder", "aanbieder:4").await;
    let path = format!("/api/v1/clienten/{client}");
    let status = |token: String| {
        let app = &app;
        let path = path.clone();
        async move { send(app, &token, Method::GET, &path, None).await.status() }
    };
    assert_eq!(status(kwintes.clone()).await, StatusCode::OK);
    assert_eq!(status(ribw.clone()).await, StatusCode::NOT_FOUND);
    // The referral was meant for RIBW: the manager corrects it.
    let history = get(&app, &manager, &format!("/api/v1/wachtlijst/{entry}")).await;
    let last = history["overgangen"].as_array().unwrap().last().unwrap()["id"].clone();
    let fixed = post(&app, &manager, &format!("/api/v1/wachtlijst/{entry}/overgangen"), json!({"status": "in-screening", "aanbiederId": 4, "ingangsdatum": "2025-12-01", "vervangt": last})).await;
    assert_eq!(fixed.status(), StatusCode::CREATED);
    assert_eq!(status(kwintes.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(status(ribw).await, StatusCode::OK);
    assert_eq!(
        get(&app, &kwintes, "/api/v1/screeningen").await["aantal"],
        0
    );
}

/// A client of Huizen placed by Kwintes in Woonvorm Bussum from 10 January.
struct Placed {
    client: i64,
    entry: i64,
    manager: String,
    kwintes: String,
    bussum: Value,
    placed: reqwest::Response,
}

async fn placed_in_bussum(app: &TestApp) -> Placed {
    let (client, entry, manager) = in_screening(app).await;
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    let locations = get(app, &kwintes, "/api/v1/locaties").await;
    let bussum = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Woonvorm Bussum")
        .unwrap()["id"]
        .clone();
    let placed = post(
        app,
        &kwintes,
        "/api/v1/verblijven",
        json!({"wachtlijstId": entry, "locatieId": bussum, "startdatum": "2026-01-10"}),
    )
    .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    Placed {
        client,
        entry,
        manager,
        kwintes,
        bussum,
        placed,
    }
}

#[tokio::test]
async fn correcting_a_stay_start_moves_the_placement_on_the_waiting_list() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let Placed {
        client,
        entry,
        manager,
        kwintes,
        bussum: _,
        placed,
    } = placed_in_bussum(&app).await;
    let etag = placed.headers()["etag"].to_str().unwrap().to_string();
    let stay: Value = placed.json().await.unwrap();
    let before = app.clock.now() + chrono::Duration::minutes(1);
    app.clock.advance(chrono::Duration::days(2));

    // The client really moved in on 5 January.
    let corrected = Client::new()
        .put(app.url(&format!("/api/v1/verblijven/{}", stay["id"])))
        .bearer_auth(&kwintes)
        .header("If-Match", etag)
        .json(&json!({"startdatum": "2026-01-05"}))
        .send()
        .await
        .unwrap();
    assert_eq!(corrected.status(), StatusCode::OK);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.client_id),
        ("gewijzigd", Some(client))
    );
    assert!(
        row.details.contains("\"plaatsingVerplaatst\":true"),
        "{}",
        row.details
    );

    let on = |day: &'static str, known: Option<String>| {
        let app = &app;
        let manager = manager.clone();
        async move {
            let mut q = vec![
                ("peildatum".to_string(), day.to_string()),
                ("status".into(), "open".into()),
            ];
            let mut s = vec![("actiefOp".to_string(), day.to_string())];
            if let Some(k) = known {
                q.push(("bekendOp".into(), k.clone()));
                s.push(("bekendOp".into(), k));
            }
            let waiting = Client::new()
                .get(app.url("/api/v1/wachtlijst"))
                .bearer_auth(&manager)
                .query(&q)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap();
            let staying = Client::new()
                .get(app.url("/api/v1/verblijven"))
                .bearer_auth(&manager)
                .query(&s)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap();
            let waits = waiting["resultaten"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == entry);
            let stays = staying["resultaten"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["clientId"] == client);
            (waits, stays)
        }
    };
    // On 7 January, as known now: in the stay, no longer on the list.
    assert_eq!(on("2026-01-07", None).await, (false, true));
    // As known before the correction: still on the list, not yet staying.
    assert_eq!(
        on("2026-01-07", Some(before.to_rfc3339())).await,
        (true, false)
    );
    // The entry's history shows the placement on the corrected date.
    let history = get(&app, &manager, &format!("/api/v1/wachtlijst/{entry}")).await;
    let last = history["overgangen"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["status"].as_str(), last["ingangsdatum"].as_str()),
        (Some("geplaatst"), Some("2026-01-05"))
    );

    // A start before the referral to screening is refused, with the field named.
    let stay_now = send(
        &app,
        &kwintes,
        Method::GET,
        &format!("/api/v1/verblijven/{}", stay["id"]),
        None,
    )
    .await;
    let etag = stay_now.headers()["etag"].to_str().unwrap().to_string();
    let early = Client::new()
        .put(app.url(&format!("/api/v1/verblijven/{}", stay["id"])))
        .bearer_auth(&kwintes)
        .header("If-Match", etag)
        .json(&json!({"startdatum": "2025-11-25"}))
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), StatusCode::BAD_REQUEST);
    assert!(early.text().await.unwrap().contains("startdatum"));
}

async fn audit_rows(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page = get(
        app,
        token,
        &format!("/api/v1/auditlog?paginaGrootte=100{query}"),
    )
    .await;
    page["resultaten"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_privacy_officer_reads_the_audit_log_of_their_own_region_only() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let haarlem_manager = app.token("wachtlijstbeheerder", "regio:ZKIH").await;
    let ours = register(
        &app,
        &huizen,
        json!({"voornaam": "Els", "achternaam": "Vos", "geboortedatum": "1975-03-03"}),
    )
    .await;
    let theirs = register(&app, &haarlem_manager, json!({"voornaam": "Kees", "achternaam": "Bos", "geboortedatum": "1969-09-09", "gemeenteCode": "GM0392"})).await;
    // The Haarlem manager looks at the waiting list: no client of Gooi en Vechtstreek.
    send(
        &app,
        &haarlem_manager,
        Method::GET,
        "/api/v1/wachtlijst",
        None,
    )
    .await;
    let fg_gv = app.token("fg", "regio:GV").await;
    let fg_zk = app.token("fg", "regio:ZKIH").await;
    assert!(
        !audit_rows(&app, &fg_gv, &format!("&clientId={ours}"))
            .await
            .is_empty()
    );
    assert!(
        audit_rows(&app, &fg_gv, &format!("&clientId={theirs}"))
            .await
            .is_empty()
    );
    assert!(
        !audit_rows(&app, &fg_zk, &format!("&clientId={theirs}"))
            .await
            .is_empty()
    );
    let all = audit_rows(&app, &fg_gv, "").await;
    assert!(!all.is_empty());
    assert!(
        all.iter().all(|r| r["clientId"] != theirs),
        "another region's client"
    );
    assert!(
        all.iter()
            .all(|r| !r["actor"].as_str().unwrap_or_default().contains("ZKIH")),
        "another region's staff"
    );
    // The rest of the installation's log is not theirs to read.
    let regional = get(&app, &fg_gv, "/api/v1/auditlog?paginaGrootte=1").await;
    let whole = app.audit(1).await[0].seq;
    assert!(
        regional["aantal"].as_i64().unwrap() < whole / 2,
        "{regional}"
    );
}

#[tokio::test]
async fn lists_record_whose_data_they_showed_and_search_terms_are_masked() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (client, _entry, manager) = in_screening(&app).await;
    let list = get(&app, &manager, "/api/v1/wachtlijst").await;
    assert!(
        list["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["clientId"] == client)
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.client_id),
        ("lijst-bekeken", None)
    );
    assert!(
        row.details.contains(&format!(",{client},")),
        "{}",
        row.details
    );
    // The officer finds the list among the reads of that client.
    let fg = app.token("fg", "regio:GV").await;
    let of_client = audit_rows(&app, &fg, &format!("&clientId={client}")).await;
    assert!(
        of_client
            .iter()
            .any(|r| r["actie"] == "lijst-bekeken" && r["objectType"] == "wachtlijst"),
        "{of_client:#?}"
    );
    // The applications list and the stays list too.
    for path in ["/api/v1/aanmeldingen", "/api/v1/beschikkingen"] {
        send(&app, &huizen, Method::GET, path, None).await;
        let row = app.last_audit().await;
        assert!(
            row.details.contains(&format!(",{client},")),
            "{path}: {}",
            row.details
        );
    }
    // A search keeps its term masked.
    send(
        &app,
        &huizen,
        Method::GET,
        "/api/v1/clienten?zoek=meijer",
        None,
    )
    .await;
    let row = app.last_audit().await;
    assert!(
        row.details.contains("m*****") && !row.details.contains("meijer"),
        "{}",
        row.details
    );
    assert!(row.details.contains(&format!(",{client},")));
}

/// Occupancy counts every stay, also of a restricted client (a taken place
/// is taken); the lists of persons next to it say how many lines they hide,
/// so that a list of n next to a count of n + 1 never points at someone.
/// Aggregate-only roles do not get unprotected occupancy per location: they
/// see it in the figures, with small numbers protected.
#[tokio::test]
async fn lists_and_counts_agree_when_a_restricted_client_is_hidden() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let Placed {
        client,
        entry: _,
        manager,
        kwintes,
        bussum,
        placed: _,
    } = placed_in_bussum(&app).await;
    let day = app.clock.today();
    let vacancies = format!("/api/v1/vacatures?peildatum={day}&locatieId={bussum}");
    let occupied = async |token: &str| -> i64 {
        get(&app, token, &vacancies)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["bezet"].as_i64().unwrap())
            .sum()
    };
    let stays_url = format!("/api/v1/verblijven?actiefOp={day}");
    let before_stays = get(&app, &kwintes, &stays_url).await;
    let before_occupied = occupied(&kwintes).await;
    assert_eq!(before_stays["afgeschermd"], 0);

    // The person turns out to need protection (vrouwenopvang).
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let r = Client::new()
        .put(app.url(&format!("/api/v1/clienten/{client}")))
        .bearer_auth(&huizen)
        .header("If-Match", "\"v1\"")
        .json(&json!({"voornaam": "Rob", "achternaam": "Meijer", "geboortedatum": "1980-08-08", "afgeschermd": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let after_stays = get(&app, &kwintes, &stays_url).await;
    assert_eq!(
        occupied(&kwintes).await,
        before_occupied,
        "the place stays taken"
    );
    assert_eq!(
        after_stays["aantal"].as_i64().unwrap(),
        before_stays["aantal"].as_i64().unwrap() - 1
    );
    assert_eq!(after_stays["afgeschermd"], 1, "{after_stays}");
    assert!(
        after_stays["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["clientId"] != client),
        "who it is stays hidden"
    );
    let placed_list = get(&app, &manager, "/api/v1/wachtlijst?status=geplaatst").await;
    assert_eq!(placed_list["afgeschermd"], 1, "{placed_list}");
    let audit = app.last_audit().await;
    assert!(
        audit.details.contains("\"afgeschermd\":1"),
        "{}",
        audit.details
    );

    // A policy adviser sees occupancy in the figures only.
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let (status, body) =
        answer(send(&app, &policy, Method::GET, "/api/v1/vacatures", None).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("cijfers"),
        "{body}"
    );
    let denied = app.last_audit().await;
    assert_eq!(
        (denied.object_type.as_str(), denied.outcome.as_str()),
        ("capaciteit", "geweigerd")
    );
}

/// A list's audit row names the clients whose data the answer showed: those
/// on the page returned, not every client of the list (NEN 7513 records who
/// saw whose data; recording a region's whole list would claim reads that
/// did not happen and make every view a row of tens of thousands of ids).
#[tokio::test]
async fn a_list_is_audited_with_the_clients_on_the_page_shown() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    for path in [
        "/api/v1/verblijven",
        "/api/v1/aanmeldingen",
        "/api/v1/beschikkingen",
        "/api/v1/screeningen",
    ] {
        let all = get(&app, &manager, &format!("{path}?paginaGrootte=500")).await;
        let total = all["aantal"].as_i64().unwrap();
        assert!(total > 4, "{path}: {total}");
        let page = get(&app, &manager, &format!("{path}?paginaGrootte=2&pagina=2")).await;
        let row = app.last_audit().await;
        let mut shown: Vec<i64> = page["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["clientId"].as_i64().unwrap())
            .collect();
        shown.sort_unstable();
        shown.dedup();
        let listed: String = shown.iter().map(|id| format!("{id},")).collect();
        let details: Value = serde_json::from_str(&row.details).unwrap();
        assert_eq!(
            details["clientenGetoond"],
            format!(",{listed}"),
            "{path}: {}",
            row.details
        );
        assert_eq!(details["aantal"], total, "{path}");
        assert_eq!(details["pagina"], 2, "{path}");
    }
}
