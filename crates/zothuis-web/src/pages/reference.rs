//! Reference data pages: regions, municipalities, providers, products,
//! locations and their capacity history.

use super::*;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use std::collections::HashMap;
use zothuis_domain::reference::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referentie", get(index))
        .route("/referentie/regios", get(regions))
        .route(
            "/referentie/regios/nieuw",
            get(region_new).post(region_create),
        )
        .route("/referentie/regios/{id}", get(region_detail))
        .route(
            "/referentie/regios/{id}/wijzigen",
            get(region_edit).post(region_update),
        )
        .route("/referentie/regios/{id}/verwijderen", post(region_delete))
        .route("/referentie/regios/{id}/regimes", post(regime_add))
        .route("/referentie/gemeenten", get(municipalities))
        .route(
            "/referentie/gemeenten/nieuw",
            get(municipality_new).post(municipality_create),
        )
        .route("/referentie/gemeenten/{code}", get(municipality_detail))
        .route(
            "/referentie/gemeenten/{code}/wijzigen",
            get(municipality_edit).post(municipality_update),
        )
        .route(
            "/referentie/gemeenten/{code}/verwijderen",
            post(municipality_delete),
        )
        .route("/referentie/aanbieders", get(providers))
        .route(
            "/referentie/aanbieders/nieuw",
            get(provider_new).post(provider_create),
        )
        .route("/referentie/aanbieders/{id}", get(provider_detail))
        .route(
            "/referentie/aanbieders/{id}/wijzigen",
            get(provider_edit).post(provider_update),
        )
        .route(
            "/referentie/aanbieders/{id}/verwijderen",
            post(provider_delete),
        )
        .route("/referentie/corporaties", get(corporations))
        .route(
            "/referentie/corporaties/nieuw",
            get(corporation_new).post(corporation_create),
        )
        .route("/referentie/corporaties/{id}", get(corporation_detail))
        .route(
            "/referentie/corporaties/{id}/wijzigen",
            get(corporation_edit).post(corporation_update),
        )
        .route(
            "/referentie/corporaties/{id}/verwijderen",
            post(corporation_delete),
        )
        .route("/referentie/producten", get(products))
        .route(
            "/referentie/producten/nieuw",
            get(product_new).post(product_create),
        )
        .route("/referentie/producten/{id}", get(product_detail))
        .route(
            "/referentie/producten/{id}/wijzigen",
            get(product_edit).post(product_update),
        )
        .route(
            "/referentie/producten/{id}/verwijderen",
            post(product_delete),
        )
        .route("/referentie/producten/{id}/criteria", post(criterion_add))
        .route("/referentie/locaties", get(locations))
        .route(
            "/referentie/locaties/nieuw",
            get(location_new).post(location_create),
        )
        .route("/referentie/locaties/{id}", get(location_detail))
        .route(
            "/referentie/locaties/{id}/wijzigen",
            get(location_edit).post(location_update),
        )
        .route(
            "/referentie/locaties/{id}/verwijderen",
            post(location_delete),
        )
        .route("/referentie/locaties/{id}/capaciteit", post(capacity_add))
}

fn may_manage(u: &PageUser) -> bool {
    can(u.actor(), Action::ManageReference).is_allowed()
}

fn crumbs(items: &[(&str, &str)]) -> Vec<Link> {
    let mut v = vec![link("/referentie", "Referentiegegevens")];
    v.extend(items.iter().map(|(h, l)| link(*h, *l)));
    v
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Reference)
        .await
        .with_notice(notice)
}

fn delete_form(action: String, version: i64, what: &str) -> FormBlock {
    FormBlock::post(action, &format!("{what} verwijderen"), Vec::new())
        .heading(&format!("{what} verwijderen"))
        .version(version)
        .danger()
        .anchor("verwijderen")
}

fn municipality_names(ms: &[Municipality]) -> HashMap<String, String> {
    ms.iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect()
}

// ---- index --------------------------------------------------------------------

async fn index(State(s): State<AppState>, u: PageUser) -> PageResult<TablePage> {
    let ctx = &u.ctx;
    let counts = [
        (
            "/referentie/regios",
            "Regio's",
            s.services.list_regions(ctx).await?.len(),
        ),
        (
            "/referentie/gemeenten",
            "Gemeenten",
            s.services.list_municipalities(ctx).await?.len(),
        ),
        (
            "/referentie/aanbieders",
            "Aanbieders",
            s.services.list_providers(ctx).await?.len(),
        ),
        (
            "/referentie/corporaties",
            "Woningcorporaties",
            s.services.list_corporations(ctx, None).await?.len(),
        ),
        (
            "/referentie/producten",
            "Producten",
            s.services.list_products(ctx).await?.len(),
        ),
        (
            "/referentie/locaties",
            "Locaties en capaciteit",
            s.services.list_locations(ctx).await?.len(),
        ),
    ];
    Ok(TablePage {
        layout: layout(&s, &u, "Referentiegegevens", None).await,
        heading: "Referentiegegevens".into(),
        intro: Some("De vaste gegevens waar het hele systeem op rust. Alleen een beheerder wijzigt ze; iedereen kan ze inzien.".into()),
        actions: Vec::new(),
        filters: None,
        table: Table {
            caption: "Soorten referentiegegevens".into(),
            columns: columns(&["Gegeven", "#Aantal"]),
            rows: counts
                .into_iter()
                .map(|(h, l, n)| vec![link_cell(l, h), num_cell(n as i64)])
                .collect(),
            empty: String::new(),
        },
        pager: None,
    })
}

// ---- regions --------------------------------------------------------------------

async fn regions(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let regions = s.services.list_regions(&u.ctx).await?;
    let ms = s.services.list_municipalities(&u.ctx).await?;
    let names = municipality_names(&ms);
    let rows = regions
        .iter()
        .map(|r| {
            let count = ms.iter().filter(|m| m.region_id == r.id).count() as i64;
            let centrum = r
                .centrumgemeente
                .as_ref()
                .map(|c| {
                    names
                        .get(c.as_str())
                        .cloned()
                        .unwrap_or_else(|| c.to_string())
                })
                .unwrap_or_else(|| "—".into());
            vec![
                link_cell(&r.name, format!("/referentie/regios/{}", r.id)),
                cell(&r.code),
                cell(centrum),
                num_cell(count),
            ]
        })
        .collect();
    Ok(TablePage {
        layout: layout(&s, &u, "Regio's", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(&[])),
        heading: "Regio's".into(),
        intro: Some("Een regio is een centrumgemeente met de gemeenten om haar heen.".into()),
        actions: if may_manage(&u) {
            vec![link("/referentie/regios/nieuw", "Nieuwe regio")]
        } else {
            Vec::new()
        },
        filters: None,
        table: Table {
            caption: "Regio's".into(),
            columns: columns(&["Naam", "Code", "Centrumgemeente", "#Gemeenten"]),
            rows,
            empty: "Er zijn nog geen regio's.".into(),
        },
        pager: None,
    })
}

