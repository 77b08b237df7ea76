//! The `passerelle` command: serve, migrate, manage users and inspect the instance.
//!
//! Exit codes: 0 success, 1 failure while running, 2 invalid command line or configuration.

use clap::{Args, Parser, Subcommand};
use passerelle::{
    accounts::{self, Role},
    config::Config,
    error::AppError,
};
use std::{io::Read, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "A federated professional network server"
)]
struct Cli {
    /// Configuration file (TOML). Without it, embedded defaults and PASSERELLE_* variables apply.
    #[arg(long, global = true, env = "PASSERELLE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default when no command is given).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage member accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Administration.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Job offers.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Import job offers from a JSON or CSV file (all rows, or none if one is refused).
    Import {
        /// A `.json` file (a list of offers) or a `.csv` file (a header row naming the fields).
        file: PathBuf,
        /// The handle of the local organisation that publishes them.
        #[arg(long)]
        organisation: String,
        /// Check every row and report, without importing anything.
        #[arg(long)]
        dry_run: bool,
        /// Publish the offers at once (otherwise they are drafts the team publishes).
        #[arg(long)]
        publish: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. Without --password-stdin, a password is generated and printed.
    Create {
        name: String,
        /// Give the account administrator rights.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        email: Option<String>,
    },
    /// List accounts.
    List,
    /// Set an account's password (signs out its web sessions).
    SetPassword {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Load and validate the configuration, then print the effective settings.
    Check,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Delivery queue per receiving server: pending, oldest pending, last success, last error.
    Deliveries(DeliveriesArgs),
    /// Create an invitation code for invite-only registration.
    Invite {
        /// Validity in days.
        #[arg(long, default_value_t = 14)]
        days: i64,
    },
    /// Rules about other servers (allow, silence, block), CSV import and export.
    #[command(subcommand)]
    Instances(InstancesCommand),
    /// Partnerships with other servers (between instance actors).
    #[command(subcommand)]
    Partners(PartnersCommand),
    /// The moderation queue, and resolving reports.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Suspend, limit or lift single accounts, local or remote.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// The latest administrator and moderator actions, newest first.
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum PartnersCommand {
    /// List partnerships (outgoing and incoming proposals, active ones).
    List,
    /// Propose a partnership to a server.
    Propose { host: String },
    /// Accept a proposal made to us.
    Accept { host: String },
    /// Decline a proposal made to us.
    Decline { host: String },
    /// End a partnership (or withdraw our proposal).
    End { host: String },
    /// Share our public job offers with a partner, or stop (`on` or `off`).
    ShareJobOffers {
        host: String,
        #[arg(value_parser = ["on", "off"])]
        share: String,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// List suspended and limited accounts.
    List,
    /// Suspend an account (`name` for a member, `name@host` for a remote account this server
    /// knows): a member can no longer sign in; a remote account's activities are refused and
    /// what it wrote here is hidden.
    Suspend {
        handle: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Limit an account: its content stays out of public lists for people who do not follow it.
    Limit {
        handle: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Lift a suspension or a limit.
    Lift { handle: String },
}

#[derive(Subcommand)]
enum ReportsCommand {
    /// List reports (open ones, oldest first).
    List {
        /// Resolved reports too.
        #[arg(long)]
        all: bool,
    },
    /// Resolve a report: dismiss, remove_content, suspend, limit or block_instance.
    Resolve {
        id: i64,
        action: String,
        /// A note for the audit log (the block reason for block_instance).
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Subcommand)]
enum InstancesCommand {
    /// List the rules.
    List,
    /// Refuse all contact with a server and its subdomains.
    Block {
        /// `host` or `host:port`.
        host: String,
        /// Why (shown to the refused server).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Keep a server's content out of public lists; follows still work.
    Silence {
        host: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List a server as allowed (needed in allowlist mode).
    Allow {
        host: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Remove the rule on a server.
    Remove { host: String },
    /// Print the rules as CSV (#domain,#severity,#public_comment; readable by Mastodon).
    Export,
    /// Import a CSV block list (a file, or `-` for standard input). One bad line changes nothing.
    Import { file: PathBuf },
}

#[derive(Args)]
struct DeliveriesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,activitypub_federation=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn bind_port(config: &Config) -> u16 {
    config
        .server
        .bind
        .parse::<std::net::SocketAddr>()
        .map(|a| a.port())
        .unwrap_or(8080)
}

fn read_password(from_stdin: bool) -> anyhow::Result<Option<String>> {
    if !from_stdin {
        return Ok(None);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let line = s.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        anyhow::bail!("no password on standard input");
    }
    Ok(Some(line))
}

fn generated_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Field errors become one readable line per field.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{}", other),
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let port = bind_port(&config);
    match command {
        Command::Serve => passerelle::serve(config).await,
        Command::Migrate => {
            let url = config.database_url()?;
            let applied = tokio::task::spawn_blocking(move || {
                passerelle::db::Db::connect(&url, 1)?.migrate()
            })
            .await??;
            if applied.is_empty() {
                println!("the database is up to date");
            } else {
                println!(
                    "applied {} migration(s): {}",
                    applied.len(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            let resolved = config.resolve(bind_port(&config));
            println!("configuration is valid");
            println!("  domain:            {}", resolved.domain);
            println!("  listening on:      {}", config.server.bind);
            println!("  database:          {}", redact(&config.database.url));
            println!("  registration:      {:?}", config.instance.registration);
            println!("  insecure local:    {}", resolved.allow_insecure_local);
            println!(
                "  authorized fetch:  {}",
                config.federation.authorized_fetch
            );
            println!("  federation mode:   {:?}", config.federation.mode);
            if config.email.enabled() {
                println!(
                    "  emails:            {}:{} ({:?})",
                    config.email.smtp_host, config.email.smtp_port, config.email.tls
                );
            } else {
                println!("  emails:            off (no email.smtp_host)");
            }
            Ok(())
        }
        Command::Jobs(JobsCommand::Import {
            file,
            organisation,
            dry_run,
            publish,
        }) => import_jobs(config, port, &file, &organisation, dry_run, publish).await,
        Command::User(cmd) => {
            let state = passerelle::build_state(config, port).await?;
            user_command(&state, cmd).await
        }
        Command::Admin(AdminCommand::Deliveries(args)) => {
            let state = passerelle::build_state(config, port).await?;
            let queues = state
                .db
                .read(passerelle::federation::delivery::queue_state)
                .await
                .map_err(explain)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&queues)?);
                return Ok(());
            }
            if queues.is_empty() {
                println!("no remote server contacted yet");
                return Ok(());
            }
            let fmt = |t: Option<chrono::NaiveDateTime>| {
                t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_else(|| "-".into())
            };
            let now = passerelle::db::now();
            println!(
                "{:<32} {:>8} {:>12} {:<20} {:<12} LAST ERROR",
                "SERVER", "PENDING", "OLDEST (s)", "LAST SUCCESS (UTC)", "STATE"
            );
            for q in queues {
                let age = q
                    .oldest_pending
                    .map(|o| (now - o).num_seconds().to_string())
                    .unwrap_or_else(|| "-".into());
                let state = if q.unreachable {
                    "unreachable".to_string()
                } else if q.failures > 0 {
                    format!("retrying({})", q.failures)
                } else {
                    "ok".into()
                };
                println!(
                    "{:<32} {:>8} {:>12} {:<20} {:<12} {}",
                    q.host,
                    q.pending,
                    age,
                    fmt(q.last_success_at),
                    state,
                    q.last_error.unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::Admin(AdminCommand::Instances(cmd)) => {
            let state = passerelle::build_state(config, port).await?;
            instances_command(&state, cmd).await
        }
        Command::Admin(AdminCommand::Partners(cmd)) => {
            let state = passerelle::build_state(config, port).await?;
            partners_command(state, cmd).await
        }
        Command::Admin(AdminCommand::Reports(cmd)) => {
            let state = passerelle::build_state(config, port).await?;
            reports_command(&state, cmd).await
        }
        Command::Admin(AdminCommand::Accounts(cmd)) => {
            let state = passerelle::build_state(config, port).await?;
            accounts_command(&state, cmd).await
        }
        Command::Admin(AdminCommand::Audit { limit }) => {
            let state = passerelle::build_state(config, port).await?;
            let entries = state
                .db
                .read(move |c| passerelle::moderation::recent(c, limit.clamp(1, 10_000)))
                .await
                .map_err(explain)?;
            for e in entries {
                println!(
                    "{}  {:<16} {:<20} {:<32} {}",
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    e.by.as_deref().unwrap_or("(command line)"),
                    e.action,
                    e.target,
                    e.details
                );
            }
            Ok(())
        }
        Command::Admin(AdminCommand::Invite { days }) => {
            let state = passerelle::build_state(config, port).await?;
            let code = accounts::create_invitation(&state, None, days)
                .await
                .map_err(explain)?;
            println!("{code}");
            Ok(())
        }
    }
}

async fn partners_command(
    state: passerelle::state::AppState,
    cmd: PartnersCommand,
) -> anyhow::Result<()> {
    use passerelle::peering::partnerships::{self, Decision};
    let show = |p: partnerships::PartnershipView| {
        println!(
            "{:<32} {:<9} {:<30} job offers shared: {}",
            p.host,
            p.state,
            p.name,
            if p.share_job_offers { "yes" } else { "no" }
        )
    };
    let decide = |host: String, decision: Decision| {
        let state = state.clone();
        async move {
            match partnerships::decide(&state, None, &host, decision)
                .await
                .map_err(explain)?
            {
                Some(p) => show(p),
                None => println!("partnership with {host}: over"),
            }
            Ok::<_, anyhow::Error>(())
        }
    };
    match cmd {
        PartnersCommand::List => {
            let list = partnerships::list(&state).await.map_err(explain)?;
            if list.is_empty() {
                println!("no partnerships");
            }
            list.into_iter().for_each(show);
            Ok(())
        }
        PartnersCommand::Propose { host } => {
            // fetching the other instance actor needs the federation library's context
            let federation = passerelle::federation::federation_config(state.clone()).await?;
            let data = federation.to_request_data();
            show(
                partnerships::propose(&data, None, &host)
                    .await
                    .map_err(explain)?,
            );
            // the Offer is queued: the running server's delivery worker sends it
            Ok(())
        }
        PartnersCommand::Accept { host } => decide(host, Decision::Accept).await,
        PartnersCommand::Decline { host } => decide(host, Decision::Decline).await,
        PartnersCommand::End { host } => decide(host, Decision::End).await,
        PartnersCommand::ShareJobOffers { host, share } => {
            show(
                partnerships::share_job_offers(&state, None, &host, share == "on")
                    .await
                    .map_err(explain)?,
            );
            Ok(())
        }
    }
}

async fn reports_command(
    state: &passerelle::state::AppState,
    cmd: ReportsCommand,
) -> anyhow::Result<()> {
    use passerelle::moderation::{self, Resolution, ResolveInput};
    match cmd {
        ReportsCommand::List { all } => {
            let which = (!all).then(|| "open".to_string());
            let reports = moderation::list_reports(state, which)
                .await
                .map_err(explain)?;
            if reports.is_empty() {
                println!("no reports");
            }
            for r in reports {
                let from = r
                    .reporter
                    .map(|u| format!("by {u}"))
                    .or(r.origin.map(|o| format!("from {o}")))
                    .unwrap_or_default();
                println!(
                    "#{:<5} {:<9} {:<40} {:<24} {}{}",
                    r.id,
                    r.resolution.unwrap_or(r.state),
                    r.account.handle,
                    from,
                    r.reason.replace('\n', " "),
                    r.post_ap_id
                        .map(|p| format!(" (post {p})"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        ReportsCommand::Resolve { id, action, note } => {
            let action = Resolution::parse(&action).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown action `{action}`: use dismiss, remove_content, suspend, limit or block_instance"
                )
            })?;
            let r = moderation::resolve(state, None, id, ResolveInput { action, note })
                .await
                .map_err(explain)?;
            println!("report #{} resolved: {}", r.id, action.as_str());
            Ok(())
        }
    }
}

async fn accounts_command(
    state: &passerelle::state::AppState,
    cmd: AccountsCommand,
) -> anyhow::Result<()> {
    use passerelle::moderation::restrictions::{self, AccountAction, AccountModerationInput};
    let (handle, action, reason) = match cmd {
        AccountsCommand::List => {
            let accounts = restrictions::list(state).await.map_err(explain)?;
            if accounts.is_empty() {
                println!("no suspended or limited account");
            }
            for a in accounts {
                println!("{:<10} {:<40} {}", a.status, a.account.handle, a.reason);
            }
            return Ok(());
        }
        AccountsCommand::Suspend { handle, reason } => (handle, AccountAction::Suspend, reason),
        AccountsCommand::Limit { handle, reason } => (handle, AccountAction::Limit, reason),
        AccountsCommand::Lift { handle } => (handle, AccountAction::Lift, String::new()),
    };
    let actor = restrictions::known_by_handle(state, &handle)
        .await
        .map_err(explain)?;
    let standing = restrictions::moderate(
        state,
        None,
        actor.id,
        AccountModerationInput { action, reason },
    )
    .await
    .map_err(explain)?;
    println!("{}: {}", standing.account.handle, standing.status);
    Ok(())
}

async fn instances_command(
    state: &passerelle::state::AppState,
    cmd: InstancesCommand,
) -> anyhow::Result<()> {
    use passerelle::peering::{self, Policy, PolicyInput};
    let set = |host: String, policy: Policy, reason: String| async move {
        let view = peering::set_policy(state, None, &host, PolicyInput { policy, reason })
            .await
            .map_err(explain)?;
        println!("{}: {}", view.host, view.policy.as_str());
        Ok(())
    };
    match cmd {
        InstancesCommand::List => {
            let rules = peering::list(state).await.map_err(explain)?;
            if rules.is_empty() {
                println!(
                    "no rules (federation mode: {:?})",
                    state.config.federation.mode
                );
            }
            for r in rules {
                println!("{:<40} {:<8} {}", r.host, r.policy.as_str(), r.reason);
            }
            Ok(())
        }
        InstancesCommand::Block { host, reason } => set(host, Policy::Block, reason).await,
        InstancesCommand::Silence { host, reason } => set(host, Policy::Silence, reason).await,
        InstancesCommand::Allow { host, reason } => set(host, Policy::Allow, reason).await,
        InstancesCommand::Remove { host } => {
            peering::remove_policy(state, None, &host)
                .await
                .map_err(explain)?;
            println!("rule on {host} removed");
            Ok(())
        }
        InstancesCommand::Export => {
            let rules = peering::list(state).await.map_err(explain)?;
            print!("{}", peering::to_csv(&rules).map_err(explain)?);
            Ok(())
        }
        InstancesCommand::Import { file } => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
            };
            let summary = peering::import_csv(state, None, &text)
                .await
                .map_err(explain)?;
            println!("{} rule(s) written", summary.written);
            Ok(())
        }
    }
}

fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

async fn user_command(state: &passerelle::state::AppState, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            name,
            admin,
            password_stdin,
            email,
        } => {
            let given = read_password(password_stdin)?;
            let password = given.clone().unwrap_or_else(generated_password);
            let role = if admin { Role::Admin } else { Role::Member };
            let member = accounts::create_account(state, &name, &password, email, role, None)
                .await
                .map_err(explain)?;
            println!(
                "created @{} ({}){}",
                member.actor.handle(),
                role.as_str(),
                if given.is_none() {
                    format!(
                        "\npassword: {password}\n(change it after signing in: Settings → Password)"
                    )
                } else {
                    String::new()
                }
            );
            Ok(())
        }
        UserCommand::List => {
            let list = state
                .db
                .read(|c| Ok(accounts::model::list(c)?))
                .await
                .map_err(explain)?;
            if list.is_empty() {
                println!("no accounts yet: create one with `passerelle user create NAME --admin`");
            }
            for (account, username) in list {
                println!(
                    "{:<30} {:<10} {}{}",
                    username,
                    account.role,
                    account.created_at.format("%Y-%m-%d"),
                    if account.disabled {
                        "  (suspended)"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        UserCommand::SetPassword {
            name,
            password_stdin,
        } => {
            let (n, d) = (name.clone(), state.domain.clone());
            let account = state
                .db
                .read(move |c| Ok(accounts::model::by_username(c, &n, &d)?))
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow::anyhow!("no account named {name}"))?;
            let given = read_password(password_stdin)?;
            let password = given.clone().unwrap_or_else(generated_password);
            accounts::set_password(state, account.id, &password, None)
                .await
                .map_err(explain)?;
            println!("password of {name} changed");
            if given.is_none() {
                println!("password: {password}");
            }
            Ok(())
        }
    }
}

async fn import_jobs(
    config: Config,
    port: u16,
    file: &std::path::Path,
    organisation: &str,
    dry_run: bool,
    publish: bool,
) -> anyhow::Result<()> {
    use passerelle::jobs::import;
    let (offers, rejected) = import::read_file(file)?;
    let state = passerelle::build_state(config, port).await?;
    let bar = indicatif::ProgressBar::new(offers.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("checking");
    let report = import::import(
        &state,
        organisation,
        offers,
        rejected,
        dry_run,
        publish,
        || bar.inc(1),
    )
    .await
    .map_err(explain)?;
    bar.finish_and_clear();
    for r in &report.rejected {
        eprintln!("row {}: {}", r.row, r.reasons.join("; "));
    }
    if !report.rejected.is_empty() {
        anyhow::bail!(
            "{} of {} rows refused: nothing was imported; correct them and run the import again",
            report.rejected.len(),
            report.rows
        );
    }
    if report.dry_run {
        println!(
            "{} rows checked, all valid (dry run: nothing imported)",
            report.rows
        );
    } else {
        println!(
            "{} offers imported for @{} as {}",
            report.imported,
            organisation.trim_start_matches('@'),
            if publish {
                "published offers"
            } else {
                "drafts"
            }
        );
    }
    Ok(())
}
