//! Slack's Socket Mode: Slack sends slash commands and clicks over a WebSocket the bot opens, so
//! the bot needs no public URL (`SLACK_APP_TOKEN=xapp-…`).
//!
//! - `apps.connections.open` with the app-level token gives a one-time `wss://` URL. The
//!   connection starts with `hello`; only then is the bot ready ([`Connection`], `/readyz`).
//! - Envelopes `slash_commands` and `interactive` go through the same `ingress` as the HTTP
//!   routes, and are acknowledged (`{"envelope_id":…}`) once the engine committed them, with the
//!   answer as `payload` (the ephemeral reply, a modal's errors); the follow-ups are handled as
//!   over HTTP. Other envelopes are acknowledged and ignored. Envelopes are
//!   handled one at a time, in order: the engine answers in milliseconds and chat calls go
//!   through the outbox, so every acknowledgement is well within Slack's 3 seconds.
//! - `disconnect` (Slack refreshes connections every few hours): a new connection at once
//!   (unless it came before `hello`, or says `link_disabled`). An error or a close: a new
//!   connection after 1 s, 2 s, 4 s… at most 30 s. The bot pings every 30 s and gives up on a
//!   connection that said nothing for 90 s; Slack's pings are answered by tungstenite.
//! - A frame the bot cannot read is logged and skipped: nothing a frame says stops the loop.
//! - The stop signal closes the connection after the envelope in hand is acknowledged.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::follow_ups::{answered, FollowUps};
use super::ingress::{self, Handled, InteractionError, SlashCommand};
use super::web::SlackWeb;
use crate::chat::readiness::{Connection, Readiness};
use crate::engine::Engine;

/// The wait before the first reconnection after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The longest the WebSocket handshake (and the closing handshake) may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// How often the bot pings Slack, and how long a connection may stay silent.
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENCE_LIMIT: Duration = Duration::from_secs(90);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the Socket Mode client needs.
pub struct SocketMode {
    pub engine: Arc<Engine>,
    /// For `apps.connections.open`.
    pub web: SlackWeb,
    /// `xapp-…`.
    pub app_token: SecretString,
    pub follow_ups: Arc<dyn FollowUps>,
    pub status: Arc<Connection>,
}

/// What woke a connection's loop.
enum Woken {
    Frame(Option<Result<Message, WsError>>),
    PingDue,
    Stop,
}

/// Why a connection ended.
#[derive(Debug, PartialEq)]
enum Ended {
    Stopped,
    /// Slack asked for a new connection: open one at once.
    Refresh(String),
    /// An error or a close: open a new connection after a backoff.
    Failed(String),
}

