//! `feedback submit`: every status reported with its exit code.

use feedback_sandbox::{Config, RateLimit};

use crate::support::{Feedback, TOKEN, feedback, sandbox, submit_args};

#[tokio::test]
async fn a_valid_ticket_prints_its_number() {
    let sandbox = sandbox(Config::default()).await;
    let run = feedback(
        &sandbox.base_url(),
        Some(TOKEN),
        &submit_args("Cannot connect"),
    )
    .await;
    assert_eq!(run.code(), 0, "{run:?}");
    assert_eq!(run.stdout().trim(), "delivered TCK-000001");
    assert_eq!(sandbox.tickets().len(), 1);
}

#[tokio::test]
async fn json_prints_the_whole_ticket() {
    let sandbox = sandbox(Config::default()).await;
    let mut args = submit_args("Cannot connect");
    args.extend([
        "--priority",
        "urgent",
        "--rating",
        "4",
        "--type",
        "suggestion",
        "--tool-key",
        "ads",
        "--json",
    ]);
    let run = feedback(&sandbox.base_url(), Some(TOKEN), &args).await;
    assert_eq!(run.code(), 0, "{run:?}");
    let ticket: serde_json::Value = serde_json::from_str(&run.stdout()).expect("stdout is JSON");
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["rating"], 4);
    assert_eq!(ticket["type"], "suggestion");
    assert_eq!(ticket["tool_key"], "ads");
    assert_eq!(
        ticket.as_object().unwrap().len(),
        20,
        "all 20 documented fields"
    );
}

#[tokio::test]
async fn invalid_input_is_reported_per_field_and_not_sent() {
    let sandbox = sandbox(Config::default()).await;
    let long = "😀".repeat(256);
    let args = [
        "submit",
        "--channel",
        " ",
        "--subject",
        &long,
        "--message",
        "m",
        "--rating",
        "6",
        "--priority",
        "asap",
    ];
    let run = feedback(&sandbox.base_url(), Some(TOKEN), &args).await;
    assert_eq!(run.code(), 2, "{run:?}");
    assert_eq!(
        run.stderr().lines().collect::<Vec<_>>(),
        [
            "channel_slug: is required",
            "subject: must not be longer than 255 characters",
            "priority: must be one of: low, normal, high, urgent",
            "rating: must be from 1 to 5",
        ]
    );
    assert_eq!(run.stdout(), "");
    assert!(sandbox.tickets().is_empty());
    assert_eq!(
        sandbox.stats().requests,
        0,
        "nothing was sent: no quota spent"
    );
}

#[tokio::test]
async fn server_rejections_exit_3() {
    let sandbox = sandbox(Config::default()).await;
    let args = [
        "submit",
        "--channel",
        "nope",
        "--subject",
        "s",
        "--message",
        "m",
    ];
    let unknown_channel = feedback(&sandbox.base_url(), Some(TOKEN), &args).await;
    assert_eq!(unknown_channel.code(), 3, "{unknown_channel:?}");
    assert!(
        unknown_channel.stderr().contains("not found"),
        "{unknown_channel:?}"
    );
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn a_forbidden_account_is_paused_with_the_ticket_queued_exit_5() {
    let mut config = Config::default();
    config.forbidden_tokens.push("reader-token".into());
    let sandbox = sandbox(config).await;
    let feedback = Feedback::new();
    let run = feedback
        .run(&sandbox.base_url(), Some("reader-token"), &submit_args("s"))
        .await;
    // A lost permission is the account's, not the ticket's: the ticket waits
    // for it to come back (`feedback outbox retry --all`), it is not refused.
    assert_eq!(run.code(), 5, "{run:?}");
    assert!(run.stderr().contains("may not file tickets"), "{run:?}");
    assert_eq!(sandbox.stats().requests, 1, "the pause is not retried");
    let again = feedback
        .run(&sandbox.base_url(), Some("reader-token"), &submit_args("t"))
        .await;
    assert_eq!(again.code(), 5, "{again:?}");
    assert_eq!(
        sandbox.stats().requests,
        1,
        "a second ticket with the same token is not sent into the same 403"
    );
}

#[tokio::test]
async fn rate_limited_server_error_no_server_and_a_refused_token_queue_with_exit_5() {
    let config = Config {
        rate_limit: RateLimit {
            max: 1,
            window: std::time::Duration::from_secs(300),
        },
        ..Config::default()
    };
    let sandbox = sandbox(config).await;
    let cli = Feedback::new();
    assert_eq!(
        cli.run(&sandbox.base_url(), Some(TOKEN), &submit_args("1"))
            .await
            .code(),
        0
    );
    let limited = cli
        .run(&sandbox.base_url(), Some(TOKEN), &submit_args("2"))
        .await;
    assert_eq!(limited.code(), 5, "{limited:?}");
    assert!(limited.stderr().starts_with("queued ("), "{limited:?}");
    assert!(limited.stderr().contains("rate limited"), "{limited:?}");
    let third = cli
        .run(
            &sandbox.base_url(),
            Some(TOKEN),
            &[&submit_args("3")[..], &["--wait", "1"]].concat(),
        )
        .await;
    assert_eq!(third.code(), 5, "{third:?}");
    let stats = sandbox.stats();
    assert_eq!(
        (stats.requests, stats.by_status.get(&429)),
        (2, Some(&1)),
        "one 429 told the outbox when the window ends; the third submit sent nothing"
    );

    let mut failing = Config::default();
    failing.faults.fail_every = Some(1);
    let failing = crate::support::sandbox(failing).await;
    let args = [&submit_args("s")[..], &["--wait", "1"]].concat();
    let server_error = feedback(&failing.base_url(), Some(TOKEN), &args).await;
    assert_eq!(server_error.code(), 5, "{server_error:?}");
    assert!(
        server_error.stderr().contains("server error 500"),
        "{server_error:?}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = feedback(&format!("http://127.0.0.1:{port}/api"), Some(TOKEN), &args).await;
    assert_eq!(down.code(), 5, "{down:?}");
    assert!(down.stderr().contains("could not connect"), "{down:?}");

    let wrong_token = feedback(&sandbox.base_url(), Some("wrong"), &args).await;
    assert_eq!(
        wrong_token.code(),
        5,
        "a refused token pauses the queue: {wrong_token:?}"
    );
    assert!(
        wrong_token.stderr().contains("refused the token"),
        "{wrong_token:?}"
    );
}

#[tokio::test]
async fn an_insecure_api_base_is_refused_before_anything_is_sent() {
    let run = feedback("http://api.wemasy.nl/api", Some(TOKEN), &submit_args("s")).await;
    assert_eq!(run.code(), 2, "{run:?}");
    assert!(run.stderr().contains("must use https"), "{run:?}");
}

/// A proxy in the environment (as managed machines have) is not asked for
/// a server on this machine: it would see the request and its token in
/// clear, and could not reach this machine's server anyway.
#[tokio::test]
async fn a_server_on_this_machine_is_never_reached_through_a_proxy() {
    let sandbox = sandbox(Config::default()).await;
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counting = seen.clone();
    tokio::spawn(async move {
        while let Ok((connection, _)) = proxy.accept().await {
            counting.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(connection);
        }
    });
    let outbox = Feedback::new();
    let mut command = outbox.command(&sandbox.base_url(), Some(TOKEN), &submit_args("Proxied"));
    for variable in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"] {
        command.env(variable, &proxy_url);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let run = crate::support::Run(command.output().await.unwrap());
    assert_eq!(run.code(), 0, "{run:?}");
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "the ticket went straight to the sandbox"
    );
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing (no token) went to the proxy"
    );
}
