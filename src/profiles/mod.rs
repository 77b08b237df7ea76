//! Members' public profiles (`Person` actors): name, presentation, picture, and whether
//! follow requests need approval. Later issues add experiences, skills and per-section
//! visibility here.

pub mod api;
pub mod federation;
pub mod web;

use crate::{
    accounts::Member,
    actors::model::{self, DbActor},
    db::now,
    error::{AppError, AppResult, FieldError},
    federation::{activities::update::Update, delivery, outbox},
    follows, html,
    state::AppState,
};
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

/// Saves a member's profile and sends an Update of their actor to their followers' servers.
pub async fn update(state: &AppState, member: &Member, input: ProfileInput) -> AppResult<DbActor> {
    let p = input.validate()?;
    let s = state.clone();
    let actor_id = member.actor.id;
    let actor = state
        .db
        .write(move |conn| {
            let actor = model::update_profile(
                conn,
                actor_id,
                &p.display_name,
                &p.bio_html,
                p.avatar_url.as_deref(),
                p.locked,
                now(),
            )?;
            let json = serde_json::to_value(actor.to_json()?)?;
            let followers = actor.followers_url.as_deref().map(Url::parse).transpose()?;
            let to = [Url::parse(crate::federation::PUBLIC).expect("valid")]
                .into_iter()
                .chain(followers)
                .collect();
            let update =
                Update::of_actor(outbox::new_id(&s.base_url, "activities"), &actor, json, to);
            let inboxes = follows::model::follower_inboxes(conn, actor.id)?;
            outbox::enqueue(conn, &s.domain, &actor, &update, inboxes)?;
            Ok(actor)
        })
        .await?;
    delivery::wake(state);
    Ok(actor)
}

/// The plain text of a bio stored as HTML, for the edit form.
pub fn bio_as_text(summary_html: &str) -> String {
    html::strip_tags(
        &summary_html
            .replace("</p><p>", "\n\n")
            .replace("<br>", "\n"),
    )
}
