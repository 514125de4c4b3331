//! Budgets: a region's (or a municipality's) budget over several years
//! with numbered lines of lasten and baten, shaped like the GO BW budget in
//! Velsen's programme (section 8, "Tabel 1 GO-begroting Beschermd Wonen":
//! lines a–i lasten, j–l baten, 2024–2028). A budget is never changed in
//! place: a begrotingswijziging is a new version of all its lines, kept
//! with who recorded it and when. Realisation: the care-cost lines come
//! from the cost of the stays, the other lines from actuals entered per
//! month.

use super::cost::Cohort;
use super::model::Bedrag;
use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

code_list!(BudgetSide, "kies lasten of baten",
    Lasten => ("lasten", "Lasten"),
    Baten => ("baten", "Baten"),
);

code_list!(BudgetKind, "kies begroting of begrotingswijziging",
    Begroting => ("begroting", "Begroting"),
    Wijziging => ("begrotingswijziging", "Begrotingswijziging"),
);

// The kinds of line: those of the GO BW budget (Velsen 8, lines a–l) and
// the income sources of Gooi en Vechtstreek's report (IUBW, eigen bijdrage
// BW, DUVO, DUMO, IUSD, reserves). The three care-cost kinds are realised
// from the stays; the others from actuals.
code_list!(BudgetCategory, "kies een soort regel uit de lijst",
    Zorgkosten => ("zorgkosten", "Zorgkosten (alle cliënten)"),
    ZorgkostenHistorisch => ("zorgkosten-historisch", "Zorgkosten historische cliënten (ZIN en pgb)"),
    ZorgkostenNieuw => ("zorgkosten-nieuw", "Zorgkosten nieuwe cliënten"),
    TekortMo => ("tekort-mo", "Middelen ter inzet van tekort MO"),
    Innovatie => ("innovatie", "Innovatiemiddelen"),
    OntwikkelFrictie => ("ontwikkel-frictie", "Ontwikkel- en frictiekosten"),
    Dagbesteding => ("dagbesteding", "Gekantelde dagbesteding"),
    Personeel => ("personeel", "Personeelskosten"),
    Subsidies => ("subsidies", "Subsidies"),
    Advies => ("advies", "Advieskosten"),
    OverigeLasten => ("overige-lasten", "Overige kosten"),
    GemeentelijkeBijdrage => ("gemeentelijke-bijdrage", "Gemeentelijke bijdrage"),
    RijksbijdrageHistorisch => ("rijksbijdrage-historisch", "Rijksbijdrage historisch budget"),
    EigenBijdrage => ("eigen-bijdrage", "Eigen bijdrage cliënten"),
    Iubw => ("iubw", "Integratie-uitkering beschermd wonen (IUBW)"),
    Duvo => ("duvo", "Decentralisatie-uitkering vrouwenopvang (DUVO)"),
    Dumo => ("dumo", "Decentralisatie-uitkering maatschappelijke opvang (DUMO)"),
    Iusd => ("iusd", "Integratie-uitkering sociaal domein (IUSD)"),
    Reserve => ("reserve", "Dotatie aan of onttrekking uit reserves"),
    OverigeBaten => ("overige-baten", "Overige baten"),
);

impl BudgetCategory {
    /// The side this kind of line belongs on; `None`: either (a reserve is
    /// added to on the lasten side and drawn from on the baten side).
    pub fn side(self) -> Option<BudgetSide> {
        use BudgetCategory::*;
        match self {
            Zorgkosten | ZorgkostenHistorisch | ZorgkostenNieuw | TekortMo | Innovatie
            | OntwikkelFrictie | Dagbesteding | Personeel | Subsidies | Advies | OverigeLasten => {
                Some(BudgetSide::Lasten)
            }
            GemeentelijkeBijdrage
            | RijksbijdrageHistorisch
            | EigenBijdrage
            | Iubw
            | Duvo
            | Dumo
            | Iusd
            | OverigeBaten => Some(BudgetSide::Baten),
            Reserve => None,
        }
    }

