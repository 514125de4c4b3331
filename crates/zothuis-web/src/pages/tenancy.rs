//! Pages of Huren Onder Voorwaarden (HOV): the trajectories of tenants who
//! rent under conditions agreed by corporation, provider and municipality.
//! The list of the actor's own trajectories, a form for a new one, and one
//! trajectory with its versions, where it is corrected or ended with its
//! result. The municipality's Wmo consultant and the supporting provider see
//! them; the services refuse (and audit) everyone else.

use super::choices::{Municipalities, Named};
use super::*;
use axum::extract::State;
use axum::routing::get;
use zothuis_domain::admin::Actor;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::GemeenteCode;
use zothuis_domain::tenancy::service::{TenancyFilter, TenancyHistory};
use zothuis_domain::tenancy::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hov", get(list))
        .route("/hov/nieuw", get(new_form).post(create))
        .route("/hov/{id}", get(detail).post(change))
}

/// What the policy says to anyone who is no covenant partner.
const NOT_A_PARTNER: &str = "alleen de Wmo-consulent van de gemeente en de begeleidende aanbieder leggen HOV-trajecten vast";

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Tenancy)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/hov", "Huren Onder Voorwaarden")])
}

/// Whether the actor has a list of HOV trajectories: the Wmo consultant of a
/// municipality, or a provider (policy `ManageTenancy`).
pub(super) fn is_partner(a: &Actor) -> bool {
    matches!(
        (&a.role, &a.scope),
        (Role::WmoConsulent, Scope::Gemeente(_)) | (Role::Aanbieder, Scope::Aanbieder(_))
    )
}

/// The form is for the covenant partners only: anyone else gets the refusal
/// before a form they could not use (the services refuse, and audit, every
/// read and change).
fn require_partner(u: &PageUser) -> PageResult<()> {
    if is_partner(u.actor()) {
        Ok(())
    } else {
        Err(PageError(DomainError::Forbidden(NOT_A_PARTNER.into())))
    }
}

// ---- query parameters -------------------------------------------------------------

/// The "alleen lopende" checkbox: `ja` when ticked.
fn running_param(v: &Option<String>) -> PageResult<bool> {
    yes_param("lopend", "alleen lopende trajecten", v)
}

// ---- names and texts -------------------------------------------------------------

/// Names and choices of the forms: the municipalities of the consultant's
/// region (all for a provider), the providers and the region's
/// corporations.
struct Lookups {
    municipalities: Municipalities,
    providers: Named,
    corporations: Named,
}

impl Lookups {
    async fn load(s: &AppState, u: &PageUser) -> PageResult<Lookups> {
        let region = s.services.own_region(&u.ctx).await?;
        Ok(Lookups {
            municipalities: Municipalities::load(s, u).await?,
            providers: Named::providers(s, u).await?,
            corporations: Named::corporations(s, u, region).await?,
        })
    }

    fn municipality(&self, code: &GemeenteCode) -> String {
        self.municipalities.name(code)
    }

    fn provider(&self, id: Option<i64>) -> String {
        id.map_or_else(|| "geen".into(), |id| self.providers.name(id, "Aanbieder"))
    }

    fn municipality_options(&self, current: &str) -> Vec<(String, String)> {
        self.municipalities
            .options("— kies een gemeente —", current)
    }

    fn corporation_options(&self, current: &str) -> Vec<(String, String)> {
        self.corporations
            .options("— kies een corporatie —", current, "Corporatie")
    }

    fn provider_options(&self, current: &str) -> Vec<(String, String)> {
        self.providers
            .options("— geen begeleidende aanbieder —", current, "Aanbieder")
    }
}

fn ended_text(f: &TenancyFacts) -> String {
    f.ended_on
        .map(dutch_long)
        .unwrap_or_else(|| "loopt nog".into())
}

fn result_text(f: &TenancyFacts) -> String {
    or_dash(f.result.map(|r| r.label().to_string()))
}

