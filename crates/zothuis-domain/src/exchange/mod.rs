//! Exchange with providers and the state: iWmo 3.2 messages (`iwmo`).

pub mod iwmo;
