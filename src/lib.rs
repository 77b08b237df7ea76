//! Passerelle: a federated professional network server.
//!
//! [`app`] builds the HTTP router; [`start`] opens the database (migrating it), makes sure the
//! instance actor exists, starts the delivery worker and serves HTTP on a given listener;
//! [`serve`] does that on the configured address until the process is asked to stop.
//! Each domain owns a folder with the same files: `mod.rs` (domain functions), `model.rs` (rows
//! and queries), `api.rs` (JSON handlers), `web.rs` (HTML handlers), `federation.rs` (wire
//! types and ActivityPub endpoints). See docs/ARCHITECTURE.md.

/// Local accounts: registration, login, sessions, API tokens, roles.
pub mod accounts;
/// Every ActivityPub actor known here, local or remote.
pub mod actors;
/// The JSON API: authentication, shared views, OpenAPI document.
pub mod api;
/// Communities (`Group` actors): membership, roles, charter, threads, moderation.
pub mod communities;
/// The configuration value: TOML file plus environment overrides.
pub mod config;
/// Database connections, pools and migrations for SQLite and PostgreSQL.
pub mod db;
/// The one application error type.
pub mod error;
/// Shared ActivityPub plumbing: inbox, outbox and delivery, signatures, WebFinger, NodeInfo.
pub mod federation;
/// Who follows whom, with approval for locked profiles.
pub mod follows;
/// Sanitising remote HTML, rendering local text.
pub mod html;
/// Job offers: writing, publishing, the job board, applications, feeds, imports.
pub mod jobs;
/// Direct messages between people, in conversations, across instances.
pub mod messages;
/// Prometheus metrics and health check.
pub mod metrics;
/// Moderation: the audit log of administrators' and moderators' actions.
pub mod moderation;
/// What members are told about: unread counts, settings, emails.
pub mod notifications;
/// Organisations (`Organization` actors) and their teams.
pub mod organisations;
/// Whom we federate with: federation mode, rules about other servers (allow, silence, block).
pub mod peering;
/// Short posts and the home feed.
pub mod posts;
/// Members' public profiles.
pub mod profiles;
/// Rate limits per client address, account and remote server (429 with Retry-After).
pub mod rate_limit;
/// The state shared by handlers and workers.
pub mod state;
/// Server-rendered HTML interface.
pub mod web;

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use anyhow::Context;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderValue, header},
    middleware,
    routing::{get, post},
};
use config::Config;
use state::{AppState, AppStateInner};
use std::net::SocketAddr;
use tokio::{net::TcpListener, task::JoinHandle};
use tower_http::set_header::SetResponseHeaderLayer;

/// ActivityPub, WebFinger, NodeInfo and operations endpoints.
fn federation_routes() -> Router {
    use federation::{inbox, instance, webfinger};
    Router::new()
        .route("/.well-known/webfinger", get(webfinger::webfinger))
        .route("/.well-known/nodeinfo", get(instance::nodeinfo_links))
        .route("/nodeinfo/2.1", get(instance::nodeinfo))
        .route("/actor", get(instance::instance_actor))
        .route("/actor/outbox", get(instance::instance_outbox))
        .route("/inbox", post(inbox::shared_inbox))
        .route("/users/{name}", get(profiles::federation::person))
        .route("/users/{name}/inbox", post(inbox::actor_inbox))
        .route("/users/{name}/outbox", get(profiles::federation::outbox))
        .route("/users/{name}/profile", get(profiles::federation::profile))
        .route("/direct/{uuid}", get(messages::federation::note_document))
        .route("/c/{name}", get(communities::federation::group))
        .route("/c/{name}/inbox", post(communities::federation::inbox))
        .route("/c/{name}/outbox", get(communities::federation::outbox))
        .route(
            "/c/{name}/followers",
            get(communities::federation::followers),
        )
        .route(
            "/c/{name}/moderators",
            get(communities::federation::moderators),
        )
        .route(
            "/threads/{uuid}",
            get(communities::federation::post_document),
        )
        .route("/orgs/{name}", get(organisations::federation::organisation))
        .route("/orgs/{name}/inbox", post(inbox::actor_inbox))
        .route("/orgs/{name}/jobs.atom", get(jobs::feed::organisation_feed))
        .route(
            "/orgs/{name}/outbox",
            get(organisations::federation::outbox),
        )
        .route(
            "/orgs/{name}/followers",
            get(follows::federation::organisation_followers),
        )
        .route(
            "/orgs/{name}/following",
            get(follows::federation::organisation_following),
        )
        .route(
            "/users/{name}/followers",
            get(follows::federation::followers),
        )
        .route(
            "/users/{name}/following",
            get(follows::federation::following),
        )
        .route("/metrics", get(metrics::metrics))
        .route("/healthz", get(metrics::healthz))
}