fn region_fields(input: &RegionInput, municipalities: &[Municipality]) -> Vec<Field> {
    let mut options = vec![(String::new(), "— nog geen —".to_string())];
    options.extend(
        municipalities
            .iter()
            .map(|m| (m.code.to_string(), format!("{} ({})", m.name, m.code))),
    );
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        Field::text("code", "Code", &input.code)
            .hint("Korte code voor deze regio, bijvoorbeeld GV. Wordt gebruikt in werkgebieden van gebruikers.")
            .required(),
        Field::select("centrumgemeente", "Centrumgemeente", input.centrumgemeente.as_deref().unwrap_or(""), options)
            .hint("Kies uit de gemeenten van deze regio. Voeg eerst de gemeenten toe."),
    ]
}

fn region_input(f: &FormData) -> RegionInput {
    RegionInput {
        code: f.get("code"),
        name: f.get("naam"),
        centrumgemeente: f.opt("centrumgemeente"),
    }
}

async fn region_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let form = FormBlock::post(
        "/referentie/regios/nieuw",
        "Regio aanmaken",
        region_fields(&RegionInput::default(), &[]),
    )
    .cancel("/referentie/regios");
    Ok(FormPage::new(
        layout(&s, &u, "Nieuwe regio", None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/regios", "Regio's")])),
        "Nieuwe regio",
        form,
    ))
}

async fn region_create(State(s): State<AppState>, u: PageUser, f: FormData) -> Response {
    let input = region_input(&f);
    match s.services.create_region(&u.ctx, &input).await {
        Ok(r) => done(&format!("/referentie/regios/{}", r.id), "aangemaakt"),
        Err(e) => {
            let form = FormBlock::post(
                "/referentie/regios/nieuw",
                "Regio aanmaken",
                region_fields(&input, &[]),
            )
            .cancel("/referentie/regios");
            FormPage::new(
                layout(&s, &u, "Nieuwe regio", None).await,
                "Nieuwe regio",
                form,
            )
            .failed(e, None)
        }
    }
}

