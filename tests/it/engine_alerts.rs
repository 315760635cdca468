//! Alerts through the engine on SQLite and PostgreSQL: an alert below `ALERTS_AUTO_OPEN` is
//! offered once however often it repeats (also after a restart), its offer edited when it
//! resolves; a critical one opens one incident, the rest of its group is told in it, its
//! resolution is told and the bot suggests `/incident restored`, resolving nothing; two replicas
//! taking the same alert at once take it once.

use commands::Severity;
use incident_bot::alerts::{alertmanager, Alert, AlertSource, AlertStatus};
use incident_bot::engine::{bot_person, AlertRoute, AlertTaken};
use incident_bot::incident::IncidentId;
use incident_bot::instant::UnixMillis;
use incident_bot::platform::Platform;
use incident_bot::store::AuditOutcome;

use crate::fixtures::path;
use crate::test_bot::{channel, TestBot};

fn sample(name: &str, source: AlertSource) -> Vec<Alert> {
    let body = std::fs::read(path(&format!("alerts/{name}"))).unwrap();
    alertmanager::decode(source, &body).unwrap()
}

fn route(auto_open: Option<Severity>) -> AlertRoute {
    AlertRoute {
        channel: channel(),
        auto_open,
    }
}

fn resolved(alert: &Alert) -> Alert {
    Alert {
        status: AlertStatus::Resolved,
        ends_at_ms: Some(alert.starts_at_ms + 29 * 60_000),
        ..alert.clone()
    }
}

async fn take(bot: &TestBot, alert: &Alert, route: &AlertRoute) -> AlertTaken {
    bot.engine.take_alert(alert, route).await.expect("taken")
}

