//! Reading incidents from the store and writing their changes back: the optimistic-concurrency
//! loop every state change goes through, and the creation of an incident. A commit carries the
//! audit log's row of the command that made it (`audit`); one that queued posts rings the
//! outbox's doorbell.

use std::sync::Arc;

use commands::IncidentRef;

use super::{Engine, EngineError, Invocation, Reply, Stop, MAX_ATTEMPTS};
use crate::incident::{ChannelKey, DomainError, Event, Incident, IncidentId, Recorded, TimerKind};
use crate::instant::UnixMillis;
use crate::notify::{self, Message, MessageKind};
use crate::store::{AlertRecord, Commit, NewEvent, NewPost, Replaces, StoreError, StoredIncident};

/// An incident as read, with the version a change must be based on. Shared, not copied: the
/// in-memory copy and every command reading it hold the same snapshot.
#[derive(Clone)]
pub(super) struct Loaded {
    pub incident: Arc<Incident>,
    pub version: u64,
}

/// How one attempt at a change ended.
pub(super) enum Attempt {
    /// Committed; the reply for the person who asked.
    Committed(Reply),
    /// The domain's rules refused it; nothing was written.
    Refused(DomainError),
    /// Another change of the incident was committed first; nothing was written.
    Lost,
}

/// What follows from a change: posts for the channel, timers to set or clear, and the reply.
#[derive(Default)]
pub(super) struct Effects {
    pub posts: Vec<Message>,
    pub timers: Vec<(TimerKind, Option<i64>)>,
    pub clear_timers: bool,
    pub reply: Option<Message>,
    /// Monitoring alerts' states taken with the change (`engine::alerts`).
    pub alerts: Vec<AlertRecord>,
}

impl Effects {
    /// One post for the channel, and nothing else.
    pub fn post(message: Message) -> Effects {
        Effects {
            posts: vec![message],
            ..Effects::default()
        }
    }
}

fn decode(stored: StoredIncident) -> Result<Loaded, EngineError> {
    let incident =
        serde_json::from_str(&stored.state).map_err(|source| EngineError::Unreadable {
            incident: stored.id,
            source,
        })?;
    Ok(Loaded {
        incident: Arc::new(incident),
        version: stored.version,
    })
}

fn new_event(recorded: &Recorded) -> Result<NewEvent, serde_json::Error> {
    Ok(NewEvent {
        at_ms: UnixMillis::new(recorded.at_ms),
        actor: recorded.by.name.clone(),
        kind: recorded.event.kind().to_string(),
        data: serde_json::to_string(recorded)?,
    })
}

fn new_post(channel: &ChannelKey, message: &Message) -> Result<NewPost, serde_json::Error> {
    Ok(NewPost {
        channel: channel.clone(),
        kind: message.kind.as_str().to_string(),
        body: serde_json::to_string(message)?,
        // The checklist is one card, edited in place at every step.
        replaces: (message.kind == MessageKind::Checklist).then_some(Replaces::FirstOfKind),
    })
}

/// The store's unit of work for an incident's new state, its new events and their effects.
pub(super) fn commit_for(
    after: &Incident,
    recorded: &[Recorded],
    effects: &Effects,
) -> Result<Commit, EngineError> {
    let unwritable = |source| EngineError::Unwritable {
        incident: after.id,
        source,
    };
    Ok(Commit {
        events: recorded
            .iter()
            .map(new_event)
            .collect::<Result<_, _>>()
            .map_err(unwritable)?,
        state: serde_json::to_string(after).map_err(unwritable)?,
        is_open: after.is_open(),
        timers: effects
            .timers
            .iter()
            .map(|&(kind, due)| (kind, due.map(UnixMillis::new)))
            .collect(),
        clear_all_timers: effects.clear_timers,
        posts: effects
            .posts
            .iter()
            .map(|message| new_post(&after.channel, message))
            .collect::<Result<_, _>>()
            .map_err(unwritable)?,
        alerts: effects.alerts.clone(),
        audit: None,
    })
}

impl Engine {
    /// Creates an incident: `build` gets its id and returns its first commit (as
    /// [`Store::create_incident_with`](crate::store::Store::create_incident_with), which may call
    /// it more than once).
    pub(super) async fn create_incident<E: Send>(
        &self,
        channel: &ChannelKey,
        opened_at_ms: i64,
        now_ms: i64,
        mut build: impl FnMut(IncidentId) -> Result<Commit, E> + Send,
    ) -> Result<Result<IncidentId, E>, StoreError> {
        let (mut queued_posts, mut audited) = (false, false);
        let (opened_at, now) = (UnixMillis::new(opened_at_ms), UnixMillis::new(now_ms));
        let created = self
            .store
            .create_incident_with(channel, opened_at, now, |id| {
                build(id).map(|mut commit| {
                    super::audit::attach(&mut commit);
                    queued_posts = !commit.posts.is_empty();
                    audited = commit.audit.is_some();
                    commit
                })
            })
            .await?;
        if created.is_ok() && audited {
            super::audit::mark_written();
        }
        if created.is_ok() && queued_posts {
            self.posts_queued.ring();
        }
        Ok(created)
    }

