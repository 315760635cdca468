//! A stand-in for Slack on 127.0.0.1, for tests: the Web API methods the bot calls, answered as
//! Slack answers them, and a Socket Mode WebSocket. It records every call and can be told to
//! misbehave, method by method.
//!
//! ```ignore
//! let slack = SlackStandIn::start().await;
//! let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN.into())?;
//! slack.script("chat.postMessage", [Answer::RateLimited(Some(3)), Answer::Hang]);
//! // … the code under test calls Slack …
//! assert_eq!(slack.calls_to("chat.postMessage")[0].channel.as_deref(), Some("C1"));
//! ```
//!
//! Web API (`{api_url}/{method}`): JSON, form (`blocks`, `files`… as JSON strings) or
//! query-string parameters, the token as
//! `Authorization: Bearer …` (or a `token` parameter); answers `Content-Type: application/json`,
//! `ok:false` with `not_authed` / `invalid_auth` for a missing or wrong token (the bot token
//! [`BOT_TOKEN`], and the app token [`APP_TOKEN`] for `apps.connections.open`).
//!
//! | Method | Answer |
//! |---|---|
//! | `chat.postMessage` | `ok`, `channel`, a new `ts` (`1795575840.000100`, increasing), `message` |
//! | `chat.update` | the same `ts`; `message_not_found` for a message it never posted or that was deleted ([`SlackStandIn::delete_message`]), as Slack |
//! | `files.getUploadURLExternal` | `file_id` and an `upload_url` on this server (bytes there: method `upload`) |
//! | `files.completeUploadExternal` | the files, now shared in `channel_id` / `thread_ts` ([`SlackStandIn::files`]) |
//! | `apps.connections.open` | `url`: `ws://127.0.0.1:PORT/link/?ticket=N`, the Socket Mode endpoint |
//! | `views.open` | the view, with an id and an empty state |
//!
//! Interactions' `response_url` ([`SlackStandIn::response_url`]) is answered here too.
//! [`SlackStandIn::go_down`] closes the Web API's port (connections refused, as a Slack that is
//! down or unreachable) until [`SlackStandIn::come_back`] opens it again on the same address.
//!
//! Socket Mode: each connection gets `hello`; [`SlackStandIn::push_envelope`] sends an envelope
//! to the latest connection, [`SlackStandIn::ack`] waits for the client's acknowledgement, and
//! [`SlackStandIn::disconnect_socket`] sends `disconnect` (`refresh_requested`), as Slack does
//! before it closes a connection. The socket runs on threads of its own (blocking tungstenite):
//! it needs no async runtime and no `futures` crate.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;
use serde_json::{json, Map, Value};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{self, Message as Frame, WebSocket};

/// The bot token the stand-in accepts for every Web API method.
pub const BOT_TOKEN: &str = "xoxb-standin-bot";
/// The app-level token it accepts for `apps.connections.open`.
pub const APP_TOKEN: &str = "xapp-standin-app";
/// The first `ts` handed out (2026-11-25 03:04 UTC); each next one is 100 µs later.
const FIRST_TS_SECONDS: u64 = 1_795_575_840;
/// How long the waiting helpers wait.
const WAIT: Duration = Duration::from_secs(5);

/// Slack's Socket Mode frames as documented, which the stand-in's frames are copies of.
const SOCKET_MODE_SAMPLES: &str =
    include_str!("../fixtures/slack/slack_socket_mode_envelopes.json");

/// The sample frame `name` of [`SOCKET_MODE_SAMPLES`] (`hello`, `slash_commands_envelope`…).
pub fn socket_mode_sample(name: &str) -> Value {
    let samples: Value = serde_json::from_str(SOCKET_MODE_SAMPLES).expect("the samples are JSON");
    let sample = samples[name].clone();
    assert!(sample.is_object(), "no Socket Mode sample {name}");
    sample
}

/// A misbehaviour for one call of a method ([`SlackStandIn::script`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// HTTP 429 `{"ok":false,"error":"ratelimited"}`, with `Retry-After: N` when given.
    RateLimited(Option<u64>),
    /// That HTTP status (500, 503…) with a text body.
    Status(u16),
    /// No answer at all, until the stand-in is dropped: the client must time out.
    Hang,
    /// HTTP 200 `{"ok":false,"error":code}`.
    Error(String),
}

impl Answer {
    /// `ok:false` with this error code.
    pub fn error(code: &str) -> Answer {
        Answer::Error(code.to_string())
    }
}

