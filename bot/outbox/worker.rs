//! The delivery loop of one platform: each round reads the head of every channel that is due,
//! claims it, hands it to the sender (channels in parallel, up to a bound) and records the answer;
//! between rounds it sleeps until the next retry or pacing slot, a ring of the engine's
//! [`Doorbell`](super::Doorbell) (posts were queued), or the idle poll. All times come from the injected clock, as store milliseconds.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

use super::doorbell::Listener;
use super::in_flight::InFlight;
use super::pacing::Pacing;
use super::policy::millis;
use super::unrecorded::{Delivery, Unrecorded};
use super::{human, AfterFailure, Deliver, Delivered, DeliveryError, DeliveryPolicy, Post};
use crate::clock::Clock;
use crate::platform::Platform;
use crate::store::{ChannelKey, IncidentId, OutboxPost, Store, StoreError, UnixMillis};

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub post_id: u64,
    pub incident_id: Option<IncidentId>,
    pub channel: ChannelKey,
    /// When the sender was called, in clock milliseconds.
    pub at_ms: UnixMillis,
    pub outcome: Outcome,
}

impl Attempt {
    fn of(post: OutboxPost, at_ms: UnixMillis, outcome: Outcome) -> Attempt {
        Attempt {
            post_id: post.id,
            incident_id: post.incident_id,
            channel: post.channel,
            at_ms,
            outcome,
        }
    }
}

/// How an attempt ended, as recorded in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered, and recorded as sent with the platform's reference.
    Sent { message_ref: Option<String> },
    /// Not delivered; recorded with the error, due again at `next_attempt_at_ms`.
    Retry {
        error: DeliveryError,
        next_attempt_at_ms: UnixMillis,
    },
    /// Not delivered, and given up: recorded as a dead letter with the error. The channel's
    /// next post goes on.
    DeadLetter { error: DeliveryError },
}

/// What one [`OutboxWorker::deliver_due`] did, and when to call it again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// This round's attempts, by post id.
    pub attempts: Vec<Attempt>,
    /// The earliest time something may be deliverable (clock milliseconds, possibly already
    /// past): a retry, a paced channel's next slot, or at once when there were more channels due
    /// than one round reads.
    /// `None` when the worker knows of nothing queued. It may wake once for nothing (a channel
    /// just sent to, with no more posts).
    pub next_wake_at_ms: Option<UnixMillis>,
}

/// Delivers one platform's outbox through a [`Deliver`]. Run one per platform and process
/// ([`OutboxWorker::run`]); several replicas may each run one on the same store.
pub struct OutboxWorker<D> {
    shared: Arc<Shared<D>>,
    pacing: Pacing,
    /// Rung after commits that queued posts: start a round at once.
    queued: Listener,
    /// Set by [`OutboxWorker::run`] on shutdown: the round in progress starts no more deliveries.
    stopping: AtomicBool,
}

/// What the worker shares with its delivery tasks.
struct Shared<D> {
    store: Store,
    clock: Arc<dyn Clock>,
    sender: Arc<D>,
    policy: DeliveryPolicy,
    unrecorded: Unrecorded,
}

