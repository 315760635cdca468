//! Integration tests: one binary, one module per capability (see matklad's "Delete Cargo
//! Integration Tests").

#[macro_use]
mod test_db;
#[macro_use]
mod sender_contract;

mod access;
mod alertmanager_real;
mod alerts_serve;
mod audit_cli;
mod check_runbook_cli;
mod console_cli;
mod console_clock;
mod discord_gateway_replicas;
mod discord_gateway_standin;
mod discord_requests;
mod discord_rest;
mod discord_sender;
mod discord_serve;
mod discord_standin;
mod engine_alerts;
mod engine_cadence;
mod engine_corrections;
mod engine_drills;
mod engine_follow_ups;
mod engine_matching;
mod engine_replicas;
mod engine_restoration;
mod engine_rules;
mod engine_scenarios;
mod engine_stale;
mod engine_tracks;
mod fixtures;
mod help_cli;
mod log_capture;
mod outbox;
mod outbox_cli;
mod pings;
mod postgres_restart;
mod private_postgres;
mod readme;
mod runbook_malformed;
mod runbook_shared;
mod runbook_styles;
mod runbook_wiki;
mod scenario_lookup;
mod sender_rig;
mod serve_limits;
mod serve_replays;
mod serve_settings;
mod settings_cli;
mod slack_http;
mod slack_outage;
mod slack_requests;
mod slack_sender;
mod slack_serve;
mod slack_socket_mode;
mod slack_standin;
mod status_cli;
mod store;
mod store_disk_full;
mod test_bot;
mod tidy;
mod transcript;
