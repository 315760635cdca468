//! What a person sees when the bot itself failed (the database is down, a stored incident cannot
//! be read…): "internal error" with a short reference, and the same reference in the log line
//! that holds the cause, so whoever reads the log finds the failure the person reported. Every
//! platform answers this way. A full disk is the one failure whose cause the person is told: it
//! is known, nothing was saved, and someone can fix it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use crate::engine::EngineError;
use crate::error_text::with_causes;
use crate::notify::{Message, MessageKind};
use crate::platform::Platform;

/// Logs `error` with its causes under a fresh reference, and returns the message for the person
/// whose request failed. It does not say whether anything was saved: a failure can come after
/// the commit (the answer lost on its way), so the person is pointed to what they can check.
/// When the database's disk is full, the log says "disk full" and the person is told so.
pub fn internal_error(platform: Platform, error: &(dyn std::error::Error + 'static)) -> Message {
    if is_disk_full(error) {
        return disk_full(platform, error);
    }
    let reference = reference();
    tracing::error!(
        %reference,
        platform = platform.as_str(),
        error = %with_causes(error),
        "a request failed"
    );
    Message::text(
        MessageKind::Error,
        None,
        format!(
            "Internal error (ref {reference}): incident-bot could not finish this. Check \
             `/incident status`, then try again; the bot's log has the cause under that ref."
        ),
    )
}

/// Whether `error`, or one of its causes, is the engine's "the disk is full".
fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |error| error.source()).any(|error| {
        error
            .downcast_ref::<EngineError>()
            .is_some_and(EngineError::is_disk_full)
    })
}

/// A write refused for want of space: rolled back whole, so the person may say so and retry.
fn disk_full(platform: Platform, error: &(dyn std::error::Error + 'static)) -> Message {
    tracing::error!(
        platform = platform.as_str(),
        error = %with_causes(error),
        "disk full: a request was refused, nothing of it was saved; free space on the \
         database's disk"
    );
    Message::text(
        MessageKind::Error,
        None,
        "Not saved: incident-bot's database disk is full. Ask whoever runs the bot to free \
         space on it, then try again; until then, keep the incident going by hand here.",
    )
}

/// Six hex digits, different for each failure of this process and unlikely to repeat across
/// restarts: a counter spread over the range, offset by the process's start time.
fn reference() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    static START: OnceLock<u32> = OnceLock::new();
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos() ^ since.as_secs() as u32)
    });
    let count = NEXT.fetch_add(1, Ordering::Relaxed);
    let spread = count.wrapping_mul(0x9E37_79B1).wrapping_add(start);
    format!("{:06x}", spread & 0xFF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_gets_a_reference_to_give_and_no_promise() {
        let error = std::io::Error::other("connection refused");
        let message = internal_error(Platform::Slack, &error);
        let text = message.plain_text();
        assert_eq!(message.kind, MessageKind::Error);
        assert!(text.starts_with("Internal error (ref "), "{text}");
        let reference = &text["Internal error (ref ".len()..][..6];
        assert!(reference.chars().all(|c| c.is_ascii_hexdigit()), "{text}");
        assert!(
            !text.contains("connection refused"),
            "the cause is for the log: {text}"
        );
        assert!(!text.contains("could not save"), "{text}");
    }

    #[test]
    fn references_differ_from_one_failure_to_the_next() {
        let references: std::collections::HashSet<String> =
            (0..1000).map(|_| reference()).collect();
        assert_eq!(references.len(), 1000);
    }
}
