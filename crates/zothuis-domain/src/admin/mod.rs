//! Users, roles and scopes, API tokens, sessions and login.

pub mod model;
pub mod oidc;
pub mod second_factor;
pub mod secrets;
pub mod service;

pub use model::*;
