//! Who is looking at a page: the session cookie, the interface language, and the CSRF token
//! every form sends back.
//!
//! Signed-in forms carry the session's own CSRF token. Forms shown before signing in (log in,
//! sign up) use a "double-submit" cookie: a random value set by [`super::web_layer`] that the
//! form repeats in a hidden field; another site can neither read nor set it.

use super::errors::WebError;
use crate::{accounts::Member, error::AppError, state::AppState};
use activitypub_federation::config::Data;
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "passerelle_session";
/// The double-submit CSRF cookie of visitors who are not signed in.
pub const CSRF_COOKIE: &str = "passerelle_csrf";
pub const LANG_COOKIE: &str = "lang";

/// A fresh anonymous CSRF token, put in request extensions by [`super::web_layer`] when the
/// browser has no CSRF cookie yet (the same layer sets the cookie on the response).
#[derive(Clone)]
pub struct NewCsrfToken(pub String);

pub fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A cookie the interface sets: whole site, not readable by scripts, sent on top-level
/// navigation from other sites (so links to the instance keep people signed in) but not on
/// their forms or embedded requests.
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .permanent()
        .build()
}

/// A cookie removal matching [`cookie`] (same name and path).
pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}

/// The person viewing a page: language, member (if signed in) and the CSRF token their forms
/// must carry. Extracted once per request and cached in the request extensions.
#[derive(Clone)]
pub struct Visitor {
    pub data: Data<AppState>,
    pub lang: &'static str,
    pub member: Option<Member>,
    /// The session cookie's value, when signed in.
    pub session: Option<String>,
    /// Expected in the `csrf` field of every form posted by this visitor; empty when the
    /// browser sent no cookie at all (its forms are then refused).
    pub csrf: String,
    /// Path and query of the page, to come back after signing in.
    pub path: String,
    /// Unread notifications and messages of the signed-in member, for the navigation badges.
    pub unread: crate::notifications::Unread,
}

impl Visitor {
    /// A visitor who is not signed in (language and CSRF token from the request headers).
    pub fn anonymous(
        data: Data<AppState>,
        headers: &HeaderMap,
        path: String,
        new_csrf: Option<&NewCsrfToken>,
    ) -> Visitor {
        let jar = CookieJar::from_headers(headers);
        let lang = super::i18n::negotiate(
            jar.get(LANG_COOKIE).map(Cookie::value),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        Visitor {
            lang,
            member: None,
            session: None,
            csrf: jar
                .get(CSRF_COOKIE)
                .map(|c| c.value().to_string())
                .or_else(|| new_csrf.map(|t| t.0.clone()))
                .unwrap_or_default(),
            path,
            data,
            unread: Default::default(),
        }
    }

    /// Reads the visitor from request headers (one database read when a session cookie is
    /// present).
    pub async fn load(
        data: Data<AppState>,
        headers: &HeaderMap,
        path: String,
        new_csrf: Option<&NewCsrfToken>,
    ) -> Result<Visitor, AppError> {
        let mut visitor = Visitor::anonymous(data, headers, path, new_csrf);
        let jar = CookieJar::from_headers(headers);
        if let Some(token) = jar.get(SESSION_COOKIE).map(Cookie::value)
            && let Some((member, csrf)) =
                crate::accounts::session_member(&visitor.data, token).await?
        {
            visitor.unread =
                crate::notifications::unread(&visitor.data, member.account.id, member.actor.id)
                    .await?;
            visitor.member = Some(member);
            visitor.session = Some(token.to_string());
            visitor.csrf = csrf;
        }
        Ok(visitor)
    }

    /// Whether `sent` is this visitor's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, sent: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), sent.as_bytes());
        !a.is_empty()
            && a.len() == b.len()
            && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        if let Some(v) = parts.extensions.get::<Visitor>() {
            return Ok(v.clone());
        }
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|(_, m)| AppError::Internal(anyhow::anyhow!(m)))?;
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let new_csrf = parts.extensions.get::<NewCsrfToken>();
        let visitor = Visitor::load(data, &parts.headers, path, new_csrf).await?;
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

/// A signed-in visitor; pages that need one send others to the log-in page (and back after).
#[derive(Clone)]
pub struct SignedIn {
    pub visitor: Visitor,
    pub member: Member,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match visitor.member.clone() {
            Some(member) => Ok(SignedIn { visitor, member }),
            None => {
                // after a form post, come back to the page that showed the form
                let back = if parts.method == http::Method::GET {
                    visitor.path.clone()
                } else {
                    "/".into()
                };
                let next = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
                Err(Redirect::to(&format!("/login?{next}")).into_response())
            }
        }
    }
}

/// A form body whose `csrf` field matches the visitor's token; refused with 403 otherwise.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(format!("unreadable form: {e}")))?;
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if !visitor.csrf_matches(sent) {
            return Err(WebError::Csrf);
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| AppError::BadRequest(format!("unreadable form: {e}")).into())
    }
}

/// A local path to go back to (`next` parameters, the Referer): only paths on this site, so
/// the redirect cannot send anyone elsewhere.
pub fn local_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/@alice?x=1")), "/@alice?x=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
