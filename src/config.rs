//! Configuration: a TOML file plus `PASSERELLE_<SECTION>__<KEY>` environment overrides.
//!
//! The configuration is a plain value built once in `main` (or by a test) and carried in
//! [`crate::state::AppState`]; nothing reads it from a global, so one process can run several
//! instances with different settings. Every setting has a default, so the server runs with no
//! file at all. `config.example.toml` documents each key; keep the two in step.

use figment::{
    Figment,
    providers::{Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::Path, time::Duration};

/// Every setting of an instance, validated by [`Config::load`] before the server starts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub instance: InstanceConfig,
    pub database: DatabaseConfig,
    pub federation: FederationConfig,
    pub web: WebConfig,
    pub limits: LimitsConfig,
    pub email: EmailConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port the HTTP server listens on.
    pub bind: String,
    /// Largest request body accepted by forms and the JSON API, in bytes.
    pub max_body_bytes: usize,
    /// Header holding the client's address, set by the reverse proxy (such as
    /// `X-Forwarded-For` or `X-Real-IP`; the first address is used). Unset: the connection's
    /// peer address. Set it only behind a proxy that overwrites the header.
    pub client_ip_header: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct InstanceConfig {
    /// Public host name (with `:port` if not the default one) under which the instance is known
    /// to the fediverse. Empty means `localhost:<port of server.bind>`, allowed only when
    /// binding a loopback address.
    pub domain: String,
    /// Name shown in page titles and in NodeInfo.
    pub name: String,
    /// Short description shown on the home page and in NodeInfo.
    pub description: String,
    /// Who may create an account: `open`, `invite-only` or `closed`.
    pub registration: RegistrationMode,
    /// Who may create communities: `members` (anyone with an account) or `admins`.
    pub community_creation: CommunityCreation,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CommunityCreation {
    Members,
    Admins,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationMode {
    Open,
    InviteOnly,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` (embedded, the default) or `postgres://USER@HOST/DB`.
    pub url: String,
    /// Connections kept open. SQLite always uses a single writer connection besides these.
    pub pool_size: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FederationConfig {
    /// Whom this instance federates with: everyone but blocked servers (`open`), or only
    /// servers listed as allowed and partners (`allowlist`).
    pub mode: FederationMode,
    /// Allow plain-http federation with loopback hosts such as `localhost:PORT`. Unset means on
    /// only when `instance.domain` is `localhost[:port]`.
    pub allow_insecure_local: Option<bool>,
    /// Let the server contact loopback, private and link-local addresses (`127.0.0.1`,
    /// `10.0.0.1`, names resolving to them …). Off, a crafted actor or handle cannot make the
    /// server reach internal services; local test instances still federate through `localhost`
    /// names. Only for tests on a private network.
    pub allow_private_addresses: bool,
    /// Require an HTTP signature on every ActivityPub fetch ("authorized fetch", "secure mode").
    pub authorized_fetch: bool,
    /// How many receiving instances are served in parallel by this node's delivery worker.
    pub delivery_concurrency: usize,
    /// Threads signing deliveries (0: one per CPU core).
    pub signing_threads: usize,
    /// How far below the rest of the server the signing threads run in CPU priority (Linux
    /// niceness steps, 0 to 19; 0 keeps the server's priority): when the machine is busy,
    /// incoming requests go first and deliveries wait in their queue.
    pub signing_niceness: u8,
    /// How often the delivery worker looks for due deliveries written by other nodes.
    #[serde(with = "humantime_serde")]
    pub delivery_poll_interval: Duration,
    /// First retry delay after a failed delivery; it doubles on each failure...
    #[serde(with = "humantime_serde")]
    pub retry_initial: Duration,
    /// ...up to this cap, so a recovered instance is served again within this delay.
    #[serde(with = "humantime_serde")]
    pub retry_max: Duration,
    /// An instance failing for this long is marked unreachable (its queue is kept and it is
    /// still tried at the capped delay; it is resumed as soon as it answers).
    #[serde(with = "humantime_serde")]
    pub unreachable_after: Duration,
    /// Undelivered activities older than this are dropped. `0s` keeps them until an admin acts.
    #[serde(with = "humantime_serde")]
    pub delivery_expiry: Duration,
    /// Timeout for every outgoing HTTP request.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
}

/// Rate limits (429 with `Retry-After` beyond them), each written `COUNT/DURATION`, such as
/// `5/1h` (a burst of 5, then one more every 12 minutes), or `off`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Off: no limit at all (for benchmarks and tests).
    pub enabled: bool,
    pub signup_per_ip: Rate,
    pub signin_per_ip: Rate,
    /// Sign-in attempts on one account, from anywhere (password guessing).
    pub signin_per_account: Rate,
    pub posts_per_ip: Rate,
    pub posts_per_account: Rate,
    /// Every `/api/` request, signed in or not.
    pub api_per_ip: Rate,
    /// Every request made with one account's API tokens.
    pub api_per_account: Rate,
    /// Activities POSTed to our inboxes by one remote server (`host[:port]`).
    pub inbox_per_instance: Rate,
}

/// `count` events per `per`, as a burst refilled evenly; `count == 0` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl std::str::FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Rate, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(Rate {
                count: 0,
                per: Duration::from_secs(1),
            });
        }
        let bad = || format!("`{s}` is not a rate such as 30/1m, 5/1h or off");
        let (count, per) = s.split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let per = humantime::parse_duration(per.trim()).map_err(|_| bad())?;
        if count == 0 || per.is_zero() {
            return Err(bad());
        }
        Ok(Rate { count, per })
    }
}

