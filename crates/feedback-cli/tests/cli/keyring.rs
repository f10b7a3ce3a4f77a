//! `login` and `logout` against the real OS keyring, and a clear error
//! where there is none. The keyring tests are ignored by a plain `cargo
//! test`; `scripts/test.sh` runs them in a private D-Bus session with a
//! Secret Service, CI on Windows and macOS with `FEEDBACK_TEST_OS_KEYRING=1`
//! against the Credential Manager and the Keychain.

use feedback_sandbox::Config;
use tokio::io::AsyncWriteExt;

use crate::support::{Feedback, TOKEN, os_keyring_for_tests, sandbox, submit_args};

pub(crate) async fn login(cli: &Feedback, base: &str, token: &str) -> std::process::Output {
    let mut child = cli
        .command(base, None, &["login"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{token}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

#[tokio::test]
#[ignore = "writes to the OS keyring: run through scripts/in-test-session.sh or with FEEDBACK_TEST_OS_KEYRING=1"]
async fn login_submit_logout() {
    os_keyring_for_tests();
    let sandbox = sandbox(Config::default()).await;
    let base = sandbox.base_url();

    let cli = Feedback::new();

    let signed_in = login(&cli, &base, TOKEN).await;
    assert!(signed_in.status.success(), "{signed_in:?}");

    let run = cli
        .run(&base, None, &submit_args("With the keyring's token"))
        .await;
    assert_eq!(run.code(), 0, "the stored token is used: {run:?}");

    let out = cli.run(&base, None, &["logout"]).await;
    assert_eq!(out.code(), 0, "{out:?}");
    let again = cli.run(&base, None, &["logout"]).await;
    assert_eq!(again.code(), 0, "signing out twice is fine: {again:?}");

    let run = cli
        .run(
            &base,
            None,
            &[&submit_args("No token")[..], &["--wait", "1"]].concat(),
        )
        .await;
    assert_eq!(run.code(), 5, "saved, not lost: {run:?}");
    assert!(run.stderr().contains("not signed in"), "{run:?}");
    assert_eq!(sandbox.tickets().len(), 1);

    let signed_in = login(&cli, &base, TOKEN).await;
    assert!(signed_in.status.success(), "{signed_in:?}");
    let drained = cli
        .run(&base, None, &["outbox", "drain", "--timeout", "20"])
        .await;
    assert_eq!(drained.code(), 0, "{drained:?}");
    assert_eq!(
        sandbox.tickets().len(),
        2,
        "the ticket queued while signed out went after sign-in"
    );
}

// Only a Secret Service can be pointed away (at a session bus that is not
// there); the Credential Manager and the Keychain are always there.
#[cfg(all(unix, not(target_os = "macos")))]
#[tokio::test]
async fn without_a_keyring_the_error_is_clear_and_quick() {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_feedback"))
        .args(["--api-base", "http://127.0.0.1:9/api", "logout"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the OS keyring is not available"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "no hang");
}
