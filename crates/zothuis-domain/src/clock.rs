//! Time is a parameter: domain code asks a `Clock`, never the system directly,
//! so tests can stand on any peildatum.

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Now, truncated to microseconds: the precision both SQLite (as text) and
    /// PostgreSQL (timestamptz) keep, so a stored timestamp reads back identical
    /// and the audit hash chain stays verifiable.
    fn now_micros(&self) -> DateTime<Utc> {
        self.now().trunc_subsecs(6)
    }

    fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }
}

/// The real clock, used by the server.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved; for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = at;
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut guard) = self.0.lock() {
            *guard += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
