//! `incident-bot check-runbook`: the report people read, the JSON tools read, and exit codes.

use std::process::Command;

use crate::fixtures::path;

fn check_runbook(args: &[&str], runbook_env: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_incident-bot"));
    command
        .arg("check-runbook")
        .args(args)
        .current_dir(path(""))
        .env_remove("RUNBOOK");
    if let Some(value) = runbook_env {
        command.env("RUNBOOK", value);
    }
    let output = command.output().expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn shared() -> String {
    path("runbooks/shared-disaster-recovery-runbook.md")
        .display()
        .to_string()
}

/// The shared runbook by a path relative to `tests/fixtures`, so the report is the same anywhere.
const SHARED: &str = "runbooks/shared-disaster-recovery-runbook.md";

#[test]
fn report_of_the_shared_runbook() {
    let (code, report, _) = check_runbook(&[SHARED], None);
    assert_eq!(code, 0, "warnings only: the runbook is usable");
    assert!(
        report.contains(&format!(
            "{SHARED}:32: warning: Scenario 1's recovery steps take 45m–1h 10m one after \
             another, against its 30m RTO (Database): even at their quickest they miss it."
        )),
        "{report}"
    );
    assert!(report.contains("option C: Manual correction (3 details)"));
    assert!(report.contains(
        "  Error rate >5% → no scenario (too vague: “error” could be scenario 1 (Complete\n    \
         Database Loss) or 2 (Application Server Failure) or 3 (Data Corruption))\n"
    ), "{report}");
    assert!(
        report.contains(&format!(
            "{SHARED}:303: warning: the alert `Disk space >90%` would match no scenario: no \
         scenario's title, symptoms or services mention “disk” or “space”."
        )),
        "{report}"
    );
    assert!(report.ends_with("0 errors, 13 warnings\n"));
    let too_wide: Vec<&str> = report
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with(SHARED))
        .filter(|line| line.chars().count() > 80)
        .collect();
    assert_eq!(
        too_wide,
        Vec::<&str>::new(),
        "80 columns between the first line and the diagnostics"
    );
    insta::assert_snapshot!(report);
}

#[test]
fn json_has_the_documented_shape() {
    let (code, stdout, _) = check_runbook(&["--json", &shared()], None);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let scenario = &json["scenarios"][0];
    assert_eq!(scenario["number"], 1);
    assert_eq!(scenario["slug"], "complete-database-loss");
    assert_eq!(scenario["severity"], "critical");
    assert_eq!(
        scenario["aliases"],
        serde_json::json!(["db-loss", "database-loss"])
    );
    let step = &scenario["phases"][1]["steps"][0];
    assert_eq!(step["title"], "Provision new database instance");
    assert_eq!(
        step["budget_secs"],
        serde_json::json!({"min": 600, "max": 900})
    );
    assert_eq!(step["marker"], serde_json::Value::Null);
    let breach = &json["scenarios"][3]["phases"][0]["steps"][0];
    assert_eq!(breach["budget_secs"], serde_json::Value::Null);
    assert_eq!(breach["marker"], "Immediate");
    assert_eq!(
        json["scenarios"][4]["phases"][0]["tracks"],
        serde_json::json!([{"first": 1, "last": 4, "said": null}]),
        "Scenario 5's steps 2–5 run in parallel"
    );
    assert_eq!(
        json["scenarios"][0]["phases"][0]["tracks"],
        serde_json::json!([])
    );
    let choice = &json["scenarios"][2]["phases"][0]["steps"][2];
    assert_eq!(choice["options"][0]["key"], "A");
    assert_eq!(
        json["scenarios"][0]["phases"][0]["steps"][0]["commands"][0]["lang"],
        "bash"
    );
    assert_eq!(
        json["objectives"][1],
        serde_json::json!({"service": "Database", "rto_secs": 1800, "rpo_secs": 300, "priority": "Critical", "line": 25})
    );
    assert_eq!(json["templates"][0]["name"], "INCIDENT");
    assert_eq!(json["templates"][1]["placeholders"][2], "DURATION");
    assert_eq!(json["contacts"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["follow_ups"][1]["deadline"], "Within 1 Week");
    assert_eq!(json["source"], shared());
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 13);
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(13));
    assert_eq!(
        json["diagnostics"][0],
        serde_json::json!({
            "line": 32,
            "level": "warning",
            "message": "Scenario 1's recovery steps take 45m–1h 10m one after another, against its 30m RTO (Database): even at their quickest they miss it. Shorten steps, run some in parallel, or revise the RTO"
        })
    );
}

#[test]
fn errors_exit_non_zero_and_name_file_and_line() {
    let dir = std::env::temp_dir().join(format!("check-runbook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let broken = dir.join("broken.md");
    std::fs::write(
        &broken,
        "## Scenario 1: X\n**Severity:** high\n1. Check\n```bash\necho open\n",
    )
    .expect("write");
    let (code, stdout, _) = check_runbook(&[broken.to_str().unwrap_or_default()], None);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!(
            "{}:4: error: code fence opened here is never closed",
            broken.display()
        )),
        "{stdout}"
    );
    let (code, _, stderr) =
        check_runbook(&[dir.join("missing.md").to_str().unwrap_or_default()], None);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read the runbook"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn without_a_file_it_checks_runbook_env_else_the_bundled_default() {
    let (code, stdout, _) = check_runbook(&[], None);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("Runbook: the bundled default runbook (Disaster Recovery Runbook)"),
        "{stdout}"
    );
    let (_, stdout, _) = check_runbook(&[], Some(&shared()));
    assert!(
        stdout.starts_with(&format!("Runbook: {}", shared())),
        "{stdout}"
    );
}

