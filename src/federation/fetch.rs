//! Serving ActivityPub documents: who is asking (verified HTTP signature on the GET), the
//! "authorized fetch" setting, and content negotiation between HTML and JSON.

use super::inbox::verified_actor_for_fetch;
use super::signatures::{VerifyError, parse_request_signature};
use crate::{actors::model::DbActor, error::AppError, state::AppState};
use activitypub_federation::config::Data;
use axum::{
    extract::{FromRequestParts, OriginalUri},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The actor that signed a GET, if any (`None` for an anonymous request). A present but invalid
/// signature is refused with 401, as is an unsigned request when authorized fetch is on.
pub struct Requester(pub Option<DbActor>);

impl<S: Send + Sync> FromRequestParts<S> for Requester {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let uri = OriginalUri::from_request_parts(parts, state)
            .await
            .map(|u| u.0)
            .unwrap_or_else(|_| parts.uri.clone());
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        match parse_request_signature("GET", path, &parts.headers, &data.domain, None) {
            Err(VerifyError::Missing) if data.config.federation.authorized_fetch => {
                Err(AppError::Unauthorized(
                    "this server only answers signed requests (authorized fetch)".into(),
                )
                .into_response())
            }
            Err(VerifyError::Missing) => Ok(Requester(None)),
            Err(e) => Err(AppError::Unauthorized(e.to_string()).into_response()),
            Ok(sig) => {
                let owner = sig
                    .key_owner()
                    .map_err(|e| AppError::Unauthorized(e.to_string()).into_response())?;
                // a refused server is not even fetched to check its signature
                let host = super::host_of(&owner).unwrap_or_default();
                crate::peering::check(&data, &host)
                    .await
                    .map_err(IntoResponse::into_response)?;
                let actor = verified_actor_for_fetch(&data, &sig, &owner)
                    .await
                    .map_err(IntoResponse::into_response)?;
                Ok(Requester(Some(actor)))
            }
        }
    }
}

/// Whether the client asked for ActivityPub JSON rather than a web page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| {
            a.contains("application/activity+json") || a.contains("application/ld+json")
        })
}

/// An ActivityPub JSON response with its `@context`.
pub fn activity_json<T: Serialize>(context: serde_json::Value, body: &T) -> Response {
    let mut value = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut value {
        let mut with_context = serde_json::Map::new();
        with_context.insert("@context".into(), context);
        with_context.extend(std::mem::take(map));
        value = serde_json::Value::Object(with_context);
    }
    (
        [
            (header::CONTENT_TYPE, super::AP_CONTENT_TYPE),
            (header::VARY, "Accept"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// `410 Gone` with a Tombstone, for deleted objects.
pub fn gone(id: &url::Url) -> Response {
    let body = serde_json::json!({"id": id, "type": "Tombstone"});
    let mut r = activity_json(
        serde_json::json!("https://www.w3.org/ns/activitystreams"),
        &body,
    );
    *r.status_mut() = http::StatusCode::GONE;
    r
}
