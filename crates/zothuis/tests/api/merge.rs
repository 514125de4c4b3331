//! Merging two records of one person: the consultant keeps one, everything
//! of the other moves to it in one audited step, the other stays readable
//! and can no longer be changed; the figures as known before the merge do
//! not change; the merge can be undone exactly. Only who looks for
//! duplicates merges, and only records they may change.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zothuis_domain::clock::Clock;
use zothuis_testkit::{TestApp, problem_fields, spawn_app};

async fn register(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, created, _) = app.api_post(token, "/api/v1/clienten", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

/// An application for protected housing for a client: its id.
async fn apply(app: &TestApp, token: &str, client: i64) -> i64 {
    let (_, products, _) = app.api_get(token, "/api/v1/producten").await;
    let bw = products["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BW-INT")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, created, _) = app
        .api_post(
            token,
            "/api/v1/aanmeldingen",
            json!({"clientId": client, "productId": bw, "aanmelddatum": "2026-01-05", "bron": "ggz"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

/// Two records of one person in Huizen: one without BSN with an
/// application, one with a BSN. (without, with, application)
async fn pair(app: &TestApp, token: &str, bsn: &str) -> (i64, i64, i64) {
    let without = register(
        app,
        token,
        json!({"voornaam": "Mohammed", "achternaam": "El Amrani", "geboortedatum": "1980-04-03"}),
    )
    .await;
    let with = register(
        app,
        token,
        json!({"voornaam": "Mohamed", "achternaam": "El-Amrani", "geboortedatum": "1980-04-03", "bsn": bsn}),
    )
    .await;
    let application = apply(app, token, without).await;
    (without, with, application)
}

fn merge_path(id: i64) -> String {
    format!("/api/v1/clienten/{id}/samenvoegen")
}

#[tokio::test]
async fn a_consultant_merges_a_duplicate_without_losing_anything_and_can_undo_it() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (without, with, application) = pair(&app, &huizen, "999957181").await;
    let before_merge = app.clock.now_micros();
    let figures_before = app.services.build_facts(before_merge).await.unwrap();
    app.clock.advance(chrono::Duration::minutes(5));

    let (status, merge, _) = app
        .api_post(
            &huizen,
            &merge_path(without),
            json!({"behouden": with, "reden": "zelfde persoon, eerst zonder BSN geregistreerd"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{merge}");
    assert_eq!(
        (
            &merge["behouden"],
            &merge["samengevoegd"],
            &merge["verplaatst"]
        ),
        (&json!(with), &json!(without), &json!({"aanmeldingen": 1}))
    );
    let row = app.last_audit().await;
    assert_eq!(
        (
            row.action.as_str(),
            row.object_type.as_str(),
            row.client_id,
            row.outcome.as_str()
        ),
        ("aangemaakt", "samenvoeging", Some(with), "geslaagd")
    );
    assert_eq!(row.object_id, Some(merge["id"].to_string()));
    assert!(row.details.contains("\"verplaatst\""), "{}", row.details);
    assert!(row.details.contains(&format!("\"samengevoegd\":{without}")));

    // The application is the kept record's now; nothing is lost.
    let (_, a, _) = app
        .api_get(&huizen, &format!("/api/v1/aanmeldingen/{application}"))
        .await;
    assert_eq!(a["clientId"], json!(with), "{a}");
    // The merged record stays readable, says where it went, and refuses
    // changes with the reason.
    let (status, c, _) = app
        .api_get(&huizen, &format!("/api/v1/clienten/{without}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["samengevoegdMet"], json!(with));
    let (status, problem, _) = app
        .api_post(
            &huizen,
            &format!("/api/v1/clienten/{without}/adressen"),
            json!({"soort": "woonadres", "gemeenteCode": "GM0406", "adres": "Lindelaan 4", "ingangsdatum": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("samengevoegd met cliëntnummer {with}")),
        "{problem}"
    );
    // No longer proposed as a duplicate.
    let (_, list, _) = app
        .api_get(&huizen, "/api/v1/clienten/mogelijke-dubbelen")
        .await;
    assert!(
        !list.to_string().contains(&format!("\"id\":{without},")),
        "{list}"
    );
    // Both records list the merge.
    for id in [with, without] {
        let (status, merges, _) = app
            .api_get(&huizen, &format!("/api/v1/clienten/{id}/samenvoegingen"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(merges[0]["id"], merge["id"], "{merges}");
    }
    // Either record again: refused at the field.
    let (status, problem, _) = app
        .api_post(
            &huizen,
            &merge_path(with),
            json!({"behouden": without, "reden": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["behouden"]);

    // The figures as known before the merge are what they were; as known
    // now, the projection kept equals a full build.
    assert!(app.services.build_facts(before_merge).await.unwrap() == figures_before);
    let kept = app.services.figure_facts(None).await.unwrap();
    let built = app
        .services
        .build_facts(kept.known_at.unwrap())
        .await
        .unwrap();
    assert!(*kept == built, "the merge rebuilt the projection");

    // A request of access for the person answers with both records:
    // the merged record's details and who read it are about them too.
    let fg = app.token("fg", "regio:GV").await;
    let (status, request, _) = app
        .api_post(
            &fg,
            "/api/v1/inzageverzoeken",
            json!({"bsn": "999957181", "geboortedatum": "1980-04-03", "ontvangenOp": "2026-01-09",
                "identiteitGecontroleerd": "paspoort gezien"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let (status, dossier, _) = app
        .api_get(
            &fg,
            &format!("/api/v1/inzageverzoeken/{}/dossier", request["id"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dossier}");
    let part = |key: &str| {
        dossier["onderdelen"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sleutel"] == key)
            .unwrap()["regels"]
            .to_string()
    };
    assert!(
        part("persoonsgegevens").contains("\"Mohammed\""),
        "{dossier}"
    );
    assert!(
        part("aanmeldingen").contains("2026-01-05")
            || part("aanmeldingen").contains("5 januari 2026")
    );

    // Undone: a reason is needed; then the application goes back.
    let undo = format!("/api/v1/samenvoegingen/{}/ongedaan-maken", merge["id"]);
    let (status, problem, _) = app.api_post(&huizen, &undo, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem_fields(&problem), ["reden"]);
    let (status, undone, _) = app
        .api_post(&huizen, &undo, json!({"reden": "toch twee personen"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["redenOngedaanMaken"], json!("toch twee personen"));
    let row = app.last_audit().await;
    assert_eq!(
        (row.action.as_str(), row.object_type.as_str(), row.client_id),
        ("gewijzigd", "samenvoeging", Some(with))
    );
    let (_, a, _) = app
        .api_get(&huizen, &format!("/api/v1/aanmeldingen/{application}"))
        .await;
    assert_eq!(a["clientId"], json!(without));
    let (_, c, _) = app
        .api_get(&huizen, &format!("/api/v1/clienten/{without}"))
        .await;
    assert_eq!(c["samengevoegdMet"], Value::Null);
    let (status, _, _) = app
        .api_post(&huizen, &undo, json!({"reden": "nogmaals"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn only_who_may_change_both_records_merges_them() {
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let hilversum = app.token("wmo-consulent", "gemeente:GM0402").await;
    let (without, with, _) = pair(&app, &huizen, "999957193").await;
    let body = json!({"behouden": with, "reden": "zelfde persoon"});

    // Roles that do not look for duplicates: refused and audited.
    for (role, scope) in [
        ("beleidsadviseur", "regio:GV"),
        ("fg", "regio:GV"),
        ("aanbieder", "aanbieder:1"),
        ("beheerder", "installatie"),
    ] {
        let token = app.token(role, scope).await;
        let (status, _, _) = app
            .api_post(&token, &merge_path(without), body.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        let row = app.last_audit().await;
        assert_eq!(
            (row.object_type.as_str(), row.outcome.as_str()),
            ("samenvoeging", "geweigerd"),
            "{role}"
        );
    }
    // Another municipality's consultant does not see the records.
    let (status, _, _) = app
        .api_post(&hilversum, &merge_path(without), body.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A record to keep that the consultant cannot see is answered as an
    // unknown one, at the field.
    let elsewhere = register(
        &app,
        &hilversum,
        json!({"voornaam": "Mohammed", "achternaam": "El Amrani", "geboortedatum": "1980-04-03"}),
    )
    .await;
    for keep in [elsewhere, 999_999] {
        let (status, problem, _) = app
            .api_post(
                &huizen,
                &merge_path(without),
                json!({"behouden": keep, "reden": "zelfde persoon"}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), ["behouden"]);
        assert!(
            problem.to_string().contains("dat u kunt inzien"),
            "{problem}"
        );
    }
    // Itself, or nothing chosen.
    for bad in [
        json!({"behouden": without, "reden": "x"}),
        json!({"reden": "x"}),
    ] {
        let (status, problem, _) = app.api_post(&huizen, &merge_path(without), bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem_fields(&problem), ["behouden"]);
    }
    // A restricted record (women's shelter) is seen only by who is granted
    // it: not by this token, so not merged by it either (that a restricted
    // record merges only with another restricted one is the domain's
    // `refuse_merge`, tested there).
    let restricted = register(
        &app,
        &huizen,
        json!({"voornaam": "Mohammed", "achternaam": "El Amrani", "geboortedatum": "1980-04-03", "afgeschermd": true}),
    )
    .await;
    let (status, _, _) = app
        .api_post(
            &huizen,
            &merge_path(restricted),
            json!({"behouden": with, "reden": "zelfde persoon"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The waiting-list manager of the region may.
    let manager = app.token("wachtlijstbeheerder", "regio:GV").await;
    let (status, merge, _) = app.api_post(&manager, &merge_path(without), body).await;
    assert_eq!(status, StatusCode::CREATED, "{merge}");
    // Undoing it is refused to a role that may not merge, and to another
    // municipality's consultant (who sees neither record).
    let undo = format!("/api/v1/samenvoegingen/{}/ongedaan-maken", merge["id"]);
    let policy = app.token("beleidsadviseur", "regio:GV").await;
    let (status, _, _) = app
        .api(
            Method::POST,
            &policy,
            &undo,
            Some(json!({"reden": "x"})),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app.api_post(&hilversum, &undo, json!({"reden": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn merge_pages_compare_two_records_merge_them_and_undo_it() {
    use zothuis_testkit::{assert_unique_ids, csrf_from, location};
    let mut app = spawn_app().await;
    app.seed_demo().await;
    let huizen = app.token("wmo-consulent", "gemeente:GM0406").await;
    let (without, with, _) = pair(&app, &huizen, "999957211").await;
    let browser = app.login("consulent.huizen").await;

    let list = app.page(&browser, "/clienten/mogelijke-dubbelen").await;
    let compare = format!(
        "/clienten/{}/samenvoegen?met={}",
        without.min(with),
        without.max(with)
    );
    assert!(list.contains(&compare.replace('&', "&amp;")), "{list}");
    let page = app.page(&browser, &compare).await;
    assert!(page.contains("De twee dossiers"), "{page}");
    assert!(
        page.contains("999957211") && page.contains("niet bekend"),
        "both records side by side"
    );
    assert_unique_ids(&compare, &page);
    let csrf = csrf_from(&page);

    // No reason: named at its field, the choice kept.
    let keep = with.to_string();
    let resp = app
        .post_form(
            &browser,
            &compare,
            &csrf,
            &[("behouden", &keep), ("reden", " ")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = resp.text().await.unwrap();
    assert!(body.contains("href=\"#veld-reden\""), "{body}");
    assert!(
        body.contains(&format!("<option value=\"{with}\" selected")),
        "{body}"
    );

    let resp = app
        .post_form(
            &browser,
            &compare,
            &csrf,
            &[("behouden", &keep), ("reden", "zelfde persoon")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&resp),
        format!("/clienten/{with}?melding=samengevoegd")
    );
    let row = app.last_audit().await;
    assert_eq!(
        (row.object_type.as_str(), row.actor_name.as_str()),
        ("samenvoeging", "consulent.huizen")
    );
    let kept = app
        .page(&browser, &format!("/clienten/{with}?melding=samengevoegd"))
        .await;
    assert!(kept.contains("De dossiers zijn samengevoegd"), "{kept}");
    assert!(
        kept.contains("Samenvoegingen") && kept.contains("1 aanmeldingen"),
        "{kept}"
    );
    assert!(kept.contains("id=\"ongedaan-maken\""), "the undo form");
    assert!(
        kept.contains("Beschermd wonen intramuraal"),
        "the application moved here: {kept}"
    );
    assert_unique_ids("kept record", &kept);
    let merged = app.page(&browser, &format!("/clienten/{without}")).await;
    assert!(
        merged.contains(&format!("samengevoegd met cliëntnummer {with}")),
        "{merged}"
    );
    assert!(merged.contains(&format!("href=\"/clienten/{with}\"")));
    assert!(
        !merged.contains(&format!("/clienten/{without}/wijzigen")),
        "read-only"
    );

    // Undo on the kept record's page: a reason is needed.
    let csrf = csrf_from(&kept);
    let undo = format!("/clienten/{with}/samenvoeging-ongedaan-maken");
    let (_, merges, _) = app
        .api_get(&huizen, &format!("/api/v1/clienten/{with}/samenvoegingen"))
        .await;
    let merge_id = merges[0]["id"].to_string();
    let resp = app
        .post_form(
            &browser,
            &undo,
            &csrf,
            &[("samenvoeging", &merge_id), ("reden", "")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("href=\"#veld-reden\""));
    let resp = app
        .post_form(
            &browser,
            &undo,
            &csrf,
            &[("samenvoeging", &merge_id), ("reden", "toch twee personen")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&resp),
        format!("/clienten/{with}?melding=samenvoeging-ongedaan")
    );
    let merged = app.page(&browser, &format!("/clienten/{without}")).await;
    assert!(
        merged.contains(&format!("/clienten/{without}/wijzigen")),
        "changeable again"
    );
    assert!(
        merged.contains("toch twee personen"),
        "the undo in the merges table"
    );
}
