//! [`DraftFile`]: the form's half-typed ticket, saved as the user types so it
//! survives a crash or a restart. Each save writes a new file and renames it
//! over the old one, so a crash mid-save leaves the previous draft whole.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::draft::Draft;

#[derive(Debug, Clone)]
pub struct DraftFile {
    path: PathBuf,
}

impl DraftFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `draft.json` beside the outbox.
    pub fn beside(outbox: &Path) -> Self {
        Self::new(outbox.with_file_name("draft.json"))
    }

    /// Where the form's remembered channel and priority are kept: beside
    /// the draft.
    pub fn last_used(&self) -> crate::last_used::LastUsedFile {
        crate::last_used::LastUsedFile::new(self.path.with_file_name("last_used.json"))
    }

    pub fn save(&self, draft: &Draft) -> io::Result<()> {
        write_json(&self.path, draft)
    }

    /// The saved draft; `None` when there is none. A file that cannot be
    /// read as a draft is kept aside (`draft.json.unreadable`), not lost.
    pub fn load(&self) -> io::Result<Option<Draft>> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        match serde_json::from_slice(&bytes) {
            Ok(draft) => Ok(Some(draft)),
            Err(_) => {
                fs::rename(&self.path, self.path.with_extension("json.unreadable"))?;
                Ok(None)
            }
        }
    }

    pub fn clear(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// Writes `value` as JSON to `path` through a new file renamed over the
/// old one: a crash mid-write leaves the previous file whole.
pub(crate) fn write_json(path: &Path, value: &impl serde::Serialize) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::data_dir::create_private(dir)?;
    }
    let partial = path.with_extension("json.partial");
    let mut file = fs::File::create(&partial)?;
    file.write_all(&serde_json::to_vec(value)?)?;
    file.sync_all()?;
    fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_clear() {
        let dir = tempfile::tempdir().unwrap();
        let file = DraftFile::new(dir.path().join("nested/draft.json"));
        assert_eq!(file.load().unwrap(), None);
        let draft = Draft {
            subject: "Half typ".into(),
            ..Draft::default()
        };
        file.save(&draft).unwrap();
        assert_eq!(file.load().unwrap(), Some(draft));
        file.clear().unwrap();
        file.clear().unwrap();
        assert_eq!(file.load().unwrap(), None);
    }

    #[test]
    fn an_unreadable_draft_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        fs::write(&path, "{half a draft").unwrap();
        assert_eq!(DraftFile::new(&path).load().unwrap(), None);
        assert_eq!(
            fs::read_to_string(path.with_extension("json.unreadable")).unwrap(),
            "{half a draft"
        );
    }
}
