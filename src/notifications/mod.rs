//! Notifications: what members are told about (new followers, requests, mentions, replies,
//! messages, and for staff partnership proposals and reports), read state, per-kind settings,
//! and optional emails (immediately or as a daily digest, see [`email`]).
//!
//! A cause adds a notification with one call to [`notify`] (or [`notify_actor`],
//! [`notify_staff`]) inside its own transaction, so the notification exists exactly when the
//! change does. Kinds are text: a later feature adds one to [`KINDS`] (and its words to
//! `locales/`) and calls [`notify`]; no migration is needed.

pub mod api;
pub mod email;
pub mod model;
pub mod web;

use crate::{
    accounts::Role,
    actors::model::DbActor,
    db::{
        DbConn,
        schema::{accounts, actors},
    },
    error::{AppError, AppResult},
    state::AppState,
};
use diesel::prelude::*;
use model::DbNotification;

/// Someone follows the member (accepted at once).
pub const FOLLOW: &str = "follow";
/// Someone asks to follow the member (locked profile).
pub const FOLLOW_REQUEST: &str = "follow_request";
/// A locked profile accepted the member's request.
pub const FOLLOW_ACCEPTED: &str = "follow_accepted";
/// A post mentions the member.
pub const MENTION: &str = "mention";
/// A post answers one of the member's posts.
pub const REPLY: &str = "reply";
/// Someone likes one of the member's posts.
pub const LIKE: &str = "like";
/// Someone reposts (shares with their followers) one of the member's posts.
pub const REPOST: &str = "repost";
/// A direct message for the member.
pub const MESSAGE: &str = "message";
/// Another server's administrators propose a partnership (administrators).
pub const PARTNERSHIP_REQUEST: &str = "partnership_request";
/// A new report in the moderation queue (moderators and administrators).
pub const REPORT: &str = "report";

/// Someone applied to a job offer of an organisation the member recruits for.
pub const APPLICATION_RECEIVED: &str = "application_received";
/// The organisation answered the member's application or changed its status.
pub const APPLICATION_STATUS: &str = "application_status";
/// Someone asks to join a closed community the member manages.
pub const COMMUNITY_REQUEST: &str = "community_request";
/// The member is invited to a community.
pub const COMMUNITY_INVITATION: &str = "community_invitation";
/// A community accepted the member's request to join.
pub const COMMUNITY_ACCEPTED: &str = "community_accepted";

/// Every kind, in the order of the settings page.
pub const KINDS: &[&str] = &[
    FOLLOW,
    FOLLOW_REQUEST,
    FOLLOW_ACCEPTED,
    MENTION,
    REPLY,
    LIKE,
    REPOST,
    MESSAGE,
    COMMUNITY_REQUEST,
    COMMUNITY_INVITATION,
    COMMUNITY_ACCEPTED,
    APPLICATION_RECEIVED,
    APPLICATION_STATUS,
    PARTNERSHIP_REQUEST,
    REPORT,
];

/// The kinds a member with `role` can receive (partnership proposals go to administrators,
/// reports to moderators and administrators): those their settings show.
pub fn kinds_for(role: Role) -> Vec<&'static str> {
    KINDS
        .iter()
        .copied()
        .filter(|k| match *k {
            PARTNERSHIP_REQUEST => role == Role::Admin,
            REPORT => role >= Role::Moderator,
            _ => true,
        })
        .collect()
}

/// How a member wants notification emails.
pub const EMAIL_CHOICES: &[&str] = &["off", "immediate", "daily"];

