//! Dutch web pages. One module per area; shared building blocks here: the
//! layout (header, navigation by role), forms with an error summary, tables.

mod access;
mod admin;
mod audit;
mod budget;
mod care;
mod cbs;
mod choices;
mod clients;
mod corporation;
mod exchange;
mod figures;
mod finance;
mod finance_page;
mod forecast;
mod import;
mod outflow;
mod outreach;
mod plans;
mod privacy;
mod reference;
mod requests;
mod review;
mod second_factor;
pub(crate) use second_factor::PATH as SECOND_FACTOR_PATH;
mod session;
mod settlement;
mod shelter;
mod tenancy;
mod waitlist;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{ErrorPage, PageError, PageResult, current_request_id};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zothuis_domain::admin::{Role, Scope};
pub(crate) use zothuis_domain::dates::dutch_long;
use zothuis_domain::policy::{Action, can};
use zothuis_domain::{DomainError, FieldError};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(second_factor::router())
        .merge(reference::router())
        .merge(admin::router())
        .merge(audit::router())
        .merge(clients::router())
        .merge(access::router())
        .merge(waitlist::router())
        .merge(care::router())
        .merge(shelter::router())
        .merge(outflow::router())
        .merge(corporation::router())
        .merge(outreach::router())
        .merge(tenancy::router())
        .merge(review::router())
        .merge(import::router())
        .merge(figures::router())
        .merge(finance::router())
        .merge(budget::router())
        .merge(settlement::router())
        .merge(plans::router())
        .merge(privacy::router())
        .merge(exchange::router())
        .merge(requests::router())
        .merge(forecast::router())
        .merge(cbs::router())
}

pub async fn not_found() -> Response {
    let page = ErrorPage {
        title: "Pagina niet gevonden".into(),
        message: "Deze pagina bestaat niet. Controleer het adres of ga naar het overzicht.".into(),
        request_id: current_request_id(),
        status: 404,
    };
    (StatusCode::NOT_FOUND, page).into_response()
}

// ---- layout -------------------------------------------------------------------

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

pub fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

/// The sections of the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Clients,
    Waitlist,
    Places,
    Reviews,
    Import,
    Stays,
    Shelter,
    Outflow,
    Corporation,
    Outreach,
    Tenancy,
    Figures,
    Finance,
    Budgets,
    Settlement,
    Plans,
    Reference,
    Users,
    Tokens,
    Audit,
    SubjectAccess,
    Retention,
    Messages,
    Requests,
    Forecasts,
    Cbs,
    Account,
}

pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub user_role: &'static str,
    pub user_scope: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub notice: Option<&'static str>,
    pub breadcrumbs: Vec<Link>,
}

