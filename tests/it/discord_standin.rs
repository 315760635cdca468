//! A stand-in for Discord's REST API on 127.0.0.1, for tests: the calls the bot makes, answered
//! with complete objects as Discord answers them, with rate-limit headers. It records every call
//! and can be told to misbehave, route by route.
//!
//! ```ignore
//! let discord = DiscordStandIn::start().await;
//! let rest = DiscordRest::new(&discord.api_url(), BOT_TOKEN)?;
//! discord.script(CREATE_MESSAGE, [Answer::rate_limited(0.25), Answer::Hang]);
//! // … the code under test calls Discord …
//! assert_eq!(discord.messages_in("645027906669510667").len(), 1);
//! ```
//!
//! Every call must carry `Authorization: Bot` [`BOT_TOKEN`] (401 otherwise), except an
//! interaction callback, which Discord authenticates by its token in the path. Bodies are JSON,
//! or multipart with `payload_json` and `files[n]`.
//!
//! | Route | Answer |
//! |---|---|
//! | `POST /channels/{id}/messages` ([`CREATE_MESSAGE`]) | the message object, with a new id; 404 code 10003 when `{id}` is a message whose thread was not started |
//! | `PATCH /channels/{id}/messages/{id}` ([`EDIT_MESSAGE`]) | the edited message; 404 code 10008 for one it never posted there, or deleted ([`DiscordStandIn::delete_message`]) |
//! | `POST /channels/{id}/messages/{id}/threads` ([`START_THREAD`]) | the thread (its id is the message's); 400 code 160004 when started already; the code of [`DiscordStandIn::refuse_threads`] |
//! | `POST /interactions/{id}/{token}/callback` ([`INTERACTION_CALLBACK`]) | 204; 400 code 40060 when that interaction was answered already |
//! | `PUT /applications/{app}[/guilds/{g}]/commands` ([`COMMANDS`]) | the commands, with ids |
//! | `GET /gateway`, `GET /gateway/bot` ([`GATEWAY`]) | `url` ([`DiscordStandIn::set_gateway_url`]), shards and session start limit |
//!
//! Each answer carries `X-RateLimit-Bucket`, `-Limit`, `-Remaining` and `-Reset-After`. By
//! default a bucket never runs out; [`DiscordStandIn::limit`] makes one hold `n` calls per
//! window for each channel, answering 429 past that, as Discord does.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::watch;

/// The bot token the stand-in accepts.
pub const BOT_TOKEN: &str = "standin-discord-bot-token";
/// The bot's own user and application id.
pub const BOT_ID: &str = "1182006912345678901";
const GUILD_ID: &str = "290926798626357999";
/// The first message id handed out; each next one is one more.
const FIRST_MESSAGE_ID: u64 = 1_190_000_000_000_000_001;

pub const CREATE_MESSAGE: &str = "create_message";
pub const EDIT_MESSAGE: &str = "edit_message";
pub const START_THREAD: &str = "start_thread";
pub const INTERACTION_CALLBACK: &str = "interaction_callback";
pub const COMMANDS: &str = "commands";
pub const GATEWAY: &str = "gateway";

/// A misbehaviour for one call of a route ([`DiscordStandIn::script`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// HTTP 429 with `Retry-After` and `{"message", "retry_after", "global"}`.
    RateLimited { retry_after: f64, global: bool },
    /// That HTTP status (500, 502…) with a text body.
    Status(u16),
    /// No answer at all, until the stand-in is dropped: the client must time out.
    Hang,
    /// That status with Discord's JSON error `{"message", "code"}`.
    Error { status: u16, code: u64 },
    /// A 200 whose body breaks off after a few bytes: the client fails reading it, with an
    /// error of its HTTP library rather than an answer of Discord's.
    BrokenBody,
}

impl Answer {
    pub fn rate_limited(retry_after: f64) -> Answer {
        Answer::RateLimited {
            retry_after,
            global: false,
        }
    }
}

/// A file part of a multipart call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// `files[0]`…
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub content: String,
}

/// One call the stand-in received.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// [`CREATE_MESSAGE`]…, or `unknown`.
    pub route: &'static str,
    pub method: String,
    /// The path under `/api/v10`: `/channels/1/messages`.
    pub path: String,
    /// The JSON body, or a multipart call's `payload_json`; `null` when none.
    pub body: Value,
    pub files: Vec<FilePart>,
    pub multipart: bool,
    /// The status answered (0 for a call left hanging).
    pub status: u16,
    /// Discord's error code answered, if any.
    pub code: Option<u64>,
    /// The message answered (created or edited), if any.
    pub message_id: Option<String>,
}

