//! The second look at every page: in both languages, on a phone and a desktop, in light and
//! dark colours, with text at its usual size and twice as large; and the pictures of the user
//! guide.

use crate::{Browser, checks::Screen};

/// The pictures of the user guide (`PASSERELLE_SCREENSHOTS_DIR`), on a desktop screen in
/// light colours: the pages were checked already, the forms are filled but not sent.
pub struct Pictures {
    pub bob_page: String,
    pub other_offer: i64,
    pub conversation: i64,
    /// The page of the conversation Camille started in a community.
    pub community_thread: String,
}

impl Pictures {
    /// What a signed-in member sees (Camille).
    pub async fn member(&self, browser: &mut Browser, lang: &'static str) {
        browser.set_screen(Screen::DESKTOP).await;
        browser.open("/").await;
        browser.language(lang).await;
        browser.screenshot("feed").await;
        browser.scroll_to("article.post").await;
        browser.screenshot("posts").await;
        browser.open("/profile/edit").await;
        browser.screenshot("editor").await;
        browser.open("/profile/experiences/new").await;
        browser.select("#kind", "volunteering").await;
        browser
            .fill("#title", "Bénévole à la banque alimentaire")
            .await;
        browser
            .fill("#organisation", "Banque alimentaire du Rhône")
            .await;
        browser.screenshot("experience").await;
        browser.open("/profile/preview?as=anonymous").await;
        browser.screenshot("preview").await;
        browser.open(&self.bob_page).await;
        browser.screenshot("remote-profile").await;
        browser.open("/jobs?q=cuisine&without_diploma=true").await;
        browser.screenshot("jobs").await;
        browser.open(&format!("/jobs/{}", self.other_offer)).await;
        browser
            .fill(
                "#message",
                "J'aime le contact avec les gens, je le vis chaque samedi.",
            )
            .await;
        browser.scroll_to("#apply-title").await;
        browser.screenshot("apply").await;
        browser.open("/@entraide").await;
        browser.screenshot("community").await;
        browser.open(&self.community_thread).await;
        browser.screenshot("thread").await;
        browser.open("/notifications").await;
        browser.screenshot("notifications").await;
        browser
            .open(&format!("/messages/{}", self.conversation))
            .await;
        browser.screenshot("messages").await;
        // the same site on a phone, and in dark colours
        browser.set_screen(Screen::PHONE).await;
        browser.open("/profile/preview?as=anonymous").await;
        browser.screenshot("phone").await;
        browser.set_screen(Screen::DESKTOP.dark()).await;
        browser.open("/").await;
        browser.screenshot("dark").await;
        browser.set_screen(Screen::DESKTOP).await;
    }

    /// What a visitor sees before signing up.
    pub async fn visitor(&self, browser: &mut Browser, lang: &'static str) {
        browser.set_screen(Screen::DESKTOP).await;
        browser.open("/").await;
        browser.language(lang).await;
        browser.screenshot("home").await;
        browser.open("/register").await;
        browser.fill("#username", "camille").await;
        browser.screenshot("register").await;
    }
}

/// Checks `pages` again in both languages, on a phone and a desktop, in light and dark colours,
/// and on a desktop with text twice as large.
pub async fn tour(browser: &mut Browser, pages: &[String]) {
    for lang in ["fr", "en"] {
        browser.open(&pages[0]).await;
        browser.language(lang).await;
        for screen in [
            Screen::PHONE,
            Screen::DESKTOP.dark(),
            Screen::DESKTOP.large_text(),
            Screen::DESKTOP,
        ] {
            browser.set_screen(screen).await;
            for path in pages {
                browser.visit(path).await;
            }
        }
    }
}
