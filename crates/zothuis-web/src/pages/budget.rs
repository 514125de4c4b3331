//! Pages of the budgets, for the finance officer and whoever sees the cost
//! of care: the list; a new budget typed in a table of lines or read from a
//! CSV or Excel file; one budget with its versions, where a
//! begrotingswijziging is recorded; the actuals of its lines per month;
//! the budget against its realisation in a year, with its CSV and Excel;
//! and the expected cost of the historical cohort with the model's
//! assumptions. The services decide who sees and changes what
//! (`policy::budget_view`, `ManageBudget`); these pages only offer what the
//! policy allows.

use super::finance_page::{FinancePage, PageSection};
use super::*;
use crate::api::budget::{round, year_param, years_param};
use crate::api::finance::hidden_text;
use crate::export::{ExportCell, ExportTable, to_csv, to_xlsx};
use axum::extract::{DefaultBodyLimit, Multipart, RawQuery, State};
use axum::routing::get;
use chrono::Datelike;
use std::collections::{BTreeSet, HashMap};
use zothuis_domain::admin::Actor;
use zothuis_domain::finance::Bedrag;
use zothuis_domain::finance::budget::{
    BUDGET_COLUMNS, Budget, BudgetActualInput, BudgetCategory, BudgetKind, BudgetLine,
    BudgetLineInput, BudgetSide, BudgetVersionInput, budget_lines_from_table, located,
};
use zothuis_domain::finance::service::{
    BudgetHistory, BudgetInput, BudgetReport, BudgetReportLine, Hidden, Source,
};
use zothuis_domain::import::Problem;
use zothuis_domain::policy::{FigureScope, budget_view};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/financien/begrotingen", get(list))
        .route("/financien/begrotingen/nieuw", get(new_form).post(create))
        .route(
            "/financien/begrotingen/bestand",
            get(file_form)
                .post(upload)
                .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES)),
        )
        .route("/financien/begrotingen/prognose", get(forecast_page))
        .route("/financien/begrotingen/{id}", get(detail).post(change))
        .route(
            "/financien/begrotingen/{id}/bestand",
            get(change_file_form)
                .post(change_upload)
                .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/financien/begrotingen/{id}/realisaties",
            get(actuals).post(add_actual),
        )
        .route("/financien/begrotingen/{id}/realisatie", get(report_page))
        .route("/financien/begrotingen/{id}/realisatie/export", get(export))
}

/// Whether the menu offers the budgets (`policy::budget_view`).
pub(super) fn may_see_budgets(a: &Actor) -> bool {
    budget_view(a).is_ok()
}

/// The policy's question for a new budget of the actor's own area.
fn own_budget(a: &Actor) -> Action<'_> {
    match &a.scope {
        Scope::Regio(id) => Action::ManageBudget {
            region_id: *id,
            municipality: None,
        },
        Scope::Gemeente(code) => Action::ManageBudget {
            region_id: -1,
            municipality: Some(code),
        },
        _ => Action::ManageBudget {
            region_id: -1,
            municipality: None,
        },
    }
}

fn may_record(a: &Actor) -> bool {
    can(a, own_budget(a)).is_allowed()
}

fn may_change(a: &Actor, b: &Budget) -> bool {
    can(
        a,
        Action::ManageBudget {
            region_id: b.region_id,
            municipality: b.municipality.as_ref(),
        },
    )
    .is_allowed()
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Budgets)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![
            link("/financien/kosten", "Financiën"),
            link("/financien/begrotingen", "Begrotingen"),
        ])
}

/// Names of regions and municipalities.
struct Names {
    regions: HashMap<i64, String>,
    municipalities: Vec<(String, String, i64)>,
}

impl Names {
    async fn load(s: &AppState, u: &PageUser) -> PageResult<Names> {
        let regions = s
            .services
            .list_regions(&u.ctx)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let mut municipalities: Vec<(String, String, i64)> = s
            .services
            .list_municipalities(&u.ctx)
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name, m.region_id))
            .collect();
        municipalities.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(Names {
            regions,
            municipalities,
        })
    }

    fn region(&self, id: i64) -> String {
        self.regions
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("{id}"))
    }

    fn municipality(&self, code: &str) -> String {
        self.municipalities
            .iter()
            .find(|(c, _, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n, _)| n.clone())
    }

    /// "Regio Gooi en Vechtstreek" or "Gemeente Huizen".
    fn area(&self, b: &Budget) -> String {
        match &b.municipality {
            Some(m) => format!("Gemeente {}", self.municipality(m.as_str())),
            None => format!("Regio {}", self.region(b.region_id)),
        }
    }

    /// The choice of whose a new budget is: the region's or one of its
    /// municipalities' for the region's officer, its own for a
    /// municipality's.
    fn owner_options(&self, a: &Actor) -> Vec<(String, String)> {
        match &a.scope {
            Scope::Regio(r) => {
                let mut o = vec![(
                    String::new(),
                    format!("Regio {} (regionale begroting)", self.region(*r)),
                )];
                o.extend(
                    self.municipalities
                        .iter()
                        .filter(|(_, _, region)| region == r)
                        .map(|(c, n, _)| (c.clone(), format!("Gemeente {n}"))),
                );
                o
            }
            Scope::Gemeente(code) => vec![(
                code.to_string(),
                format!("Gemeente {}", self.municipality(code.as_str())),
            )],
            _ => vec![(String::new(), "Uw regio".to_string())],
        }
    }
}

/// An amount as a person types it (`39.483.000,00`).
fn typed_amount(b: Bedrag) -> String {
    b.to_string().replace("€ ", "")
}

