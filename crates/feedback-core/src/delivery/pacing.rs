//! Pacing by the server's rate-limit headers, so that a backlog drains in
//! close to the least time the limit allows with at most one 429 a window.
//!
//! Laravel's throttle is a fixed window that opens at the first counted
//! request. The reply that reports `Remaining = Limit - 1` belongs to that
//! request, so the window opened no later than that reply arrived. When
//! `Remaining` reaches 0, nothing is sent until the window's end: estimated
//! from that start plus the window's length, when the length is known
//! (configured, or learned from an earlier 429); otherwise one request goes
//! out to learn it, and its 429 (which spends no quota) says when to come
//! back. A 429's `Retry-After`/`X-RateLimit-Reset` always overrule, within
//! bounds: at least a second (Laravel says `Retry-After: 0` in a window's
//! last second, and a date in the past means the same), and at most
//! [`Pacing::max_wait`], tied to the documented window, so a huge value or a
//! skewed server clock cannot block an account for days.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::outbox::RateState;
use crate::rate_limit::RateLimitHeaders;

/// What pacing assumes where the server does not say.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The throttle's window, when known for certain. `None` (the default)
    /// learns it from the server: the API documents 5 minutes, but a window
    /// assumed too long would stall a queue for minutes.
    pub window: Option<Duration>,
    /// Added to an estimated window end, for clock granularity.
    pub margin: Duration,
    /// The wait after a 429 that gives neither `Retry-After` nor a reset.
    pub default_retry_after: Duration,
    /// The longest wait a server can set, and the longest window that can
    /// be learned. A fixed window never needs a longer wait from any moment.
    pub max_wait: Duration,
    /// The shortest wait after a 429.
    pub min_wait: Duration,
}

/// The API's documented throttle window: 10 requests per 5 minutes.
pub const DOCUMENTED_WINDOW: Duration = Duration::from_secs(300);

impl Default for Pacing {
    fn default() -> Self {
        Self {
            window: None,
            margin: Duration::from_millis(50),
            default_retry_after: Duration::from_secs(60),
            max_wait: DOCUMENTED_WINDOW + Duration::from_secs(5),
            min_wait: Duration::from_secs(1),
        }
    }
}

impl Pacing {
    /// When sending is allowed again, if not now. No wait set here is
    /// longer than [`Pacing::max_wait`]: one stored further ahead was
    /// written by an older version, or under a wall clock that has since
    /// stepped back, and is over (bounded from each new "now" instead, it
    /// would slide along with it and never end).
    pub fn blocked_until(&self, state: &RateState, now: i64) -> Option<i64> {
        state
            .blocked_until
            .filter(|until| *until > now && *until <= now.saturating_add(ms(self.max_wait)))
    }

    /// `until`, kept between [`Pacing::min_wait`] and [`Pacing::max_wait`] from `now`.
    fn bounded(&self, until: i64, now: i64) -> i64 {
        until.clamp(
            now.saturating_add(ms(self.min_wait)),
            now.saturating_add(ms(self.max_wait)),
        )
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
            let until = self.bounded(until, received_at);
            return RateState {
                limit: headers.limit.or(state.limit),
                remaining: Some(0),
                blocked_until: Some(until),
                learned_window: learn(state, received_at, until)
                    .map(|window| window.min(ms(self.max_wait))),
                ..state
            };
        }
        let (Some(limit), Some(remaining)) = (headers.limit, headers.remaining) else {
            return state;
        };
        let window = self.window.map(ms).or(state.learned_window);
        let window_started_at = if remaining.saturating_add(1) >= limit {
            Some(received_at)
        } else {
            // An older start belongs to a window that has since ended.
            state
                .window_started_at
                .filter(|started| window.is_none_or(|window| received_at - started < window))
        };
        let blocked_until = if remaining == 0 {
            let estimate = window_started_at
                .zip(window)
                .map(|(started, window)| started + window + ms(self.margin));
            headers
                .reset
                .map(to_ms)
                .or(estimate)
                .map(|until| until.min(received_at.saturating_add(ms(self.max_wait))))
        } else {
            None
        };
        RateState {
            limit: Some(limit),
            remaining: Some(remaining),
            window_started_at,
            blocked_until,
            learned_window: state.learned_window,
        }
    }
}

