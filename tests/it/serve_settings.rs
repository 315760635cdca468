//! `serve`'s settings for tests: the shared runbook, a SQLite file in a test's directory, the
//! environment variables a test gives (a platform's tokens and stand-in URLs), and intervals
//! short enough for a test: the scheduler ticks every 20 ms and the outbox neither paces nor
//! waits long before a retry.

use std::path::Path;
use std::time::Duration;

use incident_bot::outbox::DeliveryPolicy;
use incident_bot::serve::ServeSettings;
use incident_bot::startup::Settings;

/// The settings with `vars` as the environment, on 127.0.0.1:0 with the database in `dir`.
pub fn settings(dir: &Path, vars: &[(&str, String)]) -> ServeSettings {
    let runbook = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbooks/shared-disaster-recovery-runbook.md");
    let startup = Settings::from_command_line(
        Some(runbook),
        format!("sqlite://{}", dir.join("bot.db").display()).into(),
    );
    let mut settings = ServeSettings::from_lookup(startup, |name| match name {
        "INCIDENT_BOT_ADDR" => Some("127.0.0.1:0".to_string()),
        _ => vars
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone()),
    })
    .unwrap();
    settings.tick = Duration::from_millis(20);
    settings.outbox = DeliveryPolicy {
        channel_interval: Duration::ZERO,
        first_backoff: Duration::from_millis(50),
        idle_poll: Duration::from_millis(50),
        ..DeliveryPolicy::default()
    };
    settings
}
