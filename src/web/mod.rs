//! The server-rendered HTML interface: layout and page context, sessions and CSRF, error
//! pages, the language switch and static assets. Each domain's pages live in its `web.rs`
//! (templates in `templates/<domain>/`) and are merged here.
//!
//! Every page works with plain HTML forms; `static/app.js` only improves things (local
//! times). Every word comes from `locales/*.ftl`.

pub mod assets;
pub mod errors;
pub mod i18n;
pub mod session;

use crate::{actors::model::DbActor, posts::model::DbPost, state::AppState};
use activitypub_federation::config::Data;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::{
    Router,
    extract::{Path, Request},
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDateTime;
pub use errors::{FieldErrors, WebError, WebResult};
use fluent_bundle::FluentValue;
pub use session::{CsrfForm, SignedIn, Visitor};

/// Every HTML route.
pub fn routes() -> Router {
    let pages = Router::new()
        .route("/lang/{code}", get(switch_language))
        .merge(crate::accounts::web::routes())
        .merge(crate::profiles::web::routes())
        .merge(crate::organisations::web::routes())
        .merge(crate::communities::web::routes())
        .merge(crate::jobs::web::routes())
        .merge(crate::follows::web::routes())
        .merge(crate::posts::web::routes())
        .merge(crate::peering::web::routes())
        .merge(crate::moderation::web::routes())
        .merge(crate::messages::web::routes())
        .merge(crate::notifications::web::routes())
        .fallback(not_found)
        .layer(middleware::from_fn(web_layer));
    Router::new().merge(pages).merge(assets::routes())
}

/// The signed-in member as the layout shows them.
pub struct MemberNav {
    pub username: String,
    pub name: String,
    /// A moderator or an administrator: the layout links the moderation pages.
    pub staff: bool,
    /// Unread notifications and messages (the badges).
    pub notifications: i64,
    pub messages: i64,
}

/// What the layout of every page needs: language, title, the visitor, their CSRF token.
/// Templates call its methods for every word and date.
pub struct Ctx {
    state: AppState,
    pub lang: &'static str,
    pub title: String,
    pub instance_name: String,
    pub csrf: String,
    pub path: String,
    pub me: Option<MemberNav>,
}

impl Ctx {
    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.state.i18n.message(self.lang, key, &[])
    }

    /// The message `{prefix}-{value}` (labels of codes: `job-contract-permanent`).
    pub fn label(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{value}"))
    }

    /// Whether the message `key` exists in the page's language.
    pub fn has(&self, key: &str) -> bool {
        self.state.i18n.has(self.lang, key)
    }

    /// The message `key` with one text argument.
    pub fn t_with(&self, key: &str, name: &str, value: impl AsRef<str>) -> String {
        self.state
            .i18n
            .message(self.lang, key, &[(name, FluentValue::from(value.as_ref()))])
    }

    /// The message `key` with a number `count` (for plurals).
    pub fn t_count(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        let count = FluentValue::from(*count.borrow());
        self.state.i18n.message(self.lang, key, &[("count", count)])
    }

    /// The shortest password accepted, for the hints of password fields.
    pub fn min_password_chars(&self) -> i64 {
        crate::accounts::MIN_PASSWORD_CHARS as i64
    }

    /// A date and time as people read it in the page's language (UTC; `app.js` shows it in
    /// the reader's time zone).
    pub fn date(&self, at: &NaiveDateTime) -> String {
        i18n::format_datetime(&self.state.i18n, self.lang, at)
    }

    /// A day (without time) as people read it in the page's language.
    pub fn day(&self, day: &chrono::NaiveDate) -> String {
        i18n::format_date(&self.state.i18n, self.lang, day)
    }

    /// The machine-readable form of a date, for `<time datetime>`.
    pub fn iso(&self, at: &NaiveDateTime) -> String {
        at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// URL of a static asset, versioned by its content so it can be cached for good.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// Whether `path` is the current page (for `aria-current`).
    pub fn is_current(&self, path: &str) -> bool {
        self.path.split('?').next() == Some(path)
    }

    /// Whether the page is the signed-in member's own profile.
    pub fn on_own_profile(&self) -> bool {
        self.me
            .as_ref()
            .is_some_and(|m| self.is_current(&format!("/@{}", m.username)))
    }

    /// The languages the visitor can switch to: code and name in that language.
    pub fn other_languages(&self) -> Vec<(&'static str, String)> {
        i18n::LANGUAGES
            .iter()
            .filter(|l| **l != self.lang)
            .map(|l| (*l, self.state.i18n.message(l, "language-name", &[])))
            .collect()
    }
}

impl Visitor {
    /// The context of a page titled by the message `title_key`.
    pub fn page(&self, title_key: &str) -> Ctx {
        let title = self.t(title_key);
        self.page_titled(title)
    }

    /// The context of a page with a title that is not a message (a person's name…).
    pub fn page_titled(&self, title: String) -> Ctx {
        Ctx {
            state: self.data.app_data().clone(),
            lang: self.lang,
            title,
            instance_name: self.data.config.instance.name.clone(),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            me: self.member.as_ref().map(|m| MemberNav {
                username: m.actor.username.clone(),
                name: m.actor.shown_name().to_string(),
                staff: m.role() >= crate::accounts::Role::Moderator,
                notifications: self.unread.notifications,
                messages: self.unread.messages,
            }),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.data.i18n.message(self.lang, key, &[])
    }

    /// The message `key` with one text argument.
    pub fn t_with(&self, key: &str, name: &str, value: &str) -> String {
        self.data
            .i18n
            .message(self.lang, key, &[(name, FluentValue::from(value))])
    }

    /// Field errors of `result` translated for this visitor; see [`errors::form_errors`].
    pub fn form_errors<T>(
        &self,
        result: crate::error::AppResult<T>,
        shown: &[&str],
    ) -> WebResult<Result<T, FieldErrors>> {
        errors::form_errors(result, &self.data.i18n, self.lang, shown)
    }
}

/// Renders a page.
pub fn html(page: impl Template) -> WebResult {
    Ok(Html(page.render()?).into_response())
}

/// Renders a page with a status other than 200 (a form with errors is 422).
pub fn html_status(status: StatusCode, page: impl Template) -> WebResult {
    Ok((status, Html(page.render()?)).into_response())
}

/// After a successful form: go to `to` with a GET (303).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Pagination of lists that grow at the top: `rows` were loaded with one more than `page`
/// items; if that extra one came, it is dropped and the link to the older items returned.
pub fn older_page<T>(
    rows: &mut Vec<T>,
    page: i64,
    id: impl Fn(&T) -> i64,
    base: &str,
) -> Option<String> {
    if rows.len() as i64 <= page {
        return None;
    }
    rows.truncate(page as usize);
    rows.last()
        .map(|last| format!("{base}?before={}", id(last)))
}

/// The page of a person, local or remote.
pub fn profile_path(actor: &DbActor) -> String {
    if actor.local {
        format!("/@{}", actor.username)
    } else {
        format!("/@{}@{}", actor.username, actor.domain)
    }
}

/// The handle people see: `@name` for members of this instance, `@name@host` for others.
pub fn shown_handle(actor: &DbActor) -> String {
    if actor.local {
        format!("@{}", actor.username)
    } else {
        format!("@{}@{}", actor.username, actor.domain)
    }
}

/// A post as the templates show it.
pub struct PostCard {
    /// The post's and its author's ids here (for reports).
    pub id: i64,
    pub author_id: i64,
    /// Path of the post's page here (local posts), or its address on its own server.
    pub link: String,
    /// Path of the page here showing the post with its replies and the form to answer it.
    pub thread: String,
    /// For a reply: the name of the person answered (empty if we do not have that post) and
    /// the page of the post answered.
    pub reply_to: Option<(String, String)>,
    pub local: bool,
    pub uuid: Option<String>,
    pub author_name: String,
    pub author_handle: String,
    pub author_path: String,
    pub author_domain: String,
    pub published: NaiveDateTime,
    pub edited: bool,
    /// Sanitised HTML, as stored.
    pub content: String,
    pub language: Option<String>,
    pub visibility: String,
    /// Written by the viewer: they may edit and delete it.
    pub own: bool,
    /// Likes and reposts, and whether the viewer did either.
    pub reactions: crate::posts::reactions::Reactions,
    /// Anyone may read it, so it may be reposted.
    pub repostable: bool,
    /// In a home feed: who reposted it (name, profile path), when that is why it is there.
    pub reposted_by: Option<(String, String)>,
}

impl PostCard {
    pub fn new(post: &DbPost, author: &DbActor, viewer: Option<i64>) -> PostCard {
        let uuid = post
            .local
            .then(|| post.ap_id.path().rsplit('/').next().map(str::to_string))
            .flatten();
        let link = match &uuid {
            Some(u) => format!("/posts/{u}"),
            None => post.url.clone().unwrap_or_else(|| post.ap_id.to_string()),
        };
        let thread = match &uuid {
            Some(u) => format!("/posts/{u}"),
            None => format!("/posts/{}/thread", post.id),
        };
        // an answered post we do not have is linked on its server (web addresses only)
        let reply_to = post
            .in_reply_to
            .as_ref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(|u| (String::new(), u.clone()));
        PostCard {
            id: post.id,
            author_id: author.id,
            link,
            thread,
            reply_to,
            local: post.local,
            uuid,
            author_name: author.shown_name().to_string(),
            author_handle: shown_handle(author),
            author_path: profile_path(author),
            author_domain: author.domain.clone(),
            published: post.published,
            edited: post.updated.is_some(),
            content: post.content.clone(),
            language: post.language.clone(),
            visibility: post.visibility.clone(),
            own: post.local && viewer == Some(author.id),
            reactions: Default::default(),
            repostable: crate::posts::reactions::repostable(post),
            reposted_by: None,
        }
    }

    /// The card with its reactions (from [`crate::posts::reactions::of_posts`]).
    pub fn with(
        mut self,
        reactions: &std::collections::HashMap<i64, crate::posts::reactions::Reactions>,
    ) -> PostCard {
        if let Some(r) = reactions.get(&self.id) {
            self.reactions = r.clone();
        }
        self
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    ctx: Ctx,
    text: String,
    detail: Option<String>,
    signed_out_401: bool,
}

/// Turns error markers left by [`WebError`] into pages, and sets what every HTML response
/// needs: the anonymous CSRF cookie when missing, a content security policy (no third-party
/// scripts, styles or frames) and no shared caching of personal pages.
/// Pages anyone may open when public pages are off (`web.public_pages = false`).
fn open_without_account(path: &str) -> bool {
    matches!(path, "/login" | "/register" | "/partners" | "/logout")
        || path.starts_with("/lang/")
        || path.starts_with("/static/")
        || path.starts_with("/password")
}

pub async fn web_layer(data: Data<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let new_csrf = CookieJar::from_headers(&headers)
        .get(session::CSRF_COOKIE)
        .is_none()
        .then(|| session::NewCsrfToken(session::random_token()));
    if let Some(t) = &new_csrf {
        req.extensions_mut().insert(t.clone());
    }
    if !data.config.web.public_pages
        && !crate::federation::fetch::wants_activity_json(&headers)
        && !open_without_account(req.uri().path())
    {
        let (mut parts, body) = req.into_parts();
        let signed_in = Visitor::from_request_parts(&mut parts, &())
            .await
            .is_ok_and(|v| v.member.is_some());
        if !signed_in {
            let next = serde_urlencoded::to_string([("next", &path)]).unwrap_or_default();
            return Redirect::to(&format!("/login?{next}")).into_response();
        }
        req = Request::from_parts(parts, body);
    }
    let mut response = next.run(req).await;
    if let Some(page) = response.extensions_mut().remove::<errors::ErrorPage>() {
        response = error_page(&data, &headers, path, new_csrf.as_ref(), page).await;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let h = response.headers_mut();
        if let Some(t) = new_csrf {
            let c = session::cookie(&data, session::CSRF_COOKIE, t.0);
            if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                h.append(header::SET_COOKIE, v);
            }
        }
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(
                "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; \
             script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ));
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-cache"));
    }
    response
}

async fn error_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    path: String,
    new_csrf: Option<&session::NewCsrfToken>,
    page: errors::ErrorPage,
) -> Response {
    let visitor = match Visitor::load(data.clone(), headers, path.clone(), new_csrf).await {
        Ok(v) => v,
        Err(_) => Visitor::anonymous(data.clone(), headers, path, new_csrf),
    };
    let kind = match page.kind.as_str() {
        k @ ("400" | "401" | "403" | "404" | "409" | "413" | "422" | "502" | "503" | "csrf") => k,
        _ => "500",
    };
    let template = ErrorTemplate {
        ctx: visitor.page(&format!("error-title-{kind}")),
        text: visitor.t(&format!("error-text-{kind}")),
        detail: page.detail,
        signed_out_401: kind == "401" && visitor.member.is_none(),
    };
    match template.render() {
        Ok(body) => (page.status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!("error page template: {e}");
            (page.status, page.status.to_string()).into_response()
        }
    }
}

/// Unknown addresses: a page for people, a JSON error under `/api/`.
async fn not_found(uri: Uri) -> Response {
    let e = crate::error::AppError::NotFound(format!("nothing at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        WebError::App(e).into_response()
    }
}

/// `GET /lang/{code}`: remembers the chosen language and goes back to the page.
async fn switch_language(
    data: Data<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| data.is_local_url(u))
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        });
    let back = session::local_path(back.as_deref());
    match i18n::LANGUAGES.iter().find(|l| **l == code) {
        Some(lang) => {
            let c = session::cookie(&data, session::LANG_COOKIE, lang.to_string());
            (jar.add(c), Redirect::to(&back)).into_response()
        }
        None => Redirect::to(&back).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::i18n::{I18n, LANGUAGES};
    use std::path::Path;

    /// Keys written literally in translation calls (`t`, `t_with`, `t_count`, `page`).
    fn literal_keys(source: &str) -> Vec<String> {
        let mut keys = vec![];
        for call in [".t(\"", ".t_with(\"", ".t_count(\"", ".page(\""] {
            for (i, _) in source.match_indices(call) {
                let rest = &source[i + call.len()..];
                let key = rest.split('"').next().unwrap_or_default();
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }

    fn sources(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "html")
                || path.file_name().is_some_and(|n| n == "web.rs")
                || path.parent().is_some_and(|p| p.ends_with("src/web"))
            {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    #[test]
    fn older_pages_start_after_the_last_item_shown() {
        let mut rows = vec![9, 7, 4];
        assert_eq!(
            super::older_page(&mut rows, 2, |r| *r, "/@a"),
            Some("/@a?before=7".into())
        );
        assert_eq!(rows, [9, 7]);
        assert_eq!(super::older_page(&mut rows, 2, |r| *r, "/"), None);
    }

    #[test]
    fn every_message_used_exists_in_every_language() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![];
        sources(&root.join("templates"), &mut files);
        sources(&root.join("src"), &mut files);
        let mut keys: Vec<String> = files.iter().flat_map(|f| literal_keys(f)).collect();
        // keys built at run time
        for kind in [
            "400", "401", "403", "404", "409", "413", "422", "500", "502", "503", "csrf",
        ] {
            keys.push(format!("error-title-{kind}"));
            keys.push(format!("error-text-{kind}"));
        }
        keys.extend((1..=12).map(|m| format!("month-{m}")));
        for kind in crate::notifications::KINDS {
            let kind = kind.replace('_', "-");
            keys.push(format!("notification-{kind}"));
            keys.push(format!("notification-kind-{kind}"));
        }
        for choice in crate::notifications::EMAIL_CHOICES {
            keys.push(format!("notification-email-{choice}"));
        }
        for k in [
            "notification-other",
            "email-intro",
            "email-settings",
            "email-subject",
            "email-subject-digest",
        ] {
            keys.push(k.into());
        }
        for k in [
            "date-time",
            "language-name",
            "login-error-wrong",
            "login-error-suspended",
            "post-visibility-public",
            "post-visibility-unlisted",
            "post-visibility-followers",
            "language-option-fr",
            "language-option-en",
        ] {
            keys.push(k.into());
        }
        assert!(
            keys.len() > 100,
            "the scan finds the messages ({})",
            keys.len()
        );
        let i18n = I18n::default();
        for key in &keys {
            for lang in LANGUAGES {
                assert!(
                    i18n.has(lang, key),
                    "{key} is missing in locales/{lang}.ftl"
                );
            }
        }
    }
}
