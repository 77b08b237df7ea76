//! Communities: thematic groups (`Group` actors, FEP-1b12) run by community managers under a
//! charter. Three access types: **open** (anyone sees it and joins at once), **closed** (its
//! existence and description are public, its content is for members, joining is a request a
//! manager answers), **secret** (nobody but its members and invitees knows it exists: 404 for
//! everyone else, on every path). Roles: `owner`, `manager`, `member`. Members start threads
//! (title and text) and reply (nested); managers pin, lock and remove them, and ban people.
//!
//! One rule decides what anyone sees: [`sight`] — pages, the API and ActivityPub fetches alike.

pub mod api;
pub mod federation;
pub mod model;
pub mod stats;
pub mod web;

use crate::{
    accounts::{Member, Role},
    actors::{self, model as actor_model, model::DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::{delivery, signatures::generate_keys},
    html, notifications,
    state::AppState,
};
use model::{ACCEPTED, BANNED, CommunityRow, INVITED, MemberRow, NewPost, PENDING, PostRow};
use serde::{Deserialize, Serialize};

/// Access types, from the most to the least open.
pub const ACCESS: &[&str] = &["open", "closed", "secret"];
/// Roles in a community.
pub const ROLES: &[&str] = &["owner", "manager", "member"];

const MAX_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 5000;
const MAX_CHARTER: usize = 20_000;
pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;

/// What a member writes when creating or editing a community.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CommunityInput {
    /// Only when creating: the handle (`@handle@this-instance`), letters, digits and `_`.
    pub handle: Option<String>,
    pub name: String,
    /// Plain text; blank lines separate paragraphs.
    pub description: String,
    /// The rules members accept when they join (plain text).
    pub charter: String,
    /// BCP 47 tag of the community's language (`fr`, `en`), or empty.
    pub language: String,
    /// `open`, `closed` or `secret`.
    pub access: String,
}

struct ValidCommunity {
    handle: Option<String>,
    name: String,
    description_html: String,
    charter_html: String,
    charter_source: String,
    language: Option<String>,
    access: String,
}

impl CommunityInput {
    fn validate(self, creating: bool) -> AppResult<ValidCommunity> {
        let mut errors = vec![];
        let handle = if creating {
            match crate::accounts::validate_username(self.handle.as_deref().unwrap_or("")) {
                Ok(h) => Some(h),
                Err(e) => {
                    errors.push(FieldError {
                        field: "handle".into(),
                        ..e
                    });
                    None
                }
            }
        } else {
            None
        };
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "empty",
                "Give the community a name.",
            ));
        } else if name.chars().count() > MAX_NAME {
            errors.push(FieldError::new(
                "name",
                "too_long",
                format!("A name has at most {MAX_NAME} characters."),
            ));
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError::new(
                "description",
                "too_long",
                format!("The description has at most {MAX_DESCRIPTION} characters."),
            ));
        }
        let charter = self.charter.trim().to_string();
        if charter.chars().count() > MAX_CHARTER {
            errors.push(FieldError::new(
                "charter",
                "too_long",
                format!("The charter has at most {MAX_CHARTER} characters."),
            ));
        }
        let language = language_of(&mut errors, Some(self.language));
        let access = match self.access.trim() {
            "" => "open".to_string(),
            a if ACCESS.contains(&a) => a.to_string(),
            _ => {
                errors.push(FieldError::new(
                    "access",
                    "invalid",
                    "The access type is open, closed or secret.",
                ));
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ValidCommunity {
            handle,
            name,
            description_html: html::plain_text_to_html(&description),
            charter_html: html::plain_text_to_html(&charter),
            charter_source: charter,
            language,
            access,
        })
    }
}

/// A language tag as written (trimmed; `None` when blank), or an error on `language`.
fn language_of(errors: &mut Vec<FieldError>, value: Option<String>) -> Option<String> {
    let language = value
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    if let Some(l) = &language
        && !crate::posts::valid_language(l)
    {
        errors.push(FieldError::new(
            "language",
            "invalid",
            "The language must be a language code such as fr or en.",
        ));
    }
    language
}

/// Local URL path of a community's actor.
pub fn community_path(handle: &str) -> String {
    format!("/c/{handle}")
}

/// Whether `member` may create communities (the `instance.community_creation` setting).
pub fn may_create(state: &AppState, member: &Member) -> bool {
    match state.config.instance.community_creation {
        crate::config::CommunityCreation::Members => true,
        crate::config::CommunityCreation::Admins => member.role() == Role::Admin,
    }
}

/// Creates a community; its creator is its owner.
pub async fn create(
    state: &AppState,
    member: &Member,
    input: CommunityInput,
) -> AppResult<DbActor> {
    if !may_create(state, member) {
        return Err(AppError::Forbidden(
            "on this instance, only administrators create communities".into(),
        ));
    }
    let v = input.validate(true)?;
    let keys = tokio::task::spawn_blocking(generate_keys)
        .await
        .map_err(|e| anyhow::anyhow!("key generation: {e}"))??;
    let s = state.clone();
    let owner = member.actor.id;
    state
        .db
        .write(move |c| {
            let handle = v.handle.clone().unwrap_or_default();
            let actor = actors::create_local_actor(
                c,
                &s,
                "group",
                &community_path(&handle),
                &handle,
                &v.name,
                keys,
            )
            .map_err(|e| match e {
                AppError::Invalid(mut f) => {
                    f.iter_mut().for_each(|f| f.field = "handle".into());
                    AppError::Invalid(f)
                }
                e => e,
            })?;
            let at = now();
            let actor = actor_model::update_profile(
                c,
                actor.id,
                &v.name,
                &v.description_html,
                None,
                v.access != "open",
                at,
            )?;
            model::upsert(c, &row_of(actor.id, &v, at))?;
            model::set_membership(c, actor.id, owner, "owner", ACCEPTED, None, at)?;
            Ok(actor)
        })
        .await
}