    /// For a care-cost line, the cohort whose cost realises it (`Some(None)`:
    /// every client); `None` for a line realised from actuals.
    pub fn cost_cohort(self) -> Option<Option<Cohort>> {
        match self {
            BudgetCategory::Zorgkosten => Some(None),
            BudgetCategory::ZorgkostenHistorisch => Some(Some(Cohort::Historisch)),
            BudgetCategory::ZorgkostenNieuw => Some(Some(Cohort::Nieuw)),
            _ => None,
        }
    }
}

/// One line of a budget: its amount per year (positive; the side says
/// whether it is spent or received).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    /// `a`, `b`, … as in the budget document; unique within a version.
    pub code: String,
    pub side: BudgetSide,
    pub category: BudgetCategory,
    pub label: String,
    /// (year, amount), by year.
    pub amounts: Vec<(i32, Bedrag)>,
}

impl BudgetLine {
    pub fn amount(&self, year: i32) -> Option<Bedrag> {
        self.amounts
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, a)| *a)
    }
}

/// A budget: whose it is and its name; its content is in its versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub id: i64,
    pub region_id: i64,
    /// A municipality's own budget; `None`: the region's.
    pub municipality: Option<GemeenteCode>,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// One version of a budget: the begroting or a wijziging, with all lines.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetVersion {
    /// The version's id: the ETag of the budget.
    pub id: i64,
    pub budget_id: i64,
    pub kind: BudgetKind,
    pub title: String,
    pub note: Option<String>,
    pub lines: Vec<BudgetLine>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl crate::history::Recorded for BudgetVersion {
    fn row_id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

/// What a version says, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetVersionData {
    pub kind: BudgetKind,
    pub title: String,
    pub note: Option<String>,
    pub lines: Vec<BudgetLine>,
}

/// A line as typed: amounts per year as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BudgetLineInput {
    pub code: String,
    pub side: String,
    pub category: String,
    pub label: String,
    /// (year, amount) as typed; an empty amount is no amount for that year.
    pub amounts: Vec<(String, String)>,
}

/// A version as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BudgetVersionInput {
    pub kind: String,
    pub title: String,
    pub note: Option<String>,
    pub lines: Vec<BudgetLineInput>,
    /// The amounts are in thousands of euros, as in the GO BW table.
    pub thousands: bool,
}

/// The largest amount of a budget line or an actual: € 100 miljard, far
/// above any region's or municipality's budget, so that a typing error of
/// a few zeros is caught and every sum and forecast over the lines fits an
/// `i64` by far.
pub const MAX_BUDGET_CENTS: i64 = 10_000_000_000_000;

const TOO_LARGE: &str = "een bedrag is hoogstens € 100 miljard";

/// At most this many years in one budget: a multi-year budget covers four
/// or five; more is a mistake in the file.
const MAX_YEARS: usize = 15;

