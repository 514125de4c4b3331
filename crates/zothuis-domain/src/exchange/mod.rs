//! Exchange with providers and the state: iWmo 3.2 messages (`iwmo`) and
//! the CBS Monitor Dakloosheid (`cbs`).

pub mod cbs;
mod cbs_service;
pub mod iwmo;

pub use cbs_service::CbsInput;
