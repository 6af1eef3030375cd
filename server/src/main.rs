//! `lapor`: serves the application.
//!
//! `lapor --demo` loads the demo organisations and a demo citizen on first start (never use it
//! in production); `DATABASE_URL` chooses SQLite (default `sqlite://lapor.db`) or PostgreSQL.

use anyhow::Context;
use app::i18n::TimeZone;
use axum::serve::ListenerExt;
use clap::Parser;
use server::{Settings, build_state};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "lapor", about = "SP4N-LAPOR! public complaint service")]
struct Cli {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://lapor.db")]
    database_url: String,
    /// Address to listen on (default: the site address in Cargo.toml, 127.0.0.1:3000).
    #[arg(long, env = "LAPOR_ADDR")]
    addr: Option<std::net::SocketAddr>,
    /// Load the demo organisations, categories, a demo citizen and sample reports.
    #[arg(long)]
    demo: bool,
    /// Time zone pages show times in: WIB, WITA or WIT.
    #[arg(long, env = "LAPOR_TIME_ZONE", default_value = "WIB")]
    time_zone: String,
    /// Public URL of the site; https turns on Secure cookies.
    #[arg(
        long,
        env = "LAPOR_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    public_url: String,
    /// Addresses of reverse proxies (comma-separated) whose `X-Forwarded-For` names the
    /// client; from any other peer the header is ignored.
    #[arg(long, env = "LAPOR_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Clients (comma-separated addresses) that may read `/metrics`; everyone else gets 403.
    #[arg(
        long,
        env = "LAPOR_METRICS_FROM",
        value_delimiter = ',',
        default_value = "127.0.0.1,::1"
    )]
    metrics_from: Vec<std::net::IpAddr>,
    /// Mail server for notifications: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host`. Without it, emails are written to `--outbox-dir`.
    #[arg(long, env = "LAPOR_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of notification emails.
    #[arg(
        long,
        env = "LAPOR_MAIL_FROM",
        default_value = "LAPOR! <noreply@lapor.localhost>"
    )]
    mail_from: String,
    /// Kannel's sendsms address, e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`. Without it,
    /// texts are written to `--outbox-dir`.
    #[arg(long, env = "LAPOR_KANNEL_URL")]
    kannel_url: Option<String>,
    /// The `sendsms-user` lapor sends as.
    #[arg(long, env = "LAPOR_KANNEL_USER", default_value = "lapor")]
    kannel_user: String,
    #[arg(long, env = "LAPOR_KANNEL_PASSWORD", default_value = "")]
    kannel_password: String,
    /// The service number texts come from and are sent to.
    #[arg(long, env = "LAPOR_SMS_NUMBER", default_value = "1708")]
    sms_number: String,
    /// The key Kannel's sms-service sends as `key=` with every text (`/sms/kannel`); without
    /// it, no texts are taken.
    #[arg(long, env = "LAPOR_SMS_KEY")]
    sms_key: Option<String>,
    /// Code of the government or agency SMS reports go to (default: the national queue).
    #[arg(long, env = "LAPOR_SMS_ORG")]
    sms_org: Option<String>,
    /// Texts one number may send per hour.
    #[arg(long, env = "LAPOR_SMS_PER_HOUR", default_value_t = 20)]
    sms_per_hour: i64,
    /// Where attachments are kept (default: a directory next to the SQLite file, or
    /// `lapor-lampiran` in the working directory for PostgreSQL).
    #[arg(long, env = "LAPOR_FILES_DIR")]
    files_dir: Option<std::path::PathBuf>,
    /// An S3-compatible bucket for attachments instead (several servers share it); the keys
    /// come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    #[arg(long, env = "LAPOR_S3_BUCKET")]
    s3_bucket: Option<String>,
    /// The S3-compatible server's URL (empty: AWS).
    #[arg(long, env = "LAPOR_S3_ENDPOINT", default_value = "")]
    s3_endpoint: String,
    #[arg(long, env = "LAPOR_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
    /// Where emails and texts are written when no mail server or gateway is configured.
    #[arg(long, env = "LAPOR_OUTBOX_DIR", default_value = "lapor-outbox")]
    outbox_dir: std::path::PathBuf,
    /// Seconds a report's events wait for more before they are notified as one.
    #[arg(long, env = "LAPOR_NOTIFY_GATHER_SECONDS", default_value_t = app::db::GATHER_SECS)]
    notify_gather_seconds: i64,
    /// Live streams this process holds at most; beyond it a new one is answered 503 with
    /// `Retry-After`. Lowered at start to fit the open-file limit.
    #[arg(long, env = "LAPOR_MAX_STREAMS", default_value_t = server::limits::MAX_STREAMS)]
    max_streams: usize,
    /// Seconds an anonymous visitor's public page (a report, the listing, the figures, the
    /// home page) is served again without rendering it, unless it changed before; 0: never.
    #[arg(long, env = "LAPOR_PAGE_CACHE_SECONDS", default_value_t = 2)]
    page_cache_seconds: u64,
    /// Browser tests only: multiplies the bursts of the abuse limits.
    #[arg(long, hide = true, default_value_t = 1)]
    limits_burst_factor: u32,
    /// Browser tests only: adds `POST /uji/jam?detik=N`, which moves the server's clock ahead.
    #[arg(long, hide = true)]
    test_clock: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Creates a system admin account (the first account of a fresh deployment) and exits.
    /// The password is read from LAPOR_ADMIN_PASSWORD or, when that is unset, from the first
    /// line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Turns off two-step sign-in of an official who lost their authenticator and recovery
    /// codes when no system admin can do it in the admin page (the only one is locked out),
    /// ends their sessions, records it in the audit log, and exits.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
    /// Writes a consistent copy of the (SQLite) database to a new file while the server may
    /// go on writing, and exits. PostgreSQL is copied with pg_dump (README, Operations).
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let time_zone = TimeZone::from_label(&cli.time_zone)
        .with_context(|| format!("unknown time zone {} (use WIB, WITA or WIT)", cli.time_zone))?;
    // cargo-leptos compiles the output name in; site root and address come from LEPTOS_* or
    // their defaults (target/site, 127.0.0.1:3000).
    let mut leptos_options = leptos::config::get_configuration(None)
        .context("read the Leptos configuration")?
        .leptos_options;
    // A release build by cargo-leptos names its files by content hash and records the hashes
    // beside the binary; use them whenever they are there.
    let hashes = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
    if hashes.is_some_and(|h| h.exists()) {
        leptos_options.hash_files = true;
    }
    if let Some(addr) = cli.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;
    let settings = Settings {
        database_url: cli.database_url.clone(),
        time_zone,
        public_url: cli.public_url.clone(),
        files: match (&cli.s3_bucket, &cli.files_dir) {
            (Some(bucket), _) => Some(app::attachments::blobs::BlobConfig::S3 {
                bucket: bucket.clone(),
                endpoint: cli.s3_endpoint.clone(),
                region: cli.s3_region.clone(),
                keys: None,
            }),
            (None, Some(dir)) => Some(app::attachments::blobs::BlobConfig::Dir(dir.clone())),
            (None, None) if !cli.database_url.starts_with("sqlite") => Some(
                app::attachments::blobs::BlobConfig::Dir("lapor-lampiran".into()),
            ),
            (None, None) => None,
        },
    };
    let mut state = build_state(&settings, leptos_options).await?;
    state.db.db.gather_secs = cli.notify_gather_seconds.max(0);
    if let Some(Command::CreateAdmin { email, name }) = &cli.command {
        let password = match std::env::var("LAPOR_ADMIN_PASSWORD") {
            Ok(p) => p,
            Err(_) => {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("read the password from standard input")?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            }
        };
        let id = server::cli::create_admin(&state.db, email, name, &password).await?;
        println!("created system admin {email} (account {id})");
        return Ok(());
    }
    if let Some(Command::Backup { to }) = &cli.command {
        server::ops::backup(&state.db, to).await?;
        println!("copied the database to {}", to.display());
        return Ok(());
    }
    if let Some(Command::ResetSecondFactor { email }) = &cli.command {
        if server::cli::reset_second_factor(&state.db, email).await? {
            println!("two-step sign-in of {email} turned off; it signs in with its password");
        } else {
            println!("{email} had no two-step sign-in");
        }
        return Ok(());
    }
    if cli.demo {
        let now = app::db::now();
        let loaded = app::demo::load(
            &state.db,
            &state.config.server_secret,
            now,
            &time_zone.date_at(now),
        )
        .await?;
        if loaded {
            tracing::info!(
                email = app::demo::DEMO_EMAIL,
                password = app::demo::DEMO_PASSWORD,
                "demo data loaded; demo citizen"
            );
        }
    }
    let transports = transports(&cli, &state)?;
    let intake_org = match &cli.sms_org {
        Some(code) => Some(
            app::orgs::org_id_by_code(&state.db, code)
                .await?
                .with_context(|| format!("no organisation with code {code} (--sms-org)"))?,
        ),
        None => None,
    };
    let state = server::with_channels(
        state,
        app::state::Channels {
            email_configured: transports.mail.configured(),
            sms_configured: transports.sms.configured(),
            sms_key: cli.sms_key.clone().filter(|k| !k.is_empty()),
            sms: app::sms::SmsPolicy {
                intake_org,
                per_hour: cli.sms_per_hour,
            },
        },
    );
    if !transports.mail.configured() || !transports.sms.configured() {
        tracing::info!(
            folder = %cli.outbox_dir.display(),
            "no mail server or SMS gateway configured: notifications are written to this folder"
        );
    }
    server::outbox::spawn(
        state.db.db.clone(),
        std::sync::Arc::new(transports),
        state.shutdown.clone(),
        std::time::Duration::from_millis(500),
    );
    server::page_cache::keep_for(std::time::Duration::from_secs(cli.page_cache_seconds));
    let limits = server::limits::Limits {
        burst_factor: cli.limits_burst_factor,
        max_streams: fit_streams(cli.max_streams),
        ..Default::default()
    };
    let limiters = server::limits::Limiters::with_metrics_from(
        &limits,
        cli.trusted_proxies.clone(),
        cli.metrics_from.clone(),
    );
    server::spawn_scheduler(state.db.clone(), limiters.clone());
    let shutdown = state.shutdown.clone();
    let app = if cli.test_clock {
        tracing::warn!("test clock enabled: anyone can move this server's time");
        server::router_with_test_clock(state, limiters)
    } else {
        server::router_with(state, limiters)
    };
    let listener = listen(addr).with_context(|| format!("listen on {addr}"))?;
    tracing::info!("lapor listening on http://{addr}");
    // Live streams are held by lapor's own lean handler, every other request by hyper.
    let accepting = shutdown.clone();
    let connections = server::connections::split(listener, app.clone(), async move {
        accepting.wait().await;
    })?;
    let stopping = shutdown.clone();
    let serve = axum::serve(
        // (`tap_io` only to have the client's address as axum's `ConnectInfo`.)
        connections.tap_io(|_| {}),
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop_signal().await;
        tracing::info!("stopping: no new connections; finishing requests in flight");
        stopping.begin();
    });
    tokio::select! {
        served = serve => served.context("serve")?,
        () = async {
            shutdown.wait().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}: stopped"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// The mail server and SMS gateway the outbox worker sends through (or the folders).
fn transports(
    cli: &Cli,
    state: &app::state::AppState,
) -> anyhow::Result<server::outbox::Transports> {
    use server::outbox::{Kannel, Mail, Sms, Transports};
    let mail = Mail::new(
        cli.smtp_url.as_deref().filter(|u| !u.is_empty()),
        &cli.mail_from,
        cli.outbox_dir.join("email"),
    )?;
    let sms = match cli.kannel_url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => Sms::Kannel(Kannel {
            client: reqwest::Client::new(),
            url: url.to_owned(),
            username: cli.kannel_user.clone(),
            password: cli.kannel_password.clone(),
            from: cli.sms_number.clone(),
        }),
        None => Sms::Folder(cli.outbox_dir.join("sms")),
    };
    Ok(Transports {
        mail,
        sms,
        public_url: cli.public_url.trim_end_matches('/').to_owned(),
        server_secret: state.config.server_secret.clone(),
    })
}

/// How long requests in flight may take to finish once the server is told to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// SIGTERM (what a service manager sends) or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Raises this process's open-file limit to what the system allows, and fits the live-stream
/// cap under it: each stream holds a socket, and 1,024 descriptors stay for the database,
/// files and every other request.
fn fit_streams(wanted: usize) -> usize {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1_024);
    let room = usize::try_from(limit.saturating_sub(1_024)).unwrap_or(usize::MAX);
    if wanted > room {
        tracing::warn!(
            wanted,
            room,
            "the open-file limit is too low for the live-stream cap: lowered"
        );
        return room;
    }
    tracing::info!(streams = wanted, open_files = limit, "live-stream cap");
    wanted
}

/// The listening socket, with a backlog of 4,096 connections waiting to be accepted (the
/// kernel's ceiling here; tokio's default is 1,024): when many pages open their live stream at
/// once, a connection attempt the backlog drops costs its client a second before it retries.
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4_096)
}
