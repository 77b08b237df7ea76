//! Integration tests of one instance over real HTTP (one test binary, modules per area).
//! Every test starts its own instance on port 0 with a fresh database; tests written with
//! [`both_backends!`] run on SQLite and, when `PASSERELLE_TEST_POSTGRES_URL` is set, on
//! PostgreSQL.

mod api;
mod cli;
mod federation;
mod fixtures;
mod jobs;
mod messages;
mod moderation;
mod organisations;
mod profiles;
mod web;

use passerelle::{Server, config::Config, db::testing::TempPostgres};
use serde_json::{Value, json};

/// The database engines a test can run on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running instance and what it needs to live: its temp dir or its PostgreSQL database.
pub struct TestApp {
    pub server: Option<Server>,
    pub base: String,
    pub http: reqwest::Client,
    /// The database the instance uses (for the command line tests).
    pub db_url: String,
    _dir: tempfile::TempDir,
    _pg: Option<TempPostgres>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop();
        }
    }
}

impl TestApp {
    pub fn state(&self) -> &passerelle::state::AppState {
        &self.server.as_ref().expect("running").state
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An ActivityPub document (a full URL), fetched without a signature.
    pub async fn ap_json(&self, url: &str) -> Value {
        self.http
            .get(url)
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An API request with `token`; the status and the JSON answer (`Null` when not JSON).
    pub async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: impl Into<Option<Value>>,
    ) -> (u16, Value) {
        let mut r = self
            .http
            .request(method.clone(), self.url(path))
            .bearer_auth(token);
        if method != reqwest::Method::GET
            && let Some(body) = body.into()
        {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Registers `name` and returns an API token.
    /// Gives the local member `name` a role (`member`, `moderator`, `admin`).
    pub async fn set_role(&self, name: &str, role: &'static str) {
        use diesel::prelude::*;
        use passerelle::db::schema::{accounts, actors};
        let name = name.to_string();
        self.state()
            .db
            .write(move |c| {
                let actor: i64 = actors::table
                    .filter(actors::username.eq(&name))
                    .filter(actors::local.eq(true))
                    .select(actors::id)
                    .get_result(c)?;
                diesel::update(accounts::table.filter(accounts::actor_id.eq(actor)))
                    .set(accounts::role.eq(role))
                    .execute(c)?;
                Ok(())
            })
            .await
            .unwrap();
    }

    pub async fn member(&self, name: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/v1/accounts"))
            .json(&json!({"username": name, "password": "a long enough password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let r: Value = self
            .http
            .post(self.url("/api/v1/tokens"))
            .json(&json!({"username": name, "password": "a long enough password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["token"].as_str().unwrap().to_string()
    }
}

/// Starts an instance with test-friendly settings; `None` for PostgreSQL when no server is set.
pub async fn spawn_app_with(
    backend: Backend,
    tweak: impl FnOnce(&mut Vec<(String, String)>),
) -> Option<TestApp> {
    if std::env::var("RUST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
    let dir = tempfile::tempdir().unwrap();
    let (db_url, pg) = match backend {
        Backend::Sqlite => (format!("sqlite://{}/test.db", dir.path().display()), None),
        Backend::Postgres => {
            let pg = TempPostgres::create()?;
            (pg.url(), Some(pg))
        }
    };
    let mut env = vec![
        ("PASSERELLE_DATABASE__URL".to_string(), db_url.clone()),
        ("PASSERELLE_DATABASE__POOL_SIZE".into(), "4".into()),
        (
            "PASSERELLE_FEDERATION__RETRY_INITIAL".into(),
            "200ms".into(),
        ),
        ("PASSERELLE_FEDERATION__RETRY_MAX".into(), "1s".into()),
        (
            "PASSERELLE_FEDERATION__DELIVERY_POLL_INTERVAL".into(),
            "200ms".into(),
        ),
        ("PASSERELLE_FEDERATION__REQUEST_TIMEOUT".into(), "3s".into()),
        ("PASSERELLE_LIMITS__ENABLED".into(), "false".into()),
    ];
    tweak(&mut env);
    let config = Config::load(None, env).expect("valid test config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = passerelle::start(config, listener)
        .await
        .expect("instance starts");
    let base = format!("http://localhost:{}", server.addr.port());
    Some(TestApp {
        server: Some(server),
        base,
        http: reqwest::Client::new(),
        db_url,
        _dir: dir,
        _pg: pg,
    })
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// Defines tests `$name::sqlite` and `$name::postgres` that run the async fn `$name(backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if std::env::var("PASSERELLE_TEST_POSTGRES_URL").is_err() {
                    eprintln!("skipped: PASSERELLE_TEST_POSTGRES_URL is not set");
                    return;
                }
                super::$name($crate::Backend::Postgres).await
            }
        }
    };
}

/// Polls `check` until it returns `Some`, for at most `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "condition not met within {secs}s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
