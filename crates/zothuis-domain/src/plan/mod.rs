//! The regional policy plan (DESIGN.md "Policy plan and progress report"):
//! programme lines with numbered measures and their progress per reporting
//! period, decisions linked to measures, and the regional paragraph with
//! coded goals. This module holds the plan as a document — the structured
//! file a region loads its plan from and exports it to (JSON) — and checks
//! it completely before anything is stored.

pub mod document;

pub use document::{
    Besluit, Doel, Maatregel, Niveau, Onderdeel, PlanDocument, PlanProblem, Programmalijn,
    Rapportageperiode, Status, Voortgang,
};