impl BudgetVersionInput {
    /// Checks every line and reports all problems at once, in Dutch; the
    /// field of a line's problem is `regels[n].veld` (n from 1).
    ///
    /// Sign: amounts are kept positive, the side says which way the money
    /// goes. Baten may be typed negative, as the GO BW table shows them;
    /// a negative amount on the lasten side is refused.
    pub fn parse(&self) -> DomainResult<BudgetVersionData> {
        let mut v = Validator::new();
        let kind = v.check("soort", BudgetKind::parse(&self.kind));
        let title = self.title.trim();
        if title.is_empty() {
            v.add(
                "titel",
                "geef de begroting een titel, bijvoorbeeld Begroting 2025–2028",
            );
        } else if title.chars().count() > 200 {
            v.add("titel", "een titel is hoogstens 200 tekens");
        }
        if self.lines.is_empty() {
            v.add("regels", "een begroting heeft minstens één regel");
        }
        let mut codes = BTreeSet::new();
        let mut years = BTreeSet::new();
        let mut lines = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let field = |f: &str| format!("regels[{}].{f}", i + 1);
            let code = l.code.trim().trim_end_matches('.').to_lowercase();
            let code_ok = !code.is_empty()
                && code.len() <= 8
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !code_ok {
                v.add(
                    &field("code"),
                    "vul een regelcode in van hoogstens 8 letters of cijfers, bijvoorbeeld a",
                );
            } else if !codes.insert(code.clone()) {
                v.add(
                    &field("code"),
                    format!("regel {code} staat er twee keer in"),
                );
            }
            let side = v.check(&field("zijde"), BudgetSide::parse(&l.side));
            let category = v.check(&field("categorie"), BudgetCategory::parse(&l.category));
            if let (Some(side), Some(category)) = (side, category)
                && category.side().is_some_and(|s| s != side)
            {
                v.add(
                    &field("categorie"),
                    format!(
                        "{} hoort bij de {}",
                        category.label(),
                        category.side().map_or("", |s| s.code())
                    ),
                );
            }
            let label = l.label.trim();
            if label.is_empty() {
                v.add(
                    &field("omschrijving"),
                    "vul de omschrijving van de regel in",
                );
            }
            let mut amounts = Vec::new();
            for (year, amount) in &l.amounts {
                if amount.trim().is_empty() || amount.trim() == "-" {
                    continue;
                }
                let y = match year.trim().parse::<i32>() {
                    Ok(y) if (2000..=2100).contains(&y) => y,
                    _ => {
                        v.add(&field("jaar"), format!("'{}' is geen jaar", year.trim()));
                        continue;
                    }
                };
                let f = field(&format!("bedrag{y}"));
                let Some(mut a) = v.check(&f, Bedrag::parse(amount)) else {
                    continue;
                };
                if self.thousands {
                    match a.0.checked_mul(1000) {
                        Some(x) => a = Bedrag(x),
                        None => {
                            v.add(&f, "dit bedrag is te groot");
                            continue;
                        }
                    }
                }
                if a.0.abs() > MAX_BUDGET_CENTS {
                    v.add(&f, TOO_LARGE);
                    continue;
                }
                if a.0 < 0 {
                    if side == Some(BudgetSide::Lasten) {
                        v.add(&f, "een bedrag bij de lasten is niet negatief");
                        continue;
                    }
                    a = Bedrag(-a.0);
                }
                if amounts.iter().any(|(yy, _)| *yy == y) {
                    v.add(&f, format!("{y} staat twee keer bij deze regel"));
                    continue;
                }
                years.insert(y);
                amounts.push((y, a));
            }
            amounts.sort_by_key(|(y, _)| *y);
            if let (true, Some(side), Some(category)) = (code_ok, side, category) {
                lines.push(BudgetLine {
                    code,
                    side,
                    category,
                    label: label.to_string(),
                    amounts,
                });
            }
        }
        if years.len() > MAX_YEARS {
            v.add(
                "regels",
                format!("een begroting beslaat hoogstens {MAX_YEARS} jaar"),
            );
        }
        v.finish()?;
        let kind = kind.ok_or_else(|| DomainError::Internal("validatie onvolledig".into()))?;
        Ok(BudgetVersionData {
            kind,
            title: title.to_string(),
            note: optional(&self.note).map(str::to_string),
            lines,
        })
    }
}

/// The columns of a budget file (CSV, or the first sheet of a workbook):
/// one row per line, a column per year headed by the year. Described in
/// docs/import.md.
pub const BUDGET_COLUMNS: [(&str, &str); 4] = [
    ("code", "De regelcode, zoals a, b, … in de begroting."),
    ("zijde", "lasten of baten."),
    (
        "categorie",
        "De soort regel, bijvoorbeeld zorgkosten-historisch of rijksbijdrage-historisch.",
    ),
    ("omschrijving", "De omschrijving zoals in de begroting."),
];

