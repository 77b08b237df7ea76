//! Rows and queries of `notifications` and `notification_settings`.

use crate::db::{
    DbConn, now,
    schema::{accounts, notification_settings, notifications},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct DbNotification {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub object: Option<String>,
    pub read_at: Option<NaiveDateTime>,
    pub email_pending: bool,
    pub created_at: NaiveDateTime,
}

/// A member's choice for one kind: shown, emailed.
pub fn setting(conn: &mut DbConn, account_id: i64, kind: &str) -> QueryResult<(bool, bool)> {
    Ok(notification_settings::table
        .find((account_id, kind))
        .select((notification_settings::enabled, notification_settings::email))
        .get_result(conn)
        .optional()?
        .unwrap_or((true, true)))
}

/// Every stored choice of a member (kinds without a row have the default).
pub fn settings(conn: &mut DbConn, account_id: i64) -> QueryResult<Vec<(String, bool, bool)>> {
    notification_settings::table
        .filter(notification_settings::account_id.eq(account_id))
        .select((
            notification_settings::kind,
            notification_settings::enabled,
            notification_settings::email,
        ))
        .load(conn)
}

pub fn set_setting(
    conn: &mut DbConn,
    account_id: i64,
    kind: &str,
    enabled: bool,
    email: bool,
) -> QueryResult<()> {
    diesel::delete(notification_settings::table.find((account_id, kind))).execute(conn)?;
    if !(enabled && email) {
        diesel::insert_into(notification_settings::table)
            .values((
                notification_settings::account_id.eq(account_id),
                notification_settings::kind.eq(kind),
                notification_settings::enabled.eq(enabled),
                notification_settings::email.eq(email),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert(
    conn: &mut DbConn,
    account_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    object: Option<&str>,
    email_pending: bool,
) -> QueryResult<i64> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::account_id.eq(account_id),
            notifications::kind.eq(kind),
            notifications::actor_id.eq(actor_id),
            notifications::object.eq(object),
            notifications::email_pending.eq(email_pending),
            notifications::created_at.eq(now()),
        ))
        .returning(notifications::id)
        .get_result(conn)
}

/// A member's notifications, newest first.
pub fn list(
    conn: &mut DbConn,
    account_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DbNotification>> {
    let mut q = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .select(DbNotification::as_select())
        .order(notifications::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(notifications::id.lt(b));
    }
    q.load(conn)
}

pub fn unread_count(conn: &mut DbConn, account_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks one notification (`Some`) or all of them read; returns how many changed.
pub fn mark_read(conn: &mut DbConn, account_id: i64, id: Option<i64>) -> QueryResult<usize> {
    let mut q = diesel::update(notifications::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(notifications::id.eq(id));
    }
    q.set(notifications::read_at.eq(now())).execute(conn)
}

pub fn exists(conn: &mut DbConn, account_id: i64, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::id.eq(id)),
    ))
    .get_result(conn)
}

/// An account waiting for an email: id, address, choice (`email_notifications`), last digest.
pub type EmailRecipient = (i64, Option<String>, String, Option<NaiveDateTime>);

/// Accounts with notifications waiting for an email, with their address and choice.
pub fn accounts_with_pending_email(conn: &mut DbConn) -> QueryResult<Vec<EmailRecipient>> {
    let ids: Vec<i64> = notifications::table
        .filter(notifications::email_pending.eq(true))
        .select(notifications::account_id)
        .distinct()
        .load(conn)?;
    accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((
            accounts::id,
            accounts::email,
            accounts::email_notifications,
            accounts::last_digest_at,
        ))
        .load(conn)
}

/// The notifications of an account still to be emailed, oldest first.
pub fn pending_email(conn: &mut DbConn, account_id: i64) -> QueryResult<Vec<DbNotification>> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::email_pending.eq(true))
        .select(DbNotification::as_select())
        .order(notifications::id.asc())
        .limit(200)
        .load(conn)
}

/// Takes notifications off the email queue for this worker: only those still pending are
/// taken, so two nodes never send the same notification. Returns the ids taken.
pub fn claim_email(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut taken = vec![];
    for id in ids {
        let n = diesel::update(
            notifications::table
                .filter(notifications::id.eq(*id))
                .filter(notifications::email_pending.eq(true)),
        )
        .set(notifications::email_pending.eq(false))
        .execute(conn)?;
        if n == 1 {
            taken.push(*id);
        }
    }
    Ok(taken)
}

/// Puts notifications back on the email queue (their email could not be sent).
pub fn requeue_email(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::email_pending.eq(true))
        .execute(conn)
}

/// Marks notifications emailed (or not to be emailed any more).
pub fn clear_email(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::email_pending.eq(false))
        .execute(conn)
}
