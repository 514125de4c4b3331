//! Clients (the journey issue builds on this area).

pub mod bsn;

pub use bsn::Bsn;
