//! The upload page of the import: whoever keeps one of the importable
//! registers (the waitlist manager, a Wmo consultant, a provider, the
//! outreach team; `policy::may_import`) sends spreadsheets, checks them
//! (nothing is written) or imports them, and sees every problem by file,
//! row and column.

use super::*;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::routing::get;
use zothuis_domain::import::plan::ImportCounts;
use zothuis_domain::import::{Problem, TableKind};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/import", get(show).post(upload))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
}

fn upload_form() -> FormBlock {
    FormBlock::post(
        "/import",
        "Importeren",
        vec![
            Field::files(
                "bestanden",
                "Bestanden",
                ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .required()
            .hint("CSV-bestanden met de namen hieronder, of één Excel-werkboek (.xlsx) met zulke werkbladen. U kunt meerdere bestanden tegelijk kiezen."),
            Field::checkbox("alleenControleren", "Alleen controleren (er wordt niets opgeslagen)", true),
        ],
    )
    .upload()
}

/// The documented tables and columns the user may import, as on
/// docs/import.md.
fn column_tables(u: &PageUser) -> Vec<Table> {
    TableKind::ALL
        .iter()
        .filter(|k| can(u.actor(), Action::ImportTable(**k)).is_allowed())
        .map(|k| Table {
            caption: format!("{} — {}", k.name(), k.description()),
            columns: columns(&["Kolom", "Verplicht", "Inhoud"]),
            rows: k
                .columns()
                .iter()
                .map(|c| {
                    vec![
                        cell(c.name),
                        cell(if c.required { "ja" } else { "nee" }),
                        cell(c.description),
                    ]
                })
                .collect(),
            empty: String::new(),
        })
        .collect()
}

async fn page(s: &AppState, u: &PageUser, heading: &str) -> DetailPage {
    let l = Layout::new(s, u, "Importeren", Section::Import).await;
    let mut page = DetailPage::new(l, heading);
    page.intro = Some(
        "Breng uw registers over uit spreadsheets: hieronder staan de tabellen die u mag importeren. zothuis controleert elke regel en kolom; een import wordt helemaal of helemaal niet opgeslagen.".into(),
    );
    page
}

async fn show(State(s): State<AppState>, u: PageUser) -> PageResult<DetailPage> {
    if !zothuis_domain::policy::may_import(u.actor()) {
        return Err(PageError(DomainError::Forbidden(
            "u houdt geen register bij dat geïmporteerd kan worden".into(),
        )));
    }
    let mut page = page(&s, &u, "Importeren uit spreadsheets").await;
    page.forms.push(upload_form());
    page.tables = column_tables(&u);
    Ok(page)
}

/// Where to look at what was imported: the first register it held.
fn imported_link(c: &ImportCounts) -> Link {
    if c.clients > 0 {
        link("/wachtlijst", "Naar de wachtlijst")
    } else if c.quotas > 0 {
        link("/uitstroom", "Naar de uitstroom")
    } else if c.tenancies > 0 {
        link("/hov", "Naar Huren Onder Voorwaarden")
    } else if c.trajectories > 0 {
        link("/zorgcoordinatie", "Naar zorgcoördinatie")
    } else {
        link("/", "Naar het overzicht")
    }
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
    let mut result = page(&s, &u, "Importeren uit spreadsheets").await;
    let upload = match crate::upload::read(form).await {
        Ok(up) => up,
        Err(DomainError::Invalid(errors)) => {
            let mut f = upload_form();
            result.errors = f.apply_errors(&errors);
            result.forms.push(f);
            result.tables = column_tables(&u);
            return Ok((StatusCode::BAD_REQUEST, result).into_response());
        }
        Err(other) => return Err(PageError(other)),
    };
    let report = crate::upload::import(&s.services, &u.ctx, &upload).await?;
    let files = upload.files;
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if !report.problems.is_empty() {
        result.heading = "Niet geïmporteerd".into();
        result.errors = vec![link(
            "#tabel-1",
            format!(
                "Er {} {} gevonden; er is niets opgeslagen. Verbeter de bestanden en probeer het opnieuw.",
                if report.problems.len() == 1 {
                    "is"
                } else {
                    "zijn"
                },
                if report.problems.len() == 1 {
                    "1 probleem".to_string()
                } else {
                    format!("{} problemen", report.problems.len())
                }
            ),
        )];
        result.tables.push(problem_table(&report.problems));
    } else if report.applied {
        result.heading = "Geïmporteerd".into();
        result = result.fact("Opgeslagen", report.counts.to_string());
        result.actions.push(imported_link(&report.counts));
    } else {
        result.heading = "Gecontroleerd: geen problemen".into();
        result = result.fact(
            "Klaar om te importeren",
            format!("{} (nog niet opgeslagen)", report.counts),
        );
    }
    result = result.fact("Bestanden", names.join(", "));
    result.forms.push(upload_form());
    Ok((status, result).into_response())
}
