//! `feedback doctor` against the sandbox: a healthy setup passes, what is
//! broken FAILs with what to do, and the token never shows. Unless a test
//! is about the keyring, `FEEDBACK_TOKEN` is set, so the keyring's answer
//! cannot change the outcome; on Linux the session bus points nowhere, so
//! the user's own Secret Service is not even asked (the Credential Manager
//! and the Keychain are: for an entry that is not there).

use feedback_core::Token;
use feedback_sandbox::{Config, TokenSpec};

use crate::keyring::login;
use crate::support::{Feedback, Run, os_keyring_for_tests, sandbox, submit_args};

const SECRET: &str = "doctor-s3cret-token";

/// A sandbox that knows only [`SECRET`].
fn accepting_the_secret() -> Config {
    Config {
        tokens: vec![TokenSpec {
            token: SECRET.into(),
            user_id: None,
        }],
        ..Config::default()
    }
}

async fn doctor(cli: &Feedback, base: &str, token: Option<&str>, args: &[&str]) -> Run {
    let mut command = cli.command(base, token, &[&["doctor"], args].concat());
    command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    Run(command.output().await.unwrap())
}

fn lines<'a>(run: &'a Run, level: &str) -> Vec<&'a str> {
    let stdout = &run.0.stdout;
    std::str::from_utf8(stdout)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with(level))
        .collect()
}

/// Neither the token nor its fingerprint is anywhere in `run`'s output.
fn no_secret(run: &Run) {
    let fingerprint = Token::new(SECRET).unwrap().fingerprint();
    for (name, text) in [("stdout", run.stdout()), ("stderr", run.stderr())] {
        assert!(!text.contains(SECRET), "the token in {name}: {text}");
        assert!(
            !text.contains(&fingerprint),
            "the token's fingerprint in {name}: {text}"
        );
    }
}

