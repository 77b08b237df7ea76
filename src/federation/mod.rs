//! Shared ActivityPub plumbing: the federation crate's configuration, origin checks, the inbox,
//! the accepted activities, the durable outbox and its delivery worker, WebFinger, NodeInfo, the
//! instance actor and signed fetches.

pub mod activities;
pub mod delivery;
pub mod fetch;
pub mod inbox;
pub mod instance;
pub mod outbox;
pub mod signatures;
pub mod webfinger;

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};
use activitypub_federation::{
    config::{FederationConfig, UrlVerifier},
    resolver::ValidatingDnsResolver,
};
use serde_json::{Value, json};
use std::{fmt, ops::Deref};
use url::Url;

/// Media type of ActivityPub documents we serve and send.
pub const AP_CONTENT_TYPE: &str = "application/activity+json";

/// The public collection, in the three spellings found on the wire.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

pub fn is_public_address(u: &str) -> bool {
    matches!(u, PUBLIC | "as:Public" | "Public")
}

/// A URL read from the database (ids are validated before they are stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApUrl(pub Url);

impl TryFrom<String> for ApUrl {
    type Error = url::ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Url::parse(&s).map(ApUrl)
    }
}

impl Deref for ApUrl {
    type Target = Url;
    fn deref(&self) -> &Url {
        &self.0
    }
}

impl fmt::Display for ApUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `host[:port]` of a URL: how instances are told apart. The port matters (several test
/// instances share `localhost`), unlike in the federation crate's `verify_domains_match`.
pub fn host_of(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Refuses an object whose id is not on the same server as the URL it was fetched from or the
/// actor that sent it.
pub fn same_origin(a: &Url, b: &Url) -> AppResult<()> {
    if host_of(a).is_some() && host_of(a) == host_of(b) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{a} and {b} are not on the same server"
        )))
    }
}

/// The JSON-LD `@context` of our documents: ActivityStreams, the security vocabulary (keys) and
/// the extension terms we use, declared so that no term is undefined. `extra` adds terms.
pub fn context(extra: &[(&str, Value)]) -> Value {
    let mut terms = serde_json::Map::new();
    terms.insert(
        "manuallyApprovesFollowers".into(),
        json!("as:manuallyApprovesFollowers"),
    );
    for (k, v) in extra {
        terms.insert((*k).to_string(), v.clone());
    }
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        Value::Object(terms)
    ])
}

/// Refuses URLs this instance must not talk to, before every fetch the federation library
/// makes: plain http to anything but loopback hosts allowed by
/// `federation.allow_insecure_local`, and servers refused by the peering rules.
#[derive(Clone)]
struct PeeringVerifier {
    allow_insecure_local: bool,
    state: AppState,
}

#[async_trait::async_trait]
impl UrlVerifier for PeeringVerifier {
    async fn verify(&self, url: &Url) -> Result<(), activitypub_federation::error::Error> {
        let other = |e: AppError| activitypub_federation::error::Error::Other(e.to_string());
        check_url_allowed(url, self.allow_insecure_local).map_err(other)?;
        if self.state.is_local_url(url) {
            return Ok(());
        }
        let host = host_of(url).unwrap_or_default();
        crate::peering::check(&self.state, &host)
            .await
            .map_err(other)
    }
}

/// Whether we may contact `url` at all.
pub fn check_url_allowed(url: &Url, allow_insecure_local: bool) -> AppResult<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_local && is_loopback_host(url) => Ok(()),
        "http" => Err(AppError::BadRequest(format!(
            "{url}: plain http is only allowed for local test instances"
        ))),
        _ => Err(AppError::BadRequest(format!(
            "{url}: unsupported URL scheme"
        ))),
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => crate::config::is_localhost_domain(d),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The HTTP client for every outgoing request: no automatic redirects (they could lead to
/// internal addresses), timeouts, and a resolver refusing private and loopback addresses except
/// `localhost` when local federation is allowed.
pub fn http_client(
    allow_insecure_local: bool,
    timeout: std::time::Duration,
) -> anyhow::Result<reqwest::Client> {
    let allowed = if allow_insecure_local {
        vec![Url::parse("http://localhost")?]
    } else {
        vec![]
    };
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .pool_max_idle_per_host(4)
        .user_agent(concat!("Passerelle/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(ValidatingDnsResolver::new(allowed, true))
        .build()?)
}

/// The federation crate's configuration for this instance: our domain, the shared HTTP client,
/// the instance actor that signs every fetch, and the URL policy.
pub async fn federation_config(state: AppState) -> anyhow::Result<FederationConfig<AppState>> {
    let insecure = state.allow_insecure_local;
    let config = FederationConfig::builder()
        .domain(state.domain.clone())
        .client(state.http.clone().into())
        .request_timeout(state.config.federation.request_timeout)
        // "debug" in the crate means: http and explicit ports allowed, no IP checks of its own
        // (our client's resolver still refuses private addresses other than localhost)
        .debug(insecure)
        .allow_http_urls(insecure)
        .http_signature_compat(true)
        .url_verifier(Box::new(PeeringVerifier {
            allow_insecure_local: insecure,
            state: state.clone(),
        }))
        .signed_fetch_actor(&state.instance_actor)
        .app_data(state)
        .build()
        .await?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_includes_the_port() {
        let a = Url::parse("http://localhost:8001/users/a").unwrap();
        let b = Url::parse("http://localhost:8002/users/b").unwrap();
        let c = Url::parse("http://LOCALHOST:8001/other").unwrap();
        assert!(same_origin(&a, &b).is_err());
        assert!(same_origin(&a, &c).is_ok());
    }

    #[test]
    fn http_is_refused_outside_local_tests() {
        let local = Url::parse("http://localhost:9/x").unwrap();
        let remote = Url::parse("http://example.org/x").unwrap();
        assert!(check_url_allowed(&local, true).is_ok());
        assert!(check_url_allowed(&local, false).is_err());
        assert!(check_url_allowed(&remote, true).is_err());
        assert!(check_url_allowed(&Url::parse("https://example.org").unwrap(), false).is_ok());
        assert!(check_url_allowed(&Url::parse("ftp://example.org").unwrap(), true).is_err());
    }
}