on_both_backends! {
    a_warning_is_offered_once_and_its_offer_edited_when_it_resolves(db) => async {
        let bot = TestBot::on(db).await;
        let route = route(Some(Severity::Critical));
        let grafana = sample("grafana_webhook_firing.json", AlertSource::Grafana).remove(0);
        assert_eq!(take(&bot, &grafana, &route).await, AlertTaken::Offered);
        assert_eq!(take(&bot, &grafana, &route).await, AlertTaken::Repeat);
        let posts = bot.posts().await;
        assert_eq!(posts.len(), 1, "{posts:?}");
        let offer = posts[0].1.plain_text();
        assert!(offer.contains("Alert firing: HighErrorRate (Grafana)"), "{offer}");
        assert!(
            offer.contains("matched on the symptom “500 errors on all client sites”"),
            "{offer}"
        );
        assert!(
            offer.contains("/incident open high db-loss 500 errors on all client sites"),
            "{offer}"
        );

        // After a restart the repeat is still a repeat; the resolution edits the offer.
        let bot = bot.restarted().await;
        assert_eq!(take(&bot, &grafana, &route).await, AlertTaken::Repeat);
        assert_eq!(take(&bot, &resolved(&grafana), &route).await, AlertTaken::Offered);
        assert_eq!(take(&bot, &resolved(&grafana), &route).await, AlertTaken::Repeat);
        let pending = bot
            .engine
            .store()
            .pending_posts(Platform::Console, UnixMillis::new(i64::MAX), 10)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert!(pending[0].replaces.is_some(), "the offer is edited, not posted again");
        assert!(pending[0].body.contains("Alert resolved at"), "{}", pending[0].body);
        assert!(pending[0].body.contains("nothing to open"), "{}", pending[0].body);

        // A later firing of the same alert is news, and edits the same offer.
        let again = Alert { starts_at_ms: grafana.starts_at_ms + 3_600_000, ..grafana.clone() };
        assert_eq!(take(&bot, &again, &route).await, AlertTaken::Offered);
        assert_eq!(take(&bot, &grafana, &route).await, AlertTaken::Repeat, "an old firing, late");
    };

    a_critical_group_opens_one_incident_and_its_resolution_is_told_in_it(db) => async {
        let bot = TestBot::on(db).await;
        let route = route(Some(Severity::Critical));
        let group = sample("alertmanager_v4_firing.json", AlertSource::Alertmanager);
        let opened = take(&bot, &group[0], &route).await;
        assert_eq!(opened, AlertTaken::Opened(IncidentId::new(1)));
        assert_eq!(take(&bot, &group[1], &route).await, AlertTaken::Told(IncidentId::new(1)));
        for alert in &group {
            assert_eq!(take(&bot, alert, &route).await, AlertTaken::Repeat);
        }
        let texts: Vec<String> = bot.posts().await.into_iter().map(|(_, m)| m.plain_text()).collect();
        assert!(texts[0].contains("INCIDENT"), "{texts:?}");
        let from_alert = texts.iter().find(|t| t.contains("Opened from alert")).expect("told why");
        assert!(from_alert.contains("Scenario 1: Complete Database Loss (matched on the symptom"), "{from_alert}");
        assert!(from_alert.contains("claim it: /incident assign INC-1 commander @me"), "{from_alert}");
        assert!(texts.last().unwrap().contains("Alert DatabaseConnectionFailures (Alertmanager) is firing"), "{texts:?}");
        // The opening is in the audit log, by the bot, saying which alert opened it.
        let audit = bot.engine.store().audit_since(UnixMillis::new(0), 10).await.unwrap();
        let rows: Vec<(String, String, Option<IncidentId>, AuditOutcome)> = audit
            .into_iter()
            .map(|row| (row.person.name, row.command, row.incident, row.outcome))
            .collect();
        assert_eq!(
            rows,
            [(
                bot_person().name,
                "/incident open critical db-loss (the alert DatabaseConnectionFailures from Alertmanager)".to_string(),
                Some(IncidentId::new(1)),
                AuditOutcome::Done
            )]
        );

        // Someone opening the same scenario by hand is pointed at it: never a second incident.
        let reply = bot.say("alice", "/incident open critical db-loss").await.unwrap();
        assert!(reply.plain_text().contains("INC-1"), "{}", reply.plain_text());

        // Resolutions: each told, the last with the suggestion; the incident stays open.
        let cleared = sample("alertmanager_v4_resolved.json", AlertSource::Alertmanager);
        assert_eq!(take(&bot, &cleared[0], &route).await, AlertTaken::Told(IncidentId::new(1)));
        assert_eq!(take(&bot, &cleared[1], &route).await, AlertTaken::Told(IncidentId::new(1)));
        let texts: Vec<String> = bot.posts().await.into_iter().map(|(_, m)| m.plain_text()).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].contains("DatabaseConnectionFailures (Alertmanager) resolved at Sun 29 Nov 03:41 UTC"), "{texts:?}");
        assert!(!texts[0].contains("All alerts"), "{texts:?}");
        assert!(texts[1].contains("All alerts of INC-1 have cleared. If service is back, say so: /incident restored INC-1"), "{texts:?}");
        let events = bot.engine.store().events(IncidentId::new(1)).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["opened", "alert_fired", "alert_fired", "alert_resolved", "alert_resolved"]);
        let status = bot.say("alice", "/incident status").await.unwrap().plain_text();
        assert!(!status.contains("Resolved"), "{status}");
    };

    without_auto_open_a_critical_alert_is_offered_and_an_open_incident_takes_it(db) => async {
        let bot = TestBot::on(db).await;
        let route = route(None);
        let group = sample("alertmanager_v4_firing.json", AlertSource::Alertmanager);
        assert_eq!(take(&bot, &group[0], &route).await, AlertTaken::Offered);
        let offer = bot.posts().await.remove(0).1.plain_text();
        assert!(offer.contains("/incident open critical db-loss"), "{offer}");
        bot.say("alice", "/incident open critical db-loss").await;
        bot.posts().await;
        assert_eq!(take(&bot, &group[1], &route).await, AlertTaken::Told(IncidentId::new(1)));
        // An alert of no scenario is offered with the scenarios to choose from.
        let mut watchdog = group[0].clone();
        watchdog.name = "Watchdog".into();
        watchdog.fingerprint = "w1".into();
        watchdog.summary = None;
        watchdog.description = None;
        watchdog.labels.clear();
        assert_eq!(take(&bot, &watchdog, &route).await, AlertTaken::Offered);
        let texts: Vec<String> = bot.posts().await.into_iter().map(|(_, m)| m.plain_text()).collect();
        let offer = texts.last().unwrap();
        assert!(offer.contains("No runbook scenario matched: no scenario's title, symptoms or services mention “watchdog”"), "{offer}");
        assert!(offer.contains("• db-loss — Complete Database Loss"), "{offer}");
        assert!(offer.contains("/incident open high <scenario> Watchdog"), "{offer}");
    };
}

/// Two replicas of a PostgreSQL database take the same alert at the same moment: one takes it,
/// the other finds it taken: one incident, and the next alert of its scenario told in it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_take_the_same_alert_once() {
    let bot = TestBot::on(crate::test_db::TestDb::postgres().await).await;
    let replica = bot.replica().await;
    let critical = route(Some(Severity::Critical));
    let group = sample("alertmanager_v4_firing.json", AlertSource::Alertmanager);
    let grafana = sample("grafana_webhook_firing.json", AlertSource::Grafana).remove(0);
    for (alert, expected) in [
        (&group[0], AlertTaken::Opened(IncidentId::new(1))),
        (&grafana, AlertTaken::Told(IncidentId::new(1))),
    ] {
        let (one, two) = tokio::join!(
            bot.engine.take_alert(alert, &critical),
            replica.take_alert(alert, &critical)
        );
        let mut taken = [one.unwrap(), two.unwrap()];
        taken.sort_by_key(|taken| *taken == AlertTaken::Repeat);
        assert_eq!(taken, [expected, AlertTaken::Repeat]);
    }
    assert!(bot
        .engine
        .store()
        .incident(IncidentId::new(2))
        .await
        .unwrap()
        .is_none());
}
