//! Which `response_url`s the bot posts to: Slack's hooks (`https://hooks.slack.com/…`), and
//! the configured Web API's own scheme, host and port (`SLACK_API_URL`: a stand-in's, a
//! proxy's). Payloads are signed, so another URL means a forged signing secret or a bug
//! upstream; posting there would send what the bot says to a clicker anywhere. Defence in
//! depth: such a URL is refused (and logged by host, never in full: its path is a token) and
//! not posted to.
//!
//! The URL is checked as the client will use it (one parse, `url::Url`), so no two parsers can
//! read it differently (`https://hooks.slack.com@elsewhere/`, `https://hooks.slack.com.evil/`).

use url::{Origin, Url};

/// Slack's host for the `response_url`s of slash commands and interactions.
pub const SLACK_HOOKS_HOST: &str = "hooks.slack.com";

/// The `response_url`s the bot posts to.
#[derive(Debug, Clone)]
pub struct ResponseUrls {
    /// The configured Web API's origin, when it is a URL.
    api: Option<Origin>,
}

/// Why a `response_url` is not posted to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForeignUrl {
    #[error("the response_url is not a URL")]
    NotAUrl,
    #[error(
        "the response_url is on {host}, not Slack's https://{SLACK_HOOKS_HOST}: refused, not \
         posted to"
    )]
    Foreign { host: String },
}

impl ResponseUrls {
    /// Slack's hooks, and the origin of `api_url` (the Web API the bot calls).
    pub fn new(api_url: &str) -> ResponseUrls {
        ResponseUrls {
            api: Url::parse(api_url).ok().map(|url| url.origin()),
        }
    }

    /// `text` as the URL to post to, when it is Slack's or the configured API's.
    pub fn check(&self, text: &str) -> Result<Url, ForeignUrl> {
        let url = Url::parse(text).map_err(|_| ForeignUrl::NotAUrl)?;
        let slack_hooks = url.scheme() == "https"
            && url.host_str() == Some(SLACK_HOOKS_HOST)
            && url.port().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        let configured_api = url.origin().is_tuple() && self.api.as_ref() == Some(&url.origin());
        if slack_hooks || configured_api {
            Ok(url)
        } else {
            Err(ForeignUrl::Foreign {
                host: match url.host_str() {
                    Some(host) => format!("{}://{host}", url.scheme()),
                    None => format!("a {} URL", url.scheme()),
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slack_hooks_and_the_configured_api_are_posted_to() {
        let slack = ResponseUrls::new("https://slack.com/api");
        let standin = ResponseUrls::new("http://127.0.0.1:4100/api");
        for ok in [
            "https://hooks.slack.com/actions/T0TEAM/1/abc",
            "https://hooks.slack.com/commands/T0TEAM/1/def",
            "HTTPS://HOOKS.SLACK.COM/actions/T0TEAM/1/abc",
            "https://hooks.slack.com:443/actions/T0TEAM/1/abc",
        ] {
            assert!(slack.check(ok).is_ok(), "{ok}");
            assert!(standin.check(ok).is_ok(), "{ok}");
        }
        assert!(standin.check("http://127.0.0.1:4100/response/1").is_ok());
        for foreign in [
            "http://hooks.slack.com/actions/T0TEAM/1/abc",
            "https://hooks.slack.com:8443/actions/1",
            "https://hooks.slack.com.evil.example/actions/1",
            "https://hooks.slack.com@evil.example/actions/1",
            "https://user:pw@hooks.slack.com/actions/1",
            "https://evil.example/hooks.slack.com/actions/1",
            "https://evil.example/?https://hooks.slack.com/",
            "https://xn--hooks-slack-com.example/",
            "http://127.0.0.1:4101/response/1",
            "https://127.0.0.1:4100/response/1",
            "http://localhost:4100/response/1",
            "file:///etc/passwd",
            "data:text/plain,hooks.slack.com",
        ] {
            assert!(
                matches!(standin.check(foreign), Err(ForeignUrl::Foreign { .. })),
                "{foreign}"
            );
        }
        assert_eq!(slack.check("not a url"), Err(ForeignUrl::NotAUrl));
        assert_eq!(slack.check(""), Err(ForeignUrl::NotAUrl));
        assert_eq!(
            slack
                .check("https://evil.example/actions/T0TEAM/1/s3cret")
                .unwrap_err()
                .to_string(),
            "the response_url is on https://evil.example, not Slack's https://hooks.slack.com: \
             refused, not posted to"
        );
    }
}
