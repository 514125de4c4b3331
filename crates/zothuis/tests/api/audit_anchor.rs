//! The audit chain against its checkpoints outside the database: someone
//! with write access to the database file who cuts off the tail of the log,
//! or rewrites rows and recomputes every hash after them, leaves a chain
//! that is consistent in itself. `zothuis audit verify` finds both against
//! the checkpoints (signed with a key that is not in the database).

use std::process::Command;
use zothuis_domain::audit::{AuditRecord, ChainVerifier};

fn zothuis(dir: &str, args: &[&str]) -> Command {
    let mut c = crate::cli::zothuis();
    c.args(args).args(["--data-dir", dir]);
    c
}

/// (exit code, stdout)
fn run(dir: &str, args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = zothuis(dir, args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn add_user(dir: &str, name: &str) {
    let (code, out) = run(
        dir,
        &[
            "user",
            "add",
            "--name",
            name,
            "--role",
            "beheerder",
            "--scope",
            "installatie",
        ],
        "een sterk wachtwoord\n",
    );
    assert_eq!(code, 0, "{out}");
}

/// A log with two checkpoints (after verify runs), the last at its end and
/// the first two rows before it. Returns the data directory and the last
/// sequence number.
fn anchored_log() -> (tempfile::TempDir, i64) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    add_user(d, "anna");
    add_user(d, "bert");
    let (code, out) = run(d, &["audit", "verify"], "");
    assert_eq!(code, 0, "{out}");
    add_user(d, "cees");
    add_user(d, "dirk");
    let (code, out) = run(d, &["audit", "verify"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 controlepunten kloppen"), "{out}");
    let (code, out) = run(d, &["audit", "verify"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 controlepunten kloppen"), "{out}");
    let log = std::fs::read_to_string(dir.path().join("audit-controlepunten.log")).unwrap();
    let last: i64 = log
        .lines()
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (dir, last)
}

async fn pool(dir: &tempfile::TempDir) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}/zothuis.sqlite", dir.path().display()))
        .await
        .unwrap()
}

async fn rows(pool: &sqlx::SqlitePool) -> Vec<AuditRecord> {
    use sqlx::Row;
    sqlx::query("select * from audit_log order by seq")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| AuditRecord {
            seq: r.get("seq"),
            occurred_at: r.get("occurred_at"),
            actor_kind: r.get("actor_kind"),
            actor_id: r.get("actor_id"),
            actor_name: r.get("actor_name"),
            actor_role: r.get("actor_role"),
            on_behalf_of: r.get("on_behalf_of"),
            action: r.get("action"),
            object_type: r.get("object_type"),
            object_id: r.get("object_id"),
            client_id: r.get("client_id"),
            outcome: r.get("outcome"),
            origin: r.get("origin"),
            request_id: r.get("request_id"),
            details: r.get("details"),
            prev_hash: r.get("prev_hash"),
            hash: r.get("hash"),
            hash_version: r.get("hash_version"),
            details_digest: r.get("details_digest"),
        })
        .collect()
}

/// The hash chain on its own is whole: the attack is invisible without the
/// checkpoints.
fn chain_is_consistent(rows: &[AuditRecord]) {
    let mut v = ChainVerifier::default();
    for r in rows {
        v.check(r).unwrap();
    }
}

#[test]
fn an_untouched_anchored_log_verifies_and_the_key_is_private() {
    let (dir, _) = anchored_log();
    let (code, out) = run(dir.path().to_str().unwrap(), &["audit", "verify"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Auditlog intact"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("audit-sleutel"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the key is readable by its owner only");
    }
}

#[tokio::test]
async fn cutting_off_the_tail_of_the_log_is_found() {
    let (dir, last) = anchored_log();
    let pool = pool(&dir).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "drop trigger audit_log_no_delete; delete from audit_log where seq > {};",
        last - 2
    )))
    .execute(&pool)
    .await
    .unwrap();
    chain_is_consistent(&rows(&pool).await);
    pool.close().await;
    let (code, out) = run(dir.path().to_str().unwrap(), &["audit", "verify"], "");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("GEBROKEN bij regel {last}")) && out.contains("verwijderd"),
        "{out}"
    );
}

#[tokio::test]
async fn rewriting_the_tail_and_recomputing_every_hash_is_found() {
    let (dir, last) = anchored_log();
    let pool = pool(&dir).await;
    // The attacker removes the rows after the first checkpoint and writes
    // them again with another actor, each hash recomputed from the previous
    // one, exactly as zothuis would have written them.
    let original = rows(&pool).await;
    let from = last - 1;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "drop trigger audit_log_no_delete; drop trigger audit_log_no_update;
         delete from audit_log where seq >= {from};"
    )))
    .execute(&pool)
    .await
    .unwrap();
    let mut prev = original[(from - 2) as usize].hash.clone();
    for old in original.iter().filter(|r| r.seq >= from) {
        let mut r = old.clone();
        r.actor_name = "iemand anders".into();
        r.prev_hash = prev.clone();
        r.hash = r.compute_hash();
        prev = r.hash.clone();
        sqlx::query(
            "insert into audit_log (seq, occurred_at, actor_kind, actor_id, actor_name, actor_role,
                on_behalf_of, action, object_type, object_id, client_id, outcome, origin, request_id,
                details, prev_hash, hash, hash_version, details_digest)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                $18, $19)",
        )
        .bind(r.seq)
        .bind(r.occurred_at)
        .bind(&r.actor_kind)
        .bind(r.actor_id)
        .bind(&r.actor_name)
        .bind(&r.actor_role)
        .bind(&r.on_behalf_of)
        .bind(&r.action)
        .bind(&r.object_type)
        .bind(&r.object_id)
        .bind(r.client_id)
        .bind(&r.outcome)
        .bind(&r.origin)
        .bind(&r.request_id)
        .bind(&r.details)
        .bind(&r.prev_hash)
        .bind(&r.hash)
        .bind(r.hash_version)
        .bind(&r.details_digest)
        .execute(&pool)
        .await
        .unwrap();
    }
    chain_is_consistent(&rows(&pool).await);
    pool.close().await;
    let (code, out) = run(dir.path().to_str().unwrap(), &["audit", "verify"], "");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("GEBROKEN bij regel {last}")) && out.contains("herschreven"),
        "{out}"
    );
}

#[test]
fn without_the_key_the_log_is_not_declared_intact() {
    let (dir, _) = anchored_log();
    std::fs::remove_file(dir.path().join("audit-sleutel")).unwrap();
    let (code, out) = run(dir.path().to_str().unwrap(), &["audit", "verify"], "");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("NIET gecontroleerd") && out.contains("sleutel") && out.contains("ontbreekt"),
        "{out}"
    );
    // No new key was made behind the operator's back.
    assert!(!dir.path().join("audit-sleutel").exists());
}

#[test]
fn a_checkpoint_added_without_the_key_is_refused() {
    let (dir, last) = anchored_log();
    let log = dir.path().join("audit-controlepunten.log");
    let mut text = std::fs::read_to_string(&log).unwrap();
    let forged =
        text.lines()
            .last()
            .unwrap()
            .replacen(&last.to_string(), &(last + 1).to_string(), 1);
    text.push_str(&forged);
    text.push('\n');
    std::fs::write(&log, text).unwrap();
    let (code, out) = run(dir.path().to_str().unwrap(), &["audit", "verify"], "");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("niet met deze sleutel ondertekend"), "{out}");
}
