//! Who may act, end to end on SQLite and PostgreSQL: `serve` against the Slack and Discord
//! stand-ins with `INCIDENT_CHANNELS` and `RESPONDERS` set. A non-responder's resolve (typed or
//! clicked) is refused, to them only, and changes nothing, while their status works; a command in
//! another channel stores nothing; a member of a Slack user group (read from the stand-in's
//! `usergroups.users.list`), the holder of a Discord role and the holder of a role in the incident
//! (on that incident only) may act; and the audit log shows each change and each refusal. The
//! console is not limited.

use std::sync::Arc;

use chrono::Utc;
use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::serve::{self, ServeSettings};
use incident_bot::store::{AuditOutcome, AuditRecord, IncidentId, Store, UnixMillis};
use serde_json::{json, Value};

use crate::discord_requests::{self as discord_requests, APPLICATION_ID, PUBLIC_KEY};
use crate::discord_standin::DiscordStandIn;
use crate::slack_requests::{button_payload, command_payload, form, post_signed, CHANNEL, TEAM};
use crate::slack_standin::SlackStandIn;
use crate::test_bot::TestBot;
use crate::test_db::{unique_suffix, TestDb};

/// A Slack user group of the responders, and its one member.
const SRE_GROUP: &str = "S0SRE";
const GROUPIE: &str = "U0GROUPIE";
/// A responder by id, who opens the incidents.
const LEAD: &str = "U0LEAD";
/// Someone in the channel who is no responder.
const BYSTANDER: &str = "U0BYSTANDER";
/// The Discord role of responders: the role the shared interaction sample's member holds.
const DISCORD_ROLE: &str = "539082325061836999";

