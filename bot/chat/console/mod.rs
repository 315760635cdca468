//! `incident-bot console`: an #incidents channel in the terminal. Type the same commands as in
//! chat (or pipe them in, one per line) and see the bot's posts as they happen, including the
//! automatic updates. With a simulated clock, `/advance 15m` moves time so a whole incident can be
//! rehearsed in a second. Uses the real runbook, store, scheduler and outbox worker: the
//! terminal is a chat platform to it ([`Terminal`]). At a terminal, lines come from a prompt
//! with line editing, history and Tab completion (`prompt`, `completion`); piped, as they are.

mod completion;
mod prompt;
mod render;
mod terminal;

use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use chrono::Duration;
use tokio::io::AsyncBufRead;

pub use completion::Completions;
pub use prompt::{AbovePrompt, Prompt};
pub use render::render;
pub use terminal::{delivery_policy, Terminal};

use crate::clock::{Clock, SimulatedClock};
use crate::engine::{Engine, EngineError, Invocation};
use crate::incident::{ChannelKey, Person};
use crate::outbox::OutboxWorker;
use crate::platform::Platform;

/// The console's one channel.
pub fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Console,
        workspace: "local".to_string(),
        channel: "incidents".to_string(),
    }
}

/// Where the console's lines come from: a pipe (as they are), or a person at a [`Prompt`].
pub trait LineSource {
    /// The next line, showing `prompt` if a person is typing; `None` at the end of the input.
    fn read_line(&mut self, prompt: &str) -> impl Future<Output = std::io::Result<Option<String>>>;
}

/// Piped lines: no prompt, nothing but the lines.
impl<R: AsyncBufRead + Unpin> LineSource for tokio::io::Lines<R> {
    fn read_line(&mut self, _: &str) -> impl Future<Output = std::io::Result<Option<String>>> {
        self.next_line()
    }
}

/// How often the console looks for due timers with a real clock.
const TICK: std::time::Duration = std::time::Duration::from_secs(1);

pub struct Console<W> {
    engine: Engine,
    /// Delivers the channel's posts to the terminal, driven by the console after each change.
    outbox: OutboxWorker<Terminal<W>>,
    terminal: Arc<Terminal<W>>,
    /// Present when time is simulated: `/advance` moves it.
    simulated: Option<SimulatedClock>,
    clock: Arc<dyn Clock>,
    user: Person,
}

/// What `/as` without a name says.
const AS_USAGE: &str = "/as needs a name: /as <name> acts as that person, e.g. /as bob";

/// What the console says about its own commands (not the bot's).
const CONSOLE_HELP: &str =
    "Console commands: /advance <duration> (simulated clock only, e.g. /advance 15m), \
/as <name> (act as someone else), /quit. Bot commands: /incident help";

impl<W: Write + Send + 'static> Console<W> {
    /// A console acting as `user`, showing its replies on `terminal` and its channel's posts
    /// through `outbox` (a worker delivering to that terminal).
    pub fn new(
        engine: Engine,
        outbox: OutboxWorker<Terminal<W>>,
        terminal: Arc<Terminal<W>>,
        clock: Arc<dyn Clock>,
        simulated: Option<SimulatedClock>,
        user: &str,
    ) -> Console<W> {
        Console {
            engine,
            outbox,
            terminal,
            simulated,
            clock,
            user: person(user),
        }
    }

    /// Reads commands until the input ends or `/quit`, showing replies and posts as they come.
    pub async fn run(&mut self, mut lines: impl LineSource) -> Result<(), EngineError> {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.deliver().await?;
        loop {
            let prompt = format!("{}@#incidents> ", self.user.name);
            tokio::select! {
                line = lines.read_line(&prompt) => {
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
            "/as" if rest.trim().is_empty() => self.say(AS_USAGE),
            "/as" => {
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
                    roles: Vec::new(),
                };
                let reply = self.engine.handle(&who, command).await?;
                if let Some(message) = reply.message {
                    let now = self.clock.now().timestamp_millis();
                    self.terminal
                        .show(&message, "incident-bot (only you see this)", now);
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

    /// Shows every post that is due.
    async fn deliver(&self) -> Result<(), EngineError> {
        Ok(self.outbox.deliver_all_due().await?)
    }

    fn say(&self, text: &str) {
        self.terminal.say(text);
    }
}

fn person(name: &str) -> Person {
    Person {
        id: name.to_string(),
        name: name.to_string(),
    }
}
