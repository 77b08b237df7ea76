//! Accounts in the JSON API: sign-up, tokens, the current member, password, invitations.

use super::{RegistrationInput, Role};
use crate::{
    api::{AccountView, ApiJson, ApiMember},
    error::{AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    http::{HeaderMap, StatusCode, header},
    routing::{delete, get, post},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/accounts", post(register))
        .route("/api/v1/tokens", post(create_token))
        .route("/api/v1/tokens/current", delete(revoke_token))
        .route("/api/v1/me", get(me).delete(delete_me))
        .route("/api/v1/me/archive", get(archive))
        .route("/api/v1/me/password", post(change_password))
        .route("/api/v1/invitations", post(create_invitation))
}

/// Create an account (following the instance's registration mode).
#[utoipa::path(post, path = "/api/v1/accounts", request_body = RegistrationInput,
    responses((status = 201, body = AccountView), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn register(
    data: Data<AppState>,
    ApiJson(input): ApiJson<RegistrationInput>,
) -> AppResult<(StatusCode, Json<AccountView>)> {
    let member = super::register(&data, input).await?;
    Ok((StatusCode::CREATED, Json((&member.actor).into())))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// A name to recognise the token by, such as the application using it.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once: store it.
    pub token: String,
    pub account: AccountView,
}

/// Sign in: exchange a username and password for an API token.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 401, body = ErrorBody)))]
pub async fn create_token(
    data: Data<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    let member = super::login(&data, &req.username, &req.password).await?;
    let name = req.name.unwrap_or_else(|| "API".into());
    let token = super::create_api_token(&data, member.account.id, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            token,
            account: (&member.actor).into(),
        }),
    ))
}

/// Sign out: revoke the token used for this request.
#[utoipa::path(delete, path = "/api/v1/tokens/current", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn revoke_token(
    data: Data<AppState>,
    _member: ApiMember,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_string();
    super::revoke_api_token(&data, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub account: AccountView,
    /// member, moderator or admin
    pub role: String,
    pub email: Option<String>,
}

/// The signed-in member.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn me(ApiMember(m): ApiMember) -> Json<MeView> {
    Json(MeView {
        account: (&m.actor).into(),
        role: m.account.role.clone(),
        email: m.account.email.clone(),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Change the password (other sessions are signed out; API tokens stay valid).
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange, security(("bearer" = [])),
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(req): ApiJson<PasswordChange>,
) -> AppResult<StatusCode> {
    super::change_password(&data, &m, &req.current_password, &req.new_password, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    /// Validity in days (default 14).
    #[serde(default)]
    pub days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    pub code: String,
}

/// Create an invitation code (administrators).
#[utoipa::path(post, path = "/api/v1/invitations", request_body = InvitationRequest, security(("bearer" = [])),
    responses((status = 201, body = InvitationView), (status = 403, body = ErrorBody)))]
pub async fn create_invitation(
    data: Data<AppState>,
    member: ApiMember,
    ApiJson(req): ApiJson<InvitationRequest>,
) -> AppResult<(StatusCode, Json<InvitationView>)> {
    member.require(Role::Admin)?;
    let code =
        super::create_invitation(&data, Some(member.0.account.id), req.days.unwrap_or(14)).await?;
    Ok((StatusCode::CREATED, Json(InvitationView { code })))
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's password, to confirm.
    pub password: String,
}

/// Delete the signed-in member's account, here and on the servers that know it (a Delete is
/// sent to them). Their posts and profile are erased. Cannot be undone.
#[utoipa::path(delete, path = "/api/v1/me", request_body = DeleteAccountRequest, security(("bearer" = [])),
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn delete_me(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(req): ApiJson<DeleteAccountRequest>,
) -> AppResult<StatusCode> {
    super::data::delete_account(&data, &m, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All the signed-in member's data as one zip archive (account, profile, JSON Resume, posts,
/// follows).
#[utoipa::path(get, path = "/api/v1/me/archive", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>)))]
pub async fn archive(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<([(header::HeaderName, String); 2], Vec<u8>)> {
    let bytes = super::data::archive(&data, &m).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".into()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"passerelle-{}.zip\"",
                    m.actor.username
                ),
            ),
        ],
        bytes,
    ))
}
