//! Direct messages: private `Note`s addressed only to their recipients (as Mastodon's direct
//! messages are), grouped in conversations with read state; members may leave a conversation,
//! refuse messages from people they do not follow, and block people (see
//! [`crate::follows::blocks`]).
//!
//! A message is never addressed to a collection (followers, public): the Note's `to` lists the
//! recipients, `cc` is empty, and each recipient has a `Mention` tag. It is delivered to the
//! recipients' own inboxes, and its id answers only the author, the recipients and their
//! servers (see [`federation::note_document`]).

pub mod api;
pub mod federation;
pub mod model;
pub mod web;

use crate::{
    actors::model::DbActor,
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::{
        activities::create::Create,
        delivery,
        outbox::{self, new_id},
    },
    follows, html, notifications,
    posts::federation::NoteJson,
    state::AppState,
};
use diesel::prelude::*;
use model::{DbConversation, DbMessage, NewMessage};

/// Longest message a member may write, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5000;
/// Most people one message may be addressed to.
pub const MAX_RECIPIENTS: usize = 20;

/// The web path of a conversation, used as the object of `message` notifications.
pub fn conversation_path(id: i64) -> String {
    format!("/messages/{id}")
}

fn validate_text(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "text",
            "empty",
            "Write something before sending.",
        ));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::invalid(
            "text",
            "too_long",
            format!("A message can have at most {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    Ok(text.to_string())
}

/// Whether the local member `recipient` refuses messages from `author` because they do not
/// follow them.
fn refuses_unfollowed(conn: &mut DbConn, recipient: &DbActor, author: &DbActor) -> AppResult<bool> {
    use crate::db::schema::accounts;
    let followed_only: Option<bool> = accounts::table
        .filter(accounts::actor_id.eq(recipient.id))
        .select(accounts::messages_from_followed_only)
        .get_result(conn)
        .optional()?;
    Ok(followed_only == Some(true)
        && follows::state_between(conn, recipient.id, author.id)? != follows::FollowState::Accepted)
}

/// Why `author` may not write to `recipient`, if they may not.
fn check_recipient(conn: &mut DbConn, author: &DbActor, recipient: &DbActor) -> AppResult<()> {
    let handle = recipient.handle();
    if recipient.id == author.id {
        return Err(AppError::invalid(
            "to",
            "self",
            "You cannot write to yourself.",
        ));
    }
    if recipient.deleted_at.is_some()
        || matches!(
            recipient.kind.as_str(),
            "application" | "organization" | "group"
        )
    {
        return Err(AppError::invalid(
            "to",
            "not_a_person",
            format!("@{handle} cannot receive messages."),
        ));
    }
    if follows::model::blocks(conn, author.id, recipient.id)? {
        return Err(AppError::Forbidden(format!(
            "You blocked @{handle}: unblock them to write to them."
        )));
    }
    if follows::model::blocks(conn, recipient.id, author.id)? {
        return Err(AppError::Forbidden(format!(
            "@{handle} does not accept messages from you."
        )));
    }
    if recipient.local && refuses_unfollowed(conn, recipient, author)? {
        return Err(AppError::Forbidden(format!(
            "@{handle} only accepts messages from people they follow."
        )));
    }
    Ok(())
}

/// Adds a local recipient to the conversation and tells them, unless they left it.
fn deliver_locally(
    conn: &mut DbConn,
    conversation: &DbConversation,
    recipient: &DbActor,
    author: &DbActor,
) -> AppResult<()> {
    if model::membership(conn, conversation.id, recipient.id)?.is_some_and(|m| m.left_at.is_some())
    {
        return Ok(());
    }
    model::join(conn, conversation.id, recipient.id)?;
    notifications::notify_actor(
        conn,
        recipient.id,
        notifications::MESSAGE,
        Some(author.id),
        Some(&conversation_path(conversation.id)),
    )
}

/// Writes a message from `author` to `recipients` in one transaction: stored, the local
/// recipients told, the `Create` queued for the remote ones.
fn write(
    conn: &mut DbConn,
    s: &AppState,
    author: &DbActor,
    recipients: &[DbActor],
    text: &str,
) -> AppResult<DbMessage> {
    if recipients.is_empty() {
        return Err(AppError::invalid(
            "to",
            "empty",
            "Choose at least one person to write to.",
        ));
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(AppError::invalid(
            "to",
            "too_many",
            format!("A message can go to at most {MAX_RECIPIENTS} people."),
        ));
    }
    for r in recipients {
        check_recipient(conn, author, r)?;
    }
    let now = now();
    let mut ids: Vec<i64> = recipients.iter().map(|r| r.id).collect();
    ids.push(author.id);
    let conversation = model::conversation_for(conn, &ids, now)?;
    let previous = model::last(conn, conversation.id)?;
    let ap_id = new_id(&s.base_url, "direct");
    let id = model::insert(
        conn,
        &NewMessage {
            ap_id: ap_id.to_string(),
            conversation_id: conversation.id,
            author_id: author.id,
            local: true,
            content: html::plain_text_to_html(text),
            source: Some(text.to_string()),
            in_reply_to: previous.map(|m| m.ap_id),
            published: now,
            created_at: now,
        },
        &recipients.iter().map(|r| r.id).collect::<Vec<_>>(),
    )?;
    model::touch_conversation(conn, conversation.id, now)?;
    model::join(conn, conversation.id, author.id)?;
    model::mark_read(conn, conversation.id, author.id, id)?;
    for r in recipients.iter().filter(|r| r.local) {
        deliver_locally(conn, &conversation, r, author)?;
    }
    let message = model::by_id(conn, id)?.ok_or_else(|| AppError::not_found("message"))?;
    let note = federation::note(&message, author, recipients)?;
    let create = Create::new(crate::posts::federation::create_id(&note.id), author, note);
    let inboxes: Vec<String> = recipients
        .iter()
        .filter(|r| !r.local)
        .map(|r| r.inbox_url.clone())
        .collect();
    if !inboxes.is_empty() {
        outbox::enqueue(conn, &s.domain, author, &create, inboxes)?;
    }
    Ok(message)
}

/// A member writes to `recipients` (local or remote): the message goes to the conversation of
/// exactly these people, started if needed.
pub async fn send(
    state: &AppState,
    author: DbActor,
    recipients: Vec<DbActor>,
    text: &str,
) -> AppResult<DbMessage> {
    let text = validate_text(text)?;
    state.limits.check_post(author.id)?;
    let s = state.clone();
    let message = state
        .db
        .write(move |conn| write(conn, &s, &author, &recipients, &text))
        .await?;
    delivery::wake(state);
    Ok(message)
}

/// A member answers in one of their conversations (404 if it is not theirs or they left it).
pub async fn reply(
    state: &AppState,
    author: DbActor,
    conversation_id: i64,
    text: &str,
) -> AppResult<DbMessage> {
    let text = validate_text(text)?;
    state.limits.check_post(author.id)?;
    let s = state.clone();
    let message = state
        .db
        .write(move |conn| {
            let conversation = own_conversation(conn, author.id, conversation_id)?;
            let recipients = participants(conn, &conversation, author.id)?;
            write(conn, &s, &author, &recipients, &text)
        })
        .await?;
    delivery::wake(state);
    Ok(message)
}

/// A conversation the member is in and has not left; 404 otherwise.
fn own_conversation(
    conn: &mut DbConn,
    actor_id: i64,
    conversation_id: i64,
) -> AppResult<DbConversation> {
    let member = model::membership(conn, conversation_id, actor_id)?;
    if member.is_none_or(|m| m.left_at.is_some()) {
        return Err(AppError::not_found("conversation"));
    }
    model::conversation(conn, conversation_id)?.ok_or_else(|| AppError::not_found("conversation"))
}

/// The people of a conversation other than `me`.
fn participants(
    conn: &mut DbConn,
    conversation: &DbConversation,
    me: i64,
) -> AppResult<Vec<DbActor>> {
    use crate::db::schema::actors;
    let ids: Vec<i64> = conversation
        .participant_ids()
        .into_iter()
        .filter(|id| *id != me)
        .collect();
    Ok(actors::table
        .filter(actors::id.eq_any(ids))
        .order(actors::id.asc())
        .select(DbActor::as_select())
        .load(conn)?)
}

/// A conversation in a member's list.
pub struct ConversationSummary {
    pub id: i64,
    /// Everyone but the member.
    pub people: Vec<DbActor>,
    pub last: Option<DbMessage>,
    pub unread: i64,
}

/// The member's conversations (not left), most recent first.
pub async fn conversations(state: &AppState, me: i64) -> AppResult<Vec<ConversationSummary>> {
    state
        .db
        .read(move |c| {
            let rows = model::conversations_of(c, me, 100)?;
            let mut out = Vec::with_capacity(rows.len());
            for (conversation, member) in rows {
                out.push(ConversationSummary {
                    id: conversation.id,
                    people: participants(c, &conversation, me)?,
                    last: model::last(c, conversation.id)?,
                    unread: model::unread_in(c, conversation.id, me, member.last_read_message_id)?,
                });
            }
            Ok(out)
        })
        .await
}

/// A conversation opened by a member.
pub struct Conversation {
    pub id: i64,
    pub people: Vec<DbActor>,
    /// Oldest first, with their authors.
    pub messages: Vec<(DbMessage, DbActor)>,
}

/// Opens one of the member's conversations (its latest 200 messages); `mark_read` marks them
/// read.
pub async fn open(
    state: &AppState,
    me: i64,
    conversation_id: i64,
    mark_read: bool,
) -> AppResult<Conversation> {
    let load = move |c: &mut DbConn| -> AppResult<Conversation> {
        use crate::db::schema::actors;
        let conversation = own_conversation(c, me, conversation_id)?;
        let people = participants(c, &conversation, me)?;
        let messages = model::in_conversation(c, conversation.id, 200)?;
        let authors: Vec<DbActor> = actors::table
            .filter(actors::id.eq_any(conversation.participant_ids()))
            .select(DbActor::as_select())
            .load(c)?;
        if mark_read && let Some(last) = messages.last() {
            model::mark_read(c, conversation.id, me, last.id)?;
        }
        Ok(Conversation {
            id: conversation.id,
            people,
            messages: messages
                .into_iter()
                .filter_map(|m| {
                    let author = authors.iter().find(|a| a.id == m.author_id)?.clone();
                    Some((m, author))
                })
                .collect(),
        })
    };
    if mark_read {
        state.db.write(load).await
    } else {
        state.db.read(load).await
    }
}

/// Marks a conversation read up to its newest message.
pub async fn mark_read(state: &AppState, me: i64, conversation_id: i64) -> AppResult<()> {
    open(state, me, conversation_id, true).await.map(|_| ())
}

/// The member leaves a conversation: it leaves their list, and its later messages are not
/// shown to them, until they write to the same people again.
pub async fn leave(state: &AppState, me: i64, conversation_id: i64) -> AppResult<()> {
    state
        .db
        .write(move |c| {
            own_conversation(c, me, conversation_id)?;
            model::leave(c, conversation_id, me, now())?;
            Ok(())
        })
        .await
}

/// Stores a received direct Note (inside the inbox's transaction) if at least one of its local
/// recipients accepts it: not blocking the author, and not refusing people they do not follow.
/// `addressed` are the actors it is addressed to (`to`, `cc`, mentions), already known here.
/// Returns whether it was stored.
pub fn receive_create(
    conn: &mut DbConn,
    author: &DbActor,
    note: &NoteJson,
    addressed: &[DbActor],
) -> AppResult<bool> {
    if model::by_ap_id(conn, note.id.as_str())?.is_some() {
        return Ok(false);
    }
    let mut accepting = vec![];
    for r in addressed.iter().filter(|r| r.local && r.kind == "person") {
        if !follows::model::blocks(conn, r.id, author.id)? && !refuses_unfollowed(conn, r, author)?
        {
            accepting.push(r);
        }
    }
    if accepting.is_empty() {
        return Ok(false);
    }
    let (content, _) = note.content_and_language();
    if content.len() > crate::posts::federation::MAX_REMOTE_CONTENT {
        return Err(AppError::BadRequest("the message is too long".into()));
    }
    let now = now();
    let mut ids: Vec<i64> = addressed.iter().map(|a| a.id).collect();
    ids.push(author.id);
    let conversation = model::conversation_for(conn, &ids, now)?;
    model::insert(
        conn,
        &NewMessage {
            ap_id: note.id.to_string(),
            conversation_id: conversation.id,
            author_id: author.id,
            local: false,
            content: html::sanitize(&content),
            source: None,
            in_reply_to: note.in_reply_to.as_ref().map(|u| u.to_string()),
            published: note
                .published
                .map(|p| p.naive_utc())
                .unwrap_or(now)
                .min(now),
            created_at: now,
        },
        &addressed.iter().map(|a| a.id).collect::<Vec<_>>(),
    )?;
    model::touch_conversation(conn, conversation.id, now)?;
    for r in accepting {
        deliver_locally(conn, &conversation, r, author)?;
    }
    Ok(true)
}

/// A received edit of a message (Mastodon lets people edit their direct messages): the text
/// of a message we have is replaced; messages we do not have are ignored (an edit is not a
/// way to deliver one).
pub fn receive_update(conn: &mut DbConn, author: &DbActor, note: &NoteJson) -> AppResult<()> {
    match model::by_ap_id(conn, note.id.as_str())? {
        Some(m) if m.author_id == author.id => {
            let (content, _) = note.content_and_language();
            if content.len() > crate::posts::federation::MAX_REMOTE_CONTENT {
                return Err(AppError::BadRequest("the message is too long".into()));
            }
            model::set_content(conn, m.id, &html::sanitize(&content))?;
            Ok(())
        }
        Some(_) => Err(AppError::Forbidden(
            "only the author can edit a message".into(),
        )),
        None => Ok(()),
    }
}

/// A received `Delete` of a message by its author; returns whether it named a message.
pub fn receive_delete(conn: &mut DbConn, author: &DbActor, id: &url::Url) -> AppResult<bool> {
    match model::by_ap_id(conn, id.as_str())? {
        Some(m) if m.author_id == author.id => {
            model::erase(conn, m.id)?;
            Ok(true)
        }
        Some(_) => Err(AppError::Forbidden(
            "only the author can delete a message".into(),
        )),
        None => Ok(false),
    }
}

/// Field errors for an unknown recipient, shared by the API and the web form.
pub fn unknown_recipient(handle: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "to",
        "unknown",
        format!("No one was found for {handle}."),
    )])
}
