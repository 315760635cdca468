//! What the bot says: neutral messages, rendered from incident state and the runbook's templates.

mod message;
mod posts;
pub mod template;
#[cfg(test)]
pub(crate) mod test_support;

pub use message::{Block, Foldable, Message, MessageKind, TrackButton};
pub use posts::format;
pub use posts::{
    after_resolve, already_open, cancelled, note_after_resolve, postmortem_final,
    postmortem_final_marked, reopened, root_cause_amended,
};
pub use posts::{alert_offer, alert_told, alerts_cleared, opened_from_alert, AlertReading};
pub use posts::{
    assigned, change, checklist, chosen_headline, confirmation_headline, drill_history,
    drill_report, elsewhere, follow_up, follow_up_due, follow_up_list, follow_up_ticked, help,
    incident_gone, last_good_data_recorded, list, no_open_incident, no_such_incident_here,
    not_a_responder, note, nothing_to_drill, nudge, opened, opened_reply, postmortem,
    postmortem_posting, refused, resolved, resolved_with_open_steps, restore_verdict, restored,
    retried_headline, rpo_summary, rpo_verdict, rto_warning, scenarios, severity_changed,
    since_opening, some_already_restored, stale_question, status, step_failed, unknown_scenario,
    update, which_incident, with_rto_warning, CadenceChange, ListMoment,
};
