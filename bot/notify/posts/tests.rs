//! Snapshots of every message, from the shared runbook's incidents at fixed times. Review a
//! changed snapshot as the tired responder who will read it at 3 a.m.

use crate::incident::{DomainError, Event, Recorded};
use crate::notify::test_support::{
    alice, app_server, at, corruption_drill, db_loss, db_loss_restored, infra_loss, paging, render,
    runbook, scenario, HOUR,
};
use crate::notify::{Message, MessageKind};

use super::*;

use crate::notify::test_support::snapshot;

/// The runbook step for an index of a scenario, as the engine looks it up.
fn step(number: u32, index: usize) -> Option<&'static crate::runbook::Step> {
    scenario(number).steps().nth(index)
}

#[test]
fn opened_pages_the_roles() {
    let fixture = db_loss(at(3, 4, 0));
    let (mentions, names) = paging(
        &fixture.incident,
        "Platform Lead=U0LEAD; Database Admin=U0DBA",
    );
    let message = opened(&fixture.incident, runbook(), 15 * 60, mentions, &names);
    assert_eq!(message.kind, MessageKind::Opened);
    assert_eq!(message.mentions, vec!["U0LEAD", "U0DBA"]);
    snapshot!("opened", message);
}

#[test]
fn opened_drill() {
    let fixture = corruption_drill(at(14, 0, 0));
    snapshot!(
        "opened_drill",
        opened(&fixture.incident, runbook(), 15 * 60, Vec::new(), &[])
    );
}

#[test]
fn checklist_first_step() {
    let fixture = db_loss(at(3, 4, 0));
    let message = checklist(&fixture.incident, |i| step(1, i), None, fixture.now);
    assert_eq!(message.kind, MessageKind::Checklist);
    snapshot!("checklist_first_step", message);
}

#[test]
fn checklist_after_a_confirmation() {
    let fixture = db_loss(at(3, 10, 42));
    let headline = confirmation_headline(&fixture.incident, 1);
    snapshot!(
        "checklist_after_confirmation",
        checklist(
            &fixture.incident,
            |i| step(1, i),
            Some(headline),
            fixture.now
        )
    );
}

#[test]
fn checklist_failed_step() {
    let fixture = db_loss(at(3, 31, 0));
    snapshot!(
        "checklist_failed_step",
        checklist(&fixture.incident, |i| step(1, i), None, fixture.now)
    );
}

#[test]
fn checklist_choice_to_make() {
    let fixture = corruption_drill(at(14, 11, 0));
    let headline = confirmation_headline(&fixture.incident, 1);
    snapshot!(
        "checklist_choice",
        checklist(
            &fixture.incident,
            |i| step(3, i),
            Some(headline),
            fixture.now
        )
    );
}

#[test]
fn checklist_option_chosen() {
    let fixture = corruption_drill(at(14, 12, 0));
    snapshot!(
        "checklist_option_chosen",
        checklist(
            &fixture.incident,
            |i| step(3, i),
            Some("Option A (Point-in-time recovery) chosen by bob for step 3".to_string()),
            fixture.now
        )
    );
}

#[test]
fn checklist_complete() {
    let fixture = db_loss(at(4, 9, 0));
    let headline = confirmation_headline(&fixture.incident, 10);
    snapshot!(
        "checklist_complete",
        checklist(&fixture.incident, |_| None, Some(headline), fixture.now)
    );
}

#[test]
fn checklist_without_the_runbook_step() {
    let fixture = corruption_drill(at(14, 11, 0));
    snapshot!(
        "checklist_without_runbook_step",
        checklist(&fixture.incident, |_| None, None, fixture.now)
    );
}

#[test]
fn step_failed_offers_three_ways_forward() {
    let fixture = db_loss(at(3, 31, 0));
    let message = step_failed(&fixture.incident, 4);
    assert_eq!(message.kind, MessageKind::StepFailed);
    snapshot!("step_failed", message);
}

#[test]
fn update_from_live_state() {
    let fixture = db_loss(at(3, 34, 0));
    let message = update(
        &fixture.incident,
        runbook(),
        15 * 60,
        fixture.now,
        Some(at(3, 49, 0)),
    );
    assert_eq!(message.kind, MessageKind::Update);
    snapshot!("update", message);
}