/// Tells the member `account_id` about `kind`, caused by `actor_id` (if anyone) and about
/// `object` (a URL or a local path). Runs inside the cause's transaction. Kinds the member
/// turned off are not stored; emails are queued when the member chose them for this kind.
pub fn notify(
    conn: &mut DbConn,
    account_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    object: Option<&str>,
) -> AppResult<()> {
    debug_assert!(KINDS.contains(&kind), "unknown notification kind {kind}");
    let (enabled, email) = model::setting(conn, account_id, kind)?;
    if !enabled {
        return Ok(());
    }
    let (address, choice, me): (Option<String>, String, i64) = accounts::table
        .find(account_id)
        .select((
            accounts::email,
            accounts::email_notifications,
            accounts::actor_id,
        ))
        .get_result(conn)?;
    // nothing from someone the member blocks (a remote server may still send their replies,
    // mentions or likes)
    if let Some(by) = actor_id
        && crate::follows::model::blocks(conn, me, by)?
    {
        return Ok(());
    }
    let email_pending = email && address.is_some() && choice != "off";
    model::insert(conn, account_id, kind, actor_id, object, email_pending)?;
    Ok(())
}

/// [`notify`] for the local member whose actor is `actor_id`; nothing for remote actors and
/// actors without an account (organisations, the instance actor).
pub fn notify_actor(
    conn: &mut DbConn,
    actor_id: i64,
    kind: &str,
    by: Option<i64>,
    object: Option<&str>,
) -> AppResult<()> {
    let account: Option<i64> = accounts::table
        .filter(accounts::actor_id.eq(actor_id))
        .filter(accounts::disabled.eq(false))
        .select(accounts::id)
        .get_result(conn)
        .optional()?;
    match account {
        Some(a) => notify(conn, a, kind, by, object),
        None => Ok(()),
    }
}

/// [`notify`] for every account with at least `role` (administrators for partnerships,
/// moderators and administrators for reports).
pub fn notify_staff(
    conn: &mut DbConn,
    role: Role,
    kind: &str,
    by: Option<i64>,
    object: Option<&str>,
) -> AppResult<()> {
    let roles: &[&str] = match role {
        Role::Admin => &["admin"],
        _ => &["admin", "moderator"],
    };
    let staff: Vec<i64> = accounts::table
        .filter(accounts::role.eq_any(roles))
        .filter(accounts::disabled.eq(false))
        .select(accounts::id)
        .load(conn)?;
    for account in staff {
        notify(conn, account, kind, by, object)?;
    }
    Ok(())
}

/// A notification with who caused it.
pub struct Notification {
    pub row: DbNotification,
    pub actor: Option<DbActor>,
}

/// The member's notifications, newest first, with the actors who caused them.
pub async fn list(
    state: &AppState,
    account_id: i64,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Notification>> {
    state
        .db
        .read(move |c| {
            let rows = model::list(c, account_id, before, limit)?;
            let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
            let people: Vec<DbActor> = actors::table
                .filter(actors::id.eq_any(ids))
                .select(DbActor::as_select())
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|row| Notification {
                    actor: people.iter().find(|a| Some(a.id) == row.actor_id).cloned(),
                    row,
                })
                .collect())
        })
        .await
}

/// What the layout's badges show: unread notifications and unread messages.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Unread {
    pub notifications: i64,
    pub messages: i64,
}

/// Unread counts of a member (one read).
pub async fn unread(state: &AppState, account_id: i64, actor_id: i64) -> AppResult<Unread> {
    state
        .db
        .read(move |c| {
            Ok(Unread {
                notifications: model::unread_count(c, account_id)?,
                messages: crate::messages::model::unread_total(c, actor_id)?,
            })
        })
        .await
}

/// Marks one notification read (`Some`, 404 if it is not the member's) or all of them.
pub async fn mark_read(state: &AppState, account_id: i64, id: Option<i64>) -> AppResult<()> {
    state
        .db
        .write(move |c| {
            if let Some(id) = id
                && !model::exists(c, account_id, id)?
            {
                return Err(AppError::not_found("notification"));
            }
            model::mark_read(c, account_id, id)?;
            Ok(())
        })
        .await
}

/// One kind's settings as shown and changed by the member.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct KindSetting {
    pub kind: String,
    /// Shown in the notifications list.
    pub enabled: bool,
    /// Sent by email too (when the member chose emails).
    pub email: bool,
}

