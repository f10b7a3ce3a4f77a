//! The token store against the real OS keyring: a Secret Service on Linux,
//! the Credential Manager on Windows, the Keychain on macOS. These tests
//! are ignored by a plain `cargo test`; `scripts/test.sh` runs them inside
//! a private D-Bus session with GNOME Keyring (`scripts/in-test-session.sh`),
//! CI on Windows and macOS with `FEEDBACK_TEST_OS_KEYRING=1`.

use std::process::Command;

use feedback_core::{ApiBase, Token, TokenStore};

/// A service name of the tests' own, so a developer's real entry is never touched.
const SERVICE: &str = "nl.wemasy.feedback.tests";

/// Whether [`in_the_os_keyring`] reads the secret itself; elsewhere the
/// OS's tool shows that the entry is there, not what it holds (reading it
/// would ask the person: the entry trusts only the program that made it).
const TOOL_READS_THE_SECRET: bool = cfg!(all(unix, not(target_os = "macos")));

fn base(port: u16) -> ApiBase {
    ApiBase::parse(&format!("http://127.0.0.1:{port}/api")).unwrap()
}

/// Stops unless this run may write to the OS keyring (see the module doc).
fn os_keyring_for_tests() {
    assert!(
        std::env::var_os("FEEDBACK_TEST_OS_KEYRING").is_some_and(|value| value == "1"),
        "this test writes to the OS keyring: run it through scripts/in-test-session.sh (Linux), or set FEEDBACK_TEST_OS_KEYRING=1 where this user's keyring may take test entries"
    );
}

fn run(command: &mut Command) -> std::process::Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("{command:?} runs: {error}"))
}

/// What the OS keyring itself holds for `origin`, asked with the OS's own
/// tool, to prove the token went to the real keyring and not to an
/// in-process mock: the secret (`secret-tool`), or the entry as the tool
/// lists it (`security`, `cmdkey`).
#[cfg(all(unix, not(target_os = "macos")))]
fn in_the_os_keyring(origin: &str) -> Option<String> {
    let output =
        run(Command::new("secret-tool").args(["lookup", "service", SERVICE, "username", origin]));
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(target_os = "macos")]
fn in_the_os_keyring(origin: &str) -> Option<String> {
    // Without -w or -g: the item's attributes only, which ask nobody.
    // Exit status 44: no such item.
    let output =
        run(Command::new("security").args(["find-generic-password", "-s", SERVICE, "-a", origin]));
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(windows)]
fn in_the_os_keyring(origin: &str) -> Option<String> {
    // The store names a generic credential `<user>.<service>`; cmdkey lists
    // it as `Target: LegacyGeneric:target=<name>`.
    let target = format!("target={origin}.{SERVICE}");
    let output = run(Command::new("cmdkey").arg("/list"));
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .find(|line| line.ends_with(&target))
        .map(str::to_owned)
}

/// Asserts that the OS keyring holds `token` for `origin`, as far as its
/// tool can tell.
fn assert_held(origin: &str, token: &str) {
    let held = in_the_os_keyring(origin);
    if TOOL_READS_THE_SECRET {
        assert_eq!(held.as_deref(), Some(token));
    } else {
        assert!(held.is_some(), "no entry for {origin} in the OS keyring");
    }
}

#[test]
#[ignore = "writes to the OS keyring: run through scripts/in-test-session.sh or with FEEDBACK_TEST_OS_KEYRING=1"]
fn round_trip_through_the_os_keyring() {
    os_keyring_for_tests();
    let store = TokenStore::new(SERVICE);
    let base = base(1001);
    store.delete(&base).unwrap();
    assert_eq!(store.load(&base).unwrap(), None, "a missing entry is None");
    assert_eq!(in_the_os_keyring(&base.origin()), None);

    store
        .save(&base, &Token::new("first-token").unwrap())
        .unwrap();
    assert_held(&base.origin(), "first-token");
    store
        .save(&base, &Token::new("second-token").unwrap())
        .unwrap();
    assert_eq!(
        store.load(&base).unwrap(),
        Some(Token::new("second-token").unwrap()),
        "save replaces"
    );

    store.delete(&base).unwrap();
    assert_eq!(store.load(&base).unwrap(), None);
    assert_eq!(
        in_the_os_keyring(&base.origin()),
        None,
        "the entry is gone from the keyring"
    );
    store.delete(&base).unwrap();
}

#[test]
#[ignore = "writes to the OS keyring: run through scripts/in-test-session.sh or with FEEDBACK_TEST_OS_KEYRING=1"]
fn tokens_are_kept_per_origin() {
    os_keyring_for_tests();
    let store = TokenStore::new(SERVICE);
    let (sandbox, other) = (base(1002), base(1003));
    store
        .save(&sandbox, &Token::new("sandbox-token").unwrap())
        .unwrap();
    store.delete(&other).unwrap();
    assert_eq!(
        store.load(&other).unwrap(),
        None,
        "another origin does not see the token"
    );
    assert_eq!(in_the_os_keyring(&other.origin()), None);
    assert_eq!(
        store.load(&sandbox).unwrap(),
        Some(Token::new("sandbox-token").unwrap())
    );
    store.delete(&sandbox).unwrap();
}
