//! Documents in the shapes Mastodon, GoToSocial and Lemmy produce (`tests/fixtures/activitypub`)
//! go through the inbox, signed as those servers sign, and show correctly in the JSON API and on
//! the web pages. Each software is played by a local server serving its actors and WebFinger.

use crate::{Backend, TestApp, both_backends, eventually, spawn_app};
use axum::{
    Router,
    body::Bytes,
    extract::Query,
    http::{Method, StatusCode, Uri},
    response::IntoResponse,
};
use diesel::prelude::*;
use passerelle::{
    communities::model,
    db::schema::{activities, actors, community_members},
    federation::signatures::{SigningKey, generate_keys, sign_post},
};
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// One of the other servers, with the fixtures of one software.
struct Remote {
    /// The host written in the fixtures, e.g. `https://mastodon.example`.
    written_as: &'static str,
    /// `http://localhost:PORT`, which replaces it.
    base: String,
    vars: Vec<(String, String)>,
    /// Path → document served.
    docs: Arc<Mutex<HashMap<String, Value>>>,
    /// What our instance POSTed to the remote's inboxes.
    received: Arc<Mutex<Vec<Value>>>,
    key: SigningKey,
}

fn fixture_text(path: &str) -> String {
    let file = format!(
        "{}/tests/fixtures/activitypub/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

impl Remote {
    /// Starts the server of `software` (the folder of its fixtures), serving `actors`.
    async fn start(
        app: &TestApp,
        written_as: &'static str,
        actors: &[&str],
        member: &str,
    ) -> Remote {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let keys = generate_keys().unwrap();
        let pem = serde_json::to_string(&keys.public_key_pem).unwrap();
        let domain = app.base.trim_start_matches("http://").to_string();
        let vars = vec![
            (written_as.to_string(), base.clone()),
            (
                "{{PUBLIC_KEY_PEM}}".into(),
                pem[1..pem.len() - 1].to_string(),
            ),
            ("{{OUR_ACTOR}}".into(), app.url(&format!("/users/{member}"))),
            ("{{OUR_PROFILE}}".into(), app.url(&format!("/@{member}"))),
            ("{{OUR_DOMAIN}}".into(), domain),
        ];
        let remote = Remote {
            written_as,
            base,
            vars,
            docs: Arc::default(),
            received: Arc::default(),
            key: SigningKey::from_pem("x", &keys.private_key_pem).unwrap(),
        };
        for name in actors {
            let doc = remote.load(name);
            let path = url::Url::parse(doc["id"].as_str().unwrap())
                .unwrap()
                .path()
                .to_string();
            remote.docs.lock().unwrap().insert(path, doc);
        }
        let (docs, received) = (remote.docs.clone(), remote.received.clone());
        let host = remote.base.trim_start_matches("http://").to_string();
        let serve = move |method: Method,
                          uri: Uri,
                          Query(q): Query<HashMap<String, String>>,
                          body: Bytes| {
            let (docs, received, host) = (docs.clone(), received.clone(), host.clone());
            async move {
                if method == Method::POST {
                    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    received.lock().unwrap().push(v);
                    return StatusCode::ACCEPTED.into_response();
                }
                let docs = docs.lock().unwrap();
                if uri.path() == "/.well-known/webfinger" {
                    let resource = q.get("resource").cloned().unwrap_or_default();
                    let name = resource
                        .trim_start_matches("acct:")
                        .trim_end_matches(&format!("@{host}"))
                        .to_string();
                    let Some(actor) = docs.values().find(|d| d["preferredUsername"] == name) else {
                        return StatusCode::NOT_FOUND.into_response();
                    };
                    let jrd = json!({"subject": resource, "links": [{"rel": "self",
                        "type": "application/activity+json", "href": actor["id"]}]});
                    return ([("content-type", "application/jrd+json")], jrd.to_string())
                        .into_response();
                }
                match docs.get(uri.path()) {
                    Some(doc) => (
                        [("content-type", "application/activity+json")],
                        doc.to_string(),
                    )
                        .into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        };
        let router = Router::new().fallback(serve);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        remote
    }

    /// A fixture of this software, its hosts and placeholders replaced.
    fn load(&self, name: &str) -> Value {
        let folder = match self.written_as {
            "https://mastodon.example" => "mastodon",
            "https://gts.example" => "gotosocial",
            _ => "lemmy",
        };
        let mut text = fixture_text(&format!("{folder}/{name}.json"));
        for (from, to) in &self.vars {
            text = text.replace(from, to);
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{folder}/{name}: {e}"))
    }

    /// POSTs the fixture `name` to the instance's shared inbox, signed by its actor with the
    /// key id form that software uses; returns the status and body.
    async fn deliver(&self, app: &TestApp, name: &str, extra: &[(&str, &str)]) -> (u16, String) {
        let mut text = self.load(name).to_string();
        for (from, to) in extra {
            text = text.replace(from, to);
        }
        let activity: Value = serde_json::from_str(&text).unwrap();
        self.deliver_value(app, activity).await
    }

    /// POSTs `activity` to the instance's shared inbox, signed by its actor.
    async fn deliver_value(&self, app: &TestApp, activity: Value) -> (u16, String) {
        let actor = activity["actor"].as_str().unwrap();
        let mut key = self.key.clone();
        key.key_id = match self.written_as {
            "https://gts.example" => format!("{actor}/main-key"),
            _ => format!("{actor}#main-key"),
        };
        let inbox = url::Url::parse(&app.url("/inbox")).unwrap();
        let body = activity.to_string().into_bytes();
        let headers = sign_post(&key, &inbox, &body).unwrap();
        let r = app
            .http
            .post(inbox)
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    fn handle(&self, user: &str) -> String {
        format!("{user}@{}", self.base.trim_start_matches("http://"))
    }

    /// The first activity of `kind` our instance sent to this server.
    async fn sent(&self, kind: &str) -> Value {
        eventually(10, || async {
            self.received
                .lock()
                .unwrap()
                .iter()
                .find(|a| a["type"] == kind)
                .cloned()
        })
        .await
    }
}

async fn api(app: &TestApp, token: &str, path: &str) -> Value {
    app.http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn api_post(app: &TestApp, token: &str, path: &str) -> u16 {
    app.http
        .post(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A browser signed in as `username` (the web pages of other servers' people need a session).
async fn browser(app: &TestApp, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let form = form.text().await.unwrap();
    let start = form.find(r#"name="csrf" value=""#).unwrap() + 19;
    let csrf = form[start..].split('"').next().unwrap();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf),
            ("username", username),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    client
}

async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> String {
    let r = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// Mastodon: an actor with profile fields and a custom emoji follows our member, is followed
/// back; its Note with a mention and a hashtag, then its edit, its profile update and its
/// Delete with a Tombstone, each with a linked-data signature we ignore.
async fn mastodon_fixtures(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let web = browser(&app, "dana").await;
    let mastodon = Remote::start(&app, "https://mastodon.example", &["actor"], "dana").await;
    let claire_actor = format!("{}/users/claire", mastodon.base);

    let (s, body) = mastodon.deliver(&app, "follow", &[]).await;
    assert_eq!(s, 202, "{body}");
    let accept = mastodon.sent("Accept").await;
    assert_eq!(accept["object"]["actor"], claire_actor.as_str());
    assert!(accept["actor"].is_string());

    let found = api(
        &app,
        &token,
        &format!(
            "/api/v1/accounts/lookup?handle={}",
            mastodon.handle("claire")
        ),
    )
    .await;
    let claire = found["account"].clone();
    assert_eq!(claire["display_name"], "Claire Dubois :verified:");
    assert_eq!(claire["kind"], "person");
    assert!(
        claire["bio_html"]
            .as_str()
            .unwrap()
            .contains("Conseillère en insertion")
    );
    assert!(
        claire["avatar_url"]
            .as_str()
            .unwrap()
            .ends_with("avatar.png")
    );
    let id = claire["id"].as_i64().unwrap();
    assert_eq!(
        api_post(&app, &token, &format!("/api/v1/accounts/{id}/follow")).await,
        200
    );
    let follow = mastodon.sent("Follow").await;
    assert_eq!(follow["object"], claire_actor.as_str());
    let (s, body) = mastodon
        .deliver(
            &app,
            "accept",
            &[("{{OUR_FOLLOW}}", follow["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(
        api(&app, &token, &format!("/api/v1/accounts/{id}")).await["following"],
        "accepted"
    );

    let (s, body) = mastodon.deliver(&app, "create-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    let home = api(&app, &token, "/api/v1/timelines/home").await;
    let post = &home[0];
    let html = post["content_html"].as_str().unwrap();
    assert!(html.contains(r#"class="u-url mention""#), "{html}");
    assert!(html.contains("@<span>dana</span>"), "{html}");
    assert!(
        html.contains(r#"class="mention hashtag""#) && html.contains("#<span>emploi</span>"),
        "{html}"
    );
    assert!(html.contains("merci pour l'atelier CV"), "{html}");
    assert_eq!(post["language"], "fr");
    assert_eq!(post["visibility"], "public");
    // the Mention tag of dana is a notification
    let notes = api(&app, &token, "/api/v1/notifications").await;
    let mention = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "mention")
        .unwrap_or_else(|| panic!("a mention notification: {notes}"));
    assert_eq!(mention["account"]["ap_id"], claire_actor.as_str());
    assert_eq!(
        mention["object"],
        format!("{}/@claire/113512345678901234", mastodon.base)
    );
    let handle = mastodon.handle("claire");
    let profile = page(&app, &web, &format!("/@{handle}")).await;
    assert!(profile.contains("Claire Dubois"), "{profile}");
    assert!(profile.contains("atelier CV"), "{profile}");

    let (s, body) = mastodon.deliver(&app, "update-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    let home = api(&app, &token, "/api/v1/timelines/home").await;
    assert!(
        home[0]["content_html"]
            .as_str()
            .unwrap()
            .contains("atelier CV de jeudi")
    );
    assert!(home[0]["updated"].is_string());

    let (s, body) = mastodon.deliver(&app, "update-actor", &[]).await;
    assert_eq!(s, 202, "{body}");
    let claire = &api(&app, &token, &format!("/api/v1/accounts/{id}")).await["account"];
    assert_eq!(claire["display_name"], "Claire Dubois", "{claire}");
    assert!(
        claire["bio_html"]
            .as_str()
            .unwrap()
            .contains("Villeurbanne")
    );

    let (s, body) = mastodon.deliver(&app, "delete-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(api(&app, &token, "/api/v1/timelines/home").await, json!([]));
    assert!(
        !page(&app, &web, &format!("/@{handle}"))
            .await
            .contains("atelier CV")
    );

    // Claire answers a post of dana's (and mentions her): one notification, a reply
    let r = app
        .http
        .post(app.url("/api/v1/posts"))
        .bearer_auth(&token)
        .json(&json!({"text": "Atelier CV jeudi à 14 h", "visibility": "public"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let ours: Value = r.json().await.unwrap();
    let parent = format!(r#""inReplyTo":"{}""#, ours["ap_id"].as_str().unwrap());
    let before = api(&app, &token, "/api/v1/notifications").await;
    let (s, body) = mastodon
        .deliver(
            &app,
            "create-note",
            &[
                ("113512345678901234", "113512345678905678"),
                (r#""inReplyTo":null"#, &parent),
            ],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    let notes = api(&app, &token, "/api/v1/notifications").await;
    assert_eq!(notes[0]["kind"], "reply", "{notes}");
    assert_eq!(notes[0]["account"]["ap_id"], claire_actor.as_str());
    assert_eq!(
        notes[0]["object"],
        format!("{}/@claire/113512345678905678", mastodon.base)
    );
    assert_eq!(
        notes.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 1,
        "told once: {notes}"
    );
    let replies = format!("/api/v1/posts/{}/replies", ours["id"]);
    let shown = api(&app, &token, &replies).await;
    assert_eq!(
        shown[0]["author"]["ap_id"],
        claire_actor.as_str(),
        "{shown}"
    );

    // once dana blocks Claire, her answers are neither shown to dana nor notified
    let claire_id = notes[0]["account"]["id"].as_i64().unwrap();
    assert_eq!(
        api_post(&app, &token, &format!("/api/v1/accounts/{claire_id}/block")).await,
        204
    );
    let (s, body) = mastodon
        .deliver(
            &app,
            "create-note",
            &[
                ("113512345678901234", "113512345678909999"),
                (r#""inReplyTo":null"#, &parent),
            ],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(api(&app, &token, &replies).await, json!([]));
    let after = api(&app, &token, "/api/v1/notifications").await;
    assert_eq!(
        (after.as_array().unwrap().len(), &after[0]["id"]),
        (notes.as_array().unwrap().len(), &notes[0]["id"]),
        "nothing new from Claire: {after}"
    );
}
both_backends!(mastodon_fixtures);

/// Mastodon 4.x direct message: a Note addressed only to our member (`to` = [member], `cc`
/// empty, a Mention tag, no `directMessage`) arrives as a message, not a post; the answer goes
/// back addressed the same way; once blocked, Claire's messages are not stored any more.
async fn mastodon_direct_message(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let mastodon = Remote::start(&app, "https://mastodon.example", &["actor"], "dana").await;
    let claire_actor = format!("{}/users/claire", mastodon.base);

    let (s, body) = mastodon.deliver(&app, "direct-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(api(&app, &token, "/api/v1/timelines/home").await, json!([]));
    let list = api(&app, &token, "/api/v1/conversations").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let conversation = &list[0];
    assert_eq!(conversation["unread"], 1);
    assert_eq!(conversation["accounts"][0]["ap_id"], claire_actor.as_str());
    let html = conversation["last_message"]["content_html"]
        .as_str()
        .unwrap();
    assert!(html.contains("le poste de conseillère"), "{html}");
    let unread = api(&app, &token, "/api/v1/notifications/unread").await;
    assert_eq!(unread, json!({"notifications": 1, "messages": 1}));
    let notes = api(&app, &token, "/api/v1/notifications").await;
    assert_eq!(notes[0]["kind"], "message");
    assert_eq!(
        notes[0]["object"],
        format!("/messages/{}", conversation["id"])
    );

    // dana answers: a Create addressed to Claire only, threaded on her Note
    let id = conversation["id"].as_i64().unwrap();
    let r = app
        .http
        .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
        .bearer_auth(&token)
        .json(&json!({"text": "Oui, envoyez-le moi !"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let create = mastodon.sent("Create").await;
    let note = &create["object"];
    assert_eq!(create["to"], json!([claire_actor]));
    assert_eq!(note["to"], json!([claire_actor]));
    assert_eq!(note["cc"], json!([]));
    assert_eq!(note["tag"][0]["type"], "Mention");
    assert_eq!(note["tag"][0]["href"], claire_actor.as_str());
    assert_eq!(
        note["inReplyTo"],
        format!("{}/users/claire/statuses/113512399988877766", mastodon.base)
    );
    assert!(!create.to_string().contains("#Public"), "{create}");
    assert!(!create.to_string().contains("followers"), "{create}");
    let shown = api(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(shown["messages"].as_array().unwrap().len(), 2);
    // reading marks it read
    assert_eq!(
        api_post(&app, &token, &format!("/api/v1/conversations/{id}/read")).await,
        204
    );
    assert_eq!(
        api(&app, &token, "/api/v1/notifications/unread").await["messages"],
        0
    );

    // a Create naming the message only by its id: fetched (signed) from Claire's server, and
    // a message too, in the same conversation
    let mut later = mastodon.load("direct-note");
    let note_id = format!("{}/users/claire/statuses/113512399988870001", mastodon.base);
    later["object"]["id"] = json!(note_id);
    later["object"]["content"] = json!("<p>Je vous envoie le CV ce soir.</p>");
    later["object"]["contentMap"] = json!({"fr": "<p>Je vous envoie le CV ce soir.</p>"});
    let path = url::Url::parse(&note_id).unwrap().path().to_string();
    mastodon
        .docs
        .lock()
        .unwrap()
        .insert(path, later["object"].clone());
    later["id"] = json!(format!("{note_id}/activity"));
    later["object"] = json!(note_id);
    let (s, body) = mastodon.deliver_value(&app, later).await;
    assert_eq!(s, 202, "{body}");
    let shown = api(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    let messages = shown["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{shown}");
    assert!(
        messages[2]["content_html"]
            .as_str()
            .unwrap()
            .contains("le CV ce soir")
    );
    assert_eq!(api(&app, &token, "/api/v1/timelines/home").await, json!([]));
    assert_eq!(
        api_post(&app, &token, &format!("/api/v1/conversations/{id}/read")).await,
        204
    );

    // Claire edits her message (Mastodon allows it): the text changes, nothing else
    let (s, body) = mastodon.deliver(&app, "update-direct-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    let shown = api(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    let html = shown["messages"][0]["content_html"].as_str().unwrap();
    assert!(html.contains("mon CV dès demain"), "{html}");
    assert_eq!(shown["messages"].as_array().unwrap().len(), 3);
    assert_eq!(api(&app, &token, "/api/v1/timelines/home").await, json!([]));

    // dana blocks Claire: her server is told, and her next message is not stored
    let claire_id = conversation["accounts"][0]["id"].as_i64().unwrap();
    assert_eq!(
        api_post(&app, &token, &format!("/api/v1/accounts/{claire_id}/block")).await,
        204
    );
    let block = mastodon.sent("Block").await;
    assert_eq!(block["object"], claire_actor.as_str());
    let (s, body) = mastodon
        .deliver(
            &app,
            "direct-note",
            &[("113512399988877766", "113512399988877999")],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    let shown = api(&app, &token, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(shown["messages"].as_array().unwrap().len(), 3, "{shown}");
    assert_eq!(
        api(&app, &token, "/api/v1/notifications/unread").await["messages"],
        0
    );
}
both_backends!(mastodon_direct_message);

/// GoToSocial: its key id is `<actor>/main-key`, single values stand where others put lists
/// (`to`, `tag`), and a Delete names the post by URL.
async fn gotosocial_fixtures(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let web = browser(&app, "dana").await;
    let gts = Remote::start(&app, "https://gts.example", &["actor"], "dana").await;

    let (s, body) = gts.deliver(&app, "follow", &[]).await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(
        gts.sent("Accept").await["object"]["id"],
        format!("{}/users/theo/follow/01JD9A2B4C6D8E0F2G4H6J8K0M", gts.base)
    );

    let (s, body) = gts.deliver(&app, "create-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    let found = api(
        &app,
        &token,
        &format!("/api/v1/accounts/lookup?handle={}", gts.handle("theo")),
    )
    .await;
    let theo = &found["account"];
    assert_eq!(theo["display_name"], "Théo");
    assert_eq!(theo["locked"], true, "{theo}");
    let posts = api(
        &app,
        &token,
        &format!("/api/v1/accounts/{}/posts", theo["id"]),
    )
    .await;
    let html = posts[0]["content_html"].as_str().unwrap();
    assert!(html.contains("@<span>dana</span>"), "{html}");
    assert!(html.contains("la session numérique de lundi"), "{html}");
    assert!(!html.contains("target="), "{html}");
    assert_eq!(posts[0]["language"], "fr");
    let profile = page(&app, &web, &format!("/@{}", gts.handle("theo"))).await;
    assert!(
        profile.contains("la session numérique de lundi"),
        "{profile}"
    );

    let (s, body) = gts.deliver(&app, "delete-note", &[]).await;
    assert_eq!(s, 202, "{body}");
    let posts = api(
        &app,
        &token,
        &format!("/api/v1/accounts/{}/posts", theo["id"]),
    )
    .await;
    assert_eq!(posts, json!([]));
}
both_backends!(gotosocial_fixtures);

/// Lemmy: our member finds a community (`Group`) and joins it; its Accept carries extra
/// addressing; a comment mentioning her arrives from a Lemmy user; the community's `Announce`
/// of a member's `Create(Page)` shows as a thread of the community.
async fn lemmy_fixtures(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let lemmy = Remote::start(&app, "https://lemmy.example", &["group", "person"], "dana").await;

    let found = api(
        &app,
        &token,
        &format!(
            "/api/v1/communities/lookup?handle={}",
            lemmy.handle("emploi")
        ),
    )
    .await;
    let group = found["account"].clone();
    assert_eq!(group["kind"], "group", "{group}");
    assert_eq!(group["display_name"], "Emploi et formation");
    assert_eq!(found["access"], "open");
    let id = group["id"].as_i64().unwrap();
    let r = app
        .http
        .post(app.url(&format!("/api/v1/communities/{id}/join")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"accept_charter": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let follow = lemmy.sent("Follow").await;
    assert!(follow["actor"].is_string() && follow["object"].is_string());
    let (s, body) = lemmy
        .deliver(
            &app,
            "accept",
            &[("{{OUR_FOLLOW}}", follow["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(
        api(&app, &token, &format!("/api/v1/communities/{id}")).await["state"],
        "accepted"
    );

    let (s, body) = lemmy.deliver(&app, "create-comment", &[]).await;
    assert_eq!(s, 202, "{body}");
    let found = api(
        &app,
        &token,
        &format!("/api/v1/accounts/lookup?handle={}", lemmy.handle("lucas")),
    )
    .await;
    assert_eq!(found["account"]["display_name"], "Lucas");
    let posts = api(
        &app,
        &token,
        &format!("/api/v1/accounts/{}/posts", found["account"]["id"]),
    )
    .await;
    let comment = &posts[0];
    assert!(
        comment["content_html"]
            .as_str()
            .unwrap()
            .contains("modèle de CV")
    );
    assert_eq!(comment["in_reply_to"], format!("{}/post/90311", lemmy.base));

    let (s, body) = lemmy.deliver(&app, "announce-create-page", &[]).await;
    assert_eq!(s, 202, "{body}");
    let threads = api(&app, &token, &format!("/api/v1/communities/{id}/threads")).await;
    assert_eq!(
        threads[0]["title"], "Quel modèle de CV pour une reconversion ?",
        "{threads}"
    );
    assert_eq!(threads[0]["author"]["display_name"], "Lucas");
    assert!(
        threads[0]["content"]
            .as_str()
            .unwrap()
            .contains("développement web")
    );
}
both_backends!(lemmy_fixtures);

/// Lemmy the other way: a Lemmy user joins our open community (Lemmy's `Follow`), gets our
/// `Accept`, and starts a thread with Lemmy's `Create(Page)`; the thread is stored (its HTML
/// sanitised) and the group announces the `Create` unchanged to its members' servers.
async fn lemmy_joins_our_community(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("dana").await;
    let r = app
        .http
        .post(app.url("/api/v1/communities"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"handle": "alternance", "name": "Alternance", "access": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let community: Value = r.json().await.unwrap();
    let id = community["account"]["id"].as_i64().unwrap();
    let mut lemmy = Remote::start(&app, "https://lemmy.example", &["person"], "dana").await;
    lemmy
        .vars
        .push(("{{OUR_GROUP}}".into(), app.url("/c/alternance")));

    let (s, body) = lemmy.deliver(&app, "follow-community", &[]).await;
    assert_eq!(s, 202, "{body}");
    let accept = lemmy.sent("Accept").await;
    assert_eq!(accept["actor"], app.url("/c/alternance"));
    assert_eq!(accept["object"]["type"], "Follow");
    let members = api(&app, &token, &format!("/api/v1/communities/{id}/members")).await;
    assert_eq!(members.as_array().unwrap().len(), 2, "{members}");

    let (s, body) = lemmy.deliver(&app, "create-page-to-community", &[]).await;
    assert_eq!(s, 202, "{body}");
    let threads = api(&app, &token, &format!("/api/v1/communities/{id}/threads")).await;
    assert_eq!(
        threads[0]["title"], "Forum de l’alternance samedi",
        "{threads}"
    );
    let content = threads[0]["content"].as_str().unwrap();
    assert!(content.contains("On peut y aller ensemble") && !content.contains("script"));
    let announce = lemmy.sent("Announce").await;
    assert_eq!(announce["actor"], app.url("/c/alternance"));
    assert_eq!(
        announce["object"]["id"],
        "https://lemmy.example/activities/create/5b7d9f1a-3c5e-4a7b-9d1f-2e4c6a8b0d3f"
            .replace("https://lemmy.example", &lemmy.base)
    );
    // unchanged: Lemmy's own properties are still there
    assert_eq!(announce["object"]["object"]["language"]["identifier"], "fr");
    assert!(announce["object"].get("@context").is_none());

    // the same message sent again under another activity id: stored once, announced once
    let (s, body) = lemmy
        .deliver(
            &app,
            "create-page-to-community",
            &[("create/5b7d9f1a", "create/0a0a0a0a")],
        )
        .await;
    assert_eq!(s, 202, "{body}");
    let threads = api(&app, &token, &format!("/api/v1/communities/{id}/threads")).await;
    assert_eq!(threads.as_array().unwrap().len(), 1, "{threads}");
    let announces: i64 = app
        .state()
        .db
        .read(|c| {
            Ok(activities::table
                .filter(activities::kind.eq("Announce"))
                .count()
                .get_result(c)?)
        })
        .await
        .unwrap();
    assert_eq!(announces, 1);

    // the member inboxes are kept in memory; every change of membership or inbox is seen
    let inboxes = || {
        let state = app.state().clone();
        async move {
            let db = state.db.clone();
            db.read(move |c| Ok(model::member_inboxes(c, &state.community_inboxes, id)?.to_vec()))
                .await
                .unwrap()
        }
    };
    let first = inboxes().await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].starts_with(&lemmy.base), "{first:?}");
    let moved = "https://elsewhere.example/inbox";
    app.state()
        .db
        .write(move |c| {
            diesel::update(actors::table.filter(actors::local.eq(false)))
                .set(actors::shared_inbox_url.eq(Some(moved)))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(inboxes().await, [moved]);
    // a ban rolled back leaves the list as it was, even though it was read inside it
    let state = app.state().clone();
    let refused = app
        .state()
        .db
        .write(move |c| {
            ban_remote_members(c, id)?;
            assert!(model::member_inboxes(c, &state.community_inboxes, id)?.is_empty());
            Err::<(), _>(passerelle::error::AppError::BadRequest(
                "rolled back".into(),
            ))
        })
        .await;
    assert!(refused.is_err());
    assert_eq!(inboxes().await, [moved]);
    app.state()
        .db
        .write(move |c| ban_remote_members(c, id))
        .await
        .unwrap();
    assert!(inboxes().await.is_empty());
}
both_backends!(lemmy_joins_our_community);

fn ban_remote_members(
    c: &mut passerelle::db::DbConn,
    community: i64,
) -> passerelle::error::AppResult<()> {
    let remote = actors::table
        .filter(actors::local.eq(false))
        .select(actors::id);
    diesel::update(
        community_members::table
            .filter(community_members::community_id.eq(community))
            .filter(community_members::member_id.eq_any(remote)),
    )
    .set(community_members::state.eq(model::BANNED))
    .execute(c)?;
    Ok(())
}