impl<D: Deliver + 'static> OutboxWorker<D> {
    /// A worker delivering through `sender`, woken by `queued` (a listener on the doorbell rung
    /// when posts are queued) besides its own due times and idle poll.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        sender: Arc<D>,
        policy: DeliveryPolicy,
        queued: Listener,
    ) -> OutboxWorker<D> {
        OutboxWorker {
            pacing: Pacing::new(millis(policy.channel_interval)),
            shared: Arc::new(Shared {
                store,
                clock,
                sender,
                policy,
                unrecorded: Unrecorded::default(),
            }),
            queued,
            stopping: AtomicBool::new(false),
        }
    }

    /// Delivers every post that may go out now: the oldest unsent post of each channel, if it is
    /// due and its channel's pacing allows. Each is claimed in the store, sent, and recorded as
    /// sent or failed (with its next attempt) before this returns; deliveries in flight are
    /// always finished, even when the store fails meanwhile (that error is returned after).
    /// Deliveries the store failed to record before are recorded first; while it still refuses
    /// them, the round does nothing else.
    pub async fn deliver_due(&self) -> Result<Round, StoreError> {
        let shared = &self.shared;
        let recorded_late = shared.record_unrecorded().await?;
        let started = shared.now_ms();
        self.pacing.forget_idle(started);
        let heads = shared
            .store
            .due_outbox_heads(shared.platform(), started, shared.policy.batch.max(1))
            .await?;
        let batch_full = heads.len() >= shared.policy.batch.max(1) as usize;
        let mut wake = Earliest::default();
        let mut in_flight = InFlight::new(shared.policy.max_in_flight);
        for post in heads {
            if !self.start(post, &mut in_flight, &mut wake).await {
                break;
            }
        }
        let (mut attempts, failed) = in_flight.finish().await;
        attempts.extend(recorded_late);
        if let Some(error) = failed {
            return Err(error);
        }
        if batch_full && !attempts.is_empty() {
            // More channels may be due than one round reads. (A round that could start nothing
            // waits for the pacing instead of spinning.)
            wake.at(started);
        }
        for attempt in &attempts {
            if matches!(
                attempt.outcome,
                Outcome::Sent { .. } | Outcome::DeadLetter { .. }
            ) {
                wake.at(self.pacing.free_after(attempt.at_ms)); // its channel's next post
            }
        }
        if let Some(due) = shared
            .store
            .next_outbox_head_due_after(shared.platform(), started)
            .await?
        {
            wake.at(due);
        }
        attempts.sort_by_key(|attempt| attempt.post_id);
        Ok(Round {
            attempts,
            next_wake_at_ms: wake.0,
        })
    }

    /// Rounds until nothing more is due now, for a caller that drives the worker itself
    /// instead of [`OutboxWorker::run`] (the console, after each change): every post due is
    /// delivered or failed before this returns.
    pub async fn deliver_all_due(&self) -> Result<(), StoreError> {
        loop {
            let round = self.deliver_due().await?;
            let now = self.shared.now_ms();
            let more = round.next_wake_at_ms.is_some_and(|at| at <= now);
            if round.attempts.is_empty() || !more {
                return Ok(());
            }
        }
    }

    /// Starts delivering `post` unless its channel is paced (then notes when it is free) or
    /// another worker has it. `false` when the round should start nothing more: shutting down,
    /// or the store failed.
    async fn start(&self, post: OutboxPost, in_flight: &mut InFlight, wake: &mut Earliest) -> bool {
        in_flight.make_room().await;
        if self.stopping.load(Ordering::Relaxed) || in_flight.failed.is_some() {
            return false;
        }
        let now = self.shared.now_ms();
        if let Some(free_at) = self.pacing.busy_until(&post.channel, now) {
            wake.at(free_at);
            return true;
        }
        let lease_until = now + millis(self.shared.policy.claim_lease);
        match self
            .shared
            .store
            .claim_post(post.id, now, lease_until)
            .await
        {
            Ok(true) => {}
            Ok(false) => return true, // another replica is on it
            Err(error) => {
                in_flight.failed = Some(error);
                return false;
            }
        }
        self.pacing.record(&post.channel, now);
        let span = post_span(self.shared.platform(), &post);
        in_flight.spawn(Arc::clone(&self.shared).deliver(post, now).instrument(span));
        true
    }

    /// Delivers until `shutdown` completes, then returns once the deliveries in flight are
    /// finished and recorded (each bounded by the sender's own timeout): a post is either marked
    /// sent or still queued, never lost. Rounds run when something is due, when the doorbell
    /// rings, and at least every [`DeliveryPolicy::idle_poll`]. Store errors are logged and the
    /// round tried again after the idle poll.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = pin!(shutdown);
        let shared = Arc::clone(&self.shared);
        let platform = shared.platform();
        tracing::info!(%platform, "outbox worker started");
        loop {
            let (round, stop) = self.round_or_stop(shutdown.as_mut()).await;
            let wake_at = match round {
                Ok(round) => round.next_wake_at_ms,
                Err(error) => {
                    tracing::error!(
                        %platform,
                        error = %crate::error_text::with_causes(&error),
                        "outbox round failed on the database; posts stay queued, trying again in {}",
                        human(shared.policy.idle_poll)
                    );
                    None
                }
            };
            if stop || self.wait(wake_at, shutdown.as_mut()).await {
                break;
            }
        }
        tracing::info!(
            %platform,
            "outbox worker stopped; no delivery left in flight"
        );
    }

    /// One round. If `shutdown` completes meanwhile, the round starts nothing more and finishes
    /// what is in flight; the flag says so.
    async fn round_or_stop<S: Future<Output = ()>>(
        &self,
        shutdown: Pin<&mut S>,
    ) -> (Result<Round, StoreError>, bool) {
        let mut round = pin!(self.deliver_due());
        let finished = tokio::select! {
            result = round.as_mut() => Some(result),
            () = shutdown => None,
        };
        match finished {
            Some(result) => (result, false),
            None => {
                self.stopping.store(true, Ordering::Relaxed);
                (round.await, true)
            }
        }
    }

    /// Sleeps the round gap, then until `wake_at` (at most the idle poll), a ring of the doorbell
    /// (one while the round ran counts), or shutdown; `true` on shutdown.
    async fn wait<S: Future<Output = ()>>(
        &mut self,
        wake_at: Option<UnixMillis>,
        mut shutdown: Pin<&mut S>,
    ) -> bool {
        tokio::select! {
            () = shutdown.as_mut() => return true,
            () = tokio::time::sleep(self.shared.policy.round_gap) => {}
        }
        let idle = self.shared.policy.idle_poll;
        let pause = wake_at.map_or(idle, |at| {
            let ms = at.millis().saturating_sub(self.shared.now_ms().millis());
            Duration::from_millis(u64::try_from(ms).unwrap_or(0)).min(idle)
        });
        tokio::select! {
            () = shutdown => true,
            () = tokio::time::sleep(pause) => false,
            () = self.queued.rung() => false,
        }
    }
}