/// One call the stand-in received.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `chat.postMessage`…, or `upload` for bytes sent to an upload URL.
    pub method: String,
    /// The parameters: the JSON body, or form / query fields as strings; for `upload` the bytes
    /// as a string.
    pub body: Value,
    pub channel: Option<String>,
    pub thread_ts: Option<String>,
    /// The `ts` answered (the new message's, or the edited one's).
    pub ts: Option<String>,
    /// Why it failed: `ratelimited`, `HTTP 500`, `hung`, or the `ok:false` code.
    pub error: Option<String>,
}

/// A file uploaded and shared ([`SlackStandIn::files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub id: String,
    pub filename: String,
    pub title: Option<String>,
    pub content: String,
    pub channel: Option<String>,
    pub thread_ts: Option<String>,
}

/// The running stand-in; stops when dropped.
pub struct SlackStandIn {
    shared: Arc<Shared>,
    /// The Web API's routes, served again by [`SlackStandIn::come_back`].
    app: Router,
    /// The Web API's server while its port is open.
    server: Mutex<Option<WebServer>>,
    stop: watch::Sender<bool>,
}

/// The Web API's server task, and how to close its port and connections.
struct WebServer {
    task: tokio::task::JoinHandle<()>,
    close: tokio::sync::oneshot::Sender<()>,
}

impl WebServer {
    fn serve(listener: tokio::net::TcpListener, app: Router) -> WebServer {
        let (close, closed) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = closed.await;
                })
                .await;
        });
        WebServer { task, close }
    }
}

struct Shared {
    http: SocketAddr,
    socket_addr: SocketAddr,
    web: Mutex<Web>,
    socket: Mutex<Socket>,
    stopping: AtomicBool,
    stopped: watch::Receiver<bool>,
}

#[derive(Default)]
struct Web {
    calls: Vec<Call>,
    scripts: HashMap<String, VecDeque<Answer>>,
    messages: HashSet<(String, String)>,
    issued_ts: u64,
    /// Every file slot handed out, by id; shared once completed.
    files: Vec<(UploadedFile, bool)>,
    tickets: u64,
    /// User groups by id, with their members' ids (`usergroups.users.list`).
    groups: HashMap<String, Vec<String>>,
}

#[derive(Default)]
struct Socket {
    /// The latest connection still open: its number, and its outgoing queue.
    current: Option<(usize, mpsc::Sender<Outgoing>)>,
    connections: usize,
    acks: Vec<Value>,
    envelopes: u64,
}

enum Outgoing {
    Text(String),
    Close,
}

