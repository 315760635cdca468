//! `serve` with Discord configured, end to end: the real app on 127.0.0.1:0, a SQLite file, the
//! scheduler and the outbox, against the Discord REST stand-in and the Gateway stand-in.
//!
//! - The interactions endpoint, driven by signed requests built from the shared samples: PING,
//!   refused requests, autocomplete, open, button clicks, the reason modal, updates at the
//!   interval, resolve, post-mortem.
//! - The Gateway, through serenity: IDENTIFY, READY, heartbeats, INTERACTION_CREATE answered by
//!   callback, a forced reconnect resumed; and a Gateway that cannot be reached.
//! - Slack and Discord in one process.

use std::sync::Arc;
use std::time::Duration;

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::serve::{self, ServeSettings};
use incident_bot::store::IncidentId;
use serde_json::{json, Value};

use crate::discord_gateway_standin::GatewayStandIn;
use crate::discord_requests::{self as requests, APPLICATION_ID, CHANNEL_ID, GUILD_ID, PUBLIC_KEY};
use crate::discord_standin::{
    Answer, Call, DiscordStandIn, BOT_TOKEN, COMMANDS, CREATE_MESSAGE, EDIT_MESSAGE,
    INTERACTION_CALLBACK,
};
use crate::log_capture::Log;
use crate::slack_requests::{command_body, post_signed};
use crate::slack_standin::SlackStandIn;
use crate::test_db::unique_suffix;

/// Discord's option types used here.
const STRING: u8 = 3;

struct Bot {
    running: serve::Running,
    url: String,
    clock: SimulatedClock,
    http: reqwest::Client,
    _dir: TempDir,
}

