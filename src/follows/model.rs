//! Rows and queries of the `follows` table.

use crate::{
    actors::model::DbActor,
    db::{
        DbConn, now,
        schema::{actors, follows},
    },
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const PENDING: &str = "pending";
pub const ACCEPTED: &str = "accepted";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follows)]
pub struct DbFollow {
    pub id: i64,
    pub follower_id: i64,
    pub followed_id: i64,
    pub state: String,
    pub ap_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, follower: i64, followed: i64) -> QueryResult<Option<DbFollow>> {
    follows::table
        .filter(follows::follower_id.eq(follower))
        .filter(follows::followed_id.eq(followed))
        .select(DbFollow::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbFollow>> {
    follows::table
        .filter(follows::ap_id.eq(ap_id))
        .select(DbFollow::as_select())
        .get_result(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConn,
    follower: i64,
    followed: i64,
    state: &str,
    ap_id: Option<&str>,
) -> QueryResult<DbFollow> {
    let now = now();
    diesel::insert_into(follows::table)
        .values((
            follows::follower_id.eq(follower),
            follows::followed_id.eq(followed),
            follows::state.eq(state),
            follows::ap_id.eq(ap_id),
            follows::created_at.eq(now),
            follows::updated_at.eq(now),
        ))
        .returning(follows::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            follows::table
                .find(id)
                .select(DbFollow::as_select())
                .get_result(conn)
        })
}

pub fn set_state(conn: &mut DbConn, id: i64, state: &str) -> QueryResult<usize> {
    diesel::update(follows::table.find(id))
        .set((follows::state.eq(state), follows::updated_at.eq(now())))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(follows::table.find(id)).execute(conn)
}

/// Removes every follow from or to an actor (when the actor is deleted).
pub fn delete_all_of(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::delete(
        follows::table.filter(
            follows::follower_id
                .eq(actor_id)
                .or(follows::followed_id.eq(actor_id)),
        ),
    )
    .execute(conn)
}

/// Actors following `actor_id` in the given state, newest first.
pub fn followers(
    conn: &mut DbConn,
    actor_id: i64,
    state: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<DbActor>> {
    follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
        .filter(follows::followed_id.eq(actor_id))
        .filter(follows::state.eq(state))
        .filter(actors::deleted_at.is_null())
        .order(follows::id.desc())
        .offset(offset)
        .limit(limit)
        .select(DbActor::as_select())
        .load(conn)
}

/// Actors `actor_id` follows (accepted), newest first.
pub fn following(
    conn: &mut DbConn,
    actor_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<DbActor>> {
    follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::followed_id)))
        .filter(follows::follower_id.eq(actor_id))
        .filter(follows::state.eq(ACCEPTED))
        .filter(actors::deleted_at.is_null())
        .order(follows::id.desc())
        .offset(offset)
        .limit(limit)
        .select(DbActor::as_select())
        .load(conn)
}

pub fn count_followers(conn: &mut DbConn, actor_id: i64) -> QueryResult<i64> {
    follows::table
        .filter(follows::followed_id.eq(actor_id))
        .filter(follows::state.eq(ACCEPTED))
        .count()
        .get_result(conn)
}

pub fn count_following(conn: &mut DbConn, actor_id: i64) -> QueryResult<i64> {
    follows::table
        .filter(follows::follower_id.eq(actor_id))
        .filter(follows::state.eq(ACCEPTED))
        .count()
        .get_result(conn)
}

/// Inboxes of an actor's remote accepted followers, one per server when it has a shared inbox.
pub fn follower_inboxes(conn: &mut DbConn, actor_id: i64) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
        .filter(follows::followed_id.eq(actor_id))
        .filter(follows::state.eq(ACCEPTED))
        .filter(actors::local.eq(false))
        .filter(actors::deleted_at.is_null())
        .select((actors::inbox_url, actors::shared_inbox_url))
        .load(conn)?;
    let mut inboxes: Vec<String> = rows.into_iter().map(|(i, s)| s.unwrap_or(i)).collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// The inboxes (shared when they have one) of remote actors `actor_id` follows or asked to
/// follow: the other servers that know them as a follower.
pub fn following_inboxes(conn: &mut DbConn, actor_id: i64) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::followed_id)))
        .filter(follows::follower_id.eq(actor_id))
        .filter(actors::local.eq(false))
        .filter(actors::deleted_at.is_null())
        .select((actors::inbox_url, actors::shared_inbox_url))
        .load(conn)?;
    let mut inboxes: Vec<String> = rows.into_iter().map(|(i, s)| s.unwrap_or(i)).collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// Which of the actors `ids` `follower` follows (accepted).
