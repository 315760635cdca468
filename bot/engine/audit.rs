//! The audit log's row of the command being handled. A command that changes an incident has its
//! row written by the commit that makes the change, in the same transaction (see `load`); one
//! that commits nothing (the domain refused it, or there was nothing to change) has it written
//! alone, refused, with what the person was told. The row rides in a task-local for the length
//! of the command, so the command modules, which commit through `load`, need not hand it on.
//! An incident an alert opens has its row too, by the bot, written with its first commit.

use std::cell::Cell;
use std::future::Future;

use commands::Command;

use super::{cmd, Engine, EngineError, Invocation, Reply};
use crate::instant::UnixMillis;
use crate::store::{AuditOutcome, AuditRecord, Commit};

/// The longest reason kept for a refusal: its first line, cut to this many characters.
const MAX_REASON_CHARS: usize = 300;

/// The row of the command in hand, and whether a commit has written it.
struct Audited {
    record: AuditRecord,
    written: Cell<bool>,
}

tokio::task_local! {
    static AUDITED: Audited;
}

impl Engine {
    /// Runs a command that changes incidents, and records it in the audit log: done with its
    /// change, or refused with why.
    pub(super) async fn run_audited(
        &self,
        who: &Invocation,
        command: Command,
    ) -> Result<Reply, EngineError> {
        let record = self.audit_record(who, &command, AuditOutcome::Done);
        let (reply, written) = with_row(record.clone(), cmd::handle(self, who, command)).await;
        let reply = reply?;
        if !written {
            let why = reply.message.as_ref().map_or_else(
                || "nothing to change".to_string(),
                |message| first_line(&message.plain_text()),
            );
            self.store
                .record_audit(&AuditRecord {
                    outcome: AuditOutcome::Refused { why },
                    ..record
                })
                .await?;
        }
        Ok(reply)
    }

    /// The audit log's row of `command` run by `who`, now.
    pub(super) fn audit_record(
        &self,
        who: &Invocation,
        command: &Command,
        outcome: AuditOutcome,
    ) -> AuditRecord {
        AuditRecord {
            at: UnixMillis::new(self.now_ms()),
            channel: who.channel.clone(),
            person: who.person.clone(),
            command: command.to_string(),
            incident: None,
            outcome,
        }
    }
}

/// Runs `work` with `record` as the row of the change it makes, written by its commit if it
/// commits one; whether it did.
pub(super) async fn with_row<T>(record: AuditRecord, work: impl Future<Output = T>) -> (T, bool) {
    let audited = Audited {
        record,
        written: Cell::new(false),
    };
    AUDITED
        .scope(audited, async {
            let done = work.await;
            (done, AUDITED.with(|audited| audited.written.get()))
        })
        .await
}

/// Puts the row of the command in hand, if any and not yet written, into `commit`.
pub(super) fn attach(commit: &mut Commit) {
    let _outside_a_command = AUDITED.try_with(|audited| {
        if !audited.written.get() {
            commit.audit = Some(audited.record.clone());
        }
    });
}

/// Notes that a commit carrying the row of the command in hand was committed.
pub(super) fn mark_written() {
    let _outside_a_command = AUDITED.try_with(|audited| audited.written.set(true));
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(MAX_REASON_CHARS)
        .collect()
}
