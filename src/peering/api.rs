//! Peering in the JSON API: the administrators' rules about other servers, and their CSV form.

use super::{ImportSummary, PolicyInput, PolicyView};
use crate::{
    accounts::Role,
    api::{ApiJson, ApiMember},
    error::{AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::{get, post, put},
};

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/admin/instances", get(list))
        .route("/api/v1/admin/instances/export.csv", get(export))
        .route("/api/v1/admin/instances/import", post(import))
        .route("/api/v1/admin/instances/{host}", put(set).delete(remove))
}

/// Every rule about other servers (administrators).
#[utoipa::path(get, path = "/api/v1/admin/instances", security(("bearer" = [])),
    responses((status = 200, body = [PolicyView]), (status = 403, body = ErrorBody)))]
pub async fn list(data: Data<AppState>, member: ApiMember) -> AppResult<Json<Vec<PolicyView>>> {
    member.require(Role::Admin)?;
    Ok(Json(super::list(&data).await?))
}

/// Allow, silence or block a server (and its subdomains), with a reason.
#[utoipa::path(put, path = "/api/v1/admin/instances/{host}", request_body = PolicyInput,
    params(("host" = String, Path, description = "host or host:port")), security(("bearer" = [])),
    responses((status = 200, body = PolicyView), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set(
    data: Data<AppState>,
    member: ApiMember,
    Path(host): Path<String>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> AppResult<Json<PolicyView>> {
    member.require(Role::Admin)?;
    let by = Some(member.0.account.id);
    Ok(Json(super::set_policy(&data, by, &host, input).await?))
}

/// Remove the rule on a server.
#[utoipa::path(delete, path = "/api/v1/admin/instances/{host}",
    params(("host" = String, Path, description = "host or host:port")), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove(
    data: Data<AppState>,
    member: ApiMember,
    Path(host): Path<String>,
) -> AppResult<StatusCode> {
    member.require(Role::Admin)?;
    super::remove_policy(&data, Some(member.0.account.id), &host).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The rules as CSV (`#domain,#severity,#public_comment`, readable by Mastodon).
#[utoipa::path(get, path = "/api/v1/admin/instances/export.csv", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn export(data: Data<AppState>, member: ApiMember) -> AppResult<impl IntoResponse> {
    member.require(Role::Admin)?;
    let csv = super::to_csv(&super::list(&data).await?)?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv))
}

/// Import a CSV block list (the body): all lines are checked first; one bad line changes
/// nothing and is reported with its number.
#[utoipa::path(post, path = "/api/v1/admin/instances/import", request_body(content = String, content_type = "text/csv"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportSummary), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import(
    data: Data<AppState>,
    member: ApiMember,
    body: String,
) -> AppResult<Json<ImportSummary>> {
    member.require(Role::Admin)?;
    Ok(Json(
        super::import_csv(&data, Some(member.0.account.id), &body).await?,
    ))
}
