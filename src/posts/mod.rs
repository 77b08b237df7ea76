//! Short posts (`Note`): writing, editing and deleting them, the home feed, and receiving the
//! posts of the people members follow.

pub mod api;
pub mod federation;
pub mod model;
pub mod reactions;
pub mod web;

use crate::{
    actors::model::DbActor,
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::{
        activities::{
            create::Create,
            delete::{Delete, Tombstone},
            update::Update,
        },
        delivery,
        outbox::{self, new_id},
    },
    follows, html,
    state::AppState,
};
use federation::NoteJson;
use model::{DbPost, NewPost};
use serde::Deserialize;
use url::Url;

/// Longest post a member may write, in characters.
pub const MAX_POST_CHARS: usize = 5000;

/// Replies shown under a post (the oldest first), on its page and in the API.
pub const MAX_REPLIES: i64 = 200;

/// Who may read a post.
pub const VISIBILITIES: &[&str] = &["public", "unlisted", "followers"];

/// What a member writes; validated by [`PostInput::validate`].
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PostInput {
    /// Plain text; blank lines separate paragraphs, URLs become links.
    pub text: String,
    /// `public` (default), `unlisted` (not in public lists) or `followers`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// BCP 47 language tag of the text, such as `fr` or `en-GB`.
    #[serde(default)]
    pub language: Option<String>,
    /// The id of the post this one answers (a post the member may read, from here or from
    /// another server). Ignored when editing: a reply stays a reply to the same post.
    #[serde(default)]
    pub in_reply_to: Option<i64>,
}

/// A post ready to be stored: validated text and settings.
struct ValidPost {
    text: String,
    visibility: String,
    language: Option<String>,
    in_reply_to: Option<i64>,
}

/// Whether a string is a well-formed BCP 47 language tag.
pub fn valid_language(tag: &str) -> bool {
    tag.len() <= 35 && tag.parse::<unic_langid::LanguageIdentifier>().is_ok()
}

impl PostInput {
    fn validate(self) -> AppResult<ValidPost> {
        let mut errors = vec![];
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.push(FieldError::new(
                "text",
                "empty",
                "Write something before posting.",
            ));
        } else if text.chars().count() > MAX_POST_CHARS {
            errors.push(FieldError::new(
                "text",
                "too_long",
                format!("A post can have at most {MAX_POST_CHARS} characters."),
            ));
        }
        let visibility = self
            .visibility
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "public".into());
        if !VISIBILITIES.contains(&visibility.as_str()) {
            errors.push(FieldError::new(
                "visibility",
                "unknown",
                "Visibility must be public, unlisted or followers.",
            ));
        }
        let language = self
            .language
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
        if let Some(l) = &language
            && !valid_language(l)
        {
            errors.push(FieldError::new(
                "language",
                "invalid",
                "The language must be a language code such as fr or en.",
            ));
        }
        if errors.is_empty() {
            Ok(ValidPost {
                text,
                visibility,
                language,
                in_reply_to: self.in_reply_to,
            })
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

fn followers_url(author: &DbActor) -> AppResult<Url> {
    author
        .followers_url
        .as_deref()
        .map(Url::parse)
        .transpose()?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("actor without followers collection")))
}

/// The Note of a local post, with the author of the post it answers (who is mentioned and
/// addressed in `cc`) and how many liked and reposted it (`likes`, `shares`).
pub fn note(conn: &mut DbConn, post: &DbPost, author: &DbActor) -> AppResult<NoteJson> {
    let mut notes = notes(conn, std::slice::from_ref(post), author)?;
    Ok(notes.remove(0))
}

/// [`note`] for many posts of one author (an outbox page), in two queries whatever their number.
pub fn notes(conn: &mut DbConn, posts: &[DbPost], author: &DbActor) -> AppResult<Vec<NoteJson>> {
    let parents: Vec<String> = posts.iter().filter_map(|p| p.in_reply_to.clone()).collect();
    let answered: std::collections::HashMap<String, DbActor> =
        model::with_authors_by_ap_ids(conn, &parents)?
            .into_iter()
            .map(|(p, a)| (p.ap_id.to_string(), a))
            .collect();
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let mut counts = reactions::likes_and_reposts(conn, &ids)?;
    posts
        .iter()
        .map(|post| {
            let parent = post.in_reply_to.as_ref().and_then(|p| answered.get(p));
            let mut note = post.to_json(author, parent)?;
            let counts = counts.remove(&post.id).unwrap_or_default();
            note.likes = Some(federation::Counted::new(counts.likes));
            note.shares = Some(federation::Counted::new(counts.reposts));
            Ok(note)
        })
        .collect()
}

