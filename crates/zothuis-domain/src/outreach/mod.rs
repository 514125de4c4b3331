//! Zorgcoördinatie / bemoeizorg: meldingen grouped into trajectories, seen
//! only by the region's outreach team.

pub mod model;
pub mod service;

pub use model::*;