/// The running stand-in; stops when dropped.
pub struct DiscordStandIn {
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

struct Shared {
    addr: SocketAddr,
    state: Mutex<Discord>,
    stopped: watch::Receiver<bool>,
}

#[derive(Default)]
struct Discord {
    calls: Vec<Call>,
    scripts: HashMap<&'static str, VecDeque<Answer>>,
    /// Messages in the order posted.
    messages: Vec<Value>,
    /// Started threads: (parent channel, thread id, name).
    threads: Vec<(String, String, String)>,
    refuse_threads: HashMap<String, (u16, u64)>,
    issued: u64,
    gateway_url: Option<String>,
    limits: HashMap<&'static str, (u64, Duration)>,
    /// Calls counted per (route, major parameter): how many in the window, and when it ends.
    windows: HashMap<(&'static str, String), (u64, Instant)>,
}

impl DiscordStandIn {
    /// Starts the REST API on a free port of 127.0.0.1.
    pub async fn start() -> DiscordStandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stand-in's HTTP port");
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            addr: listener.local_addr().expect("HTTP address"),
            state: Mutex::default(),
            stopped,
        });
        let app = Router::new()
            .route("/api/v10/{*path}", any(api))
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        DiscordStandIn {
            shared,
            server,
            stop,
        }
    }

    /// The API's base URL, `http://127.0.0.1:PORT/api/v10`, for `DISCORD_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api/v10", self.shared.addr)
    }

    /// The `url` that `GET /gateway` and `GET /gateway/bot` answer (a gateway stand-in's).
    pub fn set_gateway_url(&self, url: &str) {
        self.shared.state().gateway_url = Some(url.to_string());
    }

    /// Answers the next calls of `route` with `answers`, in order; after them, normally.
    pub fn script(&self, route: &'static str, answers: impl IntoIterator<Item = Answer>) {
        self.shared
            .state()
            .scripts
            .entry(route)
            .or_default()
            .extend(answers);
    }

    /// Starting a thread in `channel` answers `status` with Discord's error `code` (403 50024
    /// for a channel type without threads, 403 50013 for missing permissions).
    pub fn refuse_threads(&self, channel: &str, status: u16, code: u64) {
        self.shared
            .state()
            .refuse_threads
            .insert(channel.to_string(), (status, code));
    }

    /// `route` holds `calls` per `window` for each channel: the answer that takes the last one
    /// says `Remaining: 0` and when the window resets, and a call before then gets a 429.
    pub fn limit(&self, route: &'static str, calls: u64, window: Duration) {
        self.shared.state().limits.insert(route, (calls, window));
    }

    /// Every call so far, in the order received.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.state().calls.clone()
    }

    /// The calls of one route.
    pub fn calls_to(&self, route: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.route == route)
            .collect()
    }

    /// The messages in a channel or thread, as they are now (edits applied), in order posted.
    pub fn messages_in(&self, channel: &str) -> Vec<Value> {
        self.shared
            .state()
            .messages
            .iter()
            .filter(|message| message["channel_id"] == channel)
            .cloned()
            .collect()
    }

    /// Every message it holds, in order posted (edits applied, deleted ones gone).
    pub fn messages(&self) -> Vec<Value> {
        self.shared.state().messages.clone()
    }

    /// Deletes a message it holds, as a moderator would: editing it is then 10008 Unknown Message.
    pub fn delete_message(&self, channel: &str, id: &str) {
        let mut state = self.shared.state();
        let before = state.messages.len();
        state
            .messages
            .retain(|message| !(message["id"] == id && message["channel_id"] == channel));
        assert_eq!(
            state.messages.len() + 1,
            before,
            "no message {id} in {channel} to delete"
        );
    }

    /// The threads started: (parent channel, thread id, name).
    pub fn threads(&self) -> Vec<(String, String, String)> {
        self.shared.state().threads.clone()
    }
}

