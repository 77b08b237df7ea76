//! Moderation in the JSON API: the audit log.

use super::AuditEntry;
use crate::{
    accounts::Role,
    api::{ApiMember, Page},
    error::{AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{Json, Router, extract::Query, routing::get};

pub fn routes() -> Router {
    Router::new().route("/api/v1/admin/audit", get(audit_log))
}

/// The latest administrator and moderator actions, newest first (moderators and admins).
#[utoipa::path(get, path = "/api/v1/admin/audit", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ErrorBody)))]
pub async fn audit_log(
    data: Data<AppState>,
    member: ApiMember,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    member.require(Role::Moderator)?;
    let limit = page.limit();
    Ok(Json(data.db.read(move |c| super::recent(c, limit)).await?))
}
