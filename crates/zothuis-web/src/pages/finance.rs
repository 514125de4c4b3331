//! Pages of the money area: the tariffs of the region's contracts (a list,
//! a form for a new one, one tariff with its versions where it is
//! corrected or withdrawn) and the cost of care per period, municipality,
//! product, provider and cohort, with the days in care that no tariff
//! prices, and the cost table as CSV and Excel. The services decide who
//! sees and changes what (policy `ManageTariffs`, `cost_view`,
//! `tariff_area`); these pages only offer what the policy allows.

use super::choices::{Named, keep_typed};
use super::*;
use crate::api::finance::{hidden_text, total_hidden};
use crate::export::{ExportCell, ExportTable, to_csv, to_xlsx};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use zothuis_domain::admin::Actor;
use zothuis_domain::finance::service::{CostReport, CostRequest, Hidden, TariffHistory};
use zothuis_domain::finance::{Period, Tariff, TariffFacts, TariffInput};
use zothuis_domain::policy::{FigureScope, cost_view};
use zothuis_domain::reference::{CareLevel, Financing, TariffUnit};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/financien",
            get(|| async { Redirect::to("/financien/kosten") }),
        )
        .route("/financien/tarieven", get(list))
        .route("/financien/tarieven/nieuw", get(new_form).post(create))
        .route("/financien/tarieven/{id}", get(detail).post(change))
        .route("/financien/kosten", get(costs_page))
        .route("/financien/kosten/export", get(export))
}

/// Whether the menu offers the money area: to whoever may see the cost of
/// care (`policy::cost_view`).
pub(super) fn may_see_costs(a: &Actor) -> bool {
    cost_view(a).is_ok()
}

/// The region whose tariffs the actor records, if it may record any.
fn managed_region(a: &Actor) -> Option<i64> {
    match a.scope {
        Scope::Regio(region_id) if can(a, Action::ManageTariffs { region_id }).is_allowed() => {
            Some(region_id)
        }
        _ => None,
    }
}

/// The form is for the region's finance officer only: anyone else gets the
/// refusal before a form they could not use (the service refuses, and
/// audits, the submit anyway).
fn require_manager(u: &PageUser) -> PageResult<i64> {
    let region_id = match u.actor().scope {
        Scope::Regio(id) => id,
        _ => -1,
    };
    require(u, Action::ManageTariffs { region_id })?;
    Ok(region_id)
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Finance)
        .await
        .with_notice(notice)
}

fn tariff_crumbs() -> Vec<Link> {
    vec![
        link("/financien/kosten", "Financiën"),
        link("/financien/tarieven", "Tarieven"),
    ]
}

// ---- names and choices ----------------------------------------------------------------

/// Names of products, providers and regions, and the choices of the form.
struct Lookups {
    products: Vec<(i64, String, TariffUnit)>,
    providers: Named,
    regions: HashMap<i64, String>,
}

impl Lookups {
    async fn load(s: &AppState, u: &PageUser) -> PageResult<Lookups> {
        let mut products: Vec<(i64, String, TariffUnit)> = s
            .services
            .list_products(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id, format!("{} ({})", p.name, p.code), p.tariff_unit))
            .collect();
        products.sort_by(|a, b| a.1.cmp(&b.1));
        let providers = Named::providers(s, u).await?;
        let regions = s
            .services
            .list_regions(&u.ctx)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        Ok(Lookups {
            products,
            providers,
            regions,
        })
    }

    fn product(&self, id: i64) -> String {
        self.products
            .iter()
            .find(|(p, _, _)| *p == id)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_else(|| format!("Product {id}"))
    }

    fn provider(&self, id: Option<i64>) -> String {
        id.map_or_else(
            || "Alle aanbieders".into(),
            |id| self.providers.name(id, "Aanbieder"),
        )
    }

    fn region(&self, id: i64) -> String {
        self.regions
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Regio {id}"))
    }

    fn product_options(&self, current: &str) -> Vec<(String, String)> {
        let mut o = vec![(String::new(), "— kies een product —".to_string())];
        o.extend(self.products.iter().map(|(id, n, unit)| {
            (
                id.to_string(),
                format!("{n}, {}", unit.label().to_lowercase()),
            )
        }));
        keep_typed(&mut o, current, "Product");
        o
    }

    fn provider_options(&self, current: &str) -> Vec<(String, String)> {
        self.providers
            .options("Alle aanbieders", current, "Aanbieder")
    }
}

fn unit_options() -> Vec<(String, String)> {
    choices(
        "Eenheid van het product",
        TariffUnit::ALL.iter().map(|u| (u.code(), u.label())),
    )
}

fn until_text(f: &TariffFacts) -> String {
    f.valid_until
        .map(dutch_long)
        .unwrap_or_else(|| "open einde".into())
}

