//! Test helpers: `spawn_app()` starts zothuis on 127.0.0.1 port 0 with a fresh
//! database and a clock the test controls. The database is a SQLite file in a
//! temporary directory, or a new PostgreSQL database when
//! `ZOTHUIS_TEST_POSTGRES_URL` is set (see `db`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod db;
pub mod oidc;

use chrono::{TimeZone, Utc};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use zothuis_domain::Services;
use zothuis_domain::admin::RequestContext;
use zothuis_domain::audit::AuditRecord;
use zothuis_domain::clock::FixedClock;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::store::AuditFilter;
use zothuis_domain::store::Store;
use zothuis_web::{AppState, WebConfig};

pub struct TestApp {
    pub address: String,
    pub services: Services,
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
    pub db: Arc<db::TestDatabase>,
    /// Demo logins by username, after `seed_demo`.
    pub logins: HashMap<String, String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The second factor `login` sets up for the administrator (base32 of
/// 20 bytes).
pub const TEST_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The moment tests start at: a Monday morning.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 12, 9, 0, 0).unwrap()
}

/// zothuis on a fresh database of the backend the environment selects.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Default::default()).await
}

/// zothuis with other domain settings (e.g. lower login limits).
pub async fn spawn_app_with(settings: zothuis_domain::Settings) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    spawn_app_on(listener, settings).await
}

/// zothuis on a port bound already: for settings that must name zothuis's
/// own address (an identity provider's redirect URI).
pub async fn spawn_app_on(
    listener: tokio::net::TcpListener,
    settings: zothuis_domain::Settings,
) -> TestApp {
    let db = db::TestDatabase::create(db::backend_from_env()).await;
    let store = db.store.clone();
    serve_on(Arc::new(db), store, settings, Some(listener)).await
}

impl TestApp {
    /// A second zothuis server on the same database, with a store (and
    /// connections) of its own, as a second process would have.
    pub async fn spawn_twin(&self) -> TestApp {
        let store = self.db.open_again().await;
        let mut twin = serve_on(self.db.clone(), store, self.services.settings.clone(), None).await;
        twin.logins = self.logins.clone();
        twin
    }
}

async fn serve_on(
    db: Arc<db::TestDatabase>,
    store: Arc<dyn Store>,
    settings: zothuis_domain::Settings,
    listener: Option<tokio::net::TcpListener>,
) -> TestApp {
    // What the server logs at warning and error level (an internal error's
    // cause, say) is shown with the output of a test that fails.
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .with_test_writer()
        .try_init();
    let clock = Arc::new(FixedClock::new(start_time()));
    let services = Services::new(store.clone(), clock.clone(), settings);
    let state = AppState::new(services.clone(), WebConfig::default());
    let listener = match listener {
        Some(l) => l,
        None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
    };
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = zothuis_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await;
    });
    TestApp {
        address,
        services,
        store,
        clock,
        db,
        logins: HashMap::new(),
        shutdown: Some(tx),
    }
}

