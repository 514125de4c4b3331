//! The housing corporation's own pages: the nominations for outflow
//! addressed to it (who the candidate is, where a home is sought, the
//! allocation) and one such nomination. Nothing of the care behind them;
//! the service audits every view (policy `ViewAddressedNominations`).

use super::*;
use axum::extract::State;
use axum::routing::get;
use std::collections::HashMap;
use zothuis_domain::outflow::NominationStatus;
use zothuis_domain::outflow::model::AllocationInput;
use zothuis_domain::outflow::service::AddressedNomination;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::GemeenteCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/corporatie", get(list))
        .route("/corporatie/{id}", get(detail).post(allocate))
}

const HEADING: &str = "Voordrachten aan uw corporatie";

/// Whether the user is staff of a housing corporation and may see the
/// nominations addressed to it (the menu entry and start page card).
pub(super) fn is_corporation(a: &zothuis_domain::admin::Actor) -> bool {
    match a.scope {
        Scope::Corporatie(corporation_id) => {
            can(a, Action::ViewAddressedNominations { corporation_id }).is_allowed()
        }
        _ => false,
    }
}

async fn layout(s: &AppState, u: &PageUser, title: &str) -> Layout {
    Layout::new(s, u, title, Section::Corporation).await
}

const RESTRICTED: &str = "Afgeschermde kandidaat";

fn candidate_name(n: &AddressedNomination) -> String {
    n.candidate
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| RESTRICTED.into())
}

fn municipality(names: &HashMap<String, String>, code: &GemeenteCode) -> String {
    names
        .get(code.as_str())
        .cloned()
        .unwrap_or_else(|| code.to_string())
}

