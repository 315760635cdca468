//! `/incident drill`: start a practice incident.

use std::fmt;

use crate::canonical;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "drill",
    usage: "/incident drill [scenario|random]",
    summary: "Start a practice incident, for a named scenario or a random one.",
    help: concat!(
        "A drill runs the same checklist as a real incident, marked as practice: it pages nobody, ",
        "schedules no follow-ups, and posts a drill report when resolved (see /incident drills). ",
        "Without a scenario, or with random, the bot picks one. ",
        "Quote a scenario name that has spaces; \"random\" in quotes is a scenario called random.\n",
        "Example: /incident drill \"database loss\"",
    ),
};

/// The keyword for a randomly picked scenario.
const RANDOM: &str = "random";

/// Start a drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    pub target: DrillTarget,
}

/// Which scenario a drill practises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillTarget {
    /// One the bot picks.
    Random,
    /// The scenario as typed; the bot matches it to a runbook section.
    Scenario(String),
}

impl Drill {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Drill, ErrorKind> {
        let target = match cursor.optional_word("a scenario inside the quotes")? {
            None => DrillTarget::Random,
            Some(word) if word.bare().is_some_and(|w| w.eq_ignore_ascii_case(RANDOM)) => {
                DrillTarget::Random
            }
            Some(word) => DrillTarget::Scenario(word.into_text()),
        };
        cursor.finish("at most one scenario (quote a name with spaces)")?;
        Ok(Drill { target })
    }
}

impl fmt::Display for Drill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SPEC.invocation())?;
        match &self.target {
            DrillTarget::Random => write!(f, " {RANDOM}"),
            DrillTarget::Scenario(name) if name.eq_ignore_ascii_case(RANDOM) => {
                write!(f, " {}", canonical::quoted(name))
            }
            DrillTarget::Scenario(name) => write!(f, " {}", canonical::word(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn target(text: &str) -> DrillTarget {
        match parse_incident(text) {
            Ok(Command::Drill(drill)) => drill.target,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn scenario(name: &str) -> DrillTarget {
        DrillTarget::Scenario(name.to_string())
    }

    #[test]
    fn picks_at_random_unless_a_scenario_is_named() {
        assert_eq!(target("drill"), DrillTarget::Random);
        assert_eq!(target("drill RANDOM"), DrillTarget::Random);
        assert_eq!(target("drill db-loss"), scenario("db-loss"));
        assert_eq!(target("drill “database loss”"), scenario("database loss"));
        assert_eq!(target("drill \"Random\""), scenario("Random"));
    }

    #[test]
    fn prints_the_canonical_form() {
        let canonical = |text| parse_incident(text).unwrap().to_string();
        assert_eq!(canonical("drill"), "/incident drill random");
        assert_eq!(
            canonical("drill “database loss”"),
            "/incident drill \"database loss\""
        );
        assert_eq!(canonical("drill \"random\""), "/incident drill \"random\"");
    }

    #[test]
    fn explains_extra_words_and_blank_names() {
        assert_eq!(
            parse_incident("drill database loss")
                .unwrap_err()
                .to_string(),
            "`drill` takes at most one scenario (quote a name with spaces), but got `loss` \
             — usage: /incident drill [scenario|random]"
        );
        assert_eq!(
            parse_incident("drill \" \"").unwrap_err().to_string(),
            "`/incident drill` needs a scenario inside the quotes \
             — usage: /incident drill [scenario|random]"
        );
    }
}
