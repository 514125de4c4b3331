//! Requests of access (AVG art. 15) for the privacy officer: the register of
//! requests, recording one, and the answer as a page, a PDF and JSON.

use super::*;
use axum::extract::{Query, State};
use axum::routing::get;
use zothuis_domain::dates::dutch_timestamp;
use zothuis_domain::privacy::{AccessRequest, AccessRequestInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inzageverzoeken", get(requests).post(record))
        .route("/inzageverzoeken/{id}", get(request))
        .route("/inzageverzoeken/{id}/overzicht", get(overview))
        .route("/bewaartermijnen", get(retention).post(anonymise))
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::SubjectAccess)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/inzageverzoeken", "Inzageverzoeken")])
}

fn state_cell(r: &AccessRequest, today: chrono::NaiveDate) -> Cell {
    match r.answered_at {
        Some(at) => badge_cell(
            format!(
                "beantwoord op {}",
                dutch_long(zothuis_domain::dates::dutch_local(at).date())
            ),
            "ok",
        ),
        None if r.due_on() < today => badge_cell("te laat", "warn"),
        None => badge_cell("open", "muted"),
    }
}

async fn requests_page(
    s: &AppState,
    u: &PageUser,
    notice: Option<&str>,
    typed: Option<&AccessRequestInput>,
) -> PageResult<DetailPage> {
    let found = s.services.list_access_requests(&u.ctx).await?;
    let today = s.services.clock.today();
    let mut page = DetailPage::new(
        layout(s, u, "Inzageverzoeken", notice).await,
        "Inzageverzoeken",
    );
    page.intro = Some(
        "Een cliënt mag zien welke gegevens zothuis over hem of haar bewaart en wie ze heeft ingezien (AVG artikel 15). \
         Controleer eerst de identiteit van de aanvrager, leg dan het verzoek vast en maak het overzicht. \
         Het antwoord is binnen een maand na ontvangst verschuldigd (AVG artikel 12 lid 3)."
            .into(),
    );
    page.tables.push(Table {
        caption: "Verzoeken, nieuwste eerst".into(),
        columns: columns(&[
            "Verzoek",
            "#Cliëntnummer",
            "Ontvangen op",
            "Beantwoorden vóór",
            "Status",
        ]),
        rows: found
            .iter()
            .map(|r| {
                vec![
                    link_cell(
                        format!("nummer {}", r.id),
                        format!("/inzageverzoeken/{}", r.id),
                    ),
                    num_cell(r.client_id),
                    date_cell(r.received_on),
                    date_cell(r.due_on()),
                    state_cell(r, today),
                ]
            })
            .collect(),
        empty: "Er zijn nog geen inzageverzoeken vastgelegd.".into(),
    });
    let default = AccessRequestInput {
        received_on: today.to_string(),
        ..Default::default()
    };
    let input = typed.unwrap_or(&default);
    page.forms.push(
        FormBlock::post(
            "/inzageverzoeken",
            "Verzoek vastleggen",
            vec![
                Field::text("bsn", "BSN", &input.bsn)
                    .hint("Zoals op het identiteitsbewijs. Heeft de cliënt geen BSN, vul dan het cliëntnummer in."),
                Field::number("clientnummer", "Cliëntnummer (zonder BSN)", &input.client_number),
                Field::date("geboortedatum", "Geboortedatum", &input.date_of_birth).required(),
                Field::date("ontvangenOp", "Ontvangen op", &input.received_on).required(),
                Field::text(
                    "identiteitGecontroleerd",
                    "Hoe is de identiteit gecontroleerd?",
                    &input.identity_check,
                )
                .hint("Bijvoorbeeld: paspoort gezien aan de balie (AVG artikel 12 lid 6).")
                .required(),
                Field::textarea("toelichting", "Toelichting", &input.note),
            ],
        )
        .heading("Nieuw inzageverzoek")
        .anchor("verzoek"),
    );
    Ok(page)
}

async fn requests(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    requests_page(&s, &u, q.melding.as_deref(), None).await
}

