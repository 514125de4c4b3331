//! Money: the region's financieel adviseur records the tariffs of its
//! contracts, corrects and withdraws them with their versions; the cost of
//! care is every day in care times the tariff of that day, to the cent,
//! as known at any moment; days without a tariff are named, never priced
//! at nothing; small amounts are hidden for the policy roles; and the
//! pages offer the same, with the cost table as CSV and Excel.
//!
//! The tests price products and a provider of their own (made through the
//! reference API), so that the demo's tariffs and stays never add to the
//! amounts computed by hand here.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{
    TestApp, assert_heading_order, assert_labelled, assert_unique_ids, csrf_from, hidden_version,
    location, problem_fields, spawn_app, table_after,
};

pub(crate) const TARIFFS: &str = "/api/v1/tarieven";
/// Every tariff on one page (the demo has tariffs of its own).
const ALL_TARIFFS: &str = "/api/v1/tarieven?paginaGrootte=500";
const OFFICER: (&str, &str) = ("financieel-adviseur", "regio:GV");

/// What the tests price: a provider and two shelter products (no waiting
/// list) of their own, one location offering both, and the tokens.
pub(crate) struct Setup {
    pub(crate) provider: i64,
    /// Priced per day by the tests' tariffs.
    pub(crate) product: i64,
    /// Never priced: its days are missing tariffs.
    pub(crate) unpriced: i64,
    pub(crate) location: i64,
    pub(crate) officer: String,
    pub(crate) consultant: String,
    pub(crate) provider_token: String,
}

pub(crate) async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, v, _) = app.api_post(token, path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{path} {body}: {v}");
    v
}

