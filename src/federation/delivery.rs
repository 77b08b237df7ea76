//! The delivery worker: sends what the outbox recorded.
//!
//! - Each receiving server's queue is owned by one worker at a time through a lease on its
//!   `instances` row (several nodes may run workers on PostgreSQL); the owner sends that
//!   server's deliveries oldest first, so order is kept per server, while different servers are
//!   served in parallel (`federation.delivery_concurrency`).
//! - A failed attempt (network error, 5xx, 408, 429) stops the queue of that server and retries
//!   it after a delay that doubles up to `federation.retry_max`. A server failing for
//!   `federation.unreachable_after` is marked unreachable; it keeps its queue, is still tried at
//!   the capped delay, and is resumed as soon as it answers or sends us an activity.
//! - A refusal (other 4xx) drops that one activity: resending the same bytes cannot succeed.
//! - A delivery row is deleted only after the server accepted it (the rows of a batch of up to
//!   32 together, after the batch), so a crash at any moment leads at worst to resending that
//!   batch, which receivers dedupe by activity id.

use super::signer::{DeliverySignError, ToSign};
use crate::{
    db::{
        Backend, DbConn, now,
        schema::{activities, actors, deliveries, instances},
    },
    error::AppResult,
    state::AppState,
};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::{prelude::*, sql_types};
use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};
use tokio::task::JoinSet;
use url::Url;

/// A server's queue, claimed by this node.
#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Text)]
    host: String,
}

/// How long a claim lasts without renewal: a node that died releases its servers after this.
fn lease_length(state: &AppState) -> Duration {
    state.config.federation.request_timeout * 3
}

/// The servers this node is sending to, one task each.
#[derive(Default)]
struct Tasks {
    running: JoinSet<()>,
    /// Server of each running task.
    server_of: HashMap<tokio::task::Id, i64>,
    owned: HashSet<i64>,
    /// Servers claimed again while their task was ending (it released the server, then
    /// deliveries came): served anew as soon as that task has ended. Without this, the claim
    /// (a lease held by this node) would go unserved until it expires.
    again: HashMap<i64, String>,
}

impl Tasks {
    /// Starts serving a claimed server with `serve` (`serve_instance`, or a stand-in in tests),
    /// or, if its previous task is still ending, once that task has ended.
    fn start<F>(&mut self, id: i64, host: String, serve: &impl Fn(i64, String) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if !self.owned.insert(id) {
            self.again.insert(id, host);
            return;
        }
        let handle = self.running.spawn(serve(id, host));
        self.server_of.insert(handle.id(), id);
    }

    fn ended<F>(
        &mut self,
        done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
        serve: &impl Fn(i64, String) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = match done {
            Ok((task, ())) => task,
            Err(e) => e.id(),
        };
        if let Some(id) = self.server_of.remove(&task) {
            self.owned.remove(&id);
            if let Some(host) = self.again.remove(&id) {
                self.start(id, host, serve);
            }
        }
    }
}

/// Runs the worker until the process stops.
pub async fn run(state: AppState) {
    release_own_leases(&state).await;
    let mut tasks = Tasks::default();
    let serve = |id, host| serve_instance(state.clone(), id, host);
    let mut last_cleanup = std::time::Instant::now() - Duration::from_secs(3600);
    let concurrency = state.config.federation.delivery_concurrency;
    // each claim is a transaction: slots freed one by one are refilled together
    let refill = (concurrency / 8).max(1);
    let mut woken = true;
    loop {
        if last_cleanup.elapsed() > Duration::from_secs(60) {
            last_cleanup = std::time::Instant::now();
            if let Err(e) = cleanup(&state).await {
                tracing::warn!("delivery cleanup failed: {e}");
            }
            state.limits.forget_idle();
        }
        let free = concurrency.saturating_sub(tasks.running.len());
        let mut next_due = state.config.federation.delivery_poll_interval;
        if free > 0 && (woken || free >= refill || tasks.running.is_empty()) {
            match claim(&state, free as i64).await {
                Ok((claimed, due)) => {
                    if let Some(due) = due {
                        next_due = next_due.min(due);
                    }
                    for c in claimed {
                        tasks.start(c.id, c.host, &serve);
                    }
                }
                Err(e) => tracing::warn!("cannot claim deliveries: {e}"),
            }
        }
        woken = false;
        tokio::select! {
            _ = state.delivery_wakeup.notified() => woken = true,
            _ = tokio::time::sleep(next_due) => woken = true,
            Some(done) = tasks.running.join_next_with_id() => tasks.ended(done, &serve),
        }
        // collect every other finished task before claiming again
        while let Some(done) = tasks.running.try_join_next_with_id() {
            tasks.ended(done, &serve);
        }
    }
}

