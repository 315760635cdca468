//! Tidy checks in the manner of rust-analyzer's: the invariants of ARCHITECTURE.md that can be
//! checked by reading the source tree, checked on every test run, so a change that breaks one is
//! told which rule and where.

use std::path::{Path, PathBuf};

/// The repository's root (where `Cargo.toml` is).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, with its text, sorted by path.
fn rust_files(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join(dir), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, text)
        })
        .collect()
}

/// The file's path from the repository's root, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The lines of `text` before its first `#[cfg(test)]`: the code that ships.
fn shipped(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Every `(file:line, line)` under `dir` whose shipped code contains one of `needles`.
fn occurrences(dir: &str, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(dir) {
        for (number, line) in shipped(&text).lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if needles.iter().any(|needle| code.contains(needle)) {
                found.push(format!("{}:{}: {}", shown(&path), number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn adapters_reach_the_store_and_serve_only_through_the_engine() {
    let leaks = occurrences(
        "bot/chat",
        &["crate::store", "crate::serve", ".store()", "store::"],
    );
    assert!(
        leaks.is_empty(),
        "ARCHITECTURE.md: adapters verify and decode input, call the engine and render its \
         output; they do not touch the store or serve:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn the_command_language_and_the_domain_know_no_platform_nor_database() {
    let outside = [
        "slack_morphism",
        "serenity",
        "axum",
        "sqlx",
        "reqwest",
        "tokio",
        "crate::chat",
        "crate::store",
        "crate::engine",
        "crate::serve",
    ];
    let mut leaks = Vec::new();
    for dir in ["commands/src", "bot/incident", "bot/runbook"] {
        leaks.extend(occurrences(dir, &outside));
    }
    assert!(
        leaks.is_empty(),
        "ARCHITECTURE.md: `commands` and the domain know nothing of chat platforms, HTTP or the \
         database:\n{}",
        leaks.join("\n")
    );
    let manifest = std::fs::read_to_string(root().join("commands/Cargo.toml")).expect("manifest");
    for crate_name in [
        "slack-morphism",
        "serenity",
        "axum",
        "sqlx",
        "tokio",
        "reqwest",
    ] {
        assert!(
            !manifest.contains(crate_name),
            "commands/Cargo.toml depends on {crate_name}: the command language is pure"
        );
    }
}

#[test]
fn no_shell_is_ever_started() {
    let mut found = Vec::new();
    for dir in ["bot", "commands/src"] {
        found.extend(occurrences(
            dir,
            &["std::process::Command", "process::Command::new"],
        ));
    }
    assert!(
        found.is_empty(),
        "ARCHITECTURE.md: shell commands from the runbook are shown, never executed:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_module_says_what_it_is_for() {
    let mut undocumented = Vec::new();
    for dir in ["bot", "commands/src", "tests/it", "benches"] {
        for (path, text) in rust_files(dir) {
            if !text.trim_start().starts_with("//!") {
                undocumented.push(shown(&path));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "these files have no `//!` comment at the top saying what they are for:\n{}",
        undocumented.join("\n")
    );
}

#[test]
fn the_code_map_names_every_module() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut unnamed = Vec::new();
    for (path, _) in rust_files("bot") {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if ["mod", "lib", "main", "tests", "test_support"].contains(&name) {
            continue;
        }
        let named = |word: &str| {
            map.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .any(|token| token == word)
        };
        if !named(name) && !named(&name.replace('_', "-")) {
            unnamed.push(shown(&path));
        }
    }
    assert!(
        unnamed.is_empty(),
        "ARCHITECTURE.md's code map does not name these modules:\n{}",
        unnamed.join("\n")
    );
}

#[test]
fn shipped_modules_stay_small() {
    const MOST_LINES: usize = 600;
    let mut large = Vec::new();
    for (path, text) in rust_files("bot") {
        let lines = shipped(&text).lines().count();
        if lines > MOST_LINES {
            large.push(format!("{}: {lines} lines", shown(&path)));
        }
    }
    assert!(
        large.is_empty(),
        "modules over {MOST_LINES} lines of non-test code; split them by concern:\n{}",
        large.join("\n")
    );
}

#[test]
fn nothing_is_left_unfinished() {
    let mut found = Vec::new();
    for dir in ["bot", "commands/src", "tests/it", "benches"] {
        for (path, text) in rust_files(dir) {
            for (number, line) in text.lines().enumerate() {
                if line.contains(concat!("todo", "!("))
                    || line.contains(concat!("unimplemented", "!("))
                {
                    found.push(format!("{}:{}", shown(&path), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "unfinished code:\n{}", found.join("\n"));
}

#[test]
fn every_environment_variable_read_is_in_the_help() {
    let reads = [
        r#"\.(?:get|flag)\(\s*"([A-Z][A-Z0-9_]+)""#,
        r#"lookup\(\s*"([A-Z][A-Z0-9_]+)""#,
        r#"env::var(?:_os)?\(\s*"([A-Z][A-Z0-9_]+)""#,
        r#"env\s*=\s*"([A-Z][A-Z0-9_]+)""#,
        // A helper handed the environment and the name: `timeout(env, "HTTP_BODY_TIMEOUT", …)`.
        r#"\benv,\s*"([A-Z][A-Z0-9_]+)""#,
    ]
    .map(|pattern| regex::Regex::new(pattern).expect("a pattern"));
    // A name put together at run time, `format!("PAGE_{}", …)`: its prefix.
    let prefixes = regex::Regex::new(r#"format!\(\s*"([A-Z][A-Z0-9_]*_)\{"#).expect("a pattern");
    let listed: Vec<&str> = incident_bot::cli::variables::VARIABLES
        .iter()
        .map(|variable| variable.name)
        .collect();
    let (mut read, mut missing) = (0, Vec::new());
    for (path, text) in rust_files("bot") {
        let code = shipped(&text);
        for found in reads.iter().flat_map(|read| read.captures_iter(code)) {
            read += 1;
            if !listed.contains(&&found[1]) {
                missing.push(format!("{}: {}", shown(&path), &found[1]));
            }
        }
        for found in prefixes.captures_iter(code) {
            read += 1;
            if !listed.iter().any(|name| name.starts_with(&found[1])) {
                missing.push(format!("{}: {}…", shown(&path), &found[1]));
            }
        }
    }
    assert!(
        read >= 20,
        "the scan found only {read} reads: is it still looking?"
    );
    assert!(
        missing.is_empty(),
        "environment variables read but not in bot/cli/variables.rs, so no --help lists them:\n{}",
        missing.join("\n")
    );
}