async fn record(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let input = AccessRequestInput {
        bsn: f.get("bsn"),
        client_number: f.get("clientnummer"),
        date_of_birth: f.get("geboortedatum"),
        received_on: f.get("ontvangenOp"),
        identity_check: f.get("identiteitGecontroleerd"),
        note: f.get("toelichting"),
    };
    match s.services.record_access_request(&u.ctx, &input).await {
        Ok(r) => Ok(done(&format!("/inzageverzoeken/{}", r.id), "inzageverzoek")),
        Err(e @ DomainError::Invalid(_)) => {
            let page = requests_page(&s, &u, None, Some(&input)).await?;
            Ok(failed_at(page, "verzoek", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn request(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    let r = s.services.get_access_request(&u.ctx, id).await?;
    let today = s.services.clock.today();
    let mut page = DetailPage::new(
        layout(&s, &u, "Inzageverzoek", q.melding.as_deref()).await,
        format!("Inzageverzoek nummer {id}"),
    );
    page = page
        .fact("Cliëntnummer", r.client_id.to_string())
        .fact("Ontvangen op", dutch_long(r.received_on))
        .fact("Beantwoorden vóór", dutch_long(r.due_on()))
        .fact("Identiteit gecontroleerd", r.identity_check.clone())
        .fact("Toelichting", r.note.clone().unwrap_or_else(|| "—".into()))
        .fact("Vastgelegd op", dutch_timestamp(r.recorded_at, false))
        .fact(
            "Beantwoord op",
            r.answered_at
                .map(|a| dutch_timestamp(a, false))
                .unwrap_or_else(|| "nog niet".into()),
        );
    if r.open_on(today) {
        page.intro = Some(
            "Het overzicht bevat alles wat zothuis over de cliënt bewaart. Het maken ervan geldt als het antwoord op dit verzoek en staat in het auditlog; \
             het kan tot en met de dag van het antwoord opnieuw worden gemaakt, als pagina, PDF of JSON (AVG artikel 20)."
                .into(),
        );
        page.actions.push(link(
            format!("/inzageverzoeken/{id}/overzicht"),
            "Overzicht bekijken",
        ));
        page.actions.extend(downloads(id));
    } else {
        page.intro = Some(
            "Dit verzoek is beantwoord. Voor een nieuwe inzage legt u een nieuw verzoek vast."
                .into(),
        );
    }
    Ok(page)
}

/// The answer as PDF and as JSON (AVG art. 20).
fn downloads(id: i64) -> [Link; 2] {
    ["pdf", "json"].map(|f| {
        link(
            format!("/inzageverzoeken/{id}/overzicht?formaat={f}"),
            format!("Overzicht als {}", f.to_uppercase()),
        )
    })
}

#[derive(serde::Deserialize, Default)]
struct OverviewQuery {
    formaat: Option<String>,
}

async fn overview(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<OverviewQuery>, QueryRejection>,
) -> PageResult<Response> {
    let q = query(q)?;
    let format = q.formaat.as_deref().map(str::trim).unwrap_or("");
    if !matches!(format, "" | "html" | "pdf" | "json") {
        return Err(PageError(DomainError::invalid(
            "formaat",
            "kies html, pdf of json",
        )));
    }
    let dossier = s.services.subject_access_export(&u.ctx, id).await?;
    let stem = format!("inzage-{id}");
    match format {
        "pdf" | "json" => {
            let data = crate::api::privacy::Inzagedossier::from(dossier);
            let json = serde_json::to_string_pretty(&data)
                .map_err(|e| PageError(DomainError::Internal(format!("overzicht: {e}"))))?;
            if format == "json" {
                return Ok(crate::export::attachment(
                    "application/json",
                    &format!("{stem}.json"),
                    json.into_bytes(),
                ));
            }
            let pdf = crate::report::subject_access_pdf(json).await?;
            Ok(crate::report::pdf_response(pdf, &format!("{stem}.pdf")))
        }
        _ => {
            let mut page = DetailPage::new(
                layout(&s, &u, "Overzicht voor inzageverzoek", None).await,
                "Overzicht van de gegevens in zothuis",
            );
            page.facts = dossier.facts();
            page.intro = Some(dossier.notices.join(" "));
            page.actions.extend(downloads(id));
            for section in dossier.sections {
                page.tables.push(Table {
                    caption: section.title.into(),
                    columns: columns(&section.columns.iter().map(|(_, l)| *l).collect::<Vec<_>>()),
                    rows: section
                        .rows
                        .into_iter()
                        .map(|row| row.into_iter().map(cell).collect())
                        .collect(),
                    empty: section.empty.into(),
                });
            }
            Ok(page.into_response())
        }
    }
}

/// Retention for the privacy officer: the records past their period, by
/// client number and dates only, each checked to be anonymised; and the
/// runs approved before.
async fn retention_page(
    s: &AppState,
    u: &PageUser,
    notice: Option<&str>,
    chosen: Option<&[String]>,
) -> PageResult<DetailPage> {
    let due = s.services.retention_due(&u.ctx).await?;
    let runs = s.services.retention_runs(&u.ctx).await?;
    let periods = s.services.settings.retention;
    let l = Layout::new(s, u, "Bewaartermijnen", Section::Retention)
        .await
        .with_notice(notice);
    let mut page = DetailPage::new(l, "Bewaartermijnen");
    page.intro = Some(format!(
        "Een dossier wordt {} jaar na de laatste activiteit bewaard als er een voorziening is \
         toegekend, en {} jaar als er niets is toegekend (instelling [privacy] van deze \
         installatie). Daarna worden de persoonsgegevens, adresregels, toelichtingen en de details \
         in het auditlog verwijderd; wat de cijfers nodig hebben (datums, product, gemeente, \
         aanbieder) blijft, zodat eerder gepubliceerde cijfers gelijk blijven. Een dossier met een \
         lopend verblijf, een open wachtlijstplaatsing of een onbeantwoord inzageverzoek verloopt niet.",
        periods.years_after_care, periods.years_without_provision
    ));
    page.tables.push(Table {
        caption: "Dossiers over de bewaartermijn".into(),
        columns: columns(&[
            "Cliëntnummer",
            "Laatste activiteit",
            "Termijn",
            "Over de termijn sinds",
        ]),
        rows: due
            .iter()
            .map(|e| {
                vec![
                    cell(e.client_id.to_string()),
                    date_cell(e.last_activity),
                    cell(format!(
                        "{} jaar ({})",
                        periods.years(e.granted),
                        if e.granted {
                            "voorziening toegekend"
                        } else {
                            "geen voorziening"
                        }
                    )),
                    date_cell(e.expired_on),
                ]
            })
            .collect(),
        empty: "Er zijn geen dossiers over de bewaartermijn.".into(),
    });
    if !due.is_empty() {
        let all: Vec<String> = due.iter().map(|e| e.client_id.to_string()).collect();
        let options = due
            .iter()
            .map(|e| {
                (
                    e.client_id.to_string(),
                    format!("cliëntnummer {}", e.client_id),
                )
            })
            .collect();
        page.forms.push(
            FormBlock::post(
                "/bewaartermijnen",
                "Anonimiseren",
                vec![Field::checkboxes(
                    "clienten",
                    "Dossiers die worden geanonimiseerd",
                    chosen.unwrap_or(&all),
                    options,
                )
                .hint("Haal het vinkje weg bij een dossier dat langer bewaard moet blijven, bijvoorbeeld vanwege een lopende procedure. Anonimiseren kan niet ongedaan worden gemaakt.")],
            )
            .heading("Anonimiseren goedkeuren")
            .anchor("anonimiseren")
            .danger(),
        );
    }
    page.tables.push(Table {
        caption: "Eerdere anonimiseringen".into(),
        columns: columns(&["Goedgekeurd op", "Door", "#Dossiers", "#Auditregels gewist"]),
        rows: runs
            .iter()
            .map(|r| {
                vec![
                    cell(dutch_timestamp(r.approved_at, false)),
                    cell(&r.approved_by),
                    num_cell(r.clients),
                    num_cell(r.audit_rows),
                ]
            })
            .collect(),
        empty: "Nog niets geanonimiseerd.".into(),
    });
    Ok(page)
}

async fn retention(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    retention_page(&s, &u, q.melding.as_deref(), None).await
}

async fn anonymise(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let chosen = f.all("clienten");
    let ids: Result<Vec<i64>, _> = chosen.iter().map(|c| c.trim().parse::<i64>()).collect();
    let result = match ids {
        Ok(ids) => s.services.apply_retention(&u.ctx, &ids).await,
        Err(_) => Err(DomainError::invalid(
            "clienten",
            "Kies dossiers uit de lijst.",
        )),
    };
    match result {
        Ok(_) => Ok(done("/bewaartermijnen", "geanonimiseerd")),
        Err(DomainError::Invalid(errors)) => {
            let mut page = retention_page(&s, &u, None, Some(&chosen)).await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "anonimiseren") {
                page.errors = form.apply_errors(&errors);
            } else {
                page.errors = errors
                    .iter()
                    .map(|e| link("#tabel-1", e.message.clone()))
                    .collect();
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}
