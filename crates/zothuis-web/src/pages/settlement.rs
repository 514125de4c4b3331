//! Pages of the settlement between the municipalities of a region: the
//! region's distribution keys (a list, a form with a row per municipality,
//! one key with its versions where a new version is recorded), the
//! settlement statement of a period with its publication and the published
//! statements, each as CSV, Excel and PDF, and the transition calculator
//! from the historical to the objective key. Only the financieel adviseur
//! sees these; the services decide how much (`policy::settlement_view`,
//! `ManageBudget`), and these pages only offer what the policy allows.

use super::finance_page::{FinancePage, PageAlert, PageSection};
use super::*;
use crate::api::settlement::{direction, named_as_in_api, outcome};
use crate::export::{ExportCell, ExportTable, to_csv, to_xlsx};
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use chrono::Datelike;
use zothuis_domain::admin::Actor;
use zothuis_domain::dates::dutch_moment;
use zothuis_domain::finance::Bedrag;
use zothuis_domain::finance::settlement::{
    Aandeel, DistributionKey, KeyInput, KeyKind, KeyVersion, PublishedSettlement, WHOLE,
};
use zothuis_domain::finance::settlement_service::{
    KeyHistory, Settlement, SettlementRequest, Transition, TransitionRequest,
};
use zothuis_domain::policy::{SettlementArea, settlement_view};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/financien/verdeelsleutels", get(key_list))
        .route(
            "/financien/verdeelsleutels/nieuw",
            get(new_key_form).post(create_key),
        )
        .route(
            "/financien/verdeelsleutels/{id}",
            get(key_detail).post(change_key),
        )
        .route("/financien/verrekening", get(statement_page))
        .route("/financien/verrekening/vaststellen", post(publish))
        .route("/financien/verrekening/export", get(statement_export))
        .route(
            "/financien/verrekening/gepubliceerd/{id}",
            get(published_page),
        )
        .route(
            "/financien/verrekening/gepubliceerd/{id}/export",
            get(published_export),
        )
        .route("/financien/overgangspad", get(transition_page))
        .route("/financien/overgangspad/export", get(transition_export))
}

/// Whether the menu offers the settlement pages (`policy::settlement_view`).
pub(super) fn may_settle(a: &Actor) -> bool {
    settlement_view(a).is_ok()
}

/// The region whose keys and statements the actor keeps, if it keeps any:
/// the region's financieel adviseur (`ManageBudget` of the region).
fn managed_region(a: &Actor) -> Option<i64> {
    match a.scope {
        Scope::Regio(region_id)
            if can(
                a,
                Action::ManageBudget {
                    region_id,
                    municipality: None,
                },
            )
            .is_allowed() =>
        {
            Some(region_id)
        }
        _ => None,
    }
}

/// Whether the actor sees every municipality's line (the region's adviser)
/// rather than its own only.
fn sees_region(a: &Actor) -> bool {
    matches!(settlement_view(a), Ok(SettlementArea::Region(_)))
}

/// The form of a new key is for the region's adviser only: anyone else
/// gets the refusal before a form they could not use.
fn require_manager(u: &PageUser) -> PageResult<i64> {
    let region_id = match u.actor().scope {
        Scope::Regio(id) => id,
        _ => -1,
    };
    require(
        u,
        Action::ManageBudget {
            region_id,
            municipality: None,
        },
    )?;
    Ok(region_id)
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Settlement)
        .await
        .with_notice(notice)
}

fn crumbs(last: Option<Link>) -> Vec<Link> {
    let mut c = vec![link("/financien/kosten", "Financiën")];
    c.extend(last);
    c
}

fn num(text: impl Into<String>) -> Cell {
    Cell {
        numeric: true,
        ..cell(text)
    }
}

/// `te betalen € 3.085,09`, `te ontvangen € 3.085,09` or `nihil`.
pub fn saldo_text(saldo: i64) -> String {
    match direction(saldo) {
        "te-betalen" => format!("te betalen {}", Bedrag(saldo)),
        "te-ontvangen" => format!("te ontvangen {}", Bedrag(-saldo)),
        _ => "nihil".into(),
    }
}

/// `voordeel € 25.000,00`, `nadeel € 25.000,00` or `gelijk`.
pub fn difference_text(difference: i64) -> String {
    match outcome(difference) {
        "voordeel" => format!("voordeel {}", Bedrag(difference)),
        "nadeel" => format!("nadeel {}", Bedrag(-difference)),
        _ => "gelijk".into(),
    }
}

/// The pairs of a query string, repeated keys kept; a malformed one is a
/// Dutch problem page.
fn pairs(raw: Option<&str>) -> PageResult<Vec<(String, String)>> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| {
        PageError(DomainError::invalid(
            "zoekvraag",
            "het adres van deze pagina bevat een ongeldige zoekvraag; open de pagina opnieuw via het menu",
        ))
    })
}

fn value_of(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// A file download: CSV, Excel or (where offered) PDF.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
    Pdf,
}

fn format_param(v: &str, pdf: bool) -> PageResult<Format> {
    match v {
        "" | "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        "pdf" if pdf => Ok(Format::Pdf),
        _ => Err(PageError(DomainError::invalid(
            "formaat",
            if pdf {
                "kies csv, xlsx of pdf"
            } else {
                "kies csv of xlsx"
            },
        ))),
    }
}

fn file_response(t: &ExportTable, format: Format, stem: &str) -> PageResult<Response> {
    let (content_type, extension, bytes) = match format {
        Format::Xlsx => (
            crate::export::XLSX,
            "xlsx",
            to_xlsx(t).map_err(DomainError::Internal)?,
        ),
        _ => (crate::export::CSV, "csv", to_csv(t)),
    };
    Ok(crate::export::attachment(
        content_type,
        &format!("{stem}.{extension}"),
        bytes,
    ))
}

/// The links between the settlement pages, bar the page itself.
fn settlement_links(here: &str, a: &Actor) -> Vec<Link> {
    let mut out = vec![
        link("/financien/verrekening", "Verrekening tussen gemeenten"),
        link("/financien/verdeelsleutels", "Verdeelsleutels"),
        link("/financien/overgangspad", "Overgangspad"),
    ];
    if managed_region(a).is_some() {
        out.insert(
            2,
            link("/financien/verdeelsleutels/nieuw", "Nieuwe verdeelsleutel"),
        );
    }
    out.retain(|l| l.href != here);
    out
}

// ---- distribution keys --------------------------------------------------------------------

