//! A seeded simulation of desktop days: the real [`Desk`](feedback_core::Desk)
//! (real SQLite, the real engines and client) in processes that start,
//! work, are killed and stopped, beside the sandbox's real server (its
//! validation, throttle and store) behind an in-process network, on a
//! machine whose clock steps and sleeps, whose network, keyring and disk
//! fail, and whose outbox file is damaged. A day is drawn from its seed and
//! replays exactly; after it, the product's promises are checked against
//! the servers' own stores.
//!
//! # Layout
//!
//! - [`run_day`]: one day, from its seed; [`DayReport`] what came of it.
//! - `day.rs`: the day's actions and faults, and its evening (the faults
//!   end, everything that can go must go within a bound).
//! - `person.rs`: what the person does, in the window or at a terminal.
//! - `world.rs`: the machine: its processes, servers, disk.
//! - `net.rs`: the network, its faults, and the record of every exchange.
//! - `keyring.rs`: the machine's keyring, locked or slow at times.
//! - `clock.rs`: the monotonic, wall and server clocks.
//! - `check.rs`: the promises, checked against the servers' truth.
//! - `book.rs`: what the person did and was told; the broken promises.

pub mod book;
mod check;
mod clock;
pub mod day;
mod keyring;
mod net;
mod person;
mod world;

use std::time::Duration;

pub use book::{Invariant, Violation};

/// What a day came to.
#[derive(Debug, Clone)]
pub struct DayReport {
    pub seed: u64,
    pub violations: Vec<Violation>,
    pub trace: Vec<String>,
    /// Every request the network carried, one line each.
    pub exchanges: Vec<String>,
    /// Tickets filed, and requests the servers were sent.
    pub filed: usize,
    pub requests: usize,
    /// How long the evening took to deliver everything, simulated.
    pub settled_in: Duration,
    /// How long the day ran, simulated.
    pub simulated: Duration,
}

impl DayReport {
    /// The command that replays this day with its trace.
    pub fn replay(&self) -> String {
        format!(
            "cargo run -p feedback-sim --release -- --seed {} --trace",
            self.seed
        )
    }

    /// A fingerprint of everything that happened: the same seed, the same digest.
    pub fn digest(&self) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for line in &self.trace {
            for byte in line.bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }
}

/// Runs day `seed` on a runtime of its own: one thread, tokio's clock
/// paused and moved by the simulation.
pub fn run_day(seed: u64) -> DayReport {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let mut day = day::Day::new(seed);
        day.live().await;
        let settled_in = day.settle().await;
        day.end().await;
        let world = &day.world;
        let mut book = std::mem::take(&mut *world.book());
        check::check(world, &mut book);
        let exchanges = world
            .net
            .exchanges()
            .iter()
            .map(|exchange| {
                format!(
                    "#{} {:>9.3}s {} {} {} -> {}",
                    exchange.seq,
                    exchange.at_ms as f64 / 1000.0,
                    exchange.process,
                    exchange
                        .ticket
                        .as_deref()
                        .map_or_else(String::new, |id| book.name_of(id)),
                    exchange.base,
                    exchange.outcome(),
                )
            })
            .collect();
        DayReport {
            seed,
            exchanges,
            violations: book.violations,
            filed: book.filed.len(),
            trace: book.trace,
            requests: world.net.exchanges().len(),
            settled_in,
            simulated: world.clocks.elapsed(),
        }
    })
}

/// Runs the days `seeds`, on as many threads as the machine has cores.
pub fn run_days(seeds: std::ops::Range<u64>) -> Vec<DayReport> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicU64::new(seeds.start);
    let reports = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if seed >= seeds.end {
                        break;
                    }
                    let report = run_day(seed);
                    reports
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(report);
                }
            });
        }
    });
    let mut reports = reports
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    reports.sort_by_key(|report| report.seed);
    reports
}
