//! The time model (DESIGN.md "Time: every figure reproducible"). History is
//! append-only: every fact has an *effective date* (when it was true) and a
//! *recorded-at* timestamp (when zothuis learned it). A correction adds a row
//! that supersedes an earlier one; nothing is overwritten. So every question
//! can be asked "on peildatum D, as known at moment K":
//!
//! * `known_at` drops the rows recorded after K and the rows that a row
//!   recorded by K supersedes;
//! * `in_force_on` then takes, among the rows effective on or before D, the one
//!   with the latest effective date (and, on the same date, the latest recorded).

use chrono::{DateTime, NaiveDate, Utc};

/// A row of history as zothuis recorded it.
pub trait Recorded {
    /// The row's own id, unique within its table.
    fn row_id(&self) -> i64;
    fn recorded_at(&self) -> DateTime<Utc>;
    /// The earlier row this row corrects, if it is a correction.
    fn supersedes(&self) -> Option<i64>;
    /// A correction that withdraws the row it supersedes without putting a new
    /// fact in its place ("this transition never happened").
    fn is_retraction(&self) -> bool {
        false
    }
}

/// A recorded fact that holds from an effective date until the next one.
pub trait Effective: Recorded {
    fn effective_date(&self) -> NaiveDate;
}

/// The rows as known at `known_at`: recorded by then, not superseded by a
/// correction recorded by then, and not themselves retractions. Order is kept.
pub fn known_at<T: Recorded>(rows: &[T], known_at: DateTime<Utc>) -> Vec<&T> {
    let visible: Vec<&T> = rows
        .iter()
        .filter(|r| r.recorded_at() <= known_at)
        .collect();
    let superseded: std::collections::HashSet<i64> =
        visible.iter().filter_map(|r| r.supersedes()).collect();
    visible
        .into_iter()
        .filter(|r| !superseded.contains(&r.row_id()) && !r.is_retraction())
        .collect()
}

/// The fact in force on `day` as known at `known_at`.
pub fn in_force_on<T: Effective>(
    rows: &[T],
    day: NaiveDate,
    known_at_moment: DateTime<Utc>,
) -> Option<&T> {
    known_at(rows, known_at_moment)
        .into_iter()
        .filter(|r| r.effective_date() <= day)
        .max_by_key(|r| (r.effective_date(), r.recorded_at(), r.row_id()))
}

/// A moment after every recorded one, for "everything recorded" in a store
/// read (a moment the databases still write as they write the others).
pub const END_OF_TIME: DateTime<Utc> = DateTime::<Utc>::from_naive_utc_and_offset(
    match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(d) => match d.and_hms_opt(23, 59, 59) {
            Some(t) => t,
            None => chrono::NaiveDateTime::MIN,
        },
        None => chrono::NaiveDateTime::MIN,
    },
    Utc,
);

/// The effective history as known at `known_at`, in effective order: what a
/// timeline on a page shows.
pub fn timeline<T: Effective>(rows: &[T], known_at_moment: DateTime<Utc>) -> Vec<&T> {
    let mut v = known_at(rows, known_at_moment);
    v.sort_by_key(|r| (r.effective_date(), r.recorded_at(), r.row_id()));
    v
}

/// For versioned records (each row a full version of one entity): the latest
/// version recorded by `known_at`.
pub fn version_at<T: Recorded>(rows: &[T], known_at_moment: DateTime<Utc>) -> Option<&T> {
    rows.iter()
        .filter(|r| r.recorded_at() <= known_at_moment)
        .max_by_key(|r| (r.recorded_at(), r.row_id()))
}

/// One record's versions recorded by `known_at`, in their order, with the
/// latest of them (`version_at`); `None` when none was recorded by then.
pub fn versions_as_known<T: Recorded + Clone>(
    all: Vec<T>,
    known_at_moment: DateTime<Utc>,
) -> Option<(T, Vec<T>)> {
    let versions: Vec<T> = all
        .into_iter()
        .filter(|v| v.recorded_at() <= known_at_moment)
        .collect();
    let current = version_at(&versions, known_at_moment)?.clone();
    Some((current, versions))
}

/// A full version of one record of a versioned register (a registration at
/// an access point, a nomination, a trajectory): `row_id` is the version's,
/// `record_id` the record's.
pub trait Versioned: Recorded {
    fn record_id(&self) -> i64;
}

