//! Every ActivityPub actor this instance knows, local or remote: members' `Person`s, and later
//! communities' `Group`s and organisations' `Organization`s, plus the instance's `Application`.
//! Identity, keys, inboxes and the public profile fields all actors share live here; what is
//! specific to a kind of actor lives in its domain (`profiles`, `communities`, …).

pub mod federation;
pub mod model;

use crate::{
    db::{DbConn, now},
    error::{AppError, AppResult},
    federation::signatures::GeneratedKeys,
    state::AppState,
};
use model::{ActorRecord, DbActor};

/// Local URL paths of a member's actor.
pub fn person_path(username: &str) -> String {
    format!("/users/{username}")
}

/// Creates a local `Person` with its key pair. `keys` are generated beforehand, outside the
/// transaction (RSA generation takes tens of milliseconds).
pub fn create_local_person(
    conn: &mut DbConn,
    state: &AppState,
    username: &str,
    display_name: &str,
    keys: GeneratedKeys,
) -> AppResult<DbActor> {
    create_local_actor(
        conn,
        state,
        "person",
        &person_path(username),
        username,
        display_name,
        keys,
    )
}

/// Creates a local actor of any kind at `path` (its id is the instance URL + `path`; its
/// inbox, outbox and collections hang below it). The handle is shared by every kind of actor
/// and stays taken after a deletion.
pub fn create_local_actor(
    conn: &mut DbConn,
    state: &AppState,
    kind: &str,
    path: &str,
    username: &str,
    display_name: &str,
    keys: GeneratedKeys,
) -> AppResult<DbActor> {
    // a closed account's name stays taken: nobody may be mistaken for its former owner
    if model::by_handle_any(conn, username, &state.domain)?.is_some() {
        return Err(AppError::invalid(
            "username",
            "taken",
            "This username is already taken. Please choose another one.",
        ));
    }
    let url = |suffix: &str| state.url(&format!("{path}{suffix}")).to_string();
    let record = ActorRecord {
        ap_id: url(""),
        kind: kind.into(),
        local: true,
        username: username.to_string(),
        username_key: username.to_lowercase(),
        domain: state.domain.clone(),
        display_name: display_name.to_string(),
        summary: String::new(),
        avatar_url: None,
        url: Some(state.url(&format!("/@{username}")).to_string()),
        inbox_url: url("/inbox"),
        shared_inbox_url: Some(state.url("/inbox").to_string()),
        outbox_url: Some(url("/outbox")),
        followers_url: Some(url("/followers")),
        following_url: Some(url("/following")),
        public_key_pem: keys.public_key_pem,
        manually_approves_followers: false,
        updated_at: now(),
        last_refreshed_at: now(),
    };
    Ok(model::insert(
        conn,
        &record,
        Some(&keys.private_key_pem),
        now(),
    )?)
}

/// A local member's actor by username, or 404.
pub async fn local_by_username(state: &AppState, username: &str) -> AppResult<DbActor> {
    local_of_kind(state, username, "person").await
}

/// A local actor of `kind` by handle, or 404.
pub async fn local_of_kind(state: &AppState, handle: &str, kind: &str) -> AppResult<DbActor> {
    let (u, d) = (handle.to_string(), state.domain.clone());
    state
        .db
        .read(move |c| Ok(model::by_handle(c, &u, &d)?))
        .await?
        .filter(|a| a.local && a.kind == kind && a.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("nobody is called @{handle} here")))
}

/// Any known actor by database id, or 404; a remote actor suspended by our moderators is
/// treated as unknown.
pub async fn by_id(state: &AppState, id: i64) -> AppResult<DbActor> {
    state
        .db
        .read(move |c| {
            let actor = model::by_id(c, id)?.filter(|a| a.deleted_at.is_none());
            match actor {
                Some(a) if !a.local && crate::moderation::restrictions::is_suspended(c, a.id)? => {
                    Ok(None)
                }
                other => Ok(other),
            }
        })
        .await?
        .ok_or_else(|| AppError::not_found("account"))
}

/// Queues an `Update` of a local actor — its whole document `json`, under `context` (the terms
/// of its kind) — for its followers' servers, inside the caller's transaction. Addressed to
/// the public collection and the actor's followers.
pub fn send_update(
    conn: &mut crate::db::DbConn,
    state: &AppState,
    actor: &DbActor,
    json: serde_json::Value,
    context: serde_json::Value,
) -> AppResult<()> {
    use crate::federation::{activities::update::Update, outbox};
    let followers = actor
        .followers_url
        .as_deref()
        .map(url::Url::parse)
        .transpose()?;
    let to = [url::Url::parse(crate::federation::PUBLIC).expect("valid")]
        .into_iter()
        .chain(followers)
        .collect();
    let mut update = Update::of_actor(
        outbox::new_id(&state.base_url, "activities"),
        actor,
        json,
        to,
    );
    update.context = Some(context);
    let inboxes = crate::follows::model::follower_inboxes(conn, actor.id)?;
    outbox::enqueue(conn, &state.domain, actor, &update, inboxes)?;
    Ok(())
}
