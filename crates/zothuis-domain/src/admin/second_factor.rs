//! The second factor of a local login: a time-based one-time code (TOTP,
//! RFC 6238) from an authenticator app, with the parameters every app
//! supports (HMAC-SHA1, 6 digits, 30-second steps) and one step of clock
//! skew either way (RFC 6238 § 5.2). A code is accepted once: the store keeps
//! the last accepted step (`AdminStore::use_second_factor_step`).

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The name authenticator apps show above the code.
pub const ISSUER: &str = "zothuis";

/// Bytes of a new secret: 160 bits, as RFC 4226 § 4 recommends.
const SECRET_BYTES: usize = 20;

/// A new random secret, in base32 (what apps accept when typed).
pub fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp(secret: &str, account: &str) -> DomainResult<Totp> {
    let bytes = Secret::try_from_base32(secret.trim())
        .map_err(|_| DomainError::invalid("geheim", "de sleutel is geen geldige base32-tekst"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(bytes)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "-"))
        .build()
        .map_err(|_| {
            DomainError::invalid(
                "geheim",
                "de sleutel is te kort: gebruik de sleutel die zothuis aanbiedt",
            )
        })
}

/// The `otpauth://` address an app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str) -> DomainResult<String> {
    totp(secret, account)?
        .to_url()
        .map_err(|e| DomainError::Internal(format!("otpauth-adres: {e}")))
}

/// The time step a code is valid for at `now`, if it is valid (spaces in
/// the code are allowed: apps show "123 456").
pub fn check(secret: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let time = u64::try_from(now.timestamp()).ok()?;
    let step = totp(secret, "x").ok()?.check(&code, time)?;
    i64::try_from(step).ok()
}

/// The code for `now` (what the app shows); for tests and the demo.
pub fn code_at(secret: &str, now: DateTime<Utc>) -> DomainResult<String> {
    let time = u64::try_from(now.timestamp())
        .map_err(|_| DomainError::Internal("tijd voor 1970".into()))?;
    Ok(totp(secret, "x")?.generate(time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238 appendix B: the SHA-1 secret "12345678901234567890".
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
    }

    #[test]
    fn codes_follow_the_rfc_test_vectors() {
        // The 8-digit values of the RFC end in these 6 digits.
        assert_eq!(code_at(RFC_SECRET, at(59)).ok().as_deref(), Some("287082"));
        assert_eq!(
            code_at(RFC_SECRET, at(1_111_111_109)).ok().as_deref(),
            Some("081804")
        );
        assert_eq!(check(RFC_SECRET, "287 082", at(59)), Some(1));
    }

    #[test]
    fn a_code_is_valid_one_step_either_way_and_not_beyond() {
        let secret = new_secret();
        let now = at(1_800_000_000);
        let code = code_at(&secret, now).unwrap_or_default();
        let step = 1_800_000_000 / 30;
        assert_eq!(check(&secret, &code, now), Some(step));
        assert_eq!(
            check(&secret, &code, now + chrono::Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            check(&secret, &code, now - chrono::Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            check(&secret, &code, now + chrono::Duration::seconds(90)),
            None
        );
        assert_eq!(check(&secret, "12345", now), None);
        assert_eq!(check(&secret, "abcdef", now), None);
        assert_eq!(check("not base32!", &code, now), None);
    }

    #[test]
    fn a_new_secret_is_160_bits_and_makes_an_app_address() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "20 bytes in base32");
        assert_ne!(secret, new_secret());
        let url = otpauth_url(&secret, "beheerder").unwrap_or_default();
        assert!(
            url.starts_with("otpauth://totp/zothuis:beheerder?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        assert!(otpauth_url("GEZDGNBV", "x").is_err(), "too short a secret");
    }
}
