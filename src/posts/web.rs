//! Post pages: the home page (welcome or home feed with the writing form), a post's page with
//! its replies and the form to answer it (which also answers ActivityPub clients; remote posts
//! have theirs at `/posts/{id}/thread`), editing and deleting one's posts.

use super::{PostInput, model, model::DbPost};
use crate::{
    actors::model::DbActor,
    error::{AppError, AppResult},
    federation::fetch::{Requester, wants_activity_json},
    state::AppState,
    web::{
        CsrfForm, Ctx, FieldErrors, PostCard, SignedIn, Visitor, WebResult, html, html_status,
        older_page, see_other,
    },
};
use askama::Template;
use axum::{
    Router,
    extract::{FromRequestParts, Path, Query, Request},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/posts", post(create))
        .route("/posts/{id}", get(show))
        .route("/posts/{id}/thread", get(thread))
        .route("/posts/{id}/replies", post(reply))
        .route("/posts/{id}/edit", get(edit_form).post(edit))
        .route("/posts/{id}/delete", get(delete_form).post(delete))
        .route("/posts/{id}/like", post(like))
        .route("/posts/{id}/repost", post(repost))
}

/// Posts per page of the home feed.
const PAGE: i64 = 20;
/// Threads of the member's communities shown above their feed.
const COMMUNITY_THREADS: i64 = 5;

/// Languages offered when writing (any BCP 47 tag is accepted; these are the usual ones).
const LANGUAGES: &[&str] = &["fr", "en", "es", "de", "it", "pt", "ar"];

/// The writing form, as sent and as shown again.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PostForm {
    pub text: String,
    pub visibility: String,
    pub language: String,
}

impl PostForm {
    fn input(&self) -> PostInput {
        PostInput {
            text: self.text.clone(),
            visibility: Some(self.visibility.clone()),
            language: Some(self.language.clone()),
            in_reply_to: None,
        }
    }

