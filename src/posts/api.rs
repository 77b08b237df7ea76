//! Posts and the home feed in the JSON API.

use super::{PostInput, model, reactions};
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
        .route("/api/v1/posts/{id}/replies", get(replies))
        .route("/api/v1/posts/{id}/like", post(like).delete(unlike))
        .route("/api/v1/posts/{id}/repost", post(repost).delete(unrepost))
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
            let Some((post, author)) = super::readable_by_id(c, id, Some(&viewer))? else {
                return Ok(None);
            };
            let reactions = reactions::of_posts(c, &[post.id], Some(viewer.id))?;
            Ok(Some(PostView::new(&post, &author).with(&reactions)))
        })
        .await?;
    Ok(Json(found.ok_or_else(|| AppError::not_found("post"))?))
}

/// The replies to a post that the member may read, oldest first (the first 200). A reply is
/// written with `POST /api/v1/posts` and `in_reply_to`.
#[utoipa::path(get, path = "/api/v1/posts/{id}/replies", security(("bearer" = [])),
    responses((status = 200, body = [PostView]), (status = 404, body = ErrorBody)))]
pub async fn replies(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<PostView>>> {
    let viewer = m.actor;
    let found = data
        .db
        .read(move |c| {
            let Some((post, _)) = super::readable_by_id(c, id, Some(&viewer))? else {
                return Ok(None);
            };
            let rows = super::replies_for(c, &post, Some(&viewer), super::MAX_REPLIES)?;
            let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
            let reactions = reactions::of_posts(c, &ids, Some(viewer.id))?;
            Ok(Some(
                rows.iter()
                    .map(|(p, a)| PostView::new(p, a).with(&reactions))
                    .collect::<Vec<_>>(),
            ))
        })
        .await?;
    Ok(Json(found.ok_or_else(|| AppError::not_found("post"))?))
}

async fn react(
    data: &AppState,
    member: crate::actors::model::DbActor,
    id: i64,
    kind: &'static str,
    on: bool,
) -> AppResult<Json<PostView>> {
    let (post, author, r) = reactions::set(data, member, id, kind, on).await?;
    let mut view = PostView::new(&post, &author);
    view.reactions = r;
    Ok(Json(view))
}

/// Like a post the member may read; its author is told (on their server too).
#[utoipa::path(post, path = "/api/v1/posts/{id}/like", security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn like(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<PostView>> {
    react(&data, m.actor, id, reactions::LIKE, true).await
}

/// Take back one's like (an `Undo` goes where the like went).
#[utoipa::path(delete, path = "/api/v1/posts/{id}/like", security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn unlike(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<PostView>> {
    react(&data, m.actor, id, reactions::LIKE, false).await
}

/// Repost a public post: it shows in the member's followers' home feeds, wherever they are.
#[utoipa::path(post, path = "/api/v1/posts/{id}/repost", security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn repost(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<PostView>> {
    react(&data, m.actor, id, reactions::REPOST, true).await
}

/// Take back one's repost.
#[utoipa::path(delete, path = "/api/v1/posts/{id}/repost", security(("bearer" = [])),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn unrepost(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<PostView>> {
    react(&data, m.actor, id, reactions::REPOST, false).await
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
    Ok(Json(
        data.db
            .read(move |c| {
                let (rows, reactions, reposters) = super::home_feed(c, me, before, limit)?;
                Ok(rows
                    .iter()
                    .map(|(p, a)| {
                        let mut view = PostView::new(p, a).with(&reactions);
                        view.reposted_by = reposters.get(&p.id).map(Into::into);
                        view
                    })
                    .collect())
            })
            .await?,
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
            let posts = model::by_author(c, a.id, vis, before, limit)?;
            let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
            let reactions = reactions::of_posts(c, &ids, Some(me))?;
            Ok(posts
                .iter()
                .map(|p| PostView::new(p, &a).with(&reactions))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(posts))
}
