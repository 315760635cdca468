//! The console's prompt, when a person types at a terminal: line editing and history
//! (rustyline), Tab completion (`completion`), and the bot's posts printed above the line being
//! typed ([`AbovePrompt`]). The editor runs on a thread of its own and reads a line only when the
//! console asks for the next one, so the terminal is never left in raw mode when the console
//! stops. Piped input never comes here.

use std::io::{self, Write};
use std::sync::mpsc as ask;

use rustyline::completion::Completer;
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, ExternalPrinter, Helper};
use tokio::sync::mpsc;

use super::completion::Completions;
use super::LineSource;

/// Lines typed at the prompt, one when asked for.
pub struct Prompt {
    /// Asks the editor for a line, with the prompt to show.
    ask: ask::Sender<String>,
    /// The lines typed; closed at Ctrl-D.
    lines: mpsc::Receiver<io::Result<String>>,
    /// Whether a line was asked for and has not come yet.
    asked: bool,
}

/// Prints whole messages above the line being typed: what is written is held until `flush`.
pub struct AbovePrompt {
    printer: Box<dyn ExternalPrinter + Send>,
    pending: Vec<u8>,
}

impl Prompt {
    /// Starts the editor on the terminal; fails when the terminal cannot be driven.
    pub fn start(completions: Completions) -> Result<(Prompt, AbovePrompt), ReadlineError> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(true)
            .build();
        let mut editor: Editor<TabCompletion, DefaultHistory> = Editor::with_config(config)?;
        editor.set_helper(Some(TabCompletion(completions)));
        let printer = editor.create_external_printer()?;
        let (ask, asked) = ask::channel::<String>();
        let (typed, lines) = mpsc::channel(1);
        std::thread::spawn(move || {
            while let Ok(prompt) = asked.recv() {
                let line = match editor.readline(&prompt) {
                    Ok(line) => Ok(line),
                    // Ctrl-C abandons the line being typed, as in a shell.
                    Err(ReadlineError::Interrupted) => Ok(String::new()),
                    Err(ReadlineError::Eof) => break,
                    Err(error) => Err(io::Error::other(error)),
                };
                if typed.blocking_send(line).is_err() {
                    break;
                }
            }
        });
        let prompt = Prompt {
            ask,
            lines,
            asked: false,
        };
        let above = AbovePrompt {
            printer: Box::new(printer),
            pending: Vec::new(),
        };
        Ok((prompt, above))
    }
}

impl LineSource for Prompt {
    async fn read_line(&mut self, prompt: &str) -> io::Result<Option<String>> {
        if !self.asked {
            if self.ask.send(prompt.to_owned()).is_err() {
                return Ok(None);
            }
            self.asked = true;
        }
        // Cancelled here (a timer fired first), the question stays asked: the next call waits.
        let line = self.lines.recv().await;
        self.asked = false;
        line.transpose()
    }
}

impl Write for AbovePrompt {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        self.printer.print(text).map_err(io::Error::other)
    }
}

/// The editor's helper: Tab completes; no hints, colours or multi-line input.
struct TabCompletion(Completions);

impl Completer for TabCompletion {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.0.complete(line.get(..pos).unwrap_or(line)))
    }
}

impl Hinter for TabCompletion {
    type Hint = String;
}

impl Highlighter for TabCompletion {}

impl Validator for TabCompletion {}

impl Helper for TabCompletion {}
