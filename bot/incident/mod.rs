//! The incident domain: an incident's state folded from its events, the checklist rules, the
//! plan an incident starts from, and which steps are current when some run in parallel
//! (`tracks`). Knows nothing of chat platforms or databases.

pub mod alerts;
mod apply;
pub mod correction;
pub mod decide;
pub mod drill_report;
mod error;
mod event;
pub mod follow_ups;
mod id;
mod model;
pub mod options;
pub mod plan;
pub mod plan_checks;
pub mod restoration;
pub mod stale;
#[cfg(test)]
pub(crate) mod test_support;
mod timer;
mod tracks;

pub use alerts::{AlertNote, IncidentAlert};
pub use correction::{Cancellation, Stamp};
pub use drill_report::DrillReport;
pub use error::DomainError;
pub use event::{Event, Opening, Recorded};
pub use follow_ups::{FollowUpItem, FollowUpList, Tick};
pub use id::IncidentId;
pub use model::*;
pub use restoration::{Clock, Measured, Restored, RtoWatch, ServiceObjective};
pub use timer::TimerKind;
pub use tracks::Track;
