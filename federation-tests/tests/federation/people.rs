//! Finding people across instances, following them (automatically or with approval), and
//! their posts, edits, deletions and unfollows reaching the other instances.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually};
use serde_json::json;

async fn follow_post_edit_delete_unfollow(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carol = c.member("carol").await.unwrap();
    let carol2 = c.member("carol2").await.unwrap();

    // discovery by handle, in every usual spelling
    let bob_on_a = alice.lookup(&format!("@{}", bob.handle)).await.unwrap();
    assert_eq!(
        alice
            .lookup(&bob.handle.to_uppercase().replace("LOCALHOST", "localhost"))
            .await
            .unwrap(),
        bob_on_a
    );
    let (s, _) = alice
        .get("/api/v1/accounts/lookup?handle=nobody@localhost:1")
        .await
        .unwrap();
    assert!(
        s == 502 || s == 404,
        "unreachable server gives a clear error, got {s}"
    );

    // automatic approval
    assert_eq!(alice.follow(bob_on_a).await.unwrap(), "pending");
    eventually(15, "alice's follow accepted", || async {
        (alice.follow_state(bob_on_a).await.ok()? == "accepted").then_some(())
    })
    .await;
    let (_, followers) = bob
        .get(&format!("/api/v1/accounts/{}/followers", bob.id))
        .await
        .unwrap();
    assert_eq!(followers[0]["handle"], alice.handle.as_str());
    // bob is told about his new follower; alice is not told of an automatic acceptance
    let (_, notes) = bob.get("/api/v1/notifications").await.unwrap();
    assert_eq!(notes[0]["kind"], "follow", "{notes}");
    assert_eq!(notes[0]["account"]["handle"], alice.handle.as_str());
    let (_, notes) = alice.get("/api/v1/notifications").await.unwrap();
    assert_eq!(notes, serde_json::json!([]));

    // manual approval: carol locks her profile, bob asks, carol accepts
    let (s, _) = carol
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile",
            json!({"display_name": "Carol", "locked": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let carol_on_b = bob.lookup(&carol.handle).await.unwrap();
    bob.follow(carol_on_b).await.unwrap();
    let request = eventually(15, "bob's request reaches carol", || async {
        let (_, r) = carol.get("/api/v1/follow-requests").await.ok()?;
        r.as_array()?.first().cloned()
    })
    .await;
    assert_eq!(request["handle"], bob.handle.as_str());
    let (_, notes) = carol.get("/api/v1/notifications").await.unwrap();
    assert_eq!(notes[0]["kind"], "follow_request", "{notes}");
    assert_eq!(notes[0]["account"]["handle"], bob.handle.as_str());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(bob.follow_state(carol_on_b).await.unwrap(), "pending");
    let (s, _) = carol
        .post(
            &format!("/api/v1/follow-requests/{}/accept", request["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "bob's request accepted on b", || async {
        (bob.follow_state(carol_on_b).await.ok()? == "accepted").then_some(())
    })
    .await;
    // bob is told that the locked profile accepted him
    let (_, notes) = bob.get("/api/v1/notifications").await.unwrap();
    assert_eq!(notes[0]["kind"], "follow_accepted", "{notes}");
    assert_eq!(notes[0]["account"]["handle"], carol.handle.as_str());

    // two members of c follow bob: one shared-inbox delivery serves both
    for m in [&carol, &carol2] {
        m.follow_accepted(&bob.handle).await.unwrap();
    }

    // a post reaches every follower's home feed
    let post = bob
        .write("Je cherche un stage en soudure", "public")
        .await
        .unwrap();
    for m in [&alice, &carol, &carol2] {
        eventually(15, "post delivered", || async {
            let feed = m.home().await.ok()?;
            feed.iter()
                .find(|p| p["ap_id"] == post["ap_id"])
                .map(|_| ())
        })
        .await;
    }
    let feed = alice.home().await.unwrap();
    assert_eq!(feed[0]["author"]["handle"], bob.handle.as_str());
    assert_eq!(feed[0]["language"], "fr");
    assert_eq!(
        feed[0]["content_html"],
        "<p>Je cherche un stage en soudure</p>"
    );

    // edits and deletions propagate
    let (s, _) = bob
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/posts/{}", post["id"]),
            json!({"text": "Je cherche un stage en soudure (Lyon)", "visibility": "public"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    for m in [&alice, &carol] {
        eventually(15, "edit delivered", || async {
            let feed = m.home().await.ok()?;
            (feed.first()?["content_html"] == "<p>Je cherche un stage en soudure (Lyon)</p>")
                .then_some(())
        })
        .await;
    }
    let (s, _) = bob
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}", post["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    for m in [&alice, &carol] {
        eventually(15, "deletion delivered", || async {
            m.home().await.ok()?.is_empty().then_some(())
        })
        .await;
    }

    // followers-only posts reach followers only and are not served to anonymous requests
    let private = carol
        .write("Réservé à mes abonnés", "followers")
        .await
        .unwrap();
    eventually(15, "followers-only post delivered to bob", || async {
        let feed = bob.home().await.ok()?;
        feed.iter()
            .find(|p| p["ap_id"] == private["ap_id"])
            .map(|_| ())
    })
    .await;
    let r = reqwest::Client::new()
        .get(private["ap_id"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        alice
            .home()
            .await
            .unwrap()
            .iter()
            .all(|p| p["ap_id"] != private["ap_id"])
    );

    // unfollow propagates: bob's later posts no longer reach alice
    let (s, _) = alice
        .post(&format!("/api/v1/accounts/{bob_on_a}/unfollow"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "unfollow delivered", || async {
        let (_, f) = bob
            .get(&format!("/api/v1/accounts/{}/followers", bob.id))
            .await
            .ok()?;
        f.as_array()?
            .iter()
            .all(|x| x["handle"] != alice.handle.as_str())
            .then_some(())
    })
    .await;
    let later = bob.write("Merci à tous", "public").await.unwrap();
    eventually(15, "later post reaches carol", || async {
        let feed = carol.home().await.ok()?;
        feed.iter()
            .find(|p| p["ap_id"] == later["ap_id"])
            .map(|_| ())
    })
    .await;
    assert!(
        alice
            .home()
            .await
            .unwrap()
            .iter()
            .all(|p| p["ap_id"] != later["ap_id"])
    );

    // a profile edit reaches the followers' instances
    let (s, _) = bob
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile",
            json!({"display_name": "Bob Soudeur", "bio": "Apprenti"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let bob_on_c = carol.lookup(&bob.handle).await.unwrap();
    eventually(15, "profile update delivered", || async {
        let (_, v) = carol
            .get(&format!("/api/v1/accounts/{bob_on_c}"))
            .await
            .ok()?;
        (v["account"]["display_name"] == "Bob Soudeur").then_some(())
    })
    .await;
}
both_backends!(follow_post_edit_delete_unfollow);

/// The post `ap_id` in `member`'s home feed, if it is there.
async fn in_home(member: &federation_tests::Member, ap_id: &str) -> Option<serde_json::Value> {
    member
        .home()
        .await
        .ok()?
        .into_iter()
        .find(|p| p["ap_id"] == ap_id)
}

/// Likes and reposts travel both ways: bob on B likes and reposts alice's post on A (counted
/// on A, alice told); dave on A follows bob and sees the reposts in his home feed, including
/// a post A did not have (fetched from B); the Undos take everything back.
async fn likes_and_reposts_across_instances(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.member("alice").await.unwrap();
    let dave = a.member("dave").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carol = b.member("carol").await.unwrap();
    bob.follow_accepted(&alice.handle).await.unwrap();
    dave.follow_accepted(&bob.handle).await.unwrap();

    let post = alice
        .write("Atelier CV jeudi à 14 h", "public")
        .await
        .unwrap();
    let ap_id = post["ap_id"].as_str().unwrap().to_string();
    let on_b = eventually(15, "alice's post on B", || in_home(&bob, &ap_id)).await;
    let on_b = on_b["id"].as_i64().unwrap();
    let reactions = |who: &'static str| {
        let alice = &alice;
        let path = format!("/api/v1/posts/{}", post["id"]);
        async move {
            let (_, v) = alice.get(&path).await.ok()?;
            v["reactions"][who].as_i64()
        }
    };

    // bob likes and reposts it on B: A counts both and tells alice
    for what in ["like", "repost"] {
        let (s, v) = bob
            .post(&format!("/api/v1/posts/{on_b}/{what}"), json!({}))
            .await
            .unwrap();
        assert_eq!(s, 200, "{v}");
    }
    eventually(15, "bob's like counted on A", || async {
        (reactions("likes").await? == 1).then_some(())
    })
    .await;
    eventually(15, "bob's repost counted on A", || async {
        (reactions("reposts").await? == 1).then_some(())
    })
    .await;
    let (_, notes) = alice.get("/api/v1/notifications").await.unwrap();
    for kind in ["like", "repost"] {
        let n = notes
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} notification: {notes}"));
        assert_eq!(n["account"]["handle"], bob.handle.as_str());
    }
    // dave follows bob, not alice: her post is in his feed as bob's repost
    let shown = eventually(15, "the repost in dave's feed", || in_home(&dave, &ap_id)).await;
    assert_eq!(
        shown["reposted_by"]["handle"],
        bob.handle.as_str(),
        "{shown}"
    );

    // bob reposts carol's post, which A does not have: A fetches it for dave's feed
    let theirs = carol
        .write("Offre de stage en menuiserie", "public")
        .await
        .unwrap();
    let (s, _) = bob
        .post(&format!("/api/v1/posts/{}/repost", theirs["id"]), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200);
    let theirs_id = theirs["ap_id"].as_str().unwrap().to_string();
    let shown = eventually(15, "carol's post in dave's feed", || {
        in_home(&dave, &theirs_id)
    })
    .await;
    assert_eq!(shown["author"]["handle"], carol.handle.as_str());
    assert_eq!(shown["content_html"], "<p>Offre de stage en menuiserie</p>");
    assert_eq!(shown["reposted_by"]["handle"], bob.handle.as_str());

    // the Undos: counts back to zero on A, the reposts leave dave's feed
    for what in ["like", "repost"] {
        let (s, _) = bob
            .send(
                reqwest::Method::DELETE,
                &format!("/api/v1/posts/{on_b}/{what}"),
                json!({}),
            )
            .await
            .unwrap();
        assert_eq!(s, 200);
    }
    let (s, _) = bob
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}/repost", theirs["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    eventually(15, "likes and reposts undone on A", || async {
        (reactions("likes").await? == 0 && reactions("reposts").await? == 0).then_some(())
    })
    .await;
    eventually(15, "the reposts gone from dave's feed", || async {
        (in_home(&dave, &ap_id).await.is_none() && in_home(&dave, &theirs_id).await.is_none())
            .then_some(())
    })
    .await;
}
both_backends!(likes_and_reposts_across_instances);

/// The replies of a post on A, as `member` sees them (by the post's id on A).
async fn replies_on(member: &federation_tests::Member, post: i64) -> Vec<serde_json::Value> {
    let (_, v) = member
        .get(&format!("/api/v1/posts/{post}/replies"))
        .await
        .unwrap();
    v.as_array().cloned().unwrap_or_default()
}

/// Replies travel both ways and reach the person answered even when they do not follow the
/// one who answers: bob on B answers alice's post on A (alice told, the answer under her post
/// on A, a followers-only answer readable by her and nobody else there), alice answers back
/// (bob told on B); bob's edit and deletion of his answer reach A.
async fn replies_across_instances(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.member("alice").await.unwrap();
    let dave = a.member("dave").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    bob.follow_accepted(&alice.handle).await.unwrap();

    let post = alice
        .write("Qui connaît une formation en soudure ?", "public")
        .await
        .unwrap();
    let (p, ap_id) = (post["id"].as_i64().unwrap(), post["ap_id"].clone());
    let on_b = eventually(15, "alice's post on B", || {
        in_home(&bob, ap_id.as_str().unwrap())
    })
    .await;

    // bob answers on B; alice does not follow him, and yet A gets it and tells her
    let (s, answer) = bob
        .post(
            "/api/v1/posts",
            json!({"text": "Le centre de Vénissieux en propose une", "in_reply_to": on_b["id"]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{answer}");
    assert_eq!(answer["in_reply_to"], ap_id);
    let on_a = eventually(15, "bob's answer under alice's post on A", || async {
        replies_on(&dave, p).await.into_iter().next()
    })
    .await;
    assert_eq!(on_a["ap_id"], answer["ap_id"]);
    assert_eq!(on_a["author"]["handle"], bob.handle.as_str());
    assert_eq!(
        on_a["content_html"],
        "<p>Le centre de Vénissieux en propose une</p>"
    );
    let (_, notes) = alice.get("/api/v1/notifications").await.unwrap();
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "reply" && n["account"]["handle"] == bob.handle.as_str()),
        "{notes}"
    );
    let (_, v) = dave.get(&format!("/api/v1/posts/{p}")).await.unwrap();
    assert_eq!(v["reactions"]["replies"], 1, "{v}");

    // a followers-only answer reaches alice, whom it answers, and nobody else on A
    let (s, private) = bob
        .post(
            "/api/v1/posts",
            json!({"text": "Je peux te présenter", "in_reply_to": on_b["id"], "visibility": "followers"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{private}");
    eventually(15, "the followers-only answer for alice", || async {
        (replies_on(&alice, p).await.len() == 2).then_some(())
    })
    .await;
    assert_eq!(replies_on(&dave, p).await.len(), 1);

    // on B, the page of alice's post shows bob's public answer under it, to anyone
    let page = b
        .http
        .get(b.url(&format!("/posts/{}/thread", on_b["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Qui connaît une formation en soudure ?"),
        "{page}"
    );
    assert!(
        page.contains("Le centre de Vénissieux en propose une"),
        "{page}"
    );
    assert!(!page.contains("Je peux te présenter"), "{page}");

    // alice answers bob on A: B gets it under bob's post and tells him
    let (s, back) = alice
        .post(
            "/api/v1/posts",
            json!({"text": "Merci, je les appelle", "in_reply_to": on_a["id"]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{back}");
    let theirs = eventually(15, "alice's answer under bob's post on B", || async {
        replies_on(&bob, answer["id"].as_i64()?)
            .await
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(theirs["ap_id"], back["ap_id"]);
    let (_, notes) = bob.get("/api/v1/notifications").await.unwrap();
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "reply" && n["account"]["handle"] == alice.handle.as_str()),
        "{notes}"
    );

    // bob edits, then deletes his answer: A follows both, without alice following bob
    let (s, _) = bob
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/posts/{}", answer["id"]),
            json!({"text": "Le centre de Vénissieux, le lundi"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    eventually(15, "the edit on A", || async {
        let r = replies_on(&dave, p).await.into_iter().next()?;
        (r["content_html"] == "<p>Le centre de Vénissieux, le lundi</p>").then_some(())
    })
    .await;
    let (s, _) = bob
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}", answer["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "the deletion on A", || async {
        replies_on(&dave, p).await.is_empty().then_some(())
    })
    .await;
}
both_backends!(replies_across_instances);