async fn region_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let r = s.services.get_region(&u.ctx, id).await?;
    let ms: Vec<_> = s
        .services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .filter(|m| m.region_id == id)
        .collect();
    let names = municipality_names(&ms);
    let l = layout(&s, &u, &r.name, q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/regios", "Regio's")]));
    let mut page = DetailPage::new(l, format!("Regio {}", r.name))
        .fact("Code", &r.code)
        .fact(
            "Centrumgemeente",
            r.centrumgemeente
                .as_ref()
                .map(|c| {
                    names
                        .get(c.as_str())
                        .cloned()
                        .unwrap_or_else(|| c.to_string())
                })
                .unwrap_or_else(|| "nog niet vastgelegd".into()),
        );
    page.tables.push(Table {
        caption: format!("Gemeenten in regio {}", r.name),
        columns: columns(&["Gemeente", "Gemeentecode"]),
        rows: ms
            .iter()
            .map(|m| {
                vec![
                    link_cell(&m.name, format!("/referentie/gemeenten/{}", m.code)),
                    cell(m.code.to_string()),
                ]
            })
            .collect(),
        empty: "Deze regio heeft nog geen gemeenten.".into(),
    });
    let regimes = s.services.list_regimes(&u.ctx, id).await?;
    let now = s.services.clock.now();
    page.facts.push((
        "Woonplaatsbepaling vandaag".into(),
        regime_on(&regimes, s.services.clock.today(), now)
            .label()
            .into(),
    ));
    page.tables.push(Table {
        caption: "Regime voor de verantwoordelijke gemeente".into(),
        columns: columns(&["Geldig vanaf", "Regime", "Vastgelegd op", "Door"]),
        rows: zothuis_domain::history::timeline(&regimes, now)
            .into_iter()
            .map(|r| {
                vec![
                    cell(r.effective_from.to_string()),
                    cell(r.regime.label()),
                    cell(zothuis_domain::dates::dutch_timestamp(r.recorded_at, false)),
                    cell(&r.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen regime vastgelegd: de centrumgemeenteregeling (huidige wet) geldt.".into(),
    });
    if may_manage(&u) {
        page.forms.push(regime_form(id, &RegimeInput::default()));
    }
    if may_manage(&u) {
        page.actions.push(link(
            format!("/referentie/regios/{id}/wijzigen"),
            "Wijzigen",
        ));
        page.actions
            .push(link("/referentie/gemeenten/nieuw", "Gemeente toevoegen"));
        page.forms.push(delete_form(
            format!("/referentie/regios/{id}/verwijderen"),
            r.version,
            "Regio",
        ));
    }
    Ok(page)
}

fn regime_form(id: i64, input: &RegimeInput) -> FormBlock {
    let mut options = vec![(String::new(), "— kies een regime —".to_string())];
    options.extend(
        zothuis_domain::access::woonplaats::Regime::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string())),
    );
    FormBlock::post(
        format!("/referentie/regios/{id}/regimes"),
        "Regime vastleggen",
        vec![
            Field::select("regime", "Regime", &input.regime, options).required(),
            Field::date("geldigVanaf", "Geldig vanaf", &input.effective_from)
                .hint("Beschikkingen vanaf deze datum volgen dit regime. Eerdere regels blijven bewaard.")
                .required(),
        ],
    )
    .heading("Regime voor de verantwoordelijke gemeente wijzigen")
    .anchor("regime")
}

async fn regime_add(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = RegimeInput {
        regime: f.get("regime"),
        effective_from: f.get("geldigVanaf"),
    };
    match s.services.add_regime(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/referentie/regios/{id}"), "opgeslagen")),
        Err(DomainError::Invalid(errors)) => {
            let mut page = region_detail(
                State(s.clone()),
                u.clone(),
                PagePath(id),
                Query(NoticeQuery::default()),
            )
            .await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "regime") {
                form.fields = regime_form(id, &input).fields;
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn region_edit_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    input: &RegionInput,
    version: i64,
) -> PageResult<FormPage> {
    let ms: Vec<_> = s
        .services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .filter(|m| m.region_id == id)
        .collect();
    let form = FormBlock::post(
        format!("/referentie/regios/{id}/wijzigen"),
        "Opslaan",
        region_fields(input, &ms),
    )
    .version(version)
    .cancel(format!("/referentie/regios/{id}"));
    Ok(FormPage::new(
        layout(s, u, "Regio wijzigen", None)
            .await
            .with_breadcrumbs(crumbs(&[
                ("/referentie/regios", "Regio's"),
                (&format!("/referentie/regios/{id}"), &input.name),
            ])),
        "Regio wijzigen",
        form,
    ))
}

async fn region_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let r = s.services.get_region(&u.ctx, id).await?;
    let input = RegionInput {
        code: r.code.clone(),
        name: r.name.clone(),
        centrumgemeente: r.centrumgemeente.map(|c| c.to_string()),
    };
    region_edit_page(&s, &u, id, &input, r.version).await
}

async fn region_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = region_input(&f);
    match s
        .services
        .update_region(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/referentie/regios/{id}"), "opgeslagen")),
        Err(e) => {
            let current = s
                .services
                .get_region(&u.ctx, id)
                .await
                .ok()
                .map(|r| r.version);
            Ok(region_edit_page(&s, &u, id, &input, f.version())
                .await?
                .failed(e, current))
        }
    }
}

async fn region_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services.delete_region(&u.ctx, id, f.version()).await?;
    Ok(done("/referentie/regios", "verwijderd"))
}

// ---- municipalities ---------------------------------------------------------------

async fn municipalities(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let regions: HashMap<i64, String> = s
        .services
        .list_regions(&u.ctx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let ms = s.services.list_municipalities(&u.ctx).await?;
    Ok(TablePage {
        layout: layout(&s, &u, "Gemeenten", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(&[])),
        heading: "Gemeenten".into(),
        intro: Some("Gemeenten met hun CBS-gemeentecode en de regio waartoe ze behoren.".into()),
        actions: if may_manage(&u) {
            vec![link("/referentie/gemeenten/nieuw", "Nieuwe gemeente")]
        } else {
            Vec::new()
        },
        filters: None,
        table: Table {
            caption: "Gemeenten".into(),
            columns: columns(&["Gemeente", "Gemeentecode", "Regio"]),
            rows: ms
                .iter()
                .map(|m| {
                    vec![
                        link_cell(&m.name, format!("/referentie/gemeenten/{}", m.code)),
                        cell(m.code.to_string()),
                        link_cell(
                            regions.get(&m.region_id).cloned().unwrap_or_default(),
                            format!("/referentie/regios/{}", m.region_id),
                        ),
                    ]
                })
                .collect(),
            empty: "Er zijn nog geen gemeenten.".into(),
        },
        pager: None,
    })
}

fn municipality_fields(input: &MunicipalityInput, regions: &[Region], editing: bool) -> Vec<Field> {
    let mut options = vec![(String::new(), "— kies een regio —".to_string())];
    options.extend(regions.iter().map(|r| (r.id.to_string(), r.name.clone())));
    let mut code = Field::text("code", "Gemeentecode", &input.code)
        .hint("CBS-gemeentecode: GM en vier cijfers, bijvoorbeeld GM0406.")
        .required();
    if editing {
        code = code
            .readonly()
            .hint("De gemeentecode is de sleutel van de gemeente en kan niet worden gewijzigd.");
    }
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        code,
        Field::select(
            "regioId",
            "Regio",
            &input.region_id.map(|r| r.to_string()).unwrap_or_default(),
            options,
        )
        .required(),
    ]
}

fn municipality_input(f: &FormData) -> MunicipalityInput {
    MunicipalityInput {
        code: f.get("code"),
        name: f.get("naam"),
        region_id: f.id("regioId"),
    }
}

async fn municipality_form_page(
    s: &AppState,
    u: &PageUser,
    input: &MunicipalityInput,
    edit: Option<(String, i64)>,
) -> PageResult<FormPage> {
    let regions = s.services.list_regions(&u.ctx).await?;
    let (action, title, form) = match &edit {
        Some((code, version)) => {
            let action = format!("/referentie/gemeenten/{code}/wijzigen");
            let form = FormBlock::post(
                &action,
                "Opslaan",
                municipality_fields(input, &regions, true),
            )
            .version(*version)
            .cancel(format!("/referentie/gemeenten/{code}"));
            (action, "Gemeente wijzigen", form)
        }
        None => {
            let action = "/referentie/gemeenten/nieuw".to_string();
            let form = FormBlock::post(
                &action,
                "Gemeente toevoegen",
                municipality_fields(input, &regions, false),
            )
            .cancel("/referentie/gemeenten");
            (action, "Nieuwe gemeente", form)
        }
    };
    let _ = action;
    Ok(FormPage::new(
        layout(s, u, title, None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/gemeenten", "Gemeenten")])),
        title,
        form,
    ))
}

async fn municipality_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    municipality_form_page(&s, &u, &MunicipalityInput::default(), None).await
}

async fn municipality_create(
    State(s): State<AppState>,
    u: PageUser,
    f: FormData,
) -> PageResult<Response> {
    let input = municipality_input(&f);
    match s.services.create_municipality(&u.ctx, &input).await {
        Ok(m) => Ok(done(
            &format!("/referentie/gemeenten/{}", m.code),
            "aangemaakt",
        )),
        Err(e) => Ok(municipality_form_page(&s, &u, &input, None)
            .await?
            .failed(e, None)),
    }
}

async fn municipality_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(code): PagePath<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let m = s.services.get_municipality(&u.ctx, &code).await?;
    let region = s.services.get_region(&u.ctx, m.region_id).await?;
    let locations: Vec<_> = s
        .services
        .list_locations(&u.ctx)
        .await?
        .into_iter()
        .filter(|l| l.municipality == m.code)
        .collect();
    let l = layout(&s, &u, &m.name, q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/gemeenten", "Gemeenten")]));
    let mut page = DetailPage::new(l, format!("Gemeente {}", m.name))
        .fact("Gemeentecode", m.code.to_string())
        .fact("Regio", region.name.clone());
    if region.centrumgemeente.as_ref() == Some(&m.code) {
        page = page.fact("Rol in de regio", "Centrumgemeente");
    }
    page.tables.push(Table {
        caption: format!("Locaties in {}", m.name),
        columns: columns(&["Locatie"]),
        rows: locations
            .iter()
            .map(|l| vec![link_cell(&l.name, format!("/referentie/locaties/{}", l.id))])
            .collect(),
        empty: "Er zijn geen locaties in deze gemeente.".into(),
    });
    if may_manage(&u) {
        page.actions.push(link(
            format!("/referentie/gemeenten/{}/wijzigen", m.code),
            "Wijzigen",
        ));
        page.forms.push(delete_form(
            format!("/referentie/gemeenten/{}/verwijderen", m.code),
            m.version,
            "Gemeente",
        ));
    }
    Ok(page)
}

async fn municipality_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(code): PagePath<String>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let m = s.services.get_municipality(&u.ctx, &code).await?;
    let input = MunicipalityInput {
        code: m.code.to_string(),
        name: m.name.clone(),
        region_id: Some(m.region_id),
    };
    municipality_form_page(&s, &u, &input, Some((m.code.to_string(), m.version))).await
}

