//! The token store against a real Secret Service. These tests are ignored by
//! a plain `cargo test`; `scripts/test.sh` runs them inside a private D-Bus
//! session with GNOME Keyring (`scripts/in-test-session.sh`).

use std::process::Command;

use feedback_core::{ApiBase, Token, TokenStore};

/// A service name of the tests' own, so a developer's real entry is never touched.
const SERVICE: &str = "nl.wemasy.feedback.tests";

fn base(port: u16) -> ApiBase {
    ApiBase::parse(&format!("http://127.0.0.1:{port}/api")).unwrap()
}

/// What the Secret Service itself holds, read with `secret-tool`, to prove
/// the token went to the real keyring and not to an in-process mock.
fn secret_tool_lookup(origin: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", origin])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/in-test-session.sh"]
fn round_trip_through_the_secret_service() {
    let store = TokenStore::new(SERVICE);
    let base = base(1001);
    store.delete(&base).unwrap();
    assert_eq!(store.load(&base).unwrap(), None, "a missing entry is None");

    store
        .save(&base, &Token::new("first-token").unwrap())
        .unwrap();
    assert_eq!(
        secret_tool_lookup(&base.origin()).as_deref(),
        Some("first-token")
    );
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
        secret_tool_lookup(&base.origin()),
        None,
        "the entry is gone from the keyring"
    );
    store.delete(&base).unwrap();
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/in-test-session.sh"]
fn tokens_are_kept_per_origin() {
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
    assert_eq!(
        store.load(&sandbox).unwrap(),
        Some(Token::new("sandbox-token").unwrap())
    );
    store.delete(&sandbox).unwrap();
}