/// Every record of a versioned register as known at `known_at`: per record
/// its `version_at`, in record order. Records with no version recorded by
/// then are left out.
pub fn latest_versions<T: Versioned>(rows: &[T], known_at_moment: DateTime<Utc>) -> Vec<&T> {
    let mut latest: std::collections::BTreeMap<i64, &T> = std::collections::BTreeMap::new();
    for r in rows.iter().filter(|r| r.recorded_at() <= known_at_moment) {
        let newer = latest
            .get(&r.record_id())
            .is_none_or(|old| (r.recorded_at(), r.row_id()) > (old.recorded_at(), old.row_id()));
        if newer {
            latest.insert(r.record_id(), r);
        }
    }
    latest.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Debug, Clone, PartialEq)]
    struct Row {
        id: i64,
        status: &'static str,
        effective: NaiveDate,
        recorded: DateTime<Utc>,
        supersedes: Option<i64>,
        retraction: bool,
    }

    impl Recorded for Row {
        fn row_id(&self) -> i64 {
            self.id
        }
        fn recorded_at(&self) -> DateTime<Utc> {
            self.recorded
        }
        fn supersedes(&self) -> Option<i64> {
            self.supersedes
        }
        fn is_retraction(&self) -> bool {
            self.retraction
        }
    }

    impl Effective for Row {
        fn effective_date(&self) -> NaiveDate {
            self.effective
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&d(s).and_hms_opt(12, 0, 0).unwrap())
    }

    fn row(id: i64, status: &'static str, effective: &str, recorded: &str) -> Row {
        Row {
            id,
            status,
            effective: d(effective),
            recorded: at(recorded),
            supersedes: None,
            retraction: false,
        }
    }

    fn status(rows: &[Row], day: &str, known: &str) -> Option<&'static str> {
        in_force_on(rows, d(day), at(known)).map(|r| r.status)
    }

    #[test]
    fn the_latest_effective_fact_on_a_day_is_in_force() {
        let rows = vec![
            row(1, "wachtend", "2024-01-10", "2024-01-10"),
            row(2, "geplaatst", "2024-03-01", "2024-03-01"),
        ];
        assert_eq!(status(&rows, "2024-01-09", "2025-01-01"), None);
        assert_eq!(status(&rows, "2024-02-29", "2025-01-01"), Some("wachtend"));
        assert_eq!(status(&rows, "2024-03-01", "2025-01-01"), Some("geplaatst"));
    }

    #[test]
    fn a_fact_entered_late_changes_the_past_only_from_when_it_was_recorded() {
        // Placed on 1 March, but only entered on 20 March.
        let rows = vec![
            row(1, "wachtend", "2024-01-10", "2024-01-10"),
            row(2, "geplaatst", "2024-03-01", "2024-03-20"),
        ];
        assert_eq!(status(&rows, "2024-03-05", "2024-03-10"), Some("wachtend"));
        assert_eq!(status(&rows, "2024-03-05", "2024-03-21"), Some("geplaatst"));
    }

    #[test]
    fn correcting_a_date_changes_todays_answer_but_not_the_answer_known_before() {
        let mut corrected = row(3, "geplaatst", "2024-02-15", "2024-04-01");
        corrected.supersedes = Some(2);
        let rows = vec![
            row(1, "wachtend", "2024-01-10", "2024-01-10"),
            row(2, "geplaatst", "2024-03-01", "2024-03-01"),
            corrected,
        ];
        // On 20 February: as known today the client was already placed…
        assert_eq!(status(&rows, "2024-02-20", "2024-05-01"), Some("geplaatst"));
        // …but the report published on 15 March said "waiting", and still does.
        assert_eq!(status(&rows, "2024-02-20", "2024-03-15"), Some("wachtend"));
    }

    #[test]
    fn a_retraction_withdraws_a_fact() {
        let mut withdrawn = row(3, "", "2024-03-01", "2024-04-01");
        withdrawn.supersedes = Some(2);
        withdrawn.retraction = true;
        let rows = vec![
            row(1, "wachtend", "2024-01-10", "2024-01-10"),
            row(2, "afgevoerd", "2024-03-01", "2024-03-01"),
            withdrawn,
        ];
        assert_eq!(status(&rows, "2024-06-01", "2024-03-15"), Some("afgevoerd"));
        assert_eq!(status(&rows, "2024-06-01", "2024-05-01"), Some("wachtend"));
        assert_eq!(timeline(&rows, at("2024-05-01")).len(), 1);
    }

    #[test]
    fn two_facts_on_one_day_are_ordered_by_when_they_were_recorded() {
        let rows = vec![
            row(1, "actief", "2024-01-10", "2024-01-10"),
            row(2, "passief", "2024-01-10", "2024-01-11"),
        ];
        assert_eq!(status(&rows, "2024-01-10", "2024-02-01"), Some("passief"));
    }

    #[test]
    fn the_version_of_a_record_is_the_latest_recorded_by_then() {
        let rows = vec![
            row(1, "v1", "2024-01-01", "2024-01-01"),
            row(2, "v2", "2024-01-01", "2024-02-01"),
        ];
        assert_eq!(
            version_at(&rows, at("2024-01-15")).map(|r| r.status),
            Some("v1")
        );
        assert_eq!(
            version_at(&rows, at("2024-02-15")).map(|r| r.status),
            Some("v2")
        );
        assert!(version_at(&rows, at("2023-12-31")).is_none());
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Version {
        record: i64,
        id: i64,
        recorded: DateTime<Utc>,
    }

    impl Recorded for Version {
        fn row_id(&self) -> i64 {
            self.id
        }
        fn recorded_at(&self) -> DateTime<Utc> {
            self.recorded
        }
        fn supersedes(&self) -> Option<i64> {
            None
        }
    }

    impl Versioned for Version {
        fn record_id(&self) -> i64 {
            self.record
        }
    }

    #[test]
    fn a_versioned_register_reads_each_record_as_known_at_a_moment() {
        let at = |d: u32| Utc.with_ymd_and_hms(2026, 1, d, 9, 0, 0).unwrap();
        let v = |record, id, d| Version {
            record,
            id,
            recorded: at(d),
        };
        let rows = [v(2, 1, 1), v(1, 2, 2), v(2, 3, 5), v(3, 4, 9)];
        let ids = |k| {
            latest_versions(&rows, at(k))
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(1), [1]);
        assert_eq!(ids(4), [2, 1], "in record order");
        assert_eq!(ids(9), [2, 3, 4]);
        let record = vec![v(2, 1, 1), v(2, 3, 5)];
        let seen = |k| versions_as_known(record.clone(), at(k)).map(|(c, all)| (c.id, all.len()));
        assert_eq!(seen(4), Some((1, 1)));
        assert_eq!(seen(5), Some((3, 2)));
        assert!(versions_as_known(record.clone(), at(1) - chrono::Duration::days(1)).is_none());
    }
}
