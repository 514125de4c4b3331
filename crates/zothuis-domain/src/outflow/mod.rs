//! Outflow from care to a home of one's own: Pact voor uitstroom quotas,
//! nominations with their allocation or withdrawal, and aftercare.

pub mod model;
pub mod service;

pub use model::*;
