//! `Create` of a post.

use super::{IdRef, one_or_many_urls};
use crate::{
    actors::model::DbActor,
    error::{AppError, AppResult},
    federation::{inbox::commit, same_origin},
    jobs::applications::{ANSWER, APPLICATION, ApplicationJson},
    posts::{self, federation::NoteJson},
    state::AppState,
};
use activitypub_federation::{
    config::Data, fetch::fetch_object_http, kinds::activity::CreateType, traits::Object,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Create {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: CreateType,
    pub id: Url,
    pub actor: IdRef,
    /// The post, embedded (we always embed; a bare id is fetched).
    pub object: Value,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    /// The activity as received (set by the inbox), for the groups that announce it unchanged.
    #[serde(skip)]
    pub raw: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

impl Create {
    pub fn new(id: Url, author: &DbActor, note: NoteJson) -> Create {
        Create {
            context: Some(crate::federation::context(&[])),
            kind: CreateType::Create,
            id,
            actor: IdRef(author.ap_id.0.clone()),
            to: note.to.clone(),
            cc: note.cc.clone(),
            raw: Value::Null,
            published: note.published,
            object: serde_json::to_value(note).expect("notes serialise"),
        }
    }

    pub async fn receive(self, data: &Data<AppState>, actor: DbActor) -> AppResult<()> {
        if crate::communities::federation::member_activity(data, &actor, self.raw.clone()).await? {
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
        let kind = self
            .object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("");
        if matches!(kind, APPLICATION | ANSWER) {
            let json: ApplicationJson = serde_json::from_value(self.object).map_err(|e| {
                AppError::BadRequest(format!("the application cannot be read: {e}"))
            })?;
            return commit(data, &self.id, move |conn| match json.kind.as_str() {
                APPLICATION => crate::jobs::applications::receive_application(conn, &actor, &json),
                _ => crate::jobs::applications::receive_answer(conn, &actor, &json),
            })
            .await;
        }
        let note = read_note(data, self.object).await?;
        note.verify_author(&actor.ap_id)?;
        if posts::is_direct(&actor, &note) {
            // addressed to people only: a direct message, not a post
            let addressed = crate::messages::federation::addressed(data, &actor, &note).await?;
            return commit(data, &self.id, move |conn| {
                crate::messages::receive_create(conn, &actor, &note, &addressed).map(|_| ())
            })
            .await;
        }
        let state = (**data).clone();
        commit(data, &self.id, move |conn| {
            posts::receive_create(conn, &state, &actor, &note).map(|_| ())
        })
        .await
    }
}

/// The Note of a Create or Update: embedded, or fetched when only its id was sent. A fetched
/// Note is not stored here: the activity decides what it is (a post, a direct message) and
/// whether this server keeps it.
pub async fn read_note(data: &Data<AppState>, object: Value) -> AppResult<NoteJson> {
    match object {
        Value::String(id) => {
            let id = Url::parse(&id)?;
            let known = id.to_string();
            let known = data
                .db
                .read(move |c| Ok(posts::model::by_ap_id(c, &known)?))
                .await?;
            if let Some(post) = known {
                return post.into_json(data).await;
            }
            let fetched = fetch_object_http::<AppState, NoteJson>(&id, data).await?;
            same_origin(&fetched.object.id, &id)?;
            Ok(fetched.object)
        }
        Value::Object(_) => serde_json::from_value(object)
            .map_err(|e| AppError::BadRequest(format!("the post cannot be read: {e}"))),
        _ => Err(AppError::BadRequest(
            "object must be a post or its id".into(),
        )),
    }
}
