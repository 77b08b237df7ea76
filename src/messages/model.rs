//! Rows and queries of `conversations`, `conversation_members`, `messages` and
//! `message_recipients`.

use crate::db::{
    DbConn,
    schema::{conversation_members, conversations, message_recipients, messages},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub struct DbConversation {
    pub id: i64,
    pub participants: String,
    pub created_at: NaiveDateTime,
    pub last_message_at: NaiveDateTime,
}

impl DbConversation {
    /// The `actors.id` of everyone in the conversation.
    pub fn participant_ids(&self) -> Vec<i64> {
        self.participants
            .split(',')
            .filter_map(|p| p.parse().ok())
            .collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversation_members)]
pub struct DbMembership {
    pub id: i64,
    pub conversation_id: i64,
    pub actor_id: i64,
    pub last_read_message_id: i64,
    pub left_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct DbMessage {
    pub id: i64,
    pub ap_id: String,
    pub conversation_id: i64,
    pub author_id: i64,
    pub local: bool,
    pub content: String,
    pub source: Option<String>,
    pub in_reply_to: Option<String>,
    pub published: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage {
    pub ap_id: String,
    pub conversation_id: i64,
    pub author_id: i64,
    pub local: bool,
    pub content: String,
    pub source: Option<String>,
    pub in_reply_to: Option<String>,
    pub published: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// The key of a set of participants: their sorted ids, comma-separated.
pub fn participants_key(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The conversation of exactly these participants, created if needed.
pub fn conversation_for(
    conn: &mut DbConn,
    participants: &[i64],
    now: NaiveDateTime,
) -> QueryResult<DbConversation> {
    let key = participants_key(participants);
    let found = conversations::table
        .filter(conversations::participants.eq(&key))
        .select(DbConversation::as_select())
        .get_result(conn)
        .optional()?;
    if let Some(c) = found {
        return Ok(c);
    }
    let id: i64 = diesel::insert_into(conversations::table)
        .values((
            conversations::participants.eq(&key),
            conversations::created_at.eq(now),
            conversations::last_message_at.eq(now),
        ))
        .returning(conversations::id)
        .get_result(conn)?;
    conversation(conn, id).map(|c| c.expect("just inserted"))
}

pub fn conversation(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbConversation>> {
    conversations::table
        .find(id)
        .select(DbConversation::as_select())
        .get_result(conn)
        .optional()
}

pub fn touch_conversation(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(conversations::table.find(id))
        .set(conversations::last_message_at.eq(at))
        .execute(conn)
}

pub fn membership(
    conn: &mut DbConn,
    conversation_id: i64,
    actor_id: i64,
) -> QueryResult<Option<DbMembership>> {
    conversation_members::table
        .filter(conversation_members::conversation_id.eq(conversation_id))
        .filter(conversation_members::actor_id.eq(actor_id))
        .select(DbMembership::as_select())
        .get_result(conn)
        .optional()
}

/// Makes `actor_id` a member of the conversation (a member who had left is back).
pub fn join(conn: &mut DbConn, conversation_id: i64, actor_id: i64) -> QueryResult<()> {
    match membership(conn, conversation_id, actor_id)? {
        Some(m) => {
            diesel::update(conversation_members::table.find(m.id))
                .set(conversation_members::left_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(conversation_members::table)
                .values((
                    conversation_members::conversation_id.eq(conversation_id),
                    conversation_members::actor_id.eq(actor_id),
                    conversation_members::last_read_message_id.eq(0i64),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn leave(
    conn: &mut DbConn,
    conversation_id: i64,
    actor_id: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        conversation_members::table
            .filter(conversation_members::conversation_id.eq(conversation_id))
            .filter(conversation_members::actor_id.eq(actor_id)),
    )
    .set(conversation_members::left_at.eq(Some(at)))
    .execute(conn)
}

/// Marks the conversation read up to `message_id` for `actor_id`.
pub fn mark_read(
    conn: &mut DbConn,
    conversation_id: i64,
    actor_id: i64,
    message_id: i64,
) -> QueryResult<usize> {
    diesel::update(
        conversation_members::table
            .filter(conversation_members::conversation_id.eq(conversation_id))
            .filter(conversation_members::actor_id.eq(actor_id))
            .filter(conversation_members::last_read_message_id.lt(message_id)),
    )
    .set(conversation_members::last_read_message_id.eq(message_id))
    .execute(conn)
}

/// The conversations `actor_id` is in (not left), most recent first.
pub fn conversations_of(
    conn: &mut DbConn,
    actor_id: i64,
    limit: i64,
) -> QueryResult<Vec<(DbConversation, DbMembership)>> {
    conversations::table
        .inner_join(conversation_members::table)
        .filter(conversation_members::actor_id.eq(actor_id))
        .filter(conversation_members::left_at.is_null())
        .order(conversations::last_message_at.desc())
        .limit(limit)
        .select((DbConversation::as_select(), DbMembership::as_select()))
        .load(conn)
}

/// Messages of a conversation by others than `actor_id`, after `after`.
pub fn unread_in(
    conn: &mut DbConn,
    conversation_id: i64,
    actor_id: i64,
    after: i64,
) -> QueryResult<i64> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::author_id.ne(actor_id))
        .filter(messages::id.gt(after))
        .count()
        .get_result(conn)
}

/// Unread messages of `actor_id` in all the conversations they are in.
pub fn unread_total(conn: &mut DbConn, actor_id: i64) -> QueryResult<i64> {
    messages::table
        .inner_join(
            conversation_members::table
                .on(conversation_members::conversation_id.eq(messages::conversation_id)),
        )
        .filter(conversation_members::actor_id.eq(actor_id))
        .filter(conversation_members::left_at.is_null())
        .filter(messages::author_id.ne(actor_id))
        .filter(messages::id.gt(conversation_members::last_read_message_id))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut DbConn, row: &NewMessage, recipients: &[i64]) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(messages::table)
        .values(row)
        .returning(messages::id)
        .get_result(conn)?;
    for r in recipients {
        diesel::insert_into(message_recipients::table)
            .values((
                message_recipients::message_id.eq(id),
                message_recipients::actor_id.eq(*r),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbMessage>> {
    messages::table
        .filter(messages::ap_id.eq(ap_id))
        .select(DbMessage::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbMessage>> {
    messages::table
        .find(id)
        .select(DbMessage::as_select())
        .get_result(conn)
        .optional()
}

/// The `actors.id` a message was addressed to.
pub fn recipients(conn: &mut DbConn, message_id: i64) -> QueryResult<Vec<i64>> {
    message_recipients::table
        .filter(message_recipients::message_id.eq(message_id))
        .select(message_recipients::actor_id)
        .load(conn)
}

/// The messages of a conversation, oldest first (the latest `limit`).
pub fn in_conversation(
    conn: &mut DbConn,
    conversation_id: i64,
    limit: i64,
) -> QueryResult<Vec<DbMessage>> {
    let mut rows: Vec<DbMessage> = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order(messages::id.desc())
        .limit(limit)
        .select(DbMessage::as_select())
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// The newest message of a conversation.
pub fn last(conn: &mut DbConn, conversation_id: i64) -> QueryResult<Option<DbMessage>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order(messages::id.desc())
        .select(DbMessage::as_select())
        .first(conn)
        .optional()
}

/// Replaces the (sanitised) content of a received message its author edited.
pub fn set_content(conn: &mut DbConn, id: i64, content: &str) -> QueryResult<usize> {
    diesel::update(messages::table.find(id))
        .set(messages::content.eq(content))
        .execute(conn)
}

/// Deletes a message its author deleted.
pub fn erase(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(messages::table.find(id)).execute(conn)
}

/// Deletes every message written by `actor_id` (their account was closed or deleted).
pub fn delete_all_by(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::delete(messages::table.filter(messages::author_id.eq(actor_id))).execute(conn)
}

/// The inboxes of the remote people `actor_id` has conversations with (told when the actor is
/// deleted, so that they erase its messages).
pub fn correspondent_inboxes(conn: &mut DbConn, actor_id: i64) -> QueryResult<Vec<String>> {
    use crate::db::schema::actors;
    let conversations: Vec<String> = conversations::table
        .inner_join(conversation_members::table)
        .filter(conversation_members::actor_id.eq(actor_id))
        .select(conversations::participants)
        .load(conn)?;
    let ids: Vec<i64> = conversations
        .iter()
        .flat_map(|p| p.split(',').filter_map(|id| id.parse::<i64>().ok()))
        .filter(|id| *id != actor_id)
        .collect();
    actors::table
        .filter(actors::id.eq_any(ids))
        .filter(actors::local.eq(false))
        .select(actors::inbox_url)
        .distinct()
        .load(conn)
}

/// Everything a member's data archive holds about their conversations: for each (newest
/// first), the other participants' actor ids and the messages.
pub fn archive_of(
    conn: &mut DbConn,
    actor_id: i64,
) -> QueryResult<Vec<(DbConversation, Vec<DbMessage>)>> {
    let rows: Vec<DbConversation> = conversations::table
        .inner_join(conversation_members::table)
        .filter(conversation_members::actor_id.eq(actor_id))
        .order(conversations::last_message_at.desc())
        .select(DbConversation::as_select())
        .load(conn)?;
    let mut out = vec![];
    for c in rows {
        let messages = messages::table
            .filter(messages::conversation_id.eq(c.id))
            .order(messages::id.asc())
            .select(DbMessage::as_select())
            .load(conn)?;
        out.push((c, messages));
    }
    Ok(out)
}
