//! Wire form of direct messages (a `Note` addressed only to people), reading them in the
//! inbox, and serving them to their recipients' servers only.

use super::model::{self, DbMessage};
use crate::{
    actors::{federation::dereference, model::DbActor},
    error::{AppError, AppResult},
    federation::fetch::{Requester, activity_json},
    posts::federation::{NoteJson, Tag},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{extract::Path, response::Response};
use diesel::prelude::*;
use url::Url;

/// The Note of a message: `to` its recipients, `cc` empty, a `Mention` of each recipient.
pub fn note(message: &DbMessage, author: &DbActor, recipients: &[DbActor]) -> AppResult<NoteJson> {
    let id = Url::parse(&message.ap_id)?;
    Ok(NoteJson {
        context: None,
        kind: "Note".into(),
        id,
        attributed_to: crate::federation::activities::IdRef(author.ap_id.0.clone()),
        content: Some(message.content.clone()),
        content_map: None,
        source: message
            .source
            .as_ref()
            .map(|s| crate::posts::federation::Source {
                content: s.clone(),
                media_type: "text/plain".into(),
            }),
        published: Some(message.published.and_utc()),
        updated: None,
        to: recipients.iter().map(|r| r.ap_id.0.clone()).collect(),
        cc: vec![],
        in_reply_to: message
            .in_reply_to
            .as_deref()
            .and_then(|u| Url::parse(u).ok()),
        url: None,
        tag: recipients.iter().map(Tag::mention).collect(),
        likes: None,
        shares: None,
    })
}

/// Most addressed actors looked up for one received message.
const MAX_ADDRESSED: usize = 20;

/// The actors a received direct Note is addressed to (`to`, `cc` and mentions, the author
/// excepted): ours from the database, others fetched when unknown (at most 20; those that
/// cannot be fetched are left out).
pub async fn addressed(
    data: &Data<AppState>,
    author: &DbActor,
    note: &NoteJson,
) -> AppResult<Vec<DbActor>> {
    let mut urls: Vec<Url> = note
        .to
        .iter()
        .chain(&note.cc)
        .cloned()
        .chain(note.mentions())
        .filter(|u| *u != *author.ap_id && !crate::federation::is_public_address(u.as_str()))
        .collect();
    urls.sort();
    urls.dedup();
    let mut out = vec![];
    for url in urls.into_iter().take(MAX_ADDRESSED) {
        if data.is_local_url(&url) {
            let id = url.to_string();
            let found = data
                .db
                .read(move |c| Ok(crate::actors::model::by_ap_id(c, &id)?))
                .await?;
            out.extend(found.filter(|a| a.local && a.deleted_at.is_none()));
        } else if let Ok(actor) = dereference(data, &url).await {
            out.push(actor);
        }
    }
    out.sort_by_key(|a| a.id);
    out.dedup_by_key(|a| a.id);
    Ok(out)
}

/// `GET /direct/{uuid}`: the Note of a message, only for a request signed by its author, one
/// of its recipients, or any actor of a recipient's server (servers fetch with their instance
/// actor). Everyone else gets 404, never learning that the message exists.
pub async fn note_document(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(uuid): Path<String>,
) -> AppResult<Response> {
    let not_found = || AppError::not_found("message");
    let Some(requester) = requester else {
        return Err(not_found());
    };
    let ap_id = data
        .base_url
        .join(&format!("/direct/{uuid}"))
        .map_err(|_| not_found())?
        .to_string();
    let found = data
        .db
        .read(move |c| {
            use crate::db::schema::actors;
            let Some(message) = model::by_ap_id(c, &ap_id)?.filter(|m| m.local) else {
                return Ok(None);
            };
            let recipients: Vec<DbActor> = actors::table
                .filter(actors::id.eq_any(model::recipients(c, message.id)?))
                .order(actors::id.asc())
                .select(DbActor::as_select())
                .load(c)?;
            let author = crate::actors::model::by_id(c, message.author_id)?
                .ok_or_else(|| AppError::not_found("author"))?;
            Ok(Some((message, author, recipients)))
        })
        .await?;
    let Some((message, author, recipients)) = found else {
        return Err(not_found());
    };
    // a server is known by the host (and port) of its actors' ids
    let server = crate::federation::host_of(&requester.ap_id);
    let allowed = requester.id == author.id
        || recipients.iter().any(|r| {
            r.id == requester.id
                || (!r.local && server.is_some() && crate::federation::host_of(&r.ap_id) == server)
        });
    if !allowed {
        return Err(not_found());
    }
    Ok(activity_json(
        crate::federation::context(&[]),
        &note(&message, &author, &recipients)?,
    ))
}
