//! fediverse-pasture (PyPI, built on bovine), an ActivityPub test kit nobody here wrote: its
//! `verify_actor` signature matrix against our member, and its `send` inputs — real-world
//! shapes of `Create(Note)` — against our inbox.

use crate::{both_backends, instance};
use federation_tests::{
    Backend,
    peers::{PastureVerifier, pasture_send_inputs},
};
use passerelle::{config::DatabaseUrl, db::Db};

async fn pasture_verify_actor(backend: Backend) {
    let (a, verifier) = tokio::join!(instance(backend, "a"), PastureVerifier::start());
    let verifier = verifier.unwrap();
    a.member("dana").await.unwrap();
    let report = verifier.verify(&a.url("/users/dana")).await.unwrap();
    let result = &report["result"];
    let messages = report["messages"].as_str().unwrap_or_default();
    for name in ["alice", "bob", "claire", "dean", "emily", "frank"] {
        assert_eq!(
            result[name]["get_actor"], true,
            "{name} could not fetch our actor: {messages}"
        );
    }
    // unsigned POSTs are refused with 401 (pasture would count a 400 as an acceptance)
    for name in ["alice", "dean"] {
        assert_eq!(result[name]["post_inbox"], false, "{name}: {messages}");
    }
    assert_eq!(
        messages.matches("Got 401 for unsigned POST").count(),
        2,
        "{messages}"
    );
    // signed POSTs are accepted, also from actors whose key is served only to signed GETs
    // (claire, frank) and actors without preferredUsername (dean, emily, frank). Pasture posts
    // a Like of an object we do not have: accepted (202) and not counted.
    for name in ["bob", "claire", "emily", "frank"] {
        assert_eq!(result[name]["post_inbox"], true, "{name}: {messages}");
    }
    // WebFinger of acct:dana@domain gives back the actor
    assert_eq!(result["webfinger"], true, "{messages}");
}
both_backends!(pasture_verify_actor);

/// Input families whose every example is an ordinary post that must be accepted (with
/// `attributedTo` as a URL, an object or a list whose first entry is the sender). The others
/// (`object_types`, `necessary_properties`) contain shapes we refuse on purpose: types other
/// than Note and Article, no id, no type, no author.
const MUST_ACCEPT: &[&str] = &[
    "attachments",
    "attributed_to",
    "content_warnings",
    "context",
    "hashtag_jsonld",
    "hashtags",
    "html_anchor",
    "html_bad",
    "html_tags",
    "html_tags_article",
    "html_tags_summary",
    "image_attachments",
    "image_description",
    "in_reply_to",
    "language",
    "mentions",
    "public_addressing",
    "quotes",
    "recommended_attachments",
    "url",
];

/// Single examples of the other families that must be accepted too.
const MUST_ACCEPT_ALSO: &[(&str, u64)] = &[
    ("object_types", 0),  // Article
    ("object_types", 5),  // Note
    ("object_types", 12), // ["Note", "Article"]
    ("necessary_properties", 0),
    ("necessary_properties", 2), // no published
];

async fn pasture_send_inputs_to_our_inbox(backend: Backend) {
    let a = instance(backend, "a").await;
    a.member("dana").await.unwrap();
    let results = pasture_send_inputs(&a.url("/users/dana")).await.unwrap();
    let mut refused = vec![];
    for r in &results {
        let input = r["input"].as_str().unwrap();
        let status = &r["status"];
        assert!(
            *status == 202 || *status == 400,
            "{input} #{}: answered {status} (only 202 or a reasoned 400 are expected)",
            r["number"]
        );
        if *status == 400 {
            let number = r["number"].as_u64().unwrap();
            assert!(
                !MUST_ACCEPT.contains(&input) && !MUST_ACCEPT_ALSO.contains(&(input, number)),
                "{input} #{number} was refused"
            );
            refused.push(format!("{input} #{}", r["number"]));
        }
    }
    let accepted = results.len() - refused.len();
    eprintln!(
        "fediverse-pasture inputs: {accepted} accepted, {} refused: {refused:?}",
        refused.len()
    );

    // what was stored is clean HTML: no script, style, event handler or javascript: URL
    let url = match a.database_url.strip_prefix("sqlite://") {
        Some(p) => DatabaseUrl::Sqlite(p.into()),
        None => DatabaseUrl::Postgres(a.database_url.clone()),
    };
    let db = Db::connect(&url, 1).unwrap();
    let contents: Vec<String> = db
        .read_blocking(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::posts;
            Ok(posts::table
                .filter(posts::local.eq(false))
                .select(posts::content)
                .load(c)?)
        })
        .unwrap();
    // (accepted direct messages are acknowledged but not stored)
    assert!(
        contents.len() <= accepted && contents.len() * 2 > accepted,
        "{} of {accepted} accepted posts stored",
        contents.len()
    );
    for html in &contents {
        let lower = html.to_lowercase();
        for bad in [
            "<script",
            "<style",
            "onerror",
            "onclick",
            "javascript:",
            "<img",
            "<iframe",
        ] {
            assert!(!lower.contains(bad), "stored HTML keeps {bad}: {html}");
        }
    }
}
both_backends!(pasture_send_inputs_to_our_inbox);
