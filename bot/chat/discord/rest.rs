//! The few Discord REST calls the bot makes (post, edit, start a thread, answer an interaction,
//! register commands), over reqwest with rustls, with Discord's rate limits kept by the client
//! itself: serenity's HTTP client only talks to a stand-in with its own limiter off, so the bot
//! does not use it.
//!
//! - `DISCORD_API_URL` (default [`DEFAULT_API_URL`]) may point at a stand-in
//!   (`http://127.0.0.1:PORT/api/v10`). Every call sends `Authorization: Bot <token>` and
//!   Discord's required `User-Agent`, and times out after [`DEFAULT_TIMEOUT`]
//!   ([`DiscordRest::with_timeout`]).
//! - Rate limits (see `rate_limits`): each answer's `X-RateLimit-Bucket`, `-Remaining` and
//!   `-Reset-After` are remembered per route; a call to an exhausted bucket waits for its reset
//!   when that is near, and otherwise fails at once as [`RestError::RateLimited`] so the outbox
//!   tries again when it is time. A 429 fails with Discord's `retry_after`; a global one holds
//!   back every route until then.
//! - One attempt per call: the outbox retries, and records every attempt.
//!
//! Failures ([`RestError`]) carry the HTTP status and Discord's JSON error `code` and `message`,
//! and read as what to do about them.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use serde_json::{json, Value};

use super::rate_limits::{RateLimits, Route};
use crate::outbox::DeliveryError;

/// Where Discord's REST API is, unless `DISCORD_API_URL` says otherwise.
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";
/// The longest a call may take before it counts as failed (and may be tried again).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Where the bot's source lives, for the `User-Agent` Discord requires.
const PROJECT_URL: &str = "https://github.com/incident-bot/incident-bot";
/// A thread's longest name, in characters.
const THREAD_NAME_MAX: usize = 100;
/// A day: threads the bot starts archive after a day without posts.
const THREAD_AUTO_ARCHIVE_MINUTES: u32 = 1440;
/// What an attached document's bytes are.
const MARKDOWN_CONTENT_TYPE: &str = "text/markdown; charset=utf-8";
/// The wait after a 429 that says nothing of how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Discord's JSON error codes the bot reads.
pub mod codes {
    /// The channel (or thread) does not exist.
    pub const UNKNOWN_CHANNEL: u64 = 10003;
    pub const UNKNOWN_MESSAGE: u64 = 10008;
    /// The bot cannot see the channel.
    pub const MISSING_ACCESS: u64 = 50001;
    /// The bot lacks a permission (Send Messages, Create Public Threads, Attach Files…).
    pub const MISSING_PERMISSIONS: u64 = 50013;
    /// The call does not work on this type of channel (no threads in a thread or a voice channel).
    pub const WRONG_CHANNEL_TYPE: u64 = 50024;
    /// The request body itself is wrong.
    pub const INVALID_FORM_BODY: u64 = 50035;
    /// A thread was already started from this message.
    pub const THREAD_ALREADY_STARTED: u64 = 160004;
}

/// A message Discord posted: its channel (or thread) and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageRef {
    pub channel_id: String,
    pub message_id: String,
}

impl MessageRef {
    /// Reads back what [`MessageRef`]'s `Display` wrote, `<channel_id>/<message_id>`.
    pub fn parse(stored: &str) -> Option<MessageRef> {
        let (channel_id, message_id) = stored.split_once('/')?;
        if channel_id.is_empty() || message_id.is_empty() || message_id.contains('/') {
            return None;
        }
        Some(MessageRef {
            channel_id: channel_id.to_string(),
            message_id: message_id.to_string(),
        })
    }
}

/// As the outbox stores it: `<channel_id>/<message_id>`.
impl std::fmt::Display for MessageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.channel_id, self.message_id)
    }
}

/// A failed call, with what Discord said about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestError {
    /// HTTP 429, or a bucket known to be exhausted for longer than the client waits: try again
    /// after `retry_after`. `global` when the whole bot is limited, not one route.
    #[error("Discord rate limit{}: try again in {retry_after:?}", if *global { " (global, all calls)" } else { "" })]
    RateLimited { retry_after: Duration, global: bool },
    /// Discord answered with an error status; `code` and `message` from its JSON body.
    #[error("{}", refusal_text(call, *status, *code, message.as_deref()))]
    Refused {
        call: String,
        status: u16,
        code: Option<u64>,
        message: Option<String>,
    },
    /// No answer within the client's timeout.
    #[error("{call}: Discord did not answer within {timeout:?}")]
    Timeout { call: String, timeout: Duration },
    /// The call did not reach Discord, or its answer was unreadable.
    #[error("{call}: {reason}")]
    Network { call: String, reason: String },
}

