//! Profile pages: a member's page (local or remote) with their professional profile, editing
//! one's card, finding someone by handle. The professional profile editor is in `editor`,
//! browsing people by skill in `browse`, the shared rendering of a profile in `view`.

mod browse;
mod editor;
pub mod view;

use super::ProfileInput;
use crate::{
    actors::{self, model::DbActor},
    error::AppError,
    federation::webfinger::{parse_handle, resolve_handle},
    follows::{self, FollowState},
    posts,
    web::{
        CsrfForm, Ctx, FieldErrors, PostCard, SignedIn, Visitor, WebResult, html, html_status,
        older_page, profile_path, see_other, shown_handle,
    },
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, Query},
    http::StatusCode,
    response::Response,
    routing::get,
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .merge(editor::routes())
        .merge(browse::routes())
        .route("/@{handle}", get(profile))
        .route("/settings/profile", get(edit_form).post(edit))
        .route("/search", get(search))
}

/// Posts per page on profiles.
const PAGE: i64 = 20;

/// A person as their profile page shows them.
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub domain: String,
    pub local: bool,
    /// Sanitised HTML, as stored.
    pub bio: String,
    pub avatar_url: Option<String>,
    pub locked: bool,
    /// Their page on their own server (remote people).
    pub remote_url: Option<String>,
}

impl From<&DbActor> for PersonView {
    fn from(a: &DbActor) -> Self {
        PersonView {
            id: a.id,
            name: a.shown_name().to_string(),
            handle: shown_handle(a),
            domain: a.domain.clone(),
            local: a.local,
            bio: a.summary.clone(),
            avatar_url: a.avatar_url.clone(),
            locked: a.manually_approves_followers,
            remote_url: (!a.local).then(|| a.url.clone().unwrap_or_else(|| a.ap_id.to_string())),
        }
    }
}

#[derive(Template)]
#[template(path = "profiles/show.html")]
struct ProfilePage {
    ctx: Ctx,
    person: PersonView,
    /// `none`, `pending` or `accepted`; empty for visitors and on one's own profile.
    follow: &'static str,
    own: bool,
    /// The signed-in viewer blocks this person.
    blocked: bool,
    followers: i64,
    following: i64,
    posts: Vec<PostCard>,
    older: Option<String>,
    sections: view::SectionsView,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Before {
    before: Option<i64>,
}

/// `/@name` (a member here) or `/@name@host` (someone elsewhere, fetched if needed).
async fn profile(v: Visitor, Path(handle): Path<String>, Query(q): Query<Before>) -> WebResult {
    let actor = match find_person(&v, &handle).await? {
        Ok(actor) => actor,
        Err(elsewhere) => return Ok(elsewhere),
    };
    if actor.kind == "organization" {
        return crate::organisations::web::page(&v, actor).await;
    }
    if actor.kind == "group" {
        return crate::communities::web::page(&v, actor).await;
    }
    let me = v.member.as_ref().map(|m| m.actor.id);
    let (follow, followers, following) = relationship(&v, me, &actor).await?;
    let mut rows = posts::by_author_for(&v.data, actor.id, me, q.before, PAGE + 1).await?;
    let older = older_page(&mut rows, PAGE, |p| p.id, &profile_path(&actor));
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let rows: Vec<_> = rows.into_iter().map(|p| (p, actor.clone())).collect();
    let cards = v
        .data
        .db
        .read(move |c| {
            let reactions = posts::reactions::of_posts(c, &ids, me)?;
            posts::web::cards(c, &rows, &reactions, me)
        })
        .await?;
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let own = me == Some(actor.id);
    let blocked = match me {
        Some(me) if !own => {
            let them = actor.id;
            v.data
                .db
                .read(move |c| Ok(follows::model::blocks(c, me, them)?))
                .await?
        }
        _ => false,
    };
    let sections = match super::view(&v.data, actor.clone(), viewer).await? {
        // a Passerelle profile's fields only sum up its sections: show one or the other
        Some(p) if p.profile.is_empty() => view::SectionsView::new(&v, &p.profile, p.fields, own),
        Some(p) => view::SectionsView::new(&v, &p.profile, vec![], own),
        None => view::SectionsView::new(&v, &Default::default(), vec![], own),
    };
    html(ProfilePage {
        sections,
        ctx: v.page_titled(actor.shown_name().to_string()),
        posts: cards,
        person: PersonView::from(&actor),
        follow,
        own: me == Some(actor.id),
        blocked,
        followers,
        following,
        older,
    })
}

/// The person a profile address designates, or the page to show instead: their canonical
/// address, the log-in page (only members look people up on other servers), or the search
/// page saying why they were not found.
async fn find_person(v: &Visitor, handle: &str) -> WebResult<Result<DbActor, Response>> {
    match handle.split_once('@') {
        None => match actors::local_by_username(&v.data, handle).await {
            Err(AppError::NotFound(_)) => {
                match actors::local_of_kind(&v.data, handle, "organization").await {
                    Err(AppError::NotFound(_)) => {
                        // communities decide themselves who may know they exist
                        Ok(Ok(actors::local_of_kind(&v.data, handle, "group").await?))
                    }
                    other => Ok(Ok(other?)),
                }
            }
            other => Ok(Ok(other?)),
        },
        Some((user, host)) if host.eq_ignore_ascii_case(&v.data.domain) => {
            Ok(Err(see_other(&format!("/@{user}"))))
        }
        Some(_) if v.member.is_none() => {
            let next = serde_urlencoded::to_string([("next", &v.path)]).unwrap_or_default();
            Ok(Err(see_other(&format!("/login?{next}"))))
        }
        Some(_) => match resolve_handle(&v.data, handle).await {
            Ok(actor) => Ok(Ok(actor)),
            Err(e) => search_error(v, handle, e).map(Err),
        },
    }
}

/// How the viewer follows `actor` (`none`, `pending`, `accepted`; empty for visitors and on
/// one's own profile), and the actor's follower and following counts (known here only for
/// local people).
async fn relationship(
    v: &Visitor,
    me: Option<i64>,
    actor: &DbActor,
) -> WebResult<(&'static str, i64, i64)> {
    let (them, local) = (actor.id, actor.local);
    let (follow, counts) = v
        .data
        .db
        .read(move |c| {
            let follow = match me {
                Some(me) if me != them => Some(follows::state_between(c, me, them)?),
                _ => None,
            };
            let counts = match local {
                true => (
                    follows::model::count_followers(c, them)?,
                    follows::model::count_following(c, them)?,
                ),
                false => (0, 0),
            };
            Ok((follow, counts))
        })
        .await?;
    let follow = match follow {
        None => "",
        Some(FollowState::None) => "none",
        Some(FollowState::Pending) => "pending",
        Some(FollowState::Accepted) => "accepted",
    };
    Ok((follow, counts.0, counts.1))
}

/// What the profile form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProfileForm {
    display_name: String,
    bio: String,
    avatar_url: String,
    locked: bool,
}

