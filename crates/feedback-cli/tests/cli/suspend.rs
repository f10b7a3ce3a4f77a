//! A real process through a suspend: `feedback outbox drain` runs under
//! libfaketime, whose wall clock jumps 6 hours while the monotonic clock
//! does not, as on a laptop that slept. A ticket waiting out a 5-minute
//! rate-limit window goes within seconds of the wake, not 5 minutes later.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use feedback_sandbox::{Config, RateLimit, Sandbox};

use crate::support::{Feedback, TOKEN, sandbox, submit_args};

const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 20 s");
}

fn window(port: u16) -> Config {
    Config {
        port,
        rate_limit: RateLimit {
            max: 1,
            window: Duration::from_secs(300),
        },
        ..Config::default()
    }
}

#[tokio::test]
#[ignore = "needs libfaketime (scripts/setup.sh installs it): scripts/test.sh runs it"]
async fn a_drain_goes_on_within_seconds_of_a_wake() {
    assert!(Path::new(FAKETIME).exists(), "libfaketime is installed");
    let first = sandbox(window(0)).await;
    let port = first.addr().port();
    let base = first.base_url();
    let cli = Feedback::new();
    for subject in ["before the lid closed", "waiting for the window"] {
        let mut args = submit_args(subject);
        args.extend(["--wait", "0"]);
        assert_eq!(cli.run(&base, Some(TOKEN), &args).await.code(), 5);
    }
    let clock = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(clock.path(), "+0").unwrap();
    let drain = cli
        .command(&base, Some(TOKEN), &["outbox", "drain", "--timeout", "600"])
        .env("LD_PRELOAD", FAKETIME)
        .env("FAKETIME_TIMESTAMP_FILE", clock.path())
        .env("FAKETIME_NO_CACHE", "1")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One delivered, then the window is full: the 429 says wait ~5 minutes.
    until("a delivery and a 429", || {
        first.tickets().len() == 1 && first.stats().by_status.contains_key(&429)
    })
    .await;

    // The laptop sleeps for 6 hours; the server's window ends meanwhile.
    first.shutdown().await;
    let second: Sandbox = sandbox(window(port)).await;
    std::fs::write(clock.path(), "+21600").unwrap();

    let output = tokio::time::timeout(Duration::from_secs(20), drain.wait_with_output())
        .await
        .expect("the drain goes on within seconds of the wake, not after the 5-minute wait")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stored = second.tickets();
    assert_eq!(stored.len(), 1, "{stderr}");
    assert_eq!(stored[0].ticket.subject, "waiting for the window");
}