/// Our node id is stable across restarts (host name and port), so leases left by a killed
/// process of this node are taken back at once instead of after they expire.
async fn release_own_leases(state: &AppState) {
    let me = state.node_id.clone();
    let _ = state
        .db
        .write(move |conn| {
            diesel::update(instances::table.filter(instances::lease_owner.eq(&me)))
                .set((
                    instances::lease_owner.eq(None::<String>),
                    instances::lease_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await;
}

/// Claims up to `limit` servers that have due deliveries and no live owner. Also returns when
/// the next server in backoff becomes due, so the worker sleeps exactly that long.
async fn claim(state: &AppState, limit: i64) -> AppResult<(Vec<Claimed>, Option<Duration>)> {
    let me = state.node_id.clone();
    let until = now() + TimeDelta::from_std(lease_length(state)).unwrap_or(TimeDelta::seconds(30));
    let backend = state.db.backend();
    state
        .db
        .write(move |conn| {
            let now = now();
            // On PostgreSQL, SKIP LOCKED lets nodes claim different servers without waiting
            // on each other; the lease check keeps a server with one owner in every case.
            let sql = match backend {
                Backend::Postgres => {
                    "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE id IN (\
                     SELECT i.id FROM instances i WHERE i.next_attempt_at <= $3 \
                     AND (i.lease_until IS NULL OR i.lease_until < $3) \
                     AND EXISTS (SELECT 1 FROM deliveries d WHERE d.instance_id = i.id) \
                     ORDER BY i.next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, host"
                }
                Backend::Sqlite => {
                    "UPDATE instances SET lease_owner = ?, lease_until = ? WHERE id IN (\
                     SELECT i.id FROM instances i WHERE i.next_attempt_at <= ?3 \
                     AND (i.lease_until IS NULL OR i.lease_until < ?3) \
                     AND EXISTS (SELECT 1 FROM deliveries d WHERE d.instance_id = i.id) \
                     ORDER BY i.next_attempt_at LIMIT ?4) RETURNING id, host"
                }
            };
            let claimed: Vec<Claimed> = diesel::sql_query(sql)
                .bind::<sql_types::Text, _>(&me)
                .bind::<sql_types::Timestamp, _>(until)
                .bind::<sql_types::Timestamp, _>(now)
                .bind::<sql_types::BigInt, _>(limit)
                .load(conn)?;
            // all due servers are taken: when is the next one in backoff due?
            let due = if (claimed.len() as i64) < limit {
                let next: Option<NaiveDateTime> = instances::table
                    .filter(instances::next_attempt_at.gt(now))
                    .filter(diesel::dsl::exists(
                        deliveries::table.filter(deliveries::instance_id.eq(instances::id)),
                    ))
                    .select(diesel::dsl::min(instances::next_attempt_at))
                    .get_result(conn)?;
                next.map(|n| (n - now).to_std().unwrap_or_default() + Duration::from_millis(5))
            } else {
                None
            };
            Ok((claimed, due))
        })
        .await
}

/// One delivery, with what is needed to sign and send it.
struct Pending {
    id: i64,
    inbox: String,
    json: String,
    actor_id: i64,
    actor_ap_id: String,
    private_key_pem: Option<String>,
}

/// Deliveries read at once for one server.
const BATCH: usize = 32;

fn next_batch(conn: &mut DbConn, instance_id: i64) -> AppResult<Vec<Pending>> {
    let rows: Vec<(i64, String, String, i64, String, Option<String>)> = deliveries::table
        .inner_join(activities::table.inner_join(actors::table))
        .filter(deliveries::instance_id.eq(instance_id))
        .order(deliveries::id.asc())
        .limit(BATCH as i64)
        .select((
            deliveries::id,
            deliveries::inbox_url,
            activities::json,
            actors::id,
            actors::ap_id,
            actors::private_key_pem,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, inbox, json, actor_id, actor_ap_id, private_key_pem)| Pending {
                id,
                inbox,
                json,
                actor_id,
                actor_ap_id,
                private_key_pem,
            },
        )
        .collect())
}

enum Outcome {
    Delivered,
    Refused(String),
    Failed(String),
}

/// Sends one server's queue in order until it is empty or an attempt fails.
async fn serve_instance(state: AppState, instance_id: i64, host: String) {
    // the claim was just made; renew it when a third of it has passed
    let mut renewed = std::time::Instant::now();
    let renew_every = lease_length(&state) / 3;
    let mut delivered_any = false;
    if drop_if_refused(&state, instance_id, &host).await {
        return;
    }
    loop {
        let batch = match state.db.read(move |c| next_batch(c, instance_id)).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!("delivery to {host}: cannot read queue: {e}");
                return;
            }
        };
        if batch.is_empty() {
            let _ = release(&state, instance_id).await;
            return;
        }
        // after a short batch the queue is most likely empty: the batch's bookkeeping also
        // releases the server (and the worker is woken in case a new delivery arrived
        // meanwhile), saving two round trips per server in a fan-out
        let short = batch.len() < BATCH;
        let mut delivered: Vec<i64> = Vec::with_capacity(batch.len());
        let mut failed = None;
        let mut stop = false;
        for pending in batch {
            if renewed.elapsed() > renew_every {
                if !renew_lease(&state, instance_id).await {
                    stop = true; // another node took over after our lease expired
                    break;
                }
                renewed = std::time::Instant::now();
            }
            match send(&state, &pending).await {
                Outcome::Delivered => {
                    state.metrics.delivery_sent(&host);
                    delivered.push(pending.id);
                }
                Outcome::Refused(reason) => {
                    tracing::info!("delivery to {} refused, dropped: {reason}", pending.inbox);
                    state.metrics.delivery_failed(&host, "refused");
                    if let Err(e) = record_refusal(&state, instance_id, pending.id, reason).await {
                        tracing::warn!("delivery to {host}: cannot record outcome: {e}");
                        stop = true;
                        break;
                    }
                }
                Outcome::Failed(reason) => {
                    tracing::info!("delivery to {} failed, will retry: {reason}", pending.inbox);
                    state.metrics.delivery_failed(&host, "retry");
                    failed = Some((pending.id, reason));
                    break;
                }
            }
        }
        // what the server accepted leaves the queue in one write per batch
        let first = !delivered_any && !delivered.is_empty();
        delivered_any |= !delivered.is_empty();
        let release_now = short && !stop && failed.is_none();
        if (!delivered.is_empty() || release_now)
            && let Err(e) =
                delete_deliveries(&state, delivered, instance_id, first, release_now).await
        {
            tracing::warn!("delivery to {host}: cannot record outcome: {e}");
            return;
        }
        if let Some((id, reason)) = failed {
            let _ = record_failure(&state, instance_id, id, reason).await;
            return;
        }
        if stop {
            return;
        }
        if release_now {
            wake(&state);
            return;
        }
    }
}

async fn send(state: &AppState, p: &Pending) -> Outcome {
    let Some(pem) = &p.private_key_pem else {
        return Outcome::Refused("the sending actor has no private key".into());
    };
    let Ok(url) = Url::parse(&p.inbox) else {
        return Outcome::Refused("invalid inbox URL".into());
    };
    if let Err(e) = super::check_url_allowed(&url, state.url_policy()) {
        return Outcome::Refused(e.to_string());
    }
    let signed = state
        .signer
        .sign_delivery(ToSign {
            actor_id: p.actor_id,
            actor_ap_id: p.actor_ap_id.clone(),
            private_key_pem: pem.clone(),
            inbox: url.clone(),
            body: p.json.clone().into_bytes(),
        })
        .await;
    let (headers, body) = match signed {
        Ok(signed) => signed,
        Err(e @ DeliverySignError::Sign(_)) => return Outcome::Refused(e.to_string()),
        Err(e @ DeliverySignError::Stopped) => return Outcome::Failed(e.to_string()),
    };
    match state
        .http
        .post(url)
        .headers(headers)
        .body(body)
        .send()
        .await
    {
        Ok(resp) => {
            let status = resp.status();
            if status.is_success() {
                Outcome::Delivered
            } else if status.is_client_error()
                && status != http::StatusCode::REQUEST_TIMEOUT
                && status != http::StatusCode::TOO_MANY_REQUESTS
            {
                let text: String = resp
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect();
                Outcome::Refused(format!("{status}: {text}"))
            } else {
                Outcome::Failed(format!("HTTP {status}"))
            }
        }
        Err(e) => Outcome::Failed(error_chain(&e)),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

async fn renew_lease(state: &AppState, instance_id: i64) -> bool {
    let me = state.node_id.clone();
    let until = now() + TimeDelta::from_std(lease_length(state)).unwrap_or(TimeDelta::seconds(30));
    state
        .db
        .write(move |conn| {
            Ok(diesel::update(
                instances::table
                    .find(instance_id)
                    .filter(instances::lease_owner.eq(&me)),
            )
            .set(instances::lease_until.eq(until))
            .execute(conn)?)
        })
        .await
        .map(|n| n == 1)
        .unwrap_or(false)
}

/// Delivered activities leave the queue (one statement for a batch); the first success of a
/// run also clears the server's failure state (so a later failure in the same run starts a
/// fresh backoff); `release` also gives the server back.
async fn delete_deliveries(
    state: &AppState,
    delivered: Vec<i64>,
    instance_id: i64,
    first_success: bool,
    release: bool,
) -> AppResult<()> {
    let me = state.node_id.clone();
    state
        .db
        .write(move |conn| {
            if !delivered.is_empty() {
                diesel::delete(deliveries::table.filter(deliveries::id.eq_any(&delivered)))
                    .execute(conn)?;
            }
            match (first_success, release) {
                // the common case of a fan-out, in one statement
                (true, true) => {
                    let now = now();
                    diesel::update(
                        instances::table
                            .find(instance_id)
                            .filter(instances::lease_owner.eq(&me)),
                    )
                    .set((
                        instances::failures.eq(0),
                        instances::failing_since.eq(None::<NaiveDateTime>),
                        instances::unreachable.eq(false),
                        instances::next_attempt_at.eq(now),
                        instances::last_success_at.eq(now),
                        instances::lease_owner.eq(None::<String>),
                        instances::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                }
                (true, false) => mark_reachable(conn, instance_id)?,
                (false, true) => release_lease(conn, instance_id, &me)?,
                (false, false) => {}
            }
            Ok(())
        })
        .await
}

fn release_lease(conn: &mut DbConn, instance_id: i64, me: &str) -> AppResult<()> {
    diesel::update(
        instances::table
            .find(instance_id)
            .filter(instances::lease_owner.eq(me)),
    )
    .set((
        instances::lease_owner.eq(None::<String>),
        instances::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// The queue is empty: another node (or a later wake-up) may take the server.
async fn release(state: &AppState, instance_id: i64) -> AppResult<()> {
    let me = state.node_id.clone();
    state
        .db
        .write(move |conn| release_lease(conn, instance_id, &me))
        .await
}

/// Clears a server's failure state; called after a delivery succeeded or an activity arrived.
pub fn mark_reachable(conn: &mut DbConn, instance_id: i64) -> AppResult<()> {
    let now = now();
    diesel::update(instances::table.find(instance_id))
        .set((
            instances::failures.eq(0),
            instances::failing_since.eq(None::<NaiveDateTime>),
            instances::unreachable.eq(false),
            instances::next_attempt_at.eq(now),
            instances::last_success_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

async fn record_refusal(
    state: &AppState,
    instance_id: i64,
    delivery_id: i64,
    reason: String,
) -> AppResult<()> {
    state
        .db
        .write(move |conn| {
            diesel::delete(deliveries::table.find(delivery_id)).execute(conn)?;
            // the server answered: it is reachable, even if it refused this activity
            mark_reachable(conn, instance_id)?;
            diesel::update(instances::table.find(instance_id))
                .set((
                    instances::last_error.eq(Some(reason)),
                    instances::last_error_at.eq(Some(now())),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
}

/// A server the peering rules refuse (blocked, or not listed in allowlist mode) gets nothing:
/// its queue is dropped, with the reason kept as its last error. True if it was refused.
///
/// One exception: in allowlist mode, the instance actor's `Undo` and `Reject` (a partnership
/// ended or declined) still go to a server that is not allowed (any more), so that it learns
/// it; a blocked server gets nothing at all.
async fn drop_if_refused(state: &AppState, instance_id: i64, host: &str) -> bool {
    // the common case, an allowed server, costs one read (no write transaction)
    match crate::peering::check(state, host).await {
        Ok(()) => return false,
        Err(crate::error::AppError::Forbidden(_)) => {}
        Err(e) => {
            // the rules could not be read: keep the queue, try again later
            tracing::warn!("cannot check the peering rules before delivering: {e}");
            let _ = release(state, instance_id).await;
            return true;
        }
    }
    let mode = state.config.federation.mode;
    let (label, host) = (host, host.to_ascii_lowercase());
    let me = state.node_id.clone();
    let instance_actor = state.instance_actor.id;
    let result = state
        .db
        .write(move |conn| {
            // checked again in the transaction: a rule may have changed meanwhile; only a
            // refusal drops anything, a database error keeps the queue
            let refusal = match crate::peering::check_conn(conn, mode, &host) {
                Ok(()) => return Ok(None),
                Err(crate::error::AppError::Forbidden(r)) => r,
                Err(e) => return Err(e),
            };
            let blocked = crate::peering::rule_for(conn, &host)?
                .is_some_and(|r| r.policy == crate::peering::Policy::Block.as_str());
            let goodbyes = activities::table
                .filter(activities::actor_id.eq(instance_actor))
                .filter(activities::kind.eq_any(["Undo", "Reject"]))
                .select(activities::id);
            let dropped = if blocked {
                diesel::delete(deliveries::table.filter(deliveries::instance_id.eq(instance_id)))
                    .execute(conn)?
            } else {
                diesel::delete(
                    deliveries::table
                        .filter(deliveries::instance_id.eq(instance_id))
                        .filter(deliveries::activity_id.ne_all(goodbyes)),
                )
                .execute(conn)?
            };
            let left: i64 = deliveries::table
                .filter(deliveries::instance_id.eq(instance_id))
                .count()
                .get_result(conn)?;
            if left > 0 {
                return Ok(None);
            }
            let reason = format!("not delivered: {refusal}");
            diesel::update(instances::table.find(instance_id))
                .set((
                    instances::last_error.eq(Some(&reason)),
                    instances::last_error_at.eq(Some(now())),
                ))
                .execute(conn)?;
            release_lease(conn, instance_id, &me)?;
            Ok(Some((dropped, reason)))
        })
        .await;
    match result {
        Ok(None) => false,
        Ok(Some((dropped, reason))) => {
            tracing::info!("{dropped} deliveries dropped, {reason}");
            state.metrics.delivery_failed(label, "refused");
            true
        }
        Err(e) => {
            tracing::warn!("cannot check the peering rules before delivering: {e}");
            let _ = release(state, instance_id).await;
            true
        }
    }
}

/// Delay before the `failures`-th retry: `initial × 2^(failures-1)`, capped at `max`.
pub fn backoff(initial: Duration, max: Duration, failures: i32) -> Duration {
    let exp = failures.clamp(1, 31) as u32 - 1;
    initial
        .checked_mul(1u32 << exp.min(20))
        .unwrap_or(max)
        .min(max)
}

async fn record_failure(
    state: &AppState,
    instance_id: i64,
    delivery_id: i64,
    reason: String,
) -> AppResult<()> {
    let fed = state.config.federation.clone();
    let me = state.node_id.clone();
    state
        .db
        .write(move |conn| {
            let now = now();
            let (failures, failing_since): (i32, Option<NaiveDateTime>) = instances::table
                .find(instance_id)
                .select((instances::failures, instances::failing_since))
                .get_result(conn)?;
            let failures = failures + 1;
            let since = failing_since.unwrap_or(now);
            let unreachable = (now - since).to_std().unwrap_or_default() >= fed.unreachable_after;
            let delay = backoff(fed.retry_initial, fed.retry_max, failures);
            diesel::update(deliveries::table.find(delivery_id))
                .set(deliveries::attempts.eq(deliveries::attempts + 1))
                .execute(conn)?;
            diesel::update(
                instances::table
                    .find(instance_id)
                    .filter(instances::lease_owner.eq(&me)),
            )
            .set((
                instances::failures.eq(failures),
                instances::failing_since.eq(Some(since)),
                instances::unreachable.eq(unreachable),
                instances::next_attempt_at
                    .eq(now + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1))),
                instances::last_error.eq(Some(reason)),
                instances::last_error_at.eq(Some(now)),
                instances::lease_owner.eq(None::<String>),
                instances::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
            Ok(())
        })
        .await
}

/// Drops deliveries older than `federation.delivery_expiry` (if set), sent activities older
/// than 30 days with nothing left to deliver, and received activity ids old enough that no
/// sender still retries them.
async fn cleanup(state: &AppState) -> AppResult<()> {
    let expiry = state.config.federation.delivery_expiry;
    state
        .db
        .write(move |conn| {
            let now = now();
            if !expiry.is_zero() {
                let limit = now - TimeDelta::from_std(expiry).unwrap_or(TimeDelta::days(30));
                let n = diesel::delete(deliveries::table.filter(deliveries::created_at.lt(limit)))
                    .execute(conn)?;
                if n > 0 {
                    tracing::warn!("dropped {n} deliveries older than the configured expiry");
                }
            }
            crate::federation::inbox::forget_old_received(conn, now - TimeDelta::days(30))?;
            // sent activities are kept a while for inspection, then dropped once delivered
            diesel::delete(
                activities::table
                    .filter(activities::created_at.lt(now - TimeDelta::days(30)))
                    .filter(diesel::dsl::not(diesel::dsl::exists(
                        deliveries::table.filter(deliveries::activity_id.eq(activities::id)),
                    ))),
            )
            .execute(conn)?;
            Ok(())
        })
        .await
}

/// Queue state of one receiving server, for `passerelle admin deliveries` and `/metrics`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstanceQueue {
    pub host: String,
    pub pending: i64,
    pub oldest_pending: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub last_error_at: Option<NaiveDateTime>,
    pub failures: i32,
    pub unreachable: bool,
    pub next_attempt_at: NaiveDateTime,
}

/// host, last error, last error time, last success, failures, unreachable, next attempt, id
type InstanceRow = (
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    i32,
    bool,
    NaiveDateTime,
    i64,
);

/// Every known server with its queue, busiest first.
pub fn queue_state(conn: &mut DbConn) -> AppResult<Vec<InstanceQueue>> {
    let rows: Vec<InstanceRow> = instances::table
        .select((
            instances::host,
            instances::last_error,
            instances::last_error_at,
            instances::last_success_at,
            instances::failures,
            instances::unreachable,
            instances::next_attempt_at,
            instances::id,
        ))
        .load(conn)?;
    let pending: Vec<(i64, i64, Option<NaiveDateTime>)> = deliveries::table
        .group_by(deliveries::instance_id)
        .select((
            deliveries::instance_id,
            diesel::dsl::count_star(),
            diesel::dsl::min(deliveries::created_at),
        ))
        .load(conn)?;
    let pending: HashMap<i64, (i64, Option<NaiveDateTime>)> =
        pending.into_iter().map(|(i, n, o)| (i, (n, o))).collect();
    let mut out: Vec<InstanceQueue> = rows
        .into_iter()
        .map(
            |(
                host,
                last_error,
                last_error_at,
                last_success_at,
                failures,
                unreachable,
                next,
                id,
            )| {
                let (pending, oldest_pending) = pending.get(&id).cloned().unwrap_or((0, None));
                InstanceQueue {
                    host,
                    pending,
                    oldest_pending,
                    last_success_at,
                    last_error,
                    last_error_at,
                    failures,
                    unreachable,
                    next_attempt_at: next,
                }
            },
        )
        .collect();
    out.sort_by(|a, b| b.pending.cmp(&a.pending).then(a.host.cmp(&b.host)));
    Ok(out)
}

/// Wakes this node's worker after a commit that queued deliveries.
pub fn wake(state: &AppState) {
    state.delivery_wakeup.notify_one();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let i = Duration::from_secs(30);
        let m = Duration::from_secs(3600);
        assert_eq!(backoff(i, m, 1), Duration::from_secs(30));
        assert_eq!(backoff(i, m, 2), Duration::from_secs(60));
        assert_eq!(backoff(i, m, 5), Duration::from_secs(480));
        assert_eq!(backoff(i, m, 8), Duration::from_secs(3600));
        assert_eq!(backoff(i, m, 1000), Duration::from_secs(3600));
    }

    /// A server claimed again while its task is ending (it released the server, then new
    /// deliveries came) is served again once that task has ended, not left to its lease.
    #[tokio::test]
    async fn a_server_claimed_while_its_task_ends_is_served_again() {
        use std::sync::{Arc, Mutex};
        let started: Arc<Mutex<Vec<(i64, String)>>> = Default::default();
        let gate = Arc::new(tokio::sync::Notify::new());
        let serve = {
            let (started, gate) = (started.clone(), gate.clone());
            move |id, host: String| {
                started.lock().unwrap().push((id, host.clone()));
                let gate = gate.clone();
                async move { gate.notified().await }
            }
        };
        let mut tasks = Tasks::default();
        tasks.start(1, "a.example".into(), &serve);
        // claimed again before the first task has ended: not started twice
        tasks.start(1, "a.example".into(), &serve);
        assert_eq!(started.lock().unwrap().len(), 1);
        assert_eq!(tasks.running.len(), 1);
        gate.notify_one();
        let done = tasks.running.join_next_with_id().await.unwrap();
        tasks.ended(done, &serve);
        // served again at once: this node holds the lease of the second claim
        assert_eq!(tasks.running.len(), 1);
        assert_eq!(
            *started.lock().unwrap(),
            [(1, "a.example".to_string()), (1, "a.example".to_string())]
        );
        gate.notify_one();
        let done = tasks.running.join_next_with_id().await.unwrap();
        tasks.ended(done, &serve);
        assert!(tasks.running.is_empty() && tasks.owned.is_empty() && tasks.again.is_empty());
    }
}