impl Layout {
    /// The layout for a logged-in user; the menu shows only what the policy
    /// allows this user.
    pub async fn new(
        s: &AppState,
        u: &PageUser,
        title: impl Into<String>,
        section: Section,
    ) -> Layout {
        let a = u.actor();
        let mut nav = vec![NavItem {
            href: "/",
            label: "Overzicht",
            current: section == Section::Home,
        }];
        if works_with_clients(a) {
            nav.push(NavItem {
                href: "/clienten",
                label: "Cliënten",
                current: section == Section::Clients,
            });
            nav.push(NavItem {
                href: "/wachtlijst",
                label: "Wachtlijst",
                current: section == Section::Waitlist,
            });
            nav.push(NavItem {
                href: "/vacatures",
                label: "Plekken",
                current: section == Section::Places,
            });
            if a.role == Role::Wachtlijstbeheerder {
                nav.push(NavItem {
                    href: "/wachtlijstoverleggen",
                    label: "Overleg",
                    current: section == Section::Reviews,
                });
            }
            if zothuis_domain::policy::may_import(a) {
                nav.push(NavItem {
                    href: "/import",
                    label: "Importeren",
                    current: section == Section::Import,
                });
            }
            nav.push(NavItem {
                href: "/verblijven",
                label: "Verblijven",
                current: section == Section::Stays,
            });
            nav.push(NavItem {
                href: "/uitstroom",
                label: "Uitstroom",
                current: section == Section::Outflow,
            });
            // Providers' iWmo requests, answered by the consultant and the
            // waitlist manager (`requests`).
            if requests::answers_requests(u) {
                nav.push(NavItem {
                    href: "/verzoeken",
                    label: "Verzoeken",
                    current: section == Section::Requests,
                });
            }
        }
        // A provider exchanges its iWmo messages (`exchange`).
        if exchange::is_provider(u) {
            nav.push(NavItem {
                href: "/berichten",
                label: "Berichten",
                current: section == Section::Messages,
            });
        }
        if a.role == Role::Toegangsmedewerker {
            nav.push(NavItem {
                href: "/clienten",
                label: "Personen",
                current: section == Section::Clients,
            });
            nav.push(NavItem {
                href: "/meldingen-opvang",
                label: "Meldingen opvang",
                current: section == Section::Shelter,
            });
        }
        // A housing corporation sees the nominations addressed to it and
        // nothing else of the care (policy `ViewAddressedNominations`).
        if corporation::is_corporation(a) {
            nav.push(NavItem {
                href: "/corporatie",
                label: "Voordrachten",
                current: section == Section::Corporation,
            });
        }
        // The outreach register is the team's alone (policy
        // `ManageOutreach`); its people are not clients, so the team gets no
        // client pages besides it.
        if let Scope::Regio(region_id) = a.scope
            && can(a, Action::ManageOutreach { region_id }).is_allowed()
        {
            nav.push(NavItem {
                href: "/zorgcoordinatie",
                label: "Zorgcoördinatie",
                current: section == Section::Outreach,
            });
            // The team imports its own register (`Action::ImportTable`).
            if zothuis_domain::policy::may_import(a) {
                nav.push(NavItem {
                    href: "/import",
                    label: "Importeren",
                    current: section == Section::Import,
                });
            }
        }
        // Huren Onder Voorwaarden: the municipality's Wmo consultant and the
        // supporting provider (policy `ManageTenancy`).
        if tenancy::is_partner(a) {
            nav.push(NavItem {
                href: "/hov",
                label: "Huren Onder Voorwaarden",
                current: section == Section::Tenancy,
            });
        }
        if zothuis_domain::policy::figure_view(a).is_ok() {
            nav.push(NavItem {
                href: "/cijfers",
                label: "Cijfers",
                current: section == Section::Figures,
            });
            // The cost of care and the tariffs behind it (policy
            // `cost_view`): who sees the care figures, bar the administrator.
            if finance::may_see_costs(a) {
                nav.push(NavItem {
                    href: "/financien/kosten",
                    label: "Financiën",
                    current: section == Section::Finance,
                });
            }
            // Budgets: who sees the cost of care, bar a provider
            // (`policy::budget_view`).
            if budget::may_see_budgets(a) {
                nav.push(NavItem {
                    href: "/financien/begrotingen",
                    label: "Begrotingen",
                    current: section == Section::Budgets,
                });
            }
            // Settlement between the municipalities, distribution keys and
            // the transition: the financieel adviseur only
            // (`policy::settlement_view`).
            if settlement::may_settle(a) {
                nav.push(NavItem {
                    href: "/financien/verrekening",
                    label: "Verrekening",
                    current: section == Section::Settlement,
                });
            }
            // The policy plan is for those who steer; the access point and
            // the outreach team do casework and see only the figures.
            if !matches!(
                a.role,
                Role::Aanbieder | Role::Toegangsmedewerker | Role::Zorgcoordinator
            ) {
                nav.push(NavItem {
                    href: "/beleid",
                    label: "Beleid",
                    current: section == Section::Plans,
                });
            }
        }
        nav.push(NavItem {
            href: "/referentie",
            label: "Referentiegegevens",
            current: section == Section::Reference,
        });
        if can(a, Action::ManageUsers).is_allowed() {
            nav.push(NavItem {
                href: "/beheer/gebruikers",
                label: "Gebruikers",
                current: section == Section::Users,
            });
        }
        if can(a, Action::ManageTokens).is_allowed() {
            nav.push(NavItem {
                href: "/beheer/api-tokens",
                label: "API-tokens",
                current: section == Section::Tokens,
            });
        }
        if can(a, Action::ViewAuditLog).is_allowed() {
            nav.push(NavItem {
                href: "/auditlog",
                label: "Auditlog",
                current: section == Section::Audit,
            });
        }
        if can(a, Action::AnswerSubjectAccess).is_allowed() {
            nav.push(NavItem {
                href: "/inzageverzoeken",
                label: "Inzageverzoeken",
                current: section == Section::SubjectAccess,
            });
        }
        if can(a, Action::ApplyRetention).is_allowed() {
            nav.push(NavItem {
                href: "/bewaartermijnen",
                label: "Bewaartermijnen",
                current: section == Section::Retention,
            });
        }
        // The forecasts of demand and their population files (`forecast`).
        if forecast::reads_forecasts(u) {
            nav.push(NavItem {
                href: "/prognoses",
                label: "Prognoses",
                current: section == Section::Forecasts,
            });
        }
        // The delivery to the CBS Monitor Dakloosheid (`cbs`).
        if cbs::may_deliver(u) {
            nav.push(NavItem {
                href: "/cbs",
                label: "CBS-levering",
                current: section == Section::Cbs,
            });
        }
        nav.push(NavItem {
            href: "/account",
            label: "Mijn account",
            current: section == Section::Account,
        });
        Layout {
            title: title.into(),
            user_name: u.user.display_name.clone(),
            user_role: u.user.role.label(),
            user_scope: scope_label(s, u).await,
            nav,
            csrf: u.csrf_token.clone(),
            notice: None,
            breadcrumbs: Vec::new(),
        }
    }

    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(crate::nl::notice);
        self
    }

    pub fn with_breadcrumbs(mut self, crumbs: Vec<Link>) -> Self {
        self.breadcrumbs = crumbs;
        self
    }
}

