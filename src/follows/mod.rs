//! Who follows whom: following people (and later organisations and communities), locked
//! profiles whose owner approves each request, and the activities that carry it all.

pub mod api;
pub mod blocks;
pub mod federation;
pub mod model;
pub mod web;

use crate::{
    actors::model::DbActor,
    db::DbConn,
    error::{AppError, AppResult},
    federation::{
        activities::follow::{Accept, Follow, Reject, Undo},
        delivery,
        outbox::{self, new_id},
    },
    notifications,
    state::AppState,
};
use model::{ACCEPTED, DbFollow, PENDING};
use serde::Serialize;
use url::Url;

/// Where a follow stands, as seen by the follower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowState {
    None,
    Pending,
    Accepted,
}

impl FollowState {
    fn from_row(row: Option<&DbFollow>) -> FollowState {
        match row.map(|f| f.state.as_str()) {
            Some(ACCEPTED) => FollowState::Accepted,
            Some(_) => FollowState::Pending,
            None => FollowState::None,
        }
    }
}

/// How `follower` currently follows `followed`.
pub fn state_between(conn: &mut DbConn, follower: i64, followed: i64) -> AppResult<FollowState> {
    Ok(FollowState::from_row(
        model::find(conn, follower, followed)?.as_ref(),
    ))
}

fn follow_activity(
    state: &AppState,
    row: &DbFollow,
    follower: &DbActor,
    followed: &DbActor,
) -> Follow {
    let id = row
        .ap_id
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .unwrap_or_else(|| new_id(&state.base_url, "activities"));
    Follow::new(id, follower, followed)
}

/// A local member asks to follow someone. Local targets are answered at once (approved unless
/// their profile is locked); remote ones get a Follow and stay pending until they Accept.
pub async fn follow(
    state: &AppState,
    follower: DbActor,
    target: DbActor,
) -> AppResult<FollowState> {
    if follower.id == target.id {
        return Err(AppError::invalid(
            "target",
            "follow_self",
            "You cannot follow yourself.",
        ));
    }
    if target.deleted_at.is_some() || target.kind == "application" {
        return Err(AppError::not_found("account"));
    }
    let s = state.clone();
    let result = state
        .db
        .write(move |conn| {
            if let Some(existing) = model::find(conn, follower.id, target.id)? {
                return Ok(FollowState::from_row(Some(&existing)));
            }
            if model::blocks(conn, follower.id, target.id)? {
                return Err(AppError::Forbidden(format!(
                    "You blocked @{}: unblock them before following them.",
                    target.handle()
                )));
            }
            if model::blocks(conn, target.id, follower.id)? {
                return Err(AppError::Forbidden(format!(
                    "@{} does not accept you as a follower.",
                    target.handle()
                )));
            }
            if target.local {
                let st = if target.manually_approves_followers {
                    PENDING
                } else {
                    ACCEPTED
                };
                let row = model::insert(conn, follower.id, target.id, st, None)?;
                notify_followed(conn, &row, &follower)?;
                return Ok(FollowState::from_row(Some(&row)));
            }
            let id = new_id(&s.base_url, "activities");
            let row = model::insert(conn, follower.id, target.id, PENDING, Some(id.as_str()))?;
            let activity = Follow::new(id, &follower, &target);
            outbox::enqueue(
                conn,
                &s.domain,
                &follower,
                &activity,
                [target.inbox_url.clone()],
            )?;
            Ok(FollowState::from_row(Some(&row)))
        })
        .await?;
    delivery::wake(state);
    Ok(result)
}

