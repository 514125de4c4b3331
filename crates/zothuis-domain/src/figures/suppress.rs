//! Small numbers for roles that see aggregates only (DESIGN.md "Small
//! numbers are suppressed"): a count of 1 to threshold − 1 is shown as
//! "<threshold"; a statistic over fewer people, or a percentage over fewer
//! people or with such a count above the line, is not shown. What else is
//! hidden so that no hidden cell can be recovered by subtraction, within or
//! across answers, is decided in `protect`.

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
                    at: i as u16,
                    key: i.to_string(),
                    label: format!("gemeente {i}"),
                    value: Value::Count(*c),
                })
                .collect(),
        }
    }

    #[test]
    fn counts_of_one_to_four_are_hidden_and_zero_is_shown() {
        let s = crate::figures::protect::show(
            answer(27, &[0, 3, 12, 12]),
            None,
            [crate::figures::engine::ANY; crate::figures::engine::AXES],
            None,
            5,
        );
        assert_eq!(display(s.cells[0], 5), "0");
        assert_eq!(display(s.cells[1], 5), "<5");
        assert!(!s.total.suppressed);
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
