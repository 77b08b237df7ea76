//! `Follow`, and the `Accept`, `Reject` and `Undo` that answer or cancel it.

use super::IdRef;
use crate::{
    actors::{federation::dereference, model::DbActor},
    error::{AppError, AppResult},
    federation::{inbox::commit, same_origin},
    follows,
    state::AppState,
};
use activitypub_federation::{
    config::Data,
    kinds::activity::{AcceptType, FollowType, RejectType, UndoType},
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

fn as_context() -> Option<Value> {
    Some(Value::String(
        "https://www.w3.org/ns/activitystreams".into(),
    ))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Follow {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: FollowType,
    pub id: Url,
    pub actor: IdRef,
    pub object: IdRef,
}

impl Follow {
    pub fn new(id: Url, follower: &DbActor, followed: &DbActor) -> Follow {
        Follow {
            context: as_context(),
            kind: FollowType::Follow,
            id,
            actor: IdRef(follower.ap_id.0.clone()),
            object: IdRef(followed.ap_id.0.clone()),
        }
    }

    /// The same Follow, to embed in an answer (no `@context` inside).
    pub fn embedded(mut self) -> Follow {
        self.context = None;
        self
    }
}

/// The `object` of an Accept, Reject or Undo of a Follow: the Follow itself, or only its id.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum FollowRef {
    Embedded(Box<Follow>),
    Id(Url),
}

impl<'de> Deserialize<'de> for FollowRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        match &v {
            Value::String(s) => Url::parse(s)
                .map(FollowRef::Id)
                .map_err(serde::de::Error::custom),
            Value::Object(_) => serde_json::from_value(v)
                .map(|f| FollowRef::Embedded(Box::new(f)))
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom(
                "object must be a Follow or its id",
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accept {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: AcceptType,
    pub id: Url,
    pub actor: IdRef,
    pub object: FollowRef,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reject {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: RejectType,
    pub id: Url,
    pub actor: IdRef,
    pub object: FollowRef,
}

/// Undo of a Follow (other undone activities arrive with later features).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Undo {
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
    pub object: FollowRef,
}

impl Accept {
    pub fn new(id: Url, followed: &DbActor, follow: Follow) -> Accept {
        Accept {
            context: as_context(),
            kind: AcceptType::Accept,
            id,
            actor: IdRef(followed.ap_id.0.clone()),
            object: FollowRef::Embedded(Box::new(follow.embedded())),
        }
    }
}

impl Reject {
    pub fn new(id: Url, followed: &DbActor, follow: Follow) -> Reject {
        Reject {
            context: as_context(),
            kind: RejectType::Reject,
            id,
            actor: IdRef(followed.ap_id.0.clone()),
            object: FollowRef::Embedded(Box::new(follow.embedded())),
        }
    }
}

impl Undo {
    pub fn new(id: Url, follower: &DbActor, follow: Follow) -> Undo {
        Undo {
            context: as_context(),
            kind: UndoType::Undo,
            id,
            actor: IdRef(follower.ap_id.0.clone()),
            object: FollowRef::Embedded(Box::new(follow.embedded())),
        }
    }
}

/// A local actor that can be followed, or 404-like refusal.
async fn local_target(data: &Data<AppState>, id: &Url) -> AppResult<DbActor> {
    if !data.is_local_url(id) {
        return Err(AppError::BadRequest(format!(
            "{id} is not an actor of this server"
        )));
    }
    let target = dereference(data, id).await?;
    if target.deleted_at.is_some() || target.kind == "application" {
        return Err(AppError::NotFound(format!("{id} cannot be followed")));
    }
    Ok(target)
}

impl Follow {
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if self.actor.0 != *actor.ap_id {
            return Err(AppError::BadRequest(
                "a Follow must be sent by its follower".into(),
            ));
        }
        let target = local_target(data, &self.object.0).await?;
        if target.kind == "group" {
            return crate::communities::federation::receive_follow(data, actor, target, self.id)
                .await;
        }
        let state = (**data).clone();
        let id = self.id.clone();
        commit(data, &self.id, move |conn| {
            follows::receive_follow(conn, &state, &actor, &target, &id)
        })
        .await
    }
}

/// Finds the follow an answer is about: by the Follow's id, or by who follows whom.
async fn answered_follow(
    data: &Data<AppState>,
    object: &FollowRef,
    answering: &DbActor,
) -> AppResult<Option<(DbActor, follows::model::DbFollow)>> {
    let (follow_id, follower_id) = match object {
        FollowRef::Embedded(f) => {
            if f.object.0 != *answering.ap_id {
                return Err(AppError::BadRequest(
                    "only the followed actor can answer a Follow".into(),
                ));
            }
            (f.id.to_string(), Some(f.actor.0.to_string()))
        }
        FollowRef::Id(id) => (id.to_string(), None),
    };
    let answering_id = answering.id;
    data.db
        .read(move |conn| {
            let found = match follows::model::by_ap_id(conn, &follow_id)? {
                Some(f) => Some(f),
                None => match follower_id {
                    Some(f) => match crate::actors::model::by_ap_id(conn, &f)? {
                        Some(follower) => follows::model::find(conn, follower.id, answering_id)?,
                        None => None,
                    },
                    None => None,
                },
            };
            let Some(follow) = found.filter(|f| f.followed_id == answering_id) else {
                return Ok(None);
            };
            let follower = crate::actors::model::by_id(conn, follow.follower_id)?
                .ok_or_else(|| AppError::not_found("follower"))?;
            if !follower.local {
                return Ok(None);
            }
            Ok(Some((follower, follow)))
        })
        .await
}

/// The Follow id and follower named by an answer's object.
fn follow_parts(object: &FollowRef) -> (Option<String>, Option<String>) {
    match object {
        FollowRef::Embedded(f) => (Some(f.id.to_string()), Some(f.actor.0.to_string())),
        FollowRef::Id(id) => (Some(id.to_string()), None),
    }
}

/// An answer of a community to one of our members' requests to join, if it is one: applied,
/// and `true` returned.
async fn community_answer(
    data: &Data<AppState>,
    id: &Url,
    object: &FollowRef,
    actor: &DbActor,
    accepted: bool,
) -> AppResult<bool> {
    if actor.kind != "group" {
        return Ok(false);
    }
    let (follow_id, follower) = follow_parts(object);
    let (a, f, fl) = (actor.clone(), follow_id.clone(), follower.clone());
    let ours = data
        .db
        .read(move |c| {
            crate::communities::federation::answers_membership(c, &a, f.as_deref(), fl.as_deref())
        })
        .await?;
    if !ours {
        return Ok(false);
    }
    let a = actor.clone();
    commit(data, id, move |conn| {
        crate::communities::federation::receive_answer(
            conn,
            &a,
            follow_id.as_deref(),
            follower.as_deref(),
            accepted,
        )
        .map(|_| ())
    })
    .await?;
    Ok(true)
}

impl Accept {
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if community_answer(data, &self.id, &self.object, &actor, true).await? {
            return Ok(());
        }
        let found = answered_follow(data, &self.object, &actor).await?;
        let accepted = found.is_some();
        let answering = actor.clone();
        commit(data, &self.id, move |conn| match found {
            Some((_, follow)) => follows::receive_accept(conn, &follow, &answering),
            None => Ok(()), // nothing asked: nothing to accept
        })
        .await?;
        if accepted {
            // followers may read more of the profile: fetch it again
            crate::profiles::federation::refresh_full_profile(data, actor);
        }
        Ok(())
    }
}

impl Reject {
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if community_answer(data, &self.id, &self.object, &actor, false).await? {
            return Ok(());
        }
        let found = answered_follow(data, &self.object, &actor).await?;
        commit(data, &self.id, move |conn| match found {
            Some((_, follow)) => follows::receive_reject(conn, &follow),
            None => Ok(()),
        })
        .await
    }
}

