//! Every fault flag, as a client sees it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use feedback_sandbox::{Config, Faults, RateLimit};

use crate::support::{Reply, doc_body, post, start, store_request};

fn with_faults(faults: Faults) -> Config {
    Config {
        faults,
        ..Config::default()
    }
}

#[tokio::test]
async fn fail_every_answers_500_and_stores_nothing() {
    let sandbox = start(with_faults(Faults {
        fail_every: Some(2),
        ..Faults::default()
    }))
    .await;
    assert_eq!(post(&sandbox, "demo-token", &doc_body()).await.status, 200);
    let failed = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(failed.status, 500);
    assert_eq!(
        failed.json(),
        serde_json::json!({"message": "Server Error"})
    );
    assert_eq!(
        failed.header("x-ratelimit-remaining"),
        Some("8"),
        "a 500 spends quota"
    );
    assert_eq!(sandbox.tickets().len(), 1);
}

#[tokio::test]
async fn html_502_is_a_proxy_page_without_rate_headers() {
    let sandbox = start(with_faults(Faults {
        html_502_every: Some(1),
        ..Faults::default()
    }))
    .await;
    let reply = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(reply.status, 502);
    assert_eq!(reply.header("content-type"), Some("text/html"));
    assert!(reply.text.contains("502 Bad Gateway"));
    assert_eq!(reply.header("x-ratelimit-limit"), None);
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn drops_close_the_connection_without_a_reply() {
    for (faults, stored) in [
        (
            Faults {
                drop_before_store_every: Some(1),
                ..Faults::default()
            },
            0,
        ),
        (
            Faults {
                drop_after_store_every: Some(1),
                ..Faults::default()
            },
            1,
        ),
    ] {
        let sandbox = start(with_faults(faults)).await;
        let error = store_request(&reqwest::Client::new(), &sandbox, "demo-token", &doc_body())
            .send()
            .await
            .expect_err("no reply");
        assert!(!error.is_connect() && !error.is_timeout(), "{error:?}");
        assert_eq!(sandbox.tickets().len(), stored);
        assert_eq!(sandbox.stats().dropped, 1);
    }
}

#[tokio::test]
async fn stall_never_answers() {
    let sandbox = start(with_faults(Faults {
        stall_every: Some(1),
        ..Faults::default()
    }))
    .await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = store_request(&client, &sandbox, "demo-token", &doc_body())
        .send()
        .await
        .expect_err("no reply");
    assert!(error.is_timeout(), "{error:?}");
    assert!(sandbox.tickets().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_delays_the_reply() {
    let sandbox = start(with_faults(Faults {
        latency: Duration::from_millis(200),
        ..Faults::default()
    }))
    .await;
    let started = std::time::Instant::now();
    assert_eq!(post(&sandbox, "demo-token", &doc_body()).await.status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "the configured delay happened"
    );
}

#[tokio::test]
async fn slow_after_store_holds_the_ticket_before_answering() {
    let sandbox = start(with_faults(Faults {
        slow_after_store: Duration::from_millis(600),
        ..Faults::default()
    }))
    .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let error = store_request(&impatient, &sandbox, "demo-token", &doc_body())
        .send()
        .await
        .expect_err("the reply comes after the client gave up");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "the ticket was stored before the wait, so a retry would file it twice"
    );

    let started = std::time::Instant::now();
    let patient = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(patient.status, 200, "a patient client gets the 200");
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "after the configured wait"
    );
    assert_eq!(sandbox.tickets().len(), 2, "both requests stored a ticket");
}

fn one_a_minute(faults: Faults) -> Config {
    Config {
        rate_limit: RateLimit {
            max: 1,
            window: Duration::from_secs(60),
        },
        faults,
        ..Config::default()
    }
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

fn reset_of(reply: &Reply) -> i64 {
    reply.header("x-ratelimit-reset").unwrap().parse().unwrap()
}

#[tokio::test]
async fn retry_after_zero_says_the_window_ends_now() {
    let sandbox = start(one_a_minute(Faults {
        retry_after_zero: true,
        ..Faults::default()
    }))
    .await;
    let allowed = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(allowed.status, 200, "the fault does not touch the throttle");
    assert_eq!(allowed.header("retry-after"), None, "only 429s carry it");

    let before = unix_now();
    let limited = post(&sandbox, "demo-token", &doc_body()).await;
    let after = unix_now();
    assert_eq!(limited.status, 429, "the window of 1 is really exhausted");
    assert_eq!(limited.header("retry-after"), Some("0"), "wait nothing");
    assert!(
        (before..=after).contains(&reset_of(&limited)),
        "the reset is the current second, not the window's end in 60 s"
    );
    assert_eq!(sandbox.tickets().len(), 1, "the 429 stored nothing");
}

#[tokio::test]
async fn retry_after_and_reset_skew_bend_the_429_headers() {
    let sandbox = start(one_a_minute(Faults {
        retry_after: Some(999_999),
        reset_skew: -3600,
        ..Faults::default()
    }))
    .await;
    let before = unix_now();
    assert_eq!(post(&sandbox, "demo-token", &doc_body()).await.status, 200);
    let limited = post(&sandbox, "demo-token", &doc_body()).await;
    let after = unix_now();
    assert_eq!(limited.status, 429, "the real throttle still refuses");
    assert_eq!(
        limited.header("retry-after"),
        Some("999999"),
        "the forced wait, not the window's 60 s"
    );
    let reset = reset_of(&limited);
    assert!(
        (before + 60 - 3600..=after + 61 - 3600).contains(&reset),
        "the window's end an hour early (a skewed clock): {reset} vs now {before}"
    );
    assert_eq!(
        limited.header("x-ratelimit-remaining"),
        Some("0"),
        "the other 429 headers are as usual"
    );
}
