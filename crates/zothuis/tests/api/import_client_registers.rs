//! Registrations at the access point and nominations for outflow, moved in
//! from spreadsheets with the clients they belong to: the origin is decided
//! by the region's rule from the imported addresses, a nomination leaves the
//! stay imported for its decision and is addressed to a corporation found by
//! name; each record has its first version and audit row, and the figures
//! count them. A file with mistakes is reported by row and column and writes
//! nothing; whoever may not import clients may not import these either.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use zothuis_domain::audit::AuditRecord;
use zothuis_domain::clock::Clock;
use zothuis_domain::store::Clients;
use zothuis_testkit::{TestApp, spawn_app};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import/voorbeeld");

const JOURNEY: [&str; 7] = [
    "clienten.csv",
    "adressen.csv",
    "beschikkingen.csv",
    "wachtlijst.csv",
    "verblijven.csv",
    "toegangsmeldingen.csv",
    "voordrachten.csv",
];

fn example(names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(format!("{EXAMPLE}/{n}")).unwrap(),
            )
        })
        .collect()
}

/// The whole example with one file's text changed.
fn with_file(name: &str, text: &str) -> Vec<(String, Vec<u8>)> {
    example(&JOURNEY)
        .into_iter()
        .map(|(n, b)| match n == name {
            true => (n, text.as_bytes().to_vec()),
            false => (n, b),
        })
        .collect()
}

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

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body, _) = app.api_get(token, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The one item of a list answer.
async fn only(app: &TestApp, token: &str, path: &str) -> Value {
    let list = get(app, token, path).await;
    let items = list["resultaten"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{path}: {list}");
    items[0].clone()
}

/// The total of an indicator for the token's scope.
async fn figure(app: &TestApp, token: &str, query: &str) -> f64 {
    let v = get(app, token, &format!("/api/v1/indicatoren/{query}")).await;
    v["totaal"]["waarde"]
        .as_f64()
        .unwrap_or_else(|| panic!("{query}: {v}"))
}

/// How many registrations and nominations there are, and clients.
async fn counts(app: &TestApp) -> (usize, usize, usize) {
    let now = app.clock.now();
    (
        app.store.list_clients(&Clients::All).await.unwrap().len(),
        app.store
            .list_registrations(&Clients::All, None, now)
            .await
            .unwrap()
            .len(),
        app.store
            .list_nominations(&Clients::All, None, now)
            .await
            .unwrap()
            .len(),
    )
}

/// The audit rows written since `before` rows, oldest first.
async fn audit_since(app: &TestApp, before: usize) -> Vec<AuditRecord> {
    let rows = app.audit(100_000).await;
    let mut new = rows[..rows.len() - before].to_vec();
    new.reverse();
    new
}

fn created<'a>(rows: &'a [AuditRecord], object_type: &str) -> Vec<&'a AuditRecord> {
    rows.iter()
        .filter(|r| {
            r.object_type == object_type && r.action == "aangemaakt" && r.outcome == "geslaagd"
        })
        .collect()
}

