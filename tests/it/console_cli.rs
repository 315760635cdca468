//! `incident-bot console` and `incident-bot postmortem` as a user runs them: commands piped in,
//! the channel's posts on standard output, on a real SQLite file.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::fixtures::path;

fn incident_bot(args: &[&str], database: &str, input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .args(args)
        .env("DATABASE_URL", database)
        .env(
            "RUNBOOK",
            path("runbooks/shared-disaster-recovery-runbook.md"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .expect("commands piped in");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_scripted_console_session_then_the_post_mortem_from_the_same_store() {
    let dir = std::env::temp_dir().join(format!("incident-bot-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = format!("sqlite://{}", dir.join("console.db").display());
    let script = "# a rehearsal\n\
        /incident open critcal db-loss\n\
        /incident open critical db-loss Primary cluster unreachable\n\
        /advance 4m\n\
        /incident step done\n\
        /advance 11m\n\
        /incident status\n\
        /incident resolve Disk controller firmware\n";
    let (code, stdout, stderr) = incident_bot(
        &["console", "--clock", "simulated", "--as", "alice"],
        &database,
        script,
    );
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "`critcal` is not a severity: use critical, high, medium or low",
        "INCIDENT: CRITICAL Primary cluster unreachable",
        "INC-1 · Step 1 of 11 · Confirm the issue · budget 5m",
        "✓ Step 1 (Confirm the issue) done by alice in 4m (budget 5m)",
        "Update #1 · INC-1 · Complete Database Loss",
        "RTO 50% used",
        "RESOLVED: Primary cluster unreachable",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    let update_at = stdout.find("Update #1").unwrap_or(usize::MAX);
    let status_at = stdout.find("only you see this").unwrap_or(0);
    assert!(
        update_at < status_at,
        "the update at +15 comes before the status asked at +15"
    );

    let (code, markdown, stderr) = incident_bot(&["postmortem", "INC-1"], &database, "");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        markdown.starts_with("# Post-mortem: INC-1 — Complete Database Loss"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| 1 | Confirm the issue | done | alice |"),
        "{markdown}"
    );
    let (code, _, stderr) = incident_bot(&["postmortem", "INC-9"], &database, "");
    assert_eq!(code, 1);
    assert!(stderr.contains("there is no INC-9"), "{stderr}");

    // While a bot writes to the file, the post-mortem still reads it; a second bot is refused.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let running = runtime
        .block_on(incident_bot::store::Store::connect(&database))
        .expect("the running bot's store");
    let (code, markdown, stderr) = incident_bot(&["postmortem", "INC-1"], &database, "");
    assert_eq!(code, 0, "{stderr}");
    assert!(markdown.starts_with("# Post-mortem: INC-1"), "{markdown}");
    let (code, _, stderr) = incident_bot(&["console"], &database, "/incident list\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is in use by another incident-bot (pid ")
            && stderr.contains("stop that one first, or give this one its own DATABASE_URL"),
        "{stderr}"
    );
    runtime.block_on(running.close());
    let _ = std::fs::remove_dir_all(dir);
}
