//! The outbox delivery worker on both backends, against a scripted stand-in for a chat platform,
//! in virtual time: each test moves a simulated clock to the times the worker asks to be woken
//! and checks what the platform saw (which post, when) and what the store recorded.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::DateTime;
use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::notify::{Message, MessageKind};
use incident_bot::outbox::{
    Attempt, Deliver, Delivered, DeliveryError, DeliveryPolicy, Doorbell, OutboxWorker, Outcome,
    Post, Round,
};
use incident_bot::platform::Platform;
use incident_bot::store::{ChannelKey, Commit, NewEvent, NewPost, Replaces, Store, UnixMillis};
use sqlx::Row;
use tokio::sync::Semaphore;

use crate::test_db::TestDb;

/// 2026-11-01T00:00:00Z.
const T0: i64 = 1_793_491_200_000;
const SECOND: i64 = 1000;
/// The default claim lease.
const LEASE: i64 = 120 * SECOND;

on_both_backends! {
    retries_wait_as_told_then_the_channel_goes_on(db) => retries_and_backoff(&db.store);
    a_failing_post_holds_back_its_channel_only(db) => failing_head_blocks_its_channel(&db.store);
    one_post_per_second_per_channel(db) => pacing(&db.store);
    more_channels_than_one_round_reads_go_out_at_once(db) => more_channels_than_a_round_reads(&db.store);
    a_restart_resends_nothing_and_loses_nothing(db) => restart(&db);
    an_edit_gets_the_message_ref_of_the_post_it_edits(db) => edits(&db.store);
    an_edit_in_another_channel_waits_for_the_post_it_edits(db) => cross_channel_edit(&db.store);
    an_edit_and_the_post_in_its_place_share_one_deadline(db) => edit_fallback_deadline(&db.store);
    two_workers_on_one_database_send_each_post_once(db) => two_workers(&db.store);
    shutdown_finishes_the_delivery_in_flight(db) => shutdown(&db.store);
}

// ---------------------------------------------------------------------------------------------
// A stand-in platform

/// One call of the platform's API.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    post: u64,
    channel: String,
    at_ms: i64,
    /// The message it edits, if any.
    edits: Option<String>,
}

type Answer = Result<Delivered, DeliveryError>;

/// Records every call; answers from a per-channel script, then "delivered, ref `ts-<post id>`".
struct FakePlatform {
    clock: SimulatedClock,
    calls: Mutex<Vec<Call>>,
    script: Mutex<HashMap<String, VecDeque<Answer>>>,
    /// When set, each call waits for a permit: a platform slow to answer.
    gate: Option<Arc<Semaphore>>,
}

impl FakePlatform {
    fn new(clock: &SimulatedClock) -> Arc<FakePlatform> {
        FakePlatform::gated(clock, None)
    }

    fn gated(clock: &SimulatedClock, gate: Option<Arc<Semaphore>>) -> Arc<FakePlatform> {
        Arc::new(FakePlatform {
            clock: clock.clone(),
            calls: Mutex::new(Vec::new()),
            script: Mutex::new(HashMap::new()),
            gate,
        })
    }

