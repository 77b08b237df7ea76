//! Moderation in the JSON API: reports, the moderation queue, the audit log.

use super::{
    AuditEntry, ReportInput, ReportView, ResolveInput,
    restrictions::{self, AccountModerationInput, AccountStanding},
};
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
        .route("/api/v1/admin/accounts", get(restricted_accounts))
        .route(
            "/api/v1/admin/accounts/{id}/moderation",
            get(account_standing).post(moderate_account),
        )
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

/// Resolve a report: `dismiss`, `remove_content`, `suspend` (a local member: no more
/// sign-in; a remote account: refused and hidden here), `limit` or `block_instance`
/// (administrators). Written to the audit log.
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

/// Every suspended or limited account (moderators and administrators).
#[utoipa::path(get, path = "/api/v1/admin/accounts", security(("bearer" = [])),
    responses((status = 200, body = [AccountStanding]), (status = 403, body = ErrorBody)))]
pub async fn restricted_accounts(
    data: Data<AppState>,
    member: ApiMember,
) -> AppResult<Json<Vec<AccountStanding>>> {
    member.require(Role::Moderator)?;
    Ok(Json(restrictions::list(&data).await?))
}

/// An account's standing here: `suspended`, `limited` or `none` (moderators and
/// administrators; suspended remote accounts included).
#[utoipa::path(get, path = "/api/v1/admin/accounts/{id}/moderation", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = AccountStanding), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn account_standing(
    data: Data<AppState>,
    member: ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<AccountStanding>> {
    member.require(Role::Moderator)?;
    Ok(Json(restrictions::account_standing(&data, id).await?))
}

/// Suspend, limit or lift an account, local or remote (moderators and administrators; only
/// administrators act on staff accounts). `suspend` of a remote account refuses its
/// activities and hides what it wrote here; `limit` keeps its content out of public lists for
/// people who do not follow it. Written to the audit log.
#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/moderation",
    request_body = AccountModerationInput, params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AccountStanding), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn moderate_account(
    data: Data<AppState>,
    member: ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AccountModerationInput>,
) -> AppResult<Json<AccountStanding>> {
    member.require(Role::Moderator)?;
    Ok(Json(
        restrictions::moderate(&data, Some(&member.0), id, input).await?,
    ))
}