fn status_text(f: &TariffFacts) -> &'static str {
    if f.withdrawn { "Ingetrokken" } else { "Geldig" }
}

// ---- the list -------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult<TablePage> {
    let q = query(q)?;
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let tariffs = s.services.tariffs(&u.ctx, k).await?;
    let l = Lookups::load(&s, &u).await?;
    let several_regions = tariffs
        .iter()
        .any(|t| tariffs.first().is_some_and(|f| f.region_id != t.region_id));
    let mut labels = vec![
        "Product",
        "Aanbieder",
        "Financiering",
        "Eenheid",
        "#Bedrag",
        "Geldig vanaf",
        "Geldig tot en met",
        "Status",
    ];
    if several_regions {
        labels.insert(0, "Regio");
    }
    let rows = tariffs
        .iter()
        .map(|t| {
            let f = &t.facts;
            let mut row = vec![
                link_cell(
                    l.product(f.product_id),
                    format!("/financien/tarieven/{}", t.id),
                ),
                cell(l.provider(f.provider_id)),
                cell(funding_text(f.financing, f.care_level)),
                cell(f.unit.label()),
                Cell {
                    numeric: true,
                    ..cell(f.amount.to_string())
                },
                date_cell(f.valid_from),
                cell(until_text(f)),
                if f.withdrawn {
                    badge_cell("ingetrokken", "muted")
                } else {
                    badge_cell("geldig", "ok")
                },
            ];
            if several_regions {
                row.insert(0, cell(l.region(t.region_id)));
            }
            row
        })
        .collect();
    let filters = FormBlock::get(
        "/financien/tarieven",
        "Tonen",
        vec![
            Field::date(
                "bekendOp",
                "Zoals bekend op",
                q.bekend_op.clone().unwrap_or_default(),
            )
            .hint("Leeg laten voor de tarieven zoals ze nu zijn."),
        ],
    )
    .anchor("filters");
    let intro = match k {
        None => "De tarieven van de contracten van de regio met de aanbieders: wat een dag, week, maand of jaar zorg van een product kost, vanaf een datum. Een tarief zonder aanbieder geldt voor elke aanbieder zonder eigen tarief voor dat product. Een correctie of intrekking bewaart de vorige versie, zodat de kosten zoals eerder bekend gelijk blijven.".to_string(),
        Some(k) => known_intro(k, "de tarieven", "Latere tarieven, correcties en intrekkingen"),
    };
    let mut actions = vec![link("/financien/kosten", "Kosten van zorg")];
    if managed_region(u.actor()).is_some() {
        actions.insert(0, link("/financien/tarieven/nieuw", "Nieuw tarief"));
    }
    Ok(TablePage {
        layout: layout(&s, &u, "Tarieven", q.melding.as_deref())
            .await
            .with_breadcrumbs(vec![link("/financien/kosten", "Financiën")]),
        heading: "Tarieven".into(),
        intro: Some(intro),
        actions,
        filters: Some(filters),
        table: Table {
            caption: match tariffs.len() {
                1 => "1 tarief".into(),
                n => format!("{n} tarieven"),
            },
            columns: columns(&labels),
            rows,
            empty: "Er zijn (nog) geen tarieven vastgelegd.".into(),
        },
        pager: None,
    })
}

/// `zin` or `pgb`, with the level when there is one.
fn funding_text(financing: Financing, level: Option<CareLevel>) -> String {
    match level {
        Some(l) => format!("{}, {l}", financing.code()),
        None => financing.code().to_string(),
    }
}

// ---- forms ----------------------------------------------------------------------------

fn typed(f: &FormData) -> TariffInput {
    TariffInput {
        product_id: f.get("productId"),
        provider_id: f.opt("aanbiederId"),
        unit: f.opt("eenheid"),
        amount: f.get("bedrag"),
        valid_from: f.get("geldigVanaf"),
        valid_until: f.opt("geldigTot"),
        withdrawn: f.checked("ingetrokken"),
        note: f.opt("notitie"),
        financing: f.opt("financieringsvorm"),
        care_level: f.opt("zorgzwaarte"),
    }
}

/// The tariff's form, filled in with what it says now (the amount as a
/// person types it: `151,23`).
fn as_typed(t: &Tariff) -> TariffInput {
    let f = &t.facts;
    TariffInput {
        product_id: f.product_id.to_string(),
        provider_id: f.provider_id.map(|p| p.to_string()),
        unit: Some(f.unit.code().to_string()),
        amount: f.amount.decimal().replace('.', ","),
        valid_from: f.valid_from.to_string(),
        valid_until: f.valid_until.map(|d| d.to_string()),
        withdrawn: f.withdrawn,
        note: f.note.clone(),
        financing: Some(f.financing.code().to_string()),
        care_level: f.care_level.map(|l| l.get().to_string()),
    }
}

