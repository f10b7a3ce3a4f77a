//! What the engine tells its subscribers: each ticket's fate and the
//! connection's status. The app forwards these to the window; the CLI
//! prints them. `kind` is the code the window and the CLI branch on.

use serde::Serialize;

use super::quota::Quota;

/// How delivery stands for the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DeliveryStatus {
    /// A token is there and nothing holds the queue; no reply seen yet
    /// since it last stood still.
    Ready,
    /// The last attempt reached the server and was answered.
    Online,
    /// No reply at all (no network, server unreachable): the queue waits,
    /// in order, until `retry_at` (Unix ms) or the network is back.
    #[serde(rename_all = "camelCase")]
    Offline { reason: String, retry_at: i64 },
    /// The server answered with an error (5xx, a proxy's page): it is up
    /// but failing; this ticket is tried again at `retry_at`.
    #[serde(rename_all = "camelCase")]
    ServerError { reason: String, retry_at: i64 },
    /// Nothing is sent before `until` (Unix ms).
    RateLimited { until: i64 },
    /// 401: the server refused this token; the queue waits for another.
    SignInNeeded { message: String },
    /// 403: the token's account may not file tickets; the queue waits for
    /// another token, or for "send queued now" once the permission is back.
    Forbidden { message: String },
    /// No token is stored for this server.
    SignedOut,
    /// The OS keyring did not answer (locked, not running, not read yet);
    /// asked again until it does.
    KeyringUnavailable { reason: String },
    /// The outbox file failed (a full disk, say); looked at again shortly.
    StorageError { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Event {
    #[serde(rename_all = "camelCase")]
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
    /// Another process (the CLI, a second engine) changed the outbox.
    OutboxChanged,
    Status(DeliveryStatus),
    /// A reply changed the account's rate-limit state: the quota now.
    Quota(Quota),
}
