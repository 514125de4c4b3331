//! Small numbers for roles that see aggregates only (DESIGN.md "Small
//! numbers are suppressed"): a count of 1 to threshold − 1 is shown as
//! "<threshold"; a statistic over fewer people, or a percentage over fewer
//! people or with such a count above the line, is not shown. Secondary
//! suppression: when a breakdown adds up to its total, no hidden cell may be
//! recoverable by subtracting the shown cells from the total, so a second
//! cell is hidden alongside a lone hidden one.

use super::engine::{Answer, Value};

/// A value as shown to a particular user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown {
    pub value: Value,
    /// Hidden because it is small (primary) or could reveal a small one
    /// (secondary).
    pub suppressed: bool,
    /// Hidden only to protect another cell: it is not itself small, so it
    /// must never be labelled as such.
    pub secondary: bool,
}

/// How a secondarily hidden value reads: the sign Statistics Netherlands uses
/// for "geheim" (confidential), never "<5", which would claim it is small.
pub const SECONDARY_MARK: &str = "×";

/// An answer as shown: the total and the cells, each perhaps suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownAnswer {
    pub answer: Answer,
    pub total: Shown,
    pub cells: Vec<Shown>,
    pub threshold: u64,
}

/// Whether a value on its own is too small to show.
pub fn is_small(v: Value, threshold: u64) -> bool {
    let small = |c: u64| c > 0 && c < threshold;
    match v {
        Value::Count(c) => small(c),
        Value::Days { n, .. } => small(n),
        Value::Percent {
            numerator,
            denominator,
        } => {
            small(denominator)
                || small(numerator)
                || small(denominator - numerator.min(denominator))
        }
    }
}

fn count(v: Value) -> u64 {
    match v {
        Value::Count(c) => c,
        Value::Days { n, .. } => n,
        Value::Percent { denominator, .. } => denominator,
    }
}

/// Applies primary and secondary suppression (`threshold` 0 or 1: nothing is hidden).
pub fn suppress(answer: Answer, threshold: u64) -> ShownAnswer {
    let total = shown(answer.total, threshold);
    let mut cells: Vec<Shown> = answer
        .cells
        .iter()
        .map(|c| shown(c.value, threshold))
        .collect();
    if answer.additive {
        protect_line(&mut cells, total.suppressed);
    }
    ShownAnswer {
        answer,
        total,
        cells,
        threshold,
    }
}

/// In one line of cells that adds up to a shown total: if exactly one cell
/// is hidden, hide the smallest other non-zero cell too (or, failing that,
/// any other cell). Returns whether something changed.
pub fn protect_line(cells: &mut [Shown], total_hidden: bool) -> bool {
    if total_hidden {
        return false;
    }
    let hidden = cells.iter().filter(|c| c.suppressed).count();
    if hidden != 1 {
        return false;
    }
    let pick = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.suppressed && count(c.value) > 0)
        .min_by_key(|(_, c)| count(c.value))
        .or_else(|| cells.iter().enumerate().find(|(_, c)| !c.suppressed))
        .map(|(i, _)| i);
    match pick {
        Some(i) => {
            cells[i].suppressed = true;
            cells[i].secondary = true;
            true
        }
        None => false,
    }
}

