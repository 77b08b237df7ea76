//! Durable delivery: a receiver down for a while gets everything, in order, once back; a sender
//! killed with `kill -9` in the middle of a fan-out delivers everything after its restart, and
//! nothing twice.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually};
use std::collections::HashSet;

async fn peer_down_then_back(backend: Backend) {
    let b_env = vec![(
        "PASSERELLE_FEDERATION__UNREACHABLE_AFTER".to_string(),
        "1s".to_string(),
    )];
    let (mut a, b) = tokio::join!(instance(backend, "a"), async {
        federation_tests::Instance::start_with(crate::NODE, backend, "b", b_env)
            .await
            .unwrap()
    });
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    alice.follow_accepted(&bob.handle).await.unwrap();

    a.kill().await;
    let mut sent = vec![];
    for i in 0..5 {
        sent.push(bob.write(&format!("message {i}"), "public").await.unwrap()["ap_id"].clone());
    }
    // b keeps them queued while a is down, and says so
    let metrics = eventually(15, "b sees a failing", || async {
        let m = reqwest::get(b.url("/metrics"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let line = format!(
            "passerelle_deliveries_pending{{instance=\"{}\"}} 5",
            a.domain()
        );
        m.contains(&line).then_some(m)
    })
    .await;
    assert!(
        metrics.contains("passerelle_deliveries_failed_total"),
        "{metrics}"
    );
    // failing longer than federation.unreachable_after: marked unreachable, queue kept
    let unreachable = format!(
        "passerelle_instance_unreachable{{instance=\"{}\"}} 1",
        a.domain()
    );
    eventually(15, "a marked unreachable", || async {
        let m = reqwest::get(b.url("/metrics"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        m.contains(&unreachable).then_some(())
    })
    .await;

    a.restart().await.unwrap();
    let feed = eventually(30, "all posts delivered after the restart", || async {
        let feed = alice.home().await.ok()?;
        (feed.len() == 5).then_some(feed)
    })
    .await;
    // the feed is newest first by arrival: reversed, it is the order they were written in
    let received: Vec<_> = feed.iter().rev().map(|p| p["ap_id"].clone()).collect();
    assert_eq!(received, sent);
    // and it is no longer unreachable
    let m = reqwest::get(b.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains(&format!(
            "passerelle_instance_unreachable{{instance=\"{}\"}} 0",
            a.domain()
        )),
        "{m}"
    );
}
both_backends!(peer_down_then_back);

async fn sender_killed_during_delivery(backend: Backend) {
    let (mut a, mut b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let alice = a.member("alice").await.unwrap();
    let carol = c.member("carol").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    for m in [&alice, &carol] {
        m.follow_accepted(&bob.handle).await.unwrap();
    }
    // a is down, so b's deliveries to it are certainly pending, while those to c are being sent
    a.kill().await;
    let total = 30;
    let mut sent = HashSet::new();
    for i in 0..total {
        sent.insert(bob.write(&format!("offre {i}"), "public").await.unwrap()["ap_id"].clone());
    }
    b.kill().await; // kill -9, whatever was in flight
    b.restart().await.unwrap();
    a.restart().await.unwrap();
    for m in [&alice, &carol] {
        let feed = eventually(30, "every post delivered after the restarts", || async {
            let feed = m.home().await.ok()?;
            (feed.len() >= total).then_some(feed)
        })
        .await;
        let ids: Vec<_> = feed.iter().map(|p| p["ap_id"].clone()).collect();
        assert_eq!(ids.len(), total, "nothing doubled");
        assert_eq!(
            ids.into_iter().collect::<HashSet<_>>(),
            sent,
            "nothing lost"
        );
    }
}
both_backends!(sender_killed_during_delivery);

/// Two server processes share one PostgreSQL database (two nodes of one instance): together
/// they deliver every activity, each exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_each_activity_once() {
    let backend = Backend::Postgres;
    if !backend.available() {
        eprintln!("skipped: PASSERELLE_TEST_POSTGRES_URL is not set");
        return;
    }
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let b2 = federation_tests::Instance::start_node_of(&b, "b-node2")
        .await
        .unwrap();
    let bob = b.member("bob").await.unwrap();
    let mut followers = vec![];
    for (inst, name) in [(&a, "alice"), (&c, "carol")] {
        let m = inst.member(name).await.unwrap();
        m.follow_accepted(&bob.handle).await.unwrap();
        followers.push(m);
    }
    // posts are written through both nodes; both workers deliver
    let total = 40;
    for i in 0..total {
        let node = if i % 2 == 0 { &b } else { &b2 };
        let (s, v) = bob
            .via(node)
            .post(
                "/api/v1/posts",
                serde_json::json!({"text": format!("annonce {i}")}),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
    }
    for m in &followers {
        eventually(30, "all posts delivered", || async {
            (m.home().await.ok()?.len() == total).then_some(())
        })
        .await;
    }
    for receiver in [&a, &c] {
        let metrics = reqwest::get(receiver.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !metrics.contains(r#"result="duplicate""#),
            "an activity arrived twice:\n{metrics}"
        );
    }
    let sent = |m: &str| -> u64 {
        m.lines()
            .filter(|l| l.starts_with("passerelle_deliveries_sent_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    };
    let m1 = reqwest::get(b.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let m2 = reqwest::get(b2.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // follows' Accepts are deliveries too; the posts alone are 2 × total
    assert!(sent(&m1) + sent(&m2) >= 2 * total as u64, "{m1}\n{m2}");
}
