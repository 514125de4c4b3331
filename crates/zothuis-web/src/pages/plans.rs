//! The policy plan on the web: load a plan file, see per reporting period
//! which measures still lack progress, enter progress per measure, add
//! decisions, and generate, publish and reopen the progress report (HTML
//! with a print stylesheet, and PDF).

use super::*;
use crate::report::{ReportPage, status_badge};
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::routing::get;
use zothuis_domain::dates::dutch_long;
use zothuis_domain::plan::reporting::ReportRequest;
use zothuis_domain::plan::service::{DecisionInput, ProgressInput};
use zothuis_domain::plan::{PlanDocument, PlanVersion, Rapportageperiode, Status, report};
use zothuis_domain::policy::may_manage_plan;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beleid", get(plans))
        .route("/beleid/laden", get(load_form).post(load))
        .route("/beleid/{id}", get(plan))
        .route(
            "/beleid/{id}/maatregelen/{sleutel}",
            get(progress_form).post(save_progress),
        )
        .route(
            "/beleid/{id}/besluiten/nieuw",
            get(decision_form).post(save_decision),
        )
        .route("/beleid/{id}/rapportage", get(concept).post(publish))
        .route("/beleid/{id}/rapportage/pdf", get(concept_pdf))
        .route("/rapportages/{id}", get(published))
        .route("/rapportages/{id}/pdf", get(published_pdf))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
}

#[derive(serde::Deserialize, Default)]
struct PlanQuery {
    periode: Option<String>,
    peildatum: Option<String>,
    melding: Option<String>,
}

/// The reporting period asked for, else the one being reported on.
fn chosen_period(
    asked: Option<&str>,
    today: chrono::NaiveDate,
    doc: &PlanDocument,
) -> Rapportageperiode {
    asked
        .and_then(Rapportageperiode::parse)
        .unwrap_or_else(|| doc.default_period(today))
}

/// The plan's periods as select options.
fn periods(doc: &PlanDocument, today: chrono::NaiveDate) -> Vec<(String, String)> {
    doc.periods_until(today)
        .into_iter()
        .map(|p| (p.code(), report::period_name(p)))
        .collect()
}

async fn plans(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<PlanQuery>,
) -> PageResult<DetailPage> {
    let all = s.services.plans(&u.ctx).await?;
    let regions = s.services.list_regions(&u.ctx).await.unwrap_or_default();
    let region = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let l = Layout::new(&s, &u, "Beleid", Section::Plans)
        .await
        .with_notice(q.melding.as_deref());
    let mut page = DetailPage::new(l, "Beleidsplannen");
    page.intro = Some(
        "Het beleidsplan van de regio met de voortgang per maatregel, de besluiten en de halfjaarlijkse voortgangsrapportages."
            .into(),
    );
    if u.actor().role == Role::Beleidsadviseur {
        page.actions
            .push(link("/beleid/laden", "Beleidsplan laden"));
    }
    page.tables.push(Table {
        caption: "Beleidsplannen".into(),
        columns: columns(&["Titel", "Regio", "#Maatregelen", "Laatst gewijzigd"]),
        rows: all
            .iter()
            .map(|p| {
                vec![
                    link_cell(p.title.clone(), format!("/beleid/{}", p.plan_id)),
                    cell(region(p.region_id)),
                    num_cell(p.measure_count() as i64),
                    cell(format!(
                        "{} door {}",
                        dutch_long(p.recorded_at.date_naive()),
                        p.recorded_by
                    )),
                ]
            })
            .collect(),
        empty: "Er is nog geen beleidsplan geladen.".into(),
    });
    Ok(page)
}

fn load_block() -> FormBlock {
    FormBlock::post(
        "/beleid/laden",
        "Plan laden",
        vec![
            Field::files("bestand", "Beleidsplan (JSON)", ".json,application/json")
                .required()
                .hint("Het hele plan in één bestand, zoals beschreven in docs/beleidsplan.md. Een plan met dezelfde titel in uw regio wordt een nieuwe versie van dat plan."),
        ],
    )
    .upload()
    .cancel("/beleid")
}