fn row_of(actor_id: i64, v: &ValidCommunity, at: chrono::NaiveDateTime) -> CommunityRow {
    CommunityRow {
        actor_id,
        access: v.access.clone(),
        charter: v.charter_html.clone(),
        charter_source: v.charter_source.clone(),
        language: v.language.clone(),
        created_at: at,
    }
}

/// Managers edit the community (owners only change its access type); its members' servers
/// get an `Update` of the group.
pub async fn update(
    state: &AppState,
    member: &Member,
    community: DbActor,
    input: CommunityInput,
) -> AppResult<DbActor> {
    let v = input.validate(false)?;
    let (s, me) = (state.clone(), member.actor.clone());
    let actor = state
        .db
        .write(move |c| {
            let role = require_manager(c, &community, &me)?;
            let old =
                model::get(c, community.id)?.ok_or_else(|| AppError::not_found("community"))?;
            if v.access != old.access && role != "owner" {
                return Err(AppError::Forbidden(
                    "only the owners change the access type".into(),
                ));
            }
            let at = now();
            let actor = actor_model::update_profile(
                c,
                community.id,
                &v.name,
                &v.description_html,
                community.avatar_url.as_deref(),
                v.access != "open",
                at,
            )?;
            let mut row = row_of(actor.id, &v, at);
            row.created_at = old.created_at;
            model::upsert(c, &row)?;
            federation::send_group_update(c, &s, &actor, &row)?;
            Ok(actor)
        })
        .await?;
    delivery::wake(state);
    Ok(actor)
}

/// What someone can see of a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sight {
    /// Nothing, not even that it exists (a secret community): 404.
    Hidden,
    /// Its name, description and charter (a closed community, or an invitation).
    Outside,
    /// Also its threads (an open community, or the server of a member fetching).
    Reader,
    /// A member: reads and writes.
    Member,
    /// An owner or a manager.
    Manager,
}

/// The one visibility rule of communities. `viewer` is a local member, a signed remote actor,
/// or `None` for anonymous; `row` the viewer's membership (if any); a remote server's instance
/// actor reads the content when one of its people is a member (it fetches for them).
pub fn sight(
    conn: &mut DbConn,
    community: &DbActor,
    details: &CommunityRow,
    viewer: Option<&DbActor>,
    row: Option<&MemberRow>,
) -> AppResult<Sight> {
    if community.deleted_at.is_some() {
        return Ok(Sight::Hidden);
    }
    let secret = details.access == "secret";
    match row.map(|r| (r.state.as_str(), r.role.as_str())) {
        Some((ACCEPTED, "owner" | "manager")) => return Ok(Sight::Manager),
        Some((ACCEPTED, _)) => return Ok(Sight::Member),
        Some((BANNED, _)) => {
            return Ok(if secret {
                Sight::Hidden
            } else {
                Sight::Outside
            });
        }
        Some((INVITED, _)) => {
            return Ok(if details.access == "open" {
                Sight::Reader
            } else {
                Sight::Outside
            });
        }
        _ => {}
    }
    if let Some(v) = viewer
        && v.kind == "application"
        && !v.local
        && model::has_member_on(conn, community.id, &v.domain, secret)?
    {
        return Ok(Sight::Reader);
    }
    Ok(match details.access.as_str() {
        "open" => Sight::Reader,
        "closed" => Sight::Outside,
        _ => Sight::Hidden,
    })
}

/// A community with what `viewer` can see of it. Hidden ones are 404.
pub struct Seen {
    pub actor: DbActor,
    pub details: CommunityRow,
    pub sight: Sight,
    pub membership: Option<MemberRow>,
}

/// Loads the community `actor` as `viewer` sees it, or 404.
pub fn seen(conn: &mut DbConn, actor: DbActor, viewer: Option<&DbActor>) -> AppResult<Seen> {
    let not_found = || AppError::NotFound("there is no such community here".into());
    if actor.kind != "group" {
        return Err(not_found());
    }
    let details = model::get(conn, actor.id)?.unwrap_or(CommunityRow {
        actor_id: actor.id,
        access: "open".into(),
        charter: String::new(),
        charter_source: String::new(),
        language: None,
        created_at: actor.created_at,
    });
    let membership = match viewer {
        Some(v) => model::membership(conn, actor.id, v.id)?,
        None => None,
    };
    let sight = sight(conn, &actor, &details, viewer, membership.as_ref())?;
    if sight == Sight::Hidden {
        return Err(not_found());
    }
    Ok(Seen {
        actor,
        details,
        sight,
        membership,
    })
}

