//! [`Config`]: who may call, how fast, where tickets are kept, and which
//! faults to inject.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// A token that authenticates a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpec {
    pub token: String,
    /// Assigned 1, 2, 3… in order when not given.
    pub user_id: Option<u64>,
}

/// Laravel's `throttle:max,minutes`, as a request count per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

/// Faults, each on every Nth request to the store endpoint (the Nth, 2Nth…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Answer 500 and store nothing.
    pub fail_every: Option<u32>,
    /// Store the ticket, then close the connection without a reply.
    pub drop_after_store_every: Option<u32>,
    /// Close the connection without a reply; store nothing.
    pub drop_before_store_every: Option<u32>,
    /// A proxy's HTML 502 page, before authentication: no quota spent.
    pub html_502_every: Option<u32>,
    /// Never answer; store nothing.
    pub stall_every: Option<u32>,
    /// Delay before every reply.
    pub latency: Duration,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub tokens: Vec<TokenSpec>,
    /// Authenticated users who get 403.
    pub forbidden_tokens: Vec<String>,
    pub rate_limit: RateLimit,
    /// Where tickets persist; in memory only when `None`.
    pub data_dir: Option<PathBuf>,
    pub faults: Faults,
    /// Server limits that differ from the documented ones (`--max`).
    pub max_lengths: Vec<MaxLength>,
}

/// A text field's `max:N` on this server, replacing the documented limit:
/// a server whose rules changed after the client was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxLength {
    pub field: String,
    pub max: usize,
}

impl Default for Config {
    /// 127.0.0.1 on a free port, token `demo-token` for user 1, 10 requests
    /// per 300 s, in memory, no faults.
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tokens: vec![TokenSpec {
                token: "demo-token".into(),
                user_id: None,
            }],
            forbidden_tokens: Vec::new(),
            rate_limit: RateLimit {
                max: 10,
                window: Duration::from_secs(300),
            },
            data_dir: None,
            faults: Faults::default(),
            max_lengths: Vec::new(),
        }
    }
}

impl Faults {
    /// Whether the fault set to `every` applies to request number `n` (from 1).
    pub fn hits(every: Option<u32>, n: u64) -> bool {
        every.is_some_and(|every| every > 0 && n.is_multiple_of(u64::from(every)))
    }
}
