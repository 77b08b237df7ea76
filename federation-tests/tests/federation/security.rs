//! Real instances refuse a forged signature and give a replayed activity no second effect.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually};
use passerelle::federation::signatures::{SigningKey, generate_keys, sign_post};
use passerelle::{config::DatabaseUrl, db::Db};
use serde_json::Value;

/// Reads an instance's database directly: the private key of an actor and its last activity.
fn key_and_last_activity(database_url: &str, actor: &str) -> (SigningKey, Value) {
    use diesel::prelude::*;
    use passerelle::db::schema::{activities, actors};
    let url = if let Some(p) = database_url.strip_prefix("sqlite://") {
        DatabaseUrl::Sqlite(p.into())
    } else {
        DatabaseUrl::Postgres(database_url.into())
    };
    let db = Db::connect(&url, 1).unwrap();
    let actor = actor.to_string();
    db.read_blocking(move |c| {
        let (id, pem): (i64, Option<String>) = actors::table
            .filter(actors::ap_id.eq(&actor))
            .select((actors::id, actors::private_key_pem))
            .first(c)?;
        let json: String = activities::table
            .filter(activities::actor_id.eq(id))
            .filter(activities::kind.eq("Create"))
            .order(activities::id.desc())
            .select(activities::json)
            .first(c)?;
        Ok((
            SigningKey::from_pem(&actor, &pem.unwrap()).unwrap(),
            serde_json::from_str(&json).unwrap(),
        ))
    })
    .unwrap()
}

async fn forged_and_replayed(backend: Backend) {
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    let alice = a.member("alice").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    alice.follow_accepted(&bob.handle).await.unwrap();
    let post = bob.write("Atelier CV jeudi", "public").await.unwrap();
    eventually(15, "post delivered", || async {
        (alice.home().await.ok()?.len() == 1).then_some(())
    })
    .await;

    let bob_actor = b.url("/users/bob");
    let (key, create) = key_and_last_activity(&b.database_url, &bob_actor);
    assert_eq!(create["object"]["id"], post["ap_id"]);
    let inbox = url::Url::parse(&a.url("/inbox")).unwrap();
    let http = reqwest::Client::new();
    let send = |key: SigningKey, body: Value| {
        let http = http.clone();
        let inbox = inbox.clone();
        async move {
            let bytes = body.to_string().into_bytes();
            let headers = sign_post(&key, &inbox, &bytes).unwrap();
            http.post(inbox)
                .headers(headers)
                .body(bytes)
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    // replay of the delivered activity, validly signed again: accepted as a duplicate, no effect
    assert_eq!(send(key.clone(), create.clone()).await, 202);
    assert_eq!(alice.home().await.unwrap().len(), 1);
    let metrics = reqwest::get(a.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains(r#"result="duplicate""#), "{metrics}");

    // a new activity in bob's name signed with another key: refused, nothing stored
    let mut forged = create.clone();
    forged["id"] = Value::String(format!("{}/activities/forged", b.base));
    forged["object"]["id"] = Value::String(format!("{}/posts/forged", b.base));
    forged["object"]["content"] = Value::String("<p>Faux message</p>".into());
    let other =
        SigningKey::from_pem(&bob_actor, &generate_keys().unwrap().private_key_pem).unwrap();
    assert_eq!(send(other, forged.clone()).await, 401);
    // the same with bob's real key is accepted: only the signature made the difference
    assert_eq!(alice.home().await.unwrap().len(), 1);
    assert_eq!(send(key, forged).await, 202);
    assert_eq!(alice.home().await.unwrap().len(), 2);
}
both_backends!(forged_and_replayed);
