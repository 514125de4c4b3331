//! Prognoses: the population forecasts of the region, loaded by its policy
//! officer from a CSV file and read by the policy roles and the board.

use super::*;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::routing::get;
use zothuis_domain::dates::dutch_timestamp;
use zothuis_domain::forecast::PopulationInput;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/prognoses", get(list).post(load))
        .route("/prognoses/bevolking/{id}", get(show))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
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
    if u.user.role == Role::Beleidsadviseur {
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
    let names: std::collections::HashMap<String, String> = s
        .services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .map(|m| (m.code.to_string(), m.name))
        .collect();
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
                let name = names
                    .get(g.as_str())
                    .cloned()
                    .unwrap_or_else(|| g.to_string());
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
