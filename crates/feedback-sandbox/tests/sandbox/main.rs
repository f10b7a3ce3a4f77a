//! The sandbox over real HTTP: the documented samples, each status, the
//! throttle, the faults and persistence.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod auth;
mod doc_samples;
mod faults;
mod persistence;
mod support;
mod throttle;
mod validation;
