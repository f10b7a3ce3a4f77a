//! The outbox's tables, created or upgraded on open (`PRAGMA user_version`).

use rusqlite::Connection;

/// The version this code writes; an older file is upgraded, a newer one refused.
pub(crate) const VERSION: i64 = 1;

const V1: &str = "
CREATE TABLE tickets (
    id                 TEXT PRIMARY KEY,   -- a UUID, sent as Idempotency-Key
    account            TEXT NOT NULL,      -- the API origin it goes to
    ticket             TEXT NOT NULL,      -- the validated request body, JSON
    state              TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'attention')),
    created_at         INTEGER NOT NULL,   -- Unix ms, as every time here
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NOT NULL,
    lease_until        INTEGER,            -- while 'sending': when the claim lapses
    last_error         TEXT,
    possible_duplicate INTEGER NOT NULL DEFAULT 0,
    attention_reason   TEXT,
    field_errors       TEXT,               -- JSON, for a 422
    ticket_number      TEXT,
    delivered          TEXT,               -- the server's ticket, JSON
    delivered_at       INTEGER
);
CREATE INDEX tickets_due ON tickets (account, state, next_attempt_at, created_at);

CREATE TABLE accounts (
    account           TEXT PRIMARY KEY,
    drainer           TEXT,               -- which process is sending for it
    drainer_until     INTEGER,
    sign_in_needed    INTEGER NOT NULL DEFAULT 0,
    rate_limit        INTEGER,
    rate_remaining    INTEGER,
    window_started_at INTEGER,
    blocked_until     INTEGER,
    learned_window    INTEGER            -- ms, the throttle window as the server's 429s showed it
);
";

/// Creates the tables in a new file, or checks an existing one's version.
pub(crate) fn migrate(connection: &Connection) -> rusqlite::Result<Result<(), i64>> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    match version {
        0 => {
            connection.execute_batch(&format!(
                "BEGIN; {V1} PRAGMA user_version = {VERSION}; COMMIT;"
            ))?;
            Ok(Ok(()))
        }
        VERSION => Ok(Ok(())),
        newer => Ok(Err(newer)),
    }
}
