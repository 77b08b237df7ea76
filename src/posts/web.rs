//! Post pages: the home page (welcome or home feed with the writing form), a post's page
//! (which also answers ActivityPub clients), editing and deleting one's posts.

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

pub fn routes() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/posts", post(create))
        .route("/posts/{id}", get(show))
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
    let ((mut posts, reactions, reposters), me) = match &v.member {
        Some(m) => {
            let me = m.actor.id;
            let feed = v
                .data
                .db
                .read(move |c| super::home_feed(c, me, before, PAGE + 1))
                .await?;
            (feed, Some(me))
        }
        None => (Default::default(), None),
    };
    let older = older_page(&mut posts, PAGE, |(p, _)| p.id, "/");
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
            .iter()
            .map(|(p, a)| {
                let mut card = PostCard::new(p, a, me).with(&reactions);
                card.reposted_by = reposters
                    .get(&p.id)
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

#[derive(Template)]
#[template(path = "posts/show.html")]
struct PostPage {
    ctx: Ctx,
    post: PostCard,
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
    let (post, author) = visible_post(&v.data, url, viewer.clone()).await?;
    let title = v.t_with("post-title", "name", author.shown_name());
    let (id, me) = (post.id, viewer.as_ref().map(|a| a.id));
    let reactions = v
        .data
        .db
        .read(move |c| Ok(super::reactions::of_posts(c, &[id], me)?))
        .await?;
    html(PostPage {
        ctx: v.page_titled(title),
        post: PostCard::new(&post, &author, me).with(&reactions),
    })
}

/// A post by its ActivityPub id with its author, if `viewer` may read it; 404 otherwise.
async fn visible_post(
    state: &AppState,
    url: url::Url,
    viewer: Option<DbActor>,
) -> AppResult<(DbPost, DbActor)> {
    state
        .db
        .read(move |c| {
            let Some(post) = model::by_ap_id(c, url.as_str())? else {
                return Ok(None);
            };
            let Some(author) = crate::actors::model::by_id(c, post.author_id)? else {
                return Ok(None);
            };
            Ok(super::visible(c, &post, &author, viewer.as_ref())?.then_some((post, author)))
        })
        .await?
        .ok_or_else(|| AppError::not_found("post"))
}

/// One of the member's own posts, by the UUID in its address; 404 for anyone else's.
async fn own_post(s: &SignedIn, uuid: &str) -> AppResult<DbPost> {
    let url = post_url(&s.visitor.data, uuid)?;
    let (post, _) = visible_post(&s.visitor.data, url, Some(s.member.actor.clone())).await?;
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