/// A runbook written to a temporary directory, removed when dropped.
struct TempRunbook(std::path::PathBuf);

impl TempRunbook {
    fn new(name: &str, bytes: &[u8]) -> TempRunbook {
        let dir = std::env::temp_dir().join(format!("check-runbook-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join(name);
        std::fs::write(&file, bytes).expect("write");
        TempRunbook(file)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Drop for TempRunbook {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

const TABLE: &str = "## RTO/RPO\n\n| Service | RTO | RPO |\n|---|---|---|\n| Database | 30 minutes | 5 minutes |\n\n";

#[test]
fn files_that_are_not_markdown_text_exit_2_with_the_reason() {
    let too_big = TempRunbook::new(
        "big.md",
        format!("{TABLE}{}", "x".repeat(3 * 1024 * 1024)).as_bytes(),
    );
    let not_utf8 = TempRunbook::new("latin1.md", b"# Runbook\n\n## Scenario 1: Caf\xe9 down\n");
    let binary = TempRunbook::new("binary.md", b"# Runbook\n\0\0\0");
    for (file, reason) in [
        (
            &too_big,
            "it is 3.0 MiB; the limit is 2 MiB: split it or trim it",
        ),
        (
            &not_utf8,
            "it is not UTF-8 text (bad byte on line 3, offset 29): save it as UTF-8 Markdown",
        ),
        (
            &binary,
            "it contains NUL bytes: it is binary, not Markdown text",
        ),
    ] {
        let (code, stdout, stderr) = check_runbook(&[file.path()], None);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr,
            format!("error: cannot read the runbook {}: {reason}\n", file.path())
        );
    }
}

#[test]
fn help_gives_the_exit_codes() {
    let output = Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .args(["check-runbook", "--help"])
        .output()
        .expect("the binary runs");
    let help = String::from_utf8_lossy(&output.stdout);
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "Exits 0 when the runbook is fine (warnings allowed), 1 when it has errors, 2 when \
             it cannot be read: missing, over 2 MiB, not UTF-8 text, or binary."
        ),
        "{help}"
    );
}

#[test]
fn duplicate_names_and_aliases_are_errors() {
    let file = TempRunbook::new(
        "duplicates.md",
        format!(
            "{TABLE}## Scenario 1: Database Loss\n**Aliases:** dbl\n\n1. **Restore** (10 minutes)\n\n\
             ## Scenario 2: Database Loss\n\n1. **Restore** (10 minutes)\n\n\
             ## Scenario 2: Cache Outage\n**Aliases:** dbl, database-loss, cache\n\n1. **Flush** (5 minutes)\n"
        )
        .as_bytes(),
    );
    let (code, stdout, _) = check_runbook(&["--json", file.path()], None);
    assert_eq!(code, 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let errors: Vec<&str> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["level"] == "error")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        errors,
        vec![
            "scenario 2 is called `database-loss` like scenario 1: give them different titles",
            "scenario number 2 is used twice, so `/incident open … 2` cannot tell which is meant: renumber one",
            "alias `dbl` of scenario 2 is already an alias of scenario 1, so `/incident open` cannot tell which is meant: rename or remove it",
            "alias `database-loss` of scenario 2 is already the name of scenario 1, so `/incident open` cannot tell which is meant: rename or remove it",
        ]
    );
    assert_eq!(json["errors"], 4);
    assert_eq!(
        json["scenarios"][2]["aliases"],
        serde_json::json!(["cache"])
    );
    assert_eq!(
        json["scenarios"][0]["aliases"],
        serde_json::json!(["dbl"]),
        "`db-loss`, derived from both titles, goes to neither"
    );
}

#[test]
fn long_titles_wrap_within_80_columns() {
    let title = "Restore the primary database cluster from the most recent verified snapshot";
    let file = TempRunbook::new(
        "long.md",
        format!(
            "{TABLE}## Scenario 1: Complete loss of the primary database cluster and every read replica\n\
             **Severity:** critical\n\n1. **{title}** (10-15 minutes)\n   - one detail\n"
        )
        .as_bytes(),
    );
    let (code, stdout, _) = check_runbook(&[file.path()], None);
    assert_eq!(code, 0, "{stdout}");
    let scenario: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("Scenario 1:"))
        .take_while(|line| !line.is_empty())
        .collect();
    assert_eq!(
        scenario,
        vec![
            "Scenario 1: Complete loss of the primary database cluster and every read replica",
            "            [critical]",
            "  open: /incident open critical loss-of-the-primary-db-cluster-and-every-read-replica",
            "  names: 1,",
            "         complete-loss-of-the-primary-database-cluster-and-every-read-replica,",
            "         loss-of-the-primary-db-cluster-and-every-read-replica,",
            "         loss-of-the-primary-database-cluster-and-every-read-replica",
            "  found: \"Scenario\" heading",
            "  Steps · list items, budgets in (…)",
            "     1. Restore the primary database cluster     10m–15m      1 detail",
            "        from the most recent verified snapshot",
        ]
    );
}
