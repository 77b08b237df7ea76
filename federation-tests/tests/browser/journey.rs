//! Camille's first steps on instance A, in a browser: she signs up, writes a profile around
//! her volunteering, publishes it and looks at it as others see it, follows Bob who is on
//! instance B, creates her organisation and a job offer, applies to Nadia's offer, reads her
//! notifications and answers Bob's message. An administrator then looks at the admin pages.
//! Every page is then checked again in French and English, on a phone and a desktop screen,
//! in light and dark colours.

use crate::{
    Browser, both_backends, instance,
    tour::{Pictures, tour},
};
use federation_tests::{Backend, Member, PASSWORD, eventually};
use serde_json::json;

both_backends!(journey);

async fn journey(backend: Backend) {
    // first, so that a missing Chromium fails at once
    let mut browser = Browser::start().await;
    let (a, b) = tokio::join!(instance(backend, "a"), instance(backend, "b"));
    browser.base = a.base.clone();
    let bob = b.member("bob").await.unwrap();
    let (s, v) = bob
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/profile/draft",
            json!({"headline": "Menuisier, formateur", "skills": [{"name": "Menuiserie"}]}),
        )
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    let (s, v) = bob
        .post("/api/v1/me/profile/publish", json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{v}");
    a.admin("sam").await.unwrap();
    let nadia = a.member("nadia").await.unwrap();
    // communities to join: Nadia's here, with a charter and a conversation; Bob's on B
    let (s, v) = nadia
        .post(
            "/api/v1/communities",
            json!({"handle": "entraide", "name": "Entraide emploi", "access": "open",
                   "description": "On s'aide à trouver du travail.",
                   "charter": "Bienveillance : on répond comme on aimerait qu'on nous réponde."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let (s, v) = nadia
        .post(
            &format!("/api/v1/communities/{}/threads", v["account"]["id"]),
            json!({"title": "Bienvenue", "text": "Présentez-vous en quelques mots."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let (s, v) = bob
        .post(
            "/api/v1/communities",
            json!({"handle": "menuisiers", "name": "Menuisiers du Nord", "access": "open"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    let lea = a.member("lea").await.unwrap();
    let bistrot = organisation_of(&nadia).await;
    let nadia_offer = offer_of(&nadia, bistrot, "Commis de cuisine").await;
    // one she does not apply to, for the pictures of the apply form
    let other_offer = offer_of(&nadia, bistrot, "Serveur ou serveuse").await;

    // only one run makes the pictures and the full tour: the pages are the same on both backends
    let full = backend == Backend::Sqlite;

    // a visitor arrives
    browser.visit("/").await;
    browser.check_keyboard().await;
    browser.check_assets_cached().await;
    browser.check_the_checker().await;
    let anonymous = [
        "/",
        "/login",
        "/register",
        "/people",
        "/jobs",
        "/organisations",
    ];

    // sign-up, first with a mistake: the errors are next to the fields
    browser.open("/register").await;
    browser.fill("#username", "camille").await;
    browser
        .go("form[action='/register'] button[type=submit]")
        .await;
    assert!(
        browser.has("[aria-invalid=true]").await,
        "no field marked invalid: {}",
        browser.main_text().await
    );
    browser.check_expecting(422).await;
    browser.fill("#username", "camille").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .go("form[action='/register'] button[type=submit]")
        .await;
    assert!(
        browser.has("form[action='/logout']").await,
        "not signed in after sign-up: {}",
        browser.main_text().await
    );
    browser.check().await;

    // her profile: what she is about, then an informal experience
    browser.visit("/profile/edit").await;
    browser
        .fill("#headline", "Bénévole, bientôt animatrice")
        .await;
    browser.fill("#city", "Lyon").await;
    browser.fill("#skills", "Accueil\nOrganisation").await;
    browser
        .go("form[action='/profile/about'] button[type=submit]")
        .await;
    browser.check().await;
    browser.visit("/profile/experiences/new").await;
    browser.select("#kind", "volunteering").await;
    browser
        .fill("#title", "Bénévole à la banque alimentaire")
        .await;
    browser
        .fill("#organisation", "Banque alimentaire du Rhône")
        .await;
    browser.fill("#start_date", "2023-09").await;
    browser.click("#ongoing").await;
    browser
        .fill(
            "#description",
            "J'accueille les familles le samedi et je range les arrivages.",
        )
        .await;
    browser.fill("#skills", "Accueil, Logistique").await;
    browser.click("#visibility-public").await;
    browser.go("form.stack button[type=submit]").await;
    assert!(
        browser.path().await.starts_with("/profile/edit?saved=1"),
        "the experience was not saved: {}",
        browser.main_text().await
    );
    browser.check().await;
    browser.go("form[action='/profile/publish'] button").await;
    assert!(
        browser
            .path()
            .await
            .starts_with("/profile/edit?published=1")
    );
    browser.check().await;

    // as others see it
    browser.visit("/profile/preview?as=anonymous").await;
    assert!(
        browser
            .main_text()
            .await
            .contains("Bénévole à la banque alimentaire")
    );
    browser.visit("/@camille").await;
    assert!(browser.main_text().await.contains("Accueil"));
    browser.visit("/people").await;

    // following Bob, who is on another instance: the search field of the header finds him
    browser.fill("#site-search", &bob.handle).await;
    browser.go("form.search button[type=submit]").await;
    let bob_page = browser.path().await;
    assert!(
        bob_page.starts_with("/@bob@"),
        "the search did not lead to Bob's page: {bob_page}"
    );
    let bob_text = browser.main_text().await;
    assert!(
        bob_text.contains("localhost:") && bob_text.contains("Menuisier"),
        "Bob's page on A shows neither his server nor his published headline: {bob_text}"
    );
    browser.check().await;
    browser.go("form[action^='/follow/'] button").await;
    browser.check().await;
    let camille = a.sign_in("camille").await.unwrap();
    let bob_on_a = camille.lookup(&bob.handle).await.unwrap();
    eventually(20, "Camille follows Bob", || async {
        (camille.follow_state(bob_on_a).await.ok()? == "accepted").then_some(())
    })
    .await;
    // Bob follows back and writes to her: a notification and a message
    bob.follow_accepted(&camille.handle).await.unwrap();
    let camille_on_b = bob.lookup(&camille.handle).await.unwrap();
    let (s, v) = bob
        .post(
            "/api/v1/conversations",
            json!({"to": [camille_on_b], "text": "Bonjour Camille ! L'atelier cherche des bénévoles le mardi."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");

    bob.write(
        "Atelier ouvert mardi soir : venez réparer vos vélos !",
        "public",
    )
    .await
    .unwrap();

    // a first post from the home page; Bob's post from instance B is in her feed
    browser.visit("/").await;
    browser
        .fill(
            "#text",
            "Bonjour ! Je cherche des idées d'ateliers pour les enfants.",
        )
        .await;
    browser
        .go("form[action='/posts'] button[type=submit]")
        .await;
    eventually(20, "Bob's post reaches Camille's feed", || async {
        let home = camille.home().await.ok()?;
        home.iter()
            .any(|p| {
                p["content_html"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("vélos")
            })
            .then_some(())
    })
    .await;
    browser.visit("/").await;
    assert!(browser.main_text().await.contains("idées d'ateliers"));
    // a like from the home page: back on the same page, the button now takes it back
    browser
        .go("form[action$='/like'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/");
    browser
        .find("form[action$='/like'] button[aria-pressed='true']")
        .await;
    browser.check().await;
    browser.go("article.post a.date[href^='/posts/']").await;
    let post_page = browser.path().await;
    browser.check().await;

    // she answers Bob's post from its page here; Bob is told on B
    let bobs = camille
        .home()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p["author"]["handle"] == bob.handle.as_str())
        .expect("Bob's post in her feed");
    let thread = format!("/posts/{}/thread", bobs["id"]);
    // (with the keyboard only)
    browser.visit(&thread).await;
    browser.tab_to("#text", 60).await;
    browser.type_text("Je peux venir aider mardi.").await;
    browser.tab_to("#reply button[type=submit]", 5).await;
    browser.enter().await;
    assert_eq!(browser.path().await, thread);
    assert!(
        browser
            .main_text()
            .await
            .contains("Je peux venir aider mardi.")
    );
    browser.check().await;
    eventually(20, "Bob is told of Camille's answer", || async {
        let (_, notes) = bob.get("/api/v1/notifications").await.ok()?;
        notes
            .as_array()?
            .iter()
            .any(|n| n["kind"] == "reply")
            .then_some(())
    })
    .await;

    // her organisation and its first job offer
    browser.visit("/organisations/new").await;
    browser.fill("#handle", "atelier").await;
    browser.fill("#name", "L'Atelier vélo").await;
    browser
        .fill(
            "#description",
            "Un atelier de réparation de vélos, ouvert à tous.",
        )
        .await;
    browser.fill("#location", "Lyon").await;
    browser.go("form.stack button[type=submit]").await;
    assert_eq!(browser.path().await, "/@atelier");
    browser.check().await;
    browser
        .go("a[href='/organisations/atelier/jobs/new']")
        .await;
    browser.check().await;
    browser
        .fill("#title", "Animateur ou animatrice d'atelier")
        .await;
    browser
        .fill(
            "#description",
            "Accueillir les cyclistes et les aider à réparer leur vélo.",
        )
        .await;
    browser.select("#contract_type", "fixed_term").await;
    browser.select("#working_time", "part_time").await;
    browser.fill("#location", "Lyon").await;
    browser.fill("#required_skills", "Accueil").await;
    browser.click("#open_without_diploma").await;
    browser.go("form.stack button[type=submit]").await;
    let own_offer = browser.path().await;
    assert!(
        own_offer.starts_with("/jobs/"),
        "offer not saved: {own_offer}"
    );
    browser.go("form[action$='/publish'] button").await;
    browser.check().await;
    let own_offer_id: i64 = own_offer.trim_start_matches("/jobs/").parse().unwrap();
    // closing the offer asks first; "Cancel" keeps it open
    browser.click("form[action$='/close'] button").await;
    let question = browser.client().get_alert_text().await;
    assert!(
        question.is_ok_and(|q| !q.is_empty()),
        "closing an offer did not ask for confirmation"
    );
    browser.client().dismiss_alert().await.unwrap();
    assert_eq!(browser.path().await, own_offer);
    assert!(browser.has("form[action$='/close']").await);
    // Léa applies to it, so Camille has an application to read as a recruiter
    let (s, v) = lea
        .post(
            &format!("/api/v1/jobs/{own_offer_id}/applications"),
            json!({"message": "Je répare mon vélo depuis toujours.", "sections": []}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");

    // the job board, with filters
    browser.visit("/jobs").await;
    browser.check_keyboard().await;
    browser.fill("form[action='/jobs'] #q", "cuisine").await;
    browser.click("form[action='/jobs'] summary").await;
    browser.click("#without_diploma").await;
    browser.go("form[action='/jobs'] button[type=submit]").await;
    assert!(browser.main_text().await.contains("Commis de cuisine"));
    browser.check().await;

    // applying to Nadia's offer from its page
    browser.visit(&format!("/jobs/{nadia_offer}")).await;
    browser
        .fill(
            "#message",
            "J'aime cuisiner pour beaucoup de monde : je le fais chaque samedi.",
        )
        .await;
    browser.click("#section-experiences").await;
    browser
        .go("form[action$='/apply'] button[type=submit]")
        .await;
    assert!(
        browser.path().await.starts_with("/applications/"),
        "the application was not sent: {}",
        browser.main_text().await
    );
    browser.check().await;
    browser.visit("/me/applications").await;

    // as a recruiter: the applications to her offer
    browser
        .visit(&format!("/jobs/{own_offer_id}/applications"))
        .await;
    browser.go("main a[href^='/applications/']").await;
    let lea_application = browser.path().await;
    browser.check().await;

    // notifications and messages
    browser.visit("/notifications").await;
    browser.visit("/settings/notifications").await;
    let conversation = eventually(20, "Bob's message reaches Camille", || async {
        let (_, v) = camille.get("/api/v1/conversations").await.ok()?;
        v.as_array()?.first()?["id"].as_i64()
    })
    .await;
    browser.visit("/messages").await;
    browser
        .go(&format!("a[href='/messages/{conversation}']"))
        .await;
    browser.fill("#text", "Avec plaisir, je passe mardi.").await;
    browser.go("form.stack button[type=submit]").await;
    assert!(browser.main_text().await.contains("je passe mardi"));
    browser.check().await;
    browser.visit("/messages/new").await;

    // communities: she joins Nadia's (accepting its charter), starts a conversation and answers
    // it; she joins Bob's community on instance B; she starts her own and opens its management
    // page
    browser.visit("/communities").await;
    browser.go("main a[href='/@entraide']").await;
    browser.check().await;
    browser.click("#accept_charter").await;
    browser
        .go("form[action$='/join'] button[type=submit]")
        .await;
    assert!(
        browser.has("form[action$='/threads']").await,
        "not a member after joining: {}",
        browser.main_text().await
    );
    browser.fill("#title", "Premier entretien jeudi").await;
    browser
        .fill("#text", "Des conseils pour un entretien en cuisine ?")
        .await;
    browser
        .go("form[action$='/threads'] button[type=submit]")
        .await;
    let community_thread = browser.path().await;
    assert!(
        community_thread.starts_with("/@entraide/threads/"),
        "{community_thread}: {}",
        browser.main_text().await
    );
    browser.check().await;
    browser
        .fill("#text", "Je réponds à ma propre question : merci !")
        .await;
    browser.go("form[action$='/replies'] button.primary").await;
    assert!(browser.main_text().await.contains("merci !"));
    let remote_community = format!("/@menuisiers@{}", b.domain());
    browser.visit(&remote_community).await;
    browser
        .go("form[action$='/join'] button[type=submit]")
        .await;
    eventually(20, "Bob's community accepts Camille", || async {
        let (_, v) = camille.get("/api/v1/communities").await.ok()?;
        v.as_array()?
            .iter()
            .any(|c| c["account"]["username"] == "menuisiers" && c["state"] == "accepted")
            .then_some(())
    })
    .await;
    browser.visit(&remote_community).await;
    assert!(browser.has("form[action$='/threads']").await);
    browser.visit("/communities/new").await;
    browser.fill("#handle", "cuisine_lyon").await;
    browser.fill("#name", "Cuisine à Lyon").await;
    browser
        .fill("#charter", "On s'entraide, on se respecte.")
        .await;
    browser
        .go("form[action='/communities/new'] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/@cuisine_lyon");
    browser.visit("/@cuisine_lyon/manage").await;

    // the rest of her pages
    for path in [
        "/follow-requests",
        "/settings/profile",
        "/settings/data",
        "/profile/resume",
        "/profile/preview?as=follower",
        "/profile/preview?as=member",
        "/organisations",
        "/@atelier",
        "/search",
        "/settings/password",
        &format!("{post_page}/edit"),
        &format!("{post_page}/delete"),
    ] {
        browser.visit(path).await;
    }
    browser.open("/@nobody").await;
    browser.check_expecting(404).await;
    let member_pages: Vec<String> = [
        "/",
        "/profile/edit",
        "/profile/experiences/new",
        "/@camille",
        "/profile/preview?as=anonymous",
        "/people",
        bob_page.as_str(),
        "/organisations",
        "/@atelier",
        "/organisations/new",
        "/organisations/atelier/edit",
        "/organisations/atelier/jobs/new",
        &format!("/jobs/{own_offer_id}/edit"),
        "/profile/education/new",
        "/profile/resume",
        "/jobs?q=cuisine&without_diploma=true",
        &format!("/jobs/{nadia_offer}"),
        &format!("/jobs/{own_offer_id}"),
        &format!("/jobs/{own_offer_id}/applications"),
        lea_application.as_str(),
        "/me/applications",
        "/notifications",
        "/settings/notifications",
        "/messages",
        &format!("/messages/{conversation}"),
        "/settings/profile",
        "/settings/data",
        "/settings/password",
        post_page.as_str(),
        "/communities",
        "/@entraide",
        community_thread.as_str(),
        "/communities/new",
        "/@cuisine_lyon/manage",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    if full {
        tour(&mut browser, &member_pages).await;
    }

    let pictures = Pictures {
        bob_page: bob_page.clone(),
        other_offer,
        conversation,
        community_thread: community_thread.clone(),
    };
    if full {
        for lang in ["fr", "en"] {
            pictures.member(&mut browser, lang).await;
        }
    }

    // an administrator signs in and looks after the instance; signing out and in with the
    // keyboard only
    browser.open("/").await;
    browser.tab_to("form[action='/logout'] button", 40).await;
    browser.enter().await;
    if full {
        tour(&mut browser, &anonymous.map(String::from)).await;
        for lang in ["fr", "en"] {
            pictures.visitor(&mut browser, lang).await;
        }
    }
    browser.visit("/login").await;
    browser.tab_to("#username", 15).await;
    browser.type_text("sam").await;
    browser.tab_to("#password", 3).await;
    browser.type_text(PASSWORD).await;
    browser.enter().await;
    assert!(browser.has("a[href='/admin']").await, "sam is not staff");
    // Léa reported Bob: the report waits in the queue
    let bob_for_lea = lea.lookup(&bob.handle).await.unwrap();
    let (s, v) = lea
        .post(
            "/api/v1/reports",
            json!({"account_id": bob_for_lea, "reason": "Des publicités à chaque message."}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{v}");
    browser.visit("/admin/reports").await;
    assert!(browser.main_text().await.contains("Des publicités"));
    // a rule on a server, and a partnership proposed to B
    browser.visit("/admin/instances").await;
    browser.fill("#host", "spam.example").await;
    browser.select("#policy", "silence").await;
    browser.fill("#reason", "Trop de publicités").await;
    browser
        .go("form[action='/admin/instances'] button[type=submit]")
        .await;
    assert!(browser.main_text().await.contains("spam.example"));
    browser.check().await;
    browser.visit("/admin/partnerships").await;
    browser.fill("#host", &b.domain()).await;
    browser
        .go("form[action='/admin/partnerships'] button[type=submit]")
        .await;
    assert!(
        browser.main_text().await.contains(&b.domain()),
        "no partnership with B: {}",
        browser.main_text().await
    );
    browser.check().await;
    browser.visit("/admin").await;
    assert!(browser.has("svg.chart").await);
    let admin_pages = [
        "/admin",
        "/admin/reports",
        "/admin/instances",
        "/admin/partnerships",
        "/admin/audit",
        "/partners",
    ]
    .map(String::from);
    for path in &admin_pages {
        browser.visit(path).await;
    }
    if full {
        tour(&mut browser, &admin_pages).await;
        for lang in ["fr", "en"] {
            browser.open("/admin/instances").await;
            browser.language(lang).await;
            browser.screenshot("admin").await;
            browser.open("/admin").await;
            browser.screenshot("dashboard").await;
        }
    }
    browser.finish().await;
}

/// Nadia's organisation, made through the API; returns its account id.
async fn organisation_of(nadia: &Member) -> i64 {
    let (s, org) = nadia
        .post(
            "/api/v1/organisations",
            json!({"handle": "bistrot", "name": "Le Bistrot solidaire", "location": "Lyon"}),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{org}");
    org["account"]["id"].as_i64().unwrap()
}

/// A published offer of Nadia's organisation, made through the API; returns its id.
async fn offer_of(nadia: &Member, org_id: i64, title: &str) -> i64 {
    let (s, o) = nadia
        .post(
            &format!("/api/v1/organisations/{org_id}/jobs"),
            json!({
                "title": title, "description": "Préparer les repas avec l'équipe, accueillir les clients.",
                "contract_type": "apprenticeship", "working_time": "part_time",
                "location": "Lyon", "remote": "no", "required_skills": ["Cuisine"],
                "open_without_diploma": true, "open_without_experience": true,
                "languages": ["fr"], "closes_on": "2999-12-31"
            }),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{o}");
    let id = o["id"].as_i64().unwrap();
    let (s, o) = nadia
        .post(&format!("/api/v1/jobs/{id}/publish"), json!({}))
        .await
        .unwrap();
    assert_eq!(s, 200, "{o}");
    id
}
