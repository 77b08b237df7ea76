//! The JSON API under `/api/v1`: bearer-token authentication, the views shared by domains'
//! `api.rs` handlers, the router assembly and the OpenAPI document (`/api/v1/openapi.json`).

use crate::{
    accounts::{self, Member, Role},
    actors::model::DbActor,
    error::{AppError, AppResult, ErrorBody, FieldError},
    follows::FollowState,
    posts::{model::DbPost, reactions::Reactions},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{FromRequestParts, rejection::JsonRejection},
    http::{header, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// The member authenticated by `Authorization: Bearer <token>`; 401 otherwise.
pub struct ApiMember(pub Member);

impl<S: Send + Sync> FromRequestParts<S> for ApiMember {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "sign in first: send an API token as `Authorization: Bearer <token>` (POST /api/v1/tokens gives one)".into(),
                )
                .into_response()
            })?;
        match accounts::token_member(&data, token).await {
            Ok(Some(m)) => {
                data.limits
                    .check_api_account(m.account.id)
                    .map_err(IntoResponse::into_response)?;
                Ok(ApiMember(m))
            }
            Ok(None) => Err(AppError::Unauthorized(
                "this API token is not valid (revoked, or the account was closed)".into(),
            )
            .into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

impl ApiMember {
    /// Refuses members below `role`.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.0.role() >= role {
            Ok(())
        } else {
            Err(AppError::Forbidden(match role {
                Role::Admin => "this needs administrator rights".into(),
                _ => "this needs moderator rights".into(),
            }))
        }
    }
}

/// JSON body extractor whose errors are `AppError`s (400 with the parser's explanation).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(AppError::Invalid(vec![FieldError::new(
                "body",
                "invalid",
                e.body_text(),
            )])),
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

/// A person or other actor, local or remote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    /// `user@domain`
    pub handle: String,
    pub username: String,
    pub domain: String,
    pub local: bool,
    pub kind: String,
    pub display_name: String,
    /// Sanitised HTML.
    pub bio_html: String,
    pub avatar_url: Option<String>,
    /// The profile page.
    pub url: Option<String>,
    /// The ActivityPub id.
    pub ap_id: String,
    /// Follow requests need approval.
    pub locked: bool,
}

impl From<&DbActor> for AccountView {
    fn from(a: &DbActor) -> Self {
        AccountView {
            id: a.id,
            handle: a.handle(),
            username: a.username.clone(),
            domain: a.domain.clone(),
            local: a.local,
            kind: a.kind.clone(),
            display_name: a.display_name.clone(),
            bio_html: a.summary.clone(),
            avatar_url: a.avatar_url.clone(),
            url: a.url.clone(),
            ap_id: a.ap_id.to_string(),
            locked: a.manually_approves_followers,
        }
    }
}

/// An account with how the current member follows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationshipView {
    pub account: AccountView,
    pub following: FollowState,
    pub followers_count: i64,
    pub following_count: i64,
}

/// A post.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    pub id: i64,
    pub ap_id: String,
    pub author: AccountView,
    /// Sanitised HTML.
    pub content_html: String,
    /// The text as written, for the author's own posts.
    pub text: Option<String>,
    pub language: Option<String>,
    pub visibility: String,
    pub in_reply_to: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    /// Likes and reposts, and whether the signed-in member did either.
    pub reactions: Reactions,
    /// In a home feed: the person followed who reposted it (when that is why it is there).
    pub reposted_by: Option<AccountView>,
}

impl PostView {
    pub fn new(post: &DbPost, author: &DbActor) -> PostView {
        PostView {
            id: post.id,
            ap_id: post.ap_id.to_string(),
            author: author.into(),
            content_html: post.content.clone(),
            text: post.source.clone(),
            language: post.language.clone(),
            visibility: post.visibility.clone(),
            in_reply_to: post.in_reply_to.clone(),
            published: post.published.and_utc(),
            updated: post.updated.map(|u| u.and_utc()),
            reactions: Reactions::default(),
            reposted_by: None,
        }
    }

    /// The post with its reactions (from [`crate::posts::reactions::of_posts`]).
    pub fn with(mut self, reactions: &std::collections::HashMap<i64, Reactions>) -> PostView {
        if let Some(r) = reactions.get(&self.id) {
            self.reactions = r.clone();
        }
        self
    }
}

/// `?before=<id>&limit=<n>` on lists that grow at the top.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Page {
    /// Only items older than this id.
    pub before: Option<i64>,
    /// At most this many items (1–100, default 20).
    pub limit: Option<i64>,
}

