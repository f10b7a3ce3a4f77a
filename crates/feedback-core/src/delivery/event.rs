//! What the engine tells its subscribers: each ticket's fate and the
//! connection's status. The app forwards these to the window; the CLI
//! prints them.

use serde::Serialize;

/// How delivery stands for the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DeliveryStatus {
    /// The last attempt reached the server.
    Online,
    /// The last attempt failed; `reason` says how. Retries continue.
    Offline { reason: String },
    /// Nothing is sent before `until` (Unix ms).
    RateLimited { until: i64 },
    /// The token was refused or is missing; the queue waits for a new one.
    SignInNeeded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Event {
    Delivered {
        id: String,
        ticket_number: Option<String>,
        possible_duplicate: bool,
    },
    /// Back in the queue until `at` (Unix ms).
    WillRetry {
        id: String,
        at: i64,
        error: String,
    },
    NeedsAttention {
        id: String,
        reason: String,
    },
    Status(DeliveryStatus),
}
