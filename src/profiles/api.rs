//! Profiles in the JSON API: the card, the professional profile (draft, entries, publish,
//! preview, JSON Resume), reading someone's profile, browsing by skill, looking people up.

use super::{
    DraftView, ImportReport, PreviewAs, ProfileInput, ProfileView, Section,
    document::{Entry, ProfileDoc},
};
use crate::{
    actors,
    api::{AccountView, ApiJson, ApiMember, RelationshipView},
    error::{AppError, AppResult, ErrorBody},
    federation::webfinger::resolve_handle,
    follows,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/me/profile", put(update_profile))
        .route("/api/v1/me/profile/draft", get(get_draft).put(put_draft))
        .route("/api/v1/me/profile/draft/{section}", post(add_entry))
        .route(
            "/api/v1/me/profile/draft/{section}/{id}",
            put(edit_entry).delete(delete_entry),
        )
        .route("/api/v1/me/profile/publish", post(publish))
        .route("/api/v1/me/profile/preview", get(preview))
        .route(
            "/api/v1/me/profile/resume",
            get(export_resume).post(import_resume),
        )
        .route("/api/v1/profiles", get(browse))
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/{id}", get(account))
        .route("/api/v1/accounts/{id}/profile", get(account_profile))
}

/// The signed-in member's draft profile and whether it is published.
#[utoipa::path(get, path = "/api/v1/me/profile/draft", security(("bearer" = [])),
    responses((status = 200, body = DraftView)))]
pub async fn get_draft(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<DraftView>> {
    Ok(Json(super::draft(&data, &m).await?))
}

/// Replace the whole draft (others see nothing of it until it is published).
#[utoipa::path(put, path = "/api/v1/me/profile/draft", request_body = ProfileDoc, security(("bearer" = [])),
    responses((status = 200, body = DraftView), (status = 422, body = ErrorBody)))]
pub async fn put_draft(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(doc): ApiJson<ProfileDoc>,
) -> AppResult<Json<DraftView>> {
    Ok(Json(super::save_draft(&data, &m, doc).await?))
}

fn section(s: &str) -> AppResult<Section> {
    Section::parse(s)
        .ok_or_else(|| AppError::NotFound(format!("no section {s}: use experiences or education")))
}

/// Add an experience or an education entry to the draft.
#[utoipa::path(post, path = "/api/v1/me/profile/draft/{section}", request_body = Entry, security(("bearer" = [])),
    params(("section" = String, Path, description = "`experiences` or `education`")),
    responses((status = 201, body = Entry), (status = 422, body = ErrorBody)))]
pub async fn add_entry(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(s): Path<String>,
    ApiJson(entry): ApiJson<Entry>,
) -> AppResult<(StatusCode, Json<Entry>)> {
    let e = super::save_entry(&data, &m, section(&s)?, None, entry).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// Replace an entry of the draft.
#[utoipa::path(put, path = "/api/v1/me/profile/draft/{section}/{id}", request_body = Entry, security(("bearer" = [])),
    responses((status = 200, body = Entry), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_entry(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path((s, id)): Path<(String, String)>,
    ApiJson(entry): ApiJson<Entry>,
) -> AppResult<Json<Entry>> {
    Ok(Json(
        super::save_entry(&data, &m, section(&s)?, Some(id), entry).await?,
    ))
}

/// Remove an entry from the draft.
#[utoipa::path(delete, path = "/api/v1/me/profile/draft/{section}/{id}", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_entry(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path((s, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    super::delete_entry(&data, &m, section(&s)?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publish the draft: others read it from now on; followers' servers get an Update.
#[utoipa::path(post, path = "/api/v1/me/profile/publish", security(("bearer" = [])),
    responses((status = 200, body = DraftView), (status = 422, body = ErrorBody)))]
pub async fn publish(data: Data<AppState>, ApiMember(m): ApiMember) -> AppResult<Json<DraftView>> {
    Ok(Json(super::publish(&data, &m).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PreviewQuery {
    /// `anonymous`, `follower` or `member` (of this instance).
    #[serde(rename = "as")]
    pub who: PreviewAs,
}

/// The draft as someone else will read it once published.
#[utoipa::path(get, path = "/api/v1/me/profile/preview", params(PreviewQuery), security(("bearer" = [])),
    responses((status = 200, body = ProfileDoc)))]
pub async fn preview(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(q): Query<PreviewQuery>,
) -> AppResult<Json<ProfileDoc>> {
    Ok(Json(super::preview(&data, &m, q.who).await?))
}

/// The signed-in member's profile as a JSON Resume document (jsonresume.org).
#[utoipa::path(get, path = "/api/v1/me/profile/resume", security(("bearer" = [])),
    responses((status = 200, body = Object)))]
pub async fn export_resume(data: Data<AppState>, ApiMember(m): ApiMember) -> AppResult<Response> {
    let resume = super::export_resume(&data, &m).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-resume.json\"", m.actor.username),
        )],
        Json(resume),
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// When true, nothing is stored: the answer shows what the import would create.
    #[serde(default)]
    pub dry_run: bool,
}

/// Import a JSON Resume into the draft (all or nothing; `dry_run` to preview).
#[utoipa::path(post, path = "/api/v1/me/profile/resume", params(ImportQuery), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_resume(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(q): Query<ImportQuery>,
    ApiJson(resume): ApiJson<serde_json::Value>,
) -> AppResult<Json<ImportReport>> {
    Ok(Json(
        super::import_resume(&data, &m, resume, q.dry_run).await?,
    ))
}

/// The published profile of an account (local or remote), as the caller may read it.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/profile", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 404, body = ErrorBody)))]
pub async fn account_profile(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<ProfileView>> {
    let actor = actors::by_id(&data, id).await?;
    super::view(&data, actor, Some(m.actor))
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound("this person has not published a profile".into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BrowseQuery {
    /// A skill tag; case, accents and spaces do not matter.
    #[serde(default)]
    pub tag: Option<String>,
    /// A kind of experience (`job`, `volunteering`, …) or `education`.
    #[serde(default)]
    pub kind: Option<String>,
}

/// One person or experience found by a browse.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BrowseMatch {
    pub account: AccountView,
    /// The matching entry's id; empty when the person lists the skill without an entry.
    pub entry_id: String,
    /// The entry's kind, or `skill`.
    pub kind: String,
    pub title: String,
    pub organisation: String,
}

/// People and experiences by skill tag and kind of experience, here and on the servers this
/// one knows, as the caller may see them.
#[utoipa::path(get, path = "/api/v1/profiles", params(BrowseQuery), security(("bearer" = [])),
    responses((status = 200, body = [BrowseMatch]), (status = 422, body = ErrorBody)))]
pub async fn browse(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(q): Query<BrowseQuery>,
) -> AppResult<Json<Vec<BrowseMatch>>> {
    let found = super::browse(
        &data,
        Some(&m.actor),
        q.tag.as_deref(),
        q.kind.as_deref(),
        50,
    )
    .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|f| BrowseMatch {
                account: (&f.actor).into(),
                entry_id: f.entry_id,
                kind: f.kind,
                title: f.title,
                organisation: f.organisation,
            })
            .collect(),
    ))
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
