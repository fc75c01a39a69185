//! The gongkai binary as a library: command-line parsing, start-up wiring, and the demo loader.
//! Every command goes through the application layer (`gongkai-app`), never the store.

pub mod demo;
pub mod import;

use std::io::{BufRead, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gongkai_app::audit::ChainStatus;
use gongkai_app::auth::{NewUser, SecretString};
use gongkai_app::domain::role::Role;
use gongkai_app::{App, AppConfig, Origin};
use gongkai_web::{AppState, SiteConfig};

#[derive(Debug, Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政务公开平台 gongkai: government information disclosure portal"
)]
pub struct Cli {
    /// Data folder: SQLite database, attachments.
    #[arg(long, global = true, default_value = "./data", env = "GONGKAI_DATA")]
    pub data: PathBuf,
    /// Database URL (postgres://…); the SQLite file in the data folder when unset.
    #[arg(
        long,
        global = true,
        env = "GONGKAI_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal, console and API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", env = "GONGKAI_ADDR")]
        addr: SocketAddr,
        /// Load the demo city (海州市) into an empty database.
        #[arg(long)]
        demo: bool,
        /// The portal's name; defaults to the demo city's name with --demo.
        #[arg(long, env = "GONGKAI_SITE_NAME")]
        site_name: Option<String>,
        /// Public base URL for feeds and the sitemap.
        #[arg(long, env = "GONGKAI_BASE_URL")]
        base_url: Option<String>,
        /// Mark cookies Secure; implied when --base-url starts with https://.
        #[arg(long, env = "GONGKAI_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Record the client address from X-Forwarded-For (only behind a reverse proxy).
        #[arg(long, env = "GONGKAI_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Render every public page afresh (no cache of pages for anonymous readers).
        #[arg(long, env = "GONGKAI_NO_PAGE_CACHE")]
        no_page_cache: bool,
        /// SMTP relay for deadline reminder e-mails (in-app reminders only when unset).
        #[arg(long, env = "GONGKAI_SMTP_HOST")]
        smtp_host: Option<String>,
        #[arg(long, env = "GONGKAI_SMTP_PORT", default_value_t = 25)]
        smtp_port: u16,
        #[arg(long, env = "GONGKAI_SMTP_FROM", default_value = "noreply@localhost")]
        smtp_from: String,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database (stop the server first: it holds the index).
    Reindex,
    /// Import an archive of already published items (JSON lines, the demo's item format) through
    /// the application layer: index numbers, audit, outbox, as a publication.
    Import {
        file: PathBuf,
        /// A city-office account the import is recorded under.
        #[arg(long, default_value = "office")]
        login: String,
        /// Items per transaction. Larger batches commit less often; other writers wait while one
        /// is written (about half a second for 2,000 items of a few kilobytes on 2 cores).
        #[arg(long, default_value_t = 2000)]
        batch: usize,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The working-day calendar (official holidays and make-up working days).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Work plans (工作要点).
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Parse a plan's text and print sections and tasks as JSON (touches no database).
    Parse { file: PathBuf },
    /// Import a plan: prints the preview; writes only with --confirm.
    Import {
        file: PathBuf,
        /// The city-office login the import is recorded under.
        #[arg(long)]
        login: String,
        /// Map a name the registry does not know: NAME=CODE[,CODE…] (remembered).
        #[arg(long = "map")]
        maps: Vec<String>,
        #[arg(long)]
        confirm: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Load or replace one year from a TOML file (year, holidays, workdays).
    Add { file: PathBuf },
    /// List the years loaded.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with a role in a body; the password is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        /// Code of the body the role applies to.
        #[arg(long)]
        body: String,
        /// officer, reviewer, body_admin, city_office or auditor.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// E-mail address for deadline reminders.
        #[arg(long, default_value = "")]
        email: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Give an existing user another role in a body.
    Grant {
        #[arg(long)]
        login: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown once).
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// List a user's tokens (ids and use, never the secrets).
    List {
        #[arg(long)]
        login: String,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit non-zero if a record was modified or deleted.
    Verify,
}

/// The database URL for the data folder, unless one is given.
pub fn database_url(data: &Path, given: Option<&str>) -> String {
    match given.filter(|u| !u.trim().is_empty()) {
        Some(u) => u.to_owned(),
        None => format!("sqlite://{}", data.join("gongkai.db").display()),
    }
}

/// Deployment policy from the environment: `GONGKAI_INDEX_PATTERN` sets the index-number
/// pattern (default `{prefix}/{year}-{serial:05}`, the national form);
/// `GONGKAI_FEE_NOTICE_STOPS_CLOCK=true` excludes the applicant's time to pay a fee from the
/// reply period (default `false`: the rule is unconfirmed, and a running clock can only make a
/// deadline earlier than the law's).
fn configure() -> Result<AppConfig> {
    configure_from(|key| std::env::var(key).ok())
}

/// [`configure`] from the variables `var` gives.
fn configure_from(var: impl Fn(&str) -> Option<String>) -> Result<AppConfig> {
    let mut config = AppConfig::default();
    if let Some(value) = var("GONGKAI_FEE_NOTICE_STOPS_CLOCK") {
        config.clock.fee_notice_stops_clock = match value.trim().to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "off" => false,
            "1" | "true" | "yes" | "on" => true,
            other => {
                anyhow::bail!("GONGKAI_FEE_NOTICE_STOPS_CLOCK: {other:?} is not true or false")
            }
        };
    }
    if let Some(pattern) = var("GONGKAI_INDEX_PATTERN")
        && !pattern.trim().is_empty()
    {
        config.index_pattern =
            gongkai_app::domain::index_number::IndexNumberPattern::new(pattern.trim())
                .map_err(|e| anyhow::anyhow!("GONGKAI_INDEX_PATTERN: {e}"))?;
    }
    Ok(config)
}

/// Opens the application on the data folder (creating it) and migrates the database.
pub async fn open_app(data: &Path, url: Option<&str>, config: AppConfig) -> Result<App> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating data folder {}", data.display()))?;
    let url = database_url(data, url);
    App::open(&url, data.to_path_buf(), config)
        .await
        .context("opening the database")
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GONGKAI_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).with_context(|| {
        format!("unknown role {s:?}: use officer, reviewer, body_admin, city_office or auditor")
    })
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let config = configure()?;
    if let Command::Plan {
        command: PlanCommand::Parse { file },
    } = &cli.command
    {
        let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let plan = gongkai_app::domain::workplan::parse(&String::from_utf8_lossy(&text));
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut config = config;
    if let Command::Serve {
        smtp_host: Some(host),
        smtp_port,
        smtp_from,
        ..
    } = &cli.command
    {
        config.smtp = Some(gongkai_app::applications::SmtpConfig {
            host: host.clone(),
            port: *smtp_port,
            from: smtp_from.clone(),
        });
    }
    if let Command::Import { .. } | Command::Reindex = &cli.command {
        config.workload = gongkai_app::Workload::BulkLoad;
    }
    let app = open_app(&cli.data, cli.database_url.as_deref(), config).await?;
    let origin = Origin::cli();
    match cli.command {
        Command::Migrate => println!("migrations applied"),
        Command::Reindex => reindex(&app).await?,
        Command::Import { file, login, batch } => {
            let code = import(&app, &file, &login, batch.max(1)).await;
            // Closed before exit: the last connection to close copies what is left of the
            // write-ahead log and deletes it, instead of leaving it for the next process.
            app.close().await;
            return code;
        }
        Command::Serve {
            addr,
            demo,
            site_name,
            base_url,
            secure_cookies,
            trust_forwarded_for,
            no_page_cache,
            ..
        } => {
            let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
            let mut site = SiteConfig {
                secure_cookies: secure_cookies || base_url.starts_with("https://"),
                base_url,
                trust_forwarded_for,
                page_cache: !no_page_cache,
                ..SiteConfig::default()
            };
            if demo {
                let logins = demo::load_if_empty(&app).await?;
                site.name = demo::SITE_NAME.to_owned();
                demo::print_logins(&logins);
            }
            if let Some(name) = site_name {
                site.name = name;
            }
            // Before the first reader: counting on the first requests made them wait for it.
            if let Err(e) = app.warm_catalog_counts().await {
                tracing::warn!(error = %e, "counting the catalog at start-up failed");
            }
            if let Err(e) = app.warm_search().await {
                tracing::warn!(error = %e, "warming the search index at start-up failed");
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            eprintln!("gongkai listening on http://{}", listener.local_addr()?);
            let state = AppState::new(app.clone(), site);
            let jobs = gongkai_web::spawn_scheduled_jobs(&state);
            let served = gongkai_web::serve(listener, state, shutdown_signal()).await;
            jobs.abort();
            served?;
        }
        Command::User { command } => match command {
            UserCommand::Add {
                login,
                body,
                role,
                name,
                email,
                password_stdin: _,
            } => {
                let role = parse_role(&role)?;
                let mut password = String::new();
                std::io::stdin()
                    .read_to_string(&mut password)
                    .context("reading the password from standard input")?;
                let password = password.trim_end_matches(['\n', '\r']).to_owned();
                let user = NewUser {
                    login: login.clone(),
                    display_name: name,
                    body_code: body.clone(),
                    role,
                    password: SecretString::from(password),
                    email,
                };
                app.add_user(None, &origin, user).await.map_err(describe)?;
                println!("user {login} created: {} in {body}", role.as_str());
            }
            UserCommand::Grant { login, body, role } => {
                let role = parse_role(&role)?;
                app.grant_role(&origin, &login, &body, role)
                    .await
                    .map_err(describe)?;
                println!("granted {} in {body} to {login}", role.as_str());
            }
        },
        Command::Token { command } => match command {
            TokenCommand::Create { login, label } => {
                let token = app
                    .create_token(&origin, &login, &label)
                    .await
                    .map_err(describe)?;
                println!("{token}");
            }
            TokenCommand::List { login } => {
                for t in app.tokens_of(&login).await.map_err(describe)? {
                    let used = t.last_used_ms.map_or_else(|| "never".to_owned(), format_ms);
                    let state = if t.revoked != 0 { "revoked" } else { "live" };
                    let created = format_ms(t.created_ms);
                    println!(
                        "{}\t{}\t{state}\tcreated {created}\tlast used {used}",
                        t.id, t.label
                    );
                }
            }
            TokenCommand::Revoke { id } => {
                app.revoke_token(&origin, id).await.map_err(describe)?;
                println!("token {id} revoked");
            }
        },
        Command::Calendar { command } => match command {
            CalendarCommand::Add { file } => {
                let source = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let year = app
                    .add_calendar_year(None, &origin, &source)
                    .await
                    .map_err(describe)?;
                println!("calendar {year} loaded");
            }
            CalendarCommand::List => {
                let years: Vec<String> = app
                    .calendar()
                    .loaded_years()
                    .iter()
                    .map(i32::to_string)
                    .collect();
                println!("{}", years.join(" "));
            }
        },
        Command::Plan {
            command:
                PlanCommand::Import {
                    file,
                    login,
                    maps,
                    confirm,
                },
        } => {
            let text =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let text = String::from_utf8_lossy(&text).into_owned();
            let actor = app.actor_for_login(&login).await.map_err(describe)?;
            let mut mappings = std::collections::HashMap::new();
            for m in maps {
                let (name, codes) = m
                    .split_once('=')
                    .with_context(|| format!("--map {m}: use NAME=CODE[,CODE…]"))?;
                mappings.insert(
                    name.to_owned(),
                    codes.split(',').map(str::to_owned).collect(),
                );
            }
            let preview = app
                .preview_plan(&actor, &text, &mappings)
                .await
                .map_err(describe)?;
            println!(
                "{}（{}年）：{} 项任务",
                preview.title,
                preview.year,
                preview.tasks.len()
            );
            for n in &preview.unknown {
                println!("  未匹配的名称：{n}（用 --map '{n}=机构代码' 指定）");
            }
            if confirm {
                let id = app
                    .import_plan(&actor, &origin, &text, &mappings)
                    .await
                    .map_err(describe)?;
                println!("imported as plan {id}");
            } else {
                println!("preview only: add --confirm to import");
            }
        }
        Command::Plan { .. } => {}
        Command::Audit { command } => match command {
            AuditCommand::Verify => match app.verify_audit_chain().await.map_err(describe)? {
                ChainStatus::Intact { records } => {
                    println!("audit chain intact: {records} records verified");
                }
                ChainStatus::Broken(b) => {
                    println!("audit chain BROKEN at record {}: {}", b.seq, b.reason);
                    app.close().await;
                    return Ok(ExitCode::from(2));
                }
            },
        },
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&gongkai_app::china_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Field errors in plain words for the terminal.
pub(crate) fn describe(e: gongkai_app::AppError) -> anyhow::Error {
    match e {
        gongkai_app::AppError::Validation(fs) => {
            let lines: Vec<String> = fs
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message_zh))
                .collect();
            anyhow::anyhow!("{}", lines.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Rebuilds the search index with a progress bar.
async fn reindex(app: &App) -> Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 重建索引 [{bar:40}] {pos}/{len} 条 ({per_sec}, 剩余 {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let progress = bar.clone();
    let started = std::time::Instant::now();
    let n = app
        .rebuild_search(move |done, total| {
            progress.set_length(total);
            progress.set_position(done);
        })
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    println!(
        "search index rebuilt: {n} items in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Imports a JSON-lines archive with a progress bar; exit code 1 when some lines were rejected.
async fn import(app: &App, file: &Path, login: &str, batch: usize) -> Result<ExitCode> {
    let lines = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
    )
    .lines()
    .count();
    let bar = indicatif::ProgressBar::new(lines as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "导入 [{bar:40}] {pos}/{len} 行 ({per_sec}, 剩余 {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let report = import::import_file(app, file, login, batch, &|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported {} items in {secs:.1} s ({:.0} items/s); {} rejected",
        report.imported,
        report.imported as f64 / secs.max(1e-9),
        report.rejected.len()
    );
    for (line, why) in report.rejected.iter().take(50) {
        eprintln!("line {line}: {why}");
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::configure_from;

    fn fee_stops(value: Option<&str>) -> anyhow::Result<bool> {
        let config = configure_from(|key| {
            (key == "GONGKAI_FEE_NOTICE_STOPS_CLOCK")
                .then(|| value.map(str::to_owned))
                .flatten()
        })?;
        Ok(config.clock.fee_notice_stops_clock)
    }

    #[test]
    fn the_fee_clock_setting_is_read_strictly() {
        assert!(!fee_stops(None).expect("unset"));
        for yes in ["true", "1", " YES ", "on"] {
            assert!(fee_stops(Some(yes)).expect(yes), "{yes}");
        }
        for no in ["false", "0", "no", "off", ""] {
            assert!(!fee_stops(Some(no)).expect(no), "{no}");
        }
        let err = fee_stops(Some("maybe")).expect_err("not a yes or no");
        assert!(
            err.to_string().contains("GONGKAI_FEE_NOTICE_STOPS_CLOCK"),
            "{err}"
        );
    }
}
