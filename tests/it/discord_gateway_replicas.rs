//! Two replicas of `serve` on one PostgreSQL database, both connected to Discord's Gateway with
//! the bot's token: Discord sends each interaction to both, and exactly one answers it and
//! commits what it asked for. The real app twice on 127.0.0.1, the Gateway stand-in serving both
//! sessions, and the REST stand-in, which answers a second callback of an interaction with
//! Discord's 40060 "already acknowledged". And a replica whose database is down leaves an
//! interaction unanswered, then answers again once the database is back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use incident_bot::clock::SimulatedClock;
use incident_bot::serve::{self, Running};
use incident_bot::store::IncidentId;
use serde_json::{json, Value};

use crate::discord_gateway_standin::GatewayStandIn;
use crate::discord_requests as requests;
use crate::discord_standin::{DiscordStandIn, INTERACTION_CALLBACK};
use crate::log_capture::Log;
use crate::private_postgres::PrivatePostgres;
use crate::test_db::TestDb;

/// Discord's option type for a string.
const STRING: u8 = 3;
/// What a replica logs when it leaves an interaction to the other.
const LEFT_TO_ANOTHER: &str = "another replica answers this Discord interaction";
/// What a replica logs when it cannot tell whether another took an interaction.
const LEFT_UNANSWERED: &str =
    "left a Discord interaction unanswered rather than risk running it twice";
/// The longest a test waits for something to happen.
const WAIT: Duration = Duration::from_secs(30);

/// A replica: `serve` on `database_url` (its settings' SQLite file unused), its Gateway the
/// stand-in's.
async fn replica(discord: &DiscordStandIn, database_url: &str, clock: &SimulatedClock) -> Running {
    let mut settings = crate::discord_serve::settings(discord, &std::env::temp_dir(), &[]);
    settings.startup.database_url = database_url.to_string().into();
    serve::start(&settings, Arc::new(clock.clone()))
        .await
        .unwrap()
}

/// Waits until `done` holds, or fails saying what was awaited and what `state` shows.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool, state: impl Fn() -> String) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "waited {WAIT:?} for {what}; {}",
            state()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `interaction` to both sessions, and waits until one replica has answered it and the
/// other has left it (the `answered`-th interaction of the test): the answer's callback.
async fn dispatch_to_both(
    gateway: &GatewayStandIn,
    discord: &DiscordStandIn,
    log: &Log,
    interaction: &Value,
    answered: usize,
) -> Value {
    assert!(gateway.dispatch("INTERACTION_CREATE", interaction.clone()));
    let id = interaction["id"].as_str().unwrap();
    let callbacks_for = || {
        discord
            .calls_to(INTERACTION_CALLBACK)
            .into_iter()
            .filter(|call| call.path.starts_with(&format!("/interactions/{id}/")))
            .collect::<Vec<_>>()
    };
    wait_until(
        "a callback and a replica leaving the interaction to the other",
        || !callbacks_for().is_empty() && log.text().matches(LEFT_TO_ANOTHER).count() == answered,
        || format!("callbacks: {:#?}\nlog:\n{}", callbacks_for(), log.text()),
    )
    .await;
    let callbacks = callbacks_for();
    assert_eq!(callbacks.len(), 1, "{callbacks:#?}");
    assert_eq!(callbacks[0].status, 204, "{callbacks:#?}");
    callbacks[0].body.clone()
}

// One thread: the log capture holds for the thread, where both replicas' tasks run.
#[tokio::test(flavor = "current_thread")]
async fn two_replicas_on_the_gateway_answer_each_interaction_once() {
    let log = Log::default();
    let _capture = log.capture_debug();
    let db = TestDb::postgres().await;
    let discord = DiscordStandIn::start().await;
    let gateway = GatewayStandIn::start();
    discord.set_gateway_url(&gateway.url());
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let first = replica(&discord, &db.url, &clock).await;
    let second = replica(&discord, &db.url, &clock).await;
    wait_until(
        "both replicas to identify",
        || gateway.stats().identifies == 2,
        || format!("{:?}", gateway.stats()),
    )
    .await;

    let open = requests::incident(
        "open",
        &[
            ("severity", STRING, json!("high")),
            ("scenario", STRING, json!("db-loss")),
        ],
    );
    let opened = dispatch_to_both(&gateway, &discord, &log, &open, 1).await;
    assert!(
        opened.to_string().contains("Done: /incident open"),
        "{opened}"
    );
    let update = requests::incident("update", &[("text", STRING, json!("Restore running"))]);
    dispatch_to_both(&gateway, &discord, &log, &update, 2).await;
    let status = requests::incident("status", &[]);
    dispatch_to_both(&gateway, &discord, &log, &status, 3).await;

    // Each interaction answered once (no callback refused as already acknowledged), and what
    // they asked for committed once.
    assert_eq!(discord.calls_to(INTERACTION_CALLBACK).len(), 3);
    assert_eq!(db.store.all_open_incidents().await.unwrap().len(), 1);
    let kinds: Vec<String> = db
        .store
        .events(IncidentId::new(1))
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.kind)
        .collect();
    assert_eq!(
        kinds.iter().filter(|kind| *kind == "opened").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|kind| *kind == "note_added").count(),
        1,
        "{kinds:?}"
    );
    first.stop().await;
    second.stop().await;
}

// One thread: the log capture holds for the thread, where the replica's tasks run.
#[tokio::test(flavor = "current_thread")]
async fn a_replica_whose_database_is_down_leaves_the_interaction_unanswered() {
    let log = Log::default();
    let _capture = log.capture_debug();
    let postgres = PrivatePostgres::start();
    let discord = DiscordStandIn::start().await;
    let gateway = GatewayStandIn::start();
    discord.set_gateway_url(&gateway.url());
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let bot = replica(&discord, &postgres.url(), &clock).await;
    wait_until(
        "the replica to identify",
        || gateway.stats().identifies == 1,
        || format!("{:?}", gateway.stats()),
    )
    .await;

    postgres.stop();
    assert!(gateway.dispatch("INTERACTION_CREATE", requests::incident("status", &[])));
    wait_until(
        "the replica to leave the interaction",
        || log.text().contains(LEFT_UNANSWERED),
        || log.text(),
    )
    .await;
    assert_eq!(discord.calls_to(INTERACTION_CALLBACK), []);

    postgres.start_again();
    let status = requests::incident("status", &[]);
    assert!(gateway.dispatch("INTERACTION_CREATE", status));
    wait_until(
        "the replica to answer once the database is back",
        || discord.calls_to(INTERACTION_CALLBACK).len() == 1,
        || log.text(),
    )
    .await;
    bot.stop().await;
}
