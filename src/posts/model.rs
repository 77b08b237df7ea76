//! Rows and queries of the `posts` table.

use crate::{
    actors::model::DbActor,
    db::{
        DbConn,
        schema::{actors, follows, post_reactions, posts},
    },
    federation::ApUrl,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct DbPost {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub ap_id: ApUrl,
    pub author_id: i64,
    pub local: bool,
    pub content: String,
    pub source: Option<String>,
    pub language: Option<String>,
    pub visibility: String,
    pub in_reply_to: Option<String>,
    pub url: Option<String>,
    pub published: NaiveDateTime,
    pub updated: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost {
    pub ap_id: String,
    pub author_id: i64,
    pub local: bool,
    pub content: String,
    pub source: Option<String>,
    pub language: Option<String>,
    pub visibility: String,
    pub in_reply_to: Option<String>,
    pub url: Option<String>,
    pub published: NaiveDateTime,
    pub updated: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbPost>> {
    posts::table
        .find(id)
        .select(DbPost::as_select())
        .get_result(conn)
        .optional()
}

pub fn fetch(conn: &mut DbConn, id: i64) -> QueryResult<DbPost> {
    posts::table
        .find(id)
        .select(DbPost::as_select())
        .get_result(conn)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbPost>> {
    crate::native!(conn, |c| posts::table
        .filter(posts::ap_id.eq(ap_id))
        .select(DbPost::as_select())
        .get_result(c)
        .optional())
}

/// Inserts a post and returns its id.
pub fn insert(conn: &mut DbConn, post: &NewPost) -> QueryResult<i64> {
    crate::native!(conn, |c| diesel::insert_into(posts::table)
        .values(post)
        .returning(posts::id)
        .get_result::<i64>(c))
}

pub fn update_content(
    conn: &mut DbConn,
    id: i64,
    content: &str,
    source: Option<&str>,
    language: Option<&str>,
    updated: NaiveDateTime,
) -> QueryResult<DbPost> {
    diesel::update(posts::table.find(id))
        .set((
            posts::content.eq(content),
            posts::source.eq(source),
            posts::language.eq(language),
            posts::updated.eq(Some(updated)),
        ))
        .returning(posts::id)
        .get_result::<i64>(conn)
        .and_then(|id| fetch(conn, id))
}

/// Keeps the row as a tombstone (so the id answers 410 Gone) and forgets the content.
pub fn mark_deleted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(posts::table.find(id))
        .set((
            posts::deleted_at.eq(Some(at)),
            posts::content.eq(""),
            posts::source.eq(None::<String>),
        ))
        .execute(conn)
}

/// Tombstones every post of an actor (the actor was deleted).
pub fn mark_all_deleted(
    conn: &mut DbConn,
    author_id: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(posts::table.filter(posts::author_id.eq(author_id)))
        .set((
            posts::deleted_at.eq(Some(at)),
            posts::content.eq(""),
            posts::source.eq(None::<String>),
        ))
        .execute(conn)
}

/// Posts of the people `viewer` follows (accepted) and their own, and the posts those people
/// (or the viewer) reposted, newest first. Followers-only posts are included because following
/// is what makes them visible (reposts are of public posts only).
pub fn home_feed(
    conn: &mut DbConn,
    viewer: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(DbPost, DbActor)>> {
    let followed = follows::table
        .filter(follows::follower_id.eq(viewer))
        .filter(follows::state.eq(crate::follows::model::ACCEPTED))
        .select(follows::followed_id);
    let reposted = post_reactions::table
        .filter(post_reactions::kind.eq(super::reactions::REPOST))
        .filter(
            post_reactions::actor_id
                .eq(viewer)
                .or(post_reactions::actor_id.eq_any(
                    follows::table
                        .filter(follows::follower_id.eq(viewer))
                        .filter(follows::state.eq(crate::follows::model::ACCEPTED))
                        .select(follows::followed_id),
                )),
        )
        .select(post_reactions::post_id);
    let mut q = posts::table
        .inner_join(actors::table)
        .filter(posts::deleted_at.is_null())
        .filter(posts::visibility.ne("direct"))
        .filter(
            posts::author_id
                .eq(viewer)
                .or(posts::author_id.eq_any(followed))
                .or(posts::id.eq_any(reposted)),
        )
        .order(posts::id.desc())
        .limit(limit)
        .select((DbPost::as_select(), DbActor::as_select()))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(posts::id.lt(b));
    }
    q.load(conn)
}

/// An author's posts with the given visibilities, newest first.
pub fn by_author(
    conn: &mut DbConn,
    author: i64,
    visibilities: &[&str],
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DbPost>> {
    let mut q = posts::table
        .filter(posts::author_id.eq(author))
        .filter(posts::deleted_at.is_null())
        .filter(
            posts::visibility.eq_any(
                visibilities
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>(),
            ),
        )
        .order(posts::id.desc())
        .limit(limit)
        .select(DbPost::as_select())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(posts::id.lt(b));
    }
    q.load(conn)
}

pub fn count_by_author(conn: &mut DbConn, author: i64, visibilities: &[&str]) -> QueryResult<i64> {
    posts::table
        .filter(posts::author_id.eq(author))
        .filter(posts::deleted_at.is_null())
        .filter(
            posts::visibility.eq_any(
                visibilities
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>(),
            ),
        )
        .count()
        .get_result(conn)
}

pub fn count_local(conn: &mut DbConn) -> QueryResult<i64> {
    posts::table
        .filter(posts::local.eq(true))
        .filter(posts::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// When each local post written since `since` was published.
pub fn local_published_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    posts::table
        .filter(posts::local.eq(true))
        .filter(posts::published.ge(since))
        .select(posts::published)
        .load(conn)
}

/// The author of the post with this ActivityPub id, if we have the post (the person a reply
/// answers).
pub fn author_of(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbActor>> {
    posts::table
        .inner_join(actors::table)
        .filter(posts::ap_id.eq(ap_id))
        .select(DbActor::as_select())
        .get_result(conn)
        .optional()
}

/// The posts we have among `ap_ids`, with their authors (the posts that replies answer).
pub fn with_authors_by_ap_ids(
    conn: &mut DbConn,
    ap_ids: &[String],
) -> QueryResult<Vec<(DbPost, DbActor)>> {
    if ap_ids.is_empty() {
        return Ok(vec![]);
    }
    posts::table
        .inner_join(actors::table)
        .filter(posts::ap_id.eq_any(ap_ids))
        .select((DbPost::as_select(), DbActor::as_select()))
        .load(conn)
}

/// The replies to a post that are not deleted, oldest first, with their authors (at most
/// `limit`; the caller keeps those the viewer may read).
pub fn replies_to(
    conn: &mut DbConn,
    ap_id: &str,
    limit: i64,
) -> QueryResult<Vec<(DbPost, DbActor)>> {
    posts::table
        .inner_join(actors::table)
        .filter(posts::in_reply_to.eq(ap_id))
        .filter(posts::deleted_at.is_null())
        .order(posts::id.asc())
        .limit(limit)
        .select((DbPost::as_select(), DbActor::as_select()))
        .load(conn)
}

/// How many replies anyone may read each of the posts `ids` has, without those of people
/// `viewer` blocks.
pub fn public_reply_counts(
    conn: &mut DbConn,
    ids: &[i64],
    viewer: Option<i64>,
) -> QueryResult<Vec<(i64, i64)>> {
    use crate::db::schema::blocks;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let parents = diesel::alias!(posts as parents);
    // ids start at 1: without a viewer, nobody is left out
    let blocked = blocks::table
        .filter(blocks::blocker_id.eq(viewer.unwrap_or(0)))
        .select(blocks::blocked_id);
    posts::table
        .inner_join(parents.on(posts::in_reply_to.eq(parents.field(posts::ap_id).nullable())))
        .filter(parents.field(posts::id).eq_any(ids))
        .filter(posts::deleted_at.is_null())
        .filter(posts::visibility.eq_any(["public", "unlisted"]))
        .filter(diesel::dsl::not(posts::author_id.eq_any(blocked)))
        .group_by(parents.field(posts::id))
        .select((parents.field(posts::id), diesel::dsl::count_star()))
        .load(conn)
}
