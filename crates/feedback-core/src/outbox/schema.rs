//! The outbox's tables, created or upgraded on open (`PRAGMA user_version`).

use rusqlite::{Connection, TransactionBehavior};

/// The version this code writes; an older file is upgraded, a newer one refused.
pub(crate) const VERSION: i64 = 4;

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

/// Version 3, for the day's work: when each ticket was last tried and when
/// the server last accepted an account's token (for diagnostics and the
/// status line), the sent history's index, saved ticket templates, and the
/// channels and tool keys the server accepted (offered while typing),
/// filled at once from the delivered tickets already kept.
const V3: &str = "
ALTER TABLE tickets ADD COLUMN last_attempt_at INTEGER;    -- the last recorded attempt, Unix ms
ALTER TABLE accounts ADD COLUMN last_accepted_at INTEGER;  -- the last reply that took the token
CREATE INDEX tickets_history ON tickets (account, state, delivered_at DESC);
CREATE TABLE templates (
    id         TEXT PRIMARY KEY,                 -- a UUID
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    fields     TEXT NOT NULL,                    -- JSON: the form's fields, unvalidated
    updated_at INTEGER NOT NULL
);
CREATE TABLE suggestions (
    kind         TEXT NOT NULL CHECK (kind IN ('channel', 'tool_key')),
    value        TEXT NOT NULL,
    last_used_at INTEGER NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (kind, value)
);
INSERT INTO suggestions (kind, value, last_used_at, uses)
    SELECT 'channel', value, max(delivered_at), count(*) FROM (
        SELECT CASE WHEN json_valid(ticket) THEN ticket ->> '$.channel_slug' END AS value, delivered_at
        FROM tickets WHERE state = 'delivered')
    WHERE coalesce(value, '') != '' GROUP BY value;
INSERT INTO suggestions (kind, value, last_used_at, uses)
    SELECT 'tool_key', value, max(delivered_at), count(*) FROM (
        SELECT CASE WHEN json_valid(ticket) THEN ticket ->> '$.tool_key' END AS value, delivered_at
        FROM tickets WHERE state = 'delivered')
    WHERE coalesce(value, '') != '' GROUP BY value;
";

/// Version 4: the API base each ticket goes to (its server is `account`;
/// a base corrected on the same server moves its waiting tickets along),
/// and a count of the sign-ins and sign-outs of each server's token, so
/// that every process sharing the file notices one made by another (the
/// CLI's `login` beside the app) and reads the keyring again. Never a token.
const V4: &str = "
ALTER TABLE tickets ADD COLUMN api_base TEXT;                        -- NULL: the account's api_base
ALTER TABLE accounts ADD COLUMN token_changes INTEGER NOT NULL DEFAULT 0; -- sign-ins and sign-outs
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
    if version < 3 {
        transaction.execute_batch(V3)?;
    }
    if version < 4 {
        transaction.execute_batch(V4)?;
    }
    if version < VERSION {
        transaction.execute_batch(&format!("PRAGMA user_version = {VERSION};"))?;
    }
    transaction.commit()?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version 2 file with delivered tickets, one of them unreadable.
    fn version_2() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(V1).unwrap();
        connection.execute_batch(V2).unwrap();
        connection
            .execute_batch("PRAGMA user_version = 2;")
            .unwrap();
        let delivered = [
            (
                "a",
                r#"{"channel_slug":"support","subject":"s","message":"m","tool_key":"ads"}"#,
                1_000,
            ),
            (
                "b",
                r#"{"channel_slug":"support","subject":"s","message":"m"}"#,
                3_000,
            ),
            (
                "c",
                r#"{"channel_slug":"feedback","subject":"s","message":"m","tool_key":"ads"}"#,
                2_000,
            ),
            ("d", "{not json", 4_000),
        ];
        for (id, ticket, at) in delivered {
            connection
                .execute(
                    "INSERT INTO tickets (id, account, ticket, state, created_at, next_attempt_at, delivered_at)
                     VALUES (?1, 'https://api.wemasy.nl', ?2, 'delivered', 0, 0, ?3)",
                    rusqlite::params![id, ticket, at],
                )
                .unwrap();
        }
        connection
    }

    #[test]
    fn version_2_is_upgraded_with_suggestions_from_the_kept_deliveries_and_bases_of_their_own() {
        let mut connection = version_2();
        assert_eq!(migrate(&mut connection).unwrap(), Ok(()));
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, VERSION);
        let suggestions: Vec<(String, String, i64, i64)> = connection
            .prepare("SELECT kind, value, last_used_at, uses FROM suggestions ORDER BY kind, value")
            .unwrap()
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            suggestions,
            [
                ("channel".into(), "feedback".into(), 2_000, 1),
                ("channel".into(), "support".into(), 3_000, 2),
                ("tool_key".into(), "ads".into(), 2_000, 2),
            ],
            "each value once, last used at its latest delivery; the unreadable row skipped"
        );
        let untouched: Option<i64> = connection
            .query_row(
                "SELECT last_attempt_at FROM tickets WHERE id = 'a'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(untouched, None, "no attempt time is made up");
        let base: Option<String> = connection
            .query_row("SELECT api_base FROM tickets WHERE id = 'a'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(base, None, "an older ticket goes to its account's base");
        assert_eq!(
            migrate(&mut connection).unwrap(),
            Ok(()),
            "opening again changes nothing"
        );
    }

    #[test]
    fn a_newer_file_is_refused_untouched() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(&format!("PRAGMA user_version = {};", VERSION + 1))
            .unwrap();
        assert_eq!(migrate(&mut connection).unwrap(), Err(VERSION + 1));
    }
}
