//! `incident-bot console`: an #incidents channel in the terminal. Type the same commands as in
//! chat (or pipe them in, one per line) and see the bot's posts as they happen, including the
//! automatic updates. With a simulated clock, `/advance 15m` moves time so a whole incident can be
//! rehearsed in a second. Uses the real runbook, store and scheduler.

mod render;

use std::io::Write;
use std::sync::Arc;

use chrono::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::clock::{Clock, SimulatedClock};
use crate::engine::{Engine, EngineError, Invocation};
use crate::incident::{ChannelKey, Person};
use crate::notify::Message;

/// The console's one channel.
pub fn channel() -> ChannelKey {
    ChannelKey {
        platform: "console".to_string(),
        workspace: "local".to_string(),
        channel: "incidents".to_string(),
    }
}

/// How often the console looks for due timers with a real clock.
const TICK: std::time::Duration = std::time::Duration::from_secs(1);

pub struct Console<W: Write> {
    engine: Engine,
    /// Present when time is simulated: `/advance` moves it.
    simulated: Option<SimulatedClock>,
    clock: Arc<dyn Clock>,
    user: Person,
    out: W,
}

/// What the console says about its own commands (not the bot's).
const CONSOLE_HELP: &str =
    "Console commands: /advance <duration> (simulated clock only, e.g. /advance 15m), \
/as <name> (act as someone else), /quit. Bot commands: /incident help";

impl<W: Write> Console<W> {
    pub fn new(
        engine: Engine,
        clock: Arc<dyn Clock>,
        simulated: Option<SimulatedClock>,
        user: &str,
        out: W,
    ) -> Console<W> {
        Console {
            engine,
            simulated,
            clock,
            user: person(user),
            out,
        }
    }

    /// Reads commands until the input ends or `/quit`, showing replies and posts as they come.
    pub async fn run(&mut self, input: impl AsyncBufRead + Unpin) -> Result<(), EngineError> {
        let mut lines = input.lines();
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.deliver().await?;
        loop {
            tokio::select! {
                line = lines.next_line() => {
                    match line {
                        Ok(Some(line)) => {
                            if !self.line(line.trim()).await? {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(error) => {
                            self.say(&format!("cannot read input: {error}"));
                            break;
                        }
                    }
                }
                _ = ticker.tick(), if self.simulated.is_none() => {
                    self.engine.run_due_timers().await?;
                    self.deliver().await?;
                }
            }
        }
        self.engine.run_due_timers().await?;
        self.deliver().await
    }

    /// Handles one line; false to stop.
    async fn line(&mut self, line: &str) -> Result<bool, EngineError> {
        if line.is_empty() || line.starts_with('#') {
            return Ok(true);
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match word.to_lowercase().as_str() {
            "/quit" | "/exit" => return Ok(false),
            "/advance" => self.advance(rest.trim()).await?,
            "/as" if !rest.trim().is_empty() => {
                self.user = person(rest.trim());
                self.say(&format!("You are now {}.", self.user.name));
            }
            "/incident" | "/postmortem" => self.command(line).await?,
            _ => self.say(CONSOLE_HELP),
        }
        Ok(true)
    }

    async fn command(&mut self, line: &str) -> Result<(), EngineError> {
        match commands::parse_line(line) {
            Err(error) => self.say(&error.to_string()),
            Ok(command) => {
                let who = Invocation {
                    channel: channel(),
                    person: self.user.clone(),
                };
                let reply = self.engine.handle(&who, command).await?;
                if let Some(message) = reply.message {
                    let now = self.clock.now().timestamp_millis();
                    self.show(&message, "incident-bot (only you see this)", now);
                }
            }
        }
        self.engine.run_due_timers().await?;
        self.deliver().await
    }

    async fn advance(&mut self, text: &str) -> Result<(), EngineError> {
        let Some(clock) = self.simulated.clone() else {
            self.say(
                "/advance works only with --clock simulated; this console runs on the real clock.",
            );
            return Ok(());
        };
        let Some(secs) =
            commands::duration::parse_duration(text).and_then(|s| i64::try_from(s).ok())
        else {
            self.say(&format!(
                "`{text}` is not a duration — usage: /advance <duration>, e.g. /advance 15m"
            ));
            return Ok(());
        };
        self.engine
            .advance_clock(&clock, Duration::seconds(secs))
            .await?;
        self.deliver().await?;
        self.say(&format!(
            "Time is now {}.",
            clock.now().format("%Y-%m-%d %H:%M:%S UTC")
        ));
        Ok(())
    }

    /// Prints the console's queued posts and marks them delivered.
    async fn deliver(&mut self) -> Result<(), EngineError> {
        let store = self.engine.store().clone();
        loop {
            let now = self.clock.now().timestamp_millis();
            let posts = store.pending_posts("console", now, 100).await?;
            if posts.is_empty() {
                return Ok(());
            }
            for post in posts {
                match serde_json::from_str::<Message>(&post.body) {
                    Ok(message) => self.show(&message, "incident-bot", post.created_at_ms),
                    Err(error) => self.say(&format!("(unreadable post {}: {error})", post.id)),
                }
                store
                    .mark_sent(post.id, now, Some(&format!("console-{}", post.id)))
                    .await?;
            }
        }
    }

    fn show(&mut self, message: &Message, author: &str, at_ms: i64) {
        let text = render::render(message, author, at_ms);
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }

    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}\n");
        let _ = self.out.flush();
    }
}

fn person(name: &str) -> Person {
    Person {
        id: name.to_string(),
        name: name.to_string(),
    }
}
