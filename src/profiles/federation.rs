//! ActivityPub documents of a member: the `Person` and its outbox.

use crate::{
    actors::{self, federation::actor_context},
    error::AppResult,
    federation::{
        activities::create::Create,
        fetch::{Requester, activity_json, wants_activity_json},
    },
    posts::{federation as posts_federation, model as posts_model},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{Path, Query},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

/// `GET /users/{name}`: the Person for ActivityPub clients, the profile page for browsers.
pub async fn person(
    data: Data<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = actors::local_by_username(&data, &name).await?;
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/@{}", actor.username)).into_response());
    }
    Ok(activity_json(actor_context(), &actor.to_json()?))
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<bool>,
    #[serde(default)]
    pub before: Option<i64>,
}

const PAGE: i64 = 20;

/// `GET /users/{name}/outbox`: public posts as Create activities, newest first (signed
/// requests only when authorized fetch is on; the actor document itself stays open so that
/// keys can be fetched).
pub async fn outbox(
    data: Data<AppState>,
    _signed: Requester,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let actor = actors::local_by_username(&data, &name).await?;
    let id = actor.outbox_url.clone().unwrap_or_default();
    let a = actor.clone();
    let (total, posts) = data
        .db
        .read(move |c| {
            let total = posts_model::count_by_author(c, a.id, &["public"])?;
            let posts = if q.page.unwrap_or(false) {
                Some(posts_model::by_author(
                    c,
                    a.id,
                    &["public"],
                    q.before,
                    PAGE,
                )?)
            } else {
                None
            };
            Ok((total, posts))
        })
        .await?;
    let Some(posts) = posts else {
        return Ok(activity_json(
            json!("https://www.w3.org/ns/activitystreams"),
            &json!({
                "id": id, "type": "OrderedCollection", "totalItems": total,
                "first": format!("{id}?page=true"),
            }),
        ));
    };
    let mut items = vec![];
    for p in &posts {
        let note = p.to_json(&actor)?;
        let mut create = Create::new(posts_federation::create_id(&p.ap_id), &actor, note);
        create.context = None;
        items.push(create);
    }
    let mut page = json!({
        "id": format!("{id}?page=true{}", q.before.map(|b| format!("&before={b}")).unwrap_or_default()),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "totalItems": total,
        "orderedItems": items,
    });
    if posts.len() as i64 == PAGE
        && let Some(last) = posts.last()
    {
        page["next"] = json!(format!("{id}?page=true&before={}", last.id));
    }
    Ok(activity_json(crate::federation::context(&[]), &page))
}