    /// The message naming the post's visibility.
    fn visibility_key(&self) -> &'static str {
        match self.visibility.as_str() {
            "unlisted" => "post-visibility-unlisted",
            "followers" => "post-visibility-followers",
            _ => "post-visibility-public",
        }
    }

    /// Language choices: code, name in the page's language, whether selected. A code that is
    /// not in the usual list (from an edited post) is kept as a choice.
    fn language_options(&self, ctx: &Ctx) -> Vec<(String, String, bool)> {
        let mut codes: Vec<&str> = LANGUAGES.to_vec();
        if !self.language.is_empty() && !codes.contains(&self.language.as_str()) {
            codes.push(&self.language);
        }
        codes
            .into_iter()
            .map(|c| {
                let key = format!("language-option-{c}");
                let name = if ctx.has(&key) {
                    ctx.t(&key)
                } else {
                    c.to_string()
                };
                (c.to_string(), name, c == self.language)
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "posts/home.html")]
struct HomePage {
    ctx: Ctx,
    description: String,
    form: PostForm,
    errors: FieldErrors,
    posts: Vec<PostCard>,
    older: Option<String>,
    /// The latest threads of the member's communities (first page only).
    community_threads: Vec<crate::communities::web::HomeThread>,
}

impl HomePage {
    fn language_options(&self) -> Vec<(String, String, bool)> {
        self.form.language_options(&self.ctx)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Before {
    before: Option<i64>,
}

/// `/`: a welcome for visitors; the writing form and the home feed for members.
async fn home(v: Visitor, Query(q): Query<Before>) -> WebResult {
    let form = PostForm {
        visibility: "public".into(),
        language: v.lang.into(),
        ..Default::default()
    };
    home_page(&v, q.before, form, FieldErrors::default(), StatusCode::OK).await
}

async fn home_page(
    v: &Visitor,
    before: Option<i64>,
    form: PostForm,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let ((mut posts, reposters), me) = match &v.member {
        Some(m) => {
            let me = m.actor.id;
            let feed = v
                .data
                .db
                .read(move |c| {
                    let (rows, reactions, reposters) = super::home_feed(c, me, before, PAGE + 1)?;
                    Ok((cards(c, &rows, &reactions, Some(me))?, reposters))
                })
                .await?;
            (feed, Some(me))
        }
        None => (Default::default(), None),
    };
    let older = older_page(&mut posts, PAGE, |p| p.id, "/");
    let community_threads = match me {
        Some(me) if before.is_none() => {
            crate::communities::web::home_threads(v, me, COMMUNITY_THREADS).await?
        }
        _ => vec![],
    };
    let page = HomePage {
        ctx: v.page(if me.is_some() {
            "home-title"
        } else {
            "welcome-title"
        }),
        description: v.data.config.instance.description.clone(),
        posts: posts
            .into_iter()
            .map(|mut card| {
                card.reposted_by = reposters
                    .get(&card.id)
                    .map(|r| (r.shown_name().to_string(), crate::web::profile_path(r)));
                card
            })
            .collect(),
        form,
        errors,
        older,
        community_threads,
    };
    html_status(status, page)
}

/// `POST /posts`: publishes, then back to the home feed where the post now shows.
async fn create(s: SignedIn, CsrfForm(form): CsrfForm<PostForm>) -> WebResult {
    let v = &s.visitor;
    let result = super::create(&v.data, s.member.actor.clone(), form.input()).await;
    match v.form_errors(result, &["text", "visibility", "language"])? {
        Ok(_) => Ok(see_other("/")),
        Err(errors) => home_page(v, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// The cards of posts with their reactions, and, for replies, who they answer (the posts
/// answered are read in one query).
pub fn cards(
    conn: &mut crate::db::DbConn,
    rows: &[(DbPost, DbActor)],
    reactions: &HashMap<i64, super::reactions::Reactions>,
    viewer: Option<i64>,
) -> AppResult<Vec<PostCard>> {
    let answered: Vec<String> = rows
        .iter()
        .filter_map(|(p, _)| p.in_reply_to.clone())
        .collect();
    let answered: HashMap<String, (String, String)> =
        model::with_authors_by_ap_ids(conn, &answered)?
            .into_iter()
            .map(|(p, a)| {
                let card = PostCard::new(&p, &a, None);
                (p.ap_id.to_string(), (card.author_name, card.thread))
            })
            .collect();
    Ok(rows
        .iter()
        .map(|(p, a)| {
            let mut card = PostCard::new(p, a, viewer).with(reactions);
            if let Some(to) = p.in_reply_to.as_ref().and_then(|u| answered.get(u)) {
                card.reply_to = Some(to.clone());
            }
            card
        })
        .collect())
}

#[derive(Template)]
#[template(path = "posts/show.html")]
struct PostPage {
    ctx: Ctx,
    /// The post it answers, when we have it and the viewer may read it.
    parent: Option<PostCard>,
    post: PostCard,
    replies: Vec<PostCard>,
    /// The form to answer it (members only).
    form: PostForm,
    errors: FieldErrors,
}

impl PostPage {
    fn language_options(&self) -> Vec<(String, String, bool)> {
        self.form.language_options(&self.ctx)
    }
}

/// The ActivityPub id of the local post `/posts/{uuid}`; 404 for anything but a UUID.
fn post_url(state: &AppState, uuid: &str) -> AppResult<url::Url> {
    let uuid = uuid::Uuid::parse_str(uuid).map_err(|_| AppError::not_found("post"))?;
    Ok(state.url(&format!("/posts/{uuid}")))
}

/// `/posts/{uuid}`: the Note for ActivityPub clients (signed fetches are checked only then),
/// the post's page for browsers, if the viewer may read it.
async fn show(Path(uuid): Path<String>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let v = match Visitor::from_request_parts(&mut parts, &()).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let url = match post_url(&v.data, &uuid) {
        Ok(u) => u,
        Err(e) if wants_activity_json(&parts.headers) => return e.into_response(),
        Err(e) => return crate::web::WebError::from(e).into_response(),
    };
    if wants_activity_json(&parts.headers) {
        let requester = match Requester::from_request_parts(&mut parts, &()).await {
            Ok(Requester(r)) => r,
            Err(rejection) => return rejection,
        };
        return super::federation::note_document(&v.data, requester, url)
            .await
            .unwrap_or_else(IntoResponse::into_response);
    }
    post_page(&v, url).await.into_response()
}

async fn post_page(v: &Visitor, url: url::Url) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let (post, author) = visible_post(&v.data, PostRef::Url(url), viewer).await?;
    thread_page(
        v,
        post,
        author,
        reply_form(v),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// An empty answer, public and in the page's language.
fn reply_form(v: &Visitor) -> PostForm {
    PostForm {
        visibility: "public".into(),
        language: v.lang.into(),
        ..Default::default()
    }
}

/// A post with the post it answers above it, its replies the viewer may read below it, and
/// the form to answer it.
async fn thread_page(
    v: &Visitor,
    post: DbPost,
    author: DbActor,
    form: PostForm,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let title = v.t_with("post-title", "name", author.shown_name());
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let me = viewer.as_ref().map(|a| a.id);
    let (parent, post, replies) = v
        .data
        .db
        .read(move |c| {
            let mut rows = vec![];
            let mut has_parent = false;
            if let Some(answered) = &post.in_reply_to
                && let parent = model::by_ap_id(c, answered)?
                && let Some(found) = super::readable(c, parent, viewer.as_ref())?
            {
                rows.push(found);
                has_parent = true;
            }
            rows.push((post.clone(), author));
            rows.extend(super::replies_for(
                c,
                &post,
                viewer.as_ref(),
                super::MAX_REPLIES,
            )?);
            let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
            let reactions = super::reactions::of_posts(c, &ids, me)?;
            let mut cards = cards(c, &rows, &reactions, me)?.into_iter();
            let parent = if has_parent { cards.next() } else { None };
            let post = cards.next().expect("the post itself");
            Ok((parent, post, cards.collect()))
        })
        .await?;
    html_status(
        status,
        PostPage {
            ctx: v.page_titled(title),
            parent,
            post,
            replies,
            form,
            errors,
        },
    )
}

/// `/posts/{id}/thread`: the page of a post from another server, with its replies and the form
/// to answer it (a local post's page is its own address).
async fn thread(v: Visitor, Path(id): Path<i64>) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let (post, author) = visible_post(&v.data, PostRef::Id(id), viewer).await?;
    if post.local {
        return Ok(see_other(post.ap_id.path()));
    }
    let form = reply_form(&v);
    thread_page(
        &v,
        post,
        author,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /posts/{id}/replies`: answers the post, then back to its page where the answer now
/// shows (or the form again with what is wrong).
async fn reply(s: SignedIn, Path(id): Path<i64>, CsrfForm(form): CsrfForm<PostForm>) -> WebResult {
    let v = &s.visitor;
    let (parent, author) =
        visible_post(&v.data, PostRef::Id(id), Some(s.member.actor.clone())).await?;
    let mut input = form.input();
    input.in_reply_to = Some(parent.id);
    let result = super::create(&v.data, s.member.actor.clone(), input).await;
    match v.form_errors(result, &["text", "visibility", "language"])? {
        Ok(answer) => {
            let page = PostCard::new(&parent, &author, None).thread;
            Ok(see_other(&format!("{page}#post-{}", answer.id)))
        }
        Err(errors) => {
            thread_page(
                v,
                parent,
                author,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// How a post is named in an address: its ActivityPub id (local posts) or its id here.
enum PostRef {
    Url(url::Url),
    Id(i64),
}

/// A post with its author, if `viewer` may read it; 404 otherwise.
async fn visible_post(
    state: &AppState,
    post: PostRef,
    viewer: Option<DbActor>,
) -> AppResult<(DbPost, DbActor)> {
    state
        .db
        .read(move |c| {
            let post = match post {
                PostRef::Url(url) => model::by_ap_id(c, url.as_str())?,
                PostRef::Id(id) => model::by_id(c, id)?,
            };
            super::readable(c, post, viewer.as_ref())
        })
        .await?
        .ok_or_else(|| AppError::not_found("post"))
}

/// One of the member's own posts, by the UUID in its address; 404 for anyone else's.
async fn own_post(s: &SignedIn, uuid: &str) -> AppResult<DbPost> {
    let url = post_url(&s.visitor.data, uuid)?;
    let (post, _) = visible_post(
        &s.visitor.data,
        PostRef::Url(url),
        Some(s.member.actor.clone()),
    )
    .await?;
    if post.author_id != s.member.actor.id || !post.local {
        return Err(AppError::not_found("post"));
    }
    Ok(post)
}

#[derive(Template)]
#[template(path = "posts/edit.html")]
struct EditPage {
    ctx: Ctx,
    uuid: String,
    form: PostForm,
    errors: FieldErrors,
}

impl EditPage {
    fn language_options(&self) -> Vec<(String, String, bool)> {
        self.form.language_options(&self.ctx)
    }
}

async fn edit_form(s: SignedIn, Path(uuid): Path<String>) -> WebResult {
    let post = own_post(&s, &uuid).await?;
    html(EditPage {
        ctx: s.visitor.page("post-edit-title"),
        form: PostForm {
            text: post
                .source
                .unwrap_or_else(|| crate::html::strip_tags(&post.content)),
            visibility: post.visibility,
            language: post.language.unwrap_or_default(),
        },
        uuid,
        errors: FieldErrors::default(),
    })
}

async fn edit(
    s: SignedIn,
    Path(uuid): Path<String>,
    CsrfForm(form): CsrfForm<PostForm>,
) -> WebResult {
    let post = own_post(&s, &uuid).await?;
    let v = &s.visitor;
    let result = super::edit(&v.data, s.member.actor.clone(), post.id, form.input()).await;
    match v.form_errors(result, &["text", "language"])? {
        Ok(_) => Ok(see_other(&format!("/posts/{uuid}"))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            EditPage {
                ctx: v.page("post-edit-title"),
                uuid,
                form,
                errors,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "posts/delete.html")]
struct DeletePage {
    ctx: Ctx,
    uuid: String,
    post: PostCard,
}

/// Asks for confirmation before deleting.
async fn delete_form(s: SignedIn, Path(uuid): Path<String>) -> WebResult {
    let post = own_post(&s, &uuid).await?;
    html(DeletePage {
        ctx: s.visitor.page("post-delete-title"),
        // the card without its own edit and delete links
        post: PostCard::new(&post, &s.member.actor, None),
        uuid,
    })
}

#[derive(Deserialize)]
struct Button {}

async fn delete(s: SignedIn, Path(uuid): Path<String>, CsrfForm(_): CsrfForm<Button>) -> WebResult {
    let post = own_post(&s, &uuid).await?;
    super::delete(&s.visitor.data, s.member.actor.clone(), post.id).await?;
    Ok(see_other("/"))
}

/// The like and repost buttons: `undo` takes it back; `back` is the page to return to.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReactionForm {
    undo: String,
    back: String,
}

impl ReactionForm {
    /// A path of this site (never another site: `//host` and `/\\host` are refused).
    fn back(&self) -> String {
        let b = self.back.as_str();
        if b.starts_with('/') && !b.starts_with("//") && !b.starts_with("/\\") {
            b.to_string()
        } else {
            "/".into()
        }
    }
}

async fn react(s: SignedIn, id: i64, form: ReactionForm, kind: &'static str) -> WebResult {
    let on = form.undo.is_empty();
    super::reactions::set(&s.visitor.data, s.member.actor.clone(), id, kind, on).await?;
    Ok(see_other(&form.back()))
}

/// `POST /posts/{id}/like`: likes the post (or, with `undo`, takes the like back).
async fn like(s: SignedIn, Path(id): Path<i64>, CsrfForm(f): CsrfForm<ReactionForm>) -> WebResult {
    react(s, id, f, super::reactions::LIKE).await
}

/// `POST /posts/{id}/repost`: reposts the post to one's followers (or takes it back).
async fn repost(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ReactionForm>,
) -> WebResult {
    react(s, id, f, super::reactions::REPOST).await
}
