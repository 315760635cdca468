//! Every scenario of the user's runbook, run through the engine from `/incident open` to
//! `/postmortem`, as people would type it.

use incident_bot::notify::MessageKind;

use crate::fixtures::shared_runbook;
use crate::test_bot::TestBot;

/// Types `line` (a `/postmortem`) as `who`, about INC-`id`: the asker is told the draft is being
/// posted, and the channel gets it as a Markdown file, recorded on the timeline. Returns the
/// draft.
async fn postmortem(bot: &TestBot, who: &str, line: &str, id: u64) -> String {
    bot.posts().await; // what came before
    let events = bot.event_count(id).await;
    let reply = bot.say(who, line).await.expect("a reply");
    assert_eq!(reply.kind, MessageKind::Reply);
    assert_eq!(
        reply.plain_text(),
        format!(
            "The post-mortem draft of INC-{id} is being posted in this channel as a Markdown file."
        )
    );
    assert_eq!(bot.event_count(id).await, events + 1);
    let posts = bot.posts().await;
    let [(_, message)] = posts.as_slice() else {
        panic!("one post, the draft: {posts:?}");
    };
    assert_eq!(message.incident, Some(id));
    match message.documents().as_slice() {
        [(filename, markdown)] => {
            assert_eq!(*filename, format!("INC-{id}-postmortem.md"));
            markdown.to_string()
        }
        _ => panic!("no document in {message:?}"),
    }
}

/// Opens a scenario by its short name, confirms every step a few minutes apart in the order
/// given (1-based; the runbook's order when empty), taking option A at a choice and marking
/// services restored where `restores` says (after step n, `/incident restored <services>`),
/// resolves it, and returns the post-mortem.
async fn run_scenario(
    bot: &TestBot,
    number: u32,
    order: &[usize],
    restores: &[(usize, &str)],
) -> String {
    let runbook = shared_runbook();
    let scenario = &runbook.scenarios[number as usize - 1];
    let severity = scenario
        .severity
        .expect("every shared scenario has a severity");
    let open = format!(
        "/incident open {severity} {} drill of the parser",
        scenario.short_name()
    );
    assert_eq!(bot.say("alice", &open).await, None, "{open}");
    let opened = bot.posts().await;
    assert_eq!(opened[0].1.kind, MessageKind::Opened);
    assert!(opened[0]
        .1
        .plain_text()
        .contains(&format!("INCIDENT: {}", severity.as_str().to_uppercase())));
    let steps: Vec<_> = scenario.steps().collect();
    let order: Vec<usize> = match order {
        [] => (1..=steps.len()).collect(),
        given => given.to_vec(),
    };
    for number in order {
        let step = steps[number - 1];
        bot.advance(3).await;
        if step.is_choice() {
            assert_eq!(bot.say("bob", "/incident choose A").await, None);
        }
        assert_eq!(
            bot.say("bob", &format!("/incident step {number} done"))
                .await,
            None
        );
        let card = bot
            .posts()
            .await
            .into_iter()
            .rfind(|(_, m)| m.kind == MessageKind::Checklist)
            .expect("a checklist card after each confirmation");
        assert!(
            card.1.plain_text().contains(&step.title),
            "{}",
            card.1.plain_text()
        );
        for (_, services) in restores.iter().filter(|(after, _)| *after == number) {
            let line = format!("/incident restored {services}");
            let reply = bot.say("alice", line.trim()).await;
            assert!(
                reply.is_none_or(|message| message.kind != MessageKind::Error),
                "{line}"
            );
            bot.posts().await;
        }
    }
    assert_eq!(
        bot.say("alice", "/incident resolve a root cause").await,
        None
    );
    let resolved = bot.posts().await;
    assert!(resolved
        .iter()
        .any(|(_, m)| m.kind == MessageKind::Resolved));
    let markdown = postmortem(bot, "carol", "/postmortem", u64::from(number)).await;
    for step in scenario.steps() {
        assert!(
            markdown.contains(&step.title),
            "{} missing from\n{markdown}",
            step.title
        );
    }
    assert!(markdown.contains("a root cause"));
    markdown
}

