//! `feedback outbox list|retry|discard|export` on a real outbox file.

use feedback_sandbox::Config;

use crate::support::{Feedback, TOKEN, sandbox};

#[tokio::test]
async fn list_retry_discard_and_export() {
    let sandbox = sandbox(Config::default()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    let args = [
        "submit",
        "--channel",
        "nope",
        "--subject",
        "Unknown channel",
        "--message",
        "m",
    ];
    let rejected = cli.run(&base, Some(TOKEN), &args).await;
    assert_eq!(rejected.code(), 3, "{rejected:?}");
    let args = [
        "submit",
        "--channel",
        "feedback",
        "--subject",
        "Later",
        "--message",
        "m",
        "--wait",
        "0",
    ];
    assert_eq!(cli.run(&base, Some(TOKEN), &args).await.code(), 5);

    let list = cli.run(&base, None, &["outbox", "list"]).await;
    assert_eq!(list.code(), 0, "{list:?}");
    let text = list.stdout();
    assert!(
        text.contains("waiting for attention") && text.contains("Unknown channel"),
        "{text}"
    );
    assert!(text.contains("queued") && text.contains("Later"), "{text}");

    let json = cli.run(&base, None, &["outbox", "list", "--json"]).await;
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json.stdout()).unwrap();
    let attention_id = entries[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(entries[0]["state"], "needsAttention");
    assert!(
        entries[0]["attention"]["reason"]
            .as_str()
            .unwrap()
            .contains("not found")
    );

    let export_path = cli.outbox_path().with_file_name("unsent.json");
    let export = cli
        .run(
            &base,
            None,
            &["outbox", "export", export_path.to_str().unwrap()],
        )
        .await;
    assert_eq!(export.code(), 0, "{export:?}");
    let exported: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&export_path).unwrap()).unwrap();
    assert_eq!(exported.len(), 2, "queued and needs-attention tickets");

    let retry = cli
        .run(&base, None, &["outbox", "retry", &attention_id[..8]])
        .await;
    assert_eq!(retry.code(), 0, "{retry:?}");
    let discard = cli
        .run(&base, None, &["outbox", "discard", &attention_id])
        .await;
    assert_eq!(discard.code(), 0, "{discard:?}");
    let missing = cli
        .run(&base, None, &["outbox", "discard", &attention_id])
        .await;
    assert_eq!(missing.code(), 1, "{missing:?}");
    assert!(missing.stderr().contains("no ticket"), "{missing:?}");

    let drain = cli
        .run(&base, Some(TOKEN), &["outbox", "drain", "--timeout", "20"])
        .await;
    assert_eq!(drain.code(), 0, "{drain:?}");
    assert!(
        drain.stderr().contains("sent 1"),
        "progress lines: {drain:?}"
    );
    assert_eq!(sandbox.tickets().len(), 1);
}

#[tokio::test]
async fn a_corrupt_outbox_is_reported_with_its_new_path() {
    let cli = Feedback::new();
    std::fs::write(cli.outbox_path(), "garbage that is no database ".repeat(50)).unwrap();
    let run = cli
        .run("http://127.0.0.1:9/api", None, &["outbox", "list"])
        .await;
    assert_eq!(run.code(), 1, "{run:?}");
    assert!(run.stderr().contains("was moved to"), "{run:?}");
    let again = cli
        .run("http://127.0.0.1:9/api", None, &["outbox", "list"])
        .await;
    assert_eq!(again.code(), 0, "a new outbox: {again:?}");
}