async fn municipality_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(code): PagePath<String>,
    f: FormData,
) -> PageResult<Response> {
    let input = municipality_input(&f);
    match s
        .services
        .update_municipality(&u.ctx, &code, f.version(), &input)
        .await
    {
        Ok(m) => Ok(done(
            &format!("/referentie/gemeenten/{}", m.code),
            "opgeslagen",
        )),
        Err(e) => {
            let current = s
                .services
                .get_municipality(&u.ctx, &code)
                .await
                .ok()
                .map(|m| m.version);
            Ok(
                municipality_form_page(&s, &u, &input, Some((code.clone(), f.version())))
                    .await?
                    .failed(e, current),
            )
        }
    }
}

async fn municipality_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(code): PagePath<String>,
    f: FormData,
) -> PageResult<Response> {
    s.services
        .delete_municipality(&u.ctx, &code, f.version())
        .await?;
    Ok(done("/referentie/gemeenten", "verwijderd"))
}

// ---- providers --------------------------------------------------------------------

async fn providers(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let ps = s.services.list_providers(&u.ctx).await?;
    let locations = s.services.list_locations(&u.ctx).await?;
    Ok(TablePage {
        layout: layout(&s, &u, "Aanbieders", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(&[])),
        heading: "Aanbieders".into(),
        intro: Some("Zorgaanbieders met hun AGB-code en locaties.".into()),
        actions: if may_manage(&u) {
            vec![link("/referentie/aanbieders/nieuw", "Nieuwe aanbieder")]
        } else {
            Vec::new()
        },
        filters: None,
        table: Table {
            caption: "Aanbieders".into(),
            columns: columns(&["Aanbieder", "AGB-code", "#Locaties"]),
            rows: ps
                .iter()
                .map(|p| {
                    vec![
                        link_cell(&p.name, format!("/referentie/aanbieders/{}", p.id)),
                        cell(p.agb_code.clone().unwrap_or_else(|| "—".into())),
                        num_cell(locations.iter().filter(|l| l.provider_id == p.id).count() as i64),
                    ]
                })
                .collect(),
            empty: "Er zijn nog geen aanbieders.".into(),
        },
        pager: None,
    })
}

fn provider_fields(input: &ProviderInput) -> Vec<Field> {
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        Field::text(
            "agbCode",
            "AGB-code",
            input.agb_code.clone().unwrap_or_default(),
        )
        .hint("Acht cijfers, uit het AGB-register van Vektis."),
    ]
}

fn provider_input(f: &FormData) -> ProviderInput {
    ProviderInput {
        name: f.get("naam"),
        agb_code: f.opt("agbCode"),
    }
}

async fn provider_form_page(
    s: &AppState,
    u: &PageUser,
    input: &ProviderInput,
    edit: Option<(i64, i64)>,
) -> FormPage {
    let (title, form) = match edit {
        Some((id, version)) => (
            "Aanbieder wijzigen",
            FormBlock::post(
                format!("/referentie/aanbieders/{id}/wijzigen"),
                "Opslaan",
                provider_fields(input),
            )
            .version(version)
            .cancel(format!("/referentie/aanbieders/{id}")),
        ),
        None => (
            "Nieuwe aanbieder",
            FormBlock::post(
                "/referentie/aanbieders/nieuw",
                "Aanbieder aanmaken",
                provider_fields(input),
            )
            .cancel("/referentie/aanbieders"),
        ),
    };
    FormPage::new(
        layout(s, u, title, None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/aanbieders", "Aanbieders")])),
        title,
        form,
    )
}

async fn provider_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    Ok(provider_form_page(&s, &u, &ProviderInput::default(), None).await)
}

async fn provider_create(State(s): State<AppState>, u: PageUser, f: FormData) -> Response {
    let input = provider_input(&f);
    match s.services.create_provider(&u.ctx, &input).await {
        Ok(p) => done(&format!("/referentie/aanbieders/{}", p.id), "aangemaakt"),
        Err(e) => provider_form_page(&s, &u, &input, None)
            .await
            .failed(e, None),
    }
}