async fn load_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    if u.actor().role != Role::Beleidsadviseur {
        return Err(PageError(DomainError::Forbidden(
            "alleen een beleidsadviseur van de regio laadt het beleidsplan".into(),
        )));
    }
    let l = Layout::new(&s, &u, "Beleidsplan laden", Section::Plans)
        .await
        .with_breadcrumbs(vec![link("/beleid", "Beleid")]);
    Ok(FormPage::new(l, "Beleidsplan laden", load_block()))
}

async fn read_file(mut form: Multipart) -> Result<Vec<u8>, DomainError> {
    let unreadable = || DomainError::invalid("bestand", "kies een bestand met het beleidsplan");
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some("bestand") {
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if !bytes.is_empty() {
                return Ok(bytes.to_vec());
            }
        }
    }
    Err(unreadable())
}

async fn load(State(s): State<AppState>, u: PageUser, form: Multipart) -> PageResult<Response> {
    let l = Layout::new(&s, &u, "Beleidsplan laden", Section::Plans)
        .await
        .with_breadcrumbs(vec![link("/beleid", "Beleid")]);
    let page = FormPage::new(l, "Beleidsplan laden", load_block());
    let result = match read_file(form).await {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => s.services.load_plan(&u.ctx, &text).await,
            Err(_) => Err(DomainError::invalid(
                "bestand",
                "het bestand is geen tekst (UTF-8); sla het plan op als JSON",
            )),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => Ok(done(&format!("/beleid/{}", v.plan_id), "opgeslagen")),
        // Problems in the file name their place in it; show them all.
        Err(DomainError::Invalid(errors)) => {
            let mut page = page;
            page.errors = errors
                .iter()
                .map(|e| {
                    let place = if e.field.is_empty() || e.field == "bestand" {
                        String::new()
                    } else {
                        format!("{}: ", e.field)
                    };
                    link("#veld-bestand", format!("{place}{}", e.message))
                })
                .collect();
            if let Some(f) = page.form.fields.first_mut() {
                f.error = Some("Het plan is niet geladen; verbeter de punten hierboven.".into());
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(other) => Err(PageError(other)),
    }
}

async fn plan(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PlanQuery>,
) -> PageResult<DetailPage> {
    let (v, doc) = s.services.plan(&u.ctx, id, None).await?;
    let today = s.services.clock.today();
    let periode = chosen_period(q.periode.as_deref(), today, &doc);
    let manages = may_manage_plan(u.actor(), v.region_id).is_ok();
    let l = Layout::new(&s, &u, doc.titel.clone(), Section::Plans)
        .await
        .with_notice(q.melding.as_deref())
        .with_breadcrumbs(vec![link("/beleid", "Beleid")]);
    let missing = doc.missing_progress(periode);
    let total = doc.measures().count();
    let mut page = DetailPage::new(l, doc.titel.clone())
        .fact(
            "Looptijd",
            format!(
                "{} tot en met {}",
                dutch_long(doc.periode_van),
                dutch_long(doc.periode_tot)
            ),
        )
        .fact("Rapportageperiode", report::period_name(periode))
        .fact(
            "Voortgang gemeld",
            format!(
                "{} van de {total} maatregelen; {} nog niet",
                total - missing.len(),
                missing.len()
            ),
        )
        .fact(
            "Laatst gewijzigd",
            format!(
                "{} door {}",
                dutch_long(v.recorded_at.date_naive()),
                v.recorded_by
            ),
        );
    page.forms.push(
        FormBlock::get(
            format!("/beleid/{id}"),
            "Toon periode",
            vec![Field::select(
                "periode",
                "Rapportageperiode",
                &periode.code(),
                periods(&doc, today),
            )],
        )
        .anchor("periode-kiezen"),
    );
    let edit = |key: &str| format!("/beleid/{id}/maatregelen/{key}?periode={}", periode.code());
    page.tables.push(Table {
        caption: format!(
            "Nog zonder voortgang over het {} ({})",
            report::period_name(periode),
            missing.len()
        ),
        columns: columns(&["Nr.", "Maatregel"]),
        rows: missing
            .iter()
            .map(|m| {
                let key = report::measure_key(m);
                vec![
                    cell(m.nummer.clone()),
                    if manages {
                        link_cell(m.titel.clone(), edit(&key))
                    } else {
                        cell(m.titel.clone())
                    },
                ]
            })
            .collect(),
        empty: "Alle maatregelen hebben voortgang over deze periode.".into(),
    });
    for line in &doc.programmalijnen {
        page.tables.push(Table {
            caption: format!("Programmalijn {}: {}", line.nummer, line.titel),
            columns: columns(&["Nr.", "Maatregel", "Status", "Gemeld"]),
            rows: line
                .maatregelen
                .iter()
                .map(|m| {
                    let entry = m.voortgang.iter().find(|e| e.periode == periode);
                    let key = report::measure_key(m);
                    vec![
                        cell(m.nummer.clone()),
                        if manages {
                            link_cell(m.titel.clone(), edit(&key))
                        } else {
                            cell(m.titel.clone())
                        },
                        badge_cell(
                            entry
                                .map(|e| e.status.label())
                                .unwrap_or("Nog niet gerapporteerd"),
                            status_badge(entry.map(|e| e.status)),
                        ),
                        cell(
                            entry
                                .map(|e| format!("{} door {}", dutch_long(e.datum), e.auteur))
                                .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
            empty: "Deze programmalijn heeft geen maatregelen.".into(),
        });
    }
    page.tables.push(Table {
        caption: "Besluiten".into(),
        columns: columns(&["Datum", "Orgaan", "Besluit", "Maatregelen"]),
        rows: doc
            .besluiten
            .iter()
            .map(|b| {
                vec![
                    cell(dutch_long(b.datum)),
                    cell(b.orgaan.clone()),
                    match &b.link {
                        Some(h) => link_cell(b.titel.clone(), h.clone()),
                        None => cell(b.titel.clone()),
                    },
                    cell(b.maatregelen.join(", ")),
                ]
            })
            .collect(),
        empty: "Er zijn nog geen besluiten vastgelegd.".into(),
    });
    if !doc.regionale_paragraaf.is_empty() {
        page.tables.push(Table {
            caption: "Regionale paragraaf".into(),
            columns: columns(&["Code", "Doel", "Niveau", "Planning", "Acties"]),
            rows: doc
                .regionale_paragraaf
                .iter()
                .map(|d| {
                    vec![
                        cell(d.code.clone()),
                        cell(d.titel.clone()),
                        cell(d.niveau.label()),
                        cell(d.planning.clone().unwrap_or_default()),
                        cell(d.acties.join("; ")),
                    ]
                })
                .collect(),
            empty: String::new(),
        });
    }
    let reports = s.services.published_reports(&u.ctx, id).await?;
    page.tables.push(Table {
        caption: "Gepubliceerde voortgangsrapportages".into(),
        columns: columns(&["Periode", "Peildatum", "Gepubliceerd", "PDF"]),
        rows: reports
            .iter()
            .map(|r| {
                let name = Rapportageperiode::parse(&r.report.period)
                    .map(report::period_name)
                    .unwrap_or_else(|| r.report.period.clone());
                vec![
                    link_cell(name, format!("/rapportages/{}", r.id)),
                    cell(dutch_long(r.report.peildatum)),
                    cell(format!(
                        "{} door {}",
                        dutch_long(r.report.published_at.date_naive()),
                        r.report.published_by
                    )),
                    link_cell("PDF", format!("/rapportages/{}/pdf", r.id)),
                ]
            })
            .collect(),
        empty: "Er is nog geen rapportage gepubliceerd.".into(),
    });
    if manages {
        page.actions.push(link(
            format!("/beleid/{id}/besluiten/nieuw"),
            "Besluit toevoegen",
        ));
        page.forms.push(
            FormBlock::get(
                format!("/beleid/{id}/rapportage"),
                "Concept-rapportage bekijken",
                vec![
                    Field::select(
                        "periode",
                        "Periode van de rapportage",
                        &periode.code(),
                        periods(&doc, today),
                    ),
                    Field::date(
                        "peildatum",
                        "Peildatum",
                        periode.usual_peildatum(today).to_string(),
                    )
                    .hint("Meestal de laatste dag van de periode."),
                ],
            )
            .heading("Voortgangsrapportage maken")
            .anchor("rapportage-maken"),
        );
    }
    Ok(page)
}

fn progress_block(
    id: i64,
    key: &str,
    periode: &str,
    input: &ProgressInput,
    version: i64,
    periods: Vec<(String, String)>,
) -> FormBlock {
    let statuses: Vec<(String, String)> =
        std::iter::once((String::new(), "Kies een status".to_string()))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| (s.code().to_string(), s.label().to_string())),
            )
            .collect();
    FormBlock::post(
        format!("/beleid/{id}/maatregelen/{key}"),
        "Voortgang opslaan",
        vec![
            Field::select("periode", "Periode", periode, periods).required(),
            Field::select("status", "Status", &input.status, statuses).required(),
            Field::textarea("tekst", "Voortgang", input.tekst.clone())
                .required()
                .hint("Alinea's scheidt u met een lege regel. Een regel die met \"- \" begint wordt een opsomming; *tekst tussen sterretjes* krijgt nadruk; een link schrijft u als [tekst](https://…)."),
        ],
    )
    .version(version)
    .cancel(format!("/beleid/{id}?periode={periode}"))
}

async fn progress_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    key: &str,
    periode: &str,
    input: Option<ProgressInput>,
) -> PageResult<(FormPage, PlanVersion)> {
    let (v, doc) = s.services.plan(&u.ctx, id, None).await?;
    if let Err(reason) = may_manage_plan(u.actor(), v.region_id) {
        return Err(PageError(DomainError::Forbidden(reason.into())));
    }
    let m = doc
        .measure(key)
        .ok_or_else(|| PageError(DomainError::NotFound(format!("maatregel {key}"))))?;
    let today = s.services.clock.today();
    let p = chosen_period(Some(periode), today, &doc);
    let existing = m.voortgang.iter().find(|e| e.periode == p);
    let input = input.unwrap_or_else(|| ProgressInput {
        periode: p.code(),
        status: existing
            .map(|e| e.status.code().to_string())
            .unwrap_or_default(),
        tekst: existing.map(|e| e.tekst.clone()).unwrap_or_default(),
    });
    let l = Layout::new(s, u, format!("Maatregel {}", m.nummer), Section::Plans)
        .await
        .with_breadcrumbs(vec![
            link("/beleid", "Beleid"),
            link(
                format!("/beleid/{id}?periode={}", p.code()),
                doc.titel.clone(),
            ),
        ]);
    let heading = format!("{} {}", m.nummer, m.titel);
    let mut intro = format!("Voortgang over het {}.", report::period_name(p));
    let earlier: Vec<String> = m
        .voortgang
        .iter()
        .filter(|e| e.periode != p)
        .map(|e| {
            format!(
                "{}: {}",
                report::period_name(e.periode),
                e.status.label().to_lowercase()
            )
        })
        .collect();
    if !earlier.is_empty() {
        intro.push_str(&format!(" Eerder gemeld — {}.", earlier.join("; ")));
    }
    let page = FormPage::new(
        l,
        &heading,
        progress_block(
            id,
            key,
            &input.periode,
            &input,
            v.version_id,
            periods(&doc, today),
        ),
    )
    .intro(&intro);
    Ok((page, v))
}

async fn progress_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath((id, key)): PagePath<(i64, String)>,
    Query(q): Query<PlanQuery>,
) -> PageResult<FormPage> {
    let periode = q.periode.unwrap_or_default();
    Ok(progress_page(&s, &u, id, &key, &periode, None).await?.0)
}

async fn save_progress(
    State(s): State<AppState>,
    u: PageUser,
    PagePath((id, key)): PagePath<(i64, String)>,
    form: FormData,
) -> PageResult<Response> {
    let input = ProgressInput {
        periode: form.get("periode"),
        status: form.get("status"),
        tekst: form.get("tekst"),
    };
    match s
        .services
        .record_progress(&u.ctx, id, form.version(), &key, &input)
        .await
    {
        Ok(_) => Ok(done(
            &format!("/beleid/{id}?periode={}", input.periode.trim()),
            "opgeslagen",
        )),
        Err(err) => {
            let (page, current) =
                progress_page(&s, &u, id, &key, &input.periode, Some(input.clone())).await?;
            Ok(page.failed(err, Some(current.version_id)))
        }
    }
}

fn decision_block(id: i64, input: &DecisionInput, version: i64) -> FormBlock {
    FormBlock::post(
        format!("/beleid/{id}/besluiten/nieuw"),
        "Besluit toevoegen",
        vec![
            Field::date("datum", "Datum", input.datum.clone()).required(),
            Field::text("orgaan", "Orgaan", input.orgaan.clone())
                .required()
                .hint("Bijvoorbeeld Portefeuillehoudersoverleg, Algemeen Bestuur, college of gemeenteraad."),
            Field::text("titel", "Besluit", input.titel.clone()).required(),
            Field::text("link", "Link naar het besluit", input.link.clone().unwrap_or_default())
                .hint("Begint met https://"),
            Field::text("maatregelen", "Maatregelen", input.maatregelen.join(", "))
                .hint("Nummers zoals in het plan, gescheiden door komma's, bijvoorbeeld 3., 10./11."),
        ],
    )
    .version(version)
    .cancel(format!("/beleid/{id}"))
}

async fn decision_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    input: &DecisionInput,
) -> PageResult<(FormPage, PlanVersion)> {
    let (v, doc) = s.services.plan(&u.ctx, id, None).await?;
    if let Err(reason) = may_manage_plan(u.actor(), v.region_id) {
        return Err(PageError(DomainError::Forbidden(reason.into())));
    }
    let l = Layout::new(s, u, "Besluit toevoegen", Section::Plans)
        .await
        .with_breadcrumbs(vec![
            link("/beleid", "Beleid"),
            link(format!("/beleid/{id}"), doc.titel.clone()),
        ]);
    let page = FormPage::new(
        l,
        "Besluit toevoegen",
        decision_block(id, input, v.version_id),
    );
    Ok((page, v))
}

async fn decision_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    Ok(decision_page(&s, &u, id, &DecisionInput::default())
        .await?
        .0)
}

