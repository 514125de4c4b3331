//! Configuration: built-in defaults, then an optional `zothuis.toml`, then
//! environment variables `ZOTHUIS__SECTION__KEY` (e.g.
//! `ZOTHUIS__DATABASE__URL`), then command-line flags.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub database: DatabaseConfig,
    pub security: SecurityConfig,
    pub waitlist: WaitlistConfig,
    pub figures: FiguresConfig,
    pub toegang_opvang: ShelterAccessConfig,
    pub uitstroom: OutflowConfig,
    pub financien: FinanceConfig,
    pub audit: AuditConfig,
    pub privacy: PrivacyConfig,
    pub cbs: CbsConfig,
    pub log: LogConfig,
    /// Sign-in through the municipality's identity provider; without this
    /// section only local accounts log in.
    pub oidc: Option<OidcConfig>,
}

/// The identity provider (OpenID Connect; domain `admin::oidc`). The secret
/// belongs in the environment (`ZOTHUIS__OIDC__CLIENT_SECRET`), not in a
/// file under version control.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The provider's issuer, e.g. `https://login.gemeente.nl/realms/zothuis`.
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    /// As registered at the provider: this installation's address followed
    /// by `/inloggen/oidc/terug`.
    pub redirect_url: String,
    /// Scopes besides `openid`.
    #[serde(default = "oidc_scopes")]
    pub scopes: Vec<String>,
    /// The ID token claim with the groups.
    #[serde(default = "oidc_groups_claim")]
    pub groepen_claim: String,
    /// What the login page calls the provider's account.
    #[serde(default = "oidc_label")]
    pub knoptekst: String,
    /// `amr` values that show a second factor (RFC 8176).
    #[serde(default = "oidc_amr")]
    pub tweede_factor_amr: Vec<String>,
    /// Minutes a sign-in at the provider may take.
    #[serde(default = "oidc_minutes")]
    pub inlog_minuten: i64,
    /// Group → role and scope; the first rule whose group a person has decides.
    #[serde(default)]
    pub groep: Vec<OidcGroupConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcGroupConfig {
    pub groep: String,
    /// A role code, e.g. `wmo-consulent`.
    pub rol: String,
    /// As for a user: `installatie`, `regio:CODE`, `gemeente:GM0000`,
    /// `aanbieder:ID` or `corporatie:ID`.
    pub scope: String,
}

fn oidc_scopes() -> Vec<String> {
    vec!["profile".into(), "email".into()]
}
fn oidc_groups_claim() -> String {
    "groups".into()
}
fn oidc_label() -> String {
    "uw gemeente-account".into()
}
fn oidc_amr() -> Vec<String> {
    zothuis_domain::admin::oidc::SECOND_FACTOR_AMR
        .iter()
        .map(|s| s.to_string())
        .collect()
}
fn oidc_minutes() -> i64 {
    zothuis_domain::admin::oidc::LOGIN_MINUTES
}

