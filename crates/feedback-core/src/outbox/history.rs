//! The sent history: delivered tickets, newest first, one page at a time,
//! filtered and counted in SQL so that a long history is never read whole.
//! The full ticket, as the server returned it, stays with [`Outbox::get`].

use rusqlite::{Row, ToSql};
use serde::{Deserialize, Serialize};

use super::{Outbox, Result, like_escape};
use crate::new_ticket::{NewTicket, Priority, TicketType};

/// The largest page [`Outbox::sent`] returns, whatever the query asks.
pub const MAX_SENT_PAGE: usize = 500;

/// Which delivered tickets to show.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SentQuery {
    /// Only this account's (API origin's) tickets; every account's when `None`.
    pub account: Option<String>,
    /// Text found in the ticket number, the subject or the message,
    /// ignoring the case of ASCII letters; everything when blank.
    pub search: String,
    /// How many matching tickets to skip, newest first.
    pub offset: usize,
    /// The page's size, at most [`MAX_SENT_PAGE`].
    pub limit: usize,
}

impl Default for SentQuery {
    /// The first 50 of every account's delivered tickets.
    fn default() -> Self {
        Self {
            account: None,
            search: String::new(),
            offset: 0,
            limit: 50,
        }
    }
}

/// One delivered ticket, as a history list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    /// The outbox id: [`Outbox::get`] gives the whole ticket.
    pub id: String,
    pub account: String,
    /// `None` when the server's reply had none (see `unreadable_reply`).
    pub ticket_number: Option<String>,
    pub subject: String,
    /// The channel's slug.
    pub channel: String,
    pub priority: Option<Priority>,
    #[serde(rename = "type")]
    pub kind: Option<TicketType>,
    /// Unix ms.
    pub delivered_at: i64,
    /// An earlier attempt got no reply after sending: the server may hold it twice.
    pub possible_duplicate: bool,
    /// The server took it with a 2xx whose body was not the ticket.
    pub unreadable_reply: bool,
}

/// A page of the history and how many tickets match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentPage {
    pub items: Vec<SentItem>,
    pub total: usize,
}

/// The subject or message of a row for searching; the whole stored text
/// when it cannot be read as JSON (`->>` would fail the query on it).
const SUBJECT: &str = "CASE WHEN json_valid(ticket) THEN ticket ->> '$.subject' ELSE ticket END";
const MESSAGE: &str = "CASE WHEN json_valid(ticket) THEN ticket ->> '$.message' ELSE ticket END";

impl Outbox {
    /// A page of delivered tickets matching `query`, newest first, with
    /// the number that match in all. Both are read in one transaction, so
    /// they agree; the count is a second pass only when the page is full.
    pub fn sent(&self, query: &SentQuery) -> Result<SentPage> {
        let mut filter = String::from("state = 'delivered'");
        let mut params: Vec<&dyn ToSql> = Vec::new();
        if let Some(account) = &query.account {
            params.push(account);
            filter += " AND account = ?1";
        }
        let search = query.search.trim();
        let pattern = format!("%{}%", like_escape(search));
        if !search.is_empty() {
            params.push(&pattern);
            let at = params.len();
            let in_text =
                format!("({SUBJECT} LIKE ?{at} ESCAPE '\\' OR {MESSAGE} LIKE ?{at} ESCAPE '\\')");
            // Text that JSON stores unescaped is in the stored ticket
            // wherever it is in its subject or message: a plain scan of
            // that text first leaves only the rows that have it to parse.
            let escaped_in_json = search
                .chars()
                .any(|c| c == '"' || c == '\\' || c.is_control());
            let in_text = if escaped_in_json {
                in_text
            } else {
                format!("(ticket LIKE ?{at} ESCAPE '\\' AND {in_text})")
            };
            filter += &format!(" AND (ticket_number LIKE ?{at} ESCAPE '\\' OR {in_text})");
        }
        let limit = i64::try_from(query.limit.min(MAX_SENT_PAGE)).unwrap_or(0);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);

        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        let mut page_params = params.clone();
        page_params.push(&limit);
        page_params.push(&offset);
        let (limit_at, offset_at) = (page_params.len() - 1, page_params.len());
        let items: Vec<SentItem> = transaction
            .prepare(&format!(
                "SELECT id, account, ticket_number, ticket, delivered_at, possible_duplicate,
                        delivered_note IS NOT NULL
                 FROM tickets WHERE {filter}
                 ORDER BY delivered_at DESC, rowid DESC LIMIT ?{limit_at} OFFSET ?{offset_at}"
            ))?
            .query_map(page_params.as_slice(), read_item)?
            .collect::<rusqlite::Result<_>>()?;
        let short_page = items.len() < query.limit.min(MAX_SENT_PAGE);
        if short_page && (!items.is_empty() || query.offset == 0) {
            // The page ran out of matches: its end is the total, and a
            // second pass over every ticket would only say so again.
            return Ok(SentPage {
                total: query.offset.saturating_add(items.len()),
                items,
            });
        }
        let total: i64 = transaction.query_row(
            &format!("SELECT count(*) FROM tickets WHERE {filter}"),
            params.as_slice(),
            |row| row.get(0),
        )?;
        Ok(SentPage {
            items,
            total: usize::try_from(total).unwrap_or_default(),
        })
    }
}

fn read_item(row: &Row<'_>) -> rusqlite::Result<SentItem> {
    let stored: String = row.get(3)?;
    let ticket = serde_json::from_str::<NewTicket>(&stored)
        .unwrap_or_else(|_| NewTicket::unreadable(&stored));
    Ok(SentItem {
        id: row.get(0)?,
        account: row.get(1)?,
        ticket_number: row.get(2)?,
        subject: ticket.subject,
        channel: ticket.channel_slug,
        priority: ticket.priority,
        kind: ticket.kind,
        delivered_at: row.get(4)?,
        possible_duplicate: row.get(5)?,
        unreadable_reply: row.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first page must come from an index in delivery order: sorting
    /// every delivered ticket to show fifty would grow with the history.
    #[test]
    fn the_first_page_is_read_in_index_order_not_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap();
        let connection = outbox.lock();
        for filter in [
            "state = 'delivered'",
            "state = 'delivered' AND account = 'https://api.wemasy.nl'",
        ] {
            let mut statement = connection
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE {filter}
                     ORDER BY delivered_at DESC, rowid DESC LIMIT 50"
                ))
                .unwrap();
            let plan: Vec<String> = statement
                .query_map([], |row| row.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains("USING INDEX"), "{filter}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{filter}: {plan}");
        }
    }
}