/// Municipality names by gemeentecode, for pages that show codes.
pub async fn municipality_names(
    s: &AppState,
    u: &PageUser,
) -> PageResult<std::collections::HashMap<String, String>> {
    Ok(s.services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .map(|m| (m.code.to_string(), m.name))
        .collect())
}

/// The roles that work with personal data of clients (see the policy).
pub fn works_with_clients(a: &zothuis_domain::admin::Actor) -> bool {
    matches!(
        a.role,
        Role::WmoConsulent | Role::Wachtlijstbeheerder | Role::Aanbieder
    )
}

/// "Gemeente Huizen", "Regio Gooi en Vechtstreek", "Aanbieder Kwintes",
/// "Corporatie Dudok Wonen".
async fn scope_label(s: &AppState, u: &PageUser) -> String {
    let ctx = &u.ctx;
    match &u.user.scope {
        Scope::Installatie => "Hele installatie".to_string(),
        Scope::Regio(id) => match s.services.get_region(ctx, *id).await {
            Ok(r) => format!("Regio {}", r.name),
            Err(_) => format!("Regio {id}"),
        },
        Scope::Gemeente(code) => match s.services.get_municipality(ctx, code.as_str()).await {
            Ok(m) => format!("Gemeente {}", m.name),
            Err(_) => format!("Gemeente {code}"),
        },
        Scope::Aanbieder(id) => match s.services.get_provider(ctx, *id).await {
            Ok(p) => format!("Aanbieder {}", p.name),
            Err(_) => format!("Aanbieder {id}"),
        },
        Scope::Corporatie(id) => match s.services.get_corporation(ctx, *id).await {
            Ok(c) => format!("Corporatie {}", c.name),
            Err(_) => format!("Corporatie {id}"),
        },
    }
}

// ---- forms --------------------------------------------------------------------

#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    /// text, password, date, number, select, checkbox, checkboxes
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
    pub required: bool,
    pub autocomplete: &'static str,
    pub readonly: bool,
    /// The legend of the fieldset this field belongs to; neighbouring
    /// fields with the same legend share one fieldset.
    pub group: Option<String>,
}

