//! Professional profiles on one instance: draft and publish, visibility of each part for each
//! reader, browsing by skill, JSON Resume import and export, the data archive, closing an
//! account, and a captured Mastodon actor read with its fields.

use crate::{Backend, TestApp, both_backends, spawn_app};
use axum::{Json, Router, extract::Query, routing};
use serde_json::{Value, json};
use std::collections::HashMap;

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    app.call(token, reqwest::Method::GET, path, None).await
}

async fn account_id(app: &TestApp, token: &str) -> i64 {
    get(app, token, "/api/v1/me").await.1["account"]["id"]
        .as_i64()
        .unwrap()
}

fn titles(profile: &Value) -> Vec<String> {
    profile["experiences"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn draft_publish_and_visibility(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let alice_id = account_id(&app, &alice).await;

    // a draft with one experience per visibility, and bad input refused as a whole
    let doc = json!({
        "inLanguage": "fr",
        "headline": "Animatrice, je cherche un emploi",
        "seeks": ["job", "training"],
        "knowsLanguage": [{"name": "Français", "proficiency": "native"}],
        "links": [{"name": "Blog", "href": "https://blog.example/alice"}],
        "skills": [{"name": "Animation"}, {"name": "BAFA"}],
        "sectionVisibility": {"location": "followers"},
        "homeLocation": {"addressLocality": "Roubaix"},
        "experiences": [
            {"experienceKind": "volunteering", "name": "Colonie de vacances", "visibility": "public",
             "skills": ["#Soudure", "Animation"], "startDate": "2019-07", "endDate": "2019-08",
             "description": "J'encadrais 12 enfants.", "motivation": "Les voir progresser."},
            {"experienceKind": "family", "name": "Garde de mes frères", "visibility": "followers", "ongoing": true},
            {"experienceKind": "associative", "name": "Trésorière du club", "visibility": "instance"},
            {"experienceKind": "other", "name": "Journal intime", "visibility": "private"}
        ]
    });
    let (s, v) = app
        .call(
            &alice,
            reqwest::Method::PUT,
            "/api/v1/me/profile/draft",
            Some(doc.clone()),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["published_at"], Value::Null);
    assert_eq!(titles(&v["profile"]).len(), 4);
    let mut bad = doc.clone();
    bad["experiences"][0]["startDate"] = json!("été 2019");
    bad["experiences"][1]["name"] = json!("");
    let (s, v) = app
        .call(
            &alice,
            reqwest::Method::PUT,
            "/api/v1/me/profile/draft",
            Some(bad),
        )
        .await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["experiences.0.start_date", "experiences.1.title"]);
    assert_eq!(
        titles(&get(&app, &alice, "/api/v1/me/profile/draft").await.1["profile"]).len(),
        4,
        "nothing half-written"
    );

    // nothing is visible before publishing
    let (s, _) = get(&app, &bob, &format!("/api/v1/accounts/{alice_id}/profile")).await;
    assert_eq!(s, 404);
    let r = app
        .http
        .get(app.url("/users/alice/profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // previews show each audience its cut
    for (who, expected) in [
        ("anonymous", vec!["Colonie de vacances"]),
        (
            "follower",
            vec!["Colonie de vacances", "Garde de mes frères"],
        ),
        ("member", vec!["Colonie de vacances", "Trésorière du club"]),
    ] {
        let (s, p) = get(
            &app,
            &alice,
            &format!("/api/v1/me/profile/preview?as={who}"),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(titles(&p), expected, "preview as {who}");
    }

    let (s, v) = app
        .call(
            &alice,
            reqwest::Method::POST,
            "/api/v1/me/profile/publish",
            None,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["unpublished_changes"], false);

    // bob, a member of the same instance who does not follow alice
    let (_, p) = get(&app, &bob, &format!("/api/v1/accounts/{alice_id}/profile")).await;
    assert_eq!(
        titles(&p["profile"]),
        ["Colonie de vacances", "Trésorière du club"]
    );
    assert!(
        p["profile"]["homeLocation"].is_null(),
        "location is for followers"
    );
    assert!(p["profile"].get("resumeExtra").is_none());
    // someone alice blocks reads only what everyone may read
    let (_, found) = get(&app, &alice, "/api/v1/accounts/lookup?handle=bob").await;
    let bob_id = found["account"]["id"].as_i64().unwrap();
    for (action, seen) in [
        ("block", vec!["Colonie de vacances"]),
        ("unblock", vec!["Colonie de vacances", "Trésorière du club"]),
    ] {
        let (s, _) = app
            .call(
                &alice,
                reqwest::Method::POST,
                &format!("/api/v1/accounts/{bob_id}/{action}"),
                None,
            )
            .await;
        assert_eq!(s, 204);
        let (_, p) = get(&app, &bob, &format!("/api/v1/accounts/{alice_id}/profile")).await;
        assert_eq!(titles(&p["profile"]), seen, "after {action}");
    }
    // once he follows her (automatically accepted), the followers' part too
    let (s, _) = app
        .call(
            &bob,
            reqwest::Method::POST,
            &format!("/api/v1/accounts/{alice_id}/follow"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (_, p) = get(&app, &bob, &format!("/api/v1/accounts/{alice_id}/profile")).await;
    assert_eq!(
        titles(&p["profile"]),
        [
            "Colonie de vacances",
            "Garde de mes frères",
            "Trésorière du club"
        ]
    );
    assert_eq!(p["profile"]["homeLocation"]["addressLocality"], "Roubaix");
    // alice sees everything of her own
    let (_, p) = get(
        &app,
        &alice,
        &format!("/api/v1/accounts/{alice_id}/profile"),
    )
    .await;
    assert_eq!(titles(&p["profile"]).len(), 4);

    // anonymous ActivityPub reads: the public part only, with Mastodon fields
    for path in ["/users/alice", "/users/alice/profile"] {
        let r = app
            .http
            .get(app.url(path))
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let text = r.text().await.unwrap();
        assert!(text.contains("Colonie de vacances"), "{path}");
        for hidden in [
            "Garde de mes frères",
            "Trésorière du club",
            "Journal intime",
            "Roubaix",
        ] {
            assert!(!text.contains(hidden), "{path} leaks {hidden}");
        }
    }
    let actor: Value = app
        .http
        .get(app.url("/users/alice"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields = actor["attachment"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["En bref", "Recherche", "Compétences", "Langues", "Blog"]
    );
    assert_eq!(actor["professionalProfile"]["type"], "Profile");
    assert_eq!(actor["professionalProfile"]["describes"], actor["id"]);
    assert!(
        actor["@context"]
            .to_string()
            .contains("https://passerelle.social/ns#")
    );
    assert_eq!(
        actor["summaryMap"],
        Value::Null,
        "no summary, no summaryMap"
    );

    // browsing by skill: case, accents and '#' do not matter; each reader sees their part
    for tag in ["soudure", "%23SOUDURE", "Soudure"] {
        let (s, found) = get(&app, &bob, &format!("/api/v1/profiles?tag={tag}")).await;
        assert_eq!(s, 200);
        assert_eq!(found[0]["title"], "Colonie de vacances", "{tag}");
        assert_eq!(found[0]["account"]["id"], alice_id);
    }
    let (_, found) = get(&app, &bob, "/api/v1/profiles?kind=family").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "bob follows alice");
    let carol = app.member("carol").await;
    let (_, found) = get(&app, &carol, "/api/v1/profiles?kind=family").await;
    assert_eq!(found, json!([]), "carol does not follow alice");
    let (_, found) = get(&app, &carol, "/api/v1/profiles?kind=associative").await;
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "members of the instance see its part"
    );
    let (_, found) = get(&app, &carol, "/api/v1/profiles?tag=animation").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (s, _) = get(&app, &carol, "/api/v1/profiles?kind=piracy").await;
    assert_eq!(s, 422);

    // the web page of the profile, and the browse page, for an anonymous visitor
    let page = app
        .http
        .get(app.url("/@alice"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Colonie de vacances") && page.contains("Animatrice, je cherche un emploi")
    );
    assert!(
        page.contains("J&#39;encadrais 12 enfants.") || page.contains("J'encadrais 12 enfants.")
    );
    assert!(!page.contains("Trésorière du club") && !page.contains("Garde de mes frères"));
    let page = app
        .http
        .get(app.url("/people?tag=SOUDURE"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Colonie de vacances"), "{page}");

    // a later edit stays a draft until published again
    let (s, e) = app
        .call(
            &alice,
            reqwest::Method::POST,
            "/api/v1/me/profile/draft/experiences",
            Some(json!({"experienceKind": "small_job", "name": "Vendanges", "startDate": "2020"})),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    let (_, d) = get(&app, &alice, "/api/v1/me/profile/draft").await;
    assert_eq!(d["unpublished_changes"], true);
    let (_, p) = get(&app, &bob, &format!("/api/v1/accounts/{alice_id}/profile")).await;
    assert!(!titles(&p["profile"]).contains(&"Vendanges".to_string()));
    let (s, v) = app.call(&alice, reqwest::Method::PUT,
        &format!("/api/v1/me/profile/draft/experiences/{}", e["entryId"].as_str().unwrap()),
        Some(json!({"experienceKind": "small_job", "name": "Vendanges", "startDate": "2021", "endDate": "2020"}))).await;
    assert_eq!(s, 422);
    assert_eq!(
        v["fields"][0]["field"], "end_date",
        "entry errors are named as in the entry"
    );
    let (s, _) = app
        .call(
            &alice,
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/me/profile/draft/experiences/{}",
                e["entryId"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .call(
            &alice,
            reqwest::Method::DELETE,
            "/api/v1/me/profile/draft/experiences/nope",
            None,
        )
        .await;
    assert_eq!(s, 404);
}

both_backends!(draft_publish_and_visibility);

fn without_ours(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove("passerelle");
        for key in ["work", "volunteer", "projects", "education"] {
            if let Some(Value::Array(a)) = m.get_mut(key) {
                for e in a {
                    e.as_object_mut().unwrap().remove("passerelle");
                }
            }
        }
    }
    v
}

async fn json_resume_import_export_archive_and_deletion(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let amina = app.member("amina").await;
    let resume: Value =
        serde_json::from_str(include_str!("../fixtures/jsonresume-full.json")).unwrap();

    // a preview stores nothing
    let (s, report) = app
        .call(
            &amina,
            reqwest::Method::POST,
            "/api/v1/me/profile/resume?dry_run=true",
            Some(resume.clone()),
        )
        .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["saved"], false);
    assert_eq!(report["added"]["experiences"].as_array().unwrap().len(), 4);
    assert_eq!(report["card"]["name"], "Amina Diallo");
    let (_, d) = get(&app, &amina, "/api/v1/me/profile/draft").await;
    assert!(d["profile"]["experiences"].is_null());
    assert_eq!(
        get(&app, &amina, "/api/v1/me").await.1["account"]["display_name"],
        "amina"
    );

    // a bad file: every problem named by its path in the file, nothing imported
    let mut bad = resume.clone();
    bad["work"][1]["startDate"] = json!("septembre");
    bad["education"][0]["area"] = json!(42);
    let (s, v) = app
        .call(
            &amina,
            reqwest::Method::POST,
            "/api/v1/me/profile/resume",
            Some(bad),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "education[0].area");
    let mut bad = resume.clone();
    bad["work"][1]["startDate"] = json!("septembre");
    let (s, v) = app
        .call(
            &amina,
            reqwest::Method::POST,
            "/api/v1/me/profile/resume",
            Some(bad),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["field"], "work[1].start_date");
    let r = app
        .http
        .post(app.url("/api/v1/me/profile/resume"))
        .bearer_auth(&amina)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (_, d) = get(&app, &amina, "/api/v1/me/profile/draft").await;
    assert!(
        d["profile"]["experiences"].is_null(),
        "nothing half-imported"
    );

    // the import, then the export: every property of the schema comes back
    let (s, report) = app
        .call(
            &amina,
            reqwest::Method::POST,
            "/api/v1/me/profile/resume",
            Some(resume.clone()),
        )
        .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["saved"], true);
    let (_, me) = get(&app, &amina, "/api/v1/me").await;
    assert_eq!(me["account"]["display_name"], "Amina Diallo");
    let (s, exported) = get(&app, &amina, "/api/v1/me/profile/resume").await;
    assert_eq!(s, 200);
    assert_eq!(without_ours(exported), resume);
    // the imported draft publishes; contact details stay with their owner
    let (s, _) = app
        .call(
            &amina,
            reqwest::Method::POST,
            "/api/v1/me/profile/publish",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let doc = app
        .http
        .get(app.url("/users/amina/profile"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(doc.contains("Commis de cuisine") && doc.contains("Les Restos du Cœur"));
    for private in [
        "amina@example.org",
        "+33 6",
        "12 rue des Lilas",
        "14/20",
        "resumeExtra",
    ] {
        assert!(!doc.contains(private), "{private} federated");
    }

    // the archive holds everything
    let r = app
        .http
        .get(app.url("/api/v1/me/archive"))
        .bearer_auth(&amina)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README.txt",
            "account.json",
            "blocked.csv",
            "followers.csv",
            "following.csv",
            "messages.json",
            "posts.json",
            "profile.json",
            "resume.json"
        ]
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("resume.json").unwrap(), &mut text).unwrap();
    let archived: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(without_ours(archived), resume);

    // closing the account: the password is checked, then everything goes
    let (s, v) = app
        .call(
            &amina,
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": "wrong"})),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["fields"][0]["field"], "password");
    let (s, _) = app
        .call(
            &amina,
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": "a long enough password"})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = get(&app, &amina, "/api/v1/me").await;
    assert_eq!(s, 401, "the token died with the account");
    let r = app
        .http
        .get(app.url("/users/amina"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    let r = app
        .http
        .get(app.url("/users/amina/profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // the name stays reserved
    let r = app
        .http
        .post(app.url("/api/v1/accounts"))
        .json(&json!({"username": "amina", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

both_backends!(json_resume_import_export_archive_and_deletion);

/// Serves a captured Mastodon actor (ids moved to this server) and its WebFinger.
async fn fake_mastodon() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let keys = passerelle::federation::signatures::generate_keys().unwrap();
    let actor = include_str!("../fixtures/mastodon-actor.json")
        .replace("https://mastodon.example", &base)
        .replace(
            "\"PUBLIC KEY PEM\"",
            &serde_json::to_string(&keys.public_key_pem).unwrap(),
        );
    let host = base.trim_start_matches("http://").to_string();
    let actor_id = format!("{base}/users/gabrielle");
    let app = Router::new()
        .route(
            "/users/gabrielle",
            routing::get(move || {
                let actor = actor.clone();
                async move { ([("content-type", "application/activity+json")], actor) }
            }),
        )
        .route(
            "/.well-known/webfinger",
            routing::get(move |Query(q): Query<HashMap<String, String>>| {
                let (host, actor_id) = (host.clone(), actor_id.clone());
                async move {
                    assert_eq!(q["resource"], format!("acct:gabrielle@{host}"));
                    Json(json!({
                        "subject": format!("acct:gabrielle@{host}"),
                        "links": [{"rel": "self", "type": "application/activity+json", "href": actor_id}]
                    }))
                }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn mastodon_actor_renders_with_its_fields(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = app.member("lea").await;
    let base = fake_mastodon().await;
    let handle = format!("gabrielle@{}", base.trim_start_matches("http://"));
    let (s, v) = get(
        &app,
        &token,
        &format!("/api/v1/accounts/lookup?handle=@{handle}"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let id = v["account"]["id"].as_i64().unwrap();
    let (s, p) = get(&app, &token, &format!("/api/v1/accounts/{id}/profile")).await;
    assert_eq!(s, 200, "{p}");
    let fields = p["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3);
    assert_eq!(
        fields[0],
        json!({"name": "Métier", "value": "Conseillère en insertion professionnelle"})
    );
    assert!(
        fields[1]["value"]
            .as_str()
            .unwrap()
            .contains(r#"href="https://insertion.example/""#)
    );
    let trap = fields[2]["value"].as_str().unwrap();
    assert!(
        !trap.contains("script") && !trap.contains("onerror") && trap.contains("texte sûr"),
        "{trap}"
    );
    assert!(
        p["profile"]["experiences"].is_null(),
        "Mastodon has no structured profile"
    );

    // the page of this remote person shows the fields, sanitised
    let page = signed_in_page(&app, &format!("/@{handle}")).await;
    assert!(
        page.contains("Métier") && page.contains("Conseillère en insertion professionnelle"),
        "{page}"
    );
    assert!(page.contains("insertion.example"));
    assert!(!page.contains("<script>alert(1)"));
}

both_backends!(mastodon_actor_renders_with_its_fields);

/// A page as the member `lea` sees it, signed in through the log-in form.
async fn signed_in_page(app: &TestApp, path: &str) -> String {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = r#"name="csrf" value=""#;
    let start = form.find(marker).unwrap() + marker.len();
    let csrf = &form[start..start + form[start..].find('"').unwrap()];
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf),
            ("username", "lea"),
            ("password", "a long enough password"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}
