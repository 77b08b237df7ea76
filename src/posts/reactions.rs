//! Likes and reposts (boosts) of posts: by our members (sent as `Like` and `Announce`, taken
//! back with `Undo`) and by remote actors (received the same way). One row per actor, post and
//! kind in `post_reactions`, keeping the id of the activity that made it.

use super::{model, model::DbPost};
use crate::{
    actors::model::DbActor,
    db::{
        DbConn, now,
        schema::{actors, follows, post_reactions},
    },
    error::{AppError, AppResult},
    federation::{
        activities::reaction::{Reaction, UndoReaction},
        delivery,
        outbox::{self, new_id},
    },
    notifications,
    state::AppState,
};
use diesel::prelude::*;
use std::collections::HashMap;
use url::Url;

/// A member likes a post.
pub const LIKE: &str = "like";
/// A member shares a post with their followers (a boost).
pub const REPOST: &str = "repost";

/// How many liked, reposted and answered a post, and whether the viewer liked or reposted it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Reactions {
    pub likes: i64,
    pub reposts: i64,
    /// Replies anyone may read (followers-only replies are not counted).
    pub replies: i64,
    /// The viewer likes it.
    pub liked: bool,
    /// The viewer reposted it.
    pub reposted: bool,
}

/// The reactions to many posts, with what `viewer` did, in three queries. Replies are the
/// public ones, without those of people the viewer blocks (not shown under the post either).
pub fn of_posts(
    conn: &mut DbConn,
    ids: &[i64],
    viewer: Option<i64>,
) -> QueryResult<HashMap<i64, Reactions>> {
    let mut out = likes_and_reposts(conn, ids)?;
    if ids.is_empty() {
        return Ok(out);
    }
    for (post, n) in model::public_reply_counts(conn, ids, viewer)? {
        out.entry(post).or_default().replies = n;
    }
    if let Some(v) = viewer {
        let mine: Vec<(i64, String)> = post_reactions::table
            .filter(post_reactions::post_id.eq_any(ids))
            .filter(post_reactions::actor_id.eq(v))
            .select((post_reactions::post_id, post_reactions::kind))
            .load(conn)?;
        for (post, kind) in mine {
            let r = out.entry(post).or_default();
            match kind.as_str() {
                LIKE => r.liked = true,
                _ => r.reposted = true,
            }
        }
    }
    Ok(out)
}