// ---- the list -------------------------------------------------------------------------

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let budgets = s.services.budgets(&u.ctx).await?;
    let names = Names::load(&s, &u).await?;
    let year = s.services.clock.today().year();
    let rows = budgets
        .iter()
        .map(|b| {
            vec![
                link_cell(b.name.clone(), format!("/financien/begrotingen/{}", b.id)),
                cell(names.area(b)),
                cell(zothuis_domain::dates::dutch_moment(b.created_at)),
                link_cell(
                    format!("Realisatie {year}"),
                    format!("/financien/begrotingen/{}/realisatie?jaar={year}", b.id),
                ),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if may_record(u.actor()) {
        actions.push(link("/financien/begrotingen/nieuw", "Nieuwe begroting"));
        actions.push(link(
            "/financien/begrotingen/bestand",
            "Begroting uit een bestand",
        ));
    }
    actions.push(link(
        "/financien/begrotingen/prognose",
        "Prognose historische cliënten",
    ));
    let mut l = layout(&s, &u, "Begrotingen", q.melding.as_deref()).await;
    l.breadcrumbs.truncate(1);
    Ok(TablePage {
        layout: l,
        heading: "Begrotingen".into(),
        intro: Some("De begrotingen van de regio en haar gemeenten voor beschermd wonen en opvang, met hun versies: de begroting en elke begrotingswijziging. Per jaar ziet u de begroting tegenover de realisatie: de zorgkosten uit de verblijven en de tarieven, de andere regels uit de ingevoerde realisaties per maand, met een prognose voor het hele jaar.".into()),
        actions,
        filters: None,
        table: Table {
            caption: match budgets.len() {
                1 => "1 begroting".into(),
                n => format!("{n} begrotingen"),
            },
            columns: columns(&["Naam", "Van", "Aangemaakt", "Begroting en realisatie"]),
            rows,
            empty: "Er zijn (nog) geen begrotingen vastgelegd.".into(),
        },
        pager: None,
    })
}

// ---- the lines form -----------------------------------------------------------------

/// The most rows and years the lines form offers.
const MAX_ROWS: usize = 60;
const MAX_GRID_YEARS: i32 = 15;

/// The columns and rows of the lines form.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    years: Vec<i32>,
    rows: usize,
}

#[derive(serde::Deserialize, Default)]
struct ShapeQuery {
    van: Option<String>,
    tot: Option<String>,
    regels: Option<String>,
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

impl Shape {
    /// The shape asked in the query (first and last year, number of rows),
    /// else `default`; what cannot be read or is out of bounds is left at
    /// the default, as it only shapes an empty form.
    fn asked(q: &ShapeQuery, default: Shape) -> Shape {
        let number = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        let first = default.years.first().copied().unwrap_or(2025);
        let last = default.years.last().copied().unwrap_or(first);
        let from = number(&q.van)
            .filter(|y| (2000..=2100).contains(y))
            .map_or(first, |y| y as i32);
        let until = number(&q.tot)
            .filter(|y| (2000..=2100).contains(y))
            .map_or(last.max(from), |y| y as i32);
        let until = until.clamp(from, from + MAX_GRID_YEARS - 1);
        let rows = number(&q.regels)
            .filter(|n| (1..=MAX_ROWS as i64).contains(n))
            .map_or(default.rows, |n| n as usize);
        Shape {
            years: (from..=until).collect(),
            rows,
        }
    }

    fn query_form(&self, action: String) -> FormBlock {
        let first = self.years.first().map(i32::to_string).unwrap_or_default();
        let last = self.years.last().map(i32::to_string).unwrap_or_default();
        FormBlock::get(
            action,
            "Formulier aanpassen",
            vec![
                Field::number("van", "Eerste jaar", first),
                Field::number("tot", "Laatste jaar", last)
                    .hint(&format!("Hoogstens {MAX_GRID_YEARS} jaar.")),
                Field::number("regels", "Aantal regels", self.rows.to_string()).hint(&format!(
                    "Hoogstens {MAX_ROWS}. Lege regels worden overgeslagen."
                )),
            ],
        )
        .anchor("opzet")
    }
}

/// A version as typed in the form: every row of the table, empty ones too.
#[derive(Debug, Clone, Default)]
struct TypedVersion {
    municipality: Option<String>,
    name: String,
    kind: String,
    title: String,
    note: Option<String>,
    thousands: bool,
    rows: Vec<BudgetLineInput>,
}

impl TypedVersion {
    /// The form as posted, and its shape: the rows and years of the cells
    /// named `r{row}-{field}` (`r3-code`, `r3-2025`).
    fn posted(f: &FormData) -> (TypedVersion, Shape) {
        let mut rows = 0;
        let mut years = BTreeSet::new();
        for (key, _) in &f.0 {
            let Some((n, field)) = key.strip_prefix('r').and_then(|k| k.split_once('-')) else {
                continue;
            };
            let Some(n) = n
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_ROWS).contains(n))
            else {
                continue;
            };
            rows = rows.max(n);
            if let Ok(y) = field.parse::<i32>()
                && (2000..=2100).contains(&y)
            {
                years.insert(y);
            }
        }
        let years: Vec<i32> = years.into_iter().take(MAX_GRID_YEARS as usize).collect();
        let typed = TypedVersion {
            municipality: f.opt("gemeente"),
            name: f.get("naam"),
            kind: f.get("soort"),
            title: f.get("titel"),
            note: f.opt("toelichting"),
            thousands: f.checked("duizendtallen"),
            rows: (1..=rows)
                .map(|n| BudgetLineInput {
                    code: f.get(&format!("r{n}-code")),
                    side: f.get(&format!("r{n}-zijde")),
                    category: f.get(&format!("r{n}-categorie")),
                    label: f.get(&format!("r{n}-omschrijving")),
                    amounts: years
                        .iter()
                        .map(|y| (y.to_string(), f.get(&format!("r{n}-{y}"))))
                        .collect(),
                })
                .collect(),
        };
        (typed, Shape { years, rows })
    }

    /// The version for the service: the rows filled in, and the row of each.
    fn version(&self) -> (BudgetVersionInput, Vec<usize>) {
        let filled: Vec<(usize, &BudgetLineInput)> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                !(l.code.trim().is_empty()
                    && l.side.trim().is_empty()
                    && l.category.trim().is_empty()
                    && l.label.trim().is_empty()
                    && l.amounts.iter().all(|(_, a)| a.trim().is_empty()))
            })
            .map(|(i, l)| (i + 1, l))
            .collect();
        (
            BudgetVersionInput {
                kind: self.kind.clone(),
                title: self.title.clone(),
                note: self.note.clone(),
                thousands: self.thousands,
                lines: filled.iter().map(|(_, l)| (*l).clone()).collect(),
            },
            filled.iter().map(|(n, _)| *n).collect(),
        )
    }

    /// The current version's lines, amounts in euros as typed, and `extra`
    /// empty rows; its years and those of `shape`.
    fn of_version(h: &BudgetHistory, shape: &Shape) -> TypedVersion {
        TypedVersion {
            kind: BudgetKind::Wijziging.code().into(),
            title: String::new(),
            rows: h
                .current
                .lines
                .iter()
                .map(|l| BudgetLineInput {
                    code: l.code.clone(),
                    side: l.side.code().into(),
                    category: l.category.code().into(),
                    label: l.label.clone(),
                    amounts: shape
                        .years
                        .iter()
                        .map(|y| {
                            (
                                y.to_string(),
                                l.amount(*y).map(typed_amount).unwrap_or_default(),
                            )
                        })
                        .collect(),
                })
                .collect(),
            ..TypedVersion::default()
        }
    }
}

/// The service names a line's field `regels[n].veld` (n counting the lines
/// filled in, from 1) and an amount `regels[n].bedrag2025`; the form names
/// the cell `r{row}-veld` and `r{row}-2025`. A problem of all lines goes to
/// the first cell.
fn grid_field(rows: &[usize], field: &str) -> String {
    if field == "regels" {
        return "r1-code".into();
    }
    let line = field
        .strip_prefix("regels[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(n, f)| Some((rows.get(n.parse::<usize>().ok()?.checked_sub(1)?)?, f)));
    match line {
        Some((row, f)) => match f.strip_prefix("bedrag") {
            Some(year) => format!("r{row}-{year}"),
            None if f == "jaar" => format!("r{row}-code"),
            None => format!("r{row}-{f}"),
        },
        None => field.to_string(),
    }
}

fn in_grid(e: DomainError, rows: &[usize]) -> DomainError {
    match e {
        DomainError::Invalid(errors) => DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: grid_field(rows, &e.field),
                    message: e.message,
                })
                .collect(),
        ),
        other => other,
    }
}

fn side_options() -> Vec<(String, String)> {
    choices("—", BudgetSide::ALL.iter().map(|s| (s.code(), s.label())))
}

fn category_options() -> Vec<(String, String)> {
    choices(
        "— kies —",
        BudgetCategory::ALL.iter().map(|c| (c.code(), c.label())),
    )
}

