//! `Block` of a person, and the `Undo` that lifts it (as Mastodon sends them).

use super::IdRef;
use crate::{
    actors::model::DbActor,
    error::{AppError, AppResult},
    federation::{inbox::commit, same_origin},
    follows,
    state::AppState,
};
use activitypub_federation::{
    config::Data,
    kinds::activity::{BlockType, UndoType},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Block {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub id: Url,
    pub actor: IdRef,
    pub object: IdRef,
}

impl Block {
    pub fn new(id: Url, blocker: &DbActor, blocked: &DbActor) -> Block {
        Block {
            context: Some(Value::String(
                "https://www.w3.org/ns/activitystreams".into(),
            )),
            kind: BlockType::Block,
            id,
            actor: IdRef(blocker.ap_id.0.clone()),
            object: IdRef(blocked.ap_id.0.clone()),
        }
    }

    /// The same Block, to embed in an Undo.
    pub fn embedded(mut self) -> Block {
        self.context = None;
        self
    }

    /// A remote actor blocks one of our members: the follows between them end here.
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        check_own(&self, &actor)?;
        let object = self.object.0.to_string();
        let id = self.id.clone();
        commit(data, &self.id, move |conn| {
            let target = crate::actors::model::by_ap_id(conn, &object)?
                .filter(|a| a.local && a.deleted_at.is_none() && a.kind != "application")
                .ok_or_else(|| AppError::NotFound(format!("no member {object} here")))?;
            follows::blocks::receive_block(conn, &actor, &target, &id)
        })
        .await
    }
}

fn check_own(block: &Block, actor: &DbActor) -> AppResult<()> {
    if block.actor.0 != *actor.ap_id {
        return Err(AppError::BadRequest(
            "a Block must be sent by the one who blocks".into(),
        ));
    }
    same_origin(&block.id, &actor.ap_id)
}

/// `Undo` of a `Block` (always embedded: that is how it is told from an Undo of a Follow).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndoBlock {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: UndoType,
    pub id: Url,
    pub actor: IdRef,
    pub object: Block,
}

impl UndoBlock {
    pub fn new(id: Url, blocker: &DbActor, block: Block) -> UndoBlock {
        UndoBlock {
            context: Some(Value::String(
                "https://www.w3.org/ns/activitystreams".into(),
            )),
            kind: UndoType::Undo,
            id,
            actor: IdRef(blocker.ap_id.0.clone()),
            object: block.embedded(),
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        check_own(&self.object, &actor)?;
        let object = self.object.object.0.to_string();
        commit(data, &self.id, move |conn| {
            if let Some(target) = crate::actors::model::by_ap_id(conn, &object)? {
                follows::model::delete_block(conn, actor.id, target.id)?;
            }
            Ok(())
        })
        .await
    }
}

/// Whether an `Undo` is about a `Block` (its object is an embedded Block).
pub fn is_undo_of_block(json: &Value) -> bool {
    json["object"]["type"].as_str() == Some("Block")
}
