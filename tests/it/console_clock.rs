//! `console --clock simulated --start …`: a rehearsal that starts where it is told, and crosses
//! midnight: from the next day on, the console's headers and the times the bot writes in its
//! posts give the date.

use crate::transcript::run;

const PAST_MIDNIGHT: &str = "/incident open critical db-loss Primary cluster unreachable\n\
    /advance 4m\n\
    /incident step done\n\
    /advance 12m\n\
    /incident update Restore running, 40% copied\n";

#[test]
fn past_midnight_headers_and_times_give_the_date() {
    let rehearsal = run(
        &[
            "console",
            "--clock",
            "simulated",
            "--start",
            "2026-11-25T23:50",
            "--as",
            "alice",
        ],
        &[],
        PAST_MIDNIGHT,
    );
    assert_eq!(rehearsal.code, 0, "{}", rehearsal.output);
    let printed = &rehearsal.output;
    let headers: Vec<&str> = printed
        .lines()
        .filter(|line| line.starts_with("── "))
        .collect();
    assert_eq!(
        headers,
        [
            "── incident-bot · 23:50:00 UTC ──",
            "── incident-bot · 23:50:00 UTC ──",
            "── incident-bot · 23:54:00 UTC ──",
            "── incident-bot · 23:56:00 UTC ──",
            "── incident-bot · Thu 26 Nov 00:05:00 UTC ──",
            "── incident-bot · Thu 26 Nov 00:06:00 UTC ──",
        ],
        "{printed}"
    );
    for line in [
        "  │ Time: 2026-11-25 23:50 UTC",
        "Time is now 2026-11-26 00:06:00 UTC.",
        "  Next update             Thu 26 Nov 00:20 UTC",
        "Thu 26 Nov 00:06:00 UTC · Investigating · step 2 of 11: Activate incident response",
    ] {
        assert!(
            printed.lines().any(|printed| printed == line),
            "{line:?} is not printed:\n{printed}"
        );
    }
}

#[test]
fn start_needs_a_simulated_clock_and_says_how_to_write_a_time() {
    let real = run(&["console", "--start", "2026-11-25T23:50"], &[], "");
    assert_eq!(real.code, 2);
    assert_eq!(
        real.output,
        "error: --start is where a simulated clock starts: add --clock simulated\n"
    );
    let nonsense = run(
        &["console", "--clock", "simulated", "--start", "tomorrow"],
        &[],
        "",
    );
    assert_eq!(nonsense.code, 2);
    assert!(
        nonsense.output.starts_with(
            "error: invalid value 'tomorrow' for '--start <TIME>': `tomorrow` is not a time like \
             2026-11-25T20:58 (UTC)"
        ),
        "{}",
        nonsense.output
    );
    for written in ["2026-11-25 23:50", "2026-11-25T23:50:30Z"] {
        let started = run(
            &["console", "--clock", "simulated", "--start", written],
            &[],
            "/advance 1m\n",
        );
        assert_eq!(started.code, 0, "{}", started.output);
        assert!(
            started.output.contains("Time is now 2026-11-25 23:51"),
            "{written}: {}",
            started.output
        );
    }
}
