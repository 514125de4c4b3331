//! Access to care: applications, assessments, decisions and the responsible
//! municipality.

pub mod woonplaats;
