//! Inbox hygiene, against a hand-made remote actor served by the test itself: signatures,
//! digests, origins, replays, unsupported or malformed activities, size limit, sanitising.

use crate::{Backend, TestApp, both_backends, eventually, spawn_app};
use axum::{Json, Router, routing::get};
use passerelle::federation::signatures::{GeneratedKeys, SigningKey, generate_keys, sign_post};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A remote server with one actor, `mallory`, whose key the test holds.
pub(crate) struct FakeRemote {
    pub(crate) base: String,
    pub(crate) actor: String,
    pub(crate) key: SigningKey,
    pub(crate) received: Arc<Mutex<Vec<Value>>>,
}

pub(crate) async fn fake_remote() -> FakeRemote {
    let keys: GeneratedKeys = generate_keys().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let actor = format!("{base}/users/mallory");
    let doc = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": actor,
        "preferredUsername": "mallory",
        "name": "Mallory <script>alert(1)</script>",
        "summary": "<p>Hello <script>alert(1)</script><a href=\"javascript:x\">x</a></p>",
        "inbox": format!("{actor}/inbox"),
        "followers": format!("{actor}/followers"),
        "endpoints": {"sharedInbox": format!("{base}/inbox")},
        "publicKey": {"id": format!("{actor}#main-key"), "owner": actor, "publicKeyPem": keys.public_key_pem},
    });
    let received = Arc::new(Mutex::new(vec![]));
    let r2 = received.clone();
    let record = move |Json(v): Json<Value>| {
        let r = r2.clone();
        async move {
            r.lock().unwrap().push(v);
            axum::http::StatusCode::ACCEPTED
        }
    };
    let app = Router::new()
        .route(
            "/users/mallory",
            get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [("content-type", "application/activity+json")],
                        doc.to_string(),
                    )
                }
            }),
        )
        .route("/inbox", axum::routing::post(record.clone()))
        .route("/users/mallory/inbox", axum::routing::post(record));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let key = SigningKey::from_pem(&actor, &keys.private_key_pem).unwrap();
    FakeRemote {
        base,
        actor,
        key,
        received,
    }
}

impl FakeRemote {
    pub(crate) async fn post(
        &self,
        app: &TestApp,
        key: &SigningKey,
        body: &Value,
    ) -> reqwest::Response {
        let url = url::Url::parse(&app.url("/inbox")).unwrap();
        let bytes = body.to_string().into_bytes();
        let headers = sign_post(key, &url, &bytes).unwrap();
        app.http
            .post(url)
            .headers(headers)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }
}

pub(crate) async fn stored_posts(app: &TestApp) -> Vec<String> {
    app.state()
        .db
        .read(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::posts;
            Ok(posts::table
                .filter(posts::local.eq(false))
                .select(posts::content)
                .load::<String>(c)?)
        })
        .await
        .unwrap()
}