fn kind_options() -> Vec<(String, String)> {
    BudgetKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

/// The table of lines: a row per line, a cell per field and year.
fn lines_grid(shape: &Shape, typed: &TypedVersion) -> FieldGrid {
    let mut cols = columns(&["Code", "Zijde", "Soort regel", "Omschrijving"]);
    cols.extend(shape.years.iter().map(|y| Column {
        label: format!("{y}"),
        numeric: true,
    }));
    let empty = BudgetLineInput::default();
    let rows = (1..=shape.rows.max(typed.rows.len()))
        .map(|n| {
            let l = typed.rows.get(n - 1).unwrap_or(&empty);
            let amount = |y: i32| {
                l.amounts
                    .iter()
                    .find(|(year, _)| *year == y.to_string())
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default()
            };
            let mut cells = vec![
                Field::text(&format!("r{n}-code"), &format!("Regel {n}: code"), &l.code),
                Field::select(
                    &format!("r{n}-zijde"),
                    &format!("Regel {n}: zijde"),
                    &l.side,
                    side_options(),
                ),
                Field::select(
                    &format!("r{n}-categorie"),
                    &format!("Regel {n}: soort regel"),
                    &l.category,
                    category_options(),
                ),
                Field {
                    kind: "wide",
                    ..Field::text(
                        &format!("r{n}-omschrijving"),
                        &format!("Regel {n}: omschrijving"),
                        &l.label,
                    )
                },
            ];
            cells.extend(shape.years.iter().map(|y| Field {
                kind: "amount",
                ..Field::text(
                    &format!("r{n}-{y}"),
                    &format!("Regel {n}: bedrag {y}"),
                    amount(*y),
                )
            }));
            GridRow {
                label: format!("Regel {n}"),
                cells,
            }
        })
        .collect();
    FieldGrid {
        caption: "Regels van de begroting".into(),
        row_header: "Regel".into(),
        columns: cols,
        rows,
    }
}

/// The fields of a version: kind, title, note, thousands.
fn version_fields(typed: &TypedVersion) -> Vec<Field> {
    vec![
        Field::select("soort", "Soort", &typed.kind, kind_options()).required(),
        Field::text("titel", "Titel", &typed.title)
            .hint("Bijvoorbeeld Begroting 2025–2028 of Eerste begrotingswijziging 2026.")
            .required(),
        Field::textarea(
            "toelichting",
            "Toelichting",
            typed.note.clone().unwrap_or_default(),
        ),
        Field::checkbox(
            "duizendtallen",
            "De bedragen zijn in duizenden euro's",
            typed.thousands,
        )
        .hint("Zoals in de GO BW-tabel: 39.483 is dan € 39.483.000."),
    ]
}

const LINES_HINT: &str = "Per regel de code (a, b, …), lasten of baten, de soort regel en de bedragen per jaar, zoals 1.250.000 of 1.250.000,00. Baten mogen negatief zijn, zoals in de GO BW-tabel; ze worden positief bewaard. De zorgkostenregels worden gerealiseerd uit de verblijven en de tarieven, de andere uit de realisaties die u per maand invoert. Lege regels worden overgeslagen.";

// ---- a new budget -----------------------------------------------------------------------

fn default_shape(s: &AppState, rows: usize) -> Shape {
    let year = s.services.clock.today().year();
    Shape {
        years: (year..year + 4).collect(),
        rows,
    }
}

async fn new_page(
    s: &AppState,
    u: &PageUser,
    shape: &Shape,
    typed: &TypedVersion,
) -> PageResult<FinancePage> {
    require(u, own_budget(u.actor()))?;
    let names = Names::load(s, u).await?;
    let mut fields = vec![
        Field::select(
            "gemeente",
            "Begroting van",
            typed.municipality.as_deref().unwrap_or(""),
            names.owner_options(u.actor()),
        ),
        Field::text("naam", "Naam", &typed.name)
            .hint("Bijvoorbeeld Gemeenschappelijk Orgaan Beschermd Wonen.")
            .required(),
    ];
    fields.extend(version_fields(typed));
    let form = FormBlock::post(
        "/financien/begrotingen/nieuw",
        "Begroting vastleggen",
        fields,
    )
    .grid(lines_grid(shape, typed))
    .cancel("/financien/begrotingen");
    let mut page = FinancePage::new(
        layout(s, u, "Nieuwe begroting", None).await,
        "Nieuwe begroting",
    );
    page.intro = Some("Een begroting over een of meer jaren, met haar regels van lasten en baten. Een latere begrotingswijziging wordt een nieuwe versie; deze eerste versie blijft bewaard.".into());
    page.links.push(link(
        "/financien/begrotingen/bestand",
        "Of lees de begroting in uit een CSV- of Excel-bestand",
    ));
    page.sections.push(
        PageSection::new("opzet-sectie", "Jaren en regels in het formulier")
            .text("Kies eerst de jaren en het aantal regels; wat u al had ingevuld, vult u daarna in.")
            .form(shape.query_form("/financien/begrotingen/nieuw".into())),
    );
    page.sections.push(
        PageSection::new("invullen", "De begroting invullen")
            .text(LINES_HINT)
            .form(form),
    );
    Ok(page)
}

async fn new_form(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ShapeQuery>, QueryRejection>,
) -> PageResult<FinancePage> {
    let q = query(q)?;
    let shape = Shape::asked(&q, default_shape(&s, 12));
    let typed = TypedVersion {
        kind: BudgetKind::Begroting.code().into(),
        ..TypedVersion::default()
    };
    new_page(&s, &u, &shape, &typed).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let (typed, shape) = TypedVersion::posted(&f);
    let (version, rows) = typed.version();
    let input = BudgetInput {
        municipality: typed.municipality.clone(),
        name: typed.name.clone(),
        version,
    };
    let e = match s.services.create_budget(&u.ctx, &input).await {
        Ok((b, _)) => {
            return Ok(done(
                &format!("/financien/begrotingen/{}", b.id),
                "begroting-vastgelegd",
            ));
        }
        Err(e) => e,
    };
    let page = new_page(&s, &u, &shape, &typed).await?;
    Ok(page.failed("formulier", in_grid(e, &rows)))
}

// ---- a new budget from a file -----------------------------------------------------------

fn file_fields(typed: &TypedVersion, names: &Names, a: &Actor) -> Vec<Field> {
    let mut fields = vec![
        Field::select(
            "gemeente",
            "Begroting van",
            typed.municipality.as_deref().unwrap_or(""),
            names.owner_options(a),
        ),
        Field::text("naam", "Naam", &typed.name).required(),
    ];
    fields.extend(version_fields(typed));
    fields.push(file_field());
    fields
}

fn file_field() -> Field {
    Field::files(
        "bestand",
        "Bestand",
        ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    .hint("Eén CSV-bestand of Excel-werkboek (.xlsx; het eerste werkblad), met de kolommen hieronder.")
    .required()
}

fn file_columns() -> Table {
    let mut rows: Vec<Vec<Cell>> = BUDGET_COLUMNS
        .iter()
        .map(|(c, d)| vec![cell(*c), cell(*d)])
        .collect();
    rows.push(vec![
        cell("2025, 2026, …"),
        cell("Een kolom per jaar met het bedrag van de regel in dat jaar; leeg of - voor geen bedrag."),
    ]);
    Table {
        caption: "Kolommen van het bestand".into(),
        columns: columns(&["Kolom", "Inhoud"]),
        rows,
        empty: String::new(),
    }
}

/// What a budget file is read into: a new budget, or a begrotingswijziging
/// of an existing one (a new version of all its lines).
#[derive(Clone, Copy)]
enum FileTarget {
    New,
    /// The budget and the version the officer saw (If-Match on the form).
    Change {
        id: i64,
        version: i64,
    },
}

async fn file_page(
    s: &AppState,
    u: &PageUser,
    typed: &TypedVersion,
    target: FileTarget,
) -> PageResult<FinancePage> {
    let (action, fields, heading, back) = match target {
        FileTarget::New => {
            require(u, own_budget(u.actor()))?;
            let names = Names::load(s, u).await?;
            (
                "/financien/begrotingen/bestand".to_string(),
                file_fields(typed, &names, u.actor()),
                "Begroting uit een bestand".to_string(),
                "/financien/begrotingen".to_string(),
            )
        }
        FileTarget::Change { id, .. } => {
            let h = s.services.budget(&u.ctx, id, None).await?;
            if !may_change(u.actor(), &h.budget) {
                return Err(PageError(DomainError::Forbidden(
                    "Een begrotingswijziging legt de financieel adviseur van de begroting vast"
                        .into(),
                )));
            }
            let mut fields = version_fields(typed);
            fields.push(file_field());
            (
                format!("/financien/begrotingen/{id}/bestand"),
                fields,
                format!("Begrotingswijziging van {} uit een bestand", h.budget.name),
                format!("/financien/begrotingen/{id}"),
            )
        }
    };
    let mut form = FormBlock::post(action, "Inlezen en vastleggen", fields)
        .upload()
        .cancel(&back);
    if let FileTarget::Change { version, .. } = target {
        form = form.version(version);
    }
    let mut page = FinancePage::new(layout(s, u, &heading, None).await, heading);
    page.intro = Some(match target {
        FileTarget::New => "Lees een begroting in uit een spreadsheet: één regel per begrotingsregel, een kolom per jaar. zothuis controleert elke regel en kolom; bij een probleem wordt niets vastgelegd.".into(),
        FileTarget::Change { .. } => "Lees een begrotingswijziging in uit een spreadsheet: het bestand bevat alle regels van de nieuwe versie, één regel per begrotingsregel en een kolom per jaar. Wat niet in het bestand staat, valt weg; de vorige versie blijft bewaard. Bij een probleem wordt niets vastgelegd.".into(),
    });
    page.links.push(match target {
        FileTarget::New => link(
            "/financien/begrotingen/nieuw",
            "Of vul de begroting in op het formulier",
        ),
        FileTarget::Change { id, .. } => link(
            format!("/financien/begrotingen/{id}#wijziging"),
            "Of vul de wijziging in op het formulier",
        ),
    });
    page.sections.push(
        PageSection::new("inlezen", "Bestand kiezen")
            .form(form)
            .table(file_columns()),
    );
    Ok(page)
}

async fn file_form(State(s): State<AppState>, u: PageUser) -> PageResult<FinancePage> {
    let typed = TypedVersion {
        kind: BudgetKind::Begroting.code().into(),
        ..TypedVersion::default()
    };
    file_page(&s, &u, &typed, FileTarget::New).await
}

async fn change_file_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FinancePage> {
    let h = s.services.budget(&u.ctx, id, None).await?;
    let typed = TypedVersion {
        kind: BudgetKind::Wijziging.code().into(),
        thousands: true,
        ..TypedVersion::default()
    };
    file_page(
        &s,
        &u,
        &typed,
        FileTarget::Change {
            id,
            version: h.current.id,
        },
    )
    .await
}

async fn change_upload(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    form: Multipart,
) -> PageResult<Response> {
    read_budget_file(s, u, form, Some(id)).await
}

/// The fields of an upload form and its one file (`bestand`); `one` says
/// what the one file holds, for the error when there are more.
pub(super) async fn read_upload(
    mut form: Multipart,
    one: &str,
) -> zothuis_domain::DomainResult<(FormData, Option<(String, Vec<u8>)>)> {
    let unreadable = || {
        DomainError::invalid(
            "bestand",
            "het formulier kon niet worden gelezen (verwacht multipart/form-data met een bestand)",
        )
    };
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "bestand" {
            let file = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if !file.is_empty() || !bytes.is_empty() {
                files.push((file, bytes.to_vec()));
            }
        } else {
            let value = field.text().await.map_err(|_| unreadable())?;
            fields.push((name, value));
        }
    }
    if files.len() > 1 {
        return Err(DomainError::invalid(
            "bestand",
            format!("kies één bestand met {one}"),
        ));
    }
    Ok((FormData(fields), files.pop()))
}

fn problem_table(problems: &[Problem]) -> Table {
    Table {
        caption: format!("Gevonden problemen ({})", problems.len()),
        columns: columns(&["Bestand", "#Regel", "Kolom", "Probleem"]),
        rows: problems
            .iter()
            .map(|p| {
                vec![
                    cell(p.source.clone()),
                    p.line.map_or_else(|| cell(""), |l| num_cell(l as i64)),
                    cell(p.column.clone().unwrap_or_default()),
                    cell(p.message.clone()),
                ]
            })
            .collect(),
        empty: String::new(),
    }
}

async fn upload(State(s): State<AppState>, u: PageUser, form: Multipart) -> PageResult<Response> {
    read_budget_file(s, u, form, None).await
}

/// Reads a budget file into a new budget (`change`: `None`) or a
/// begrotingswijziging of budget `change`; every problem of the file is
/// shown with its line and column, and nothing is written.
async fn read_budget_file(
    s: AppState,
    u: PageUser,
    form: Multipart,
    change: Option<i64>,
) -> PageResult<Response> {
    // The version the form was read at; none when the upload is unreadable.
    let target = |version| match change {
        None => FileTarget::New,
        Some(id) => FileTarget::Change { id, version },
    };
    let (f, file) = match read_upload(form, "de hele begroting").await {
        Ok(read) => read,
        Err(e) => {
            let page = file_page(&s, &u, &TypedVersion::default(), target(0)).await?;
            return Ok(page.failed("formulier", e));
        }
    };
    let target = target(f.version());
    let (typed, _) = TypedVersion::posted(&f);
    let Some((name, bytes)) = file else {
        let page = file_page(&s, &u, &typed, target).await?;
        return Ok(page.failed(
            "formulier",
            DomainError::invalid("bestand", "kies een CSV- of Excel-bestand met de begroting"),
        ));
    };
    // Every problem of the file is found before anything is written; the
    // service writes the budget whole or not at all.
    let (fields, problems) = match zothuis_import::read_grid(&name, &bytes) {
        Err(problems) => (Vec::new(), problems),
        Ok((source, header, rows)) => match budget_lines_from_table(&source, &header, &rows) {
            Err(problems) => (Vec::new(), problems),
            Ok((lines, at)) => {
                let version = BudgetVersionInput {
                    kind: typed.kind.clone(),
                    title: typed.title.clone(),
                    note: typed.note.clone(),
                    thousands: typed.thousands,
                    lines,
                };
                let written = match target {
                    FileTarget::New => s
                        .services
                        .create_budget(
                            &u.ctx,
                            &BudgetInput {
                                municipality: typed.municipality.clone(),
                                name: typed.name.clone(),
                                version,
                            },
                        )
                        .await
                        .map(|(b, _)| (b.id, "begroting-vastgelegd")),
                    FileTarget::Change { id, version: seen } => s
                        .services
                        .change_budget(&u.ctx, id, seen, &version)
                        .await
                        .map(|_| (id, "begrotingswijziging")),
                };
                match written {
                    Ok((id, notice)) => {
                        return Ok(done(&format!("/financien/begrotingen/{id}"), notice));
                    }
                    Err(DomainError::Invalid(errors)) => {
                        let (lines, fields): (Vec<FieldError>, Vec<FieldError>) = errors
                            .into_iter()
                            .partition(|e| e.field.starts_with("regels"));
                        (
                            fields,
                            lines.iter().map(|e| located(&source, &at, e)).collect(),
                        )
                    }
                    Err(e @ DomainError::StaleVersion(_)) => {
                        // Someone changed the budget meanwhile: the form
                        // takes the current version, the warning says so.
                        let current = match change {
                            Some(id) => FileTarget::Change {
                                id,
                                version: s.services.budget(&u.ctx, id, None).await?.current.id,
                            },
                            None => target,
                        };
                        let page = file_page(&s, &u, &typed, current).await?;
                        return Ok(page.failed("formulier", e));
                    }
                    Err(other) => return Err(PageError(other)),
                }
            }
        },
    };
    let mut page = file_page(&s, &u, &typed, target).await?;
    if let Some(form) = page.form_mut("formulier") {
        page.errors = form.apply_errors(&fields);
    }
    let status = if problems.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        page.errors.push(link(
            "#bestandsproblemen",
            match problems.len() {
                1 => "Er is 1 probleem in het bestand gevonden; er is niets vastgelegd. Verbeter het bestand en probeer het opnieuw.".to_string(),
                n => format!("Er zijn {n} problemen in het bestand gevonden; er is niets vastgelegd. Verbeter het bestand en probeer het opnieuw."),
            },
        ));
        page.sections.insert(
            0,
            PageSection::new("bestandsproblemen", "Problemen in het bestand")
                .text(format!(
                    "Bestand: {name}. Per probleem de regel en de kolom van het bestand."
                ))
                .table(problem_table(&problems)),
        );
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

// ---- one budget -------------------------------------------------------------------------

fn version_text(kind: BudgetKind, title: &str) -> String {
    format!("{}: {title}", kind.label())
}

fn amount_cell(b: Option<Bedrag>) -> Cell {
    Cell {
        numeric: true,
        ..cell(b.map_or_else(|| "—".to_string(), |b| b.to_string()))
    }
}

fn lines_table(lines: &[BudgetLine], years: &[i32], caption: String) -> Table {
    let mut cols = columns(&["Code", "Zijde", "Soort regel", "Omschrijving"]);
    cols.extend(years.iter().map(|y| Column {
        label: y.to_string(),
        numeric: true,
    }));
    Table {
        caption,
        columns: cols,
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    cell(l.code.clone()),
                    cell(l.side.label()),
                    cell(l.category.label()),
                    cell(l.label.clone()),
                ];
                row.extend(years.iter().map(|y| amount_cell(l.amount(*y))));
                row
            })
            .collect(),
        empty: "Deze versie heeft geen regels.".into(),
    }
}

