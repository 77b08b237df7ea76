//! Moderators' decisions about single accounts.
//!
//! - **Suspend** a remote account: its activities are refused at the inbox (403 with the
//!   reason, nothing stored), what it wrote here (posts, community messages, job offers,
//!   profile) is hidden and its direct messages to our members are erased, follows and
//!   community memberships with it are dropped, and it can no longer be looked up or followed. A local member is suspended through
//!   [`crate::accounts::suspend`] (the account can no longer sign in).
//! - **Limit** an account, local or remote: like a silenced server
//!   ([`crate::peering::silenced_actors`]), its content is kept out of public lists (the job
//!   board, browsing people by skill, the list of communities) for people who do not follow
//!   it; follows still work.
//! - **Lift** either.
//!
//! Every decision is written to the audit log in its own transaction.

use super::model;
use crate::{
    accounts::{Member, Role},
    actors::model::DbActor,
    api::AccountView,
    db::{DbConn, now},
    error::{AppError, AppResult},
    state::AppState,
};
use serde::{Deserialize, Serialize};

const SUSPEND: &str = "suspend";
const LIMIT: &str = "limit";
const MAX_REASON: usize = 500;

/// What a moderator does about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccountAction {
    /// Suspend the account (remote: refused and hidden here; local: no more sign-in).
    Suspend,
    /// Keep its content out of public lists for people who do not follow it.
    Limit,
    /// Lift a suspension or a limit.
    Lift,
}

impl AccountAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountAction::Suspend => "suspend",
            AccountAction::Limit => "limit",
            AccountAction::Lift => "lift",
        }
    }

    pub fn parse(s: &str) -> Option<AccountAction> {
        [
            AccountAction::Suspend,
            AccountAction::Limit,
            AccountAction::Lift,
        ]
        .into_iter()
        .find(|a| a.as_str() == s.trim())
    }
}

/// A moderator's decision, as sent to the API.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AccountModerationInput {
    pub action: AccountAction,
    /// Why: written to the audit log (and, for a suspension, answered to its server).
    #[serde(default)]
    pub reason: String,
}

/// An account's standing here, as moderators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountStanding {
    pub account: AccountView,
    /// `suspended`, `limited` or `none`.
    pub status: String,
    pub reason: String,
    /// When the decision was taken (`null` for a local suspension and for `none`).
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The standing of `actor`.
pub fn standing(conn: &mut DbConn, actor: &DbActor) -> AppResult<AccountStanding> {
    let row = model::restriction_of(conn, actor.id)?;
    standing_with(conn, actor, row)
}

/// The standing of `actor` whose restriction row (if any) was read already.
fn standing_with(
    conn: &mut DbConn,
    actor: &DbActor,
    row: Option<model::DbRestriction>,
) -> AppResult<AccountStanding> {
    let locally_suspended = actor.local && crate::accounts::model::is_disabled(conn, actor.id)?;
    let (status, reason, since) = match (&row, locally_suspended) {
        (_, true) => ("suspended", String::new(), None),
        (Some(r), false) => (
            if r.restriction == SUSPEND {
                "suspended"
            } else {
                "limited"
            },
            r.reason.clone(),
            Some(r.created_at.and_utc()),
        ),
        (None, false) => ("none", String::new(), None),
    };
    Ok(AccountStanding {
        account: actor.into(),
        status: status.to_string(),
        reason,
        since,
    })
}

/// Whether a remote actor is suspended here (the lookups treat it as unknown).
pub fn is_suspended(conn: &mut DbConn, actor_id: i64) -> AppResult<bool> {
    Ok(model::restriction_of(conn, actor_id)?.is_some_and(|r| r.restriction == SUSPEND))
}

/// The remote actors suspended here (for lists that keep rows of them, such as communities).
pub fn suspended_actors(conn: &mut DbConn) -> AppResult<Vec<i64>> {
    Ok(model::restricted_ids(conn, SUSPEND)?)
}