/// The servers a local post (and its edits and deletion) goes to: those of its author's
/// followers, and that of the author of the post it answers.
fn audience_inboxes(conn: &mut DbConn, author: &DbActor, post: &DbPost) -> AppResult<Vec<String>> {
    let mut inboxes = follows::model::follower_inboxes(conn, author.id)?;
    if let Some(parent) = &post.in_reply_to
        && let Some(answered) = model::author_of(conn, parent)?
        && !answered.local
    {
        inboxes.push(answered.delivery_inbox());
    }
    Ok(inboxes)
}

/// A post found (by id, ActivityPub id…) with its author, if `viewer` may read it
/// ([`visible`]); `None` for a post not found too.
pub fn readable(
    conn: &mut DbConn,
    post: Option<DbPost>,
    viewer: Option<&DbActor>,
) -> AppResult<Option<(DbPost, DbActor)>> {
    let Some(post) = post else { return Ok(None) };
    let Some(author) = crate::actors::model::by_id(conn, post.author_id)? else {
        return Ok(None);
    };
    Ok(visible(conn, &post, &author, viewer)?.then_some((post, author)))
}

/// [`readable`] for a post's id here.
pub fn readable_by_id(
    conn: &mut DbConn,
    id: i64,
    viewer: Option<&DbActor>,
) -> AppResult<Option<(DbPost, DbActor)>> {
    let post = model::by_id(conn, id)?;
    readable(conn, post, viewer)
}

/// The post `member` answers, if they may: it exists, they may read it, and its author does
/// not block them. Returns it with its author.
fn answerable(conn: &mut DbConn, member: &DbActor, id: i64) -> AppResult<(DbPost, DbActor)> {
    let found = readable_by_id(conn, id, Some(member))?;
    match found {
        Some((parent, author)) if !follows::model::blocks(conn, author.id, member.id)? => {
            Ok((parent, author))
        }
        _ => Err(AppError::invalid(
            "in_reply_to",
            "unknown",
            "The post you are answering does not exist any more, or you may not read it.",
        )),
    }
}

/// A member writes a post, or answers one (`in_reply_to`): stored, and sent to their followers'
/// servers and to the server of the person answered, who is told.
pub async fn create(state: &AppState, author: DbActor, input: PostInput) -> AppResult<DbPost> {
    state.limits.check_post(author.id)?;
    let input = input.validate()?;
    let s = state.clone();
    let post = state
        .db
        .write(move |conn| {
            let parent = input
                .in_reply_to
                .map(|id| answerable(conn, &author, id))
                .transpose()?;
            let now = now();
            let ap_id = new_id(&s.base_url, "posts");
            let id = model::insert(
                conn,
                &NewPost {
                    ap_id: ap_id.to_string(),
                    author_id: author.id,
                    local: true,
                    content: html::plain_text_to_html(&input.text),
                    source: Some(input.text),
                    language: input.language,
                    visibility: input.visibility,
                    in_reply_to: parent.as_ref().map(|(p, _)| p.ap_id.to_string()),
                    url: Some(ap_id.to_string()),
                    published: now,
                    updated: None,
                    created_at: now,
                },
            )?;
            let post = model::fetch(conn, id)?;
            let note = post.to_json(&author, parent.as_ref().map(|(_, a)| a))?;
            // the Create's id derives from the post's, as in the outbox collection
            let create = Create::new(federation::create_id(&post.ap_id), &author, note);
            let inboxes = audience_inboxes(conn, &author, &post)?;
            outbox::enqueue(conn, &s.domain, &author, &create, inboxes)?;
            if let Some((_, answered)) = &parent
                && answered.local
                && answered.id != author.id
            {
                crate::notifications::notify_actor(
                    conn,
                    answered.id,
                    crate::notifications::REPLY,
                    Some(author.id),
                    Some(post.ap_id.path()),
                )?;
            }
            Ok(post)
        })
        .await?;
    delivery::wake(state);
    Ok(post)
}

/// Finds a post of `author` by id, for editing or deleting it.
fn own_post(conn: &mut DbConn, author: &DbActor, post_id: i64) -> AppResult<DbPost> {
    use crate::db::schema::posts;
    use diesel::prelude::*;
    posts::table
        .find(post_id)
        .filter(posts::author_id.eq(author.id))
        .filter(posts::deleted_at.is_null())
        .select(DbPost::as_select())
        .get_result(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("post"))
}

