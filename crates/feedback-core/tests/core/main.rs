//! feedback-core against real servers: the local API sandbox over real HTTP,
//! and a real Secret Service for the token store.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod canned;
mod client;
mod data_dir;
mod deliveries;
mod delivery;
mod desk;
mod desktop;
mod diagnostics;
mod form;
mod history;
mod logging;
mod outbox;
mod quota;
mod rate_limit;
mod support;
mod templates;
mod token_store;
mod transport;
