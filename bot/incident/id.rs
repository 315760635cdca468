//! An incident's id: the `n` of `INC-n`, handed out by the store, one more than the highest so
//! far. Serialised as the bare number, as snapshots and events have always held it.

use std::fmt;

use commands::IncidentRef;
use serde::{Deserialize, Serialize};

/// The id of an incident; shown as `INC-7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(u64);

impl IncidentId {
    pub const fn new(number: u64) -> IncidentId {
        IncidentId(number)
    }

    /// The `n` of `INC-n`.
    pub const fn number(self) -> u64 {
        self.0
    }
}

impl From<IncidentRef> for IncidentId {
    fn from(IncidentRef(number): IncidentRef) -> IncidentId {
        IncidentId(number)
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INC-{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_as_inc_n_and_serialised_as_the_bare_number() {
        let id = IncidentId::new(7);
        assert_eq!(id.to_string(), "INC-7");
        assert_eq!(serde_json::to_string(&id).unwrap(), "7");
        assert_eq!(serde_json::from_str::<IncidentId>("7").unwrap(), id);
    }
}
