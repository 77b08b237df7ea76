//! Communities on the wire, following FEP-1b12: a community is a `Group`; joining is
//! `Follow`/`Accept` (or `Reject`); members send their `Create`/`Update`/`Delete` of threads
//! (`Page`, with a `name`) and replies (`Note`, with `inReplyTo`) to the group, which stores
//! them and `Announce`s the activity, unchanged, to its members' servers. Every object names the
//! group in `audience`. Managers act as the group: `Remove` of a message, `Block` of a person
//! (with Lemmy's `removeData`), `Update` of the group (its details, its moderators).
//!
//! Content of closed and secret communities is addressed to the group's members only (never
//! `as:Public`) and served only to signed requesters allowed by [`super::sight`].

use super::{
    Seen, Sight,
    model::{self, ACCEPTED, BANNED, CommunityRow, INVITED, MemberRow, NewPost, PENDING, PostRow},
};
use crate::{
    actors::{self, federation::ActorJson, model as actor_model, model::DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult},
    federation::{
        PUBLIC,
        activities::{
            IdRef,
            follow::{Accept, Follow, Reject, Undo},
            one_or_many_urls,
        },
        fetch::{Requester, activity_json, gone, wants_activity_json},
        outbox::{self, new_id},
        same_origin,
    },
    html,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{OriginalUri, Path},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

/// Longest remote message kept, in bytes of HTML.
const MAX_REMOTE_CONTENT: usize = 100_000;

/// The `@context` of group documents and community posts.
pub fn group_context() -> Value {
    crate::federation::context(&[
        ("pst", json!(crate::profiles::federation::NAMESPACE)),
        ("lemmy", json!("https://join-lemmy.org/ns#")),
        ("access", json!("pst:access")),
        (
            "charter",
            json!({"@id": "pst:charter", "@type": "rdf:HTML"}),
        ),
        ("rdf", json!("http://www.w3.org/1999/02/22-rdf-syntax-ns#")),
        (
            "postingRestrictedToMods",
            json!("lemmy:postingRestrictedToMods"),
        ),
        ("stickied", json!("lemmy:stickied")),
        ("commentsEnabled", json!("lemmy:commentsEnabled")),
        ("removeData", json!("lemmy:removeData")),
    ])
}

fn url(s: &str) -> AppResult<Url> {
    Ok(Url::parse(s)?)
}

fn public() -> Url {
    Url::parse(PUBLIC).expect("valid")
}

/// The document of a local community.
pub fn group_document(
    state: &AppState,
    actor: &DbActor,
    details: &CommunityRow,
) -> AppResult<Value> {
    let mut v = serde_json::to_value(actor.to_json()?)?;
    if let Value::Object(map) = &mut v {
        map.insert(
            "attributedTo".into(),
            json!(state.url(&format!(
                "{}/moderators",
                super::community_path(&actor.username)
            ))),
        );
        map.insert("access".into(), json!(details.access));
        map.insert("postingRestrictedToMods".into(), json!(false));
        if !details.charter.is_empty() {
            map.insert("charter".into(), json!(details.charter));
        }
        if let Some(l) = &details.language {
            map.insert("contentMap".into(), json!({ l: actor.summary }));
        }
    }
    Ok(v)
}

/// Stores what a remote `Group` document says about its community, inside the transaction
/// that stores the actor. Groups that say nothing of access (Lemmy, Mastodon-side groups) are
/// open; the charter is sanitised.
pub fn store_from_actor(conn: &mut DbConn, actor: &DbActor, json: &ActorJson) -> AppResult<()> {
    let access = json
        .access
        .as_deref()
        .filter(|a| super::ACCESS.contains(a))
        .unwrap_or("open");
    let created_at = model::get(conn, actor.id)?
        .map(|r| r.created_at)
        .unwrap_or_else(now);
    model::upsert(
        conn,
        &CommunityRow {
            actor_id: actor.id,
            access: access.to_string(),
            charter: html::sanitize(json.charter.as_deref().unwrap_or("")),
            charter_source: String::new(),
            language: None,
            created_at,
        },
    )?;
    Ok(())
}

/// A thread (`Page`) or a reply (`Note`) on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunityPostJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "crate::federation::activities::first_id")]
    pub attributed_to: IdRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::posts::federation::Source>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub in_reply_to: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub audience: Option<IdRef>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub url: Option<Url>,
    /// Mentions (other tags are ignored).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::posts::federation::tags"
    )]
    pub tag: Vec<crate::posts::federation::Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stickied: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_enabled: Option<bool>,
}

/// The types read as community posts.
const POST_TYPES: &[&str] = &["Page", "Note", "Article"];

impl CommunityPostJson {
    /// The group this object names (its `audience`, else the first of `to`/`cc`).
    fn group_candidates(&self) -> Vec<Url> {
        self.audience
            .iter()
            .map(|a| a.0.clone())
            .chain(self.to.iter().cloned())
            .chain(self.cc.iter().cloned())
            .filter(|u| u.as_str() != PUBLIC)
            .collect()
    }
}

/// The `Mention` tags of one of our posts (its text read again: mentions are not stored).
fn mention_tags(
    conn: &mut DbConn,
    state: &AppState,
    post: &PostRow,
) -> AppResult<Vec<crate::posts::federation::Tag>> {
    Ok(match (&post.source, post.gone()) {
        (Some(text), false) => super::mentioned(conn, text, &state.domain)?
            .iter()
            .map(crate::posts::federation::Tag::mention)
            .collect(),
        _ => vec![],
    })
}

/// Builds the wire form of one of our posts (`parent` is what a reply answers).
pub fn post_json(
    post: &PostRow,
    author: &DbActor,
    community: &DbActor,
    details: &CommunityRow,
    parent: Option<&PostRow>,
) -> AppResult<CommunityPostJson> {
    let group = community.ap_id.0.clone();
    let (to, cc) = if details.access == "open" {
        (vec![group.clone(), public()], vec![])
    } else {
        (vec![group.clone()], vec![])
    };
    Ok(CommunityPostJson {
        kind: if post.thread_id.is_none() {
            "Page"
        } else {
            "Note"
        }
        .into(),
        id: url(&post.ap_id)?,
        attributed_to: IdRef(author.ap_id.0.clone()),
        name: post.title.clone(),
        content: Some(post.content.clone()),
        media_type: Some("text/html".into()),
        source: post
            .source
            .as_ref()
            .map(|s| crate::posts::federation::Source {
                content: s.clone(),
                media_type: "text/plain".into(),
            }),
        in_reply_to: parent.map(|p| url(&p.ap_id)).transpose()?,
        audience: Some(IdRef(group)),
        to,
        cc,
        published: Some(post.published.and_utc()),
        updated: post.updated.map(|u| u.and_utc()),
        url: post.url.as_deref().map(url).transpose()?,
        tag: vec![],
        stickied: post.thread_id.is_none().then_some(post.pinned),
        comments_enabled: post.thread_id.is_none().then_some(!post.locked),
    })
}