async fn save_decision(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    form: FormData,
) -> PageResult<Response> {
    let input = DecisionInput {
        datum: form.get("datum"),
        orgaan: form.get("orgaan"),
        titel: form.get("titel"),
        link: form.opt("link"),
        maatregelen: form
            .get("maatregelen")
            .split([',', ';'])
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect(),
    };
    match s
        .services
        .add_decision(&u.ctx, id, form.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/beleid/{id}"), "opgeslagen")),
        Err(err) => {
            let (page, current) = decision_page(&s, &u, id, &input).await?;
            Ok(page.failed(err, Some(current.version_id)))
        }
    }
}

fn report_request(q: &PlanQuery) -> ReportRequest {
    ReportRequest {
        periode: q.periode.clone().unwrap_or_default(),
        peildatum: q.peildatum.clone(),
        ..ReportRequest::default()
    }
}

/// The publish form; with `missing` measures without progress, a
/// confirmation that the officer publishes anyway.
fn publish_block(id: i64, req: &ReportRequest, version: i64, missing: usize) -> FormBlock {
    let mut fields = vec![
        Field::textarea("inleiding", "Inleiding", req.inleiding.clone().unwrap_or_default())
            .hint("Leeg laten voor de standaardinleiding. Na publiceren liggen tekst, peildatum en cijfers vast."),
        Field::text("periode", "Periode", req.periode.clone()).readonly(),
        Field::date("peildatum", "Peildatum", req.peildatum.clone().unwrap_or_default())
            .readonly(),
    ];
    if missing > 0 {
        fields.push(
            Field::checkbox(
                "onvolledigPubliceren",
                &format!(
                    "Toch publiceren: voor {missing} {} is nog geen voortgang gemeld",
                    if missing == 1 {
                        "maatregel"
                    } else {
                        "maatregelen"
                    }
                ),
                req.onvolledig_bevestigd,
            )
            .hint("In de rapportage staan die maatregelen als \"Nog niet gerapporteerd\"."),
        );
    }
    let mut f = FormBlock::post(
        format!("/beleid/{id}/rapportage"),
        "Rapportage publiceren",
        fields,
    )
    .version(version)
    .heading("Publiceren")
    .anchor("publiceren");
    f.cancel = None;
    f
}

