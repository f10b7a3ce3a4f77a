//! [`OutboxError`]: what can go wrong with the outbox file, in words a
//! person can act on. Nothing here ever means a ticket was dropped.

use std::path::PathBuf;

use super::templates::TemplateFileProblem;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(
        "the outbox at {path} was unreadable ({reason}); it was moved to {moved_to} and a new one started with the {salvaged} tickets that could still be read"
    )]
    Corrupt {
        path: PathBuf,
        moved_to: PathBuf,
        reason: String,
        /// How many tickets were copied into the new one.
        salvaged: usize,
    },
    #[error(
        "the outbox at {path} is from a newer version of this app (schema {version}); update the app"
    )]
    TooNew { path: PathBuf, version: i64 },
    #[error(
        "the disk is full: the ticket was not saved, so it was not sent either; free some space and try again"
    )]
    DiskFull,
    #[error("the outbox holds {0} unsent tickets, its limit; deliver or discard some first")]
    Full(usize),
    #[error("no ticket {0} in the outbox")]
    NotFound(String),
    #[error("ticket {id} is {state}; only {allowed} tickets can be {action}")]
    WrongState {
        id: String,
        state: &'static str,
        allowed: &'static str,
        action: &'static str,
    },
    #[error("ticket {} was delivered already{}: it cannot be discarded", short(.id), number.as_deref().map(|n| format!(" as {n}")).unwrap_or_default())]
    Delivered { id: String, number: Option<String> },
    #[error(
        "ticket {0} was refused by the server as it is; edit it (its fields show what to change) instead of sending it again"
    )]
    NeedsEdit(String),
    #[error("cannot open the outbox at {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Export {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "a template's name must be 1 to {max} characters long, not counting spaces around it; this one has {chars}"
    )]
    TemplateName { chars: usize, max: usize },
    #[error("a template named \"{0}\" already exists; choose another name")]
    TemplateNameTaken(String),
    #[error("no template {0}; it may have been deleted meanwhile")]
    TemplateNotFound(String),
    #[error("{path} was not imported, so no template changed: {problem}")]
    TemplateImport {
        path: PathBuf,
        problem: TemplateFileProblem,
    },
    #[error("the outbox failed: {0}")]
    Sqlite(rusqlite::Error),
    #[error("a stored ticket is unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T> = std::result::Result<T, OutboxError>;

/// A ticket id as a person reads it: its first eight characters.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

impl From<rusqlite::Error> for OutboxError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Self::DiskFull,
            _ => Self::Sqlite(error),
        }
    }
}