impl SocketMode {
    /// Keeps a connection to Slack open until `stopped` turns true.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut backoff = Backoff::default();
        loop {
            let reason = match self.connection(&mut stopped, &mut backoff).await {
                Ended::Stopped => break,
                // Only after `hello`: a link that refreshes before it ever connected must not spin.
                Ended::Refresh(reason) if self.status.ready().is_ok() => {
                    tracing::info!(%reason, "Slack asked for a new Socket Mode connection");
                    self.status
                        .disconnected(format!("Slack asked to reconnect: {reason}"));
                    continue;
                }
                Ended::Refresh(reason) => {
                    format!("Slack asked to reconnect before hello: {reason}")
                }
                Ended::Failed(reason) => reason,
            };
            let wait = backoff.next_wait();
            tracing::warn!(%reason, retry_in = ?wait, "Socket Mode is down; reconnecting");
            self.status.disconnected(&reason);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stopped.wait_for(|stop| *stop) => break,
            }
        }
        self.status.disconnected("stopped");
    }

    /// One connection, from `apps.connections.open` to its end.
    async fn connection(
        &self,
        stopped: &mut watch::Receiver<bool>,
        backoff: &mut Backoff,
    ) -> Ended {
        let socket = tokio::select! {
            opened = self.open() => opened,
            _ = stopped.wait_for(|stop| *stop) => return Ended::Stopped,
        };
        match socket {
            Ok(socket) => self.serve(socket, stopped, backoff).await,
            Err(reason) => Ended::Failed(reason),
        }
    }

    async fn open(&self) -> Result<Socket, String> {
        let url = self
            .web
            .open_socket_url(self.app_token.expose_secret())
            .await
            .map_err(|error| match error.refusal_code() {
                Some(_) => format!(
                    "{error} (check SLACK_APP_TOKEN, its connections:write scope, and that \
                     Socket Mode is on in the app's settings)"
                ),
                None => error.to_string(),
            })?;
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, tokio_tungstenite::connect_async(url)).await {
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(error)) => Err(format!("WebSocket: {error}")),
            Err(_) => Err(format!(
                "WebSocket: no handshake within {HANDSHAKE_TIMEOUT:?}"
            )),
        }
    }

    /// Reads frames until the connection ends, then closes it.
    async fn serve(
        &self,
        mut socket: Socket,
        stopped: &mut watch::Receiver<bool>,
        backoff: &mut Backoff,
    ) -> Ended {
        let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        let mut heard = Instant::now();
        let ended = loop {
            let woken = tokio::select! {
                frame = socket.next() => Woken::Frame(frame),
                _ = ping.tick() => Woken::PingDue,
                _ = stopped.wait_for(|stop| *stop) => Woken::Stop,
            };
            let outcome = match woken {
                Woken::Stop => Some(Ended::Stopped),
                Woken::PingDue => keep_alive(&mut socket, heard)
                    .await
                    .err()
                    .map(Ended::Failed),
                Woken::Frame(frame) => {
                    heard = Instant::now();
                    self.on_frame(&mut socket, frame, backoff).await
                }
            };
            if let Some(ended) = outcome {
                break ended;
            }
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.close(None)).await;
        ended
    }

    /// Handles what the socket gave; `Some` when the connection is done.
    async fn on_frame(
        &self,
        socket: &mut Socket,
        frame: Option<Result<Message, WsError>>,
        backoff: &mut Backoff,
    ) -> Option<Ended> {
        let text = match frame {
            None => return Some(Ended::Failed("Slack closed the connection".into())),
            Some(Err(error)) => return Some(Ended::Failed(format!("WebSocket: {error}"))),
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) => {
                return Some(Ended::Failed("Slack closed the connection".into()))
            }
            // Pings are answered by tungstenite; pongs only show the connection is alive.
            Some(Ok(_)) => return None,
        };
        match read_frame(text.as_str()) {
            Frame::Hello => {
                tracing::info!("Socket Mode connected");
                self.status.connected();
                backoff.reset();
                None
            }
            Frame::Disconnect(reason) => Some(disconnected(reason)),
            Frame::Envelope(envelope) => {
                let ack = self.handle(&envelope).await;
                let sent = socket.send(Message::text(ack.to_string())).await;
                sent.err().map(|error| {
                    Ended::Failed(format!(
                        "could not acknowledge envelope {}: {error}",
                        envelope.id
                    ))
                })
            }
            Frame::Unreadable(why) => {
                tracing::warn!(why, "ignored a Socket Mode frame");
                None
            }
        }
    }

    /// Runs an envelope through the engine; the acknowledgement to send back.
    async fn handle(&self, envelope: &Envelope) -> Value {
        let answer = match envelope.kind.as_str() {
            "slash_commands" => self.slash_command(&envelope.payload).await,
            "interactive" => self.interaction(&envelope.payload).await,
            kind => {
                tracing::debug!(
                    kind,
                    "acknowledged a Socket Mode envelope the bot does not use"
                );
                None
            }
        };
        ack(envelope, answer)
    }

    async fn slash_command(&self, payload: &Value) -> Option<Value> {
        let form = match SlashCommand::deserialize(payload) {
            Ok(form) => form,
            Err(error) => {
                tracing::warn!(%error, "ignored a Socket Mode slash command without its fields");
                return None;
            }
        };
        match ingress::slash_command(&self.engine, &form).await {
            Ok(handled) => self.answered(handled),
            Err(error) => Some(ingress::internal_error(&error)),
        }
    }

    async fn interaction(&self, payload: &Value) -> Option<Value> {
        match ingress::interaction(&self.engine, &payload.to_string()).await {
            Ok(handled) => self.answered(handled),
            Err(InteractionError::Malformed(error)) => {
                tracing::warn!(%error, "ignored a Socket Mode interaction");
                None
            }
            Err(InteractionError::Engine(error)) => Some(ingress::internal_error(&error)),
        }
    }

    fn answered(&self, handled: Handled) -> Option<Value> {
        answered(handled, self.follow_ups.as_ref())
    }
}

/// Pings Slack, unless it has been silent too long.
async fn keep_alive(socket: &mut Socket, heard: Instant) -> Result<(), String> {
    if heard.elapsed() > SILENCE_LIMIT {
        return Err(format!("nothing from Slack for {SILENCE_LIMIT:?}"));
    }
    socket
        .send(Message::Ping(Default::default()))
        .await
        .map_err(|error| format!("WebSocket: {error}"))
}

/// What `disconnect` means: `link_disabled` (Socket Mode turned off in the app's settings)
/// needs a person, so it is retried with backoff; the others are routine.
fn disconnected(reason: String) -> Ended {
    if reason == "link_disabled" {
        Ended::Failed("Slack disabled the link: turn Socket Mode on in the app's settings".into())
    } else {
        Ended::Refresh(reason)
    }
}