#[test]
fn update_of_a_drill() {
    let fixture = corruption_drill(at(14, 15, 0));
    snapshot!(
        "update_drill",
        update(
            &fixture.incident,
            runbook(),
            15 * 60,
            fixture.now,
            Some(at(14, 30, 0))
        )
    );
}

#[test]
fn note_from_a_responder() {
    let fixture = db_loss(at(3, 15, 0));
    let remark = fixture
        .incident
        .latest_note
        .clone()
        .expect("a note at 03:15");
    let message = note(&fixture.incident, &remark);
    assert_eq!(message.kind, MessageKind::Note);
    snapshot!("note", message);
}

#[test]
fn rto_warnings() {
    let fixture = db_loss(at(3, 28, 0));
    let message = rto_warning(&fixture.incident, 80, fixture.now);
    assert_eq!(message.kind, MessageKind::RtoWarning);
    snapshot!("rto_warning_80", message);
    let fixture = db_loss(at(3, 36, 0));
    snapshot!(
        "rto_warning_exceeded",
        rto_warning(&fixture.incident, 100, fixture.now)
    );
}

#[test]
fn nudge_over_budget() {
    let fixture = db_loss(at(3, 54, 30));
    let message = nudge(&fixture.incident, 4, fixture.now);
    assert_eq!(message.kind, MessageKind::Nudge);
    snapshot!("nudge", message);
}

#[test]
fn change_is_one_line() {
    let fixture = db_loss(at(3, 11, 0));
    let message = change(
        &fixture.incident,
        "@carol is now scribe of INC-3 (assigned by alice)".to_string(),
    );
    assert_eq!(message.kind, MessageKind::Change);
    snapshot!("change", message);
}

#[test]
fn resolved_with_follow_ups() {
    let fixture = db_loss(at(4, 10, 0));
    let message = resolved(&fixture.incident, runbook());
    assert_eq!(message.kind, MessageKind::Resolved);
    snapshot!("resolved", message);
}

#[test]
fn follow_up_reminder() {
    let fixture = db_loss(at(4, 10, 0));
    let group = &runbook().follow_ups[0];
    let message = follow_up(&fixture.incident, group);
    assert_eq!(message.kind, MessageKind::FollowUp);
    snapshot!("follow_up", message);
}

#[test]
fn status_while_recovering() {
    let fixture = db_loss(at(3, 27, 0));
    let message = status(
        &fixture.incident,
        runbook(),
        fixture.now,
        Some(at(3, 34, 0)),
    );
    assert_eq!(message.kind, MessageKind::Reply);
    snapshot!("status_recovering", message);
}

#[test]
fn status_once_resolved() {
    let fixture = db_loss(at(4, 10, 0));
    snapshot!(
        "status_resolved",
        status(&fixture.incident, runbook(), fixture.now + HOUR, None)
    );
}

#[test]
fn status_of_a_drill_at_a_choice() {
    let fixture = corruption_drill(at(14, 11, 30));
    snapshot!(
        "status_drill",
        status(
            &fixture.incident,
            runbook(),
            fixture.now,
            Some(at(14, 15, 0))
        )
    );
}

#[test]
fn list_of_open_incidents() {
    let real = db_loss(at(3, 27, 0)).incident;
    let drill = corruption_drill(at(14, 11, 0)).incident;
    let message = list(&[real, drill], at(14, 12, 0));
    snapshot!("list", message);
    let empty: Message = list(&[], 0);
    assert_eq!(
        empty.plain_text(),
        "No open incidents in this channel. Open one with /incident open <severity> <scenario>"
    );
}

#[test]
fn scenarios_of_the_runbook() {
    snapshot!("scenarios", scenarios(runbook()));
    let none = scenarios(&crate::runbook::Runbook::default());
    assert!(none.plain_text().contains("check-runbook"));
}

