//! The README's samples are what the bot prints: every fenced block of README.md that starts with
//! `$ ` is a transcript, a command (a `printf '%s\n' 'line' … |` feeding it, lines joined by `\`)
//! and its output. The test runs the command through the binary, with nothing set in the
//! environment, and compares what it prints with the output shown, where a `...` line stands for
//! one or more lines left out.

use crate::transcript::run;

/// One sample of the README.
struct Sample {
    /// The command as written, for messages.
    command: String,
    /// The variables set before the program (`PAGE_HIGH='…' incident-bot …`).
    vars: Vec<(String, String)>,
    /// The arguments after `cargo run --release --` or `incident-bot`.
    args: Vec<String>,
    /// The lines piped in.
    input: String,
    /// The output as shown.
    shown: Vec<String>,
}

/// Every transcript among the README's fenced blocks.
fn samples(readme: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in readme.lines() {
        match (&mut block, line.trim_start().starts_with("```")) {
            (None, true) => block = Some(Vec::new()),
            (Some(lines), true) => {
                if lines.first().is_some_and(|first| first.starts_with("$ ")) {
                    samples.push(sample(lines));
                }
                block = None;
            }
            (Some(lines), false) => lines.push(line),
            (None, false) => {}
        }
    }
    samples
}

/// A block's command (its `$ ` line and the lines its `\` continues onto) and output.
fn sample(lines: &[&str]) -> Sample {
    let mut command = String::new();
    let mut rest = lines.iter();
    for line in rest.by_ref() {
        let line = line.trim_start_matches("$ ").trim();
        match line.strip_suffix('\\') {
            Some(continued) => command.push_str(continued),
            None => {
                command.push_str(line);
                break;
            }
        }
    }
    let (feed, run) = match command.split_once(" | ") {
        Some((feed, run)) => (Some(feed), run),
        None => (None, command.as_str()),
    };
    let input: String = feed
        .map(|feed| {
            let words = words(feed);
            assert_eq!(
                words.get(..2),
                Some(&["printf".to_string(), "%s\\n".to_string()][..]),
                "README: a sample's input is fed with printf '%s\\n' …: {command}"
            );
            words[2..].iter().map(|line| format!("{line}\n")).collect()
        })
        .unwrap_or_default();
    let mut words = words(run).into_iter().peekable();
    let mut vars = Vec::new();
    while let Some((name, value)) = words.peek().and_then(|word| assignment(word)) {
        vars.push((name, value));
        words.next();
    }
    let words: Vec<String> = words.collect();
    let args = match words.first().map(String::as_str) {
        Some("incident-bot") => &words[1..],
        _ if words.starts_with(&["cargo", "run", "--release", "--"].map(String::from)) => {
            &words[4..]
        }
        _ => panic!(
            "README: a sample runs `cargo run --release -- …` or `incident-bot …`: {command}"
        ),
    };
    Sample {
        command: command.clone(),
        vars,
        args: args.to_vec(),
        input,
        shown: rest.map(|line| line.to_string()).collect(),
    }
}

/// `NAME=value` before the program: the variable it sets.
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_name.then(|| (name.to_string(), value.to_string()))
}

/// Shell words: split at spaces outside single quotes, the quotes taken away.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            ' ' if !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(!quoted, "README: a quote is not closed in {text}");
    words.extend(word);
    words
}