    /// The incident, from memory when this process is the database's only writer.
    pub(super) async fn load(&self, id: IncidentId) -> Result<Option<Loaded>, EngineError> {
        if let Some(hit) = self.cache.as_ref().and_then(|cache| cache.get(id)) {
            return Ok(Some(hit));
        }
        self.load_fresh(id).await
    }

    /// `loaded`, or the newer version of it this process committed since, if any.
    fn newest(&self, loaded: Loaded) -> Loaded {
        match self
            .cache
            .as_ref()
            .and_then(|cache| cache.get(loaded.incident.id))
        {
            Some(kept) if kept.version > loaded.version => kept,
            _ => loaded,
        }
    }

    /// The incident as the database has it now.
    async fn load_fresh(&self, id: IncidentId) -> Result<Option<Loaded>, EngineError> {
        let loaded = self.store.incident(id).await?.map(decode).transpose()?;
        if let (Some(cache), Some(loaded)) = (&self.cache, &loaded) {
            cache.remember(loaded);
        }
        Ok(loaded)
    }

    /// The open incidents of the channel, by id.
    pub(super) async fn open_loaded(
        &self,
        channel: &ChannelKey,
    ) -> Result<Vec<Loaded>, EngineError> {
        let Some(cache) = &self.cache else {
            return self
                .store
                .open_incidents(channel)
                .await?
                .into_iter()
                .map(decode)
                .collect();
        };
        let mut open = Vec::new();
        for id in cache.open_in(channel) {
            open.extend(self.load(id).await?);
        }
        Ok(open)
    }

    pub(super) async fn open_in_channel(
        &self,
        who: &Invocation,
    ) -> Result<Vec<Incident>, EngineError> {
        Ok(self
            .open_loaded(&who.channel)
            .await?
            .into_iter()
            .map(|loaded| Arc::unwrap_or_clone(loaded.incident))
            .collect())
    }

    /// Keeps a newly created incident in memory (when this process is the only writer), unless a
    /// command that found it first closed it already.
    pub(super) fn remember_created(&self, incident: Incident, version: u64) {
        if let Some(cache) = &self.cache {
            cache.remember(&Loaded {
                incident: Arc::new(incident),
                version,
            });
        }
    }

    /// The incident a command is about: the one named, or the channel's only open incident.
    /// `Err(reply)` explains to the user why there is none.
    pub(super) async fn target(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        usage: &str,
    ) -> Result<Loaded, Stop> {
        self.find_target(who, named, usage, false).await
    }

    /// Like [`Engine::target`], for commands that read or amend: with no incident open, the
    /// channel's latest one (the post-mortem the morning after, a root cause found later).
    pub(super) async fn target_or_latest(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        usage: &str,
    ) -> Result<Loaded, Stop> {
        self.find_target(who, named, usage, true).await
    }

    /// The incident named, or else the channel's latest one, open or closed (what `reopen` means
    /// without a name).
    pub(super) async fn named_or_latest(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        usage: &str,
    ) -> Result<Loaded, Stop> {
        if named.is_some() {
            return self.target(who, named, usage).await;
        }
        match self.store.latest_incident(&who.channel).await? {
            Some(latest) => Ok(decode(latest)?),
            None => Err(Stop::Refused(Reply::with(notify::no_open_incident(usage)))),
        }
    }

    async fn find_target(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        usage: &str,
        or_latest: bool,
    ) -> Result<Loaded, Stop> {
        if let Some(id) = named.map(IncidentId::from) {
            return match self.load(id).await? {
                Some(loaded)
                    if loaded.incident.channel.platform == who.channel.platform
                        && loaded.incident.channel.workspace == who.channel.workspace =>
                {
                    Ok(loaded)
                }
                _ => Err(Stop::Refused(Reply::with(notify::no_such_incident_here(
                    id,
                )))),
            };
        }
        let mut open = self.open_loaded(&who.channel).await?;
        if open.is_empty() && or_latest {
            if let Some(latest) = self.store.latest_incident(&who.channel).await? {
                return Ok(decode(latest)?);
            }
        }
        if open.len() == 1 {
            if let Some(only) = open.pop() {
                return Ok(only);
            }
        }
        if open.is_empty() {
            return Err(Stop::Refused(Reply::with(notify::no_open_incident(usage))));
        }
        let several: Vec<&Incident> = open.iter().map(|loaded| &*loaded.incident).collect();
        Err(Stop::Refused(Reply::with(notify::which_incident(
            &several, usage,
        ))))
    }