fn years_of(lines: &[BudgetLine]) -> Vec<i32> {
    lines
        .iter()
        .flat_map(|l| l.amounts.iter().map(|(y, _)| *y))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    q: &ShapeQuery,
    posted: Option<(TypedVersion, Shape)>,
) -> PageResult<FinancePage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let h = s.services.budget(&u.ctx, id, k).await?;
    let names = Names::load(s, u).await?;
    let year = s.services.clock.today().year();
    let b = &h.budget;
    let v = &h.current;
    let mut page = FinancePage::new(
        layout(s, u, &b.name, q.melding.as_deref()).await,
        b.name.clone(),
    )
    .fact("Van", names.area(b))
    .fact("Geldende versie", version_text(v.kind, &v.title))
    .fact(
        "Vastgelegd",
        format!(
            "{} door {}",
            zothuis_domain::dates::dutch_moment(v.recorded_at),
            v.recorded_by
        ),
    )
    .fact("Toelichting", or_dash(v.note.clone()));
    if let Some(k) = k {
        page.intro = Some(known_intro(
            k,
            "de begroting",
            "Latere begrotingswijzigingen",
        ));
    }
    let manages = may_change(u.actor(), b);
    page.links = vec![
        link(
            format!("/financien/begrotingen/{id}/realisatie?jaar={year}"),
            format!("Begroting tegenover realisatie {year}"),
        ),
        link(
            format!("/financien/begrotingen/{id}/realisaties"),
            if manages {
                "Realisaties invoeren"
            } else {
                "Ingevoerde realisaties"
            },
        ),
        link("/financien/begrotingen", "Alle begrotingen"),
    ];
    if manages && k.is_none() {
        page.links.insert(
            2,
            link(
                format!("/financien/begrotingen/{id}/bestand"),
                "Begrotingswijziging uit een bestand",
            ),
        );
    }
    let years = years_of(&v.lines);
    page.sections.push(
        PageSection::new("regels", "Regels van de geldende versie")
            .text("Bedragen in euro's per jaar; baten staan positief, de zijde zegt of het geld wordt uitgegeven of ontvangen.")
            .table(lines_table(
                &v.lines,
                &years,
                format!("Regels van {}", v.title),
            )),
    );
    page.sections.push(
        PageSection::new("versies", "Versies").table(Table {
            caption: "Versies van deze begroting (de oudste eerst)".into(),
            columns: columns(&["Vastgelegd", "Door", "Soort", "Titel", "#Regels"]),
            rows: h
                .versions
                .iter()
                .map(|v| {
                    vec![
                        cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                        cell(v.recorded_by.clone()),
                        cell(v.kind.label()),
                        cell(v.title.clone()),
                        num_cell(v.lines.len() as i64),
                    ]
                })
                .collect(),
            empty: "Geen versies.".into(),
        }),
    );
    page.sections.push(
        PageSection::new("moment", "Zoals bekend op").form(
            FormBlock::get(
                format!("/financien/begrotingen/{id}"),
                "Tonen",
                vec![
                    Field::date(
                        "bekendOp",
                        "Zoals bekend op",
                        q.bekend_op.clone().unwrap_or_default(),
                    )
                    .hint("Leeg laten voor de begroting zoals ze nu is."),
                ],
            )
            .anchor("bekend-op"),
        ),
    );
    if k.is_none() && manages {
        let default = Shape {
            years: if years.is_empty() {
                (year..year + 4).collect()
            } else {
                years.clone()
            },
            rows: v.lines.len() + 3,
        };
        let (typed, shape) = match posted {
            Some(p) => p,
            None => {
                let shape = Shape::asked(q, default);
                (TypedVersion::of_version(&h, &shape), shape)
            }
        };
        let form = FormBlock::post(
            format!("/financien/begrotingen/{id}"),
            "Begrotingswijziging vastleggen",
            version_fields(&typed),
        )
        .grid(lines_grid(&shape, &typed))
        .version(v.id)
        .anchor("wijzigen");
        page.sections.push(
            PageSection::new("wijziging", "Begrotingswijziging vastleggen")
                .text("Een begrotingswijziging is een nieuwe versie van alle regels: het formulier begint met de regels van de geldende versie, in euro's. Wat u leeg laat, valt weg; de vorige versie blijft bewaard.")
                .text(LINES_HINT)
                .form(shape.query_form(format!("/financien/begrotingen/{id}#wijziging")))
                .form(form),
        );
    }
    Ok(page)
}

