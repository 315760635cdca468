//! Matching that explains itself: what people type is matched to options, services, scenarios,
//! times and incidents, and the bot says what it took, or refuses with the names that are close.

use incident_bot::notify::{Message, MessageKind};

use crate::test_bot::TestBot;

fn refusal(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind == MessageKind::Error => message.plain_text(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn reply(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind != MessageKind::Error => message.plain_text(),
        other => panic!("expected a reply, got {other:?}"),
    }
}

/// Every post since the last call, as plain text.
async fn posted(bot: &TestBot) -> String {
    bot.posts()
        .await
        .iter()
        .map(|(_, message)| message.plain_text())
        .collect::<Vec<_>>()
        .join("\n")
}

const OPEN_USAGE: &str =
    "usage: /incident open <severity> <scenario> [--services a,b] [--new] [description]";

#[tokio::test]
async fn an_option_is_chosen_by_its_words() {
    let bot = TestBot::sqlite().await;
    bot.say("alice", "/incident open high corruption").await;
    bot.say("alice", "/incident step done").await;
    bot.say("alice", "/incident step done").await;
    bot.posts().await;
    assert_eq!(
        bot.say("alice", "/incident choose point in time").await,
        None
    );
    assert!(
        posted(&bot)
            .await
            .contains("Option A (Point-in-time recovery) chosen by alice for step 3"),
        "the choice is posted"
    );
    let text = refusal(bot.say("alice", "/incident choose time travel").await);
    assert!(
        text.starts_with("`time travel` is not one of the options: A Point-in-time recovery"),
        "{text}"
    );
}

#[tokio::test]
async fn services_are_the_tables_by_name_or_abbreviation_and_others_are_refused() {
    let bot = TestBot::sqlite().await;
    let text = refusal(
        bot.say(
            "alice",
            "/incident open critical db-loss --services database,Nope",
        )
        .await,
    );
    assert_eq!(
        text,
        format!(
            "`Nope` is not a service of the runbook's RTO/RPO table: Production Sites, Database, \
             API Gateway, Analytics, Development — {OPEN_USAGE}"
        )
    );
    assert_eq!(bot.posts().await, vec![], "nothing was opened");

    assert_eq!(
        bot.say("alice", "/incident open critical db-loss --services DB,api")
            .await,
        None
    );
    assert!(
        posted(&bot).await.contains("Impact: Database, API Gateway"),
        "the table's names"
    );
}

#[tokio::test]
async fn a_scenario_found_by_its_words_says_what_it_matched() {
    let bot = TestBot::sqlite().await;
    assert_eq!(
        reply(bot.say("alice", "/incident open critical db-los").await),
        "INC-1 opened: db-los → Complete Database Loss (scenario 1, db-loss)."
    );
    assert_eq!(
        bot.say("alice", "/incident open critical db-loss --new")
            .await,
        None,
        "an exact name says nothing more"
    );
    assert_eq!(
        reply(bot.say("alice", "/incident drill corrupt").await),
        "INC-3 opened: corrupt → Data Corruption (scenario 3, data-corruption)."
    );
    assert_eq!(
        refusal(bot.say("alice", "/incident open critical databse").await),
        format!(
            "`databse` is not a scenario's name: did you mean 1 db-loss (Complete Database \
             Loss)? Type its name or number — {OPEN_USAGE}"
        )
    );
    assert!(
        refusal(bot.say("alice", "/incident open critical loss").await)
            .starts_with("`loss` could be 1 db-loss (Complete Database Loss) or 5 infra-loss")
    );
}

#[tokio::test]
async fn a_time_of_day_later_than_now_is_yesterday_and_the_answer_says_so() {
    let bot = TestBot::sqlite().await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    // Now is 2026-11-25 03:04 UTC.
    assert_eq!(bot.say("alice", "/incident rpo 14:00").await, None);
    let text = posted(&bot).await;
    assert!(
        text.contains(
            "Last good data recorded by alice: 14:00 UTC yesterday (2026-11-24) — RPO 13h 4m"
        ),
        "{text}"
    );
    bot.say("alice", "/incident rpo 03:00").await;
    let text = posted(&bot).await;
    assert!(
        text.contains("Last good data recorded by alice: 03:00:00 UTC — RPO 4m"),
        "{text}"
    );
}

#[tokio::test]
async fn a_bare_number_names_an_incident_where_it_can_mean_nothing_else() {
    let bot = TestBot::sqlite().await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.say("alice", "/incident open high sec-breach").await;
    bot.posts().await;
    assert!(
        reply(bot.say("alice", "/incident status 1").await).contains("INC-1"),
        "status 1 is INC-1's"
    );
    assert!(reply(bot.say("alice", "/incident resolve 2").await).starts_with("INC-2 is resolved"));
    assert!(
        reply(bot.say("alice", "/postmortem 2").await).contains("INC-2"),
        "postmortem 2 is INC-2's"
    );
    let text = refusal(bot.say("alice", "/incident status 9").await);
    assert!(text.contains("There is no INC-9 here"), "{text}");
}
