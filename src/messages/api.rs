//! Direct messages in the JSON API (conversations, as in Mastodon's API).

use super::model::DbMessage;
use crate::{
    actors::{self, model::DbActor},
    api::{AccountView, ApiJson, ApiMember},
    error::{AppResult, ErrorBody},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::StatusCode,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/conversations", get(list).post(start))
        .route("/api/v1/conversations/{id}", get(show))
        .route("/api/v1/conversations/{id}/messages", post(reply))
        .route("/api/v1/conversations/{id}/read", post(read))
        .route("/api/v1/conversations/{id}/leave", post(leave))
}

/// One message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub ap_id: String,
    pub conversation_id: i64,
    pub author: AccountView,
    /// Sanitised HTML.
    pub content_html: String,
    /// The text as written, for one's own messages.
    pub text: Option<String>,
    pub published: DateTime<Utc>,
}

impl MessageView {
    pub fn new(m: &DbMessage, author: &DbActor) -> MessageView {
        MessageView {
            id: m.id,
            ap_id: m.ap_id.clone(),
            conversation_id: m.conversation_id,
            author: author.into(),
            content_html: m.content.clone(),
            text: m.source.clone(),
            published: m.published.and_utc(),
        }
    }
}

/// A conversation in the member's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: i64,
    /// The other people in the conversation.
    pub accounts: Vec<AccountView>,
    /// Messages from others not read yet.
    pub unread: i64,
    pub last_message: Option<MessageView>,
}

/// A conversation with its messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationDetailView {
    pub id: i64,
    pub accounts: Vec<AccountView>,
    pub messages: Vec<MessageView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewConversation {
    /// Account ids of the recipients (see `GET /api/v1/accounts/lookup`).
    pub to: Vec<i64>,
    /// Plain text.
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMessage {
    /// Plain text.
    pub text: String,
}

/// The signed-in member's conversations, most recent first.
#[utoipa::path(get, path = "/api/v1/conversations", security(("bearer" = [])),
    responses((status = 200, body = [ConversationView])))]
pub async fn list(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
) -> AppResult<Json<Vec<ConversationView>>> {
    let list = super::conversations(&data, m.actor.id).await?;
    Ok(Json(
        list.iter()
            .map(|c| ConversationView {
                id: c.id,
                accounts: c.people.iter().map(AccountView::from).collect(),
                unread: c.unread,
                last_message: c.last.as_ref().and_then(|l| {
                    let author = if l.author_id == m.actor.id {
                        &m.actor
                    } else {
                        c.people.iter().find(|p| p.id == l.author_id)?
                    };
                    Some(MessageView::new(l, author))
                }),
            })
            .collect(),
    ))
}

/// Write to one or several people, local or remote; the message lands in the conversation of
/// exactly these people. 403 when a recipient does not accept messages from the member.
#[utoipa::path(post, path = "/api/v1/conversations", request_body = NewConversation,
    security(("bearer" = [])),
    responses((status = 201, body = MessageView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    ApiJson(input): ApiJson<NewConversation>,
) -> AppResult<(StatusCode, Json<MessageView>)> {
    let mut recipients = vec![];
    for id in input.to.iter().take(super::MAX_RECIPIENTS + 1) {
        recipients.push(actors::by_id(&data, *id).await?);
    }
    let message = super::send(&data, m.actor.clone(), recipients, &input.text).await?;
    Ok((
        StatusCode::CREATED,
        Json(MessageView::new(&message, &m.actor)),
    ))
}

/// A conversation and its latest 200 messages (not marked read: see `/read`).
#[utoipa::path(get, path = "/api/v1/conversations/{id}", security(("bearer" = [])),
    responses((status = 200, body = ConversationDetailView), (status = 404, body = ErrorBody)))]
pub async fn show(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<Json<ConversationDetailView>> {
    let c = super::open(&data, m.actor.id, id, false).await?;
    Ok(Json(ConversationDetailView {
        id: c.id,
        accounts: c.people.iter().map(AccountView::from).collect(),
        messages: c
            .messages
            .iter()
            .map(|(msg, author)| MessageView::new(msg, author))
            .collect(),
    }))
}

/// Answer in a conversation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", request_body = NewMessage,
    security(("bearer" = [])),
    responses((status = 201, body = MessageView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reply(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NewMessage>,
) -> AppResult<(StatusCode, Json<MessageView>)> {
    let message = super::reply(&data, m.actor.clone(), id, &input.text).await?;
    Ok((
        StatusCode::CREATED,
        Json(MessageView::new(&message, &m.actor)),
    ))
}

/// Mark a conversation read.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::mark_read(&data, m.actor.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave a conversation: it leaves the list and its later messages are not shown, until the
/// member writes to the same people again.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/leave", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn leave(
    data: Data<AppState>,
    ApiMember(m): ApiMember,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    super::leave(&data, m.actor.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
