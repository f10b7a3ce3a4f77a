//! [`Outbox`]: every submitted ticket, stored durably before its first send
//! attempt and kept until the server accepted it (then as a delivered
//! record) or the user discarded it.
//!
//! SQLite in WAL mode with `synchronous=FULL`: a committed ticket survives a
//! killed process and a power cut. The app and the CLI share one file; the
//! claims in [`Outbox::claim`] keep two processes from sending the same ticket.
//!
//! All times are Unix milliseconds, passed in by the caller.

mod claim;
mod entry;
mod error;
mod schema;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Row, params};

pub use claim::RateState;
pub use entry::{Attention, Delivered, Entry, State, Summary};
pub use error::{OutboxError, Result};

use crate::field_errors::FieldErrors;
use crate::new_ticket::NewTicket;

/// How many undelivered tickets the outbox takes before it refuses more.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// The outbox file.
#[derive(Debug)]
pub struct Outbox {
    // A std Mutex: statements are short and never held across an `.await`.
    connection: Mutex<Connection>,
    path: PathBuf,
    capacity: usize,
}

impl Outbox {
    /// `<data dir>/nl.wemasy.feedback/outbox.sqlite3`: the same file for the
    /// app and the CLI (the data directory Tauri gives the app).
    pub fn default_path() -> Option<PathBuf> {
        Some(dirs::data_dir()?.join(crate::APP_ID).join("outbox.sqlite3"))
    }

    /// Opens or creates the outbox. A file that is not a readable outbox is
    /// moved aside (never deleted or overwritten) and reported as
    /// [`OutboxError::Corrupt`]; opening again then starts a new one.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|source| OutboxError::Open {
                path: path.to_owned(),
                source,
            })?;
        }
        match Self::open_checked(path) {
            Ok(outbox) => Ok(outbox),
            Err(OutboxError::Sqlite(error)) if is_corruption(&error) => {
                Err(move_aside(path, error.to_string()))
            }
            Err(error) => Err(error),
        }
    }

    fn open_checked(path: &Path) -> Result<Self> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        let check: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if check != "ok" {
            drop(connection);
            return Err(move_aside(path, check));
        }
        if let Err(version) = schema::migrate(&connection)? {
            return Err(OutboxError::TooNew {
                path: path.to_owned(),
                version,
            });
        }
        Ok(Self {
            connection: Mutex::new(connection),
            path: path.to_owned(),
            capacity: DEFAULT_CAPACITY,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets how many undelivered tickets are accepted.
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written:
        // every change is one transaction.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a validated ticket for `account`, due at once. Returns only
    /// once it is on disk.
    pub fn enqueue(&self, account: &str, ticket: &NewTicket, now: i64) -> Result<Entry> {
        let id = uuid::Uuid::new_v4().to_string();
        let json = serde_json::to_string(ticket)?;
        let mut connection = self.lock();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let waiting: i64 = transaction.query_row(
            "SELECT count(*) FROM tickets WHERE state != 'delivered'",
            [],
            |row| row.get(0),
        )?;
        let waiting = usize::try_from(waiting).unwrap_or(usize::MAX);
        if waiting >= self.capacity {
            return Err(OutboxError::Full(waiting));
        }
        transaction.execute(
            "INSERT INTO tickets (id, account, ticket, state, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?4)",
            params![id, account, json, now],
        )?;
        transaction.commit()?;
        drop(connection);
        self.get(&id)
    }

    /// One ticket by its id or a unique prefix of it.
    pub fn get(&self, id: &str) -> Result<Entry> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "{SELECT} WHERE id LIKE ?1 || '%' ESCAPE '\\' LIMIT 2"
        ))?;
        let pattern = id
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let found: Vec<Entry> = statement
            .query_map([pattern], read_entry)?
            .collect::<rusqlite::Result<_>>()?;
        match <[Entry; 1]>::try_from(found) {
            Ok([entry]) => Ok(entry),
            Err(_) => Err(OutboxError::NotFound(id.to_owned())),
        }
    }

    /// Every ticket, oldest first.
    pub fn list(&self) -> Result<Vec<Entry>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!("{SELECT} ORDER BY created_at, rowid"))?;
        let entries = statement
            .query_map([], read_entry)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }

    pub fn summary(&self) -> Result<Summary> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT state, count(*) FROM tickets GROUP BY state")?;
        let mut summary = Summary::default();
        for row in statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })? {
            let (state, count) = row?;
            let count = usize::try_from(count).unwrap_or_default();
            match State::from_column(&state) {
                State::Queued => summary.queued = count,
                State::Sending => summary.sending = count,
                State::Delivered => summary.delivered = count,
                State::NeedsAttention => summary.needs_attention = count,
            }
        }
        Ok(summary)
    }

    /// Makes a queued or needs-attention ticket due now, clearing its
    /// attention.
    pub fn retry(&self, id: &str, now: i64) -> Result<Entry> {
        let entry = self.get(id)?;
        if !matches!(entry.state, State::Queued | State::NeedsAttention) {
            return Err(wrong_state(&entry, "queued or needs-attention", "retried"));
        }
        self.lock().execute(
            "UPDATE tickets SET state = 'queued', next_attempt_at = ?2, attention_reason = NULL, field_errors = NULL
             WHERE id = ?1 AND state IN ('queued', 'attention')",
            params![entry.id, now],
        )?;
        self.get(&entry.id)
    }

    /// Makes every queued and needs-attention ticket due now; returns how many.
    pub fn retry_all(&self, now: i64) -> Result<usize> {
        Ok(self.lock().execute(
            "UPDATE tickets SET state = 'queued', next_attempt_at = ?1, attention_reason = NULL, field_errors = NULL
             WHERE state IN ('queued', 'attention')",
            params![now],
        )?)
    }

    /// Removes a ticket that is not being sent right now.
    pub fn discard(&self, id: &str) -> Result<Entry> {
        let entry = self.get(id)?;
        if entry.state == State::Sending {
            return Err(wrong_state(
                &entry,
                "queued, delivered or needs-attention",
                "discarded",
            ));
        }
        self.lock().execute(
            "DELETE FROM tickets WHERE id = ?1 AND state != 'sending'",
            [&entry.id],
        )?;
        Ok(entry)
    }

    /// Puts a needs-attention ticket's fields back in a form: it leaves the
    /// outbox, and the caller resubmits it as a new ticket.
    pub fn take_for_edit(&self, id: &str) -> Result<Entry> {
        let entry = self.get(id)?;
        if entry.state != State::NeedsAttention {
            return Err(wrong_state(&entry, "needs-attention", "edited"));
        }
        self.discard(&entry.id)
    }
}

