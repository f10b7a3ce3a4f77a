//! [`LastUsed`]: the channel and priority of the last ticket filed from the
//! form, which the next new form starts with; kept in `last_used.json`
//! beside the draft ([`LastUsedFile`]), so that they outlive a restart.

use std::fs;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::draft::Draft;

/// What the form remembers of the last ticket filed from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LastUsed {
    /// Its channel (`None`: none remembered).
    pub channel_slug: Option<String>,
    /// Whether its priority is remembered: a ticket filed with none is
    /// remembered as none.
    pub remembers_priority: bool,
    pub priority: Option<String>,
}

impl LastUsed {
    /// What is remembered of `draft`, a ticket just filed.
    pub fn of(draft: &Draft) -> Self {
        let channel = draft.channel_slug.trim();
        let priority = draft.priority.as_deref().map(str::trim);
        Self {
            channel_slug: Some(channel.to_owned()).filter(|c| !c.is_empty()),
            remembers_priority: true,
            priority: priority.filter(|p| !p.is_empty()).map(str::to_owned),
        }
    }
}

/// The file [`LastUsed`] is kept in.
#[derive(Debug, Clone)]
pub struct LastUsedFile {
    path: PathBuf,
}

impl LastUsedFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// What is remembered; nothing when the file is missing or cannot be
    /// read (a help, not a need: the defaults take its place).
    pub fn load(&self) -> LastUsed {
        fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, last: &LastUsed) -> io::Result<()> {
        crate::draft_file::write_json(&self.path, last)
    }

    /// Forgets the channel, the priority, or both (a default the person
    /// set since takes their place).
    pub fn forget(&self, channel: bool, priority: bool) -> io::Result<()> {
        let mut last = self.load();
        if channel {
            last.channel_slug = None;
        }
        if priority {
            last.remembers_priority = false;
            last.priority = None;
        }
        self.save(&last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filed(channel: &str, priority: Option<&str>) -> Draft {
        Draft {
            channel_slug: channel.into(),
            subject: "Printer".into(),
            message: "It jams".into(),
            priority: priority.map(Into::into),
            ..Draft::default()
        }
    }

    #[test]
    fn the_last_channel_and_priority_outlive_the_file_being_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/last_used.json");
        assert_eq!(LastUsedFile::new(&path).load(), LastUsed::default());
        LastUsedFile::new(&path)
            .save(&LastUsed::of(&filed(" billing ", Some("high"))))
            .unwrap();
        let again = LastUsedFile::new(&path).load();
        assert_eq!(again.channel_slug.as_deref(), Some("billing"), "trimmed");
        assert!(again.remembers_priority);
        assert_eq!(again.priority.as_deref(), Some("high"));
    }

    #[test]
    fn a_ticket_with_no_priority_is_remembered_as_having_none() {
        let last = LastUsed::of(&filed("support", None));
        assert!(last.remembers_priority, "none is a choice too");
        assert_eq!(last.priority, None);
        let blank = LastUsed::of(&filed("  ", Some(" ")));
        assert_eq!(blank.channel_slug, None, "a blank channel is not one");
        assert_eq!(blank.priority, None);
    }

    #[test]
    fn forgetting_one_keeps_the_other() {
        let dir = tempfile::tempdir().unwrap();
        let file = LastUsedFile::new(dir.path().join("last_used.json"));
        file.save(&LastUsed::of(&filed("billing", Some("low"))))
            .unwrap();
        file.forget(true, false).unwrap();
        let last = file.load();
        assert_eq!(last.channel_slug, None);
        assert_eq!(last.priority.as_deref(), Some("low"));
        file.forget(false, true).unwrap();
        assert!(!file.load().remembers_priority);
    }

    #[test]
    fn a_file_that_cannot_be_read_remembers_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("last_used.json");
        fs::write(&path, "{half").unwrap();
        assert_eq!(LastUsedFile::new(&path).load(), LastUsed::default());
    }
}
