//! Settlement between the municipalities of a region and the transition
//! calculator, through the services: statements by hand from one stay
//! and one tariff, balances that add up to nil, a published statement
//! frozen against a later correction, distribution keys checked row by
//! row, and who may see and do what, each with its audit row.

use crate::finance::{Setup, TARIFFS, acting, created, setup, stay, tariff};
use reqwest::{Method, StatusCode};
use serde_json::json;
use zothuis_domain::DomainError;
use zothuis_domain::admin::RequestContext;
use zothuis_domain::finance::Bedrag;
use zothuis_domain::finance::budget::{BudgetLineInput, BudgetVersionInput};
use zothuis_domain::finance::service::BudgetInput;
use zothuis_domain::finance::settlement::{Aandeel, KeyInput};
use zothuis_domain::finance::settlement_service::{SettlementRequest, TransitionRequest};
use zothuis_testkit::{TestApp, spawn_app};

const HILVERSUM: &str = "GM0402";
const HUIZEN: &str = "GM0406";

/// A key of the GV municipalities: `shares` for the ones named, 0 for the
/// rest.
async fn key(app: &TestApp, kind: &str, shares: &[(&str, &str)]) -> KeyInput {
    let gv = region(app).await;
    let rows = app
        .store
        .list_municipalities()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.region_id == gv)
        .map(|m| {
            let share = shares
                .iter()
                .find(|(c, _)| *c == m.code.as_str())
                .map_or("0", |(_, s)| s);
            (m.code.as_str().to_string(), share.to_string())
        })
        .collect();
    KeyInput {
        kind: kind.into(),
        name: format!("Sleutel {kind}"),
        source: Some("Toets".into()),
        shares: rows,
    }
}

async fn region(app: &TestApp) -> i64 {
    app.store
        .find_region_by_code("GV")
        .await
        .unwrap()
        .unwrap()
        .id
}

fn request(period: &str, agreement: &str, key: Option<i64>) -> SettlementRequest {
    SettlementRequest {
        period: period.into(),
        agreement: agreement.into(),
        key_id: key.map(|k| k.to_string()),
        known_at: None,
    }
}

/// (municipality, cost, contribution, balance) of the lines with money.
fn money(
    lines: &[zothuis_domain::finance::settlement::StatementLine],
) -> Vec<(String, i64, i64, i64)> {
    lines
        .iter()
        .filter(|l| l.kosten != 0 || l.bijdrage != 0)
        .map(|l| (l.gemeente.clone(), l.kosten, l.bijdrage, l.saldo))
        .collect()
}

async fn priced(app: &mut TestApp) -> (Setup, RequestContext, serde_json::Value) {
    let s = setup(app).await;
    created(app, &s.officer, TARIFFS, tariff(&s, json!({}))).await;
    // A Huizen resident, 20 March to 10 May 2025: 51 days × € 151,23 =
    // € 7.712,73.
    let placed = stay(&s, app, s.product, "2025-03-20", Some("2025-05-10")).await;
    let gv = region(app).await;
    (s, acting("financieel-adviseur", "regio:GV", gv), placed)
}

