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
    /// The server's words, as the technical detail.
    pub reason: String,
    /// The server's per-field errors, for a 422.
    pub field_errors: FieldErrors,
    /// What it comes to for the person, for the window to say in its words.
    pub problem: Problem,
}

impl Attention {
    pub fn new(reason: String, field_errors: FieldErrors) -> Self {
        let problem = Problem::of(&reason, &field_errors);
        Self {
            reason,
            field_errors,
            problem,
        }
    }
}

/// What a refusal comes to for the person: the window says each in its
/// own words, with the server's as the detail one click away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Problem {
    /// The server named fields it does not accept (a 422).
    Fields,
    /// The server has no channel of the ticket's slug (its 404).
    UnknownChannel,
    /// The server found nothing where tickets go (a 404 that is not about
    /// the channel: a wrong path in the server's address, say).
    NotFound,
    /// Any other refusal (another 4xx, a redirect).
    #[default]
    Refused,
}

impl Problem {
    /// From a refusal as the outbox keeps it: the attempt's outcome in
    /// [`Outcome`](crate::outcome::Outcome)'s words, and the field errors.
    pub fn of(reason: &str, field_errors: &FieldErrors) -> Self {
        if !field_errors.is_empty() {
            return Self::Fields;
        }
        match reason.strip_prefix(crate::outcome::NOT_FOUND) {
            Some(message) if message.to_lowercase().contains("channel") => Self::UnknownChannel,
            Some(_) => Self::NotFound,
            None => Self::Refused,
        }
    }
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
    /// An attempt may have reached the server without its reply reaching
    /// this computer (it timed out, was cut short, or its sender died).
    pub may_have_arrived: bool,
    /// It can be taken back into the form to be changed: the server
    /// refused it or it waits, and no attempt of it may have reached the
    /// server (one that may have is sent as it is, or discarded: a changed
    /// copy would be a second ticket there, even after a later attempt was
    /// refused). Never while it is being sent.
    pub editable: bool,
    /// The stored text, when it could not be read as a ticket.
    pub unreadable: Option<String>,
}

impl Entry {
    /// Sets [`Entry::editable`] from the rest.
    pub(crate) fn judged(mut self) -> Self {
        self.editable = self.unreadable.is_none()
            && match self.state {
                State::NeedsAttention | State::Queued => !self.may_have_arrived,
                State::Sending | State::Delivered => false,
            };
        self
    }
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

#[cfg(test)]
mod problem_tests {
    use super::*;
    use crate::outcome::Outcome;

    /// Issue 18: the window said "not found (Channel not found.)"; each
    /// refusal now comes with what it means, for the window's own words.
    #[test]
    fn a_refusal_comes_to_what_it_means_for_the_person() {
        let said = |outcome: Outcome| Problem::of(&outcome.to_string(), &FieldErrors::new());
        let not_found = |message: &str| Outcome::NotFound {
            message: message.into(),
        };
        assert_eq!(
            said(not_found("Channel not found.")),
            Problem::UnknownChannel
        );
        assert_eq!(
            said(not_found("The route api/wrong could not be found.")),
            Problem::NotFound
        );
        assert_eq!(
            Problem::of("unexpected reply, HTTP 409: conflict", &FieldErrors::new()),
            Problem::Refused
        );
        let mut fields = FieldErrors::new();
        fields.add("subject", "Too long.");
        assert_eq!(
            Problem::of("the server rejected the ticket", &fields),
            Problem::Fields
        );
    }
}
