//! The instance actor (an `Application`, FEP-d556/2677) that signs our fetches and speaks for
//! the server, and NodeInfo 2.1, which tells other servers what runs here.

use crate::{
    actors::model::{self, ActorRecord, DbActor},
    db::{Db, now},
    error::{AppError, AppResult},
    federation::signatures::generate_keys,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    Json,
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::json;
use url::Url;

/// Loads the instance actor, creating it (with its keys) on first start.
pub fn ensure_instance_actor(db: &Db, base_url: &Url, domain: &str) -> AppResult<DbActor> {
    let ap_id = base_url.join("/actor")?.to_string();
    let existing = {
        let id = ap_id.clone();
        db.read_blocking(move |c| Ok(model::by_ap_id(c, &id)?))?
    };
    if let Some(actor) = existing {
        return Ok(actor);
    }
    let keys = generate_keys()?;
    let url = |p: &str| base_url.join(p).map(|u| u.to_string());
    let record = ActorRecord {
        ap_id,
        kind: "application".into(),
        local: true,
        username: domain.to_string(),
        username_key: domain.to_lowercase(),
        domain: domain.to_string(),
        display_name: domain.to_string(),
        summary: String::new(),
        avatar_url: None,
        url: Some(url("/about")?),
        inbox_url: url("/inbox")?,
        shared_inbox_url: Some(url("/inbox")?),
        outbox_url: Some(url("/actor/outbox")?),
        followers_url: None,
        following_url: None,
        public_key_pem: keys.public_key_pem,
        manually_approves_followers: true,
        updated_at: now(),
        last_refreshed_at: now(),
    };
    db.write_blocking(move |c| {
        Ok(model::insert(
            c,
            &record,
            Some(&keys.private_key_pem),
            now(),
        )?)
    })
}

/// `GET /actor`
pub async fn instance_actor(data: Data<AppState>) -> Response {
    match data.instance_actor.to_json() {
        Ok(json) => super::fetch::activity_json(crate::actors::federation::actor_context(), &json),
        Err(e) => e.into_response(),
    }
}

/// `GET /actor/outbox`: the instance actor publishes nothing.
pub async fn instance_outbox(data: Data<AppState>) -> Response {
    let id = data.url("/actor/outbox");
    super::fetch::activity_json(
        json!("https://www.w3.org/ns/activitystreams"),
        &json!({"id": id, "type": "OrderedCollection", "totalItems": 0, "orderedItems": []}),
    )
}

/// `GET /.well-known/nodeinfo`
pub async fn nodeinfo_links(data: Data<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": data.url("/nodeinfo/2.1"),
            },
            {
                // FEP-2677: where to find the instance actor
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": data.instance_actor.ap_id.0,
            }
        ]
    }))
}

/// `GET /nodeinfo/2.1`
pub async fn nodeinfo(data: Data<AppState>) -> Response {
    let counts = data
        .db
        .read(|c| {
            Ok((
                model::count_local(c, "person")?,
                crate::posts::model::count_local(c)?,
            ))
        })
        .await;
    let Ok((users, posts)) = counts else {
        return AppError::Unavailable("the database is not reachable".into()).into_response();
    };
    let open = data.config.instance.registration == crate::config::RegistrationMode::Open;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "passerelle",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open,
        "usage": {"users": {"total": users}, "localPosts": posts},
        "metadata": {
            "nodeName": data.config.instance.name,
            "nodeDescription": data.config.instance.description,
        }
    });
    (
        [(
            header::CONTENT_TYPE,
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        )],
        body.to_string(),
    )
        .into_response()
}