impl<D: Deliver> Shared<D> {
    fn platform(&self) -> Platform {
        self.sender.platform()
    }

    fn now_ms(&self) -> UnixMillis {
        self.clock.now_millis()
    }

    /// Sends a claimed post and records the answer.
    async fn deliver(
        self: Arc<Self>,
        post: OutboxPost,
        at_ms: UnixMillis,
    ) -> Result<Attempt, StoreError> {
        let answer = match Post::read(&self.store, &post).await {
            Ok(ready) => self.send(ready).await,
            Err(unsendable) => Err(unsendable),
        };
        let now = self.now_ms();
        let outcome = match answer {
            Ok(sent) => {
                let recorded = self.record_sent(&post, sent.clone(), now).await;
                if let Err(error) = &recorded {
                    tracing::error!(
                        error = %crate::error_text::with_causes(error),
                        "delivered, but the database did not take the record; it is recorded as \
                         soon as the database takes writes again, and not sent again meanwhile"
                    );
                    self.unrecorded.keep(Delivery {
                        post: post.clone(),
                        sent,
                        called_at: at_ms,
                        answered_at: now,
                    });
                }
                recorded?
            }
            Err(error) => self
                .record_failure(&post, error, now)
                .await
                .inspect_err(|error| {
                    tracing::error!(
                        error = %crate::error_text::with_causes(error),
                        "could not record the failed attempt in the database; the post is tried \
                         again in {}",
                        human(self.policy.claim_lease)
                    );
                })?,
        };
        Ok(Attempt::of(post, at_ms, outcome))
    }

    /// Records the deliveries the store failed to record before: their attempts, or the store's
    /// error (those not recorded are kept for the next round).
    async fn record_unrecorded(&self) -> Result<Vec<Attempt>, StoreError> {
        let mut recorded = Vec::new();
        let mut waiting = self.unrecorded.take().into_iter();
        while let Some(delivery) = waiting.next() {
            let sent = delivery.sent.clone();
            match self
                .record_sent(&delivery.post, sent, delivery.answered_at)
                .await
            {
                Ok(outcome) => {
                    recorded.push(Attempt::of(delivery.post, delivery.called_at, outcome));
                }
                Err(error) => {
                    self.unrecorded
                        .put_back(std::iter::once(delivery).chain(waiting));
                    return Err(error);
                }
            }
        }
        Ok(recorded)
    }

    /// Hands `post` to the sender, within the policy's delivery deadline. An edit whose message
    /// the platform says is gone is sent again at once as a new message (see [`Sent::anew`]),
    /// within the same deadline: two calls never hold the claim longer than one may.
    async fn send(&self, post: Post) -> Result<Sent, DeliveryError> {
        let deadline = self.policy.delivery_deadline;
        within_deadline(self.platform(), deadline, self.send_or_post_anew(post)).await
    }

    /// The edit, and if its message is gone the post in its place.
    async fn send_or_post_anew(&self, post: Post) -> Result<Sent, DeliveryError> {
        let anew = post.replaces.is_none();
        match self.sender.deliver(&post).await {
            Err(DeliveryError::EditedMessageGone(reason)) if !anew => {
                tracing::warn!(
                    "the message this post edits is gone ({reason}); posting it as a new \
                     message, which later edits will change"
                );
                let post = Post {
                    replaces: None,
                    ..post
                };
                let delivered = self.sender.deliver(&post).await?;
                Ok(Sent {
                    delivered,
                    anew: true,
                })
            }
            answer => answer.map(|delivered| Sent { delivered, anew }),
        }
    }

    async fn record_sent(
        &self,
        post: &OutboxPost,
        sent: Sent,
        now: UnixMillis,
    ) -> Result<Outcome, StoreError> {
        let Sent { delivered, anew } = sent;
        let message_ref = delivered.message_ref.as_deref();
        match post.replaces {
            Some(replaced) if anew => {
                self.store
                    .mark_sent_in_place_of(post.id, now, message_ref, replaced)
                    .await?;
            }
            _ => self.store.mark_sent(post.id, now, message_ref).await?,
        }
        match post.attempts {
            0 => tracing::debug!("delivered"),
            failed => tracing::info!("delivered after {failed} failed attempts"),
        }
        Ok(Outcome::Sent {
            message_ref: delivered.message_ref,
        })
    }

