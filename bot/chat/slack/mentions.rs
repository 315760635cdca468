//! `Message::mentions` as Slack pings. Only ids shaped like Slack's ping (`crate::mention`): a
//! user (`U…`, `W…`) as `<@U…>`, a user group (`S…`) as `<!subteam^S…>`, also when written the
//! way people copy them from Slack (`<@U024BE7LH>`, `<!subteam^S0DBA|@dba>`). Anything else
//! (`<!channel>`, `@here`, a name, a Discord id) is shown as escaped text and pings nobody.

use super::mrkdwn::escape;
use crate::mention::MentionId;

/// A mention as Slack's ping syntax, or `None` when it is not a user or user-group id.
fn ping(mention: &str) -> Option<String> {
    match MentionId::parse(mention)? {
        MentionId::SlackUser(id) => Some(format!("<@{id}>")),
        MentionId::SlackGroup(id) => Some(format!("<!subteam^{id}>")),
        MentionId::DiscordUser(_) | MentionId::DiscordRole(_) => None,
    }
}

/// A mention as `mrkdwn`: the ping, or the text escaped.
pub(super) fn render(mention: &str) -> String {
    ping(mention).unwrap_or_else(|| escape(mention.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ping() {
        assert_eq!(ping("U024BE7LH").as_deref(), Some("<@U024BE7LH>"));
        assert_eq!(ping(" W0ENTERPRISE ").as_deref(), Some("<@W0ENTERPRISE>"));
        assert_eq!(ping("S0DBA").as_deref(), Some("<!subteam^S0DBA>"));
        assert_eq!(ping("<@U0LEAD>").as_deref(), Some("<@U0LEAD>"));
        assert_eq!(ping("<@U0LEAD|lead>").as_deref(), Some("<@U0LEAD>"));
        assert_eq!(ping("<!subteam^S123>").as_deref(), Some("<!subteam^S123>"));
        assert_eq!(
            ping("<!subteam^S123|@dba>").as_deref(),
            Some("<!subteam^S123>")
        );
    }

    #[test]
    fn anything_else_is_text() {
        for junk in [
            "",
            "U",
            "U1",
            "u024be7lh",
            "S",
            "Sx",
            "C0INCIDENTS",
            "incident-bot",
            "@here",
            "<!here>",
            "<!channel>",
            "<!everyone>",
            "<@S123>",
            "<!subteam^U123>",
            "<@U0LEAD> <!channel>",
            "<@U0LEAD",
            "U0LEAD>",
            "U0 LEAD",
            "<@53908232506183680>",
        ] {
            assert_eq!(ping(junk), None, "{junk:?}");
        }
        assert_eq!(ping(&format!("U{}", "A".repeat(40))), None);
        assert_eq!(render("<!channel>"), "&lt;!channel&gt;");
        assert_eq!(render("@here"), "@\u{200B}here");
        assert_eq!(render("Database Admin"), "Database Admin");
    }
}
