//! Pages of the Pact voor uitstroom: the outflow list on a peildatum, the
//! nomination of a client, one nomination with its versions and the form for
//! its allocation, withdrawal and aftercare, and the region's agreements on
//! Pact homes per municipality and year.

use super::choices::{Municipalities, Named, keep_typed};
use super::*;
use axum::extract::State;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use std::collections::HashMap;
use zothuis_domain::care::{ExitDestination, Stay};
use zothuis_domain::outflow::service::NominationFilter;
use zothuis_domain::outflow::*;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::reference::GemeenteCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/uitstroom", get(list))
        .route("/uitstroom/nieuw", get(new_form).post(create))
        .route(
            "/uitstroom/afspraken",
            get(agreements).post(record_agreement),
        )
        .route("/uitstroom/{id}", get(detail).post(change))
}

/// The roles that nominate clients (the policy's `NominateForOutflow`
/// decides per client and region; this only decides whether to offer the
/// form, as `clients::may_register` does).
pub(super) fn may_nominate(u: &PageUser) -> bool {
    matches!(u.user.role, Role::Wachtlijstbeheerder | Role::Aanbieder)
}

const NO_CLIENT: &str = "Deze cliënt bestaat niet of is voor u niet zichtbaar";

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Outflow)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/uitstroom", "Uitstroom")])
}

// ---- query parameters -------------------------------------------------------------

/// The client a new nomination is for; a malformed id is "not found".
fn client_param(v: &Option<String>) -> PageResult<Option<i64>> {
    match filled(v) {
        None => Ok(None),
        Some(c) => match c.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(PageError(DomainError::NotFound(NO_CLIENT.into()))),
        },
    }
}

// ---- names and choices --------------------------------------------------------------

/// Names of municipalities, providers and products, and the municipalities
/// offered in forms and filters: those of the user's region, or all for
/// providers and the installation-wide roles.
struct Lookups {
    municipalities: Municipalities,
    providers: Named,
    /// The corporations of the region (all, for an actor without one).
    corporations: Named,
    products: HashMap<i64, String>,
}

impl Lookups {
    async fn load(s: &AppState, u: &PageUser) -> PageResult<Lookups> {
        let region = s.services.own_region(&u.ctx).await?;
        let products = s
            .services
            .list_products(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        Ok(Lookups {
            municipalities: Municipalities::load(s, u).await?,
            providers: Named::providers(s, u).await?,
            corporations: Named::corporations(s, u, region).await?,
            products,
        })
    }

    fn municipality(&self, code: &GemeenteCode) -> String {
        self.municipalities.name(code)
    }

    fn provider(&self, id: i64) -> String {
        self.providers.name(id, "aanbieder")
    }

    /// The municipalities to choose from; one already chosen that is not
    /// among them stays selectable, so that saving the form keeps it.
    fn municipality_options(&self, empty: &str, current: Option<&str>) -> Vec<(String, String)> {
        self.municipalities
            .options(empty, current.unwrap_or_default())
    }

    fn corporation(&self, id: i64) -> String {
        self.corporations.name(id, "corporatie")
    }

    fn corporation_options(&self, current: Option<&str>) -> Vec<(String, String)> {
        self.corporations.options(
            "— nog aan geen corporatie —",
            current.unwrap_or_default(),
            "Corporatie",
        )
    }

    fn provider_options(&self, current: Option<&str>) -> Vec<(String, String)> {
        self.providers.options(
            "— geen nazorg vastgelegd —",
            current.unwrap_or_default(),
            "Aanbieder",
        )
    }

    /// "Beschermd wonen intramuraal bij Kwintes, sinds 3 maart 2025".
    fn stay(&self, st: &Stay) -> String {
        let period = match st.end_date {
            None => format!("sinds {}", dutch_long(st.start_date)),
            Some(e) => format!("van {} tot {}", dutch_long(st.start_date), dutch_long(e)),
        };
        format!(
            "{} bij {}, {period}",
            self.products
                .get(&st.product_id)
                .cloned()
                .unwrap_or_else(|| "Verblijf".into()),
            self.provider(st.provider_id)
        )
    }
}

/// The client's stays the user sees, to link a nomination to the stay the
/// person leaves.
async fn stay_options(
    s: &AppState,
    u: &PageUser,
    client_id: i64,
    l: &Lookups,
    current: Option<&str>,
) -> PageResult<Vec<(String, String)>> {
    let stays = s
        .services
        .list_stays(
            &u.ctx,
            Some(client_id),
            None,
            None,
            PageRequest::everything(),
        )
        .await?
        .items;
    let mut o = vec![(
        String::new(),
        "— geen verblijf, of niet in zothuis —".to_string(),
    )];
    o.extend(stays.iter().map(|st| (st.id.to_string(), l.stay(st))));
    // A stay the user does not see stays selectable, so saving keeps it.
    keep_typed(&mut o, current.unwrap_or_default(), "Verblijf");
    Ok(o)
}

// ---- texts ------------------------------------------------------------------------

fn days_text(n: i64) -> String {
    if n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dagen")
    }
}

