//! The central access point for shelter (Brede Centrale Toegang): signals,
//! trajectories and threatened homelessness, with the municipality of
//! origin and the outcome.

pub mod model;
pub mod service;

pub use model::*;