async fn detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<ShapeQuery>, QueryRejection>,
) -> PageResult<FinancePage> {
    let q = query(q)?;
    detail_page(&s, &u, id, &q, None).await
}

async fn change(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let (typed, shape) = TypedVersion::posted(&f);
    let (version, rows) = typed.version();
    let e = match s
        .services
        .change_budget(&u.ctx, id, f.version(), &version)
        .await
    {
        Ok(_) => {
            return Ok(done(
                &format!("/financien/begrotingen/{id}"),
                "begrotingswijziging",
            ));
        }
        Err(e) => e,
    };
    // After a stale version the form shows the current lines again (the
    // warning says so); otherwise what was typed, with its problems.
    let posted = match e {
        DomainError::StaleVersion(_) => None,
        _ => Some((typed, shape)),
    };
    let page = detail_page(&s, &u, id, &ShapeQuery::default(), posted).await?;
    Ok(page.failed("wijzigen", in_grid(e, &rows)))
}

// ---- actuals ----------------------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

fn month_name(m: u32) -> String {
    MONTHS
        .get(m.saturating_sub(1) as usize)
        .map_or_else(|| m.to_string(), |n| (*n).to_string())
}

fn actual_typed(f: &FormData) -> BudgetActualInput {
    BudgetActualInput {
        code: f.get("code"),
        year: f.get("jaar"),
        month: f.get("maand"),
        amount: f.get("bedrag"),
        note: f.opt("toelichting"),
    }
}

