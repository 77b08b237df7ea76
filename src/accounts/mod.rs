//! Local accounts: registration (open, by invitation, or closed), passwords (argon2id), web
//! sessions, API tokens and roles.

pub mod api;
pub mod data;
pub mod model;
pub mod web;

use crate::{
    actors::{self, model::DbActor},
    config::RegistrationMode,
    db::now,
    error::{AppError, AppResult, FieldError},
    federation::signatures::generate_keys,
    state::AppState,
};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::TimeDelta;
use model::DbAccount;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_USERNAME_CHARS: usize = 30;

/// What an account may do besides being a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Role {
        match s {
            "admin" => Role::Admin,
            "moderator" => Role::Moderator,
            _ => Role::Member,
        }
    }
}

/// A signed-in local member: their account and their public actor.
#[derive(Debug, Clone)]
pub struct Member {
    pub account: DbAccount,
    pub actor: DbActor,
}

impl Member {
    pub fn role(&self) -> Role {
        Role::parse(&self.account.role)
    }
}

/// Names that would clash with our own routes or confuse people.
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "system",
    "support",
    "moderator",
    "passerelle",
    "actor",
    "inbox",
    "outbox",
    "api",
    "about",
    "static",
    "settings",
    "users",
];

/// Checks a new username: 1–30 ASCII letters, digits or underscores, not reserved. Returns it
/// as typed (the case is kept for display; uniqueness ignores case).
pub fn validate_username(name: &str) -> Result<String, FieldError> {
    let name = name.trim().trim_start_matches('@');
    if name.is_empty() {
        return Err(FieldError::new("username", "empty", "Choose a username."));
    }
    if name.chars().count() > MAX_USERNAME_CHARS {
        return Err(FieldError::new(
            "username",
            "too_long",
            format!("A username has at most {MAX_USERNAME_CHARS} characters."),
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(FieldError::new(
            "username",
            "characters",
            "A username may only contain letters without accents, digits and _ (underscore).",
        ));
    }
    if RESERVED.contains(&name.to_lowercase().as_str()) {
        return Err(FieldError::new(
            "username",
            "reserved",
            "This username is reserved. Please choose another one.",
        ));
    }
    Ok(name.to_string())
}

pub fn validate_password(password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "password",
            "too_short",
            format!("A password needs at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if n > 1000 {
        return Err(FieldError::new(
            "password",
            "too_long",
            "This password is too long.",
        ));
    }
    Ok(())
}

fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing is slow on purpose; it runs on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f).await?
}

/// A hash compared against when the username does not exist, so that timing does not reveal
/// which usernames exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password").unwrap_or_default());

/// Creates a member account (and their actor and keys). Used by registration and the CLI.
pub async fn create_account(
    state: &AppState,
    username: &str,
    password: &str,
    email: Option<String>,
    role: Role,
    invitation: Option<String>,
) -> AppResult<Member> {
    let mut errors = vec![];
    let username = validate_username(username).map_err(|e| errors.push(e)).ok();
    if let Err(e) = validate_password(password) {
        errors.push(e);
    }
    let email = email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(e) = &email
        && (!e.contains('@') || e.len() > 254 || e.contains(char::is_whitespace))
    {
        errors.push(FieldError::new(
            "email",
            "invalid",
            "This email address does not look right.",
        ));
    }
    let Some(username) = username.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let password = password.to_string();
    let (hash, keys) = blocking(move || Ok((hash_password(&password)?, generate_keys()?))).await?;
    let s = state.clone();
    state
        .db
        .write(move |conn| {
            let actor = actors::create_local_person(conn, &s, &username, &username, keys)?;
            let account = model::insert(conn, actor.id, email.as_deref(), &hash, role.as_str())?;
            if let Some(code) = invitation
                && !model::use_invitation(conn, code.trim(), account.id)?
            {
                return Err(AppError::invalid(
                    "invitation",
                    "invalid",
                    "This invitation code is not valid, was already used or has expired.",
                ));
            }
            Ok(Member { account, actor })
        })
        .await
}

