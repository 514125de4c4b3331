//! Moving in from spreadsheets: the documented example imports with its
//! whole history; a file with mistakes is reported per row and column and
//! writes nothing; a failure halfway leaves nothing behind.

use reqwest::Client;
use serde_json::Value;
use zothuis_domain::admin::RequestContext;
use zothuis_domain::import::service::{ImportOptions, ImportReport};
use zothuis_testkit::{TestApp, spawn_app};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import/voorbeeld");

fn example_files() -> Vec<(String, Vec<u8>)> {
    [
        "clienten.csv",
        "adressen.csv",
        "beschikkingen.csv",
        "wachtlijst.csv",
        "verblijven.csv",
    ]
    .into_iter()
    .map(|n| {
        (
            n.to_string(),
            std::fs::read(format!("{EXAMPLE}/{n}")).unwrap(),
        )
    })
    .collect()
}

/// The example with one file's text changed.
fn with_file(name: &str, text: &str) -> Vec<(String, Vec<u8>)> {
    example_files()
        .into_iter()
        .map(|(n, b)| {
            if n == name {
                (n, text.as_bytes().to_vec())
            } else {
                (n, b)
            }
        })
        .collect()
}

async fn import(app: &TestApp, files: &[(String, Vec<u8>)], dry_run: bool) -> ImportReport {
    let tables = zothuis_import::read_files(files).unwrap();
    app.services
        .import(
            &RequestContext::system("cli:import"),
            &tables,
            &ImportOptions {
                dry_run,
                grant_to: None,
            },
            &|_, _| {},
        )
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
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

async fn client_count(app: &TestApp) -> usize {
    app.store
        .list_clients(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_example_imports_with_its_history_responsible_municipality_and_audit_rows() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let before = app.audit(1000).await.len();

    let dry = import(&app, &example_files(), true).await;
    assert!(dry.problems.is_empty(), "{:?}", dry.problems);
    assert!(!dry.applied);
    assert_eq!(
        (dry.counts.clients, dry.counts.decisions, dry.counts.stays),
        (4, 4, 3)
    );
    assert_eq!(client_count(&app).await, 0, "a dry run writes nothing");

    let report = import(&app, &example_files(), false).await;
    assert!(report.applied && report.problems.is_empty());
    assert_eq!(report.client_ids.len(), 4);
    assert_eq!(client_count(&app).await, 4);

    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    // The decision of the Huizen resident: under the centrumgemeente regime
    // Hilversum is responsible, explained by rule 1.
    let decisions = get(&app, &manager, "/api/v1/beschikkingen?paginaGrootte=100").await;
    let d = decisions["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["beschikkingsnummer"] == "IMP-2023-002")
        .unwrap()
        .clone();
    assert_eq!(d["verantwoordelijkeGemeente"], "GM0402");
    assert_eq!(d["regel"], "1");
    assert!(d["toelichting"].as_str().unwrap().contains("Hilversum"));

    // Milan waits actively again after a declined screening; the passive
    // period and the screening are in the history.
    let entries = get(&app, &manager, "/api/v1/wachtlijst?paginaGrootte=100").await;
    let milan = entries["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["clientNaam"].as_str().unwrap().contains("Jansen"))
        .unwrap()
        .clone();
    assert_eq!(milan["status"], "actief-wachtend");
    assert_eq!(milan["wachtendSinds"], "2023-04-10");
    assert_eq!(milan["statusSinds"], "2024-02-15");
    let history = get(
        &app,
        &manager,
        &format!("/api/v1/wachtlijst/{}/overgangen", milan["id"]),
    )
    .await;
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "aangemeld",
            "actief-wachtend",
            "passief-wachtend",
            "actief-wachtend",
            "in-screening",
            "actief-wachtend"
        ]
    );
    let screenings = get(&app, &manager, "/api/v1/screeningen?paginaGrootte=100").await;
    let declined: Vec<&Value> = screenings["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["uitkomst"] == "afgewezen")
        .collect();
    assert_eq!(declined.len(), 1);
    assert_eq!(declined[0]["reden"], "groepssamenstelling");

    // Sanne was placed from the screening at Kwintes: her stay in Bussum is
    // on the waiting list as geplaatst on the start date.
    let stays = get(&app, &manager, "/api/v1/verblijven?paginaGrootte=100").await;
    let items = stays["resultaten"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let ended: Vec<&Value> = items
        .iter()
        .filter(|s| s["einddatum"] == "2024-04-20")
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["uitstroombestemming"], "familie-vrienden");
    // How each stay is paid for: one on a pgb, the others in natura.
    let mut financing: Vec<&str> = items
        .iter()
        .map(|s| s["financieringsvorm"].as_str().unwrap())
        .collect();
    financing.sort_unstable();
    assert_eq!(financing, ["pgb", "zin", "zin"]);
    let placed = get(
        &app,
        &manager,
        "/api/v1/wachtlijst?status=geplaatst&paginaGrootte=100",
    )
    .await;
    assert_eq!(placed["resultaten"].as_array().unwrap().len(), 2);

    // One audit row per imported client, and one for the import.
    let rows = app.audit(1000).await;
    let new: Vec<_> = rows[..rows.len() - before].to_vec();
    assert_eq!(
        new.iter()
            .filter(|r| r.object_type == "client" && r.details.contains("\"bron\":\"import\""))
            .count(),
        4
    );
    let summary = new.iter().find(|r| r.object_type == "import").unwrap();
    assert_eq!(summary.actor_name, "cli:import");
    let details: Value = serde_json::from_str(&summary.details).unwrap();
    assert_eq!(details["clienten"], 4);
    assert_eq!(details["verblijven"], 3);

    // Importing the same files again is refused: the BSNs and decision
    // numbers are already there.
    let again = import(&app, &example_files(), false).await;
    assert!(!again.applied);
    assert!(
        again
            .problems
            .iter()
            .any(|p| p.message.contains("dit BSN kan niet worden geïmporteerd"))
    );
    assert!(
        again
            .problems
            .iter()
            .any(|p| p.message.contains("al in zothuis"))
    );
    assert_eq!(client_count(&app).await, 4);
}

#[tokio::test]
async fn every_problem_is_reported_by_file_row_and_column_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let clients =
        "clientnummer;voornaam;achternaam;geboortedatum;bsn;telefoon;email;afgeschermd;gemeente
K-001;Sanne;de Boer;14-03-1988;999999012;;;nee;GM0402
K-002;Milan;Jansen;31-02-1995;999999023;;;nee;GM0406
K-003;Fatima;El Idrissi;21-07-1979;;;;misschien;GM0392
K-004;Pieter;Vos;30-01-1966;999999035;;;nee;GM1942
";
    let waitlist = "beschikkingsnummer;status;ingangsdatum;reden;aanbieder;toelichting;screeningUitkomst;afgewezenDoor;redenAfwijzing;datumUitkomst
IMP-2023-001;actief-wachtend;01-02-2023;;;;;;;
IMP-2023-001;in-screening;01-06-2023;;Kwintes;;;;;
IMP-2022-004;passief-wachtend;01-10-2022;op vakantie;;;;;;
IMP-2022-004;geplaatst;01-03-2023;;;;;;;
";
    let mut files = with_file("clienten.csv", clients);
    files = files
        .into_iter()
        .map(|(n, b)| {
            if n == "wachtlijst.csv" {
                (n, waitlist.as_bytes().to_vec())
            } else {
                (n, b)
            }
        })
        .collect();
    let before = app.audit(1000).await.len();
    let report = import(&app, &files, false).await;
    assert!(!report.applied);
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(has("clienten.csv, regel 2, kolom bsn: "), "{text:#?}");
    assert!(
        has("clienten.csv, regel 3, kolom geboortedatum: "),
        "{text:#?}"
    );
    assert!(
        has("clienten.csv, regel 4, kolom afgeschermd: vul ja of nee in"),
        "{text:#?}"
    );
    assert!(
        has("wachtlijst.csv, regel 4, kolom reden: kies een reden voor passief wachten"),
        "{text:#?}"
    );
    // Rows of clients whose own row failed, and later rows of a history
    // with a mistake, are not reported again.
    assert!(
        !has("clientnummer K-001 staat niet in clienten"),
        "{text:#?}"
    );
    assert!(!has("regel 5"), "{text:#?}");
    assert_eq!(text.len(), 4, "{text:#?}");
    assert_eq!(client_count(&app).await, 0);
    assert_eq!(app.audit(1000).await.len(), before, "no audit rows either");
}

#[tokio::test]
async fn the_state_machine_and_stays_are_checked_across_files() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    // Pieter goes from actief wachtend straight to a stay, skipping screening;
    // Milan's screening ends without an outcome.
    let waitlist = "beschikkingsnummer;status;ingangsdatum;reden;aanbieder;toelichting;screeningUitkomst;afgewezenDoor;redenAfwijzing;datumUitkomst
IMP-2023-001;actief-wachtend;01-02-2023;;;;;;;
IMP-2023-001;in-screening;01-06-2023;;Kwintes;;;;;
IMP-2023-002;actief-wachtend;10-04-2023;;;;;;;
IMP-2023-002;in-screening;01-02-2024;;Leger des Heils;;;;;
IMP-2023-002;actief-wachtend;15-02-2024;;;;;;;
IMP-2022-004;actief-wachtend;01-10-2022;;;;;;;
IMP-2022-004;aangemeld;01-11-2022;;;;;;;
";
    let report = import(&app, &with_file("wachtlijst.csv", waitlist), true).await;
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(
        has(
            "wachtlijst.csv, regel 5, kolom screeningUitkomst: de screening eindigde zonder plaatsing"
        ),
        "{text:#?}"
    );
    assert!(has("wachtlijst.csv, regel 8, kolom status: "), "{text:#?}");
    assert_eq!(client_count(&app).await, 0);

    // A stay at a location of another provider than the one screening.
    let stays = "clientnummer;beschikkingsnummer;product;aanbieder;locatie;startdatum;einddatum;uitstroom;verantwoordelijkeGemeente
K-001;IMP-2023-001;;Leger des Heils;Woonvorm Huizen;15-07-2023;;;
K-003;IMP-2024-003;;Kwintes;Opvang Hilversum;05-02-2024;;familie-vrienden;
K-004;IMP-2022-004;;;Woonvorm Bussum;01-02-2023;;;
";
    let report = import(&app, &with_file("verblijven.csv", stays), true).await;
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(
        has(
            "verblijven.csv, regel 2, kolom aanbieder: de cliënt is in screening bij een andere aanbieder"
        ),
        "{text:#?}"
    );
    assert!(
        has(
            "verblijven.csv, regel 3, kolom einddatum: een uitstroombestemming hoort bij een einddatum"
        ),
        "{text:#?}"
    );
    assert!(
        has("verblijven.csv, regel 4, kolom startdatum: "),
        "{text:#?}"
    );

    // A financing form or level of care that does not exist.
    let stays = "clientnummer;beschikkingsnummer;product;aanbieder;locatie;startdatum;einddatum;uitstroom;verantwoordelijkeGemeente;financieringsvorm;zorgzwaarte
K-001;IMP-2023-001;;;Woonvorm Bussum;15-07-2023;;;;budget;
K-004;IMP-2022-004;;;Woonvorm Bussum;01-04-2023;;;;zin;10
";
    let report = import(&app, &with_file("verblijven.csv", stays), true).await;
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(
        has("verblijven.csv, regel 2, kolom financieringsvorm: kies zorg in natura (zin) of pgb"),
        "{text:#?}"
    );
    assert!(
        has("verblijven.csv, regel 3, kolom zorgzwaarte: kies een zorgzwaarte van 1 tot en met 9"),
        "{text:#?}"
    );
    assert_eq!(client_count(&app).await, 0);
}

#[tokio::test]
async fn a_failure_while_writing_leaves_nothing_behind() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    // The database refuses stays: the import fails after clients, decisions
    // and transitions were written inside its transaction.
    app.raw_sql(
        "create trigger refuse_stays before insert on stays begin select raise(abort, 'geweigerd'); end",
        "create function refuse() returns trigger language plpgsql as $$ begin raise exception 'geweigerd'; end; $$;
         create trigger refuse_stays before insert on stays for each row execute function refuse();",
    )
    .await;
    let tables = zothuis_import::read_files(&example_files()).unwrap();
    let result = app
        .services
        .import(
            &RequestContext::system("cli:import"),
            &tables,
            &ImportOptions::default(),
            &|_, _| {},
        )
        .await;
    assert!(result.is_err());
    assert_eq!(client_count(&app).await, 0);
    assert!(
        app.store
            .list_decisions(&zothuis_domain::store::Clients::All)
            .await
            .unwrap()
            .is_empty()
    );
    let rows = app.audit(1000).await;
    assert!(!rows.iter().any(|r| r.object_type == "import"));
}

