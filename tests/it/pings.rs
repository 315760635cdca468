//! Who a post pings, as people meet it on Slack and Discord: only the ids `ROLE_MENTIONS` names
//! may ping a group (Slack pings a user group for a bare `S…` id, so `/incident assign ROLE
//! <@S…>` pings only when that group is configured); a person named with `/incident assign` is
//! pinged when the id is a user's; and no text anyone types (a reason, an update, a name, a
//! mention of a group) ever makes `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`,
//! `@here`, `@everyone` or a Discord role mention `<@&…>`, whatever it holds. The engine on SQLite
//! and PostgreSQL, each post rendered as Slack's and Discord's adapters send it.

use std::sync::LazyLock;

use incident_bot::chat::discord::render;
use incident_bot::chat::slack;
use incident_bot::notify::Message;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use regex::Regex;
use serde_json::{json, Value};

use crate::test_bot::TestBot;
use crate::test_db::TestDb;

/// The Database Admins are a Slack user group, the Platform Lead a Slack user, the DevOps Team a
/// Discord user. Critical incidents page every contact.
const PAGING: &[(&str, &str)] = &[(
    "ROLE_MENTIONS",
    "Database Admin=S0DBA; Platform Lead=U0LEAD; DevOps Team=290926798626357999",
)];

/// A user group no one configured.
const OTHER_GROUP: &str = "S0EVERYONE";

/// Every ping in Slack's rendering of `message`: `<@…>` and `<!…>`, as the JSON Slack is sent
/// holds them (Slack reads them in `text` and in every `mrkdwn` object).
fn slack_pings(message: &Message) -> Vec<String> {
    static PING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[@!][^<>]*>").unwrap());
    let payload = serde_json::to_string(&slack::message_payload(message)).unwrap();
    PING.find_iter(&payload)
        .map(|ping| ping.as_str().to_string())
        .collect()
}

/// Discord's rendering of `message`: every `<@…>` in its `content` (embeds never ping), and its
/// `allowed_mentions`.
fn discord_pings(message: &Message) -> (Vec<String>, Value) {
    static PING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<@[!&]?[^<>]*>").unwrap());
    let payload = render::message_payload(message);
    let pings = PING
        .find_iter(payload["content"].as_str().unwrap_or_default())
        .map(|ping| ping.as_str().to_string())
        .collect();
    (pings, payload["allowed_mentions"].clone())
}

/// What no rendering may hold, whoever typed what: a broadcast, any group but the configured
/// one, a Discord role.
fn assert_pings_only_whom_it_may(message: &Message) -> Result<(), TestCaseError> {
    // Slack broadcasts to `@here`, `@channel` and `@everyone`; Discord to `@here` and `@everyone`.
    static SLACK_BROADCAST: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)@(here|channel|everyone)").unwrap());
    static DISCORD_BROADCAST: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)@(here|everyone)").unwrap());
    // Code is shown as typed (so that it copies as typed) and never pings: Slack reads no
    // mention or broadcast inside a ``` block, Discord none inside one either.
    static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"```.*?```").unwrap());
    let slack_json = serde_json::to_string(&slack::message_payload(message)).unwrap();
    let discord_json = render::message_payload(message).to_string();
    for (platform, json, broadcast) in [
        ("Slack", &slack_json, &SLACK_BROADCAST),
        ("Discord", &discord_json, &DISCORD_BROADCAST),
    ] {
        let shown = CODE.replace_all(json, "");
        prop_assert!(!broadcast.is_match(&shown), "{platform} broadcasts: {json}");
        prop_assert!(!shown.contains("<@&"), "{platform} pings a role: {json}");
    }
    for ping in slack_pings(message) {
        let is_user = ping.starts_with("<@U") || ping.starts_with("<@W");
        prop_assert!(
            is_user || ping == "<!subteam^S0DBA>",
            "Slack pings {ping}: {slack_json}"
        );
    }
    let (pings, allowed) = discord_pings(message);
    prop_assert_eq!(&allowed["parse"], &json!([]), "{}", discord_json);
    prop_assert_eq!(&allowed["roles"], &json!([]), "{}", discord_json);
    for ping in pings {
        let id = ping.trim_start_matches("<@").trim_end_matches('>');
        prop_assert!(
            allowed["users"]
                .as_array()
                .is_some_and(|users| users.contains(&json!(id))),
            "Discord pings {} without allowing it: {}",
            ping,
            discord_json
        );
    }
    Ok(())
}

