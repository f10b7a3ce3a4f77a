//! [`Clock`]: wall-clock milliseconds derived from tokio's clock, so the
//! engine's notion of "now" advances with `tokio::time::advance` in tests.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin_ms: i64,
    origin: Instant,
}

impl Clock {
    /// Starts at the current wall-clock time.
    pub fn system() -> Self {
        let origin_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self::starting_at(origin_ms)
    }

    /// Starts at `origin_ms`, for tests.
    pub fn starting_at(origin_ms: i64) -> Self {
        Self {
            origin_ms,
            origin: Instant::now(),
        }
    }

    /// Unix milliseconds now.
    pub fn now_ms(&self) -> i64 {
        self.origin_ms + i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// The tokio instant at which it will be `at_ms`.
    pub fn instant_at(&self, at_ms: i64) -> Instant {
        let from_origin = u64::try_from(at_ms - self.origin_ms).unwrap_or(0);
        self.origin + std::time::Duration::from_millis(from_origin)
    }
}
