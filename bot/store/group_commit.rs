//! Group commit for SQLite: a commit that arrives while another is being written waits for it,
//! then goes to disk with every other waiting commit in one transaction — one round trip to
//! SQLite's worker thread and one fsync for the lot. Each commit still keeps its own version
//! check: a commit whose version moved on is refused alone and the rest of its group written
//! without it, and a group that fails otherwise has each of its commits written on its own, so
//! one commit's failure never fails the others.

use std::sync::{Mutex, PoisonError};

use sqlx::AnyPool;
use tokio::sync::oneshot;

use super::dialect::{run_script, Ran};
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

/// Writes a group in one transaction. A commit decided on a version that moved on (a statement
/// that had to change a row changed none) is told so and left out, and the rest is written again
/// without it: a conflict costs the group one more round trip, not one per commit. Any other
/// failure (a full disk, a constraint) has each commit written on its own, so that it fails
/// only the commits it belongs to.
async fn write_group(pool: AnyPool, mut jobs: Vec<Job>) {
    let mut connection = match pool.acquire().await {
        Ok(connection) => connection,
        Err(_) => {
            for job in jobs {
                let _ = job.done.send(Err(sqlx::Error::PoolTimedOut));
            }
            return;
        }
    };
    while jobs.len() > 1 {
        let ran = {
            let together: Vec<Statement<'_>> = jobs
                .iter()
                .flat_map(|job| job.statements.iter().map(OwnedStatement::borrow))
                .collect();
            run_script(&mut connection, &together, false).await
        };
        match ran {
            Ok(Ran::Written) => {
                for job in jobs {
                    let _ = job.done.send(Ok(true));
                }
                return;
            }
            Ok(Ran::Unchanged(statement)) => {
                let stale = jobs.remove(job_holding(&jobs, statement));
                let _ = stale.done.send(Ok(false));
            }
            Err(_) => break,
        }
    }
    for job in jobs {
        let alone: Vec<Statement<'_>> = job.statements.iter().map(OwnedStatement::borrow).collect();
        let result = run_script(&mut connection, &alone, true).await;
        let _ = job.done.send(result.map(|ran| ran == Ran::Written));
    }
}

/// The index of the job whose statements include the `statement`-th of the group's, counted
/// over the jobs' statements in order.
fn job_holding(jobs: &[Job], statement: usize) -> usize {
    let mut first = 0;
    for (index, job) in jobs.iter().enumerate() {
        first += job.statements.len();
        if statement < first {
            return index;
        }
    }
    jobs.len() - 1
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::statements::statement;
    use crate::store::Store;

    /// Five commits wait while a write is under way, so they go to disk as one group; one of
    /// them was decided on a version that moved on. It alone is refused (whichever of the group
    /// it is), and the other four are written.
    #[tokio::test]
    async fn a_stale_commit_in_a_group_is_refused_alone_and_the_rest_written() {
        let store = Store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        let pool = store.pool().clone();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let group = Arc::new(GroupCommit::new());
        let writing = group.writer.lock().await;
        let mut commits = Vec::new();
        for id in 1..=5_i64 {
            // Commit 3 expects version 1 of a row that has none.
            let expected = if id == 3 { 1_i64 } else { 0 };
            let statements = vec![
                OwnedStatement::from(&statement!(
                    "INSERT INTO t (id, version) VALUES (" {id} ", 0) ON CONFLICT DO NOTHING"
                )),
                OwnedStatement::from(
                    &statement!("UPDATE t SET version = version + 1 WHERE id = " {id}
                        " AND version = " {expected})
                    .must_change(),
                ),
            ];
            let (group, pool) = (group.clone(), pool.clone());
            commits.push(tokio::spawn(
                async move { group.write(&pool, statements).await },
            ));
        }
        while group.queue.lock().unwrap().len() < 5 {
            tokio::task::yield_now().await;
        }
        drop(writing);
        let mut written = Vec::new();
        for commit in commits {
            written.push(commit.await.unwrap().unwrap());
        }
        assert_eq!(written, [true, true, false, true, true]);
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, version FROM t ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, [(1, 1), (2, 1), (4, 1), (5, 1)]);
    }
}
