//! One writing process per SQLite file. Two bots writing to one file would both fire the same
//! timers and send the same posts, and neither could keep anything in memory; so the process that
//! opens a SQLite file for writing takes an exclusive lock on `<file>.lock` beside it (an `flock`,
//! released by the kernel if the process dies), and a second writer is refused with a message
//! that names the first. Processes that only read (`incident-bot postmortem`) take no lock.
//!
//! The lock is on a file of its own: SQLite's locks on the database file are POSIX locks, which
//! the process would lose if it opened and closed that file itself.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::StoreError;

/// Held while the store is open for writing; released by [`WriterLock::release`] or on drop.
#[derive(Debug)]
pub(super) struct WriterLock {
    file: Mutex<Option<File>>,
}

/// The lock file of a SQLite database file.
pub(super) fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl WriterLock {
    /// Takes the lock of `database`, or says which process holds it.
    pub fn acquire(database: &Path) -> Result<WriterLock, StoreError> {
        let path = lock_path(database);
        let cannot = |source| StoreError::LockFile {
            path: path.display().to_string(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(StoreError::InUse {
                    database: database.display().to_string(),
                    holder: holder.trim().chars().take(40).collect(),
                });
            }
            Err(TryLockError::Error(source)) => return Err(cannot(source)),
        }
        // Who holds it, for the message a second writer gets.
        file.set_len(0).map_err(cannot)?;
        file.rewind().map_err(cannot)?;
        write!(file, "pid {}", std::process::id()).map_err(cannot)?;
        Ok(WriterLock {
            file: Mutex::new(Some(file)),
        })
    }

    /// Lets another process write (when the store is closed, though clones of it live on).
    pub fn release(&self) {
        let file = self
            .file
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(file); // closing the file releases the flock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("incident-bot-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let database = dir.join("bot.db");
        let first = WriterLock::acquire(&database).unwrap();
        let refused = WriterLock::acquire(&database).unwrap_err().to_string();
        assert!(
            refused.contains(&format!("pid {}", std::process::id())),
            "{refused}"
        );
        assert!(refused.contains("bot.db"), "{refused}");
        first.release();
        let second = WriterLock::acquire(&database).unwrap();
        drop(second);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
