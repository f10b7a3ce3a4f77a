//! The `feedback` binary end to end, against the sandbox over real HTTP and,
//! for login, a real Secret Service.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod crash;
mod doctor;
mod help;
mod keyring;
mod outbox;
mod submit;
mod support;
mod suspend;