/// Suppression in a table whose last column holds the row totals and, with
/// `column_totals`, whose last row holds the column totals (and the grand
/// total in its last cell), as on the Cijfers pages. Every line is protected
/// against subtraction from its total until nothing changes.
pub fn protect_grid(grid: &mut [Vec<Shown>], column_totals: bool) {
    let rows = grid.len();
    let width = grid.first().map_or(0, Vec::len);
    if width < 2 {
        return;
    }
    let parts_rows = if column_totals {
        rows.saturating_sub(1)
    } else {
        rows
    };
    loop {
        let mut changed = false;
        for row in grid.iter_mut() {
            let total_hidden = row[width - 1].suppressed;
            changed |= protect_line(&mut row[..width - 1], total_hidden);
        }
        if column_totals && rows >= 2 {
            for c in 0..width {
                let mut column: Vec<Shown> = grid[..parts_rows].iter().map(|r| r[c]).collect();
                let total_hidden = grid[rows - 1][c].suppressed;
                if protect_line(&mut column, total_hidden) {
                    changed = true;
                    for (row, v) in grid.iter_mut().zip(column) {
                        row[c] = v;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// A shown value: hidden when small for this threshold.
pub fn shown(value: Value, threshold: u64) -> Shown {
    Shown {
        value,
        suppressed: is_small(value, threshold),
        secondary: false,
    }
}

/// A value shown as it is (nothing hidden).
pub fn plain(value: Value) -> Shown {
    Shown {
        value,
        suppressed: false,
        secondary: false,
    }
}

/// How a shown value reads: "<5", "×", "12", "99,5", "83 %".
pub fn display(s: Shown, threshold: u64) -> String {
    if s.secondary {
        return SECONDARY_MARK.to_string();
    }
    if s.suppressed {
        return match s.value {
            Value::Count(_) => format!("<{threshold}"),
            _ => "–".to_string(),
        };
    }
    match s.value {
        Value::Count(c) => c.to_string(),
        Value::Days { days: None, .. } => "–".to_string(),
        Value::Days { days: Some(d), .. } => dutch_decimal(d),
        Value::Percent { denominator: 0, .. } => "–".to_string(),
        Value::Percent { .. } => format!("{} %", dutch_decimal(s.value.number().unwrap_or(0.0))),
    }
}

/// One decimal with a comma, without ",0".
pub fn dutch_decimal(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::catalogue::IndicatorId;
    use crate::figures::engine::Cell;

    fn answer(total: u64, cells: &[u64]) -> Answer {
        Answer {
            indicator: IndicatorId::WachtendTotaal,
            total: Value::Count(total),
            cells: cells
                .iter()
                .enumerate()
                .map(|(i, c)| Cell {
                    key: i.to_string(),
                    label: format!("gemeente {i}"),
                    value: Value::Count(*c),
                })
                .collect(),
            additive: true,
        }
    }

    fn hidden(s: &ShownAnswer) -> Vec<bool> {
        s.cells.iter().map(|c| c.suppressed).collect()
    }

    #[test]
    fn counts_of_one_to_four_are_hidden_and_zero_is_shown() {
        let s = suppress(answer(27, &[0, 3, 12, 12]), 5);
        assert_eq!(display(s.cells[0], 5), "0");
        assert_eq!(display(s.cells[1], 5), "<5");
        assert!(!s.total.suppressed);
    }

    #[test]
    fn a_cell_hidden_only_to_protect_another_is_never_labelled_small() {
        // 27 = 0 + 3 + 12 + 12: the second 12 is hidden to protect the 3.
        let s = suppress(answer(27, &[0, 3, 12, 12]), 5);
        assert_eq!(display(s.cells[1], 5), "<5");
        assert!(s.cells[2].secondary && !s.cells[1].secondary);
        assert_eq!(display(s.cells[2], 5), SECONDARY_MARK);
        assert_eq!(display(s.cells[3], 5), "12");
        // The same in a grid: a 24 hidden as a companion does not read "<5".
        let mut grid = vec![vec![
            shown(Value::Count(24), 5),
            shown(Value::Count(2), 5),
            shown(Value::Count(26), 5),
        ]];
        protect_grid(&mut grid, false);
        assert_eq!(display(grid[0][0], 5), SECONDARY_MARK);
        assert_eq!(display(grid[0][1], 5), "<5");
    }

    #[test]
    fn a_lone_hidden_cell_gets_a_companion_so_the_total_does_not_reveal_it() {
        // 27 − 12 − 12 − 0 would give the hidden 3 away.
        let s = suppress(answer(27, &[0, 3, 12, 12]), 5);
        assert_eq!(hidden(&s), vec![false, true, true, false]);
        // With two hidden cells already nothing more is needed.
        let s = suppress(answer(20, &[2, 3, 15]), 5);
        assert_eq!(hidden(&s), vec![true, true, false]);
        // A hidden total protects itself.
        let s = suppress(answer(3, &[0, 3]), 5);
        assert!(s.total.suppressed);
        assert_eq!(hidden(&s), vec![false, true]);
    }

    #[test]
    fn no_hidden_cell_can_be_recovered_from_row_or_column_totals() {
        // Rows: municipalities and the region total; columns: active,
        // passive and the total.
        let values = [[10u64, 2, 12], [7, 9, 16], [20, 6, 26], [37, 17, 54]];
        let mut grid: Vec<Vec<Shown>> = values
            .iter()
            .map(|r| r.iter().map(|v| shown(Value::Count(*v), 5)).collect())
            .collect();
        protect_grid(&mut grid, true);
        // Every line with a hidden part has at least two, or a hidden total.
        for row in &grid {
            let n = row[..2].iter().filter(|c| c.suppressed).count();
            assert!(n != 1 || row[2].suppressed, "{grid:?}");
        }
        for c in 0..3 {
            let n = grid[..3].iter().filter(|r| r[c].suppressed).count();
            assert!(n != 1 || grid[3][c].suppressed, "{grid:?}");
        }
        assert!(grid[0][1].suppressed);
        // 2 in Hilversum's passive cell took a companion in its row (10) and
        // one in its column (6), which needed one in its row too.
        assert!(grid[0][0].suppressed && grid[2][1].suppressed);
    }

    #[test]
    fn statistics_and_percentages_over_few_people_are_not_shown() {
        let few = shown(
            Value::Days {
                n: 3,
                days: Some(40.0),
            },
            5,
        );
        assert_eq!(display(few, 5), "–");
        assert!(is_small(
            Value::Percent {
                numerator: 2,
                denominator: 40
            },
            5
        ));
        assert!(is_small(
            Value::Percent {
                numerator: 38,
                denominator: 40
            },
            5
        ));
        assert!(!is_small(
            Value::Percent {
                numerator: 10,
                denominator: 40
            },
            5
        ));
        assert_eq!(dutch_decimal(99.25), "99,3");
        assert_eq!(dutch_decimal(12.0), "12");
    }
}