fn tariff_fields(i: &TariffInput, l: &Lookups, change: bool) -> Vec<Field> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields = vec![
        Field::select(
            "productId",
            "Product",
            &i.product_id,
            l.product_options(&i.product_id),
        )
        .required(),
        Field::select(
            "aanbiederId",
            "Aanbieder",
            i.provider_id.as_deref().unwrap_or(""),
            l.provider_options(i.provider_id.as_deref().unwrap_or("")),
        )
        .hint("‘Alle aanbieders’: het tarief geldt voor elke aanbieder die voor dit product geen eigen tarief heeft."),
        Field::select(
            "eenheid",
            "Eenheid",
            i.unit.as_deref().unwrap_or(""),
            unit_options(),
        )
        .hint("Waar het bedrag voor geldt. Een tarief per week, maand of jaar telt naar rato van de dagen in zorg."),
        Field::select(
            "financieringsvorm",
            "Financieringsvorm",
            i.financing.as_deref().unwrap_or("zin"),
            Financing::ALL
                .iter()
                .map(|f| (f.code().to_string(), f.label().to_string()))
                .collect(),
        )
        .hint("Een verblijf met een pgb wordt alleen met een pgb-tarief berekend."),
        Field::select(
            "zorgzwaarte",
            "Zorgzwaarte",
            i.care_level.as_deref().unwrap_or(""),
            std::iter::once((String::new(), "Alle niveaus".to_string()))
                .chain((1..=CareLevel::MAX).map(|n| (n.to_string(), format!("Niveau {n}"))))
                .collect(),
        )
        .hint("‘Alle niveaus’: het tarief geldt voor elk verblijf van dit product zonder tarief voor zijn eigen niveau."),
        Field::text("bedrag", "Bedrag in euro's", &i.amount)
            .hint("Per eenheid, bijvoorbeeld 151,23 of 55.000.")
            .required(),
        Field::date("geldigVanaf", "Geldig vanaf", &i.valid_from)
            .hint("De eerste dag waarop het tarief geldt.")
            .required(),
        Field::date("geldigTot", "Geldig tot en met", opt(&i.valid_until))
            .hint("De laatste dag waarop het tarief geldt; leeg laten voor een open einde."),
        Field::textarea("notitie", "Notitie", opt(&i.note))
            .hint("Bijvoorbeeld het contract of de indexering waar het tarief uit komt."),
    ];
    if change {
        fields.push(
            Field::checkbox("ingetrokken", "Tarief intrekken", i.withdrawn).hint(
                "Alleen voor een tarief dat per vergissing is vastgelegd: het geldt dan voor geen enkele dag. Loopt een tarief af, vul dan ‘Geldig tot en met’ in.",
            ),
        );
    }
    fields
}

// ---- a new tariff ---------------------------------------------------------------------

async fn new_page(s: &AppState, u: &PageUser, i: &TariffInput) -> PageResult<FormPage> {
    require_manager(u)?;
    let l = Lookups::load(s, u).await?;
    let form = FormBlock::post(
        "/financien/tarieven/nieuw",
        "Tarief vastleggen",
        tariff_fields(i, &l, false),
    )
    .cancel("/financien/tarieven");
    let heading = "Nieuw tarief";
    let layout = layout(s, u, heading, None)
        .await
        .with_breadcrumbs(tariff_crumbs());
    Ok(FormPage::new(layout, heading, form).intro(
        "Een tarief uit het contract van de regio met een aanbieder, of voor alle aanbieders van een product. Voor hetzelfde product en dezelfde aanbieder geldt op elke dag hoogstens één tarief: laat een oud tarief eindigen vóór het nieuwe begint.",
    ))
}

async fn new_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    let today = s.services.clock.today();
    let first_of_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let i = TariffInput {
        valid_from: first_of_year.to_string(),
        ..Default::default()
    };
    new_page(&s, &u, &i).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let i = typed(&f);
    let e = match s.services.create_tariff(&u.ctx, &i).await {
        Ok(created) => {
            return Ok(done(
                &format!("/financien/tarieven/{}", created.id),
                "tarief-vastgelegd",
            ));
        }
        Err(e) => e,
    };
    let (e, status) = form_refusal(e)?;
    let mut resp = new_page(&s, &u, &i).await?.failed(e, None);
    *resp.status_mut() = status;
    Ok(resp)
}

