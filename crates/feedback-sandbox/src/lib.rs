//! A local, faithful implementation of the Wemasy support-ticket endpoint,
//! for development, tests and demos. It reproduces what the real Laravel
//! server does (authentication, a per-user fixed-window throttle, validation
//! messages and their summary, which replies spend quota and which headers
//! each carries) and adds fault injection for delivery tests.
//!
//! It deliberately shares no code with `feedback-core`, so that the client
//! is tested against an independent reading of the API.
//!
//! # Layout
//!
//! - [`config`]: [`Config`], what to serve and which faults to inject.
//! - [`args`]: the command line, turned into a `Config`.
//! - [`server`]: [`Sandbox`], the accept loop, which can drop a connection
//!   without a reply.
//! - [`in_process`]: [`InProcess`], the same server answering in this
//!   process, on a clock it is given: the seeded simulation's.
//! - [`endpoint`]: the store endpoint, step by step in Laravel's order.
//! - [`admin`]: the sandbox's own `/__sandbox/*` routes: stored tickets,
//!   stats, and switches for a running server (permissions, faults).
//! - [`odd`]: replies a client does not expect: odd 200 bodies and foreign
//!   statuses.
//! - [`auth`]: bearer tokens to users.
//! - [`throttle`]: the fixed-window rate limiter.
//! - [`validation`]: Laravel's rules and English messages.
//! - [`store`]: received tickets, in memory and optionally on disk.
//! - [`reply`]: JSON, HTML and redirect responses, and `expectsJson()`.
//! - [`timestamp`]: Laravel's ISO-8601 timestamps.
//! - [`updates`]: a local update server for the app's updater (`--updates`).

pub mod admin;
pub mod args;
pub mod auth;
pub mod config;
pub mod endpoint;
pub mod in_process;
pub mod odd;
pub mod reply;
pub mod server;
pub mod store;
pub mod throttle;
pub mod timestamp;
pub mod updates;
pub mod validation;

pub use admin::FaultSwitches;
pub use config::{Config, Faults, MaxLength, OddKind, RateLimit, StatusEvery, TokenSpec};
pub use endpoint::Now;
pub use in_process::InProcess;
pub use server::{Error, Sandbox, Stats};
pub use store::StoredTicket;

/// The endpoint's path below the server root.
pub const STORE_PATH: &str = "/api/services/platforms/v1/support/tickets/store";
