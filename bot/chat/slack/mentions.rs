//! `Message::mentions` as Slack pings. Only ids shaped like Slack's ping: a user (`U…`, `W…`)
//! as `<@U…>`, a user group (`S…`) as `<!subteam^S…>`. `ROLE_MENTIONS` passes whatever was
//! configured, so the wrapped forms people copy from Slack (`<@U024BE7LH>`,
//! `<!subteam^S0DBA|@dba>`) are read too. Anything else (`<!channel>`, `@here`, a name) is shown
//! as escaped text and pings nobody.

use super::mrkdwn::escape;

/// Slack ids are about eleven characters; anything far longer is not one.
const MAX_ID_LEN: usize = 32;

/// A mention as Slack's ping syntax, or `None` when it is not a user or user-group id.
fn ping(mention: &str) -> Option<String> {
    let mention = mention.trim();
    if let Some(id) = wrapped(mention, "<@") {
        return is_user_id(id).then(|| format!("<@{id}>"));
    }
    if let Some(id) = wrapped(mention, "<!subteam^") {
        return is_group_id(id).then(|| format!("<!subteam^{id}>"));
    }
    if is_user_id(mention) {
        Some(format!("<@{mention}>"))
    } else if is_group_id(mention) {
        Some(format!("<!subteam^{mention}>"))
    } else {
        None
    }
}

/// A mention as `mrkdwn`: the ping, or the text escaped.
pub(super) fn render(mention: &str) -> String {
    ping(mention).unwrap_or_else(|| escape(mention.trim()))
}

/// The id inside `<@U…>` or `<!subteam^S…|@handle>`.
fn wrapped<'a>(mention: &'a str, open: &str) -> Option<&'a str> {
    let inner = mention.strip_prefix(open)?.strip_suffix('>')?;
    Some(inner.split_once('|').map_or(inner, |(id, _)| id))
}

/// `^[UW][A-Z0-9]{2,}$`.
fn is_user_id(id: &str) -> bool {
    matches!(id.as_bytes(), [b'U' | b'W', rest @ ..] if rest.len() >= 2 && is_id_tail(rest))
}

/// `^S[A-Z0-9]+$`.
fn is_group_id(id: &str) -> bool {
    matches!(id.as_bytes(), [b'S', rest @ ..] if !rest.is_empty() && is_id_tail(rest))
}

fn is_id_tail(rest: &[u8]) -> bool {
    rest.len() < MAX_ID_LEN
        && rest
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
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
        ] {
            assert_eq!(ping(junk), None, "{junk:?}");
        }
        assert_eq!(ping(&format!("U{}", "A".repeat(40))), None);
        assert_eq!(render("<!channel>"), "&lt;!channel&gt;");
        assert_eq!(render("@here"), "@\u{200B}here");
        assert_eq!(render("Database Admin"), "Database Admin");
    }
}
