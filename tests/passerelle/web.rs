//! The HTML interface, driven like a browser without JavaScript: forms, cookies, redirects.

use crate::{Backend, TestApp, both_backends, spawn_app};
use reqwest::{StatusCode, header};

/// A browser: keeps cookies, does not follow redirects (tests look at them).
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

const PASSWORD: &str = "a long enough password";

impl<'a> Browser<'a> {
    /// A new browser (its own cookies: another person) on `app`.
    pub(crate) fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(self.app.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// A GET whose answer is looked at as such (status, headers).
    pub(crate) async fn response(&self, path: &str) -> reqwest::Response {
        self.client.get(self.app.url(path)).send().await.unwrap()
    }

    /// Posts a form the way a browser does after showing the page at `form_page`: with the
    /// CSRF token found in it.
    pub(crate) async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (status, page) = self.get(form_page).await;
        assert_eq!(status, 200, "{form_page}: {page}");
        let token = csrf_of(&page);
        let mut body: Vec<(&str, &str)> = vec![("csrf", &token)];
        body.extend_from_slice(fields);
        self.client
            .post(self.app.url(action))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn sign_up(&self, username: &str) {
        let r = self
            .submit(
                "/register",
                "/register",
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        assert_eq!(location(&r), "/");
    }
}

pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers()[header::LOCATION].to_str().unwrap().to_string()
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(page: &str) -> String {
    let start = page
        .find(r#"name="csrf" value=""#)
        .expect("a form with a CSRF token")
        + 19;
    page[start..].split('"').next().unwrap().to_string()
}

async fn sign_up_edit_profile_and_post(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    let (status, page) = b.get("/").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"href="/register""#));

    b.sign_up("camille").await;
    let (_, home) = b.get("/").await;
    assert!(home.contains("Partager une nouvelle"), "{home}");
    assert!(
        home.contains("Trouver une personne à suivre"),
        "empty feed hint: {home}"
    );

    // profile: name, presentation, approval of followers
    let r = b
        .submit(
            "/settings/profile",
            "/settings/profile",
            &[
                ("display_name", "Camille Martin"),
                (
                    "bio",
                    "Conseillère en insertion.\n\nJ'aime <le> travail d'équipe.",
                ),
                ("avatar_url", ""),
                ("locked", "true"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = b.get("/@camille").await;
    assert!(profile.contains("Camille Martin"));
    assert!(
        profile.contains("<p>J&#39;aime &lt;le&gt; travail d&#39;équipe.</p>"),
        "{profile}"
    );
    assert!(profile.contains("Valide chaque abonné"));
    let (_, form) = b.get("/settings/profile").await;
    assert!(
        form.contains("Conseillère en insertion.\n\nJ&#39;aime &#60;le&#62; travail"),
        "{form}"
    );
    assert!(form.contains(r#"value="true" checked"#));

    // a field error is shown next to its field, translated, with the typed values kept
    let r = b
        .submit(
            "/settings/profile",
            "/settings/profile",
            &[("display_name", "Camille"), ("avatar_url", "ftp://nope")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(
            r#"id="avatar_url-error">L’adresse de la photo doit commencer par https://."#
        ),
        "{page}"
    );
    assert!(page.contains(r#"aria-describedby="avatar_url-hint avatar_url-error""#));
    assert!(page.contains(r#"value="ftp://nope""#));

    // a post shows on the home page, with edit and delete links for its author
    let r = b
        .submit(
            "/",
            "/posts",
            &[
                ("text", "Bonjour à toutes et à tous !"),
                ("visibility", "public"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = b.get("/").await;
    assert!(
        home.contains("<p>Bonjour à toutes et à tous !</p>"),
        "{home}"
    );
    assert!(home.contains("Camille Martin"));
    assert!(home.contains("/edit\">Modifier</a>"));

    // liking it from the home page: the count and the button change; `back` never leaves
    // the site
    let like = home
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/like"))
        .expect("a like button")
        .to_string();
    assert!(home.contains("aucun « J’aime »"), "{home}");
    let r = b.submit("/", &like, &[("back", "/")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/");
    let (_, home) = b.get("/").await;
    assert!(home.contains("1 « J’aime »"), "{home}");
    assert!(home.contains("Je n’aime plus"));
    let r = b
        .submit("/", &like, &[("back", "//evil.example/"), ("undo", "1")])
        .await;
    assert_eq!(location(&r), "/");
    let (_, home) = b.get("/").await;
    assert!(home.contains("aucun « J’aime »"), "{home}");

    // answering it from its page: the answer shows under the post, which counts it
    let thread = home
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("#reply"))
        .expect("an answer link")
        .trim_end_matches("#reply")
        .to_string();
    let (_, page) = b.get(&thread).await;
    assert!(page.contains("Pas encore de réponse"), "{page}");
    let action = page
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/replies"))
        .expect("the answer form")
        .to_string();
    let r = b
        .submit(
            &thread,
            &action,
            &[("text", "  "), ("visibility", "public")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Bonjour à toutes"));
    let r = b
        .submit(
            &thread,
            &action,
            &[
                ("text", "Et bienvenue aux nouveaux"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("{thread}#post-")));
    let (_, page) = b.get(&thread).await;
    assert!(page.contains("<p>Et bienvenue aux nouveaux</p>"), "{page}");
    assert!(page.contains("1 réponse"), "{page}");
    assert!(page.contains("En réponse à Camille Martin"), "{page}");

    // an empty post is refused with the reason next to the text box
    let r = b
        .submit("/", "/posts", &[("text", "  "), ("visibility", "public")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Écrivez quelque chose avant de publier.")
    );

    // log out, then log in again through the form
    let r = b.submit("/", "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = b.get("/").await;
    assert!(!home.contains("Bonjour à toutes"));
    let r = b
        .submit(
            "/login",
            "/login",
            &[("username", "camille"), ("password", "wrong password!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("n’est pas le bon"));
    let r = b
        .submit(
            "/login?next=/settings/profile",
            "/login",
            &[
                ("username", "camille"),
                ("password", PASSWORD),
                ("next", "/settings/profile"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/settings/profile");
    let (_, home) = b.get("/").await;
    assert!(home.contains("Bonjour à toutes"));

    // the same username cannot be taken twice
    let other = Browser::new(&app);
    let r = other
        .submit(
            "/register",
            "/register",
            &[("username", "Camille"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Ce nom d’utilisateur est déjà pris."));
    assert!(page.contains(r#"value="Camille""#));
}
both_backends!(sign_up_edit_profile_and_post);

async fn pages_carry_security_headers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let r = reqwest::get(app.url("/login")).await.unwrap();
    let h = r.headers();
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin");
    // a plain-http test instance does not claim https
    assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none());
}
both_backends!(pages_carry_security_headers);

async fn forms_without_csrf_token_are_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    // not even a cookie yet: login refused
    let r = b
        .client
        .post(b.app.url("/login"))
        .form(&[("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Formulaire expiré"));

    b.sign_up("dominique").await;
    for token in [None, Some("forged")] {
        let mut form = vec![("text", "Sent from another site"), ("visibility", "public")];
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let r = b
            .client
            .post(b.app.url("/posts"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("<html lang=\"fr\">") && page.contains("Formulaire expiré"),
            "{page}"
        );
    }
    let (_, home) = b.get("/").await;
    assert!(!home.contains("Sent from another site"));
}
both_backends!(forms_without_csrf_token_are_refused);

async fn french_by_default_english_on_request(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    let (_, page) = b.get("/").await;
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(page.contains("Bienvenue sur Passerelle"));
    assert!(page.contains(r#"href="/lang/en""#));

    let r = b
        .client
        .get(b.app.url("/register"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Create my account"));

    // the switch remembers the choice and goes back to the page
    let r = b
        .client
        .get(b.app.url("/lang/en"))
        .header(header::REFERER, b.app.url("/login?next=/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=/");
    let (_, page) = b.get("/").await;
    assert!(page.contains("Welcome to Passerelle"), "{page}");
    let (status, page) = b.get("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(page.contains("Page not found"));
}
both_backends!(french_by_default_english_on_request);

async fn searching_a_handle_explains_failures(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    let (status, _) = b.get("/search?q=@someone@localhost:1").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "search needs to be signed in"
    );
    b.sign_up("sacha").await;
    Browser::new(&app).sign_up("noor").await;

    // someone here, typed with or without the server name
    let r = b
        .client
        .get(b.app.url("/search?q=noor"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/@noor");
    let handle = format!("@noor@{}", b.app.base.trim_start_matches("http://"));
    let q = serde_urlencoded::to_string([("q", &handle)]).unwrap();
    let r = b
        .client
        .get(b.app.url(&format!("/search?{q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/@noor");

    // a server that does not answer, a name nobody has, an incomplete address
    let (status, page) = b.get("/search?q=@someone@localhost:1").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(
        page.contains("Le serveur localhost:1 ne répond pas."),
        "{page}"
    );
    assert!(page.contains(r#"value="@someone@localhost:1""#));
    let (status, page) = b.get("/search?q=@nobody").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Personne n’a l’adresse @nobody."), "{page}");
    let (status, page) = b.get("/search?q=not%20a%20handle@").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Cette adresse n’est pas complète."), "{page}");
}
both_backends!(searching_a_handle_explains_failures);

async fn post_pages_negotiate_html_and_activity_json(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    b.sign_up("ines").await;
    b.submit(
        "/",
        "/posts",
        &[
            ("text", "Je cherche un stage en menuiserie."),
            ("visibility", "public"),
        ],
    )
    .await;
    let (_, home) = b.get("/").await;
    let start = home.find("href=\"/posts/").expect("a link to the post") + 6;
    let path = home[start..].split('"').next().unwrap().to_string();

    let r = b
        .app
        .http
        .get(b.app.url(&path))
        .header(header::ACCEPT, "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/activity+json")
    );
    let note: serde_json::Value = r.json().await.unwrap();
    assert_eq!(note["type"], "Note");
    assert_eq!(note["id"], b.app.url(&path));

    let r = b.app.http.get(b.app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("<p>Je cherche un stage en menuiserie.</p>"));
    assert!(!page.contains("/edit\""), "no edit link for visitors");

    // edit, then delete after confirming
    let r = b
        .submit(
            &format!("{path}/edit"),
            &format!("{path}/edit"),
            &[
                ("text", "Je cherche un stage en ébénisterie."),
                ("visibility", "public"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get(&path).await;
    assert!(page.contains("ébénisterie") && page.contains("Modifié"));
    let r = b
        .submit(&format!("{path}/delete"), &format!("{path}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = b.get(&path).await;
    assert_eq!(status, 404);
    assert!(page.contains("Page introuvable"));
    let r = b
        .app
        .http
        .get(b.app.url(&path))
        .header(header::ACCEPT, "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
}
both_backends!(post_pages_negotiate_html_and_activity_json);

async fn following_a_locked_profile_waits_for_approval(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (lea, yann) = (Browser::new(&app), Browser::new(&app));
    lea.sign_up("lea").await;
    yann.sign_up("yann").await;
    let (_, page) = lea.get("/follow-requests").await;
    assert!(page.contains("Aucune demande en attente."));
    let fields = [("display_name", "Léa"), ("locked", "true")];
    lea.submit("/settings/profile", "/settings/profile", &fields)
        .await;

    let (_, page) = yann.get("/@lea").await;
    assert!(page.contains("Demander à suivre"), "{page}");
    let start = page.find("action=\"/follow/").unwrap() + 8;
    let action = page[start..].split('"').next().unwrap().to_string();
    let r = yann.submit("/@lea", &action, &[]).await;
    assert_eq!(location(&r), "/@lea");
    let (_, page) = yann.get("/@lea").await;
    assert!(page.contains("Votre demande attend une réponse."));

    let (_, page) = lea.get("/follow-requests").await;
    assert!(page.contains("@yann"));
    let start = page.find("action=\"/follow-requests/").unwrap() + 8;
    let accept = page[start..].split('"').next().unwrap().to_string();
    assert!(accept.ends_with("/accept"));
    let r = lea.submit("/follow-requests", &accept, &[]).await;
    assert_eq!(location(&r), "/follow-requests");
    let (_, page) = yann.get("/@lea").await;
    assert!(page.contains("Vous suivez cette personne."));
    assert!(page.contains("1 abonné"), "{page}");

    // followers-only posts: for followers, not for visitors
    let fields = [
        ("text", "Réservé à mes abonnés."),
        ("visibility", "followers"),
    ];
    lea.submit("/", "/posts", &fields).await;
    let (_, page) = yann.get("/").await;
    assert!(page.contains("Réservé à mes abonnés."));
    let (_, page) = Browser::new(&app).get("/@lea").await;
    assert!(!page.contains("Réservé à mes abonnés."));
    assert!(page.contains("Connectez-vous pour suivre cette personne"));
}
both_backends!(following_a_locked_profile_waits_for_approval);

async fn remote_people_are_found_and_followed_by_handle(backend: Backend) {
    let Some(here) = spawn_app(backend).await else {
        return;
    };
    let Some(there) = spawn_app(backend).await else {
        return;
    };
    let (amal, bruno) = (Browser::new(&here), Browser::new(&there));
    amal.sign_up("amal").await;
    bruno.sign_up("bruno").await;
    let fields = [("display_name", "Bruno Lefèvre"), ("bio", "Menuisier.")];
    bruno
        .submit("/settings/profile", "/settings/profile", &fields)
        .await;
    let fields = [
        ("text", "Atelier portes ouvertes samedi."),
        ("visibility", "public"),
    ];
    bruno.submit("/", "/posts", &fields).await;

    let host = there.base.trim_start_matches("http://").to_string();
    let q = serde_urlencoded::to_string([("q", format!("@bruno@{host}"))]).unwrap();
    let r = amal
        .client
        .get(here.url(&format!("/search?{q}")))
        .send()
        .await
        .unwrap();
    let profile = location(&r);
    assert_eq!(profile, format!("/@bruno@{host}"));
    let (status, page) = amal.get(&profile).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Bruno Lefèvre") && page.contains("<p>Menuisier.</p>"));
    assert!(page.contains(&format!("@bruno@{host}")));
    assert!(page.contains(&format!("Membre de {host}, un autre serveur du réseau")));

    let start = page.find("action=\"/follow/").unwrap() + 8;
    let action = page[start..].split('"').next().unwrap().to_string();
    amal.submit(&profile, &action, &[]).await;
    crate::eventually(10, || async {
        let (_, page) = amal.get(&profile).await;
        page.contains("Vous suivez cette personne.").then_some(())
    })
    .await;
    // the next post reaches the home feed here, with its origin shown
    let fields = [
        ("text", "Nouvelle commande livrée."),
        ("visibility", "public"),
    ];
    bruno.submit("/", "/posts", &fields).await;
    let home = crate::eventually(10, || async {
        let (_, home) = amal.get("/").await;
        home.contains("Nouvelle commande livrée.").then_some(home)
    })
    .await;
    assert!(home.contains(&format!("href=\"/@bruno@{host}\"")));
    assert!(home.contains(&format!("Voir sur {host}")));
}
both_backends!(remote_people_are_found_and_followed_by_handle);

async fn telling_a_path_with_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let b = Browser::new(&app);
    b.sign_up("yanis").await;
    let (status, editor) = b.get("/profile/edit").await;
    assert_eq!(status, 200);
    assert!(
        editor.contains("Mon parcours") && editor.contains("pas encore publié"),
        "{editor}"
    );

    // the sections of the profile, with a visibility each
    let r = b
        .submit(
            "/profile/edit",
            "/profile/about",
            &[
                ("headline", "Je cherche une alternance en mécanique"),
                ("city", "Marseille"),
                ("region", ""),
                ("language", "fr"),
                ("seek_apprenticeship", "on"),
                ("languages", "Français : langue maternelle\nArabe: courant"),
                ("skills", "Mécanique, #Soudure, travail en équipe"),
                ("links", "Instagram https://insta.example/yanis"),
                ("vis_headline", "public"),
                ("vis_location", "instance"),
                ("vis_languages", "public"),
                ("vis_seeking", "public"),
                ("vis_links", "followers"),
                ("vis_skills", "public"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (_, editor) = b.get("/profile/edit?saved=1").await;
    assert!(editor.contains("Votre brouillon est enregistré"));
    assert!(editor.contains("Arabe: courant"));
    let r = b
        .submit(
            "/profile/edit",
            "/profile/about",
            &[("links", "Mon site pas-une-adresse")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("https://"));

    // an experience: a missing title is explained next to the field, the rest kept
    let fields = [
        ("kind", "family"),
        ("title", ""),
        ("organisation", "Le garage de mon oncle"),
        ("start_date", "2021-06"),
        ("end_date", ""),
        ("ongoing", "on"),
        ("description", "Vidanges, changement de pneus."),
        ("motivation", "Réparer ce qui ne marche plus."),
        ("skills", "Mécanique, Accueil des clients"),
        ("visibility", "public"),
    ];
    let r = b
        .submit(
            "/profile/experiences/new",
            "/profile/experiences/new",
            &fields,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"id="title-error""#) && page.contains("Le garage de mon oncle"),
        "{page}"
    );
    let mut fields = fields.to_vec();
    fields[1] = ("title", "J'aide au garage de mon oncle");
    let r = b
        .submit(
            "/profile/experiences/new",
            "/profile/experiences/new",
            &fields,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/profile/edit?saved=1#entry-"));
    let r = b
        .submit(
            "/profile/education/new",
            "/profile/education/new",
            &[
                ("title", "Mécanique automobile"),
                ("organisation", "Lycée Diderot"),
                ("visibility", "private"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // previews, then publishing
    let (_, preview) = b.get("/profile/preview?as=anonymous").await;
    assert!(
        preview.contains("J&#39;aide au garage de mon oncle")
            && preview.contains("depuis juin 2021"),
        "{preview}"
    );
    assert!(
        !preview.contains("Marseille")
            && !preview.contains("Lycée Diderot")
            && !preview.contains("insta.example")
    );
    let (_, preview) = b.get("/profile/preview?as=member").await;
    assert!(preview.contains("Marseille"));
    let (_, preview) = b.get("/profile/preview?as=follower").await;
    assert!(preview.contains("insta.example"));
    let (_, page) = Browser::new(&app).get("/@yanis").await;
    assert!(!page.contains("garage"), "drafts are not shown");
    let r = b.submit("/profile/edit", "/profile/publish", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = Browser::new(&app).get("/@yanis").await;
    assert!(
        page.contains("J&#39;aide au garage de mon oncle") && page.contains("Aide familiale"),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/people?tag=M%C3%A9canique""#),
        "{page}"
    );
    assert!(!page.contains("Lycée Diderot"));
    let (_, own) = b.get("/@yanis").await;
    assert!(
        own.contains("Lycée Diderot") && own.contains("Moi seulement"),
        "the owner sees all, with who sees what"
    );

    // browsing by skill, in English too
    let other = Browser::new(&app);
    let (_, found) = other.get("/people?tag=mecanique").await;
    assert!(
        found.contains("J&#39;aide au garage de mon oncle") && found.contains("1 résultat"),
        "{found}"
    );
    other.get("/lang/en").await;
    let (_, found) = other.get("/people?kind=family").await;
    assert!(
        found.contains("1 result") && found.contains("Family help"),
        "{found}"
    );

    // JSON Resume: preview, then import into the draft
    let (_, resume) = b.get("/profile/resume.json").await;
    let resume: serde_json::Value = serde_json::from_str(&resume).unwrap();
    assert_eq!(
        resume["basics"]["label"],
        "Je cherche une alternance en mécanique"
    );
    let r = b
        .submit(
            "/profile/resume",
            "/profile/resume",
            &[("resume", "{\"work\": [")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("pas un fichier JSON valide")
    );
    let file = r#"{"work": [{"name": "Garage Martin", "position": "Apprenti mécanicien", "startDate": "2023-09"}]}"#;
    let r = b
        .submit("/profile/resume", "/profile/resume", &[("resume", file)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Apprenti mécanicien") && page.contains("Importer dans mon brouillon"));
    let r = b
        .submit(
            "/profile/resume",
            "/profile/resume",
            &[("resume", file), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, editor) = b.get("/profile/edit").await;
    assert!(
        editor.contains("Apprenti mécanicien")
            && editor.contains("changements que les autres ne voient pas")
    );

    // my data, then closing the account
    let r = b
        .client
        .get(app.url("/settings/data/archive.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/zip");
    let r = b
        .submit(
            "/settings/data",
            "/settings/delete-account",
            &[("password", "nope")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Ce n’est pas votre mot de passe")
    );
    let r = b
        .submit(
            "/settings/data",
            "/settings/delete-account",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/goodbye");
    let (status, _) = Browser::new(&app).get("/@yanis").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both_backends!(telling_a_path_with_forms);

async fn creating_and_managing_an_organisation_with_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let owner = Browser::new(&app);
    owner.sign_up("nadia").await;
    Browser::new(&app).sign_up("karim").await;
    let (status, page) = owner.get("/organisations").await;
    assert_eq!(status, 200);
    assert!(page.contains("Aucune organisation"));

    let fields = [
        ("handle", "atelier du coin"),
        ("name", "L'Atelier du coin"),
        ("description", "Chantier d'insertion."),
        ("sector", "Bâtiment"),
        ("size", "10-49"),
        ("location", "Roubaix"),
        ("website", ""),
        ("logo_url", ""),
    ];
    let r = owner
        .submit("/organisations/new", "/organisations/new", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"id="handle-error""#) && page.contains("Chantier d&#39;insertion."),
        "{page}"
    );
    let mut fields = fields.to_vec();
    fields[0] = ("handle", "atelier_du_coin");
    let r = owner
        .submit("/organisations/new", "/organisations/new", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/@atelier_du_coin");
    let (_, page) = owner.get("/@atelier_du_coin").await;
    assert!(
        page.contains("L&#39;Atelier du coin") && page.contains(r#"id="team""#),
        "{page}"
    );

    // add a recruiter, then try to remove the only owner
    let r = owner
        .submit(
            "/@atelier_du_coin",
            "/organisations/atelier_du_coin/team",
            &[("username", "karim"), ("role", "recruiter")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = owner.get("/@atelier_du_coin").await;
    assert!(
        page.contains("@karim") && page.contains("recruteur"),
        "{page}"
    );
    let (_, editor) = owner.get("/organisations/atelier_du_coin/edit").await;
    assert!(editor.contains("Bâtiment"));
    let (_, list) = owner.get("/organisations").await;
    assert!(list.contains("Les organisations que je gère") && list.contains("responsable"));
    // a visitor sees the page, not the team
    let (_, page) = Browser::new(&app).get("/@atelier_du_coin").await;
    assert!(page.contains("Roubaix") && !page.contains(r#"id="team""#));
}

both_backends!(creating_and_managing_an_organisation_with_forms);

async fn offering_and_applying_for_a_job_with_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let owner = Browser::new(&app);
    owner.sign_up("nadia").await;
    let seeker = Browser::new(&app);
    seeker.sign_up("yanis").await;
    let org = [
        ("handle", "bistrot"),
        ("name", "Le Bistrot"),
        ("description", ""),
        ("sector", ""),
        ("size", ""),
        ("location", "Lyon"),
        ("website", ""),
        ("logo_url", ""),
    ];
    let r = owner
        .submit("/organisations/new", "/organisations/new", &org)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = owner.get("/@bistrot").await;
    assert!(
        page.contains("/organisations/bistrot/jobs/new"),
        "the team is offered to write one"
    );
    let (_, page) = seeker.get("/@bistrot").await;
    assert!(!page.contains("/organisations/bistrot/jobs/new"));

    // the offer form: errors next to their fields, what was typed kept
    let mut fields = vec![
        ("title", "Commis de cuisine"),
        ("description", ""),
        ("contract_type", "apprenticeship"),
        ("working_time", "part_time"),
        ("location", "Lyon"),
        ("remote", "no"),
        ("salary_min", "mille"),
        ("salary_max", ""),
        ("salary_currency", ""),
        ("salary_period", "month"),
        ("required_skills", "Cuisine, Hygiène"),
        ("nice_to_have_skills", ""),
        ("experience_level", "none"),
        ("open_without_diploma", "on"),
        ("start_date", ""),
        ("closes_on", ""),
        ("languages", "fr"),
        ("how_to_apply", ""),
    ];
    let new = "/organisations/bistrot/jobs/new";
    let r = owner.submit(new, new, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="salary_min-error""#), "{page}");
    assert!(page.contains("Commis de cuisine") && page.contains("Cuisine, Hygiène"));
    fields[6] = ("salary_min", "1500");
    let r = owner.submit(new, new, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"id="description-error""#) && page.contains("Décrivez le travail"),
        "{page}"
    );
    fields[1] = ("description", "Préparer les repas avec l'équipe.");
    let r = owner.submit(new, new, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let offer = location(&r);
    let (_, page) = owner.get(&offer).await;
    assert!(
        page.contains("Brouillon") && page.contains("Publier"),
        "{page}"
    );
    let (status, _) = seeker.get(&offer).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a draft is the team's");
    let r = owner.submit(&offer, &format!("{offer}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // the board, its filters and the offer page
    let (_, board) = seeker.get("/jobs?q=commis&without_diploma=true").await;
    assert!(
        board.contains("Commis de cuisine") && board.contains("Ouvert sans diplôme"),
        "{board}"
    );
    let (_, board) = seeker.get("/jobs?contract=seasonal").await;
    assert!(board.contains("Aucune offre ne correspond"), "{board}");
    let (status, board) = seeker.get("/jobs?since=hier").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(board.contains(r#"id="since-error""#));
    let (_, page) = seeker.get(&offer).await;
    assert!(
        page.contains("Apprentissage") && page.contains("1500 EUR par mois"),
        "{page}"
    );
    assert!(page.contains("application/ld+json"));

    // applying: the message is needed; then the application and its answer
    let apply = format!("{offer}/apply");
    let r = seeker
        .submit(&offer, &apply, &[("message", " "), ("sections", "skills")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(r#"id="message-error""#));
    let r = seeker
        .submit(
            &offer,
            &apply,
            &[
                ("message", "J'aime cuisiner."),
                ("sections", "headline"),
                ("sections", "experiences"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let application = location(&r);
    let (_, page) = seeker.get(&application).await;
    assert!(
        page.contains("J&#39;aime cuisiner.") && page.contains("Reçue"),
        "{page}"
    );
    assert!(
        !page.contains(r#"name="status""#),
        "the applicant cannot answer"
    );
    let (_, page) = seeker.get(&offer).await;
    assert!(page.contains("Vous avez postulé"));
    let (_, list) = owner.get(&format!("{offer}/applications")).await;
    assert!(list.contains("yanis") && list.contains("Reçue"), "{list}");
    let r = owner
        .submit(
            &application,
            &format!("{application}/answer"),
            &[("status", "interview"), ("message", "Venez mardi.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, mine) = seeker.get("/me/applications").await;
    assert!(
        mine.contains("Entretien") && mine.contains("Commis de cuisine"),
        "{mine}"
    );
    let (_, page) = seeker.get(&application).await;
    assert!(page.contains("Venez mardi."));

    // closing asks first (data-confirm) and takes the offer off the board
    let (_, page) = owner.get(&offer).await;
    assert!(page.contains("data-confirm"));
    let r = owner.submit(&offer, &format!("{offer}/close"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, board) = seeker.get("/jobs").await;
    assert!(!board.contains("Commis de cuisine"));
}
both_backends!(offering_and_applying_for_a_job_with_forms);

async fn public_pages_can_be_turned_off(backend: Backend) {
    let Some(app) = crate::spawn_app_with(backend, |env| {
        env.push(("PASSERELLE_WEB__PUBLIC_PAGES".into(), "false".into()))
    })
    .await
    else {
        return;
    };
    let member = Browser::new(&app);
    member.sign_up("alice").await;
    let visitor = Browser::new(&app);
    for path in [
        "/",
        "/jobs",
        "/jobs.atom",
        "/@alice",
        "/people",
        "/organisations",
    ] {
        let r = visitor.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).starts_with("/login?next="), "{path}");
        let (status, _) = member.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path} for a member");
    }
    for path in ["/login", "/register", "/partners"] {
        let (status, _) = visitor.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    // a forged session cookie opens nothing
    let r = visitor
        .client
        .get(app.url("/jobs"))
        .header("cookie", "passerelle_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // other servers still read the ActivityPub documents
    let r = visitor
        .client
        .get(app.url("/users/alice"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
both_backends!(public_pages_can_be_turned_off);

async fn administration_pages(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let admin = Browser::new(&app);
    admin.sign_up("root_admin").await;
    let member = Browser::new(&app);
    member.sign_up("yanis").await;
    let state = app.state().clone();
    state
        .db
        .write(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::{accounts, actors};
            let actor: i64 = actors::table
                .filter(actors::username.eq("root_admin"))
                .filter(actors::local.eq(true))
                .select(actors::id)
                .first(c)?;
            diesel::update(accounts::table.filter(accounts::actor_id.eq(actor)))
                .set(accounts::role.eq("admin"))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    for path in [
        "/admin",
        "/admin/instances",
        "/admin/partnerships",
        "/admin/reports",
        "/admin/audit",
    ] {
        let (status, _) = member.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let (status, page) = admin.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
    }
    let (_, home) = admin.get("/").await;
    assert!(home.contains(r#"href="/admin""#));
    let (_, home) = member.get("/").await;
    assert!(!home.contains(r#"href="/admin""#));
    // the dashboard: figures, one chart per series with its table, the delivery queue
    let (_, dashboard) = admin.get("/admin").await;
    assert_eq!(
        dashboard.matches(r#"<svg class="chart""#).count(),
        4,
        "{dashboard}"
    );
    assert!(dashboard.contains("<table>"));

    // a rule: refused when the name is not one, saved, exported, removed
    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances",
            &[("host", "pas un nom"), ("policy", "block"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(r#"id="host-error""#));
    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances",
            &[
                ("host", "spam.example"),
                ("policy", "block"),
                ("reason", "Arnaques à l'emploi"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/admin/instances").await;
    assert!(
        page.contains("spam.example") && page.contains("Arnaques"),
        "{page}"
    );
    let (_, csv) = admin.get("/admin/instances.csv").await;
    assert!(csv.contains("spam.example,suspend"), "{csv}");
    let r = admin
        .submit(
            "/admin/instances",
            "/admin/instances/spam.example/remove",
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/admin/instances").await;
    assert!(!page.contains("Arnaques"));

    // a partnership with ourselves is refused next to the field
    let r = admin
        .submit(
            "/admin/partnerships",
            "/admin/partnerships",
            &[("host", app.base.trim_start_matches("http://"))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // a member's report reaches the queue; the decision leaves it and is in the audit log
    let token = app.member("zoe").await;
    let (_, me) = app
        .call(&token, reqwest::Method::GET, "/api/v1/me", None)
        .await;
    let reporter = app.member("nora").await;
    let (s, v) = app
        .call(
            &reporter,
            reqwest::Method::POST,
            "/api/v1/reports",
            serde_json::json!({"account_id": me["account"]["id"], "reason": "Fausse offre d'emploi"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, page) = admin.get("/admin/reports").await;
    assert!(
        page.contains("Fausse offre") && page.contains("nora"),
        "{page}"
    );
    let r = admin
        .submit(
            "/admin/reports",
            &format!("/admin/reports/{}/resolve", v["id"]),
            &[("action", "dismiss"), ("note", "vérifié")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/admin/reports").await;
    assert!(!page.contains("Fausse offre"));
    let (_, page) = admin.get("/admin/reports?all=1").await;
    assert!(page.contains("Fausse offre") && page.contains("Rien à faire"));
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(
        audit.contains("report.resolve") || audit.contains("report"),
        "{audit}"
    );
    assert!(audit.contains("spam.example"), "{audit}");
}
both_backends!(administration_pages);

/// A community made and run with forms: created (secret), a thread and an answer, the
/// management page with its chart; someone else gets 404 until invited, then joins by
/// accepting the charter.
async fn communities_with_forms(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let nadia = Browser::new(&app);
    nadia.sign_up("nadia").await;
    let r = nadia
        .submit(
            "/communities/new",
            "/communities/new",
            &[
                ("handle", "entraide"),
                ("name", "Entraide"),
                ("description", ""),
                ("charter", "Bienveillance."),
                ("language", "fr"),
                ("access", "bogus"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = nadia
        .submit(
            "/communities/new",
            "/communities/new",
            &[
                ("handle", "entraide"),
                ("name", "Entraide"),
                ("description", "Pour s’aider"),
                ("charter", "Bienveillance."),
                ("language", "fr"),
                ("access", "secret"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(location(&r), "/@entraide");
    let r = nadia
        .submit(
            "/@entraide",
            &format!("/communities/{}/threads", community_id(&app).await),
            &[
                ("title", "Premier emploi"),
                ("text", "Comment avez-vous trouvé ?"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let thread = location(&r);
    let (s, page) = nadia.get(&thread).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Premier emploi") && page.contains("Comment avez-vous"),
        "{page}"
    );
    let (s, page) = nadia.get("/@entraide/manage").await;
    assert_eq!(s, 200);
    assert!(page.contains("<svg class=\"chart\""), "{page}");

    let bob = Browser::new(&app);
    bob.sign_up("bob").await;
    for path in ["/@entraide", thread.as_str(), "/@entraide/manage"] {
        assert_eq!(bob.get(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = bob.get("/communities").await;
    assert!(!list.contains("/@entraide"), "{list}");
    let r = nadia
        .submit(
            "/@entraide/manage",
            &format!("/communities/{}/invitations", community_id(&app).await),
            &[("username", "bob")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, page) = bob.get("/@entraide").await;
    assert_eq!(s, 200);
    assert!(page.contains("accept_charter"), "{page}");
    let join = format!("/communities/{}/join", community_id(&app).await);
    let r = bob.submit("/@entraide", &join, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = bob
        .submit("/@entraide", &join, &[("accept_charter", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, page) = bob.get(&thread).await;
    assert_eq!(s, 200);
    assert!(page.contains("Premier emploi"));

    // bob starts a thread mentioning nadia: the mention is a link, and she is told
    let r = bob
        .submit(
            "/@entraide",
            &format!("/communities/{}/threads", community_id(&app).await),
            &[
                ("title", "Bonjour"),
                ("text", "Merci @nadia pour l'accueil"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = bob.get(&location(&r)).await;
    assert!(page.contains(r#"class="mention""#), "{page}");
    let (_, page) = nadia.get("/notifications").await;
    assert!(page.contains("/@entraide/threads/"), "{page}");

    // bob reports the thread from its page: the report names the thread, not him to nadia
    let (_, page) = bob.get(&thread).await;
    let start = page.find("/report?account=").expect("a report link");
    let link = page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let fields = report_fields(&link, "Propos blessants");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = bob.submit(&link, "/report", &fields).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("role=\"status\""));
    let reported = app
        .state()
        .db
        .read(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::reports;
            Ok(reports::table
                .select(reports::target_object)
                .load::<Option<String>>(c)?)
        })
        .await
        .unwrap();
    assert_eq!(reported.len(), 1);
    assert!(
        reported[0].as_deref().unwrap().contains("/threads/"),
        "{reported:?}"
    );

    // a recruiter posts a published offer into the community from the offer's page
    let token: serde_json::Value = app
        .http
        .post(app.url("/api/v1/tokens"))
        .json(&serde_json::json!({"username": "nadia", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap();
    let (s, org) = app
        .call(
            token,
            reqwest::Method::POST,
            "/api/v1/organisations",
            serde_json::json!({"handle": "atelier", "name": "L'Atelier"}),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    let (s, offer) = app
        .call(
            token,
            reqwest::Method::POST,
            &format!("/api/v1/organisations/{}/jobs", org["account"]["id"]),
            serde_json::json!({"title": "Menuisier", "description": "Atelier de menuiserie.",
                "contract_type": "permanent", "working_time": "full_time", "location": "Lille"}),
        )
        .await;
    assert_eq!(s, 201, "{offer}");
    let offer = offer["id"].as_i64().unwrap();
    let (s, _) = app
        .call(
            token,
            reqwest::Method::POST,
            &format!("/api/v1/jobs/{offer}/publish"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (_, page) = nadia.get(&format!("/jobs/{offer}")).await;
    let community = community_id(&app).await;
    assert!(
        page.contains(&format!("<option value=\"{community}\">Entraide</option>")),
        "{page}"
    );
    let r = nadia
        .submit(
            &format!("/jobs/{offer}"),
            &format!("/jobs/{offer}/community"),
            &[("community", &community.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, page) = bob.get(&location(&r)).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Menuisier") && page.contains(&format!("/jobs/{offer}")),
        "{page}"
    );
}

/// The fields of a report link (`/report?account=…&object=…`, decoded) and a reason.
fn report_fields(link: &str, reason: &str) -> Vec<(String, String)> {
    let query = link.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut fields: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    fields.push(("reason".into(), reason.into()));
    fields
}

async fn community_id(app: &TestApp) -> i64 {
    app.state()
        .db
        .read(|c| {
            use diesel::prelude::*;
            use passerelle::db::schema::actors;
            Ok(actors::table
                .filter(actors::username.eq("entraide"))
                .select(actors::id)
                .get_result::<i64>(c)?)
        })
        .await
        .unwrap()
}

both_backends!(communities_with_forms);