#[tokio::test]
async fn registrations_and_nominations_are_imported_with_their_clients_stays_and_audit_rows() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let bct = app.token("toegangsmedewerker", "regio:GV").await;
    let gv = app
        .store
        .find_region_by_code("GV")
        .await
        .unwrap()
        .unwrap()
        .id;
    let waiting = "uitstroom-wachtend/waarden?peildatum=2026-01-12";
    let trajectories = "toegang-trajecten/waarden?periodeVan=2024-01-01&periodeTot=2024-12-31";
    let (waiting_before, trajectories_before) = (
        figure(&app, &manager, waiting).await,
        figure(&app, &manager, trajectories).await,
    );
    let (_, registrations, nominations) = counts(&app).await;
    let before = app.audit(100_000).await.len();

    let (status, checked) = post(&app, &manager, &example(&JOURNEY), true).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(
        (
            checked["toegangsmeldingen"].as_i64(),
            checked["voordrachten"].as_i64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(
        counts(&app).await,
        (0, registrations, nominations),
        "a check writes nothing"
    );

    let (status, done) = post(&app, &manager, &example(&JOURNEY), false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["opgeslagen"], true);
    let ids: Vec<i64> = done["clientIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    // K-001 … K-004, in file order.
    let (sanne, milan, fatima, pieter) = (ids[0], ids[1], ids[2], ids[3]);
    assert_eq!(counts(&app).await, (4, registrations + 2, nominations + 2));

    // Fatima's trajectory at the access point of GV: she said she came from
    // Huizen, but by the region's rule her briefadres in Hilversum counts.
    let trajectory = only(
        &app,
        &bct,
        &format!("/api/v1/meldingen-opvang?clientId={fatima}"),
    )
    .await;
    assert_eq!(trajectory["soort"], "traject");
    assert_eq!(trajectory["meldingsdatum"], "2024-02-01");
    assert_eq!(
        (
            trajectory["herkomst"].as_str(),
            trajectory["herkomstBepaald"].as_str()
        ),
        (Some("GM0402"), Some("adres"))
    );
    assert_eq!(trajectory["uitkomst"], "toegang-opvang");
    assert_eq!(trajectory["uitkomstdatum"], "2024-02-05");
    assert_eq!(trajectory["regioId"], gv);
    assert_eq!(trajectory["toelichting"], "Sliep bij vrienden in Huizen");
    let signal = only(
        &app,
        &bct,
        &format!("/api/v1/meldingen-opvang?clientId={milan}"),
    )
    .await;
    assert_eq!(
        (signal["soort"].as_str(), signal["herkomst"].as_str()),
        (Some("signaal"), Some("GM0406"))
    );
    // One version each, as the screen's create writes it.
    let history = get(
        &app,
        &bct,
        &format!("/api/v1/meldingen-opvang/{}", trajectory["id"]),
    )
    .await;
    assert_eq!(history["versies"].as_array().unwrap().len(), 1);

    // Sanne's nomination leaves the stay imported for her decision and is
    // addressed to Dudok Wonen; Pieter's home is allocated, the key planned.
    let dudok = crate::outflow::corporation_id(&app, "Dudok Wonen").await;
    let gooi = crate::outflow::corporation_id(&app, "Woningstichting Het Gooi en Omstreken").await;
    let stay_of = |client: i64| {
        let manager = manager.clone();
        let app = &app;
        async move {
            only(
                app,
                &manager,
                &format!("/api/v1/verblijven?clientId={client}"),
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let offered = only(
        &app,
        &manager,
        &format!("/api/v1/voordrachten-uitstroom?clientId={sanne}"),
    )
    .await;
    assert_eq!(offered["route"], "pact");
    assert_eq!(offered["uitstroomUit"], "bw");
    assert_eq!(offered["voordrachtdatum"], "2025-09-01");
    assert_eq!(offered["gemeente"], "GM0402");
    assert_eq!(offered["corporatieId"], dudok);
    assert_eq!(offered["verblijfId"], stay_of(sanne).await);
    assert_eq!(offered["status"], "wachtend");
    assert_eq!(offered["regioId"], gv);
    assert_eq!(
        offered["vastgelegdDoor"],
        "token:test wachtlijstbeheerder regio:GV"
    );
    let allocated = only(
        &app,
        &manager,
        &format!("/api/v1/voordrachten-uitstroom?clientId={pieter}"),
    )
    .await;
    assert_eq!(allocated["corporatieId"], gooi);
    assert_eq!(allocated["adresgemeente"], "GM1942");
    assert_eq!(allocated["sleuteldatum"], "2026-02-01");
    assert_eq!(allocated["verblijfId"], stay_of(pieter).await);
    let history = get(
        &app,
        &manager,
        &format!("/api/v1/voordrachten-uitstroom/{}", offered["id"]),
    )
    .await;
    assert_eq!(history["versies"].as_array().unwrap().len(), 1);

    // One audit row per record, on its client and with its id, holding what
    // the screens audit and no note.
    let rows = audit_since(&app, before).await;
    let audited = |object_type: &str, expected: &[(i64, &Value)]| {
        let rows = created(&rows, object_type);
        assert_eq!(rows.len(), expected.len(), "{object_type}: {rows:#?}");
        for (client, record) in expected {
            let row = rows
                .iter()
                .find(|r| r.object_id.as_deref() == Some(record["id"].to_string().as_str()))
                .unwrap_or_else(|| panic!("{object_type} {record}: {rows:#?}"));
            assert_eq!(row.client_id, Some(*client));
            assert!(
                row.details.contains("\"via\":\"import\""),
                "{}",
                row.details
            );
            for note in ["Sliep", "Adviesvraag", "Klaar voor"] {
                assert!(!row.details.contains(note), "{}", row.details);
            }
        }
    };
    audited("melding-opvang", &[(fatima, &trajectory), (milan, &signal)]);
    audited(
        "voordracht-uitstroom",
        &[(sanne, &offered), (pieter, &allocated)],
    );
    let summary = rows
        .iter()
        .rev()
        .find(|r| r.object_type == "import")
        .unwrap();
    let summary: Value = serde_json::from_str(&summary.details).unwrap();
    assert_eq!(
        (
            summary["toegangsmeldingen"].as_i64(),
            summary["voordrachten"].as_i64()
        ),
        (Some(2), Some(2))
    );

    // The figures count them: two more waiting for a home today (Pieter's
    // key is still to come), one more trajectory at the access point in 2024.
    assert_eq!(figure(&app, &manager, waiting).await, waiting_before + 2.0);
    assert_eq!(
        figure(&app, &manager, trajectories).await,
        trajectories_before + 1.0
    );
}

#[tokio::test]
async fn every_mistake_in_registrations_and_nominations_is_named_and_nothing_is_written() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let mut files = with_file(
        "toegangsmeldingen.csv",
        "clientnummer;soort;meldingsdatum;herkomstOpgegeven;uitkomst;uitkomstdatum;terugverwezenNaar;redenEinde;toelichting
K-003;traject;01-02-2024;;toegang-opvang;05-02-2024;;;
K-009;signaal;10-03-2023;;;;;;
K-002;signaal;10-03-2023;;toegang-opvang;12-03-2023;;;
K-001;Dreigend dakloos;01-06-2025;;Woning behouden;01-07-2025;;;
",
    );
    let nominations = "clientnummer;route;uitstroomUit;beschikkingsnummer;voordrachtdatum;gemeente;corporatie;adresgemeente;sleuteldatum;ingetrokkenOp;redenIntrekking;nazorgAanbieder;nazorgVanaf;nazorgTot;wonen;wonenPer;toelichting
K-001;pact;bw;IMP-2023-001;01-09-2025;GM0402;Ymere;;;;;;;;;;
K-004;pact;bw;IMP-2022-004;03-03-2025;GM1942;;GM1942;01-02-2026;;;;;;;;
K-002;urgentie;mo;;01-10-2025;GM0406;Pré Wonen;;;;;;;;;;
K-003;pact;mo;IMP-2023-002;01-10-2025;GM0402;;;;;;;;;;;
K-002;pact;mo;;01-10-2025;GM0392;;;;;;;;;;;
K-003;urgentie;mo;;01-05-2024;GM0402;dudok wonen;;;;;;;;;;
K-003;pact;mo;;01-06-2024;GM0402;;;;;;;;;;;
";
    for (name, bytes) in &mut files {
        if name == "voordrachten.csv" {
            *bytes = nominations.as_bytes().to_vec();
        }
    }
    let before = counts(&app).await;
    let audit_before = app.audit(100_000).await.len();

    let (status, body) = post(&app, &manager, &files, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        problems(&body),
        [
            "toegangsmeldingen.csv, regel 3, kolom clientnummer: clientnummer K-009 staat niet in clienten",
            "toegangsmeldingen.csv, regel 4, kolom uitkomst: een signaal is een adviesvraag en heeft geen uitkomst",
            "voordrachten.csv, regel 2, kolom corporatie: corporatie Ymere staat niet in zothuis; de corporaties van de regio zijn: Dudok Wonen, Woningstichting Het Gooi en Omstreken",
            "voordrachten.csv, regel 3, kolom corporatie: kies de corporatie van de toegewezen woning",
            "voordrachten.csv, regel 4, kolom corporatie: kies een corporatie van de regio",
            "voordrachten.csv, regel 5, kolom beschikkingsnummer: deze beschikking hoort bij een andere cliënt",
            "voordrachten.csv, regel 6, kolom gemeente: u draagt alleen uw eigen cliënten voor, in uw eigen regio",
            "voordrachten.csv, regel 8, kolom clientnummer: deze cliënt heeft ook een lopende voordracht op regel 7; een cliënt heeft één lopende voordracht tegelijk (vul bij de andere de sleuteldatum of de intrekking in)",
        ]
    );
    // All or nothing: not the good rows, not the clients, no audit rows.
    assert_eq!(counts(&app).await, before);
    assert_eq!(app.audit(100_000).await.len(), audit_before);
}

#[tokio::test]
async fn only_who_may_import_clients_imports_registrations_and_nominations() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let before = counts(&app).await;
    let journey = example(&JOURNEY);

    // The access point's own staff and a consultant may import no client
    // table: refused whole, and audited.
    for (role, scope) in [
        ("toegangsmedewerker", "regio:GV"),
        ("wmo-consulent", "gemeente:GM0406"),
    ] {
        let token = app.token(role, scope).await;
        let (status, body) = post(&app, &token, &journey, true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
        let last = app.last_audit().await;
        assert_eq!(
            (last.object_type.as_str(), last.outcome.as_str()),
            ("import", "geweigerd")
        );
    }

    // With a table of its own, the consultant's upload of these tables is a
    // problem naming each, and nothing is written.
    let consultant = app.token("wmo-consulent", "gemeente:GM0406").await;
    let mut mixed = example(&["toegangsmeldingen.csv", "voordrachten.csv"]);
    mixed.push((
        "hov-trajecten.csv".into(),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/import/voorbeeld-registers/hov-trajecten.csv"
        ))
        .unwrap(),
    ));
    let (status, body) = post(&app, &consultant, &mixed, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        problems(&body),
        [
            "toegangsmeldingen.csv, regel null, kolom -: u mag de tabel toegangsmeldingen niet importeren: alleen de wachtlijstbeheerder van de regio importeert cliënten",
            "voordrachten.csv, regel null, kolom -: u mag de tabel voordrachten niet importeren: alleen de wachtlijstbeheerder van de regio importeert cliënten",
        ]
    );
    assert_eq!(counts(&app).await, before);

    // The upload page offers them to the waitlist manager only.
    let manager = app.login("wachtlijst.gv").await;
    let page = app.page(&manager, "/import").await;
    assert!(page.contains("toegangsmeldingen") && page.contains("voordrachten"));
    let consultant = app.login("consulent.huizen").await;
    let page = app.page(&consultant, "/import").await;
    assert!(!page.contains("toegangsmeldingen") && !page.contains("voordrachten"));
}
