//! The pages of zorgcoördinatie (bemoeizorg): the region's outreach team
//! records a first melding, adds a second, closes the trajectory with its
//! outcome and finds it no longer among the open ones; mistakes are named at
//! their fields; nobody outside the team reads the register.

use reqwest::{Client, StatusCode};
use zothuis_testkit::{
    TestApp, assert_heading_order, assert_labelled, assert_unique_ids, csrf_from, hidden_version,
    location, spawn_app, table_after,
};

/// The demo clock's day (see `TestApp`): meldingen are dated on or before it.
const TODAY: &str = "2026-01-12";
const PERSON: &str = "Man, ca. 50, slaapt in het Oosterpark";

/// The team records a first melding on the page; returns the trajectory's
/// path.
async fn first_melding(app: &TestApp, team: &Client) -> String {
    let csrf = app.csrf(team, "/zorgcoordinatie/nieuw").await;
    let resp = app
        .post_form(
            team,
            "/zorgcoordinatie/nieuw",
            &csrf,
            &[
                ("persoon", PERSON),
                ("gemeente", "GM0402"),
                ("meldingsdatum", "2026-01-05"),
                ("bron", "buren"),
                ("toelichting", "Buren maken zich zorgen"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=traject-geopend"), "{to}");
    to.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn outreach_pages_the_team_records_meldingen_and_closes_the_trajectory() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.login("zorgcoordinatie.gv").await;
    let home = app.page(&team, "/").await;
    assert!(
        home.contains("class=\"zt-nav__link\" href=\"/zorgcoordinatie\""),
        "the menu leads there: {home}"
    );
    assert!(
        !home.contains("href=\"/clienten\""),
        "the team sees no clients"
    );
    assert!(!home.contains("href=\"/beleid\""), "nor the policy plan");

    let form = app.page(&team, "/zorgcoordinatie/nieuw").await;
    assert!(form.contains("<h1>Nieuwe melding</h1>"), "{form}");
    assert!(form.contains("initialen of een korte omschrijving"));
    assert!(
        form.contains(&format!(
            "id=\"veld-meldingsdatum\" name=\"meldingsdatum\" value=\"{TODAY}\""
        )),
        "today by default: {form}"
    );
    assert!(
        form.contains("<option value=\"GM0406\">Huizen</option>")
            && !form.contains("value=\"GM0392\""),
        "the region's municipalities only: {form}"
    );
    assert!(form.contains("<option value=\"huisarts\">Huisarts</option>"));
    assert_unique_ids("/zorgcoordinatie/nieuw", &form);
    assert_labelled("/zorgcoordinatie/nieuw", &form);
    assert_heading_order("/zorgcoordinatie/nieuw", &form);

    // The first melding opens the trajectory; the audit row names no one.
    let path = first_melding(&app, &team).await;
    let id = path.trim_start_matches("/zorgcoordinatie/").to_string();
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "zorgcoordinatie", "geslaagd")
    );
    assert_eq!(row.actor_name, "zorgcoordinatie.gv");
    assert!(
        !row.details.contains("Oosterpark") && !row.details.contains("Man, ca."),
        "no description of the person in the audit row: {}",
        row.details
    );
    assert!(row.details.contains("GM0402"), "{}", row.details);

    let html = app
        .page(&team, &format!("{path}?melding=traject-geopend"))
        .await;
    assert!(html.contains("het traject is geopend"), "{html}");
    assert!(
        html.contains(&format!("<h1>Traject: {PERSON}</h1>")),
        "{html}"
    );
    assert!(html.contains("Hilversum") && html.contains("5 januari 2026"));
    assert!(html.contains("Buren maken zich zorgen"));
    assert!(html.contains("<h2>Melding toevoegen</h2>"));
    assert!(html.contains("<h2>Traject wijzigen of afsluiten</h2>"));
    assert!(html.contains("<legend class=\"zt-legend\">Afsluiten</legend>"));
    assert!(
        !html.contains("Nieuwe melding voor deze persoon"),
        "not while it is open"
    );
    let meldingen = table_after(&html, "Meldingen in dit traject");
    assert!(
        meldingen.contains("Buren of omgeving") && meldingen.contains("zorgcoordinatie.gv"),
        "{meldingen}"
    );
    assert_unique_ids(&path, &html);
    assert_labelled(&path, &html);
    assert_heading_order(&path, &html);
    let found = crate::usability::numeric_dates(&crate::usability::visible_text(&html));
    assert!(found.is_empty(), "dates as {found:?}");
    let read = app
        .audit(5)
        .await
        .into_iter()
        .find(|r| r.action == "bekeken" && r.object_type == "zorgcoordinatie")
        .expect("the read is audited");
    assert_eq!(read.object_id.as_deref(), Some(id.as_str()));

    // A second melding, a day later, on the trajectory's page.
    let csrf = csrf_from(&html);
    let resp = app
        .post_form(
            &team,
            &format!("{path}/melding"),
            &csrf,
            &[("meldingsdatum", "2026-01-08"), ("bron", "politie")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&resp),
        format!("{path}?melding=melding-toegevoegd")
    );
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.outcome.as_str()
        ),
        ("aangemaakt", "melding-zorgcoordinatie", "geslaagd")
    );
    assert!(row.details.contains("politie"), "{}", row.details);
    let html = app.page(&team, &path).await;
    let meldingen = table_after(&html, "Meldingen in dit traject (2 meldingen)");
    assert!(meldingen.contains("Politie"), "{meldingen}");

    // The next day (signed in again after the night), closed with its
    // outcome.
    app.clock.advance(chrono::Duration::days(1));
    let team = app.login("zorgcoordinatie.gv").await;
    let html = app.page(&team, &path).await;
    let csrf = csrf_from(&html);
    let version = hidden_version(&html);
    let resp = app
        .post_form(
            &team,
            &path,
            &csrf,
            &[
                ("versie", &version),
                ("persoon", PERSON),
                ("gemeente", "GM0402"),
                ("startdatum", "2026-01-05"),
                ("toelichting", "Buren maken zich zorgen"),
                ("afgeslotenOp", "2026-01-10"),
                ("uitkomst", "toegeleid"),
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
            row.outcome.as_str()
        ),
        ("gewijzigd", "zorgcoordinatie", "geslaagd")
    );
    assert_eq!(row.object_id.as_deref(), Some(id.as_str()));
    assert!(row.details.contains("toegeleid"), "{}", row.details);
    assert!(!row.details.contains("Oosterpark"), "{}", row.details);

    let html = app.page(&team, &path).await;
    assert!(
        html.contains("Afgesloten op 10 januari 2026 (Toegeleid naar passende zorg)"),
        "{html}"
    );
    let versions = table_after(&html, "Versies van dit traject");
    assert_eq!(
        versions.matches("<tr>").count(),
        3,
        "a header and two versions: {versions}"
    );
    // A closed trajectory leads to a new one for the same person.
    let person_id = html
        .split("href=\"/zorgcoordinatie/nieuw?persoon=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the link to a new melding for this person")
        .to_string();
    assert!(html.contains("Nieuwe melding voor deze persoon"));
    let again = app
        .page(
            &team,
            &format!("/zorgcoordinatie/nieuw?persoon={person_id}"),
        )
        .await;
    assert!(
        again.contains(&format!("value=\"{PERSON}\"")),
        "the description of the last trajectory: {again}"
    );
    assert!(again.contains("<option value=\"GM0402\" selected>Hilversum</option>"));

    // A melding after the closing belongs to a new trajectory.
    let resp = app
        .post_form(
            &team,
            &format!("{path}/melding"),
            &csrf,
            &[("meldingsdatum", "2026-01-11"), ("bron", "huisarts")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let refused = resp.text().await.unwrap();
    assert!(
        refused.contains(
            "Het traject was toen al afgesloten: een nieuwe melding opent een nieuw traject"
        ),
        "{refused}"
    );
    assert!(
        refused.contains("href=\"#veld-meldingsdatum\""),
        "{refused}"
    );
    assert!(
        refused.contains("value=\"2026-01-11\""),
        "the input is kept: {refused}"
    );
    assert!(
        app.audit(5)
            .await
            .iter()
            .all(|r| r.object_type != "melding-zorgcoordinatie"
                || r.details.contains("2026-01-08")),
        "nothing recorded"
    );

    // The list: all trajectories, then only the open ones.
    let list = app.page(&team, "/zorgcoordinatie").await;
    assert!(list.contains("<h1>Zorgcoördinatie</h1>"), "{list}");
    assert!(list.contains("href=\"/zorgcoordinatie/nieuw\">Nieuwe melding"));
    let table = table_after(&list, "1 traject");
    assert!(
        table.contains(&format!("href=\"{path}\">{PERSON}<"))
            && table.contains("Hilversum")
            && table.contains("5 januari 2026")
            && table.contains("10 januari 2026")
            && table.contains("Toegeleid naar passende zorg"),
        "{table}"
    );
    assert!(list.contains("<th scope=\"col\">Persoon</th>"));
    assert_labelled("/zorgcoordinatie", &list);
    assert_heading_order("/zorgcoordinatie", &list);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str()),
        ("lijst-bekeken", "zorgcoordinatie")
    );
    let open = app.page(&team, "/zorgcoordinatie?open=ja").await;
    assert!(open.contains("0 open trajecten<"), "{open}");
    assert!(!open.contains(PERSON), "closed: {open}");
    assert!(
        open.contains("id=\"veld-open\" name=\"open\" value=\"ja\" checked"),
        "the filter stays ticked"
    );
    // As known before the closing was recorded, it was open.
    let then = app
        .page(&team, "/zorgcoordinatie?open=ja&bekendOp=2026-01-12")
        .await;
    assert!(
        then.contains("zoals zothuis die kende op 12 januari 2026"),
        "{then}"
    );
    assert!(
        table_after(&then, "1 open traject").contains(PERSON),
        "{then}"
    );
    let earlier = app
        .page(&team, "/zorgcoordinatie?bekendOp=2026-01-11")
        .await;
    assert!(!earlier.contains(PERSON), "not yet recorded then");
    let before = app
        .page(&team, &format!("{path}?bekendOp=2026-01-12"))
        .await;
    assert!(before.contains("Open sinds 5 januari 2026"), "{before}");
    assert!(
        !before.contains("id=\"wijzigen\"") && !before.contains("id=\"melding\""),
        "no forms on an earlier state"
    );
    let elsewhere = app.page(&team, "/zorgcoordinatie?gemeente=GM0406").await;
    assert!(elsewhere.contains("0 trajecten in Huizen<"), "{elsewhere}");
}

