//! The OpenAPI document: served, committed, and following the design rules.

use reqwest::Client;
use serde_json::Value;
use zothuis_testkit::spawn_app;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn the_committed_document_matches_the_code() {
    let generated = zothuis_web::api::openapi().to_pretty_json().unwrap() + "\n";
    let path = committed_path();
    if std::env::var("ZOTHUIS_UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date: run ZOTHUIS_UPDATE_OPENAPI=1 cargo test -p zothuis --test api openapi"
    );
}

#[tokio::test]
async fn the_document_is_served_and_follows_the_nl_api_design_rules() {
    let app = spawn_app().await;
    let resp = Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["api-version"], "1.0.0");
    let doc: Value = resp.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["info"]["contact"]["email"].is_string());
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(!path.ends_with('/'), "no trailing slash: {path}");
        for segment in path
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
        {
            assert!(
                segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'),
                "kebab-case: {path}"
            );
        }
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "query" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        !name.contains('_')
                            && !name.contains('-')
                            && name.chars().next().unwrap().is_lowercase(),
                        "camelCase query key {name} in {method} {path}"
                    );
                }
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                assert!(
                    r["headers"]["API-Version"].is_object(),
                    "API-Version documented on {method} {path} {status}"
                );
            }
        }
    }
}

/// Collects properties without an example, looking into inline arrays and objects.
fn missing_examples(prefix: &str, schema: &Value, missing: &mut Vec<String>) {
    for (field, prop) in schema["properties"].as_object().into_iter().flatten() {
        let name = format!("{prefix}.{field}");
        if prop.get("$ref").is_some() || prop.get("allOf").is_some() || prop.get("oneOf").is_some()
        {
            continue;
        }
        if prop["type"] == "array" {
            if prop["items"].get("$ref").is_none() {
                missing_examples(&name, &prop["items"], missing);
            }
            continue;
        }
        if prop.get("example").is_none() && prop.get("examples").is_none() {
            missing.push(name);
        }
    }
}

#[test]
fn every_documented_field_has_an_example() {
    let doc: Value = serde_json::from_str(&zothuis_web::api::openapi().to_json().unwrap()).unwrap();
    let mut missing = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        missing_examples(name, schema, &mut missing);
    }
    assert!(missing.is_empty(), "fields without example: {missing:?}");
}