impl OidcConfig {
    fn settings(&self) -> Result<zothuis_domain::admin::oidc::OidcSettings> {
        use zothuis_domain::admin::oidc::{GroupRule, OidcSettings};
        use zothuis_domain::admin::{Role, ScopeSpec};
        let url = |name: &str, value: &str| -> Result<String> {
            let v = value.trim();
            if v.starts_with("https://") || v.starts_with("http://") {
                Ok(v.to_string())
            } else {
                bail!("[oidc] {name}: schrijf een volledig adres dat begint met https://")
            }
        };
        if self.client_id.trim().is_empty() {
            bail!("[oidc] client_id ontbreekt");
        }
        if self.client_secret.trim().is_empty() {
            bail!(
                "[oidc] client_secret ontbreekt: zet het geheim in de omgevingsvariabele ZOTHUIS__OIDC__CLIENT_SECRET"
            );
        }
        if !(1..=60).contains(&self.inlog_minuten) {
            bail!("[oidc] inlog_minuten: kies 1 tot en met 60 minuten");
        }
        if self.groep.is_empty() {
            bail!("[oidc] noem met [[oidc.groep]] minstens één groep met rol en scope");
        }
        let rules = self
            .groep
            .iter()
            .map(|g| {
                let role = Role::parse(&g.rol)
                    .map_err(|e| anyhow::anyhow!("[[oidc.groep]] {}: rol: {e}", g.groep))?;
                let scope = ScopeSpec::parse(&g.scope)
                    .map_err(|e| anyhow::anyhow!("[[oidc.groep]] {}: scope: {e}", g.groep))?;
                Ok(GroupRule {
                    group: g.groep.clone(),
                    role,
                    scope,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OidcSettings {
            issuer: url("issuer", &self.issuer)?,
            client_id: self.client_id.trim().to_string(),
            client_secret: self.client_secret.trim().to_string(),
            redirect_url: url("redirect_url", &self.redirect_url)?,
            scopes: self.scopes.clone(),
            groups_claim: self.groepen_claim.clone(),
            label: self.knoptekst.clone(),
            rules,
            second_factor_amr: self.tweede_factor_amr.clone(),
            login_minutes: self.inlog_minuten,
        })
    }
}

/// Privacy: how alike two names with the same date of birth must be to be
/// proposed as one person (`clients::duplicates`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Jaro-Winkler similarity from 0.5 to 1 (1: only the same name).
    pub dubbel_drempel: f64,
    /// Roles (codes) that must log in with a second factor; the
    /// administrator always must.
    pub tweede_factor_verplicht: Vec<String>,
    /// Years a record is kept after its last activity when a provision was
    /// granted, and when none was (`privacy::retention`).
    pub bewaren_jaren_na_zorg: u32,
    pub bewaren_jaren_zonder_voorziening: u32,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            dubbel_drempel: zothuis_domain::Settings::default().duplicate_threshold,
            tweede_factor_verplicht: Vec::new(),
            bewaren_jaren_na_zorg: zothuis_domain::privacy::retention::RetentionPeriods::default()
                .years_after_care,
            bewaren_jaren_zonder_voorziening:
                zothuis_domain::privacy::retention::RetentionPeriods::default()
                    .years_without_provision,
        }
    }
}

/// The CBS Monitor Dakloosheid: which products (by code) count in which
/// ETHOS Light category (`exchange::cbs::EthosMapping`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CbsConfig {
    /// ETHOS Light 2: nachtopvang, passantenverblijf, crisisopvang.
    pub noodopvang: Vec<String>,
    /// ETHOS Light 3: daklozen-, jongeren- en gezinsopvang.
    pub tijdelijke_opvang: Vec<String>,
    /// ETHOS Light 3, maar niet in de monitor van het CBS.
    pub vrouwenopvang: Vec<String>,
}

impl Default for CbsConfig {
    fn default() -> Self {
        let m = zothuis_domain::exchange::cbs::EthosMapping::default();
        CbsConfig {
            noodopvang: m.noodopvang,
            tijdelijke_opvang: m.tijdelijke_opvang,
            vrouwenopvang: m.vrouwenopvang,
        }
    }
}

/// The central access point for shelter (`shelter::OriginRule`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShelterAccessConfig {
    /// How the municipality of origin is found: `adres-eerst` (the last
    /// registered address, else what the person states) or `opgave-eerst`.
    pub herkomst: String,
    /// Regions (by code) with a rule of their own, e.g. `{ ZKI = "opgave-eerst" }`.
    pub herkomst_per_regio: std::collections::BTreeMap<String, String>,
}

impl Default for ShelterAccessConfig {
    fn default() -> Self {
        ShelterAccessConfig {
            herkomst: zothuis_domain::Settings::default()
                .origin_rule
                .code()
                .to_string(),
            herkomst_per_regio: std::collections::BTreeMap::new(),
        }
    }
}

/// The Pact voor uitstroom: the target for the wait from nomination to key.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutflowConfig {
    /// Calendar months from nomination to key that the region aims for
    /// (the Pact's "gewenste zes maanden"; a regional agreement).
    pub norm_maanden: u32,
}

