//! Slack's user groups as the engine's `access` reads them: the members of an `S…` group that
//! `RESPONDERS` names, from `usergroups.users.list`. Asked while a command waits for its answer
//! (the engine keeps what it read for a few minutes), so the call has a short timeout of its own.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::web::SlackWeb;
use crate::access::{GroupDirectory, GroupLookupError};

/// The longest a lookup may hold up a command, well within Slack's 3 seconds.
const LOOKUP_TIMEOUT: Duration = Duration::from_millis(1500);

/// The Web API, as a directory of user groups.
pub struct SlackGroups(SlackWeb);

impl SlackGroups {
    pub fn new(web: SlackWeb) -> SlackGroups {
        SlackGroups(web.with_timeout(LOOKUP_TIMEOUT))
    }
}

impl GroupDirectory for SlackGroups {
    fn members<'a>(
        &'a self,
        group: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, GroupLookupError>> {
        Box::pin(async move {
            self.0
                .usergroup_members(group)
                .await
                .map_err(|error| GroupLookupError {
                    group: group.to_string(),
                    cause: error.to_string(),
                })
        })
    }
}
