//! The durable store, on both backends: every behaviour is written once as an async fn and run on
//! a fresh SQLite file (`on_sqlite::…`) and on a fresh PostgreSQL database (`on_postgres::…`).
//!
//! PostgreSQL tests never skip: they need the server of `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), create `incident_bot_t_<pid>_<n>_<nanos>` for
//! each test and drop it afterwards.

use std::path::PathBuf;

use incident_bot::incident::Person;
use incident_bot::platform::Platform;
use incident_bot::store::{
    AuditOutcome, AuditRecord, Backend, ChannelKey, Commit, IncidentId, NewEvent, NewPost,
    OutboxPost, Replaces, Store, StoreError, Timer, TimerKind, UnixMillis,
};

use sqlx::Executor;

use crate::test_db::{chain, unique_suffix, with_database, TestDb};

const MINUTE: i64 = 60_000;
/// 2026-11-01T00:00:00Z, an arbitrary "now" for the tests.
const T0: UnixMillis = UnixMillis::new(1_793_491_200_000);

on_both_backends! {
    create_then_read_back(db) => creating_and_reading_back(&db.store);
    concurrent_commits_at_one_version_one_wins(db) => racing_commits(&db.store, &db.store);
    concurrent_creates_get_distinct_ids(db) => concurrent_creates(&db.store);
    a_failing_commit_writes_nothing(db) => failing_commits(&db.store);
    open_incidents_by_channel(db) => listing_open_incidents(&db.store);
    timers_set_replace_delete_clear_and_come_due_in_order(db) => timers(&db.store);
    outbox_pending_failed_sent_replaced(db) => outbox(&db.store);
    user_text_round_trips_byte_for_byte(db) => user_text_round_trips(&db.store);
    a_reopened_store_sees_everything(db) => async {
        let expected = write_a_bit_of_everything(&db.store).await;
        // Alongside the first (another process reading)…
        let alongside = db.reopen_read_only().await;
        assert_eq!(read_everything(&alongside).await, expected);
        // …and after every connection was closed (a restart).
        db.store.close().await;
        alongside.close().await;
        let restarted = db.reopen().await;
        assert_eq!(read_everything(&restarted).await, expected);
        restarted.close().await;
    };
    a_real_clock_is_remembered_from_its_first_write(db) => async {
        assert_eq!(db.store.real_clock_since().await.unwrap(), None);
        db.store.mark_real_clock(T0).await.unwrap();
        db.store.mark_real_clock(UnixMillis::new(T0.millis() + 5 * MINUTE)).await.unwrap();
        db.store.close().await;
        let restarted = db.reopen().await;
        assert_eq!(restarted.real_clock_since().await.unwrap(), Some(T0));
        restarted.close().await;
    };
    signatures_of_requests_are_kept_across_a_restart_until_they_expire(db) => async {
        let (soon, later) = (UnixMillis::new(T0.millis() + MINUTE), UnixMillis::new(T0.millis() + 5 * MINUTE));
        assert!(db.store.record_request("v0=aa", later).await.unwrap());
        assert!(db.store.record_request("v0=bb", soon).await.unwrap());
        // Shared by replicas, PostgreSQL refuses the second; SQLite's one writer remembers itself.
        let again = db.store.record_request("v0=aa", later).await.unwrap();
        assert_eq!(again, db.store.backend() == Backend::Sqlite);
        db.store.close().await;
        let restarted = db.reopen().await;
        let seen = |store: Store| async move {
            let mut seen: Vec<(String, i64)> = store.recent_requests(T0).await.unwrap().into_iter()
                .map(|seen| (seen.signature, seen.expires_at.millis()))
                .collect();
            seen.sort();
            seen
        };
        assert_eq!(
            seen(restarted.clone()).await,
            [("v0=aa".to_string(), later.millis()), ("v0=bb".to_string(), soon.millis())]
        );
        restarted.forget_expired_requests(UnixMillis::new(T0.millis() + 2 * MINUTE)).await.unwrap();
        assert_eq!(seen(restarted.clone()).await, [("v0=aa".to_string(), later.millis())]);
        restarted.close().await;
    };
    ten_thousand_open_incidents_with_timers(db) => ten_thousand_open_incidents(&db.store);
    many_writers_at_once_each_get_their_own_outcome(db) => many_writers_at_once(&db.store);
    a_read_only_store_reads_everything_and_writes_nothing(db) => async {
        let expected = write_a_bit_of_everything(&db.store).await;
        let reader = db.reopen_read_only().await;
        assert!(!reader.is_sole_writer());
        let refused = reader
            .create_incident(&incidents_channel(), T0, &Commit::default(), T0)
            .await
            .unwrap_err();
        assert!(matches!(refused, StoreError::ReadOnly), "{refused:?}");
        let refused = reader.commit(IncidentId::new(1), 1, &Commit::default(), T0).await.unwrap_err();
        assert!(matches!(refused, StoreError::ReadOnly), "{refused:?}");
        assert_eq!(read_everything(&reader).await, expected);
        reader.close().await;
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commits_from_two_replicas_one_wins() {
    let db = TestDb::postgres().await;
    assert!(!db.store.is_sole_writer());
    let replica = db.reopen().await;
    racing_commits(&db.store, &replica).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_has_one_writer_and_a_second_is_told_who_until_the_first_closes() {
    let db = TestDb::sqlite().await;
    assert!(db.store.is_sole_writer());
    let refused = Store::connect(&db.url).await.unwrap_err();
    assert!(matches!(refused, StoreError::InUse { .. }), "{refused:?}");
    let text = refused.to_string();
    assert!(
        text.contains("store.db is in use by another incident-bot (pid ")
            && text.contains("stop that one first"),
        "{text}"
    );
    db.store.close().await;
    let next = db.reopen().await;
    assert!(next.is_sole_writer());
    next.close().await;
}

// ---------------------------------------------------------------------------------------------
// Builders

fn channel(platform: Platform, workspace: &str, channel: &str) -> ChannelKey {
    ChannelKey {
        platform,
        workspace: workspace.to_owned(),
        channel: channel.to_owned(),
    }
}

fn incidents_channel() -> ChannelKey {
    channel(Platform::Slack, "T0001", "C0INCIDENTS")
}

fn event(at_ms: UnixMillis, actor: &str, kind: &str, data: &str) -> NewEvent {
    NewEvent {
        at_ms,
        actor: actor.to_owned(),
        kind: kind.to_owned(),
        data: data.to_owned(),
    }
}

fn post(kind: &str, body: &str) -> NewPost {
    NewPost {
        channel: incidents_channel(),
        kind: kind.to_owned(),
        body: body.to_owned(),
        replaces: None,
    }
}

fn opened(state: &str) -> Commit {
    Commit {
        events: vec![event(T0, "U_ALICE", "opened", r#"{"severity":"critical"}"#)],
        state: state.to_owned(),
        is_open: true,
        ..Commit::default()
    }
}

fn ids(incidents: &[incident_bot::store::StoredIncident]) -> Vec<IncidentId> {
    incidents.iter().map(|i| i.id).collect()
}

fn timer(incident_id: IncidentId, kind: TimerKind, due_at_ms: UnixMillis) -> Timer {
    Timer {
        incident_id,
        kind,
        due_at_ms,
    }
}

/// A timer each of two racing committers sets, to tell whose commit was written.
fn whose_timer(who: &str) -> TimerKind {
    TimerKind::FollowUp(if who == "alice" { 0 } else { 1 })
}

async fn all_pending(store: &Store) -> Vec<OutboxPost> {
    store
        .pending_posts(Platform::Slack, UnixMillis::new(i64::MAX), 1000)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Behaviours

/// Commits that arrive together (written as one group on SQLite) each keep their own outcome:
/// twenty commits on twenty incidents all land, and of two commits at the same version of one
/// incident exactly one does, without failing the others.
async fn many_writers_at_once(store: &Store) {
    let chan = incidents_channel();
    let mut incidents = Vec::new();
    for n in 0..20 {
        let id = store
            .create_incident(&chan, T0, &opened(&format!(r#"{{"n":{n}}}"#)), T0)
            .await
            .unwrap();
        incidents.push(id);
    }
    let mut writers = tokio::task::JoinSet::new();
    let contested = incidents[0];
    for (writer, id) in incidents.iter().copied().chain([contested]).enumerate() {
        let store = store.clone();
        writers.spawn(async move {
            let commit = Commit {
                events: vec![event(T0, "U_BOB", "noted", &format!("writer {writer}"))],
                state: format!(r#"{{"writer":{writer}}}"#),
                is_open: true,
                posts: vec![post("note", &format!("from writer {writer}"))],
                ..Commit::default()
            };
            (id, store.commit(id, 1, &commit, T0 + MINUTE).await)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = writers.join_next().await {
        outcomes.push(joined.unwrap());
    }
    let won = |id: IncidentId| {
        outcomes
            .iter()
            .filter(|(i, r)| *i == id && r.is_ok())
            .count()
    };
    for id in &incidents {
        assert_eq!(won(*id), 1, "{id}: {outcomes:?}");
        assert_eq!(store.events(*id).await.unwrap().len(), 2);
    }
    let lost: Vec<_> = outcomes.iter().filter(|(_, r)| r.is_err()).collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert!(matches!(lost[0], (id, Err(StoreError::Conflict { .. })) if *id == contested));
    assert_eq!(
        all_pending(store).await.len(),
        20,
        "one post per winning commit"
    );
}

async fn creating_and_reading_back(store: &Store) {
    let chan = incidents_channel();
    let commit = Commit {
        audit: None,
        events: vec![
            event(
                T0,
                "U_ALICE",
                "opened",
                r#"{"severity":"critical","scenario":"db-loss"}"#,
            ),
            event(T0 + 1, "bot", "step-shown", r#"{"step":1}"#),
        ],
        state: r#"{"step":1,"of":9}"#.to_owned(),
        is_open: true,
        timers: vec![(TimerKind::Update, Some(T0 + 15 * MINUTE))],
        clear_all_timers: false,
        posts: vec![post(
            "incident-opened",
            r#"{"text":"INCIDENT: database lost"}"#,
        )],
        alerts: Vec::new(),
    };
    let id = store
        .create_incident(&chan, T0, &commit, T0 + 2)
        .await
        .unwrap();
    assert_eq!(id, IncidentId::new(1));

    let incident = store
        .incident(IncidentId::new(1))
        .await
        .unwrap()
        .expect("INC-1 exists");
    assert_eq!(incident.id, IncidentId::new(1));
    assert_eq!(incident.channel, chan);
    assert!(incident.is_open);
    assert_eq!(incident.version, 2);
    assert_eq!(incident.opened_at_ms, T0);
    assert_eq!(incident.state, r#"{"step":1,"of":9}"#);

    let events = store.events(IncidentId::new(1)).await.unwrap();
    assert_eq!(events.len(), 2);
    for (event, (seq, new)) in events.iter().zip((1..).zip(&commit.events)) {
        assert_eq!(event.incident_id, IncidentId::new(1));
        assert_eq!(event.seq, seq);
        assert_eq!(
            (event.at_ms, &event.actor, &event.kind, &event.data),
            (new.at_ms, &new.actor, &new.kind, &new.data)
        );
    }
    assert_eq!(
        store.timers(IncidentId::new(1)).await.unwrap(),
        vec![timer(
            IncidentId::new(1),
            TimerKind::Update,
            T0 + 15 * MINUTE
        )]
    );
    let posts = all_pending(store).await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].incident_id, Some(IncidentId::new(1)));
    assert_eq!(posts[0].channel, chan);
    assert_eq!(posts[0].kind, "incident-opened");
    assert_eq!(posts[0].body, r#"{"text":"INCIDENT: database lost"}"#);
    assert_eq!(posts[0].attempts, 0);
    assert_eq!(
        (posts[0].replaces, &posts[0].replaces_message_ref),
        (None, &None)
    );

    // Ids go on 2, 3…, whatever the channel; the id can be part of what is written.
    let other = channel(Platform::Discord, "G42", "incidents");
    assert_eq!(
        store
            .create_incident(&other, T0, &opened("{}"), T0)
            .await
            .unwrap(),
        IncidentId::new(2)
    );
    let mut offered = Vec::new();
    let id = store
        .create_incident_with(&chan, T0, T0, |id| {
            offered.push(id);
            Ok::<_, String>(Commit {
                posts: vec![post("incident-opened", &format!("{id} opened"))],
                ..opened(&format!(r#"{{"id":{}}}"#, id.number()))
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (id, offered),
        (IncidentId::new(3), vec![IncidentId::new(3)])
    );
    assert_eq!(
        store
            .incident(IncidentId::new(3))
            .await
            .unwrap()
            .unwrap()
            .state,
        r#"{"id":3}"#
    );
    assert!(all_pending(store)
        .await
        .iter()
        .any(|p| p.body == "INC-3 opened"));

    // Appending continues the numbering.
    let step = Commit {
        events: vec![event(
            T0 + 5 * MINUTE,
            "U_BOB",
            "step-done",
            r#"{"step":1}"#,
        )],
        state: r#"{"step":2,"of":9}"#.to_owned(),
        is_open: true,
        ..Commit::default()
    };
    store
        .commit(IncidentId::new(1), 2, &step, T0 + 5 * MINUTE)
        .await
        .unwrap();
    let incident = store.incident(IncidentId::new(1)).await.unwrap().unwrap();
    assert_eq!(
        (incident.version, incident.state.as_str()),
        (3, r#"{"step":2,"of":9}"#)
    );
    let seqs: Vec<u64> = store
        .events(IncidentId::new(1))
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(
        store.events(IncidentId::new(1)).await.unwrap()[2].actor,
        "U_BOB"
    );

    // What does not exist reads as nothing, and cannot be committed to.
    assert_eq!(store.incident(IncidentId::new(999)).await.unwrap(), None);
    assert_eq!(
        store.incident(IncidentId::new(u64::MAX)).await.unwrap(),
        None
    );
    assert!(store.events(IncidentId::new(999)).await.unwrap().is_empty());
    assert!(store.timers(IncidentId::new(999)).await.unwrap().is_empty());
    assert!(matches!(
        store.commit(IncidentId::new(999), 0, &step, T0).await,
        Err(StoreError::NotFound(id)) if id == IncidentId::new(999)
    ));
    assert!(matches!(
        store.commit(IncidentId::new(u64::MAX), 0, &step, T0).await,
        Err(StoreError::NotFound(id)) if id == IncidentId::new(u64::MAX)
    ));
    store.ping().await.unwrap();
}

/// Two people confirm the same step at the same moment, through `a` and `b` (the same store, or
/// two replicas): exactly one commit wins each round, and nothing of the loser is written.
async fn racing_commits(a: &Store, b: &Store) {
    let id = a
        .create_incident(&incidents_channel(), T0, &opened("v1"), T0)
        .await
        .unwrap();
    let attempt = |who: &str, version: u64| Commit {
        audit: Some(AuditRecord {
            at: T0,
            channel: incidents_channel(),
            person: Person {
                id: who.to_owned(),
                name: who.to_owned(),
            },
            command: "/incident step done".to_owned(),
            incident: None,
            outcome: AuditOutcome::Done,
        }),
        events: vec![
            event(T0 + 1, who, "step-done", r#"{"step":1}"#),
            event(T0 + 1, "bot", "step-shown", r#"{"step":2}"#),
        ],
        state: format!("after {who} at v{version}"),
        is_open: true,
        timers: vec![(whose_timer(who), Some(T0 + MINUTE))],
        clear_all_timers: false,
        posts: vec![post("checklist", &format!("{who} confirmed"))],
        alerts: Vec::new(),
    };
    let mut version = 1;
    let mut winners = Vec::new();
    for round in 0..8 {
        let (alice, bob) = if round % 2 == 0 {
            ("alice", "bob")
        } else {
            ("bob", "alice")
        };
        let (commit_a, commit_b) = (attempt(alice, version), attempt(bob, version));
        let (store_a, store_b) = (a.clone(), b.clone());
        let task_a = tokio::spawn(async move { store_a.commit(id, version, &commit_a, T0).await });
        let task_b = tokio::spawn(async move { store_b.commit(id, version, &commit_b, T0).await });
        let results = [task_a.await.unwrap(), task_b.await.unwrap()];
        let winner = match results {
            [Ok(()), Err(StoreError::Conflict {
                incident_id,
                expected_version,
            })] => {
                assert_eq!((incident_id, expected_version), (id, version));
                alice
            }
            [Err(StoreError::Conflict {
                incident_id,
                expected_version,
            }), Ok(())] => {
                assert_eq!((incident_id, expected_version), (id, version));
                bob
            }
            other => panic!("round {round}: expected one Ok and one Conflict, got {other:?}"),
        };
        let loser = if winner == alice { bob } else { alice };
        winners.push(winner);

        let incident = a.incident(id).await.unwrap().unwrap();
        assert_eq!(incident.version, version + 2);
        assert_eq!(incident.state, format!("after {winner} at v{version}"));
        let events = a.events(id).await.unwrap();
        assert_eq!(events.len() as u64, version + 2);
        assert_eq!(events[version as usize].actor, winner);
        assert!(events.iter().all(|e| e.actor != loser || e.seq <= version));
        let timer_kinds: Vec<TimerKind> = a
            .timers(id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect();
        assert!(timer_kinds.contains(&whose_timer(winner)));
        let posts = all_pending(a).await;
        let last = posts.last().expect("the winner's post is queued");
        assert_eq!(last.body, format!("{winner} confirmed"));
        assert_eq!(
            posts.len(),
            round + 1,
            "one post per round, none from losers"
        );
        let audited: Vec<String> = a
            .audit_since(T0, 100)
            .await
            .unwrap()
            .into_iter()
            .inspect(|row| assert_eq!(row.incident, Some(id)))
            .map(|row| row.person.id)
            .collect();
        assert_eq!(
            audited, winners,
            "the audit row goes with its commit, or not at all"
        );

        // Clear the timers so the next round can tell whose timer was written.
        let tidy = Commit {
            events: vec![event(T0 + 2, "bot", "tidy", "{}")],
            state: incident.state.clone(),
            is_open: true,
            clear_all_timers: true,
            ..Commit::default()
        };
        a.commit(id, version + 2, &tidy, T0).await.unwrap();
        version += 3;
    }
    // A stale version is a conflict however late it comes, and writes nothing.
    assert!(matches!(
        b.commit(id, 1, &attempt("carol", 1), T0).await,
        Err(StoreError::Conflict {
            expected_version: 1,
            ..
        })
    ));
    assert!(matches!(
        b.commit(id, u64::MAX, &attempt("carol", 1), T0).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(a.incident(id).await.unwrap().unwrap().version, version);
    assert!(a
        .events(id)
        .await
        .unwrap()
        .iter()
        .all(|e| e.actor != "carol"));
    assert!(all_pending(a)
        .await
        .iter()
        .all(|p| p.body != "carol confirmed"));
    // Which of the two wins is up to the scheduler, so the count of wins is deliberately not
    // asserted (it would be a timing assertion); but the timeline holds exactly one confirmation
    // per round, the winner's, in the order of the rounds.
    assert_eq!(winners.len(), 8);
    let confirmed: Vec<String> = a
        .events(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "step-done")
        .map(|e| e.actor)
        .collect();
    assert_eq!(confirmed, winners);
}

/// Several tasks (on PostgreSQL: several connections at once) open incidents: every id from 1 up
/// is used once.
async fn concurrent_creates(store: &Store) {
    let mut tasks = Vec::new();
    for task in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..5 {
                let chan = channel(Platform::Slack, "T0001", &format!("C{task}"));
                let commit = Commit {
                    posts: vec![post(
                        "incident-opened",
                        &format!("task {task} incident {n}"),
                    )],
                    ..opened(&format!("task {task} incident {n}"))
                };
                ids.push(store.create_incident(&chan, T0, &commit, T0).await.unwrap());
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (1..=30).map(IncidentId::new).collect::<Vec<_>>());
    let open = store.all_open_incidents().await.unwrap();
    assert_eq!(
        ids(&open),
        (1..=30).map(IncidentId::new).collect::<Vec<_>>()
    );
    for incident in &open {
        assert_eq!(incident.version, 1);
        assert_eq!(store.events(incident.id).await.unwrap().len(), 1);
    }
    assert_eq!(all_pending(store).await.len(), 30);
}

async fn failing_commits(store: &Store) {
    let chan = incidents_channel();
    let first = Commit {
        timers: vec![(TimerKind::Update, Some(T0 + 15 * MINUTE))],
        posts: vec![post("incident-opened", "opened")],
        ..opened("s1")
    };
    let id = store.create_incident(&chan, T0, &first, T0).await.unwrap();
    let sent = all_pending(store).await[0].id;
    store.mark_sent(sent, T0 + 1, Some("1.000")).await.unwrap();

    // Everything a resolve writes, but its last post edits a message that does not exist: the
    // database refuses that row, so the whole commit is rolled back.
    let doomed = Commit {
        audit: None,
        events: vec![event(
            T0 + MINUTE,
            "U_ALICE",
            "resolved",
            r#"{"root_cause":"disk"}"#,
        )],
        state: "s2".to_owned(),
        is_open: false,
        timers: vec![
            (TimerKind::Update, None),
            (TimerKind::FollowUp(0), Some(T0 + 24 * 60 * MINUTE)),
        ],
        clear_all_timers: true,
        posts: vec![
            post("resolved", "RESOLVED"),
            NewPost {
                replaces: Some(Replaces::Post(987_654)),
                ..post("checklist", "final checklist")
            },
        ],
        alerts: Vec::new(),
    };
    let err = store.commit(id, 1, &doomed, T0 + MINUTE).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");

    let unchanged = |store: &Store| {
        let store = store.clone();
        async move {
            let incident = store.incident(id).await.unwrap().unwrap();
            assert_eq!(
                (incident.version, incident.state.as_str(), incident.is_open),
                (1, "s1", true)
            );
            assert_eq!(store.events(id).await.unwrap().len(), 1);
            assert_eq!(
                store.timers(id).await.unwrap(),
                vec![timer(id, TimerKind::Update, T0 + 15 * MINUTE)]
            );
            assert!(all_pending(&store).await.is_empty());
            assert_eq!(
                ids(&store.open_incidents(&incidents_channel()).await.unwrap()),
                vec![id]
            );
        }
    };
    unchanged(store).await;

    // Text the databases cannot store is refused up front, on both backends alike.
    let nul = Commit {
        events: vec![event(T0, "U_ALICE", "note", "before\0after")],
        ..doomed.clone()
    };
    let err = store.commit(id, 1, &nul, T0 + MINUTE).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NulInText {
                field: "an event's data"
            }
        ),
        "{err:?}"
    );
    unchanged(store).await;

    // A failed creation leaves no incident behind, and its id is not burnt.
    let doomed_create = Commit {
        posts: doomed.posts.clone(),
        ..opened("never")
    };
    assert!(matches!(
        store.create_incident(&chan, T0, &doomed_create, T0).await,
        Err(StoreError::Database(_))
    ));
    assert_eq!(
        store
            .incident(IncidentId::new(id.number() + 1))
            .await
            .unwrap(),
        None
    );
    unchanged(store).await;

    // The version did not move: the same resolve, without the bad post, commits at version 1.
    let resolve = Commit {
        posts: vec![post("resolved", "RESOLVED")],
        ..doomed
    };
    store.commit(id, 1, &resolve, T0 + MINUTE).await.unwrap();
    let incident = store.incident(id).await.unwrap().unwrap();
    assert_eq!((incident.version, incident.is_open), (2, false));
    assert_eq!(
        store.timers(id).await.unwrap(),
        vec![timer(id, TimerKind::FollowUp(0), T0 + 24 * 60 * MINUTE)]
    );
    assert_eq!(
        store
            .create_incident(&chan, T0, &opened("next"), T0)
            .await
            .unwrap(),
        IncidentId::new(id.number() + 1)
    );
}

async fn listing_open_incidents(store: &Store) {
    let here = channel(Platform::Slack, "T1", "C1");
    let lookalikes = [
        channel(Platform::Slack, "T1", "C2"),   // another channel
        channel(Platform::Discord, "T1", "C1"), // same ids, another platform
        channel(Platform::Slack, "T2", "C1"),   // same channel id, another workspace
    ];
    let mut expected_here = Vec::new();
    let mut expected_all = Vec::new();
    for round in 0..3 {
        let id = store
            .create_incident(&here, T0, &opened("here"), T0)
            .await
            .unwrap();
        expected_here.push(id);
        expected_all.push(id);
        for other in &lookalikes {
            let id = store
                .create_incident(other, T0, &opened("elsewhere"), T0)
                .await
                .unwrap();
            expected_all.push(id);
        }
        // One born closed (a drill recorded after the fact, say): never listed as open.
        let closed = Commit {
            is_open: false,
            ..opened(&format!("closed {round}"))
        };
        store.create_incident(&here, T0, &closed, T0).await.unwrap();
    }
    assert_eq!(
        ids(&store.open_incidents(&here).await.unwrap()),
        expected_here
    );
    assert_eq!(
        ids(&store.all_open_incidents().await.unwrap()),
        expected_all
    );
    for other in &lookalikes {
        let open = store.open_incidents(other).await.unwrap();
        assert_eq!(open.len(), 3);
        assert!(open.iter().all(|i| &i.channel == other && i.is_open));
    }
    assert!(store
        .open_incidents(&channel(Platform::Slack, "T1", "C3"))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .open_incidents(&channel(Platform::Slack, "T1", "C\0 1"))
        .await
        .unwrap()
        .is_empty());

    // Resolving the middle one takes it out of both lists; reopening brings it back.
    let middle = expected_here[1];
    let resolve = |open: bool| Commit {
        events: vec![event(
            T0,
            "U_ALICE",
            if open { "reopened" } else { "resolved" },
            "{}",
        )],
        state: "resolved".to_owned(),
        is_open: open,
        clear_all_timers: true,
        ..Commit::default()
    };
    store.commit(middle, 1, &resolve(false), T0).await.unwrap();
    let open_here = store.open_incidents(&here).await.unwrap();
    assert_eq!(ids(&open_here), vec![expected_here[0], expected_here[2]]);
    assert!(!ids(&store.all_open_incidents().await.unwrap()).contains(&middle));
    let closed = store.incident(middle).await.unwrap().unwrap();
    assert!(!closed.is_open);
    store.commit(middle, 2, &resolve(true), T0).await.unwrap();
    assert_eq!(
        ids(&store.open_incidents(&here).await.unwrap()),
        expected_here
    );
}

async fn timers(store: &Store) {
    let chan = incidents_channel();
    let set = |timers: &[(TimerKind, Option<UnixMillis>)]| timers.to_vec();
    let with_timers = |timers: Vec<(TimerKind, Option<UnixMillis>)>, clear: bool| Commit {
        audit: None,
        events: vec![event(T0, "bot", "timers", "{}")],
        state: "{}".to_owned(),
        is_open: true,
        timers,
        clear_all_timers: clear,
        posts: vec![],
        alerts: Vec::new(),
    };
    let one = store
        .create_incident(
            &chan,
            T0,
            &with_timers(
                set(&[
                    (TimerKind::Update, Some(T0 + 1000)),
                    (TimerKind::Rto, Some(T0 + 5000)),
                ]),
                false,
            ),
            T0,
        )
        .await
        .unwrap();
    let two = store
        .create_incident(
            &chan,
            T0,
            &with_timers(
                set(&[
                    (TimerKind::Update, Some(T0 + 500)),
                    (TimerKind::Nudge, Some(T0 + 3000)),
                ]),
                false,
            ),
            T0,
        )
        .await
        .unwrap();
    let mut version = 1;

    // Replace one, set one, delete one (and deleting what is not there is fine).
    store
        .commit(
            one,
            version,
            &with_timers(
                set(&[
                    (TimerKind::Update, Some(T0 + 2000)),
                    (TimerKind::Nudge, Some(T0 + 1500)),
                    (TimerKind::Rto, None),
                    (TimerKind::FollowUp(7), None),
                ]),
                false,
            ),
            T0,
        )
        .await
        .unwrap();
    version += 1;
    assert_eq!(
        store.timers(one).await.unwrap(),
        vec![
            timer(one, TimerKind::Nudge, T0 + 1500),
            timer(one, TimerKind::Update, T0 + 2000)
        ]
    );
    // Later entries win within one commit.
    store
        .commit(
            one,
            version,
            &with_timers(
                set(&[
                    (TimerKind::FollowUp(0), Some(T0 + 9000)),
                    (TimerKind::FollowUp(0), Some(T0 + 3000)),
                ]),
                false,
            ),
            T0,
        )
        .await
        .unwrap();
    version += 1;

    // Due ones only, earliest first; ties by incident then name.
    assert!(store.due_timers(T0 + 499, 100).await.unwrap().is_empty());
    assert_eq!(
        store.due_timers(T0 + 1999, 100).await.unwrap(),
        vec![
            timer(two, TimerKind::Update, T0 + 500),
            timer(one, TimerKind::Nudge, T0 + 1500)
        ]
    );
    assert_eq!(
        store.due_timers(T0 + 2000, 100).await.unwrap(),
        vec![
            timer(two, TimerKind::Update, T0 + 500),
            timer(one, TimerKind::Nudge, T0 + 1500),
            timer(one, TimerKind::Update, T0 + 2000),
        ]
    );
    let all_due = vec![
        timer(two, TimerKind::Update, T0 + 500),
        timer(one, TimerKind::Nudge, T0 + 1500),
        timer(one, TimerKind::Update, T0 + 2000),
        timer(one, TimerKind::FollowUp(0), T0 + 3000),
        timer(two, TimerKind::Nudge, T0 + 3000),
    ];
    assert_eq!(store.due_timers(T0 + 3000, 100).await.unwrap(), all_due);
    assert_eq!(
        store
            .due_timers(UnixMillis::new(i64::MAX), 100)
            .await
            .unwrap(),
        all_due
    );
    assert_eq!(
        store.due_timers(T0 + 3000, 2).await.unwrap(),
        all_due[..2].to_vec()
    );
    assert!(store.due_timers(T0 + 3000, 0).await.unwrap().is_empty());

    // Resolve: clear everything, then schedule the follow-ups, in one commit.
    let resolve = Commit {
        is_open: false,
        ..with_timers(
            set(&[(TimerKind::FollowUp(0), Some(T0 + 86_400_000))]),
            true,
        )
    };
    store.commit(one, version, &resolve, T0).await.unwrap();
    assert_eq!(
        store.timers(one).await.unwrap(),
        vec![timer(one, TimerKind::FollowUp(0), T0 + 86_400_000)]
    );
    assert_eq!(
        store.timers(two).await.unwrap(),
        vec![
            timer(two, TimerKind::Nudge, T0 + 3000),
            timer(two, TimerKind::Update, T0 + 500)
        ]
    );
    assert_eq!(
        store.due_timers(T0 + 86_400_000, 100).await.unwrap(),
        vec![
            timer(two, TimerKind::Update, T0 + 500),
            timer(two, TimerKind::Nudge, T0 + 3000),
            timer(one, TimerKind::FollowUp(0), T0 + 86_400_000),
        ]
    );

    // A name the bot never writes (a hand-edited database) is not guessed at: the timer is
    // removed, and the timers the bot can fire are still listed.
    sqlx::query("INSERT INTO timers (incident_id, name, due_at_ms) VALUES ($1, 'rto-50', $2)")
        .bind(i64::try_from(two.number()).unwrap())
        .bind(T0.millis())
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(
        store.due_timers(T0 + 500, 100).await.unwrap(),
        vec![timer(two, TimerKind::Update, T0 + 500)]
    );
    assert_eq!(
        store.timers(two).await.unwrap(),
        vec![
            timer(two, TimerKind::Nudge, T0 + 3000),
            timer(two, TimerKind::Update, T0 + 500)
        ]
    );
}

async fn outbox(store: &Store) {
    let now = T0;
    let commit = Commit {
        posts: vec![
            post("incident-opened", "INCIDENT"),
            post("checklist", "step 1/9"),
        ],
        ..opened("{}")
    };
    let id = store
        .create_incident(&incidents_channel(), now, &commit, now)
        .await
        .unwrap();
    assert!(store
        .pending_posts(Platform::Slack, now - 1, 10)
        .await
        .unwrap()
        .is_empty());
    let pending = store.pending_posts(Platform::Slack, now, 10).await.unwrap();
    let kinds: Vec<&str> = pending.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["incident-opened", "checklist"]);
    let (opened_post, checklist) = (pending[0].clone(), pending[1].clone());
    assert!(opened_post.id < checklist.id);
    assert!(pending
        .iter()
        .all(|p| p.incident_id == Some(id) && p.attempts == 0));
    assert_eq!(
        store.pending_posts(Platform::Slack, now, 1).await.unwrap(),
        vec![opened_post.clone()]
    );

    // Rate limited: one more attempt, and not pending again until it is due.
    let retry_at = now + 5000;
    store
        .mark_failed(
            opened_post.id,
            retry_at,
            "HTTP 429 Too Many Requests; Retry-After: 5",
        )
        .await
        .unwrap();
    assert_eq!(
        store.pending_posts(Platform::Slack, now, 10).await.unwrap(),
        vec![checklist.clone()]
    );
    assert_eq!(
        store
            .pending_posts(Platform::Slack, retry_at - 1, 10)
            .await
            .unwrap(),
        vec![checklist.clone()]
    );
    let due_again = store
        .pending_posts(Platform::Slack, retry_at, 10)
        .await
        .unwrap();
    assert_eq!(ids_of(&due_again), vec![checklist.id, opened_post.id]);
    assert_eq!(due_again[1].attempts, 1);
    store
        .mark_failed(opened_post.id, retry_at, &"x".repeat(100_000))
        .await
        .unwrap();
    assert_eq!(
        store
            .pending_posts(Platform::Slack, retry_at, 10)
            .await
            .unwrap()[1]
            .attempts,
        2
    );

    // Sent: no longer pending; its reference is what a later edit of it is given.
    store
        .mark_sent(opened_post.id, retry_at + 10, Some("1793491205.000100"))
        .await
        .unwrap();
    assert_eq!(all_pending(store).await, vec![checklist.clone()]);
    let edits = Commit {
        events: vec![event(now + MINUTE, "bot", "checklist-updated", "{}")],
        state: "{}".to_owned(),
        is_open: true,
        posts: vec![
            NewPost {
                replaces: Some(Replaces::Post(opened_post.id)),
                ..post("incident-opened", "INCIDENT (updated)")
            },
            NewPost {
                replaces: Some(Replaces::Post(checklist.id)),
                ..post("checklist", "step 2/9")
            },
        ],
        ..Commit::default()
    };
    store.commit(id, 1, &edits, now + MINUTE).await.unwrap();
    let pending = all_pending(store).await;
    assert_eq!(pending.len(), 3);
    assert_eq!(pending[0], checklist);
    assert_eq!(
        (
            pending[1].replaces,
            pending[1].replaces_message_ref.as_deref()
        ),
        (Some(opened_post.id), Some("1793491205.000100"))
    );
    // The checklist it edits has not been sent yet: no reference to edit (yet).
    assert_eq!(
        (
            pending[2].replaces,
            pending[2].replaces_message_ref.as_deref()
        ),
        (Some(checklist.id), None)
    );

    // A post without a message reference (console) is sent all the same.
    store.mark_sent(checklist.id, retry_at, None).await.unwrap();
    assert!(all_pending(store)
        .await
        .iter()
        .all(|p| p.id != checklist.id));
    assert_eq!(all_pending(store).await[1].replaces_message_ref, None);

    // Reports that come late change nothing: the first record of a sent post stands.
    store
        .mark_sent(opened_post.id, retry_at + 99, Some("other"))
        .await
        .unwrap();
    store
        .mark_failed(opened_post.id, retry_at + 99, "late failure")
        .await
        .unwrap();
    let pending = all_pending(store).await;
    assert_eq!(pending.len(), 2);
    assert_eq!(
        pending[0].replaces_message_ref.as_deref(),
        Some("1793491205.000100")
    );

    assert!(matches!(
        store.mark_sent(987_654, now, Some("x")).await,
        Err(StoreError::PostNotFound(987_654))
    ));
    assert!(matches!(
        store.mark_failed(987_654, now, "x").await,
        Err(StoreError::PostNotFound(987_654))
    ));
    assert!(matches!(
        store.mark_sent(pending[0].id, now, Some("a\0b")).await,
        Err(StoreError::NulInText { .. })
    ));
    for post in &pending {
        store
            .mark_sent(post.id, now + 2 * MINUTE, Some("ts"))
            .await
            .unwrap();
    }
    assert!(all_pending(store).await.is_empty());
}

fn ids_of(posts: &[OutboxPost]) -> Vec<u64> {
    posts.iter().map(|p| p.id).collect()
}

/// Text people type (and text meant to break SQL) comes back exactly as it went in.
async fn user_text_round_trips(store: &Store) {
    let nasty = [
        "'; DROP TABLE incidents; --",
        "Robert'); DROP TABLE events;--",
        r#"O'Brien said "it's down" \ back\slash \' \" `tick`"#,
        "$1 $2 ? ?1 :name @p %s %% {} {{}}",
        "Ünïcødé — 数据库丢失 — مرحبا — עברית — ﷽ — e\u{301}",
        "🔥🚒 👩🏽‍💻 🇺🇦 🏳️‍🌈",
        "line 1\nline 2\r\n\ttabbed \u{7f} \u{200b}zero-width \u{fffd}",
        "<!channel> <!everyone> @here *bold* _it_ ~strike~ `code` ```block```",
        "",
    ];
    let texts = nasty;
    for (n, text) in texts.iter().enumerate() {
        let chan = channel(Platform::Slack, text, &format!("{text}#{n}"));
        let commit = Commit {
            audit: None,
            events: vec![event(T0, text, text, text)],
            state: (*text).to_owned(),
            is_open: true,
            timers: vec![(TimerKind::Update, Some(T0))],
            clear_all_timers: false,
            posts: vec![NewPost {
                channel: chan.clone(),
                kind: (*text).to_owned(),
                body: (*text).to_owned(),
                replaces: None,
            }],
            alerts: Vec::new(),
        };
        let id = store.create_incident(&chan, T0, &commit, T0).await.unwrap();
        let incident = store.incident(id).await.unwrap().unwrap();
        assert_eq!(incident.channel, chan);
        assert_eq!(incident.state.as_bytes(), text.as_bytes());
        let found = store.open_incidents(&chan).await.unwrap();
        assert_eq!(ids(&found), vec![id], "lookup by the channel {chan:?}");
        let events = store.events(id).await.unwrap();
        assert_eq!(
            (
                events[0].actor.as_str(),
                events[0].kind.as_str(),
                events[0].data.as_str()
            ),
            (*text, *text, *text)
        );
        assert_eq!(
            store.timers(id).await.unwrap(),
            vec![timer(id, TimerKind::Update, T0)]
        );
        let post = store
            .pending_posts(chan.platform, UnixMillis::new(i64::MAX), 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.incident_id == Some(id))
            .expect("the post is queued");
        assert_eq!(
            (post.channel, post.kind.as_str(), post.body.as_str()),
            (chan, *text, *text)
        );
        store.mark_sent(post.id, T0, Some(text)).await.unwrap();
    }
    // Long text (not part of any index) in every other field.
    let long: String = "🔥 long text ".repeat(20_000);
    let chan = incidents_channel();
    let commit = Commit {
        events: vec![event(T0, &long, &long, &long)],
        state: long.clone(),
        is_open: false,
        posts: vec![post(&long, &long)],
        ..Commit::default()
    };
    let id = store.create_incident(&chan, T0, &commit, T0).await.unwrap();
    assert_eq!(store.incident(id).await.unwrap().unwrap().state, long);
    let events = store.events(id).await.unwrap();
    assert_eq!(
        (&events[0].actor, &events[0].kind, &events[0].data),
        (&long, &long, &long)
    );
    let queued = all_pending(store).await;
    assert_eq!((&queued[0].kind, &queued[0].body), (&long, &long));
    store
        .mark_sent(queued[0].id, T0, Some(&long))
        .await
        .unwrap();
    // Ids are indexed: past 512 bytes they are refused on both backends alike (timer names are
    // the few of `TimerKind`).
    assert!(matches!(
        store
            .create_incident(
                &channel(Platform::Slack, "T1", &"C".repeat(600)),
                T0,
                &opened("{}"),
                T0
            )
            .await,
        Err(StoreError::KeyTooLong { len: 600, .. })
    ));
    assert!(matches!(
        store
            .create_incident(
                &channel(Platform::Slack, "T\0", "C1"),
                T0,
                &opened("{}"),
                T0
            )
            .await,
        Err(StoreError::NulInText {
            field: "the workspace id"
        })
    ));

    // Every text came back, so every table is still there; and all of them were written.
    assert_eq!(store.all_open_incidents().await.unwrap().len(), texts.len());
    assert_eq!(store.due_timers(T0, 1000).await.unwrap().len(), texts.len());
    // The message references, read back through an edit of each post.
    let first = store.incident(IncidentId::new(1)).await.unwrap().unwrap();
    let edit = Commit {
        events: vec![event(T0, "bot", "edit", "{}")],
        state: first.state.clone(),
        is_open: true,
        posts: vec![NewPost {
            replaces: Some(Replaces::Post(1)),
            ..post("edit", "edit")
        }],
        ..Commit::default()
    };
    store
        .commit(IncidentId::new(1), 1, &edit, T0)
        .await
        .unwrap();
    let edit = all_pending(store).await;
    assert_eq!(edit.len(), 1);
    assert_eq!(edit[0].replaces_message_ref.as_deref(), Some(texts[0]));
}

/// Writes one of everything (open and closed incidents, events, timers, sent and pending posts)
/// and returns what reading it back gives.
async fn write_a_bit_of_everything(store: &Store) -> String {
    let chan = incidents_channel();
    let commit = Commit {
        timers: vec![(TimerKind::Update, Some(T0 + 15 * MINUTE))],
        posts: vec![post("incident-opened", "INCIDENT 🔥")],
        ..opened(r#"{"step":1}"#)
    };
    let one = store.create_incident(&chan, T0, &commit, T0).await.unwrap();
    let two = store.create_incident(&chan, T0, &commit, T0).await.unwrap();
    let resolve = Commit {
        audit: None,
        events: vec![event(
            T0 + MINUTE,
            "U_BOB",
            "resolved",
            r#"{"root_cause":"disk"}"#,
        )],
        state: r#"{"resolved":true}"#.to_owned(),
        is_open: false,
        timers: vec![(TimerKind::FollowUp(0), Some(T0 + 86_400_000))],
        clear_all_timers: true,
        posts: vec![post("resolved", "RESOLVED")],
        alerts: Vec::new(),
    };
    store.commit(two, 1, &resolve, T0 + MINUTE).await.unwrap();
    let first_post = all_pending(store).await[0].id;
    store
        .mark_sent(first_post, T0 + 1, Some("1.0001"))
        .await
        .unwrap();
    let second_post = all_pending(store).await[0].id;
    store
        .mark_failed(second_post, T0 + MINUTE, "timeout")
        .await
        .unwrap();
    let _ = one;
    read_everything(store).await
}

async fn read_everything(store: &Store) -> String {
    let mut out = String::new();
    for id in 1..=3 {
        out += &format!("{:?}\n", store.incident(IncidentId::new(id)).await.unwrap());
        out += &format!("{:?}\n", store.events(IncidentId::new(id)).await.unwrap());
        out += &format!("{:?}\n", store.timers(IncidentId::new(id)).await.unwrap());
    }
    out += &format!("{:?}\n", store.all_open_incidents().await.unwrap());
    out += &format!(
        "{:?}\n",
        store
            .due_timers(UnixMillis::new(i64::MAX), 100)
            .await
            .unwrap()
    );
    out += &format!("{:?}\n", all_pending(store).await);
    out
}

/// The scheduler's query stays right with 10,000 open incidents (correctness, not timing: the
/// rows go in with a few multi-row statements in one transaction).
async fn ten_thousand_open_incidents(store: &Store) {
    const N: i64 = 10_000;
    const ROWS_PER_STATEMENT: i64 = 500;
    // A permutation of 0..N, so due times are not in id order.
    let due_of = |id: i64| T0 + ((id * 7919) % N) * 1000;
    let chan_of = |id: i64| channel(Platform::Slack, "T0001", &format!("C{}", id % 100));

    let mut tx = store.pool().begin().await.unwrap();
    for start in (1..=N).step_by(ROWS_PER_STATEMENT as usize) {
        let ids: Vec<i64> = (start..(start + ROWS_PER_STATEMENT).min(N + 1)).collect();
        let placeholders = |per_row: usize| {
            (0..ids.len())
                .map(|row| {
                    let params: Vec<String> = (1..=per_row)
                        .map(|col| format!("${}", row * per_row + col))
                        .collect();
                    format!("({})", params.join(", "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "INSERT INTO incidents \
             (id, platform, workspace, channel, is_open, version, opened_at_ms, state) VALUES {}",
            placeholders(8)
        );
        let mut query = sqlx::query(&sql);
        for &id in &ids {
            let chan = chan_of(id);
            query = query
                .bind(id)
                .bind(chan.platform.as_str())
                .bind(chan.workspace)
                .bind(chan.channel)
                .bind(1_i32)
                .bind(0_i64)
                .bind(T0.millis())
                .bind("{}");
        }
        query.execute(&mut *tx).await.unwrap();

        let sql = format!(
            "INSERT INTO timers (incident_id, name, due_at_ms) VALUES {}",
            placeholders(3)
        );
        let mut query = sqlx::query(&sql);
        for &id in &ids {
            query = query.bind(id).bind("update").bind(due_of(id).millis());
        }
        query.execute(&mut *tx).await.unwrap();
        // And a timer far in the future for every incident, never due in this test.
        let mut query = sqlx::query(&sql);
        for &id in &ids {
            query = query
                .bind(id)
                .bind("follow-up-2")
                .bind((T0 + 30 * 86_400_000).millis());
        }
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    if store.backend() == Backend::Postgres {
        store.pool().execute("ANALYZE").await.unwrap();
    }

    let mut expected: Vec<Timer> = (1..=N)
        .map(|id| timer(IncidentId::new(id as u64), TimerKind::Update, due_of(id)))
        .collect();
    expected.sort_by_key(|t| (t.due_at_ms, t.incident_id));

    let now = T0 + 2_499_000; // due: the 2,500 whose slot is 0..=2499
    let due = store.due_timers(now, 100_000).await.unwrap();
    assert_eq!(due.len(), 2_500);
    assert_eq!(due, expected[..2_500].to_vec());
    assert_eq!(
        store.due_timers(now, 100).await.unwrap(),
        expected[..100].to_vec()
    );
    assert!(store.due_timers(T0 - 1, 100).await.unwrap().is_empty());
    assert_eq!(
        store
            .due_timers(UnixMillis::new(i64::MAX), 100_000)
            .await
            .unwrap()
            .len(),
        2 * N as usize
    );

    // The API works as usual among them: fire the most overdue one, and re-arm it.
    let first = expected[0].clone();
    let fired = Commit {
        events: vec![event(now, "scheduler", "update-posted", "{}")],
        state: "{}".to_owned(),
        is_open: true,
        timers: vec![(TimerKind::Update, Some(now + 15 * MINUTE))],
        posts: vec![post("update", "status update")],
        ..Commit::default()
    };
    store
        .commit(first.incident_id, 0, &fired, now)
        .await
        .unwrap();
    let due = store.due_timers(now, 3).await.unwrap();
    assert_eq!(due, expected[1..4].to_vec());

    assert_eq!(store.all_open_incidents().await.unwrap().len(), N as usize);
    let in_one_channel = store.open_incidents(&chan_of(42)).await.unwrap();
    assert_eq!(in_one_channel.len(), (N / 100) as usize);
    assert!(in_one_channel.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(
        store
            .create_incident(&chan_of(1), T0, &opened("{}"), T0)
            .await
            .unwrap(),
        IncidentId::new(N as u64 + 1)
    );
}

// ---------------------------------------------------------------------------------------------
// Backend-specific

#[tokio::test]
async fn the_sqlite_file_is_in_wal_mode_with_the_settings_of_the_store() {
    let db = TestDb::sqlite().await;
    let pool = db.store.pool().clone();
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(journal_mode.to_lowercase(), "wal");
    let number = |name: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("PRAGMA {name}"))
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(number("synchronous").await, 2, "synchronous = FULL");
    assert_eq!(number("foreign_keys").await, 1);
    assert_eq!(number("busy_timeout").await, 5000);
    // And the WAL is where the commits go until a checkpoint.
    write_a_bit_of_everything(&db.store).await;
    assert!(
        PathBuf::from(db.url.trim_start_matches("sqlite://").to_owned() + "-wal").exists(),
        "the write-ahead log file exists"
    );
}

#[tokio::test]
async fn an_in_memory_store_works_while_it_is_open() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    let id = store
        .create_incident(&incidents_channel(), T0, &opened("{}"), T0)
        .await
        .unwrap();
    // Reads and writes go through the same (single) connection, whatever the order.
    let (a, b) = tokio::join!(store.incident(id), store.events(id));
    assert!(a.unwrap().is_some());
    assert_eq!(b.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_errors_say_what_to_fix_and_never_show_a_password() {
    let err = Store::connect("mysql://root:hunter2@localhost/bot")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }));
    let text = err.to_string();
    assert!(
        text.contains("mysql") && text.contains("sqlite://") && !text.contains("hunter2"),
        "{text}"
    );

    // Nothing listens on port 1.
    let err = Store::connect("postgres://bot:hunter2@127.0.0.1:1/bot")
        .await
        .unwrap_err();
    let text = chain(&err);
    assert!(
        matches!(
            err,
            StoreError::Connect {
                backend: Backend::Postgres,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.starts_with(
            "cannot open the PostgreSQL database at postgres://bot:***@127.0.0.1:1/bot"
        ),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");

    let missing_dir =
        std::env::temp_dir().join(format!("incident-bot-missing-{}", unique_suffix()));
    let url = format!("sqlite://{}/bot.db", missing_dir.display());
    let err = Store::connect(&url).await.unwrap_err();
    assert!(matches!(err, StoreError::LockFile { .. }), "{err:?}");
    let text = chain(&err);
    assert!(
        text.contains(&format!("{}/bot.db.lock", missing_dir.display()))
            && text.contains("No such file or directory"),
        "{text}"
    );
}

#[test]
fn test_database_urls_keep_their_parameters() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
        "postgres://u:p@h/t2?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "t3"),
        "postgres://h:5432/t3"
    );
}
