//! Passerelle: a federated professional network server.
//!
//! `app(state)` builds the HTTP router; `serve(config)` starts an instance (migrations, instance
//! actor, delivery worker, HTTP server). Domains each own a folder with the same files:
//! `mod.rs` (domain functions), `model.rs` (rows and queries), `api.rs` (JSON), `web.rs`
//! (HTML), `federation.rs` (wire types). See docs/ARCHITECTURE.md.

/// Local accounts: registration, login, sessions, API tokens, roles.
pub mod accounts;
/// Every ActivityPub actor known here, local or remote.
pub mod actors;
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
/// Prometheus metrics and health check.
pub mod metrics;
/// Short posts and the home feed.
pub mod posts;
/// The state shared by handlers and workers.
pub mod state;
/// Server-rendered HTML interface.
pub mod web;
