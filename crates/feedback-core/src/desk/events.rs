//! [`DeskEvent`]: what a desk tells whoever shows it (the window, the
//! tray, a terminal): `kind` says what happened, in the shape the window
//! reads. Events about the delivery of the configured server only; another
//! server's engine reports through its tickets.

use serde::Serialize;

use crate::delivery::{DeliveryStatus, Quota};
use crate::outbox::Summary;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DeskEvent {
    /// The outbox changed: counts by state over every server, and how many
    /// tickets this process will deliver (the ones worth staying for).
    OutboxChanged { summary: Summary, waiting: usize },
    /// How delivery to the configured server stands.
    Status { status: DeliveryStatus },
    /// The configured server's quota changed.
    Quota { quota: Quota },
    /// A ticket was delivered: a result panel follows it.
    #[serde(rename_all = "camelCase")]
    Delivered {
        id: String,
        ticket_number: Option<String>,
        possible_duplicate: bool,
    },
    /// The server refused a ticket; it waits for a person.
    NeedsAttention { id: String, reason: String },
}