/// `serve` on `db` (its own store closed first: a SQLite file has one writer) with `vars`.
async fn serve_on(db: &TestDb, vars: &[(&str, String)]) -> (serve::Running, SimulatedClock) {
    db.store.close().await;
    let dir = std::env::temp_dir().join(format!("incident-bot-access-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut settings: ServeSettings = crate::serve_settings::settings(&dir, vars);
    settings.startup.database_url = db.url.clone().into();
    let clock = SimulatedClock::starting_at(Utc::now());
    let running = serve::start(&settings, Arc::new(clock.clone()))
        .await
        .expect("serve starts");
    (running, clock)
}

/// A slash command typed by `user` in `channel`, as Slack posts it.
fn typed(user: &str, channel: &str, text: &str) -> String {
    form(&[
        ("team_id", TEAM),
        ("channel_id", channel),
        ("user_id", user),
        ("user_name", user),
        ("command", "/incident"),
        ("text", text),
        ("response_url", "http://127.0.0.1:9/commands/1"),
    ])
}

/// Every row of the audit log.
async fn audit(store: &Store) -> Vec<AuditRecord> {
    store
        .audit_since(UnixMillis::new(0), 100)
        .await
        .expect("the audit log reads")
}

/// `(person, command, outcome)` of each row, for comparing.
fn rows(records: &[AuditRecord]) -> Vec<(String, String, String)> {
    records
        .iter()
        .map(|record| {
            let outcome = match &record.outcome {
                AuditOutcome::Done => "done".to_string(),
                AuditOutcome::Refused { why } => format!("refused: {why}"),
            };
            (record.person.id.clone(), record.command.clone(), outcome)
        })
        .collect()
}

async fn slack_responders_and_channels(db: TestDb) {
    let slack = SlackStandIn::start().await;
    slack.set_group(SRE_GROUP, &[GROUPIE]);
    let (running, clock) = serve_on(
        &db,
        &[
            (
                "SLACK_SIGNING_SECRET",
                crate::slack_requests::SECRET.to_string(),
            ),
            (
                "SLACK_BOT_TOKEN",
                crate::slack_standin::BOT_TOKEN.to_string(),
            ),
            ("SLACK_API_URL", slack.api_url()),
            ("INCIDENT_CHANNELS", CHANNEL.to_string()),
            ("RESPONDERS", format!("{LEAD}, {SRE_GROUP}")),
        ],
    )
    .await;
    let http = reqwest::Client::new();
    let url = format!("http://{}", running.addr);
    let store = running.engine.store().clone();
    let command = |user: &str, channel: &str, text: &str| {
        let body = typed(user, channel, text);
        let (http, url, now) = (http.clone(), url.clone(), clock.now().timestamp());
        async move {
            let (status, answer) =
                post_signed(&http, &format!("{url}/slack/commands"), body, now).await;
            assert_eq!(status, 200, "{answer}");
            serde_json::from_str::<Value>(&answer).unwrap_or(Value::Null)
        }
    };
    let is_open = |id: u64| {
        let store = store.clone();
        async move {
            store
                .incident(IncidentId::new(id))
                .await
                .expect("read")
                .map(|incident| incident.is_open)
        }
    };

    command(LEAD, CHANNEL, "open critical db-loss").await;
    assert_eq!(is_open(1).await, Some(true));

    let refused = command(BYSTANDER, CHANNEL, "resolve INC-1 it was DNS").await;
    assert_eq!(refused["response_type"], "ephemeral", "{refused}");
    assert!(
        refused
            .to_string()
            .contains("only responders may run /incident resolve here"),
        "{refused}"
    );
    assert_eq!(
        is_open(1).await,
        Some(true),
        "a refused resolve changes nothing"
    );

    let status = command(BYSTANDER, CHANNEL, "status").await;
    assert!(status.to_string().contains("INC-1"), "{status}");
    assert!(!status.to_string().contains("only responders"), "{status}");

    let clicked = button_payload(
        "step_done",
        "INC-1:0",
        "1700000000.000100",
        &slack.response_url(),
    );
    let (status_code, _) = post_signed(
        &http,
        &format!("{url}/slack/interactions"),
        form(&[("payload", &clicked.to_string())]),
        clock.now().timestamp(),
    )
    .await;
    assert_eq!(status_code, 200);
    let told = crate::slack_serve::calls(&slack, "response_url", 1).await;
    assert!(
        told[0]
            .body
            .to_string()
            .contains("only responders may run /incident step here"),
        "{:?}",
        told[0].body
    );

    let elsewhere = command(BYSTANDER, "C0RANDOM", "open high db-loss").await;
    assert_eq!(elsewhere["response_type"], "ephemeral", "{elsewhere}");
    assert!(
        elsewhere
            .to_string()
            .contains("Incidents are run in #C0INCIDENT1, not here"),
        "{elsewhere}"
    );
    assert_eq!(
        is_open(2).await,
        None,
        "nothing is stored for another channel"
    );

    let by_group = command(GROUPIE, CHANNEL, "severity INC-1 high").await;
    assert!(
        !by_group.to_string().contains("only responders"),
        "{by_group}"
    );
    let asked = slack.calls_to("usergroups.users.list");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].body["usergroup"], SRE_GROUP);

    // A role holder may act on their incident, but not open another.
    command(
        LEAD,
        CHANNEL,
        &format!("assign INC-1 scribe <@{BYSTANDER}>"),
    )
    .await;
    let noted = command(BYSTANDER, CHANNEL, "update INC-1 replica is catching up").await;
    assert!(!noted.to_string().contains("only responders"), "{noted}");
    let opened = command(BYSTANDER, CHANNEL, "open low db-loss --new").await;
    assert!(
        opened
            .to_string()
            .contains("only responders may run /incident open"),
        "{opened}"
    );
    assert_eq!(is_open(2).await, None);

    let log = audit(&store).await;
    assert_eq!(
        rows(&log),
        [
            (
                LEAD.into(),
                "/incident open critical db-loss".into(),
                "done".into()
            ),
            (
                BYSTANDER.into(),
                "/incident resolve INC-1 it was DNS".into(),
                "refused: not in RESPONDERS".into()
            ),
            (
                "U0COYOTE".into(),
                "/incident step INC-1 1 done".into(),
                "refused: not in RESPONDERS".into()
            ),
            (
                BYSTANDER.into(),
                "/incident open high db-loss".into(),
                "refused: not a channel incidents are run in (INCIDENT_CHANNELS)".into()
            ),
            (
                GROUPIE.into(),
                "/incident severity INC-1 high".into(),
                "done".into()
            ),
            (
                LEAD.into(),
                format!("/incident assign INC-1 scribe <@{BYSTANDER}>"),
                "done".into()
            ),
            (
                BYSTANDER.into(),
                "/incident update INC-1 replica is catching up".into(),
                "done".into()
            ),
            (
                BYSTANDER.into(),
                "/incident open low db-loss --new".into(),
                "refused: not in RESPONDERS".into()
            ),
        ]
    );
    assert_eq!(log[1].incident, Some(IncidentId::new(1)));
    assert_eq!(log[3].channel.channel, "C0RANDOM");
    running.stop().await;
}

