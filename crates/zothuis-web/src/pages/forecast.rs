//! Prognoses: the population forecasts of the region, loaded by its policy
//! officer from a CSV file and read by the policy roles and the board.

use super::*;
use crate::chart::{Series, line_chart};
use crate::export::{CSV, ExportCell, ExportTable, XLSX, attachment, to_csv, to_xlsx};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;
use zothuis_domain::dates::dutch_timestamp;
use zothuis_domain::finance::model::Bedrag;
use zothuis_domain::forecast::PopulationInput;
use zothuis_domain::forecast::run::{Cell as ForecastCell, Forecast};
use zothuis_domain::forecast::scenario::{Scenario, ScenarioInput};
use zothuis_domain::forecast::service::ScenarioView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/prognoses", get(list).post(load))
        .route("/prognoses/bevolking/{id}", get(show))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
        .route("/prognoses/scenarios", axum::routing::post(create))
        .route("/prognoses/scenarios/nieuw", get(new_form))
        .route("/prognoses/scenarios/{id}", get(view).post(update))
        .route("/prognoses/scenarios/{id}/wijzigen", get(edit_form))
        .route("/prognoses/scenarios/{id}/kopie", axum::routing::post(copy))
        .route(
            "/prognoses/scenarios/{id}/publiceren",
            axum::routing::post(publish),
        )
        .route("/prognoses/scenarios/{id}/export", get(export))
        .route("/prognoses/vergelijking", get(compare))
}

/// Whether the user reads forecasts: a policy officer, the board or the
/// financial adviser of a region.
pub fn reads_forecasts(u: &PageUser) -> bool {
    matches!(
        (&u.user.role, &u.user.scope),
        (
            Role::Beleidsadviseur | Role::Bestuurder | Role::FinancieelAdviseur,
            Scope::Regio(_)
        )
    )
}

fn upload_form(typed: &PopulationInput) -> FormBlock {
    FormBlock::post(
        "/prognoses",
        "Laden",
        vec![
            Field::text("naam", "Naam", typed.name.clone()).required(),
            Field::text("bron", "Bron van de cijfers", typed.source.clone())
                .required()
                .hint("Bijvoorbeeld: Provincie Noord-Holland, bevolkingsprognose 2024."),
            Field::files("bestand", "Bestand (CSV)", ".csv,text/csv")
                .required()
                .hint("Kopregel gemeentecode,jaar,leeftijdsklasse,inwoners; één regel per gemeente, jaar en leeftijdsklasse (18-26 of 65+)."),
        ],
    )
    .heading("Bevolkingsprognose laden")
    .anchor("laden")
    .upload()
}

async fn list_page(
    s: &AppState,
    u: &PageUser,
    notice: Option<&str>,
    typed: Option<&PopulationInput>,
) -> PageResult<DetailPage> {
    let found = s.services.populations(&u.ctx).await?;
    let l = Layout::new(s, u, "Prognoses", Section::Forecasts)
        .await
        .with_notice(notice);
    let mut page = DetailPage::new(l, "Prognoses");
    page.intro = Some(
        "De prognose van de vraag naar plekken per gemeente en product rekent met de instroom, verblijfsduur en uitstroom die zothuis kent, \
         en met een bevolkingsprognose per gemeente, jaar en leeftijdsklasse. Hier staan de bevolkingsprognoses van de regio."
            .into(),
    );
    page.tables.push(Table {
        caption: "Bevolkingsprognoses, nieuwste eerst".into(),
        columns: columns(&["Naam", "Bron", "Jaren", "#Gemeenten", "Geladen"]),
        rows: found
            .iter()
            .map(|p| {
                vec![
                    link_cell(p.name.clone(), format!("/prognoses/bevolking/{}", p.id)),
                    cell(p.source.clone()),
                    cell(format!("{}–{}", p.years.0, p.years.1)),
                    num_cell(i64::from(p.municipalities)),
                    cell(dutch_timestamp(p.uploaded_at, false)),
                ]
            })
            .collect(),
        empty: "Er is nog geen bevolkingsprognose geladen.".into(),
    });
    let scenarios = s.services.scenarios(&u.ctx).await?;
    page.tables.insert(
        0,
        Table {
            caption: "Scenario's, nieuwste eerst".into(),
            columns: columns(&["Naam", "Jaren", "Status", "Gewijzigd", "Door"]),
            rows: scenarios
                .iter()
                .map(|x| {
                    vec![
                        link_cell(x.name.clone(), format!("/prognoses/scenarios/{}", x.id)),
                        cell(format!(
                            "{}–{}",
                            x.assumptions.base_year, x.assumptions.last_year
                        )),
                        status_cell(x),
                        cell(dutch_timestamp(x.updated_at, false)),
                        cell(x.updated_by.clone()),
                    ]
                })
                .collect(),
            empty: "Er is nog geen scenario.".into(),
        },
    );
    if scenarios.len() >= 2 {
        page.actions
            .push(link("/prognoses/vergelijking", "Scenario's vergelijken"));
    }
    if u.user.role == Role::Beleidsadviseur {
        page.actions
            .insert(0, link("/prognoses/scenarios/nieuw", "Nieuw scenario"));
        page.forms
            .push(upload_form(typed.unwrap_or(&PopulationInput::default())));
    }
    Ok(page)
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    list_page(&s, &u, q.melding.as_deref(), None).await
}

