//! Budgets over the API and on the pages: the finance officer records a
//! budget with its lines (typed, or read from a CSV or Excel file), changes
//! it in new versions under If-Match, enters actuals per month, and reads
//! the budget against its realisation (care cost from the stays and the
//! tariffs, other lines from the actuals) and the historical cohort's
//! forecast; bad input is named per field in Dutch and writes nothing;
//! the domain's policy decides who sees and changes what.
//!
//! The tests price a product and a provider of their own (made through the
//! reference API); the demo without its population has no stays, so the
//! care cost here is only that of the tests' stays, computed by hand.

use crate::finance::assert_accessible;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{
    TestApp, hidden_version, location, problem_fields, spawn_app, spawn_app_with, table_after,
};

const BUDGETS: &str = "/api/v1/begrotingen";
const OFFICER: (&str, &str) = ("financieel-adviseur", "regio:GV");
/// € 151,23 a day, the tests' tariff.
const DAY: i64 = 15_123;

struct Setup {
    provider: i64,
    product: i64,
    location: i64,
    officer: String,
    consultant: String,
    provider_token: String,
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> (Value, Option<String>) {
    let (status, v, etag) = app.api_post(token, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body}: {v}");
    (v, etag)
}

/// The demo, a provider and a day-priced shelter product of the tests'
/// own at a location in Huizen, and the tariff of € 151,23 a day from 2025.
async fn setup(app: &mut TestApp) -> Setup {
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let provider = created(
        app,
        &admin,
        "/api/v1/aanbieders",
        json!({"naam": "Stichting Begrotingstest"}),
    )
    .await
    .0["id"]
        .as_i64()
        .unwrap();
    let product = created(
        app,
        &admin,
        "/api/v1/producten",
        json!({"code": "BT-DAG", "naam": "Begrotingstest opvang", "productcategorie": "16",
            "soort": "opvang", "tariefeenheid": "per-dag"}),
    )
    .await
    .0["id"]
        .as_i64()
        .unwrap();
    let location = created(
        app,
        &admin,
        "/api/v1/locaties",
        json!({"naam": "Begrotingstest Huizen", "aanbiederId": provider, "gemeenteCode": "GM0406",
            "geheimAdres": false, "productIds": [product]}),
    )
    .await
    .0["id"]
        .as_i64()
        .unwrap();
    let officer = app.token(OFFICER.0, OFFICER.1).await;
    created(
        app,
        &officer,
        "/api/v1/tarieven",
        json!({"productId": product, "bedrag": "151.23", "geldigVanaf": "2025-01-01"}),
    )
    .await;
    Setup {
        provider,
        product,
        location,
        officer,
        consultant: app.token("wmo-consulent", "gemeente:GM0406").await,
        provider_token: app
            .token("aanbieder", &format!("aanbieder:{provider}"))
            .await,
    }
}

/// A Huizen resident (`surname`, one per stay) with a granted decision, in
/// a stay with the tests' provider from `start`; ended on `end` (the day
/// of leaving) when given. Returns the stay.
async fn stay(s: &Setup, app: &TestApp, surname: &str, start: &str, end: Option<&str>) -> Value {
    let (client, _) = created(
        app,
        &s.consultant,
        "/api/v1/clienten",
        json!({"voornaam": "Noor", "achternaam": surname, "geboortedatum": "1979-02-03"}),
    )
    .await;
    let (application, _) = created(
        app,
        &s.consultant,
        "/api/v1/aanmeldingen",
        json!({"clientId": client["id"], "productId": s.product, "aanmelddatum": "2025-01-02",
            "bron": "politie"}),
    )
    .await;
    let (decision, _) = created(
        app,
        &s.consultant,
        "/api/v1/beschikkingen",
        json!({"aanmeldingId": application["id"], "uitkomst": "toegekend",
            "besluitdatum": "2025-01-02", "geldigVanaf": "2025-01-02",
            "beschikkingsnummer": format!("BT-{}", application["id"])}),
    )
    .await;
    let (placed, etag) = created(
        app,
        &s.consultant,
        "/api/v1/verblijven",
        json!({"beschikkingId": decision["id"], "aanbiederId": s.provider,
            "locatieId": s.location, "startdatum": start}),
    )
    .await;
    let Some(end) = end else {
        return placed;
    };
    let (status, ended, _) = app
        .api(
            Method::POST,
            &s.provider_token,
            &format!("/api/v1/verblijven/{}/einde", placed["id"]),
            Some(json!({"einddatum": end, "uitstroombestemming": "zelfstandig"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    ended
}

fn line(code: &str, side: &str, category: &str, amounts: Value) -> Value {
    json!({"code": code, "zijde": side, "categorie": category,
        "omschrijving": format!("Regel {code}"), "bedragen": amounts})
}

/// A budget of the officer's region with three lines over 2025 and 2026:
/// the care cost, staff (from actuals) and the IUBW, typed negative as in
/// the GO BW table.
fn budget(name: &str) -> Value {
    json!({"naam": name, "versie": {"titel": "Begroting 2025–2026", "regels": [
        line("a", "lasten", "zorgkosten", json!({"2025": "10.000,00", "2026": "50000"})),
        line("b", "lasten", "personeel", json!({"2025": "1.200,00", "2026": "2400.00"})),
        line("c", "baten", "iubw", json!({"2025": "-11.200,00", "2026": "-52.400"})),
    ]}})
}

/// Euros as the API writes them: `1234.56`.
fn euros(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn now(app: &TestApp) -> String {
    app.clock.now().to_rfc3339().replace('+', "%2B")
}

/// The line with this code of a realisation answer.
fn row<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["regels"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{code}: {report}"))
}

/// How many budgets a token sees.
async fn count(app: &TestApp, token: &str) -> i64 {
    let (status, list, _) = app.api_get(token, BUDGETS).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["aantal"].as_i64().unwrap()
}

#[tokio::test]
async fn budget_is_created_read_and_changed_under_if_match_each_with_its_audit_row() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    // The demo's own budget of Gooi en Vechtstreek.
    assert_eq!(count(&app, &s.officer).await, 1);

    let (status, b, etag) = app
        .api_post(&s.officer, BUDGETS, budget("Begroting toets"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let first = b["versie"]["id"].as_i64().unwrap();
    assert_eq!(etag.as_deref(), Some(format!("\"v{first}\"").as_str()));
    assert_eq!(b["gemeente"], Value::Null);
    assert_eq!(
        (b["versie"]["soort"].as_str(), b["versie"]["titel"].as_str()),
        (Some("begroting"), Some("Begroting 2025–2026"))
    );
    // Baten are kept positive; amounts are written with a decimal point.
    let lines = b["versie"]["regels"].as_array().unwrap();
    assert_eq!(
        lines[0]["bedragen"],
        json!({"2025": "10000.00", "2026": "50000.00"})
    );
    assert_eq!(
        lines[2]["bedragen"],
        json!({"2025": "11200.00", "2026": "52400.00"})
    );
    assert_eq!(lines[2]["zijde"], "baten");
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.object_type.as_str(),
            audit.action.as_str(),
            audit.object_id.as_deref(),
            audit.outcome.as_str()
        ),
        (
            "begroting",
            "aangemaakt",
            Some(id.to_string().as_str()),
            "geslaagd"
        )
    );
    assert!(
        audit.details.contains(r#""regels":["a","b","c"]"#),
        "{}",
        audit.details
    );
    assert_eq!(count(&app, &s.officer).await, 2);

    let path = format!("{BUDGETS}/{id}");
    let (status, got, etag) = app.api_get(&s.officer, &path).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(etag.as_deref(), Some(format!("\"v{first}\"").as_str()));
    assert_eq!(got["naam"], "Begroting toets");
    assert_eq!(got["versies"].as_array().unwrap().len(), 1);
    let before_change = now(&app);

    // A begrotingswijziging: a new version of all lines, kind by default.
    app.clock.advance(chrono::Duration::hours(1));
    let change = json!({"titel": "Eerste wijziging 2026", "toelichting": "Meer zorgkosten",
        "regels": [line("a", "lasten", "zorgkosten", json!({"2026": "60.000"}))]});
    let (status, v, new_etag) = app
        .api(
            Method::PUT,
            &s.officer,
            &path,
            Some(change.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let second = v["id"].as_i64().unwrap();
    assert_ne!(second, first);
    assert_eq!(new_etag.as_deref(), Some(format!("\"v{second}\"").as_str()));
    assert_eq!(v["soort"], "begrotingswijziging");
    assert_eq!(v["regels"][0]["bedragen"], json!({"2026": "60000.00"}));
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_id.as_deref()),
        ("gewijzigd", Some(id.to_string().as_str()))
    );

    // The first ETag is stale now: refused, nothing written.
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &s.officer,
            &path,
            Some(change.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    assert_eq!(problem["type"], "urn:zothuis:probleem:verouderde-versie");
    let (status, problem, _) = app
        .api(Method::PUT, &s.officer, &path, Some(change), None)
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{problem}");
    let (_, got, etag) = app.api_get(&s.officer, &path).await;
    assert_eq!(etag.as_deref(), Some(format!("\"v{second}\"").as_str()));
    let versions = got["versies"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{got}");
    assert_eq!(versions[0]["id"], first);
    assert_eq!(versions[1]["id"], second);
    assert_eq!(
        versions[0]["geregistreerdDoor"],
        versions[1]["geregistreerdDoor"]
    );
    assert_eq!(got["versie"]["toelichting"], "Meer zorgkosten");

    // As known before the change: the first version only.
    let (status, then, _) = app
        .api_get(&s.officer, &format!("{path}?bekendOp={before_change}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{then}");
    assert_eq!(then["versie"]["id"], first);
    assert_eq!(then["versies"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn budget_bad_input_is_named_per_field_in_dutch_and_writes_nothing() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let before = count(&app, &s.officer).await;
    let last = app.last_audit().await.seq;

    // No name, no title, a negative amount of lasten, an unknown category.
    let bad = json!({"naam": " ", "versie": {"titel": "", "regels": [
        line("a", "lasten", "zorgkosten", json!({"2025": "-5,00"})),
        line("b", "lasten", "koffie", json!({"2025": "5"})),
    ]}});
    let (status, problem, _) = app.api_post(&s.officer, BUDGETS, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "urn:zothuis:probleem:ongeldige-invoer");
    assert_eq!(
        problem_fields(&problem),
        [
            "naam",
            "versie.titel",
            "versie.regels[0].bedragen.2025",
            "versie.regels[1].categorie"
        ]
    );
    let reasons: Vec<&str> = problem["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "geef de begroting een naam, bijvoorbeeld GO Beschermd Wonen",
            "geef de begroting een titel, bijvoorbeeld Begroting 2025–2028",
            "een bedrag bij de lasten is niet negatief",
            "kies een soort regel uit de lijst",
        ]
    );

    // A line on the wrong side, a year that is none, an amount of a
    // hundred billion and more, a municipality that does not exist.
    for (body, field, reason) in [
        (
            json!({"naam": "x", "versie": {"titel": "t", "regels": [
                line("a", "baten", "personeel", json!({"2025": "5"}))]}}),
            "versie.regels[0].categorie",
            "Personeelskosten hoort bij de lasten",
        ),
        (
            json!({"naam": "x", "versie": {"titel": "t", "regels": [
                line("a", "lasten", "personeel", json!({"volgend jaar": "5"}))]}}),
            "versie.regels[0].bedragen",
            "'volgend jaar' is geen jaar",
        ),
        (
            json!({"naam": "x", "versie": {"titel": "t", "regels": [
                line("a", "lasten", "personeel", json!({"2025": "100000000000.01"}))]}}),
            "versie.regels[0].bedragen.2025",
            "een bedrag is hoogstens € 100 miljard",
        ),
        (
            json!({"naam": "x", "versie": {"titel": "t", "regels": []}}),
            "versie.regels",
            "een begroting heeft minstens één regel",
        ),
        (
            json!({"naam": "x", "gemeente": "GM9999", "versie": {"titel": "t", "regels": [
                line("a", "lasten", "personeel", json!({"2025": "5"}))]}}),
            "gemeente",
            "deze gemeente bestaat niet",
        ),
    ] {
        let (status, problem, _) = app.api_post(&s.officer, BUDGETS, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), [field], "{problem}");
        assert_eq!(problem["invalidParams"][0]["reason"], reason, "{problem}");
    }
    // Not JSON, or an amount as a number: the body cannot be read.
    for body in [
        json!("begroting"),
        json!({"naam": "x", "versie": {"regels": [
        {"code": "a", "bedragen": {"2025": 5}}]}}),
    ] {
        let (status, problem, _) = app.api_post(&s.officer, BUDGETS, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), ["body"]);
    }
    assert_eq!(count(&app, &s.officer).await, before);
    assert!(
        app.audit(20)
            .await
            .iter()
            .filter(|a| a.seq > last)
            .all(|a| a.action != "aangemaakt"),
        "nothing written"
    );

    // A change names its fields without the `versie.` of a new budget.
    let (b, etag) = created(&app, &s.officer, BUDGETS, budget("Toets")).await;
    let path = format!("{BUDGETS}/{}", b["id"]);
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &s.officer,
            &path,
            Some(
                json!({"soort": "begrotingsverhoging", "titel": "W", "regels": [
                line("a", "opzij", "zorgkosten", json!({"2025": "1"}))]}),
            ),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["soort", "regels[0].zijde"]);
    assert_eq!(
        problem["invalidParams"][0]["reason"],
        "kies begroting of begrotingswijziging"
    );

    // Bad questions: a year that is no year, a forecast of no years.
    for (query, field) in [
        (format!("{path}/realisatie?jaar=twintig"), "jaar"),
        (format!("{path}/realisatie?jaar=1999"), "jaar"),
        (
            "/api/v1/kosten/prognose-historisch?jaren=0".to_string(),
            "jaren",
        ),
        (
            "/api/v1/kosten/prognose-historisch?jaren=veel".to_string(),
            "jaren",
        ),
        (
            "/api/v1/kosten/prognose-historisch?gemeente=Huizen".to_string(),
            "gemeente",
        ),
        (format!("{path}?bekendOp=gisteren"), "query"),
    ] {
        let (status, problem, _) = app.api_get(&s.officer, &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {problem}");
        assert_eq!(problem_fields(&problem), [field], "{query}: {problem}");
    }
    let (status, _, _) = app.api_get(&s.officer, &format!("{BUDGETS}/999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn budget_actuals_and_the_realisation_against_the_budget_computed_by_hand() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    // 20 March to 10 May 2025: 51 days. In care since 20 December 2025:
    // 12 days in 2025, and 12 days of 2026 up to today (12 January).
    stay(&s, &app, "Kasboek", "2025-03-20", Some("2025-05-10")).await;
    stay(&s, &app, "Grootboek", "2025-12-20", None).await;
    let (b, _) = created(&app, &s.officer, BUDGETS, budget("Begroting realisatie")).await;
    let id = b["id"].as_i64().unwrap();
    let actuals = format!("{BUDGETS}/{id}/realisaties");

    // Staff: € 300,00 in March 2025; in January 2026 first € 100,00, an
    // hour later corrected to € 250,00.
    let actual = |year: i64, month: i64, amount: &str| {
        json!({"code": "b", "jaar": year, "maand": month, "bedrag": amount,
            "toelichting": "Salarissen"})
    };
    let (a, _) = created(&app, &s.officer, &actuals, actual(2025, 3, "300")).await;
    assert_eq!(
        (
            a["code"].as_str(),
            a["bedrag"].as_str(),
            a["begrotingId"].as_i64()
        ),
        (Some("b"), Some("300.00"), Some(id))
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.object_type.as_str(),
            audit.action.as_str(),
            audit.object_id.as_deref()
        ),
        ("begroting", "aangemaakt", Some(id.to_string().as_str()))
    );
    assert!(
        audit.details.contains(r#""realisatie":"b""#),
        "{}",
        audit.details
    );
    created(&app, &s.officer, &actuals, actual(2026, 1, "100,00")).await;
    let before_correction = now(&app);
    app.clock.advance(chrono::Duration::hours(1));
    created(&app, &s.officer, &actuals, actual(2026, 1, "250,00")).await;

    // A care-cost line takes no actual; a line that is not there neither;
    // month 13 is no month.
    for (body, field) in [
        (
            json!({"code": "a", "jaar": 2025, "maand": 3, "bedrag": "1"}),
            "code",
        ),
        (
            json!({"code": "z", "jaar": 2025, "maand": 3, "bedrag": "1"}),
            "code",
        ),
        (
            json!({"code": "b", "jaar": 2025, "maand": 13, "bedrag": "1"}),
            "maand",
        ),
        (
            json!({"code": "b", "jaar": 2025, "maand": 1, "bedrag": "veel"}),
            "bedrag",
        ),
    ] {
        let (status, problem, _) = app.api_post(&s.officer, &actuals, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), [field], "{problem}");
    }
    let (status, list, _) = app.api_get(&s.officer, &actuals).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["aantal"], 2, "the correction replaces: {list}");
    assert_eq!(list["resultaten"][1]["bedrag"], "250.00");

    // 2025, a year that has passed: the care cost of both stays, (51 + 12)
    // days × € 151,23, realised and forecast alike.
    let (status, r, _) = app
        .api_get(&s.officer, &format!("{BUDGETS}/{id}/realisatie?jaar=2025"))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (r["jaar"].as_i64(), r["gerealiseerdTot"].as_str()),
        (Some(2025), Some("2025-12-31"))
    );
    assert_eq!(r["dagenZonderTarief"], 0);
    let care = euros(63 * DAY);
    let a = row(&r, "a");
    assert_eq!(
        (
            a["bron"].as_str(),
            a["begroot"].as_str(),
            a["gerealiseerd"].as_str(),
            a["prognose"].as_str(),
            a["verschil"].as_str(),
            a["clienten"].as_i64()
        ),
        (
            Some("verblijven"),
            Some("10000.00"),
            Some(care.as_str()),
            Some(care.as_str()),
            Some(format!("-{}", euros(1_000_000 - 63 * DAY)).as_str()),
            Some(2)
        )
    );
    // Staff: € 300,00 through March and nine months as budgeted (9 ×
    // € 100,00): € 1.200,00, on budget. IUBW: nothing entered, as budgeted.
    let b = row(&r, "b");
    assert_eq!(
        (
            b["bron"].as_str(),
            b["gerealiseerd"].as_str(),
            b["prognose"].as_str(),
            b["verschil"].as_str()
        ),
        (
            Some("ingevoerd"),
            Some("300.00"),
            Some("1200.00"),
            Some("0.00")
        )
    );
    let c = row(&r, "c");
    assert_eq!(
        (
            c["zijde"].as_str(),
            c["begroot"].as_str(),
            c["gerealiseerd"].as_str(),
            c["prognose"].as_str()
        ),
        (
            Some("baten"),
            Some("11200.00"),
            Some("0.00"),
            Some("11200.00")
        )
    );

    // 2026, the current year: 12 days realised; the open stay runs to the
    // end of the year at its tariff: 365 days. Staff: € 250,00 in January
    // and eleven months of € 200,00.
    let (_, r, _) = app
        .api_get(&s.officer, &format!("{BUDGETS}/{id}/realisatie?jaar=2026"))
        .await;
    assert_eq!(r["gerealiseerdTot"], "2026-01-12", "{r}");
    let a = row(&r, "a");
    assert_eq!(
        (
            a["gerealiseerd"].as_str(),
            a["prognose"].as_str(),
            a["verschil"].as_str(),
            a["clienten"].as_i64()
        ),
        (
            Some(euros(12 * DAY).as_str()),
            Some(euros(365 * DAY).as_str()),
            Some(euros(365 * DAY - 5_000_000).as_str()),
            Some(1)
        )
    );
    let b = row(&r, "b");
    assert_eq!(
        (
            b["gerealiseerd"].as_str(),
            b["prognose"].as_str(),
            b["verschil"].as_str()
        ),
        (Some("250.00"), Some("2450.00"), Some("50.00"))
    );
    // As known before the correction: € 100,00 in January.
    let (_, then, _) = app
        .api_get(
            &s.officer,
            &format!("{BUDGETS}/{id}/realisatie?jaar=2026&bekendOp={before_correction}"),
        )
        .await;
    assert_eq!(row(&then, "b")["gerealiseerd"], "100.00", "{then}");

    // A policy adviser of Huizen sees the budget, the care cost of two
    // clients hidden (fewer than 5), the rest as it is.
    let adviser = app.token("beleidsadviseur", "gemeente:GM0406").await;
    let (status, seen, _) = app
        .api_get(&adviser, &format!("{BUDGETS}/{id}/realisatie?jaar=2025"))
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let a = row(&seen, "a");
    assert_eq!(
        (
            a["onderdrukt"].as_bool(),
            a["begroot"].as_str(),
            a["gerealiseerd"].as_str(),
            a["prognose"].as_str(),
            a["clienten"].as_i64()
        ),
        (Some(true), Some("10000.00"), None, None, None)
    );
    assert_eq!(row(&seen, "b")["gerealiseerd"], "300.00");
}

#[tokio::test]
async fn budget_the_policy_decides_who_sees_and_changes_budgets() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let (region_budget, etag) = created(&app, &s.officer, BUDGETS, budget("Regio")).await;
    let region_path = format!("{BUDGETS}/{}", region_budget["id"]);
    let local = app.token("financieel-adviseur", "gemeente:GM0406").await;
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let corporation = app.token("corporatie", "corporatie:1").await;
    let other_region = app.token("financieel-adviseur", "regio:ZKIH").await;
    let change = json!({"titel": "Wijziging", "regels": [
        line("a", "lasten", "zorgkosten", json!({"2026": "1"}))]});

    // The finance officer of a municipality: sees the region's budget,
    // records its own municipality's, not the region's nor another's.
    let (status, _, _) = app.api_get(&local, &region_path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem, _) = app
        .api(
            Method::PUT,
            &local,
            &region_path,
            Some(change.clone()),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.outcome.as_str(), audit.action.as_str()),
        ("geweigerd", "gewijzigd")
    );
    let mut own = budget("Huizen");
    let (local_budget, _) = created(&app, &local, BUDGETS, own.clone()).await;
    assert_eq!(local_budget["gemeente"], "GM0406");
    own["gemeente"] = json!("GM0402");
    let (status, problem, _) = app.api_post(&local, BUDGETS, own.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    // The region's officer sees the municipality's budget and may keep it.
    let (status, _, _) = app
        .api_get(&s.officer, &format!("{BUDGETS}/{}", local_budget["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, hilversum, _) = app.api_post(&s.officer, BUDGETS, own).await;
    assert_eq!(status, StatusCode::CREATED, "{hilversum}");
    // Huizen does not see Hilversum's budget; the region's officer all four.
    let (status, _, _) = app
        .api_get(&local, &format!("{BUDGETS}/{}", hilversum["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, &local).await, 3);
    assert_eq!(count(&app, &s.officer).await, 4);

    // A policy adviser reads, and records nothing.
    let (status, _, _) = app.api_get(&adviser, &region_path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem, _) = app.api_post(&adviser, BUDGETS, budget("Beleid")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("alleen de financieel adviseur legt begrotingen en realisaties vast"),
        "{problem}"
    );
    let (status, _, _) = app
        .api_post(
            &adviser,
            &format!("{region_path}/realisaties"),
            json!({"code": "b", "jaar": 2025, "maand": 1, "bedrag": "1"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.last_audit().await.outcome, "geweigerd");

    // The officer of another region, a provider and a corporation see none.
    let (status, _, _) = app.api_get(&other_region, &region_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for token in [&s.provider_token, &corporation] {
        for path in [
            BUDGETS.to_string(),
            region_path.clone(),
            format!("{region_path}/realisatie?jaar=2025"),
            "/api/v1/kosten/prognose-historisch?gemeente=GM0406".to_string(),
        ] {
            let (status, problem, _) = app.api_get(token, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {problem}");
        }
    }
    assert_eq!(
        (
            app.last_audit().await.outcome.as_str(),
            app.last_audit().await.object_type.as_str()
        ),
        ("geweigerd", "kosten")
    );
}

#[tokio::test]
async fn budget_the_historical_cohort_forecast_with_its_assumptions_and_as_a_budget_line() {
    let settings = zothuis_domain::Settings {
        historical_cutoff: chrono::NaiveDate::from_ymd_opt(2025, 1, 10),
        ..Default::default()
    };
    let mut app = spawn_app_with(settings).await;
    let s = setup(&mut app).await;
    // In care since 5 January 2025, so on the cut-off, and still.
    let placed = stay(&s, &app, "Kasboek", "2025-01-05", None).await;
    let gemeente = placed["verantwoordelijkeGemeente"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, f, _) = app
        .api_get(
            &s.officer,
            &format!("/api/v1/kosten/prognose-historisch?gemeente={gemeente}&jaren=3"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(
        (
            f["peildatum"].as_str(),
            f["vanaf"].as_str(),
            f["onderdrukt"].as_bool()
        ),
        (Some("2025-01-10"), Some("2026-01-12"), Some(false))
    );
    assert_eq!(
        (
            f["clientenOpPeildatum"].as_i64(),
            f["clientenNu"].as_i64(),
            f["vertrokken"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    // Nobody left: the member stays all year, 365 days × € 151,23 a year;
    // of 2026 the 11 days up to today are realised.
    let years = f["jaren"].as_array().unwrap();
    assert_eq!(years.len(), 3);
    assert_eq!(
        (years[0]["jaar"].as_i64(), years[0]["gerealiseerd"].as_str()),
        (Some(2026), Some(euros(11 * DAY).as_str()))
    );
    // 2028 is a leap year.
    for (y, days) in years.iter().zip([365, 365, 366]) {
        assert_eq!(y["bedrag"], euros(days * DAY), "{y}");
    }
    let assumptions: Vec<&str> = f["aannames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        assumptions
            .iter()
            .any(|a| a.contains("nog niemand van hen de zorg verlaten")),
        "{assumptions:?}"
    );
    assert!(
        assumptions.iter().any(|a| a.contains("geen indexering")),
        "{assumptions:?}"
    );

    // A policy adviser of the region: a cohort of one is hidden, numbers
    // and all; the assumptions without them.
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let (status, hidden, _) = app
        .api_get(&adviser, "/api/v1/kosten/prognose-historisch?jaren=2")
        .await;
    assert_eq!(status, StatusCode::OK, "{hidden}");
    assert_eq!(hidden["onderdrukt"], true);
    assert_eq!(hidden["clientenOpPeildatum"], Value::Null);
    assert_eq!(hidden["jaren"][1]["bedrag"], Value::Null);
    assert!(
        hidden["aannames"][0]
            .as_str()
            .unwrap()
            .contains("minder dan 5"),
        "{hidden}"
    );

    // In a year after this one, the historical care-cost line of a
    // municipality's budget is the forecast: nothing realised yet.
    let (b, _) = created(
        &app,
        &s.officer,
        BUDGETS,
        json!({"naam": "Huizen", "gemeente": gemeente, "versie": {"titel": "Begroting 2027",
            "regels": [line("a", "lasten", "zorgkosten-historisch", json!({"2027": "50.000,00"}))]}}),
    )
    .await;
    let (status, r, _) = app
        .api_get(
            &s.officer,
            &format!("{BUDGETS}/{}/realisatie?jaar=2027", b["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let a = row(&r, "a");
    assert_eq!(
        (
            a["bron"].as_str(),
            a["gerealiseerd"].as_str(),
            a["prognose"].as_str(),
            a["verschil"].as_str()
        ),
        (
            Some("prognose"),
            Some("0.00"),
            Some(euros(365 * DAY).as_str()),
            Some(euros(365 * DAY - 5_000_000).as_str())
        )
    );
}

// ---- pages ------------------------------------------------------------------------------

async fn page(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String) {
    let resp = browser.get(app.url(path)).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

/// The id of the budget a page redirected to.
fn budget_id(location: &str) -> i64 {
    location
        .trim_start_matches("/financien/begrotingen/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn budget_pages_the_officer_records_a_budget_changes_it_and_enters_an_actual() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    stay(&s, &app, "Kasboek", "2025-03-20", Some("2025-05-10")).await;
    let browser = app.login("financieel.gv").await;

    // The menu and the home page lead to the budgets.
    let home = app.page(&browser, "/").await;
    assert!(home.contains("href=\"/financien/begrotingen\""), "{home}");
    let (status, list) = page(&app, &browser, "/financien/begrotingen").await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible("/financien/begrotingen", &list);
    assert!(list.contains("Bescherming en Opvang Gooi en Vechtstreek"));
    assert!(list.contains("href=\"/financien/begrotingen/nieuw\""));

    let path = "/financien/begrotingen/nieuw?van=2025&tot=2026&regels=4";
    let (status, form) = page(&app, &browser, path).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(path, &form);
    assert!(form.contains("id=\"veld-r4-2026\""), "four rows, 2025–2026");
    let csrf = zothuis_testkit::csrf_from(&form);
    let before = count(&app, &s.officer).await;

    // A negative amount of lasten and an unknown kind of line: named in
    // the summary and beside their cells; nothing is written.
    let mut fields = vec![
        ("gemeente", ""),
        ("naam", "Begroting pagina"),
        ("soort", "begroting"),
        ("titel", "Begroting 2025–2026"),
        ("r1-code", "a"),
        ("r1-zijde", "lasten"),
        ("r1-categorie", "zorgkosten"),
        ("r1-omschrijving", "Zorgkosten"),
        ("r1-2025", "10.000"),
        ("r1-2026", "-1"),
        ("r2-code", ""),
        ("r2-zijde", ""),
        ("r2-categorie", ""),
        ("r2-omschrijving", ""),
        ("r2-2025", ""),
        ("r3-code", "b"),
        ("r3-zijde", "lasten"),
        ("r3-categorie", "koffie"),
        ("r3-omschrijving", "Koffie"),
        ("r3-2025", "1.200"),
    ];
    let resp = app
        .post_form(&browser, "/financien/begrotingen/nieuw", &csrf, &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("nieuw met fouten", &html);
    assert!(
        html.contains("<a href=\"#veld-r1-2026\">Een bedrag bij de lasten is niet negatief</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#veld-r3-categorie\">Kies een soort regel uit de lijst</a>"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Begroting pagina\""),
        "what was typed stays"
    );
    assert_eq!(count(&app, &s.officer).await, before);

    fields[9] = ("r1-2026", "12.000");
    fields[17] = ("r3-categorie", "personeel");
    let resp = app
        .post_form(&browser, "/financien/begrotingen/nieuw", &csrf, &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=begroting-vastgelegd"), "{to}");
    let id = budget_id(&to);
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.action.as_str(),
            audit.object_id.as_deref(),
            audit.actor_name.as_str()
        ),
        ("aangemaakt", Some(id.to_string().as_str()), "financieel.gv")
    );
    let (_, got, _) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    let codes: Vec<&str> = got["versie"]["regels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["a", "b"], "the empty row is skipped");

    // The detail: the lines, the versions, and the change form.
    let (status, detail) = page(&app, &browser, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(&to, &detail);
    assert!(detail.contains("De begroting is vastgelegd."));
    let versions = table_after(&detail, "Versies van deze begroting");
    assert!(versions.contains("financieel.gv") && versions.contains("Begroting"));
    let version = hidden_version(&detail);
    let csrf = zothuis_testkit::csrf_from(&detail);
    let detail_path = format!("/financien/begrotingen/{id}");
    let change = [
        ("versie", version.as_str()),
        ("soort", "begrotingswijziging"),
        ("titel", "Eerste wijziging"),
        ("r1-code", "a"),
        ("r1-zijde", "lasten"),
        ("r1-categorie", "zorgkosten"),
        ("r1-omschrijving", "Zorgkosten"),
        ("r1-2025", "11.000"),
    ];
    let resp = app.post_form(&browser, &detail_path, &csrf, &change).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).ends_with("?melding=begrotingswijziging"));
    assert_eq!(app.last_audit().await.action, "gewijzigd");
    // The same form again holds a stale version: refused, with a warning.
    let resp = app.post_form(&browser, &detail_path, &csrf, &change).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Iemand anders heeft dit gegeven gewijzigd"),
        "{html}"
    );
    let (_, got, _) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    assert_eq!(got["versies"].as_array().unwrap().len(), 2);

    // An actual per month.
    let actuals = format!("/financien/begrotingen/{id}/realisaties");
    let (status, html) = page(&app, &browser, &actuals).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(&actuals, &html);
    // The first version's staff line is gone with the change: add it back.
    let (_, _, etag) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    let (status, _, _) = app
        .api(
            Method::PUT,
            &s.officer,
            &format!("{BUDGETS}/{id}"),
            Some(json!({"titel": "Tweede wijziging", "regels": [
                line("a", "lasten", "zorgkosten", json!({"2025": "11000"})),
                line("b", "lasten", "personeel", json!({"2025": "1200"}))]})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = app.page(&browser, &actuals).await;
    let csrf = zothuis_testkit::csrf_from(&html);
    let resp = app
        .post_form(
            &browser,
            &actuals,
            &csrf,
            &[
                ("code", "a"),
                ("jaar", "2025"),
                ("maand", "3"),
                ("bedrag", "5"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("wordt gerealiseerd uit de zorgkosten van de verblijven"),
        "{html}"
    );
    let resp = app
        .post_form(
            &browser,
            &actuals,
            &csrf,
            &[
                ("code", "b"),
                ("jaar", "2025"),
                ("maand", "3"),
                ("bedrag", "300,00"),
                ("toelichting", "Salarissen maart"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).ends_with("?melding=realisatie-vastgelegd"));
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_id.as_deref()),
        ("aangemaakt", Some(id.to_string().as_str()))
    );
    assert!(audit.details.contains(r#""maand":3"#), "{}", audit.details);
    let html = app.page(&browser, &location(&resp)).await;
    let entered = table_after(&html, "1 realisatie");
    assert!(
        entered.contains("maart") && entered.contains("€ 300,00"),
        "{entered}"
    );

    // Budget against realisation, 2025: 51 days × € 151,23 = € 7.712,73.
    let report = format!("/financien/begrotingen/{id}/realisatie?jaar=2025");
    let (status, html) = page(&app, &browser, &report).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(&report, &html);
    let table = table_after(&html, "Tweede wijziging tegenover de realisatie in 2025");
    for text in [
        "€ 11.000,00",
        "€ 7.712,73",
        "-€ 3.287,27",
        "Verblijven × tarief",
        "Ingevoerd",
        "€ 300,00",
        "Totaal lasten",
        "€ 12.200,00",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    let csv = browser
        .get(app.url(&format!(
            "/financien/begrotingen/{id}/realisatie/export?formaat=csv&jaar=2025"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.contains("a;Regel a;Lasten;Verblijven × tarief;11000,00;7712,73;7712,73;-3287,27"),
        "{text}"
    );
    let xlsx = browser
        .get(app.url(&format!(
            "/financien/begrotingen/{id}/realisatie/export?formaat=xlsx&jaar=2025"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let workbook = xlsx.bytes().await.unwrap().to_vec();
    assert!(workbook.starts_with(b"PK"));
    // That workbook is no budget file: read as Excel, its columns named.
    let before = count(&app, &s.officer).await;
    let csrf =
        zothuis_testkit::csrf_from(&app.page(&browser, "/financien/begrotingen/bestand").await);
    let resp = browser
        .post(app.url("/financien/begrotingen/bestand"))
        .multipart(upload_form(&csrf, "Uit Excel", "realisatie.xlsx", workbook))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    let problems = table_after(&html, "Gevonden problemen");
    assert!(problems.contains("<td>Begroot (€)</td>"), "{problems}");
    assert!(
        problems.contains("de kolom categorie ontbreekt"),
        "{problems}"
    );
    assert_eq!(count(&app, &s.officer).await, before);
    // A year that is none: the question's form names it.
    let (status, html) = page(
        &app,
        &browser,
        &format!("/financien/begrotingen/{id}/realisatie?jaar=1850"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("href=\"#veld-jaar\""), "{html}");
    let (status, _) = page(
        &app,
        &browser,
        &format!("/financien/begrotingen/{id}/realisatie/export?formaat=pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn upload_form(csrf: &str, name: &str, file: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("gemeente", "")
        .text("naam", name.to_string())
        .text("soort", "begroting")
        .text("titel", "Begroting uit bestand")
        .text("duizendtallen", "ja")
        .part(
            "bestand",
            reqwest::multipart::Part::bytes(bytes).file_name(file.to_string()),
        )
}

#[tokio::test]
async fn budget_pages_a_budget_file_with_a_wrong_column_or_cell_is_refused_whole() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let browser = app.login("financieel.gv").await;
    let (status, html) = page(&app, &browser, "/financien/begrotingen/bestand").await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible("/financien/begrotingen/bestand", &html);
    let csrf = zothuis_testkit::csrf_from(&html);
    let before = count(&app, &s.officer).await;
    let post = |form| {
        browser
            .post(app.url("/financien/begrotingen/bestand"))
            .multipart(form)
            .send()
    };

    // A column that is none of the budget's: named, nothing read.
    let wrong = "code;zijde;categorie;omschrijving;bedrag\na;lasten;zorgkosten;Zorg;5\n";
    let resp = post(upload_form(&csrf, "Fout", "begroting.csv", wrong.into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert_accessible("bestand met fouten", &html);
    let problems = table_after(&html, "Gevonden problemen");
    assert!(problems.contains("<td>bedrag</td>"), "{problems}");
    assert!(problems.contains("onbekende kolom"), "{problems}");
    assert!(
        problems.contains("er is geen kolom met een jaar, zoals 2025"),
        "{problems}"
    );
    assert!(html.contains("er is niets vastgelegd"), "{html}");

    // A cell that is no amount, and a lasten line typed negative: each at
    // its row and year of the file.
    let file = "Code;Zijde;Categorie;Omschrijving;2025;2026\n\
                a;lasten;zorgkosten-historisch;Zorgkosten oude cliënten;39.483;39.834\n\
                b;lasten;personeel;Personeel;1.389;veel\n\
                k;baten;rijksbijdrage-historisch;Rijksbijdrage;-45.065;-45.122\n\
                l;lasten;advies;Advies;-270;270\n";
    let resp = post(upload_form(&csrf, "Fout", "go.csv", file.into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    let problems = table_after(&html, "Gevonden problemen (2)");
    assert!(
        problems.contains("<td class=\"zt-num\">3</td>") && problems.contains("<td>2026</td>"),
        "{problems}"
    );
    assert!(
        problems.contains("<td class=\"zt-num\">5</td>")
            && problems.contains("een bedrag bij de lasten is niet negatief"),
        "{problems}"
    );
    assert_eq!(count(&app, &s.officer).await, before, "nothing written");

    // Without a name: the field, not the file.
    let fixed = file.replace("veel", "1.094").replace("-270", "270");
    let resp = post(upload_form(&csrf, "", "go.csv", fixed.clone().into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"#veld-naam\""), "{html}");
    assert_eq!(count(&app, &s.officer).await, before);

    // The file put right: read in thousands, baten kept positive.
    let resp = post(upload_form(
        &csrf,
        "GO BW uit bestand",
        "go.csv",
        fixed.into(),
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let id = budget_id(&location(&resp));
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_id.as_deref()),
        ("aangemaakt", Some(id.to_string().as_str()))
    );
    let (_, got, _) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    let lines = got["versie"]["regels"].as_array().unwrap();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0]["bedragen"],
        json!({"2025": "39483000.00", "2026": "39834000.00"})
    );
    assert_eq!(lines[2]["bedragen"]["2025"], "45065000.00");
}

#[tokio::test]
async fn budget_pages_a_begrotingswijziging_is_read_from_a_file_as_a_new_version() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let (b, _) = created(&app, &s.officer, BUDGETS, budget("Regio")).await;
    let id = b["id"].as_i64().unwrap();
    let browser = app.login("financieel.gv").await;
    let detail = format!("/financien/begrotingen/{id}");
    let (_, html) = page(&app, &browser, &detail).await;
    let path = format!("/financien/begrotingen/{id}/bestand");
    assert!(
        html.contains(&format!(
            "href=\"{path}\">Begrotingswijziging uit een bestand<"
        )),
        "{html}"
    );
    let (status, html) = page(&app, &browser, &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_accessible(&path, &html);
    assert!(
        html.contains("<option value=\"begrotingswijziging\" selected"),
        "{html}"
    );
    let csrf = zothuis_testkit::csrf_from(&html);
    let seen = hidden_version(&html);
    let form = |file: &str, version: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("versie", version.to_string())
            .text("soort", "begrotingswijziging")
            .text("titel", "Voorjaarsnota 2025")
            .text("duizendtallen", "ja")
            .part(
                "bestand",
                reqwest::multipart::Part::bytes(file.as_bytes().to_vec())
                    .file_name("wijziging.csv".to_string()),
            )
    };
    let post = |form| browser.post(app.url(&path)).multipart(form).send();

    // A cell that is no amount: at its line and year, nothing written.
    let wrong =
        "code;zijde;categorie;omschrijving;2025\na;lasten;zorgkosten-historisch;Zorg;veel\n";
    let resp = post(form(wrong, &seen)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    let problems = table_after(&html, "Gevonden problemen (1)");
    assert!(problems.contains("<td>2025</td>"), "{problems}");
    let (_, got, _) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    assert_eq!(
        got["versies"].as_array().unwrap().len(),
        1,
        "nothing written"
    );

    let file = "code;zijde;categorie;omschrijving;2025;2026\n\
                a;lasten;zorgkosten-historisch;Zorgkosten oude cliënten;40.000;38.500\n";
    let resp = post(form(file, &seen)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_id.as_deref()),
        ("gewijzigd", Some(id.to_string().as_str()))
    );
    let (_, got, _) = app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await;
    assert_eq!(got["versies"].as_array().unwrap().len(), 2);
    assert_eq!(got["versie"]["soort"], "begrotingswijziging");
    assert_eq!(got["versie"]["titel"], "Voorjaarsnota 2025");
    let lines = got["versie"]["regels"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "what is not in the file falls away");
    assert_eq!(
        lines[0]["bedragen"],
        json!({"2025": "40000000.00", "2026": "38500000.00"})
    );

    // The same file on the form as seen before: someone changed it since.
    let resp = post(form(file, &seen)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert_ne!(
        hidden_version(&html),
        seen,
        "the form takes the current version"
    );
    assert_eq!(
        app.api_get(&s.officer, &format!("{BUDGETS}/{id}")).await.1["versies"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Who may not change the budget gets neither the link nor the page.
    let adviser = app.login("beleid.gv").await;
    let (_, html) = page(&app, &adviser, &detail).await;
    assert!(!html.contains("uit een bestand"), "{html}");
    let (status, _) = page(&app, &adviser, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn budget_pages_who_sees_the_pages_and_the_forecast_with_its_assumptions() {
    let settings = zothuis_domain::Settings {
        historical_cutoff: chrono::NaiveDate::from_ymd_opt(2025, 1, 10),
        ..Default::default()
    };
    let mut app = spawn_app_with(settings).await;
    let s = setup(&mut app).await;
    let placed = stay(&s, &app, "Kasboek", "2025-01-05", None).await;
    // Gooi en Vechtstreek's centre municipality is responsible.
    let gemeente = placed["verantwoordelijkeGemeente"].as_str().unwrap();
    let (b, _) = created(&app, &s.officer, BUDGETS, budget("Regio")).await;
    let id = b["id"].as_i64().unwrap();

    let officer = app.login("financieel.gv").await;
    let path = format!("/financien/begrotingen/prognose?gemeente={gemeente}&jaren=2");
    let (status, html) = page(&app, &officer, &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_accessible(&path, &html);
    let table = table_after(&html, "Verwachte zorgkosten historische cliënten van");
    assert!(table.contains("€ 55.198,95"), "365 × € 151,23: {table}");
    assert!(html.contains("Aannames van het model"));
    assert!(html.contains("geen indexering"));
    let (status, html) = page(&app, &officer, "/financien/begrotingen/prognose?jaren=11").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Kies 1 tot en met 10 jaar"), "{html}");

    // The region's policy adviser reads the budget and the forecast, with
    // small amounts hidden, and gets no forms.
    let adviser = app.login("beleid.gv").await;
    let detail = format!("/financien/begrotingen/{id}");
    let (status, html) = page(&app, &adviser, &detail).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(&detail, &html);
    assert!(!html.contains("Begrotingswijziging vastleggen"));
    let (status, html) = page(&app, &adviser, "/financien/begrotingen/nieuw").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    let report = format!("/financien/begrotingen/{id}/realisatie?jaar=2025");
    let (status, html) = page(&app, &adviser, &report).await;
    assert_eq!(status, StatusCode::OK);
    assert_accessible(&report, &html);
    let table = table_after(&html, "Begroting 2025–2026 tegenover de realisatie in 2025");
    assert!(table.contains("&#60;5"), "{table}");
    assert!(
        table.contains(zothuis_domain::figures::SECONDARY_MARK),
        "{table}"
    );
    let (status, html) = page(&app, &adviser, "/financien/begrotingen/prognose").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("minder dan 5"), "{html}");

    // The finance officer of Velsen (another region) is refused the
    // region's budget; a corporation sees no budgets and no menu entry.
    let velsen = app.login("financieel.velsen").await;
    let (status, _) = page(&app, &velsen, &detail).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let corporation = app.login("corporatie.gooi").await;
    let (status, _) = page(&app, &corporation, "/financien/begrotingen").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !app.page(&corporation, "/")
            .await
            .contains("/financien/begrotingen")
    );
}
