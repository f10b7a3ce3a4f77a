//! [`FileCheck`]: a look at an outbox file that changes nothing (no file
//! created, no schema upgraded, no bad file moved aside), for a doctor to
//! report on before anything opens it for real.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::{BUSY_TIMEOUT, Outbox, schema};

/// What [`Outbox::check_file`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FileCheck {
    /// No file yet: the first ticket creates it.
    Missing,
    /// A readable outbox that passes `PRAGMA quick_check`; `version` is
    /// its schema (older ones are upgraded when opened).
    Healthy { version: i64 },
    /// Written by a newer version of the app, which this one cannot use.
    TooNew { version: i64 },
    /// Not a readable outbox; `reason` is SQLite's.
    Unreadable { reason: String },
}

impl Outbox {
    /// Looks at the file at `path`, read-only.
    pub fn check_file(path: &Path) -> FileCheck {
        match path.try_exists() {
            Ok(false) => return FileCheck::Missing,
            Ok(true) => {}
            Err(error) => {
                return FileCheck::Unreadable {
                    reason: error.to_string(),
                };
            }
        }
        match inspect(path) {
            Ok((check, _)) if check != "ok" => FileCheck::Unreadable { reason: check },
            Ok((_, version)) if version > schema::VERSION => FileCheck::TooNew { version },
            Ok((_, version)) => FileCheck::Healthy { version },
            Err(error) => FileCheck::Unreadable {
                reason: error.to_string(),
            },
        }
    }
}

/// `PRAGMA quick_check`'s first line and the schema version.
fn inspect(path: &Path) -> rusqlite::Result<(String, i64)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let check: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    Ok((check, version))
}