/// The actor with this ActivityPub id, and why it is suspended here if it is a suspended
/// remote actor (the inbox refuses its activities); one query.
pub fn actor_and_suspension(
    conn: &mut DbConn,
    ap_id: &str,
) -> AppResult<Option<(DbActor, Option<String>)>> {
    Ok(
        model::actor_with_restriction(conn, ap_id)?.map(|(actor, restriction)| {
            let suspended = restriction
                .filter(|(kind, _)| kind == SUSPEND && !actor.local)
                .map(|(_, reason)| reason);
            (actor, suspended)
        }),
    )
}

/// The actors whose content is kept out of public lists: the limited accounts, and the remote
/// actors of `kind` on silenced servers. Two small queries when nothing is limited or
/// silenced; the lists still show them to people who follow them.
pub fn kept_out_of_public_lists(conn: &mut DbConn, kind: &str) -> AppResult<Vec<i64>> {
    let mut ids = model::restricted_ids(conn, LIMIT)?;
    ids.extend(crate::peering::silenced_actors(conn, kind)?);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

fn validate_reason(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            "too_long",
            format!("Keep the reason under {MAX_REASON} characters."),
        ));
    }
    Ok(reason.to_string())
}

/// Applies a decision about `target` and records it, inside the caller's transaction (also
/// used when resolving a report). `by` is `None` for the command line.
pub(crate) fn apply(
    conn: &mut DbConn,
    by: Option<i64>,
    target: &DbActor,
    action: AccountAction,
    reason: &str,
) -> AppResult<()> {
    let reason = validate_reason(reason)?;
    if target.kind == "application" {
        return Err(AppError::invalid(
            "action",
            "not_applicable",
            "This is a server's own actor: block or silence the server instead.",
        ));
    }
    let current = standing(conn, target)?.status;
    let conflict = |m: String| Err(AppError::Conflict(m));
    let handle = target.handle();
    match action {
        AccountAction::Suspend => {
            if current == "suspended" {
                return conflict(format!("@{handle} is already suspended"));
            }
            if target.local {
                if !crate::accounts::suspend(conn, target.id)? {
                    return Err(AppError::invalid(
                        "action",
                        "not_applicable",
                        "Only people with an account here can be suspended; limit an \
                         organisation or a community instead.",
                    ));
                }
                model::delete_restriction(conn, target.id)?;
            } else {
                model::set_restriction(conn, target.id, SUSPEND, &reason, by)?;
                hide_everything_of(conn, target)?;
            }
        }
        AccountAction::Limit => {
            match current.as_str() {
                "suspended" => {
                    return conflict(format!(
                        "@{handle} is suspended: lift the suspension before limiting it"
                    ));
                }
                "limited" => return conflict(format!("@{handle} is already limited")),
                _ => {}
            }
            model::set_restriction(conn, target.id, LIMIT, &reason, by)?;
        }
        AccountAction::Lift => {
            let removed = model::delete_restriction(conn, target.id)? > 0;
            let reinstated = target.local && crate::accounts::reinstate(conn, target.id)?;
            if !(removed || reinstated) {
                return conflict(format!("@{handle} is neither suspended nor limited"));
            }
        }
    }
    super::audit(
        conn,
        by,
        &format!("account.{}", action.as_str()),
        target.ap_id.as_str(),
        &reason,
    )
}

/// What a remote account wrote here disappears from every page and list, and nobody here
/// follows it or is followed by it any more (like an account deleted on its server, except
/// that the actor and its messages are kept, so lifting the suspension lets it back in).
fn hide_everything_of(conn: &mut DbConn, target: &DbActor) -> AppResult<()> {
    let at = now();
    crate::follows::model::delete_all_of(conn, target.id)?;
    crate::communities::model::delete_memberships_of(conn, target.id)?;
    crate::profiles::model::delete_of(conn, target.id)?;
    crate::posts::model::mark_all_deleted(conn, target.id, at)?;
    crate::posts::reactions::delete_all_of(conn, target.id)?;
    crate::communities::model::remove_all_of(conn, None, target.id, at)?;
    crate::jobs::model::close_all_of(conn, target.id, at)?;
    // its direct messages too: a member should not keep reading a suspended account's scams
    crate::messages::model::delete_all_by(conn, target.id)?;
    Ok(())
}