impl Undo {
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        let (follow_id, followed) = match &self.object {
            FollowRef::Embedded(f) => {
                if f.actor.0 != *actor.ap_id {
                    return Err(AppError::BadRequest(
                        "only the follower can undo a Follow".into(),
                    ));
                }
                same_origin(&f.id, &actor.ap_id)?;
                (f.id.to_string(), Some(f.object.0.to_string()))
            }
            FollowRef::Id(id) => {
                same_origin(id, &actor.ap_id)?;
                (id.to_string(), None)
            }
        };
        let follower_id = actor.id;
        commit(data, &self.id, move |conn| {
            if crate::communities::federation::receive_undo_follow(
                conn,
                &actor,
                &follow_id,
                followed.as_deref(),
            )? {
                return Ok(());
            }
            follows::receive_undo(conn, follower_id, &follow_id, followed.as_deref())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_embedded_or_bare_follow() {
        let embedded: Accept = serde_json::from_str(
            r#"{"type":"Accept","id":"https://b.example/a/1","actor":"https://b.example/u/b",
            "object":{"type":"Follow","id":"https://a.example/f/1","actor":{"id":"https://a.example/u/a","type":"Person"},"object":"https://b.example/u/b"}}"#,
        )
        .unwrap();
        let FollowRef::Embedded(f) = embedded.object else {
            panic!()
        };
        assert_eq!(f.actor.0.as_str(), "https://a.example/u/a");
        let bare: Accept = serde_json::from_str(
            r#"{"type":"Accept","id":"https://b.example/a/1","actor":"https://b.example/u/b","object":"https://a.example/f/1"}"#,
        )
        .unwrap();
        assert!(matches!(bare.object, FollowRef::Id(_)));
    }

    #[test]
    fn sends_ids_not_embedded_actors() {
        let json = serde_json::to_value(Follow {
            context: None,
            kind: FollowType::Follow,
            id: Url::parse("https://a.example/f/1").unwrap(),
            actor: IdRef(Url::parse("https://a.example/u/a").unwrap()),
            object: IdRef(Url::parse("https://b.example/u/b").unwrap()),
        })
        .unwrap();
        assert_eq!(json["actor"], "https://a.example/u/a");
        assert_eq!(json["type"], "Follow");
    }
}