/// The municipalities of a region by name, as (code, name).
async fn region_municipalities(
    s: &AppState,
    u: &PageUser,
    region: i64,
) -> PageResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = s
        .services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .filter(|m| m.region_id == region)
        .map(|m| (m.code.to_string(), m.name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn name_of(names: &[(String, String)], code: &str) -> String {
    names
        .iter()
        .find(|(c, _)| c == code)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| code.to_string())
}

/// `Hilversum 40 %, Huizen 16 %, …`.
fn shares_text(v: &KeyVersion, names: &[(String, String)]) -> String {
    v.data
        .shares
        .iter()
        .map(|(g, a)| format!("{} {a}", name_of(names, g.as_str())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_options() -> Vec<(String, String)> {
    choices(
        "— kies een soort —",
        KeyKind::ALL.iter().map(|k| (k.code(), k.label())),
    )
}

/// The key as typed: a share field per municipality of the region, named
/// by its code.
fn typed_key(f: &FormData, municipalities: &[(String, String)]) -> KeyInput {
    KeyInput {
        kind: f.get("soort"),
        name: f.get("naam"),
        source: f.opt("bron"),
        shares: municipalities
            .iter()
            .map(|(code, _)| (code.clone(), f.get(&format!("aandeel-{code}"))))
            .collect(),
    }
}

/// The key's form filled in with a version (shares as a person types them:
/// `12,5`).
fn as_typed(v: &KeyVersion) -> KeyInput {
    KeyInput {
        kind: v.data.kind.code().into(),
        name: v.data.name.clone(),
        source: v.data.source.clone(),
        shares: v
            .data
            .shares
            .iter()
            .map(|(g, a)| (g.as_str().to_string(), a.decimal().replace('.', ",")))
            .collect(),
    }
}

fn key_fields(i: &KeyInput) -> Vec<Field> {
    vec![
        Field::select("soort", "Soort verdeelsleutel", &i.kind, kind_options())
            .hint("Historisch: de aandelen in het budget van de centrumgemeente. Objectief: de uitkomst van het objectieve verdeelmodel. Anders: een andere afspraak, bijvoorbeeld naar inwoners.")
            .required(),
        Field::text("naam", "Naam", &i.name)
            .hint("Bijvoorbeeld Objectief verdeelmodel 2026.")
            .required(),
        Field::text("bron", "Bron", i.source.clone().unwrap_or_default())
            .hint("Waar de aandelen vandaan komen, bijvoorbeeld de uitkomsten van het verdeelmodel van een jaar."),
    ]
}

/// The table of shares: a row per municipality of the region, prefilled
/// with its name.
fn shares_grid(i: &KeyInput, municipalities: &[(String, String)]) -> FieldGrid {
    let rows = municipalities
        .iter()
        .map(|(code, name)| {
            let value = i
                .shares
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            GridRow {
                label: format!("{name} ({code})"),
                cells: vec![Field {
                    kind: "amount",
                    ..Field::text(
                        &format!("aandeel-{code}"),
                        &format!("Aandeel van {name} in procent"),
                        value,
                    )
                }],
            }
        })
        .collect();
    FieldGrid {
        caption: "Aandelen per gemeente (samen precies 100 %)".into(),
        row_header: "Gemeente".into(),
        columns: columns(&["#Aandeel in procent"]),
        rows,
    }
}

/// The key's problems at their cells: row n of the domain's
/// `aandelen[n]` is the share field of the n-th municipality typed.
fn at_cells(e: DomainError, municipalities: &[(String, String)]) -> DomainError {
    match e {
        DomainError::Invalid(errors) => DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    let row = e
                        .field
                        .strip_prefix("aandelen[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|n| n.checked_sub(1))
                        .and_then(|n| municipalities.get(n));
                    match row {
                        Some((code, _)) => FieldError {
                            field: format!("aandeel-{code}"),
                            message: e.message,
                        },
                        None => e,
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

async fn key_list(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let keys = s.services.distribution_keys(&u.ctx).await?;
    let rows = keys
        .iter()
        .map(|(k, v)| {
            vec![
                link_cell(
                    v.data.name.clone(),
                    format!("/financien/verdeelsleutels/{}", k.id),
                ),
                cell(v.data.kind.label()),
                cell(or_dash(v.data.source.clone())),
                cell(format!(
                    "{} door {}",
                    dutch_moment(v.recorded_at),
                    v.recorded_by
                )),
            ]
        })
        .collect();
    let mut actions = vec![
        link("/financien/verrekening", "Verrekening tussen gemeenten"),
        link("/financien/overgangspad", "Overgangspad"),
    ];
    if managed_region(u.actor()).is_some() {
        actions.insert(
            0,
            link("/financien/verdeelsleutels/nieuw", "Nieuwe verdeelsleutel"),
        );
    }
    Ok(TablePage {
        layout: layout(&s, &u, "Verdeelsleutels", q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(None)),
        heading: "Verdeelsleutels".into(),
        intro: Some("De verdeelsleutels van de regio: het aandeel van elke gemeente, samen precies 100 %. Een verdeelsleutel verdeelt de totale kosten in de verrekening tussen gemeenten, en de historische en objectieve sleutel samen bepalen het overgangspad. Een wijziging is een nieuwe versie; de vorige blijft bewaard, en een vastgestelde verrekening houdt de versie waarmee zij is berekend.".into()),
        actions,
        filters: None,
        table: Table {
            caption: match keys.len() {
                1 => "1 verdeelsleutel".into(),
                n => format!("{n} verdeelsleutels"),
            },
            columns: columns(&["Naam", "Soort", "Bron", "Laatst vastgelegd"]),
            rows,
            empty: "Er zijn (nog) geen verdeelsleutels vastgelegd.".into(),
        },
        pager: None,
    })
}

async fn new_key_page(
    s: &AppState,
    u: &PageUser,
    i: &KeyInput,
    municipalities: &[(String, String)],
) -> PageResult<FormPage> {
    let form = FormBlock::post(
        "/financien/verdeelsleutels/nieuw",
        "Verdeelsleutel vastleggen",
        key_fields(i),
    )
    .grid(shares_grid(i, municipalities))
    .cancel("/financien/verdeelsleutels");
    let heading = "Nieuwe verdeelsleutel";
    let layout = layout(s, u, heading, None)
        .await
        .with_breadcrumbs(crumbs(Some(link(
            "/financien/verdeelsleutels",
            "Verdeelsleutels",
        ))));
    Ok(FormPage::new(layout, heading, form).intro(
        "Geef elke gemeente van de regio haar aandeel in procent, met hoogstens vier decimalen (bijvoorbeeld 12,5). Een gemeente zonder aandeel krijgt 0. Samen komen de aandelen op precies 100 %.",
    ))
}

async fn new_key_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    let region = require_manager(&u)?;
    let municipalities = region_municipalities(&s, &u, region).await?;
    new_key_page(&s, &u, &KeyInput::default(), &municipalities).await
}

async fn create_key(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let region = require_manager(&u)?;
    let municipalities = region_municipalities(&s, &u, region).await?;
    let i = typed_key(&f, &municipalities);
    let e = match s.services.create_distribution_key(&u.ctx, &i).await {
        Ok((key, _)) => {
            return Ok(done(
                &format!("/financien/verdeelsleutels/{}", key.id),
                "verdeelsleutel-vastgelegd",
            ));
        }
        Err(e) => at_cells(e, &municipalities),
    };
    let (e, status) = form_refusal(e)?;
    let mut resp = new_key_page(&s, &u, &i, &municipalities)
        .await?
        .failed(e, None);
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(serde::Deserialize, Default)]
struct KeyQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

async fn key_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    q: &KeyQuery,
    typed: Option<KeyInput>,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let KeyHistory {
        key,
        current,
        versions,
    } = s.services.distribution_key(&u.ctx, id, k).await?;
    let names = region_municipalities(s, u, key.region_id).await?;
    let layout = layout(s, u, "Verdeelsleutel", q.melding.as_deref())
        .await
        .with_breadcrumbs(crumbs(Some(link(
            "/financien/verdeelsleutels",
            "Verdeelsleutels",
        ))));
    let d = &current.data;
    let mut page = DetailPage::new(layout, format!("Verdeelsleutel {}", d.name))
        .fact("Soort", d.kind.label())
        .fact("Bron", or_dash(d.source.clone()))
        .fact(
            "Laatst vastgelegd",
            format!(
                "{} door {}",
                dutch_moment(current.recorded_at),
                current.recorded_by
            ),
        );
    if let Some(k) = k {
        page.intro = Some(known_intro(k, "de verdeelsleutel", "Latere versies"));
    }
    page.actions = settlement_links("", u.actor());
    page.tables.push(Table {
        caption: "Aandelen per gemeente".into(),
        columns: columns(&["Gemeente", "Gemeentecode", "#Aandeel"]),
        rows: d
            .shares
            .iter()
            .map(|(g, a)| {
                vec![
                    cell(name_of(&names, g.as_str())),
                    cell(g.as_str()),
                    num(a.to_string()),
                ]
            })
            .collect(),
        empty: "Geen aandelen.".into(),
    });
    page.tables.push(Table {
        caption: "Versies van deze verdeelsleutel".into(),
        columns: columns(&["Vastgelegd", "Door", "Soort", "Naam", "Aandelen"]),
        rows: versions
            .iter()
            .map(|v| {
                vec![
                    cell(dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(v.data.kind.label()),
                    cell(v.data.name.clone()),
                    cell(shares_text(v, &names)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    page.forms.push(
        FormBlock::get(
            format!("/financien/verdeelsleutels/{id}"),
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor de verdeelsleutel zoals hij nu is."),
            ],
        )
        .anchor("bekend-op"),
    );
    if k.is_none() && managed_region(u.actor()) == Some(key.region_id) {
        let typed = typed.unwrap_or_else(|| as_typed(&current));
        page.forms.push(
            FormBlock::post(
                format!("/financien/verdeelsleutels/{id}"),
                "Nieuwe versie vastleggen",
                key_fields(&typed),
            )
            .grid(shares_grid(&typed, &names))
            .heading("Verdeelsleutel wijzigen")
            .version(current.version_id)
            .anchor("wijzigen"),
        );
    }
    Ok(page)
}

async fn key_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<KeyQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    key_page(&s, &u, id, &q, None).await
}

async fn change_key(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let key: DistributionKey = s.services.distribution_key(&u.ctx, id, None).await?.key;
    let municipalities = region_municipalities(&s, &u, key.region_id).await?;
    let i = typed_key(&f, &municipalities);
    let e = match s
        .services
        .change_distribution_key(&u.ctx, id, f.version(), &i)
        .await
    {
        Ok(_) => {
            return Ok(done(
                &format!("/financien/verdeelsleutels/{id}"),
                "opgeslagen",
            ));
        }
        Err(e) => at_cells(e, &municipalities),
    };
    let (e, status) = form_refusal(e)?;
    let page = key_page(&s, &u, id, &KeyQuery::default(), Some(i)).await?;
    Ok(failed_at(page, "wijzigen", e, status))
}

// ---- the statement ------------------------------------------------------------------------

/// The question of the statement page and its downloads, as typed.
#[derive(Debug, Clone, Default)]
struct StatementQuery {
    periode: String,
    verdeling: String,
    verdeelsleutel_id: String,
    bekend_op: String,
    formaat: String,
    /// Whether anything was asked (a first visit shows only the form).
    asked: bool,
}

impl StatementQuery {
    fn parse(raw: Option<&str>) -> PageResult<StatementQuery> {
        let p = pairs(raw)?;
        Ok(StatementQuery {
            periode: value_of(&p, "periode"),
            verdeling: value_of(&p, "verdeling"),
            verdeelsleutel_id: value_of(&p, "verdeelsleutelId"),
            bekend_op: value_of(&p, "bekendOp"),
            formaat: value_of(&p, "formaat"),
            asked: p.iter().any(|(k, _)| k != "formaat" && k != "melding"),
        })
    }

    fn request(&self) -> Result<SettlementRequest, DomainError> {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Ok(SettlementRequest {
            period: self.periode.clone(),
            agreement: self.verdeling.clone(),
            // A key chosen with agreement by cost is not asked for.
            key_id: if self.verdeling == "kosten" {
                None
            } else {
                some(&self.verdeelsleutel_id)
            },
            known_at: super::clients::known_at(Some(&self.bekend_op))?,
        })
    }

    /// The query string that asks the same statement.
    fn query_string(&self, format: Option<&str>) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(f) = format {
            parts.push(("formaat", f.to_string()));
        }
        parts.push(("periode", self.periode.clone()));
        parts.push(("verdeling", self.verdeling.clone()));
        if self.verdeling != "kosten" && !self.verdeelsleutel_id.is_empty() {
            parts.push(("verdeelsleutelId", self.verdeelsleutel_id.clone()));
        }
        if !self.bekend_op.is_empty() {
            parts.push(("bekendOp", self.bekend_op.clone()));
        }
        serde_urlencoded::to_string(&parts).unwrap_or_default()
    }
}

/// The choices of a key select: the region's keys by name.
fn key_options(keys: &[(DistributionKey, KeyVersion)], empty: &str) -> Vec<(String, String)> {
    let mut o = vec![(String::new(), empty.to_string())];
    o.extend(keys.iter().map(|(k, v)| {
        (
            k.id.to_string(),
            format!("{} ({})", v.data.name, v.data.kind.label().to_lowercase()),
        )
    }));
    o
}

fn statement_form(q: &StatementQuery, keys: &[(DistributionKey, KeyVersion)]) -> FormBlock {
    FormBlock::get(
        "/financien/verrekening",
        "Toon verrekening",
        vec![
            Field::text("periode", "Periode", &q.periode)
                .hint("Een jaar (2025) of een kwartaal (2025-K1 tot en met 2025-K4).")
                .required(),
            Field::select(
                "verdeling",
                "Verdeling",
                &q.verdeling,
                vec![
                    (
                        "verdeelsleutel".into(),
                        "Totale kosten verdeeld volgens een verdeelsleutel".into(),
                    ),
                    (
                        "kosten".into(),
                        "Kosten van de eigen inwoners (woonplaatsbeginsel)".into(),
                    ),
                ],
            )
            .hint("De afspraak van de regio: elke gemeente draagt de kosten van haar eigen inwoners, of de regio verdeelt de totale kosten volgens een verdeelsleutel."),
            Field::select(
                "verdeelsleutelId",
                "Verdeelsleutel",
                &q.verdeelsleutel_id,
                key_options(keys, "— kies een verdeelsleutel —"),
            )
            .hint("Alleen bij verdeling volgens een verdeelsleutel."),
            Field::date("bekendOp", "Zoals bekend op", &q.bekend_op).hint(
                "Leeg: zoals nu bekend. Een eerdere datum laat de verrekening zien zonder de correcties van verblijven, tarieven en verdeelsleutels van daarna.",
            ),
        ],
    )
    .anchor("vraag")
}

/// The texts of a statement as the page, the PDF and the files show it.
struct StatementView {
    title: String,
    facts: Vec<(String, String)>,
    columns: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    total: Vec<String>,
    notes: Vec<String>,
}

const STATEMENT_COLUMNS: [&str; 7] = [
    "Gemeente",
    "Kosten eigen inwoners",
    "Dagen in zorg",
    "Cliënten",
    "Aandeel",
    "Bijdrage",
    "Saldo",
];

fn period_text(s: &Settlement) -> String {
    let (_, to) = s.period.days();
    let last = to.pred_opt().unwrap_or(to);
    if s.through < last {
        format!(
            "{} (geteld tot en met {})",
            s.period.label(),
            dutch_long(s.through)
        )
    } else {
        s.period.label()
    }
}

fn key_text(v: &KeyVersion) -> String {
    format!(
        "{} ({}), versie van {}",
        v.data.name,
        v.data.kind.label().to_lowercase(),
        dutch_moment(v.recorded_at)
    )
}

fn unpriced_text(days: i64) -> String {
    format!(
        "{days} {} in zorg van inwoners van de regio {} geen tarief: {} kosten tellen niet mee, dus deze verrekening is niet volledig en kan nog niet worden vastgesteld. Leg de ontbrekende tarieven vast.",
        if days == 1 { "dag" } else { "dagen" },
        if days == 1 { "heeft" } else { "hebben" },
        if days == 1 { "de" } else { "hun" },
    )
}

impl StatementView {
    fn new(s: &Settlement, region_wide: bool) -> StatementView {
        let mut facts = vec![
            ("Regio".to_string(), s.region_name.clone()),
            ("Periode".to_string(), period_text(s)),
            ("Verdeling".to_string(), s.agreement.label().to_string()),
        ];
        if let Some(k) = &s.key {
            facts.push(("Verdeelsleutel".into(), key_text(k)));
        }
        match &s.published {
            Some(p) => facts.push((
                "Vastgesteld".into(),
                format!("{} door {}", dutch_moment(p.published_at), p.published_by),
            )),
            None => facts.push(("Zoals bekend op".into(), dutch_moment(s.known_at))),
        }
        let rows = s
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.naam.clone(),
                    Bedrag(l.kosten).to_string(),
                    l.dagen.to_string(),
                    l.clienten.to_string(),
                    l.aandeel.map_or("—".into(), |a| a.to_string()),
                    Bedrag(l.bijdrage).to_string(),
                    saldo_text(l.saldo),
                ]
            })
            .collect();
        let share_total: u64 = s
            .lines
            .iter()
            .filter_map(|l| l.aandeel)
            .map(|a| u64::from(a.0))
            .sum();
        let total = vec![
            "Totaal regio".to_string(),
            s.total_cost.to_string(),
            if region_wide {
                s.lines.iter().map(|l| l.dagen).sum::<i64>().to_string()
            } else {
                "—".into()
            },
            "—".into(),
            if region_wide && s.key.is_some() {
                Aandeel(u32::try_from(share_total).unwrap_or(WHOLE)).to_string()
            } else {
                "—".into()
            },
            s.total_contribution.to_string(),
            if region_wide {
                saldo_text(s.lines.iter().map(|l| l.saldo).sum())
            } else {
                "—".into()
            },
        ];
        let mut notes = vec![
            "Kosten eigen inwoners: de dagen in zorg maal het tarief van die dag, toegerekend aan de verantwoordelijke gemeente van de beschikking; de dag van vertrek telt niet mee.".to_string(),
            "Saldo: de bijdrage volgens de afspraak min de kosten van de eigen inwoners. Te betalen: de gemeente betaalt dat bedrag aan de regio; te ontvangen: zij krijgt het van de regio.".to_string(),
        ];
        if !region_wide {
            notes.push("U ziet de regel van uw gemeente naast de totalen van de regio.".into());
        }
        if s.unpriced_days > 0 {
            notes.push(format!("Let op: {}", unpriced_text(s.unpriced_days)));
        }
        let title = match &s.published {
            Some(_) => format!("Vastgestelde verrekening {}", s.period.label()),
            None => format!("Verrekening {}", s.period.label()),
        };
        StatementView {
            title,
            facts,
            columns: STATEMENT_COLUMNS.to_vec(),
            rows,
            total,
            notes,
        }
    }

    fn table(&self) -> Table {
        let mut rows: Vec<Vec<Cell>> = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, t)| {
                        if i == 0 {
                            cell(t.clone())
                        } else {
                            num(t.clone())
                        }
                    })
                    .collect()
            })
            .collect();
        if self.rows.is_empty() {
            rows.clear();
        }
        let mut cols = columns(&["Gemeente"]);
        cols.extend(self.columns.iter().skip(1).map(|c| Column {
            label: (*c).into(),
            numeric: true,
        }));
        Table {
            caption: format!("{} per gemeente", self.title),
            columns: cols,
            rows,
            empty: "Geen gemeenten in deze verrekening.".into(),
        }
    }

    /// What the PDF template reads (`verrekening.typ`).
    fn pdf_json(&self, region: &str) -> String {
        serde_json::json!({
            "titel": self.title,
            "regio": region,
            "gegevens": self.facts.iter().map(|(l, v)| [l, v]).collect::<Vec<_>>(),
            "kolommen": self.columns,
            "regels": self.rows,
            "totaal": self.total,
            "opmerkingen": self.notes,
        })
        .to_string()
    }
}

/// The statement as a file: amounts as numbers with two decimals, the
/// balance signed (positive to pay) beside its direction in words.
fn statement_file(s: &Settlement, v: &StatementView, region_wide: bool) -> ExportTable {
    let header = [
        "Gemeente",
        "Gemeentecode",
        "Kosten eigen inwoners (€)",
        "Dagen in zorg",
        "Cliënten",
        "Aandeel (%)",
        "Bijdrage (€)",
        "Saldo (€)",
        "Te betalen of te ontvangen",
    ]
    .map(String::from)
    .to_vec();
    let share = |a: Option<Aandeel>| match a {
        Some(a) => ExportCell::Number(f64::from(a.0) / 10_000.0),
        None => ExportCell::Text(String::new()),
    };
    let words = |saldo: i64| ExportCell::Text(direction(saldo).replace('-', " "));
    let mut rows: Vec<Vec<ExportCell>> = s
        .lines
        .iter()
        .map(|l| {
            vec![
                ExportCell::Text(l.naam.clone()),
                ExportCell::Text(l.gemeente.clone()),
                ExportCell::Cents(l.kosten),
                ExportCell::Number(l.dagen as f64),
                ExportCell::Number(f64::from(l.clienten)),
                share(l.aandeel),
                ExportCell::Cents(l.bijdrage),
                ExportCell::Cents(l.saldo),
                words(l.saldo),
            ]
        })
        .collect();
    let blank = || ExportCell::Text(String::new());
    let saldo: i64 = s.lines.iter().map(|l| l.saldo).sum();
    rows.push(vec![
        ExportCell::Text("Totaal regio".into()),
        blank(),
        ExportCell::Cents(s.total_cost.cents()),
        if region_wide {
            ExportCell::Number(s.lines.iter().map(|l| l.dagen).sum::<i64>() as f64)
        } else {
            blank()
        },
        blank(),
        blank(),
        ExportCell::Cents(s.total_contribution.cents()),
        if region_wide {
            ExportCell::Cents(saldo)
        } else {
            blank()
        },
        if region_wide { words(saldo) } else { blank() },
    ]);
    let mut notes = vec![v.title.clone()];
    notes.extend(v.facts.iter().map(|(l, t)| format!("{l}: {t}")));
    notes.extend(v.notes.iter().cloned());
    ExportTable {
        title: v.title.clone(),
        header,
        rows,
        notes,
    }
}

/// The published statements of the region, with the key each used.
async fn published_table(s: &AppState, u: &PageUser) -> PageResult<Table> {
    let published = s.services.published_settlements(&u.ctx).await?;
    let mut key_names: Vec<(i64, String)> = Vec::new();
    if published.iter().any(|p| p.key_version_id.is_some()) {
        for (k, _) in s.services.distribution_keys(&u.ctx).await? {
            let h = s.services.distribution_key(&u.ctx, k.id, None).await?;
            key_names.extend(
                h.versions
                    .iter()
                    .map(|v| (v.version_id, v.data.name.clone())),
            );
        }
    }
    let key_name = |p: &PublishedSettlement| match p.key_version_id {
        None => "—".to_string(),
        Some(v) => key_names
            .iter()
            .find(|(id, _)| *id == v)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("versie {v}")),
    };
    let agreement = |code: &str| match code {
        "kosten" => "Kosten van de eigen inwoners",
        _ => "Volgens verdeelsleutel",
    };
    Ok(Table {
        caption: "Vastgestelde verrekeningen".into(),
        columns: columns(&[
            "Periode",
            "Verdeling",
            "Verdeelsleutel",
            "Vastgesteld op",
            "Door",
        ]),
        rows: published
            .iter()
            .map(|p| {
                vec![
                    link_cell(
                        p.period.clone(),
                        format!("/financien/verrekening/gepubliceerd/{}", p.id),
                    ),
                    cell(agreement(&p.agreement)),
                    cell(key_name(p)),
                    cell(dutch_moment(p.published_at)),
                    cell(p.published_by.clone()),
                ]
            })
            .collect(),
        empty: "Er zijn (nog) geen verrekeningen vastgesteld.".into(),
    })
}

/// The statement's part of a page under `heading`: its facts, the
/// table and the downloads.
fn statement_part(v: &StatementView, heading: &str, downloads: &str) -> PageSection {
    let mut part = PageSection::new("verrekening", heading);
    part.facts = v.facts.clone();
    part.paragraphs.extend(v.notes.iter().take(2).cloned());
    part.table = Some(v.table());
    let sep = if downloads.contains('?') { '&' } else { '?' };
    part.downloads = vec![
        link(format!("{downloads}{sep}formaat=csv"), "CSV"),
        link(format!("{downloads}{sep}formaat=xlsx"), "Excel"),
        link(format!("{downloads}{sep}formaat=pdf"), "PDF"),
    ];
    part
}

fn unpriced_alert(s: &Settlement) -> Option<PageAlert> {
    (s.unpriced_days > 0).then(|| {
        let (from, to) = s.period.days();
        let last = to.pred_opt().unwrap_or(to);
        PageAlert {
            kind: "warning",
            text: unpriced_text(s.unpriced_days),
            link: Some(link(
                format!("/financien/kosten?van={from}&tot={last}&per=geheel&indeling=gemeente"),
                "Zie de dagen zonder tarief bij Kosten van zorg.",
            )),
        }
    })
}

async fn statement_view(
    s: &AppState,
    u: &PageUser,
    q: &StatementQuery,
    publish_error: Option<DomainError>,
) -> PageResult<Response> {
    let keys = s.services.distribution_keys(&u.ctx).await?;
    let mut q = q.clone();
    if !q.asked {
        // A first visit proposes last year by the first historical key.
        q.periode = (s.services.clock.today().year() - 1).to_string();
        q.verdeling = "verdeelsleutel".into();
        q.verdeelsleutel_id = keys
            .iter()
            .find(|(_, v)| v.data.kind == KeyKind::Historisch)
            .or(keys.first())
            .map(|(k, _)| k.id.to_string())
            .unwrap_or_default();
    }
    let mut page = FinancePage::new(
        layout(s, u, "Verrekening tussen gemeenten", None)
            .await
            .with_breadcrumbs(crumbs(None)),
        "Verrekening tussen gemeenten",
    );
    page.intro = Some("Per gemeente de zorgkosten van haar eigen inwoners (zij is de verantwoordelijke gemeente) naast haar bijdrage volgens de afspraak van de regio, en het saldo: wat zij aan de regio betaalt of van de regio ontvangt. Verblijven, tarieven en verdeelsleutels zijn zoals bekend op het gekozen moment.".into());
    page.links = settlement_links("/financien/verrekening", u.actor());
    page.forms.push(statement_form(&q, &keys));
    let mut status = StatusCode::OK;
    if q.asked {
        let result = match q.request() {
            Ok(req) => s.services.settlement(&u.ctx, &req).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(st) => {
                let region_wide = sees_region(u.actor());
                let v = StatementView::new(&st, region_wide);
                page.alerts.extend(unpriced_alert(&st));
                page.sections.push(statement_part(
                    &v,
                    &v.title,
                    &format!("/financien/verrekening/export?{}", q.query_string(None)),
                ));
                if managed_region(u.actor()).is_some() && q.bekend_op.is_empty() {
                    let mut part = PageSection::new("vaststellen", "Verrekening vaststellen");
                    if st.unpriced_days > 0 {
                        part.paragraphs.push("Deze verrekening kan nog niet worden vastgesteld: er zijn dagen in zorg zonder tarief.".into());
                    } else {
                        part.paragraphs.push("Vaststellen legt deze verrekening vast zoals zij nu is berekend. Latere correcties van verblijven, tarieven of de verdeelsleutel veranderen een vastgestelde verrekening niet.".into());
                        part.forms.push(
                            FormBlock::post(
                                format!(
                                    "/financien/verrekening/vaststellen?{}",
                                    q.query_string(None)
                                ),
                                "Verrekening vaststellen",
                                Vec::new(),
                            )
                            .anchor("vaststellen-formulier"),
                        );
                    }
                    page.sections.push(part);
                }
            }
            Err(e @ DomainError::Invalid(_)) => {
                // The form's fields are named as the API's parameters.
                if let (DomainError::Invalid(errors), Some(form)) =
                    (named_as_in_api(e), page.forms.first_mut())
                {
                    page.errors = form.apply_errors(&errors);
                }
                status = StatusCode::BAD_REQUEST;
            }
            Err(e) => return Err(PageError(e)),
        }
    }
    if let Some(e) = publish_error {
        let messages = match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.message).collect(),
            other => vec![other.to_string()],
        };
        page.errors.extend(
            messages
                .into_iter()
                .map(|m| link("#vaststellen-kop", super::capitalise(&m))),
        );
        status = StatusCode::BAD_REQUEST;
    }
    let mut published = PageSection::new("vastgesteld", "Vastgestelde verrekeningen");
    published.paragraphs.push("Een vastgestelde verrekening ligt vast zoals zij op het moment van vaststellen was berekend.".into());
    published.table = Some(published_table(s, u).await?);
    page.sections.push(published);
    Ok((status, page).into_response())
}