impl RestError {
    /// Discord's JSON error code, when it gave one.
    pub fn code(&self) -> Option<u64> {
        match self {
            RestError::Refused { code, .. } => *code,
            _ => None,
        }
    }

    /// Whether Discord refused the message itself (HTTP 400 such as Invalid Form Body or an
    /// empty message, 413 too large), which sending it again will not change. A 400 that names
    /// a channel or a permission is not: someone can fix those.
    fn refuses_the_message(&self) -> bool {
        match self {
            RestError::Refused { status, code, .. } => {
                let fixable = code.is_some_and(|code| {
                    [
                        codes::MISSING_PERMISSIONS,
                        codes::MISSING_ACCESS,
                        codes::UNKNOWN_CHANNEL,
                    ]
                    .contains(&code)
                });
                matches!(status, 400 | 413) && !fixable
            }
            _ => false,
        }
    }

    /// Whether the same call is worth making again as it is.
    fn is_transient(&self) -> bool {
        match self {
            RestError::Refused { status, .. } => *status == 408 || *status >= 500,
            RestError::Timeout { .. } | RestError::Network { .. } => true,
            RestError::RateLimited { .. } => true,
        }
    }
}

impl From<RestError> for DeliveryError {
    fn from(error: RestError) -> DeliveryError {
        match error {
            RestError::RateLimited { retry_after, .. } => {
                DeliveryError::RateLimited { retry_after }
            }
            error if error.is_transient() => DeliveryError::Transient(error.to_string()),
            error if error.refuses_the_message() => DeliveryError::Undeliverable(error.to_string()),
            error => DeliveryError::Rejected(error.to_string()),
        }
    }
}

