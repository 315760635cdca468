//! `incident-bot audit [--since 2026-11-28|24h]`: the audit log, oldest first: who did what,
//! where and when, and whether it was done or refused (and why). Only reads the database, so it
//! runs beside the bot. Exits 0 when printed (an empty log too), 2 when the database cannot be
//! read; a `--since` that is neither a date nor a duration is clap's usage error (2).

use std::process::ExitCode;

use chrono::NaiveDate;
use commands::duration::parse_duration;

use super::outbox::{clock_time, failed, plural};
use crate::clock::{Clock, SystemClock};
use crate::instant::UnixMillis;
use crate::store::{AuditOutcome, AuditRecord, DatabaseUrl, Store};

/// The most rows printed at once.
const LIST_LIMIT: u32 = 1000;

/// From when the log is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// From midnight UTC of that day.
    Day(NaiveDate),
    /// That many seconds before now.
    Ago(u64),
}

/// The default `--since`: the last day.
pub const DEFAULT_SINCE: &str = "24h";

/// `2026-11-28` or a duration like `24h`, `7d`, `90m`.
pub fn parse_since(text: &str) -> Result<Since, String> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Since::Day(day));
    }
    parse_duration(text).map(Since::Ago).ok_or_else(|| {
        format!("`{text}` is neither a day like 2026-11-28 (UTC) nor a duration like 24h")
    })
}

impl Since {
    fn start(self, now: UnixMillis) -> UnixMillis {
        match self {
            Since::Day(day) => UnixMillis::new(
                day.and_hms_opt(0, 0, 0)
                    .map_or(0, |midnight| midnight.and_utc().timestamp_millis()),
            ),
            Since::Ago(secs) => UnixMillis::new(
                now.millis()
                    .saturating_sub(i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX)),
            ),
        }
    }
}

pub async fn run(since: Since, database_url: DatabaseUrl) -> ExitCode {
    let store = match Store::connect_read_only(database_url.expose()).await {
        Ok(store) => store,
        Err(error) => return failed(&error),
    };
    let from = since.start(SystemClock.now_millis());
    match store.audit_since(from, LIST_LIMIT).await {
        Ok(records) => {
            print!("{}", listing(&records, from, &database_url.to_string()));
            ExitCode::SUCCESS
        }
        Err(error) => failed(&error),
    }
}

/// A summary line, then one line per row.
fn listing(records: &[AuditRecord], from: UnixMillis, database: &str) -> String {
    let since = clock_time(from);
    if records.is_empty() {
        return format!("Nothing in the audit log of {database} since {since}.\n");
    }
    let refused = records
        .iter()
        .filter(|record| matches!(record.outcome, AuditOutcome::Refused { .. }))
        .count();
    let mut text = format!(
        "Audit log of {database} since {since}: {}, {refused} refused.\n\n",
        plural(records.len(), "action", "actions"),
    );
    for record in records {
        text.push_str(&line(record));
        text.push('\n');
    }
    if records.len() >= LIST_LIMIT as usize {
        text.push_str(&format!(
            "\nThat is the first {LIST_LIMIT}: give a later --since to see the rest.\n"
        ));
    }
    text
}

/// `2026-11-29 03:14:05 UTC  slack T1/C0INCIDENTS  alice (U0ALICE)  INC-3  /incident resolve  done`.
fn line(record: &AuditRecord) -> String {
    let incident = record
        .incident
        .map_or_else(|| "-".to_string(), |id| id.to_string());
    let outcome = match &record.outcome {
        AuditOutcome::Done => "done".to_string(),
        AuditOutcome::Refused { why } => format!("REFUSED: {why}"),
    };
    format!(
        "{}  {} {}/{}  {} ({})  {incident}  {}  {outcome}",
        clock_time(record.at),
        record.channel.platform.as_str(),
        record.channel.workspace,
        record.channel.channel,
        record.person.name,
        record.person.id,
        record.command,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_a_day_or_a_duration_before_now() {
        let now = UnixMillis::new(1_764_400_000_000);
        let day = parse_since("2026-11-28").expect("a day");
        assert_eq!(clock_time(day.start(now)), "2026-11-28 00:00:00 UTC");
        let ago = parse_since("24h").expect("a duration");
        assert_eq!(ago.start(now).millis(), now.millis() - 86_400_000);
        assert_eq!(
            parse_since("yesterday"),
            Err(
                "`yesterday` is neither a day like 2026-11-28 (UTC) nor a duration like 24h"
                    .to_string()
            )
        );
    }
}
