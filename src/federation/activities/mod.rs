//! The activities this server accepts, in one enum, and the wire types of those it sends.
//!
//! Each activity module has the wire struct and its `receive`, which checks what only that
//! activity can check (who may do it to what), fetches what it needs, then applies the effect
//! through the owning domain inside [`super::inbox::commit`], the transaction that also records
//! the activity id so that it is processed at most once.

pub mod block;
pub mod create;
pub mod delete;
pub mod flag;
pub mod follow;
pub mod reaction;
pub mod update;

use crate::{actors::model::DbActor, error::AppResult, state::AppState};
use activitypub_federation::config::Data;
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// Every activity type accepted in an inbox. Anything else is answered 400 with its type named.
#[derive(Debug)]
pub enum InboxActivity {
    Follow(follow::Follow),
    Accept(follow::Accept),
    Reject(follow::Reject),
    Undo(follow::Undo),
    Create(create::Create),
    Update(update::Update),
    Delete(delete::Delete),
    Flag(flag::Flag),
    /// A person blocks one of our members.
    Block(block::Block),
    /// A person lifts their block.
    UndoBlock(Box<block::UndoBlock>),
    /// A `Like` or a person's `Announce` (repost) of a post.
    Reaction(reaction::Reaction),
    /// Its `Undo`.
    UndoReaction(Box<reaction::UndoReaction>),
    /// A partnership proposed by another server's instance actor.
    Offer(crate::peering::federation::Offer),
    /// `Accept`, `Reject` or `Undo` of a partnership `Offer`.
    PartnershipAnswer(Box<crate::peering::federation::PartnershipAnswer>),
}

/// The `type` values [`InboxActivity`] understands.
pub const ACCEPTED_TYPES: &[&str] = &[
    "Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Flag", "Offer", "Block",
    "Like", "Announce",
];

impl InboxActivity {
    /// Reads an activity document by its `type`; the error says what is wrong with it.
    pub fn parse(kind: &str, json: serde_json::Value) -> Result<InboxActivity, String> {
        fn read<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> Result<T, String> {
            serde_json::from_value(json).map_err(|e| e.to_string())
        }
        if matches!(kind, "Accept" | "Reject" | "Undo")
            && crate::peering::federation::is_about_partnership(&json)
        {
            return Ok(InboxActivity::PartnershipAnswer(read(json)?));
        }
        if kind == "Undo" && block::is_undo_of_block(&json) {
            return Ok(InboxActivity::UndoBlock(read(json)?));
        }
        if kind == "Undo" && reaction::is_undo_of_reaction(&json) {
            return Ok(InboxActivity::UndoReaction(read(json)?));
        }
        Ok(match kind {
            "Offer" => InboxActivity::Offer(read(json)?),
            "Follow" => InboxActivity::Follow(read(json)?),
            "Accept" => InboxActivity::Accept(read(json)?),
            "Reject" => InboxActivity::Reject(read(json)?),
            "Undo" => InboxActivity::Undo(read(json)?),
            "Create" => InboxActivity::Create(create::Create {
                raw: json.clone(),
                ..read(json)?
            }),
            "Update" => InboxActivity::Update(update::Update {
                raw: json.clone(),
                ..read(json)?
            }),
            "Delete" => InboxActivity::Delete(delete::Delete {
                raw: json.clone(),
                ..read(json)?
            }),
            "Flag" => InboxActivity::Flag(read(json)?),
            "Block" => InboxActivity::Block(read(json)?),
            "Like" | "Announce" => InboxActivity::Reaction(read(json)?),
            other => {
                return Err(format!(
                    "activity type {other} is not supported by this server"
                ));
            }
        })
    }

