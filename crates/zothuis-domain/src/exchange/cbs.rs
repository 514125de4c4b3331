//! The CBS Monitor Dakloosheid, part maatschappelijke opvang: the persons
//! in emergency accommodation and in temporary accommodation for the
//! homeless (ETHOS Light categories 2 and 3, FEANTSA 2017), delivered by
//! the centrumgemeente per calendar year at BSN level; CBS links the BSN to
//! the BRP and pseudonymises it itself. Beschermd wonen and vrouwenopvang
//! are not part of the monitor (VNG/CBS, aankondiging Monitor Dakloosheid
//! 2024). CBS's own delivery specification could not be consulted here:
//! the file is a CSV of our own design, one row per person and period
//! (`COLUMNS`, README "CBS Monitor Dakloosheid").

use crate::care::{ExitDestination, Stay};
use crate::reference::GemeenteCode;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The ETHOS Light categories zothuis can know from its stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ethos {
    /// 2: people in emergency accommodation (night shelter, crisis shelter).
    Noodopvang,
    /// 3: people in accommodation for the homeless (shelter, temporary
    /// supported housing, and women's shelter).
    TijdelijkeOpvang,
}

impl Ethos {
    pub fn number(self) -> u8 {
        match self {
            Ethos::Noodopvang => 2,
            Ethos::TijdelijkeOpvang => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Ethos::Noodopvang => "2 – Noodopvang",
            Ethos::TijdelijkeOpvang => "3 – Tijdelijke opvang voor dakloze mensen",
        }
    }
}

/// Which products count in which category, by product code: reference data
/// each installation sets for its own products (configuration `[cbs]`).
#[derive(Debug, Clone, PartialEq)]
pub struct EthosMapping {
    /// ETHOS Light 2: nachtopvang, passantenverblijf, crisisopvang.
    pub noodopvang: Vec<String>,
    /// ETHOS Light 3: daklozen-, jongeren- and gezinsopvang, tijdelijk
    /// begeleid wonen.
    pub tijdelijke_opvang: Vec<String>,
    /// ETHOS Light 3 as well, but not in the CBS monitor.
    pub vrouwenopvang: Vec<String>,
}

impl Default for EthosMapping {
    /// The demo's products.
    fn default() -> Self {
        EthosMapping {
            noodopvang: vec!["MO-CRISIS".into()],
            tijdelijke_opvang: vec!["MO-DAK".into(), "MO-JONG".into()],
            vrouwenopvang: vec!["VO".into()],
        }
    }
}

impl EthosMapping {
    /// The category of a product in ETHOS Light, and whether the CBS
    /// monitor counts it.
    pub fn of(&self, code: &str) -> Option<(Ethos, bool)> {
        let has = |list: &[String]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        if has(&self.noodopvang) {
            Some((Ethos::Noodopvang, true))
        } else if has(&self.tijdelijke_opvang) {
            Some((Ethos::TijdelijkeOpvang, true))
        } else if has(&self.vrouwenopvang) {
            Some((Ethos::TijdelijkeOpvang, false))
        } else {
            None
        }
    }

    /// A code in two lists is a mistake in the configuration.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for code in self
            .noodopvang
            .iter()
            .chain(&self.tijdelijke_opvang)
            .chain(&self.vrouwenopvang)
        {
            if !seen.insert(code.to_ascii_uppercase()) {
                return Err(format!(
                    "productcode {code} staat in meer dan één categorie"
                ));
            }
        }
        Ok(())
    }
}

/// The columns of the file, in order.
pub const COLUMNS: [&str; 9] = [
    "Aanmaakdatum_bestand",
    "Gemeentecode",
    "Periode_begin",
    "Periode_eind",
    "BSN",
    "ETHOS_categorie",
    "Datum_begin_opvang",
    "Datum_einde_opvang",
    "Reden_beeindiging",
];

/// One person in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub bsn: String,
    /// The responsible municipality of the person's last stay in the period.
    pub municipality: GemeenteCode,
    /// The category of that stay.
    pub category: Ethos,
    /// The first day in shelter in the period (the earliest start of the
    /// stays counted, which may lie before the period).
    pub first_start: NaiveDate,
    /// The day the last stay ended, if it ended by the period's end.
    pub last_end: Option<NaiveDate>,
    /// Where the person went then (zothuis's exit destination).
    pub exit: Option<ExitDestination>,
}

