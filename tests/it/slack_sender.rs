//! The Slack sender through the real outbox worker, against the Slack stand-in: posts queued in
//! the store, delivered in virtual time (a simulated clock moved to each wake-up the worker asks
//! for), checked in what the stand-in received and what the store recorded. The behaviours every
//! sender shares are the contract (`sender_contract`), run here on Slack; this module has
//! Slack's own. Also the store query that finds an incident's thread, on both backends.

use std::ops::Deref;
use std::time::Duration;

use incident_bot::chat::slack::sender::{SenderOptions, SlackSender};
use incident_bot::chat::slack::web::SlackWeb;
use incident_bot::chat::slack::{document_as_messages, message_payload};
use incident_bot::notify::{Message, MessageKind};
use incident_bot::outbox::{DeliveryError, Outcome};
use incident_bot::platform::Platform;
use incident_bot::store::{ChannelKey, IncidentId, Store};
use serde_json::{json, Value};

use crate::sender_contract::SenderUnderTest;
use crate::sender_rig::{
    at, commit, long_markdown, new_post, postmortem, text, SenderRig, CALL_TIMEOUT, T0,
};
use crate::slack_standin::{Answer, Call, SlackStandIn, BOT_TOKEN};
use crate::test_db::TestDb;

const CHANNEL: &str = "C0INCIDENTS";

sender_contract!();

on_both_backends! {
    the_thread_is_the_incidents_first_sent_message(db) => first_message_ref(&db.store);
}

// ---------------------------------------------------------------------------------------------
// The rig

struct Rig {
    slack: SlackStandIn,
    outbox: SenderRig<SlackSender>,
}

impl Deref for Rig {
    type Target = SenderRig<SlackSender>;

    fn deref(&self) -> &Self::Target {
        &self.outbox
    }
}

async fn rig() -> Rig {
    rig_with(SenderOptions::default()).await
}

async fn rig_with(options: SenderOptions) -> Rig {
    rig_on(TestDb::sqlite().await, options).await
}

async fn rig_on(db: TestDb, options: SenderOptions) -> Rig {
    let slack = SlackStandIn::start().await;
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN.to_owned())
        .unwrap()
        .with_timeout(CALL_TIMEOUT);
    let outbox = SenderRig::start_on(db, channel(), SlackSender::new(web, options)).await;
    Rig { slack, outbox }
}

impl Rig {
    /// The `chat.postMessage` calls Slack answered with a `ts`.
    fn posted(&self) -> Vec<Call> {
        self.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|call| call.ts.is_some())
            .collect()
    }
}

fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Slack,
        workspace: "T0TEAM".to_owned(),
        channel: CHANNEL.to_owned(),
    }
}