pub(crate) async fn setup(app: &mut TestApp) -> Setup {
    app.seed_demo().await;
    let admin = app.token("beheerder", "installatie").await;
    let provider = created(
        app,
        &admin,
        "/api/v1/aanbieders",
        json!({"naam": "Stichting Kostentest"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let product = |code: &str, name: &str| {
        json!({"code": code, "naam": name, "productcategorie": "16", "soort": "opvang",
            "tariefeenheid": "per-dag"})
    };
    let priced = created(
        app,
        &admin,
        "/api/v1/producten",
        product("KT-DAG", "Kostentest opvang"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let unpriced = created(
        app,
        &admin,
        "/api/v1/producten",
        product("KT-ZT", "Kostentest zonder tarief"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let location = created(
        app,
        &admin,
        "/api/v1/locaties",
        json!({"naam": "Kostentest Huizen", "aanbiederId": provider, "gemeenteCode": "GM0406",
            "geheimAdres": false, "productIds": [priced, unpriced]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Setup {
        provider,
        product: priced,
        unpriced,
        location,
        officer: app.token(OFFICER.0, OFFICER.1).await,
        consultant: app.token("wmo-consulent", "gemeente:GM0406").await,
        provider_token: app
            .token("aanbieder", &format!("aanbieder:{provider}"))
            .await,
    }
}

/// A tariff of the tests' product for every provider, per day.
pub(crate) fn tariff(s: &Setup, changes: Value) -> Value {
    let mut body = json!({"productId": s.product, "bedrag": "151.23",
        "geldigVanaf": "2025-01-01", "notitie": "Regionaal contract"});
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

/// A Huizen resident with a granted decision for `product`, in a stay with
/// the tests' provider from `start`; ended on `end` (the day of leaving)
/// when given. Returns the stay.
pub(crate) async fn stay(
    s: &Setup,
    app: &TestApp,
    product: i64,
    start: &str,
    end: Option<&str>,
) -> Value {
    stay_with(s, app, product, start, end, json!({})).await
}

/// As `stay`, with `funding` (financieringsvorm, zorgzwaarte) added to
/// the placement.
pub(crate) async fn stay_with(
    s: &Setup,
    app: &TestApp,
    product: i64,
    start: &str,
    end: Option<&str>,
    funding: Value,
) -> Value {
    // A name of its own per stay, so that no client is taken for another.
    let surname = if product == s.product {
        "Kostenaar"
    } else {
        "Tariefloos"
    };
    let client = created(
        app,
        &s.consultant,
        "/api/v1/clienten",
        json!({"voornaam": "Sanne", "achternaam": surname, "geboortedatum": "1985-04-04"}),
    )
    .await;
    let application = created(
        app,
        &s.consultant,
        "/api/v1/aanmeldingen",
        json!({"clientId": client["id"], "productId": product, "aanmelddatum": "2025-01-02",
            "bron": "politie"}),
    )
    .await;
    let decision = created(
        app,
        &s.consultant,
        "/api/v1/beschikkingen",
        json!({"aanmeldingId": application["id"], "uitkomst": "toegekend",
            "besluitdatum": "2025-01-02", "geldigVanaf": "2025-01-02",
            "beschikkingsnummer": format!("KT-{}", application["id"])}),
    )
    .await;
    let mut body = json!({"beschikkingId": decision["id"], "aanbiederId": s.provider,
        "locatieId": s.location, "startdatum": start});
    for (k, v) in funding.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, placed, etag) = app
        .api_post(&s.consultant, "/api/v1/verblijven", body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
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

fn now(app: &TestApp) -> String {
    app.clock.now().to_rfc3339().replace('+', "%2B")
}

/// The amounts of a cost answer's rows, by period.
fn amounts(costs: &Value) -> Vec<(String, Value)> {
    costs["regels"]
        .as_array()
        .unwrap_or_else(|| panic!("{costs}"))
        .iter()
        .map(|r| {
            (
                r["periode"].as_str().unwrap().to_string(),
                r["bedrag"].clone(),
            )
        })
        .collect()
}

/// How many tariffs of a product a list holds.
fn of_product(list: &Value, product: i64) -> usize {
    list["resultaten"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .filter(|t| t["productId"] == product)
        .count()
}

// ---- tariffs over the API -------------------------------------------------------------

#[tokio::test]
async fn finance_a_tariff_is_recorded_listed_corrected_and_withdrawn_each_with_its_audit_row() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;

    // Created: 201 with where it lives and its version.
    let resp = Client::new()
        .post(app.url(TARIFFS))
        .bearer_auth(&s.officer)
        .json(&tariff(&s, json!({"geldigTot": "2025-12-31"})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let where_ = location(&resp);
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let t: Value = resp.json().await.unwrap();
    let id = t["id"].as_i64().unwrap();
    let path = format!("{TARIFFS}/{id}");
    assert_eq!(where_, path);
    assert_eq!(etag, format!("\"v{}\"", t["versie"]));
    assert_eq!(t["productId"], s.product);
    assert_eq!(t["aanbiederId"], Value::Null);
    assert_eq!(t["eenheid"], "per-dag", "the product's unit by default");
    assert_eq!(t["bedrag"], "151.23");
    assert_eq!(t["geldigVanaf"], "2025-01-01");
    assert_eq!(t["geldigTot"], "2025-12-31");
    assert_eq!(t["ingetrokken"], false);
    assert_eq!(t["notitie"], "Regionaal contract");
    assert!(t["regioId"].as_i64().is_some());
    assert!(t["geregistreerdOp"].as_str().is_some());
    assert!(!t["geregistreerdDoor"].as_str().unwrap().is_empty(), "{t}");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.actor_role.as_str(),
            row.client_id
        ),
        (
            "aangemaakt",
            "tarief",
            "geslaagd",
            "financieel-adviseur",
            None
        )
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(row.details.contains("151.23"), "{}", row.details);
    assert!(!row.details.contains("Kostenaar"), "{}", row.details);

    // Listed and read, with its versions.
    let (status, list, _) = app.api_get(&s.officer, ALL_TARIFFS).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(listed["bedrag"], "151.23");
    let (status, read, read_etag) = app.api_get(&s.officer, &path).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(read["versies"].as_array().unwrap().len(), 1);

    // A correction: a new version with its own ETag.
    app.clock.advance(chrono::Duration::hours(1));
    let (status, corrected, corrected_etag) = put(
        &app,
        &s.officer,
        &path,
        tariff(&s, json!({"bedrag": "155,75", "geldigTot": "2025-12-31"})),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["bedrag"], "155.75");
    let corrected_etag = corrected_etag.unwrap();
    assert_ne!(corrected_etag, etag);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.actor_role.as_str()
        ),
        ("gewijzigd", "tarief", "geslaagd", "financieel-adviseur")
    );
    assert_eq!(row.object_id.as_deref(), Some(id.to_string().as_str()));
    assert!(row.details.contains("155.75"), "{}", row.details);

    // A stale ETag: 412; no If-Match at all: 428; nothing written.
    let before = app.audit(1).await[0].seq;
    let (status, problem, _) = put(
        &app,
        &s.officer,
        &path,
        tariff(&s, json!({"bedrag": "1"})),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
    let (status, problem, _) = put(
        &app,
        &s.officer,
        &path,
        tariff(&s, json!({"bedrag": "1"})),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{problem}");
    assert_eq!(
        app.audit(1).await[0].seq,
        before,
        "nothing written for a stale or missing If-Match"
    );

    // Withdrawn: a third version, which applies to no day.
    app.clock.advance(chrono::Duration::hours(1));
    let (status, withdrawn, _) = put(
        &app,
        &s.officer,
        &path,
        tariff(
            &s,
            json!({"bedrag": "155,75", "geldigTot": "2025-12-31", "ingetrokken": true}),
        ),
        Some(&corrected_etag),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["ingetrokken"], true);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "tarief")
    );
    assert!(
        row.details.contains("\"ingetrokken\":true"),
        "{}",
        row.details
    );
    let (_, now_read, _) = app.api_get(&s.officer, &path).await;
    let versions: Vec<&Value> = now_read["versies"].as_array().unwrap().iter().collect();
    assert_eq!(versions.len(), 3);
    assert_eq!(
        versions
            .iter()
            .map(|v| v["bedrag"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["151.23", "155.75", "155.75"]
    );
    assert_eq!(versions[2]["ingetrokken"], true);

    // As known before the correction, it reads as it was.
    let then = t["geregistreerdOp"].as_str().unwrap().replace('+', "%2B");
    let (status, old, old_etag) = app
        .api_get(&s.officer, &format!("{path}?bekendOp={then}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert_eq!(old["bedrag"], "151.23");
    assert_eq!(old_etag.as_deref(), Some(etag.as_str()));

    // A withdrawn tariff frees its days: a new one for the same product may take them.
    let (status, again, _) = app
        .api_post(&s.officer, TARIFFS, tariff(&s, json!({"bedrag": "160"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["bedrag"], "160.00");
}

#[tokio::test]
async fn finance_bad_tariff_input_names_each_field_in_dutch_and_writes_nothing() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let (status, first, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            tariff(&s, json!({"geldigTot": "2025-12-31"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let before = app.audit(1).await[0].seq;
    let (_, list, _) = app.api_get(&s.officer, TARIFFS).await;
    let count = list["aantal"].as_i64().unwrap();

    for (body, field, reason) in [
        (
            tariff(&s, json!({"bedrag": "-12,50"})),
            "bedrag",
            "niet negatief",
        ),
        (
            tariff(&s, json!({"bedrag": "twaalf"})),
            "bedrag",
            "bedrag in euro",
        ),
        (
            tariff(&s, json!({"bedrag": "20.000.000"})),
            "bedrag",
            "hoogstens",
        ),
        (
            tariff(
                &s,
                json!({"geldigVanaf": "2026-03-01", "geldigTot": "2026-02-28"}),
            ),
            "geldigTot",
            "niet vóór de ingangsdatum",
        ),
        (tariff(&s, json!({"geldigVanaf": ""})), "geldigVanaf", ""),
        (
            tariff(&s, json!({"productId": 999_999})),
            "productId",
            "bestaat niet",
        ),
        // With a unit typed the product is looked up all the same.
        (
            tariff(&s, json!({"productId": 999_999, "eenheid": "per-dag"})),
            "productId",
            "bestaat niet",
        ),
        (tariff(&s, json!({"productId": null})), "productId", "kies"),
        (tariff(&s, json!({"eenheid": "per-uur"})), "eenheid", ""),
        (
            tariff(
                &s,
                json!({"aanbiederId": 999_999, "geldigVanaf": "2027-01-01"}),
            ),
            "aanbiederId",
            "bestaat niet",
        ),
        // The same product for every provider on a day the first covers.
        (
            tariff(&s, json!({"geldigVanaf": "2025-12-31"})),
            "geldigVanaf",
            "overlapt met tarief",
        ),
        (
            tariff(
                &s,
                json!({"geldigVanaf": "2024-06-01", "geldigTot": "2025-01-01"}),
            ),
            "geldigVanaf",
            "overlapt",
        ),
        (
            tariff(
                &s,
                json!({"geldigVanaf": "2027-01-01", "ingetrokken": true}),
            ),
            "ingetrokken",
            "niet ingetrokken",
        ),
    ] {
        let (status, problem, _) = app.api_post(&s.officer, TARIFFS, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(
            problem_fields(&problem).first().map(String::as_str),
            Some(field),
            "{body}: {problem}"
        );
        let said = problem["invalidParams"][0]["reason"].as_str().unwrap();
        assert!(said.contains(reason), "{body}: {said}");
        assert_eq!(problem["title"], "De invoer is niet geldig");
    }
    // Several problems at once, each at its field.
    let (_, problem, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            json!({"bedrag": "-1", "geldigVanaf": "1-1", "eenheid": "per-eeuw"}),
        )
        .await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        ["bedrag", "eenheid", "geldigVanaf", "productId"],
        "{problem}"
    );
    // A body that is no JSON of a tariff: a Dutch 400 too, never a 500.
    let (status, problem, _) = app
        .api_post(&s.officer, TARIFFS, json!({"productId": "een"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["body"]);

    // The same provider's own tariff may share those days.
    let (status, own, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            tariff(&s, json!({"aanbiederId": s.provider, "bedrag": "170"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    assert_eq!(
        app.audit(1).await[0].seq,
        before + 1,
        "only the valid tariff was written"
    );
    let (_, list, _) = app.api_get(&s.officer, TARIFFS).await;
    assert_eq!(list["aantal"].as_i64().unwrap(), count + 1);

    // A correction that would overlap is refused the same way.
    let path = format!("{TARIFFS}/{}", own["id"]);
    let (status, problem, _) = put(
        &app,
        &s.officer,
        &path,
        tariff(&s, json!({"aanbiederId": s.provider, "bedrag": "-1"})),
        Some(&format!("\"v{}\"", own["versie"])),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["bedrag"]);
}

#[tokio::test]
async fn finance_only_the_regions_officer_records_tariffs_and_each_role_sees_its_own() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let (_, general, _) = app
        .api_post(&s.officer, TARIFFS, tariff(&s, json!({})))
        .await;
    let general_id = general["id"].as_i64().unwrap();
    // Kwintes (provider 1) has a contract of its own for the product.
    let (status, kwintes_own, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            tariff(&s, json!({"aanbiederId": 1, "bedrag": "180"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{kwintes_own}");
    let kwintes_id = kwintes_own["id"].as_i64().unwrap();
    let path = format!("{TARIFFS}/{general_id}");
    let etag = format!("\"v{}\"", general["versie"]);

    // Refused, and each refusal audited: the municipality's finance
    // officer, the policy adviser and the waiting-list manager.
    for (role, scope) in [
        ("financieel-adviseur", "gemeente:GM0406"),
        ("beleidsadviseur", "regio:GV"),
        ("wachtlijstbeheerder", "regio:GV"),
    ] {
        let token = app.token(role, scope).await;
        let (status, body, _) = app
            .api_post(
                &token,
                TARIFFS,
                tariff(&s, json!({"geldigVanaf": "2030-01-01"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str(),
                row.actor_role.as_str()
            ),
            ("aangemaakt", "tarief", "geweigerd", role),
            "{role}"
        );
        // They read the region's tariffs, but do not change them.
        let (status, list, _) = app.api_get(&token, ALL_TARIFFS).await;
        assert_eq!(status, StatusCode::OK, "{role}: {list}");
        assert_eq!(of_product(&list, s.product), 2, "{role}: {list}");
        let (status, body, _) = put(
            &app,
            &token,
            &path,
            tariff(&s, json!({"bedrag": "1"})),
            Some(&etag),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("gewijzigd", "tarief", "geweigerd"),
            "{role}"
        );
        assert_eq!(
            row.object_id.as_deref(),
            Some(general_id.to_string().as_str())
        );
    }
    let (_, read, _) = app.api_get(&s.officer, &path).await;
    assert_eq!(read["versies"].as_array().unwrap().len(), 1, "unchanged");

    // Another region's finance officer does not see Gooi en Vechtstreek's.
    let zkih = app.token("financieel-adviseur", "regio:ZKIH").await;
    let (status, _, _) = app.api_get(&zkih, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = put(&app, &zkih, &path, tariff(&s, json!({})), Some(&etag)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, list, _) = app.api_get(&zkih, ALL_TARIFFS).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(of_product(&list, s.product), 0, "{list}");

    // A corporation sees no tariffs and no costs.
    let corporation = app.token("corporatie", "corporatie:1").await;
    for p in [
        TARIFFS.to_string(),
        path.clone(),
        "/api/v1/kosten?jaar=2025".into(),
    ] {
        let (status, body, _) = app.api_get(&corporation, &p).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{p}: {body}");
        assert_eq!(app.last_audit().await.outcome, "geweigerd", "{p}");
    }
    // Nor does the administrator see the cost of care.
    let admin = app.token("beheerder", "installatie").await;
    let (status, _, _) = app.api_get(&admin, "/api/v1/kosten?jaar=2025").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A provider sees its own tariffs and the general ones, not another's.
    let ids = |list: &Value| -> Vec<i64> {
        list["resultaten"]
            .as_array()
            .unwrap_or_else(|| panic!("{list}"))
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    let (_, seen, _) = app.api_get(&kwintes, ALL_TARIFFS).await;
    assert!(
        ids(&seen).contains(&general_id) && ids(&seen).contains(&kwintes_id),
        "{seen}"
    );
    let (_, seen, _) = app.api_get(&s.provider_token, ALL_TARIFFS).await;
    assert!(ids(&seen).contains(&general_id), "{seen}");
    assert!(!ids(&seen).contains(&kwintes_id), "{seen}");
    let (status, _, _) = app
        .api_get(&s.provider_token, &format!("{TARIFFS}/{kwintes_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .api_post(
            &kwintes,
            TARIFFS,
            tariff(&s, json!({"geldigVanaf": "2030-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

// ---- the cost of care -----------------------------------------------------------------

#[tokio::test]
async fn finance_the_cost_of_care_is_each_day_in_care_times_its_tariff_to_the_cent() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    // € 100,00 a day in the first quarter of 2025, € 110,50 from April.
    for body in [
        tariff(&s, json!({"bedrag": "100,00", "geldigTot": "2025-03-31"})),
        tariff(&s, json!({"bedrag": "110.50", "geldigVanaf": "2025-04-01"})),
    ] {
        created(&app, &s.officer, TARIFFS, body).await;
    }
    // In care from 20 March, leaving on 10 May: the day of leaving does
    // not count. A stay of the unpriced product in June has no tariff.
    let priced = stay(&s, &app, s.product, "2025-03-20", Some("2025-05-10")).await;
    let gemeente = priced["verantwoordelijkeGemeente"]
        .as_str()
        .unwrap()
        .to_string();
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let query = format!(
        "/api/v1/kosten?jaar=2025&indeling=gemeente&per=maand&aanbiederId={}",
        s.provider
    );

    let (status, costs, _) = app.api_get(&s.officer, &query).await;
    assert_eq!(status, StatusCode::OK, "{costs}");
    assert_eq!(
        (
            costs["van"].as_str(),
            costs["tot"].as_str(),
            costs["per"].as_str()
        ),
        (Some("2025-01-01"), Some("2025-12-31"), Some("maand"))
    );
    assert_eq!(costs["indeling"], json!(["gemeente"]));
    assert_eq!(costs["kleineAantallenOnderdrukt"], false);
    // March: 12 days (20–31) × 100,00; April: 30 × 110,50; May: 9 days
    // (1–9) × 110,50 = 994,50.
    assert_eq!(
        amounts(&costs),
        [
            ("2025-03-01".to_string(), json!("1200.00")),
            ("2025-04-01".to_string(), json!("3315.00")),
            ("2025-05-01".to_string(), json!("994.50")),
        ]
    );
    let rows = costs["regels"].as_array().unwrap();
    for (row, days) in rows.iter().zip([12, 30, 9]) {
        assert_eq!(row["gemeente"]["code"], gemeente.as_str(), "{row}");
        assert!(!row["gemeente"]["naam"].as_str().unwrap().is_empty());
        assert_eq!(row["dagen"], days, "{row}");
        assert_eq!(
            (row["clienten"].as_i64(), row["verblijven"].as_i64()),
            (Some(1), Some(1))
        );
        assert_eq!(row["onderdrukt"], false);
        assert_eq!(row["onderdrukking"], Value::Null);
        assert_eq!(row["product"], Value::Null, "not split by product");
    }
    assert_eq!(rows[2]["weergave"], "€ 994,50");
    assert_eq!(costs["totaal"]["bedrag"], "5509.50");
    assert_eq!(costs["totaal"]["dagen"], 51);
    assert_eq!(costs["totaal"]["clienten"], 1);

    // The June stay's 10 days are missing a tariff, not priced at nothing.
    let missing = costs["ontbrekendeTarieven"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{costs}");
    assert_eq!(missing[0]["gemeente"]["code"], gemeente.as_str());
    assert_eq!(missing[0]["product"]["id"], s.unpriced);
    assert!(
        missing[0]["product"]["naam"]
            .as_str()
            .unwrap()
            .contains("Kostentest zonder tarief")
    );
    assert_eq!(missing[0]["aanbieder"]["id"], s.provider);
    assert_eq!(
        (
            missing[0]["dagen"].as_i64(),
            missing[0]["verblijven"].as_i64(),
            missing[0]["eersteDag"].as_str()
        ),
        (Some(10), Some(1), Some("2025-06-01"))
    );

    // Per year, and over a period crossing the tariff change.
    let (_, year, _) = app
        .api_get(
            &s.officer,
            &format!("/api/v1/kosten?jaar=2025&aanbiederId={}", s.provider),
        )
        .await;
    assert_eq!(
        amounts(&year),
        [("2025-01-01".to_string(), json!("5509.50"))]
    );
    let (_, spring, _) = app
        .api_get(
            &s.officer,
            &format!(
                "/api/v1/kosten?van=2025-03-30&tot=2025-04-02&per=geheel&indeling=product&aanbiederId={}",
                s.provider
            ),
        )
        .await;
    // 30 and 31 March at 100,00, 1 and 2 April at 110,50.
    assert_eq!(
        amounts(&spring),
        [("2025-03-30".to_string(), json!("421.00"))]
    );
    assert_eq!(spring["regels"][0]["product"]["id"], s.product);

    // Corrected later to have started on 25 March: today's cost changes,
    // the cost as known before the correction does not.
    let before = now(&app);
    app.clock.advance(chrono::Duration::hours(2));
    let stay_path = format!("/api/v1/verblijven/{}", priced["id"]);
    let (status, corrected, _) = put(
        &app,
        &s.provider_token,
        &stay_path,
        json!({"startdatum": "2025-03-25", "einddatum": "2025-05-10", "locatieId": s.location}),
        Some(&format!(
            "\"v{}\"",
            priced_version(&app, &s, &stay_path).await
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    let (_, now_costs, _) = app.api_get(&s.officer, &query).await;
    assert_eq!(amounts(&now_costs)[0].1, json!("700.00"), "7 days in March");
    assert_eq!(now_costs["totaal"]["bedrag"], "5009.50");
    let (status, then, _) = app
        .api_get(&s.officer, &format!("{query}&bekendOp={before}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{then}");
    assert_eq!(amounts(&then)[0].1, json!("1200.00"));
    assert_eq!(then["totaal"]["bedrag"], "5509.50");

    // A question that cannot be answered: 400 at its field, in Dutch.
    for (q, field) in [
        ("jaar=twintig", "jaar"),
        ("per=week", "per"),
        ("indeling=leeftijd", "indeling"),
        ("van=2025-05-01&tot=2025-04-01", "tot"),
        ("van=2025-05-01", "tot"),
        ("jaar=2025&van=2025-01-01", "jaar"),
        ("gemeente=GM9999", "gemeente"),
        ("aanbiederId=abc", "aanbiederId"),
        ("van=2000-01-01&tot=2099-12-31", "tot"),
    ] {
        let (status, problem, _) = app
            .api_get(&s.officer, &format!("/api/v1/kosten?{q}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {problem}");
        assert_eq!(problem_fields(&problem), [field], "{q}: {problem}");
    }
    let (status, problem, _) = app
        .api_get(&s.officer, "/api/v1/kosten?bekendOp=gisteren")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    // Another region's municipality is outside the officer's area.
    let (status, _, _) = app
        .api_get(&s.officer, "/api/v1/kosten?jaar=2025&gemeente=GM0392")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        (
            app.last_audit().await.object_type.as_str(),
            app.last_audit().await.outcome.as_str()
        ),
        ("kosten", "geweigerd")
    );
}

#[tokio::test]
async fn finance_a_pgb_stay_and_a_level_of_care_are_priced_by_their_own_tariffs() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    // Natura € 100,00 a day, € 150,00 at level 2; a pgb € 80,00 a day at
    // every level (Wmo 2015 art. 2.3.6: the pgb has its own amount).
    for body in [
        tariff(&s, json!({"bedrag": "100"})),
        tariff(&s, json!({"bedrag": "150", "zorgzwaarte": 2})),
        tariff(&s, json!({"bedrag": "80", "financieringsvorm": "pgb"})),
    ] {
        created(&app, &s.officer, TARIFFS, body).await;
    }
    // The same level for natura again overlaps; for a pgb it does not.
    let (status, problem, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            tariff(
                &s,
                json!({"bedrag": "1", "zorgzwaarte": 2, "geldigVanaf": "2025-06-01"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["geldigVanaf"]);
    let (status, pgb_level, _) = app
        .api_post(
            &s.officer,
            TARIFFS,
            tariff(
                &s,
                json!({"bedrag": "70", "financieringsvorm": "pgb", "zorgzwaarte": 3}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{pgb_level}");
    assert_eq!(
        (&pgb_level["financieringsvorm"], &pgb_level["zorgzwaarte"]),
        (&json!("pgb"), &json!(3))
    );

    // Ten days each, 1 to 11 March 2025 (the day of leaving not counted).
    let natura = stay(&s, &app, s.product, "2025-03-01", Some("2025-03-11")).await;
    assert_eq!(
        (&natura["financieringsvorm"], &natura["zorgzwaarte"]),
        (&json!("zin"), &Value::Null)
    );
    let level = stay_with(
        &s,
        &app,
        s.product,
        "2025-03-01",
        Some("2025-03-11"),
        json!({"zorgzwaarte": 2}),
    )
    .await;
    assert_eq!(level["zorgzwaarte"], 2);
    let pgb = stay_with(
        &s,
        &app,
        s.product,
        "2025-03-01",
        Some("2025-03-11"),
        json!({"financieringsvorm": "pgb", "zorgzwaarte": 2}),
    )
    .await;
    assert_eq!(pgb["financieringsvorm"], "pgb");
    // The placement's audit row says how the stay is paid for.
    let placed = app
        .audit(5)
        .await
        .into_iter()
        .find(|a| a.object_type == "verblijf" && a.action == "aangemaakt")
        .expect("the placement's audit row");
    assert!(
        placed.details.contains("\"financieringsvorm\":\"pgb\""),
        "{}",
        placed.details
    );
    // A pgb for a product without any pgb tariff: its days are missing.
    stay_with(
        &s,
        &app,
        s.unpriced,
        "2025-06-01",
        Some("2025-06-11"),
        json!({"financieringsvorm": "pgb"}),
    )
    .await;

    let query = format!(
        "/api/v1/kosten?jaar=2025&per=geheel&indeling=financiering&aanbiederId={}",
        s.provider
    );
    let (status, costs, _) = app.api_get(&s.officer, &query).await;
    assert_eq!(status, StatusCode::OK, "{costs}");
    assert_eq!(costs["indeling"], json!(["financiering"]));
    let rows: Vec<_> = costs["regels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["financiering"].clone(),
                r["bedrag"].clone(),
                r["dagen"].clone(),
            )
        })
        .collect();
    // Natura: 10 × 100 + 10 × 150; pgb: 10 × 80 (no pgb tariff at level 2).
    assert_eq!(
        rows,
        [
            (json!("zin"), json!("2500.00"), json!(20)),
            (json!("pgb"), json!("800.00"), json!(10)),
        ]
    );
    assert_eq!(costs["totaal"]["bedrag"], "3300.00");
    let missing = costs["ontbrekendeTarieven"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{costs}");
    assert_eq!(
        (
            &missing[0]["product"]["id"],
            &missing[0]["financieringsvorm"],
            &missing[0]["dagen"]
        ),
        (&json!(s.unpriced), &json!("pgb"), &json!(10))
    );

    // The level corrected away later: natura at the general tariff today,
    // as known before still at level 2.
    let before = now(&app);
    app.clock.advance(chrono::Duration::hours(1));
    let path = format!("/api/v1/verblijven/{}", level["id"]);
    let (status, corrected, _) = put(
        &app,
        &s.provider_token,
        &path,
        json!({"startdatum": "2025-03-01", "einddatum": "2025-03-11", "zorgzwaarte": 0}),
        Some(&format!("\"v{}\"", level["versie"])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["zorgzwaarte"], Value::Null);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.action.as_str()),
        ("verblijf", "gewijzigd")
    );
    let details: Value = serde_json::from_str(&audit.details).unwrap();
    assert_eq!(details["zorgzwaarte"], json!({"voor": 2, "na": null}));
    let (_, today, _) = app.api_get(&s.officer, &query).await;
    assert_eq!(today["regels"][0]["bedrag"], "2000.00");
    let (_, then, _) = app
        .api_get(&s.officer, &format!("{query}&bekendOp={before}"))
        .await;
    assert_eq!(then["regels"][0]["bedrag"], "2500.00");

    // One stay's cost, for whoever may see the stay, logged as a view of it.
    let cost_path = format!("/api/v1/verblijven/{}/kosten", level["id"]);
    let (status, cost, _) = app.api_get(&s.provider_token, &cost_path).await;
    assert_eq!(status, StatusCode::OK, "{cost}");
    assert_eq!(
        (&cost["bedrag"], &cost["dagen"], &cost["dagenZonderTarief"]),
        (&json!("1000.00"), &json!(10), &json!(0))
    );
    assert_eq!(
        (cost["van"].as_str(), cost["totEnMet"].as_str()),
        (Some("2025-03-01"), Some("2025-03-10"))
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("bekeken", "verblijf")
    );
    let (_, then, _) = app
        .api_get(&s.provider_token, &format!("{cost_path}?bekendOp={before}"))
        .await;
    assert_eq!(
        then["bedrag"], "1500.00",
        "at level 2 as known before: {then}"
    );
    let (_, pgb_cost, _) = app
        .api_get(
            &s.consultant,
            &format!("/api/v1/verblijven/{}/kosten", pgb["id"]),
        )
        .await;
    assert_eq!(pgb_cost["bedrag"], "800.00", "{pgb_cost}");
    // The finance officer and the policy adviser see amounts, not clients.
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    for token in [&s.officer, &adviser] {
        let (status, body, _) = app.api_get(token, &cost_path).await;
        assert!(
            matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{status}: {body}"
        );
        assert!(body.get("bedrag").is_none(), "{body}");
    }

    // Nonsense is refused at its field, in Dutch, and nothing is written.
    let last = app.audit(1).await[0].seq;
    for (field, value, message) in [
        (
            "financieringsvorm",
            json!("budget"),
            "kies zorg in natura (zin) of pgb",
        ),
        (
            "zorgzwaarte",
            json!(12),
            "kies een zorgzwaarte van 1 tot en met 9",
        ),
        (
            "zorgzwaarte",
            json!(-1),
            "kies een zorgzwaarte van 1 tot en met 9",
        ),
    ] {
        let mut body = json!({"startdatum": "2025-03-01", "einddatum": "2025-03-11"});
        body[field] = value;
        let (status, problem, _) = put(
            &app,
            &s.provider_token,
            &path,
            body.clone(),
            Some(&format!("\"v{}\"", corrected["versie"])),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(problem_fields(&problem), [field], "{body}: {problem}");
        assert!(problem.to_string().contains(message), "{problem}");
    }
    assert_eq!(app.audit(1).await[0].seq, last, "nothing written");
    for (body, field) in [
        (json!({"zorgzwaarte": 0}), "zorgzwaarte"),
        (
            json!({"financieringsvorm": "persoonsgebonden"}),
            "financieringsvorm",
        ),
    ] {
        let (status, problem, _) = app
            .api_post(&s.officer, TARIFFS, tariff(&s, body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(problem_fields(&problem), [field], "{body}: {problem}");
    }
}

#[tokio::test]
async fn finance_pages_the_provider_corrects_how_a_stay_is_paid_for_on_its_page() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let placed = stay(&s, &app, s.product, "2025-03-01", None).await;
    let provider = user(
        &app,
        "kostentest.intake",
        "aanbieder",
        &format!("aanbieder:{}", s.provider),
    )
    .await;
    let path = format!("/verblijven/{}", placed["id"]);
    let html = app.page(&provider, &path).await;
    for text in [
        "Financieringsvorm",
        "Zorg in natura",
        "id=\"correctie\"",
        "<option value=\"geen\" selected>— geen niveau —</option>",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert_accessible(&path, &html);
    // No tariff for this product in the tests: named, not priced at nothing.
    assert!(html.contains("Kosten tot nu toe"), "{html}");
    assert!(
        html.contains("dagen zonder tarief (niet meegeteld)"),
        "{html}"
    );
    let csrf = csrf_from(&html);
    let version = hidden_version(&html);
    let correction = format!("{path}/correctie");

    let correct = |level: &'static str| {
        let (app, provider, correction, csrf, version) =
            (&app, &provider, &correction, &csrf, &version);
        async move {
            app.post_form(
                provider,
                correction,
                csrf,
                &[
                    ("versie", version),
                    ("startdatum", "2025-03-01"),
                    ("financieringsvorm", "pgb"),
                    ("zorgzwaarte", level),
                ],
            )
            .await
        }
    };

    // A level that does not exist: the form says so at the field.
    let resp = correct("12").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let failed = resp.text().await.unwrap();
    assert!(
        failed.contains("<a href=\"#veld-zorgzwaarte\">Kies een zorgzwaarte van 1 tot en met 9"),
        "{failed}"
    );

    let resp = correct("2").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "verblijf", "geslaagd")
    );
    assert!(row.details.contains("\"na\":\"pgb\""), "{}", row.details);
    let html = app.page(&provider, &path).await;
    for text in ["Persoonsgebonden budget (pgb)", "niveau 2"] {
        assert!(html.contains(text), "{text}: {html}");
    }
    let (_, api, _) = app
        .api_get(
            &s.provider_token,
            &format!("/api/v1/verblijven/{}", placed["id"]),
        )
        .await;
    assert_eq!(
        (&api["financieringsvorm"], &api["zorgzwaarte"]),
        (&json!("pgb"), &json!(2))
    );

    // A transfer to a heavier level: the new stay takes it, the transfer
    // form's fields have names of their own next to the correction's.
    let html = app.page(&provider, &path).await;
    assert!(html.contains("id=\"veld-nieuweZorgzwaarte\""), "{html}");
    assert!(html.contains("<option value=\"2\" selected>Niveau 2</option>"));
    let resp = app
        .post_form(
            &provider,
            &format!("{path}/overplaatsing"),
            &csrf_from(&html),
            &[
                ("versie", &hidden_version(&html)),
                ("datum", "2025-06-01"),
                ("plek", &format!("{}:{}", s.provider, s.location)),
                ("nieuweFinancieringsvorm", "pgb"),
                ("nieuweZorgzwaarte", "3"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, stays, _) = app
        .api_get(&s.provider_token, "/api/v1/verblijven?actiefOp=2025-06-01")
        .await;
    let next = stays["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["overplaatsingVan"] == placed["id"])
        .unwrap_or_else(|| panic!("{stays}"));
    assert_eq!(
        (&next["financieringsvorm"], &next["zorgzwaarte"]),
        (&json!("pgb"), &json!(3))
    );
}

async fn priced_version(app: &TestApp, s: &Setup, path: &str) -> i64 {
    let (_, stay, _) = app.api_get(&s.provider_token, path).await;
    stay["versie"].as_i64().unwrap()
}

#[tokio::test]
async fn finance_small_amounts_are_hidden_from_the_policy_adviser_and_shown_to_the_officer() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    created(
        &app,
        &s.officer,
        TARIFFS,
        tariff(&s, json!({"bedrag": "100"})),
    )
    .await;
    stay(&s, &app, s.product, "2025-03-20", Some("2025-05-10")).await;
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let query = format!(
        "/api/v1/kosten?jaar=2025&indeling=gemeente&per=maand&aanbiederId={}",
        s.provider
    );

    let (_, officer, _) = app.api_get(&s.officer, &query).await;
    assert_eq!(officer["regels"][0]["bedrag"], "1200.00", "{officer}");
    assert_eq!(officer["ontbrekendeTarieven"][0]["dagen"], 10);

    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let (status, hidden, _) = app.api_get(&adviser, &query).await;
    assert_eq!(status, StatusCode::OK, "{hidden}");
    assert_eq!(hidden["kleineAantallenOnderdrukt"], true);
    let threshold = hidden["drempel"].as_u64().unwrap();
    assert!(threshold > 1);
    let rows = hidden["regels"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "the same cells: {hidden}");
    for row in rows {
        for field in ["bedrag", "dagen", "clienten", "verblijven"] {
            assert_eq!(row[field], Value::Null, "{field}: {row}");
        }
        assert_eq!(row["onderdrukt"], true);
        assert_eq!(row["onderdrukking"], "klein-aantal");
        assert_eq!(row["weergave"], format!("<{threshold}"));
        assert!(
            row["gemeente"]["code"].as_str().is_some(),
            "the cell is named"
        );
    }
    assert_eq!(hidden["totaal"]["bedrag"], Value::Null);
    assert_eq!(hidden["totaal"]["onderdrukt"], true);
    // One stay's days without a tariff would tell how long it was.
    let missing = &hidden["ontbrekendeTarieven"][0];
    assert_eq!(missing["onderdrukt"], true, "{hidden}");
    assert_eq!(
        (
            &missing["dagen"],
            &missing["verblijven"],
            &missing["eersteDag"]
        ),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert!(!hidden.to_string().contains("1200.00"), "{hidden}");

    // The waiting-list manager works with the clients behind it: unsuppressed.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (_, seen, _) = app.api_get(&manager, &query).await;
    assert_eq!(seen["regels"][0]["bedrag"], "1200.00", "{seen}");
}

// ---- pages ----------------------------------------------------------------------------

/// A user of this role and scope, logged in through the login form.
pub(crate) async fn user(app: &TestApp, username: &str, role: &str, scope: &str) -> Client {
    let password = "een lang genoeg wachtwoord voor de test";
    app.services
        .create_user(
            &zothuis_domain::admin::RequestContext::system("test"),
            &zothuis_domain::admin::NewUserInput {
                username: username.into(),
                display_name: format!("Test {role}"),
                role: role.into(),
                scope: scope.into(),
                password: password.into(),
            },
        )
        .await
        .unwrap();
    let (browser, resp) = app.login_with(username, password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "login {username}");
    browser
}

pub(crate) fn assert_accessible(path: &str, html: &str) {
    assert_unique_ids(path, html);
    assert_labelled(path, html);
    assert_heading_order(path, html);
}

#[tokio::test]
async fn finance_pages_the_officer_records_corrects_and_withdraws_a_tariff_on_the_form() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    let officer = user(&app, "fin.gv", OFFICER.0, OFFICER.1).await;

    let home = app.page(&officer, "/").await;
    assert!(
        home.contains("class=\"zt-nav__link\" href=\"/financien/kosten\">Financiën<"),
        "the menu leads there: {home}"
    );
    let list = app.page(&officer, "/financien/tarieven").await;
    assert!(list.contains("<h1>Tarieven</h1>"), "{list}");
    assert!(list.contains("href=\"/financien/tarieven/nieuw\">Nieuw tarief<"));
    assert_accessible("/financien/tarieven", &list);

    let form = app.page(&officer, "/financien/tarieven/nieuw").await;
    assert!(form.contains("<h1>Nieuw tarief</h1>"), "{form}");
    assert!(form.contains("<option value=\"\" selected>Alle aanbieders</option>"));
    assert!(form.contains("<option value=\"\" selected>Eenheid van het product</option>"));
    assert!(form.contains(">Stichting Kostentest</option>"));
    assert!(form.contains("Kostentest opvang (KT-DAG)"));
    for label in [
        "Product",
        "Aanbieder",
        "Eenheid",
        "Bedrag in euro",
        "Geldig vanaf",
        "Geldig tot en met",
        "Notitie",
        "Financieringsvorm",
        "Zorgzwaarte",
    ] {
        assert!(form.contains(label), "{label}: {form}");
    }
    assert!(form.contains("<option value=\"zin\" selected>Zorg in natura</option>"));
    assert!(form.contains("<option value=\"\" selected>Alle niveaus</option>"));
    assert!(
        !form.contains("veld-ingetrokken"),
        "a new tariff is not withdrawn"
    );
    assert_accessible("/financien/tarieven/nieuw", &form);

    // Mistakes: the summary links each to its field, the form keeps what was typed.
    let csrf = csrf_from(&form);
    let resp = app
        .post_form(
            &officer,
            "/financien/tarieven/nieuw",
            &csrf,
            &[
                ("productId", ""),
                ("aanbiederId", ""),
                ("eenheid", ""),
                ("bedrag", "-5"),
                ("geldigVanaf", "2025-06-01"),
                ("geldigTot", "2025-05-01"),
                ("notitie", ""),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Er is iets niet in orde"), "{html}");
    for (field, message) in [
        ("productId", "Kies uit de lijst"),
        ("bedrag", "Een tarief is niet negatief"),
        ("geldigTot", "De einddatum ligt niet vóór de ingangsdatum"),
    ] {
        assert!(
            html.contains(&format!("<a href=\"#veld-{field}\">{message}")),
            "{field}: {html}"
        );
    }
    assert!(html.contains("value=\"-5\""), "kept: {html}");
    assert_accessible("/financien/tarieven/nieuw (fouten)", &html);

    // Recorded on the form, the amount typed the Dutch way.
    let resp = app
        .post_form(
            &officer,
            "/financien/tarieven/nieuw",
            &csrf,
            &[
                ("productId", &s.product.to_string()),
                ("aanbiederId", &s.provider.to_string()),
                ("eenheid", "per-maand"),
                ("bedrag", "3.250,5"),
                ("geldigVanaf", "2025-01-01"),
                ("geldigTot", ""),
                ("notitie", "Maandtarief"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=tarief-vastgelegd"), "{to}");
    let path = to.split('?').next().unwrap().to_string();
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.actor_name.as_str()
        ),
        ("aangemaakt", "tarief", "geslaagd", "fin.gv")
    );
    let html = app.page(&officer, &to).await;
    assert!(html.contains("Het tarief is vastgelegd."), "{html}");
    for fact in [
        "<dd>Stichting Kostentest</dd>",
        "<dd>Per maand</dd>",
        "<dd>€ 3.250,50</dd>",
        "<dd>1 januari 2025</dd>",
        "<dd>open einde</dd>",
        "<dd>Maandtarief</dd>",
    ] {
        assert!(html.contains(fact), "{fact}: {html}");
    }
    assert!(html.contains("<h2>Tarief corrigeren of intrekken</h2>"));
    assert!(
        html.contains("value=\"3250,50\""),
        "the amount as typed: {html}"
    );
    assert_accessible(&path, &html);
    let list = app.page(&officer, "/financien/tarieven").await;
    assert!(list.contains("€ 3.250,50") && list.contains("Stichting Kostentest"));

    // Withdrawn on the form with the version read; a stale version is refused.
    let version = hidden_version(&html);
    let csrf = csrf_from(&html);
    let fields = |withdraw: bool, version: &str| {
        let mut f = vec![
            ("versie", version.to_string()),
            ("productId", s.product.to_string()),
            ("aanbiederId", s.provider.to_string()),
            ("eenheid", "per-maand".to_string()),
            ("bedrag", "3250,50".to_string()),
            ("geldigVanaf", "2025-01-01".to_string()),
            ("notitie", "Per vergissing".to_string()),
        ];
        if withdraw {
            f.push(("ingetrokken", "ja".to_string()));
        }
        f
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let officer = &officer;
        let csrf = csrf.clone();
        let path = path.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(officer, &path, &csrf, &borrowed).await
        }
    };
    let resp = post(fields(true, &version)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).ends_with("?melding=opgeslagen"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("gewijzigd", "tarief")
    );
    let html = app.page(&officer, &path).await;
    assert!(html.contains("<dd>Ingetrokken</dd>"), "{html}");
    assert!(html.contains("Dit tarief is ingetrokken"));
    let versions = table_after(&html, "Versies van dit tarief");
    assert_eq!(
        versions.matches("<tr>").count(),
        3,
        "header and two versions"
    );
    let resp = post(fields(false, &version)).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Er is iets niet in orde"), "{html}");
}

#[tokio::test]
async fn finance_pages_the_cost_page_shows_the_table_the_missing_days_and_the_downloads() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    created(
        &app,
        &s.officer,
        TARIFFS,
        tariff(&s, json!({"bedrag": "100"})),
    )
    .await;
    stay(&s, &app, s.product, "2025-03-20", Some("2025-05-10")).await;
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let officer = user(&app, "fin.gv", OFFICER.0, OFFICER.1).await;
    let query = format!(
        "jaar=2025&per=maand&indeling=gemeente&aanbiederId={}",
        s.provider
    );

    let first = app.page(&officer, "/financien/kosten").await;
    assert!(first.contains("<h1>Kosten van zorg</h1>"), "{first}");
    assert!(
        first.contains("id=\"veld-jaar\" name=\"jaar\" value=\"2026\""),
        "this year by default: {first}"
    );
    assert_accessible("/financien/kosten", &first);

    let path = format!("/financien/kosten?{query}");
    let html = app.page(&officer, &path).await;
    let caption = "Kosten van zorg per maand, 1 januari 2025 tot en met 31 december 2025";
    let table = table_after(&html, caption);
    for text in [
        "maart 2025",
        "€ 1.200,00",
        "april 2025",
        "€ 3.000,00",
        "mei 2025",
        "€ 900,00",
        "Totaal",
        "€ 5.100,00",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    assert!(html.contains("<h2 id=\"zonder-tarief-kop\">Dagen zonder tarief</h2>"));
    assert!(
        html.contains("niet geprijsd"),
        "the days are explained: {html}"
    );
    let missing = table_after(&html, "Dagen in zorg zonder tarief");
    for text in [
        "Kostentest zonder tarief (KT-ZT)",
        "Stichting Kostentest",
        ">10<",
        "1 juni 2025",
    ] {
        assert!(missing.contains(text), "{text}: {missing}");
    }
    assert!(
        html.contains("id=\"veld-indeling-gemeente\" name=\"indeling\" value=\"gemeente\" checked"),
        "{html}"
    );
    assert_accessible(&path, &html);

    // The same table as CSV and as Excel, with a Dutch header row.
    let csv_link = html
        .split("href=\"/financien/kosten/export?")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(csv_link.starts_with("formaat=csv"), "{csv_link}");
    let resp = officer
        .get(app.url(&format!("/financien/kosten/export?{csv_link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    assert!(
        csv.starts_with(
            "\u{feff}Periode;Gemeente;Bedrag (€);Dagen in zorg;Cliënten;Verblijven\r\n"
        ),
        "{csv}"
    );
    assert!(csv.contains(";1200,00;12;1;1\r\n"), "{csv}");
    assert!(csv.contains("Totaal;;5100,00;51;1;1\r\n"), "{csv}");
    assert!(
        csv.contains("zonder tarief"),
        "the missing days are noted: {csv}"
    );
    let resp = officer
        .get(app.url(&format!("/financien/kosten/export?formaat=xlsx&{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    assert_eq!(&resp.bytes().await.unwrap()[..2], b"PK");

    // A question that cannot be answered: the form with the problem at its field.
    let resp = officer
        .get(app.url("/financien/kosten?jaar=2025&van=2025-01-01&tot=2025-02-01&per=maand"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#veld-jaar\">Kies een jaar of een periode"),
        "{html}"
    );
    assert_accessible("/financien/kosten (fouten)", &html);

    // The policy adviser sees the same cells, hidden.
    let adviser = user(&app, "beleid.test", "beleidsadviseur", "regio:GV").await;
    let html = app.page(&adviser, &path).await;
    let table = table_after(&html, caption);
    assert!(!table.contains("€ 1.200,00"), "{table}");
    assert!(
        table.contains("&lt;5") || table.contains("&#60;5"),
        "{table}"
    );
    assert!(html.contains("zonder persoonsgegevens"), "{html}");
    let list = app.page(&adviser, "/financien/tarieven").await;
    assert!(
        !list.contains("Nieuw tarief"),
        "only for the officer: {list}"
    );
    let resp = adviser
        .get(app.url("/financien/tarieven/nieuw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // A corporation and the administrator have no money pages.
    let corporation = user(&app, "corp.test", "corporatie", "corporatie:1").await;
    let home = app.page(&corporation, "/").await;
    assert!(!home.contains("/financien/kosten"), "{home}");
    for p in ["/financien/kosten", "/financien/tarieven"] {
        let resp = corporation.get(app.url(p)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{p}");
    }
    let admin = user(&app, "beheer.test", "beheerder", "installatie").await;
    assert!(!app.page(&admin, "/").await.contains("/financien/kosten"));
}

#[tokio::test]
async fn finance_days_that_have_not_happened_are_no_cost_of_care() {
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    created(&app, &s.officer, TARIFFS, tariff(&s, json!({}))).await;
    // Still in care since 20 December 2025.
    stay(&s, &app, s.product, "2025-12-20", None).await;
    let today = app.clock.today();
    let year = today.format("%Y").to_string();
    let (status, costs, _) = app
        .api_get(
            &s.officer,
            &format!(
                "/api/v1/kosten?jaar={year}&per=geheel&aanbiederId={}",
                s.provider
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{costs}");
    // The year runs to 31 December, but only 1 January up to and
    // including today has happened: that many days × € 151,23.
    let days = i64::from(chrono::Datelike::ordinal(&today));
    assert_eq!(costs["tot"], json!(format!("{year}-12-31")));
    assert_eq!(costs["geteldTot"], json!(today.to_string()));
    assert_eq!(costs["totaal"]["dagen"], json!(days), "{costs}");
    let cents = days * 15_123;
    assert_eq!(
        costs["totaal"]["bedrag"],
        json!(format!("{}.{:02}", cents / 100, cents % 100))
    );
}

/// A request of a user with this role and scope, for the services.
pub(crate) fn acting(
    role: &str,
    scope: &str,
    region: i64,
) -> zothuis_domain::admin::RequestContext {
    use zothuis_domain::admin::{Actor, ActorKind, RequestContext, Role, Scope};
    let scope = match scope.split_once(':') {
        Some(("regio", _)) => Scope::Regio(region),
        Some(("gemeente", code)) => {
            Scope::Gemeente(zothuis_domain::reference::GemeenteCode::parse(code).unwrap())
        }
        Some(("corporatie", id)) => Scope::Corporatie(id.parse().unwrap()),
        other => panic!("{other:?}"),
    };
    RequestContext {
        actor: Actor {
            kind: ActorKind::User,
            id: 4242,
            name: format!("test-{role}"),
            role: Role::parse(role).unwrap(),
            scope,
        },
        on_behalf_of: None,
        origin: Some("test".into()),
        request_id: "budget".into(),
    }
}

#[tokio::test]
async fn finance_a_budget_against_its_realisation_from_the_stays_and_the_actuals() {
    use zothuis_domain::DomainError;
    use zothuis_domain::finance::Bedrag;
    use zothuis_domain::finance::budget::{BudgetActualInput, BudgetLineInput, BudgetVersionInput};
    use zothuis_domain::finance::service::{BudgetInput, Source};
    let mut app = spawn_app().await;
    let s = setup(&mut app).await;
    created(&app, &s.officer, TARIFFS, tariff(&s, json!({}))).await;
    // 20 March to 10 May 2025: 51 days × € 151,23 = € 7.712,73.
    stay(&s, &app, s.product, "2025-03-20", Some("2025-05-10")).await;
    let gv = app
        .store
        .find_region_by_code("GV")
        .await
        .unwrap()
        .unwrap()
        .id;
    let officer = acting("financieel-adviseur", "regio:GV", gv);
    let line = |code: &str, side: &str, category: &str, amount: &str| BudgetLineInput {
        code: code.into(),
        side: side.into(),
        category: category.into(),
        label: format!("Regel {code}"),
        amounts: vec![("2025".into(), amount.into())],
    };
    let version = |lines| BudgetVersionInput {
        kind: "begroting".into(),
        title: "Begroting 2025".into(),
        note: None,
        lines,
        thousands: false,
    };
    let (budget, first) = app
        .services
        .create_budget(
            &officer,
            &BudgetInput {
                municipality: None,
                name: "Begroting toets".into(),
                version: version(vec![
                    line("a", "lasten", "zorgkosten", "10.000,00"),
                    line("b", "lasten", "personeel", "1.200,00"),
                    line("c", "baten", "iubw", "-11.200,00"),
                ]),
            },
        )
        .await
        .unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.object_type.as_str(),
            audit.action.as_str(),
            audit.object_id.as_deref()
        ),
        (
            "begroting",
            "aangemaakt",
            Some(budget.id.to_string().as_str())
        )
    );
    // € 300,00 of staff in March; a care-cost line takes no actual.
    let actual = |code: &str| BudgetActualInput {
        code: code.into(),
        year: "2025".into(),
        month: "3".into(),
        amount: "300".into(),
        note: None,
    };
    app.services
        .add_budget_actual(&officer, budget.id, &actual("b"))
        .await
        .unwrap();
    assert!(
        app.last_audit()
            .await
            .details
            .contains(r#""realisatie":"b""#)
    );
    let refused = app
        .services
        .add_budget_actual(&officer, budget.id, &actual("a"))
        .await;
    assert!(
        matches!(refused, Err(DomainError::Invalid(_))),
        "{refused:?}"
    );

    let report = app
        .services
        .budget_report(&officer, budget.id, 2025, None)
        .await
        .unwrap();
    let row = |code: &str| report.lines.iter().find(|l| l.line.code == code).unwrap();
    // The care cost of the region's stays in 2025, realised and forecast
    // alike in a year that has passed.
    let a = row("a");
    assert_eq!(a.source, Source::Verblijven);
    assert_eq!(
        (a.budget, a.realised, a.forecast, a.difference),
        (
            Some(Bedrag(1_000_000)),
            Some(Bedrag(771_273)),
            Some(Bedrag(771_273)),
            Some(Bedrag(771_273 - 1_000_000))
        )
    );
    // Staff: € 300,00 through March and nine months as budgeted
    // (9 × € 100,00): € 1.200,00, on budget.
    let b = row("b");
    assert_eq!(
        (b.source, b.realised, b.forecast, b.difference),
        (
            Source::Ingevoerd,
            Some(Bedrag(30_000)),
            Some(Bedrag(120_000)),
            Some(Bedrag(0))
        )
    );
    // Baten are kept positive; nothing realised yet: as budgeted.
    let c = row("c");
    assert_eq!(
        (c.budget, c.realised, c.forecast),
        (
            Some(Bedrag(1_120_000)),
            Some(Bedrag(0)),
            Some(Bedrag(1_120_000))
        )
    );

    // A begrotingswijziging is a new version; a stale one is refused.
    let second = app
        .services
        .change_budget(
            &officer,
            budget.id,
            first.id,
            &BudgetVersionInput {
                kind: "begrotingswijziging".into(),
                ..version(vec![line("a", "lasten", "zorgkosten", "8.000")])
            },
        )
        .await
        .unwrap();
    assert_eq!(app.last_audit().await.action, "gewijzigd");
    let stale = app
        .services
        .change_budget(&officer, budget.id, first.id, &version(vec![]))
        .await;
    assert!(
        matches!(
            stale,
            Err(DomainError::StaleVersion(_)) | Err(DomainError::Invalid(_))
        ),
        "{stale:?}"
    );
    let history = app
        .services
        .budget(&officer, budget.id, None)
        .await
        .unwrap();
    assert_eq!((history.current.id, history.versions.len()), (second.id, 2));

    // A policy adviser of a municipality in the region sees the budget,
    // with the care cost of one client hidden; a corporation nothing; a
    // finance officer of a municipality may not change the region's.
    let adviser = acting("beleidsadviseur", "gemeente:GM0406", gv);
    let seen = app
        .services
        .budget_report(&adviser, budget.id, 2025, None)
        .await
        .unwrap();
    let a = seen.lines.iter().find(|l| l.line.code == "a").unwrap();
    assert!(a.hidden && a.realised.is_none() && a.budget == Some(Bedrag(800_000)));
    assert!(
        app.services
            .budgets(&adviser)
            .await
            .unwrap()
            .iter()
            .any(|b| b.id == budget.id)
    );
    let corporation = acting("corporatie", "corporatie:1", gv);
    assert!(matches!(
        app.services.budget(&corporation, budget.id, None).await,
        Err(DomainError::Forbidden(_))
    ));
    let local = acting("financieel-adviseur", "gemeente:GM0406", gv);
    assert!(matches!(
        app.services
            .change_budget(
                &local,
                budget.id,
                second.id,
                &version(vec![line("a", "lasten", "zorgkosten", "1")])
            )
            .await,
        Err(DomainError::Forbidden(_))
    ));
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
}

#[tokio::test]
async fn finance_the_historical_cohort_forecast_needs_a_cut_off_and_prices_the_members() {
    use zothuis_domain::DomainError;
    use zothuis_domain::finance::Bedrag;
    let settings = zothuis_domain::Settings {
        historical_cutoff: chrono::NaiveDate::from_ymd_opt(2025, 1, 10),
        ..Default::default()
    };
    let mut app = zothuis_testkit::spawn_app_with(settings).await;
    let s = setup(&mut app).await;
    created(&app, &s.officer, TARIFFS, tariff(&s, json!({}))).await;
    // In care since 5 January 2025, so in care on the cut-off, and still.
    let placed = stay(&s, &app, s.product, "2025-01-05", None).await;
    let gemeente = placed["verantwoordelijkeGemeente"]
        .as_str()
        .unwrap()
        .to_string();
    let gv = app
        .store
        .find_region_by_code("GV")
        .await
        .unwrap()
        .unwrap()
        .id;
    let officer = acting("financieel-adviseur", "regio:GV", gv);
    let view = app
        .services
        .cohort_forecast(&officer, Some(&gemeente), 2, None)
        .await
        .unwrap();
    let f = &view.forecast;
    // Nobody left yet: no exits, the member stays all year. 2026 is 11
    // days realised (1–11 January) and 354 expected: 365 × € 151,23.
    assert_eq!((f.members_at_cutoff, f.members_now, f.exits), (1, 1, 0));
    assert_eq!(f.years[0].realised, Bedrag(11 * 15_123));
    assert_eq!(f.years[0].cost, Bedrag(365 * 15_123));
    assert_eq!(f.years[1].cost, Bedrag(365 * 15_123));
    assert!(!view.hidden);
    let adviser = acting("beleidsadviseur", "regio:GV", gv);
    assert!(
        app.services
            .cohort_forecast(&adviser, None, 2, None)
            .await
            .unwrap()
            .hidden
    );
    assert!(matches!(
        app.services.cohort_forecast(&officer, None, 0, None).await,
        Err(DomainError::Invalid(_))
    ));
    // Without a cut-off and without the woonplaatsbeginsel: a clear refusal.
    let plain = spawn_app().await;
    let mut plain = plain;
    plain.seed_demo().await;
    let err = plain
        .services
        .cohort_forecast(
            &acting("financieel-adviseur", "regio:GV", gv),
            None,
            2,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("geen peildatum voor historische cliënten"),
        "{err:?}"
    );
}
