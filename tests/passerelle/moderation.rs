//! Moderators' decisions about single accounts (suspend, limit, lift) through the API, the
//! pages and the command line, and the CSV block-list import page.

use crate::{
    Backend, TestApp, both_backends, eventually,
    federation::{fake_remote, stored_posts},
    spawn_app,
    web::{Browser, location},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn me_id(app: &TestApp, token: &str) -> i64 {
    let (_, me) = app.call(token, Method::GET, "/api/v1/me", None).await;
    me["account"]["id"].as_i64().unwrap()
}

async fn moderate(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    app.call(
        token,
        Method::POST,
        &format!("/api/v1/admin/accounts/{id}/moderation"),
        body,
    )
    .await
}

async fn audit_actions(app: &TestApp, token: &str) -> String {
    let (s, log) = app
        .call(token, Method::GET, "/api/v1/admin/audit", None)
        .await;
    assert_eq!(s, 200, "{log}");
    log.to_string()
}

/// A remote account suspended: its activities are refused with the reason and nothing is
/// stored, what it wrote is gone, follows with it dropped; lifted, it may speak again; limited,
/// it is not refused. Local members are suspended and reinstated the same way.
async fn remote_and_local_accounts_suspended_limited_and_lifted(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let dana = app.member("dana").await;
    let dana_id = me_id(&app, &dana).await;
    let mo = app.member("mo").await;
    app.set_role("mo", "moderator").await;
    let zed = app.member("zed").await;
    let remote = fake_remote().await;

    // mallory follows dana and dana follows mallory; mallory's post reaches dana's feed
    let follow = json!({"type": "Follow", "id": format!("{}/follows/1", remote.base),
        "actor": remote.actor, "object": app.url("/users/dana")});
    assert_eq!(remote.post(&app, &remote.key, &follow).await.status(), 202);
    let handle = format!("mallory@{}", remote.base.trim_start_matches("http://"));
    let (s, found) = app
        .call(
            &dana,
            Method::GET,
            &format!("/api/v1/accounts/lookup?handle={handle}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{found}");
    let mallory_id = found["account"]["id"].as_i64().unwrap();
    app.call(
        &dana,
        Method::POST,
        &format!("/api/v1/accounts/{mallory_id}/follow"),
        None,
    )
    .await;
    let follow_out = eventually(10, || async {
        remote
            .received
            .lock()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "Follow")
            .cloned()
    })
    .await;
    let accept = json!({"type": "Accept", "id": format!("{}/accepts/1", remote.base),
        "actor": remote.actor, "object": follow_out["id"]});
    assert_eq!(remote.post(&app, &remote.key, &accept).await.status(), 202);
    let create = |n: u32| {
        json!({"type": "Create", "id": format!("{}/activities/{n}", remote.base),
            "actor": remote.actor,
            "object": {"type": "Note", "id": format!("{}/notes/{n}", remote.base),
                "attributedTo": remote.actor, "content": format!("<p>Offre miracle {n}</p>"),
                "to": ["https://www.w3.org/ns/activitystreams#Public"]}})
    };
    assert_eq!(
        remote.post(&app, &remote.key, &create(1)).await.status(),
        202
    );
    let (_, feed) = app
        .call(&dana, Method::GET, "/api/v1/timelines/home", None)
        .await;
    assert!(feed.to_string().contains("Offre miracle 1"), "{feed}");
    // mallory likes a post of dana's: counted, until the suspension
    let (s, dana_post) = app
        .call(
            &dana,
            Method::POST,
            "/api/v1/posts",
            Some(json!({"text": "Atelier CV jeudi", "visibility": "public"})),
        )
        .await;
    assert_eq!(s, 201, "{dana_post}");
    let like = json!({"type": "Like", "id": format!("{}/likes/1", remote.base),
        "actor": remote.actor, "object": dana_post["ap_id"]});
    assert_eq!(remote.post(&app, &remote.key, &like).await.status(), 202);
    let post_path = format!("/api/v1/posts/{}", dana_post["id"]);
    let (_, v) = app.call(&dana, Method::GET, &post_path, None).await;
    assert_eq!(v["reactions"]["likes"], 1, "{v}");

    // mallory writes to dana directly: a conversation, until the suspension
    let dm = json!({"type": "Create", "id": format!("{}/activities/dm", remote.base),
        "actor": remote.actor, "to": [app.url("/users/dana")],
        "object": {"type": "Note", "id": format!("{}/notes/dm", remote.base),
            "attributedTo": remote.actor, "content": "<p>Paie 50 € pour ton dossier</p>",
            "to": [app.url("/users/dana")],
            "tag": [{"type": "Mention", "href": app.url("/users/dana")}]}});
    assert_eq!(remote.post(&app, &remote.key, &dm).await.status(), 202);
    let (_, conversations) = app
        .call(&dana, Method::GET, "/api/v1/conversations", None)
        .await;
    assert!(
        conversations.to_string().contains("Paie 50"),
        "{conversations}"
    );

    // members may not moderate; bad input is refused with a clear message
    let (s, _) = moderate(&app, &zed, mallory_id, json!({"action": "suspend"})).await;
    assert_eq!(s, 403);
    let (s, _) = app
        .call(&zed, Method::GET, "/api/v1/admin/accounts", None)
        .await;
    assert_eq!(s, 403);
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "ban"})).await;
    assert!((400..500).contains(&s), "{s} {v}");
    assert!(v["message"].as_str().unwrap().contains("ban"), "{v}");
    let (s, v) = moderate(
        &app,
        &mo,
        mallory_id,
        json!({"action": "limit", "reason": "x".repeat(501)}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "reason", "{v}");
    let (s, _) = moderate(&app, &mo, 999_999, json!({"action": "limit"})).await;
    assert_eq!(s, 404);

    // suspended: what it wrote is gone, follows dropped, the account unknown to members
    let (s, v) = moderate(
        &app,
        &mo,
        mallory_id,
        json!({"action": "suspend", "reason": "arnaques à l'emploi"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "suspended");
    let (_, v) = app.call(&dana, Method::GET, &post_path, None).await;
    assert_eq!(v["reactions"]["likes"], 0, "{v}");
    let (_, feed) = app
        .call(&dana, Method::GET, "/api/v1/timelines/home", None)
        .await;
    assert!(!feed.to_string().contains("Offre miracle"), "{feed}");
    let (_, conversations) = app
        .call(&dana, Method::GET, "/api/v1/conversations", None)
        .await;
    assert!(
        !conversations.to_string().contains("Paie 50"),
        "{conversations}"
    );
    let (s, _) = app
        .call(
            &dana,
            Method::GET,
            &format!("/api/v1/accounts/{mallory_id}"),
            None,
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .call(
            &dana,
            Method::GET,
            &format!("/api/v1/accounts/lookup?handle={handle}"),
            None,
        )
        .await;
    assert_eq!(s, 404);
    let (_, followers) = app
        .call(
            &dana,
            Method::GET,
            &format!("/api/v1/accounts/{dana_id}/followers"),
            None,
        )
        .await;
    assert_eq!(followers, json!([]), "mallory no longer follows dana");
    let (_, following) = app
        .call(
            &dana,
            Method::GET,
            &format!("/api/v1/accounts/{dana_id}/following"),
            None,
        )
        .await;
    assert_eq!(following, json!([]), "dana no longer follows mallory");

    // its next activity is refused with the reason, and nothing is stored
    let before = stored_posts(&app).await;
    assert!(
        before.iter().all(|c| !c.contains("Offre miracle")),
        "{before:?}"
    );
    let r = remote.post(&app, &remote.key, &create(2)).await;
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("suspended") && body.contains("arnaques"),
        "{body}"
    );
    assert_eq!(stored_posts(&app).await, before);

    // moderators see it in the list and its standing; the decision is in the audit log
    let (s, list) = app
        .call(&mo, Method::GET, "/api/v1/admin/accounts", None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["account"]["id"], mallory_id, "{list}");
    assert_eq!(list[0]["status"], "suspended");
    assert_eq!(list[0]["reason"], "arnaques à l'emploi");
    let log = audit_actions(&app, &mo).await;
    assert!(
        log.contains("account.suspend") && log.contains(&remote.actor),
        "{log}"
    );
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "suspend"})).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "limit"})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("lift"), "{v}");

    // lifted: it may speak again; limited: still not refused
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "lift"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "none");
    assert_eq!(
        remote.post(&app, &remote.key, &create(3)).await.status(),
        202
    );
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "limit"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "limited");
    assert_eq!(
        remote.post(&app, &remote.key, &create(4)).await.status(),
        202
    );
    let (s, v) = app
        .call(
            &mo,
            Method::GET,
            &format!("/api/v1/admin/accounts/{mallory_id}/moderation"),
            None,
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("limited")), "{v}");
    let (s, _) = moderate(&app, &mo, mallory_id, json!({"action": "lift"})).await;
    assert_eq!(s, 200);
    let (s, v) = moderate(&app, &mo, mallory_id, json!({"action": "lift"})).await;
    assert_eq!(s, 409, "nothing to lift: {v}");

    // a local member: suspended (their token stops working), then reinstated
    let (s, v) = moderate(&app, &mo, dana_id, json!({"action": "suspend"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.call(&dana, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 401);
    let (s, _) = moderate(&app, &mo, dana_id, json!({"action": "lift"})).await;
    assert_eq!(s, 200);
    let (s, _) = app.call(&dana, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 200);

    // a moderator cannot act on an administrator, nor on themselves
    let boss = app.member("boss").await;
    app.set_role("boss", "admin").await;
    let boss_id = me_id(&app, &boss).await;
    let (s, _) = moderate(&app, &mo, boss_id, json!({"action": "limit"})).await;
    assert_eq!(s, 403);
    let mo_id = me_id(&app, &mo).await;
    let (s, _) = moderate(&app, &mo, mo_id, json!({"action": "suspend"})).await;
    assert_eq!(s, 403);
    let log = audit_actions(&app, &boss).await;
    for action in ["account.lift", "account.limit", "account.suspend"] {
        assert!(log.contains(action), "{action}: {log}");
    }
}
both_backends!(remote_and_local_accounts_suspended_limited_and_lifted);

/// A limited organisation's offers leave the job board and a limited person leaves browsing
/// by skill, except for their followers; a report resolved with `limit` does the same.
async fn limited_accounts_leave_public_lists(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mo = app.member("mo").await;
    app.set_role("mo", "moderator").await;
    let nadia = app.member("nadia").await;
    let (s, org) = app
        .call(
            &nadia,
            Method::POST,
            "/api/v1/organisations",
            json!({"handle": "bistrot", "name": "Le bistrot", "location": "Lyon"}),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    let org_id = org["account"]["id"].as_i64().unwrap();
    let (s, offer) = app
        .call(
            &nadia,
            Method::POST,
            &format!("/api/v1/organisations/{org_id}/jobs"),
            json!({"title": "Plongeur ou plongeuse", "description": "Le midi, en équipe.",
                "contract_type": "permanent", "working_time": "part_time",
                "location": "Lyon", "remote": "no", "languages": ["fr"]}),
        )
        .await;
    assert_eq!(s, 201, "{offer}");
    let offer_id = offer["id"].as_i64().unwrap();
    let (s, v) = app
        .call(
            &nadia,
            Method::POST,
            &format!("/api/v1/jobs/{offer_id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let seeker = app.member("yanis").await;
    let fan = app.member("fan").await;
    let (s, _) = app
        .call(
            &fan,
            Method::POST,
            &format!("/api/v1/accounts/{org_id}/follow"),
            None,
        )
        .await;
    assert!(s < 300, "{s}");
    let board = |token: String| {
        let app = &app;
        async move {
            let (s, v) = app.call(&token, Method::GET, "/api/v1/jobs", None).await;
            assert_eq!(s, 200, "{v}");
            v["offers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(board(seeker.clone()).await, [offer_id]);

    // a person with a public experience, found by skill
    let alice = app.member("alice").await;
    let alice_id = me_id(&app, &alice).await;
    let doc = json!({"inLanguage": "fr", "headline": "Soudeuse",
        "experiences": [{"experienceKind": "job", "name": "Chantier naval", "visibility": "public",
            "skills": ["Soudure"]}]});
    let (s, v) = app
        .call(&alice, Method::PUT, "/api/v1/me/profile/draft", doc)
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .call(
            &alice,
            Method::POST,
            "/api/v1/me/profile/publish",
            json!({}),
        )
        .await;
    assert!(s < 300, "{s} {v}");
    let bob = app.member("bob").await;
    app.call(
        &bob,
        Method::POST,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        None,
    )
    .await;
    let found = |token: String| {
        let app = &app;
        async move {
            let (s, v) = app
                .call(&token, Method::GET, "/api/v1/profiles?tag=soudure", None)
                .await;
            assert_eq!(s, 200, "{v}");
            v.as_array().unwrap().len()
        }
    };
    assert_eq!(found(seeker.clone()).await, 1);

    // the organisation limited from the API: off the board except for its follower
    let (s, v) = moderate(
        &app,
        &mo,
        org_id,
        json!({"action": "limit", "reason": "offres douteuses"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(board(seeker.clone()).await, Vec::<i64>::new());
    assert_eq!(board(fan.clone()).await, [offer_id]);
    let r = app.http.get(app.url("/jobs")).send().await.unwrap();
    assert!(!r.text().await.unwrap().contains("Plongeur"));

    // the person limited by resolving a report: out of browsing except for her follower
    let (s, report) = app
        .call(
            &seeker,
            Method::POST,
            "/api/v1/reports",
            json!({"account_id": alice_id, "reason": "faux profil"}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    let (s, v) = app
        .call(
            &mo,
            Method::POST,
            &format!("/api/v1/admin/reports/{}/resolve", report["id"]),
            json!({"action": "limit"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["resolution"], "limit");
    assert_eq!(found(seeker.clone()).await, 0);
    assert_eq!(found(bob.clone()).await, 1);
    assert_eq!(found(alice.clone()).await, 1, "one still finds oneself");

    // a limited community leaves the list of communities, except for its members
    let (s, c) = app
        .call(
            &nadia,
            Method::POST,
            "/api/v1/communities",
            json!({"handle": "cuisine", "name": "Cuisine", "access": "open"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let community = c["account"]["id"].as_i64().unwrap();
    let (s, j) = app
        .call(
            &fan,
            Method::POST,
            &format!("/api/v1/communities/{community}/join"),
            json!({"accept_charter": true}),
        )
        .await;
    assert_eq!(s, 200, "{j}");
    let communities = |token: String| {
        let app = &app;
        async move {
            let (s, v) = app
                .call(&token, Method::GET, "/api/v1/communities", None)
                .await;
            assert_eq!(s, 200, "{v}");
            v.as_array().unwrap().len()
        }
    };
    assert_eq!(communities(seeker.clone()).await, 1);
    let (s, _) = moderate(&app, &mo, community, json!({"action": "limit"})).await;
    assert_eq!(s, 200);
    assert_eq!(communities(seeker.clone()).await, 0);
    assert_eq!(communities(fan.clone()).await, 1);

    // lifted: back in the lists
    let (s, _) = moderate(&app, &mo, org_id, json!({"action": "lift"})).await;
    assert_eq!(s, 200);
    assert_eq!(board(seeker.clone()).await, [offer_id]);
    let (s, _) = moderate(&app, &mo, alice_id, json!({"action": "lift"})).await;
    assert_eq!(s, 200);
    assert_eq!(found(seeker.clone()).await, 1);
    let log = audit_actions(&app, &mo).await;
    assert!(log.contains("report.limit"), "{log}");
    assert!(log.contains("offres douteuses"), "{log}");
}
both_backends!(limited_accounts_leave_public_lists);

/// The moderation pages: members get 403; finding an account by handle; limiting, suspending
/// only after a confirmation page, lifting; errors shown on the page; from a report too.
async fn account_moderation_pages(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let modo = Browser::new(&app);
    modo.sign_up("modo").await;
    app.set_role("modo", "moderator").await;
    let member = Browser::new(&app);
    member.sign_up("yanis").await;
    let zoe = app.member("zoe").await;
    let zoe_id = me_id(&app, &zoe).await;
    let page = format!("/admin/accounts/{zoe_id}");

    for path in ["/admin/accounts", page.as_str()] {
        let (s, _) = member.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    let r = member
        .submit("/", &page, &[("action", "limit"), ("reason", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // finding an account by its handle
    let (s, found) = modo.get("/admin/accounts?handle=personne").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(found.contains(r#"id="handle-error""#), "{found}");
    let r = modo.response("/admin/accounts?handle=%40zoe").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), page);
    let (s, html) = modo.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Aucune restriction"), "{html}");

    // limiting: a reason too long is shown next to its field; then done
    let long = "x".repeat(501);
    let r = modo
        .submit(&page, &page, &[("action", "limit"), ("reason", &long)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(r#"id="reason-error""#));
    let r = modo
        .submit(
            &page,
            &page,
            &[("action", "limit"), ("reason", "messages insistants")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = modo.get(&page).await;
    assert!(
        html.contains("Limité") && html.contains("messages insistants"),
        "{html}"
    );
    let r = modo.submit(&page, &page, &[("action", "détruire")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // suspending asks first; nothing happens until confirmed
    let r = modo.submit(&page, &page, &[("action", "suspend")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let confirm = r.text().await.unwrap();
    assert!(
        confirm.contains("Suspendre @zoe") && confirm.contains(r#"name="confirmed""#),
        "{confirm}"
    );
    let (s, _) = app.call(&zoe, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 200, "not suspended before the confirmation");
    let (s, confirm_page) = modo.get(&format!("{page}/suspend")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(confirm_page.contains(r#"name="confirmed""#));
    let r = modo
        .submit(
            &page,
            &page,
            &[
                ("action", "suspend"),
                ("confirmed", "yes"),
                ("reason", "usurpation"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = app.call(&zoe, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 401);
    let (_, list) = modo.get("/admin/accounts").await;
    assert!(list.contains("@zoe") && list.contains("Suspendu"), "{list}");
    let r = modo
        .submit(&page, &page, &[("action", "suspend"), ("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("already suspended"));
    let r = modo.submit(&page, &page, &[("action", "lift")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = app.call(&zoe, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 200);

    // from a report: the suspension is confirmed first too
    let (s, report) = app
        .call(
            &zoe,
            Method::POST,
            "/api/v1/reports",
            json!({"account_id": me_id(&app, &app.member("spammeur").await).await,
                "reason": "pourriels"}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    let resolve = format!("/admin/reports/{}/resolve", report["id"]);
    let (_, queue) = modo.get("/admin/reports").await;
    assert!(queue.contains("Limiter le compte"), "{queue}");
    let r = modo
        .submit("/admin/reports", &resolve, &[("action", "suspend")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Suspendre @spammeur"));
    let r = modo
        .submit(
            "/admin/reports",
            &resolve,
            &[("action", "suspend"), ("confirmed", "yes"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = modo.get("/admin/accounts").await;
    assert!(list.contains("@spammeur"), "{list}");

    // every decision is in the audit log
    let admin = Browser::new(&app);
    admin.sign_up("root_admin").await;
    app.set_role("root_admin", "admin").await;
    let (_, audit) = admin.get("/admin/audit").await;
    for action in [
        "account.limit",
        "account.suspend",
        "account.lift",
        "report.suspend",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    // the profile page links moderators to the account's page, not members
    let (_, profile) = modo.get("/@zoe").await;
    assert!(profile.contains(&format!(r#"href="{page}""#)), "{profile}");
    let (_, profile) = member.get("/@zoe").await;
    assert!(!profile.contains(&format!(r#"href="{page}""#)));
}
both_backends!(account_moderation_pages);

/// The rules page imports a pasted CSV block list whole or not at all, with the line numbers
/// of its mistakes next to the field, and links the export.
async fn block_list_import_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let admin = Browser::new(&app);
    admin.sign_up("root_admin").await;
    app.set_role("root_admin", "admin").await;
    let member = Browser::new(&app);
    member.sign_up("yanis").await;

    let (_, page) = admin.get("/admin/instances").await;
    assert!(page.contains(r#"action="/admin/instances/import""#));
    assert!(page.contains(r#"href="/admin/instances.csv""#));
    let r = member
        .submit(
            "/",
            "/admin/instances/import",
            &[("csv", "#domain\nspam.example\n")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances/import",
            &[("csv", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="csv-error""#), "{html}");
    assert!(
        html.contains("Collez une liste de blocage"),
        "in French: {html}"
    );

    let bad = "#domain,#severity,#public_comment\nok.example,suspend,spam\nnot a host,block,\nx.example,nuke,\n";
    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances/import",
            &[("csv", bad)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="csv-error""#), "{html}");
    // each wrong line in the page's language, with its number and the value refused
    assert!(
        html.contains("Ligne 3 : « not a host » n’est pas un nom de serveur")
            && html.contains("Ligne 4 : niveau « nuke » inconnu"),
        "{html}"
    );
    assert!(!html.contains("line 3"), "no English sentence: {html}");
    assert!(html.contains("Rien n&#39;a été importé") || html.contains("Rien n'a été importé"));
    assert!(html.contains("not a host"), "the text is shown again");
    let (_, rules) = admin.get("/admin/instances").await;
    assert!(!rules.contains("ok.example"), "nothing half-imported");

    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances/import",
            &[("csv", "#domain,#severity,#public_comment\nok.example,suspend,spam\nloud.example,silence,\n")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/admin/instances?imported=2");
    let (_, rules) = admin.get("/admin/instances?imported=2").await;
    assert!(rules.contains("2 règles importées"), "{rules}");
    assert!(rules.contains("ok.example") && rules.contains("loud.example"));
    let (_, csv) = admin.get("/admin/instances.csv").await;
    assert!(csv.contains("ok.example,suspend,spam"), "{csv}");
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(audit.contains("instance.silence"), "{audit}");
}
both_backends!(block_list_import_page);
