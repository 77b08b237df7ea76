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
pub mod signer;
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

/// Deepest nesting accepted in a JSON document from another server (ActivityStreams documents
/// nest a few levels; serde_json itself stops at 128, which protects the stack but not the
/// work done on absurd documents). Sizes are bounded before parsing: `server.max_body_bytes`
/// for the inbox, 1 MiB for fetched documents, 256 KiB for WebFinger answers.
pub const MAX_JSON_DEPTH: usize = 32;

/// Parses a JSON document from another server, refusing nesting deeper than
/// [`MAX_JSON_DEPTH`]; the error is a sentence for the sender.
pub fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"))?;
    let mut stack = vec![(&value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_JSON_DEPTH {
            return Err(format!(
                "the JSON document nests deeper than {MAX_JSON_DEPTH} levels"
            ));
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|v| (v, depth + 1))),
            Value::Object(o) => stack.extend(o.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(value)
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
    state: AppState,
}

#[async_trait::async_trait]
impl UrlVerifier for PeeringVerifier {
    async fn verify(&self, url: &Url) -> Result<(), activitypub_federation::error::Error> {
        let other = |e: AppError| activitypub_federation::error::Error::Other(e.to_string());
        check_url_allowed(url, self.state.url_policy()).map_err(other)?;
        if self.state.is_local_url(url) {
            return Ok(());
        }
        let host = host_of(url).unwrap_or_default();
        crate::peering::check(&self.state, &host)
            .await
            .map_err(other)
    }
}

/// Which URLs this instance may contact, from `federation.allow_insecure_local` and
/// `federation.allow_private_addresses`.
#[derive(Debug, Clone, Copy)]
pub struct UrlPolicy {
    /// Plain http to loopback hosts (local test instances).
    pub allow_insecure_local: bool,
    /// Loopback, private and link-local addresses, written as IP addresses or resolved from any
    /// name. Off, only the names `localhost`/`*.localhost` may lead to loopback, and only with
    /// `allow_insecure_local`.
    pub allow_private_addresses: bool,
}

/// Whether we may contact `url` at all. Names are checked again when they are resolved (the
/// HTTP client's resolver, [`http_client`]); an IP address in the URL is checked here, as it
/// is never resolved.
pub fn check_url_allowed(url: &Url, policy: UrlPolicy) -> AppResult<()> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        _ => None,
    };
    if let Some(ip) = ip
        && !policy.allow_private_addresses
        && is_internal_ip(ip)
    {
        return Err(AppError::BadRequest(format!(
            "{url}: {ip} is a loopback, private or link-local address, which this server does \
             not contact (setting federation.allow_private_addresses)"
        )));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if policy.allow_insecure_local && is_loopback_host(url) => Ok(()),
        "http" => Err(AppError::BadRequest(format!(
            "{url}: plain http is only allowed for local test instances"
        ))),
        _ => Err(AppError::BadRequest(format!(
            "{url}: unsupported URL scheme"
        ))),
    }
}

/// Addresses no public server has: loopback, private (RFC 1918, unique local), link-local,
/// shared (CGNAT), unspecified, multicast, broadcast, documentation and reserved ranges, and
/// IPv4 addresses written as IPv6 (the same ranges as the federation library's resolver).
pub fn is_internal_ip(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 0x40)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || v6.is_unspecified()
                || matches!(s, [0x2001, 0xdb8, ..] | [0x64, 0xff9b, ..] | [0x2002, ..])
                || matches!(s, [0, 0, 0, 0, 0, 0, ..] | [0, 0, 0, 0, 0, 0xffff, ..])
        }
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
/// internal addresses), timeouts, and a resolver refusing names that resolve to internal
/// addresses, except `localhost` when local federation is allowed (and everything when
/// `allow_private_addresses` is on).
pub fn http_client(
    policy: UrlPolicy,
    timeout: std::time::Duration,
) -> anyhow::Result<reqwest::Client> {
    let allowed = if policy.allow_insecure_local {
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
        .dns_resolver(ValidatingDnsResolver::new(
            allowed,
            !policy.allow_private_addresses,
        ))
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

    const LOCAL: UrlPolicy = UrlPolicy {
        allow_insecure_local: true,
        allow_private_addresses: false,
    };
    const PUBLIC: UrlPolicy = UrlPolicy {
        allow_insecure_local: false,
        allow_private_addresses: false,
    };

    #[test]
    fn deep_json_is_refused() {
        let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(parse_json(deep(MAX_JSON_DEPTH - 1).as_bytes()).is_ok());
        let e = parse_json(deep(MAX_JSON_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(e.contains("deeper"), "{e}");
        // beyond serde_json's own limit: an error, not a stack overflow
        assert!(parse_json(deep(100_000).as_bytes()).is_err());
        assert!(parse_json(b"{\"a\": {\"b\": 1}}").is_ok());
    }

    #[test]
    fn http_is_refused_outside_local_tests() {
        let local = Url::parse("http://localhost:9/x").unwrap();
        let remote = Url::parse("http://example.org/x").unwrap();
        assert!(check_url_allowed(&local, LOCAL).is_ok());
        assert!(check_url_allowed(&local, PUBLIC).is_err());
        assert!(check_url_allowed(&remote, LOCAL).is_err());
        assert!(check_url_allowed(&Url::parse("https://example.org").unwrap(), PUBLIC).is_ok());
        assert!(check_url_allowed(&Url::parse("ftp://example.org").unwrap(), LOCAL).is_err());
    }

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        for u in [
            "http://127.0.0.1:8080/users/x",
            "https://10.0.0.1/users/x",
            "https://192.168.1.2/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
        ] {
            let url = Url::parse(u).unwrap();
            let e = check_url_allowed(&url, LOCAL).unwrap_err();
            assert!(e.to_string().contains("private"), "{u}: {e}");
            let open = UrlPolicy {
                allow_private_addresses: true,
                ..LOCAL
            };
            if url.scheme() == "https" {
                assert!(check_url_allowed(&url, open).is_ok(), "{u}");
            }
        }
        assert!(check_url_allowed(&Url::parse("https://93.184.216.34/").unwrap(), PUBLIC).is_ok());
    }
}
