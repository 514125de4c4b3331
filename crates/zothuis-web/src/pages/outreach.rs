//! Pages of zorgcoördinatie (bemoeizorg): the outreach team's trajectories,
//! a first melding that opens a trajectory (for a new person or one the team
//! knows), and one trajectory with its meldingen, its versions and the
//! person's other trajectories, where further meldingen are added and the
//! trajectory is corrected or closed. Only the region's team sees any of it;
//! the services refuse (and audit) everyone else.

use super::choices::Municipalities;
use super::*;
use axum::extract::State;
use axum::routing::{get, post};
use zothuis_domain::outreach::service::{TrajectoryFilter, TrajectoryHistory};
use zothuis_domain::outreach::*;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::GemeenteCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/zorgcoordinatie", get(list))
        .route("/zorgcoordinatie/nieuw", get(new_form).post(create))
        .route("/zorgcoordinatie/{id}", get(detail).post(change))
        .route("/zorgcoordinatie/{id}/melding", post(add_report))
        .route("/zorgcoordinatie/{id}/intrekken", post(retract_report))
}

const UNKNOWN_PERSON: &str =
    "Deze persoon is bij het team zorgcoördinatie van uw regio niet bekend";

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Outreach)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/zorgcoordinatie", "Zorgcoördinatie")])
}

/// The page is the team's own: anyone else gets the refusal before a form
/// they could not use (the services refuse, and audit, every read and
/// change).
async fn require_team(s: &AppState, u: &PageUser) -> PageResult<()> {
    let region_id = s.services.own_region(&u.ctx).await?.unwrap_or(-1);
    require(u, Action::ManageOutreach { region_id })
}

// ---- query parameters -------------------------------------------------------------

/// A person the team knows, by the id that groups their trajectories; a
/// malformed id is "not known".
fn person_param(v: &Option<String>) -> PageResult<Option<i64>> {
    match filled(v) {
        None => Ok(None),
        Some(p) => match p.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(PageError(DomainError::NotFound(UNKNOWN_PERSON.into()))),
        },
    }
}

/// The "alleen open" checkbox: `ja` when ticked.
fn open_param(v: &Option<String>) -> PageResult<bool> {
    yes_param("open", "alleen open trajecten", v)
}

// ---- names and texts -------------------------------------------------------------

fn closed_text(f: &TrajectoryFacts) -> String {
    f.closed_on
        .map(dutch_long)
        .unwrap_or_else(|| "loopt nog".into())
}

fn outcome_text(f: &TrajectoryFacts) -> String {
    or_dash(f.outcome.map(|o| o.label().to_string()))
}

fn status_text(f: &TrajectoryFacts) -> String {
    match (f.closed_on, f.outcome) {
        (Some(c), Some(o)) => format!("Afgesloten op {} ({})", dutch_long(c), o.label()),
        (Some(c), None) => format!("Afgesloten op {}", dutch_long(c)),
        (None, _) => format!("Open sinds {}", dutch_long(f.started_on)),
    }
}

/// A row of a list of trajectories: the person links to the trajectory.
fn trajectory_cells(t: &Trajectory, m: &Municipalities) -> Vec<Cell> {
    let f = &t.facts;
    vec![
        link_cell(f.person.clone(), format!("/zorgcoordinatie/{}", t.id)),
        cell(m.name(&f.municipality)),
        date_cell(f.started_on),
        match f.closed_on {
            Some(c) => date_cell(c),
            None => badge_cell("loopt nog", "ok"),
        },
        cell(outcome_text(f)),
    ]
}

const LIST_COLUMNS: [&str; 5] = ["Persoon", "Gemeente", "Gestart", "Afgesloten", "Uitkomst"];

