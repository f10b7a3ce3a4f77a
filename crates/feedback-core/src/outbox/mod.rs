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
mod file_check;
mod history;
mod recent_errors;
mod salvage;
mod schema;
mod suggestions;
mod templates;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Row, params};

pub use claim::{AccountUpdate, AttemptResult, Claim, HORIZON_MS, Pause, PauseKind, RateState};
pub use entry::{Attention, Delivered, Entry, Problem, State, Summary};
pub use error::{OutboxError, Result};
pub use file_check::FileCheck;
pub use history::{MAX_SENT_PAGE, SentItem, SentPage, SentQuery};
pub use recent_errors::RecentError;
pub use suggestions::{MAX_SUGGESTIONS, SuggestionKind};
pub use templates::{
    ImportReport, MAX_TEMPLATE_NAME, MAX_TEMPLATES_FILE, ReadTemplates, TEMPLATES_FORMAT,
    TEMPLATES_VERSION, Template, TemplateFields, TemplateFileProblem,
};

use crate::api_base::ApiBase;
use crate::field_errors::FieldErrors;
use crate::new_ticket::NewTicket;

/// How long a statement waits for another process's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How many undelivered tickets the outbox takes before it refuses more.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// The outbox file.
#[derive(Debug)]
pub struct Outbox {
    // A std Mutex: statements are short and never held across an `.await`.
    connection: Mutex<Connection>,
    path: PathBuf,
    capacity: usize,
    /// Where ticket ids come from when not at random: a seed's draws, so
    /// that a simulated day replays exactly.
    ids: Mutex<Option<fastrand::Rng>>,
}

impl Outbox {
    /// `<local data dir>/nl.wemasy.feedback/outbox.sqlite3`: the same file
    /// for the app and the CLI (Tauri's `app_local_data_dir`). Only the
    /// path: a caller that opens the outbox to write first moves an old
    /// one there from the roaming folder ([`crate::data_dir::Folders::settle`]).
    pub fn default_path() -> Option<PathBuf> {
        Some(crate::data_dir::Folders::of_user()?.outbox())
    }

