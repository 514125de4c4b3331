//! Figures over the API: the catalogue, values per role and area, small
//! numbers, as known at a moment, and Dutch errors.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn json_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let r = get(app, token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// The demo with its population (215 clients since 2022).
async fn demo() -> TestApp {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    app
}

/// The total of an indicator as a number.
async fn total(app: &TestApp, token: &str, path: &str) -> f64 {
    json_ok(app, token, path).await["totaal"]["waarde"]
        .as_f64()
        .unwrap()
}

fn cells(v: &Value) -> Vec<(String, Value)> {
    v["waarden"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["sleutel"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

#[tokio::test]
async fn the_catalogue_lists_every_indicator_with_its_definition() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token("beleidsadviseur", "regio:GV").await;
    let list = json_ok(&app, &token, "/api/v1/indicatoren?paginaGrootte=100").await;
    let items = list["resultaten"].as_array().unwrap();
    assert!(items.len() >= 20, "{list}");
    let waiting = items.iter().find(|i| i["id"] == "wachtend-totaal").unwrap();
    assert_eq!(waiting["meting"], "peildatum");
    assert!(waiting["definitie"].as_str().unwrap().contains("peildatum"));
    let returns = items
        .iter()
        .find(|i| i["id"] == "terugkeer-24-maanden")
        .unwrap();
    assert_eq!(returns["meting"], "periode");
}

#[tokio::test]
async fn the_waiting_total_agrees_with_the_waiting_list_and_splits_per_municipality() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let day = "2026-01-12";
    let list = json_ok(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum={day}&status=open&paginaGrootte=1"),
    )
    .await;
    let open = list["aantal"].as_u64().unwrap();
    assert!(open > 10, "{list}");
    let v = json_ok(
        &app,
        &manager,
        &format!(
            "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum={day}&uitsplitsing=gemeente"
        ),
    )
    .await;
    assert_eq!(v["totaal"]["waarde"].as_f64().unwrap() as u64, open, "{v}");
    assert_eq!(v["kleineAantallenOnderdrukt"], false);
    // Every municipality of the region has a line (zeros included), only those.
    let lines = cells(&v);
    assert_eq!(lines.len(), 7, "{v}");
    assert!(lines.iter().all(|(k, _)| k.starts_with("GM")));
    let sum: f64 = lines
        .iter()
        .map(|(_, c)| c["waarde"].as_f64().unwrap())
        .sum();
    assert_eq!(sum as u64, open);
    // Active + passive + in screening + registered = total.
    let part = |id: &str| format!("/api/v1/indicatoren/{id}/waarden?peildatum={day}");
    let active = total(&app, &manager, &part("wachtend-actief")).await;
    let passive = total(&app, &manager, &part("wachtend-passief")).await;
    let screening = total(&app, &manager, &part("in-screening")).await;
    assert!(active > passive, "active {active} passive {passive}");
    assert!(active + passive + screening <= open as f64);
}

#[tokio::test]
async fn policy_roles_see_small_numbers_hidden_and_consultants_only_their_municipality() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let path =
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12&uitsplitsing=gemeente";
    let full = json_ok(&app, &manager, path).await;
    let shown = json_ok(&app, &adviser, path).await;
    assert_eq!(shown["kleineAantallenOnderdrukt"], true);
    let full_cells = cells(&full);
    let shown_cells = cells(&shown);
    let mut hidden = 0;
    for ((key, f), (_, s)) in full_cells.iter().zip(&shown_cells) {
        let n = f["waarde"].as_f64().unwrap() as u64;
        if (1..5).contains(&n) {
            assert_eq!(s["weergave"], "<5", "{key}: {shown}");
            assert_eq!(s["waarde"], Value::Null);
            assert_eq!(s["onderdrukt"], true);
        }
        if s["onderdrukt"] == true {
            hidden += 1;
        } else {
            assert_eq!(s["waarde"], f["waarde"], "{key}");
        }
    }
    // Never exactly one hidden cell next to a shown total.
    assert!(hidden != 1, "{shown}");
    assert_eq!(shown["totaal"]["waarde"], full["totaal"]["waarde"]);

    // A consultant sees the residents of the own municipality, unsuppressed.
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let own = json_ok(
        &app,
        &huizen,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12",
    )
    .await;
    let in_full = full_cells.iter().find(|(k, _)| k == "GM0406").unwrap();
    assert_eq!(own["totaal"]["waarde"], in_full.1["waarde"]);
    // …and not another municipality's, which is refused and audited.
    let other = get(
        &app,
        &huizen,
        "/api/v1/indicatoren/wachtend-totaal/waarden?gemeenteCode=GM0402",
    )
    .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.outcome.as_str()),
        ("cijfers", "geweigerd")
    );
}

