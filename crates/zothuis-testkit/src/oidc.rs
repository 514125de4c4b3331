//! A real OpenID provider for tests: node-oidc-provider, started by
//! `tests/oidc/provider.mjs` on 127.0.0.1 and stopped when dropped. The npm
//! packages are installed with `npm ci` when missing (once, under a lock,
//! however many tests start at the same time).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use zothuis_domain::admin::oidc::{GroupRule, LOGIN_MINUTES, OidcSettings, SECOND_FACTOR_AMR};
use zothuis_domain::admin::{Role, ScopeSpec};

pub const CLIENT_SECRET: &str = "test-geheim-van-zothuis";

pub struct TestIdp {
    pub issuer: String,
    child: Child,
}

impl Drop for TestIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `npm ci` in the workspace unless oidc-provider is there already.
fn ensure_installed() {
    let root = workspace();
    let installed = || {
        root.join("node_modules/oidc-provider/package.json")
            .exists()
    };
    if installed() {
        return;
    }
    let lock = root.join("target/.npm-ci-oidc");
    let _ = std::fs::create_dir_all(root.join("target"));
    let mut waited = 0;
    while std::fs::create_dir(&lock).is_err() {
        std::thread::sleep(Duration::from_millis(500));
        waited += 1;
        assert!(
            waited < 600,
            "wachten op npm ci duurt te lang ({})",
            lock.display()
        );
    }
    if !installed() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root)
            .status();
        let _ = std::fs::remove_dir(&lock);
        assert!(
            status.is_ok_and(|s| s.success()),
            "npm ci in {} mislukt: de tests met een OpenID-provider hebben Node en npm nodig",
            root.display()
        );
    } else {
        let _ = std::fs::remove_dir(&lock);
    }
}

impl TestIdp {
    /// Starts the provider with the client "zothuis" whose redirect URI is
    /// `redirect_uri`; `id_token_ttl` in seconds.
    pub fn start(redirect_uri: &str, id_token_ttl: u32) -> TestIdp {
        ensure_installed();
        let mut child = Command::new("node")
            .arg("tests/oidc/provider.mjs")
            .current_dir(workspace())
            .env("REDIRECT_URI", redirect_uri)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("ID_TOKEN_TTL", id_token_ttl.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starten (tests/oidc/provider.mjs)");
        let stdout = child.stdout.take().expect("stdout van de provider");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("de provider meldt zijn adres");
        let issuer = line
            .trim()
            .strip_prefix("issuer=")
            .unwrap_or_else(|| panic!("onverwachte eerste regel van de provider: {line:?}"))
            .to_string();
        TestIdp { issuer, child }
    }

    /// zothuis's settings for this provider: Huizen's Wmo group, the
    /// administrators' group.
    pub fn settings(&self, redirect_uri: &str) -> OidcSettings {
        OidcSettings {
            issuer: self.issuer.clone(),
            client_id: "zothuis".into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_url: redirect_uri.into(),
            scopes: vec!["profile".into(), "email".into(), "groups".into()],
            groups_claim: "groups".into(),
            label: "uw gemeente-account".into(),
            rules: vec![
                GroupRule {
                    group: "zothuis-wmo-huizen".into(),
                    role: Role::WmoConsulent,
                    scope: ScopeSpec::parse("gemeente:GM0406").unwrap(),
                },
                GroupRule {
                    group: "zothuis-beheer".into(),
                    role: Role::Beheerder,
                    scope: ScopeSpec::Installatie,
                },
            ],
            second_factor_amr: SECOND_FACTOR_AMR.iter().map(|s| s.to_string()).collect(),
            login_minutes: LOGIN_MINUTES,
        }
    }
}
