//! [`Quota`]: how many requests the account has left in the throttle's
//! window, as the last replies told it, for a status line that says "7 of
//! 10 left, renewed at 14:05".

use serde::Serialize;

use super::pacing::{DOCUMENTED_WINDOW, Pacing, ms};
use crate::outbox::RateState;

/// An account's rate-limit quota at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// Requests a window allows.
    pub limit: u32,
    /// Requests left in the current window.
    pub remaining: u32,
    /// When the current window ends and the quota is whole again (Unix ms),
    /// when known; `None` once it has ended.
    pub resets_at: Option<i64>,
    /// No request before this time (Unix ms), if one is set: the server
    /// said to wait, or the quota is spent.
    pub blocked_until: Option<i64>,
}

impl Pacing {
    /// The quota `state` describes at `now`; `None` before any reply gave
    /// the limit. A window that has ended (its length configured, learned,
    /// or else the documented one) leaves the quota whole.
    pub fn quota(&self, state: &RateState, now: i64) -> Option<Quota> {
        let limit = state.limit?;
        let window = self
            .window
            .map(ms)
            .or(state.learned_window)
            .unwrap_or(ms(DOCUMENTED_WINDOW));
        let ends = state
            .window_started_at
            .map(|started| started.saturating_add(window));
        // With no known start, a wait the server set and that is over
        // (as pacing judges it) was the window's end: the 429 said when to
        // come back.
        let blocked_until = self.blocked_until(state, now);
        let waited_out = ends.is_none()
            && state.remaining == Some(0)
            && state.blocked_until.is_some()
            && blocked_until.is_none();
        if ends.is_some_and(|ends| ends <= now) || waited_out {
            return Some(Quota {
                limit,
                remaining: limit,
                resets_at: None,
                blocked_until,
            });
        }
        Some(Quota {
            limit,
            remaining: state.remaining.unwrap_or(limit).min(limit),
            resets_at: ends.or(blocked_until),
            blocked_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const T0: i64 = 1_800_000_000_000;

    fn state(remaining: u32) -> RateState {
        RateState {
            limit: Some(10),
            remaining: Some(remaining),
            window_started_at: Some(T0),
            blocked_until: None,
            learned_window: None,
        }
    }

    #[test]
    fn no_limit_seen_is_no_quota() {
        assert_eq!(Pacing::default().quota(&RateState::default(), T0), None);
    }

    #[test]
    fn within_the_window_the_quota_is_what_the_last_reply_said() {
        let quota = Pacing::default().quota(&state(7), T0 + 1_000).unwrap();
        assert_eq!(
            quota,
            Quota {
                limit: 10,
                remaining: 7,
                resets_at: Some(T0 + 300_000),
                blocked_until: None,
            },
            "no length known: the documented 5 minutes"
        );
    }

    #[test]
    fn the_window_is_the_configured_else_the_learned_length() {
        let learned = RateState {
            learned_window: Some(3_000),
            ..state(7)
        };
        let quota = Pacing::default().quota(&learned, T0 + 1_000).unwrap();
        assert_eq!(quota.resets_at, Some(T0 + 3_000));
        let configured = Pacing {
            window: Some(Duration::from_secs(60)),
            ..Pacing::default()
        };
        let quota = configured.quota(&learned, T0 + 1_000).unwrap();
        assert_eq!(quota.resets_at, Some(T0 + 60_000), "configured wins");
    }

    #[test]
    fn an_ended_window_leaves_the_quota_whole() {
        let spent = RateState {
            blocked_until: Some(T0 + 300_050),
            ..state(0)
        };
        let pacing = Pacing::default();
        let during = pacing.quota(&spent, T0 + 299_999).unwrap();
        assert_eq!(
            (during.remaining, during.blocked_until),
            (0, Some(T0 + 300_050))
        );
        let after = pacing.quota(&spent, T0 + 300_000).unwrap();
        assert_eq!(
            after,
            Quota {
                limit: 10,
                remaining: 10,
                resets_at: None,
                blocked_until: Some(T0 + 300_050),
            },
            "the window is over; the margin's wait still shows"
        );
        let later = pacing.quota(&spent, T0 + 400_000).unwrap();
        assert_eq!((later.remaining, later.blocked_until), (10, None));
    }

    #[test]
    fn a_429_with_no_known_start_counts_until_its_wait_is_over() {
        let limited = RateState {
            limit: Some(10),
            remaining: Some(0),
            window_started_at: None,
            blocked_until: Some(T0 + 42_000),
            learned_window: None,
        };
        let pacing = Pacing::default();
        let waiting = pacing.quota(&limited, T0).unwrap();
        assert_eq!(
            waiting,
            Quota {
                limit: 10,
                remaining: 0,
                resets_at: Some(T0 + 42_000),
                blocked_until: Some(T0 + 42_000),
            }
        );
        let after = pacing.quota(&limited, T0 + 42_000).unwrap();
        assert_eq!((after.remaining, after.resets_at), (10, None));
    }

    #[test]
    fn a_huge_stored_wait_is_over_as_pacing_judges_it() {
        let stored = RateState {
            blocked_until: Some(T0 + 30 * 24 * 3_600_000),
            ..state(0)
        };
        let quota = Pacing::default().quota(&stored, T0).unwrap();
        assert_eq!(quota.blocked_until, None, "no wait that never ends");
    }
}