/// The delivery: the rows, and what the summary says.
#[derive(Debug, Clone, PartialEq)]
pub struct Extract {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub made_on: NaiveDate,
    pub rows: Vec<Row>,
    /// Persons in the categories without a BSN: not delivered (CBS counts
    /// persons with a BSN).
    pub without_bsn: usize,
    /// Persons per category with a stay in it in the period; a person in
    /// both counts in both, and once in `rows`.
    pub per_category: BTreeMap<Ethos, usize>,
}

impl Extract {
    /// Persons per municipality and category (of the row), for the summary.
    pub fn per_municipality(&self) -> BTreeMap<(GemeenteCode, Ethos), usize> {
        let mut out = BTreeMap::new();
        for r in &self.rows {
            *out.entry((r.municipality.clone(), r.category)).or_insert(0) += 1;
        }
        out
    }

    /// The file: a header, then one row per person, comma-separated (RFC
    /// 4180), dates as yyyy-mm-dd, CR/LF.
    pub fn csv(&self) -> String {
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut out = COLUMNS.join(",");
        out.push_str("\r\n");
        for r in &self.rows {
            let fields = [
                date(self.made_on),
                r.municipality.as_str().trim_start_matches("GM").to_string(),
                date(self.from),
                date(self.to),
                r.bsn.clone(),
                r.category.number().to_string(),
                date(r.first_start),
                r.last_end.map(date).unwrap_or_default(),
                r.exit.map(|e| e.code().to_string()).unwrap_or_default(),
            ];
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// The persons with a stay in a category of the monitor that ran in the
/// period (at least one day in shelter: begun by its last day, left after
/// its first, the day of leaving not in shelter), one row each however
/// many stays they had. `product_code` names each stay's product, `bsn`
/// each client's BSN (none: not delivered).
pub fn extract(
    stays: &[Stay],
    product_code: &HashMap<i64, String>,
    bsn: &HashMap<i64, Option<String>>,
    mapping: &EthosMapping,
    from: NaiveDate,
    to: NaiveDate,
    made_on: NaiveDate,
) -> Extract {
    let mut by_client: BTreeMap<i64, Vec<(&Stay, Ethos)>> = BTreeMap::new();
    for s in stays {
        let Some((category, true)) = product_code.get(&s.product_id).and_then(|c| mapping.of(c))
        else {
            continue;
        };
        if s.start_date <= to && s.end_date.is_none_or(|e| e > from) {
            by_client
                .entry(s.client_id)
                .or_default()
                .push((s, category));
        }
    }
    let mut rows = Vec::new();
    let mut without_bsn = 0;
    let mut per_category: BTreeMap<Ethos, usize> = BTreeMap::new();
    for (client, mut list) in by_client {
        let mut categories: Vec<Ethos> = list.iter().map(|(_, c)| *c).collect();
        categories.sort();
        categories.dedup();
        for c in categories {
            *per_category.entry(c).or_insert(0) += 1;
        }
        let Some(Some(number)) = bsn.get(&client) else {
            without_bsn += 1;
            continue;
        };
        list.sort_by_key(|(s, _)| (s.start_date, s.id));
        let first_start = list.iter().map(|(s, _)| s.start_date).min().unwrap_or(from);
        let Some((last, category)) = list.last() else {
            continue;
        };
        // Ended by the period's end: the latest end among the stays; one
        // still running (or running on after the period) has none.
        let ended = list
            .iter()
            .all(|(s, _)| s.end_date.is_some_and(|e| e <= to));
        let latest = list
            .iter()
            .filter_map(|(s, _)| s.end_date.map(|e| (e, s.exit)))
            .max_by_key(|(e, _)| *e);
        rows.push(Row {
            bsn: number.clone(),
            municipality: last.responsible.clone(),
            category: *category,
            first_start,
            last_end: if ended { latest.map(|(e, _)| e) } else { None },
            exit: if ended {
                latest.and_then(|(_, x)| x)
            } else {
                None
            },
        });
    }
    Extract {
        from,
        to,
        made_on,
        rows,
        without_bsn,
        per_category,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Financing;
    use chrono::Utc;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn stay(id: i64, client: i64, product: i64, start: &str, end: Option<&str>) -> Stay {
        Stay {
            id,
            client_id: client,
            entry_id: None,
            transferred_from: None,
            responsible: GemeenteCode::parse("GM0402").unwrap(),
            product_id: product,
            provider_id: 1,
            location_id: None,
            start_date: d(start),
            end_date: end.map(d),
            exit: end.map(|_| ExitDestination::Onbekend),
            financing: Financing::Zin,
            care_level: None,
            version_id: id,
            recorded_at: chrono::DateTime::<Utc>::UNIX_EPOCH,
            recorded_by: "test".into(),
        }
    }

    #[test]
    fn a_person_in_two_stays_is_one_row_with_the_first_start_and_the_last_end() {
        let codes: HashMap<i64, String> =
            [(1, "MO-CRISIS"), (2, "MO-DAK"), (3, "VO"), (4, "BW-INT")]
                .into_iter()
                .map(|(i, c)| (i, c.to_string()))
                .collect();
        let bsn: HashMap<i64, Option<String>> = [
            (10, Some("999990020".to_string())),
            (11, Some("999990032".to_string())),
            (12, None),
            (13, Some("999957247".to_string())),
            (14, Some("999957259".to_string())),
        ]
        .into_iter()
        .collect();
        let stays = [
            // Crisis shelter, then the daklozenopvang: one person.
            stay(1, 10, 1, "2024-12-20", Some("2025-01-10")),
            stay(2, 10, 2, "2025-01-10", Some("2025-06-01")),
            // Still in on the period's end.
            stay(3, 11, 2, "2025-11-01", None),
            // Without a BSN: counted, not delivered.
            stay(4, 12, 2, "2025-03-01", Some("2025-04-01")),
            // Women's shelter and protected housing: not in the monitor.
            stay(5, 13, 3, "2025-02-01", None),
            stay(6, 14, 4, "2025-02-01", None),
            // Left on the period's first day: not a day in shelter in it.
            stay(7, 14, 2, "2024-10-01", Some("2025-01-01")),
        ];
        let e = extract(
            &stays,
            &codes,
            &bsn,
            &EthosMapping::default(),
            d("2025-01-01"),
            d("2025-12-31"),
            d("2026-01-15"),
        );
        assert_eq!(e.rows.len(), 2);
        assert_eq!(e.without_bsn, 1);
        let first = &e.rows[0];
        assert_eq!(first.bsn, "999990020");
        assert_eq!(first.category, Ethos::TijdelijkeOpvang, "the last stay's");
        assert_eq!(first.first_start, d("2024-12-20"));
        assert_eq!(first.last_end, Some(d("2025-06-01")));
        assert_eq!(e.rows[1].last_end, None, "still in shelter");
        assert_eq!(e.per_category[&Ethos::Noodopvang], 1);
        assert_eq!(e.per_category[&Ethos::TijdelijkeOpvang], 3);
        let csv = e.csv();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "2026-01-15,0402,2025-01-01,2025-12-31,999990020,3,2024-12-20,2025-06-01,onbekend"
        );
        assert_eq!(
            lines[2],
            "2026-01-15,0402,2025-01-01,2025-12-31,999990032,3,2025-11-01,,"
        );
        // A peildatum is a period of one day.
        let on = extract(
            &stays,
            &codes,
            &bsn,
            &EthosMapping::default(),
            d("2025-01-10"),
            d("2025-01-10"),
            d("2026-01-15"),
        );
        assert_eq!(on.rows.len(), 1);
        assert_eq!(
            on.rows[0].category,
            Ethos::TijdelijkeOpvang,
            "moved that day"
        );
    }

    #[test]
    fn a_product_in_two_categories_is_refused() {
        let mut m = EthosMapping::default();
        assert_eq!(m.check(), Ok(()));
        m.vrouwenopvang.push("mo-dak".into());
        assert!(m.check().unwrap_err().contains("mo-dak"));
    }
}
