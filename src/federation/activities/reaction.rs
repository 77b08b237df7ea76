//! `Like` and a person's `Announce` (a repost, or boost) of a post, and the `Undo` that takes
//! either back. (A group's `Announce` is the community's, see `communities::federation`.)

use super::{IdRef, one_or_many_urls};
use crate::{
    actors::model::DbActor,
    error::{AppError, AppResult},
    federation::{inbox::commit, same_origin},
    posts::{
        self,
        model::DbPost,
        reactions::{LIKE, REPOST, activity_type},
    },
    state::AppState,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId, kinds::activity::UndoType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reaction {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    /// `Like` or `Announce`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: IdRef,
    /// The post (we send its id; an embedded post is read for its id).
    pub object: IdRef,
    #[serde(
        default,
        deserialize_with = "one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
}

impl Reaction {
    /// A member's like (addressed to the author) or repost (public, to their followers and
    /// the author) of `post`.
    pub fn new(
        kind: &str,
        id: Url,
        member: &DbActor,
        post: &DbPost,
        author: &DbActor,
    ) -> AppResult<Reaction> {
        let (to, cc) = if kind == LIKE {
            (vec![author.ap_id.0.clone()], vec![])
        } else {
            let mut cc = vec![author.ap_id.0.clone()];
            if let Some(f) = &member.followers_url {
                cc.push(Url::parse(f)?);
            }
            (vec![Url::parse(crate::federation::PUBLIC)?], cc)
        };
        Ok(Reaction {
            context: Some(Value::String(
                "https://www.w3.org/ns/activitystreams".into(),
            )),
            kind: activity_type(kind).into(),
            id,
            actor: IdRef(member.ap_id.0.clone()),
            object: IdRef(post.ap_id.0.clone()),
            to,
            cc,
        })
    }

    fn reaction_kind(&self) -> &'static str {
        if self.kind == "Like" { LIKE } else { REPOST }
    }

    fn check_own(&self, actor: &DbActor) -> AppResult<()> {
        if self.actor.0 != *actor.ap_id {
            return Err(AppError::BadRequest(format!(
                "a {} must be sent by its actor",
                self.kind
            )));
        }
        same_origin(&self.id, &actor.ap_id)
    }

    /// Counted when the post is here; a repost of a post we do not have is fetched when
    /// someone here follows the one who reposts (it shows in their home feed); anything else
    /// is recorded as received and left alone.
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        self.check_own(&actor)?;
        let kind = self.reaction_kind();
        let object = self.object.0.to_string();
        let actor_id = actor.id;
        let (known, wanted) = data
            .db
            .read(move |c| {
                let known = posts::model::by_ap_id(c, &object)?;
                // a repost brings the post here when someone here follows the one who reposts
                let wanted = known.is_none()
                    && kind == REPOST
                    && crate::follows::model::has_local_follower(c, actor_id)?;
                Ok((known, wanted))
            })
            .await?;
        let post = match known {
            Some(p) => Some(p),
            None if wanted => {
                let post: ObjectId<DbPost> = self.object.0.clone().into();
                Some(post.dereference(data).await?)
            }
            None => None,
        };
        let id = self.id.to_string();
        commit(data, &self.id, move |conn| match post {
            Some(post) => posts::reactions::receive(conn, &actor, &post, kind, &id),
            None => Ok(()),
        })
        .await
    }
}

/// `Undo` of a `Like` or `Announce` (embedded, as Mastodon, Lemmy and Fedify send it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndoReaction {
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
    pub object: Reaction,
    #[serde(
        default,
        deserialize_with = "one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "one_or_many_urls",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
}

impl UndoReaction {
    pub fn new(id: Url, member: &DbActor, mut reaction: Reaction) -> UndoReaction {
        let context = reaction.context.take();
        UndoReaction {
            context,
            kind: UndoType::Undo,
            id,
            actor: IdRef(member.ap_id.0.clone()),
            to: reaction.to.clone(),
            cc: reaction.cc.clone(),
            object: reaction,
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        self.object.check_own(&actor)?;
        let reaction = self.object.id.to_string();
        commit(data, &self.id, move |conn| {
            posts::reactions::receive_undo(conn, &actor, &reaction)
        })
        .await
    }
}

/// Whether an `Undo` takes back a `Like` or an `Announce` (embedded).
pub fn is_undo_of_reaction(json: &Value) -> bool {
    matches!(json["object"]["type"].as_str(), Some("Like" | "Announce"))
}