/// The whole HTTP application of one instance.
pub fn app(federation: FederationConfig<AppState>) -> Router {
    let max_body = federation.config.server.max_body_bytes;
    // pages load only our own scripts and styles; pictures may come from other servers
    let images = if federation.allow_insecure_local {
        "'self' https: http: data:"
    } else {
        "'self' https: data:"
    };
    let csp = format!(
        "default-src 'self'; img-src {images}; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );
    let csp = HeaderValue::from_str(&csp).expect("a valid header value");
    let hsts = (federation.base_url.scheme() == "https")
        .then(|| HeaderValue::from_static("max-age=31536000"));
    Router::new()
        .merge(federation_routes())
        .merge(api::routes())
        .merge(web::routes())
        .layer(middleware::from_fn(rate_limit::per_ip))
        .layer(middleware::from_fn(metrics::count_requests))
        .layer(FederationMiddleware::new(federation))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<_>| hsts.clone(),
        ))
}

/// Opens the database (applying migrations), loads or creates the instance actor and builds
/// the state of an instance listening on `port`. Also used by CLI commands.
pub async fn build_state(config: Config, port: u16) -> anyhow::Result<AppState> {
    let resolved = config.resolve(port);
    let url = config.database_url()?;
    let pool_size = config.database.pool_size;
    let db = tokio::task::spawn_blocking(move || -> anyhow::Result<db::Db> {
        let db = db::Db::connect(&url, pool_size)?;
        db.migrate()?;
        Ok(db)
    })
    .await??;
    let scheme = if resolved.allow_insecure_local && config::is_localhost_domain(&resolved.domain) {
        "http"
    } else {
        "https"
    };
    let base_url = url::Url::parse(&format!("{scheme}://{}/", resolved.domain))
        .context("instance.domain does not form a valid URL")?;
    let (db2, base2, domain2) = (db.clone(), base_url.clone(), resolved.domain.clone());
    let instance_actor = tokio::task::spawn_blocking(move || {
        federation::instance::ensure_instance_actor(&db2, &base2, &domain2)
    })
    .await??;
    let url_policy = federation::UrlPolicy {
        allow_insecure_local: resolved.allow_insecure_local,
        allow_private_addresses: config.federation.allow_private_addresses,
    };
    let http = federation::http_client(url_policy, config.federation.request_timeout)?;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "node".into());
    let signer = federation::signer::Signer::start(
        config.federation.signing_threads,
        config.federation.signing_niceness,
    )
    .context("cannot start the signing threads")?;
    Ok(AppState::new(AppStateInner {
        signer,
        community_inboxes: communities::model::inbox_cache(),
        node_id: format!("{host}:{port}"),
        domain: resolved.domain,
        base_url,
        allow_insecure_local: resolved.allow_insecure_local,
        allow_private_addresses: config.federation.allow_private_addresses,
        secure_cookies: resolved.secure_cookies,
        db,
        keys: Default::default(),
        metrics: Default::default(),
        delivery_wakeup: Default::default(),
        http,
        i18n: Default::default(),
        limits: rate_limit::RateLimits::new(&config.limits),
        instance_actor,
        config,
    }))
}

/// A running instance.
pub struct Server {
    pub state: AppState,
    pub addr: SocketAddr,
    http: JoinHandle<()>,
    worker: JoinHandle<()>,
    expiry: JoinHandle<()>,
    mailer: Option<JoinHandle<()>>,
}

impl Server {
    /// Stops serving and delivering (pending deliveries stay in the database).
    pub fn stop(self) {
        self.http.abort();
        self.worker.abort();
        self.expiry.abort();
        if let Some(m) = self.mailer {
            m.abort();
        }
    }

    /// Waits until the HTTP server ends (it does not, unless it fails).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.http.await?;
        Ok(())
    }
}

/// Starts an instance on `listener`: database, instance actor, delivery worker, email worker
/// (when an SMTP server is configured), HTTP.
pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
    let addr = listener.local_addr()?;
    let state = build_state(config, addr.port()).await?;
    let federation = federation::federation_config(state.clone()).await?;
    let router = app(federation);
    let worker = tokio::spawn(federation::delivery::run(state.clone()));
    let expiry = tokio::spawn(jobs::run_expiry(state.clone()));
    let mailer = notifications::email::spawn(state.clone())?;
    let http = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service).await {
            tracing::error!("HTTP server stopped: {e}");
        }
    });
    Ok(Server {
        state,
        addr,
        http,
        worker,
        expiry,
        mailer,
    })
}

/// Serves on the configured address until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&config.server.bind)
        .await
        .with_context(|| format!("cannot listen on {} (server.bind)", config.server.bind))?;
    let server = start(config, listener).await?;
    tracing::info!(
        "Passerelle is running: {} (listening on {})",
        server.state.base_url,
        server.addr
    );
    println!("listening on {}", server.addr);
    tokio::select! {
        r = shutdown_signal() => r,
        r = async { server.wait().await } => r,
    }
}

async fn shutdown_signal() -> anyhow::Result<()> {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await?;
    tracing::info!("stopping; undelivered activities stay queued in the database");
    Ok(())
}
