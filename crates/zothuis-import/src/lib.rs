//! Reads the files of an import into tables: CSV (UTF-8, or Windows-1252 as
//! Excel writes it on Dutch Windows; `;`, `,` or tab as separator) and XLSX
//! workbooks (one sheet per table). The table is named after the file or
//! sheet (`clienten.csv`, sheet `wachtlijst`). Problems are reported in Dutch;
//! nothing here panics on any input.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;
use zothuis_domain::import::{Problem, Row, Table, TableKind};

/// Files larger than this are refused before parsing (an import of a
/// region's history is far smaller).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

/// Reads every file; on any problem, returns all problems found.
pub fn read_files(files: &[(String, Vec<u8>)]) -> Result<Vec<Table>, Vec<Problem>> {
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in files {
        match read_file(name, bytes) {
            Ok(mut t) => tables.append(&mut t),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(tables)
    } else {
        Err(problems)
    }
}

/// Reads one file: a workbook by its extension or content, else CSV.
pub fn read_file(name: &str, bytes: &[u8]) -> Result<Vec<Table>, Vec<Problem>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![Problem::file(
            name,
            format!(
                "het bestand is groter dan {} MB; splits het op",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        )]);
    }
    let lower = name.to_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(name, bytes);
    }
    if lower.ends_with(".xls") {
        return Err(vec![Problem::file(
            name,
            "het oude Excel-formaat (.xls) wordt niet gelezen; sla het op als .xlsx of als CSV",
        )]);
    }
    let Some(kind) = TableKind::from_name(name) else {
        return Err(vec![unknown_table(name)]);
    };
    read_csv(kind, name, bytes).map(|t| vec![t])
}

fn unknown_table(name: &str) -> Problem {
    let names: Vec<_> = TableKind::ALL.iter().map(|k| k.name()).collect();
    Problem::file(
        name,
        format!(
            "onbekende tabel; noem het bestand of werkblad {}",
            names.join(", ")
        ),
    )
}

/// Text of a CSV file: UTF-8 (with or without byte-order mark), else
/// Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator: the one of `;`, `,` and tab that occurs most in the header.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|s| header.bytes().filter(|b| b == s).count())
        .unwrap_or(b';')
}

pub fn read_csv(kind: TableKind, source: &str, bytes: &[u8]) -> Result<Table, Vec<Problem>> {
    let (header, rows) = csv_grid(source, bytes)?;
    Ok(Table {
        kind,
        source: source.to_string(),
        header,
        rows,
    })
}

/// One sheet of cells as read, before any meaning: its source (file, and
/// sheet of a workbook), header and rows.
pub type Grid = (String, Vec<String>, Vec<Row>);

/// Reads a file that holds one table of a kind the caller knows (a budget):
/// a CSV file, or the first sheet of a workbook.
pub fn read_grid(name: &str, bytes: &[u8]) -> Result<Grid, Vec<Problem>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![Problem::file(
            name,
            format!(
                "het bestand is groter dan {} MB; splits het op",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        )]);
    }
    let lower = name.to_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        return xlsx_grids(name, bytes)?
            .into_iter()
            .next()
            .map(|(_, grid)| grid)
            .ok_or_else(|| vec![Problem::file(name, "het werkboek heeft geen werkblad")]);
    }
    let (header, rows) = csv_grid(name, bytes)?;
    Ok((name.to_string(), header, rows))
}

fn csv_grid(source: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>), Vec<Problem>> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // Line numbers from byte offsets: the reader's own count skips blank lines.
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // A record's position may point at blank lines before it: skip them.
    let line_at = |byte: u64| {
        let start = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        let skip = text.as_bytes()[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        newlines.partition_point(|n| *n < start + skip) + 1
    };
    let mut header = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte()));
                return Err(vec![Problem {
                    line,
                    ..Problem::file(
                        source,
                        "het bestand is geen geldige CSV (controleer aanhalingstekens)",
                    )
                }]);
            }
        };
        let line = record
            .position()
            .map_or(rows.len() + 2, |p| line_at(p.byte()));
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push(Row { line, cells });
        }
    }
    let Some(header) = header else {
        return Err(vec![Problem::file(source, "het bestand is leeg")]);
    };
    Ok((header, rows))
}

fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers (a BSN or a year typed as a number) without ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nee" }.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("de cel bevat een Excel-fout ({e})")),
    })
}

