//! `/incident drill [scenario|random]`: the monthly DR drill, opened like an incident of the
//! scenario at its own severity, marked as a drill (it pages nobody).

use commands::{CommandName, Drill, DrillTarget, Severity};

use super::usage;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::plan;
use crate::notify;

impl Engine {
    pub(super) async fn drill(&self, who: &Invocation, drill: Drill) -> Result<Reply, Stop> {
        let scenarios = &self.runbook().scenarios;
        let (scenario, matched_words) = match &drill.target {
            DrillTarget::Scenario(name) => {
                let found = self.runbook().match_scenario(name).map_err(|error| {
                    Stop::Refused(Reply::with(notify::unknown_scenario(
                        &error,
                        usage(CommandName::Drill),
                    )))
                })?;
                (found.scenario, (!found.exact).then_some(name.as_str()))
            }
            DrillTarget::Random if scenarios.is_empty() => {
                return Ok(Reply::with(notify::nothing_to_drill()))
            }
            DrillTarget::Random => {
                let pick = usize::try_from(self.now_ms().unsigned_abs() / 1000).unwrap_or_default();
                (&scenarios[pick % scenarios.len()], None)
            }
        };
        let request = plan::Request {
            channel: who.channel.clone(),
            severity: scenario.severity.unwrap_or(Severity::Medium),
            description: Some(format!("DR drill: {}", scenario.title)),
            services: &[],
            drill: true,
        };
        self.open_scenario(who, scenario, request, matched_words)
            .await
    }
}
