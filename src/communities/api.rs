//! Communities in the JSON API: create, find and join them (here or on another server), write
//! threads and replies, and manage them (requests, roles, bans, invitations, moderation,
//! activity figures). Secret communities answer 404 to anyone who does not belong to them.

use super::{
    CommunityInput, Decision, JoinState, Moderation, PostInput, Seen, Sight, ThreadItem,
    model::{self, PostRow},
    stats::Figures,
};
use crate::{
    actors::{self, model::DbActor},
    api::{AccountView, ApiJson, ApiMember},
    error::{AppError, AppResult, ErrorBody},
    federation::webfinger::resolve_handle,
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
use serde::{Deserialize, Serialize};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/communities", get(list).post(create))
        .route("/api/v1/communities/lookup", get(lookup))
        .route("/api/v1/communities/{id}", get(show).put(update))
        .route("/api/v1/communities/{id}/join", post(join))
        .route("/api/v1/communities/{id}/leave", post(leave))
        .route(
            "/api/v1/communities/{id}/threads",
            get(threads).post(create_thread),
        )
        .route("/api/v1/communities/{id}/members", get(members))
        .route("/api/v1/communities/{id}/members/{person}", post(decide))
        .route("/api/v1/communities/{id}/invitations", post(invite))
        .route("/api/v1/communities/{id}/stats", get(stats))
        .route("/api/v1/community-threads/{id}", get(thread))
        .route(
            "/api/v1/community-posts/{id}",
            axum::routing::delete(delete_post),
        )
        .route("/api/v1/community-posts/{id}/replies", post(reply))
        .route("/api/v1/community-posts/{id}/moderation", post(moderate))
}

/// A community as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunityView {
    pub account: AccountView,
    /// `open`, `closed` or `secret`.
    pub access: String,
    /// Sanitised HTML.
    pub charter: String,
    pub language: Option<String>,
    pub members_count: i64,
    /// What the viewer may do: `outside`, `reader`, `member`, `manager`.
    pub sight: Sight,
    /// The viewer's membership: `pending`, `invited`, `accepted`, `banned`, or none.
    pub state: Option<String>,
    pub role: Option<String>,
}

fn view_of(seen: &Seen, members_count: i64) -> CommunityView {
    CommunityView {
        account: (&seen.actor).into(),
        access: seen.details.access.clone(),
        charter: seen.details.charter.clone(),
        language: seen.details.language.clone(),
        members_count,
        sight: seen.sight,
        state: seen.membership.as_ref().map(|m| m.state.clone()),
        role: seen
            .membership
            .as_ref()
            .filter(|m| m.state == model::ACCEPTED)
            .map(|m| m.role.clone()),
    }
}

async fn seen(data: &AppState, id: i64, viewer: &DbActor) -> AppResult<Seen> {
    let actor = actors::by_id(data, id)
        .await
        .map_err(|_| AppError::NotFound("there is no such community here".into()))?;
    let v = viewer.clone();
    data.db.read(move |c| super::seen(c, actor, Some(&v))).await
}

async fn view(data: &AppState, id: i64, viewer: &DbActor) -> AppResult<CommunityView> {
    let s = seen(data, id, viewer).await?;
    let c = s.actor.id;
    let n = data
        .db
        .read(move |conn| Ok(model::count_members(conn, c)?))
        .await?;
    Ok(view_of(&s, n))
}

/// Communities you can see: all open and closed ones known here, and the secret ones you
/// belong to.
#[utoipa::path(get, path = "/api/v1/communities", security(("bearer" = [])),
    responses((status = 200, body = Vec<CommunityView>)))]
pub async fn list(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<CommunityView>>> {
    let rows = super::list(&data, Some(m.actor.clone())).await?;
    let mut out = vec![];
    for (actor, _, n) in rows {
        let s = seen(&data, actor.id, &m.actor).await?;
        out.push(view_of(&s, n));
    }
    Ok(Json(out))
}

/// Create a community; you become its owner.
#[utoipa::path(post, path = "/api/v1/communities", request_body = CommunityInput, security(("bearer" = [])),
    responses((status = 201, body = CommunityView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<CommunityInput>,
) -> AppResult<(StatusCode, Json<CommunityView>)> {
    let actor = super::create(&data, &m, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&data, actor.id, &m.actor).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LookupQuery {
    /// `name` (here) or `name@host` (another server).
    pub handle: String,
}

/// Find a community by handle, here or on another server (fetched if needed).
#[utoipa::path(get, path = "/api/v1/communities/lookup", params(LookupQuery), security(("bearer" = [])),
    responses((status = 200, body = CommunityView), (status = 404, body = ErrorBody)))]
pub async fn lookup(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(q): Query<LookupQuery>,
) -> AppResult<Json<CommunityView>> {
    let actor = resolve_handle(&data, &q.handle)
        .await
        .map_err(|_| AppError::NotFound(format!("no community is called {}", q.handle)))?;
    Ok(Json(view(&data, actor.id, &m.actor).await?))
}

/// A community.
#[utoipa::path(get, path = "/api/v1/communities/{id}", security(("bearer" = [])),
    responses((status = 200, body = CommunityView), (status = 404, body = ErrorBody)))]
