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
use std::collections::{BTreeSet, HashMap};
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

    // (host, inbox) of every remote target, once each
    let targets: BTreeSet<(String, String)> = inboxes
        .into_iter()
        .filter_map(|inbox| {
            let host = host_of(&Url::parse(&inbox).ok()?)?;
            (host != local_domain).then_some((host, inbox))
        })
        .collect();
    let hosts: Vec<String> = targets.iter().map(|(h, _)| h.clone()).collect();
    let ids = instance_ids(conn, &hosts)?;
    let rows: Vec<_> = targets
        .iter()
        .filter_map(|(host, inbox)| {
            Some((
                deliveries::activity_id.eq(activity_id),
                deliveries::instance_id.eq(*ids.get(host)?),
                deliveries::inbox_url.eq(inbox.as_str()),
                deliveries::created_at.eq(now),
            ))
        })
        .collect();
    // one statement per chunk: a post to a thousand servers is a few round trips, not thousands
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::native!(conn, |c| diesel::insert_into(deliveries::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(activity_id)
}

/// Rows per multi-row insert (4 parameters each, far below SQLite's limit of 32,766).
const INSERT_CHUNK: usize = 500;

/// The `instances` ids of many hosts, creating the missing rows (safe when several transactions
/// meet the same new host at once: the insert skips existing rows instead of failing).
pub fn instance_ids(conn: &mut DbConn, hosts: &[String]) -> AppResult<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    let lookup = |conn: &mut DbConn, hosts: &[String], ids: &mut HashMap<String, i64>| {
        for chunk in hosts.chunks(INSERT_CHUNK) {
            let found: Vec<(i64, String)> = crate::native!(conn, |c| instances::table
                .filter(instances::host.eq_any(chunk))
                .select((instances::id, instances::host))
                .load(c))?;
            ids.extend(found.into_iter().map(|(id, host)| (host, id)));
        }
        Ok::<_, AppError>(())
    };
    lookup(conn, hosts, &mut ids)?;
    let missing: Vec<String> = hosts
        .iter()
        .filter(|h| !ids.contains_key(*h))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    let now = now();
    for chunk in missing.chunks(INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|h| {
                (
                    instances::host.eq(h.as_str()),
                    instances::created_at.eq(now),
                    instances::next_attempt_at.eq(now),
                )
            })
            .collect();
        // ON CONFLICT is backend-specific in diesel, hence the native connection
        crate::native!(conn, |c| diesel::insert_into(instances::table)
            .values(&rows)
            .on_conflict(instances::host)
            .do_nothing()
            .execute(c))?;
    }
    lookup(conn, &missing, &mut ids)?;
    Ok(ids)
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
