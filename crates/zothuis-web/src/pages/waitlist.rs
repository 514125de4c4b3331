//! The waiting-list pages: the overview the waitlist manager works from, and
//! one entry with its status history and the form to change it.

use super::*;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use std::collections::HashMap;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::waitlist::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wachtlijst", get(overview))
        .route("/wachtlijst/{id}", get(entry))
        .route("/wachtlijst/{id}/overgangen", post(add_transition))
        .route("/wachtlijst/{id}/voorkeur", post(set_preference))
        .route("/wachtlijst/{id}/urgentie", post(set_urgency))
        .route("/vacatures", get(vacancies))
        .route("/vacatures/voorstel", get(proposal))
}

#[derive(serde::Deserialize, Default)]
struct OverviewQuery {
    status: Option<String>,
    #[serde(rename = "productId")]
    product_id: Option<String>,
    #[serde(rename = "gemeenteCode")]
    municipality: Option<String>,
    peildatum: Option<String>,
    pagina: Option<u32>,
}

fn status_text(status: Status, providers: &HashMap<i64, String>) -> String {
    match status {
        Status::PassiefWachtend(r) => format!("Passief wachtend ({})", r.label().to_lowercase()),
        Status::Afgevoerd(r) => format!("Afgevoerd ({})", r.label().to_lowercase()),
        Status::InScreening { provider_id } => format!(
            "In screening bij {}",
            providers.get(&provider_id).cloned().unwrap_or_default()
        ),
        other => other.label().to_string(),
    }
}

fn status_options(selected: &str) -> Field {
    let options = vec![
        ("open".to_string(), "Iedereen op de lijst".to_string()),
        (
            "".to_string(),
            "Alle statussen, ook geplaatst en afgevoerd".to_string(),
        ),
        ("aangemeld".to_string(), "Aangemeld".to_string()),
        ("actief-wachtend".to_string(), "Actief wachtend".to_string()),
        (
            "passief-wachtend".to_string(),
            "Passief wachtend".to_string(),
        ),
        ("in-screening".to_string(), "In screening".to_string()),
        ("geplaatst".to_string(), "Geplaatst".to_string()),
        ("afgevoerd".to_string(), "Afgevoerd".to_string()),
    ];
    Field::select("status", "Status", selected, options)
}

async fn overview(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<OverviewQuery>,
) -> PageResult<TablePage> {
    let today = s.services.clock.today();
    let day = match q.peildatum.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => {
            zothuis_domain::Datum::parse(d)
                .map_err(|e| PageError(DomainError::invalid("peildatum", e.to_string())))?
                .0
        }
        None => today,
    };
    let status = q.status.clone().unwrap_or_else(|| "open".into());
    let filter = WaitlistFilter {
        status: Some(status.clone()),
        product_id: q.product_id.as_deref().and_then(|p| p.parse().ok()),
        municipality: q
            .municipality
            .as_deref()
            .and_then(|m| zothuis_domain::reference::GemeenteCode::parse(m).ok()),
        provider_id: None,
        preferred_provider: None,
        resident_of: None,
    };
    let page = s
        .services
        .waitlist_overview(
            &u.ctx,
            &filter,
            day,
            None,
            PageRequest::new(q.pagina, Some(100)),
        )
        .await?;
    let lines = &page.items;
    let products: Vec<_> = s.services.list_products(&u.ctx).await?;
    let product_names: HashMap<i64, String> =
        products.iter().map(|p| (p.id, p.name.clone())).collect();
    let providers: HashMap<i64, String> = s
        .services
        .list_providers(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let municipalities = s.services.list_municipalities(&u.ctx).await?;
    let names: HashMap<String, String> = municipalities
        .iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect();
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                link_cell(
                    l.client.full_name(),
                    format!("/wachtlijst/{}", l.state.entry.id),
                ),
                cell(
                    product_names
                        .get(&l.state.entry.product_id)
                        .cloned()
                        .unwrap_or_default(),
                ),
                cell(
                    names
                        .get(l.state.entry.responsible.as_str())
                        .cloned()
                        .unwrap_or_default(),
                ),
                cell(status_text(l.state.status, &providers)),
                date_cell(l.state.status_since),
                num_cell(l.state.waiting_days),
                num_cell(l.state.days_in_status),
            ]
        })
        .collect();
    let mut product_options = vec![(String::new(), "Alle producten".to_string())];
    product_options.extend(
        products
            .iter()
            .filter(|p| p.kind.has_waitlist())
            .map(|p| (p.id.to_string(), p.name.clone())),
    );
    let mut municipality_options = vec![(String::new(), "Alle gemeenten".to_string())];
    municipality_options.extend(
        municipalities
            .iter()
            .map(|m| (m.code.to_string(), m.name.clone())),
    );
    let filters = FormBlock::get(
        "/wachtlijst",
        "Filteren",
        vec![
            status_options(&status),
            Field::select(
                "productId",
                "Product",
                q.product_id.as_deref().unwrap_or(""),
                product_options,
            ),
            Field::select(
                "gemeenteCode",
                "Verantwoordelijke gemeente",
                q.municipality.as_deref().unwrap_or(""),
                municipality_options,
            ),
            Field::date("peildatum", "Peildatum", day.to_string()),
        ],
    )
    .anchor("filters");
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Wachtlijst", Section::Waitlist).await,
        heading: "Regionale wachtlijst".into(),
        intro: Some(format!(
            "Stand op {}, langst wachtenden eerst. U ziet alleen cliënten in uw werkgebied.",
            zothuis_domain::dates::dutch_long(day)
        )),
        actions: Vec::new(),
        filters: Some(filters),
        table: Table {
            caption: format!(
                "{} inschrijvingen{}",
                page.total,
                restricted_note(page.restricted.unwrap_or(0) as usize)
            ),
            columns: columns(&[
                "Cliënt",
                "Product",
                "Verantwoordelijke gemeente",
                "Status",
                "Status sinds",
                "#Wachttijd (dagen)",
                "#Dagen in status",
            ]),
            rows,
            empty: "Niemand op de wachtlijst met deze filters.".into(),
        },
        pager: Some(Pager::of(&page, "inschrijvingen", |n| {
            let mut pairs = vec![
                ("status", status.clone()),
                ("peildatum", day.to_string()),
                ("pagina", n.to_string()),
            ];
            for (k, v) in [
                ("productId", &q.product_id),
                ("gemeenteCode", &q.municipality),
            ] {
                if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                    pairs.push((k, v.clone()));
                }
            }
            format!(
                "/wachtlijst?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })),
    })
}

