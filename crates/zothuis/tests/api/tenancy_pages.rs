//! The pages of Huren Onder Voorwaarden (HOV): the municipality's Wmo
//! consultant records a trajectory, ends it with its result and finds the
//! earlier version in its history; mistakes are named at their fields; the
//! supporting provider sees it, other providers and consultants of other
//! municipalities do not, and roles outside the covenant are refused.

use reqwest::{Client, StatusCode};
use zothuis_testkit::{
    TestApp, assert_heading_order, assert_labelled, assert_unique_ids, csrf_from, hidden_version,
    location, spawn_app, table_after,
};

/// The demo clock's day (see `TestApp`).
const TODAY: &str = "2026-01-12";
const TENANT: &str = "J. de Vries";
const CORPORATION: &str = "Woningstichting Het Gooi en Omstreken";
/// The demo's ids of its Gooi en Vechtstreek corporations.
const GOOI: &str = "1";
const DUDOK: &str = "2";
const NAV: &str = "class=\"zt-nav__link\" href=\"/hov\"";

/// The value of the option with this label in a page's selects.
fn option_value(html: &str, label: &str) -> String {
    let marker = format!(">{label}</option>");
    let end = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no option {label}: {html}"));
    let start = html[..end].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..end].split('"').next().unwrap().to_string()
}

/// The id of the provider Kwintes, as the form offers it.
async fn kwintes(app: &TestApp, browser: &Client) -> String {
    option_value(&app.page(browser, "/hov/nieuw").await, "Kwintes")
}

