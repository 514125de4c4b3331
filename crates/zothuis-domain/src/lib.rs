//! zothuis domain: types, rules, state machines, access policy, audit events and
//! the store traits (ports). No I/O: storage comes in through `store::Store`,
//! time through `clock::Clock`.

pub mod access;
pub mod admin;
pub mod audit;
pub mod care;
pub mod clients;
pub mod clock;
pub mod dates;
pub mod demo;
pub mod error;
pub mod figures;
pub mod history;
pub mod import;
pub mod paging;
pub mod plan;
pub mod policy;
pub mod reference;
pub mod service;
pub mod store;
pub mod waitlist;

pub use dates::Datum;
pub use error::{DomainError, DomainResult, FieldError};
pub use service::{Services, Settings};