impl Drop for DiscordStandIn {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.server.abort();
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, Discord> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------------
// Routing

/// What a call is answered with, decided when it arrives.
enum Reply {
    Json(StatusCode, Value),
    NoContent,
    Text(StatusCode, String),
    Hang,
    BrokenBody,
}

/// A call's route and its major parameter (the channel it acts on, if any).
fn route_of(method: &Method, parts: &[&str]) -> (&'static str, String) {
    let major = match parts {
        ["channels", id, ..] => format!("channels/{id}"),
        _ => String::new(),
    };
    let route = match (method.as_str(), parts) {
        ("POST", ["channels", _, "messages"]) => CREATE_MESSAGE,
        ("PATCH", ["channels", _, "messages", _]) => EDIT_MESSAGE,
        ("POST", ["channels", _, "messages", _, "threads"]) => START_THREAD,
        ("POST", ["interactions", _, _, "callback"]) => INTERACTION_CALLBACK,
        ("PUT", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            COMMANDS
        }
        ("GET", ["gateway"] | ["gateway", "bot"]) => GATEWAY,
        _ => "unknown",
    };
    (route, major)
}

async fn api(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let parts: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    let (route, major) = route_of(&method, &parts);
    let (json, files, multipart) = read_body(&headers, &body);
    let (reply, limit_headers) = {
        let mut discord = shared.state();
        let authorized = route == INTERACTION_CALLBACK
            || headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                == Some(&format!("Bot {BOT_TOKEN}"));
        let (within_limit, limit_headers) = discord.count(route, &major);
        let reply = if !authorized {
            error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
        } else if let Some(retry_after) = within_limit {
            rate_limited(retry_after, false)
        } else if let Some(answer) = discord.scripts.get_mut(route).and_then(VecDeque::pop_front) {
            misbehave(answer)
        } else {
            discord.answer(&shared, route, &parts, &json, &files)
        };
        let (status, code, message_id) = match &reply {
            Reply::Json(status, body) => (
                status.as_u16(),
                body.get("code").and_then(Value::as_u64),
                (route == CREATE_MESSAGE || route == EDIT_MESSAGE)
                    .then(|| body["id"].as_str().map(str::to_string))
                    .flatten(),
            ),
            Reply::NoContent => (204, None, None),
            Reply::Text(status, _) => (status.as_u16(), None, None),
            Reply::Hang => (0, None, None),
            Reply::BrokenBody => (200, None, None),
        };
        discord.calls.push(Call {
            route,
            method: method.to_string(),
            path,
            body: json,
            files,
            multipart,
            status,
            code,
            message_id,
        });
        (reply, limit_headers)
    };
    let mut response = respond(reply, shared.stopped.clone()).await;
    for (name, value) in limit_headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

impl Discord {
    /// Counts a call against its bucket: `Some(retry_after)` when it is over the limit, and the
    /// rate-limit headers to answer with.
    fn count(
        &mut self,
        route: &'static str,
        major: &str,
    ) -> (Option<f64>, Vec<(&'static str, String)>) {
        let now = Instant::now();
        let (limit, window) = self
            .limits
            .get(route)
            .copied()
            .unwrap_or((u64::MAX, Duration::from_secs(1)));
        let (used, ends) = self
            .windows
            .entry((route, major.to_string()))
            .or_insert((0, now + window));
        if *ends <= now {
            (*used, *ends) = (0, now + window);
        }
        let over = *used >= limit;
        if !over {
            *used += 1;
        }
        // In whole milliseconds, rounded up: a client that waits as long as it says is never early.
        let reset_after =
            (ends.saturating_duration_since(now).as_secs_f64() * 1000.0).ceil() / 1000.0;
        let shown_limit = limit.min(5);
        let remaining = if limit == u64::MAX {
            shown_limit - 1
        } else {
            limit - *used
        };
        let headers = vec![
            ("x-ratelimit-bucket", format!("standin-{route}")),
            ("x-ratelimit-limit", shown_limit.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
        ];
        (over.then_some(reset_after), headers)
    }

    fn answer(
        &mut self,
        shared: &Shared,
        route: &'static str,
        parts: &[&str],
        body: &Value,
        files: &[FilePart],
    ) -> Reply {
        match (route, parts) {
            (CREATE_MESSAGE, ["channels", channel, ..]) => {
                self.create_message(channel, body, files)
            }
            (EDIT_MESSAGE, ["channels", channel, "messages", id]) => {
                self.edit_message(channel, id, body)
            }
            (START_THREAD, ["channels", channel, "messages", id, "threads"]) => {
                self.start_thread(channel, id, body)
            }
            (INTERACTION_CALLBACK, ["interactions", id, ..]) => self.interaction_callback(id),
            (COMMANDS, _) => commands(body),
            (GATEWAY, _) => self.gateway(shared, parts.len() == 2),
            _ => error(StatusCode::NOT_FOUND, 0, "404: Not Found"),
        }
    }

    /// 204 for an interaction's first callback; 400 code 40060 for any after it, as Discord.
    fn interaction_callback(&self, id: &str) -> Reply {
        let path = format!("/interactions/{id}/");
        let answered = self.calls.iter().any(|call| {
            call.route == INTERACTION_CALLBACK && call.status == 204 && call.path.starts_with(&path)
        });
        if answered {
            return error(
                StatusCode::BAD_REQUEST,
                40060,
                "Interaction has already been acknowledged.",
            );
        }
        Reply::NoContent
    }

    fn create_message(&mut self, channel: &str, body: &Value, files: &[FilePart]) -> Reply {
        let is_unstarted_thread = self.messages.iter().any(|message| message["id"] == channel)
            && !self.threads.iter().any(|(_, thread, _)| thread == channel);
        if is_unstarted_thread {
            return error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
        }
        let has_something = ["content", "embeds", "components"]
            .iter()
            .any(|name| !is_empty(&body[*name]))
            || !files.is_empty();
        if !has_something {
            return error(
                StatusCode::BAD_REQUEST,
                50006,
                "Cannot send an empty message",
            );
        }
        self.issued += 1;
        let id = (FIRST_MESSAGE_ID + self.issued - 1).to_string();
        let attachments: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(index, file)| {
                json!({
                    "id": format!("{}{index}", id),
                    "filename": file.filename,
                    "size": file.content.len(),
                    "url": format!("https://cdn.discordapp.com/attachments/{channel}/{id}/{}", file.filename),
                    "proxy_url": format!("https://media.discordapp.net/attachments/{channel}/{id}/{}", file.filename),
                    "content_type": file.content_type,
                })
            })
            .collect();
        let message = json!({
            "id": id,
            "channel_id": channel,
            "guild_id": GUILD_ID,
            "author": {
                "id": BOT_ID, "username": "incident-bot", "global_name": null, "avatar": null,
                "discriminator": "0000", "public_flags": 0, "bot": true,
            },
            "content": body["content"].as_str().unwrap_or_default(),
            "timestamp": "2026-11-25T03:04:00.000000+00:00",
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
            "components": body.get("components").cloned().unwrap_or(json!([])),
            "pinned": false,
            "type": 0,
            "flags": 0,
        });
        self.messages.push(message.clone());
        Reply::Json(StatusCode::OK, message)
    }

    fn edit_message(&mut self, channel: &str, id: &str, body: &Value) -> Reply {
        let Some(message) = self
            .messages
            .iter_mut()
            .find(|message| message["id"] == id && message["channel_id"] == channel)
        else {
            return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
        };
        for name in ["content", "embeds", "components"] {
            if let Some(value) = body.get(name) {
                message[name] = value.clone();
            }
        }
        message["edited_timestamp"] = json!("2026-11-25T03:05:00.000000+00:00");
        Reply::Json(StatusCode::OK, message.clone())
    }

    fn start_thread(&mut self, channel: &str, id: &str, body: &Value) -> Reply {
        if let Some((status, code)) = self.refuse_threads.get(channel) {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::FORBIDDEN);
            return error(status, *code, "Cannot execute action on this channel type");
        }
        if !self
            .messages
            .iter()
            .any(|message| message["id"] == id && message["channel_id"] == channel)
        {
            return error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
        }
        if self.threads.iter().any(|(_, thread, _)| thread == id) {
            return error(
                StatusCode::BAD_REQUEST,
                160004,
                "A thread has already been created for this message",
            );
        }
        let name = body["name"].as_str().unwrap_or_default().to_string();
        self.threads
            .push((channel.to_string(), id.to_string(), name.clone()));
        Reply::Json(
            StatusCode::CREATED,
            json!({
                "id": id, "type": 11, "guild_id": GUILD_ID, "parent_id": channel, "name": name,
                "owner_id": BOT_ID, "last_message_id": null, "rate_limit_per_user": 0,
                "message_count": 0, "member_count": 1, "flags": 0, "total_message_sent": 0,
                "thread_metadata": {
                    "archived": false,
                    "auto_archive_duration": body["auto_archive_duration"],
                    "archive_timestamp": "2026-11-25T03:04:00.000000+00:00",
                    "locked": false,
                },
            }),
        )
    }

    fn gateway(&self, shared: &Shared, bot: bool) -> Reply {
        let url = self
            .gateway_url
            .clone()
            .unwrap_or_else(|| format!("ws://{}/gateway", shared.addr));
        if !bot {
            return Reply::Json(StatusCode::OK, json!({ "url": url }));
        }
        Reply::Json(
            StatusCode::OK,
            json!({
                "url": url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
                },
            }),
        )
    }
}

fn commands(body: &Value) -> Reply {
    let Some(commands) = body.as_array() else {
        return error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body");
    };
    let answered: Vec<Value> = commands
        .iter()
        .enumerate()
        .map(|(index, command)| {
            let mut command = command.clone();
            command["id"] = json!(format!("7718250060148899{index:02}"));
            command["application_id"] = json!(BOT_ID);
            command["version"] = json!("1");
            command
        })
        .collect();
    Reply::Json(StatusCode::OK, Value::Array(answered))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn error(status: StatusCode, code: u64, message: &str) -> Reply {
    Reply::Json(status, json!({"message": message, "code": code}))
}

fn rate_limited(retry_after: f64, global: bool) -> Reply {
    Reply::Json(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global}),
    )
}

