//! A full disk: the real server binary on a SQLite database that cannot grow
//! much beyond what it holds. Writers register clients until it is full.
//! Every write that was answered 2xx must be stored and every refused one
//! must not be; a refusal is a Dutch problem+json 507 (or 503 for an I/O
//! error). After a SIGKILL and a restart with room again, the database holds
//! exactly the acknowledged writes and the audit chain is intact.
//!
//! Two ways to fill it, both without root: the operating system's file-size
//! limit (`ulimit -f`, RLIMIT_FSIZE), so that a write of the journal fails
//! in the kernel as on a full disk, at the commit; and zothuis's own
//! `[database] max_pages` (SQLite's `max_page_count`), which fails the
//! statement that needs one page more with SQLITE_FULL.

use crate::crash::{bsns, free_port, serve_command};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The `zothuis` binary on the data directory `dir`.
fn zothuis(dir: &str, args: &[&str]) -> Command {
    let mut c = crate::cli::zothuis();
    c.args(args).args(["--data-dir", dir]);
    c
}

/// Kills the server when the test ends, also on a failed assertion.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// How the database is kept from growing.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// No file of the server may grow beyond this many KiB.
    FileSize { kib: u64 },
    /// `[database] max_pages`.
    MaxPages(i64),
}

async fn serve(dir: &str, port: u16, limit: Option<Limit>) -> Server {
    let bind = format!("127.0.0.1:{port}");
    let c = match limit {
        None => zothuis(dir, &["serve", "--bind", &bind]),
        Some(Limit::MaxPages(pages)) => {
            let mut c = zothuis(dir, &["serve", "--bind", &bind]);
            c.env("ZOTHUIS__DATABASE__MAX_PAGES", pages.to_string());
            c
        }
        Some(Limit::FileSize { kib }) => {
            // bash counts `ulimit -f` in KiB. SIGXFSZ is ignored so that a
            // write beyond the limit fails with EFBIG, as one on a full disk
            // fails with ENOSPC, instead of killing the process.
            let plain = crate::cli::zothuis();
            let mut c = Command::new("bash");
            c.env_clear()
                .envs(plain.get_envs().filter_map(|(k, v)| Some((k, v?))));
            c.args([
                "-c",
                &format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""),
                env!("CARGO_BIN_EXE_zothuis"),
                "serve",
                "--bind",
                &bind,
                "--data-dir",
                dir,
            ]);
            c
        }
    };
    Server(serve_command(c, port).await)
}

fn sqlite_url(dir: &str) -> String {
    format!("sqlite://{dir}/zothuis.sqlite")
}

