//! The audit chain's anchors on disk: the checkpoint key and the
//! append-only checkpoint file, both outside the database (see
//! `zothuis_domain::audit::anchor` and the README's "Auditlog verankeren").

use crate::config::Config;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use zothuis_domain::Services;
use zothuis_domain::audit::ChainBreak;
use zothuis_domain::audit::anchor::{Anchors, Checkpoint, CheckpointKey};
use zothuis_domain::clock::{Clock, SystemClock};

pub struct AnchorFiles {
    pub key: PathBuf,
    pub log: PathBuf,
}

/// Checkpoints exist but their key does not.
pub struct KeyMissing;

impl AnchorFiles {
    pub fn from_config(config: &Config) -> AnchorFiles {
        let dir = &config.storage.data_dir;
        AnchorFiles {
            key: config
                .audit
                .key_file
                .clone()
                .unwrap_or_else(|| dir.join("audit-sleutel")),
            log: config
                .audit
                .checkpoint_file
                .clone()
                .unwrap_or_else(|| dir.join("audit-controlepunten.log")),
        }
    }

    fn has_checkpoints(&self) -> bool {
        std::fs::metadata(&self.log).is_ok_and(|m| m.len() > 0)
    }

    /// The key, created (readable by its owner only) when there is neither a
    /// key nor a checkpoint yet. Never silently replaced: a new key next to
    /// old checkpoints would make them all unverifiable, which is exactly
    /// what someone hiding a rewrite would want.
    pub fn key(&self) -> Result<Result<CheckpointKey, KeyMissing>> {
        match std::fs::read_to_string(&self.key) {
            Ok(text) => {
                let key = CheckpointKey::parse(&text)
                    .map_err(|e| anyhow::anyhow!("sleutelbestand {}: {e}", self.key.display()))?;
                Ok(Ok(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.has_checkpoints() {
                    return Ok(Err(KeyMissing));
                }
                let key = CheckpointKey::generate();
                write_secret(&self.key, &key.to_hex())?;
                Ok(Ok(key))
            }
            Err(e) => {
                Err(e).with_context(|| format!("sleutelbestand {} lezen", self.key.display()))
            }
        }
    }

    /// The checkpoints written so far, each checked against the key.
    pub fn anchors(&self, key: &CheckpointKey) -> Result<Result<Anchors, ChainBreak>> {
        let text = match std::fs::read_to_string(&self.log) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("controlepunten {} lezen", self.log.display()));
            }
        };
        Ok(Anchors::read(&text, key))
    }

    /// Appends a checkpoint for the last audit row, when there are rows
    /// after the last checkpoint. Written through to disk before returning.
    pub async fn checkpoint(
        &self,
        services: &Services,
        key: &CheckpointKey,
        last: Option<i64>,
    ) -> Result<Option<Checkpoint>> {
        let Some((seq, hash)) = services
            .audit_head()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
        else {
            return Ok(None);
        };
        if last.is_some_and(|l| l >= seq) {
            return Ok(None);
        }
        let cp = Checkpoint::sign(key, seq, &hash, SystemClock.now());
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("controlepunten {} openen", self.log.display()))?;
        writeln!(f, "{}", cp.to_line())
            .and_then(|()| f.sync_data())
            .with_context(|| format!("controlepunt schrijven in {}", self.log.display()))?;
        Ok(Some(cp))
    }
}

fn write_secret(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("sleutelbestand {} aanmaken", path.display()))?;
    writeln!(f, "{text}")?;
    f.sync_all()?;
    Ok(())
}

/// `zothuis serve`: the key (or why there is none) and a task that writes a
/// checkpoint every `seconds`.
pub fn start(files: AnchorFiles, services: Services, seconds: u64) -> Result<CheckpointKey> {
    let key = match files.key()? {
        Ok(k) => k,
        Err(KeyMissing) => bail!(
            "de sleutel van de auditcontrolepunten ({}) ontbreekt, maar er zijn controlepunten ({}). Zet de sleutel terug; zonder sleutel kan niemand het auditlog nog controleren (zie de README, Auditlog verankeren)",
            files.key.display(),
            files.log.display()
        ),
    };
    let task_key = key.clone();
    tokio::spawn(async move {
        let mut last = match files.anchors(&task_key) {
            Ok(Ok(a)) => a.last().map(|c| c.seq),
            _ => None,
        };
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(seconds.max(1)));
        loop {
            tick.tick().await;
            match files.checkpoint(&services, &task_key, last).await {
                Ok(Some(cp)) => last = Some(cp.seq),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "auditcontrolepunt schrijven mislukt")
                }
            }
        }
    });
    Ok(key)
}
