//! The zothuis command: server, demo data, migrations, accounts, tokens and
//! audit verification.

mod anchor;
mod bench;
mod config;
mod migrate_data;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use config::{Config, DatabaseLocation};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zothuis_domain::Services;
use zothuis_domain::admin::{NewUserInput, RequestContext};
use zothuis_domain::clock::SystemClock;
use zothuis_domain::store::Store;
use zothuis_store_postgres::PgStore;
use zothuis_store_sqlite::{SqliteOptions, SqliteStore};
use zothuis_web::{AppState, WebConfig};

#[derive(Parser)]
#[command(
    name = "zothuis",
    version,
    about = "Regionaal informatiesysteem voor Opvang, Wonen en Herstel"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// Map met de database en andere gegevens (standaard ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Configuratiebestand (standaard ./zothuis.toml als dat bestaat).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Start de webserver.
    Serve {
        /// Laad bij de eerste start demogegevens in een lege database.
        #[arg(long)]
        demo: bool,
        /// Adres om op te luisteren, bijvoorbeeld 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Laad demogegevens in een lege database.
    Demo {
        #[command(flatten)]
        common: Common,
    },
    /// Voer de databasemigraties uit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Gebruikers beheren.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Beleidsplannen laden en exporteren.
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// API-tokens beheren.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Importeer cliënten, beschikkingen, wachtlijstgeschiedenis, verblijven,
    /// meldingen bij de centrale toegang en voordrachten voor uitstroom uit
    /// CSV-bestanden of een Excel-werkboek (zie docs/import.md).
    Import {
        /// De bestanden: clienten.csv, adressen.csv, beschikkingen.csv,
        /// wachtlijst.csv, verblijven.csv, toegangsmeldingen.csv,
        /// voordrachten.csv, of een .xlsx met zulke werkbladen.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Alleen controleren: meld elk probleem, schrijf niets.
        #[arg(long)]
        dry_run: bool,
        /// Gebruiker die toegang krijgt tot afgeschermde cliënten uit de import.
        #[arg(long)]
        toegang: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Maak een backup van de database terwijl zothuis draait (SQLite).
    Backup {
        /// Het nieuwe bestand voor de backup.
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Verhuis een installatie van SQLite naar PostgreSQL. Stop zothuis eerst.
    MigrateData {
        /// De huidige database, sqlite://pad/naar/zothuis.sqlite.
        #[arg(long)]
        from: String,
        /// De nieuwe, lege PostgreSQL-database, postgres://gebruiker@host/database.
        #[arg(long)]
        to: String,
    },
    /// Maak een synthetische landelijke dataset voor de benchmark (een nieuw SQLite-bestand).
    BenchData {
        /// Het nieuwe databasebestand.
        #[arg(long)]
        out: PathBuf,
        /// Aantal verzonnen personen.
        #[arg(long, default_value_t = 1_000_000)]
        personen: usize,
    },
    /// Meet de cijfers op een dataset van bench-data en schrijf de resultaten weg.
    Bench {
        /// De dataset van zothuis bench-data.
        #[arg(long)]
        data: PathBuf,
        /// Het resultatenbestand.
        #[arg(long, default_value = "bench/RESULTS.md")]
        out: PathBuf,
        /// Hoe vaak de landelijke set wordt berekend.
        #[arg(long, default_value_t = 5)]
        herhalingen: usize,
    },
    /// Zet een backup terug (SQLite). Stop zothuis eerst.
    Restore {
        /// De backup.
        file: PathBuf,
        /// Vervang een bestaande database.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Het auditlog.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum PlanAction {
    /// Laad een beleidsplan uit een JSON-bestand (zie docs/beleidsplan.md); een plan met
    /// dezelfde titel voor de regio krijgt een nieuwe versie.
    Laden {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Schrijf een beleidsplan als JSON naar standaarduitvoer.
    Exporteren {
        id: i64,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Maak een gebruiker aan; het wachtwoord wordt van standaardinvoer gelezen.
    Add {
        /// Gebruikersnaam.
        #[arg(long)]
        name: String,
        /// beheerder, wachtlijstbeheerder, wmo-consulent, aanbieder, beleidsadviseur, bestuurder of fg.
        #[arg(long)]
        role: String,
        /// installatie, regio:CODE, gemeente:GM0000 of aanbieder:ID.
        #[arg(long)]
        scope: String,
        /// Weergavenaam (standaard de gebruikersnaam).
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Maak een API-token aan en druk het af.
    Create {
        #[arg(long)]
        role: String,
        #[arg(long)]
        scope: String,
        /// Waarvoor het token is.
        #[arg(long, default_value = "cli")]
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Controleer de hashketen van het auditlog.
    Verify {
        #[command(flatten)]
        common: Common,
    },
}

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fout: kan de runtime niet starten: {e}");
            std::process::exit(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("fout: {e:#}");
            std::process::exit(1);
        }
    }
}

fn load_config(common: &Common) -> Result<Config> {
    let mut config = Config::load(common.config.as_deref(), std::env::vars())?;
    if let Some(dir) = &common.data_dir {
        config.storage.data_dir = dir.clone();
    }
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_services(config: &Config) -> Result<Services> {
    std::fs::create_dir_all(&config.storage.data_dir)
        .with_context(|| format!("datamap {} aanmaken", config.storage.data_dir.display()))?;
    let store: Arc<dyn Store> = match config.database()? {
        DatabaseLocation::Sqlite(url) => {
            let options = SqliteOptions {
                max_pages: config.database.max_pages,
            };
            Arc::new(
                SqliteStore::open_with(&url, &options)
                    .await
                    .map_err(|e| anyhow!("{e}"))?,
            )
        }
        DatabaseLocation::Postgres(_) if config.database.max_pages.is_some() => {
            bail!(
                "[database] max_pages geldt alleen voor SQLite; begrens bij PostgreSQL de ruimte van de database in PostgreSQL zelf"
            )
        }
        DatabaseLocation::Postgres(url) => {
            Arc::new(PgStore::open(&url).await.map_err(|e| anyhow!("{e}"))?)
        }
    };
    Ok(Services::new(
        store,
        Arc::new(SystemClock),
        config.settings()?,
    ))
}

async fn migrate_data(from: &str, to: &str) -> Result<i32> {
    let Some(path) = from.strip_prefix("sqlite://") else {
        bail!("--from moet een SQLite-database zijn: sqlite://pad/naar/zothuis.sqlite");
    };
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        bail!("--to moet een PostgreSQL-database zijn: postgres://gebruiker@host/database");
    }
    let file = PathBuf::from(path.split('?').next().unwrap_or_default());
    if !file.is_file() {
        bail!(
            "{} bestaat niet; geef het pad van de huidige database",
            file.display()
        );
    }
    let source = Arc::new(SqliteStore::open(from).await.map_err(describe)?);
    let source_services = Services::new(source.clone(), Arc::new(SystemClock), Default::default());
    if let Err(brk) = source_services.verify_audit_chain().await? {
        bail!(
            "het auditlog van de bron is gebroken bij regel {} ({}); er is niets overgenomen. Zoek eerst uit wat er is gebeurd (zothuis audit verify)",
            brk.seq,
            brk.reason
        );
    }
    let target = Arc::new(PgStore::open(to).await.map_err(describe)?);
    let copied = migrate_data::copy(source.pool(), target.pool(), &|table, rows| {
        println!("  {table}: {rows} rijen");
    })
    .await?;
    let target_services = Services::new(target, Arc::new(SystemClock), Default::default());
    match target_services.verify_audit_chain().await? {
        Ok(n) => println!(
            "Klaar: {} rijen in {} tabellen overgenomen en nagelezen; auditlog intact ({n} regels).\n\
             Start zothuis nu met ZOTHUIS__DATABASE__URL ingesteld op de PostgreSQL-database.",
            copied.rows(),
            copied.tables.len()
        ),
        Err(brk) => bail!(
            "het auditlog in PostgreSQL is gebroken bij regel {} ({})",
            brk.seq,
            brk.reason
        ),
    }
    Ok(0)
}

const PG_BACKUP: &str = "maak de backup met pg_dump, bijvoorbeeld: \
    pg_dump --format=custom --file=zothuis.dump \"$ZOTHUIS__DATABASE__URL\" (zie de README)";
const PG_RESTORE: &str = "zet een backup terug met pg_restore in een lege database, bijvoorbeeld: \
    pg_restore --no-owner --dbname=\"$ZOTHUIS__DATABASE__URL\" zothuis.dump (zie de README)";

/// The SQLite URL for a file-level command; for PostgreSQL the message says
/// which PostgreSQL tool does the job instead.
fn sqlite_only(config: &Config, command: &str, instead: &str) -> Result<String> {
    match config.database()? {
        DatabaseLocation::Sqlite(url) => Ok(url),
        DatabaseLocation::Postgres(_) => bail!(
            "zothuis {command} werkt op de ingebouwde SQLite-database; deze installatie gebruikt PostgreSQL: {instead}"
        ),
    }
}

async fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Serve { demo, bind, common } => {
            let mut config = load_config(&common)?;
            if let Some(b) = bind {
                config.server.bind = b;
            }
            // The demo's regions record no change to the woonplaatsbeginsel:
            // without a cut-off of its own the historical cohort (its
            // forecast, the budget lines of historical clients) is empty.
            if demo
                && config.financien.historisch_peildatum.is_none()
                && config.financien.historisch_peildatum_per_regio.is_empty()
            {
                config.financien.historisch_peildatum =
                    Some(zothuis_domain::demo::HISTORICAL_CUTOFF.to_string());
            }
            init_logging(&config);
            serve(config, demo).await
        }
        Command::Demo { common } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            if !zothuis_domain::demo::is_empty(&services).await? {
                bail!(
                    "de database bevat al gegevens; demogegevens worden alleen in een lege database geladen"
                );
            }
            load_demo(&services, &config.storage.data_dir).await?;
            Ok(0)
        }
        Command::Migrate { common } => {
            let config = load_config(&common)?;
            open_services(&config).await?;
            println!("De database is bijgewerkt.");
            Ok(0)
        }
        Command::User {
            action:
                UserAction::Add {
                    name,
                    role,
                    scope,
                    display_name,
                    common,
                },
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            let password = read_password()?;
            let input = NewUserInput {
                display_name: display_name.unwrap_or_else(|| name.clone()),
                username: name,
                role,
                scope,
                password,
            };
            let user = services
                .create_user(&RequestContext::system("cli"), &input)
                .await
                .map_err(describe)?;
            println!(
                "Gebruiker {} aangemaakt (rol {}, id {}).",
                user.username,
                user.role.label(),
                user.id
            );
            Ok(0)
        }
        Command::Token {
            action:
                TokenAction::Create {
                    role,
                    scope,
                    name,
                    common,
                },
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            let token = services
                .create_token(&RequestContext::system("cli"), &name, &role, &scope)
                .await
                .map_err(describe)?;
            println!("{}", token.secret);
            Ok(0)
        }
        Command::Import {
            files,
            dry_run,
            toegang,
            common,
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            import(&services, &files, dry_run, toegang).await
        }
        Command::Backup { file, common } => {
            let config = load_config(&common)?;
            let url = sqlite_only(&config, "backup", PG_BACKUP)?;
            let store = SqliteStore::open(&url).await.map_err(describe)?;
            store.backup_to(&file).await.map_err(describe)?;
            println!("Backup gemaakt: {}.", file.display());
            Ok(0)
        }
        Command::MigrateData { from, to } => migrate_data(&from, &to).await,
        Command::Plan {
            action: PlanAction::Laden { file, common },
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("{} lezen", file.display()))?;
            match services
                .load_plan(&RequestContext::system("cli:plan"), &text)
                .await
            {
                Ok(p) => {
                    println!(
                        "Beleidsplan \"{}\" geladen (plan {}, versie {}).",
                        p.title, p.plan_id, p.version_id
                    );
                    Ok(0)
                }
                Err(zothuis_domain::DomainError::Invalid(problems)) => {
                    for p in problems {
                        println!("{}: {}", p.field, p.message);
                    }
                    println!("Er is niets geladen.");
                    Ok(1)
                }
                Err(e) => Err(describe(e)),
            }
        }
        Command::Plan {
            action: PlanAction::Exporteren { id, common },
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            let (_, doc) = services
                .plan(&RequestContext::system("cli:plan"), id, None)
                .await
                .map_err(describe)?;
            println!("{}", doc.to_json());
            Ok(0)
        }
        Command::BenchData { out, personen } => {
            let sizes = bench::Sizes::national(personen);
            let bar = indicatif::ProgressBar::new(personen as u64);
            let written = bench::generate(&out, &sizes, &|n| bar.set_position(n as u64)).await?;
            bar.finish_and_clear();
            for (table, n) in written {
                println!("  {table}: {n} rijen");
            }
            println!("Dataset geschreven naar {}.", out.display());
            Ok(0)
        }
        Command::Bench {
            data,
            out,
            herhalingen,
        } => {
            bench::run(&data, &out, herhalingen).await?;
            Ok(0)
        }
        Command::Restore {
            file,
            force,
            common,
        } => {
            let config = load_config(&common)?;
            let url = sqlite_only(&config, "restore", PG_RESTORE)?;
            SqliteStore::check_backup(&file).await.map_err(describe)?;
            let target = PathBuf::from(
                url.trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default(),
            );
            if target.exists() && !force {
                bail!(
                    "er staat al een database in {}; stop zothuis, maak zo nodig een backup en herhaal met --force",
                    target.display()
                );
            }
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Copy next to the target and rename, so that a failure never
            // leaves half a database; the old journal files go with it.
            let tmp = target.with_extension("herstel");
            std::fs::copy(&file, &tmp).with_context(|| format!("{} kopiëren", file.display()))?;
            std::fs::File::open(&tmp)?.sync_all()?;
            for ext in ["sqlite-wal", "sqlite-shm"] {
                let side = target.with_extension(ext);
                if side.exists() {
                    std::fs::remove_file(&side)?;
                }
            }
            std::fs::rename(&tmp, &target)?;
            println!("Backup teruggezet in {}.", target.display());
            Ok(0)
        }
        Command::Audit {
            action: AuditAction::Verify { common },
        } => {
            let config = load_config(&common)?;
            let services = open_services(&config).await?;
            audit_verify(&services, &anchor::AnchorFiles::from_config(&config)).await
        }
    }
}

/// `zothuis audit verify`: exit 0 when the chain is whole and agrees with
/// every checkpoint (and then anchors it with a new checkpoint), 2 when it
/// is broken or cannot be checked.
async fn audit_verify(services: &Services, files: &anchor::AnchorFiles) -> Result<i32> {
    let key = match files.key()? {
        Ok(k) => k,
        Err(anchor::KeyMissing) => {
            println!(
                "Auditlog NIET gecontroleerd: de sleutel {} ontbreekt, dus de controlepunten in {} kunnen niet worden gecontroleerd. Zet de sleutel terug (zie de README, Auditlog verankeren).",
                files.key.display(),
                files.log.display()
            );
            return Ok(2);
        }
    };
    let anchors = match files.anchors(&key)? {
        Ok(a) => a,
        Err(b) => {
            println!("Auditlog GEBROKEN: {} ({}).", b.reason, files.log.display());
            return Ok(2);
        }
    };
    match services.verify_audit_chain_anchored(&anchors).await? {
        Ok(n) => {
            files
                .checkpoint(services, &key, anchors.last().map(|c| c.seq))
                .await?;
            println!(
                "Auditlog intact: {n} regels gecontroleerd, {} controlepunten kloppen.",
                anchors.len()
            );
            Ok(0)
        }
        Err(brk) => {
            println!("Auditlog GEBROKEN bij regel {}: {}", brk.seq, brk.reason);
            Ok(2)
        }
    }
}

/// `zothuis import`: exit 0 when imported (or, with --dry-run, when
/// everything is in order), 1 with the problems listed.
async fn import(
    services: &Services,
    files: &[PathBuf],
    dry_run: bool,
    toegang: Option<String>,
) -> Result<i32> {
    let mut read = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("{} lezen", f.display()))?;
        let name = f.file_name().map_or_else(
            || f.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        read.push((name, bytes));
    }
    let tables = match zothuis_import::read_files(&read) {
        Ok(t) => t,
        Err(problems) => {
            report_problems(&problems);
            return Ok(1);
        }
    };
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    eprintln!(
        "{} tabellen met {rows} regels gelezen; controleren…",
        tables.len()
    );
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cliënten geschreven")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = {
        let bar = bar.clone();
        move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let options = zothuis_domain::import::service::ImportOptions {
        dry_run,
        grant_to: toegang,
    };
    let report = services
        .import(
            &RequestContext::system("cli:import"),
            &tables,
            &options,
            &progress,
        )
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    if !report.problems.is_empty() {
        report_problems(&report.problems);
        return Ok(1);
    }
    let what = report.counts;
    if report.applied {
        println!("Geïmporteerd: {what}.");
    } else {
        println!("Gecontroleerd, geen problemen: {what}. Er is niets geschreven (--dry-run).");
    }
    Ok(0)
}

