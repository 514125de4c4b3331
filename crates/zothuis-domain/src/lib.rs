//! zothuis domain: types, rules, state machines, access policy, audit events and
//! the store traits (ports). No I/O: storage comes in through `store::Store`,
//! time through `clock::Clock`.

/// A closed list of codes with their Dutch labels: `code`, `label` and
/// `parse` (with the message for a value not on the list).
macro_rules! code_list {
    ($t:ident, $msg:literal, $( $v:ident => ($code:literal, $label:literal) ),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $t { $( $v ),+ }
        impl $t {
            pub const ALL: &'static [$t] = &[$( $t::$v ),+];
            pub fn code(self) -> &'static str { match self { $( $t::$v => $code ),+ } }
            pub fn label(self) -> &'static str { match self { $( $t::$v => $label ),+ } }
            /// The position in `ALL` (the order of declaration): how the
            /// figures projection stores it.
            pub fn index(self) -> u8 { self as u8 }
            pub fn parse(s: &str) -> Result<$t, &'static str> {
                Self::ALL.iter().copied().find(|x| x.code() == s.trim()).ok_or($msg)
            }
        }
    };
}

pub mod access;
pub mod admin;
pub mod audit;
pub mod care;
pub mod clients;
pub mod clock;
pub mod dates;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod figures;
pub mod finance;
pub mod forecast;
pub mod history;
pub mod import;
pub mod outflow;
pub mod outreach;
pub mod paging;
pub mod plan;
pub mod policy;
pub mod privacy;
pub mod reference;
pub mod service;
pub mod shelter;
pub mod store;
pub mod tenancy;
pub mod waitlist;

pub use dates::Datum;
pub use error::{DomainError, DomainResult, FieldError};
pub use service::{Services, Settings};
