//! Following in the JSON API.

use super::{FollowState, model};
use crate::{
    actors,
    api::{AccountView, ApiMember},
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
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route("/api/v1/accounts/{id}/followers", get(followers))
        .route("/api/v1/accounts/{id}/following", get(following))
        .route("/api/v1/follow-requests", get(requests))
        .route("/api/v1/follow-requests/{id}/accept", post(accept))
        .route("/api/v1/follow-requests/{id}/refuse", post(refuse))
        .route("/api/v1/accounts/{id}/block", post(block))
        .route("/api/v1/accounts/{id}/unblock", post(unblock))
        .route("/api/v1/blocks", get(blocks))
}

/// Block account `id`: follows between you end, and they can no longer message or follow you
/// nor read your non-public content. A remote account's server receives a `Block`.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/block", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn block(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let target = actors::by_id(&data, id).await?;
    super::blocks::block(&data, m.actor, target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lift the block of account `id`.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/unblock", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unblock(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let target = actors::by_id(&data, id).await?;
    super::blocks::unblock(&data, m.actor, target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The accounts the signed-in member blocks.
#[utoipa::path(get, path = "/api/v1/blocks", security(("bearer" = [])),
    responses((status = 200, body = [AccountView])))]
pub async fn blocks(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<AccountView>>> {
    let list = super::blocks::blocked(&data, m.actor.id).await?;
    Ok(Json(list.iter().map(AccountView::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct FollowView {
    pub state: FollowState,
}

/// Follow an account; the answer says whether it is accepted or waiting for approval.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/follow", security(("bearer" = [])),
    responses((status = 200, body = FollowView), (status = 404, body = ErrorBody)))]
pub async fn follow(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<FollowView>> {
    let target = actors::by_id(&data, id).await?;
    let state = super::follow(&data, m.actor, target).await?;
    Ok(Json(FollowView { state }))
}

/// Stop following an account, or withdraw a pending request.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/unfollow", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let target = actors::by_id(&data, id).await?;
    super::unfollow(&data, m.actor, target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follow requests waiting for the signed-in member's approval.
#[utoipa::path(get, path = "/api/v1/follow-requests", security(("bearer" = [])),
    responses((status = 200, body = [AccountView])))]
pub async fn requests(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<AccountView>>> {
    let me = m.actor.id;
    let list = data
        .db
        .read(move |c| Ok(model::followers(c, me, model::PENDING, 0, 200)?))
        .await?;
    Ok(Json(list.iter().map(AccountView::from).collect()))
}

/// Approve the follow request of account `id`.
#[utoipa::path(post, path = "/api/v1/follow-requests/{id}/accept", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn accept(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let follower = actors::by_id(&data, id).await?;
    super::accept_request(&data, m.actor, follower).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuse the follow request of account `id` (or remove them from one's followers).
#[utoipa::path(post, path = "/api/v1/follow-requests/{id}/refuse", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn refuse(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let follower = actors::by_id(&data, id).await?;
    super::refuse_request(&data, m.actor, follower).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct OffsetPage {
    /// Page number, from 1.
    pub page: Option<i64>,
}

/// Accounts following account `id`, newest first (local view).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/followers", params(OffsetPage), security(("bearer" = [])),
    responses((status = 200, body = [AccountView])))]
pub async fn followers(
    data: Data<AppState>,
    _m: ApiMember,
    Path(id): Path<i64>,
    Query(q): Query<OffsetPage>,
) -> AppResult<Json<Vec<AccountView>>> {
    let offset = (q.page.unwrap_or(1).max(1) - 1) * 50;
    let list = data
        .db
        .read(move |c| Ok(model::followers(c, id, model::ACCEPTED, offset, 50)?))
        .await?;
    Ok(Json(list.iter().map(AccountView::from).collect()))
}

/// Accounts that account `id` follows, newest first (local view).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/following", params(OffsetPage), security(("bearer" = [])),
    responses((status = 200, body = [AccountView])))]
pub async fn following(
    data: Data<AppState>,
    _m: ApiMember,
    Path(id): Path<i64>,
    Query(q): Query<OffsetPage>,
) -> AppResult<Json<Vec<AccountView>>> {
    let offset = (q.page.unwrap_or(1).max(1) - 1) * 50;
    let list = data
        .db
        .read(move |c| Ok(model::following(c, id, offset, 50)?))
        .await?;
    Ok(Json(list.iter().map(AccountView::from).collect()))
}