#[tokio::test]
async fn settlement_by_key_shares_the_regions_cost_and_the_balances_add_up_to_nil() {
    let mut app = spawn_app().await;
    let (_s, officer, _) = priced(&mut app).await;
    let (k, first) = app
        .services
        .create_distribution_key(
            &officer,
            &key(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "40")]).await,
        )
        .await
        .unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.object_type.as_str(),
            audit.action.as_str(),
            audit.object_id
        ),
        ("verdeelsleutel", "aangemaakt", Some(k.id.to_string()))
    );
    assert!(
        audit.details.contains(r#""aandeel":"60""#),
        "{}",
        audit.details
    );
    assert_eq!(
        first
            .data
            .shares
            .iter()
            .find(|(c, _)| c.as_str() == HUIZEN)
            .unwrap()
            .1,
        Aandeel(400_000)
    );

    // Gooi en Vechtstreek's regime is the centrumgemeente's: Hilversum is
    // responsible for the Huizen resident and bears the cost. 2025 by the
    // key: € 7.712,73 shared 60 / 40 = 4.627,638 and 3.085,092; the cent
    // left goes to Hilversum's larger remainder.
    let year = app
        .services
        .settlement(&officer, &request("2025", "verdeelsleutel", Some(k.id)))
        .await
        .unwrap();
    assert_eq!(
        money(&year.lines),
        vec![
            (HILVERSUM.into(), 771_273, 462_764, -308_509),
            (HUIZEN.into(), 0, 308_509, 308_509),
        ]
    );
    assert_eq!(year.lines.len(), 7, "every GV municipality has a line");
    assert_eq!(year.lines.iter().map(|l| l.saldo).sum::<i64>(), 0);
    assert_eq!(
        (year.total_cost, year.total_contribution),
        (Bedrag(771_273), Bedrag(771_273))
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.action.as_str()),
        ("verrekening", "bekeken")
    );

    // The second quarter by cost: 1 April to 10 May (the day of leaving), 39 days = € 5.897,97,
    // Hilversum pays its own and no balance.
    let quarter = app
        .services
        .settlement(&officer, &request("2025-K2", "kosten", None))
        .await
        .unwrap();
    assert_eq!(
        money(&quarter.lines),
        vec![(HILVERSUM.into(), 589_797, 589_797, 0)]
    );
    assert_eq!(
        quarter
            .lines
            .iter()
            .find(|l| l.gemeente == HILVERSUM)
            .unwrap()
            .dagen,
        39
    );

    // Bad requests name their field in Dutch.
    let bad = app
        .services
        .settlement(&officer, &request("2025-K7", "verdeelsleutel", None))
        .await;
    let Err(DomainError::Invalid(fields)) = bad else {
        panic!("{bad:?}")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["periode", "verdeelsleutel"]);
}

