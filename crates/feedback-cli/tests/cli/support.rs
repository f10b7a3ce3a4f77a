//! Running the real `feedback` binary against a sandbox.

use std::process::Output;

use feedback_sandbox::{Config, Sandbox};
use tokio::process::Command;

pub(crate) const TOKEN: &str = "demo-token";

pub(crate) async fn sandbox(config: Config) -> Sandbox {
    Sandbox::start(config)
        .await
        .expect("the sandbox starts on a free port")
}

/// A `feedback` with an outbox of its own.
pub(crate) struct Feedback {
    dir: tempfile::TempDir,
}

impl Feedback {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn outbox_path(&self) -> std::path::PathBuf {
        self.dir.path().join("outbox.sqlite3")
    }

    /// The organisation's policy file this `feedback` reads (the debug
    /// build's `FEEDBACK_POLICY_FILE`): none until a test writes it, so
    /// that this machine's own policy never changes a test.
    pub(crate) fn policy_path(&self) -> std::path::PathBuf {
        self.dir.path().join("policy.json")
    }

    /// `feedback ARGS` with the API base set to `base`, the token from
    /// `FEEDBACK_TOKEN` when `token` is given, and otherwise the keyring.
    pub(crate) fn command(&self, base: &str, token: Option<&str>, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_feedback"));
        command
            .args(args)
            .env("FEEDBACK_API_BASE", base)
            .env("FEEDBACK_OUTBOX", self.outbox_path())
            .env("FEEDBACK_POLICY_FILE", self.policy_path())
            .kill_on_drop(true);
        match token {
            Some(token) => command.env("FEEDBACK_TOKEN", token),
            None => command.env_remove("FEEDBACK_TOKEN"),
        };
        command
    }

    pub(crate) async fn run(&self, base: &str, token: Option<&str>, args: &[&str]) -> Run {
        Run(self
            .command(base, token, args)
            .output()
            .await
            .expect("the feedback binary runs"))
    }
}

/// Stops a test that writes to the OS keyring unless this run may: the
/// tests' private Secret Service (`scripts/in-test-session.sh`), or CI's
/// Windows and macOS runners, say so with `FEEDBACK_TEST_OS_KEYRING=1`.
pub(crate) fn os_keyring_for_tests() {
    assert!(
        std::env::var_os("FEEDBACK_TEST_OS_KEYRING").is_some_and(|value| value == "1"),
        "this test writes to the OS keyring: run it through scripts/in-test-session.sh (Linux), or set FEEDBACK_TEST_OS_KEYRING=1 where this user's keyring may take test entries"
    );
}

/// `feedback ARGS` with an outbox of its own.
pub(crate) async fn feedback(base: &str, token: Option<&str>, args: &[&str]) -> Run {
    Feedback::new().run(base, token, args).await
}

pub(crate) fn submit_args(subject: &str) -> Vec<&str> {
    vec![
        "submit",
        "--channel",
        "feedback",
        "--subject",
        subject,
        "--message",
        "It fails.",
    ]
}

pub(crate) struct Run(pub(crate) Output);

impl Run {
    pub(crate) fn code(&self) -> i32 {
        self.0.status.code().expect("exited, not killed")
    }

    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\nstdout: {}\nstderr: {}",
            self.0.status.code(),
            self.stdout(),
            self.stderr()
        )
    }
}
