//! The `Organization` actor document: the actor with its sector, size, location and website
//! (schema.org terms where they exist) and, for microblogging servers, the same as
//! `PropertyValue` fields; and the reading of remote organisations' details.

use super::model::{self, OrganisationRow};
use crate::{
    actors::{self, federation::ActorJson, model::DbActor},
    db::{DbConn, now},
    error::AppResult,
    federation::fetch::{Requester, activity_json, wants_activity_json},
    html,
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    extract::Path,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{Value, json};
use url::Url;

/// The `@context` of organisation documents.
pub fn organisation_context() -> Value {
    crate::federation::context(&[
        ("schema", json!("http://schema.org/")),
        ("pst", json!(crate::profiles::federation::NAMESPACE)),
        ("PropertyValue", json!("schema:PropertyValue")),
        ("value", json!("schema:value")),
        ("sector", json!("pst:sector")),
        ("numberOfEmployees", json!("pst:numberOfEmployees")),
        ("placeName", json!("pst:placeName")),
        ("website", json!({"@id": "schema:sameAs", "@type": "@id"})),
    ])
}

/// The document of a local organisation.
pub fn organisation_document(
    conn: &mut DbConn,
    state: &AppState,
    actor: &DbActor,
) -> AppResult<Value> {
    let t = |key: &str| state.i18n.message(crate::web::i18n::LANGUAGES[0], key, &[]);
    let mut v = serde_json::to_value(actor.to_json()?)?;
    let row = model::get(conn, actor.id)?;
    if let (Some(row), Value::Object(map)) = (row, &mut v) {
        let mut fields = vec![];
        let mut field = |name: &str, value: String| {
            if !value.is_empty() {
                fields.push(json!({"type": "PropertyValue", "name": name, "value": value}));
            }
        };
        field(&t("organisation-sector"), html::escape(&row.sector));
        field(&t("organisation-size"), html::escape(&row.size));
        field(&t("organisation-location"), html::escape(&row.location));
        if let Some(w) = &row.website {
            let shown = w
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            field(
                &t("organisation-website"),
                format!(
                    r#"<a href="{}" rel="me nofollow noopener noreferrer" target="_blank">{}</a>"#,
                    html::escape(w),
                    html::escape(shown.trim_end_matches('/'))
                ),
            );
        }
        if !fields.is_empty() {
            map.insert("attachment".into(), Value::Array(fields));
        }
        for (k, val) in [
            ("sector", row.sector),
            ("numberOfEmployees", row.size),
            ("placeName", row.location),
        ] {
            if !val.is_empty() {
                map.insert(k.into(), json!(val));
            }
        }
        if let Some(w) = row.website {
            map.insert("website".into(), json!(w));
        }
    }
    Ok(v)
}

/// `GET /orgs/{handle}`: the Organization for ActivityPub clients, its page for browsers.
pub async fn organisation(
    data: Data<AppState>,
    Path(handle): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = actors::local_of_kind(&data, &handle, "organization").await?;
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/@{}", actor.username)).into_response());
    }
    let state = (*data).clone();
    let doc = data
        .db
        .read(move |c| organisation_document(c, &state, &actor))
        .await?;
    Ok(activity_json(organisation_context(), &doc))
}

/// `GET /orgs/{handle}/outbox`: what the organisation published. Job offers are its only
/// activities; until it publishes one, the collection is empty.
pub async fn outbox(
    data: Data<AppState>,
    _signed: Requester,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    let actor = actors::local_of_kind(&data, &handle, "organization").await?;
    let id = actor.outbox_url.clone().unwrap_or_default();
    Ok(activity_json(
        json!("https://www.w3.org/ns/activitystreams"),
        &json!({"id": id, "type": "OrderedCollection", "totalItems": 0, "orderedItems": []}),
    ))
}

/// Stores the details a remote `Organization` document gives, inside the transaction that
/// stores the actor. Plain text only, lengths capped; a website must be http(s).
pub fn store_from_actor(conn: &mut DbConn, actor: &DbActor, json: &ActorJson) -> AppResult<()> {
    let text = |v: &Option<String>, max: usize| -> String {
        html::strip_tags(v.as_deref().unwrap_or(""))
            .trim()
            .chars()
            .take(max)
            .collect()
    };
    let website = json
        .website
        .as_ref()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(Url::to_string);
    let created_at = model::get(conn, actor.id)?
        .map(|r| r.created_at)
        .unwrap_or_else(now);
    model::upsert(
        conn,
        &OrganisationRow {
            actor_id: actor.id,
            sector: text(&json.sector, 100),
            size: text(&json.number_of_employees, 20),
            location: text(&json.place_name, 100),
            website,
            created_at,
        },
    )?;
    Ok(())
}
