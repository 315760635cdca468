//! The engine as the console and the chat adapters drive it: real runbook, real store, real
//! scheduler, with a simulated clock so 15-minute cadences run instantly.

use std::sync::Arc;

use chrono::{DateTime, Duration};
use incident_bot::clock::SimulatedClock;
use incident_bot::engine::{Engine, EngineConfig, Invocation};
use incident_bot::incident::{ChannelKey, IncidentId, Person};
use incident_bot::instant::UnixMillis;
use incident_bot::notify::{Message, MessageKind};
use incident_bot::platform::Platform;
use incident_bot::runbook::Runbook;
use incident_bot::store::Store;

use crate::fixtures::shared_runbook;
use crate::test_db::TestDb;

/// 2026-11-25 03:04:00 UTC, when every test incident starts.
pub const START_MS: i64 = 1_795_575_840_000;
pub const MINUTE_MS: i64 = 60_000;

pub fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Console,
        workspace: "local".into(),
        channel: "incidents".into(),
    }
}

pub struct TestBot {
    pub engine: Engine,
    pub clock: SimulatedClock,
    pub db: TestDb,
    runbook: Arc<Runbook>,
}

async fn engine(store: Store, runbook: Arc<Runbook>, clock: &SimulatedClock) -> Engine {
    let config = EngineConfig::defaults_for(&runbook);
    Engine::start(store, runbook, Arc::new(clock.clone()), config)
        .await
        .expect("start the engine")
}

/// `env` as `EngineConfig::from_lookup` reads the environment.
fn config_from(runbook: &Runbook, env: &[(&str, &str)]) -> EngineConfig {
    EngineConfig::from_lookup(runbook, |name| {
        env.iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value.to_string())
    })
    .expect("valid settings")
}

impl TestBot {
    pub async fn on(db: TestDb) -> TestBot {
        TestBot::with_env(db, &[]).await
    }

    /// A bot with settings (`ROLE_MENTIONS`, `STALE_AFTER`…) as the environment gives them.
    pub async fn with_env(db: TestDb, env: &[(&str, &str)]) -> TestBot {
        TestBot::start(db, shared_runbook(), env).await
    }

    /// A bot that runs another runbook than the user's.
    pub async fn with_runbook(db: TestDb, runbook: Runbook) -> TestBot {
        TestBot::start(db, runbook, &[]).await
    }

    /// A bot that runs another runbook than the user's, with settings as `with_env`.
    pub async fn with_runbook_and_env(
        db: TestDb,
        runbook: Runbook,
        env: &[(&str, &str)],
    ) -> TestBot {
        TestBot::start(db, runbook, env).await
    }

    async fn start(db: TestDb, runbook: Runbook, env: &[(&str, &str)]) -> TestBot {
        let clock = SimulatedClock::starting_at(
            DateTime::from_timestamp_millis(START_MS).unwrap_or_default(),
        );
        let runbook = Arc::new(runbook);
        let config = config_from(&runbook, env);
        let engine = Engine::start(
            db.store.clone(),
            runbook.clone(),
            Arc::new(clock.clone()),
            config,
        )
        .await
        .expect("start the engine");
        TestBot {
            engine,
            clock,
            db,
            runbook,
        }
    }

    /// A bot on a fresh SQLite file.
    pub async fn sqlite() -> TestBot {
        TestBot::on(TestDb::sqlite().await).await
    }

    /// A new engine on a fresh connection to the same database: a restarted bot.
    pub async fn restarted(self) -> TestBot {
        self.engine.store().close().await;
        let store = self.db.reopen().await;
        let engine = engine(store, self.runbook.clone(), &self.clock).await;
        TestBot {
            engine,
            clock: self.clock,
            db: self.db,
            runbook: self.runbook,
        }
    }

    /// A second engine on the same database and clock, as a second replica runs it (PostgreSQL
    /// only: a SQLite file has one writer).
    pub async fn replica(&self) -> Engine {
        engine(self.db.reopen().await, self.runbook.clone(), &self.clock).await
    }

    pub fn now_ms(&self) -> i64 {
        use incident_bot::clock::Clock;
        self.clock.now().timestamp_millis()
    }

    /// Types a command line as `who`; returns the reply only they see, if any.
    pub async fn say(&self, who: &str, line: &str) -> Option<Message> {
        say(&self.engine, who, line).await
    }

    /// Lets `minutes` pass, firing every timer at its own time.
    pub async fn advance(&self, minutes: i64) {
        self.engine
            .advance_clock(&self.clock, Duration::minutes(minutes))
            .await
            .expect("timers run");
    }

    /// The posts queued for the channel since the last call, with the minute after START they
    /// were made at; marks them sent.
    pub async fn posts(&self) -> Vec<(i64, Message)> {
        let store = self.engine.store();
        let pending = store
            .pending_posts(Platform::Console, UnixMillis::new(i64::MAX), 1000)
            .await
            .expect("outbox");
        let mut posts = Vec::new();
        for post in pending {
            store
                .mark_sent(post.id, UnixMillis::new(self.now_ms()), None)
                .await
                .expect("mark sent");
            let message: Message = serde_json::from_str(&post.body).expect("a message");
            posts.push((
                (post.created_at_ms.millis() - START_MS) / MINUTE_MS,
                message,
            ));
        }
        posts
    }

    /// The kinds of the posts since the last call, with their minute.
    pub async fn post_kinds(&self) -> Vec<(i64, MessageKind)> {
        self.posts()
            .await
            .into_iter()
            .map(|(minute, m)| (minute, m.kind))
            .collect()
    }

    /// How many events INC-`id` has.
    pub async fn event_count(&self, id: u64) -> usize {
        self.engine
            .store()
            .events(IncidentId::new(id))
            .await
            .expect("events")
            .len()
    }

    /// After two people typed `line` for the same step of INC-1 at once (`replies`, with
    /// `events_before` events recorded before): the step was confirmed once, one of them was
    /// told by whom, and the checklist card changed once.
    pub async fn assert_confirmed_once(
        &self,
        line: &str,
        events_before: usize,
        replies: [Option<Message>; 2],
    ) {
        assert_eq!(
            self.event_count(1).await,
            events_before + 1,
            "one confirmation recorded for `{line}`"
        );
        let refused: Vec<String> = replies
            .into_iter()
            .flatten()
            .map(|m| m.plain_text())
            .collect();
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(
            refused[0].contains("was already confirmed done by"),
            "{}",
            refused[0]
        );
        let checklists = self
            .posts()
            .await
            .into_iter()
            .filter(|(_, m)| m.kind == MessageKind::Checklist)
            .count();
        assert_eq!(
            checklists, 1,
            "the checklist card changed once for `{line}`"
        );
    }
}

/// Types a command line as `who` through `engine`; returns the reply only they see, if any.
pub async fn say(engine: &Engine, who: &str, line: &str) -> Option<Message> {
    let command = match commands::parse_line(line) {
        Ok(command) => command,
        Err(error) => return Some(Message::text(MessageKind::Error, None, error.to_string())),
    };
    let invocation = Invocation {
        channel: channel(),
        person: Person {
            id: format!("U-{who}"),
            name: who.to_string(),
        },
        roles: Vec::new(),
    };
    engine
        .handle(&invocation, command)
        .await
        .unwrap_or_else(|error| panic!("`{line}` failed inside: {error}"))
        .message
}
