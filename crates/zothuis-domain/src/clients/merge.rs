//! Two records of one person merged into one (AVG art. 5 lid 1 d: personal
//! data are kept accurate, and one person with two records is not). The
//! rows of the merged record move to the surviving record in one
//! transaction, and every moved row is written down (`MergeMove`): an undo
//! moves exactly those back, and the figures as known at a moment before
//! the merge (or after its undo) still see two persons (`MergeLog`). The
//! merged record keeps its own details and addresses, read-only, and points
//! to the survivor while the merge holds; nothing is deleted.

use crate::error::{DomainError, DomainResult, Validator};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The most characters of a reason.
pub const REASON_MAX: usize = 500;

/// The kinds of rows that belong to a client and move with a merge. The
/// personal details and the address history stay with their record: they
/// are what the two records said about the person, and the survivor's are
/// the ones kept (the merged record shows its own, read-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MergedTable {
    Applications,
    Assessments,
    Decisions,
    WaitlistEntries,
    Stays,
    ShelterReports,
    OutflowNominations,
    AccessRequests,
    /// iWmo assignments and messages (`exchange::iwmo`).
    Assignments,
    Messages,
    /// Providers' requests (WMO315, WMO317).
    Requests,
}

impl MergedTable {
    pub const ALL: [MergedTable; 11] = [
        MergedTable::Applications,
        MergedTable::Assessments,
        MergedTable::Decisions,
        MergedTable::WaitlistEntries,
        MergedTable::Stays,
        MergedTable::ShelterReports,
        MergedTable::OutflowNominations,
        MergedTable::AccessRequests,
        MergedTable::Assignments,
        MergedTable::Messages,
        MergedTable::Requests,
    ];

    /// The table in the store, and the name in `client_merge_rows`.
    pub fn table(self) -> &'static str {
        match self {
            MergedTable::Applications => "applications",
            MergedTable::Assessments => "assessments",
            MergedTable::Decisions => "decisions",
            MergedTable::WaitlistEntries => "waitlist_entries",
            MergedTable::Stays => "stays",
            MergedTable::ShelterReports => "shelter_reports",
            MergedTable::OutflowNominations => "outflow_nominations",
            MergedTable::AccessRequests => "subject_access_requests",
            MergedTable::Assignments => "iwmo_assignments",
            MergedTable::Messages => "iwmo_messages",
            MergedTable::Requests => "iwmo_requests",
        }
    }

    pub fn parse(table: &str) -> Option<MergedTable> {
        MergedTable::ALL.into_iter().find(|t| t.table() == table)
    }

    /// What a user reads on a page for the rows.
    pub fn description(self) -> &'static str {
        match self {
            MergedTable::ShelterReports => "meldingen bij de toegang",
            MergedTable::OutflowNominations => "voordrachten voor uitstroom",
            MergedTable::Messages => "iWmo-berichten",
            MergedTable::Requests => "verzoeken van aanbieders (iWmo)",
            other => other.label(),
        }
    }

    /// The key of the rows in the audit details and the API.
    pub fn label(self) -> &'static str {
        match self {
            MergedTable::Applications => "aanmeldingen",
            MergedTable::Assessments => "beoordelingen",
            MergedTable::Decisions => "beschikkingen",
            MergedTable::WaitlistEntries => "wachtlijstplaatsingen",
            MergedTable::Stays => "verblijven",
            MergedTable::ShelterReports => "meldingenOpvang",
            MergedTable::OutflowNominations => "voordrachten",
            MergedTable::AccessRequests => "inzageverzoeken",
            MergedTable::Assignments => "toewijzingen",
            MergedTable::Messages => "iwmoBerichten",
            MergedTable::Requests => "iwmoVerzoeken",
        }
    }
}

/// A merge as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientMerge {
    pub id: i64,
    /// The record that stays, and now holds the rows of both.
    pub survivor_id: i64,
    /// The record merged into the survivor.
    pub merged_id: i64,
    pub reason: String,
    pub merged_at: DateTime<Utc>,
    pub merged_by: String,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<String>,
    pub undo_reason: Option<String>,
    /// The rows moved, per kind.
    pub moved: Vec<(MergedTable, i64)>,
}

impl ClientMerge {
    pub fn holds(&self) -> bool {
        self.undone_at.is_none()
    }
}