impl Default for OutflowConfig {
    fn default() -> Self {
        OutflowConfig {
            norm_maanden: zothuis_domain::Settings::default().outflow_target_months,
        }
    }
}

/// The money area: the day the historical cohort is counted on
/// (`finance::Cohort`). Without it, the day the region's regime changes to
/// the woonplaatsbeginsel.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FinanceConfig {
    /// A date (jjjj-mm-dd) for every region, e.g. `"2025-01-01"`.
    pub historisch_peildatum: Option<String>,
    /// Regions (by code) with a date of their own, e.g. `{ ZKI = "2025-01-01" }`.
    pub historisch_peildatum_per_regio: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// The key that signs the audit checkpoints; default `audit-sleutel` in
    /// the data directory. Keep it where the database's writers cannot go.
    pub key_file: Option<PathBuf>,
    /// The append-only file of checkpoints; default
    /// `audit-controlepunten.log` in the data directory.
    pub checkpoint_file: Option<PathBuf>,
    /// Seconds between checkpoints while `zothuis serve` runs.
    pub checkpoint_seconds: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            key_file: None,
            checkpoint_file: None,
            checkpoint_seconds: 300,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FiguresConfig {
    /// Counts from 1 up to (not including) this number are shown as "<n" to
    /// roles that see aggregates only; 0 or 1 shows everything.
    pub suppress_below: u64,
}

