//! Tickets kept under `--data` survive a restart, with their idempotency keys.

use feedback_sandbox::Config;

use crate::support::{doc_body, start, store_request};

#[tokio::test]
async fn tickets_and_numbering_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(dir.path().to_owned()),
        ..Config::default()
    };
    let first = start(config.clone()).await;
    for key in ["k1", "k1"] {
        let status = store_request(&reqwest::Client::new(), &first, "demo-token", &doc_body())
            .header("Idempotency-Key", key)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    }
    first.shutdown().await;

    let second = start(config).await;
    let listed: serde_json::Value =
        reqwest::get(format!("http://{}/__sandbox/tickets", second.addr()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "both stored, not deduplicated");
    assert_eq!(listed[0]["idempotency_key"], "k1");
    assert_eq!(listed[1]["idempotency_key"], "k1");
    let reply: serde_json::Value =
        store_request(&reqwest::Client::new(), &second, "demo-token", &doc_body())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        reply["data"]["ticket_number"], "TCK-000003",
        "numbering continues"
    );
}

#[tokio::test]
async fn a_corrupt_data_file_is_an_error_not_a_silent_reset() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tickets.jsonl"), "{not json\n").unwrap();
    let error = feedback_sandbox::Sandbox::start(Config {
        data_dir: Some(dir.path().to_owned()),
        ..Config::default()
    })
    .await
    .expect_err("a corrupt file is refused");
    assert!(error.to_string().contains("line 1"), "{error}");
}
