//! ActivityPub documents of a member — the `Person` (with its public profile as Mastodon
//! fields and as a structured `Profile`), the full `Profile` served to allowed readers, the
//! outbox — and the reading of other servers' profiles.

use super::{
    document::{Audience, ProfileDoc, SEEKING},
    model::{self, Field},
};
use crate::{
    actors::{self, federation::ActorJson, model::DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult},
    federation::{
        activities::create::Create,
        fetch::{Requester, activity_json, wants_activity_json},
    },
    html,
    posts::{federation as posts_federation, model as posts_model},
    state::AppState,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{Path, Query},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

/// Our namespace for the profile terms schema.org lacks.
pub const NAMESPACE: &str = "https://passerelle.social/ns#";

/// The JSON-LD terms of profiles, added to our `@context`: schema.org where it has the term,
/// our namespace otherwise.
pub fn profile_context_terms() -> Vec<(&'static str, Value)> {
    let pst = |t: &str| json!(format!("pst:{t}"));
    let schema = |t: &str| json!(format!("schema:{t}"));
    vec![
        ("schema", json!("http://schema.org/")),
        ("pst", json!(NAMESPACE)),
        ("PropertyValue", schema("PropertyValue")),
        ("value", schema("value")),
        ("professionalProfile", pst("professionalProfile")),
        ("inLanguage", schema("inLanguage")),
        ("headline", pst("headline")),
        ("homeLocation", schema("homeLocation")),
        ("addressLocality", schema("addressLocality")),
        ("addressRegion", schema("addressRegion")),
        ("knowsLanguage", schema("knowsLanguage")),
        ("proficiency", pst("proficiency")),
        ("seeks", pst("seeks")),
        ("links", pst("links")),
        ("username", pst("username")),
        ("skills", schema("skills")),
        ("skillLevel", pst("skillLevel")),
        ("keywords", schema("keywords")),
        (
            "experiences",
            json!({"@id": "pst:experiences", "@container": "@list"}),
        ),
        (
            "education",
            json!({"@id": "pst:education", "@container": "@list"}),
        ),
        ("entryId", pst("entryId")),
        ("experienceKind", pst("experienceKind")),
        ("organizationName", pst("organizationName")),
        (
            "organization",
            json!({"@id": "pst:organization", "@type": "@id"}),
        ),
        ("placeName", pst("placeName")),
        ("startDate", schema("startDate")),
        ("endDate", schema("endDate")),
        ("ongoing", pst("ongoing")),
        ("approximateDates", pst("approximateDates")),
        ("description", schema("description")),
        ("motivation", pst("motivation")),
        (
            "educationalCredentialAwarded",
            schema("educationalCredentialAwarded"),
        ),
        ("visibility", pst("visibility")),
        // a JSON literal: its keys name sections of this document, not vocabulary terms
        (
            "sectionVisibility",
            json!({"@id": "pst:sectionVisibility", "@type": "@json"}),
        ),
    ]
}

/// The `@context` of Person and Profile documents.
pub fn profile_context() -> Value {
    crate::federation::context(&profile_context_terms())
}

/// Where a member's full profile is served.
pub fn profile_url(actor: &DbActor) -> String {
    format!("{}/profile", actor.ap_id.as_str().trim_end_matches('/'))
}

/// The `Profile` object of `actor` holding `doc` (already cut for its reader).
fn profile_object(actor: &DbActor, doc: &ProfileDoc) -> AppResult<Value> {
    let mut v = serde_json::to_value(doc)?;
    if let Value::Object(map) = &mut v {
        let mut obj = serde_json::Map::new();
        obj.insert("type".into(), json!("Profile"));
        obj.insert("id".into(), json!(profile_url(actor)));
        obj.insert("describes".into(), json!(actor.ap_id.as_str()));
        obj.extend(std::mem::take(map));
        v = Value::Object(obj);
    }
    Ok(v)
}

/// Mastodon-style fields summing up the public profile, labelled in the profile's language
/// (French or English).
fn fields_of(state: &AppState, doc: &ProfileDoc) -> Vec<Value> {
    let lang = match doc.in_language.as_deref().unwrap_or("") {
        l if l.starts_with("en") => "en",
        l if l.starts_with("fr") => "fr",
        _ => crate::web::i18n::LANGUAGES[0],
    };
    let t = |key: &str| state.i18n.message(lang, key, &[]);
    let mut out = vec![];
    let mut field = |name: String, value: String| {
        if !value.is_empty() {
            out.push(json!({"type": "PropertyValue", "name": name, "value": value}));
        }
    };
    field(t("profile-field-headline"), html::escape(&doc.headline));
    let seeking: Vec<String> = doc
        .seeking
        .iter()
        .filter(|s| SEEKING.contains(&s.as_str()))
        .map(|s| t(&format!("seeking-{s}")))
        .collect();
    field(
        t("profile-field-seeking"),
        html::escape(&seeking.join(", ")),
    );
    if let Some(l) = &doc.location {
        field(t("profile-field-location"), html::escape(&l.label()));
    }
    let skills: Vec<&str> = doc
        .skills
        .iter()
        .take(12)
        .map(|s| s.name.as_str())
        .collect();
    field(t("profile-field-skills"), html::escape(&skills.join(", ")));
    let langs: Vec<&str> = doc.languages.iter().map(|l| l.name.as_str()).collect();
    field(
        t("profile-field-languages"),
        html::escape(&langs.join(", ")),
    );
    for l in doc.links.iter().take(4) {
        let shown = l
            .href
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let name = if l.name.is_empty() {
            t("profile-field-link")
        } else {
            l.name.clone()
        };
        field(
            name,
            format!(
                r#"<a href="{}" rel="me nofollow noopener noreferrer" target="_blank">{}</a>"#,
                html::escape(&l.href),
                html::escape(shown)
            ),
        );
    }
    out.truncate(8);
    out
}

/// The whole `Person` document of a local member: the actor, its public profile as
/// `PropertyValue` attachments (what Mastodon shows) and as a structured `Profile`, and the
/// language of its texts.
pub fn person_document(conn: &mut DbConn, state: &AppState, actor: &DbActor) -> AppResult<Value> {
    let mut v = serde_json::to_value(actor.to_json()?)?;
    let published = model::get(conn, actor.id)?
        .map(|r| r.published_doc())
        .transpose()?
        .flatten();
    if let (Some(doc), Value::Object(map)) = (published, &mut v) {
        let public = doc.for_audience(Audience::ANONYMOUS);
        let attachments = fields_of(state, &public);
        if !attachments.is_empty() {
            map.insert("attachment".into(), Value::Array(attachments));
        }
        if let (Some(lang), Some(summary)) = (&public.in_language, map.get("summary").cloned()) {
            map.insert("summaryMap".into(), json!({ lang: summary }));
        }
        map.insert(
            "professionalProfile".into(),
            profile_object(actor, &public)?,
        );
    }
    Ok(v)
}

/// `GET /users/{name}`: the Person for ActivityPub clients, the profile page for browsers.
pub async fn person(
    data: Data<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let actor = match actors::local_by_username(&data, &name).await {
        Err(AppError::NotFound(why)) => {
            // a closed account answers 410 Gone, so other servers forget it
            let (u, d) = (name.clone(), data.domain.clone());
            let closed = data
                .db
                .read(move |c| Ok(crate::actors::model::by_handle_any(c, &u, &d)?))
                .await?
                .filter(|a| a.local && a.deleted_at.is_some());
            return match closed {
                Some(a) => Ok(crate::federation::fetch::gone(&a.ap_id)),
                None => Err(AppError::NotFound(why)),
            };
        }
        other => other?,
    };
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/@{}", actor.username)).into_response());
    }
    let state = (*data).clone();
    let doc = data
        .db
        .read(move |c| person_document(c, &state, &actor))
        .await?;
    Ok(activity_json(profile_context(), &doc))
}

