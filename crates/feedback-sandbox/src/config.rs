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

/// Faults, each on every Nth request to the store endpoint (the Nth, 2Nth…),
/// unless said otherwise. A running sandbox's faults can be changed with
/// [`Sandbox::set_faults`](crate::Sandbox::set_faults) or
/// `POST /__sandbox/faults`.
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
    /// Store the ticket, then wait this long before the 200: a slow server
    /// that already holds the ticket, so a client that gives up and retries
    /// files it twice.
    pub slow_after_store: Duration,
    /// Store the ticket as for a normal 200 (quota spent) but answer with
    /// this odd body: a success the client may not recognise.
    pub odd_2xx: Option<OddKind>,
    /// Which requests get [`odd_2xx`](Self::odd_2xx); every one when `None`.
    pub odd_2xx_every: Option<u32>,
    /// Answer every Nth request with another status, after the throttle
    /// (quota spent), storing nothing. The first that applies wins.
    pub status_every: Vec<StatusEvery>,
    /// Every 429 says `Retry-After: 0` with `X-RateLimit-Reset` at the
    /// current Unix second, as Laravel does in a window's last second.
    /// Wins over [`retry_after`](Self::retry_after).
    pub retry_after_zero: bool,
    /// Every 429's `Retry-After`, whatever the window says (such as 999999,
    /// a wait no client should take literally).
    pub retry_after: Option<u64>,
    /// Seconds added to every 429's `X-RateLimit-Reset`: a server whose
    /// clock is off. May be negative.
    pub reset_skew: i64,
    /// What a 404 for an unknown channel says instead of "Channel not
    /// found.": a server (or something in front of it) whose words carry
    /// markup, links or anything else a client must show as written.
    pub channel_not_found_message: Option<String>,
}

/// An odd body for a 200 that did store the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OddKind {
    /// An HTML page (`text/html`), as from a misrouted request.
    Html,
    /// `{"error":false,"message":"Ticket created","data":[]}`: no ticket.
    DataArray,
    /// A zero-length body labelled `application/json`.
    Empty,
    /// `{"error":true,"message":"Something went wrong","data":{ticket}}`.
    ErrorTrue,
    /// The normal JSON body cut in half, labelled `application/json`.
    Truncated,
}

impl OddKind {
    pub const ALL: [Self; 5] = [
        Self::Html,
        Self::DataArray,
        Self::Empty,
        Self::ErrorTrue,
        Self::Truncated,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::DataArray => "data-array",
            Self::Empty => "empty",
            Self::ErrorTrue => "error-true",
            Self::Truncated => "truncated",
        }
    }
}

/// `--status-every N=CODE`: every Nth request is answered with `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusEvery {
    pub every: u32,
    pub status: u16,
}

impl StatusEvery {
    /// The statuses the command line accepts: ones a client meets from
    /// misconfigured servers and proxies, rather than from this API.
    pub const STATUSES: [u16; 9] = [400, 405, 409, 413, 415, 418, 301, 302, 307];
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
    /// Files served at `/updates/{file}` (the app's update manifest and
    /// packages); nothing when `None`.
    pub updates_dir: Option<PathBuf>,
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
            updates_dir: None,
        }
    }
}

impl Faults {
    /// Whether the fault set to `every` applies to request number `n` (from 1).
    pub fn hits(every: Option<u32>, n: u64) -> bool {
        every.is_some_and(|every| every > 0 && n.is_multiple_of(u64::from(every)))
    }

    /// The odd body request number `n` gets, if any.
    pub fn odd_2xx_for(&self, n: u64) -> Option<OddKind> {
        let kind = self.odd_2xx?;
        (self.odd_2xx_every.is_none() || Self::hits(self.odd_2xx_every, n)).then_some(kind)
    }

    /// The status request number `n` gets instead of being handled, if any.
    pub fn status_for(&self, n: u64) -> Option<u16> {
        self.status_every
            .iter()
            .find(|rule| Self::hits(Some(rule.every), n))
            .map(|rule| rule.status)
    }
}
