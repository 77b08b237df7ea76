//! Rows and queries of `communities`, `community_members` and `community_posts`.

use crate::{
    actors::model::DbActor,
    db::{
        DbConn,
        schema::{actors, communities, community_members, community_posts},
    },
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::sync::Arc;

pub const PENDING: &str = "pending";
pub const INVITED: &str = "invited";
pub const ACCEPTED: &str = "accepted";
pub const BANNED: &str = "banned";

/// What only communities have; the rest is their actor.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = communities)]
pub struct CommunityRow {
    pub actor_id: i64,
    pub access: String,
    pub charter: String,
    pub charter_source: String,
    pub language: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_members)]
pub struct MemberRow {
    pub id: i64,
    pub community_id: i64,
    pub member_id: i64,
    pub role: String,
    pub state: String,
    pub follow_ap_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub joined_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_posts)]
pub struct PostRow {
    pub id: i64,
    pub ap_id: String,
    pub community_id: i64,
    pub author_id: i64,
    pub thread_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: Option<String>,
    pub content: String,
    pub source: Option<String>,
    pub language: Option<String>,
    pub local: bool,
    pub pinned: bool,
    pub locked: bool,
    pub url: Option<String>,
    pub published: NaiveDateTime,
    pub updated: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub removed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl PostRow {
    /// Erased by its author or removed by a manager: shown as a gap in its thread.
    pub fn gone(&self) -> bool {
        self.deleted_at.is_some() || self.removed_at.is_some()
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = community_posts)]
pub struct NewPost {
    pub ap_id: String,
    pub community_id: i64,
    pub author_id: i64,
    pub thread_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub title: Option<String>,
    pub content: String,
    pub source: Option<String>,
    pub language: Option<String>,
    pub local: bool,
    pub url: Option<String>,
    pub published: NaiveDateTime,
    pub updated: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConn, actor_id: i64) -> QueryResult<Option<CommunityRow>> {
    communities::table
        .find(actor_id)
        .select(CommunityRow::as_select())
        .get_result(conn)
        .optional()
}

/// A community of this server by its handle, with its details, in one query.
pub fn local_by_handle(
    conn: &mut DbConn,
    username: &str,
    domain: &str,
) -> QueryResult<Option<(DbActor, CommunityRow)>> {
    crate::native!(conn, |c| actors::table
        .inner_join(communities::table)
        .filter(actors::username_key.eq(username.to_lowercase()))
        .filter(actors::domain.eq(domain))
        .filter(actors::deleted_at.is_null())
        .filter(actors::local.eq(true))
        .filter(actors::kind.eq("group"))
        .select((DbActor::as_select(), CommunityRow::as_select()))
        .get_result(c)
        .optional())
}

/// A community (of any server) by its actor id with its details and its `members_version`
/// (see [`member_inboxes`]), in one query.
pub fn with_details(
    conn: &mut DbConn,
    id: i64,
) -> QueryResult<Option<(DbActor, CommunityRow, i64)>> {
    crate::native!(conn, |c| actors::table
        .inner_join(communities::table)
        .filter(actors::id.eq(id))
        .filter(actors::kind.eq("group"))
        .select((
            DbActor::as_select(),
            CommunityRow::as_select(),
            communities::members_version,
        ))
        .get_result(c)
        .optional())
}

/// Inserts or replaces the details of a community.
pub fn upsert(conn: &mut DbConn, row: &CommunityRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(communities::table)
        .values(row)
        .on_conflict(communities::actor_id)
        .do_update()
        .set((
            communities::access.eq(&row.access),
            communities::charter.eq(&row.charter),
            communities::charter_source.eq(&row.charter_source),
            communities::language.eq(&row.language),
        ))
        .execute(c))?;
    Ok(())
}

/// Communities known here with their details, local first, by name. `secret` ones are left out
/// unless `with_secret` lists the ids the viewer belongs to.
pub fn list(
    conn: &mut DbConn,
    visible_secret: &[i64],
    limit: i64,
) -> QueryResult<Vec<(DbActor, CommunityRow)>> {
    actors::table
        .inner_join(communities::table)
        .filter(actors::deleted_at.is_null())
        .filter(
            communities::access
                .ne("secret")
                .or(communities::actor_id.eq_any(visible_secret.to_vec())),
        )
        .order((actors::local.desc(), actors::username_key.asc()))
        .limit(limit)
        .select((DbActor::as_select(), CommunityRow::as_select()))
        .load(conn)
}

pub fn membership(
    conn: &mut DbConn,
    community: i64,
    member: i64,
) -> QueryResult<Option<MemberRow>> {
    community_members::table
        .filter(community_members::community_id.eq(community))
        .filter(community_members::member_id.eq(member))
        .select(MemberRow::as_select())
        .get_result(conn)
        .optional()
}