/// An activity in a community, as sent and as announced. `raw` keeps what was received, so the
/// group passes it on unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Activity {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: IdRef,
    pub object: Value,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<IdRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<IdRef>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "removeData"
    )]
    pub remove_data: Option<bool>,
}

fn activity(
    kind: &str,
    id: Url,
    actor: &DbActor,
    object: Value,
    community: &DbActor,
    open: bool,
) -> Activity {
    let group = community.ap_id.0.clone();
    Activity {
        context: Some(group_context()),
        kind: kind.into(),
        id,
        actor: IdRef(actor.ap_id.0.clone()),
        object,
        to: if open {
            vec![group.clone(), public()]
        } else {
            vec![group.clone()]
        },
        cc: vec![],
        target: None,
        audience: Some(IdRef(group)),
        remove_data: None,
    }
}

/// The group passes an activity on to its members' servers (`Announce`, unchanged inside).
fn announce(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    details: &CommunityRow,
    inner: Value,
    inboxes: &[String],
) -> AppResult<()> {
    let mut inner = inner;
    if let Value::Object(m) = &mut inner {
        m.remove("@context");
    }
    let mut a = activity(
        "Announce",
        new_id(&state.base_url, "activities"),
        community,
        inner,
        community,
        details.access == "open",
    );
    if let Some(followers) = &community.followers_url {
        a.cc.push(url(followers)?);
    }
    outbox::enqueue(conn, &state.domain, community, &a, inboxes.iter().cloned())?;
    Ok(())
}

/// Where a member's activity goes: to the group (remote community), or announced by the group
/// (ours).
fn distribute(
    conn: &mut DbConn,
    state: &AppState,
    by: &DbActor,
    community: &DbActor,
    details: &CommunityRow,
    activity: &Activity,
) -> AppResult<()> {
    if community.local {
        let inboxes = model::member_inboxes(conn, &state.community_inboxes, community.id)?;
        announce(
            conn,
            state,
            community,
            details,
            serde_json::to_value(activity)?,
            &inboxes,
        )
    } else {
        let inbox = community.delivery_inbox();
        outbox::enqueue(conn, &state.domain, by, activity, [inbox])?;
        Ok(())
    }
}

/// Our group sends one of its own activities to its members' servers (and to `also`).
fn to_members(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    activity: &Activity,
    also: Option<String>,
) -> AppResult<()> {
    let inboxes = model::member_inboxes(conn, &state.community_inboxes, community.id)?;
    let targets = inboxes.iter().cloned().chain(also);
    outbox::enqueue(conn, &state.domain, community, activity, targets)?;
    Ok(())
}

fn details_of(conn: &mut DbConn, community: &DbActor) -> AppResult<CommunityRow> {
    model::get(conn, community.id)?.ok_or_else(|| AppError::not_found("community"))
}

/// A member's new thread or reply leaves: `Create`.
pub fn send_create(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    seen: &Seen,
    post: &PostRow,
    parent: Option<&PostRow>,
    mentioned: &[DbActor],
) -> AppResult<()> {
    let mut json = post_json(post, author, &seen.actor, &seen.details, parent)?;
    json.tag = mentioned
        .iter()
        .map(crate::posts::federation::Tag::mention)
        .collect();
    let mut id = url(&post.ap_id)?;
    id.set_fragment(Some("create"));
    let a = activity(
        "Create",
        id,
        author,
        serde_json::to_value(json)?,
        &seen.actor,
        seen.details.access == "open",
    );
    distribute(conn, state, author, &seen.actor, &seen.details, &a)
}

/// The author erased their message: `Delete`.
pub fn send_delete(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    community: &DbActor,
    post: &PostRow,
) -> AppResult<()> {
    let details = details_of(conn, community)?;
    let a = activity(
        "Delete",
        new_id(&state.base_url, "activities"),
        author,
        json!(post.ap_id),
        community,
        details.access == "open",
    );
    distribute(conn, state, author, community, &details, &a)
}

/// A manager removed a message of our community: the group sends `Remove`.
pub fn send_remove(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    post: &PostRow,
) -> AppResult<()> {
    let details = details_of(conn, community)?;
    let mut a = activity(
        "Remove",
        new_id(&state.base_url, "activities"),
        community,
        json!(post.ap_id),
        community,
        details.access == "open",
    );
    a.target = community
        .outbox_url
        .as_deref()
        .map(url)
        .transpose()?
        .map(IdRef);
    to_members(conn, state, community, &a, None)
}

/// A thread of our community was pinned or locked: the group sends an `Update` of it.
pub fn send_thread_update(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    post: &PostRow,
) -> AppResult<()> {
    let details = details_of(conn, community)?;
    let author =
        actor_model::by_id(conn, post.author_id)?.ok_or_else(|| AppError::not_found("author"))?;
    let json = post_json(post, &author, community, &details, None)?;
    let a = activity(
        "Update",
        new_id(&state.base_url, "activities"),
        community,
        serde_json::to_value(json)?,
        community,
        details.access == "open",
    );
    to_members(conn, state, community, &a, None)
}

/// The group's own details changed: `Update` of the group to its members' servers.
pub fn send_group_update(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    details: &CommunityRow,
) -> AppResult<()> {
    let doc = group_document(state, community, details)?;
    let a = activity(
        "Update",
        new_id(&state.base_url, "activities"),
        community,
        doc,
        community,
        details.access == "open",
    );
    to_members(conn, state, community, &a, None)
}

