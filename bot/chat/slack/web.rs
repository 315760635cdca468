//! The few Slack Web API calls the bot makes (`chat.postMessage`, `chat.update`, a file upload,
//! `usergroups.users.list`), over slack-morphism's client, and what their failures mean for the
//! outbox.
//!
//! - One attempt per call: no rate control or retry of slack-morphism's own (the outbox paces and
//!   retries), and a timeout per call ([`DEFAULT_TIMEOUT`]) so a hung Slack never holds a
//!   delivery longer than that.
//! - HTTP and HTTPS both work (`SLACK_API_URL=http://127.0.0.1:PORT/api` for a stand-in); rustls
//!   with the system's root certificates and the process's default crypto provider, which is
//!   ring as long as ring is the only one compiled in (if aws-lc-rs ever joins it, install ring
//!   as the default at start-up, or building the client panics).
//! - Messages come typed from the renderer ([`MessagePayload`], slack-morphism's Block Kit) and go
//!   into slack-morphism's request types as they are.
//!
//! Failures ([`WebError`]): HTTP 429 and `ratelimited` wait for `Retry-After` (1 s when absent);
//! HTTP 408 and 5xx, network errors, timeouts and Slack's temporary error codes are worth trying
//! again as they are; any other `ok:false` is a refusal, with its error code. For the outbox, a
//! refusal of the message itself (`msg_too_long`, `invalid_blocks`…) will not change
//! ([`DeliveryError::Undeliverable`]); any other (`channel_not_found`, `invalid_auth`…) waits for
//! someone to fix its cause ([`DeliveryError::Rejected`]).

use std::future::Future;
use std::time::Duration;

use hyper_util::client::legacy::connect::HttpConnector;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::blocks::MessagePayload;
use super::response_url::ResponseUrls;
use crate::outbox::DeliveryError;

/// Where the Web API is, unless `SLACK_API_URL` says otherwise.
pub const DEFAULT_API_URL: &str = "https://slack.com/api";
/// The longest a call may take before it counts as failed (and may be tried again).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The wait after a 429 that says nothing of how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// `ok:false` codes that Slack documents as temporary.
const TEMPORARY_CODES: [&str; 4] = [
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
];
/// `ok:false` codes that refuse the message itself: sending it again gets the same answer.
const UNDELIVERABLE_CODES: [&str; 7] = [
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "invalid_arguments",
    "no_text",
    "too_many_attachments",
    "invalid_attachments",
];
/// What an uploaded document's bytes are.
const MARKDOWN_CONTENT_TYPE: &str = "text/markdown; charset=utf-8";

/// slack-morphism's HTTP connector as the bot builds it: HTTPS or plain HTTP (for stand-ins),
/// HTTP/1, no rate control.
pub type SlackConnector = SlackClientHyperConnector<hyper_rustls::HttpsConnector<HttpConnector>>;

/// A failed Web API call, by what the outbox should do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebError {
    /// HTTP 429 or `ratelimited`: wait `retry_after`.
    #[error("{method}: rate limited for {retry_after:?}")]
    RateLimited {
        method: &'static str,
        retry_after: Duration,
    },
    /// A timeout, a network error, HTTP 408 or 5xx, or a temporary error code.
    #[error("{method}: {reason}")]
    Transient {
        method: &'static str,
        reason: String,
    },
    /// Slack refused the call: `code` is its error (`channel_not_found`), or `HTTP 404` and the
    /// like for an HTTP error that is not worth repeating.
    #[error("{method}: {code}")]
    Refused { method: &'static str, code: String },
}

impl WebError {
    /// Slack's error code, when Slack refused the call.
    pub fn refusal_code(&self) -> Option<&str> {
        match self {
            WebError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl From<WebError> for DeliveryError {
    fn from(error: WebError) -> DeliveryError {
        match error {
            WebError::RateLimited { retry_after, .. } => DeliveryError::RateLimited { retry_after },
            WebError::Transient { method, reason } => {
                DeliveryError::Transient(format!("{method}: {reason}"))
            }
            WebError::Refused { method, code } => {
                let reason = match hint(&code) {
                    Some(hint) => format!("{method} answered {code} ({hint})"),
                    None => format!("{method} answered {code}"),
                };
                if UNDELIVERABLE_CODES.contains(&code.as_str()) {
                    DeliveryError::Undeliverable(reason)
                } else {
                    DeliveryError::Rejected(reason)
                }
            }
        }
    }
}

/// What to check for the refusals someone can fix.
fn hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "channel_not_found" => "wrong channel id, or a private channel the bot was not invited to",
        "not_in_channel" => "invite the bot to the channel",
        "is_archived" => "the channel is archived",
        "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => {
            "check SLACK_BOT_TOKEN"
        }
        "missing_scope" => {
            "add the OAuth scope (chat:write, files:write, usergroups:read) and reinstall the app"
        }
        "message_not_found" | "cant_update_message" | "edit_window_closed" => {
            "the message to edit is gone or not the bot's"
        }
        "invalid_blocks" | "msg_too_long" | "invalid_arguments" | "no_text" => {
            "Slack refused the message itself: a bug, report it with the post id"
        }
        _ => return None,
    })
}