async fn provider_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let p = s.services.get_provider(&u.ctx, id).await?;
    let names = municipality_names(&s.services.list_municipalities(&u.ctx).await?);
    let locations: Vec<_> = s
        .services
        .list_locations(&u.ctx)
        .await?
        .into_iter()
        .filter(|l| l.provider_id == id)
        .collect();
    let l = layout(&s, &u, &p.name, q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/aanbieders", "Aanbieders")]));
    let mut page = DetailPage::new(l, format!("Aanbieder {}", p.name)).fact(
        "AGB-code",
        p.agb_code.clone().unwrap_or_else(|| "niet bekend".into()),
    );
    page.tables.push(Table {
        caption: format!("Locaties van {}", p.name),
        columns: columns(&["Locatie", "Gemeente"]),
        rows: locations
            .iter()
            .map(|l| {
                vec![
                    link_cell(&l.name, format!("/referentie/locaties/{}", l.id)),
                    cell(
                        names
                            .get(l.municipality.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
        empty: "Deze aanbieder heeft nog geen locaties.".into(),
    });
    if may_manage(&u) {
        page.actions.push(link(
            format!("/referentie/aanbieders/{id}/wijzigen"),
            "Wijzigen",
        ));
        page.actions
            .push(link("/referentie/locaties/nieuw", "Locatie toevoegen"));
        page.forms.push(delete_form(
            format!("/referentie/aanbieders/{id}/verwijderen"),
            p.version,
            "Aanbieder",
        ));
    }
    Ok(page)
}

async fn provider_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let p = s.services.get_provider(&u.ctx, id).await?;
    let input = ProviderInput {
        name: p.name.clone(),
        agb_code: p.agb_code.clone(),
    };
    Ok(provider_form_page(&s, &u, &input, Some((id, p.version))).await)
}

async fn provider_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> Response {
    let input = provider_input(&f);
    match s
        .services
        .update_provider(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => done(&format!("/referentie/aanbieders/{id}"), "opgeslagen"),
        Err(e) => {
            let current = s
                .services
                .get_provider(&u.ctx, id)
                .await
                .ok()
                .map(|p| p.version);
            provider_form_page(&s, &u, &input, Some((id, f.version())))
                .await
                .failed(e, current)
        }
    }
}

async fn provider_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services.delete_provider(&u.ctx, id, f.version()).await?;
    Ok(done("/referentie/aanbieders", "verwijderd"))
}

// ---- corporations -----------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct CorporationQuery {
    #[serde(rename = "regioId")]
    region_id: Option<String>,
    melding: Option<String>,
}

async fn corporations(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<CorporationQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let regions = s.services.list_regions(&u.ctx).await?;
    let region_id = match filled(&q.region_id) {
        None => None,
        Some(r) => Some(r.parse::<i64>().map_err(|_| {
            PageError(DomainError::invalid(
                "regioId",
                "kies een regio uit de lijst",
            ))
        })?),
    };
    let names: HashMap<i64, String> = regions.iter().map(|r| (r.id, r.name.clone())).collect();
    let cs = s.services.list_corporations(&u.ctx, region_id).await?;
    let mut options = vec![(String::new(), "Alle regio's".to_string())];
    options.extend(regions.iter().map(|r| (r.id.to_string(), r.name.clone())));
    let selected = region_id.map(|r| r.to_string()).unwrap_or_default();
    let filters = FormBlock::get(
        "/referentie/corporaties",
        "Tonen",
        vec![Field::select("regioId", "Regio", &selected, options)],
    )
    .anchor("filters");
    Ok(TablePage {
        layout: layout(&s, &u, "Woningcorporaties", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(&[])),
        heading: "Woningcorporaties".into(),
        intro: Some("De woningcorporaties in het Pact voor uitstroom van elke regio. Voordrachten voor uitstroom worden aan een corporatie gericht; haar medewerkers zien die voordrachten en niets van de zorg.".into()),
        actions: if may_manage(&u) {
            vec![link("/referentie/corporaties/nieuw", "Nieuwe corporatie")]
        } else {
            Vec::new()
        },
        filters: Some(filters),
        table: Table {
            caption: "Woningcorporaties".into(),
            columns: columns(&["Corporatie", "Regio"]),
            rows: cs
                .iter()
                .map(|c| {
                    vec![
                        link_cell(&c.name, format!("/referentie/corporaties/{}", c.id)),
                        link_cell(
                            names.get(&c.region_id).cloned().unwrap_or_default(),
                            format!("/referentie/regios/{}", c.region_id),
                        ),
                    ]
                })
                .collect(),
            empty: "Er zijn nog geen woningcorporaties.".into(),
        },
        pager: None,
    })
}

fn corporation_fields(input: &CorporationInput, regions: &[Region]) -> Vec<Field> {
    let mut options = vec![(String::new(), "— kies een regio —".to_string())];
    options.extend(regions.iter().map(|r| (r.id.to_string(), r.name.clone())));
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        Field::select(
            "regioId",
            "Regio",
            &input.region_id.map(|r| r.to_string()).unwrap_or_default(),
            options,
        )
        .hint("De regio in wier Pact voor uitstroom de corporatie woningen beschikbaar stelt.")
        .required(),
    ]
}

fn corporation_input(f: &FormData) -> CorporationInput {
    CorporationInput {
        name: f.get("naam"),
        region_id: f.id("regioId"),
    }
}

async fn corporation_form_page(
    s: &AppState,
    u: &PageUser,
    input: &CorporationInput,
    edit: Option<(i64, i64)>,
) -> PageResult<FormPage> {
    let regions = s.services.list_regions(&u.ctx).await?;
    let (title, form) = match edit {
        Some((id, version)) => (
            "Corporatie wijzigen",
            FormBlock::post(
                format!("/referentie/corporaties/{id}/wijzigen"),
                "Opslaan",
                corporation_fields(input, &regions),
            )
            .version(version)
            .cancel(format!("/referentie/corporaties/{id}")),
        ),
        None => (
            "Nieuwe corporatie",
            FormBlock::post(
                "/referentie/corporaties/nieuw",
                "Corporatie aanmaken",
                corporation_fields(input, &regions),
            )
            .cancel("/referentie/corporaties"),
        ),
    };
    Ok(FormPage::new(
        layout(s, u, title, None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/corporaties", "Woningcorporaties")])),
        title,
        form,
    ))
}

async fn corporation_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    corporation_form_page(&s, &u, &CorporationInput::default(), None).await
}

async fn corporation_create(
    State(s): State<AppState>,
    u: PageUser,
    f: FormData,
) -> PageResult<Response> {
    let input = corporation_input(&f);
    match s.services.create_corporation(&u.ctx, &input).await {
        Ok(c) => Ok(done(
            &format!("/referentie/corporaties/{}", c.id),
            "aangemaakt",
        )),
        Err(e) => Ok(corporation_form_page(&s, &u, &input, None)
            .await?
            .failed(e, None)),
    }
}

async fn corporation_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let c = s.services.get_corporation(&u.ctx, id).await?;
    let region = s.services.get_region(&u.ctx, c.region_id).await?;
    let l = layout(&s, &u, &c.name, q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/corporaties", "Woningcorporaties")]));
    let mut page =
        DetailPage::new(l, format!("Corporatie {}", c.name)).fact("Regio", region.name.clone());
    page.intro = Some(
        "Voordrachten voor uitstroom in deze regio kunnen aan deze corporatie worden gericht. Haar medewerkers (rol woningcorporatie, werkgebied deze corporatie) zien die voordrachten: de kandidaat en waar een woning wordt gezocht, niets van de zorg."
            .into(),
    );
    if may_manage(&u) {
        page.actions.push(link(
            format!("/referentie/corporaties/{id}/wijzigen"),
            "Wijzigen",
        ));
        page.forms.push(delete_form(
            format!("/referentie/corporaties/{id}/verwijderen"),
            c.version,
            "Corporatie",
        ));
    }
    Ok(page)
}

async fn corporation_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let c = s.services.get_corporation(&u.ctx, id).await?;
    let input = CorporationInput {
        name: c.name.clone(),
        region_id: Some(c.region_id),
    };
    corporation_form_page(&s, &u, &input, Some((id, c.version))).await
}