    fn script(&self, channel: &str, answers: impl IntoIterator<Item = Answer>) {
        self.script
            .lock()
            .unwrap()
            .entry(channel.to_owned())
            .or_default()
            .extend(answers);
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// (post, time) of the calls to one channel.
    fn calls_to(&self, channel: &str) -> Vec<(u64, i64)> {
        self.calls()
            .into_iter()
            .filter(|call| call.channel == channel)
            .map(|call| (call.post, call.at_ms))
            .collect()
    }
}

impl Deliver for FakePlatform {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn deliver(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        self.calls.lock().unwrap().push(Call {
            post: post.id,
            channel: post.channel.channel.clone(),
            at_ms: self.clock.now().timestamp_millis(),
            edits: post.replaces.clone(),
        });
        if let Some(gate) = &self.gate {
            gate.acquire().await.unwrap().forget();
        }
        let scripted = self
            .script
            .lock()
            .unwrap()
            .get_mut(&post.channel.channel)
            .and_then(VecDeque::pop_front);
        scripted.unwrap_or_else(|| {
            Ok(Delivered {
                message_ref: Some(format!("ts-{}", post.id)),
            })
        })
    }
}

fn rate_limited(seconds: u64) -> Answer {
    Err(DeliveryError::RateLimited {
        retry_after: Duration::from_secs(seconds),
    })
}

fn transient(reason: &str) -> Answer {
    Err(DeliveryError::Transient(reason.to_owned()))
}

fn rejected(reason: &str) -> Answer {
    Err(DeliveryError::Rejected(reason.to_owned()))
}

// ---------------------------------------------------------------------------------------------
// Builders and probes

fn clock() -> SimulatedClock {
    SimulatedClock::starting_at(DateTime::from_timestamp_millis(T0).unwrap())
}

fn now_ms(clock: &SimulatedClock) -> i64 {
    clock.now().timestamp_millis()
}

fn set(clock: &SimulatedClock, at_ms: i64) {
    clock.set(DateTime::from_timestamp_millis(at_ms).unwrap());
}

fn channel(id: &str) -> ChannelKey {
    ChannelKey {
        platform: Platform::Slack,
        workspace: "T0001".to_owned(),
        channel: id.to_owned(),
    }
}

/// A post of an update saying `text` to `channel_id`.
fn post(channel_id: &str, text: &str, replaces: Option<u64>) -> NewPost {
    NewPost {
        channel: channel(channel_id),
        kind: "update".to_owned(),
        body: serde_json::to_string(&Message::text(MessageKind::Update, None, text)).unwrap(),
        replaces: replaces.map(Replaces::Post),
    }
}

/// The default policy, but an idle poll of an hour: nothing goes out unless due or woken.
fn policy() -> DeliveryPolicy {
    DeliveryPolicy {
        idle_poll: Duration::from_secs(3600),
        ..DeliveryPolicy::default()
    }
}

fn worker(
    store: &Store,
    clock: &SimulatedClock,
    platform: &Arc<FakePlatform>,
) -> OutboxWorker<FakePlatform> {
    worker_with(store, clock, platform, policy())
}

fn worker_with(
    store: &Store,
    clock: &SimulatedClock,
    platform: &Arc<FakePlatform>,
    policy: DeliveryPolicy,
) -> OutboxWorker<FakePlatform> {
    worker_woken_by(store, clock, platform, policy, &Doorbell::default())
}

fn worker_woken_by(
    store: &Store,
    clock: &SimulatedClock,
    platform: &Arc<FakePlatform>,
    policy: DeliveryPolicy,
    doorbell: &Doorbell,
) -> OutboxWorker<FakePlatform> {
    OutboxWorker::new(
        store.clone(),
        Arc::new(clock.clone()),
        Arc::clone(platform),
        policy,
        doorbell.listen(),
    )
}

/// Opens an incident in `channel_id` whose first commit, at `at_ms`, queues `posts`; their ids.
async fn queue(store: &Store, channel_id: &str, posts: Vec<NewPost>, at_ms: i64) -> Vec<u64> {
    let commit = Commit {
        events: vec![NewEvent {
            at_ms: UnixMillis::new(at_ms),
            actor: "U_ALICE".to_owned(),
            kind: "opened".to_owned(),
            data: "{}".to_owned(),
        }],
        state: "{}".to_owned(),
        is_open: true,
        posts,
        ..Commit::default()
    };
    let incident = store
        .create_incident(
            &channel(channel_id),
            UnixMillis::new(at_ms),
            &commit,
            UnixMillis::new(at_ms),
        )
        .await
        .unwrap();
    let rows = sqlx::query("SELECT id FROM outbox WHERE incident_id = $1 ORDER BY id")
        .bind(i64::try_from(incident.number()).unwrap())
        .fetch_all(store.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|row| u64::try_from(row.get::<i64, _>("id")).unwrap())
        .collect()
}

/// Queues posts with the given bodies in one channel, in order.
async fn queue_bodies(store: &Store, channel_id: &str, bodies: &[&str], at_ms: i64) -> Vec<u64> {
    let posts = bodies
        .iter()
        .map(|body| post(channel_id, body, None))
        .collect();
    queue(store, channel_id, posts, at_ms).await
}

/// A post's row as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    attempts: i64,
    next_attempt_at_ms: i64,
    sent_at_ms: Option<i64>,
    message_ref: Option<String>,
    last_error: Option<String>,
}