impl SlackStandIn {
    /// Starts the Web API and the Socket Mode endpoint on free ports of 127.0.0.1.
    pub async fn start() -> SlackStandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stand-in's HTTP port");
        let socket_listener =
            StdListener::bind("127.0.0.1:0").expect("bind the stand-in's WebSocket port");
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            http: listener.local_addr().expect("HTTP address"),
            socket_addr: socket_listener.local_addr().expect("WebSocket address"),
            web: Mutex::default(),
            socket: Mutex::default(),
            stopping: AtomicBool::new(false),
            stopped,
        });
        let app = Router::new()
            .route("/api/{method}", any(api))
            .route("/upload/{file_id}", post(upload))
            .route("/response/{id}", post(response_url))
            .with_state(Arc::clone(&shared));
        let server = WebServer::serve(listener, app.clone());
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || accept_sockets(socket_listener, accepting));
        SlackStandIn {
            shared,
            app,
            server: Mutex::new(Some(server)),
            stop,
        }
    }

    /// Closes the Web API's port and its idle connections: every call is refused at connect,
    /// as when Slack is down or unreachable, until [`SlackStandIn::come_back`]. Calls left
    /// hanging ([`Answer::Hang`]) keep their connection, which their client has given up on.
    pub async fn go_down(&self) {
        let server = lock(&self.server).take().expect("the stand-in is up");
        let _ = server.close.send(());
        let mut task = server.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }

    /// Opens the Web API's port again, on the same address.
    pub async fn come_back(&self) {
        let listener = tokio::net::TcpListener::bind(self.shared.http)
            .await
            .expect("bind the stand-in's HTTP port again");
        let server = WebServer::serve(listener, self.app.clone());
        assert!(lock(&self.server).replace(server).is_none(), "it was up");
    }

    /// The Web API's base URL, `http://127.0.0.1:PORT/api`, for `SLACK_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.shared.http)
    }

    /// A `response_url` for interaction payloads, answered here (calls: `response_url`).
    pub fn response_url(&self) -> String {
        format!("http://{}/response/1", self.shared.http)
    }

    /// Answers the next calls of `method` with `answers`, in order; after them, normally.
    pub fn script(&self, method: &str, answers: impl IntoIterator<Item = Answer>) {
        self.shared
            .web()
            .scripts
            .entry(method.to_string())
            .or_default()
            .extend(answers);
    }

    /// Every call so far, in the order received.
    /// Makes user group `group` (`S…`) with these members, as `usergroups.users.list` answers.
    pub fn set_group(&self, group: &str, members: &[&str]) {
        lock(&self.shared.web).groups.insert(
            group.to_string(),
            members.iter().map(|member| member.to_string()).collect(),
        );
    }

    pub fn calls(&self) -> Vec<Call> {
        self.shared.web().calls.clone()
    }

    /// Whether it holds message `ts` of `channel`: posted, and not deleted.
    pub fn holds(&self, channel: &str, ts: &str) -> bool {
        self.shared
            .web()
            .messages
            .contains(&(channel.to_string(), ts.to_string()))
    }

    /// Deletes a message it posted, as a moderator would: editing it is then `message_not_found`.
    pub fn delete_message(&self, channel: &str, ts: &str) {
        let removed = self
            .shared
            .web()
            .messages
            .remove(&(channel.to_string(), ts.to_string()));
        assert!(removed, "no message {ts} in {channel} to delete");
    }

    /// The calls of one method.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.method == method)
            .collect()
    }

    /// The files uploaded and shared (`files.completeUploadExternal`), in order.
    pub fn files(&self) -> Vec<UploadedFile> {
        self.shared
            .web()
            .files
            .iter()
            .filter(|(_, shared)| *shared)
            .map(|(file, _)| file.clone())
            .collect()
    }

    /// Waits (up to 5 s) until `count` Socket Mode connections were made in all; `false` if not.
    pub async fn wait_for_socket(&self, count: usize) -> bool {
        wait_until(|| {
            let socket = self.shared.socket();
            socket.connections >= count && socket.current.is_some()
        })
        .await
    }

    /// Sends an envelope (`slash_commands`, `interactive`, `events_api`) with `payload` to the
    /// latest Socket Mode connection; its `envelope_id`. Panics when no client is connected.
    pub fn push_envelope(&self, kind: &str, payload: Value) -> String {
        let mut socket = self.shared.socket();
        socket.envelopes += 1;
        let envelope_id = format!("env-{:04}", socket.envelopes);
        let mut envelope = socket_mode_sample(match kind {
            "interactive" => "interactive_block_actions_envelope",
            _ => "slash_commands_envelope",
        });
        envelope["envelope_id"] = json!(envelope_id);
        envelope["type"] = json!(kind);
        envelope["payload"] = payload;
        envelope["accepts_response_payload"] = json!(kind != "events_api");
        let sent = socket
            .current
            .as_ref()
            .is_some_and(|(_, to)| to.send(Outgoing::Text(envelope.to_string())).is_ok());
        assert!(sent, "no Socket Mode client is connected to the stand-in");
        envelope_id
    }

    /// Waits (up to 5 s) for the client's acknowledgement of an envelope: the whole frame
    /// (`{"envelope_id":…}`, with `payload` if it answered with one).
    pub async fn ack(&self, envelope_id: &str) -> Option<Value> {
        let find = || {
            self.shared
                .socket()
                .acks
                .iter()
                .find(|ack| ack["envelope_id"] == envelope_id)
                .cloned()
        };
        wait_until(|| find().is_some()).await;
        find()
    }

    /// Every acknowledgement received, in order.
    pub fn acks(&self) -> Vec<Value> {
        self.shared.socket().acks.clone()
    }

    /// Tells the latest connection `disconnect` (`refresh_requested`) and closes it a second
    /// later, as Slack does; the client should open a new one.
    pub fn disconnect_socket(&self) {
        let Some((_, to)) = self.shared.socket().current.take() else {
            return;
        };
        let frame = socket_mode_sample("disconnect_refresh_requested");
        let _ = to.send(Outgoing::Text(frame.to_string()));
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            let _ = to.send(Outgoing::Close);
        });
    }
}

