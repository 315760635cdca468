//! Incidents left alone: after `STALE_AFTER` (2 hours) without a human command the bot asks once
//! whether the incident is still going, then posts hourly until someone acts, and the usual
//! cadence comes back when someone does; a day of silence makes at most 30 posts. In virtual
//! time, on SQLite and on PostgreSQL.

use incident_bot::notify::MessageKind::{self, *};

use crate::test_bot::TestBot;
use crate::test_db::TestDb;

fn is_question(text: &str) -> bool {
    text.contains("Still going?")
}

async fn asked_once_then_hourly_then_back_to_the_cadence(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Scenario 2 has no RTO target, and one nudge (step 1's 2-minute budget).
    bot.say("alice", "/incident open high app-server Web tier down")
        .await;
    bot.posts().await;
    bot.advance(120).await;
    let posts = bot.posts().await;
    let kinds: Vec<(i64, MessageKind)> = posts.iter().map(|(at, m)| (*at, m.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (2, Nudge),
            (15, Update),
            (30, Update),
            (45, Update),
            (60, Update),
            (75, Update),
            (90, Update),
            (105, Update),
            (120, Update)
        ],
        "the question takes the place of the update due with it"
    );
    let question = posts[8].1.plain_text();
    assert!(is_question(&question), "{question}");
    for command in [
        "/incident restored INC-1",
        "/incident resolve INC-1 [root cause]",
        "/incident cancel INC-1 <reason>",
    ] {
        assert!(question.contains(command), "{command}\n{question}");
    }
    bot.advance(180).await;
    let hourly = bot.posts().await;
    assert_eq!(
        hourly
            .iter()
            .map(|(at, m)| (*at, m.kind))
            .collect::<Vec<_>>(),
        vec![(180, Update), (240, Update), (300, Update)],
        "hourly while nobody acts"
    );
    for (_, update) in &hourly {
        let text = update.plain_text();
        assert!(!is_question(&text), "asked once: {text}");
        assert!(
            text.contains("updates come hourly until someone does"),
            "{text}"
        );
    }

    // Reading records nothing: the silence goes on, and status says when the next hourly
    // update comes.
    let status = bot
        .say("carol", "/incident status")
        .await
        .expect("a status")
        .plain_text();
    assert!(status.contains("next at 09:04 UTC"), "{status}");

    bot.advance(10).await;
    bot.say("bob", "/incident update failover still running")
        .await;
    bot.advance(20).await;
    let resumed = bot.posts().await;
    assert_eq!(
        resumed
            .iter()
            .map(|(at, m)| (*at, m.kind))
            .collect::<Vec<_>>(),
        vec![(310, Note), (315, Update), (330, Update)],
        "someone acted: the usual 15-minute cadence again"
    );
    assert!(!resumed[1].1.plain_text().contains("hourly"));

    // A new silence is asked about again, two hours after bob's command.
    bot.advance(100).await;
    let kinds: Vec<(i64, bool)> = bot
        .posts()
        .await
        .iter()
        .map(|(at, m)| (*at, is_question(&m.plain_text())))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (345, false),
            (360, false),
            (375, false),
            (390, false),
            (405, false),
            (420, false),
            (430, true)
        ]
    );
    bot.advance(60).await;
    assert_eq!(bot.post_kinds().await, vec![(490, Update)]);
}

async fn a_day_of_silence_makes_at_most_thirty_posts(db: TestDb) {
    let bot = TestBot::on(db).await;
    // The noisiest scenario: a 5-minute first step (a nudge) and a 30-minute RTO (three
    // warnings) on top of the updates.
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    bot.advance(24 * 60).await;
    let posts = bot.posts().await;
    assert!(posts.len() <= 30, "{} posts in a day", posts.len());
    let questions = posts
        .iter()
        .filter(|(_, m)| is_question(&m.plain_text()))
        .count();
    assert_eq!(questions, 1, "asked once");
    let after_question: Vec<i64> = posts
        .iter()
        .filter(|(at, _)| *at > 120)
        .map(|(at, _)| *at)
        .collect();
    assert!(
        after_question
            .windows(2)
            .all(|pair| pair[1] - pair[0] >= 60),
        "hourly at most: {after_question:?}"
    );
    assert_eq!(posts.len(), 30);
    bot.advance(24 * 60).await;
    let second_day = bot.posts().await;
    assert!(
        second_day.len() <= 30,
        "{} posts on day 2",
        second_day.len()
    );
    assert!(
        !second_day.is_empty(),
        "an open incident is never forgotten"
    );
}

on_both_backends! {
    stale_asked_once_hourly_then_the_cadence_again(db) => asked_once_then_hourly_then_back_to_the_cadence(db);
    stale_day_of_silence_at_most_30_posts(db) => a_day_of_silence_makes_at_most_thirty_posts(db);
}
