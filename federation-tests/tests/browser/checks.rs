//! What every visited page must pass: axe-core finds no serious or critical accessibility
//! violation, its HTML is under 100 KB, it loaded nothing from another origin, and the server
//! did not answer with an error. Problems are collected, so one run lists all of them.

use anyhow::Context;
use serde_json::{Value, json};
use std::path::PathBuf;

/// The largest HTML page accepted (issue 5: "the HTML of a typical page under 100 KB").
pub const MAX_HTML_BYTES: u64 = 100 * 1024;

/// axe-core's script, from the npm package installed by `scripts/test` (`federation-tests/axe`).
pub fn axe_source() -> anyhow::Result<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} is missing: install it with `npm ci --prefix federation-tests/axe` \
             (scripts/test does it)",
            path.display()
        )
    })
}

/// One rule axe-core found broken on a page, with up to five of the elements, readable.
pub struct Violation {
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    pub text: String,
}

impl Violation {
    /// What the tests refuse (issue 5: zero serious or critical violations).
    pub fn blocking(&self) -> bool {
        self.impact == "serious" || self.impact == "critical"
    }
}

/// Runs axe-core on the current page; returns its violations.
pub async fn accessibility(
    client: &fantoccini::Client,
    axe: &str,
) -> anyhow::Result<Vec<Violation>> {
    let loaded = client
        .execute("return typeof window.axe !== 'undefined'", vec![])
        .await?;
    if loaded != Value::Bool(true) {
        client
            .execute(axe, vec![])
            .await
            .context("injecting axe-core")?;
    }
    // WCAG 2.0–2.2 A and AA rules plus axe's best practices
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),
                          html: n.html.slice(0, 200), summary: n.failureSummary}))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    "#;
    let v = client.execute_async(script, vec![]).await?;
    let mut out = vec![];
    for violation in v.as_array().cloned().unwrap_or_default() {
        let mut text = format!(
            "{} ({}): {}",
            violation["id"].as_str().unwrap_or_default(),
            violation["impact"].as_str().unwrap_or_default(),
            violation["help"].as_str().unwrap_or_default()
        );
        for n in violation["nodes"].as_array().cloned().unwrap_or_default() {
            text.push_str(&format!(
                "\n      at {}\n         {}\n         {}",
                n["target"].as_str().unwrap_or_default(),
                n["html"].as_str().unwrap_or_default(),
                n["summary"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('\n', "\n         ")
            ));
        }
        out.push(Violation {
            id: violation["id"].as_str().unwrap_or_default().to_string(),
            impact: violation["impact"].as_str().unwrap_or_default().to_string(),
            text,
        });
    }
    Ok(out)
}

/// What the Navigation and Resource Timing entries say about the page.
pub struct Load {
    pub status: u64,
    /// The layout width and colour scheme the page was shown with.
    pub width: u64,
    pub dark: bool,
    /// Elements wider than the screen (the outermost ones), when the page overflows.
    pub wide: Vec<String>,
    /// Elements that cut their own text (overflow hidden with more content than room).
    pub clipped: Vec<String>,
    pub html_bytes: u64,
    /// Resources fetched from another origin than the page's.
    pub foreign: Vec<String>,
}

/// A JSON list of strings (empty if it is not one).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn load(client: &fantoccini::Client) -> anyhow::Result<Load> {
    let v = client
        .execute(
            r#"
            const nav = performance.getEntriesByType('navigation')[0] || {};
            const foreign = performance.getEntriesByType('resource')
              .map(r => r.name)
              .filter(n => new URL(n, location.href).origin !== location.origin);
            const width = window.innerWidth;
            const wide = [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > screen.width + 1)
              .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= screen.width + 1)
              .slice(0, 5)
              .map(e => e.outerHTML.slice(0, 160) + ' → ' + Math.round(e.getBoundingClientRect().right) + ' px');
            const clipped = [...document.querySelectorAll('body *')]
              .filter(e => !e.closest('.visually-hidden') && e.clientWidth > 1)
              .filter(e => {
                const s = getComputedStyle(e);
                const hides = v => v === 'hidden' || v === 'clip';
                return (hides(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
                    || (hides(s.overflowY) && e.scrollHeight > e.clientHeight + 1);
              })
              .slice(0, 5)
              .map(e => e.outerHTML.slice(0, 160));
            return {status: nav.responseStatus || 0, width, wide, clipped,
                    dark: matchMedia('(prefers-color-scheme: dark)').matches,
                    bytes: nav.decodedBodySize || document.documentElement.outerHTML.length,
                    foreign};
            "#,
            vec![],
        )
        .await?;
    Ok(Load {
        status: v["status"].as_u64().unwrap_or(0),
        width: v["width"].as_u64().unwrap_or(0),
        dark: v["dark"] == true,
        wide: strings(&v["wide"]),
        clipped: strings(&v["clipped"]),
        html_bytes: v["bytes"].as_u64().unwrap_or(0),
        foreign: strings(&v["foreign"]),
    })
}

/// `PASSERELLE_SCREENSHOTS_DIR`: where pictures of the main pages go (none when unset).
pub fn screenshots_dir() -> Option<PathBuf> {
    std::env::var_os("PASSERELLE_SCREENSHOTS_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// The emulated screen: a phone (320 px, touch) or a desktop, light or dark, with text at its
/// usual size or enlarged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
    pub dark: bool,
    /// Text size in percent of the browser's default (200: as a person who enlarges the text
    /// in their browser's settings, WCAG 2.2's 1.4.4).
    pub text: u32,
}

impl Screen {
    pub const DESKTOP: Screen = Screen {
        width: 1280,
        height: 900,
        mobile: false,
        dark: false,
        text: 100,
    };
    /// 320 px: the width WCAG 2.2's reflow criterion (1.4.10) asks pages to fit without
    /// scrolling sideways, narrower than the 360 px phones of issue 5.
    pub const PHONE: Screen = Screen {
        width: 320,
        height: 780,
        mobile: true,
        dark: false,
        text: 100,
    };

    pub fn dark(self) -> Screen {
        Screen { dark: true, ..self }
    }

    /// The same screen with text twice as large.
    pub fn large_text(self) -> Screen {
        Screen { text: 200, ..self }
    }

    pub fn name(&self) -> String {
        format!(
            "{} px{}{}",
            self.width,
            if self.dark { ", dark" } else { "" },
            if self.text != 100 {
                format!(", text {} %", self.text)
            } else {
                String::new()
            }
        )
    }

    /// The script that enlarges the text of the page shown (the root font size, from which
    /// every size of the style sheet derives, as the browser's text size setting does).
    pub fn text_script(&self) -> String {
        format!("document.documentElement.style.fontSize = '{}%'", self.text)
    }

    /// The DevTools commands that make Chromium show pages on this screen.
    pub fn commands(&self) -> [(&'static str, Value); 2] {
        [
            (
                "Emulation.setDeviceMetricsOverride",
                json!({"width": self.width, "height": self.height,
                       "deviceScaleFactor": 1, "mobile": self.mobile}),
            ),
            (
                "Emulation.setEmulatedMedia",
                json!({"features": [{"name": "prefers-color-scheme",
                                     "value": if self.dark { "dark" } else { "light" }}]}),
            ),
        ]
    }
}