/// The consultant of Huizen records a trajectory supported by Kwintes on
/// the form; returns its path.
async fn record(app: &TestApp, consultant: &Client) -> String {
    let form = app.page(consultant, "/hov/nieuw").await;
    let provider = option_value(&form, "Kwintes");
    let corporation = option_value(&form, CORPORATION);
    let resp = app
        .post_form(
            consultant,
            "/hov/nieuw",
            &csrf_from(&form),
            &[
                ("huurder", TENANT),
                ("gemeente", "GM0406"),
                ("corporatieId", &corporation),
                ("aanbiederId", &provider),
                ("aanleiding", "huurachterstand"),
                ("startdatum", "2025-11-03"),
                ("toelichting", "Afspraken over aflossing"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=hov-vastgelegd"), "{to}");
    to.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn tenancy_pages_the_consultant_records_a_trajectory_and_ends_it_with_its_result() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.login("consulent.huizen").await;
    let home = app.page(&consultant, "/").await;
    assert!(
        home.contains(&format!("{NAV}>Huren Onder Voorwaarden<")),
        "the menu leads there: {home}"
    );

    let form = app.page(&consultant, "/hov/nieuw").await;
    assert!(form.contains("<h1>Nieuw HOV-traject</h1>"), "{form}");
    assert!(
        form.contains("<option value=\"GM0406\" selected>Huizen</option>"),
        "the consultant's own municipality by default: {form}"
    );
    assert!(
        form.contains("naam of initialen, hoogstens 120 tekens"),
        "the minimum is asked for: {form}"
    );
    assert!(form.contains(&format!(
        "id=\"veld-startdatum\" name=\"startdatum\" value=\"{TODAY}\""
    )));
    assert!(form.contains("<option value=\"huurachterstand\">Huurachterstand</option>"));
    assert!(
        form.contains(
            "<option value=\"uitstroom\">Uitstroom uit beschermd wonen of opvang</option>"
        )
    );
    assert!(
        form.contains("— geen begeleidende aanbieder —") && form.contains(">Kwintes</option>"),
        "{form}"
    );
    assert!(
        !form.contains("id=\"veld-eindresultaat\""),
        "a new trajectory has not ended"
    );
    assert_unique_ids("/hov/nieuw", &form);
    assert_labelled("/hov/nieuw", &form);
    assert_heading_order("/hov/nieuw", &form);

    // Recorded: the audit row names the municipality, not the tenant.
    let path = record(&app, &consultant).await;
    let id = path.trim_start_matches("/hov/").to_string();
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.actor_name.as_str()
        ),
        ("aangemaakt", "hov-traject", "geslaagd", "consulent.huizen")
    );
    assert!(row.details.contains("GM0406"), "{}", row.details);
    assert!(
        !row.details.contains("de Vries"),
        "no tenant in the audit row: {}",
        row.details
    );

    let html = app
        .page(&consultant, &format!("{path}?melding=hov-vastgelegd"))
        .await;
    assert!(html.contains("Het HOV-traject is vastgelegd."), "{html}");
    assert!(html.contains(&format!("<h1>HOV-traject: {TENANT}</h1>")));
    for fact in [
        "<dd>Huizen</dd>",
        &format!("<dd>{CORPORATION}</dd>"),
        "<dd>Kwintes</dd>",
        "<dd>Huurachterstand</dd>",
        "<dd>Loopt sinds 3 november 2025</dd>",
        "<dd>Afspraken over aflossing</dd>",
    ] {
        assert!(html.contains(fact), "{fact}: {html}");
    }
    assert!(html.contains("<h2>Traject wijzigen of beëindigen</h2>"));
    assert!(html.contains("<legend class=\"zt-legend\">Beëindigen</legend>"));
    assert!(html.contains("<option value=\"huisuitzetting\">Huisuitzetting</option>"));
    assert_unique_ids(&path, &html);
    assert_labelled(&path, &html);
    assert_heading_order(&path, &html);
    let found = crate::usability::numeric_dates(&crate::usability::visible_text(&html));
    assert!(found.is_empty(), "dates as {found:?}");
    let read = app.last_audit().await;
    assert_eq!(
        (
            read.action.as_str(),
            read.object_type.as_str(),
            read.object_id.as_deref()
        ),
        ("bekeken", "hov-traject", Some(id.as_str()))
    );

    // The list: the trajectory, running.
    let list = app.page(&consultant, "/hov").await;
    assert!(list.contains("<h1>Huren Onder Voorwaarden</h1>"), "{list}");
    assert!(list.contains("href=\"/hov/nieuw\">Nieuw HOV-traject"));
    for column in [
        "Huurder",
        "Gemeente",
        "Corporatie",
        "Begeleiding",
        "Aanleiding",
        "Start",
        "Einde",
        "Eindresultaat",
    ] {
        assert!(
            list.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}: {list}"
        );
    }
    let row_html = list
        .split(&format!("href=\"{path}\">{TENANT}<"))
        .nth(1)
        .expect("the trajectory in the list")
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row_html.contains("Huizen")
            && row_html.contains(CORPORATION)
            && row_html.contains("Kwintes")
            && row_html.contains("Huurachterstand")
            && row_html.contains("3 november 2025")
            && row_html.contains("loopt nog"),
        "{row_html}"
    );
    assert!(list.contains("<caption>"), "{list}");
    assert_labelled("/hov", &list);
    assert_heading_order("/hov", &list);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "hov-traject")
    );
    assert!(row.details.contains(&id), "{}", row.details);

    // The next day (signed in again after the night), ended with its
    // result.
    app.clock.advance(chrono::Duration::days(1));
    let consultant = app.login("consulent.huizen").await;
    let html = app.page(&consultant, &path).await;
    let provider = kwintes(&app, &consultant).await;
    let resp = app
        .post_form(
            &consultant,
            &path,
            &csrf_from(&html),
            &[
                ("versie", &hidden_version(&html)),
                ("huurder", TENANT),
                ("gemeente", "GM0406"),
                ("corporatieId", GOOI),
                ("aanbiederId", &provider),
                ("aanleiding", "huurachterstand"),
                ("startdatum", "2025-11-03"),
                ("toelichting", "Afspraken over aflossing"),
                ("einddatum", "2026-01-12"),
                ("eindresultaat", "huur-op-naam"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), format!("{path}?melding=opgeslagen"));
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str(),
            row.object_id.as_deref()
        ),
        ("gewijzigd", "hov-traject", "geslaagd", Some(id.as_str()))
    );
    assert!(row.details.contains("huur-op-naam"), "{}", row.details);

    let html = app.page(&consultant, &path).await;
    assert!(
        html.contains(
            "Beëindigd op 12 januari 2026 (Regulier afgerond: huurcontract op eigen naam)"
        ),
        "{html}"
    );
    let versions = table_after(&html, "Versies van dit traject");
    assert_eq!(
        versions.matches("<tr>").count(),
        3,
        "a header and two versions: {versions}"
    );
    assert!(
        versions.contains("loopt nog")
            && versions.contains("12 januari 2026 (Regulier afgerond: huurcontract op eigen naam)"),
        "the earlier, running version and the ending: {versions}"
    );
    assert_eq!(
        versions.matches("consulent.huizen").count(),
        2,
        "who recorded each: {versions}"
    );

    // Ended, it is no longer among the running ones; as known before the
    // end was recorded, it was.
    let running = app.page(&consultant, "/hov?lopend=ja").await;
    assert!(!running.contains(TENANT), "ended: {running}");
    assert!(
        running.contains("id=\"veld-lopend\" name=\"lopend\" value=\"ja\" checked"),
        "the filter stays ticked"
    );
    let then = app
        .page(&consultant, "/hov?lopend=ja&bekendOp=2026-01-12")
        .await;
    assert!(
        then.contains("zoals zothuis die kende op 12 januari 2026"),
        "{then}"
    );
    assert!(then.contains(TENANT), "running as known then: {then}");
    let earlier = app.page(&consultant, "/hov?bekendOp=2026-01-11").await;
    assert!(!earlier.contains(TENANT), "not yet recorded then");
    let before = app
        .page(&consultant, &format!("{path}?bekendOp=2026-01-12"))
        .await;
    assert!(before.contains("Loopt sinds 3 november 2025"), "{before}");
    assert!(
        !before.contains("id=\"wijzigen\""),
        "no form on an earlier state"
    );
    let read = app.last_audit().await;
    assert_eq!(
        (read.action.as_str(), read.object_id.as_deref()),
        ("bekeken", Some(id.as_str()))
    );
    assert!(read.details.contains("2026-01-12"), "{}", read.details);
}