impl Drop for SlackStandIn {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        let _ = self.stop.send(true);
        if let Some(server) = lock(&self.server).take() {
            server.task.abort();
        }
    }
}

impl Shared {
    fn web(&self) -> MutexGuard<'_, Web> {
        self.web.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn socket(&self) -> MutexGuard<'_, Socket> {
        self.socket.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + WAIT;
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Web API

/// What a call is answered with, decided when it arrives.
enum Reply {
    Json(StatusCode, Value, Option<u64>),
    Text(StatusCode, String),
    Hang,
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let params = parameters(&headers, &uri, &body);
    let reply = {
        let mut web = shared.web();
        let scripted = match authenticate(&method, &headers, &params) {
            Err(code) => Some(Answer::error(code)),
            Ok(()) => web.scripts.get_mut(&method).and_then(VecDeque::pop_front),
        };
        let (reply, ts) = match scripted {
            Some(answer) => (misbehave(answer), None),
            None => answer(&mut web, &shared, &method, &params),
        };
        web.calls.push(Call {
            method: method.clone(),
            channel: text(&params, "channel").or_else(|| text(&params, "channel_id")),
            thread_ts: text(&params, "thread_ts"),
            ts,
            error: failure(&reply),
            body: params,
        });
        reply
    };
    respond(reply, shared.stopped.clone()).await
}

/// Bytes sent to an upload URL, kept for the file they were reserved for.
/// An interaction's `response_url` (see [`SlackStandIn::response_url`]): recorded as method
/// `response_url` with its JSON body.
async fn response_url(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    shared.web().calls.push(Call {
        method: "response_url".into(),
        body,
        channel: None,
        thread_ts: None,
        ts: None,
        error: None,
    });
    (StatusCode::OK, "ok").into_response()
}

async fn upload(
    State(shared): State<Arc<Shared>>,
    Path(file_id): Path<String>,
    body: Bytes,
) -> Response {
    let content = String::from_utf8_lossy(&body).into_owned();
    let reply = {
        let mut web = shared.web();
        let reply = match web.scripts.get_mut("upload").and_then(VecDeque::pop_front) {
            Some(answer) => misbehave(answer),
            None => match web.files.iter_mut().find(|(file, _)| file.id == file_id) {
                Some((file, _)) => {
                    file.content.clone_from(&content);
                    Reply::Text(StatusCode::OK, format!("OK - {}", body.len()))
                }
                None => Reply::Text(StatusCode::NOT_FOUND, "no such upload".into()),
            },
        };
        web.calls.push(Call {
            method: "upload".into(),
            body: Value::String(content),
            channel: None,
            thread_ts: None,
            ts: None,
            error: failure(&reply),
        });
        reply
    };
    respond(reply, shared.stopped.clone()).await
}

/// The call's parameters: query string, then the JSON or form body over it.
fn parameters(headers: &HeaderMap, uri: &Uri, body: &[u8]) -> Value {
    let mut params = form(uri.query().unwrap_or_default().as_bytes());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let from_body = if content_type.starts_with("application/json") {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    } else {
        Value::Object(form(body))
    };
    if let Value::Object(fields) = from_body {
        params.extend(fields);
    }
    Value::Object(params)
}

/// Form fields as strings; those Slack takes as JSON in a form (`blocks`…) decoded, as Slack does.
fn form(bytes: &[u8]) -> Map<String, Value> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let json = match name.as_str() {
                "blocks" | "attachments" | "files" | "metadata" => {
                    serde_json::from_str(&value).ok()
                }
                _ => None,
            };
            (name, json.unwrap_or(Value::String(value)))
        })
        .collect()
}

fn text(params: &Value, name: &str) -> Option<String> {
    params.get(name).and_then(Value::as_str).map(str::to_string)
}

/// `Ok` when the call carries the token its method needs; else Slack's error code.
fn authenticate(method: &str, headers: &HeaderMap, params: &Value) -> Result<(), &'static str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = bearer.or_else(|| text(params, "token")) else {
        return Err("not_authed");
    };
    let expected = match method {
        "apps.connections.open" => APP_TOKEN,
        _ => BOT_TOKEN,
    };
    if token == expected {
        Ok(())
    } else if method == "apps.connections.open" && token.starts_with("xoxb-") {
        Err("not_allowed_token_type")
    } else {
        Err("invalid_auth")
    }
}