async fn actuals_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    typed: Option<BudgetActualInput>,
) -> PageResult<FinancePage> {
    let h = s.services.budget(&u.ctx, id, None).await?;
    let list = s.services.budget_actuals(&u.ctx, id, None).await?;
    let b = &h.budget;
    let heading = format!("Realisaties van {}", b.name);
    let mut l = layout(s, u, &heading, notice).await;
    l.breadcrumbs
        .push(link(format!("/financien/begrotingen/{id}"), b.name.clone()));
    let mut page = FinancePage::new(l, heading);
    page.intro = Some("De realisatie van de regels die niet uit de verblijven komen, per maand. Een nieuwe realisatie van dezelfde regel en maand vervangt de eerdere vanaf nu; de eerdere blijft bewaard voor wie de cijfers bekijkt zoals ze eerder bekend waren.".into());
    let year = s.services.clock.today().year();
    page.links = vec![
        link(
            format!("/financien/begrotingen/{id}/realisatie?jaar={year}"),
            format!("Begroting tegenover realisatie {year}"),
        ),
        link(format!("/financien/begrotingen/{id}"), "De begroting"),
    ];
    let from_stays: Vec<String> = h
        .current
        .lines
        .iter()
        .filter(|l| l.category.cost_cohort().is_some())
        .map(|l| format!("{} ({})", l.code, l.label))
        .collect();
    if may_change(u.actor(), b) {
        let typed = typed.unwrap_or_else(|| BudgetActualInput {
            year: year.to_string(),
            ..BudgetActualInput::default()
        });
        let mut lines = vec![(String::new(), "— kies een regel —".to_string())];
        lines.extend(
            h.current
                .lines
                .iter()
                .filter(|l| l.category.cost_cohort().is_none())
                .map(|l| (l.code.clone(), format!("{} — {}", l.code, l.label))),
        );
        let mut months = vec![(String::new(), "— kies een maand —".to_string())];
        months.extend((1..=12u32).map(|m| (m.to_string(), month_name(m))));
        let mut section = PageSection::new("invoeren", "Realisatie vastleggen").form(
            FormBlock::post(
                format!("/financien/begrotingen/{id}/realisaties"),
                "Realisatie vastleggen",
                vec![
                    Field::select("code", "Regel", &typed.code, lines).required(),
                    Field::number("jaar", "Jaar", &typed.year).required(),
                    Field::select("maand", "Maand", &typed.month, months).required(),
                    Field::text("bedrag", "Bedrag in euro's", &typed.amount)
                        .hint(
                            "Wat in die maand is uitgegeven of ontvangen, bijvoorbeeld 91.250,00.",
                        )
                        .required(),
                    Field::textarea(
                        "toelichting",
                        "Toelichting",
                        typed.note.clone().unwrap_or_default(),
                    ),
                ],
            )
            .anchor("realisatie"),
        );
        if !from_stays.is_empty() {
            section.paragraphs.push(format!(
                "Niet in de lijst: {}. Die regels worden gerealiseerd uit de verblijven en de tarieven.",
                from_stays.join(", ")
            ));
        }
        page.sections.push(section);
    }
    page.sections.push(
        PageSection::new("vastgelegd", "Vastgelegde realisaties").table(Table {
            caption: match list.len() {
                1 => "1 realisatie".into(),
                n => format!("{n} realisaties"),
            },
            columns: columns(&[
                "Jaar",
                "Maand",
                "Regel",
                "#Bedrag",
                "Toelichting",
                "Vastgelegd",
            ]),
            rows: list
                .iter()
                .map(|a| {
                    vec![
                        cell(a.year.to_string()),
                        cell(month_name(a.month)),
                        cell(a.code.clone()),
                        amount_cell(Some(a.amount)),
                        cell(or_dash(a.note.clone())),
                        cell(format!(
                            "{} door {}",
                            zothuis_domain::dates::dutch_moment(a.recorded_at),
                            a.recorded_by
                        )),
                    ]
                })
                .collect(),
            empty: "Er zijn (nog) geen realisaties ingevoerd.".into(),
        }),
    );
    Ok(page)
}

async fn actuals(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<FinancePage> {
    let q = query(q)?;
    actuals_page(&s, &u, id, q.melding.as_deref(), None).await
}

async fn add_actual(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let typed = actual_typed(&f);
    let e = match s.services.add_budget_actual(&u.ctx, id, &typed).await {
        Ok(_) => {
            return Ok(done(
                &format!("/financien/begrotingen/{id}/realisaties"),
                "realisatie-vastgelegd",
            ));
        }
        Err(e) => e,
    };
    let page = actuals_page(&s, &u, id, None, Some(typed)).await?;
    Ok(page.failed("realisatie", e))
}

// ---- budget against realisation ---------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ReportQuery {
    jaar: Option<String>,
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    formaat: Option<String>,
}

impl ReportQuery {
    /// The query string that asks the same table (for the download links).
    fn query_string(&self, year: i32, format: &str) -> String {
        let parts = [
            ("formaat", format.to_string()),
            ("jaar", year.to_string()),
            ("bekendOp", self.bekend_op.clone().unwrap_or_default()),
        ];
        serde_urlencoded::to_string(parts).unwrap_or_default()
    }
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Verblijven => "Verblijven × tarief",
        Source::Ingevoerd => "Ingevoerd",
        Source::Prognose => "Prognose historische cliënten",
    }
}

/// A side's totals; a column is hidden (`None`) when a line in it is, so
/// that the total does not give the hidden amount away.
struct SideTotal {
    side: BudgetSide,
    budget: Bedrag,
    realised: Option<Bedrag>,
    forecast: Option<Bedrag>,
    difference: Option<Bedrag>,
}

fn side_totals(lines: &[BudgetReportLine]) -> Vec<SideTotal> {
    BudgetSide::ALL
        .iter()
        .filter(|side| lines.iter().any(|l| l.line.side == **side))
        .map(|side| {
            let mine: Vec<&BudgetReportLine> =
                lines.iter().filter(|l| l.line.side == *side).collect();
            let sum = |f: &dyn Fn(&BudgetReportLine) -> Option<Bedrag>| -> Option<Bedrag> {
                mine.iter()
                    .map(|l| f(l))
                    .try_fold(0i64, |acc, b| b.map(|b| acc + b.0))
                    .map(Bedrag)
            };
            SideTotal {
                side: *side,
                budget: Bedrag(mine.iter().map(|l| l.budget.unwrap_or_default().0).sum()),
                realised: sum(&|l| l.realised),
                forecast: sum(&|l| l.forecast),
                difference: sum(&|l| l.difference),
            }
        })
        .collect()
}

fn report_caption(r: &BudgetReport) -> String {
    let year_end = chrono::NaiveDate::from_ymd_opt(r.year, 12, 31);
    let through = if r.through.year() < r.year {
        ", nog niets gerealiseerd".to_string()
    } else if year_end.is_some_and(|end| r.through < end) {
        format!(", gerealiseerd tot en met {}", dutch_long(r.through))
    } else {
        String::new()
    };
    format!(
        "{} tegenover de realisatie in {}{through}",
        r.version.title, r.year
    )
}

const REPORT_COLUMNS: [&str; 8] = [
    "Code",
    "Omschrijving",
    "Zijde",
    "Bron",
    "#Begroot",
    "#Gerealiseerd",
    "#Prognose jaar",
    "#Verschil",
];

fn report_table(r: &BudgetReport, threshold: u64) -> Table {
    let mark = hidden_text(Hidden::Small, Some(threshold)).unwrap_or_default();
    let shown = |b: Option<Bedrag>, hidden: bool, mark: &str| Cell {
        numeric: true,
        ..cell(match (hidden, b) {
            (true, _) => mark.to_string(),
            (false, Some(b)) => b.to_string(),
            (false, None) => "—".into(),
        })
    };
    let mut rows: Vec<Vec<Cell>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                cell(l.line.code.clone()),
                cell(l.line.label.clone()),
                cell(l.line.side.label()),
                cell(source_label(l.source)),
                amount_cell(l.budget),
                shown(l.realised, l.hidden, &mark),
                shown(l.forecast, l.hidden, &mark),
                shown(l.difference, l.hidden, &mark),
            ]
        })
        .collect();
    let secondary = zothuis_domain::figures::SECONDARY_MARK;
    for t in side_totals(&r.lines) {
        rows.push(vec![
            cell(""),
            cell(format!("Totaal {}", t.side.code())),
            cell(t.side.label()),
            cell(""),
            amount_cell(Some(t.budget)),
            shown(t.realised, t.realised.is_none(), secondary),
            shown(t.forecast, t.forecast.is_none(), secondary),
            shown(t.difference, t.difference.is_none(), secondary),
        ]);
    }
    Table {
        caption: report_caption(r),
        columns: columns(&REPORT_COLUMNS),
        rows,
        empty: "Deze begroting heeft geen regels.".into(),
    }
}

