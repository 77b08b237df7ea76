//! Benchmarks of one Passerelle instance (run against a release build):
//!
//! - inbox ingestion: a generator posing as many remote actors (it serves their actor
//!   documents and keys) sends signed `Create(Note)` activities; every signature is verified by
//!   the server. Reports accepted activities per second and latency percentiles;
//! - delivery fan-out: one post by a member followed from many remote instances (served by the
//!   generator, one port per instance); reports the time until the last instance has it;
//! - community ingestion: remote members (already joined) of an open community send signed
//!   `Create(Page)` threads to its inbox; the server verifies, stores and announces each to the
//!   community's followers on two other instances (the posting members' own, and one more;
//!   `--community-instances 3` adds a third that has no poster). Reports accepted posts per
//!   second, latency percentiles and the peak resident memory;
//! - memory: resident memory once started (idle) and its peak during the inbox run.
//!
//! `cargo run --release -p federation-tests --bin bench -- --help`

use anyhow::{Context, bail};
use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::{get, post},
};
use clap::Parser;
use federation_tests::{Backend, Instance};
use passerelle::federation::signatures::{SigningKey, generate_keys, sign_post};
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

#[derive(Parser)]
struct Args {
    /// Backends to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// Remote actors posing as senders in the inbox run.
    #[arg(long, default_value_t = 500)]
    inbox_actors: usize,
    /// Distinct RSA keys among them (each actor still has its own key id).
    #[arg(long, default_value_t = 50)]
    inbox_keys: usize,
    /// Activities sent in the timed inbox run.
    #[arg(long, default_value_t = 20_000)]
    inbox_requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Database connections of the server (its `database.pool_size`).
    #[arg(long, default_value_t = 8)]
    pool_size: u32,
    /// Skip the fan-out runs.
    #[arg(long)]
    skip_fanout: bool,
    /// Threads sent in the timed community run (0 skips it).
    #[arg(long, default_value_t = 10_000)]
    community_posts: usize,
    /// Only the community run.
    #[arg(long)]
    community_only: bool,
    /// Instances following the community: the posting members' own, plus one member on each
    /// of the others.
    #[arg(long, default_value_t = 2)]
    community_instances: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let node = std::env::current_exe()?
        .parent()
        .context("no parent dir")?
        .join("passerelle-node");
    if !node.exists() {
        bail!("build the server first: cargo build --release -p federation-tests");
    }
    for b in &args.backends {
        let backend = match b.as_str() {
            "sqlite" => Backend::Sqlite,
            "postgres" if Backend::Postgres.available() => Backend::Postgres,
            "postgres" => {
                eprintln!("skipping postgres: set PASSERELLE_TEST_POSTGRES_URL");
                continue;
            }
            other => bail!("unknown backend {other}"),
        };
        run(&node, backend, &args).await?;
    }
    Ok(())
}

/// CPU seconds (user + system) a process has used so far (from /proc).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // fields after the command name, which is in parentheses and may contain spaces
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds in the kernel only.
fn system_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .nth(12)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 100.0
}

/// Resident memory of a process, current and peak, in MiB (from /proc).
fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn run(node: &PathBuf, backend: Backend, args: &Args) -> anyhow::Result<()> {
    println!("## {backend:?}");
    // the production default for polling; fan-out relies on the wake-up after the commit
    let env = vec![
        (
            "PASSERELLE_FEDERATION__DELIVERY_POLL_INTERVAL".into(),
            "5s".into(),
        ),
        (
            "PASSERELLE_FEDERATION__REQUEST_TIMEOUT".into(),
            "10s".into(),
        ),
        (
            "PASSERELLE_DATABASE__POOL_SIZE".into(),
            args.pool_size.to_string(),
        ),
        ("RUST_LOG".into(), "warn".into()),
    ];
    let server = Instance::start_with(node, backend, "bench", env).await?;
    let pid = server.pid().context("server pid")?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (idle, _) = memory_mib(pid);
    println!("- idle resident memory after start-up: {idle:.1} MiB");

    if args.community_posts > 0 {
        community_run(&server, pid, args).await?;
    }
    if args.community_only {
        println!();
        return Ok(());
    }
    inbox_run(&server, pid, args).await?;
    if !args.skip_fanout {
        fanout_run(&server, "fan1k", 1000, 1).await?;
        fanout_run(&server, "fan10k", 100, 100).await?;
    }
    println!();
    Ok(())
}

