//! Steps that run in parallel, as tracks, through the engine: Scenario 5's four tracks current
//! at once and confirmed in any order, each timed from when its group started; `done` without a
//! number asks which; done, skip, fail, retry and "confirmed once" per track; a failed track
//! holds only itself and the steps after its group; a nudge per track on the incident's one
//! durable nudge timer, across a restart. On SQLite and on PostgreSQL, in virtual time.

use incident_bot::incident::{IncidentId, TimerKind};
use incident_bot::notify::{Message, MessageKind};
use incident_bot::runbook;

use crate::fixtures::parallel_runbook_text;
use crate::test_bot::TestBot;
use crate::test_db::TestDb;

fn refusal(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind == MessageKind::Error => message.plain_text(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The text of the last checklist card posted since the last look.
async fn card(bot: &TestBot) -> String {
    bot.posts()
        .await
        .into_iter()
        .rfind(|(_, message)| message.kind == MessageKind::Checklist)
        .map(|(_, message)| message.plain_text())
        .expect("a checklist card")
}

async fn status_of(bot: &TestBot) -> String {
    bot.say("carol", "/incident status")
        .await
        .expect("a status")
        .plain_text()
}

const WHICH: &str = "Which step? 4 steps run in parallel: 2 Database recovery · 3 Application \
    deployment · 4 DNS and networking · 5 Verification. Give its number, e.g. /incident step 2 \
    done — usage: /incident step [INC-n] [step-number] done|skip|fail|retry [note]";

async fn scenario_5_tracks_are_confirmed_in_any_order_each_timed_from_its_start(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    let first = card(&bot).await;
    assert!(
        first.contains("Step 1 of 5 · Activate full DR plan · Immediate"),
        "{first}"
    );
    bot.advance(3).await;
    assert_eq!(bot.say("alice", "/incident step done").await, None);
    let tracks = card(&bot).await;
    assert!(
        tracks.contains("INC-1 · Steps 2–5 of 5 · 4 tracks in parallel since 03:07:00 UTC"),
        "{tracks}"
    );
    assert!(tracks.contains("4 of 4 open."), "{tracks}");
    assert!(status_of(&bot).await.contains("Status: Recovering"));

    let events = bot.event_count(1).await;
    // Typed at the moment alice confirmed step 1: bob meant step 1 too.
    assert_eq!(
        refusal(bot.say("bob", "/incident step done").await),
        "step 1 (Activate full DR plan) was already confirmed done by alice at 03:07:00 UTC — \
         running in parallel now: 2 Database recovery · 3 Application deployment · 4 DNS and \
         networking · 5 Verification"
    );
    bot.advance(1).await;
    assert_eq!(refusal(bot.say("bob", "/incident step done").await), WHICH);
    assert_eq!(bot.event_count(1).await, events, "nothing recorded");

    // 4, 2, 5, 3: out of order, three minutes apart, each timed from 03:07.
    for (minutes, number, title, actual) in [
        (2, 4, "DNS and networking", "3m"),
        (3, 2, "Database recovery", "6m"),
        (3, 5, "Verification", "9m"),
        (3, 3, "Application deployment", "12m"),
    ] {
        bot.advance(minutes).await;
        let line = format!("/incident step {number} done");
        assert_eq!(bot.say("bob", &line).await, None, "{line}");
        let card = card(&bot).await;
        assert!(
            card.starts_with(&format!(
                "✓ Step {number} ({title}) done by bob in {actual}"
            )),
            "{card}"
        );
    }
    let done = status_of(&bot).await;
    assert!(
        done.contains("Status: Recovering"),
        "every track done is not every service back: {done}"
    );
    assert!(done.contains("5/5"), "{done}");
    assert_eq!(bot.say("alice", "/incident restored").await, None);
    assert!(status_of(&bot).await.contains("Status: Monitoring"));
}

async fn done_skip_fail_and_retry_hold_per_track(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    bot.say("alice", "/incident step 1 done").await;
    bot.posts().await;

    assert_eq!(
        bot.say("bob", "/incident step 3 fail the build is red")
            .await,
        None
    );
    let posts = bot.posts().await;
    let failed = posts
        .iter()
        .find(|(_, message)| message.kind == MessageKind::StepFailed)
        .map(|(_, message)| message.plain_text())
        .expect("a failure post");
    assert!(
        failed.contains("Step 3 failed · Application deployment"),
        "{failed}"
    );
    assert!(failed.contains("/incident step 3 retry [note]"), "{failed}");
    assert!(
        failed.contains("The steps after this group wait on this track"),
        "{failed}"
    );

    // The failure holds only its own track.
    assert_eq!(bot.say("carol", "/incident step 2 done").await, None);
    let text = refusal(bot.say("bob", "/incident step 3 done").await);
    assert!(
        text.starts_with("step 3 (Application deployment) failed"),
        "{text}"
    );
    assert_eq!(
        bot.say("bob", "/incident step 3 retry pinned node 20")
            .await,
        None
    );
    let text = refusal(bot.say("bob", "/incident step 3 retry").await);
    assert!(
        text.contains("has not failed, so there is nothing to retry"),
        "{text}"
    );
    assert_eq!(
        bot.say("dave", "/incident step 5 skip covered by the smoke tests")
            .await,
        None
    );
    let text = refusal(bot.say("dave", "/incident step 5 skip again").await);
    assert!(
        text.starts_with("step 5 (Verification) was already confirmed skipped by dave"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "— running in parallel now: 3 Application deployment · 4 DNS and networking"
        ),
        "{text}"
    );
    bot.advance(1).await;
    let text = refusal(bot.say("bob", "/incident step fail disk full").await);
    assert!(
        text.starts_with("Which step? 2 steps run in parallel: 3 Application deployment · 4 DNS and networking. Give its number, e.g. /incident step 3 fail <what happened>"),
        "{text}"
    );
    bot.posts().await;
    assert_eq!(bot.say("carol", "/incident step 4 done").await, None);
    // One track left: no number needed (once carol's confirmation is a moment old).
    bot.advance(1).await;
    assert_eq!(bot.say("bob", "/incident step done deployed").await, None);
    let card = card(&bot).await;
    assert!(card.contains("All 5 steps confirmed"), "{card}");
}

async fn two_people_confirming_one_track_confirm_it_once_and_two_tracks_both(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    bot.say("alice", "/incident step done").await;
    bot.posts().await;
    let line = "/incident step 3 done";
    let before = bot.event_count(1).await;
    let (first, second) = tokio::join!(bot.say("alice", line), bot.say("bob", line));
    bot.assert_confirmed_once(line, before, [first, second])
        .await;

    let before = bot.event_count(1).await;
    let (two, four) = tokio::join!(
        bot.say("alice", "/incident step 2 done"),
        bot.say("bob", "/incident step 4 done")
    );
    assert_eq!(
        (two, four),
        (None, None),
        "different tracks are both confirmed"
    );
    assert_eq!(bot.event_count(1).await, before + 2);
    let status = status_of(&bot).await;
    assert!(status.contains("4/5"), "{status}");
    assert!(
        status.contains("    ▶ 5 Verification · running "),
        "{status}"
    );
}

/// `done` without a number typed while two tracks are open, as someone confirms one of them:
/// whichever way the race goes, the other track is not confirmed on a guess.
async fn done_without_a_number_never_lands_on_the_track_left_over(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    bot.say("alice", "/incident step 1 done").await;
    bot.say("alice", "/incident step 2 done").await;
    bot.say("alice", "/incident step 3 done").await;
    bot.advance(1).await;
    let before = bot.event_count(1).await;
    let (guess, named) = tokio::join!(
        bot.say("carol", "/incident step done"),
        bot.say("bob", "/incident step 4 done")
    );
    assert_eq!(named, None);
    let text = refusal(guess);
    assert!(
        text.starts_with("Which step? 2 steps run in parallel")
            || text.starts_with("step 4 (DNS and networking) was already confirmed done by bob"),
        "{text}"
    );
    assert_eq!(bot.event_count(1).await, before + 1);
    assert!(status_of(&bot)
        .await
        .contains("    ▶ 5 Verification · running "));
}

async fn the_group_waits_for_every_track_and_each_is_nudged_on_its_own(db: TestDb) {
    let bot = TestBot::with_runbook(db, runbook::parse(&parallel_runbook_text())).await;
    bot.say("alice", "/incident open critical 1").await;
    assert!(status_of(&bot).await.contains("Status: Investigating"));
    bot.advance(4).await;
    bot.say("alice", "/incident step done").await;
    assert!(status_of(&bot).await.contains("Status: Recovering"));
    // Fail over DNS is due at +14, Restore the queue at +24, Warm the caches at +19.
    let text = refusal(bot.say("bob", "/incident step 5 done").await);
    assert_eq!(
        text,
        "step 5 is not current: running in parallel now: 2 Fail over DNS · 3 Restore the queue · \
         4 Warm the caches"
    );
    bot.advance(6).await;
    assert_eq!(bot.say("bob", "/incident step 4 done").await, None);
    bot.posts().await;
    bot.advance(5).await;
    let nudges: Vec<(i64, String)> = bot
        .posts()
        .await
        .into_iter()
        .filter(|(_, message)| message.kind == MessageKind::Nudge)
        .map(|(minute, message)| (minute, message.plain_text()))
        .collect();
    assert_eq!(nudges.len(), 1, "{nudges:?}");
    assert_eq!(nudges[0].0, 14);
    assert!(
        nudges[0].1.contains("Step 2 · budget used up")
            && nudges[0].1.contains("Done? /incident step 2 done"),
        "{}",
        nudges[0].1
    );

    let bot = bot.restarted().await;
    bot.advance(15).await;
    let nudges: Vec<(i64, String)> = bot
        .posts()
        .await
        .into_iter()
        .filter(|(_, message)| message.kind == MessageKind::Nudge)
        .map(|(minute, message)| (minute, message.plain_text()))
        .collect();
    assert_eq!(
        nudges.len(),
        1,
        "the caches were done before their nudge: {nudges:?}"
    );
    assert_eq!(nudges[0].0, 24);
    assert!(
        nudges[0].1.contains("Step 3 · budget used up"),
        "{}",
        nudges[0].1
    );
    let timers = bot
        .engine
        .store()
        .timers(IncidentId::new(1))
        .await
        .expect("timers");
    assert!(
        timers.iter().all(|timer| timer.kind != TimerKind::Nudge),
        "every open track was nudged once: {timers:?}"
    );

    // The step after the group starts when its last track is confirmed, with its own nudge.
    bot.say("bob", "/incident step 2 done").await;
    assert!(card(&bot)
        .await
        .contains("Steps 2–4 of 5 · 3 tracks in parallel"));
    bot.say("carol", "/incident step 3 done").await;
    let next = card(&bot).await;
    assert!(
        next.contains("Step 5 of 5 · Run the smoke tests · budget 5m"),
        "{next}"
    );
    bot.advance(6).await;
    let kinds: Vec<(i64, MessageKind)> = bot
        .post_kinds()
        .await
        .into_iter()
        .filter(|(_, kind)| *kind == MessageKind::Nudge)
        .collect();
    assert_eq!(kinds, vec![(35, MessageKind::Nudge)]);
    bot.say("alice", "/incident step done").await;
    let done = card(&bot).await;
    assert!(
        done.contains("All 5 steps confirmed. Service back? /incident restored"),
        "{done}"
    );
    bot.say("alice", "/incident restored").await;
    assert!(status_of(&bot).await.contains("Status: Monitoring"));
}

async fn a_checklist_that_starts_with_tracks_runs_them_from_the_opening(db: TestDb) {
    let bot = TestBot::with_runbook(db, runbook::parse(&parallel_runbook_text())).await;
    bot.say("alice", "/incident open high 2").await;
    let posts = bot.posts().await;
    let opened = posts[0].1.plain_text();
    assert!(
        opened.ends_with(
            "The first steps run in parallel and follow. Confirm each with /incident step \
             <number> done · skip <reason> · fail <what happened>"
        ),
        "{opened}"
    );
    let card = posts[1].1.plain_text();
    let by_priority = [
        "INC-1 · Steps 1–2 of 2 · 2 tracks in parallel since 03:04:00 UTC",
        "☐ Step 2 · Switch to the backup provider · Priority 1 · 0s so far",
        "☐ Step 1 · Page the provider · Priority 2 · 0s so far",
    ];
    let at: Vec<Option<usize>> = by_priority.iter().map(|line| card.find(line)).collect();
    assert!(
        at.windows(2).all(|pair| pair[0] < pair[1]) && at.iter().all(Option::is_some),
        "{card}"
    );
    assert!(status_of(&bot).await.contains("Status: Investigating"));
    bot.say("bob", "/incident step 2 done").await;
    assert!(
        status_of(&bot).await.contains("Status: Recovering"),
        "a one-phase checklist recovers once a step is confirmed"
    );
}

on_both_backends! {
    checklist_starting_with_tracks(db) => a_checklist_that_starts_with_tracks_runs_them_from_the_opening(db);
    tracks_confirmed_in_any_order(db) => scenario_5_tracks_are_confirmed_in_any_order_each_timed_from_its_start(db);
    step_actions_per_track(db) => done_skip_fail_and_retry_hold_per_track(db);
    concurrent_confirmations_per_track(db) => two_people_confirming_one_track_confirm_it_once_and_two_tracks_both(db);
    no_guessing_which_track(db) => done_without_a_number_never_lands_on_the_track_left_over(db);
    group_waits_and_nudges_per_track(db) => the_group_waits_for_every_track_and_each_is_nudged_on_its_own(db);
}
