//! Wire form of posts (`Note`) and the federation crate's `Object` trait for [`DbPost`].

use super::model::{self, DbPost};
use crate::{
    actors::{federation::dereference, model::DbActor},
    error::{AppError, AppResult},
    federation::{
        PUBLIC,
        activities::{IdRef, one_or_many_urls},
        same_origin,
    },
    state::AppState,
};
use activitypub_federation::{config::Data, traits::Object};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use url::Url;

/// Largest remote post kept, in bytes of HTML.
pub const MAX_REMOTE_CONTENT: usize = 100_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub content: String,
    #[serde(rename = "mediaType")]
    pub media_type: String,
}

/// A short post as it appears on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteJson {
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Value>,
    #[serde(rename = "type", deserialize_with = "post_type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "crate::federation::activities::first_id")]
    pub attributed_to: IdRef,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_map: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub in_reply_to: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub url: Option<Url>,
    /// Mentions (and other tags, ignored).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "tags"
    )]
    pub tag: Vec<Tag>,
    /// How many liked our post (Mastodon shows the count); not read from others' Notes.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub likes: Option<Counted>,
    /// How many reposted our post.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub shares: Option<Counted>,
}

/// A collection given by its size only (`likes`, `shares`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Counted {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "totalItems")]
    pub total_items: i64,
}

impl Counted {
    pub fn new(total_items: i64) -> Counted {
        Counted {
            kind: "Collection".into(),
            total_items,
        }
    }
}

/// A tag of a Note; only `Mention`s are used (to address and notify people).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tag {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Tag {
    /// A `Mention` of `actor`, named by its handle.
    pub fn mention(actor: &DbActor) -> Tag {
        Tag {
            kind: "Mention".into(),
            href: Some(actor.ap_id.0.clone()),
            name: Some(format!("@{}", actor.handle())),
        }
    }
}

/// Reads `tag` as one object or a list, skipping entries that are not readable tags.
pub(crate) fn tags<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Tag>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<Value>),
        One(Value),
    }
    let values = match OneOrMany::deserialize(d)? {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    };
    Ok(values
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

/// Reads `type`, also given as a list (`["Note", "Article"]`): the first type we store, else
/// the first given.
fn post_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d)? {
        OneOrMany::One(t) => Ok(t),
        OneOrMany::Many(types) => types
            .iter()
            .find(|t| POST_TYPES.contains(&t.as_str()))
            .or(types.first())
            .cloned()
            .ok_or_else(|| serde::de::Error::custom("type is an empty list")),
    }
}

/// The id of the Create activity that published a post.
pub fn create_id(post: &Url) -> Url {
    let mut id = post.clone();
    id.set_fragment(Some("create"));
    id
}

/// Object types stored as posts.
pub const POST_TYPES: &[&str] = &["Note", "Article"];

/// Who a post is addressed to, from its visibility.
pub fn addressing(visibility: &str, followers: &Url) -> (Vec<Url>, Vec<Url>) {
    let public = Url::parse(PUBLIC).expect("valid");
    match visibility {
        "public" => (vec![public], vec![followers.clone()]),
        "unlisted" => (vec![followers.clone()], vec![public]),
        _ => (vec![followers.clone()], vec![]),
    }
}

/// The visibility a received post has, from its addressing.
pub fn visibility_of(to: &[Url], cc: &[Url], followers: Option<&str>) -> &'static str {
    let is_public = |u: &Url| u.as_str() == PUBLIC;
    if to.iter().any(is_public) {
        "public"
    } else if cc.iter().any(is_public) {
        "unlisted"
    } else if followers.is_some_and(|f| to.iter().chain(cc).any(|u| u.as_str() == f)) {
        "followers"
    } else {
        "direct"
    }
}

