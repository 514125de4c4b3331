//! Figures on the web: the dashboard of the user's area, the tables policy
//! officers put in their reports, one indicator with its breakdown, and
//! every table as CSV and Excel. All numbers come from the indicator engine
//! (the same as the API); small numbers are hidden for aggregate roles, in
//! tables with their totals protected in both directions.

use super::*;
use crate::chart::{Series, line_chart};
use crate::export::{ExportCell, ExportTable, to_csv, to_xlsx};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use zothuis_domain::dates::dutch_long;
use zothuis_domain::figures::service::{FigureRequest, FigureResult};
use zothuis_domain::figures::{
    Dimension, Facts, IndicatorId, SECONDARY_MARK, Shown, Timing, Value, display, plain,
};
use zothuis_domain::policy::{FigureScope, FigureView};
use zothuis_domain::reference::GemeenteCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cijfers", get(dashboard))
        .route("/cijfers/tabellen", get(tables_page))
        .route("/cijfers/indicatoren", get(catalogue_page))
        .route("/cijfers/indicatoren/{id}", get(indicator_page))
        .route("/cijfers/export", get(export))
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct FigureQuery {
    peildatum: Option<String>,
    periode_van: Option<String>,
    periode_tot: Option<String>,
    gemeente_code: Option<String>,
    product_code: Option<String>,
    uitsplitsing: Option<String>,
    bekend_op: Option<String>,
    tabel: Option<String>,
    indicator: Option<String>,
    formaat: Option<String>,
}

impl FigureQuery {
    /// The query string that rebuilds the same table (for the export links).
    fn query_string(&self, table: &str, format: &str) -> String {
        let mut parts = vec![
            ("tabel", table.to_string()),
            ("formaat", format.to_string()),
        ];
        for (k, v) in [
            ("peildatum", &self.peildatum),
            ("periodeVan", &self.periode_van),
            ("periodeTot", &self.periode_tot),
            ("gemeenteCode", &self.gemeente_code),
            ("productCode", &self.product_code),
            ("uitsplitsing", &self.uitsplitsing),
            ("bekendOp", &self.bekend_op),
            ("indicator", &self.indicator),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                parts.push((k, v.to_string()));
            }
        }
        serde_urlencoded::to_string(&parts).unwrap_or_default()
    }
}

fn parse_day(field: &str, v: &Option<String>) -> PageResult<Option<NaiveDate>> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => zothuis_domain::Datum::parse(v)
            .map(|d| Some(d.0))
            .map_err(|e| PageError(DomainError::invalid(field, e.to_string()))),
    }
}

/// "Zoals bekend op": a moment (RFC 3339) or a day (its end, UTC).
fn parse_known_at(v: &Option<String>) -> PageResult<Option<DateTime<Utc>>> {
    let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let day = parse_day("bekendOp", &Some(v.to_string()))?;
    Ok(day
        .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 999_999))
        .map(|t| t.and_utc()))
}

/// The projection and the caller's area, loaded once per page.
struct Figures {
    facts: std::sync::Arc<Facts>,
    view: FigureView,
    area: Option<Vec<GemeenteCode>>,
    threshold: u64,
    known_at: Option<DateTime<Utc>>,
    today: NaiveDate,
}

impl Figures {
    async fn load(s: &AppState, u: &PageUser, q: &FigureQuery) -> PageResult<Figures> {
        let view = s.services.figure_view(&u.ctx).await?;
        let area = s.services.figure_municipalities(&view).await?;
        let known_at = parse_known_at(&q.bekend_op)?;
        let facts = s.services.figure_facts(known_at).await?;
        Ok(Figures {
            facts,
            threshold: if view.suppressed {
                s.services.settings.small_numbers
            } else {
                0
            },
            view,
            area,
            known_at,
            today: s.services.clock.today(),
        })
    }

    fn waiting_allowed(&self) -> bool {
        !matches!(self.view.scope, FigureScope::Provider(_))
    }

    /// The values as this user may see them.
    async fn shown(
        &self,
        s: &AppState,
        u: &PageUser,
        id: IndicatorId,
        req: &FigureRequest,
    ) -> PageResult<FigureResult> {
        Ok(s.services
            .answer(
                &u.ctx,
                &self.facts,
                id,
                req,
                &self.view,
                self.area.as_deref(),
            )
            .await?)
    }

