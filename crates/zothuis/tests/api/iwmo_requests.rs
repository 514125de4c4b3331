//! A provider's requests over the API: a WMO317 verzoek om wijziging and a
//! WMO315 verzoek om toewijzing, judged and answered with their retour
//! (WMO318, WMO316), listed as tasks for the consultant of the municipality
//! addressed, and answered with a WMO301 carrying the provider's reference
//! or a WMO319; the provider's retour on a 301 (WMO302) recorded with it;
//! and the assignments that end with a stay the municipality ends.

use crate::iwmo::{KWINTES, KWINTES_AGB, codes, deliver, newest_301, products, text, world};
use reqwest::StatusCode;
use serde_json::{Value, json};
use zothuis_domain::exchange::iwmo::regie::{Judgement, retour};
use zothuis_domain::exchange::iwmo::schema::{Message, validate};
use zothuis_domain::exchange::iwmo::xml::{parse, write};

fn header(message: u32, code: &str, id: &str, to: &str) -> String {
    let to = to.trim_start_matches("GM");
    format!(
        r#"<Header>
    <BerichtCode>{code}</BerichtCode><BerichtVersie>3</BerichtVersie><BerichtSubversie>2</BerichtSubversie>
    <Afzender>{KWINTES_AGB}</Afzender><Ontvanger>{to}</Ontvanger>
    <BerichtIdentificatie><iwmo:Identificatie>{id}</iwmo:Identificatie><iwmo:Dagtekening>2026-01-12</iwmo:Dagtekening></BerichtIdentificatie>
    <XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie><iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></XsdVersie>
  </Header><!-- wmo{message} -->"#
    )
}

fn envelope(message: u32, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo{message}/schema" xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema">
  {body}
</Bericht>"#
    )
}

/// A 317 asking a new end for assignment `nummer`.
fn vow(to: &str, id: &str, bsn: &str, reference: &str, nummer: &str, end: &str) -> String {
    envelope(
        317,
        &format!(
            "{}<Client><Bsn>{bsn}</Bsn><Verzoek><ReferentieAanbieder>{reference}</ReferentieAanbieder><RedenVerzoek>2</RedenVerzoek><TeWijzigenProducten><TeWijzigenProduct><ToewijzingNummer>{nummer}</ToewijzingNummer><GewensteIngangsdatum>2026-01-02</GewensteIngangsdatum><Einddatum>{end}</Einddatum></TeWijzigenProduct></TeWijzigenProducten></Verzoek></Client>",
            header(317, "480", id, to)
        ),
    )
}

/// A 315 asking an assignment from `begin`.
fn vot(to: &str, id: &str, bsn: &str, reference: &str, begin: &str) -> String {
    envelope(
        315,
        &format!(
            "{}<Client><Bsn>{bsn}</Bsn><Geboortedatum><iwmo:Datum>1999-09-09</iwmo:Datum></Geboortedatum><Geslacht>0</Geslacht><Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam></iwmo:Geslachtsnaam></Naam><AangevraagdeProducten><AangevraagdProduct><ReferentieAanbieder>{reference}</ReferentieAanbieder><ToewijzingIngangsdatum>{begin}</ToewijzingIngangsdatum><Verwijzer><iwmo:Type>06</iwmo:Type></Verwijzer></AangevraagdProduct></AangevraagdeProducten></Client>",
            header(315, "444", id, to)
        ),
    )
}

/// The world's decision assigned to Kwintes at its shelter: the assignment.
async fn assign_kwintes(w: &crate::iwmo::World) -> Value {
    let (s, first, _) = w
        .app
        .api_post(
            &w.huizen,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES, "locatieId": w.location}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    first
}

fn accepted(status: StatusCode, receipt: &Value, retour: &str) {
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["status"], "verwerkt", "{receipt}");
    assert_eq!(receipt["retour"]["bericht"], retour);
    assert!(codes(receipt).iter().all(|c| c == "0200"), "{receipt}");
}

