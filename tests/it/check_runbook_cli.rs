//! `incident-bot check-runbook`: the report people read, the JSON tools read, and exit codes.

use std::process::Command;

use crate::fixtures::path;

fn check_runbook(args: &[&str], runbook_env: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_incident-bot"));
    command
        .arg("check-runbook")
        .args(args)
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

#[test]
fn report_of_the_shared_runbook() {
    let (code, stdout, _) = check_runbook(&[&shared()], None);
    assert_eq!(code, 0);
    let report = stdout.replace(&shared(), "RUNBOOK.md");
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
    assert_eq!(json["diagnostics"], serde_json::json!([]));
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