fn transition_form(id: i64, providers: &[(String, String)], input: &TransitionInput) -> FormBlock {
    let statuses = vec![
        (String::new(), "— kies —".to_string()),
        ("actief-wachtend".to_string(), "Actief wachtend".to_string()),
        (
            "passief-wachtend".to_string(),
            "Passief wachtend".to_string(),
        ),
        (
            "in-screening".to_string(),
            "In screening bij een aanbieder".to_string(),
        ),
        ("geplaatst".to_string(), "Geplaatst".to_string()),
        ("afgevoerd".to_string(), "Afgevoerd".to_string()),
    ];
    let mut reasons = vec![(String::new(), "— geen —".to_string())];
    reasons.extend(PassiveReason::ALL.iter().map(|r| {
        (
            r.code().to_string(),
            format!("Passief: {}", r.label().to_lowercase()),
        )
    }));
    reasons.extend(
        RemovalReason::ALL
            .iter()
            .filter(|r| **r != RemovalReason::Anders)
            .map(|r| {
                (
                    r.code().to_string(),
                    format!("Afvoeren: {}", r.label().to_lowercase()),
                )
            }),
    );
    let mut provider_options = vec![(String::new(), "— geen —".to_string())];
    provider_options.extend(providers.iter().cloned());
    FormBlock::post(
        format!("/wachtlijst/{id}/overgangen"),
        "Status vastleggen",
        vec![
            Field::select("status", "Nieuwe status", &input.status, statuses).required(),
            Field::select(
                "reden",
                "Reden",
                input.reason.as_deref().unwrap_or(""),
                reasons,
            )
            .hint("Verplicht bij passief wachtend en bij afvoeren. 'Anders' geldt voor beide."),
            Field::select(
                "aanbiederId",
                "Aanbieder",
                &input.provider_id.map(|p| p.to_string()).unwrap_or_default(),
                provider_options,
            )
            .hint("Verplicht bij in screening."),
            Field::date("ingangsdatum", "Ingangsdatum", &input.effective_date)
                .hint("Mag in het verleden liggen, niet vóór de huidige status.")
                .required(),
            Field::text(
                "toelichting",
                "Toelichting",
                input.note.clone().unwrap_or_default(),
            ),
        ],
    )
    .heading("Status wijzigen")
    .anchor("status")
}