impl TryFrom<String> for Rate {
    type Error = String;
    fn try_from(s: String) -> Result<Rate, String> {
        s.parse()
    }
}

impl From<Rate> for String {
    fn from(r: Rate) -> String {
        if r.count == 0 {
            "off".into()
        } else {
            format!("{}/{}", r.count, humantime::format_duration(r.per))
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let rate = |count, secs| Rate {
            count,
            per: Duration::from_secs(secs),
        };
        LimitsConfig {
            enabled: true,
            signup_per_ip: rate(5, 3600),
            signin_per_ip: rate(30, 300),
            signin_per_account: rate(10, 300),
            posts_per_ip: rate(60, 600),
            posts_per_account: rate(30, 600),
            api_per_ip: rate(600, 60),
            api_per_account: rate(600, 60),
            inbox_per_instance: rate(6000, 60),
        }
    }
}

/// See [`FederationConfig::mode`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FederationMode {
    Open,
    Allowlist,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Mark session cookies `Secure`. Unset means on unless plain-http local federation is on.
    pub secure_cookies: Option<bool>,
    /// How long a web session lasts after signing in.
    #[serde(with = "humantime_serde")]
    pub session_lifetime: Duration,
    /// Pages readable without an account (profiles, organisations, job offers, the job board,
    /// their feeds). Off: visitors are sent to the sign-in page; ActivityPub documents stay
    /// available to other servers.
    pub public_pages: bool,
}

/// The SMTP server that sends notification emails. Without `smtp_host`, no email is sent and
/// members are told so on their settings page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// Host name of the SMTP server; empty turns emails off.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (upgrade a plain connection, port 587), `tls` (TLS from the start, port
    /// 465) or `none` (plain text: only for a server on the same machine).
    pub tls: EmailTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender address of notification emails, such as `Passerelle <no-reply@example.org>`.
    pub from: String,
    /// How often pending notifications are looked for (immediate emails wait at most this).
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// Time between two digests of a member who chose a daily digest.
    #[serde(with = "humantime_serde")]
    pub digest_interval: Duration,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EmailTls {
    Starttls,
    Tls,
    None,
}

impl EmailConfig {
    /// Whether this server sends emails.
    pub fn enabled(&self) -> bool {
        !self.smtp_host.is_empty()
    }
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            smtp_host: String::new(),
            smtp_port: 587,
            tls: EmailTls::Starttls,
            username: None,
            password: None,
            from: String::new(),
            poll_interval: Duration::from_secs(30),
            digest_interval: Duration::from_secs(24 * 3600),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            client_ip_header: None,
        }
    }
}

impl Default for InstanceConfig {
    fn default() -> Self {
        InstanceConfig {
            domain: String::new(),
            name: "Passerelle".into(),
            description: String::new(),
            registration: RegistrationMode::Open,
            community_creation: CommunityCreation::Members,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://data/passerelle.db".into(),
            pool_size: 8,
        }
    }
}

impl Default for FederationConfig {
    fn default() -> Self {
        FederationConfig {
            mode: FederationMode::Open,
            allow_insecure_local: None,
            allow_private_addresses: false,
            authorized_fetch: false,
            delivery_concurrency: 64,
            signing_threads: 0,
            signing_niceness: 10,
            delivery_poll_interval: Duration::from_secs(5),
            retry_initial: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            unreachable_after: Duration::from_secs(7 * 24 * 3600),
            delivery_expiry: Duration::from_secs(30 * 24 * 3600),
            request_timeout: Duration::from_secs(10),
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: None,
            session_lifetime: Duration::from_secs(30 * 24 * 3600),
            public_pages: true,
        }
    }
}

