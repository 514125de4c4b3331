//! Anchors for the audit chain outside the database. The hash chain alone
//! finds a changed or removed row, but not someone with write access to the
//! database who cuts off the tail, or rewrites rows and recomputes every
//! hash after them: the shortened or rewritten chain is again consistent.
//!
//! A checkpoint records, at a moment, the sequence number and hash of the
//! last row, with an HMAC-SHA256 (RFC 2104) under a key that is kept
//! outside the database. Checkpoints are appended to a file outside the
//! database too. `audit verify` then finds a cut tail (a checkpointed row is
//! missing) and a recomputed chain (a checkpointed row has another hash);
//! without the key nobody can write a checkpoint that matches a forged chain.

use super::ChainBreak;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

type HmacSha256 = Hmac<Sha256>;

/// The length of a checkpoint key in bytes (the size of the hash, as
/// RFC 2104 section 3 recommends).
pub const KEY_BYTES: usize = 32;

/// A secret for signing checkpoints.
#[derive(Clone)]
pub struct CheckpointKey(Vec<u8>);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointKey(…)")
    }
}

impl CheckpointKey {
    /// A new random key.
    pub fn generate() -> CheckpointKey {
        let bytes: [u8; KEY_BYTES] = rand::random();
        CheckpointKey(bytes.to_vec())
    }

    /// Reads a key as written by `to_hex`.
    pub fn parse(text: &str) -> Result<CheckpointKey, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "de sleutel is geen hexadecimale tekst".to_string())?;
        if bytes.len() != KEY_BYTES {
            return Err(format!(
                "de sleutel moet {KEY_BYTES} bytes zijn ({} hexadecimale tekens)",
                KEY_BYTES * 2
            ));
        }
        Ok(CheckpointKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    fn mac(&self, seq: i64, hash: &str, at: &str) -> HmacSha256 {
        // Any key length is valid for HMAC, so this cannot fail; the key
        // length is checked on parse anyway.
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        for field in ["zothuis-auditcontrolepunt-1", &seq.to_string(), hash, at] {
            m.update(&(field.len() as u64).to_be_bytes());
            m.update(field.as_bytes());
        }
        m
    }
}

/// The sequence number and hash of the last audit row at a moment, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub written_at: DateTime<Utc>,
    pub mac: String,
}

impl Checkpoint {
    pub fn sign(key: &CheckpointKey, seq: i64, hash: &str, at: DateTime<Utc>) -> Checkpoint {
        let written_at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mac = hex::encode(key.mac(seq, hash, &written_at).finalize().into_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            written_at: at,
            mac,
        }
    }

    fn is_authentic(&self, key: &CheckpointKey) -> bool {
        let Ok(mac) = hex::decode(&self.mac) else {
            return false;
        };
        let at = self.written_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        key.mac(self.seq, &self.hash, &at)
            .verify_slice(&mac)
            .is_ok()
    }

    /// One line of the checkpoint file: `seq hash time mac`.
    pub fn to_line(&self) -> String {
        format!(
            "{} {} {} {}",
            self.seq,
            self.hash,
            self.written_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.mac
        )
    }

    pub fn parse_line(line: &str) -> Option<Checkpoint> {
        let mut parts = line.split_whitespace();
        let seq = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_string();
        let written_at = DateTime::parse_from_rfc3339(parts.next()?)
            .ok()?
            .with_timezone(&Utc);
        let mac = parts.next()?.to_string();
        if parts.next().is_some() {
            return None;
        }
        Some(Checkpoint {
            seq,
            hash,
            written_at,
            mac,
        })
    }
}

/// The checkpoints of a file, each checked against the key; what a chain
/// must agree with.
#[derive(Debug, Default)]
pub struct Anchors {
    by_seq: BTreeMap<i64, Checkpoint>,
}

impl Anchors {
    /// Reads the checkpoint file's text. A line that does not parse or whose
    /// MAC does not match the key is a break: someone wrote it without the
    /// key (or the key is not the one it was written with).
    pub fn read(text: &str, key: &CheckpointKey) -> Result<Anchors, ChainBreak> {
        let mut by_seq = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| ChainBreak {
                seq: 0,
                reason: format!("controlepunt op regel {} van het bestand {why}", i + 1),
            };
            let cp = Checkpoint::parse_line(line).ok_or_else(|| bad("is onleesbaar"))?;
            if !cp.is_authentic(key) {
                return Err(bad(
                    "is niet met deze sleutel ondertekend (vervalst, of een andere sleutel)",
                ));
            }
            by_seq.insert(cp.seq, cp);
        }
        Ok(Anchors { by_seq })
    }

    pub fn last(&self) -> Option<&Checkpoint> {
        self.by_seq.values().next_back()
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// A row of the chain (already checked by the `ChainVerifier`) against
    /// the checkpoint at its sequence number, if any.
    pub fn check_row(&self, seq: i64, hash: &str) -> Result<(), ChainBreak> {
        match self.by_seq.get(&seq) {
            Some(cp) if cp.hash != hash => Err(ChainBreak {
                seq,
                reason: format!(
                    "de regel wijkt af van het controlepunt van {}: de keten is vanaf hier of eerder herschreven",
                    cp.written_at.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            }),
            _ => Ok(()),
        }
    }

    /// After the last row: a checkpoint beyond it means rows were cut off.
    pub fn check_end(&self, last_seq: i64) -> Result<(), ChainBreak> {
        match self.last() {
            Some(cp) if cp.seq > last_seq => Err(ChainBreak {
                seq: cp.seq,
                reason: format!(
                    "regel {} stond op {} in het auditlog maar ontbreekt nu (laatste regel: {last_seq}): het einde van het auditlog is verwijderd",
                    cp.seq,
                    cp.written_at.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_checkpoint_written_with_the_key_reads_back() {
        let key = CheckpointKey::generate();
        let cp = Checkpoint::sign(&key, 7, "ab", at());
        let anchors = Anchors::read(&format!("{}\n", cp.to_line()), &key).unwrap();
        assert_eq!(anchors.last(), Some(&cp));
    }

    #[test]
    fn a_checkpoint_forged_without_the_key_is_refused() {
        let key = CheckpointKey::generate();
        let other = CheckpointKey::generate();
        let forged = Checkpoint::sign(&other, 7, "ab", at());
        let err = Anchors::read(&forged.to_line(), &key).unwrap_err();
        assert!(
            err.reason.contains("niet met deze sleutel"),
            "{}",
            err.reason
        );
        let mut altered = Checkpoint::sign(&key, 7, "ab", at());
        altered.hash = "cd".into();
        assert!(Anchors::read(&altered.to_line(), &key).is_err());
    }

    #[test]
    fn a_cut_tail_and_a_rewritten_row_are_found() {
        let key = CheckpointKey::generate();
        let anchors =
            Anchors::read(&Checkpoint::sign(&key, 7, "ab", at()).to_line(), &key).unwrap();
        assert!(anchors.check_row(7, "ab").is_ok());
        assert_eq!(anchors.check_row(7, "cd").unwrap_err().seq, 7);
        assert!(anchors.check_end(7).is_ok());
        assert!(
            anchors
                .check_end(6)
                .unwrap_err()
                .reason
                .contains("verwijderd")
        );
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(CheckpointKey::parse("abcd").is_err());
        let key = CheckpointKey::generate();
        assert_eq!(
            CheckpointKey::parse(&key.to_hex()).unwrap().to_hex(),
            key.to_hex()
        );
    }
}
