//! A stand-in for Discord's Gateway on 127.0.0.1, for tests: the WebSocket a bot connects to
//! (serenity, given this URL by the REST stand-in's `GET /gateway`), speaking the Gateway's JSON
//! opcodes as Discord does, to as many clients as connect (replicas of one bot, each with a
//! session of its own).
//!
//! - Each connection gets HELLO (op 10, a short heartbeat interval so heartbeats happen in a
//!   test); IDENTIFY (op 2) starts a session (`standin-session-1`, `-2`…) answered with a
//!   complete READY, RESUME (op 6) takes its session to the new connection with RESUMED, each
//!   HEARTBEAT (op 1) is answered with HEARTBEAT_ACK (op 11) on the connection it came on.
//! - [`GatewayStandIn::dispatch`] sends an event (op 0, the session's next sequence number) to
//!   every session connected, as Discord sends an interaction to every session of the bot, e.g.
//!   `INTERACTION_CREATE`; [`GatewayStandIn::force_reconnect`] sends RECONNECT (op 7) on every
//!   connection, after which a client resumes on a new one.
//! - [`GatewayStandIn::stats`] counts what the clients did, and [`GatewayStandIn::wait_for`]
//!   waits (a few seconds at most) until the counts say something happened.
//!
//! Connections run on threads of their own with blocking tungstenite, as Slack's stand-in does.

use std::io::ErrorKind;
use std::net::{TcpListener as StdListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, Message as Frame, WebSocket};

/// The session the stand-in gives the first IDENTIFY.
pub const SESSION_ID: &str = "standin-session-1";
/// The bot user READY names.
pub const BOT_USER_ID: &str = "1182006912345678901";
/// How often the client is told to heartbeat.
const HEARTBEAT_MS: u64 = 500;
/// How long [`GatewayStandIn::wait_for`] waits.
const WAIT: Duration = Duration::from_secs(10);

/// What the client has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub connections: usize,
    pub identifies: usize,
    pub resumes: usize,
    pub heartbeats: usize,
}

pub struct GatewayStandIn {
    url: String,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    stopping: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    stats: Stats,
    /// The open connections.
    connections: Vec<Connection>,
    /// The sequence number of the last event sent in each session (`standin-session-{i + 1}`).
    sessions: Vec<u64>,
    /// The id the next connection gets.
    next_connection: usize,
    /// Frames received from the clients, in order.
    received: Vec<Value>,
}

struct Connection {
    id: usize,
    /// Its outgoing frames.
    to: mpsc::Sender<String>,
    /// The session it speaks for, once identified or resumed.
    session: Option<usize>,
}

