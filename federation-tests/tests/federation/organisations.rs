//! Organisations across instances: a member of another instance finds an organisation by
//! handle, follows it, sees its details, and receives the changes to its page.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually};
use serde_json::json;

async fn organisations_are_followed_across_instances(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let nadia = a.member("nadia").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let (s, org) = nadia
        .post(
            "/api/v1/organisations",
            json!({"handle": "mission_locale", "name": "Mission locale du Nord",
                   "sector": "Insertion", "size": "10-49", "location": "Lille",
                   "website": "https://ml.example"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{org}");
    let org_id = org["account"]["id"].as_i64().unwrap();
    let handle = format!("mission_locale@{}", a.domain());

    let on_b = bob.follow_accepted(&handle).await.unwrap();
    let (_, v) = bob
        .get(&format!("/api/v1/organisations/{on_b}"))
        .await
        .unwrap();
    assert_eq!(v["account"]["kind"], "organization");
    assert_eq!(v["sector"], "Insertion");
    assert_eq!(v["location"], "Lille");
    assert_eq!(v["website"], "https://ml.example/");
    let (_, page) = bob.page(&format!("/@{handle}")).await.unwrap();
    assert!(
        page.contains("Mission locale du Nord") && page.contains("Insertion"),
        "{page}"
    );
    let (_, followers) = nadia
        .get(&format!("/api/v1/organisations/{org_id}"))
        .await
        .unwrap();
    assert_eq!(followers["followers_count"], 1);

    // an edit of the page reaches b
    let (s, _) = nadia
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/organisations/{org_id}"),
            json!({"name": "Mission locale Lille Nord", "sector": "Insertion des jeunes",
                   "size": "50-249", "location": "Lille"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    eventually(15, "the update reaches b", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/organisations/{on_b}"))
            .await
            .ok()?;
        (v["sector"] == "Insertion des jeunes"
            && v["account"]["display_name"] == "Mission locale Lille Nord"
            && v["size"] == "50-249"
            && v["website"].is_null())
        .then_some(())
    })
    .await;
}

both_backends!(organisations_are_followed_across_instances);