/// The lines of a budget file, with the file line of each (for messages).
/// Every problem of the layout is reported, in Dutch.
pub fn budget_lines_from_table(
    source: &str,
    header: &[String],
    rows: &[crate::import::Row],
) -> Result<(Vec<BudgetLineInput>, Vec<usize>), Vec<crate::import::Problem>> {
    use crate::import::{Problem, normalize_header};
    let mut problems = Vec::new();
    let mut fixed: [Option<usize>; 4] = [None; 4];
    let mut years: Vec<(usize, String)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let n = normalize_header(h);
        if let Some(k) = BUDGET_COLUMNS.iter().position(|(c, _)| *c == n) {
            fixed[k] = Some(i);
        } else if n.parse::<i32>().is_ok_and(|y| (2000..=2100).contains(&y)) {
            years.push((i, n));
        } else if !n.is_empty() {
            problems.push(Problem {
                column: Some(h.trim().to_string()),
                ..Problem::file(
                    source,
                    "onbekende kolom; verwacht code, zijde, categorie, omschrijving en een kolom per jaar (2025, 2026, …)",
                )
            });
        }
    }
    for (k, (name, _)) in BUDGET_COLUMNS.iter().enumerate() {
        if fixed[k].is_none() {
            problems.push(Problem::file(source, format!("de kolom {name} ontbreekt")));
        }
    }
    if years.is_empty() {
        problems.push(Problem::file(
            source,
            "er is geen kolom met een jaar, zoals 2025",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let cell = |row: &crate::import::Row, i: Option<usize>| {
        i.and_then(|i| row.cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let lines = rows
        .iter()
        .map(|r| BudgetLineInput {
            code: cell(r, fixed[0]),
            side: cell(r, fixed[1]).trim().to_lowercase(),
            category: cell(r, fixed[2]).trim().to_lowercase(),
            label: cell(r, fixed[3]),
            amounts: years
                .iter()
                .map(|(i, y)| (y.clone(), cell(r, Some(*i))))
                .collect(),
        })
        .collect();
    Ok((lines, rows.iter().map(|r| r.line).collect()))
}

/// A problem of a budget file for a field of a parsed line
/// (`regels[n].veld`), placed at its line and column of the file.
pub fn located(source: &str, lines: &[usize], e: &crate::FieldError) -> crate::import::Problem {
    let (line, column) = e
        .field
        .strip_prefix("regels[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(n, f)| Some((n.parse::<usize>().ok()?, f)))
        .map_or((None, None), |(n, f)| {
            let column = f.strip_prefix("bedrag").unwrap_or(f);
            (
                n.checked_sub(1).and_then(|i| lines.get(i)).copied(),
                Some(column.to_string()),
            )
        });
    crate::import::Problem {
        line,
        column,
        ..crate::import::Problem::file(source, e.message.clone())
    }
}

/// An actual (realisation) of a line that is not computed from the
/// stays, for one month. A later actual for the same line and month
/// replaces the earlier one from its recording on.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetActual {
    pub id: i64,
    pub budget_id: i64,
    pub code: String,
    pub year: i32,
    pub month: u32,
    pub amount: Bedrag,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// An actual as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BudgetActualInput {
    pub code: String,
    pub year: String,
    pub month: String,
    pub amount: String,
    pub note: Option<String>,
}

/// A checked actual.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetActualData {
    pub code: String,
    pub year: i32,
    pub month: u32,
    pub amount: Bedrag,
    pub note: Option<String>,
}

impl BudgetActualInput {
    pub fn parse(&self) -> DomainResult<BudgetActualData> {
        let mut v = Validator::new();
        let code = self.code.trim().to_lowercase();
        if code.is_empty() {
            v.add("code", "kies de regel");
        }
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                v.add("jaar", "vul een jaar in, bijvoorbeeld 2025");
                None
            }
        };
        let month = match self.month.trim().parse::<u32>() {
            Ok(m) if (1..=12).contains(&m) => Some(m),
            _ => {
                v.add("maand", "vul een maand in van 1 tot en met 12");
                None
            }
        };
        let amount = v.check("bedrag", Bedrag::parse(&self.amount)).filter(|a| {
            let ok = a.0.abs() <= MAX_BUDGET_CENTS;
            if !ok {
                v.add("bedrag", TOO_LARGE);
            }
            ok
        });
        v.finish()?;
        match (year, month, amount) {
            (Some(year), Some(month), Some(amount)) => Ok(BudgetActualData {
                code,
                year,
                month,
                amount,
                note: optional(&self.note).map(str::to_string),
            }),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

/// The actuals in force as known at a moment: per (line, year, month) the
/// latest recorded by then.
pub fn actuals_as_known(all: &[BudgetActual], known_at: DateTime<Utc>) -> Vec<&BudgetActual> {
    let mut latest: std::collections::BTreeMap<(&str, i32, u32), &BudgetActual> =
        std::collections::BTreeMap::new();
    for a in all.iter().filter(|a| a.recorded_at <= known_at) {
        let key = (a.code.as_str(), a.year, a.month);
        match latest.get(&key) {
            Some(b) if (b.recorded_at, b.id) > (a.recorded_at, a.id) => {}
            _ => {
                latest.insert(key, a);
            }
        }
    }
    latest.into_values().collect()
}

/// The year-end forecast of a line realised from actuals: what was
/// realised in the months with an actual, and the budget for the months
/// after the last of them ("rest of the year as budgeted"); without any
/// actual, the budget. Amounts in cents, the rest rounded half up.
pub fn forecast_from_actuals(budget: Bedrag, realised: Bedrag, last_month: Option<u32>) -> Bedrag {
    match last_month {
        None => budget,
        Some(m) => {
            let rest = 12 - i64::from(m.min(12));
            Bedrag(realised.0 + (budget.0 * rest * 2 + 12) / 24)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, side: &str, category: &str, amounts: &[(&str, &str)]) -> BudgetLineInput {
        BudgetLineInput {
            code: code.into(),
            side: side.into(),
            category: category.into(),
            label: format!("Regel {code}"),
            amounts: amounts
                .iter()
                .map(|(y, a)| (y.to_string(), a.to_string()))
                .collect(),
        }
    }

    fn fields(r: DomainResult<BudgetVersionData>) -> Vec<String> {
        match r {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_go_bw_table_is_read_in_thousands_with_negative_baten() {
        let input = BudgetVersionInput {
            kind: "begroting".into(),
            title: "Begroting GO BW 2025–2028".into(),
            thousands: true,
            lines: vec![
                line(
                    "a.",
                    "lasten",
                    "zorgkosten-historisch",
                    &[("2024", "39.483"), ("2028", "17.870")],
                ),
                line("c", "lasten", "innovatie", &[("2024", "-"), ("2025", "")]),
                line(
                    "k",
                    "baten",
                    "rijksbijdrage-historisch",
                    &[("2024", "-45.065")],
                ),
            ],
            ..Default::default()
        };
        let data = input.parse().unwrap();
        assert_eq!(data.lines[0].code, "a");
        assert_eq!(data.lines[0].amount(2024), Some(Bedrag(3_948_300_000)));
        assert_eq!(data.lines[0].amount(2028), Some(Bedrag(1_787_000_000)));
        assert!(data.lines[1].amounts.is_empty());
        assert_eq!(data.lines[2].amount(2024), Some(Bedrag(4_506_500_000)));
    }

    #[test]
    fn every_wrong_line_is_named_by_its_number_and_field() {
        let input = BudgetVersionInput {
            kind: "begroting".into(),
            title: " ".into(),
            lines: vec![
                line("a", "lasten", "zorgkosten", &[("2025", "-5")]),
                line(
                    "a",
                    "baten",
                    "personeel",
                    &[("twintig", "5"), ("2025", "vijf")],
                ),
                line("", "zijwaarts", "onbekend", &[]),
            ],
            ..Default::default()
        };
        assert_eq!(
            fields(input.parse()),
            vec![
                "titel",
                "regels[1].bedrag2025",
                "regels[2].code",
                "regels[2].categorie",
                "regels[2].jaar",
                "regels[2].bedrag2025",
                "regels[3].code",
                "regels[3].zijde",
                "regels[3].categorie",
            ]
        );
    }

    #[test]
    fn a_budget_file_reads_its_year_columns_and_places_problems_at_their_line() {
        use crate::import::Row;
        let header: Vec<String> = ["Code", "Zijde", "Categorie", "Omschrijving", "2024", "2025"]
            .map(String::from)
            .to_vec();
        let rows = vec![
            Row {
                line: 2,
                cells: [
                    "a.",
                    "Lasten",
                    "zorgkosten-historisch",
                    "Zorgkosten oude cliënten",
                    "39.483",
                    "39.834",
                ]
                .map(String::from)
                .to_vec(),
            },
            Row {
                line: 4,
                cells: [
                    "k",
                    "baten",
                    "rijksbijdrage-historisch",
                    "Rijksbijdrage",
                    "-45.065",
                    "veel",
                ]
                .map(String::from)
                .to_vec(),
            },
        ];
        let (lines, at) = budget_lines_from_table("go.csv", &header, &rows).unwrap();
        assert_eq!(at, vec![2, 4]);
        assert_eq!(lines[0].side, "lasten");
        let input = BudgetVersionInput {
            kind: "begroting".into(),
            title: "GO BW".into(),
            lines,
            thousands: true,
            ..Default::default()
        };
        let Err(DomainError::Invalid(errors)) = input.parse() else {
            panic!("'veel' is geen bedrag");
        };
        let p = located("go.csv", &at, &errors[0]);
        assert_eq!((p.line, p.column.as_deref()), (Some(4), Some("2025")));
        let wrong =
            budget_lines_from_table("go.csv", &["code".into(), "bedrag".into()], &[]).unwrap_err();
        let messages: Vec<_> = wrong.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.starts_with("onbekende kolom")),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"de kolom zijde ontbreekt"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"er is geen kolom met een jaar, zoals 2025"),
            "{messages:?}"
        );
    }

    #[test]
    fn an_amount_above_a_hundred_billion_is_a_typing_error() {
        let input = |amount: &str, thousands: bool| BudgetVersionInput {
            kind: "begroting".into(),
            title: "Begroting".into(),
            thousands,
            lines: vec![line("a", "lasten", "personeel", &[("2025", amount)])],
            ..Default::default()
        };
        assert!(input("100.000.000.000,00", false).parse().is_ok());
        assert_eq!(
            fields(input("100.000.000.000,01", false).parse()),
            vec!["regels[1].bedrag2025"]
        );
        // In thousands: 100.000.001 thousand is too much.
        assert_eq!(
            fields(input("100.000.001", true).parse()),
            vec!["regels[1].bedrag2025"]
        );
        let actual = |amount: &str| BudgetActualInput {
            code: "a".into(),
            year: "2025".into(),
            month: "3".into(),
            amount: amount.into(),
            note: None,
        };
        assert!(actual("-1.000,00").parse().is_ok());
        match actual("99999999999999999").parse() {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "bedrag"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_forecast_takes_the_rest_of_the_year_as_budgeted() {
        // € 1.200,00 budgeted, € 500,00 realised through September: three
        // months of € 100,00 to come.
        assert_eq!(
            forecast_from_actuals(Bedrag(120_000), Bedrag(50_000), Some(9)),
            Bedrag(80_000)
        );
        assert_eq!(
            forecast_from_actuals(Bedrag(120_000), Bedrag(0), None),
            Bedrag(120_000)
        );
        assert_eq!(
            forecast_from_actuals(Bedrag(120_000), Bedrag(130_000), Some(12)),
            Bedrag(130_000)
        );
    }
}
