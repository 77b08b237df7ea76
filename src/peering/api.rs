//! Peering in the JSON API: the administrators' rules about other servers, and their CSV form;
//! partnerships, and the public list of partners.

use super::{
    ImportSummary, PolicyInput, PolicyView,
    partnerships::{self, Decision, PartnerView, PartnershipView},
};
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
        .route("/api/v1/partners", get(partners))
        .route(
            "/api/v1/admin/partnerships",
            get(list_partnerships).post(propose),
        )
        .route("/api/v1/admin/partnerships/{host}/{decision}", post(decide))
        .route(
            "/api/v1/admin/partnerships/{host}/share_job_offers",
            put(share_job_offers),
        )
}

/// This server's active partners (public).
#[utoipa::path(get, path = "/api/v1/partners", responses((status = 200, body = [PartnerView])))]
pub async fn partners(data: Data<AppState>) -> AppResult<Json<Vec<PartnerView>>> {
    Ok(Json(partnerships::partners(&data).await?))
}

/// Every partnership, in any state (administrators).
#[utoipa::path(get, path = "/api/v1/admin/partnerships", security(("bearer" = [])),
    responses((status = 200, body = [PartnershipView]), (status = 403, body = ErrorBody)))]
pub async fn list_partnerships(
    data: Data<AppState>,
    member: ApiMember,
) -> AppResult<Json<Vec<PartnershipView>>> {
    member.require(Role::Admin)?;
    Ok(Json(partnerships::list(&data).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ProposeInput {
    /// The other server, `host` or `host:port`.
    pub host: String,
}

/// Propose a partnership to another server (its instance actor).
#[utoipa::path(post, path = "/api/v1/admin/partnerships", request_body = ProposeInput, security(("bearer" = [])),
    responses((status = 201, body = PartnershipView), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn propose(
    data: Data<AppState>,
    member: ApiMember,
    ApiJson(input): ApiJson<ProposeInput>,
) -> AppResult<(StatusCode, Json<PartnershipView>)> {
    member.require(Role::Admin)?;
    let view = partnerships::propose(&data, Some(member.0.account.id), &input.host).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `accept` or `decline` a proposal made to us, or `end` a partnership; the other server is told.
#[utoipa::path(post, path = "/api/v1/admin/partnerships/{host}/{decision}", security(("bearer" = [])),
    params(("host" = String, Path), ("decision" = String, Path, description = "accept, decline or end")),
    responses((status = 200, body = PartnershipView), (status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide(
    data: Data<AppState>,
    member: ApiMember,
    Path((host, decision)): Path<(String, String)>,
) -> AppResult<axum::response::Response> {
    member.require(Role::Admin)?;
    let decision = match decision.as_str() {
        "accept" => Decision::Accept,
        "decline" => Decision::Decline,
        "end" => Decision::End,
        other => {
            return Err(crate::error::AppError::NotFound(format!(
                "unknown decision `{other}`: use accept, decline or end"
            )));
        }
    };
    let by = Some(member.0.account.id);
    Ok(
        match partnerships::decide(&data, by, &host, decision).await? {
            Some(view) => Json(view).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ShareInput {
    pub share: bool,
}

/// Choose whether our public job offers are shared with a partner.
#[utoipa::path(put, path = "/api/v1/admin/partnerships/{host}/share_job_offers", request_body = ShareInput,
    params(("host" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = PartnershipView), (status = 404, body = ErrorBody)))]
pub async fn share_job_offers(
    data: Data<AppState>,
    member: ApiMember,
    Path(host): Path<String>,
    ApiJson(input): ApiJson<ShareInput>,
) -> AppResult<Json<PartnershipView>> {
    member.require(Role::Admin)?;
    let by = Some(member.0.account.id);
    Ok(Json(
        partnerships::share_job_offers(&data, by, &host, input.share).await?,
    ))
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