/// The end with its result, in one cell of the versions.
fn end_text(f: &TenancyFacts) -> String {
    match (f.ended_on, f.result) {
        (Some(e), Some(r)) => format!("{} ({})", dutch_long(e), r.label()),
        _ => ended_text(f),
    }
}

fn status_text(f: &TenancyFacts) -> String {
    match (f.ended_on, f.result) {
        (Some(e), Some(r)) => format!("Beëindigd op {} ({})", dutch_long(e), r.label()),
        (Some(e), None) => format!("Beëindigd op {}", dutch_long(e)),
        (None, _) => format!("Loopt sinds {}", dutch_long(f.started_on)),
    }
}

/// A row of the list: the tenant links to the trajectory.
fn tenancy_cells(t: &Tenancy, l: &Lookups) -> Vec<Cell> {
    let f = &t.facts;
    vec![
        link_cell(f.tenant.clone(), format!("/hov/{}", t.id)),
        cell(l.municipality(&f.municipality)),
        cell(t.corporation.clone()),
        cell(l.provider(f.provider_id)),
        cell(f.reason.label()),
        date_cell(f.started_on),
        match f.ended_on {
            Some(e) => date_cell(e),
            None => badge_cell("loopt nog", "ok"),
        },
        cell(result_text(f)),
    ]
}

const LIST_COLUMNS: [&str; 8] = [
    "Huurder",
    "Gemeente",
    "Corporatie",
    "Begeleiding",
    "Aanleiding",
    "Start",
    "Einde",
    "Eindresultaat",
];

