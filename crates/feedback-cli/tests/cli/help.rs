//! Every command explains itself with examples.

use crate::support::feedback;

#[tokio::test]
async fn every_command_has_help_with_examples() {
    for command in [
        "login",
        "logout",
        "submit",
        "outbox list",
        "outbox retry",
        "outbox discard",
        "outbox export",
        "outbox drain",
        "doctor",
    ] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let run = feedback("http://127.0.0.1:9/api", None, &args).await;
        assert_eq!(run.code(), 0, "{run:?}");
        assert!(run.stdout().contains("Examples:"), "{command}: {run:?}");
    }
    let top = feedback("http://127.0.0.1:9/api", None, &["--help"]).await;
    assert!(top.stdout().contains("Exit codes:"), "{top:?}");
}
