//! The throttle as the client sees it: Remaining counts down, the 11th
//! request is a 429 with its headers, and a new window opens after it.

use std::time::{Duration, SystemTime};

use feedback_core::{Class, Outcome, RetryAfter};
use feedback_sandbox::{Config, RateLimit};

use crate::support::{client_for, doc_ticket, sandbox, token};

#[tokio::test]
async fn the_eleventh_request_is_rate_limited_until_the_window_resets() {
    let window = Duration::from_secs(2);
    let config = Config {
        rate_limit: RateLimit { max: 10, window },
        ..Config::default()
    };
    let sandbox = sandbox(config).await;
    let client = client_for(&sandbox.base_url());

    for expected_remaining in (0..10).rev() {
        let reply = client.submit(&token(), &doc_ticket(), None).await;
        assert!(
            matches!(reply.outcome, Outcome::Created(_)),
            "{:?}",
            reply.outcome
        );
        assert_eq!(reply.rate_limit.limit, Some(10));
        assert_eq!(reply.rate_limit.remaining, Some(expected_remaining));
    }

    let limited = client.submit(&token(), &doc_ticket(), None).await;
    let Outcome::RateLimited { retry_after, reset } = limited.outcome else {
        panic!("expected a 429, got {:?}", limited.outcome);
    };
    assert_eq!(limited.outcome.class(), Class::RateLimited);
    let Some(RetryAfter::Delay(delay)) = retry_after else {
        panic!("a 429 says how long to wait in seconds: {retry_after:?}");
    };
    assert!(delay <= window && delay > Duration::ZERO, "{delay:?}");
    let reset = reset.expect("a 429 carries X-RateLimit-Reset");
    let now = SystemTime::now();
    assert!(
        reset <= now + window + Duration::from_secs(1),
        "the reset is within the window"
    );
    assert_eq!(limited.rate_limit.remaining, Some(0));
    assert_eq!(sandbox.tickets().len(), 10, "the 429 stored nothing");

    tokio::time::sleep(delay + Duration::from_millis(100)).await;
    let next = client.submit(&token(), &doc_ticket(), None).await;
    assert!(
        matches!(next.outcome, Outcome::Created(_)),
        "{:?}",
        next.outcome
    );
    assert_eq!(next.rate_limit.remaining, Some(9), "a new window started");
}
