//! The pages of the Pact voor uitstroom: the regional waiting-list manager
//! records the agreements and the allocation, a provider nominates its own
//! client, and nobody else reads the nominations.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{
    TestApp, assert_unique_ids, csrf_from, hidden_version, location, spawn_app, table_after,
};

/// Calls the API and expects it to succeed: the body of the answer.
async fn api_ok(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let (status, body, _) = app.api(method, token, path, Some(body), None).await;
    assert!(status.is_success(), "{path}: {status}");
    body
}

/// A Huizen resident with a BW decision, placed with Kwintes in Bussum on
/// 5 January 2026: (client, stay).
async fn placed_with_kwintes(app: &TestApp) -> (i64, i64) {
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let post = reqwest::Method::POST;
    let client = api_ok(
        app,
        &huizen,
        post.clone(),
        "/api/v1/clienten",
        json!({"voornaam": "Noor", "achternaam": "Verhuist", "geboortedatum": "1988-04-09"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (_, products, _) = app.api_get(&huizen, "/api/v1/producten").await;
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .clone();
    let application = api_ok(
        app,
        &huizen,
        post.clone(),
        "/api/v1/aanmeldingen",
        json!({"clientId": client, "productId": bw, "aanmelddatum": "2025-10-01", "bron": "ggz"}),
    )
    .await;
    api_ok(app, &huizen, post.clone(), "/api/v1/beschikkingen",
        json!({"aanmeldingId": application["id"], "uitkomst": "toegekend", "besluitdatum": "2025-10-15",
               "geldigVanaf": "2025-10-15", "beschikkingsnummer": "HZ-UIT-1"})).await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (_, open, _) = app
        .api_get(&manager, "/api/v1/wachtlijst?status=open")
        .await;
    let entry = open["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["clientId"] == client)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let transitions = format!("/api/v1/wachtlijst/{entry}/overgangen");
    api_ok(
        app,
        &manager,
        post.clone(),
        &transitions,
        json!({"status": "actief-wachtend", "ingangsdatum": "2025-10-20"}),
    )
    .await;
    api_ok(
        app,
        &manager,
        post.clone(),
        &transitions,
        json!({"status": "in-screening", "aanbiederId": 1, "ingangsdatum": "2025-12-01"}),
    )
    .await;
    let kwintes = app.token("aanbieder", "aanbieder:1").await;
    let (_, locations, _) = app.api_get(&kwintes, "/api/v1/locaties").await;
    let bussum = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Woonvorm Bussum")
        .unwrap()["id"]
        .clone();
    let stay = api_ok(
        app,
        &kwintes,
        post,
        "/api/v1/verblijven",
        json!({"wachtlijstId": entry, "locatieId": bussum, "startdatum": "2026-01-05"}),
    )
    .await;
    (client, stay["id"].as_i64().unwrap())
}

/// The provider nominates the client on the form; returns the nomination's page.
async fn nominate_on_page(app: &TestApp, provider: &Client, client: i64, stay: i64) -> String {
    let path = format!("/uitstroom/nieuw?client={client}");
    let csrf = app.csrf(provider, &path).await;
    let stay = stay.to_string();
    let resp = app
        .post_form(
            provider,
            &path,
            &csrf,
            &[
                ("route", "pact"),
                ("uitstroomUit", "bw"),
                ("verblijfId", &stay),
                ("gemeente", "GM0402"),
                ("voordrachtdatum", "2026-01-06"),
                ("toelichting", "Klaar voor een eigen woning"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=voorgedragen"), "{to}");
    to.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn outflow_pages_the_manager_records_an_agreement_and_a_second_replaces_it_with_history_kept()
{
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.login("wachtlijst.gv").await;
    let page = app.page(&manager, "/uitstroom/afspraken").await;
    assert!(page.contains("id=\"afspraak\""), "the manager has the form");
    assert!(page.contains("<h1>Pact-afspraken"), "{page}");
    assert_unique_ids("/uitstroom/afspraken", &page);
    let csrf = csrf_from(&page);
    let resp = app
        .post_form(
            &manager,
            "/uitstroom/afspraken",
            &csrf,
            &[
                ("gemeente", "GM0406"),
                ("jaar", "2027"),
                ("woningen", "3"),
                ("toelichting", "Eerste afspraak met de corporaties"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/uitstroom/afspraken?melding=afspraak");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "pact-afspraak", "geslaagd")
    );
    assert!(
        row.details.contains("GM0406") && row.details.contains("2027"),
        "{}",
        row.details
    );
    let page = app
        .page(&manager, "/uitstroom/afspraken?melding=afspraak")
        .await;
    assert!(page.contains("De afspraak is vastgelegd"), "{page}");
    let in_force = table_after(&page, "Afspraken die gelden");
    assert!(
        in_force.contains("Huizen") && in_force.contains("Eerste afspraak"),
        "{in_force}"
    );

    // An hour later the agreement is revised: the new one applies, both stay.
    app.clock.advance(chrono::Duration::hours(1));
    let resp = app
        .post_form(
            &manager,
            "/uitstroom/afspraken",
            &csrf,
            &[
                ("gemeente", "GM0406"),
                ("jaar", "2027"),
                ("woningen", "5"),
                ("toelichting", "Bijgesteld na bestuurlijk overleg"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "pact-afspraak", "geslaagd")
    );
    let page = app.page(&manager, "/uitstroom/afspraken").await;
    let in_force = table_after(&page, "Afspraken die gelden");
    assert!(
        in_force.contains("Bijgesteld na bestuurlijk overleg"),
        "{in_force}"
    );
    assert!(
        !in_force.contains("Eerste afspraak"),
        "replaced: {in_force}"
    );
    let history = table_after(&page, "Alle vastgelegde afspraken");
    assert!(
        history.contains("Bijgesteld na bestuurlijk overleg")
            && history.contains("Eerste afspraak")
            && history.contains("vervangen"),
        "{history}"
    );
    // As known before the revision, the first agreement applied.
    let then = app
        .page(&manager, "/uitstroom/afspraken?bekendOp=2026-01-11")
        .await;
    assert!(!then.contains("Eerste afspraak"), "not yet recorded then");

    // Mistakes are named at their fields; nothing is written.
    let before = app.audit(1).await[0].seq;
    let resp = app
        .post_form(
            &manager,
            "/uitstroom/afspraken",
            &csrf,
            &[
                ("gemeente", ""),
                ("jaar", "volgend jaar"),
                ("woningen", "-2"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for (field, message) in [
        ("gemeente", ""),
        ("jaar", "Vul een jaar in"),
        ("woningen", "Vul het aantal woningen in"),
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains("Er is iets niet in orde"));
    assert!(
        app.audit(5)
            .await
            .iter()
            .all(|r| r.seq <= before || r.object_type != "pact-afspraak"),
        "nothing recorded"
    );

    // A provider sees the agreements (no personal data) but records none.
    let provider = app.login("aanbieder.kwintes").await;
    let page = app.page(&provider, "/uitstroom/afspraken").await;
    assert!(page.contains("Bijgesteld na bestuurlijk overleg"));
    assert!(
        !page.contains("id=\"afspraak\""),
        "no form for the provider"
    );
    let resp = app
        .post_form(
            &provider,
            "/uitstroom/afspraken",
            &csrf_from(&page),
            &[("gemeente", "GM0406"), ("jaar", "2027"), ("woningen", "40")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("alleen de wachtlijstbeheerder")
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("pact-afspraak", "geweigerd")
    );
}

#[tokio::test]
async fn outflow_pages_a_provider_nominates_its_own_client_and_sees_it_in_the_list() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (client, stay) = placed_with_kwintes(&app).await;
    let provider = app.login("aanbieder.kwintes").await;
    let home = app.page(&provider, "/").await;
    assert!(home.contains("href=\"/uitstroom\""), "the menu leads there");
    let client_page = app.page(&provider, &format!("/clienten/{client}")).await;
    assert!(
        client_page.contains(&format!("href=\"/uitstroom/nieuw?client={client}\"")),
        "the client page offers the nomination"
    );
    let form = app
        .page(&provider, &format!("/uitstroom/nieuw?client={client}"))
        .await;
    assert!(
        form.contains("Voordracht voor uitstroom van Noor Verhuist"),
        "{form}"
    );
    assert!(
        form.contains(&format!("<option value=\"{stay}\">")),
        "the stay to choose: {form}"
    );
    assert!(form.contains("value=\"2026-01-12\""), "today by default");
    assert_unique_ids("/uitstroom/nieuw", &form);

    let path = nominate_on_page(&app, &provider, client, stay).await;
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "voordracht-uitstroom", "geslaagd")
    );
    assert_eq!(row.client_id, Some(client));
    assert!(
        !row.details.contains("Verhuist"),
        "no personal details in the audit row"
    );
    assert_eq!(
        Some(path.trim_start_matches("/uitstroom/")),
        row.object_id.as_deref()
    );

    let html = app.page(&provider, &path).await;
    assert!(
        html.contains("<h1>Voordracht van Noor Verhuist</h1>"),
        "{html}"
    );
    assert!(html.contains("Pact voor uitstroom") && html.contains("Hilversum"));
    assert!(html.contains("norm van 6 maanden"), "{html}");
    assert!(
        html.contains("Beschermd wonen intramuraal bij Kwintes"),
        "{html}"
    );
    assert!(html.contains("<legend class=\"zt-legend\">Toewijzing</legend>"));
    assert!(html.contains("<legend class=\"zt-legend\">Nazorg en wonen</legend>"));
    let found = crate::usability::numeric_dates(&crate::usability::visible_text(&html));
    assert!(found.is_empty(), "dates as {found:?}");
    assert_unique_ids(&path, &html);

    let list = app.page(&provider, "/uitstroom").await;
    assert!(list.contains("<h1>Uitstroom: Pact voor uitstroom en urgentie</h1>"));
    assert!(
        list.contains(&format!("href=\"/clienten/{client}\">Noor Verhuist<")),
        "{list}"
    );
    assert!(list.contains(&format!("href=\"{path}\"")), "{list}");
    assert!(
        list.contains("1 voordracht<") && list.contains("Wacht op een woning"),
        "{list}"
    );
    assert!(list.contains("href=\"/uitstroom/nieuw\""));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "voordracht-uitstroom")
    );
    let found = crate::usability::numeric_dates(&crate::usability::visible_text(&list));
    assert!(found.is_empty(), "dates as {found:?}");

    // A second running nomination for the same client is refused at the form.
    let form_path = format!("/uitstroom/nieuw?client={client}");
    let csrf = app.csrf(&provider, &form_path).await;
    let resp = app
        .post_form(
            &provider,
            &form_path,
            &csrf,
            &[
                ("route", "urgentie"),
                ("uitstroomUit", "bw"),
                ("gemeente", "GM0402"),
                ("voordrachtdatum", "2026-01-07"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("al een lopende voordracht")
    );
}

#[tokio::test]
async fn outflow_pages_a_wrong_nomination_is_named_at_its_fields_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (client, _) = placed_with_kwintes(&app).await;
    let provider = app.login("aanbieder.kwintes").await;
    let path = format!("/uitstroom/nieuw?client={client}");
    let csrf = app.csrf(&provider, &path).await;
    let before = app.audit(1).await[0].seq;
    let resp = app
        .post_form(
            &provider,
            &path,
            &csrf,
            &[
                ("route", ""),
                ("uitstroomUit", "bw"),
                ("gemeente", ""),
                ("voordrachtdatum", "2030-01-01"),
                ("sleuteldatum", "morgen"),
                ("toelichting", "Mijn toelichting blijft staan"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for field in ["route", "gemeente", "voordrachtdatum"] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(
        html.contains("Een voordracht ligt niet in de toekomst"),
        "{html}"
    );
    assert!(
        html.contains("Kies Pact voor uitstroom of urgentie"),
        "{html}"
    );
    assert!(
        html.contains("Mijn toelichting blijft staan"),
        "the input is kept"
    );
    let rows = app.audit(10).await;
    assert!(
        rows.iter()
            .all(|r| r.seq <= before || r.object_type != "voordracht-uitstroom"),
        "nothing recorded"
    );
    let list = app.page(&provider, "/uitstroom").await;
    assert!(list.contains("0 voordrachten<"), "{list}");

    // Bad addresses get a Dutch page, never a crash.
    for (path, status, text) in [
        (
            "/uitstroom/abc",
            StatusCode::NOT_FOUND,
            "Pagina niet gevonden",
        ),
        ("/uitstroom/999999", StatusCode::NOT_FOUND, "bestaat niet"),
        (
            "/uitstroom/nieuw?client=abc",
            StatusCode::NOT_FOUND,
            "bestaat niet",
        ),
        (
            "/uitstroom/nieuw?client=999999",
            StatusCode::NOT_FOUND,
            "bestaat niet",
        ),
        (
            "/uitstroom?peildatum=gisteren",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
        (
            "/uitstroom?pagina=twee",
            StatusCode::BAD_REQUEST,
            "paginanummer",
        ),
        (
            "/uitstroom?status=klaar",
            StatusCode::BAD_REQUEST,
            "kies wachtend, toegewezen of ingetrokken",
        ),
        (
            "/uitstroom?gemeente=Haarlem",
            StatusCode::BAD_REQUEST,
            "gemeente",
        ),
        (
            "/uitstroom?status=wachtend&status=toegewezen",
            StatusCode::BAD_REQUEST,
            "ongeldige zoekvraag",
        ),
        (
            "/uitstroom/afspraken?bekendOp=31-02-2026",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
    ] {
        let resp = provider.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), status, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\">"), "{path}: {html}");
        assert!(html.contains(text), "{path}: {html}");
    }
}

#[tokio::test]
async fn outflow_pages_the_manager_records_the_allocation_and_the_provider_may_not() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (client, stay) = placed_with_kwintes(&app).await;
    let provider = app.login("aanbieder.kwintes").await;
    let path = nominate_on_page(&app, &provider, client, stay).await;
    // The next day (signed in again after the night).
    app.clock.advance(chrono::Duration::days(1));
    let provider = app.login("aanbieder.kwintes").await;
    let dudok = super::outflow::corporation_id(&app, "Dudok Wonen")
        .await
        .to_string();
    let allocation = |version: &str| {
        let stay = stay.to_string();
        vec![
            ("versie".to_string(), version.to_string()),
            ("route".into(), "pact".into()),
            ("uitstroomUit".into(), "bw".into()),
            ("verblijfId".into(), stay),
            ("gemeente".into(), "GM0402".into()),
            ("voordrachtdatum".into(), "2026-01-06".into()),
            ("toelichting".into(), "Klaar voor een eigen woning".into()),
            ("corporatieId".into(), dudok.clone()),
            ("adresgemeente".into(), "GM0402".into()),
            ("sleuteldatum".into(), "2026-01-10".into()),
        ]
    };

    // The provider may not record the allocation: refused at the form.
    let html = app.page(&provider, &path).await;
    assert!(html.contains("Toewijzing en intrekking legt alleen de wachtlijstbeheerder"));
    let version = hidden_version(&html);
    let fields = allocation(&version);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = app
        .post_form(&provider, &path, &csrf_from(&html), &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let refused = resp.text().await.unwrap();
    assert!(
        refused.contains("alleen de wachtlijstbeheerder van de regio legt Pact-afspraken, toewijzingen en intrekkingen vast"),
        "{refused}"
    );
    let row = app
        .audit(20)
        .await
        .into_iter()
        .find(|r| r.object_type == "voordracht-uitstroom" && r.action == "gewijzigd")
        .unwrap();
    assert_eq!(row.outcome, "geweigerd");
    let list = app.page(&provider, "/uitstroom").await;
    let table = table_after(&list, "1 voordracht");
    assert!(
        table.contains("Wacht op een woning") && !table.contains("Woning toegewezen"),
        "{table}"
    );

    // The regional manager records it.
    let manager = app.login("wachtlijst.gv").await;
    let html = app.page(&manager, &path).await;
    assert!(
        !html.contains("Toewijzing en intrekking legt alleen"),
        "no such hint for the manager"
    );
    let resp = app
        .post_form(&manager, &path, &csrf_from(&html), &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), format!("{path}?melding=opgeslagen"));
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("gewijzigd", "voordracht-uitstroom", "geslaagd")
    );
    assert_eq!(row.client_id, Some(client));
    assert!(row.details.contains("toegewezen"), "{}", row.details);

    // The page: allocated within the target, both versions, and the stay
    // that still runs is to be ended.
    let html = app.page(&manager, &path).await;
    assert!(
        html.contains("Woning toegewezen (sleutel op 10 januari 2026)"),
        "{html}"
    );
    assert!(
        html.contains("4 dagen van voordracht tot sleutel; binnen de norm van 6 maanden"),
        "{html}"
    );
    assert!(html.contains("Dudok Wonen"));
    assert!(html.contains("Zelfstandig via Pact of urgentie"), "{html}");
    assert!(
        html.contains(&format!("href=\"/verblijven/{stay}\">Naar het verblijf")),
        "{html}"
    );
    let versions = table_after(&html, "Versies van deze voordracht");
    assert_eq!(
        versions.matches("<tr>").count(),
        3,
        "a header and two versions: {versions}"
    );
    // The stale version of the provider's form is refused, the input kept.
    let resp = app
        .post_form(&manager, &path, &csrf_from(&html), &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Iemand anders heeft dit gegeven gewijzigd")
    );
    // As known before the allocation, it was waiting.
    let then = app
        .page(&manager, &format!("{path}?bekendOp=2026-01-12"))
        .await;
    assert!(
        then.contains("zoals zothuis die kende op 12 januari 2026"),
        "{then}"
    );
    assert!(
        then.contains("Wacht op een woning") && !then.contains("Dudok Wonen"),
        "{then}"
    );
    assert!(
        !then.contains("id=\"wijzigen\""),
        "no form on an earlier state"
    );

    let list = app.page(&manager, "/uitstroom?status=toegewezen").await;
    let table = table_after(&list, "1 voordracht");
    assert!(
        table.contains("Noor Verhuist") && table.contains("Woning toegewezen"),
        "{table}"
    );
    assert!(table.contains("10 januari 2026"), "the key date: {table}");
    assert!(
        table.contains("<td class=\"zt-num\">4</td>"),
        "waited until the key: {table}"
    );
    let waiting = app.page(&manager, "/uitstroom?status=wachtend").await;
    assert!(!waiting.contains("Noor Verhuist"), "{waiting}");
    // On a peildatum before the key, it was still waiting.
    let before = app
        .page(&manager, "/uitstroom?status=wachtend&peildatum=2026-01-08")
        .await;
    assert!(before.contains("Noor Verhuist"), "{before}");
}

#[tokio::test]
async fn outflow_pages_a_policy_adviser_reads_no_nominations() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let (client, stay) = placed_with_kwintes(&app).await;
    let provider = app.login("aanbieder.kwintes").await;
    let path = nominate_on_page(&app, &provider, client, stay).await;
    let adviser = app.login("beleid.gv").await;
    let home = app.page(&adviser, "/").await;
    assert!(!home.contains("href=\"/uitstroom\""), "not in the menu");
    let resp = adviser.get(app.url("/uitstroom")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let html = resp.text().await.unwrap();
    assert!(html.contains("geen toegang"), "{html}");
    assert!(!html.contains("Noor Verhuist"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.outcome.as_str()),
        ("voordracht-uitstroom", "geweigerd")
    );
    let resp = adviser.get(app.url(&path)).send().await.unwrap();
    assert!(
        matches!(resp.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        resp.status()
    );
    assert!(!resp.text().await.unwrap().contains("Noor Verhuist"));
    let resp = adviser
        .get(app.url(&format!("/uitstroom/nieuw?client={client}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // The agreements hold no personal data: they may read those.
    let resp = adviser
        .get(app.url("/uitstroom/afspraken"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(!resp.text().await.unwrap().contains("id=\"afspraak\""));
}
