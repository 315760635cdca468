//! The action items of a resolved incident: its follow-up lists with their deadlines, each item
//! open or done (by whom, when).

use std::fmt::Write as _;

use super::inline;
use crate::incident::follow_ups::item_ref;
use crate::incident::Incident;
use crate::notify::format::date_time;

pub(super) fn lists(out: &mut String, incident: &Incident) {
    for (index, list) in incident.follow_ups.iter().enumerate() {
        let deadline = inline(&list.deadline);
        let open = list.open_items();
        let tally = match open {
            0 => "all done".to_string(),
            open => format!("{open} of {} open", list.items.len()),
        };
        match list.due_at_ms {
            Some(due) => {
                let _ = writeln!(out, "### {deadline} — due {} ({tally})\n", date_time(due));
            }
            None => {
                let _ = writeln!(out, "### {deadline} ({tally})\n");
            }
        }
        if list.items.is_empty() {
            let _ = writeln!(out, "- [ ] _Add action items._");
        }
        for (item, state) in list.items.iter().enumerate() {
            let reference = item_ref(index, item);
            let title = inline(&state.title);
            match &state.done {
                Some(tick) => {
                    let _ = writeln!(
                        out,
                        "- [x] {reference} {title} — done by {}, {}",
                        inline(&tick.by.name),
                        date_time(tick.at_ms)
                    );
                }
                None => {
                    let _ = writeln!(out, "- [ ] {reference} {title}");
                }
            }
        }
        out.push('\n');
    }
}
