//! Rate limits (the `governor` crate's GCRA, in memory, per process): per client IP and per
//! account on sign-up, sign-in, posting and the API, and per remote server on the inbox. A
//! refused request is answered 429 with `Retry-After`.
//!
//! Limits are kept per node: with several nodes behind a load balancer each node counts for
//! itself, so the effective limit is at most the number of nodes times the setting.

use crate::{
    config::{LimitsConfig, Rate},
    error::{AppError, AppResult},
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Request},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use std::{net::SocketAddr, num::NonZeroU32, time::Duration};

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignUp,
    SignIn,
    Post,
    Api,
    Inbox,
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Action::SignUp => "sign-ups",
            Action::SignIn => "sign-in attempts",
            Action::Post => "posts",
            Action::Api => "API requests",
            Action::Inbox => "activities from your server",
        }
    }
}

type Limiter = DefaultKeyedRateLimiter<String>;

/// One keyed limiter per rule; `None` when the rule is off.
pub struct RateLimits {
    enabled: bool,
    signup_per_ip: Option<Limiter>,
    signin_per_ip: Option<Limiter>,
    signin_per_account: Option<Limiter>,
    posts_per_ip: Option<Limiter>,
    posts_per_account: Option<Limiter>,
    api_per_ip: Option<Limiter>,
    api_per_account: Option<Limiter>,
    inbox_per_instance: Option<Limiter>,
}

fn limiter(rate: &Rate) -> Option<Limiter> {
    let burst = NonZeroU32::new(rate.count)?;
    let quota = Quota::with_period(rate.per / rate.count)?.allow_burst(burst);
    Some(RateLimiter::keyed(quota))
}

impl RateLimits {
    pub fn new(config: &LimitsConfig) -> Self {
        RateLimits {
            enabled: config.enabled,
            signup_per_ip: limiter(&config.signup_per_ip),
            signin_per_ip: limiter(&config.signin_per_ip),
            signin_per_account: limiter(&config.signin_per_account),
            posts_per_ip: limiter(&config.posts_per_ip),
            posts_per_account: limiter(&config.posts_per_account),
            api_per_ip: limiter(&config.api_per_ip),
            api_per_account: limiter(&config.api_per_account),
            inbox_per_instance: limiter(&config.inbox_per_instance),
        }
    }

