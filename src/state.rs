//! The state every handler, domain function and worker receives, passed explicitly.

use crate::{
    actors::model::DbActor, config::Config, db::Db, federation::signatures::KeyCache,
    metrics::Metrics, web::i18n::I18n,
};
use std::{ops::Deref, sync::Arc};
use tokio::sync::Notify;
use url::Url;

/// Shared, cheaply cloned state of one running instance.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

pub struct AppStateInner {
    pub config: Config,
    /// Public host (and port) of this instance, as in actor ids.
    pub domain: String,
    /// `https://domain` (or `http://` for loopback instances allowed to federate insecurely).
    pub base_url: Url,
    pub allow_insecure_local: bool,
    /// `federation.allow_private_addresses`: contacting internal addresses (tests only).
    pub allow_private_addresses: bool,
    pub secure_cookies: bool,
    pub db: Db,
    /// Parsed remote public keys.
    pub keys: KeyCache,
    pub metrics: Metrics,
    /// Wakes this node's delivery worker after a transaction wrote deliveries.
    pub delivery_wakeup: Notify,
    /// Member inboxes of communities, read again when their membership changes.
    pub community_inboxes: crate::communities::model::InboxCache,
    /// The threads signing deliveries, below the request threads in priority.
    pub signer: crate::federation::signer::Signer,
    /// Identifies this process in delivery leases shared with other nodes.
    pub node_id: String,
    /// Plain HTTP client for deliveries and WebFinger: no redirects, timeouts, and a resolver
    /// that refuses private addresses.
    pub http: reqwest::Client,
    pub i18n: I18n,
    /// Rate limits of this process (per node).
    pub limits: crate::rate_limit::RateLimits,
    /// The instance's own `Application` actor, which signs fetches and speaks for the server.
    pub instance_actor: DbActor,
}

impl Deref for AppState {
    type Target = AppStateInner;
    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

impl AppState {
    pub fn new(inner: AppStateInner) -> Self {
        AppState(Arc::new(inner))
    }

    /// An absolute URL on this instance.
    pub fn url(&self, path: &str) -> Url {
        self.base_url
            .join(path)
            .expect("local paths are valid URLs")
    }

    /// Which URLs this instance may contact.
    pub fn url_policy(&self) -> crate::federation::UrlPolicy {
        crate::federation::UrlPolicy {
            allow_insecure_local: self.allow_insecure_local,
            allow_private_addresses: self.allow_private_addresses,
        }
    }

    /// Whether a URL designates something on this instance (host and port both match).
    pub fn is_local_url(&self, url: &Url) -> bool {
        crate::federation::host_of(url).as_deref() == Some(self.domain.as_str())
    }
}