impl Field {
    fn new(kind: &'static str, name: &str, label: &str, value: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            label: label.into(),
            hint: None,
            kind,
            value: value.into(),
            options: Vec::new(),
            error: None,
            required: false,
            autocomplete: "off",
            readonly: false,
            group: None,
        }
    }

    pub fn text(name: &str, label: &str, value: impl Into<String>) -> Field {
        Field::new("text", name, label, value)
    }

    pub fn password(name: &str, label: &str) -> Field {
        let mut f = Field::new("password", name, label, "");
        f.autocomplete = "new-password";
        f
    }

    /// Several lines of text.
    pub fn textarea(name: &str, label: &str, value: impl Into<String>) -> Field {
        Field::new("textarea", name, label, value)
    }

    pub fn date(name: &str, label: &str, value: impl Into<String>) -> Field {
        Field::new("date", name, label, value)
    }

    pub fn number(name: &str, label: &str, value: impl Into<String>) -> Field {
        Field::new("number", name, label, value)
    }

    /// A file field that takes several files.
    pub fn files(name: &str, label: &str, accept: &'static str) -> Field {
        Field {
            kind: "file",
            autocomplete: accept,
            ..Field::text(name, label, "")
        }
    }

    pub fn checkbox(name: &str, label: &str, checked: bool) -> Field {
        Field::new("checkbox", name, label, if checked { "ja" } else { "" })
    }

    /// A select; `value` picks the selected option.
    pub fn select(name: &str, label: &str, value: &str, options: Vec<(String, String)>) -> Field {
        let mut f = Field::new("select", name, label, value);
        f.options = options
            .into_iter()
            .map(|(v, l)| Choice {
                selected: v == value,
                value: v,
                label: l,
            })
            .collect();
        f
    }

    pub fn checkboxes(
        name: &str,
        label: &str,
        selected: &[String],
        options: Vec<(String, String)>,
    ) -> Field {
        let mut f = Field::new("checkboxes", name, label, "");
        f.options = options
            .into_iter()
            .map(|(v, l)| Choice {
                selected: selected.contains(&v),
                value: v,
                label: l,
            })
            .collect();
        f
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub fn readonly(mut self) -> Field {
        self.readonly = true;
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> Field {
        self.autocomplete = value;
        self
    }

    /// Puts the field in a fieldset with this legend (see `FormBlock::group_opens`).
    pub fn group(mut self, legend: &str) -> Field {
        self.group = Some(legend.into());
        self
    }

    pub fn id(&self) -> String {
        format!("veld-{}", self.name)
    }

    pub fn is_checked(&self) -> bool {
        !self.value.is_empty()
    }
}

pub struct FormBlock {
    pub heading: Option<String>,
    pub action: String,
    /// post or get
    pub method: &'static str,
    pub submit: String,
    pub fields: Vec<Field>,
    pub version: Option<i64>,
    pub cancel: Option<Link>,
    pub danger: bool,
    /// The form's element id; unique per page.
    pub anchor: &'static str,
    /// multipart/form-data for a form with a file field.
    pub enctype: Option<&'static str>,
    /// A table of fields after the fields (the lines of a budget).
    pub grid: Option<FieldGrid>,
}

/// A table of fields in a form: a row per item (a budget line), a column
/// per field. Every cell is a `Field` whose label is read out (and hidden
/// on screen, where the column header says it); its error shows in the
/// cell and in the summary, as any field's.
pub struct FieldGrid {
    pub caption: String,
    /// The header of the column of row labels.
    pub row_header: String,
    pub columns: Vec<Column>,
    pub rows: Vec<GridRow>,
}

pub struct GridRow {
    pub label: String,
    pub cells: Vec<Field>,
}

impl FormBlock {
    pub fn post(action: impl Into<String>, submit: &str, fields: Vec<Field>) -> FormBlock {
        FormBlock {
            heading: None,
            action: action.into(),
            method: "post",
            submit: submit.into(),
            fields,
            version: None,
            cancel: None,
            danger: false,
            anchor: "formulier",
            enctype: None,
            grid: None,
        }
    }

    pub fn get(action: impl Into<String>, submit: &str, fields: Vec<Field>) -> FormBlock {
        FormBlock {
            method: "get",
            ..FormBlock::post(action, submit, fields)
        }
    }

    pub fn heading(mut self, h: &str) -> Self {
        self.heading = Some(h.into());
        self
    }

    pub fn version(mut self, v: i64) -> Self {
        self.version = Some(v);
        self
    }

    pub fn cancel(mut self, href: impl Into<String>) -> Self {
        self.cancel = Some(link(href, "Annuleren"));
        self
    }

    pub fn anchor(mut self, anchor: &'static str) -> Self {
        self.anchor = anchor;
        self
    }

    pub fn upload(mut self) -> Self {
        self.enctype = Some("multipart/form-data");
        self
    }

    pub fn grid(mut self, grid: FieldGrid) -> Self {
        self.grid = Some(grid);
        self
    }

    pub fn danger(mut self) -> Self {
        self.danger = true;
        self
    }

    /// The legend of the fieldset that opens before field `i`, if it starts one.
    pub fn group_opens(&self, i: usize) -> Option<&str> {
        let group = self.fields.get(i)?.group.as_deref()?;
        let previous = i
            .checked_sub(1)
            .and_then(|p| self.fields.get(p))
            .and_then(|f| f.group.as_deref());
        (previous != Some(group)).then_some(group)
    }

    /// Whether the fieldset of field `i` closes after it.
    pub fn group_closes(&self, i: usize) -> bool {
        match self.fields.get(i).and_then(|f| f.group.as_deref()) {
            None => false,
            Some(group) => self.fields.get(i + 1).and_then(|f| f.group.as_deref()) != Some(group),
        }
    }

    /// Puts each error beside its field; returns the summary with links.
    /// The summary follows the order of the fields on the page.
    pub fn apply_errors(&mut self, errors: &[FieldError]) -> Vec<Link> {
        let mut summary = Vec::new();
        let before_grid = self.fields.len();
        for e in errors {
            let in_grid = self.grid.iter_mut().flat_map(|g| {
                g.rows
                    .iter_mut()
                    .flat_map(|r| r.cells.iter_mut())
                    .enumerate()
                    .map(|(i, f)| (before_grid + i, f))
            });
            let target = self
                .fields
                .iter_mut()
                .enumerate()
                .chain(in_grid)
                .find(|(_, f)| f.name == e.field);
            let (position, href) = match target {
                Some((i, f)) => {
                    f.error = Some(capitalise(&e.message));
                    (i, format!("#{}", f.id()))
                }
                None => (usize::MAX, format!("#{}", self.anchor)),
            };
            summary.push((position, link(href, capitalise(&e.message))));
        }
        summary.sort_by_key(|(position, _)| *position);
        summary.into_iter().map(|(_, l)| l).collect()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: Option<String>,
    pub errors: Vec<Link>,
    pub warning: Option<String>,
    pub form: FormBlock,
}

impl FormPage {
    pub fn new(layout: Layout, heading: &str, form: FormBlock) -> FormPage {
        FormPage {
            layout,
            heading: heading.into(),
            intro: None,
            errors: Vec::new(),
            warning: None,
            form,
        }
    }

    pub fn intro(mut self, text: &str) -> Self {
        self.intro = Some(text.into());
        self
    }

    /// Renders the form again after a failed submit: field errors beside
    /// their fields (400), a stale version as a warning with the user's input
    /// kept (409), anything else as an error page.
    pub fn failed(mut self, err: DomainError, current_version: Option<i64>) -> Response {
        match err {
            DomainError::Invalid(errors) => {
                self.errors = self.form.apply_errors(&errors);
                (StatusCode::BAD_REQUEST, self).into_response()
            }
            DomainError::StaleVersion(_) => {
                self.warning = Some(crate::nl::STALE_FORM.into());
                if let Some(v) = current_version {
                    self.form.version = Some(v);
                }
                (StatusCode::CONFLICT, self).into_response()
            }
            DomainError::Conflict(msg) => {
                self.errors = vec![link("#formulier", msg)];
                (StatusCode::CONFLICT, self).into_response()
            }
            DomainError::Duplicate {
                message,
                existing_id,
            } => {
                self.errors = vec![match existing_id {
                    Some(id) => link(
                        format!("/clienten/{id}"),
                        format!("{message} Open de bestaande cliënt."),
                    ),
                    None => link("#veld-bsn", message),
                }];
                (StatusCode::CONFLICT, self).into_response()
            }
            other => PageError(other).into_response(),
        }
    }
}

// ---- tables -------------------------------------------------------------------

pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// ok, warn or muted
    pub badge: Option<&'static str>,
    pub numeric: bool,
}

pub fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
        badge: None,
        numeric: false,
    }
}

