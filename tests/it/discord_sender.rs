//! The Discord sender through the real outbox worker, against the Discord stand-in: posts queued
//! in the store, delivered in virtual time (a simulated clock moved to each wake-up the worker
//! asks for), checked in what the stand-in received and holds, and what the store recorded. The
//! behaviours every sender shares are the contract (`sender_contract`), run here on Discord;
//! this module has Discord's own.

use std::ops::Deref;
use std::time::Duration;

use incident_bot::chat::discord::rest::DiscordRest;
use incident_bot::chat::discord::sender::{DiscordSender, SenderOptions};
use incident_bot::notify::MessageKind;
use incident_bot::platform::Platform;
use incident_bot::store::ChannelKey;
use serde_json::{json, Value};

use crate::discord_standin::{
    Answer, Call, DiscordStandIn, BOT_TOKEN, CREATE_MESSAGE, EDIT_MESSAGE, START_THREAD,
};
use crate::sender_contract::SenderUnderTest;
use crate::sender_rig::{errors, long_markdown, postmortem, text, SenderRig, CALL_TIMEOUT};
use crate::test_db::TestDb;

const CHANNEL: &str = "645027906669510667";

sender_contract!();

// ---------------------------------------------------------------------------------------------
// The rig

struct Rig {
    discord: DiscordStandIn,
    outbox: SenderRig<DiscordSender>,
}

impl Deref for Rig {
    type Target = SenderRig<DiscordSender>;

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
    let discord = DiscordStandIn::start().await;
    let rest = DiscordRest::new(&discord.api_url(), BOT_TOKEN)
        .unwrap()
        .with_timeout(CALL_TIMEOUT);
    let outbox = SenderRig::start_on(db, channel(), DiscordSender::new(rest, options)).await;
    Rig { discord, outbox }
}

impl Rig {
    /// The first message's id: the incident's thread.
    fn first_message_id(&self) -> String {
        let messages = self.discord.messages_in(CHANNEL);
        messages[0]["id"].as_str().expect("a message id").to_owned()
    }
}

fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Discord,
        workspace: "290926798626357999".to_owned(),
        channel: CHANNEL.to_owned(),
    }
}

