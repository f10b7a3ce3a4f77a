//! From a typed ticket to the server, as the desk files it: [`save`]
//! validates and stores it durably (before anything else, the keyring
//! included, is asked), [`wait_for`] lets the engine try and reports how it
//! stands after a short wait.

use std::time::Duration;

use serde::Serialize;

use crate::api_base::ApiBase;
use crate::delivery::{Clock, Delivery, Pacing};
use crate::draft::Draft;
use crate::field_errors::FieldErrors;
use crate::outbox::{Entry, Outbox, OutboxError, PauseKind, Problem, State};
use crate::ticket::Ticket;
use crate::validation::validate;

/// How a submission stands when `submit` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Submitted {
    /// The server created it.
    #[serde(rename_all = "camelCase")]
    Delivered {
        id: String,
        ticket_number: Option<String>,
        ticket: Option<Box<Ticket>>,
        possible_duplicate: bool,
    },
    /// Saved; it goes when it can. `retry_at` (Unix ms) when known;
    /// `waiting_for` is what callers branch on, `reason` what they show.
    #[serde(rename_all = "camelCase")]
    Queued {
        id: String,
        waiting_for: WaitingFor,
        reason: String,
        retry_at: Option<i64>,
    },
    /// The server refused it; it waits in the outbox for a person.
    /// `editable`: it can be taken back into the form ([`Entry::editable`]);
    /// else an earlier attempt may have reached a server, and it is sent
    /// again as it is or discarded.
    #[serde(rename_all = "camelCase")]
    NeedsAttention {
        id: String,
        reason: String,
        field_errors: FieldErrors,
        problem: Problem,
        editable: bool,
    },
    /// Local validation failed: nothing was saved or sent.
    #[serde(rename_all = "camelCase")]
    Invalid { field_errors: FieldErrors },
}

/// Why a saved ticket has not gone yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WaitingFor {
    /// The server refused the token (401): another one is needed.
    SignIn,
    /// The server said the account may not file tickets (403).
    Permission,
    /// The rate limit's window to end.
    RateLimit,
    /// The server or the network to come back after a failure.
    Retry,
    /// Its first attempt (no token yet, another process sends it, or the
    /// wait was over first).
    FirstAttempt,
}

/// Validates `draft` and stores it for `base`, due at once. `Ok(Err)`:
/// local validation failed and nothing was stored. Returns only once the
/// ticket is on disk, or with the error that kept it off (a full disk, say).
pub fn save(
    outbox: &Outbox,
    base: &ApiBase,
    draft: &Draft,
    now: i64,
) -> Result<Result<Entry, FieldErrors>, OutboxError> {
    let ticket = match validate(draft) {
        Ok(ticket) => ticket,
        Err(field_errors) => return Ok(Err(field_errors)),
    };
    outbox.remember_base(base)?;
    Ok(Ok(outbox.enqueue_to(base, &ticket, now)?))
}

/// How long [`wait_for`] waits, within its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Until the ticket is delivered or refused: a script that waits for
    /// the end (`feedback submit --wait`), retries included.
    Settled,
    /// Until the next attempt has an answer, whatever it is: a person at
    /// the window, told at once that the ticket could not reach the server
    /// and waits for it (the status line and the outbox say so too).
    Answered,
}

/// Wakes `delivery` and waits up to `wait` for ticket `id` (delivered or
/// refused by this engine or another process's; with [`Until::Answered`],
/// also an attempt that failed), then says where it stands.
pub async fn wait_for(
    outbox: &Outbox,
    delivery: Option<&Delivery>,
    id: &str,
    wait: Duration,
    until: Until,
    clock: &Clock,
) -> Result<Submitted, OutboxError> {
    let Some(delivery) = delivery.filter(|_| !wait.is_zero()) else {
        return standing(outbox, id, clock.now_ms());
    };
    delivery.wake();
    let mut events = delivery.subscribe();
    let attempts_before = outbox.get(id)?.attempts;
    // A short wait for a person at the window: a monotonic deadline is right here.
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let current = outbox.get(id)?;
        if matches!(current.state, State::Delivered | State::NeedsAttention) {
            break;
        }
        let failed = current.state == State::Queued && current.attempts > attempts_before;
        if until == Until::Answered && failed {
            break;
        }
        // Another process may be the one delivering it: poll too.
        tokio::select! {
            biased;
            _ = events.recv() => {}
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    standing(outbox, id, clock.now_ms())
}

/// Where ticket `id` stands, in words for a person.
pub fn standing(outbox: &Outbox, id: &str, now: i64) -> Result<Submitted, OutboxError> {
    let entry = outbox.get(id)?;
    Ok(match entry.state {
        State::Delivered => {
            let delivered = entry.delivered.unwrap_or_default();
            Submitted::Delivered {
                id: entry.id,
                ticket_number: delivered.ticket_number,
                ticket: delivered.ticket.map(Box::new),
                possible_duplicate: delivered.possible_duplicate,
            }
        }
        State::NeedsAttention => {
            let attention = entry.attention.unwrap_or_default();
            Submitted::NeedsAttention {
                id: entry.id,
                reason: attention.reason,
                field_errors: attention.field_errors,
                problem: attention.problem,
                editable: entry.editable,
            }
        }
        State::Queued | State::Sending => {
            let blocked = Pacing::default().blocked_until(&outbox.rate_state(&entry.account)?, now);
            let (waiting_for, reason, retry_at) =
                if let Some(pause) = outbox.pause(&entry.account)? {
                    let code = match pause.kind {
                        PauseKind::Refused => WaitingFor::SignIn,
                        PauseKind::Forbidden => WaitingFor::Permission,
                    };
                    (code, pause.describe(), None)
                } else if let Some(until) = blocked {
                    (
                        WaitingFor::RateLimit,
                        "rate limited".to_owned(),
                        Some(until),
                    )
                } else if let Some(error) = entry.last_error {
                    (WaitingFor::Retry, error, Some(entry.next_attempt_at))
                } else {
                    (WaitingFor::FirstAttempt, "not sent yet".to_owned(), None)
                };
            Submitted::Queued {
                id: entry.id,
                waiting_for,
                reason,
                retry_at,
            }
        }
    })
}