/// What a refusal means, for the person reading the log.
fn refusal_text(call: &str, status: u16, code: Option<u64>, message: Option<&str>) -> String {
    let said = match (code, message) {
        (Some(code), Some(message)) => format!("{message} (code {code})"),
        (Some(code), None) => format!("code {code}"),
        (None, Some(message)) => message.to_string(),
        (None, None) => String::new(),
    };
    let channel = channel_of(call).unwrap_or("the channel");
    let hint = match (status, code) {
        (401, _) => "Discord refused the bot token: check DISCORD_BOT_TOKEN".to_string(),
        (_, Some(codes::MISSING_PERMISSIONS)) => format!(
            "missing permissions in channel {channel}: see the README's invite URL for the \
             permissions the bot needs"
        ),
        (_, Some(codes::MISSING_ACCESS)) => format!(
            "the bot cannot see channel {channel}: add it to the channel, or check its role"
        ),
        (_, Some(codes::UNKNOWN_CHANNEL)) => {
            format!("channel {channel} does not exist (deleted, or the bot was removed from it)")
        }
        (_, Some(codes::UNKNOWN_MESSAGE)) => {
            "the message to edit is gone (deleted by someone?)".to_string()
        }
        (_, Some(codes::INVALID_FORM_BODY)) | (400, None) => {
            "Discord refused the request itself: a bug, report it with this line".to_string()
        }
        (status, _) if status >= 500 => "Discord is having trouble; it will be tried again".into(),
        _ => String::new(),
    };
    let mut text = format!("{call}: HTTP {status}");
    for part in [said, hint] {
        if !part.is_empty() {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// The channel id in a call like `POST /channels/123/messages`.
fn channel_of(call: &str) -> Option<&str> {
    let rest = call.split_once("/channels/")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Discord's REST API with the bot's token. Clones share the HTTP client and the rate limits.
#[derive(Clone)]
pub struct DiscordRest {
    http: reqwest::Client,
    api_url: Url,
    authorization: String,
    timeout: Duration,
    limits: RateLimits,
}

impl std::fmt::Debug for DiscordRest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordRest")
            .field("api_url", &self.api_url.as_str())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("DISCORD_API_URL is not a usable base URL ({url}): {reason}")]
    ApiUrl { url: String, reason: String },
    #[error("cannot build the HTTP client for Discord: {0}")]
    Client(#[from] reqwest::Error),
}

impl DiscordRest {
    /// A client of the API at `api_url` (`https://discord.com/api/v10`, or a stand-in's
    /// `http://127.0.0.1:PORT/api/v10`) with the bot token, calls timing out after
    /// [`DEFAULT_TIMEOUT`].
    pub fn new(api_url: &str, bot_token: &str) -> Result<DiscordRest, SetupError> {
        let base = format!("{}/", api_url.trim_end_matches('/'));
        let api_url = Url::parse(&base).map_err(|error| SetupError::ApiUrl {
            url: api_url.to_string(),
            reason: error.to_string(),
        })?;
        if api_url.cannot_be_a_base() || !matches!(api_url.scheme(), "http" | "https") {
            return Err(SetupError::ApiUrl {
                url: api_url.to_string(),
                reason: "it must be an http:// or https:// URL".to_string(),
            });
        }
        let http = reqwest::Client::builder()
            .user_agent(format!(
                "DiscordBot ({PROJECT_URL}, {})",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Ok(DiscordRest {
            http,
            api_url,
            authorization: format!("Bot {bot_token}"),
            timeout: DEFAULT_TIMEOUT,
            limits: RateLimits::default(),
        })
    }

    /// The same client with another timeout per call.
    pub fn with_timeout(self, timeout: Duration) -> DiscordRest {
        DiscordRest { timeout, ..self }
    }

    /// Posts a rendered message (`render::message_payload`) to a channel or thread, with
    /// `files` (`(filename, bytes)`) attached in the same call. The posted message.
    pub async fn create_message(
        &self,
        channel_id: &str,
        payload: &Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<MessageRef, RestError> {
        let path = ["channels", channel_id, "messages"];
        let answer = if files.is_empty() {
            self.call(Method::POST, &path, |request| request.json(payload))
                .await?
        } else {
            let form = attachments_form(payload, files);
            self.call(Method::POST, &path, |request| request.multipart(form))
                .await?
        };
        let call = describe(&Method::POST, &path);
        Ok(MessageRef {
            channel_id: text_field(&answer, "channel_id")
                .unwrap_or(channel_id)
                .to_string(),
            message_id: text_field(&answer, "id")
                .ok_or_else(|| unreadable(&call, "no message id in the answer"))?
                .to_string(),
        })
    }

    /// Edits a message the bot posted to a rendered `payload`.
    pub async fn edit_message(
        &self,
        channel_id: &str,
        message_id: &str,
        payload: &Value,
    ) -> Result<(), RestError> {
        let path = ["channels", channel_id, "messages", message_id];
        self.call(Method::PATCH, &path, |request| request.json(payload))
            .await?;
        Ok(())
    }

    /// Starts a public thread from a message; the thread's id (Discord gives it the message's).
    /// The name is cut to Discord's 100 characters; the thread archives after a quiet day.
    pub async fn start_thread_from_message(
        &self,
        channel_id: &str,
        message_id: &str,
        name: &str,
    ) -> Result<String, RestError> {
        let path = ["channels", channel_id, "messages", message_id, "threads"];
        let name: String = name.chars().take(THREAD_NAME_MAX).collect();
        let body = json!({"name": name, "auto_archive_duration": THREAD_AUTO_ARCHIVE_MINUTES});
        let answer = self
            .call(Method::POST, &path, |request| request.json(&body))
            .await?;
        text_field(&answer, "id")
            .map(str::to_string)
            .ok_or_else(|| {
                unreadable(
                    &describe(&Method::POST, &path),
                    "no thread id in the answer",
                )
            })
    }

    /// Answers an interaction (`{"type": 4, "data": …}` and the like) within its 3 seconds.
    pub async fn interaction_callback(
        &self,
        interaction_id: &str,
        token: &str,
        response: &Value,
    ) -> Result<(), RestError> {
        let path = ["interactions", interaction_id, token, "callback"];
        self.call(Method::POST, &path, |request| request.json(response))
            .await?;
        Ok(())
    }

    /// Replaces the application's slash commands with `commands` (a JSON array): in one guild
    /// (shown at once), or globally when `guild_id` is `None`.
    pub async fn bulk_overwrite_commands(
        &self,
        application_id: &str,
        guild_id: Option<&str>,
        commands: &Value,
    ) -> Result<(), RestError> {
        let global = ["applications", application_id, "commands"];
        let in_guild;
        let path: &[&str] = match guild_id {
            Some(guild_id) => {
                in_guild = [
                    "applications",
                    application_id,
                    "guilds",
                    guild_id,
                    "commands",
                ];
                &in_guild
            }
            None => &global,
        };
        self.call(Method::PUT, path, |request| request.json(commands))
            .await?;
        Ok(())
    }

    /// The Gateway's WebSocket URL (`GET /gateway/bot`), checked to be `wss://` or `ws://`.
    pub async fn gateway_url(&self) -> Result<String, RestError> {
        let path = ["gateway", "bot"];
        let answer = self.call(Method::GET, &path, |request| request).await?;
        text_field(&answer, "url")
            .filter(|url| url.starts_with("wss://") || url.starts_with("ws://"))
            .map(str::to_string)
            .ok_or_else(|| {
                unreadable(
                    &describe(&Method::GET, &path),
                    "no WebSocket url in the answer",
                )
            })
    }

    /// One call: waits for its rate-limit bucket, sends within the timeout, records the limits
    /// the answer gives, and reads its JSON body (`null` for 204).
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, RestError> {
        let route = Route::new(&method, path);
        let call = describe(&method, path);
        let limited = is_rate_limited(path);
        if limited {
            self.limits.wait_turn(&route).await?;
        }
        let request = body(
            self.http
                .request(method, self.url(path))
                .header(reqwest::header::AUTHORIZATION, &self.authorization),
        );
        let exchange = async {
            let response = request.send().await?;
            let status = response.status();
            if limited {
                self.limits.record(&route, &response);
            }
            let retry_after_header = header_seconds(&response, "retry-after");
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, retry_after_header, bytes))
        };
        let (status, retry_after_header, bytes) =
            match tokio::time::timeout(self.timeout, exchange).await {
                Err(_) => {
                    return Err(RestError::Timeout {
                        call,
                        timeout: self.timeout,
                    })
                }
                Ok(Err(error)) => {
                    return Err(RestError::Network {
                        call,
                        reason: without_url(error),
                    })
                }
                Ok(Ok(answer)) => answer,
            };
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = json
                .get("retry_after")
                .and_then(Value::as_f64)
                .and_then(seconds)
                .or(retry_after_header)
                .unwrap_or(DEFAULT_RETRY_AFTER);
            let global = json.get("global").and_then(Value::as_bool) == Some(true);
            if limited || global {
                self.limits.limited(&route, retry_after, global);
            }
            return Err(RestError::RateLimited {
                retry_after,
                global,
            });
        }
        if !status.is_success() {
            return Err(RestError::Refused {
                call,
                status: status.as_u16(),
                code: json.get("code").and_then(Value::as_u64),
                message: text_field(&json, "message").map(str::to_string),
            });
        }
        Ok(json)
    }

    /// The URL of a path under the API, each part percent-encoded as one segment.
    fn url(&self, path: &[&str]) -> Url {
        let mut url = self.api_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path);
        }
        url
    }
}

/// `POST /channels/123/messages`, for logs and errors.
/// A call as logs and errors show it: an interaction's token (a secret for 15 minutes) is
/// written `:token`.
fn describe(method: &Method, path: &[&str]) -> String {
    let shown: Vec<&str> = path
        .iter()
        .enumerate()
        .map(|(index, part)| match (path.first(), index) {
            (Some(&"interactions"), 2) => ":token",
            _ => part,
        })
        .collect();
    format!("{method} /{}", shown.join("/"))
}

/// A failed exchange in words, without its URL: reqwest's text ends in `for url (…)`, and an
/// interaction callback's URL holds its token (`describe` names the call instead).
fn without_url(error: reqwest::Error) -> String {
    crate::error_text::with_causes(&error.without_url())
}

/// Interaction callbacks are bound by no rate limit (Discord's docs), and each has its own
/// token: they neither wait for a bucket nor leave one behind.
fn is_rate_limited(path: &[&str]) -> bool {
    path.first() != Some(&"interactions")
}

fn text_field<'a>(json: &'a Value, name: &str) -> Option<&'a str> {
    json.get(name).and_then(Value::as_str)
}