/// A member of ours asks to join a remote community: `Follow` to the group.
pub fn send_join(
    conn: &mut DbConn,
    state: &AppState,
    member: &DbActor,
    community: &DbActor,
) -> AppResult<()> {
    let id = new_id(&state.base_url, "activities");
    model::set_membership(
        conn,
        community.id,
        member.id,
        "member",
        PENDING,
        Some(id.as_str()),
        now(),
    )?;
    let follow = Follow::new(id, member, community);
    outbox::enqueue(
        conn,
        &state.domain,
        member,
        &follow,
        [community.inbox_url.clone()],
    )?;
    Ok(())
}

fn follow_of(state: &AppState, row: &MemberRow, member: &DbActor, community: &DbActor) -> Follow {
    let id = row
        .follow_ap_id
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .unwrap_or_else(|| new_id(&state.base_url, "activities"));
    Follow::new(id, member, community)
}

/// A member of ours leaves a remote community: `Undo` of their `Follow`.
pub fn send_leave(
    conn: &mut DbConn,
    state: &AppState,
    member: &DbActor,
    community: &DbActor,
    row: &MemberRow,
) -> AppResult<()> {
    let undo = Undo::new(
        new_id(&state.base_url, "activities"),
        member,
        follow_of(state, row, member, community),
    );
    outbox::enqueue(
        conn,
        &state.domain,
        member,
        &undo,
        [community.inbox_url.clone()],
    )?;
    Ok(())
}

/// Our community accepts a remote person.
pub fn send_accept(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
    row: &MemberRow,
) -> AppResult<()> {
    let follow = follow_of(state, row, person, community);
    let accept = Accept::new(new_id(&state.base_url, "activities"), community, follow);
    answer(conn, state, community, person, &accept)
}

/// Our community refuses (or removes) a remote person.
pub fn send_reject(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
    row: &MemberRow,
) -> AppResult<()> {
    let follow = follow_of(state, row, person, community);
    let reject = Reject::new(new_id(&state.base_url, "activities"), community, follow);
    answer(conn, state, community, person, &reject)
}

/// Queues the group's answer to a person's `Follow`, for that person only.
fn answer(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
    activity: &impl Serialize,
) -> AppResult<()> {
    outbox::enqueue(
        conn,
        &state.domain,
        community,
        activity,
        [person.inbox_url.clone()],
    )?;
    Ok(())
}

fn block_activity(
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
    remove_data: bool,
) -> Activity {
    Activity {
        context: Some(group_context()),
        kind: "Block".into(),
        id: new_id(&state.base_url, "activities"),
        actor: IdRef(community.ap_id.0.clone()),
        object: json!(person.ap_id.0),
        to: vec![community.ap_id.0.clone()],
        cc: vec![],
        target: Some(IdRef(community.ap_id.0.clone())),
        audience: Some(IdRef(community.ap_id.0.clone())),
        remove_data: Some(remove_data),
    }
}

/// Our community invites a person of another server: `Invite` (actor and object the group,
/// `target` the person), to the person only.
pub fn send_invite(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
) -> AppResult<()> {
    let mut a = activity(
        "Invite",
        new_id(&state.base_url, "activities"),
        community,
        json!(community.ap_id.0),
        community,
        false,
    );
    a.to = vec![person.ap_id.0.clone()];
    a.target = Some(IdRef(person.ap_id.0.clone()));
    outbox::enqueue(
        conn,
        &state.domain,
        community,
        &a,
        [person.inbox_url.clone()],
    )?;
    Ok(())
}

/// Our community bans a person: `Block` (with `removeData`) to the members' servers and to the
/// person's, so everyone stops showing what they wrote here.
pub fn send_ban(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
    remove_data: bool,
) -> AppResult<()> {
    let a = block_activity(state, community, person, remove_data);
    let person_inbox = (!person.local).then(|| person.delivery_inbox());
    to_members(conn, state, community, &a, person_inbox)
}

/// Our community lifts a ban: `Undo` of the `Block`.
pub fn send_unban(
    conn: &mut DbConn,
    state: &AppState,
    community: &DbActor,
    person: &DbActor,
) -> AppResult<()> {
    let mut block = serde_json::to_value(block_activity(state, community, person, false))?;
    if let Value::Object(m) = &mut block {
        m.remove("@context");
    }
    let a = Activity {
        kind: "Undo".into(),
        id: new_id(&state.base_url, "activities"),
        object: block,
        remove_data: None,
        target: None,
        ..block_activity(state, community, person, false)
    };
    let person_inbox = (!person.local).then(|| person.delivery_inbox());
    to_members(conn, state, community, &a, person_inbox)
}

// ---------------------------------------------------------------------------------------------
// Receiving

/// Software of a server, read from its NodeInfo (`None` when it does not say).
pub(super) async fn software_of(data: &Data<AppState>, actor: &DbActor) -> Option<String> {
    let base = actor.ap_id.join("/.well-known/nodeinfo").ok()?;
    let links: Value = fetch_json(data, &base).await?;
    let href = links["links"]
        .as_array()?
        .iter()
        .filter_map(|l| l["href"].as_str())
        .find(|h| h.contains("nodeinfo/2"))?;
    let href = Url::parse(href).ok()?;
    same_origin(&href, &actor.ap_id).ok()?;
    let info: Value = fetch_json(data, &href).await?;
    info["software"]["name"].as_str().map(str::to_lowercase)
}