/// The Web API with the bot's token. Clones share the HTTP client.
#[derive(Clone)]
pub struct SlackWeb {
    client: SlackClient<SlackConnector>,
    token: SlackApiToken,
    timeout: Duration,
    /// Where a `response_url` may lead.
    response_urls: ResponseUrls,
}

impl std::fmt::Debug for SlackWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackWeb")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SlackWeb {
    /// A client of the Web API at `api_url` (`https://slack.com/api`, or a stand-in's
    /// `http://127.0.0.1:PORT/api`) with the bot token (`xoxb-…`), calls timing out after
    /// [`DEFAULT_TIMEOUT`]. Fails when the system has no root certificates to check Slack's.
    pub fn new(api_url: &str, bot_token: String) -> Result<SlackWeb, std::io::Error> {
        Ok(SlackWeb {
            client: slack_client(api_url)?,
            token: SlackApiToken::new(SlackApiTokenValue(bot_token)),
            timeout: DEFAULT_TIMEOUT,
            response_urls: ResponseUrls::new(api_url),
        })
    }

    /// The same client with another timeout per call.
    pub fn with_timeout(self, timeout: Duration) -> SlackWeb {
        SlackWeb { timeout, ..self }
    }

    /// `chat.postMessage` of a rendered `payload` (`message_payload`) to `channel`, in the thread
    /// of `thread_ts` if given (also shown in the channel with `reply_broadcast`). Returns the
    /// new message's `ts`.
    pub async fn post_message(
        &self,
        channel: &str,
        payload: MessagePayload,
        thread_ts: Option<&str>,
        reply_broadcast: bool,
    ) -> Result<String, WebError> {
        const METHOD: &str = "chat.postMessage";
        let request = post_request(channel, payload, thread_ts, reply_broadcast);
        let session = self.client.open_session(&self.token);
        let response = self
            .call(METHOD, session.chat_post_message(&request))
            .await?;
        Ok(response.ts.0)
    }

    /// `chat.update` of the message `ts` of `channel` to a rendered message's `content`.
    pub async fn update_message(
        &self,
        channel: &str,
        ts: &str,
        content: SlackMessageContent,
    ) -> Result<(), WebError> {
        const METHOD: &str = "chat.update";
        let request = SlackApiChatUpdateRequest::new(
            SlackChannelId(channel.to_string()),
            content,
            SlackTs(ts.to_string()),
        );
        let session = self.client.open_session(&self.token);
        self.call(METHOD, session.chat_update(&request)).await?;
        Ok(())
    }

    /// Uploads `markdown` as the file `filename` and shares it in `channel` (in the thread of
    /// `thread_ts` if given): `files.getUploadURLExternal`, the bytes to the URL it gives, then
    /// `files.completeUploadExternal`.
    pub async fn upload_file(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        filename: &str,
        markdown: &str,
    ) -> Result<(), WebError> {
        let session = self.client.open_session(&self.token);
        let slot = self
            .call(
                "files.getUploadURLExternal",
                session.get_upload_url_external(&SlackApiFilesGetUploadUrlExternalRequest::new(
                    filename.to_string(),
                    markdown.len(),
                )),
            )
            .await?;
        let upload = SlackApiFilesUploadViaUrlRequest::new(
            slot.upload_url,
            markdown.as_bytes().to_vec(),
            MARKDOWN_CONTENT_TYPE.to_string(),
        );
        self.call("file upload", session.files_upload_via_url(&upload))
            .await?;
        let complete =
            SlackApiFilesCompleteUploadExternalRequest::new(vec![SlackApiFilesComplete::new(
                slot.file_id,
            )
            .with_title(filename.to_string())])
            .with_channel_id(SlackChannelId(channel.to_string()))
            .opt_thread_ts(thread_ts.map(|ts| SlackTs(ts.to_string())));
        self.call(
            "files.completeUploadExternal",
            session.files_complete_upload_external(&complete),
        )
        .await?;
        Ok(())
    }

    /// `views.open`: shows `view` (a modal) to the person whose click gave `trigger_id`.
    pub async fn open_view(&self, trigger_id: &str, view: SlackView) -> Result<(), WebError> {
        const METHOD: &str = "views.open";
        let request = SlackApiViewsOpenRequest::new(SlackTriggerId(trigger_id.to_string()), view);
        let session = self.client.open_session(&self.token);
        self.call(METHOD, session.views_open(&request)).await?;
        Ok(())
    }

    /// Shows a rendered message's `content` only to the person who clicked, through the
    /// interaction's `response_url` (ephemeral, as a new message rather than replacing the
    /// clicked one). A `response_url` that is not Slack's (see `super::response_url`) is
    /// refused, not posted to.
    pub async fn respond_ephemeral(
        &self,
        response_url: &str,
        content: SlackMessageContent,
    ) -> Result<(), WebError> {
        const METHOD: &str = "response_url";
        let url = self
            .response_urls
            .check(response_url)
            .map_err(|error| WebError::Refused {
                method: METHOD,
                code: error.to_string(),
            })?;
        let request = SlackApiPostWebhookMessageRequest::new(content).with_replace_original(false);
        self.call(METHOD, self.client.post_webhook_message(&url, &request))
            .await?;
        Ok(())
    }

    /// `usergroups.users.list`: the user ids of the members of user group `group` (scope
    /// `usergroups:read`).
    pub async fn usergroup_members(&self, group: &str) -> Result<Vec<String>, WebError> {
        const METHOD: &str = "usergroups.users.list";
        let request = SlackApiUserGroupsUsersListRequest::new(SlackUserGroupId(group.to_string()));
        let session = self.client.open_session(&self.token);
        let response = self
            .call(METHOD, session.usergroups_users_list(&request))
            .await?;
        Ok(response.users.into_iter().map(|user| user.0).collect())
    }

    /// `apps.connections.open` with the app-level token (`xapp-…`, not the bot's): the URL of a
    /// new Socket Mode WebSocket (`wss://…`, or `ws://` from a stand-in).
    pub async fn open_socket_url(&self, app_token: &str) -> Result<String, WebError> {
        const METHOD: &str = "apps.connections.open";
        let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_string()));
        let session = self.client.open_session(&token);
        let request = SlackApiAppsConnectionOpenRequest::new();
        let response = self
            .call(METHOD, session.apps_connections_open(&request))
            .await?;
        Ok(response.url.0.to_string())
    }

    /// One call, within the timeout, its failure classified.
    async fn call<T>(
        &self,
        method: &'static str,
        call: impl Future<Output = ClientResult<T>>,
    ) -> Result<T, WebError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(|error| classify(method, &error)),
            Err(_) => Err(WebError::Transient {
                method,
                reason: format!("no answer within {:?}", self.timeout),
            }),
        }
    }
}