#[tokio::test]
async fn outreach_pages_mistakes_are_named_at_their_fields_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.login("zorgcoordinatie.gv").await;
    let csrf = app.csrf(&team, "/zorgcoordinatie/nieuw").await;
    let before = app.audit(1).await[0].seq;
    let too_long = "x".repeat(121);
    let resp = app
        .post_form(
            &team,
            "/zorgcoordinatie/nieuw",
            &csrf,
            &[
                ("persoon", &too_long),
                ("gemeente", "GM0392"),
                ("meldingsdatum", "2030-01-01"),
                ("bron", "roddel"),
                ("toelichting", "Mijn toelichting blijft staan"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Er is iets niet in orde"));
    for (field, message) in [
        ("persoon", "Houd het bij het minimum: hoogstens 120 tekens"),
        ("meldingsdatum", "Een melding ligt niet in de toekomst"),
        ("bron", "Kies van wie de melding komt"),
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(message), "{message}: {html}");
    }
    assert_eq!(
        html.matches("href=\"#veld-meldingsdatum\"").count(),
        1,
        "the date's problem once, not again as the start date: {html}"
    );
    assert!(html.contains("Mijn toelichting blijft staan"), "kept");
    assert_unique_ids("/zorgcoordinatie/nieuw", &html);

    // A municipality of another region.
    let resp = app
        .post_form(
            &team,
            "/zorgcoordinatie/nieuw",
            &csrf,
            &[
                ("persoon", "J.V."),
                ("gemeente", "GM0392"),
                ("meldingsdatum", "2026-01-05"),
                ("bron", "buren"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Kies een gemeente van uw regio"), "{html}");
    assert!(html.contains("href=\"#veld-gemeente\""));
    // An empty form.
    let resp = app
        .post_form(&team, "/zorgcoordinatie/nieuw", &csrf, &[])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for field in ["persoon", "gemeente", "meldingsdatum", "bron"] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(
        html.contains("Kies de gemeente waar de persoon woont of verblijft"),
        "an unchosen select is asked for: {html}"
    );
    assert!(
        app.audit(20)
            .await
            .iter()
            .all(|r| r.seq <= before || r.action != "aangemaakt"),
        "nothing recorded"
    );
    let list = app.page(&team, "/zorgcoordinatie").await;
    assert!(list.contains("0 trajecten<"), "{list}");

    // A wrong change of a trajectory: at the form, the input kept.
    let path = first_melding(&app, &team).await;
    let html = app.page(&team, &path).await;
    let version = hidden_version(&html);
    let resp = app
        .post_form(
            &team,
            &path,
            &csrf_from(&html),
            &[
                ("versie", &version),
                ("persoon", ""),
                ("gemeente", "GM0402"),
                ("startdatum", "2026-01-05"),
                ("afgeslotenOp", "2026-01-04"),
                ("toelichting", "Andere toelichting"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    for (field, message) in [
        ("persoon", "Vul in aan wie de persoon te herkennen is"),
        ("afgeslotenOp", "Een traject sluit niet vóór het begon"),
        ("uitkomst", "Kies hoe het traject eindigde"),
    ] {
        assert!(
            html.contains(&format!("href=\"#veld-{field}\"")),
            "{field}: {html}"
        );
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(html.contains("Andere toelichting"), "kept");
    assert!(
        app.audit(20).await.iter().all(|r| r.action != "gewijzigd"),
        "nothing changed"
    );
    // A correction, then a form opened before it: the user is warned.
    let correct = [
        ("versie", version.as_str()),
        ("persoon", "M., ca. 50, Oosterpark"),
        ("gemeente", "GM0402"),
        ("startdatum", "2026-01-05"),
    ];
    let resp = app
        .post_form(&team, &path, &csrf_from(&html), &correct)
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = app
        .post_form(&team, &path, &csrf_from(&html), &correct)
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Iemand anders heeft dit gegeven gewijzigd"),
        "{html}"
    );
    assert_eq!(
        app.audit(20)
            .await
            .iter()
            .filter(|r| r.action == "gewijzigd" && r.outcome == "geslaagd")
            .count(),
        1,
        "one change"
    );

    // Bad addresses get a Dutch page, never a crash.
    for (path, status, text) in [
        (
            "/zorgcoordinatie/abc",
            StatusCode::NOT_FOUND,
            "Pagina niet gevonden",
        ),
        (
            "/zorgcoordinatie/999999",
            StatusCode::NOT_FOUND,
            "Dit traject bestaat niet",
        ),
        (
            "/zorgcoordinatie/-1",
            StatusCode::NOT_FOUND,
            "Dit traject bestaat niet",
        ),
        (
            "/zorgcoordinatie/nieuw?persoon=abc",
            StatusCode::NOT_FOUND,
            "niet bekend",
        ),
        (
            "/zorgcoordinatie/nieuw?persoon=999999",
            StatusCode::NOT_FOUND,
            "niet bekend",
        ),
        (
            "/zorgcoordinatie?bekendOp=31-02-2026",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
        (
            "/zorgcoordinatie?pagina=twee",
            StatusCode::BAD_REQUEST,
            "paginanummer",
        ),
        (
            "/zorgcoordinatie?open=misschien",
            StatusCode::BAD_REQUEST,
            "alleen open",
        ),
        (
            "/zorgcoordinatie?gemeente=Haarlem",
            StatusCode::BAD_REQUEST,
            "gemeente",
        ),
        (
            "/zorgcoordinatie?open=ja&open=nee",
            StatusCode::BAD_REQUEST,
            "ongeldige zoekvraag",
        ),
        (
            "/zorgcoordinatie/1?bekendOp=gisteren",
            StatusCode::BAD_REQUEST,
            "geen geldige datum",
        ),
    ] {
        let resp = team.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), status, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\">"), "{path}: {html}");
        assert!(html.contains(text), "{path}: {html}");
    }
    for (path, fields) in [
        ("/zorgcoordinatie/abc/melding", vec![("bron", "buren")]),
        ("/zorgcoordinatie/999999/melding", vec![("bron", "buren")]),
        ("/zorgcoordinatie/999999", vec![("versie", "x")]),
    ] {
        let resp = app.post_form(&team, path, &csrf, &fields).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(resp.text().await.unwrap().contains("<html lang=\"nl\">"));
    }
}

#[tokio::test]
async fn outreach_pages_nobody_outside_the_team_reads_the_register() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.login("zorgcoordinatie.gv").await;
    let path = first_melding(&app, &team).await;

    for user in ["wachtlijst.gv", "beleid.gv", "toegang.gv"] {
        let browser = app.login(user).await;
        let home = app.page(&browser, "/").await;
        assert!(
            !home.contains("href=\"/zorgcoordinatie\""),
            "{user}: not in the menu"
        );
        let resp = browser
            .get(app.url("/zorgcoordinatie"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}");
        let html = resp.text().await.unwrap();
        assert!(
            html.contains("alleen het team zorgcoördinatie van de regio"),
            "{user}: {html}"
        );
        assert!(!html.contains("Oosterpark"));
        let row = app.last_audit().await;
        assert_eq!(
            (
                row.action.as_str(),
                row.object_type.as_str(),
                row.outcome.as_str(),
                row.actor_name.as_str()
            ),
            ("lijst-bekeken", "zorgcoordinatie", "geweigerd", user)
        );
        for page in [path.as_str(), "/zorgcoordinatie/nieuw"] {
            let resp = browser.get(app.url(page)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user} {page}");
            assert!(!resp.text().await.unwrap().contains("Oosterpark"));
        }
        let csrf = app.csrf(&browser, "/account").await;
        let resp = app
            .post_form(
                &browser,
                &format!("{path}/melding"),
                &csrf,
                &[("meldingsdatum", "2026-01-06"), ("bron", "buren")],
            )
            .await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.outcome.as_str()),
            ("zorgcoordinatie", "geweigerd"),
            "{user}"
        );
    }

    // The team of the other region does not find it.
    let other = app.login("zorgcoordinatie.zkih").await;
    let home = app.page(&other, "/").await;
    assert!(
        home.contains("href=\"/zorgcoordinatie\""),
        "its own register"
    );
    let resp = other.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Dit traject bestaat niet"), "{html}");
    assert!(!html.contains("Oosterpark"));
    let list = app.page(&other, "/zorgcoordinatie").await;
    assert!(list.contains("0 trajecten<") && !list.contains("Oosterpark"));
    let form = app.page(&other, "/zorgcoordinatie/nieuw").await;
    assert!(
        form.contains("value=\"GM0392\"") && !form.contains("value=\"GM0402\""),
        "the municipalities of its own region: {form}"
    );
    let csrf = csrf_from(&form);
    let resp = app
        .post_form(
            &other,
            &format!("{path}/melding"),
            &csrf,
            &[("meldingsdatum", "2026-01-06"), ("bron", "buren")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Nor the person, by the id that groups the person's trajectories.
    let id: i64 = path
        .trim_start_matches("/zorgcoordinatie/")
        .parse()
        .unwrap();
    let person_id = app.store.trajectory_versions(id).await.unwrap()[0].person_id;
    let resp = other
        .get(app.url(&format!("/zorgcoordinatie/nieuw?persoon={person_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!resp.text().await.unwrap().contains("Oosterpark"));
}

/// On the trajectory's page the team retracts a melding recorded in error,
/// with a reason: a missing reason is named at its field, and afterwards the
/// melding is shown as retracted and no longer counted.
#[tokio::test]
async fn outreach_pages_a_melding_recorded_in_error_is_retracted_on_the_page() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.login("zorgcoordinatie.gv").await;
    let path = first_melding(&app, &team).await;
    let html = app.page(&team, &path).await;
    assert!(
        !html.contains("Melding intrekken"),
        "the only melding cannot be retracted"
    );
    let csrf = csrf_from(&html);
    let resp = app
        .post_form(
            &team,
            &format!("{path}/melding"),
            &csrf,
            &[("meldingsdatum", "2026-01-06"), ("bron", "politie")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = app.page(&team, &path).await;
    assert!(html.contains("Melding intrekken"), "{html}");
    assert_labelled(&path, &html);
    assert_unique_ids(&path, &html);
    let second = html
        .split("<option value=\"")
        .filter_map(|o| o.split('"').next())
        .filter_map(|v| v.parse::<i64>().ok())
        .max()
        .expect("the meldingen to choose from");
    let second = second.to_string();
    let resp = app
        .post_form(
            &team,
            &format!("{path}/intrekken"),
            &csrf,
            &[("meldingId", second.as_str()), ("reden", " ")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let refused = resp.text().await.unwrap();
    assert!(
        refused.contains("Vul in waarom de melding wordt ingetrokken"),
        "{refused}"
    );
    let resp = app
        .post_form(
            &team,
            &format!("{path}/intrekken"),
            &csrf,
            &[
                ("meldingId", second.as_str()),
                ("reden", "Dubbel ingevoerd"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = location(&resp);
    assert!(to.ends_with("?melding=melding-ingetrokken"), "{to}");
    let html = app.page(&team, &to).await;
    assert!(html.contains("De melding is ingetrokken"), "{html}");
    assert!(html.contains("Dubbel ingevoerd"), "{html}");
    assert!(
        html.contains("<dt>Aantal meldingen</dt><dd>1</dd>"),
        "{html}"
    );
    assert!(!html.contains("Melding intrekken"), "{html}");
}
