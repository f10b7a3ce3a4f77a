//! The simulated machine's clocks. Tokio's paused clock is the monotonic
//! one (it stands still through a suspend); the desktop's wall clock and
//! the server's follow it, a suspend moves both on, and a step (NTP, a
//! person, a bad battery) moves the desktop's alone, either way.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use feedback_core::delivery::{Clock, WallClock};

/// Where every simulated day starts: a Monday morning in 2026.
const DAY_STARTS_MS: i64 = 1_796_972_400_000;

#[derive(Debug)]
pub struct Clocks {
    started: tokio::time::Instant,
    desktop: AtomicI64,
    server: AtomicI64,
}

impl Clocks {
    /// Must be called inside the simulation's runtime.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            started: tokio::time::Instant::now(),
            desktop: AtomicI64::new(0),
            server: AtomicI64::new(0),
        })
    }

    fn elapsed_ms(&self) -> i64 {
        i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// How long the day has run, on the monotonic clock.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The desktop's wall clock, Unix ms.
    pub fn desktop_ms(&self) -> i64 {
        DAY_STARTS_MS + self.elapsed_ms() + self.desktop.load(Ordering::SeqCst)
    }

    /// The server's clock.
    pub fn server_time(&self) -> SystemTime {
        let ms = DAY_STARTS_MS + self.elapsed_ms() + self.server.load(Ordering::SeqCst);
        UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// The machine slept `ms`: the world's time moved on, the monotonic
    /// clock did not.
    pub fn suspend(&self, ms: i64) {
        self.desktop.fetch_add(ms, Ordering::SeqCst);
        self.server.fetch_add(ms, Ordering::SeqCst);
    }

    /// The desktop's wall clock was set `ms` on (negative: back).
    pub fn step(&self, ms: i64) {
        self.desktop.fetch_add(ms, Ordering::SeqCst);
    }

    /// The desktop's wall clock, as the desk reads it.
    pub fn desktop(self: &Arc<Self>) -> Clock {
        Clock::new(Arc::new(Desktop(self.clone())))
    }
}

#[derive(Debug)]
struct Desktop(Arc<Clocks>);

impl WallClock for Desktop {
    fn now_ms(&self) -> i64 {
        self.0.desktop_ms()
    }
}
