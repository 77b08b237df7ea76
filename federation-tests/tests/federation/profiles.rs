//! Professional profiles across instances: a published profile renders on other instances,
//! each part reaches only who may read it (absent elsewhere, not hidden), updates follow,
//! browsing by skill finds remote experiences, and a closed account disappears everywhere.

use crate::{both_backends, instance};
use federation_tests::{Backend, Member, eventually};
use serde_json::{Value, json};

const SECRET: &str = "Aide au magasin de mes parents";
const COLLEAGUES: &str = "Délégué du personnel";

fn entry(title: &str, kind: &str, visibility: &str, skills: &[&str]) -> Value {
    json!({"experienceKind": kind, "name": title, "visibility": visibility, "skills": skills,
           "startDate": "2019-07", "description": "Ce que j'ai fait", "motivation": "Ce qui m'a plu"})
}

async fn publish(member: &Member, experiences: Vec<Value>) {
    let (s, v) = member
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile/draft",
            json!({
                "inLanguage": "fr",
                "headline": "Soudeuse, je cherche une alternance",
                "seeks": ["apprenticeship"],
                "homeLocation": {"addressLocality": "Lyon"},
                "skills": [{"name": "Soudure"}, {"name": "Travail en équipe"}],
                "experiences": experiences,
                "education": [{"name": "CAP Soudure", "educationalCredentialAwarded": "CAP", "visibility": "public"}],
            }),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let (s, v) = member
        .post("/api/v1/me/profile/publish", json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
}

/// The profile of account `id` as `viewer` reads it through their own instance's API.
async fn profile_of(viewer: &Member, id: i64) -> (u16, String) {
    let (s, v) = viewer
        .get(&format!("/api/v1/accounts/{id}/profile"))
        .await
        .unwrap();
    (s, v.to_string())
}

async fn raw_get(url: &str) -> String {
    reqwest::Client::new()
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn profiles_reach_only_their_readers(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let bob2 = b.member("bob2").await.unwrap();
    let carol = c.member("carol").await.unwrap();

    publish(
        &alice,
        vec![
            entry(
                "Soudure de portails",
                "job",
                "public",
                &["#Soudure", "Lecture de plans"],
            ),
            entry(SECRET, "family", "followers", &["Accueil"]),
            entry(COLLEAGUES, "associative", "instance", &[]),
        ],
    )
    .await;

    // bob follows alice: his instance fetches (signed) what followers may read
    let alice_on_b = bob.follow_accepted(&alice.handle).await.unwrap();
    let seen = eventually(15, "the followers-only experience reaches b", || async {
        let (s, p) = profile_of(&bob, alice_on_b).await;
        (s == 200 && p.contains(SECRET)).then_some(p)
    })
    .await;
    assert!(seen.contains("Soudure de portails"));
    assert!(seen.contains("CAP Soudure"));
    assert!(
        !seen.contains(COLLEAGUES),
        "instance-only parts never leave a"
    );
    // rendered in full on b's page for bob
    let (_, page) = bob.page(&format!("/@{}", alice.handle)).await.unwrap();
    assert!(page.contains("Soudure de portails") && page.contains(SECRET));
    assert!(page.contains("Soudeuse, je cherche une alternance"));
    assert!(
        !page.contains("<dt>En bref</dt>"),
        "the structured profile is shown, not its summary as fields"
    );
    // bob2 is on the same instance as bob but does not follow alice: not shown to him
    let alice_for_bob2 = bob2.lookup(&alice.handle).await.unwrap();
    assert_eq!(alice_for_bob2, alice_on_b);
    let (_, p) = profile_of(&bob2, alice_on_b).await;
    assert!(p.contains("Soudure de portails") && !p.contains(SECRET));

    // carol, on c, follows nobody: c only ever received the public part
    let alice_on_c = carol.lookup(&alice.handle).await.unwrap();
    let p = eventually(10, "alice's public profile on c", || async {
        let (s, p) = profile_of(&carol, alice_on_c).await;
        (s == 200 && p.contains("Soudure de portails")).then_some(p)
    })
    .await;
    assert!(!p.contains(SECRET) && !p.contains(COLLEAGUES));
    let (_, page) = carol.page(&format!("/@{}", alice.handle)).await.unwrap();
    assert!(page.contains("Soudure de portails") && !page.contains(SECRET));

    // anonymous fetches of a's documents: the public part only
    for path in ["/users/alice", "/users/alice/profile"] {
        let doc = raw_get(&a.url(path)).await;
        assert!(doc.contains("Soudure de portails"), "{path}: {doc}");
        assert!(
            !doc.contains(SECRET) && !doc.contains(COLLEAGUES),
            "{path} leaks: {doc}"
        );
    }
    // Mastodon-style fields on the actor
    let actor: Value = serde_json::from_str(&raw_get(&a.url("/users/alice")).await).unwrap();
    let fields = actor["attachment"]
        .as_array()
        .expect("PropertyValue fields");
    assert!(fields.iter().all(|f| f["type"] == "PropertyValue"));
    assert!(
        fields
            .iter()
            .any(|f| f["value"].as_str().unwrap().contains("Soudure"))
    );

    // browsing by skill on b finds alice's remote experience, whatever the spelling
    let (s, found) = bob.get("/api/v1/profiles?tag=%23SOUDURE").await.unwrap();
    assert_eq!(s, 200);
    let found = found.as_array().unwrap();
    assert!(
        found
            .iter()
            .any(|f| f["title"] == "Soudure de portails" && f["account"]["id"] == alice_on_b),
        "{found:?}"
    );
    let (_, by_kind) = bob.get("/api/v1/profiles?kind=family").await.unwrap();
    assert!(
        by_kind.to_string().contains(SECRET),
        "follower finds it by kind"
    );
    let (_, by_kind) = bob2.get("/api/v1/profiles?kind=family").await.unwrap();
    assert!(
        !by_kind.to_string().contains(SECRET),
        "non-follower does not"
    );

    // an update reaches both instances
    let (_, draft) = alice.get("/api/v1/me/profile/draft").await.unwrap();
    let mut doc = draft["profile"].clone();
    doc["experiences"][0]["name"] = json!("Soudure de portails et de rampes");
    let (s, _) = alice
        .send(reqwest::Method::PUT, "/api/v1/me/profile/draft", doc)
        .await
        .unwrap();
    assert_eq!(s, 200);
    let (_, before) = profile_of(&bob, alice_on_b).await;
    assert!(!before.contains("et de rampes"), "drafts stay private");
    alice
        .post("/api/v1/me/profile/publish", json!({}))
        .await
        .unwrap();
    eventually(15, "the update reaches b", || async {
        let (_, p) = profile_of(&bob, alice_on_b).await;
        (p.contains("et de rampes") && p.contains(SECRET)).then_some(())
    })
    .await;

    // alice closes her account: her profile disappears from b
    let (s, v) = alice
        .send(
            reqwest::Method::DELETE,
            "/api/v1/me",
            json!({"password": "a long enough password"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204, "{v}");
    eventually(15, "the deletion reaches b", || async {
        let (s, _) = profile_of(&bob, alice_on_b).await;
        (s == 404).then_some(())
    })
    .await;
    let (_, found) = bob.get("/api/v1/profiles?tag=soudure").await.unwrap();
    assert_eq!(found, json!([]), "nothing of alice is found on b any more");
    let r = reqwest::Client::new()
        .get(a.url("/users/alice"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
}

both_backends!(profiles_reach_only_their_readers);