/// A slack-morphism client of the Web API at `api_url`, as [`SlackWeb`] uses (Socket Mode needs
/// one too): HTTPS checked against the system's root certificates, or plain HTTP for a stand-in.
/// Fails when the system has no root certificates.
pub fn slack_client(api_url: &str) -> Result<SlackClient<SlackConnector>, std::io::Error> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .build();
    let connector = SlackClientHyperConnector::with_connector(https)
        .with_slack_api_url(api_url.trim_end_matches('/'));
    Ok(SlackClient::new(connector))
}

/// The `chat.postMessage` of `payload` to `channel`, in the thread of `thread_ts` if given (and
/// then also in the channel if `reply_broadcast`).
fn post_request(
    channel: &str,
    payload: MessagePayload,
    thread_ts: Option<&str>,
    reply_broadcast: bool,
) -> SlackApiChatPostMessageRequest {
    SlackApiChatPostMessageRequest::new(SlackChannelId(channel.to_string()), payload.content)
        .with_unfurl_links(payload.unfurl_links)
        .with_unfurl_media(payload.unfurl_media)
        .opt_thread_ts(thread_ts.map(|ts| SlackTs(ts.to_string())))
        .opt_reply_broadcast((thread_ts.is_some() && reply_broadcast).then_some(true))
}

/// What a slack-morphism error means for the outbox.
fn classify(method: &'static str, error: &SlackClientError) -> WebError {
    match error {
        SlackClientError::RateLimitError(limited) => WebError::RateLimited {
            method,
            retry_after: limited.retry_after.unwrap_or(DEFAULT_RETRY_AFTER),
        },
        SlackClientError::ApiError(api) => from_code(method, &api.code),
        SlackClientError::HttpError(http) => from_status(method, http.status_code.as_u16()),
        SlackClientError::ProtocolError(_) => WebError::Transient {
            method,
            reason: format!("unreadable answer: {error}"),
        },
        _ => WebError::Transient {
            method,
            reason: network_reason(error),
        },
    }
}