fn months_text(n: u32) -> String {
    if n == 1 {
        "1 maand".into()
    } else {
        format!("{n} maanden")
    }
}

/// Where a nomination stands on a day, in words.
fn status_text(f: &NominationFacts, day: NaiveDate) -> String {
    let status = f.status_on(Some(day));
    match (status, f.key_on, f.withdrawn_on) {
        (NominationStatus::Toegewezen, Some(k), _) => {
            format!("{} (sleutel op {})", status.label(), dutch_long(k))
        }
        (NominationStatus::Ingetrokken, _, Some(w)) => format!(
            "Ingetrokken op {}{}",
            dutch_long(w),
            f.withdrawal_reason
                .map(|r| format!(" ({})", r.label().to_lowercase()))
                .unwrap_or_default()
        ),
        (NominationStatus::Wachtend, Some(k), _) => format!(
            "{} (sleuteloverdracht gepland op {})",
            status.label(),
            dutch_long(k)
        ),
        _ => status.label().to_string(),
    }
}

/// How long the person waited, or waits, against the region's target.
fn wait_text(f: &NominationFacts, day: NaiveDate, months: u32) -> String {
    let norm = months_text(months);
    match (f.status_on(Some(day)), f.key_on, f.withdrawn_on) {
        (NominationStatus::Toegewezen, Some(k), _) => format!(
            "{} van voordracht tot sleutel; {} de norm van {norm}",
            days_text((k - f.nominated_on).num_days()),
            if within_target(f.nominated_on, k, months) {
                "binnen"
            } else {
                "langer dan"
            }
        ),
        (NominationStatus::Ingetrokken, _, Some(w)) => format!(
            "{} tot de intrekking",
            days_text((w - f.nominated_on).num_days())
        ),
        _ => {
            let waited = days_text((day - f.nominated_on).num_days());
            match f.nominated_on.checked_add_months(Months::new(months)) {
                Some(limit) if day > limit => format!(
                    "{waited}; de norm van {norm} (sleutel uiterlijk op {}) is overschreden",
                    dutch_long(limit)
                ),
                Some(limit) => format!(
                    "{waited}; volgens de norm van {norm} volgt de sleutel uiterlijk op {}",
                    dutch_long(limit)
                ),
                None => waited,
            }
        }
    }
}

