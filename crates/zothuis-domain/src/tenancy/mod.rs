//! Huren Onder Voorwaarden (HOV): tenancies under conditions, agreed in a
//! covenant by corporation, provider and municipality, with the
//! municipality keeping process control.

pub mod model;
pub mod service;

pub use model::*;