#[tokio::test]
async fn only_the_regional_waitlist_manager_imports_and_only_for_the_own_region() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let tables = zothuis_import::read_files(&example_files()).unwrap();
    let consultant = app
        .services
        .import(
            &consultant_ctx(),
            &tables,
            &ImportOptions::default(),
            &|_, _| {},
        )
        .await;
    assert!(matches!(
        consultant,
        Err(zothuis_domain::DomainError::Forbidden(_))
    ));
    let last = app.last_audit().await;
    assert_eq!(
        (last.object_type.as_str(), last.outcome.as_str()),
        ("import", "geweigerd")
    );

    let zkih = manager_ctx("ZKIH", &app).await;
    let report = app
        .services
        .import(&zkih, &tables, &ImportOptions::default(), &|_, _| {})
        .await
        .unwrap();
    assert!(!report.applied);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.contains("hoort niet bij uw regio"))
    );
    let gv = manager_ctx("GV", &app).await;
    let report = app
        .services
        .import(&gv, &tables, &ImportOptions::default(), &|_, _| {})
        .await
        .unwrap();
    assert!(report.applied, "{:?}", report.problems);
}

fn consultant_ctx() -> RequestContext {
    use zothuis_domain::admin::{Actor, ActorKind, Role, Scope};
    use zothuis_domain::reference::GemeenteCode;
    RequestContext {
        actor: Actor {
            kind: ActorKind::User,
            id: 1,
            name: "consulent".into(),
            role: Role::WmoConsulent,
            scope: Scope::Gemeente(GemeenteCode::parse("GM0406").unwrap()),
        },
        on_behalf_of: None,
        origin: None,
        request_id: "t".into(),
    }
}

