//! Providers' requests (iWmo WMO315 verzoek om toewijzing, WMO317 verzoek
//! om wijziging) as tasks for the consultant and the waitlist manager: the
//! list with the day each must be answered by (OP274), and each request
//! with the form to answer it with a WMO301 or a WMO319.

use super::*;
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use zothuis_domain::dates::dutch_timestamp;
use zothuis_domain::exchange::iwmo::model::{IwmoRequest, RequestStatus};
use zothuis_domain::exchange::iwmo::verzoek::REJECTION_REASONS;
use zothuis_domain::exchange::iwmo::{RequestReply, answer_by};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verzoeken", get(list))
        .route("/verzoeken/{id}", get(show))
        .route("/verzoeken/{id}/antwoord", post(answer))
}

/// Whether the user answers providers' requests.
pub fn answers_requests(u: &PageUser) -> bool {
    matches!(u.user.role, Role::WmoConsulent | Role::Wachtlijstbeheerder)
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// "alle": answered ones too.
    toon: Option<String>,
    melding: Option<String>,
}

/// WJ758 Reden verzoek, for people.
fn reason_label(code: &str) -> &'static str {
    match code {
        "1" => "Verandering cliëntsituatie",
        "2" => "Wijziging zorgplan",
        _ => "onbekende reden",
    }
}

fn kind_label(r: &IwmoRequest) -> String {
    match r.message.number() {
        "315" => "Verzoek om toewijzing (WMO315)".into(),
        _ => "Verzoek om wijziging (WMO317)".into(),
    }
}

