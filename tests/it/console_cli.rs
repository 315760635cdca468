//! `incident-bot console` and `incident-bot postmortem` as a user runs them: commands piped in,
//! the channel's posts on standard output, on a real SQLite file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::fixtures::path;

fn incident_bot(args: &[&str], database: &str, input: &str) -> (i32, String, String) {
    incident_bot_in(None, args, Some(database), input)
}

/// Runs the binary in `dir` (else here), with `DATABASE_URL` set to `database` or unset.
fn incident_bot_in(
    dir: Option<&Path>,
    args: &[&str],
    database: Option<&str>,
    input: &str,
) -> (i32, String, String) {
    let mut command = bot_command(args, database);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    run(command, input)
}

/// The binary with the shared runbook and `DATABASE_URL` set to `database` or unset.
fn bot_command(args: &[&str], database: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_incident-bot"));
    command.args(args).env_remove("DATABASE_URL").env(
        "RUNBOOK",
        path("runbooks/shared-disaster-recovery-runbook.md"),
    );
    if let Some(database) = database {
        command.env("DATABASE_URL", database);
    }
    command
}

/// Runs `command` with `input` piped in: its exit code, standard output and error.
fn run(mut command: Command, input: &str) -> (i32, String, String) {
    let mut child = command
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

/// An empty directory of this test's own.
fn empty_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("incident-bot-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory is readable")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
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

const OPEN_AND_AN_UPDATE: &str =
    "/incident open critical db-loss Primary cluster unreachable\n/advance 15m\n";

#[test]
fn a_rehearsal_without_a_named_store_leaves_no_trace_and_its_banner_says_so() {
    let dir = empty_dir("rehearsal");
    for _ in 0..2 {
        let (code, stdout, stderr) = incident_bot_in(
            Some(&dir),
            &["console", "--clock", "simulated", "--as", "alice"],
            None,
            OPEN_AND_AN_UPDATE,
        );
        assert_eq!(code, 0, "{stderr}");
        let banner = stdout.lines().next().unwrap_or_default();
        assert!(
            banner.starts_with("#incidents on the console · runbook: ")
                && banner.ends_with(
                    " · store: a fresh one in memory, gone at /quit \
                     · clock: simulated (/advance 15m moves it)"
                ),
            "{banner}"
        );
        // Piped: no prompt, no escape codes.
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains("@#incidents> "),
            "{stdout:?}"
        );
        // Each rehearsal starts from nothing: INC-1 again, its update, and no other incident.
        assert!(
            stdout.contains("Update #1 · INC-1 · Complete Database Loss"),
            "{stdout}"
        );
        assert!(!stdout.contains("INC-2"), "{stdout}");
    }
    assert_eq!(files_in(&dir), Vec::<String>::new(), "nothing written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_simulated_clock_refuses_a_store_a_real_clock_has_written_and_says_why() {
    let dir = empty_dir("real-store");
    let database = format!("sqlite://{}", dir.join("incident-bot.db").display());
    let (code, stdout, stderr) = incident_bot(
        &["console", "--as", "alice"],
        &database,
        "/incident open critical db-loss Primary cluster unreachable\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!("store: {database} · clock: real")),
        "{stdout}"
    );

    for args in [
        &["console", "--clock", "simulated"][..],
        &[
            "console",
            "--clock",
            "simulated",
            "--database-url",
            &database,
        ][..],
    ] {
        let (code, stdout, stderr) = incident_bot(args, &database, OPEN_AND_AN_UPDATE);
        assert_eq!(code, 2, "{stdout}");
        assert_eq!(stdout, "", "no banner, no posts");
        let line = stderr.trim_end();
        let (head, tail) = line.split_once(" since ").unwrap_or_default();
        assert_eq!(
            head,
            format!("error: {database} has been written by a real clock"),
            "{stderr}"
        );
        let (since, reason) = tail.split_at(tail.find(": ").unwrap_or_default());
        assert!(
            chrono::NaiveDateTime::parse_from_str(since, "%Y-%m-%d %H:%M UTC").is_ok(),
            "{since:?} in {stderr}"
        );
        assert_eq!(
            reason,
            ": a simulated clock would put its rehearsal into real timelines. \
             Rehearse on a fresh store: leave out --database-url and DATABASE_URL"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn after_the_quick_start_git_status_shows_nothing_untracked() {
    let dir = empty_dir("quick-start");
    let (code, _, stderr) = incident_bot_in(
        Some(&dir),
        &["console"],
        None,
        "/incident open critical db-loss Primary cluster unreachable\n",
    );
    assert_eq!(code, 0, "{stderr}");
    let created = files_in(&dir);
    assert!(
        created.contains(&"incident-bot.db".to_owned())
            && created.contains(&"incident-bot.db.lock".to_owned()),
        "{created:?}"
    );
    let gitignore = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.gitignore"))
        .expect("the repository's .gitignore");
    let ignored = |name: &str| {
        gitignore
            .lines()
            .any(|pattern| match pattern.strip_prefix('*') {
                Some(suffix) => name.ends_with(suffix),
                None => pattern.trim_start_matches('/') == name,
            })
    };
    let untracked: Vec<&String> = created.iter().filter(|name| !ignored(name)).collect();
    assert!(untracked.is_empty(), "git status would show {untracked:?}");
    let _ = std::fs::remove_dir_all(dir);
}

fn login_name() -> String {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
        .map(|user| user.name)
        .expect("this test's user has a login name")
}

#[test]
fn the_user_is_the_one_named_with_as_else_user_else_the_login_name() {
    let open = "/incident open critical db-loss Primary cluster unreachable\n";
    for (as_, user, expected) in [
        (Some("alice"), Some("carol"), "alice".to_owned()),
        (None, Some("carol"), "carol".to_owned()),
        (None, Some("  "), login_name()),
        (None, None, login_name()),
    ] {
        let mut args = vec!["console", "--clock", "simulated"];
        args.extend(as_.iter().flat_map(|name| ["--as", name]));
        let mut command = bot_command(&args, None);
        match user {
            Some(user) => command.env("USER", user),
            None => command.env_remove("USER"),
        };
        let (code, stdout, stderr) = run(command, open);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains(&format!("  Commander   {expected}\n")),
            "{as_:?} {user:?}: {stdout}"
        );
    }
}

/// What a person sees at a terminal (a pseudo-terminal here): the prompt, Tab completing a
/// scenario name and a command, the Up arrow recalling the last line, the posts in between.
#[test]
fn at_a_terminal_the_console_prompts_completes_and_recalls() {
    use std::fs::File;
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let mut command = bot_command(&["console", "--clock", "simulated"], None);
    command
        .env_remove("USER")
        .env("TERM", "xterm")
        .stdin(Stdio::from(pty.slave.try_clone().expect("the terminal")))
        .stdout(Stdio::from(pty.slave.try_clone().expect("the terminal")))
        .stderr(Stdio::from(pty.slave));
    let mut child = command.spawn().expect("the binary starts");
    drop(command); // the terminal's other end stays open only in the console
    let mut keyboard = File::from(pty.master);
    let mut screen = keyboard.try_clone().expect("the terminal's output");
    let seen = Arc::new(Mutex::new(String::new()));
    let reader = {
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read @ 1..) = screen.read(&mut buffer) {
                let text = String::from_utf8_lossy(&buffer[..read]).into_owned();
                seen.lock().expect("the screen").push_str(&text);
            }
        })
    };
    let wait_for = |text: &str, times: usize| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = seen.lock().expect("the screen").clone();
            if screen.matches(text).count() >= times {
                return;
            }
            assert!(Instant::now() < deadline, "no {text:?} on\n{screen}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let login = login_name();
    let prompt = format!("{login}@#incidents> ");
    wait_for(&prompt, 1);
    keyboard
        .write_all(b"/incident open critical db-l\t Primary down\r")
        .expect("typed");
    wait_for("INC-1 · Step 1 of 11 · Confirm the issue", 1);
    keyboard.write_all(b"/adv\t 16m\r").expect("typed");
    wait_for("Time is now", 1);
    keyboard.write_all(b"\x1b[A\r").expect("typed");
    wait_for("Time is now", 2);
    keyboard.write_all(b"/quit\r").expect("typed");
    let status = child.wait().expect("the console stops");
    drop(keyboard);
    let _ = reader.join();
    let screen = seen.lock().expect("the screen").clone();
    assert!(status.success(), "{screen}");
    for expected in [
        // Tab made `db-l` the scenario's name, and `/adv` the command.
        "INCIDENT: CRITICAL Primary down",
        &format!("  Commander   {login}"),
        "Update #1 · INC-1 · Complete Database Loss",
        // The Up arrow sent `/advance 16m` again.
        "Update #2 · INC-1 · Complete Database Loss",
    ] {
        assert!(screen.contains(expected), "no {expected:?} on\n{screen}");
    }
    assert!(!screen.contains("Console commands:"), "{screen}");
}

#[test]
fn as_without_a_name_says_how_to_use_it() {
    let command = bot_command(&["console", "--clock", "simulated", "--as", "alice"], None);
    let (code, stdout, stderr) = run(command, "/as\n/as   \n/as bob\n");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout
            .matches("/as needs a name: /as <name> acts as that person, e.g. /as bob\n")
            .count(),
        2,
        "{stdout}"
    );
    assert!(!stdout.contains("Console commands:"), "{stdout}");
    assert!(stdout.contains("You are now bob."), "{stdout}");
}