fn misbehave(answer: Answer) -> Reply {
    match answer {
        Answer::RateLimited(retry_after) => Reply::Json(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"ok": false, "error": "ratelimited"}),
            retry_after,
        ),
        Answer::Status(status) => Reply::Text(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "upstream connect error".into(),
        ),
        Answer::Hang => Reply::Hang,
        Answer::Error(code) => refuse(&code),
    }
}

fn refuse(code: &str) -> Reply {
    Reply::Json(StatusCode::OK, json!({"ok": false, "error": code}), None)
}

fn ok(fields: Value) -> Reply {
    let mut body = json!({"ok": true});
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
    Reply::Json(StatusCode::OK, body, None)
}

/// How a failed call is recorded.
fn failure(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Json(StatusCode::OK, body, _) if body["ok"] == true => None,
        Reply::Json(_, body, _) => Some(body["error"].as_str().unwrap_or("error").to_string()),
        Reply::Text(status, _) if status.is_success() => None,
        Reply::Text(status, _) => Some(format!("HTTP {}", status.as_u16())),
        Reply::Hang => Some("hung".into()),
    }
}

async fn respond(reply: Reply, mut stopped: watch::Receiver<bool>) -> Response {
    match reply {
        Reply::Json(status, body, retry_after) => {
            let mut response = (status, axum::Json(body)).into_response();
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    seconds
                        .to_string()
                        .parse()
                        .expect("a number is a header value"),
                );
            }
            response
        }
        Reply::Text(status, text) => (status, text).into_response(),
        Reply::Hang => {
            let _ = stopped.wait_for(|stopped| *stopped).await;
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The normal answer of a method, and the `ts` it answers with.
fn answer(web: &mut Web, shared: &Shared, method: &str, params: &Value) -> (Reply, Option<String>) {
    match method {
        "chat.postMessage" => post_message(web, params),
        "chat.update" => update_message(web, params),
        "files.getUploadURLExternal" => (upload_slot(web, shared, params), None),
        "files.completeUploadExternal" => (complete_upload(web, params), None),
        "views.open" => (open_view(params), None),
        "usergroups.users.list" => (group_members(web, params), None),
        "apps.connections.open" => {
            web.tickets += 1;
            let url = format!("ws://{}/link/?ticket={}", shared.socket_addr, web.tickets);
            (ok(json!({"url": url})), None)
        }
        _ => (refuse("unknown_method"), None),
    }
}

/// A user group's members as Slack answers `usergroups.users.list`: their ids, or
/// `no_such_subteam`.
fn group_members(web: &Web, params: &Value) -> Reply {
    match text(params, "usergroup").and_then(|group| web.groups.get(&group)) {
        Some(members) => ok(json!({ "users": members })),
        None => refuse("no_such_subteam"),
    }
}

/// The modal as Slack answers `views.open`: the view with its id and state.
fn open_view(params: &Value) -> Reply {
    let Some(view) = params.get("view").and_then(Value::as_object) else {
        return refuse("invalid_arguments");
    };
    if text(params, "trigger_id").is_none_or(|trigger| trigger.is_empty()) {
        return refuse("invalid_trigger_id");
    }
    let mut view = view.clone();
    view.extend(
        json!({"id": "V0STANDIN", "team_id": "T0STANDIN", "hash": "1.abc",
               "state": {"values": {}}})
        .as_object()
        .cloned()
        .unwrap_or_default(),
    );
    ok(json!({ "view": view }))
}

fn post_message(web: &mut Web, params: &Value) -> (Reply, Option<String>) {
    let Some(channel) = text(params, "channel").filter(|channel| !channel.is_empty()) else {
        return (refuse("channel_not_found"), None);
    };
    if params.get("text").is_none() && params.get("blocks").is_none() {
        return (refuse("no_text"), None);
    }
    web.issued_ts += 1;
    let micros = web.issued_ts * 100;
    let ts = format!(
        "{}.{:06}",
        FIRST_TS_SECONDS + micros / 1_000_000,
        micros % 1_000_000
    );
    web.messages.insert((channel.clone(), ts.clone()));
    let mut message = json!({
        "type": "message",
        "subtype": "bot_message",
        "text": params.get("text").cloned().unwrap_or_default(),
        "user": "U0STANDIN",
        "bot_id": "B0STANDIN",
        "ts": ts,
    });
    echo(&mut message, params, &["blocks", "thread_ts"]);
    let reply = ok(json!({"channel": channel, "ts": ts, "message": message}));
    (reply, Some(ts))
}

fn update_message(web: &mut Web, params: &Value) -> (Reply, Option<String>) {
    let (Some(channel), Some(ts)) = (text(params, "channel"), text(params, "ts")) else {
        return (refuse("invalid_arguments"), None);
    };
    if !web.messages.contains(&(channel.clone(), ts.clone())) {
        return (refuse("message_not_found"), None);
    }
    let text = params.get("text").cloned().unwrap_or_default();
    let mut message = json!({"text": text, "user": "U0STANDIN", "bot_id": "B0STANDIN"});
    echo(&mut message, params, &["blocks"]);
    let reply = ok(json!({"channel": channel, "ts": ts, "text": text, "message": message}));
    (reply, Some(ts))
}

/// Copies the named parameters into an echoed message, as Slack returns them.
fn echo(message: &mut Value, params: &Value, names: &[&str]) {
    for name in names {
        if let (Some(value), Some(fields)) = (params.get(*name), message.as_object_mut()) {
            fields.insert((*name).to_string(), value.clone());
        }
    }
}

fn upload_slot(web: &mut Web, shared: &Shared, params: &Value) -> Reply {
    let (Some(filename), Some(_length)) = (text(params, "filename"), text(params, "length")) else {
        return refuse("invalid_arguments");
    };
    let id = format!("F{:08}", web.files.len() + 1);
    let upload_url = format!("http://{}/upload/{id}", shared.http);
    web.files.push((
        UploadedFile {
            id: id.clone(),
            filename,
            title: None,
            content: String::new(),
            channel: None,
            thread_ts: None,
        },
        false,
    ));
    ok(json!({"upload_url": upload_url, "file_id": id}))
}

fn complete_upload(web: &mut Web, params: &Value) -> Reply {
    let files = match params.get("files") {
        Some(Value::String(encoded)) => serde_json::from_str(encoded).unwrap_or(Value::Null),
        Some(files) => files.clone(),
        None => Value::Null,
    };
    let Some(requested) = files.as_array().filter(|files| !files.is_empty()) else {
        return refuse("invalid_arguments");
    };
    let mut shared_files = Vec::new();
    for item in requested {
        let Some((file, shared)) = web
            .files
            .iter_mut()
            .find(|(file, _)| item["id"] == file.id.as_str())
        else {
            return refuse("file_not_found");
        };
        file.title = item["title"].as_str().map(str::to_string);
        file.channel = text(params, "channel_id");
        file.thread_ts = text(params, "thread_ts");
        *shared = true;
        shared_files.push(json!({"id": file.id, "name": file.filename, "title": file.title}));
    }
    ok(json!({"files": shared_files}))
}

// ---------------------------------------------------------------------------------------------
// Socket Mode

fn accept_sockets(listener: StdListener, shared: Arc<Shared>) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    while !shared.stopping.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || serve_socket(stream, &shared));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return,
        }
    }
}