const SELECT: &str = "SELECT id, account, ticket, state, created_at, attempts, next_attempt_at, last_error,
    attention_reason, field_errors, ticket_number, delivered_at, possible_duplicate, delivered FROM tickets";

fn read_entry(row: &Row<'_>) -> rusqlite::Result<Entry> {
    let json_error = |index, error: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    };
    let ticket: String = row.get(2)?;
    let ticket: NewTicket = serde_json::from_str(&ticket).map_err(|e| json_error(2, e))?;
    let state = State::from_column(&row.get::<_, String>(3)?);
    let attention = match row.get::<_, Option<String>>(8)? {
        Some(reason) => {
            let errors = row.get::<_, Option<String>>(9)?;
            let field_errors = match errors {
                Some(json) => serde_json::from_str(&json).map_err(|e| json_error(9, e))?,
                None => FieldErrors::new(),
            };
            Some(Attention {
                reason,
                field_errors,
            })
        }
        None => None,
    };
    let delivered = match row.get::<_, Option<i64>>(11)? {
        Some(at) => Some(Delivered {
            ticket_number: row.get(10)?,
            at,
            possible_duplicate: row.get(12)?,
            ticket: row
                .get::<_, Option<String>>(13)?
                .and_then(|json| serde_json::from_str(&json).ok()),
        }),
        None => None,
    };
    Ok(Entry {
        id: row.get(0)?,
        account: row.get(1)?,
        ticket,
        state,
        created_at: row.get(4)?,
        attempts: row.get(5)?,
        next_attempt_at: row.get(6)?,
        last_error: row.get(7)?,
        attention,
        delivered,
    })
}

fn wrong_state(entry: &Entry, allowed: &'static str, action: &'static str) -> OutboxError {
    OutboxError::WrongState {
        id: entry.id.clone(),
        state: entry.state.describe(),
        allowed,
        action,
    }
}

fn is_corruption(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Renames the file (and its WAL and shared-memory files) out of the way.
fn move_aside(path: &Path, reason: String) -> OutboxError {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let moved_to = path.with_extension(format!("sqlite3.corrupt-{stamp}"));
    if let Err(source) = fs::rename(path, &moved_to) {
        return OutboxError::Open {
            path: path.to_owned(),
            source,
        };
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let mut side_moved = moved_to.as_os_str().to_owned();
        side_moved.push(suffix);
        let _ = fs::rename(&side, &side_moved);
    }
    OutboxError::Corrupt {
        path: path.to_owned(),
        moved_to,
        reason,
    }
}

impl Outbox {
    /// Caps the file at `pages` pages, so tests can hit SQLite's "database
    /// or disk is full" without filling a disk.
    #[doc(hidden)]
    pub fn limit_pages_for_tests(&self, pages: i64) {
        let _ = self.lock().pragma_update(None, "max_page_count", pages);
    }

    #[doc(hidden)]
    pub fn page_count_for_tests(&self) -> i64 {
        self.lock()
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap_or(0)
    }
}
