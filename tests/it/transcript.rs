//! The binary as a person at a terminal sees it: run in an empty directory with exactly the
//! environment given (no `RUNBOOK`, `DATABASE_URL` or anything else of the test's), lines piped
//! in, and what it prints on standard output and standard error read as one stream, in order.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use crate::test_db::unique_suffix;

/// What a run printed, and how it ended.
pub struct Transcript {
    pub code: i32,
    /// Standard output and standard error together.
    pub output: String,
}

/// Runs `incident-bot args…` in an empty directory of its own (so that a default store file is
/// made there, and removed after) with only `vars` set and `input` piped in.
pub fn run(args: &[&str], vars: &[(&str, &str)], input: &str) -> Transcript {
    let dir = std::env::temp_dir().join(format!("incident-bot-transcript-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("a directory of its own");
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut command = Command::new(env!("CARGO_BIN_EXE_incident-bot"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(writer.try_clone().expect("the pipe's other end"))
        .stderr(writer);
    let mut child = command.spawn().expect("the binary starts");
    // The command holds the pipe's writing ends: without dropping it the output never ends.
    drop(command);
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("input piped in");
    }
    let mut output = String::new();
    reader
        .read_to_string(&mut output)
        .expect("the output is UTF-8");
    let status = child.wait().expect("the binary finishes");
    let _ = std::fs::remove_dir_all(dir);
    Transcript {
        code: status.code().unwrap_or(-1),
        output,
    }
}

/// Runs `incident-bot args…` with only `vars` set, nothing piped in: its exit code, and its
/// standard output and standard error apart.
pub fn run_apart(args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .args(args)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
