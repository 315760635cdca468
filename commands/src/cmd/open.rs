//! `/incident open`: declare an incident for a runbook scenario.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::severity::Severity;
use crate::spec::CommandSpec;
use crate::text::strip_prefix_ignore_case;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "open",
    usage: "/incident open <severity> <scenario> [--services a,b] [--new] [description]",
    summary: "Declare an incident and start the scenario's runbook checklist.",
    help: concat!(
        "The severity is critical, high, medium or low (sev1 to sev4 and p1 to p4 work too). ",
        "The scenario names a runbook section: quote it if it has spaces. ",
        "--services lists the affected services, separated by commas. ",
        "While the scenario is open in the channel, the bot names that incident instead of ",
        "opening a second one; --new opens another anyway. ",
        "The rest of the line is the description.\n",
        "Example: /incident open critical \"database loss\" --services database,api ",
        "Primary cluster unreachable",
    ),
};

/// The option that lists the affected services.
pub(crate) const SERVICES_OPTION: &str = "--services";

/// The option that opens another incident of a scenario already open in the channel.
pub(crate) const NEW_OPTION: &str = "--new";

const MISSING_SERVICES: &str = "service names after --services, e.g. --services database,api";

/// Declare an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub severity: Severity,
    /// The scenario as typed; the bot matches it to a runbook section.
    pub scenario: String,
    /// Affected services as typed; empty when not given. The bot matches them to the runbook's
    /// RTO/RPO table.
    pub services: Vec<String>,
    pub description: Option<String>,
    /// `--new`: open it even while an incident of the same scenario is open in the channel.
    pub new: bool,
}

impl Open {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Open, ErrorKind> {
        let severity = cursor.severity()?;
        let scenario = cursor.required_word("a scenario, e.g. db-loss")?;
        if scenario.bare().is_some_and(|word| word.starts_with("--")) {
            return Err(ErrorKind::Missing {
                what: "a scenario before the options, e.g. db-loss",
            });
        }
        let mut open = Open {
            severity,
            scenario: scenario.into_text(),
            services: Vec::new(),
            description: None,
            new: false,
        };
        // The options, in any order, before the description.
        while let Some(option) = cursor.next_bare_if(|word| word.starts_with("--")) {
            if option.eq_ignore_ascii_case(NEW_OPTION) {
                open.new = true;
            } else {
                open.services.extend(parse_services(option, cursor)?);
            }
        }
        open.description = cursor.rest_of_line();
        Ok(open)
    }
}

/// The list after `--services` (`--services a,b`) or in it (`--services=a,b`); a list that ends
/// with a comma goes on in the next word (`--services database, api`).
fn parse_services(option: &str, cursor: &mut Cursor<'_>) -> Result<Vec<String>, ErrorKind> {
    let mut list = if option.eq_ignore_ascii_case(SERVICES_OPTION) {
        cursor.required_word(MISSING_SERVICES)?.into_text()
    } else if let Some(inline) = strip_prefix_ignore_case(option, "--services=") {
        inline.to_string()
    } else {
        return Err(ErrorKind::NotA {
            word: option.to_string(),
            what: "an option of open",
            choices: "--services a,b or --new",
        });
    };
    let mut services = Vec::new();
    loop {
        services.extend(service_names(&list));
        if !list.ends_with(',') {
            break;
        }
        match cursor.next_bare_if(|word| !word.starts_with("--")) {
            Some(more) => list = more.to_string(),
            None => break,
        }
    }
    if services.is_empty() {
        return Err(ErrorKind::Missing {
            what: MISSING_SERVICES,
        });
    }
    Ok(services)
}