/// One Socket Mode connection: `hello`, then the envelopes pushed to it, while collecting acks.
fn serve_socket(stream: TcpStream, shared: &Shared) {
    let ready = stream.set_nonblocking(false).is_ok()
        && stream
            .set_read_timeout(Some(Duration::from_millis(5)))
            .is_ok();
    if !ready {
        return;
    }
    let Ok(mut ws) = tungstenite::accept(stream) else {
        return;
    };
    let (to_client, outgoing) = mpsc::channel();
    let (number, hello) = {
        let mut socket = shared.socket();
        socket.connections += 1;
        socket.current = Some((socket.connections, to_client));
        let hello = socket_mode_sample("hello");
        (socket.connections, hello)
    };
    let mut open = ws.send(Frame::text(hello.to_string())).is_ok();
    while open && !shared.stopping.load(Ordering::Relaxed) {
        open = forward(&mut ws, &outgoing) && receive(&mut ws, shared);
    }
    let _ = ws.close(None);
    let mut socket = shared.socket();
    if socket
        .current
        .as_ref()
        .is_some_and(|(current, _)| *current == number)
    {
        socket.current = None;
    }
}

/// Sends what was pushed; `false` once the connection is done.
fn forward(ws: &mut WebSocket<TcpStream>, outgoing: &mpsc::Receiver<Outgoing>) -> bool {
    while let Ok(next) = outgoing.try_recv() {
        let sent = match next {
            Outgoing::Text(text) => ws.send(Frame::text(text)),
            Outgoing::Close => ws.close(None),
        };
        if sent.is_err() {
            return false;
        }
    }
    true
}