    fn check(&self, limiter: &Option<Limiter>, action: Action, key: &str) -> AppResult<()> {
        let Some(limiter) = limiter.as_ref().filter(|_| self.enabled) else {
            return Ok(());
        };
        limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            too_many(action, wait)
        })
    }

    /// Counts a request of `action` from a client address.
    pub fn check_ip(&self, action: Action, ip: &str) -> AppResult<()> {
        let limiter = match action {
            Action::SignUp => &self.signup_per_ip,
            Action::SignIn => &self.signin_per_ip,
            Action::Post => &self.posts_per_ip,
            Action::Api => &self.api_per_ip,
            Action::Inbox => return Ok(()),
        };
        self.check(limiter, action, ip)
    }

    /// Counts a sign-in attempt on an account (by the lower-cased name typed), whoever tries.
    pub fn check_signin_account(&self, username: &str) -> AppResult<()> {
        self.check(
            &self.signin_per_account,
            Action::SignIn,
            &username.trim().to_lowercase(),
        )
    }

    /// Counts a post written by a member (keyed by their actor, one per account).
    pub fn check_post(&self, actor_id: i64) -> AppResult<()> {
        self.check(&self.posts_per_account, Action::Post, &actor_id.to_string())
    }

    /// Counts an authenticated API request of an account.
    pub fn check_api_account(&self, account_id: i64) -> AppResult<()> {
        self.check(&self.api_per_account, Action::Api, &account_id.to_string())
    }

    /// Counts an activity POSTed by a remote server (`host[:port]`).
    pub fn check_inbox(&self, host: &str) -> AppResult<()> {
        self.check(&self.inbox_per_instance, Action::Inbox, host)
    }

    /// Forgets keys whose limit is back to full, so memory follows the active clients only.
    pub fn forget_idle(&self) {
        for l in [
            &self.signup_per_ip,
            &self.signin_per_ip,
            &self.signin_per_account,
            &self.posts_per_ip,
            &self.posts_per_account,
            &self.api_per_ip,
            &self.api_per_account,
            &self.inbox_per_instance,
        ]
        .into_iter()
        .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

fn too_many(action: Action, wait: Duration) -> AppError {
    // whole seconds, at least one: Retry-After has no fractions
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    AppError::TooManyRequests {
        message: format!(
            "too many {} in a short time; try again in {secs} s",
            action.describe()
        ),
        retry_after: secs,
    }
}

/// The client's address: the first address of `server.client_ip_header` when a reverse proxy
/// sets it, else the connection's peer address.
pub fn client_ip(state: &AppState, req: &Request) -> String {
    if let Some(name) = state.config.server.client_ip_header.as_deref()
        && let Some(value) = req.headers().get(name).and_then(|v| v.to_str().ok())
        && let Some(first) = value.split(',').next().map(str::trim)
        && !first.is_empty()
    {
        return first.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Which per-IP limits a request counts against.
fn actions_of(method: &Method, path: &str) -> Vec<Action> {
    let mut actions = vec![];
    if path.starts_with("/api/") {
        actions.push(Action::Api);
    }
    if method == Method::POST {
        match path {
            "/api/v1/accounts" | "/register" => actions.push(Action::SignUp),
            "/api/v1/tokens" | "/login" => actions.push(Action::SignIn),
            "/api/v1/posts" | "/posts" | "/api/v1/conversations" | "/messages/new" => {
                actions.push(Action::Post)
            }
            // answers in a conversation count as writing too
            p if (p.starts_with("/api/v1/conversations/") && p.ends_with("/messages"))
                || (p.starts_with("/messages/") && p[10..].chars().all(|c| c.is_ascii_digit())) =>
            {
                actions.push(Action::Post)
            }
            _ => {}
        }
    }
    actions
}

/// Middleware applying the per-IP limits (the per-account and per-server ones are applied
/// where the account or server is known).
pub async fn per_ip(
    data: activitypub_federation::config::Data<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let actions = actions_of(req.method(), req.uri().path());
    if !actions.is_empty() {
        let ip = client_ip(&data, &req);
        for action in actions {
            if let Err(e) = data.limits.check_ip(action, &ip) {
                return e.into_response();
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(rate: &str) -> LimitsConfig {
        LimitsConfig {
            signup_per_ip: rate.parse().unwrap(),
            ..LimitsConfig::default()
        }
    }

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_delay() {
        let limits = RateLimits::new(&config("2/1h"));
        assert!(limits.check_ip(Action::SignUp, "192.0.2.1").is_ok());
        assert!(limits.check_ip(Action::SignUp, "192.0.2.1").is_ok());
        let e = limits.check_ip(Action::SignUp, "192.0.2.1").unwrap_err();
        let AppError::TooManyRequests { retry_after, .. } = e else {
            panic!("{e}")
        };
        assert!(retry_after > 1700 && retry_after <= 1800, "{retry_after}");
        // another address has its own allowance
        assert!(limits.check_ip(Action::SignUp, "192.0.2.2").is_ok());
    }

    #[test]
    fn disabled_limits_never_refuse() {
        let mut c = config("1/1h");
        c.enabled = false;
        let limits = RateLimits::new(&c);
        for _ in 0..5 {
            assert!(limits.check_ip(Action::SignUp, "192.0.2.1").is_ok());
        }
    }

    #[test]
    fn requests_are_classified() {
        assert_eq!(
            actions_of(&Method::POST, "/api/v1/accounts"),
            [Action::Api, Action::SignUp]
        );
        assert_eq!(actions_of(&Method::POST, "/login"), [Action::SignIn]);
        assert_eq!(actions_of(&Method::GET, "/posts"), []);
        for writing in ["/messages/new", "/messages/12"] {
            assert_eq!(
                actions_of(&Method::POST, writing),
                [Action::Post],
                "{writing}"
            );
        }
        assert_eq!(
            actions_of(&Method::POST, "/api/v1/conversations/3/messages"),
            [Action::Api, Action::Post]
        );
        assert_eq!(actions_of(&Method::POST, "/messages/12/leave"), []);
        assert_eq!(actions_of(&Method::GET, "/messages/12"), []);
    }
}
