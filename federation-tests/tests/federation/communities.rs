//! Communities across instances (FEP-1b12 groups): members of other instances join an open
//! community and take part; a closed community's request is answered by its manager; outsiders
//! get nothing — for a secret community not even its existence — by web, API, WebFinger or
//! signed and unsigned ActivityPub fetches; bans and removals reach every server.

use crate::{both_backends, instance, messages::fetch};
use federation_tests::{Backend, Instance, Member, eventually};
use serde_json::{Value, json};

/// Creates a community on `owner`'s instance; returns its id there.
async fn create(owner: &Member, handle: &str, access: &str) -> i64 {
    let (s, v) = owner
        .post(
            "/api/v1/communities",
            json!({"handle": handle, "name": format!("Communauté {handle}"),
                   "description": "Entraide entre chercheurs d’emploi",
                   "charter": "Bienveillance et respect.", "access": access, "language": "fr"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    v["account"]["id"].as_i64().unwrap()
}

/// `member` finds the community `handle` and joins it (charter accepted); returns its id on
/// the member's instance and the join state.
async fn join(member: &Member, handle: &str) -> (i64, String) {
    let (s, v) = member
        .get(&format!("/api/v1/communities/lookup?handle={handle}"))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let id = v["account"]["id"].as_i64().unwrap();
    let (s, j) = member
        .post(
            &format!("/api/v1/communities/{id}/join"),
            json!({"accept_charter": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{j}");
    (id, j["state"].as_str().unwrap().to_string())
}

async fn state_of(member: &Member, id: i64) -> Value {
    member
        .get(&format!("/api/v1/communities/{id}"))
        .await
        .unwrap()
        .1["state"]
        .clone()
}

async fn wait_state(member: &Member, id: i64, state: &str) {
    let what = format!("{} is {state} in community {id}", member.handle);
    eventually(15, &what, || async {
        (state_of(member, id).await == state).then_some(())
    })
    .await
}

/// The threads of a community as `member` sees them, once `check` holds.
async fn threads_when(
    member: &Member,
    id: i64,
    what: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually(15, what, || async {
        let (s, v) = member
            .get(&format!("/api/v1/communities/{id}/threads"))
            .await
            .ok()?;
        let list = v.as_array()?.clone();
        (s == 200 && check(&list)).then_some(list)
    })
    .await
}

/// A member of B joins an open community on A and starts a thread that a member on C sees;
/// C's answer reaches B; the manager on A removes a reply and bans C's member, and both
/// servers follow.
async fn open_community_across_instances(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let nadia = a.member("nadia").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carla = c.member("carla").await.unwrap();
    let on_a = create(&nadia, "entraide", "open").await;
    let handle = format!("entraide@{}", a.domain());

    // the charter must be accepted
    let (_, v) = bob
        .get(&format!("/api/v1/communities/lookup?handle={handle}"))
        .await
        .unwrap();
    assert_eq!(v["access"], "open");
    assert!(
        v["charter"].as_str().unwrap().contains("Bienveillance"),
        "{v}"
    );
    let id = v["account"]["id"].as_i64().unwrap();
    let (s, e) = bob
        .post(&format!("/api/v1/communities/{id}/join"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["fields"][0]["field"], "charter");

    let (on_b, _) = join(&bob, &handle).await;
    let (on_c, _) = join(&carla, &handle).await;
    wait_state(&bob, on_b, "accepted").await;
    wait_state(&carla, on_c, "accepted").await;
    let (_, members) = nadia
        .get(&format!("/api/v1/communities/{on_a}/members"))
        .await
        .unwrap();
    assert_eq!(members.as_array().unwrap().len(), 3, "{members}");

    // the managers change the charter: the members' servers get the group's Update
    let (s, v) = nadia
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/communities/{on_a}"),
            json!({"name": "Entraide emploi", "description": "Entraide entre chercheurs d’emploi",
                   "charter": "Bienveillance, respect, et pas de publicité.", "access": "open",
                   "language": "fr"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    eventually(15, "the new charter reaches C", || async {
        let (_, v) = carla
            .get(&format!("/api/v1/communities/{on_c}"))
            .await
            .ok()?;
        (v["charter"].as_str()?.contains("pas de publicité")
            && v["account"]["display_name"] == "Entraide emploi")
            .then_some(())
    })
    .await;

    // Bob (B) starts a thread: A stores it and announces it to C
    let (s, t) = bob
        .post(
            &format!("/api/v1/communities/{on_b}/threads"),
            json!({"title": "Préparer un entretien", "text": "Vos conseils pour un premier entretien ?"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{t}");
    let on_c_threads = threads_when(&carla, on_c, "the thread reaches C", |l| {
        l.iter().any(|t| t["title"] == "Préparer un entretien")
    })
    .await;
    let thread_c = &on_c_threads[0];
    assert_eq!(thread_c["author"]["handle"], bob.handle.as_str());
    let on_a_threads = threads_when(&nadia, on_a, "the thread is on A", |l| l.len() == 1).await;
    let thread_a = on_a_threads[0]["id"].as_i64().unwrap();

    // Carla (C) answers; the answer reaches B through A
    let (s, r) = carla
        .post(
            &format!("/api/v1/community-posts/{}/replies", thread_c["id"]),
            json!({"text": "Renseignez-vous sur l’entreprise avant."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{r}");
    let thread_b = t["id"].as_i64().unwrap();
    let reply_uri = r["uri"].as_str().unwrap().to_string();
    eventually(15, "the reply reaches B", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/community-threads/{thread_b}"))
            .await
            .ok()?;
        v["replies"]
            .as_array()?
            .iter()
            .any(|r| {
                r["content"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Renseignez-vous")
            })
            .then_some(())
    })
    .await;

    // Bob answers his thread mentioning Carla: C tells her
    let (s, r2) = bob
        .post(
            &format!("/api/v1/community-posts/{thread_b}/replies"),
            json!({"text": format!("Merci @carla@{} !", c.domain())}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{r2}");
    assert!(
        r2["content"]
            .as_str()
            .unwrap()
            .contains("class=\"mention\""),
        "{r2}"
    );
    eventually(15, "Carla is told she is mentioned", || async {
        let (_, v) = carla.get("/api/v1/notifications").await.ok()?;
        v.to_string().contains("\"mention\"").then_some(())
    })
    .await;

    // Nadia removes the reply on A: B hides it
    let (_, on_a_thread) = nadia
        .get(&format!("/api/v1/community-threads/{thread_a}"))
        .await
        .unwrap();
    let reply_on_a = on_a_thread["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uri"] == reply_uri.as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, _) = nadia
        .post(
            &format!("/api/v1/community-posts/{reply_on_a}/moderation"),
            json!({"action": "remove"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "the removal reaches B", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/community-threads/{thread_b}"))
            .await
            .ok()?;
        v["replies"]
            .as_array()?
            .iter()
            .any(|r| r["uri"] == reply_uri.as_str() && r["gone"] == true)
            .then_some(())
    })
    .await;

    // a locked thread takes no more answers, here or elsewhere
    let (s, _) = nadia
        .post(
            &format!("/api/v1/community-posts/{thread_a}/moderation"),
            json!({"action": "lock"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    eventually(15, "the lock reaches B", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/community-threads/{thread_b}"))
            .await
            .ok()?;
        (v["thread"]["locked"] == true).then_some(())
    })
    .await;
    let (s, _) = bob
        .post(
            &format!("/api/v1/community-posts/{thread_b}/replies"),
            json!({"text": "Encore une question"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 403);

    // Nadia bans Carla: C knows she is banned and she can no longer post
    let carla_on_a = nadia.lookup(&carla.handle).await.unwrap();
    let (s, _) = nadia
        .post(
            &format!("/api/v1/communities/{on_a}/members/{carla_on_a}"),
            json!({"decision": "ban"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    wait_state(&carla, on_c, "banned").await;
    let (s, _) = carla
        .post(
            &format!("/api/v1/communities/{on_c}/threads"),
            json!({"title": "Retour", "text": "Me revoilà"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 403);
    // and the group's audit trail has the ban
    let admin = a.admin("admin_a").await.unwrap();
    let (_, audit) = admin.get("/api/v1/admin/audit").await.unwrap();
    assert!(audit.to_string().contains("community_ban"), "{audit}");
}

/// Raw `GET`s of `url` by an outsider: unsigned, and signed by server C's instance actor.
async fn outsider_gets_404(url: &str, c: &Instance) {
    let (s, body) = fetch(url, None).await;
    assert_eq!(s, 404, "unsigned GET {url}: {body}");
    let (s, body) = fetch(url, Some((c, &c.url("/actor")))).await;
    assert_eq!(s, 404, "GET {url} signed by C: {body}");
}

/// A closed community: B's request is accepted by the manager on A, after which B's member
/// reads and writes; an outsider on C sees its description but no content. A secret community:
/// nobody on C learns that it exists. A banned member's server loses access at once.
async fn closed_and_secret_communities(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let nadia = a.member("nadia").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let carla = c.member("carla").await.unwrap();
    let closed_a = create(&nadia, "cercle", "closed").await;
    let secret_a = create(&nadia, "cercle_secret", "secret").await;
    for (id, title) in [
        (closed_a, "Offres du réseau"),
        (secret_a, "Projet confidentiel"),
    ] {
        let (s, v) = nadia
            .post(
                &format!("/api/v1/communities/{id}/threads"),
                json!({"title": title, "text": "Réservé aux membres"}),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
    }
    let (_, closed_threads) = nadia
        .get(&format!("/api/v1/communities/{closed_a}/threads"))
        .await
        .unwrap();
    let closed_thread_uri = closed_threads[0]["uri"].as_str().unwrap().to_string();
    let (_, secret_threads) = nadia
        .get(&format!("/api/v1/communities/{secret_a}/threads"))
        .await
        .unwrap();
    let secret_thread_uri = secret_threads[0]["uri"].as_str().unwrap().to_string();

    // Bob asks to join the closed community; Nadia accepts
    let closed = format!("cercle@{}", a.domain());
    let (closed_b, st) = join(&bob, &closed).await;
    assert_eq!(st, "pending");
    let bob_on_a = eventually(15, "the request reaches A", || async {
        let (_, v) = nadia
            .get(&format!(
                "/api/v1/communities/{closed_a}/members?state=pending"
            ))
            .await
            .ok()?;
        v.as_array()?.first()?["account"]["id"].as_i64()
    })
    .await;
    let (_, notes) = nadia.get("/api/v1/notifications").await.unwrap();
    assert!(notes.to_string().contains("community_request"), "{notes}");
    let (s, _) = nadia
        .post(
            &format!("/api/v1/communities/{closed_a}/members/{bob_on_a}"),
            json!({"decision": "accept"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    wait_state(&bob, closed_b, "accepted").await;
    // Bob reads (fetched by his server for him) and writes
    let (s, body) = fetch(&closed_thread_uri, Some((&b, &b.url("/actor")))).await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("Réservé aux membres"));
    let (s, v) = bob
        .post(
            &format!("/api/v1/communities/{closed_b}/threads"),
            json!({"title": "Bonjour", "text": "Merci pour l’accueil"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    threads_when(&nadia, closed_a, "Bob's thread reaches A", |l| {
        l.iter().any(|t| t["title"] == "Bonjour")
    })
    .await;
    // what the group sends is never public
    let db = a.database().unwrap();
    let public_sent: i64 = db
        .read_blocking(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::activities;
            Ok(activities::table
                .filter(activities::public.eq(true))
                .filter(activities::json.like("%cercle%"))
                .count()
                .get_result(c)?)
        })
        .unwrap();
    assert_eq!(public_sent, 0);

    // Carla (C), an outsider: the closed community exists, its content does not
    let (s, v) = carla
        .get(&format!("/api/v1/communities/lookup?handle={closed}"))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sight"], "outside");
    let closed_c = v["account"]["id"].as_i64().unwrap();
    let (s, _) = carla
        .get(&format!("/api/v1/communities/{closed_c}/threads"))
        .await
        .unwrap();
    assert_eq!(s, 403);
    outsider_gets_404(&closed_thread_uri, &c).await;

    // the secret community does not exist for C, by any path
    let secret = format!("cercle_secret@{}", a.domain());
    let (s, _) = carla
        .get(&format!("/api/v1/communities/lookup?handle={secret}"))
        .await
        .unwrap();
    assert_eq!(s, 404);
    for path in [
        "/c/cercle_secret",
        "/c/cercle_secret/outbox",
        "/c/cercle_secret/followers",
        "/c/cercle_secret/moderators",
    ] {
        outsider_gets_404(&a.url(path), &c).await;
    }
    outsider_gets_404(&secret_thread_uri, &c).await;
    let http = reqwest::Client::new();
    for path in [
        format!(
            "/.well-known/webfinger?resource=acct:cercle_secret@{}",
            a.domain()
        ),
        format!(
            "/.well-known/webfinger?resource={}",
            a.url("/c/cercle_secret")
        ),
        "/@cercle_secret".to_string(),
        "/@cercle_secret/threads/1".to_string(),
    ] {
        let r = http.get(a.url(&path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let (s, page) = bob
        .page("/@cercle_secret")
        .await
        .unwrap_or((0, String::new()));
    assert_ne!(s, 200, "{page}");
    let (s, list) = nadia.get("/api/v1/communities").await.unwrap();
    assert_eq!(s, 200);
    assert!(list.to_string().contains("cercle_secret"));
    let outsider_a = a.member("olga").await.unwrap();
    let (_, list) = outsider_a.get("/api/v1/communities").await.unwrap();
    assert!(!list.to_string().contains("cercle_secret"), "{list}");
    let (s, _) = outsider_a
        .get(&format!("/api/v1/communities/{secret_a}"))
        .await
        .unwrap();
    assert_eq!(s, 404);
    // an unsigned POST to its inbox does not reveal it either
    let r = http
        .post(a.url("/c/cercle_secret/inbox"))
        .header("content-type", "application/activity+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // Nadia invites Bob (B) into the secret community: he is told, joins, and reads it
    let (s, v) = nadia
        .post(
            &format!("/api/v1/communities/{secret_a}/invitations"),
            json!({"username": bob.handle}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204, "{v}");
    let secret_b = eventually(15, "the invitation reaches B", || async {
        let (_, v) = bob.get("/api/v1/communities").await.ok()?;
        v.as_array()?
            .iter()
            .find(|c| c["account"]["username"] == "cercle_secret" && c["state"] == "invited")?
            ["account"]["id"]
            .as_i64()
    })
    .await;
    let (_, notes) = bob.get("/api/v1/notifications").await.unwrap();
    assert!(
        notes.to_string().contains("community_invitation"),
        "{notes}"
    );
    let (s, j) = bob
        .post(
            &format!("/api/v1/communities/{secret_b}/join"),
            json!({"accept_charter": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{j}");
    wait_state(&bob, secret_b, "accepted").await;
    let (s, body) = fetch(&secret_thread_uri, Some((&b, &b.url("/actor")))).await;
    assert_eq!(s, 200, "{body}");
    // C still learns nothing
    outsider_gets_404(&a.url("/c/cercle_secret"), &c).await;

    // Bob is banned: his server's next fetch gets nothing
    let (s, _) = nadia
        .post(
            &format!("/api/v1/communities/{closed_a}/members/{bob_on_a}"),
            json!({"decision": "ban"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, _) = fetch(&closed_thread_uri, Some((&b, &b.url("/actor")))).await;
    assert_eq!(s, 404);
    wait_state(&bob, closed_b, "banned").await;
}

both_backends!(open_community_across_instances);
both_backends!(closed_and_secret_communities);
