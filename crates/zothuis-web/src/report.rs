//! The progress report as the web shows and prints it, and as PDF. Both come
//! from the one report model of the domain (`plan::report::Report`).

use crate::pages::{FormBlock, Layout, Link};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zothuis_domain::plan::report::{Report, ReportFigure};
use zothuis_domain::plan::reporting::FigureDifference;
use zothuis_domain::plan::text::{Block, Inline};
use zothuis_domain::plan::{Doel, Status};
use zothuis_domain::{DomainError, DomainResult};

/// Typesets the report as PDF, off the async threads.
pub async fn pdf(report: &Report) -> DomainResult<Vec<u8>> {
    let json = serde_json::to_string(report)
        .map_err(|e| DomainError::Internal(format!("rapportage: {e}")))?;
    tokio::task::spawn_blocking(move || zothuis_report_pdf::progress_report(&json))
        .await
        .map_err(|e| DomainError::Internal(format!("PDF maken: {e}")))?
        .map_err(DomainError::Internal)
}

/// Typesets a settlement statement as PDF (its texts as JSON, see
/// `zothuis_report_pdf::settlement`), off the async threads.
pub async fn settlement_pdf(statement_json: String) -> DomainResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || zothuis_report_pdf::settlement(&statement_json))
        .await
        .map_err(|e| DomainError::Internal(format!("PDF maken: {e}")))?
        .map_err(DomainError::Internal)
}

/// The answer to a request of access as PDF, from the JSON the API gives
/// (`api::privacy::Inzagedossier`), off the async threads.
pub async fn subject_access_pdf(dossier_json: String) -> DomainResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || zothuis_report_pdf::subject_access(&dossier_json))
        .await
        .map_err(|e| DomainError::Internal(format!("PDF maken: {e}")))?
        .map_err(DomainError::Internal)
}

/// "voortgangsrapportage-GV-2025-H2.pdf".
pub fn file_name(r: &Report) -> String {
    format!("voortgangsrapportage-{}-{}.pdf", r.regio, r.periode.code())
}

pub fn pdf_response(pdf: Vec<u8>, name: &str) -> Response {
    let mut resp = (StatusCode::OK, pdf).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn runs_html(parts: &[Inline]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Inline::Tekst { tekst } => escape(tekst),
            Inline::Nadruk { tekst } => format!("<em>{}</em>", escape(tekst)),
            // The parser only accepts http(s) addresses without spaces.
            Inline::Link { tekst, url } => {
                format!("<a href=\"{}\">{}</a>", escape(url), escape(tekst))
            }
        })
        .collect()
}

/// Paragraphs and lists as HTML; every text is escaped.
pub fn blocks_html(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| match b {
            Block::Alinea { delen } => format!("<p>{}</p>", runs_html(delen)),
            Block::Lijst { items } => format!(
                "<ul>{}</ul>",
                items
                    .iter()
                    .map(|i| format!("<li>{}</li>", runs_html(i)))
                    .collect::<String>()
            ),
        })
        .collect()
}

/// The badge of a status: ok, warn or muted.
pub fn status_badge(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::OpSchema | Status::Gerealiseerd) => "ok",
        Some(Status::Vertraagd) | None => "warn",
        Some(Status::Herijkt | Status::GeenPrioriteit) => "muted",
    }
}

pub struct MeasureView {
    pub anchor: String,
    pub nummer: String,
    pub titel: String,
    pub onderdelen: Vec<(String, String)>,
    pub status: String,
    pub badge: &'static str,
    pub gemeld: Option<String>,
    pub tekst: String,
    pub cijfers: Vec<ReportFigure>,
    pub besluiten: Vec<String>,
}

pub struct LineView {
    pub anchor: String,
    pub nummer: u32,
    pub titel: String,
    pub omschrijving: Option<String>,
    pub maatregelen: Vec<MeasureView>,
}

pub struct GoalView {
    pub anchor: String,
    pub doel: Doel,
    pub niveau: &'static str,
}

/// The report page: concept (with the publish form) or published (with the
/// figures that differ from today's).
#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub report: Report,
    pub lines: Vec<LineView>,
    pub goals: Vec<GoalView>,
    pub inleiding: String,
    pub brief: String,
    pub pdf_href: String,
    pub concept: bool,
    pub published_text: Option<String>,
    pub errors: Vec<Link>,
    pub forms: Vec<FormBlock>,
    pub differences: Vec<FigureDifference>,
    /// Regenerating gave other figures than the snapshot at publication.
    pub snapshot_mismatch: bool,
}

impl ReportPage {
    pub fn new(layout: Layout, report: Report, pdf_href: String) -> ReportPage {
        let lines = report
            .programmalijnen
            .iter()
            .map(|l| LineView {
                anchor: format!("programmalijn-{}", l.nummer),
                nummer: l.nummer,
                titel: l.titel.clone(),
                omschrijving: l.omschrijving.clone(),
                maatregelen: l
                    .maatregelen
                    .iter()
                    .map(|m| MeasureView {
                        anchor: format!("maatregel-{}", m.sleutel),
                        nummer: m.nummer.clone(),
                        titel: m.titel.clone(),
                        onderdelen: m
                            .onderdelen
                            .iter()
                            .map(|o| (o.letter.clone(), o.tekst.clone()))
                            .collect(),
                        status: m.status_naam.clone(),
                        badge: status_badge(m.status),
                        gemeld: match (&m.datum_tekst, &m.auteur) {
                            (Some(d), Some(a)) => Some(format!("{d} door {a}")),
                            _ => None,
                        },
                        tekst: blocks_html(&m.tekst),
                        cijfers: m.cijfers.clone(),
                        besluiten: m.besluiten.clone(),
                    })
                    .collect(),
            })
            .collect();
        let goals = report
            .doelen
            .iter()
            .map(|d| GoalView {
                anchor: format!("doel-{}", d.code),
                doel: d.clone(),
                niveau: d.niveau.label(),
            })
            .collect();
        ReportPage {
            layout,
            inleiding: blocks_html(&report.inleiding),
            brief: blocks_html(&report.raadsinformatiebrief.tekst),
            published_text: report
                .gepubliceerd
                .as_ref()
                .map(|p| format!("{} door {}", p.op_tekst, p.door)),
            concept: report.gepubliceerd.is_none(),
            report,
            lines,
            goals,
            pdf_href,
            errors: Vec::new(),
            forms: Vec::new(),
            differences: Vec::new(),
            snapshot_mismatch: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zothuis_domain::plan::text::blocks;

    #[test]
    fn text_is_escaped_and_only_web_links_become_links() {
        let html = blocks_html(&blocks(
            "<script>alert(1)</script> & *nadruk*\n\n- [zie](https://a.nl/?x=\"y\")\n- [nee](javascript:alert(1))",
        ));
        assert!(
            html.starts_with("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; <em>nadruk</em></p>")
        );
        assert!(html.contains("<a href=\"https://a.nl/?x=&quot;y&quot;\">zie</a>"));
        assert!(!html.contains("href=\"javascript"));
    }
}