impl GatewayStandIn {
    pub fn start() -> GatewayStandIn {
        let listener = StdListener::bind("127.0.0.1:0").expect("a port for the gateway stand-in");
        let url = format!("ws://{}", listener.local_addr().expect("its address"));
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || accept(listener, accepting));
        GatewayStandIn { url, shared }
    }

    /// `ws://127.0.0.1:PORT`, what `GET /gateway` answers.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn stats(&self) -> Stats {
        self.shared.state().stats
    }

    /// Frames the client sent with this opcode.
    pub fn received(&self, op: u64) -> Vec<Value> {
        self.shared
            .state()
            .received
            .iter()
            .filter(|frame| frame["op"] == op)
            .cloned()
            .collect()
    }

    /// Waits until `done(stats)` holds; whether it did.
    pub async fn wait_for(&self, done: impl Fn(&Stats) -> bool) -> bool {
        let deadline = Instant::now() + WAIT;
        while !done(&self.stats()) {
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// Sends event `name` with data `d` to every session connected; whether there was one.
    pub fn dispatch(&self, name: &str, d: Value) -> bool {
        let mut state = self.shared.state();
        let State {
            connections,
            sessions,
            ..
        } = &mut *state;
        let mut sent = false;
        for connection in connections.iter() {
            if let Some(session) = connection.session {
                sessions[session] += 1;
                let frame = json!({ "op": 0, "t": name, "s": sessions[session], "d": d });
                sent |= connection.to.send(frame.to_string()).is_ok();
            }
        }
        sent
    }

    /// Sends RECONNECT (op 7) on every connection: Discord's way of asking a client to resume
    /// elsewhere.
    pub fn force_reconnect(&self) -> bool {
        let frame = json!({ "op": 7, "d": null }).to_string();
        let state = self.shared.state();
        let mut sent = false;
        for connection in &state.connections {
            sent |= connection.to.send(frame.clone()).is_ok();
        }
        sent
    }
}

impl Drop for GatewayStandIn {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `frame` on connection `id`.
    fn send_on(state: &State, id: usize, frame: &Value) {
        if let Some(connection) = state.connections.iter().find(|c| c.id == id) {
            let _ = connection.to.send(frame.to_string());
        }
    }

    /// Binds connection `id` to `session` and sends it event `name`, next in the session.
    fn start_session_event(&self, id: usize, session: usize, name: &str, d: Value) {
        let mut state = self.state();
        state.sessions[session] += 1;
        let frame = json!({ "op": 0, "t": name, "s": state.sessions[session], "d": d });
        if let Some(connection) = state.connections.iter_mut().find(|c| c.id == id) {
            connection.session = Some(session);
        }
        Self::send_on(&state, id, &frame);
    }

    /// Answers a frame from the client on connection `id`.
    fn receive(&self, id: usize, text: &str, url: &str) {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let op = frame["op"].as_u64();
        let resumed = frame["d"]["session_id"]
            .as_str()
            .and_then(|session| session.strip_prefix("standin-session-"))
            .and_then(|number| number.parse::<usize>().ok());
        self.state().received.push(frame);
        match op {
            Some(1) => {
                let mut state = self.state();
                state.stats.heartbeats += 1;
                Self::send_on(&state, id, &json!({ "op": 11, "d": null }));
            }
            Some(2) => {
                let session = {
                    let mut state = self.state();
                    state.stats.identifies += 1;
                    state.sessions.push(0);
                    state.sessions.len() - 1
                };
                self.start_session_event(id, session, "READY", ready(url, session));
            }
            Some(6) => {
                self.state().stats.resumes += 1;
                let known = resumed.filter(|n| (1..=self.state().sessions.len()).contains(n));
                match known {
                    Some(number) => self.start_session_event(id, number - 1, "RESUMED", json!({})),
                    // Discord's INVALID_SESSION, not resumable: the client identifies anew.
                    None => Self::send_on(&self.state(), id, &json!({ "op": 9, "d": false })),
                }
            }
            _ => {}
        }
    }
}

/// A complete READY for `session`, as serenity reads it.
fn ready(url: &str, session: usize) -> Value {
    json!({
        "v": 10,
        "user": {
            "id": BOT_USER_ID,
            "username": "incident-bot",
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": false,
            "flags": 0,
        },
        "guilds": [{ "id": "290926798626357999", "unavailable": true }],
        "session_id": format!("standin-session-{}", session + 1),
        "resume_gateway_url": url,
        "shard": [0, 1],
        "application": { "id": BOT_USER_ID, "flags": 0 },
    })
}

fn accept(listener: StdListener, shared: Arc<Shared>) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    let url = listener
        .local_addr()
        .map(|addr| format!("ws://{addr}"))
        .unwrap_or_default();
    while !shared.stopping.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                let (shared, url) = (Arc::clone(&shared), url.clone());
                std::thread::spawn(move || serve(stream, &shared, &url));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return,
        }
    }
}

/// One connection: HELLO, then frames both ways until either side closes.
fn serve(stream: TcpStream, shared: &Shared, url: &str) {
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
    let id = {
        let mut state = shared.state();
        state.stats.connections += 1;
        let id = state.next_connection;
        state.next_connection += 1;
        state.connections.push(Connection {
            id,
            to: to_client,
            session: None,
        });
        id
    };
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": HEARTBEAT_MS } });
    let mut open = ws.send(Frame::text(hello.to_string())).is_ok();
    while open && !shared.stopping.load(Ordering::Relaxed) {
        open = forward(&mut ws, &outgoing) && receive(&mut ws, shared, id, url);
    }
    shared
        .state()
        .connections
        .retain(|connection| connection.id != id);
    let _ = ws.close(None);
}

/// Sends what was queued for the client; `false` once the connection is done.
fn forward(ws: &mut WebSocket<TcpStream>, outgoing: &mpsc::Receiver<String>) -> bool {
    while let Ok(text) = outgoing.try_recv() {
        let reconnect = text.contains("\"op\":7");
        if ws.send(Frame::text(text)).is_err() {
            return false;
        }
        if reconnect {
            // Discord closes the connection after RECONNECT; so does the stand-in.
            let _ = ws.close(None);
            let _ = ws.flush();
            return false;
        }
    }
    true
}

/// Reads one frame if one came; `false` once the connection is done.
fn receive(ws: &mut WebSocket<TcpStream>, shared: &Shared, id: usize, url: &str) -> bool {
    match ws.read() {
        Ok(Frame::Text(text)) => {
            shared.receive(id, text.as_str(), url);
            true
        }
        Ok(Frame::Close(_)) => false,
        Ok(_) => true,
        Err(tungstenite::Error::Io(error))
            if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
        {
            true
        }
        Err(_) => false,
    }
}