pub fn followed_among(conn: &mut DbConn, follower: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    follows::table
        .filter(follows::follower_id.eq(follower))
        .filter(follows::followed_id.eq_any(ids))
        .filter(follows::state.eq(ACCEPTED))
        .select(follows::followed_id)
        .load(conn)
}

/// Whether any local actor follows `actor_id` (accepted): is their content wanted here?
pub fn has_local_follower(conn: &mut DbConn, actor_id: i64) -> QueryResult<bool> {
    crate::native!(conn, |c| diesel::select(diesel::dsl::exists(
        follows::table
            .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
            .filter(follows::followed_id.eq(actor_id))
            .filter(follows::state.eq(ACCEPTED))
            .filter(actors::local.eq(true)),
    ))
    .get_result(c))
}

/// Whether a local actor follows `actor_id` or asked to.
pub fn has_local_follower_or_request(conn: &mut DbConn, actor_id: i64) -> QueryResult<bool> {
    crate::native!(conn, |c| diesel::select(diesel::dsl::exists(
        follows::table
            .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
            .filter(follows::followed_id.eq(actor_id))
            .filter(actors::local.eq(true)),
    ))
    .get_result(c))
}

/// Records the id of the latest Follow activity for a follow (a re-sent Follow has a new id).
pub fn set_ap_id(conn: &mut DbConn, id: i64, ap_id: &str) -> QueryResult<usize> {
    diesel::update(follows::table.find(id))
        .set(follows::ap_id.eq(ap_id))
        .execute(conn)
}

/// Whether an actor of server `domain` follows `actor_id` (accepted).
pub fn has_follower_on(conn: &mut DbConn, actor_id: i64, domain: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        follows::table
            .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
            .filter(follows::followed_id.eq(actor_id))
            .filter(follows::state.eq(ACCEPTED))
            .filter(actors::domain.eq(domain)),
    ))
    .get_result(conn)
}

/// Whether `blocker` blocks `blocked`.
pub fn blocks(conn: &mut DbConn, blocker: i64, blocked: i64) -> QueryResult<bool> {
    use crate::db::schema::blocks;
    diesel::select(diesel::dsl::exists(
        blocks::table
            .filter(blocks::blocker_id.eq(blocker))
            .filter(blocks::blocked_id.eq(blocked)),
    ))
    .get_result(conn)
}

/// Which of the actors `ids` `blocker` blocks.
pub fn blocked_among(conn: &mut DbConn, blocker: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    use crate::db::schema::blocks;
    blocks::table
        .filter(blocks::blocker_id.eq(blocker))
        .filter(blocks::blocked_id.eq_any(ids))
        .select(blocks::blocked_id)
        .load(conn)
}

/// Records that `blocker` blocks `blocked` (once); returns whether it is new.
pub fn insert_block(
    conn: &mut DbConn,
    blocker: i64,
    blocked: i64,
    ap_id: Option<&str>,
) -> QueryResult<bool> {
    use crate::db::schema::blocks;
    if blocks(conn, blocker, blocked)? {
        return Ok(false);
    }
    diesel::insert_into(blocks::table)
        .values((
            blocks::blocker_id.eq(blocker),
            blocks::blocked_id.eq(blocked),
            blocks::ap_id.eq(ap_id),
            blocks::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The Block activity id of a block we sent, if any.
pub fn block_ap_id(conn: &mut DbConn, blocker: i64, blocked: i64) -> QueryResult<Option<String>> {
    use crate::db::schema::blocks;
    Ok(blocks::table
        .filter(blocks::blocker_id.eq(blocker))
        .filter(blocks::blocked_id.eq(blocked))
        .select(blocks::ap_id)
        .get_result::<Option<String>>(conn)
        .optional()?
        .flatten())
}

pub fn delete_block(conn: &mut DbConn, blocker: i64, blocked: i64) -> QueryResult<usize> {
    use crate::db::schema::blocks;
    diesel::delete(
        blocks::table
            .filter(blocks::blocker_id.eq(blocker))
            .filter(blocks::blocked_id.eq(blocked)),
    )
    .execute(conn)
}

/// The actors `blocker` blocks, newest first.
pub fn blocked_by(conn: &mut DbConn, blocker: i64) -> QueryResult<Vec<DbActor>> {
    use crate::db::schema::blocks;
    blocks::table
        .inner_join(actors::table.on(actors::id.eq(blocks::blocked_id)))
        .filter(blocks::blocker_id.eq(blocker))
        .order(blocks::id.desc())
        .select(DbActor::as_select())
        .load(conn)
}

/// Forgets the blocks `actor_id` made (their account is closed).
pub fn delete_blocks_of(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    use crate::db::schema::blocks;
    diesel::delete(blocks::table.filter(blocks::blocker_id.eq(actor_id))).execute(conn)
}
