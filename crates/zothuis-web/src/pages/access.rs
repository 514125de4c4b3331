//! Application and decision pages: the determination of the responsible
//! municipality is shown before the consultant decides, and can be
//! overridden with a reason.

use super::*;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use std::collections::HashMap;
use zothuis_domain::access::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clienten/{id}/aanmeldingen", post(create_application))
        .route("/aanmeldingen/{id}", get(application))
        .route("/aanmeldingen/{id}/beschikking", post(decide))
        .route("/aanmeldingen/{id}/beoordeling", post(assess))
        .route("/beschikkingen/{id}", get(decision))
}

pub fn application_form(
    client_id: i64,
    products: Vec<(String, String)>,
    municipalities: Option<Vec<(String, String)>>,
    input: &ApplicationInput,
) -> FormBlock {
    let mut sources = vec![(String::new(), "— kies —".to_string())];
    sources.extend(
        Source::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let mut fields = vec![
        Field::select(
            "productId",
            "Product",
            &input.product_id.map(|p| p.to_string()).unwrap_or_default(),
            products,
        )
        .required(),
        Field::date("aanmelddatum", "Aanmelddatum", &input.applied_on)
            .hint("Mag in het verleden liggen.")
            .required(),
        Field::select("bron", "Binnengekomen via", &input.source, sources).required(),
    ];
    if let Some(ms) = municipalities {
        fields.push(
            Field::select(
                "gemeenteCode",
                "Aanmeldgemeente",
                input.municipality.as_deref().unwrap_or(""),
                ms,
            )
            .required(),
        );
    }
    FormBlock::post(
        format!("/clienten/{client_id}/aanmeldingen"),
        "Aanmelding registreren",
        fields,
    )
    .heading("Nieuwe aanmelding")
    .anchor("aanmelding")
}

async fn create_application(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(client_id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = ApplicationInput {
        client_id: Some(client_id),
        product_id: f.id("productId"),
        applied_on: f.get("aanmelddatum"),
        source: f.get("bron"),
        municipality: f.opt("gemeenteCode"),
    };
    match s.services.register_application(&u.ctx, &input).await {
        Ok(a) => Ok(done(&format!("/aanmeldingen/{}", a.id), "aangemaakt")),
        Err(DomainError::Invalid(errors)) => {
            let mut page = super::clients::detail_for(&s, &u, client_id, Some(&input)).await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "aanmelding") {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(serde::Deserialize, Default)]
struct AppQuery {
    melding: Option<String>,
}

fn decision_form(
    app: &Application,
    determined: &str,
    municipalities: &[(String, String)],
    input: &DecisionInput,
) -> FormBlock {
    let outcomes = vec![
        (String::new(), "— kies —".to_string()),
        (
            Outcome::Toegekend.code().to_string(),
            Outcome::Toegekend.label().to_string(),
        ),
        (
            Outcome::Afgewezen.code().to_string(),
            Outcome::Afgewezen.label().to_string(),
        ),
    ];
    let mut override_options = vec![(String::new(), format!("Nee, {determined} zoals bepaald"))];
    override_options.extend(municipalities.iter().cloned());
    FormBlock::post(
        format!("/aanmeldingen/{}/beschikking", app.id),
        "Beschikking vastleggen",
        vec![
            Field::select("uitkomst", "Uitkomst", &input.outcome, outcomes).required(),
            Field::date("besluitdatum", "Besluitdatum", &input.decided_on)
                .hint("De verantwoordelijke gemeente wordt bepaald op deze datum.")
                .required(),
            Field::date("geldigVanaf", "Geldig vanaf", input.valid_from.clone().unwrap_or_default()).hint("Verplicht bij een toekenning."),
            Field::date("geldigTot", "Geldig tot en met", input.valid_to.clone().unwrap_or_default()),
            Field::text("beschikkingsnummer", "Beschikkingsnummer", &input.reference).required(),
            Field::select("verantwoordelijkeGemeente", "Afwijken van de bepaalde gemeente", input.override_municipality.as_deref().unwrap_or(""), override_options)
                .hint("Alleen als de bepaling niet klopt, bijvoorbeeld door een afspraak tussen gemeenten. Dit wordt vastgelegd."),
            Field::text("redenAfwijking", "Reden van afwijken", input.override_reason.clone().unwrap_or_default()),
        ],
    )
    .heading("Beslissen")
    .anchor("beschikking")
}

fn assessment_form(
    id: i64,
    criteria: &[zothuis_domain::access::assessment::Criterion],
    input: Option<&zothuis_domain::access::assessment::AssessmentInput>,
) -> FormBlock {
    use zothuis_domain::access::assessment::Answer;
    let answers = vec![
        (String::new(), "— kies —".to_string()),
        (
            Answer::Ja.code().to_string(),
            Answer::Ja.label().to_string(),
        ),
        (
            Answer::Nee.code().to_string(),
            Answer::Nee.label().to_string(),
        ),
        (
            Answer::NietVanToepassing.code().to_string(),
            Answer::NietVanToepassing.label().to_string(),
        ),
    ];
    let mut fields: Vec<Field> = criteria
        .iter()
        .map(|c| {
            let given = input
                .and_then(|i| i.answers.iter().find(|(cid, _, _)| *cid == c.id))
                .map(|(_, a, _)| a.clone())
                .unwrap_or_default();
            Field::select(
                &format!("criterium-{}", c.id),
                &c.text,
                &given,
                answers.clone(),
            )
            .required()
        })
        .collect();
    let conclusions = vec![
        (String::new(), "— kies —".to_string()),
        (
            "voldoet".to_string(),
            "Voldoet aan het afwegingskader".to_string(),
        ),
        ("voldoet-niet".to_string(), "Voldoet niet".to_string()),
    ];
    fields.push(
        Field::text(
            "motivering",
            "Motivering",
            input.map(|i| i.motivation.clone()).unwrap_or_default(),
        )
        .required(),
    );
    fields.push(
        Field::select(
            "conclusie",
            "Conclusie",
            input.map(|i| i.conclusion.as_str()).unwrap_or(""),
            conclusions,
        )
        .required(),
    );
    fields.push(
        Field::date(
            "datum",
            "Datum van de beoordeling",
            input.map(|i| i.assessed_on.clone()).unwrap_or_default(),
        )
        .required(),
    );
    FormBlock::post(
        format!("/aanmeldingen/{id}/beoordeling"),
        "Beoordeling vastleggen",
        fields,
    )
    .heading("Beoordelen tegen het afwegingskader")
    .anchor("beoordeling")
}

async fn assess(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let answers = f
        .0
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("criterium-")?.parse().ok()?, v.clone(), None)))
        .collect();
    let input = zothuis_domain::access::assessment::AssessmentInput {
        assessed_on: f.get("datum"),
        answers,
        motivation: f.get("motivering"),
        conclusion: f.get("conclusie"),
    };
    match s.services.assess(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/aanmeldingen/{id}"), "opgeslagen")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            let mut page = application_page_with(&s, &u, id, None, None, Some(&input)).await?;
            let errors = match e {
                DomainError::Invalid(errors) => errors,
                DomainError::Conflict(m) => vec![zothuis_domain::FieldError {
                    field: "formulier".into(),
                    message: m,
                }],
                _ => Vec::new(),
            };
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "beoordeling") {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn application_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    input: Option<&DecisionInput>,
) -> PageResult<DetailPage> {
    application_page_with(s, u, id, notice, input, None).await
}

async fn application_page_with(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    input: Option<&DecisionInput>,
    assessment_input: Option<&zothuis_domain::access::assessment::AssessmentInput>,
) -> PageResult<DetailPage> {
    let app = s.services.get_application(&u.ctx, id).await?;
    let client = s.services.get_client(&u.ctx, app.client_id, None).await?;
    let product = s.services.get_product(&u.ctx, app.product_id).await?;
    let all = s.services.list_municipalities(&u.ctx).await?;
    let names: HashMap<String, String> = all
        .iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect();
    let name = |c: &zothuis_domain::reference::GemeenteCode| {
        names
            .get(c.as_str())
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let (_, decisions) = s
        .services
        .client_access_history(&u.ctx, app.client_id)
        .await?;
    let decided = decisions.into_iter().find(|d| d.application_id == id);
    let criteria = s.services.criteria(&u.ctx, app.product_id).await?;
    let assessments = s.services.assessments(&u.ctx, id).await?;
    let l = Layout::new(s, u, "Aanmelding", Section::Clients)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![
            link("/clienten", "Cliënten"),
            link(format!("/clienten/{}", client.id), client.full_name()),
        ]);
    let mut page = DetailPage::new(
        l,
        format!("Aanmelding {} voor {}", product.name, client.full_name()),
    )
    .fact(
        "Aanmelddatum",
        zothuis_domain::dates::dutch_long(app.applied_on),
    )
    .fact("Aanmeldgemeente", name(&app.municipality))
    .fact("Binnengekomen via", app.source.label())
    .fact("Geregistreerd door", &app.recorded_by);
    if !assessments.is_empty() {
        page.tables.push(Table {
            caption: "Beoordelingen tegen het afwegingskader".into(),
            columns: columns(&["Datum", "Conclusie", "Motivering", "Door"]),
            rows: assessments
                .iter()
                .map(|a| {
                    vec![
                        date_cell(a.assessed_on),
                        if a.meets {
                            badge_cell("voldoet", "ok")
                        } else {
                            badge_cell("voldoet niet", "warn")
                        },
                        cell(&a.motivation),
                        cell(&a.recorded_by),
                    ]
                })
                .collect(),
            empty: String::new(),
        });
    }
    if decided.is_none()
        && !criteria.is_empty()
        && matches!(u.user.role, Role::WmoConsulent | Role::Wachtlijstbeheerder)
    {
        page.forms
            .push(assessment_form(id, &criteria, assessment_input));
    }
    match decided {
        Some(d) => {
            page.actions.push(link(
                format!("/beschikkingen/{}", d.id),
                "Beschikking bekijken",
            ));
            page.intro = Some(format!(
                "{} op {}. {}",
                d.outcome.label(),
                zothuis_domain::dates::dutch_long(d.decided_on),
                d.explanation
            ));
        }
        None => {
            let today = s.services.clock.today();
            let default_input = DecisionInput {
                decided_on: today.to_string(),
                ..Default::default()
            };
            let input = input.unwrap_or(&default_input);
            let day = zothuis_domain::Datum::parse(&input.decided_on)
                .map(|d| d.0)
                .unwrap_or(today);
            let determination = s.services.determine_responsibility(&u.ctx, id, day).await;
            let determined = match &determination {
                Ok(d) => {
                    page.intro = Some(format!(
                        "Bepaling op {}: {}",
                        zothuis_domain::dates::dutch_long(day),
                        d.explanation
                    ));
                    name(&d.municipality)
                }
                Err(DomainError::Conflict(m)) => {
                    page.intro = Some(m.clone());
                    "de bepaalde gemeente".to_string()
                }
                Err(e) => return Err(PageError(DomainError::Internal(e.to_string()))),
            };
            if u.user.role != Role::Aanbieder {
                let options: Vec<(String, String)> = all
                    .iter()
                    .map(|m| (m.code.to_string(), m.name.clone()))
                    .collect();
                page.forms
                    .push(decision_form(&app, &determined, &options, input));
            }
        }
    }
    Ok(page)
}

async fn application(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<AppQuery>,
) -> PageResult<DetailPage> {
    application_page(&s, &u, id, q.melding.as_deref(), None).await
}

async fn decide(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = DecisionInput {
        outcome: f.get("uitkomst"),
        decided_on: f.get("besluitdatum"),
        valid_from: f.opt("geldigVanaf"),
        valid_to: f.opt("geldigTot"),
        reference: f.get("beschikkingsnummer"),
        override_municipality: f.opt("verantwoordelijkeGemeente"),
        override_reason: f.opt("redenAfwijking"),
    };
    match s.services.decide(&u.ctx, id, &input).await {
        Ok(d) => Ok(done(&format!("/beschikkingen/{}", d.id), "aangemaakt")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            let mut page = application_page(&s, &u, id, None, Some(&input)).await?;
            let errors = match e {
                DomainError::Invalid(errors) => errors,
                DomainError::Conflict(m) => vec![zothuis_domain::FieldError {
                    field: "formulier".into(),
                    message: m,
                }],
                _ => Vec::new(),
            };
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "beschikking") {
                page.errors = form.apply_errors(&errors);
            } else {
                page.errors = errors
                    .iter()
                    .map(|e| link("#inhoud", e.message.clone()))
                    .collect();
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn decision(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<AppQuery>,
) -> PageResult<DetailPage> {
    decision_page(&s, &u, id, q.melding.as_deref(), None).await
}

/// A decision's page, with what the user typed in its assignment form.
pub(super) async fn decision_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    typed: Option<&zothuis_domain::exchange::iwmo::AssignmentInput>,
) -> PageResult<DetailPage> {
    let d = s.services.get_decision(&u.ctx, id).await?;
    let client = s.services.get_client(&u.ctx, d.client_id, None).await?;
    let product = s.services.get_product(&u.ctx, d.product_id).await?;
    let all = s.services.list_municipalities(&u.ctx).await?;
    let names: HashMap<String, String> = all
        .iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect();
    let name = |c: &zothuis_domain::reference::GemeenteCode| {
        names
            .get(c.as_str())
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let l = Layout::new(s, u, "Beschikking", Section::Clients)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![
            link("/clienten", "Cliënten"),
            link(format!("/clienten/{}", client.id), client.full_name()),
        ]);
    let mut page = DetailPage::new(l, format!("Beschikking {}", d.reference))
        .fact("Cliënt", client.full_name())
        .fact("Product", product.name.clone())
        .fact("Uitkomst", d.outcome.label())
        .fact(
            "Besluitdatum",
            zothuis_domain::dates::dutch_long(d.decided_on),
        )
        .fact(
            "Geldig",
            match (d.valid_from, d.valid_to) {
                (Some(f), Some(t)) => format!("van {f} tot en met {t}"),
                (Some(f), None) => format!("vanaf {f}"),
                _ => "—".into(),
            },
        )
        .fact("Verantwoordelijke gemeente", name(&d.responsible))
        .fact("Toelichting", d.explanation.clone())
        .fact("Toegepaste regel", d.rule.clone());
    if let Some(reason) = &d.override_reason {
        page.facts.push((
            "Afgeweken van".into(),
            format!("{} — reden: {reason}", name(&d.determined)),
        ));
    }
    page.actions.push(link(
        format!("/aanmeldingen/{}", d.application_id),
        "Aanmelding",
    ));
    super::exchange::assignment_section(s, u, &mut page, &d, typed).await?;
    Ok(page)
}
