//! Forecasts of demand for places per municipality and product to 2040
//! (issue 18): a stock-and-flow model fed by zothuis's own history
//! (`model`) and the population forecasts loaded as data (`population`).

pub mod history;
pub mod model;
pub mod population;
pub mod run;
pub mod scenario;
pub mod service;

pub use service::PopulationInput;
