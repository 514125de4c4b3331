//! Typesets a zothuis report as PDF inside the process: a Typst template
//! embedded in the binary reads the report as JSON, with fonts embedded too,
//! so no external program or font installation is needed at run time.
//!
//! All report text reaches Typst as JSON data, never as markup, so nothing a
//! user writes can change the layout or run Typst code.

use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The template of the progress report (voortgangsrapportage).
pub const PROGRESS_REPORT: &str = include_str!("voortgangsrapportage.typ");

/// The template of a settlement statement between municipalities
/// (verrekening): a title, facts, one table and notes, all text given.
pub const SETTLEMENT: &str = include_str!("verrekening.typ");

/// The template of the answer to a request of access (AVG art. 15).
pub const SUBJECT_ACCESS: &str = include_str!("inzage.typ");

/// Where the template finds the report.
const DATA_PATH: &str = "/rapport.json";

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("pad {path}: {e:?}"))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// One compilation: the template and the report data.
struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Reports print their own dates; the template never asks for today,
        // so that the same report always gives the same PDF.
        None
    }
}

fn describe(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets `template` with `data_json` available at `/rapport.json`.
/// Errors are for the log: they mean the template and the data disagree.
pub fn render(template: &str, data_json: &str) -> Result<Vec<u8>, String> {
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ")?, template.to_string()),
        data_id: file_id(DATA_PATH)?,
        data: Bytes::new(data_json.as_bytes().to_vec()),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| format!("opmaak mislukt: {}", describe(&e)))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|e| format!("PDF maken mislukt: {}", describe(&e)))
}

/// The progress report as PDF.
pub fn progress_report(report_json: &str) -> Result<Vec<u8>, String> {
    render(PROGRESS_REPORT, report_json)
}

/// A settlement statement as PDF: `statement_json` holds `titel`, `regio`,
/// `gegevens` (label and value pairs), `kolommen`, `regels` (a row of
/// texts per municipality), `totaal` and `opmerkingen`.
pub fn settlement(statement_json: &str) -> Result<Vec<u8>, String> {
    render(SETTLEMENT, statement_json)
}

/// The answer to a request of access as PDF: `dossier_json` is the JSON the
/// API gives (`titel`, `gegevens` as label and value pairs, `toelichting`,
/// and `onderdelen` each with `titel`, `leeg`, `kolommen` as key and
/// heading pairs, and `regels` as objects by key).
pub fn subject_access(dossier_json: &str) -> Result<Vec<u8>, String> {
    render(SUBJECT_ACCESS, dossier_json)
}