/// A configuration problem, worded for the person who has to fix the file or variable.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Which database engine a URL designates; the scheme alone decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl Config {
    /// Reads defaults, then the TOML file if one is given, then `PASSERELLE_*` variables from
    /// `env`, and validates the result. `env` is passed in (rather than read from the process)
    /// so tests can build configurations side by side.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "configuration file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let overrides: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("PASSERELLE_") && k.contains("__"))
            .collect();
        for (key, value) in overrides {
            let name = key["PASSERELLE_".len()..].to_lowercase().replace("__", ".");
            // kept as text: `extract_lossy` turns "true" or "8" into a bool or a number only
            // where the setting is one, so a name such as "123" stays a name
            figment = figment.merge(Serialized::global(&name, value));
        }
        let config: Config = figment.extract_lossy().map_err(|e| {
            let e = e.into_iter().next().map(|e| {
                let path = e.path.join(".");
                let source = if path.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (key `{path}`, variable PASSERELLE_{})",
                        path.replace('.', "__").to_uppercase()
                    )
                };
                format!("invalid configuration: {}{source}", e.kind)
            });
            ConfigError(e.unwrap_or_else(|| "invalid configuration".into()))
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values serde cannot check alone; the message names the key to fix.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bind: SocketAddr = self.server.bind.parse().map_err(|_| {
            ConfigError(format!(
                "server.bind: `{}` is not an address and port such as 127.0.0.1:8080",
                self.server.bind
            ))
        })?;
        if self.instance.domain.is_empty() && !bind.ip().is_loopback() {
            return Err(ConfigError(
                "instance.domain: required when server.bind is not a loopback address (the \
                 public host name members are known by, such as network.example.org)"
                    .into(),
            ));
        }
        if !self.instance.domain.is_empty() {
            validate_domain(&self.instance.domain)?;
        }
        self.database_url()?;
        if self.email.enabled() {
            if self.email.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError(format!(
                    "email.from: `{}` is not an address such as Passerelle <no-reply@example.org> \
                     (required when email.smtp_host is set)",
                    self.email.from
                )));
            }
            if self.email.username.is_some() != self.email.password.is_some() {
                return Err(ConfigError(
                    "email.username and email.password: give both or neither".into(),
                ));
            }
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError("database.pool_size: must be at least 1".into()));
        }
        let f = &self.federation;
        if f.delivery_concurrency == 0 {
            return Err(ConfigError(
                "federation.delivery_concurrency: must be at least 1".into(),
            ));
        }
        if f.signing_niceness > 19 {
            return Err(ConfigError(
                "federation.signing_niceness: must be between 0 and 19".into(),
            ));
        }
        for (name, value) in [
            (
                "federation.delivery_poll_interval",
                f.delivery_poll_interval,
            ),
            ("federation.retry_initial", f.retry_initial),
            ("federation.retry_max", f.retry_max),
            ("federation.request_timeout", f.request_timeout),
            ("web.session_lifetime", self.web.session_lifetime),
            ("email.poll_interval", self.email.poll_interval),
            ("email.digest_interval", self.email.digest_interval),
        ] {
            if value.is_zero() {
                return Err(ConfigError(format!("{name}: must be longer than 0s")));
            }
        }
        if f.retry_max < f.retry_initial {
            return Err(ConfigError(
                "federation.retry_max: must not be shorter than federation.retry_initial".into(),
            ));
        }
        Ok(())
    }

    /// The database URL, split by engine.
    pub fn database_url(&self) -> Result<DatabaseUrl, ConfigError> {
        let url = &self.database.url;
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(ConfigError(
                    "database.url: sqlite:// needs a file path, such as sqlite://data/passerelle.db"
                        .into(),
                ));
            }
            Ok(DatabaseUrl::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.clone()))
        } else {
            Err(ConfigError(format!(
                "database.url: `{url}` must start with sqlite:// or postgres://"
            )))
        }
    }

    /// The instance's public host (with port when not default), once the listening port is known.
    pub fn domain_for_port(&self, port: u16) -> String {
        if self.instance.domain.is_empty() {
            format!("localhost:{port}")
        } else {
            self.instance.domain.clone()
        }
    }
}

/// True for `localhost` and `localhost:PORT`, the embedded default domain.
pub fn is_localhost_domain(domain: &str) -> bool {
    let host = domain.split(':').next().unwrap_or(domain);
    host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost")
}

fn validate_domain(domain: &str) -> Result<(), ConfigError> {
    let bad = || {
        ConfigError(format!(
            "instance.domain: `{domain}` is not a host name such as network.example.org \
             (no scheme, no path; add :port only if not 443)"
        ))
    };
    let (host, port) = match domain.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (domain, None),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        || host.starts_with(['.', '-'])
    {
        return Err(bad());
    }
    if let Some(p) = port {
        p.parse::<u16>().map_err(|_| bad())?;
    }
    Ok(())
}

/// The settings that follow from others; computed once per instance.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub domain: String,
    pub allow_insecure_local: bool,
    pub secure_cookies: bool,
}