async fn corporation_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = corporation_input(&f);
    match s
        .services
        .update_corporation(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/referentie/corporaties/{id}"), "opgeslagen")),
        Err(e) => {
            let current = s
                .services
                .get_corporation(&u.ctx, id)
                .await
                .ok()
                .map(|c| c.version);
            Ok(
                corporation_form_page(&s, &u, &input, Some((id, f.version())))
                    .await?
                    .failed(e, current),
            )
        }
    }
}

async fn corporation_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services
        .delete_corporation(&u.ctx, id, f.version())
        .await?;
    Ok(done("/referentie/corporaties", "verwijderd"))
}

// ---- products ---------------------------------------------------------------------

async fn products(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let ps = s.services.list_products(&u.ctx).await?;
    Ok(TablePage {
        layout: layout(&s, &u, "Producten", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(&[])),
        heading: "Producten".into(),
        intro: Some("Voorzieningen die de regio inkoopt, met hun iWmo-productcategorie.".into()),
        actions: if may_manage(&u) {
            vec![link("/referentie/producten/nieuw", "Nieuw product")]
        } else {
            Vec::new()
        },
        filters: None,
        table: Table {
            caption: "Producten".into(),
            columns: columns(&[
                "Product",
                "Code",
                "Productcategorie",
                "Soort",
                "Tariefeenheid",
            ]),
            rows: ps
                .iter()
                .map(|p| {
                    vec![
                        link_cell(&p.name, format!("/referentie/producten/{}", p.id)),
                        cell(&p.code),
                        cell(p.category.label()),
                        cell(p.kind.label()),
                        cell(p.tariff_unit.label()),
                    ]
                })
                .collect(),
            empty: "Er zijn nog geen producten.".into(),
        },
        pager: None,
    })
}

fn product_fields(input: &ProductInput) -> Vec<Field> {
    let mut cats = vec![(String::new(), "— kies —".to_string())];
    cats.extend(
        ProductCategorie::ALL
            .iter()
            .map(|c| (c.code().to_string(), c.label().to_string())),
    );
    let mut kinds = vec![(String::new(), "— kies —".to_string())];
    kinds.extend(
        ProductKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string())),
    );
    let mut units = vec![(String::new(), "— kies —".to_string())];
    units.extend(
        TariffUnit::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string())),
    );
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        Field::text("code", "Code", &input.code).hint("Korte code, bijvoorbeeld BW-24 of MO-NACHT.").required(),
        Field::select("productcategorie", "iWmo-productcategorie", &input.category, cats).required(),
        Field::select("soort", "Soort voorziening", &input.kind, kinds)
            .hint("Bepaalt of het product plekken op een locatie gebruikt; zorg in de eigen woning niet.")
            .required(),
        Field::select("tariefeenheid", "Tariefeenheid", &input.tariff_unit, units).required(),
    ]
}

fn product_input(f: &FormData) -> ProductInput {
    ProductInput {
        code: f.get("code"),
        name: f.get("naam"),
        category: f.get("productcategorie"),
        kind: f.get("soort"),
        tariff_unit: f.get("tariefeenheid"),
    }
}

async fn product_form_page(
    s: &AppState,
    u: &PageUser,
    input: &ProductInput,
    edit: Option<(i64, i64)>,
) -> FormPage {
    let (title, form) = match edit {
        Some((id, version)) => (
            "Product wijzigen",
            FormBlock::post(
                format!("/referentie/producten/{id}/wijzigen"),
                "Opslaan",
                product_fields(input),
            )
            .version(version)
            .cancel(format!("/referentie/producten/{id}")),
        ),
        None => (
            "Nieuw product",
            FormBlock::post(
                "/referentie/producten/nieuw",
                "Product aanmaken",
                product_fields(input),
            )
            .cancel("/referentie/producten"),
        ),
    };
    FormPage::new(
        layout(s, u, title, None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/producten", "Producten")])),
        title,
        form,
    )
}

async fn product_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    Ok(product_form_page(&s, &u, &ProductInput::default(), None).await)
}

async fn product_create(State(s): State<AppState>, u: PageUser, f: FormData) -> Response {
    let input = product_input(&f);
    match s.services.create_product(&u.ctx, &input).await {
        Ok(p) => done(&format!("/referentie/producten/{}", p.id), "aangemaakt"),
        Err(e) => product_form_page(&s, &u, &input, None)
            .await
            .failed(e, None),
    }
}

async fn product_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let p = s.services.get_product(&u.ctx, id).await?;
    let l = layout(&s, &u, &p.name, q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/producten", "Producten")]));
    let mut page = DetailPage::new(l, format!("Product {}", p.name))
        .fact("Code", &p.code)
        .fact("iWmo-productcategorie", p.category.label())
        .fact("Soort voorziening", p.kind.label())
        .fact(
            "Plekken op een locatie",
            if p.kind.uses_location_capacity() {
                "ja"
            } else {
                "nee, geleverd in de eigen woning"
            },
        )
        .fact("Tariefeenheid", p.tariff_unit.label());
    let criteria = s.services.criteria(&u.ctx, id).await?;
    page.tables.push(Table {
        caption: "Afwegingskader".into(),
        columns: columns(&["#Nr", "Criterium"]),
        rows: criteria
            .iter()
            .map(|c| vec![num_cell(c.position), cell(&c.text)])
            .collect(),
        empty: "Voor dit product is nog geen afwegingskader vastgelegd.".into(),
    });
    if may_manage(&u) {
        page.forms.push(
            FormBlock::post(
                format!("/referentie/producten/{id}/criteria"),
                "Criterium toevoegen",
                vec![Field::text("tekst", "Criterium", "").required()],
            )
            .heading("Criterium toevoegen aan het afwegingskader")
            .anchor("criterium"),
        );
    }
    if may_manage(&u) {
        page.actions.push(link(
            format!("/referentie/producten/{id}/wijzigen"),
            "Wijzigen",
        ));
        page.forms.push(delete_form(
            format!("/referentie/producten/{id}/verwijderen"),
            p.version,
            "Product",
        ));
    }
    Ok(page)
}

async fn criterion_add(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services
        .add_criterion(&u.ctx, id, &f.get("tekst"))
        .await?;
    Ok(done(&format!("/referentie/producten/{id}"), "opgeslagen"))
}

