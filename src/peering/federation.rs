//! Partnerships on the wire, between instance actors: an `Offer` of a `Partnership`, answered
//! by an `Accept` or a `Reject` embedding the `Offer`; either side ends it with an `Undo` of
//! the `Offer`.

use crate::{
    actors::model::DbActor,
    error::{AppError, AppResult},
    federation::{activities::IdRef, inbox::commit},
    state::AppState,
};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

/// The JSON-LD term of our partnership object (a URN until the project has a namespace
/// document).
pub const PARTNERSHIP_TERM: &str = "urn:passerelle:Partnership";

fn context() -> Value {
    crate::federation::context(&[("Partnership", json!(PARTNERSHIP_TERM))])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnershipType {
    Partnership,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnershipObject {
    #[serde(rename = "type")]
    pub kind: PartnershipType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferType {
    Offer,
}

/// A proposal of partnership from one instance actor to another.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Offer {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: OfferType,
    pub id: Url,
    pub actor: IdRef,
    pub object: PartnershipObject,
    pub target: IdRef,
}

impl Offer {
    pub fn new(id: Url, from: &Url, to: &Url) -> Offer {
        Offer {
            context: Some(context()),
            kind: OfferType::Offer,
            id,
            actor: IdRef(from.clone()),
            object: PartnershipObject {
                kind: PartnershipType::Partnership,
            },
            target: IdRef(to.clone()),
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        instance_actor_only(&actor)?;
        if self.target.0 != *data.instance_actor.ap_id {
            return Err(AppError::BadRequest(
                "a partnership is offered to this server's instance actor".into(),
            ));
        }
        let offer = self.id.clone();
        commit(data, &self.id, move |conn| {
            super::partnerships::receive_offer(conn, &actor, &offer)
        })
        .await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerType {
    Accept,
    Reject,
    Undo,
}

/// An answer to an `Offer` of partnership (`Accept`, `Reject`), or its end (`Undo`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnershipAnswer {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: AnswerType,
    pub id: Url,
    pub actor: IdRef,
    pub object: Offer,
}

impl PartnershipAnswer {
    pub fn new(kind: AnswerType, id: Url, from: &Url, mut offer: Offer) -> PartnershipAnswer {
        offer.context = None;
        PartnershipAnswer {
            context: Some(context()),
            kind,
            id,
            actor: IdRef(from.clone()),
            object: offer,
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        instance_actor_only(&actor)?;
        let (kind, offer) = (self.kind, self.object.id.clone());
        commit(data, &self.id, move |conn| {
            super::partnerships::receive_answer(conn, &actor, kind, &offer)
        })
        .await
    }
}

/// Whether an activity's `object` is an embedded partnership `Offer` (so an `Accept`, `Reject`
/// or `Undo` is about a partnership, not a follow).
pub fn is_about_partnership(json: &Value) -> bool {
    json["object"]["type"] == "Offer"
}

fn instance_actor_only(actor: &DbActor) -> AppResult<()> {
    if actor.kind == "application" {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "partnerships are agreed between instance actors (type Application)".into(),
        ))
    }
}
