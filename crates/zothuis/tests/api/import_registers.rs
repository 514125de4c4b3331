//! The registers without clients, moved in from spreadsheets by whoever
//! keeps them on the screens: Pact agreements by the waitlist manager, HOV
//! trajectories by the Wmo consultant, zorgcoördinatie by the region's
//! team. Each shows in its own list, with one audit row per record and none
//! holding a name; a file with mistakes writes nothing; a table or a row
//! that is not the importer's is refused.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use zothuis_domain::audit::AuditRecord;
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, spawn_app};

const REGISTERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/import/voorbeeld-registers"
);
const CLIENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import/voorbeeld");

fn files(dir: &str, names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| (n.to_string(), std::fs::read(format!("{dir}/{n}")).unwrap()))
        .collect()
}

fn example(names: &[&str]) -> Vec<(String, Vec<u8>)> {
    files(REGISTERS, names)
}

fn text(name: &str, text: &str) -> (String, Vec<u8>) {
    (name.to_string(), text.as_bytes().to_vec())
}

const OUTREACH: [&str; 2] = [
    "zorgcoordinatie-trajecten.csv",
    "zorgcoordinatie-meldingen.csv",
];

/// `POST /api/v1/importen`: the status and the JSON answer.
async fn post(
    app: &TestApp,
    token: &str,
    files: &[(String, Vec<u8>)],
    dry_run: bool,
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "bestanden",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()),
        );
    }
    if dry_run {
        form = form.text("alleenControleren", "ja");
    }
    let r = Client::new()
        .post(app.url("/api/v1/importen"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// Every problem of a 422 as "bestand, regel r, kolom k: melding".
fn problems(body: &Value) -> Vec<String> {
    body["problemen"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|p| {
            format!(
                "{}, regel {}, kolom {}: {}",
                p["bestand"].as_str().unwrap(),
                p["regel"],
                p["kolom"].as_str().unwrap_or("-"),
                p["melding"].as_str().unwrap()
            )
        })
        .collect()
}

async fn all_audit(app: &TestApp) -> Vec<AuditRecord> {
    app.audit(100_000).await
}

/// The audit rows written since `before` rows, oldest first.
async fn audit_since(app: &TestApp, before: usize) -> Vec<AuditRecord> {
    let rows = all_audit(app).await;
    let mut new = rows[..rows.len() - before].to_vec();
    new.reverse();
    new
}

fn of_type<'a>(rows: &'a [AuditRecord], object_type: &str) -> Vec<&'a AuditRecord> {
    rows.iter()
        .filter(|r| r.object_type == object_type && r.outcome == "geslaagd")
        .collect()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body, _) = app.api_get(token, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn tenancy_count(app: &TestApp) -> usize {
    app.store
        .list_tenancies(&zothuis_domain::store::Tenancies::All, app.clock.now())
        .await
        .unwrap()
        .len()
}

async fn trajectory_count(app: &TestApp) -> usize {
    app.store
        .list_trajectories(None, app.clock.now())
        .await
        .unwrap()
        .len()
}

async fn quota_count(app: &TestApp) -> usize {
    app.store.quota_rows(None).await.unwrap().len()
}

#[tokio::test]
async fn the_waitlist_manager_imports_pact_agreements_together_with_clients() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let mut upload = example(&["pact-afspraken.csv"]);
    upload.extend(files(
        CLIENTS,
        &[
            "clienten.csv",
            "adressen.csv",
            "beschikkingen.csv",
            "wachtlijst.csv",
            "verblijven.csv",
        ],
    ));
    let quotas = quota_count(&app).await;

    let (status, checked) = post(&app, &manager, &upload, true).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["opgeslagen"], false);
    assert_eq!(checked["pactAfspraken"], 4);
    assert_eq!(checked["clienten"], 4);
    assert_eq!(quota_count(&app).await, quotas, "a check writes nothing");

    let before = all_audit(&app).await.len();
    let (status, done) = post(&app, &manager, &upload, false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["opgeslagen"], true);
    assert_eq!(done["pactAfspraken"], 4);
    assert_eq!(done["clientIds"].as_array().unwrap().len(), 4);

    // The agreements in force, as the outflow screen lists them.
    let listed = get(&app, &manager, "/api/v1/pact-afspraken").await;
    let in_force = listed["inWerking"].as_array().unwrap();
    let hilversum_2026 = in_force
        .iter()
        .find(|q| q["gemeente"] == "GM0402" && q["jaar"] == 2026)
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(hilversum_2026["woningen"], 32);
    assert_eq!(hilversum_2026["toelichting"], "Convenant 2026");
    assert!(
        in_force
            .iter()
            .any(|q| q["gemeente"] == "GM0406" && q["jaar"] == 2026 && q["woningen"] == 12)
    );
    assert_eq!(quota_count(&app).await, quotas + 4);

    // One audit row per agreement, with its id; the clients' as before; and
    // the import's own with what it held.
    let rows = audit_since(&app, before).await;
    let agreements = of_type(&rows, "pact-afspraak");
    assert_eq!(agreements.len(), 4);
    let ids: Vec<String> = listed["historie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].to_string())
        .collect();
    for row in &agreements {
        assert_eq!(row.action, "aangemaakt");
        assert!(
            row.details.contains("\"via\":\"import\""),
            "{}",
            row.details
        );
        assert!(ids.contains(row.object_id.as_ref().unwrap()));
    }
    assert_eq!(of_type(&rows, "client").len(), 4);
    let summary: Value =
        serde_json::from_str(&of_type(&rows, "import").last().unwrap().details).unwrap();
    assert_eq!(
        (
            summary["pactAfspraken"].as_i64(),
            summary["clienten"].as_i64()
        ),
        (Some(4), Some(4))
    );
}