// ---- the list ---------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    lopend: Option<String>,
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
    let running_only = running_param(&q.lopend)?;
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let page = s
        .services
        .list_tenancies(
            &u.ctx,
            &TenancyFilter { running_only },
            k,
            PageRequest::new(page_param(&q.pagina)?, Some(50)),
        )
        .await?;
    let l = Lookups::load(&s, &u).await?;
    let rows = page.items.iter().map(|t| tenancy_cells(t, &l)).collect();
    let filters = FormBlock::get(
        "/hov",
        "Tonen",
        vec![
            Field::checkbox("lopend", "Alleen lopende trajecten", running_only),
            Field::date(
                "bekendOp",
                "Zoals bekend op",
                q.bekend_op.clone().unwrap_or_default(),
            )
            .hint("Leeg laten voor de trajecten zoals ze nu zijn."),
        ],
    )
    .anchor("filters");
    let intro = match k {
        None => "Huurders die onder voorwaarden huren, zoals corporatie, begeleidende aanbieder en gemeente afspraken: lopende trajecten eerst, dan de laatst gestarte. U ziet de trajecten van woningen in uw gemeente (Wmo-consulent) of die u begeleidt (aanbieder). Leg van de huurder niet meer vast dan nodig is om hem of haar te herkennen.".to_string(),
        Some(k) => known_intro(k, "de trajecten", "Latere correcties en beëindigingen"),
    };
    let bekend_op = filled(&q.bekend_op).map(str::to_string);
    Ok(TablePage {
        layout: layout(&s, &u, "Huren Onder Voorwaarden", q.melding.as_deref()).await,
        heading: "Huren Onder Voorwaarden".into(),
        intro: Some(intro),
        actions: vec![link("/hov/nieuw", "Nieuw HOV-traject")],
        filters: Some(filters),
        table: Table {
            caption: format!(
                "{} {}",
                page.total,
                match (page.total, running_only) {
                    (1, true) => "lopend traject",
                    (1, false) => "traject",
                    (_, true) => "lopende trajecten",
                    (_, false) => "trajecten",
                }
            ),
            columns: columns(&LIST_COLUMNS),
            rows,
            empty: "Geen trajecten met deze filters.".into(),
        },
        pager: Some(Pager::of(&page, "trajecten", |n| {
            let mut pairs = vec![("pagina", n.to_string())];
            if running_only {
                pairs.push(("lopend", "ja".into()));
            }
            if let Some(b) = &bekend_op {
                pairs.push(("bekendOp", b.clone()));
            }
            format!(
                "/hov?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })),
    })
}

// ---- forms ----------------------------------------------------------------------------

const TENANT_HINT: &str = "Houd het bij het minimum om de huurder te herkennen: naam of initialen, hoogstens 120 tekens. Geen diagnose of verhaal.";

/// A trajectory as typed, with the provider as chosen in the select.
struct Typed {
    input: TenancyInput,
}

fn typed(f: &FormData) -> Typed {
    Typed {
        input: TenancyInput {
            municipality: f.get("gemeente"),
            tenant: f.get("huurder"),
            corporation_id: f.opt("corporatieId"),
            provider_id: f.opt("aanbiederId"),
            reason: f.get("aanleiding"),
            started_on: f.get("startdatum"),
            ended_on: f.opt("einddatum"),
            result: f.opt("eindresultaat"),
            note: f.opt("toelichting"),
        },
    }
}

/// The trajectory's form, filled in with what it says now.
fn as_typed(t: &Tenancy) -> Typed {
    let f = &t.facts;
    Typed {
        input: TenancyInput {
            municipality: f.municipality.to_string(),
            tenant: f.tenant.clone(),
            corporation_id: Some(f.corporation_id.to_string()),
            provider_id: f.provider_id.map(|p| p.to_string()),
            reason: f.reason.code().to_string(),
            started_on: f.started_on.to_string(),
            ended_on: f.ended_on.map(|d| d.to_string()),
            result: f.result.map(|r| r.code().to_string()),
            note: f.note.clone(),
        },
    }
}

/// The problems of a submitted form in the user's words: a municipality left
/// unchosen is asked for (not called a malformed gemeentecode, which the
/// user never typed), and a covenant partner's refusal is named at the field
/// that caused it, with the status of the refusal.
/// Anything else (not found, refused, a failure) gets its own error page.
fn form_error(
    u: &PageUser,
    e: DomainError,
    t: &Typed,
) -> Result<(DomainError, StatusCode), PageError> {
    match e {
        DomainError::Invalid(mut errors) => {
            if t.input.municipality.trim().is_empty() {
                for e in errors.iter_mut().filter(|e| e.field == "gemeente") {
                    e.message = "kies de gemeente waar de woning staat".into();
                }
            }
            Ok((DomainError::Invalid(errors), StatusCode::BAD_REQUEST))
        }
        DomainError::Forbidden(_) if is_partner(u.actor()) => {
            let (field, message) = match u.actor().role {
                Role::WmoConsulent => (
                    "gemeente",
                    "kies uw eigen gemeente: u legt HOV-trajecten vast voor woningen in uw gemeente",
                ),
                _ => (
                    "aanbiederId",
                    "kies uw eigen organisatie als begeleidende aanbieder: u legt alleen HOV-trajecten vast die u begeleidt",
                ),
            };
            Ok((DomainError::invalid(field, message), StatusCode::FORBIDDEN))
        }
        e @ (DomainError::Conflict(_) | DomainError::StaleVersion(_)) => {
            Ok((e, StatusCode::CONFLICT))
        }
        other => Err(PageError(other)),
    }
}

fn tenancy_fields(t: &Typed, l: &Lookups, with_end: bool) -> Vec<Field> {
    let i = &t.input;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields: Vec<Field> = [
        Field::text("huurder", "Huurder", &i.tenant)
            .hint(TENANT_HINT)
            .required(),
        Field::select(
            "gemeente",
            "Gemeente",
            &i.municipality,
            l.municipality_options(&i.municipality),
        )
        .hint("Waar de woning staat: de gemeente die de regie houdt en waarvoor het traject telt.")
        .required(),
        Field::select(
            "corporatieId",
            "Corporatie",
            i.corporation_id.as_deref().unwrap_or(""),
            l.corporation_options(i.corporation_id.as_deref().unwrap_or("")),
        )
        .hint("De woningcorporatie van het convenant. Staat zij er niet bij, dan voegt de beheerder haar toe bij de corporaties van de regio.")
        .required(),
        Field::select(
            "aanbiederId",
            "Begeleidende aanbieder",
            t.input.provider_id.as_deref().unwrap_or(""),
            l.provider_options(t.input.provider_id.as_deref().unwrap_or("")),
        )
        .hint("De aanbieder die de begeleiding geeft; leeg laten als er (nog) geen is."),
        Field::select(
            "aanleiding",
            "Aanleiding",
            &i.reason,
            choices(
                "— kies de aanleiding —",
                TenancyReason::ALL.iter().map(|r| (r.code(), r.label())),
            ),
        )
        .hint("Wat tot het traject leidde.")
        .required(),
        Field::date("startdatum", "Startdatum", &i.started_on)
            .hint("De dag waarop de voorwaarden ingingen.")
            .required(),
        Field::textarea("toelichting", "Toelichting", opt(&i.note)),
    ]
    // The fieldsets only where the form also ends the trajectory.
    .map(|f| if with_end { f.group("Traject") } else { f })
    .into();
    if with_end {
        fields.extend(
            [
                Field::date("einddatum", "Einddatum", opt(&i.ended_on))
                    .hint("Leeg laten zolang het traject loopt."),
                Field::select(
                    "eindresultaat",
                    "Eindresultaat",
                    i.result.as_deref().unwrap_or(""),
                    choices(
                        "— loopt nog —",
                        TenancyResult::ALL.iter().map(|r| (r.code(), r.label())),
                    ),
                )
                .hint("Hoe het traject eindigde; vul dit samen met de einddatum in."),
            ]
            .map(|f| f.group("Beëindigen")),
        );
    }
    fields
}

// ---- a new trajectory ---------------------------------------------------------------

async fn new_page(s: &AppState, u: &PageUser, t: &Typed) -> PageResult<FormPage> {
    require_partner(u)?;
    let l = Lookups::load(s, u).await?;
    let form = FormBlock::post(
        "/hov/nieuw",
        "Traject vastleggen",
        tenancy_fields(t, &l, false),
    )
    .cancel("/hov");
    let heading = "Nieuw HOV-traject";
    Ok(FormPage::new(layout(s, u, heading, None).await, heading, form).intro(
        "Een huurder die onder voorwaarden huurt, zoals corporatie, begeleidende aanbieder en gemeente afspraken. Het einde en het eindresultaat legt u later vast op de pagina van het traject.",
    ))
}

async fn new_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    let a = u.actor();
    let mut t = Typed {
        input: TenancyInput {
            started_on: s.services.clock.today().to_string(),
            ..Default::default()
        },
    };
    // The consultant's own municipality, the provider's own support.
    match &a.scope {
        Scope::Gemeente(g) if a.role == Role::WmoConsulent => {
            t.input.municipality = g.to_string();
        }
        Scope::Aanbieder(p) if a.role == Role::Aanbieder => {
            t.input.provider_id = Some(p.to_string());
        }
        _ => {}
    }
    new_page(&s, &u, &t).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let t = typed(&f);
    let e = match s.services.create_tenancy(&u.ctx, &t.input).await {
        Ok(created) => return Ok(done(&format!("/hov/{}", created.id), "hov-vastgelegd")),
        Err(e) => e,
    };
    let (e, status) = form_error(&u, e, &t)?;
    let mut resp = new_page(&s, &u, &t).await?.failed(e, None);
    *resp.status_mut() = status;
    Ok(resp)
}

// ---- one trajectory -----------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    q: &DetailQuery,
    typed: Option<Typed>,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let TenancyHistory {
        current: t,
        versions,
    } = s.services.tenancy(&u.ctx, id, k).await?;
    let l = Lookups::load(s, u).await?;
    let f = &t.facts;
    let mut page = DetailPage::new(
        layout(s, u, "HOV-traject", q.melding.as_deref()).await,
        format!("HOV-traject: {}", f.tenant),
    )
    .fact("Huurder", f.tenant.clone())
    .fact("Gemeente", l.municipality(&f.municipality))
    .fact("Corporatie", t.corporation.clone())
    .fact("Begeleidende aanbieder", l.provider(f.provider_id))
    .fact("Aanleiding", f.reason.label())
    .fact("Status", status_text(f))
    .fact("Startdatum", dutch_long(f.started_on))
    .fact("Einddatum", ended_text(f))
    .fact("Eindresultaat", result_text(f))
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
            "Latere correcties en beëindigingen",
        ));
    }
    page.actions.push(link("/hov", "Alle HOV-trajecten"));
    page.forms.push(
        FormBlock::get(
            format!("/hov/{id}"),
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
    page.tables.push(Table {
        caption: "Versies van dit traject (correcties en beëindiging)".into(),
        columns: columns(&[
            "Vastgelegd",
            "Door",
            "Huurder",
            "Gemeente",
            "Corporatie",
            "Begeleiding",
            "Aanleiding",
            "Start",
            "Einde en eindresultaat",
        ]),
        rows: versions
            .iter()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(v.facts.tenant.clone()),
                    cell(l.municipality(&v.facts.municipality)),
                    cell(v.corporation.clone()),
                    cell(l.provider(v.facts.provider_id)),
                    cell(v.facts.reason.label()),
                    date_cell(v.facts.started_on),
                    cell(end_text(&v.facts)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    if k.is_none() {
        let typed = typed.unwrap_or_else(|| as_typed(&t));
        page.forms.push(
            FormBlock::post(
                format!("/hov/{id}"),
                "Opslaan",
                tenancy_fields(&typed, &l, true),
            )
            .heading("Traject wijzigen of beëindigen")
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
    detail_page(&s, &u, id, &q, None).await
}

async fn change(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let t = typed(&f);
    let e = match s
        .services
        .change_tenancy(&u.ctx, id, f.version(), &t.input)
        .await
    {
        Ok(_) => return Ok(done(&format!("/hov/{id}"), "opgeslagen")),
        Err(e) => e,
    };
    let (e, status) = form_error(&u, e, &t)?;
    let page = detail_page(&s, &u, id, &DetailQuery::default(), Some(t)).await?;
    Ok(failed_at(page, "wijzigen", e, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ja_or_nothing_means_a_filter_on_running_trajectories() {
        assert!(running_param(&Some("ja".into())).is_ok_and(|r| r));
        assert!(running_param(&None).is_ok_and(|r| !r));
        assert!(running_param(&Some("nee".into())).is_ok_and(|r| !r));
        assert!(running_param(&Some("misschien".into())).is_err());
    }

    #[test]
    fn a_trajectory_says_whether_it_runs_and_how_it_ended() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let mut f = TenancyFacts {
            municipality: GemeenteCode::parse("GM0406").unwrap(),
            tenant: "J.K.".into(),
            corporation_id: 1,
            provider_id: None,
            reason: TenancyReason::Overlast,
            started_on: day(5),
            ended_on: None,
            result: None,
            note: None,
        };
        assert_eq!(status_text(&f), "Loopt sinds 5 januari 2026");
        assert_eq!(ended_text(&f), "loopt nog");
        assert_eq!(end_text(&f), "loopt nog");
        assert_eq!(result_text(&f), "—");
        f.ended_on = Some(day(10));
        f.result = Some(TenancyResult::Huisuitzetting);
        assert_eq!(
            status_text(&f),
            "Beëindigd op 10 januari 2026 (Huisuitzetting)"
        );
        assert_eq!(end_text(&f), "10 januari 2026 (Huisuitzetting)");
    }
}