/// A local community by handle as `viewer` sees it, or 404.
pub async fn local_seen(
    state: &AppState,
    handle: &str,
    viewer: Option<DbActor>,
) -> AppResult<Seen> {
    let (h, d) = (handle.to_string(), state.domain.clone());
    state
        .db
        .read(move |c| {
            let actor = actor_model::by_handle(c, &h, &d)?
                .filter(|a| a.local && a.kind == "group")
                .ok_or_else(|| AppError::NotFound("there is no such community here".into()))?;
            seen(c, actor, viewer.as_ref())
        })
        .await
}

/// Refuses anyone but the community's owners and managers; returns their role.
fn require_manager(conn: &mut DbConn, community: &DbActor, who: &DbActor) -> AppResult<String> {
    match model::membership(conn, community.id, who.id)? {
        Some(r) if r.state == ACCEPTED && (r.role == "owner" || r.role == "manager") => Ok(r.role),
        Some(r) if r.state == ACCEPTED => Err(AppError::Forbidden(
            "only the community managers can do this".into(),
        )),
        _ => {
            let details = model::get(conn, community.id)?;
            if details.is_some_and(|d| d.access == "secret") {
                Err(AppError::NotFound("there is no such community here".into()))
            } else {
                Err(AppError::Forbidden(
                    "only the community managers can do this".into(),
                ))
            }
        }
    }
}

/// Where a member stands after asking to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JoinState {
    /// Member now.
    Accepted,
    /// A manager will answer (closed community), or the community's server has not answered.
    Pending,
}

/// A member joins a community (local or remote). `charter_accepted` must be true when the
/// community has a charter. Open: member at once; closed: a request managers answer; secret:
/// only with an invitation. A remote community gets a `Follow` and answers later.
pub async fn join(
    state: &AppState,
    member: &Member,
    community: DbActor,
    charter_accepted: bool,
) -> AppResult<JoinState> {
    let s = state.clone();
    let me = member.actor.clone();
    let result = state
        .db
        .write(move |c| {
            let seen = seen(c, community, Some(&me))?;
            if !seen.details.charter.is_empty() && !charter_accepted {
                return Err(AppError::invalid(
                    "charter",
                    "not_accepted",
                    "Read the charter and tick the box to accept it before joining.",
                ));
            }
            let at = now();
            let previous = seen.membership.as_ref().map(|m| m.state.as_str());
            match previous {
                Some(ACCEPTED) => return Ok(JoinState::Accepted),
                Some(PENDING) => return Ok(JoinState::Pending),
                Some(BANNED) => {
                    return Err(AppError::Forbidden(
                        "the community managers removed you from this community".into(),
                    ));
                }
                _ => {}
            }
            if !seen.actor.local {
                return federation::send_join(c, &s, &me, &seen.actor).map(|_| JoinState::Pending);
            }
            let invited = previous == Some(INVITED);
            let state = match seen.details.access.as_str() {
                _ if invited => ACCEPTED,
                "open" => ACCEPTED,
                "closed" => PENDING,
                _ => return Err(AppError::NotFound("there is no such community here".into())),
            };
            model::set_membership(c, seen.actor.id, me.id, "member", state, None, at)?;
            if state == PENDING {
                notify_managers(c, &seen.actor, notifications::COMMUNITY_REQUEST, me.id)?;
                Ok(JoinState::Pending)
            } else {
                Ok(JoinState::Accepted)
            }
        })
        .await?;
    delivery::wake(state);
    Ok(result)
}

fn notify_managers(
    conn: &mut DbConn,
    community: &DbActor,
    kind: &str,
    cause: i64,
) -> AppResult<()> {
    let managers = model::members(conn, community.id, ACCEPTED, 1000)?;
    let object = format!("/@{}/manage", community.username);
    for (row, manager) in managers {
        if (row.role == "owner" || row.role == "manager") && manager.local {
            notifications::notify_actor(conn, manager.id, kind, Some(cause), Some(&object))?;
        }
    }
    Ok(())
}

