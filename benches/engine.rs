//! Engine benchmark (a bench binary: `cargo bench --bench engine`). Measures, on a SQLite file
//! store in a temporary directory:
//! - start-up: opening the store (migrations included) and loading the runbook;
//! - command throughput through the engine for a realistic mix (open, step done, update, status),
//!   from one client and from eight at once;
//! - scheduler ticks with 10,000 open incidents: with nothing due, finding the due timers, and
//!   firing 500 due timers (updates and nudges committed with their posts) per tick;
//! - the resident memory of the process at the end;
//! - a restart with 10,000 open incidents.

use std::sync::Arc;
use std::time::{Duration, Instant};

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::engine::{Engine, EngineConfig, Invocation};
use incident_bot::incident::{ChannelKey, Person};
use incident_bot::platform::Platform;
use incident_bot::runbook::{self, Runbook};
use incident_bot::store::Store;

const SHARED_RUNBOOK: &str =
    include_str!("../tests/fixtures/runbooks/shared-disaster-recovery-runbook.md");

/// One incident's worth of commands: 10 commands, in the proportions of a real incident.
const MIX: &[&str] = &[
    "/incident open critical db-loss Primary cluster unreachable",
    "/incident status",
    "/incident step done",
    "/incident update Restore running, 40% done",
    "/incident status",
    "/incident step done",
    "/incident status",
    "/incident update Restore at 80%",
    "/incident step done",
    "/incident status",
];

fn channel(n: usize) -> ChannelKey {
    ChannelKey {
        platform: Platform::Console,
        workspace: "local".into(),
        channel: format!("incidents-{n}"),
    }
}

async fn start_engine(url: &str, runbook: Arc<Runbook>, clock: &SimulatedClock) -> Engine {
    let store = Store::connect(url).await.expect("open the store");
    let config = EngineConfig::defaults_for(&runbook);
    Engine::start(store, runbook, Arc::new(clock.clone()), config)
        .await
        .expect("start the engine")
}

/// Time spent per command of the mix (by its position), for the per-command report.
type Spent = [Duration; MIX.len()];

/// Runs the mix for incidents `first..first + count`, each in its own channel.
async fn run_mix(engine: &Engine, first: usize, count: usize) -> (usize, Spent) {
    let mut commands = 0;
    let mut spent = [Duration::ZERO; MIX.len()];
    for n in first..first + count {
        let who = Invocation {
            channel: channel(n),
            person: Person {
                id: "U1".into(),
                name: "alice".into(),
            },
            roles: Vec::new(),
        };
        for (position, line) in MIX.iter().enumerate() {
            let started = Instant::now();
            let command = commands::parse_line(line).expect("valid command");
            let reply = engine.handle(&who, command).await.expect("handled");
            spent[position] += started.elapsed();
            assert!(
                reply
                    .message
                    .as_ref()
                    .is_none_or(|m| m.kind != incident_bot::notify::MessageKind::Error),
                "{line}: {reply:?}"
            );
            commands += 1;
        }
    }
    (commands, spent)
}