#[test]
fn no_message_pings_through_its_text() {
    let fixture = db_loss(at(4, 10, 0));
    let messages = [
        update(&fixture.incident, runbook(), 15 * 60, fixture.now, None),
        resolved(&fixture.incident, runbook()),
        status(&fixture.incident, runbook(), fixture.now, None),
    ];
    for message in messages {
        let text = message.plain_text();
        for ping in ["@channel", "@here", "@everyone", "<!"] {
            assert!(!text.contains(ping), "{text}");
        }
    }
}

#[test]
fn restored_some_services_with_others_still_down() {
    let fixture = infra_loss(at(5, 19, 0));
    let message = restored(
        &fixture.incident,
        &["Database".to_string()],
        "bob",
        fixture.now,
    );
    assert_eq!(message.kind, MessageKind::Restored);
    snapshot!("restored_partial", message);
}

#[test]
fn restored_the_last_service() {
    let fixture = db_loss_restored(at(4, 5, 45));
    snapshot!(
        "restored_all",
        restored(
            &fixture.incident,
            &["Database".to_string()],
            "alice",
            fixture.now
        )
    );
}

#[test]
fn follow_up_list_when_its_window_opens() {
    let fixture = db_loss(at(4, 10, 0));
    let message = follow_up_list(&fixture.incident, 0, ListMoment::Opens, fixture.now);
    assert_eq!(message.kind, MessageKind::FollowUp);
    snapshot!("follow_up_list_opens", message);
    let week = follow_up_list(
        &fixture.incident,
        1,
        ListMoment::Opens,
        fixture.incident.follow_ups[1].opens_at_ms,
    );
    assert!(
        week.plain_text()
            .starts_with("INC-3 · Follow-ups 2 of 3: Within 1 Week\nWithin 1 Week — 5 items, due by 2026-12-02 04:10 UTC (in 6d)."),
        "{}",
        week.plain_text()
    );
}

#[test]
fn follow_up_reminder_before_the_deadline() {
    let fixture = db_loss(at(23, 22, 0));
    snapshot!(
        "follow_up_list_reminder",
        follow_up_list(&fixture.incident, 0, ListMoment::Reminder, fixture.now)
    );
}

#[test]
fn restored_an_incident_without_services() {
    let mut fixture = corruption_drill(at(14, 13, 0));
    fixture.incident.apply(&Recorded {
        at_ms: fixture.now,
        by: alice(),
        event: Event::ServicesRestored { services: vec![] },
    });
    assert_eq!(
        fixture.incident.status(),
        crate::incident::Status::Monitoring
    );
    snapshot!(
        "restored_whole",
        restored(&fixture.incident, &[], "alice", fixture.now)
    );
}

#[test]
fn restored_some_of_them_already() {
    let fixture = infra_loss(at(5, 56, 0));
    let message = some_already_restored(
        &fixture.incident,
        &[("Database".to_string(), "bob".to_string(), at(5, 19, 0))],
    )
    .expect("one was back already");
    assert_eq!(message.kind, MessageKind::Reply);
    snapshot!("restored_some_already", message);
    assert_eq!(some_already_restored(&fixture.incident, &[]), None);
}

#[test]
fn restored_refusals() {
    let unknown = refused(&DomainError::UnknownService {
        incident: "INC-5".into(),
        typed: "badge readers".into(),
        services: vec!["Production Sites".into(), "Database".into()],
    });
    assert_eq!(unknown.kind, MessageKind::Error);
    snapshot!("restored_unknown_service", unknown);
    snapshot!(
        "restored_no_services",
        refused(&DomainError::UnknownService {
            incident: "INC-4".into(),
            typed: "db".into(),
            services: vec![],
        })
    );
    snapshot!(
        "restored_already",
        refused(&DomainError::AlreadyRestored {
            incident: "INC-5".into(),
            opened_at_ms: at(5, 0, 0),
            services: vec![
                ("Production Sites".into(), "carol".into(), at(5, 55, 0)),
                ("API Gateway".into(), "carol".into(), at(5, 55, 0)),
            ],
            whole: None,
        })
    );
}

