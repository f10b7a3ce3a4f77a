//! feedback-core against real servers: the local API sandbox over real HTTP,
//! and a real Secret Service for the token store.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod canned;
mod client;
mod deliveries;
mod delivery;
mod desktop;
mod outbox;
mod rate_limit;
mod support;
mod token_store;
mod transport;