/// One row moved by a merge, with the merge's moments: what the figures
/// need to know who the row belonged to at any moment.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeMove {
    pub merge_id: i64,
    pub table: MergedTable,
    pub row_id: i64,
    pub merged_id: i64,
    pub survivor_id: i64,
    pub merged_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
}

/// Whose a row was as known at a moment. A merge moves a row from the
/// merged record to the survivor at `merged_at`; its undo moves it back at
/// `undone_at`. As known at a moment, a row belongs to the record the
/// latest such move by then took it to; before its first move, to the
/// record it was first written for.
#[derive(Debug, Clone, Default)]
pub struct MergeLog {
    moves: HashMap<(MergedTable, i64), Vec<MergeMove>>,
}

impl MergeLog {
    pub fn new(moves: impl IntoIterator<Item = MergeMove>) -> MergeLog {
        let mut log = MergeLog::default();
        for m in moves {
            log.moves.entry((m.table, m.row_id)).or_default().push(m);
        }
        log
    }

    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// The client a row belonged to as known at `known_at`; `current` is the
    /// client it belongs to now (after every move recorded).
    pub fn person_at(
        &self,
        table: MergedTable,
        row_id: i64,
        current: i64,
        known_at: DateTime<Utc>,
    ) -> i64 {
        let Some(moves) = self.moves.get(&(table, row_id)) else {
            return current;
        };
        // Each move as (moment, order within the moment, client after it):
        // an undo comes after its own merge.
        let events: Vec<_> = moves
            .iter()
            .flat_map(|m| {
                let merged = (m.merged_at, m.merge_id, 0, m.survivor_id);
                let undone = m.undone_at.map(|at| (at, m.merge_id, 1, m.merged_id));
                std::iter::once(merged).chain(undone)
            })
            .collect();
        match events
            .iter()
            .filter(|e| e.0 <= known_at)
            .max_by_key(|e| (e.0, e.1, e.2))
        {
            Some(e) => e.3,
            // Before any move: the merged record of the first merge.
            None => moves
                .iter()
                .min_by_key(|m| (m.merged_at, m.merge_id))
                .map_or(current, |m| m.merged_id),
        }
    }
}

/// A merge as asked: the record to keep, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeInput {
    pub survivor_id: i64,
    pub reason: String,
}

impl MergeInput {
    /// Checks the fields as typed (`behouden` the id of the record to keep).
    pub fn parse(survivor: &Option<String>, reason: Option<&str>) -> DomainResult<MergeInput> {
        let mut v = Validator::new();
        let survivor_id = v.chosen_id("behouden", survivor, "Kies een van de twee dossiers.");
        if survivor_id.is_none() && v.is_empty() {
            v.add("behouden", "Kies het dossier dat blijft bestaan.");
        }
        let reason = reason_field(&mut v, "reden", reason);
        v.finish()?;
        Ok(MergeInput {
            survivor_id: survivor_id.unwrap_or_default(),
            reason,
        })
    }
}

/// A reason: required, at most `REASON_MAX` characters.
pub fn reason_field(v: &mut Validator, field: &str, reason: Option<&str>) -> String {
    let reason = reason.map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        v.add(
            field,
            "Geef de reden op (bijvoorbeeld: zelfde persoon, eerst zonder BSN geregistreerd).",
        );
    } else if reason.chars().count() > REASON_MAX {
        v.add(
            field,
            format!("Gebruik voor de reden ten hoogste {REASON_MAX} tekens."),
        );
    }
    reason.to_string()
}

