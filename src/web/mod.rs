//! The server-rendered HTML interface.

pub mod i18n;

use axum::Router;

/// Every HTML route.
pub fn routes() -> Router {
    Router::new()
}