async fn fetch_json(data: &Data<AppState>, u: &Url) -> Option<Value> {
    crate::federation::check_url_allowed(u, data.url_policy()).ok()?;
    let resp = data
        .http
        .get(u.clone())
        .header("Accept", "application/json")
        .send()
        .await
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let bytes = resp.bytes().await.ok()?;
    if bytes.len() > 100_000 {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// A remote person's `Follow` of one of our communities: a request to join. Closed and secret
/// communities only take people from servers that keep their content private (Passerelle).
pub async fn receive_follow(
    data: &Data<AppState>,
    follower: DbActor,
    community: DbActor,
    follow_id: Url,
) -> AppResult<()> {
    let (c, f) = (community.id, follower.id);
    let (details, row) = data
        .db
        .read(move |conn| {
            Ok((
                details_of(conn, &community)?,
                model::membership(conn, c, f)?,
            ))
        })
        .await?;
    let community = actors::by_id(data, c).await?;
    if details.access == "secret"
        && row
            .as_ref()
            .is_none_or(|r| r.state != INVITED && r.state != ACCEPTED)
    {
        return Err(AppError::NotFound(format!(
            "{} is not an actor here",
            community.ap_id
        )));
    }
    if details.access != "open"
        && software_of(data, &follower).await.as_deref() != Some("passerelle")
    {
        let state = (**data).clone();
        let (cm, fl) = (community.clone(), follower.clone());
        let fid = follow_id.clone();
        data.db
            .write(move |conn| {
                let row = MemberRow {
                    id: 0,
                    community_id: cm.id,
                    member_id: fl.id,
                    role: "member".into(),
                    state: PENDING.into(),
                    follow_ap_id: Some(fid.to_string()),
                    created_at: now(),
                    joined_at: None,
                };
                send_reject(conn, &state, &cm, &fl, &row)
            })
            .await?;
        crate::federation::delivery::wake(data);
        return Err(AppError::Forbidden(format!(
            "{} is a {} community: only members of servers that keep its content private \
             (Passerelle) can join it",
            community.ap_id, details.access
        )));
    }
    let state = (**data).clone();
    crate::federation::inbox::commit(data, &follow_id.clone(), move |conn| {
        if row.as_ref().is_some_and(|r| r.state == BANNED) {
            return Err(AppError::Forbidden(format!(
                "{} does not accept this person any more",
                community.ap_id
            )));
        }
        let at = now();
        let new_state = match (
            row.as_ref().map(|r| r.state.as_str()),
            details.access.as_str(),
        ) {
            (Some(ACCEPTED | INVITED), _) | (_, "open") => ACCEPTED,
            _ => PENDING,
        };
        let role = row
            .as_ref()
            .map(|r| r.role.clone())
            .unwrap_or_else(|| "member".into());
        let row = model::set_membership(
            conn,
            community.id,
            follower.id,
            &role,
            new_state,
            Some(follow_id.as_str()),
            at,
        )?;
        if new_state == ACCEPTED {
            send_accept(conn, &state, &community, &follower, &row)
        } else {
            super::notify_managers(
                conn,
                &community,
                crate::notifications::COMMUNITY_REQUEST,
                follower.id,
            )
        }
    })
    .await?;
    crate::federation::delivery::wake(data);
    Ok(())
}

/// A remote community answered one of our members' requests. Returns false when the answer is
/// not about a community membership.
pub fn receive_answer(
    conn: &mut DbConn,
    community: &DbActor,
    follow_id: Option<&str>,
    follower: Option<&str>,
    accepted: bool,
) -> AppResult<bool> {
    let row = match follow_id
        .map(|f| model::membership_by_follow(conn, f))
        .transpose()?
        .flatten()
    {
        Some(r) => Some(r),
        None => match follower
            .map(|f| actor_model::by_ap_id(conn, f))
            .transpose()?
            .flatten()
        {
            Some(f) => model::membership(conn, community.id, f.id)?,
            None => None,
        },
    };
    let Some(row) = row.filter(|r| r.community_id == community.id) else {
        return Ok(false);
    };
    if accepted {
        if row.state != ACCEPTED {
            model::set_membership(
                conn,
                community.id,
                row.member_id,
                &row.role,
                ACCEPTED,
                None,
                now(),
            )?;
            crate::notifications::notify_actor(
                conn,
                row.member_id,
                crate::notifications::COMMUNITY_ACCEPTED,
                Some(community.id),
                Some(&crate::web::profile_path(community)),
            )?;
        }
    } else if row.state != BANNED {
        model::remove_membership(conn, community.id, row.member_id)?;
    }
    Ok(true)
}

/// A remote person leaves one of our communities (`Undo` of their `Follow`). Returns false when
/// it is not about a membership.
pub fn receive_undo_follow(
    conn: &mut DbConn,
    follower: &DbActor,
    follow_id: &str,
    object: Option<&str>,
) -> AppResult<bool> {
    let row = match model::membership_by_follow(conn, follow_id)? {
        Some(r) => Some(r),
        None => match object
            .map(|o| actor_model::by_ap_id(conn, o))
            .transpose()?
            .flatten()
        {
            Some(c) if c.kind == "group" => model::membership(conn, c.id, follower.id)?,
            _ => None,
        },
    };
    match row.filter(|r| r.member_id == follower.id) {
        Some(r) if r.state != BANNED => {
            model::remove_membership(conn, r.community_id, follower.id)?;
            Ok(true)
        }
        Some(_) => Ok(true),
        None => Ok(false),
    }
}

/// Whether a received object belongs to a community known here: it names a group, or answers a
/// community post we have.
pub fn is_community_object(conn: &mut DbConn, object: &Value) -> AppResult<Option<i64>> {
    let Ok(json) = serde_json::from_value::<CommunityPostJson>(object.clone()) else {
        return Ok(None);
    };
    community_of(conn, &json)
}

fn community_of(conn: &mut DbConn, json: &CommunityPostJson) -> AppResult<Option<i64>> {
    for u in json.group_candidates() {
        if let Some(a) = actor_model::by_ap_id(conn, u.as_str())?
            && a.kind == "group"
        {
            return Ok(Some(a.id));
        }
    }
    if let Some(parent) = &json.in_reply_to
        && let Some(p) = model::post_by_ap_id(conn, parent.as_str())?
    {
        return Ok(Some(p.community_id));
    }
    Ok(None)
}

/// Stores a community post (local community: from a member; remote one: announced by its
/// group). `raw` is the received activity, which our groups announce unchanged.
fn store_post(
    conn: &mut DbConn,
    author: &DbActor,
    community: &DbActor,
    json: &CommunityPostJson,
) -> AppResult<Option<PostRow>> {
    if !POST_TYPES.contains(&json.kind.as_str()) {
        return Err(AppError::BadRequest(format!(
            "object type {} cannot be posted in a community",
            json.kind
        )));
    }
    if json.attributed_to.0 != *author.ap_id {
        return Err(AppError::BadRequest(
            "the message must be attributed to the activity's actor".into(),
        ));
    }
    same_origin(&json.id, &author.ap_id)?;
    let parent = match &json.in_reply_to {
        Some(p) => Some(
            model::post_by_ap_id(conn, p.as_str())?
                .filter(|p| p.community_id == community.id && !p.gone())
                .ok_or_else(|| {
                    AppError::NotFound(format!("{p} is not a message of this community"))
                })?,
        ),
        None => None,
    };
    let thread = match &parent {
        None => None,
        Some(p) => Some(match p.thread_id {
            None => p.clone(),
            Some(t) => model::post(conn, t)?.ok_or_else(|| AppError::not_found("thread"))?,
        }),
    };
    if community.local && thread.as_ref().is_some_and(|t| t.locked) {
        return Err(AppError::Forbidden("this thread is locked".into()));
    }
    let content = json.content.clone().unwrap_or_default();
    if content.len() > MAX_REMOTE_CONTENT {
        return Err(AppError::BadRequest("the message is too long".into()));
    }
    let title = match (&thread, &json.name) {
        (None, Some(n)) => Some(
            html::strip_tags(n)
                .chars()
                .take(super::MAX_TITLE)
                .collect::<String>(),
        ),
        (None, None) => Some(
            html::strip_tags(&content)
                .chars()
                .take(80)
                .collect::<String>(),
        ),
        _ => None,
    };
    let at = now();
    let published = json.published.map(|p| p.naive_utc()).unwrap_or(at).min(at);
    let inserted = model::insert_received_post(
        conn,
        &NewPost {
            ap_id: json.id.to_string(),
            community_id: community.id,
            author_id: author.id,
            thread_id: thread.as_ref().map(|t| t.id),
            parent_id: parent.as_ref().map(|p| p.id),
            title,
            content: html::sanitize(&content),
            source: None,
            language: None,
            local: false,
            url: json
                .url
                .as_ref()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(Url::to_string),
            published,
            updated: None,
            last_activity_at: at,
            created_at: at,
        },
    )?;
    // a message we already have (sent again under another activity id) changes nothing
    let Some(mut post) = inserted else {
        return Ok(None);
    };
    if let Some(t) = &thread {
        model::touch_thread(conn, t.id, at)?;
    }
    if let Some(flags) = json.stickied.zip(json.comments_enabled)
        && !community.local
        && thread.is_none()
    {
        model::set_flags(conn, post.id, flags.0, !flags.1)?;
        post = model::post(conn, post.id)?.ok_or_else(|| AppError::not_found("message"))?;
    }
    if let Some(p) = &parent
        && p.author_id != author.id
    {
        super::notify_reply(conn, p, author)?;
    }
    let mut people = vec![];
    for t in json.tag.iter().filter(|t| t.kind == "Mention") {
        if let Some(href) = &t.href
            && let Some(a) = actor_model::by_ap_id(conn, href.as_str())?
            && a.local
        {
            people.push(a);
        }
    }
    super::notify_mentions(
        conn,
        &post,
        author,
        &people,
        parent.as_ref().map(|p| p.author_id),
    )?;
    Ok(Some(post))
}

/// A remote member's activity addressed to one of our communities (`Create`, `Update` or
/// `Delete` of their message): checked against the membership, applied, and announced
/// unchanged to the members' servers.
pub fn receive_member_activity(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    community_id: i64,
    raw: Value,
) -> AppResult<()> {
    let (community, details, members_version) = model::with_details(conn, community_id)?
        .filter(|(c, ..)| c.local)
        .ok_or_else(|| AppError::not_found("community"))?;
    let member = model::membership(conn, community.id, author.id)?;
    if member.as_ref().is_none_or(|m| m.state != ACCEPTED) {
        return Err(AppError::Forbidden(format!(
            "{} is not a member of {}: join it first",
            author.ap_id, community.ap_id
        )));
    }
    let kind = raw["type"].as_str().unwrap_or("").to_string();
    match kind.as_str() {
        "Create" | "Update" => {
            let json: CommunityPostJson = serde_json::from_value(raw["object"].clone())
                .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
            if details.access != "open"
                && json.to.iter().chain(&json.cc).any(|u| u.as_str() == PUBLIC)
            {
                return Err(AppError::BadRequest(
                    "messages of a closed or secret community cannot be public".into(),
                ));
            }
            if kind == "Create" {
                if store_post(conn, author, &community, &json)?.is_none() {
                    return Ok(());
                }
            } else {
                apply_edit(conn, author, &json)?;
            }
        }
        "Delete" => {
            let id = object_id(&raw["object"])
                .ok_or_else(|| AppError::BadRequest("Delete without object".into()))?;
            apply_delete(conn, author, &id)?;
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "{other} is not accepted by a community"
            )));
        }
    }
    let inboxes = model::member_inboxes_at(
        conn,
        &state.community_inboxes,
        community.id,
        members_version,
    )?;
    announce(conn, state, &community, &details, raw, &inboxes)
}