/// Reads one frame if one came (an ack is kept); `false` once the connection is done.
fn receive(ws: &mut WebSocket<TcpStream>, shared: &Shared) -> bool {
    match ws.read() {
        Ok(Frame::Text(text)) => {
            if let Ok(ack) = serde_json::from_str::<Value>(text.as_str()) {
                if ack.get("envelope_id").is_some() {
                    shared.socket().acks.push(ack);
                }
            }
            true
        }
        Ok(_) => true,
        Err(tungstenite::Error::Io(error))
            if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
        {
            true
        }
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// The stand-in's answers against Slack's documented ones

/// Slack's documented Web API answers (`chat.postMessage`, `chat.update`, a 429).
const WEB_API_SAMPLES: &str = include_str!("../fixtures/slack/slack_web_api_examples.json");
/// Slack's documented `usergroups.users.list` example. Not among the team's shared samples (which
/// `fixtures/slack` mirrors), so kept in a folder of its own.
const USERGROUPS_SAMPLE: &str =
    include_str!("../fixtures/slack_documented/usergroups_users_list.json");

/// The fields of a JSON object, each with its JSON type.
fn shape(value: &Value) -> Vec<(String, &'static str)> {
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let mut fields: Vec<_> = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.clone(), kind(value)))
        .collect();
    fields.sort();
    fields
}

/// Calls `method` with `body` as the bot does (JSON, the bot token): status, `Retry-After`,
/// answer.
async fn call(slack: &SlackStandIn, method: &str, body: &Value) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/{method}", slack.api_url()))
        .bearer_auth(BOT_TOKEN)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    (status, retry_after, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_have_the_shape_of_slacks_documented_answers() {
    let samples: Value = serde_json::from_str(WEB_API_SAMPLES).unwrap();
    let slack = SlackStandIn::start().await;

    let post = &samples["chat.postMessage"];
    let (status, _, posted) = call(&slack, "chat.postMessage", &post["request"]["body"]).await;
    assert_eq!(status, 200);
    assert_eq!(shape(&posted), shape(&post["response_ok"]), "{posted}");
    assert_eq!(posted["message"]["ts"], posted["ts"]);
    for field in ["type", "subtype", "text", "bot_id", "ts"] {
        assert!(posted["message"].get(field).is_some(), "{field}: {posted}");
    }

    let update = &samples["chat.update"];
    let mut edit = update["request"]["body"].clone();
    edit["ts"] = posted["ts"].clone();
    let (status, _, updated) = call(&slack, "chat.update", &edit).await;
    assert_eq!(status, 200);
    assert_eq!(shape(&updated), shape(&update["response_ok"]), "{updated}");
    let (_, _, refused) = call(&slack, "chat.update", &update["request"]["body"]).await;
    assert_eq!(
        shape(&refused),
        shape(&update["response_error"]),
        "{refused}"
    );

    let limited = &samples["rate_limited_response"];
    slack.script("chat.postMessage", [Answer::RateLimited(Some(30))]);
    let (status, retry_after, answer) =
        call(&slack, "chat.postMessage", &post["request"]["body"]).await;
    assert_eq!(
        (status, retry_after.as_deref(), answer),
        (
            429,
            limited["headers"]["Retry-After"].as_str(),
            limited["body"].clone()
        )
    );
}

/// `usergroups.users.list` answers as Slack's documentation shows, read with a GET and the
/// group in the query string, as slack-morphism sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_groups_members_have_the_shape_slack_documents() {
    let sample: Value = serde_json::from_str(USERGROUPS_SAMPLE).unwrap();
    let slack = SlackStandIn::start().await;
    slack.set_group("S0604QSJC", &["U060R4BJ4", "W123A4BC5"]);
    let get = |group: &str| {
        reqwest::Client::new()
            .get(format!("{}/usergroups.users.list", slack.api_url()))
            .query(&[("usergroup", group)])
            .bearer_auth(BOT_TOKEN)
            .send()
    };
    let members: Value = get("S0604QSJC").await.unwrap().json().await.unwrap();
    assert_eq!(members, sample["response_ok"]);
    let unknown: Value = get("S0NONE").await.unwrap().json().await.unwrap();
    assert_eq!(unknown, sample["response_error"]);
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
