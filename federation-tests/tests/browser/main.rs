//! Browser tests: a person uses Passerelle through headless Chromium (Debian's `chromium` and
//! `chromium-driver`, driven over WebDriver), against real server processes started by the
//! federation harness. Every page visited is checked with axe-core (no serious or critical
//! violation), for its weight (HTML under 100 KB) and for requests to other hosts.
//!
//! Without Chromium the tests fail and say what to install; `PASSERELLE_BROWSER_TESTS=skip`
//! skips them. `PASSERELLE_SCREENSHOTS_DIR` saves pictures of the main pages for the user
//! guide (`scripts/screenshots`).

mod checks;
mod driver;
mod journey;
mod tour;

use checks::Screen;
use driver::Driver;
use fantoccini::{
    Locator,
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};
use federation_tests::{Backend, Instance};
use std::time::Duration;

/// The server binary built with this crate.
pub const NODE: &str = env!("CARGO_BIN_EXE_passerelle-node");

pub async fn instance(backend: Backend, name: &str) -> Instance {
    Instance::start(NODE, backend, name)
        .await
        .unwrap_or_else(|e| panic!("instance {name} did not start: {e:#}"))
}

/// Defines tests `$name::sqlite` and `$name::postgres` running the async fn `$name(backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if !$crate::driver::enabled() {
                    return;
                }
                super::$name(federation_tests::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::driver::enabled() {
                    return;
                }
                if !federation_tests::Backend::Postgres.available() {
                    eprintln!("skipped: PASSERELLE_TEST_POSTGRES_URL is not set");
                    return;
                }
                super::$name(federation_tests::Backend::Postgres).await
            }
        }
    };
}

/// A browser looking at one instance, collecting what the checks find on each page.
pub struct Browser {
    driver: Driver,
    /// The instance's origin, `http://localhost:PORT`.
    pub base: String,
    axe: String,
    screen: Screen,
    /// The language the pages are in, as the switch last set it.
    pub lang: &'static str,
    problems: Vec<String>,
    /// Minor and moderate violations: printed, not refused.
    notes: std::collections::BTreeSet<String>,
    pub pages_checked: usize,
    /// The heaviest HTML page seen (bytes, path), for the summary.
    heaviest: (u64, String),
}

impl Browser {
    /// Starts Chromium; set `base` to the instance's origin before opening pages.
    pub async fn start() -> Browser {
        let axe = checks::axe_source().unwrap_or_else(|e| panic!("{e:#}"));
        let screen = Screen::DESKTOP;
        let driver = Driver::start(screen.width, screen.height)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let mut b = Browser {
            driver,
            base: String::new(),
            axe,
            screen,
            lang: "en",
            problems: vec![],
            notes: Default::default(),
            pages_checked: 0,
            heaviest: (0, String::new()),
        };
        b.set_screen(screen).await;
        b
    }

    pub fn client(&self) -> &fantoccini::Client {
        &self.driver.client
    }

    /// Emulates another screen (width, touch, colour scheme) for the next pages.
    pub async fn set_screen(&mut self, screen: Screen) {
        for (cmd, params) in screen.commands() {
            self.driver
                .cdp(cmd, params)
                .await
                .unwrap_or_else(|e| panic!("{e:#}\n{}", self.driver.log()));
        }
        self.screen = screen;
    }

    /// Loads `path` of the instance.
    pub async fn open(&self, path: &str) {
        self.client()
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    }

    /// Loads `path` and checks the page.
    pub async fn visit(&mut self, path: &str) {
        self.open(path).await;
        self.check().await;
    }

