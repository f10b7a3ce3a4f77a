//! The outbox's tables, created or upgraded on open (`PRAGMA user_version`).

use rusqlite::{Connection, TransactionBehavior};

/// The version this code writes; an older file is upgraded, a newer one refused.
pub(crate) const VERSION: i64 = 2;

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
    sign_in_needed    INTEGER NOT NULL DEFAULT 0, -- unused since version 2: see paused
    rate_limit        INTEGER,
    rate_remaining    INTEGER,
    window_started_at INTEGER,
    blocked_until     INTEGER,
    learned_window    INTEGER            -- ms, the throttle window as the server's 429s showed it
);
";

/// Version 2: result writes fenced by the claim, the 30 days counted from
/// the first failure, a note on a delivery whose reply was unreadable, and
/// an account pause tied to the token the server refused (never the token),
/// and the API base an account's tickets were filed for (so another
/// server's tickets go to its own endpoint, not a guessed one).
const V2: &str = "
ALTER TABLE tickets ADD COLUMN claimed_by TEXT;          -- while 'sending': whose claim it is
ALTER TABLE tickets ADD COLUMN first_failed_at INTEGER;  -- the first failed attempt, Unix ms
ALTER TABLE tickets ADD COLUMN delivered_note TEXT;      -- a 2xx whose body was not the ticket
CREATE INDEX tickets_delivered ON tickets (state, delivered_at);
ALTER TABLE accounts ADD COLUMN paused TEXT CHECK (paused IN ('refused', 'forbidden'));
ALTER TABLE accounts ADD COLUMN paused_token TEXT;       -- the refused token's fingerprint
ALTER TABLE accounts ADD COLUMN paused_message TEXT;     -- the server's words
ALTER TABLE accounts ADD COLUMN api_base TEXT;           -- the base URL its tickets were filed for
";

/// Creates the tables in a new file, or upgrades an older one, in one
/// transaction that holds the write lock from reading the version on, so
/// that two processes opening a new outbox at once do not both create it.
pub(crate) fn migrate(connection: &mut Connection) -> rusqlite::Result<Result<(), i64>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > VERSION {
        return Ok(Err(version));
    }
    if version < 1 {
        transaction.execute_batch(V1)?;
    }
    if version < 2 {
        transaction.execute_batch(V2)?;
    }
    if version < VERSION {
        transaction.execute_batch(&format!("PRAGMA user_version = {VERSION};"))?;
    }
    transaction.commit()?;
    Ok(Ok(()))
}