/// The description of a message's (or a call body's) first embed: what the bot said.
fn said(message: &Value) -> &str {
    message["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
}

fn reference(channel: &str, message: &Value) -> Option<String> {
    Some(format!("{channel}/{}", message["id"].as_str().unwrap()))
}

// ---------------------------------------------------------------------------------------------
// The contract, on Discord

impl SenderUnderTest for Rig {
    type Sender = DiscordSender;

    const NO_ANSWER: &'static str = "did not answer";

    async fn start(options: SenderOptions) -> Rig {
        rig_with(options).await
    }

    async fn start_on(db: TestDb, options: SenderOptions) -> Rig {
        rig_on(db, options).await
    }

    fn refuse_the_next_posts_for_good(&self, count: usize) -> &'static str {
        self.discord.script(
            CREATE_MESSAGE,
            (0..count).map(|_| Answer::Error {
                status: 400,
                code: 50035,
            }),
        );
        "code 50035"
    }

    fn delete_message(&self, message_ref: &str) {
        let (channel, message) = message_ref.split_once('/').expect("channel/message");
        self.discord.delete_message(channel, message);
    }

    fn delivered_texts(&self) -> Vec<String> {
        self.discord
            .messages()
            .iter()
            .map(|message| said(message).to_owned())
            .collect()
    }

    fn fail_the_next_three_posts(&self) -> Duration {
        self.discord.script(
            CREATE_MESSAGE,
            [Answer::rate_limited(1.5), Answer::Status(500), Answer::Hang],
        );
        Duration::from_millis(1500)
    }

    fn calls(&self) -> usize {
        self.discord.calls().len()
    }

    fn assert_each_post_once_in_order(&self) {
        let seen: Vec<(String, u16)> = self
            .discord
            .calls_to(CREATE_MESSAGE)
            .iter()
            .map(|call| (said(&call.body).to_owned(), call.status))
            .collect();
        let expected = [
            ("first", 429),
            ("first", 500),
            ("first", 0),
            ("first", 200),
            ("second", 404),
            ("second", 200),
            ("third", 200),
        ]
        .map(|(text, status)| (text.to_owned(), status));
        assert_eq!(seen, expected);
    }

    /// Into a thread started once from the first message.
    async fn assert_later_posts_in_the_thread(&self, ids: &[u64]) {
        let in_channel = self.discord.messages_in(CHANNEL);
        assert_eq!(
            in_channel.iter().map(said).collect::<Vec<_>>(),
            ["INC-1 opened"]
        );
        let thread = self.first_message_id();
        assert_eq!(
            self.discord.threads(),
            [(CHANNEL.to_owned(), thread.clone(), "INC-1".to_owned())]
        );
        assert_eq!(self.discord.calls_to(START_THREAD).len(), 1, "started once");
        let in_thread = self.discord.messages_in(&thread);
        assert_eq!(
            in_thread.iter().map(said).collect::<Vec<_>>(),
            ["Step 1", "a note"]
        );
        assert_eq!(
            self.message_ref(ids[0]).await,
            reference(CHANNEL, &in_channel[0])
        );
        assert_eq!(
            self.message_ref(ids[1]).await,
            reference(&thread, &in_thread[0])
        );
        assert_eq!(
            self.message_ref(ids[2]).await,
            reference(&thread, &in_thread[1])
        );
        // The first post into the thread found it missing (10003), then started it.
        let statuses: Vec<(&str, u16, Option<u64>)> = self
            .discord
            .calls()
            .iter()
            .map(|call| (call.route, call.status, call.code))
            .collect();
        assert_eq!(
            statuses,
            [
                (CREATE_MESSAGE, 200, None),
                (CREATE_MESSAGE, 404, Some(10003)),
                (START_THREAD, 201, None),
                (CREATE_MESSAGE, 200, None),
                (CREATE_MESSAGE, 200, None),
            ]
        );
    }

    /// A `PATCH` of the checklist's message, in its thread.
    fn assert_edited(&self, checklist_ref: &str) {
        let edits = self.discord.calls_to(EDIT_MESSAGE);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].status, 200);
        let (thread, message) = checklist_ref.split_once('/').unwrap();
        assert_eq!(
            thread,
            self.first_message_id(),
            "the checklist is in the thread"
        );
        assert_eq!(
            edits[0].path,
            format!("/channels/{thread}/messages/{message}")
        );
        let in_thread = self.discord.messages_in(thread);
        assert_eq!(in_thread.len(), 1, "an edit posts no new message");
        assert_eq!(said(&in_thread[0]), "Step 2 of 6");
    }

    /// In the channel instead of the thread.
    fn assert_update_placed(&self, updates_in_channel: bool) {
        let in_channel: Vec<String> = self
            .discord
            .messages_in(CHANNEL)
            .iter()
            .map(|message| said(message).to_owned())
            .collect();
        let in_thread: Vec<String> = self
            .discord
            .messages_in(&self.first_message_id())
            .iter()
            .map(|message| said(message).to_owned())
            .collect();
        if updates_in_channel {
            assert_eq!(in_channel, ["INC-1 opened", "15-minute update"]);
            assert_eq!(in_thread, ["a note"]);
        } else {
            assert_eq!(in_channel, ["INC-1 opened"]);
            assert_eq!(in_thread, ["15-minute update", "a note"]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Discord's own behaviours

#[tokio::test]
async fn a_channel_without_threads_gets_the_posts_itself() {
    let rig = rig().await;
    rig.discord.refuse_threads(CHANNEL, 400, 50024);
    rig.open(&[
        text(MessageKind::Opened, "INC-1 opened"),
        text(MessageKind::Checklist, "Step 1"),
        text(MessageKind::Note, "a note"),
    ])
    .await;
    let attempts = rig.drive().await;

    assert!(errors(&attempts).is_empty(), "{attempts:#?}");
    let in_channel = rig.discord.messages_in(CHANNEL);
    assert_eq!(
        in_channel.iter().map(said).collect::<Vec<_>>(),
        ["INC-1 opened", "Step 1", "a note"]
    );
    assert!(rig.discord.threads().is_empty());
    assert_eq!(
        rig.discord.calls_to(START_THREAD).len(),
        1,
        "asked once, then remembered"
    );
    assert_eq!(
        rig.discord.calls_to(CREATE_MESSAGE).len(),
        4,
        "the note went to the channel in one call: {:#?}",
        rig.discord.calls()
    );
}

#[tokio::test]
async fn a_post_mortem_arrives_as_an_attachment_in_the_thread() {
    let rig = rig().await;
    let markdown = long_markdown();
    rig.open(&[text(MessageKind::Opened, "INC-1 opened")]).await;
    rig.drive().await;
    rig.add(1, vec![rig.new_post(&postmortem(&markdown, true), None)])
        .await;
    rig.drive().await;

    let call: Call = rig.discord.calls_to(CREATE_MESSAGE).pop().expect("a post");
    assert!(call.multipart, "one multipart call with the file");
    assert_eq!(call.status, 200);
    assert_eq!(call.files.len(), 1);
    let file = &call.files[0];
    assert_eq!(file.field, "files[0]");
    assert_eq!(file.filename, "INC-1-postmortem.md");
    assert_eq!(file.content, markdown);
    assert_eq!(
        file.content_type.as_deref(),
        Some("text/markdown; charset=utf-8")
    );
    assert_eq!(
        call.body["attachments"],
        json!([{"id": 0, "filename": "INC-1-postmortem.md"}])
    );
    let in_thread = rig.discord.messages_in(&rig.first_message_id());
    assert_eq!(in_thread.len(), 1);
    assert_eq!(
        said(&in_thread[0]),
        "Post-mortem draft for INC-1\n📄 INC-1-postmortem.md"
    );
    assert_eq!(
        in_thread[0]["attachments"][0]["filename"],
        "INC-1-postmortem.md"
    );
    assert_eq!(call.message_id.as_deref(), in_thread[0]["id"].as_str());
}

#[tokio::test]
async fn user_text_never_pings() {
    let rig = rig().await;
    let mut note = text(
        MessageKind::Note,
        "@everyone @here <@&123> restore **now** `x` [link](http://evil)",
    );
    note.mentions = vec!["53908232506183680".to_owned()];
    rig.open(&[note]).await;
    rig.drive().await;

    let sent = &rig.discord.calls_to(CREATE_MESSAGE)[0].body;
    assert_eq!(
        sent["allowed_mentions"],
        json!({"parse": [], "users": ["53908232506183680"], "roles": []})
    );
    assert_eq!(sent["content"], "<@53908232506183680>");
    let shown = said(sent);
    for raw in ["@everyone", "@here", "<@&123>", "**now**", "`x`", "[link]"] {
        assert!(!shown.contains(raw), "{raw} reached Discord as is: {shown}");
    }
}

#[tokio::test]
async fn an_exhausted_bucket_makes_the_client_wait_instead_of_hitting_a_429() {
    let rig = rig_with(SenderOptions {
        updates_in_channel: true,
    })
    .await;
    // One post per 300 ms in the channel: a client that did not wait would get a 429 (and the
    // outbox would record a retry).
    rig.discord
        .limit(CREATE_MESSAGE, 1, Duration::from_millis(300));
    rig.open(&[
        text(MessageKind::Opened, "INC-1 opened"),
        text(MessageKind::Update, "update 1"),
        text(MessageKind::Update, "update 2"),
    ])
    .await;
    let attempts = rig.drive().await;

    assert!(errors(&attempts).is_empty(), "{attempts:#?}");
    let statuses: Vec<u16> = rig
        .discord
        .calls_to(CREATE_MESSAGE)
        .iter()
        .map(|call| call.status)
        .collect();
    assert_eq!(
        statuses,
        [200, 200, 200],
        "no call came before its bucket reset"
    );
    assert_eq!(rig.discord.messages_in(CHANNEL).len(), 3);
}