pub fn link_cell(text: impl Into<String>, href: impl Into<String>) -> Cell {
    Cell {
        href: Some(href.into()),
        ..cell(text)
    }
}

/// A date in a table: every page writes dates one way, `1 maart 2024`, as
/// the timestamps beside them (`dates::dutch_long`); only form fields and
/// links carry the ISO value.
pub fn date_cell(d: chrono::NaiveDate) -> Cell {
    cell(zothuis_domain::dates::dutch_long(d))
}

pub fn num_cell(n: i64) -> Cell {
    Cell {
        numeric: true,
        ..cell(n.to_string())
    }
}

pub fn badge_cell(text: impl Into<String>, badge: &'static str) -> Cell {
    Cell {
        badge: Some(badge),
        ..cell(text)
    }
}

pub struct Column {
    pub label: String,
    pub numeric: bool,
}

pub fn columns(labels: &[&str]) -> Vec<Column> {
    labels
        .iter()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) => Column {
                label: rest.into(),
                numeric: true,
            },
            None => Column {
                label: (*l).into(),
                numeric: false,
            },
        })
        .collect()
}

pub struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
}

pub struct Pager {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub text: String,
}

/// Said beside a list of persons that leaves out restricted clients
/// (`paging::Page::restricted`), so that it agrees with the occupancy and figures that
/// count them.
pub fn restricted_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (en 1 van een afgeschermde cliënt, die u niet ziet)".into(),
        n => format!(" (en {n} van afgeschermde cliënten, die u niet ziet)"),
    }
}

