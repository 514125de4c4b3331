//! Access to care: applications, assessments, decisions and the responsible
//! municipality.

pub mod assessment;
pub mod model;
pub mod service;
pub mod woonplaats;

pub use model::*;
