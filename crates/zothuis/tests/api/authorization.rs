//! The authorisation matrix: every role against every endpoint of the
//! foundation, over the API and on the pages.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use zothuis_testkit::{TestApp, spawn_app};

const ROLES: [(&str, &str); 9] = [
    ("beheerder", "installatie"),
    ("wachtlijstbeheerder", "regio:GV"),
    ("wmo-consulent", "gemeente:GM0406"),
    ("aanbieder", "aanbieder:1"),
    ("aanbieder-ander", "aanbieder:4"),
    ("beleidsadviseur", "gemeente:GM0406"),
    ("bestuurder", "regio:GV"),
    ("fg", "regio:GV"),
    // The demo's first corporation: Het Gooi en Omstreken.
    ("corporatie", "corporatie:1"),
];

#[derive(Clone, Copy)]
enum Who {
    Everyone,
    Admin,
    Fg,
    /// Administrator, or the provider owning the location (Kwintes, id 1).
    AdminOrOwnProvider,
    /// Staff of a housing corporation, for its own view.
    Corporation,
}

fn allowed(who: Who, role: &str) -> bool {
    match who {
        Who::Everyone => true,
        Who::Admin => role == "beheerder",
        Who::Fg => role == "fg",
        Who::AdminOrOwnProvider => role == "beheerder" || role == "aanbieder",
        Who::Corporation => role == "corporatie",
    }
}

struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    who: Who,
}