    fn on(&self, day: NaiveDate, q: &FigureQuery) -> FigureRequest {
        FigureRequest {
            peildatum: Some(day.to_string()),
            gemeente: q.gemeente_code.clone(),
            product: q.product_code.clone(),
            ..FigureRequest::default()
        }
    }

    fn between(&self, from: NaiveDate, to: NaiveDate, q: &FigureQuery) -> FigureRequest {
        FigureRequest {
            periode_van: Some(from.to_string()),
            periode_tot: Some(to.to_string()),
            gemeente: q.gemeente_code.clone(),
            product: q.product_code.clone(),
            ..FigureRequest::default()
        }
    }

    fn notes(&self, what: String) -> Vec<String> {
        let mut notes = vec![what];
        if let Some(k) = self.known_at {
            notes.push(format!(
                "Zoals bekend op {}.",
                zothuis_domain::dates::dutch_moment(k)
            ));
        }
        if self.threshold > 1 {
            notes.push(format!(
                "Aantallen van 1 tot {} zijn verborgen (\"<{}\"), net als een tweede cel waaruit een verborgen aantal terug te rekenen zou zijn.",
                self.threshold, self.threshold
            ));
        }
        notes
    }
}

/// A table of figures, shown as HTML and exported as CSV and Excel.
pub struct FigureTable {
    pub id: &'static str,
    pub caption: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<Shown>)>,
    pub threshold: u64,
    pub notes: Vec<String>,
    pub definitions: Vec<(String, String)>,
    pub chart: Option<String>,
    pub csv: String,
    pub xlsx: String,
}

impl FigureTable {
    fn new(id: &'static str, caption: String, row_header: &str, columns: &[IndicatorId]) -> Self {
        FigureTable {
            id,
            caption,
            row_header: row_header.into(),
            columns: columns.iter().map(|c| c.info().name.to_string()).collect(),
            rows: Vec::new(),
            threshold: 0,
            notes: Vec::new(),
            definitions: columns
                .iter()
                .map(|c| (c.info().name.to_string(), c.info().definition.to_string()))
                .collect(),
            chart: None,
            csv: String::new(),
            xlsx: String::new(),
        }
    }

    /// Suppression threshold, notes and download links, as every table has them.
    fn finish(mut self, f: &Figures, q: &FigureQuery) -> Self {
        self.threshold = f.threshold;
        self.notes = f.notes(self.caption.clone());
        self.links(q)
    }

    fn links(mut self, q: &FigureQuery) -> Self {
        self.csv = format!("/cijfers/export?{}", q.query_string(self.id, "csv"));
        self.xlsx = format!("/cijfers/export?{}", q.query_string(self.id, "xlsx"));
        self
    }

    pub fn html(&self) -> Table {
        let mut cols = vec![Column {
            label: self.row_header.clone(),
            numeric: false,
        }];
        cols.extend(self.columns.iter().map(|c| Column {
            label: c.clone(),
            numeric: true,
        }));
        Table {
            caption: self.caption.clone(),
            columns: cols,
            rows: self
                .rows
                .iter()
                .map(|(label, cells)| {
                    let mut row = vec![cell(label.clone())];
                    row.extend(cells.iter().map(|c| Cell {
                        numeric: true,
                        ..super::cell(display(*c, self.threshold))
                    }));
                    row
                })
                .collect(),
            empty: "Geen gegevens.".into(),
        }
    }

    pub fn export(&self) -> ExportTable {
        let mut header = vec![self.row_header.clone()];
        header.extend(self.columns.iter().cloned());
        ExportTable {
            title: self.caption.clone(),
            header,
            rows: self
                .rows
                .iter()
                .map(|(label, cells)| {
                    let mut row = vec![ExportCell::Text(label.clone())];
                    row.extend(cells.iter().map(|c| match c.value.number() {
                        Some(n) if !c.suppressed => ExportCell::Number((n * 10.0).round() / 10.0),
                        _ => ExportCell::Text(display(*c, self.threshold)),
                    }));
                    row
                })
                .collect(),
            notes: self.notes.clone(),
        }
    }
}

fn number_of(s: &Shown) -> Option<f64> {
    if s.suppressed { None } else { s.value.number() }
}

const WAITING_PARTS: [IndicatorId; 4] = [
    IndicatorId::WachtendAangemeld,
    IndicatorId::WachtendActief,
    IndicatorId::WachtendPassief,
    IndicatorId::InScreening,
];