    /// Opens or creates the outbox. A file that is not a readable outbox is
    /// moved aside (never deleted or overwritten), what it still holds is
    /// copied into a new one, and it is reported as [`OutboxError::Corrupt`];
    /// opening again then opens the new one.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_waiting(path, BUSY_TIMEOUT)
    }

    /// [`Outbox::open`], waiting at most `busy` for another process's
    /// lock at each statement (the simulation, whose processes share one
    /// thread, waits not at all: a lock held is an error at once).
    pub fn open_waiting(path: &Path, busy: std::time::Duration) -> Result<Self> {
        if let Some(dir) = path.parent() {
            crate::data_dir::create_private(dir).map_err(|source| OutboxError::Open {
                path: path.to_owned(),
                source,
            })?;
        }
        // Two processes creating the file at once (the app and the CLI) can
        // find it locked where SQLite's busy handler does not wait (turning
        // on WAL): try again for as long as the busy timeout would have.
        let started = std::time::Instant::now();
        let mut opened = Self::open_checked(path, busy);
        while matches!(&opened, Err(OutboxError::Sqlite(error)) if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy))
            && started.elapsed() < busy
        {
            std::thread::sleep(std::time::Duration::from_millis(10 + fastrand::u64(0..40)));
            opened = Self::open_checked(path, busy);
        }
        let corrupt = match opened {
            Err(OutboxError::Sqlite(error)) if is_corruption(&error) => {
                move_aside(path, error.to_string())
            }
            Err(corrupt @ OutboxError::Corrupt { .. }) => corrupt,
            other => return other,
        };
        Err(match corrupt {
            OutboxError::Corrupt {
                path,
                moved_to,
                reason,
                ..
            } => OutboxError::Corrupt {
                salvaged: salvage::salvage(&moved_to, &path),
                path,
                moved_to,
                reason,
            },
            other => other,
        })
    }

    /// An outbox that keeps nothing on disk: the app's stand-in while its
    /// file cannot be opened, so that it can start and say so. Nothing may
    /// be accepted into it (the app refuses to submit meanwhile).
    pub fn in_memory() -> Result<Self> {
        Self::open_checked(Path::new(":memory:"), BUSY_TIMEOUT)
    }

    pub(super) fn open_checked(path: &Path, busy: std::time::Duration) -> Result<Self> {
        let mut connection = Connection::open(path)?;
        connection.busy_timeout(busy)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        let check: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if check != "ok" {
            drop(connection);
            return Err(move_aside(path, check));
        }
        if let Err(version) = schema::migrate(&mut connection)? {
            return Err(OutboxError::TooNew {
                path: path.to_owned(),
                version,
            });
        }
        Ok(Self {
            connection: Mutex::new(connection),
            path: path.to_owned(),
            capacity: DEFAULT_CAPACITY,
            ids: Mutex::new(None),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Ticket ids drawn from `seed` from now on, instead of at random: for a
    /// simulation that replays a day exactly (each process its own seed).
    pub fn seed_ids(&self, seed: u64) {
        *self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(fastrand::Rng::with_seed(seed));
    }

    /// A new ticket id: a version 4 UUID.
    fn new_id(&self) -> String {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match ids.as_mut() {
            Some(rng) => {
                let bytes = rng.u128(..).to_le_bytes();
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string()
            }
            None => uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Sets how many undelivered tickets are accepted.
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written:
        // every change is one transaction.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a validated ticket for `account`, due at once. Returns only
    /// once it is on disk.
    pub fn enqueue(&self, account: &str, ticket: &NewTicket, now: i64) -> Result<Entry> {
        self.enqueue_with(account, None, ticket, now)
    }

    /// Stores a validated ticket for `base`, due at once: it goes to that
    /// base (or to a corrected one on the same server, see
    /// [`Outbox::point_to`]). Returns only once it is on disk.
    pub fn enqueue_to(&self, base: &ApiBase, ticket: &NewTicket, now: i64) -> Result<Entry> {
        self.enqueue_with(&base.origin(), Some(base.as_str()), ticket, now)
    }

    fn enqueue_with(
        &self,
        account: &str,
        base: Option<&str>,
        ticket: &NewTicket,
        now: i64,
    ) -> Result<Entry> {
        let id = self.new_id();
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
            "INSERT INTO tickets (id, account, ticket, state, created_at, next_attempt_at, api_base)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?5)",
            params![id, account, json, now, base],
        )?;
        transaction.commit()?;
        drop(connection);
        self.get(&id)
    }

    /// One ticket by its id or a unique prefix of it (an empty prefix
    /// names no ticket).
    pub fn get(&self, id: &str) -> Result<Entry> {
        if id.trim().is_empty() {
            return Err(OutboxError::NotFound(id.to_owned()));
        }
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "{SELECT} WHERE id LIKE ?1 || '%' ESCAPE '\\' LIMIT 2"
        ))?;
        let pattern = like_escape(id);
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

    /// `account`'s tickets not delivered, oldest first, chosen in SQL: the
    /// outbox view of one server.
    pub fn list_unsent_of(&self, account: &str) -> Result<Vec<Entry>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "{SELECT} WHERE state != 'delivered' AND account = ?1 ORDER BY created_at, rowid"
        ))?;
        let entries = statement
            .query_map([account], read_entry)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }

    /// Tickets not delivered (queued, being sent, needing attention),
    /// oldest first, chosen in SQL: what an outbox view shows.
    pub fn list_unsent(&self) -> Result<Vec<Entry>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "{SELECT} WHERE state != 'delivered' ORDER BY created_at, rowid"
        ))?;
        let entries = statement
            .query_map([], read_entry)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }

    /// Writes the unsent tickets (of `account` only, when given) to `file`
    /// as JSON, whole or not at all; an unreadable one goes as its stored
    /// text. Returns how many.
    pub fn export_unsent(&self, file: &Path, account: Option<&str>) -> Result<usize> {
        let unsent: Vec<Entry> = self
            .list_unsent()?
            .into_iter()
            .filter(|entry| account.is_none_or(|account| entry.account == account))
            .collect();
        write_whole(file, &(serde_json::to_string_pretty(&unsent)? + "\n"))?;
        Ok(unsent.len())
    }

    /// Counts by state, over every account.
    pub fn summary(&self) -> Result<Summary> {
        self.summary_where("1 = 1", [])
    }

    /// Counts by state of one account's tickets, counted in SQL.
    pub fn account_summary(&self, account: &str) -> Result<Summary> {
        self.summary_where("account = ?1", [account])
    }

    fn summary_where(&self, filter: &str, params: impl rusqlite::Params) -> Result<Summary> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "SELECT state, count(*) FROM tickets WHERE {filter} GROUP BY state"
        ))?;
        let mut summary = Summary::default();
        for row in statement.query_map(params, |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })? {
            let (state, count) = row?;
            summary.add(&state, count);
        }
        Ok(summary)
    }

    /// Counts by state of each account's tickets, counted in SQL, by account.
    pub fn summaries_by_account(&self) -> Result<Vec<(String, Summary)>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT account, state, count(*) FROM tickets GROUP BY account, state ORDER BY account",
        )?;
        let mut summaries: Vec<(String, Summary)> = Vec::new();
        for row in statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })? {
            let (account, state, count) = row?;
            match summaries.last_mut() {
                Some((last, summary)) if *last == account => summary.add(&state, count),
                _ => {
                    let mut summary = Summary::default();
                    summary.add(&state, count);
                    summaries.push((account, summary));
                }
            }
        }
        Ok(summaries)
    }

    /// Makes a queued or needs-attention ticket due now, clearing its
    /// attention. A ticket the server refused field by field (422) is not
    /// sent again unchanged: it must be edited.
    pub fn retry(&self, id: &str, now: i64) -> Result<Entry> {
        let entry = self.get(id)?;
        if !matches!(entry.state, State::Queued | State::NeedsAttention) {
            return Err(wrong_state(&entry, "queued or needs-attention", "retried"));
        }
        if entry
            .attention
            .as_ref()
            .is_some_and(|attention| !attention.field_errors.is_empty())
            || entry.unreadable.is_some()
        {
            return Err(OutboxError::NeedsEdit(entry.id));
        }
        self.lock().execute(
            "UPDATE tickets SET state = 'queued', next_attempt_at = ?2, attention_reason = NULL, field_errors = NULL
             WHERE id = ?1 AND state IN ('queued', 'attention')",
            params![entry.id, now],
        )?;
        self.get(&entry.id)
    }

    /// Removes a ticket the server does not have: queued or needing
    /// attention. One being sent right now (its claim holds) waits for its
    /// attempt to end; a delivered one is never discarded, the server has
    /// it (the check and the removal are one statement, so a delivery
    /// that lands while the person confirms is never undone).
    pub fn discard(&self, id: &str) -> Result<Entry> {
        let entry = self.get(id)?;
        let removed = self.lock().execute(
            "DELETE FROM tickets WHERE id = ?1 AND state IN ('queued', 'attention')",
            [&entry.id],
        )?;
        if removed == 1 {
            return Ok(entry);
        }
        let now = self.get(&entry.id)?;
        Err(match now.state {
            State::Delivered => OutboxError::Delivered {
                number: now.delivered.and_then(|delivered| delivered.ticket_number),
                id: now.id,
            },
            _ => wrong_state(&now, "queued or needs-attention", "discarded"),
        })
    }

    /// Moves a ticket that can be edited ([`Entry::editable`]) into a
    /// form, as a mail client's outbox does: `keep` stores its
    /// fields (as the draft) first, and only once that succeeded does the
    /// ticket leave the outbox, so a failure on either side loses nothing.
    /// The file is held meanwhile: no other process can retry or send it
    /// between the look and the removal (and so have it filed twice).
    pub fn take_for_edit<E>(
        &self,
        id: &str,
        keep: impl FnOnce(&Entry) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Entry, E>> {
        let entry = self.get(id)?;
        let mut connection = self.lock();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let entry =
            transaction.query_row(&format!("{SELECT} WHERE id = ?1"), [&entry.id], read_entry)?;
        if !entry.editable {
            return Err(wrong_state(
                &entry,
                "needs-attention, or queued with no attempt that may have reached the server,",
                "edited",
            ));
        }
        if let Err(error) = keep(&entry) {
            return Ok(Err(error));
        }
        transaction.execute("DELETE FROM tickets WHERE id = ?1", [&entry.id])?;
        transaction.commit()?;
        Ok(Ok(entry))
    }

    /// Removes delivered records older than `before` (Unix ms): the history
    /// is kept for a retention period, not for ever. Returns how many.
    pub fn purge_delivered(&self, before: i64) -> Result<usize> {
        Ok(self.lock().execute(
            "DELETE FROM tickets WHERE state = 'delivered' AND delivered_at < ?1",
            [before],
        )?)
    }

    /// A number that changes whenever another connection (another process)
    /// commits to the file: cheap to read, so the engine can notice a
    /// ticket the CLI queued beside the app.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .lock()
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }
}