fn status_cell(status: NominationStatus) -> Cell {
    match status {
        NominationStatus::Wachtend => cell(status.label()),
        NominationStatus::Toegewezen => badge_cell(status.label(), "ok"),
        NominationStatus::Ingetrokken => badge_cell(status.label(), "muted"),
    }
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    pagina: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let status = filled(&q.status).unwrap_or_default().to_string();
    let page = s
        .services
        .addressed_nominations(
            &u.ctx,
            Some(status.as_str()).filter(|s| !s.is_empty()),
            None,
            PageRequest::new(page_param(&q.pagina)?, Some(50)),
        )
        .await?;
    let names = municipality_names(&s, &u).await?;
    let rows = page
        .items
        .iter()
        .map(|n| {
            vec![
                link_cell(candidate_name(n), format!("/corporatie/{}", n.id)),
                cell(n.route.label()),
                cell(municipality(&names, &n.municipality)),
                date_cell(n.nominated_on),
                status_cell(n.status),
                cell(
                    n.address_municipality
                        .as_ref()
                        .map(|m| municipality(&names, m))
                        .unwrap_or_else(|| "—".into()),
                ),
                n.key_on.map(date_cell).unwrap_or_else(|| cell("—")),
            ]
        })
        .collect();
    let statuses = choices(
        "Alle statussen",
        NominationStatus::ALL
            .iter()
            .map(|st| (st.code(), st.label())),
    );
    let filters = FormBlock::get(
        "/corporatie",
        "Tonen",
        vec![Field::select("status", "Status", &status, statuses)],
    )
    .anchor("filters");
    let today = s.services.clock.today();
    Ok(TablePage {
        layout: layout(&s, &u, HEADING).await,
        heading: HEADING.into(),
        intro: Some(format!(
            "De kandidaten die via het Pact voor uitstroom of een urgentieverklaring aan uw corporatie zijn voorgedragen, met hun stand op {}: wie nog op een woning wacht eerst, de langst wachtende voorop. U ziet wie de kandidaat is en waar een woning wordt gezocht, niets van de zorg. Elke inzage wordt vastgelegd.",
            dutch_long(today)
        )),
        actions: Vec::new(),
        filters: Some(filters),
        table: Table {
            caption: format!(
                "{} {}",
                page.total,
                if page.total == 1 {
                    "voordracht"
                } else {
                    "voordrachten"
                }
            ),
            columns: columns(&[
                "Kandidaat",
                "Route",
                "Woning gezocht in",
                "Voordrachtdatum",
                "Status",
                "Toegewezen woning in",
                "Sleuteldatum",
            ]),
            rows,
            empty: "Er zijn geen voordrachten aan uw corporatie met deze status.".into(),
        },
        pager: Some(Pager::of(&page, "voordrachten", |n| {
            let mut pairs = vec![("pagina", n.to_string())];
            if !status.is_empty() {
                pairs.push(("status", status.clone()));
            }
            format!(
                "/corporatie?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })),
    })
}

async fn detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    detail_page(&s, &u, id, None, q.melding.as_deref()).await
}

/// The nomination, with the form to record the allocation while it is not
/// withdrawn (`typed`: what was sent, after a refusal).
async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    typed: Option<&AllocationInput>,
    notice: Option<&str>,
) -> PageResult<DetailPage> {
    let n = s.services.addressed_nomination(&u.ctx, id, None).await?;
    let municipalities = s.services.list_municipalities(&u.ctx).await?;
    let names: HashMap<String, String> = municipalities
        .iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect();
    let title = candidate_name(&n);
    let l = layout(s, u, &title)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/corporatie", HEADING)]);
    let mut page = DetailPage::new(l, format!("Voordracht: {title}"));
    match &n.candidate {
        Some(c) => {
            page = page
                .fact("Naam", c.name.clone())
                .fact("Telefoon", c.phone.clone().unwrap_or_else(|| "—".into()))
                .fact("E-mail", c.email.clone().unwrap_or_else(|| "—".into()));
        }
        None => {
            page.intro = Some(
                "Deze kandidaat is afgeschermd (bijvoorbeeld uit de vrouwenopvang): naam en contactgegevens staan niet in zothuis voor u. De uitstroomcoördinatie van de regio stelt de kandidaat persoonlijk aan u voor."
                    .into(),
            );
        }
    }
    let key = n.key_on.map(dutch_long).unwrap_or_else(|| "—".into());
    page = page
        .fact("Route", n.route.label())
        .fact("Voordrachtdatum", dutch_long(n.nominated_on))
        .fact(
            "Gemeente waar een woning wordt gezocht",
            municipality(&names, &n.municipality),
        )
        .fact("Status", n.status.label())
        .fact(
            "Toegewezen woning in",
            n.address_municipality
                .as_ref()
                .map(|m| municipality(&names, m))
                .unwrap_or_else(|| "—".into()),
        )
        .fact("Sleuteldatum", key);
    if n.status != NominationStatus::Ingetrokken {
        // The municipalities of the nomination's region, by name.
        let region = municipalities
            .iter()
            .find(|m| m.code == n.municipality)
            .map(|m| m.region_id);
        let mut options: Vec<(String, String)> = municipalities
            .iter()
            .filter(|m| Some(m.region_id) == region)
            .map(|m| (m.code.to_string(), m.name.clone()))
            .collect();
        options.sort_by(|a, b| a.1.cmp(&b.1));
        let address = typed
            .map(|t| t.address_municipality.clone())
            .or_else(|| n.address_municipality.as_ref().map(|m| m.to_string()))
            .unwrap_or_default();
        let key_on = typed
            .map(|t| t.key_on.clone())
            .or_else(|| n.key_on.map(|k| k.to_string()))
            .unwrap_or_default();
        page.forms.push(
            FormBlock::post(
                format!("/corporatie/{id}"),
                "Toewijzing opslaan",
                vec![
                    Field::select(
                        "adresgemeente",
                        "Gemeente van de woning",
                        &address,
                        choices(
                            "Kies een gemeente",
                            options.iter().map(|(c, n)| (c.as_str(), n.as_str())),
                        ),
                    ),
                    Field::date("sleuteldatum", "Sleuteldatum", key_on)
                        .hint("De dag van de sleuteloverdracht; mag nog komen."),
                ],
            )
            .heading("Toewijzing vastleggen")
            .version(n.version_id)
            .anchor("toewijzing"),
        );
    }
    Ok(page)
}

async fn allocate(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = AllocationInput {
        address_municipality: f.get("adresgemeente"),
        key_on: f.get("sleuteldatum"),
    };
    let e = match s
        .services
        .record_allocation(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => return Ok(done(&format!("/corporatie/{id}"), "opgeslagen")),
        Err(e) => e,
    };
    let (e, status) = form_refusal(e)?;
    let page = detail_page(&s, &u, id, Some(&input), None).await?;
    Ok(failed_at(page, "toewijzing", e, status))
}