fn waiting_columns() -> Vec<IndicatorId> {
    let mut c = WAITING_PARTS.to_vec();
    c.push(IndicatorId::WachtendTotaal);
    c
}

/// The waiting list on one day per municipality, with the area's total.
async fn waiting_by_municipality(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    day: NaiveDate,
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let columns = waiting_columns();
    let mut t = FigureTable::new(
        "wachtlijst-per-gemeente",
        format!("Wachtlijst per gemeente op {}", dutch_long(day)),
        "Gemeente",
        &columns,
    );
    let mut by_column = Vec::new();
    for id in &columns {
        let req = FigureRequest {
            uitsplitsing: Some("gemeente".into()),
            ..f.on(day, q)
        };
        by_column.push(f.shown(s, u, *id, &req).await?);
    }
    let labels: Vec<String> = by_column[0]
        .shown
        .answer
        .cells
        .iter()
        .map(|c| c.label.clone())
        .collect();
    // Each cell as the user sees it in every other answer too: the rows
    // and the columns are protected against subtraction (`protect`).
    let mut grid: Vec<Vec<Shown>> = (0..labels.len())
        .map(|r| by_column.iter().map(|col| col.shown.cells[r]).collect())
        .collect();
    grid.push(by_column.iter().map(|col| col.shown.total).collect());
    let mut names = labels;
    names.push("Totaal".into());
    t.rows = names.into_iter().zip(grid).collect();
    Ok(t.finish(f, q))
}

/// The waiting list on a series of peildata, with a chart.
async fn waiting_over_time(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    id: &'static str,
    caption: String,
    days: &[NaiveDate],
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let columns = waiting_columns();
    let mut t = FigureTable::new(id, caption, "Peildatum", &columns);
    let mut grid = Vec::new();
    for day in days {
        let mut row = Vec::new();
        for c in &columns {
            let r = f.shown(s, u, *c, &f.on(*day, q)).await?;
            row.push(r.shown.total);
        }
        grid.push(row);
    }
    let labels: Vec<String> = days.iter().map(|d| dutch_long(*d)).collect();
    let series: Vec<Series> = [
        (1, "Actief wachtend"),
        (2, "Passief wachtend"),
        (3, "In screening"),
    ]
    .into_iter()
    .map(|(c, name)| Series {
        name: name.into(),
        values: grid.iter().map(|row| number_of(&row[c])).collect(),
    })
    .collect();
    t.chart = Some(line_chart(id, &t.caption, &labels, &series));
    t.rows = labels.into_iter().zip(grid).collect();
    Ok(t.finish(f, q))
}

