//! Blocking a person: the blocked person can no longer message or follow the member, nor read
//! their non-public content. Blocking ends the follows between the two, and a remote blocked
//! person's server receives a `Block` (as Mastodon sends it), so that it drops them too.

use super::model;
use crate::{
    actors::model::DbActor,
    db::DbConn,
    error::{AppError, AppResult},
    federation::{
        activities::{
            block::{Block, UndoBlock},
            follow::Undo,
        },
        delivery,
        outbox::{self, new_id},
    },
    state::AppState,
};
use url::Url;

/// Whether there is a block between `a` and `b`, in either direction.
pub fn between(conn: &mut DbConn, a: i64, b: i64) -> AppResult<bool> {
    Ok(model::blocks(conn, a, b)? || model::blocks(conn, b, a)?)
}

/// Ends the follows between `a` and `b`, both ways (rows only; no activity).
fn end_follows(conn: &mut DbConn, a: i64, b: i64) -> AppResult<Option<model::DbFollow>> {
    let a_follows_b = model::find(conn, a, b)?;
    if let Some(f) = &a_follows_b {
        model::delete(conn, f.id)?;
    }
    if let Some(f) = model::find(conn, b, a)? {
        model::delete(conn, f.id)?;
    }
    Ok(a_follows_b)
}

/// A member blocks `target`. Follows both ways end; a remote target's server receives an
/// `Undo` of the member's Follow (if there was one) and a `Block`.
pub async fn block(state: &AppState, blocker: DbActor, target: DbActor) -> AppResult<()> {
    if blocker.id == target.id {
        return Err(AppError::invalid(
            "target",
            "block_self",
            "You cannot block yourself.",
        ));
    }
    if target.kind == "application" {
        return Err(AppError::not_found("account"));
    }
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let id = (!target.local).then(|| new_id(&s.base_url, "activities"));
            if !model::insert_block(conn, blocker.id, target.id, id.as_ref().map(Url::as_str))? {
                return Ok(());
            }
            let followed = end_follows(conn, blocker.id, target.id)?;
            if let Some(id) = id {
                if let Some(f) = followed {
                    let follow_id = f
                        .ap_id
                        .as_deref()
                        .and_then(|u| Url::parse(u).ok())
                        .unwrap_or_else(|| new_id(&s.base_url, "activities"));
                    let follow = crate::federation::activities::follow::Follow::new(
                        follow_id, &blocker, &target,
                    );
                    let undo = Undo::new(new_id(&s.base_url, "activities"), &blocker, follow);
                    outbox::enqueue(conn, &s.domain, &blocker, &undo, [target.inbox_url.clone()])?;
                }
                let activity = Block::new(id, &blocker, &target);
                outbox::enqueue(
                    conn,
                    &s.domain,
                    &blocker,
                    &activity,
                    [target.inbox_url.clone()],
                )?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// A member lifts a block; a remote target's server receives an `Undo` of the `Block`.
pub async fn unblock(state: &AppState, blocker: DbActor, target: DbActor) -> AppResult<()> {
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let ap_id = model::block_ap_id(conn, blocker.id, target.id)?;
            if model::delete_block(conn, blocker.id, target.id)? == 0 {
                return Ok(());
            }
            if !target.local {
                let id = ap_id
                    .as_deref()
                    .and_then(|u| Url::parse(u).ok())
                    .unwrap_or_else(|| new_id(&s.base_url, "activities"));
                let undo = UndoBlock::new(
                    new_id(&s.base_url, "activities"),
                    &blocker,
                    Block::new(id, &blocker, &target),
                );
                outbox::enqueue(conn, &s.domain, &blocker, &undo, [target.inbox_url.clone()])?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// The people a member blocks.
pub async fn blocked(state: &AppState, blocker: i64) -> AppResult<Vec<DbActor>> {
    state
        .db
        .read(move |c| Ok(model::blocked_by(c, blocker)?))
        .await
}

/// A remote actor's `Block` of one of our members (inside the inbox's transaction): recorded,
/// and the follows between them end.
pub fn receive_block(
    conn: &mut DbConn,
    blocker: &DbActor,
    target: &DbActor,
    block_id: &Url,
) -> AppResult<()> {
    model::insert_block(conn, blocker.id, target.id, Some(block_id.as_str()))?;
    end_follows(conn, blocker.id, target.id)?;
    Ok(())
}
