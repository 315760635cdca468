//! `serve` with Slack configured, end to end: the real app on 127.0.0.1:0, a SQLite file, the
//! scheduler and the outbox, against the Slack stand-in, driven by signed requests: open →
//! checklist → button clicks → updates at the configured interval → resolve → post-mortem, and a
//! restart in the middle.

use std::sync::Arc;
use std::time::Duration;

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::platform::Platform;
use incident_bot::serve::{self, ServeSettings};
use incident_bot::store::{Store, UnixMillis};

use crate::log_capture::Log;
use crate::slack_requests::{button_payload, command_body, form, post_signed, SECRET};
use crate::slack_standin::{Answer, Call, SlackStandIn, BOT_TOKEN};
use crate::test_db::unique_suffix;

struct Bot {
    running: Option<serve::Running>,
    url: String,
    clock: SimulatedClock,
    http: reqwest::Client,
    settings: ServeSettings,
}

/// `serve`'s settings against the Slack stand-in, with a SQLite file in `dir` and `extra`
/// environment variables (`SLACK_APP_TOKEN`…).
pub fn settings(
    slack: &SlackStandIn,
    dir: &std::path::Path,
    extra: &[(&str, String)],
) -> ServeSettings {
    let mut vars = vec![
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("SLACK_API_URL", slack.api_url()),
    ];
    vars.extend_from_slice(extra);
    crate::serve_settings::settings(dir, &vars)
}

impl Bot {
    async fn start(settings: ServeSettings, clock: SimulatedClock) -> Bot {
        let running = serve::start(&settings, Arc::new(clock.clone()))
            .await
            .unwrap();
        Bot {
            url: format!("http://{}", running.addr),
            running: Some(running),
            clock,
            http: reqwest::Client::new(),
            settings,
        }
    }

    async fn restart(mut self) -> Bot {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        Bot::start(self.settings.clone(), self.clock.clone()).await
    }

    async fn command(&self, command: &str, text: &str) -> (u16, String) {
        let url = format!("{}/slack/commands", self.url);
        post_signed(&self.http, &url, command_body(command, text), self.now()).await
    }

    async fn click(&self, payload: serde_json::Value) -> (u16, String) {
        let url = format!("{}/slack/interactions", self.url);
        let body = form(&[("payload", &payload.to_string())]);
        post_signed(&self.http, &url, body, self.now()).await
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }
}

