//! Settlement between municipalities over HTTP: distribution keys over the
//! API with ETag and If-Match, the statement by hand from one stay and one
//! tariff, its publication frozen against a later correction, the
//! transition calculator, who may see and do what, and the pages with the
//! statement as CSV, Excel and PDF. Each mutating endpoint is checked for
//! its audit row.

use crate::finance::{Setup, TARIFFS, assert_accessible, created, setup, stay, tariff, user};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{
    TestApp, csrf_from, hidden_version, location, problem_fields, spawn_app, table_after,
};

const KEYS: &str = "/api/v1/verdeelsleutels";
const HILVERSUM: &str = "GM0402";
const HUIZEN: &str = "GM0406";

async fn region(app: &TestApp, code: &str) -> i64 {
    app.store
        .find_region_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The codes of the GV municipalities, in the store's order.
async fn gv_codes(app: &TestApp) -> Vec<String> {
    let gv = region(app, "GV").await;
    app.store
        .list_municipalities()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.region_id == gv)
        .map(|m| m.code.as_str().to_string())
        .collect()
}

/// A key body over every GV municipality: `shares` for the ones named, 0
/// for the rest.
async fn key_body(app: &TestApp, kind: &str, shares: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = gv_codes(app)
        .await
        .into_iter()
        .map(|code| {
            let share = shares
                .iter()
                .find(|(c, _)| *c == code)
                .map_or("0", |(_, s)| s);
            json!({"gemeente": code, "aandeel": share})
        })
        .collect();
    json!({"soort": kind, "naam": format!("Sleutel {kind}"), "bron": "Toets", "aandelen": rows})
}

/// The test's tariff and a Huizen resident in care 20 March to 10 May
/// 2025: 51 days × € 151,23 = € 7.712,73, borne by Hilversum (the
/// centrumgemeente of Gooi en Vechtstreek's regime).
async fn priced(app: &mut TestApp) -> (Setup, Value) {
    let s = setup(app).await;
    created(app, &s.officer, TARIFFS, tariff(&s, json!({}))).await;
    let placed = stay(&s, app, s.product, "2025-03-20", Some("2025-05-10")).await;
    (s, placed)
}

/// The line of a municipality in a statement.
fn line<'a>(statement: &'a Value, code: &str) -> &'a Value {
    statement["regels"]
        .as_array()
        .unwrap_or_else(|| panic!("{statement}"))
        .iter()
        .find(|l| l["gemeente"] == code)
        .unwrap_or_else(|| panic!("{code}: {statement}"))
}

fn reasons(problem: &Value) -> String {
    problem["invalidParams"].to_string()
}

// ---- keys over the API ----------------------------------------------------------------