/// A client that keeps cookies and does not follow redirects, so tests see them.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Loads the demo data and remembers the logins.
    pub async fn seed_demo(&mut self) {
        let logins = zothuis_domain::demo::load(&self.services).await.unwrap();
        self.logins = logins
            .into_iter()
            .map(|l| (l.username, l.password))
            .collect();
    }

    /// Loads the demo data and its invented population (clients since 2022,
    /// up to the test clock's day).
    pub async fn seed_demo_population(&mut self) {
        self.seed_demo().await;
        let today = start_time().date_naive();
        zothuis_domain::demo::load_population(&self.services, today)
            .await
            .unwrap();
    }

    /// Logs in through the login form and returns the browser with its session.
    pub async fn login(&self, username: &str) -> Client {
        let password = self.logins.get(username).expect("demo user").clone();
        self.login_with(username, &password).await.0
    }

    /// Logs in and returns the browser and the login response.
    pub async fn login_with(&self, username: &str, password: &str) -> (Client, reqwest::Response) {
        let code = self.second_factor_code(username).await;
        self.submit_login(username, password, &code, "/").await
    }

    /// Fills in the login form in a new browser, with this second-factor
    /// code (empty: none) and the page to return to; redirects are not
    /// followed.
    pub async fn submit_login(
        &self,
        username: &str,
        password: &str,
        code: &str,
        back: &str,
    ) -> (Client, reqwest::Response) {
        let client = browser();
        let page = self.page(&client, "/inloggen").await;
        let resp = client
            .post(self.url("/inloggen"))
            .form(&[
                ("csrf", csrf_from(&page).as_str()),
                ("gebruikersnaam", username),
                ("wachtwoord", password),
                ("code", code),
                ("terug", back),
            ])
            .send()
            .await
            .unwrap();
        (client, resp)
    }

    /// Fetches a page as the signed-in browser and returns its HTML.
    pub async fn page(&self, client: &Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Fetches a page and returns its CSRF token (for posting a form).
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        csrf_from(&self.page(client, path).await)
    }

    /// An API token for a role and scope, as an administrator would create it.
    pub async fn token(&self, role: &str, scope: &str) -> String {
        self.services
            .create_token(
                &RequestContext::system("test"),
                &format!("test {role} {scope}"),
                role,
                scope,
            )
            .await
            .unwrap()
            .secret
    }

    /// The newest audit rows, newest first.
    pub async fn audit(&self, n: u32) -> Vec<AuditRecord> {
        self.store
            .list_audit(&AuditFilter::default(), PageRequest::new(Some(1), Some(n)))
            .await
            .unwrap()
            .items
    }

    /// The newest audit row that is not a read of the audit log itself.
    pub async fn last_audit(&self) -> AuditRecord {
        self.audit(1)
            .await
            .into_iter()
            .next()
            .expect("an audit row")
    }

    /// For a user whose role requires a second factor (the administrator):
    /// sets it up with `TEST_TOTP_SECRET`, forgetting the last accepted code
    /// so that tests can log in twice within 30 seconds of the fixed clock,
    /// and gives the code of the moment. For anyone else nothing.
    pub async fn second_factor_code(&self, username: &str) -> String {
        let Ok(Some(creds)) = self.store.find_credentials(username).await else {
            return String::new();
        };
        if !self.services.second_factor_required(creds.user.role) {
            return String::new();
        }
        let id = creds.user.id;
        let set = format!(
            "update users set totp_secret = '{TEST_TOTP_SECRET}', totp_last_step = null where id = {id}"
        );
        self.raw_sql(&set, &set).await;
        zothuis_domain::admin::second_factor::code_at(
            TEST_TOTP_SECRET,
            zothuis_domain::clock::Clock::now_micros(self.clock.as_ref()),
        )
        .unwrap()
    }

    /// Runs raw SQL on the database, as an attacker with database access
    /// could: the statement for SQLite or for PostgreSQL, whichever is in use.
    pub async fn raw_sql(&self, sqlite: &str, postgres: &str) {
        self.db.raw_sql(sqlite, postgres).await.unwrap();
    }
}

