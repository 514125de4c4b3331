//! The command line, run as a separate process.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// The `zothuis` binary, without settings from the environment.
pub(crate) fn zothuis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zothuis"));
    c.env_remove("RUST_LOG");
    for (k, _) in std::env::vars() {
        if k.starts_with("ZOTHUIS__") {
            c.env_remove(k);
        }
    }
    c
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = zothuis()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_add_token_create_and_audit_verify_work_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(
        &[
            "user",
            "add",
            "--name",
            "eerste",
            "--role",
            "beheerder",
            "--scope",
            "installatie",
            "--data-dir",
            d,
        ],
        "een sterk wachtwoord\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Gebruiker eerste aangemaakt"));
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--name",
            "tweede",
            "--role",
            "beheerder",
            "--scope",
            "installatie",
            "--data-dir",
            d,
        ],
        "kort\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("minstens 12 tekens"), "{err}");
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--name",
            "derde",
            "--role",
            "koning",
            "--scope",
            "installatie",
            "--data-dir",
            d,
        ],
        "een sterk wachtwoord\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("onbekende rol"), "{err}");
    let (code, out, _) = run(
        &[
            "token",
            "create",
            "--role",
            "beheerder",
            "--scope",
            "installatie",
            "--data-dir",
            d,
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.trim().starts_with("zth_") && out.trim().len() == 68,
        "{out}"
    );
    let (code, out, _) = run(&["audit", "verify", "--data-dir", d], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Auditlog intact"), "{out}");
}

#[tokio::test]
async fn audit_verify_reports_the_first_altered_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for name in ["anna", "bert", "cees"] {
        let (code, ..) = run(
            &[
                "user",
                "add",
                "--name",
                name,
                "--role",
                "beheerder",
                "--scope",
                "installatie",
                "--data-dir",
                d,
            ],
            "een sterk wachtwoord\n",
        );
        assert_eq!(code, 0);
    }
    let url = format!("sqlite://{}/zothuis.sqlite", d);
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "drop trigger audit_log_no_update; drop trigger audit_log_erase_only;
         update audit_log set details = '{}' where seq = 2;",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (code, out, _) = run(&["audit", "verify", "--data-dir", d], "");
    assert_ne!(code, 0);
    assert!(out.contains("GEBROKEN bij regel 2"), "{out}");
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = zothuis()
        .args(["migrate", "--data-dir", dir.path().to_str().unwrap()])
        .env("ZOTHUIS__DATABASE__URL", "mysql://localhost/zothuis")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("onbekend database-adres"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file was created"
    );
}

#[test]
fn serve_with_demo_prints_logins_and_answers_on_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = zothuis()
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let address = loop {
        let line = lines.next().expect("server output").unwrap();
        if let Some(addr) = line.strip_prefix("zothuis draait op ") {
            break addr.to_string();
        }
        seen.push(line);
    };
    let text = seen.join("\n");
    for user in [
        "beheerder",
        "wachtlijst.gv",
        "consulent.huizen",
        "aanbieder.kwintes",
        "beleid.gv",
        "bestuurder.gv",
        "fg.gv",
    ] {
        assert!(text.contains(user), "login for {user} printed");
    }
    assert!(dir.path().join("demo-logins.txt").exists());
    let body = reqwest::blocking_get(&format!("{address}/inloggen"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.contains("Inloggen"));
}

mod reqwest {
    /// A minimal HTTP GET over a plain TCP socket, to keep this test synchronous.
    pub fn blocking_get(url: &str) -> String {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest
            .split_once('/')
            .map(|(h, p)| (h, format!("/{p}")))
            .unwrap();
        let mut s = std::net::TcpStream::connect(host).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
}

#[test]
fn import_checks_with_dry_run_then_imports_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["demo", "--data-dir", d], "");
    assert_eq!(code, 0, "{out}{err}");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import/voorbeeld");
    let files: Vec<String> = [
        "clienten.csv",
        "adressen.csv",
        "beschikkingen.csv",
        "wachtlijst.csv",
        "verblijven.csv",
    ]
    .iter()
    .map(|f| format!("{example}/{f}"))
    .collect();
    let mut args = vec!["import", "--dry-run", "--data-dir", d];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Gecontroleerd, geen problemen: 4 cliënten"),
        "{out}"
    );

    args.remove(1);
    let (code, out, err) = run(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Geïmporteerd: 4 cliënten"), "{out}");

    let (code, out, _) = run(&args, "");
    assert_eq!(code, 1);
    assert!(out.contains("clienten.csv, regel 2, kolom bsn"), "{out}");
    assert!(out.contains("er is niets geïmporteerd"), "{out}");
}