fn report_problems(problems: &[zothuis_domain::import::Problem]) {
    for p in problems {
        println!("{p}");
    }
    println!(
        "{} {} gevonden; er is niets geïmporteerd.",
        problems.len(),
        if problems.len() == 1 {
            "probleem"
        } else {
            "problemen"
        }
    );
}

/// Field errors of the domain as one readable Dutch line per field.
fn describe(e: zothuis_domain::DomainError) -> anyhow::Error {
    match e {
        zothuis_domain::DomainError::Invalid(errors) => anyhow!(
            "{}",
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow!("{other}"),
    }
}

/// The password from standard input: prompted on a terminal, else the first line.
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Wachtwoord (minstens 12 tekens): ");
        std::io::stderr().flush().ok();
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let mut all = String::new();
    stdin.lock().read_to_string(&mut all)?;
    Ok(all.lines().next().unwrap_or("").to_string())
}

async fn load_demo(services: &Services, data_dir: &Path) -> Result<()> {
    let logins = zothuis_domain::demo::load(services)
        .await
        .map_err(describe)?;
    let today = zothuis_domain::clock::Clock::today(services.clock.as_ref());
    let clients = zothuis_domain::demo::load_population(services, today)
        .await
        .map_err(describe)?;
    let plans = zothuis_domain::demo::load_plans(services)
        .await
        .map_err(describe)?;
    let forecasts = zothuis_domain::demo::load_population_forecasts(services)
        .await
        .map_err(describe)?;
    let mut text = String::from(
        "Demo-logins van zothuis (alleen voor demonstratie; elke installatie krijgt nieuwe wachtwoorden)\n\n",
    );
    for l in &logins {
        text.push_str(&format!(
            "{:<22} {:<20} {:<18} {}\n",
            l.username, l.role, l.scope, l.password
        ));
    }
    let file = data_dir.join("demo-logins.txt");
    std::fs::write(&file, &text).with_context(|| format!("{} schrijven", file.display()))?;
    restrict_permissions(&file);
    println!("{text}");
    println!("Deze logins staan ook in {}.", file.display());
    println!(
        "Demogegevens: twee regio's met {clients} verzonnen cliënten, hun beschikkingen en de wachtlijst sinds 2022."
    );
    for p in &plans {
        println!("Beleidsplan geladen: {}", p.title);
    }
    for f in &forecasts {
        println!("Bevolkingsprognose geladen (verzonnen): {}", f.name);
    }
    Ok(())
}

