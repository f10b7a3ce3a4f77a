//! Pacing by the server's rate-limit headers, so that a backlog drains in
//! close to the least time the limit allows with at most one 429 a window.
//!
//! Laravel's throttle is a fixed window that opens at the first counted
//! request. The reply that reports `Remaining = Limit - 1` belongs to that
//! request, so the window opened no later than that reply arrived; when
//! `Remaining` reaches 0, nothing is sent until the window's estimated end.
//! A 429's own `Retry-After`/`X-RateLimit-Reset` overrule the estimate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::outbox::RateState;
use crate::rate_limit::RateLimitHeaders;

/// What pacing assumes where the server does not say.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The throttle's window (the API's: 5 minutes).
    pub window: Duration,
    /// Added to an estimated window end, for clock granularity.
    pub margin: Duration,
    /// The wait after a 429 that gives neither `Retry-After` nor a reset.
    pub default_retry_after: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(300),
            margin: Duration::from_millis(50),
            default_retry_after: Duration::from_secs(60),
        }
    }
}

impl Pacing {
    /// When sending is allowed again, if not now.
    pub fn blocked_until(state: &RateState, now: i64) -> Option<i64> {
        state.blocked_until.filter(|until| *until > now)
    }

    /// The state after a reply that arrived at `received_at` (Unix ms).
    pub fn after_reply(
        &self,
        state: RateState,
        headers: &RateLimitHeaders,
        rate_limited: bool,
        received_at: i64,
    ) -> RateState {
        let now = to_system_time(received_at);
        if rate_limited {
            let until = headers
                .retry_at(now)
                .map(to_ms)
                .unwrap_or(received_at + ms(self.default_retry_after));
            return RateState {
                limit: headers.limit.or(state.limit),
                remaining: Some(0),
                blocked_until: Some(until.max(received_at)),
                ..state
            };
        }
        let (Some(limit), Some(remaining)) = (headers.limit, headers.remaining) else {
            return state;
        };
        let window = ms(self.window);
        let window_started_at = if remaining + 1 >= limit {
            Some(received_at)
        } else {
            // An older start belongs to a window that has since ended.
            state
                .window_started_at
                .filter(|started| received_at - started < window)
        };
        let blocked_until = if remaining == 0 {
            headers
                .reset
                .map(to_ms)
                .or(window_started_at.map(|started| started + window + ms(self.margin)))
        } else {
            None
        };
        RateState {
            limit: Some(limit),
            remaining: Some(remaining),
            window_started_at,
            blocked_until,
        }
    }
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn to_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map(ms).unwrap_or(0)
}

fn to_system_time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::RetryAfter;

    fn headers(limit: u32, remaining: u32) -> RateLimitHeaders {
        RateLimitHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            ..RateLimitHeaders::default()
        }
    }

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn the_first_reply_of_a_window_dates_it_and_the_last_blocks_until_its_end() {
        let pacing = Pacing::default();
        let mut state = RateState::default();
        state = pacing.after_reply(state, &headers(10, 9), false, T0);
        assert_eq!(state.window_started_at, Some(T0));
        assert_eq!(Pacing::blocked_until(&state, T0), None);
        for (i, remaining) in (0..9).rev().enumerate() {
            state = pacing.after_reply(
                state,
                &headers(10, remaining),
                false,
                T0 + 100 * (i as i64 + 1),
            );
        }
        assert_eq!(
            state.window_started_at,
            Some(T0),
            "later replies keep the start"
        );
        assert_eq!(state.blocked_until, Some(T0 + 300_000 + 50));
        assert_eq!(
            Pacing::blocked_until(&state, T0 + 300_050),
            None,
            "free once the window ends"
        );
    }

    #[test]
    fn without_a_known_start_remaining_zero_does_not_block() {
        let pacing = Pacing::default();
        let state = pacing.after_reply(RateState::default(), &headers(10, 0), false, T0);
        assert_eq!(
            state.blocked_until, None,
            "we may send and learn Retry-After from the 429"
        );
    }

    #[test]
    fn a_stale_start_is_forgotten() {
        let pacing = Pacing::default();
        let state = RateState {
            window_started_at: Some(T0),
            ..RateState::default()
        };
        let state = pacing.after_reply(state, &headers(10, 0), false, T0 + 400_000);
        assert_eq!(state.window_started_at, None);
        assert_eq!(state.blocked_until, None);
    }

    #[test]
    fn a_429_blocks_for_retry_after_or_reset_or_the_default() {
        let pacing = Pacing::default();
        let mut limited = headers(10, 0);
        limited.retry_after = Some(RetryAfter::Delay(Duration::from_secs(42)));
        let state = pacing.after_reply(RateState::default(), &limited, true, T0);
        assert_eq!(state.blocked_until, Some(T0 + 42_000));

        limited.retry_after = None;
        limited.reset = Some(UNIX_EPOCH + Duration::from_secs(1_800_000_100));
        let state = pacing.after_reply(RateState::default(), &limited, true, T0);
        assert_eq!(state.blocked_until, Some(1_800_000_100_000));

        let state =
            pacing.after_reply(RateState::default(), &RateLimitHeaders::default(), true, T0);
        assert_eq!(
            state.blocked_until,
            Some(T0 + 60_000),
            "60 s when the 429 says nothing"
        );
    }

    #[test]
    fn replies_without_headers_change_nothing() {
        let pacing = Pacing::default();
        let state = RateState {
            limit: Some(10),
            remaining: Some(3),
            window_started_at: Some(T0),
            blocked_until: None,
        };
        assert_eq!(
            pacing.after_reply(state, &RateLimitHeaders::default(), false, T0 + 5),
            state
        );
    }
}
