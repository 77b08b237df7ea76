//! Wire form of actors (`Person`, `Group`, `Organization`, `Application`) and the federation
//! crate's `Object`/`Actor` traits for [`DbActor`], so remote actors are fetched, verified and
//! cached by `ObjectId::dereference`.

use super::model::{self, ActorRecord, DbActor};
use crate::{
    db::now,
    error::{AppError, AppResult},
    federation::{context, host_of, same_origin},
    html,
    state::AppState,
};
use activitypub_federation::{
    config::Data, fetch::object_id::ObjectId, protocol::public_key::PublicKey, traits::Object,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// Longest display name and summary kept from a remote actor.
const MAX_NAME: usize = 200;
const MAX_SUMMARY: usize = 20_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Image {
    #[serde(rename = "type", default = "image_type")]
    pub kind: String,
    pub url: Url,
}

fn image_type() -> String {
    "Image".into()
}

/// Any actor as it appears on the wire. Unknown properties are ignored on receipt.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub icon: Option<Image>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub url: Option<Url>,
    pub inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    #[serde(default)]
    pub manually_approves_followers: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// Mastodon's profile fields (`PropertyValue`s), read by `profiles::federation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<serde_json::Value>,
    /// A Passerelle member's public profile (a `Profile` object), read by
    /// `profiles::federation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub professional_profile: Option<serde_json::Value>,
    /// An organisation's details, read by `organisations::federation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_employees: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub website: Option<Url>,
    /// A community's access type (`open`, `closed`, `secret`), read by `communities::federation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// A community's charter (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter: Option<String>,
}

/// Actor types we store, with the stored `kind` for each.
fn kind_from_wire(t: &str) -> Option<&'static str> {
    match t {
        "Person" => Some("person"),
        "Service" => Some("service"),
        "Group" => Some("group"),
        "Organization" => Some("organization"),
        "Application" => Some("application"),
        _ => None,
    }
}

fn kind_to_wire(kind: &str) -> &'static str {
    match kind {
        "group" => "Group",
        "organization" => "Organization",
        "application" => "Application",
        "service" => "Service",
        _ => "Person",
    }
}

impl DbActor {
    /// Where to deliver to this actor: its server's shared inbox, else its own.
    pub fn delivery_inbox(&self) -> String {
        self.shared_inbox_url
            .clone()
            .unwrap_or_else(|| self.inbox_url.clone())
    }

    /// `user@domain`, the handle people type to find this actor.
    pub fn handle(&self) -> String {
        format!("{}@{}", self.username, self.domain)
    }

    /// The name to show: the display name, or the username when there is none.
    pub fn shown_name(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.username
        } else {
            &self.display_name
        }
    }

    /// The JSON document served at the actor's id.
    pub fn to_json(&self) -> AppResult<ActorJson> {
        let parse = |s: &Option<String>| s.as_deref().map(Url::parse).transpose();
        let id: Url = (*self.ap_id).clone();
        Ok(ActorJson {
            kind: kind_to_wire(&self.kind).into(),
            preferred_username: Some(self.username.clone()),
            name: (!self.display_name.is_empty()).then(|| self.display_name.clone()),
            summary: (!self.summary.is_empty()).then(|| self.summary.clone()),
            icon: parse(&self.avatar_url)?.map(|url| Image {
                kind: "Image".into(),
                url,
            }),
            url: parse(&self.url)?,
            inbox: Url::parse(&self.inbox_url)?,
            outbox: parse(&self.outbox_url)?,
            followers: parse(&self.followers_url)?,
            following: parse(&self.following_url)?,
            endpoints: parse(&self.shared_inbox_url)?.map(|u| Endpoints {
                shared_inbox: Some(u),
            }),
            public_key: PublicKey {
                id: format!("{id}#main-key"),
                owner: id.clone(),
                public_key_pem: self.public_key_pem.clone(),
            },
            manually_approves_followers: self.manually_approves_followers,
            published: Some(self.created_at.and_utc()),
            updated: Some(self.updated_at.and_utc()),
            attachment: None,
            professional_profile: None,
            sector: None,
            number_of_employees: None,
            place_name: None,
            website: None,
            access: None,
            charter: None,
            id,
        })
    }
}

