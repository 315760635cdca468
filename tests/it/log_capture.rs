//! The log lines the bot writes, captured for a test to read: what a person reading the log at
//! 3 a.m. would see. The capture holds for the current thread, which is also where a
//! single-threaded tokio test runs the tasks it spawns.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::subscriber::DefaultGuard;

/// The lines logged while a [`Log::capture`] guard lives, as `fmt` writes them (no colours).
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// Captures this thread's log lines (INFO and above) until the guard is dropped.
    pub fn capture(&self) -> DefaultGuard {
        self.capture_filtered("info")
    }

    /// The same, with the bot's own DEBUG lines too.
    pub fn capture_debug(&self) -> DefaultGuard {
        self.capture_filtered("info,incident_bot=debug")
    }

    fn capture_filtered(&self, directives: &str) -> DefaultGuard {
        let log = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
            .with_writer(move || log.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
