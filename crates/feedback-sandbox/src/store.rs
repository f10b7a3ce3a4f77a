//! Received tickets: in memory, and appended to `tickets.jsonl` in the data
//! directory (flushed to disk before the reply) when there is one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A ticket as the server answers with it: the 20 documented fields, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: u64,
    pub ticket_number: Option<String>,
    pub channel_id: u64,
    pub project_id: Option<u64>,
    pub user_id: Option<u64>,
    pub assigned_to: Option<u64>,
    pub subject: String,
    pub message: String,
    pub status: String,
    pub priority: String,
    pub rating: Option<i64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub tool_key: Option<String>,
    pub page: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub metadata: Option<serde_json::Value>,
    pub migrated_from_id: Option<u64>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A stored ticket with what the sandbox records about its request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTicket {
    /// The request's `Idempotency-Key` header; the sandbox, like the real
    /// server, does not deduplicate by it.
    pub idempotency_key: Option<String>,
    pub received_at: String,
    pub ticket: Ticket,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data file {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("line {line} of {path} is not a stored ticket: {source}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
}

#[derive(Debug, Default)]
pub struct Store {
    tickets: Vec<StoredTicket>,
    file: Option<(PathBuf, File)>,
}

impl Store {
    /// Opens (creating) `dir/tickets.jsonl` and loads what it holds; with no
    /// directory, an empty in-memory store.
    pub fn open(dir: Option<&Path>) -> Result<Self, StoreError> {
        let Some(dir) = dir else {
            return Ok(Self::default());
        };
        let path = dir.join("tickets.jsonl");
        let io_error = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_error)?;
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_error)?;
        let mut tickets = Vec::new();
        for (index, line) in BufReader::new(&file).lines().enumerate() {
            let line = line.map_err(io_error)?;
            if line.trim().is_empty() {
                continue;
            }
            let ticket = serde_json::from_str(&line).map_err(|source| StoreError::Corrupt {
                path: path.clone(),
                line: index + 1,
                source,
            })?;
            tickets.push(ticket);
        }
        Ok(Self {
            tickets,
            file: Some((path, file)),
        })
    }

    pub fn next_id(&self) -> u64 {
        self.tickets
            .iter()
            .map(|stored| stored.ticket.id)
            .max()
            .unwrap_or(0)
            + 1
    }

    /// Keeps `ticket`; on disk first, so a stored ticket survives a crash.
    pub fn add(&mut self, ticket: StoredTicket) -> io::Result<()> {
        if let Some((_, file)) = &mut self.file {
            let mut line = serde_json::to_vec(&ticket)?;
            line.push(b'\n');
            file.write_all(&line)?;
            file.sync_data()?;
        }
        self.tickets.push(ticket);
        Ok(())
    }

    pub fn all(&self) -> Vec<StoredTicket> {
        self.tickets.clone()
    }
}
