//! `Flag`: a report sent from one server to another (as Mastodon and Lemmy do). Ours are sent
//! by the instance actor, so the member who reported is never revealed; received ones go to
//! the moderation queue with the sending server as their origin.

use super::one_or_many_urls;
use crate::{actors::model::DbActor, error::AppResult, federation::inbox::commit, state::AppState};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flag {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: FlagType,
    pub id: Url,
    pub actor: super::IdRef,
    /// The reported actor and, possibly, some of its posts.
    #[serde(deserialize_with = "one_or_many_urls")]
    pub object: Vec<Url>,
    /// The reason, plain text.
    #[serde(default)]
    pub content: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum FlagType {
    Flag,
}

impl Flag {
    pub fn new(id: Url, instance_actor: &DbActor, object: Vec<Url>, reason: &str) -> Flag {
        Flag {
            context: Some(crate::federation::context(&[])),
            kind: FlagType::Flag,
            id,
            actor: super::IdRef(instance_actor.ap_id.0.clone()),
            object,
            content: Some(reason.to_string()),
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        let origin = actor.domain.clone();
        let reason = crate::html::strip_tags(self.content.as_deref().unwrap_or_default());
        let local: Vec<Url> = self
            .object
            .into_iter()
            .filter(|u| data.is_local_url(u))
            .collect();
        let id = self.id.clone();
        commit(data, &self.id, move |conn| {
            crate::moderation::receive_report(conn, &origin, &id, &local, &reason)
        })
        .await
    }
}