async fn provider_names(s: &AppState, u: &PageUser) -> PageResult<HashMap<i64, String>> {
    Ok(s.services
        .list_providers(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn status_cell(r: &IwmoRequest, today: chrono::NaiveDate) -> Cell {
    let due = answer_by(r.received_at.date_naive());
    match r.status {
        RequestStatus::Open | RequestStatus::InOnderzoek if due < today => {
            badge_cell(format!("{} – termijn verstreken", r.status.label()), "warn")
        }
        RequestStatus::Open | RequestStatus::InOnderzoek => badge_cell(r.status.label(), "muted"),
        RequestStatus::Toegewezen => badge_cell(r.status.label(), "ok"),
        RequestStatus::Afgewezen => badge_cell(r.status.label(), "warn"),
    }
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    let all = q.toon.as_deref() == Some("alle");
    let found = s.services.iwmo_requests(&u.ctx, !all).await?;
    let providers = provider_names(&s, &u).await?;
    let l = Layout::new(&s, &u, "Verzoeken van aanbieders", Section::Requests)
        .await
        .with_notice(q.melding.as_deref());
    let mut page = DetailPage::new(l, "Verzoeken van aanbieders");
    page.intro = Some(format!(
        "Aanbieders vragen met een iWmo-bericht om een toewijzing (WMO315) of om een wijziging (WMO317). \
         Beantwoord elk verzoek binnen {} werkdagen (iWmo OP274): wijs toe, wijs af met een reden, of zet het in onderzoek. \
         Het antwoord gaat als WMO301 of WMO319 naar de aanbieder.",
        zothuis_domain::exchange::iwmo::ANSWER_WORKING_DAYS
    ));
    page.actions.push(if all {
        link("/verzoeken", "Alleen te beantwoorden")
    } else {
        link("/verzoeken?toon=alle", "Ook beantwoorde verzoeken")
    });
    let today = s.services.clock.today();
    page.tables.push(Table {
        caption: if all {
            "Alle verzoeken, nieuwste eerst".into()
        } else {
            "Te beantwoorden, nieuwste eerst".into()
        },
        columns: columns(&[
            "Verzoek",
            "Aanbieder",
            "Referentie aanbieder",
            "Ontvangen",
            "Beantwoorden vóór",
            "Status",
        ]),
        rows: found
            .iter()
            .map(|r| {
                vec![
                    link_cell(kind_label(r), format!("/verzoeken/{}", r.id)),
                    cell(providers.get(&r.provider_id).cloned().unwrap_or_default()),
                    cell(r.reference.clone()),
                    cell(dutch_timestamp(r.received_at, false)),
                    date_cell(answer_by(r.received_at.date_naive())),
                    status_cell(r, today),
                ]
            })
            .collect(),
        empty: if all {
            "Er zijn nog geen verzoeken ontvangen.".into()
        } else {
            "Er zijn geen verzoeken te beantwoorden.".into()
        },
    });
    Ok(page)
}

async fn show(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    request_page(&s, &u, id, q.melding.as_deref(), None).await
}

async fn request_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    typed: Option<&RequestReply>,
) -> PageResult<DetailPage> {
    let r = s.services.iwmo_request(&u.ctx, id).await?;
    let providers = provider_names(s, u).await?;
    let l = Layout::new(s, u, "Verzoek van een aanbieder", Section::Requests)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/verzoeken", "Verzoeken van aanbieders")]);
    let mut page = DetailPage::new(l, kind_label(&r));
    let today = s.services.clock.today();
    let due = answer_by(r.received_at.date_naive());
    page = page
        .fact(
            "Aanbieder",
            providers.get(&r.provider_id).cloned().unwrap_or_default(),
        )
        .fact("Referentie aanbieder", r.reference.clone())
        .fact("Ontvangen", dutch_timestamp(r.received_at, false))
        .fact("Beantwoorden vóór", zothuis_domain::dates::dutch_long(due))
        .fact("Status", r.status.label());
    if let Some(reason) = &r.reason {
        page = page.fact("Reden van het verzoek (WJ758)", reason_label(reason));
    }
    if let Some(code) = &r.rejection {
        let label = REJECTION_REASONS
            .iter()
            .find(|(c, _)| c == code)
            .map_or("", |(_, l)| *l);
        page = page.fact("Reden van afwijzing (WJ759)", format!("{code} – {label}"));
    }
    match r.client_id {
        Some(c) => page.actions.push(link(format!("/clienten/{c}"), "Naar de cliënt")),
        None => {
            page.intro = Some(
                "zothuis kent geen cliënt met het BSN uit dit verzoek. Registreer de cliënt (met dit BSN) voordat u toewijst; afwijzen of in onderzoek zetten kan al."
                    .into(),
            )
        }
    }
    page.actions.push(link(
        format!("/berichten/{}/inhoud", r.message_id),
        "Het ontvangen bericht (XML)",
    ));
    if let Some(m) = r.answer_message_id {
        page.actions
            .push(link(format!("/berichten/{m}/inhoud"), "Het antwoord (XML)"));
    }
    page.tables.push(Table {
        caption: "Gevraagd".into(),
        columns: columns(&[
            "Soort",
            "#Toewijzingnummer",
            "Productcategorie",
            "Productcode",
            "Ingangsdatum",
            "Einddatum",
        ]),
        rows: r
            .products
            .iter()
            .map(|p| {
                vec![
                    cell(match p.soort.as_str() {
                        "nieuw" => "nieuwe toewijzing",
                        "wijzigen" => "toewijzing wijzigen",
                        _ => "ongewijzigd voortzetten",
                    }),
                    p.toewijzing.map_or_else(|| cell("—"), num_cell),
                    cell(p.categorie.clone().unwrap_or_else(|| "—".into())),
                    cell(p.code.clone().unwrap_or_else(|| "—".into())),
                    p.ingangsdatum.map_or_else(|| cell("—"), date_cell),
                    p.einddatum.map_or_else(|| cell("—"), date_cell),
                ]
            })
            .collect(),
        empty: "Het verzoek noemt geen producten.".into(),
    });
    if r.status.pending() && answers_requests(u) {
        if due < today {
            page.alert = Some(Alert {
                text: format!(
                    "De termijn van {} werkdagen is verstreken op {}.",
                    zothuis_domain::exchange::iwmo::ANSWER_WORKING_DAYS,
                    zothuis_domain::dates::dutch_long(due)
                ),
                link: None,
            });
        }
        let empty = RequestReply::default();
        let typed = typed.unwrap_or(&empty);
        let mut answers = vec![
            (String::new(), "— kies een antwoord —".to_string()),
            ("toewijzen".into(), "Toewijzen (WMO301)".into()),
            ("afwijzen".into(), "Afwijzen (WMO319)".into()),
        ];
        if r.status == RequestStatus::Open {
            answers.push(("in-onderzoek".into(), "In onderzoek (WMO319)".into()));
        }
        let mut reasons = vec![(String::new(), "— alleen bij afwijzen —".to_string())];
        reasons.extend(
            REJECTION_REASONS
                .iter()
                .map(|(c, l)| (c.to_string(), format!("{c} – {l}"))),
        );
        let mut fields = vec![
            Field::select("antwoord", "Antwoord", &typed.antwoord, answers).required(),
            Field::select(
                "reden",
                "Reden van afwijzing (WJ759)",
                typed.reden.as_deref().unwrap_or_default(),
                reasons,
            ),
        ];
        let asks_new = r.products.iter().any(|p| p.soort == "nieuw");
        if let (true, Some(client_id)) = (asks_new, r.client_id) {
            let (_, decisions) = s.services.client_access_history(&u.ctx, client_id).await?;
            let products: HashMap<i64, String> = s
                .services
                .list_products(&u.ctx)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect();
            let mut choices = vec![(String::new(), "— kies een beschikking —".to_string())];
            choices.extend(
                decisions
                    .iter()
                    .filter(|d| d.outcome == zothuis_domain::access::Outcome::Toegekend)
                    .map(|d| {
                        (
                            d.id.to_string(),
                            format!(
                                "{} – {}",
                                d.reference,
                                products.get(&d.product_id).cloned().unwrap_or_default()
                            ),
                        )
                    }),
            );
            let chosen = typed
                .beschikking_id
                .map(|i| i.to_string())
                .unwrap_or_default();
            fields.push(
                Field::select("beschikkingId", "Beschikking", &chosen, choices)
                    .hint("Bij toewijzen: de toegekende beschikking waaronder het gevraagde product valt."),
            );
        }
        page.forms.push(
            FormBlock::post(
                format!("/verzoeken/{id}/antwoord"),
                "Antwoord versturen",
                fields,
            )
            .heading("Verzoek beantwoorden")
            .anchor("beantwoorden"),
        );
    }
    Ok(page)
}

async fn answer(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let reply = RequestReply {
        antwoord: f.get("antwoord"),
        reden: f.opt("reden"),
        beschikking_id: f.id("beschikkingId"),
        locatie_id: None,
    };
    match s.services.answer_request(&u.ctx, id, &reply).await {
        Ok(_) => Ok(done(&format!("/verzoeken/{id}"), "verzoek-beantwoord")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            let page = request_page(&s, &u, id, None, Some(&reply)).await?;
            Ok(failed_at(page, "beantwoorden", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}