#[tokio::test]
async fn settlement_a_published_statement_stays_as_published_after_a_correction() {
    let mut app = spawn_app().await;
    let (s, officer, placed) = priced(&mut app).await;
    let published = app
        .services
        .publish_settlement(&officer, &request("2025", "kosten", None))
        .await
        .unwrap();
    let p = published.published.clone().unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.object_type.as_str(),
            audit.action.as_str(),
            audit.object_id
        ),
        ("verrekening", "aangemaakt", Some(p.id.to_string()))
    );
    assert_eq!(published.same_as_published, Some(true));
    assert_eq!(published.total_cost, Bedrag(771_273));

    // The stay ended on 30 April after all: 41 days, € 6.200,43 today.
    app.clock.advance(chrono::Duration::days(1));
    let (_, current, etag) = app
        .api_get(
            &s.provider_token,
            &format!("/api/v1/verblijven/{}", placed["id"]),
        )
        .await;
    let (status, corrected, _) = app
        .api(
            Method::PUT,
            &s.provider_token,
            &format!("/api/v1/verblijven/{}", placed["id"]),
            Some(json!({"startdatum": current["startdatum"], "einddatum": "2025-04-30"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    let today = app
        .services
        .settlement(&officer, &request("2025", "kosten", None))
        .await
        .unwrap();
    assert_eq!(today.total_cost, Bedrag(620_043));
    let again = app
        .services
        .published_settlement(&officer, p.id)
        .await
        .unwrap();
    assert_eq!(
        (again.total_cost, again.same_as_published),
        (Bedrag(771_273), Some(true))
    );
    assert_eq!(
        app.services.published_settlements(&officer).await.unwrap()[0].id,
        p.id
    );

    // Days without a tariff keep a statement from being published.
    stay(&s, &app, s.unpriced, "2025-06-01", Some("2025-06-11")).await;
    let refused = app
        .services
        .publish_settlement(&officer, &request("2025", "kosten", None))
        .await;
    let Err(DomainError::Invalid(fields)) = refused else {
        panic!("{refused:?}")
    };
    assert!(fields[0].message.contains("10 dagen"), "{fields:?}");
}

#[tokio::test]
async fn settlement_who_sees_statements_and_keys() {
    let mut app = spawn_app().await;
    let (_s, officer, _) = priced(&mut app).await;
    let gv = region(&app).await;
    let (k, _) = app
        .services
        .create_distribution_key(
            &officer,
            &key(&app, "historisch", &[(HILVERSUM, "70"), (HUIZEN, "30")]).await,
        )
        .await
        .unwrap();
    // A municipality's adviser sees its own line only, beside the totals,
    // and reads the region's keys but does not change them.
    let huizen = acting("financieel-adviseur", "gemeente:GM0406", gv);
    let own = app
        .services
        .settlement(&huizen, &request("2025", "verdeelsleutel", Some(k.id)))
        .await
        .unwrap();
    assert_eq!(
        money(&own.lines),
        vec![(HUIZEN.into(), 0, 231_382, 231_382)]
    );
    assert_eq!(own.total_cost, Bedrag(771_273));
    assert!(
        app.services
            .distribution_key(&huizen, k.id, None)
            .await
            .is_ok()
    );
    let changed = app
        .services
        .change_distribution_key(
            &huizen,
            k.id,
            0,
            &key(&app, "historisch", &[(HUIZEN, "100")]).await,
        )
        .await;
    assert!(
        matches!(changed, Err(DomainError::Forbidden(_))),
        "{changed:?}"
    );
    assert_eq!(app.last_audit().await.outcome, "geweigerd");
    let publish = app
        .services
        .publish_settlement(&huizen, &request("2025", "kosten", None))
        .await;
    assert!(
        matches!(publish, Err(DomainError::Forbidden(_))),
        "{publish:?}"
    );

    // Policy roles, consultants, providers and corporations see no
    // statements: each refusal is audited.
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV"),
        ("wmo-consulent", "gemeente:GM0406"),
        ("corporatie", "corporatie:1"),
    ] {
        let who = acting(role, scope, gv);
        let seen = app
            .services
            .settlement(&who, &request("2025", "kosten", None))
            .await;
        assert!(
            matches!(seen, Err(DomainError::Forbidden(_))),
            "{role}: {seen:?}"
        );
        let audit = app.last_audit().await;
        assert_eq!(
            (audit.object_type.as_str(), audit.outcome.as_str()),
            ("verrekening", "geweigerd")
        );
        assert!(matches!(
            app.services.distribution_keys(&who).await,
            Err(DomainError::Forbidden(_))
        ));
    }
    // Another region's adviser does not see this region's key.
    let zkih = app
        .store
        .find_region_by_code("ZKIH")
        .await
        .unwrap()
        .unwrap()
        .id;
    let other = acting("financieel-adviseur", "regio:ZKIH", zkih);
    assert!(matches!(
        app.services.distribution_key(&other, k.id, None).await,
        Err(DomainError::Forbidden(_))
    ));
}

#[tokio::test]
async fn settlement_keys_are_checked_row_by_row_and_versioned() {
    let mut app = spawn_app().await;
    let (_s, officer, _) = priced(&mut app).await;
    // The demo's two keys of the region.
    let demo_keys = app
        .services
        .distribution_keys(&officer)
        .await
        .unwrap()
        .len();
    let mut bad = key(&app, "objectief", &[(HILVERSUM, "60"), (HUIZEN, "39,5")]).await;
    let refused = app.services.create_distribution_key(&officer, &bad).await;
    let Err(DomainError::Invalid(fields)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(fields[0].field, "aandelen");
    assert!(fields[0].message.contains("99,5 %"), "{fields:?}");
    bad.shares.push(("GM0392".into(), "0".into()));
    bad.shares[0].1 = "veel".into();
    bad.kind = "gevoelsmatig".into();
    let Err(DomainError::Invalid(fields)) =
        app.services.create_distribution_key(&officer, &bad).await
    else {
        panic!()
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        ["soort", "aandelen[1].aandeel", "aandelen[8].gemeente"]
    );
    assert!(fields[2].message.contains("hoort niet bij deze regio"));
    assert_eq!(
        app.services
            .distribution_keys(&officer)
            .await
            .unwrap()
            .len(),
        demo_keys,
        "nothing written"
    );

    let (k, first) = app
        .services
        .create_distribution_key(&officer, &key(&app, "objectief", &[(HUIZEN, "100")]).await)
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::hours(1));
    let second = app
        .services
        .change_distribution_key(
            &officer,
            k.id,
            first.version_id,
            &key(&app, "objectief", &[(HILVERSUM, "100")]).await,
        )
        .await
        .unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_id),
        ("gewijzigd", Some(k.id.to_string()))
    );
    let stale = app
        .services
        .change_distribution_key(
            &officer,
            k.id,
            first.version_id,
            &key(&app, "objectief", &[(HUIZEN, "100")]).await,
        )
        .await;
    assert!(
        matches!(stale, Err(DomainError::StaleVersion(_))),
        "{stale:?}"
    );
    let history = app
        .services
        .distribution_key(&officer, k.id, None)
        .await
        .unwrap();
    assert_eq!(history.current, second);
    assert_eq!(history.versions.len(), 2);
    let before = app
        .services
        .distribution_key(
            &officer,
            k.id,
            Some(second.recorded_at - chrono::Duration::seconds(1)),
        )
        .await
        .unwrap();
    assert_eq!(before.current, first);
}

