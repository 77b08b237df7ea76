//! Members' profiles (`Person` actors).
//!
//! Two parts: the **card** (name, picture, presentation, whether follows need approval), saved
//! and federated at once because it is the actor itself; and the **professional profile**
//! (headline, place, languages, what I look for, links, skills, experiences, education), a
//! [`document::ProfileDoc`] edited as a draft and shown to others only once published, each
//! section and entry with its own [`document::Visibility`].

pub mod api;
pub mod document;
pub mod federation;
pub mod model;
pub mod resume;
pub mod web;

use crate::{
    accounts::Member,
    actors::model::{self as actor_model, DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::delivery,
    follows, html,
    state::AppState,
};
use document::{Audience, Entry, ProfileDoc};
use serde::Deserialize;
use url::Url;

pub const MAX_DISPLAY_NAME: usize = 100;
pub const MAX_BIO: usize = 2000;

/// What a member edits on their profile.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    pub display_name: String,
    /// Plain text; shown as paragraphs.
    #[serde(default)]
    pub bio: String,
    /// Address of a picture (https).
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// When true, each follow request waits for approval.
    #[serde(default)]
    pub locked: bool,
}

struct ValidProfile {
    display_name: String,
    bio_html: String,
    avatar_url: Option<String>,
    locked: bool,
}

impl ProfileInput {
    fn validate(self) -> AppResult<ValidProfile> {
        let mut errors = vec![];
        let display_name = self.display_name.trim().to_string();
        if display_name.chars().count() > MAX_DISPLAY_NAME {
            errors.push(FieldError::new(
                "display_name",
                "too_long",
                format!("A name has at most {MAX_DISPLAY_NAME} characters."),
            ));
        }
        let bio = self.bio.trim().to_string();
        if bio.chars().count() > MAX_BIO {
            errors.push(FieldError::new(
                "bio",
                "too_long",
                format!("The presentation has at most {MAX_BIO} characters."),
            ));
        }
        let avatar_url = self
            .avatar_url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &avatar_url
            && !Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "https" | "http"))
        {
            errors.push(FieldError::new(
                "avatar_url",
                "invalid",
                "The picture address must start with https://.",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ValidProfile {
            display_name,
            bio_html: html::plain_text_to_html(&bio),
            avatar_url,
            locked: self.locked,
        })
    }
}

/// Saves a member's card and sends an Update of their actor to their followers' servers.
pub async fn update(state: &AppState, member: &Member, input: ProfileInput) -> AppResult<DbActor> {
    let p = input.validate()?;
    let s = state.clone();
    let actor_id = member.actor.id;
    let actor = state
        .db
        .write(move |conn| {
            let actor = actor_model::update_profile(
                conn,
                actor_id,
                &p.display_name,
                &p.bio_html,
                p.avatar_url.as_deref(),
                p.locked,
                now(),
            )?;
            send_actor_update(conn, &s, &actor)?;
            Ok(actor)
        })
        .await?;
    delivery::wake(state);
    Ok(actor)
}

/// Queues an Update of `actor` (its whole document, with the public profile) for its
/// followers' servers, inside the caller's transaction.
pub(crate) fn send_actor_update(
    conn: &mut DbConn,
    state: &AppState,
    actor: &DbActor,
) -> AppResult<()> {
    let json = federation::person_document(conn, state, actor)?;
    // the actor carries the profile's terms
    crate::actors::send_update(conn, state, actor, json, federation::profile_context())
}

/// Where a member's profile stands: the draft, and whether and when it was published.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DraftView {
    pub profile: ProfileDoc,
    /// When it was last published; absent if it never was.
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the draft has changes others do not see yet.
    pub unpublished_changes: bool,
}

/// The member's working copy of their professional profile.
pub async fn draft(state: &AppState, member: &Member) -> AppResult<DraftView> {
    let id = member.actor.id;
    state.db.read(move |c| draft_view(c, id)).await
}

fn draft_view(conn: &mut DbConn, actor_id: i64) -> AppResult<DraftView> {
    Ok(match model::get(conn, actor_id)? {
        None => DraftView {
            profile: ProfileDoc::default(),
            published_at: None,
            unpublished_changes: false,
        },
        Some(row) => DraftView {
            profile: row.draft_doc()?,
            published_at: row.published_at.map(|t| t.and_utc()),
            unpublished_changes: row.has_unpublished_changes(),
        },
    })
}

