//! The store's hot queries use their indexes (SQLite's plans are deterministic enough to check;
//! the behaviour of the store on both backends is tested in `tests/it/store.rs`).

use sqlx::Row;

use super::incidents::{ALL_OPEN_INCIDENTS_SQL, OPEN_INCIDENTS_SQL};
use super::outbox::PENDING_POSTS_SQL;
use super::timers::DUE_TIMERS_SQL;
use super::Store;

/// The detail lines of SQLite's plan for `sql` (parameters left unbound: NULL).
pub(super) async fn plan(store: &Store, sql: &str) -> Vec<String> {
    sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(store.pool())
        .await
        .expect("EXPLAIN QUERY PLAN runs")
        .iter()
        .map(|row| {
            row.try_get::<String, _>("detail")
                .expect("plan rows have a detail")
        })
        .collect()
}

/// The rows a query makes itself (the channels' heads), which it may read whole.
const OWN_ROWS: [&str; 2] = ["SCAN heads", "SCAN head_one"];

/// Whether a plan reads the outbox through one of its indexes of unsent posts (sorting those is
/// allowed: there are few), never a whole table.
pub(super) fn reads_only_pending_posts(plan: &[String]) -> bool {
    plan.iter()
        .any(|line| line.contains("outbox_pending") || line.contains("outbox_channel_heads"))
        && plan.iter().all(|line| {
            !line.starts_with("SCAN ") || line.contains(" USING ") || OWN_ROWS.contains(&&**line)
        })
}

fn assert_uses_index(plan: &[String], index: &str) {
    assert!(
        plan.iter().any(|line| line.contains(index)),
        "expected the plan to use {index}: {plan:#?}"
    );
    for line in plan {
        let whole_table_scan = line.starts_with("SCAN ") && !line.contains(" USING ");
        assert!(!whole_table_scan, "the plan scans a whole table: {plan:#?}");
        assert!(
            !line.contains("TEMP B-TREE"),
            "the plan sorts rows: {plan:#?}"
        );
    }
}

#[tokio::test]
async fn hot_queries_read_only_what_they_need_on_sqlite() {
    let store = Store::connect("sqlite::memory:")
        .await
        .expect("in-memory store");
    assert_uses_index(&plan(&store, DUE_TIMERS_SQL).await, "timers_due");
    let pending = plan(&store, PENDING_POSTS_SQL).await;
    assert!(
        reads_only_pending_posts(&pending),
        "expected the plan to read pending posts only: {pending:#?}"
    );
    assert_uses_index(
        &plan(&store, OPEN_INCIDENTS_SQL).await,
        "incidents_open_by_channel",
    );
    assert_uses_index(
        &plan(&store, ALL_OPEN_INCIDENTS_SQL).await,
        "incidents_open",
    );
}
