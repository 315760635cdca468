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

use crate::sender_rig::{at, commit, errors, text, SenderRig, T0};

/// A platform's sender delivering to its stand-in: the rig the contract runs on.
pub trait SenderUnderTest: Deref<Target = SenderRig<Self::Sender>> + Sized {
    type Sender: Deliver + 'static;

    /// What the error of a call that got no answer says.
    const NO_ANSWER: &'static str;

    /// The stand-in started, and the worker delivering to it through the platform's sender.
    async fn start(options: SenderOptions) -> Self;

    /// Scripts the stand-in to answer the next posts with a 429, a 500, then no answer; the
    /// wait the 429 asks for.
    fn fail_the_next_three_posts(&self) -> Duration;

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
        error: DeliveryError::Rejected(reason),
        ..
    } = &round.attempts[0].outcome
    else {
        panic!("expected a refusal: {round:#?}");
    };
    assert!(reason.contains("no readable message"), "{reason}");
    assert_eq!(rig.calls(), 0);
}