fn allocation_text(f: &NominationFacts, l: &Lookups) -> String {
    match (f.corporation_id, &f.address_municipality, f.key_on) {
        (None, None, None) => "—".into(),
        (c, m, k) => [
            c.map(|c| l.corporation(c)),
            m.as_ref().map(|m| l.municipality(m)),
            k.map(|k| format!("sleutel op {}", dutch_long(k))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    }
}

fn aftercare_text(f: &NominationFacts, l: &Lookups) -> String {
    match (f.aftercare_provider, f.aftercare_from) {
        (Some(p), Some(from)) => format!(
            "{} vanaf {}{}",
            l.provider(p),
            dutch_long(from),
            f.aftercare_until
                .map(|u| format!(" tot {}", dutch_long(u)))
                .unwrap_or_default()
        ),
        _ => "—".into(),
    }
}

fn housing_text(f: &NominationFacts) -> String {
    match (f.housing, f.housing_on) {
        (Some(h), Some(d)) => format!("{} (per {})", h.label(), dutch_long(d)),
        (Some(h), None) => h.label().to_string(),
        _ => "—".into(),
    }
}

// ---- the list ---------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    gemeente: Option<String>,
    peildatum: Option<String>,
    pagina: Option<String>,
    melding: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let day = day_param("peildatum", &q.peildatum)?.unwrap_or_else(|| s.services.clock.today());
    let status = filled(&q.status).unwrap_or_default().to_string();
    let municipality = filled(&q.gemeente).unwrap_or_default().to_string();
    let filter = NominationFilter {
        status: Some(status.clone()).filter(|s| !s.is_empty()),
        municipality: Some(municipality.clone()).filter(|m| !m.is_empty()),
        client_id: None,
    };
    let page = s
        .services
        .list_nominations(
            &u.ctx,
            &filter,
            Some(day),
            None,
            PageRequest::new(page_param(&q.pagina)?, Some(50)),
        )
        .await?;
    let l = Lookups::load(&s, &u).await?;
    let months = s.services.settings.outflow_target_months;
    // The list's use case audited the clients on it; the names are read for it.
    let people: HashMap<i64, String> = s
        .services
        .store
        .list_clients(&zothuis_domain::store::Clients::Ids(
            page.items.iter().map(|n| n.client_id).collect(),
        ))
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name()))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|n| {
            let f = &n.facts;
            let status = f.status_on(Some(day));
            let (status_cell, waited) = match status {
                NominationStatus::Toegewezen => (badge_cell(status.label(), "ok"), f.waited_days()),
                NominationStatus::Ingetrokken => (badge_cell(status.label(), "muted"), None),
                NominationStatus::Wachtend => {
                    let waited = (day - f.nominated_on).num_days();
                    let late = f
                        .nominated_on
                        .checked_add_months(Months::new(months))
                        .is_some_and(|limit| day > limit);
                    let cell = if late {
                        badge_cell("Wacht te lang", "warn")
                    } else {
                        cell(status.label())
                    };
                    (cell, Some(waited))
                }
            };
            vec![
                link_cell(
                    people.get(&n.client_id).cloned().unwrap_or_default(),
                    format!("/clienten/{}", n.client_id),
                ),
                cell(f.route.label()),
                cell(f.leaves.label()),
                cell(l.municipality(&f.municipality)),
                link_cell(dutch_long(f.nominated_on), format!("/uitstroom/{}", n.id)),
                status_cell,
                match waited {
                    Some(d) => num_cell(d),
                    None => Cell {
                        numeric: true,
                        ..cell("—")
                    },
                },
                f.key_on.map(date_cell).unwrap_or_else(|| cell("—")),
            ]
        })
        .collect();
    let statuses = choices(
        "Alle statussen",
        NominationStatus::ALL
            .iter()
            .map(|st| (st.code(), st.label())),
    );
    let mut actions = Vec::new();
    if may_nominate(&u) {
        actions.push(link("/uitstroom/nieuw", "Nieuwe voordracht"));
    }
    actions.push(link("/uitstroom/afspraken", "Pact-afspraken"));
    let filters = FormBlock::get(
        "/uitstroom",
        "Tonen",
        vec![
            Field::select("status", "Status op de peildatum", &status, statuses),
            Field::select(
                "gemeente",
                "Gemeente waar een woning wordt gezocht",
                &municipality,
                l.municipality_options("Alle gemeenten", Some(&municipality)),
            ),
            Field::date("peildatum", "Peildatum", day.to_string()),
        ],
    )
    .anchor("filters");
    Ok(TablePage {
        layout: layout(&s, &u, "Uitstroom", q.melding.as_deref()).await,
        heading: "Uitstroom: Pact voor uitstroom en urgentie".into(),
        intro: Some(format!(
            "Voordrachten voor een eigen woning via het Pact voor uitstroom of een urgentieverklaring, met hun stand op {}; de voordracht die het langst loopt eerst. De norm van de regio is de sleutel binnen {} na de voordracht; wie langer wacht, staat er als ‘Wacht te lang’. U ziet alleen cliënten in uw werkgebied.",
            dutch_long(day),
            months_text(months)
        )),
        actions,
        filters: Some(filters),
        table: Table {
            caption: format!(
                "{} {}{}",
                page.total,
                if page.total == 1 {
                    "voordracht"
                } else {
                    "voordrachten"
                },
                restricted_note(page.restricted.unwrap_or(0) as usize)
            ),
            columns: columns(&[
                "Cliënt",
                "Route",
                "Uitstroom uit",
                "Gemeente",
                "Voordrachtdatum",
                "Status",
                "#Wachttijd (dagen)",
                "Sleuteldatum",
            ]),
            rows,
            empty: "Geen voordrachten met deze filters.".into(),
        },
        pager: Some(Pager::of(&page, "voordrachten", |n| {
            let mut pairs = vec![("peildatum", day.to_string()), ("pagina", n.to_string())];
            if !status.is_empty() {
                pairs.push(("status", status.clone()));
            }
            if !municipality.is_empty() {
                pairs.push(("gemeente", municipality.clone()));
            }
            format!(
                "/uitstroom?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })),
    })
}

// ---- the form of a nomination -------------------------------------------------------

const ALLOCATION_HINT: &str =
    "Toewijzing en intrekking legt alleen de wachtlijstbeheerder van de regio vast.";

/// The fields of a nomination as typed; `full` adds allocation, withdrawal
/// and aftercare, each in its own fieldset.
fn nomination_fields(
    input: &NominationInput,
    l: &Lookups,
    stays: Vec<(String, String)>,
    full: bool,
    allocation_hint: bool,
) -> Vec<Field> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let base = vec![
        Field::select(
            "route",
            "Route",
            &input.route,
            choices(
                "— kies —",
                OutflowRoute::ALL.iter().map(|r| (r.code(), r.label())),
            ),
        )
        .required(),
        Field::select(
            "uitstroomUit",
            "Uitstroom uit",
            &input.leaves,
            choices(
                "— kies —",
                OutflowFrom::ALL.iter().map(|r| (r.code(), r.label())),
            ),
        )
        .required(),
        Field::select(
            "verblijfId",
            "Verblijf waaruit de cliënt uitstroomt",
            input.stay_id.as_deref().unwrap_or(""),
            stays,
        )
        .hint("Het verblijf dat op de sleuteldatum eindigt, met als uitstroom zelfstandig via Pact of urgentie."),
        Field::select(
            "gemeente",
            "Gemeente waar een woning wordt gezocht",
            &input.municipality,
            l.municipality_options("— kies een gemeente —", Some(&input.municipality)),
        )
        .hint("Telt mee voor de Pact-woningen van deze gemeente zolang de cliënt wacht.")
        .required(),
        Field::date("voordrachtdatum", "Voordrachtdatum", &input.nominated_on).required(),
        Field::textarea("toelichting", "Toelichting", opt(&input.note)),
    ];
    if !full {
        return base;
    }
    let mut fields: Vec<Field> = base.into_iter().map(|f| f.group("Voordracht")).collect();
    let mut corporation = Field::select(
        "corporatieId",
        "Corporatie",
        input.corporation_id.as_deref().unwrap_or(""),
        l.corporation_options(input.corporation_id.as_deref()),
    )
    .hint("Aan deze corporatie is de kandidaat voorgedragen; haar medewerkers zien de voordracht, zonder zorggegevens.");
    if allocation_hint {
        corporation = corporation.hint(ALLOCATION_HINT);
    }
    fields.extend(
        [
            corporation,
            Field::select(
                "adresgemeente",
                "Gemeente waar de woning ligt",
                input.address_municipality.as_deref().unwrap_or(""),
                l.municipality_options(
                    "— nog geen woning —",
                    input.address_municipality.as_deref(),
                ),
            ),
            Field::date("sleuteldatum", "Sleuteldatum", opt(&input.key_on)).hint(
                "De dag van de sleuteloverdracht: het einde van de wachttijd. Mag gepland zijn.",
            ),
        ]
        .map(|f| f.group("Toewijzing")),
    );
    fields.extend(
        [
            Field::date(
                "ingetrokkenOp",
                "Datum van intrekking",
                opt(&input.withdrawn_on),
            ),
            Field::select(
                "redenIntrekking",
                "Reden van intrekking",
                input.withdrawal_reason.as_deref().unwrap_or(""),
                choices(
                    "— niet ingetrokken —",
                    WithdrawalReason::ALL.iter().map(|r| (r.code(), r.label())),
                ),
            ),
        ]
        .map(|f| f.group("Intrekking")),
    );
    fields.extend(
        [
            Field::select(
                "nazorgAanbiederId",
                "Aanbieder van de nazorg",
                input.aftercare_provider.as_deref().unwrap_or(""),
                l.provider_options(input.aftercare_provider.as_deref()),
            )
            .hint("Het Pact vraagt minstens twee jaar woonbegeleiding na de verhuizing."),
            Field::date("nazorgVanaf", "Nazorg vanaf", opt(&input.aftercare_from)),
            Field::date("nazorgTot", "Nazorg tot", opt(&input.aftercare_until)),
            Field::select(
                "wonen",
                "Hoe het wonen verloopt",
                input.housing.as_deref().unwrap_or(""),
                choices(
                    "— nog niets vastgelegd —",
                    HousingOutcome::ALL.iter().map(|h| (h.code(), h.label())),
                ),
            ),
            Field::date(
                "wonenPer",
                "Datum waarop het wonen zo verliep",
                opt(&input.housing_on),
            ),
        ]
        .map(|f| f.group("Nazorg en wonen")),
    );
    fields
}

fn nomination_input(f: &FormData) -> NominationInput {
    NominationInput {
        route: f.get("route"),
        leaves: f.get("uitstroomUit"),
        stay_id: f.opt("verblijfId"),
        nominated_on: f.get("voordrachtdatum"),
        municipality: f.get("gemeente"),
        corporation_id: f.opt("corporatieId"),
        address_municipality: f.opt("adresgemeente"),
        key_on: f.opt("sleuteldatum"),
        withdrawn_on: f.opt("ingetrokkenOp"),
        withdrawal_reason: f.opt("redenIntrekking"),
        aftercare_provider: f.opt("nazorgAanbiederId"),
        aftercare_from: f.opt("nazorgVanaf"),
        aftercare_until: f.opt("nazorgTot"),
        housing: f.opt("wonen"),
        housing_on: f.opt("wonenPer"),
        note: f.opt("toelichting"),
    }
}

/// The nomination's form, filled in with what it says now.
fn as_input(n: &Nomination) -> NominationInput {
    let f = &n.facts;
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    NominationInput {
        route: f.route.code().to_string(),
        leaves: f.leaves.code().to_string(),
        stay_id: f.stay_id.map(|s| s.to_string()),
        nominated_on: f.nominated_on.to_string(),
        municipality: f.municipality.to_string(),
        corporation_id: f.corporation_id.map(|c| c.to_string()),
        address_municipality: f.address_municipality.as_ref().map(|m| m.to_string()),
        key_on: date(f.key_on),
        withdrawn_on: date(f.withdrawn_on),
        withdrawal_reason: f.withdrawal_reason.map(|r| r.code().to_string()),
        aftercare_provider: f.aftercare_provider.map(|p| p.to_string()),
        aftercare_from: date(f.aftercare_from),
        aftercare_until: date(f.aftercare_until),
        housing: f.housing.map(|h| h.code().to_string()),
        housing_on: date(f.housing_on),
        note: f.note.clone(),
    }
}

// ---- a new nomination ---------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct NewQuery {
    client: Option<String>,
}

fn refuse_nomination(u: &PageUser) -> PageResult<()> {
    if may_nominate(u) {
        Ok(())
    } else {
        Err(PageError(DomainError::Forbidden(
            "alleen een aanbieder of de wachtlijstbeheerder draagt cliënten voor".into(),
        )))
    }
}

/// Without a client: choose one of the clients the user sees.
async fn choose_client(s: &AppState, u: &PageUser) -> PageResult<FormPage> {
    refuse_nomination(u)?;
    let known = s
        .services
        .search_clients(&u.ctx, "", PageRequest::everything())
        .await?;
    let mut people = vec![(String::new(), "— kies een cliënt —".to_string())];
    people.extend(known.items.iter().map(|c| {
        (
            c.id.to_string(),
            format!("{} ({})", c.full_name(), dutch_long(c.date_of_birth)),
        )
    }));
    let form = FormBlock::get(
        "/uitstroom/nieuw",
        "Verder",
        vec![Field::select("client", "Cliënt", "", people).required()],
    )
    .cancel("/uitstroom")
    .anchor("client-kiezen");
    Ok(FormPage::new(
        layout(s, u, "Nieuwe voordracht", None).await,
        "Nieuwe voordracht voor uitstroom",
        form,
    )
    .intro("Kies de cliënt die u voordraagt. U kunt ook voordragen vanaf de pagina van de cliënt."))
}

async fn new_page(
    s: &AppState,
    u: &PageUser,
    client_id: i64,
    input: &NominationInput,
) -> PageResult<FormPage> {
    refuse_nomination(u)?;
    let client = s.services.get_client(&u.ctx, client_id, None).await?;
    let l = Lookups::load(s, u).await?;
    let stays = stay_options(s, u, client_id, &l, input.stay_id.as_deref()).await?;
    let form = FormBlock::post(
        format!("/uitstroom/nieuw?client={client_id}"),
        "Voordragen",
        nomination_fields(input, &l, stays, false, false),
    )
    .cancel(format!("/clienten/{client_id}"));
    Ok(FormPage::new(
        layout(s, u, "Nieuwe voordracht", None).await,
        &format!("Voordracht voor uitstroom van {}", client.full_name()),
        form,
    )
    .intro("Een voordracht voor een woning via het Pact voor uitstroom of voor een urgentieverklaring. Een cliënt heeft één lopende voordracht; de toewijzing legt de wachtlijstbeheerder van de regio vast."))
}

async fn new_form(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> PageResult<FormPage> {
    let q = query(q)?;
    match client_param(&q.client)? {
        None => choose_client(&s, &u).await,
        Some(id) => {
            let input = NominationInput {
                nominated_on: s.services.clock.today().to_string(),
                ..Default::default()
            };
            new_page(&s, &u, id, &input).await
        }
    }
}

async fn create(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NewQuery>, QueryRejection>,
    f: FormData,
) -> PageResult<Response> {
    let q = query(q)?;
    let Some(client_id) = client_param(&q.client)? else {
        return Err(PageError(DomainError::NotFound(NO_CLIENT.into())));
    };
    let input = nomination_input(&f);
    match s.services.nominate(&u.ctx, client_id, &input).await {
        Ok(n) => Ok(done(&format!("/uitstroom/{}", n.id), "voorgedragen")),
        Err(e) => Ok(new_page(&s, &u, client_id, &input).await?.failed(e, None)),
    }
}

// ---- one nomination ------------------------------------------------------------------

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
    typed: Option<&NominationInput>,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let h = s.services.nomination(&u.ctx, id, k).await?;
    let n = &h.current;
    let f = &n.facts;
    let client = s.services.get_client(&u.ctx, n.client_id, None).await?;
    let l = Lookups::load(s, u).await?;
    let today = s.services.clock.today();
    let months = s.services.settings.outflow_target_months;
    // The stay is read through its own use case, which checks access and
    // audits the read; one the user may not see is only named by number.
    let stay = match f.stay_id {
        None => None,
        Some(stay_id) => match s.services.get_stay(&u.ctx, stay_id, None).await {
            Ok(st) => Some(st),
            Err(DomainError::NotFound(_) | DomainError::Forbidden(_)) => None,
            Err(e) => return Err(PageError(e)),
        },
    };
    let mut page = DetailPage::new(
        layout(s, u, "Voordracht", q.melding.as_deref()).await,
        format!("Voordracht van {}", client.full_name()),
    )
    .fact("Cliënt", client.full_name())
    .fact("Route", f.route.label())
    .fact("Uitstroom uit", f.leaves.label())
    .fact(
        "Verblijf",
        match (&stay, f.stay_id) {
            (Some(st), _) => l.stay(st),
            (None, Some(id)) => format!("Verblijf {id}"),
            (None, None) => "—".into(),
        },
    )
    .fact("Woning gezocht in", l.municipality(&f.municipality))
    .fact("Voordrachtdatum", dutch_long(f.nominated_on))
    .fact("Status", status_text(f, today))
    .fact("Wachttijd", wait_text(f, today, months))
    .fact(
        "Corporatie",
        or_dash(f.corporation_id.map(|c| l.corporation(c))),
    )
    .fact(
        "Woning in gemeente",
        or_dash(f.address_municipality.as_ref().map(|m| l.municipality(m))),
    )
    .fact("Sleuteldatum", or_dash(f.key_on.map(dutch_long)))
    .fact(
        "Intrekking",
        match (f.withdrawn_on, f.withdrawal_reason) {
            (Some(w), Some(r)) => format!("{} ({})", dutch_long(w), r.label().to_lowercase()),
            (Some(w), None) => dutch_long(w),
            _ => "—".into(),
        },
    )
    .fact("Nazorg", aftercare_text(f, &l))
    .fact("Wonen", housing_text(f))
    .fact("Toelichting", or_dash(f.note.clone()))
    .fact(
        "Laatst vastgelegd",
        format!(
            "{} door {}",
            zothuis_domain::dates::dutch_moment(n.recorded_at),
            n.recorded_by
        ),
    );
    if let Some(k) = k {
        page.intro = Some(format!(
            "U bekijkt de voordracht zoals zothuis die kende op {} (einde van de dag). Latere correcties zijn niet meegenomen.",
            dutch_long(k.date_naive())
        ));
    }
    if let (None, Some(key), Some(st)) = (k, f.key_on, &stay)
        && st.end_date.is_none()
    {
        let text = if key <= today {
            format!(
                "De sleutel is op {} overgedragen, maar het verblijf waaruit {} uitstroomt loopt nog. Beëindig het verblijf op de sleuteldatum met als uitstroombestemming ‘{}’.",
                dutch_long(key),
                client.full_name(),
                ExitDestination::ZelfstandigPact.label()
            )
        } else {
            format!(
                "De sleutel wordt op {} overgedragen. Beëindig dan het verblijf waaruit {} uitstroomt, op de sleuteldatum en met als uitstroombestemming ‘{}’.",
                dutch_long(key),
                client.full_name(),
                ExitDestination::ZelfstandigPact.label()
            )
        };
        page.alert = Some(Alert {
            text,
            link: Some(link(format!("/verblijven/{}", st.id), "Naar het verblijf")),
        });
    }
    page.actions
        .push(link(format!("/clienten/{}", client.id), "Naar de cliënt"));
    if let Some(st) = &stay {
        page.actions
            .push(link(format!("/verblijven/{}", st.id), "Naar het verblijf"));
    }
    page.actions.push(link("/uitstroom", "Alle voordrachten"));
    page.forms.push(
        FormBlock::get(
            format!("/uitstroom/{id}"),
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor de voordracht zoals die nu is."),
            ],
        )
        .anchor("bekend-op"),
    );
    page.tables.push(Table {
        caption: "Versies van deze voordracht (correcties, toewijzing, intrekking en nazorg)"
            .into(),
        columns: columns(&[
            "Vastgelegd",
            "Door",
            "Status",
            "Woning gezocht in",
            "Toewijzing",
            "Nazorg",
            "Wonen",
        ]),
        rows: h
            .versions
            .iter()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(status_text(&v.facts, today)),
                    cell(l.municipality(&v.facts.municipality)),
                    cell(allocation_text(&v.facts, &l)),
                    cell(aftercare_text(&v.facts, &l)),
                    cell(housing_text(&v.facts)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    if k.is_none() && may_nominate(u) {
        let input = typed.cloned().unwrap_or_else(|| as_input(n));
        let stays = stay_options(s, u, n.client_id, &l, input.stay_id.as_deref()).await?;
        let manages = can(
            u.actor(),
            Action::ManageOutflow {
                region_id: n.region_id,
            },
        )
        .is_allowed();
        page.forms.push(
            FormBlock::post(
                format!("/uitstroom/{id}"),
                "Opslaan",
                nomination_fields(&input, &l, stays, true, !manages),
            )
            .heading("Voordracht bijwerken")
            .version(n.version_id)
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
    let input = nomination_input(&f);
    let e = match s
        .services
        .change_nomination(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => return Ok(done(&format!("/uitstroom/{id}"), "opgeslagen")),
        Err(e) => e,
    };
    let status = match &e {
        DomainError::Invalid(_) => StatusCode::BAD_REQUEST,
        DomainError::Conflict(_) | DomainError::StaleVersion(_) => StatusCode::CONFLICT,
        // A provider recording an allocation: the refusal at the form.
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => return Err(PageError(e)),
    };
    let page = detail_page(&s, &u, id, &DetailQuery::default(), Some(&input)).await?;
    Ok(failed_at(page, "wijzigen", e, status))
}

// ---- the agreements -------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct AgreementQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

fn quota_cells(q: &Quota, l: &Lookups) -> Vec<Cell> {
    vec![
        cell(l.municipality(&q.municipality)),
        cell(q.year.to_string()),
        num_cell(i64::from(q.homes)),
        cell(or_dash(q.note.clone())),
        cell(q.recorded_by.clone()),
        cell(zothuis_domain::dates::dutch_moment(q.recorded_at)),
    ]
}

async fn agreements_page(
    s: &AppState,
    u: &PageUser,
    q: &AgreementQuery,
    typed: Option<&QuotaInput>,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let (mut in_force, mut rows) = s.services.quotas(&u.ctx, None, k).await?;
    let l = Lookups::load(s, u).await?;
    in_force.sort_by(|a, b| {
        b.year.cmp(&a.year).then_with(|| {
            l.municipality(&a.municipality)
                .cmp(&l.municipality(&b.municipality))
        })
    });
    rows.sort_by_key(|q| std::cmp::Reverse(q.id));
    let mut page = DetailPage::new(
        layout(s, u, "Pact-afspraken", q.melding.as_deref()).await,
        "Pact-afspraken: woningen per gemeente en jaar",
    );
    page.intro = Some(match k {
        None => "Het aantal woningen dat de corporaties per jaar via het Pact voor uitstroom beschikbaar stellen, zoals met elke gemeente afgesproken. Een nieuwe afspraak voor dezelfde gemeente en hetzelfde jaar vervangt de eerdere; die blijft in de historie.".into(),
        Some(k) => format!(
            "U bekijkt de afspraken zoals zothuis ze kende op {} (einde van de dag). Latere afspraken zijn niet meegenomen.",
            dutch_long(k.date_naive())
        ),
    });
    page.actions
        .push(link("/uitstroom", "Naar de voordrachten"));
    page.forms.push(
        FormBlock::get(
            "/uitstroom/afspraken",
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor de afspraken van nu."),
            ],
        )
        .anchor("bekend-op"),
    );
    let in_force_ids: Vec<i64> = in_force.iter().map(|q| q.id).collect();
    page.tables.push(Table {
        caption: "Afspraken die gelden".into(),
        columns: columns(&[
            "Gemeente",
            "Jaar",
            "#Woningen",
            "Toelichting",
            "Vastgelegd door",
            "Vastgelegd op",
        ]),
        rows: in_force.iter().map(|q| quota_cells(q, &l)).collect(),
        empty: "Er zijn nog geen afspraken vastgelegd.".into(),
    });
    page.tables.push(Table {
        caption: "Alle vastgelegde afspraken, nieuwste eerst".into(),
        columns: columns(&[
            "Gemeente",
            "Jaar",
            "#Woningen",
            "Toelichting",
            "Vastgelegd door",
            "Vastgelegd op",
            "Geldt",
        ]),
        rows: rows
            .iter()
            .map(|q| {
                let mut cells = quota_cells(q, &l);
                cells.push(if in_force_ids.contains(&q.id) {
                    badge_cell("geldt", "ok")
                } else {
                    badge_cell("vervangen", "muted")
                });
                cells
            })
            .collect(),
        empty: "Er zijn nog geen afspraken vastgelegd.".into(),
    });
    let region = s.services.own_region(&u.ctx).await?;
    let manages = region
        .is_some_and(|region_id| can(u.actor(), Action::ManageOutflow { region_id }).is_allowed());
    if k.is_none() && manages {
        let year = s.services.clock.today().year().to_string();
        let default = QuotaInput {
            year,
            ..Default::default()
        };
        let input = typed.unwrap_or(&default);
        page.forms.push(
            FormBlock::post(
                "/uitstroom/afspraken",
                "Afspraak vastleggen",
                vec![
                    Field::select(
                        "gemeente",
                        "Gemeente",
                        &input.municipality,
                        l.municipality_options("— kies een gemeente —", Some(&input.municipality)),
                    )
                    .required(),
                    Field::number("jaar", "Jaar", &input.year).required(),
                    Field::number("woningen", "Woningen", &input.homes)
                        .hint("Het aantal woningen dat de corporaties in dit jaar via het Pact beschikbaar stellen voor deze gemeente.")
                        .required(),
                    Field::textarea(
                        "toelichting",
                        "Toelichting",
                        input.note.clone().unwrap_or_default(),
                    ),
                ],
            )
            .heading("Afspraak vastleggen")
            .anchor("afspraak"),
        );
    }
    Ok(page)
}

async fn agreements(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<AgreementQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    agreements_page(&s, &u, &q, None).await
}

async fn record_agreement(
    State(s): State<AppState>,
    u: PageUser,
    f: FormData,
) -> PageResult<Response> {
    let input = QuotaInput {
        municipality: f.get("gemeente"),
        year: f.get("jaar"),
        homes: f.get("woningen"),
        note: f.opt("toelichting"),
    };
    match s.services.set_quota(&u.ctx, &input).await {
        Ok(_) => Ok(done("/uitstroom/afspraken", "afspraak")),
        Err(e @ DomainError::Invalid(_)) => {
            let page = agreements_page(&s, &u, &AgreementQuery::default(), Some(&input)).await?;
            Ok(failed_at(page, "afspraak", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}