    async fn record_failure(
        &self,
        post: &OutboxPost,
        error: DeliveryError,
        now: UnixMillis,
    ) -> Result<Outcome, StoreError> {
        let attempt = post.attempts + 1;
        let delay = match self.policy.after_failure(&error, post.attempts) {
            AfterFailure::RetryIn(delay) => delay,
            AfterFailure::GiveUp => {
                self.store
                    .mark_dead(post.id, now, &error.to_string())
                    .await?;
                log_dead_letter(self.platform(), post, attempt, &error);
                return Ok(Outcome::DeadLetter { error });
            }
        };
        let next_attempt_at_ms = now + millis(delay);
        self.store
            .mark_failed(post.id, next_attempt_at_ms, &error.to_string())
            .await?;
        log_failure(self.platform(), attempt, &error, delay);
        Ok(Outcome::Retry {
            error,
            next_attempt_at_ms,
        })
    }
}

/// What the sender did with a post it took.
#[derive(Clone)]
pub(super) struct Sent {
    delivered: Delivered,
    /// Whether it went out as a new message although it was to edit another post's (that
    /// message was gone, or never had a reference): the new message takes that post's place.
    anew: bool,
}

/// A WARN line that says which post was given up, where, and why, and what a person can do.
/// The incident and channel are repeated from the span, so that the line stands on its own.
fn log_dead_letter(platform: Platform, post: &OutboxPost, attempts: u32, error: &DeliveryError) {
    let incident = post
        .incident_id
        .map_or_else(|| "none".to_string(), |id| id.to_string());
    tracing::warn!(
        incident = %incident,
        channel = %post.channel.channel,
        attempts,
        "gave up post #{} ({}) to {platform} after {attempts} attempts: {error}. The channel's \
         later posts go on; `incident-bot outbox` lists it, `incident-bot outbox --retry {}` \
         tries it again",
        post.id,
        post.kind,
        post.id
    );
}

/// Short, specific, and saying what happens next; the span carries incident, channel and post.
fn log_failure(platform: Platform, attempt: u32, error: &DeliveryError, delay: Duration) {
    let retry_in = human(delay);
    match error {
        DeliveryError::RateLimited { .. } => {
            tracing::info!(
                attempt,
                "{platform} rate limit hit; retrying in {retry_in}, as asked"
            );
        }
        DeliveryError::Transient(reason) => {
            tracing::warn!(
                attempt,
                "could not post to {platform} ({reason}); retrying in {retry_in}"
            );
        }
        DeliveryError::Undeliverable(reason) | DeliveryError::EditedMessageGone(reason) => {
            tracing::warn!(
                attempt,
                "{platform} cannot take this post ({reason}); retrying in {retry_in}, then it is \
                 given up"
            );
        }
        DeliveryError::Rejected(reason) => {
            tracing::error!(
                attempt,
                "{platform} refused the post: {reason}. Retrying in {retry_in}; later posts to this \
                 channel wait until it goes through (check the channel id, that the bot is in \
                 the channel, its token)"
            );
        }
    }
}

/// The context of every line logged about one delivery. At ERROR level so that it is recorded
/// under the usual `warn` filter too: the lines it wraps are useless without it.
fn post_span(platform: Platform, post: &OutboxPost) -> tracing::Span {
    let incident = post
        .incident_id
        .map_or_else(|| "none".to_string(), |id| id.to_string());
    tracing::error_span!(
        "outbox",
        platform = %platform,
        incident = %incident,
        channel = %post.channel.channel,
        post = post.id,
        kind = %post.kind,
    )
}

/// The earliest of the times it is shown.
#[derive(Debug, Default)]
struct Earliest(Option<UnixMillis>);

impl Earliest {
    fn at(&mut self, time: UnixMillis) {
        self.0 = Some(self.0.map_or(time, |earliest| earliest.min(time)));
    }
}

/// A delivery to `platform`, given up as a transient failure after `deadline`.
async fn within_deadline<T>(
    platform: Platform,
    deadline: Duration,
    delivery: impl Future<Output = Result<T, DeliveryError>>,
) -> Result<T, DeliveryError> {
    match tokio::time::timeout(deadline, delivery).await {
        Ok(delivered) => delivered,
        Err(_) => Err(DeliveryError::Transient(format!(
            "{} took more than {deadline:?} over this post",
            platform.name()
        ))),
    }
}
