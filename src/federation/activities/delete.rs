//! `Delete` of a post, or of an actor by itself.

use super::{IdRef, one_or_many_urls};
use crate::{
    actors::model::DbActor,
    db::now,
    error::AppResult,
    federation::{inbox::commit, same_origin},
    follows, posts,
    state::AppState,
};
use activitypub_federation::{
    config::Data,
    kinds::{activity::DeleteType, object::TombstoneType},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tombstone {
    #[serde(rename = "type")]
    pub kind: TombstoneType,
    pub id: Url,
}

impl Tombstone {
    pub fn new(id: Url) -> Tombstone {
        Tombstone {
            kind: TombstoneType::Tombstone,
            id,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delete {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: DeleteType,
    pub id: Url,
    pub actor: IdRef,
    /// The deleted object: its id, a Tombstone, or the object itself.
    pub object: IdRef,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    /// The activity as received (set by the inbox), for the groups that announce it unchanged.
    #[serde(skip)]
    pub raw: Value,
}

impl Delete {
    pub fn new(
        id: Url,
        actor: &DbActor,
        tombstone: Tombstone,
        to: Vec<Url>,
        cc: Vec<Url>,
    ) -> Delete {
        Delete {
            context: Some(crate::federation::context(&[])),
            kind: DeleteType::Delete,
            id,
            actor: IdRef(actor.ap_id.0.clone()),
            object: IdRef(tombstone.id),
            to,
            cc,
            raw: Value::Null,
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if crate::communities::federation::member_activity(data, &actor, self.raw.clone()).await? {
            return Ok(());
        }
        let object = self.object.0.clone();
        same_origin(&object, &actor.ap_id)?;
        commit(data, &self.id, move |conn| {
            if object == *actor.ap_id {
                // the account was deleted on its server: forget its follows, posts, messages
                // and profile
                follows::model::delete_all_of(conn, actor.id)?;
                crate::profiles::model::delete_of(conn, actor.id)?;
                posts::model::mark_all_deleted(conn, actor.id, now())?;
                crate::jobs::model::close_all_of(conn, actor.id, now())?;
                crate::messages::model::delete_all_by(conn, actor.id)?;
                crate::actors::model::mark_deleted(conn, actor.id, now())?;
                return Ok(());
            }
            if crate::jobs::federation::receive_delete(conn, &actor, &object)? {
                return Ok(());
            }
            if crate::messages::receive_delete(conn, &actor, &object)? {
                return Ok(());
            }
            posts::receive_delete(conn, &actor, &object)
        })
        .await
    }
}