/// The sign-up form and API body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Required when the instance registers by invitation only.
    #[serde(default)]
    pub invitation: Option<String>,
}

/// Self-service sign-up, following the instance's registration mode.
pub async fn register(state: &AppState, input: RegistrationInput) -> AppResult<Member> {
    let invitation = input.invitation.filter(|c| !c.trim().is_empty());
    match state.config.instance.registration {
        RegistrationMode::Closed => {
            return Err(AppError::Forbidden(
                "This network does not accept new members by itself. Ask its administrators for an account.".into(),
            ));
        }
        RegistrationMode::InviteOnly if invitation.is_none() => {
            return Err(AppError::invalid(
                "invitation",
                "required",
                "Joining this network needs an invitation code. Ask a member or the administrators for one.",
            ));
        }
        _ => {}
    }
    let invitation = match state.config.instance.registration {
        RegistrationMode::InviteOnly => invitation,
        _ => None,
    };
    create_account(
        state,
        &input.username,
        &input.password,
        input.email,
        Role::Member,
        invitation,
    )
    .await
}

/// Checks a username and password; the same error whether the name or the password is wrong.
pub async fn login(state: &AppState, username: &str, password: &str) -> AppResult<Member> {
    state.limits.check_signin_account(username)?;
    let (u, d) = (
        username.trim().trim_start_matches('@').to_string(),
        state.domain.clone(),
    );
    let found = state
        .db
        .read(move |c| {
            let Some(account) = model::by_username(c, &u, &d)? else {
                return Ok(None);
            };
            let actor = crate::actors::model::by_id(c, account.actor_id)?;
            Ok(actor.map(|a| Member { account, actor: a }))
        })
        .await?;
    let password = password.to_string();
    let hash = found
        .as_ref()
        .map(|m| m.account.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = blocking(move || Ok(password_matches(&password, &hash))).await?;
    match found {
        Some(m) if ok && !m.account.disabled && m.actor.deleted_at.is_none() => Ok(m),
        Some(m) if ok && m.account.disabled => Err(AppError::Forbidden(
            "This account is suspended. Contact the administrators of this network.".into(),
        )),
        _ => Err(AppError::Unauthorized("Wrong username or password.".into())),
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Suspends the account of a local actor (a moderator's decision, inside their transaction): it
/// can no longer sign in, and its sessions and API tokens stop working at once (they are
/// refused for disabled accounts). False if the actor has no account here.
pub fn suspend(conn: &mut crate::db::DbConn, actor_id: i64) -> AppResult<bool> {
    Ok(model::disable_by_actor(conn, actor_id)? == 1)
}

/// Lifts the suspension of a local actor's account (inside the moderator's transaction): it
/// may sign in again. False if it was not suspended.
pub fn reinstate(conn: &mut crate::db::DbConn, actor_id: i64) -> AppResult<bool> {
    Ok(model::enable_by_actor(conn, actor_id)? == 1)
}

/// Only hashes of secrets are stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Opens a web session; returns the cookie value.
pub async fn create_session(state: &AppState, account_id: i64) -> AppResult<String> {
    let token = random_token();
    let (hash, csrf) = (token_hash(&token), random_token());
    let expires = now()
        + TimeDelta::from_std(state.config.web.session_lifetime).unwrap_or(TimeDelta::days(30));
    state
        .db
        .write(move |c| Ok(model::insert_session(c, &hash, account_id, &csrf, expires)?))
        .await?;
    Ok(token)
}

/// The member and CSRF token of a session cookie, if the session is live.
pub async fn session_member(state: &AppState, token: &str) -> AppResult<Option<(Member, String)>> {
    let hash = token_hash(token);
    state
        .db
        .read(move |c| {
            let Some((account, csrf)) = model::session(c, &hash)? else {
                return Ok(None);
            };
            let actor = crate::actors::model::by_id(c, account.actor_id)?;
            Ok(actor
                .filter(|a| a.deleted_at.is_none() && !account.disabled)
                .map(|actor| (Member { account, actor }, csrf)))
        })
        .await
}

pub async fn end_session(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    state
        .db
        .write(move |c| Ok(model::delete_session(c, &hash).map(|_| ())?))
        .await
}

/// Issues a bearer token for the JSON API; the token is shown once and stored hashed.
pub async fn create_api_token(state: &AppState, account_id: i64, name: &str) -> AppResult<String> {
    let token = random_token();
    let (hash, name) = (
        token_hash(&token),
        name.trim().chars().take(100).collect::<String>(),
    );
    state
        .db
        .write(move |c| Ok(model::insert_api_token(c, &hash, account_id, &name).map(|_| ())?))
        .await?;
    Ok(token)
}

pub async fn revoke_api_token(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    state
        .db
        .write(move |c| Ok(model::delete_api_token(c, &hash).map(|_| ())?))
        .await
}

/// The member owning an API bearer token.
pub async fn token_member(state: &AppState, token: &str) -> AppResult<Option<Member>> {
    let hash = token_hash(token);
    state
        .db
        .read(move |c| {
            let Some(account) = model::api_token_account(c, &hash)? else {
                return Ok(None);
            };
            let actor = crate::actors::model::by_id(c, account.actor_id)?;
            Ok(actor
                .filter(|a| a.deleted_at.is_none() && !account.disabled)
                .map(|actor| Member { account, actor }))
        })
        .await
}

/// Changes a password after checking the current one; other sessions are signed out.
pub async fn change_password(
    state: &AppState,
    member: &Member,
    current: &str,
    new: &str,
    keep_session: Option<String>,
) -> AppResult<()> {
    validate_password(new).map_err(|e| {
        AppError::Invalid(vec![FieldError {
            field: "new_password".into(),
            ..e
        }])
    })?;
    let (current, hash) = (current.to_string(), member.account.password_hash.clone());
    if !blocking(move || Ok(password_matches(&current, &hash))).await? {
        return Err(AppError::invalid(
            "current_password",
            "wrong",
            "The current password is not right.",
        ));
    }
    set_password(state, member.account.id, new, keep_session).await
}

/// Sets a password (used by `passerelle user set-password` and [`change_password`]).
pub async fn set_password(
    state: &AppState,
    account_id: i64,
    new: &str,
    keep_session: Option<String>,
) -> AppResult<()> {
    validate_password(new).map_err(|e| AppError::Invalid(vec![e]))?;
    let new = new.to_string();
    let hash = blocking(move || hash_password(&new)).await?;
    state
        .db
        .write(move |c| {
            model::set_password(c, account_id, &hash)?;
            let keep = keep_session.map(|t| token_hash(&t));
            model::delete_other_sessions(c, account_id, keep.as_deref())?;
            Ok(())
        })
        .await
}

/// Creates an invitation code valid for `days` days.
pub async fn create_invitation(state: &AppState, by: Option<i64>, days: i64) -> AppResult<String> {
    let code = random_token()[..16].to_string();
    let c2 = code.clone();
    let expires = now() + TimeDelta::days(days.max(1));
    state
        .db
        .write(move |c| Ok(model::insert_invitation(c, &c2, by, expires).map(|_| ())?))
        .await?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(validate_username("@Alice_2").unwrap(), "Alice_2");
        assert_eq!(validate_username("").unwrap_err().code, "empty");
        assert_eq!(validate_username("zoé").unwrap_err().code, "characters");
        assert_eq!(validate_username("a.b").unwrap_err().code, "characters");
        assert_eq!(validate_username("Admin").unwrap_err().code, "reserved");
        assert_eq!(
            validate_username(&"a".repeat(31)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn passwords_are_hashed_with_argon2id() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &h));
        assert!(!password_matches("wrong horse battery", &h));
        assert_eq!(validate_password("short").unwrap_err().code, "too_short");
    }
}
