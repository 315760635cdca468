//! Parsing speed: the user's runbook (what the bot does at start-up and on `check-runbook`) and
//! scenario lookup (what every `/incident open` does).

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

criterion_group!(benches, parse_runbooks, lookup_scenarios);
criterion_main!(benches);
