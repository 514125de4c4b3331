//! Care pages: screening outcome and placement from a waiting-list entry, the
//! list of stays, and one stay with its exit, transfer and correction forms.

use super::*;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use std::collections::HashMap;
use zothuis_domain::care::*;
use zothuis_domain::reference::{CareLevel, Financing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/screeningen/{id}/uitkomst", post(screening_outcome))
        .route("/wachtlijst/{id}/plaatsing", post(place))
        .route("/verblijven", get(stays))
        .route("/verblijven/{id}", get(stay))
        .route("/verblijven/{id}/einde", post(end))
        .route("/verblijven/{id}/overplaatsing", post(transfer))
        .route("/verblijven/{id}/correctie", post(correct))
}

/// The field names of the financing form and level on the transfer form:
/// the correction form on the same page has the plain ones, and ids must
/// be unique on a page.
const TRANSFER_FUNDING: [(&str, &str); 2] = [
    ("financieringsvorm", "nieuweFinancieringsvorm"),
    ("zorgzwaarte", "nieuweZorgzwaarte"),
];

/// The financing form and care intensity level of a stay as two selects,
/// with `current` chosen (Wmo 2015 art. 2.3.6: natura or pgb), under the
/// names `names` (financing, level).
fn funding_fields(current: (Financing, Option<CareLevel>), names: [&str; 2]) -> Vec<Field> {
    let forms = Financing::ALL
        .iter()
        .map(|f| (f.code().to_string(), f.label().to_string()))
        .collect();
    let mut levels = vec![("geen".to_string(), "— geen niveau —".to_string())];
    levels.extend((1..=CareLevel::MAX).map(|n| (n.to_string(), format!("Niveau {n}"))));
    vec![
        Field::select(names[0], "Financieringsvorm", current.0.code(), forms).required(),
        Field::select(
            names[1],
            "Zorgzwaarte",
            &current
                .1
                .map_or("geen".to_string(), |l| l.get().to_string()),
            levels,
        )
        .hint("Het niveau volgens het contract van de regio; bepaalt het tarief."),
    ]
}

const FUNDING: [&str; 2] = ["financieringsvorm", "zorgzwaarte"];

fn funding_input(f: &FormData, names: [&str; 2]) -> FundingInput {
    FundingInput {
        financing: f.opt(names[0]),
        care_level: f.opt(names[1]),
    }
}

/// The forms on a waiting-list entry in screening, for the provider or the
/// waitlist manager: the screening outcome and the placement.
pub async fn screening_forms(
    s: &AppState,
    u: &PageUser,
    entry_id: i64,
    product_id: i64,
) -> PageResult<Vec<FormBlock>> {
    let own = match &u.user.scope {
        Scope::Aanbieder(p) => Some(*p),
        _ => None,
    };
    if u.user.role != Role::Wachtlijstbeheerder && own.is_none() {
        return Ok(Vec::new());
    }
    let screenings = s
        .services
        .store
        .list_screenings(
            &zothuis_domain::store::Clients::All,
            &zothuis_domain::store::ScreeningFilter {
                entry_id: Some(entry_id),
                ..Default::default()
            },
        )
        .await?;
    let Some(open) = screenings.last() else {
        return Ok(Vec::new());
    };
    if own.is_some_and(|p| p != open.provider_id) {
        return Ok(Vec::new());
    }
    let mut forms = Vec::new();
    let today = s.services.clock.today().to_string();
    if open.outcome.is_none() {
        let outcomes = vec![
            (String::new(), "— kies —".to_string()),
            ("geaccepteerd".to_string(), "Geaccepteerd".to_string()),
            ("afgewezen".to_string(), "Afgewezen".to_string()),
        ];
        let mut by = vec![(String::new(), "— n.v.t. —".to_string())];
        by.extend(
            DeclinedBy::ALL
                .iter()
                .map(|b| (b.code().to_string(), b.label().to_string())),
        );
        let mut reasons = vec![(String::new(), "— n.v.t. —".to_string())];
        reasons.extend(
            DeclineReason::ALL
                .iter()
                .map(|r| (r.code().to_string(), r.label().to_string())),
        );
        forms.push(
            FormBlock::post(
                format!("/screeningen/{}/uitkomst", open.id),
                "Uitkomst vastleggen",
                vec![
                    Field::select("uitkomst", "Uitkomst", "", outcomes).required(),
                    Field::select("afgewezenDoor", "Afgewezen door", "", by)
                        .hint("Alleen bij een afwijzing."),
                    Field::select("reden", "Reden van afwijzing", "", reasons),
                    Field::date("datum", "Datum", &today).required(),
                    Field::text("toelichting", "Toelichting", ""),
                ],
            )
            .heading("Uitkomst van de screening")
            .anchor("screening"),
        );
    }
    let product = s.services.get_product(&u.ctx, product_id).await?;
    let mut fields = Vec::new();
    if product.kind.uses_location_capacity() {
        let mut options = vec![(String::new(), "— kies een locatie —".to_string())];
        options.extend(
            s.services
                .list_locations(&u.ctx)
                .await?
                .into_iter()
                .filter(|l| {
                    l.provider_id == open.provider_id && l.product_ids.contains(&product_id)
                })
                .map(|l| (l.id.to_string(), l.name)),
        );
        fields.push(Field::select("locatieId", "Locatie", "", options).required());
    }
    fields.push(Field::date("startdatum", "Startdatum van het verblijf", &today).required());
    fields.extend(funding_fields((Financing::Zin, None), FUNDING));
    forms.push(
        FormBlock::post(
            format!("/wachtlijst/{entry_id}/plaatsing"),
            "Plaatsen",
            fields,
        )
        .heading("Plaatsen")
        .anchor("plaatsing"),
    );
    Ok(forms)
}