/// What the table says besides its numbers, on the page and in the files.
fn report_notes(r: &BudgetReport, threshold: u64) -> Vec<String> {
    let mut notes = vec![
        "Begroot: het bedrag van de regel in dit jaar. Gerealiseerd: voor zorgkosten de dagen in zorg maal het tarief van die dag, toegerekend aan de verantwoordelijke gemeente (de dag van vertrek telt niet mee); voor andere regels de ingevoerde realisaties per maand. Prognose: de verwachting voor het hele jaar; voor zorgkosten de bekende verblijven, lopende verblijven tot het einde van het jaar tegen hun tarief; voor andere regels de realisatie tot en met de laatste ingevoerde maand en de rest van het jaar zoals begroot. Verschil: prognose min begroot; positief is meer uitgegeven (lasten) of meer ontvangen (baten) dan begroot.".to_string(),
    ];
    if r.lines.iter().any(|l| l.source == Source::Prognose) {
        notes.push("Zorgkosten historische cliënten in een later jaar: de prognose van het historische cohort (zie Prognose historische cliënten); er is nog niets gerealiseerd.".into());
    }
    if r.unpriced_days > 0 {
        notes.push(format!(
            "Let op: {} {} in zorg zonder tarief {} niet meegeteld in de zorgkosten. Leg de ontbrekende tarieven vast om ze mee te tellen (zie Kosten van zorg, ‘Dagen zonder tarief’).",
            r.unpriced_days,
            if r.unpriced_days == 1 { "dag" } else { "dagen" },
            if r.unpriced_days == 1 { "is" } else { "zijn" },
        ));
    }
    if r.lines.iter().any(|l| l.hidden) {
        notes.push(format!(
            "Zorgkosten over minder dan {threshold} cliënten staan er als \"<{threshold}\"; een totaal dat zo'n bedrag zou verraden als \"{}\".",
            zothuis_domain::figures::SECONDARY_MARK
        ));
    }
    notes
}

fn report_form(id: i64, year: &str, known: &str) -> FormBlock {
    FormBlock::get(
        format!("/financien/begrotingen/{id}/realisatie"),
        "Tonen",
        vec![
            Field::number("jaar", "Jaar", year),
            Field::date("bekendOp", "Zoals bekend op", known).hint(
                "Leeg: zoals nu bekend. Een eerdere datum laat de realisatie zien zonder de latere correcties, realisaties en begrotingswijzigingen.",
            ),
        ],
    )
    .anchor("vraag")
}

async fn report_page(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    let this_year = s.services.clock.today().year();
    let year = year_param(q.jaar.as_deref(), this_year);
    let result = match super::clients::known_at(q.bekend_op.as_deref()) {
        Ok(k) => s.services.budget_report(&u.ctx, id, year, k).await,
        Err(e) => Err(e),
    };
    let typed_year = q.jaar.clone().unwrap_or_else(|| year.to_string());
    let heading = "Begroting tegenover realisatie";
    let mut l = layout(&s, &u, heading, None).await;
    l.breadcrumbs
        .push(link(format!("/financien/begrotingen/{id}"), "De begroting"));
    let mut page = FinancePage::new(l, heading);
    page.sections.push(
        PageSection::new("jaar-en-moment", "Jaar en moment").form(report_form(
            id,
            &typed_year,
            q.bekend_op.as_deref().unwrap_or(""),
        )),
    );
    let r = match result {
        Ok(r) => r,
        Err(e @ DomainError::Invalid(_)) => return Ok(page.failed("vraag", e)),
        Err(e) => return Err(PageError(e)),
    };
    page.heading = format!(
        "{}: begroting tegenover realisatie {}",
        r.budget.name, r.year
    );
    page.intro = Some(format!(
        "Zoals bekend op {}. Per regel het begrote bedrag, wat is gerealiseerd en de prognose voor het hele jaar.",
        zothuis_domain::dates::dutch_moment(r.known_at)
    ));
    page.links = vec![
        link(
            format!("/financien/begrotingen/{id}/realisaties"),
            "Realisaties per maand",
        ),
        link(
            "/financien/begrotingen/prognose",
            "Prognose historische cliënten",
        ),
    ];
    let threshold = s.services.settings.small_numbers;
    let table = report_table(&r, threshold);
    let mut section = PageSection::new("tabel", table.caption.clone()).table(table);
    section.paragraphs = report_notes(&r, threshold);
    section.downloads = vec![
        link(
            format!(
                "/financien/begrotingen/{id}/realisatie/export?{}",
                q.query_string(r.year, "csv")
            ),
            "CSV",
        ),
        link(
            format!(
                "/financien/begrotingen/{id}/realisatie/export?{}",
                q.query_string(r.year, "xlsx")
            ),
            "Excel",
        ),
    ];
    page.sections.push(section);
    Ok(page.into_response())
}

/// The table as a file: what the page shows, hidden amounts as their mark,
/// amounts as numbers with two decimals.
fn report_export(r: &BudgetReport, threshold: u64) -> ExportTable {
    let mark = hidden_text(Hidden::Small, Some(threshold)).unwrap_or_default();
    let amount = |b: Option<Bedrag>, hidden: bool, mark: &str| match (hidden, b) {
        (true, _) => ExportCell::Text(mark.to_string()),
        (false, Some(b)) => ExportCell::Cents(b.cents()),
        (false, None) => ExportCell::Text(String::new()),
    };
    let mut rows: Vec<Vec<ExportCell>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                ExportCell::Text(l.line.code.clone()),
                ExportCell::Text(l.line.label.clone()),
                ExportCell::Text(l.line.side.label().into()),
                ExportCell::Text(source_label(l.source).into()),
                amount(l.budget, false, ""),
                amount(l.realised, l.hidden, &mark),
                amount(l.forecast, l.hidden, &mark),
                amount(l.difference, l.hidden, &mark),
            ]
        })
        .collect();
    let secondary = zothuis_domain::figures::SECONDARY_MARK;
    for t in side_totals(&r.lines) {
        rows.push(vec![
            ExportCell::Text(String::new()),
            ExportCell::Text(format!("Totaal {}", t.side.code())),
            ExportCell::Text(t.side.label().into()),
            ExportCell::Text(String::new()),
            ExportCell::Cents(t.budget.cents()),
            amount(t.realised, t.realised.is_none(), secondary),
            amount(t.forecast, t.forecast.is_none(), secondary),
            amount(t.difference, t.difference.is_none(), secondary),
        ]);
    }
    let mut notes = vec![
        report_caption(r),
        format!(
            "{}, zoals bekend op {}.",
            r.budget.name,
            zothuis_domain::dates::dutch_moment(r.known_at)
        ),
    ];
    notes.extend(report_notes(r, threshold));
    ExportTable {
        title: format!("Begroting {}", r.year),
        header: [
            "Code",
            "Omschrijving",
            "Zijde",
            "Bron",
            "Begroot (€)",
            "Gerealiseerd (€)",
            "Prognose jaar (€)",
            "Verschil (€)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        notes,
    }
}

async fn export(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let q: ReportQuery = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).map_err(|_| {
        PageError(DomainError::invalid(
            "zoekvraag",
            "het adres van deze pagina bevat een ongeldige zoekvraag; open de pagina opnieuw via het menu",
        ))
    })?;
    let format = q.formaat.as_deref().unwrap_or("csv").trim().to_string();
    if !matches!(format.as_str(), "" | "csv" | "xlsx") {
        return Err(PageError(DomainError::invalid(
            "formaat",
            "kies csv of xlsx",
        )));
    }
    let today = s.services.clock.today();
    let year = year_param(q.jaar.as_deref(), today.year());
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let r = s.services.budget_report(&u.ctx, id, year, k).await?;
    let file = report_export(&r, s.services.settings.small_numbers);
    let stem = format!("begroting-{id}-realisatie-{}-{today}", r.year);
    if format == "xlsx" {
        let bytes = to_xlsx(&file).map_err(DomainError::Internal)?;
        return Ok(crate::export::attachment(
            crate::export::XLSX,
            &format!("{stem}.xlsx"),
            bytes,
        ));
    }
    Ok(crate::export::attachment(
        crate::export::CSV,
        &format!("{stem}.csv"),
        to_csv(&file),
    ))
}

// ---- the historical cohort's forecast ---------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ForecastQuery {
    gemeente: Option<String>,
    jaren: Option<String>,
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
}

