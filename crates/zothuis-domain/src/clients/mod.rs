//! Clients: personal details, address history and restricted access.

pub mod bsn;
pub mod duplicates;
pub mod merge;
mod merging;
pub mod model;
pub mod service;

pub use bsn::Bsn;
pub use model::*;

/// The answer to a BSN that is already registered for a client the caller
/// may not see: the same whether that client is out of scope or restricted.
pub const BSN_NOT_REGISTRABLE: &str = "Dit BSN kan hier niet worden geregistreerd. \
    Neem contact op met de wachtlijstbeheerder van uw regio of met de functionaris \
    gegevensbescherming; zij kunnen nagaan wat er aan de hand is.";

/// The import's answer to a BSN that is already registered, whoever's it is.
pub const BSN_NOT_IMPORTABLE: &str = "dit BSN kan niet worden geïmporteerd: importeer alleen \
    nieuwe cliënten. Vindt u de cliënt niet in zothuis, neem dan contact op met de \
    functionaris gegevensbescherming";