// ---- the list ---------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    open: Option<String>,
    gemeente: Option<String>,
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    pagina: Option<String>,
    melding: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let open_only = open_param(&q.open)?;
    let municipality = filled(&q.gemeente).unwrap_or_default().to_string();
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let filter = TrajectoryFilter {
        open_only,
        municipality: Some(municipality.clone()).filter(|m| !m.is_empty()),
        person_id: None,
    };
    let page = s
        .services
        .list_trajectories(
            &u.ctx,
            &filter,
            k,
            PageRequest::new(page_param(&q.pagina)?, Some(50)),
        )
        .await?;
    let m = Municipalities::load(&s, &u).await?;
    let rows = page.items.iter().map(|t| trajectory_cells(t, &m)).collect();
    let filters = FormBlock::get(
        "/zorgcoordinatie",
        "Tonen",
        vec![
            Field::checkbox("open", "Alleen open trajecten", open_only),
            Field::select(
                "gemeente",
                "Gemeente",
                &municipality,
                m.options("Alle gemeenten van de regio", &municipality),
            ),
            Field::date(
                "bekendOp",
                "Zoals bekend op",
                q.bekend_op.clone().unwrap_or_default(),
            )
            .hint("Leeg laten voor het register zoals het nu is."),
        ],
    )
    .anchor("filters");
    let intro = match k {
        None => "Meldingen over mensen die zelf geen zorg zoeken, gebundeld per traject: open trajecten eerst, dan de laatst gestarte. Alleen het team zorgcoördinatie van de regio ziet dit register; leg van de persoon niet meer vast dan nodig is om hem of haar te herkennen.".to_string(),
        Some(k) => known_intro(k, "het register", "Latere meldingen en correcties"),
    };
    let bekend_op = filled(&q.bekend_op).map(str::to_string);
    Ok(TablePage {
        layout: layout(&s, &u, "Zorgcoördinatie", q.melding.as_deref()).await,
        heading: "Zorgcoördinatie".into(),
        intro: Some(intro),
        actions: vec![link("/zorgcoordinatie/nieuw", "Nieuwe melding")],
        filters: Some(filters),
        table: Table {
            caption: format!(
                "{} {}{}",
                page.total,
                match (page.total, open_only) {
                    (1, true) => "open traject",
                    (1, false) => "traject",
                    (_, true) => "open trajecten",
                    (_, false) => "trajecten",
                },
                if municipality.is_empty() {
                    String::new()
                } else {
                    format!(
                        " in {}",
                        GemeenteCode::parse(&municipality)
                            .map(|c| m.name(&c))
                            .unwrap_or_else(|_| municipality.clone())
                    )
                }
            ),
            columns: columns(&LIST_COLUMNS),
            rows,
            empty: "Geen trajecten met deze filters.".into(),
        },
        pager: Some(Pager::of(&page, "trajecten", |n| {
            let mut pairs = vec![("pagina", n.to_string())];
            if open_only {
                pairs.push(("open", "ja".into()));
            }
            if !municipality.is_empty() {
                pairs.push(("gemeente", municipality.clone()));
            }
            if let Some(b) = &bekend_op {
                pairs.push(("bekendOp", b.clone()));
            }
            format!(
                "/zorgcoordinatie?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })),
    })
}

// ---- forms ----------------------------------------------------------------------------

const PERSON_HINT: &str = "Houd het bij het minimum om de persoon te herkennen: initialen of een korte omschrijving, zoals ‘man, ca. 50, slaapt in het park’. Geen diagnose of verhaal.";

fn source_options() -> Vec<(String, String)> {
    choices(
        "— kies van wie de melding komt —",
        ReportSource::ALL.iter().map(|r| (r.code(), r.label())),
    )
}

/// A melding's fields; `date_hint` says what its date means here.
fn report_fields(input: &ReportInput, date_hint: &str) -> Vec<Field> {
    vec![
        Field::date("meldingsdatum", "Meldingsdatum", &input.reported_on)
            .hint(date_hint)
            .required(),
        Field::select("bron", "Bron", &input.source, source_options())
            .hint("Van wie de melding komt.")
            .required(),
    ]
}

fn report_input(f: &FormData) -> ReportInput {
    ReportInput {
        reported_on: f.get("meldingsdatum"),
        source: f.get("bron"),
    }
}

fn trajectory_input(f: &FormData) -> TrajectoryInput {
    TrajectoryInput {
        municipality: f.get("gemeente"),
        person: f.get("persoon"),
        started_on: f.get("startdatum"),
        closed_on: f.opt("afgeslotenOp"),
        outcome: f.opt("uitkomst"),
        note: f.opt("toelichting"),
    }
}

/// The trajectory's form, filled in with what it says now.
fn as_input(t: &Trajectory) -> TrajectoryInput {
    let f = &t.facts;
    TrajectoryInput {
        municipality: f.municipality.to_string(),
        person: f.person.clone(),
        started_on: f.started_on.to_string(),
        closed_on: f.closed_on.map(|d| d.to_string()),
        outcome: f.outcome.map(|o| o.code().to_string()),
        note: f.note.clone(),
    }
}

fn trajectory_fields(input: &TrajectoryInput, m: &Municipalities) -> Vec<Field> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields: Vec<Field> = [
        Field::text("persoon", "Persoon", &input.person)
            .hint(PERSON_HINT)
            .required(),
        Field::select(
            "gemeente",
            "Gemeente",
            &input.municipality,
            m.options("— kies een gemeente —", &input.municipality),
        )
        .hint("Waar de persoon woont of verblijft: de gemeente waarvoor het traject telt.")
        .required(),
        Field::date("startdatum", "Startdatum", &input.started_on)
            .hint("De dag van de eerste melding.")
            .required(),
        Field::textarea("toelichting", "Toelichting", opt(&input.note)),
    ]
    .map(|f| f.group("Traject"))
    .into();
    fields.extend(
        [
            Field::date("afgeslotenOp", "Afgesloten op", opt(&input.closed_on))
                .hint("Leeg laten zolang het traject loopt."),
            Field::select(
                "uitkomst",
                "Uitkomst",
                input.outcome.as_deref().unwrap_or(""),
                choices(
                    "— nog niet afgesloten —",
                    TrajectoryOutcome::ALL.iter().map(|o| (o.code(), o.label())),
                ),
            )
            .hint("Hoe het traject eindigde; vul dit samen met de datum in."),
        ]
        .map(|f| f.group("Afsluiten")),
    );
    fields
}

// ---- a first melding ---------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct NewQuery {
    persoon: Option<String>,
}

/// A first melding as typed: the trajectory it opens and the melding.
struct NewInput {
    trajectory: TrajectoryInput,
    report: ReportInput,
}

fn new_input(f: &FormData) -> NewInput {
    let reported_on = f.get("meldingsdatum");
    NewInput {
        trajectory: TrajectoryInput {
            municipality: f.get("gemeente"),
            person: f.get("persoon"),
            // The first melding's day is the day the trajectory starts.
            started_on: reported_on.clone(),
            note: f.opt("toelichting"),
            ..Default::default()
        },
        report: ReportInput {
            reported_on,
            source: f.get("bron"),
        },
    }
}

/// A municipality left unchosen in the select is asked for as a choice,
/// not as a malformed gemeentecode (which the user never typed).
fn unchosen_municipality(e: DomainError, typed: &str) -> DomainError {
    match e {
        DomainError::Invalid(mut errors) if typed.trim().is_empty() => {
            for e in errors.iter_mut().filter(|e| e.field == "gemeente") {
                e.message = "kies de gemeente waar de persoon woont of verblijft".into();
            }
            DomainError::Invalid(errors)
        }
        other => other,
    }
}

/// The problems of a first melding at the fields of its form: the
/// trajectory's start date is the melding's date, so its problems are named
/// there, once.
fn first_report_errors(e: DomainError, input: &NewInput) -> DomainError {
    let errors = match unchosen_municipality(e, &input.trajectory.municipality) {
        DomainError::Invalid(errors) => errors,
        other => return other,
    };
    let report_date = errors.iter().any(|e| e.field == "meldingsdatum");
    let mut out: Vec<FieldError> = Vec::new();
    for mut e in errors {
        if e.field == "startdatum" {
            if report_date {
                continue;
            }
            e.field = "meldingsdatum".into();
        }
        if !out
            .iter()
            .any(|o| o.field == e.field && o.message == e.message)
        {
            out.push(e);
        }
    }
    DomainError::Invalid(out)
}

async fn new_page(
    s: &AppState,
    u: &PageUser,
    person_id: Option<i64>,
    input: &NewInput,
) -> PageResult<FormPage> {
    require_team(s, u).await?;
    let m = Municipalities::load(s, u).await?;
    let mut fields = vec![
        Field::text("persoon", "Persoon", &input.trajectory.person)
            .hint(PERSON_HINT)
            .required(),
        Field::select(
            "gemeente",
            "Gemeente",
            &input.trajectory.municipality,
            m.options("— kies een gemeente —", &input.trajectory.municipality),
        )
        .hint("Waar de persoon woont of verblijft: de gemeente waarvoor het traject telt.")
        .required(),
    ];
    fields.extend(report_fields(
        &input.report,
        "De dag van de melding; het traject begint op deze dag.",
    ));
    fields.push(Field::textarea(
        "toelichting",
        "Toelichting",
        input.trajectory.note.clone().unwrap_or_default(),
    ));
    let action = match person_id {
        None => "/zorgcoordinatie/nieuw".to_string(),
        Some(p) => format!("/zorgcoordinatie/nieuw?persoon={p}"),
    };
    let form = FormBlock::post(action, "Melding vastleggen", fields).cancel("/zorgcoordinatie");
    let (heading, intro) = match person_id {
        None => (
            "Nieuwe melding",
            "Een eerste melding over iemand opent een traject. Een melding over iemand met een open traject voegt u toe op de pagina van dat traject.",
        ),
        Some(_) => (
            "Nieuwe melding voor een bekende persoon",
            "Een nieuwe melding over iemand van wie het vorige traject is afgesloten, opent een nieuw traject voor dezelfde persoon. De omschrijving komt uit het laatste traject; pas haar aan als dat nodig is.",
        ),
    };
    Ok(FormPage::new(layout(s, u, heading, None).await, heading, form).intro(intro))
}

async fn new_form(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> PageResult<FormPage> {
    let q = query(q)?;
    let person_id = person_param(&q.persoon)?;
    let today = s.services.clock.today().to_string();
    let mut input = NewInput {
        trajectory: TrajectoryInput {
            started_on: today.clone(),
            ..Default::default()
        },
        report: ReportInput {
            reported_on: today,
            ..Default::default()
        },
    };
    let mut warning = None;
    if let Some(p) = person_id {
        // The person's trajectories, through the use case that checks the
        // team and audits the read.
        let known = s
            .services
            .list_trajectories(
                &u.ctx,
                &TrajectoryFilter {
                    person_id: Some(p),
                    ..Default::default()
                },
                None,
                PageRequest::everything(),
            )
            .await?
            .items;
        let latest = known
            .iter()
            .max_by_key(|t| (t.facts.started_on, t.id))
            .ok_or_else(|| PageError(DomainError::NotFound(UNKNOWN_PERSON.into())))?;
        input.trajectory.person = latest.facts.person.clone();
        input.trajectory.municipality = latest.facts.municipality.to_string();
        if let Some(open) = known.iter().find(|t| t.facts.closed_on.is_none()) {
            warning = Some(format!(
                "Deze persoon heeft een open traject, gestart op {}. Een nieuwe melding hoort bij dat traject: voeg haar toe op de pagina van het traject.",
                dutch_long(open.facts.started_on)
            ));
        }
    }
    let mut page = new_page(&s, &u, person_id, &input).await?;
    page.warning = warning;
    Ok(page)
}

async fn create(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NewQuery>, QueryRejection>,
    f: FormData,
) -> PageResult<Response> {
    let q = query(q)?;
    let person_id = person_param(&q.persoon)?;
    let input = new_input(&f);
    match s
        .services
        .open_trajectory(&u.ctx, person_id, &input.trajectory, &input.report)
        .await
    {
        Ok((t, _)) => Ok(done(
            &format!("/zorgcoordinatie/{}", t.id),
            "traject-geopend",
        )),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            Ok(new_page(&s, &u, person_id, &input)
                .await?
                .failed(first_report_errors(e, &input), None))
        }
        Err(e) => Err(PageError(e)),
    }
}

// ---- one trajectory -----------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

/// What was typed in the page's forms, to show again after a failed submit.
#[derive(Default)]
struct Typed {
    report: Option<ReportInput>,
    trajectory: Option<TrajectoryInput>,
    /// The melding and reason typed to retract one.
    retraction: Option<(String, String)>,
}

async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    q: &DetailQuery,
    typed: Typed,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let TrajectoryHistory {
        current: t,
        versions,
        mut reports,
    } = s.services.trajectory(&u.ctx, id, k).await?;
    let others: Vec<Trajectory> = s
        .services
        .list_trajectories(
            &u.ctx,
            &TrajectoryFilter {
                person_id: Some(t.person_id),
                ..Default::default()
            },
            k,
            PageRequest::everything(),
        )
        .await?
        .items
        .into_iter()
        .filter(|o| o.id != t.id)
        .collect();
    let m = Municipalities::load(s, u).await?;
    let f = &t.facts;
    let mut page = DetailPage::new(
        layout(s, u, "Traject", q.melding.as_deref()).await,
        format!("Traject: {}", f.person),
    )
    .fact("Persoon", f.person.clone())
    .fact("Gemeente", m.name(&f.municipality))
    .fact("Status", status_text(f))
    .fact("Gestart", dutch_long(f.started_on))
    .fact("Afgesloten", closed_text(f))
    .fact("Uitkomst", outcome_text(f))
    .fact(
        "Aantal meldingen",
        reports
            .iter()
            .filter(|r| r.retracted.is_none())
            .count()
            .to_string(),
    )
    .fact("Toelichting", or_dash(f.note.clone()))
    .fact(
        "Laatst vastgelegd",
        format!(
            "{} door {}",
            zothuis_domain::dates::dutch_moment(t.recorded_at),
            t.recorded_by
        ),
    );
    if let Some(k) = k {
        page.intro = Some(known_intro(
            k,
            "het traject",
            "Latere meldingen en correcties",
        ));
    }
    if k.is_none() && f.closed_on.is_some() {
        match others.iter().find(|o| o.facts.closed_on.is_none()) {
            Some(open) => page.actions.push(link(
                format!("/zorgcoordinatie/{}", open.id),
                "Naar het open traject van deze persoon",
            )),
            None => page.actions.push(link(
                format!("/zorgcoordinatie/nieuw?persoon={}", t.person_id),
                "Nieuwe melding voor deze persoon",
            )),
        }
    }
    page.actions
        .push(link("/zorgcoordinatie", "Alle trajecten"));
    page.forms.push(
        FormBlock::get(
            format!("/zorgcoordinatie/{id}"),
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor het traject zoals het nu is."),
            ],
        )
        .anchor("bekend-op"),
    );
    reports.sort_by_key(|r| (r.reported_on, r.id));
    page.tables.push(Table {
        caption: format!(
            "Meldingen in dit traject ({})",
            match reports.len() {
                1 => "1 melding".to_string(),
                n => format!("{n} meldingen"),
            }
        ),
        columns: columns(&[
            "Meldingsdatum",
            "Bron",
            "Vastgelegd door",
            "Vastgelegd op",
            "Ingetrokken",
        ]),
        rows: reports
            .iter()
            .map(|r| {
                vec![
                    date_cell(r.reported_on),
                    cell(r.source.label()),
                    cell(r.recorded_by.clone()),
                    cell(zothuis_domain::dates::dutch_moment(r.recorded_at)),
                    cell(match &r.retracted {
                        None => "—".to_string(),
                        Some(x) => format!(
                            "{} door {}: {}",
                            zothuis_domain::dates::dutch_moment(x.recorded_at),
                            x.recorded_by,
                            x.reason
                        ),
                    }),
                ]
            })
            .collect(),
        empty: "Geen meldingen.".into(),
    });
    page.tables.push(Table {
        caption: "Versies van dit traject (correcties en afsluiting)".into(),
        columns: columns(&[
            "Vastgelegd",
            "Door",
            "Persoon",
            "Gemeente",
            "Gestart",
            "Afgesloten",
            "Uitkomst",
        ]),
        rows: versions
            .iter()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(v.facts.person.clone()),
                    cell(m.name(&v.facts.municipality)),
                    date_cell(v.facts.started_on),
                    cell(closed_text(&v.facts)),
                    cell(outcome_text(&v.facts)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    page.tables.push(Table {
        caption: "Andere trajecten van deze persoon".into(),
        columns: columns(&LIST_COLUMNS),
        rows: others.iter().map(|o| trajectory_cells(o, &m)).collect(),
        empty: "Geen andere trajecten.".into(),
    });
    if k.is_none() {
        let today = s.services.clock.today();
        let report = typed.report.unwrap_or_else(|| ReportInput {
            reported_on: today.to_string(),
            ..Default::default()
        });
        let date_hint = match f.closed_on {
            None => "De dag van de melding; niet vóór het begin van het traject.".to_string(),
            Some(c) => format!(
                "Het traject is afgesloten op {}; een latere melding opent een nieuw traject.",
                dutch_long(c)
            ),
        };
        let fields = report_fields(&report, &date_hint);
        page.forms.push(
            FormBlock::post(
                format!("/zorgcoordinatie/{id}/melding"),
                "Melding toevoegen",
                fields,
            )
            .heading("Melding toevoegen")
            .anchor("melding"),
        );
        let standing: Vec<(String, String)> = reports
            .iter()
            .filter(|r| r.retracted.is_none())
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("{}, {}", dutch_long(r.reported_on), r.source.label()),
                )
            })
            .collect();
        if standing.len() > 1 || typed.retraction.is_some() {
            let (chosen, reason) = typed.retraction.clone().unwrap_or_default();
            let mut options = vec![(String::new(), "— kies de melding —".to_string())];
            options.extend(standing);
            page.forms.push(
                FormBlock::post(
                    format!("/zorgcoordinatie/{id}/intrekken"),
                    "Melding intrekken",
                    vec![
                        Field::select("meldingId", "Melding", &chosen, options).required(),
                        Field::textarea("reden", "Reden", &reason)
                            .hint("Waarom de melding ten onrechte is vastgelegd. De melding blijft bewaard en telt vanaf nu niet meer mee.")
                            .required(),
                    ],
                )
                .heading("Melding intrekken")
                .anchor("intrekken"),
            );
        }
        let input = typed.trajectory.unwrap_or_else(|| as_input(&t));
        page.forms.push(
            FormBlock::post(
                format!("/zorgcoordinatie/{id}"),
                "Opslaan",
                trajectory_fields(&input, &m),
            )
            .heading("Traject wijzigen of afsluiten")
            .version(t.version_id)
            .anchor("wijzigen"),
        );
    }
    Ok(page)
}

