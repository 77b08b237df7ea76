//! Profiles in the JSON API: editing one's own, looking people up by handle.

use super::ProfileInput;
use crate::{
    actors,
    api::{AccountView, ApiJson, ApiMember, RelationshipView},
    error::{AppResult, ErrorBody},
    federation::webfinger::resolve_handle,
    follows,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    routing::{get, put},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/me/profile", put(update_profile))
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/{id}", get(account))
}

/// Update the signed-in member's profile; their followers' servers receive the change.
#[utoipa::path(put, path = "/api/v1/me/profile", request_body = ProfileInput, security(("bearer" = [])),
    responses((status = 200, body = AccountView), (status = 422, body = ErrorBody)))]
pub async fn update_profile(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<ProfileInput>,
) -> AppResult<Json<AccountView>> {
    let actor = super::update(&data, &m, input).await?;
    Ok(Json((&actor).into()))
}

/// The relationship view of `actor` for `member`.
pub async fn relationship(
    data: &AppState,
    member: &crate::accounts::Member,
    actor: crate::actors::model::DbActor,
) -> AppResult<RelationshipView> {
    let (me, them) = (member.actor.id, actor.id);
    let (following, followers_count, following_count) = data
        .db
        .read(move |c| {
            Ok((
                follows::state_between(c, me, them)?,
                follows::model::count_followers(c, them)?,
                follows::model::count_following(c, them)?,
            ))
        })
        .await?;
    Ok(RelationshipView {
        account: (&actor).into(),
        following,
        followers_count,
        following_count,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct LookupQuery {
    /// `@user@domain`, local or on another server.
    pub handle: String,
}

/// Find someone by handle, on this server or another (fetched through WebFinger).
#[utoipa::path(get, path = "/api/v1/accounts/lookup", params(LookupQuery), security(("bearer" = [])),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn lookup(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(q): Query<LookupQuery>,
) -> AppResult<Json<RelationshipView>> {
    let actor = resolve_handle(&data, &q.handle).await?;
    Ok(Json(relationship(&data, &m, actor).await?))
}

/// An account known to this server.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", security(("bearer" = [])),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody)))]
pub async fn account(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<RelationshipView>> {
    let actor = actors::by_id(&data, id).await?;
    Ok(Json(relationship(&data, &m, actor).await?))
}
