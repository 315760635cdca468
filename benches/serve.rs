//! Load benchmark of `serve` (a bench binary: `cargo bench --bench serve`): signed slash
//! commands at 1, 8 and 32 connections against three servers on this machine, in one run:
//! - floor 1: an axum handler that only verifies the Slack signature;
//! - floor 2: the same, then commits one row to a SQLite file in WAL mode: with
//!   synchronous=FULL (synced to disk before the answer, as the bot does) and with
//!   synchronous=NORMAL (sqlx's WAL default: a power cut may lose the last answered rows);
//! - the bot: `serve` with Slack configured, on a SQLite file store, posting through its outbox
//!   to a local Slack stand-in.
//!
//! Each connection works in its own channel through a realistic mix (open, status, step done,
//! update). Reported: throughput, and acknowledgement latency p50/p99. Then the resident memory
//! of the real binary (`incident-bot serve`) idle after start-up.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use incident_bot::chat::slack::signature::{self, SigningSecret};
use incident_bot::clock::SystemClock;
use incident_bot::serve::{self, ServeSettings};
use incident_bot::startup::Settings;
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const RUNBOOK: &str =
    include_str!("../tests/fixtures/runbooks/shared-disaster-recovery-runbook.md");
/// One incident's worth of commands, cycled by each connection.
const MIX: &[&str] = &[
    "open critical db-loss Primary cluster unreachable",
    "status",
    "step done",
    "update Restore running, 40% done",
    "status",
    "step done",
    "status",
    "update Restore at 80%",
    "step done",
    "status",
];
const REQUESTS_PER_CONNECTION: usize = 300;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let dir = std::env::temp_dir().join(format!("incident-bot-serve-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let slack = slack_stand_in().await;
    let floor_1 = spawn(verify_only_router()).await;
    let floor_2 = spawn(verify_and_commit_router(&dir, SqliteSynchronous::Full).await).await;
    let floor_2_normal =
        spawn(verify_and_commit_router(&dir, SqliteSynchronous::Normal).await).await;
    let bot = start_bot(&dir, slack).await;
    println!("connections  server                         requests/s   p50 ms   p99 ms");
    for connections in [1, 8, 32] {
        for (name, addr) in [
            ("floor 1: verify signature", floor_1),
            ("floor 2: + SQLite row (FULL)", floor_2),
            ("floor 2: + SQLite row (NORMAL)", floor_2_normal),
            ("incident-bot serve", bot.addr),
        ] {
            let run = load(addr, connections, &format!("{name}-{connections}")).await;
            println!(
                "{connections:>11}  {name:<30} {:>10.0}   {:>6.2}   {:>6.2}",
                run.per_second, run.p50_ms, run.p99_ms
            );
        }
    }
    bot.stop().await;
    println!(
        "idle resident memory of `incident-bot serve`: {:.1} MB",
        idle_memory_mb(&dir, slack)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// `connections` clients, each on its own keep-alive connection and channel.
async fn load(addr: SocketAddr, connections: usize, label: &str) -> Run {
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|n| {
            let channel = format!("C{label}-{n}").replace([' ', ':', '+'], "");
            tokio::spawn(client(addr, channel))
        })
        .collect();
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await.expect("client"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Run {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50).as_secs_f64() * 1e3,
        p99_ms: at(0.99).as_secs_f64() * 1e3,
    }
}

async fn client(addr: SocketAddr, channel: String) -> Vec<Duration> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let secret = SigningSecret::new(SECRET);
    let mut latencies = Vec::with_capacity(REQUESTS_PER_CONNECTION);
    for (n, text) in MIX.iter().cycle().take(REQUESTS_PER_CONNECTION).enumerate() {
        let body = serde_urlencoded::to_string([
            ("team_id", "TBENCH"),
            ("channel_id", channel.as_str()),
            ("user_id", "UBENCH"),
            ("user_name", "bench"),
            ("command", "/incident"),
            ("text", text),
            ("trigger_id", &format!("{channel}.{n}")),
        ])
        .expect("form");
        let ts = chrono::Utc::now().timestamp().to_string();
        let signature = secret.sign(&ts, body.as_bytes());
        let started = Instant::now();
        let response = http
            .post(format!("http://{addr}/slack/commands"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(signature::TIMESTAMP_HEADER, ts)
            .header(signature::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let answer = response.text().await.expect("answer");
        latencies.push(started.elapsed());
        assert!(
            status.is_success() && !answer.contains("could not save"),
            "{text}: {status} {answer}"
        );
    }
    latencies
}

async fn spawn(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn verified(headers: &HeaderMap, body: &[u8]) -> bool {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    signature::verify(
        &SigningSecret::new(SECRET),
        text(signature::TIMESTAMP_HEADER),
        text(signature::SIGNATURE_HEADER),
        body,
        chrono::Utc::now().timestamp(),
    )
    .is_ok()
}

fn verify_only_router() -> Router {
    Router::new().route(
        "/slack/commands",
        post(|headers: HeaderMap, body: Bytes| async move {
            match verified(&headers, &body) {
                true => StatusCode::OK,
                false => StatusCode::UNAUTHORIZED,
            }
        }),
    )
}

async fn verify_and_commit_router(dir: &std::path::Path, synchronous: SqliteSynchronous) -> Router {
    let options = SqliteConnectOptions::new()
        .filename(dir.join(format!("floor-{synchronous:?}.db")))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("floor database");
    sqlx::query("CREATE TABLE commands (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("floor table");
    Router::new()
        .route(
            "/slack/commands",
            post(
                |State(pool): State<sqlx::SqlitePool>, headers: HeaderMap, body: Bytes| async move {
                    if !verified(&headers, &body) {
                        return StatusCode::UNAUTHORIZED;
                    }
                    let text = String::from_utf8_lossy(&body).into_owned();
                    match sqlx::query("INSERT INTO commands (body) VALUES (?)")
                        .bind(text)
                        .execute(&pool)
                        .await
                    {
                        Ok(_) => StatusCode::OK,
                        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
                    }
                },
            ),
        )
        .with_state(pool)
}

/// A Slack Web API that accepts every post at once (the outbox's traffic during the load).
async fn slack_stand_in() -> SocketAddr {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(1));
    let answer = move |Json(body): Json<serde_json::Value>| {
        let counter = counter.clone();
        async move {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let ts = format!("1795575840.{n:06}");
            Json(json!({ "ok": true, "channel": body["channel"], "ts": ts,
                         "message": { "type": "message", "text": "", "ts": ts } }))
        }
    };
    spawn(
        Router::new()
            .route("/api/chat.postMessage", post(answer.clone()))
            .route("/api/chat.update", post(answer)),
    )
    .await
}

fn bot_settings(dir: &std::path::Path, slack: SocketAddr, addr: &str) -> Vec<(String, String)> {
    let runbook = dir.join("runbook.md");
    std::fs::write(&runbook, RUNBOOK).expect("runbook");
    [
        ("INCIDENT_BOT_ADDR", addr.to_string()),
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_BOT_TOKEN", "xoxb-bench".to_string()),
        ("SLACK_API_URL", format!("http://{slack}/api")),
        ("RUNBOOK", runbook.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn start_bot(dir: &std::path::Path, slack: SocketAddr) -> serve::Running {
    let vars = bot_settings(dir, slack, "127.0.0.1:0");
    let lookup = |name: &str| {
        vars.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let startup = Settings::from_command_line(
        lookup("RUNBOOK").map(Into::into),
        format!("sqlite://{}", dir.join("bot.db").display()).into(),
    );
    let settings = ServeSettings::from_lookup(startup, lookup).expect("settings");
    serve::start(&settings, Arc::new(SystemClock))
        .await
        .expect("serve")
}

/// Starts the real binary, waits until it answers /healthz, reads its resident memory.
fn idle_memory_mb(dir: &std::path::Path, slack: SocketAddr) -> f64 {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port");
    let addr = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .arg("serve")
        .envs(bot_settings(dir, slack, &addr))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("idle.db").display()),
        )
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("incident-bot serve");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