#[tokio::test]
async fn settlement_the_transition_moves_a_budget_line_from_historical_to_objective_shares() {
    let mut app = spawn_app().await;
    let (_s, officer, _) = priced(&mut app).await;
    let (h, _) = app
        .services
        .create_distribution_key(
            &officer,
            &key(&app, "historisch", &[(HILVERSUM, "80"), (HUIZEN, "20")]).await,
        )
        .await
        .unwrap();
    let (o, _) = app
        .services
        .create_distribution_key(
            &officer,
            &key(
                &app,
                "objectief",
                &[(HILVERSUM, "60"), (HUIZEN, "25"), ("GM0417", "15")],
            )
            .await,
        )
        .await
        .unwrap();
    let (budget, _) = app
        .services
        .create_budget(
            &officer,
            &BudgetInput {
                municipality: None,
                name: "GO BW".into(),
                version: BudgetVersionInput {
                    kind: "begroting".into(),
                    title: "Begroting 2026–2028".into(),
                    note: None,
                    thousands: true,
                    lines: vec![BudgetLineInput {
                        code: "k".into(),
                        side: "baten".into(),
                        category: "rijksbijdrage-historisch".into(),
                        label: "Rijksbijdrage".into(),
                        amounts: vec![
                            ("2026".into(), "-1.000".into()),
                            ("2027".into(), "-1.000".into()),
                            ("2028".into(), "-800".into()),
                        ],
                    }],
                },
            },
        )
        .await
        .unwrap();
    let req = |path: &str, line: &str| TransitionRequest {
        historical_key: h.id.to_string(),
        objective_key: o.id.to_string(),
        budget_id: budget.id.to_string(),
        line: line.into(),
        path: path.into(),
    };
    let t = app
        .services
        .transition(&officer, &req("2026: 0; 2027: 50; 2028: 100", "k"))
        .await
        .unwrap();
    let huizen: Vec<(i32, u32, i64, i64, i64, i64)> = t
        .rows
        .iter()
        .filter(|r| r.gemeente.as_str() == HUIZEN)
        .map(|r| {
            (
                r.year,
                r.percent,
                r.historical.0,
                r.objective.0,
                r.path.0,
                r.difference.0,
            )
        })
        .collect();
    // € 1.000.000: 20 % historical, 25 % objective; in 2027 half-way,
    // 22,5 % = € 225.000 (voordeel € 25.000); in 2028 all objective of
    // € 800.000: € 200.000 against € 160.000.
    assert_eq!(
        huizen,
        vec![
            (2026, 0, 20_000_000, 25_000_000, 20_000_000, 0),
            (2027, 50, 20_000_000, 25_000_000, 22_500_000, 2_500_000),
            (2028, 100, 16_000_000, 20_000_000, 20_000_000, 4_000_000),
        ]
    );
    for year in [2026, 2027, 2028] {
        let sum: i64 = t
            .rows
            .iter()
            .filter(|r| r.year == year)
            .map(|r| r.difference.0)
            .sum();
        assert_eq!(sum, 0, "{year}");
    }
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.action.as_str()),
        ("verrekening", "bekeken")
    );

    let bad = app
        .services
        .transition(&officer, &req("2027: 50; 2026: 0", ""))
        .await;
    let Err(DomainError::Invalid(fields)) = bad else {
        panic!("{bad:?}")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["pad", "regel"]);
    let unknown = app
        .services
        .transition(&officer, &req("2026: 0", "z"))
        .await;
    assert!(
        matches!(unknown, Err(DomainError::Invalid(_))),
        "{unknown:?}"
    );
}