#[derive(Default)]
struct Outcome {
    /// (client id, BSN) of every write answered 2xx.
    acknowledged: Vec<(i64, String)>,
    /// (status, content type, body) of every refused write.
    refused: Vec<(StatusCode, String, Value)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_full_disk_every_acknowledged_write_is_stored_and_every_refusal_says_so() {
    // A quarter of a megabyte beyond the demo's file, then every commit
    // fails (the demo's pages have room for a few hundred registrations
    // before the file grows).
    fill_the_database(|db_kib, _| Limit::FileSize { kib: db_kib + 256 }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_configured_maximum_size_every_acknowledged_write_is_stored_and_refusals_are_507() {
    // Room for a few dozen registrations.
    fill_the_database(|_, pages| Limit::MaxPages(pages + 24)).await;
}

/// Registers clients over HTTP until the database is full under the limit
/// `limit(size of the file in KiB, pages)`, then checks what was stored.
async fn fill_the_database(limit: impl Fn(u64, i64) -> Limit) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap().to_string();
    let out = zothuis(&d, &["demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = zothuis(
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
        .unwrap()
        .to_string();

    let db_kib = std::fs::metadata(dir.path().join("zothuis.sqlite"))
        .unwrap()
        .len()
        / 1024;
    let pages: i64 = {
        let pool = sqlx::SqlitePool::connect(&sqlite_url(&d)).await.unwrap();
        let n = sqlx::query_scalar("pragma page_count")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    };
    let port = free_port();
    let limit = limit(db_kib, pages);
    let mut server = serve(&d, port, Some(limit)).await;
    let base = format!("http://127.0.0.1:{port}/api/v1");

    // Four writers, each until it was refused 15 times in a row.
    let outcome: Arc<Mutex<Outcome>> = Arc::default();
    let numbers = bsns(4 * 150);
    let mut writers = Vec::new();
    for w in 0..4usize {
        let (base, token, outcome) = (base.clone(), token.clone(), outcome.clone());
        let mine: Vec<String> = numbers[w * 150..(w + 1) * 150].to_vec();
        writers.push(tokio::spawn(async move {
            let client = Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let mut refused_in_a_row = 0;
            for (i, b) in mine.into_iter().enumerate() {
                let n = w * 150 + i;
                let r = client
                    .post(format!("{base}/clienten"))
                    .bearer_auth(&token)
                    .json(&json!({"voornaam": "Test", "achternaam": format!("Vol {n}"), "geboortedatum": "1990-01-01", "bsn": b, "afgeschermd": false}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let content_type = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                if status.is_success() {
                    refused_in_a_row = 0;
                    let id = body["id"].as_i64().unwrap();
                    outcome.lock().unwrap().acknowledged.push((id, b));
                } else {
                    refused_in_a_row += 1;
                    outcome
                        .lock()
                        .unwrap()
                        .refused
                        .push((status, content_type, body));
                    if refused_in_a_row == 15 {
                        return;
                    }
                }
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    // No clean shutdown: whatever the server did not commit is gone.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let outcome = std::mem::take(&mut *outcome.lock().unwrap());
    assert!(
        outcome.acknowledged.len() >= 5,
        "only {} writes fitted",
        outcome.acknowledged.len()
    );
    assert!(
        outcome.refused.len() >= 15,
        "the database never filled up ({} writes acknowledged)",
        outcome.acknowledged.len()
    );

    // Exactly the acknowledged writes are stored: none lost, none stored
    // that was refused.
    let stored: BTreeSet<i64> = {
        let pool = sqlx::SqlitePool::connect(&sqlite_url(&d)).await.unwrap();
        let ids: Vec<i64> =
            sqlx::query_scalar("select id from clients where family_name like 'Vol %'")
                .fetch_all(&pool)
                .await
                .unwrap();
        pool.close().await;
        ids.into_iter().collect()
    };
    let acknowledged: BTreeSet<i64> = outcome.acknowledged.iter().map(|(id, _)| *id).collect();
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} of {} writes answered 2xx were never stored: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    let refused_but_stored: Vec<_> = stored.difference(&acknowledged).collect();
    assert!(
        refused_but_stored.is_empty(),
        "refused writes were stored: {refused_but_stored:?}"
    );

    // Restart with room again: each acknowledged client reads back as answered.
    let port = free_port();
    let server = serve(&d, port, None).await;
    let client = Client::new();
    for (id, b) in &outcome.acknowledged {
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
    drop(server);
    let out = zothuis(&d, &["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "audit chain after the full disk: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Every refusal said so, in Dutch, as problem+json: 507 for a full
    // disk, 503 for a write the kernel refused otherwise (EFBIG is reported
    // by SQLite as an I/O error). A database at its configured size is full.
    for (status, content_type, body) in &outcome.refused {
        match limit {
            Limit::MaxPages(_) => {
                assert_eq!(*status, StatusCode::INSUFFICIENT_STORAGE, "{body}");
                assert_eq!(body["type"], "urn:zothuis:probleem:opslag-vol");
            }
            Limit::FileSize { .. } => assert!(
                *status == StatusCode::INSUFFICIENT_STORAGE
                    || *status == StatusCode::SERVICE_UNAVAILABLE,
                "{status} {body}"
            ),
        }
        assert_eq!(content_type, "application/problem+json");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("niet opgeslagen"), "{detail}");
    }
}
