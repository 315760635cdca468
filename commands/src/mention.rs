//! The one person a role goes to, as chat platforms write a mention: Slack `<@U024BE7LH>` or
//! `<@U024BE7LH|alice>`, Discord `<@123456789>` or `<@!123456789>`, or a plain `@alice` typed in
//! the console. Group pings (`@here`, `<!channel>`, role mentions) are refused, since a role needs
//! one person.

use std::fmt;

use crate::error::ErrorKind;

/// A user mention.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mention {
    /// A platform user id, written `<@id>`.
    User(String),
    /// A handle without a platform id, written `@name`.
    Handle(String),
}

/// Handles that ping a whole group rather than one person.
const GROUP_HANDLES: [&str; 3] = ["channel", "here", "everyone"];

impl Mention {
    /// Reads a mention.
    ///
    /// # Errors
    /// [`ErrorKind::GroupMention`] for a group ping, [`ErrorKind::NotA`] for anything else that is
    /// not a mention of one person.
    pub fn parse(word: &str) -> Result<Mention, ErrorKind> {
        if is_group(word) {
            return Err(ErrorKind::GroupMention {
                word: word.to_string(),
            });
        }
        platform_user_id(word)
            .map(|id| Mention::User(id.to_string()))
            .or_else(|| handle(word).map(|name| Mention::Handle(name.to_string())))
            .ok_or_else(|| ErrorKind::NotA {
                word: word.to_string(),
                what: "a user mention",
                choices: "one person, e.g. <@U024BE7LH> or @alice",
            })
    }

    /// Whether `word` is written like a mention of someone or something, rather than a plain word.
    pub(crate) fn looks_like(word: &str) -> bool {
        word.starts_with('@') || word.starts_with('<')
    }
}

/// `<!channel>`, `<!here|here>`, `<!subteam^S123>`, `<@&123>`, `@here`, `@everyone`, …
fn is_group(word: &str) -> bool {
    word.starts_with("<!")
        || word.starts_with("<@&")
        || word.strip_prefix('@').is_some_and(|name| {
            GROUP_HANDLES
                .iter()
                .any(|group| name.eq_ignore_ascii_case(group))
        })
}

/// The id in `<@U024BE7LH>`, `<@U024BE7LH|alice>`, `<@123>` or `<@!123>`.
fn platform_user_id(word: &str) -> Option<&str> {
    let inside = word.strip_prefix("<@")?.strip_suffix('>')?;
    let inside = inside.strip_prefix('!').unwrap_or(inside);
    let id = inside.split_once('|').map_or(inside, |(id, _label)| id);
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then_some(id)
}

/// The name in `@alice`: letters, digits, `.`, `_` and `-`.
fn handle(word: &str) -> Option<&str> {
    let name = word.strip_prefix('@')?;
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    (!name.is_empty() && name.chars().all(allowed)).then_some(name)
}

impl fmt::Display for Mention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mention::User(id) => write!(f, "<@{id}>"),
            Mention::Handle(name) => write!(f, "@{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> Result<Mention, ErrorKind> {
        Ok(Mention::User(id.to_string()))
    }

    #[test]
    fn reads_slack_and_discord_mentions() {
        assert_eq!(Mention::parse("<@U024BE7LH>"), user("U024BE7LH"));
        assert_eq!(Mention::parse("<@U024BE7LH|alice>"), user("U024BE7LH"));
        assert_eq!(Mention::parse("<@123456789>"), user("123456789"));
        assert_eq!(Mention::parse("<@!123456789>"), user("123456789"));
    }

    #[test]
    fn reads_console_handles() {
        assert_eq!(
            Mention::parse("@alice"),
            Ok(Mention::Handle("alice".to_string()))
        );
        assert_eq!(
            Mention::parse("@j.doe-2_x"),
            Ok(Mention::Handle("j.doe-2_x".to_string()))
        );
        assert_eq!(
            Mention::parse("@Zoë"),
            Ok(Mention::Handle("Zoë".to_string()))
        );
    }

    #[test]
    fn refuses_group_pings() {
        for word in [
            "@channel",
            "@here",
            "@everyone",
            "@Everyone",
            "<!channel>",
            "<!here>",
            "<!everyone>",
            "<!here|here>",
            "<!subteam^S0614TZR7|oncall>",
            "<@&123456789>",
        ] {
            assert_eq!(
                Mention::parse(word),
                Err(ErrorKind::GroupMention {
                    word: word.to_string()
                }),
                "{word}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_mention() {
        for word in [
            "alice", "@", "<@>", "<@U1", "<@U 1>", "<@U-1>", "@al ice", "@al<ice", "<#C123>", "",
        ] {
            assert_eq!(
                Mention::parse(word),
                Err(ErrorKind::NotA {
                    word: word.to_string(),
                    what: "a user mention",
                    choices: "one person, e.g. <@U024BE7LH> or @alice"
                }),
                "{word}"
            );
        }
    }

    #[test]
    fn prints_what_it_reads() {
        for word in ["<@U024BE7LH>", "<@123>", "@alice"] {
            let mention = Mention::parse(word).unwrap();
            assert_eq!(mention.to_string(), word);
        }
        assert_eq!(Mention::parse("<@!123>").unwrap().to_string(), "<@123>");
    }

    #[test]
    fn tells_mentions_from_plain_words() {
        assert!(Mention::looks_like("@alice"));
        assert!(Mention::looks_like("<@U1>"));
        assert!(!Mention::looks_like("commander"));
    }
}