/// `GET /users/{name}/profile`: the professional profile as the signed requester may read it
/// (anonymous: the public part; a follower's server: also what followers see). What the
/// requester may not read is absent from the document.
pub async fn profile(
    data: Data<AppState>,
    Requester(requester): Requester,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let actor = actors::local_by_username(&data, &name).await?;
    let a = actor.clone();
    let view = data
        .db
        .read(move |c| super::visible_profile(c, &a, requester.as_ref()))
        .await?;
    let Some(view) = view.filter(|v| v.published_at.is_some()) else {
        return Err(AppError::NotFound(format!(
            "@{} has not published a profile",
            actor.username
        )));
    };
    Ok(activity_json(
        profile_context(),
        &profile_object(&actor, &view.profile)?,
    ))
}

/// Reads the `PropertyValue` attachments of a remote actor: names as plain text, values as
/// sanitised HTML. Anything else in `attachment` is ignored.
fn read_fields(attachment: &Value) -> Vec<Field> {
    let items: Vec<&Value> = match attachment {
        Value::Array(a) => a.iter().collect(),
        v @ Value::Object(_) => vec![v],
        _ => vec![],
    };
    items
        .into_iter()
        .filter(|f| f.get("type").and_then(Value::as_str) == Some("PropertyValue"))
        .filter_map(|f| {
            let name = html::strip_tags(f.get("name")?.as_str()?);
            let value = html::sanitize(f.get("value")?.as_str()?);
            (!name.trim().is_empty()).then(|| Field {
                name: name.trim().chars().take(200).collect(),
                value: value.chars().take(2000).collect(),
            })
        })
        .take(20)
        .collect()
}

/// Reads a `Profile` object sent by `actor`'s server: it must describe that actor, and its
/// id (where the full version is fetched) be on the actor's server. Cleaned, never refused
/// for its content.
fn read_profile(actor_id: &Url, v: &Value) -> Option<(ProfileDoc, Url)> {
    if v.get("type").and_then(Value::as_str) != Some("Profile") {
        return None;
    }
    let describes = v.get("describes").and_then(Value::as_str)?;
    if describes != actor_id.as_str() {
        return None;
    }
    let id = Url::parse(v.get("id").and_then(Value::as_str)?).ok()?;
    crate::federation::same_origin(&id, actor_id).ok()?;
    let doc: ProfileDoc = serde_json::from_value(v.clone()).ok()?;
    Some((doc.clean_remote(), id))
}

