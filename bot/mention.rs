//! The chat ids `ROLE_MENTIONS` may give a role, written once for the start-up check and for both
//! renderers: a Slack user (`U…`, `W…`) or user group (`S…`), uppercase letters and digits, bare
//! or as Slack writes them (`<@U…>`, `<!subteam^S…|@handle>`); a Discord user (a snowflake of 17
//! to 20 digits, bare or `<@…>`, `<@!…>`) or role (`<@&…>`). Slack pings its users and groups,
//! Discord its users; a Discord role is recognised only to be refused with a reason.

use std::fmt;

use crate::platform::Platform;

/// What a valid id looks like, for a refusal.
pub const SHAPES: &str =
    "a Slack user (U…/W…) or user group (S…) id, or a Discord user id (17 to 20 digits)";

/// Slack ids are about eleven characters; anything far longer is not one.
const MAX_SLACK_ID_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionId {
    SlackUser(String),
    SlackGroup(String),
    DiscordUser(u64),
    DiscordRole(u64),
}

impl MentionId {
    /// The id in `text`, or `None` when it has no platform's shape.
    pub fn parse(text: &str) -> Option<MentionId> {
        let text = text.trim();
        if let Some(inner) = wrapped(text, "<@&") {
            return snowflake(inner).map(MentionId::DiscordRole);
        }
        if let Some(inner) = wrapped(text, "<!subteam^") {
            let id = inner.split_once('|').map_or(inner, |(id, _)| id);
            return is_slack_group(id).then(|| MentionId::SlackGroup(id.to_string()));
        }
        if let Some(inner) = wrapped(text, "<@") {
            let id = inner.split_once('|').map_or(inner, |(id, _)| id);
            let id = id.strip_prefix('!').unwrap_or(id);
            return slack_or_discord_user(id);
        }
        if is_slack_group(text) {
            return Some(MentionId::SlackGroup(text.to_string()));
        }
        slack_or_discord_user(text)
    }

    /// The platform that pings it.
    pub fn platform(&self) -> Platform {
        match self {
            MentionId::SlackUser(_) | MentionId::SlackGroup(_) => Platform::Slack,
            MentionId::DiscordUser(_) | MentionId::DiscordRole(_) => Platform::Discord,
        }
    }
}

/// The id as `ROLE_MENTIONS` shows it back and `Message::mentions` carries it: Slack ids bare,
/// Discord's wrapped (`<@…>`, `<@&…>`) so a user and a role read apart.
impl fmt::Display for MentionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MentionId::SlackUser(id) | MentionId::SlackGroup(id) => f.write_str(id),
            MentionId::DiscordUser(id) => write!(f, "<@{id}>"),
            MentionId::DiscordRole(id) => write!(f, "<@&{id}>"),
        }
    }
}

fn wrapped<'a>(text: &'a str, open: &str) -> Option<&'a str> {
    text.strip_prefix(open)?.strip_suffix('>')
}

fn slack_or_discord_user(id: &str) -> Option<MentionId> {
    if is_slack_user(id) {
        Some(MentionId::SlackUser(id.to_string()))
    } else {
        snowflake(id).map(MentionId::DiscordUser)
    }
}

/// `^[UW][A-Z0-9]{2,}$`.
fn is_slack_user(id: &str) -> bool {
    matches!(id.as_bytes(), [b'U' | b'W', rest @ ..] if rest.len() >= 2 && is_slack_tail(rest))
}

/// `^S[A-Z0-9]+$`.
fn is_slack_group(id: &str) -> bool {
    matches!(id.as_bytes(), [b'S', rest @ ..] if !rest.is_empty() && is_slack_tail(rest))
}

fn is_slack_tail(rest: &[u8]) -> bool {
    rest.len() < MAX_SLACK_ID_LEN
        && rest
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A Discord snowflake: 17 to 20 digits, a positive 64-bit number.
fn snowflake(digits: &str) -> Option<u64> {
    ((17..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_platform_has_its_shapes() {
        let cases = [
            ("U024BE7LH", MentionId::SlackUser("U024BE7LH".into())),
            (
                " W0ENTERPRISE ",
                MentionId::SlackUser("W0ENTERPRISE".into()),
            ),
            ("<@U0LEAD|lead>", MentionId::SlackUser("U0LEAD".into())),
            ("S0DBA", MentionId::SlackGroup("S0DBA".into())),
            ("<!subteam^S123|@dba>", MentionId::SlackGroup("S123".into())),
            (
                "53908232506183680",
                MentionId::DiscordUser(53908232506183680),
            ),
            (
                "<@!290926798626357999>",
                MentionId::DiscordUser(290926798626357999),
            ),
            (
                "<@&539082325061836999>",
                MentionId::DiscordRole(539082325061836999),
            ),
        ];
        for (text, id) in cases {
            assert_eq!(MentionId::parse(text), Some(id.clone()), "{text:?}");
            assert_eq!(MentionId::parse(&id.to_string()), Some(id));
        }
        assert_eq!(
            MentionId::parse("<@&539082325061836999>").map(|id| id.platform()),
            Some(Platform::Discord)
        );
    }

    #[test]
    fn anything_else_is_no_id() {
        for junk in [
            "",
            "not an id!",
            "u024be7lh",
            "U1",
            "Sx",
            "C0INCIDENTS",
            "<!channel>",
            "@here",
            "<@S123>",
            "<!subteam^U123>",
            "42",
            "1234567890123456",
            "123456789012345678901",
            "00000000000000000",
            "<@&42>",
            "<@U0LEAD> <!channel>",
        ] {
            assert_eq!(MentionId::parse(junk), None, "{junk:?}");
        }
    }
}