async fn statement_page(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let q = StatementQuery::parse(raw.as_deref())?;
    statement_view(&s, &u, &q, None).await
}

async fn publish(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
    _f: FormData,
) -> PageResult<Response> {
    let q = StatementQuery::parse(raw.as_deref())?;
    let req = q.request().map_err(PageError)?;
    match s.services.publish_settlement(&u.ctx, &req).await {
        Ok(p) => {
            let id = p.published.as_ref().map_or(0, |p| p.id);
            Ok(done(
                &format!("/financien/verrekening/gepubliceerd/{id}"),
                "verrekening-vastgesteld",
            ))
        }
        Err(e @ DomainError::Invalid(_)) => statement_view(&s, &u, &q, Some(e)).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn statement_pdf(v: &StatementView, region: &str, stem: &str) -> PageResult<Response> {
    let pdf = crate::report::settlement_pdf(v.pdf_json(region)).await?;
    Ok(crate::report::pdf_response(pdf, &format!("{stem}.pdf")))
}

async fn statement_export(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let q = StatementQuery::parse(raw.as_deref())?;
    let format = format_param(&q.formaat, true)?;
    let st = s
        .services
        .settlement(&u.ctx, &q.request()?)
        .await
        .map_err(named_as_in_api)?;
    let region_wide = sees_region(u.actor());
    let v = StatementView::new(&st, region_wide);
    let stem = format!(
        "verrekening-{}-{}",
        st.period.code(),
        s.services.clock.today()
    );
    match format {
        Format::Pdf => statement_pdf(&v, &st.region_name, &stem).await,
        f => file_response(&statement_file(&st, &v, region_wide), f, &stem),
    }
}

// ---- a published statement ----------------------------------------------------------------

async fn published_page(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<FinancePage> {
    let st = s.services.published_settlement(&u.ctx, id).await?;
    let region_wide = sees_region(u.actor());
    let v = StatementView::new(&st, region_wide);
    let mut page = FinancePage::new(
        layout(&s, &u, &v.title, q.melding.as_deref())
            .await
            .with_breadcrumbs(crumbs(Some(link(
                "/financien/verrekening",
                "Verrekening tussen gemeenten",
            )))),
        v.title.clone(),
    );
    page.intro = Some("Deze verrekening is vastgesteld: de bedragen liggen vast zoals zij op het moment van vaststellen waren berekend. Latere correcties van verblijven, tarieven of de verdeelsleutel veranderen haar niet.".into());
    let moment = st
        .published
        .as_ref()
        .map(|p| dutch_moment(p.published_at))
        .unwrap_or_default();
    page.alerts.push(match st.same_as_published {
        Some(false) => PageAlert::warning(format!("Opnieuw berekend zoals bekend op {moment} komt deze verrekening niet meer precies zo uit als vastgesteld: gegevens van vóór de vaststelling zijn later nog gewijzigd. De vastgestelde bedragen hieronder blijven gelden.")),
        _ => PageAlert::info(format!("Opnieuw berekend zoals bekend op {moment} komt deze verrekening nog precies zo uit als vastgesteld.")),
    });
    let mut today = StatementQuery {
        periode: st.period.code(),
        verdeling: st.agreement.code().into(),
        verdeelsleutel_id: st
            .key
            .as_ref()
            .map(|k| k.key_id.to_string())
            .unwrap_or_default(),
        ..StatementQuery::default()
    };
    today.asked = true;
    page.links = vec![link(
        format!("/financien/verrekening?{}", today.query_string(None)),
        "Dezelfde verrekening zoals nu bekend",
    )];
    page.links.extend(settlement_links("", u.actor()));
    page.sections.push(statement_part(
        &v,
        "Vastgestelde bedragen per gemeente",
        &format!("/financien/verrekening/gepubliceerd/{id}/export"),
    ));
    Ok(page)
}

async fn published_export(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let format = format_param(&value_of(&pairs(raw.as_deref())?, "formaat"), true)?;
    let st = s.services.published_settlement(&u.ctx, id).await?;
    let region_wide = sees_region(u.actor());
    let v = StatementView::new(&st, region_wide);
    let stem = format!("verrekening-{}-vastgesteld-{id}", st.period.code());
    match format {
        Format::Pdf => statement_pdf(&v, &st.region_name, &stem).await,
        f => file_response(&statement_file(&st, &v, region_wide), f, &stem),
    }
}

// ---- the transition calculator --------------------------------------------------------------

/// The question of the transition page and its downloads, as typed.
#[derive(Debug, Clone, Default)]
struct TransitionQuery {
    historisch: String,
    objectief: String,
    begroting_id: String,
    regel: String,
    pad: String,
    formaat: String,
    asked: bool,
}

const PATH_EXAMPLE: &str = "2026: 0; 2027: 25; 2028: 50; 2029: 100";

impl TransitionQuery {
    fn parse(raw: Option<&str>) -> PageResult<TransitionQuery> {
        let p = pairs(raw)?;
        Ok(TransitionQuery {
            historisch: value_of(&p, "historisch"),
            objectief: value_of(&p, "objectief"),
            begroting_id: value_of(&p, "begrotingId"),
            regel: value_of(&p, "regel"),
            pad: value_of(&p, "pad"),
            formaat: value_of(&p, "formaat"),
            asked: p.iter().any(|(k, _)| k != "formaat"),
        })
    }

    fn request(&self) -> TransitionRequest {
        TransitionRequest {
            historical_key: self.historisch.clone(),
            objective_key: self.objectief.clone(),
            budget_id: self.begroting_id.clone(),
            line: self.regel.clone(),
            path: self.pad.clone(),
        }
    }

    fn query_string(&self, format: Option<&str>) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(f) = format {
            parts.push(("formaat", f.to_string()));
        }
        for (k, v) in [
            ("historisch", &self.historisch),
            ("objectief", &self.objectief),
            ("begrotingId", &self.begroting_id),
            ("regel", &self.regel),
            ("pad", &self.pad),
        ] {
            parts.push((k, v.clone()));
        }
        serde_urlencoded::to_string(&parts).unwrap_or_default()
    }
}

async fn transition_form(
    s: &AppState,
    u: &PageUser,
    q: &TransitionQuery,
    keys: &[(DistributionKey, KeyVersion)],
) -> PageResult<FormBlock> {
    let budgets = s.services.budgets(&u.ctx).await?;
    let mut budget_options = vec![(String::new(), "— kies een begroting —".to_string())];
    budget_options.extend(budgets.iter().map(|b| (b.id.to_string(), b.name.clone())));
    let mut line_hint =
        "De code van de begrotingsregel met het bedrag dat wordt verdeeld, bijvoorbeeld de rijksbijdrage.".to_string();
    if let Ok(id) = q.begroting_id.parse::<i64>()
        && let Ok(h) = s.services.budget(&u.ctx, id, None).await
        && !h.current.lines.is_empty()
    {
        line_hint.push_str(&format!(
            " Regels van {}: {}.",
            h.budget.name,
            h.current
                .lines
                .iter()
                .map(|l| format!("{} ({})", l.code, l.label))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(FormBlock::get(
        "/financien/overgangspad",
        "Bereken overgangspad",
        vec![
            Field::select(
                "historisch",
                "Historische verdeelsleutel",
                &q.historisch,
                key_options(keys, "— kies een verdeelsleutel —"),
            )
            .required(),
            Field::select(
                "objectief",
                "Objectieve verdeelsleutel",
                &q.objectief,
                key_options(keys, "— kies een verdeelsleutel —"),
            )
            .required(),
            Field::select("begrotingId", "Begroting", &q.begroting_id, budget_options)
                .hint("De begroting met het bedrag per jaar dat wordt verdeeld.")
                .required(),
            Field::text("regel", "Begrotingsregel", &q.regel)
                .hint(&line_hint)
                .required(),
            Field::text("pad", "Ingroeipad", &q.pad)
                .hint(&format!(
                    "Vanaf welk jaar welk percentage volgens de objectieve verdeelsleutel wordt verdeeld (de rest historisch), bijvoorbeeld {PATH_EXAMPLE}."
                ))
                .required(),
        ],
    )
    .anchor("vraag"))
}

/// The rows of a transition by municipality name, then year.
fn transition_rows(
    t: &Transition,
) -> Vec<(String, &zothuis_domain::finance::settlement::TransitionRow)> {
    let mut rows: Vec<(String, &zothuis_domain::finance::settlement::TransitionRow)> = t
        .rows
        .iter()
        .map(|r| {
            let name = t
                .names
                .iter()
                .find(|(c, _)| *c == r.gemeente)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| r.gemeente.to_string());
            (name, r)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.year.cmp(&b.1.year)));
    rows
}

fn transition_caption(t: &Transition) -> String {
    format!(
        "Overgangspad van {} ({})",
        t.line_label.to_lowercase(),
        t.budget_name
    )
}

fn path_text(t: &Transition) -> String {
    t.path
        .iter()
        .map(|p| format!("{}: {} %", p.year, p.percent))
        .collect::<Vec<_>>()
        .join("; ")
}

fn transition_table(t: &Transition) -> Table {
    Table {
        caption: format!("{} per gemeente en jaar", transition_caption(t)),
        columns: columns(&[
            "Gemeente",
            "#Jaar",
            "#Historisch",
            "#Objectief",
            "#Percentage objectief",
            "#Volgens pad",
            "#Verschil",
        ]),
        rows: transition_rows(t)
            .into_iter()
            .map(|(name, r)| {
                vec![
                    cell(name),
                    num(r.year.to_string()),
                    num(r.historical.to_string()),
                    num(r.objective.to_string()),
                    num(format!("{} %", r.percent)),
                    num(r.path.to_string()),
                    num(difference_text(r.difference.0)),
                ]
            })
            .collect(),
        empty: "Geen bedragen om te verdelen.".into(),
    }
}

fn transition_file(t: &Transition) -> ExportTable {
    let header = [
        "Gemeente",
        "Gemeentecode",
        "Jaar",
        "Bedrag regio (€)",
        "Historisch (€)",
        "Objectief (€)",
        "Percentage objectief",
        "Volgens pad (€)",
        "Verschil (€)",
        "Voordeel of nadeel",
    ]
    .map(String::from)
    .to_vec();
    let rows = transition_rows(t)
        .into_iter()
        .map(|(name, r)| {
            vec![
                ExportCell::Text(name),
                ExportCell::Text(r.gemeente.to_string()),
                ExportCell::Number(f64::from(r.year)),
                ExportCell::Cents(r.total.cents()),
                ExportCell::Cents(r.historical.cents()),
                ExportCell::Cents(r.objective.cents()),
                ExportCell::Number(f64::from(r.percent)),
                ExportCell::Cents(r.path.cents()),
                ExportCell::Cents(r.difference.cents()),
                ExportCell::Text(outcome(r.difference.0).into()),
            ]
        })
        .collect();
    ExportTable {
        title: "Overgangspad".into(),
        header,
        rows,
        notes: vec![
            transition_caption(t),
            format!("Historische verdeelsleutel: {}", key_text(&t.historical)),
            format!("Objectieve verdeelsleutel: {}", key_text(&t.objective)),
            format!("Ingroeipad (percentage objectief vanaf het jaar): {}", path_text(t)),
            "Verschil: volgens pad min historisch; positief is een voordeel, negatief een nadeel tegenover de historische verdeling.".into(),
        ],
    }
}

async fn transition_page(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let mut q = TransitionQuery::parse(raw.as_deref())?;
    let keys = s.services.distribution_keys(&u.ctx).await?;
    if !q.asked {
        // A first visit proposes the region's historical and objective key.
        let first = |kind: KeyKind| {
            keys.iter()
                .find(|(_, v)| v.data.kind == kind)
                .map(|(k, _)| k.id.to_string())
                .unwrap_or_default()
        };
        q.historisch = first(KeyKind::Historisch);
        q.objectief = first(KeyKind::Objectief);
    }
    let mut page = FinancePage::new(
        layout(&s, &u, "Overgangspad", None)
            .await
            .with_breadcrumbs(crumbs(None)),
        "Overgangspad",
    );
    page.intro = Some("De overgang van de historische naar de objectieve verdeling van een budget: de bedragen van een begrotingsregel per jaar verdeeld volgens beide verdeelsleutels en volgens een ingroeipad, met per gemeente het voordeel of nadeel tegenover de historische verdeling.".into());
    page.links = settlement_links("/financien/overgangspad", u.actor());
    page.forms.push(transition_form(&s, &u, &q, &keys).await?);
    let mut status = StatusCode::OK;
    if q.asked {
        match s.services.transition(&u.ctx, &q.request()).await {
            Ok(t) => {
                let mut part = PageSection::new("overgangspad", transition_caption(&t));
                part.facts = vec![
                    ("Historische verdeelsleutel".into(), key_text(&t.historical)),
                    ("Objectieve verdeelsleutel".into(), key_text(&t.objective)),
                    (
                        "Ingroeipad (percentage objectief vanaf het jaar)".into(),
                        path_text(&t),
                    ),
                ];
                part.paragraphs = vec![
                    "Verschil: het bedrag volgens het pad tegenover de historische verdeling; een voordeel is meer budget, een nadeel minder.".into(),
                ];
                part.table = Some(transition_table(&t));
                let base = format!("/financien/overgangspad/export?{}", q.query_string(None));
                part.downloads = vec![
                    link(format!("{base}&formaat=csv"), "CSV"),
                    link(format!("{base}&formaat=xlsx"), "Excel"),
                ];
                page.sections.push(part);
            }
            Err(e @ DomainError::Invalid(_)) => {
                if let (DomainError::Invalid(errors), Some(form)) =
                    (named_as_in_api(e), page.forms.first_mut())
                {
                    page.errors = form.apply_errors(&errors);
                }
                status = StatusCode::BAD_REQUEST;
            }
            Err(e) => return Err(PageError(e)),
        }
    }
    Ok((status, page).into_response())
}

async fn transition_export(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let q = TransitionQuery::parse(raw.as_deref())?;
    let format = format_param(&q.formaat, false)?;
    let t = s
        .services
        .transition(&u.ctx, &q.request())
        .await
        .map_err(named_as_in_api)?;
    let stem = format!("overgangspad-{}", s.services.clock.today());
    file_response(&transition_file(&t), format, &stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balance_reads_as_paying_or_receiving() {
        assert_eq!(saldo_text(308_509), "te betalen € 3.085,09");
        assert_eq!(saldo_text(-308_509), "te ontvangen € 3.085,09");
        assert_eq!(saldo_text(0), "nihil");
        assert_eq!(difference_text(-2_500_000), "nadeel € 25.000,00");
        assert_eq!(difference_text(1), "voordeel € 0,01");
    }

    #[test]
    fn a_share_problem_lands_at_the_cell_of_its_municipality() {
        let ms = vec![
            ("GM0402".to_string(), "Hilversum".to_string()),
            ("GM0406".to_string(), "Huizen".to_string()),
        ];
        let e = DomainError::Invalid(vec![
            FieldError {
                field: "aandelen[2].aandeel".into(),
                message: "x".into(),
            },
            FieldError {
                field: "aandelen".into(),
                message: "y".into(),
            },
        ]);
        let DomainError::Invalid(got) = at_cells(e, &ms) else {
            panic!()
        };
        let names: Vec<&str> = got.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["aandeel-GM0406", "aandelen"]);
    }

    #[test]
    fn the_download_links_ask_the_same_statement() {
        let q = StatementQuery::parse(Some(
            "periode=2025-K1&verdeling=verdeelsleutel&verdeelsleutelId=3&bekendOp=2026-01-01",
        ))
        .unwrap();
        let again = StatementQuery::parse(Some(&q.query_string(Some("pdf")))).unwrap();
        assert_eq!(again.formaat, "pdf");
        assert_eq!(
            (again.periode, again.verdeelsleutel_id, again.bekend_op),
            (q.periode, q.verdeelsleutel_id, q.bekend_op)
        );
        // By cost no key is asked, whatever the select says.
        let by_cost =
            StatementQuery::parse(Some("periode=2025&verdeling=kosten&verdeelsleutelId=3"))
                .unwrap();
        assert_eq!(by_cost.request().unwrap().key_id, None);
    }
}
