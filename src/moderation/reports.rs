//! Reports: members report a profile or a post; reports about remote content may be forwarded
//! to its server as a `Flag` from the instance actor (the reporter is not revealed); `Flag`s
//! from other servers arrive in the same queue. Moderators resolve them.

use super::{
    model::{self, DbReport, NewReport},
    restrictions::{self, AccountAction},
};
use crate::{
    accounts::{Member, Role},
    actors::model::DbActor,
    api::AccountView,
    db::DbConn,
    error::{AppError, AppResult},
    federation::{activities::flag::Flag, delivery, outbox},
    peering::Policy,
    posts,
    state::AppState,
};
use serde::{Deserialize, Serialize};
use url::Url;

const MAX_REASON: usize = 2000;

/// A member's report.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// The reported account (local id, as in `/api/v1/accounts/{id}`).
    pub account_id: i64,
    /// One of its posts, if the report is about a post.
    #[serde(default)]
    pub post_id: Option<i64>,
    /// The ActivityPub id of a community thread or reply by this account, or of a job offer of
    /// this organisation, if the report is about one. (A community itself is reported by its
    /// account id.)
    #[serde(default)]
    pub object: Option<String>,
    pub reason: String,
    /// For remote content: also tell its server (without saying who reported).
    #[serde(default)]
    pub forward: bool,
}

/// A report as moderators see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub account: AccountView,
    /// The reported post's id and its ActivityPub id.
    pub post_id: Option<i64>,
    pub post_ap_id: Option<String>,
    /// The reported community thread or reply, or job offer (ActivityPub id).
    pub object: Option<String>,
    pub reason: String,
    /// The local member who reported; `null` for reports from other servers.
    pub reporter: Option<String>,
    /// The server that sent the report; `null` for local reports.
    pub origin: Option<String>,
    pub forwarded: bool,
    /// `open` or `resolved`.
    pub state: String,
    pub resolution: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn view(conn: &mut DbConn, r: DbReport) -> AppResult<ReportView> {
    let actor = crate::actors::model::by_id(conn, r.target_actor_id)?
        .ok_or_else(|| AppError::not_found("account"))?;
    let post_ap_id = match r.target_post_id {
        Some(id) => posts::model::by_id(conn, id)?.map(|p| p.ap_id.to_string()),
        None => None,
    };
    let reporter = match r.reporter_account_id {
        Some(id) => match crate::accounts::model::by_id(conn, id)? {
            Some(a) => crate::actors::model::by_id(conn, a.actor_id)?.map(|a| a.username),
            None => None,
        },
        None => None,
    };
    Ok(ReportView {
        id: r.id,
        account: (&actor).into(),
        post_id: r.target_post_id,
        post_ap_id,
        object: r.target_object,
        reason: r.reason,
        reporter,
        origin: r.origin_host,
        forwarded: r.forwarded,
        state: r.state,
        resolution: r.resolution,
        created_at: r.created_at.and_utc(),
    })
}

fn validate_reason(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "required",
            "Say what is wrong, so moderators can act.",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            "too_long",
            format!("Keep the reason under {MAX_REASON} characters."),
        ));
    }
    Ok(reason.to_string())
}

/// Checks the `object` of a report: a community message by `target` or a job offer of
/// `target`, that the reporter can see. Returns its ActivityPub id.
fn reported_object(
    conn: &mut DbConn,
    object: &str,
    target: &DbActor,
    viewer: &DbActor,
) -> AppResult<String> {
    if let Some(p) = crate::communities::readable_post(conn, object, viewer)? {
        if p.author_id != target.id {
            return Err(AppError::invalid(
                "object",
                "invalid",
                "This message is not by this account.",
            ));
        }
        return Ok(p.ap_id);
    }
    if let Some(o) = crate::jobs::reportable(conn, object, viewer)? {
        if o.organisation_id != target.id {
            return Err(AppError::invalid(
                "object",
                "invalid",
                "This offer is not one of this organisation's.",
            ));
        }
        return Ok(o.ap_id);
    }
    Err(AppError::invalid(
        "object",
        "unknown",
        "This is neither a community message nor a job offer known here.",
    ))
}