async fn concept_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    req: &ReportRequest,
) -> PageResult<ReportPage> {
    let r = s.services.concept_report(&u.ctx, id, req).await?;
    let l = Layout::new(s, u, r.titel.clone(), Section::Plans)
        .await
        .with_breadcrumbs(vec![
            link("/beleid", "Beleid"),
            link(format!("/beleid/{id}"), r.plan_titel.clone()),
        ]);
    let effective = ReportRequest {
        periode: r.periode.code(),
        peildatum: Some(r.peildatum.to_string()),
        ..req.clone()
    };
    let pdf = format!(
        "/beleid/{id}/rapportage/pdf?periode={}&peildatum={}",
        r.periode.code(),
        r.peildatum
    );
    let version = r.plan_versie;
    let missing = r.ontbrekend;
    let mut page = ReportPage::new(l, r, pdf);
    page.forms
        .push(publish_block(id, &effective, version, missing));
    Ok(page)
}

async fn concept(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PlanQuery>,
) -> PageResult<Response> {
    let req = report_request(&q);
    match concept_page(&s, &u, id, &req).await {
        Ok(page) => Ok(page.into_response()),
        // A wrong period or peildatum: back to the plan with the reason.
        Err(PageError(DomainError::Invalid(errors))) => {
            let mut page = plan(
                State(s.clone()),
                u,
                PagePath(id),
                Query(PlanQuery::default()),
            )
            .await?;
            if let Some(f) = page
                .forms
                .iter_mut()
                .find(|f| f.anchor == "rapportage-maken")
            {
                for fld in &mut f.fields {
                    if fld.name == "peildatum" {
                        fld.value = req.peildatum.clone().unwrap_or_default();
                    }
                }
                page.errors = f.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn concept_pdf(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PlanQuery>,
) -> PageResult<Response> {
    let r = s
        .services
        .concept_report(&u.ctx, id, &report_request(&q))
        .await?;
    let pdf = crate::report::pdf(&r).await?;
    Ok(crate::report::pdf_response(
        pdf,
        &format!("concept-{}", crate::report::file_name(&r)),
    ))
}

async fn publish(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    form: FormData,
) -> PageResult<Response> {
    let req = ReportRequest {
        periode: form.get("periode"),
        peildatum: form.opt("peildatum"),
        inleiding: form.opt("inleiding"),
        plan_versie: Some(form.version()),
        onvolledig_bevestigd: form.checked("onvolledigPubliceren"),
    };
    match s.services.publish_report(&u.ctx, id, &req).await {
        Ok(r) => Ok(done(
            &format!("/rapportages/{}", r.publication.id),
            "gepubliceerd",
        )),
        Err(DomainError::StaleVersion(message)) => {
            // The plan changed since the concept was opened: show the
            // concept as it is now, with the officer's introduction kept.
            let mut page = concept_page(&s, &u, id, &req).await?;
            page.errors = vec![link("#publiceren", message)];
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(DomainError::Invalid(errors)) => {
            let mut page = concept_page(&s, &u, id, &req).await?;
            if let Some(f) = page.forms.first_mut() {
                page.errors = f.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(other) => Err(PageError(other)),
    }
}

async fn published(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PlanQuery>,
) -> PageResult<ReportPage> {
    let r = s.services.published_report(&u.ctx, id).await?;
    let l = Layout::new(&s, &u, r.report.titel.clone(), Section::Plans)
        .await
        .with_notice(q.melding.as_deref())
        .with_breadcrumbs(vec![
            link("/beleid", "Beleid"),
            link(
                format!("/beleid/{}", r.report.plan_id),
                r.report.plan_titel.clone(),
            ),
        ]);
    let mut page = ReportPage::new(l, r.report, format!("/rapportages/{id}/pdf"));
    page.differences = r.differences;
    page.snapshot_mismatch = !r.same_as_published;
    Ok(page)
}

async fn published_pdf(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let r = s.services.published_report(&u.ctx, id).await?;
    let pdf = crate::report::pdf(&r.report).await?;
    Ok(crate::report::pdf_response(
        pdf,
        &crate::report::file_name(&r.report),
    ))
}
