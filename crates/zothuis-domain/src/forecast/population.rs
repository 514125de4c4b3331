//! Population forecasts per municipality, year and age band, loaded as
//! data. The format is zothuis's own, documented here and in the README:
//! a CSV file (comma or semicolon, UTF-8, a header row) with the columns
//!
//! `gemeentecode,jaar,leeftijdsklasse,inwoners`
//!
//! - `gemeentecode`: the CBS code (`GM0392`, or the four digits);
//! - `jaar`: 2000 to 2100;
//! - `leeftijdsklasse`: `18-26` (both ages included) or `65+`;
//! - `inwoners`: a whole number, the residents of that band on 1 January.
//!
//! A municipality, year and band appear once; the bands of one
//! municipality and year do not overlap. Every error names its line.

use crate::reference::GemeenteCode;
use std::collections::BTreeMap;

/// An age band: from and to (inclusive); `to` none for "65+".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgeBand {
    pub from: u8,
    pub to: Option<u8>,
}

impl AgeBand {
    pub fn parse(text: &str) -> Option<AgeBand> {
        let t = text.trim();
        if let Some(from) = t.strip_suffix('+') {
            return Some(AgeBand {
                from: from.trim().parse().ok()?,
                to: None,
            });
        }
        let (a, b) = t.split_once('-')?;
        let (from, to): (u8, u8) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        (from <= to).then_some(AgeBand { from, to: Some(to) })
    }

    pub fn label(&self) -> String {
        match self.to {
            Some(to) => format!("{}-{to}", self.from),
            None => format!("{}+", self.from),
        }
    }

    pub fn contains(&self, age: u8) -> bool {
        age >= self.from && self.to.is_none_or(|t| age <= t)
    }

    fn overlaps(&self, other: &AgeBand) -> bool {
        let end = |b: &AgeBand| b.to.unwrap_or(u8::MAX);
        self.from <= end(other) && other.from <= end(self)
    }
}

/// The residents per municipality, year and band.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Population {
    pub rows: BTreeMap<(GemeenteCode, i32, AgeBand), u64>,
}

impl Population {
    /// The rows of one municipality, by band and year (read once, so that
    /// a model reads them without searching the whole file).
    pub fn of(&self, gemeente: &GemeenteCode) -> Residents {
        let lowest = AgeBand { from: 0, to: None };
        let mut by_band: BTreeMap<AgeBand, BTreeMap<i32, u64>> = BTreeMap::new();
        for ((_, year, band), n) in self
            .rows
            .range((gemeente.clone(), i32::MIN, lowest)..)
            .take_while(|((g, _, _), _)| g == gemeente)
        {
            by_band.entry(*band).or_default().insert(*year, *n);
        }
        Residents { by_band }
    }

    /// The residents of a band in a year (see `Residents::get`).
    pub fn residents(&self, gemeente: &GemeenteCode, year: i32, band: &AgeBand) -> u64 {
        self.of(gemeente).get(year, band)
    }

    /// The bands of a municipality, in order.
    pub fn bands(&self, gemeente: &GemeenteCode) -> Vec<AgeBand> {
        self.of(gemeente).bands()
    }
}

/// The residents of one municipality by band and year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Residents {
    by_band: BTreeMap<AgeBand, BTreeMap<i32, u64>>,
}

impl Residents {
    /// The residents of a band in a year; a year beyond the file takes its
    /// last year, a year before it its first (the forecast shows which
    /// years the file covers).
    pub fn get(&self, year: i32, band: &AgeBand) -> u64 {
        let Some(years) = self.by_band.get(band) else {
            return 0;
        };
        years
            .range(..=year)
            .next_back()
            .or_else(|| years.iter().next())
            .map_or(0, |(_, n)| *n)
    }

    pub fn bands(&self) -> Vec<AgeBand> {
        self.by_band.keys().copied().collect()
    }
}

/// A population forecast as stored: a region's file with where its
/// numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationForecast {
    pub id: i64,
    pub region_id: i64,
    pub name: String,
    /// Where the numbers come from (CBS, the province, an invented demo).
    pub source: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub uploaded_by: String,
    /// The first and last year, the municipalities and rows in it.
    pub years: (i32, i32),
    pub municipalities: u32,
    pub rows: u32,
}

/// A population forecast before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPopulation {
    pub region_id: i64,
    pub name: String,
    pub source: String,
}

impl Population {
    /// The first and last year and the number of municipalities.
    pub fn extent(&self) -> ((i32, i32), u32) {
        let years = self.rows.keys().map(|(_, y, _)| *y);
        let first = years.clone().min().unwrap_or(0);
        let last = years.max().unwrap_or(0);
        let mut codes: Vec<&GemeenteCode> = self.rows.keys().map(|(g, _, _)| g).collect();
        codes.dedup();
        (
            (first, last),
            u32::try_from(codes.len()).unwrap_or(u32::MAX),
        )
    }