#[tokio::test]
async fn a_consultant_imports_the_hov_trajectories_of_the_municipality_without_names_in_the_audit()
{
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let kwintes = app
        .store
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Kwintes")
        .unwrap()
        .id;
    let before = all_audit(&app).await.len();
    let count = tenancy_count(&app).await;

    let (status, done) = post(&app, &consultant, &example(&["hov-trajecten.csv"]), false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (done["opgeslagen"].as_bool(), done["hovTrajecten"].as_i64()),
        (Some(true), Some(3))
    );
    assert_eq!(tenancy_count(&app).await, count + 3);

    let list = get(&app, &consultant, "/api/v1/hov-trajecten?paginaGrootte=100").await;
    let items = list["resultaten"].as_array().unwrap();
    let by_tenant = |t: &str| {
        items
            .iter()
            .find(|x| x["huurder"] == t)
            .unwrap_or_else(|| panic!("{t}: {list}"))
            .clone()
    };
    let running = by_tenant("J.K.");
    assert_eq!(running["gemeente"], "GM0406");
    assert_eq!(
        running["corporatie"],
        "Woningstichting Het Gooi en Omstreken"
    );
    assert_eq!(running["aanbiederId"], kwintes);
    assert_eq!(running["aanleiding"], "huurachterstand");
    assert_eq!(running["startdatum"], "2025-06-02");
    assert_eq!(running["einddatum"], Value::Null);
    assert_eq!(running["toelichting"], "Budgetbeheer afgesproken");
    let ended = by_tenant("M. de V.");
    assert_eq!(ended["einddatum"], "2025-01-15");
    assert_eq!(ended["eindresultaat"], "huur-op-naam");
    assert_eq!(ended["aanbiederId"], Value::Null);

    let rows = audit_since(&app, before).await;
    let created: Vec<&AuditRecord> = of_type(&rows, "hov-traject")
        .into_iter()
        .filter(|r| r.action == "aangemaakt")
        .collect();
    assert_eq!(created.len(), 3);
    for row in &created {
        assert!(row.details.contains("\"via\":\"import\""));
        for personal in ["J.K.", "M. de V.", "R.T.", "Budgetbeheer"] {
            assert!(!row.details.contains(personal), "{}", row.details);
        }
    }
    assert!(
        created
            .iter()
            .any(|r| r.object_id.as_deref() == Some(&running["id"].to_string()))
    );

    // The same file again: each trajectory is already there.
    let (status, again) = post(&app, &consultant, &example(&["hov-trajecten.csv"]), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = problems(&again);
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(
        text[0].starts_with("hov-trajecten.csv, regel 2, kolom huurder: een HOV-traject met deze gemeente, huurder en startdatum staat al in zothuis"),
        "{text:#?}"
    );
    assert_eq!(tenancy_count(&app).await, count + 3);
}

#[tokio::test]
async fn a_hov_file_with_mistakes_is_reported_row_by_row_and_writes_nothing() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    // The consultant of Hilversum: the Huizen row is not theirs.
    let consultant = app.token("wmo-consulent", "gemeente:GM0402").await;
    let broken = text(
        "hov-trajecten.csv",
        "gemeente;huurder;corporatie;aanbieder;aanleiding;startdatum;einddatum;eindresultaat;toelichting
GM0402;A.B.;Dudok Wonen;;huurachterstand;01-02-2025;;;
GM0406;J.K.;Woningstichting Het Gooi en Omstreken;Kwintes;huurachterstand;02-06-2025;;;
GM0402;C.D.;Dudok Wonen;Nergens;overlast;31-02-2025;;;
GM0402;E.F.;;;schulden;01-03-2025;01-04-2025;;
GM0402;G.H.;Woonstichting Nergens;;overlast;01-03-2025;;;
",
    );
    let count = tenancy_count(&app).await;
    let before = all_audit(&app).await.len();

    let (status, body) = post(&app, &consultant, &[broken], false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = problems(&body);
    let has = |s: &str| text.iter().any(|t| t.starts_with(s));
    assert!(
        has(
            "hov-trajecten.csv, regel 3, kolom gemeente: dit HOV-traject hoort bij een woning in een andere gemeente"
        ),
        "{text:#?}"
    );
    assert!(
        has("hov-trajecten.csv, regel 4, kolom aanbieder: aanbieder Nergens bestaat niet"),
        "{text:#?}"
    );
    assert!(
        has("hov-trajecten.csv, regel 4, kolom startdatum: "),
        "{text:#?}"
    );
    assert!(
        has("hov-trajecten.csv, regel 5, kolom corporatie: "),
        "{text:#?}"
    );
    // A name the region's corporations do not have, named once with those
    // it has.
    assert!(
        text.contains(&"hov-trajecten.csv, regel 6, kolom corporatie: corporatie Woonstichting Nergens staat niet in zothuis; de corporaties van de regio zijn: Dudok Wonen, Woningstichting Het Gooi en Omstreken".to_string()),
        "{text:#?}"
    );
    assert_eq!(text.iter().filter(|t| t.contains("regel 6,")).count(), 1);
    assert!(
        has("hov-trajecten.csv, regel 5, kolom aanleiding: "),
        "{text:#?}"
    );
    assert!(
        has("hov-trajecten.csv, regel 5, kolom eindresultaat: "),
        "{text:#?}"
    );
    assert!(!text.iter().any(|t| t.contains("regel 2,")), "{text:#?}");
    assert_eq!(text.len(), 7, "{text:#?}");
    // Not the correct first row either: all or nothing.
    assert_eq!(tenancy_count(&app).await, count);
    assert!(
        audit_since(&app, before)
            .await
            .iter()
            .all(|r| r.object_type != "hov-traject"),
        "no record was audited as created"
    );
}

#[tokio::test]
async fn the_outreach_team_imports_trajectories_with_their_meldingen_one_person_per_number() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.token("zorgcoordinator", "regio:GV").await;
    let before = all_audit(&app).await.len();

    let (status, done) = post(&app, &team, &example(&OUTREACH), false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (
            done["zorgcoordinatieTrajecten"].as_i64(),
            done["zorgcoordinatieMeldingen"].as_i64()
        ),
        (Some(3), Some(5))
    );

    let list = get(
        &app,
        &team,
        "/api/v1/zorgcoordinatie-trajecten?paginaGrootte=100",
    )
    .await;
    let items = list["resultaten"].as_array().unwrap();
    let started = |d: &str| {
        items
            .iter()
            .find(|t| t["startdatum"] == d)
            .unwrap_or_else(|| panic!("{d}: {list}"))
            .clone()
    };
    let (first, again, other) = (
        started("2025-03-05"),
        started("2025-11-10"),
        started("2025-12-02"),
    );
    assert_eq!(
        first["persoonId"], again["persoonId"],
        "one persoonsnummer, one person"
    );
    assert_ne!(first["persoonId"], other["persoonId"]);
    assert_eq!(first["afgeslotenOp"], "2025-06-30");
    assert_eq!(first["uitkomst"], "toegeleid");
    assert_eq!(again["afgeslotenOp"], Value::Null);
    assert_eq!(other["gemeente"], "GM0406");
    assert_eq!(other["persoon"], "vrouw, ca. 70, vervuilde woning");
    let opened = get(
        &app,
        &team,
        &format!("/api/v1/zorgcoordinatie-trajecten/{}", first["id"]),
    )
    .await;
    let reports: Vec<(&str, &str)> = opened["meldingen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["meldingsdatum"].as_str().unwrap(),
                m["bron"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reports,
        [("2025-03-05", "politie"), ("2025-03-20", "buren")]
    );

    let rows = audit_since(&app, before).await;
    let trajectories = of_type(&rows, "zorgcoordinatie");
    let meldingen = of_type(&rows, "melding-zorgcoordinatie");
    let created = |rs: &[&AuditRecord]| rs.iter().filter(|r| r.action == "aangemaakt").count();
    assert_eq!((created(&trajectories), created(&meldingen)), (3, 5));
    for row in trajectories.iter().chain(&meldingen) {
        for personal in ["station", "vervuilde", "Opnieuw gemeld"] {
            assert!(!row.details.contains(personal), "{}", row.details);
        }
    }
    assert!(
        trajectories.iter().any(|r| r.action == "aangemaakt"
            && r.object_id.as_deref() == Some(&first["id"].to_string()))
    );
}

#[tokio::test]
async fn a_melding_outside_its_trajectory_is_a_problem_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.token("zorgcoordinator", "regio:GV").await;
    let mut upload = example(&["zorgcoordinatie-trajecten.csv"]);
    upload.push(text(
        "zorgcoordinatie-meldingen.csv",
        "trajectnummer;meldingsdatum;bron
ZC-2025-01;05-03-2025;politie
ZC-2025-01;01-07-2025;buren
ZC-2025-07;10-11-2025;buren
ZC-2025-09;01-12-2025;corporatie
",
    ));
    let count = trajectory_count(&app).await;
    let (status, body) = post(&app, &team, &upload, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        problems(&body),
        [
            "zorgcoordinatie-meldingen.csv, regel 3, kolom meldingsdatum: het traject was toen al afgesloten: een nieuwe melding opent een nieuw traject",
            "zorgcoordinatie-meldingen.csv, regel 5, kolom meldingsdatum: deze melding ligt vóór het begin van het traject",
        ]
    );
    assert_eq!(trajectory_count(&app).await, count);
}