/// How many liked and reposted each post (the other fields left empty), in one query.
pub fn likes_and_reposts(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Reactions>> {
    let mut out: HashMap<i64, Reactions> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let counts: Vec<(i64, String, i64)> = post_reactions::table
        .filter(post_reactions::post_id.eq_any(ids))
        .group_by((post_reactions::post_id, post_reactions::kind))
        .select((
            post_reactions::post_id,
            post_reactions::kind,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (post, kind, n) in counts {
        let r = out.entry(post).or_default();
        match kind.as_str() {
            LIKE => r.likes = n,
            _ => r.reposts = n,
        }
    }
    Ok(out)
}

/// For the posts of a home feed: who among the people `viewer` follows reposted each (one of
/// them, the latest), for the posts that are there because of a repost.
pub fn reposters(
    conn: &mut DbConn,
    viewer: i64,
    ids: &[i64],
) -> QueryResult<HashMap<i64, DbActor>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let followed = follows::table
        .filter(follows::follower_id.eq(viewer))
        .filter(follows::state.eq(crate::follows::model::ACCEPTED))
        .select(follows::followed_id);
    let rows: Vec<(i64, DbActor)> = post_reactions::table
        .inner_join(actors::table)
        .filter(post_reactions::post_id.eq_any(ids))
        .filter(post_reactions::kind.eq(REPOST))
        .filter(
            post_reactions::actor_id
                .eq_any(followed)
                .or(post_reactions::actor_id.eq(viewer)),
        )
        .order(post_reactions::id.asc())
        .select((post_reactions::post_id, DbActor::as_select()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

fn find(conn: &mut DbConn, post: i64, actor: i64, kind: &str) -> QueryResult<Option<String>> {
    post_reactions::table
        .filter(post_reactions::post_id.eq(post))
        .filter(post_reactions::actor_id.eq(actor))
        .filter(post_reactions::kind.eq(kind))
        .select(post_reactions::ap_id)
        .get_result(conn)
        .optional()
}

fn insert(conn: &mut DbConn, post: i64, actor: i64, kind: &str, ap_id: &str) -> QueryResult<()> {
    diesel::insert_into(post_reactions::table)
        .values((
            post_reactions::post_id.eq(post),
            post_reactions::actor_id.eq(actor),
            post_reactions::kind.eq(kind),
            post_reactions::ap_id.eq(ap_id),
            post_reactions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Only posts anyone may read can be reposted (as on Mastodon).
pub fn repostable(post: &DbPost) -> bool {
    matches!(post.visibility.as_str(), "public" | "unlisted")
}

/// The activity type of a kind.
pub fn activity_type(kind: &str) -> &'static str {
    if kind == LIKE { "Like" } else { "Announce" }
}

/// Where a member's reaction goes: a like to the post's author; a repost also to the member's
/// followers' servers.
fn recipients(
    conn: &mut DbConn,
    kind: &str,
    member: &DbActor,
    author: &DbActor,
) -> AppResult<Vec<String>> {
    let mut inboxes = vec![];
    if !author.local {
        inboxes.push(author.delivery_inbox());
    }
    if kind == REPOST {
        inboxes.extend(crate::follows::model::follower_inboxes(conn, member.id)?);
    }
    Ok(inboxes)
}

/// The notification link of a post: its page here, or its address on its server.
fn post_link(post: &DbPost) -> String {
    if post.local {
        post.ap_id.path().to_string()
    } else {
        post.url.clone().unwrap_or_else(|| post.ap_id.to_string())
    }
}

fn notify_author(
    conn: &mut DbConn,
    post: &DbPost,
    author: &DbActor,
    by: &DbActor,
    kind: &str,
) -> AppResult<()> {
    if author.local && author.id != by.id {
        let kind = if kind == LIKE {
            notifications::LIKE
        } else {
            notifications::REPOST
        };
        notifications::notify_actor(conn, author.id, kind, Some(by.id), Some(&post_link(post)))?;
    }
    Ok(())
}

/// A member likes or reposts (`on`) a post they may read, or takes it back; the post's author
/// (and, for a repost, the member's followers) are told. Doing what is already done changes
/// nothing. Returns the post, its author and its reactions as the member now sees them.
pub async fn set(
    state: &AppState,
    member: DbActor,
    post_id: i64,
    kind: &'static str,
    on: bool,
) -> AppResult<(DbPost, DbActor, Reactions)> {
    let s = state.clone();
    let result = state
        .db
        .write(move |conn| {
            let (post, author) = super::readable_by_id(conn, post_id, Some(&member))?
                .ok_or_else(|| AppError::not_found("post"))?;
            if on && crate::follows::model::blocks(conn, author.id, member.id)? {
                return Err(AppError::not_found("post"));
            }
            if kind == REPOST && on && !repostable(&post) {
                return Err(AppError::invalid(
                    "post",
                    "not_repostable",
                    "Only public posts can be reposted: this one is for its author's followers.",
                ));
            }
            match (on, find(conn, post.id, member.id, kind)?) {
                (true, None) => {
                    let id = new_id(&s.base_url, "activities");
                    insert(conn, post.id, member.id, kind, id.as_str())?;
                    let activity = Reaction::new(kind, id, &member, &post, &author)?;
                    let inboxes = recipients(conn, kind, &member, &author)?;
                    outbox::enqueue(conn, &s.domain, &member, &activity, inboxes)?;
                    notify_author(conn, &post, &author, &member, kind)?;
                }
                (false, Some(ap_id)) => {
                    diesel::delete(post_reactions::table.filter(post_reactions::ap_id.eq(&ap_id)))
                        .execute(conn)?;
                    let activity =
                        Reaction::new(kind, Url::parse(&ap_id)?, &member, &post, &author)?;
                    let undo =
                        UndoReaction::new(new_id(&s.base_url, "activities"), &member, activity);
                    let inboxes = recipients(conn, kind, &member, &author)?;
                    outbox::enqueue(conn, &s.domain, &member, &undo, inboxes)?;
                }
                _ => {}
            }
            let reactions = of_posts(conn, &[post.id], Some(member.id))?
                .remove(&post.id)
                .unwrap_or_default();
            Ok((post, author, reactions))
        })
        .await?;
    delivery::wake(state);
    Ok(result)
}

/// A remote actor's `Like` or `Announce` of a post we have: counted once, if the actor may
/// read the post (and, for a repost, if the post is public). The local author is told.
pub fn receive(
    conn: &mut DbConn,
    actor: &DbActor,
    post: &DbPost,
    kind: &str,
    ap_id: &str,
) -> AppResult<()> {
    if post.deleted_at.is_some() || find(conn, post.id, actor.id, kind)?.is_some() {
        return Ok(());
    }
    let author = crate::actors::model::by_id(conn, post.author_id)?
        .ok_or_else(|| AppError::not_found("post"))?;
    if !super::visible(conn, post, &author, Some(actor))?
        || crate::follows::model::blocks(conn, author.id, actor.id)?
    {
        return Err(AppError::Forbidden(format!(
            "{} may not read {}",
            actor.ap_id, post.ap_id
        )));
    }
    if kind == REPOST && !repostable(post) {
        return Err(AppError::Forbidden(
            "only public posts can be reposted".into(),
        ));
    }
    insert(conn, post.id, actor.id, kind, ap_id)?;
    notify_author(conn, post, &author, actor, kind)
}

/// A remote actor takes back their `Like` or `Announce` (by the activity's id).
pub fn receive_undo(conn: &mut DbConn, actor: &DbActor, ap_id: &str) -> AppResult<()> {
    diesel::delete(
        post_reactions::table
            .filter(post_reactions::ap_id.eq(ap_id))
            .filter(post_reactions::actor_id.eq(actor.id)),
    )
    .execute(conn)?;
    Ok(())
}

/// The likes and reposts of an actor leave every count (its account was suspended here).
pub fn delete_all_of(conn: &mut DbConn, actor: i64) -> QueryResult<usize> {
    diesel::delete(post_reactions::table.filter(post_reactions::actor_id.eq(actor))).execute(conn)
}