/// The window's length as a 429 at `received_at` shows it: from the
/// window's known start to the end the server gave, in whole seconds
/// (Laravel's windows are), never below one second. A 429 that came although
/// the learned length had passed means the length was short (servers round
/// `Retry-After` either way): it grows by a second.
fn learn(state: RateState, received_at: i64, ends: i64) -> Option<i64> {
    let Some(started) = state.window_started_at else {
        return state.learned_window;
    };
    let observed = ((ends - started) / 1000 * 1000).max(1000);
    Some(match state.learned_window {
        // A start from an earlier window says nothing about this one.
        Some(learned) if received_at >= started + 2 * learned => learned,
        Some(learned) if received_at >= started + learned => learned + 1000,
        Some(learned) => learned.min(observed),
        None => observed,
    })
}

pub(super) fn ms(duration: Duration) -> i64 {
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

    fn limited(retry_after_secs: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            retry_after: Some(RetryAfter::Delay(Duration::from_secs(retry_after_secs))),
            ..headers(10, 0)
        }
    }

    const T0: i64 = 1_800_000_000_000;

    fn known_window() -> Pacing {
        Pacing {
            window: Some(Duration::from_secs(300)),
            ..Pacing::default()
        }
    }

    /// Ten replies, 100 ms apart, from a fresh window at T0.
    fn a_full_window(pacing: &Pacing, mut state: RateState) -> RateState {
        for (i, remaining) in (0..10).rev().enumerate() {
            state = pacing.after_reply(state, &headers(10, remaining), false, T0 + 100 * i as i64);
        }
        state
    }

    #[test]
    fn the_first_reply_of_a_window_dates_it_and_the_last_blocks_until_its_end() {
        let state = a_full_window(&known_window(), RateState::default());
        assert_eq!(
            state.window_started_at,
            Some(T0),
            "later replies keep the start"
        );
        assert_eq!(state.blocked_until, Some(T0 + 300_000 + 50));
        assert_eq!(
            known_window().blocked_until(&state, T0 + 300_000),
            Some(T0 + 300_050)
        );
        assert_eq!(
            known_window().blocked_until(&state, T0 + 300_050),
            None,
            "free once the window ends"
        );
    }

    #[test]
    fn an_unknown_window_is_learned_from_one_429() {
        let pacing = Pacing::default();
        let state = a_full_window(&pacing, RateState::default());
        assert_eq!(
            state.blocked_until, None,
            "no length known: one request goes out to ask"
        );
        let state = pacing.after_reply(state, &limited(3), true, T0 + 950);
        assert_eq!(
            state.blocked_until,
            Some(T0 + 3_950),
            "the 429's Retry-After"
        );
        assert_eq!(
            state.learned_window,
            Some(3_000),
            "3.95 s seen, whole seconds kept"
        );

        let next = pacing.after_reply(state, &headers(10, 9), false, T0 + 4_000);
        let next = a_full_window_from(&pacing, next, T0 + 4_000);
        assert_eq!(
            next.blocked_until,
            Some(T0 + 4_000 + 3_000 + 50),
            "the learned length, no 429"
        );
    }

    fn a_full_window_from(pacing: &Pacing, mut state: RateState, start: i64) -> RateState {
        for (i, remaining) in (0..9).rev().enumerate() {
            state = pacing.after_reply(
                state,
                &headers(10, remaining),
                false,
                start + 100 * (i as i64 + 1),
            );
        }
        state
    }

    #[test]
    fn the_shortest_window_seen_wins() {
        let pacing = Pacing::default();
        let mut state = RateState {
            window_started_at: Some(T0),
            learned_window: Some(5_000),
            ..RateState::default()
        };
        state = pacing.after_reply(state, &limited(3), true, T0 + 500);
        assert_eq!(state.learned_window, Some(3_000));
        state.window_started_at = Some(T0);
        state = pacing.after_reply(state, &limited(9), true, T0 + 500);
        assert_eq!(state.learned_window, Some(3_000));
    }

    #[test]
    fn a_429_after_the_learned_window_lengthens_it() {
        let state = RateState {
            window_started_at: Some(T0),
            learned_window: Some(3_000),
            ..RateState::default()
        };
        let state = Pacing::default().after_reply(state, &limited(1), true, T0 + 3_050);
        assert_eq!(
            state.learned_window,
            Some(4_000),
            "the server's window ends later than learned"
        );
    }

    #[test]
    fn a_stale_start_is_forgotten() {
        let state = RateState {
            window_started_at: Some(T0),
            ..RateState::default()
        };
        let state = known_window().after_reply(state, &headers(10, 0), false, T0 + 400_000);
        assert_eq!(state.window_started_at, None);
        assert_eq!(state.blocked_until, None);
    }

    #[test]
    fn a_429_blocks_for_retry_after_or_reset_or_the_default() {
        let pacing = Pacing::default();
        let state = pacing.after_reply(RateState::default(), &limited(42), true, T0);
        assert_eq!(state.blocked_until, Some(T0 + 42_000));

        let mut reset = headers(10, 0);
        reset.reset = Some(UNIX_EPOCH + Duration::from_secs(1_800_000_100));
        let state = pacing.after_reply(RateState::default(), &reset, true, T0);
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
        let state = RateState {
            limit: Some(10),
            remaining: Some(3),
            window_started_at: Some(T0),
            blocked_until: None,
            learned_window: None,
        };
        assert_eq!(
            Pacing::default().after_reply(state, &RateLimitHeaders::default(), false, T0 + 5),
            state
        );
    }

    #[test]
    fn a_zero_or_past_retry_after_still_waits_a_second() {
        let pacing = Pacing::default();
        let state = pacing.after_reply(RateState::default(), &limited(0), true, T0);
        assert_eq!(
            state.blocked_until,
            Some(T0 + 1_000),
            "Retry-After: 0 must not let a client hammer the server"
        );
        let past = RateLimitHeaders {
            retry_after: Some(RetryAfter::At(UNIX_EPOCH + Duration::from_secs(1_000))),
            ..headers(10, 0)
        };
        let state = pacing.after_reply(RateState::default(), &past, true, T0);
        assert_eq!(state.blocked_until, Some(T0 + 1_000), "a date in the past");
    }

    #[test]
    fn a_huge_or_skewed_server_wait_is_bounded_by_the_window() {
        let pacing = Pacing::default();
        let ceiling = T0 + 305_000;
        let state = pacing.after_reply(RateState::default(), &limited(999_999), true, T0);
        assert_eq!(state.blocked_until, Some(ceiling), "not 11 days");
        let mut skewed = headers(10, 0);
        skewed.reset = Some(UNIX_EPOCH + Duration::from_secs(4_000_000_000));
        let state = pacing.after_reply(RateState::default(), &skewed, true, T0);
        assert_eq!(state.blocked_until, Some(ceiling), "a reset decades ahead");
        let state = pacing.after_reply(RateState::default(), &skewed, false, T0);
        assert_eq!(
            state.blocked_until,
            Some(ceiling),
            "the last request of a window with a skewed reset"
        );
        let stored = RateState {
            blocked_until: Some(T0 + 30 * 24 * 3_600_000),
            ..RateState::default()
        };
        assert_eq!(
            pacing.blocked_until(&stored, T0),
            None,
            "a wait stored further ahead than any can be (by an older version, or under a clock since set back) is over: bounded from each new now, it would never end"
        );
    }

    #[test]
    fn a_window_learned_from_stale_counts_never_exceeds_the_bound() {
        let pacing = Pacing::default();
        // Another device spent the quota long before this client's idea of
        // the window's start, and the server's reset is far off.
        let state = RateState {
            window_started_at: Some(T0 - 10 * 3_600_000),
            ..RateState::default()
        };
        let state = pacing.after_reply(state, &limited(200), true, T0);
        let learned = state.learned_window.unwrap_or(0);
        assert!(
            learned <= 305_000,
            "learned {learned} ms, hours would stall the queue"
        );
    }

    #[test]
    fn a_remaining_count_at_the_integer_limit_does_not_overflow() {
        let state = Pacing::default().after_reply(
            RateState::default(),
            &headers(u32::MAX, u32::MAX),
            false,
            T0,
        );
        assert_eq!(state.window_started_at, Some(T0));
    }

    /// Found by the simulation (issue 17, seed 851 of the first run): a
    /// rate-limit wait stored, then the wall clock set back by hours. The
    /// wait, bounded again from each new "now", slid along with it and
    /// never ended. A wait further ahead than any wait can be was dated by
    /// a clock that has since stepped back: it is over.
    #[test]
    fn a_wait_dated_before_the_clock_stepped_back_ends() {
        let pacing = Pacing::default();
        let state = RateState {
            blocked_until: Some(T0 + 60_000),
            ..RateState::default()
        };
        assert_eq!(
            pacing.blocked_until(&state, T0),
            Some(T0 + 60_000),
            "a wait"
        );
        let stepped_back = T0 - 57 * 3_600_000;
        assert_eq!(
            pacing.blocked_until(&state, stepped_back),
            None,
            "57 h back, the wait is over rather than 57 h long"
        );
        assert_eq!(
            pacing.blocked_until(&state, stepped_back + 600_000),
            None,
            "and stays over"
        );
    }
}