/// Stores what a remote actor document says of its profile (the public part and the
/// fields), inside the transaction that stores the actor. What we had fetched in full is
/// replaced: a section made private since must not linger; [`refresh_full_profile`] fetches
/// the rest again.
pub fn store_from_actor(conn: &mut DbConn, actor: &DbActor, json: &ActorJson) -> AppResult<()> {
    let fields = json
        .attachment
        .as_ref()
        .map(read_fields)
        .unwrap_or_default();
    let profile = json
        .professional_profile
        .as_ref()
        .and_then(|p| read_profile(&actor.ap_id, p));
    if profile.is_none() && fields.is_empty() && model::get(conn, actor.id)?.is_none() {
        return Ok(());
    }
    let (doc, url) = profile.unzip();
    let url = url.map(|u| u.to_string());
    model::store_remote(
        conn,
        actor.id,
        doc.as_ref(),
        url.as_deref(),
        &fields,
        false,
        now(),
    )
}

/// Fetches the full profile of a remote actor when members here follow them, signed by our
/// instance actor, so that their server includes what followers may read. Runs in the
/// background: a failure only leaves the public part shown.
pub fn refresh_full_profile(data: &Data<AppState>, actor: DbActor) {
    let data = data.reset_request_count();
    tokio::spawn(async move {
        if let Err(e) = fetch_full_profile(&data, &actor).await {
            tracing::info!(actor = %actor.ap_id, "full profile not fetched: {e}");
        }
    });
}

async fn fetch_full_profile(data: &Data<AppState>, actor: &DbActor) -> AppResult<()> {
    if actor.local || actor.kind != "person" {
        return Ok(());
    }
    let id = actor.id;
    let (wanted, url) = data
        .db
        .read(move |c| {
            let url = model::get(c, id)?.and_then(|r| r.source_url);
            Ok((crate::follows::model::has_local_follower(c, id)?, url))
        })
        .await?;
    // the address is the one the actor document announced, on the actor's server
    let (true, Some(url)) = (wanted, url) else {
        return Ok(());
    };
    let url = Url::parse(&url)?;
    let res = activitypub_federation::fetch::fetch_object_http::<_, Value>(&url, data)
        .await
        .map_err(|e| AppError::Federation(e.to_string()))?;
    let Some((doc, source)) = read_profile(&actor.ap_id, &res.object) else {
        return Err(AppError::Federation(format!(
            "{url} is not the profile of {}",
            actor.ap_id
        )));
    };
    let source = source.to_string();
    data.db
        .write(move |c| {
            let fields: Vec<Field> = model::get(c, id)?
                .map(|r| serde_json::from_str(&r.fields).unwrap_or_default())
                .unwrap_or_default();
            model::store_remote(c, id, Some(&doc), Some(&source), &fields, true, now())
        })
        .await
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<bool>,
    #[serde(default)]
    pub before: Option<i64>,
}

const PAGE: i64 = 20;

/// `GET /users/{name}/outbox`: public posts as Create activities, newest first (signed
/// requests only when authorized fetch is on; the actor document itself stays open so that
/// keys can be fetched).
pub async fn outbox(
    data: Data<AppState>,
    _signed: Requester,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let actor = actors::local_by_username(&data, &name).await?;
    let id = actor.outbox_url.clone().unwrap_or_default();
    let a = actor.clone();
    let (total, posts) = data
        .db
        .read(move |c| {
            let total = posts_model::count_by_author(c, a.id, &["public"])?;
            let posts = if q.page.unwrap_or(false) {
                let posts = posts_model::by_author(c, a.id, &["public"], q.before, PAGE)?;
                let notes = crate::posts::notes(c, &posts, &a)?;
                Some(posts.into_iter().zip(notes).collect::<Vec<_>>())
            } else {
                None
            };
            Ok((total, posts))
        })
        .await?;
    let Some(posts) = posts else {
        return Ok(activity_json(
            json!("https://www.w3.org/ns/activitystreams"),
            &json!({
                "id": id, "type": "OrderedCollection", "totalItems": total,
                "first": format!("{id}?page=true"),
            }),
        ));
    };
    let mut items = vec![];
    for (p, note) in &posts {
        let mut create = Create::new(posts_federation::create_id(&p.ap_id), &actor, note.clone());
        create.context = None;
        items.push(create);
    }
    let mut page = json!({
        "id": format!("{id}?page=true{}", q.before.map(|b| format!("&before={b}")).unwrap_or_default()),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "totalItems": total,
        "orderedItems": items,
    });
    if posts.len() as i64 == PAGE
        && let Some((last, _)) = posts.last()
    {
        page["next"] = json!(format!("{id}?page=true&before={}", last.id));
    }
    Ok(activity_json(crate::federation::context(&[]), &page))
}