const SELECT: &str =
    "SELECT id, account, ticket, state, created_at, attempts, next_attempt_at, last_error,
    attention_reason, field_errors, ticket_number, delivered_at, possible_duplicate, delivered,
    first_failed_at, delivered_note, api_base FROM tickets";

fn read_entry(row: &Row<'_>) -> rusqlite::Result<Entry> {
    // One unreadable row must not stall every list and claim: it is shown
    // as needing attention, with its stored text kept for export.
    let stored: String = row.get(2)?;
    let (ticket, unreadable) = match serde_json::from_str::<NewTicket>(&stored) {
        Ok(ticket) => (ticket, None),
        Err(error) => (NewTicket::unreadable(&stored), Some(error.to_string())),
    };
    let mut state = State::from_column(&row.get::<_, String>(3)?);
    if unreadable.is_some() && state != State::Delivered {
        state = State::NeedsAttention;
    }
    let attention = match row.get::<_, Option<String>>(8)? {
        Some(reason) => {
            let errors = row.get::<_, Option<String>>(9)?;
            let field_errors = errors
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default();
            Some(Attention::new(reason, field_errors))
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
            note: row.get(15)?,
        }),
        None => None,
    };
    let attention = match (&unreadable, attention) {
        (Some(problem), None) if state == State::NeedsAttention => Some(Attention::new(
            format!("the stored copy of this ticket cannot be read ({problem})"),
            FieldErrors::new(),
        )),
        (_, attention) => attention,
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
        first_failed_at: row.get(14)?,
        api_base: row.get(16)?,
        may_have_arrived: row.get(12)?,
        editable: false,
        unreadable: unreadable.map(|_| stored),
    }
    .judged())
}