/// Waits (real time, up to 10 s) until the stand-in has `count` successful calls to `method`.
/// The clock stands still meanwhile: a test moves it to the time something is due, then waits
/// for the effect.
pub async fn calls(slack: &SlackStandIn, method: &str, count: usize) -> Vec<Call> {
    for _ in 0..500 {
        let calls: Vec<Call> = slack
            .calls_to(method)
            .into_iter()
            .filter(|call| call.error.is_none())
            .collect();
        if calls.len() >= count {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "expected {count} successful {method} calls, got: {:#?}",
        slack.calls()
    );
}

/// Waits (as [`calls`]) for the message posted with `needle` in its text; returns the posts
/// up to it.
async fn posted(slack: &SlackStandIn, needle: &str) -> Vec<Call> {
    for count in 1..=50 {
        let posts = calls(slack, "chat.postMessage", count).await;
        if let Some(at) = posts.iter().position(|post| text_of(post).contains(needle)) {
            return posts[..=at].to_vec();
        }
    }
    panic!("nothing posted with {needle:?}: {:#?}", slack.calls());
}

pub fn text_of(call: &Call) -> String {
    call.body.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_incident_in_slack_with_a_restart_in_the_middle() {
    let dir = std::env::temp_dir().join(format!("incident-bot-serve-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let bot = Bot::start(settings(&slack, &dir, &[]), clock.clone()).await;

    let health = reqwest::get(format!("{}/readyz", bot.url)).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);

    // Open: acknowledged at once; the INCIDENT notification in the channel, the checklist in
    // its thread.
    let (status, body) = bot
        .command(
            "/incident",
            "open critical db-loss Primary down <!channel> *now*",
        )
        .await;
    assert_eq!((status, body.as_str()), (200, ""));
    let posts = calls(&slack, "chat.postMessage", 2).await;
    let root = posts[0].ts.clone().unwrap();
    assert!(text_of(&posts[0]).contains("INCIDENT"), "{:?}", posts[0]);
    assert!(
        text_of(&posts[0]).contains("&lt;!channel&gt;"),
        "user text must not ping: {:?}",
        posts[0]
    );
    assert_eq!(posts[0].thread_ts, None);
    assert_eq!(posts[1].thread_ts.as_deref(), Some(root.as_str()));
    let checklist = posts[1].ts.clone().unwrap();

    // Done on the checklist: the same message is edited in place.
    let (status, _) = bot
        .click(button_payload(
            "step_done",
            "INC-1:0",
            &checklist,
            &slack.response_url(),
        ))
        .await;
    assert_eq!(status, 200);
    let updates = calls(&slack, "chat.update", 1).await;
    assert_eq!(updates[0].body["ts"], checklist.as_str());
    assert!(
        text_of(&updates[0]).contains("Step 2 of 11") && text_of(&updates[0]).contains("1/11"),
        "{:?}",
        updates[0]
    );

    // A double click a second later is told to the clicker only.
    clock.advance(chrono::Duration::seconds(1));
    bot.click(button_payload(
        "step_done",
        "INC-1:0",
        &checklist,
        &slack.response_url(),
    ))
    .await;
    let told = calls(&slack, "response_url", 1).await;
    assert!(text_of(&told[0]).contains("already confirmed"), "{told:?}");

    // Skip asks for a reason in a modal.
    bot.click(button_payload(
        "step_skip",
        "INC-1:1",
        &checklist,
        &slack.response_url(),
    ))
    .await;
    let modal = calls(&slack, "views.open", 1).await;
    assert_eq!(modal[0].body["view"]["type"], "modal");

    // Slack answers 500 for a while; the bot is restarted meanwhile: nothing is lost.
    slack.script(
        "chat.postMessage",
        [Answer::Status(500), Answer::RateLimited(Some(0))],
    );
    bot.command(
        "/incident",
        "update Restore started from the 02:55 snapshot",
    )
    .await;
    let bot = bot.restart().await;
    until_waiting_for_retry(&slack, &dir, "Restore started").await;

    // 15 minutes later (the note's retry long due): updates at the configured interval.
    // The note first, then (with the RTO warning at 50% of 30 minutes and the nudge of the
    // 2-minute step 2) the first automatic update; all in the incident's thread.
    clock.advance(chrono::Duration::minutes(15));
    let posts = posted(&slack, "Update #1").await;
    let note = posts
        .iter()
        .position(|post| text_of(post).contains("Restore started"));
    assert_eq!(note, Some(2), "{posts:#?}");
    assert!(posts[2..]
        .iter()
        .all(|post| post.thread_ts.as_deref() == Some(root.as_str())));

    // Resolve, then the post-mortem as a file in the thread.
    bot.command("/incident", "resolve bad migration").await;
    posted(&slack, "RESOLVED").await;
    let (status, body) = bot.command("/postmortem", "INC-1").await;
    assert_eq!(status, 200);
    assert!(body.contains("being posted"), "{body}");
    calls(&slack, "files.completeUploadExternal", 1).await;
    let files = slack.files();
    assert_eq!(files[0].filename, "INC-1-postmortem.md");
    assert!(files[0].content.starts_with("# Post-mortem: INC-1"));
    assert_eq!(files[0].thread_ts.as_deref(), Some(root.as_str()));

    // Each post went out once: nothing doubled by the restart or the retries.
    let mut sent: Vec<String> = slack
        .calls_to("chat.postMessage")
        .iter()
        .filter(|call| call.error.is_none())
        .map(text_of)
        .collect();
    let total = sent.len();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), total, "a post was sent twice");
    if let Some(running) = bot.running {
        running.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `incident-bot serve` as a process, on a free port of 127.0.0.1.
struct Process {
    child: std::process::Child,
    url: String,
}

impl Process {
    async fn start(slack: &SlackStandIn, dir: &std::path::Path) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_incident-bot"))
            .arg("serve")
            .env("INCIDENT_BOT_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("bot.db").display()),
            )
            .env(
                "RUNBOOK",
                crate::fixtures::path("runbooks/shared-disaster-recovery-runbook.md"),
            )
            .env("SLACK_SIGNING_SECRET", SECRET)
            .env("SLACK_BOT_TOKEN", BOT_TOKEN)
            .env("SLACK_API_URL", slack.api_url())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..500 {
            if let Ok(ready) = reqwest::get(format!("{url}/readyz")).await {
                if ready.status().is_success() {
                    return Process { child, url };
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!("incident-bot serve did not become ready");
    }

    async fn command(&self, text: &str) -> u16 {
        let url = format!("{}/slack/commands", self.url);
        let now = chrono::Utc::now().timestamp();
        let body = command_body("/incident", text);
        post_signed(&reqwest::Client::new(), &url, body, now)
            .await
            .0
    }

    /// SIGKILL: no shutdown, no flushing, as a crash or an OOM kill.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Waits (real time, up to 10 s) until `predicate` holds for the successful posts.
async fn until_posts(slack: &SlackStandIn, predicate: impl Fn(&[String]) -> bool) -> Vec<String> {
    for _ in 0..500 {
        let posts: Vec<String> = slack
            .calls_to("chat.postMessage")
            .iter()
            .filter(|call| call.error.is_none())
            .map(text_of)
            .collect();
        if predicate(&posts) {
            return posts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the posts never matched: {:#?}", slack.calls());
}

/// Waits (real time, up to 10 s) until Slack has refused the post with `needle` and the bot has
/// recorded the failed attempt in its database in `dir`: the post is waiting for its retry.
async fn until_waiting_for_retry(slack: &SlackStandIn, dir: &std::path::Path, needle: &str) {
    let url = format!("sqlite://{}", dir.join("bot.db").display());
    let store = Store::connect_read_only(&url).await.unwrap();
    for _ in 0..500 {
        let refused = slack
            .calls_to("chat.postMessage")
            .iter()
            .any(|call| call.error.is_some() && text_of(call).contains(needle));
        let recorded = store
            .due_outbox_heads(Platform::Slack, UnixMillis::new(i64::MAX), 100)
            .await
            .unwrap()
            .iter()
            .any(|post| post.attempts > 0 && post.body.contains(needle));
        if refused && recorded {
            store.close().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the post with {needle:?} was never refused and waiting for its retry: {:#?}",
        slack.calls()
    );
}

/// A click whose `response_url` is not Slack's (nor the configured API's) is recorded, but
/// what the clicker would be told goes nowhere: a log line says so, by host only.
// Single-threaded, so that the log capture sees the follow-up task.
#[tokio::test]
async fn a_response_url_that_is_not_slacks_is_refused_and_never_posted_to() {
    let dir = std::env::temp_dir().join(format!("incident-bot-hooks-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let foreign = format!(
        "http://{}/actions/T0TEAM/1/s3cret-hook",
        elsewhere.local_addr().unwrap()
    );
    let log = Log::default();
    let _capturing = log.capture();
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let bot = Bot::start(settings(&slack, &dir, &[]), clock.clone()).await;
    bot.command("/incident", "open critical db-loss").await;
    let checklist = calls(&slack, "chat.postMessage", 2).await[1]
        .ts
        .clone()
        .unwrap();
    bot.click(button_payload("step_done", "INC-1:0", &checklist, &foreign))
        .await;
    calls(&slack, "chat.update", 1).await;

    // The same click again is refused; the clicker would be told through the foreign URL.
    clock.advance(chrono::Duration::seconds(1));
    let (status, _) = bot
        .click(button_payload("step_done", "INC-1:0", &checklist, &foreign))
        .await;
    assert_eq!(status, 200);
    let mut lines = String::new();
    for _ in 0..250 {
        lines = log.text();
        if lines.contains("could not answer a click in Slack") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        lines.contains("could not answer a click in Slack")
            && lines.contains("the response_url is on http://127.0.0.1, not Slack's"),
        "{lines}"
    );
    assert!(!lines.contains("s3cret-hook"), "{lines}");
    assert!(
        matches!(elsewhere.accept(), Err(error) if error.kind() == std::io::ErrorKind::WouldBlock),
        "the bot connected to the foreign response_url"
    );
    assert!(slack.calls_to("response_url").is_empty());

    // Slack's stand-in (the configured API's host) is answered as before.
    bot.click(button_payload(
        "step_done",
        "INC-1:0",
        &checklist,
        &slack.response_url(),
    ))
    .await;
    let told = calls(&slack, "response_url", 1).await;
    assert!(text_of(&told[0]).contains("already confirmed"), "{told:?}");
    if let Some(running) = bot.running {
        running.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_incident_the_bot_loses_nothing_and_doubles_nothing() {
    let dir = std::env::temp_dir().join(format!("incident-bot-kill-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let bot = Process::start(&slack, &dir).await;
    assert_eq!(bot.command("open critical db-loss Primary down").await, 200);
    until_posts(&slack, |posts| posts.len() == 2).await;

    // Slack fails the next post; the bot acknowledged the update (it is committed), then dies.
    slack.script(
        "chat.postMessage",
        [Answer::Status(500), Answer::Status(500)],
    );
    assert_eq!(
        bot.command("update Failover to the replica started").await,
        200
    );
    // Killed mid-retry: once Slack has refused the post and the bot has recorded that attempt.
    until_waiting_for_retry(&slack, &dir, "Failover to the replica started").await;
    bot.kill();

    let bot = Process::start(&slack, &dir).await;
    let posts = until_posts(&slack, |posts| {
        posts
            .iter()
            .any(|post| post.contains("Failover to the replica started"))
    })
    .await;
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert_eq!(bot.command("status").await, 200);
    bot.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Slack refuses the INCIDENT notification for good (`msg_too_long`): after 5 attempts it is a
/// dead letter, `/readyz` counts it and stays ready, and the checklist behind it goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_slack_refuses_for_good_is_counted_on_readyz_and_its_channel_goes_on() {
    let dir = std::env::temp_dir().join(format!("incident-bot-dead-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let bot = Bot::start(settings(&slack, &dir, &[]), clock.clone()).await;
    let readyz = || async {
        let answer = reqwest::get(format!("{}/readyz", bot.url)).await.unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    };
    assert_eq!(
        readyz().await,
        (200, "ready\noutbox dead letters: 0\n".into())
    );
    slack.script(
        "chat.postMessage",
        (0..5).map(|_| Answer::error("msg_too_long")),
    );

    assert_eq!(
        bot.command("/incident", "open critical db-loss").await.0,
        200
    );
    // The backoff (1 + 2 + 4 + 8 s) in virtual time, a second every 20 ms.
    let mut ready = readyz().await;
    for _ in 0..500 {
        if ready.1.contains("dead letters: 1") {
            break;
        }
        clock.advance(chrono::Duration::seconds(1));
        tokio::time::sleep(Duration::from_millis(20)).await;
        ready = readyz().await;
    }
    assert_eq!(
        ready,
        (
            200,
            "ready\noutbox dead letters: 1 (posts given up; `incident-bot outbox` lists them)\n"
                .into()
        )
    );
    let refused: Vec<Call> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.error.is_some())
        .collect();
    assert_eq!(refused.len(), 5, "{refused:#?}");
    assert!(
        text_of(&refused[0]).contains("INCIDENT"),
        "{:?}",
        refused[0]
    );
    clock.advance(chrono::Duration::seconds(1)); // the channel's next slot
    let posted = calls(&slack, "chat.postMessage", 1).await;
    assert!(text_of(&posted[0]).contains("Step 1"), "{:?}", posted[0]);
    let _ = std::fs::remove_dir_all(&dir);
}