#[derive(Template)]
#[template(path = "profiles/edit.html")]
struct EditPage {
    ctx: Ctx,
    form: ProfileForm,
    saved: bool,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: Option<String>,
}

async fn edit_form(s: SignedIn, Query(q): Query<SavedQuery>) -> WebResult {
    let a = &s.member.actor;
    html(EditPage {
        ctx: s.visitor.page("profile-edit-title"),
        form: ProfileForm {
            display_name: a.display_name.clone(),
            bio: super::bio_as_text(&a.summary),
            avatar_url: a.avatar_url.clone().unwrap_or_default(),
            locked: a.manually_approves_followers,
        },
        saved: q.saved.is_some(),
        errors: FieldErrors::default(),
    })
}

async fn edit(s: SignedIn, CsrfForm(form): CsrfForm<ProfileForm>) -> WebResult {
    let input = ProfileInput {
        display_name: form.display_name.clone(),
        bio: form.bio.clone(),
        avatar_url: Some(form.avatar_url.clone()),
        locked: form.locked,
    };
    let result = super::update(&s.visitor.data, &s.member, input).await;
    match s
        .visitor
        .form_errors(result, &["display_name", "bio", "avatar_url"])?
    {
        Ok(_) => Ok(see_other("/settings/profile?saved=1")),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            EditPage {
                ctx: s.visitor.page("profile-edit-title"),
                form,
                saved: false,
                errors,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "profiles/search.html")]
struct SearchPage {
    ctx: Ctx,
    query: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

/// `/search?q=@name@host`: goes to the person's page, or says why they were not found.
async fn search(s: SignedIn, Query(q): Query<SearchQuery>) -> WebResult {
    let v = &s.visitor;
    let typed = q.q.trim().trim_start_matches('@');
    if typed.is_empty() {
        return html(SearchPage {
            ctx: v.page("search-title"),
            query: String::new(),
            error: None,
        });
    }
    // a bare name is someone on this instance
    let handle = match typed.contains('@') {
        true => typed.to_string(),
        false => format!("{typed}@{}", v.data.domain),
    };
    match resolve_handle(&v.data, &handle).await {
        Ok(actor) => Ok(see_other(&profile_path(&actor))),
        Err(e) => search_error(v, q.q.trim(), e),
    }
}

/// The search page with a sentence saying what went wrong and what to do.
fn search_error(v: &Visitor, typed: &str, e: AppError) -> WebResult {
    let host = parse_handle(typed).map(|(_, h)| h).unwrap_or_default();
    let (status, error) = match &e {
        AppError::Invalid(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.t("search-error-invalid"),
        ),
        AppError::NotFound(_) => {
            let handle = format!("@{}", typed.trim_start_matches('@'));
            (
                StatusCode::NOT_FOUND,
                v.t_with("search-error-not-found", "handle", &handle),
            )
        }
        AppError::Internal(_) => return Err(e.into()),
        _ => (
            StatusCode::BAD_GATEWAY,
            v.t_with("search-error-unreachable", "host", &host),
        ),
    };
    html_status(
        status,
        SearchPage {
            ctx: v.page("search-title"),
            query: typed.to_string(),
            error: Some(error),
        },
    )
}