async fn entry_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    input: Option<&TransitionInput>,
) -> PageResult<DetailPage> {
    let (entry, history) = s.services.waitlist_entry(&u.ctx, id, None).await?;
    let client = s.services.get_client(&u.ctx, entry.client_id, None).await?;
    let product = s.services.get_product(&u.ctx, entry.product_id).await?;
    let municipality = s
        .services
        .get_municipality(&u.ctx, entry.responsible.as_str())
        .await?;
    let providers_list = s.services.list_providers(&u.ctx).await?;
    let providers: HashMap<i64, String> = providers_list
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let today = s.services.clock.today();
    let state = state_on(&entry, &history, today, s.services.clock.now());
    let l = Layout::new(s, u, "Inschrijving wachtlijst", Section::Waitlist)
        .await
        .with_breadcrumbs(vec![link("/wachtlijst", "Wachtlijst")]);
    let mut page = DetailPage::new(l, format!("{} — {}", client.full_name(), product.name))
        .fact("Verantwoordelijke gemeente", municipality.name.clone())
        .fact(
            "Wachtend sinds",
            zothuis_domain::dates::dutch_long(entry.waiting_since),
        );
    if let Some(st) = &state {
        page = page
            .fact("Status", status_text(st.status, &providers))
            .fact(
                "Wachttijd",
                format!(
                    "{} dagen, waarvan {} in de huidige status",
                    st.waiting_days, st.days_in_status
                ),
            );
    }
    let preference = match (&entry.preferred_municipality, entry.preferred_provider) {
        (None, None) => "geen".to_string(),
        (m, p) => [
            m.as_ref().map(|m| format!("wonen in {m}")),
            p.map(|p| format!("bij {}", providers.get(&p).cloned().unwrap_or_default())),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    };
    page.facts
        .push(("Voorkeur van de cliënt".into(), preference));
    page.facts.push((
        "Urgentie".into(),
        entry
            .urgent
            .clone()
            .map(|r| format!("urgent: {r}"))
            .unwrap_or_else(|| "niet urgent".into()),
    ));
    if u.user.role == Role::Wachtlijstbeheerder
        && state.as_ref().is_some_and(|st| st.status.is_open())
    {
        page.forms.push(
            FormBlock::post(
                format!("/wachtlijst/{id}/urgentie"),
                "Urgentie vastleggen",
                vec![Field::text("urgentieReden", "Reden van urgentie", entry.urgent.clone().unwrap_or_default())
                    .hint("Leeg laten om de urgentie op te heffen. Urgente cliënten worden bij een vrije plek eerst voorgesteld.")],
            )
            .heading("Urgentie")
            .anchor("urgentie"),
        );
    }
    if matches!(u.user.role, Role::Wachtlijstbeheerder | Role::WmoConsulent)
        && state.as_ref().is_some_and(|st| st.status.is_open())
    {
        let mut provider_options = vec![(String::new(), "Geen voorkeur".to_string())];
        provider_options.extend(
            providers_list
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone())),
        );
        let mut municipality_options = vec![(String::new(), "Geen voorkeur".to_string())];
        municipality_options.extend(
            s.services
                .list_municipalities(&u.ctx)
                .await?
                .into_iter()
                .map(|m| (m.code.to_string(), m.name)),
        );
        page.forms.push(
            FormBlock::post(
                format!("/wachtlijst/{id}/voorkeur"),
                "Voorkeur vastleggen",
                vec![
                    // Own names: the status form on this page has a provider too,
                    // and ids must be unique on a page.
                    Field::select(
                        "voorkeurGemeente",
                        "Gemeente om te wonen",
                        &entry
                            .preferred_municipality
                            .as_ref()
                            .map(|m| m.to_string())
                            .unwrap_or_default(),
                        municipality_options,
                    ),
                    Field::select(
                        "voorkeurAanbieder",
                        "Aanbieder",
                        &entry
                            .preferred_provider
                            .map(|p| p.to_string())
                            .unwrap_or_default(),
                        provider_options,
                    ),
                ],
            )
            .heading("Voorkeur van de cliënt")
            .anchor("voorkeur"),
        );
    }
    page.actions
        .push(link(format!("/clienten/{}", client.id), "Naar de cliënt"));
    page.actions.push(link(
        format!("/beschikkingen/{}", entry.decision_id),
        "Beschikking",
    ));
    page.tables.push(Table {
        caption: "Statusverloop".into(),
        columns: columns(&[
            "Ingangsdatum",
            "Status",
            "Toelichting",
            "Vastgelegd op",
            "Door",
        ]),
        rows: history
            .iter()
            .map(|t| {
                vec![
                    date_cell(t.effective_date),
                    cell(status_text(t.status, &providers)),
                    cell(t.note.clone().unwrap_or_default()),
                    cell(zothuis_domain::dates::dutch_timestamp(t.recorded_at, false)),
                    cell(&t.recorded_by),
                ]
            })
            .collect(),
        empty: String::new(),
    });
    if state
        .as_ref()
        .is_some_and(|st| matches!(st.status, Status::InScreening { .. }))
    {
        page.forms
            .extend(super::care::screening_forms(s, u, id, entry.product_id).await?);
    }
    if u.user.role == Role::Wachtlijstbeheerder && state.is_some_and(|st| st.status.is_open()) {
        let options: Vec<(String, String)> = providers_list
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect();
        let default_input = TransitionInput {
            effective_date: today.to_string(),
            ..Default::default()
        };
        page.forms.push(transition_form(
            id,
            &options,
            input.unwrap_or(&default_input),
        ));
    }
    Ok(page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EntryQuery {
    melding: Option<String>,
    /// From the match proposal: the status form comes filled in with
    /// screening by this provider, for the manager to confirm.
    screening: Option<String>,
}

async fn entry(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<EntryQuery>,
) -> PageResult<DetailPage> {
    let proposed = q
        .screening
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .map(|provider| TransitionInput {
            status: "in-screening".into(),
            provider_id: Some(provider),
            effective_date: s.services.clock.today().to_string(),
            ..Default::default()
        });
    let mut page = entry_page(&s, &u, id, proposed.as_ref()).await?;
    page.layout = page.layout.with_notice(q.melding.as_deref());
    Ok(page)
}

async fn set_urgency(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    match s
        .services
        .set_urgency(&u.ctx, id, f.opt("urgentieReden").as_deref())
        .await
    {
        Ok(_) => Ok(done(&format!("/wachtlijst/{id}"), "opgeslagen")),
        Err(e @ DomainError::Invalid(_)) => {
            // The form's field is urgentieReden: "reden" is the status form's.
            let e = e.renamed(&[("reden", "urgentieReden")]);
            entry_with_errors(&s, &u, id, "urgentie", e).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn set_preference(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    match s
        .services
        .set_preference(
            &u.ctx,
            id,
            f.id("voorkeurAanbieder"),
            f.opt("voorkeurGemeente").as_deref(),
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/wachtlijst/{id}"), "opgeslagen")),
        Err(e @ DomainError::Invalid(_)) => {
            // The service names the API's fields; this form has its own.
            let e = e.renamed(&[
                ("aanbiederId", "voorkeurAanbieder"),
                ("gemeenteCode", "voorkeurGemeente"),
            ]);
            entry_with_errors(&s, &u, id, "voorkeur", e).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn add_transition(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = TransitionInput {
        status: f.get("status"),
        reason: f.opt("reden"),
        provider_id: f.id("aanbiederId"),
        effective_date: f.get("ingangsdatum"),
        note: f.opt("toelichting"),
        supersedes: None,
        retract: false,
    };
    match s.services.add_transition(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/wachtlijst/{id}"), "opgeslagen")),
        Err(DomainError::Invalid(errors)) => {
            let mut page = entry_page(&s, &u, id, Some(&input)).await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "status") {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The entry page again with the errors of one of its forms.
pub async fn entry_with_errors(
    s: &AppState,
    u: &PageUser,
    id: i64,
    anchor: &str,
    e: DomainError,
) -> PageResult<Response> {
    let mut page = entry_page(s, u, id, None).await?;
    let errors = match e {
        DomainError::Invalid(errors) => errors,
        DomainError::Conflict(m) => vec![zothuis_domain::FieldError {
            field: "formulier".into(),
            message: m,
        }],
        other => return Err(PageError(other)),
    };
    if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == anchor) {
        page.errors = form.apply_errors(&errors);
    } else {
        page.errors = errors
            .iter()
            .map(|e| link("#inhoud", e.message.clone()))
            .collect();
    }
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

#[derive(serde::Deserialize, Default)]
struct VacancyQuery {
    peildatum: Option<String>,
    #[serde(rename = "locatieId")]
    location_id: Option<i64>,
    #[serde(rename = "productId")]
    product_id: Option<i64>,
}

fn day_from(s: &AppState, q: Option<&str>) -> PageResult<chrono::NaiveDate> {
    match q.filter(|d| !d.trim().is_empty()) {
        Some(d) => Ok(zothuis_domain::Datum::parse(d)
            .map_err(|e| PageError(DomainError::invalid("peildatum", e.to_string())))?
            .0),
        None => Ok(s.services.clock.today()),
    }
}

async fn vacancies(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<VacancyQuery>,
) -> PageResult<TablePage> {
    let day = day_from(&s, q.peildatum.as_deref())?;
    // Only the locations whose places this role sees (policy::places_area):
    // for the waitlist manager those of the own region, each with a proposal.
    let all = s.services.vacancies(&u.ctx, day, None).await?;
    let products: HashMap<i64, String> = s
        .services
        .list_products(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let locations: HashMap<i64, String> = s
        .services
        .list_locations(&u.ctx)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let manager = u.user.role == Role::Wachtlijstbeheerder;
    let rows = all
        .iter()
        .map(|o| {
            let mut row = vec![
                link_cell(
                    locations.get(&o.location_id).cloned().unwrap_or_default(),
                    format!("/referentie/locaties/{}", o.location_id),
                ),
                cell(products.get(&o.product_id).cloned().unwrap_or_default()),
                num_cell(o.capacity),
                num_cell(o.occupied),
                if o.vacant() > 0 {
                    Cell {
                        numeric: true,
                        ..badge_cell(o.vacant().to_string(), "ok")
                    }
                } else if o.over_capacity() > 0 {
                    Cell {
                        numeric: true,
                        ..badge_cell(
                            format!("0 ({} boven capaciteit)", o.over_capacity()),
                            "warn",
                        )
                    }
                } else {
                    num_cell(o.vacant())
                },
            ];
            if manager {
                row.push(link_cell(
                    "Voorstel",
                    format!(
                        "/vacatures/voorstel?locatieId={}&productId={}&peildatum={day}",
                        o.location_id, o.product_id
                    ),
                ));
            }
            row
        })
        .collect();
    let mut cols = vec!["Locatie", "Product", "#Capaciteit", "#Bezet", "#Vrij"];
    if manager {
        cols.push("Koppelen");
    }
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Plekken", Section::Places).await,
        heading: "Plekken en bezetting".into(),
        intro: Some(format!(
            "Stand op {}. Bezetting volgt uit de lopende verblijven, capaciteit uit de capaciteitshistorie van de locatie.",
            zothuis_domain::dates::dutch_long(day)
        )),
        actions: Vec::new(),
        filters: Some(
            FormBlock::get(
                "/vacatures",
                "Tonen",
                vec![Field::date("peildatum", "Peildatum", day.to_string())],
            )
            .anchor("filters"),
        ),
        table: Table {
            caption: "Plekken per locatie en product".into(),
            columns: columns(&cols),
            rows,
            empty: "Geen locaties met plekken.".into(),
        },
        pager: None,
    })
}

async fn proposal(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<VacancyQuery>,
) -> PageResult<TablePage> {
    let day = day_from(&s, q.peildatum.as_deref())?;
    let (Some(location), Some(product)) = (q.location_id, q.product_id) else {
        return Err(PageError(DomainError::invalid(
            "locatieId",
            "kies een locatie en product",
        )));
    };
    let (occupancy, proposals) = s.services.proposal(&u.ctx, location, product, day).await?;
    let loc = s.services.get_location(&u.ctx, location).await?;
    let prod = s.services.get_product(&u.ctx, product).await?;
    let provider = s.services.get_provider(&u.ctx, loc.provider_id).await?.name;
    let rows = proposals
        .iter()
        .map(|(p, c)| {
            vec![
                match p.rank {
                    Some(r) => Cell {
                        numeric: true,
                        ..badge_cell(r.to_string(), "ok")
                    },
                    None => cell("—"),
                },
                link_cell(c.full_name(), format!("/wachtlijst/{}", p.entry_id)),
                cell(&p.reason),
                // Screening is confirmed on the entry, with its date and note.
                match p.rank {
                    Some(_) => link_cell(
                        format!("Naar screening bij {provider}"),
                        format!(
                            "/wachtlijst/{}?screening={}#status",
                            p.entry_id, loc.provider_id
                        ),
                    ),
                    None => cell(""),
                },
            ]
        })
        .collect();
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Voorstel", Section::Places)
            .await
            .with_breadcrumbs(vec![link("/vacatures", "Plekken")]),
        heading: format!("Voorstel voor {} — {}", loc.name, prod.name),
        intro: Some(format!(
            "{} van {} plekken bezet, {} vrij op {}{}. Voorgesteld worden actief wachtenden in de regio, langst actief wachtend eerst; bij de anderen staat waarom niet.",
            occupancy.occupied,
            occupancy.capacity,
            occupancy.vacant(),
            zothuis_domain::dates::dutch_long(day),
            match occupancy.over_capacity() {
                0 => String::new(),
                n => format!(" — let op: {n} boven de capaciteit"),
            }
        )),
        actions: Vec::new(),
        filters: None,
        table: Table {
            caption: "Wachtenden voor dit product".into(),
            columns: columns(&["#Rang", "Cliënt", "Toelichting", "Actie"]),
            rows,
            empty: "Niemand wacht op dit product.".into(),
        },
        pager: None,
    })
}
