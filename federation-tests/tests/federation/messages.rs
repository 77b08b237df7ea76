//! Direct messages between real instances: a message and its answer, what a third server can
//! (not) read, and blocks stopping messages and follows.

use crate::{
    both_backends, instance,
    peering::{pending_deliveries_to, private_key},
};
use federation_tests::{Backend, Instance, Member, eventually};
use passerelle::federation::signatures::{sign_get, sign_post};
use serde_json::{Value, json};

/// The member's conversations, once there is at least one.
async fn conversations(m: &Member) -> Vec<Value> {
    let what = format!("{} has a conversation", m.handle);
    eventually(15, &what, || async {
        let (_, v) = m.get("/api/v1/conversations").await.ok()?;
        v.as_array().filter(|a| !a.is_empty()).cloned()
    })
    .await
}

/// A raw GET of `url` as ActivityPub, signed by `signer` (actor id on `inst`) or not at all.
pub async fn fetch(url: &str, signer: Option<(&Instance, &str)>) -> (u16, String) {
    let url = url::Url::parse(url).unwrap();
    let mut req = reqwest::Client::new()
        .get(url.clone())
        .header("accept", "application/activity+json");
    if let Some((inst, actor)) = signer {
        let key = private_key(inst, actor);
        req = req.headers(sign_get(&key, &url).unwrap());
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Alice (A) writes to Bob (B), Bob answers in the same conversation; the Note answers only
/// a signed request from a recipient's server (B), never an anonymous one or a third server (C).
async fn message_and_reply(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let bob_on_a = alice.lookup(&bob.handle).await.unwrap();

    let (s, sent) = alice
        .post(
            "/api/v1/conversations",
            json!({"to": [bob_on_a], "text": "Bonjour Bob, votre offre m’intéresse."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{sent}");
    let on_b = conversations(&bob).await;
    assert_eq!(on_b.len(), 1);
    assert_eq!(on_b[0]["unread"], 1);
    assert_eq!(on_b[0]["accounts"][0]["handle"], alice.handle.as_str());
    assert!(
        on_b[0]["last_message"]["content_html"]
            .as_str()
            .unwrap()
            .contains("votre offre m’intéresse")
    );
    let (_, notes) = bob.get("/api/v1/notifications").await.unwrap();
    assert_eq!(notes[0]["kind"], "message", "{notes}");
    assert_eq!(notes[0]["account"]["handle"], alice.handle.as_str());
    // not a post: nothing in Bob's home feed
    let (_, home) = bob.get("/api/v1/timelines/home").await.unwrap();
    assert_eq!(home, json!([]));

    // Bob answers: Alice sees it in the same conversation
    let id = on_b[0]["id"].as_i64().unwrap();
    let (s, v) = bob
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "Avec plaisir, appelons-nous jeudi."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let alice_conversation = sent["conversation_id"].as_i64().unwrap();
    let shown = eventually(15, "the answer reaches alice", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/conversations/{alice_conversation}"))
            .await
            .ok()?;
        (v["messages"].as_array()?.len() == 2).then_some(v)
    })
    .await;
    assert!(
        shown["messages"][1]["content_html"]
            .as_str()
            .unwrap()
            .contains("appelons-nous jeudi")
    );
    let (_, list) = alice.get("/api/v1/conversations").await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["unread"], 1);

    // who can read Alice's Note at its id
    let note = sent["ap_id"].as_str().unwrap();
    let (s, body) = fetch(note, None).await;
    assert_eq!(s, 404, "anonymous: {body}");
    let (s, body) = fetch(note, Some((&c, &c.url("/actor")))).await;
    assert_eq!(s, 404, "a third server: {body}");
    assert!(!body.contains("intéresse"), "{body}");
    c.member("carol").await.unwrap();
    let carol_actor = c.url("/users/carol");
    let (s, body) = fetch(note, Some((&c, &carol_actor))).await;
    assert_eq!(s, 404, "a member of a third server: {body}");
    let (s, body) = fetch(note, Some((&b, &b.url("/actor")))).await;
    assert_eq!(s, 200, "the recipient's server: {body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["to"], json!([b.url("/users/bob")]));
    assert_eq!(doc["cc"], json!([]));
    assert_eq!(doc["tag"][0]["type"], "Mention");
    // and it is in no public collection
    let outbox = reqwest::get(a.url("/users/alice/outbox?page=true"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!outbox.contains("intéresse"), "{outbox}");
}
both_backends!(message_and_reply);

/// Alice blocks Bob: the follows between them end on both servers, Bob can no longer write to
/// her or follow her, and a message in his name that reaches A anyway is not stored. Once she
/// unblocks him, he can write again.
async fn blocking_stops_messages_and_follows(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let alice_on_b = bob.follow_accepted(&alice.handle).await.unwrap();
    let bob_on_a = alice.follow_accepted(&bob.handle).await.unwrap();

    let (s, v) = alice
        .post(&format!("/api/v1/accounts/{bob_on_a}/block"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 204, "{v}");
    assert_eq!(alice.follow_state(bob_on_a).await.unwrap(), "none");
    eventually(15, "B drops bob's follow of alice", || async {
        (bob.follow_state(alice_on_b).await.ok()? == "none").then_some(())
    })
    .await;
    eventually(15, "B drops alice's follow of bob", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/accounts/{}/followers", bob.id))
            .await
            .ok()?;
        v.as_array()?.is_empty().then_some(())
    })
    .await;
    let (_, blocks) = alice.get("/api/v1/blocks").await.unwrap();
    assert_eq!(blocks[0]["id"], bob_on_a);

    // Bob's server knows: it refuses his message and his follow
    let (s, v) = bob
        .post(
            "/api/v1/conversations",
            json!({"to": [alice_on_b], "text": "Pourquoi ?"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 403, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("does not accept"),
        "{v}"
    );
    let (s, v) = bob
        .post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 403, "{v}");

    // a message in Bob's name delivered to A anyway (signed with his key) is not stored
    let bob_actor = b.url("/users/bob");
    let alice_actor = a.url("/users/alice");
    let note_id = b.url("/direct/0c8f1e0a-9a49-4c1b-8f57-1d6f3e5b2a11");
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": format!("{note_id}#create"),
        "actor": bob_actor,
        "to": [alice_actor],
        "cc": [],
        "object": {
            "type": "Note", "id": note_id, "attributedTo": bob_actor,
            "content": "<p>Pourquoi ?</p>", "to": [alice_actor], "cc": [],
            "tag": [{"type": "Mention", "href": alice_actor}]
        }
    });
    let key = private_key(&b, &bob_actor);
    let inbox = url::Url::parse(&a.url("/inbox")).unwrap();
    let body = activity.to_string().into_bytes();
    let r = reqwest::Client::new()
        .post(inbox.clone())
        .headers(sign_post(&key, &inbox, &body).unwrap())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let (_, list) = alice.get("/api/v1/conversations").await.unwrap();
    assert_eq!(list, json!([]));
    let (_, unread) = alice.get("/api/v1/notifications/unread").await.unwrap();
    assert_eq!(unread["messages"], 0);

    // unblocked: Bob may write again
    let (s, _) = alice
        .post(&format!("/api/v1/accounts/{bob_on_a}/unblock"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "B learns that bob is unblocked", || async {
        let (s, _) = bob
            .post(
                "/api/v1/conversations",
                json!({"to": [alice_on_b], "text": "Merci !"}),
            )
            .await
            .ok()?;
        (s == 201).then_some(())
    })
    .await;
    let on_a = conversations(&alice).await;
    assert!(
        on_a[0]["last_message"]["content_html"]
            .as_str()
            .unwrap()
            .contains("Merci")
    );
}
both_backends!(blocking_stops_messages_and_follows);

/// A conversation of three people on three servers: Alice (A) writes to Bob (B) and Carol
/// (C); Carol's answer reaches both, and each server keeps one conversation of the three. Bob
/// refuses messages from people he does not follow: Carol's are refused on B until he
/// follows her.
async fn three_people_on_three_servers(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carol = c.member("carol").await.unwrap();
    let bob_on_a = alice.lookup(&bob.handle).await.unwrap();
    let carol_on_a = alice.lookup(&carol.handle).await.unwrap();
    let (s, v) = alice
        .post(
            "/api/v1/conversations",
            json!({"to": [bob_on_a, carol_on_a], "text": "Réunion des partenaires lundi ?"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let on_c = conversations(&carol).await;
    assert_eq!(on_c[0]["accounts"].as_array().unwrap().len(), 2, "{on_c:?}");
    conversations(&bob).await;

    let id = on_c[0]["id"].as_i64().unwrap();
    let (s, v) = carol
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "Lundi 10 h me va."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    for (who, name) in [(&alice, "alice"), (&bob, "bob")] {
        let what = format!("carol's answer reaches {name}");
        let list = eventually(15, &what, || async {
            let (_, v) = who.get("/api/v1/conversations").await.ok()?;
            let html = v[0]["last_message"]["content_html"].as_str()?.to_string();
            html.contains("Lundi 10 h").then_some(v)
        })
        .await;
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "one conversation: {list}"
        );
        assert_eq!(list[0]["accounts"].as_array().unwrap().len(), 2);
        assert_eq!(list[0]["unread"], if name == "bob" { 2 } else { 1 });
    }

    // Bob only accepts messages from people he follows: Carol's next one is not stored on B
    let (s, _) = bob
        .send(
            reqwest::Method::PUT,
            "/api/v1/notifications/settings",
            json!({"kinds": [], "email": "off", "messages_from_followed_only": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let (s, _) = carol
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "Et mardi ?"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201);
    eventually(15, "alice gets carol's second answer", || async {
        let (_, v) = alice.get("/api/v1/conversations").await.ok()?;
        let html = v[0]["last_message"]["content_html"].as_str()?.to_string();
        html.contains("Et mardi").then_some(())
    })
    .await;
    eventually(15, "C has delivered to B too", || async {
        (pending_deliveries_to(&c, &b.domain()) == 0).then_some(())
    })
    .await;
    let (_, list) = bob.get("/api/v1/conversations").await.unwrap();
    assert!(
        list[0]["last_message"]["content_html"]
            .as_str()
            .unwrap()
            .contains("Lundi 10 h"),
        "{list}"
    );
    assert_eq!(list[0]["unread"], 2);
    // once he follows her, her messages reach him
    bob.follow_accepted(&carol.handle).await.unwrap();
    carol
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "Mardi alors."}),
        )
        .await
        .unwrap();
    eventually(
        15,
        "bob gets carol's message once he follows her",
        || async {
            let (_, v) = bob.get("/api/v1/conversations").await.ok()?;
            let html = v[0]["last_message"]["content_html"].as_str()?.to_string();
            html.contains("Mardi alors").then_some(())
        },
    )
    .await;
}
both_backends!(three_people_on_three_servers);
