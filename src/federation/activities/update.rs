//! `Update` of a post or of an actor's own document.

use super::{IdRef, create::read_note};
use crate::{
    actors::{
        federation::{ActorJson, upsert_remote},
        model::DbActor,
    },
    error::{AppError, AppResult},
    federation::{inbox::commit, same_origin},
    posts::{self, federation::NoteJson},
    state::AppState,
};
use activitypub_federation::{config::Data, kinds::activity::UpdateType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Update {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: UpdateType,
    pub id: Url,
    pub actor: IdRef,
    pub object: Value,
    #[serde(default, deserialize_with = "super::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "super::one_or_many_urls")]
    pub cc: Vec<Url>,
    /// The activity as received (set by the inbox), for the groups that announce it unchanged.
    #[serde(skip)]
    pub raw: Value,
}

impl Update {
    pub fn new(id: Url, author: &DbActor, note: NoteJson) -> Update {
        Update {
            context: Some(crate::federation::context(&[])),
            kind: UpdateType::Update,
            id,
            actor: IdRef(author.ap_id.0.clone()),
            to: note.to.clone(),
            cc: note.cc.clone(),
            raw: Value::Null,
            object: serde_json::to_value(note).expect("notes serialise"),
        }
    }

    /// An Update of an actor's own profile (`object` is the full actor document).
    pub fn of_actor(id: Url, actor: &DbActor, json: Value, to: Vec<Url>) -> Update {
        Update {
            context: Some(crate::federation::context(&[])),
            kind: UpdateType::Update,
            id,
            actor: IdRef(actor.ap_id.0.clone()),
            to,
            cc: vec![],
            raw: Value::Null,
            object: json,
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if crate::communities::federation::member_activity(data, &actor, self.raw.clone()).await? {
            return Ok(());
        }
        let kind = self
            .object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("");
        if matches!(
            kind,
            "Person" | "Service" | "Group" | "Organization" | "Application"
        ) {
            let json: ActorJson = serde_json::from_value(self.object)
                .map_err(|e| AppError::BadRequest(format!("the actor cannot be read: {e}")))?;
            if json.id != *actor.ap_id {
                return Err(AppError::BadRequest(
                    "an actor can only update itself".into(),
                ));
            }
            if json.public_key.owner != json.id {
                return Err(AppError::BadRequest(
                    "the key belongs to another actor".into(),
                ));
            }
            same_origin(&json.inbox, &json.id)?;
            let has_profile = json.professional_profile.is_some();
            commit(data, &self.id, move |conn| {
                upsert_remote(conn, &json).map(|_| ())
            })
            .await?;
            if has_profile {
                crate::profiles::federation::refresh_full_profile(data, actor);
            }
            return Ok(());
        }
        if crate::jobs::federation::is_offer(&self.object) {
            let offer: crate::jobs::federation::OfferJson = serde_json::from_value(self.object)
                .map_err(|e| AppError::BadRequest(format!("the job offer cannot be read: {e}")))?;
            return commit(data, &self.id, move |conn| {
                crate::jobs::federation::receive_offer(conn, &actor, &offer)
            })
            .await;
        }
        let note = read_note(data, self.object).await?;
        note.verify_author(&actor.ap_id)?;
        if posts::is_direct(&actor, &note) {
            // an edited direct message: only its text changes
            return commit(data, &self.id, move |conn| {
                crate::messages::receive_update(conn, &actor, &note)
            })
            .await;
        }
        let state = (**data).clone();
        commit(data, &self.id, move |conn| {
            posts::receive_update(conn, &state, &actor, &note)
        })
        .await
    }
}