// ---- one tariff -----------------------------------------------------------------------

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
    typed: Option<TariffInput>,
) -> PageResult<DetailPage> {
    let k = super::clients::known_at(q.bekend_op.as_deref())?;
    let TariffHistory {
        current: t,
        versions,
    } = s.services.tariff(&u.ctx, id, k).await?;
    let l = Lookups::load(s, u).await?;
    let f = &t.facts;
    let layout = layout(s, u, "Tarief", q.melding.as_deref())
        .await
        .with_breadcrumbs(tariff_crumbs());
    let mut page = DetailPage::new(
        layout,
        format!(
            "Tarief {}: {}",
            l.product(f.product_id),
            l.provider(f.provider_id)
        ),
    )
    .fact("Regio", l.region(t.region_id))
    .fact("Product", l.product(f.product_id))
    .fact("Aanbieder", l.provider(f.provider_id))
    .fact("Financieringsvorm", f.financing.label())
    .fact(
        "Zorgzwaarte",
        f.care_level
            .map_or_else(|| "alle niveaus".to_string(), |l| l.to_string()),
    )
    .fact("Eenheid", f.unit.label())
    .fact("Bedrag", f.amount.to_string())
    .fact("Geldig vanaf", dutch_long(f.valid_from))
    .fact("Geldig tot en met", until_text(f))
    .fact("Status", status_text(f))
    .fact("Notitie", or_dash(f.note.clone()))
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
            "het tarief",
            "Latere correcties en intrekkingen",
        ));
    }
    if f.withdrawn {
        page.alert = Some(Alert {
            text: "Dit tarief is ingetrokken: het geldt voor geen enkele dag en telt niet mee in de kosten.".into(),
            link: None,
        });
    }
    page.actions
        .push(link("/financien/tarieven", "Alle tarieven"));
    page.forms.push(
        FormBlock::get(
            format!("/financien/tarieven/{id}"),
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor het tarief zoals het nu is."),
            ],
        )
        .anchor("bekend-op"),
    );
    page.tables.push(Table {
        caption: "Versies van dit tarief (correcties en intrekking)".into(),
        columns: columns(&[
            "Vastgelegd",
            "Door",
            "Aanbieder",
            "Financiering",
            "Eenheid",
            "#Bedrag",
            "Geldig vanaf",
            "Geldig tot en met",
            "Status",
        ]),
        rows: versions
            .iter()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(l.provider(v.facts.provider_id)),
                    cell(funding_text(v.facts.financing, v.facts.care_level)),
                    cell(v.facts.unit.label()),
                    Cell {
                        numeric: true,
                        ..cell(v.facts.amount.to_string())
                    },
                    date_cell(v.facts.valid_from),
                    cell(until_text(&v.facts)),
                    cell(status_text(&v.facts)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    if k.is_none() && managed_region(u.actor()) == Some(t.region_id) {
        let typed = typed.unwrap_or_else(|| as_typed(&t));
        page.forms.push(
            FormBlock::post(
                format!("/financien/tarieven/{id}"),
                "Opslaan",
                tariff_fields(&typed, &l, true),
            )
            .heading("Tarief corrigeren of intrekken")
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
    let i = typed(&f);
    let e = match s.services.change_tariff(&u.ctx, id, f.version(), &i).await {
        Ok(_) => return Ok(done(&format!("/financien/tarieven/{id}"), "opgeslagen")),
        Err(e) => e,
    };
    let (e, status) = form_refusal(e)?;
    let page = detail_page(&s, &u, id, &DetailQuery::default(), Some(i)).await?;
    Ok(failed_at(page, "wijzigen", e, status))
}

// ---- the cost of care -----------------------------------------------------------------

/// The question of the cost page and its downloads, as typed; `indeling`
/// comes as one checkbox per dimension (or a comma list in a link).
#[derive(Debug, Clone, Default)]
struct CostQuery {
    jaar: String,
    van: String,
    tot: String,
    gemeente: String,
    aanbieder_id: String,
    per: String,
    indeling: Vec<String>,
    bekend_op: String,
    formaat: String,
}

impl CostQuery {
    /// Reads the query string; on a first visit (nothing asked) the page
    /// shows this year per month and municipality.
    fn parse(raw: Option<&str>, today: NaiveDate) -> PageResult<CostQuery> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|_| {
                PageError(DomainError::invalid(
                    "zoekvraag",
                    "het adres van deze pagina bevat een ongeldige zoekvraag; open de pagina opnieuw via het menu",
                ))
            })?;
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let asked = pairs.iter().any(|(k, _)| k != "formaat");
        let indeling: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k == "indeling")
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect();
        Ok(if asked {
            CostQuery {
                jaar: get("jaar"),
                van: get("van"),
                tot: get("tot"),
                gemeente: get("gemeente"),
                aanbieder_id: get("aanbiederId"),
                per: get("per"),
                indeling,
                bekend_op: get("bekendOp"),
                formaat: get("formaat"),
            }
        } else {
            CostQuery {
                jaar: today.year().to_string(),
                per: "maand".into(),
                indeling: vec!["gemeente".into()],
                formaat: get("formaat"),
                ..CostQuery::default()
            }
        })
    }

    fn request(&self) -> PageResult<CostRequest> {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Ok(CostRequest {
            year: some(&self.jaar),
            from: some(&self.van),
            until: some(&self.tot),
            municipality: some(&self.gemeente),
            provider_id: some(&self.aanbieder_id),
            period: some(&self.per),
            split: some(&self.indeling.join(",")),
            known_at: super::clients::known_at(Some(&self.bekend_op))?,
        })
    }

    /// The query string that asks the same table (for the download links).
    fn query_string(&self, format: &str) -> String {
        let mut parts = vec![("formaat", format.to_string())];
        for (k, v) in [
            ("jaar", &self.jaar),
            ("van", &self.van),
            ("tot", &self.tot),
            ("gemeente", &self.gemeente),
            ("aanbiederId", &self.aanbieder_id),
            ("per", &self.per),
            ("bekendOp", &self.bekend_op),
        ] {
            parts.push((k, v.clone()));
        }
        parts.push(("indeling", self.indeling.join(",")));
        serde_urlencoded::to_string(&parts).unwrap_or_default()
    }
}

const SPLITS: [(&str, &str); 5] = [
    ("gemeente", "Gemeente"),
    ("product", "Product"),
    ("aanbieder", "Aanbieder"),
    ("cohort", "Cohort (historische cliënten of nieuwe instroom)"),
    ("financiering", "Financieringsvorm (zorg in natura of pgb)"),
];

async fn cost_form(s: &AppState, u: &PageUser, q: &CostQuery) -> PageResult<FormBlock> {
    let mut fields = vec![
        Field::number("jaar", "Jaar", &q.jaar)
            .hint("Een kalenderjaar. Laat leeg als u hieronder een periode kiest."),
        Field::date("van", "Periode van", &q.van),
        Field::date("tot", "Periode tot en met", &q.tot),
    ];
    let view = cost_view(u.actor()).map_err(|r| PageError(DomainError::Forbidden(r.into())))?;
    let mut municipalities: Vec<(String, String)> = s
        .services
        .list_municipalities(&u.ctx)
        .await?
        .into_iter()
        .filter(|m| match &view.scope {
            FigureScope::All | FigureScope::Provider(_) => true,
            FigureScope::Region(r) => m.region_id == *r,
            FigureScope::Municipality(code) => m.code == *code,
        })
        .map(|m| (m.code.to_string(), m.name))
        .collect();
    municipalities.sort_by(|a, b| a.1.cmp(&b.1));
    if municipalities.len() > 1 {
        let mut options = vec![(String::new(), "Alle gemeenten van uw gebied".to_string())];
        options.extend(municipalities);
        keep_typed(&mut options, &q.gemeente, "Gemeente");
        fields.push(
            Field::select("gemeente", "Gemeente", &q.gemeente, options)
                .hint("De verantwoordelijke gemeente: die van de beschikking."),
        );
    }
    if !matches!(view.scope, FigureScope::Provider(_)) {
        let mut options = vec![(String::new(), "Alle aanbieders".to_string())];
        let mut providers: Vec<(String, String)> = s
            .services
            .list_providers(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name))
            .collect();
        providers.sort_by(|a, b| a.1.cmp(&b.1));
        options.extend(providers);
        keep_typed(&mut options, &q.aanbieder_id, "Aanbieder");
        fields.push(Field::select(
            "aanbiederId",
            "Aanbieder",
            &q.aanbieder_id,
            options,
        ));
    }
    fields.push(Field::select(
        "per",
        "Per",
        if q.per.is_empty() { "jaar" } else { &q.per },
        vec![
            ("maand".into(), "Maand".into()),
            ("jaar".into(), "Jaar".into()),
            ("geheel".into(), "De hele periode".into()),
        ],
    ));
    fields.push(Field::checkboxes(
        "indeling",
        "Uitsplitsen naar",
        &q.indeling,
        SPLITS
            .iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect(),
    ));
    fields.push(
        Field::date("bekendOp", "Zoals bekend op", &q.bekend_op).hint(
            "Leeg: zoals nu bekend. Een eerdere datum laat de kosten zien zonder de correcties van verblijven en tarieven van daarna.",
        ),
    );
    Ok(FormBlock::get("/financien/kosten", "Toon kosten", fields).anchor("filters"))
}

