//! Scenarios against Fedify (npm `@fedify/fedify`), an ActivityPub implementation nobody here
//! wrote: its `Person` and `Group` follow our member and are followed by her, and posts,
//! replies, edits, deletions, unfollows and refusals cross in both directions.

use crate::{both_backends, instance};
use federation_tests::{Backend, Member, eventually, peers::FedifyPeer};
use serde_json::{Value, json};

/// The post with ActivityPub id `ap_id` in `member`'s home feed, if there.
async fn in_home(member: &Member, ap_id: &str) -> Option<Value> {
    member
        .home()
        .await
        .ok()?
        .into_iter()
        .find(|p| p["ap_id"] == ap_id)
}

/// What the peer received of `kind` about `object` (an embedded object's id or a URL).
async fn received(peer: &FedifyPeer, kind: &str, object: &str) -> Value {
    eventually(
        15,
        &format!("Fedify received {kind} of {object}"),
        || async {
            peer.find(kind, |a| {
                a["object"] == object || a["object"]["id"] == object
            })
            .await
            .ok()?
        },
    )
    .await
}

async fn fedify_person(backend: Backend) {
    let (a, peer) = tokio::join!(instance(backend, "a"), FedifyPeer::start());
    let peer = peer.unwrap();
    let alice = a.member("alice").await.unwrap();
    let alice_actor = a.url("/users/alice");
    let ana_actor = peer.actor("ana");

    // Fedify's ana follows alice. Fedify signs its first request to an unknown server with
    // RFC 9421; our 401 makes it retry with a draft-cavage signature, which we accept.
    let sent = peer
        .act("follow", "ana", json!({"target": alice_actor}))
        .await
        .unwrap();
    assert_eq!(sent["ok"], true, "{sent}");
    eventually(15, "alice's Accept reached Fedify", || async {
        let f = peer.following().await.ok()?;
        (f.first()?["accepted"] == true).then_some(())
    })
    .await;
    let accept = peer.find("Accept", |_| true).await.unwrap().unwrap();
    assert_eq!(accept["status"], 202, "{accept}");
    assert_eq!(accept["activity"]["actor"], alice_actor.as_str());
    assert_eq!(accept["activity"]["object"]["actor"], ana_actor.as_str());
    let (_, followers) = alice
        .get(&format!("/api/v1/accounts/{}/followers", alice.id))
        .await
        .unwrap();
    assert_eq!(followers[0]["ap_id"], ana_actor.as_str());
    let metrics = reqwest::get(a.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"route="/users/{name}/inbox",status="401"} 1"#),
        "Fedify's first (RFC 9421) knock was expected to be refused with 401: {metrics}"
    );

    // alice's post reaches ana; Fedify verified our signature (202) and read the Note
    let post = alice
        .write("Bonjour depuis Passerelle", "public")
        .await
        .unwrap();
    let post_id = post["ap_id"].as_str().unwrap().to_string();
    let create = received(&peer, "Create", &post_id).await;
    assert_eq!(create["status"], 202, "{create}");
    assert_eq!(create["activity"]["actor"], alice_actor.as_str());

    // alice finds ana by handle (WebFinger served by Fedify) and follows her
    let ana_id = alice.follow_accepted(&peer.handle("ana")).await.unwrap();
    assert_eq!(
        peer.followers("ana").await.unwrap(),
        vec![alice_actor.clone()]
    );

    // ana posts, edits and deletes; alice's home feed follows
    let note = peer
        .act(
            "note",
            "ana",
            json!({"content": "<p>Hello from <b>Fedify</b></p>"}),
        )
        .await
        .unwrap();
    let note_id = note["note"].as_str().unwrap().to_string();
    assert_eq!(note["ok"], true, "{note}");
    let shown = eventually(15, "ana's note in alice's home", || {
        in_home(&alice, &note_id)
    })
    .await;
    assert_eq!(shown["content_html"], "<p>Hello from <b>Fedify</b></p>");
    assert_eq!(shown["author"]["handle"], peer.handle("ana"));
    assert_eq!(shown["visibility"], "public");
    peer.act(
        "edit",
        "ana",
        json!({"id": note_id, "content": "<p>Edited on Fedify</p>"}),
    )
    .await
    .unwrap();
    eventually(15, "ana's edit in alice's home", || async {
        let p = in_home(&alice, &note_id).await?;
        (p["content_html"] == "<p>Edited on Fedify</p>" && !p["updated"].is_null()).then_some(())
    })
    .await;
    peer.act("delete", "ana", json!({"id": note_id}))
        .await
        .unwrap();
    eventually(15, "ana's note gone from alice's home", || async {
        in_home(&alice, &note_id).await.is_none().then_some(())
    })
    .await;

    // ana replies to alice's post
    let reply = peer
        .act(
            "note",
            "ana",
            json!({"content": "<p>Bien reçu</p>", "inReplyTo": post_id}),
        )
        .await
        .unwrap();
    let reply_id = reply["note"].as_str().unwrap().to_string();
    let shown = eventually(15, "ana's reply in alice's home", || {
        in_home(&alice, &reply_id)
    })
    .await;
    assert_eq!(shown["in_reply_to"], post_id.as_str());

    // ana likes and boosts alice's post: counted here, alice is told
    for kind in ["like", "announce"] {
        let r = peer
            .act(kind, "ana", json!({"object": post_id}))
            .await
            .unwrap();
        assert_eq!(r["ok"], true, "{r}");
    }
    let path = format!("/api/v1/posts/{}", post["id"]);
    eventually(15, "ana's like and boost counted", || async {
        let (_, v) = alice.get(&path).await.ok()?;
        (v["reactions"]["likes"] == 1 && v["reactions"]["reposts"] == 1).then_some(())
    })
    .await;
    let (_, notes) = alice.get("/api/v1/notifications").await.unwrap();
    let kinds: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["account"]["handle"] == peer.handle("ana").as_str())
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"like") && kinds.contains(&"repost"),
        "{notes}"
    );

    // alice likes and reposts ana's reply, then takes both back: Fedify accepts each
    let local_reply = in_home(&alice, &reply_id).await.unwrap();
    for what in ["like", "repost"] {
        let path = format!("/api/v1/posts/{}/{what}", local_reply["id"]);
        let (s, v) = alice.post(&path, json!({})).await.unwrap();
        assert_eq!(s, 200, "{v}");
    }
    for kind in ["Like", "Announce"] {
        let got = received(&peer, kind, &reply_id).await;
        assert_eq!(got["status"], 202, "{got}");
        assert_eq!(got["activity"]["actor"], alice_actor.as_str());
    }
    for what in ["like", "repost"] {
        let path = format!("/api/v1/posts/{}/{what}", local_reply["id"]);
        let (s, _) = alice
            .send(reqwest::Method::DELETE, &path, json!({}))
            .await
            .unwrap();
        assert_eq!(s, 200);
    }
    let undo = eventually(15, "Fedify receives both Undos", || async {
        let undos: Vec<Value> = peer
            .received()
            .await
            .ok()?
            .into_iter()
            .filter(|a| {
                a["activity"]["type"] == "Undo"
                    && a["activity"]["object"]["object"] == reply_id.as_str()
            })
            .collect();
        (undos.len() == 2).then_some(undos)
    })
    .await;
    assert!(undo.iter().all(|u| u["status"] == 202), "{undo:?}");

    // alice answers ana's reply: Fedify accepts a Note that answers it, mentions ana and is
    // addressed to her
    let (s, answer) = alice
        .post(
            "/api/v1/posts",
            json!({"text": "Merci Ana", "in_reply_to": local_reply["id"]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{answer}");
    let ana = peer.actor("ana");
    let got = eventually(15, "Fedify receives alice's answer", || async {
        peer.find("Create", |a| a["object"]["inReplyTo"] == reply_id.as_str())
            .await
            .ok()?
    })
    .await;
    assert_eq!(got["status"], 202, "{got}");
    let note = &got["activity"]["object"];
    assert_eq!(note["id"], answer["ap_id"], "{note}");
    assert!(
        note["cc"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == ana.as_str()),
        "{note}"
    );
    assert_eq!(note["tag"][0]["type"], "Mention", "{note}");
    assert_eq!(note["tag"][0]["href"], ana.as_str(), "{note}");

    // alice edits and deletes her post: Fedify accepts the Update and the Delete
    let (s, _) = alice
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/posts/{}", post["id"]),
            json!({"text": "Bonjour à tous depuis Passerelle", "visibility": "public"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let update = received(&peer, "Update", &post_id).await;
    assert_eq!(update["status"], 202, "{update}");
    assert!(
        update["activity"]["object"]["content"]
            .as_str()
            .unwrap()
            .contains("Bonjour à tous")
    );
    let (s, _) = alice
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}", post["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let delete = received(&peer, "Delete", &post_id).await;
    assert_eq!(delete["status"], 202, "{delete}");
    assert!(delete["activity"]["object"].is_string(), "{delete}");

    // alice unfollows ana: Fedify applies the Undo
    let (s, _) = alice
        .post(&format!("/api/v1/accounts/{ana_id}/unfollow"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "alice removed from ana's followers", || async {
        peer.followers("ana").await.ok()?.is_empty().then_some(())
    })
    .await;
    let undo = peer
        .find("Undo", |u| u["actor"] == alice_actor.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(undo["status"], 202, "{undo}");

    // alice removes ana from her followers: Fedify accepts the Reject
    let ana_on_a = alice.lookup(&peer.handle("ana")).await.unwrap();
    let (s, _) = alice
        .post(
            &format!("/api/v1/follow-requests/{ana_on_a}/refuse"),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let reject = eventually(15, "Fedify received the Reject", || async {
        peer.find("Reject", |_| true).await.ok()?
    })
    .await;
    assert_eq!(reject["status"], 202, "{reject}");
    assert_eq!(reject["activity"]["object"]["actor"], ana_actor.as_str());
}
both_backends!(fedify_person);

/// A FEP-1b12 `Group` on Fedify: our member follows it and reads what it publishes.
async fn fedify_group(backend: Backend) {
    let (a, peer) = tokio::join!(instance(backend, "a"), FedifyPeer::start());
    let peer = peer.unwrap();
    let alice = a.member("alice").await.unwrap();

    let club = alice.follow_accepted(&peer.handle("club")).await.unwrap();
    let (_, account) = alice
        .get(&format!("/api/v1/accounts/{club}"))
        .await
        .unwrap();
    assert_eq!(account["account"]["kind"], "group", "{account}");
    assert_eq!(
        peer.followers("club").await.unwrap(),
        vec![a.url("/users/alice")]
    );

    let note = peer
        .act(
            "note",
            "club",
            json!({"content": "<p>Atelier CV mardi</p>"}),
        )
        .await
        .unwrap();
    let note_id = note["note"].as_str().unwrap().to_string();
    let shown = eventually(15, "the group's post in alice's home", || {
        in_home(&alice, &note_id)
    })
    .await;
    assert_eq!(shown["author"]["handle"], peer.handle("club"));
}
both_backends!(fedify_group);

/// Communities and Fedify (FEP-1b12 both ways): Fedify's `Person` joins our open community and
/// receives its threads as the group's `Announce`s, but is refused by a closed one (Fedify is
/// not known to keep members-only content private); our member joins Fedify's `Group` as a
/// community and sees what the group writes and what it announces (by id, as Fedify does).
async fn fedify_communities(backend: Backend) {
    let (a, peer) = tokio::join!(instance(backend, "a"), FedifyPeer::start());
    let peer = peer.unwrap();
    let alice = a.member("alice").await.unwrap();
    let mut ids = vec![];
    for (handle, access) in [("entraide", "open"), ("cercle", "closed")] {
        let (s, v) = alice
            .post(
                "/api/v1/communities",
                json!({"handle": handle, "name": handle, "access": access}),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
        ids.push(v["account"]["id"].as_i64().unwrap());
    }
    let open_group = a.url("/c/entraide");
    let closed_group = a.url("/c/cercle");

    peer.act("follow", "ana", json!({"target": open_group}))
        .await
        .unwrap();
    let accept = eventually(15, "Fedify receives the group's Accept", || async {
        peer.find("Accept", |a| a["actor"] == open_group.as_str())
            .await
            .ok()?
    })
    .await;
    assert_eq!(accept["status"], 202, "{accept}");
    eventually(15, "ana is a member of the open community", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/communities/{}/members", ids[0]))
            .await
            .ok()?;
        (v.as_array()?.len() == 2).then_some(())
    })
    .await;
    let (s, thread) = alice
        .post(
            &format!("/api/v1/communities/{}/threads", ids[0]),
            json!({"title": "Atelier CV", "text": "Jeudi à 14 h"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{thread}");
    let uri = thread["uri"].as_str().unwrap().to_string();
    let announce = eventually(15, "Fedify receives the group's Announce", || async {
        peer.find("Announce", |a| a["object"]["object"]["id"] == uri.as_str())
            .await
            .ok()?
    })
    .await;
    assert_eq!(announce["status"], 202, "{announce}");
    let activity = &announce["activity"];
    assert_eq!(activity["actor"], open_group.as_str());
    assert_eq!(activity["object"]["type"], "Create");
    assert_eq!(activity["object"]["object"]["type"], "Page");
    assert_eq!(activity["object"]["object"]["name"], "Atelier CV");
    assert_eq!(
        activity["object"]["object"]["audience"],
        open_group.as_str()
    );

    // a closed community refuses a server that is not known to keep its content private
    peer.act("follow", "ana", json!({"target": closed_group}))
        .await
        .unwrap();
    let reject = eventually(15, "Fedify receives a Reject", || async {
        peer.find("Reject", |a| a["actor"] == closed_group.as_str())
            .await
            .ok()?
    })
    .await;
    assert_eq!(reject["status"], 202, "{reject}");
    let (_, pending) = alice
        .get(&format!(
            "/api/v1/communities/{}/members?state=pending",
            ids[1]
        ))
        .await
        .unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 0, "{pending}");

    // alice joins Fedify's group as a community
    let (s, club) = alice
        .get(&format!(
            "/api/v1/communities/lookup?handle={}",
            peer.handle("club")
        ))
        .await
        .unwrap();
    assert_eq!(s, 200, "{club}");
    assert_eq!(club["access"], "open");
    let club_id = club["account"]["id"].as_i64().unwrap();
    let (s, j) = alice
        .post(
            &format!("/api/v1/communities/{club_id}/join"),
            json!({"accept_charter": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{j}");
    eventually(15, "the group accepts alice", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/communities/{club_id}"))
            .await
            .ok()?;
        (v["state"] == "accepted").then_some(())
    })
    .await;
    peer.act(
        "note",
        "club",
        json!({"content": "<p>Bienvenue au club</p>"}),
    )
    .await
    .unwrap();
    let note = peer
        .act(
            "note",
            "ana",
            json!({"content": "<p>Je cherche un stage</p>"}),
        )
        .await
        .unwrap();
    peer.act(
        "announce",
        "club",
        json!({"object": note["note"].as_str().unwrap()}),
    )
    .await
    .unwrap();
    eventually(15, "the group's posts show as its threads", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/communities/{club_id}/threads"))
            .await
            .ok()?;
        let text = v.to_string();
        (text.contains("Bienvenue au club") && text.contains("Je cherche un stage")).then_some(())
    })
    .await;
}
both_backends!(fedify_communities);
