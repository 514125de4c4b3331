//! The regional waiting list: opened by a granted decision, statuses through
//! the state machine, the overview on any peildatum and as known at a moment.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, spawn_app};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn product(app: &TestApp, token: &str, code: &str) -> i64 {
    let products = get_json(app, token, "/api/v1/producten").await;
    products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A client of Huizen with a granted decision for `product_code`.
async fn decided(
    app: &TestApp,
    token: &str,
    product_code: &str,
    outcome: &str,
    bsn: &str,
) -> Value {
    let c: Value = post(app, token, "/api/v1/clienten", json!({"voornaam": "Jan", "achternaam": "de Wit", "geboortedatum": "1966-06-06", "bsn": bsn})).await.json().await.unwrap();
    let p = product(app, token, product_code).await;
    let a: Value = post(
        app,
        token,
        "/api/v1/aanmeldingen",
        json!({"clientId": c["id"], "productId": p, "aanmelddatum": "2025-12-01", "bron": "zelf"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let mut body = json!({"aanmeldingId": a["id"], "uitkomst": outcome, "besluitdatum": "2025-12-15", "beschikkingsnummer": format!("B-{bsn}")});
    if outcome == "toegekend" {
        body["geldigVanaf"] = json!("2025-12-15");
    }
    let d = post(app, token, "/api/v1/beschikkingen", body).await;
    assert_eq!(d.status(), StatusCode::CREATED);
    c
}

#[tokio::test]
async fn a_granted_decision_for_protected_housing_opens_a_waitlist_entry() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    decided(&app, &huizen, "BW-INT", "afgewezen", "999990020").await;
    decided(&app, &huizen, "MO-DAK", "toegekend", "999990032").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let list = get_json(&app, &manager, "/api/v1/wachtlijst?peildatum=2026-01-12").await;
    assert_eq!(list["aantal"], 1, "only the granted BW decision: {list}");
    let line = &list["resultaten"][0];
    assert_eq!(
        (line["status"].as_str(), line["wachtendSinds"].as_str()),
        (Some("aangemeld"), Some("2025-12-15"))
    );
    assert_eq!(line["wachttijdDagen"], 28);
    assert_eq!(line["verantwoordelijkeGemeente"], "GM0402");
    assert_eq!(app.last_audit().await.object_type, "wachtlijst");
}

#[tokio::test]
async fn the_waitlist_manager_moves_a_client_through_the_states_and_invalid_steps_are_refused() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let client = decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let entry = get_json(&app, &manager, "/api/v1/wachtlijst").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let url = format!("/api/v1/wachtlijst/{entry}/overgangen");

    let skip = post(
        &app,
        &manager,
        &url,
        json!({"status": "geplaatst", "ingangsdatum": "2026-01-02"}),
    )
    .await;
    assert_eq!(skip.status(), StatusCode::BAD_REQUEST);
    let problem: Value = skip.json().await.unwrap();
    assert!(
        problem["invalidParams"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("geen geldige overgang"),
        "{problem}"
    );

    let steps = [
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-12-20"}),
        json!({"status": "passief-wachtend", "reden": "klinische-opname", "ingangsdatum": "2026-01-03", "toelichting": "Opname"}),
        json!({"status": "actief-wachtend", "ingangsdatum": "2026-02-01"}),
        json!({"status": "in-screening", "aanbiederId": 1, "ingangsdatum": "2026-02-10"}),
    ];
    for step in steps {
        let r = post(&app, &manager, &url, step.clone()).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{step}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.client_id),
            ("wachtlijst", client["id"].as_i64())
        );
    }
    let backdated = post(
        &app,
        &manager,
        &url,
        json!({"status": "actief-wachtend", "ingangsdatum": "2026-01-01"}),
    )
    .await;
    assert_eq!(backdated.status(), StatusCode::BAD_REQUEST);
    let no_reason = post(
        &app,
        &manager,
        &url,
        json!({"status": "afgevoerd", "ingangsdatum": "2026-02-11"}),
    )
    .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);

    // The state on each peildatum follows the effective dates.
    let on = |day: &'static str| {
        let manager = manager.clone();
        let app = &app;
        async move {
            get_json(
                app,
                &manager,
                &format!("/api/v1/wachtlijst?peildatum={day}"),
            )
            .await["resultaten"][0]["status"]
                .clone()
        }
    };
    assert_eq!(on("2025-12-19").await, "aangemeld");
    assert_eq!(on("2026-01-15").await, "passief-wachtend");
    assert_eq!(on("2026-02-05").await, "actief-wachtend");
    assert_eq!(on("2026-02-15").await, "in-screening");
    let screening = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijst?status=in-screening&aanbiederId=1&peildatum=2026-02-15",
    )
    .await;
    assert_eq!(screening["aantal"], 1);

    // A consultant follows but does not change statuses.
    let consultant = post(
        &app,
        &huizen,
        &url,
        json!({"status": "geplaatst", "ingangsdatum": "2026-03-01"}),
    )
    .await;
    assert_eq!(consultant.status(), StatusCode::FORBIDDEN);
    let placed = post(
        &app,
        &manager,
        &url,
        json!({"status": "geplaatst", "ingangsdatum": "2026-03-01"}),
    )
    .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let after = post(
        &app,
        &manager,
        &url,
        json!({"status": "actief-wachtend", "ingangsdatum": "2026-03-02"}),
    )
    .await;
    assert_eq!(after.status(), StatusCode::BAD_REQUEST);
    let open = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijst?status=open&peildatum=2026-03-05",
    )
    .await;
    assert_eq!(open["aantal"], 0);
}

