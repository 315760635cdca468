//! A platform's sender driven by the real outbox worker in virtual time, for the sender tests:
//! a store (SQLite or PostgreSQL) holding incident 1 of one channel, a simulated clock moved to each wake-up the
//! worker asks for, and the attempts it made. Also the messages such tests queue.

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::notify::{Block, Message, MessageKind};
use incident_bot::outbox::{
    Attempt, Deliver, DeliveryError, DeliveryPolicy, Doorbell, OutboxWorker, Outcome,
};
use incident_bot::store::{
    ChannelKey, Commit, IncidentId, NewEvent, NewPost, Replaces, Store, UnixMillis,
};
use sqlx::Row;

use crate::test_db::TestDb;

/// 2026-11-25 03:04:00 UTC.
pub const T0: i64 = 1_795_575_840_000;
/// A sender's timeout per call: short, so a hung call costs the test little, yet long enough
/// for a loaded machine to answer every other call within it.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(1);

pub struct SenderRig<D: Deliver> {
    pub db: TestDb,
    pub clock: SimulatedClock,
    pub channel: ChannelKey,
    pub worker: OutboxWorker<D>,
}

impl<D: Deliver + 'static> SenderRig<D> {
    /// The worker delivering `channel`'s posts through `sender`, on the store of `db` (SQLite
    /// or PostgreSQL).
    pub async fn start_on(db: TestDb, channel: ChannelKey, sender: D) -> SenderRig<D> {
        let clock = SimulatedClock::starting_at(DateTime::from_timestamp_millis(T0).unwrap());
        let policy = DeliveryPolicy {
            idle_poll: Duration::from_secs(3600),
            ..DeliveryPolicy::default()
        };
        let worker = OutboxWorker::new(
            db.store.clone(),
            Arc::new(clock.clone()),
            Arc::new(sender),
            policy,
            Doorbell::default().listen(),
        );
        SenderRig {
            db,
            clock,
            channel,
            worker,
        }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// A post of `message` to the rig's channel, editing post `replaces` if given.
    pub fn new_post(&self, message: &Message, replaces: Option<u64>) -> NewPost {
        new_post(&self.channel, message, replaces)
    }

    /// Opens incident 1 with `messages` as its first posts; their ids.
    pub async fn open(&self, messages: &[Message]) -> Vec<u64> {
        let posts = messages.iter().map(|m| self.new_post(m, None)).collect();
        let incident = self
            .store()
            .create_incident(&self.channel, at(T0), &commit(posts, T0), at(T0))
            .await
            .unwrap();
        assert_eq!(incident, IncidentId::new(1));
        self.post_ids().await
    }

    /// Queues more posts of incident 1 (at `version`, its number of events so far); all post ids.
    pub async fn add(&self, version: u64, posts: Vec<NewPost>) -> Vec<u64> {
        let now = self.now_ms();
        self.store()
            .commit(IncidentId::new(1), version, &commit(posts, now), at(now))
            .await
            .unwrap();
        self.post_ids().await
    }

    pub async fn post_ids(&self) -> Vec<u64> {
        sqlx::query("SELECT id FROM outbox ORDER BY id")
            .fetch_all(self.store().pool())
            .await
            .unwrap()
            .iter()
            .map(|row| u64::try_from(row.get::<i64, _>("id")).unwrap())
            .collect()
    }

    /// Rounds in virtual time, the clock moved to each wake-up, until nothing is queued or the
    /// next wake-up is more than a minute away; every attempt made.
    pub async fn drive(&self) -> Vec<Attempt> {
        let until = self.now_ms() + 60_000;
        let mut attempts = Vec::new();
        for _ in 0..1000 {
            let round = self.worker.deliver_due().await.unwrap();
            attempts.extend(round.attempts);
            match round.next_wake_at_ms {
                None => return attempts,
                Some(at) if at.millis() > until => return attempts,
                Some(at) if at.millis() > self.now_ms() => {
                    self.clock.set(at.to_datetime().unwrap())
                }
                Some(_) => {}
            }
        }
        panic!("the worker never settled");
    }

    pub async fn message_ref(&self, post_id: u64) -> Option<String> {
        sqlx::query("SELECT message_ref FROM outbox WHERE id = $1")
            .bind(i64::try_from(post_id).unwrap())
            .fetch_one(self.store().pool())
            .await
            .unwrap()
            .get("message_ref")
    }

    pub async fn unsent(&self) -> usize {
        sqlx::query("SELECT id FROM outbox WHERE sent_at_ms IS NULL")
            .fetch_all(self.store().pool())
            .await
            .unwrap()
            .len()
    }
}

/// A post of `message` to `channel`, editing post `replaces` if given.
pub fn new_post(channel: &ChannelKey, message: &Message, replaces: Option<u64>) -> NewPost {
    NewPost {
        channel: channel.clone(),
        kind: serde_json::to_value(message.kind)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
        body: serde_json::to_string(message).unwrap(),
        replaces: replaces.map(Replaces::Post),
    }
}

/// The store's instant `millis` milliseconds after the epoch.
pub fn at(millis: i64) -> UnixMillis {
    UnixMillis::new(millis)
}

/// A commit of one note event that queues `posts`.
pub fn commit(posts: Vec<NewPost>, at_ms: i64) -> Commit {
    Commit {
        events: vec![NewEvent {
            at_ms: UnixMillis::new(at_ms),
            actor: "U0ALICE".to_owned(),
            kind: "note".to_owned(),
            data: "{}".to_owned(),
        }],
        state: "{}".to_owned(),
        is_open: true,
        posts,
        ..Commit::default()
    }
}

/// A one-paragraph message of incident 1.
pub fn text(kind: MessageKind, text: &str) -> Message {
    Message::text(kind, Some(1), text)
}

/// The post-mortem draft of incident 1, with a line of text before it or not.
pub fn postmortem(markdown: &str, with_text: bool) -> Message {
    let mut message = Message::new(MessageKind::Reply, Some(1));
    if with_text {
        message = message.with(Block::Text {
            text: "Post-mortem draft for INC-1".to_owned(),
        });
    }
    message.with(Block::Document {
        filename: "INC-1-postmortem.md".to_owned(),
        markdown: markdown.to_owned(),
    })
}

/// A Markdown document long enough to need several messages.
pub fn long_markdown() -> String {
    let mut markdown = String::from("# INC-1 post-mortem\n\n## Timeline\n\n");
    for minute in 0..150 {
        markdown.push_str(&format!(
            "- 03:{:02} step {minute} confirmed by <@U0ALICE> after `pg_restore` *ran*\n",
            minute % 60
        ));
    }
    markdown
}

/// The errors of the attempts that failed.
pub fn errors(attempts: &[Attempt]) -> Vec<DeliveryError> {
    attempts
        .iter()
        .filter_map(|attempt| match &attempt.outcome {
            Outcome::Retry { error, .. } | Outcome::DeadLetter { error } => Some(error.clone()),
            Outcome::Sent { .. } => None,
        })
        .collect()
}
