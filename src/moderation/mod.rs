//! Moderation: reports (from members, or from other servers as `Flag`s), the moderation
//! queue and moderators' decisions (also about single accounts: [`restrictions`]), and the audit log of every administrator and moderator
//! action.

pub mod api;
pub mod dashboard;
pub mod model;
pub mod reports;
pub mod restrictions;
pub mod web;

pub use reports::{
    ReportInput, ReportView, Resolution, ResolveInput, list as list_reports, receive_report,
    report, resolve,
};

use crate::{db::DbConn, error::AppResult};
use serde::Serialize;

/// Writes one audit entry inside the caller's transaction, so an action and its record land
/// together or not at all. `account_id` is `None` for the command line.
pub fn audit(
    conn: &mut DbConn,
    account_id: Option<i64>,
    action: &str,
    target: &str,
    details: &str,
) -> AppResult<()> {
    model::insert_audit(conn, account_id, action, target, details)?;
    Ok(())
}

/// Records a community manager's decision about someone (removal, ban, removed message).
pub fn audit_community(
    conn: &mut DbConn,
    by: &crate::actors::model::DbActor,
    action: &str,
    community: &crate::actors::model::DbActor,
    person: &crate::actors::model::DbActor,
) -> AppResult<()> {
    let account = crate::accounts::model::account_of_actor(conn, by.id)?;
    audit(
        conn,
        account,
        action,
        &community.ap_id.to_string(),
        &person.ap_id.to_string(),
    )
}

/// One audit entry as shown to administrators (API, command line).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// Who acted: a username, or `null` for the command line.
    pub by: Option<String>,
    pub action: String,
    pub target: String,
    pub details: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The latest entries, newest first.
pub fn recent(conn: &mut DbConn, limit: i64) -> AppResult<Vec<AuditEntry>> {
    Ok(model::recent(conn, limit)?
        .into_iter()
        .map(|(row, by)| AuditEntry {
            id: row.id,
            by,
            action: row.action,
            target: row.target,
            details: row.details,
            at: row.created_at.and_utc(),
        })
        .collect())
}