async fn load(State(s): State<AppState>, u: PageUser, form: Multipart) -> PageResult<Response> {
    let (typed, result) = match super::budget::read_upload(form, "de hele bevolkingsprognose").await
    {
        Ok((f, file)) => {
            let input = PopulationInput {
                name: f.get("naam"),
                source: f.get("bron"),
                csv: file
                    .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
                    .unwrap_or_default(),
            };
            let result = s.services.load_population(&u.ctx, &input).await;
            (input, result)
        }
        Err(e) => (PopulationInput::default(), Err(e)),
    };
    match result {
        Ok(p) => Ok(done(
            &format!("/prognoses/bevolking/{}", p.id),
            "bevolkingsprognose-geladen",
        )),
        Err(e @ DomainError::Invalid(_)) => {
            let typed = PopulationInput {
                csv: String::new(),
                ..typed
            };
            let page = list_page(&s, &u, None, Some(&typed)).await?;
            Ok(failed_at(page, "laden", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn show(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    let (head, data) = s.services.population(&u.ctx, id).await?;
    let names = Names::load(&s, &u).await?;
    let l = Layout::new(&s, &u, "Bevolkingsprognose", Section::Forecasts)
        .await
        .with_notice(q.melding.as_deref())
        .with_breadcrumbs(vec![link("/prognoses", "Prognoses")]);
    let (first, last) = head.years;
    let mut page = DetailPage::new(l, head.name.clone())
        .fact("Bron", head.source.clone())
        .fact("Jaren", format!("{first}–{last}"))
        .fact("Geladen", dutch_timestamp(head.uploaded_at, false))
        .fact("Geladen door", head.uploaded_by.clone());
    let mut codes: Vec<_> = data.rows.keys().map(|(g, _, _)| g.clone()).collect();
    codes.dedup();
    let (from_label, to_label) = (format!("#{first}"), format!("#{last}"));
    page.tables.push(Table {
        caption: format!("Inwoners per gemeente in {first} en {last}"),
        columns: columns(&["Gemeente", "Leeftijdsklasse", &from_label, &to_label]),
        rows: codes
            .iter()
            .flat_map(|g| {
                let name = names.town(Some(g.as_str()));
                data.bands(g)
                    .into_iter()
                    .map(|b| {
                        vec![
                            cell(name.clone()),
                            cell(b.label()),
                            num_cell(
                                i64::try_from(data.residents(g, first, &b)).unwrap_or(i64::MAX),
                            ),
                            num_cell(
                                i64::try_from(data.residents(g, last, &b)).unwrap_or(i64::MAX),
                            ),
                        ]
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        empty: "De prognose bevat geen regels.".into(),
    });
    Ok(page)
}

// ---- scenarios -----------------------------------------------------------------

fn status_cell(x: &Scenario) -> Cell {
    match x.published_at {
        Some(at) => badge_cell(format!("Gepubliceerd {}", dutch_timestamp(at, false)), "ok"),
        None => badge_cell("Concept", "muted"),
    }
}

/// A number of persons or places with one decimal, as a Dutch reader
/// writes it.
fn decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn dec_cell(x: f64) -> Cell {
    Cell {
        numeric: true,
        ..cell(decimal(x))
    }
}

/// A count that may be hidden as a small number.
fn small_cell(x: Option<f64>, threshold: u64) -> Cell {
    match x {
        Some(x) => dec_cell(x),
        None => Cell {
            numeric: true,
            ..cell(format!("<{threshold}"))
        },
    }
}

fn euro_cell(x: Option<f64>) -> Cell {
    Cell {
        numeric: true,
        ..cell(x.map_or_else(
            || "–".into(),
            |x| Bedrag((x * 100.0).round() as i64).to_string(),
        ))
    }
}

/// The names the pages show: municipalities and products (a category by
/// its label).
struct Names {
    municipality: HashMap<String, String>,
    product: HashMap<String, String>,
}

impl Names {
    async fn load(s: &AppState, u: &PageUser) -> PageResult<Names> {
        let municipality = s
            .services
            .list_municipalities(&u.ctx)
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name))
            .collect();
        let mut product: HashMap<String, String> = s
            .services
            .list_products(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.code, p.name))
            .collect();
        for c in zothuis_domain::reference::ProductCategorie::ALL {
            product.insert(
                c.code().to_string(),
                format!("{} (alle producten)", c.label()),
            );
        }
        Ok(Names {
            municipality,
            product,
        })
    }

    fn town(&self, code: Option<&str>) -> String {
        match code {
            None => "Regio".into(),
            Some(c) => self
                .municipality
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string()),
        }
    }

    fn product(&self, code: &str) -> String {
        self.product
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

fn scenario_fields(typed: &ScenarioInput, populations: &[(String, String)]) -> Vec<Field> {
    vec![
        Field::text("naam", "Naam", typed.name.clone()).required(),
        Field::textarea("toelichting", "Toelichting", typed.description.clone())
            .hint("Waarom dit scenario, en waar de aannames vandaan komen."),
        Field::select(
            "bevolkingsprognose",
            "Bevolkingsprognose",
            &typed.population_id,
            populations.to_vec(),
        )
        .required(),
        Field::number("basisjaar", "Basisjaar", typed.base_year.clone())
            .required()
            .hint("Het laatste hele jaar historie; de prognose begint op 1 januari daarna. Het basisjaar zelf staat erbij zoals het was."),
        Field::number("jarenHistorie", "Jaren historie", typed.window_years.clone())
            .required()
            .hint("Uit zoveel jaren vóór de basisdag komen de instroomkansen en verblijfsduren."),
        Field::number("totJaar", "Tot en met jaar", typed.last_year.clone()).required(),
        Field::number("jarenTerugtoets", "Jaren terugtoets", typed.backtest_years.clone())
            .hint("Het model zoveel jaar eerder gestart, zonder de aannames hieronder, tegen wat er werkelijk gebeurde (0: geen)."),
        Field::number("minimumVerblijven", "Minimum aantal verblijven", typed.min_spells.clone())
            .hint("Een gemeente met minder verblijven in de historie rekent met de verblijfsduur van de regio."),
        Field::textarea("verschuivingen", "Verschuivingen van instroom", typed.shifts.clone())
            .hint("Eén per regel: van;naar;procent per jaar. BW-INT;BT;5 betekent: elk jaar 5 % van de instroom in BW-INT meer naar BT."),
        Field::textarea("uitstroom", "Uitstroom sneller of langzamer", typed.outflow.clone())
            .hint("Eén per regel: product;procent. BW-INT;10 betekent: elke maand 10 % meer kans op vertrek dan waargenomen (bijvoorbeeld door meer woningen)."),
        Field::textarea("plaatsen", "Plaatsen erbij of eraf", typed.places.clone())
            .hint("Eén per regel: gemeentecode;product;vanaf;plaatsen, bijvoorbeeld GM0392;BW-INT;2027-01-01;12 (negatief: plaatsen sluiten)."),
        Field::textarea("verblijfsduur", "Gemiddelde verblijfsduur (aanname)", typed.stay_months.clone())
            .hint("Eén per regel: product;maanden, bijvoorbeeld BW-INT;30. Geldt waar de regio minder afgeronde verblijven kent dan het minimum hierboven: een korte historie kent lange verblijven nog niet."),
    ]
}

async fn population_options(s: &AppState, u: &PageUser) -> PageResult<Vec<(String, String)>> {
    let mut options = vec![(String::new(), "Kies…".to_string())];
    options.extend(s.services.populations(&u.ctx).await?.into_iter().map(|p| {
        (
            p.id.to_string(),
            format!("{} ({}–{})", p.name, p.years.0, p.years.1),
        )
    }));
    Ok(options)
}

fn input_of(f: &FormData) -> ScenarioInput {
    ScenarioInput {
        name: f.get("naam"),
        description: f.get("toelichting"),
        population_id: f.get("bevolkingsprognose"),
        base_year: f.get("basisjaar"),
        window_years: f.get("jarenHistorie"),
        last_year: f.get("totJaar"),
        backtest_years: f.get("jarenTerugtoets"),
        min_spells: f.get("minimumVerblijven"),
        shifts: f.get("verschuivingen"),
        outflow: f.get("uitstroom"),
        places: f.get("plaatsen"),
        stay_months: f.get("verblijfsduur"),
    }
}

async fn form_page(
    s: &AppState,
    u: &PageUser,
    existing: Option<&Scenario>,
    typed: &ScenarioInput,
) -> PageResult<DetailPage> {
    let title = if existing.is_some() {
        "Scenario wijzigen"
    } else {
        "Nieuw scenario"
    };
    let l = Layout::new(s, u, title, Section::Forecasts)
        .await
        .with_breadcrumbs(vec![link("/prognoses", "Prognoses")]);
    let mut page = DetailPage::new(l, title);
    page.intro = Some(
        "Een scenario legt de aannames van de regio vast. De prognose rekent per gemeente en product met de instroom per leeftijdsklasse, \
         de verblijfsduur en de mensen in zorg die zothuis kent, en met de bevolkingsprognose."
            .into(),
    );
    let options = population_options(s, u).await?;
    let form = match existing {
        Some(x) => FormBlock::post(
            format!("/prognoses/scenarios/{}", x.id),
            "Opslaan",
            scenario_fields(typed, &options),
        )
        .version(x.version)
        .cancel(format!("/prognoses/scenarios/{}", x.id)),
        None => FormBlock::post(
            "/prognoses/scenarios",
            "Maken",
            scenario_fields(typed, &options),
        )
        .cancel("/prognoses"),
    };
    page.forms.push(form.heading("Aannames").anchor("scenario"));
    Ok(page)
}

async fn new_form(State(s): State<AppState>, u: PageUser) -> PageResult<DetailPage> {
    let defaults = s.services.scenario_defaults(&u.ctx).await?;
    form_page(&s, &u, None, &defaults).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let typed = input_of(&f);
    match s.services.create_scenario(&u.ctx, &typed).await {
        Ok(x) => Ok(done(
            &format!("/prognoses/scenarios/{}", x.id),
            "scenario-opgeslagen",
        )),
        Err(e @ DomainError::Invalid(_)) => {
            let page = form_page(&s, &u, None, &typed).await?;
            Ok(failed_at(page, "scenario", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn edit_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<DetailPage> {
    let x = s.services.scenario_to_change(&u.ctx, id).await?;
    form_page(&s, &u, Some(&x), &ScenarioInput::of(&x)).await
}

async fn update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let typed = input_of(&f);
    match s
        .services
        .update_scenario(&u.ctx, id, f.version(), &typed)
        .await
    {
        Ok(x) => Ok(done(
            &format!("/prognoses/scenarios/{}", x.id),
            "scenario-opgeslagen",
        )),
        Err(
            e @ (DomainError::Invalid(_) | DomainError::StaleVersion(_) | DomainError::Conflict(_)),
        ) => {
            let x = s.services.scenario_to_change(&u.ctx, id).await?;
            let page = form_page(&s, &u, Some(&x), &typed).await?;
            Ok(failed_at(page, "scenario", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn copy(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    _f: FormData,
) -> PageResult<Response> {
    let x = s.services.copy_scenario(&u.ctx, id).await?;
    Ok(done(
        &format!("/prognoses/scenarios/{}", x.id),
        "scenario-gekopieerd",
    ))
}

async fn publish(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    match s.services.publish_scenario(&u.ctx, id, f.version()).await {
        Ok(x) => Ok(done(
            &format!("/prognoses/scenarios/{}", x.id),
            "scenario-gepubliceerd",
        )),
        Err(e @ (DomainError::StaleVersion(_) | DomainError::Conflict(_))) => {
            let page = scenario_page(&s, &u, id, None).await?;
            Ok(failed_at(page, "publiceren", e, StatusCode::CONFLICT))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The assumptions in plain Dutch, beside the result.
fn assumptions(v: &ScenarioView, names: &Names) -> Vec<(String, String)> {
    let a = &v.scenario.assumptions;
    let (p0, p1) = v.forecast.population_years;
    let mut out = vec![
        (
            "Basisjaar".to_string(),
            format!(
                "{}: geteld zoals het was; de prognose loopt van 1 januari {} tot en met {}",
                a.base_year,
                a.base_year + 1,
                a.last_year
            ),
        ),
        (
            "Historie".into(),
            format!(
                "instroom en verblijfsduur uit {} tot en met {} ({} jaar), zoals bekend op {}",
                a.base_year + 1 - a.window_years as i32,
                a.base_year,
                a.window_years,
                dutch_timestamp(v.known_at, false)
            ),
        ),
        (
            "Bevolking".into(),
            format!(
                "{} ({}; {p0}–{p1}, een jaar daarbuiten rekent met het dichtstbijzijnde jaar)",
                v.population.name, v.population.source
            ),
        ),
        (
            "Verblijfsduur".into(),
            format!(
                "per gemeente waargenomen (Kaplan–Meier, lopende verblijven tellen mee tot de basisdag); bij minder dan {} verblijven die van de regio",
                a.min_spells
            ),
        ),
    ];
    for x in &a.shifts {
        out.push((
            "Verschuiving".into(),
            format!(
                "elk jaar {} % van de instroom in {} meer naar {}",
                decimal(x.percent_per_year).trim_end_matches(",0"),
                names.product(&x.from),
                names.product(&x.to)
            ),
        ));
    }
    for x in &a.outflow {
        out.push((
            "Uitstroom".into(),
            format!(
                "{}: {} % {} kans op vertrek per maand dan waargenomen",
                names.product(&x.product),
                decimal(x.percent.abs()).trim_end_matches(",0"),
                if x.percent >= 0.0 { "meer" } else { "minder" }
            ),
        ));
    }
    for x in &a.places {
        out.push((
            "Plaatsen".into(),
            format!(
                "{} {}: {} plaatsen vanaf {}",
                names.town(Some(&x.gemeente)),
                names.product(&x.product),
                x.places,
                zothuis_domain::dates::dutch_long(x.from)
            ),
        ));
    }
    for x in &a.stay_months {
        out.push((
            "Verblijfsduur (aanname)".into(),
            format!(
                "{}: gemiddeld {} maanden waar de regio minder dan {} afgeronde verblijven kent",
                names.product(&x.product),
                decimal(x.months).trim_end_matches(",0"),
                a.min_spells
            ),
        ));
    }
    out.push((
        "Kosten".into(),
        if v.forecast.priced {
            "gemiddeld tarief per dag van wie op de basisdag in zorg is (anders dat van de regio), zonder indexatie".into()
        } else {
            "geen tarieven vastgelegd: de kosten blijven weg".into()
        },
    ));
    out
}

/// The cells of the region per product (not categories), in order.
fn region_products(f: &Forecast) -> Vec<&ForecastCell> {
    f.cells
        .iter()
        .filter(|c| c.gemeente.is_none() && !c.category)
        .collect()
}

async fn scenario_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
) -> PageResult<DetailPage> {
    let v = s.services.scenario(&u.ctx, id).await?;
    let names = Names::load(s, u).await?;
    let threshold = s.services.settings.small_numbers;
    let l = Layout::new(s, u, "Scenario", Section::Forecasts)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/prognoses", "Prognoses")]);
    let x = &v.scenario;
    let a = &x.assumptions;
    let mut page = DetailPage::new(l, x.name.clone());
    if !x.description.is_empty() {
        page.intro = Some(x.description.clone());
    }
    page.facts.push((
        "Status".into(),
        match (x.published_at, &x.published_by) {
            (Some(at), Some(by)) => format!(
                "gepubliceerd op {} door {by}; de prognose is die van toen",
                dutch_timestamp(at, false)
            ),
            _ => "concept: de prognose rekent met de historie zoals nu bekend".into(),
        },
    ));
    page.facts.push((
        "Gemaakt".into(),
        format!(
            "{} door {}",
            dutch_timestamp(x.created_at, false),
            x.created_by
        ),
    ));
    page.facts.push((
        "Gewijzigd".into(),
        format!(
            "{} door {}",
            dutch_timestamp(x.updated_at, false),
            x.updated_by
        ),
    ));
    page.facts.extend(assumptions(&v, &names));
    page.actions.push(link(
        format!("/prognoses/scenarios/{id}/export?formaat=csv"),
        "CSV",
    ));
    page.actions.push(link(
        format!("/prognoses/scenarios/{id}/export?formaat=xlsx"),
        "Excel",
    ));
    let officer = u.user.role == Role::Beleidsadviseur;
    if officer && x.published_at.is_none() {
        page.actions.insert(
            0,
            link(format!("/prognoses/scenarios/{id}/wijzigen"), "Wijzigen"),
        );
    }
    let f = &v.forecast;
    let years: Vec<i32> = (a.base_year + 1..=a.last_year).collect();
    // The chart: the region's persons per month per product, and places.
    let labels: Vec<String> = std::iter::once(a.base_year)
        .chain(years.iter().copied())
        .map(|y| y.to_string())
        .collect();
    let products = region_products(f);
    let series: Vec<Series> = products
        .iter()
        .filter(|c| c.years.iter().any(|y| y.persons > 0.0))
        .take(4)
        .map(|c| Series {
            name: names.product(&c.product),
            values: std::iter::once(c.actual)
                .chain(c.years.iter().map(|y| Some(y.persons)))
                .collect(),
        })
        .collect();
    let chart_caption = format!(
        "Personen per maand in de regio per product, {} geteld en {}–{} geprognosticeerd",
        a.base_year,
        a.base_year + 1,
        a.last_year
    );
    page.charts
        .push(line_chart("prognose", &chart_caption, &labels, &series));
    // The table of the done-when: per municipality, the base year and the
    // last year, places and the gap.
    let last = a.last_year;
    for category in f
        .cells
        .iter()
        .filter(|c| c.gemeente.is_none() && c.category)
    {
        let rows: Vec<&ForecastCell> = f
            .cells
            .iter()
            .filter(|c| c.category && c.product == category.product && c.gemeente.is_some())
            .chain(std::iter::once(category))
            .collect();
        page.tables.push(Table {
            caption: format!(
                "{} per gemeente: personen per maand {} en {last}, plaatsen en tekort in {last}",
                names.product(&category.product),
                a.base_year
            ),
            columns: columns(&[
                "Gemeente",
                &format!("#{} (geteld)", a.base_year),
                &format!("#{last} (prognose)"),
                &format!("#Plaatsen {last}"),
                &format!("#Tekort {last}"),
            ]),
            rows: rows
                .iter()
                .map(|c| {
                    let y = c.year(last);
                    let persons = y.map_or(0.0, |y| y.persons);
                    let places = y.map_or(0.0, |y| y.places);
                    vec![
                        cell(names.town(c.gemeente.as_deref())),
                        small_cell(c.actual, threshold),
                        dec_cell(persons),
                        dec_cell(places),
                        dec_cell((persons - places).max(0.0)),
                    ]
                })
                .collect(),
            empty: "Geen gegevens.".into(),
        });
    }
    // Per product, the region year by year with the gap and cost.
    for c in &products {
        page.tables.push(Table {
            caption: format!("{} in de regio per jaar", names.product(&c.product)),
            columns: columns(&[
                "Jaar",
                "#Personen per maand",
                "#Instroom",
                "#Uitstroom",
                "#Plaatsen",
                "#Tekort",
                "#Kosten",
            ]),
            rows: c
                .years
                .iter()
                .map(|y| {
                    vec![
                        cell(y.year.to_string()),
                        dec_cell(y.persons),
                        dec_cell(y.inflow),
                        dec_cell(y.outflow),
                        dec_cell(y.places),
                        dec_cell((y.persons - y.places).max(0.0)),
                        euro_cell(y.cost),
                    ]
                })
                .collect(),
            empty: "Geen jaren.".into(),
        });
    }
    // The back-test.
    if a.backtest_years > 0 {
        page.tables.push(Table {
            caption: format!(
                "Terugtoets: het model gestart op 1 januari {}, zonder de aannames van het scenario, tegen wat er werkelijk was (regio)",
                a.base_year + 1 - a.backtest_years as i32
            ),
            columns: columns(&["Product", "Jaar", "#Voorspeld", "#Werkelijk", "#Verschil", "#Fout"]),
            rows: products
                .iter()
                .flat_map(|c| {
                    c.backtest.iter().map(|b| {
                        let (diff, pct) = match b.actual {
                            Some(w) if w > 0.0 => (
                                dec_cell(b.predicted - w),
                                cell(format!("{} %", decimal((b.predicted - w) / w * 100.0))),
                            ),
                            _ => (cell("–"), cell("–")),
                        };
                        vec![
                            cell(names.product(&c.product)),
                            cell(b.year.to_string()),
                            dec_cell(b.predicted),
                            small_cell(b.actual, threshold),
                            diff,
                            pct,
                        ]
                    })
                })
                .collect(),
            empty: "Geen terugtoets.".into(),
        });
    }
    // What every number rests on, per municipality and product.
    page.tables.push(Table {
        caption: "Waar de prognose op rust, per gemeente en product".into(),
        columns: columns(&[
            "Gemeente",
            "Product",
            "#Starts in de historie",
            "Instroomkans per 10 000 inwoners per jaar",
            "#Gemiddelde verblijfsduur (maanden)",
            "Verblijfsduur van",
            "Vertrokken naar",
            "#In zorg op de basisdag",
            "#Kosten per dag",
        ]),
        rows: f
            .cells
            .iter()
            .filter(|c| c.gemeente.is_some() && !c.category)
            .map(|c| {
                let count = |n: Option<u32>| match n {
                    Some(n) => num_cell(i64::from(n)),
                    None => Cell {
                        numeric: true,
                        ..cell(format!("<{threshold}"))
                    },
                };
                vec![
                    cell(names.town(c.gemeente.as_deref())),
                    cell(names.product(&c.product)),
                    count(c.starts),
                    cell(
                        c.rates
                            .iter()
                            .map(|r| {
                                format!(
                                    "{}: {}",
                                    r.band,
                                    r.per_10000.map_or_else(
                                        || format!("<{threshold} starts"),
                                        |x| format!("{x:.2}").replace('.', ",")
                                    )
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    c.mean_months.map_or_else(|| cell("–"), dec_cell),
                    cell(match c.survival_from.as_str() {
                        "gemeente" => "de gemeente".to_string(),
                        "regio" => "de regio".to_string(),
                        "aanname" => "de aanname".to_string(),
                        "geen" => "niet waargenomen: niemand vertrekt".to_string(),
                        other => names.product(other),
                    }),
                    cell(if c.destinations.is_empty() {
                        "–".to_string()
                    } else {
                        c.destinations
                            .iter()
                            .map(|d| {
                                format!(
                                    "{}: {}",
                                    d.label,
                                    d.count
                                        .map_or_else(|| format!("<{threshold}"), |n| n.to_string())
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                    count(c.stock),
                    euro_cell(c.day_cost),
                ]
            })
            .collect(),
        empty: "De regio heeft geen historie of plaatsen.".into(),
    });
    if officer {
        page.forms.push(
            FormBlock::post(
                format!("/prognoses/scenarios/{id}/kopie"),
                "Kopiëren",
                Vec::new(),
            )
            .heading("Kopie maken om verder te werken")
            .anchor("kopie"),
        );
        if x.published_at.is_none() {
            page.forms.push(
                FormBlock::post(
                    format!("/prognoses/scenarios/{id}/publiceren"),
                    "Publiceren",
                    Vec::new(),
                )
                .version(x.version)
                .heading("Publiceren: de prognose wordt bewaard zoals nu berekend, het scenario verandert niet meer")
                .anchor("publiceren"),
            );
        }
    }
    Ok(page)
}

async fn view(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    scenario_page(&s, &u, id, q.melding.as_deref()).await
}

#[derive(Debug, Deserialize)]
struct ExportQuery {
    formaat: Option<String>,
}

/// The forecast as one table: every municipality (and the region) ×
/// product (and category) × year.
fn export_table(v: &ScenarioView, names: &Names, threshold: u64) -> ExportTable {
    let a = &v.scenario.assumptions;
    let text = |s: String| ExportCell::Text(s);
    let count =
        |x: Option<f64>| x.map_or_else(|| text(format!("<{threshold}")), ExportCell::Number);
    let round = |x: f64| ExportCell::Number((x * 10.0).round() / 10.0);
    let mut rows = Vec::new();
    for c in &v.forecast.cells {
        let head = || {
            vec![
                text(c.gemeente.clone().unwrap_or_else(|| "regio".into())),
                text(names.town(c.gemeente.as_deref())),
                text(c.product.clone()),
                text(names.product(&c.product)),
            ]
        };
        let mut base = head();
        base.extend([
            ExportCell::Number(f64::from(a.base_year)),
            text("geteld".into()),
            count(c.actual),
            text(String::new()),
            text(String::new()),
            text(String::new()),
            text(String::new()),
        ]);
        rows.push(base);
        for y in &c.years {
            let mut row = head();
            row.extend([
                ExportCell::Number(f64::from(y.year)),
                text("prognose".into()),
                round(y.persons),
                round(y.inflow),
                round(y.outflow),
                round(y.places),
                y.cost.map_or_else(
                    || text(String::new()),
                    |c| ExportCell::Cents((c * 100.0).round() as i64),
                ),
            ]);
            rows.push(row);
        }
    }
    ExportTable {
        title: "Prognose".into(),
        header: [
            "Gemeentecode",
            "Gemeente",
            "Productcode",
            "Product",
            "Jaar",
            "Soort",
            "Personen per maand",
            "Instroom",
            "Uitstroom",
            "Plaatsen",
            "Kosten",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        notes: vec![
            format!("Scenario: {}", v.scenario.name),
            format!(
                "Historie zoals bekend op {}; bevolking: {} ({})",
                dutch_timestamp(v.known_at, false),
                v.population.name,
                v.population.source
            ),
            "Personen per maand: het gemiddelde van de 12 maandeinden. Kosten in euro, zonder indexatie.".into(),
            format!("Aantallen onder {threshold} zijn verborgen."),
        ],
    }
}

async fn export(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    let v = s.services.scenario(&u.ctx, id).await?;
    let names = Names::load(&s, &u).await?;
    let table = export_table(&v, &names, s.services.settings.small_numbers);
    match q.formaat.as_deref() {
        None | Some("csv") => Ok(attachment(
            CSV,
            &format!("prognose-{id}.csv"),
            to_csv(&table),
        )),
        Some("xlsx") => {
            let body = to_xlsx(&table).map_err(|e| PageError(DomainError::Internal(e)))?;
            Ok(attachment(XLSX, &format!("prognose-{id}.xlsx"), body))
        }
        Some(_) => Err(PageError(DomainError::invalid(
            "formaat",
            "kies csv of xlsx",
        ))),
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
    product: Option<String>,
    jaar: Option<String>,
}

/// Two scenarios side by side: per municipality the base year counted and
/// a chosen year forecast, with places and the gap, for a product or a
/// category (the table the seeds quote from ABF: "beschermd wonen per
/// gemeente, personen per maand, 2023 en 2040").
async fn compare(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<CompareQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    let scenarios = s.services.scenarios(&u.ctx).await?;
    let names = Names::load(&s, &u).await?;
    let threshold = s.services.settings.small_numbers;
    let l = Layout::new(&s, &u, "Scenario's vergelijken", Section::Forecasts)
        .await
        .with_breadcrumbs(vec![link("/prognoses", "Prognoses")]);
    let mut page = DetailPage::new(l, "Scenario's vergelijken");
    let pick = |v: &Option<String>, n: usize| {
        v.clone()
            .filter(|x| !x.is_empty())
            .or_else(|| scenarios.get(n).map(|x| x.id.to_string()))
            .unwrap_or_default()
    };
    let (a_id, b_id) = (pick(&q.a, 1), pick(&q.b, 0));
    let options: Vec<(String, String)> = scenarios
        .iter()
        .map(|x| (x.id.to_string(), x.name.clone()))
        .collect();
    let mut product_options: Vec<(String, String)> = names
        .product
        .iter()
        .map(|(c, n)| (c.clone(), n.clone()))
        .collect();
    product_options.sort_by(|x, y| x.1.cmp(&y.1));
    let product = q
        .product
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| {
            zothuis_domain::reference::ProductCategorie::BeschermdWonen
                .code()
                .to_string()
        });
    let mut errors = Vec::new();
    let mut views = Vec::new();
    for (field, id) in [("a", &a_id), ("b", &b_id)] {
        match id.parse::<i64>() {
            Ok(id) => views.push(s.services.scenario(&u.ctx, id).await?),
            Err(_) if id.is_empty() => {}
            Err(_) => errors.push(FieldError::new(field, "kies een scenario")),
        }
    }
    let year: Option<i32> = match q.jaar.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
        None => views.first().map(|v| v.scenario.assumptions.last_year),
        Some(j) => match j.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                errors.push(FieldError::new("jaar", "een jaartal, bijvoorbeeld 2040"));
                None
            }
        },
    };
    page.forms.push(
        FormBlock::get(
            "/prognoses/vergelijking",
            "Vergelijken",
            vec![
                Field::select("a", "Scenario A", &a_id, options.clone()),
                Field::select("b", "Scenario B", &b_id, options),
                Field::select("product", "Product", &product, product_options),
                Field::number(
                    "jaar",
                    "Jaar",
                    year.map(|y| y.to_string()).unwrap_or_default(),
                ),
            ],
        )
        .heading("Welke scenario's")
        .anchor("vergelijken"),
    );
    if !errors.is_empty() {
        return Err(PageError(DomainError::Invalid(errors)));
    }
    let Some(year) = year else {
        return Ok(page);
    };
    let mut towns: Vec<Option<String>> = Vec::new();
    for v in &views {
        for c in v.forecast.cells.iter().filter(|c| c.product == product) {
            if c.gemeente.is_some() && !towns.contains(&c.gemeente) {
                towns.push(c.gemeente.clone());
            }
        }
    }
    towns.sort_by_key(|t| names.town(t.as_deref()));
    towns.push(None);
    let mut header = vec!["Gemeente".to_string()];
    for v in &views {
        let n = &v.scenario.name;
        let base = v.scenario.assumptions.base_year;
        header.push(format!("#{n}: {base} (geteld)"));
        header.push(format!("#{n}: {year}"));
        header.push(format!("#{n}: tekort {year}"));
    }
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    page.tables.push(Table {
        caption: format!(
            "{}: personen per maand per gemeente, en het tekort aan plaatsen",
            names.product(&product)
        ),
        columns: columns(&refs),
        rows: towns
            .iter()
            .map(|t| {
                let mut row = vec![cell(names.town(t.as_deref()))];
                for v in &views {
                    let c = v.forecast.cell(t.as_deref(), &product);
                    let y = c.and_then(|c| c.year(year));
                    row.push(small_cell(c.and_then(|c| c.actual), threshold));
                    row.push(y.map_or_else(|| cell("–"), |y| dec_cell(y.persons)));
                    row.push(
                        y.map_or_else(|| cell("–"), |y| dec_cell((y.persons - y.places).max(0.0))),
                    );
                }
                row
            })
            .collect(),
        empty: "Geen gegevens voor dit product.".into(),
    });
    Ok(page)
}
