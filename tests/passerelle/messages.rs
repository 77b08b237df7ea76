//! Direct messages, notifications and their emails on one instance: each local cause produces
//! its notification, read state, leaving a conversation, refusing people one does not follow,
//! the pages and forms, and emails sent to a real SMTP server on a local socket.

use crate::{Backend, TestApp, both_backends, eventually, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
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

async fn account_id(app: &TestApp, token: &str, name: &str) -> i64 {
    get(
        app,
        token,
        &format!("/api/v1/accounts/lookup?handle={name}"),
    )
    .await["account"]["id"]
        .as_i64()
        .unwrap()
}

/// The kinds of a member's notifications, newest first.
async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    get(app, token, "/api/v1/notifications")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Gives `name` a role, as `passerelle user role` would.
/// Follows (automatic and approved), messages and reports each tell the right people; read
/// state and per-kind settings.
async fn local_causes_notify(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let carol = app.member("carol").await;
    let moderator = app.member("mona").await;
    app.set_role("mona", "moderator").await;
    let alice_id = account_id(&app, &carol, "alice").await;
    let bob_id = account_id(&app, &carol, "bob").await;

    // a new follower
    let (s, _) = post(
        &app,
        &carol,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    let notes = get(&app, &alice, "/api/v1/notifications").await;
    assert_eq!(notes[0]["kind"], "follow");
    assert_eq!(notes[0]["account"]["username"], "carol");
    assert_eq!(notes[0]["read"], false);

    // a request to a locked profile, then its approval
    let r = app
        .http
        .put(app.url("/api/v1/me/profile"))
        .bearer_auth(&bob)
        .json(&json!({"display_name": "Bob", "locked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    post(
        &app,
        &carol,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(kinds(&app, &bob).await, ["follow_request"]);
    let carol_id = account_id(&app, &bob, "carol").await;
    let (s, _) = post(
        &app,
        &bob,
        &format!("/api/v1/follow-requests/{carol_id}/accept"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let notes = get(&app, &carol, "/api/v1/notifications").await;
    assert_eq!(notes[0]["kind"], "follow_accepted");
    assert_eq!(notes[0]["account"]["username"], "bob");

    // a message, to two people at once
    let (s, m) = post(
        &app,
        &alice,
        "/api/v1/conversations",
        json!({"to": [bob_id, carol_id], "text": "Réunion jeudi ?"}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    for who in [&bob, &carol] {
        let notes = get(&app, who, "/api/v1/notifications").await;
        assert_eq!(notes[0]["kind"], "message");
        assert_eq!(
            notes[0]["object"],
            format!("/messages/{}", m["conversation_id"])
        );
    }
    // carol answers: one conversation of three people for everyone
    let carol_conversations = get(&app, &carol, "/api/v1/conversations").await;
    assert_eq!(
        carol_conversations[0]["accounts"].as_array().unwrap().len(),
        2
    );
    let id = carol_conversations[0]["id"].as_i64().unwrap();
    let (s, _) = post(
        &app,
        &carol,
        &format!("/api/v1/conversations/{id}/messages"),
        json!({"text": "Oui, 10 h."}),
    )
    .await;
    assert_eq!(s, 201);
    let bobs = get(&app, &bob, "/api/v1/conversations").await;
    assert_eq!(bobs.as_array().unwrap().len(), 1);
    assert_eq!(bobs[0]["unread"], 2);
    assert_eq!(
        get(&app, &alice, "/api/v1/conversations").await[0]["unread"],
        1
    );

    // a report tells moderators, not members
    let (s, v) = post(
        &app,
        &bob,
        "/api/v1/reports",
        json!({"account_id": alice_id, "reason": "Démarchage"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let notes = get(&app, &moderator, "/api/v1/notifications").await;
    assert_eq!(notes[0]["kind"], "report");
    assert_eq!(notes[0]["account"]["username"], "alice");
    assert!(!kinds(&app, &carol).await.contains(&"report".to_string()));

    // unread counts, one read, all read
    assert_eq!(
        get(&app, &carol, "/api/v1/notifications/unread").await,
        json!({"notifications": 2, "messages": 0})
    );
    let first = get(&app, &carol, "/api/v1/notifications").await[1]["id"].clone();
    let (s, _) = post(
        &app,
        &carol,
        &format!("/api/v1/notifications/{first}/read"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(
        get(&app, &carol, "/api/v1/notifications/unread").await["notifications"],
        1
    );
    let (s, _) = post(
        &app,
        &bob,
        &format!("/api/v1/notifications/{first}/read"),
        json!({}),
    )
    .await;
    assert_eq!(s, 404, "not bob's notification");
    post(&app, &carol, "/api/v1/notifications/read", json!({})).await;
    assert_eq!(
        get(&app, &carol, "/api/v1/notifications/unread").await["notifications"],
        0
    );

    // turned off: not stored
    // communities: a request to join (managers), its acceptance, an invitation
    let (s, c) = post(
        &app,
        &alice,
        "/api/v1/communities",
        json!({"handle": "cercle", "name": "Cercle", "access": "closed"}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let community = c["account"]["id"].as_i64().unwrap();
    let (s, j) = post(
        &app,
        &bob,
        &format!("/api/v1/communities/{community}/join"),
        json!({}),
    )
    .await;
    assert_eq!((s, j["state"].as_str()), (200, Some("pending")));
    assert_eq!(kinds(&app, &alice).await[0], "community_request");
    let (s, _) = post(
        &app,
        &alice,
        &format!("/api/v1/communities/{community}/members/{bob_id}"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(kinds(&app, &bob).await[0], "community_accepted");
    let (s, _) = post(
        &app,
        &alice,
        &format!("/api/v1/communities/{community}/invitations"),
        json!({"username": "carol"}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(kinds(&app, &carol).await[0], "community_invitation");

    let r = app
        .http
        .put(app.url("/api/v1/notifications/settings"))
        .bearer_auth(&alice)
        .json(
            &json!({"kinds": [{"kind": "follow", "enabled": false, "email": false}],
            "email": "off", "messages_from_followed_only": false}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let settings: Value = r.json().await.unwrap();
    assert_eq!(
        settings["kinds"][0],
        json!({"kind": "follow", "enabled": false, "email": false})
    );
    assert_eq!(settings["kinds"][5]["enabled"], true);
    let before = kinds(&app, &alice).await.len();
    post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(kinds(&app, &alice).await.len(), before);
    // emails cannot be chosen: this server has no SMTP server
    let r = app
        .http
        .put(app.url("/api/v1/notifications/settings"))
        .bearer_auth(&alice)
        .json(&json!({"kinds": [], "email": "immediate", "messages_from_followed_only": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["fields"][0]["code"], "email_off", "{v}");
}
both_backends!(local_causes_notify);

/// Leaving a conversation, refusing people one does not follow, and blocks between members.
async fn leaving_refusing_and_blocking(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let alice_id = account_id(&app, &bob, "alice").await;
    let bob_id = account_id(&app, &alice, "bob").await;

    let (s, m) = post(
        &app,
        &alice,
        "/api/v1/conversations",
        json!({"to": [bob_id], "text": "Salut"}),
    )
    .await;
    assert_eq!(s, 201);
    let id = m["conversation_id"].as_i64().unwrap();
    let (s, _) = post(
        &app,
        &bob,
        &format!("/api/v1/conversations/{id}/leave"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(get(&app, &bob, "/api/v1/conversations").await, json!([]));
    let r = app
        .http
        .get(app.url(&format!("/api/v1/conversations/{id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // later messages do not bring it back
    post(
        &app,
        &alice,
        &format!("/api/v1/conversations/{id}/messages"),
        json!({"text": "Tu es là ?"}),
    )
    .await;
    assert_eq!(get(&app, &bob, "/api/v1/conversations").await, json!([]));
    assert_eq!(
        get(&app, &bob, "/api/v1/notifications/unread").await["messages"],
        0
    );
    // writing to the same people again does
    let (s, _) = post(
        &app,
        &bob,
        "/api/v1/conversations",
        json!({"to": [alice_id], "text": "Oui"}),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(get(&app, &bob, "/api/v1/conversations").await[0]["id"], id);

    // refusing messages from people one does not follow
    let r = app
        .http
        .put(app.url("/api/v1/notifications/settings"))
        .bearer_auth(&bob)
        .json(&json!({"kinds": [], "email": "off", "messages_from_followed_only": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, v) = post(
        &app,
        &alice,
        "/api/v1/conversations",
        json!({"to": [bob_id], "text": "Encore moi"}),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("people they follow"),
        "{v}"
    );
    post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    let (s, _) = post(
        &app,
        &alice,
        "/api/v1/conversations",
        json!({"to": [bob_id], "text": "Encore moi"}),
    )
    .await;
    assert_eq!(s, 201);

    // bob blocks alice: her follow ends, she cannot follow or write; her followers-only posts
    // stay hidden from him
    post(
        &app,
        &alice,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        json!({}),
    )
    .await;
    let (s, _) = post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/block"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    let rel = get(&app, &alice, &format!("/api/v1/accounts/{bob_id}")).await;
    assert_eq!(rel["following"], "none");
    assert_eq!(
        get(&app, &bob, &format!("/api/v1/accounts/{alice_id}")).await["following"],
        "none"
    );
    let (s, v) = post(
        &app,
        &alice,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        json!({}),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = post(
        &app,
        &alice,
        "/api/v1/conversations",
        json!({"to": [bob_id], "text": "?"}),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = post(
        &app,
        &bob,
        "/api/v1/conversations",
        json!({"to": [alice_id], "text": "?"}),
    )
    .await;
    assert_eq!(s, 403, "the blocker is told to unblock first: {v}");
    assert!(v["message"].as_str().unwrap().contains("unblock"), "{v}");
    let blocks = get(&app, &bob, "/api/v1/blocks").await;
    assert_eq!(blocks[0]["username"], "alice");
    // bob's data archive holds his conversations and his blocks
    let bytes = app
        .http
        .get(app.url("/api/v1/me/archive"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("messages.json").unwrap(), &mut text).unwrap();
    let archived: Value = serde_json::from_str(&text).unwrap();
    let texts: Vec<&str> = archived[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["html"].as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"<p>Salut</p>") && texts.contains(&"<p>Oui</p>"),
        "{archived}"
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("blocked.csv").unwrap(), &mut text).unwrap();
    assert_eq!(
        text,
        format!("alice@{}", app.base.trim_start_matches("http://"))
    );
    let (s, _) = post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/unblock"),
        json!({}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(get(&app, &bob, "/api/v1/blocks").await, json!([]));

    // alice closes her account: her messages go with it
    let r = app
        .http
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&alice)
        .json(&json!({"password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let shown = get(&app, &bob, &format!("/api/v1/conversations/{id}")).await;
    let authors: Vec<&str> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author"]["username"].as_str().unwrap())
        .collect();
    assert!(
        !authors.is_empty() && authors.iter().all(|a| *a == "bob"),
        "{shown}"
    );
}
both_backends!(leaving_refusing_and_blocking);

/// A browser without JavaScript writes, reads, answers and leaves, with the unread badges in
/// the navigation, and changes the settings (which say that emails are off here).
async fn message_pages_and_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = Browser::signed_up(&app, "alice").await;
    let bob = Browser::signed_up(&app, "bob").await;

    let page = alice.get("/@bob").await;
    assert!(page.contains("/messages/new?to=%40bob"), "{page}");
    let r = alice
        .submit(
            "/messages/new?to=@bob",
            "/messages/new",
            &[("to", "@bob"), ("text", "Bonjour Bob !")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let conversation = location(&r);
    assert!(conversation.starts_with("/messages/"), "{conversation}");
    // an unknown person is explained on the form
    let r = alice
        .submit(
            "/messages/new",
            "/messages/new",
            &[("to", "@personne"), ("text", "Allô")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(text.contains("Personne n’a été trouvé"), "{text}");
    assert!(text.contains("Allô"), "the text is kept: {text}");

    // bob sees the badges, the notification and the conversation
    let home = bob.get("/").await;
    assert!(
        home.contains(r#"href="/messages">Messages <span class="badge">1"#),
        "{home}"
    );
    assert!(
        home.contains(r#"href="/notifications">Notifications <span class="badge">1"#),
        "{home}"
    );
    let notes = bob.get("/notifications").await;
    assert!(notes.contains("alice (@alice) vous a écrit."), "{notes}");
    assert!(
        notes.contains(&format!(r#"href="{conversation}""#)),
        "{notes}"
    );
    let list = bob.get("/messages").await;
    assert!(list.contains("Bonjour Bob !"), "{list}");
    let shown = bob.get(&conversation).await;
    assert!(shown.contains("Bonjour Bob !"), "{shown}");
    let home = bob.get("/").await;
    assert!(
        !home.contains(r#"href="/messages">Messages <span class="badge">"#),
        "read: {home}"
    );
    let r = bob
        .submit(&conversation, &conversation, &[("text", "Bonjour Alice.")])
        .await;
    assert_eq!(r.status(), 303);
    assert!(alice.get(&conversation).await.contains("Bonjour Alice."));
    let r = bob
        .submit("/notifications", "/notifications/read", &[])
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        !bob.get("/")
            .await
            .contains(r#"href="/notifications">Notifications <span class="badge">"#)
    );
    let r = bob
        .submit(&conversation, &format!("{conversation}/leave"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert!(bob.get("/messages").await.contains("Aucune conversation"));

    // settings: emails are off on this server; refusing unfollowed people refuses alice
    let settings = bob.get("/settings/notifications").await;
    assert!(
        settings.contains("Ce serveur n’envoie pas de courriels"),
        "{settings}"
    );
    assert!(settings.contains("Nouvel abonné"), "{settings}");
    assert!(
        !settings.contains("Signalement"),
        "staff kinds are for staff: {settings}"
    );
    let r = bob
        .submit(
            "/settings/notifications",
            "/settings/notifications",
            &[
                ("enabled-message", "on"),
                ("email", "off"),
                ("followed_only", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let settings = bob.get("/settings/notifications?saved=1").await;
    assert!(
        settings.contains(r#"name="followed_only" checked"#),
        "{settings}"
    );
    assert!(
        settings.contains(
            r#"name="enabled-message" aria-labelledby="kind-message shown-label" checked"#
        )
    );
    assert!(
        !settings
            .contains(r#"name="enabled-follow" aria-labelledby="kind-follow shown-label" checked"#)
    );
    let r = alice
        .submit(
            "/messages/new",
            "/messages/new",
            &[("to", "@bob"), ("text", "Encore")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("only accepts messages from people they follow"),
        "{text}"
    );

    // blocking from the profile page
    let r = bob
        .submit(
            "/@alice",
            &format!("/block/{}", alice.actor_id("alice").await),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        bob.get("/@alice")
            .await
            .contains("Vous avez bloqué cette personne.")
    );
    assert!(
        bob.get("/settings/notifications")
            .await
            .contains("Débloquer alice")
    );
}
both_backends!(message_pages_and_forms);

/// A browser with its own cookies, signed up through the form.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

fn location(r: &reqwest::Response) -> String {
    r.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

impl<'a> Browser<'a> {
    async fn signed_up(app: &'a TestApp, name: &str) -> Browser<'a> {
        let b = Browser {
            app,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let r = b
            .submit(
                "/register",
                "/register",
                &[("username", name), ("password", "a long enough password")],
            )
            .await;
        assert_eq!(r.status(), 303);
        b
    }

    async fn get(&self, path: &str) -> String {
        let r = self.client.get(self.app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }

    async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let page = self.get(page).await;
        let start = page.find(r#"name="csrf" value=""#).unwrap() + 19;
        let csrf = page[start..].split('"').next().unwrap().to_string();
        let mut body = vec![("csrf", csrf.as_str())];
        body.extend_from_slice(fields);
        self.client
            .post(self.app.url(action))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    async fn actor_id(&self, name: &str) -> i64 {
        use diesel::prelude::*;
        use passerelle::db::schema::actors;
        let name = name.to_string();
        self.app
            .state()
            .db
            .read(move |c| {
                Ok(actors::table
                    .filter(actors::username.eq(&name))
                    .filter(actors::local.eq(true))
                    .select(actors::id)
                    .get_result(c)?)
            })
            .await
            .unwrap()
    }
}

/// An SMTP server on a local socket that accepts every message (EHLO, MAIL, RCPT, DATA) and
/// keeps the recipients and the data of each — after refusing the first `refuse` messages
/// with a temporary error (451), as a busy server does.
#[derive(Clone, Default)]
struct SmtpSink {
    received: Arc<Mutex<Vec<Email>>>,
    refused: Arc<Mutex<usize>>,
}

/// The recipients and the data of one email received by [`SmtpSink`].
type Email = (Vec<String>, String);

impl SmtpSink {
    async fn start() -> (SmtpSink, u16) {
        SmtpSink::refusing(0).await
    }

    async fn refusing(refuse: usize) -> (SmtpSink, u16) {
        let sink = SmtpSink::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (received, refused) = (sink.received.clone(), sink.refused.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (received, refused) = (received.clone(), refused.clone());
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut rcpt = vec![];
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let answer: &[u8] =
                            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                                b"250-sink\r\n250 8BITMIME\r\n"
                            } else if upper.starts_with("RCPT TO:") {
                                rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                                b"250 OK\r\n"
                            } else if upper.starts_with("DATA") {
                                write.write_all(b"354 go on\r\n").await.unwrap();
                                let mut data = String::new();
                                while let Ok(Some(l)) = lines.next_line().await {
                                    if l == "." {
                                        break;
                                    }
                                    data.push_str(&l);
                                    data.push('\n');
                                }
                                let mut count = refused.lock().unwrap();
                                if *count < refuse {
                                    *count += 1;
                                    rcpt.clear();
                                    b"451 try again later\r\n"
                                } else {
                                    received
                                        .lock()
                                        .unwrap()
                                        .push((std::mem::take(&mut rcpt), data));
                                    b"250 queued\r\n"
                                }
                            } else if upper.starts_with("QUIT") {
                                write.write_all(b"221 bye\r\n").await.unwrap();
                                return;
                            } else {
                                b"250 OK\r\n"
                            };
                        write.write_all(answer).await.unwrap();
                    }
                });
            }
        });
        (sink, port)
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// The recipients and the text of email `i`: headers, then the body decoded from its
    /// transfer encoding (7bit, quoted-printable or base64).
    fn email(&self, i: usize) -> (Vec<String>, String) {
        use base64::Engine;
        let (to, data) = self.received.lock().unwrap()[i].clone();
        let (headers, body) = data.split_once("\n\n").unwrap_or((&data, ""));
        let lower = headers.to_ascii_lowercase();
        let body = if lower.contains("content-transfer-encoding: base64") {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .unwrap(),
            )
            .unwrap()
        } else if lower.contains("content-transfer-encoding: quoted-printable") {
            let joined = body.replace("=\n", "");
            let bytes = joined.as_bytes();
            let mut out = vec![];
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' && i + 2 < bytes.len() {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        } else {
            body.to_string()
        };
        (to, format!("{headers}\n\n{body}"))
    }
}

/// With an SMTP server configured: one email per notification for `immediate`, one digest for
/// `daily` (no second one before the interval), none for kinds turned off by email.
async fn notification_emails(backend: Backend) {
    let (sink, port) = SmtpSink::start().await;
    let Some(app) = spawn_app_with(backend, |env| {
        for (k, v) in [
            ("PASSERELLE_EMAIL__SMTP_HOST", "localhost".to_string()),
            ("PASSERELLE_EMAIL__SMTP_PORT", port.to_string()),
            ("PASSERELLE_EMAIL__TLS", "none".into()),
            (
                "PASSERELLE_EMAIL__FROM",
                "Passerelle <passerelle@example.org>".into(),
            ),
            ("PASSERELLE_EMAIL__POLL_INTERVAL", "200ms".into()),
            ("PASSERELLE_EMAIL__DIGEST_INTERVAL", "3s".into()),
        ] {
            env.push((k.into(), v));
        }
    })
    .await
    else {
        return;
    };
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(
            &json!({"username": "alice", "password": "a long enough password",
            "email": "alice@example.org"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let alice: Value = app
        .http
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "alice", "password": "a long enough password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alice = alice["token"].as_str().unwrap().to_string();
    let bob = app.member("bob").await;
    let carol = app.member("carol").await;
    let alice_id = account_id(&app, &bob, "alice").await;
    let settings = |email: &str, follow_email: bool| {
        json!({"kinds": [{"kind": "follow", "enabled": true, "email": follow_email}],
            "email": email, "messages_from_followed_only": false})
    };
    let put = |body: Value| {
        let app = &app;
        let alice = alice.clone();
        async move {
            app.http
                .put(app.url("/api/v1/notifications/settings"))
                .bearer_auth(&alice)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    // immediate: bob follows alice, an email arrives
    assert_eq!(put(settings("immediate", true)).await, 200);
    post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    eventually(10, || async { (sink.count() == 1).then_some(()) }).await;
    let (to, data) = sink.email(0);
    assert_eq!(to, ["alice@example.org"]);
    assert!(data.contains("Subject:"), "{data}");
    assert!(data.contains("bob (@bob"), "{data}");
    assert!(
        data.contains("/@bob") || data.contains("/users/bob"),
        "{data}"
    );
    assert!(data.contains("/settings/notifications"), "{data}");

    // a kind not emailed: nothing more is sent
    assert_eq!(put(settings("immediate", false)).await, 200);
    post(
        &app,
        &carol,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(sink.count(), 1);

    // daily: the first digest comes one interval after choosing it, with both messages;
    // the next one an interval later
    assert_eq!(put(settings("daily", true)).await, 200);
    let (s, _) = post(
        &app,
        &bob,
        "/api/v1/conversations",
        json!({"to": [alice_id], "text": "Un"}),
    )
    .await;
    assert_eq!(s, 201);
    let carol_alice = account_id(&app, &carol, "alice").await;
    let (s, _) = post(
        &app,
        &carol,
        "/api/v1/conversations",
        json!({"to": [carol_alice], "text": "Deux"}),
    )
    .await;
    assert_eq!(s, 201);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(sink.count(), 1, "no digest before the interval");
    eventually(10, || async { (sink.count() == 2).then_some(()) }).await;
    let (_, digest) = sink.email(1);
    assert!(digest.contains("bob (@bob"), "{digest}");
    assert!(digest.contains("carol (@carol"), "{digest}");
    assert!(digest.contains("2 nouvelles notifications"), "{digest}");
    post(
        &app,
        &bob,
        "/api/v1/conversations",
        json!({"to": [alice_id], "text": "Trois"}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(sink.count(), 2, "one digest per interval");
    eventually(10, || async { (sink.count() == 3).then_some(()) }).await;
    assert!(sink.email(2).1.contains("bob (@bob"));
}
both_backends!(notification_emails);

/// The SMTP server refuses the first email (451): the notification is put back and sent at the
/// next round.
async fn refused_emails_are_sent_again(backend: Backend) {
    let (sink, port) = SmtpSink::refusing(1).await;
    let Some(app) = spawn_app_with(backend, |env| {
        for (k, v) in [
            ("PASSERELLE_EMAIL__SMTP_HOST", "localhost".to_string()),
            ("PASSERELLE_EMAIL__SMTP_PORT", port.to_string()),
            ("PASSERELLE_EMAIL__TLS", "none".into()),
            (
                "PASSERELLE_EMAIL__FROM",
                "Passerelle <passerelle@example.org>".into(),
            ),
            ("PASSERELLE_EMAIL__POLL_INTERVAL", "200ms".into()),
        ] {
            env.push((k.into(), v));
        }
    })
    .await
    else {
        return;
    };
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(
            &json!({"username": "alice", "password": "a long enough password",
            "email": "alice@example.org"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let alice: Value = app
        .http
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "alice", "password": "a long enough password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alice = alice["token"].as_str().unwrap();
    let r = app
        .http
        .put(app.url("/api/v1/notifications/settings"))
        .bearer_auth(alice)
        .json(&json!({"kinds": [], "email": "immediate", "messages_from_followed_only": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bob = app.member("bob").await;
    let alice_id = account_id(&app, &bob, "alice").await;
    post(
        &app,
        &bob,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        json!({}),
    )
    .await;
    eventually(10, || async { (sink.count() == 1).then_some(()) }).await;
    assert_eq!(
        *sink.refused.lock().unwrap(),
        1,
        "the first attempt was refused"
    );
    assert!(sink.email(0).1.contains("bob (@bob"));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(sink.count(), 1, "sent once");
}
both_backends!(refused_emails_are_sent_again);