fn object_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get("id")?.as_str().map(str::to_string),
        _ => None,
    }
}

fn apply_edit(conn: &mut DbConn, author: &DbActor, json: &CommunityPostJson) -> AppResult<()> {
    let post = model::post_by_ap_id(conn, json.id.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("{} is not known here", json.id)))?;
    if post.author_id != author.id {
        return Err(AppError::Forbidden(
            "only the author edits a message".into(),
        ));
    }
    if post.gone() {
        return Ok(());
    }
    let content = json.content.clone().unwrap_or_default();
    if content.len() > MAX_REMOTE_CONTENT {
        return Err(AppError::BadRequest("the message is too long".into()));
    }
    let title = match (post.thread_id, &json.name) {
        (None, Some(n)) => Some(
            html::strip_tags(n)
                .chars()
                .take(super::MAX_TITLE)
                .collect::<String>(),
        ),
        _ => post.title.clone(),
    };
    model::update_post(
        conn,
        post.id,
        title.as_deref(),
        &html::sanitize(&content),
        None,
        now(),
    )?;
    Ok(())
}

fn apply_delete(conn: &mut DbConn, author: &DbActor, id: &str) -> AppResult<()> {
    if let Some(post) = model::post_by_ap_id(conn, id)? {
        if post.author_id != author.id {
            return Err(AppError::Forbidden(
                "only the author deletes a message".into(),
            ));
        }
        model::mark_deleted(conn, post.id, now())?;
    }
    Ok(())
}