/// Moderators act neither on themselves nor on staff accounts (administrators may); the
/// command line (`None`) may do everything.
pub(crate) fn check_rights(
    conn: &mut DbConn,
    by: Option<&Member>,
    target: &DbActor,
) -> AppResult<()> {
    let Some(by) = by else {
        return Ok(());
    };
    if by.actor.id == target.id {
        return Err(AppError::Forbidden(
            "moderators cannot act on their own account".into(),
        ));
    }
    if target.local
        && let Some(id) = crate::accounts::model::account_of_actor(conn, target.id)?
        && let Some(account) = crate::accounts::model::by_id(conn, id)?
        && Role::parse(&account.role) >= by.role()
        && by.role() < Role::Admin
    {
        return Err(AppError::Forbidden(
            "only an administrator can act on a moderator's or administrator's account".into(),
        ));
    }
    Ok(())
}

/// A moderator's decision about the actor `actor_id` (any actor known here, suspended or not),
/// applied and recorded in one transaction.
pub async fn moderate(
    state: &AppState,
    by: Option<&Member>,
    actor_id: i64,
    input: AccountModerationInput,
) -> AppResult<AccountStanding> {
    let member = by.cloned();
    state
        .db
        .write(move |conn| {
            let target = crate::actors::model::by_id(conn, actor_id)?
                .filter(|a| a.deleted_at.is_none())
                .ok_or_else(|| AppError::not_found("account"))?;
            check_rights(conn, member.as_ref(), &target)?;
            let by = member.as_ref().map(|m| m.account.id);
            apply(conn, by, &target, input.action, &input.reason)?;
            standing(conn, &target)
        })
        .await
}

/// The standing of the actor `actor_id` (suspended actors included).
pub async fn account_standing(state: &AppState, actor_id: i64) -> AppResult<AccountStanding> {
    state
        .db
        .read(move |conn| {
            let target = crate::actors::model::by_id(conn, actor_id)?
                .filter(|a| a.deleted_at.is_none())
                .ok_or_else(|| AppError::not_found("account"))?;
            standing(conn, &target)
        })
        .await
}

/// An actor known here by handle (`name` for a local one, `name@host`), suspended or not,
/// without any network request: moderators act on accounts this server knows.
pub async fn known_by_handle(state: &AppState, handle: &str) -> AppResult<DbActor> {
    let bare = handle.trim().trim_start_matches('@').to_string();
    let (user, host) = crate::federation::webfinger::parse_handle(&bare)
        .unwrap_or_else(|| (bare.clone(), state.domain.clone()));
    state
        .db
        .read(move |c| Ok(crate::actors::model::by_handle(c, &user, &host)?))
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("no account @{bare} is known here")))
}

/// Every suspended or limited account, newest decision first, then suspended local members.
pub async fn list(state: &AppState) -> AppResult<Vec<AccountStanding>> {
    state
        .db
        .read(|conn| {
            let mut out = vec![];
            for (row, actor) in model::restrictions(conn)? {
                out.push(standing_with(conn, &actor, Some(row))?);
            }
            // a local suspension replaces any restriction row (see `apply`)
            for actor in model::suspended_local(conn)? {
                if !out.iter().any(|s| s.account.id == actor.id) {
                    out.push(standing_with(conn, &actor, None)?);
                }
            }
            Ok(out)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_read_and_reasons_bounded() {
        assert_eq!(AccountAction::parse("limit"), Some(AccountAction::Limit));
        assert_eq!(AccountAction::parse(" lift "), Some(AccountAction::Lift));
        assert_eq!(AccountAction::parse("ban"), None);
        assert!(validate_reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(validate_reason(" spam ").unwrap(), "spam");
    }
}