#[tokio::test]
async fn providers_see_their_own_figures_and_administrators_none() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let by_provider = json_ok(
        &app,
        &manager,
        "/api/v1/indicatoren/bezetting/waarden?peildatum=2026-01-12&uitsplitsing=aanbieder",
    )
    .await;
    let (id, line) = cells(&by_provider)
        .into_iter()
        .find(|(_, c)| c["waarde"].as_f64().unwrap() > 0.0)
        .unwrap();
    let provider = app.token("aanbieder", &format!("aanbieder:{id}")).await;
    let own = json_ok(
        &app,
        &provider,
        "/api/v1/indicatoren/bezetting/waarden?peildatum=2026-01-12",
    )
    .await;
    assert!(own["totaal"]["waarde"].as_f64().unwrap() >= line["waarde"].as_f64().unwrap());
    let waiting = get(
        &app,
        &provider,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12",
    )
    .await;
    assert_eq!(waiting.status(), StatusCode::FORBIDDEN);
    let other = get(
        &app,
        &provider,
        "/api/v1/indicatoren/bezetting/waarden?aanbiederId=999",
    )
    .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let admin = app.token("beheerder", "installatie").await;
    let r = get(&app, &admin, "/api/v1/indicatoren/bezetting/waarden").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("zorgcijfers"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_correction_changes_the_figure_only_as_known_after_it() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let day = "2026-01-12";
    let before = zothuis_testkit::start_time() + chrono::Duration::minutes(30);
    app.clock.advance(chrono::Duration::hours(1));
    let active = |known: Option<String>| {
        let extra = known
            .map(|k| format!("&bekendOp={}", k.replace('+', "%2B")))
            .unwrap_or_default();
        format!("/api/v1/indicatoren/wachtend-actief/waarden?peildatum={day}{extra}")
    };
    let was = total(&app, &manager, &active(None)).await;
    // Someone actively waiting turns out to have been in a clinic since last week.
    let list = json_ok(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum={day}&status=actief-wachtend"),
    )
    .await;
    let entry = list["resultaten"][0]["id"].as_i64().unwrap();
    let r = Client::new()
        .post(app.url(&format!("/api/v1/wachtlijst/{entry}/overgangen")))
        .bearer_auth(&manager)
        .json(&json!({"status": "passief-wachtend", "reden": "klinische-opname", "ingangsdatum": "2026-01-05"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(total(&app, &manager, &active(None)).await, was - 1.0);
    assert_eq!(
        total(&app, &manager, &active(Some(before.to_rfc3339()))).await,
        was
    );
}

#[tokio::test]
async fn questions_that_cannot_be_answered_get_dutch_problems() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let problem = |path: &'static str, status: StatusCode| {
        let app = &app;
        let manager = &manager;
        async move {
            let r = get(app, manager, path).await;
            assert_eq!(r.status(), status, "{path}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
            r.json::<Value>().await.unwrap()
        }
    };
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=31-02-2025",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p["invalidParams"][0]["name"], "peildatum", "{p}");
    let p = problem(
        "/api/v1/indicatoren/instroom/waarden",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("begin van de periode"), "{p}");
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?uitsplitsing=locatie",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("uitgesplitst naar locatie"), "{p}");
    let p = problem(
        "/api/v1/indicatoren/instroom/waarden?periodeVan=2025-12-31&periodeTot=2025-01-01",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("voor het begin"), "{p}");
    problem(
        "/api/v1/indicatoren/bestaat-niet/waarden",
        StatusCode::NOT_FOUND,
    )
    .await;
    let p = problem(
        "/api/v1/indicatoren/wachtend-totaal/waarden?productCode=XYZ",
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(p.to_string().contains("onbekend product"), "{p}");
}

#[tokio::test]
async fn period_figures_for_the_demo_are_consistent() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let path = |id: &str| {
        format!("/api/v1/indicatoren/{id}/waarden?periodeVan=2023-01-01&periodeTot=2025-12-31")
    };
    let outflow = total(&app, &manager, &path("uitstroom")).await;
    let persons = total(&app, &manager, &path("personen-uitgestroomd")).await;
    let independent = total(&app, &manager, &path("uitstroom-zelfstandig")).await;
    let returned = total(&app, &manager, &path("terugkeer-24-maanden")).await;
    assert!(outflow > 0.0 && persons <= outflow && independent <= persons);
    assert!(returned <= independent);
    let stay = json_ok(&app, &manager, &path("verblijfsduur")).await;
    assert!(stay["totaal"]["waarde"].as_f64().unwrap() > 0.0);
    assert_eq!(stay["totaal"]["aantal"].as_f64().unwrap(), outflow);
}

async fn page(client: &Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The export link of a table on a page (HTML-escaped ampersands undone).
fn export_link(html: &str, table: &str, format: &str) -> String {
    let marker = format!("/cijfers/export?tabel={table}&#38;formaat={format}");
    let start = html.find(&marker).expect("export link");
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&#38;", "&")
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    text.split("\r\n")
        .take_while(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn the_dashboard_export_and_api_agree_on_every_number() {
    let app = demo().await;
    let manager = app.login("wachtlijst.gv").await;
    let (status, html) = page(&manager, &app, "/cijfers?peildatum=2026-01-12").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kerncijfers"));
    assert!(html.contains("<svg class=\"zt-chart\""), "a chart");
    assert!(html.contains("role=\"img\""));
    assert!(html.contains("Wachtlijst per gemeente op 12 januari 2026"));
    assert!(
        html.contains("href=\"/cijfers/indicatoren/wachtend-totaal\""),
        "definitions one click away"
    );

    // The CSV of the table per municipality against the API, cell by cell.
    let link = export_link(&html, "wachtlijst-per-gemeente", "csv");
    let r = manager.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = csv_rows(&r.bytes().await.unwrap());
    assert_eq!(
        rows[0],
        [
            "Gemeente",
            "Aangemeld",
            "Actief wachtend",
            "Passief wachtend",
            "In screening",
            "Wachtenden"
        ]
    );
    let token = app.token("wachtlijstbeheerder", "regio:GV").await;
    let ids = [
        "wachtend-aangemeld",
        "wachtend-actief",
        "wachtend-passief",
        "in-screening",
        "wachtend-totaal",
    ];
    for (column, id) in ids.iter().enumerate() {
        let v = json_ok(
            &app,
            &token,
            &format!("/api/v1/indicatoren/{id}/waarden?peildatum=2026-01-12&uitsplitsing=gemeente"),
        )
        .await;
        for line in v["waarden"].as_array().unwrap() {
            let row = rows
                .iter()
                .find(|r| r[0] == line["label"].as_str().unwrap())
                .unwrap();
            assert_eq!(
                row[column + 1],
                line["weergave"].as_str().unwrap(),
                "{id} {row:?}"
            );
        }
        let total = rows.iter().find(|r| r[0] == "Totaal").unwrap();
        assert_eq!(
            total[column + 1],
            v["totaal"]["weergave"].as_str().unwrap(),
            "{id}"
        );
    }
    // The tile shows the same total.
    let waiting = rows.iter().find(|r| r[0] == "Totaal").unwrap()[5].clone();
    assert!(
        html.contains(&format!("<span class=\"zt-tile__value\">{waiting}</span>")),
        "{waiting}"
    );

    // The Excel file has the same cells.
    let link = export_link(&html, "wachtlijst-per-gemeente", "xlsx");
    let bytes = manager
        .get(app.url(&link))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let cell = sheet.get((r, c)).unwrap().to_string();
            assert_eq!(&cell, text, "row {r} column {c}");
        }
    }
}

#[tokio::test]
async fn each_role_sees_the_dashboard_of_its_own_area() {
    let app = demo().await;
    // Policy: small numbers hidden, with the explanation.
    let adviser = app.login("beleid.gv").await;
    let (status, html) = page(&adviser, &app, "/cijfers?peildatum=2026-01-12").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("aantallen van 1 tot 5 staan er als"),
        "suppression explained"
    );
    assert!(html.contains(">&#60;5<"), "some cell is hidden");
    // A consultant: the own municipality, no table per municipality.
    let consultant = app.login("consulent.huizen").await;
    let (status, html) = page(&consultant, &app, "/cijfers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Wachtlijst per gemeente"));
    assert!(html.contains("gemeente huizen"), "the area is named");
    // A provider: occupancy, not the waiting list.
    let provider = app.login("aanbieder.kwintes").await;
    let (status, html) = page(&provider, &app, "/cijfers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bezetting en capaciteit per product"));
    assert!(!html.contains("Wachtlijst per maand"));
    let (status, _) = page(
        &provider,
        &app,
        "/cijfers/export?tabel=wachtlijst-per-gemeente&formaat=csv",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The administrator sees no care figures.
    let admin = app.login("beheerder").await;
    let (status, _) = page(&admin, &app, "/cijfers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn report_tables_and_one_indicator_with_its_breakdown() {
    let app = demo().await;
    let adviser = app.login("beleid.gv").await;
    let (status, html) = page(&adviser, &app, "/cijfers/tabellen?peildatum=2025-12-31").await;
    assert_eq!(status, StatusCode::OK);
    for caption in [
        "Wachtlijst per peildatum",
        "Beëindigde verblijven per locatie",
        "In- en uitstroom per halfjaar",
    ] {
        assert!(html.contains(caption), "{caption}");
    }
    assert!(html.contains("2e halfjaar 2025"));
    assert!(html.contains("31 december 2025"));
    // One product: the shelter stays per location, as in a report.
    let (status, html) = page(
        &adviser,
        &app,
        "/cijfers/tabellen?peildatum=2025-12-31&productCode=MO-DAK",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("value=\"MO-DAK\" selected"),
        "the product stays chosen"
    );
    let link = export_link(&html, "verblijven-per-locatie", "csv");
    assert!(link.contains("productCode=MO-DAK"), "{link}");

    let (status, html) = page(
        &adviser,
        &app,
        "/cijfers/indicatoren/uitstroom?periodeVan=2024-01-01&periodeTot=2025-12-31&uitsplitsing=bestemming",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Zelfstandig wonen"));
    assert!(html.contains("Uitstroom van 1 januari 2024 tot en met 31 december 2025"));
    let link = export_link(&html, "indicator", "csv");
    let rows = csv_rows(
        &adviser
            .get(app.url(&link))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(rows[0], ["Bestemming", "Uitstroom"]);

    // A wrong date is a Dutch message beside the field, not an error page.
    let (status, html) = page(
        &adviser,
        &app,
        "/cijfers/indicatoren/wachtend-totaal?peildatum=32-13-2025",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("zt-error-summary"), "{html}");
    let (status, _) = page(&adviser, &app, "/cijfers/indicatoren/bestaat-niet").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_national_set_agrees_with_the_engine_on_the_demo_history() {
    use zothuis_domain::figures::cube::{Months12, check_against_engine};
    let app = demo().await;
    let facts = app.services.figure_facts(None).await.unwrap();
    assert!(facts.stays.len() > 100 && facts.entries.len() > 100);
    let months = Months12::between(
        chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
    );
    // Every 7th cell: all indicators, municipalities, products and months
    // are reached.
    let checked = check_against_engine(&facts, &months, Some(7)).unwrap();
    assert!(checked > 10_000, "{checked}");
}

#[tokio::test]
async fn a_write_and_its_correction_show_in_the_figures_without_a_rebuild() {
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let day = "2026-01-12";
    let active = format!("/api/v1/indicatoren/wachtend-actief/waarden?peildatum={day}");
    let passive = format!("/api/v1/indicatoren/wachtend-passief/waarden?peildatum={day}");
    let was = total(&app, &manager, &active).await;
    let was_passive = total(&app, &manager, &passive).await;
    let rebuilds = app.services.figure_rebuilds();
    assert!(rebuilds >= 1, "the first question builds the projection");

    // Someone actively waiting turns out to be in a clinic ...
    let list = json_ok(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst?peildatum={day}&status=actief-wachtend"),
    )
    .await;
    let entry = list["resultaten"][0]["id"].as_i64().unwrap();
    let post = |body: Value| {
        Client::new()
            .post(app.url(&format!("/api/v1/wachtlijst/{entry}/overgangen")))
            .bearer_auth(&manager)
            .json(&body)
            .send()
    };
    let r = post(json!({"status": "passief-wachtend", "reden": "klinische-opname", "ingangsdatum": "2026-01-05"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let written: Value = r.json().await.unwrap();
    assert_eq!(total(&app, &manager, &active).await, was - 1.0);
    assert_eq!(total(&app, &manager, &passive).await, was_passive + 1.0);

    // ... and the date was wrong: from after the peildatum, which puts them
    // back among the active on the peildatum.
    let r = post(
        json!({"status": "passief-wachtend", "reden": "klinische-opname",
        "ingangsdatum": "2026-01-14", "vervangt": written["id"]}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(total(&app, &manager, &active).await, was);
    assert_eq!(total(&app, &manager, &passive).await, was_passive);

    assert_eq!(
        app.services.figure_rebuilds(),
        rebuilds,
        "both writes were applied to the projection in place"
    );
    // And what it holds is what a full build gives as known at that moment.
    let kept = app.services.figure_facts(None).await.unwrap();
    let built = app
        .services
        .build_facts(kept.known_at.unwrap())
        .await
        .unwrap();
    assert!(*kept == built, "the updated projection equals a full build");
}

#[tokio::test]
async fn residents_of_huizen_show_under_huizen_as_woongemeente_and_under_hilversum_as_responsible()
{
    // Gooi en Vechtstreek works under the centrumgemeente regime: Hilversum
    // is responsible for everyone; the demo's residents applied in their own
    // municipality.
    let app = demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let path = |by: &str| {
        format!(
            "/api/v1/indicatoren/instroom/waarden?periodeVan=2022-01-01&periodeTot=2026-01-31&uitsplitsing={by}"
        )
    };
    let value = |v: &Value, key: &str| {
        cells(v)
            .into_iter()
            .find(|(k, _)| k == key)
            .map_or(0.0, |(_, c)| c["waarde"].as_f64().unwrap())
    };
    let responsible = json_ok(&app, &manager, &path("gemeente")).await;
    let residence = json_ok(&app, &manager, &path("woongemeente")).await;
    let all = responsible["totaal"]["waarde"].as_f64().unwrap();
    assert!(all > 20.0, "{responsible}");
    assert_eq!(
        value(&responsible, "GM0402"),
        all,
        "Hilversum is responsible"
    );
    assert_eq!(value(&responsible, "GM0406"), 0.0);
    let huizen = value(&residence, "GM0406");
    assert!(huizen > 0.0, "Huizen residents under Huizen: {residence}");
    assert!(value(&residence, "GM0402") < all);
    assert_eq!(residence["totaal"]["waarde"].as_f64().unwrap(), all);
    let label = cells(&residence)
        .into_iter()
        .find(|(k, _)| k == "GM0406")
        .map(|(_, c)| c["label"].as_str().unwrap().to_string());
    assert_eq!(label.as_deref(), Some("Huizen"));

    // As a filter: only Huizen residents.
    let only = total(
        &app,
        &manager,
        "/api/v1/indicatoren/instroom/waarden?periodeVan=2022-01-01&periodeTot=2026-01-31&woongemeenteCode=GM0406",
    )
    .await;
    assert_eq!(only, huizen);

    // The waiting list too, and for a policy adviser small numbers are
    // hidden here as in every breakdown.
    let waiting = json_ok(
        &app,
        &manager,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12&uitsplitsing=woongemeente",
    )
    .await;
    assert!(value(&waiting, "GM0406") > 0.0, "{waiting}");
    let adviser = app.token("beleidsadviseur", "regio:GV").await;
    let shown = json_ok(
        &app,
        &adviser,
        "/api/v1/indicatoren/wachtend-totaal/waarden?peildatum=2026-01-12&uitsplitsing=woongemeente",
    )
    .await;
    for (key, c) in cells(&shown) {
        if let Some(n) = c["waarde"].as_f64() {
            assert!(n == 0.0 || n >= 5.0, "{key}: {c}");
        }
    }

    // The catalogue says what it means.
    let list = json_ok(&app, &manager, "/api/v1/indicatoren?paginaGrootte=100").await;
    let inflow = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "instroom")
        .unwrap();
    let definition = inflow["uitsplitsingsdefinities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "woongemeente")
        .unwrap();
    assert!(
        definition["definitie"]
            .as_str()
            .unwrap()
            .contains("aanvraag")
    );
}
