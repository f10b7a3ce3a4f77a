//! Laravel's per-user, fixed-window throttle: a window opens at the first
//! request that counts and lasts the configured time; a request over the
//! limit is refused without counting. Time is passed in.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::config::RateLimit;

/// The headers a counted request's reply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub limit: u32,
    pub remaining: u32,
}

/// Why a request was refused, as a 429 says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: u32,
    /// Whole seconds until the window ends, at least 1.
    pub retry_after: u64,
    /// The window's end as Unix time, rounded up.
    pub reset: u64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    ends: SystemTime,
    attempts: u32,
}

#[derive(Debug)]
pub struct Throttle {
    limit: RateLimit,
    windows: HashMap<u64, Window>,
}

impl Throttle {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            windows: HashMap::new(),
        }
    }

    /// Counts a request of `user` at `now`, or refuses it.
    pub fn hit(&mut self, user: u64, now: SystemTime) -> Result<Allowed, Refused> {
        let RateLimit { max, window } = self.limit;
        let current = self
            .windows
            .entry(user)
            .and_modify(|current| {
                if now >= current.ends {
                    *current = Window {
                        ends: now + window,
                        attempts: 0,
                    };
                }
            })
            .or_insert(Window {
                ends: now + window,
                attempts: 0,
            });
        if current.attempts >= max {
            let left = current.ends.duration_since(now).unwrap_or_default();
            return Err(Refused {
                limit: max,
                retry_after: ceil_secs(left).max(1),
                reset: ceil_secs(
                    current
                        .ends
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .unwrap_or_default(),
                ),
            });
        }
        current.attempts += 1;
        Ok(Allowed {
            limit: max,
            remaining: max - current.attempts,
        })
    }
}

fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: f64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs_f64(1_000.0 + secs)
    }

    fn throttle() -> Throttle {
        Throttle::new(RateLimit {
            max: 3,
            window: Duration::from_secs(10),
        })
    }

    #[test]
    fn counts_down_then_refuses_until_the_window_ends() {
        let mut throttle = throttle();
        assert_eq!(throttle.hit(1, at(0.5)).unwrap().remaining, 2);
        assert_eq!(throttle.hit(1, at(1.0)).unwrap().remaining, 1);
        assert_eq!(throttle.hit(1, at(2.0)).unwrap().remaining, 0);
        let refused = throttle.hit(1, at(3.0)).unwrap_err();
        assert_eq!(
            refused.retry_after, 8,
            "the window opened at 0.5 and lasts 10 s"
        );
        assert_eq!(refused.reset, 1_011);
        assert_eq!(
            throttle.hit(1, at(10.4)).unwrap_err().retry_after,
            1,
            "never 0 while refused"
        );
        assert_eq!(
            throttle.hit(1, at(10.5)).unwrap().remaining,
            2,
            "a new window"
        );
    }

    #[test]
    fn a_refusal_does_not_count_and_users_are_separate() {
        let mut throttle = throttle();
        for _ in 0..3 {
            throttle.hit(1, at(0.0)).unwrap();
        }
        for _ in 0..5 {
            assert!(throttle.hit(1, at(1.0)).is_err());
        }
        assert_eq!(
            throttle.hit(2, at(1.0)).unwrap().remaining,
            2,
            "user 2 has its own window"
        );
        assert_eq!(throttle.hit(1, at(10.0)).unwrap().remaining, 2);
    }
}
