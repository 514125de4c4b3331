//! Crash safety: the real server binary takes a stream of writes over
//! loopback and is killed with SIGKILL in the middle. After a restart every
//! write that was answered with 2xx is there, the audit chain is intact and
//! (on SQLite) `PRAGMA integrity_check` is ok. On every backend available
//! (SQLite always; PostgreSQL when ZOTHUIS_TEST_POSTGRES_URL is set).

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zothuis_testkit::db::{Backend, TestDatabase};

/// The `zothuis` binary on the database at `url`.
fn zothuis_in(url: &str) -> Command {
    let mut c = crate::cli::zothuis();
    c.env("ZOTHUIS__DATABASE__URL", url);
    c
}

/// A subcommand with its arguments, on `url` with data directory `dir`.
fn zothuis(url: &str, dir: &str, args: &[&str]) -> Command {
    let mut c = zothuis_in(url);
    c.args(args).args(["--data-dir", dir]);
    c
}

pub(crate) fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Starts `zothuis serve` and waits until it answers.
async fn serve(url: &str, dir: &str, port: u16) -> Child {
    serve_command(
        zothuis(url, dir, &["serve", "--bind", &format!("127.0.0.1:{port}")]),
        port,
    )
    .await
}

/// Starts a `zothuis serve` command bound to `port` and waits until it
/// answers.
pub(crate) async fn serve_command(mut command: Command, port: u16) -> Child {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let probe = format!("http://127.0.0.1:{port}/api/v1/openapi.json");
    while Instant::now() < deadline {
        if let Ok(r) = Client::new().get(&probe).send().await
            && r.status() == StatusCode::OK
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().ok();
    child.wait().ok();
    panic!("zothuis did not start on port {port}");
}

/// BSNs from the test range that pass the elfproef, above those the demo
/// population uses.
pub(crate) fn bsns(count: usize) -> Vec<String> {
    (999_950_000u32..)
        .map(|n| n.to_string())
        .filter(|c| zothuis_domain::clients::Bsn::parse(c).is_ok())
        .take(count)
        .collect()
}

async fn crash_and_recover(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap().to_string();
    let out = zothuis(&db.url, &d, &["demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = zothuis(
        &db.url,
        &d,
        &[
            "token",
            "create",
            "--role",
            "wmo-consulent",
            "--scope",
            "gemeente:GM0406",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("zth_"))
        .unwrap_or_else(|| panic!("no token in {}", String::from_utf8_lossy(&out.stdout)))
        .to_string();

    let port = free_port();
    let mut server = serve(&db.url, &d, port).await;
    let base = format!("http://127.0.0.1:{port}/api/v1");
    // Four writers register clients until the server is gone.
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut writers = Vec::new();
    let numbers = bsns(4 * 150);
    for w in 0..4usize {
        let (base, token, acknowledged) = (base.clone(), token.clone(), acknowledged.clone());
        let mine: Vec<String> = numbers[w * 150..(w + 1) * 150].to_vec();
        writers.push(tokio::spawn(async move {
            let client = Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            for (i, b) in mine.into_iter().enumerate() {
                let n = w * 150 + i;
                let r = client
                    .post(format!("{base}/clienten"))
                    .bearer_auth(&token)
                    .json(&json!({"voornaam": "Test", "achternaam": format!("Crash {n}"), "geboortedatum": "1990-01-01", "bsn": b, "afgeschermd": false}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        if let Some(id) = body["id"].as_i64() {
                            acknowledged.lock().unwrap().push((id, b));
                        }
                    }
                    Ok(r) => panic!("a write was refused: {}", r.status()),
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill it in the middle of the stream.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < 80 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL on Unix
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 80,
        "only {} writes",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < 600,
        "the kill came after the stream ended"
    );

    // Restart: every acknowledged write is there, exactly as answered.
    let port = free_port();
    let mut server = serve(&db.url, &d, port).await;
    let client = Client::new();
    for (id, b) in &acknowledged {
        let r = client
            .get(format!("http://127.0.0.1:{port}/api/v1/clienten/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "client {id} lost");
        let c: Value = r.json().await.unwrap();
        assert_eq!(c["bsn"], b.as_str());
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let out = zothuis(&db.url, &d, &["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "audit chain after the crash: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    if backend == Backend::Sqlite {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let check: String = sqlx::query_scalar("pragma integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_answered_2xx_survive_a_sigkill_on_every_backend() {
    for backend in TestDatabase::available() {
        crash_and_recover(backend).await;
    }
}