fn body_text(call: &Call) -> &str {
    call.body["text"].as_str().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The contract, on Slack

impl SenderUnderTest for Rig {
    type Sender = SlackSender;

    const NO_ANSWER: &'static str = "no answer";

    async fn start(options: SenderOptions) -> Rig {
        rig_with(options).await
    }

    async fn start_on(db: TestDb, options: SenderOptions) -> Rig {
        rig_on(db, options).await
    }

    fn refuse_the_next_posts_for_good(&self, count: usize) -> &'static str {
        self.slack.script(
            "chat.postMessage",
            (0..count).map(|_| Answer::error("msg_too_long")),
        );
        "msg_too_long"
    }

    fn delete_message(&self, message_ref: &str) {
        self.slack.delete_message(CHANNEL, message_ref);
    }

    /// The messages posted and still held, each with the text of its latest edit.
    fn delivered_texts(&self) -> Vec<String> {
        let mut messages: Vec<(String, String)> = Vec::new();
        for call in self.slack.calls() {
            let Some(ts) = call.ts.clone() else { continue };
            let text = body_text(&call).to_owned();
            match call.method.as_str() {
                "chat.postMessage" => messages.push((ts, text)),
                "chat.update" => {
                    if let Some(message) = messages.iter_mut().find(|(posted, _)| *posted == ts) {
                        message.1 = text;
                    }
                }
                _ => {}
            }
        }
        messages
            .into_iter()
            .filter(|(ts, _)| self.slack.holds(CHANNEL, ts))
            .map(|(_, text)| text)
            .collect()
    }

    fn fail_the_next_three_posts(&self) -> Duration {
        self.slack.script(
            "chat.postMessage",
            [
                Answer::RateLimited(Some(3)),
                Answer::Status(500),
                Answer::Hang,
            ],
        );
        Duration::from_secs(3)
    }

    fn calls(&self) -> usize {
        self.slack.calls().len()
    }

    fn assert_each_post_once_in_order(&self) {
        let calls = self.slack.calls_to("chat.postMessage");
        let seen: Vec<(&str, Option<&str>)> = calls
            .iter()
            .map(|call| (body_text(call), call.error.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("first", Some("ratelimited")),
                ("first", Some("HTTP 500")),
                ("first", Some("hung")),
                ("first", None),
                ("second", None),
                ("third", None),
            ]
        );
    }

    async fn assert_later_posts_in_the_thread(&self, ids: &[u64]) {
        let posted = self.posted();
        let texts: Vec<&str> = posted.iter().map(body_text).collect();
        assert_eq!(texts, ["INC-1 opened", "Step 1", "a note"]);
        let first_ts = posted[0].ts.clone();
        assert_eq!(
            posted[0].thread_ts, None,
            "the first message goes to the channel"
        );
        for call in &posted[1..] {
            assert_eq!(call.thread_ts, first_ts, "later posts reply in its thread");
            assert_eq!(call.channel.as_deref(), Some(CHANNEL));
            assert_eq!(call.body.get("reply_broadcast"), None);
        }
        for (id, call) in ids.iter().zip(&posted) {
            assert_eq!(self.message_ref(*id).await, call.ts, "post {id}");
        }
    }

    fn assert_edited(&self, checklist_ts: &str) {
        let updates = self.slack.calls_to("chat.update");
        assert_eq!(updates.len(), 1);
        let update = &updates[0];
        assert_eq!(update.error, None);
        assert_eq!(update.channel.as_deref(), Some(CHANNEL));
        assert_eq!(update.body["ts"], json!(checklist_ts));
        assert_eq!(body_text(update), "Step 2 of 6");
        assert!(update.body["blocks"].is_array());
        assert_eq!(self.posted().len(), 2, "an edit posts no new message");
    }

    fn assert_update_placed(&self, updates_in_channel: bool) {
        let flags: Vec<(String, Option<Value>)> = self
            .posted()
            .iter()
            .map(|call| {
                let flag = call.body.get("reply_broadcast").cloned();
                (body_text(call).to_owned(), flag)
            })
            .collect();
        let expected = [
            ("INC-1 opened".to_owned(), None),
            (
                "15-minute update".to_owned(),
                updates_in_channel.then_some(Value::Bool(true)),
            ),
            ("a note".to_owned(), None),
        ];
        assert_eq!(flags, expected, "updates_in_channel: {updates_in_channel}");
        let update = &self.posted()[1];
        assert!(update.thread_ts.is_some(), "still in the thread");
    }
}

// ---------------------------------------------------------------------------------------------
// Slack's own behaviours

#[tokio::test]
async fn channel_not_found_is_rejected_and_tried_again_later() {
    let rig = rig().await;
    rig.slack
        .script("chat.postMessage", [Answer::error("channel_not_found")]);
    let ids = rig.open(&[text(MessageKind::Opened, "INC-1 opened")]).await;
    let attempts = rig.drive().await;

    let Outcome::Retry {
        error: DeliveryError::Rejected(reason),
        next_attempt_at_ms,
    } = &attempts[0].outcome
    else {
        panic!("expected a refusal first: {attempts:#?}");
    };
    assert!(reason.contains("channel_not_found"), "{reason}");
    assert!(reason.contains("invited"), "says what to check: {reason}");
    assert_eq!(
        *next_attempt_at_ms,
        at(T0 + 1000),
        "retried after the backoff"
    );
    assert!(matches!(attempts[1].outcome, Outcome::Sent { .. }));
    assert_eq!(rig.posted().len(), 1);
    assert!(rig.message_ref(ids[0]).await.is_some());
}

