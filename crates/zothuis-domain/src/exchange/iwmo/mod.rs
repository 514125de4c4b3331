//! iWmo 3.2 (Zorginstituut Nederland's iStandaard for the Wmo): the
//! messages between a municipality and a provider. `schema` holds their
//! structure, `xml` reads and writes them, `toewijzing` makes a WMO301,
//! `regie` judges a WMO305 or WMO307 and answers it; `model` and `service`
//! keep the exchange: assignments, the message log, starts and stops.

pub mod model;
pub mod regie;
mod requests;
mod service;

pub use requests::{ANSWER_WORKING_DAYS, RequestReply, answer_by};
pub use service::{AssignmentChange, AssignmentInput};
pub mod schema;
pub mod toewijzing;
pub mod verzoek;
pub mod xml;

/// `XsdVersie` of the messages zothuis writes: the versions in the appinfo
/// of the iWmo 3.2 XSDs (WMO301.xsd: BerichtXsdVersie and
/// BasisschemaXsdVersie 1.0.0; invulinstructie IV034 says to take them
/// from there). A later patch release of the XSDs changes these.
pub const BASISSCHEMA_XSD_VERSIE: &str = "1.0.0";
pub const BERICHT_XSD_VERSIE: &str = "1.0.0";