#[tokio::test]
async fn settlement_api_a_key_is_created_read_and_changed_with_if_match_each_with_its_audit_row() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;

    let resp = Client::new()
        .post(app.url(KEYS))
        .bearer_auth(&s.officer)
        .json(&key_body(&app, "objectief", &[(HILVERSUM, "62.5"), (HUIZEN, "37,5")]).await)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let path = location(&resp);
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let key: Value = resp.json().await.unwrap();
    let id = key["id"].as_i64().unwrap();
    assert_eq!(path, format!("{KEYS}/{id}"));
    assert_eq!(etag, format!("\"v{}\"", key["versie"]));
    assert_eq!(key["soort"], "objectief");
    assert_eq!(key["bron"], "Toets");
    let huizen = key["aandelen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["gemeente"] == HUIZEN)
        .unwrap();
    assert_eq!(huizen["aandeel"], "37.5", "a decimal string with a point");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.object_id.as_deref()
        ),
        (
            "aangemaakt",
            "verdeelsleutel",
            "geslaagd",
            Some(id.to_string().as_str())
        )
    );

    let (status, list, _) = app.api_get(&s.officer, KEYS).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        list["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["id"] == id),
        "{list}"
    );
    let (status, read, read_etag) = app.api_get(&s.officer, &path).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(read["versies"].as_array().unwrap().len(), 1);

    // A new version with If-Match: its own ETag, audited.
    app.clock.advance(chrono::Duration::hours(1));
    let (status, changed, changed_etag) = app
        .api(
            Method::PUT,
            &s.officer,
            &path,
            Some(key_body(&app, "objectief", &[(HILVERSUM, "50"), (HUIZEN, "50")]).await),
            Some(&etag),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_ne!(changed_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(changed["id"], id);
    assert_eq!(changed["regioId"], key["regioId"]);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.object_id.as_deref()
        ),
        ("gewijzigd", "verdeelsleutel", Some(id.to_string().as_str()))
    );
    assert!(row.details.contains(r#""aandeel":"50""#), "{}", row.details);

    // A stale ETag: 412; none: 428; nothing written.
    let before = app.audit(1).await[0].seq;
    let body = key_body(&app, "objectief", &[(HUIZEN, "100")]).await;
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &s.officer,
            &path,
            Some(body.clone()),
            Some(&etag),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    let (status, problem, _) = app
        .api(Method::PUT, &s.officer, &path, Some(body), None)
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{problem}");
    assert_eq!(app.audit(1).await[0].seq, before, "nothing written");

    // Two versions now; as known before the change, the first.
    let (_, read, _) = app.api_get(&s.officer, &path).await;
    assert_eq!(read["versies"].as_array().unwrap().len(), 2);
    let then = key["geregistreerdOp"].as_str().unwrap().replace('+', "%2B");
    let (status, old, old_etag) = app
        .api_get(&s.officer, &format!("{path}?bekendOp={then}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert_eq!(old_etag.as_deref(), Some(etag.as_str()));
    let (status, problem, _) = app
        .api_get(&s.officer, &format!("{path}?bekendOp=gisteren"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, _, _) = app.api_get(&s.officer, &format!("{KEYS}/999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settlement_api_bad_key_input_names_each_field_in_dutch_and_writes_nothing() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;
    let before = app.audit(1).await[0].seq;
    let (_, list, _) = app.api_get(&s.officer, KEYS).await;
    let count = list["aantal"].as_i64().unwrap();

    // Not adding up to 100 %.
    let (status, problem, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "39,5")]).await,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["aandelen"]);
    assert!(reasons(&problem).contains("99,5 %"), "{problem}");

    // A bad kind, a share that is no percentage, a municipality of
    // another region, no name: each named.
    let mut body = key_body(&app, "gevoelsmatig", &[(HILVERSUM, "100")]).await;
    body["naam"] = json!("  ");
    body["aandelen"][0]["aandeel"] = json!("veel");
    body["aandelen"]
        .as_array_mut()
        .unwrap()
        .push(json!({"gemeente": "GM0392", "aandeel": "0"}));
    let (status, problem, _) = app.api_post(&s.officer, KEYS, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        problem_fields(&problem),
        [
            "soort",
            "naam",
            "aandelen[1].aandeel",
            "aandelen[8].gemeente"
        ]
    );
    let text = reasons(&problem);
    for dutch in [
        "historisch, objectief of anders",
        "geef de verdeelsleutel een naam",
        "vul een percentage in",
        "hoort niet bij deze regio",
    ] {
        assert!(text.contains(dutch), "{dutch}: {text}");
    }
    // A forgotten municipality is not a share of nil.
    let mut body = key_body(&app, "objectief", &[(HILVERSUM, "100")]).await;
    body["aandelen"].as_array_mut().unwrap().pop();
    let (status, problem, _) = app.api_post(&s.officer, KEYS, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(reasons(&problem).contains("ontbreekt"), "{problem}");
    // Not JSON, or a share as a number: 400 too.
    let resp = Client::new()
        .post(app.url(KEYS))
        .bearer_auth(&s.officer)
        .header("content-type", "application/json")
        .body("{\"soort\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (status, _, _) = app
        .api_post(
            &s.officer,
            KEYS,
            json!({"soort": "objectief", "naam": "x", "aandelen": [{"gemeente": HUIZEN, "aandeel": 100}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, list, _) = app.api_get(&s.officer, KEYS).await;
    assert_eq!(list["aantal"].as_i64().unwrap(), count, "nothing written");
    assert_eq!(
        app.audit(1).await[0].seq,
        before,
        "no audit row for refused input"
    );
}

// ---- statements over the API ----------------------------------------------------------

#[tokio::test]
async fn settlement_api_a_published_statement_stays_frozen_after_a_correction_of_the_stay() {
    let mut app = spawn_app().await;
    let (s, placed) = priced(&mut app).await;
    let (_, key, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "40")]).await,
        )
        .await;
    let k = key["id"].as_i64().unwrap();
    let asked =
        format!("/api/v1/verrekeningen?periode=2025&verdeling=verdeelsleutel&verdeelsleutelId={k}");

    // € 7.712,73 shared 60 / 40: Hilversum bore it all and receives
    // € 3.085,09 back, which Huizen pays.
    let (status, st, _) = app.api_get(&s.officer, &asked).await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["regels"].as_array().unwrap().len(), 7);
    let h = line(&st, HILVERSUM);
    assert_eq!(
        (
            &h["kosten"],
            &h["dagen"],
            &h["aandeel"],
            &h["bijdrage"],
            &h["saldo"],
            &h["richting"]
        ),
        (
            &json!("7712.73"),
            &json!(51),
            &json!("60"),
            &json!("4627.64"),
            &json!("-3085.09"),
            &json!("te-ontvangen")
        )
    );
    let hz = line(&st, HUIZEN);
    assert_eq!(
        (&hz["kosten"], &hz["saldo"], &hz["richting"]),
        (&json!("0.00"), &json!("3085.09"), &json!("te-betalen"))
    );
    assert_eq!(st["totaleKosten"], "7712.73");
    assert_eq!(st["totaleBijdrage"], "7712.73");
    assert_eq!(st["dagenZonderTarief"], 0);
    assert_eq!(st["geteldTot"], "2025-12-31");
    assert_eq!(st["verdeelsleutel"]["id"], k);
    assert_eq!(st["vastgesteld"], Value::Null);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.action.as_str()),
        ("verrekening", "bekeken")
    );
    // By cost, per quarter: no key, no balance.
    let (status, q2, _) = app
        .api_get(
            &s.officer,
            "/api/v1/verrekeningen?periode=2025-K2&verdeling=kosten",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{q2}");
    assert_eq!(line(&q2, HILVERSUM)["kosten"], "5897.97");
    assert_eq!(line(&q2, HILVERSUM)["saldo"], "0.00");
    assert_eq!(line(&q2, HILVERSUM)["aandeel"], Value::Null);
    assert_eq!(q2["van"], "2025-04-01");
    assert_eq!(q2["tot"], "2025-06-30");

    // Bad questions name their parameters in Dutch.
    let (status, problem, _) = app
        .api_get(
            &s.officer,
            "/api/v1/verrekeningen?periode=2025-K5&verdeling=verdeelsleutel",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["periode", "verdeelsleutelId"]);
    assert!(reasons(&problem).contains("kwartaal"), "{problem}");
    let (status, problem, _) = app
        .api_get(
            &s.officer,
            "/api/v1/verrekeningen?periode=2025&verdeling=solidair",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["verdeling"]);
    let (status, problem, _) = app
        .api_get(
            &s.officer,
            "/api/v1/verrekeningen?periode=2025&verdeling=verdeelsleutel&verdeelsleutelId=999999",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");

    // Published: 201 with where it lives, audited.
    let resp = Client::new()
        .post(app.url("/api/v1/verrekeningen"))
        .bearer_auth(&s.officer)
        .json(&json!({"periode": "2025", "verdeling": "verdeelsleutel", "verdeelsleutelId": k}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let published_at = location(&resp);
    let published: Value = resp.json().await.unwrap();
    let pid = published["vastgesteld"]["id"].as_i64().unwrap();
    assert_eq!(
        published_at,
        format!("/api/v1/verrekeningen/gepubliceerd/{pid}")
    );
    assert_eq!(published["zelfdeAlsGepubliceerd"], true);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.object_type.as_str(),
            row.action.as_str(),
            row.object_id.as_deref()
        ),
        ("verrekening", "aangemaakt", Some(pid.to_string().as_str()))
    );
    assert!(row.details.contains("7712.73"), "{}", row.details);
    let (status, problem, _) = app
        .api_post(
            &s.officer,
            "/api/v1/verrekeningen",
            json!({"periode": "2025-K5", "verdeling": "kosten"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["periode"]);

    // The stay ended on 30 April after all: 41 days, € 6.200,43 today;
    // the published statement keeps € 7.712,73, and still comes out the
    // same as known at its publication.
    app.clock.advance(chrono::Duration::days(1));
    let stay_path = format!("/api/v1/verblijven/{}", placed["id"]);
    let (_, current, etag) = app.api_get(&s.provider_token, &stay_path).await;
    let (status, corrected, _) = app
        .api(
            Method::PUT,
            &s.provider_token,
            &stay_path,
            Some(json!({"startdatum": current["startdatum"], "einddatum": "2025-04-30"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    let (_, today, _) = app.api_get(&s.officer, &asked).await;
    assert_eq!(today["totaleKosten"], "6200.43");
    let (status, again, _) = app.api_get(&s.officer, &published_at).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["totaleKosten"], "7712.73");
    assert_eq!(line(&again, HUIZEN)["saldo"], "3085.09");
    assert_eq!(again["zelfdeAlsGepubliceerd"], true);
    assert_eq!(again["vastgesteld"]["id"], pid);
    let (status, list, _) = app
        .api_get(&s.officer, "/api/v1/verrekeningen/gepubliceerd")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["resultaten"][0]["id"], pid);
    assert_eq!(list["resultaten"][0]["periode"], "2025");
    let (status, _, _) = app
        .api_get(&s.officer, "/api/v1/verrekeningen/gepubliceerd/999999")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Days without a tariff: shown, and no publication.
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let (_, incomplete, _) = app.api_get(&s.officer, &asked).await;
    assert_eq!(incomplete["dagenZonderTarief"], 10);
    let (status, problem, _) = app
        .api_post(
            &s.officer,
            "/api/v1/verrekeningen",
            json!({"periode": "2025", "verdeling": "kosten"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(reasons(&problem).contains("10 dagen"), "{problem}");
}

#[tokio::test]
async fn settlement_api_who_sees_statements_and_keys() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;
    let (_, key, etag) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "historisch", &[(HILVERSUM, "70"), (HUIZEN, "30")]).await,
        )
        .await;
    let k = key["id"].as_i64().unwrap();
    let asked =
        format!("/api/v1/verrekeningen?periode=2025&verdeling=verdeelsleutel&verdeelsleutelId={k}");
    let (_, published, _) = app
        .api_post(
            &s.officer,
            "/api/v1/verrekeningen",
            json!({"periode": "2025", "verdeling": "kosten"}),
        )
        .await;
    let pid = published["vastgesteld"]["id"].as_i64().unwrap();

    // A municipality's adviser: its own line beside the region's totals;
    // reads the keys, changes and publishes nothing.
    let huizen = app.token("financieel-adviseur", "gemeente:GM0406").await;
    let (status, own, _) = app.api_get(&huizen, &asked).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["regels"].as_array().unwrap().len(), 1);
    assert_eq!(line(&own, HUIZEN)["bijdrage"], "2313.82");
    assert_eq!(own["totaleKosten"], "7712.73");
    let (status, _, _) = app.api_get(&huizen, &format!("{KEYS}/{k}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, seen, _) = app
        .api_get(
            &huizen,
            &format!("/api/v1/verrekeningen/gepubliceerd/{pid}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["regels"].as_array().unwrap().len(), 1);
    let body = key_body(&app, "historisch", &[(HUIZEN, "100")]).await;
    let (status, _, _) = app
        .api(
            Method::PUT,
            &huizen,
            &format!("{KEYS}/{k}"),
            Some(body.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
    let (status, _, _) = app.api_post(&huizen, KEYS, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app
        .api_post(
            &huizen,
            "/api/v1/verrekeningen",
            json!({"periode": "2025", "verdeling": "kosten"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("verrekening", "geweigerd")
    );

    // Policy roles, consultants, providers and corporations see none of it.
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV".to_string()),
        ("wmo-consulent", "gemeente:GM0406".to_string()),
        ("aanbieder", format!("aanbieder:{}", s.provider)),
        ("corporatie", "corporatie:1".to_string()),
    ] {
        let token = app.token(role, &scope).await;
        for path in [
            asked.clone(),
            KEYS.to_string(),
            format!("{KEYS}/{k}"),
            "/api/v1/verrekeningen/gepubliceerd".to_string(),
            format!("/api/v1/verrekeningen/gepubliceerd/{pid}"),
            format!(
                "/api/v1/overgangspad?historisch={k}&objectief={k}&begrotingId=1&regel=k&pad=2026:0"
            ),
        ] {
            let (status, problem, _) = app.api_get(&token, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} {path}: {problem}");
        }
        let (status, _, _) = app.api_post(&token, KEYS, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.outcome.as_str()),
            ("verdeelsleutel", "geweigerd"),
            "{role}"
        );
    }
    // Another region's adviser does not see this region's key.
    let zkih = app.token("financieel-adviseur", "regio:ZKIH").await;
    let (status, _, _) = app.api_get(&zkih, &format!("{KEYS}/{k}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app
        .api_get(&zkih, &format!("/api/v1/verrekeningen/gepubliceerd/{pid}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A GV budget of 2026–2028 with the rijksbijdrage as line k: € 1.000.000,
/// € 1.000.000 and € 800.000.
async fn budget(app: &TestApp) -> i64 {
    use zothuis_domain::finance::budget::{BudgetLineInput, BudgetVersionInput};
    use zothuis_domain::finance::service::BudgetInput;
    let gv = region(app, "GV").await;
    let officer = crate::finance::acting("financieel-adviseur", "regio:GV", gv);
    let (b, _) = app
        .services
        .create_budget(
            &officer,
            &BudgetInput {
                municipality: None,
                name: "GO BW overgang".into(),
                version: BudgetVersionInput {
                    kind: "begroting".into(),
                    title: "Begroting 2026–2028".into(),
                    note: None,
                    thousands: true,
                    lines: vec![BudgetLineInput {
                        code: "k".into(),
                        side: "baten".into(),
                        category: "rijksbijdrage-historisch".into(),
                        label: "Rijksbijdrage".into(),
                        amounts: vec![
                            ("2026".into(), "-1.000".into()),
                            ("2027".into(), "-1.000".into()),
                            ("2028".into(), "-800".into()),
                        ],
                    }],
                },
            },
        )
        .await
        .unwrap();
    b.id
}

#[tokio::test]
async fn settlement_api_the_transition_moves_a_budget_line_along_the_path() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;
    let (_, h, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "historisch", &[(HILVERSUM, "80"), (HUIZEN, "20")]).await,
        )
        .await;
    let (_, o, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(
                &app,
                "objectief",
                &[(HILVERSUM, "60"), (HUIZEN, "25"), ("GM0417", "15")],
            )
            .await,
        )
        .await;
    let b = budget(&app).await;
    let ask = |path: &str, line: &str| {
        format!(
            "/api/v1/overgangspad?historisch={}&objectief={}&begrotingId={b}&regel={line}&pad={}",
            h["id"],
            o["id"],
            path.replace(' ', "%20")
                .replace(';', "%3B")
                .replace(':', "%3A")
        )
    };
    let (status, t, _) = app
        .api_get(&s.officer, &ask("2026: 0; 2027: 50; 2028: 100", "k"))
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["regelomschrijving"], "Rijksbijdrage");
    assert_eq!(t["pad"][1], json!({"jaar": 2027, "percentage": 50}));
    let huizen: Vec<&Value> = t["regels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["gemeente"] == HUIZEN)
        .collect();
    assert_eq!(huizen.len(), 3);
    // 2027 half-way: 22,5 % of € 1.000.000 against 20 % historically.
    assert_eq!(
        (
            &huizen[1]["jaar"],
            &huizen[1]["historisch"],
            &huizen[1]["objectief"],
            &huizen[1]["volgensPad"],
            &huizen[1]["verschil"],
            &huizen[1]["uitkomst"],
            &huizen[1]["naam"]
        ),
        (
            &json!(2027),
            &json!("200000.00"),
            &json!("250000.00"),
            &json!("225000.00"),
            &json!("25000.00"),
            &json!("voordeel"),
            &json!("Huizen")
        )
    );
    let hilversum_2028 = t["regels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["gemeente"] == HILVERSUM && r["jaar"] == 2028)
        .unwrap();
    assert_eq!(hilversum_2028["uitkomst"], "nadeel");
    assert_eq!(hilversum_2028["verschil"], "-160000.00");
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.action.as_str()),
        ("verrekening", "bekeken")
    );

    let (status, problem, _) = app.api_get(&s.officer, &ask("2027: 50; 2026: 0", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["pad", "regel"]);
    let (status, problem, _) = app
        .api_get(
            &s.officer,
            "/api/v1/overgangspad?historisch=x&objectief=&begrotingId=y&regel=k&pad=2026:0",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        problem_fields(&problem),
        ["historisch", "objectief", "begrotingId"]
    );
    let (status, problem, _) = app.api_get(&s.officer, &ask("2026: 0", "z")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["regel"]);
}

// ---- pages ----------------------------------------------------------------------------

#[tokio::test]
async fn settlement_pages_the_adviser_records_a_key_on_the_form_and_changes_it() {
    let mut app = spawn_app().await;
    let _ = priced(&mut app).await;
    let officer = user(&app, "fin.gv", "financieel-adviseur", "regio:GV").await;

    let home = app.page(&officer, "/").await;
    assert!(
        home.contains("href=\"/financien/verrekening\""),
        "the menu and home lead there: {home}"
    );
    let list = app.page(&officer, "/financien/verdeelsleutels").await;
    assert!(list.contains("<h1>Verdeelsleutels</h1>"), "{list}");
    assert!(
        list.contains("Historisch budget centrumgemeente (demo)"),
        "{list}"
    );
    assert!(list.contains("href=\"/financien/verdeelsleutels/nieuw\""));
    assert_accessible("/financien/verdeelsleutels", &list);

    // A row per municipality of the region, with its name.
    let form = app.page(&officer, "/financien/verdeelsleutels/nieuw").await;
    assert!(form.contains("<h1>Nieuwe verdeelsleutel</h1>"), "{form}");
    let codes = gv_codes(&app).await;
    assert_eq!(codes.len(), 7);
    for code in &codes {
        assert!(
            form.contains(&format!("id=\"veld-aandeel-{code}\"")),
            "{code}: {form}"
        );
    }
    assert!(form.contains(">Hilversum (GM0402)<"), "{form}");
    assert_accessible("/financien/verdeelsleutels/nieuw", &form);

    // Not adding up, and an empty cell: each at its place.
    let csrf = csrf_from(&form);
    let mut fields: Vec<(String, String)> = vec![
        ("soort".into(), "objectief".into()),
        ("naam".into(), "Objectief 2027".into()),
        ("bron".into(), "Verdeelmodel".into()),
    ];
    for code in &codes {
        let share = match code.as_str() {
            HILVERSUM => "60",
            HUIZEN => "39,5",
            _ => "0",
        };
        fields.push((format!("aandeel-{code}"), share.into()));
    }
    let as_ref = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let post = |f: Vec<(String, String)>| {
        let csrf = csrf.clone();
        let officer = officer.clone();
        let url = app.url("/financien/verdeelsleutels/nieuw");
        async move {
            let mut body = vec![("csrf".to_string(), csrf)];
            body.extend(f);
            officer.post(url).form(&body).send().await.unwrap()
        }
    };
    let resp = post(as_ref(&fields)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("De aandelen tellen op tot 99,5 %"), "{html}");
    assert_accessible("/financien/verdeelsleutels/nieuw (fouten)", &html);
    let mut empty = as_ref(&fields);
    for f in empty.iter_mut() {
        if f.0 == format!("aandeel-{HUIZEN}") {
            f.1 = String::new();
        }
    }
    let html = post(empty).await.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "<a href=\"#veld-aandeel-{HUIZEN}\">Vul een percentage in"
        )),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"veld-aandeel-GM0406-fout\""));

    for f in fields.iter_mut() {
        if f.0 == format!("aandeel-{HUIZEN}") {
            f.1 = "40".into();
        }
    }
    let resp = post(as_ref(&fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(
        to.starts_with("/financien/verdeelsleutels/")
            && to.ends_with("?melding=verdeelsleutel-vastgelegd"),
        "{to}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.action.as_str()),
        ("verdeelsleutel", "aangemaakt")
    );
    let detail_path = to.split('?').next().unwrap().to_string();
    let detail = app.page(&officer, &to).await;
    assert!(
        detail.contains("<h1>Verdeelsleutel Objectief 2027</h1>"),
        "{detail}"
    );
    assert!(
        detail.contains("De verdeelsleutel is vastgelegd."),
        "{detail}"
    );
    let shares = table_after(&detail, "Aandelen per gemeente");
    assert!(
        shares.contains("60 %") && shares.contains("40 %"),
        "{shares}"
    );
    assert!(
        detail.contains(&format!(
            "id=\"veld-aandeel-{HUIZEN}\" name=\"aandeel-{HUIZEN}\" value=\"40\""
        )),
        "{detail}"
    );
    assert_accessible(&detail_path, &detail);

    // A new version; the form read before it is stale.
    let version = hidden_version(&detail);
    let csrf = csrf_from(&detail);
    let mut change: Vec<(&str, &str)> = vec![
        ("versie", version.as_str()),
        ("soort", "objectief"),
        ("naam", "Objectief 2027"),
        ("bron", ""),
    ];
    let names: Vec<String> = codes.iter().map(|c| format!("aandeel-{c}")).collect();
    for (code, name) in codes.iter().zip(&names) {
        change.push((
            name.as_str(),
            if code == HILVERSUM || code == HUIZEN {
                "50"
            } else {
                "0"
            },
        ));
    }
    let resp = app.post_form(&officer, &detail_path, &csrf, &change).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).ends_with("?melding=opgeslagen"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.action.as_str()),
        ("verdeelsleutel", "gewijzigd")
    );
    let resp = app.post_form(&officer, &detail_path, &csrf, &change).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(html.contains("zt-error-summary"), "{html}");
    let versions = table_after(
        &app.page(&officer, &detail_path).await,
        "Versies van deze verdeelsleutel",
    )
    .to_string();
    assert_eq!(
        versions.matches("<tr>").count(),
        3,
        "a header and two versions: {versions}"
    );
}

#[tokio::test]
async fn settlement_pages_the_statement_with_its_downloads_publication_and_transition() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;
    let officer = user(&app, "fin.gv", "financieel-adviseur", "regio:GV").await;
    let (_, key, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "40")]).await,
        )
        .await;
    let k = key["id"].as_i64().unwrap();

    // The first visit: the question, proposing last year.
    let first = app.page(&officer, "/financien/verrekening").await;
    assert!(
        first.contains("<h1>Verrekening tussen gemeenten</h1>"),
        "{first}"
    );
    assert!(
        first.contains("id=\"veld-periode\" name=\"periode\" value=\"2025\""),
        "{first}"
    );
    assert!(
        first.contains("<caption>Vastgestelde verrekeningen"),
        "{first}"
    );
    assert_accessible("/financien/verrekening", &first);

    // The second quarter by key: the demo's stays count too, so check the
    // page's shape and the test's own stay through the table's words.
    let query = format!("periode=2025-K2&verdeling=verdeelsleutel&verdeelsleutelId={k}");
    let path = format!("/financien/verrekening?{query}");
    let resp = officer.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    let table = table_after(&html, "Verrekening 2e kwartaal 2025 per gemeente");
    for text in ["Hilversum", "Huizen", "Totaal regio", "60 %", "40 %"] {
        assert!(table.contains(text), "{text}: {table}");
    }
    assert!(
        table.contains("te betalen €") && table.contains("te ontvangen €"),
        "{table}"
    );
    assert!(html.contains("Verrekening vaststellen"), "{html}");
    assert_accessible(&path, &html);

    // Downloads: CSV, Excel and PDF of the same statement.
    let download = |format: &str| {
        let url = app.url(&format!(
            "/financien/verrekening/export?formaat={format}&{query}"
        ));
        let officer = officer.clone();
        async move { officer.get(url).send().await.unwrap() }
    };
    let resp = download("csv").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    assert!(
        csv.starts_with("\u{feff}Gemeente;Gemeentecode;Kosten eigen inwoners (€);Dagen in zorg;Cliënten;Aandeel (%);Bijdrage (€);Saldo (€);Te betalen of te ontvangen\r\n"),
        "{csv}"
    );
    assert!(csv.contains(";GM0406;"), "{csv}");
    assert!(csv.contains("Totaal regio;"), "{csv}");
    assert!(csv.contains("te betalen"), "{csv}");
    let resp = download("xlsx").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(&resp.bytes().await.unwrap()[..2], b"PK");
    let resp = download("pdf").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("Gooi en Vechtstreek"), "{text}");
    assert!(text.contains("Totaal regio"), "{text}");
    let resp = download("doc").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // A bad period: the form with the problem at its field.
    let resp = officer
        .get(app.url("/financien/verrekening?periode=2025-K5&verdeling=kosten"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#veld-periode\">Kies een jaar"),
        "{html}"
    );
    assert_accessible("/financien/verrekening (fouten)", &html);

    // Published from the page, then frozen; its page says it still comes
    // out the same.
    let csrf = csrf_from(&app.page(&officer, &path).await);
    let resp = app
        .post_form(
            &officer,
            &format!("/financien/verrekening/vaststellen?{query}"),
            &csrf,
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(
        to.starts_with("/financien/verrekening/gepubliceerd/"),
        "{to}"
    );
    assert!(to.ends_with("?melding=verrekening-vastgesteld"), "{to}");
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.action.as_str()),
        ("verrekening", "aangemaakt")
    );
    let published_path = to.split('?').next().unwrap().to_string();
    let html = app.page(&officer, &to).await;
    assert!(
        html.contains("<h1>Vastgestelde verrekening 2e kwartaal 2025</h1>"),
        "{html}"
    );
    assert!(html.contains("De verrekening is vastgesteld."), "{html}");
    assert!(
        html.contains("nog precies zo uit als vastgesteld"),
        "{html}"
    );
    assert!(
        html.contains("door Test financieel-adviseur") || html.contains("door fin.gv"),
        "{html}"
    );
    assert_accessible(&published_path, &html);
    let list = app.page(&officer, "/financien/verrekening").await;
    assert!(
        list.contains(&format!("href=\"{published_path}\"")),
        "{list}"
    );
    let resp = officer
        .get(app.url(&format!("{published_path}/export?formaat=pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("Vastgesteld"), "{text}");
    let resp = officer
        .get(app.url(&format!("{published_path}/export?formaat=csv")))
        .send()
        .await
        .unwrap();
    assert!(resp.text().await.unwrap().contains("Vastgesteld: "));

    // Days without a tariff: a warning, and no publish button.
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let html = app.page(&officer, &path).await;
    assert!(
        html.contains("10 dagen in zorg van inwoners van de regio hebben geen tarief"),
        "{html}"
    );
    assert!(!html.contains("id=\"vaststellen-formulier\""), "{html}");
    let resp = app
        .post_form(
            &officer,
            &format!("/financien/verrekening/vaststellen?{query}"),
            &csrf,
            &[],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("10 dagen in zorg hebben nog geen tarief")
    );

    // The transition calculator with its downloads.
    let b = budget(&app).await;
    let first = app.page(&officer, "/financien/overgangspad").await;
    assert!(first.contains("<h1>Overgangspad</h1>"), "{first}");
    assert!(
        first.contains("2026: 0; 2027: 25; 2028: 50; 2029: 100"),
        "{first}"
    );
    assert_accessible("/financien/overgangspad", &first);
    let (_, h, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "historisch", &[(HILVERSUM, "80"), (HUIZEN, "20")]).await,
        )
        .await;
    let tq = format!(
        "historisch={}&objectief={k}&begrotingId={b}&regel=k&pad=2026%3A+0%3B+2027%3A+50%3B+2028%3A+100",
        h["id"]
    );
    let path = format!("/financien/overgangspad?{tq}");
    let html = app.page(&officer, &path).await;
    let table = table_after(
        &html,
        "Overgangspad van rijksbijdrage (GO BW overgang) per gemeente en jaar",
    );
    assert!(table.contains("voordeel € 100.000,00"), "{table}");
    assert!(table.contains("nadeel €"), "{table}");
    assert!(
        html.contains("Regels van GO BW overgang: k (Rijksbijdrage)."),
        "{html}"
    );
    assert_accessible(&path, &html);
    let resp = officer
        .get(app.url(&format!("/financien/overgangspad/export?formaat=csv&{tq}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csv = resp.text().await.unwrap();
    assert!(
        csv.starts_with("\u{feff}Gemeente;Gemeentecode;Jaar;"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "Huizen;GM0406;2027;1000000,00;200000,00;400000,00;50;300000,00;100000,00;voordeel"
        ),
        "{csv}"
    );
    let resp = officer
        .get(app.url(&format!("/financien/overgangspad/export?formaat=xlsx&{tq}")))
        .send()
        .await
        .unwrap();
    assert_eq!(&resp.bytes().await.unwrap()[..2], b"PK");
    let resp = officer
        .get(app.url(&format!("/financien/overgangspad?historisch={}&objectief={k}&begrotingId={b}&regel=k&pad=2027%3A+50%3B+2026%3A+0", h["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#veld-pad\">Zet de jaren op volgorde"),
        "{html}"
    );
}

#[tokio::test]
async fn settlement_pages_a_municipality_sees_its_own_line_and_other_roles_nothing() {
    let mut app = spawn_app().await;
    let (s, _) = priced(&mut app).await;
    let (_, key, _) = app
        .api_post(
            &s.officer,
            KEYS,
            key_body(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "40")]).await,
        )
        .await;
    let path = format!(
        "/financien/verrekening?periode=2025&verdeling=verdeelsleutel&verdeelsleutelId={}",
        key["id"]
    );
    let huizen = user(&app, "fin.huizen", "financieel-adviseur", "gemeente:GM0406").await;
    let html = app.page(&huizen, &path).await;
    let table = table_after(&html, "Verrekening 2025 per gemeente");
    assert!(
        table.contains("Huizen") && !table.contains("Hilversum"),
        "{table}"
    );
    assert!(table.contains("Totaal regio"), "{table}");
    assert!(!html.contains("Verrekening vaststellen"), "{html}");
    assert_accessible(&path, &html);
    let list = app.page(&huizen, "/financien/verdeelsleutels").await;
    assert!(
        !list.contains("href=\"/financien/verdeelsleutels/nieuw\""),
        "{list}"
    );
    let resp = huizen
        .get(app.url("/financien/verdeelsleutels/nieuw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    for (name, role, scope) in [
        ("beleid.test", "beleidsadviseur", "regio:GV".to_string()),
        ("wmo.test", "wmo-consulent", "gemeente:GM0406".to_string()),
        (
            "aanbieder.test",
            "aanbieder",
            format!("aanbieder:{}", s.provider),
        ),
        ("corp.test", "corporatie", "corporatie:1".to_string()),
    ] {
        let browser = user(&app, name, role, &scope).await;
        let home = app.page(&browser, "/").await;
        assert!(!home.contains("/financien/verrekening"), "{role}: {home}");
        for p in [
            "/financien/verrekening",
            path.as_str(),
            "/financien/verdeelsleutels",
            "/financien/overgangspad",
        ] {
            let resp = browser.get(app.url(p)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{role} {p}");
        }
    }
}
