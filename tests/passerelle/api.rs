//! The JSON API and the public endpoints of one instance.

use crate::{Backend, TestApp, both_backends, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn get_json(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn accounts_tokens_and_errors(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("Alice").await;
    let (s, me) = get_json(&app, &token, "/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["account"]["username"], "Alice");
    assert_eq!(me["role"], "member");

    // the same name in another case is taken; bad fields are all reported
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(&json!({"username": "alice", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["code"], "taken");
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(&json!({"username": "zoé!", "password": "short"}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password"]);

    // wrong password, missing and revoked tokens
    let r = app
        .http
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "alice", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        app.http
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let r = app
        .http
        .delete(app.url("/api/v1/tokens/current"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(get_json(&app, &token, "/api/v1/me").await.0, 401);

    // malformed JSON is a 4xx with an explanation, not a 500
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
both_backends!(accounts_tokens_and_errors);

async fn password_change(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("bea").await;
    let (s, body) = post_json(
        &app,
        &token,
        "/api/v1/me/password",
        json!({"current_password": "wrong password", "new_password": "another long password"}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(body["fields"][0]["field"], "current_password");
    let (s, _) = post_json(
        &app,
        &token,
        "/api/v1/me/password",
        json!({"current_password": "a long enough password", "new_password": "another long password"}),
    )
    .await;
    assert_eq!(s, 204);
    let r = app
        .http
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "bea", "password": "another long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}
both_backends!(password_change);

async fn registration_modes(backend: Backend) {
    let Some(closed) = spawn_app_with(backend, |env| {
        env.push(("PASSERELLE_INSTANCE__REGISTRATION".into(), "closed".into()))
    })
    .await
    else {
        return;
    };
    let r = closed
        .http
        .post(closed.url("/api/v1/accounts"))
        .json(&json!({"username": "x", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    drop(closed);

    let invite = spawn_app_with(backend, |env| {
        env.push((
            "PASSERELLE_INSTANCE__REGISTRATION".into(),
            "invite-only".into(),
        ))
    })
    .await
    .unwrap();
    let register = |code: Option<&str>| {
        invite
            .http
            .post(invite.url("/api/v1/accounts"))
            .json(&json!({"username": "newcomer", "password": "a long enough password", "invitation": code}))
            .send()
    };
    assert_eq!(register(None).await.unwrap().status(), 422);
    assert_eq!(register(Some("nonsense")).await.unwrap().status(), 422);
    let code = passerelle::accounts::create_invitation(invite.state(), None, 7)
        .await
        .unwrap();
    assert_eq!(register(Some(&code)).await.unwrap().status(), 201);
    // an invitation is used once, and a refused sign-up leaves no account behind
    let r = invite
        .http
        .post(invite.url("/api/v1/accounts"))
        .json(&json!({"username": "second", "password": "a long enough password", "invitation": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = invite
        .http
        .post(invite.url("/api/v1/tokens"))
        .json(&json!({"username": "second", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
both_backends!(registration_modes);

async fn local_follow_posts_and_feed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let (_, bob_view) = get_json(&app, &alice, "/api/v1/accounts/lookup?handle=bob").await;
    assert_eq!(bob_view["account"]["username"], "bob", "{bob_view}");
    let (_, bob_view) = get_json(
        &app,
        &alice,
        &format!("/api/v1/accounts/lookup?handle=@bob@{}", app.state().domain),
    )
    .await;
    let bob_id = bob_view["account"]["id"].as_i64().unwrap();

    // bob locks his profile: alice's request waits for him
    let (s, _) = app
        .http
        .put(app.url("/api/v1/me/profile"))
        .bearer_auth(&bob)
        .json(&json!({"display_name": "Bob Martin", "bio": "Soudeur <b>en formation</b>", "locked": true}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(s, 200);
    let (_, f) = post_json(
        &app,
        &alice,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(f["state"], "pending");
    let (_, reqs) = get_json(&app, &bob, "/api/v1/follow-requests").await;
    assert_eq!(reqs[0]["username"], "alice");
    let alice_id = reqs[0]["id"].as_i64().unwrap();
    let (s, _) = post_json(
        &app,
        &bob,
        &format!("/api/v1/follow-requests/{alice_id}/accept"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let (_, rel) = get_json(&app, &alice, &format!("/api/v1/accounts/{bob_id}")).await;
    assert_eq!(rel["following"], "accepted");
    assert_eq!(rel["account"]["display_name"], "Bob Martin");
    assert_eq!(
        rel["account"]["bio_html"],
        "<p>Soudeur &lt;b&gt;en formation&lt;/b&gt;</p>"
    );

    // posts: followers-only reaches followers; invalid input is refused field by field
    let (s, post) = post_json(&app, &bob, "/api/v1/posts", json!({"text": "Premier jour\n\nhttps://example.org", "visibility": "followers", "language": "fr"})).await;
    assert_eq!(s, 201, "{post}");
    let (s, err) = post_json(
        &app,
        &bob,
        "/api/v1/posts",
        json!({"text": " ", "visibility": "everyone"}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(err["fields"].as_array().unwrap().len(), 2);
    let (_, feed) = get_json(&app, &alice, "/api/v1/timelines/home").await;
    assert_eq!(feed[0]["id"], post["id"]);
    assert_eq!(feed[0]["language"], "fr");
    assert!(
        feed[0]["content_html"]
            .as_str()
            .unwrap()
            .contains("<a href=\"https://example.org\"")
    );

    // a stranger does not see followers-only posts
    let carol = app.member("carol").await;
    assert_eq!(
        get_json(&app, &carol, &format!("/api/v1/posts/{}", post["id"]))
            .await
            .0,
        404
    );
    let (_, list) = get_json(&app, &carol, &format!("/api/v1/accounts/{bob_id}/posts")).await;
    assert_eq!(list.as_array().unwrap().len(), 0);

    // edit then delete
    let r = app
        .http
        .put(app.url(&format!("/api/v1/posts/{}", post["id"])))
        .bearer_auth(&bob)
        .json(&json!({"text": "Premier jour, modifié", "visibility": "followers"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, feed) = get_json(&app, &alice, "/api/v1/timelines/home").await;
    assert_eq!(feed[0]["content_html"], "<p>Premier jour, modifié</p>");
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{}", post["id"])))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "only the author deletes");
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{}", post["id"])))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, feed) = get_json(&app, &alice, "/api/v1/timelines/home").await;
    assert_eq!(feed.as_array().unwrap().len(), 0);

    // unfollow
    let (s, _) = post_json(
        &app,
        &alice,
        &format!("/api/v1/accounts/{bob_id}/unfollow"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let (_, rel) = get_json(&app, &alice, &format!("/api/v1/accounts/{bob_id}")).await;
    assert_eq!(rel["following"], "none");
}
both_backends!(local_follow_posts_and_feed);

async fn public_endpoints(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let domain = app.state().domain.clone();
    let wf: Value = app
        .http
        .get(app.url(&format!(
            "/.well-known/webfinger?resource=acct:DANA@{domain}"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wf["subject"], format!("acct:dana@{domain}"));
    let actor_url = wf["links"][0]["href"].as_str().unwrap().to_string();
    let wf2 = app
        .http
        .get(app.url(&format!("/.well-known/webfinger?resource={actor_url}")))
        .send()
        .await
        .unwrap();
    assert_eq!(wf2.status(), 200);
    let r = app
        .http
        .get(app.url("/.well-known/webfinger?resource=acct:nobody@elsewhere.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let actor = app
        .http
        .get(&actor_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(actor.headers()["content-type"], "application/activity+json");
    let actor: Value = actor.json().await.unwrap();
    assert_eq!(actor["type"], "Person");
    assert_eq!(actor["preferredUsername"], "dana");
    assert!(
        actor["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .contains("BEGIN PUBLIC KEY")
    );
    assert_eq!(actor["publicKey"]["owner"], actor_url.as_str());
    assert!(
        actor["endpoints"]["sharedInbox"]
            .as_str()
            .unwrap()
            .ends_with("/inbox")
    );

    let (_, post) = post_json(&app, &token, "/api/v1/posts", json!({"text": "Bonjour"})).await;
    let outbox = app.ap_json(&format!("{actor_url}/outbox?page=true")).await;
    assert_eq!(outbox["orderedItems"][0]["object"]["id"], post["ap_id"]);
    let note = app.ap_json(post["ap_id"].as_str().unwrap()).await;
    assert_eq!(note["type"], "Note");
    assert_eq!(
        note["to"][0],
        "https://www.w3.org/ns/activitystreams#Public"
    );

    let ni: Value = app
        .http
        .get(app.url("/.well-known/nodeinfo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let href = ni["links"][0]["href"].as_str().unwrap();
    let ni: Value = app
        .http
        .get(href)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ni["software"]["name"], "passerelle");
    assert_eq!(ni["usage"]["users"]["total"], 1);

    let inst: Value = app
        .http
        .get(app.url("/actor"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inst["type"], "Application");

    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
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
        metrics.contains("passerelle_http_requests_total"),
        "{metrics}"
    );
    assert!(metrics.trim_end().ends_with("# EOF"));

    let spec: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/posts"]["post"].is_object());
}
both_backends!(public_endpoints);

async fn authorized_fetch_requires_signatures(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |env| {
        env.push((
            "PASSERELLE_FEDERATION__AUTHORIZED_FETCH".into(),
            "true".into(),
        ))
    })
    .await
    else {
        return;
    };
    let token = app.member("eve").await;
    let (_, post) = post_json(&app, &token, "/api/v1/posts", json!({"text": "Bonjour"})).await;
    let r = app
        .http
        .get(post["ap_id"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
both_backends!(authorized_fetch_requires_signatures);

async fn likes_and_reposts(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let carol = app.member("carol").await;
    let id_of = |name: &'static str| {
        let (app, token) = (&app, alice.clone());
        async move {
            let (_, v) = get_json(
                app,
                &token,
                &format!("/api/v1/accounts/lookup?handle={name}"),
            )
            .await;
            v["account"]["id"].as_i64().unwrap()
        }
    };
    let (alice_id, bob_id) = (id_of("alice").await, id_of("bob").await);
    let (s, _) = post_json(
        &app,
        &alice,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = post_json(
        &app,
        &carol,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, public) = post_json(
        &app,
        &bob,
        "/api/v1/posts",
        json!({"text": "Je cherche un stage", "visibility": "public"}),
    )
    .await;
    let (_, private) = post_json(
        &app,
        &bob,
        "/api/v1/posts",
        json!({"text": "Pour mes abonnés", "visibility": "followers"}),
    )
    .await;
    let (p1, p2) = (
        public["id"].as_i64().unwrap(),
        private["id"].as_i64().unwrap(),
    );

    // alice likes bob's post, twice: counted once; bob is told
    for _ in 0..2 {
        let (s, v) = post_json(&app, &alice, &format!("/api/v1/posts/{p1}/like"), json!({})).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            v["reactions"],
            json!({"likes": 1, "reposts": 0, "replies": 0, "liked": true, "reposted": false})
        );
    }
    let (_, notes) = get_json(&app, &bob, "/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "like"),
        "{notes}"
    );
    let (_, v) = get_json(&app, &bob, &format!("/api/v1/posts/{p1}")).await;
    assert_eq!(v["reactions"]["likes"], 1);
    assert_eq!(v["reactions"]["liked"], false);

    // alice reposts it: carol, who follows alice but not bob, sees it in her home feed
    let (s, v) = post_json(
        &app,
        &alice,
        &format!("/api/v1/posts/{p1}/repost"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["reactions"]["reposts"], 1);
    // the served Note tells how many liked and reposted it (Mastodon shows both)
    let note = app.ap_json(public["ap_id"].as_str().unwrap()).await;
    assert_eq!(
        (&note["likes"], &note["shares"]),
        (
            &json!({"type": "Collection", "totalItems": 1}),
            &json!({"type": "Collection", "totalItems": 1})
        ),
        "{note}"
    );
    let (_, feed) = get_json(&app, &carol, "/api/v1/timelines/home").await;
    assert_eq!(feed[0]["id"], p1, "{feed}");
    assert_eq!(feed[0]["reposted_by"]["username"], "alice");
    let (_, notes) = get_json(&app, &bob, "/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "repost"),
        "{notes}"
    );
    // in alice's own feed, bob's post is there because she follows him
    let (_, feed) = get_json(&app, &alice, "/api/v1/timelines/home").await;
    let shown = feed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == p1)
        .unwrap();
    assert!(shown["reposted_by"].is_null(), "{shown}");

    // a followers-only post may be liked by a follower, not reposted, and not seen by others
    let (s, v) = post_json(
        &app,
        &alice,
        &format!("/api/v1/posts/{p2}/repost"),
        json!({}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "post", "{v}");
    let (s, _) = post_json(&app, &alice, &format!("/api/v1/posts/{p2}/like"), json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = post_json(&app, &carol, &format!("/api/v1/posts/{p2}/like"), json!({})).await;
    assert_eq!(s, 404);
    let (s, _) = post_json(&app, &carol, "/api/v1/posts/999999/like", json!({})).await;
    assert_eq!(s, 404);
    // someone the author blocked cannot like their posts
    let carol_id = id_of("carol").await;
    let (s, _) = post_json(
        &app,
        &bob,
        &format!("/api/v1/accounts/{carol_id}/block"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let (s, _) = post_json(&app, &carol, &format!("/api/v1/posts/{p1}/like"), json!({})).await;
    assert_eq!(s, 404);

    // taking both back
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{p1}/like")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{p1}/repost")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["reactions"],
        json!({"likes": 0, "reposts": 0, "replies": 0, "liked": false, "reposted": false})
    );
    let (_, feed) = get_json(&app, &carol, "/api/v1/timelines/home").await;
    assert!(
        feed.as_array().unwrap().iter().all(|p| p["id"] != p1),
        "{feed}"
    );
}
both_backends!(likes_and_reposts);

async fn replies(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let carol = app.member("carol").await;
    let (_, parent) = post_json(
        &app,
        &alice,
        "/api/v1/posts",
        json!({"text": "Qui connaît une formation en soudure ?"}),
    )
    .await;
    let p = parent["id"].as_i64().unwrap();

    // bob answers: the reply points at the post, alice is told, everyone sees it under the post
    let (s, reply) = post_json(
        &app,
        &bob,
        "/api/v1/posts",
        json!({"text": "Le centre de Vénissieux en propose une", "in_reply_to": p}),
    )
    .await;
    assert_eq!(s, 201, "{reply}");
    assert_eq!(reply["in_reply_to"], parent["ap_id"]);
    let (_, notes) = get_json(&app, &alice, "/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "reply" && n["account"]["username"] == "bob"),
        "{notes}"
    );
    let (s, list) = get_json(&app, &carol, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], reply["id"]);
    let (_, v) = get_json(&app, &carol, &format!("/api/v1/posts/{p}")).await;
    assert_eq!(v["reactions"]["replies"], 1, "{v}");

    // the Note mentions alice and is addressed to her as well as to bob's followers
    let note = app.ap_json(reply["ap_id"].as_str().unwrap()).await;
    let alice_url = parent["author"]["ap_id"].clone();
    assert_eq!(note["inReplyTo"], parent["ap_id"], "{note}");
    assert!(
        note["cc"].as_array().unwrap().contains(&alice_url),
        "{note}"
    );
    assert_eq!(note["tag"][0]["type"], "Mention", "{note}");
    assert_eq!(note["tag"][0]["href"], alice_url, "{note}");
    // the same Note in bob's outbox (built for a whole page at once)
    let outbox = app
        .ap_json(&format!(
            "{}/outbox?page=true",
            reply["author"]["ap_id"].as_str().unwrap()
        ))
        .await;
    let item = &outbox["orderedItems"][0]["object"];
    assert_eq!(item["id"], reply["ap_id"], "{outbox}");
    assert_eq!(
        (
            &item["inReplyTo"],
            &item["cc"],
            &item["tag"],
            &item["likes"]
        ),
        (
            &note["inReplyTo"],
            &note["cc"],
            &note["tag"],
            &note["likes"]
        ),
        "{outbox}"
    );

    // a followers-only answer: alice (answered) reads it, carol does not, and it is not counted
    let (s, hidden) = post_json(
        &app,
        &bob,
        "/api/v1/posts",
        json!({"text": "Je peux te présenter", "in_reply_to": p, "visibility": "followers"}),
    )
    .await;
    assert_eq!(s, 201, "{hidden}");
    let (_, list) = get_json(&app, &alice, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let (_, list) = get_json(&app, &carol, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let h = hidden["id"].as_i64().unwrap();
    let (s, _) = get_json(&app, &alice, &format!("/api/v1/posts/{h}")).await;
    assert_eq!(s, 200);
    let (s, _) = get_json(&app, &carol, &format!("/api/v1/posts/{h}")).await;
    assert_eq!(s, 404);
    let (_, v) = get_json(&app, &carol, &format!("/api/v1/posts/{p}")).await;
    assert_eq!(v["reactions"]["replies"], 1, "{v}");

    // carol blocks bob: his answers leave her view of the post, not the others'
    let (_, bob_account) = get_json(&app, &carol, "/api/v1/accounts/lookup?handle=bob").await;
    let (s, _) = post_json(
        &app,
        &carol,
        &format!("/api/v1/accounts/{}/block", bob_account["account"]["id"]),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let (_, list) = get_json(&app, &carol, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(list, json!([]));
    let (_, list) = get_json(&app, &alice, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    // nor are they counted for her (the card would promise an answer she cannot see)
    let (_, v) = get_json(&app, &carol, &format!("/api/v1/posts/{p}")).await;
    assert_eq!(v["reactions"]["replies"], 0, "{v}");
    let (_, v) = get_json(&app, &alice, &format!("/api/v1/posts/{p}")).await;
    assert_eq!(v["reactions"]["replies"], 1, "{v}");

    // one cannot answer a post one may not read, nor one that does not exist
    let (_, private) = post_json(
        &app,
        &alice,
        "/api/v1/posts",
        json!({"text": "Pour mes abonnés", "visibility": "followers"}),
    )
    .await;
    for target in [private["id"].as_i64().unwrap(), 999_999] {
        let (s, v) = post_json(
            &app,
            &carol,
            "/api/v1/posts",
            json!({"text": "Réponse", "in_reply_to": target}),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["fields"][0]["field"], "in_reply_to", "{v}");
    }
    let (s, _) = get_json(
        &app,
        &carol,
        &format!("/api/v1/posts/{}/replies", private["id"]),
    )
    .await;
    assert_eq!(s, 404);

    // a deleted answer leaves the list
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{}", reply["id"])))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, list) = get_json(&app, &alice, &format!("/api/v1/posts/{p}/replies")).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], hidden["id"]);
}
both_backends!(replies);