/// A member leaves a community (or withdraws their request, or declines an invitation). The
/// last owner cannot leave.
pub async fn leave(state: &AppState, member: &Member, community: DbActor) -> AppResult<()> {
    let s = state.clone();
    let me = member.actor.clone();
    state
        .db
        .write(move |c| {
            let Some(row) = model::membership(c, community.id, me.id)? else {
                return Ok(());
            };
            if row.state == BANNED {
                return Ok(());
            }
            if row.role == "owner" && count_owners(c, community.id)? <= 1 {
                return Err(AppError::Conflict(
                    "a community keeps at least one owner: name another owner first".into(),
                ));
            }
            model::remove_membership(c, community.id, me.id)?;
            if !community.local {
                federation::send_leave(c, &s, &me, &community, &row)?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

fn count_owners(conn: &mut DbConn, community: i64) -> AppResult<i64> {
    Ok(model::count_owners(conn, community)?)
}

/// What a manager decides about someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accept a pending request.
    Accept,
    /// Refuse a pending request.
    Refuse,
    /// Take a member out (they may ask again).
    Remove,
    /// Take a member out for good, and remove what they wrote.
    Ban,
    /// Lift a ban.
    Unban,
    /// Make a member a community manager (owners only).
    MakeManager,
    /// Make a manager a plain member again (owners only).
    MakeMember,
    /// Make a member an owner (owners only).
    MakeOwner,
}

/// A manager decides about the person `person_id` (a local or remote actor).
pub async fn decide(
    state: &AppState,
    manager: &Member,
    community: DbActor,
    person_id: i64,
    decision: Decision,
) -> AppResult<()> {
    let s = state.clone();
    let me = manager.actor.clone();
    state
        .db
        .write(move |c| {
            let my_role = require_manager(c, &community, &me)?;
            let person =
                actor_model::by_id(c, person_id)?.ok_or_else(|| AppError::not_found("person"))?;
            let row = model::membership(c, community.id, person.id)?;
            let state_of = row.as_ref().map(|r| r.state.as_str());
            let role_of = row.as_ref().map(|r| r.role.as_str()).unwrap_or("member");
            if (matches!(
                decision,
                Decision::MakeManager | Decision::MakeMember | Decision::MakeOwner
            ) || role_of == "owner")
                && my_role != "owner"
            {
                return Err(AppError::Forbidden(
                    "only the owners change roles and decide about owners".into(),
                ));
            }
            if person.id == me.id && !matches!(decision, Decision::MakeOwner) {
                return Err(AppError::invalid(
                    "person",
                    "self",
                    "You cannot do this to yourself; leave the community instead.",
                ));
            }
            let at = now();
            match decision {
                Decision::Accept | Decision::Refuse => {
                    if state_of != Some(PENDING) {
                        return Err(AppError::not_found("request to join"));
                    }
                    if decision == Decision::Accept {
                        let row = model::set_membership(
                            c,
                            community.id,
                            person.id,
                            "member",
                            ACCEPTED,
                            None,
                            at,
                        )?;
                        if person.local {
                            notifications::notify_actor(
                                c,
                                person.id,
                                notifications::COMMUNITY_ACCEPTED,
                                Some(community.id),
                                Some(&format!("/@{}", community.username)),
                            )?;
                        } else {
                            federation::send_accept(c, &s, &community, &person, &row)?;
                        }
                    } else {
                        model::remove_membership(c, community.id, person.id)?;
                        if let Some(row) = &row
                            && !person.local
                        {
                            federation::send_reject(c, &s, &community, &person, row)?;
                        }
                    }
                }
                Decision::Remove => {
                    let Some(r) = row
                        .as_ref()
                        .filter(|r| r.state == ACCEPTED || r.state == INVITED)
                    else {
                        return Err(AppError::not_found("member"));
                    };
                    model::remove_membership(c, community.id, person.id)?;
                    if !person.local {
                        federation::send_reject(c, &s, &community, &person, r)?;
                    }
                    crate::moderation::audit_community(
                        c,
                        &me,
                        "community_remove",
                        &community,
                        &person,
                    )?;
                }
                Decision::Ban => {
                    model::set_membership(c, community.id, person.id, "member", BANNED, None, at)?;
                    model::remove_all_of(c, Some(community.id), person.id, at)?;
                    federation::send_ban(c, &s, &community, &person, true)?;
                    crate::moderation::audit_community(
                        c,
                        &me,
                        "community_ban",
                        &community,
                        &person,
                    )?;
                }
                Decision::Unban => {
                    if state_of != Some(BANNED) {
                        return Err(AppError::not_found("ban"));
                    }
                    model::remove_membership(c, community.id, person.id)?;
                    federation::send_unban(c, &s, &community, &person)?;
                    crate::moderation::audit_community(
                        c,
                        &me,
                        "community_unban",
                        &community,
                        &person,
                    )?;
                }
                Decision::MakeManager | Decision::MakeMember | Decision::MakeOwner => {
                    if state_of != Some(ACCEPTED) {
                        return Err(AppError::not_found("member"));
                    }
                    let role = match decision {
                        Decision::MakeManager => "manager",
                        Decision::MakeOwner => "owner",
                        _ => "member",
                    };
                    if role_of == "owner" && role != "owner" && count_owners(c, community.id)? <= 1
                    {
                        return Err(AppError::Conflict(
                            "a community keeps at least one owner: name another owner first".into(),
                        ));
                    }
                    model::set_membership(c, community.id, person.id, role, ACCEPTED, None, at)?;
                    let details = model::get(c, community.id)?
                        .ok_or_else(|| AppError::not_found("community"))?;
                    federation::send_group_update(c, &s, &community, &details)?;
                }
            }
            Ok(())
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// A manager invites someone: a member of this instance (`username`) or a person of another
/// Passerelle instance (`username@host`), who gets an `Invite`. Invitees of a secret community
/// are the only outsiders who know it exists; accepting is joining.
pub async fn invite(
    data: &activitypub_federation::config::Data<AppState>,
    manager: &Member,
    community: DbActor,
    username: &str,
) -> AppResult<()> {
    let unknown = || {
        AppError::invalid(
            "username",
            "unknown",
            "Nobody has this username on this site.",
        )
    };
    let name = username.trim().trim_start_matches('@');
    let target = if name.contains('@') {
        let t = crate::federation::webfinger::resolve_handle(data, name)
            .await
            .map_err(|_| unknown())?;
        if !t.local {
            if t.kind != "person" {
                return Err(unknown());
            }
            let details = {
                let c = community.id;
                data.db.read(move |conn| Ok(model::get(conn, c)?)).await?
            };
            if details.is_some_and(|d| d.access != "open")
                && federation::software_of(data, &t).await.as_deref() != Some("passerelle")
            {
                return Err(AppError::invalid(
                    "username",
                    "not_private",
                    "This person's server cannot keep a closed or secret community's content \
                     private: only people of Passerelle servers can be invited.",
                ));
            }
        }
        t
    } else {
        actors::local_by_username(data, name)
            .await
            .map_err(|_| unknown())?
    };
    if target.kind != "person" {
        return Err(unknown());
    }
    let me = manager.actor.clone();
    let s = (**data).clone();
    data.db
        .write(move |c| {
            require_manager(c, &community, &me)?;
            let row = model::membership(c, community.id, target.id)?;
            match row.as_ref().map(|r| r.state.as_str()) {
                Some(ACCEPTED) => {
                    return Err(AppError::invalid(
                        "username",
                        "already_member",
                        "This person is already a member.",
                    ));
                }
                Some(BANNED) => {
                    return Err(AppError::invalid(
                        "username",
                        "banned",
                        "This person was banned from the community: lift the ban first.",
                    ));
                }
                Some(PENDING) => {
                    // inviting someone who asked is accepting them
                    let row = model::set_membership(
                        c,
                        community.id,
                        target.id,
                        "member",
                        ACCEPTED,
                        None,
                        now(),
                    )?;
                    if !target.local {
                        federation::send_accept(c, &s, &community, &target, &row)?;
                    }
                    return Ok(());
                }
                _ => {}
            }
            model::set_membership(c, community.id, target.id, "member", INVITED, None, now())?;
            if target.local {
                notifications::notify_actor(
                    c,
                    target.id,
                    notifications::COMMUNITY_INVITATION,
                    Some(me.id),
                    Some(&format!("/@{}", community.username)),
                )?;
            } else {
                federation::send_invite(c, &s, &community, &target)?;
            }
            Ok(())
        })
        .await?;
    delivery::wake(data);
    Ok(())
}

/// What a member writes in a community: a thread (with a title) or a reply (without).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PostInput {
    /// The thread's title (threads only).
    pub title: Option<String>,
    /// Plain text; blank lines separate paragraphs, URLs become links.
    pub text: String,
    /// BCP 47 language tag of the text.
    pub language: Option<String>,
}

struct ValidPost {
    title: Option<String>,
    text: String,
    language: Option<String>,
}

impl PostInput {
    fn validate(self, thread: bool) -> AppResult<ValidPost> {
        let mut errors = vec![];
        let title = self
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if thread {
            match &title {
                None => errors.push(FieldError::new(
                    "title",
                    "missing",
                    "Give your thread a title.",
                )),
                Some(t) if t.chars().count() > MAX_TITLE => errors.push(FieldError::new(
                    "title",
                    "too_long",
                    format!("A title has at most {MAX_TITLE} characters."),
                )),
                _ => {}
            }
        }
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.push(FieldError::new(
                "text",
                "empty",
                "Write something before posting.",
            ));
        } else if text.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                "text",
                "too_long",
                format!("A message has at most {MAX_TEXT} characters."),
            ));
        }
        let language = language_of(&mut errors, self.language);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ValidPost {
            title: if thread { title } else { None },
            text,
            language,
        })
    }
}

