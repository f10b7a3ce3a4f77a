//! [`RecentError`]: the latest errors of unsent tickets, for diagnostics:
//! the error texts only. A text that quotes its ticket (the stored copy of
//! an unreadable one, a server page echoing the subject) has that part
//! blanked, so a report can be shared without the tickets' contents.

use rusqlite::params;
use serde::Serialize;

use super::{Outbox, Result};
use crate::new_ticket::NewTicket;

/// One unsent ticket's latest error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentError {
    /// When the attempt that ended in it was recorded (Unix ms); `None`
    /// for one recorded before this was kept, or found without an attempt.
    pub at: Option<i64>,
    pub account: String,
    /// The ticket's outbox id.
    pub ticket: String,
    pub error: String,
}

/// Shorter ticket text is not blanked: it would blank ordinary words.
const SHORTEST_BLANKED: usize = 4;

impl Outbox {
    /// The latest `limit` errors of tickets not delivered, newest first:
    /// why each needs attention, or else its last failed attempt.
    pub fn recent_errors(&self, limit: usize) -> Result<Vec<RecentError>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT last_attempt_at, account, id, coalesce(attention_reason, last_error), ticket
             FROM tickets
             WHERE state != 'delivered' AND coalesce(attention_reason, last_error) IS NOT NULL
             ORDER BY last_attempt_at DESC NULLS LAST, created_at DESC, rowid DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let errors = statement
            .query_map(params![limit], |row| {
                let error: String = row.get(3)?;
                let stored: String = row.get(4)?;
                Ok(RecentError {
                    at: row.get(0)?,
                    account: row.get(1)?,
                    ticket: row.get(2)?,
                    error: without_ticket_text(&error, &stored),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(errors)
    }
}

/// `error` with the ticket's own text (stored as `stored`) blanked.
fn without_ticket_text(error: &str, stored: &str) -> String {
    let mut error = error.to_owned();
    if !stored.is_empty() {
        error = error.replace(stored, "[the ticket's stored text]");
    }
    if let Ok(ticket) = serde_json::from_str::<NewTicket>(stored) {
        let texts = [Some(ticket.message), Some(ticket.subject), ticket.page];
        for text in texts.into_iter().flatten() {
            let text = text.trim();
            if text.chars().count() >= SHORTEST_BLANKED {
                error = error.replace(text, "[ticket text]");
            }
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tickets_own_text_is_blanked_and_the_rest_kept() {
        let stored = r#"{"channel_slug":"support","subject":"Payroll of Jan","message":"Salary of J. Doe is wrong"}"#;
        let echoed =
            "unexpected reply, HTTP 500: <h1>Payroll of Jan</h1> Salary of J. Doe is wrong";
        assert_eq!(
            without_ticket_text(echoed, stored),
            "unexpected reply, HTTP 500: <h1>[ticket text]</h1> [ticket text]"
        );
        let unreadable = format!("the stored copy of this ticket cannot be read ({stored})");
        assert_eq!(
            without_ticket_text(&unreadable, stored),
            "the stored copy of this ticket cannot be read ([the ticket's stored text])"
        );
        let garbled = "{\"subject\": \"Payroll";
        assert_eq!(
            without_ticket_text(&format!("cannot be read ({garbled})"), garbled),
            "cannot be read ([the ticket's stored text])",
            "text that is not JSON is blanked whole"
        );
        let short = r#"{"channel_slug":"c","subject":"Hi","message":"not"}"#;
        assert_eq!(
            without_ticket_text("not found (Channel not found.)", short),
            "not found (Channel not found.)",
            "a two-letter subject does not blank words"
        );
    }
}
