//! Where the runbook comes from: a file (`--runbook`, `RUNBOOK`) or the default that ships inside
//! the binary.

use std::path::PathBuf;

use super::{parse, parse_bytes, Runbook};

/// The runbook bundled with the bot: `runbooks/disaster-recovery.md`.
pub const DEFAULT_RUNBOOK: &str = include_str!("../../runbooks/disaster-recovery.md");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookSource {
    Bundled,
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read the runbook {path}: {source}")]
pub struct LoadError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
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

    pub fn load(&self) -> Result<Runbook, LoadError> {
        match self {
            RunbookSource::Bundled => Ok(parse(DEFAULT_RUNBOOK)),
            RunbookSource::File(path) => std::fs::read(path)
                .map(|bytes| parse_bytes(&bytes))
                .map_err(|source| LoadError {
                    path: path.display().to_string(),
                    source,
                }),
        }
    }
}
