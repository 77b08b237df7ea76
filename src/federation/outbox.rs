//! The durable outbox: an outgoing activity is written, with one delivery row per receiving
//! inbox, in the same transaction as the change that caused it. Nothing is sent here; the
//! delivery worker ([`super::delivery`]) sends after commit, so a crash loses nothing.

use super::host_of;
use crate::{
    actors::model::DbActor,
    db::{
        DbConn, now,
        schema::{activities, deliveries, instances},
    },
    error::{AppError, AppResult},
};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use url::Url;

/// A fresh id for a local activity or object: `https://domain/<kind>/<uuid>`.
pub fn new_id(base: &Url, kind: &str) -> Url {
    base.join(&format!("/{kind}/{}", uuid::Uuid::new_v4()))
        .expect("valid path")
}

/// Records `activity` as emitted by `actor` and schedules its delivery to each inbox (duplicates
/// and our own inboxes are skipped; shared inboxes should already be preferred by the caller).
/// Must run inside the transaction that makes the change the activity announces.
pub fn enqueue(
    conn: &mut DbConn,
    local_domain: &str,
    actor: &DbActor,
    activity: &impl Serialize,
    inboxes: impl IntoIterator<Item = String>,
) -> AppResult<i64> {
    let json = serde_json::to_value(activity)?;
    let ap_id = json["id"]
        .as_str()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("activity without id")))?
        .to_string();
    let kind = json["type"].as_str().unwrap_or("").to_string();
    let public = is_public(&json);
    let now = now();
    let activity_id: i64 = diesel::insert_into(activities::table)
        .values((
            activities::ap_id.eq(&ap_id),
            activities::actor_id.eq(actor.id),
            activities::kind.eq(&kind),
            activities::public.eq(public),
            activities::json.eq(json.to_string()),
            activities::created_at.eq(now),
        ))
        .returning(activities::id)
        .get_result(conn)?;

    let targets: BTreeSet<String> = inboxes.into_iter().collect();
    for inbox in targets {
        let Ok(url) = Url::parse(&inbox) else {
            continue;
        };
        let Some(host) = host_of(&url) else { continue };
        if host == local_domain {
            continue;
        }
        let instance_id = instance_id(conn, &host)?;
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::activity_id.eq(activity_id),
                deliveries::instance_id.eq(instance_id),
                deliveries::inbox_url.eq(&inbox),
                deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(activity_id)
}

/// The `instances` row of a host, created on first contact. Safe when several transactions
/// meet a new host at once (PostgreSQL): the insert skips an existing row instead of failing.
pub fn instance_id(conn: &mut DbConn, host: &str) -> AppResult<i64> {
    let find = |conn: &mut DbConn| {
        instances::table
            .filter(instances::host.eq(host))
            .select(instances::id)
            .get_result::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(id);
    }
    let now = now();
    let row = (
        instances::host.eq(host),
        instances::created_at.eq(now),
        instances::next_attempt_at.eq(now),
    );
    // ON CONFLICT is backend-specific in diesel, hence the same statement in both arms
    match conn {
        DbConn::Pg(c) => diesel::insert_into(instances::table)
            .values(row)
            .on_conflict(instances::host)
            .do_nothing()
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::insert_into(instances::table)
            .values(row)
            .on_conflict(instances::host)
            .do_nothing()
            .execute(c)?,
    };
    find(conn)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("instance row for {host} vanished")))
}

fn is_public(json: &serde_json::Value) -> bool {
    ["to", "cc"].iter().any(|field| match &json[*field] {
        serde_json::Value::String(s) => super::is_public_address(s),
        serde_json::Value::Array(a) => a
            .iter()
            .any(|v| v.as_str().is_some_and(super::is_public_address)),
        _ => false,
    })
}