fn unreadable(call: &str, what: &str) -> RestError {
    RestError::Network {
        call: call.to_string(),
        reason: format!("unreadable answer: {what}"),
    }
}

/// A header in (fractional) seconds, as Discord sends `Retry-After` and `X-RateLimit-Reset-After`.
pub(super) fn header_seconds(response: &Response, name: &str) -> Option<Duration> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(seconds)
}

/// Seconds as a duration; `None` for a negative, infinite or absurd number.
pub(super) fn seconds(value: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(value).ok()
}

/// A multipart body: the message as `payload_json`, with `attachments` naming each file, and
/// the files as `files[0]`, `files[1]`…
fn attachments_form(payload: &Value, files: &[(String, Vec<u8>)]) -> Form {
    let mut payload = payload.clone();
    let attachments: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(index, (filename, _))| json!({"id": index, "filename": filename}))
        .collect();
    if let Some(fields) = payload.as_object_mut() {
        fields.insert("attachments".to_string(), Value::Array(attachments));
    }
    let mut form = Form::new().text("payload_json", payload.to_string());
    for (index, (filename, bytes)) in files.iter().enumerate() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(MARKDOWN_CONTENT_TYPE),
        );
        let part = Part::bytes(bytes.clone())
            .file_name(filename.clone())
            .headers(headers);
        form = form.part(format!("files[{index}]"), part);
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, code: Option<u64>) -> RestError {
        RestError::Refused {
            call: "POST /channels/645027906669510667/messages".into(),
            status,
            code,
            message: code.map(|_| "Missing Permissions".into()),
        }
    }

    #[test]
    fn interaction_tokens_never_show_and_are_not_rate_limited() {
        let callback = ["interactions", "786", "secret-token", "callback"];
        assert_eq!(
            describe(&Method::POST, &callback),
            "POST /interactions/786/:token/callback"
        );
        assert!(!is_rate_limited(&callback));
        let post = ["channels", "645", "messages"];
        assert_eq!(
            describe(&Method::POST, &post),
            "POST /channels/645/messages"
        );
        assert!(is_rate_limited(&post));
    }

    #[test]
    fn message_refs_round_trip() {
        let reference = MessageRef {
            channel_id: "645027906669510667".into(),
            message_id: "1190000000000000001".into(),
        };
        assert_eq!(
            reference.to_string(),
            "645027906669510667/1190000000000000001"
        );
        assert_eq!(MessageRef::parse(&reference.to_string()), Some(reference));
        for junk in ["", "1190000000000000001", "/1", "1/", "1/2/3"] {
            assert_eq!(MessageRef::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert_eq!(
            refused(401, None).to_string(),
            "POST /channels/645027906669510667/messages: HTTP 401: Discord refused the bot \
             token: check DISCORD_BOT_TOKEN"
        );
        let missing = refused(403, Some(codes::MISSING_PERMISSIONS)).to_string();
        assert!(
            missing.contains("Missing Permissions (code 50013): missing permissions in channel 645027906669510667: see the README's invite URL"),
            "{missing}"
        );
    }

    #[test]
    fn failures_are_classified_for_the_outbox() {
        let limited = RestError::RateLimited {
            retry_after: Duration::from_millis(250),
            global: false,
        };
        assert_eq!(
            DeliveryError::from(limited),
            DeliveryError::RateLimited {
                retry_after: Duration::from_millis(250)
            }
        );
        for status in [500, 502, 503, 408] {
            assert!(matches!(
                DeliveryError::from(refused(status, None)),
                DeliveryError::Transient(_)
            ));
        }
        let timeout = RestError::Timeout {
            call: "PATCH /channels/1/messages/2".into(),
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            DeliveryError::from(timeout),
            DeliveryError::Transient(_)
        ));
        for status in [400, 401, 403, 404] {
            assert!(matches!(
                DeliveryError::from(refused(status, Some(codes::MISSING_PERMISSIONS))),
                DeliveryError::Rejected(_)
            ));
        }
        for (status, code) in [(400, Some(codes::INVALID_FORM_BODY)), (413, None)] {
            assert!(matches!(
                DeliveryError::from(refused(status, code)),
                DeliveryError::Undeliverable(_)
            ));
        }
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        let rest = DiscordRest::new("http://127.0.0.1:1/api/v10/", "token").unwrap();
        assert_eq!(
            rest.url(&["channels", "../../gateway", "messages"])
                .as_str(),
            "http://127.0.0.1:1/api/v10/channels/..%2F..%2Fgateway/messages"
        );
        assert!(DiscordRest::new("not a url", "token").is_err());
    }

    #[test]
    fn seconds_are_read_as_discord_writes_them() {
        assert_eq!(seconds(0.25), Some(Duration::from_millis(250)));
        assert_eq!(seconds(64.57), Some(Duration::from_millis(64_570)));
        assert_eq!(seconds(-1.0), None);
        assert_eq!(seconds(f64::NAN), None);
    }
}
