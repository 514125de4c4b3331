//! Clients: personal details, address history and restricted access.

pub mod bsn;
pub mod model;
pub mod service;

pub use bsn::Bsn;
pub use model::*;