/// Files a member's report, and forwards it to the content's server when asked (the `Flag` is
/// written to the outbox in the same transaction).
pub async fn report(
    state: &AppState,
    reporter: &Member,
    input: ReportInput,
) -> AppResult<ReportView> {
    let reason = validate_reason(&input.reason)?;
    let s = state.clone();
    let viewer = reporter.actor.clone();
    let reporter_id = reporter.account.id;
    let view = state
        .db
        .write(move |conn| {
            let target = crate::actors::model::by_id(conn, input.account_id)?
                .filter(|a| a.deleted_at.is_none())
                .ok_or_else(|| AppError::not_found("account"))?;
            let post = match input.post_id {
                None => None,
                Some(id) => {
                    let post = posts::model::by_id(conn, id)?
                        .filter(|p| p.author_id == target.id)
                        .ok_or_else(|| {
                            AppError::invalid(
                                "post_id",
                                "invalid",
                                "This post is not by this account.",
                            )
                        })?;
                    if !posts::visible(conn, &post, &target, Some(&viewer))? {
                        return Err(AppError::not_found("post"));
                    }
                    Some(post)
                }
            };
            let object = match input
                .object
                .as_deref()
                .map(str::trim)
                .filter(|o| !o.is_empty())
            {
                None => None,
                Some(o) => Some(reported_object(conn, o, &target, &viewer)?),
            };
            let forward = input.forward && !target.local;
            let flag_id = forward.then(|| outbox::new_id(&s.base_url, "flags").to_string());
            let id = model::insert_report(
                conn,
                &NewReport {
                    reporter_account_id: Some(reporter_id),
                    origin_host: None,
                    flag_ap_id: flag_id.as_deref(),
                    target_actor_id: target.id,
                    target_post_id: post.as_ref().map(|p| p.id),
                    reason: &reason,
                    forwarded: forward,
                    target_object: object.as_deref(),
                },
            )?;
            crate::notifications::notify_staff(
                conn,
                crate::accounts::Role::Moderator,
                crate::notifications::REPORT,
                Some(target.id),
                None,
            )?;
            let reported = object.clone();
            if let Some(flag_id) = flag_id {
                let mut object = vec![target.ap_id.0.clone()];
                object.extend(post.as_ref().map(|p| p.ap_id.0.clone()));
                object.extend(reported.as_deref().and_then(|o| Url::parse(o).ok()));
                let flag = Flag::new(Url::parse(&flag_id)?, &s.instance_actor, object, &reason);
                let inbox = target.delivery_inbox();
                outbox::enqueue(conn, &s.domain, &s.instance_actor, &flag, [inbox])?;
            }
            let row = model::report(conn, id)?.ok_or_else(|| AppError::not_found("report"))?;
            view(conn, row)
        })
        .await?;
    if view.forwarded {
        delivery::wake(state);
    }
    Ok(view)
}

/// Stores a report received in a `Flag` from `origin` (inside the inbox's transaction). It must
/// name at least one local actor or post; the first actor named (or the author of the first
/// post) is the reported account.
pub fn receive_report(
    conn: &mut DbConn,
    origin: &str,
    flag_id: &Url,
    objects: &[Url],
    reason: &str,
) -> AppResult<()> {
    let mut actor: Option<DbActor> = None;
    let mut post = None;
    // a community message or a job offer: (its ActivityPub id, its author or organisation)
    let mut other: Option<(String, i64)> = None;
    for url in objects {
        if let Some(a) = crate::actors::model::by_ap_id(conn, url.as_str())?.filter(|a| a.local) {
            actor.get_or_insert(a);
        } else if let Some(p) = posts::model::by_ap_id(conn, url.as_str())?.filter(|p| p.local) {
            post.get_or_insert(p);
        } else if let Some(p) =
            crate::communities::model::post_by_ap_id(conn, url.as_str())?.filter(|p| p.local)
        {
            other.get_or_insert((p.ap_id, p.author_id));
        } else if let Some(o) =
            crate::jobs::model::by_ap_id(conn, url.as_str())?.filter(|o| o.local)
        {
            other.get_or_insert((o.ap_id, o.organisation_id));
        }
    }
    let target_id = match (&actor, &post, &other) {
        (Some(a), _, _) => a.id,
        (None, Some(p), _) => p.author_id,
        (None, None, Some((_, author))) => *author,
        (None, None, None) => {
            return Err(AppError::NotFound(
                "the Flag names no account, post, community message or job offer of this server"
                    .into(),
            ));
        }
    };
    let target_object = other
        .filter(|(_, author)| *author == target_id)
        .map(|(o, _)| o);
    let post_id = post.filter(|p| p.author_id == target_id).map(|p| p.id);
    let reason: String = reason.trim().chars().take(MAX_REASON).collect();
    model::insert_report(
        conn,
        &NewReport {
            reporter_account_id: None,
            origin_host: Some(origin),
            flag_ap_id: Some(flag_id.as_str()),
            target_actor_id: target_id,
            target_post_id: post_id,
            reason: &reason,
            forwarded: false,
            target_object: target_object.as_deref(),
        },
    )?;
    crate::notifications::notify_staff(
        conn,
        crate::accounts::Role::Moderator,
        crate::notifications::REPORT,
        Some(target_id),
        None,
    )?;
    Ok(())
}

/// The moderation queue (`state`: `open`, `resolved`, or `None` for all).
pub async fn list(state: &AppState, which: Option<String>) -> AppResult<Vec<ReportView>> {
    state
        .db
        .read(move |conn| {
            model::reports_in(conn, which.as_deref(), 200)?
                .into_iter()
                .map(|r| view(conn, r))
                .collect()
        })
        .await
}