/// A local member stops following someone (or withdraws a pending request).
pub async fn unfollow(state: &AppState, follower: DbActor, target: DbActor) -> AppResult<()> {
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(row) = model::find(conn, follower.id, target.id)? else {
                return Ok(());
            };
            model::delete(conn, row.id)?;
            if !target.local {
                let follow = follow_activity(&s, &row, &follower, &target);
                let undo = Undo::new(new_id(&s.base_url, "activities"), &follower, follow);
                outbox::enqueue(
                    conn,
                    &s.domain,
                    &follower,
                    &undo,
                    [target.inbox_url.clone()],
                )?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// The owner of a locked profile approves a pending request.
pub async fn accept_request(
    state: &AppState,
    followed: DbActor,
    follower: DbActor,
) -> AppResult<()> {
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let row = model::find(conn, follower.id, followed.id)?
                .filter(|r| r.state == PENDING)
                .ok_or_else(|| AppError::not_found("follow request"))?;
            model::set_state(conn, row.id, ACCEPTED)?;
            if follower.local {
                notifications::notify_actor(
                    conn,
                    follower.id,
                    notifications::FOLLOW_ACCEPTED,
                    Some(followed.id),
                    Some(followed.ap_id.as_str()),
                )?;
            } else {
                send_accept(conn, &s, &row, &follower, &followed)?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// The owner of a locked profile refuses a pending request, or removes a follower.
pub async fn refuse_request(
    state: &AppState,
    followed: DbActor,
    follower: DbActor,
) -> AppResult<()> {
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let row = model::find(conn, follower.id, followed.id)?
                .ok_or_else(|| AppError::not_found("follow request"))?;
            model::delete(conn, row.id)?;
            if !follower.local {
                let follow = follow_activity(&s, &row, &follower, &followed);
                let reject = Reject::new(new_id(&s.base_url, "activities"), &followed, follow);
                outbox::enqueue(
                    conn,
                    &s.domain,
                    &followed,
                    &reject,
                    [follower.inbox_url.clone()],
                )?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

fn send_accept(
    conn: &mut DbConn,
    state: &AppState,
    row: &DbFollow,
    follower: &DbActor,
    followed: &DbActor,
) -> AppResult<()> {
    let follow = follow_activity(state, row, follower, followed);
    let accept = Accept::new(new_id(&state.base_url, "activities"), followed, follow);
    outbox::enqueue(
        conn,
        &state.domain,
        followed,
        &accept,
        [follower.inbox_url.clone()],
    )?;
    if followed.kind == "organization" {
        crate::jobs::federation::send_to_new_follower(conn, state, followed, follower)?;
    }
    Ok(())
}

/// A remote actor's Follow of one of our actors: recorded, and accepted at once unless the
/// profile is locked. A repeated Follow of an accepted follow is accepted again (the first
/// Accept may have been lost).
pub fn receive_follow(
    conn: &mut DbConn,
    state: &AppState,
    follower: &DbActor,
    target: &DbActor,
    follow_id: &Url,
) -> AppResult<()> {
    if model::blocks(conn, target.id, follower.id)? {
        return Err(AppError::Forbidden(format!(
            "{} does not accept this follower",
            target.ap_id
        )));
    }
    let row = match model::find(conn, follower.id, target.id)? {
        Some(existing) => {
            model::set_ap_id(conn, existing.id, follow_id.as_str())?;
            DbFollow {
                ap_id: Some(follow_id.to_string()),
                ..existing
            }
        }
        None => {
            let st = if target.manually_approves_followers {
                PENDING
            } else {
                ACCEPTED
            };
            let row = model::insert(conn, follower.id, target.id, st, Some(follow_id.as_str()))?;
            notify_followed(conn, &row, follower)?;
            row
        }
    };
    if row.state == ACCEPTED {
        send_accept(conn, state, &row, follower, target)?;
    }
    Ok(())
}

/// Tells the followed member about a new follow: a follower, or a request to approve.
fn notify_followed(conn: &mut DbConn, row: &DbFollow, follower: &DbActor) -> AppResult<()> {
    let kind = if row.state == ACCEPTED {
        notifications::FOLLOW
    } else {
        notifications::FOLLOW_REQUEST
    };
    notifications::notify_actor(
        conn,
        row.followed_id,
        kind,
        Some(follower.id),
        Some(follower.ap_id.as_str()),
    )
}

/// Our pending Follow was accepted by the remote actor `followed`. The member is told when
/// the profile is locked (someone approved the request; other follows are accepted at once).
pub fn receive_accept(conn: &mut DbConn, follow: &DbFollow, followed: &DbActor) -> AppResult<()> {
    if follow.state != ACCEPTED {
        model::set_state(conn, follow.id, ACCEPTED)?;
        if followed.manually_approves_followers {
            notifications::notify_actor(
                conn,
                follow.follower_id,
                notifications::FOLLOW_ACCEPTED,
                Some(followed.id),
                Some(followed.ap_id.as_str()),
            )?;
        }
    }
    Ok(())
}

/// Our Follow was refused, or we were removed from the actor's followers.
pub fn receive_reject(conn: &mut DbConn, follow: &DbFollow) -> AppResult<()> {
    model::delete(conn, follow.id)?;
    Ok(())
}

/// A remote follower cancelled their Follow.
pub fn receive_undo(
    conn: &mut DbConn,
    follower_id: i64,
    follow_ap_id: &str,
    followed_ap_id: Option<&str>,
) -> AppResult<()> {
    let row = match model::by_ap_id(conn, follow_ap_id)? {
        Some(f) => Some(f),
        None => match followed_ap_id {
            Some(id) => match crate::actors::model::by_ap_id(conn, id)? {
                Some(followed) => model::find(conn, follower_id, followed.id)?,
                None => None,
            },
            None => None,
        },
    };
    if let Some(row) = row.filter(|r| r.follower_id == follower_id) {
        model::delete(conn, row.id)?;
    }
    Ok(())
}

/// Whether someone on server `domain` follows `actor_id`: that server may then read the
/// actor's followers-only content on its members' behalf.
pub fn has_follower_on(conn: &mut DbConn, actor_id: i64, domain: &str) -> AppResult<bool> {
    Ok(model::has_follower_on(conn, actor_id, domain)?)
}