    /// Applies a received activity whose HTTP signature has been verified against `actor`.
    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        match self {
            InboxActivity::Follow(a) => a.receive(data, actor).await,
            InboxActivity::Accept(a) => a.receive(data, actor).await,
            InboxActivity::Reject(a) => a.receive(data, actor).await,
            InboxActivity::Undo(a) => a.receive(data, actor).await,
            InboxActivity::Create(a) => a.receive(data, actor).await,
            InboxActivity::Update(a) => a.receive(data, actor).await,
            InboxActivity::Delete(a) => a.receive(data, actor).await,
            InboxActivity::Flag(a) => a.receive(data, actor).await,
            InboxActivity::Block(a) => a.receive(data, actor).await,
            InboxActivity::UndoBlock(a) => (*a).receive(data, actor).await,
            InboxActivity::Reaction(a) => a.receive(data, actor).await,
            InboxActivity::UndoReaction(a) => (*a).receive(data, actor).await,
            InboxActivity::Offer(a) => a.receive(data, actor).await,
            InboxActivity::PartnershipAnswer(a) => (*a).receive(data, actor).await,
        }
    }
}

/// A property that may hold a URL or an embedded object with an `id`; we keep the id.
/// (Senders may embed; we always send ids, which Lemmy requires.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct IdRef(pub Url);

impl<'de> Deserialize<'de> for IdRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Id(Url),
            Object { id: Url },
        }
        match Either::deserialize(d)? {
            Either::Id(u) | Either::Object { id: u } => Ok(IdRef(u)),
        }
    }
}

/// Reads a property that names one actor but may come as a list (`attributedTo` is a list for
/// some servers): the first URL or embedded object with an `id` is kept.
pub fn first_id<'de, D: Deserializer<'de>>(d: D) -> Result<IdRef, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<serde_json::Value>),
        One(serde_json::Value),
    }
    let values = match OneOrMany::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    };
    values
        .into_iter()
        .find_map(|v| serde_json::from_value::<IdRef>(v).ok())
        .ok_or_else(|| serde::de::Error::custom("expected a URL or an object with an id"))
}

/// Reads `to`/`cc` whether given as one value or a list, skipping entries that are not URLs.
pub fn one_or_many_urls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Url>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<serde_json::Value>),
        One(serde_json::Value),
    }
    let values = match OneOrMany::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    };
    Ok(values
        .into_iter()
        .filter_map(|v| match v {
            serde_json::Value::String(s) => Url::parse(&s).ok().or_else(|| {
                super::is_public_address(&s).then(|| Url::parse(super::PUBLIC).expect("valid"))
            }),
            serde_json::Value::Object(o) => o.get("id")?.as_str().and_then(|s| Url::parse(s).ok()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Addressed {
        #[serde(default, deserialize_with = "super::one_or_many_urls")]
        to: Vec<url::Url>,
    }

    #[derive(serde::Deserialize)]
    struct Attributed {
        #[serde(deserialize_with = "super::first_id")]
        by: super::IdRef,
    }

    #[test]
    fn one_actor_is_read_from_a_value_an_object_or_a_list() {
        let read = |j: &str| serde_json::from_str::<Attributed>(j).map(|a| a.by.0.to_string());
        let a = "https://a.example/u";
        for json in [
            r#"{"by": "https://a.example/u"}"#,
            r#"{"by": ["https://a.example/u", "https://a.example/v"]}"#,
            r#"{"by": {"type": "Person", "id": "https://a.example/u"}}"#,
            r#"{"by": [{"type": "Person", "id": "https://a.example/u"}]}"#,
        ] {
            assert_eq!(read(json).unwrap(), a, "{json}");
        }
        assert!(read(r#"{"by": []}"#).is_err());
        assert!(read(r#"{"by": 3}"#).is_err());
    }

    #[test]
    fn addressing_is_read_in_every_shape() {
        let read = |j: &str| serde_json::from_str::<Addressed>(j).unwrap().to;
        assert_eq!(
            read(r#"{"to": ["https://a.example/x", "as:Public"]}"#).len(),
            2
        );
        assert_eq!(read(r#"{"to": "https://a.example/x"}"#).len(), 1);
        assert_eq!(
            read(r#"{"to": [{"id": "https://a.example/x"}, 3]}"#).len(),
            1
        );
        assert_eq!(read(r#"{}"#).len(), 0);
    }
}