async fn product_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let p = s.services.get_product(&u.ctx, id).await?;
    let input = ProductInput {
        code: p.code.clone(),
        name: p.name.clone(),
        category: p.category.code().into(),
        kind: p.kind.code().into(),
        tariff_unit: p.tariff_unit.code().into(),
    };
    Ok(product_form_page(&s, &u, &input, Some((id, p.version))).await)
}

async fn product_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> Response {
    let input = product_input(&f);
    match s
        .services
        .update_product(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => done(&format!("/referentie/producten/{id}"), "opgeslagen"),
        Err(e) => {
            let current = s
                .services
                .get_product(&u.ctx, id)
                .await
                .ok()
                .map(|p| p.version);
            product_form_page(&s, &u, &input, Some((id, f.version())))
                .await
                .failed(e, current)
        }
    }
}

async fn product_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services.delete_product(&u.ctx, id, f.version()).await?;
    Ok(done("/referentie/producten", "verwijderd"))
}

// ---- locations and capacity --------------------------------------------------------

async fn locations(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let ls = s.services.list_locations(&u.ctx).await?;
    let providers: HashMap<i64, String> = s
        .services
        .list_providers(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let names = municipality_names(&s.services.list_municipalities(&u.ctx).await?);
    let today = s.services.clock.today();
    let now = s.services.clock.now();
    let mut rows = Vec::new();
    for l in &ls {
        let history = s.services.list_capacity(&u.ctx, l.id).await?;
        let places: i64 = l
            .product_ids
            .iter()
            .filter_map(|p| capacity_on(&history, *p, today, now))
            .map(|r| r.places)
            .sum();
        rows.push(vec![
            link_cell(&l.name, format!("/referentie/locaties/{}", l.id)),
            cell(providers.get(&l.provider_id).cloned().unwrap_or_default()),
            cell(
                names
                    .get(l.municipality.as_str())
                    .cloned()
                    .unwrap_or_default(),
            ),
            num_cell(places),
            if l.secret_address {
                badge_cell("geheim adres", "warn")
            } else {
                cell("")
            },
        ]);
    }
    Ok(TablePage {
        layout: layout(&s, &u, "Locaties", q.melding.as_deref()).await.with_breadcrumbs(crumbs(&[])),
        heading: "Locaties".into(),
        intro: Some("Locaties van aanbieders met het aantal plekken vandaag. Open een locatie voor de historie.".into()),
        actions: if may_manage(&u) { vec![link("/referentie/locaties/nieuw", "Nieuwe locatie")] } else { Vec::new() },
        filters: None,
        table: Table {
            caption: "Locaties".into(),
            columns: columns(&["Locatie", "Aanbieder", "Gemeente", "#Plekken vandaag", "Bijzonderheden"]),
            rows,
            empty: "Er zijn nog geen locaties.".into(),
        },
        pager: None,
    })
}

struct RefOptions {
    providers: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    products: Vec<(String, String)>,
}

async fn ref_options(s: &AppState, u: &PageUser) -> PageResult<RefOptions> {
    let mut providers = vec![(String::new(), "— kies een aanbieder —".to_string())];
    providers.extend(
        s.services
            .list_providers(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name)),
    );
    let mut municipalities = vec![(String::new(), "— kies een gemeente —".to_string())];
    municipalities.extend(
        s.services
            .list_municipalities(&u.ctx)
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name)),
    );
    let products = s
        .services
        .list_products(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    Ok(RefOptions {
        providers,
        municipalities,
        products,
    })
}

fn location_fields(input: &LocationInput, o: RefOptions) -> Vec<Field> {
    let selected: Vec<String> = input.product_ids.iter().map(|p| p.to_string()).collect();
    vec![
        Field::text("naam", "Naam", &input.name).required(),
        Field::select("aanbiederId", "Aanbieder", &input.provider_id.map(|p| p.to_string()).unwrap_or_default(), o.providers).required(),
        Field::select("gemeenteCode", "Gemeente", &input.municipality, o.municipalities).required(),
        Field::text("adres", "Adres", input.address.clone().unwrap_or_default()),
        Field::checkbox("geheimAdres", "Geheim adres", input.secret_address)
            .hint("Bijvoorbeeld vrouwenopvang: het adres is dan alleen zichtbaar voor beheerders en de aanbieder zelf."),
        Field::checkboxes("producten", "Producten op deze locatie", &selected, o.products),
    ]
}

fn location_input(f: &FormData) -> LocationInput {
    LocationInput {
        provider_id: f.id("aanbiederId"),
        municipality: f.get("gemeenteCode"),
        name: f.get("naam"),
        address: Some(f.get("adres")),
        secret_address: f.checked("geheimAdres"),
        product_ids: f
            .all("producten")
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect(),
    }
}

async fn location_form_page(
    s: &AppState,
    u: &PageUser,
    input: &LocationInput,
    edit: Option<(i64, i64)>,
) -> PageResult<FormPage> {
    let fields = location_fields(input, ref_options(s, u).await?);
    let (title, form) = match edit {
        Some((id, version)) => (
            "Locatie wijzigen",
            FormBlock::post(
                format!("/referentie/locaties/{id}/wijzigen"),
                "Opslaan",
                fields,
            )
            .version(version)
            .cancel(format!("/referentie/locaties/{id}")),
        ),
        None => (
            "Nieuwe locatie",
            FormBlock::post("/referentie/locaties/nieuw", "Locatie aanmaken", fields)
                .cancel("/referentie/locaties"),
        ),
    };
    Ok(FormPage::new(
        layout(s, u, title, None)
            .await
            .with_breadcrumbs(crumbs(&[("/referentie/locaties", "Locaties")])),
        title,
        form,
    ))
}

async fn location_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    location_form_page(&s, &u, &LocationInput::default(), None).await
}

async fn location_create(
    State(s): State<AppState>,
    u: PageUser,
    f: FormData,
) -> PageResult<Response> {
    let input = location_input(&f);
    match s.services.create_location(&u.ctx, &input).await {
        Ok(l) => Ok(done(
            &format!("/referentie/locaties/{}", l.id),
            "aangemaakt",
        )),
        Err(e) => Ok(location_form_page(&s, &u, &input, None)
            .await?
            .failed(e, None)),
    }
}

