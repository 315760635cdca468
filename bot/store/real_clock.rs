//! Which clock writes to the store. A rehearsal's simulated clock runs ahead of real time, so its
//! posts would land in a real incident's timeline from the future: the first time a real clock
//! opens a store for writing, the store keeps that instant, and a simulated clock is refused a
//! store that has it (`startup`).

use super::{Store, StoreError, UnixMillis};

const MARK_SQL: &str =
    "INSERT INTO real_clock (id, since_ms) VALUES (1, $1) ON CONFLICT (id) DO NOTHING";

const SINCE_SQL: &str = "SELECT since_ms FROM real_clock WHERE id = 1";

impl Store {
    /// Records that a real clock writes to this store, at `now` unless one already did.
    pub async fn mark_real_clock(&self, now: UnixMillis) -> Result<(), StoreError> {
        self.check_writable()?;
        sqlx::query(MARK_SQL)
            .bind(now.millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Since when a real clock has written to this store; `None` if never.
    pub async fn real_clock_since(&self) -> Result<Option<UnixMillis>, StoreError> {
        let since: Option<i64> = sqlx::query_scalar(SINCE_SQL)
            .fetch_optional(&self.pool)
            .await?;
        Ok(since.map(UnixMillis::new))
    }
}