#[tokio::test]
async fn a_post_mortem_is_uploaded_as_a_file_in_the_thread() {
    let rig = rig().await;
    let markdown = long_markdown();
    rig.open(&[text(MessageKind::Opened, "INC-1 opened")]).await;
    rig.drive().await;
    let ids = rig
        .add(1, vec![rig.new_post(&postmortem(&markdown, true), None)])
        .await;
    rig.drive().await;

    let posted = rig.posted();
    let thread = posted[0].ts.clone();
    assert_eq!(posted.len(), 2, "the opening, then the reply's text");
    assert!(body_text(&posted[1]).contains("Post-mortem draft for INC-1"));
    assert_eq!(posted[1].thread_ts, thread);
    let files = rig.slack.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "INC-1-postmortem.md");
    assert_eq!(files[0].content, markdown);
    assert_eq!(files[0].channel.as_deref(), Some(CHANNEL));
    assert_eq!(files[0].thread_ts, thread, "in the incident's thread");
    let methods: Vec<String> = rig
        .slack
        .calls()
        .into_iter()
        .skip(2)
        .map(|call| call.method)
        .collect();
    assert_eq!(
        methods,
        [
            "files.getUploadURLExternal",
            "upload",
            "files.completeUploadExternal"
        ]
    );
    assert_eq!(rig.message_ref(ids[1]).await, posted[1].ts);
}

#[tokio::test]
async fn a_refused_upload_falls_back_to_code_block_messages() {
    let rig = rig().await;
    let markdown = long_markdown();
    rig.slack.script(
        "files.getUploadURLExternal",
        [
            Answer::error("missing_scope"),
            Answer::error("missing_scope"),
        ],
    );
    rig.open(&[text(MessageKind::Opened, "INC-1 opened")]).await;
    rig.drive().await;
    let ids = rig
        .add(
            1,
            vec![
                rig.new_post(&postmortem(&markdown, true), None),
                rig.new_post(&postmortem(&markdown, false), None),
            ],
        )
        .await;
    rig.drive().await;

    let pieces = document_as_messages(&markdown);
    assert!(pieces.len() > 1, "the test needs a long document");
    let posted = rig.posted();
    let thread = posted[0].ts.clone();
    let texts: Vec<&str> = posted.iter().map(body_text).skip(1).collect();
    let mut expected = vec!["Post-mortem draft for INC-1\n[INC-1-postmortem.md]"];
    expected.extend(pieces.iter().map(String::as_str));
    expected.extend(pieces.iter().map(String::as_str));
    assert_eq!(texts, expected);
    assert!(posted[1..].iter().all(|call| call.thread_ts == thread));
    assert!(rig.slack.files().is_empty());
    // A post's reference is its first message: the text, or the document's first piece.
    assert_eq!(rig.message_ref(ids[1]).await, posted[1].ts);
    assert_eq!(
        rig.message_ref(ids[2]).await,
        posted[2 + pieces.len()].ts,
        "a document alone is referenced by its first piece"
    );
}

#[tokio::test]
async fn user_text_reaches_slack_escaped() {
    let rig = rig().await;
    let hostile = "<!channel> @here *bold* <http://evil|link>";
    rig.open(&[text(MessageKind::Note, hostile)]).await;
    rig.drive().await;

    let posted = rig.posted();
    assert_eq!(posted.len(), 1);
    let sent = serde_json::to_string(&posted[0].body).unwrap();
    for raw in [
        "<!channel>",
        "@here",
        "*bold*",
        "<http://evil|link>",
        "<http",
    ] {
        assert!(!sent.contains(raw), "{raw} reached Slack as is: {sent}");
    }
    assert!(sent.contains("&lt;!channel&gt;"), "{sent}");
    assert!(sent.contains("&lt;http://evil|link&gt;"), "{sent}");
    assert_eq!(posted[0].body["unfurl_links"], json!(false));
}