impl Pager {
    /// Links to the neighbouring pages (`link` gives the address of page n)
    /// and "Pagina 2 van 7 · 318 cliënten", `what` naming the items.
    pub fn of<T>(
        page: &zothuis_domain::paging::Page<T>,
        what: &str,
        link: impl Fn(u32) -> String,
    ) -> Pager {
        let size = i64::from(page.request.size.max(1));
        let pages = ((page.total + size - 1) / size).max(1);
        Pager {
            previous: page.has_previous().then(|| link(page.request.number - 1)),
            next: page.has_next().then(|| link(page.request.number + 1)),
            text: format!(
                "Pagina {} van {pages} · {} {what}",
                page.request.number, page.total
            ),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "table.html")]
pub struct TablePage {
    pub layout: Layout,
    pub heading: String,
    pub intro: Option<String>,
    pub actions: Vec<Link>,
    pub filters: Option<FormBlock>,
    pub table: Table,
    pub pager: Option<Pager>,
}

/// A notice that asks the reader to act, with where to do it.
pub struct Alert {
    pub text: String,
    pub link: Option<Link>,
}

#[derive(Template, WebTemplate)]
#[template(path = "detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: Option<String>,
    pub alert: Option<Alert>,
    pub facts: Vec<(String, String)>,
    pub actions: Vec<Link>,
    pub tables: Vec<Table>,
    pub errors: Vec<Link>,
    pub forms: Vec<FormBlock>,
    /// SVG charts (`chart`), each with its numbers in a table on the page.
    pub charts: Vec<String>,
}

impl DetailPage {
    pub fn new(layout: Layout, heading: impl Into<String>) -> DetailPage {
        DetailPage {
            layout,
            heading: heading.into(),
            intro: None,
            alert: None,
            facts: Vec::new(),
            actions: Vec::new(),
            tables: Vec::new(),
            errors: Vec::new(),
            forms: Vec::new(),
            charts: Vec::new(),
        }
    }

    /// The page answering a form on it that failed: each problem beside its
    /// field in the form at `anchor` (anything else at the top), 400.
    pub fn failed(mut self, anchor: &str, e: DomainError) -> Response {
        let errors = match e {
            DomainError::Invalid(errors) => errors,
            other => vec![zothuis_domain::FieldError {
                field: "formulier".into(),
                message: other.to_string(),
            }],
        };
        if let Some(form) = self.forms.iter_mut().find(|f| f.anchor == anchor) {
            self.errors = form.apply_errors(&errors);
        }
        (StatusCode::BAD_REQUEST, self).into_response()
    }

    pub fn fact(mut self, label: &str, value: impl Into<String>) -> Self {
        self.facts.push((label.into(), value.into()));
        self
    }
}

// ---- form bodies ------------------------------------------------------------------

/// A submitted urlencoded form, with repeated keys kept (checkbox groups).
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name);
        (!v.trim().is_empty()).then_some(v)
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }

    pub fn version(&self) -> i64 {
        self.id("versie").unwrap_or(0)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map(FormData)
            .map_err(|_| {
                PageError(DomainError::invalid(
                    "formulier",
                    "het formulier kon niet worden gelezen",
                ))
                .into_response()
            })
    }
}

/// After a successful POST: back to a page with a confirmation (Post/Redirect/Get).
pub fn done(href: &str, notice: &str) -> Response {
    let sep = if href.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{href}{sep}melding={notice}")).into_response()
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    pub melding: Option<String>,
}

/// The role options of a user or token form.
pub fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), r.label().to_string()))
        .collect()
}