    /// The platform's reference of the checklist card of the incident whose checklist `reply`
    /// posted (the message every checklist post edits in place); `None` when it posted none,
    /// while the card is not sent, or when it cannot be read. Asked after the commit, so a
    /// failure here is only logged: the change is saved, and the outbox edits the card anyway.
    pub(super) async fn checklist_card_of(&self, reply: &Reply) -> Option<String> {
        let checklist = reply
            .posted
            .iter()
            .find(|post| post.kind == MessageKind::Checklist)?;
        let id = IncidentId::new(checklist.incident?);
        match self
            .store
            .first_message_ref_of_kind(id, MessageKind::Checklist.as_str())
            .await
        {
            Ok(card) => card,
            Err(error) => {
                tracing::warn!(
                    incident = id.number(),
                    error = %crate::error_text::with_causes(&error),
                    "cannot read which message is the checklist card; the outbox edits it later"
                );
                None
            }
        }
    }

    /// Every event of an incident, oldest first.
    pub(super) async fn timeline(&self, id: IncidentId) -> Result<Vec<Recorded>, EngineError> {
        self.store
            .events(id)
            .await?
            .into_iter()
            .map(|event| {
                serde_json::from_str(&event.data).map_err(|source| EngineError::Unreadable {
                    incident: id,
                    source,
                })
            })
            .collect()
    }

    /// Decides events on the latest state, applies them, and commits them with their effects.
    /// When another change got in first, decides again on the fresh state, so a step confirmed
    /// twice at the same moment is confirmed once and the second person is told by whom.
    ///
    /// `first` is the state the command was resolved against (or a newer one this process
    /// committed meanwhile); later attempts read afresh. The incident's turn is held throughout.
    pub(super) async fn change(
        &self,
        first: Loaded,
        by: &crate::incident::Person,
        decide: impl Fn(&Incident, i64) -> Result<Vec<Event>, DomainError>,
        effects: impl Fn(&Incident, &Incident, i64) -> Effects,
    ) -> Result<Reply, EngineError> {
        let id = first.incident.id;
        let _turn = self.turns.take(id).await;
        let mut next = Some(self.newest(first));
        for _ in 0..MAX_ATTEMPTS {
            let loaded = match next.take() {
                Some(loaded) => loaded,
                None => match self.load_fresh(id).await? {
                    Some(loaded) => loaded,
                    None => return Ok(Reply::with(notify::incident_gone(id))),
                },
            };
            match self.attempt(loaded, by, &decide, &effects).await? {
                Attempt::Committed(reply) => return Ok(reply),
                Attempt::Refused(refusal) => return Ok(Reply::with(notify::refused(&refusal))),
                Attempt::Lost => continue,
            }
        }
        Err(EngineError::Contended { incident: id })
    }

    /// One decision on `loaded`, committed with its effects unless another change got in first.
    pub(super) async fn attempt(
        &self,
        loaded: Loaded,
        by: &crate::incident::Person,
        decide: impl Fn(&Incident, i64) -> Result<Vec<Event>, DomainError>,
        effects: impl Fn(&Incident, &Incident, i64) -> Effects,
    ) -> Result<Attempt, EngineError> {
        let id = loaded.incident.id;
        let now = self.now_ms();
        let events = match decide(&loaded.incident, now) {
            Ok(events) => events,
            Err(refusal) => return Ok(Attempt::Refused(refusal)),
        };
        let recorded: Vec<Recorded> = events
            .into_iter()
            .map(|event| Recorded {
                at_ms: now,
                by: by.clone(),
                event,
            })
            .collect();
        let mut after = Incident::clone(&loaded.incident);
        for event in &recorded {
            after.apply(event);
        }
        let mut effects = effects(&loaded.incident, &after, now);
        effects
            .timers
            .extend(self.silence_ended_timers(&loaded.incident, &after, by, now));
        let mut commit = commit_for(&after, &recorded, &effects)?;
        super::audit::attach(&mut commit);
        match self
            .store
            .commit(id, loaded.version, &commit, UnixMillis::new(now))
            .await
        {
            Ok(()) => {
                if commit.audit.is_some() {
                    super::audit::mark_written();
                }
                if !commit.posts.is_empty() {
                    self.posts_queued.ring();
                }
                if let Some(cache) = &self.cache {
                    cache.remember(&Loaded {
                        incident: Arc::new(after),
                        version: loaded.version + recorded.len() as u64,
                    });
                }
                Ok(Attempt::Committed(Reply {
                    message: effects.reply,
                    posted: effects.posts,
                    checklist_card: None,
                }))
            }
            Err(StoreError::Conflict { .. }) => Ok(Attempt::Lost),
            Err(error) => Err(error.into()),
        }
    }
}
