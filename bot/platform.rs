//! The chat platforms the bot talks on, named once: the name stored in channel keys and the
//! outbox (`slack`), and the name people read in a message (`Slack`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A chat platform. Serialised (and stored) as its [`Platform::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Slack,
    Discord,
    /// The terminal channel of `incident-bot console`.
    Console,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Slack, Platform::Discord, Platform::Console];

    /// The name in channel keys, the outbox and logs: `slack`, `discord`, `console`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
            Platform::Console => "console",
        }
    }

    /// The name in a sentence: `Slack`, `Discord`, `the console`.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Slack => "Slack",
            Platform::Discord => "Discord",
            Platform::Console => "the console",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is none of the platforms'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a chat platform (slack, discord or console)")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(name: &str) -> Result<Platform, UnknownPlatform> {
        Platform::ALL
            .into_iter()
            .find(|platform| platform.as_str() == name)
            .ok_or_else(|| UnknownPlatform(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_name_is_the_serialised_one_and_reads_back() {
        for platform in Platform::ALL {
            assert_eq!(
                serde_json::to_value(platform).unwrap(),
                platform.as_str(),
                "{platform:?}"
            );
            assert_eq!(platform.as_str().parse(), Ok(platform));
        }
        assert_eq!(
            "Slack".parse::<Platform>(),
            Err(UnknownPlatform("Slack".to_string()))
        );
    }
}
