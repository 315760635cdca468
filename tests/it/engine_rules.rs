//! The engine's rules under pressure: concurrent confirmations, and bad input at every command
//! (a clear refusal, and nothing changes). On SQLite and on PostgreSQL.

use incident_bot::incident::IncidentId;
use incident_bot::notify::{Message, MessageKind};

use crate::test_bot::TestBot;
use crate::test_db::TestDb;

fn refusal(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind == MessageKind::Error => message.plain_text(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn two_people_confirming_one_step_advance_it_once(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    for line in ["/incident step 1 done", "/incident step done"] {
        let before = bot.event_count(1).await;
        let (first, second) = tokio::join!(bot.say("alice", line), bot.say("bob", line));
        bot.assert_confirmed_once(line, before, [first, second])
            .await;
    }
}

async fn bad_input_is_refused_clearly_and_changes_nothing(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Before any incident: commands that need one say how to open one.
    for line in [
        "/incident step done",
        "/incident status",
        "/incident resolve",
        "/incident update still down",
        "/postmortem",
    ] {
        let text = refusal(bot.say("alice", line).await);
        assert!(
            text.starts_with("No open incident in this channel"),
            "{line}: {text}"
        );
    }
    let text = refusal(
        bot.say("alice", "/incident open critical meteor-strike")
            .await,
    );
    assert!(
        text.starts_with("no scenario matches `meteor-strike`. Scenarios: 1 db-loss"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "usage: /incident open <severity> <scenario> [--services a,b] [--new] [description]"
        ),
        "{text}"
    );
    assert!(bot
        .engine
        .store()
        .incident(IncidentId::new(1))
        .await
        .expect("read")
        .is_none());

    bot.say("alice", "/incident open high corruption").await;
    bot.posts().await;
    let events = bot.event_count(1).await;
    for (line, expected) in [
        (
            "/incident open critcal db-loss",
            "`critcal` is not a severity: use critical, high, medium or low",
        ),
        ("/incident step skip", "`skip` needs a reason"),
        (
            "/incident step 7 done",
            "there is no step 7: this checklist has 3 steps",
        ),
        (
            "/incident step 2 done",
            "step 2 is not the current step: the checklist is at step 1 (Isolate affected data)",
        ),
        (
            "/incident step retry",
            "has not failed, so there is nothing to retry",
        ),
        (
            "/incident choose A",
            "step 1 (Isolate affected data) is not a choice",
        ),
        ("/incident severity high", "INC-1 is already high"),
        ("/incident rpo 2099-01-01 00:00", "is in the future"),
        ("/incident step INC-9 done", "There is no INC-9 here"),
        ("/incident assign commander @everyone", "is not a person"),
    ] {
        let text = refusal(bot.say("alice", line).await);
        assert!(text.contains(expected), "{line}: {text}");
    }
    assert_eq!(
        bot.event_count(1).await,
        events,
        "no refused command recorded anything"
    );
    assert_eq!(
        bot.posts().await,
        vec![],
        "no refused command posted anything"
    );

    // At the choice: confirming without choosing is refused; a wrong option too.
    bot.say("alice", "/incident step done").await;
    bot.say("alice", "/incident step done").await;
    let text = refusal(bot.say("alice", "/incident step done").await);
    assert!(
        text.contains("is a choice: pick one first with /incident choose"),
        "{text}"
    );
    assert!(
        text.contains("A Point-in-time recovery, B Selective restoration, C Manual correction"),
        "{text}"
    );
    let text = refusal(bot.say("alice", "/incident choose Z").await);
    assert!(text.contains("`Z` is not one of the options"), "{text}");

    bot.say("alice", "/incident choose B").await;
    bot.say("alice", "/incident step done tables restored")
        .await;
    bot.say("alice", "/incident resolve bad migration").await;
    let resolved = bot.event_count(1).await;
    for line in [
        "/incident step INC-1 done",
        "/incident choose INC-1 A",
        "/incident severity INC-1 low",
    ] {
        let text = refusal(bot.say("alice", line).await);
        assert!(text.contains("INC-1 was resolved at"), "{line}: {text}");
    }
    assert_eq!(bot.event_count(1).await, resolved);
}

async fn several_open_incidents_must_be_named(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.say("bob", "/incident open high breach").await;
    let text = refusal(bot.say("alice", "/incident step done").await);
    assert!(
        text.starts_with("2 incidents are open here: INC-1 (Complete Database Loss), INC-2 (Security Breach) — name one, e.g. /incident step INC-1"),
        "{text}"
    );
    assert_eq!(bot.say("alice", "/incident step INC-2 done").await, None);
}

/// What a channel has open survives resolutions and restarts (on SQLite the engine keeps it in
/// memory, on PostgreSQL it asks the database each time: both must agree).
async fn open_incidents_are_known_across_resolve_and_restart(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.say("bob", "/incident open high breach").await;
    bot.say("alice", "/incident resolve INC-1 bad migration")
        .await;
    assert_eq!(bot.say("bob", "/incident step done").await, None);
    let bot = bot.restarted().await;
    let list = bot
        .say("bob", "/incident list")
        .await
        .expect("a list")
        .plain_text();
    assert!(list.contains("INC-2") && !list.contains("INC-1"), "{list}");
    bot.say("carol", "/incident open high app-server").await;
    let text = refusal(bot.say("carol", "/incident step done").await);
    assert!(
        text.starts_with("2 incidents are open here: INC-2 (Security Breach), INC-3"),
        "{text}"
    );
    bot.say("carol", "/incident resolve INC-3 restarted").await;
    bot.say("carol", "/incident resolve INC-2 contained").await;
    let text = refusal(bot.say("carol", "/incident step done").await);
    assert!(
        text.starts_with("No open incident in this channel"),
        "{text}"
    );
}

on_both_backends! {
    open_incidents_survive_resolve_and_restart(db) => open_incidents_are_known_across_resolve_and_restart(db);
    concurrent_confirmations_advance_once(db) => two_people_confirming_one_step_advance_it_once(db);
    bad_input_changes_nothing(db) => bad_input_is_refused_clearly_and_changes_nothing(db);
    with_several_open_incidents_name_one(db) => several_open_incidents_must_be_named(db);
}