async fn stored(store: &Store, post_id: u64) -> Stored {
    let row = sqlx::query(
        "SELECT attempts, next_attempt_at_ms, sent_at_ms, message_ref, last_error \
         FROM outbox WHERE id = $1",
    )
    .bind(i64::try_from(post_id).unwrap())
    .fetch_one(store.pool())
    .await
    .unwrap();
    Stored {
        attempts: row.get("attempts"),
        next_attempt_at_ms: row.get("next_attempt_at_ms"),
        sent_at_ms: row.get("sent_at_ms"),
        message_ref: row.get("message_ref"),
        last_error: row.get("last_error"),
    }
}

async fn unsent(store: &Store) -> Vec<u64> {
    let rows = sqlx::query("SELECT id FROM outbox WHERE sent_at_ms IS NULL ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|row| u64::try_from(row.get::<i64, _>("id")).unwrap())
        .collect()
}

/// A round at `at_ms`.
async fn round_at(
    worker: &OutboxWorker<FakePlatform>,
    clock: &SimulatedClock,
    at_ms: i64,
) -> Round {
    set(clock, at_ms);
    worker.deliver_due().await.unwrap()
}

/// Runs rounds in virtual time, moving the clock to each wake-up the worker asks for, until it
/// knows of nothing queued or its next wake-up is after `until_ms`.
async fn drive(worker: &OutboxWorker<FakePlatform>, clock: &SimulatedClock, until_ms: i64) {
    for _ in 0..10_000 {
        match worker.deliver_due().await.unwrap().next_wake_at_ms {
            None => return,
            Some(at) if at.millis() > until_ms => return,
            Some(at) if at.millis() > now_ms(clock) => set(clock, at.millis()),
            Some(_) => {}
        }
    }
    panic!("the worker kept asking to be woken without settling");
}

/// Each post exactly once across `calls`' successful deliveries, and in id order per channel.
fn assert_each_once_in_order(calls: &[(u64, i64)], expected: &[u64]) {
    let mut posts: Vec<u64> = calls.iter().map(|&(post, _)| post).collect();
    posts.dedup();
    assert_eq!(posts, expected);
}

// ---------------------------------------------------------------------------------------------
// Behaviours

/// 429 with Retry-After, a 500, a timeout, then success: each retry exactly when due (never
/// before), backoff doubling from the store's attempt count; the channel's later posts wait and
/// then follow one per second.
async fn retries_and_backoff(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    platform.script(
        "C1",
        [
            rate_limited(3),
            transient("HTTP 500 Internal Server Error"),
            transient("timed out after 10s"),
        ],
    );
    let worker = worker(store, &clock, &platform);
    let [a, b, c] = queue_bodies(store, "C1", &["a", "b", "c"], T0).await[..] else {
        panic!("three posts")
    };

    let round = round_at(&worker, &clock, T0).await;
    assert_eq!(round.attempts.len(), 1);
    assert_eq!(
        round.attempts[0].outcome,
        Outcome::Retry {
            error: DeliveryError::RateLimited {
                retry_after: Duration::from_secs(3)
            },
            next_attempt_at_ms: UnixMillis::new(T0 + 3 * SECOND),
        }
    );
    assert_eq!(
        round.next_wake_at_ms,
        Some(UnixMillis::new(T0 + 3 * SECOND))
    );
    let after_429 = stored(store, a).await;
    assert_eq!(
        (
            after_429.attempts,
            after_429.next_attempt_at_ms,
            after_429.sent_at_ms
        ),
        (1, T0 + 3 * SECOND, None)
    );
    assert_eq!(
        after_429.last_error.as_deref(),
        Some("rate limited: the platform asked to wait 3s")
    );

    // Not a millisecond early, and the posts behind it wait too.
    let early = round_at(&worker, &clock, T0 + 3 * SECOND - 1).await;
    assert!(early.attempts.is_empty());
    assert_eq!(
        early.next_wake_at_ms,
        Some(UnixMillis::new(T0 + 3 * SECOND))
    );

    // The 500, after 1 failed attempt: 2 s.
    let round = round_at(&worker, &clock, T0 + 3 * SECOND).await;
    assert_eq!(
        round.next_wake_at_ms,
        Some(UnixMillis::new(T0 + 5 * SECOND))
    );
    let after_500 = stored(store, a).await;
    assert_eq!(
        (after_500.attempts, after_500.next_attempt_at_ms),
        (2, T0 + 5 * SECOND)
    );
    assert_eq!(
        after_500.last_error.as_deref(),
        Some("temporary failure: HTTP 500 Internal Server Error")
    );

    // The timeout, after 2: 4 s.
    round_at(&worker, &clock, T0 + 5 * SECOND).await;
    assert_eq!(stored(store, a).await.next_attempt_at_ms, T0 + 9 * SECOND);
    assert!(round_at(&worker, &clock, T0 + 9 * SECOND - 1)
        .await
        .attempts
        .is_empty());

    let round = round_at(&worker, &clock, T0 + 9 * SECOND).await;
    assert_eq!(
        round.attempts[0].outcome,
        Outcome::Sent {
            message_ref: Some(format!("ts-{a}"))
        }
    );
    assert_eq!(
        round.next_wake_at_ms,
        Some(UnixMillis::new(T0 + 10 * SECOND))
    );
    let sent = stored(store, a).await;
    assert_eq!(
        (sent.attempts, sent.sent_at_ms, sent.message_ref),
        (3, Some(T0 + 9 * SECOND), Some(format!("ts-{a}")))
    );

    drive(&worker, &clock, i64::MAX).await;
    assert_eq!(
        platform.calls_to("C1"),
        [
            (a, T0),
            (a, T0 + 3 * SECOND),
            (a, T0 + 5 * SECOND),
            (a, T0 + 9 * SECOND),
            (b, T0 + 10 * SECOND),
            (c, T0 + 11 * SECOND),
        ]
    );
    assert!(unsent(store).await.is_empty());
}

/// A post the platform keeps refusing stays queued and is retried with backoff; the posts behind
/// it in its channel wait, another channel goes on. Once it is accepted, its channel follows.
async fn failing_head_blocks_its_channel(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    platform.script("CX", (0..5).map(|_| rejected("channel_not_found")));
    let worker = worker(store, &clock, &platform);
    let x = queue_bodies(store, "CX", &["x1", "x2"], T0).await;
    let y = queue_bodies(store, "CY", &["y1", "y2"], T0).await;

    drive(&worker, &clock, T0 + 30 * SECOND).await;
    assert_eq!(platform.calls_to("CY"), [(y[0], T0), (y[1], T0 + SECOND)]);
    // 1, 2, 4, 8 s apart; x2 never tried.
    let x1_attempts = [0, 1, 3, 7, 15].map(|s| (x[0], T0 + s * SECOND));
    assert_eq!(platform.calls_to("CX"), x1_attempts);
    let x1 = stored(store, x[0]).await;
    assert_eq!(
        (x1.attempts, x1.next_attempt_at_ms, x1.sent_at_ms),
        (5, T0 + 31 * SECOND, None)
    );
    assert_eq!(
        x1.last_error.as_deref(),
        Some("refused by the platform: channel_not_found")
    );
    assert_eq!(unsent(store).await, x);

    // Fixed: the sixth try goes through, and x2 follows a second later.
    drive(&worker, &clock, i64::MAX).await;
    let calls = platform.calls_to("CX");
    assert_eq!(
        calls[5..],
        [(x[0], T0 + 31 * SECOND), (x[1], T0 + 32 * SECOND)]
    );
    assert!(unsent(store).await.is_empty());
}

/// Two channels with four posts each, and a worker woken every 250 ms (a busy engine ringing
/// it): one post per second in each channel, the two channels side by side, each in order.
async fn pacing(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    let worker = worker(store, &clock, &platform);
    let a = queue_bodies(store, "CA", &["a1", "a2", "a3", "a4"], T0).await;
    let b = queue_bodies(store, "CB", &["b1", "b2", "b3", "b4"], T0).await;

    for quarter in 0..20 {
        round_at(&worker, &clock, T0 + quarter * SECOND / 4).await;
    }
    let times: Vec<i64> = (0..4).map(|n| T0 + n * SECOND).collect();
    let expected = |ids: &[u64]| ids.iter().copied().zip(times.clone()).collect::<Vec<_>>();
    assert_eq!(platform.calls_to("CA"), expected(&a));
    assert_eq!(platform.calls_to("CB"), expected(&b));
    for id in a.iter().chain(&b) {
        let row = stored(store, *id).await;
        assert_eq!(row.attempts, 0);
        assert_eq!(row.message_ref, Some(format!("ts-{id}")));
    }
}

/// Five channels with a post each, a worker that reads two channels per round and sends to
/// one at a time: every post goes out at once, the worker asking for the next round right away.
async fn more_channels_than_a_round_reads(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    let small = DeliveryPolicy {
        batch: 2,
        max_in_flight: 1,
        ..policy()
    };
    let worker = worker_with(store, &clock, &platform, small);
    let mut posts = Vec::new();
    for id in ["C1", "C2", "C3", "C4", "C5"] {
        posts.extend(queue_bodies(store, id, &["opened"], T0).await);
    }
    let round = round_at(&worker, &clock, T0).await;
    assert_eq!(round.attempts.len(), 2);
    assert_eq!(round.next_wake_at_ms, Some(UnixMillis::new(T0)));
    drive(&worker, &clock, i64::MAX).await;
    let calls: Vec<(u64, i64)> = platform
        .calls()
        .iter()
        .map(|call| (call.post, call.at_ms))
        .collect();
    assert_eq!(
        calls,
        posts.iter().map(|&post| (post, T0)).collect::<Vec<_>>()
    );
}

/// A worker sends some posts, another is claimed by a worker that then dies, and the process
/// stops. After a restart, a new worker sends what was pending (the claimed post once its claim
/// has run out) and nothing that was already sent.
async fn restart(db: &TestDb) {
    let clock = clock();
    let before = FakePlatform::new(&clock);
    let first = worker(&db.store, &clock, &before);
    let a = queue_bodies(&db.store, "CA", &["a1", "a2", "a3"], T0).await;
    let b = queue_bodies(&db.store, "CB", &["b1", "b2", "b3"], T0).await;
    round_at(&first, &clock, T0).await;
    round_at(&first, &clock, T0 + SECOND).await;
    assert_eq!(unsent(&db.store).await, [a[2], b[2]]);
    // A worker claims a3 and dies before the platform answers.
    let died_at = T0 + 2 * SECOND;
    assert!(db
        .store
        .claim_post(
            a[2],
            UnixMillis::new(died_at),
            UnixMillis::new(died_at + LEASE),
        )
        .await
        .unwrap());
    drop(first);
    db.store.close().await;

    let store = db.reopen().await;
    let after = FakePlatform::new(&clock);
    let second = worker(&store, &clock, &after);
    let c = queue_bodies(&store, "CC", &["c1"], died_at).await;
    set(&clock, died_at);
    drive(&second, &clock, i64::MAX).await;
    let mut calls = after.calls();
    calls.sort_by_key(|call| (call.at_ms, call.post));
    assert_eq!(
        calls,
        [
            (b[2], "CB", died_at),
            (c[0], "CC", died_at),
            (a[2], "CA", died_at + LEASE),
        ]
        .map(|(post, channel, at_ms)| Call {
            post,
            channel: channel.to_owned(),
            at_ms,
            edits: None,
        })
    );
    assert!(unsent(&store).await.is_empty());
    assert_eq!(before.calls_to("CA"), [(a[0], T0), (a[1], T0 + SECOND)]);
    store.close().await;
}

/// An edit goes out after the post it edits, with that post's message reference, which the
/// store recorded.
async fn edits(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    let worker = worker(store, &clock, &platform);
    let [checklist] = queue_bodies(store, "C1", &["step 1/9"], T0).await[..] else {
        panic!("one post")
    };
    let posts = vec![
        post("C1", "step 2/9", Some(checklist)),
        post("C1", "note", None),
    ];
    let [edit, next] = queue(store, "C1", posts, T0).await[..] else {
        panic!("two posts")
    };

    let round = round_at(&worker, &clock, T0).await;
    assert_eq!(
        round.attempts[0].outcome,
        Outcome::Sent {
            message_ref: Some(format!("ts-{checklist}"))
        }
    );
    assert_eq!(
        stored(store, checklist).await.message_ref,
        Some(format!("ts-{checklist}"))
    );
    drive(&worker, &clock, i64::MAX).await;
    let calls = platform.calls();
    let edits: Vec<(u64, Option<&str>)> = calls
        .iter()
        .map(|call| (call.post, call.edits.as_deref()))
        .collect();
    let checklist_ref = format!("ts-{checklist}");
    assert_eq!(
        edits,
        [
            (checklist, None),
            (edit, Some(checklist_ref.as_str())),
            (next, None)
        ]
    );
}

/// The edit of a deleted message and the new post in its place are one delivery, given up
/// together at the policy's deadline: a platform slow to answer the second call cannot hold the
/// claim for two deadlines.
async fn edit_fallback_deadline(store: &Store) {
    let clock = clock();
    // Two calls answered (the card, the edit); the new post in the edit's place never is.
    let platform = FakePlatform::gated(&clock, Some(Arc::new(Semaphore::new(2))));
    let deadline = Duration::from_millis(300);
    let policy = DeliveryPolicy {
        delivery_deadline: deadline,
        ..policy()
    };
    let worker = worker_with(store, &clock, &platform, policy);
    let [card] = queue_bodies(store, "C1", &["step 1/9"], T0).await[..] else {
        panic!("one post")
    };
    round_at(&worker, &clock, T0).await;
    platform.script(
        "C1",
        [Err(DeliveryError::EditedMessageGone(
            "message_not_found".to_owned(),
        ))],
    );
    let [edit] = queue(store, "C1", vec![post("C1", "step 2/9", Some(card))], T0).await[..] else {
        panic!("one post")
    };

    set(&clock, T0 + 2 * SECOND);
    let round = tokio::time::timeout(Duration::from_secs(10), worker.deliver_due())
        .await
        .expect("the edit and the post in its place were not given up at the deadline")
        .unwrap();
    let card_ref = format!("ts-{card}");
    let calls: Vec<(u64, Option<String>)> = platform
        .calls()
        .into_iter()
        .map(|call| (call.post, call.edits))
        .collect();
    assert_eq!(calls, [(card, None), (edit, Some(card_ref)), (edit, None)]);
    match &round.attempts[..] {
        [Attempt {
            post_id,
            outcome:
                Outcome::Retry {
                    error: DeliveryError::Transient(why),
                    ..
                },
            ..
        }] => {
            assert_eq!(*post_id, edit);
            assert_eq!(why, "Slack took more than 300ms over this post");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stored(store, edit).await.sent_at_ms, None);
}

/// An edit queued in another channel than the post it edits waits until that post is sent,
/// however long its delivery takes.
async fn cross_channel_edit(store: &Store) {
    let clock = clock();
    let platform = FakePlatform::new(&clock);
    platform.script("CX", [transient("HTTP 502"), transient("HTTP 503")]);
    let worker = worker(store, &clock, &platform);
    let [original] = queue_bodies(store, "CX", &["checklist"], T0).await[..] else {
        panic!("one post")
    };
    let [edit] = queue(store, "CY", vec![post("CY", "edit", Some(original))], T0).await[..] else {
        panic!("one post")
    };

    drive(&worker, &clock, i64::MAX).await;
    let original_sent = stored(store, original).await.sent_at_ms.unwrap();
    assert_eq!(original_sent, T0 + 3 * SECOND);
    let calls = platform.calls_to("CY");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, edit);
    assert!(calls[0].1 >= original_sent);
    assert_eq!(
        platform.calls().last().unwrap().edits,
        Some(format!("ts-{original}"))
    );
}

/// Two workers (two replicas) on one database, rounds at the same instants: every post is sent
/// once, in order per channel.
async fn two_workers(store: &Store) {
    let clock = clock();
    let (one, two) = (FakePlatform::new(&clock), FakePlatform::new(&clock));
    let (first, second) = (worker(store, &clock, &one), worker(store, &clock, &two));
    let mut queued = HashMap::new();
    for id in ["CA", "CB", "CC"] {
        queued.insert(id, queue_bodies(store, id, &["1", "2", "3"], T0).await);
    }
    for _ in 0..10_000 {
        let (r1, r2) = tokio::join!(first.deliver_due(), second.deliver_due());
        let wake = [r1.unwrap().next_wake_at_ms, r2.unwrap().next_wake_at_ms]
            .into_iter()
            .flatten()
            .min();
        match wake {
            None => break,
            Some(at) if at.millis() > now_ms(&clock) => set(&clock, at.millis()),
            Some(_) => {}
        }
    }
    assert!(unsent(store).await.is_empty());
    for (id, posts) in queued {
        let mut calls = one.calls_to(id);
        calls.extend(two.calls_to(id));
        calls.sort_by_key(|&(post, at_ms)| (at_ms, post));
        assert_eq!(calls.len(), 3, "{id}: {calls:?}");
        assert_each_once_in_order(&calls, &posts);
    }
}

/// `run` sends what it is woken for; on shutdown it lets the delivery in flight finish and
/// records it before returning.
async fn shutdown(store: &Store) {
    let clock = clock();
    let gate = Arc::new(Semaphore::new(0));
    let platform = FakePlatform::gated(&clock, Some(Arc::clone(&gate)));
    let doorbell = Doorbell::default();
    let worker = worker_woken_by(store, &clock, &platform, policy(), &doorbell);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(async {
        let _ = stopped.await;
    }));

    // The outbox is empty and the idle poll is an hour: only the doorbell gets this post out.
    let [posted] = queue_bodies(store, "C1", &["opened"], T0).await[..] else {
        panic!("one post")
    };
    doorbell.ring();
    tokio::time::timeout(Duration::from_secs(30), async {
        while platform.calls().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the worker should deliver the post it was woken for");

    // Shut down while the platform has not answered yet.
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !running.is_finished(),
        "run returned with a delivery in flight"
    );
    gate.add_permits(1);
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("run should return once the delivery in flight is recorded")
        .unwrap();
    let row = stored(store, posted).await;
    assert_eq!(
        (row.sent_at_ms, row.message_ref),
        (Some(T0), Some(format!("ts-{posted}")))
    );
    assert_eq!(platform.calls().len(), 1);
}

/// A post delivered just as the database stopped taking writes (a full disk) is recorded once it
/// takes them again, and never sent a second time meanwhile, however long past its claim. On
/// SQLite, whose one writing connection can be made read-only while the platform answers.
#[tokio::test]
async fn a_delivery_the_database_did_not_record_is_recorded_later_and_not_sent_again() {
    let db = TestDb::sqlite().await;
    let store = &db.store;
    let clock = clock();
    let gate = Arc::new(Semaphore::new(0));
    let platform = FakePlatform::gated(&clock, Some(gate.clone()));
    let worker = worker(store, &clock, &platform);
    let [first, second] = queue_bodies(store, "C1", &["first", "second"], T0).await[..] else {
        panic!("two posts")
    };
    let read_only = |on: bool| async move {
        sqlx::query(&format!("PRAGMA query_only = {on}"))
            .execute(store.pool())
            .await
            .unwrap();
    };

    set(&clock, T0);
    let (round, ()) = tokio::join!(worker.deliver_due(), async {
        while platform.calls().is_empty() {
            tokio::task::yield_now().await;
        }
        read_only(true).await;
        gate.add_permits(10);
    });
    assert!(round.is_err(), "{round:?}");
    // Long past the claim, the store still refusing: the round records nothing, sends nothing.
    set(&clock, T0 + 2 * LEASE);
    assert!(worker.deliver_due().await.is_err());
    assert_eq!(platform.calls().len(), 1);

    read_only(false).await;
    set(&clock, T0 + 3 * LEASE);
    let round = worker.deliver_due().await.unwrap();
    let outcomes: Vec<(u64, UnixMillis, &Outcome)> = round
        .attempts
        .iter()
        .map(|attempt| (attempt.post_id, attempt.at_ms, &attempt.outcome))
        .collect();
    let sent = |post: u64| Outcome::Sent {
        message_ref: Some(format!("ts-{post}")),
    };
    assert_eq!(
        outcomes,
        [
            (first, UnixMillis::new(T0), &sent(first)),
            (second, UnixMillis::new(T0 + 3 * LEASE), &sent(second))
        ]
    );
    assert_eq!(stored(store, first).await.sent_at_ms, Some(T0));
    let calls: Vec<u64> = platform.calls().iter().map(|call| call.post).collect();
    assert_eq!(calls, [first, second]);
}