async fn manager_ctx(region: &str, app: &TestApp) -> RequestContext {
    use zothuis_domain::admin::{Actor, ActorKind, Role, Scope};
    let r = app
        .store
        .find_region_by_code(region)
        .await
        .unwrap()
        .unwrap();
    RequestContext {
        actor: Actor {
            kind: ActorKind::User,
            id: 1,
            name: format!("wachtlijst-{region}"),
            role: Role::Wachtlijstbeheerder,
            scope: Scope::Regio(r.id),
        },
        on_behalf_of: None,
        origin: None,
        request_id: "t".into(),
    }
}

fn multipart(
    files: &[(String, Vec<u8>)],
    dry_run: bool,
    csrf: Option<&str>,
) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    if let Some(c) = csrf {
        form = form.text("csrf", c.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "bestanden",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()),
        );
    }
    if dry_run {
        form = form.text("alleenControleren", "ja");
    }
    form
}

#[tokio::test]
async fn the_api_checks_and_imports_multipart_files_and_answers_problems_as_problem_json() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let post = |token: String, form| {
        let url = app.url("/api/v1/importen");
        async move {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let r = post(manager.clone(), multipart(&example_files(), true, None)).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["opgeslagen"], false);
    assert_eq!(body["clienten"], 4);
    assert_eq!(client_count(&app).await, 0);

    let broken = vec![(
        "clienten.csv".to_string(),
        b"clientnummer;voornaam;achternaam;geboortedatum;gemeente\nK-001;Sanne;de Boer;1988-03-14;GM9999\n".to_vec(),
    )];
    let r = post(manager.clone(), multipart(&broken, false, None)).await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: Value = r.json().await.unwrap();
    let first = &body["problemen"][0];
    assert_eq!(first["bestand"], "clienten.csv");
    assert_eq!(first["regel"], 2);
    assert_eq!(first["kolom"], "gemeente");

    let r = post(manager.clone(), multipart(&example_files(), false, None)).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["opgeslagen"], true);
    assert_eq!(body["clientIds"].as_array().unwrap().len(), 4);
    let last = app.last_audit().await;
    assert_eq!(
        (last.object_type.as_str(), last.actor_name.as_str()),
        ("import", "token:test wachtlijstbeheerder regio:GV")
    );

    // Every other role is refused, even for a check only.
    for (role, scope) in [
        ("beheerder", "installatie"),
        ("wmo-consulent", "gemeente:GM0402"),
        ("aanbieder", "aanbieder:1"),
        ("beleidsadviseur", "regio:GV"),
        ("bestuurder", "regio:GV"),
        ("fg", "regio:GV"),
    ] {
        let token = app.token(role, scope).await;
        let r = post(token, multipart(&example_files(), true, None)).await;
        assert_eq!(r.status(), 403, "{role}");
    }
}

