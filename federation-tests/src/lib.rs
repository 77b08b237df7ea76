//! Harness for cross-instance tests: real Passerelle server processes (each with its own
//! database, on loopback ports), driven through their JSON API over HTTP.

pub mod peers;
use anyhow::{Context, bail};
use passerelle::db::testing::TempPostgres;
use serde_json::{Value, json};
use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// The password of every member the harness creates.
pub const PASSWORD: &str = "a long enough password";

/// Database engine of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Whether this backend can run here (PostgreSQL needs `PASSERELLE_TEST_POSTGRES_URL`).
    pub fn available(self) -> bool {
        self == Backend::Sqlite || std::env::var(passerelle::db::testing::TEST_POSTGRES_URL).is_ok()
    }
}

/// Keeps an instance's PostgreSQL database alive as long as the instance (dropped after it).
enum Storage {
    /// A SQLite file in the instance's folder, or a database owned by another node.
    Borrowed,
    Postgres(#[allow(dead_code)] TempPostgres),
}

/// One running (or stopped) instance.
pub struct Instance {
    pub name: String,
    pub port: u16,
    /// `http://localhost:PORT`
    pub base: String,
    pub database_url: String,
    binary: PathBuf,
    dir: tempfile::TempDir,
    _storage: Storage,
    extra_env: Vec<(String, String)>,
    child: Option<Child>,
    pub http: reqwest::Client,
}

/// Settings that make retries and polling fast enough for tests.
pub fn test_env() -> Vec<(String, String)> {
    [
        ("PASSERELLE_FEDERATION__RETRY_INITIAL", "300ms"),
        ("PASSERELLE_FEDERATION__RETRY_MAX", "1s"),
        ("PASSERELLE_FEDERATION__DELIVERY_POLL_INTERVAL", "200ms"),
        ("PASSERELLE_FEDERATION__REQUEST_TIMEOUT", "2s"),
        ("PASSERELLE_DATABASE__POOL_SIZE", "4"),
        // the harness polls and signs up far faster than people do; the rate-limit scenario
        // turns them back on
        ("PASSERELLE_LIMITS__ENABLED", "false"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

impl Instance {
    /// Starts a new instance on a free port with a fresh database.
    pub async fn start(
        binary: impl Into<PathBuf>,
        backend: Backend,
        name: &str,
    ) -> anyhow::Result<Instance> {
        Self::start_with(binary, backend, name, vec![]).await
    }

    pub async fn start_with(
        binary: impl Into<PathBuf>,
        backend: Backend,
        name: &str,
        extra_env: Vec<(String, String)>,
    ) -> anyhow::Result<Instance> {
        let dir = tempfile::tempdir()?;
        let (database_url, storage) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}/{name}.db", dir.path().display()),
                Storage::Borrowed,
            ),
            Backend::Postgres => {
                let pg =
                    TempPostgres::create().context("PASSERELLE_TEST_POSTGRES_URL is not set")?;
                (pg.url(), Storage::Postgres(pg))
            }
        };
        let mut instance = Instance {
            name: name.to_string(),
            port: 0,
            base: String::new(),
            database_url,
            binary: binary.into(),
            dir,
            _storage: storage,
            extra_env,
            child: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        };
        instance.spawn().await?;
        Ok(instance)
    }

    /// Starts a second node of `other`'s instance: same domain and database, another port
    /// (as behind a load balancer). Both nodes run delivery workers.
    pub async fn start_node_of(other: &Instance, name: &str) -> anyhow::Result<Instance> {
        let mut env = other.extra_env.clone();
        env.push(("PASSERELLE_INSTANCE__DOMAIN".into(), other.domain()));
        let mut node = Instance {
            name: name.to_string(),
            port: 0,
            base: String::new(),
            database_url: other.database_url.clone(),
            binary: other.binary.clone(),
            dir: tempfile::tempdir()?,
            _storage: Storage::Borrowed,
            extra_env: env,
            child: None,
            http: other.http.clone(),
        };
        node.spawn().await?;
        Ok(node)
    }

    /// Runs the server process, on the instance's port once it has one (a restart keeps the
    /// same address, as a real server's domain does).
    async fn spawn(&mut self) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        // FEDERATION_TESTS_WRAP runs the server under a profiler, e.g. "valgrind --tool=callgrind"
        let wrap: Vec<String> = std::env::var("FEDERATION_TESTS_WRAP")
            .map(|w| w.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let mut cmd = match wrap.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(&self.binary);
                c
            }
            None => Command::new(&self.binary),
        };
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG")
                    .unwrap_or_else(|_| "info,activitypub_federation=warn".into()),
            )
            .env(
                "PASSERELLE_SERVER__BIND",
                format!("127.0.0.1:{}", self.port),
            )
            .env("PASSERELLE_DATABASE__URL", &self.database_url)
            .envs(test_env())
            .envs(self.extra_env.clone())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .map_err(|_| {
                anyhow::anyhow!(
                    "{} did not start within 60 s; log: {}",
                    self.name,
                    self.log_tail()
                )
            })??
            .ok_or_else(|| {
                anyhow::anyhow!("{} exited at start; log: {}", self.name, self.log_tail())
            })?;
        let addr = line
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?;
        let port: u16 = addr.rsplit(':').next().unwrap_or("0").parse()?;
        self.port = port;
        self.base = format!("http://localhost:{port}");
        if !self.domain().ends_with(&format!(":{port}")) {
            // a second node answers on its own port for the harness's API calls
            self.base = format!("http://127.0.0.1:{port}");
        }
        // keep draining stdout so the child never blocks on a full pipe
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.child = Some(child);
        Ok(())
    }

    /// Process id of the running server.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(|c| c.id())
    }

    /// The instance's public host: its own address, or the first node's for a second node.
    pub fn domain(&self) -> String {
        self.extra_env
            .iter()
            .find(|(k, _)| k == "PASSERELLE_INSTANCE__DOMAIN")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| format!("localhost:{}", self.port))
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join(format!("{}.log", self.name))
    }

    /// The last lines of the server's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// `kill -9`: no chance to finish anything.
    pub async fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.start_kill();
            let _ = c.wait().await;
        }
    }

    /// Starts the process again on the same port and database.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.kill().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.spawn().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() < deadline => {
                    tracing_like(&format!("restart of {} failed, retrying: {e}", self.name));
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Restarts the process with other settings (`PASSERELLE_*` variables added or replaced).
    pub async fn restart_with(&mut self, env: Vec<(String, String)>) -> anyhow::Result<()> {
        for (k, v) in env {
            self.extra_env.retain(|(key, _)| key != &k);
            self.extra_env.push((k, v));
        }
        self.restart().await
    }

    /// Registers a member and gives them administrator rights (as `passerelle user create
    /// --admin` would), through the instance's database.
    pub async fn admin(&self, username: &str) -> anyhow::Result<Member> {
        use diesel::prelude::*;
        use passerelle::db::schema::accounts;
        let member = self.member(username).await?;
        let db = self.database()?;
        let username = username.to_string();
        tokio::task::spawn_blocking(move || {
            db.write_blocking(|c| {
                let actor = passerelle::db::schema::actors::table
                    .filter(passerelle::db::schema::actors::username.eq(&username))
                    .filter(passerelle::db::schema::actors::local.eq(true))
                    .select(passerelle::db::schema::actors::id)
                    .get_result::<i64>(c)?;
                diesel::update(accounts::table.filter(accounts::actor_id.eq(actor)))
                    .set(accounts::role.eq("admin"))
                    .execute(c)?;
                Ok(())
            })
        })
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(member)
    }

    /// A direct connection to the instance's database, to check what was (not) stored.
    pub fn database(&self) -> anyhow::Result<passerelle::db::Db> {
        let url = match self.database_url.strip_prefix("sqlite://") {
            Some(p) => passerelle::config::DatabaseUrl::Sqlite(p.into()),
            None => passerelle::config::DatabaseUrl::Postgres(self.database_url.clone()),
        };
        Ok(passerelle::db::Db::connect(&url, 1)?)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Registers a member and returns their API client.
    pub async fn member(&self, username: &str) -> anyhow::Result<Member> {
        let password = PASSWORD;
        let r = self
            .http
            .post(self.url("/api/v1/accounts"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await?;
        if r.status() != 201 {
            bail!("sign-up of {username} failed: {}", r.text().await?);
        }
        self.sign_in(username).await
    }

    /// An API client for a member who already has an account (one who signed up in a
    /// browser, say), with the harness's password.
    pub async fn sign_in(&self, username: &str) -> anyhow::Result<Member> {
        let r = self
            .http
            .post(self.url("/api/v1/tokens"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await?;
        if r.status() != 201 && r.status() != 200 {
            bail!("sign-in of {username} failed: {}", r.text().await?);
        }
        let r: Value = r.json().await?;
        let token = r["token"].as_str().context("no token")?.to_string();
        let account: Value = self
            .http
            .get(self.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        Ok(Member {
            base: self.base.clone(),
            token,
            id: account["account"]["id"].as_i64().context("no id")?,
            handle: format!("{username}@{}", self.domain()),
            http: self.http.clone(),
        })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- last log lines of {} ----\n{}",
                self.name,
                self.log_tail()
            );
        }
        if let Some(c) = self.child.as_mut() {
            let _ = c.start_kill();
        }
    }
}

fn tracing_like(msg: &str) {
    eprintln!("{msg}");
}

/// A signed-in member of one instance, driving it through the JSON API.
#[derive(Clone)]
pub struct Member {
    pub base: String,
    pub token: String,
    pub id: i64,
    /// `user@localhost:PORT`
    pub handle: String,
    http: reqwest::Client,
}

impl Member {
    /// The same member, talking to another node of their instance.
    pub fn via(&self, node: &Instance) -> Member {
        Member {
            base: node.base.clone(),
            ..self.clone()
        }
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<(u16, Value)> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<(u16, Value)> {
        let r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Finds someone by handle (WebFinger for remote ones); returns their local account id.
    pub async fn lookup(&self, handle: &str) -> anyhow::Result<i64> {
        let (s, v) = self
            .get(&format!("/api/v1/accounts/lookup?handle={handle}"))
            .await?;
        if s != 200 {
            bail!("lookup of {handle} failed ({s}): {v}");
        }
        v["account"]["id"].as_i64().context("no id")
    }

    pub async fn follow(&self, account_id: i64) -> anyhow::Result<String> {
        let (s, v) = self
            .post(&format!("/api/v1/accounts/{account_id}/follow"), json!({}))
            .await?;
        if s != 200 {
            bail!("follow failed ({s}): {v}");
        }
        Ok(v["state"].as_str().unwrap_or_default().to_string())
    }

    /// Finds `handle`, follows them and waits until the follow is accepted; returns their
    /// local account id.
    pub async fn follow_accepted(&self, handle: &str) -> anyhow::Result<i64> {
        let id = self.lookup(handle).await?;
        self.follow(id).await?;
        let what = format!("{} follows {handle}", self.handle);
        eventually(15, &what, || async {
            (self.follow_state(id).await.ok()? == "accepted").then_some(())
        })
        .await;
        Ok(id)
    }

    /// How this member follows account `id`: none, pending or accepted.
    pub async fn follow_state(&self, account_id: i64) -> anyhow::Result<String> {
        let (_, v) = self.get(&format!("/api/v1/accounts/{account_id}")).await?;
        Ok(v["following"].as_str().unwrap_or_default().to_string())
    }

    pub async fn write(&self, text: &str, visibility: &str) -> anyhow::Result<Value> {
        let (s, v) = self
            .post(
                "/api/v1/posts",
                json!({"text": text, "visibility": visibility, "language": "fr"}),
            )
            .await?;
        if s != 201 {
            bail!("post failed ({s}): {v}");
        }
        Ok(v)
    }

    /// An HTML page as this member sees it in a browser: signs in through the log-in form
    /// (with its CSRF token), then loads `path`.
    pub async fn page(&self, path: &str) -> anyhow::Result<(u16, String)> {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let form = browser
            .get(format!("{}/login", self.base))
            .send()
            .await?
            .text()
            .await?;
        let marker = r#"name="csrf" value=""#;
        let start = form.find(marker).context("no CSRF token on /login")? + marker.len();
        let csrf = &form[start..start + form[start..].find('"').context("unterminated")?];
        let username = self.handle.split('@').next().unwrap_or_default();
        let r = browser
            .post(format!("{}/login", self.base))
            .form(&[
                ("csrf", csrf),
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await?;
        if r.status() != 303 {
            bail!(
                "log-in of {username} failed ({}): {}",
                r.status(),
                r.text().await?
            );
        }
        let r = browser.get(format!("{}{path}", self.base)).send().await?;
        Ok((r.status().as_u16(), r.text().await?))
    }

    /// The home feed, newest first.
    pub async fn home(&self) -> anyhow::Result<Vec<Value>> {
        let (_, v) = self.get("/api/v1/timelines/home?limit=100").await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }
}

/// Polls `check` until it returns `Some`, failing after `secs` seconds with `what`.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "not within {secs}s: {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}