#[tokio::test]
async fn a_post_of_no_incident_goes_to_the_channel() {
    let rig = rig().await;
    rig.open(&[text(MessageKind::Opened, "INC-1 opened")]).await;
    rig.drive().await;
    let reply = Message::text(MessageKind::Reply, None, "scenarios: db-loss");
    sqlx::query(
        "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                             created_at_ms, next_attempt_at_ms, attempts) \
         VALUES (NULL, 'slack', 'T0TEAM', $1, 'reply', $2, $3, $3, 0)",
    )
    .bind(CHANNEL)
    .bind(serde_json::to_string(&reply).unwrap())
    .bind(rig.now_ms())
    .execute(rig.store().pool())
    .await
    .unwrap();
    rig.drive().await;

    let posted = rig.posted();
    assert_eq!(body_text(&posted[1]), "scenarios: db-loss");
    assert_eq!(posted[1].thread_ts, None);
}

#[tokio::test]
async fn an_unreachable_slack_is_a_transient_failure_that_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let web = SlackWeb::new(
        &format!("http://127.0.0.1:{port}/api"),
        BOT_TOKEN.to_owned(),
    )
    .unwrap()
    .with_timeout(CALL_TIMEOUT);
    let payload = message_payload(&Message::text(MessageKind::Reply, None, "hello"));
    let error = web.post_message(CHANNEL, payload, None, false).await;
    let Err(error) = error.map_err(DeliveryError::from) else {
        panic!("nothing listens there");
    };
    let DeliveryError::Transient(reason) = &error else {
        panic!("expected a transient failure: {error:?}");
    };
    assert!(reason.starts_with("chat.postMessage: "), "{reason}");
    assert!(reason.to_lowercase().contains("connect"), "{reason}");
}

// ---------------------------------------------------------------------------------------------
// The store's answer, on both backends

