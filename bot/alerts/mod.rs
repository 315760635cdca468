//! Alerts from monitoring, as the bot understands them: one neutral [`Alert`] whatever sent it
//! (`alert`), decoded from Prometheus Alertmanager's and Grafana's webhooks (`alertmanager`) and
//! from PagerDuty's v3 webhooks with their signatures (`pagerduty`), and matched to the runbook's
//! scenarios (`matching`, by a scenario's `**Alerts:**` matchers or else by the words of its
//! title, symptoms and services: `words`). Nothing here knows HTTP, a store or a chat platform:
//! `serve` takes the requests in, and the engine decides what an alert changes.

mod alert;
pub mod alertmanager;
pub mod matching;
pub mod pagerduty;
pub mod settings;
mod words;

pub use alert::{Alert, AlertSource, AlertStatus, DecodeError};
