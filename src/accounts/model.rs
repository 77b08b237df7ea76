//! Rows and queries of `accounts`, `sessions`, `api_tokens` and `invitations`.

use crate::db::{
    DbConn, now,
    schema::{accounts, actors, api_tokens, invitations, sessions},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct DbAccount {
    pub id: i64,
    pub actor_id: i64,
    pub email: Option<String>,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    actor_id: i64,
    email: Option<&str>,
    password_hash: &str,
    role: &str,
) -> QueryResult<DbAccount> {
    diesel::insert_into(accounts::table)
        .values((
            accounts::actor_id.eq(actor_id),
            accounts::email.eq(email),
            accounts::password_hash.eq(password_hash),
            accounts::role.eq(role),
            accounts::created_at.eq(now()),
        ))
        .returning(accounts::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            accounts::table
                .find(id)
                .select(DbAccount::as_select())
                .get_result(conn)
        })
}

/// The account of a local username (any case).
pub fn by_username(
    conn: &mut DbConn,
    username: &str,
    domain: &str,
) -> QueryResult<Option<DbAccount>> {
    accounts::table
        .inner_join(actors::table)
        .filter(actors::username_key.eq(username.to_lowercase()))
        .filter(actors::domain.eq(domain))
        .filter(actors::local.eq(true))
        .select(DbAccount::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbAccount>> {
    accounts::table
        .find(id)
        .select(DbAccount::as_select())
        .get_result(conn)
        .optional()
}

pub fn set_password(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(hash))
        .execute(conn)
}

/// Every account with its username, oldest first (for `passerelle user list`).
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<(DbAccount, String)>> {
    accounts::table
        .inner_join(actors::table)
        .order(accounts::id.asc())
        .select((DbAccount::as_select(), actors::username))
        .load(conn)
}

pub fn insert_session(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: i64,
    csrf: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::account_id.eq(account_id),
            sessions::csrf_token.eq(csrf),
            sessions::created_at.eq(now()),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

/// The account and CSRF token of a live session.
pub fn session(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<(DbAccount, String)>> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now()))
        .select((DbAccount::as_select(), sessions::csrf_token))
        .get_result(conn)
        .optional()
}

pub fn delete_session(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
}

/// Ends every session of an account except `keep` (after a password change).
pub fn delete_other_sessions(
    conn: &mut DbConn,
    account_id: i64,
    keep: Option<&str>,
) -> QueryResult<usize> {
    let q = sessions::table.filter(sessions::account_id.eq(account_id));
    match keep {
        Some(k) => diesel::delete(q.filter(sessions::token_hash.ne(k))).execute(conn),
        None => diesel::delete(q).execute(conn),
    }
}

pub fn insert_api_token(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: i64,
    name: &str,
) -> QueryResult<usize> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(token_hash),
            api_tokens::account_id.eq(account_id),
            api_tokens::name.eq(name),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)
}

pub fn api_token_account(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<DbAccount>> {
    api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(DbAccount::as_select())
        .get_result(conn)
        .optional()
}

pub fn delete_api_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash))).execute(conn)
}

pub fn insert_invitation(
    conn: &mut DbConn,
    code: &str,
    created_by: Option<i64>,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::code.eq(code),
            invitations::created_by.eq(created_by),
            invitations::created_at.eq(now()),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

/// Marks an unused, unexpired invitation as used; false if there is none with this code.
pub fn use_invitation(conn: &mut DbConn, code: &str, account_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        invitations::table
            .filter(invitations::code.eq(code))
            .filter(invitations::used_at.is_null())
            .filter(invitations::expires_at.gt(now())),
    )
    .set((
        invitations::used_by.eq(Some(account_id)),
        invitations::used_at.eq(Some(now())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    accounts::table.count().get_result(conn)
}

/// Removes an account; its sessions and API tokens go with it (foreign keys cascade).
pub fn delete_account(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(accounts::table.find(id)).execute(conn)
}

/// Marks the account of `actor_id` disabled; the number of accounts changed (0 or 1).
pub fn disable_by_actor(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::update(accounts::table.filter(accounts::actor_id.eq(actor_id)))
        .set(accounts::disabled.eq(true))
        .execute(conn)
}

/// Lifts the suspension of the account of `actor_id`; the number of accounts changed.
pub fn enable_by_actor(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .filter(accounts::actor_id.eq(actor_id))
            .filter(accounts::disabled.eq(true)),
    )
    .set(accounts::disabled.eq(false))
    .execute(conn)
}

/// The account of a local actor, if it has one.
/// Whether the account of a local actor is suspended (disabled); `false` without an account.
pub fn is_disabled(conn: &mut DbConn, actor_id: i64) -> QueryResult<bool> {
    Ok(accounts::table
        .filter(accounts::actor_id.eq(actor_id))
        .select(accounts::disabled)
        .get_result::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

pub fn account_of_actor(conn: &mut DbConn, actor_id: i64) -> QueryResult<Option<i64>> {
    accounts::table
        .filter(accounts::actor_id.eq(actor_id))
        .select(accounts::id)
        .get_result(conn)
        .optional()
}