fn period_label(r: &CostReport, start: NaiveDate) -> String {
    match r.period {
        Period::Month => {
            let long = dutch_long(start);
            long.split_once(' ')
                .map_or(long.clone(), |(_, rest)| rest.to_string())
        }
        Period::Year => start.year().to_string(),
        Period::Whole => format!("{} t/m {}", dutch_long(r.from), dutch_long(r.until)),
    }
}

/// The cost table's columns: the period, the dimensions split by, and the
/// numbers.
fn cost_header(r: &CostReport) -> Vec<&'static str> {
    let mut h = vec!["Periode"];
    if r.split.municipality {
        h.push("Gemeente");
    }
    if r.split.product {
        h.push("Product");
    }
    if r.split.provider {
        h.push("Aanbieder");
    }
    if r.split.cohort {
        h.push("Cohort");
    }
    if r.split.financing {
        h.push("Financiering");
    }
    h
}

const NUMBER_COLUMNS: [&str; 4] = ["Bedrag", "Dagen in zorg", "Cliënten", "Verblijven"];

/// The dimension cells of a row, as text.
fn row_labels(r: &CostReport, i: usize) -> Vec<String> {
    let row = &r.rows[i];
    let mut out = vec![period_label(r, row.period)];
    if r.split.municipality {
        out.push(
            row.municipality
                .as_ref()
                .map_or(String::new(), |(_, n)| n.clone()),
        );
    }
    if r.split.product {
        out.push(
            row.product
                .as_ref()
                .map_or(String::new(), |(_, n)| n.clone()),
        );
    }
    if r.split.provider {
        out.push(
            row.provider
                .as_ref()
                .map_or("zonder aanbieder".into(), |(_, n)| n.clone()),
        );
    }
    if r.split.cohort {
        out.push(row.cohort.map_or(String::new(), |c| c.label().to_string()));
    }
    if r.split.financing {
        out.push(
            row.financing
                .map_or(String::new(), |f| f.label().to_string()),
        );
    }
    out
}

