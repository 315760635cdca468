//! What every platform's sender does, written once: each behaviour is one test body here, run
//! for Slack and for Discord by [`sender_contract!`] against that platform's stand-in, through
//! the real outbox worker in virtual time. What differs between platforms (the stand-in, how it
//! fails, what it received) is the small trait [`SenderUnderTest`], implemented by each
//! platform's test rig; the platform's own behaviours stay in its module.

use std::ops::Deref;
use std::time::Duration;

use incident_bot::notify::MessageKind;
use incident_bot::outbox::senders::SenderOptions;
use incident_bot::outbox::{Deliver, DeliveryError, Outcome};

use incident_bot::store::Waiting;

use crate::sender_rig::{at, commit, errors, text, SenderRig, T0};
use crate::test_db::TestDb;

/// A platform's sender delivering to its stand-in: the rig the contract runs on.
pub trait SenderUnderTest: Deref<Target = SenderRig<Self::Sender>> + Sized {
    type Sender: Deliver + 'static;

    /// What the error of a call that got no answer says.
    const NO_ANSWER: &'static str;

    /// The stand-in started, and the worker delivering to it through the platform's sender.
    async fn start(options: SenderOptions) -> Self;

    /// The same on the store of `db` (SQLite or PostgreSQL).
    async fn start_on(db: TestDb, options: SenderOptions) -> Self;

    /// Scripts the stand-in to answer the next posts with a 429, a 500, then no answer; the
    /// wait the 429 asks for.
    fn fail_the_next_three_posts(&self) -> Duration;

    /// Scripts the stand-in to refuse the next `count` posts as messages it cannot take (Slack
    /// `msg_too_long`, Discord 400 Invalid Form Body); the refusal's code as the error says it.
    fn refuse_the_next_posts_for_good(&self, count: usize) -> &'static str;

    /// Deletes the message of stored reference `message_ref`, as a moderator would.
    fn delete_message(&self, message_ref: &str);

    /// The text of every message the platform holds or took, in the order posted, as it reads
    /// now (edits applied).
    fn delivered_texts(&self) -> Vec<String>;

    /// How many calls the stand-in received.
    fn calls(&self) -> usize;

    /// After three posts that each failed before the first went through: the stand-in saw the
    /// failed attempts, then each post once, in order.
    fn assert_each_post_once_in_order(&self);

    /// After the incident's first post and a later one: the first went to the channel and the
    /// later into its thread; `ids` (the posts' ids) are recorded with their messages.
    async fn assert_later_posts_in_the_thread(&self, ids: &[u64]);

    /// After the checklist posted at `checklist_ref` was edited to say "Step 2 of 6": one edit
    /// of that message, and no new message.
    fn assert_edited(&self, checklist_ref: &str);

    /// After an opening, a periodic update and a note: the update shown in the channel when
    /// `updates_in_channel`, else in the thread like the note.
    fn assert_update_placed(&self, updates_in_channel: bool);
}

/// Runs every behaviour of the contract as a test of the module's `Rig`.
macro_rules! sender_contract {
    () => {
        mod contract {
            use crate::sender_contract as contract;

            #[tokio::test]
            async fn posts_after_the_incidents_first_go_into_its_thread() {
                contract::later_posts_go_into_the_thread::<super::Rig>().await;
            }

            #[tokio::test]
            async fn an_edit_changes_the_message_it_edits() {
                contract::an_edit_changes_the_message_it_edits::<super::Rig>().await;
            }

            #[tokio::test]
            async fn a_429_a_500_and_a_hang_then_success_deliver_each_post_once_in_order() {
                contract::failures_then_success::<super::Rig>().await;
            }

            #[tokio::test]
            async fn updates_in_channel_shows_the_periodic_updates_in_the_channel() {
                contract::updates_in_channel::<super::Rig>().await;
            }

            #[tokio::test]
            async fn an_unreadable_body_is_rejected_and_nothing_is_sent() {
                contract::an_unreadable_body_is_rejected::<super::Rig>().await;
            }

            #[tokio::test]
            async fn a_deleted_checklist_card_comes_back_once_and_later_posts_follow_on_sqlite() {
                let db = crate::test_db::TestDb::sqlite().await;
                contract::a_deleted_card_comes_back::<super::Rig>(db).await;
            }

            #[tokio::test]
            async fn a_deleted_checklist_card_comes_back_once_and_later_posts_follow_on_postgres() {
                let db = crate::test_db::TestDb::postgres().await;
                contract::a_deleted_card_comes_back::<super::Rig>(db).await;
            }

            #[tokio::test]
            async fn a_post_refused_for_good_is_a_dead_letter_and_its_channel_goes_on_on_sqlite() {
                let db = crate::test_db::TestDb::sqlite().await;
                contract::a_post_refused_for_good_is_a_dead_letter::<super::Rig>(db).await;
            }

            #[tokio::test]
            async fn a_post_refused_for_good_is_a_dead_letter_and_its_channel_goes_on_on_postgres()
            {
                let db = crate::test_db::TestDb::postgres().await;
                contract::a_post_refused_for_good_is_a_dead_letter::<super::Rig>(db).await;
            }
        }
    };
}

