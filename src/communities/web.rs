//! Community pages: the list, creating one, its page (at `/@handle`, like people), its threads
//! with their replies, joining and leaving, and the management page (requests, members, roles,
//! bans, invitations, the activity chart). Secret communities are 404 for anyone else.

use super::{CommunityInput, Decision, JoinState, Moderation, PostInput, Seen, Sight, model};
use crate::{
    actors::{self, model::DbActor},
    error::AppError,
    web::{
        CsrfForm, Ctx, FieldErrors, SignedIn, Visitor, WebResult, html, html_status, profile_path,
        see_other, shown_handle,
    },
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    routing::{get, post},
};
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/communities", get(list))
        .route("/communities/new", get(new_form).post(create))
        .route("/communities/{id}/edit", get(edit_form).post(edit))
        .route("/communities/{id}/join", post(join))
        .route("/communities/{id}/leave", post(leave))
        .route("/communities/{id}/threads", post(create_thread))
        .route("/communities/{id}/people/{person}", post(decide))
        .route("/communities/{id}/invitations", post(invite))
        .route("/community-posts/{id}/replies", post(reply))
        .route("/community-posts/{id}/moderation", post(moderate))
        .route("/community-posts/{id}/delete", post(delete_post))
        .route("/@{handle}/threads/{id}", get(thread_page))
        .route("/@{handle}/manage", get(manage_page))
}

/// One community in a list.
pub struct CommunityItem {
    pub name: String,
    pub handle: String,
    pub href: String,
    pub access: String,
    pub members: i64,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "communities/list.html")]
struct ListPage {
    ctx: Ctx,
    mine: Vec<(String, CommunityItem)>,
    all: Vec<CommunityItem>,
    may_create: bool,
}

fn item(a: &DbActor, access: &str, members: i64) -> CommunityItem {
    CommunityItem {
        name: a.shown_name().to_string(),
        handle: shown_handle(a),
        href: profile_path(a),
        access: access.to_string(),
        members,
        summary: crate::html::strip_tags(&a.summary)
            .chars()
            .take(200)
            .collect(),
    }
}

async fn list(v: Visitor) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let all = super::list(&v.data, viewer.clone()).await?;
    let mine = match &viewer {
        Some(me) => {
            let id = me.id;
            v.data
                .db
                .read(move |c| Ok(model::of_member(c, id)?))
                .await?
        }
        None => vec![],
    };
    html(ListPage {
        ctx: v.page("communities-title"),
        may_create: v
            .member
            .as_ref()
            .is_some_and(|m| super::may_create(&v.data, m)),
        mine: mine
            .iter()
            .filter(|(r, _, _)| r.state != model::BANNED)
            .map(|(r, a, d)| {
                let label = if r.state == model::ACCEPTED {
                    format!("community-role-{}", r.role)
                } else {
                    format!("community-state-{}", r.state)
                };
                (v.t(&label), item(a, &d.access, 0))
            })
            .collect(),
        all: all.iter().map(|(a, d, n)| item(a, &d.access, *n)).collect(),
    })
}

/// What the community form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommunityForm {
    handle: String,
    name: String,
    description: String,
    charter: String,
    language: String,
    access: String,
}

impl CommunityForm {
    fn input(&self) -> CommunityInput {
        CommunityInput {
            handle: Some(self.handle.clone()),
            name: self.name.clone(),
            description: self.description.clone(),
            charter: self.charter.clone(),
            language: self.language.clone(),
            access: self.access.clone(),
        }
    }
}

const FIELDS: &[&str] = &[
    "handle",
    "name",
    "description",
    "charter",
    "language",
    "access",
];

