//! Money: tariffs per product and provider, and the cost of care derived
//! from the stays as known at any moment, attributed to the responsible
//! municipality (DESIGN.md "Money").

pub mod budget;
pub mod cost;
pub mod forecast;
pub mod model;
pub mod service;
pub mod settlement;
pub mod settlement_service;

pub use cost::{Cohort, CostKey, CostQuery, CostResult, Period, Split};
pub use model::*;