#[tokio::test]
async fn the_list_as_known_before_a_late_entry_shows_the_earlier_status() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let entry = get_json(&app, &manager, "/api/v1/wachtlijst").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let before = app.clock.now() + chrono::Duration::minutes(5);
    app.clock.advance(chrono::Duration::days(1));
    // Entered a day later, effective back in December.
    post(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst/{entry}/overgangen"),
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-12-20"}),
    )
    .await;
    let now = get_json(&app, &manager, "/api/v1/wachtlijst?peildatum=2025-12-31").await;
    assert_eq!(now["resultaten"][0]["status"], "actief-wachtend");
    let then = Client::new()
        .get(app.url("/api/v1/wachtlijst"))
        .bearer_auth(&manager)
        .query(&[
            ("peildatum", "2025-12-31"),
            ("bekendOp", &before.to_rfc3339()),
        ])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(then["resultaten"][0]["status"], "aangemeld");
}

#[tokio::test]
async fn the_waitlist_pages_show_each_role_its_own_residents_and_let_the_manager_change_status() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    let manager = app.login("wachtlijst.gv").await;
    let html = app.page(&manager, "/wachtlijst").await;
    assert!(html.contains("Jan de Wit") && html.contains("Aangemeld"));
    let entry = app
        .services
        .store
        .list_entries(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()[0]
        .id;
    let page = format!("/wachtlijst/{entry}");
    let csrf = app.csrf(&manager, &page).await;
    let bad = manager
        .post(app.url(&format!("{page}/overgangen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("status", "passief-wachtend"),
            ("reden", ""),
            ("ingangsdatum", "2026-01-05"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Kies een reden voor passief wachten")
    );
    let ok = manager
        .post(app.url(&format!("{page}/overgangen")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("status", "actief-wachtend"),
            ("reden", ""),
            ("aanbiederId", ""),
            ("ingangsdatum", "2026-01-05"),
            ("toelichting", "Na overleg"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let html = app.page(&manager, &page).await;
    assert!(html.contains("Actief wachtend") && html.contains("Na overleg"));
    // The consultant of Huizen follows her resident, without the form.
    let consultant = app.login("consulent.huizen").await;
    let html = app.page(&consultant, &page).await;
    assert!(html.contains("Statusverloop") && !html.contains("Status vastleggen"));
    // Laren sees nobody; a policy officer gets no list at all.
    let laren = app.token("wmo-consulent", "gemeente:GM0417").await;
    assert_eq!(
        get_json(&app, &laren, "/api/v1/wachtlijst").await["aantal"],
        0
    );
    let policy = app.login("beleid.gv").await;
    assert_eq!(
        policy
            .get(app.url("/wachtlijst"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn vacancies_follow_from_stays_and_the_proposal_explains_every_waiting_client() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    // Three Huizen residents with BW: one active long, one active short, one passive.
    for bsn in ["999990019", "999990020", "999990032"] {
        decided(&app, &huizen, "BW-INT", "toegekend", bsn).await;
    }
    let entries = get_json(&app, &manager, "/api/v1/wachtlijst").await;
    let ids: Vec<i64> = entries["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let t = |i: usize| format!("/api/v1/wachtlijst/{}/overgangen", ids[i]);
    post(
        &app,
        &manager,
        &t(0),
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-12-16"}),
    )
    .await;
    post(
        &app,
        &manager,
        &t(1),
        json!({"status": "actief-wachtend", "ingangsdatum": "2026-01-05"}),
    )
    .await;
    post(&app, &manager, &t(2), json!({"status": "passief-wachtend", "reden": "niet-gemotiveerd", "ingangsdatum": "2025-12-20"})).await;
    let bw = product(&app, &manager, "BW-INT").await;
    let locations = get_json(&app, &manager, "/api/v1/locaties").await;
    let bussum = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Woonvorm Bussum")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let vac = get_json(
        &app,
        &manager,
        &format!("/api/v1/vacatures?locatieId={bussum}&productId={bw}&peildatum=2026-01-12"),
    )
    .await;
    assert_eq!(vac[0]["capaciteit"], 30);
    assert_eq!(vac[0]["bezet"], 0);
    assert_eq!(vac[0]["vrij"], 30);
    let p = get_json(
        &app,
        &manager,
        &format!(
            "/api/v1/vacatures/voorstel?locatieId={bussum}&productId={bw}&peildatum=2026-01-12"
        ),
    )
    .await;
    let c = p["clienten"].as_array().unwrap();
    assert_eq!(c[0]["wachtlijstId"], ids[0]);
    assert_eq!(c[0]["rang"], 1);
    assert_eq!(c[1]["rang"], 2);
    assert!(c[2]["rang"].is_null());
    assert_eq!(
        c[2]["toelichting"],
        "passief wachtend sinds 20 december 2025 (niet gemotiveerd)"
    );
    // A client who prefers to live in Huizen is not proposed for Bussum, and told why.
    let pref = Client::new()
        .put(app.url(&format!("/api/v1/wachtlijst/{}/voorkeur", ids[0])))
        .bearer_auth(&huizen)
        .json(&json!({"gemeenteCode": "GM0406"}))
        .send()
        .await
        .unwrap();
    assert_eq!(pref.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.last_audit().await.action, "gewijzigd");
    let p = get_json(
        &app,
        &manager,
        &format!(
            "/api/v1/vacatures/voorstel?locatieId={bussum}&productId={bw}&peildatum=2026-01-12"
        ),
    )
    .await;
    let c = p["clienten"].as_array().unwrap();
    assert_eq!(
        c[0]["wachtlijstId"], ids[1],
        "the other active client moves up"
    );
    let skipped = c.iter().find(|x| x["wachtlijstId"] == ids[0]).unwrap();
    assert_eq!(skipped["toelichting"], "voorkeur andere gemeente (Huizen)");
    let with_pref = get_json(&app, &manager, "/api/v1/wachtlijst").await;
    assert!(
        with_pref["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["voorkeurGemeente"] == "GM0406")
    );
    // Urgency comes first: clear the preference, mark the shorter waiter urgent.
    Client::new()
        .put(app.url(&format!("/api/v1/wachtlijst/{}/voorkeur", ids[0])))
        .bearer_auth(&huizen)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let by_consultant = Client::new()
        .put(app.url(&format!("/api/v1/wachtlijst/{}/urgentie", ids[1])))
        .bearer_auth(&huizen)
        .json(&json!({"reden": "Dreigende dakloosheid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_consultant.status(), StatusCode::FORBIDDEN);
    let urgent = Client::new()
        .put(app.url(&format!("/api/v1/wachtlijst/{}/urgentie", ids[1])))
        .bearer_auth(&manager)
        .json(&json!({"reden": "Dreigende dakloosheid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(urgent.status(), StatusCode::NO_CONTENT);
    let p = get_json(
        &app,
        &manager,
        &format!(
            "/api/v1/vacatures/voorstel?locatieId={bussum}&productId={bw}&peildatum=2026-01-12"
        ),
    )
    .await;
    let c = p["clienten"].as_array().unwrap();
    assert_eq!(
        (c[0]["wachtlijstId"].clone(), c[0]["rang"].clone()),
        (json!(ids[1]), json!(1))
    );
    assert!(
        c[0]["toelichting"]
            .as_str()
            .unwrap()
            .starts_with("urgent: Dreigende dakloosheid")
    );
    assert_eq!(c[1]["wachtlijstId"], ids[0]);
    // Not for a location in another region.
    let ijmuiden = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Beschermd wonen IJmuiden")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        Client::new()
            .get(app.url(&format!(
                "/api/v1/vacatures/voorstel?locatieId={ijmuiden}&productId={bw}"
            )))
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // Only the waitlist manager gets a proposal with names.
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    assert_eq!(
        Client::new()
            .get(app.url(&format!(
                "/api/v1/vacatures/voorstel?locatieId={bussum}&productId={bw}"
            )))
            .bearer_auth(&policy)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // Occupancy per location is for those who place clients; a policy
    // adviser sees it in the figures, with small numbers protected.
    assert_eq!(
        Client::new()
            .get(app.url("/api/v1/vacatures"))
            .bearer_auth(&policy)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let provider = app.token("aanbieder", "aanbieder:1").await;
    assert!(
        get_json(&app, &provider, "/api/v1/vacatures")
            .await
            .as_array()
            .unwrap()
            .len()
            > 5
    );
    // The pages show the same.
    let page = app.login("wachtlijst.gv").await;
    let html = app
        .page(
            &page,
            &format!("/vacatures/voorstel?locatieId={bussum}&productId={bw}&peildatum=2026-01-12"),
        )
        .await;
    assert!(
        html.contains("Voorstel voor Woonvorm Bussum")
            && html.contains("passief wachtend sinds 20 december 2025")
    );
    let html = app.page(&page, "/vacatures").await;
    assert!(html.contains("Plekken en bezetting") && html.contains("Voorstel"));
}

#[tokio::test]
async fn review_meetings_follow_each_municipalitys_cycle_and_record_an_outcome_per_client() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let set = Client::new()
        .put(app.url("/api/v1/gemeenten/GM0402/overlegcyclus"))
        .bearer_auth(&manager)
        .json(&json!({"weken": 6}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.last_audit().await.object_type, "overlegcyclus");
    let other_region = Client::new()
        .put(app.url("/api/v1/gemeenten/GM0392/overlegcyclus"))
        .bearer_auth(&manager)
        .json(&json!({"weken": 6}))
        .send()
        .await
        .unwrap();
    assert_eq!(other_region.status(), StatusCode::BAD_REQUEST);
    let plan = get_json(&app, &manager, "/api/v1/wachtlijstoverleggen/planning").await;
    let of = |code: &str| {
        plan.as_array()
            .unwrap()
            .iter()
            .find(|p| p["gemeenteCode"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(of("GM0402")["cyclusWeken"], 6);
    assert_eq!(of("GM0406")["cyclusWeken"], 8);
    // Hilversum is responsible for the Huizen resident (centrumgemeente regime).
    let agenda = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijstoverleggen/agenda?gemeenteCode=GM0402",
    )
    .await;
    assert_eq!(agenda.as_array().unwrap().len(), 1);
    let entry = agenda[0]["id"].clone();
    let held = post(&app, &manager, "/api/v1/wachtlijstoverleggen", json!({"gemeenteCode": "GM0402", "datum": "2026-01-08", "uitkomsten": [{"wachtlijstId": entry, "uitkomst": "Blijft actief; voorkeur Bussum"}]})).await;
    assert_eq!(held.status(), StatusCode::CREATED);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "wachtlijstoverleg")
    );
    let plan = get_json(&app, &manager, "/api/v1/wachtlijstoverleggen/planning").await;
    let hilversum = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["gemeenteCode"] == "GM0402")
        .unwrap();
    assert_eq!(
        (
            hilversum["laatsteOverleg"].as_str(),
            hilversum["volgendeOverleg"].as_str()
        ),
        (Some("2026-01-08"), Some("2026-02-19"))
    );
    // Huizen discusses its resident too; Laren does not.
    let own = post(&app, &manager, "/api/v1/wachtlijstoverleggen", json!({"gemeenteCode": "GM0406", "datum": "2026-01-08", "uitkomsten": [{"wachtlijstId": entry, "uitkomst": "Besproken in Huizen"}]})).await;
    assert_eq!(
        own.status(),
        StatusCode::CREATED,
        "a Huizen resident is on Huizen's list"
    );
    let wrong = post(&app, &manager, "/api/v1/wachtlijstoverleggen", json!({"gemeenteCode": "GM0417", "datum": "2026-01-08", "uitkomsten": [{"wachtlijstId": entry, "uitkomst": "x"}]})).await;
    assert_eq!(
        wrong.status(),
        StatusCode::BAD_REQUEST,
        "the client is not on Laren's list"
    );
    let consultant = Client::new()
        .get(app.url("/api/v1/wachtlijstoverleggen/planning"))
        .bearer_auth(&huizen)
        .send()
        .await
        .unwrap();
    assert_eq!(consultant.status(), StatusCode::FORBIDDEN);
    // The pages.
    let page = app.login("wachtlijst.gv").await;
    let html = app.page(&page, "/wachtlijstoverleggen").await;
    assert!(html.contains("Planning") && html.contains("19 februari 2026"));
    let form = app
        .page(&page, "/wachtlijstoverleggen/nieuw?gemeenteCode=GM0402")
        .await;
    assert!(form.contains("Jan de Wit"));
    let csrf = zothuis_testkit::csrf_from(&form);
    let field = format!("uitkomst-{entry}");
    let saved = page
        .post(app.url("/wachtlijstoverleggen/nieuw?gemeenteCode=GM0402"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("gemeenteCode", "GM0402"),
            ("datum", "2026-01-10"),
            (field.as_str(), "Besproken"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_latest_transition_can_be_corrected_or_withdrawn_and_the_old_answer_stays_reproducible()
{
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    decided(&app, &huizen, "BW-INT", "toegekend", "999990019").await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let entry = get_json(&app, &manager, "/api/v1/wachtlijst").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let url = format!("/api/v1/wachtlijst/{entry}/overgangen");
    let first: Value = post(
        &app,
        &manager,
        &url,
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-12-20"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let passive: Value = post(
        &app,
        &manager,
        &url,
        json!({"status": "passief-wachtend", "reden": "anders", "ingangsdatum": "2026-01-05"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let before = app.clock.now() + chrono::Duration::minutes(1);
    app.clock.advance(chrono::Duration::days(1));
    // The passive date was wrong: it was 28 December.
    let fixed = post(&app, &manager, &url, json!({"status": "passief-wachtend", "reden": "anders", "ingangsdatum": "2025-12-28", "vervangt": passive["id"]})).await;
    assert_eq!(fixed.status(), StatusCode::CREATED);
    let on_30th = |k: Option<String>| {
        let app = &app;
        let manager = manager.clone();
        async move {
            let mut q = vec![("peildatum".to_string(), "2025-12-30".to_string())];
            if let Some(k) = k {
                q.push(("bekendOp".into(), k));
            }
            Client::new()
                .get(app.url("/api/v1/wachtlijst"))
                .bearer_auth(&manager)
                .query(&q)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["resultaten"][0]["status"]
                .clone()
        }
    };
    assert_eq!(on_30th(None).await, "passief-wachtend");
    assert_eq!(on_30th(Some(before.to_rfc3339())).await, "actief-wachtend");
    // Only the latest may be corrected.
    let old = post(
        &app,
        &manager,
        &url,
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-12-21", "vervangt": first["id"]}),
    )
    .await;
    assert_eq!(old.status(), StatusCode::BAD_REQUEST);
    // Withdrawn, the client is active again.
    let fixed: Value = fixed.json().await.unwrap();
    let withdrawn = post(
        &app,
        &manager,
        &url,
        json!({"ingangsdatum": "2025-12-28", "vervangt": fixed["id"], "vervallen": true}),
    )
    .await;
    assert_eq!(withdrawn.status(), StatusCode::CREATED);
    assert_eq!(app.last_audit().await.action, "verwijderd");
    assert_eq!(on_30th(None).await, "actief-wachtend");
    let history = get_json(&app, &manager, &format!("/api/v1/wachtlijst/{entry}")).await;
    assert_eq!(
        history["overgangen"].as_array().unwrap().len(),
        2,
        "aangemeld and actief remain"
    );
}

/// The overview answers one page at a time: the total says how many wait,
/// the pages do not overlap, and the audit row names only the clients on
/// the page that was shown (NEN 7513: who saw whose data), not everyone on
/// the list. The filter on a preferred provider keeps only those clients.
#[tokio::test]
async fn the_overview_is_paged_and_the_audit_names_only_the_clients_on_the_page() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    for bsn in ["999990019", "999990020", "999990032"] {
        decided(&app, &huizen, "BW-INT", "toegekend", bsn).await;
    }
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let all = get_json(&app, &manager, "/api/v1/wachtlijst?peildatum=2026-01-12").await;
    let total = all["aantal"].as_i64().unwrap();
    assert!(total >= 3, "{all}");
    let ids = |page: &Value| -> Vec<i64> {
        page["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["clientId"].as_i64().unwrap())
            .collect()
    };
    let first = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijst?peildatum=2026-01-12&pagina=1&paginaGrootte=2",
    )
    .await;
    let audit = app.last_audit().await;
    assert_eq!(first["aantal"], total, "the total is of the whole list");
    assert_eq!(ids(&first).len(), 2);
    let details: Value = serde_json::from_str(&audit.details).unwrap();
    let shown: Vec<i64> = details["clientenGetoond"]
        .as_str()
        .unwrap()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(
        shown,
        ids(&first),
        "only the clients on the page: {details}"
    );
    assert_eq!(details["aantal"], total);
    let second = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijst?peildatum=2026-01-12&pagina=2&paginaGrootte=2",
    )
    .await;
    assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)));
    assert_eq!(
        ids(&first).iter().chain(&ids(&second)).take(3).count(),
        3.min(total as usize)
    );
    // Preferring a provider: only that client is in the filtered list.
    let entry = all["resultaten"][0]["id"].as_i64().unwrap();
    let provider = get_json(&app, &manager, "/api/v1/aanbieders").await["resultaten"][0]["id"]
        .as_i64()
        .unwrap();
    let pref = Client::new()
        .put(app.url(&format!("/api/v1/wachtlijst/{entry}/voorkeur")))
        .bearer_auth(&huizen)
        .json(&json!({"aanbiederId": provider}))
        .send()
        .await
        .unwrap();
    assert_eq!(pref.status(), StatusCode::NO_CONTENT);
    let preferring = get_json(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum=2026-01-12&voorkeurAanbiederId={provider}"),
    )
    .await;
    assert_eq!(preferring["aantal"], 1, "{preferring}");
    assert_eq!(preferring["resultaten"][0]["id"], entry);
}

/// Each role that places clients sees the places of its own area: the
/// waitlist manager the region's locations, a consultant those of the
/// municipality's region, a provider its own locations in any region.
#[tokio::test]
async fn vacancies_show_the_places_of_the_own_area_only() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let locations = get_json(&app, &admin, "/api/v1/locaties?paginaGrootte=500").await;
    let locations = locations["resultaten"].as_array().unwrap().clone();
    let where_is = |id: i64| {
        let l = locations.iter().find(|l| l["id"] == id).unwrap();
        (
            l["gemeenteCode"].as_str().unwrap().to_string(),
            l["aanbiederId"].as_i64().unwrap(),
        )
    };
    let gooi = [
        "GM0376", "GM0317", "GM1942", "GM0402", "GM0406", "GM0417", "GM1696",
    ];
    let shown = |v: Value| -> Vec<(String, i64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|o| where_is(o["locatieId"].as_i64().unwrap()))
            .collect()
    };
    for token in [
        app.token("wachtlijstbeheerder", "regio:GV").await,
        app.token("wmo-consulent", "gemeente:GM0406").await,
    ] {
        let places = shown(get_json(&app, &token, "/api/v1/vacatures").await);
        assert!(places.len() >= 5, "{places:?}");
        assert!(
            places.iter().all(|(m, _)| gooi.contains(&m.as_str())),
            "Gooi en Vechtstreek ziet alleen de eigen regio: {places:?}"
        );
    }
    let velsen = app.token("wmo-consulent", "gemeente:GM0453").await;
    let places = shown(get_json(&app, &velsen, "/api/v1/vacatures").await);
    assert!(!places.is_empty() && places.iter().all(|(m, _)| !gooi.contains(&m.as_str())));
    // Leger des Heils has locations in both regions and sees both, and
    // nothing of another provider.
    let leger = locations
        .iter()
        .find(|l| l["naam"] == "Nachtopvang Haarlem")
        .unwrap()["aanbiederId"]
        .as_i64()
        .unwrap();
    let provider = app.token("aanbieder", &format!("aanbieder:{leger}")).await;
    let places = shown(get_json(&app, &provider, "/api/v1/vacatures").await);
    assert!(places.iter().all(|(_, p)| *p == leger));
    assert!(places.iter().any(|(m, _)| m == "GM0392"));
    assert!(places.iter().any(|(m, _)| gooi.contains(&m.as_str())));
    // The page shows a proposal link on every row it shows the manager.
    let page = app.login("wachtlijst.gv").await;
    let html = app.page(&page, "/vacatures").await;
    assert!(html.contains("Woonvorm Bussum") && !html.contains("Beschermd wonen IJmuiden"));
    assert!(!html.contains("andere regio"));
}
