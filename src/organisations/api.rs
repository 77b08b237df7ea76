//! Organisations in the JSON API: create, read, edit, manage the team.

use super::{OrganisationInput, OrganisationView};
use crate::{
    actors,
    api::{AccountView, ApiJson, ApiMember},
    error::{AppError, AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::StatusCode,
    routing::{get, put},
};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/organisations", get(list).post(create))
        .route("/api/v1/organisations/{id}", get(show).put(update))
        .route(
            "/api/v1/organisations/{id}/team/{member}",
            put(set_role).delete(remove_member),
        )
        .route("/api/v1/me/organisations", get(mine))
}

/// Create an organisation; you become its owner.
#[utoipa::path(post, path = "/api/v1/organisations", request_body = OrganisationInput, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 422, body = ErrorBody)))]
pub async fn create(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> AppResult<(StatusCode, Json<OrganisationView>)> {
    let actor = super::create(&data, &m, input).await?;
    let view = super::view(&data, actor, Some(m.actor)).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn organisation(data: &AppState, id: i64) -> AppResult<crate::actors::model::DbActor> {
    let actor = actors::by_id(data, id).await?;
    if actor.kind != "organization" {
        return Err(AppError::not_found("organisation"));
    }
    Ok(actor)
}

/// An organisation known here (local, or followed from another instance).
#[utoipa::path(get, path = "/api/v1/organisations/{id}", security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 404, body = ErrorBody)))]
pub async fn show(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<OrganisationView>> {
    let actor = organisation(&data, id).await?;
    Ok(Json(super::view(&data, actor, Some(m.actor)).await?))
}

/// Organisations known here, this instance's first.
#[utoipa::path(get, path = "/api/v1/organisations", security(("bearer" = [])),
    responses((status = 200, body = [AccountView])))]
pub async fn list(
    data: Data<AppState>,
    ApiMember(_): ApiMember,
) -> AppResult<Json<Vec<AccountView>>> {
    let rows = data.db.read(|c| Ok(super::model::list(c, 200)?)).await?;
    Ok(Json(rows.iter().map(|(a, _)| a.into()).collect()))
}

/// Edit an organisation's page (owners); its followers' servers receive the change.
#[utoipa::path(put, path = "/api/v1/organisations/{id}", request_body = OrganisationInput, security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> AppResult<Json<OrganisationView>> {
    let actor = organisation(&data, id).await?;
    let actor = super::update(&data, &m, actor, input).await?;
    Ok(Json(super::view(&data, actor, Some(m.actor)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RoleInput {
    /// `owner` or `recruiter`.
    pub role: String,
}

/// Give a member of this instance (by username) a role in the organisation (owners).
#[utoipa::path(put, path = "/api/v1/organisations/{id}/team/{member}", request_body = RoleInput, security(("bearer" = [])),
    params(("member" = String, Path, description = "the member's username")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_role(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path((id, member)): Path<(i64, String)>,
    ApiJson(input): ApiJson<RoleInput>,
) -> AppResult<StatusCode> {
    let actor = organisation(&data, id).await?;
    super::set_role(&data, &m, actor, &member, &input.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take someone out of the organisation's team (owners; an organisation keeps one owner).
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/team/{member}", security(("bearer" = [])),
    params(("member" = i64, Path, description = "the member's account id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path((id, member)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    let actor = organisation(&data, id).await?;
    super::remove_member(&data, &m, actor, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ManagedOrganisation {
    pub role: String,
    pub organisation: AccountView,
}

/// The organisations the signed-in member manages.
#[utoipa::path(get, path = "/api/v1/me/organisations", security(("bearer" = [])),
    responses((status = 200, body = [ManagedOrganisation])))]
pub async fn mine(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<ManagedOrganisation>>> {
    let id = m.actor.id;
    let rows = data
        .db
        .read(move |c| Ok(super::model::managed_by(c, id)?))
        .await?;
    Ok(Json(
        rows.iter()
            .map(|(role, a)| ManagedOrganisation {
                role: role.clone(),
                organisation: a.into(),
            })
            .collect(),
    ))
}