fn misbehave(answer: Answer) -> Reply {
    match answer {
        Answer::RateLimited {
            retry_after,
            global,
        } => rate_limited(retry_after, global),
        Answer::Status(status) => Reply::Text(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "upstream connect error".to_string(),
        ),
        Answer::Hang => Reply::Hang,
        Answer::Error { status, code } => error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code,
            "scripted error",
        ),
        Answer::BrokenBody => Reply::BrokenBody,
    }
}

async fn respond(reply: Reply, mut stopped: watch::Receiver<bool>) -> Response {
    match reply {
        Reply::Json(status, body) => {
            let retry_after = (status == StatusCode::TOO_MANY_REQUESTS)
                .then(|| body["retry_after"].as_f64())
                .flatten();
            let mut response = (status, axum::Json(body)).into_response();
            if let Some(seconds) = retry_after {
                let header = HeaderValue::from_str(&seconds.ceil().to_string())
                    .expect("a number is a header value");
                response.headers_mut().insert(header::RETRY_AFTER, header);
            }
            response
        }
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
        Reply::Text(status, text) => (status, text).into_response(),
        Reply::Hang => {
            let _ = stopped.wait_for(|stopped| *stopped).await;
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Reply::BrokenBody => {
            let chunks: [Result<&'static str, std::io::Error>; 2] = [
                Ok("{\"type\":"),
                Err(std::io::Error::other("the stand-in broke the body off")),
            ];
            let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
            (StatusCode::OK, body).into_response()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// The JSON body (or a multipart body's `payload_json`), its files, and whether it was multipart.
fn read_body(headers: &HeaderMap, body: &[u8]) -> (Value, Vec<FilePart>, bool) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split_once("boundary="))
        .map(|(_, boundary)| boundary.trim_matches('"'))
    else {
        let json = serde_json::from_slice(body).unwrap_or(Value::Null);
        return (json, Vec::new(), false);
    };
    let mut json = Value::Null;
    let mut files = Vec::new();
    for part in multipart_parts(body, boundary) {
        match (part.name.as_str(), part.filename) {
            ("payload_json", None) => {
                json = serde_json::from_str(&part.content).unwrap_or(Value::Null);
            }
            (field, Some(filename)) => files.push(FilePart {
                field: field.to_string(),
                filename,
                content_type: part.content_type,
                content: part.content,
            }),
            _ => {}
        }
    }
    (json, files, true)
}

struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    content: String,
}

/// The parts of a `multipart/form-data` body (RFC 7578), enough for what reqwest sends.
fn multipart_parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let body = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    body.split(&delimiter)
        .filter_map(|chunk| {
            let chunk = chunk.strip_prefix("\r\n")?;
            let (head, content) = chunk.split_once("\r\n\r\n")?;
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            let mut part = Part {
                name: String::new(),
                filename: None,
                content_type: None,
                content: content.to_string(),
            };
            for line in head.lines() {
                let (name, value) = line.split_once(':')?;
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        part.name = parameter(value, "name")?;
                        part.filename = parameter(value, "filename");
                    }
                    "content-type" => part.content_type = Some(value.trim().to_string()),
                    _ => {}
                }
            }
            Some(part)
        })
        .collect()
}

/// `name="value"` in a header value.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').find_map(|item| {
        let (key, quoted) = item.trim().split_once('=')?;
        (key == name).then(|| quoted.trim_matches('"').to_string())
    })
}