/// The row of a post-mortem's table whose first cell is `first` (a step number, a service).
fn table_row<'m>(markdown: &'m str, first: &str) -> &'m str {
    let start = format!("| {first} | ");
    markdown
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("no row for {first} in\n{markdown}"))
}

#[tokio::test]
async fn every_scenario_of_the_shared_runbook_runs_to_its_post_mortem() {
    let bot = TestBot::sqlite().await;
    for number in 1..=4 {
        let markdown = run_scenario(&bot, number, &[], &[]).await;
        assert!(
            markdown.contains(&format!("# Post-mortem: INC-{number}")),
            "{markdown}"
        );
    }
    // Scenario 5: step 1, then its four parallel tracks confirmed out of order, three minutes
    // apart, each timed from when the tracks started; the database is back once its track is
    // done (T+9m), every other service once the last track is (T+15m).
    let markdown = run_scenario(&bot, 5, &[1, 4, 2, 5, 3], &[(2, "Database"), (3, "")]).await;
    for (number, title, actual, marker) in [
        (2, "Database recovery", "6m", "Priority 1"),
        (3, "Application deployment", "12m", "Priority 2"),
        (4, "DNS and networking", "3m", "Priority 3"),
        (5, "Verification", "9m", "Priority 4"),
    ] {
        let row = table_row(&markdown, &number.to_string());
        assert!(
            row.starts_with(&format!("| {number} | {title} | done | bob | "))
                && row.ends_with(&format!(" | {actual} | {marker} |")),
            "{row}"
        );
    }
    assert!(
        markdown.contains("Steps 2–5 ran in parallel from "),
        "{markdown}"
    );
    // Every service of the table, each against its own RTO.
    for (service, restored, verdict) in [
        ("Production Sites", "15m", "met (15m of 1h)"),
        ("Database", "9m", "met (9m of 30m)"),
        ("API Gateway", "15m", "met (15m of 1h)"),
        ("Analytics", "15m", "met (15m of 4h)"),
        ("Development", "15m", "met (15m of 8h)"),
    ] {
        let row = table_row(&markdown, service);
        assert!(
            row.contains(&format!(" | {restored} | {verdict} | ")),
            "{row}"
        );
    }
    assert!(
        markdown.contains("- **Time to restore:** 15m, when the last service came back"),
        "{markdown}"
    );
    insta::assert_snapshot!("post_mortem_of_an_infrastructure_loss", markdown);
}

#[tokio::test]
async fn post_mortem_of_a_database_loss() {
    let bot = TestBot::sqlite().await;
    bot.say(
        "alice",
        "/incident open critical db-loss Primary cluster unreachable",
    )
    .await;
    bot.advance(4).await;
    bot.say("alice", "/incident step done").await;
    assert_eq!(
        bot.say("alice", "/incident assign scribe <@U024BE7LH>")
            .await,
        None
    );
    bot.advance(3).await;
    bot.say("bob", "/incident step done paged Platform Lead")
        .await;
    bot.advance(5).await;
    bot.say("bob", "/incident step fail backups bucket is empty")
        .await;
    bot.advance(2).await;
    bot.say("alice", "/incident step done used the replica snapshot")
        .await;
    assert_eq!(bot.say("alice", "/incident rpo 30m ago").await, None);
    bot.say(
        "alice",
        "/incident update Restoring from the 02:50 replica snapshot",
    )
    .await;
    bot.advance(12).await;
    bot.say("bob", "/incident step done").await;
    bot.say(
        "bob",
        "/incident step skip restore already verified by the snapshot tool",
    )
    .await;
    bot.advance(10).await;
    bot.say(
        "alice",
        "/incident resolve Replica lag hid a failed backup job",
    )
    .await;
    bot.advance(60).await;
    let markdown = postmortem(&bot, "carol", "/postmortem INC-1", 1).await;
    insta::assert_snapshot!(markdown);
}
