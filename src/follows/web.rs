//! Following from web pages: follow and unfollow buttons, and the follow requests a member
//! with a locked profile accepts or refuses.

use super::model;
use crate::{
    actors,
    web::{CsrfForm, Ctx, SignedIn, WebResult, html, profile_path, see_other, shown_handle},
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/follow/{id}", post(follow))
        .route("/unfollow/{id}", post(unfollow))
        .route("/follow-requests", get(requests))
        .route("/follow-requests/{id}/accept", post(accept))
        .route("/follow-requests/{id}/refuse", post(refuse))
}

/// The body of the buttons: only the CSRF token.
#[derive(Deserialize)]
struct Button {}

/// `POST /follow/{actor id}`, then back to their page (which shows the new state).
async fn follow(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let target = actors::by_id(&s.visitor.data, id).await?;
    let back = profile_path(&target);
    super::follow(&s.visitor.data, s.member.actor, target).await?;
    Ok(see_other(&back))
}

/// `POST /unfollow/{actor id}`: stops following, or withdraws a pending request.
async fn unfollow(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let target = actors::by_id(&s.visitor.data, id).await?;
    let back = profile_path(&target);
    super::unfollow(&s.visitor.data, s.member.actor, target).await?;
    Ok(see_other(&back))
}

/// Someone asking to follow the member.
struct Request {
    id: i64,
    name: String,
    handle: String,
    path: String,
}

#[derive(Template)]
#[template(path = "follows/requests.html")]
struct RequestsPage {
    ctx: Ctx,
    requests: Vec<Request>,
    locked: bool,
}

async fn requests(s: SignedIn) -> WebResult {
    let me = s.member.actor.id;
    let pending = s
        .visitor
        .data
        .db
        .read(move |c| Ok(model::followers(c, me, model::PENDING, 0, 200)?))
        .await?;
    html(RequestsPage {
        ctx: s.visitor.page("requests-title"),
        requests: pending
            .iter()
            .map(|a| Request {
                id: a.id,
                name: a.shown_name().to_string(),
                handle: shown_handle(a),
                path: profile_path(a),
            })
            .collect(),
        locked: s.member.actor.manually_approves_followers,
    })
}

async fn accept(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let follower = actors::by_id(&s.visitor.data, id).await?;
    super::accept_request(&s.visitor.data, s.member.actor, follower).await?;
    Ok(see_other("/follow-requests"))
}

async fn refuse(s: SignedIn, Path(id): Path<i64>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let follower = actors::by_id(&s.visitor.data, id).await?;
    super::refuse_request(&s.visitor.data, s.member.actor, follower).await?;
    Ok(see_other("/follow-requests"))
}