pub async fn later_posts_go_into_the_thread<R: SenderUnderTest>() {
    let rig = R::start(SenderOptions::default()).await;
    rig.open(&[
        text(MessageKind::Opened, "INC-1 opened"),
        text(MessageKind::Checklist, "Step 1"),
    ])
    .await;
    rig.drive().await;
    let ids = rig
        .add(
            1,
            vec![rig.new_post(&text(MessageKind::Note, "a note"), None)],
        )
        .await;
    rig.drive().await;

    rig.assert_later_posts_in_the_thread(&ids).await;
    assert_eq!(rig.unsent().await, 0);
}

pub async fn an_edit_changes_the_message_it_edits<R: SenderUnderTest>() {
    let rig = R::start(SenderOptions::default()).await;
    let ids = rig
        .open(&[
            text(MessageKind::Opened, "INC-1 opened"),
            text(MessageKind::Checklist, "Step 1 of 6"),
        ])
        .await;
    rig.drive().await;
    let checklist_ref = rig
        .message_ref(ids[1])
        .await
        .expect("the checklist has a reference");
    let ids = rig
        .add(
            1,
            vec![rig.new_post(&text(MessageKind::Checklist, "Step 2 of 6"), Some(ids[1]))],
        )
        .await;
    rig.drive().await;

    rig.assert_edited(&checklist_ref);
    assert_eq!(
        rig.message_ref(ids[2]).await,
        Some(checklist_ref),
        "an edit keeps the reference of the message it edits"
    );
}

pub async fn failures_then_success<R: SenderUnderTest>() {
    let rig = R::start(SenderOptions::default()).await;
    let retry_after = rig.fail_the_next_three_posts();
    rig.open(&[
        text(MessageKind::Opened, "first"),
        text(MessageKind::Checklist, "second"),
        text(MessageKind::Note, "third"),
    ])
    .await;
    let attempts = rig.drive().await;

    let errors = errors(&attempts);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_eq!(errors[0], DeliveryError::RateLimited { retry_after });
    assert!(
        matches!(&errors[1], DeliveryError::Transient(reason) if reason.contains("HTTP 500")),
        "{errors:?}"
    );
    assert!(
        matches!(&errors[2], DeliveryError::Transient(reason) if reason.contains(R::NO_ANSWER)),
        "{errors:?}"
    );
    assert_eq!(
        u128::try_from(attempts[1].at_ms.millis() - attempts[0].at_ms.millis()).unwrap(),
        retry_after.as_millis(),
        "tried again exactly when the platform asked"
    );
    rig.assert_each_post_once_in_order();
    assert_eq!(rig.unsent().await, 0);
}

pub async fn updates_in_channel<R: SenderUnderTest>() {
    for updates_in_channel in [true, false] {
        let rig = R::start(SenderOptions { updates_in_channel }).await;
        rig.open(&[
            text(MessageKind::Opened, "INC-1 opened"),
            text(MessageKind::Update, "15-minute update"),
            text(MessageKind::Note, "a note"),
        ])
        .await;
        rig.drive().await;

        rig.assert_update_placed(updates_in_channel);
    }
}

pub async fn an_unreadable_body_is_rejected<R: SenderUnderTest>() {
    let rig = R::start(SenderOptions::default()).await;
    let mut post = rig.new_post(&text(MessageKind::Opened, "x"), None);
    post.body = "{not a message".to_owned();
    let commit = commit(vec![post], T0);
    rig.store()
        .create_incident(&rig.channel, at(T0), &commit, at(T0))
        .await
        .unwrap();
    let round = rig.worker.deliver_due().await.unwrap();
    let Outcome::Retry {
        error: DeliveryError::Undeliverable(reason),
        ..
    } = &round.attempts[0].outcome
    else {
        panic!("expected a refusal: {round:#?}");
    };
    assert!(reason.contains("no readable message"), "{reason}");
    rig.drive().await;
    assert_eq!(rig.store().dead_letter_count().await.unwrap(), 1);
    assert_eq!(rig.calls(), 0);
}

