//! Password hashing and random secrets.

use crate::error::{DomainError, DomainResult};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id (the argon2 crate's default: Argon2id v19,
/// m = 19 MiB, t = 2, p = 1, OWASP's recommended minimum).
pub fn hash_password(password: &str) -> DomainResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("wachtwoord hashen: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that no password matches, verified against when a username does not
/// exist, so a login takes as long for unknown users as for known ones.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$WdGq8Zb7wlcbYJMIvJh1ZLWQgX9hCG7lHcYuUz3B0Nc"
}

/// 32 random bytes as hex: session ids, CSRF tokens and API tokens.
pub fn random_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Secrets are stored as their SHA-256, so a copy of the database does not
/// give away live sessions or tokens.
pub fn secret_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A readable random password for demo accounts: four groups of five letters
/// and digits, without characters that are easily confused.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes: [u8; 20] = rand::random();
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash_password("correct paard batterij niet").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct paard batterij niet", &h));
        assert!(!verify_password("correct paard batterij", &h));
    }

    #[test]
    fn the_dummy_hash_matches_nothing_and_parses() {
        assert!(PasswordHash::new(dummy_hash()).is_ok());
        assert!(!verify_password("", dummy_hash()));
    }

    #[test]
    fn secrets_are_unique_and_long() {
        let a = random_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_secret());
        assert_eq!(random_password().len(), 23);
    }
}
