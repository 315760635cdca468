//! The incident domain: an incident's state folded from its events, the checklist rules, and
//! the plan an incident starts from. Knows nothing of chat platforms or databases.

mod apply;
pub mod correction;
pub mod decide;
mod error;
mod event;
mod id;
mod model;
pub mod plan;
pub mod restoration;
mod timer;

pub use correction::{Cancellation, Stamp};
pub use error::DomainError;
pub use event::{Event, Opening, Recorded};
pub use id::IncidentId;
pub use model::*;
pub use restoration::{Clock, Measured, Restored, RtoWatch, ServiceObjective};
pub use timer::TimerKind;
