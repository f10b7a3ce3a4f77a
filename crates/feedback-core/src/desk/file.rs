//! Filing a ticket: validated, saved in the outbox, tried, and reported
//! after a short wait; and the form's draft, which holds what the person
//! types until it is filed.

use std::time::Duration;

use super::{Desk, DeskError, Result};
use crate::draft::Draft;
use crate::submission::{Submitted, save, wait_for};

impl Desk {
    /// Validates, saves and tries to deliver `draft`, waiting up to `wait`
    /// for the outcome (an attempt still in flight then goes on).
    ///
    /// The ticket is saved before anything else is asked (the keyring
    /// included). Where the desk has a form, it follows the ticket: once
    /// the ticket is in the outbox the form's draft has done its job; a
    /// ticket the server refused while the person looks at it goes back
    /// into the form to be fixed, instead of lingering in the outbox as a
    /// second copy.
    pub async fn file(&self, draft: &Draft, wait: Duration) -> Result<Submitted> {
        if let Some(reason) = self.unusable() {
            // A ticket taken now could not be kept: refuse it, say why.
            return Err(DeskError::OutboxUnavailable(reason));
        }
        let base = self.base()?;
        let outbox = self.outbox();
        // Saved first, before the keyring or anything else is asked.
        let entry = match save(&outbox, &base, draft, self.clock.now_ms())? {
            Ok(entry) => entry,
            Err(field_errors) => return Ok(Submitted::Invalid { field_errors }),
        };
        // In the outbox, the form's draft has done its job: a crash from
        // here on leaves no second copy to send again.
        if let Some(form) = &self.form {
            form.clear().map_err(DeskError::Draft)?;
        }
        self.changed();
        let engine = match wait.is_zero() {
            true => None,
            false => self.deliveries().engine().await.ok(),
        };
        let submitted = wait_for(&outbox, engine.as_deref(), &entry.id, wait, &self.clock).await?;
        if let (Submitted::NeedsAttention { id, .. }, Some(_)) = (&submitted, &self.form) {
            self.edit(id).await?;
        }
        self.changed();
        Ok(submitted)
    }

    /// Where ticket `id` stands now, in words for a person.
    pub fn standing(&self, id: &str) -> Result<Submitted> {
        Ok(crate::submission::standing(
            &self.outbox(),
            id,
            self.clock.now_ms(),
        )?)
    }

    /// Keeps what the form holds, as typed.
    pub fn save_draft(&self, draft: &Draft) -> Result<()> {
        match &self.form {
            Some(form) => form.save(draft).map_err(DeskError::Draft),
            None => Ok(()),
        }
    }

    /// What the form held when it was last kept.
    pub fn load_draft(&self) -> Result<Option<Draft>> {
        match &self.form {
            Some(form) => form.load().map_err(DeskError::Draft),
            None => Ok(None),
        }
    }
}