/// One table from indicators broken down by one dimension, each column
/// suppressed on its own (used where columns are not parts of a whole).
#[allow(clippy::too_many_arguments)]
async fn breakdown_table(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    table: (&'static str, String, &str),
    columns: &[IndicatorId],
    dimension: Dimension,
    req: FigureRequest,
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let (id, caption, row_header) = table;
    let mut t = FigureTable::new(id, caption, row_header, columns);
    let mut results = Vec::new();
    for c in columns {
        let r = FigureRequest {
            uitsplitsing: Some(dimension.code().into()),
            ..req.clone()
        };
        results.push(f.shown(s, u, *c, &r).await?);
    }
    // Rows: every key any column has, in label order.
    let mut keys: Vec<(String, String)> = results
        .iter()
        .flat_map(|r| {
            r.shown
                .answer
                .cells
                .iter()
                .map(|c| (c.label.clone(), c.key.clone()))
        })
        .collect();
    keys.sort();
    keys.dedup();
    for (label, key) in &keys {
        let cells = results
            .iter()
            .map(|r| {
                r.shown
                    .answer
                    .cells
                    .iter()
                    .zip(&r.shown.cells)
                    .find(|(c, _)| &c.key == key)
                    .map(|(_, s)| *s)
                    .unwrap_or(plain(Value::Count(0)))
            })
            .collect();
        t.rows.push((label.clone(), cells));
    }
    t.rows.push((
        "Totaal".into(),
        results.iter().map(|r| r.shown.total).collect(),
    ));
    Ok(t.finish(f, q))
}

fn end_of_month(d: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    first
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// The ends of the twelve months up to `day` (the last one being `day`).
fn monthly(day: NaiveDate) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = (1..12)
        .rev()
        .filter_map(|m| day.checked_sub_months(Months::new(m)).map(end_of_month))
        .collect();
    out.push(day);
    out
}

/// Half-year ends (30 June, 31 December) on or before `day`, the last `n`.
fn half_year_ends(day: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut year = day.year();
    while out.len() < n {
        for (m, d) in [(12, 31), (6, 30)] {
            if let Some(end) = NaiveDate::from_ymd_opt(year, m, d)
                && end <= day
                && out.len() < n
            {
                out.push(end);
            }
        }
        year -= 1;
    }
    out.reverse();
    out
}

fn half_year_start(end: NaiveDate) -> NaiveDate {
    let month = if end.month() == 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(end.year(), month, 1).unwrap_or(end)
}

fn half_year_label(end: NaiveDate) -> String {
    format!(
        "{} {}",
        if end.month() == 6 {
            "1e halfjaar"
        } else {
            "2e halfjaar"
        },
        end.year()
    )
}

/// In- and outflow per half-year.
async fn flows(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    ends: &[NaiveDate],
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let columns = [
        IndicatorId::Instroom,
        IndicatorId::EersteInstroom,
        IndicatorId::Overplaatsingen,
        IndicatorId::Uitstroom,
        IndicatorId::UitstroomZelfstandig,
    ];
    let mut t = FigureTable::new(
        "in-en-uitstroom",
        "In- en uitstroom per halfjaar".into(),
        "Periode",
        &columns,
    );
    for end in ends {
        let req = f.between(half_year_start(*end), *end, q);
        let mut cells = Vec::new();
        for c in &columns {
            cells.push(f.shown(s, u, *c, &req).await?.shown.total);
        }
        t.rows.push((half_year_label(*end), cells));
    }
    Ok(t.finish(f, q))
}

/// Which table an export or page asks for.
async fn build(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    name: &str,
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let day = parse_day("peildatum", &q.peildatum)?.unwrap_or(f.today);
    let from = parse_day("periodeVan", &q.periode_van)?;
    let to = parse_day("periodeTot", &q.periode_tot)?;
    let last_half = half_year_ends(day, 1)[0];
    let (from, to) = (
        from.unwrap_or(half_year_start(last_half)),
        to.unwrap_or(last_half),
    );
    let needs_waiting = matches!(
        name,
        "wachtlijst-per-gemeente" | "wachtlijst-per-maand" | "wachtlijst-per-halfjaar"
    );
    if needs_waiting && !f.waiting_allowed() {
        return Err(PageError(DomainError::Forbidden(
            "de wachtlijstcijfers zijn niet per aanbieder beschikbaar".into(),
        )));
    }
    match name {
        "wachtlijst-per-gemeente" => waiting_by_municipality(f, s, u, day, q).await,
        "wachtlijst-per-maand" => {
            waiting_over_time(
                f,
                s,
                u,
                "wachtlijst-per-maand",
                "Wachtlijst per maand".into(),
                &monthly(day),
                q,
            )
            .await
        }
        "wachtlijst-per-halfjaar" => {
            waiting_over_time(
                f,
                s,
                u,
                "wachtlijst-per-halfjaar",
                "Wachtlijst per peildatum".into(),
                &half_year_ends(day, 6),
                q,
            )
            .await
        }
        "bezetting-per-product" => {
            breakdown_table(
                f,
                s,
                u,
                (
                    "bezetting-per-product",
                    format!("Bezetting en capaciteit per product op {}", dutch_long(day)),
                    "Product",
                ),
                &[
                    IndicatorId::Bezetting,
                    IndicatorId::Capaciteit,
                    IndicatorId::Bezettingsgraad,
                ],
                Dimension::Product,
                f.on(day, q),
                q,
            )
            .await
        }
        "verblijven-per-locatie" => {
            breakdown_table(
                f,
                s,
                u,
                (
                    "verblijven-per-locatie",
                    format!(
                        "Beëindigde verblijven per locatie, {} tot en met {}",
                        dutch_long(from),
                        dutch_long(to)
                    ),
                    "Locatie",
                ),
                &[
                    IndicatorId::PersonenUitgestroomd,
                    IndicatorId::Verblijfsduur,
                ],
                Dimension::Locatie,
                f.between(from, to, q),
                q,
            )
            .await
        }
        "in-en-uitstroom" => flows(f, s, u, &half_year_ends(day, 4), q).await,
        "indicator" => {
            let code = q.indicator.clone().unwrap_or_default();
            let id = IndicatorId::parse(&code)
                .ok_or_else(|| PageError(DomainError::NotFound(format!("indicator {code}"))))?;
            indicator_table(f, s, u, id, q).await
        }
        other => Err(PageError(DomainError::NotFound(format!("tabel {other}")))),
    }
}

async fn indicator_table(
    f: &Figures,
    s: &AppState,
    u: &PageUser,
    id: IndicatorId,
    q: &FigureQuery,
) -> PageResult<FigureTable> {
    let info = id.info();
    let req = FigureRequest {
        peildatum: q.peildatum.clone(),
        periode_van: q.periode_van.clone(),
        periode_tot: q.periode_tot.clone(),
        known_at: f.known_at,
        gemeente: q.gemeente_code.clone(),
        product: q.product_code.clone(),
        uitsplitsing: q.uitsplitsing.clone(),
        ..FigureRequest::default()
    };
    let r = f.shown(s, u, id, &req).await?;
    let when = match r.when {
        zothuis_domain::figures::When::On(d) => format!("op {}", dutch_long(d)),
        zothuis_domain::figures::When::Period(a, b) => {
            format!("van {} tot en met {}", dutch_long(a), dutch_long(b))
        }
    };
    let row_header = r
        .breakdown
        .map_or("".to_string(), |d| d.label().to_string());
    let mut t = FigureTable::new(
        "indicator",
        format!("{} {when}", info.name),
        &row_header,
        &[id],
    );
    for (c, shown) in r.shown.answer.cells.iter().zip(&r.shown.cells) {
        t.rows.push((c.label.clone(), vec![*shown]));
    }
    t.rows.push(("Totaal".into(), vec![r.shown.total]));
    Ok(t.finish(f, q))
}

pub struct Tile {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "figures.html")]
pub struct FiguresPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub form: FormBlock,
    pub tiles: Vec<Tile>,
    pub tables: Vec<FigureTable>,
    pub suppressed: Option<String>,
    pub links: Vec<Link>,
}