/// Whether `printed` is what `shown` shows, each `...` line of `shown` standing for one or more
/// lines; the first difference if not. Trailing spaces and trailing blank lines do not count.
fn compare(shown: &[String], printed: &str) -> Result<(), String> {
    let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
    let end = printed
        .iter()
        .rposition(|line| !line.is_empty())
        .map_or(0, |last| last + 1);
    let printed = &printed[..end];
    let shown: Vec<&str> = shown.iter().map(|line| line.trim_end()).collect();
    let pieces: Vec<&[&str]> = shown.split(|line| line.trim() == "...").collect();
    let last = pieces.len() - 1;
    let mut at = 0;
    for (index, piece) in pieces.iter().enumerate() {
        let earliest = if index == 0 { 0 } else { at + 1 };
        let found = match index {
            0 => (printed.get(..piece.len()) == Some(piece)).then_some(0),
            _ if index == last && !piece.is_empty() => printed
                .len()
                .checked_sub(piece.len())
                .filter(|start| *start >= earliest && printed[*start..] == **piece),
            _ if index == last => (printed.len() >= earliest).then_some(printed.len()),
            _ => (earliest..=printed.len().saturating_sub(piece.len()))
                .find(|start| printed[*start..*start + piece.len()] == **piece),
        };
        match found {
            Some(start) => at = start + piece.len(),
            None => {
                return Err(format!(
                    "these lines of the README{} are not printed{}:\n{}",
                    if index == 0 { ", at the start," } else { "" },
                    if index == last && index > 0 {
                        " at the end"
                    } else {
                        ""
                    },
                    piece.join("\n")
                ))
            }
        }
    }
    match pieces.len() {
        1 if at != printed.len() => {
            Err(format!("the README shows {at} lines, but more are printed",))
        }
        _ => Ok(()),
    }
}

#[test]
fn every_output_the_readme_shows_is_what_the_bot_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let samples = samples(&readme);
    let commands: Vec<&str> = samples
        .iter()
        .map(|sample| sample.command.as_str())
        .collect();
    assert!(
        commands
            .iter()
            .any(|command| command.contains("-- console "))
            && commands
                .iter()
                .any(|command| command.contains("-- check-runbook")),
        "the README's console and check-runbook samples are not found: {commands:?}"
    );
    let mut out_of_date = Vec::new();
    for sample in &samples {
        let args: Vec<&str> = sample.args.iter().map(String::as_str).collect();
        let vars: Vec<(&str, &str)> = sample
            .vars
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let printed = run(&args, &vars, &sample.input).output;
        if let Err(difference) = compare(&sample.shown, &printed) {
            out_of_date.push(format!(
                "README.md's sample `{}` is out of date: {difference}\n\nIt prints:\n{printed}",
                sample.command
            ));
        }
    }
    assert!(out_of_date.is_empty(), "{}", out_of_date.join("\n\n"));
}

#[test]
fn an_elision_stands_for_one_or_more_lines() {
    let shown = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(compare(&shown("a\nb"), "a\nb\n\n"), Ok(()));
    assert!(compare(&shown("a\nb"), "a\nb\nc").is_err());
    assert_eq!(compare(&shown("a\n...\nd"), "a\nb\nc\nd"), Ok(()));
    assert!(
        compare(&shown("a\n...\nb"), "a\nb").is_err(),
        "one line at least"
    );
    assert_eq!(compare(&shown("a\n  ...\nc\n..."), "a\nb\nc\nd"), Ok(()));
    assert!(compare(&shown("a\n...\nc\n..."), "a\nb\nc").is_err());
    assert!(compare(&shown("a\n...\nx"), "a\nb\nc").is_err());
    assert_eq!(compare(&shown("...\nc"), "a\nb\nc"), Ok(()));
}

#[test]
fn a_sample_is_read_as_a_shell_would() {
    let piped = sample(&[
        "$ printf '%s\\n' '/incident open critical db-loss Primary down' '/advance 4m' \\",
        "    '/incident step done' | cargo run --release -- console --clock simulated --as alice",
        "output",
    ]);
    assert_eq!(
        piped.input,
        "/incident open critical db-loss Primary down\n/advance 4m\n/incident step done\n"
    );
    assert_eq!(
        piped.args,
        ["console", "--clock", "simulated", "--as", "alice"]
    );
    assert_eq!(piped.shown, ["output"]);
    assert!(piped.vars.is_empty());
    let configured =
        sample(&["$ PAGE_HIGH='platform lead; Nobody Here' X=1 incident-bot check-config"]);
    assert_eq!(
        configured.vars,
        [
            (
                "PAGE_HIGH".to_string(),
                "platform lead; Nobody Here".to_string()
            ),
            ("X".to_string(), "1".to_string())
        ]
    );
    assert_eq!(configured.args, ["check-config"]);
}
