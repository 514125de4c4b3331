//! Care: screening outcomes, stays (placement, transfer, exit).

pub mod model;
pub mod service;

pub use model::*;
