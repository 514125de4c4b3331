//! Figures (DESIGN.md "Figures (monitor)"): an indicator catalogue computed
//! from the journey's history for any peildatum or period, as known at any
//! moment, with small numbers suppressed for roles that see aggregates only.

pub mod catalogue;
pub mod cube;
pub mod engine;
pub mod facts;
pub mod protect;
pub mod service;
pub mod suppress;

pub use catalogue::{Dimension, Indicator, IndicatorId, Timing, Unit};
pub use engine::{Answer, Cell, Filter, Query, QueryError, Value, When, compute};
pub use facts::{Facts, History};
pub use protect::{MAX_AXES, Pattern};
pub use suppress::{SECONDARY_MARK, Shown, ShownAnswer, display, plain, shown};

#[cfg(test)]
mod tests;
