//! Posts and the home feed in the JSON API.

use super::{PostInput, model};
use crate::{
    actors,
    api::{ApiJson, ApiMember, Page, PostView},
    error::{AppError, AppResult, ErrorBody},
    follows,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{get, post},
};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/posts", post(create))
        .route("/api/v1/posts/{id}", get(get_post).put(edit).delete(delete))
        .route("/api/v1/timelines/home", get(home))
        .route("/api/v1/accounts/{id}/posts", get(by_account))
}

/// Publish a post; it is sent to the author's followers, wherever they are.
#[utoipa::path(post, path = "/api/v1/posts", request_body = PostInput, security(("bearer" = [])),
    responses((status = 201, body = PostView), (status = 422, body = ErrorBody)))]
pub async fn create(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<PostInput>,
) -> AppResult<(StatusCode, Json<PostView>)> {
    let post = super::create(&data, m.actor.clone(), input).await?;
    Ok((StatusCode::CREATED, Json(PostView::new(&post, &m.actor))))
}

/// A post, if the signed-in member may read it.
#[utoipa::path(get, path = "/api/v1/posts/{id}", security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn get_post(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<PostView>> {
    let viewer = m.actor;
    let found = data
        .db
        .read(move |c| {
            let post = model::by_id(c, id)?;
            let Some(post) = post else { return Ok(None) };
            let author = crate::actors::model::by_id(c, post.author_id)?
                .ok_or_else(|| AppError::not_found("author"))?;
            Ok(super::visible(c, &post, &author, Some(&viewer))?.then_some((post, author)))
        })
        .await?;
    let (post, author) = found.ok_or_else(|| AppError::not_found("post"))?;
    Ok(Json(PostView::new(&post, &author)))
}

/// Edit one's post; followers' servers receive the new text.
#[utoipa::path(put, path = "/api/v1/posts/{id}", request_body = PostInput, security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PostInput>,
) -> AppResult<Json<PostView>> {
    let post = super::edit(&data, m.actor.clone(), id, input).await?;
    Ok(Json(PostView::new(&post, &m.actor)))
}

/// Delete one's post, here and on followers' servers.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::delete(&data, m.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The home feed: posts of the people the member follows, and their own, newest first.
#[utoipa::path(get, path = "/api/v1/timelines/home", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [PostView])))]
pub async fn home(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<PostView>>> {
    let (me, before, limit) = (m.actor.id, page.before, page.limit());
    let rows = data
        .db
        .read(move |c| Ok(model::home_feed(c, me, before, limit)?))
        .await?;
    Ok(Json(
        rows.iter().map(|(p, a)| PostView::new(p, a)).collect(),
    ))
}

/// Posts of account `id` that the member may read, newest first.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/posts", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [PostView]), (status = 404, body = ErrorBody)))]
pub async fn by_account(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<PostView>>> {
    let author = actors::by_id(&data, id).await?;
    let (me, a, before, limit) = (m.actor.id, author.clone(), page.before, page.limit());
    let posts = data
        .db
        .read(move |c| {
            let sees_followers_only = me == a.id
                || follows::state_between(c, me, a.id)? == follows::FollowState::Accepted;
            let vis: &[&str] = if sees_followers_only {
                &["public", "unlisted", "followers"]
            } else {
                &["public", "unlisted"]
            };
            Ok(model::by_author(c, a.id, vis, before, limit)?)
        })
        .await?;
    Ok(Json(
        posts.iter().map(|p| PostView::new(p, &author)).collect(),
    ))
}
