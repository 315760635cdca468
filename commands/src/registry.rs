//! Every command, in the order help lists them: finding a command by the word typed, and suggesting
//! the nearest one for a typo.

use std::fmt;

use crate::cmd::{
    assign, cancel, change_severity, choose, drill, drills, follow_up, help, list, open,
    postmortem, reopen, resolve, restored, rpo, scenarios, status, step, update,
};
use crate::error::ErrorKind;
use crate::spec::CommandSpec;

/// Which command a text is (or was meant to be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    Open,
    Drill,
    List,
    Status,
    Scenarios,
    Help,
    Step,
    Choose,
    Update,
    Assign,
    Severity,
    Rpo,
    Resolve,
    Postmortem,
    Restored,
    Reopen,
    Cancel,
    FollowUp,
    Drills,
}

/// The most edits (typed letters that are wrong, missing, extra or swapped) a typo may have and still
/// get a suggestion.
const MAX_TYPO_EDITS: usize = 2;

/// Typed letters per edit allowed: a word of 3 to 5 letters may have one edit, so `foo` is not
/// taken for `rpo`, while `opne` is `open` and `cancle` is `cancel`.
const LETTERS_PER_EDIT: usize = 3;

/// The shortest start of a command name that gets that command suggested (`sev` → `severity`).
const MIN_SUGGESTED_PREFIX: usize = 3;

impl CommandName {
    /// Every command, in the order help lists them.
    pub const ALL: [CommandName; 19] = [
        CommandName::Open,
        CommandName::Drill,
        CommandName::List,
        CommandName::Status,
        CommandName::Scenarios,
        CommandName::Help,
        CommandName::Step,
        CommandName::Choose,
        CommandName::Update,
        CommandName::Assign,
        CommandName::Severity,
        CommandName::Rpo,
        CommandName::Restored,
        CommandName::Resolve,
        CommandName::Postmortem,
        CommandName::Reopen,
        CommandName::Cancel,
        CommandName::FollowUp,
        CommandName::Drills,
    ];

    /// How the command is written and what it does.
    pub fn spec(self) -> &'static CommandSpec {
        match self {
            CommandName::Open => &open::SPEC,
            CommandName::Drill => &drill::SPEC,
            CommandName::List => &list::SPEC,
            CommandName::Status => &status::SPEC,
            CommandName::Scenarios => &scenarios::SPEC,
            CommandName::Help => &help::SPEC,
            CommandName::Step => &step::SPEC,
            CommandName::Choose => &choose::SPEC,
            CommandName::Update => &update::SPEC,
            CommandName::Assign => &assign::SPEC,
            CommandName::Severity => &change_severity::SPEC,
            CommandName::Rpo => &rpo::SPEC,
            CommandName::Resolve => &resolve::SPEC,
            CommandName::Postmortem => &postmortem::SPEC,
            CommandName::Restored => &restored::SPEC,
            CommandName::Reopen => &reopen::SPEC,
            CommandName::Cancel => &cancel::SPEC,
            CommandName::FollowUp => &follow_up::SPEC,
            CommandName::Drills => &drills::SPEC,
        }
    }

    /// The word that selects the command: `open`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The command a word names, in any case.
    pub fn from_word(word: &str) -> Option<CommandName> {
        Self::ALL
            .into_iter()
            .find(|name| name.as_str().eq_ignore_ascii_case(word))
    }

    /// The command a mistyped word most likely meant: the only one it starts, else the nearest by
    /// edits, if close enough: at most one edit per three letters typed, and two in all.
    pub(crate) fn suggest(word: &str) -> Option<CommandName> {
        let word = word.to_lowercase();
        let typed_chars = word.chars().count();
        let mut started = Self::ALL
            .into_iter()
            .filter(|name| typed_chars >= MIN_SUGGESTED_PREFIX && name.as_str().starts_with(&word));
        if let (Some(only), None) = (started.next(), started.next()) {
            return Some(only);
        }
        Self::ALL
            .into_iter()
            .map(|name| (strsim::damerau_levenshtein(&word, name.as_str()), name))
            .filter(|&(edits, _)| edits <= MAX_TYPO_EDITS.min(typed_chars / LETTERS_PER_EDIT))
            .min_by_key(|&(edits, _)| edits)
            .map(|(_, name)| name)
    }

    /// The command a word names, or the error naming the word with a suggestion.
    pub(crate) fn lookup(word: &str) -> Result<CommandName, ErrorKind> {
        Self::from_word(word).ok_or_else(|| ErrorKind::UnknownCommand {
            word: word.to_string(),
            suggestion: Self::suggest(word),
        })
    }
}