#[cfg(unix)]
fn restrict_permissions(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}

async fn serve(config: Config, demo: bool) -> Result<i32> {
    let services = open_services(&config).await?;
    if demo {
        if zothuis_domain::demo::is_empty(&services).await? {
            load_demo(&services, &config.storage.data_dir).await?;
        } else {
            println!(
                "Demogegevens zijn al geladen; de logins staan in {}.",
                config.storage.data_dir.join("demo-logins.txt").display()
            );
        }
    } else if services.setup_needed().await? {
        println!(
            "Er is nog geen gebruiker. Maak de eerste beheerder aan met:\n  zothuis user add --name beheerder --role beheerder --scope installatie --data-dir {}",
            config.storage.data_dir.display()
        );
    }
    let web = WebConfig {
        secure_cookies: config.server.secure_cookies,
        trust_forwarded_for: config.server.trust_forwarded_for,
    };
    let anchors = anchor::AnchorFiles::from_config(&config);
    let key = anchor::start(anchors, services.clone(), config.audit.checkpoint_seconds)?;
    let state = AppState::new(services.clone(), web);
    let listener = tokio::net::TcpListener::bind(&config.server.bind)
        .await
        .with_context(|| format!("kan niet luisteren op {}", config.server.bind))?;
    let addr = listener.local_addr()?;
    println!("zothuis draait op http://{addr}");
    // Expired sessions are removed every ten minutes.
    let purge = services.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = purge.purge_sessions().await {
                tracing::warn!(error = %e, "sessies opruimen mislukt");
            }
        }
    });
    zothuis_web::serve(listener, state, shutdown_signal()).await?;
    // The last writes get a checkpoint before the process ends.
    let files = anchor::AnchorFiles::from_config(&config);
    let last = match files.anchors(&key)? {
        Ok(a) => a.last().map(|c| c.seq),
        Err(_) => None,
    };
    files.checkpoint(&services, &key, last).await?;
    Ok(0)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