async fn forecast_form(s: &AppState, u: &PageUser, q: &ForecastQuery) -> PageResult<FormBlock> {
    let view = budget_view(u.actor()).map_err(|r| PageError(DomainError::Forbidden(r.into())))?;
    let names = Names::load(s, u).await?;
    let asked = q.gemeente.clone().unwrap_or_default();
    let mut fields = Vec::new();
    let mine: Vec<(String, String)> = names
        .municipalities
        .iter()
        .filter(|(code, _, region)| match &view.scope {
            FigureScope::All | FigureScope::Provider(_) => true,
            FigureScope::Region(r) => region == r,
            FigureScope::Municipality(own) => own.as_str() == code,
        })
        .map(|(code, name, _)| (code.clone(), name.clone()))
        .collect();
    if mine.len() > 1 {
        let mut options = vec![(
            String::new(),
            match &view.scope {
                FigureScope::Region(r) => format!("De hele regio {}", names.region(*r)),
                _ => "— kies een gemeente —".to_string(),
            },
        )];
        options.extend(mine);
        if !asked.trim().is_empty() && !options.iter().any(|(c, _)| *c == asked) {
            options.push((asked.clone(), format!("Gemeente {asked}")));
        }
        fields.push(
            Field::select("gemeente", "Gemeente", &asked, options)
                .hint("De verantwoordelijke gemeente: die van de beschikking."),
        );
    }
    fields.push(
        Field::number(
            "jaren",
            "Aantal jaren",
            q.jaren.clone().unwrap_or_else(|| "5".into()),
        )
        .hint(&format!(
            "Dit jaar meegerekend; hoogstens {}.",
            zothuis_domain::finance::service::MAX_FORECAST_YEARS
        )),
    );
    fields.push(
        Field::date(
            "bekendOp",
            "Zoals bekend op",
            q.bekend_op.clone().unwrap_or_default(),
        )
        .hint("Leeg: vandaag. De prognose rekent vanaf die dag, met wat toen bekend was."),
    );
    Ok(FormBlock::get("/financien/begrotingen/prognose", "Prognose tonen", fields).anchor("vraag"))
}

fn persons(x: f64) -> String {
    format!("{:.1}", round(x, 1)).replace('.', ",")
}

async fn forecast_page(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ForecastQuery>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    let heading = "Prognose zorgkosten historische cliënten";
    let mut page = FinancePage::new(layout(&s, &u, heading, None).await, heading);
    page.intro = Some("Wat de cliënten die op de peildatum van het historische cohort in zorg waren, de komende jaren naar verwachting nog kosten: zij verlaten de zorg in de loop van de tijd en worden niet vervangen. Zo ziet u hoe de begrotingsregel ‘zorgkosten oude cliënten’ afneemt.".into());
    page.sections.push(
        PageSection::new("vraag-sectie", "Gebied, jaren en moment")
            .form(forecast_form(&s, &u, &q).await?),
    );
    let result = match super::clients::known_at(q.bekend_op.as_deref()) {
        Ok(k) => {
            s.services
                .cohort_forecast(
                    &u.ctx,
                    q.gemeente.as_deref(),
                    years_param(q.jaren.as_deref()),
                    k,
                )
                .await
        }
        Err(e) => Err(e),
    };
    let v = match result {
        Ok(v) => v,
        Err(e @ DomainError::Invalid(_)) => return Ok(page.failed("vraag", e)),
        Err(e) => return Err(PageError(e)),
    };
    let threshold = s.services.settings.small_numbers;
    let f = &v.forecast;
    let mark = hidden_text(Hidden::Small, Some(threshold)).unwrap_or_default();
    let shown = |text: String| if v.hidden { mark.clone() } else { text };
    let facts: Vec<(String, String)> = [
        ("Gebied", v.area.clone()),
        ("Peildatum historisch cohort", dutch_long(f.cutoff)),
        ("Prognose vanaf", dutch_long(f.as_of)),
        (
            "Cliënten op de peildatum",
            shown(f.members_at_cutoff.to_string()),
        ),
        ("Nu nog in zorg", shown(f.members_now.to_string())),
        ("Sindsdien vertrokken", shown(f.exits.to_string())),
        (
            "Uitstroom per jaar",
            shown(crate::nl::percentage(f.rate_per_year)),
        ),
        (
            "Na een jaar nog in zorg",
            shown(crate::nl::percentage(f.retention_per_year)),
        ),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_string(), value))
    .collect();
    let mut paragraphs = Vec::new();
    if v.hidden {
        paragraphs.push(format!(
            "Het historische cohort van {} telt minder dan {threshold} cliënten: aantallen en bedragen staan er als \"{mark}\".",
            v.area
        ));
    }
    let number = |text: String| Cell {
        numeric: true,
        ..cell(shown(text))
    };
    let mut expected = PageSection::new("verwachting", "Verwachte kosten per jaar");
    expected.paragraphs = paragraphs;
    expected.facts = facts;
    page.sections.push(
        expected.table(Table {
            caption: format!("Verwachte zorgkosten historische cliënten van {}", v.area),
            columns: columns(&[
                "Jaar",
                "#Verwacht in zorg op 1 juli",
                "#Gerealiseerd",
                "#Kosten (gerealiseerd en verwacht)",
            ]),
            rows: f
                .years
                .iter()
                .map(|y| {
                    vec![
                        cell(y.year.to_string()),
                        number(persons(y.persons_mid_year)),
                        number(y.realised.to_string()),
                        number(y.cost.to_string()),
                    ]
                })
                .collect(),
            empty: "Geen jaren.".into(),
        }),
    );
    let mut assumptions = PageSection::new("aannames", "Aannames van het model");
    assumptions.items = crate::nl::forecast_assumptions(f, &v.area, v.hidden.then_some(threshold));
    page.sections.push(assumptions);
    Ok(page.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_posted_table_keeps_its_rows_and_years_and_skips_empty_rows() {
        let f = form(&[
            ("naam", "GO BW"),
            ("r1-code", "a"),
            ("r1-zijde", "lasten"),
            ("r1-2025", "1.000"),
            ("r1-2026", ""),
            ("r2-code", ""),
            ("r2-2025", ""),
            ("r3-code", "b"),
            ("r3-2026", "5"),
            ("r99-code", "te ver"),
        ]);
        let (typed, shape) = TypedVersion::posted(&f);
        assert_eq!(
            shape,
            Shape {
                years: vec![2025, 2026],
                rows: 3
            }
        );
        let (version, rows) = typed.version();
        assert_eq!(rows, vec![1, 3]);
        assert_eq!(version.lines[1].code, "b");
        assert_eq!(
            version.lines[1].amounts,
            vec![
                ("2025".to_string(), String::new()),
                ("2026".to_string(), "5".to_string())
            ]
        );
    }

    #[test]
    fn a_lines_problem_lands_in_its_cell() {
        let rows = [1, 3, 4];
        assert_eq!(grid_field(&rows, "regels[2].categorie"), "r3-categorie");
        assert_eq!(grid_field(&rows, "regels[3].bedrag2025"), "r4-2025");
        assert_eq!(grid_field(&rows, "regels"), "r1-code");
        assert_eq!(grid_field(&rows, "titel"), "titel");
        // A line the form never had stays a problem of the form.
        assert_eq!(grid_field(&rows, "regels[9].code"), "regels[9].code");
    }

    #[test]
    fn the_shape_asked_stays_within_bounds() {
        let default = Shape {
            years: vec![2026, 2027, 2028, 2029],
            rows: 12,
        };
        let q = ShapeQuery {
            van: Some("2024".into()),
            tot: Some("2099".into()),
            regels: Some("1000".into()),
            ..ShapeQuery::default()
        };
        let shape = Shape::asked(&q, default.clone());
        assert_eq!(shape.years.len(), MAX_GRID_YEARS as usize);
        assert_eq!(shape.years[0], 2024);
        assert_eq!(shape.rows, 12);
        assert_eq!(
            Shape::asked(&ShapeQuery::default(), default.clone()),
            default
        );
    }
}