#[tokio::test]
async fn a_healthy_setup_passes_without_showing_the_token() {
    let sandbox = sandbox(accepting_the_secret()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    let sent = cli
        .run(
            &base,
            Some(SECRET),
            &submit_args("Quarterly payroll question"),
        )
        .await;
    assert_eq!(sent.code(), 0, "{sent:?}");

    let run = doctor(&cli, &base, Some(SECRET), &[]).await;
    assert_eq!(run.code(), 0, "nothing FAILs: {run:?}");
    assert!(lines(&run, "FAIL").is_empty(), "{run:?}");
    let ok = lines(&run, "ok ").join("\n");
    assert!(
        ok.contains("passes its check") && ok.contains("1 delivered"),
        "the outbox and its counts: {run:?}"
    );
    assert!(
        ok.contains("not paused, not rate limited; 9 of 10 requests left"),
        "the quota the one reply left: {run:?}"
    );
    assert!(ok.contains("accepts connections"), "{run:?}");
    let warned = lines(&run, "warn").join("\n");
    assert!(
        warned.contains("not production"),
        "the sandbox is said not to be production: {run:?}"
    );
    let keyring = run
        .stdout()
        .lines()
        .find(|line| line.contains("OS keyring"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a keyring line: {run:?}"));
    assert!(
        keyring.contains("FEEDBACK_TOKEN is used"),
        "the variable stands in for the keyring: {run:?}"
    );
    if cfg!(all(unix, not(target_os = "macos"))) {
        assert!(
            keyring.starts_with("warn"),
            "no Secret Service on a bus that is not there, and so a warning: {run:?}"
        );
    }
    assert_eq!(
        sandbox.stats().requests,
        1,
        "the doctor sent no request: only the submit spent quota"
    );
    no_secret(&run);
    assert!(!run.stdout().contains("Quarterly payroll"), "{run:?}");

    let json = doctor(&cli, &base, Some(SECRET), &["--json"]).await;
    assert_eq!(json.code(), 0, "{json:?}");
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert!(
        checks.iter().all(|check| check["level"] != "fail"),
        "{json:?}"
    );
    assert_eq!(
        report["diagnostics"]["counts"][0]["counts"]["delivered"], 1,
        "{json:?}"
    );
    assert_eq!(report["diagnostics"]["apiBase"]["production"], false);
    no_secret(&json);
    assert!(!json.stdout().contains("Quarterly payroll"), "{json:?}");
}

#[tokio::test]
async fn a_stopped_server_and_an_unreadable_outbox_fail_with_advice() {
    let stopped = sandbox(accepting_the_secret()).await;
    let base = stopped.base_url();
    stopped.shutdown().await;
    let cli = Feedback::new();
    let garbage = "garbage that is no database ".repeat(50);
    std::fs::write(cli.outbox_path(), &garbage).unwrap();

    let run = doctor(&cli, &base, Some(SECRET), &[]).await;
    assert_eq!(run.code(), 1, "{run:?}");
    let failed = lines(&run, "FAIL");
    // Refused at once on Linux and macOS; Windows retries a refused
    // connection to a closed loopback port for some 2 s, near the 3 s limit.
    assert!(
        failed.iter().any(|line| line.contains("127.0.0.1:")
            && (line.contains("cannot connect to")
                || line.contains("did not accept a connection within"))
            && line.contains("— check the network connection")),
        "the stopped server: {run:?}"
    );
    assert!(
        failed.iter().any(|line| line.contains("cannot be read")
            && line.contains("— the app and the CLI move such a file aside")),
        "the unreadable outbox: {run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(cli.outbox_path()).unwrap(),
        garbage,
        "the doctor only looked: the file is where it was, as it was"
    );
    no_secret(&run);

    let json = doctor(&cli, &base, Some(SECRET), &["--json"]).await;
    assert_eq!(json.code(), 1, "{json:?}");
    let report: serde_json::Value = serde_json::from_str(&json.stdout())
        .expect("the report goes to stdout as JSON even when a check fails");
    assert!(report["diagnostics"].is_null(), "no outbox to report on");
    no_secret(&json);
}

#[tokio::test]
async fn a_refused_token_fails_until_another_token_is_given() {
    let sandbox = sandbox(accepting_the_secret()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    let refused = cli
        .run(&base, Some("an-old-token"), &submit_args("Refused"))
        .await;
    assert_eq!(refused.code(), 5, "queued: {refused:?}");

    let run = doctor(&cli, &base, Some("an-old-token"), &[]).await;
    assert_eq!(run.code(), 1, "{run:?}");
    assert!(
        lines(&run, "FAIL").iter().any(|line| line
            .contains("is paused: the server refused the token")
            && line.contains("— sign in again with a valid token: `feedback login`")),
        "{run:?}"
    );
    assert!(!run.stdout().contains("an-old-token"), "{run:?}");

    let run = doctor(&cli, &base, Some(SECRET), &[]).await;
    assert_eq!(
        run.code(),
        0,
        "another token lifts the pause at the next attempt: {run:?}"
    );
    assert!(
        lines(&run, "warn")
            .iter()
            .any(|line| line.contains("the token here is another one")),
        "{run:?}"
    );
    no_secret(&run);
}

#[tokio::test]
#[ignore = "writes to the OS keyring: run through scripts/in-test-session.sh or with FEEDBACK_TEST_OS_KEYRING=1"]
async fn a_token_in_the_keyring_passes_and_never_shows() {
    os_keyring_for_tests();
    let sandbox = sandbox(accepting_the_secret()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    let signed_in = login(&cli, &base, SECRET).await;
    assert!(signed_in.status.success(), "{signed_in:?}");

    let run = cli.run(&base, None, &["doctor"]).await;
    assert_eq!(run.code(), 0, "{run:?}");
    assert!(
        lines(&run, "ok ")
            .iter()
            .any(|line| line.contains("OS keyring: a token is stored for")),
        "{run:?}"
    );
    no_secret(&run);
    let json = cli.run(&base, None, &["doctor", "--json"]).await;
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(
        report["diagnostics"],
        serde_json::Value::Null,
        "no outbox yet"
    );
    no_secret(&json);

    let out = cli.run(&base, None, &["logout"]).await;
    assert_eq!(out.code(), 0, "{out:?}");
    let run = cli.run(&base, None, &["doctor"]).await;
    assert_eq!(run.code(), 1, "signed out and no FEEDBACK_TOKEN: {run:?}");
    assert!(
        lines(&run, "FAIL")
            .iter()
            .any(|line| line.contains("no token is stored") && line.contains("feedback login")),
        "{run:?}"
    );
}
