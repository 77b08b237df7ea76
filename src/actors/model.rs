//! Rows and queries of the `actors` table.

use crate::{
    db::{DbConn, schema::actors},
    federation::ApUrl,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An actor as stored: one of ours (with a private key) or a cached remote one.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = actors)]
pub struct DbActor {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub ap_id: ApUrl,
    pub kind: String,
    pub local: bool,
    pub username: String,
    pub username_key: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub manually_approves_followers: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_refreshed_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Everything needed to insert or refresh an actor row.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = actors)]
pub struct ActorRecord {
    pub ap_id: String,
    pub kind: String,
    pub local: bool,
    pub username: String,
    pub username_key: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_pem: String,
    pub manually_approves_followers: bool,
    pub updated_at: NaiveDateTime,
    pub last_refreshed_at: NaiveDateTime,
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbActor>> {
    actors::table
        .find(id)
        .select(DbActor::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbActor>> {
    crate::native!(conn, |c| actors::table
        .filter(actors::ap_id.eq(ap_id))
        .select(DbActor::as_select())
        .get_result(c)
        .optional())
}

pub fn by_handle(conn: &mut DbConn, username: &str, domain: &str) -> QueryResult<Option<DbActor>> {
    actors::table
        .filter(actors::username_key.eq(username.to_lowercase()))
        .filter(actors::domain.eq(domain))
        .filter(actors::deleted_at.is_null())
        .select(DbActor::as_select())
        .get_result(conn)
        .optional()
}

/// Like [`by_handle`], deleted actors included (their handle stays reserved).
pub fn by_handle_any(
    conn: &mut DbConn,
    username: &str,
    domain: &str,
) -> QueryResult<Option<DbActor>> {
    actors::table
        .filter(actors::username_key.eq(username.to_lowercase()))
        .filter(actors::domain.eq(domain))
        .select(DbActor::as_select())
        .get_result(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConn,
    record: &ActorRecord,
    private_key_pem: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<DbActor> {
    diesel::insert_into(actors::table)
        .values((
            record,
            actors::private_key_pem.eq(private_key_pem),
            actors::created_at.eq(now),
        ))
        .returning(actors::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            actors::table
                .find(id)
                .select(DbActor::as_select())
                .get_result(conn)
        })
}

pub fn update(conn: &mut DbConn, id: i64, record: &ActorRecord) -> QueryResult<DbActor> {
    diesel::update(actors::table.find(id))
        .set((record, actors::deleted_at.eq(None::<NaiveDateTime>)))
        .returning(actors::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            actors::table
                .find(id)
                .select(DbActor::as_select())
                .get_result(conn)
        })
}

/// Changes the fields a local member edits on their profile.
pub fn update_profile(
    conn: &mut DbConn,
    id: i64,
    display_name: &str,
    summary: &str,
    avatar_url: Option<&str>,
    manually_approves_followers: bool,
    now: NaiveDateTime,
) -> QueryResult<DbActor> {
    diesel::update(actors::table.find(id))
        .set((
            actors::display_name.eq(display_name),
            actors::summary.eq(summary),
            actors::avatar_url.eq(avatar_url),
            actors::manually_approves_followers.eq(manually_approves_followers),
            actors::updated_at.eq(now),
        ))
        .returning(actors::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            actors::table
                .find(id)
                .select(DbActor::as_select())
                .get_result(conn)
        })
}

/// Marks an actor as changed now (its document is served with a new `updated`).
pub fn touch(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<DbActor> {
    diesel::update(actors::table.find(id))
        .set(actors::updated_at.eq(now))
        .execute(conn)?;
    actors::table
        .find(id)
        .select(DbActor::as_select())
        .get_result(conn)
}

pub fn mark_deleted(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(actors::table.find(id))
        .set(actors::deleted_at.eq(Some(now)))
        .execute(conn)
}

pub fn count_local(conn: &mut DbConn, kind: &str) -> QueryResult<i64> {
    actors::table
        .filter(actors::local.eq(true))
        .filter(actors::kind.eq(kind))
        .filter(actors::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// Renames the handle of an actor whose id changed server-side (the old one was deleted and a
/// new actor took its username), so the new one can be stored.
pub fn free_handle(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(actors::table.find(id))
        .set(actors::username_key.eq(format!("~replaced~{id}")))
        .execute(conn)
}

/// When each local actor of `kind` created since `since` was created.
pub fn local_created_since(
    conn: &mut DbConn,
    kind: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    actors::table
        .filter(actors::local.eq(true))
        .filter(actors::kind.eq(kind))
        .filter(actors::created_at.ge(since))
        .select(actors::created_at)
        .load(conn)
}
