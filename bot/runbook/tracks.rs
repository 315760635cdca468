//! Which steps of a phase run in parallel, as tracks. Two rules, for any runbook:
//!
//! - **Priority markers:** consecutive steps that each carry a `(Priority N)` marker (`(P2)`)
//!   form one group: `2. **Database recovery** (Priority 1)`, `3. … (Priority 2)`, …
//! - **The phase says so:** every step of a phase whose heading or notes use one of the words
//!   [`PARALLEL_WORDS`] (`Parallel Recovery`, "run these in parallel", "recovery tracks") or the
//!   phrase "at the same time" forms one group.
//!
//! A group has at least two steps. Steps before it run one at a time as usual; the group starts
//! when they are confirmed, and the steps after it wait until every track of it is confirmed.
//! Tracks are shown in priority order (steps without a marker last, in runbook order).

use super::model::{Marker, Phase, Step, Tracks};

/// Words of a phase's heading or notes that make its steps tracks.
const PARALLEL_WORDS: [&str; 6] = [
    "parallel",
    "concurrent",
    "concurrently",
    "simultaneous",
    "simultaneously",
    "tracks",
];

/// A phrase that does the same.
const PARALLEL_PHRASE: &str = "at the same time";

/// The groups of tracks of a phase, in order.
pub(crate) fn groups(phase: &Phase) -> Vec<Tracks> {
    if phase.steps.len() < 2 {
        return Vec::new();
    }
    if let Some(said) = parallel_word(&phase.name)
        .or_else(|| phase.notes.iter().find_map(|note| parallel_word(note)))
    {
        return vec![Tracks {
            first: 0,
            last: phase.steps.len() - 1,
            said: Some(said),
        }];
    }
    priority_runs(&phase.steps)
}

/// The word or phrase of `text` that says its steps run in parallel.
fn parallel_word(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if lower.contains(PARALLEL_PHRASE) {
        return Some(PARALLEL_PHRASE.to_string());
    }
    lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|word| PARALLEL_WORDS.contains(word))
        .map(str::to_string)
}

/// Runs of two or more consecutive steps with a `(Priority N)` marker.
fn priority_runs(steps: &[Step]) -> Vec<Tracks> {
    let mut runs = Vec::new();
    let mut start = None;
    for index in 0..=steps.len() {
        let prioritised = steps
            .get(index)
            .is_some_and(|step| matches!(step.marker, Some(Marker::Priority(_))));
        match (prioritised, start) {
            (true, None) => start = Some(index),
            (false, Some(first)) => {
                if index - first >= 2 {
                    runs.push(Tracks {
                        first,
                        last: index - 1,
                        said: None,
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook;

    fn groups_of(markdown: &str) -> Vec<Vec<Tracks>> {
        let runbook = runbook::parse(markdown);
        runbook.scenarios[0]
            .phases
            .iter()
            .map(|phase| phase.tracks.clone())
            .collect()
    }

    fn by_priority(first: usize, last: usize) -> Tracks {
        Tracks {
            first,
            last,
            said: None,
        }
    }

    #[test]
    fn consecutive_priority_markers_are_one_group() {
        let groups = groups_of(
            "## Scenario 1: Fire\n**Severity:** high\n### Actions\n\
             1. **Start** (Immediate)\n2. **A** (Priority 1)\n3. **B** (P2)\n4. **C** (Priority 3)\n\
             5. **Check** (5 minutes)\n6. **D** (Priority 1)\n7. **E** (Priority 2)\n\
             8. **Alone** (5 minutes)\n9. **F** (Priority 1)\n",
        );
        assert_eq!(groups, vec![vec![by_priority(1, 3), by_priority(5, 6)]]);
    }

    #[test]
    fn one_priority_step_is_no_group() {
        let groups = groups_of(
            "## Scenario 1: Fire\n**Severity:** high\n### Actions\n\
             1. **A** (Priority 1)\n2. **B** (5 minutes)\n",
        );
        assert_eq!(groups, vec![Vec::<Tracks>::new()]);
    }

    #[test]
    fn a_phase_that_says_parallel_runs_every_step_as_a_track() {
        let groups = groups_of(
            "## Scenario 1: Region down\n**Severity:** high\n\
             ### Triage\n1. Confirm (5 min)\n\
             ### Parallel Recovery\n1. Fail over DNS (10 min)\n2. Restore cache (15 min)\n\
             ### Restore\nRun these at the same time:\n1. Queue (5 min)\n2. Workers (5 min)\n\
             ### Verify\n- Smoke tests\n- Tell support\n",
        );
        let said = |word: &str, last| Tracks {
            first: 0,
            last,
            said: Some(word.to_string()),
        };
        assert_eq!(
            groups,
            vec![
                vec![],
                vec![said("parallel", 1)],
                vec![said("at the same time", 1)],
                vec![]
            ]
        );
    }

    #[test]
    fn words_are_whole_words() {
        assert_eq!(parallel_word("Tracking and rollback"), None);
        assert_eq!(parallel_word("Unparalleled"), None);
        assert_eq!(
            parallel_word("Run the recovery tracks below"),
            Some("tracks".to_string())
        );
        assert_eq!(
            parallel_word("Do these concurrently."),
            Some("concurrently".to_string())
        );
    }
}
