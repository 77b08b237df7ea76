//! Rows and queries of `audit_log`.

use crate::db::{
    DbConn, now,
    schema::{accounts, actors, audit_log},
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