#[tokio::test]
async fn a_providers_request_is_a_task_answered_with_a_301_or_a_319() {
    let bsn = "999957302";
    let w = world(bsn).await;
    let app = &w.app;
    let first = assign_kwintes(&w).await;
    let n1 = first["toewijzingnummer"].to_string();
    let to = first["gemeente"].as_str().unwrap();

    // The provider asks to shorten its assignment (WMO317): accepted,
    // answered with a WMO318 that fits its schema, and a task.
    let (s, receipt) = deliver(
        app,
        &w.kwintes,
        &vow(to, "VOW-1", bsn, "KW-VOW-1", &n1, "2026-09-30"),
    )
    .await;
    accepted(s, &receipt, "WMO318");
    let (_, xml) = text(app, &w.kwintes, &receipt["retour"]["id"]).await;
    assert_eq!(
        validate(&parse(xml.as_bytes()).unwrap(), Message::Wmo318),
        vec![]
    );
    let (s, list, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let tasks = list["resultaten"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{list}");
    let task = &tasks[0];
    assert_eq!(task["bericht"], "WMO317");
    assert_eq!(task["referentieAanbieder"], "KW-VOW-1");
    assert_eq!(task["status"], "open");
    assert_eq!(task["clientId"], w.client);
    // OP274: 5 working days from Monday 12 January.
    assert_eq!(task["beantwoordenVoor"], "2026-01-19");
    assert_eq!(task["producten"][0]["soort"], "wijzigen");
    assert_eq!(task["producten"][0]["einddatum"], "2026-09-30");
    let id = task["id"].as_i64().unwrap();
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("lijst-bekeken", "iwmo-verzoek")
    );

    // A second request while this one is pending (TR374), and the same
    // reference again (TR347): refused whole, no new task.
    let (s, r) = deliver(
        app,
        &w.kwintes,
        &vow(to, "VOW-2", bsn, "KW-VOW-2", &n1, "2026-08-31"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(r["status"], "afgekeurd");
    assert!(codes(&r).contains(&"9374".to_string()), "{r}");
    let (_, r) = deliver(
        app,
        &w.kwintes,
        &vow(to, "VOW-3", bsn, "KW-VOW-1", &n1, "2026-08-31"),
    )
    .await;
    assert!(codes(&r).contains(&"9347".to_string()), "{r}");
    assert_eq!(r["opmerkingen"][0]["plaats"], "Verzoek 1");
    let (_, list, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    assert_eq!(list["resultaten"].as_array().unwrap().len(), 1);

    // Who may see and answer: another provider sees nothing; a provider
    // answers nothing; another municipality's consultant does not see it.
    let ribw = app.token("aanbieder", "aanbieder:2").await;
    let path = format!("/api/v1/iwmo-verzoeken/{id}");
    assert_eq!(app.api_get(&ribw, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.api_get(&w.kwintes, &path).await.0, StatusCode::OK);
    let answer = format!("/api/v1/iwmo-verzoeken/{id}/antwoord");
    let (s, _, _) = app
        .api_post(&w.kwintes, &answer, json!({"antwoord": "toewijzen"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let blaricum = app.token("wmo-consulent", "gemeente:GM0376").await;
    assert_eq!(app.api_get(&blaricum, &path).await.0, StatusCode::NOT_FOUND);
    let (_, none, _) = app.api_get(&blaricum, "/api/v1/iwmo-verzoeken").await;
    assert_eq!(none["resultaten"], json!([]));
    let beleid = app.token("beleidsadviseur", "regio:GV").await;
    assert_eq!(
        app.api_get(&beleid, "/api/v1/iwmo-verzoeken").await.0,
        StatusCode::FORBIDDEN
    );

    // Bad input is named at its field.
    let (s, p, _) = app.api_post(&w.huizen, &answer, json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["antwoord"]);
    let (s, p, _) = app
        .api_post(
            &w.huizen,
            &answer,
            json!({"antwoord": "afwijzen", "reden": "12"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(zothuis_testkit::problem_fields(&p), ["reden"]);

    // In onderzoek first (a WMO319 with VerzoekAntwoord 2), once (TR360).
    let (s, looked, _) = app
        .api_post(&w.huizen, &answer, json!({"antwoord": "in-onderzoek"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{looked}");
    assert_eq!(looked["verzoek"]["status"], "in-onderzoek");
    assert_eq!(looked["bericht"]["bericht"], "WMO319");
    let (_, xml) = text(app, &w.kwintes, &looked["bericht"]["id"]).await;
    let node = parse(xml.as_bytes()).unwrap();
    assert_eq!(validate(&node, Message::Wmo319), vec![], "{xml}");
    assert_eq!(node.text_at(&["Antwoord", "VerzoekAntwoord"]), Some("2"));
    assert_eq!(
        node.text_at(&["Antwoord", "ReferentieAanbieder"]),
        Some("KW-VOW-1")
    );
    let (s, _, _) = app
        .api_post(&w.huizen, &answer, json!({"antwoord": "in-onderzoek"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Granted: the assignment's new end with WMO002 12 and the provider's
    // reference in the 301 (IV093), audited; answered once.
    let (s, granted, _) = app
        .api_post(&w.huizen, &answer, json!({"antwoord": "toewijzen"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{granted}");
    assert_eq!(granted["verzoek"]["status"], "toegewezen");
    assert_eq!(granted["bericht"]["bericht"], "WMO301");
    let audit = app.last_audit().await;
    assert_eq!(
        (
            audit.action.as_str(),
            audit.object_type.as_str(),
            audit.object_id.as_deref()
        ),
        ("gewijzigd", "iwmo-verzoek", Some(id.to_string().as_str()))
    );
    assert_eq!(audit.client_id, Some(w.client));
    let node = newest_301(app, &w.kwintes).await;
    assert_eq!(
        products(&node),
        [(n1.clone(), "2026-09-30".to_string(), "12".to_string())]
    );
    let product = node
        .child("Client")
        .and_then(|c| c.child("ToegewezenProducten"))
        .and_then(|c| c.child("ToegewezenProduct"))
        .unwrap();
    assert_eq!(product.text_at(&["ReferentieAanbieder"]), Some("KW-VOW-1"));
    let (s, _, _) = app
        .api_post(
            &w.huizen,
            &answer,
            json!({"antwoord": "afwijzen", "reden": "3"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "answered once");
    let (_, open, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    assert_eq!(open["resultaten"], json!([]), "no task left");
    // Not naming every current assignment (TR349), a wrong number (TR351).
    let (_, r) = deliver(
        app,
        &w.kwintes,
        &vow(to, "VOW-4", bsn, "KW-VOW-4", "424242", "2026-08-31"),
    )
    .await;
    assert_eq!(codes(&r), ["0200", "9349", "9351"], "{r}");

    let (_, all, _) = app
        .api_get(&w.huizen, "/api/v1/iwmo-verzoeken?teBeantwoorden=false")
        .await;
    assert_eq!(all["resultaten"].as_array().unwrap().len(), 1);

    // A request for an assignment (WMO315): granted under a second decision
    // of the client, the new assignment carries the reference.
    let (s, receipt) = deliver(
        app,
        &w.kwintes,
        &vot(to, "VOT-1", bsn, "KW-VOT-1", "2026-02-01"),
    )
    .await;
    accepted(s, &receipt, "WMO316");
    let (_, list, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    let vot_id = list["resultaten"][0]["id"].as_i64().unwrap();
    let answer = format!("/api/v1/iwmo-verzoeken/{vot_id}/antwoord");
    let (s, p, _) = app
        .api_post(&w.huizen, &answer, json!({"antwoord": "toewijzen"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a new product needs a decision");
    assert_eq!(zothuis_testkit::problem_fields(&p), ["beschikkingId"]);
    let (_, application, _) = app
        .api_post(&w.huizen, "/api/v1/aanmeldingen", json!({"clientId": w.client, "productId": first["productId"], "aanmelddatum": "2026-01-12", "bron": "politie"}))
        .await;
    let (_, d2, _) = app
        .api_post(&w.huizen, "/api/v1/beschikkingen", json!({"aanmeldingId": application["id"], "uitkomst": "toegekend", "besluitdatum": "2026-01-12", "geldigVanaf": "2026-02-01", "geldigTot": "2026-12-31", "beschikkingsnummer": "MO-VOT"}))
        .await;
    let (s, granted, _) = app
        .api_post(
            &w.huizen,
            &answer,
            json!({"antwoord": "toewijzen", "beschikkingId": d2["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{granted}");
    let (_, assigned, _) = app
        .api_get(
            &w.huizen,
            &format!("/api/v1/clienten/{}/toewijzingen", w.client),
        )
        .await;
    let new = assigned
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["beschikkingId"] == d2["id"])
        .unwrap();
    assert_eq!(new["referentieAanbieder"], "KW-VOT-1");
    assert_eq!(new["ingangsdatum"], "2026-02-01");
    let both = products(&newest_301(app, &w.kwintes).await);
    assert_eq!(both.len(), 2, "every current assignment (OP087): {both:?}");

    // Refused with its reason (a WMO319 with VerzoekAntwoord 1).
    let (_, receipt) = deliver(
        app,
        &w.kwintes,
        &vot(to, "VOT-2", bsn, "KW-VOT-2", "2026-03-01"),
    )
    .await;
    assert_eq!(receipt["status"], "verwerkt", "{receipt}");
    let (_, list, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    let refuse = format!(
        "/api/v1/iwmo-verzoeken/{}/antwoord",
        list["resultaten"][0]["id"]
    );
    let (s, refused, _) = app
        .api_post(
            &w.huizen,
            &refuse,
            json!({"antwoord": "afwijzen", "reden": "6"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{refused}");
    assert_eq!(refused["verzoek"]["redenAfwijzing"], "6");
    let (_, xml) = text(app, &w.kwintes, &refused["bericht"]["id"]).await;
    let node = parse(xml.as_bytes()).unwrap();
    assert_eq!(node.text_at(&["Antwoord", "VerzoekAntwoord"]), Some("1"));
    assert_eq!(
        node.text_at(&["Antwoord", "RedenAfwijzingVerzoek"]),
        Some("6")
    );

    // A request for a person zothuis does not know: a task for the
    // municipality addressed only; assigning waits for the registration.
    let stranger = "999957338";
    let (_, receipt) = deliver(
        app,
        &w.kwintes,
        &vot(to, "VOT-3", stranger, "KW-VOT-3", "2026-03-01"),
    )
    .await;
    assert_eq!(receipt["status"], "verwerkt", "{receipt}");
    assert_eq!(receipt["bericht"]["clientId"], Value::Null);
    let addressed = app.token("wmo-consulent", &format!("gemeente:{to}")).await;
    let (_, list, _) = app.api_get(&addressed, "/api/v1/iwmo-verzoeken").await;
    let unknown = list["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["referentieAanbieder"] == "KW-VOT-3")
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    assert_eq!(unknown["clientId"], Value::Null);
    if to != "GM0406" {
        let (_, huizen, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
        assert!(
            !huizen.to_string().contains("KW-VOT-3"),
            "not for another municipality: {huizen}"
        );
    }
    let (s, p, _) = app
        .api_post(
            &addressed,
            &format!("/api/v1/iwmo-verzoeken/{}/antwoord", unknown["id"]),
            json!({"antwoord": "toewijzen", "beschikkingId": d2["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    assert!(p.to_string().contains("geen cliënt met het BSN"), "{p}");
}

#[tokio::test]
async fn the_providers_retour_on_a_301_is_recorded_with_it() {
    let w = world("999957314").await;
    let app = &w.app;
    assign_kwintes(&w).await;
    let sent = newest_301(app, &w.kwintes).await;
    // Assigned at 09:00 UTC on 12 January: 10:00 Dutch time, without zone.
    let product = ["ToegewezenProducten", "ToegewezenProduct"];
    let at = |name: &str| {
        let path: Vec<&str> = product.iter().copied().chain([name]).collect();
        sent.child("Client")
            .and_then(|c| c.text_at(&path))
            .map(str::to_string)
    };
    assert_eq!(at("Toewijzingstijd").as_deref(), Some("10:00:00"));
    assert_eq!(at("Toewijzingsdatum").as_deref(), Some("2026-01-12"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    let refused = Judgement {
        header: "0200",
        lines: vec!["9332"],
    };
    let r302 = retour(&sent, &refused, "KW302-1", today).unwrap();
    assert_eq!(validate(&r302, Message::Wmo302), vec![], "a 302 fits");
    let (s, receipt) = deliver(app, &w.kwintes, &write(&r302, &[])).await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["retour"], Value::Null, "a retour is not answered");
    assert_eq!(receipt["opmerkingen"][0]["retourcode"], "9332");
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("aangemaakt", "iwmo-bericht")
    );
    assert!(audit.details.contains("WMO302"), "{}", audit.details);
    let (_, log, _) = app
        .api_get(
            &w.huizen,
            &format!("/api/v1/iwmo-berichten?clientId={}", w.client),
        )
        .await;
    let m301 = log["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["bericht"] == "WMO301")
        .unwrap();
    assert_eq!(m301["status"], "afgekeurd", "{m301}");
    assert!(
        m301["retourcodes"]
            .as_array()
            .unwrap()
            .contains(&json!("9332"))
    );
    // The same retour twice, and one for no 301 of this provider.
    let (s, _) = deliver(app, &w.kwintes, &write(&r302, &[])).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let other = write(&r302, &[]).replace("KW302-1", "KW302-2");
    let mut unknown = parse(other.as_bytes()).unwrap();
    for c in &mut unknown.children[0].children {
        if c.name == "BerichtIdentificatie" {
            c.children[0].text = "999999".into();
        }
    }
    let (s, p) = deliver(app, &w.kwintes, &write(&unknown, &[])).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    // Accepted without remarks: the 301 is verwerkt.
    let clean = Judgement {
        header: "0200",
        lines: vec!["0200"],
    };
    let ok = write(&retour(&sent, &clean, "KW302-3", today).unwrap(), &[]);
    let (s, receipt) = deliver(app, &w.kwintes, &ok).await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["opmerkingen"], json!([]));
}

#[tokio::test]
async fn the_provider_asks_on_its_page_and_the_consultant_answers_on_the_task_page() {
    use crate::finance::assert_accessible;
    let bsn = "999957326";
    let w = world(bsn).await;
    let app = &w.app;
    let first = assign_kwintes(&w).await;
    let n1 = first["toewijzingnummer"].to_string();
    let to = first["gemeente"].as_str().unwrap();

    // Kwintes uploads its request on the messages page.
    let kwintes = app.login("aanbieder.kwintes").await;
    let csrf = zothuis_testkit::csrf_from(&app.page(&kwintes, "/berichten").await);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "bestand",
            reqwest::multipart::Part::bytes(
                vow(to, "VOW-P1", bsn, "KW-P-1", &n1, "2026-10-31").into_bytes(),
            )
            .file_name("verzoek.xml"),
        );
    let resp = kwintes
        .post(app.url("/berichten"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert_accessible("verzoek ontvangen", &html);
    assert!(html.contains("WMO317 ontvangen en verwerkt"), "{html}");
    assert!(html.contains("binnen 5 werkdagen"), "{html}");
    let html = app.page(&kwintes, "/berichten").await;
    assert!(
        html.contains("KW-P-1") && html.contains("Nog niet beantwoord"),
        "{html}"
    );
    assert!(
        !html.contains("href=\"/verzoeken\""),
        "a provider has no task list"
    );

    // The consultant: the menu item, the task with its term, the form.
    let consultant = app.login("consulent.huizen").await;
    let html = app.page(&consultant, "/verzoeken").await;
    assert_accessible("/verzoeken", &html);
    assert!(html.contains("href=\"/verzoeken\""), "menu item");
    assert!(html.contains("KW-P-1"), "{html}");
    assert!(html.contains("19 januari 2026"), "answer by: {html}");
    let (_, list, _) = app.api_get(&w.huizen, "/api/v1/iwmo-verzoeken").await;
    let id = list["resultaten"][0]["id"].as_i64().unwrap();
    let path = format!("/verzoeken/{id}");
    let html = app.page(&consultant, &path).await;
    assert_accessible(&path, &html);
    assert!(html.contains("Verzoek beantwoorden"), "{html}");
    assert!(html.contains("Wijziging zorgplan"), "WJ758 reason: {html}");
    let csrf = zothuis_testkit::csrf_from(&html);
    let form = format!("{path}/antwoord");
    let resp = app
        .post_form(
            &consultant,
            &form,
            &csrf,
            &[("antwoord", "afwijzen"), ("reden", "")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    assert_accessible("verzoek met fouten", &html);
    assert!(html.contains("href=\"#veld-reden\""), "{html}");
    let resp = app
        .post_form(
            &consultant,
            &form,
            &csrf,
            &[("antwoord", "toewijzen"), ("reden", "")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        zothuis_testkit::location(&resp),
        format!("{path}?melding=verzoek-beantwoord")
    );
    let html = app
        .page(&consultant, &format!("{path}?melding=verzoek-beantwoord"))
        .await;
    assert!(html.contains("Het verzoek is beantwoord"), "{html}");
    assert!(html.contains("Toegewezen"), "{html}");
    assert!(
        !html.contains("Antwoord versturen"),
        "no form once answered"
    );
    let html = app.page(&consultant, "/verzoeken").await;
    assert!(
        html.contains("Er zijn geen verzoeken te beantwoorden."),
        "{html}"
    );

    // A policy officer has no task list.
    let beleid = app.login("beleid.gv").await;
    let resp = beleid.get(app.url("/verzoeken")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

/// The stay of a client placed with Kwintes on the screens, assigned: its
/// id, etag and the assignment's number.
async fn assigned_stay(w: &crate::iwmo::World) -> (Value, String, String) {
    let app = &w.app;
    let (s, stay, etag) = app
        .api_post(&w.huizen, "/api/v1/verblijven", json!({"beschikkingId": w.decision, "aanbiederId": KWINTES, "locatieId": w.location, "startdatum": "2026-01-05"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{stay}");
    let (s, a, _) = app
        .api_post(
            &w.huizen,
            &format!("/api/v1/beschikkingen/{}/toewijzingen", w.decision),
            json!({"aanbiederId": KWINTES}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["verblijfId"], stay["id"], "{a}");
    (stay, etag.unwrap(), a["toewijzingnummer"].to_string())
}

#[tokio::test]
async fn an_assignment_ends_with_the_stay_the_municipality_ends() {
    let w = world("999957338").await;
    let app = &w.app;
    let (stay, etag, n1) = assigned_stay(&w).await;
    // Only the provider itself or the waitlist manager ends a stay.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (s, ended, _) = app
        .api(
            reqwest::Method::POST,
            &manager,
            &format!("/api/v1/verblijven/{}/einde", stay["id"]),
            Some(json!({"einddatum": "2026-01-10", "uitstroombestemming": "onbekend"})),
            Some(&etag),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    let audit = app.last_audit().await;
    assert_eq!(
        (audit.action.as_str(), audit.object_type.as_str()),
        ("gewijzigd", "toewijzing")
    );
    assert_eq!(
        products(&newest_301(app, &w.kwintes).await),
        [(n1, "2026-01-10".to_string(), "05".to_string())],
        "WMO002 05 verkorting, the stay's end"
    );
}

#[tokio::test]
async fn a_transfer_to_another_provider_ends_the_assignment_with_09_and_a_providers_end_sends_nothing()
 {
    let w = world("999957351").await;
    let app = &w.app;
    let (stay, etag, n1) = assigned_stay(&w).await;
    let (_, locations, _) = app.api_get(&w.huizen, "/api/v1/locaties").await;
    let haarlem = locations["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Nachtopvang Haarlem")
        .unwrap()["id"]
        .clone();
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (s, next, next_etag) = app
        .api(
            reqwest::Method::POST,
            &manager,
            &format!("/api/v1/verblijven/{}/overplaatsing", stay["id"]),
            Some(json!({"datum": "2026-01-08", "aanbiederId": 2, "locatieId": haarlem})),
            Some(&etag),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{next}");
    assert_eq!(
        products(&newest_301(app, &w.kwintes).await),
        [(n1, "2026-01-08".to_string(), "09".to_string())],
        "WMO002 09 overstap naar andere aanbieder"
    );
    // The new provider ends its stay itself: that is its stop, no 301.
    let (_, before, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    let leger = app.token("aanbieder", "aanbieder:2").await;
    let (s, _, _) = app
        .api(
            reqwest::Method::POST,
            &leger,
            &format!("/api/v1/verblijven/{}/einde", next["id"]),
            Some(json!({"einddatum": "2026-01-11", "uitstroombestemming": "onbekend"})),
            next_etag.as_deref(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let audit = app.last_audit().await;
    assert_eq!(audit.object_type, "verblijf", "no change of an assignment");
    let (_, after, _) = app.api_get(&w.kwintes, "/api/v1/iwmo-berichten").await;
    assert_eq!(before["aantal"], after["aantal"]);
}
