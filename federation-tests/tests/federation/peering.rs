//! Peering rules between real instances: allowlist mode, blocked servers, and what crosses
//! the wire (or does not) because of them.

use crate::{both_backends, instance};
use federation_tests::{Backend, Instance, Member, eventually};
use passerelle::federation::signatures::{SigningKey, generate_keys, sign_post};
use serde_json::{Value, json};
use std::time::Duration;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The signing key of a local actor of `inst`, read from its database.
pub(crate) fn private_key(inst: &Instance, actor: &str) -> SigningKey {
    use diesel::prelude::*;
    use passerelle::db::schema::actors;
    let db = inst.database().unwrap();
    let id = actor.to_string();
    let pem: Option<String> = db
        .read_blocking(move |c| {
            Ok(actors::table
                .filter(actors::ap_id.eq(&id))
                .select(actors::private_key_pem)
                .get_result(c)?)
        })
        .unwrap();
    SigningKey::from_pem(actor, &pem.unwrap()).unwrap()
}

/// How many actors of server `domain` the instance has stored.
fn actors_from(inst: &Instance, domain: &str) -> i64 {
    use diesel::prelude::*;
    use passerelle::db::schema::actors;
    let db = inst.database().unwrap();
    let domain = domain.to_string();
    db.read_blocking(move |c| {
        Ok(actors::table
            .filter(actors::domain.eq(&domain))
            .count()
            .get_result(c)?)
    })
    .unwrap()
}

/// Deliveries still queued on `inst` for server `host`.
pub(crate) fn pending_deliveries_to(inst: &Instance, host: &str) -> i64 {
    use diesel::prelude::*;
    use passerelle::db::schema::{deliveries, instances};
    let db = inst.database().unwrap();
    let host = host.to_string();
    db.read_blocking(move |c| {
        Ok(deliveries::table
            .inner_join(instances::table)
            .filter(instances::host.eq(&host))
            .count()
            .get_result(c)?)
    })
    .unwrap()
}

