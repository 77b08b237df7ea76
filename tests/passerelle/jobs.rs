//! Job offers on one instance: writing and checking them, drafts, the job board's search and
//! filters, the offer page (schema.org JSON-LD, ActivityPub document), Atom feeds,
//! applications and answers, closing by hand and at the closing date, the import command.

use crate::{Backend, TestApp, both_backends, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// An organisation `handle` owned by a new member; returns (owner token, organisation id).
async fn organisation(app: &TestApp, owner: &str, handle: &str) -> (String, i64) {
    let token = app.member(owner).await;
    let (s, org) = app
        .call(
            &token,
            Method::POST,
            "/api/v1/organisations",
            json!({"handle": handle, "name": format!("Maison {handle}"), "location": "Lyon"}),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    (token, org["account"]["id"].as_i64().unwrap())
}

fn cook() -> Value {
    json!({
        "title": "Cuisinier ou cuisinière",
        "description": "Préparer les repas du midi avec une équipe de quatre.\n\nFormation sur place.",
        "contract_type": "permanent", "working_time": "full_time",
        "location": "Lyon 7e", "remote": "no",
        "salary_min": 1800, "salary_max": 2100, "salary_period": "month",
        "required_skills": ["Cuisine", "#Hygiène alimentaire"],
        "nice_to_have_skills": ["Pâtisserie"],
        "experience_level": "none",
        "open_without_diploma": true, "open_without_experience": true,
        "start_date": "2030-01-05", "languages": ["fr"],
        "how_to_apply": "Passez nous voir le matin."
    })
}

fn ids(board: &Value) -> Vec<i64> {
    board["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

async fn offers_are_written_searched_and_closed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (owner, org) = organisation(&app, "nadia", "bistrot").await;
    let seeker = app.member("yanis").await;
    let post = |path: String, body: Value| {
        let (app, owner) = (&app, owner.clone());
        async move { app.call(&owner, Method::POST, &path, body).await }
    };

    // every mistake is named by its field; nothing is stored
    let (s, v) = post(
        format!("/api/v1/organisations/{org}/jobs"),
        json!({"title": "", "contract_type": "forever", "salary_min": 10, "salary_max": 5,
               "salary_currency": "euros", "closes_on": "demain", "languages": ["français"]}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let mut fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "closes_on",
            "contract_type",
            "description",
            "languages",
            "location",
            "salary_currency",
            "salary_max",
            "salary_period",
            "title"
        ]
    );
    // only the team writes offers
    let (s, _) = app
        .call(
            &seeker,
            Method::POST,
            &format!("/api/v1/organisations/{org}/jobs"),
            cook(),
        )
        .await;
    assert_eq!(s, 403);

    let (s, draft) = post(format!("/api/v1/organisations/{org}/jobs"), cook()).await;
    assert_eq!(s, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["state"], "draft");
    assert_eq!(
        draft["required_skills"],
        json!(["Cuisine", "Hygiène alimentaire"])
    );
    assert_eq!(draft["salary"]["currency"], "EUR");
    // a draft is invisible outside the team, even its existence
    let (s, _) = app
        .call(
            &seeker,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(s, 404);
    let r = app
        .http
        .get(app.url(&format!("/jobs/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, board) = app
        .call(&seeker, Method::GET, "/api/v1/jobs", json!({}))
        .await;
    assert!(ids(&board).is_empty());

    // published: on the board, found by words (word beginnings too) and filters
    let (s, v) = post(format!("/api/v1/jobs/{id}/publish"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "published");
    let mut other = cook();
    other["title"] = json!("Développeuse web");
    other["description"] = json!("Maintenir nos sites.");
    other["contract_type"] = json!("internship");
    other["location"] = json!("");
    other["remote"] = json!("full");
    other["open_without_diploma"] = json!(false);
    other["required_skills"] = json!(["Rust"]);
    other["languages"] = json!(["en"]);
    let (_, dev) = post(format!("/api/v1/organisations/{org}/jobs"), other).await;
    let dev = dev["id"].as_i64().unwrap();
    post(format!("/api/v1/jobs/{dev}/publish"), json!({})).await;

    let search = |q: &str| {
        let (app, seeker, q) = (&app, seeker.clone(), q.to_string());
        async move {
            let (s, v) = app
                .call(
                    &seeker,
                    Method::GET,
                    &format!("/api/v1/jobs?{q}"),
                    json!({}),
                )
                .await;
            assert_eq!(s, 200, "{q}: {v}");
            ids(&v)
        }
    };
    assert_eq!(search("q=cuisiniere").await, [id]);
    assert_eq!(search("q=CUISIN").await, [id], "a word beginning is enough");
    assert_eq!(search("q=hygiene").await, [id], "skills are searched");
    assert_eq!(
        search("q=maison+bistrot+sites").await,
        [dev],
        "organisation name too"
    );
    assert!(search("q=plombier").await.is_empty());
    assert_eq!(search("contract=internship").await, [dev]);
    assert_eq!(
        search("contract=permanent,internship&sort=date").await,
        [dev, id]
    );
    assert_eq!(search("without_diploma=true").await, [id]);
    assert_eq!(search("without_experience=true").await.len(), 2);
    assert_eq!(search("place=lyon").await, [id]);
    assert_eq!(
        search("place=lyon&remote=full").await.len(),
        2,
        "place or remote"
    );
    assert_eq!(search("remote=partial").await, [dev]);
    assert_eq!(search("language=en").await, [dev]);
    assert_eq!(search("skills=rust,java").await, [dev]);
    assert_eq!(search("since=2000-01-01").await.len(), 2);
    assert!(search("since=2999-01-01").await.is_empty());
    // words and every filter at once; a place is found by the beginning of its words
    assert_eq!(
        search("q=cuisin&skills=hygiene+alimentaire,java&contract=permanent&place=ly&remote=full&without_diploma=true&without_experience=true&language=fr&sort=date").await,
        [id]
    );
    assert_eq!(search("place=lyon+7").await, [id]);
    assert!(search("q=cuisin&skills=rust").await.is_empty());
    assert!(search("q=cuisin&place=paris").await.is_empty());
    assert!(search("q=cuisin&language=en").await.is_empty());

    // the filter words of the offers already stored, as the migration that added them built
    // them in SQL, are those the server writes (on each backend)
    let migration = match backend {
        Backend::Sqlite => {
            include_str!("../../migrations/sqlite/2026-12-03-000012_job_search_facets/up.sql")
        }
        Backend::Postgres => {
            include_str!("../../migrations/postgres/2026-12-03-000012_job_search_facets/up.sql")
        }
    };
    let update = migration
        .split(';')
        .find(|s| s.trim_start().starts_with("UPDATE"))
        .unwrap()
        .to_string();
    let facets = || {
        use diesel::prelude::*;
        use passerelle::db::schema::job_offers;
        app.state().db.read(|c| {
            let mut rows: Vec<(i64, String)> = job_offers::table
                .select((job_offers::id, job_offers::search_facets))
                .load(c)?;
            rows.iter_mut().for_each(|(_, f)| {
                let mut words: Vec<&str> = f.split(' ').collect();
                words.sort();
                *f = words.join(" ");
            });
            rows.sort();
            Ok(rows)
        })
    };
    let written = facets().await.unwrap();
    assert!(
        written.iter().any(|(_, f)| f
            == "zzcpermanent zzlfr zznodiploma zznoexperience zzp7e zzplyon zzrno zzscuisine zzshygienealimentaire zzspatisserie"),
        "{written:?}"
    );
    app.state()
        .db
        .write(move |c| {
            use diesel::RunQueryDsl;
            diesel::sql_query(update).execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(facets().await.unwrap(), written);
    let (s, v) = app
        .call(
            &seeker,
            Method::GET,
            "/api/v1/jobs?per_page=1&sort=date",
            json!({}),
        )
        .await;
    assert_eq!((s, v["has_more"].clone()), (200, json!(true)));
    let (_, v2) = app
        .call(
            &seeker,
            Method::GET,
            "/api/v1/jobs?per_page=1&sort=date&page=2",
            json!({}),
        )
        .await;
    assert_eq!(v2["has_more"], false);
    assert_ne!(ids(&v), ids(&v2));
    let (s, v) = app
        .call(
            &seeker,
            Method::GET,
            "/api/v1/jobs?since=soon&contract=forever",
            json!({}),
        )
        .await;
    assert_eq!(s, 422, "{v}");

    // offers matching the member's own skills are marked
    let (s, _) = app
        .call(
            &seeker,
            Method::PUT,
            "/api/v1/me/profile/draft",
            json!({"skills": [{"name": "cuisine"}]}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, v) = app
        .call(
            &seeker,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(v["matching_skills"], json!(["Cuisine"]));
    assert_eq!(v["team"], false);
    assert!(v.get("applications_count").is_none());

    // the page: readable by anyone, with its schema.org JobPosting
    let page = app
        .http
        .get(app.url(&format!("/jobs/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Cuisinier ou cuisinière"));
    let ld = page
        .split(r#"<script type="application/ld+json">"#)
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("JSON-LD on the page");
    let ld: Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["@type"], "JobPosting");
    assert_eq!(ld["title"], "Cuisinier ou cuisinière");
    assert_eq!(ld["hiringOrganization"]["name"], "Maison bistrot");
    assert_eq!(ld["baseSalary"]["value"]["minValue"], 1800.0);
    assert_eq!(ld["jobLocation"]["address"]["addressLocality"], "Lyon 7e");
    for required in ["datePosted", "description", "employmentType"] {
        assert!(ld.get(required).is_some(), "{required} in {ld}");
    }
    // ...and its ActivityPub document: a Page Mastodon and Lemmy can show
    let ap = app.ap_json(&app.url(&format!("/jobs/{id}"))).await;
    assert_eq!(ap["type"], "Page");
    assert_eq!(ap["name"], "Cuisinier ou cuisinière");
    assert_eq!(ap["contractType"], "permanent");
    assert_eq!(ap["openWithoutDiploma"], true);
    assert_eq!(ap["hiringOrganization"], app.url("/orgs/bistrot"));
    assert_eq!(ap["tag"][0]["type"], "Hashtag");

    // Atom feeds: the organisation's and a search's
    for path in ["/orgs/bistrot/jobs.atom", "/jobs.atom?q=cuisine"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let feed = atom_syndication::Feed::read_from(&r.bytes().await.unwrap()[..]).unwrap();
        assert!(!feed.title.value.is_empty());
        assert!(feed.links.iter().any(|l| l.rel == "self"));
        let titles: Vec<_> = feed.entries.iter().map(|e| e.title.value.clone()).collect();
        assert!(
            titles.contains(&"Cuisinier ou cuisinière".to_string()),
            "{path}: {titles:?}"
        );
        for e in &feed.entries {
            assert!(!e.id.is_empty() && !e.authors.is_empty() && e.content.is_some());
        }
    }

    // closing: off the board, no more applications; a published offer is not deleted
    let (s, _) = app
        .call(
            &owner,
            Method::DELETE,
            &format!("/api/v1/jobs/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, v) = post(format!("/api/v1/jobs/{id}/close"), json!({})).await;
    assert_eq!((s, v["state"].clone()), (200, json!("closed")));
    assert!(search("q=cuisinier").await.is_empty());
    let (s, v) = app
        .call(
            &seeker,
            Method::POST,
            &format!("/api/v1/jobs/{id}/applications"),
            json!({"message": "Bonjour"}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    // a draft is deleted
    let (_, d) = post(format!("/api/v1/organisations/{org}/jobs"), cook()).await;
    let (s, _) = app
        .call(
            &owner,
            Method::DELETE,
            &format!("/api/v1/jobs/{}", d["id"]),
            json!({}),
        )
        .await;
    assert_eq!(s, 204);
}
both_backends!(offers_are_written_searched_and_closed);

/// A recruiter posts a published offer into a community they belong to: a thread with the
/// offer's title and link; not a draft, not into a community they are not in, not by someone
/// outside the team. (The offer page's form: `web::communities_with_forms`.)
async fn offers_are_posted_into_communities(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (owner, org) = organisation(&app, "nadia", "bistrot").await;
    let other = app.member("olga").await;
    let community = |token: String, handle: &'static str| {
        let app = &app;
        async move {
            let (s, c) = app
                .call(
                    &token,
                    Method::POST,
                    "/api/v1/communities",
                    json!({"handle": handle, "name": handle, "access": "open"}),
                )
                .await;
            assert_eq!(s, 201, "{c}");
            c["account"]["id"].as_i64().unwrap()
        }
    };
    let mine = community(owner.clone(), "restauration").await;
    let theirs = community(other.clone(), "ailleurs").await;
    let (_, offer) = app
        .call(
            &owner,
            Method::POST,
            &format!("/api/v1/organisations/{org}/jobs"),
            cook(),
        )
        .await;
    let id = offer["id"].as_i64().unwrap();
    let share = |token: String, community: i64| {
        let app = &app;
        async move {
            app.call(
                &token,
                Method::POST,
                &format!("/api/v1/jobs/{id}/communities"),
                json!({"community_id": community}),
            )
            .await
        }
    };
    let (s, v) = share(owner.clone(), mine).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"][0]["code"], "not_published");
    let (s, _) = app
        .call(
            &owner,
            Method::POST,
            &format!("/api/v1/jobs/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = share(other.clone(), theirs).await;
    assert_eq!(s, 403, "outside the team");
    let (s, _) = share(owner.clone(), theirs).await;
    assert_eq!(s, 403, "not a member of that community");
    let (s, thread) = share(owner.clone(), mine).await;
    assert_eq!(s, 201, "{thread}");
    assert_eq!(thread["title"], "Cuisinier ou cuisinière");
    let content = thread["content"].as_str().unwrap();
    assert!(
        content.contains(&app.url(&format!("/jobs/{id}"))) && content.contains("Maison bistrot"),
        "{content}"
    );
    let (_, threads) = app
        .call(
            &other,
            Method::GET,
            &format!("/api/v1/communities/{mine}/threads"),
            None,
        )
        .await;
    assert_eq!(threads[0]["id"], thread["id"]);

    // the thread and the offer are reported; a moderator removes both
    let mona = app.member("mona").await;
    app.set_role("mona", "moderator").await;
    let (_, me) = app.call(&owner, Method::GET, "/api/v1/me", None).await;
    let nadia = me["account"]["id"].as_i64().unwrap();
    let (_, offer_view) = app
        .call(&other, Method::GET, &format!("/api/v1/jobs/{id}"), None)
        .await;
    for (account, object) in [
        (nadia, thread["uri"].as_str().unwrap().to_string()),
        (org, offer_view["ap_id"].as_str().unwrap().to_string()),
    ] {
        let (s, r) = app
            .call(
                &other,
                Method::POST,
                "/api/v1/reports",
                json!({"account_id": account, "object": object, "reason": "Annonce trompeuse"}),
            )
            .await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["object"], object.as_str());
        let (s, v) = app
            .call(
                &mona,
                Method::POST,
                &format!("/api/v1/admin/reports/{}/resolve", r["id"]),
                json!({"action": "remove_content"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let (_, threads) = app
        .call(
            &other,
            Method::GET,
            &format!("/api/v1/communities/{mine}/threads"),
            None,
        )
        .await;
    assert_eq!(threads.as_array().unwrap().len(), 0, "{threads}");
    let (_, offer_view) = app
        .call(&other, Method::GET, &format!("/api/v1/jobs/{id}"), None)
        .await;
    assert_eq!(offer_view["state"], "closed");
    // an object that is not the account's is refused
    let (s, v) = app
        .call(
            &other,
            Method::POST,
            "/api/v1/reports",
            json!({"account_id": org, "object": thread["uri"], "reason": "x"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
}
both_backends!(offers_are_posted_into_communities);

async fn offers_close_at_their_closing_date(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (owner, org) = organisation(&app, "nadia", "bistrot").await;
    let mut offer = cook();
    offer["closes_on"] = json!("2001-01-01");
    let (_, o) = app
        .call(
            &owner,
            Method::POST,
            &format!("/api/v1/organisations/{org}/jobs"),
            offer,
        )
        .await;
    let id = o["id"].as_i64().unwrap();
    let (s, v) = app
        .call(
            &owner,
            Method::POST,
            &format!("/api/v1/jobs/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(s, 422, "a past closing date cannot be published: {v}");
    assert_eq!(v["fields"][0]["field"], "closes_on");

    // published with a date, which then passes: off the board at once, closed by the task
    let mut offer = cook();
    offer["closes_on"] = json!("2999-01-01");
    let (_, o) = app
        .call(&owner, Method::PUT, &format!("/api/v1/jobs/{id}"), offer)
        .await;
    assert_eq!(o["closes_on"], "2999-01-01");
    let (s, _) = app
        .call(
            &owner,
            Method::POST,
            &format!("/api/v1/jobs/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let state = app.state().clone();
    state
        .db
        .write(move |c| {
            use diesel::prelude::*;
            use passerelle::db::schema::job_offers;
            diesel::update(job_offers::table.find(id))
                .set(job_offers::closes_on.eq(chrono::NaiveDate::from_ymd_opt(2001, 1, 1)))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let (_, board) = app
        .call(&owner, Method::GET, "/api/v1/jobs", json!({}))
        .await;
    assert!(ids(&board).is_empty());
    let (_, v) = app
        .call(
            &owner,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(v["state"], "closed", "shown closed before the task runs");
    assert_eq!(
        passerelle::jobs::close_expired(app.state()).await.unwrap(),
        1
    );
    assert_eq!(
        passerelle::jobs::close_expired(app.state()).await.unwrap(),
        0
    );
    let state = app.state().clone();
    let stored = state
        .db
        .read(move |c| Ok(passerelle::jobs::model::get(c, id)?.unwrap().state))
        .await
        .unwrap();
    assert_eq!(stored, "closed");
}
both_backends!(offers_close_at_their_closing_date);

async fn applications_reach_only_the_team(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (owner, org) = organisation(&app, "nadia", "bistrot").await;
    let recruiter = app.member("karim").await;
    let (s, _) = app
        .call(
            &owner,
            Method::PUT,
            &format!("/api/v1/organisations/{org}/team/karim"),
            json!({"role": "recruiter"}),
        )
        .await;
    assert!(s < 300, "{s}");
    let seeker = app.member("yanis").await;
    let stranger = app.member("zoe").await;
    let (_, o) = app
        .call(
            &recruiter,
            Method::POST,
            &format!("/api/v1/organisations/{org}/jobs"),
            cook(),
        )
        .await;
    let id = o["id"].as_i64().unwrap();
    app.call(
        &recruiter,
        Method::POST,
        &format!("/api/v1/jobs/{id}/publish"),
        json!({}),
    )
    .await;
    // the applicant's profile: a public experience and one kept to themself
    app.call(
        &seeker,
        Method::PUT,
        "/api/v1/me/profile/draft",
        json!({"headline": "Commis motivé", "skills": [{"name": "Cuisine"}],
               "experiences": [
                 {"experienceKind": "volunteering", "name": "Bénévole aux Restos", "visibility": "public"},
                 {"experienceKind": "family", "name": "Aide à ma grand-mère", "visibility": "private"}]}),
    )
    .await;
    app.call(
        &seeker,
        Method::POST,
        "/api/v1/me/profile/publish",
        json!({}),
    )
    .await;

    let apply = |who: &str, body: Value| {
        let (app, who) = (&app, who.to_string());
        async move {
            app.call(
                &who,
                Method::POST,
                &format!("/api/v1/jobs/{id}/applications"),
                body,
            )
            .await
        }
    };
    let (s, v) = apply(&seeker, json!({"message": "  ", "sections": ["hobbies"]})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = apply(&recruiter, json!({"message": "Moi !"})).await;
    assert_eq!(s, 409, "the team does not apply: {v}");
    let (s, a) = apply(
        &seeker,
        json!({"message": "J'aime cuisiner pour les autres.", "sections": ["headline", "experiences"]}),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    let app_id = a["id"].as_i64().unwrap();
    assert_eq!(a["status"], "received");
    assert_eq!(a["shared_profile"]["headline"], "Commis motivé");
    let shared = a["shared_profile"].to_string();
    assert!(shared.contains("Bénévole aux Restos"));
    assert!(
        !shared.contains("grand-mère"),
        "private parts are never sent"
    );
    assert!(
        a["shared_profile"].get("skills").is_none(),
        "unchosen sections stay"
    );
    let (s, _) = apply(&seeker, json!({"message": "Encore"})).await;
    assert_eq!(s, 409, "one application per offer");

    // who can read it: the applicant and the team, nobody else
    for (who, expected) in [
        (&seeker, 200),
        (&owner, 200),
        (&recruiter, 200),
        (&stranger, 404),
    ] {
        let (s, _) = app
            .call(
                who,
                Method::GET,
                &format!("/api/v1/applications/{app_id}"),
                json!({}),
            )
            .await;
        assert_eq!(s, expected);
    }
    let (s, _) = app
        .call(
            &stranger,
            Method::GET,
            &format!("/api/v1/jobs/{id}/applications"),
            json!({}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, list) = app
        .call(
            &recruiter,
            Method::GET,
            &format!("/api/v1/jobs/{id}/applications"),
            json!({}),
        )
        .await;
    assert_eq!((s, list.as_array().unwrap().len()), (200, 1));
    let (_, v) = app
        .call(
            &owner,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(v["applications_count"], 1);

    // the team answers; the applicant cannot, nor can a stranger
    let answer = |who: &str, body: Value| {
        let (app, who) = (&app, who.to_string());
        async move {
            app.call(
                &who,
                Method::POST,
                &format!("/api/v1/applications/{app_id}/answers"),
                body,
            )
            .await
        }
    };
    let (s, _) = answer(&seeker, json!({"status": "hired"})).await;
    assert_eq!(s, 403);
    let (s, _) = answer(&stranger, json!({"status": "hired"})).await;
    assert_eq!(s, 404);
    let (s, v) = answer(&recruiter, json!({"status": "maybe"})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = answer(&recruiter, json!({})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = answer(
        &recruiter,
        json!({"status": "interview", "message": "Venez mardi à 10 h."}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, mine) = app
        .call(&seeker, Method::GET, "/api/v1/me/applications", json!({}))
        .await;
    assert_eq!(mine[0]["status"], "interview");
    assert_eq!(mine[0]["answers"][0]["status"], "interview");
    assert!(
        mine[0]["answers"][0]["content_html"]
            .as_str()
            .unwrap()
            .contains("mardi")
    );
    // notifications: the team on the application, the applicant on the answer
    let kinds = |who: String| {
        let app = &app;
        async move {
            let (_, v) = app
                .call(&who, Method::GET, "/api/v1/notifications", None)
                .await;
            v.as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    (
                        n["kind"].as_str().unwrap().to_string(),
                        n["object"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let link = format!("/applications/{app_id}");
    for who in [&owner, &recruiter] {
        assert!(
            kinds(who.clone())
                .await
                .contains(&("application_received".into(), link.clone()))
        );
    }
    assert!(
        kinds(seeker.clone())
            .await
            .contains(&("application_status".into(), link.clone()))
    );
    assert!(kinds(stranger.clone()).await.is_empty());
    let (_, stranger_list) = app
        .call(&stranger, Method::GET, "/api/v1/me/applications", json!({}))
        .await;
    assert_eq!(stranger_list, json!([]));
}
both_backends!(applications_reach_only_the_team);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_checks_every_row_before_writing() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let (owner, org) = organisation(&app, "nadia", "bistrot").await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("offres.csv");
    std::fs::write(
        &good,
        "title,description,contract_type,location,required_skills,open_without_diploma,languages\n\
         Cuisinier,Préparer les repas,permanent,Lyon,Cuisine; Hygiène,oui,fr\n\
         Serveur,Servir en salle,seasonal,Nice,Service,non,fr|en\n",
    )
    .unwrap();
    let bad = dir.path().join("offres.json");
    std::fs::write(
        &bad,
        r#"[{"title": "Plongeur", "description": "Laver", "contract_type": "seasonal", "location": "Nice"},
            {"title": "", "description": "x", "contract_type": "forever", "location": "Nice"}]"#,
    )
    .unwrap();
    let domain = app.base.trim_start_matches("http://").to_string();
    let run = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "jobs",
            "import",
            file.to_str().unwrap(),
            "--organisation",
            "bistrot",
        ];
        args.extend_from_slice(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .current_dir(dir.path())
            .args(&args)
            .env_remove("PASSERELLE_CONFIG")
            .env("RUST_LOG", "error")
            .env("PASSERELLE_DATABASE__URL", &app.db_url)
            .env("PASSERELLE_INSTANCE__DOMAIN", &domain)
            .output()
            .unwrap()
    };
    let count = || async {
        let (_, v) = app
            .call(
                &owner,
                Method::GET,
                &format!("/api/v1/organisations/{org}/jobs"),
                json!({}),
            )
            .await;
        v.as_array().unwrap().len()
    };
    // a refused row: its reasons, and nothing imported
    let o = run(&bad, &[]);
    let out = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("row 2") && out.contains("title") && out.contains("contract_type"),
        "{out}"
    );
    assert!(!out.contains("row 1"), "{out}");
    assert_eq!(count().await, 0);
    // a dry run checks and writes nothing
    let o = run(&good, &["--dry-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 rows checked"));
    assert_eq!(count().await, 0);
    // an unknown organisation is named
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .current_dir(dir.path())
        .args([
            "jobs",
            "import",
            good.to_str().unwrap(),
            "--organisation",
            "nobody",
        ])
        .env_remove("PASSERELLE_CONFIG")
        .env("PASSERELLE_DATABASE__URL", &app.db_url)
        .env("PASSERELLE_INSTANCE__DOMAIN", &domain)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("@nobody"));
    // imported and published: on the board with their skills
    let o = run(&good, &["--publish"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 offers imported"));
    assert_eq!(count().await, 2);
    let (_, board) = app
        .call(
            &owner,
            Method::GET,
            "/api/v1/jobs?skills=hygiene&without_diploma=true",
            json!({}),
        )
        .await;
    assert_eq!(board["offers"].as_array().unwrap().len(), 1, "{board}");
    assert_eq!(board["offers"][0]["title"], "Cuisinier");
}
