//! Collects what the parser could not place, each with its line, for `check-runbook` and the logs.

use super::model::{Diagnostic, Level};

#[derive(Debug, Default)]
pub(crate) struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn error(&mut self, line: usize, message: impl Into<String>) {
        self.push(line, Level::Error, message.into());
    }

    pub fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.push(line, Level::Warning, message.into());
    }

    fn push(&mut self, line: usize, level: Level, message: String) {
        self.0.push(Diagnostic {
            line,
            level,
            message,
        });
    }
}