/// Why two records cannot be merged (the store checks it again in the
/// merge's transaction, against the records as they are then).
pub fn refuse_merge(
    merged: &crate::clients::Client,
    survivor: &crate::clients::Client,
    merged_holds_others: bool,
) -> DomainResult<()> {
    let conflict = |m: String| Err(DomainError::invalid("behouden", m));
    if merged.id == survivor.id {
        return conflict("Kies twee verschillende dossiers.".into());
    }
    if let Some(into) = merged.merged_into.or(survivor.merged_into) {
        return conflict(format!(
            "Een van beide dossiers is al samengevoegd met cliëntnummer {into}; werk in dat dossier."
        ));
    }
    if merged_holds_others {
        return conflict(format!(
            "In cliëntnummer {} zijn al andere dossiers samengevoegd: laat dat dossier blijven bestaan.",
            merged.id
        ));
    }
    if merged.restricted != survivor.restricted {
        // A restricted record (women's shelter) is seen only by those
        // granted; merging it with an open record would show its rows to
        // everyone who sees the other, or hide the other's.
        return conflict(
            "Een afgeschermd dossier kan alleen worden samengevoegd met een ander afgeschermd dossier."
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).unwrap()
    }

    fn moved(
        merge_id: i64,
        merged_id: i64,
        survivor_id: i64,
        h: u32,
        undone: Option<u32>,
    ) -> MergeMove {
        MergeMove {
            merge_id,
            table: MergedTable::Stays,
            row_id: 7,
            merged_id,
            survivor_id,
            merged_at: at(h),
            undone_at: undone.map(at),
        }
    }

    #[test]
    fn a_row_belongs_to_the_merged_record_before_the_merge_and_to_the_survivor_after() {
        let log = MergeLog::new([moved(1, 10, 20, 10, None)]);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 20, at(9)), 10);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 20, at(10)), 20);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 20, at(11)), 20);
        // Another row, or another kind of row with the same id, is its own.
        assert_eq!(log.person_at(MergedTable::Stays, 8, 30, at(9)), 30);
        assert_eq!(log.person_at(MergedTable::Decisions, 7, 30, at(9)), 30);
    }

    #[test]
    fn an_undone_merge_gives_the_row_back_from_the_undo_on() {
        let log = MergeLog::new([moved(1, 10, 20, 10, Some(12))]);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 10, at(9)), 10);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 10, at(11)), 20);
        assert_eq!(log.person_at(MergedTable::Stays, 7, 10, at(12)), 10);
    }

    #[test]
    fn a_merge_done_again_after_an_undo_counts_from_its_own_moment() {
        let log = MergeLog::new([moved(1, 10, 20, 10, Some(12)), moved(2, 10, 20, 14, None)]);
        for (h, who) in [(9, 10), (11, 20), (13, 10), (14, 20), (15, 20)] {
            assert_eq!(log.person_at(MergedTable::Stays, 7, 20, at(h)), who, "{h}");
        }
    }

    use crate::clients::Client;

    fn client(id: i64, restricted: bool, merged_into: Option<i64>) -> Client {
        Client {
            id,
            given_name: "Mo".into(),
            family_name: "Amrani".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 4, 3).unwrap(),
            bsn: None,
            phone: None,
            email: None,
            restricted,
            registered_by: crate::reference::GemeenteCode::parse("GM0406").unwrap(),
            created_at: at(1),
            version: 1,
            merged_into,
        }
    }

    #[test]
    fn which_records_cannot_be_merged() {
        let refused = |m: &Client, s: &Client, holds: bool| refuse_merge(m, s, holds).is_err();
        let (a, b) = (client(1, false, None), client(2, false, None));
        let (merged_a, merged_b) = (client(1, false, Some(9)), client(2, false, Some(9)));
        let (closed_a, closed_b) = (client(1, true, None), client(2, true, None));
        assert!(!refused(&a, &b, false));
        assert!(refused(&a, &a, false), "itself");
        assert!(refused(&a, &b, true), "a record holding others is kept");
        assert!(refused(&merged_a, &b, false), "merged already");
        assert!(refused(&a, &merged_b, false), "into a merged one");
        assert!(refused(&closed_a, &b, false), "restricted with open");
        assert!(refused(&a, &closed_b, false), "open with restricted");
        assert!(!refused(&closed_a, &closed_b, false));
    }

    #[test]
    fn the_input_names_what_is_missing() {
        let e = MergeInput::parse(&None, Some("  ")).unwrap_err();
        let DomainError::Invalid(errors) = e else {
            panic!("{e:?}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["behouden", "reden"]);
        assert!(MergeInput::parse(&Some("x".into()), Some("zelfde persoon")).is_err());
        assert!(MergeInput::parse(&Some("12".into()), Some(&"a".repeat(REASON_MAX + 1))).is_err());
        assert_eq!(
            MergeInput::parse(&Some(" 12 ".into()), Some(" zelfde persoon ")).unwrap(),
            MergeInput {
                survivor_id: 12,
                reason: "zelfde persoon".into()
            }
        );
    }
}