    /// The residents of a municipality in a year, all bands together.
    pub fn total(&self, gemeente: &GemeenteCode, year: i32) -> u64 {
        let r = self.of(gemeente);
        r.bands().iter().map(|b| r.get(year, b)).sum()
    }
}

/// An error in the file, at its line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

const COLUMNS: [&str; 4] = ["gemeentecode", "jaar", "leeftijdsklasse", "inwoners"];

/// Reads a population forecast; every line with an error is named.
pub fn parse(text: &str) -> Result<Population, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().enumerate();
    let mut errors = Vec::new();
    let Some((_, header)) = lines.next() else {
        return Err(vec![LineError {
            line: 1,
            message: "het bestand is leeg; verwacht een kopregel met gemeentecode,jaar,leeftijdsklasse,inwoners".into(),
        }]);
    };
    let sep = if header.contains(';') { ';' } else { ',' };
    let names: Vec<String> = header
        .split(sep)
        .map(|c| c.trim().trim_matches('"').to_lowercase())
        .collect();
    if names != COLUMNS {
        return Err(vec![LineError {
            line: 1,
            message: format!(
                "de kopregel moet {} zijn, niet {}",
                COLUMNS.join(","),
                names.join(",")
            ),
        }]);
    }
    let mut out = Population::default();
    for (i, raw) in lines {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = raw.split(sep).map(|c| c.trim().trim_matches('"')).collect();
        let mut bad = |message: String| errors.push(LineError { line, message });
        if cells.len() != 4 {
            bad(format!("verwacht 4 kolommen, niet {}", cells.len()));
            continue;
        }
        let code = if cells[0].len() == 4 {
            format!("GM{}", cells[0])
        } else {
            cells[0].to_uppercase()
        };
        let gemeente = GemeenteCode::parse(&code).ok();
        let year = cells[1]
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        let band = AgeBand::parse(cells[2]);
        let residents = cells[3].replace('.', "").parse::<u64>().ok();
        if gemeente.is_none() {
            bad(format!(
                "{:?} is geen CBS-gemeentecode (GM0392 of 0392)",
                cells[0]
            ));
        }
        if year.is_none() {
            bad(format!(
                "{:?} is geen jaar van 2000 tot en met 2100",
                cells[1]
            ));
        }
        if band.is_none() {
            bad(format!(
                "{:?} is geen leeftijdsklasse (18-26 of 65+)",
                cells[2]
            ));
        }
        if residents.is_none() {
            bad(format!("{:?} is geen aantal inwoners", cells[3]));
        }
        let (Some(g), Some(y), Some(b), Some(n)) = (gemeente, year, band, residents) else {
            continue;
        };
        if out.rows.contains_key(&(g.clone(), y, b)) {
            bad(format!(
                "{} {y} {} staat er al eerder in",
                g.as_str(),
                b.label()
            ));
            continue;
        }
        if let Some(other) = out
            .rows
            .keys()
            .find(|(og, oy, ob)| *og == g && *oy == y && ob.overlaps(&b))
        {
            bad(format!(
                "leeftijdsklasse {} overlapt {} voor {} in {y}",
                b.label(),
                other.2.label(),
                g.as_str()
            ));
            continue;
        }
        out.rows.insert((g, y, b), n);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_is_read_with_both_separators_and_a_year_beyond_takes_the_last() {
        let p = parse(
            "gemeentecode;jaar;leeftijdsklasse;inwoners\n\
             GM0392;2025;18-26;20000\n\
             0392;2025;27-64;90.000\n\
             GM0392;2040;18-26;21000\n",
        )
        .unwrap();
        let haarlem = GemeenteCode::parse("GM0392").unwrap();
        let young = AgeBand::parse("18-26").unwrap();
        assert_eq!(p.residents(&haarlem, 2025, &young), 20_000);
        assert_eq!(p.residents(&haarlem, 2045, &young), 21_000, "the last year");
        assert_eq!(
            p.residents(&haarlem, 2020, &young),
            20_000,
            "the first year"
        );
        assert_eq!(p.bands(&haarlem).len(), 2);
        assert!(AgeBand::parse("65+").unwrap().contains(90));
        assert!(!young.contains(27));
    }

    #[test]
    fn each_bad_line_is_named() {
        let errors = parse(
            "gemeentecode,jaar,leeftijdsklasse,inwoners\n\
             GM0392,2025,18-26,20000\n\
             XX,1800,26-18,veel\n\
             GM0392,2025,18-26,1\n\
             GM0392,2025,20-30,1\n\
             GM0392,2025\n",
        )
        .unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 3, 3, 3, 4, 5, 6], "{errors:?}");
        assert!(errors[4].message.contains("al eerder"));
        assert!(errors[5].message.contains("overlapt"));
        assert!(parse("a,b\n").unwrap_err()[0].message.contains("kopregel"));
        assert!(parse("").is_err());
    }
}