#[tokio::test]
async fn zorgcoordinatie_is_imported_by_the_regions_own_team_only() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let count = trajectory_count(&app).await;

    // The waitlist manager may import none of these tables: refused whole,
    // and audited.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (status, body) = post(&app, &manager, &example(&OUTREACH), true).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let last = app.last_audit().await;
    assert_eq!(
        (last.object_type.as_str(), last.outcome.as_str()),
        ("import", "geweigerd")
    );

    // With a table of its own, the others are problems naming them, and
    // nothing is written, not even the manager's own agreements.
    let quotas = quota_count(&app).await;
    let mut mixed = example(&["pact-afspraken.csv"]);
    mixed.extend(example(&OUTREACH));
    let (status, body) = post(&app, &manager, &mixed, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = problems(&body);
    assert_eq!(
        text,
        [
            "zorgcoordinatie-meldingen.csv, regel null, kolom -: u mag de tabel zorgcoordinatie-meldingen niet importeren: alleen het team zorgcoördinatie van de regio importeert zijn register",
            "zorgcoordinatie-trajecten.csv, regel null, kolom -: u mag de tabel zorgcoordinatie-trajecten niet importeren: alleen het team zorgcoördinatie van de regio importeert zijn register",
        ]
    );
    assert_eq!(quota_count(&app).await, quotas);
    let last = app.last_audit().await;
    assert_eq!(
        (last.object_type.as_str(), last.outcome.as_str()),
        ("import", "geweigerd")
    );
    assert!(
        last.details.contains("zorgcoordinatie-meldingen"),
        "{}",
        last.details
    );

    // The team of another region: every row names a municipality not its own.
    let other = app.token("zorgcoordinator", "regio:ZKIH").await;
    let (status, body) = post(&app, &other, &example(&OUTREACH), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = problems(&body);
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(text.iter().all(|t| {
        t.contains("kolom gemeente: dit traject hoort bij het team van een andere regio")
    }));
    assert_eq!(trajectory_count(&app).await, count);
}

#[tokio::test]
async fn the_team_finds_the_import_in_its_menu_with_only_its_own_tables() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let team = app.login("zorgcoordinatie.gv").await;
    let home = app.page(&team, "/").await;
    assert!(home.contains("href=\"/import\""), "{home}");
    let page = app.page(&team, "/import").await;
    assert!(page.contains("zorgcoordinatie-meldingen"));
    assert!(!page.contains("beschikkingsnummer"), "no tables of others");
    assert!(!page.contains("pact-afspraken"));
    let csrf = zothuis_testkit::csrf_from(&page);
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
    for (name, bytes) in example(&OUTREACH) {
        form = form.part(
            "bestanden",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
    }
    let r = team
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Geïmporteerd"), "{html}");
    assert!(
        html.contains("3 trajecten zorgcoördinatie, 5 meldingen zorgcoördinatie"),
        "{html}"
    );
    assert!(html.contains("href=\"/zorgcoordinatie\""));
}

#[tokio::test]
async fn a_failure_while_writing_the_registers_leaves_nothing_behind() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    // The database refuses meldingen: the import fails after the persons,
    // trajectories and their audit rows were written inside its transaction.
    app.raw_sql(
        "create trigger refuse_reports before insert on outreach_reports begin select raise(abort, 'geweigerd'); end",
        "create function refuse() returns trigger language plpgsql as $$ begin raise exception 'geweigerd'; end; $$;
         create trigger refuse_reports before insert on outreach_reports for each row execute function refuse();",
    )
    .await;
    let team = app.token("zorgcoordinator", "regio:GV").await;
    let count = trajectory_count(&app).await;
    let before = all_audit(&app).await.len();
    let (status, _) = post(&app, &team, &example(&OUTREACH), false).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(trajectory_count(&app).await, count);
    let rows = audit_since(&app, before).await;
    assert!(
        !rows
            .iter()
            .any(|r| r.object_type == "zorgcoordinatie" || r.object_type == "import"),
        "{rows:#?}"
    );
}
