//! Rows and queries of `organisations` and `organisation_roles`.

use crate::{
    actors::model::DbActor,
    db::{
        DbConn,
        schema::{actors, organisation_roles, organisations},
    },
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What only organisations have; the rest is their actor.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organisations)]
#[diesel(treat_none_as_null = true)]
pub struct OrganisationRow {
    pub actor_id: i64,
    pub sector: String,
    pub size: String,
    pub location: String,
    pub website: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConn, actor_id: i64) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .find(actor_id)
        .select(OrganisationRow::as_select())
        .get_result(conn)
        .optional()
}

/// Inserts or replaces the details of an organisation.
pub fn upsert(conn: &mut DbConn, row: &OrganisationRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(organisations::table)
        .values(row)
        .on_conflict(organisations::actor_id)
        .do_update()
        .set((
            organisations::sector.eq(&row.sector),
            organisations::size.eq(&row.size),
            organisations::location.eq(&row.location),
            organisations::website.eq(&row.website),
        ))
        .execute(c))?;
    Ok(())
}

pub fn role_of(conn: &mut DbConn, organisation: i64, member: i64) -> QueryResult<Option<String>> {
    organisation_roles::table
        .filter(organisation_roles::organisation_id.eq(organisation))
        .filter(organisation_roles::member_id.eq(member))
        .select(organisation_roles::role)
        .get_result(conn)
        .optional()
}

/// Gives `member` a role in `organisation` (replacing the one they had).
pub fn set_role(
    conn: &mut DbConn,
    organisation: i64,
    member: i64,
    role: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(organisation_roles::table)
        .values((
            organisation_roles::organisation_id.eq(organisation),
            organisation_roles::member_id.eq(member),
            organisation_roles::role.eq(role),
            organisation_roles::created_at.eq(now),
        ))
        .on_conflict((
            organisation_roles::organisation_id,
            organisation_roles::member_id,
        ))
        .do_update()
        .set(organisation_roles::role.eq(role))
        .execute(c))?;
    Ok(())
}

pub fn remove_role(conn: &mut DbConn, organisation: i64, member: i64) -> QueryResult<usize> {
    diesel::delete(
        organisation_roles::table
            .filter(organisation_roles::organisation_id.eq(organisation))
            .filter(organisation_roles::member_id.eq(member)),
    )
    .execute(conn)
}

pub fn count_owners(conn: &mut DbConn, organisation: i64) -> QueryResult<i64> {
    organisation_roles::table
        .filter(organisation_roles::organisation_id.eq(organisation))
        .filter(organisation_roles::role.eq("owner"))
        .count()
        .get_result(conn)
}

/// The people managing an organisation, owners first.
pub fn team(conn: &mut DbConn, organisation: i64) -> QueryResult<Vec<(String, DbActor)>> {
    organisation_roles::table
        .inner_join(actors::table.on(actors::id.eq(organisation_roles::member_id)))
        .filter(organisation_roles::organisation_id.eq(organisation))
        .filter(actors::deleted_at.is_null())
        .order((organisation_roles::role.asc(), organisation_roles::id.asc()))
        .select((organisation_roles::role, DbActor::as_select()))
        .load(conn)
}

/// The local organisations a member manages, with their role.
pub fn managed_by(conn: &mut DbConn, member: i64) -> QueryResult<Vec<(String, DbActor)>> {
    organisation_roles::table
        .inner_join(actors::table.on(actors::id.eq(organisation_roles::organisation_id)))
        .filter(organisation_roles::member_id.eq(member))
        .filter(actors::deleted_at.is_null())
        .order(actors::username_key.asc())
        .select((organisation_roles::role, DbActor::as_select()))
        .load(conn)
}

/// Organisations known here (local first, then remote), by name.
pub fn list(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(DbActor, OrganisationRow)>> {
    actors::table
        .inner_join(organisations::table)
        .filter(actors::deleted_at.is_null())
        .order((actors::local.desc(), actors::username_key.asc()))
        .limit(limit)
        .select((DbActor::as_select(), OrganisationRow::as_select()))
        .load(conn)
}