async fn cases(app: &TestApp) -> Vec<Case> {
    let c = Client::new();
    let admin = app.token("beheerder", "installatie").await;
    let locations: Value = c
        .get(app.url("/api/v1/locaties?aanbiederId=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let loc = &locations["resultaten"][0];
    let (loc_id, product) = (
        loc["id"].as_i64().unwrap(),
        loc["productIds"][0].as_i64().unwrap(),
    );
    let get = |p: &str| Case {
        method: Method::GET,
        path: p.into(),
        body: None,
        who: Who::Everyone,
    };
    let admin_case = |m: Method, p: &str, b: Value| Case {
        method: m,
        path: p.into(),
        body: Some(b),
        who: Who::Admin,
    };
    vec![
        get("/api/v1/regios"),
        get("/api/v1/regios/1"),
        get("/api/v1/gemeenten"),
        get("/api/v1/gemeenten/GM0406"),
        get("/api/v1/aanbieders"),
        get("/api/v1/aanbieders/1"),
        get("/api/v1/producten"),
        get("/api/v1/producten/1"),
        get("/api/v1/locaties"),
        get(&format!("/api/v1/locaties/{loc_id}")),
        get(&format!("/api/v1/locaties/{loc_id}/capaciteit")),
        get("/api/v1/regios/2/regimes"),
        admin_case(
            Method::POST,
            "/api/v1/regios/2/regimes",
            json!({"regime": "woonplaatsbeginsel", "geldigVanaf": "2027-01-01"}),
        ),
        admin_case(
            Method::POST,
            "/api/v1/regios",
            json!({"code": "X", "naam": "X"}),
        ),
        admin_case(
            Method::PUT,
            "/api/v1/regios/2",
            json!({"code": "ZKIH", "naam": "Z"}),
        ),
        admin_case(Method::DELETE, "/api/v1/regios/99", json!({})),
        admin_case(
            Method::POST,
            "/api/v1/gemeenten",
            json!({"code": "GM0001", "naam": "X", "regioId": 1}),
        ),
        admin_case(
            Method::PUT,
            "/api/v1/gemeenten/GM0406",
            json!({"naam": "Huizen", "regioId": 1}),
        ),
        admin_case(Method::DELETE, "/api/v1/gemeenten/GM0001", json!({})),
        admin_case(Method::POST, "/api/v1/aanbieders", json!({"naam": "X"})),
        admin_case(
            Method::PUT,
            "/api/v1/aanbieders/2",
            json!({"naam": "Leger des Heils"}),
        ),
        admin_case(Method::DELETE, "/api/v1/aanbieders/99", json!({})),
        get("/api/v1/corporaties"),
        get("/api/v1/corporaties/1"),
        admin_case(
            Method::POST,
            "/api/v1/corporaties",
            json!({"naam": "X", "regioId": 1}),
        ),
        admin_case(
            Method::PUT,
            "/api/v1/corporaties/2",
            json!({"naam": "Dudok Wonen", "regioId": 1}),
        ),
        admin_case(Method::DELETE, "/api/v1/corporaties/99", json!({})),
        Case {
            method: Method::GET,
            path: "/api/v1/corporatie-voordrachten".into(),
            body: None,
            who: Who::Corporation,
        },
        admin_case(
            Method::POST,
            "/api/v1/producten",
            json!({"code": "X", "naam": "X", "productcategorie": "18", "soort": "kortdurend", "tariefeenheid": "per-dag"}),
        ),
        admin_case(
            Method::PUT,
            "/api/v1/producten/1",
            json!({"code": "BW-INT", "naam": "BW", "productcategorie": "15", "soort": "intramuraal", "tariefeenheid": "per-dag"}),
        ),
        admin_case(Method::DELETE, "/api/v1/producten/99", json!({})),
        admin_case(
            Method::POST,
            "/api/v1/locaties",
            json!({"naam": "X", "aanbiederId": 1, "gemeenteCode": "GM0406"}),
        ),
        admin_case(
            Method::PUT,
            &format!("/api/v1/locaties/{loc_id}"),
            json!({"naam": "X", "aanbiederId": 1, "gemeenteCode": "GM0402", "productIds": [product]}),
        ),
        admin_case(Method::DELETE, "/api/v1/locaties/999", json!({})),
        Case {
            method: Method::POST,
            path: format!("/api/v1/locaties/{loc_id}/capaciteit"),
            body: Some(
                json!({"productId": product, "aantalPlekken": 7, "geldigVanaf": "2026-02-01"}),
            ),
            who: Who::AdminOrOwnProvider,
        },
        Case {
            method: Method::GET,
            path: "/api/v1/gebruikers".into(),
            body: None,
            who: Who::Admin,
        },
        Case {
            method: Method::GET,
            path: "/api/v1/gebruikers/1".into(),
            body: None,
            who: Who::Admin,
        },
        admin_case(
            Method::POST,
            "/api/v1/gebruikers",
            json!({"gebruikersnaam": "nieuw", "naam": "N", "rol": "fg", "scope": "regio:GV", "wachtwoord": "twaalf tekens of meer"}),
        ),
        admin_case(
            Method::PUT,
            "/api/v1/gebruikers/2",
            json!({"naam": "W", "rol": "wachtlijstbeheerder", "scope": "regio:GV", "actief": true}),
        ),
        Case {
            method: Method::GET,
            path: "/api/v1/api-tokens".into(),
            body: None,
            who: Who::Admin,
        },
        admin_case(
            Method::POST,
            "/api/v1/api-tokens",
            json!({"naam": "t", "rol": "fg", "scope": "regio:GV"}),
        ),
        admin_case(Method::DELETE, "/api/v1/api-tokens/999", json!({})),
        Case {
            method: Method::GET,
            path: "/api/v1/auditlog".into(),
            body: None,
            who: Who::Fg,
        },
    ]
}

#[tokio::test]
async fn every_role_gets_exactly_the_api_access_the_policy_gives_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let cases = cases(&app).await;
    let c = Client::new();
    for (role, scope) in ROLES {
        let token = app.token(role.trim_end_matches("-ander"), scope).await;
        for case in &cases {
            let mut req = c
                .request(case.method.clone(), app.url(&case.path))
                .bearer_auth(&token);
            if matches!(case.method, Method::PUT | Method::DELETE) {
                // A stale version: allowed callers get 412/404, never a change.
                req = req.header("If-Match", "\"v0\"");
            }
            if let Some(b) = &case.body {
                req = req.json(b);
            }
            let status = req.send().await.unwrap().status();
            let expect = allowed(case.who, role);
            if expect {
                assert!(
                    status != StatusCode::FORBIDDEN
                        && status != StatusCode::UNAUTHORIZED
                        && !status.is_server_error(),
                    "{role} {} {} → {status}",
                    case.method,
                    case.path
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {} {}",
                    case.method,
                    case.path
                );
            }
        }
    }
}

#[tokio::test]
async fn every_role_gets_exactly_the_pages_the_policy_gives_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let pages: [(&str, Who); 14] = [
        ("/", Who::Everyone),
        ("/referentie", Who::Everyone),
        ("/referentie/regios/nieuw", Who::Admin),
        ("/referentie/regios/1/wijzigen", Who::Admin),
        ("/referentie/gemeenten/nieuw", Who::Admin),
        ("/referentie/aanbieders/nieuw", Who::Admin),
        ("/referentie/corporaties/nieuw", Who::Admin),
        ("/referentie/producten/nieuw", Who::Admin),
        ("/referentie/locaties/nieuw", Who::Admin),
        ("/beheer/gebruikers", Who::Admin),
        ("/beheer/gebruikers/nieuw", Who::Admin),
        ("/beheer/api-tokens", Who::Admin),
        ("/auditlog", Who::Fg),
        ("/corporatie", Who::Corporation),
    ];
    let users = [
        ("beheerder", "beheerder"),
        ("wachtlijst.gv", "wachtlijstbeheerder"),
        ("consulent.huizen", "wmo-consulent"),
        ("aanbieder.kwintes", "aanbieder"),
        ("beleid.gv", "beleidsadviseur"),
        ("bestuurder.gv", "bestuurder"),
        ("fg.gv", "fg"),
        ("corporatie.gooi", "corporatie"),
    ];
    for (user, role) in users {
        let client = app.login(user).await;
        for (path, who) in pages {
            let resp = client.get(app.url(path)).send().await.unwrap();
            let expect = if allowed(who, role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(resp.status(), expect, "{user} {path}");
            if !allowed(who, role) {
                assert!(
                    resp.text().await.unwrap().contains("Geen toegang"),
                    "{user} {path}"
                );
            }
        }
    }
}