impl Config {
    /// Fills in the settings whose default depends on other settings.
    pub fn resolve(&self, port: u16) -> Resolved {
        let domain = self.domain_for_port(port);
        let allow_insecure_local = self
            .federation
            .allow_insecure_local
            .unwrap_or_else(|| is_localhost_domain(&domain));
        Resolved {
            secure_cookies: self.web.secure_cookies.unwrap_or(!allow_insecure_local),
            domain,
            allow_insecure_local,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_embedded() {
        let c = Config::load(None, vec![]).unwrap();
        assert_eq!(c.server.bind, "127.0.0.1:8080");
        assert_eq!(
            c.database_url().unwrap(),
            DatabaseUrl::Sqlite("data/passerelle.db".into())
        );
        let r = c.resolve(8080);
        assert_eq!(r.domain, "localhost:8080");
        assert!(r.allow_insecure_local);
        assert!(!r.secure_cookies);
    }

    #[test]
    fn environment_overrides_file_values() {
        let c = Config::load(
            None,
            env(&[
                ("PASSERELLE_SERVER__BIND", "0.0.0.0:9000"),
                ("PASSERELLE_INSTANCE__DOMAIN", "net.example.org"),
                ("PASSERELLE_DATABASE__URL", "postgres://u@h/db"),
                ("PASSERELLE_FEDERATION__ALLOW_INSECURE_LOCAL", "true"),
                ("PASSERELLE_FEDERATION__RETRY_INITIAL", "200ms"),
                ("PASSERELLE_INSTANCE__REGISTRATION", "invite-only"),
                ("PASSERELLE_INSTANCE__NAME", "123"),
                ("PASSERELLE_DATABASE__POOL_SIZE", "3"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.server.bind, "0.0.0.0:9000");
        assert_eq!(c.federation.allow_insecure_local, Some(true));
        assert_eq!(c.federation.retry_initial, Duration::from_millis(200));
        assert_eq!(c.instance.registration, RegistrationMode::InviteOnly);
        assert_eq!(c.instance.name, "123");
        assert_eq!(c.database.pool_size, 3);
        let r = c.resolve(9000);
        assert_eq!(r.domain, "net.example.org");
        assert!(r.allow_insecure_local);
    }

    #[test]
    fn public_domain_is_secure_by_default() {
        let c = Config::load(None, env(&[("PASSERELLE_INSTANCE__DOMAIN", "a.example")])).unwrap();
        let r = c.resolve(8080);
        assert!(!r.allow_insecure_local);
        assert!(r.secure_cookies);
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::load(None, env(&[("PASSERELLE_SERVER__BIND", "nowhere")])).unwrap_err();
        assert!(e.0.contains("server.bind"), "{e}");
        let e = Config::load(None, env(&[("PASSERELLE_DATABASE__URL", "mysql://x")])).unwrap_err();
        assert!(e.0.contains("database.url"), "{e}");
        let e = Config::load(None, env(&[("PASSERELLE_SERVER__BINDD", "x")])).unwrap_err();
        assert!(e.0.contains("bindd"), "{e}");
        let e =
            Config::load(None, env(&[("PASSERELLE_FEDERATION__RETRY_MAX", "soon")])).unwrap_err();
        assert!(e.0.contains("federation.retry_max"), "{e}");
        let e = Config::load(None, env(&[("PASSERELLE_SERVER__BIND", "0.0.0.0:80")])).unwrap_err();
        assert!(e.0.contains("instance.domain"), "{e}");
        let e = Config::load(
            None,
            env(&[("PASSERELLE_INSTANCE__DOMAIN", "https://x.org/")]),
        )
        .unwrap_err();
        assert!(e.0.contains("instance.domain"), "{e}");
    }

    #[test]
    fn rates_are_read_and_checked() {
        let c = Config::load(
            None,
            env(&[
                ("PASSERELLE_LIMITS__SIGNUP_PER_IP", "2/1h"),
                ("PASSERELLE_LIMITS__API_PER_IP", "off"),
            ]),
        )
        .unwrap();
        assert_eq!(c.limits.signup_per_ip.count, 2);
        assert_eq!(c.limits.signup_per_ip.per, Duration::from_secs(3600));
        assert_eq!(c.limits.api_per_ip.count, 0);
        let e =
            Config::load(None, env(&[("PASSERELLE_LIMITS__POSTS_PER_IP", "lots")])).unwrap_err();
        assert!(e.0.contains("limits.posts_per_ip"), "{e}");
        assert_eq!(String::from(c.limits.signup_per_ip), "2/1h");
    }

    #[test]
    fn toml_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "[instance]\ndomain = \"b.example\"\nname = \"Réseau\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), vec![]).unwrap();
        assert_eq!(c.instance.name, "Réseau");
        let missing = Config::load(Some(&dir.path().join("nope.toml")), vec![]).unwrap_err();
        assert!(missing.0.contains("does not exist"));
    }
}
