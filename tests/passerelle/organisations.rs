//! Organisations on one instance: creating one, its page and ActivityPub document, its team
//! and who may do what, following it.

use crate::{Backend, both_backends, spawn_app};
use serde_json::{Value, json};

async fn organisations_pages_and_teams(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let owner = app.member("nadia").await;
    let recruiter = app.member("karim").await;
    let outsider = app.member("zoe").await;
    use reqwest::Method;

    // bad input is reported field by field; the handle is shared with members' names
    let (s, v) = app
        .call(
            &owner,
            Method::POST,
            "/api/v1/organisations",
            json!({"handle": "zoe", "name": "", "size": "huge", "website": "ftp://x"}),
        )
        .await;
    assert_eq!(s, 422);
    let mut fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["name", "size", "website"]);
    let (s, v) = app
        .call(
            &owner,
            Method::POST,
            "/api/v1/organisations",
            json!({"handle": "zoe", "name": "Zoé SARL"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["fields"][0]["field"], "handle");
    assert_eq!(v["fields"][0]["code"], "taken");

    let (s, org) = app
        .call(
            &owner,
            Method::POST,
            "/api/v1/organisations",
            json!({
                "handle": "restos_lyon", "name": "Les Restos de Lyon",
                "description": "Nous formons aux métiers de la cuisine.\n\nSans diplôme exigé.",
                "sector": "Restauration", "size": "10-49", "location": "Lyon",
                "website": "https://restos.example", "logo_url": "https://restos.example/logo.png"
            }),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    assert_eq!(org["role"], "owner");
    assert_eq!(org["account"]["kind"], "organization");
    let id = org["account"]["id"].as_i64().unwrap();

    // its ActivityPub document, found by WebFinger like a person
    let r = app
        .http
        .get(
            app.url("/.well-known/webfinger?resource=acct:restos_lyon@")
                + app.base.trim_start_matches("http://"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let wf: Value = r.json().await.unwrap();
    let ap_id = wf["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ap_id.ends_with("/orgs/restos_lyon"));
    let doc: Value = app
        .http
        .get(&ap_id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["type"], "Organization");
    assert_eq!(doc["sector"], "Restauration");
    assert_eq!(doc["numberOfEmployees"], "10-49");
    assert_eq!(doc["website"], "https://restos.example");
    assert_eq!(doc["icon"]["url"], "https://restos.example/logo.png");
    assert!(
        doc["attachment"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "Secteur")
    );
    for c in ["followers", "following", "outbox"] {
        let r = app
            .http
            .get(doc[c].as_str().unwrap())
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{c}");
    }
    let page = app
        .http
        .get(app.url("/@restos_lyon"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Les Restos de Lyon")
            && page.contains("10-49 personnes")
            && page.contains("Sans diplôme exigé.")
    );
    assert!(
        !page.contains("id=\"team\""),
        "visitors do not see the team"
    );

    // the team: only owners manage it; an organisation keeps an owner
    let (s, _) = app
        .call(
            &recruiter,
            Method::PUT,
            &format!("/api/v1/organisations/{id}/team/zoe"),
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .call(
            &owner,
            Method::PUT,
            &format!("/api/v1/organisations/{id}/team/karim"),
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, v) = app
        .call(
            &owner,
            Method::PUT,
            &format!("/api/v1/organisations/{id}/team/nobody"),
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(
        (s, v["fields"][0]["field"].as_str()),
        (422, Some("username"))
    );
    let (s, _) = app
        .call(
            &owner,
            Method::PUT,
            &format!("/api/v1/organisations/{id}/team/karim"),
            json!({"role": "boss"}),
        )
        .await;
    assert_eq!(s, 422);
    let (_, v) = app
        .call(
            &recruiter,
            Method::GET,
            &format!("/api/v1/organisations/{id}"),
            json!(null),
        )
        .await;
    assert_eq!(v["role"], "recruiter");
    assert_eq!(v["team"].as_array().unwrap().len(), 2);
    let (_, v) = app
        .call(
            &outsider,
            Method::GET,
            &format!("/api/v1/organisations/{id}"),
            json!(null),
        )
        .await;
    assert_eq!(v["role"], Value::Null);
    assert_eq!(v["team"], json!([]));
    let (s, _) = app
        .call(
            &recruiter,
            Method::PUT,
            &format!("/api/v1/organisations/{id}"),
            json!({"name": "Pirates"}),
        )
        .await;
    assert_eq!(s, 403, "recruiters do not edit the page");
    let (_, me) = app
        .call(&owner, Method::GET, "/api/v1/me", json!(null))
        .await;
    let owner_id = me["account"]["id"].as_i64().unwrap();
    let (s, _) = app
        .call(
            &owner,
            Method::DELETE,
            &format!("/api/v1/organisations/{id}/team/{owner_id}"),
            json!(null),
        )
        .await;
    assert_eq!(s, 409, "the last owner stays");
    let (_, mine) = app
        .call(
            &recruiter,
            Method::GET,
            "/api/v1/me/organisations",
            json!(null),
        )
        .await;
    assert_eq!(mine[0]["role"], "recruiter");

    // an edit by an owner
    let (s, v) = app.call(&owner,
        Method::PUT,
        &format!("/api/v1/organisations/{id}"),
        json!({"name": "Les Restos de Lyon", "sector": "Restauration solidaire", "size": "50-249"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sector"], "Restauration solidaire");

    // anyone follows it
    let (s, v) = app
        .call(
            &outsider,
            Method::POST,
            &format!("/api/v1/accounts/{id}/follow"),
            json!({}),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("accepted")));
    let (_, v) = app
        .call(
            &owner,
            Method::GET,
            &format!("/api/v1/organisations/{id}"),
            json!(null),
        )
        .await;
    assert_eq!(v["followers_count"], 1);
    let (_, list) = app
        .call(&outsider, Method::GET, "/api/v1/organisations", json!(null))
        .await;
    assert_eq!(
        list[0]["handle"].as_str().unwrap().split('@').next(),
        Some("restos_lyon")
    );
}

both_backends!(organisations_pages_and_teams);
