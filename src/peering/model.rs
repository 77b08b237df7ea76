//! Rows and queries of `instance_policies` and `partnerships`.

use crate::db::{
    DbConn, now,
    schema::{deliveries, instance_policies, instances, partnerships},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = instance_policies)]
pub struct DbPolicy {
    pub id: i64,
    pub host: String,
    pub policy: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The rules on any of `hosts` (exact names).
pub fn by_hosts(conn: &mut DbConn, hosts: &[String]) -> QueryResult<Vec<DbPolicy>> {
    match conn {
        DbConn::Pg(c) => instance_policies::table
            .filter(instance_policies::host.eq_any(hosts))
            .select(DbPolicy::as_select())
            .load(c),
        // SQLite gets `IN (?, ?, …)`, a statement diesel cannot keep prepared since its length
        // varies, so it would be compiled again for every incoming activity: one prepared
        // lookup per name instead (two or three names)
        DbConn::Sqlite(c) => {
            let mut rules = vec![];
            for host in hosts {
                rules.extend(
                    instance_policies::table
                        .filter(instance_policies::host.eq(host))
                        .select(DbPolicy::as_select())
                        .get_result(c)
                        .optional()?,
                );
            }
            Ok(rules)
        }
    }
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<DbPolicy>> {
    instance_policies::table
        .order(instance_policies::host.asc())
        .select(DbPolicy::as_select())
        .load(conn)
}

/// Writes the rule on `host`, replacing the one there was (runs in the caller's transaction).
pub fn upsert(conn: &mut DbConn, host: &str, policy: &str, reason: &str) -> QueryResult<DbPolicy> {
    let now = now();
    let updated = diesel::update(instance_policies::table.filter(instance_policies::host.eq(host)))
        .set((
            instance_policies::policy.eq(policy),
            instance_policies::reason.eq(reason),
            instance_policies::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(instance_policies::table)
            .values((
                instance_policies::host.eq(host),
                instance_policies::policy.eq(policy),
                instance_policies::reason.eq(reason),
                instance_policies::created_at.eq(now),
                instance_policies::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    instance_policies::table
        .filter(instance_policies::host.eq(host))
        .select(DbPolicy::as_select())
        .get_result(conn)
}

pub fn delete(conn: &mut DbConn, host: &str) -> QueryResult<usize> {
    diesel::delete(instance_policies::table.filter(instance_policies::host.eq(host))).execute(conn)
}

/// Deletes the queued deliveries to every server a rule on `rule_host` covers (that server,
/// its subdomains, any port).
pub fn drop_deliveries_covered_by(conn: &mut DbConn, rule_host: &str) -> QueryResult<usize> {
    let known: Vec<(i64, String)> = instances::table
        .select((instances::id, instances::host))
        .load(conn)?;
    let covered: Vec<i64> = known
        .into_iter()
        .filter(|(_, host)| covers(rule_host, host))
        .map(|(id, _)| id)
        .collect();
    let mut n = 0;
    for chunk in covered.chunks(500) {
        n += diesel::delete(deliveries::table.filter(deliveries::instance_id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(n)
}

/// Whether a rule written on `rule_host` applies to `host`.
pub fn covers(rule_host: &str, host: &str) -> bool {
    let bare = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    host == rule_host || bare == rule_host || bare.ends_with(&format!(".{rule_host}"))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = partnerships)]
pub struct DbPartnership {
    pub id: i64,
    pub host: String,
    pub partner_actor_id: i64,
    pub state: String,
    pub proposed_by_us: bool,
    pub offer_ap_id: String,
    pub share_job_offers: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn partnership_with(conn: &mut DbConn, host: &str) -> QueryResult<Option<DbPartnership>> {
    crate::native!(conn, |c| partnerships::table
        .filter(partnerships::host.eq(host))
        .select(DbPartnership::as_select())
        .get_result(c)
        .optional())
}

pub fn partnerships_in(conn: &mut DbConn, state: Option<&str>) -> QueryResult<Vec<DbPartnership>> {
    let mut q = partnerships::table
        .select(DbPartnership::as_select())
        .order(partnerships::host.asc())
        .into_boxed();
    if let Some(s) = state {
        q = q.filter(partnerships::state.eq(s.to_string()));
    }
    q.load(conn)
}

pub fn insert_partnership(
    conn: &mut DbConn,
    host: &str,
    partner_actor_id: i64,
    state: &str,
    proposed_by_us: bool,
    offer_ap_id: &str,
) -> QueryResult<usize> {
    let now = now();
    diesel::insert_into(partnerships::table)
        .values((
            partnerships::host.eq(host),
            partnerships::partner_actor_id.eq(partner_actor_id),
            partnerships::state.eq(state),
            partnerships::proposed_by_us.eq(proposed_by_us),
            partnerships::offer_ap_id.eq(offer_ap_id),
            partnerships::created_at.eq(now),
            partnerships::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn set_partnership_state(conn: &mut DbConn, id: i64, state: &str) -> QueryResult<usize> {
    diesel::update(partnerships::table.find(id))
        .set((
            partnerships::state.eq(state),
            partnerships::updated_at.eq(now()),
        ))
        .execute(conn)
}

pub fn set_share_job_offers(conn: &mut DbConn, id: i64, share: bool) -> QueryResult<usize> {
    diesel::update(partnerships::table.find(id))
        .set((
            partnerships::share_job_offers.eq(share),
            partnerships::updated_at.eq(now()),
        ))
        .execute(conn)
}

pub fn delete_partnership(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(partnerships::table.find(id)).execute(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn coverage() {
        assert!(super::covers("example.org", "a.example.org:8443"));
        assert!(super::covers("localhost:80", "localhost:80"));
        assert!(!super::covers("localhost:80", "localhost:81"));
        assert!(!super::covers("example.org", "badexample.org"));
    }
}