/// An `ok:false` error code.
fn from_code(method: &'static str, code: &str) -> WebError {
    if code == "ratelimited" {
        WebError::RateLimited {
            method,
            retry_after: DEFAULT_RETRY_AFTER,
        }
    } else if TEMPORARY_CODES.contains(&code) {
        WebError::Transient {
            method,
            reason: code.to_string(),
        }
    } else {
        WebError::Refused {
            method,
            code: code.to_string(),
        }
    }
}

/// An HTTP error other than 429.
fn from_status(method: &'static str, status: u16) -> WebError {
    if status == 408 || status >= 500 {
        WebError::Transient {
            method,
            reason: format!("HTTP {status}"),
        }
    } else {
        WebError::Refused {
            method,
            code: format!("HTTP {status}"),
        }
    }
}

/// A network error with its causes, on one line: `network error: client error (Connect): tcp
/// connect error: Connection refused (os error 111)`.
fn network_reason(error: &SlackClientError) -> String {
    match error {
        SlackClientError::HttpProtocolError(protocol) => match &protocol.cause {
            Some(cause) => format!(
                "network error: {}",
                crate::error_text::with_causes(cause.as_ref())
            ),
            None => "network error".to_string(),
        },
        _ => crate::error_text::with_causes(error),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::chat::slack::message_payload;
    use crate::notify::{Block, Message, MessageKind};
    use slack_morphism::errors::SlackRateLimitError;

    /// Every kind of block the renderer makes.
    fn rich_message() -> Message {
        let mut message = Message::new(MessageKind::Checklist, Some(7))
            .with(Block::Heading {
                text: "INC-7 · <!channel> Database".into(),
            })
            .with(Block::Text {
                text: "*bold* @here <http://evil|link>".into(),
            })
            .with(Block::Fields {
                fields: vec![("Severity".into(), "critical".into())],
            })
            .with(Block::Code {
                lang: Some("sh".into()),
                code: "pg_restore --clean db.dump".into(),
            })
            .with(Block::Progress {
                done: 2,
                total: 6,
                label: "Immediate Actions".into(),
            })
            .with(Block::StepActions {
                incident: 7,
                step: 2,
            })
            .with(Block::Document {
                filename: "INC-7.md".into(),
                markdown: "# INC-7".into(),
            });
        message.mentions = vec!["U0LEAD".into()];
        message
    }

    #[test]
    fn a_post_is_the_rendered_message_with_its_place() {
        let payload = message_payload(&rich_message());
        let mut expected = serde_json::to_value(&payload).expect("encodes");
        expected["channel"] = json!("C1");
        expected["thread_ts"] = json!("1.000100");
        let request = post_request("C1", payload.clone(), Some("1.000100"), false);
        let sent = serde_json::to_value(&request).expect("encodes");
        assert_eq!(sent, expected);
        assert!(sent.to_string().contains(r#""verbatim":true"#));

        let request = post_request("C1", payload.clone(), Some("1.000100"), true);
        let sent = serde_json::to_value(&request).expect("encodes");
        assert_eq!(sent["reply_broadcast"], true);
        let sent = serde_json::to_value(post_request("C1", payload, None, true)).expect("encodes");
        assert!(sent.get("thread_ts").is_none() && sent.get("reply_broadcast").is_none());
    }

    #[test]
    fn failures_are_classified_for_the_outbox() {
        let limited = classify(
            "chat.postMessage",
            &SlackClientError::RateLimitError(SlackRateLimitError::new()),
        );
        assert_eq!(
            DeliveryError::from(limited),
            DeliveryError::RateLimited {
                retry_after: Duration::from_secs(1)
            }
        );
        assert!(matches!(
            from_code("chat.update", "ratelimited"),
            WebError::RateLimited { .. }
        ));
        for code in TEMPORARY_CODES {
            assert!(matches!(
                from_code("chat.update", code),
                WebError::Transient { .. }
            ));
        }
        let refused = from_code("chat.postMessage", "channel_not_found");
        assert_eq!(refused.refusal_code(), Some("channel_not_found"));
        let DeliveryError::Rejected(reason) = DeliveryError::from(refused) else {
            panic!("a refusal is Rejected");
        };
        assert!(reason.starts_with("chat.postMessage answered channel_not_found ("));
        let DeliveryError::Undeliverable(reason) =
            DeliveryError::from(from_code("chat.postMessage", "msg_too_long"))
        else {
            panic!("a message Slack cannot take is Undeliverable");
        };
        assert!(
            reason.contains("a bug, report it with the post id"),
            "{reason}"
        );
        assert!(matches!(
            from_status("chat.update", 503),
            WebError::Transient { .. }
        ));
        assert!(matches!(
            from_status("chat.update", 408),
            WebError::Transient { .. }
        ));
        assert!(matches!(
            from_status("chat.update", 404),
            WebError::Refused { .. }
        ));
    }
}
