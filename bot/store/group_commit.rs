//! Group commit for SQLite: a commit that arrives while another is being written waits for it,
//! then goes to disk with every other waiting commit in one transaction — one round trip to
//! SQLite's worker thread and one fsync for the lot. Each commit still keeps its own version
//! check: if any commit of a group fails, the group is rolled back and each of its commits is
//! written on its own, so one conflict never fails the others.

use std::sync::{Mutex, PoisonError};

use sqlx::AnyPool;
use tokio::sync::oneshot;

use super::dialect::run_script;
use super::statements::{OwnedStatement, Statement};

/// The most arguments of one group's script: a burst of commits is written in a few bounded
/// transactions rather than one that grows without limit.
const MAX_ARGS_PER_GROUP: usize = 16_000;

struct Job {
    statements: Vec<OwnedStatement>,
    done: oneshot::Sender<Result<bool, sqlx::Error>>,
}

/// The queue of commits waiting to be written, and the lock that makes one writer at a time.
pub(super) struct GroupCommit {
    queue: Mutex<Vec<Job>>,
    writer: tokio::sync::Mutex<()>,
}

impl GroupCommit {
    pub fn new() -> GroupCommit {
        GroupCommit {
            queue: Mutex::new(Vec::new()),
            writer: tokio::sync::Mutex::new(()),
        }
    }

    /// Writes `statements` as one transaction, possibly together with other waiting commits;
    /// `false` when one that must change a row changed none (see `dialect::run_script`).
    pub async fn write(
        &self,
        pool: &AnyPool,
        statements: Vec<OwnedStatement>,
    ) -> Result<bool, sqlx::Error> {
        let (done, mut result) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Job { statements, done });
        loop {
            tokio::select! {
                biased;
                written = &mut result => {
                    return written.unwrap_or_else(|_| Err(sqlx::Error::WorkerCrashed));
                }
                _guard = self.writer.lock() => {
                    // The writer: take what is queued (this commit included, unless an earlier
                    // writer already took it) and write it.
                    // The group always holds this caller's own commit: had another writer
                    // taken it, its result would have been ready before the lock was.
                    match self.take_group() {
                        jobs if jobs.len() > 1 => {
                            // In a task of its own, so that a caller that goes away (a client
                            // hanging up) cannot stop a write half-way for the others.
                            let _ = tokio::spawn(write_group(pool.clone(), jobs)).await;
                        }
                        jobs => write_group(pool.clone(), jobs).await,
                    }
                }
            }
        }
    }

    /// The oldest waiting commits, up to the argument limit.
    fn take_group(&self) -> Vec<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let mut args = 0;
        let mut count = 0;
        for job in queue.iter() {
            let job_args: usize = job.statements.iter().map(OwnedStatement::arg_count).sum();
            if count > 0 && args + job_args > MAX_ARGS_PER_GROUP {
                break;
            }
            args += job_args;
            count += 1;
        }
        queue.drain(..count).collect()
    }
}

/// Writes a group in one transaction; if that fails, each commit on its own.
async fn write_group(pool: AnyPool, jobs: Vec<Job>) {
    let mut connection = match pool.acquire().await {
        Ok(connection) => connection,
        Err(_) => {
            for job in jobs {
                let _ = job.done.send(Err(sqlx::Error::PoolTimedOut));
            }
            return;
        }
    };
    if jobs.len() > 1 {
        let together: Vec<Statement<'_>> = jobs
            .iter()
            .flat_map(|job| job.statements.iter().map(OwnedStatement::borrow))
            .collect();
        // Anything but all written (a guard that failed included) rolled the group back.
        if let Ok(true) = run_script(&mut connection, &together, false).await {
            for job in jobs {
                let _ = job.done.send(Ok(true));
            }
            return;
        }
    }
    for job in jobs {
        let alone: Vec<Statement<'_>> = job.statements.iter().map(OwnedStatement::borrow).collect();
        let result = run_script(&mut connection, &alone, true).await;
        let _ = job.done.send(result);
    }
}
