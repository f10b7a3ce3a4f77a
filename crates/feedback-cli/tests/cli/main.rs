//! The `feedback` binary end to end, against the sandbox over real HTTP and,
//! for login, the real OS keyring (a private Secret Service on Linux; the
//! Credential Manager and the Keychain on CI's Windows and macOS runners).

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod crash;
mod doctor;
mod help;
mod keyring;
mod outbox;
mod policy;
mod proxy;
mod submit;
mod support;
// libfaketime, preloaded with LD_PRELOAD, is Linux's.
#[cfg(target_os = "linux")]
mod suspend;