/// Refuses anyone who may not write in the community.
fn require_member(seen: &Seen) -> AppResult<()> {
    if seen.sight >= Sight::Member {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the members of the community can write in it: join it first".into(),
        ))
    }
}

/// A member starts a thread. In a community of another server, it is sent to the group, which
/// passes it on to its members.
pub async fn create_thread(
    state: &AppState,
    member: &Member,
    community: DbActor,
    input: PostInput,
) -> AppResult<PostRow> {
    state.limits.check_post(member.actor.id)?;
    let v = input.validate(true)?;
    write_post(state, member, community, None, v).await
}

/// A member answers a thread or a reply (`parent_id`).
pub async fn reply(
    state: &AppState,
    member: &Member,
    parent_id: i64,
    input: PostInput,
) -> AppResult<PostRow> {
    state.limits.check_post(member.actor.id)?;
    let v = input.validate(false)?;
    let parent = state
        .db
        .read(move |c| Ok(model::post(c, parent_id)?))
        .await?
        .ok_or_else(|| AppError::not_found("message"))?;
    let community = actors::by_id(state, parent.community_id).await?;
    write_post(state, member, community, Some(parent), v).await
}

async fn write_post(
    state: &AppState,
    member: &Member,
    community: DbActor,
    parent: Option<PostRow>,
    v: ValidPost,
) -> AppResult<PostRow> {
    let s = state.clone();
    let me = member.actor.clone();
    let post = state
        .db
        .write(move |c| {
            let seen = seen(c, community, Some(&me))?;
            require_member(&seen)?;
            let thread = match &parent {
                None => None,
                Some(p) => {
                    if p.gone() {
                        return Err(AppError::not_found("message"));
                    }
                    let thread = match p.thread_id {
                        None => p.clone(),
                        Some(t) => {
                            model::post(c, t)?.ok_or_else(|| AppError::not_found("thread"))?
                        }
                    };
                    if thread.locked {
                        return Err(AppError::Forbidden(
                            "this thread is locked: nobody can answer it any more".into(),
                        ));
                    }
                    Some(thread)
                }
            };
            let at = now();
            let people = mentioned(c, &v.text, &s.domain)?;
            let ap_id = crate::federation::outbox::new_id(&s.base_url, "threads");
            let id = model::insert_post(
                c,
                &NewPost {
                    ap_id: ap_id.to_string(),
                    community_id: seen.actor.id,
                    author_id: me.id,
                    thread_id: thread.as_ref().map(|t| t.id),
                    parent_id: parent.as_ref().map(|p| p.id),
                    title: v.title,
                    content: link_mentions(&html::plain_text_to_html(&v.text), &people, &s.domain),
                    source: Some(v.text),
                    language: v.language,
                    local: true,
                    url: Some(ap_id.to_string()),
                    published: at,
                    updated: None,
                    last_activity_at: at,
                    created_at: at,
                },
            )?;
            if let Some(t) = &thread {
                model::touch_thread(c, t.id, at)?;
            }
            let post = model::post(c, id)?.ok_or_else(|| AppError::not_found("message"))?;
            if let Some(p) = &parent
                && p.author_id != me.id
            {
                notify_reply(c, p, &me)?;
            }
            notify_mentions(c, &post, &me, &people, parent.as_ref().map(|p| p.author_id))?;
            federation::send_create(c, &s, &me, &seen, &post, parent.as_ref(), &people)?;
            Ok(post)
        })
        .await?;
    delivery::wake(state);
    Ok(post)
}

