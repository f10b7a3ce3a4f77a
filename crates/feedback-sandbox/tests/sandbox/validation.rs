//! 422 with Laravel's messages and summary; 404 for an unknown channel; a
//! redirect for a client that does not ask for JSON.

use feedback_sandbox::{Config, MaxLength};
use serde_json::{Value, json};

use crate::support::{doc_body, post, send, start, store_url};

async fn errors_for(body: Value) -> (u16, Value) {
    let sandbox = start(Config::default()).await;
    let reply = post(&sandbox, "demo-token", &body).await;
    assert!(sandbox.tickets().is_empty() || reply.status == 200);
    (reply.status, reply.json())
}

fn with(field: &str, value: Value) -> Value {
    let mut body = doc_body();
    body[field] = value;
    body
}

#[tokio::test]
async fn messages_and_summary() {
    let (status, json) =
        errors_for(json!({"subject": "   ", "rating": 9, "priority": "asap"})).await;
    assert_eq!(status, 422);
    assert_eq!(
        json,
        json!({
            "message": "The channel slug field is required. (and 4 more errors)",
            "errors": {
                "channel_slug": ["The channel slug field is required."],
                "subject": ["The subject field is required."],
                "message": ["The message field is required."],
                "priority": ["The selected priority is invalid."],
                "rating": ["The rating field must not be greater than 5."]
            }
        })
    );
}

#[tokio::test]
async fn one_error_has_no_summary_suffix() {
    let (status, json) = errors_for(with("subject", json!("é".repeat(256)))).await;
    assert_eq!(status, 422);
    assert_eq!(
        json["message"],
        "The subject field must not be greater than 255 characters."
    );
}

#[tokio::test]
async fn a_stricter_server_refuses_what_the_documentation_allows() {
    let sandbox = start(Config {
        max_lengths: vec![MaxLength {
            field: "subject".into(),
            max: 20,
        }],
        ..Config::default()
    })
    .await;
    let reply = post(
        &sandbox,
        "demo-token",
        &with("subject", json!("x".repeat(21))),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json()["errors"],
        json!({"subject": ["The subject field must not be greater than 20 characters."]})
    );
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn characters_not_bytes() {
    let (status, _) = errors_for(with("subject", json!("😀".repeat(255)))).await;
    assert_eq!(status, 200, "255 emoji are valid");
}

#[tokio::test]
async fn ratings_as_laravel_reads_them() {
    for (rating, expected) in [
        (json!("5"), 200),
        (json!(1), 200),
        (json!(0), 422),
        (json!(6), 422),
        (json!("abc"), 422),
        (json!(5.5), 422),
    ] {
        let (status, json) = errors_for(with("rating", rating.clone())).await;
        assert_eq!(status, expected, "{rating}: {json}");
    }
}

#[tokio::test]
async fn an_unknown_channel_is_404_after_validation() {
    let (status, json) = errors_for(with("channel_slug", json!("nope"))).await;
    assert_eq!(status, 404);
    assert_eq!(json["error"], true);
}

#[tokio::test]
async fn without_accept_json_a_validation_failure_redirects() {
    let sandbox = start(Config::default()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = send(
        client
            .post(store_url(&sandbox))
            .bearer_auth("demo-token")
            .json(&json!({})),
    )
    .await;
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.header("location"),
        Some(format!("http://{}/", sandbox.addr()).as_str())
    );
    assert_eq!(
        reply.header("x-ratelimit-remaining"),
        Some("9"),
        "and it spent quota"
    );
}
