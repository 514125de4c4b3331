//! The policy plan and the half-year progress report: a policy officer loads
//! the plan, enters progress, sees what is missing, publishes the report as
//! HTML and PDF; the published report keeps its figures after a later
//! correction and says which figures differ today and why.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::plan::PlanDocument;
use zothuis_testkit::{TestApp, spawn_app};

const GV_PLAN: &str = zothuis_domain::demo::PLANS[0];

/// The demo with its population and its two plans.
async fn demo() -> TestApp {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    app
}

async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    etag: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(e) = etag {
        req = req.header("If-Match", e);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> (Value, String) {
    let r = send(app, token, Method::GET, path, None, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let etag = r
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.json().await.unwrap(), etag)
}

async fn gv_plan_id(app: &TestApp, token: &str) -> i64 {
    let (list, _) = get_json(app, token, "/api/v1/beleidsplannen").await;
    list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["maatregelen"] == 31)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Follows the redirect after a successful form (Post/Redirect/Get).
async fn follow(app: &TestApp, browser: &Client, r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    app.page(browser, &to).await
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_policy_officer_enters_progress_and_sees_what_is_still_missing() {
    let app = demo().await;
    let beleid = app.token("beleidsadviseur", "regio:GV").await;
    let id = gv_plan_id(&app, &beleid).await;
    let path = format!("/api/v1/beleidsplannen/{id}/voortgang?periode=2025-H2");
    let (overview, etag) = get_json(&app, &beleid, &path).await;
    assert_eq!(overview["aantal"], 31);
    let missing: Vec<String> = serde_json::from_value(overview["ontbrekend"].clone()).unwrap();
    assert_eq!(missing.len(), 7, "{overview}");
    let key = missing[0].clone();

    // Without If-Match: 428; with a wrong status: a Dutch problem.
    let url = format!("/api/v1/beleidsplannen/{id}/maatregelen/{key}/voortgang/2025-H2");
    let entry = json!({"status": "vertraagd", "tekst": "Loopt uit door *personeelstekort*.\n\n- gesprek in januari"});
    let r = send(&app, &beleid, Method::PUT, &url, None, Some(entry.clone())).await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = send(
        &app,
        &beleid,
        Method::PUT,
        &url,
        Some(&etag),
        Some(json!({"status": "klaar", "tekst": ""})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    let names: Vec<&str> = p["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["status", "tekst"], "{p}");
    assert!(p.to_string().contains("kies een status"), "{p}");

    let r = send(
        &app,
        &beleid,
        Method::PUT,
        &url,
        Some(&etag),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let new_etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "beleidsplan", "geslaagd")
    );
    assert_eq!(row.object_id, Some(id.to_string()));
    assert!(
        row.details.contains("vertraagd") && row.details.contains(&key),
        "{}",
        row.details
    );

    // A second officer with the old ETag gets 412 and nothing is lost.
    let r = send(
        &app,
        &beleid,
        Method::PUT,
        &url,
        Some(&etag),
        Some(json!({"status": "op-schema", "tekst": "Anders"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let (overview, _) = get_json(&app, &beleid, &path).await;
    assert_eq!(overview["ontbrekend"].as_array().unwrap().len(), 6);
    let m = overview["maatregelen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["sleutel"] == key.as_str())
        .unwrap();
    assert_eq!(m["status"], "vertraagd");
    assert_eq!(m["auteur"], "token:test beleidsadviseur regio:GV");

    // An unknown measure, a period outside the plan, a malformed period.
    for (u, status) in [
        (
            format!("/api/v1/beleidsplannen/{id}/maatregelen/99/voortgang/2025-H2"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/api/v1/beleidsplannen/{id}/maatregelen/{key}/voortgang/2030-H1"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/beleidsplannen/{id}/maatregelen/{key}/voortgang/vorig-jaar"),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = send(
            &app,
            &beleid,
            Method::PUT,
            &u,
            Some(&new_etag),
            Some(entry.clone()),
        )
        .await;
        assert_eq!(r.status(), status, "{u}");
    }

    // A decision, linked to a measure; audited.
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/besluiten"),
        Some(&new_etag),
        Some(json!({"datum": "2025-11-20", "orgaan": "Portefeuillehoudersoverleg", "titel": "Extra plekken voor uitstroom", "maatregelen": ["10./11."]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "beleidsplan")
    );
    assert!(row.details.contains("Extra plekken"));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/besluiten"),
        Some(&etag),
        Some(json!({"datum": "20-13-2025", "orgaan": "", "titel": "x", "maatregelen": ["77."]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p: Value = r.json().await.unwrap();
    assert!(p.to_string().contains("orgaan"), "{p}");
}

#[tokio::test]
async fn loading_a_plan_is_checked_whole_and_audited() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let beleid = app.token("beleidsadviseur", "regio:GV").await;
    let r = Client::new()
        .post(app.url("/api/v1/beleidsplannen"))
        .bearer_auth(&beleid)
        .header("content-type", "application/json")
        .body(GV_PLAN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["maatregelen"], 31);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "beleidsplan", "geslaagd")
    );
    // The document comes back as it was loaded.
    let (doc, _) = get_json(
        &app,
        &beleid,
        &format!("/api/v1/beleidsplannen/{}", created["id"]),
    )
    .await;
    let loaded: PlanDocument = serde_json::from_value(doc).unwrap();
    assert_eq!(loaded, PlanDocument::parse(GV_PLAN).unwrap());

    // A broken file: every problem with its place, nothing stored.
    let broken = GV_PLAN.replacen("\"op-schema\"", "\"klaar\"", 1);
    let r = Client::new()
        .post(app.url("/api/v1/beleidsplannen"))
        .bearer_auth(&beleid)
        .header("content-type", "application/json")
        .body(broken)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p: Value = r.json().await.unwrap();
    assert!(p.to_string().contains("klaar"), "{p}");
    // The Velsen plan is for another region: not for this officer.
    let r = Client::new()
        .post(app.url("/api/v1/beleidsplannen"))
        .bearer_auth(&beleid)
        .body(zothuis_domain::demo::PLANS[1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("beleidsplan", "geweigerd")
    );
}

#[tokio::test]
async fn each_role_sees_the_plan_and_reports_of_its_own_area_only() {
    let app = demo().await;
    let beleid = app.token("beleidsadviseur", "regio:GV").await;
    let id = gv_plan_id(&app, &beleid).await;
    let (_, etag) = get_json(&app, &beleid, &format!("/api/v1/beleidsplannen/{id}")).await;
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/rapportages"),
        Some(&etag),
        Some(json!({"periode": "2025-H2", "onvolledigPubliceren": true})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let report: Value = r.json().await.unwrap();
    let report_path = format!("/api/v1/rapportages/{}", report["id"]);

    // The director reads the plan and the published report, but neither
    // edits nor sees concepts.
    let director = app.token("bestuurder", "regio:GV").await;
    get_json(&app, &director, &report_path).await;
    get_json(&app, &director, &format!("/api/v1/beleidsplannen/{id}")).await;
    let r = send(
        &app,
        &director,
        Method::GET,
        &format!("/api/v1/beleidsplannen/{id}/concept-rapportage?periode=2025-H2"),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &app,
        &director,
        Method::PUT,
        &format!("/api/v1/beleidsplannen/{id}/maatregelen/1/voortgang/2025-H2"),
        Some(&etag),
        Some(json!({"status": "op-schema", "tekst": "x"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("beleidsplan", "geweigerd")
    );

    // A consultant of Huizen (in the region) reads; the policy adviser of
    // another region and a provider do not see the plan at all.
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    get_json(&app, &huizen, &report_path).await;
    let zkih = app.token("beleidsadviseur", "regio:ZKIH").await;
    let provider = app.token("aanbieder", "aanbieder:1").await;
    for t in [&zkih, &provider] {
        let r = send(&app, t, Method::GET, &report_path, None, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = send(
            &app,
            t,
            Method::GET,
            &format!("/api/v1/beleidsplannen/{id}"),
            None,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let (list, _) = get_json(&app, &zkih, "/api/v1/beleidsplannen").await;
    assert_eq!(list["aantal"], 1, "only the Velsen programme: {list}");
    // The technical administrator sees no policy information.
    let admin = app.token("beheerder", "installatie").await;
    let r = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/beleidsplannen",
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_published_report_keeps_its_figures_after_a_later_correction() {
    let app = demo().await;
    let beleid = app.token("beleidsadviseur", "regio:GV").await;
    let id = gv_plan_id(&app, &beleid).await;
    app.clock.advance(chrono::Duration::hours(1));
    let r = send(
        &app,
        &beleid,
        Method::GET,
        &format!(
            "/api/v1/beleidsplannen/{id}/concept-rapportage?periode=2025-H2&peildatum=2026-01-09"
        ),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p: Value = r.json().await.unwrap();
    assert!(p.to_string().contains("valt na de periode"), "{p}");
    let (concept, etag) = get_json(
        &app,
        &beleid,
        &format!("/api/v1/beleidsplannen/{id}/concept-rapportage?periode=2025-H2"),
    )
    .await;
    assert_eq!(concept["peildatum"], "2025-12-31");
    // The financial chapter: the region's budget for 2025 against its
    // realisation through the peildatum, as for the policy adviser.
    let finance = &concept["financien"];
    assert_eq!(
        (finance["begroting"].as_str(), finance["jaar"].as_i64()),
        (
            Some("Bescherming en Opvang Gooi en Vechtstreek"),
            Some(2025)
        ),
        "{finance}"
    );
    assert_eq!(finance["gerealiseerdTot"], "31 december 2025");
    let care = &finance["regels"][0];
    assert_eq!(
        (
            care["code"].as_str(),
            care["begroot"].as_str(),
            care["bron"].as_str()
        ),
        (
            Some("a"),
            Some("€ 22.100.000,00"),
            Some("verblijven × tarieven")
        )
    );
    let realised = care["gerealiseerd"].as_str().unwrap();
    assert!(realised.starts_with("€ ") && realised != "€ 0,00", "{care}");
    let staff = finance["regels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "c")
        .unwrap();
    // Nothing entered: realised nil, the forecast as budgeted.
    assert_eq!(
        (
            staff["gerealiseerd"].as_str(),
            staff["prognose"].as_str(),
            staff["verschil"].as_str()
        ),
        (Some("€ 0,00"), Some("€ 1.010.000,00"), Some("€ 0,00"))
    );
    assert_eq!(concept["gepubliceerd"], Value::Null);
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/rapportages"),
        Some(&etag),
        Some(json!({"periode": "2025-H2", "peildatum": "2026-01-09", "inleiding": "Een halfjaar met *meer uitstroom*."})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "peildatum after the period"
    );
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/rapportages"),
        Some(&etag),
        Some(json!({"periode": "2025-H2", "peildatum": "2025-12-31", "inleiding": "Een halfjaar met *meer uitstroom*."})),
    )
    .await;
    // Measures without progress for the period: not published unless the
    // officer confirms, and the refusal names them.
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let p: Value = r.json().await.unwrap();
    let reason = p["invalidParams"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(p["invalidParams"][0]["name"], "onvolledigPubliceren", "{p}");
    assert!(
        reason.contains("nog geen voortgang gemeld") && reason.contains("van de"),
        "{reason}"
    );
    let (published, _) = get_json(
        &app,
        &beleid,
        &format!("/api/v1/beleidsplannen/{id}/rapportages"),
    )
    .await;
    assert!(
        !published.to_string().contains("2025-H2"),
        "nothing was published: {published}"
    );
    let r = send(
        &app,
        &beleid,
        Method::POST,
        &format!("/api/v1/beleidsplannen/{id}/rapportages"),
        Some(&etag),
        Some(json!({"periode": "2025-H2", "peildatum": "2025-12-31", "inleiding": "Een halfjaar met *meer uitstroom*.", "onvolledigPubliceren": true})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "voortgangsrapportage", "geslaagd")
    );
    let published: Value = r.json().await.unwrap();
    let path = format!("/api/v1/rapportages/{}", published["id"]);
    let (first, _) = get_json(&app, &beleid, &path).await;
    assert_eq!(first["gelijkAanPublicatie"], true);
    assert!(first["verschillen"].as_array().unwrap().is_empty());
    let figures = first["rapportage"]["cijfers"].clone();
    let waiting = |figs: &Value| {
        figs.as_array()
            .unwrap()
            .iter()
            .find(|f| f["indicator"] == "wachtend-actief")
            .unwrap()["waarde"]
            .clone()
    };
    assert!(
        waiting(&figures).as_str().unwrap().parse::<u32>().is_ok(),
        "{figures}"
    );

    // Later, the waiting list is corrected back to before the peildatum.
    app.clock.advance(chrono::Duration::days(2));
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (list, _) = get_json(
        &app,
        &manager,
        "/api/v1/wachtlijst?peildatum=2025-12-31&status=actief-wachtend",
    )
    .await;
    let entry = list["resultaten"][0]["id"].as_i64().unwrap();
    let r = send(
        &app,
        &manager,
        Method::POST,
        &format!("/api/v1/wachtlijst/{entry}/overgangen"),
        None,
        Some(json!({"status": "passief-wachtend", "reden": "klinische-opname", "ingangsdatum": "2025-12-01"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Reopened: identical figures as known at publication …
    let (again, _) = get_json(&app, &beleid, &path).await;
    assert_eq!(again["rapportage"]["cijfers"], figures);
    assert_eq!(again["gelijkAanPublicatie"], true);
    assert_eq!(again["rapportage"], first["rapportage"]);
    // … and which figures differ today, and why.
    let diffs = again["verschillen"].as_array().unwrap();
    let d = diffs
        .iter()
        .find(|d| d["indicator"] == "wachtend-actief")
        .unwrap_or_else(|| panic!("{again}"));
    assert_eq!(d["gepubliceerd"], waiting(&figures));
    assert_ne!(d["vandaag"], d["gepubliceerd"]);
    assert!(
        d["reden"]
            .as_str()
            .unwrap()
            .contains("1 wachtlijstwijziging"),
        "{d}"
    );
    // The concept of today shows the corrected figure.
    let (today, _) = get_json(
        &app,
        &beleid,
        &format!("/api/v1/beleidsplannen/{id}/concept-rapportage?periode=2025-H2"),
    )
    .await;
    assert_eq!(waiting(&today["cijfers"]), d["vandaag"]);

    // The PDF opens and holds every measure, as known at publication.
    let r = send(
        &app,
        &beleid,
        Method::GET,
        &format!("{path}/pdf"),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let text = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    let doc = PlanDocument::parse(GV_PLAN).unwrap();
    for (_, m) in doc.measures() {
        let line = squash(&format!("{} {}", m.nummer, m.titel));
        assert!(text.contains(&line), "missing from the PDF: {line}");
    }
    assert!(text.contains("meer uitstroom"));
    assert!(text.contains("Raadsinformatiebrief"));
}

#[tokio::test]
async fn the_pages_take_an_officer_from_plan_to_published_report() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    zothuis_domain::demo::load_plans(&app.services)
        .await
        .unwrap();
    let browser = app.login("beleid.gv").await;
    let list = app.page(&browser, "/beleid").await;
    let href = list
        .split("href=\"/beleid/")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .filter(|h| h.chars().all(|c| c.is_ascii_digit()))
        .or_else(|| {
            list.split("href=\"/beleid/")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().to_string())
                .find(|h| h.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap();
    let plan_url = format!("/beleid/{href}?periode=2025-H2");
    let page = app.page(&browser, &plan_url).await;
    assert!(
        page.contains("Nog zonder voortgang over het tweede halfjaar 2025 (7)"),
        "{page}"
    );
    assert!(page.contains("24 van de 31 maatregelen; 7 nog niet"));

    // Enter progress for measure 6 (one without an entry) through the form.
    let form_url = format!("/beleid/{href}/maatregelen/6?periode=2025-H2");
    let form = app.page(&browser, &form_url).await;
    let csrf = zothuis_testkit::csrf_from(&form);
    let version = form
        .split("name=\"versie\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let post = |fields: Vec<(&'static str, String)>| {
        let browser = browser.clone();
        let url = app.url(&format!("/beleid/{href}/maatregelen/6"));
        async move { browser.post(url).form(&fields).send().await.unwrap() }
    };
    let r = post(vec![
        ("csrf", csrf.clone()),
        ("versie", version.clone()),
        ("periode", "2025-H2".into()),
        ("status", "".into()),
        ("tekst", "".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Kies een status") && body.contains("Beschrijf de voortgang"),
        "{body}"
    );
    let r = post(vec![
        ("csrf", csrf.clone()),
        ("versie", version.clone()),
        ("periode", "2025-H2".into()),
        ("status", "op-schema".into()),
        ("tekst", "Het netwerk is gestart.".into()),
    ])
    .await;
    let page = follow(&app, &browser, r).await;
    assert!(page.contains("De wijzigingen zijn opgeslagen."));
    assert!(page.contains("(6)"), "one fewer missing");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.origin.as_deref()
        ),
        ("gewijzigd", "beleidsplan", Some("127.0.0.1"))
    );
    // The same form sent again with the old version: a clear Dutch message.
    let r = post(vec![
        ("csrf", csrf.clone()),
        ("versie", version.clone()),
        ("periode", "2025-H2".into()),
        ("status", "vertraagd".into()),
        ("tekst", "Toch niet.".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Iemand anders heeft dit gegeven gewijzigd")
    );

    // The concept report, then publishing it.
    let concept = browser
        .get(app.url(&format!(
            "/beleid/{href}/rapportage?periode=2025-H2&peildatum=2025-12-31"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(concept.status(), StatusCode::OK);
    let concept = concept.text().await.unwrap();
    assert!(concept.contains("Concept."));
    assert!(concept.contains(r#"<h2 id="financien">Financiën</h2>"#));
    assert!(concept.contains("<caption>Begroting en realisatie 2025</caption>"));
    // Six measures have no progress yet: publishing asks for a confirmation.
    assert!(
        concept.contains("Toch publiceren: voor 6 maatregelen is nog geen voortgang gemeld"),
        "{concept}"
    );
    let doc = PlanDocument::parse(GV_PLAN).unwrap();
    for (_, m) in doc.measures() {
        let title = m.titel.replace('&', "&#38;").replace('<', "&#60;");
        assert!(concept.contains(&title), "{}", m.titel);
    }
    let pdf = browser
        .get(app.url(&format!(
            "/beleid/{href}/rapportage/pdf?periode=2025-H2&peildatum=2025-12-31"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let version = concept
        .split("name=\"versie\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let csrf = zothuis_testkit::csrf_from(&concept);
    let r = browser
        .post(app.url(&format!("/beleid/{href}/rapportage")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("versie", version.as_str()),
            ("periode", "2025-H2"),
            ("peildatum", "2025-12-31"),
            ("inleiding", "Onze eigen inleiding."),
            ("onvolledigPubliceren", "ja"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let report_url = location.split('?').next().unwrap().to_string();
    assert!(report_url.starts_with("/rapportages/"), "{report_url}");
    let html = app.page(&browser, &location).await;
    assert!(html.contains("De voortgangsrapportage is gepubliceerd."));
    assert!(html.contains("Onze eigen inleiding."));
    assert!(html.contains("Alle cijfers in deze rapportage zijn vandaag nog hetzelfde."));
    assert!(html.contains("Raadsinformatiebrief"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("aangemaakt", "voortgangsrapportage")
    );

    // The director opens it; the plan page offers no editing.
    let director = app.login("bestuurder.gv").await;
    let r = director.get(app.url(&report_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let plan_page = app.page(&director, &plan_url).await;
    assert!(!plan_page.contains("/maatregelen/"));
    assert!(!plan_page.contains("Concept-rapportage bekijken"));
    let r = director
        .get(app.url(&format!("/beleid/{href}/rapportage?periode=2025-H2")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
