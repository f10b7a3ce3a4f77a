//! [`Entry`]: one ticket in the outbox, as lists and the UI show it.

use serde::Serialize;

use crate::field_errors::FieldErrors;
use crate::new_ticket::NewTicket;
use crate::ticket::Ticket;

/// Where a ticket is on its way to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// Waiting for its next attempt.
    Queued,
    /// Claimed by a process that is sending it.
    Sending,
    /// The server answered 200.
    Delivered,
    /// The server refused it, or it is too old: a person must look.
    NeedsAttention,
}

impl State {
    pub(crate) fn from_column(text: &str) -> Self {
        match text {
            "sending" => Self::Sending,
            "delivered" => Self::Delivered,
            "attention" => Self::NeedsAttention,
            _ => Self::Queued,
        }
    }

    /// A word for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "being sent",
            Self::Delivered => "delivered",
            Self::NeedsAttention => "waiting for attention",
        }
    }
}

/// Why a ticket needs a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    pub reason: String,
    /// The server's per-field errors, for a 422.
    pub field_errors: FieldErrors,
}

/// What the server made of a delivered ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivered {
    pub ticket_number: Option<String>,
    /// Unix ms.
    pub at: i64,
    /// An earlier attempt got no reply after sending, so the server may hold
    /// this ticket twice.
    pub possible_duplicate: bool,
    pub ticket: Option<Ticket>,
    /// Why the server's 2xx reply could not be read as a ticket, when it
    /// could not: the server stored the ticket all the same.
    pub note: Option<String>,
}

/// One ticket in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// A UUID; also the `Idempotency-Key` of every attempt.
    pub id: String,
    /// The API origin it is for.
    pub account: String,
    /// The API base it goes to, on `account`'s server (`None`: the one
    /// remembered for the account, as before version 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    pub ticket: NewTicket,
    pub state: State,
    /// Unix ms.
    pub created_at: i64,
    pub attempts: u32,
    /// Unix ms.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub attention: Option<Attention>,
    pub delivered: Option<Delivered>,
    /// When its first attempt failed (Unix ms): the give-up time counts from here.
    pub first_failed_at: Option<i64>,
    /// The stored text, when it could not be read as a ticket.
    pub unreadable: Option<String>,
}

/// Counts by state, for a badge or a status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub queued: usize,
    pub sending: usize,
    pub needs_attention: usize,
    pub delivered: usize,
}

impl Summary {
    /// Tickets not yet delivered nor waiting for a person.
    pub fn waiting(&self) -> usize {
        self.queued + self.sending
    }

    /// Counts `count` tickets in the `state` column's value.
    pub(crate) fn add(&mut self, state: &str, count: i64) {
        let count = usize::try_from(count).unwrap_or_default();
        match State::from_column(state) {
            State::Queued => self.queued += count,
            State::Sending => self.sending += count,
            State::Delivered => self.delivered += count,
            State::NeedsAttention => self.needs_attention += count,
        }
    }
}
