//! `incident-bot postmortem INC-n`: the post-mortem draft as Markdown on standard output.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use commands::{Command, IncidentRef, Postmortem};

use crate::clock::SystemClock;
use crate::engine::Invocation;
use crate::incident::Person;
use crate::notify::{Block, MessageKind};
use crate::startup::{self, Settings};

pub async fn run(incident: String, runbook: Option<PathBuf>, database_url: String) -> ExitCode {
    let Some(reference) = IncidentRef::parse(&incident) else {
        eprintln!("error: `{incident}` is not an incident reference — usage: incident-bot postmortem INC-n");
        return ExitCode::from(2);
    };
    let settings = Settings::from_command_line(runbook, database_url);
    let engine = match startup::read_only_engine(&settings, Arc::new(SystemClock)).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let Ok(Some(stored)) = engine.store().incident(reference.0).await else {
        eprintln!(
            "error: there is no {reference} in {}",
            crate::store::redact_url(&settings.database_url)
        );
        return ExitCode::from(1);
    };
    let who = Invocation {
        channel: stored.channel,
        person: Person {
            id: "cli".to_string(),
            name: "cli".to_string(),
        },
    };
    let command = Command::Postmortem(Postmortem {
        incident: Some(reference),
    });
    match engine.handle(&who, command).await {
        Ok(reply) => {
            let document = reply.message.as_ref().and_then(|message| {
                message.blocks.iter().find_map(|block| match block {
                    Block::Document { markdown, .. } => Some(markdown.clone()),
                    _ => None,
                })
            });
            match (document, reply.message) {
                (Some(markdown), _) => {
                    print!("{markdown}");
                    ExitCode::SUCCESS
                }
                (None, Some(message)) if message.kind == MessageKind::Error => {
                    eprintln!("error: {}", message.plain_text());
                    ExitCode::from(1)
                }
                _ => ExitCode::from(1),
            }
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