/// A member edits one of their posts; followers' servers receive an Update.
pub async fn edit(
    state: &AppState,
    author: DbActor,
    post_id: i64,
    input: PostInput,
) -> AppResult<DbPost> {
    let input = input.validate()?;
    let s = state.clone();
    let post = state
        .db
        .write(move |conn| {
            let post = own_post(conn, &author, post_id)?;
            if post.visibility != input.visibility {
                return Err(AppError::invalid(
                    "visibility",
                    "immutable",
                    "The visibility of a published post cannot be changed.",
                ));
            }
            let post = model::update_content(
                conn,
                post.id,
                &html::plain_text_to_html(&input.text),
                Some(&input.text),
                input.language.as_deref(),
                now(),
            )?;
            let note = note(conn, &post, &author)?;
            let update = Update::new(new_id(&s.base_url, "activities"), &author, note);
            let inboxes = audience_inboxes(conn, &author, &post)?;
            outbox::enqueue(conn, &s.domain, &author, &update, inboxes)?;
            Ok(post)
        })
        .await?;
    delivery::wake(state);
    Ok(post)
}

/// A member deletes one of their posts; followers' servers receive a Delete.
pub async fn delete(state: &AppState, author: DbActor, post_id: i64) -> AppResult<()> {
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let post = own_post(conn, &author, post_id)?;
            delete_local(conn, &s, &author, &post)
        })
        .await?;
    delivery::wake(state);
    Ok(())
}

/// Erases a local post and tells its author's followers' servers (`Delete`).
fn delete_local(conn: &mut DbConn, s: &AppState, author: &DbActor, post: &DbPost) -> AppResult<()> {
    model::mark_deleted(conn, post.id, now())?;
    let (to, cc) = federation::addressing(&post.visibility, &followers_url(author)?);
    let delete = Delete::new(
        new_id(&s.base_url, "activities"),
        author,
        Tombstone::new(post.ap_id.0.clone()),
        to,
        cc,
    );
    let inboxes = audience_inboxes(conn, author, post)?;
    outbox::enqueue(conn, &s.domain, author, &delete, inboxes)?;
    Ok(())
}

/// A moderator removes a post (inside their transaction): a local one is deleted as its author
/// would (with a `Delete` to followers' servers), a remote one is only hidden here. Removing a
/// post already removed does nothing.
pub fn remove_by_moderator(conn: &mut DbConn, state: &AppState, post_id: i64) -> AppResult<()> {
    let Some(post) = model::by_id(conn, post_id)? else {
        return Ok(());
    };
    if post.deleted_at.is_some() {
        return Ok(());
    }
    if post.local {
        let author = crate::actors::model::by_id(conn, post.author_id)?
            .ok_or_else(|| AppError::not_found("author"))?;
        delete_local(conn, state, &author, &post)
    } else {
        model::mark_deleted(conn, post.id, now())?;
        Ok(())
    }
}

/// Whether a received post concerns this instance: its author is followed here, it is
/// addressed to one of our actors, or it answers one of our posts. Other posts are not stored.
fn wanted(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    note: &NoteJson,
) -> AppResult<bool> {
    if follows::model::has_local_follower(conn, author.id)? {
        return Ok(true);
    }
    for url in note.to.iter().chain(&note.cc).chain(&note.mentions()) {
        if state.is_local_url(url) && crate::actors::model::by_ap_id(conn, url.as_str())?.is_some()
        {
            return Ok(true);
        }
    }
    match &note.in_reply_to {
        Some(parent) if state.is_local_url(parent) => {
            Ok(model::by_ap_id(conn, parent.as_str())?.is_some_and(|p| p.local))
        }
        _ => Ok(false),
    }
}

/// Builds the row of a received post, sanitising its HTML.
fn new_remote_post(author: &DbActor, note: &NoteJson) -> AppResult<NewPost> {
    let (content, language) = note.content_and_language();
    if content.len() > federation::MAX_REMOTE_CONTENT {
        return Err(AppError::BadRequest("the post is too long".into()));
    }
    let visibility = federation::visibility_of(&note.to, &note.cc, author.followers_url.as_deref());
    let now = now();
    Ok(NewPost {
        ap_id: note.id.to_string(),
        author_id: author.id,
        local: false,
        content: html::sanitize(&content),
        source: None,
        language,
        visibility: visibility.into(),
        in_reply_to: note.in_reply_to.as_ref().map(Url::to_string),
        url: note
            .url
            .as_ref()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(Url::to_string),
        published: note
            .published
            .map(|p| p.naive_utc())
            .unwrap_or(now)
            .min(now),
        updated: note.updated.map(|u| u.naive_utc()),
        created_at: now,
    })
}