async fn detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<DetailQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    detail_page(&s, &u, id, &q, Typed::default()).await
}

/// The status of a form's failure on the trajectory's page; other errors
/// (not found, refused) get their own page.
fn form_status(e: &DomainError) -> Option<StatusCode> {
    match e {
        DomainError::Invalid(_) => Some(StatusCode::BAD_REQUEST),
        DomainError::Conflict(_) | DomainError::StaleVersion(_) => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

async fn add_report(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = report_input(&f);
    let e = match s.services.add_melding(&u.ctx, id, &input).await {
        Ok(_) => {
            return Ok(done(
                &format!("/zorgcoordinatie/{id}"),
                "melding-toegevoegd",
            ));
        }
        Err(e) => e,
    };
    let Some(status) = form_status(&e) else {
        return Err(PageError(e));
    };
    let typed = Typed {
        report: Some(input),
        ..Default::default()
    };
    let page = detail_page(&s, &u, id, &DetailQuery::default(), typed).await?;
    Ok(failed_at(page, "melding", e, status))
}

async fn retract_report(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let (chosen, reason) = (f.get("meldingId"), f.get("reden"));
    let result = match chosen.trim().parse::<i64>() {
        Ok(report) => {
            s.services
                .retract_melding(&u.ctx, id, report, &reason)
                .await
        }
        Err(_) => Err(DomainError::invalid(
            "meldingId",
            "kies de melding die u intrekt",
        )),
    };
    let e = match result {
        Ok(_) => {
            return Ok(done(
                &format!("/zorgcoordinatie/{id}"),
                "melding-ingetrokken",
            ));
        }
        Err(e) => e,
    };
    let Some(status) = form_status(&e) else {
        return Err(PageError(e));
    };
    let typed = Typed {
        retraction: Some((chosen, reason)),
        ..Default::default()
    };
    let page = detail_page(&s, &u, id, &DetailQuery::default(), typed).await?;
    Ok(failed_at(page, "intrekken", e, status))
}

async fn change(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = trajectory_input(&f);
    let e = match s
        .services
        .change_trajectory(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => return Ok(done(&format!("/zorgcoordinatie/{id}"), "opgeslagen")),
        Err(e) => e,
    };
    let Some(status) = form_status(&e) else {
        return Err(PageError(e));
    };
    let e = unchosen_municipality(e, &input.municipality);
    let typed = Typed {
        trajectory: Some(input),
        ..Default::default()
    };
    let page = detail_page(&s, &u, id, &DetailQuery::default(), typed).await?;
    Ok(failed_at(page, "wijzigen", e, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(fields: &[(&str, &str)]) -> DomainError {
        DomainError::Invalid(
            fields
                .iter()
                .map(|(f, m)| FieldError {
                    field: (*f).into(),
                    message: (*m).into(),
                })
                .collect(),
        )
    }

    fn fields(e: DomainError) -> Vec<(String, String)> {
        match e {
            DomainError::Invalid(e) => e.into_iter().map(|f| (f.field, f.message)).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn typed(municipality: &str) -> NewInput {
        NewInput {
            trajectory: TrajectoryInput {
                municipality: municipality.into(),
                ..Default::default()
            },
            report: ReportInput::default(),
        }
    }

    #[test]
    fn a_problem_of_the_start_date_is_named_once_at_the_melding_date() {
        let e = invalid(&[
            ("persoon", "vul in"),
            ("startdatum", "geen geldige datum"),
            ("meldingsdatum", "geen geldige datum"),
        ]);
        assert_eq!(
            fields(first_report_errors(e, &typed("GM0402"))),
            [
                ("persoon".to_string(), "vul in".to_string()),
                ("meldingsdatum".into(), "geen geldige datum".into())
            ]
        );
        let e = invalid(&[("startdatum", "een traject sluit niet vóór het begon")]);
        assert_eq!(
            fields(first_report_errors(e, &typed("GM0402"))),
            [(
                "meldingsdatum".to_string(),
                "een traject sluit niet vóór het begon".to_string()
            )]
        );
    }

    #[test]
    fn an_unchosen_municipality_is_asked_for_not_called_malformed() {
        let e = invalid(&[(
            "gemeente",
            "een gemeentecode bestaat uit GM en vier cijfers",
        )]);
        assert_eq!(
            fields(first_report_errors(e, &typed(" "))),
            [(
                "gemeente".to_string(),
                "kies de gemeente waar de persoon woont of verblijft".to_string()
            )]
        );
        let e = invalid(&[(
            "gemeente",
            "een gemeentecode bestaat uit GM en vier cijfers",
        )]);
        assert_eq!(
            fields(unchosen_municipality(e, "Haarlem"))[0].1,
            "een gemeentecode bestaat uit GM en vier cijfers"
        );
    }

    #[test]
    fn only_ja_or_nothing_means_a_filter_on_open_trajectories() {
        assert!(open_param(&Some("ja".into())).is_ok_and(|o| o));
        assert!(open_param(&None).is_ok_and(|o| !o));
        assert!(open_param(&Some("misschien".into())).is_err());
        assert!(person_param(&Some("-3".into())).is_err());
        assert!(person_param(&Some("12".into())).is_ok_and(|p| p == Some(12)));
    }
}
