//! Review meeting pages: when each municipality is due, and the list for a
//! meeting with an outcome per client.

use super::*;
use axum::extract::{Query, State};
use axum::routing::get;
use std::collections::HashMap;
use zothuis_domain::waitlist::review::ReviewOutcome;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wachtlijstoverleggen", get(overview))
        .route("/wachtlijstoverleggen/nieuw", get(new_form).post(create))
}

async fn overview(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let plans = s.services.review_plans(&u.ctx).await?;
    let held = s.services.list_reviews(&u.ctx).await?;
    let names = municipality_names(&s, &u).await?;
    let l = Layout::new(&s, &u, "Wachtlijstoverleg", Section::Reviews)
        .await
        .with_notice(q.melding.as_deref());
    let mut page = DetailPage::new(l, "Wachtlijstoverleg per gemeente");
    page.intro = Some("Elke gemeente bespreekt haar wachtende inwoners met de wachtlijstbeheerder volgens een vaste cyclus.".into());
    page.tables.push(Table {
        caption: "Planning".into(),
        columns: columns(&[
            "Gemeente",
            "#Cyclus (weken)",
            "Laatste overleg",
            "Volgende overleg",
            "Voorbereiden",
        ]),
        rows: plans
            .iter()
            .map(|p| {
                vec![
                    cell(
                        names
                            .get(p.municipality.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    num_cell(p.cycle_weeks),
                    p.last_held
                        .map_or_else(|| cell("nog niet gehouden"), date_cell),
                    if p.overdue {
                        badge_cell(format!("{} (te laat)", dutch_long(p.next_due)), "warn")
                    } else {
                        date_cell(p.next_due)
                    },
                    link_cell(
                        "Lijst openen",
                        format!(
                            "/wachtlijstoverleggen/nieuw?gemeenteCode={}",
                            p.municipality
                        ),
                    ),
                ]
            })
            .collect(),
        empty: "Geen gemeenten in uw regio.".into(),
    });
    page.tables.push(Table {
        caption: "Gehouden overleggen".into(),
        columns: columns(&["Datum", "Gemeente", "#Besproken", "Vastgelegd door"]),
        rows: held
            .iter()
            .map(|r| {
                vec![
                    date_cell(r.held_on),
                    cell(
                        names
                            .get(r.municipality.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    num_cell(r.outcomes.len() as i64),
                    cell(&r.recorded_by),
                ]
            })
            .collect(),
        empty: "Nog geen overleggen vastgelegd.".into(),
    });
    Ok(page)
}

#[derive(serde::Deserialize, Default)]
struct NewQuery {
    #[serde(rename = "gemeenteCode")]
    municipality: Option<String>,
}

async fn form_page(
    s: &AppState,
    u: &PageUser,
    code: &str,
    date: &str,
    outcomes: &HashMap<i64, String>,
) -> PageResult<FormPage> {
    let lines = s.services.review_agenda(&u.ctx, code).await?;
    let names = municipality_names(s, u).await?;
    let name = names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let mut fields = vec![
        Field::text("gemeenteCode", "Gemeente (code)", code).readonly(),
        Field::date("datum", "Datum van het overleg", date).required(),
    ];
    for l in &lines {
        fields.push(
            Field::text(
                &format!("uitkomst-{}", l.state.entry.id),
                &format!(
                    "{} — {}",
                    l.client.full_name(),
                    l.state.status.label().to_lowercase()
                ),
                outcomes.get(&l.state.entry.id).cloned().unwrap_or_default(),
            )
            .hint(&format!(
                "{} dagen wachtend, {} dagen in deze status. Leeg laten als niet besproken.",
                l.state.waiting_days, l.state.days_in_status
            )),
        );
    }
    let form = FormBlock::post(
        format!("/wachtlijstoverleggen/nieuw?gemeenteCode={code}"),
        "Overleg vastleggen",
        fields,
    )
    .cancel("/wachtlijstoverleggen");
    Ok(FormPage::new(
        Layout::new(s, u, "Overleg voorbereiden", Section::Reviews)
            .await
            .with_breadcrumbs(vec![link("/wachtlijstoverleggen", "Wachtlijstoverleg")]),
        &format!("Wachtlijstoverleg {name}"),
        form,
    )
    .intro(&format!("{} inwoners van {name} staan op de wachtlijst. Noteer per besproken cliënt de uitkomst; statuswijzigingen legt u vast op de inschrijving zelf.", lines.len())))
}

async fn new_form(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NewQuery>,
) -> PageResult<FormPage> {
    let code = q.municipality.unwrap_or_default();
    form_page(
        &s,
        &u,
        &code,
        &s.services.clock.today().to_string(),
        &HashMap::new(),
    )
    .await
}

async fn create(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NewQuery>,
    f: FormData,
) -> PageResult<Response> {
    let code = q.municipality.unwrap_or_else(|| f.get("gemeenteCode"));
    let outcomes: Vec<ReviewOutcome> =
        f.0.iter()
            .filter_map(|(k, v)| {
                let id = k.strip_prefix("uitkomst-")?.parse().ok()?;
                Some(ReviewOutcome {
                    entry_id: id,
                    outcome: v.trim().to_string(),
                })
            })
            .collect();
    match s
        .services
        .record_review(&u.ctx, &code, &f.get("datum"), &outcomes)
        .await
    {
        Ok(_) => Ok(done("/wachtlijstoverleggen", "aangemaakt")),
        Err(e @ DomainError::Invalid(_)) => {
            let kept: HashMap<i64, String> = outcomes
                .iter()
                .map(|o| (o.entry_id, o.outcome.clone()))
                .collect();
            Ok(form_page(&s, &u, &code, &f.get("datum"), &kept)
                .await?
                .failed(e, None))
        }
        Err(e) => Err(PageError(e)),
    }
}