fn area_label(layout: &Layout) -> String {
    layout.user_scope.clone()
}

fn filter_form(action: &str, q: &FigureQuery, period: bool, f: &Figures) -> FormBlock {
    let mut fields = Vec::new();
    if period {
        fields.push(Field::date(
            "periodeVan",
            "Periode van",
            q.periode_van.clone().unwrap_or_default(),
        ));
        fields.push(Field::date(
            "periodeTot",
            "Periode tot en met",
            q.periode_tot.clone().unwrap_or_default(),
        ));
    }
    fields.push(
        Field::date(
            "peildatum",
            "Peildatum",
            q.peildatum.clone().unwrap_or_else(|| f.today.to_string()),
        )
        .hint("Standaard vandaag."),
    );
    if let Some(area) = &f.area
        && area.len() > 1
    {
        let mut options = vec![(String::new(), "Het hele gebied".to_string())];
        for code in area {
            let name = f
                .facts
                .names
                .municipality
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_string());
            options.push((code.to_string(), name));
        }
        fields.push(Field::select(
            "gemeenteCode",
            "Gemeente",
            q.gemeente_code.as_deref().unwrap_or(""),
            options,
        ));
    }
    let mut products: Vec<(String, String)> = f
        .facts
        .names
        .product
        .values()
        .map(|(code, name)| (code.clone(), name.clone()))
        .collect();
    products.sort_by(|a, b| a.1.cmp(&b.1));
    products.insert(0, (String::new(), "Alle producten".to_string()));
    fields.push(Field::select(
        "productCode",
        "Product",
        q.product_code.as_deref().unwrap_or(""),
        products,
    ));
    fields.push(
        Field::date("bekendOp", "Zoals bekend op", q.bekend_op.clone().unwrap_or_default())
            .hint("Leeg: zoals nu bekend. Een eerdere datum laat de cijfers zien zonder de correcties van daarna."),
    );
    FormBlock::get(action, "Toon cijfers", fields).anchor("filters")
}