/// Builds the row for a remote actor document, sanitising every text.
fn record_from_json(json: &ActorJson) -> AppResult<ActorRecord> {
    let kind = kind_from_wire(&json.kind)
        .ok_or_else(|| AppError::BadRequest(format!("unsupported actor type {}", json.kind)))?;
    let domain =
        host_of(&json.id).ok_or_else(|| AppError::BadRequest("actor id has no host".into()))?;
    let username = json
        .preferred_username
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| {
            json.id
                .path_segments()
                .and_then(|mut s| s.next_back().map(str::to_string))
        })
        .unwrap_or_else(|| domain.clone());
    let username: String = html::strip_tags(&username).chars().take(100).collect();
    let display_name: String = html::strip_tags(json.name.as_deref().unwrap_or(""))
        .chars()
        .take(MAX_NAME)
        .collect();
    let summary = html::sanitize(json.summary.as_deref().unwrap_or(""));
    if summary.len() > MAX_SUMMARY {
        return Err(AppError::BadRequest("actor summary is too long".into()));
    }
    let http_url = |u: &Option<Url>| {
        u.as_ref()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(Url::to_string)
    };
    let now = now();
    Ok(ActorRecord {
        ap_id: json.id.to_string(),
        kind: kind.into(),
        local: false,
        username_key: username.to_lowercase(),
        username,
        domain,
        display_name,
        summary,
        avatar_url: http_url(&json.icon.as_ref().map(|i| i.url.clone())),
        url: http_url(&json.url),
        inbox_url: json.inbox.to_string(),
        shared_inbox_url: http_url(&json.endpoints.as_ref().and_then(|e| e.shared_inbox.clone())),
        outbox_url: http_url(&json.outbox),
        followers_url: http_url(&json.followers),
        following_url: http_url(&json.following),
        public_key_pem: json.public_key.public_key_pem.clone(),
        manually_approves_followers: json.manually_approves_followers,
        updated_at: now,
        last_refreshed_at: now,
    })
}

/// Stores (or refreshes) a remote actor document that has already been verified, with what
/// it says of its profile.
pub fn upsert_remote(conn: &mut crate::db::DbConn, json: &ActorJson) -> AppResult<DbActor> {
    let actor = upsert_actor_row(conn, json)?;
    crate::profiles::federation::store_from_actor(conn, &actor, json)?;
    if actor.kind == "organization" {
        crate::organisations::federation::store_from_actor(conn, &actor, json)?;
    }
    if actor.kind == "group" {
        crate::communities::federation::store_from_actor(conn, &actor, json)?;
    }
    Ok(actor)
}

fn upsert_actor_row(conn: &mut crate::db::DbConn, json: &ActorJson) -> AppResult<DbActor> {
    let record = record_from_json(json)?;
    match model::by_ap_id(conn, &record.ap_id)? {
        Some(existing) if existing.local => Err(AppError::BadRequest(
            "refusing to overwrite a local actor".into(),
        )),
        Some(existing) => Ok(model::update(conn, existing.id, &record)?),
        None => {
            // a handle freed by a deleted actor may be taken by a new one
            if let Some(old) = model::by_handle(conn, &record.username, &record.domain)? {
                model::free_handle(conn, old.id)?;
            }
            Ok(model::insert(conn, &record, None, now())?)
        }
    }
}

/// [`upsert_remote`] in its own transaction. If another transaction stored the same actor at
/// the same moment (PostgreSQL), the second attempt finds it and updates it.
pub async fn store_remote(state: &AppState, json: &ActorJson) -> AppResult<DbActor> {
    let j = json.clone();
    match state.db.write(move |conn| upsert_remote(conn, &j)).await {
        Err(AppError::Conflict(_)) => {
            let json = json.clone();
            state.db.write(move |conn| upsert_remote(conn, &json)).await
        }
        other => other,
    }
}

#[async_trait::async_trait]
impl Object for DbActor {
    type DataType = AppState;
    type Kind = ActorJson;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        (!self.local).then(|| self.last_refreshed_at.and_utc())
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> AppResult<Option<Self>> {
        let id = id.to_string();
        data.db
            .read(move |conn| Ok(model::by_ap_id(conn, &id)?.filter(|a| a.deleted_at.is_none())))
            .await
    }

    async fn delete(&self, data: &Data<AppState>) -> AppResult<()> {
        let id = self.id;
        data.db
            .write(move |conn| Ok(model::mark_deleted(conn, id, now())?))
            .await?;
        Ok(())
    }

    async fn into_json(self, _data: &Data<AppState>) -> AppResult<ActorJson> {
        self.to_json()
    }

    async fn verify(json: &ActorJson, expected: &Url, _data: &Data<AppState>) -> AppResult<()> {
        same_origin(&json.id, expected)?;
        if json.public_key.owner != json.id {
            return Err(AppError::BadRequest(
                "the actor's public key belongs to another actor".into(),
            ));
        }
        same_origin(&json.inbox, &json.id)?;
        kind_from_wire(&json.kind)
            .ok_or_else(|| AppError::BadRequest(format!("unsupported actor type {}", json.kind)))?;
        Ok(())
    }

    async fn from_json(json: ActorJson, data: &Data<AppState>) -> AppResult<Self> {
        let actor = store_remote(data, &json).await?;
        if json.professional_profile.is_some() {
            crate::profiles::federation::refresh_full_profile(data, actor.clone());
        }
        Ok(actor)
    }
}

impl activitypub_federation::traits::Actor for DbActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.inbox_url).expect("stored inbox URLs are valid")
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}

/// Finds an actor by id: from the database, or fetched (signed) from its server and cached.
pub async fn dereference(data: &Data<AppState>, id: &Url) -> AppResult<DbActor> {
    ObjectId::<DbActor>::from(id.clone())
        .dereference(data)
        .await
}

/// The `@context` of actor documents.
pub fn actor_context() -> serde_json::Value {
    context(&[])
}
