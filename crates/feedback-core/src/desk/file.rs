//! Filing a ticket: validated, saved in the outbox, tried, and reported
//! after a short wait; and the form's draft, which holds what the person
//! types until it is filed.

use std::time::Duration;

use super::{Desk, DeskError, Result, lock};
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
            let mut filed = lock(&self.filed);
            if filed.len() == 32 {
                filed.remove(0);
            }
            filed.push(draft.clone());
            form.clear().map_err(DeskError::Draft)?;
        }
        self.changed();
        let engine = match wait.is_zero() {
            true => None,
            false => self.deliveries().engine().await.ok(),
        };
        let submitted = wait_for(&outbox, engine.as_deref(), &entry.id, wait, &self.clock).await?;
        if let (Submitted::NeedsAttention { id, .. }, Some(_)) = (&submitted, &self.form) {
            // Back in the form to be fixed: the form holds it again.
            lock(&self.filed).retain(|filed| filed != draft);
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

    /// Keeps what the form holds, as typed; but not a form this process
    /// filed, which the window may still autosave while or after it is sent
    /// (the ticket is in the outbox: kept again as the draft, it would come
    /// back at the next start to be sent twice). A form typed to be exactly
    /// one of the last 32 filed is thereby not kept either: it is a ticket
    /// already sent.
    pub fn save_draft(&self, draft: &Draft) -> Result<()> {
        let Some(form) = &self.form else {
            return Ok(());
        };
        // Held while the file is written, so that a filing clears the
        // draft either before this save or after it, never between.
        let filed = lock(&self.filed);
        if filed.contains(draft) {
            return Ok(());
        }
        form.save(draft).map_err(DeskError::Draft)
    }

    /// What the form held when it was last kept.
    pub fn load_draft(&self) -> Result<Option<Draft>> {
        match &self.form {
            Some(form) => form.load().map_err(DeskError::Draft),
            None => Ok(None),
        }
    }
}
