//! Suggestions while typing: the channels and tool keys of tickets the
//! server accepted, remembered when a delivery is recorded (in the same
//! transaction), most recently used first.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Outbox, Result};
use crate::new_ticket::NewTicket;

/// The most suggestions [`Outbox::suggestions`] returns.
pub const MAX_SUGGESTIONS: usize = 50;

/// Which field a suggestion is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SuggestionKind {
    /// `channel_slug`.
    Channel,
    /// `tool_key`.
    ToolKey,
}

impl SuggestionKind {
    fn column_value(self) -> &'static str {
        match self {
            Self::Channel => "channel",
            Self::ToolKey => "tool_key",
        }
    }
}

impl Outbox {
    /// Values of `kind` the server accepted, most recently used first, at
    /// most [`MAX_SUGGESTIONS`].
    pub fn suggestions(&self, kind: SuggestionKind) -> Result<Vec<String>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT value FROM suggestions WHERE kind = ?1
             ORDER BY last_used_at DESC, uses DESC, value LIMIT ?2",
        )?;
        let limit = i64::try_from(MAX_SUGGESTIONS).unwrap_or(i64::MAX);
        let values = statement
            .query_map(params![kind.column_value(), limit], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(values)
    }
}

/// Remembers the channel and tool key of `ticket`, which the server took at `now`.
pub(super) fn remember_accepted(
    transaction: &Transaction<'_>,
    ticket: &NewTicket,
    now: i64,
) -> Result<()> {
    let values = [
        (SuggestionKind::Channel, Some(&ticket.channel_slug)),
        (SuggestionKind::ToolKey, ticket.tool_key.as_ref()),
    ];
    for (kind, value) in values {
        let Some(value) = value.filter(|value| !value.trim().is_empty()) else {
            continue;
        };
        transaction.execute(
            "INSERT INTO suggestions (kind, value, last_used_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, value) DO UPDATE
             SET last_used_at = max(last_used_at, excluded.last_used_at), uses = uses + 1",
            params![kind.column_value(), value, now],
        )?;
    }
    Ok(())
}