impl Page {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(20).clamp(1, 100)
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle API",
        description = "JSON API of a Passerelle instance. Authenticate with `Authorization: Bearer <token>`; `POST /api/v1/tokens` issues a token. Errors have the shape `ErrorBody`."
    ),
    paths(
        crate::accounts::api::register,
        crate::accounts::api::create_token,
        crate::accounts::api::revoke_token,
        crate::accounts::api::me,
        crate::accounts::api::delete_me,
        crate::accounts::api::archive,
        crate::accounts::api::change_password,
        crate::accounts::api::create_invitation,
        crate::profiles::api::update_profile,
        crate::profiles::api::get_draft,
        crate::profiles::api::put_draft,
        crate::profiles::api::add_entry,
        crate::profiles::api::edit_entry,
        crate::profiles::api::delete_entry,
        crate::profiles::api::publish,
        crate::profiles::api::preview,
        crate::profiles::api::export_resume,
        crate::profiles::api::import_resume,
        crate::profiles::api::account_profile,
        crate::profiles::api::browse,
        crate::profiles::api::lookup,
        crate::profiles::api::account,
        crate::organisations::api::create,
        crate::communities::api::list,
        crate::communities::api::create,
        crate::communities::api::lookup,
        crate::communities::api::show,
        crate::communities::api::update,
        crate::communities::api::join,
        crate::communities::api::leave,
        crate::communities::api::threads,
        crate::communities::api::create_thread,
        crate::communities::api::thread,
        crate::communities::api::reply,
        crate::communities::api::delete_post,
        crate::communities::api::moderate,
        crate::communities::api::members,
        crate::communities::api::decide,
        crate::communities::api::invite,
        crate::communities::api::stats,
        crate::jobs::api::post_to_community,
        crate::organisations::api::show,
        crate::organisations::api::list,
        crate::organisations::api::update,
        crate::organisations::api::set_role,
        crate::organisations::api::remove_member,
        crate::organisations::api::mine,
        crate::jobs::api::board,
        crate::jobs::api::create,
        crate::jobs::api::of_organisation,
        crate::jobs::api::show,
        crate::jobs::api::update,
        crate::jobs::api::delete,
        crate::jobs::api::publish,
        crate::jobs::api::close,
        crate::jobs::api::apply,
        crate::jobs::api::applications,
        crate::jobs::api::application,
        crate::jobs::api::answer,
        crate::jobs::api::my_applications,
        crate::follows::api::follow,
        crate::follows::api::unfollow,
        crate::follows::api::requests,
        crate::follows::api::accept,
        crate::follows::api::refuse,
        crate::follows::api::followers,
        crate::follows::api::following,
        crate::follows::api::block,
        crate::follows::api::unblock,
        crate::follows::api::blocks,
        crate::messages::api::list,
        crate::messages::api::start,
        crate::messages::api::show,
        crate::messages::api::reply,
        crate::messages::api::read,
        crate::messages::api::leave,
        crate::notifications::api::list,
        crate::notifications::api::unread,
        crate::notifications::api::read,
        crate::notifications::api::read_all,
        crate::notifications::api::settings,
        crate::notifications::api::save_settings,
        crate::posts::api::create,
        crate::posts::api::get_post,
        crate::posts::api::replies,
        crate::posts::api::edit,
        crate::posts::api::delete,
        crate::posts::api::like,
        crate::posts::api::unlike,
        crate::posts::api::repost,
        crate::posts::api::unrepost,
        crate::posts::api::home,
        crate::posts::api::by_account,
        crate::peering::api::list,
        crate::peering::api::set,
        crate::peering::api::remove,
        crate::peering::api::export,
        crate::peering::api::import,
        crate::peering::api::partners,
        crate::peering::api::list_partnerships,
        crate::peering::api::propose,
        crate::peering::api::decide,
        crate::peering::api::share_job_offers,
        crate::moderation::api::audit_log,
        crate::moderation::api::create_report,
        crate::moderation::api::queue,
        crate::moderation::api::resolve,
        crate::moderation::api::restricted_accounts,
        crate::moderation::api::account_standing,
        crate::moderation::api::moderate_account,
    ),
    components(schemas(ErrorBody, FieldError)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Every `/api/v1` route.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .merge(crate::accounts::api::routes())
        .merge(crate::profiles::api::routes())
        .merge(crate::organisations::api::routes())
        .merge(crate::communities::api::routes())
        .merge(crate::jobs::api::routes())
        .merge(crate::follows::api::routes())
        .merge(crate::posts::api::routes())
        .merge(crate::peering::api::routes())
        .merge(crate::moderation::api::routes())
        .merge(crate::messages::api::routes())
        .merge(crate::notifications::api::routes())
}
