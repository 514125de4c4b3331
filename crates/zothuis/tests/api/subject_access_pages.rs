//! The privacy officer's pages for requests of access: the register, a
//! request recorded on the form (a wrong one named at its field), and the
//! answer as a page, a PDF and JSON.

use reqwest::StatusCode;
use serde_json::json;
use zothuis_testkit::{assert_unique_ids, csrf_from, location, spawn_app, table_after};

#[tokio::test]
async fn subject_access_pages_the_privacy_officer_records_a_request_and_answers_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (status, created, _) = app
        .api_post(
            &huizen,
            "/api/v1/clienten",
            json!({"voornaam": "Inge", "achternaam": "Visser", "geboortedatum": "1979-02-03", "bsn": "999957168"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let client = created["id"].as_i64().unwrap();

    let fg = app.login("fg.gv").await;
    let home = app.page(&fg, "/").await;
    assert!(
        home.contains("href=\"/inzageverzoeken\""),
        "the menu and the card"
    );
    let page = app.page(&fg, "/inzageverzoeken").await;
    assert!(page.contains("<h1>Inzageverzoeken"), "{page}");
    assert!(page.contains("id=\"verzoek\""), "the form");
    assert_unique_ids("/inzageverzoeken", &page);
    let csrf = csrf_from(&page);

    // Another date of birth: named at the BSN, nothing written.
    let wrong = app
        .post_form(
            &fg,
            "/inzageverzoeken",
            &csrf,
            &[
                ("bsn", "999957168"),
                ("geboortedatum", "1979-03-02"),
                ("ontvangenOp", "2026-01-09"),
                ("identiteitGecontroleerd", "paspoort gezien"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("href=\"#veld-bsn\""), "{body}");
    assert!(body.contains("geen cliënt met dit BSN"), "{body}");
    assert!(
        body.contains("value=\"paspoort gezien\""),
        "typed values kept"
    );

    let resp = app
        .post_form(
            &fg,
            "/inzageverzoeken",
            &csrf,
            &[
                ("bsn", "999957168"),
                ("geboortedatum", "1979-02-03"),
                ("ontvangenOp", "2026-01-09"),
                ("identiteitGecontroleerd", "paspoort gezien"),
                ("toelichting", "per brief"),
            ],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let at = location(&resp);
    assert!(
        at.starts_with("/inzageverzoeken/") && at.ends_with("?melding=inzageverzoek"),
        "{at}"
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("aangemaakt", "inzageverzoek", Some(client))
    );
    let request_page = app.page(&fg, &at).await;
    assert!(
        request_page.contains("Het inzageverzoek is vastgelegd"),
        "{request_page}"
    );
    assert!(
        request_page.contains("9 februari 2026"),
        "due a month after receipt"
    );
    let base = at.split('?').next().unwrap().to_string();
    assert!(request_page.contains(&format!("{base}/overzicht?formaat=pdf")));
    let list = app.page(&fg, "/inzageverzoeken").await;
    assert!(table_after(&list, "Verzoeken, nieuwste eerst").contains("open"));

    let overview = app.page(&fg, &format!("{base}/overzicht")).await;
    assert!(
        overview.contains("Persoonsgegevens en hun geschiedenis"),
        "{overview}"
    );
    assert!(table_after(&overview, "Persoonsgegevens en hun geschiedenis").contains("Visser"));
    assert!(
        table_after(&overview, "Wie uw gegevens heeft ingezien of gewijzigd")
            .contains("Wmo-consulent, gemeente Huizen"),
        "{overview}"
    );
    assert_unique_ids("/inzageverzoeken/…/overzicht", &overview);
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("bekeken", "inzageverzoek", Some(client))
    );

    let pdf = fg
        .get(app.url(&format!("{base}/overzicht?formaat=pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let json = fg
        .get(app.url(&format!("{base}/overzicht?formaat=json")))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::OK);
    assert!(
        json.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let data: serde_json::Value = json.json().await.unwrap();
    assert_eq!(data["onderdelen"][0]["regels"][0]["achternaam"], "Visser");
    let bad = fg
        .get(app.url(&format!("{base}/overzicht?formaat=doc")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let list = app.page(&fg, "/inzageverzoeken").await;
    assert!(table_after(&list, "Verzoeken, nieuwste eerst").contains("beantwoord op"));

    // Nobody else has the pages.
    let consultant = app.login("consulent.huizen").await;
    let refused = consultant
        .get(app.url("/inzageverzoeken"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let home = app.page(&consultant, "/").await;
    assert!(!home.contains("href=\"/inzageverzoeken\""));
}