fn resident_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let dir = std::env::temp_dir().join(format!("incident-bot-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let clock = SimulatedClock::starting_at(chrono::Utc::now());

    // Start-up: best of five fresh stores.
    let mut startup = Duration::MAX;
    for attempt in 0..5 {
        let url = format!(
            "sqlite://{}",
            dir.join(format!("startup-{attempt}.db")).display()
        );
        let started = Instant::now();
        let runbook = Arc::new(runbook::parse(SHARED_RUNBOOK));
        let engine = start_engine(&url, runbook, &clock).await;
        startup = startup.min(started.elapsed());
        engine.store().close().await;
    }
    println!(
        "start-up (open a new SQLite store with migrations + parse the runbook): {:.1} ms",
        startup.as_secs_f64() * 1e3
    );

    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let runbook = Arc::new(runbook::parse(SHARED_RUNBOOK));
    let engine = Arc::new(start_engine(&url, runbook, &clock).await);

    // Warm-up, then one client.
    let _ = run_mix(&engine, 0, 100).await;
    let started = Instant::now();
    let (commands, spent) = run_mix(&engine, 100, 1_000).await;
    let elapsed = started.elapsed();
    println!(
        "commands, 1 client:  {commands} in {:.2} s = {:.0} commands/s ({:.0} µs each)",
        elapsed.as_secs_f64(),
        commands as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / commands as f64
    );
    for (line, time) in MIX.iter().zip(spent).take(4) {
        let verb = line
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        println!(
            "  {verb:<32} {:>6.0} µs mean",
            time.as_secs_f64() * 1e6 / 1_000.0
        );
    }

    // Several clients at once, each in its own channels.
    for (round, clients) in [8usize, 32].into_iter().enumerate() {
        let incidents_each = 2_000 / clients;
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|client| {
                let engine = engine.clone();
                let first = 10_000 + round * 100_000 + client * 1_000;
                tokio::spawn(async move { run_mix(&engine, first, incidents_each).await.0 })
            })
            .collect();
        let mut commands = 0;
        for task in tasks {
            commands += task.await.expect("client task");
        }
        let elapsed = started.elapsed();
        println!(
            "commands, {clients} clients: {commands} in {:.2} s = {:.0} commands/s",
            elapsed.as_secs_f64(),
            commands as f64 / elapsed.as_secs_f64()
        );
    }

    // The scheduler with 10,000 open incidents: fill up to 10,000, then time ticks.
    let open = engine
        .store()
        .all_open_incidents()
        .await
        .expect("open incidents")
        .len();
    let started = Instant::now();
    for n in open..10_000 {
        let who = Invocation {
            channel: channel(1_000_000 + n),
            person: Person {
                id: "U1".into(),
                name: "alice".into(),
            },
            roles: Vec::new(),
        };
        let open = commands::parse_line("/incident open high app-server").expect("valid");
        engine.handle(&who, open).await.expect("opened");
    }
    let open = engine
        .store()
        .all_open_incidents()
        .await
        .expect("open incidents")
        .len();
    println!(
        "opened incidents up to {open} open in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut quiet = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let report = engine.run_due_timers().await.expect("tick");
        assert_eq!(report.due, 0);
        quiet.push(started.elapsed());
    }
    quiet.sort();
    println!(
        "scheduler tick with {open} open incidents, nothing due: median {:.2} ms, max {:.2} ms",
        quiet[quiet.len() / 2].as_secs_f64() * 1e3,
        quiet[quiet.len() - 1].as_secs_f64() * 1e3
    );
    let due_query: Vec<Duration> = {
        let mut times = Vec::new();
        let later = clock.now_millis() + 16 * 60_000;
        for _ in 0..50 {
            let started = Instant::now();
            let due = engine
                .store()
                .due_timers(later, 500)
                .await
                .expect("due timers");
            assert_eq!(due.len(), 500);
            times.push(started.elapsed());
        }
        times.sort();
        times
    };
    println!(
        "finding 500 due timers among {open} incidents' timers: median {:.2} ms",
        due_query[due_query.len() / 2].as_secs_f64() * 1e3
    );
    // Handling due timers: 16 minutes on, every incident has its first update (+15) due, and
    // a nudge for each step past its budget. Ten full ticks, each finding up to 500 due timers
    // and firing them (events, posts and the next timers committed).
    clock.advance(chrono::Duration::minutes(16));
    let mut firing = Vec::new();
    let mut fired = 0;
    for _ in 0..10 {
        let started = Instant::now();
        let report = engine.run_due_timers().await.expect("tick");
        assert_eq!(report.due, 500, "a full tick");
        firing.push(started.elapsed());
        fired += report.due;
    }
    let spent: Duration = firing.iter().sum();
    firing.sort();
    println!(
        "scheduler ticks firing 500 due timers each: median {:.1} ms, max {:.1} ms ({fired} \
         timers, {:.0} µs each)",
        firing[firing.len() / 2].as_secs_f64() * 1e3,
        firing[firing.len() - 1].as_secs_f64() * 1e3,
        spent.as_secs_f64() * 1e6 / fired as f64
    );
    let (rss, peak) = resident_mb();
    println!("resident memory: {rss:.1} MB now, {peak:.1} MB peak");

    // A restart with every one of those incidents open: the store, the runbook and the index
    // of open incidents the engine keeps in memory.
    engine.store().close().await;
    drop(engine);
    let started = Instant::now();
    let runbook = Arc::new(runbook::parse(SHARED_RUNBOOK));
    let store = Store::connect(&url).await.expect("reopen the store");
    let opened = started.elapsed();
    let config = EngineConfig::defaults_for(&runbook);
    let engine = Engine::start(store, runbook, Arc::new(clock.clone()), config)
        .await
        .expect("restart the engine");
    println!(
        "restart with {open} open incidents: {:.1} ms (store and runbook {:.1} ms, then the \
         open-incident index)",
        started.elapsed().as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3
    );
    engine.store().close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
