//! Every fault flag, as a client sees it.

use std::time::Duration;

use feedback_sandbox::{Config, Faults};

use crate::support::{doc_body, post, start, store_request};

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
