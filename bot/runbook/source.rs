//! Where the runbook comes from: a file (`--runbook`, `RUNBOOK`) or the default that ships inside
//! the binary.

use std::path::PathBuf;

use super::{parse, Runbook, MAX_RUNBOOK_BYTES};

/// The runbook bundled with the bot: `runbooks/disaster-recovery.md`.
pub const DEFAULT_RUNBOOK: &str = include_str!("../../runbooks/disaster-recovery.md");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookSource {
    Bundled,
    File(PathBuf),
}

/// Why a runbook cannot be read: the file is missing or unreadable, or its bytes are not a
/// Markdown document (`check-runbook` exits 2 for both).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the runbook {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the runbook {path}: {reason}")]
    Unreadable { path: String, reason: Unreadable },
}

/// Bytes that are not a runbook to read: too big, not UTF-8, or binary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error(
        "it is {:.1} MiB; the limit is {} MiB: split it or trim it",
        *bytes as f64 / (1024.0 * 1024.0),
        MAX_RUNBOOK_BYTES / (1024 * 1024)
    )]
    TooBig { bytes: usize },
    #[error(
        "it is not UTF-8 text (bad byte on line {line}, offset {offset}): save it as UTF-8 \
         Markdown"
    )]
    NotUtf8 { offset: usize, line: usize },
    #[error("it contains NUL bytes: it is binary, not Markdown text")]
    Binary,
}

impl Unreadable {
    /// The line a diagnostic about it points at.
    pub fn line(&self) -> usize {
        match self {
            Unreadable::NotUtf8 { line, .. } => *line,
            Unreadable::TooBig { .. } | Unreadable::Binary => 1,
        }
    }
}

/// The text of a runbook file, or why it is not one.
pub fn text_of(bytes: &[u8]) -> Result<&str, Unreadable> {
    if bytes.len() > MAX_RUNBOOK_BYTES {
        return Err(Unreadable::TooBig { bytes: bytes.len() });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => Err(Unreadable::Binary),
        Ok(text) => Ok(text),
        Err(error) => {
            let offset = error.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(Unreadable::NotUtf8 { offset, line })
        }
    }
}

impl RunbookSource {
    /// The file given, else the `RUNBOOK` environment variable, else the bundled default.
    pub fn choose(file: Option<PathBuf>, env_value: Option<String>) -> RunbookSource {
        match file.or_else(|| {
            env_value
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from)
        }) {
            Some(path) => RunbookSource::File(path),
            None => RunbookSource::Bundled,
        }
    }

    /// A short name for messages: the path, or `the bundled default runbook`.
    pub fn describe(&self) -> String {
        match self {
            RunbookSource::Bundled => "the bundled default runbook".to_string(),
            RunbookSource::File(path) => path.display().to_string(),
        }
    }

    /// The parsed runbook; an error when the file cannot be read or is not Markdown text.
    pub fn load(&self) -> Result<Runbook, LoadError> {
        match self {
            RunbookSource::Bundled => Ok(parse(DEFAULT_RUNBOOK)),
            RunbookSource::File(path) => {
                let path_text = || path.display().to_string();
                let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
                    path: path_text(),
                    source,
                })?;
                let text = text_of(&bytes).map_err(|reason| LoadError::Unreadable {
                    path: path_text(),
                    reason,
                })?;
                Ok(parse(text))
            }
        }
    }
}