/// A directory removed when the test ends.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `serve`'s settings against the Discord stand-in, with a SQLite file in `dir` and `extra`
/// environment variables.
pub(crate) fn settings(
    discord: &DiscordStandIn,
    dir: &std::path::Path,
    extra: &[(&str, String)],
) -> ServeSettings {
    let mut vars = vec![
        ("DISCORD_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string()),
        ("DISCORD_GUILD_ID", GUILD_ID.to_string()),
        ("DISCORD_API_URL", discord.api_url()),
    ];
    vars.extend_from_slice(extra);
    crate::serve_settings::settings(dir, &vars)
}

/// The interactions endpoint only, checked with the shared test key.
fn endpoint_only() -> Vec<(&'static str, String)> {
    vec![
        ("DISCORD_PUBLIC_KEY", PUBLIC_KEY.to_string()),
        ("DISCORD_GATEWAY", "off".to_string()),
    ]
}

impl Bot {
    async fn start(discord: &DiscordStandIn, extra: &[(&str, String)]) -> Bot {
        let dir = std::env::temp_dir().join(format!("incident-bot-discord-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        let clock = SimulatedClock::starting_at(chrono::Utc::now());
        let running = serve::start(&settings(discord, &dir, extra), Arc::new(clock.clone()))
            .await
            .unwrap();
        Bot {
            url: format!("http://{}", running.addr),
            running,
            clock,
            http: reqwest::Client::new(),
            _dir: TempDir(dir),
        }
    }

    /// Posts `interaction` to the endpoint, signed now: the status and the answer.
    async fn send(&self, interaction: &Value) -> (u16, Value) {
        let body = interaction.to_string();
        let (signature, timestamp) = requests::sign(&body, self.clock.now().timestamp());
        self.post(body, &signature, &timestamp).await
    }

    async fn post(&self, body: String, signature: &str, timestamp: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/discord/interactions", self.url))
            .header("content-type", "application/json")
            .header("x-signature-ed25519", signature)
            .header("x-signature-timestamp", timestamp)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn ready(&self) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}/readyz", self.url))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

/// Waits (real time, up to 10 s) until `found` finds something in the stand-in. The clock stands
/// still meanwhile: a test moves it to the time something is due, then waits for the effect.
async fn wait_for<T>(
    discord: &DiscordStandIn,
    mut found: impl FnMut(&DiscordStandIn) -> Option<T>,
) -> T {
    for _ in 0..500 {
        if let Some(found) = found(discord) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not found; the stand-in received: {:#?}", discord.calls());
}

/// The first message in `channel` whose JSON contains `needle`.
async fn message_with(discord: &DiscordStandIn, channel: &str, needle: &str) -> Value {
    wait_for(discord, |discord| {
        discord
            .messages_in(channel)
            .into_iter()
            .find(|message| message.to_string().contains(needle))
    })
    .await
}

fn text(value: &Value) -> String {
    value.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_incident_through_the_interactions_endpoint() {
    let discord = DiscordStandIn::start().await;
    let bot = Bot::start(&discord, &endpoint_only()).await;
    let clock = bot.clock.clone();

    // The commands are registered in the guild, generated from the command language.
    let registered: Call = wait_for(&discord, |discord| {
        discord
            .calls_to(COMMANDS)
            .into_iter()
            .find(|call| call.status == 200)
    })
    .await;
    assert_eq!(
        registered.path,
        format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
    );
    assert!(text(&registered.body).contains("\"autocomplete\":true"));
    assert_eq!(bot.ready().await.0, 200);

    // PING is answered with PONG.
    assert_eq!(
        bot.send(&requests::ping()).await,
        (200, json!({ "type": 1 }))
    );

    // Autocomplete offers the runbook's scenarios.
    let (status, choices) = bot
        .send(&requests::autocomplete("open", "scenario", "data"))
        .await;
    assert_eq!((status, choices["type"].as_u64()), (200, Some(8)));
    let values: Vec<&str> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|choice| choice["value"].as_str())
        .collect();
    assert!(values.contains(&"db-loss"), "{choices}");

    // A mistake is told to the person only, with the usage.
    let (_, mistake) = bot
        .send(&requests::incident(
            "open",
            &[
                ("severity", STRING, json!("critical")),
                ("scenario", STRING, json!("volcano")),
            ],
        ))
        .await;
    assert_eq!(mistake["data"]["flags"], 64, "{mistake}");
    assert!(text(&mistake).contains("no scenario matches"), "{mistake}");
    assert!(
        text(&mistake).contains("usage: /incident open"),
        "{mistake}"
    );

    // Open, with user text that tries to ping everyone: acknowledged for the person only; the
    // INCIDENT notification in the channel, the checklist in the thread started under it.
    let (status, answer) = bot
        .send(&requests::incident(
            "open",
            &[
                ("severity", STRING, json!("critical")),
                ("scenario", STRING, json!("db-loss")),
                (
                    "description",
                    STRING,
                    json!("Primary down @everyone @here <@&539082325061836999>"),
                ),
            ],
        ))
        .await;
    assert_eq!(
        (status, answer["type"].as_u64()),
        (200, Some(4)),
        "{answer}"
    );
    assert_eq!(answer["data"]["flags"], 64, "{answer}");
    let opened = message_with(&discord, CHANNEL_ID, "INCIDENT").await;
    let root = opened["id"].as_str().unwrap().to_string();
    for call in discord.calls_to(CREATE_MESSAGE) {
        assert_eq!(
            call.body["allowed_mentions"]["parse"],
            json!([]),
            "{call:?}"
        );
    }
    // Only a message's content can ping, and allowed_mentions above stops even that; the
    // user's words show as typed in the embed.
    assert!(!text(&opened["content"]).contains("@everyone"), "{opened}");
    assert!(
        text(&opened["embeds"]).contains("Primary down @everyone @here"),
        "{opened}"
    );
    let checklist = message_with(&discord, &root, "step_done").await;
    let checklist_id = checklist["id"].as_str().unwrap().to_string();
    assert_eq!(discord.threads().len(), 1);

    // Done: the clicked message is updated in place, in the answer itself.
    let (_, done) = bot
        .send(&requests::click("step_done:INC-1:0", &checklist_id))
        .await;
    assert_eq!(done["type"], 7, "{done}");
    assert!(text(&done).contains("1/11"), "{done}");
    assert!(text(&done).contains("step_done:INC-1:1"), "{done}");

    // A second click on the same Done is refused, to the clicker only.
    clock.advance(chrono::Duration::seconds(1));
    let (_, again) = bot
        .send(&requests::click("step_done:INC-1:0", &checklist_id))
        .await;
    assert_eq!(
        (again["type"].as_u64(), again["data"]["flags"].as_u64()),
        (Some(4), Some(64))
    );
    assert!(text(&again).contains("already confirmed"), "{again}");

    // Skip asks for a reason in a modal; an empty reason is refused; a reason skips the step.
    let (_, modal) = bot
        .send(&requests::click("step_skip:INC-1:1", &checklist_id))
        .await;
    assert_eq!(modal["type"], 9, "{modal}");
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_string();
    let (_, empty) = bot
        .send(&requests::modal_submit(&modal_id, "  ", &checklist_id))
        .await;
    assert_eq!(empty["data"]["flags"], 64, "{empty}");
    let (_, skipped) = bot
        .send(&requests::modal_submit(
            &modal_id,
            "Replica is healthy",
            &checklist_id,
        ))
        .await;
    assert_eq!(skipped["type"], 7, "{skipped}");
    assert!(text(&skipped).contains("2/11"), "{skipped}");
    // The outbox edits the same checklist message too, in case an answer was lost.
    wait_for(&discord, |discord| {
        discord
            .calls_to(EDIT_MESSAGE)
            .into_iter()
            .find(|call| call.path.ends_with(&checklist_id) && text(&call.body).contains("2/11"))
    })
    .await;

    // Done on another message with the step buttons (a nudge, an update) takes the step, but
    // leaves that message as it is: only the checklist card shows the new state.
    let (_, elsewhere) = bot.send(&requests::click("step_done:INC-1:2", &root)).await;
    assert_eq!(elsewhere, json!({ "type": 6 }));
    wait_for(&discord, |discord| {
        discord
            .calls_to(EDIT_MESSAGE)
            .into_iter()
            .find(|call| call.path.ends_with(&checklist_id) && text(&call.body).contains("3/11"))
    })
    .await;

    // The 15-minute update: an ordinary message in the incident's thread.
    clock.advance(chrono::Duration::minutes(15));
    let update = message_with(&discord, &root, "\"title\":\"Update").await;
    assert!(text(&update).contains("#1 · INC-1"), "{update}");

    // Resolve, then the post-mortem as a Markdown file in the thread.
    let (_, resolved) = bot
        .send(&requests::incident(
            "resolve",
            &[("root-cause", STRING, json!("bad migration"))],
        ))
        .await;
    assert_eq!(resolved["type"], 4, "{resolved}");
    message_with(&discord, &root, "RESOLVED").await;
    // The first follow-up list, with a Done button per item: a click ticks it.
    let list = message_with(&discord, &root, "follow_up_done:INC-1:1.1").await;
    let list_id = list["id"].as_str().unwrap_or_default().to_string();
    let (_, ticked) = bot
        .send(&requests::click("follow_up_done:INC-1:1.1", &list_id))
        .await;
    assert_eq!(ticked, json!({ "type": 6 }));
    message_with(&discord, &root, "1.1 Complete incident timeline — done by").await;
    let (_, drafted) = bot
        .send(&requests::postmortem(&[("incident", 4, json!(1))]))
        .await;
    assert!(text(&drafted).contains("Markdown file"), "{drafted}");
    let attached = wait_for(&discord, |discord| {
        discord
            .calls_to(CREATE_MESSAGE)
            .into_iter()
            .find(|call| !call.files.is_empty())
    })
    .await;
    assert!(attached.files[0].filename.ends_with(".md"), "{attached:?}");
    assert!(
        attached.files[0].content.contains("bad migration"),
        "{attached:?}"
    );
    assert_eq!(attached.path, format!("/channels/{root}/messages"));

    bot.running.stop().await;
}

/// Once the recovery steps are done the card shows Restored and Resolve; Restored updates the
/// card in place, Resolve asks for a root cause that may be left empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restored_and_resolve_buttons_on_the_card() {
    let discord = DiscordStandIn::start().await;
    let bot = Bot::start(&discord, &endpoint_only()).await;
    let open = [
        ("severity", STRING, json!("high")),
        ("scenario", STRING, json!("app-server")),
        ("services", STRING, json!("database")),
    ];
    bot.send(&requests::incident("open", &open)).await;
    let opened = message_with(&discord, CHANNEL_ID, "INCIDENT").await;
    let card = message_with(&discord, opened["id"].as_str().unwrap(), "step_done").await;
    let card = card["id"].as_str().unwrap().to_string();
    let mut answer = Value::Null;
    for step in 0..3 {
        bot.clock.advance(chrono::Duration::seconds(30));
        let button = format!("step_done:INC-1:{step}");
        answer = bot.send(&requests::click(&button, &card)).await.1;
    }
    assert!(
        text(&answer).contains("incident_restored:INC-1"),
        "{answer}"
    );
    assert!(text(&answer).contains("incident_resolve:INC-1"), "{answer}");

    let (_, restored) = bot
        .send(&requests::click("incident_restored:INC-1", &card))
        .await;
    assert_eq!(restored["type"], 7, "the card, in place: {restored}");
    assert!(!text(&restored).contains("incident_restored"), "{restored}");

    let (_, modal) = bot
        .send(&requests::click("incident_resolve:INC-1", &card))
        .await;
    assert_eq!(modal["type"], 9, "{modal}");
    assert_eq!(
        modal["data"]["components"][0]["components"][0]["required"],
        false
    );
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_string();
    let (_, resolved) = bot
        .send(&requests::modal_submit(&modal_id, "", &card))
        .await;
    assert_eq!(
        resolved,
        json!({ "type": 6 }),
        "resolved without a root cause"
    );
    message_with(&discord, opened["id"].as_str().unwrap(), "RESOLVED").await;
}

/// Signed clicks and reason forms naming a step past any checklist (around `u64::MAX`, or one
/// past the last step number people can type): refused to the clicker, with how to confirm a
/// step, and nothing recorded. The last step number people can type reaches the engine, which
/// says the checklist is shorter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicks_on_a_step_past_any_checklist_are_refused_with_a_reply() {
    let discord = DiscordStandIn::start().await;
    let bot = Bot::start(&discord, &endpoint_only()).await;
    let open = [
        ("severity", STRING, json!("high")),
        ("scenario", STRING, json!("app-server")),
    ];
    bot.send(&requests::incident("open", &open)).await;
    let opened = message_with(&discord, CHANNEL_ID, "INCIDENT").await;
    let card = message_with(&discord, opened["id"].as_str().unwrap(), "step_done").await;
    let card = card["id"].as_str().unwrap().to_string();

    for step in [
        "18446744073709551615",
        "18446744073709551614",
        "18446744073709551616",
        "4294967295",
    ] {
        for action in ["step_done", "step_skip", "step_fail"] {
            let custom_id = format!("{action}:INC-1:{step}");
            for request in [
                requests::click(&custom_id, &card),
                requests::modal_submit(&format!("reason:{custom_id}"), "why", &card),
            ] {
                let (status, refused) = bot.send(&request).await;
                assert_eq!(status, 200, "{refused}");
                assert_eq!(
                    (refused["type"].as_u64(), refused["data"]["flags"].as_u64()),
                    (Some(4), Some(64)),
                    "to the clicker only: {refused}"
                );
                let said = refused["data"]["embeds"][0]["description"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    said.starts_with(&format!(
                        "This button names step {step} of INC-1, and no checklist has that many \
                         steps. See the current steps with /incident status INC-1"
                    )),
                    "{refused}"
                );
            }
        }
    }
    let (_, last) = bot
        .send(&requests::click("step_done:INC-1:4294967294", &card))
        .await;
    assert!(
        text(&last).contains("there is no step 4294967295: this checklist has"),
        "{last}"
    );
    let events = bot
        .running
        .engine
        .store()
        .events(IncidentId::new(1))
        .await
        .unwrap();
    assert!(
        events.iter().all(|event| !event.kind.starts_with("step_")),
        "no step recorded: {events:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_replayed_and_malformed_requests_are_refused() {
    let discord = DiscordStandIn::start().await;
    let bot = Bot::start(&discord, &endpoint_only()).await;
    let now = bot.clock.now().timestamp();
    let open = requests::incident(
        "open",
        &[
            ("severity", STRING, json!("critical")),
            ("scenario", STRING, json!("db-loss")),
        ],
    );
    let body = open.to_string();
    let (signature, timestamp) = requests::sign(&body, now);

    let tampered = body.replace("critical", "low");
    assert_eq!(bot.post(tampered, &signature, &timestamp).await.0, 401);
    let (old_signature, old_timestamp) = requests::sign(&body, now - 301);
    assert_eq!(
        bot.post(body.clone(), &old_signature, &old_timestamp)
            .await
            .0,
        401
    );
    assert_eq!(bot.post(body.clone(), "", &timestamp).await.0, 400);
    let response = bot
        .http
        .post(format!("{}/discord/interactions", bot.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let junk = "{\"type\": 2, \"data\": 7}".to_string();
    let (junk_signature, junk_timestamp) = requests::sign(&junk, now);
    assert_eq!(
        bot.post(junk, &junk_signature, &junk_timestamp).await.0,
        400
    );
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024));
    let (huge_signature, huge_timestamp) = requests::sign(&huge, now);
    assert_eq!(
        bot.post(huge, &huge_signature, &huge_timestamp).await.0,
        413
    );

    // Nothing above opened anything; the genuine request does, once.
    assert_eq!(bot.post(body.clone(), &signature, &timestamp).await.0, 200);
    assert_eq!(bot.post(body, &signature, &timestamp).await.0, 401);
    let open_incidents = bot
        .running
        .engine
        .store()
        .open_incident_channels()
        .await
        .unwrap();
    assert_eq!(open_incidents.len(), 1);
    bot.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_identifies_answers_interactions_and_resumes_after_a_reconnect() {
    let discord = DiscordStandIn::start().await;
    let gateway = GatewayStandIn::start();
    discord.set_gateway_url(&gateway.url());
    let bot = Bot::start(&discord, &[]).await;

    assert!(gateway.wait_for(|stats| stats.identifies == 1).await);
    let identify = &gateway.received(2)[0];
    // serenity sends the token as it authorises REST calls, `Bot …`; Discord takes both.
    assert!(
        identify["d"]["token"]
            .as_str()
            .unwrap()
            .ends_with(BOT_TOKEN),
        "{identify}"
    );
    assert!(gateway.wait_for(|stats| stats.heartbeats >= 1).await);
    let mut ready = (0, String::new());
    for _ in 0..100 {
        ready = bot.ready().await;
        if ready.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ready.0, 200, "{ready:?}");

    // An interaction over the Gateway is answered through the callback endpoint.
    let open = requests::incident(
        "open",
        &[
            ("severity", STRING, json!("high")),
            ("scenario", STRING, json!("db-loss")),
        ],
    );
    assert!(gateway.dispatch("INTERACTION_CREATE", open.clone()));
    let callback = wait_for(&discord, |discord| {
        discord.calls_to(INTERACTION_CALLBACK).into_iter().next()
    })
    .await;
    assert_eq!(
        callback.path,
        format!(
            "/interactions/{}/{}/callback",
            open["id"].as_str().unwrap(),
            open["token"].as_str().unwrap()
        )
    );
    assert_eq!(callback.body["type"], 4, "{callback:?}");
    message_with(&discord, CHANNEL_ID, "INCIDENT").await;

    // Discord asks the bot to reconnect: it resumes the session and goes on answering.
    assert!(gateway.force_reconnect());
    assert!(gateway.wait_for(|stats| stats.resumes == 1).await);
    let resume = &gateway.received(6)[0];
    assert_eq!(
        resume["d"]["session_id"],
        crate::discord_gateway_standin::SESSION_ID
    );
    let status = requests::incident("status", &[]);
    assert!(gateway.dispatch("INTERACTION_CREATE", status));
    let answered = wait_for(&discord, |discord| {
        Some(discord.calls_to(INTERACTION_CALLBACK)).filter(|calls| calls.len() == 2)
    })
    .await;
    assert!(
        text(&answered[1].body).contains("INC-1"),
        "{:?}",
        answered[1]
    );
    assert_eq!(gateway.stats().identifies, 1);
    bot.running.stop().await;
}

// Single-threaded, so that the log capture sees serenity's event handler.
#[tokio::test]
async fn an_interaction_token_never_reaches_the_log_when_its_callback_fails() {
    let discord = DiscordStandIn::start().await;
    let gateway = GatewayStandIn::start();
    discord.set_gateway_url(&gateway.url());
    discord.script(INTERACTION_CALLBACK, [Answer::BrokenBody]);
    let log = Log::default();
    let _capturing = log.capture();
    let bot = Bot::start(&discord, &[]).await;
    assert!(gateway.wait_for(|stats| stats.identifies == 1).await);

    // An interaction's token is good for 15 minutes to answer and follow up as the bot.
    let token = "aW50ZXJhY3Rpb246c2VrcmV0LXRva2Vu";
    let mut status = requests::incident("status", &[]);
    status["token"] = json!(token);
    assert!(gateway.dispatch("INTERACTION_CREATE", status));
    let callback = wait_for(&discord, |discord| {
        discord.calls_to(INTERACTION_CALLBACK).into_iter().next()
    })
    .await;
    assert!(callback.path.contains(token), "{callback:?}");
    let mut lines = String::new();
    for _ in 0..250 {
        lines = log.text();
        if lines.contains("could not answer a Discord interaction") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.running.stop().await;
    assert!(
        lines.contains("could not answer a Discord interaction")
            && lines.contains("POST /interactions/")
            && lines.contains("/:token/callback"),
        "{lines}"
    );
    assert!(!lines.contains(token), "the token is in the log:\n{lines}");
    assert!(
        !lines.contains("/callback)"),
        "a URL is in the log:\n{lines}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_gateway_leaves_everything_else_serving() {
    let discord = DiscordStandIn::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", closed.local_addr().unwrap());
    drop(closed);
    discord.set_gateway_url(&url);

    // The Gateway is the only way in: not ready, but alive.
    let bot = Bot::start(&discord, &[]).await;
    let (status, why) = bot.ready().await;
    assert_eq!(status, 503);
    assert!(
        why.starts_with("discord: the Gateway not connected"),
        "{why}"
    );
    let health = bot
        .http
        .get(format!("{}/healthz", bot.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    bot.running.stop().await;

    // With an interactions endpoint (where Discord then sends everything), the bot is ready
    // and answers there while the Gateway keeps trying.
    let bot = Bot::start(&discord, &[("DISCORD_PUBLIC_KEY", PUBLIC_KEY.to_string())]).await;
    assert_eq!(bot.ready().await.0, 200);
    assert_eq!(
        bot.send(&requests::ping()).await,
        (200, json!({ "type": 1 }))
    );
    bot.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_and_discord_run_in_one_process_each_incident_in_its_channel() {
    let discord = DiscordStandIn::start().await;
    let slack = SlackStandIn::start().await;
    let dir = TempDir(std::env::temp_dir().join(format!("incident-bot-both-{}", unique_suffix())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let mut extra = endpoint_only();
    extra.extend([
        ("DISCORD_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string()),
        ("DISCORD_API_URL", discord.api_url()),
    ]);
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let running = serve::start(
        &crate::slack_serve::settings(&slack, &dir.0, &extra),
        Arc::new(clock.clone()),
    )
    .await
    .unwrap();
    let bot = Bot {
        url: format!("http://{}", running.addr),
        running,
        clock: clock.clone(),
        http: reqwest::Client::new(),
        _dir: dir,
    };

    let (status, _) = post_signed(
        &bot.http,
        &format!("{}/slack/commands", bot.url),
        command_body("/incident", "open critical db-loss From Slack"),
        clock.now().timestamp(),
    )
    .await;
    assert_eq!(status, 200);
    let open = requests::incident(
        "open",
        &[
            ("severity", STRING, json!("high")),
            ("scenario", STRING, json!("db-loss")),
            ("description", STRING, json!("From Discord")),
        ],
    );
    assert_eq!(bot.send(&open).await.0, 200);

    let in_discord = message_with(&discord, CHANNEL_ID, "INCIDENT").await;
    assert!(text(&in_discord).contains("From Discord") && text(&in_discord).contains("INC-2"));
    let in_slack = crate::slack_serve::calls(&slack, "chat.postMessage", 2).await;
    assert!(in_slack
        .iter()
        .all(|call| !crate::slack_serve::text_of(call).contains("From Discord")));
    assert!(crate::slack_serve::text_of(&in_slack[0]).contains("From Slack"));
    assert!(discord
        .calls_to(CREATE_MESSAGE)
        .iter()
        .all(|call| !text(&call.body).contains("From Slack")));
    bot.running.stop().await;
}