/// Tells the local author of `parent` that someone answered.
fn notify_reply(conn: &mut DbConn, parent: &PostRow, author: &DbActor) -> AppResult<()> {
    if let Some(parent_author) = actor_model::by_id(conn, parent.author_id)?
        && parent_author.local
    {
        let path = thread_path(conn, parent)?;
        notifications::notify_actor(
            conn,
            parent_author.id,
            notifications::REPLY,
            Some(author.id),
            Some(&path),
        )?;
    }
    Ok(())
}

/// The page of the thread a post belongs to, with the post's anchor.
pub fn thread_path(conn: &mut DbConn, post: &PostRow) -> AppResult<String> {
    let thread = post.thread_id.unwrap_or(post.id);
    let community = actor_model::by_id(conn, post.community_id)?
        .ok_or_else(|| AppError::not_found("community"))?;
    let base = format!("{}/threads/{thread}", crate::web::profile_path(&community));
    Ok(if post.thread_id.is_some() {
        format!("{base}#post-{}", post.id)
    } else {
        base
    })
}

/// What a manager does to a thread or a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Pin,
    Unpin,
    Lock,
    Unlock,
    /// Removes the message (or the whole thread) from the community.
    Remove,
}

/// A manager pins, locks or removes a post of a local community; members' servers are told.
pub async fn moderate(
    state: &AppState,
    manager: &Member,
    post_id: i64,
    action: Moderation,
) -> AppResult<()> {
    let s = state.clone();
    let me = manager.actor.clone();
    state
        .db
        .write(move |c| {
            let post = model::post(c, post_id)?.ok_or_else(|| AppError::not_found("message"))?;
            let community = actor_model::by_id(c, post.community_id)?
                .ok_or_else(|| AppError::not_found("community"))?;
            require_manager(c, &community, &me)?;
            if !community.local {
                return Err(AppError::Forbidden(
                    "this community is managed on its own server".into(),
                ));
            }
            let (mut pinned, mut locked) = (post.pinned, post.locked);
            match action {
                Moderation::Pin | Moderation::Unpin | Moderation::Lock | Moderation::Unlock
                    if post.thread_id.is_some() =>
                {
                    return Err(AppError::invalid(
                        "action",
                        "not_a_thread",
                        "Only threads are pinned or locked.",
                    ));
                }
                Moderation::Pin => pinned = true,
                Moderation::Unpin => pinned = false,
                Moderation::Lock => locked = true,
                Moderation::Unlock => locked = false,
                Moderation::Remove => {
                    model::mark_removed(c, post.id, now())?;
                    let author = actor_model::by_id(c, post.author_id)?
                        .ok_or_else(|| AppError::not_found("author"))?;
                    crate::moderation::audit_community(
                        c,
                        &me,
                        "community_remove_post",
                        &community,
                        &author,
                    )?;
                    return federation::send_remove(c, &s, &community, &post);
                }
            }
            model::set_flags(c, post.id, pinned, locked)?;
            let post = PostRow {
                pinned,
                locked,
                ..post
            };
            federation::send_thread_update(c, &s, &community, &post)
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// The author deletes their message (its content is erased; the thread keeps the gap).
pub async fn delete_post(state: &AppState, member: &Member, post_id: i64) -> AppResult<()> {
    let s = state.clone();
    let me = member.actor.clone();
    state
        .db
        .write(move |c| {
            let post = model::post(c, post_id)?
                .filter(|p| p.author_id == me.id && p.deleted_at.is_none())
                .ok_or_else(|| AppError::not_found("message"))?;
            model::mark_deleted(c, post.id, now())?;
            let community = actor_model::by_id(c, post.community_id)?
                .ok_or_else(|| AppError::not_found("community"))?;
            federation::send_delete(c, &s, &me, &community, &post)
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// A thread and its replies as `viewer` may read them (404 when they may not).
pub struct ThreadView {
    pub seen: Seen,
    pub thread: PostRow,
    pub author: DbActor,
    pub replies: Vec<(PostRow, DbActor)>,
}

pub async fn thread(
    state: &AppState,
    thread_id: i64,
    viewer: Option<DbActor>,
) -> AppResult<ThreadView> {
    state
        .db
        .read(move |c| {
            let thread = model::post(c, thread_id)?
                .filter(|p| p.thread_id.is_none() && !p.gone())
                .ok_or_else(|| AppError::not_found("thread"))?;
            let community = actor_model::by_id(c, thread.community_id)?
                .ok_or_else(|| AppError::not_found("thread"))?;
            let seen = seen(c, community, viewer.as_ref())?;
            if seen.sight < Sight::Reader {
                return Err(AppError::not_found("thread"));
            }
            let author = actor_model::by_id(c, thread.author_id)?
                .ok_or_else(|| AppError::not_found("thread"))?;
            let replies = model::replies(c, thread.id)?;
            Ok(ThreadView {
                seen,
                thread,
                author,
                replies,
            })
        })
        .await
}

/// A thread in a list, with its number of replies.
pub struct ThreadItem {
    pub thread: PostRow,
    pub author: DbActor,
    pub replies: i64,
}

/// The threads of a community `viewer` may read (empty when they may not read them).
pub fn threads_of(
    conn: &mut DbConn,
    seen: &Seen,
    offset: i64,
    limit: i64,
) -> AppResult<Vec<ThreadItem>> {
    if seen.sight < Sight::Reader {
        return Ok(vec![]);
    }
    let rows = model::threads(conn, seen.actor.id, offset, limit)?;
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let counts: std::collections::HashMap<i64, i64> =
        model::reply_counts(conn, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|(thread, author)| ThreadItem {
            replies: counts.get(&thread.id).copied().unwrap_or(0),
            thread,
            author,
        })
        .collect())
}

/// Communities a viewer can see in lists: all but the secret ones they do not belong to, the
/// limited ones (or on silenced servers) they are not members of, and suspended ones.
pub async fn list(
    state: &AppState,
    viewer: Option<DbActor>,
) -> AppResult<Vec<(DbActor, CommunityRow, i64)>> {
    state
        .db
        .read(move |c| {
            let mine: Vec<i64> = match &viewer {
                Some(v) => model::of_member(c, v.id)?
                    .into_iter()
                    .filter(|(r, _, _)| r.state == ACCEPTED || r.state == INVITED)
                    .map(|(r, _, _)| r.community_id)
                    .collect(),
                None => vec![],
            };
            let rows = model::list(c, &mine, 500)?;
            // limited communities only for their members; suspended remote ones for nobody
            let limited = crate::moderation::restrictions::kept_out_of_public_lists(c, "group")?;
            let suspended = crate::moderation::restrictions::suspended_actors(c)?;
            let mut out = vec![];
            for (a, d) in rows {
                if suspended.contains(&a.id) || (limited.contains(&a.id) && !mine.contains(&a.id)) {
                    continue;
                }
                let n = model::count_members(c, a.id)?;
                out.push((a, d, n));
            }
            Ok(out)
        })
        .await
}

/// A message of a community `viewer` may read, by its ActivityPub id (for reports).
pub fn readable_post(
    conn: &mut DbConn,
    ap_id: &str,
    viewer: &DbActor,
) -> AppResult<Option<PostRow>> {
    let Some(post) = model::post_by_ap_id(conn, ap_id)? else {
        return Ok(None);
    };
    let Some(community) = actor_model::by_id(conn, post.community_id)? else {
        return Ok(None);
    };
    let seen = match seen(conn, community, Some(viewer)) {
        Ok(s) => s,
        Err(AppError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok((seen.sight >= Sight::Reader && !post.gone()).then_some(post))
}

/// An instance moderator removes a reported community message (inside their transaction): in
/// one of our communities as its managers would (a `Remove` to the members' servers); in a
/// remote one, hidden here.
pub fn remove_by_moderator(conn: &mut DbConn, state: &AppState, post_id: i64) -> AppResult<()> {
    let Some(post) = model::post(conn, post_id)? else {
        return Ok(());
    };
    if post.removed_at.is_some() {
        return Ok(());
    }
    model::mark_removed(conn, post.id, now())?;
    let community = actor_model::by_id(conn, post.community_id)?
        .ok_or_else(|| AppError::not_found("community"))?;
    if community.local {
        federation::send_remove(conn, state, &community, &post)?;
    }
    Ok(())
}

/// The people a local author's text mentions (`@name` for this instance, `@name@host` for
/// others), among the actors known here: nothing is fetched for a mention.
pub fn mentioned(conn: &mut DbConn, text: &str, domain: &str) -> AppResult<Vec<DbActor>> {
    let mut found: Vec<DbActor> = vec![];
    for word in text.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let Some(handle) = word.strip_prefix('@') else {
            continue;
        };
        let handle = handle.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        let (user, host) = handle.split_once('@').unwrap_or((handle, domain));
        if user.is_empty() || user.len() > 64 {
            continue;
        }
        if let Some(a) = actor_model::by_handle(conn, user, host)?
            && matches!(a.kind.as_str(), "person" | "service")
            && !found.iter().any(|f| f.id == a.id)
        {
            found.push(a);
        }
    }
    Ok(found)
}

/// Links the mentions of `people` in HTML made from plain text: a handle as written, standing
/// alone (after a space, a tag or a parenthesis; not followed by a name character, so `@ana`
/// is not found in `@anabelle` nor in `@ana@b.example`, nor inside a link's address).
pub fn link_mentions(html: &str, people: &[DbActor], domain: &str) -> String {
    let mut forms: Vec<(String, &DbActor)> = vec![];
    for a in people {
        forms.push((format!("@{}@{}", a.username, a.domain), a));
        if a.domain == domain {
            forms.push((format!("@{}", a.username), a));
        }
    }
    let name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '@';
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    'scan: while let Some(at) = rest.find('@') {
        let before = rest[..at].chars().next_back();
        let standalone = before.is_none_or(|c| c.is_whitespace() || c == '>' || c == '(');
        if standalone {
            // the longest handle written here
            let mut best: Option<&(String, &DbActor)> = None;
            for f in &forms {
                if rest[at..].starts_with(f.0.as_str())
                    && !rest[at + f.0.len()..].chars().next().is_some_and(name_char)
                    && best.is_none_or(|b| b.0.len() < f.0.len())
                {
                    best = Some(f);
                }
            }
            if let Some((form, a)) = best {
                let href = a.url.clone().unwrap_or_else(|| a.ap_id.to_string());
                out.push_str(&rest[..at]);
                out.push_str(&format!(
                    r#"<a href="{}" class="mention" rel="nofollow noopener noreferrer">{}</a>"#,
                    crate::html::escape(&href),
                    crate::html::escape(form)
                ));
                rest = &rest[at + form.len()..];
                continue 'scan;
            }
        }
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Tells the local members a community message mentions (who can read the community), except
/// its author and `already` told.
pub(crate) fn notify_mentions(
    conn: &mut DbConn,
    post: &PostRow,
    author: &DbActor,
    people: &[DbActor],
    already: Option<i64>,
) -> AppResult<()> {
    if !people.iter().any(|p| p.local) {
        return Ok(());
    }
    let Some(community) = actor_model::by_id(conn, post.community_id)? else {
        return Ok(());
    };
    let path = thread_path(conn, post)?;
    for p in people
        .iter()
        .filter(|p| p.local && p.id != author.id && Some(p.id) != already)
    {
        let seen = match seen(conn, community.clone(), Some(p)) {
            Ok(s) => s,
            Err(AppError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        if seen.sight >= Sight::Reader {
            notifications::notify_actor(
                conn,
                p.id,
                notifications::MENTION,
                Some(author.id),
                Some(&path),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(username: &str, domain: &str) -> DbActor {
        let at = now();
        DbActor {
            id: 1,
            ap_id: crate::federation::ApUrl(
                url::Url::parse(&format!("https://{domain}/users/{username}")).unwrap(),
            ),
            kind: "person".into(),
            local: domain == "here.example",
            username: username.into(),
            username_key: username.to_lowercase(),
            domain: domain.into(),
            display_name: String::new(),
            summary: String::new(),
            avatar_url: None,
            url: Some(format!("https://{domain}/@{username}")),
            inbox_url: String::new(),
            shared_inbox_url: None,
            outbox_url: None,
            followers_url: None,
            following_url: None,
            public_key_pem: String::new(),
            private_key_pem: None,
            manually_approves_followers: false,
            created_at: at,
            updated_at: at,
            last_refreshed_at: at,
            deleted_at: None,
        }
    }

    #[test]
    fn mentions_are_linked_only_where_written_alone() {
        let people = [actor("ana", "here.example"), actor("ana", "b.example")];
        let html = crate::html::plain_text_to_html(
            "Merci @ana et @ana@b.example ! (@ana) mais pas @anabelle ni https://x.example/@ana",
        );
        let linked = link_mentions(&html, &people, "here.example");
        assert_eq!(linked.matches("class=\"mention\"").count(), 3, "{linked}");
        assert!(linked.contains(r#"href="https://b.example/@ana" class="mention" rel="nofollow noopener noreferrer">@ana@b.example</a>"#));
        assert!(linked.contains("@anabelle"));
        assert!(
            linked.contains(r#"href="https://x.example/@ana""#),
            "{linked}"
        );
    }

    #[test]
    fn threads_need_a_title_and_replies_do_not() {
        let input = |title: Option<&str>| PostInput {
            title: title.map(Into::into),
            text: "Bonjour".into(),
            language: None,
        };
        assert!(input(None).validate(true).is_err());
        assert!(input(Some("  ")).validate(true).is_err());
        assert!(input(Some("Titre")).validate(true).is_ok());
        assert!(input(None).validate(false).is_ok());
        assert!(input(Some("x")).validate(false).unwrap().title.is_none());
    }
}
