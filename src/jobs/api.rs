//! Job offers and applications in the JSON API.

use super::{
    JobInput, OfferView,
    applications::{AnswerInput, ApplicationView, ApplyInput},
    search::BoardQuery,
};
use crate::{
    actors,
    api::{ApiJson, ApiMember},
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
use serde::{Deserialize, Serialize};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/jobs", get(board))
        .route("/api/v1/jobs/{id}", get(show).put(update).delete(delete))
        .route("/api/v1/jobs/{id}/publish", post(publish))
        .route("/api/v1/jobs/{id}/close", post(close))
        .route("/api/v1/jobs/{id}/communities", post(post_to_community))
        .route(
            "/api/v1/jobs/{id}/applications",
            get(applications).post(apply),
        )
        .route(
            "/api/v1/organisations/{id}/jobs",
            get(of_organisation).post(create),
        )
        .route("/api/v1/applications/{id}", get(application))
        .route("/api/v1/applications/{id}/answers", post(answer))
        .route("/api/v1/me/applications", get(my_applications))
}

/// One page of the job board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardPage {
    pub offers: Vec<OfferView>,
    pub page: i64,
    /// Another page follows.
    pub has_more: bool,
}

/// Search the job board: open offers of this instance and of the organisations and partners
/// it federates with.
#[utoipa::path(get, path = "/api/v1/jobs", params(BoardQuery), security(("bearer" = [])),
    responses((status = 200, body = BoardPage), (status = 422, body = ErrorBody)))]
pub async fn board(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Query(query): Query<BoardQuery>,
) -> AppResult<Json<BoardPage>> {
    let page = query.page();
    let (offers, has_more) = data
        .db
        .read(move |c| super::search::board(c, &query, Some(&m.actor)))
        .await?;
    Ok(Json(BoardPage {
        offers,
        page,
        has_more,
    }))
}

async fn organisation(data: &AppState, id: i64) -> AppResult<crate::actors::model::DbActor> {
    let actor = actors::by_id(data, id).await?;
    if actor.kind != "organization" {
        return Err(AppError::not_found("organisation"));
    }
    Ok(actor)
}

/// Write a job offer for an organisation (its owners and recruiters); it starts as a draft.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/jobs", request_body = JobInput, security(("bearer" = [])),
    responses((status = 201, body = OfferView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<JobInput>,
) -> AppResult<(StatusCode, Json<OfferView>)> {
    let org = organisation(&data, id).await?;
    let offer = super::create(&data, &m, org, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(super::view(&data, offer.id, Some(m.actor)).await?),
    ))
}

/// An organisation's offers: open ones, and for its team also drafts and closed ones.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/jobs", security(("bearer" = [])),
    responses((status = 200, body = [OfferView])))]
pub async fn of_organisation(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<OfferView>>> {
    let org = organisation(&data, id).await?;
    Ok(Json(
        super::of_organisation(&data, org, Some(m.actor)).await?,
    ))
}

/// One offer (a draft only for its organisation's team).
#[utoipa::path(get, path = "/api/v1/jobs/{id}", security(("bearer" = [])),
    responses((status = 200, body = OfferView), (status = 404, body = ErrorBody)))]
pub async fn show(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<OfferView>> {
    Ok(Json(super::view(&data, id, Some(m.actor)).await?))
}

/// Edit an offer (team); a published offer's change reaches the servers that show it.
#[utoipa::path(put, path = "/api/v1/jobs/{id}", request_body = JobInput, security(("bearer" = [])),
    responses((status = 200, body = OfferView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<JobInput>,
) -> AppResult<Json<OfferView>> {
    let offer = super::update(&data, &m, id, input).await?;
    Ok(Json(super::view(&data, offer.id, Some(m.actor)).await?))
}

/// Delete a draft (published offers are closed instead).
#[utoipa::path(delete, path = "/api/v1/jobs/{id}", security(("bearer" = [])),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn delete(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::delete(&data, &m, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publish a draft or reopen a closed offer.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/publish", security(("bearer" = [])),
    responses((status = 200, body = OfferView), (status = 422, body = ErrorBody)))]
pub async fn publish(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<OfferView>> {
    let offer = super::publish(&data, &m, id).await?;
    Ok(Json(super::view(&data, offer.id, Some(m.actor)).await?))
}

/// Close a published offer; its applications stay.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/close", security(("bearer" = [])),
    responses((status = 200, body = OfferView), (status = 409, body = ErrorBody)))]
pub async fn close(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<OfferView>> {
    let offer = super::close(&data, &m, id).await?;
    Ok(Json(super::view(&data, offer.id, Some(m.actor)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CommunityPostInput {
    /// The community (its account id) to post the offer into; you must be a member.
    pub community_id: i64,
}

/// Post a published offer into a community you belong to, as a thread (recruiters).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/communities", request_body = CommunityPostInput, security(("bearer" = [])),
    responses((status = 201, body = crate::communities::api::PostView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_to_community(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CommunityPostInput>,
) -> AppResult<(StatusCode, Json<crate::communities::api::PostView>)> {
    let post = super::post_to_community(&data, &m, id, input.community_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::communities::api::post_view(&post, &m.actor, 0)),
    ))
}

/// Apply to an offer with a message and the chosen parts of your profile.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/applications", request_body = ApplyInput, security(("bearer" = [])),
    responses((status = 201, body = ApplicationView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ApplyInput>,
) -> AppResult<(StatusCode, Json<ApplicationView>)> {
    let application = super::applications::apply(&data, &m, id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(super::applications::view(&data, m.actor, application.id).await?),
    ))
}

/// The applications to an offer (its organisation's team).
#[utoipa::path(get, path = "/api/v1/jobs/{id}/applications", security(("bearer" = [])),
    responses((status = 200, body = [ApplicationView]), (status = 403, body = ErrorBody)))]
pub async fn applications(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ApplicationView>>> {
    Ok(Json(
        super::applications::to_offer(&data, m.actor, id).await?,
    ))
}

/// One application (its applicant, or the organisation's team).
#[utoipa::path(get, path = "/api/v1/applications/{id}", security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody)))]
pub async fn application(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationView>> {
    Ok(Json(super::applications::view(&data, m.actor, id).await?))
}

/// Answer an application and/or change its status (the organisation's team).
#[utoipa::path(post, path = "/api/v1/applications/{id}/answers", request_body = AnswerInput, security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> AppResult<Json<ApplicationView>> {
    super::applications::answer(&data, &m, id, input).await?;
    Ok(Json(super::applications::view(&data, m.actor, id).await?))
}

/// Your applications, newest first, with their status and answers.
#[utoipa::path(get, path = "/api/v1/me/applications", security(("bearer" = [])),
    responses((status = 200, body = [ApplicationView])))]
pub async fn my_applications(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<ApplicationView>>> {
    Ok(Json(super::applications::mine(&data, m.actor).await?))
}
