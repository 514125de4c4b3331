//! The regional waiting list.

pub mod status;

pub use status::*;
