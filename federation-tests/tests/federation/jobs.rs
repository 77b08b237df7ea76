//! Job offers across instances: an organisation on A publishes offers that reach the job
//! board of B (whose member follows it) with their structure, so B's filters work; B's member
//! applies, A's recruiter sees the application and answers, B's applicant sees the status;
//! nobody else can read the application; closing and editing reach B.

use crate::{both_backends, instance};
use federation_tests::{Backend, eventually, peers::check_jobposting};
use passerelle::federation::signatures::{SigningKey, sign_get};
use serde_json::{Value, json};

fn ids(board: &Value) -> Vec<String> {
    board["offers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["title"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn job_offers_and_applications_cross_instances(backend: Backend) {
    let (a, b, c) = tokio::join!(
        instance(backend, "a"),
        instance(backend, "b"),
        instance(backend, "c")
    );
    let nadia = a.member("nadia").await.unwrap();
    let karim = a.member("karim").await.unwrap();
    let colleague = a.member("lea").await.unwrap();
    let bob = b.member("bob").await.unwrap();
    let bea = b.member("bea").await.unwrap();
    let carl = c.member("carl").await.unwrap();
    let (s, org) = nadia
        .post(
            "/api/v1/organisations",
            json!({"handle": "bistrot", "name": "Le Bistrot solidaire", "location": "Lyon"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{org}");
    let org_id = org["account"]["id"].as_i64().unwrap();
    let (s, _) = nadia
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/organisations/{org_id}/team/karim"),
            json!({"role": "recruiter"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let offer = |title: &str, contract: &str, without_diploma: bool| {
        json!({
            "title": title, "description": "Préparer les repas avec l'équipe.",
            "contract_type": contract, "working_time": "part_time", "location": "Lyon",
            "remote": "no", "salary_min": 1500, "salary_period": "month",
            "required_skills": ["Cuisine"], "nice_to_have_skills": ["Pâtisserie"],
            "open_without_diploma": without_diploma, "open_without_experience": true,
            "languages": ["fr"], "closes_on": "2999-12-31"
        })
    };
    let publish = |body: Value| {
        let karim = karim.clone();
        async move {
            let (s, o) = karim
                .post(&format!("/api/v1/organisations/{org_id}/jobs"), body)
                .await
                .unwrap();
            assert_eq!(s, 201, "{o}");
            let id = o["id"].as_i64().unwrap();
            let (s, o) = karim
                .post(&format!("/api/v1/jobs/{id}/publish"), json!({}))
                .await
                .unwrap();
            assert_eq!(s, 200, "{o}");
            id
        }
    };
    // published before anyone on B follows: sent to B when bob's follow is accepted
    let cook = publish(offer("Commis de cuisine", "apprenticeship", true)).await;
    let handle = format!("bistrot@{}", a.domain());
    bob.follow_accepted(&handle).await.unwrap();
    // published after: sent to the followers' servers
    publish(offer("Serveur en salle", "seasonal", false)).await;

    // machines read the offer: its page's schema.org JSON-LD validates against the
    // JobPosting JSON Schema; its ActivityPub Page has what Mastodon (which converts a Page
    // to a status: name and url) and Lemmy (name, content, mediaType, attributedTo, to, cc)
    // read
    let page = a
        .http
        .get(a.url(&format!("/jobs/{cook}")))
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    let ld: Value = serde_json::from_str(
        page.split(r#"<script type="application/ld+json">"#)
            .nth(1)
            .and_then(|s| s.split("</script>").next())
            .expect("JSON-LD on the offer page"),
    )
    .unwrap();
    check_jobposting(&[("offer page".into(), ld.clone())])
        .await
        .unwrap();
    let mut broken = ld.clone();
    broken.as_object_mut().unwrap().remove("datePosted");
    assert!(
        check_jobposting(&[("without datePosted".into(), broken)])
            .await
            .is_err(),
        "the schema check can fail"
    );
    let ap: Value = a
        .http
        .get(a.url(&format!("/jobs/{cook}")))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ap["type"], "Page");
    for key in [
        "id",
        "name",
        "url",
        "content",
        "attributedTo",
        "published",
        "to",
        "cc",
    ] {
        assert!(ap.get(key).is_some(), "{key} in {ap}");
    }
    assert_eq!(ap["mediaType"], "text/html");
    assert!(ap["attributedTo"].is_string() && ap["url"].is_string());
    assert!(
        ap["tag"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["type"] == "Hashtag"
                && t["name"].as_str().unwrap().starts_with('#')
                && !t["name"].as_str().unwrap().contains(' '))
    );

    let board = |who: federation_tests::Member, q: &'static str| async move {
        let (s, v) = who.get(&format!("/api/v1/jobs?{q}")).await.unwrap();
        assert_eq!(s, 200, "{v}");
        v
    };
    let on_b = eventually(20, "both offers on B's board", || async {
        let v = board(bea.clone(), "sort=date").await;
        (ids(&v).len() == 2).then_some(v)
    })
    .await;
    let remote_cook = on_b["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "Commis de cuisine")
        .unwrap()
        .clone();
    assert_eq!(remote_cook["local"], false);
    assert_eq!(remote_cook["contract_type"], "apprenticeship");
    assert_eq!(remote_cook["working_time"], "part_time");
    assert_eq!(remote_cook["required_skills"], json!(["Cuisine"]));
    assert_eq!(remote_cook["nice_to_have_skills"], json!(["Pâtisserie"]));
    assert_eq!(remote_cook["salary"]["min"], 1500);
    assert_eq!(remote_cook["closes_on"], "2999-12-31");
    assert_eq!(remote_cook["organisation"]["handle"], handle);
    // B's filters work on the structured offer
    assert_eq!(
        ids(&board(bea.clone(), "without_diploma=true").await),
        ["Commis de cuisine"]
    );
    assert_eq!(
        ids(&board(bea.clone(), "contract=seasonal").await),
        ["Serveur en salle"]
    );
    assert_eq!(
        ids(&board(bea.clone(), "q=commis&place=lyon&language=fr").await),
        ["Commis de cuisine"]
    );
    assert!(ids(&board(bea.clone(), "skills=rust").await).is_empty());
    // C follows nobody there: its board stays empty
    assert!(ids(&board(carl.clone(), "").await).is_empty());

    // B's administrators silence A: its offers leave B's board for everyone but the members
    // who follow the organisation; lifting the rule brings them back
    let admin = b.admin("admin_b").await.unwrap();
    let rule = |policy: Option<&'static str>| {
        let (admin, host) = (admin.clone(), a.domain());
        async move {
            let (s, v) = match policy {
                Some(p) => {
                    admin
                        .send(
                            reqwest::Method::PUT,
                            &format!("/api/v1/admin/instances/{host}"),
                            json!({"policy": p, "reason": "trop d'offres"}),
                        )
                        .await
                }
                None => {
                    admin
                        .send(
                            reqwest::Method::DELETE,
                            &format!("/api/v1/admin/instances/{host}"),
                            json!({}),
                        )
                        .await
                }
            }
            .unwrap();
            assert!(s < 300, "{v}");
        }
    };
    rule(Some("silence")).await;
    assert!(
        ids(&board(bea.clone(), "").await).is_empty(),
        "silenced for bea"
    );
    assert_eq!(
        ids(&board(bob.clone(), "").await).len(),
        2,
        "bob follows the organisation"
    );
    rule(None).await;
    assert_eq!(ids(&board(bea.clone(), "").await).len(), 2);

    // bob applies from B with part of his profile
    bob.send(
        reqwest::Method::PUT,
        "/api/v1/me/profile/draft",
        json!({"headline": "Aide cuisinier", "experiences": [
            {"experienceKind": "small_job", "name": "Plonge l'été", "visibility": "followers"},
            {"experienceKind": "family", "name": "Repas de famille", "visibility": "private"}]}),
    )
    .await
    .unwrap();
    bob.post("/api/v1/me/profile/publish", json!({}))
        .await
        .unwrap();
    let remote_id = remote_cook["id"].as_i64().unwrap();
    let (s, application) = bob
        .post(
            &format!("/api/v1/jobs/{remote_id}/applications"),
            json!({"message": "J'aimerais apprendre le métier.", "sections": ["headline", "experiences"]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{application}");
    let bob_application = application["id"].as_i64().unwrap();

    // A's recruiter sees it, with the shared parts only
    let on_a = eventually(20, "the application reaches A", || async {
        let (_, v) = karim
            .get(&format!("/api/v1/jobs/{cook}/applications"))
            .await
            .ok()?;
        v.as_array().filter(|a| a.len() == 1).map(|a| a[0].clone())
    })
    .await;
    assert_eq!(on_a["applicant"]["handle"], bob.handle);
    assert!(
        on_a["message_html"]
            .as_str()
            .unwrap()
            .contains("apprendre le métier")
    );
    assert_eq!(on_a["shared_profile"]["headline"], "Aide cuisinier");
    let shared = on_a["shared_profile"].to_string();
    assert!(
        shared.contains("Plonge l'été") && !shared.contains("Repas de famille"),
        "{shared}"
    );
    let a_id = on_a["id"].as_i64().unwrap();
    // nobody else on A reads it: not a member outside the team, not by the offer
    let (s, _) = colleague
        .get(&format!("/api/v1/applications/{a_id}"))
        .await
        .unwrap();
    assert_eq!(s, 404);
    let (s, _) = colleague
        .get(&format!("/api/v1/jobs/{cook}/applications"))
        .await
        .unwrap();
    assert_eq!(s, 403);
    // ...nor on B (another member), nor C by any request
    let (s, _) = bea
        .get(&format!("/api/v1/applications/{bob_application}"))
        .await
        .unwrap();
    assert_eq!(s, 404);
    let application_ap_id: String = {
        let db = b.database().unwrap();
        db.read(move |conn| {
            Ok(passerelle::jobs::model::application(conn, bob_application)?
                .unwrap()
                .ap_id)
        })
        .await
        .unwrap()
    };
    let c_actor = {
        let db = c.database().unwrap();
        let id = c.url("/actor");
        db.read(move |conn| Ok(passerelle::actors::model::by_ap_id(conn, &id)?.unwrap()))
            .await
            .unwrap()
    };
    let key = SigningKey::from_pem(
        c_actor.ap_id.as_str(),
        c_actor.private_key_pem.as_deref().unwrap(),
    )
    .unwrap();
    let http = reqwest::Client::new();
    for signed in [false, true] {
        let url = url::Url::parse(&application_ap_id).unwrap();
        let mut req = http
            .get(url.clone())
            .header("accept", "application/activity+json");
        if signed {
            req = req.headers(sign_get(&key, &url).unwrap());
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 404, "signed: {signed}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("apprendre le métier"));
    }
    let c_has_it = {
        let db = c.database().unwrap();
        let ap = application_ap_id.clone();
        db.read(move |conn| Ok(passerelle::jobs::model::application_by_ap_id(conn, &ap)?.is_some()))
            .await
            .unwrap()
    };
    assert!(!c_has_it, "C never receives the application");

    // the recruiter answers with a status: bob sees both on B
    let (s, v) = karim
        .post(
            &format!("/api/v1/applications/{a_id}/answers"),
            json!({"status": "interview", "message": "Venez mardi à 10 h."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let mine = eventually(20, "the answer reaches B", || async {
        let (_, v) = bob
            .get(&format!("/api/v1/applications/{bob_application}"))
            .await
            .ok()?;
        (v["status"] == "interview").then_some(v)
    })
    .await;
    // each side was told: the recruiters on A, the applicant on B
    let kinds = |who: federation_tests::Member| async move {
        let (_, v) = who.get("/api/v1/notifications").await.unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let received = "application_received".to_string();
    assert!(kinds(karim.clone()).await.contains(&received));
    assert!(kinds(nadia.clone()).await.contains(&received));
    assert!(!kinds(colleague.clone()).await.contains(&received));
    assert!(
        kinds(bob.clone())
            .await
            .contains(&"application_status".to_string())
    );
    assert!(
        mine["answers"][0]["content_html"]
            .as_str()
            .unwrap()
            .contains("mardi")
    );
    assert_eq!(mine["answers"][0]["status"], "interview");

    // an edit reaches B; closing takes the offer off B's board, the application stays
    let mut changed = offer("Commis de cuisine (H/F)", "apprenticeship", true);
    changed["location"] = json!("Villeurbanne");
    let (s, _) = karim
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/jobs/{cook}"),
            changed,
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    eventually(20, "the edit reaches B", || async {
        let v = board(bea.clone(), "place=villeurbanne").await;
        (ids(&v) == ["Commis de cuisine (H/F)"]).then_some(())
    })
    .await;
    let (s, _) = karim
        .post(&format!("/api/v1/jobs/{cook}/close"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200);
    eventually(20, "the closed offer leaves B's board", || async {
        let v = board(bea.clone(), "").await;
        (ids(&v) == ["Serveur en salle"]).then_some(())
    })
    .await;
    let (_, v) = bob
        .get(&format!("/api/v1/applications/{bob_application}"))
        .await
        .unwrap();
    assert_eq!(v["status"], "interview");
    let (s, v) = bob.get(&format!("/api/v1/jobs/{remote_id}")).await.unwrap();
    assert_eq!((s, v["state"].clone()), (200, json!("closed")));
}

both_backends!(job_offers_and_applications_cross_instances);
