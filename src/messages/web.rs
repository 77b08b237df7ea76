//! Message pages: the conversation list, writing to people (by handle, local or remote), a
//! conversation with its answer form, leaving it; and the block buttons of profiles.

use crate::{
    actors,
    federation::webfinger::resolve_handle,
    follows,
    web::{
        CsrfForm, Ctx, FieldErrors, SignedIn, WebResult, html, html_status, profile_path,
        see_other, shown_handle,
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
        .route("/messages", get(list))
        .route("/messages/new", get(new).post(create))
        .route("/messages/{id}", get(show).post(reply))
        .route("/messages/{id}/leave", post(leave))
        .route("/block/{id}", post(block))
        .route("/unblock/{id}", post(unblock))
}

/// A conversation in the list.
struct Row {
    id: i64,
    people: String,
    excerpt: String,
    unread: i64,
    at: Option<NaiveDateTime>,
}

#[derive(Template)]
#[template(path = "messages/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
}

fn names(people: &[crate::actors::model::DbActor]) -> String {
    people
        .iter()
        .map(|p| format!("{} ({})", p.shown_name(), shown_handle(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list(s: SignedIn) -> WebResult {
    let list = super::conversations(&s.visitor.data, s.member.actor.id).await?;
    html(ListPage {
        ctx: s.visitor.page("messages-title"),
        rows: list
            .iter()
            .map(|c| Row {
                id: c.id,
                people: names(&c.people),
                excerpt: c
                    .last
                    .as_ref()
                    .map(|m| {
                        let text = crate::profiles::bio_as_text(&m.content);
                        let mut short: String = text.chars().take(120).collect();
                        if text.chars().count() > 120 {
                            short.push('…');
                        }
                        short
                    })
                    .unwrap_or_default(),
                unread: c.unread,
                at: c.last.as_ref().map(|m| m.published),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "messages/new.html")]
struct NewPage {
    ctx: Ctx,
    errors: FieldErrors,
    to: String,
    text: String,
}

#[derive(Deserialize)]
struct NewQuery {
    to: Option<String>,
}

async fn new(s: SignedIn, Query(q): Query<NewQuery>) -> WebResult {
    html(NewPage {
        ctx: s.visitor.page("messages-new-title"),
        errors: FieldErrors::default(),
        to: q.to.unwrap_or_default(),
        text: String::new(),
    })
}

#[derive(Deserialize)]
struct NewForm {
    to: String,
    text: String,
}

/// Finds the people of the `to` field: handles separated by spaces or commas.
async fn recipients(
    s: &SignedIn,
    to: &str,
) -> crate::error::AppResult<Vec<crate::actors::model::DbActor>> {
    let handles: Vec<&str> = to
        .split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let mut people = vec![];
    for handle in handles.iter().take(super::MAX_RECIPIENTS + 1) {
        match resolve_handle(&s.visitor.data, handle).await {
            Ok(a) => people.push(a),
            Err(crate::error::AppError::NotFound(_) | crate::error::AppError::BadRequest(_)) => {
                return Err(super::unknown_recipient(handle));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(people)
}

/// Turns a refusal (blocked, not followed) into an error shown on the form.
fn on_form<T>(
    s: &SignedIn,
    result: crate::error::AppResult<T>,
) -> WebResult<Result<T, FieldErrors>> {
    match result {
        Err(crate::error::AppError::Forbidden(reason)) => Ok(Err(FieldErrors::general(reason))),
        other => s.visitor.form_errors(other, &["to", "text"]),
    }
}

async fn create(s: SignedIn, CsrfForm(form): CsrfForm<NewForm>) -> WebResult {
    let data = s.visitor.data.clone();
    let result = match recipients(&s, &form.to).await {
        Ok(people) => super::send(&data, s.member.actor.clone(), people, &form.text).await,
        Err(e) => Err(e),
    };
    match on_form(&s, result)? {
        Ok(message) => Ok(see_other(&super::conversation_path(
            message.conversation_id,
        ))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            NewPage {
                ctx: s.visitor.page("messages-new-title"),
                errors,
                to: form.to,
                text: form.text,
            },
        ),
    }
}

/// A message as the conversation page shows it.
struct Item {
    author_name: String,
    author_path: String,
    mine: bool,
    content: String,
    at: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "messages/show.html")]
struct ShowPage {
    ctx: Ctx,
    id: i64,
    people: Vec<(String, String, String)>,
    items: Vec<Item>,
    errors: FieldErrors,
    text: String,
}

async fn show_page(
    s: &SignedIn,
    id: i64,
    errors: FieldErrors,
    text: String,
) -> WebResult<ShowPage> {
    let me = s.member.actor.id;
    let c = super::open(&s.visitor.data, me, id, true).await?;
    Ok(ShowPage {
        ctx: s.visitor.page_titled(s.visitor.t_with(
            "messages-conversation-title",
            "names",
            &names(&c.people),
        )),
        id: c.id,
        people: c
            .people
            .iter()
            .map(|p| (p.shown_name().to_string(), shown_handle(p), profile_path(p)))
            .collect(),
        items: c
            .messages
            .iter()
            .map(|(m, a)| Item {
                author_name: a.shown_name().to_string(),
                author_path: profile_path(a),
                mine: a.id == me,
                content: m.content.clone(),
                at: m.published,
            })
            .collect(),
        errors,
        text,
    })
}

async fn show(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    let page = show_page(&s, id, FieldErrors::default(), String::new()).await?;
    html(page)
}

#[derive(Deserialize)]
struct ReplyForm {
    text: String,
}

async fn reply(s: SignedIn, Path(id): Path<i64>, CsrfForm(form): CsrfForm<ReplyForm>) -> WebResult {
    let result = super::reply(&s.visitor.data, s.member.actor.clone(), id, &form.text).await;
    match on_form(&s, result)? {
        Ok(_) => Ok(see_other(&super::conversation_path(id))),
        Err(errors) => {
            let page = show_page(&s, id, errors, form.text).await?;
            html_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

#[derive(Deserialize)]
struct Button {}

async fn leave(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    super::leave(&s.visitor.data, s.member.actor.id, id).await?;
    Ok(see_other("/messages"))
}

/// `POST /block/{actor id}`, then back to their page.
async fn block(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let target = actors::by_id(&s.visitor.data, id).await?;
    let back = profile_path(&target);
    follows::blocks::block(&s.visitor.data, s.member.actor, target).await?;
    Ok(see_other(&back))
}

/// `POST /unblock/{actor id}`, then back to the settings page that lists blocks.
async fn unblock(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let target = actors::by_id(&s.visitor.data, id).await?;
    follows::blocks::unblock(&s.visitor.data, s.member.actor, target).await?;
    Ok(see_other("/settings/notifications"))
}