async fn only_configured_groups_and_named_users_are_pinged(db: TestDb) {
    let bot = TestBot::with_env(db, PAGING).await;
    bot.say("alice", "/incident open critical db-loss").await;
    let opened = bot.posts().await;
    let paged = slack_pings(&opened[0].1);
    assert!(
        paged.contains(&"<!subteam^S0DBA>".to_string()) && paged.contains(&"<@U0LEAD>".to_string()),
        "{paged:?}"
    );
    assert_eq!(
        discord_pings(&opened[0].1).1["users"],
        json!(["290926798626357999"])
    );

    // (role, mention typed, Slack's pings, Discord's pings)
    let cases: [(&str, String, &[&str], &[&str]); 6] = [
        ("commander", format!("<@{OTHER_GROUP}>"), &[], &[]),
        ("commander", format!("<@{OTHER_GROUP}|everyone>"), &[], &[]),
        ("dba", "<@S0DBA>".to_string(), &["<!subteam^S0DBA>"], &[]),
        ("scribe", "<@U0BOB|bob>".to_string(), &["<@U0BOB>"], &[]),
        (
            "scribe",
            "<@W0ENTERPRISE>".to_string(),
            &["<@W0ENTERPRISE>"],
            &[],
        ),
        (
            "comms",
            "<@!53908232506183680>".to_string(),
            &[],
            &["<@53908232506183680>"],
        ),
    ];
    for (role, mention, slack_expected, discord_expected) in cases {
        bot.say("alice", &format!("/incident assign {role} {mention}"))
            .await;
        let posts = bot.posts().await;
        assert_eq!(posts.len(), 1, "{mention}: {posts:?}");
        let assigned = &posts[0].1;
        assert!(
            assigned
                .plain_text()
                .contains(&format!("is now {role} of INC-1")),
            "{assigned:?}"
        );
        assert_eq!(slack_pings(assigned), slack_expected, "{mention}");
        assert_eq!(discord_pings(assigned).0, discord_expected, "{mention}");
        assert_pings_only_whom_it_may(assigned).unwrap();
    }

    // A group written as Slack writes it, a role, a broadcast: refused, nothing posted.
    for group in [
        "<!subteam^S0DBA|@dba>",
        "<@&539082325061836999>",
        "<!here>",
        "@everyone",
    ] {
        let refusal = bot
            .say("alice", &format!("/incident assign commander {group}"))
            .await
            .expect("a refusal");
        assert!(
            refusal.plain_text().contains("is not a person"),
            "{group}: {refusal:?}"
        );
        assert_pings_only_whom_it_may(&refusal).unwrap();
        assert_eq!(bot.posts().await, vec![], "{group}");
    }
}

#[tokio::test]
async fn only_configured_groups_and_named_users_are_pinged_on_sqlite() {
    only_configured_groups_and_named_users_are_pinged(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn only_configured_groups_and_named_users_are_pinged_on_postgres() {
    only_configured_groups_and_named_users_are_pinged(TestDb::postgres().await).await;
}

/// Text built from the pieces that ping on one platform or another, and a few that look like
/// them.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<!channel>".to_string()),
        Just("<!here|here>".to_string()),
        Just("<!everyone>".to_string()),
        Just(format!("<!subteam^{OTHER_GROUP}|@oncall>")),
        Just("<!subteam^S0DBA>".to_string()),
        Just("<@S0DBA>".to_string()),
        Just(format!("<@{OTHER_GROUP}>")),
        Just("<@&539082325061836999>".to_string()),
        Just("<@U0LEAD>".to_string()),
        Just("@here".to_string()),
        Just("@Everyone".to_string()),
        Just("@channel".to_string()),
        Just("＠here".to_string()),
        Just("&lt;!channel&gt;".to_string()),
        "[<>!@&^|SUW0-9a-z ]{1,16}",
    ];
    proptest::collection::vec(piece, 1..5).prop_map(|pieces| pieces.concat())
}

/// Hostile text wherever a person can type it (a name, a reason, an update, an assignee, a root
/// cause): no post or reply pings anyone it may not.
#[test]
fn no_text_anyone_types_pings_anyone() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bot = runtime.block_on(async { TestBot::with_env(TestDb::sqlite().await, PAGING).await });
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let typed = (hostile(), hostile(), hostile());
    runner
        .run(&typed, |(who, text, word)| {
            let word: String = word.split_whitespace().collect();
            let word = if word.is_empty() {
                "x".to_string()
            } else {
                word
            };
            let lines = [
                format!("/incident open high db-loss {text}"),
                format!("/incident update {text}"),
                format!("/incident assign commander {word}"),
                format!("/incident assign \"{word}\" <@U0BOB>"),
                format!("/incident step 1 done {text}"),
                format!("/incident restored {text}"),
                format!("/incident resolve {text}"),
                format!("/incident cancel {text}"),
                format!("/incident status {word}"),
            ];
            for line in &lines {
                let (reply, posts) = runtime.block_on(async {
                    let reply = bot.say(&who, line).await;
                    (reply, bot.posts().await)
                });
                for message in reply.iter().chain(posts.iter().map(|(_, post)| post)) {
                    assert_pings_only_whom_it_may(message)
                        .map_err(|error| TestCaseError::fail(format!("{line}: {error}")))?;
                }
            }
            Ok(())
        })
        .unwrap();
}