/// `Announce` by a remote group of one of its members' activities (or of its own `Remove`,
/// `Block`, `Update`). Applied only when one of our members belongs to the group. The inner
/// activity must come from the group's server, or its object is fetched from its origin when
/// it is public; the group vouches for the private messages of its members (closed and secret
/// communities), which cannot be fetched by a third server.
pub async fn receive_announce(
    data: &Data<AppState>,
    group: DbActor,
    id: Url,
    object: Value,
) -> AppResult<()> {
    if group.kind != "group" {
        return Err(AppError::BadRequest(
            "only groups' Announces are taken (boosts are not supported yet)".into(),
        ));
    }
    let g = group.id;
    let wanted = data.db.read(move |c| has_local_member(c, g)).await?;
    if !wanted {
        // nobody here belongs to this group: nothing to keep
        return crate::federation::inbox::commit(data, &id, |_| Ok(())).await;
    }
    let (inner, fetched): (Activity, bool) = match object {
        // some groups announce by id: the object is fetched from its origin
        Value::String(s) => (announced_by_id(data, &s).await?, true),
        v => (
            serde_json::from_value(v.clone()).map_err(|e| {
                AppError::BadRequest(format!("the announced activity cannot be read: {e}"))
            })?,
            false,
        ),
    };
    let actor_url = inner.actor.0.clone();
    let from_group_server = same_origin(&actor_url, &group.ap_id).is_ok();
    let inner_actor = if actor_url == *group.ap_id {
        group.clone()
    } else {
        actors::federation::dereference(data, &actor_url).await?
    };
    same_origin(&inner.id, &inner_actor.ap_id)?;
    let mut inner = inner;
    if matches!(inner.kind.as_str(), "Create" | "Update") && !from_group_server && !fetched {
        let json: CommunityPostJson = serde_json::from_value(inner.object.clone())
            .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
        let public = json.to.iter().chain(&json.cc).any(|u| u.as_str() == PUBLIC);
        // our own members' messages come back in the group's Announce: nothing to check
        if public && !data.is_local_url(&json.id) {
            // the announced copy is checked against its origin
            let fetched: CommunityPostJson =
                activitypub_federation::fetch::fetch_object_http(&json.id, data)
                    .await?
                    .object;
            same_origin(&fetched.id, &json.id)?;
            inner.object = serde_json::to_value(fetched)?;
        }
    }
    crate::federation::inbox::commit(data, &id, move |conn| {
        apply_announced(conn, &group, &inner_actor, &inner)
    })
    .await
}

/// The activity an `Announce` names by id: a message (taken as its author's `Create`), or an
/// activity, fetched from its origin.
async fn announced_by_id(data: &Data<AppState>, id: &str) -> AppResult<Activity> {
    let url = Url::parse(id)?;
    if data.is_local_url(&url) {
        return Err(AppError::BadRequest(
            "an announced object of this server is not fetched".into(),
        ));
    }
    let fetched: Value = activitypub_federation::fetch::fetch_object_http(&url, data)
        .await?
        .object;
    let kind = fetched["type"].as_str().unwrap_or("").to_string();
    let fetched_id = fetched["id"].as_str().map(Url::parse).transpose()?;
    if fetched_id.as_ref() != Some(&url) {
        return Err(AppError::BadRequest(format!(
            "{url} answered with another object"
        )));
    }
    if POST_TYPES.contains(&kind.as_str()) {
        let json: CommunityPostJson = serde_json::from_value(fetched.clone())
            .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
        let mut create_id = url.clone();
        create_id.set_fragment(Some("create"));
        return Ok(Activity {
            context: None,
            kind: "Create".into(),
            id: create_id,
            actor: json.attributed_to.clone(),
            object: fetched,
            to: json.to,
            cc: json.cc,
            target: None,
            audience: json.audience,
            remove_data: None,
        });
    }
    serde_json::from_value(fetched)
        .map_err(|e| AppError::BadRequest(format!("the announced activity cannot be read: {e}")))
}

fn apply_announced(
    conn: &mut DbConn,
    group: &DbActor,
    actor: &DbActor,
    inner: &Activity,
) -> AppResult<()> {
    match inner.kind.as_str() {
        "Create" => {
            let json: CommunityPostJson = serde_json::from_value(inner.object.clone())
                .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
            // a message naming another group is not this group's to announce; one naming no
            // group (servers without `audience`) is taken as the group's
            match community_of(conn, &json)? {
                Some(other) if other != group.id => Err(AppError::BadRequest(
                    "the announced message is not addressed to this group".into(),
                )),
                _ => store_post(conn, actor, group, &json).map(|_| ()),
            }
        }
        "Update" if inner.object.get("type").and_then(Value::as_str) == Some("Group") => Ok(()),
        "Update" => {
            let json: CommunityPostJson = serde_json::from_value(inner.object.clone())
                .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
            if actor.id == group.id {
                // the group's managers pinned or locked a thread
                if let Some(post) = model::post_by_ap_id(conn, json.id.as_str())?
                    && post.community_id == group.id
                    && post.thread_id.is_none()
                {
                    model::set_flags(
                        conn,
                        post.id,
                        json.stickied.unwrap_or(post.pinned),
                        !json.comments_enabled.unwrap_or(!post.locked),
                    )?;
                }
                Ok(())
            } else {
                apply_edit(conn, actor, &json)
            }
        }
        "Delete" => {
            let id = object_id(&inner.object)
                .ok_or_else(|| AppError::BadRequest("Delete without object".into()))?;
            apply_delete(conn, actor, &id)
        }
        "Remove" if actor.id == group.id => {
            let id = object_id(&inner.object)
                .ok_or_else(|| AppError::BadRequest("Remove without object".into()))?;
            if let Some(post) = model::post_by_ap_id(conn, &id)?
                && post.community_id == group.id
            {
                model::mark_removed(conn, post.id, now())?;
            }
            Ok(())
        }
        "Block" if actor.id == group.id => receive_ban(conn, group, inner),
        "Invite" if actor.id == group.id => receive_invite(conn, group, inner),
        "Undo" if actor.id == group.id => receive_unban(conn, group, inner),
        _ => Ok(()),
    }
}

/// The remote group banned someone: one of our members loses their membership (and, with
/// `removeData`, what they wrote there disappears here too).
fn receive_ban(conn: &mut DbConn, group: &DbActor, block: &Activity) -> AppResult<()> {
    let Some(id) = object_id(&block.object) else {
        return Err(AppError::BadRequest("Block without object".into()));
    };
    if let Some(person) = actor_model::by_ap_id(conn, &id)? {
        let at = now();
        if block.remove_data.unwrap_or(false) {
            model::remove_all_of(conn, Some(group.id), person.id, at)?;
        }
        if person.local || model::membership(conn, group.id, person.id)?.is_some() {
            model::set_membership(conn, group.id, person.id, "member", BANNED, None, at)?;
        }
    }
    Ok(())
}