/// Every table of a database as text, for comparing two databases.
async fn dump(db: &std::path::Path) -> Vec<(String, String)> {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select name from pragma_table_info('{t}')"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let expr = cols
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        // Table and column names come from the database itself.
        let text: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select group_concat(r, char(10)) from (select {expr} as r from \"{t}\" order by rowid)"
        )))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        out.push((t, text.unwrap_or_default()));
    }
    out
}

#[tokio::test]
async fn backup_while_running_and_restore_give_back_every_table() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (da, db) = (a.path().to_str().unwrap(), b.path().to_str().unwrap());
    let (code, out, err) = run(&["demo", "--data-dir", da], "");
    assert_eq!(code, 0, "{out}{err}");
    let backup = a.path().join("backup.sqlite");
    let backup_s = backup.to_str().unwrap();
    let (code, out, err) = run(&["backup", backup_s, "--data-dir", da], "");
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(&["backup", backup_s, "--data-dir", da], "");
    assert_eq!(code, 1);
    assert!(err.contains("bestaat al"), "{err}");

    let (code, out, err) = run(&["restore", backup_s, "--data-dir", db], "");
    assert_eq!(code, 0, "{out}{err}");
    let original = dump(&a.path().join("zothuis.sqlite")).await;
    let restored = dump(&b.path().join("zothuis.sqlite")).await;
    assert!(original.len() > 20);
    assert!(
        original
            .iter()
            .any(|(t, text)| t == "clients" && !text.is_empty())
    );
    assert_eq!(original, restored);

    let (code, _, err) = run(&["restore", backup_s, "--data-dir", db], "");
    assert_eq!(
        code, 1,
        "an existing database is not replaced without --force"
    );
    assert!(err.contains("--force"), "{err}");
    let junk = b.path().join("junk.sqlite");
    std::fs::write(&junk, "geen database").unwrap();
    let (code, _, err) = run(
        &[
            "restore",
            junk.to_str().unwrap(),
            "--force",
            "--data-dir",
            db,
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("geen bruikbare zothuis-backup"), "{err}");
    assert_eq!(dump(&b.path().join("zothuis.sqlite")).await, original);
}

#[tokio::test]
async fn migrate_data_moves_an_installation_from_sqlite_to_postgresql() {
    use zothuis_testkit::db::{Backend, TestDatabase};
    if !TestDatabase::available().contains(&Backend::Postgres) {
        eprintln!("overgeslagen: ZOTHUIS_TEST_POSTGRES_URL is niet gezet");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["demo", "--data-dir", d], "");
    assert_eq!(code, 0, "{err}");
    let from = format!("sqlite://{d}/zothuis.sqlite");
    let target = TestDatabase::create(Backend::Postgres).await;

    // Wrong directions and missing sources are refused before anything is written.
    let (code, _, err) = run(&["migrate-data", "--from", &target.url, "--to", &from], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("--from moet een SQLite-database zijn"),
        "{err}"
    );
    let missing = format!("sqlite://{d}/bestaat-niet.sqlite");
    let (code, _, err) = run(
        &["migrate-data", "--from", &missing, "--to", &target.url],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("bestaat niet"), "{err}");
    assert!(!dir.path().join("bestaat-niet.sqlite").exists());

    // The demo's clients: 215 in the journey, 322 registered at the
    // regions' access points for shelter, and those placed Onder de Pannen
    // or nominated from detention up to today (over a hundred).
    use zothuis_domain::store::ClientStore as _;
    let clients = zothuis_store_sqlite::SqliteStore::open(&from)
        .await
        .unwrap()
        .list_clients(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()
        .len();
    assert!(clients > 537 + 100, "{clients}");
    let (code, out, err) = run(&["migrate-data", "--from", &from, "--to", &target.url], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("clients: {clients} rijen")), "{out}");
    assert!(out.contains("shelter_report_versions: "), "{out}");
    assert!(out.contains("auditlog intact"), "{out}");

    // Everything the application can read is the same on both.
    let source = zothuis_store_sqlite::SqliteStore::open(&from)
        .await
        .unwrap();
    let before = zothuis_testkit::store_snapshot(&source).await;
    let after = zothuis_testkit::store_snapshot(target.store.as_ref()).await;
    assert!(before.len() > 3000, "{}", before.len());
    assert_eq!(before, after);

    // New rows continue after the copied ids.
    let services = zothuis_domain::Services::new(
        target.store.clone(),
        std::sync::Arc::new(zothuis_domain::clock::SystemClock),
        Default::default(),
    );
    let user = services
        .create_user(
            &zothuis_domain::admin::RequestContext::system("test"),
            &zothuis_domain::admin::NewUserInput {
                username: "nieuw".into(),
                display_name: "Nieuwe gebruiker".into(),
                role: "beleidsadviseur".into(),
                scope: "regio:GV".into(),
                password: "een lang genoeg wachtwoord".into(),
            },
        )
        .await
        .unwrap();
    assert!(user.id > 12, "{}", user.id);

    // A second run finds the target in use and changes nothing.
    let (code, _, err) = run(&["migrate-data", "--from", &from, "--to", &target.url], "");
    assert_eq!(code, 1);
    assert!(err.contains("bevat al gegevens"), "{err}");
}