#[test]
fn update_with_the_rto_warning_due_with_it() {
    let fixture = infra_loss(at(5, 30, 0));
    let message = with_rto_warning(
        update(
            &fixture.incident,
            runbook(),
            15 * 60,
            fixture.now,
            Some(at(5, 45, 0)),
        ),
        &fixture.incident,
        50,
        fixture.now,
    );
    assert_eq!(message.kind, MessageKind::Update);
    snapshot!("update_with_rto_warning", message);
}

#[test]
fn rto_warning_about_the_tightest_service_still_down() {
    let fixture = infra_loss(at(5, 48, 0));
    snapshot!(
        "rto_warning_per_service",
        rto_warning(&fixture.incident, 80, fixture.now)
    );
}

#[test]
fn status_per_service() {
    let fixture = infra_loss(at(5, 56, 0));
    snapshot!(
        "status_per_service",
        status(&fixture.incident, runbook(), fixture.now, Some(at(6, 0, 0)))
    );
}

#[test]
fn resolved_per_service() {
    let fixture = infra_loss(at(6, 30, 0));
    snapshot!(
        "resolved_per_service",
        resolved(&fixture.incident, runbook())
    );
}

#[test]
fn resolved_after_restoring() {
    let fixture = db_loss_restored(at(4, 10, 0));
    snapshot!(
        "resolved_after_restoring",
        resolved(&fixture.incident, runbook())
    );
}

#[test]
fn resolving_with_steps_left_open() {
    let mut fixture = db_loss(at(3, 32, 0));
    fixture.incident.apply(&Recorded {
        at_ms: fixture.now,
        by: alice(),
        event: Event::Resolved { root_cause: None },
    });
    let message = resolved_with_open_steps(&fixture.incident).expect("steps left open");
    assert_eq!(message.kind, MessageKind::Reply);
    snapshot!("resolved_with_open_steps", message);
    assert_eq!(
        resolved_with_open_steps(&db_loss(at(4, 10, 0)).incident),
        None,
        "every step confirmed or skipped"
    );
}

#[test]
fn checklist_once_the_recovery_steps_are_done() {
    let fixture = db_loss(at(4, 5, 30));
    let headline = confirmation_headline(&fixture.incident, 6);
    snapshot!(
        "checklist_recovery_done",
        checklist(
            &fixture.incident,
            |i| step(1, i),
            Some(headline),
            fixture.now
        )
    );
}

#[test]
fn follow_up_ticked_says_what_is_left() {
    let fixture = db_loss(at(9, 12, 0));
    snapshot!(
        "follow_up_ticked",
        follow_up_ticked(&fixture.incident, 0, 1, "bob")
    );
}

#[test]
fn follow_up_refusals_show_the_items() {
    use crate::incident::follow_ups::tick;
    let resolved = db_loss(at(9, 12, 0)).incident;
    let open = db_loss(at(3, 27, 0)).incident;
    let drill = corruption_drill(at(14, 16, 0)).incident;
    let refusals: Vec<String> = [
        tick(&resolved, "document", true),
        tick(&resolved, "4.1", true),
        tick(&resolved, "1.2", true),
        tick(&resolved, "1.1", false),
        tick(&open, "1.1", true),
        tick(&drill, "1.1", true),
    ]
    .into_iter()
    .map(|refused_tick| {
        let error = refused_tick.expect_err("refused");
        render(&refused(&error))
    })
    .collect();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("follow_up_refusals", refusals.join("\n"));
    });
}

#[test]
fn stale_question_names_the_ways_out() {
    let fixture = app_server(at(5, 4, 0));
    let message = stale_question(&fixture.incident, 2 * 3_600, 900, at(6, 4, 0));
    assert_eq!(message.kind, MessageKind::Update);
    snapshot!("stale_question", message);
}

#[test]
fn update_while_left_alone() {
    let mut fixture = app_server(at(6, 4, 0));
    fixture.incident.apply(&crate::incident::Recorded {
        at_ms: at(5, 4, 0),
        by: crate::incident::Person::bot(),
        event: crate::incident::Event::StaleAsked,
    });
    snapshot!(
        "update_stale",
        update(
            &fixture.incident,
            runbook(),
            15 * 60,
            fixture.now,
            Some(at(7, 4, 0))
        )
    );
}