impl DbPost {
    /// The Note served at the post's id. `answered` is the author of the post it answers: they
    /// are mentioned and addressed in `cc` (see [`super::note`]).
    pub fn to_json(&self, author: &DbActor, answered: Option<&DbActor>) -> AppResult<NoteJson> {
        let followers = author
            .followers_url
            .as_deref()
            .map(Url::parse)
            .transpose()?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("local actor without followers")))?;
        let (to, mut cc) = addressing(&self.visibility, &followers);
        let answered = answered.filter(|a| a.id != author.id);
        if let Some(a) = answered {
            cc.push(a.ap_id.0.clone());
        }
        Ok(NoteJson {
            context: None,
            kind: "Note".into(),
            id: self.ap_id.0.clone(),
            attributed_to: IdRef(author.ap_id.0.clone()),
            content: Some(self.content.clone()),
            content_map: self
                .language
                .as_ref()
                .map(|l| BTreeMap::from([(l.clone(), self.content.clone())])),
            source: self.source.as_ref().map(|s| Source {
                content: s.clone(),
                media_type: "text/plain".into(),
            }),
            published: Some(self.published.and_utc()),
            updated: self.updated.map(|u| u.and_utc()),
            to,
            cc,
            in_reply_to: self.in_reply_to.as_deref().and_then(|u| Url::parse(u).ok()),
            url: Some(self.ap_id.0.clone()),
            tag: answered.map(Tag::mention).into_iter().collect(),
            likes: None,
            shares: None,
        })
    }
}

impl NoteJson {
    /// The content and its language: `content`, else the first `contentMap` entry.
    pub fn content_and_language(&self) -> (String, Option<String>) {
        let lang = self
            .content_map
            .as_ref()
            .and_then(|m| m.keys().next().cloned())
            .filter(|l| crate::posts::valid_language(l));
        let content = self
            .content
            .clone()
            .or_else(|| {
                self.content_map
                    .as_ref()
                    .and_then(|m| m.values().next().cloned())
            })
            .unwrap_or_default();
        (content, lang)
    }

    /// The actors the Note mentions (`Mention` tags).
    pub fn mentions(&self) -> Vec<Url> {
        self.tag
            .iter()
            .filter(|t| t.kind == "Mention")
            .filter_map(|t| t.href.clone())
            .collect()
    }

    /// Checks a received Note belongs to `author` and is a kind we store.
    pub fn verify_author(&self, author: &Url) -> AppResult<()> {
        if !POST_TYPES.contains(&self.kind.as_str()) {
            return Err(AppError::BadRequest(format!(
                "object type {} is not supported by this server",
                self.kind
            )));
        }
        if self.attributed_to.0 != *author {
            return Err(AppError::BadRequest(
                "the post is attributed to someone other than the sender".into(),
            ));
        }
        same_origin(&self.id, author)
    }
}

#[async_trait::async_trait]
impl Object for DbPost {
    type DataType = AppState;
    type Kind = NoteJson;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> AppResult<Option<Self>> {
        let id = id.to_string();
        data.db
            .read(move |conn| Ok(model::by_ap_id(conn, &id)?))
            .await
    }

    fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    async fn into_json(self, data: &Data<AppState>) -> AppResult<NoteJson> {
        data.db
            .read(move |conn| {
                let author = crate::actors::model::by_id(conn, self.author_id)?
                    .ok_or_else(|| AppError::not_found("author"))?;
                super::note(conn, &self, &author)
            })
            .await
    }

    async fn verify(json: &NoteJson, expected: &Url, _data: &Data<AppState>) -> AppResult<()> {
        same_origin(&json.id, expected)?;
        json.verify_author(&json.attributed_to.0)
    }

    async fn from_json(json: NoteJson, data: &Data<AppState>) -> AppResult<Self> {
        let author = dereference(data, &json.attributed_to.0).await?;
        super::store_remote(data, &author, json).await
    }
}

/// The ActivityPub answer for `GET /posts/{uuid}`: the Note if `requester` may read it, 410
/// Gone with a Tombstone once deleted, 404 otherwise (never revealing a non-public post).
pub async fn note_document(
    data: &Data<AppState>,
    requester: Option<DbActor>,
    ap_id: Url,
) -> AppResult<axum::response::Response> {
    use crate::federation::fetch::{activity_json, gone};
    let id = ap_id.to_string();
    let found = data
        .db
        .read(move |c| {
            let Some(post) = model::by_ap_id(c, &id)? else {
                return Ok(None);
            };
            let author = crate::actors::model::by_id(c, post.author_id)?
                .ok_or_else(|| AppError::not_found("author"))?;
            if post.deleted_at.is_some() {
                return Ok(Some((post, None)));
            }
            if !post.local || !super::visible(c, &post, &author, requester.as_ref())? {
                return Ok(None);
            }
            let note = super::note(c, &post, &author)?;
            Ok(Some((post, Some(note))))
        })
        .await?;
    match found {
        Some((post, None)) => Ok(gone(&post.ap_id)),
        Some((_, Some(note))) => Ok(activity_json(crate::federation::context(&[]), &note)),
        None => Err(AppError::not_found("post")),
    }
}