fn suppressed_notice(f: &Figures) -> Option<String> {
    (f.threshold > 1).then(|| {
        format!(
            "U ziet cijfers zonder persoonsgegevens: aantallen van 1 tot {} staan er als \"<{}\". Een cel met \"{}\" is geen klein aantal, maar verborgen zodat een klein aantal elders niet uit de totalen is terug te rekenen. In de grafiek is een verborgen waarde een onderbreking van de lijn, geen nul.",
            f.threshold, f.threshold, SECONDARY_MARK
        )
    })
}

async fn dashboard(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<FigureQuery>,
) -> PageResult<Response> {
    let f = Figures::load(&s, &u, &q).await?;
    let day = parse_day("peildatum", &q.peildatum)?.unwrap_or(f.today);
    let layout = Layout::new(&s, &u, "Cijfers", Section::Figures).await;
    let mut tiles = Vec::new();
    let mut tile_ids = vec![
        IndicatorId::Bezetting,
        IndicatorId::Capaciteit,
        IndicatorId::Bezettingsgraad,
    ];
    if f.waiting_allowed() {
        let mut w = vec![
            IndicatorId::WachtendTotaal,
            IndicatorId::WachtendActief,
            IndicatorId::WachtendPassief,
            IndicatorId::InScreening,
            IndicatorId::WachttijdMediaan,
        ];
        w.append(&mut tile_ids);
        tile_ids = w;
    }
    for id in tile_ids {
        let r = f.shown(&s, &u, id, &f.on(day, &q)).await?;
        let unit = match id.info().unit {
            zothuis_domain::figures::Unit::Dagen => " dagen",
            _ => "",
        };
        let text = display(r.shown.total, f.threshold);
        tiles.push(Tile {
            label: id.info().name.into(),
            value: if text == "–" {
                text
            } else {
                format!("{text}{unit}")
            },
            href: format!("/cijfers/indicatoren/{}", id.code()),
        });
    }
    let mut tables = Vec::new();
    if f.waiting_allowed() {
        tables.push(build(&f, &s, &u, "wachtlijst-per-maand", &q).await?);
        if f.area.as_ref().is_none_or(|a| a.len() > 1) && q.gemeente_code.is_none() {
            tables.push(build(&f, &s, &u, "wachtlijst-per-gemeente", &q).await?);
        }
    }
    tables.push(build(&f, &s, &u, "bezetting-per-product", &q).await?);
    let page = FiguresPage {
        heading: "Cijfers".into(),
        intro: format!(
            "De cijfers van {} op {}, berekend uit de wachtlijst en de verblijven in zothuis.",
            area_label(&layout).to_lowercase(),
            dutch_long(day)
        ),
        layout,
        form: filter_form("/cijfers", &q, false, &f),
        tiles,
        tables,
        suppressed: suppressed_notice(&f),
        links: vec![
            link("/cijfers/tabellen", "Tabellen voor rapportages"),
            link("/cijfers/indicatoren", "Alle indicatoren met hun definitie"),
        ],
    };
    Ok(page.into_response())
}

async fn tables_page(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<FigureQuery>,
) -> PageResult<Response> {
    let f = Figures::load(&s, &u, &q).await?;
    let layout = Layout::new(&s, &u, "Tabellen", Section::Figures)
        .await
        .with_breadcrumbs(vec![link("/cijfers", "Cijfers")]);
    let mut tables = Vec::new();
    if f.waiting_allowed() {
        tables.push(build(&f, &s, &u, "wachtlijst-per-halfjaar", &q).await?);
    }
    tables.push(build(&f, &s, &u, "verblijven-per-locatie", &q).await?);
    tables.push(build(&f, &s, &u, "in-en-uitstroom", &q).await?);
    let page = FiguresPage {
        heading: "Tabellen voor rapportages".into(),
        intro: "De tabellen zoals ze in voortgangsrapportages staan: de wachtlijst per peildatum, verblijven per locatie en de in- en uitstroom per halfjaar. Elke tabel kan als CSV of Excel worden gedownload.".into(),
        layout,
        form: filter_form("/cijfers/tabellen", &q, true, &f),
        tiles: Vec::new(),
        tables,
        suppressed: suppressed_notice(&f),
        links: vec![link("/cijfers", "Terug naar het dashboard")],
    };
    Ok(page.into_response())
}