async fn inbox_checks(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let remote = fake_remote().await;
    let dana = app.url("/users/dana");

    // a valid Follow is accepted, and an Accept goes back to the follower's server
    let follow = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
        "id": format!("{}/follows/1", remote.base), "actor": remote.actor, "object": dana});
    let r = remote.post(&app, &remote.key, &follow).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let accept = eventually(10, || async {
        remote
            .received
            .lock()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "Accept")
            .cloned()
    })
    .await;
    assert_eq!(accept["actor"], dana.as_str());
    assert_eq!(accept["object"]["id"], format!("{}/follows/1", remote.base));
    assert_eq!(accept["object"]["actor"], remote.actor.as_str());

    // the remote actor's profile was stored sanitised
    let id = remote.actor.clone();
    let stored = app
        .state()
        .db
        .read(move |c| Ok(passerelle::actors::model::by_ap_id(c, &id)?.unwrap()))
        .await
        .unwrap();
    assert!(!stored.summary.contains("script") && !stored.summary.contains("javascript"));
    assert!(stored.display_name.starts_with("Mallory"));
    assert!(!stored.display_name.contains('<'));

    // dana follows mallory (the Follow is delivered; mallory's server accepts it)
    let r: Value = app
        .http
        .get(app.url(&format!(
            "/api/v1/accounts/lookup?handle={}",
            "mallory@".to_string() + remote.base.trim_start_matches("http://")
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mallory_id = r["account"]["id"].as_i64().unwrap_or(stored.id);
    app.http
        .post(app.url(&format!("/api/v1/accounts/{mallory_id}/follow")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let follow_out = eventually(10, || async {
        remote
            .received
            .lock()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "Follow")
            .cloned()
    })
    .await;
    let accept = json!({"type": "Accept", "id": format!("{}/accepts/1", remote.base),
        "actor": remote.actor, "object": follow_out["id"]});
    let r = remote.post(&app, &remote.key, &accept).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let rel: Value = app
        .http
        .get(app.url(&format!("/api/v1/accounts/{mallory_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rel["following"], "accepted", "{rel} {follow_out}");

    // a Create with dangerous HTML is stored clean
    let create = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
        "id": format!("{}/activities/1", remote.base), "actor": remote.actor,
        "object": {"type": "Note", "id": format!("{}/notes/1", remote.base), "attributedTo": remote.actor,
            "content": "<p>Offre <script>steal()</script><img src=x onerror=y></p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"]}});
    assert_eq!(remote.post(&app, &remote.key, &create).await.status(), 202);
    assert_eq!(stored_posts(&app).await, vec!["<p>Offre </p>".to_string()]);
    let feed: Value = app
        .http
        .get(app.url("/api/v1/timelines/home"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        feed[0]["author"]["handle"],
        format!("mallory@{}", remote.base.trim_start_matches("http://"))
    );

    // replaying the same activity has no second effect
    let r = remote.post(&app, &remote.key, &create).await;
    assert_eq!(r.status(), 202);
    assert_eq!(stored_posts(&app).await.len(), 1);

    // forged: signed with another key in mallory's name
    let other =
        SigningKey::from_pem(&remote.actor, &generate_keys().unwrap().private_key_pem).unwrap();
    let mut forged = create.clone();
    forged["id"] = json!(format!("{}/activities/2", remote.base));
    forged["object"]["id"] = json!(format!("{}/notes/2", remote.base));
    let r = remote.post(&app, &other, &forged).await;
    assert_eq!(r.status(), 401);
    assert_eq!(stored_posts(&app).await.len(), 1);

    // unsigned
    let r = app
        .http
        .post(app.url("/inbox"))
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // body changed after signing: the digest no longer matches
    let url = url::Url::parse(&app.url("/inbox")).unwrap();
    let headers = sign_post(&remote.key, &url, forged.to_string().as_bytes()).unwrap();
    let mut tampered = forged.clone();
    tampered["object"]["content"] = json!("changed");
    let r = app
        .http
        .post(url.clone())
        .headers(headers)
        .body(tampered.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // signed by mallory, but the activity claims another actor
    let mut relayed = forged.clone();
    relayed["actor"] = json!(app.url("/users/dana"));
    assert_eq!(remote.post(&app, &remote.key, &relayed).await.status(), 401);

    // the activity id is on another server than its actor
    let mut elsewhere = forged.clone();
    elsewhere["id"] = json!("http://localhost:1/activities/9");
    assert_eq!(
        remote.post(&app, &remote.key, &elsewhere).await.status(),
        400
    );

    // a Note attributed to someone else
    let mut impostor = forged.clone();
    impostor["object"]["attributedTo"] = json!(format!("{}/users/other", remote.base));
    assert_eq!(
        remote.post(&app, &remote.key, &impostor).await.status(),
        400
    );

    // unsupported type and malformed activities: 400 with a reason, nothing stored
    let moved = json!({"type": "Move", "id": format!("{}/moves/1", remote.base), "actor": remote.actor, "object": remote.actor});
    let r = remote.post(&app, &remote.key, &moved).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Move"));
    let like = json!({"type": "Like", "id": format!("{}/likes/1", remote.base), "actor": remote.actor, "object": "x"});
    assert_eq!(remote.post(&app, &remote.key, &like).await.status(), 400);
    let broken = json!({"type": "Create", "id": format!("{}/activities/3", remote.base), "actor": remote.actor, "object": 42});
    assert_eq!(remote.post(&app, &remote.key, &broken).await.status(), 400);
    // not JSON: 401 unsigned (the signature is checked first, whatever the body), 400 signed
    let r = app
        .http
        .post(app.url("/inbox"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let headers = sign_post(&remote.key, &url, b"not json").unwrap();
    let r = app
        .http
        .post(url.clone())
        .headers(headers)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(stored_posts(&app).await.len(), 1);

    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"passerelle_inbox_activities_total{result="duplicate",reason=""} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"result="refused",reason="signature""#));
    // too large
    let big = json!({"type": "Create", "id": "x", "actor": remote.actor, "padding": "x".repeat(2 * 1024 * 1024)});
    // (last: the server closes the connection without reading such a body)
    let r = remote.post(&app, &remote.key, &big).await;
    assert_eq!(r.status(), 413);
}
both_backends!(inbox_checks);

/// Signed GETs are verified: with authorized fetch on, an unsigned or badly signed request is
/// refused, a validly signed one served; a followers-only post is served only to a follower.
async fn signed_fetches(backend: Backend) {
    let Some(app) = crate::spawn_app_with(backend, |env| {
        env.push((
            "PASSERELLE_FEDERATION__AUTHORIZED_FETCH".into(),
            "true".into(),
        ))
    })
    .await
    else {
        return;
    };
    let token = app.member("dana").await;
    let remote = fake_remote().await;
    let write = |visibility: &'static str| {
        let (http, url, token) = (app.http.clone(), app.url("/api/v1/posts"), token.clone());
        async move {
            let v: Value = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({"text": "Bonjour", "visibility": visibility}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            url::Url::parse(v["ap_id"].as_str().unwrap()).unwrap()
        }
    };
    let public = write("public").await;
    let private = write("followers").await;
    let get = |url: url::Url, key: Option<SigningKey>| {
        let http = app.http.clone();
        async move {
            let mut req = http
                .get(url.clone())
                .header("accept", "application/activity+json");
            if let Some(k) = key {
                req = req.headers(passerelle::federation::signatures::sign_get(&k, &url).unwrap());
            }
            req.send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(get(public.clone(), None).await, 401);
    assert_eq!(get(public.clone(), Some(remote.key.clone())).await, 200);
    let other =
        SigningKey::from_pem(&remote.actor, &generate_keys().unwrap().private_key_pem).unwrap();
    assert_eq!(get(public.clone(), Some(other)).await, 401);
    // the actor document stays readable unsigned: other servers need its key
    assert_eq!(
        get(url::Url::parse(&app.url("/users/dana")).unwrap(), None).await,
        200
    );

    // followers-only: not for a stranger, yes once mallory follows dana
    assert_eq!(get(private.clone(), Some(remote.key.clone())).await, 404);
    let follow = json!({"type": "Follow", "id": format!("{}/follows/9", remote.base),
        "actor": remote.actor, "object": app.url("/users/dana")});
    assert_eq!(remote.post(&app, &remote.key, &follow).await.status(), 202);
    assert_eq!(get(private, Some(remote.key.clone())).await, 200);
}
both_backends!(signed_fetches);

/// What other servers send beyond our own habits is read: an embedded actor and object, extra
/// contexts, unknown properties and an integrity proof; what we answer uses URLs for `actor`
/// and `object`. WebFinger answers both `acct:` and the actor's URL.
async fn tolerant_reading_and_webfinger_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.member("dana").await;
    let remote = fake_remote().await;
    let dana = app.url("/users/dana");
    let follow = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1",
            {"ex": "https://example.org/ns#", "mood": "ex:mood"}],
        "type": "Follow",
        "id": format!("{}/follows/embedded", remote.base),
        "actor": {"type": "Person", "id": remote.actor, "preferredUsername": "mallory"},
        "object": {"type": "Person", "id": dana},
        "mood": "curious",
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
            "verificationMethod": format!("{}#ed25519-key", remote.actor),
            "proofPurpose": "assertionMethod", "proofValue": "z3FXQmZ7Kv8Uq1d"},
    });
    let r = remote.post(&app, &remote.key, &follow).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let accept = eventually(10, || async {
        remote
            .received
            .lock()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "Accept")
            .cloned()
    })
    .await;
    assert_eq!(accept["actor"], dana.as_str());
    assert_eq!(accept["object"]["actor"], remote.actor.as_str());
    assert_eq!(accept["object"]["object"], dana.as_str());

    let domain = app.base.trim_start_matches("http://").to_string();
    for resource in [format!("acct:dana@{domain}"), dana.clone()] {
        let r = app
            .http
            .get(app.url(&format!(
                "/.well-known/webfinger?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("resource", &resource)
                    .finish()
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{resource}");
        let jrd: Value = r.json().await.unwrap();
        assert_eq!(jrd["subject"], format!("acct:dana@{domain}"));
        assert_eq!(jrd["links"][0]["href"], dana.as_str(), "{resource}");
    }
}
both_backends!(tolerant_reading_and_webfinger_forms);