/// Writes `text` to `file` whole or not at all: beside it first, then
/// renamed over it.
fn write_whole(file: &Path, text: &str) -> Result<()> {
    let partial = file.with_extension("partial");
    fs::write(&partial, text)
        .and_then(|()| fs::rename(&partial, file))
        .map_err(|source| OutboxError::Export {
            path: file.to_owned(),
            source,
        })
}

/// `text` for a `LIKE … ESCAPE '\'` pattern, matching itself only.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
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
    // Never over another file kept aside before (two in one second).
    let moved_to = (0..)
        .map(|n| match n {
            0 => path.with_extension(format!("sqlite3.corrupt-{stamp}")),
            n => path.with_extension(format!("sqlite3.corrupt-{stamp}-{n}")),
        })
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| path.with_extension("sqlite3.corrupt"));
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
        salvaged: 0,
    }
}

impl Outbox {
    /// Caps the file at `pages` pages, so tests can hit SQLite's "database
    /// or disk is full" without filling a disk.
    #[doc(hidden)]
    pub fn limit_pages_for_tests(&self, pages: i64) {
        let _ = self.lock().pragma_update(None, "max_page_count", pages);
    }

    /// Makes every write fail as on a read-only file (`query_only`), or
    /// lets writes through again.
    #[doc(hidden)]
    pub fn read_only_for_tests(&self, read_only: bool) {
        let _ = self.lock().pragma_update(None, "query_only", read_only);
    }

    #[doc(hidden)]
    pub fn page_count_for_tests(&self) -> i64 {
        self.lock()
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap_or(0)
    }
}