pub fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Vec<Table>, Vec<Problem>> {
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    for (sheet, (source, header, rows)) in xlsx_grids(name, bytes)? {
        match TableKind::from_name(&sheet) {
            Some(kind) => tables.push(Table {
                kind,
                source,
                header,
                rows,
            }),
            None => problems.push(unknown_table(&source)),
        }
    }
    if problems.is_empty() {
        Ok(tables)
    } else {
        Err(problems)
    }
}

/// Every sheet of a workbook with its name, as cells.
fn xlsx_grids(name: &str, bytes: &[u8]) -> Result<Vec<(String, Grid)>, Vec<Problem>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| {
        vec![Problem::file(
            name,
            "het bestand is geen leesbaar Excel-werkboek (.xlsx)",
        )]
    })?;
    let mut grids = Vec::new();
    let mut problems = Vec::new();
    for sheet in book.sheet_names() {
        let source = format!("{name}, werkblad {sheet}");
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(_) => {
                problems.push(Problem::file(&source, "het werkblad is niet leesbaar"));
                continue;
            }
        };
        // Line numbers as Excel shows them: the range may start below row 1.
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut header = None;
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let line = first_row + i + 1;
            let mut cells = Vec::with_capacity(r.len());
            for (c, cell) in r.iter().enumerate() {
                match cell_text(cell) {
                    Ok(t) => cells.push(t),
                    Err(m) => {
                        problems.push(Problem {
                            line: Some(line),
                            column: Some(format!("{}", c + 1)),
                            ..Problem::file(&source, m)
                        });
                        cells.push(String::new());
                    }
                }
            }
            if header.is_none() {
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    header = Some(cells);
                }
            } else if cells.iter().any(|c| !c.trim().is_empty()) {
                rows.push(Row { line, cells });
            }
        }
        match header {
            Some(header) => grids.push((sheet.clone(), (source, header, rows))),
            None => problems.push(Problem::file(&source, "het werkblad is leeg")),
        }
    }
    if problems.is_empty() {
        Ok(grids)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_a_bom_reads_with_line_numbers() {
        let bytes = "\u{feff}clientnummer;voornaam\n1;Anna\n\n2;\"Jan; de\"\n".as_bytes();
        let t = read_csv(TableKind::Clienten, "clienten.csv", bytes).unwrap();
        assert_eq!(t.header[0], "clientnummer");
        assert_eq!(t.header[1], "voornaam");
        assert_eq!(t.rows.len(), 2);
        assert_eq!((t.rows[0].line, t.rows[1].line), (2, 4));
        assert_eq!(t.rows[1].cells[1], "Jan; de");
    }

    #[test]
    fn windows_1252_text_is_decoded() {
        let bytes = b"clientnummer,achternaam\n1,Ber\xebn\n";
        let t = read_csv(TableKind::Clienten, "clienten.csv", bytes).unwrap();
        assert_eq!(t.rows[0].cells[1], "Berën");
    }

    #[test]
    fn unknown_files_and_broken_workbooks_are_problems_not_panics() {
        let p = read_file("overig.csv", b"a;b\n").unwrap_err();
        assert!(p[0].to_string().contains("onbekende tabel"));
        let p = read_file("data.xlsx", b"PK\x03\x04 rubbish").unwrap_err();
        assert!(p[0].message.contains("geen leesbaar Excel-werkboek"));
        assert!(read_file("clienten.csv", b"").is_err());
    }

    #[test]
    fn a_workbook_gives_one_table_per_sheet_with_dates_and_numbers_as_text() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let date = Format::new().set_num_format("dd-mm-yyyy");
        let s = book.add_worksheet();
        s.set_name("clienten").unwrap();
        s.write(0, 0, "clientnummer").unwrap();
        s.write(0, 1, "bsn").unwrap();
        s.write(0, 2, "geboortedatum").unwrap();
        s.write(1, 0, 7).unwrap();
        s.write(1, 1, 999990019).unwrap();
        s.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(1980, 3, 14).unwrap(), &date)
            .unwrap();
        let w = book.add_worksheet();
        w.set_name("Wachtlijst").unwrap();
        w.write(0, 0, "beschikkingsnummer").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let tables = read_file("overzicht.xlsx", &bytes).unwrap();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].kind, TableKind::Clienten);
        assert_eq!(
            tables[0].rows[0].cells,
            ["7", "999990019", "1980-03-14"].map(String::from).to_vec()
        );
        assert_eq!(tables[0].rows[0].line, 2);
        assert_eq!(tables[1].kind, TableKind::Wachtlijst);
        assert!(tables[1].rows.is_empty());
    }
}
