//! Every kind of JSON document the server serves or sends is valid ActivityStreams JSON-LD,
//! checked offline: expanded with bundled contexts only, with no term its contexts leave
//! undefined. The activities are those a Fedify peer received from us.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually, peers::FedifyPeer, peers::check_jsonld};
use serde_json::{Value, json};

async fn served_and_sent_documents_are_valid_jsonld(backend: Backend) {
    let (a, peer) = tokio::join!(instance(backend, "a"), FedifyPeer::start());
    let peer = peer.unwrap();
    let alice = a.member("alice").await.unwrap();
    let alice_actor = a.url("/users/alice");
    let profile = json!({"display_name": "Alice Martin", "bio": "Ingénieure\n\nhttps://example.org",
        "avatar_url": "https://example.org/a.png"});
    let (s, _) = alice
        .send(reqwest::Method::PUT, "/api/v1/me/profile", profile)
        .await
        .unwrap();
    assert_eq!(s, 200);

    // everything alice can send: Accept, Follow, Create, Update (post and profile), Delete,
    // Undo, Reject
    peer.act("follow", "ana", json!({"target": alice_actor}))
        .await
        .unwrap();
    let ana_id = alice.follow_accepted(&peer.handle("ana")).await.unwrap();
    // a Like, a person's Announce (repost) and the Undo of the Like, of ana's note
    let note = peer
        .act("note", "ana", json!({"content": "<p>Bonjour</p>"}))
        .await
        .unwrap();
    let note_id = note["note"].as_str().unwrap().to_string();
    let local = eventually(15, "ana's note here", || async {
        alice
            .home()
            .await
            .ok()?
            .into_iter()
            .find(|p| p["ap_id"] == note_id.as_str())
    })
    .await;
    for what in ["like", "repost"] {
        let path = format!("/api/v1/posts/{}/{what}", local["id"]);
        assert_eq!(alice.post(&path, json!({})).await.unwrap().0, 200);
    }
    let path = format!("/api/v1/posts/{}/like", local["id"]);
    let (s, _) = alice
        .send(reqwest::Method::DELETE, &path, json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200);
    // an answer to ana's note (it mentions her)
    let (s, v) = alice
        .post(
            "/api/v1/posts",
            json!({"text": "Bonjour Ana", "in_reply_to": local["id"]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let public = alice.write("Bonjour à tous", "public").await.unwrap();
    let unlisted = alice.write("Discret", "unlisted").await.unwrap();
    let followers_only = alice.write("Entre nous", "followers").await.unwrap();
    let (s, _) = alice
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/posts/{}", public["id"]),
            json!({"text": "Bonjour à toutes et à tous", "language": "fr"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let (s, _) = alice
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/posts/{}", unlisted["id"]),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, _) = alice
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile",
            json!({"display_name": "Alice M.", "locked": true}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);

    // a published professional profile (in the actor and on its own) and an organisation
    let (s, v) = alice
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile/draft",
            json!({
                "inLanguage": "fr", "headline": "Ingénieure", "seeks": ["job"],
                "homeLocation": {"addressLocality": "Lyon", "addressRegion": "Rhône"},
                "knowsLanguage": [{"name": "Français", "proficiency": "native"}],
                "links": [{"name": "Blog", "href": "https://blog.example", "username": "alice"}],
                "skills": [{"name": "Soudure", "skillLevel": "confirmée", "keywords": ["TIG"]}],
                "experiences": [{"experienceKind": "volunteering", "name": "Bénévole",
                    "organizationName": "Restos", "placeName": "Lyon", "url": "https://restos.example",
                    "startDate": "2019-07", "ongoing": true, "approximateDates": true,
                    "description": "Cuisine", "motivation": "Les gens", "skills": ["Cuisine"],
                    "inLanguage": "fr", "visibility": "public"}],
                "education": [{"name": "CAP", "educationalCredentialAwarded": "CAP",
                    "startDate": "2015", "endDate": "2017", "visibility": "public"}]
            }),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let (s, v) = alice
        .post("/api/v1/me/profile/publish", json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let (s, v) = alice
        .post(
            "/api/v1/organisations",
            json!({"handle": "atelier", "name": "L'Atelier", "sector": "Bâtiment",
                   "size": "10-49", "location": "Lyon", "website": "https://atelier.example",
                   "logo_url": "https://atelier.example/logo.png"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let org_id = v["account"]["id"].as_i64().unwrap();

    // a Fedify actor follows the organisation, which publishes a job offer and closes it
    peer.act("follow", "ana", json!({"target": a.url("/orgs/atelier")}))
        .await
        .unwrap();
    eventually(20, "Fedify follows the organisation", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/organisations/{org_id}"))
            .await
            .ok()?;
        (v["followers_count"] == 1).then_some(())
    })
    .await;
    let (s, offer) = alice
        .post(
            &format!("/api/v1/organisations/{org_id}/jobs"),
            json!({"title": "Maçon", "description": "Chantiers d'insertion.",
                   "contract_type": "fixed_term", "working_time": "full_time",
                   "location": "Lyon", "salary_min": 1800, "salary_max": 2000,
                   "salary_period": "month", "required_skills": ["Maçonnerie"],
                   "nice_to_have_skills": ["Permis B"], "experience_level": "none",
                   "open_without_diploma": true, "start_date": "2030-01-01",
                   "closes_on": "2999-01-01", "languages": ["fr"],
                   "how_to_apply": "Appelez-nous."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{offer}");
    let offer_id = offer["id"].as_i64().unwrap();
    for step in ["publish", "close"] {
        let (s, v) = alice
            .post(&format!("/api/v1/jobs/{offer_id}/{step}"), json!({}))
            .await
            .unwrap();
        assert_eq!(s, 200, "{v}");
    }

    // a community Fedify joins: a thread, a reply, a pin and a removal reach it
    let (s, v) = alice
        .post(
            "/api/v1/communities",
            json!({"handle": "entraide", "name": "Entraide", "description": "Pour s'aider",
                   "charter": "Bienveillance.", "access": "open", "language": "fr"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let community = v["account"]["id"].as_i64().unwrap();
    peer.act("follow", "ana", json!({"target": a.url("/c/entraide")}))
        .await
        .unwrap();
    eventually(20, "Fedify joins the community", || async {
        let (_, v) = alice
            .get(&format!("/api/v1/communities/{community}"))
            .await
            .ok()?;
        (v["members_count"] == 2).then_some(())
    })
    .await;
    let (s, thread) = alice
        .post(
            &format!("/api/v1/communities/{community}/threads"),
            json!({"title": "Atelier CV", "text": "Jeudi"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{thread}");
    let (s, reply) = alice
        .post(
            &format!("/api/v1/community-posts/{}/replies", thread["id"]),
            json!({"text": "J'y serai"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{reply}");
    for (post, action) in [(&thread, "pin"), (&reply, "remove")] {
        let (s, v) = alice
            .post(
                &format!("/api/v1/community-posts/{}/moderation", post["id"]),
                json!({"action": action}),
            )
            .await
            .unwrap();
        assert_eq!(s, 204, "{v}");
    }

    // what is served, while alice has a follower and a followed account
    let http = reqwest::Client::new();
    let mut documents: Vec<(String, Value)> = vec![];
    let paths = [
        "/users/alice".to_string(),
        "/actor".to_string(),
        "/actor/outbox".to_string(),
        "/users/alice/outbox".to_string(),
        "/users/alice/outbox?page=true".to_string(),
        "/users/alice/followers".to_string(),
        "/users/alice/followers?page=1".to_string(),
        "/users/alice/following".to_string(),
        "/users/alice/following?page=1".to_string(),
        url_path(&public["ap_id"]),
        url_path(&unlisted["ap_id"]),
        "/users/alice/profile".to_string(),
        "/orgs/atelier".to_string(),
        "/orgs/atelier/outbox".to_string(),
        "/orgs/atelier/followers".to_string(),
        "/orgs/atelier/following".to_string(),
        format!("/jobs/{offer_id}"),
        "/c/entraide".to_string(),
        "/c/entraide/outbox".to_string(),
        "/c/entraide/followers".to_string(),
        "/c/entraide/moderators".to_string(),
        url_path(&thread["uri"]),
    ];
    for path in paths {
        let r = http
            .get(a.url(&path))
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert!(status == 200 || status == 410, "{path}: {status}");
        let doc: Value = r.json().await.unwrap();
        documents.push((format!("GET {path} ({status})"), doc));
    }
    let page = &documents[4].1;
    assert!(
        page["orderedItems"]
            .as_array()
            .is_some_and(|i| !i.is_empty()),
        "{page}"
    );

    let (s, _) = alice
        .post(&format!("/api/v1/accounts/{ana_id}/unfollow"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, _) = alice
        .post(
            &format!("/api/v1/follow-requests/{ana_id}/refuse"),
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);

    // a direct message to ana, then a block and its lifting
    let (s, dm) = alice
        .post(
            "/api/v1/conversations",
            json!({"to": [ana_id], "text": "Bonjour Ana, en privé."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{dm}");
    for action in ["block", "unblock"] {
        let (s, _) = alice
            .post(&format!("/api/v1/accounts/{ana_id}/{action}"), json!({}))
            .await
            .unwrap();
        assert_eq!(s, 204);
    }

    let kinds = [
        "Accept", "Follow", "Create", "Update", "Delete", "Undo", "Reject", "Block", "Announce",
        "Remove", "Like",
    ];
    let sent = eventually(20, "every kind of activity reached Fedify", || async {
        let received = peer.received().await.ok()?;
        let has = |k: &str| received.iter().any(|r| r["activity"]["type"] == k);
        let person_update = received.iter().any(|r| {
            r["activity"]["type"] == "Update" && r["activity"]["object"]["type"] == "Person"
        });
        let posts = received
            .iter()
            .filter(|r| {
                r["activity"]["type"] == "Create" && r["activity"]["object"]["type"] == "Note"
            })
            .count();
        let offer = |kind: &str| {
            received
                .iter()
                .any(|r| r["activity"]["type"] == kind && r["activity"]["object"]["type"] == "Page")
        };
        let undo = |kind: &str| {
            received
                .iter()
                .any(|r| r["activity"]["type"] == "Undo" && r["activity"]["object"]["type"] == kind)
        };
        let undo_block = undo("Block") && undo("Like");
        (kinds.iter().all(|k| has(k))
            && person_update
            && undo_block
            && posts == 5
            && offer("Create")
            && offer("Update"))
        .then_some(received)
    })
    .await;
    assert!(
        sent.iter()
            .any(|r| r["activity"]["object"]["id"] == followers_only["ap_id"]),
        "the followers-only post was delivered"
    );
    let direct = sent
        .iter()
        .find(|r| r["activity"]["object"]["id"] == dm["ap_id"])
        .expect("the direct message was delivered");
    assert_eq!(direct["activity"]["object"]["cc"], json!([]));
    for r in sent {
        let activity = &r["activity"];
        assert_eq!(r["status"], 202, "Fedify refused {activity}");
        // Lemmy rejects embedded actors: ours are always URLs, and so are the objects of
        // Follow and Delete, and the actor and object of an answered Follow
        assert!(activity["actor"].is_string(), "{activity}");
        let object = &activity["object"];
        match activity["type"].as_str().unwrap_or_default() {
            "Follow" | "Delete" | "Block" | "Remove" => {
                assert!(object.is_string(), "{activity}")
            }
            "Accept" | "Reject" | "Undo" => assert!(
                object["actor"].is_string() && object["object"].is_string(),
                "{activity}"
            ),
            _ => {
                if object["type"] == "Note" || object["type"] == "Page" {
                    assert!(object["attributedTo"].is_string(), "{activity}");
                }
            }
        }
        let name = format!(
            "sent {} {}",
            activity["type"].as_str().unwrap_or("?"),
            activity["object"]["type"].as_str().unwrap_or("(by id)")
        );
        documents.push((name, activity.clone()));
    }
    check_jsonld(&documents)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
}
both_backends!(served_and_sent_documents_are_valid_jsonld);

fn url_path(ap_id: &Value) -> String {
    let url = url::Url::parse(ap_id.as_str().unwrap()).unwrap();
    url.path().to_string()
}
