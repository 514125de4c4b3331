//! Tables as files: CSV as Dutch Excel opens it (UTF-8 with BOM, `;`
//! between fields, decimal comma) and XLSX (rust_xlsxwriter), with numbers
//! as numbers and hidden small numbers as the text the screen shows.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of the CSV files (`to_csv`).
pub const CSV: &str = "text/csv; charset=utf-8";

/// A file to download: `body` as `content_type`, saved as `file_name`.
pub fn attachment(content_type: &str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExportCell {
    Text(String),
    Number(f64),
    /// An amount in euro cents: `1234,56` in CSV, a number with two
    /// decimals in Excel, so that it adds up without rounding.
    Cents(i64),
}

#[derive(Debug, Clone)]
pub struct ExportTable {
    /// Also the sheet name (shortened to Excel's 31 characters).
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<ExportCell>>,
    /// Lines under the table: definitions, peildatum, suppression.
    pub notes: Vec<String>,
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn dutch(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}").replace('.', ",")
    }
}

pub fn to_csv(t: &ExportTable) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(";")
    };
    out.push_str(&line(t.header.clone()));
    out.push_str("\r\n");
    for row in &t.rows {
        let cells = row
            .iter()
            .map(|c| match c {
                ExportCell::Text(s) => s.clone(),
                ExportCell::Number(n) => dutch(*n),
                ExportCell::Cents(c) => {
                    let sign = if *c < 0 { "-" } else { "" };
                    let a = c.unsigned_abs();
                    format!("{sign}{},{:02}", a / 100, a % 100)
                }
            })
            .collect();
        out.push_str(&line(cells));
        out.push_str("\r\n");
    }
    for n in &t.notes {
        out.push_str("\r\n");
        out.push_str(&csv_field(n));
    }
    out.into_bytes()
}

pub fn to_xlsx(t: &ExportTable) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name: String = t
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(name.trim()).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in t.header.iter().enumerate() {
        let col = u16::try_from(c).map_err(|e| e.to_string())?;
        sheet
            .write_string_with_format(0, col, h, &bold)
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let line = u32::try_from(r + 1).map_err(|e| e.to_string())?;
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| e.to_string())?;
            match cell {
                ExportCell::Text(s) => sheet.write_string(line, col, s),
                ExportCell::Number(n) => sheet.write_number(line, col, *n),
                // The amount in euros, shown with two decimals.
                ExportCell::Cents(c) => {
                    sheet.write_number_with_format(line, col, *c as f64 / 100.0, &money)
                }
            }
            .map_err(|e| e.to_string())?;
        }
    }
    let first = u32::try_from(t.rows.len() + 2).map_err(|e| e.to_string())?;
    for (line, n) in (first..).zip(&t.notes) {
        sheet.write_string(line, 0, n).map_err(|e| e.to_string())?;
    }
    sheet.autofit();
    book.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ExportTable {
        ExportTable {
            title: "Wachtlijst per gemeente".into(),
            header: vec!["Gemeente".into(), "Actief".into(), "Wachttijd".into()],
            rows: vec![
                vec![
                    ExportCell::Text("Huizen; Blaricum".into()),
                    ExportCell::Number(12.0),
                    ExportCell::Number(99.5),
                ],
                vec![
                    ExportCell::Text("Laren".into()),
                    ExportCell::Text("<5".into()),
                    ExportCell::Text("–".into()),
                ],
                vec![
                    ExportCell::Text("Bedrag".into()),
                    ExportCell::Cents(123_456),
                    ExportCell::Cents(-5),
                ],
            ],
            notes: vec!["Peildatum 31-12-2025".into()],
        }
    }

    #[test]
    fn csv_is_what_dutch_excel_expects() {
        let csv = String::from_utf8(to_csv(&table())).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("\"Huizen; Blaricum\";12;99,5\r\n"));
        assert!(csv.contains("Laren;<5;–\r\n"));
        assert!(csv.contains("Bedrag;1234,56;-0,05\r\n"));
        assert!(csv.ends_with("Peildatum 31-12-2025"));
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let bytes = to_xlsx(&table()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