    /// Switches the interface language with the header's link, as a person would.
    pub async fn language(&mut self, lang: &'static str) {
        if self.lang != lang {
            self.go(&format!("a[hreflang=\"{lang}\"]")).await;
            self.lang = lang;
        }
        let shown = self
            .client()
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        assert_eq!(shown, lang, "the language switch did not change the page");
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client().current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Makes sure the checks find what they look for, else a broken injection would let every
    /// page pass: on a page spoilt on purpose (a field without a label, pale text; styled from
    /// the script, as the pages' CSP refuses inline styles) axe-core must find serious
    /// violations, and a box of fixed height must be found cutting its text once the text is
    /// twice as large (and not before).
    pub async fn check_the_checker(&mut self) {
        self.client()
            .execute(
                "const main = document.querySelector('main'); \
                 main.insertAdjacentHTML('beforeend', '<input type=text><p id=pale>pale text</p>'); \
                 const pale = document.getElementById('pale'); \
                 pale.style.color = '#bbb'; pale.style.background = '#fff';",
                vec![],
            )
            .await
            .unwrap();
        let found = checks::accessibility(self.client(), &self.axe)
            .await
            .unwrap();
        let ids: Vec<&str> = found
            .iter()
            .filter(|v| v.blocking())
            .map(|v| v.id.as_str())
            .collect();
        assert!(
            ids.contains(&"label") && ids.contains(&"color-contrast"),
            "axe-core did not report a spoilt page: {ids:?}"
        );
        // a box of fixed height cuts its text once the text is twice as large
        self.client()
            .execute(
                "document.querySelector('main').insertAdjacentHTML('beforeend', \
                   '<p id=boxed>one line</p>'); \
                 const boxed = document.getElementById('boxed'); \
                 boxed.style.height = '24px'; boxed.style.overflow = 'hidden';",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            checks::load(self.client())
                .await
                .unwrap()
                .clipped
                .is_empty()
        );
        self.client()
            .execute(&Screen::DESKTOP.large_text().text_script(), vec![])
            .await
            .unwrap();
        let clipped = checks::load(self.client()).await.unwrap().clipped;
        assert!(
            clipped.iter().any(|c| c.contains("boxed")),
            "a text cut off at 200 % was not found: {clipped:?}"
        );
        self.client()
            .execute(&Screen::DESKTOP.text_script(), vec![])
            .await
            .unwrap();
    }

    /// Runs the checks of every page on the page shown; records what fails.
    pub async fn check(&mut self) {
        self.check_expecting(200).await
    }

    /// The checks of a page answered with `status` (422 for a form sent back with errors).
    pub async fn check_expecting(&mut self, status: u64) {
        let path = self.path().await;
        let label = format!("{} [{}, {}]", path, self.lang, self.screen.name());
        if self.screen.text != 100 {
            self.client()
                .execute(&self.screen.text_script(), vec![])
                .await
                .unwrap();
        }
        let load = checks::load(self.client()).await.unwrap();
        assert_eq!(
            load.dark, self.screen.dark,
            "{label}: the colour scheme is not the emulated one"
        );
        if load.width != u64::from(self.screen.width) {
            // a phone widens the page to show what overflows, so people must scroll sideways
            self.problems.push(format!(
                "{label}: the page is {} px wide on a {} px screen:\n      {}",
                load.width,
                self.screen.width,
                load.wide.join("\n      ")
            ));
        }
        if !load.clipped.is_empty() {
            self.problems.push(format!(
                "{label}: text cut off:\n      {}",
                load.clipped.join("\n      ")
            ));
        }
        if load.status != status {
            self.problems
                .push(format!("{label}: the server answered {}", load.status));
        }
        if load.html_bytes > checks::MAX_HTML_BYTES {
            self.problems.push(format!(
                "{label}: {} bytes of HTML (at most {})",
                load.html_bytes,
                checks::MAX_HTML_BYTES
            ));
        }
        if load.html_bytes > self.heaviest.0 {
            self.heaviest = (load.html_bytes, path.clone());
        }
        for url in load.foreign {
            self.problems
                .push(format!("{label}: request to another origin: {url}"));
        }
        let violations = checks::accessibility(self.client(), &self.axe)
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run on {label}: {e:#}"));
        for v in violations {
            if v.blocking() {
                self.problems.push(format!("{label}: {}", v.text));
            } else {
                self.notes.insert(format!(
                    "{}: {}",
                    path.split('?').next().unwrap_or_default(),
                    v.text
                ));
            }
        }
        self.pages_checked += 1;
    }

    /// The style sheet and script of the page shown are served to be kept by the browser
    /// (their URL changes with their content).
    pub async fn check_assets_cached(&mut self) {
        let urls = self
            .client()
            .execute(
                "return [...document.querySelectorAll('link[rel=stylesheet], script[src]')] \
                   .map(e => e.href || e.src)",
                vec![],
            )
            .await
            .unwrap();
        let urls: Vec<String> = serde_json::from_value(urls).unwrap();
        assert!(!urls.is_empty(), "no style sheet or script on the page");
        let http = reqwest::Client::new();
        for url in urls {
            let r = http.get(&url).send().await.unwrap();
            let cache = r
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            if !cache.contains("immutable") {
                self.problems.push(format!(
                    "{url}: not cached for good (Cache-Control: {cache:?})"
                ));
            }
        }
    }

    /// Keyboard use of the page shown, which axe-core does not try: the first Tab reaches the
    /// skip link, shown with a focus outline; Enter on it moves the focus to the content, and
    /// the next Tab stays out of the header.
    pub async fn check_keyboard(&mut self) {
        let label = format!("{} [keyboard]", self.path().await);
        self.press(Key::Tab).await;
        let first = self
            .client()
            .execute(
                "const e = document.activeElement, r = e.getBoundingClientRect(); \
                 return {skip: e.classList.contains('skip-link'), shown: r.top >= 0 && r.bottom > 0, \
                         outline: getComputedStyle(e).outlineStyle !== 'none'};",
                vec![],
            )
            .await
            .unwrap();
        if first["skip"] != true {
            self.problems.push(format!(
                "{label}: the first Tab does not reach the skip link"
            ));
            return;
        }
        if first["shown"] != true || first["outline"] != true {
            self.problems.push(format!(
                "{label}: the focused skip link is not visible with an outline: {first}"
            ));
        }
        self.press(Key::Enter).await;
        self.press(Key::Tab).await;
        let after = self
            .client()
            .execute(
                "return !document.querySelector('header').contains(document.activeElement) \
                        && document.activeElement !== document.body",
                vec![],
            )
            .await
            .unwrap();
        if after != true {
            self.problems.push(format!(
                "{label}: after the skip link, Tab goes back to the header"
            ));
        }
    }

    async fn press(&self, key: Key) {
        let key: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client().perform_actions(actions).await.unwrap();
    }

    /// Saves a picture of the page shown as `<lang>-<name>.png` in `PASSERELLE_SCREENSHOTS_DIR`.
    pub async fn screenshot(&self, name: &str) {
        let Some(dir) = checks::screenshots_dir() else {
            return;
        };
        std::fs::create_dir_all(&dir).unwrap();
        // no caret or focus ring in the picture
        self.client()
            .execute(
                "document.activeElement && document.activeElement.blur()",
                vec![],
            )
            .await
            .unwrap();
        let png = self.client().screenshot().await.unwrap();
        let file = dir.join(format!("{}-{name}.png", self.lang));
        std::fs::write(&file, png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }

    /// Scrolls the page so that `css` is at the top of the screen (for pictures).
    pub async fn scroll_to(&self, css: &str) {
        let element = self.find(css).await;
        let arg = serde_json::to_value(&element).unwrap();
        self.client()
            .execute("arguments[0].scrollIntoView()", vec![arg])
            .await
            .unwrap();
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client()
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    /// Whether an element matches `css` on the page shown (without waiting).
    pub async fn has(&self, css: &str) -> bool {
        self.client().find(Locator::Css(css)).await.is_ok()
    }

    /// Types `text` into the field `css`, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("cannot choose {value} in {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks a link or a button that loads another page, and waits until it is loaded (a
    /// form sent to its own address leaves the URL unchanged, so the old document is marked).
    pub async fn go(&self, css: &str) {
        let element = self.find(css).await;
        self.mark_page().await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        self.wait_for_next_page(css).await;
    }

    /// Marks the document shown, so that [`Self::wait_for_next_page`] knows when it is replaced.
    async fn mark_page(&self) {
        self.client()
            .execute("window.__passerelleOld = true", vec![])
            .await
            .unwrap();
    }

    async fn wait_for_next_page(&self, what: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let loaded = self
                .client()
                .execute(
                    "return !window.__passerelleOld && document.readyState === 'complete'",
                    vec![],
                )
                .await;
            if let Ok(serde_json::Value::Bool(true)) = loaded {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what} loaded no page within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses Tab, as someone who uses only the keyboard, until the element `css` has the
    /// focus: it must be reached within `max` presses, in the order of the page.
    pub async fn tab_to(&mut self, css: &str, max: usize) {
        for _ in 0..max {
            self.press(Key::Tab).await;
            let reached = self
                .client()
                .execute(
                    "return document.activeElement.matches(arguments[0])",
                    vec![serde_json::json!(css)],
                )
                .await
                .unwrap();
            if reached == true {
                return;
            }
        }
        let path = self.path().await;
        self.problems.push(format!(
            "{path} [keyboard]: {css} is not reached within {max} presses of Tab"
        ));
    }

    /// Types `text` into the field that has the focus.
    pub async fn type_text(&self, text: &str) {
        self.client()
            .active_element()
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Presses Enter on the focused link or button (or in a form's field) and waits for the
    /// page it loads.
    pub async fn enter(&self) {
        self.mark_page().await;
        self.press(Key::Enter).await;
        self.wait_for_next_page("Enter").await;
    }

    /// The text of the page's `main` landmark.
    pub async fn main_text(&self) -> String {
        self.find("main").await.text().await.unwrap()
    }

    /// Ends the browser and fails with every problem the checks found.
    pub async fn finish(self) {
        let Browser {
            driver,
            problems,
            notes,
            pages_checked,
            heaviest,
            ..
        } = self;
        driver.stop().await;
        eprintln!(
            "{pages_checked} pages checked; the heaviest HTML: {} bytes ({})",
            heaviest.0, heaviest.1
        );
        for note in &notes {
            eprintln!("note (minor or moderate): {note}");
        }
        assert!(
            problems.is_empty(),
            "{} problem(s) on the pages visited:\n\n{}",
            problems.len(),
            problems.join("\n\n")
        );
    }
}
