//! Users, roles and scopes, API tokens, sessions and login.

pub mod model;
pub mod secrets;
pub mod service;

pub use model::*;