async fn first_message_ref(store: &Store) {
    let opened = |text: &str| {
        new_post(
            &channel(),
            &Message::text(MessageKind::Opened, None, text),
            None,
        )
    };
    let one = store
        .create_incident(
            &channel(),
            at(T0),
            &commit(vec![opened("a"), opened("b")], T0),
            at(T0),
        )
        .await
        .unwrap();
    let two = store
        .create_incident(&channel(), at(T0), &commit(vec![opened("c")], T0), at(T0))
        .await
        .unwrap();
    let [a, b, c] = [1, 2, 3];
    assert_eq!(store.first_message_ref(one).await.unwrap(), None);

    store.mark_sent(c, at(T0), Some("3.000300")).await.unwrap();
    assert_eq!(store.first_message_ref(one).await.unwrap(), None);
    assert_eq!(
        store.first_message_ref(two).await.unwrap().as_deref(),
        Some("3.000300")
    );
    store.mark_sent(b, at(T0), Some("2.000200")).await.unwrap();
    assert_eq!(
        store.first_message_ref(one).await.unwrap().as_deref(),
        Some("2.000200")
    );
    store.mark_sent(a, at(T0), Some("1.000100")).await.unwrap();
    assert_eq!(
        store.first_message_ref(one).await.unwrap().as_deref(),
        Some("1.000100"),
        "the lowest id sent wins"
    );
    assert_eq!(
        store.first_message_ref(IncidentId::new(999)).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .first_message_ref(IncidentId::new(u64::MAX))
            .await
            .unwrap(),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// The stand-in's Socket Mode, with slack-morphism's own client

mod socket_mode {
    use std::sync::Arc;

    use incident_bot::chat::slack::web::{slack_client, SlackConnector};
    use serde_json::json;
    use slack_morphism::prelude::*;

    use crate::slack_standin::{SlackStandIn, APP_TOKEN};

    async fn on_command(
        event: SlackCommandEvent,
        _client: Arc<SlackClient<SlackConnector>>,
        _state: SlackClientEventsUserState,
    ) -> UserCallbackResult<SlackCommandEventResponse> {
        let text = format!("got {} {}", event.command, event.text.unwrap_or_default());
        Ok(SlackCommandEventResponse::new(
            SlackMessageContent::new().with_text(text),
        ))
    }

    async fn on_interaction(
        _event: SlackInteractionEvent,
        _client: Arc<SlackClient<SlackConnector>>,
        _state: SlackClientEventsUserState,
    ) -> UserCallbackResult<()> {
        Ok(())
    }

    fn slash_command() -> serde_json::Value {
        json!({
            "token": "bHKJ2n9AW6Ju3MjciOHfbA1b",
            "team_id": "T0TEAM",
            "team_domain": "example",
            "channel_id": "C0INCIDENTS",
            "channel_name": "incidents",
            "user_id": "U0ALICE",
            "user_name": "alice",
            "command": "/incident",
            "text": "open critical db-loss",
            "api_app_id": "A0STANDIN",
            "response_url": "https://hooks.slack.com/commands/T0TEAM/1/abc",
            "trigger_id": "1.2.abc",
        })
    }

    fn button_click() -> serde_json::Value {
        json!({
            "type": "block_actions",
            "team": {"id": "T0TEAM", "domain": "example"},
            "user": {"id": "U0ALICE", "username": "alice", "team_id": "T0TEAM"},
            "api_app_id": "A0STANDIN",
            "token": "9s8d9as89d8as9d8as989",
            "container": {"type": "message", "message_ts": "1795575840.000100",
                          "channel_id": "C0INCIDENTS", "is_ephemeral": false},
            "trigger_id": "1.2.def",
            "channel": {"id": "C0INCIDENTS", "name": "incidents"},
            "message": {"bot_id": "B0STANDIN", "type": "message", "text": "Step 1",
                        "user": "U0STANDIN", "ts": "1795575840.000100"},
            "response_url": "https://hooks.slack.com/actions/T0TEAM/1/def",
            "actions": [{"action_id": "step-done", "block_id": "b1",
                         "text": {"type": "plain_text", "text": "Done", "emoji": true},
                         "value": "1:0", "type": "button", "action_ts": "1795575841.000200"}],
        })
    }

    #[tokio::test]
    async fn slack_morphisms_client_connects_acks_and_reconnects_on_disconnect() {
        let slack = SlackStandIn::start().await;
        let client = Arc::new(slack_client(&slack.api_url()).unwrap());
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_command_events(on_command)
            .with_interaction_events(on_interaction);
        let environment = Arc::new(SlackClientEventsListenerEnvironment::new(client));
        let config = SlackClientSocketModeConfig::new().with_max_connections_count(1);
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        let token = SlackApiToken::new(SlackApiTokenValue(APP_TOKEN.to_owned()));
        listener.listen_for(&token).await.unwrap();
        listener.start().await;

        assert!(slack.wait_for_socket(1).await, "the client connected");
        let opened = slack.calls_to("apps.connections.open");
        assert_eq!(opened.len(), 1);
        assert_eq!(opened[0].error, None, "opened with the app token");

        let id = slack.push_envelope("slash_commands", slash_command());
        let ack = slack.ack(&id).await.expect("the command is acknowledged");
        assert_eq!(
            ack["payload"]["text"],
            "got /incident open critical db-loss"
        );

        slack.disconnect_socket();
        assert!(slack.wait_for_socket(2).await, "the client reconnected");
        let id = slack.push_envelope("interactive", button_click());
        let ack = slack.ack(&id).await.expect("the click is acknowledged");
        assert_eq!(ack["envelope_id"], id.as_str());
        assert_eq!(slack.acks().len(), 2);
        listener.shutdown().await;
    }
}