async fn discord_roles(db: TestDb) {
    let discord = DiscordStandIn::start().await;
    let (running, clock) = serve_on(
        &db,
        &[
            (
                "DISCORD_BOT_TOKEN",
                crate::discord_standin::BOT_TOKEN.to_string(),
            ),
            ("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string()),
            ("DISCORD_API_URL", discord.api_url()),
            ("DISCORD_PUBLIC_KEY", PUBLIC_KEY.to_string()),
            ("DISCORD_GATEWAY", "off".to_string()),
            ("RESPONDERS", format!("<@&{DISCORD_ROLE}>")),
        ],
    )
    .await;
    let http = reqwest::Client::new();
    let url = format!(
        "{}/discord/interactions",
        format_args!("http://{}", running.addr)
    );
    let send = |interaction: Value| {
        let body = interaction.to_string();
        let (signature, timestamp) = discord_requests::sign(&body, clock.now().timestamp());
        let (http, url) = (http.clone(), url.clone());
        async move {
            let response = http
                .post(url)
                .header("content-type", "application/json")
                .header("x-signature-ed25519", signature)
                .header("x-signature-timestamp", timestamp)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let string = |value: &str| json!(value);
    // The shared sample's member holds the responders' role.
    let opened = send(discord_requests::incident(
        "open",
        &[
            ("severity", 3, string("high")),
            ("scenario", 3, string("db-loss")),
        ],
    ))
    .await;
    assert!(!opened.to_string().contains("only responders"), "{opened}");
    let store = running.engine.store().clone();
    assert!(store.incident(IncidentId::new(1)).await.unwrap().is_some());

    let mut without_role =
        discord_requests::incident("resolve", &[("incident", 3, string("INC-1"))]);
    without_role["member"]["roles"] = json!([]);
    without_role["member"]["user"]["id"] = json!("80351110224678912");
    let refused = send(without_role).await;
    assert_eq!(refused["type"], 4, "{refused}");
    assert_eq!(
        refused["data"]["flags"], 64,
        "told to the sender only: {refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("only responders may run /incident resolve here"),
        "{refused}"
    );
    let incident = store.incident(IncidentId::new(1)).await.unwrap().unwrap();
    assert!(incident.is_open, "a refused resolve changes nothing");

    assert_eq!(
        rows(&audit(&store).await),
        [
            (
                "53908232506183680".into(),
                "/incident open high db-loss".into(),
                "done".into()
            ),
            (
                "80351110224678912".into(),
                "/incident resolve INC-1".into(),
                "refused: not in RESPONDERS".into()
            ),
        ]
    );
    running.stop().await;
}

/// Over Socket Mode the same rules hold: the refusal is the ack's ephemeral payload.
async fn socket_mode_refusals(db: TestDb) {
    let slack = SlackStandIn::start().await;
    let (running, _clock) = serve_on(
        &db,
        &[
            (
                "SLACK_APP_TOKEN",
                crate::slack_standin::APP_TOKEN.to_string(),
            ),
            (
                "SLACK_BOT_TOKEN",
                crate::slack_standin::BOT_TOKEN.to_string(),
            ),
            ("SLACK_API_URL", slack.api_url()),
            ("RESPONDERS", LEAD.to_string()),
        ],
    )
    .await;
    assert!(slack.wait_for_socket(1).await, "{:#?}", slack.calls());
    let ack = |text: &'static str| {
        let id = slack.push_envelope("slash_commands", command_payload("/incident", text));
        let slack = &slack;
        async move { slack.ack(&id).await.expect("acknowledged") }
    };
    // The shared sample's roadrunner is no responder.
    let refused = ack("open critical db-loss").await;
    assert_eq!(
        refused["payload"]["response_type"], "ephemeral",
        "{refused}"
    );
    assert!(
        refused["payload"]
            .to_string()
            .contains("only responders may run /incident open here"),
        "{refused}"
    );
    let help = ack("help").await;
    assert!(!help.to_string().contains("only responders"), "{help}");
    let store = running.engine.store().clone();
    assert_eq!(store.incident(IncidentId::new(1)).await.unwrap(), None);
    assert_eq!(
        rows(&audit(&store).await),
        [(
            "U2CERLKJA".into(),
            "/incident open critical db-loss".into(),
            "refused: not in RESPONDERS".into()
        )]
    );
    running.stop().await;
}

/// The console is whoever runs the binary on the store: `RESPONDERS` does not limit it, and its
/// changes are audited all the same.
async fn the_console_is_not_limited(db: TestDb) {
    let bot = TestBot::with_env(
        db,
        &[
            ("RESPONDERS", "U0LEAD"),
            ("INCIDENT_CHANNELS", "C0INCIDENTS"),
        ],
    )
    .await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.say("bob", "/incident resolve INC-1").await;
    let log = audit(bot.engine.store()).await;
    assert_eq!(
        rows(&log)
            .into_iter()
            .map(|(_, command, outcome)| (command, outcome))
            .collect::<Vec<_>>(),
        [
            (
                "/incident open critical db-loss".to_string(),
                "done".to_string()
            ),
            ("/incident resolve INC-1".to_string(), "done".to_string()),
        ]
    );
}

on_both_backends! {
    slack_non_responders_read_and_are_refused_changes(db) => slack_responders_and_channels(db);
    discord_role_holders_may_act(db) => discord_roles(db);
    socket_mode_refuses_non_responders(db) => socket_mode_refusals(db);
    console_is_not_limited(db) => the_console_is_not_limited(db);
}
