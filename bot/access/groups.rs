//! The members of the user groups `RESPONDERS` names, which only their platform knows (Slack's
//! `S…` groups: Discord sends the roles of whoever acts with the interaction). A platform's
//! adapter hands the engine its [`GroupDirectory`]; [`GroupMembers`] asks it and keeps each
//! group's members for [`GROUP_MEMBERS_TTL`], so a busy incident costs one call per group every
//! few minutes, and a person added to a group may act within that time.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::time::Instant;

/// How long the members of a group are kept before they are asked again.
pub const GROUP_MEMBERS_TTL: Duration = Duration::from_secs(5 * 60);

/// Why a group's members could not be read, as the platform said it.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the members of {group}: {cause}")]
pub struct GroupLookupError {
    pub group: String,
    pub cause: String,
}

/// A platform's list of who is in a user group.
pub trait GroupDirectory: Send + Sync {
    /// The user ids of the members of `group`.
    fn members<'a>(
        &'a self,
        group: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, GroupLookupError>>;
}

/// A group's members as last read, and when.
struct Read {
    at: Instant,
    members: Arc<HashSet<String>>,
}

/// The members of groups, from the directory the platform gave, kept for a time to live.
pub struct GroupMembers {
    directory: OnceLock<Arc<dyn GroupDirectory>>,
    read: Mutex<HashMap<String, Read>>,
    ttl: Duration,
}

impl GroupMembers {
    pub fn new(ttl: Duration) -> GroupMembers {
        GroupMembers {
            directory: OnceLock::new(),
            read: Mutex::default(),
            ttl,
        }
    }

    /// Uses `directory` to read groups from now on (a platform's adapter, at start-up); `false`
    /// when another was given first.
    pub fn serve(&self, directory: Arc<dyn GroupDirectory>) -> bool {
        self.directory.set(directory).is_ok()
    }

    /// Whether `person` is a member of `group`: from what was read within the time to live,
    /// else asked again. Without a directory (no platform that has groups is served) nobody is.
    pub async fn includes(&self, group: &str, person: &str) -> Result<bool, GroupLookupError> {
        if let Some(members) = self.fresh(group) {
            return Ok(members.contains(person));
        }
        let Some(directory) = self.directory.get() else {
            return Ok(false);
        };
        let members: Arc<HashSet<String>> =
            Arc::new(directory.members(group).await?.into_iter().collect());
        self.lock().insert(
            group.to_string(),
            Read {
                at: Instant::now(),
                members: members.clone(),
            },
        );
        Ok(members.contains(person))
    }

    fn fresh(&self, group: &str) -> Option<Arc<HashSet<String>>> {
        self.lock()
            .get(group)
            .filter(|read| read.at.elapsed() < self.ttl)
            .map(|read| read.members.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Read>> {
        self.read.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A directory whose one group has `U1`, counting the times it is asked.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl GroupDirectory for Counting {
        fn members<'a>(
            &'a self,
            group: &'a str,
        ) -> BoxFuture<'a, Result<Vec<String>, GroupLookupError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                match group {
                    "S1" => Ok(vec!["U1".to_string()]),
                    _ => Err(GroupLookupError {
                        group: group.to_string(),
                        cause: "no_such_subteam".to_string(),
                    }),
                }
            })
        }
    }

    #[tokio::test]
    async fn members_are_read_once_per_time_to_live() {
        let members = GroupMembers::new(Duration::from_millis(200));
        assert!(!members.includes("S1", "U1").await.expect("no directory"));
        let directory = Arc::new(Counting::default());
        assert!(members.serve(directory.clone()));
        assert!(!members.serve(directory.clone()));
        assert!(members.includes("S1", "U1").await.expect("read"));
        assert!(!members.includes("S1", "U2").await.expect("kept"));
        assert_eq!(directory.0.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(members.includes("S1", "U1").await.expect("read again"));
        assert_eq!(directory.0.load(Ordering::SeqCst), 2);
        let error = members.includes("S9", "U1").await.expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "cannot read the members of S9: no_such_subteam"
        );
    }
}