#[derive(Template)]
#[template(path = "communities/form.html")]
struct FormPage {
    ctx: Ctx,
    /// The community's id when editing.
    editing: Option<i64>,
    form: CommunityForm,
    errors: FieldErrors,
    /// Whether the access type may be changed (owners, and on creation).
    access_editable: bool,
    /// The access types, with the chosen one.
    accesses: Vec<(&'static str, bool)>,
}

fn form_page(
    v: &Visitor,
    editing: Option<i64>,
    form: CommunityForm,
    errors: FieldErrors,
    access_editable: bool,
) -> FormPage {
    FormPage {
        ctx: v.page(if editing.is_some() {
            "community-edit-title"
        } else {
            "community-new-title"
        }),
        editing,
        accesses: super::ACCESS
            .iter()
            .map(|a| (*a, form.access == *a))
            .collect(),
        form,
        errors,
        access_editable,
    }
}

async fn new_form(s: SignedIn) -> WebResult {
    if !super::may_create(&s.visitor.data, &s.member) {
        return Err(AppError::Forbidden(s.visitor.t("community-admins-only")).into());
    }
    let form = CommunityForm {
        access: "open".into(),
        language: s.visitor.lang.to_string(),
        ..Default::default()
    };
    html(form_page(
        &s.visitor,
        None,
        form,
        FieldErrors::default(),
        true,
    ))
}

async fn create(s: SignedIn, CsrfForm(form): CsrfForm<CommunityForm>) -> WebResult {
    let v = &s.visitor;
    let result = super::create(&v.data, &s.member, form.input()).await;
    match v.form_errors(result, FIELDS)? {
        Ok(actor) => Ok(see_other(&profile_path(&actor))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(v, None, form, errors, true),
        ),
    }
}

async fn seen_by_id(v: &Visitor, id: i64) -> WebResult<Seen> {
    let actor = actors::by_id(&v.data, id)
        .await
        .map_err(|_| AppError::NotFound("there is no such community here".into()))?;
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    Ok(v.data
        .db
        .read(move |c| super::seen(c, actor, viewer.as_ref()))
        .await?)
}

async fn edit_form(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    if seen.sight < Sight::Manager || !seen.actor.local {
        return Err(AppError::Forbidden(v.t("community-managers-only")).into());
    }
    let owner = seen.membership.as_ref().is_some_and(|m| m.role == "owner");
    let form = CommunityForm {
        handle: seen.actor.username.clone(),
        name: seen.actor.display_name.clone(),
        description: crate::profiles::bio_as_text(&seen.actor.summary),
        charter: seen.details.charter_source.clone(),
        language: seen.details.language.clone().unwrap_or_default(),
        access: seen.details.access.clone(),
    };
    html(form_page(v, Some(id), form, FieldErrors::default(), owner))
}

async fn edit(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommunityForm>,
) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let owner = seen.membership.as_ref().is_some_and(|m| m.role == "owner");
    let mut input = form.input();
    input.handle = None;
    if !owner {
        input.access = seen.details.access.clone();
    }
    let result = super::update(&v.data, &s.member, seen.actor, input).await;
    match v.form_errors(result, FIELDS)? {
        Ok(actor) => Ok(see_other(&profile_path(&actor))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(v, Some(id), form, errors, owner),
        ),
    }
}

/// A thread or a reply as the templates show it.
pub struct PostCard {
    pub id: i64,
    /// Its ActivityPub id and its author's account id (for reports).
    pub ap_id: String,
    pub author_id: i64,
    pub title: Option<String>,
    /// Sanitised HTML (empty once gone).
    pub content: String,
    pub gone: bool,
    pub author_name: String,
    pub author_handle: String,
    pub author_path: String,
    pub published: NaiveDateTime,
    pub pinned: bool,
    pub locked: bool,
    pub replies: i64,
    pub href: String,
    /// Nesting depth of a reply (0 for answers to the thread), capped for display.
    pub depth: usize,
    pub own: bool,
}

fn card(
    p: &model::PostRow,
    author: &DbActor,
    community: &DbActor,
    replies: i64,
    depth: usize,
    viewer: Option<i64>,
) -> PostCard {
    let thread = p.thread_id.unwrap_or(p.id);
    PostCard {
        id: p.id,
        ap_id: p.ap_id.clone(),
        author_id: author.id,
        title: p.title.clone(),
        content: if p.gone() {
            String::new()
        } else {
            p.content.clone()
        },
        gone: p.gone(),
        author_name: author.shown_name().to_string(),
        author_handle: shown_handle(author),
        author_path: profile_path(author),
        published: p.published,
        pinned: p.pinned,
        locked: p.locked,
        replies,
        href: format!("{}/threads/{thread}", profile_path(community)),
        depth: depth.min(4),
        own: viewer == Some(author.id) && !p.gone(),
    }
}

#[derive(Template)]
#[template(path = "communities/show.html")]
struct CommunityPage {
    ctx: Ctx,
    id: i64,
    name: String,
    handle: String,
    description: String,
    charter: String,
    access: String,
    local: bool,
    domain: String,
    members: i64,
    /// `outside`, `reader`, `member`, `manager`.
    sight: &'static str,
    /// The viewer's membership state, if any.
    state: String,
    manage_href: String,
    threads: Vec<PostCard>,
    errors: FieldErrors,
    form_title: String,
    form_text: String,
}

fn sight_name(s: Sight) -> &'static str {
    match s {
        Sight::Hidden => "hidden",
        Sight::Outside => "outside",
        Sight::Reader => "reader",
        Sight::Member => "member",
        Sight::Manager => "manager",
    }
}