/// A Socket Mode frame, as far as the bot cares.
#[derive(Debug, PartialEq)]
enum Frame {
    Hello,
    /// `disconnect`, with its reason (`warning`, `refresh_requested`, `link_disabled`).
    Disconnect(String),
    Envelope(Envelope),
    /// Not JSON, or neither of the above: why.
    Unreadable(&'static str),
}

#[derive(Debug, PartialEq)]
struct Envelope {
    id: String,
    kind: String,
    payload: Value,
    accepts_response_payload: bool,
}

fn read_frame(text: &str) -> Frame {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Frame::Unreadable("not JSON");
    };
    match frame["type"].as_str() {
        Some("hello") => return Frame::Hello,
        Some("disconnect") => {
            let reason = frame["reason"].as_str().unwrap_or("no reason given");
            return Frame::Disconnect(reason.to_string());
        }
        _ => {}
    }
    let Some(id) = frame["envelope_id"].as_str() else {
        return Frame::Unreadable("neither hello, disconnect nor an envelope");
    };
    Frame::Envelope(Envelope {
        id: id.to_string(),
        kind: frame["type"].as_str().unwrap_or_default().to_string(),
        payload: frame["payload"].clone(),
        accepts_response_payload: frame["accepts_response_payload"].as_bool().unwrap_or(true),
    })
}

/// The acknowledgement of `envelope`, carrying `answer` when Slack takes one.
fn ack(envelope: &Envelope, answer: Option<Value>) -> Value {
    match answer {
        Some(payload) if envelope.accepts_response_payload => {
            json!({ "envelope_id": envelope.id, "payload": payload })
        }
        _ => json!({ "envelope_id": envelope.id }),
    }
}

/// Waits between failed connections: 1 s, 2 s, 4 s… at most 30 s; from 1 s again once
/// connected.
#[derive(Debug)]
struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            next: FIRST_BACKOFF,
        }
    }
}

impl Backoff {
    fn next_wait(&mut self) -> Duration {
        let wait = self.next;
        self.next = (wait * 2).min(MAX_BACKOFF);
        wait
    }

    fn reset(&mut self) {
        *self = Backoff::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_without_trusting_them() {
        assert_eq!(
            read_frame(r#"{"type":"hello","num_connections":1}"#),
            Frame::Hello
        );
        assert_eq!(
            read_frame(r#"{"type":"disconnect","reason":"refresh_requested"}"#),
            Frame::Disconnect("refresh_requested".into())
        );
        let Frame::Envelope(envelope) = read_frame(
            r#"{"envelope_id":"e1","type":"slash_commands","payload":{"text":"x"},
                "accepts_response_payload":true}"#,
        ) else {
            panic!("an envelope");
        };
        assert_eq!(
            (envelope.id.as_str(), envelope.kind.as_str()),
            ("e1", "slash_commands")
        );
        assert_eq!(envelope.payload, json!({"text": "x"}));
        for junk in [
            "",
            "not json",
            "[1,2]",
            "42",
            r#"{"type":7}"#,
            r#"{"envelope_id":1}"#,
        ] {
            assert!(
                matches!(read_frame(junk), Frame::Unreadable(_)),
                "{junk:?} must be skipped"
            );
        }
    }

    #[test]
    fn acks_carry_the_answer_only_where_slack_takes_one() {
        let mut envelope = Envelope {
            id: "e1".into(),
            kind: "slash_commands".into(),
            payload: Value::Null,
            accepts_response_payload: true,
        };
        let answer = json!({"text": "hi"});
        assert_eq!(
            ack(&envelope, Some(answer.clone())),
            json!({"envelope_id": "e1", "payload": {"text": "hi"}})
        );
        assert_eq!(ack(&envelope, None), json!({"envelope_id": "e1"}));
        envelope.accepts_response_payload = false;
        assert_eq!(ack(&envelope, Some(answer)), json!({"envelope_id": "e1"}));
    }

    #[test]
    fn disconnects_are_routine_unless_the_link_is_disabled() {
        assert_eq!(
            disconnected("warning".into()),
            Ended::Refresh("warning".into())
        );
        assert!(matches!(
            disconnected("link_disabled".into()),
            Ended::Failed(_)
        ));
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds_and_resets() {
        let mut backoff = Backoff::default();
        let waits: Vec<u64> = (0..7).map(|_| backoff.next_wait().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        backoff.reset();
        assert_eq!(backoff.next_wait(), FIRST_BACKOFF);
    }
}
