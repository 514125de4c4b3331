//! The one error type of the domain layer. The web crate renders it once:
//! problem+json for the API, an HTML page for people.

use thiserror::Error;

/// A field-level validation problem, with a Dutch message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Error)]
pub enum DomainError {
    #[error("niet gevonden: {0}")]
    NotFound(String),
    #[error("geen toegang: {0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The record was changed by someone else since the caller read it.
    #[error("verouderde versie: {0}")]
    StaleVersion(String),
    /// A record with the same natural key exists (a client with this BSN).
    /// `existing_id` is only given to a caller who may see that record.
    #[error("dubbel: {message}")]
    Duplicate {
        message: String,
        existing_id: Option<i64>,
    },
    #[error("ongeldige invoer")]
    Invalid(Vec<FieldError>),
    #[error("te veel pogingen: {0}")]
    TooManyAttempts(String),
    #[error("niet ingelogd")]
    Unauthenticated,
    /// The database could not store the change because its disk (or its
    /// configured maximum size) is full. Nothing was stored; the message is
    /// for the log.
    #[error("opslag vol: {0}")]
    StorageFull(String),
    /// The database could not be reached or failed to store the change (an
    /// I/O error, a lost connection). Nothing was stored; the message is for
    /// the log.
    #[error("database niet beschikbaar: {0}")]
    Unavailable(String),
    /// An internal failure; the message is for the log, never for the user.
    #[error("interne fout: {0}")]
    Internal(String),
}

impl DomainError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The same error with the fields of an `Invalid` named as a form or a
    /// file names them: `(from, to)` pairs, the domain's (API) name first.
    /// Other errors are returned as they are.
    pub fn renamed(self, names: &[(&str, &str)]) -> Self {
        match self {
            DomainError::Invalid(errors) => DomainError::Invalid(
                errors
                    .into_iter()
                    .map(|mut e| {
                        if let Some((_, to)) = names.iter().find(|(from, _)| *from == e.field) {
                            e.field = (*to).to_string();
                        }
                        e
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Collects field errors while parsing a whole form, so the user sees every
/// problem at once instead of one per submit.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when `result` is Ok, records the message under `field` otherwise.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError {
                    field: field.to_string(),
                    message: e.to_string(),
                });
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// The id of a choice from a list, as typed (a select's value or an
    /// API id): nothing when left empty, `message` under `field` when it is
    /// not a positive whole number.
    pub fn chosen_id(&mut self, field: &str, typed: &Option<String>, message: &str) -> Option<i64> {
        let typed = typed.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match typed.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.errors))
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
