//! Who may act, and where: the channels incidents are run in (`INCIDENT_CHANNELS`), the people
//! who may change them (`RESPONDERS`, narrowed per command by `RESPONDERS_RESOLVE` and its
//! siblings), read from the environment (`policy`), and the members of Slack user groups, which
//! only Slack can say, read through a platform's [`GroupDirectory`] and kept for a while
//! (`groups`). The engine applies them to every command before it runs (`engine::gate`); nothing
//! here talks to a platform or the store.

mod groups;
mod policy;

pub use groups::{GroupDirectory, GroupLookupError, GroupMembers, GROUP_MEMBERS_TTL};
pub use policy::{AccessPolicy, IncidentChannel, Responders, NARROWABLE};