/// The numbers of a cell as shown: each the mark when it is hidden.
fn shown_numbers(
    c: &zothuis_domain::finance::cost::CostCell,
    hidden: Hidden,
    threshold: Option<u64>,
) -> Vec<String> {
    match hidden_text(hidden, threshold) {
        Some(mark) => vec![mark; 4],
        None => vec![
            c.amount.to_string(),
            c.days.to_string(),
            c.clients.to_string(),
            c.stays.to_string(),
        ],
    }
}

fn cost_table(r: &CostReport, caption: &str) -> Table {
    let header = cost_header(r);
    let mut cols: Vec<Column> = header
        .iter()
        .map(|h| Column {
            label: (*h).into(),
            numeric: false,
        })
        .collect();
    cols.extend(NUMBER_COLUMNS.iter().map(|h| Column {
        label: (*h).into(),
        numeric: true,
    }));
    let number_cells = |v: Vec<String>| {
        v.into_iter().map(|t| Cell {
            numeric: true,
            ..cell(t)
        })
    };
    let mut rows: Vec<Vec<Cell>> = (0..r.rows.len())
        .map(|i| {
            let row = &r.rows[i];
            let mut cells: Vec<Cell> = row_labels(r, i).into_iter().map(cell).collect();
            cells.extend(number_cells(shown_numbers(
                &row.cell,
                row.hidden,
                r.threshold,
            )));
            cells
        })
        .collect();
    if !r.rows.is_empty() {
        let mut total: Vec<Cell> = vec![cell("Totaal")];
        total.extend((1..header.len()).map(|_| cell("")));
        total.extend(number_cells(shown_numbers(
            &r.total,
            total_hidden(r),
            r.threshold,
        )));
        rows.push(total);
    }
    Table {
        caption: caption.into(),
        columns: cols,
        rows,
        empty: "Geen dagen in zorg met een tarief in deze periode.".into(),
    }
}

fn missing_table(r: &CostReport) -> Table {
    Table {
        caption: "Dagen in zorg zonder tarief".into(),
        columns: columns(&[
            "Gemeente",
            "Product",
            "Aanbieder",
            "Financiering",
            "#Dagen",
            "#Verblijven",
            "Eerste dag",
        ]),
        rows: r
            .missing
            .iter()
            .map(|m| {
                let mark = hidden_text(Hidden::Small, r.threshold).unwrap_or_default();
                vec![
                    cell(m.municipality.1.clone()),
                    cell(m.product.1.clone()),
                    cell(
                        m.provider
                            .as_ref()
                            .map_or("zonder aanbieder".into(), |(_, n)| n.clone()),
                    ),
                    cell(funding_text(m.financing, m.level)),
                    Cell {
                        numeric: true,
                        ..cell(if m.hidden {
                            mark.clone()
                        } else {
                            m.missing.days.to_string()
                        })
                    },
                    Cell {
                        numeric: true,
                        ..cell(if m.hidden {
                            mark.clone()
                        } else {
                            m.missing.stays.to_string()
                        })
                    },
                    match m.missing.first_day {
                        Some(d) if !m.hidden => date_cell(d),
                        _ => cell("—"),
                    },
                ]
            })
            .collect(),
        empty: "Voor elke dag in zorg in deze periode is een tarief bekend.".into(),
    }
}