impl TestApp {
    /// Calls the JSON API with a bearer token and, if given, a JSON body and
    /// an `If-Match` header: the status, the body (`Null` when it is not
    /// JSON, e.g. empty) and the `ETag`, if any.
    pub async fn api(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> (StatusCode, Value, Option<String>) {
        let mut req = Client::new()
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let etag = resp
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let body = resp.json().await.unwrap_or(Value::Null);
        (status, body, etag)
    }

    /// `GET` on the JSON API (see [`TestApp::api`]).
    pub async fn api_get(&self, token: &str, path: &str) -> (StatusCode, Value, Option<String>) {
        self.api(Method::GET, token, path, None, None).await
    }

    /// `POST` of a JSON body to the API (see [`TestApp::api`]).
    pub async fn api_post(
        &self,
        token: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value, Option<String>) {
        self.api(Method::POST, token, path, Some(body), None).await
    }

    /// Posts a form as the signed-in browser, with the page's CSRF token
    /// first; the response, redirects not followed.
    pub async fn post_form(
        &self,
        browser: &Client,
        path: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let mut body = vec![("csrf", csrf)];
        body.extend_from_slice(fields);
        browser
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }
}

/// The names of the fields a problem+json body lists under `invalidParams`,
/// in its order; none when it lists none.
pub fn problem_fields(problem: &Value) -> Vec<String> {
    problem["invalidParams"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The `Location` header of a response (a redirect's target).
pub fn location(resp: &Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// The value of the hidden `versie` field in a page (the version a form was
/// read at, sent back for the optimistic lock).
pub fn hidden_version(html: &str) -> String {
    html.split("name=\"versie\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string()
}

/// Every `id` attribute in a page, in order, repeats included.
pub fn element_ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

/// Fails when an `id` occurs twice in the page at `path` (a label or an
/// error summary would then point at the wrong field).
pub fn assert_unique_ids(path: &str, html: &str) {
    let all = element_ids(html);
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "{path}: duplicate ids in {all:?}");
}

/// Every input, select and textarea has a label with its id.
pub fn assert_labelled(path: &str, html: &str) {
    for tag in ["<input", "<select", "<textarea"] {
        for rest in html.split(tag).skip(1) {
            let element = rest.split('>').next().unwrap();
            if element.contains("type=\"hidden\"") {
                continue;
            }
            let id = element
                .split(" id=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_else(|| panic!("{path}: {tag} without id: {element}"));
            assert!(
                html.contains(&format!("<label class=\"zt-label\" for=\"{id}\""))
                    || html.contains(&format!("<label for=\"{id}\"")),
                "{path}: no label for {id}"
            );
        }
    }
}

/// The headings' levels in order never skip one (h1, then h2, …).
pub fn assert_heading_order(path: &str, html: &str) {
    let mut previous = 0;
    for rest in html.split("<h").skip(1) {
        let Some(level) = rest.chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= previous + 1, "{path}: h{level} after h{previous}");
        previous = level;
    }
    assert!(html.contains("<h1>"), "{path}: no h1");
}

/// The part of a page after a table's caption, up to the next caption.
pub fn table_after<'a>(html: &'a str, caption: &str) -> &'a str {
    let start = html
        .find(&format!("<caption>{caption}"))
        .unwrap_or_else(|| panic!("{caption}: {html}"));
    let rest = &html[start + 9..];
    match rest.find("<caption>") {
        Some(end) => &rest[..end],
        None => rest,
    }
}

/// Everything a store can list, one line per record, sorted: two stores
/// with the same content give the same snapshot, whatever the backend.
pub async fn store_snapshot(store: &dyn Store) -> Vec<String> {
    fn lines<T: std::fmt::Debug>(kind: &str, items: Vec<T>) -> Vec<String> {
        items.iter().map(|i| format!("{kind}: {i:?}")).collect()
    }
    let mut out = Vec::new();
    out.extend(lines("regio", store.list_regions().await.unwrap()));
    for region in store.list_regions().await.unwrap() {
        out.extend(lines(
            "regime",
            store.list_regimes(region.id).await.unwrap(),
        ));
    }
    out.extend(lines(
        "gemeente",
        store.list_municipalities().await.unwrap(),
    ));
    out.extend(lines("aanbieder", store.list_providers().await.unwrap()));
    for product in store.list_products().await.unwrap() {
        out.extend(lines(
            "criterium",
            store.list_criteria(product.id).await.unwrap(),
        ));
        out.push(format!("product: {product:?}"));
    }
    for location in store.list_locations().await.unwrap() {
        out.extend(lines(
            "capaciteit",
            store.list_capacity(location.id).await.unwrap(),
        ));
        out.push(format!("locatie: {location:?}"));
    }
    out.extend(lines("gebruiker", store.list_users().await.unwrap()));
    out.extend(lines("token", store.list_tokens().await.unwrap()));
    for client in store
        .list_clients(&zothuis_domain::store::Clients::All)
        .await
        .unwrap()
    {
        out.extend(lines(
            "adres",
            store.list_addresses(client.id).await.unwrap(),
        ));
        out.push(format!("client: {client:?}"));
    }
    out.extend(lines(
        "aanmelding",
        store
            .list_applications(&zothuis_domain::store::Clients::All)
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "beschikking",
        store
            .list_decisions(&zothuis_domain::store::Clients::All)
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "afweging",
        store
            .list_assessments(&zothuis_domain::store::Clients::All, None)
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "plaatsing",
        store
            .list_entries(&zothuis_domain::store::Clients::All)
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "overgang",
        store.list_transitions(None).await.unwrap(),
    ));
    out.extend(lines("bespreking", store.list_reviews(None).await.unwrap()));
    out.extend(lines(
        "screening",
        store
            .list_screenings(&zothuis_domain::store::Clients::All, &Default::default())
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "verblijf",
        store
            .list_stay_headers(&zothuis_domain::store::Clients::All)
            .await
            .unwrap(),
    ));
    out.extend(lines(
        "verblijfsversie",
        store
            .list_stay_versions(&zothuis_domain::store::Clients::All)
            .await
            .unwrap(),
    ));
    for r in store
        .list_registrations(
            &zothuis_domain::store::Clients::All,
            None,
            zothuis_domain::history::END_OF_TIME,
        )
        .await
        .unwrap()
    {
        out.extend(lines(
            "meldingsversie",
            store.registration_versions(r.id).await.unwrap(),
        ));
    }
    out.extend(lines(
        "audit",
        store.audit_batch(0, i64::MAX).await.unwrap(),
    ));
    out.sort();
    out
}
