//! The one dispatch: (who, where, command) → events committed to the store → posts queued in the
//! outbox, and a reply for the person who asked. Adapters call [`Engine::handle`]; the scheduler
//! calls [`Engine::run_due_timers`]. Every post and timer is committed with the events that caused
//! it, in one transaction, before anything is acknowledged; a commit that queued posts rings the
//! outbox's [`Doorbell`], so they go out at once. Who may run what where is checked first, for
//! every platform alike (`gate`), and every change or refusal is audited (`audit`).

mod alerts;
mod audit;
mod cache;
mod cmd;
mod config;
mod follow_ups;
mod gate;
mod load;
mod paging;
mod scheduler;
mod stale;
pub mod timers;
mod turns;

use std::sync::Arc;

use commands::Command;
use tracing::Instrument;

pub use alerts::{AlertRoute, AlertTaken};
pub use config::{
    ConfigError, EngineConfig, DEFAULT_STALE_AFTER_SECS, DEFAULT_UPDATE_INTERVAL_SECS,
};

use crate::access::{GroupMembers, GROUP_MEMBERS_TTL};
use crate::clock::Clock;
use crate::incident::{ChannelKey, IncidentId, Person};
use crate::notify::Message;
use crate::outbox::Doorbell;
use crate::runbook::Runbook;
use crate::store::{AuditOutcome, Store, StoreError};

/// Who asked, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub channel: ChannelKey,
    pub person: Person,
    /// The roles the platform says the person holds, by id, where it sends them with the
    /// request (Discord's `member.roles`); empty elsewhere.
    pub roles: Vec<String>,
}

/// The answer for the person who asked, and what the command posted in the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `None` when the channel posts already say it all.
    pub message: Option<Message>,
    /// The channel posts a change of an existing incident (a step, a choice, an update…)
    /// committed to the outbox, in order, for an adapter that also answers with one (Discord
    /// shows a clicked checklist's new state in its answer). Empty for other commands.
    pub posted: Vec<Message>,
    /// The platform's reference of the incident's checklist card (the message that every
    /// checklist post edits in place), when `posted` holds a checklist and the card is sent:
    /// how an adapter tells a click on the card from a click on another message. Filled by
    /// [`Engine::handle_click`] only, so that typed commands do not pay for the read.
    pub checklist_card: Option<String>,
}

impl Reply {
    fn none() -> Reply {
        Reply {
            message: None,
            posted: Vec::new(),
            checklist_card: None,
        }
    }

    fn with(message: Message) -> Reply {
        Reply {
            message: Some(message),
            posted: Vec::new(),
            checklist_card: None,
        }
    }
}

/// Failures that are not the user's doing: logged with their cause, shown as "internal error".
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{incident} is stored in a form this version cannot read: {source}")]
    Unreadable {
        incident: IncidentId,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write {incident}: {source}")]
    Unwritable {
        incident: IncidentId,
        #[source]
        source: serde_json::Error,
    },
    #[error("{incident} kept changing under this command; try again")]
    Contended { incident: IncidentId },
    #[error("alert {fingerprint} kept changing while it was taken; the sender will retry")]
    AlertContended { fingerprint: String },
    #[error("cannot write an alert's message: {source}")]
    UnwritableAlert {
        #[source]
        source: serde_json::Error,
    },
}

impl EngineError {
    /// Whether the database had no space left to write in: nothing of the change was written,
    /// and the same command succeeds once there is space again.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, EngineError::Store(StoreError::DiskFull(_)))
    }
}

/// Why a command stops early: a refusal the user sees, or an internal failure.
pub(super) enum Stop {
    Refused(Reply),
    Failed(EngineError),
}

impl From<EngineError> for Stop {
    fn from(error: EngineError) -> Stop {
        Stop::Failed(error)
    }
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Stop {
        Stop::Failed(error.into())
    }
}

/// Commits that lose a race are re-decided on fresh state this many times.
const MAX_ATTEMPTS: usize = 5;

/// The bot's own name on the timeline, for what it does by itself.
pub fn bot_person() -> Person {
    Person::bot()
}

pub struct Engine {
    store: Store,
    runbook: Arc<Runbook>,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    /// Incidents in memory, when this process is the database's only writer.
    cache: Option<cache::Cache>,
    /// Rung after every commit that queued posts.
    posts_queued: Doorbell,
    /// One change of an incident at a time in this process.
    turns: turns::Turns,
    /// The members of the user groups `RESPONDERS` names, from the platform that has them.
    groups: GroupMembers,
}

impl Engine {
    /// An engine on `store`. When the store is its database's only writer, the open incidents'
    /// channels are read into memory here, and incidents are kept in memory from then on.
    pub async fn start(
        store: Store,
        runbook: Arc<Runbook>,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Result<Engine, EngineError> {
        let cache = match store.is_sole_writer() {
            true => Some(cache::Cache::new(store.open_incident_channels().await?)),
            false => None,
        };
        Ok(Engine {
            store,
            runbook,
            clock,
            config,
            cache,
            posts_queued: Doorbell::default(),
            turns: turns::Turns::new(),
            groups: GroupMembers::new(GROUP_MEMBERS_TTL),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The doorbell rung after every commit that queued posts: what outbox workers listen to.
    pub fn posts_queued(&self) -> &Doorbell {
        &self.posts_queued
    }

    /// Where the members of user groups are read from: a platform's adapter gives its
    /// directory here at start-up.
    pub fn group_members(&self) -> &GroupMembers {
        &self.groups
    }

    pub fn runbook(&self) -> &Runbook {
        &self.runbook
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Runs a command given by clicking a message's button, like [`Engine::handle`], and says in
    /// the reply which message is the incident's checklist card
    /// ([`Reply::checklist_card`]), so the adapter can tell a click on the card from a click on
    /// another message that carries the same buttons.
    pub async fn handle_click(
        &self,
        who: &Invocation,
        command: Command,
    ) -> Result<Reply, EngineError> {
        let mut reply = self.handle(who, command).await?;
        reply.checklist_card = self.checklist_card_of(&reply).await;
        Ok(reply)
    }

    /// Runs one command, if `who` may run it here (`gate`). User mistakes come back as a
    /// refusal reply; only internal failures are errors. A command that changes incidents, and
    /// any refused by the gate, is recorded in the audit log (`audit`).
    pub async fn handle(&self, who: &Invocation, command: Command) -> Result<Reply, EngineError> {
        let span = tracing::info_span!(
            "command",
            channel = %who.channel.channel,
            user = %who.person.name,
            command = %command
        );
        async {
            if let Some(refusal) = self.refusal(who, &command).await? {
                tracing::info!(why = %refusal.why, "refused before it ran");
                let mut record =
                    self.audit_record(who, &command, AuditOutcome::Refused { why: refusal.why });
                record.incident = refusal.incident;
                self.store.record_audit(&record).await?;
                return Ok(Reply::with(refusal.message));
            }
            match command.only_reads() {
                true => cmd::handle(self, who, command).await,
                false => self.run_audited(who, command).await,
            }
        }
        .instrument(span)
        .await
    }
}
