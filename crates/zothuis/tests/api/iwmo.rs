//! The iWmo 3.2 exchange over the API: a decision assigned to a provider
//! (WMO301), the provider's start and stop (WMO305, WMO307) applied to the
//! stay and answered with their retour (WMO306, WMO308), the retourcodes of
//! the standard's rules, and the message log for each role.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::exchange::iwmo::schema::{Message, validate};
use zothuis_domain::exchange::iwmo::xml::parse;
use zothuis_testkit::{TestApp, spawn_app};

/// Kwintes in the demo: its id and its (invented) AGB code.
pub(crate) const KWINTES: i64 = 1;
pub(crate) const KWINTES_AGB: &str = "98900001";

pub(crate) struct World {
    pub app: TestApp,
    pub huizen: String,
    pub kwintes: String,
    pub client: i64,
    pub decision: i64,
    pub location: Value,
}

pub(crate) async fn world(bsn: &str) -> World {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let kwintes = app
        .token("aanbieder", &format!("aanbieder:{KWINTES}"))
        .await;
    let (client, decision, location) = decided(&app, &huizen, bsn).await;
    World {
        app,
        huizen,
        kwintes,
        client,
        decision,
        location,
    }
}

/// A client with a granted shelter decision (MO-DAK, from 2026-01-02) in
/// Huizen, and the location of Kwintes that offers it.
async fn decided(app: &TestApp, huizen: &str, bsn: &str) -> (i64, i64, Value) {
    let (s, c, _) = app
        .api_post(
            huizen,
            "/api/v1/clienten",
            json!({"voornaam": "Tom", "achternaam": "Visser", "geboortedatum": "1999-09-09", "bsn": bsn}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (_, products, _) = app.api_get(huizen, "/api/v1/producten").await;
    let product = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "MO-DAK")
        .unwrap()["id"]
        .clone();
    let (_, a, _) = app
        .api_post(huizen, "/api/v1/aanmeldingen", json!({"clientId": c["id"], "productId": product, "aanmelddatum": "2026-01-02", "bron": "politie"}))
        .await;
    let (s, d, _) = app
        .api_post(huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": a["id"], "uitkomst": "toegekend", "besluitdatum": "2026-01-02", "geldigVanaf": "2026-01-02", "geldigTot": "2026-12-31", "beschikkingsnummer": format!("MO-{}", a["id"])}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (_, locations, _) = app.api_get(huizen, "/api/v1/locaties").await;
    let location = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Opvang Hilversum")
        .unwrap()["id"]
        .clone();
    (
        c["id"].as_i64().unwrap(),
        d["id"].as_i64().unwrap(),
        location,
    )
}

/// A start (305) or stop (307) as a provider's system writes it.
struct Line<'a> {
    nummer: &'a str,
    begin: &'a str,
    stop: Option<(&'a str, &'a str)>,
    status: &'a str,
}

/// `to`: the assigning municipality as the assignment names it (GM…).
fn regiebericht(
    message: u32,
    to: &str,
    id: &str,
    dagtekening: &str,
    bsn: &str,
    lines: &[Line],
) -> String {
    let to = to.trim_start_matches("GM");
    let code = if message == 305 { "418" } else { "420" };
    let (list, item) = if message == 305 {
        ("StartProducten", "StartProduct")
    } else {
        ("StopProducten", "StopProduct")
    };
    let lines: String = lines
        .iter()
        .map(|l| {
            let stop = l.stop.map_or(String::new(), |(reason, end)| {
                format!("<RedenBeeindiging>{reason}</RedenBeeindiging><Einddatum>{end}</Einddatum>")
            });
            format!(
                "<{item}><ToewijzingNummer>{}</ToewijzingNummer><Begindatum>{}</Begindatum>{stop}<StatusAanlevering>{}</StatusAanlevering></{item}>",
                l.nummer, l.begin, l.status
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo{message}/schema" xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema">
  <Header>
    <BerichtCode>{code}</BerichtCode><BerichtVersie>3</BerichtVersie><BerichtSubversie>2</BerichtSubversie>
    <Afzender>{KWINTES_AGB}</Afzender><Ontvanger>{to}</Ontvanger>
    <BerichtIdentificatie><iwmo:Identificatie>{id}</iwmo:Identificatie><iwmo:Dagtekening>{dagtekening}</iwmo:Dagtekening></BerichtIdentificatie>
    <XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie><iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></XsdVersie>
  </Header>
  <Client>
    <Bsn>{bsn}</Bsn>
    <Geboortedatum><iwmo:Datum>1999-09-09</iwmo:Datum></Geboortedatum>
    <Geslacht>0</Geslacht>
    <Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam></iwmo:Geslachtsnaam></Naam>
    <{list}>{lines}</{list}>
  </Client>
</Bericht>"#
    )
}

pub(crate) async fn deliver(app: &TestApp, token: &str, xml: &str) -> (StatusCode, Value) {
    let resp = Client::new()
        .post(app.url("/api/v1/iwmo-berichten"))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(xml.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn text(app: &TestApp, token: &str, id: &Value) -> (StatusCode, String) {
    let resp = Client::new()
        .get(app.url(&format!("/api/v1/iwmo-berichten/{id}/inhoud")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

pub(crate) fn codes(receipt: &Value) -> Vec<String> {
    receipt["bericht"]["retourcodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

async fn stays(app: &TestApp, token: &str) -> Vec<Value> {
    let (_, list, _) = app.api_get(token, "/api/v1/verblijven").await;
    list["resultaten"].as_array().unwrap().clone()
}

/// Drops what differs between two runs that did the same: ids, names of
/// who recorded, and moments of recording.
fn comparable(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !k.ends_with("Id")
                        && *k != "id"
                        && !k.starts_with("vastgelegd")
                        && !k.starts_with("berekend")
                        && !k.starts_with("bekendOp")
                })
                .map(|(k, v)| (k.clone(), comparable(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(comparable).collect()),
        other => other.clone(),
    }
}

const INDICATORS: [&str; 4] = [
    "instroom/waarden?periodeVan=2026-01-01&periodeTot=2026-03-31&uitsplitsing=gemeente",
    "uitstroom/waarden?periodeVan=2026-01-01&periodeTot=2026-03-31&uitsplitsing=gemeente",
    "bezetting/waarden?peildatum=2026-01-07&uitsplitsing=gemeente",
    "personen-in-zorg/waarden?periodeVan=2026-01-01&periodeTot=2026-03-31",
];

#[tokio::test]
async fn the_journey_driven_by_messages_alone_gives_the_stay_and_figures_of_the_screens() {
    let w = world("999957259").await;
    let app = &w.app;

    // The consultant assigns the decision to Kwintes: a WMO301 is ready.
    let (s, assigned, _) = app
        .api_post(
            &w.huizen,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES, "locatieId": w.location}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{assigned}");
    assert_eq!(assigned["ingangsdatum"], "2026-01-02", "the decision's");
    assert_eq!(assigned["einddatum"], "2026-12-31");
    assert_eq!(assigned["verblijfId"], Value::Null);
    let nummer = assigned["toewijzingnummer"].as_i64().unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "toewijzing")
    );
    assert_eq!(
        audit.object_id.as_deref(),
        Some(nummer.to_string().as_str())
    );
    assert_eq!(audit.client_id, Some(w.client));

    // Kwintes finds it in its own log and fetches it.
    let (s, log, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let first = &log["resultaten"][0];
    assert_eq!(first["bericht"], "WMO301");
    assert_eq!(first["richting"], "verzonden");
    assert_eq!(first["status"], "klaargezet");
    let (s, xml) = text(app, &w.kwintes, &first["id"]).await;
    assert_eq!(s, StatusCode::OK);
    let node = parse(xml.as_bytes()).unwrap();
    assert_eq!(validate(&node, Message::Wmo301), vec![], "{xml}");
    assert!(xml.contains("<wmo301:BerichtCode>414</wmo301:BerichtCode>") || xml.contains(">414<"));
    assert!(xml.contains(&format!(">{nummer}<")), "ToewijzingNummer");
    assert!(xml.contains(">999957259<"), "BSN");
    assert!(xml.contains(&format!(">{KWINTES_AGB}<")), "Ontvanger");
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("bekeken", "iwmo-bericht")
    );
    let (_, log, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    assert_eq!(log["resultaten"][0]["status"], "opgehaald");
    assert!(log["resultaten"][0]["opgehaaldOp"].is_string());

    // The start: the stay begins on the day the provider reports.
    let n = nummer.to_string();
    let to = assigned["gemeente"].as_str().unwrap();
    let start = regiebericht(
        305,
        to,
        "KW-1",
        "2026-01-05",
        "999957259",
        &[Line {
            nummer: &n,
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (s, receipt) = deliver(app, &w.kwintes, &start).await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["status"], "verwerkt");
    assert_eq!(codes(&receipt), ["0200", "0200"]);
    assert_eq!(receipt["retour"]["bericht"], "WMO306");
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "iwmo-bericht")
    );
    assert_eq!(audit.client_id, Some(w.client));
    let (s, retour) = text(app, &w.kwintes, &receipt["retour"]["id"]).await;
    assert_eq!(s, StatusCode::OK);
    let retour_node = parse(retour.as_bytes()).unwrap();
    assert_eq!(validate(&retour_node, Message::Wmo306), vec![], "{retour}");
    assert!(
        !retour.contains("RetourCode>"),
        "accepted: header only (IV028)"
    );
    let list = stays(app, &w.kwintes).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["startdatum"], "2026-01-05");
    assert_eq!(list[0]["einddatum"], Value::Null);
    let (_, a, _) = app
        .api_get(
            &w.huizen,
            &format!("/api/v1/clienten/{}/toewijzingen", w.client),
        )
        .await;
    assert_eq!(a[0]["verblijfId"], list[0]["id"]);

    // The stop ends it.
    let stop = regiebericht(
        307,
        to,
        "KW-2",
        "2026-01-10",
        "999957259",
        &[Line {
            nummer: &n,
            begin: "2026-01-05",
            stop: Some(("19", "2026-01-10")),
            status: "1",
        }],
    );
    let (s, receipt) = deliver(app, &w.kwintes, &stop).await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["status"], "verwerkt");
    assert_eq!(receipt["retour"]["bericht"], "WMO308");
    let by_messages = stays(app, &w.kwintes).await;
    assert_eq!(by_messages[0]["einddatum"], "2026-01-10");
    assert_eq!(by_messages[0]["uitstroombestemming"], "onbekend");

    // The same journey on the screens, in a twin installation.
    let twin = {
        let mut t = spawn_app().await;
        t.seed_demo().await;
        t
    };
    let huizen = twin.token("wmo-consulent", "gemeente:GM0406").await;
    let kwintes = twin
        .token("aanbieder", &format!("aanbieder:{KWINTES}"))
        .await;
    let (_, decision, location) = decided(&twin, &huizen, "999957259").await;
    let (s, stay, etag) = twin
        .api_post(&huizen, "/api/v1/verblijven", json!({"beschikkingId": decision, "aanbiederId": KWINTES, "locatieId": location, "startdatum": "2026-01-05"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{stay}");
    let (s, ended, _) = twin
        .api(
            reqwest::Method::POST,
            &kwintes,
            &format!("/api/v1/verblijven/{}/einde", stay["id"]),
            Some(json!({"einddatum": "2026-01-10", "uitstroombestemming": "onbekend"})),
            etag.as_deref(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    let by_screens = stays(&twin, &kwintes).await;
    assert_eq!(comparable(&by_messages[0]), comparable(&by_screens[0]));
    // The client's answer to a request of access names both.
    let fg = app.token("fg", "regio:GV").await;
    let (s, request, _) = app
        .api_post(&fg, "/api/v1/inzageverzoeken", json!({"bsn": "999957259", "geboortedatum": "1999-09-09", "ontvangenOp": "2026-01-12", "identiteitGecontroleerd": "paspoort gezien"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{request}");
    let (s, dossier, _) = app
        .api_get(
            &fg,
            &format!("/api/v1/inzageverzoeken/{}/dossier", request["id"]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{dossier}");
    let part = |key: &str| {
        dossier["onderdelen"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sleutel"] == key)
            .unwrap()["regels"]
            .as_array()
            .unwrap()
            .clone()
    };
    let assignments = part("toewijzingen");
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0]["toewijzingnummer"], nummer.to_string());
    assert_eq!(assignments[0]["aanbieder"], "Kwintes");
    let messages = part("iwmoBerichten");
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["bericht"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["WMO301", "WMO305", "WMO306", "WMO307", "WMO308"],
        "oldest first"
    );

    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let manager_twin = twin.token("wachtlijstbeheerder", "regio:GV").await;
    for query in INDICATORS {
        let path = format!("/api/v1/indicatoren/{query}");
        let (s, messages, _) = app.api_get(&manager, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {messages}");
        let (_, screens, _) = twin.api_get(&manager_twin, &path).await;
        assert_eq!(comparable(&messages), comparable(&screens), "{path}");
        // Each counts the one stay (the demo has no stays in 2026).
        assert_eq!(messages["totaal"]["waarde"], 1.0, "{path}: {messages}");
    }
}

#[tokio::test]
async fn each_rule_of_the_standard_gives_its_retourcode_and_nothing_is_applied() {
    let w = world("999957260").await;
    let app = &w.app;
    let (_, assigned, _) = app
        .api_post(
            &w.huizen,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES, "locatieId": w.location}),
        )
        .await;
    let n = assigned["toewijzingnummer"].to_string();
    let to = assigned["gemeente"].as_str().unwrap().to_string();
    let start = |id: &str, begin: &str, status: &str| {
        regiebericht(
            305,
            &to,
            id,
            "2026-01-05",
            "999957260",
            &[Line {
                nummer: &n,
                begin,
                stop: None,
                status,
            }],
        )
    };
    let stop = |id: &str, end: &str, status: &str| {
        regiebericht(
            307,
            &to,
            id,
            "2026-01-05",
            "999957260",
            &[Line {
                nummer: &n,
                begin: "2026-01-05",
                stop: Some(("19", end)),
                status,
            }],
        )
    };
    let refused = |receipt: &Value, header: &str, line: &str| {
        assert_eq!(receipt["status"], "afgekeurd", "{receipt}");
        let c = codes(receipt);
        assert_eq!((c[0].as_str(), c[1].as_str()), (header, line), "{receipt}");
    };

    // TR063: deleting a start never received (9063).
    let (_, r) = deliver(app, &w.kwintes, &start("A1", "2026-01-05", "3")).await;
    refused(&r, "0200", "9063");
    assert_eq!(r["opmerkingen"][0]["plaats"], "StartProduct 1");
    let (s, retour) = text(app, &w.kwintes, &r["retour"]["id"]).await;
    assert_eq!(s, StatusCode::OK);
    let node = parse(retour.as_bytes()).unwrap();
    assert_eq!(validate(&node, Message::Wmo306), vec![], "{retour}");
    assert!(retour.contains(">9063<"), "the code at its line: {retour}");
    // TR382: a stop without a current start (9069).
    let (_, r) = deliver(app, &w.kwintes, &stop("B1", "2026-01-09", "1")).await;
    refused(&r, "0200", "9069");
    // TR019: an unknown assignment, or one outside its period (9019).
    let unknown = regiebericht(
        305,
        &to,
        "A2",
        "2026-01-05",
        "999957260",
        &[Line {
            nummer: "424242",
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (_, r) = deliver(app, &w.kwintes, &unknown).await;
    refused(&r, "0200", "9019");
    let (_, r) = deliver(app, &w.kwintes, &start("A3", "2026-01-01", "1")).await;
    refused(&r, "0200", "9019");
    assert!(stays(app, &w.kwintes).await.is_empty(), "nothing applied");
    // TR135: a dagtekening after today (8848).
    let future = regiebericht(
        305,
        &to,
        "A4",
        "2099-01-01",
        "999957260",
        &[Line {
            nummer: &n,
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (_, r) = deliver(app, &w.kwintes, &future).await;
    refused(&r, "8848", "0200");

    // Accepted, then the same identification again (TR056, 9056), the same
    // start again (TR074, 9074), another start while this one runs (TR326,
    // 9326).
    let (_, r) = deliver(app, &w.kwintes, &start("A5", "2026-01-05", "1")).await;
    assert_eq!(r["status"], "verwerkt", "{r}");
    let (_, r) = deliver(app, &w.kwintes, &start("A5", "2026-01-05", "1")).await;
    refused(&r, "9056", "0200");
    let (_, r) = deliver(app, &w.kwintes, &start("A6", "2026-01-05", "1")).await;
    refused(&r, "0200", "9074");
    let (_, r) = deliver(app, &w.kwintes, &start("A7", "2026-01-08", "1")).await;
    refused(&r, "0200", "9326");
    assert_eq!(stays(app, &w.kwintes).await.len(), 1, "one stay");

    // TR018: an end before its start refuses the message (0001).
    let (_, r) = deliver(app, &w.kwintes, &stop("B2", "2026-01-01", "1")).await;
    refused(&r, "0001", "0200");
    // The stop, then deleting the start of stopped care (TR071, 9071).
    let (_, r) = deliver(app, &w.kwintes, &stop("B3", "2026-01-09", "1")).await;
    assert_eq!(r["status"], "verwerkt", "{r}");
    assert_eq!(stays(app, &w.kwintes).await[0]["einddatum"], "2026-01-09");
    let (_, r) = deliver(app, &w.kwintes, &start("A8", "2026-01-05", "3")).await;
    refused(&r, "0200", "9071");
    // Taking the stop back reopens the stay.
    let (_, r) = deliver(app, &w.kwintes, &stop("B4", "2026-01-09", "3")).await;
    assert_eq!(r["status"], "verwerkt", "{r}");
    let reopened = stays(app, &w.kwintes).await;
    assert_eq!(reopened[0]["einddatum"], Value::Null);
    assert_eq!(reopened[0]["uitstroombestemming"], Value::Null);

    // Every message is in the client's log, for the consultant too.
    let (s, log, _) = app
        .api_get(
            &w.huizen,
            &format!("/api/v1/iwmo-berichten?clientId={}", w.client),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let kinds: Vec<&str> = log["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["bericht"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"WMO301") && kinds.contains(&"WMO308"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_message_that_does_not_fit_its_schema_is_named_at_its_element_without_a_retour() {
    let w = world("999957272").await;
    let app = &w.app;
    let broken = regiebericht(
        305,
        "GM0406",
        "X1",
        "2026-01-05",
        "999957272",
        &[Line {
            nummer: "1",
            begin: "2026-13-05",
            stop: None,
            status: "1",
        }],
    );
    let (s, problem) = deliver(app, &w.kwintes, &broken).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{problem}");
    let fields = zothuis_testkit::problem_fields(&problem);
    assert!(
        fields.iter().any(|f| f.contains("Begindatum")),
        "{fields:?}"
    );
    for bad in [
        "",
        "niet eens xml",
        "<Bericht/>",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
    ] {
        let (s, problem) = deliver(app, &w.kwintes, bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {problem}");
        assert!(
            problem["invalidParams"][0]["reason"].is_string(),
            "{problem}"
        );
    }
    // Another provider's AGB code as sender: refused and audited.
    let other = app.token("aanbieder", "aanbieder:2").await;
    let start = regiebericht(
        305,
        "GM0406",
        "X2",
        "2026-01-05",
        "999957272",
        &[Line {
            nummer: "1",
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (s, _) = deliver(app, &other, &start).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.outcome.as_str()),
        ("iwmo-bericht", "geweigerd")
    );
    // Only a provider delivers; only the consultant or waitlist manager assigns.
    let (s, _) = deliver(app, &w.huizen, &start).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .api_post(
            &w.kwintes,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.object_type.as_str(), audit.outcome.as_str()),
        ("toewijzing", "geweigerd")
    );
    // A consultant of another municipality does not see the decision.
    let blaricum = app.token("wmo-consulent", "gemeente:GM0376").await;
    let (s, _, _) = app
        .api_post(
            &blaricum,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Bad input is named at its field; a second assignment is a conflict.
    let path = format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision);
    let (s, p, _) = app.api_post(&w.huizen, &path, json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["aanbiederId"]);
    let (s, p, _) = app
        .api_post(&w.huizen, &path, json!({"aanbiederId": KWINTES, "locatieId": w.location, "ingangsdatum": "2025-12-01", "einddatum": "2027-06-30"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        zothuis_testkit::problem_fields(&p),
        ["ingangsdatum", "einddatum"]
    );
    let (s, _, _) = app
        .api_post(
            &w.huizen,
            &path,
            json!({"aanbiederId": KWINTES, "locatieId": w.location}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = app
        .api_post(
            &w.huizen,
            &path,
            json!({"aanbiederId": KWINTES, "locatieId": w.location}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Another provider sees neither the messages nor the client's log.
    let (_, theirs, _) = app.api_get(&other, "/api/v1/iwmo-berichten").await;
    assert_eq!(theirs["aantal"], 0);
    let (s, _, _) = app
        .api_get(
            &other,
            &format!("/api/v1/iwmo-berichten?clientId={}", w.client),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, ours, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    let (s, _) = text(app, &other, &ours["resultaten"][0]["id"]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A policy officer sees no personal data, so no messages either.
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let (s, _, _) = app.api_get(&policy, "/api/v1/iwmo-berichten").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_consultant_assigns_and_the_provider_delivers_and_fetches_on_pages() {
    use crate::finance::assert_accessible;
    let w = world("999957284").await;
    let app = &w.app;
    let consultant = app.login("consulent.huizen").await;
    let path = format!("/beschikkingen/{}", w.decision);
    let html = app.page(&consultant, &path).await;
    assert_accessible(&path, &html);
    assert!(html.contains("Toewijzen aan een aanbieder"), "{html}");
    assert!(html.contains("Nog niet toegewezen aan een aanbieder."));
    let csrf = zothuis_testkit::csrf_from(&html);
    let form = format!("{path}/toewijzing");
    // Without a provider: the form again, its error summary at the field.
    let resp = app
        .post_form(
            &consultant,
            &form,
            &csrf,
            &[("aanbiederId", ""), ("locatieId", "")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("toewijzen met fouten", &html);
    assert!(html.contains("href=\"#veld-aanbiederId\""), "{html}");
    assert!(html.to_lowercase().contains("kies de aanbieder"), "{html}");
    let location = w.location.to_string();
    let resp = app
        .post_form(
            &consultant,
            &form,
            &csrf,
            &[
                ("aanbiederId", "1"),
                ("locatieId", &location),
                ("ingangsdatum", ""),
                ("einddatum", ""),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        zothuis_testkit::location(&resp),
        format!("{path}?melding=toegewezen")
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "toewijzing")
    );
    let html = app
        .page(&consultant, &format!("{path}?melding=toegewezen"))
        .await;
    assert!(
        html.contains("het iWmo-bericht (WMO301) staat klaar"),
        "{html}"
    );
    assert!(html.contains("nog niet gestart"));
    // A second assignment to the same provider: named on the form.
    let resp = app
        .post_form(
            &consultant,
            &form,
            &csrf,
            &[("aanbiederId", "1"), ("locatieId", &location)],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("al aan deze aanbieder toegewezen")
    );

    // Kwintes: the menu item, the 301 ready, downloaded.
    let kwintes = app.login("aanbieder.kwintes").await;
    let html = app.page(&kwintes, "/berichten").await;
    assert_accessible("/berichten", &html);
    assert!(html.contains("href=\"/berichten\""), "menu item");
    assert!(html.contains("Klaargezet voor de aanbieder"), "{html}");
    let (_, log, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    let id = log["resultaten"][0]["id"].clone();
    let nummer = log["resultaten"][0]["identificatie"].clone();
    let resp = kwintes
        .get(app.url(&format!("/berichten/{id}/inhoud")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-disposition"],
        format!(
            "attachment; filename=\"WMO301-{}.xml\"",
            nummer.as_str().unwrap()
        )
    );
    let xml = resp.text().await.unwrap();
    let node = parse(xml.as_bytes()).unwrap();
    assert_eq!(validate(&node, Message::Wmo301), vec![]);
    let toewijzing = node
        .child("Client")
        .unwrap()
        .text_at(&[
            "ToegewezenProducten",
            "ToegewezenProduct",
            "ToewijzingNummer",
        ])
        .unwrap()
        .to_string();
    assert!(
        app.page(&kwintes, "/berichten")
            .await
            .contains("Opgehaald door de aanbieder")
    );

    // The start, uploaded as a file.
    let csrf = zothuis_testkit::csrf_from(&app.page(&kwintes, "/berichten").await);
    let upload = |body: String| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "bestand",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name("start.xml"),
            );
        kwintes.post(app.url("/berichten")).multipart(form).send()
    };
    let start = regiebericht(
        305,
        "GM0402",
        "P-1",
        "2026-01-05",
        "999957284",
        &[Line {
            nummer: &toewijzing,
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let resp = upload(start.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert_accessible("bericht ontvangen", &html);
    assert!(html.contains("WMO305 ontvangen en verwerkt"), "{html}");
    assert!(html.contains("Retourbericht downloaden"));
    assert_eq!(stays(app, &w.kwintes).await.len(), 1);
    // The same again: refused, its retourcode named.
    let html = upload(start).await.unwrap().text().await.unwrap();
    assert!(html.contains("WMO305 ontvangen en afgekeurd"), "{html}");
    assert!(html.contains("9056") && html.contains("Identificatie moet uniek zijn"));
    // Not iWmo at all: the form again, with each error at its element.
    let resp = upload(start_with_bad_date()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("bericht niet ontvangen", &html);
    assert!(html.contains("Bericht niet ontvangen"));
    assert!(html.contains("href=\"#veld-bestand\""), "{html}");
    assert!(html.contains("Begindatum"), "{html}");

    // The client's log, for the consultant; not for another provider.
    let log_path = format!("/clienten/{}/berichten", w.client);
    assert!(
        app.page(&consultant, &format!("/clienten/{}", w.client))
            .await
            .contains(&log_path)
    );
    let html = app.page(&consultant, &log_path).await;
    assert_accessible(&log_path, &html);
    assert!(html.contains("WMO306") && html.contains("WMO301"), "{html}");
    assert!(html.contains("/verblijven/"), "the assignment's stay");
    // The consultant shortens the assignment on the same page.
    assert!(
        html.contains("Toewijzing wijzigen of verwijderen"),
        "{html}"
    );
    let csrf = zothuis_testkit::csrf_from(&html);
    let resp = app
        .post_form(
            &consultant,
            &log_path,
            &csrf,
            &[
                ("toewijzing", &toewijzing),
                ("reden", ""),
                ("einddatum", ""),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("wijzigen met fouten", &html);
    assert!(html.contains("href=\"#veld-reden\""), "{html}");
    let resp = app
        .post_form(
            &consultant,
            &log_path,
            &csrf,
            &[
                ("toewijzing", "999999"),
                ("reden", "05"),
                ("einddatum", "2026-06-30"),
            ],
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::BAD_REQUEST,
        "another client's number is unknown here"
    );
    let resp = app
        .post_form(
            &consultant,
            &log_path,
            &csrf,
            &[
                ("toewijzing", &toewijzing),
                ("reden", "05"),
                ("einddatum", "2026-06-30"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        zothuis_testkit::location(&resp),
        format!("{log_path}?melding=toewijzing-gewijzigd")
    );
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("gewijzigd", "toewijzing")
    );
    let html = app
        .page(
            &consultant,
            &format!("{log_path}?melding=toewijzing-gewijzigd"),
        )
        .await;
    assert!(html.contains("30 juni 2026"), "the new end: {html}");
    // The provider sees no change form.
    assert!(
        !app.page(&kwintes, &log_path)
            .await
            .contains("Toewijzing wijzigen")
    );
    let ribw = app.login("aanbieder.ribw").await;
    let resp = ribw.get(app.url(&log_path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = ribw
        .get(app.url(&format!("/berichten/{id}/inhoud")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // A consultant delivers nothing.
    let resp = consultant.get(app.url("/berichten")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

fn start_with_bad_date() -> String {
    regiebericht(
        305,
        "GM0402",
        "P-2",
        "2026-01-05",
        "999957284",
        &[Line {
            nummer: "1",
            begin: "2026-02-30",
            stop: None,
            status: "1",
        }],
    )
}

/// The newest WMO301 Kwintes can fetch, parsed and checked against its
/// schema.
pub(crate) async fn newest_301(
    app: &TestApp,
    kwintes: &str,
) -> zothuis_domain::exchange::iwmo::xml::Node {
    let (_, log, _) = app.api_get(kwintes, "/api/v1/iwmo-berichten").await;
    let m = log["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["bericht"] == "WMO301")
        .unwrap()
        .clone();
    let (_, xml) = text(app, kwintes, &m["id"]).await;
    let node = parse(xml.as_bytes()).unwrap();
    assert_eq!(validate(&node, Message::Wmo301), vec![], "{xml}");
    node
}

/// The ToegewezenProducten of a 301: number, Einddatum, RedenWijziging.
pub(crate) fn products(
    node: &zothuis_domain::exchange::iwmo::xml::Node,
) -> Vec<(String, String, String)> {
    node.child("Client")
        .unwrap()
        .child("ToegewezenProducten")
        .unwrap()
        .children
        .iter()
        .map(|p| {
            let t = |name: &str| p.text_at(&[name]).unwrap_or_default().to_string();
            (t("ToewijzingNummer"), t("Einddatum"), t("RedenWijziging"))
        })
        .collect()
}

#[tokio::test]
async fn a_change_or_withdrawal_is_a_new_301_with_its_reason_and_every_current_assignment() {
    let w = world("999957296").await;
    let app = &w.app;
    let huizen = w.huizen.as_str();
    let assign = |decision: i64| {
        let path = format!("/api/v1/beschikkingen/{decision}/toewijzingen");
        let body = json!({"aanbiederId": KWINTES, "locatieId": w.location});
        async move { app.api_post(huizen, &path, body).await }
    };
    let (_, first, _) = assign(w.decision).await;
    let n1 = first["toewijzingnummer"].to_string();
    // A second decision for the same client: the 301 holds both (OP087).
    let (_, app_row, _) = app
        .api_post(&w.huizen, "/api/v1/aanmeldingen", json!({"clientId": w.client, "productId": first["productId"], "aanmelddatum": "2026-01-03", "bron": "politie"}))
        .await;
    let (s, d2, _) = app
        .api_post(&w.huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": app_row["id"], "uitkomst": "toegekend", "besluitdatum": "2026-01-03", "geldigVanaf": "2026-01-03", "geldigTot": "2026-12-31", "beschikkingsnummer": "MO-TWEE"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    let (s, second, _) = assign(d2["id"].as_i64().unwrap()).await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    let n2 = second["toewijzingnummer"].to_string();
    let both = products(&newest_301(app, &w.kwintes).await);
    assert_eq!(
        both.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
        [n1.clone(), n2.clone()],
        "every current assignment at the provider"
    );
    assert!(
        both.iter().all(|p| p.2.is_empty()),
        "no reason in a first assignment"
    );

    // Bad input is named at its field.
    let change = |n: &str, body: Value| {
        let path = format!("/api/v1/toewijzingen/{n}/wijzigingen");
        async move { app.api_post(huizen, &path, body).await }
    };
    let (s, p, _) = change(&n1, json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["reden", "einddatum"]);
    let (s, p, _) = change(&n1, json!({"reden": "05", "einddatum": "2027-02-01"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "beyond the decision");
    assert_eq!(zothuis_testkit::problem_fields(&p), ["einddatum"]);
    let (s, _, _) = change(&n1, json!({"reden": "04", "einddatum": "2026-06-30"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "04 is a new assignment");
    let (s, _, _) = change("424242", json!({"reden": "05", "einddatum": "2026-06-30"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = app
        .api_post(
            &w.kwintes,
            &format!("/api/v1/toewijzingen/{n1}/wijzigingen"),
            json!({"reden": "05", "einddatum": "2026-06-30"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a provider changes nothing");

    // A shortening: the number stays, the reason and end in the 301.
    let (s, changed, _) = change(&n1, json!({"reden": "05", "einddatum": "2026-06-30"})).await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["toewijzingnummer"].to_string(), n1);
    assert_eq!(changed["einddatum"], "2026-06-30");
    assert_eq!(changed["redenWijziging"], "05");
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.action.as_str(),
            audit.object_type.as_str(),
            audit.object_id.as_deref()
        ),
        ("gewijzigd", "toewijzing", Some(n1.as_str()))
    );
    assert!(
        audit.details.contains("\"redenWijziging\":\"05\""),
        "{}",
        audit.details
    );
    let now = products(&newest_301(app, &w.kwintes).await);
    assert_eq!(
        now,
        [
            (n1.clone(), "2026-06-30".to_string(), "05".to_string()),
            (n2.clone(), "2026-12-31".to_string(), String::new()),
        ]
    );

    // Withdrawing the second, sent in error: its end is its start (13).
    let (s, withdrawn, _) = change(&n2, json!({"reden": "13"})).await;
    assert_eq!(s, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["einddatum"], "2026-01-03");
    let now = products(&newest_301(app, &w.kwintes).await);
    assert_eq!(
        now[1],
        (n2.clone(), "2026-01-03".to_string(), "13".to_string())
    );
    let (s, _, _) = change(&n2, json!({"reden": "14", "einddatum": "2026-02-01"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "withdrawn is final");
    // A start on it cannot be coupled (it counts as never sent).
    let to = first["gemeente"].as_str().unwrap();
    let start = regiebericht(
        305,
        to,
        "W-1",
        "2026-01-05",
        "999957296",
        &[Line {
            nummer: &n2,
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (_, r) = deliver(app, &w.kwintes, &start).await;
    assert_eq!(codes(&r), ["0200", "9019"]);
    // Once care started on the first, it can no longer be withdrawn.
    let start = regiebericht(
        305,
        to,
        "W-2",
        "2026-01-05",
        "999957296",
        &[Line {
            nummer: &n1,
            begin: "2026-01-05",
            stop: None,
            status: "1",
        }],
    );
    let (_, r) = deliver(app, &w.kwintes, &start).await;
    assert_eq!(r["status"], "verwerkt", "{r}");
    let (s, p, _) = change(&n1, json!({"reden": "13"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["reden"]);
    // The withdrawn one left the next 301: a new assignment of the second
    // decision holds only the current ones.
    let (s, again, _) = assign(d2["id"].as_i64().unwrap()).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    let now = products(&newest_301(app, &w.kwintes).await);
    assert_eq!(
        now.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
        [n1.clone(), again["toewijzingnummer"].to_string()]
    );
}
