//! Notification pages: the list (mark one or all read) and the settings of notifications,
//! emails and messages.

use super::{KindSetting, Notification, Settings};
use crate::{
    follows,
    web::{
        CsrfForm, Ctx, FieldErrors, SignedIn, WebResult, html, html_status, profile_path, see_other,
    },
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{get, post},
};
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}/read", post(read))
        .route("/settings/notifications", get(settings).post(save))
}

/// A notification as the page shows it.
struct Item {
    id: i64,
    text: String,
    link: Option<String>,
    unread: bool,
    at: NaiveDateTime,
}

/// Where a notification leads on this site: the person for follows, the requests page, the
/// conversation, or the post's own address.
fn web_link(n: &Notification) -> Option<String> {
    match n.row.kind.as_str() {
        super::FOLLOW_REQUEST => Some("/follow-requests".into()),
        super::FOLLOW | super::FOLLOW_ACCEPTED => n.actor.as_ref().map(profile_path),
        _ => n.row.object.clone(),
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    ctx: Ctx,
    items: Vec<Item>,
    unread: i64,
}

async fn list(s: SignedIn) -> WebResult {
    let data = &s.visitor.data;
    let rows = super::list(data, s.member.account.id, None, 100).await?;
    let items: Vec<Item> = rows
        .iter()
        .map(|n| Item {
            id: n.row.id,
            text: super::describe(data, s.visitor.lang, n),
            link: web_link(n),
            unread: n.row.read_at.is_none(),
            at: n.row.created_at,
        })
        .collect();
    html(ListPage {
        ctx: s.visitor.page("notifications-title"),
        unread: items.iter().filter(|i| i.unread).count() as i64,
        items,
    })
}

#[derive(Deserialize)]
struct Button {}

async fn read(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    super::mark_read(&s.visitor.data, s.member.account.id, Some(id)).await?;
    Ok(see_other("/notifications"))
}

async fn read_all(s: SignedIn, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    super::mark_read(&s.visitor.data, s.member.account.id, None).await?;
    Ok(see_other("/notifications"))
}

/// One row of the settings form.
struct KindRow {
    kind: String,
    label: String,
    enabled: bool,
    email: bool,
}

#[derive(Template)]
#[template(path = "notifications/settings.html")]
struct SettingsPage {
    ctx: Ctx,
    errors: FieldErrors,
    kinds: Vec<KindRow>,
    email: String,
    email_available: bool,
    has_address: bool,
    followed_only: bool,
    saved: bool,
    blocked: Vec<(i64, String, String)>,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn settings_page(
    s: &SignedIn,
    current: Settings,
    errors: FieldErrors,
    saved: bool,
) -> WebResult<SettingsPage> {
    let data = &s.visitor.data;
    let blocked = follows::blocks::blocked(data, s.member.actor.id)
        .await?
        .iter()
        .map(|a| {
            (
                a.id,
                a.shown_name().to_string(),
                crate::web::shown_handle(a),
            )
        })
        .collect();
    Ok(SettingsPage {
        ctx: s.visitor.page("notification-settings-title"),
        errors,
        kinds: current
            .kinds
            .iter()
            .filter(|k| super::kinds_for(s.member.role()).contains(&k.kind.as_str()))
            .map(|k| KindRow {
                label: s
                    .visitor
                    .t(&format!("notification-kind-{}", k.kind.replace('_', "-"))),
                kind: k.kind.clone(),
                enabled: k.enabled,
                email: k.email,
            })
            .collect(),
        email: current.email,
        email_available: data.config.email.enabled(),
        has_address: s.member.account.email.is_some(),
        followed_only: current.messages_from_followed_only,
        saved,
        blocked,
    })
}

async fn settings(s: SignedIn, Query(q): Query<SavedQuery>) -> WebResult {
    let current = super::settings(&s.visitor.data, s.member.account.id).await?;
    let page = settings_page(&s, current, FieldErrors::default(), q.saved.is_some()).await?;
    html(page)
}

/// The settings form: checkboxes `enabled-<kind>` and `email-<kind>` (for the kinds the member's
/// role receives), `email` (off, immediate, daily) and `followed_only`. Read as pairs, since checkboxes left unticked are not sent.
async fn save(s: SignedIn, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> WebResult {
    let has = |name: &str| fields.iter().any(|(k, _)| k == name);
    let input = Settings {
        kinds: super::kinds_for(s.member.role())
            .iter()
            .map(|k| KindSetting {
                kind: k.to_string(),
                enabled: has(&format!("enabled-{k}")),
                email: has(&format!("email-{k}")),
            })
            .collect(),
        email: fields
            .iter()
            .find(|(k, _)| k == "email")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "off".into()),
        messages_from_followed_only: has("followed_only"),
    };
    let result = super::save_settings(&s.visitor.data, s.member.account.id, input.clone()).await;
    match s.visitor.form_errors(result, &["email"])? {
        Ok(()) => Ok(see_other("/settings/notifications?saved=1")),
        Err(errors) => {
            let page = settings_page(&s, input, errors, false).await?;
            html_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}