/// Whether a received Note is a direct message (addressed to no collection): those go to
/// [`crate::messages`], not to posts.
pub fn is_direct(author: &DbActor, note: &NoteJson) -> bool {
    federation::visibility_of(&note.to, &note.cc, author.followers_url.as_deref()) == "direct"
}

/// Stores a received post if this instance wants it (see [`wanted`]), and tells the members it
/// mentions or answers. Direct messages are not posts ([`crate::messages::receive_create`]).
/// Returns whether it was stored.
pub fn receive_create(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    note: &NoteJson,
) -> AppResult<bool> {
    if model::by_ap_id(conn, note.id.as_str())?.is_some() {
        return Ok(false);
    }
    let row = new_remote_post(author, note)?;
    if row.visibility == "direct" || !wanted(conn, state, author, note)? {
        return Ok(false);
    }
    model::insert(conn, &row)?;
    notify_mentions_and_reply(conn, state, author, note)?;
    Ok(true)
}

/// Tells our members mentioned by a received post (`Mention` tags), and the author of the
/// local post it answers. A member mentioned in a reply to their own post is told once.
fn notify_mentions_and_reply(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    note: &NoteJson,
) -> AppResult<()> {
    let object = note.url.as_ref().unwrap_or(&note.id).to_string();
    let mut told = vec![];
    if let Some(parent) = &note.in_reply_to
        && state.is_local_url(parent)
        && let Some(p) = model::by_ap_id(conn, parent.as_str())?
        && p.local
        && p.author_id != author.id
    {
        crate::notifications::notify_actor(
            conn,
            p.author_id,
            crate::notifications::REPLY,
            Some(author.id),
            Some(&object),
        )?;
        told.push(p.author_id);
    }
    for url in note.mentions().iter().filter(|u| state.is_local_url(u)) {
        if let Some(member) = crate::actors::model::by_ap_id(conn, url.as_str())?
            && member.local
            && !told.contains(&member.id)
        {
            crate::notifications::notify_actor(
                conn,
                member.id,
                crate::notifications::MENTION,
                Some(author.id),
                Some(&object),
            )?;
            told.push(member.id);
        }
    }
    Ok(())
}

/// Applies a received edit to a post we have (posts we do not have are ignored, unless wanted).
pub fn receive_update(
    conn: &mut DbConn,
    state: &AppState,
    author: &DbActor,
    note: &NoteJson,
) -> AppResult<()> {
    match model::by_ap_id(conn, note.id.as_str())? {
        Some(post) if post.author_id == author.id && post.deleted_at.is_none() => {
            let row = new_remote_post(author, note)?;
            model::update_content(
                conn,
                post.id,
                &row.content,
                None,
                row.language.as_deref(),
                row.updated.unwrap_or_else(now),
            )?;
            Ok(())
        }
        Some(_) => Err(AppError::Forbidden(
            "only the author can edit a post".into(),
        )),
        None => receive_create(conn, state, author, note).map(|_| ()),
    }
}

/// Applies a received deletion of a post by its author.
pub fn receive_delete(conn: &mut DbConn, author: &DbActor, id: &Url) -> AppResult<()> {
    if let Some(post) = model::by_ap_id(conn, id.as_str())? {
        if post.author_id != author.id {
            return Err(AppError::Forbidden(
                "only the author can delete a post".into(),
            ));
        }
        model::mark_deleted(conn, post.id, now())?;
    }
    Ok(())
}

/// Stores a post fetched by id (the federation crate's `from_json`).
pub async fn store_remote(state: &AppState, author: &DbActor, note: NoteJson) -> AppResult<DbPost> {
    note.verify_author(&author.ap_id)?;
    let row = new_remote_post(author, &note)?;
    state
        .db
        .write(move |conn| match model::by_ap_id(conn, &row.ap_id)? {
            Some(existing) => Ok(existing),
            None => {
                let id = model::insert(conn, &row)?;
                Ok(model::fetch(conn, id)?)
            }
        })
        .await
}

/// What a home feed page shows: the posts with their authors (see [`model::home_feed`]), their
/// reactions as `viewer` sees them, and who reposted the posts that are there by a repost.
pub type HomeFeed = (
    Vec<(DbPost, DbActor)>,
    std::collections::HashMap<i64, reactions::Reactions>,
    std::collections::HashMap<i64, DbActor>,
);