fn caption(r: &CostReport) -> String {
    let per = match r.period {
        Period::Month => " per maand",
        Period::Year => " per jaar",
        Period::Whole => "",
    };
    let counted = if r.through < r.until {
        format!(" (geteld tot en met {})", dutch_long(r.through))
    } else {
        String::new()
    };
    format!(
        "Kosten van zorg{per}, {} tot en met {}{counted}",
        dutch_long(r.from),
        dutch_long(r.until)
    )
}

fn suppressed_notice(r: &CostReport) -> Option<String> {
    r.threshold.filter(|t| *t > 1).map(|t| {
        format!(
            "U ziet de kosten zonder persoonsgegevens: een bedrag over minder dan {t} cliënten staat er als \"<{t}\", met zijn dagen en aantallen. Een cel met \"{}\" is geen klein bedrag, maar verborgen zodat een klein bedrag elders niet uit het totaal is terug te rekenen.",
            zothuis_domain::figures::SECONDARY_MARK
        )
    })
}

const MISSING_INTRO: &str = "Dagen waarop een cliënt in zorg was, maar waarvoor geen tarief bekend is voor het product en de aanbieder in de regio van de verantwoordelijke gemeente. Deze dagen zijn niet geprijsd: ze tellen niet mee in de bedragen hierboven, ook niet als nul. Leg het ontbrekende tarief vast om ze mee te tellen.";

#[derive(Template, WebTemplate)]
#[template(path = "finance_costs.html")]
pub struct CostsPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub links: Vec<Link>,
    pub errors: Vec<Link>,
    pub form: FormBlock,
    pub suppressed: Option<String>,
    pub caption: String,
    pub cost_table: Option<Table>,
    pub missing_intro: &'static str,
    pub missing_table: Option<Table>,
    pub csv: String,
    pub xlsx: String,
}