fn receive_unban(conn: &mut DbConn, group: &DbActor, undo: &Activity) -> AppResult<()> {
    if undo.object.get("type").and_then(Value::as_str) != Some("Block") {
        return Ok(());
    }
    if let Some(id) = undo.object.get("object").and_then(object_id)
        && let Some(person) = actor_model::by_ap_id(conn, &id)?
        && model::membership(conn, group.id, person.id)?.is_some_and(|m| m.state == BANNED)
    {
        model::remove_membership(conn, group.id, person.id)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Serving

/// Our community by handle as the signed requester sees it (404 when hidden).
async fn served(
    data: &Data<AppState>,
    handle: &str,
    requester: Option<DbActor>,
) -> AppResult<Seen> {
    super::local_seen(data, handle, requester).await
}

/// `GET /c/{handle}`: the `Group` for ActivityPub clients (404 for a secret community unless
/// the signed requester is a member, an invitee, or their server), its page for browsers.
pub async fn group(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(handle): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let seen = served(&data, &handle, requester).await?;
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/@{}", seen.actor.username)).into_response());
    }
    let doc = group_document(&data, &seen.actor, &seen.details)?;
    Ok(activity_json(group_context(), &doc))
}

/// `GET /c/{handle}/moderators`: owners and managers (Lemmy reads them here).
pub async fn moderators(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    let seen = served(&data, &handle, requester).await?;
    let id = data.url(&format!(
        "{}/moderators",
        super::community_path(&seen.actor.username)
    ));
    let c = seen.actor.id;
    let items: Vec<String> = data
        .db
        .read(move |conn| Ok(model::members(conn, c, ACCEPTED, 1000)?))
        .await?
        .into_iter()
        .filter(|(r, _)| r.role == "owner" || r.role == "manager")
        .map(|(_, a)| a.ap_id.to_string())
        .collect();
    Ok(activity_json(
        json!("https://www.w3.org/ns/activitystreams"),
        &json!({"id": id, "type": "OrderedCollection", "totalItems": items.len(), "orderedItems": items}),
    ))
}

/// `GET /c/{handle}/followers`: how many members (the list itself stays private).
pub async fn followers(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    let seen = served(&data, &handle, requester).await?;
    let c = seen.actor.id;
    let total = data
        .db
        .read(move |conn| Ok(model::count_members(conn, c)?))
        .await?;
    Ok(activity_json(
        json!("https://www.w3.org/ns/activitystreams"),
        &json!({"id": seen.actor.followers_url, "type": "Collection", "totalItems": total}),
    ))
}

/// `GET /c/{handle}/outbox`: the latest threads, as the group announced them (readers only).
pub async fn outbox(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    let seen = served(&data, &handle, requester).await?;
    let id = seen.actor.outbox_url.clone().unwrap_or_default();
    let items = data
        .db
        .read(move |c| {
            let mut items = vec![];
            for item in super::threads_of(c, &seen, 0, 20)? {
                let json = post_json(&item.thread, &item.author, &seen.actor, &seen.details, None)?;
                let mut create_id = url(&item.thread.ap_id)?;
                create_id.set_fragment(Some("create"));
                let mut create = activity(
                    "Create",
                    create_id,
                    &item.author,
                    serde_json::to_value(json)?,
                    &seen.actor,
                    seen.details.access == "open",
                );
                create.context = None;
                let mut announce_id = url(&item.thread.ap_id)?;
                announce_id.set_fragment(Some("announce"));
                let mut a = activity(
                    "Announce",
                    announce_id,
                    &seen.actor,
                    serde_json::to_value(create)?,
                    &seen.actor,
                    seen.details.access == "open",
                );
                a.context = None;
                items.push(a);
            }
            Ok(items)
        })
        .await?;
    Ok(activity_json(
        group_context(),
        &json!({"id": id, "type": "OrderedCollection", "totalItems": items.len(), "orderedItems": items}),
    ))
}

/// `GET /threads/{uuid}`: a thread or a reply of one of our members, for whoever may read its
/// community (404 otherwise; 410 once erased); its page for browsers.
pub async fn post_document(
    data: Data<AppState>,
    Requester(requester): Requester,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let id = data.url(uri.path()).to_string();
    let state = (*data).clone();
    let found = data
        .db
        .read(move |c| {
            let post = model::post_by_ap_id(c, &id)?
                .filter(|p| p.local)
                .ok_or_else(|| AppError::not_found("message"))?;
            let community = actor_model::by_id(c, post.community_id)?
                .ok_or_else(|| AppError::not_found("message"))?;
            let seen = super::seen(c, community, requester.as_ref())?;
            if seen.sight < Sight::Reader {
                return Err(AppError::not_found("message"));
            }
            if post.gone() {
                return Ok(Err(url(&post.ap_id)?));
            }
            let page = super::thread_path(c, &post)?;
            let author = actor_model::by_id(c, post.author_id)?
                .ok_or_else(|| AppError::not_found("message"))?;
            let parent = match post.parent_id {
                Some(p) => model::post(c, p)?,
                None => None,
            };
            let mut json = post_json(&post, &author, &seen.actor, &seen.details, parent.as_ref())?;
            json.tag = mention_tags(c, &state, &post)?;
            Ok(Ok((page, json)))
        })
        .await?;
    match found {
        Err(id) => Ok(gone(&id)),
        Ok((page, _)) if !wants_activity_json(&headers) => Ok(Redirect::to(&page).into_response()),
        Ok((_, json)) => Ok(activity_json(group_context(), &json)),
    }
}

/// `POST /c/{handle}/inbox`. A secret community's inbox answers 404 to servers without a member
/// or an invitee (it does not exist for them).
pub async fn inbox(
    data: Data<AppState>,
    Path(handle): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (h, d) = (handle.clone(), data.domain.clone());
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    let signer_host = crate::federation::signatures::parse_request_signature(
        "POST",
        &path,
        &headers,
        &data.domain,
        Some(&body),
    )
    .ok()
    .and_then(|s| s.key_owner().ok())
    .and_then(|o| crate::federation::host_of(&o));
    let allowed = data
        .db
        .read(move |c| {
            let Some((actor, details)) = model::local_by_handle(c, &h, &d)? else {
                return Ok(false);
            };
            match signer_host {
                _ if details.access != "secret" => Ok(true),
                Some(host) => Ok(model::has_member_on(c, actor.id, &host, true)?),
                None => Ok(false),
            }
        })
        .await;
    match allowed {
        Ok(true) => crate::federation::inbox::respond(
            &data,
            crate::federation::inbox::receive(&data, &uri, &headers, &body).await,
        ),
        Ok(false) => AppError::not_found("actor").into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Activities sent by groups

/// Whether an activity sent by a group is one this module applies (an `Announce`, or the
/// group's own `Remove`, `Block`, `Undo` of a `Block`, `Update`/`Delete` of a message).
pub fn handles_from_group(kind: &str, json: &Value) -> bool {
    let object_type = json["object"].get("type").and_then(Value::as_str);
    match kind {
        "Announce" | "Remove" | "Block" | "Invite" => true,
        "Undo" => object_type == Some("Block"),
        "Update" => object_type.is_some_and(|t| POST_TYPES.contains(&t)),
        "Delete" => {
            json["object"] != json["actor"]
                && json["object"].as_str() != json["actor"].get("id").and_then(Value::as_str)
        }
        _ => false,
    }
}

/// Applies an activity sent by a remote group (see [`handles_from_group`]).
pub async fn receive_from_group(
    data: &Data<AppState>,
    group: DbActor,
    json: Value,
) -> AppResult<()> {
    let activity: Activity = serde_json::from_value(json)
        .map_err(|e| AppError::BadRequest(format!("the activity cannot be read: {e}")))?;
    if activity.actor.0 != *group.ap_id {
        return Err(AppError::BadRequest(
            "the activity's actor must be the group".into(),
        ));
    }
    if activity.kind == "Announce" {
        return receive_announce(data, group, activity.id, activity.object).await;
    }
    let id = activity.id.clone();
    crate::federation::inbox::commit(data, &id, move |conn| {
        apply_announced(conn, &group, &group.clone(), &activity)
    })
    .await
}

/// Whether an `Accept`/`Reject` from `community` answers one of our members' requests to join.
pub fn answers_membership(
    conn: &mut DbConn,
    community: &DbActor,
    follow_id: Option<&str>,
    follower: Option<&str>,
) -> AppResult<bool> {
    if let Some(f) = follow_id
        && model::membership_by_follow(conn, f)?.is_some_and(|r| r.community_id == community.id)
    {
        return Ok(true);
    }
    if let Some(f) = follower
        && let Some(a) = actor_model::by_ap_id(conn, f)?
    {
        return Ok(model::membership(conn, community.id, a.id)?.is_some());
    }
    Ok(false)
}

/// A `Create`, `Update` or `Delete` sent to us by a person about a community message: applied
/// (our community: [`receive_member_activity`], then announced) and `true` returned; a message
/// of another server's community is left to that group's `Announce`. `false` when the object is
/// not a community message.
pub async fn member_activity(
    data: &Data<AppState>,
    actor: &DbActor,
    raw: Value,
) -> AppResult<bool> {
    let object = raw["object"].clone();
    let id = match raw["id"].as_str().map(Url::parse) {
        Some(Ok(u)) => u,
        _ => return Ok(false),
    };
    let group = (actor.kind == "group" && raw["type"] == "Create").then_some(actor.id);
    // the community (and whether it is ours), in one read
    let community = data
        .db
        .read(move |c| {
            let found = match &object {
                Value::String(oid) => model::post_by_ap_id(c, oid)?.map(|p| p.community_id),
                Value::Object(m)
                    if m.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| POST_TYPES.contains(&t)) =>
                {
                    is_community_object(c, &object)?
                }
                _ => None,
            };
            let found = match (found, group) {
                (Some(f), _) => Some(f),
                // a group our members joined writing in its own name (not through an Announce)
                (None, Some(g)) => has_local_member(c, g)?.then_some(g),
                (None, None) => None,
            };
            Ok(match found {
                Some(id) => Some((id, actor_model::by_id(c, id)?.is_some_and(|a| a.local))),
                None => None,
            })
        })
        .await?;
    let Some((community_id, local)) = community else {
        return Ok(false);
    };
    // a message of another server's community reaches us through its group's Announce; sent
    // to us directly (a reply that mentions one of our members), it is an ordinary post
    let group_writes = community_id == actor.id;
    if !local && !group_writes {
        return Ok(false);
    }
    let state = (**data).clone();
    let actor = actor.clone();
    crate::federation::inbox::commit(data, &id, move |conn| {
        if !local {
            let json: CommunityPostJson = serde_json::from_value(raw["object"].clone())
                .map_err(|e| AppError::BadRequest(format!("the message cannot be read: {e}")))?;
            store_post(conn, &actor, &actor, &json)?;
            return Ok(());
        }
        receive_member_activity(conn, &state, &actor, community_id, raw)
    })
    .await?;
    crate::federation::delivery::wake(data);
    Ok(true)
}

/// Whether one of our members belongs to the (remote) group.
fn has_local_member(conn: &mut DbConn, group: i64) -> AppResult<bool> {
    use crate::db::schema::{actors, community_members};
    use diesel::prelude::*;
    Ok(diesel::select(diesel::dsl::exists(
        community_members::table
            .inner_join(actors::table.on(actors::id.eq(community_members::member_id)))
            .filter(community_members::community_id.eq(group))
            .filter(community_members::state.eq(ACCEPTED))
            .filter(actors::local.eq(true)),
    ))
    .get_result::<bool>(conn)?)
}

/// A remote group invites one of our members (its `target`): recorded as an invitation, and
/// the member is told. An invitation to someone already in (or banned) changes nothing.
fn receive_invite(conn: &mut DbConn, group: &DbActor, invite: &Activity) -> AppResult<()> {
    let Some(target) = &invite.target else {
        return Err(AppError::BadRequest("an Invite needs a target".into()));
    };
    let person = actor_model::by_ap_id(conn, target.0.as_str())?
        .filter(|a| a.local && a.kind == "person" && a.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("no member {} here", target.0)))?;
    if model::membership(conn, group.id, person.id)?.is_some() {
        return Ok(());
    }
    model::set_membership(conn, group.id, person.id, "member", INVITED, None, now())?;
    crate::notifications::notify_actor(
        conn,
        person.id,
        crate::notifications::COMMUNITY_INVITATION,
        Some(group.id),
        Some(&crate::web::profile_path(group)),
    )?;
    Ok(())
}