impl fmt::Display for CommandName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every command's spec, in the order help lists them.
pub fn specs() -> impl Iterator<Item = &'static CommandSpec> {
    CommandName::ALL.into_iter().map(CommandName::spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_commands_by_name_in_any_case() {
        assert_eq!(CommandName::from_word("open"), Some(CommandName::Open));
        assert_eq!(CommandName::from_word("OPEN"), Some(CommandName::Open));
        assert_eq!(
            CommandName::from_word("PostMortem"),
            Some(CommandName::Postmortem)
        );
        assert_eq!(CommandName::from_word("opne"), None);
        assert_eq!(CommandName::from_word(""), None);
    }

    #[test]
    fn names_are_unique_and_read_back() {
        for name in CommandName::ALL {
            assert_eq!(CommandName::from_word(name.as_str()), Some(name));
        }
    }

    #[test]
    fn specs_follow_the_documented_order() {
        let usages: Vec<&str> = specs().map(|spec| spec.usage).collect();
        assert_eq!(
            usages,
            [
                "/incident open <severity> <scenario> [--services a,b] [--new] [description]",
                "/incident drill [scenario|random]",
                "/incident list",
                "/incident status [INC-n]",
                "/incident scenarios",
                "/incident help [command]",
                "/incident step [INC-n] [step-number] done|skip|fail|retry [note]",
                "/incident choose [INC-n] <option>",
                "/incident update [INC-n] <text>",
                "/incident assign [INC-n] <role> <@user>",
                "/incident severity [INC-n] <severity>",
                "/incident rpo [INC-n] <time of last good data>",
                "/incident restored [INC-n] [service…]",
                "/incident resolve [INC-n] [root cause]",
                "/postmortem [INC-n] [final]",
                "/incident reopen [INC-n] [reason]",
                "/incident cancel [INC-n] <reason>",
                "/incident followup [INC-n] <item> done|undo",
                "/incident drills",
            ]
        );
    }

    #[test]
    fn every_invocation_ends_with_the_command_name() {
        for spec in specs() {
            assert!(spec.invocation().ends_with(spec.name), "{}", spec.usage);
        }
    }

    #[test]
    fn every_example_is_a_valid_command_of_its_kind() {
        for spec in specs() {
            let example = spec
                .help
                .lines()
                .find_map(|line| line.strip_prefix("Example: "))
                .unwrap_or_else(|| panic!("{} has no example", spec.name));
            let canonical = crate::parse_line(example)
                .unwrap_or_else(|error| panic!("{example}: {error}"))
                .to_string();
            assert!(
                canonical == spec.invocation()
                    || canonical.starts_with(&format!("{} ", spec.invocation())),
                "{example} reads as {canonical}"
            );
        }
    }

    #[test]
    fn suggests_the_command_a_typo_meant() {
        for (typo, meant) in [
            ("opne", CommandName::Open),
            ("OPNE", CommandName::Open),
            ("lsit", CommandName::List),
            ("stats", CommandName::Status),
            ("sev", CommandName::Severity),
            ("resolv", CommandName::Resolve),
            ("post", CommandName::Postmortem),
            ("scenario", CommandName::Scenarios),
            ("hlep", CommandName::Help),
            ("reopn", CommandName::Reopen),
            ("cancle", CommandName::Cancel),
            ("statsu", CommandName::Status),
            ("opn", CommandName::Open),
            ("rpoo", CommandName::Rpo),
        ] {
            assert_eq!(CommandName::suggest(typo), Some(meant), "{typo}");
        }
    }

    #[test]
    fn suggests_nothing_for_unrelated_words() {
        for word in ["", "x", "st", "foo", "bar", "banana", "declare", "🙂🙂🙂"] {
            assert_eq!(CommandName::suggest(word), None, "{word}");
        }
    }

    #[test]
    fn lookup_reports_the_word_and_the_suggestion() {
        assert_eq!(
            CommandName::lookup("opne"),
            Err(ErrorKind::UnknownCommand {
                word: "opne".to_string(),
                suggestion: Some(CommandName::Open)
            })
        );
    }
}