/// The page of a community (local or remote), shown at `/@handle`.
pub async fn page(v: &Visitor, actor: DbActor) -> WebResult {
    page_with(
        v,
        actor,
        FieldErrors::default(),
        StatusCode::OK,
        NewThreadForm::default(),
    )
    .await
}

async fn page_with(
    v: &Visitor,
    actor: DbActor,
    errors: FieldErrors,
    status: StatusCode,
    form: NewThreadForm,
) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let me = viewer.as_ref().map(|a| a.id);
    let (seen, threads, members) = v
        .data
        .db
        .read(move |c| {
            let seen = super::seen(c, actor, viewer.as_ref())?;
            let threads = super::threads_of(c, &seen, 0, 50)?;
            let members = model::count_members(c, seen.actor.id)?;
            Ok((seen, threads, members))
        })
        .await?;
    html_status(
        status,
        CommunityPage {
            ctx: v.page_titled(seen.actor.shown_name().to_string()),
            id: seen.actor.id,
            name: seen.actor.shown_name().to_string(),
            handle: shown_handle(&seen.actor),
            description: seen.actor.summary.clone(),
            charter: seen.details.charter.clone(),
            access: seen.details.access.clone(),
            local: seen.actor.local,
            domain: seen.actor.domain.clone(),
            members,
            sight: sight_name(seen.sight),
            state: seen
                .membership
                .as_ref()
                .map(|m| m.state.clone())
                .unwrap_or_default(),
            manage_href: format!("{}/manage", profile_path(&seen.actor)),
            threads: threads
                .iter()
                .map(|t| card(&t.thread, &t.author, &seen.actor, t.replies, 0, me))
                .collect(),
            errors,
            form_title: form.title,
            form_text: form.text,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JoinForm {
    accept_charter: Option<String>,
}

async fn join(s: SignedIn, Path(id): Path<i64>, CsrfForm(form): CsrfForm<JoinForm>) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let actor = seen.actor.clone();
    let result = super::join(
        &v.data,
        &s.member,
        seen.actor,
        form.accept_charter.is_some(),
    )
    .await;
    match v.form_errors(result, &[])? {
        Ok(JoinState::Accepted) | Ok(JoinState::Pending) => Ok(see_other(&profile_path(&actor))),
        Err(errors) => {
            page_with(
                v,
                actor,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                NewThreadForm::default(),
            )
            .await
        }
    }
}

async fn leave(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let actor = seen.actor.clone();
    match super::leave(&v.data, &s.member, seen.actor).await {
        Ok(()) => Ok(see_other("/communities")),
        Err(AppError::Conflict(_)) => {
            let errors = FieldErrors::general(v.t("community-last-owner"));
            page_with(
                v,
                actor,
                errors,
                StatusCode::CONFLICT,
                NewThreadForm::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewThreadForm {
    title: String,
    text: String,
}

async fn create_thread(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<NewThreadForm>,
) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let actor = seen.actor.clone();
    let input = PostInput {
        title: Some(form.title.clone()),
        text: form.text.clone(),
        language: None,
    };
    let result = super::create_thread(&v.data, &s.member, seen.actor, input).await;
    match v.form_errors(result, &["title", "text"])? {
        Ok(post) => Ok(see_other(&format!(
            "{}/threads/{}",
            profile_path(&actor),
            post.id
        ))),
        Err(errors) => page_with(v, actor, errors, StatusCode::UNPROCESSABLE_ENTITY, form).await,
    }
}

#[derive(Template)]
#[template(path = "communities/thread.html")]
struct ThreadPage {
    ctx: Ctx,
    community_name: String,
    community_href: String,
    thread: PostCard,
    replies: Vec<PostCard>,
    /// The viewer may answer (a member, the thread open).
    can_reply: bool,
    manager: bool,
    /// What a manager may do to the thread now, and whether it asks for confirmation.
    thread_actions: Vec<(&'static str, bool)>,
    errors: FieldErrors,
    text: String,
}

/// Orders replies as a tree (each after what it answers), with their depth.
fn tree(thread: i64, replies: &[(model::PostRow, DbActor)]) -> Vec<(usize, usize)> {
    fn walk(
        parent: i64,
        depth: usize,
        replies: &[(model::PostRow, DbActor)],
        thread: i64,
        out: &mut Vec<(usize, usize)>,
    ) {
        for (i, (r, _)) in replies.iter().enumerate() {
            let p = r.parent_id.unwrap_or(thread);
            if p == parent && !out.iter().any(|(j, _)| *j == i) {
                out.push((i, depth));
                walk(r.id, depth + 1, replies, thread, out);
            }
        }
    }
    let mut out = vec![];
    walk(thread, 0, replies, thread, &mut out);
    // answers to something we do not have come last
    for i in 0..replies.len() {
        if !out.iter().any(|(j, _)| *j == i) {
            out.push((i, 0));
        }
    }
    out
}

async fn thread_page(v: Visitor, Path((handle, id)): Path<(String, i64)>) -> WebResult {
    thread_with(
        &v,
        &handle,
        id,
        FieldErrors::default(),
        StatusCode::OK,
        String::new(),
    )
    .await
}

async fn thread_with(
    v: &Visitor,
    handle: &str,
    id: i64,
    errors: FieldErrors,
    status: StatusCode,
    text: String,
) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let me = viewer.as_ref().map(|a| a.id);
    let t = super::thread(&v.data, id, viewer).await?;
    // the address names the community: another handle is another page
    let expected = shown_handle(&t.seen.actor);
    if expected.trim_start_matches('@') != handle.trim_start_matches('@') {
        return Err(AppError::not_found("thread").into());
    }
    let community = &t.seen.actor;
    let replies = tree(t.thread.id, &t.replies)
        .into_iter()
        .map(|(i, depth)| {
            let (r, a) = &t.replies[i];
            card(r, a, community, 0, depth, me)
        })
        .collect();
    let count = t.replies.iter().filter(|(r, _)| !r.gone()).count() as i64;
    html_status(
        status,
        ThreadPage {
            ctx: v.page_titled(t.thread.title.clone().unwrap_or_default()),
            community_name: community.shown_name().to_string(),
            community_href: profile_path(community),
            can_reply: t.seen.sight >= Sight::Member && !t.thread.locked,
            manager: t.seen.sight == Sight::Manager && community.local,
            thread_actions: [
                (if t.thread.pinned { "unpin" } else { "pin" }, false),
                (if t.thread.locked { "unlock" } else { "lock" }, false),
                ("remove", true),
            ]
            .to_vec(),
            thread: card(&t.thread, &t.author, community, count, 0, me),
            replies,
            errors,
            text,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReplyForm {
    text: String,
}

async fn reply(s: SignedIn, Path(id): Path<i64>, CsrfForm(form): CsrfForm<ReplyForm>) -> WebResult {
    let v = &s.visitor;
    let input = PostInput {
        title: None,
        text: form.text.clone(),
        language: None,
    };
    let result = super::reply(&v.data, &s.member, id, input).await;
    let (handle, thread) = thread_of(v, id).await?;
    match v.form_errors(result, &["text"])? {
        Ok(post) => Ok(see_other(&format!(
            "/@{handle}/threads/{thread}#post-{}",
            post.id
        ))),
        Err(errors) => {
            thread_with(
                v,
                &handle,
                thread,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.text,
            )
            .await
        }
    }
}

/// The community handle (as in its page's address) and thread id of a post.
async fn thread_of(v: &Visitor, post: i64) -> WebResult<(String, i64)> {
    let (p, community) = v
        .data
        .db
        .read(move |c| {
            let p = model::post(c, post)?.ok_or_else(|| AppError::not_found("message"))?;
            let community = crate::actors::model::by_id(c, p.community_id)?
                .ok_or_else(|| AppError::not_found("community"))?;
            Ok((p, community))
        })
        .await?;
    Ok((
        shown_handle(&community).trim_start_matches('@').to_string(),
        p.thread_id.unwrap_or(p.id),
    ))
}

#[derive(Debug, Deserialize)]
struct ModerationForm {
    action: Moderation,
}

async fn moderate(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ModerationForm>,
) -> WebResult {
    let v = &s.visitor;
    let (handle, thread) = thread_of(v, id).await?;
    super::moderate(&v.data, &s.member, id, form.action).await?;
    if form.action == Moderation::Remove && id == thread {
        return Ok(see_other(&format!("/@{handle}")));
    }
    Ok(see_other(&format!("/@{handle}/threads/{thread}")))
}

async fn delete_post(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let v = &s.visitor;
    let (handle, thread) = thread_of(v, id).await?;
    super::delete_post(&v.data, &s.member, id).await?;
    if id == thread {
        return Ok(see_other(&format!("/@{handle}")));
    }
    Ok(see_other(&format!("/@{handle}/threads/{thread}")))
}

/// A person in the management lists.
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub href: String,
    pub role: String,
    pub role_label: String,
}

#[derive(Template)]
#[template(path = "communities/manage.html")]
struct ManagePage {
    ctx: Ctx,
    id: i64,
    name: String,
    href: String,
    owner: bool,
    requests: Vec<PersonRow>,
    members: Vec<PersonRow>,
    invited: Vec<PersonRow>,
    banned: Vec<PersonRow>,
    chart: String,
    weeks: Vec<super::stats::Week>,
    /// Name, handle and how much they wrote.
    most_active: Vec<(String, String, String)>,
    errors: FieldErrors,
}

async fn manage_page(s: SignedIn, Path(handle): Path<String>) -> WebResult {
    manage_with(&s, &handle, FieldErrors::default(), StatusCode::OK).await
}

async fn manage_with(
    s: &SignedIn,
    handle: &str,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let v = &s.visitor;
    let seen = super::local_seen(&v.data, handle, Some(s.member.actor.clone())).await?;
    if seen.sight < Sight::Manager {
        return Err(AppError::Forbidden(v.t("community-managers-only")).into());
    }
    let c = seen.actor.id;
    let (lists, figures) = v
        .data
        .db
        .read(move |conn| {
            let mut lists = vec![];
            for st in [
                model::PENDING,
                model::ACCEPTED,
                model::INVITED,
                model::BANNED,
            ] {
                lists.push(model::members(conn, c, st, 1000)?);
            }
            Ok((lists, super::stats::figures(conn, c, crate::db::now())?))
        })
        .await?;
    let rows = |l: &Vec<(model::MemberRow, DbActor)>| -> Vec<PersonRow> {
        l.iter()
            .map(|(r, a)| PersonRow {
                id: a.id,
                name: a.shown_name().to_string(),
                handle: shown_handle(a),
                href: profile_path(a),
                role: r.role.clone(),
                role_label: v.t(&format!("community-role-{}", r.role)),
            })
            .collect()
    };
    html_status(
        status,
        ManagePage {
            ctx: v.page_titled(v.t_with("community-manage-title", "name", seen.actor.shown_name())),
            id: seen.actor.id,
            name: seen.actor.shown_name().to_string(),
            href: profile_path(&seen.actor),
            owner: seen.membership.as_ref().is_some_and(|m| m.role == "owner"),
            requests: rows(&lists[0]),
            members: rows(&lists[1]),
            invited: rows(&lists[2]),
            banned: rows(&lists[3]),
            chart: super::stats::chart_svg(&figures, &v.t("community-chart-label")),
            most_active: figures
                .most_active
                .iter()
                .map(|a| {
                    let count = fluent_bundle::FluentValue::from(a.posts);
                    let label = v
                        .data
                        .i18n
                        .message(v.lang, "community-posts", &[("count", count)]);
                    (
                        a.account.display_name.clone(),
                        a.account.handle.clone(),
                        label,
                    )
                })
                .collect(),
            weeks: figures.weeks,
            errors,
        },
    )
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    decision: Decision,
}

async fn decide(
    s: SignedIn,
    Path((id, person)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let handle = seen.actor.username.clone();
    let result = super::decide(&v.data, &s.member, seen.actor, person, form.decision).await;
    match v.form_errors(result, &[])? {
        Ok(()) => Ok(see_other(&format!("/@{handle}/manage"))),
        Err(errors) => manage_with(&s, &handle, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InviteForm {
    username: String,
}

async fn invite(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> WebResult {
    let v = &s.visitor;
    let seen = seen_by_id(v, id).await?;
    let handle = seen.actor.username.clone();
    let result = super::invite(&v.data, &s.member, seen.actor, &form.username).await;
    match v.form_errors(result, &[])? {
        Ok(()) => Ok(see_other(&format!("/@{handle}/manage#invite"))),
        Err(errors) => manage_with(&s, &handle, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// A thread of one of the member's communities, for the home feed.
pub struct HomeThread {
    pub title: String,
    pub href: String,
    pub community_name: String,
    pub community_href: String,
    pub author_name: String,
    pub published: NaiveDateTime,
}

/// The latest threads of the communities `member` belongs to.
pub async fn home_threads(v: &Visitor, member: i64, limit: i64) -> WebResult<Vec<HomeThread>> {
    let rows = v
        .data
        .db
        .read(move |c| {
            let mut out = vec![];
            for (post, author) in model::threads_of_member(c, member, limit)? {
                if let Some(community) = crate::actors::model::by_id(c, post.community_id)? {
                    out.push((post, author, community));
                }
            }
            Ok(out)
        })
        .await?;
    Ok(rows
        .iter()
        .map(|(p, a, c)| HomeThread {
            title: p.title.clone().unwrap_or_default(),
            href: format!("{}/threads/{}", profile_path(c), p.id),
            community_name: c.shown_name().to_string(),
            community_href: profile_path(c),
            author_name: a.shown_name().to_string(),
            published: p.published,
        })
        .collect())
}