impl Default for FiguresConfig {
    fn default() -> Self {
        FiguresConfig {
            suppress_below: zothuis_domain::Settings::default().small_numbers,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaitlistConfig {
    /// Weeks between review meetings for a municipality without its own cycle.
    pub review_weeks_default: i64,
    /// The order in which actively waiting clients are proposed for a
    /// vacancy: urgentie, actieve-wachttijd, wachttijd-sinds-beschikking.
    pub priority: Vec<String>,
}

impl Default for WaitlistConfig {
    fn default() -> Self {
        let d = zothuis_domain::Settings::default();
        WaitlistConfig {
            review_weeks_default: d.review_weeks_default,
            priority: d.priority.iter().map(|p| p.code().to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: String,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; empty means the SQLite file in the
    /// data directory.
    pub url: Option<String>,
    /// SQLite only: the largest the database file may grow, in pages of
    /// 4 KiB (`PRAGMA max_page_count`). A write beyond it is refused with
    /// 507, as on a full disk. Empty: only the disk limits it.
    pub max_pages: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    pub login_max_failures: i64,
    pub login_max_failures_per_origin: i64,
    pub login_window_minutes: i64,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Failed look-ups of a person by BSN and date of birth per user within
    /// the login window (`Settings::lookup_max_failures`).
    pub bsn_zoeken_max_mislukt: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    pub level: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            secure_cookies: false,
            trust_forwarded_for: false,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data_dir: PathBuf::from("data"),
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        let d = zothuis_domain::Settings::default();
        SecurityConfig {
            login_max_failures: d.login_max_failures,
            login_max_failures_per_origin: d.login_max_failures_per_origin,
            login_window_minutes: d.login_window_minutes,
            session_idle_minutes: d.session_idle_minutes,
            session_absolute_hours: d.session_absolute_hours,
            bsn_zoeken_max_mislukt: d.lookup_max_failures,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

/// Where the database lives, decided from the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(String),
    Postgres(String),
}

impl Config {
    /// Loads the layers. `file` is `--config`; without it `./zothuis.toml` is
    /// read when present.
    pub fn load(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Config> {
        let mut table = toml::Table::new();
        let path = match file {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from("zothuis.toml")).filter(|p| p.exists()),
        };
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("configuratiebestand {} lezen", path.display()))?;
            table = text.parse::<toml::Table>().with_context(|| {
                format!(
                    "configuratiebestand {} is geen geldige TOML",
                    path.display()
                )
            })?;
        }
        for (key, value) in env {
            let Some(rest) = key.strip_prefix("ZOTHUIS__") else {
                continue;
            };
            let Some((section, field)) = rest.split_once("__") else {
                bail!("omgevingsvariabele {key}: gebruik ZOTHUIS__SECTIE__SLEUTEL");
            };
            let section = section.to_ascii_lowercase();
            let field = field.to_ascii_lowercase();
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(t) = entry else {
                bail!("omgevingsvariabele {key}: [{section}] is geen sectie");
            };
            t.insert(field, env_value(&value));
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .context("ongeldige configuratie")?;
        Ok(config)
    }

    pub fn database(&self) -> Result<DatabaseLocation> {
        let url = match self
            .database
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(u) => u.to_string(),
            None => format!(
                "sqlite://{}",
                self.storage.data_dir.join("zothuis.sqlite").display()
            ),
        };
        if url.starts_with("sqlite:") {
            Ok(DatabaseLocation::Sqlite(url))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseLocation::Postgres(url))
        } else {
            // Never guess: an unknown scheme must not silently create a new file.
            bail!(
                "onbekend database-adres: het moet beginnen met sqlite:// of postgres:// (nu: {}://…)",
                url.split("://").next().unwrap_or_default()
            )
        }
    }

    pub fn settings(&self) -> Result<zothuis_domain::Settings> {
        use zothuis_domain::shelter::OriginRule;
        use zothuis_domain::waitlist::matching::Priority;
        let priority = self
            .waitlist
            .priority
            .iter()
            .map(|p| Priority::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("[waitlist] priority: {e}"))?;
        Ok(zothuis_domain::Settings {
            login_max_failures: self.security.login_max_failures,
            login_max_failures_per_origin: self.security.login_max_failures_per_origin,
            login_window_minutes: self.security.login_window_minutes,
            session_idle_minutes: self.security.session_idle_minutes,
            session_absolute_hours: self.security.session_absolute_hours,
            lookup_max_failures: match self.security.bsn_zoeken_max_mislukt {
                n if n >= 1 => n,
                n => anyhow::bail!(
                    "[security] bsn_zoeken_max_mislukt: {n} is geen aantal pogingen (minstens 1)"
                ),
            },
            review_weeks_default: self.waitlist.review_weeks_default,
            priority,
            small_numbers: self.figures.suppress_below,
            outflow_target_months: match self.uitstroom.norm_maanden {
                0 => {
                    anyhow::bail!("[uitstroom] norm_maanden: kies een aantal maanden van 1 of meer")
                }
                n if n > 120 => {
                    anyhow::bail!(
                        "[uitstroom] norm_maanden: {n} maanden is geen werkbare norm (hoogstens 120)"
                    )
                }
                n => n,
            },
            duplicate_threshold: match self.privacy.dubbel_drempel {
                t if (0.5..=1.0).contains(&t) => t,
                t => anyhow::bail!(
                    "[privacy] dubbel_drempel: {t} ligt niet tussen 0,5 en 1 (1: alleen dezelfde naam)"
                ),
            },
            second_factor_roles: self
                .privacy
                .tweede_factor_verplicht
                .iter()
                .map(|r| {
                    zothuis_domain::admin::Role::parse(r)
                        .map_err(|e| anyhow::anyhow!("[privacy] tweede_factor_verplicht: {e}"))
                })
                .collect::<anyhow::Result<_>>()?,
            retention: {
                let years = |name: &str, n: u32| match n {
                    1..=100 => Ok(n),
                    n => Err(anyhow::anyhow!(
                        "[privacy] {name}: {n} jaar is geen bewaartermijn (1 tot en met 100)"
                    )),
                };
                zothuis_domain::privacy::retention::RetentionPeriods {
                    years_after_care: years(
                        "bewaren_jaren_na_zorg",
                        self.privacy.bewaren_jaren_na_zorg,
                    )?,
                    years_without_provision: years(
                        "bewaren_jaren_zonder_voorziening",
                        self.privacy.bewaren_jaren_zonder_voorziening,
                    )?,
                }
            },
            origin_rule: OriginRule::parse(&self.toegang_opvang.herkomst)
                .map_err(|e| anyhow::anyhow!("[toegang_opvang] herkomst: {e}"))?,
            origin_rules: self
                .toegang_opvang
                .herkomst_per_regio
                .iter()
                .map(|(region, rule)| {
                    OriginRule::parse(rule)
                        .map(|r| (region.clone(), r))
                        .map_err(|e| {
                            anyhow::anyhow!("[toegang_opvang] herkomst_per_regio.{region}: {e}")
                        })
                })
                .collect::<Result<_>>()?,
            historical_cutoff: self
                .financien
                .historisch_peildatum
                .as_deref()
                .map(|d| {
                    zothuis_domain::Datum::parse(d)
                        .map(|d| d.0)
                        .map_err(|e| anyhow::anyhow!("[financien] historisch_peildatum: {e}"))
                })
                .transpose()?,
            historical_cutoffs: self
                .financien
                .historisch_peildatum_per_regio
                .iter()
                .map(|(region, d)| {
                    zothuis_domain::Datum::parse(d)
                        .map(|d| (region.clone(), d.0))
                        .map_err(|e| {
                            anyhow::anyhow!(
                                "[financien] historisch_peildatum_per_regio.{region}: {e}"
                            )
                        })
                })
                .collect::<Result<_>>()?,
            oidc: self.oidc.as_ref().map(OidcConfig::settings).transpose()?,
            ethos: {
                let m = zothuis_domain::exchange::cbs::EthosMapping {
                    noodopvang: self.cbs.noodopvang.clone(),
                    tijdelijke_opvang: self.cbs.tijdelijke_opvang.clone(),
                    vrouwenopvang: self.cbs.vrouwenopvang.clone(),
                };
                m.check().map_err(|e| anyhow::anyhow!("[cbs] {e}"))?;
                m
            },
        })
    }
}

/// Environment values are text; booleans and numbers are recognised.
fn env_value(v: &str) -> toml::Value {
    match v {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => v
            .parse::<i64>()
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_identity_provider_is_configured_with_its_secret_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let section = "[oidc]\nissuer = \"https://login.example/realm\"\nclient_id = \"zothuis\"\n\
            redirect_url = \"https://zothuis.example/inloggen/oidc/terug\"\n";
        let rule = "[[oidc.groep]]\ngroep = \"wmo-huizen\"\nrol = \"wmo-consulent\"\nscope = \"gemeente:GM0406\"\n";
        std::fs::write(&f, format!("{section}{rule}")).unwrap();
        let secret = [("ZOTHUIS__OIDC__CLIENT_SECRET", "s3cr3t")];
        let s = Config::load(Some(&f), env(&secret))
            .unwrap()
            .settings()
            .unwrap()
            .oidc
            .unwrap();
        assert_eq!(s.client_secret, "s3cr3t");
        assert_eq!(s.groups_claim, "groups");
        assert_eq!(s.rules.len(), 1);
        assert!(s.second_factor_amr.contains(&"otp".to_string()));
        let err = |text: String, env_pairs: &[(&str, &str)]| {
            std::fs::write(&f, text).unwrap();
            Config::load(Some(&f), env(env_pairs))
                .unwrap()
                .settings()
                .unwrap_err()
                .to_string()
        };
        assert!(err(format!("{section}{rule}"), &[]).contains("ZOTHUIS__OIDC__CLIENT_SECRET"));
        assert!(err(section.to_string(), &secret).contains("[[oidc.groep]]"));
        assert!(
            err(
                format!("{section}{}", rule.replace("wmo-consulent", "koning")),
                &secret
            )
            .contains("wmo-huizen: rol")
        );
        assert!(
            err(
                format!("{section}{}", rule.replace("gemeente:GM0406", "overal")),
                &secret
            )
            .contains("wmo-huizen: scope")
        );
        assert!(
            err(section.replace("https://login", "login") + rule, &secret)
                .contains("[oidc] issuer")
        );
        assert!(
            Config::load(None, env(&[]))
                .unwrap()
                .settings()
                .unwrap()
                .oidc
                .is_none(),
            "none by default"
        );
    }

    #[test]
    fn defaults_put_the_database_in_the_data_directory() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.server.bind, "127.0.0.1:8080");
        assert_eq!(
            c.database().unwrap(),
            DatabaseLocation::Sqlite("sqlite://data/zothuis.sqlite".into())
        );
    }

    #[test]
    fn a_file_is_overridden_by_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        std::fs::write(
            &f,
            "[server]\nbind = \"127.0.0.1:9000\"\n[security]\nlogin_max_failures = 3\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&f),
            env(&[("ZOTHUIS__SERVER__BIND", "127.0.0.1:9100")]),
        )
        .unwrap();
        assert_eq!(c.server.bind, "127.0.0.1:9100");
        assert_eq!(c.security.login_max_failures, 3);
    }

    #[test]
    fn the_duplicate_threshold_is_configured_and_a_meaningless_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert_eq!(defaults.duplicate_threshold, 0.9);
        std::fs::write(&f, "[privacy]\ndubbel_drempel = 0.95\n").unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.duplicate_threshold, 0.95);
        for bad in ["0.2", "1.5", "nan"] {
            std::fs::write(&f, format!("[privacy]\ndubbel_drempel = {bad}\n")).unwrap();
            let err = Config::load(Some(&f), env(&[]))
                .unwrap()
                .settings()
                .unwrap_err()
                .to_string();
            assert!(err.contains("[privacy] dubbel_drempel"), "{bad}: {err}");
        }
    }

    #[test]
    fn retention_periods_are_configured_and_an_impossible_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        let periods = |s: &zothuis_domain::Settings| {
            (
                s.retention.years_after_care,
                s.retention.years_without_provision,
            )
        };
        assert_eq!(periods(&defaults), (15, 5));
        std::fs::write(
            &f,
            "[privacy]\nbewaren_jaren_na_zorg = 20\nbewaren_jaren_zonder_voorziening = 2\n",
        )
        .unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(periods(&s), (20, 2));
        std::fs::write(&f, "[privacy]\nbewaren_jaren_na_zorg = 0\n").unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(err.contains("[privacy] bewaren_jaren_na_zorg"), "{err}");
    }

    #[test]
    fn the_ethos_categories_of_products_are_configured_and_a_double_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert_eq!(
            defaults.ethos.of("VO"),
            Some((
                zothuis_domain::exchange::cbs::Ethos::TijdelijkeOpvang,
                false
            ))
        );
        std::fs::write(
            &f,
            "[cbs]\nnoodopvang = [\"NACHT\"]\ntijdelijke_opvang = [\"DAK\"]\nvrouwenopvang = []\n",
        )
        .unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.ethos.of("NACHT").map(|c| c.0.number()), Some(2));
        assert_eq!(
            s.ethos.of("MO-CRISIS"),
            None,
            "the file's list replaces the default"
        );
        std::fs::write(
            &f,
            "[cbs]\nnoodopvang = [\"DAK\"]\ntijdelijke_opvang = [\"DAK\"]\n",
        )
        .unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(err.contains("[cbs] productcode DAK"), "{err}");
    }

    #[test]
    fn the_limit_on_failed_look_ups_by_bsn_is_configured_and_zero_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert_eq!(defaults.lookup_max_failures, 10);
        std::fs::write(&f, "[security]\nbsn_zoeken_max_mislukt = 3\n").unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.lookup_max_failures, 3);
        std::fs::write(&f, "[security]\nbsn_zoeken_max_mislukt = 0\n").unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(err.contains("[security] bsn_zoeken_max_mislukt"), "{err}");
    }

    #[test]
    fn roles_that_need_a_second_factor_are_configured_and_an_unknown_one_is_named() {
        use zothuis_domain::admin::Role;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert!(
            defaults.second_factor_roles.is_empty(),
            "the administrator only"
        );
        std::fs::write(
            &f,
            "[privacy]\ntweede_factor_verplicht = [\"wmo-consulent\", \"fg\"]\n",
        )
        .unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.second_factor_roles, [Role::WmoConsulent, Role::Fg]);
        std::fs::write(&f, "[privacy]\ntweede_factor_verplicht = [\"koning\"]\n").unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(err.contains("[privacy] tweede_factor_verplicht"), "{err}");
    }

    #[test]
    fn the_outflow_target_is_configured_and_an_unworkable_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert_eq!(defaults.outflow_target_months, 6, "the Pact's six months");
        std::fs::write(&f, "[uitstroom]\nnorm_maanden = 9\n").unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.outflow_target_months, 9);
        for bad in ["0", "240"] {
            std::fs::write(&f, format!("[uitstroom]\nnorm_maanden = {bad}\n")).unwrap();
            let err = Config::load(Some(&f), env(&[]))
                .unwrap()
                .settings()
                .unwrap_err()
                .to_string();
            assert!(err.contains("[uitstroom] norm_maanden"), "{err}");
        }
    }

    #[test]
    fn the_origin_rule_is_configured_per_region_and_a_wrong_one_is_named() {
        use zothuis_domain::shelter::OriginRule;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        std::fs::write(
            &f,
            "[toegang_opvang]\nherkomst = \"opgave-eerst\"\nherkomst_per_regio = { ZKIH = \"adres-eerst\" }\n",
        )
        .unwrap();
        let s = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(s.origin_rule, OriginRule::OpgaveEerst);
        assert_eq!(s.origin_rules.get("ZKIH"), Some(&OriginRule::AdresEerst));
        let defaults = Config::load(None, env(&[])).unwrap().settings().unwrap();
        assert_eq!(defaults.origin_rule, OriginRule::AdresEerst);
        std::fs::write(
            &f,
            "[toegang_opvang]\nherkomst_per_regio = { GV = \"woonplaats\" }\n",
        )
        .unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("herkomst_per_regio.GV") && err.contains("adres-eerst"),
            "{err}"
        );
    }

    #[test]
    fn environment_numbers_and_booleans_are_typed() {
        let c = Config::load(
            None,
            env(&[
                ("ZOTHUIS__SECURITY__SESSION_IDLE_MINUTES", "5"),
                ("ZOTHUIS__SERVER__SECURE_COOKIES", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(c.security.session_idle_minutes, 5);
        assert!(c.server.secure_cookies);
    }

    #[test]
    fn an_unknown_database_scheme_is_an_error_not_a_new_file() {
        let c = Config::load(
            None,
            env(&[("ZOTHUIS__DATABASE__URL", "mysql://wie:geheim@db/x")]),
        )
        .unwrap();
        let err = c.database().unwrap_err().to_string();
        assert!(err.contains("onbekend database-adres"), "{err}");
        assert!(
            !err.contains("geheim"),
            "the password is not repeated: {err}"
        );
    }

    #[test]
    fn a_postgres_url_in_the_environment_selects_postgresql() {
        let url = "postgres://zothuis@127.0.0.1:5432/zothuis";
        let c = Config::load(None, env(&[("ZOTHUIS__DATABASE__URL", url)])).unwrap();
        assert_eq!(
            c.database().unwrap(),
            DatabaseLocation::Postgres(url.into())
        );
    }

    #[test]
    fn the_proposal_order_is_configurable_and_checked() {
        use zothuis_domain::waitlist::matching::Priority;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("zothuis.toml");
        std::fs::write(
            &f,
            "[waitlist]\npriority = [\"wachttijd-sinds-beschikking\", \"urgentie\"]\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), env(&[])).unwrap();
        assert_eq!(
            c.settings().unwrap().priority,
            [Priority::WachttijdSindsBeschikking, Priority::Urgentie]
        );
        assert_eq!(
            Config::load(None, env(&[]))
                .unwrap()
                .settings()
                .unwrap()
                .priority,
            Priority::DEFAULT
        );
        std::fs::write(&f, "[waitlist]\npriority = [\"leeftijd\"]\n").unwrap();
        let err = Config::load(Some(&f), env(&[]))
            .unwrap()
            .settings()
            .unwrap_err()
            .to_string();
        assert!(err.contains("onbekende prioriteit 'leeftijd'"), "{err}");
    }

    #[test]
    fn an_unknown_setting_is_reported() {
        assert!(Config::load(None, env(&[("ZOTHUIS__SERVER__BLIND", "x")])).is_err());
    }
}