fn capacity_form(location: &Location, products: &[Product], input: &CapacityInput) -> FormBlock {
    let mut options = vec![(String::new(), "— kies een product —".to_string())];
    options.extend(
        products
            .iter()
            .filter(|p| location.product_ids.contains(&p.id) && p.kind.uses_location_capacity())
            .map(|p| (p.id.to_string(), p.name.clone())),
    );
    FormBlock::post(
        format!("/referentie/locaties/{}/capaciteit", location.id),
        "Capaciteit vastleggen",
        vec![
            Field::select(
                "productId",
                "Product",
                &input.product_id.map(|p| p.to_string()).unwrap_or_default(),
                options,
            )
            .required(),
            Field::number("aantalPlekken", "Aantal plekken", &input.places).required(),
            Field::date("geldigVanaf", "Geldig vanaf", &input.valid_from)
                .hint(
                    "Vanaf deze datum geldt het nieuwe aantal. De eerdere regels blijven bewaard.",
                )
                .required(),
            Field::date(
                "geldigTot",
                "Geldig tot en met",
                input.valid_to.clone().unwrap_or_default(),
            )
            .hint("Leeg laten als er geen einddatum is."),
        ],
    )
    .heading("Capaciteit wijzigen")
    .anchor("capaciteit")
}

async fn location_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    capacity_input: &CapacityInput,
) -> PageResult<DetailPage> {
    let loc = s.services.get_location(&u.ctx, id).await?;
    let provider = s.services.get_provider(&u.ctx, loc.provider_id).await?;
    let municipality = s
        .services
        .get_municipality(&u.ctx, loc.municipality.as_str())
        .await?;
    let products = s.services.list_products(&u.ctx).await?;
    let product_name: HashMap<i64, String> =
        products.iter().map(|p| (p.id, p.name.clone())).collect();
    let history = s.services.list_capacity(&u.ctx, id).await?;
    let today = s.services.clock.today();
    let now = s.services.clock.now();
    let l = layout(s, u, &loc.name, notice)
        .await
        .with_breadcrumbs(crumbs(&[("/referentie/locaties", "Locaties")]));
    let address = match (&loc.address, loc.secret_address) {
        (Some(a), true) => format!("{a} (geheim adres)"),
        (Some(a), false) => a.clone(),
        (None, true) => "geheim adres, niet zichtbaar voor u".into(),
        (None, false) => "niet vastgelegd".into(),
    };
    let mut page = DetailPage::new(l, format!("Locatie {}", loc.name))
        .fact("Aanbieder", provider.name.clone())
        .fact("Gemeente", municipality.name.clone())
        .fact("Adres", address)
        .fact(
            "Producten",
            loc.product_ids
                .iter()
                .filter_map(|p| product_name.get(p).cloned())
                .collect::<Vec<_>>()
                .join(", "),
        );
    page.tables.push(Table {
        caption: "Plekken vandaag".into(),
        columns: columns(&["Product", "#Plekken", "Sinds"]),
        rows: products
            .iter()
            .filter(|p| loc.product_ids.contains(&p.id))
            .map(|p| {
                if !p.kind.uses_location_capacity() {
                    return vec![
                        cell(&p.name),
                        cell("—"),
                        cell("in de eigen woning, zonder plekken op de locatie"),
                    ];
                }
                let current = capacity_on(&history, p.id, today, now);
                vec![
                    cell(&p.name),
                    num_cell(current.map(|c| c.places).unwrap_or(0)),
                    cell(
                        current
                            .map(|c| zothuis_domain::dates::dutch_long(c.valid_from))
                            .unwrap_or_else(|| "—".into()),
                    ),
                ]
            })
            .collect(),
        empty: "Deze locatie levert nog geen producten.".into(),
    });
    page.tables.push(Table {
        caption: "Capaciteitshistorie".into(),
        columns: columns(&[
            "Product",
            "#Plekken",
            "Geldig vanaf",
            "Geldig tot en met",
            "Vastgelegd op",
            "Door",
        ]),
        rows: history
            .iter()
            .map(|c| {
                vec![
                    cell(product_name.get(&c.product_id).cloned().unwrap_or_default()),
                    num_cell(c.places),
                    cell(c.valid_from.to_string()),
                    cell(
                        c.valid_to
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "—".into()),
                    ),
                    cell(zothuis_domain::dates::dutch_timestamp(c.recorded_at, false)),
                    cell(&c.recorded_by),
                ]
            })
            .collect(),
        empty: "Er is nog geen capaciteit vastgelegd.".into(),
    });
    if can(
        u.actor(),
        Action::ManageCapacity {
            provider_id: loc.provider_id,
        },
    )
    .is_allowed()
    {
        page.forms
            .push(capacity_form(&loc, &products, capacity_input));
    }
    if may_manage(u) {
        page.actions.push(link(
            format!("/referentie/locaties/{id}/wijzigen"),
            "Wijzigen",
        ));
        page.forms.push(delete_form(
            format!("/referentie/locaties/{id}/verwijderen"),
            loc.version,
            "Locatie",
        ));
    }
    Ok(page)
}

async fn location_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    location_page(&s, &u, id, q.melding.as_deref(), &CapacityInput::default()).await
}

async fn location_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    require(&u, Action::ManageReference)?;
    let l = s.services.get_location(&u.ctx, id).await?;
    let input = LocationInput {
        provider_id: Some(l.provider_id),
        municipality: l.municipality.to_string(),
        name: l.name.clone(),
        address: l.address.clone(),
        secret_address: l.secret_address,
        product_ids: l.product_ids.clone(),
    };
    location_form_page(&s, &u, &input, Some((id, l.version))).await
}

async fn location_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = location_input(&f);
    match s
        .services
        .update_location(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/referentie/locaties/{id}"), "opgeslagen")),
        Err(e) => {
            let current = s
                .services
                .get_location(&u.ctx, id)
                .await
                .ok()
                .map(|l| l.version);
            Ok(location_form_page(&s, &u, &input, Some((id, f.version())))
                .await?
                .failed(e, current))
        }
    }
}

async fn location_delete(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    s.services.delete_location(&u.ctx, id, f.version()).await?;
    Ok(done("/referentie/locaties", "verwijderd"))
}

async fn capacity_add(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = CapacityInput {
        product_id: f.id("productId"),
        places: f.get("aantalPlekken"),
        valid_from: f.get("geldigVanaf"),
        valid_to: f.opt("geldigTot"),
    };
    match s.services.add_capacity(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/referentie/locaties/{id}"), "capaciteit")),
        Err(DomainError::Invalid(errors)) => {
            let mut page = location_page(&s, &u, id, None, &input).await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "capaciteit") {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}