#[tokio::test]
async fn the_upload_page_checks_then_imports_and_offers_only_ones_own_tables() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.login("wachtlijst.gv").await;
    let page = app.page(&manager, "/import").await;
    assert!(page.contains("enctype=\"multipart/form-data\""));
    assert!(
        page.contains("beschikkingsnummer"),
        "the columns are documented"
    );
    let csrf = zothuis_testkit::csrf_from(&page);

    let r = manager
        .post(app.url("/import"))
        .multipart(multipart(&example_files(), true, None))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "an upload without the CSRF token is refused"
    );

    let r = manager
        .post(app.url("/import"))
        .multipart(multipart(&example_files(), true, Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Gecontroleerd: geen problemen"), "{html}");
    assert_eq!(client_count(&app).await, 0);

    let broken = with_file(
        "wachtlijst.csv",
        "beschikkingsnummer;status;ingangsdatum\nIMP-2023-001;wachtend;01-02-2023\n",
    );
    let r = manager
        .post(app.url("/import"))
        .multipart(multipart(&broken, false, Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Niet geïmporteerd"));
    assert!(html.contains("kies een status uit de lijst"), "{html}");

    let r = manager
        .post(app.url("/import"))
        .multipart(multipart(&example_files(), false, Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Geïmporteerd"));
    assert_eq!(client_count(&app).await, 4);
    let last = app.last_audit().await;
    assert_eq!(
        (last.object_type.as_str(), last.actor_name.as_str()),
        ("import", "wachtlijst.gv")
    );

    // A consultant imports HOV trajectories only: the page offers that
    // table, and an upload of clients is refused.
    let consultant = app.login("consulent.huizen").await;
    let page = app.page(&consultant, "/import").await;
    assert!(page.contains("hov-trajecten"), "{page}");
    assert!(!page.contains("beschikkingsnummer"), "no client tables");
    let r = consultant
        .post(app.url("/import"))
        .multipart(multipart(
            &example_files(),
            true,
            Some(&zothuis_testkit::csrf_from(&page)),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(client_count(&app).await, 4);
    // Who keeps no importable register gets neither the page nor the menu.
    let policy = app.login("beleid.gv").await;
    let r = policy.get(app.url("/import")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let home = app.page(&policy, "/").await;
    assert!(!home.contains("href=\"/import\""));
}

#[test]
fn import_documentation_matches_the_checks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import.md");
    let generated = zothuis_domain::import::documentation();
    if std::env::var("ZOTHUIS_UPDATE_DOCS").is_ok() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/import.md is verouderd; draai ZOTHUIS_UPDATE_DOCS=1 cargo nextest run -p zothuis import_documentation"
    );
}