/// A path parameter; a malformed one (`/regios/abc`) is a Dutch 404 page.
pub struct PagePath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PagePath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(t)) => Ok(PagePath(t)),
            Err(_) => Err(not_found().await),
        }
    }
}

/// Refuses a page (a form to create or edit) that the policy does not allow;
/// the service would refuse the submit anyway, but the user should not get a
/// form they cannot use.
pub fn require(u: &PageUser, action: Action<'_>) -> PageResult<()> {
    match can(u.actor(), action) {
        zothuis_domain::policy::Decision::Allow => Ok(()),
        zothuis_domain::policy::Decision::Deny(reason) => {
            Err(PageError(DomainError::Forbidden(reason.to_string())))
        }
    }
}

// ---- page queries and answers ----------------------------------------------------

/// The query of a page. All its fields are text, so the only rejection is a
/// malformed query (a parameter given twice): a Dutch page, not axum's text.
fn query<T>(q: Result<Query<T>, QueryRejection>) -> PageResult<T> {
    q.map(|Query(t)| t).map_err(|_| {
        PageError(DomainError::invalid(
            "zoekvraag",
            "het adres van deze pagina bevat een ongeldige zoekvraag; open de pagina opnieuw via het menu",
        ))
    })
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A checkbox filter named `field` and shown as `label`: `ja` when ticked,
/// `nee` or empty when not.
fn yes_param(field: &str, label: &str, v: &Option<String>) -> PageResult<bool> {
    match filled(v) {
        None | Some("nee") => Ok(false),
        Some("ja") => Ok(true),
        Some(_) => Err(PageError(DomainError::invalid(
            field,
            format!("het filter ‘{label}’ is ja of leeg"),
        ))),
    }
}

/// A value, or a dash when there is none.
fn or_dash(v: Option<String>) -> String {
    v.filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "—".into())
}

/// The intro of a register's page shown as known at `k`; `later` names what
/// was recorded afterwards and is left out.
fn known_intro(k: chrono::DateTime<chrono::Utc>, what: &str, later: &str) -> String {
    format!(
        "U bekijkt {what} zoals zothuis die kende op {} (einde van de dag). {later} zijn niet meegenomen.",
        zothuis_domain::dates::dutch_long(k.date_naive())
    )
}

fn day_param(field: &str, v: &Option<String>) -> PageResult<Option<chrono::NaiveDate>> {
    match filled(v) {
        None => Ok(None),
        Some(d) => zothuis_domain::Datum::parse(d)
            .map(|d| Some(d.0))
            .map_err(|e| PageError(DomainError::invalid(field, e.to_string()))),
    }
}

fn page_param(v: &Option<String>) -> PageResult<Option<u32>> {
    match filled(v) {
        None => Ok(None),
        Some(p) => p.parse::<u32>().map(Some).map_err(|_| {
            PageError(DomainError::invalid(
                "pagina",
                "het paginanummer moet een geheel getal zijn",
            ))
        }),
    }
}

/// A select's options: an empty choice first, then code and label.
fn choices<'a>(
    empty: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String)> {
    let mut o = vec![(String::new(), empty.to_string())];
    o.extend(
        items
            .into_iter()
            .map(|(c, l)| (c.to_string(), l.to_string())),
    );
    o
}

/// The page again with the problem at its form, in the user's words; a user
/// without that form (who could only have posted by hand) gets the error
/// page instead, so that the message is never lost.
/// A refusal a form shows again with its message (400 for bad input, 409
/// when someone else changed the record first); any other error is a page
/// of its own.
fn form_refusal(e: DomainError) -> Result<(DomainError, StatusCode), PageError> {
    match e {
        e @ DomainError::Invalid(_) => Ok((e, StatusCode::BAD_REQUEST)),
        e @ (DomainError::Conflict(_) | DomainError::StaleVersion(_)) => {
            Ok((e, StatusCode::CONFLICT))
        }
        other => Err(PageError(other)),
    }
}

fn failed_at(page: DetailPage, anchor: &str, e: DomainError, status: StatusCode) -> Response {
    if !page.forms.iter().any(|f| f.anchor == anchor) {
        return PageError(e).into_response();
    }
    let e = match e {
        DomainError::StaleVersion(_) => DomainError::invalid("formulier", crate::nl::STALE_FORM),
        DomainError::Conflict(message) => DomainError::invalid("formulier", message),
        other => other,
    };
    let mut resp = page.failed(anchor, e);
    *resp.status_mut() = status;
    resp
}