/// A member's notification and message settings.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Settings {
    pub kinds: Vec<KindSetting>,
    /// `off`, `immediate` or `daily` (a digest).
    pub email: String,
    /// Refuse direct messages from people the member does not follow.
    pub messages_from_followed_only: bool,
}

/// The member's settings, every kind listed.
pub async fn settings(state: &AppState, account_id: i64) -> AppResult<Settings> {
    state
        .db
        .read(move |c| {
            let stored = model::settings(c, account_id)?;
            let (email, followed_only): (String, bool) = accounts::table
                .find(account_id)
                .select((
                    accounts::email_notifications,
                    accounts::messages_from_followed_only,
                ))
                .get_result(c)?;
            Ok(Settings {
                kinds: KINDS
                    .iter()
                    .map(|k| {
                        let (enabled, email) = stored
                            .iter()
                            .find(|(kind, _, _)| kind == k)
                            .map(|(_, e, m)| (*e, *m))
                            .unwrap_or((true, true));
                        KindSetting {
                            kind: k.to_string(),
                            enabled,
                            email,
                        }
                    })
                    .collect(),
                email,
                messages_from_followed_only: followed_only,
            })
        })
        .await
}

/// Saves a member's settings. Emails can be chosen only when the server can send them and the
/// account has an address.
pub async fn save_settings(state: &AppState, account_id: i64, input: Settings) -> AppResult<()> {
    if !EMAIL_CHOICES.contains(&input.email.as_str()) {
        return Err(AppError::invalid(
            "email",
            "unknown",
            "Emails must be off, immediate or daily.",
        ));
    }
    if let Some(k) = input
        .kinds
        .iter()
        .find(|k| !KINDS.contains(&k.kind.as_str()))
    {
        return Err(AppError::invalid(
            "kinds",
            "unknown",
            format!("There is no notification kind {}.", k.kind),
        ));
    }
    let email_on = state.config.email.enabled();
    state
        .db
        .write(move |c| {
            if input.email != "off" {
                if !email_on {
                    return Err(AppError::invalid(
                        "email",
                        "email_off",
                        "This server does not send emails; ask its administrators.",
                    ));
                }
                let address: Option<String> = accounts::table
                    .find(account_id)
                    .select(accounts::email)
                    .get_result(c)?;
                if address.is_none() {
                    return Err(AppError::invalid(
                        "email",
                        "no_address",
                        "Your account has no email address to send notifications to.",
                    ));
                }
            }
            for k in &input.kinds {
                model::set_setting(c, account_id, &k.kind, k.enabled, k.email)?;
            }
            let before: String = accounts::table
                .find(account_id)
                .select(accounts::email_notifications)
                .get_result(c)?;
            if input.email == "daily" && before != "daily" {
                // the first digest comes one interval after choosing it
                diesel::update(accounts::table.find(account_id))
                    .set(accounts::last_digest_at.eq(Some(crate::db::now())))
                    .execute(c)?;
            }
            diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::email_notifications.eq(&input.email),
                    accounts::messages_from_followed_only.eq(input.messages_from_followed_only),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
}

/// One line saying what happened, in `lang` (`notification-<kind>` in `locales/`, with
/// `$name`; kinds without words use `notification-other`).
pub fn describe(state: &AppState, lang: &str, n: &Notification) -> String {
    let name = n
        .actor
        .as_ref()
        .map(|a| format!("{} ({})", a.shown_name(), crate::web::shown_handle(a)))
        .unwrap_or_default();
    let key = format!("notification-{}", n.row.kind.replace('_', "-"));
    let key = if state.i18n.has(lang, &key) {
        key
    } else {
        "notification-other".into()
    };
    state.i18n.message(
        lang,
        &key,
        &[("name", fluent_bundle::FluentValue::from(name))],
    )
}

/// Where a notification leads, as an absolute URL (for emails).
pub fn link(state: &AppState, n: &DbNotification) -> Option<String> {
    let object = n.object.as_deref()?;
    if object.starts_with('/') {
        state.base_url.join(object).ok().map(|u| u.to_string())
    } else {
        Some(object.to_string())
    }
}