/// One report, as moderators see it (the confirmation page of a decision).
pub async fn one(state: &AppState, id: i64) -> AppResult<ReportView> {
    state
        .db
        .read(move |conn| {
            let row = model::report(conn, id)?.ok_or_else(|| AppError::not_found("report"))?;
            view(conn, row)
        })
        .await
}

/// What a moderator decides about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing to do.
    Dismiss,
    /// Remove the reported post (deleted everywhere if it is ours, hidden here otherwise).
    RemoveContent,
    /// Suspend the reported account: a member of this server can no longer sign in; a remote
    /// account is refused and hidden here (see [`super::restrictions`]).
    Suspend,
    /// Limit the reported account: kept out of public lists for people who do not follow it.
    Limit,
    /// Block the reported account's server (administrators only).
    BlockInstance,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Dismiss => "dismiss",
            Resolution::RemoveContent => "remove_content",
            Resolution::Suspend => "suspend",
            Resolution::Limit => "limit",
            Resolution::BlockInstance => "block_instance",
        }
    }

    pub fn parse(s: &str) -> Option<Resolution> {
        [
            Resolution::Dismiss,
            Resolution::RemoveContent,
            Resolution::Suspend,
            Resolution::Limit,
            Resolution::BlockInstance,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResolveInput {
    pub action: Resolution,
    /// A note for the audit log (and the block reason for `block_instance`).
    #[serde(default)]
    pub note: String,
}

/// Resolves an open report: applies the action and records it in the audit log, in one
/// transaction. `by` is `None` for the command line (which may do everything).
pub async fn resolve(
    state: &AppState,
    by: Option<&Member>,
    report_id: i64,
    input: ResolveInput,
) -> AppResult<ReportView> {
    if input.action == Resolution::BlockInstance && by.is_some_and(|m| m.role() < Role::Admin) {
        return Err(AppError::Forbidden(
            "blocking a server needs administrator rights".into(),
        ));
    }
    let member = by.cloned();
    let by = by.map(|m| m.account.id);
    let s = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let report =
                model::report(conn, report_id)?.ok_or_else(|| AppError::not_found("report"))?;
            if report.state != "open" {
                return Err(AppError::Conflict(format!(
                    "report {report_id} is already resolved ({})",
                    report.resolution.as_deref().unwrap_or("-")
                )));
            }
            let target = crate::actors::model::by_id(conn, report.target_actor_id)?
                .ok_or_else(|| AppError::not_found("account"))?;
            let wrong = |m: &str| Err(AppError::invalid("action", "not_applicable", m));
            match input.action {
                Resolution::Dismiss => {}
                Resolution::RemoveContent => match (report.target_post_id, &report.target_object) {
                    (Some(post), _) => posts::remove_by_moderator(conn, &s, post)?,
                    (None, Some(object)) => {
                        if let Some(p) = crate::communities::model::post_by_ap_id(conn, object)? {
                            crate::communities::remove_by_moderator(conn, &s, p.id)?;
                        } else if let Some(o) = crate::jobs::model::by_ap_id(conn, object)? {
                            crate::jobs::remove_by_moderator(conn, &s, o.id)?;
                        }
                    }
                    (None, None) => {
                        return wrong("This report is about an account, not a post.");
                    }
                },
                Resolution::Suspend | Resolution::Limit => {
                    let action = if input.action == Resolution::Suspend {
                        AccountAction::Suspend
                    } else {
                        AccountAction::Limit
                    };
                    let reason = if input.note.trim().is_empty() {
                        report.reason.chars().take(500).collect()
                    } else {
                        input.note.trim().to_string()
                    };
                    restrictions::check_rights(conn, member.as_ref(), &target)?;
                    restrictions::apply(conn, by, &target, action, &reason)?;
                }
                Resolution::BlockInstance => {
                    if target.local {
                        return wrong("This account is a member of this server.");
                    }
                    let reason = if input.note.trim().is_empty() {
                        report.reason.clone()
                    } else {
                        input.note.trim().to_string()
                    };
                    let reason: String = reason.chars().take(500).collect();
                    crate::peering::apply_rule(conn, by, &target.domain, Policy::Block, &reason)?;
                }
            }
            model::resolve(conn, report_id, input.action.as_str(), by)?;
            super::audit(
                conn,
                by,
                &format!("report.{}", input.action.as_str()),
                &format!("report {report_id}: {}", target.ap_id),
                input.note.trim(),
            )?;
            let row =
                model::report(conn, report_id)?.ok_or_else(|| AppError::not_found("report"))?;
            view(conn, row)
        })
        .await?;
    delivery::wake(state);
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(validate_reason("  ").is_err());
        assert!(validate_reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(validate_reason(" spam ").unwrap(), "spam");
        assert_eq!(
            Resolution::parse("remove_content"),
            Some(Resolution::RemoveContent)
        );
        assert_eq!(Resolution::parse("nuke"), None);
    }
}