/// The non-empty names in `database, API,`, trimmed.
fn service_names(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

impl fmt::Display for Open {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            SPEC.invocation(),
            self.severity,
            canonical::word(&self.scenario)
        )?;
        if !self.services.is_empty() {
            let list = self.services.join(",");
            write!(f, " {SERVICES_OPTION} {}", canonical::word(&list))?;
        }
        if self.new {
            write!(f, " {NEW_OPTION}")?;
        }
        write!(
            f,
            "{}",
            Optional(self.description.as_deref().map(canonical::free_text))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn open(text: &str) -> Open {
        match parse_incident(text) {
            Ok(Command::Open(open)) => open,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error(text: &str) -> String {
        parse_incident(text).unwrap_err().to_string()
    }

    const USAGE: &str =
        " — usage: /incident open <severity> <scenario> [--services a,b] [--new] [description]";

    #[test]
    fn reads_severity_and_scenario() {
        assert_eq!(
            open("open critical db-loss"),
            Open {
                severity: Severity::Critical,
                scenario: "db-loss".to_string(),
                services: vec![],
                description: None,
                new: false,
            }
        );
        assert_eq!(open("OPEN Sev2 “database loss”").scenario, "database loss");
    }

    #[test]
    fn reads_services_and_description() {
        let expected = Open {
            severity: Severity::Critical,
            scenario: "db-loss".to_string(),
            services: vec!["database".to_string(), "api".to_string()],
            description: Some("Primary  cluster down".to_string()),
            new: false,
        };
        for text in [
            "open critical db-loss --services database,api Primary  cluster down",
            "open critical db-loss --SERVICES=database,api Primary  cluster down",
            "open critical db-loss --services database, api Primary  cluster down",
            "open critical db-loss --services \"database , api\" \"Primary  cluster down\"",
        ] {
            assert_eq!(open(text), expected, "{text}");
        }
    }

    #[test]
    fn services_are_kept_as_typed_for_the_bot_to_match() {
        assert_eq!(
            open("open critical db-loss --services Database,API,Nope").services,
            ["Database", "API", "Nope"]
        );
    }

    #[test]
    fn description_without_services() {
        assert_eq!(
            open("open low cdn  Images slow  ").description.as_deref(),
            Some("Images slow")
        );
        assert_eq!(
            open("open low cdn \"--services are fine\"").services,
            Vec::<String>::new()
        );
    }

    #[test]
    fn prints_the_canonical_form() {
        let text = "open p1 db-loss --services=database,api Primary cluster down";
        assert_eq!(
            open(text).to_string(),
            "/incident open critical db-loss --services database,api Primary cluster down"
        );
        assert_eq!(
            open(r#"open high "database loss" "--services down""#).to_string(),
            r#"/incident open high "database loss" "--services down""#
        );
    }

    #[test]
    fn explains_a_wrong_severity() {
        assert_eq!(
            error("open critcal db-loss"),
            format!("`critcal` is not a severity: use critical, high, medium or low{USAGE}")
        );
    }

    #[test]
    fn explains_missing_arguments() {
        assert_eq!(
            error("open"),
            format!("`/incident open` needs a severity{USAGE}")
        );
        assert_eq!(
            error("open high"),
            format!("`/incident open` needs a scenario, e.g. db-loss{USAGE}")
        );
        assert_eq!(
            error("open high \"\""),
            format!("`/incident open` needs a scenario, e.g. db-loss{USAGE}")
        );
        assert_eq!(
            error("open high --services db"),
            format!("`/incident open` needs a scenario before the options, e.g. db-loss{USAGE}")
        );
    }

    #[test]
    fn explains_bad_service_lists() {
        let missing = format!(
            "`/incident open` needs service names after --services, e.g. --services \
             database,api{USAGE}"
        );
        assert_eq!(error("open high db --services"), missing);
        assert_eq!(error("open high db --services= down"), missing);
        assert_eq!(error("open high db --services ,"), missing);
        assert_eq!(
            error("open high db --service db"),
            format!("`--service` is not an option of open: use --services a,b or --new{USAGE}")
        );
    }

    #[test]
    fn new_opens_another_of_an_open_scenario() {
        for text in [
            "open high security --new Second breach, other tenant",
            "open high security --NEW --services api Second breach, other tenant",
            "open high security --services api --new Second breach, other tenant",
        ] {
            let read = open(text);
            assert!(read.new, "{text}");
            assert_eq!(
                read.description.as_deref(),
                Some("Second breach, other tenant"),
                "{text}"
            );
        }
        assert!(!open("open high security \"--new\" breach").new);
        assert_eq!(
            open("open high security --services api --new Second breach").to_string(),
            "/incident open high security --services api --new Second breach"
        );
    }

    #[test]
    fn explains_an_unclosed_quote() {
        assert_eq!(
            error("open high \"database loss"),
            format!("a quote is opened but never closed: close it, or remove it{USAGE}")
        );
    }
}
