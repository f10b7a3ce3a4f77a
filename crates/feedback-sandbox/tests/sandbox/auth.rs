//! 401 and 403, and what they carry.

use feedback_sandbox::Config;

use crate::support::{doc_body, post, send, start, store_url};

#[tokio::test]
async fn unknown_or_missing_tokens_get_401_without_rate_headers() {
    let sandbox = start(Config::default()).await;
    let reply = post(&sandbox, "wrong", &doc_body()).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        serde_json::json!({"error": true, "message": "Unauthenticated."}),
        "the API doc lists `error` and `message` for a 401"
    );
    assert_eq!(reply.json()["error"], true, "a 401 says it is an error");
    assert_eq!(reply.header("x-ratelimit-limit"), None);
    assert_eq!(reply.header("x-ratelimit-remaining"), None);

    let anonymous = send(
        reqwest::Client::new()
            .post(store_url(&sandbox))
            .header("Accept", "application/json"),
    )
    .await;
    assert_eq!(anonymous.status, 401, "no token at all is unauthenticated");
    assert_eq!(
        anonymous.json()["error"],
        true,
        "the 401 without a token has the same documented body"
    );

    let html = send(
        reqwest::Client::new()
            .post(store_url(&sandbox))
            .bearer_auth("wrong")
            .json(&doc_body()),
    )
    .await;
    assert_eq!(html.status, 401);
    assert!(
        serde_json::from_str::<serde_json::Value>(&html.text).is_err(),
        "no JSON without Accept: {}",
        html.text
    );

    let after = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(
        after.header("x-ratelimit-remaining"),
        Some("9"),
        "401s spent no quota"
    );
}

#[tokio::test]
async fn forbidden_users_get_403_and_spend_quota() {
    let sandbox = start(Config {
        forbidden_tokens: vec!["reader".into()],
        ..Config::default()
    })
    .await;
    let reply = post(&sandbox, "reader", &doc_body()).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json()["error"], true);
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("9"));
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn other_methods_and_paths() {
    let sandbox = start(Config::default()).await;
    let get = send(
        reqwest::Client::new()
            .get(store_url(&sandbox))
            .header("Accept", "application/json"),
    )
    .await;
    assert_eq!(get.status, 405);
    assert!(
        get.json()["message"]
            .as_str()
            .unwrap()
            .contains("Supported methods: POST.")
    );
    let missing =
        send(reqwest::Client::new().get(format!("http://{}/api/nope", sandbox.addr()))).await;
    assert_eq!(missing.status, 404);
}
