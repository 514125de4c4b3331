//! The regional waiting list.

pub mod matching;
pub mod model;
pub mod review;
pub mod service;
pub mod status;

pub use model::*;
pub use service::{WaitlistFilter, WaitlistLine};
pub use status::*;