#[tokio::test]
async fn tenancy_pages_mistakes_are_named_at_their_fields_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.login("consulent.huizen").await;
    let csrf = app.csrf(&consultant, "/hov/nieuw").await;
    let before = app.audit(1).await[0].seq;
    let too_long = "x".repeat(121);
    let resp = app
        .post_form(
            &consultant,
            "/hov/nieuw",
            &csrf,
            &[
                ("huurder", &too_long),
                ("gemeente", ""),
                ("corporatieId", ""),
                ("aanleiding", "ruzie"),
                ("startdatum", "2030-01-01"),
                ("toelichting", "Mijn toelichting blijft staan"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Er is iets niet in orde"), "{html}");
    for (field, message) in [
        ("huurder", "Houd het bij het minimum: hoogstens 120 tekens"),
        ("gemeente", "Kies de gemeente waar de woning staat"),
        (
            "corporatieId",
            "Vul de woningcorporatie van het convenant in",
        ),
        ("aanleiding", "Kies de aanleiding uit de lijst"),
        ("startdatum", "Een traject begint niet in de toekomst"),
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(html.contains("Mijn toelichting blijft staan"), "kept");
    assert!(
        html.contains(&format!("value=\"{too_long}\"")),
        "the tenant as typed"
    );
    assert!(html.contains("id=\"veld-startdatum\" name=\"startdatum\" value=\"2030-01-01\""));
    assert_unique_ids("/hov/nieuw", &html);
    assert_labelled("/hov/nieuw", &html);

    // A provider that is not on the list, with the rest filled in well.
    let good = [
        ("huurder", "Anna Proef"),
        ("gemeente", "GM0406"),
        ("corporatieId", DUDOK),
        ("aanleiding", "overlast"),
        ("startdatum", "2026-01-05"),
    ];
    for provider in ["abc", "999999"] {
        let mut fields = good.to_vec();
        fields.push(("aanbiederId", provider));
        let resp = app
            .post_form(&consultant, "/hov/nieuw", &csrf, &fields)
            .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{provider}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("href=\"#veld-aanbiederId\""), "{html}");
        assert!(html.contains("Kies een aanbieder uit de lijst"), "{html}");
        assert!(
            html.contains("<option value=\"2\" selected>Dudok Wonen</option>"),
            "kept"
        );
    }
    // A home in another municipality than the consultant's: refused, at the
    // field, with the input kept.
    let mut fields = good.to_vec();
    fields[1] = ("gemeente", "GM0402");
    let resp = app
        .post_form(&consultant, "/hov/nieuw", &csrf, &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"#veld-gemeente\""), "{html}");
    assert!(html.contains("Kies uw eigen gemeente"), "{html}");
    assert!(html.contains("<option value=\"GM0402\" selected>Hilversum</option>"));
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "hov-traject", "geweigerd")
    );
    // An empty form.
    let resp = app.post_form(&consultant, "/hov/nieuw", &csrf, &[]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for field in [
        "huurder",
        "gemeente",
        "corporatieId",
        "aanleiding",
        "startdatum",
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(
        app.audit(30)
            .await
            .iter()
            .all(|r| r.seq <= before || r.outcome != "geslaagd" || r.action != "aangemaakt"),
        "nothing recorded"
    );
    let list = app.page(&consultant, "/hov").await;
    assert!(
        !list.contains("Anna Proef") && !list.contains("xxxxxxxx"),
        "{list}"
    );

    // A wrong change of a trajectory: at the form, the input kept.
    let path = record(&app, &consultant).await;
    let html = app.page(&consultant, &path).await;
    let version = hidden_version(&html);
    let resp = app
        .post_form(
            &consultant,
            &path,
            &csrf_from(&html),
            &[
                ("versie", &version),
                ("huurder", TENANT),
                ("gemeente", "GM0406"),
                ("corporatieId", GOOI),
                ("aanleiding", "huurachterstand"),
                ("startdatum", "2025-11-03"),
                ("einddatum", "2025-10-01"),
                ("toelichting", "Andere toelichting"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for (field, message) in [
        ("einddatum", "Een traject eindigt niet vóór het begon"),
        ("eindresultaat", "Kies hoe het traject eindigde"),
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(html.contains("Andere toelichting"), "kept");
    assert!(html.contains("value=\"2025-10-01\""), "kept");
    assert!(
        app.audit(20).await.iter().all(|r| r.action != "gewijzigd"),
        "nothing changed"
    );

    // A correction, then a form opened before it: the user is warned and
    // nothing more is written.
    let correct = [
        ("versie", version.as_str()),
        ("huurder", "J. de Vries-Bakker"),
        ("gemeente", "GM0406"),
        ("corporatieId", GOOI),
        ("aanleiding", "huurachterstand"),
        ("startdatum", "2025-11-03"),
    ];
    let resp = app
        .post_form(&consultant, &path, &csrf_from(&html), &correct)
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let mut stale = correct.to_vec();
    stale[1] = ("huurder", "J. Bakker");
    let resp = app
        .post_form(&consultant, &path, &csrf_from(&html), &stale)
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Iemand anders heeft dit gegeven gewijzigd"),
        "{html}"
    );
    assert!(
        html.contains("value=\"J. Bakker\""),
        "the input kept: {html}"
    );
    assert_ne!(hidden_version(&html), version, "the form's version now");
    assert_eq!(
        app.audit(20)
            .await
            .iter()
            .filter(|r| r.action == "gewijzigd" && r.outcome == "geslaagd")
            .count(),
        1,
        "one change"
    );
    let html = app.page(&consultant, &path).await;
    assert!(html.contains("<h1>HOV-traject: J. de Vries-Bakker</h1>"));
    assert!(!html.contains("J. Bakker<"), "{html}");

    // Bad addresses get a Dutch page, never a crash.
    for (path, status, text) in [
        ("/hov/abc", StatusCode::NOT_FOUND, "Pagina niet gevonden"),
        (
            "/hov/999999",
            StatusCode::NOT_FOUND,
            "Dit HOV-traject bestaat niet",
        ),
        (
            "/hov/-1",
            StatusCode::NOT_FOUND,
            "Dit HOV-traject bestaat niet",
        ),
        (
            "/hov?bekendOp=31-02-2026",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
        ("/hov?pagina=twee", StatusCode::BAD_REQUEST, "paginanummer"),
        (
            "/hov?lopend=misschien",
            StatusCode::BAD_REQUEST,
            "alleen lopende",
        ),
        (
            "/hov?lopend=ja&lopend=nee",
            StatusCode::BAD_REQUEST,
            "ongeldige zoekvraag",
        ),
        (
            "/hov/1?bekendOp=gisteren",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
    ] {
        let resp = consultant.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), status, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\">"), "{path}: {html}");
        assert!(html.contains(text), "{path}: {html}");
    }
    for path in ["/hov/abc", "/hov/999999"] {
        let resp = app
            .post_form(&consultant, path, &csrf, &[("versie", "x")])
            .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(resp.text().await.unwrap().contains("<html lang=\"nl\">"));
    }
}

#[tokio::test]
async fn tenancy_pages_only_the_consultant_and_the_supporting_provider_see_a_trajectory() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.login("consulent.huizen").await;
    let path = record(&app, &consultant).await;
    let id = path.trim_start_matches("/hov/").to_string();

    // The provider chosen for the support sees it in its list and on its
    // page, and may correct it.
    let provider = app.login("aanbieder.kwintes").await;
    let home = app.page(&provider, "/").await;
    assert!(home.contains(NAV), "in the provider's menu: {home}");
    let list = app.page(&provider, "/hov").await;
    assert!(
        list.contains(&format!("href=\"{path}\">{TENANT}<")),
        "{list}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.actor_name.as_str()
        ),
        ("lijst-bekeken", "hov-traject", "aanbieder.kwintes")
    );
    let html = app.page(&provider, &path).await;
    assert!(
        html.contains(&format!("<h1>HOV-traject: {TENANT}</h1>")),
        "{html}"
    );
    assert!(html.contains("id=\"wijzigen\""), "the provider's form");
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_id.as_deref(),
            row.actor_name.as_str()
        ),
        ("bekeken", Some(id.as_str()), "aanbieder.kwintes")
    );
    // The provider's form offers its own support by default; a trajectory
    // it would not support is refused at that field.
    let form = app.page(&provider, "/hov/nieuw").await;
    let kwintes = option_value(&form, "Kwintes");
    assert!(
        form.contains(&format!(
            "<option value=\"{kwintes}\" selected>Kwintes</option>"
        )),
        "{form}"
    );
    let fields = [
        ("huurder", "Piet Proef"),
        ("gemeente", "GM0402"),
        ("corporatieId", DUDOK),
        ("aanleiding", "uitstroom"),
        ("startdatum", "2026-01-02"),
        ("aanbiederId", ""),
    ];
    let resp = app
        .post_form(&provider, "/hov/nieuw", &csrf_from(&form), &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"#veld-aanbiederId\""), "{html}");
    assert!(html.contains("Kies uw eigen organisatie"), "{html}");
    let mut fields = fields.to_vec();
    fields[5] = ("aanbiederId", &kwintes);
    let resp = app
        .post_form(&provider, "/hov/nieuw", &csrf_from(&form), &fields)
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let hilversum_path = location(&resp).split('?').next().unwrap().to_string();

    // Another provider, and consultants of another municipality, do not.
    for user in ["aanbieder.ribw", "consulent.hilversum", "consulent.velsen"] {
        let browser = app.login(user).await;
        let home = app.page(&browser, "/").await;
        assert!(home.contains(NAV), "{user}: their own list");
        let list = app.page(&browser, "/hov").await;
        assert!(list.contains("<h1>Huren Onder Voorwaarden</h1>"), "{user}");
        assert!(!list.contains(TENANT), "{user}: {list}");
        let resp = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{user}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("Dit HOV-traject bestaat niet"), "{html}");
        assert!(!html.contains("de Vries"), "{user}");
        let csrf = csrf_from(&list);
        let resp = app
            .post_form(&browser, &path, &csrf, &[("versie", "1")])
            .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{user}");
    }
    // The trajectory the provider recorded in Hilversum is the Hilversum
    // consultant's, not the Huizen one's.
    let hilversum = app.login("consulent.hilversum").await;
    assert!(app.page(&hilversum, "/hov").await.contains("Piet Proef"));
    assert!(
        app.page(&hilversum, &hilversum_path)
            .await
            .contains("<h1>HOV-traject: Piet Proef</h1>")
    );
    assert!(!app.page(&consultant, "/hov").await.contains("Piet Proef"));

    // Roles outside the covenant: not in the menu, refused, audited.
    for user in ["beleid.gv", "wachtlijst.gv", "zorgcoordinatie.gv"] {
        let browser = app.login(user).await;
        let home = app.page(&browser, "/").await;
        assert!(!home.contains("href=\"/hov\""), "{user}: not in the menu");
        assert!(!home.contains("Huren Onder Voorwaarden"), "{user}");
        let resp = browser.get(app.url("/hov")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\">"), "{user}: {html}");
        assert!(
            html.contains(
                "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder zien HOV-trajecten"
            ),
            "{user}: {html}"
        );
        assert!(!html.contains("de Vries"), "{user}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str(),
                row.actor_name.as_str()
            ),
            ("lijst-bekeken", "hov-traject", "geweigerd", user)
        );
        let resp = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user} {path}");
        assert!(!resp.text().await.unwrap().contains("de Vries"));
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.outcome.as_str(),
                row.object_id.as_deref()
            ),
            ("bekeken", "geweigerd", Some(id.as_str())),
            "{user}"
        );
        let resp = browser.get(app.url("/hov/nieuw")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}");
        let csrf = app.csrf(&browser, "/account").await;
        let resp = app
            .post_form(
                &browser,
                "/hov/nieuw",
                &csrf,
                &[
                    ("huurder", "Xander Buiten"),
                    ("gemeente", "GM0406"),
                    ("corporatieId", DUDOK),
                    ("aanleiding", "overlast"),
                    ("startdatum", "2026-01-05"),
                ],
            )
            .await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}");
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str()
            ),
            ("aangemaakt", "hov-traject", "geweigerd"),
            "{user}"
        );
    }
}
