//! The folder that holds the outbox and the draft, shared by the app and
//! the CLI: local to the machine and readable by its owner only.
//!
//! On Windows it is Local AppData, not Roaming: roaming profiles and folder
//! redirection put Roaming on a network share, and SQLite's WAL does not
//! work there. Earlier versions kept the outbox in Roaming; [`migrate`]
//! moves it, called through [`settle`] by whoever opens the outbox to
//! write (the app at its start, the CLI's commands that write), never by
//! a path getter. On Linux and macOS both are the same folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files that make up the outbox and the draft, the outbox first: an
/// open database cannot be renamed on Windows, so a move that starts with
/// it fails before anything else has moved.
const FILES: [&str; 4] = [
    "outbox.sqlite3",
    "outbox.sqlite3-wal",
    "outbox.sqlite3-shm",
    "draft.json",
];

/// `<local data dir>/nl.wemasy.feedback`.
pub fn local() -> Option<PathBuf> {
    Some(dirs::data_local_dir()?.join(crate::APP_ID))
}

/// `<roaming data dir>/nl.wemasy.feedback`: where versions up to 0.1 kept
/// the outbox on Windows (elsewhere the same folder as [`local`]).
pub fn roaming() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join(crate::APP_ID))
}

/// Where the outbox belongs ([`local`]) and where versions up to 0.1 kept
/// it ([`roaming`]): two folders on Windows, one folder twice elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folders {
    pub local: PathBuf,
    pub roaming: PathBuf,
}

impl Folders {
    /// This user's folders; `None` where the OS has no data folder.
    pub fn of_user() -> Option<Self> {
        Some(Self {
            local: local()?,
            roaming: roaming()?,
        })
    }

    /// The outbox file in the local folder. Only a path: nothing is made
    /// or moved ([`Folders::settle`] does that), so a look such as
    /// `feedback doctor` leaves the files as they are.
    pub fn outbox(&self) -> PathBuf {
        self.local.join(FILES[0])
    }

    /// An outbox left in the roaming folder by an earlier version: the one
    /// [`Folders::settle`] moves, or, when the local folder has an outbox
    /// already, one that stays where it is.
    pub fn left_in_roaming(&self) -> Option<PathBuf> {
        let old = self.roaming.join(FILES[0]);
        (self.roaming != self.local && old.exists()).then_some(old)
    }

    /// The outbox file to open, after moving an old one from the roaming
    /// folder (see [`settle`]): the step before opening it to write.
    pub fn settle(&self) -> (PathBuf, Option<io::Error>) {
        let (dir, error) = settle(&self.local, &self.roaming);
        (dir.join(FILES[0]), error)
    }
}

/// Creates `dir` with its parents, each readable by its owner only (0700
/// on Unix: tickets and their server replies are in it), and tightens the
/// app's own folder (`nl.wemasy.feedback`) if an earlier version made it
/// with the umask's 0755. A folder someone chose (`FEEDBACK_OUTBOX`) that
/// exists already is left as it is. Elsewhere the user's profile folder is
/// private already.
pub fn create_private(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let open = fs::metadata(dir)?.permissions().mode() & 0o077 != 0;
        if open && dir.file_name() == Some(std::ffi::OsStr::new(crate::APP_ID)) {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// The folder to keep the outbox in: `local`, after moving an outbox found
/// in `roaming` there; `roaming` for now, with the reason, while that move
/// cannot happen (its outbox is open in another program, say), so that
/// the tickets in it are never left out of sight.
pub fn settle(local: &Path, roaming: &Path) -> (PathBuf, Option<io::Error>) {
    match migrate(roaming, local) {
        Ok(_) => (local.to_owned(), None),
        Err(error) => {
            tracing::warn!("the outbox stays in {} for now: {error}", roaming.display());
            (roaming.to_owned(), Some(error))
        }
    }
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Migration {
    /// Nothing to move: the folders are the same, there is no old outbox,
    /// or the new folder has one already (never overwritten).
    Nothing,
    /// The outbox (and the draft, if any) now lives in the new folder.
    Moved,
}

/// Moves the outbox, its WAL files and the draft from `from` to `to`, when
/// `from` has an outbox and `to` has none. The old outbox's WAL is first
/// folded into it, so that the main file holds every ticket. An error
/// leaves the outbox where it was (the caller keeps using it there).
pub fn migrate(from: &Path, to: &Path) -> io::Result<Migration> {
    let old = from.join(FILES[0]);
    if from == to || !old.exists() || to.join(FILES[0]).exists() {
        return Ok(Migration::Nothing);
    }
    create_private(to)?;
    checkpoint(&old)?;
    for (index, name) in FILES.iter().enumerate() {
        let source = from.join(name);
        if !source.exists() {
            continue;
        }
        if let Err(error) = move_file(&source, &to.join(name)) {
            if index == 0 {
                // Nothing moved yet: the outbox stays where it was.
                return Err(error);
            }
            // The outbox moved; a leftover WAL is empty after the
            // checkpoint, and a draft that stays behind is only a draft.
            tracing::warn!("{} was not moved: {error}", source.display());
        }
    }
    tracing::info!(
        "the outbox moved from {} to {}",
        from.display(),
        to.display()
    );
    Ok(Migration::Moved)
}

/// Folds the WAL into the database file and empties it.
fn checkpoint(path: &Path) -> io::Result<()> {
    let connection = rusqlite::Connection::open(path).map_err(io::Error::other)?;
    // Start-up must not wait long for a program that keeps reading.
    connection
        .busy_timeout(std::time::Duration::from_millis(300))
        .map_err(io::Error::other)?;
    connection
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(io::Error::other)
        .and_then(|busy| {
            if busy == 0 {
                Ok(())
            } else {
                Err(io::Error::other("another program is using the outbox"))
            }
        })
}

/// Renames, or copies and removes where the folders are on different
/// volumes. Either the file is at `to` only, or at `from` only: a copy
/// whose original cannot be removed (open in another program) is undone,
/// so that two outboxes never exist.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    if fs::rename(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    let done = fs::File::open(to)
        .and_then(|copy| copy.sync_all())
        .and_then(|()| fs::remove_file(from));
    if done.is_err() {
        let _ = fs::remove_file(to);
    }
    done
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_folder_is_readable_by_its_owner_only_new_or_old() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("data/nl.wemasy.feedback");
        create_private(&new).unwrap();
        let mode = |dir: &Path| fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), 0o700);
        assert_eq!(mode(&root.path().join("data")), 0o700, "and what it made");

        let old = root.path().join("made-by-0.1/nl.wemasy.feedback");
        fs::create_dir_all(&old).unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o755)).unwrap();
        create_private(&old).unwrap();
        assert_eq!(mode(&old), 0o700, "the app's own folder is tightened");

        let chosen = root.path().join("chosen");
        fs::create_dir(&chosen).unwrap();
        fs::set_permissions(&chosen, fs::Permissions::from_mode(0o755)).unwrap();
        create_private(&chosen).unwrap();
        assert_eq!(mode(&chosen), 0o755, "a folder someone chose is theirs");
    }
}