/// What the generator's servers record.
#[derive(Default)]
struct Seen {
    /// Accepts received (answers to our Follows).
    accepts: usize,
    /// When each generator port first received a Create.
    creates: HashMap<u16, Instant>,
    /// Announces received, by generator port.
    announces: HashMap<u16, usize>,
}

#[derive(Clone)]
struct Gen {
    keys: Arc<Vec<String>>,
    seen: Arc<Mutex<Seen>>,
}

/// The actor document of `name` on the generator instance listening on `host`.
fn actor_doc(host: &str, name: &str, keys: &[String]) -> Value {
    let actor = format!("http://{host}/users/{name}");
    let index: usize = name.trim_start_matches('u').parse().unwrap_or(0);
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": actor,
        "preferredUsername": name,
        "inbox": format!("{actor}/inbox"),
        "endpoints": {"sharedInbox": format!("http://{host}/inbox")},
        "publicKey": {"id": format!("{actor}#main-key"), "owner": actor, "publicKeyPem": keys[index % keys.len()]},
    })
}

async fn serve_actor(
    State(g): State<Gen>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> ([(&'static str, &'static str); 1], String) {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    (
        [("content-type", "application/activity+json")],
        actor_doc(host, &name, &g.keys).to_string(),
    )
}

async fn receive(State(g): State<Gen>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let port: u16 = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let kind = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_default();
    let mut seen = g.seen.lock().unwrap();
    match kind.as_str() {
        "Accept" => seen.accepts += 1,
        "Create" => {
            seen.creates.entry(port).or_insert_with(Instant::now);
        }
        "Announce" => *seen.announces.entry(port).or_default() += 1,
        _ => {}
    }
    StatusCode::ACCEPTED
}

async fn inbox_personal(g: State<Gen>, h: HeaderMap, _name: Path<String>, b: Bytes) -> StatusCode {
    receive(g, h, b).await
}

/// Starts `n` generator instances (one port each) sharing one state.
async fn generator(n: usize, keys: Vec<String>) -> anyhow::Result<(Gen, Vec<u16>)> {
    let g = Gen {
        keys: Arc::new(keys),
        seen: Default::default(),
    };
    let app = Router::new()
        .route("/users/{name}", get(serve_actor))
        .route("/users/{name}/inbox", post(inbox_personal))
        .route("/inbox", post(receive))
        .with_state(g.clone());
    let mut ports = vec![];
    for _ in 0..n {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        ports.push(listener.local_addr()?.port());
        let app = app.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    Ok((g, ports))
}

fn keys(n: usize) -> anyhow::Result<(Vec<String>, Vec<SigningKey>)> {
    let mut public = vec![];
    let mut private = vec![];
    for _ in 0..n {
        let k = generate_keys()?;
        private.push(SigningKey::from_pem("http://x/", &k.private_key_pem)?);
        public.push(k.public_key_pem);
    }
    Ok((public, private))
}

/// The signing key of actor `name` on `host`: its key pair, with its own key id.
fn key_for(private: &[SigningKey], host: &str, name: &str) -> SigningKey {
    let index: usize = name.trim_start_matches('u').parse().unwrap_or(0);
    let mut k = private[index % private.len()].clone();
    k.key_id = format!("http://{host}/users/{name}#main-key");
    k
}

struct Prepared {
    body: Vec<u8>,
    headers: HeaderMap,
}

fn prepare(inbox: &url::Url, key: &SigningKey, activity: &Value) -> Prepared {
    let body = activity.to_string().into_bytes();
    let headers = sign_post(key, inbox, &body).expect("sign");
    Prepared { body, headers }
}

/// Sends prepared requests with `concurrency` in flight; returns latencies of 202 answers.
async fn blast(
    client: &reqwest::Client,
    inbox: &url::Url,
    requests: Vec<Prepared>,
    concurrency: usize,
) -> (Vec<Duration>, usize) {
    let queue = Arc::new(Mutex::new(requests.into_iter().rev().collect::<Vec<_>>()));
    let mut tasks = vec![];
    for _ in 0..concurrency {
        let (queue, client, inbox) = (queue.clone(), client.clone(), inbox.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = vec![];
            let mut failed = 0;
            loop {
                let Some(p) = queue.lock().unwrap().pop() else {
                    break;
                };
                let t = Instant::now();
                let r = client
                    .post(inbox.clone())
                    .headers(p.headers)
                    .body(p.body)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 202 => lat.push(t.elapsed()),
                    Ok(r) => {
                        failed += 1;
                        if failed < 3 {
                            eprintln!(
                                "refused: {} {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            );
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        if failed < 3 {
                            eprintln!("error: {e}");
                        }
                    }
                }
            }
            (lat, failed)
        }));
    }
    let mut all = vec![];
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await.expect("task");
        all.extend(l);
        failed += f;
    }
    (all, failed)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn inbox_run(server: &Instance, pid: u32, args: &Args) -> anyhow::Result<()> {
    server.member("reader").await?;
    let local_actor = server.url("/users/reader");
    let (public, private) = keys(args.inbox_keys)?;
    let (_g, ports) = generator(1, public).await?;
    let host = format!("localhost:{}", ports[0]);
    let inbox = url::Url::parse(&server.url("/inbox"))?;
    let create = |i: usize, tag: &str| {
        let name = format!("u{}", i % args.inbox_actors);
        let actor = format!("http://{host}/users/{name}");
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Create",
            "id": format!("http://{host}/activities/{tag}{i}"),
            "actor": actor,
            "object": {
                "type": "Note",
                "id": format!("http://{host}/notes/{tag}{i}"),
                "attributedTo": actor,
                "content": format!("<p>Offre d'emploi n°{i} : <a href=\"https://example.org/{i}\">soudeur</a></p>"),
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [local_actor],
            }
        });
        prepare(&inbox, &key_for(&private, &host, &name), &activity)
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    // warm-up: the server fetches and caches every actor once
    let warm: Vec<Prepared> = (0..args.inbox_actors).map(|i| create(i, "warm")).collect();
    let (_, failed) = blast(&client, &inbox, warm, args.concurrency.min(16)).await;
    if failed > 0 {
        bail!("{failed} warm-up activities refused");
    }
    let requests: Vec<Prepared> = (0..args.inbox_requests).map(|i| create(i, "run")).collect();
    let (server_cpu, own_cpu) = (cpu_seconds(pid), cpu_seconds(std::process::id()));
    let server_sys = system_seconds(pid);
    let start = Instant::now();
    let (mut lat, failed) = blast(&client, &inbox, requests, args.concurrency).await;
    let elapsed = start.elapsed();
    let server_cpu = cpu_seconds(pid) - server_cpu;
    let server_sys = system_seconds(pid) - server_sys;
    let own_cpu = cpu_seconds(std::process::id()) - own_cpu;
    lat.sort();
    let (_, peak) = memory_mib(pid);
    let stored = count_remote_posts(&server.database_url)?;
    println!(
        "- inbox: {} signed Create(Note) from {} actors ({} keys), {} in flight: {:.0} accepted/s, p50 {:.1} ms, p99 {:.1} ms, {} refused; peak resident memory {:.1} MiB{}",
        lat.len(),
        args.inbox_actors,
        args.inbox_keys,
        args.concurrency,
        lat.len() as f64 / elapsed.as_secs_f64(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        failed,
        peak,
        if stored < (args.inbox_requests + args.inbox_actors) as i64 {
            " (check: not all stored!)"
        } else {
            ""
        },
    );
    println!(
        "  CPU during the run: server {:.1} s ({:.0} µs per activity, {:.0} % of it in the kernel), load generator {:.1} s, wall {:.1} s",
        server_cpu,
        server_cpu * 1e6 / lat.len().max(1) as f64,
        100.0 * server_sys / server_cpu.max(0.001),
        own_cpu,
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// Posts received from other servers, counted in the instance's database.
fn count_remote_posts(database_url: &str) -> anyhow::Result<i64> {
    use diesel::prelude::*;
    use passerelle::{config::DatabaseUrl, db::schema::posts};
    let url = match database_url.strip_prefix("sqlite://") {
        Some(p) => DatabaseUrl::Sqlite(p.into()),
        None => DatabaseUrl::Postgres(database_url.into()),
    };
    let db = passerelle::db::Db::connect(&url, 1)?;
    Ok(db.read_blocking(|c| {
        Ok(posts::table
            .filter(posts::local.eq(false))
            .count()
            .get_result(c)?)
    })?)
}

/// `instances` generator instances with `per_instance` followers each follow a new member;
/// then the member posts once.
async fn fanout_run(
    server: &Instance,
    username: &str,
    instances: usize,
    per_instance: usize,
) -> anyhow::Result<()> {
    let member = server.member(username).await?;
    let target = server.url(&format!("/users/{username}"));
    let (public, private) = keys(20)?;
    let (g, ports) = generator(instances, public).await?;
    let inbox = url::Url::parse(&server.url(&format!("/users/{username}/inbox")))?;
    let mut follows = vec![];
    for port in &ports {
        let host = format!("localhost:{port}");
        for i in 0..per_instance {
            let name = format!("u{i}");
            let actor = format!("http://{host}/users/{name}");
            let follow = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "type": "Follow", "id": format!("{actor}/follows/1"), "actor": actor, "object": target,
            });
            follows.push(prepare(&inbox, &key_for(&private, &host, &name), &follow));
        }
    }
    let total = follows.len();
    let client = reqwest::Client::new();
    let setup = Instant::now();
    let (_, failed) = blast(&client, &inbox, follows, 32).await;
    if failed > 0 {
        bail!("{failed} follows refused");
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    while g.seen.lock().unwrap().accepts < total {
        if Instant::now() > deadline {
            bail!("accepts not all delivered");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let setup = setup.elapsed();
    let start = Instant::now();
    member
        .write("Nouvelle offre : soudeur·se à Lyon", "public")
        .await?;
    let written = start.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = {
            let seen = g.seen.lock().unwrap();
            (seen.creates.len() == instances).then(|| {
                let mut t: Vec<f64> = seen
                    .creates
                    .values()
                    .map(|i| (*i - start).as_secs_f64() * 1000.0)
                    .collect();
                t.sort_by(f64::total_cmp);
                if std::env::var("BENCH_ARRIVALS").is_ok() {
                    let at = |p: f64| t[((t.len() - 1) as f64 * p) as usize];
                    eprintln!(
                        "  arrivals (ms): first {:.0}, p10 {:.0}, p50 {:.0}, p90 {:.0}",
                        at(0.0),
                        at(0.1),
                        at(0.5),
                        at(0.9)
                    );
                }
                seen.creates.values().max().copied().unwrap_or(start)
            })
        };
        if let Some(last) = done {
            println!(
                "- fan-out: {total} followers on {instances} instances ({} deliveries{}): last instance had the post after {:.0} ms, the API answered after {:.0} ms (setup: {total} follows accepted in {:.1} s)",
                instances,
                if per_instance > 1 {
                    ", shared inboxes"
                } else {
                    ""
                },
                (last - start).as_secs_f64() * 1000.0,
                written.as_secs_f64() * 1000.0,
                setup.as_secs_f64(),
            );
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the post did not reach every instance");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Remote members of an open community (on one generator instance, the senders) post threads
/// to it; the other generator instances have one member each. Every instance receives the
/// announces.
async fn community_run(server: &Instance, pid: u32, args: &Args) -> anyhow::Result<()> {
    let owner = server.member("animatrice").await?;
    let (status, v) = owner
        .post(
            "/api/v1/communities",
            json!({"handle": "bench", "name": "Banc d'essai", "access": "open"}),
        )
        .await?;
    if status != 201 {
        bail!("community not created: {v}");
    }
    let group = server.url("/c/bench");
    let inbox = url::Url::parse(&server.url("/c/bench/inbox"))?;
    let (public, private) = keys(args.inbox_keys)?;
    let instances = args.community_instances.max(1);
    let (g, ports) = generator(instances, public).await?;
    let senders = format!("localhost:{}", ports[0]);
    // everybody joins: the senders, and one member on each of the two other instances
    let mut joins = vec![];
    let mut members: Vec<(String, usize)> = (0..args.inbox_actors)
        .map(|i| (senders.clone(), i))
        .collect();
    for port in &ports[1..] {
        members.push((format!("localhost:{port}"), 0));
    }
    for (host, i) in &members {
        let name = format!("u{i}");
        let actor = format!("http://{host}/users/{name}");
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Follow", "id": format!("{actor}/follows/bench"), "actor": actor, "object": group,
        });
        joins.push(prepare(&inbox, &key_for(&private, host, &name), &follow));
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let total = joins.len();
    let (_, failed) = blast(&client, &inbox, joins, 16).await;
    if failed > 0 {
        bail!("{failed} joins refused");
    }
    let joined = Instant::now();
    let deadline = joined + Duration::from_secs(300);
    while g.seen.lock().unwrap().accepts < total {
        if Instant::now() > deadline {
            bail!("the community did not accept every member");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let thread = |i: usize| {
        let name = format!("u{}", i % args.inbox_actors);
        let actor = format!("http://{senders}/users/{name}");
        let page = format!("http://{senders}/pages/{i}");
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Create",
            "id": format!("{page}#create"),
            "actor": actor,
            "to": [group, "https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "type": "Page",
                "id": page,
                "attributedTo": actor,
                "name": format!("Question n°{i} : préparer un entretien"),
                "content": format!("<p>Comment vous préparez-vous ? Message n°{i}.</p>"),
                "mediaType": "text/html",
                "audience": group,
                "to": [group, "https://www.w3.org/ns/activitystreams#Public"],
            }
        });
        prepare(&inbox, &key_for(&private, &senders, &name), &activity)
    };
    println!(
        "  joins: {total} members accepted in {:.1} s",
        joined.elapsed().as_secs_f64()
    );
    let requests: Vec<Prepared> = (0..args.community_posts).map(thread).collect();
    let server_cpu = cpu_seconds(pid);
    let start = Instant::now();
    if std::env::var("BENCH_PROGRESS").is_ok() {
        // once a second: the server's CPU and the announces each instance has received
        let (g, ports) = (g.clone(), ports.clone());
        tokio::spawn(async move {
            let mut cpu = cpu_seconds(pid);
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let now = cpu_seconds(pid);
                let got: Vec<usize> = {
                    let seen = g.seen.lock().unwrap();
                    ports
                        .iter()
                        .map(|p| seen.announces.get(p).copied().unwrap_or(0))
                        .collect()
                };
                eprintln!(
                    "  {:5.1} s: server {:.2} cores, announces received {got:?}",
                    start.elapsed().as_secs_f64(),
                    now - cpu
                );
                cpu = now;
            }
        });
    }
    let (mut lat, failed) = blast(&client, &inbox, requests, args.concurrency).await;
    let elapsed = start.elapsed();
    let server_cpu = cpu_seconds(pid) - server_cpu;
    lat.sort();
    let (_, peak) = memory_mib(pid);
    println!(
        "- community ingestion: {} signed Create(Page) threads from {} members, announced to {} instances, {} in flight: {:.0} accepted/s, p50 {:.1} ms, p99 {:.1} ms, {} refused; server CPU {:.0} µs per post; peak resident memory {:.1} MiB",
        lat.len(),
        args.inbox_actors,
        ports.len(),
        args.concurrency,
        lat.len() as f64 / elapsed.as_secs_f64(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        failed,
        server_cpu * 1e6 / lat.len().max(1) as f64,
        peak,
    );
    // every thread is announced to every instance with members
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let got: Vec<usize> = {
            let seen = g.seen.lock().unwrap();
            ports
                .iter()
                .map(|p| seen.announces.get(p).copied().unwrap_or(0))
                .collect()
        };
        if got.iter().all(|n| *n >= lat.len()) {
            println!(
                "  announces: all {} threads reached the {} following instances {:.1} s after the first was sent (peak resident memory {:.1} MiB)",
                lat.len(),
                ports.len(),
                start.elapsed().as_secs_f64(),
                memory_mib(pid).1
            );
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("announces missing: {got:?} of {}", lat.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
