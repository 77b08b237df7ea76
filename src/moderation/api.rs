//! Moderation in the JSON API: reports, the moderation queue, the audit log.

use super::{AuditEntry, ReportInput, ReportView, ResolveInput};
use crate::{
    accounts::Role,
    api::{ApiJson, ApiMember, Page},
    error::{AppError, AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/admin/audit", get(audit_log))
        .route("/api/v1/reports", post(create_report))
        .route("/api/v1/admin/reports", get(queue))
        .route("/api/v1/admin/reports/{id}/resolve", post(resolve))
}

/// Report an account or one of its posts to this server's moderators (and, with `forward`,
/// to the content's own server, without saying who reported).
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportInput, security(("bearer" = [])),
    responses((status = 201, body = ReportView), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_report(
    data: Data<AppState>,
    member: ApiMember,
    ApiJson(input): ApiJson<ReportInput>,
) -> AppResult<(StatusCode, Json<ReportView>)> {
    let view = super::report(&data, &member.0, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// `open` (the default), `resolved` or `all`.
    pub state: Option<String>,
}

/// The moderation queue (moderators and administrators).
#[utoipa::path(get, path = "/api/v1/admin/reports", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, body = [ReportView]), (status = 403, body = ErrorBody)))]
pub async fn queue(
    data: Data<AppState>,
    member: ApiMember,
    Query(q): Query<QueueQuery>,
) -> AppResult<Json<Vec<ReportView>>> {
    member.require(Role::Moderator)?;
    let which = match q.state.as_deref().unwrap_or("open") {
        "all" => None,
        s @ ("open" | "resolved") => Some(s.to_string()),
        other => {
            return Err(AppError::BadRequest(format!(
                "unknown state `{other}`: use open, resolved or all"
            )));
        }
    };
    Ok(Json(super::list_reports(&data, which).await?))
}

/// Resolve a report: `dismiss`, `remove_content`, `suspend` (local members) or
/// `block_instance` (administrators). Written to the audit log.
#[utoipa::path(post, path = "/api/v1/admin/reports/{id}/resolve", request_body = ResolveInput,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ReportView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn resolve(
    data: Data<AppState>,
    member: ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResolveInput>,
) -> AppResult<Json<ReportView>> {
    member.require(Role::Moderator)?;
    Ok(Json(
        super::resolve(&data, Some(&member.0), id, input).await?,
    ))
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
