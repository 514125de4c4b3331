//! Reference data: regions, municipalities, providers, products, locations and
//! capacity per location and product over time.

pub mod codes;
pub mod model;
pub mod service;

pub use codes::*;
pub use model::*;
