//! WebFinger: answering `acct:user@domain` (and actor URLs), and finding remote people by
//! handle.

use crate::{
    actors::{
        federation::dereference,
        model::{self, DbActor},
    },
    error::{AppError, AppResult},
    state::AppState,
};
use activitypub_federation::{
    config::Data,
    fetch::webfinger::{Webfinger, WebfingerLink},
};
use axum::{
    extract::Query,
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: String,
}

/// `GET /.well-known/webfinger?resource=…`
pub async fn webfinger(data: Data<AppState>, Query(q): Query<WebfingerQuery>) -> Response {
    match lookup(&data, &q.resource).await {
        Ok(Some(actor)) => (
            [
                (header::CONTENT_TYPE, "application/jrd+json"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            serde_json::to_string(&document(&data, &actor)).unwrap_or_default(),
        )
            .into_response(),
        Ok(None) => {
            AppError::NotFound(format!("no account {} on this server", q.resource)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The local actor a WebFinger resource designates, if any.
async fn lookup(state: &AppState, resource: &str) -> AppResult<Option<DbActor>> {
    let domain = state.domain.clone();
    if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.trim_start_matches('@');
        let Some((user, host)) = acct.rsplit_once('@') else {
            return Err(AppError::BadRequest(
                "the resource must be acct:user@domain".into(),
            ));
        };
        if !host.eq_ignore_ascii_case(&domain) {
            return Ok(None);
        }
        let instance = state.instance_actor.clone();
        let user = user.to_string();
        // the instance actor answers to the bare host name (as Mastodon's does)
        if user.eq_ignore_ascii_case(instance.username.as_str()) {
            return Ok(Some(instance));
        }
        return state
            .db
            .read(move |c| {
                let found = model::by_handle(c, &user, &domain)?.filter(|a| a.local);
                not_secret(c, found)
            })
            .await;
    }
    let Ok(url) = Url::parse(resource) else {
        return Err(AppError::BadRequest(
            "the resource must be acct:user@domain or a URL".into(),
        ));
    };
    if !state.is_local_url(&url) {
        return Ok(None);
    }
    // FEP-d556: the server's own address designates the instance actor
    if url.path() == "/" || url.as_str() == state.instance_actor.ap_id.as_str() {
        return Ok(Some(state.instance_actor.clone()));
    }
    let id = url.to_string();
    state
        .db
        .read(move |c| {
            let found = model::by_ap_id(c, &id)?.filter(|a| a.local && a.deleted_at.is_none());
            not_secret(c, found)
        })
        .await
}

/// A secret community does not exist for WebFinger (which is never signed).
fn not_secret(conn: &mut crate::db::DbConn, actor: Option<DbActor>) -> AppResult<Option<DbActor>> {
    match actor {
        Some(a) if a.kind == "group" => {
            let secret =
                crate::communities::model::get(conn, a.id)?.is_some_and(|d| d.access == "secret");
            Ok((!secret).then_some(a))
        }
        other => Ok(other),
    }
}

fn document(state: &AppState, actor: &DbActor) -> Webfinger {
    let mut links = vec![WebfingerLink {
        rel: Some("self".into()),
        kind: Some(super::AP_CONTENT_TYPE.into()),
        href: Some(actor.ap_id.0.clone()),
        ..Default::default()
    }];
    if let Some(url) = actor.url.as_deref().and_then(|u| Url::parse(u).ok()) {
        links.push(WebfingerLink {
            rel: Some("http://webfinger.net/rel/profile-page".into()),
            kind: Some("text/html".into()),
            href: Some(url),
            ..Default::default()
        });
    }
    Webfinger {
        subject: format!("acct:{}@{}", actor.username, state.domain),
        links,
        aliases: vec![actor.ap_id.0.clone()],
        properties: Default::default(),
    }
}

/// Splits `@user@host`, `user@host` or `acct:user@host`.
pub fn parse_handle(handle: &str) -> Option<(String, String)> {
    let h = handle
        .trim()
        .trim_start_matches("acct:")
        .trim_start_matches('@');
    let (user, host) = h.rsplit_once('@')?;
    let user_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:".contains(c));
    (user_ok && host_ok).then(|| (user.to_string(), host.to_ascii_lowercase()))
}

/// Finds an actor by handle: local ones directly, remote ones through their server's WebFinger
/// (then fetched, verified and cached).
pub async fn resolve_handle(data: &Data<AppState>, handle: &str) -> AppResult<DbActor> {
    let actor = resolve_any(data, handle).await?;
    let id = actor.id;
    if !actor.local
        && data
            .db
            .read(move |c| crate::moderation::restrictions::is_suspended(c, id))
            .await?
    {
        return Err(AppError::NotFound(format!(
            "@{} is suspended on this server",
            actor.handle()
        )));
    }
    Ok(actor)
}

/// [`resolve_handle`] without the moderators' suspensions.
async fn resolve_any(data: &Data<AppState>, handle: &str) -> AppResult<DbActor> {
    let bare = handle.trim().trim_start_matches('@');
    let handle = if bare.contains('@') {
        handle.to_string()
    } else {
        format!("{bare}@{}", data.domain)
    };
    let (user, host) = parse_handle(&handle).ok_or_else(|| {
        AppError::invalid(
            "handle",
            "invalid",
            "Type a handle such as @camille@example.org.",
        )
    })?;
    let domain = data.domain.clone();
    if host == domain {
        let u = user.clone();
        return data
            .db
            .read(move |c| Ok(model::by_handle(c, &u, &domain)?.filter(|a| a.local)))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("nobody is called @{user} here")));
    }
    crate::peering::check(data, &host).await?;
    let (u, h) = (user.clone(), host.clone());
    if let Some(known) = data
        .db
        .read(move |c| Ok(model::by_handle(c, &u, &h)?))
        .await?
        && (known.last_refreshed_at > crate::db::now() - chrono::TimeDelta::hours(1)
            // a secret community answers 404 to WebFinger: one we know is not looked up again
            || known.kind == "group")
    {
        return Ok(known);
    }
    let scheme = if data.allow_insecure_local && crate::config::is_localhost_domain(&host) {
        "http"
    } else {
        "https"
    };
    let url = Url::parse(&format!(
        "{scheme}://{host}/.well-known/webfinger?resource=acct:{user}@{host}"
    ))
    .map_err(|_| {
        AppError::invalid(
            "handle",
            "invalid",
            "This handle has an invalid server name.",
        )
    })?;
    super::check_url_allowed(&url, data.url_policy())?;
    let not_found = || AppError::NotFound(format!("no account @{user}@{host} was found"));
    let mut response = data
        .http
        .get(url)
        .header(header::ACCEPT, "application/jrd+json, application/json")
        .send()
        .await
        .map_err(|e| AppError::Federation(format!("{host} did not answer: {e}")))?;
    if response.status() == http::StatusCode::NOT_FOUND {
        return Err(not_found());
    }
    if !response.status().is_success() {
        return Err(AppError::Federation(format!(
            "{host} answered {} to WebFinger",
            response.status()
        )));
    }
    // read at most 256 KiB, whatever the server sends or claims
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| AppError::Federation(format!("{host}: {e}")))?
    {
        if bytes.len() + chunk.len() > 256 * 1024 {
            return Err(AppError::Federation(format!(
                "{host}: WebFinger answer too large"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let unreadable =
        |e: String| AppError::Federation(format!("{host}: unreadable WebFinger answer: {e}"));
    let doc: Webfinger = serde_json::from_value(super::parse_json(&bytes).map_err(unreadable)?)
        .map_err(|e| unreadable(e.to_string()))?;
    let link = doc
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("self"))
        .filter(|l| {
            l.kind.as_deref().is_some_and(|k| {
                k.starts_with("application/activity+json") || k.starts_with("application/ld+json")
            })
        })
        .find_map(|l| l.href.clone())
        .ok_or_else(not_found)?;
    dereference(data, &link).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_parsed_in_every_usual_form() {
        let expect = Some(("alice".to_string(), "b.example:8080".to_string()));
        assert_eq!(parse_handle("@alice@b.example:8080"), expect);
        assert_eq!(parse_handle("alice@B.example:8080"), expect);
        assert_eq!(parse_handle("acct:alice@b.example:8080"), expect);
        assert_eq!(parse_handle("alice"), None);
        assert_eq!(parse_handle("al ice@b.example"), None);
        assert_eq!(parse_handle("alice@b.example/x"), None);
    }
}
