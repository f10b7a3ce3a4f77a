//! The sandbox over real HTTP: the documented samples, each status, the
//! throttle, the faults (set at start and at run time) and persistence.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod auth;
mod doc_samples;
mod faults;
mod odd_replies;
mod persistence;
mod runtime;
mod support;
mod throttle;
mod validation;
