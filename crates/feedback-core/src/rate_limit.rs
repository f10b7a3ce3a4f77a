//! The rate-limit headers of a reply: `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining`, and on a 429 `Retry-After` and `X-RateLimit-Reset`.
//!
//! Parsing never fails: a missing or malformed header is `None`, because a
//! garbled header must not turn a delivered ticket into an error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When the server says to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: 120` or `Retry-After: 1.5`.
    Delay(Duration),
    /// `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
    At(SystemTime),
}

impl RetryAfter {
    /// Parses a `Retry-After` value: whole or fractional seconds, or an HTTP date.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            let seconds: f64 = value.parse().ok()?;
            return Duration::try_from_secs_f64(seconds).ok().map(Self::Delay);
        }
        httpdate::parse_http_date(value).ok().map(Self::At)
    }

    /// How long to wait from `now`; zero for a date in the past.
    pub fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            Self::Delay(delay) => delay,
            Self::At(at) => at.duration_since(now).unwrap_or_default(),
        }
    }
}

/// The rate-limit headers of one reply; all absent on a 401 and on transport
/// failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub retry_after: Option<RetryAfter>,
    /// `X-RateLimit-Reset`: when the window ends.
    pub reset: Option<SystemTime>,
}

impl RateLimitHeaders {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let number = |name: &str| text(name).and_then(|value| value.trim().parse::<u64>().ok());
        Self {
            limit: number("x-ratelimit-limit").and_then(|n| u32::try_from(n).ok()),
            remaining: number("x-ratelimit-remaining").and_then(|n| u32::try_from(n).ok()),
            retry_after: text(RETRY_AFTER.as_str()).and_then(RetryAfter::parse),
            reset: number("x-ratelimit-reset")
                .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs))),
        }
    }

    /// When sending is allowed again according to these headers, if they say:
    /// `Retry-After` first, else `X-RateLimit-Reset`.
    pub fn retry_at(&self, now: SystemTime) -> Option<SystemTime> {
        match self.retry_after {
            Some(retry_after) => now.checked_add(retry_after.delay_from(now)),
            None => self.reset,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_integer_fraction_and_date() {
        assert_eq!(
            RetryAfter::parse("120"),
            Some(RetryAfter::Delay(Duration::from_secs(120)))
        );
        assert_eq!(
            RetryAfter::parse(" 0 "),
            Some(RetryAfter::Delay(Duration::ZERO))
        );
        assert_eq!(
            RetryAfter::parse("1.5"),
            Some(RetryAfter::Delay(Duration::from_millis(1500)))
        );
        let date = RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            date,
            RetryAfter::At(UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
    }

    #[test]
    fn retry_after_garbage_is_none_not_a_panic() {
        for garbage in [
            "",
            "soon",
            "-5",
            "1.2.3",
            ".",
            "1e400",
            "NaN",
            "inf",
            "999999999999999999999999999",
        ] {
            assert_eq!(RetryAfter::parse(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn a_date_is_a_delay_from_now() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let at = RetryAfter::At(now + Duration::from_secs(30));
        assert_eq!(at.delay_from(now), Duration::from_secs(30));
        assert_eq!(
            at.delay_from(now + Duration::from_secs(60)),
            Duration::ZERO,
            "past dates mean now"
        );
    }

    #[test]
    fn all_headers_of_a_429() {
        let parsed = RateLimitHeaders::from_headers(&headers(&[
            ("x-ratelimit-limit", "10"),
            ("x-ratelimit-remaining", "0"),
            ("retry-after", "42"),
            ("x-ratelimit-reset", "1800000042"),
        ]));
        assert_eq!(parsed.limit, Some(10));
        assert_eq!(parsed.remaining, Some(0));
        assert_eq!(
            parsed.retry_after,
            Some(RetryAfter::Delay(Duration::from_secs(42)))
        );
        assert_eq!(
            parsed.reset,
            Some(UNIX_EPOCH + Duration::from_secs(1_800_000_042))
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(parsed.retry_at(now), Some(now + Duration::from_secs(42)));
    }

    #[test]
    fn missing_and_garbage_headers_are_none() {
        assert!(RateLimitHeaders::from_headers(&HeaderMap::new()).is_empty());
        let parsed = RateLimitHeaders::from_headers(&headers(&[
            ("x-ratelimit-limit", "ten"),
            ("x-ratelimit-remaining", "-1"),
            ("retry-after", "later"),
            ("x-ratelimit-reset", "99999999999999999999999"),
        ]));
        assert!(parsed.is_empty(), "{parsed:?}");
    }

    #[test]
    fn reset_is_used_when_retry_after_is_absent() {
        let parsed = RateLimitHeaders::from_headers(&headers(&[("x-ratelimit-reset", "2000")]));
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            parsed.retry_at(now),
            Some(UNIX_EPOCH + Duration::from_secs(2_000))
        );
    }
}