/// A moderator deletes the checklist card; the next step's edit is refused as gone, posted as a
/// new card instead, and the step after edits that new card: one new message, with the latest
/// step, and the update queued between them delivered in its place.
pub async fn a_deleted_card_comes_back<R: SenderUnderTest>(db: TestDb) {
    let rig = R::start_on(db, SenderOptions::default()).await;
    let ids = rig
        .open(&[
            text(MessageKind::Opened, "INC-1 opened"),
            text(MessageKind::Checklist, "Step 1 of 6"),
        ])
        .await;
    rig.drive().await;
    let card = ids[1];
    let deleted = rig.message_ref(card).await.expect("the card was posted");
    rig.delete_message(&deleted);

    let ids = rig
        .add(
            1,
            vec![
                rig.new_post(&text(MessageKind::Checklist, "Step 2 of 6"), Some(card)),
                rig.new_post(&text(MessageKind::Update, "15-minute update"), None),
            ],
        )
        .await;
    let attempts = rig.drive().await;
    assert!(errors(&attempts).is_empty(), "{attempts:#?}");
    let anew = rig.message_ref(ids[2]).await.expect("posted anew");
    assert_ne!(anew, deleted);
    assert_eq!(
        rig.message_ref(card).await.as_deref(),
        Some(anew.as_str()),
        "the new message is the card now"
    );

    let ids = rig
        .add(
            2,
            vec![rig.new_post(&text(MessageKind::Checklist, "Step 3 of 6"), Some(card))],
        )
        .await;
    rig.drive().await;

    assert_eq!(
        rig.message_ref(ids[4]).await.as_deref(),
        Some(anew.as_str()),
        "the next step edits the new card"
    );
    assert_eq!(
        rig.delivered_texts(),
        ["INC-1 opened", "Step 3 of 6", "15-minute update"],
        "one card, showing the latest step, then the update"
    );
    assert_eq!(rig.unsent().await, 0);
    assert_eq!(rig.store().dead_letter_count().await.unwrap(), 0);
}

/// The platform refuses a post as a message it cannot take: it is tried
/// `DeliveryPolicy::dead_after` (5) times with backoff, given up as a dead letter with its error,
/// and the channel's next post is delivered. Retried by hand (`incident-bot outbox --retry`), it
/// goes out.
pub async fn a_post_refused_for_good_is_a_dead_letter<R: SenderUnderTest>(db: TestDb) {
    let rig = R::start_on(db, SenderOptions::default()).await;
    let code = rig.refuse_the_next_posts_for_good(5);
    let ids = rig
        .open(&[
            text(MessageKind::Opened, "INC-1 opened"),
            text(MessageKind::Note, "a note"),
        ])
        .await;
    let attempts = rig.drive().await;

    let refusals = errors(&attempts);
    assert_eq!(refusals.len(), 5, "{attempts:#?}");
    for refusal in &refusals {
        assert!(
            matches!(refusal, DeliveryError::Undeliverable(reason) if reason.contains(code)),
            "{refusal:?}"
        );
    }
    assert!(matches!(attempts[4].outcome, Outcome::DeadLetter { .. }));
    let gave_up_at = attempts[4].at_ms.millis();
    assert_eq!(gave_up_at - T0, 15_000, "1 + 2 + 4 + 8 s of backoff");
    assert!(matches!(attempts[5].outcome, Outcome::Sent { .. }));
    assert_eq!(attempts[5].post_id, ids[1]);
    assert_eq!(rig.delivered_texts(), ["a note"]);

    let store = rig.store();
    assert_eq!(store.dead_letter_count().await.unwrap(), 1);
    let backlog = store.outbox_backlog(10).await.unwrap();
    assert_eq!(backlog.len(), 1, "{backlog:#?}");
    assert_eq!(backlog[0].id, ids[0]);
    assert_eq!(backlog[0].attempts, 5);
    assert_eq!(
        backlog[0].state,
        Waiting::Dead {
            at_ms: at(gave_up_at)
        }
    );
    let error = backlog[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains(code), "{error}");

    assert!(store
        .retry_dead_letter(ids[0], at(rig.now_ms()))
        .await
        .unwrap());
    assert!(
        !store
            .retry_dead_letter(ids[1], at(rig.now_ms()))
            .await
            .unwrap(),
        "a sent post is no dead letter"
    );
    rig.drive().await;
    assert_eq!(rig.delivered_texts(), ["a note", "INC-1 opened"]);
    assert_eq!(rig.unsent().await, 0);
    assert_eq!(store.dead_letter_count().await.unwrap(), 0);
}
