//! Rows and queries of `audit_log` and `reports`.

use crate::db::{
    DbConn, now,
    schema::{accounts, actor_restrictions, actors, audit_log, reports},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct DbAuditEntry {
    pub id: i64,
    pub account_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub details: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_audit(
    conn: &mut DbConn,
    account_id: Option<i64>,
    action: &str,
    target: &str,
    details: &str,
) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::account_id.eq(account_id),
            audit_log::action.eq(action),
            audit_log::target.eq(target),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now()),
        ))
        .execute(conn)
}

/// Latest entries with the acting member's username, newest first.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(DbAuditEntry, Option<String>)>> {
    audit_log::table
        .left_join(accounts::table.inner_join(actors::table))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((DbAuditEntry::as_select(), actors::username.nullable()))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct DbReport {
    pub id: i64,
    pub reporter_account_id: Option<i64>,
    pub origin_host: Option<String>,
    pub flag_ap_id: Option<String>,
    pub target_actor_id: i64,
    pub target_post_id: Option<i64>,
    pub reason: String,
    pub forwarded: bool,
    pub state: String,
    pub resolution: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The reported thread, reply or job offer (its ActivityPub id).
    pub target_object: Option<String>,
}

/// A report to store.
pub struct NewReport<'a> {
    pub reporter_account_id: Option<i64>,
    pub origin_host: Option<&'a str>,
    pub flag_ap_id: Option<&'a str>,
    pub target_actor_id: i64,
    pub target_post_id: Option<i64>,
    pub reason: &'a str,
    pub forwarded: bool,
    pub target_object: Option<&'a str>,
}

pub fn insert_report(conn: &mut DbConn, r: &NewReport) -> QueryResult<i64> {
    diesel::insert_into(reports::table)
        .values((
            reports::reporter_account_id.eq(r.reporter_account_id),
            reports::origin_host.eq(r.origin_host),
            reports::flag_ap_id.eq(r.flag_ap_id),
            reports::target_actor_id.eq(r.target_actor_id),
            reports::target_post_id.eq(r.target_post_id),
            reports::reason.eq(r.reason),
            reports::forwarded.eq(r.forwarded),
            reports::target_object.eq(r.target_object),
            reports::state.eq("open"),
            reports::created_at.eq(now()),
        ))
        .returning(reports::id)
        .get_result(conn)
}

pub fn report(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbReport>> {
    reports::table
        .find(id)
        .select(DbReport::as_select())
        .get_result(conn)
        .optional()
}

/// Reports in a state (`None`: all), oldest open first for the queue, newest first otherwise.
pub fn reports_in(
    conn: &mut DbConn,
    state: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DbReport>> {
    let mut q = reports::table.select(DbReport::as_select()).into_boxed();
    if let Some(s) = state {
        q = q.filter(reports::state.eq(s.to_string()));
    }
    q = if state == Some("open") {
        q.order(reports::id.asc())
    } else {
        q.order(reports::id.desc())
    };
    q.limit(limit).load(conn)
}

/// Marks an open report resolved; false if it was not open any more.
pub fn resolve(conn: &mut DbConn, id: i64, resolution: &str, by: Option<i64>) -> QueryResult<bool> {
    diesel::update(reports::table.find(id).filter(reports::state.eq("open")))
        .set((
            reports::state.eq("resolved"),
            reports::resolution.eq(Some(resolution)),
            reports::resolved_by.eq(by),
            reports::resolved_at.eq(Some(now())),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// A moderator's decision about one account (`suspend` or `limit`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actor_restrictions)]
pub struct DbRestriction {
    pub id: i64,
    pub actor_id: i64,
    pub restriction: String,
    pub reason: String,
    pub account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// The restriction of an actor, if any (one per actor: a unique lookup, read by the inbox for
/// every activity, hence on the concrete connection and without `LIMIT`).
pub fn restriction_of(conn: &mut DbConn, actor_id: i64) -> QueryResult<Option<DbRestriction>> {
    crate::native!(conn, |c| actor_restrictions::table
        .filter(actor_restrictions::actor_id.eq(actor_id))
        .select(DbRestriction::as_select())
        .get_result(c)
        .optional())
}

/// An actor and the kind and reason of its restriction, if it has one.
pub type ActorRestriction = (crate::actors::model::DbActor, Option<(String, String)>);

/// An actor by its ActivityPub id with its restriction, in one query (the inbox reads it for
/// every activity).
pub fn actor_with_restriction(
    conn: &mut DbConn,
    ap_id: &str,
) -> QueryResult<Option<ActorRestriction>> {
    let found: Option<(
        crate::actors::model::DbActor,
        Option<String>,
        Option<String>,
    )> = crate::native!(conn, |c| actors::table
        .left_join(actor_restrictions::table)
        .filter(actors::ap_id.eq(ap_id))
        .select((
            crate::actors::model::DbActor::as_select(),
            actor_restrictions::restriction.nullable(),
            actor_restrictions::reason.nullable(),
        ))
        .get_result(c)
        .optional())?;
    Ok(found.map(|(actor, kind, reason)| (actor, kind.zip(reason))))
}

/// Replaces the restriction of an actor (one row per actor; `on_conflict` is not available
/// under MultiConnection, so delete then insert, inside the caller's transaction).
pub fn set_restriction(
    conn: &mut DbConn,
    actor_id: i64,
    restriction: &str,
    reason: &str,
    by: Option<i64>,
) -> QueryResult<usize> {
    delete_restriction(conn, actor_id)?;
    diesel::insert_into(actor_restrictions::table)
        .values((
            actor_restrictions::actor_id.eq(actor_id),
            actor_restrictions::restriction.eq(restriction),
            actor_restrictions::reason.eq(reason),
            actor_restrictions::account_id.eq(by),
            actor_restrictions::created_at.eq(now()),
        ))
        .execute(conn)
}

pub fn delete_restriction(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::delete(actor_restrictions::table.filter(actor_restrictions::actor_id.eq(actor_id)))
        .execute(conn)
}

/// Ids of the actors with `restriction`.
pub fn restricted_ids(conn: &mut DbConn, restriction: &str) -> QueryResult<Vec<i64>> {
    actor_restrictions::table
        .filter(actor_restrictions::restriction.eq(restriction))
        .select(actor_restrictions::actor_id)
        .load(conn)
}

/// Every restriction with its actor, newest first.
pub fn restrictions(
    conn: &mut DbConn,
) -> QueryResult<Vec<(DbRestriction, crate::actors::model::DbActor)>> {
    actor_restrictions::table
        .inner_join(actors::table)
        .order(actor_restrictions::id.desc())
        .select((
            DbRestriction::as_select(),
            crate::actors::model::DbActor::as_select(),
        ))
        .load(conn)
}

/// Actors of local accounts that are suspended (disabled).
pub fn suspended_local(conn: &mut DbConn) -> QueryResult<Vec<crate::actors::model::DbActor>> {
    accounts::table
        .inner_join(actors::table)
        .filter(accounts::disabled.eq(true))
        .filter(actors::deleted_at.is_null())
        .order(accounts::id.desc())
        .select(crate::actors::model::DbActor::as_select())
        .load(conn)
}
