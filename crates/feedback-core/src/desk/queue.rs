//! The waiting tickets, as a person handles them: retry one, discard one,
//! take one back into the form, send everything now, export them. Each
//! looks first for tickets a stopped sender left "being sent": those are
//! back in the queue, in reach.

use std::path::Path;

use super::{Desk, DeskError, Result, lock};
use crate::draft::Draft;
use crate::outbox::Entry;

impl Desk {
    /// Makes a queued or needs-attention ticket due now.
    pub async fn retry(&self, id: &str) -> Result<Entry> {
        let now = self.recover_for_change()?;
        let entry = self.outbox().retry(id, now)?;
        self.deliveries().network_back();
        self.changed();
        Ok(entry)
    }

    /// Removes a ticket the server does not have; never a delivered one,
    /// nor one whose attempt is in flight.
    pub async fn discard(&self, id: &str) -> Result<Entry> {
        self.recover_for_change()?;
        let entry = self.outbox().discard(id)?;
        self.changed();
        Ok(entry)
    }

    /// A ticket back into the form to be changed, as in a mail client's
    /// outbox: one the server refused, or one still waiting that no attempt
    /// may have reached the server with ([`Entry::editable`]). Its fields
    /// are written as the draft first, and only then does it leave the
    /// outbox.
    pub async fn edit(&self, id: &str) -> Result<Draft> {
        let Some(form) = &self.form else {
            return Err(DeskError::Draft(std::io::Error::other(
                "there is no form to edit it in",
            )));
        };
        let kept = self
            .outbox()
            .take_for_edit(id, |entry| form.save(&Draft::from(&entry.ticket)))?
            .map_err(DeskError::Draft)?;
        let draft = Draft::from(&kept.ticket);
        // The form holds it again: what it holds is kept as typed.
        lock(&self.filed).retain(|filed| *filed != draft);
        self.changed();
        Ok(draft)
    }

    /// "Send queued now": every queued ticket due now, and any wait or
    /// pause the server set lifted; tickets the server refused stay for an
    /// edit. Returns how many are due.
    pub async fn send_now(&self) -> Result<usize> {
        let now = self.recover_for_change()?;
        let due = self.outbox().send_now(now)?;
        self.deliveries().network_back();
        self.changed();
        Ok(due)
    }

    /// Every ticket, oldest first.
    pub fn list(&self) -> Result<Vec<Entry>> {
        self.recover();
        Ok(self.outbox().list()?)
    }

    /// The name a save dialog suggests for the unsent tickets of `origin`
    /// (every server's when `None`): by the server's host, which tells two
    /// servers' files apart.
    pub fn export_name(&self, origin: Option<&str>) -> String {
        let host = origin
            .map(|origin| origin.split("://").last().unwrap_or(origin))
            .unwrap_or("all servers");
        let host: String = host
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '.' | '-' | ' ') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("Wemasy Feedback unsent tickets ({host}).json")
    }

    /// Writes the unsent tickets (of `origin` only, when given) to `file`
    /// as JSON, whole or not at all. Returns how many.
    pub fn export(&self, file: &Path, origin: Option<&str>) -> Result<usize> {
        self.recover();
        Ok(self.outbox().export_unsent(file, origin)?)
    }
}
