//! [`Clock`]: "now" as Unix milliseconds, read from the wall clock at every
//! decision.
//!
//! Monotonic clocks (`std::time::Instant`, tokio's) stand still while a
//! laptop is suspended on Linux and macOS, so a deadline kept as an instant
//! would come hours late after a night's sleep. Deadlines are kept as wall
//! times and turned into a short sleep just before sleeping (see the engine).
//! Tests replace the wall clock with a [`FakeWallClock`] that follows
//! tokio's paused clock and can also jump on its own, as a resume does.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the wall time comes from.
pub trait WallClock: Send + Sync {
    /// Unix milliseconds now.
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A handle on a wall clock, cheap to clone.
#[derive(Clone)]
pub struct Clock(Arc<dyn WallClock>);

impl Clock {
    /// The system's wall clock.
    pub fn system() -> Self {
        Self(Arc::new(SystemWallClock))
    }

    pub fn new(wall: Arc<dyn WallClock>) -> Self {
        Self(wall)
    }

    /// Unix milliseconds now.
    pub fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clock(now = {} ms)", self.now_ms())
    }
}

/// A wall clock for tests: it starts at a given time, moves with tokio's
/// clock (so `tokio::time::advance` and auto-advance under
/// `start_paused` move it too), and [`FakeWallClock::jump`] moves it alone,
/// as a suspend does: the wall clock moves on while tokio's stands still.
#[derive(Debug)]
pub struct FakeWallClock {
    start_ms: i64,
    started: tokio::time::Instant,
    jumped_ms: AtomicI64,
}

impl FakeWallClock {
    /// Must be called inside a tokio runtime.
    pub fn starting_at(start_ms: i64) -> Arc<Self> {
        Arc::new(Self {
            start_ms,
            started: tokio::time::Instant::now(),
            jumped_ms: AtomicI64::new(0),
        })
    }

    /// Moves the wall clock by `ms` (negative: back), tokio's clock not at all.
    pub fn jump(&self, ms: i64) {
        self.jumped_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn clock(self: &Arc<Self>) -> Clock {
        Clock(self.clone())
    }
}

impl WallClock for FakeWallClock {
    fn now_ms(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.start_ms
            .saturating_add(elapsed)
            .saturating_add(self.jumped_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn a_fake_wall_clock_follows_tokio_and_jumps_alone() {
        let wall = FakeWallClock::starting_at(1_000);
        let clock = wall.clock();
        tokio::time::advance(Duration::from_secs(300)).await;
        assert_eq!(clock.now_ms(), 301_000, "paused tokio time moves it");
        let before = tokio::time::Instant::now();
        wall.jump(6 * 3600 * 1000);
        assert_eq!(clock.now_ms(), 301_000 + 6 * 3600 * 1000, "a resume");
        assert_eq!(
            tokio::time::Instant::now(),
            before,
            "tokio's clock stood still"
        );
    }

    #[test]
    fn the_system_clock_is_the_wall_clock() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let read = u128::try_from(Clock::system().now_ms()).unwrap_or(0);
        assert!(read.abs_diff(now) < 1_000, "{read} vs {now}");
    }
}
