//! The `followers` and `following` collections of local actors.

use super::model;
use crate::{
    actors,
    error::AppResult,
    federation::fetch::{Requester, activity_json},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{Path, Query},
    response::Response,
};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

const PAGE: i64 = 50;

async fn collection(
    data: Data<AppState>,
    (kind, name): (&str, String),
    page: Option<i64>,
    following: bool,
) -> AppResult<Response> {
    let actor = actors::local_of_kind(&data, &name, kind).await?;
    let id = if following {
        actor.following_url.clone()
    } else {
        actor.followers_url.clone()
    }
    .unwrap_or_default();
    let actor_id = actor.id;
    let (total, items) = data
        .db
        .read(move |c| {
            let total = if following {
                model::count_following(c, actor_id)?
            } else {
                model::count_followers(c, actor_id)?
            };
            let items = match page {
                Some(p) if p >= 1 => {
                    let offset = (p - 1) * PAGE;
                    let actors = if following {
                        model::following(c, actor_id, offset, PAGE)?
                    } else {
                        model::followers(c, actor_id, model::ACCEPTED, offset, PAGE)?
                    };
                    Some(
                        actors
                            .into_iter()
                            .map(|a| a.ap_id.to_string())
                            .collect::<Vec<_>>(),
                    )
                }
                _ => None,
            };
            Ok((total, items))
        })
        .await?;
    let context = json!("https://www.w3.org/ns/activitystreams");
    let body = match (items, page) {
        (Some(items), Some(p)) => {
            let mut b = json!({
                "id": format!("{id}?page={p}"), "type": "OrderedCollectionPage",
                "partOf": id, "totalItems": total, "orderedItems": items,
            });
            if p * PAGE < total {
                b["next"] = json!(format!("{id}?page={}", p + 1));
            }
            b
        }
        _ => json!({
            "id": id, "type": "OrderedCollection", "totalItems": total,
            "first": format!("{id}?page=1"),
        }),
    };
    Ok(activity_json(context, &body))
}

/// `GET /users/{name}/followers`
pub async fn followers(
    data: Data<AppState>,
    _signed: Requester,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    collection(data, ("person", name), q.page, false).await
}

/// `GET /users/{name}/following`
pub async fn following(
    data: Data<AppState>,
    _signed: Requester,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    collection(data, ("person", name), q.page, true).await
}

/// `GET /orgs/{handle}/followers`
pub async fn organisation_followers(
    data: Data<AppState>,
    _signed: Requester,
    Path(handle): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    collection(data, ("organization", handle), q.page, false).await
}

/// `GET /orgs/{handle}/following` (organisations follow nobody: always empty)
pub async fn organisation_following(
    data: Data<AppState>,
    _signed: Requester,
    Path(handle): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    collection(data, ("organization", handle), q.page, true).await
}
