//! `incident-bot audit` with the real binary, on SQLite and PostgreSQL: the changes and refusals
//! of a store, oldest first, from the day given; a `--since` that is no day nor duration is
//! refused with exit code 2 (a store that is not there: `status_cli`, with the other reading
//! verbs).

use incident_bot::incident::{ChannelKey, IncidentId, Person};
use incident_bot::platform::Platform;
use incident_bot::store::{AuditOutcome, AuditRecord, UnixMillis};

use crate::test_bot::{TestBot, MINUTE_MS, START_MS};
use crate::test_db::TestDb;

/// Runs the binary with `args` and only `DATABASE_URL` set: exit code, stdout, stderr.
fn incident_bot(args: &[&str], database_url: &str) -> (i32, String, String) {
    crate::transcript::run_apart(args, &[("DATABASE_URL", database_url)])
}

async fn prints_changes_and_refusals(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.engine
        .store()
        .record_audit(&AuditRecord {
            at: UnixMillis::new(START_MS + MINUTE_MS),
            channel: ChannelKey {
                platform: Platform::Slack,
                workspace: "T0TEAM".into(),
                channel: "C0INCIDENTS".into(),
            },
            person: Person {
                id: "U0BOB".into(),
                name: "bob".into(),
            },
            command: "/incident resolve INC-1".into(),
            incident: Some(IncidentId::new(1)),
            outcome: AuditOutcome::Refused {
                why: "not in RESPONDERS".into(),
            },
        })
        .await
        .expect("recorded");
    let url = bot.db.url.clone();

    let (code, stdout, stderr) = incident_bot(&["audit", "--since", "2026-11-25"], &url);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].ends_with("since 2026-11-25 00:00:00 UTC: 2 actions, 1 refused."),
        "{stdout}"
    );
    assert_eq!(
        lines[2],
        "2026-11-25 03:04:00 UTC  console local/incidents  alice (U-alice)  INC-1  \
         /incident open critical db-loss  done"
    );
    assert_eq!(
        lines[3],
        "2026-11-25 03:05:00 UTC  slack T0TEAM/C0INCIDENTS  bob (U0BOB)  INC-1  \
         /incident resolve INC-1  REFUSED: not in RESPONDERS"
    );

    let (code, stdout, _) = incident_bot(&["audit", "--since", "2026-11-26"], &url);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("Nothing in the audit log of "),
        "{stdout}"
    );

    let (code, _, stderr) = incident_bot(&["audit", "--since", "yesterday"], &url);
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("`yesterday` is neither a day like 2026-11-28 (UTC) nor a duration like 24h"),
        "{stderr}"
    );
}

on_both_backends! {
    audit_prints_changes_and_refusals(db) => prints_changes_and_refusals(db);
}