pub fn membership_by_follow(
    conn: &mut DbConn,
    follow_ap_id: &str,
) -> QueryResult<Option<MemberRow>> {
    community_members::table
        .filter(community_members::follow_ap_id.eq(follow_ap_id))
        .select(MemberRow::as_select())
        .get_result(conn)
        .optional()
}

/// Records or changes a membership (role and state), keeping when it was first joined.
pub fn set_membership(
    conn: &mut DbConn,
    community: i64,
    member: i64,
    role: &str,
    state: &str,
    follow_ap_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<MemberRow> {
    let joined = (state == ACCEPTED).then_some(now);
    match membership(conn, community, member)? {
        Some(existing) => {
            let joined_at = match (existing.state.as_str(), joined) {
                (ACCEPTED, _) => existing.joined_at,
                (_, j) => j,
            };
            diesel::update(community_members::table.find(existing.id))
                .set((
                    community_members::role.eq(role),
                    community_members::state.eq(state),
                    community_members::follow_ap_id
                        .eq(follow_ap_id.map(str::to_string).or(existing.follow_ap_id)),
                    community_members::joined_at.eq(joined_at),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(community_members::table)
                .values((
                    community_members::community_id.eq(community),
                    community_members::member_id.eq(member),
                    community_members::role.eq(role),
                    community_members::state.eq(state),
                    community_members::follow_ap_id.eq(follow_ap_id),
                    community_members::created_at.eq(now),
                    community_members::joined_at.eq(joined),
                ))
                .execute(conn)?;
        }
    }
    membership(conn, community, member).map(|m| m.expect("just written"))
}

pub fn remove_membership(conn: &mut DbConn, community: i64, member: i64) -> QueryResult<usize> {
    diesel::delete(
        community_members::table
            .filter(community_members::community_id.eq(community))
            .filter(community_members::member_id.eq(member)),
    )
    .execute(conn)
}

/// People of a community in one `state`, managers first.
pub fn members(
    conn: &mut DbConn,
    community: i64,
    state: &str,
    limit: i64,
) -> QueryResult<Vec<(MemberRow, DbActor)>> {
    community_members::table
        .inner_join(actors::table.on(actors::id.eq(community_members::member_id)))
        .filter(community_members::community_id.eq(community))
        .filter(community_members::state.eq(state))
        .filter(actors::deleted_at.is_null())
        .order((community_members::role.desc(), community_members::id.asc()))
        .limit(limit)
        .select((MemberRow::as_select(), DbActor::as_select()))
        .load(conn)
}

pub fn count_owners(conn: &mut DbConn, community: i64) -> QueryResult<i64> {
    community_members::table
        .filter(community_members::community_id.eq(community))
        .filter(community_members::state.eq(ACCEPTED))
        .filter(community_members::role.eq("owner"))
        .count()
        .get_result(conn)
}

pub fn count_members(conn: &mut DbConn, community: i64) -> QueryResult<i64> {
    community_members::table
        .filter(community_members::community_id.eq(community))
        .filter(community_members::state.eq(ACCEPTED))
        .count()
        .get_result(conn)
}

/// The member inboxes of communities, with the `members_version` they were read at.
pub type InboxCache = moka::sync::Cache<i64, (i64, Arc<Vec<String>>)>;

/// A cache for the member inboxes of up to 10,000 communities.
pub fn inbox_cache() -> InboxCache {
    moka::sync::Cache::new(10_000)
}

/// Where the community's content goes: the inboxes (shared when they have one) of its
/// accepted remote members, deduplicated. Needed for every message a community announces,
/// inside its write transaction, so the list is kept in `cache` for as long as the community's
/// `members_version` (changed by database triggers whenever a membership or a member's inbox
/// changes, see migration 000013) stays the same: one primary-key read instead of a join over
/// every member.
pub fn member_inboxes(
    conn: &mut DbConn,
    cache: &InboxCache,
    community: i64,
) -> QueryResult<Arc<Vec<String>>> {
    let version: i64 = crate::native!(conn, |c| communities::table
        .find(community)
        .select(communities::members_version)
        .get_result(c))?;
    member_inboxes_at(conn, cache, community, version)
}

/// [`member_inboxes`] when the community's `members_version` was just read in the same
/// transaction (by [`with_details`]).
pub fn member_inboxes_at(
    conn: &mut DbConn,
    cache: &InboxCache,
    community: i64,
    version: i64,
) -> QueryResult<Arc<Vec<String>>> {
    if let Some((cached, inboxes)) = cache.get(&community)
        && cached == version
    {
        return Ok(inboxes);
    }
    // read after the version: a change committed in between gives a newer list under an older
    // version, which the next read of the version replaces
    let delivery_inbox = diesel::dsl::sql::<diesel::sql_types::Text>(
        "COALESCE(actors.shared_inbox_url, actors.inbox_url)",
    );
    let mut inboxes: Vec<String> = crate::native!(conn, |c| community_members::table
        .inner_join(actors::table.on(actors::id.eq(community_members::member_id)))
        .filter(community_members::community_id.eq(community))
        .filter(community_members::state.eq(ACCEPTED))
        .filter(actors::local.eq(false))
        .filter(actors::deleted_at.is_null())
        .select(delivery_inbox)
        .distinct()
        .load(c))?;
    inboxes.sort();
    let inboxes = Arc::new(inboxes);
    cache.insert(community, (version, inboxes.clone()));
    Ok(inboxes)
}

/// Whether a server hosts an accepted (or, with `invited`, an invited) member of a community.
pub fn has_member_on(
    conn: &mut DbConn,
    community: i64,
    domain: &str,
    invited_too: bool,
) -> QueryResult<bool> {
    let states: &[&str] = if invited_too {
        &[ACCEPTED, INVITED]
    } else {
        &[ACCEPTED]
    };
    diesel::select(diesel::dsl::exists(
        community_members::table
            .inner_join(actors::table.on(actors::id.eq(community_members::member_id)))
            .filter(community_members::community_id.eq(community))
            .filter(
                community_members::state
                    .eq_any(states.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            )
            .filter(actors::domain.eq(domain)),
    ))
    .get_result(conn)
}

/// The communities a member belongs to (accepted) or is invited to / asked to join.
pub fn of_member(
    conn: &mut DbConn,
    member: i64,
) -> QueryResult<Vec<(MemberRow, DbActor, CommunityRow)>> {
    community_members::table
        .inner_join(actors::table.on(actors::id.eq(community_members::community_id)))
        .inner_join(
            communities::table.on(communities::actor_id.eq(community_members::community_id)),
        )
        .filter(community_members::member_id.eq(member))
        .filter(actors::deleted_at.is_null())
        .order(actors::username_key.asc())
        .select((
            MemberRow::as_select(),
            DbActor::as_select(),
            CommunityRow::as_select(),
        ))
        .load(conn)
}

pub fn insert_post(conn: &mut DbConn, post: &NewPost) -> QueryResult<i64> {
    crate::native!(conn, |c| diesel::insert_into(community_posts::table)
        .values(post)
        .returning(community_posts::id)
        .get_result::<i64>(c))
}

/// Inserts a received message and returns its row; `None` when a message with its id is
/// already here (checked and written in one statement).
pub fn insert_received_post(conn: &mut DbConn, post: &NewPost) -> QueryResult<Option<PostRow>> {
    crate::native!(conn, |c| diesel::insert_into(community_posts::table)
        .values(post)
        .on_conflict(community_posts::ap_id)
        .do_nothing()
        .returning(PostRow::as_returning())
        .get_result(c)
        .optional())
}

pub fn post(conn: &mut DbConn, id: i64) -> QueryResult<Option<PostRow>> {
    community_posts::table
        .find(id)
        .select(PostRow::as_select())
        .get_result(conn)
        .optional()
}

pub fn post_by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<PostRow>> {
    crate::native!(conn, |c| community_posts::table
        .filter(community_posts::ap_id.eq(ap_id))
        .select(PostRow::as_select())
        .get_result(c)
        .optional())
}

/// Threads of a community, pinned first, then by last activity.
pub fn threads(
    conn: &mut DbConn,
    community: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(PostRow, DbActor)>> {
    community_posts::table
        .inner_join(actors::table.on(actors::id.eq(community_posts::author_id)))
        .filter(community_posts::community_id.eq(community))
        .filter(community_posts::thread_id.is_null())
        .filter(community_posts::deleted_at.is_null())
        .filter(community_posts::removed_at.is_null())
        .order((
            community_posts::pinned.desc(),
            community_posts::last_activity_at.desc(),
            community_posts::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select((PostRow::as_select(), DbActor::as_select()))
        .load(conn)
}

/// Replies of a thread, oldest first, erased ones included (as gaps).
pub fn replies(conn: &mut DbConn, thread: i64) -> QueryResult<Vec<(PostRow, DbActor)>> {
    community_posts::table
        .inner_join(actors::table.on(actors::id.eq(community_posts::author_id)))
        .filter(community_posts::thread_id.eq(thread))
        .order(community_posts::id.asc())
        .select((PostRow::as_select(), DbActor::as_select()))
        .load(conn)
}

/// Number of visible replies per thread.
pub fn reply_counts(conn: &mut DbConn, threads: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    use diesel::dsl::count_star;
    community_posts::table
        .filter(community_posts::thread_id.eq_any(threads.to_vec()))
        .filter(community_posts::deleted_at.is_null())
        .filter(community_posts::removed_at.is_null())
        .group_by(community_posts::thread_id)
        .select((community_posts::thread_id.assume_not_null(), count_star()))
        .load(conn)
}

/// Latest threads of the communities a member belongs to (for the home feed), with their
/// author.
pub fn threads_of_member(
    conn: &mut DbConn,
    member: i64,
    limit: i64,
) -> QueryResult<Vec<(PostRow, DbActor)>> {
    let mine = community_members::table
        .filter(community_members::member_id.eq(member))
        .filter(community_members::state.eq(ACCEPTED))
        .select(community_members::community_id);
    community_posts::table
        .inner_join(actors::table.on(actors::id.eq(community_posts::author_id)))
        .filter(community_posts::community_id.eq_any(mine))
        .filter(community_posts::thread_id.is_null())
        .filter(community_posts::deleted_at.is_null())
        .filter(community_posts::removed_at.is_null())
        .order(community_posts::published.desc())
        .limit(limit)
        .select((PostRow::as_select(), DbActor::as_select()))
        .load(conn)
}

pub fn update_post(
    conn: &mut DbConn,
    id: i64,
    title: Option<&str>,
    content: &str,
    source: Option<&str>,
    updated: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(community_posts::table.find(id))
        .set((
            community_posts::title.eq(title),
            community_posts::content.eq(content),
            community_posts::source.eq(source),
            community_posts::updated.eq(Some(updated)),
        ))
        .execute(conn)
}

/// Erases a post's content (by its author) — the row stays, so its id answers 410.
pub fn mark_deleted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(community_posts::table.find(id))
        .set((
            community_posts::deleted_at.eq(Some(at)),
            community_posts::content.eq(""),
            community_posts::source.eq(None::<String>),
        ))
        .execute(conn)
}

pub fn mark_removed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(community_posts::table.find(id))
        .set(community_posts::removed_at.eq(Some(at)))
        .execute(conn)
}

/// Removes everything a member wrote in a community (a ban with removal of content), or in
/// every community (`None`: a moderator suspended the account).
pub fn remove_all_of(
    conn: &mut DbConn,
    community: Option<i64>,
    author: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(community_posts::table)
        .filter(community_posts::author_id.eq(author))
        .filter(community_posts::removed_at.is_null())
        .into_boxed();
    if let Some(c) = community {
        q = q.filter(community_posts::community_id.eq(c));
    }
    q.set(community_posts::removed_at.eq(Some(at)))
        .execute(conn)
}

/// Forgets every membership of an actor, as member or as community (a suspended account).
pub fn delete_memberships_of(conn: &mut DbConn, actor_id: i64) -> QueryResult<usize> {
    diesel::delete(
        community_members::table.filter(
            community_members::member_id
                .eq(actor_id)
                .or(community_members::community_id.eq(actor_id)),
        ),
    )
    .execute(conn)
}

pub fn set_flags(conn: &mut DbConn, id: i64, pinned: bool, locked: bool) -> QueryResult<usize> {
    diesel::update(community_posts::table.find(id))
        .set((
            community_posts::pinned.eq(pinned),
            community_posts::locked.eq(locked),
        ))
        .execute(conn)
}

pub fn touch_thread(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(community_posts::table.find(id))
        .set(community_posts::last_activity_at.eq(at))
        .execute(conn)
}

/// Dates of the community's posts since `since`: (published, is a thread, author).
pub fn activity_since(
    conn: &mut DbConn,
    community: i64,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, Option<i64>, i64)>> {
    community_posts::table
        .filter(community_posts::community_id.eq(community))
        .filter(community_posts::published.ge(since))
        .filter(community_posts::deleted_at.is_null())
        .filter(community_posts::removed_at.is_null())
        .select((
            community_posts::published,
            community_posts::thread_id,
            community_posts::author_id,
        ))
        .load(conn)
}

/// When each accepted member joined.
pub fn join_dates(conn: &mut DbConn, community: i64) -> QueryResult<Vec<NaiveDateTime>> {
    community_members::table
        .filter(community_members::community_id.eq(community))
        .filter(community_members::state.eq(ACCEPTED))
        .select(community_members::joined_at.assume_not_null())
        .order(community_members::joined_at.asc())
        .load(conn)
}

/// When each local community message written since `since` was published.
pub fn local_published_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    community_posts::table
        .filter(community_posts::local.eq(true))
        .filter(community_posts::published.ge(since))
        .select(community_posts::published)
        .load(conn)
}
