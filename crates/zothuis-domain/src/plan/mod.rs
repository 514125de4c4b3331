//! The regional policy plan (DESIGN.md "Policy plan and progress report"):
//! programme lines with numbered measures and their progress per reporting
//! period, decisions linked to measures, and the regional paragraph with
//! coded goals. This module holds the plan as a document — the structured
//! file a region loads its plan from and exports it to (JSON) — and checks
//! it completely before anything is stored.

pub mod document;
pub mod report;
pub mod reporting;
pub mod service;
pub mod text;

pub use document::{
    Besluit, Doel, Maatregel, Niveau, Onderdeel, PlanDocument, PlanProblem, Programmalijn,
    Rapportageperiode, Status, Voortgang,
};

use chrono::{DateTime, NaiveDate, Utc};

/// One stored version of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanVersion {
    pub plan_id: i64,
    pub region_id: i64,
    pub title: String,
    /// The id of this version: the ETag of the plan.
    pub version_id: i64,
    /// The plan document (JSON), as checked when it was stored.
    pub document: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl PlanVersion {
    /// How many measures the stored plan has.
    pub fn measure_count(&self) -> usize {
        serde_json::from_str::<PlanDocument>(&self.document)
            .map(|d| d.measures().count())
            .unwrap_or(0)
    }
}

impl crate::history::Recorded for PlanVersion {
    fn row_id(&self) -> i64 {
        self.version_id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

/// A progress report as it is published: frozen text, period, peildatum and
/// moment of publication. `figures` is the snapshot of the figures as
/// printed (JSON), kept to show that regenerating gives the same.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublication {
    pub plan_id: i64,
    pub plan_version_id: i64,
    pub period: String,
    pub peildatum: NaiveDate,
    pub introduction: String,
    pub document: String,
    pub figures: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

/// A stored published report.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub id: i64,
    pub report: NewPublication,
}
