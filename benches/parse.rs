//! Parsing speed: the user's runbook (what the bot does at start-up and on `check-runbook`),
//! scenario lookup (what every `/incident open` does) and a realistic mix of typed commands.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use incident_bot::runbook;

const SHARED_RUNBOOK: &str =
    include_str!("../tests/fixtures/runbooks/shared-disaster-recovery-runbook.md");

fn parse_runbooks(c: &mut Criterion) {
    let mut group = c.benchmark_group("runbook");
    group.throughput(Throughput::Bytes(SHARED_RUNBOOK.len() as u64));
    group.bench_function("parse shared runbook", |b| {
        b.iter(|| runbook::parse(std::hint::black_box(SHARED_RUNBOOK)))
    });
    group.throughput(Throughput::Bytes(runbook::DEFAULT_RUNBOOK.len() as u64));
    group.bench_function("parse bundled runbook", |b| {
        b.iter(|| runbook::parse(std::hint::black_box(runbook::DEFAULT_RUNBOOK)))
    });
    group.finish();
}

fn lookup_scenarios(c: &mut Criterion) {
    let runbook = runbook::parse(SHARED_RUNBOOK);
    let queries = [
        "db-loss",
        "1",
        "complete-database-loss",
        "app-server",
        "databse-loss",
        "loss",
    ];
    let mut group = c.benchmark_group("scenario lookup");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("mixed queries", |b| {
        b.iter(|| {
            for query in queries {
                let _ = std::hint::black_box(runbook.find_scenario(query));
            }
        })
    });
    group.finish();
}

/// What a channel types during an incident, valid commands and mistakes alike.
const COMMAND_MIX: &[&str] = &[
    "/incident open critical db-loss Primary cluster unreachable since 03:02",
    "/incident step done",
    "/incident step INC-12 3 done restored from the 02:00 dump",
    "/incident step skip backups verified yesterday",
    "/incident update Restore at 60%, ETA 10 minutes",
    "/incident status",
    "/incident assign commander <@U024BE7LH>",
    "/incident rpo 2026-11-25 02:00",
    "/incident choose A",
    "/incident resolve \"disk controller firmware\" bug",
    "/postmortem INC-12",
    "/incident open critcal db-loss",
    "/incident opne high app-down",
];

fn parse_commands(c: &mut Criterion) {
    let mut group = c.benchmark_group("commands");
    group.throughput(Throughput::Elements(COMMAND_MIX.len() as u64));
    group.bench_function("mixed command lines", |b| {
        b.iter(|| {
            for line in COMMAND_MIX {
                let _ = std::hint::black_box(commands::parse_line(std::hint::black_box(line)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_runbooks, lookup_scenarios, parse_commands);
criterion_main!(benches);
