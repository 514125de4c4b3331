//! The delivery to the CBS Monitor Dakloosheid on a page: the policy
//! officer or the privacy officer of a region chooses the period and says
//! why, sees what the file holds (without BSNs) and downloads it.

use super::*;
use axum::extract::State;
use axum::routing::get;
use std::collections::HashMap;
use zothuis_domain::exchange::cbs::COLUMNS;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cbs", get(show))
        .route("/cbs/bestand", get(file))
}

/// Who makes the delivery: a policy officer or the privacy officer of a
/// region (`Services::cbs_extract`).
pub fn may_deliver(u: &PageUser) -> bool {
    matches!(
        (&u.user.role, &u.user.scope),
        (Role::Beleidsadviseur | Role::Fg, Scope::Regio(_))
    )
}

/// The page asks what the API does (`api::cbs::LeveringVraag`).
type Question = crate::api::cbs::LeveringVraag;

fn form(q: &Question, last_year: i32) -> FormBlock {
    FormBlock::get(
        "/cbs",
        "Levering samenstellen",
        vec![
            Field::date(
                "periodeVan",
                "Periode van",
                q.periode_van.clone().unwrap_or_else(|| format!("{last_year}-01-01")),
            )
            .required(),
            Field::date(
                "periodeTot",
                "Periode tot en met",
                q.periode_tot.clone().unwrap_or_else(|| format!("{last_year}-12-31")),
            )
            .required()
            .hint("Het CBS vraagt per kalenderjaar. Voor een peildatum: dezelfde dag als het begin."),
            Field::text("doel", "Doel van de levering", q.doel.clone().unwrap_or_default())
                .required()
                .hint("Bijvoorbeeld: uitvraag Monitor Dakloosheid van het CBS over dit jaar. Het doel komt in het auditlog."),
        ],
    )
    .anchor("levering")
}

async fn show(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<Question>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    if !may_deliver(&u) {
        return Err(PageError(DomainError::Forbidden(
            "de levering aan het CBS maakt een beleidsadviseur of de functionaris gegevensbescherming van een regio".into(),
        )));
    }
    let l = Layout::new(&s, &u, "CBS Monitor Dakloosheid", Section::Cbs).await;
    let mut page = DetailPage::new(l, "Levering Monitor Dakloosheid (CBS)");
    page.intro = Some(
        "Het CBS vraagt de centrumgemeente jaarlijks wie in de maatschappelijke opvang verbleef: de noodopvang en de tijdelijke opvang \
         (ETHOS Light categorie 2 en 3), zonder beschermd wonen en vrouwenopvang. zothuis maakt het bestand uit de verblijven van uw regio: \
         één regel per persoon met BSN; het CBS koppelt en pseudonimiseert zelf. Welke producten in welke categorie vallen, staat in de configuratie ([cbs])."
            .into(),
    );
    let last_year = s
        .services
        .clock
        .today()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2025)
        - 1;
    let f = form(&q, last_year);
    if !q.asked() {
        page.forms.push(f);
        return Ok(page.into_response());
    }
    match s.services.cbs_extract(&u.ctx, &q.input(false)).await {
        Ok(e) => {
            page.forms.push(f);
            page = page
                .fact(
                    "Periode",
                    format!("{} tot en met {}", dutch_long(e.from), dutch_long(e.to)),
                )
                .fact("Personen in het bestand", e.rows.len().to_string())
                .fact(
                    "Zonder BSN (niet in het bestand)",
                    e.without_bsn.to_string(),
                );
            page.tables.push(Table {
                caption: "Personen per categorie (een persoon in beide telt in beide)".into(),
                columns: columns(&["Categorie", "#Personen"]),
                rows: e
                    .per_category
                    .iter()
                    .map(|(c, n)| vec![cell(c.label()), num_cell(*n as i64)])
                    .collect(),
                empty: "Geen personen in de noodopvang of tijdelijke opvang in deze periode."
                    .into(),
            });
            let names: HashMap<String, String> = s
                .services
                .list_municipalities(&u.ctx)
                .await?
                .into_iter()
                .map(|m| (m.code.to_string(), m.name))
                .collect();
            page.tables.push(Table {
                caption: "Personen in het bestand per gemeente en categorie".into(),
                columns: columns(&["Gemeente", "Categorie", "#Personen"]),
                rows: e
                    .per_municipality()
                    .into_iter()
                    .map(|((g, c), n)| {
                        vec![
                            cell(
                                names
                                    .get(g.as_str())
                                    .cloned()
                                    .unwrap_or_else(|| g.to_string()),
                            ),
                            cell(c.label()),
                            num_cell(n as i64),
                        ]
                    })
                    .collect(),
                empty: "Het bestand is leeg.".into(),
            });
            page.tables.push(Table {
                caption: "Kolommen van het bestand".into(),
                columns: columns(&["Kolom"]),
                rows: COLUMNS.iter().map(|c| vec![cell(*c)]).collect(),
                empty: String::new(),
            });
            let params = serde_urlencoded::to_string([
                ("periodeVan", e.from.to_string()),
                ("periodeTot", e.to.to_string()),
                ("doel", q.doel.clone().unwrap_or_default()),
            ])
            .unwrap_or_default();
            page.actions.push(link(
                format!("/cbs/bestand?{params}"),
                "Bestand voor het CBS downloaden (CSV, met BSN)",
            ));
            Ok(page.into_response())
        }
        Err(DomainError::Invalid(errors)) => {
            let mut f = f;
            page.errors = f.apply_errors(&errors);
            page.forms.push(f);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn file(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<Question>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    let e = s.services.cbs_extract(&u.ctx, &q.input(true)).await?;
    Ok(crate::export::attachment(
        crate::export::CSV,
        &crate::api::cbs::file_name(&e),
        e.csv().into_bytes(),
    ))
}
