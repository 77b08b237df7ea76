//! Notifications in the JSON API.

use super::{Settings, Unread};
use crate::{
    api::{AccountView, ApiJson, ApiMember, Page},
    error::{AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/unread", get(unread))
        .route("/api/v1/notifications/read", post(read_all))
        .route("/api/v1/notifications/{id}/read", post(read))
        .route(
            "/api/v1/notifications/settings",
            get(settings).put(save_settings),
        )
}

/// Something the member is told about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// `follow`, `follow_request`, `follow_accepted`, `mention`, `reply`, `message`,
    /// `application_received`, `application_status`, `partnership_request`, `report` (more
    /// kinds may come: show unknown ones generically).
    pub kind: String,
    /// Who caused it, if anyone.
    pub account: Option<AccountView>,
    /// What it is about: a URL, or a path on this server.
    pub object: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// The signed-in member's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [NotificationView])))]
pub async fn list(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<NotificationView>>> {
    let list = super::list(&data, m.account.id, page.before, page.limit()).await?;
    Ok(Json(
        list.iter()
            .map(|n| NotificationView {
                id: n.row.id,
                kind: n.row.kind.clone(),
                account: n.actor.as_ref().map(AccountView::from),
                object: n.row.object.clone(),
                read: n.row.read_at.is_some(),
                created_at: n.row.created_at.and_utc(),
            })
            .collect(),
    ))
}

/// Unread notifications and unread messages (the badges of the interface).
#[utoipa::path(get, path = "/api/v1/notifications/unread", security(("bearer" = [])),
    responses((status = 200, body = Unread)))]
pub async fn unread(data: Data<AppState>, ApiMember(m): ApiMember) -> AppResult<Json<Unread>> {
    Ok(Json(super::unread(&data, m.account.id, m.actor.id).await?))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::mark_read(&data, m.account.id, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark every notification read.
#[utoipa::path(post, path = "/api/v1/notifications/read", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn read_all(data: Data<AppState>, ApiMember(m): ApiMember) -> AppResult<StatusCode> {
    super::mark_read(&data, m.account.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The member's notification settings (every kind) and message settings.
#[utoipa::path(get, path = "/api/v1/notifications/settings", security(("bearer" = [])),
    responses((status = 200, body = Settings)))]
pub async fn settings(data: Data<AppState>, ApiMember(m): ApiMember) -> AppResult<Json<Settings>> {
    Ok(Json(super::settings(&data, m.account.id).await?))
}

/// Change the settings. Kinds left out keep their setting; `email` other than `off` needs an
/// email address on the account and a server that sends emails (422 otherwise).
#[utoipa::path(put, path = "/api/v1/notifications/settings", request_body = Settings,
    security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 422, body = ErrorBody)))]
pub async fn save_settings(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<Settings>,
) -> AppResult<Json<Settings>> {
    super::save_settings(&data, m.account.id, input).await?;
    Ok(Json(super::settings(&data, m.account.id).await?))
}