/// The home feed of `viewer`, one page.
pub fn home_feed(
    conn: &mut DbConn,
    viewer: i64,
    before: Option<i64>,
    limit: i64,
) -> AppResult<HomeFeed> {
    let rows = model::home_feed(conn, viewer, before, limit)?;
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let reactions = reactions::of_posts(conn, &ids, Some(viewer))?;
    // a post of the viewer or of someone they follow is there for itself, not for a repost
    let authors: Vec<i64> = rows.iter().map(|(p, _)| p.author_id).collect();
    let followed = follows::model::followed_among(conn, viewer, &authors)?;
    let by_repost: Vec<i64> = rows
        .iter()
        .filter(|(p, _)| p.author_id != viewer && !followed.contains(&p.author_id))
        .map(|(p, _)| p.id)
        .collect();
    let reposters = reactions::reposters(conn, viewer, &by_repost)?;
    Ok((rows, reactions, reposters))
}

/// Posts of `author` that the local member `viewer` (`None` for a visitor who is not signed
/// in) may read, newest first: public and unlisted ones, plus followers-only ones for the
/// author and their accepted followers. The list form of [`visible`], for profile pages.
pub async fn by_author_for(
    state: &AppState,
    author_id: i64,
    viewer: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<DbPost>> {
    state
        .db
        .read(move |c| {
            let sees_followers_only = match viewer {
                Some(v) if v == author_id => true,
                Some(v) => {
                    follows::state_between(c, v, author_id)? == follows::FollowState::Accepted
                }
                None => false,
            };
            let vis: &[&str] = if sees_followers_only {
                &["public", "unlisted", "followers"]
            } else {
                &["public", "unlisted"]
            };
            Ok(model::by_author(c, author_id, vis, before, limit)?)
        })
        .await
}

/// The replies to `post` that `viewer` may read, oldest first (among its first `limit`); not
/// those of people the viewer blocks.
pub fn replies_for(
    conn: &mut DbConn,
    post: &DbPost,
    viewer: Option<&DbActor>,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbActor)>> {
    let replies = model::replies_to(conn, post.ap_id.as_str(), limit)?;
    let blocked = match viewer {
        Some(v) => {
            let authors: Vec<i64> = replies.iter().map(|(_, a)| a.id).collect();
            follows::model::blocked_among(conn, v.id, &authors)?
        }
        None => vec![],
    };
    let mut out = vec![];
    for (r, a) in replies {
        if !blocked.contains(&a.id) && visible(conn, &r, &a, viewer)? {
            out.push((r, a));
        }
    }
    Ok(out)
}

/// Whether `viewer` (a local member or a signed remote actor, `None` for anonymous) may read a
/// post of `author`. Followers-only posts are for the author, their accepted followers, the
/// server of such a follower asking on their behalf, and (for a reply) the author of the post
/// answered and their server.
pub fn visible(
    conn: &mut DbConn,
    post: &DbPost,
    author: &DbActor,
    viewer: Option<&DbActor>,
) -> AppResult<bool> {
    if post.deleted_at.is_some() {
        return Ok(false);
    }
    match post.visibility.as_str() {
        "public" | "unlisted" => Ok(true),
        "followers" => {
            let Some(v) = viewer else { return Ok(false) };
            if v.id == author.id {
                return Ok(true);
            }
            if follows::model::blocks(conn, author.id, v.id)? {
                return Ok(false);
            }
            if let Some(parent) = &post.in_reply_to
                && let Some(answered) = model::author_of(conn, parent)?
                && (answered.id == v.id || (v.kind == "application" && answered.domain == v.domain))
            {
                return Ok(true);
            }
            if v.kind == "application" {
                return follows::has_follower_on(conn, author.id, &v.domain);
            }
            Ok(follows::state_between(conn, v.id, author.id)? == follows::FollowState::Accepted)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str, visibility: Option<&str>, language: Option<&str>) -> PostInput {
        PostInput {
            text: text.into(),
            visibility: visibility.map(Into::into),
            language: language.map(Into::into),
            in_reply_to: None,
        }
    }

    #[test]
    fn post_input_is_validated_field_by_field() {
        assert!(input("Bonjour", None, Some("fr")).validate().is_ok());
        let Err(AppError::Invalid(errors)) =
            input("  ", Some("secret"), Some("not a language!")).validate()
        else {
            panic!("expected errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["text", "visibility", "language"]);
        assert!(
            input(&"a".repeat(MAX_POST_CHARS + 1), None, None)
                .validate()
                .is_err()
        );
    }
}
