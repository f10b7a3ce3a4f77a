//! What a damaged outbox file still holds, copied into a new one: every
//! ticket (and account, template, suggestion) that can be read, so that
//! a bad page costs no more than what was on it. A ticket that was being
//! sent is queued again, marked as possibly sent twice. The damaged file
//! itself is kept beside, untouched.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, types::Value};

use super::Outbox;

/// The tables copied, with the columns never copied (a claim belongs to
/// the process that held it, and the file it held it in).
const TABLES: [(&str, &[&str]); 4] = [
    ("tickets", &["lease_until", "claimed_by"]),
    ("accounts", &["drainer", "drainer_until"]),
    ("templates", &[]),
    ("suggestions", &[]),
];

/// Copies what `damaged` still holds into a new outbox at `into`. Returns
/// how many tickets were copied; nothing is made at `into` when nothing
/// of `damaged` can be read.
pub(super) fn salvage(damaged: &Path, into: &Path) -> usize {
    let Ok(from) = Connection::open_with_flags(damaged, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    let readable = from
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })
        .is_ok_and(|tables| tables > 0);
    if !readable {
        return 0;
    }
    let Ok(outbox) = Outbox::open_checked(into, super::BUSY_TIMEOUT) else {
        return 0;
    };
    let mut connection = outbox.lock();
    let Ok(transaction) = connection.transaction() else {
        return 0;
    };
    let mut tickets = 0;
    for (table, skipped) in TABLES {
        let copied = copy(&from, &transaction, table, skipped);
        if table == "tickets" {
            tickets = copied;
        }
    }
    // A ticket its sender was sending when the file went bad may have
    // reached the server: it goes again, flagged.
    let requeued = transaction.execute(
        "UPDATE tickets SET state = 'queued', possible_duplicate = 1 WHERE state = 'sending'",
        [],
    );
    match requeued.and_then(|_| transaction.commit()) {
        Ok(()) => tickets,
        Err(error) => {
            tracing::warn!(%error, "the salvaged tickets could not be kept");
            0
        }
    }
}

/// Copies the rows of `table` that can be read, in the columns both files
/// have but `skipped`; returns how many. A row that cannot be read ends
/// the copy of that table there.
fn copy(from: &Connection, to: &rusqlite::Transaction<'_>, table: &str, skipped: &[&str]) -> usize {
    let columns: Vec<String> = match (names(from, table), names(to, table)) {
        (Ok(old), Ok(new)) => old
            .into_iter()
            .filter(|name| new.contains(name) && !skipped.contains(&name.as_str()))
            .collect(),
        _ => return 0,
    };
    if columns.is_empty() {
        return 0;
    }
    let list = columns.join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let Ok(mut reading) = from.prepare(&format!("SELECT {list} FROM {table} NOT INDEXED")) else {
        return 0;
    };
    let Ok(mut writing) = to.prepare(&format!(
        "INSERT OR IGNORE INTO {table} ({list}) VALUES ({marks})"
    )) else {
        return 0;
    };
    let Ok(mut rows) = reading.query([]) else {
        return 0;
    };
    let mut copied = 0;
    while let Ok(Some(row)) = rows.next() {
        let values: rusqlite::Result<Vec<Value>> = (0..columns.len())
            .map(|index| row.get::<_, Value>(index))
            .collect();
        let Ok(values) = values else { break };
        if writing.execute(rusqlite::params_from_iter(values)).is_ok() {
            copied += 1;
        }
    }
    copied
}

fn names(connection: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = statement.query_map([], |row| row.get::<_, String>(1))?;
    names.collect()
}