#[tokio::test]
async fn a_postgres_url_selects_postgresql_and_file_backups_point_to_pg_dump() {
    use zothuis_testkit::db::{Backend, TestDatabase};
    // Without a server: the file-level commands explain what to use instead.
    let dir = tempfile::tempdir().unwrap();
    let out = zothuis()
        .args(["backup", dir.path().join("b.sqlite").to_str().unwrap()])
        .env(
            "ZOTHUIS__DATABASE__URL",
            "postgres://zothuis@127.0.0.1:1/zothuis",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump"), "{err}");
    assert!(!dir.path().join("b.sqlite").exists());

    if !TestDatabase::available().contains(&Backend::Postgres) {
        eprintln!("overgeslagen: ZOTHUIS_TEST_POSTGRES_URL is niet gezet");
        return;
    }
    let db = TestDatabase::create(Backend::Postgres).await;
    let with_db = |args: &[&str]| {
        zothuis()
            .args(args)
            .env("ZOTHUIS__DATABASE__URL", &db.url)
            .output()
            .unwrap()
    };
    let out = with_db(&["demo", "--data-dir", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With its data directory: verify keeps the checkpoints of the audit
    // chain there (the key and the checkpoint file), whichever the database.
    let out = with_db(&[
        "audit",
        "verify",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Auditlog intact"));
    // The data went to PostgreSQL, not to a file in the data directory.
    assert!(!dir.path().join("zothuis.sqlite").exists());
    // 215 in the journey, 322 at the access points, and over a hundred
    // placed Onder de Pannen or nominated from detention up to today.
    let clients = db
        .store
        .list_clients(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()
        .len();
    assert!(clients > 537 + 100, "{clients}");
}

#[test]
fn bench_data_and_bench_write_a_results_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("landelijk.sqlite");
    let out = dir.path().join("bench").join("RESULTS.md");
    let (code, stdout, err) = run(
        &[
            "bench-data",
            "--out",
            data.to_str().unwrap(),
            "--personen",
            "800",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("clients: 800 rijen"), "{stdout}");
    // A second run does not overwrite the data set.
    let (code, _, err) = run(
        &[
            "bench-data",
            "--out",
            data.to_str().unwrap(),
            "--personen",
            "10",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("bestaat al"), "{err}");
    let (code, _, err) = run(
        &[
            "bench",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--herhalingen",
            "1",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let results = std::fs::read_to_string(&out).unwrap();
    for line in [
        "| municipalities | 342 |",
        "| regions | 44 |",
        "full national set",
        "regional dashboard page",
        "peak memory",
        "agree",
    ] {
        assert!(results.contains(line), "{line}: {results}");
    }
}

#[test]
fn a_policy_plan_loads_from_its_file_exports_and_reloads_as_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["demo", "--data-dir", d], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("Beleidsplan geladen: ").count(), 2, "{out}");
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/beleidsplan/voorbeeld.json"
    );
    let (code, out, err) = run(&["plan", "laden", example, "--data-dir", d], "");
    assert_eq!(code, 0, "{err}");
    // The demo loaded its two plans; this one is the third.
    assert!(out.contains("geladen (plan 3, versie"), "{out}");
    let (code, out, _) = run(&["plan", "exporteren", "3", "--data-dir", d], "");
    assert_eq!(code, 0);
    let exported: serde_json::Value = serde_json::from_str(&out).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    assert_eq!(exported, original, "the export is the plan as loaded");
    // Loading it again makes a new version of the same plan.
    let (code, out, _) = run(&["plan", "laden", example, "--data-dir", d], "");
    assert_eq!(code, 0);
    assert!(out.contains("(plan 3, versie"), "{out}");
    // A broken file names every problem and loads nothing.
    let broken = dir.path().join("kapot.json");
    std::fs::write(
        &broken,
        std::fs::read_to_string(example)
            .unwrap()
            .replace("\"GV\"", "\"XX\"")
            .replace("\"1A\"", "\"A1\""),
    )
    .unwrap();
    let (code, out, _) = run(
        &["plan", "laden", broken.to_str().unwrap(), "--data-dir", d],
        "",
    );
    assert_eq!(code, 1);
    assert!(out.contains("regionaleParagraaf[0].code"), "{out}");
    assert!(out.contains("Er is niets geladen."), "{out}");
    let (code, out, _) = run(&["audit", "verify", "--data-dir", d], "");
    assert_eq!(code, 0, "{out}");
}