pub async fn show(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<CommunityView>> {
    Ok(Json(view(&data, id, &m.actor).await?))
}

/// Edit a community (managers; only owners change its access type).
#[utoipa::path(put, path = "/api/v1/communities/{id}", request_body = CommunityInput, security(("bearer" = [])),
    responses((status = 200, body = CommunityView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CommunityInput>,
) -> AppResult<Json<CommunityView>> {
    let s = seen(&data, id, &m.actor).await?;
    super::update(&data, &m, s.actor, input).await?;
    Ok(Json(view(&data, id, &m.actor).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct JoinInput {
    /// You accept the community's charter (required when it has one).
    pub accept_charter: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JoinView {
    pub state: JoinState,
}

/// Join a community: open ones at once, closed ones by a request managers answer, secret ones
/// with an invitation.
#[utoipa::path(post, path = "/api/v1/communities/{id}/join", request_body = JoinInput, security(("bearer" = [])),
    responses((status = 200, body = JoinView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn join(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<JoinInput>,
) -> AppResult<Json<JoinView>> {
    let s = seen(&data, id, &m.actor).await?;
    let state = super::join(&data, &m, s.actor, input.accept_charter).await?;
    Ok(Json(JoinView { state }))
}

/// Leave a community (or withdraw a request, or decline an invitation).
#[utoipa::path(post, path = "/api/v1/communities/{id}/leave", security(("bearer" = [])),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn leave(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let s = seen(&data, id, &m.actor).await?;
    super::leave(&data, &m, s.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A thread or a reply as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostView {
    pub id: i64,
    /// Its ActivityPub id.
    pub uri: String,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: Option<String>,
    /// Sanitised HTML; empty once erased or removed.
    pub content: String,
    pub author: AccountView,
    pub pinned: bool,
    pub locked: bool,
    /// Erased by its author or removed by a manager.
    pub gone: bool,
    pub replies_count: i64,
    pub published: DateTime<Utc>,
}

pub fn post_view(p: &PostRow, author: &DbActor, replies: i64) -> PostView {
    PostView {
        id: p.id,
        uri: p.ap_id.clone(),
        community_id: p.community_id,
        thread_id: p.thread_id,
        parent_id: p.parent_id,
        title: p.title.clone(),
        content: if p.gone() {
            String::new()
        } else {
            p.content.clone()
        },
        author: author.into(),
        pinned: p.pinned,
        locked: p.locked,
        gone: p.gone(),
        replies_count: replies,
        published: p.published.and_utc(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<i64>,
}

/// The threads of a community, pinned first then by latest activity (20 per page).
#[utoipa::path(get, path = "/api/v1/communities/{id}/threads", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<PostView>), (status = 404, body = ErrorBody)))]
pub async fn threads(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Vec<PostView>>> {
    let s = seen(&data, id, &m.actor).await?;
    if s.sight < Sight::Reader {
        return Err(AppError::Forbidden(
            "the threads of this community are for its members: join it first".into(),
        ));
    }
    let offset = (q.page.unwrap_or(1).max(1) - 1) * 20;
    let items: Vec<ThreadItem> = data
        .db
        .read(move |c| super::threads_of(c, &s, offset, 20))
        .await?;
    Ok(Json(
        items
            .iter()
            .map(|i| post_view(&i.thread, &i.author, i.replies))
            .collect(),
    ))
}

/// Start a thread (members).
#[utoipa::path(post, path = "/api/v1/communities/{id}/threads", request_body = PostInput, security(("bearer" = [])),
    responses((status = 201, body = PostView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_thread(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PostInput>,
) -> AppResult<(StatusCode, Json<PostView>)> {
    let s = seen(&data, id, &m.actor).await?;
    let post = super::create_thread(&data, &m, s.actor, input).await?;
    Ok((StatusCode::CREATED, Json(post_view(&post, &m.actor, 0))))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadView {
    pub thread: PostView,
    /// Replies, oldest first (`parent_id` tells what each answers).
    pub replies: Vec<PostView>,
}

/// A thread with its replies.
#[utoipa::path(get, path = "/api/v1/community-threads/{id}", security(("bearer" = [])),
    responses((status = 200, body = ThreadView), (status = 404, body = ErrorBody)))]
pub async fn thread(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<ThreadView>> {
    let t = super::thread(&data, id, Some(m.actor)).await?;
    let count = t.replies.iter().filter(|(r, _)| !r.gone()).count() as i64;
    Ok(Json(ThreadView {
        thread: post_view(&t.thread, &t.author, count),
        replies: t.replies.iter().map(|(r, a)| post_view(r, a, 0)).collect(),
    }))
}

/// Answer a thread or a reply (members).
#[utoipa::path(post, path = "/api/v1/community-posts/{id}/replies", request_body = PostInput, security(("bearer" = [])),
    responses((status = 201, body = PostView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reply(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PostInput>,
) -> AppResult<(StatusCode, Json<PostView>)> {
    let post = super::reply(&data, &m, id, input).await?;
    Ok((StatusCode::CREATED, Json(post_view(&post, &m.actor, 0))))
}

/// Erase one of your messages.
#[utoipa::path(delete, path = "/api/v1/community-posts/{id}", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_post(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::delete_post(&data, &m, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ModerationInput {
    pub action: Moderation,
}

/// Pin, unpin, lock, unlock or remove a thread or a message (community managers).
#[utoipa::path(post, path = "/api/v1/community-posts/{id}/moderation", request_body = ModerationInput, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn moderate(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ModerationInput>,
) -> AppResult<StatusCode> {
    super::moderate(&data, &m, id, input.action).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MembersQuery {
    /// `accepted` (default), `pending`, `invited` or `banned`.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub account: AccountView,
    pub role: String,
    pub state: String,
}

/// The people of a community: members for its members; requests, invitations and bans for its
/// managers.
#[utoipa::path(get, path = "/api/v1/communities/{id}/members", params(MembersQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberView>), (status = 403, body = ErrorBody)))]
pub async fn members(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    Query(q): Query<MembersQuery>,
) -> AppResult<Json<Vec<MemberView>>> {
    let s = seen(&data, id, &m.actor).await?;
    let state = q.state.unwrap_or_else(|| model::ACCEPTED.into());
    let needed = if state == model::ACCEPTED {
        Sight::Member
    } else {
        Sight::Manager
    };
    if s.sight < needed {
        return Err(AppError::Forbidden(
            "this list is for the community's members (requests and bans: its managers)".into(),
        ));
    }
    if ![
        model::ACCEPTED,
        model::PENDING,
        model::INVITED,
        model::BANNED,
    ]
    .contains(&state.as_str())
    {
        return Err(AppError::BadRequest(format!(
            "unknown state `{state}`: use accepted, pending, invited or banned"
        )));
    }
    let c = s.actor.id;
    let rows = data
        .db
        .read(move |conn| Ok(model::members(conn, c, &state, 1000)?))
        .await?;
    Ok(Json(
        rows.iter()
            .map(|(r, a)| MemberView {
                account: a.into(),
                role: r.role.clone(),
                state: r.state.clone(),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    pub decision: Decision,
}

/// Decide about someone: accept or refuse their request, remove or ban them, lift a ban,
/// change their role (managers; roles and owners: owners only).
#[utoipa::path(post, path = "/api/v1/communities/{id}/members/{person}", request_body = DecisionInput, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn decide(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path((id, person)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<StatusCode> {
    let s = seen(&data, id, &m.actor).await?;
    super::decide(&data, &m, s.actor, person, input.decision).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InvitationInput {
    /// Username of a member of this instance, or `name@host` for a person of another
    /// Passerelle instance.
    pub username: String,
}

/// Invite someone, here or on another Passerelle instance (managers).
#[utoipa::path(post, path = "/api/v1/communities/{id}/invitations", request_body = InvitationInput, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<InvitationInput>,
) -> AppResult<StatusCode> {
    let s = seen(&data, id, &m.actor).await?;
    super::invite(&data, &m, s.actor, &input.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Activity figures of the last weeks (managers).
#[utoipa::path(get, path = "/api/v1/communities/{id}/stats", security(("bearer" = [])),
    responses((status = 200, body = Figures), (status = 403, body = ErrorBody)))]
pub async fn stats(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<Figures>> {
    let s = seen(&data, id, &m.actor).await?;
    if s.sight < Sight::Manager {
        return Err(AppError::Forbidden(
            "the activity figures are for the community managers".into(),
        ));
    }
    let c = s.actor.id;
    Ok(Json(
        data.db
            .read(move |conn| super::stats::figures(conn, c, crate::db::now()))
            .await?,
    ))
}
