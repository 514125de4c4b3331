//! The delivery to the CBS Monitor Dakloosheid: the 2025 file of the demo
//! holds exactly the persons a count by hand from the stays finds, one row
//! each; only the policy and privacy officers of a region make it, with a
//! purpose, and the audit log keeps it without a BSN.

use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use zothuis_testkit::{TestApp, spawn_app};

const QUERY: &str =
    "periodeVan=2025-01-01&periodeTot=2025-12-31&doel=Uitvraag%20Monitor%20Dakloosheid%202025";

/// Every stay the waitlist manager of the region sees, all pages.
async fn all_stays(app: &TestApp, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let (s, list, _) = app
            .api_get(
                token,
                &format!("/api/v1/verblijven?pagina={page}&paginaGrootte=500"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["afgeschermd"], 0, "the count below sees every stay");
        let rows = list["resultaten"].as_array().unwrap().clone();
        let done = list["volgende"].is_null();
        out.extend(rows);
        if done {
            break;
        }
    }
    out
}

#[tokio::test]
async fn the_2025_delivery_of_the_demo_holds_the_persons_a_count_by_hand_finds() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let policy = app.token("beleidsadviseur", "regio:GV").await;

    // By hand: the region's stays in the products of ETHOS Light 2 and 3
    // (demo mapping: MO-CRISIS; MO-DAK, MO-JONG), at least a day in 2025.
    let (_, products, _) = app.api_get(&manager, "/api/v1/producten").await;
    let category: BTreeMap<i64, u8> = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let c = match p["code"].as_str().unwrap() {
                "MO-CRISIS" => 2,
                "MO-DAK" | "MO-JONG" => 3,
                _ => return None,
            };
            Some((p["id"].as_i64().unwrap(), c))
        })
        .collect();
    let (_, municipalities, _) = app
        .api_get(&manager, "/api/v1/gemeenten?paginaGrootte=500")
        .await;
    let region: BTreeSet<String> = municipalities["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["regioId"] == 1)
        .map(|m| m["code"].as_str().unwrap().to_string())
        .collect();
    assert!(region.contains("GM0402"), "{municipalities}");
    let mut persons: BTreeMap<i64, BTreeSet<u8>> = BTreeMap::new();
    for s in all_stays(&app, &manager).await {
        let Some(c) = category.get(&s["productId"].as_i64().unwrap()) else {
            continue;
        };
        let start = s["startdatum"].as_str().unwrap();
        let ran = start <= "2025-12-31" && s["einddatum"].as_str().is_none_or(|e| e > "2025-01-01");
        if ran && region.contains(s["verantwoordelijkeGemeente"].as_str().unwrap()) {
            persons
                .entry(s["clientId"].as_i64().unwrap())
                .or_default()
                .insert(*c);
        }
    }
    assert!(
        persons.len() >= 5,
        "the demo has shelter in 2025: {}",
        persons.len()
    );
    let mut with_bsn = BTreeSet::new();
    let mut without_bsn = 0;
    for id in persons.keys() {
        let (_, c, _) = app
            .api_get(&manager, &format!("/api/v1/clienten/{id}"))
            .await;
        match c["bsn"].as_str() {
            Some(b) => {
                with_bsn.insert(b.to_string());
            }
            None => without_bsn += 1,
        }
    }

    // The summary says the same, per category too.
    let (s, summary, _) = app
        .api_get(&policy, &format!("/api/v1/cbs/monitor-dakloosheid?{QUERY}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    assert_eq!(summary["personen"], with_bsn.len());
    assert_eq!(summary["zonderBsn"], without_bsn);
    for (number, key) in [(2u8, 0usize), (3, 1)] {
        let by_hand = persons.values().filter(|c| c.contains(&number)).count();
        let found = summary["perCategorie"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["categorie"] == number)
            .map_or(0, |c| c["personen"].as_u64().unwrap() as usize);
        assert_eq!(found, by_hand, "category {number} ({key})");
        // The catalogue counts the same persons, per municipality too.
        let indicator = ["dakloos-noodopvang", "dakloos-tijdelijke-opvang"][key];
        let (s, figure, _) = app
            .api_get(
                &manager,
                &format!("/api/v1/indicatoren/{indicator}/waarden?periodeVan=2025-01-01&periodeTot=2025-12-31&uitsplitsing=gemeente"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{figure}");
        assert_eq!(figure["totaal"]["waarde"], by_hand as f64, "{indicator}");
    }
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.action.as_str(),
            audit.object_type.as_str(),
            audit.outcome.as_str()
        ),
        ("aangemaakt", "cbs-levering", "geslaagd")
    );
    assert!(
        audit.details.contains("Uitvraag Monitor Dakloosheid 2025"),
        "{}",
        audit.details
    );
    assert!(
        audit.details.contains("\"bestand\":false"),
        "{}",
        audit.details
    );

    // The file: a header and one row per person, each BSN once.
    let resp = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/cbs/monitor-dakloosheid/bestand?{QUERY}")))
        .bearer_auth(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next().unwrap(),
        "Aanmaakdatum_bestand,Gemeentecode,Periode_begin,Periode_eind,BSN,ETHOS_categorie,Datum_begin_opvang,Datum_einde_opvang,Reden_beeindiging"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let delivered: BTreeSet<String> = rows.iter().map(|r| r[4].to_string()).collect();
    assert_eq!(delivered.len(), rows.len(), "one row per person");
    assert_eq!(delivered, with_bsn);
    for r in &rows {
        assert_eq!((r[2], r[3]), ("2025-01-01", "2025-12-31"));
        assert!(["2", "3"].contains(&r[5]), "{r:?}");
        assert!(region.contains(&format!("GM{}", r[1])), "{r:?}");
    }
    let audit = app.last_audit().await;
    assert!(
        audit.details.contains("\"bestand\":true"),
        "{}",
        audit.details
    );
    for b in &with_bsn {
        assert!(
            !audit.details.contains(b.as_str()),
            "no BSN in the audit log"
        );
    }
}

#[tokio::test]
async fn only_the_policy_and_privacy_officers_of_a_region_deliver_and_say_why() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let path = format!("/api/v1/cbs/monitor-dakloosheid?{QUERY}");
    for (role, scope) in [
        ("wmo-consulent", "gemeente:GM0406"),
        ("wachtlijstbeheerder", "regio:GV"),
        ("aanbieder", "aanbieder:1"),
        ("bestuurder", "regio:GV"),
        ("beheerder", "installatie"),
    ] {
        let token = app.token(role, scope).await;
        let (s, _, _) = app.api_get(&token, &path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let audit = app.last_audit().await;
        assert_eq!(
            (audit.object_type.as_str(), audit.outcome.as_str()),
            ("cbs-levering", "geweigerd"),
            "{role}"
        );
    }
    let fg = app.token("fg", "regio:GV").await;
    let (s, summary, _) = app.api_get(&fg, &path).await;
    assert_eq!(s, StatusCode::OK, "{summary}");
    let (s, p, _) = app
        .api_get(
            &fg,
            "/api/v1/cbs/monitor-dakloosheid?periodeVan=2025-12-31&periodeTot=2025-01-01&doel=kort",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["periodeTot", "doel"]);

    // On a page: the form, the summary and the file.
    let browser = app.login("beleid.gv").await;
    let html = app.page(&browser, "/").await;
    assert!(html.contains("href=\"/cbs\""), "menu item");
    let html = app.page(&browser, "/cbs").await;
    crate::finance::assert_accessible("/cbs", &html);
    assert!(html.contains("id=\"veld-doel\""));
    let resp = browser
        .get(app.url("/cbs?periodeVan=2025-01-01&periodeTot=2025-12-31&doel="))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    crate::finance::assert_accessible("/cbs met fouten", &html);
    assert!(html.contains("href=\"#veld-doel\""), "{html}");
    let html = app.page(&browser, &format!("/cbs?{QUERY}")).await;
    crate::finance::assert_accessible("/cbs samenvatting", &html);
    assert!(html.contains("Personen in het bestand"), "{html}");
    assert!(html.contains("/cbs/bestand?"), "{html}");
    let resp = browser
        .get(app.url(&format!("/cbs/bestand?{QUERY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .unwrap()
            .starts_with("Aanmaakdatum_bestand,")
    );
    let consultant = app.login("consulent.huizen").await;
    assert!(!app.page(&consultant, "/").await.contains("href=\"/cbs\""));
    let resp = consultant.get(app.url("/cbs")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