async fn costs_page(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let q = CostQuery::parse(raw.as_deref(), s.services.clock.today())?;
    let result = match q.request() {
        Ok(req) => s.services.costs(&u.ctx, &req).await,
        Err(PageError(e)) => Err(e),
    };
    let mut layout = layout(&s, &u, "Kosten van zorg", None).await;
    layout.breadcrumbs = Vec::new();
    let mut links = vec![link("/financien/tarieven", "Tarieven")];
    if managed_region(u.actor()).is_some() {
        links.push(link("/financien/tarieven/nieuw", "Nieuw tarief"));
    }
    let mut page = CostsPage {
        layout,
        heading: "Kosten van zorg".into(),
        intro: "De kosten van beschermd wonen en opvang: elke dag in zorg maal het tarief dat op die dag gold, toegerekend aan de verantwoordelijke gemeente van de beschikking. De dag van vertrek telt niet mee. Verblijven en tarieven zijn zoals bekend op het gekozen moment.".into(),
        links,
        errors: Vec::new(),
        form: cost_form(&s, &u, &q).await?,
        suppressed: None,
        caption: String::new(),
        cost_table: None,
        missing_intro: MISSING_INTRO,
        missing_table: None,
        csv: format!("/financien/kosten/export?{}", q.query_string("csv")),
        xlsx: format!("/financien/kosten/export?{}", q.query_string("xlsx")),
    };
    match result {
        Ok(r) => {
            page.caption = caption(&r);
            page.suppressed = suppressed_notice(&r);
            page.cost_table = Some(cost_table(&r, &page.caption));
            page.missing_table = Some(missing_table(&r));
            Ok(page.into_response())
        }
        Err(DomainError::Invalid(errors)) => {
            page.errors = page.form.apply_errors(&errors);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The cost table as a file: what the page shows, hidden amounts as their
/// mark, amounts as numbers with two decimals.
fn cost_export(r: &CostReport) -> ExportTable {
    let mut header: Vec<String> = cost_header(r).iter().map(|h| (*h).to_string()).collect();
    header.extend(["Bedrag (€)", "Dagen in zorg", "Cliënten", "Verblijven"].map(String::from));
    let numbers = |c: &zothuis_domain::finance::cost::CostCell, hidden: Hidden| match hidden_text(
        hidden,
        r.threshold,
    ) {
        Some(mark) => vec![ExportCell::Text(mark); 4],
        None => vec![
            ExportCell::Cents(c.amount.cents()),
            ExportCell::Number(c.days as f64),
            ExportCell::Number(f64::from(c.clients)),
            ExportCell::Number(f64::from(c.stays)),
        ],
    };
    let mut rows: Vec<Vec<ExportCell>> = (0..r.rows.len())
        .map(|i| {
            let mut row: Vec<ExportCell> =
                row_labels(r, i).into_iter().map(ExportCell::Text).collect();
            row.extend(numbers(&r.rows[i].cell, r.rows[i].hidden));
            row
        })
        .collect();
    let mut total = vec![ExportCell::Text("Totaal".into())];
    total.extend((1..cost_header(r).len()).map(|_| ExportCell::Text(String::new())));
    total.extend(numbers(&r.total, total_hidden(r)));
    rows.push(total);
    let mut notes = vec![
        caption(r),
        format!(
            "Zoals bekend op {}.",
            zothuis_domain::dates::dutch_moment(r.known_at)
        ),
        "Bedrag: dagen in zorg maal het tarief van die dag, toegerekend aan de verantwoordelijke gemeente; de dag van vertrek telt niet mee.".into(),
    ];
    let missing_days: i64 = r.missing.iter().map(|m| m.missing.days).sum();
    if !r.missing.is_empty() {
        notes.push(format!(
            "Let op: {missing_days} {} in zorg zonder tarief {} niet meegeteld (zie de pagina Kosten van zorg, ‘Dagen zonder tarief’).",
            if missing_days == 1 { "dag" } else { "dagen" },
            if missing_days == 1 { "is" } else { "zijn" },
        ));
    }
    if let Some(t) = r.threshold.filter(|t| *t > 1) {
        notes.push(format!(
            "Bedragen over minder dan {t} cliënten zijn verborgen (\"<{t}\"), net als een tweede cel waaruit een verborgen bedrag terug te rekenen zou zijn (\"{}\").",
            zothuis_domain::figures::SECONDARY_MARK
        ));
    }
    ExportTable {
        title: "Kosten van zorg".into(),
        header,
        rows,
        notes,
    }
}

async fn export(
    State(s): State<AppState>,
    u: PageUser,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let today = s.services.clock.today();
    let q = CostQuery::parse(raw.as_deref(), today)?;
    if !matches!(q.formaat.as_str(), "" | "csv" | "xlsx") {
        return Err(PageError(DomainError::invalid(
            "formaat",
            "kies csv of xlsx",
        )));
    }
    let r = s.services.costs(&u.ctx, &q.request()?).await?;
    let file = cost_export(&r);
    let stem = format!("kosten-{}-{}-{today}", r.from, r.until);
    if q.formaat == "xlsx" {
        let bytes = to_xlsx(&file).map_err(DomainError::Internal)?;
        return Ok(crate::export::attachment(
            crate::export::XLSX,
            &format!("{stem}.xlsx"),
            bytes,
        ));
    }
    Ok(crate::export::attachment(
        crate::export::CSV,
        &format!("{stem}.csv"),
        to_csv(&file),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_first_visit_asks_this_year_per_month_and_municipality() {
        let q = CostQuery::parse(None, day("2026-01-12")).unwrap();
        assert_eq!((q.jaar.as_str(), q.per.as_str()), ("2026", "maand"));
        assert_eq!(q.indeling, ["gemeente"]);
        let q = CostQuery::parse(Some("formaat=csv"), day("2026-01-12")).unwrap();
        assert_eq!((q.jaar.as_str(), q.formaat.as_str()), ("2026", "csv"));
    }

    #[test]
    fn checkboxes_and_a_comma_list_ask_the_same_split() {
        let a = CostQuery::parse(
            Some("jaar=2025&indeling=gemeente&indeling=product"),
            day("2026-01-12"),
        )
        .unwrap();
        let b = CostQuery::parse(
            Some("jaar=2025&indeling=gemeente%2Cproduct"),
            day("2026-01-12"),
        )
        .unwrap();
        assert_eq!(a.indeling, b.indeling);
        assert_eq!(
            a.request().unwrap().split.as_deref(),
            Some("gemeente,product")
        );
        // A submitted form without checkboxes splits by nothing.
        let c = CostQuery::parse(Some("jaar=2025&per=jaar"), day("2026-01-12")).unwrap();
        assert!(c.indeling.is_empty());
        assert_eq!(c.request().unwrap().split, None);
    }

    #[test]
    fn the_download_links_ask_the_same_table() {
        let q = CostQuery::parse(
            Some("van=2025-03-01&tot=2025-05-31&per=maand&indeling=gemeente&indeling=cohort"),
            day("2026-01-12"),
        )
        .unwrap();
        let again = CostQuery::parse(Some(&q.query_string("xlsx")), day("2026-01-12")).unwrap();
        assert_eq!(again.formaat, "xlsx");
        assert_eq!((again.van, again.tot), (q.van, q.tot));
        assert_eq!(again.indeling, q.indeling);
    }
}