async fn catalogue_page(State(s): State<AppState>, u: PageUser) -> PageResult<Response> {
    s.services.figure_view(&u.ctx).await?;
    let layout = Layout::new(&s, &u, "Indicatoren", Section::Figures)
        .await
        .with_breadcrumbs(vec![link("/cijfers", "Cijfers")]);
    let rows = IndicatorId::ALL
        .iter()
        .map(|i| {
            let info = i.info();
            vec![
                link_cell(info.name, format!("/cijfers/indicatoren/{}", info.code)),
                cell(info.definition),
                cell(match info.timing {
                    Timing::Peildatum => "Op een peildatum",
                    Timing::Periode => "Over een periode",
                }),
            ]
        })
        .collect();
    Ok(TablePage {
        layout,
        heading: "Indicatoren".into(),
        intro: Some("Elk cijfer in zothuis met zijn definitie. Kies een indicator om de waarden te zien, uitgesplitst en als download.".into()),
        actions: Vec::new(),
        filters: None,
        table: Table {
            caption: "De indicatorencatalogus".into(),
            columns: columns(&["Indicator", "Definitie", "Gemeten"]),
            rows,
            empty: String::new(),
        },
        pager: None,
    }
    .into_response())
}

async fn indicator_page(
    State(s): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
    Query(mut q): Query<FigureQuery>,
) -> PageResult<Response> {
    let id = IndicatorId::parse(&code)
        .ok_or_else(|| PageError(DomainError::NotFound(format!("indicator {code}"))))?;
    let info = id.info();
    let f = Figures::load(&s, &u, &q).await?;
    q.indicator = Some(code.clone());
    if info.timing == Timing::Periode && q.periode_van.is_none() && q.periode_tot.is_none() {
        let end = half_year_ends(f.today, 1)[0];
        q.periode_van = Some(half_year_start(end).to_string());
        q.periode_tot = Some(end.to_string());
    }
    let layout = Layout::new(&s, &u, info.name, Section::Figures)
        .await
        .with_breadcrumbs(vec![
            link("/cijfers", "Cijfers"),
            link("/cijfers/indicatoren", "Indicatoren"),
        ]);
    let mut form = filter_form(
        &format!("/cijfers/indicatoren/{code}"),
        &q,
        info.timing == Timing::Periode,
        &f,
    );
    if info.timing == Timing::Periode {
        form.fields.retain(|field| field.name != "peildatum");
    }
    let mut options = vec![(String::new(), "Niet uitsplitsen".to_string())];
    options.extend(
        info.dimensions
            .iter()
            .map(|d| (d.code().to_string(), d.label().to_string())),
    );
    form.fields.push(Field::select(
        "uitsplitsing",
        "Uitsplitsen naar",
        q.uitsplitsing.as_deref().unwrap_or(""),
        options,
    ));
    let table = match indicator_table(&f, &s, &u, id, &q).await {
        Ok(t) => t,
        Err(PageError(DomainError::Invalid(errors))) => {
            let mut page = FormPage::new(layout, info.name, form);
            page.errors = page.form.apply_errors(&errors);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        Err(e) => return Err(e),
    };
    let page = FiguresPage {
        heading: info.name.into(),
        // The chosen breakdown says what it counts (the woongemeente is not
        // the responsible municipality).
        intro: match q.uitsplitsing.as_deref().and_then(Dimension::parse) {
            Some(d) => format!("{} {}: {}", info.definition, d.label(), d.definition()),
            None => info.definition.into(),
        },
        layout,
        form,
        tiles: Vec::new(),
        tables: vec![table],
        suppressed: suppressed_notice(&f),
        links: vec![link("/cijfers/indicatoren", "Alle indicatoren")],
    };
    Ok(page.into_response())
}

async fn export(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<FigureQuery>,
) -> PageResult<Response> {
    let f = Figures::load(&s, &u, &q).await?;
    let name = q.tabel.clone().unwrap_or_default();
    let table = build(&f, &s, &u, &name, &q).await?;
    let file = table.export();
    let stem = format!("{}-{}", table.id, f.today);
    match q.formaat.as_deref() {
        Some("xlsx") => {
            let bytes = to_xlsx(&file).map_err(DomainError::Internal)?;
            Ok(crate::export::attachment(
                crate::export::XLSX,
                &format!("{stem}.xlsx"),
                bytes,
            ))
        }
        Some("csv") | None => Ok(crate::export::attachment(
            crate::export::CSV,
            &format!("{stem}.csv"),
            to_csv(&file),
        )),
        Some(_) => Err(PageError(DomainError::invalid(
            "formaat",
            "kies csv of xlsx",
        ))),
    }
}