/// POSTs `activity` to `to`'s shared inbox, signed by `from`'s actor `actor` as its server
/// would; returns the status and the error message.
async fn deliver_as(from: &Instance, actor: &str, to: &Instance, activity: Value) -> (u16, String) {
    let key = private_key(from, actor);
    let inbox = url::Url::parse(&to.url("/inbox")).unwrap();
    let body = activity.to_string().into_bytes();
    let headers = sign_post(&key, &inbox, &body).unwrap();
    let r = reqwest::Client::new()
        .post(inbox)
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    (
        status,
        v["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn follow(from: &Instance, actor: &str, object: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": from.url(&format!("/activities/{}", uuid_like())),
        "type": "Follow",
        "actor": actor,
        "object": object,
    })
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

async fn set_rule(admin: &Member, host: &str, policy: &str, reason: &str) {
    let (s, v) = admin
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/instances/{host}"),
            json!({"policy": policy, "reason": reason}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
}

/// An instance in allowlist mode federates with the server it allowed and refuses the other
/// both ways: its activities are answered 403 with a reason and nothing is stored, and nothing
/// is delivered to it.
async fn allowlist_mode(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let mut a = a;
    let alice = a.admin("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carol = c.member("carol").await.unwrap();
    // while A is open, both follow alice
    bob.follow_accepted(&alice.handle).await.unwrap();
    carol.follow_accepted(&alice.handle).await.unwrap();
    set_rule(&alice, &b.domain(), "allow", "partner network").await;

    a.restart_with(env(&[("PASSERELLE_FEDERATION__MODE", "allowlist")]))
        .await
        .unwrap();
    alice
        .write("Offre de stage en alternance", "public")
        .await
        .unwrap();
    eventually(15, "the allowed server receives the post", || async {
        (bob.home().await.ok()?.len() == 1).then_some(())
    })
    .await;
    // the unlisted server got nothing, and nothing stays queued for it
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(carol.home().await.unwrap().is_empty());
    assert_eq!(pending_deliveries_to(&a, &c.domain()), 0);

    // an activity from the unlisted server: 403 with a reason, and its actor is not stored
    c.member("dave").await.unwrap();
    let known = actors_from(&a, &c.domain());
    let dave_actor = c.url("/users/dave");
    let (status, message) = deliver_as(
        &c,
        &dave_actor,
        &a,
        follow(&c, &dave_actor, &a.url("/users/alice")),
    )
    .await;
    assert_eq!(status, 403, "{message}");
    assert!(message.contains("allowlist"), "{message}");
    assert!(message.contains(&c.domain()), "{message}");
    assert_eq!(
        actors_from(&a, &c.domain()),
        known,
        "dave was not fetched nor stored"
    );

    // and A does not fetch from it either
    let (s, v) = alice
        .get(&format!(
            "/api/v1/accounts/lookup?handle=dave@{}",
            c.domain()
        ))
        .await
        .unwrap();
    assert_eq!(s, 403, "{v}");
    assert_eq!(actors_from(&a, &c.domain()), known);

    // the allowed server still speaks: bob's new follower request is accepted
    let (s, _) = bob
        .post(
            &format!(
                "/api/v1/accounts/{}/unfollow",
                bob.lookup(&alice.handle).await.unwrap()
            ),
            json!({}),
        )
        .await
        .unwrap();
    assert!((200..300).contains(&s), "unfollow: {s}");
    bob.follow_accepted(&alice.handle).await.unwrap();
}
both_backends!(allowlist_mode);

/// A blocked server (open mode) is refused with the administrators' reason, is not fetched,
/// and is not delivered to; the block is in the audit log and in the CSV export.
async fn blocked_instance(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.admin("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carol = c.member("carol").await.unwrap();
    bob.follow_accepted(&alice.handle).await.unwrap();
    carol.follow_accepted(&alice.handle).await.unwrap();

    set_rule(&alice, &c.domain(), "block", "harassment campaign").await;
    alice
        .write("Réunion des bénévoles", "public")
        .await
        .unwrap();
    eventually(15, "the other follower receives the post", || async {
        (bob.home().await.ok()?.len() == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        carol.home().await.unwrap().is_empty(),
        "nothing delivered to a blocked server"
    );

    let carol_actor = c.url("/users/carol");
    let (status, message) = deliver_as(
        &c,
        &carol_actor,
        &a,
        follow(&c, &carol_actor, &a.url("/users/alice")),
    )
    .await;
    assert_eq!(status, 403, "{message}");
    assert!(message.contains("harassment campaign"), "{message}");
    let (s, v) = alice
        .get(&format!(
            "/api/v1/accounts/lookup?handle=carol@{}",
            c.domain()
        ))
        .await
        .unwrap();
    assert_eq!(s, 403, "{v}");

    // recorded, exported, and only administrators may do this
    let (s, log) = alice.get("/api/v1/admin/audit").await.unwrap();
    assert_eq!(s, 200);
    assert_eq!(log[0]["action"], "instance.block");
    assert_eq!(log[0]["target"], c.domain());
    assert_eq!(log[0]["by"], "alice");
    let r = reqwest::Client::new()
        .get(a.url("/api/v1/admin/instances/export.csv"))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    assert!(
        csv.contains(&format!("{},suspend,harassment campaign", c.domain())),
        "{csv}"
    );
    let member = a.member("mallory").await.unwrap();
    let (s, _) = member.get("/api/v1/admin/instances").await.unwrap();
    assert_eq!(s, 403);

    // unblocking lets the server speak again
    let (s, _) = alice
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/admin/instances/{}", c.domain()),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (status, message) = deliver_as(
        &c,
        &carol_actor,
        &a,
        follow(&c, &carol_actor, &a.url("/users/alice")),
    )
    .await;
    assert_eq!(status, 202, "{message}");
}
both_backends!(blocked_instance);

/// Signs `activity` with `key` and POSTs it to `to`'s shared inbox; returns the status, the
/// message and how long the answer took.
async fn post_signed(key: &SigningKey, to: &Instance, activity: Value) -> (u16, String, Duration) {
    let inbox = url::Url::parse(&to.url("/inbox")).unwrap();
    let body = activity.to_string().into_bytes();
    let headers = sign_post(key, &inbox, &body).unwrap();
    let started = std::time::Instant::now();
    let r = reqwest::Client::new()
        .post(inbox)
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let message = v["message"].as_str().unwrap_or_default().to_string();
    (status, message, started.elapsed())
}

/// An activity from a made-up actor at `base` (which the inbox must fetch to check the key).
fn crafted(base: &str) -> (SigningKey, Value) {
    let actor = format!("{base}/users/mallory");
    let key = SigningKey::from_pem(&actor, &generate_keys().unwrap().private_key_pem).unwrap();
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{base}/activities/1"),
        "type": "Follow",
        "actor": actor,
        "object": "https://example.org/users/someone",
    });
    (key, activity)
}

/// A crafted actor on 127.0.0.1 or 10.0.0.1 does not make the server fetch it
/// (`federation.allow_private_addresses` is off by default; these test instances still
/// federate with each other through `localhost` names).
async fn private_addresses_are_not_fetched(backend: Backend) {
    let a = instance(backend, "a").await;
    // a listener standing for an internal service: it must never be contacted by A
    let internal = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = internal.local_addr().unwrap().port();
    let (key, activity) = crafted(&format!("http://127.0.0.1:{port}"));
    let (status, message, _) = post_signed(&key, &a, activity.clone()).await;
    assert_eq!(status, 401, "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(message.contains("private"), "{message}");
    let contacted = tokio::time::timeout(Duration::from_millis(300), internal.accept()).await;
    assert!(contacted.is_err(), "A connected to the internal address");

    let (key, activity) = crafted("https://10.0.0.1");
    let (status, message, took) = post_signed(&key, &a, activity).await;
    assert_eq!(status, 401, "{message}");
    assert!(message.contains("10.0.0.1"), "{message}");
    assert!(
        took < Duration::from_secs(1),
        "refused without trying: {took:?}"
    );

    // the same lookups by handle are refused with a clear message
    let alice = a.member("alice").await.unwrap();
    let (s, v) = alice
        .get(&format!(
            "/api/v1/accounts/lookup?handle=x@127.0.0.1:{port}"
        ))
        .await
        .unwrap();
    assert_eq!(s, 400, "{v}");
    assert!(v["message"].as_str().unwrap().contains("private"), "{v}");
    let (s, v) = alice
        .get("/api/v1/accounts/lookup?handle=x@10.0.0.1")
        .await
        .unwrap();
    assert_eq!(s, 400, "{v}");
}
both_backends!(private_addresses_are_not_fetched);

/// The `Retry-After` of a 429 answer, in seconds.
fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a 429 answer carries Retry-After in seconds")
}

/// Rate limits on sign-up (per address), sign-in and posting (per account) and the inbox (per
/// remote server) answer 429 with `Retry-After`.
async fn rate_limits(backend: Backend) {
    let (a, b) = tokio::join!(
        crate::instance_with(
            backend,
            "a",
            env(&[
                ("PASSERELLE_LIMITS__ENABLED", "true"),
                ("PASSERELLE_LIMITS__SIGNUP_PER_IP", "2/1h"),
                ("PASSERELLE_LIMITS__SIGNIN_PER_ACCOUNT", "4/1h"),
                ("PASSERELLE_LIMITS__POSTS_PER_ACCOUNT", "2/1h"),
                ("PASSERELLE_LIMITS__INBOX_PER_INSTANCE", "3/1h"),
            ]),
        ),
        instance(backend, "b")
    );
    let http = reqwest::Client::new();
    // sign-up: two from this address, then 429 (the harness's member() signs in once each)
    let alice = a.member("alice").await.unwrap();
    a.member("bruno").await.unwrap();
    let r = http
        .post(a.url("/api/v1/accounts"))
        .json(&json!({"username": "chloe", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(retry_after(&r) > 60, "{:?}", r.headers());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "rate_limited");
    assert!(v["message"].as_str().unwrap().contains("sign-ups"), "{v}");

    // sign-in attempts on one account: alice signed in once, three wrong guesses, then even the
    // right password waits
    for _ in 0..3 {
        let r = http
            .post(a.url("/api/v1/tokens"))
            .json(&json!({"username": "alice", "password": "wrong guess"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = http
        .post(a.url("/api/v1/tokens"))
        .json(&json!({"username": "alice", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(retry_after(&r) > 0);

    // posting
    alice.write("Un", "public").await.unwrap();
    alice.write("Deux", "public").await.unwrap();
    let (s, v) = alice
        .post(
            "/api/v1/posts",
            json!({"text": "Trois", "visibility": "public"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 429, "{v}");

    // the inbox, per remote server: B's activities beyond 3 wait
    b.member("bob").await.unwrap();
    let bob = b.url("/users/bob");
    let key = private_key(&b, &bob);
    let inbox = url::Url::parse(&a.url("/inbox")).unwrap();
    let mut statuses = vec![];
    for _ in 0..4 {
        let body = follow(&b, &bob, &a.url("/users/alice"))
            .to_string()
            .into_bytes();
        let headers = sign_post(&key, &inbox, &body).unwrap();
        let r = http
            .post(inbox.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(retry_after(&r) > 0);
        }
    }
    assert_eq!(statuses, [202, 202, 202, 429]);
}
both_backends!(rate_limits);

/// The JSON of the last activity of `kind` emitted by `inst`.
fn last_activity(inst: &Instance, kind: &str) -> Value {
    use diesel::prelude::*;
    use passerelle::db::schema::activities;
    let db = inst.database().unwrap();
    let kind = kind.to_string();
    let json: String = db
        .read_blocking(move |c| {
            Ok(activities::table
                .filter(activities::kind.eq(&kind))
                .order(activities::id.desc())
                .select(activities::json)
                .first(c)?)
        })
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

/// A member of B reports a post of A's member and forwards the report: it reaches A's
/// moderation queue from B's instance actor, without naming the reporter; A's moderator
/// removes the post (gone on B too) and the decision is in the audit log. A local report leads
/// to a suspension.
async fn reports_and_moderation(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.admin("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    bob.follow_accepted(&alice.handle).await.unwrap();
    let post = alice
        .write("Gagnez 10 000 € par jour", "public")
        .await
        .unwrap();
    let seen = eventually(15, "bob sees the post", || async {
        bob.home().await.ok()?.first().cloned()
    })
    .await;

    let (s, report) = bob
        .post(
            "/api/v1/reports",
            json!({
                "account_id": seen["author"]["id"],
                "post_id": seen["id"],
                "reason": "Arnaque",
                "forward": true,
            }),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{report}");
    assert_eq!(report["forwarded"], true);
    let flag = last_activity(&b, "Flag");
    assert_eq!(flag["actor"], b.url("/actor"), "sent by the instance actor");
    assert!(!flag.to_string().contains("bob"), "{flag}");
    // bad input is explained
    let (s, v) = bob
        .post(
            "/api/v1/reports",
            json!({"account_id": seen["author"]["id"], "reason": "  "}),
        )
        .await
        .unwrap();
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "reason");

    let queue = eventually(15, "the report reaches A's queue", || async {
        let (_, v) = alice.get("/api/v1/admin/reports").await.ok()?;
        v.as_array().filter(|a| !a.is_empty()).cloned()
    })
    .await;
    let received = &queue[0];
    assert_eq!(received["origin"], b.domain());
    assert_eq!(received["reporter"], Value::Null);
    assert_eq!(received["reason"], "Arnaque");
    assert_eq!(received["post_ap_id"], post["ap_id"]);
    assert_eq!(received["account"]["username"], "alice");
    assert!(!received.to_string().contains("bob"), "{received}");
    // A's moderators (alice is an administrator) are told about the received report
    let (_, notes) = alice.get("/api/v1/notifications").await.unwrap();
    let told = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "report")
        .unwrap_or_else(|| panic!("a report notification: {notes}"));
    assert_eq!(told["account"]["username"], "alice");
    assert!(
        !told.to_string().contains("bob"),
        "the reporter stays unknown: {told}"
    );

    let id = received["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/reports/{id}/resolve");
    let (s, v) = alice
        .post(&path, json!({"action": "remove_content", "note": "scam"}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["resolution"], "remove_content");
    let (s, _) = alice
        .get(&format!("/api/v1/posts/{}", post["id"]))
        .await
        .unwrap();
    assert_eq!(s, 404);
    eventually(15, "the removal reaches B", || async {
        bob.home().await.ok()?.is_empty().then_some(())
    })
    .await;
    let (s, _) = alice
        .post(&path, json!({"action": "dismiss"}))
        .await
        .unwrap();
    assert_eq!(s, 409, "a resolved report stays resolved");
    let (_, log) = alice.get("/api/v1/admin/audit").await.unwrap();
    assert_eq!(log[0]["action"], "report.remove_content");
    assert_eq!(log[0]["by"], "alice");

    // a local report: only moderators see the queue; suspension stops the account at once
    let mallory = a.member("mallory").await.unwrap();
    let carl = a.member("carl").await.unwrap();
    let (s, _) = mallory.get("/api/v1/admin/reports").await.unwrap();
    assert_eq!(s, 403);
    let (s, report) = mallory
        .post(
            "/api/v1/reports",
            json!({"account_id": carl.id, "reason": "Faux profil"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{report}");
    assert_eq!(report["forwarded"], false);
    let (s, v) = alice
        .post(
            &format!("/api/v1/admin/reports/{}/resolve", report["id"]),
            json!({"action": "suspend"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["reporter"], "mallory");
    let (s, _) = carl.get("/api/v1/me").await.unwrap();
    assert_eq!(s, 401, "a suspended member's token stops working");
}
both_backends!(reports_and_moderation);

/// The partnerships an administrator sees, as (host, state) pairs.
async fn partnerships_of(admin: &Member) -> Vec<(String, String)> {
    let (s, v) = admin.get("/api/v1/admin/partnerships").await.unwrap();
    assert_eq!(s, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["host"].as_str().unwrap().to_string(),
                p["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A partnership between two instance actors: proposed and declined, proposed and accepted
/// (listed publicly, allowed in allowlist mode without a rule), then ended by one side.
async fn partnership(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let mut a = a;
    let alice = a.admin("alice").await.unwrap();
    let bruno = b.admin("bruno").await.unwrap();
    let propose = || async {
        let (s, v) = alice
            .post("/api/v1/admin/partnerships", json!({"host": b.domain()}))
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["state"], "outgoing");
        eventually(15, "B receives the proposal", || async {
            (partnerships_of(&bruno).await == [(a.domain(), "incoming".to_string())]).then_some(())
        })
        .await;
    };

    // declined: gone on both sides
    propose().await;
    // B's administrators are told about the proposal, by A's instance actor
    let (s, notes) = bruno.get("/api/v1/notifications").await.unwrap();
    assert_eq!(s, 200, "{notes}");
    assert_eq!(notes[0]["kind"], "partnership_request", "{notes}");
    assert_eq!(notes[0]["account"]["ap_id"], a.url("/actor"));
    let (s, _) = bruno
        .post(
            &format!("/api/v1/admin/partnerships/{}/decline", a.domain()),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    assert!(partnerships_of(&bruno).await.is_empty());
    eventually(15, "A learns it was declined", || async {
        partnerships_of(&alice).await.is_empty().then_some(())
    })
    .await;

    // accepted: active on both sides, public, each side's own job-offer choice
    propose().await;
    let (s, v) = alice
        .post(
            &format!("/api/v1/admin/partnerships/{}/accept", b.domain()),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 409, "only the side proposed to accepts: {v}");
    let (s, v) = bruno
        .post(
            &format!("/api/v1/admin/partnerships/{}/accept", a.domain()),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "active");
    eventually(15, "A learns it was accepted", || async {
        (partnerships_of(&alice).await == [(b.domain(), "active".to_string())]).then_some(())
    })
    .await;
    let partners: Value = reqwest::get(a.url("/api/v1/partners"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(partners[0]["host"], b.domain());
    let page = reqwest::get(a.url("/partners"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&b.domain()), "{page}");
    assert!(
        page.contains("Partenaires"),
        "the public page is translated: {page}"
    );
    // job offers: B shares its own with A (already open ones and the next ones); A does not
    let publish = |who: Member, title: &'static str| async move {
        let (_, orgs) = who.get("/api/v1/me/organisations").await.unwrap();
        let org = orgs[0]["organisation"]["id"].as_i64().unwrap();
        let (s, o) = who
            .post(
                &format!("/api/v1/organisations/{org}/jobs"),
                json!({"title": title, "description": "Travail en équipe.",
                       "contract_type": "permanent", "location": "Lille"}),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{o}");
        let (s, o) = who
            .post(&format!("/api/v1/jobs/{}/publish", o["id"]), json!({}))
            .await
            .unwrap();
        assert_eq!(s, 200, "{o}");
    };
    let board = |who: Member| async move {
        let (_, v) = who.get("/api/v1/jobs?sort=date").await.unwrap();
        v["offers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    for (who, handle) in [(&alice, "atelier_a"), (&bruno, "atelier_b")] {
        let (s, v) = who
            .post(
                "/api/v1/organisations",
                json!({"handle": handle, "name": handle}),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
    }
    publish(bruno.clone(), "Offre de B, déjà ouverte").await;
    publish(alice.clone(), "Offre de A").await;
    let (s, v) = bruno
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/partnerships/{}/share_job_offers", a.domain()),
            json!({"share": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["share_job_offers"], true);
    publish(bruno.clone(), "Offre de B, nouvelle").await;
    eventually(20, "B's offers on A's board, nobody following", || async {
        let mut titles = board(alice.clone()).await;
        titles.sort();
        (titles
            == [
                "Offre de A",
                "Offre de B, déjà ouverte",
                "Offre de B, nouvelle",
            ])
        .then_some(())
    })
    .await;
    assert_eq!(
        board(bruno.clone()).await,
        ["Offre de B, nouvelle", "Offre de B, déjà ouverte"],
        "A did not choose to share"
    );
    // then A shares too
    let (s, v) = alice
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/partnerships/{}/share_job_offers", b.domain()),
            json!({"share": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    eventually(20, "A's offer on B's board", || async {
        board(bruno.clone())
            .await
            .contains(&"Offre de A".to_string())
            .then_some(())
    })
    .await;

    // in allowlist mode a partner needs no allow rule
    a.restart_with(env(&[("PASSERELLE_FEDERATION__MODE", "allowlist")]))
        .await
        .unwrap();
    b.member("bob").await.unwrap();
    let bob = b.url("/users/bob");
    let (status, message) =
        deliver_as(&b, &bob, &a, follow(&b, &bob, &a.url("/users/alice"))).await;
    assert_eq!(status, 202, "{message}");

    // ended by A: gone on both sides, and B is no longer allowed
    let (s, _) = alice
        .post(
            &format!("/api/v1/admin/partnerships/{}/end", b.domain()),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "B learns it ended", || async {
        partnerships_of(&bruno).await.is_empty().then_some(())
    })
    .await;
    let (status, message) =
        deliver_as(&b, &bob, &a, follow(&b, &bob, &a.url("/users/alice"))).await;
    assert_eq!(status, 403, "{message}");
    let (_, log) = alice.get("/api/v1/admin/audit").await.unwrap();
    assert_eq!(log[0]["action"], "partnership.end");
    assert_eq!(
        log[0]["details"], "2 shared job offer(s) closed here",
        "{log}"
    );
    // the partner's shared offers left each board, on both sides
    assert_eq!(board(alice.clone()).await, ["Offre de A"]);
    eventually(15, "A's offer leaves B's board", || async {
        (board(bruno.clone()).await == ["Offre de B, nouvelle", "Offre de B, déjà ouverte"])
            .then_some(())
    })
    .await;
    let (_, log) = bruno.get("/api/v1/admin/audit").await.unwrap();
    assert_eq!(log[0]["action"], "partnership.ended_by_them", "{log}");
    assert_eq!(log[0]["details"], "1 shared job offer(s) closed here");
}
both_backends!(partnership);

/// Posts stored on `inst` (not deleted) whose text contains `text`.
fn stored_posts_containing(inst: &Instance, text: &str) -> i64 {
    use diesel::prelude::*;
    use passerelle::db::schema::posts;
    let db = inst.database().unwrap();
    let pattern = format!("%{text}%");
    db.read_blocking(move |c| {
        Ok(posts::table
            .filter(posts::content.like(&pattern))
            .filter(posts::deleted_at.is_null())
            .count()
            .get_result(c)?)
    })
    .unwrap()
}

/// Remote accounts moderated on A. Limited: an organisation of B keeps its offers on A's job
/// board for its follower only. Suspended: a person of B disappears from A (earlier posts
/// gone, follows dropped, unknown to lookups and pages), and its next Create is refused with
/// 403 and the reason, nothing stored — also when B's own delivery worker sends it.
async fn remote_accounts_suspended_and_limited(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.admin("alice").await.unwrap();
    let ana = a.member("ana").await.unwrap();
    let carol = a.member("carol").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let bruno = b.member("bruno").await.unwrap();

    // B's organisation publishes an offer; ana follows the organisation, so it reaches A
    let (s, org) = bruno
        .post(
            "/api/v1/organisations",
            json!({"handle": "atelier_b", "name": "Atelier B"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{org}");
    let (s, offer) = bruno
        .post(
            &format!("/api/v1/organisations/{}/jobs", org["account"]["id"]),
            json!({"title": "Soudeur ou soudeuse", "description": "Atelier de dix personnes.",
                   "contract_type": "permanent", "location": "Lille"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{offer}");
    let (s, v) = bruno
        .post(&format!("/api/v1/jobs/{}/publish", offer["id"]), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let org_on_a = ana
        .follow_accepted(&format!("atelier_b@{}", b.domain()))
        .await
        .unwrap();
    let board = |who: Member| async move {
        let (_, v) = who.get("/api/v1/jobs").await.unwrap();
        v["offers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    eventually(20, "B's offer on A's board", || async {
        (board(carol.clone()).await == ["Soudeur ou soudeuse"]).then_some(())
    })
    .await;

    // limited on A: out of the board for carol and visitors, still there for ana
    let moderate = |id: i64, body: Value| {
        let alice = alice.clone();
        async move {
            alice
                .post(&format!("/api/v1/admin/accounts/{id}/moderation"), body)
                .await
                .unwrap()
        }
    };
    let (s, _) = carol
        .post(
            &format!("/api/v1/admin/accounts/{org_on_a}/moderation"),
            json!({"action": "limit"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 403, "members do not moderate");
    let (s, v) = moderate(
        org_on_a,
        json!({"action": "limit", "reason": "annonces trompeuses"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "limited");
    assert!(board(carol.clone()).await.is_empty());
    assert_eq!(board(ana.clone()).await, ["Soudeur ou soudeuse"]);
    let page = reqwest::get(a.url("/jobs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Soudeur"), "{page}");

    // the organisation suspended on A: its offer is gone, even for its follower
    let (_, v) = ana.get("/api/v1/jobs").await.unwrap();
    let offer_on_a = v["offers"][0]["id"].as_i64().unwrap();
    let (s, _) = ana
        .get(&format!("/api/v1/jobs/{offer_on_a}"))
        .await
        .unwrap();
    assert_eq!(s, 200);
    let (s, v) = moderate(org_on_a, json!({"action": "suspend"})).await;
    assert_eq!(s, 200, "{v}");
    assert!(board(ana.clone()).await.is_empty());
    let (s, _) = ana
        .get(&format!("/api/v1/jobs/{offer_on_a}"))
        .await
        .unwrap();
    assert_eq!(s, 404);

    // bob, followed by ana, posts; then A's moderators suspend him
    let bob_on_a = ana.follow_accepted(&bob.handle).await.unwrap();
    bob.write("Première nouvelle de Bob", "public")
        .await
        .unwrap();
    eventually(15, "ana sees bob's post", || async {
        let home = ana.home().await.ok()?;
        home.iter()
            .any(|p| p.to_string().contains("Première nouvelle"))
            .then_some(())
    })
    .await;
    let (s, v) = moderate(
        bob_on_a,
        json!({"action": "suspend", "reason": "usurpation d'identité"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "suspended");
    let home = ana.home().await.unwrap();
    assert!(
        !home
            .iter()
            .any(|p| p.to_string().contains("Première nouvelle")),
        "{home:?}"
    );
    assert_eq!(stored_posts_containing(&a, "Première nouvelle"), 0);
    let (s, _) = ana
        .get(&format!("/api/v1/accounts/{bob_on_a}"))
        .await
        .unwrap();
    assert_eq!(s, 404);
    assert!(ana.lookup(&bob.handle).await.is_err());
    let (s, _) = ana.page(&format!("/@{}", bob.handle)).await.unwrap();
    assert_eq!(s, 404, "bob's page is gone from A");
    let (_, following) = ana
        .get(&format!("/api/v1/accounts/{}/following", ana.id))
        .await
        .unwrap();
    assert!(
        !following.to_string().contains(&b.url("/users/bob")),
        "ana's follow of bob was dropped: {following}"
    );

    // bob's next Create is refused with 403 and the reason; nothing is stored
    let bob_url = b.url("/users/bob");
    let id = uuid_like();
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": b.url(&format!("/activities/{id}")),
        "type": "Create",
        "actor": bob_url,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {"type": "Note", "id": b.url(&format!("/posts/{id}")), "attributedTo": bob_url,
            "content": "<p>Deuxième nouvelle de Bob</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [ana_url(&a)]},
    });
    let (status, message) = deliver_as(&b, &bob_url, &a, create).await;
    assert_eq!(status, 403, "{message}");
    assert!(
        message.contains("suspended") && message.contains("usurpation"),
        "{message}"
    );
    assert_eq!(stored_posts_containing(&a, "Deuxième nouvelle"), 0);
    // B still believes ana follows bob: its delivery is refused the same way, then dropped
    bob.write("Troisième nouvelle de Bob", "public")
        .await
        .unwrap();
    eventually(20, "B's delivery to A is answered and dropped", || async {
        (pending_deliveries_to(&b, &a.domain()) == 0).then_some(())
    })
    .await;
    assert_eq!(stored_posts_containing(&a, "Troisième nouvelle"), 0);

    let (_, log) = alice.get("/api/v1/admin/audit").await.unwrap();
    assert_eq!(log[0]["action"], "account.suspend", "{log}");
    assert_eq!(log[0]["target"], bob_url);
    assert_eq!(log[1]["action"], "account.suspend");
    assert_eq!(log[2]["action"], "account.limit");
}
both_backends!(remote_accounts_suspended_and_limited);

fn ana_url(a: &Instance) -> String {
    a.url("/users/ana")
}
