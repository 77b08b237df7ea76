//! Headless Chromium driven through chromedriver (WebDriver), started by the test on a free
//! loopback port and stopped when dropped, with its profile in a temporary folder.

use anyhow::{Context, bail};
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::process::{Child, Command};

/// `PASSERELLE_BROWSER_TESTS=skip` lets a machine without Chromium run the rest of the suite.
const SWITCH: &str = "PASSERELLE_BROWSER_TESTS";

/// Where the browser and its driver are: `PASSERELLE_CHROMIUM` and `PASSERELLE_CHROMEDRIVER`,
/// else Debian's paths.
fn tool(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

/// Whether the browser tests should run. They fail, rather than pass silently, when Chromium
/// is missing, unless `PASSERELLE_BROWSER_TESTS=skip`.
pub fn enabled() -> bool {
    if std::env::var(SWITCH).as_deref() == Ok("skip") {
        eprintln!("skipped: {SWITCH}=skip");
        return false;
    }
    true
}

/// A running chromedriver and one browser session.
pub struct Driver {
    child: Child,
    /// Chromium's profile and the driver's log.
    dir: tempfile::TempDir,
    pub client: fantoccini::Client,
}

impl Driver {
    /// Starts chromedriver on a free port and opens a headless Chromium session whose window is
    /// `width` × `height`.
    pub async fn start(width: u32, height: u32) -> anyhow::Result<Driver> {
        let chromium = tool("PASSERELLE_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = tool("PASSERELLE_CHROMEDRIVER", "/usr/bin/chromedriver");
        for (path, package) in [(&chromium, "chromium"), (&chromedriver, "chromium-driver")] {
            if !path.exists() {
                bail!(
                    "{} is missing: the browser tests need Debian's `{package}` \
                     (apt-get install chromium chromium-driver), or set {SWITCH}=skip",
                    path.display()
                );
            }
        }
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let log = std::fs::File::create(dir.path().join("chromedriver.log"))?;
        // Chromium writes to the home folder (crash reports settings, dconf) whatever its
        // flags: give it the temporary folder as home
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home)?;
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            // its own process group, with the Chromium processes it starts, so that all of
            // them can be ended together even when a test fails halfway
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {}", chromedriver.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        wait_ready(&url).await?;
        let client = session(&url, &chromium, dir.path(), width, height).await?;
        Ok(Driver { child, dir, client })
    }

    /// Ends the session, then the driver and what is left of Chromium (on drop).
    pub async fn stop(self) {
        let _ = self.client.clone().close().await;
    }

    /// Runs a Chrome DevTools Protocol command (emulation of screens and colour schemes).
    pub async fn cdp(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        let v = self
            .client
            .issue_cmd(Cdp {
                cmd: cmd.to_string(),
                params,
            })
            .await
            .with_context(|| format!("CDP {cmd}"))?;
        Ok(v)
    }

    /// The driver's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default()
    }
}

impl Drop for Driver {
    /// Ends chromedriver and every Chromium process (their process group), also when the test
    /// panicked with the session still open; then the temporary profile is removed.
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // SAFETY: killpg only sends a signal; the group is the one made for chromedriver
            unsafe {
                libc::killpg(pid as libc::pid_t, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
    }
}

/// Opens the WebDriver session: headless, no sandbox (CI runs as root), its own profile.
async fn session(
    url: &str,
    chromium: &Path,
    profile: &Path,
    width: u32,
    height: u32,
) -> anyhow::Result<fantoccini::Client> {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--no-first-run",
                "--hide-scrollbars",
                "--disable-crash-reporter",
                "--disable-breakpad",
                "--lang=en-GB",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.join("chromium").display()),
            ],
            "prefs": {"intl.accept_languages": "en-GB,en"}
        }
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    fantoccini::ClientBuilder::rustls()?
        .capabilities(caps)
        .connect(url)
        .await
        .context("cannot open a Chromium session through chromedriver")
}

/// A port nobody listens on right now (chromedriver has no port 0).
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

async fn wait_ready(url: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = http.get(format!("{url}/status")).send().await {
            let v: Value = r.json().await.unwrap_or_default();
            if v["value"]["ready"] == true {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("chromedriver did not answer on {url} within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// chromedriver's vendor command running a DevTools Protocol method.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params}).to_string();
        (http::Method::POST, Some(body))
    }
}
