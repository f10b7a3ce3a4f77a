//! Exponential backoff with full jitter: after the nth failed attempt, wait
//! a uniformly random time between zero and `min(cap, base * 2^(n-1))`, so
//! that many clients coming back at once do not retry in step.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    rng: fastrand::Rng,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            rng: fastrand::Rng::new(),
        }
    }

    /// The same jitter every run, for tests.
    pub fn seeded(base: Duration, cap: Duration, seed: u64) -> Self {
        Self {
            base,
            cap,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The ceiling of the wait after `attempts` failures (at least 1).
    pub fn ceiling(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.base.saturating_mul(1u32 << doublings).min(self.cap)
    }

    /// A random wait in `0..=ceiling(attempts)`.
    pub fn delay(&mut self, attempts: u32) -> Duration {
        self.delay_within(attempts, None)
    }

    /// A random wait in `0..=ceiling(attempts)`, the ceiling no higher
    /// than `cap` when one is given (jittered all the same).
    pub fn delay_within(&mut self, attempts: u32, cap: Option<Duration>) -> Duration {
        let ceiling = self.ceiling(attempts);
        cap.map_or(ceiling, |cap| ceiling.min(cap))
            .mul_f64(self.rng.f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
        let ceilings: Vec<u64> = (1..=10).map(|n| backoff.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(
            backoff.ceiling(u32::MAX),
            Duration::from_secs(300),
            "no overflow"
        );
    }

    #[test]
    fn delays_are_jittered_within_the_ceiling() {
        let mut backoff = Backoff::seeded(Duration::from_secs(2), Duration::from_secs(300), 7);
        let delays: Vec<Duration> = (0..200).map(|_| backoff.delay(5)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(32)));
        let distinct: std::collections::HashSet<_> = delays.iter().collect();
        assert!(distinct.len() > 150, "full jitter spreads retries out");
        let mean = delays.iter().sum::<Duration>() / 200;
        assert!(
            mean > Duration::from_secs(12) && mean < Duration::from_secs(20),
            "{mean:?} ≈ 16 s"
        );
    }
}