/// Checks that linked organisations are organisations this instance knows.
fn check_organisations(conn: &mut DbConn, doc: &ProfileDoc) -> AppResult<()> {
    let mut errors = vec![];
    for (section, list) in [
        ("experiences", &doc.experiences),
        ("education", &doc.education),
    ] {
        for (i, e) in list.iter().enumerate() {
            if let Some(id) = &e.organisation_id {
                let known = actor_model::by_ap_id(conn, id)?
                    .is_some_and(|a| a.kind == "organization" && a.deleted_at.is_none());
                if !known {
                    errors.push(FieldError::new(
                        &format!("{section}.{i}.organisation_id"),
                        "unknown",
                        "This organisation is not known here; write its name instead.",
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Replaces the member's draft with `doc` (validated). Nothing is shown to others until
/// [`publish`].
pub async fn save_draft(
    state: &AppState,
    member: &Member,
    doc: ProfileDoc,
) -> AppResult<DraftView> {
    let doc = doc.validate()?;
    let id = member.actor.id;
    state
        .db
        .write(move |c| {
            check_organisations(c, &doc)?;
            model::save_draft(c, id, &doc, now())?;
            draft_view(c, id)
        })
        .await
}

/// Which list of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Experiences,
    Education,
}

impl Section {
    pub fn parse(s: &str) -> Option<Section> {
        match s {
            "experiences" => Some(Section::Experiences),
            "education" => Some(Section::Education),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Experiences => "experiences",
            Section::Education => "education",
        }
    }

    fn list(self, doc: &mut ProfileDoc) -> &mut Vec<Entry> {
        match self {
            Section::Experiences => &mut doc.experiences,
            Section::Education => &mut doc.education,
        }
    }
}

/// Adds an entry to the draft (`id` = `None`) or replaces one. Field errors are named as in
/// the entry (`title`, not `experiences.3.title`), for entry forms.
pub async fn save_entry(
    state: &AppState,
    member: &Member,
    section: Section,
    id: Option<String>,
    mut entry: Entry,
) -> AppResult<Entry> {
    let actor_id = member.actor.id;
    state
        .db
        .write(move |c| {
            let mut doc = draft_view(c, actor_id)?.profile;
            let list = section.list(&mut doc);
            let index = match &id {
                Some(id) => {
                    let i = list
                        .iter()
                        .position(|e| &e.id == id)
                        .ok_or_else(|| AppError::not_found("entry"))?;
                    entry.id = id.clone();
                    entry.extra = entry.extra.take().or_else(|| list[i].extra.clone());
                    list[i] = entry;
                    i
                }
                None => {
                    entry.id = document::new_entry_id();
                    list.push(entry);
                    list.len() - 1
                }
            };
            let prefix = format!("{}.{index}.", section.as_str());
            let unprefix = |e: AppError| match e {
                AppError::Invalid(errors) => AppError::Invalid(
                    errors
                        .into_iter()
                        .map(|mut f| {
                            if let Some(rest) = f.field.strip_prefix(&prefix) {
                                f.field = rest.to_string();
                            }
                            f
                        })
                        .collect(),
                ),
                e => e,
            };
            let doc = doc.validate().map_err(unprefix)?;
            check_organisations(c, &doc).map_err(unprefix)?;
            model::save_draft(c, actor_id, &doc, now())?;
            let mut doc = doc;
            Ok(section.list(&mut doc)[index].clone())
        })
        .await
}

/// Removes an entry from the draft.
pub async fn delete_entry(
    state: &AppState,
    member: &Member,
    section: Section,
    id: String,
) -> AppResult<()> {
    let actor_id = member.actor.id;
    state
        .db
        .write(move |c| {
            let mut doc = draft_view(c, actor_id)?.profile;
            let list = section.list(&mut doc);
            let before = list.len();
            list.retain(|e| e.id != id);
            if list.len() == before {
                return Err(AppError::not_found("entry"));
            }
            model::save_draft(c, actor_id, &doc, now())
        })
        .await
}

/// Publishes the draft: others read it from now on, and the member's followers' servers get
/// an Update of their actor (carrying the public part; the rest they fetch, signed).
pub async fn publish(state: &AppState, member: &Member) -> AppResult<DraftView> {
    let s = state.clone();
    let actor_id = member.actor.id;
    let view = state
        .db
        .write(move |c| {
            let doc = draft_view(c, actor_id)?.profile.validate()?;
            let now = now();
            model::publish(c, actor_id, &doc, now)?;
            let actor = actor_model::touch(c, actor_id, now)?;
            send_actor_update(c, &s, &actor)?;
            draft_view(c, actor_id)
        })
        .await?;
    delivery::wake(state);
    Ok(view)
}

/// How `viewer` stands towards `subject`'s profile. A remote instance actor (a server
/// fetching for its members) counts as a follower when one of its members follows. Someone
/// `subject` blocks reads only what everyone may read.
pub fn audience_for(
    conn: &mut DbConn,
    subject: &DbActor,
    viewer: Option<&DbActor>,
) -> AppResult<Audience> {
    let Some(v) = viewer else {
        return Ok(Audience::ANONYMOUS);
    };
    if v.id == subject.id {
        return Ok(Audience::OWNER);
    }
    if follows::model::blocks(conn, subject.id, v.id)? {
        return Ok(Audience::ANONYMOUS);
    }
    let follower = if v.kind == "application" && !v.local {
        follows::has_follower_on(conn, subject.id, &v.domain)?
    } else {
        follows::state_between(conn, v.id, subject.id)? == follows::FollowState::Accepted
    };
    Ok(Audience {
        owner: false,
        follower,
        same_instance: v.local && subject.local,
    })
}

/// A published profile as `viewer` may read it, with a remote actor's fields.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    pub profile: ProfileDoc,
    /// Name/value pairs from the actor document (Mastodon's profile fields); values are
    /// sanitised HTML.
    pub fields: Vec<model::Field>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What `viewer` may read of `subject`'s published profile (`None`: nothing published or
/// known). The same rule serves pages, the API and ActivityPub fetches.
pub fn visible_profile(
    conn: &mut DbConn,
    subject: &DbActor,
    viewer: Option<&DbActor>,
) -> AppResult<Option<ProfileView>> {
    let Some(row) = model::get(conn, subject.id)? else {
        return Ok(None);
    };
    let fields: Vec<model::Field> = serde_json::from_str(&row.fields).unwrap_or_default();
    let audience = audience_for(conn, subject, viewer)?;
    let profile = row.published_doc()?.map(|d| d.for_audience(audience));
    if profile.is_none() && fields.is_empty() {
        return Ok(None);
    }
    Ok(Some(ProfileView {
        profile: profile.unwrap_or_default(),
        fields,
        published_at: row.published_at.map(|t| t.and_utc()),
    }))
}

/// [`visible_profile`] in a read transaction.
pub async fn view(
    state: &AppState,
    subject: DbActor,
    viewer: Option<DbActor>,
) -> AppResult<Option<ProfileView>> {
    state
        .db
        .read(move |c| visible_profile(c, &subject, viewer.as_ref()))
        .await
}

/// Whom a preview shows the profile to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PreviewAs {
    /// Someone not signed in, or another server with no follower of mine.
    Anonymous,
    /// Someone I accepted as a follower.
    Follower,
    /// A member of my instance who does not follow me.
    Member,
}

impl PreviewAs {
    pub fn audience(self) -> Audience {
        match self {
            PreviewAs::Anonymous => Audience::ANONYMOUS,
            PreviewAs::Follower => Audience {
                follower: true,
                ..Audience::default()
            },
            PreviewAs::Member => Audience {
                same_instance: true,
                ..Audience::default()
            },
        }
    }
}

/// The draft as someone else would read it once published.
pub async fn preview(state: &AppState, member: &Member, who: PreviewAs) -> AppResult<ProfileDoc> {
    Ok(draft(state, member)
        .await?
        .profile
        .for_audience(who.audience()))
}

/// People and experiences by skill tag and kind, local and remote, as `viewer` may see them.
pub async fn browse(
    state: &AppState,
    viewer: Option<&DbActor>,
    tag: Option<&str>,
    kind: Option<&str>,
    limit: i64,
) -> AppResult<Vec<model::Match>> {
    let tag_key = tag.map(document::tag_key).filter(|k| !k.is_empty());
    let kind = kind.map(str::to_string).filter(|k| !k.is_empty());
    if let Some(k) = &kind
        && !document::EXPERIENCE_KINDS.contains(&k.as_str())
        && k != document::EDUCATION_KIND
    {
        return Err(AppError::Invalid(vec![FieldError::new(
            "kind",
            "invalid",
            format!(
                "The kind is one of: {}, education.",
                document::EXPERIENCE_KINDS.join(", ")
            ),
        )]));
    }
    if tag_key.is_none() && kind.is_none() {
        return Ok(vec![]);
    }
    let filter = model::BrowseFilter { tag_key, kind };
    let browser = model::Browser {
        actor_id: viewer.filter(|v| v.local).map(|v| v.id),
    };
    state
        .db
        .read(move |c| model::browse(c, &filter, browser, limit))
        .await
}

/// The plain text of a bio stored as HTML, for the edit form.
pub fn bio_as_text(summary_html: &str) -> String {
    html::strip_tags(
        &summary_html
            .replace("</p><p>", "\n\n")
            .replace("<br>", "\n"),
    )
}

/// The member's profile (draft, so nothing they wrote is missing) and card as JSON Resume.
pub async fn export_resume(state: &AppState, member: &Member) -> AppResult<serde_json::Value> {
    let doc = draft(state, member).await?.profile;
    Ok(resume::export(&card_of(&member.actor), &doc))
}

fn card_of(actor: &DbActor) -> resume::Card {
    resume::Card {
        name: actor.display_name.clone(),
        summary: bio_as_text(&actor.summary),
        image: actor.avatar_url.clone(),
    }
}

/// What an import creates (or, in a dry run, would create).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Whether it was stored (false for a preview).
    pub saved: bool,
    /// Name, presentation and picture after the import (filled only where they were empty).
    pub card: resume::Card,
    /// What the import adds.
    pub added: ProfileDoc,
    /// The draft after the import.
    pub draft: ProfileDoc,
}

/// Imports a JSON Resume into the member's draft: entries, skills, languages and links are
/// added, empty single fields filled, the card's empty fields too. All or nothing: any error
/// (reported with the résumé's own path, such as `work[2].startDate`) stores nothing. With
/// `dry_run`, nothing is stored and the report shows what would be.
pub async fn import_resume(
    state: &AppState,
    member: &Member,
    resume_json: serde_json::Value,
    dry_run: bool,
) -> AppResult<ImportReport> {
    let imported = resume::import(resume_json)?;
    let a = &member.actor;
    let current = card_of(a);
    let card = resume::Card {
        // a new account's name is its username: the résumé's name is better
        name: if (current.name.is_empty() || current.name == a.username)
            && !imported.card.name.is_empty()
        {
            imported.card.name.clone()
        } else {
            current.name.clone()
        },
        summary: if current.summary.is_empty() {
            imported.card.summary.clone()
        } else {
            current.summary.clone()
        },
        image: current.image.clone().or(imported.card.image.clone()),
    };
    let card_changed = card != current;
    let valid_card = ProfileInput {
        display_name: card.name.clone(),
        bio: card.summary.clone(),
        avatar_url: card.image.clone(),
        locked: a.manually_approves_followers,
    }
    .validate()
    .map_err(|e| {
        rename_fields(e, |f| match f {
            "display_name" => Some("basics.name".into()),
            "bio" => Some("basics.summary".into()),
            "avatar_url" => Some("basics.image".into()),
            _ => None,
        })
    })?;
    let (paths_exp, paths_edu) = (
        imported.experience_paths.clone(),
        imported.education_paths.clone(),
    );
    let added = imported.profile;
    let s = state.clone();
    let actor_id = a.id;
    let report = state
        .db
        .write(move |c| {
            let draft = draft_view(c, actor_id)?.profile;
            let (n_exp, n_edu) = (draft.experiences.len(), draft.education.len());
            // errors name the résumé's property, not our position in the merged draft
            let to_resume_path = |f: &str| -> Option<String> {
                let (section, rest) = f.split_once('.')?;
                let (index, field) = rest.split_once('.').unwrap_or((rest, ""));
                let i: usize = index.parse().ok()?;
                let path = match section {
                    "experiences" => paths_exp.get(i.checked_sub(n_exp)?)?,
                    "education" => paths_edu.get(i.checked_sub(n_edu)?)?,
                    _ => return None,
                };
                Some(if field.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{field}")
                })
            };
            let merged = resume::merge(draft, added.clone())
                .validate()
                .map_err(|e| rename_fields(e, to_resume_path))?;
            check_organisations(c, &merged).map_err(|e| rename_fields(e, to_resume_path))?;
            if !dry_run {
                model::save_draft(c, actor_id, &merged, now())?;
                if card_changed {
                    let actor = actor_model::update_profile(
                        c,
                        actor_id,
                        &valid_card.display_name,
                        &valid_card.bio_html,
                        valid_card.avatar_url.as_deref(),
                        valid_card.locked,
                        now(),
                    )?;
                    send_actor_update(c, &s, &actor)?;
                }
            }
            Ok(ImportReport {
                saved: !dry_run,
                card,
                added,
                draft: merged,
            })
        })
        .await?;
    if !dry_run && card_changed {
        delivery::wake(state);
    }
    Ok(report)
}

/// Renames the fields of validation errors (`rename` returns `None` to keep a name).
fn rename_fields(e: AppError, rename: impl Fn(&str) -> Option<String>) -> AppError {
    match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    if let Some(n) = rename(&f.field) {
                        f.field = n;
                    }
                    f
                })
                .collect(),
        ),
        e => e,
    }
}
