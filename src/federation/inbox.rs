//! The inbox: where other servers POST activities.
//!
//! Order of checks, each refusing with a reason: body size (413, by the router's limit), a
//! readable HTTP signature and a `Digest` matching the body (401), readable JSON with `id`,
//! `type` and `actor` (400), the signing key belonging to the activity's actor (401), the
//! sender's rate (429), the activity id on the actor's server (400), the peering rules about
//! that server (403) and the actor not suspended by our moderators (403) — read from the
//! database in one go with what we know of the actor and the activity — then a supported type
//! and well-formed content (400), then the activity's own checks. The effect and the activity
//! id are written in one transaction; an id seen before has no effect (202, as for a first
//! delivery, so the sender stops retrying).

use super::{
    activities::{IdRef, InboxActivity},
    delivery, same_origin,
    signatures::{PendingSignature, VerifyError, parse_request_signature},
};
use crate::{
    actors::{federation::dereference, model::DbActor},
    db::{
        DbConn, now,
        schema::{instances, received_activities},
    },
    error::{AppError, AppResult},
    state::AppState,
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use axum::{
    body::Bytes,
    extract::{OriginalUri, Path},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use url::Url;

/// `POST /inbox`, the shared inbox.
pub async fn shared_inbox(
    data: Data<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(&data, receive(&data, &uri, &headers, &body).await)
}

/// `POST /users/{name}/inbox`: the same processing, for an actor that must exist here.
pub async fn actor_inbox(
    data: Data<AppState>,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let domain = data.domain.clone();
    let exists = data
        .db
        .read(move |c| {
            Ok(crate::actors::model::by_handle(c, &name, &domain)?.is_some_and(|a| a.local))
        })
        .await;
    match exists {
        Ok(true) => respond(&data, receive(&data, &uri, &headers, &body).await),
        Ok(false) => AppError::not_found("actor").into_response(),
        Err(e) => e.into_response(),
    }
}

/// Outcome of a POST to an inbox, as counted in `/metrics`.
pub enum Received {
    Accepted,
    Duplicate,
}

pub fn respond(data: &Data<AppState>, result: Result<Received, Refusal>) -> Response {
    match result {
        Ok(Received::Accepted) => {
            data.metrics.inbox("accepted", "");
            StatusCode::ACCEPTED.into_response()
        }
        Ok(Received::Duplicate) => {
            data.metrics.inbox("duplicate", "");
            StatusCode::ACCEPTED.into_response()
        }
        Err(Refusal { reason, error }) => {
            data.metrics.inbox("refused", reason);
            tracing::debug!("inbox refused ({reason}): {error}");
            error.into_response()
        }
    }
}

/// A refused activity: the metrics label and the error answered.
pub struct Refusal {
    pub reason: &'static str,
    pub error: AppError,
}

fn refuse(reason: &'static str, error: AppError) -> Refusal {
    Refusal { reason, error }
}

#[derive(Deserialize)]
struct Envelope {
    id: Url,
    #[serde(rename = "type")]
    kind: String,
    actor: IdRef,
    #[serde(default)]
    object: Option<serde_json::Value>,
}

/// The whole receive path, for the shared and the personal inboxes.
pub async fn receive(
    data: &Data<AppState>,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Received, Refusal> {
    // the signature first: an unsigned or badly signed request is answered 401 whatever its
    // body (fediverse-pasture counts a 400 to an unsigned POST as an acceptance)
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let signature = parse_request_signature("POST", path, headers, &data.domain, Some(body))
        .map_err(|e| signature_refusal(&e))?;
    let json = super::parse_json(body).map_err(|e| refuse("malformed", AppError::BadRequest(e)))?;
    let envelope: Envelope = serde_json::from_value(json.clone()).map_err(|e| {
        refuse(
            "malformed",
            AppError::BadRequest(format!("an activity needs an id, a type and an actor: {e}")),
        )
    })?;
    let actor_id = envelope.actor.0.clone();
    let owner = signature.key_owner().map_err(|e| signature_refusal(&e))?;
    if owner != actor_id {
        return Err(refuse(
            "signature",
            AppError::Unauthorized(format!(
                "the request is signed by {owner}, but the activity's actor is {actor_id}"
            )),
        ));
    }
    if data.is_local_url(&actor_id) {
        return Err(refuse(
            "origin",
            AppError::BadRequest("activities of local actors are not accepted from outside".into()),
        ));
    }
    // before anything is fetched or stored: a refused server gets 403 and its reason
    let host = super::host_of(&actor_id).unwrap_or_default();
    data.limits
        .check_inbox(&host)
        .map_err(|e| refuse("rate_limited", e))?;
    same_origin(&envelope.id, &actor_id).map_err(|e| refuse("origin", e))?;
    let known = what_we_know(data, &envelope.id, &actor_id)
        .await
        .map_err(|e| refuse("internal", e))?
        .map_err(|e| refuse("policy", e))?;
    // a suspended account: refused with the moderators' reason, nothing fetched or stored
    if let Some(reason) = &known.suspended {
        let why = if reason.is_empty() {
            String::new()
        } else {
            format!(" ({reason})")
        };
        return Err(refuse(
            "suspended",
            AppError::Forbidden(format!(
                "{actor_id} is suspended on this server{why}: its activities are refused"
            )),
        ));
    }

    // An account deleted on its server can no longer be fetched; if we never knew it there is
    // nothing to undo, so its Delete is acknowledged without verification.
    let self_delete = envelope.kind == "Delete"
        && envelope.object.as_ref().and_then(object_id).as_ref() == Some(&actor_id);
    if self_delete && known.actor.is_none() {
        return Ok(Received::Duplicate);
    }

    let actor = verified_actor(data, &signature, &actor_id, known.actor).await?;
    if known.already_received {
        return Ok(Received::Duplicate);
    }
    let result = if actor.kind == "group"
        && crate::communities::federation::handles_from_group(&envelope.kind, &json)
    {
        crate::communities::federation::receive_from_group(data, actor, json).await
    } else {
        let activity = InboxActivity::parse(&envelope.kind, json).map_err(|reason| {
            let label = if super::activities::ACCEPTED_TYPES.contains(&envelope.kind.as_str()) {
                "malformed"
            } else {
                "unsupported"
            };
            refuse(label, AppError::BadRequest(reason))
        })?;
        activity.receive(data, actor).await
    };
    match result {
        Ok(()) => {}
        Err(e) => {
            // a clash with a concurrent transaction is temporary: 503 makes the sender retry
            let e = match e {
                AppError::Conflict(m) => AppError::Unavailable(m),
                e => e,
            };
            let reason = match &e {
                AppError::Federation(_) => "fetch_failed",
                AppError::Internal(_) | AppError::Unavailable(_) => "internal",
                AppError::NotFound(_) => "unknown_object",
                _ => "rejected",
            };
            return Err(refuse(reason, e));
        }
    }
    if let Some(instance_id) = known.failing_instance {
        resume_instance(data, instance_id).await;
    }
    Ok(Received::Accepted)
}

fn object_id(v: &serde_json::Value) -> Option<Url> {
    match v {
        serde_json::Value::String(s) => Url::parse(s).ok(),
        serde_json::Value::Object(o) => o.get("id")?.as_str().and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

fn signature_refusal(e: &VerifyError) -> Refusal {
    let reason = match e {
        VerifyError::Digest => "digest",
        VerifyError::Missing => "unsigned",
        _ => "signature",
    };
    refuse(reason, AppError::Unauthorized(e.to_string()))
}

/// The verified signer of a GET (see [`super::fetch::Requester`]).
pub async fn verified_actor_for_fetch(
    data: &Data<AppState>,
    signature: &PendingSignature,
    actor_id: &Url,
) -> AppResult<DbActor> {
    let id = actor_id.to_string();
    let cached = data
        .db
        .read(move |c| Ok(crate::actors::model::by_ap_id(c, &id)?))
        .await?
        .filter(|a| a.deleted_at.is_none());
    verified_actor(data, signature, actor_id, cached)
        .await
        .map_err(|r| r.error)
}

/// What the database already says about an incoming activity, read in one go.
struct Known {
    already_received: bool,
    actor: Option<DbActor>,
    /// Why the actor is suspended here, if it is.
    suspended: Option<String>,
    /// The sender's server, if deliveries to it are failing.
    failing_instance: Option<i64>,
}

/// The peering rules about the sender's server come first: a refused server gets the inner
/// error (403 and its reason) before anything else is read.
async fn what_we_know(
    data: &Data<AppState>,
    activity: &Url,
    actor: &Url,
) -> AppResult<Result<Known, AppError>> {
    let (activity, actor_id) = (activity.to_string(), actor.to_string());
    let host = super::host_of(actor).unwrap_or_default();
    let mode = data.config.federation.mode;
    data.db
        .read(move |conn| {
            if let Err(refused) = crate::peering::check_conn(conn, mode, &host.to_ascii_lowercase())
            {
                return Ok(Err(refused));
            }
            let (already_received, failing_instance) = crate::native!(conn, |c| diesel::select((
                diesel::dsl::exists(
                    received_activities::table.filter(received_activities::ap_id.eq(&activity)),
                ),
                instances::table
                    .filter(instances::host.eq(&host))
                    .filter(
                        instances::failures
                            .gt(0)
                            .or(instances::unreachable.eq(true))
                    )
                    .select(instances::id)
                    .single_value(),
            ))
            .get_result::<(bool, Option<i64>)>(c))?;
            let (actor, suspended) =
                match crate::moderation::restrictions::actor_and_suspension(conn, &actor_id)? {
                    Some((a, suspended)) if a.deleted_at.is_none() => (Some(a), suspended),
                    _ => (None, None),
                };
            Ok(Ok(Known {
                already_received,
                actor,
                suspended,
                failing_instance,
            }))
        })
        .await
}

/// The actor whose key made the signature: from our cache, or fetched; if the cached key does
/// not match (the actor may have rotated it), fetched again once.
async fn verified_actor(
    data: &Data<AppState>,
    signature: &PendingSignature,
    actor_id: &Url,
    cached: Option<DbActor>,
) -> Result<DbActor, Refusal> {
    let fetch_error = |e: AppError| {
        refuse(
            "key_unavailable",
            AppError::Unauthorized(format!("cannot get the key of {actor_id}: {e}")),
        )
    };
    let actor = match cached {
        Some(a) => a,
        None => {
            // said here in plain words (the federation library would only say "no domain")
            super::check_url_allowed(actor_id, data.url_policy()).map_err(fetch_error)?;
            dereference(data, actor_id).await.map_err(fetch_error)?
        }
    };
    match signature.verify(&data.keys, &actor.public_key_pem) {
        Ok(()) => Ok(actor),
        Err(first) => {
            let refreshed = ObjectId::<DbActor>::from(actor_id.clone())
                .dereference_forced(data)
                .await
                .map_err(fetch_error)?;
            if refreshed.public_key_pem == actor.public_key_pem {
                return Err(signature_refusal(&first));
            }
            signature
                .verify(&data.keys, &refreshed.public_key_pem)
                .map_err(|e| signature_refusal(&e))?;
            Ok(refreshed)
        }
    }
}

/// Runs `apply` in one transaction with the record of `activity_id`; if that id was already
/// recorded (a redelivery racing the first one, possibly on another node), nothing is applied.
/// Any other conflict with a concurrent transaction answers 503, so that the sender retries.
pub async fn commit<F>(data: &Data<AppState>, activity_id: &Url, apply: F) -> AppResult<()>
where
    F: FnOnce(&mut DbConn) -> AppResult<()> + Send + 'static,
{
    let id = activity_id.to_string();
    let recorded = |conn: &mut DbConn, id: &str| -> AppResult<bool> {
        Ok(crate::native!(conn, |c| diesel::select(
            diesel::dsl::exists(
                received_activities::table.filter(received_activities::ap_id.eq(id)),
            )
        )
        .get_result(c))?)
    };
    let id2 = id.clone();
    let result = data
        .db
        .write(move |conn| {
            // an id already recorded inserts nothing: one statement checks and records
            let inserted =
                crate::native!(conn, |c| diesel::insert_into(received_activities::table)
                    .values((
                        received_activities::ap_id.eq(&id2),
                        received_activities::received_at.eq(now()),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c))?;
            if inserted == 0 {
                return Ok(());
            }
            apply(conn)
        })
        .await;
    match result {
        Ok(()) => {
            delivery::wake(data);
            Ok(())
        }
        Err(AppError::Conflict(_)) => {
            if data.db.read(move |c| recorded(c, &id)).await? {
                Ok(())
            } else {
                Err(AppError::Unavailable(
                    "a concurrent change conflicted with this activity; please retry".into(),
                ))
            }
        }
        Err(e) => Err(e),
    }
}

/// A server that sends us activities is up: resume deliveries to it at once.
async fn resume_instance(data: &Data<AppState>, instance_id: i64) {
    if data
        .db
        .write(move |conn| delivery::mark_reachable(conn, instance_id))
        .await
        .is_ok()
    {
        delivery::wake(data);
    }
}

/// Forgets received ids older than `before`: senders stop retrying long before.
pub fn forget_old_received(conn: &mut DbConn, before: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::delete(
        received_activities::table.filter(received_activities::received_at.lt(before)),
    )
    .execute(conn)?)
}