async fn screening_outcome(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = ScreeningInput {
        outcome: f.get("uitkomst"),
        declined_by: f.opt("afgewezenDoor"),
        reason: f.opt("reden"),
        decided_on: f.get("datum"),
        note: f.opt("toelichting"),
    };
    let entry = s
        .services
        .store
        .get_screening(id)
        .await?
        .map(|sc| sc.entry_id)
        .ok_or_else(|| PageError(DomainError::NotFound("Deze screening bestaat niet".into())))?;
    match s.services.record_screening(&u.ctx, id, &input).await {
        Ok(()) => Ok(done(&format!("/wachtlijst/{entry}"), "opgeslagen")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            Ok(super::waitlist::entry_with_errors(&s, &u, entry, "screening", e).await?)
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn place(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = PlacementInput {
        location_id: f.id("locatieId"),
        start_date: f.get("startdatum"),
        funding: funding_input(&f, FUNDING),
    };
    match s.services.place(&u.ctx, id, &input).await {
        Ok(stay) => Ok(done(&format!("/verblijven/{}", stay.id), "aangemaakt")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            Ok(super::waitlist::entry_with_errors(&s, &u, id, "plaatsing", e).await?)
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(serde::Deserialize, Default)]
struct StaysQuery {
    lopend: Option<String>,
    pagina: Option<u32>,
}

struct Names {
    municipalities: HashMap<String, String>,
    products: HashMap<i64, String>,
    providers: HashMap<i64, String>,
    locations: HashMap<i64, String>,
}

async fn names(s: &AppState, u: &PageUser) -> PageResult<Names> {
    Ok(Names {
        municipalities: s
            .services
            .list_municipalities(&u.ctx)
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name))
            .collect(),
        products: s
            .services
            .list_products(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        providers: s
            .services
            .list_providers(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        locations: s
            .services
            .list_locations(&u.ctx)
            .await?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect(),
    })
}

fn place_text(stay: &Stay, n: &Names) -> String {
    let provider = n
        .providers
        .get(&stay.provider_id)
        .cloned()
        .unwrap_or_default();
    match stay.location_id {
        Some(l) => format!(
            "{} ({provider})",
            n.locations.get(&l).cloned().unwrap_or_default()
        ),
        None => format!("Thuis ({provider})"),
    }
}

async fn stays(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<StaysQuery>,
) -> PageResult<TablePage> {
    let running = q.lopend.as_deref() != Some("nee");
    let today = s.services.clock.today();
    let all = s
        .services
        .list_stays(
            &u.ctx,
            None,
            running.then_some(today),
            None,
            zothuis_domain::paging::PageRequest::new(q.pagina, Some(50)),
        )
        .await?;
    let n = names(&s, &u).await?;
    let clients: HashMap<i64, String> = s
        .services
        .store
        .list_clients(&zothuis_domain::store::Clients::Ids(
            all.items.iter().map(|st| st.client_id).collect(),
        ))
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name()))
        .collect();
    let mut rows = Vec::new();
    for st in &all.items {
        let client = clients.get(&st.client_id).cloned().unwrap_or_default();
        rows.push(vec![
            link_cell(client, format!("/verblijven/{}", st.id)),
            cell(n.products.get(&st.product_id).cloned().unwrap_or_default()),
            cell(place_text(st, &n)),
            date_cell(st.start_date),
            cell(
                st.end_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
            ),
            cell(st.exit.map(|e| e.label().to_string()).unwrap_or_default()),
            num_cell(st.days_until(today)),
        ]);
    }
    let options = vec![
        ("ja".to_string(), "Alleen lopende verblijven".to_string()),
        ("nee".to_string(), "Alle verblijven".to_string()),
    ];
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Verblijven", Section::Stays).await,
        heading: "Verblijven en trajecten".into(),
        intro: Some(
            "Wie waar verblijft of thuis zorg krijgt. Een aanbieder ziet de eigen verblijven."
                .into(),
        ),
        actions: Vec::new(),
        filters: Some(
            FormBlock::get(
                "/verblijven",
                "Tonen",
                vec![Field::select(
                    "lopend",
                    "Welke",
                    if running { "ja" } else { "nee" },
                    options,
                )],
            )
            .anchor("filters"),
        ),
        table: Table {
            caption: format!(
                "{} verblijven{}",
                all.total,
                restricted_note(all.restricted.unwrap_or(0) as usize)
            ),
            columns: columns(&[
                "Cliënt",
                "Product",
                "Plek",
                "Start",
                "Einde",
                "Uitstroom",
                "#Dagen",
            ]),
            rows,
            empty: "Geen verblijven.".into(),
        },
        pager: Some(Pager::of(&all, "verblijven", |n| {
            format!(
                "/verblijven?lopend={}&pagina={n}",
                if running { "ja" } else { "nee" }
            )
        })),
    })
}

fn exit_form(stay: &Stay) -> FormBlock {
    let mut destinations = vec![(String::new(), "— kies —".to_string())];
    destinations.extend(
        ExitDestination::ALL
            .iter()
            .map(|d| (d.code().to_string(), d.label().to_string())),
    );
    FormBlock::post(
        format!("/verblijven/{}/einde", stay.id),
        "Verblijf beëindigen",
        vec![
            Field::date("einddatum", "Einddatum", "").required(),
            Field::select(
                "uitstroombestemming",
                "Waar gaat de cliënt naartoe?",
                "",
                destinations,
            )
            .required(),
        ],
    )
    .heading("Beëindigen (uitstroom)")
    .version(stay.version_id)
    .anchor("einde")
}

/// The stay's cost so far, with the days no tariff covers.
fn cost_text(r: &zothuis_domain::finance::service::StayCostReport) -> String {
    let c = &r.cost;
    let mut text = format!("{} over {} dagen", c.amount, c.days);
    if c.unpriced_days > 0 {
        text.push_str(&format!(
            "; {} dagen zonder tarief (niet meegeteld)",
            c.unpriced_days
        ));
    }
    text
}

/// Corrects dates and funding of a stay: a new version, so figures and
/// cost as known before stay as they were.
fn correction_form(stay: &Stay) -> FormBlock {
    let mut fields =
        vec![Field::date("startdatum", "Startdatum", stay.start_date.to_string()).required()];
    if let Some(end) = stay.end_date {
        fields.push(Field::date("einddatum", "Einddatum", end.to_string()).required());
    }
    fields.extend(funding_fields((stay.financing, stay.care_level), FUNDING));
    FormBlock::post(
        format!("/verblijven/{}/correctie", stay.id),
        "Correctie opslaan",
        fields,
    )
    .heading("Corrigeren")
    .version(stay.version_id)
    .anchor("correctie")
}

async fn transfer_form(s: &AppState, u: &PageUser, stay: &Stay) -> PageResult<FormBlock> {
    let mut options = vec![(String::new(), "— kies een locatie —".to_string())];
    let providers: HashMap<i64, String> = s
        .services
        .list_providers(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    options.extend(
        s.services
            .list_locations(&u.ctx)
            .await?
            .into_iter()
            .filter(|l| l.product_ids.contains(&stay.product_id))
            .map(|l| {
                (
                    format!("{}:{}", l.provider_id, l.id),
                    format!(
                        "{} ({})",
                        l.name,
                        providers.get(&l.provider_id).cloned().unwrap_or_default()
                    ),
                )
            }),
    );
    let mut fields = vec![
        Field::date("datum", "Datum van overplaatsing", "").required(),
        Field::select("plek", "Nieuwe locatie", "", options)
            .hint("Hetzelfde product; het huidige verblijf eindigt op deze datum.")
            .required(),
    ];
    fields.extend(funding_fields(
        (stay.financing, stay.care_level),
        TRANSFER_FUNDING.map(|(_, name)| name),
    ));
    Ok(FormBlock::post(
        format!("/verblijven/{}/overplaatsing", stay.id),
        "Overplaatsen",
        fields,
    )
    .heading("Overplaatsen")
    .version(stay.version_id)
    .anchor("overplaatsing"))
}

async fn stay_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
) -> PageResult<DetailPage> {
    let st = s.services.get_stay(&u.ctx, id, None).await?;
    let client = s.services.get_client(&u.ctx, st.client_id, None).await?;
    let n = names(s, u).await?;
    let today = s.services.clock.today();
    let cost = s.services.stay_cost(&st, None).await?;
    let l = Layout::new(s, u, "Verblijf", Section::Stays)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/verblijven", "Verblijven")]);
    let mut page = DetailPage::new(l, format!("Verblijf van {}", client.full_name()))
        .fact(
            "Product",
            n.products.get(&st.product_id).cloned().unwrap_or_default(),
        )
        .fact("Plek", place_text(&st, &n))
        .fact(
            "Verantwoordelijke gemeente",
            n.municipalities.get(st.responsible.as_str()).map_or_else(
                || st.responsible.to_string(),
                |name| format!("{name} ({})", st.responsible),
            ),
        )
        .fact("Start", zothuis_domain::dates::dutch_long(st.start_date))
        .fact(
            "Einde",
            st.end_date
                .map(zothuis_domain::dates::dutch_long)
                .unwrap_or_else(|| "loopt nog".into()),
        )
        .fact(
            "Uitstroom",
            st.exit
                .map(|e| e.label().to_string())
                .unwrap_or_else(|| "—".into()),
        )
        .fact("Dagen in zorg", st.days_until(today).to_string())
        .fact("Kosten tot nu toe", cost_text(&cost))
        .fact("Financieringsvorm", st.financing.label())
        .fact(
            "Zorgzwaarte",
            st.care_level
                .map_or_else(|| "—".to_string(), |l| l.to_string()),
        );
    if let Some(from) = st.transferred_from {
        page.actions.push(link(
            format!("/verblijven/{from}"),
            "Vorig verblijf (overplaatsing)",
        ));
    }
    if u.user.role != Role::Aanbieder {
        page.actions
            .push(link(format!("/clienten/{}", client.id), "Naar de cliënt"));
    }
    let may_act = match (&u.user.role, &u.user.scope) {
        (Role::Aanbieder, Scope::Aanbieder(p)) => *p == st.provider_id,
        (Role::Wachtlijstbeheerder, _) => true,
        _ => false,
    };
    if may_act && st.end_date.is_none() {
        page.forms.push(exit_form(&st));
        page.forms.push(transfer_form(s, u, &st).await?);
    }
    if may_act {
        page.forms.push(correction_form(&st));
    }
    Ok(page)
}

async fn stay(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    stay_page(&s, &u, id, q.melding.as_deref()).await
}

async fn with_errors(
    s: &AppState,
    u: &PageUser,
    id: i64,
    anchor: &str,
    e: DomainError,
) -> PageResult<Response> {
    Ok(stay_page(s, u, id, None).await?.failed(anchor, e))
}

async fn end(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = ExitInput {
        end_date: f.get("einddatum"),
        destination: f.get("uitstroombestemming"),
    };
    match s.services.end_stay(&u.ctx, id, f.version(), &input).await {
        Ok(_) => Ok(done(&format!("/verblijven/{id}"), "opgeslagen")),
        Err(
            e @ (DomainError::Invalid(_) | DomainError::Conflict(_) | DomainError::StaleVersion(_)),
        ) => with_errors(&s, &u, id, "einde", e).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn correct(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = CorrectionInput {
        start_date: f.get("startdatum"),
        end_date: f.opt("einddatum"),
        location_id: None,
        funding: funding_input(&f, FUNDING),
    };
    match s
        .services
        .correct_stay(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/verblijven/{id}"), "opgeslagen")),
        Err(
            e @ (DomainError::Invalid(_) | DomainError::Conflict(_) | DomainError::StaleVersion(_)),
        ) => with_errors(&s, &u, id, "correctie", e).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn transfer(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let place = f.get("plek");
    let (provider, location) = match place.split_once(':') {
        Some((p, l)) => (p.parse().ok(), l.parse().ok()),
        None => (None, None),
    };
    if location.is_none() {
        return with_errors(
            &s,
            &u,
            id,
            "overplaatsing",
            DomainError::invalid("plek", "kies de nieuwe locatie"),
        )
        .await;
    }
    match s
        .services
        .transfer_stay(
            &u.ctx,
            id,
            f.version(),
            &f.get("datum"),
            None,
            provider,
            location,
            &funding_input(&f, TRANSFER_FUNDING.map(|(_, name)| name)),
        )
        .await
    {
        Ok(next) => Ok(done(&format!("/verblijven/{}", next.id), "aangemaakt")),
        Err(e @ DomainError::Invalid(_)) => {
            // The service names the API's fields; this form has its own.
            with_errors(&s, &u, id, "overplaatsing", e.renamed(&TRANSFER_FUNDING)).await
        }
        Err(e @ (DomainError::Conflict(_) | DomainError::StaleVersion(_))) => {
            with_errors(&s, &u, id, "overplaatsing", e).await
        }
        Err(e) => Err(PageError(e)),
    }
}
