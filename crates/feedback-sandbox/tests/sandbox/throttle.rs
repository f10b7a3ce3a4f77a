//! The fixed window: which replies spend quota, and what a 429 carries.

use std::time::Duration;

use feedback_sandbox::{Config, RateLimit};
use serde_json::json;

use crate::support::{doc_body, post, start};

#[tokio::test]
async fn invalid_requests_spend_quota_and_429s_do_not() {
    let sandbox = start(Config {
        rate_limit: RateLimit {
            max: 3,
            window: Duration::from_secs(2),
        },
        ..Config::default()
    })
    .await;
    assert_eq!(
        post(&sandbox, "demo-token", &json!({}))
            .await
            .header("x-ratelimit-remaining"),
        Some("2")
    );
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body())
            .await
            .header("x-ratelimit-remaining"),
        Some("1")
    );
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body())
            .await
            .header("x-ratelimit-remaining"),
        Some("0")
    );
    for _ in 0..3 {
        let limited = post(&sandbox, "demo-token", &doc_body()).await;
        assert_eq!(limited.status, 429);
        assert_eq!(limited.json(), json!({"message": "Too Many Attempts."}));
        assert_eq!(limited.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
        let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=2).contains(&retry_after), "{retry_after}");
        let reset: u64 = limited
            .header("x-ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(reset >= now && reset <= now + 3, "{reset} vs {now}");
    }
    let stats = sandbox.stats();
    assert_eq!(stats.by_status.get(&429), Some(&3));
    assert_eq!(sandbox.tickets().len(), 2);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let fresh = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(
        fresh.header("x-ratelimit-remaining"),
        Some("2"),
        "the 429s did not extend the window"
    );
}
