//! Filing a ticket: validated, saved in the outbox, tried, and reported
//! after a short wait; and the form's draft, which holds what the person
//! types until it is filed.

use std::time::Duration;

use super::{Desk, DeskError, Result};
use crate::draft::Draft;
use crate::submission::{Submitted, submit};

impl Desk {
    /// Validates, saves and tries to deliver `draft`, waiting up to `wait`
    /// for the outcome (an attempt still in flight then goes on).
    ///
    /// Where the desk has a form, it follows the ticket: once the ticket
    /// is in the outbox the form's draft has done its job; a ticket the
    /// server refused while the person looks at it goes back into the
    /// form to be fixed, instead of lingering in the outbox as a second copy.
    pub async fn file(&self, draft: &Draft, wait: Duration) -> Result<Submitted> {
        self.started().await;
        if let Some(reason) = &self.unusable {
            // A ticket taken now could not be kept: refuse it, say why.
            return Err(DeskError::OutboxUnavailable(reason.clone()));
        }
        let base = self.base()?;
        // Invalid input needs no token: the keyring is not asked for it.
        if let Err(field_errors) = crate::validation::validate(draft) {
            return Ok(Submitted::Invalid { field_errors });
        }
        let engine = match wait.is_zero() {
            true => None,
            false => self.deliveries.engine().await.ok(),
        };
        let submitted = submit(
            &self.outbox,
            engine.as_deref(),
            &base,
            draft,
            wait,
            &self.clock,
        )
        .await?;
        match (&submitted, &self.form) {
            (Submitted::NeedsAttention { id, .. }, Some(_)) => {
                self.edit(id).await?;
            }
            (Submitted::Delivered { .. } | Submitted::Queued { .. }, Some(form)) => {
                form.clear().map_err(DeskError::Draft)?;
            }
            _ => {}
        }
        if !matches!(submitted, Submitted::Invalid { .. }) {
            self.changed();
        }
        Ok(submitted)
    }

    /// Where ticket `id` stands now, in words for a person.
    pub fn standing(&self, id: &str) -> Result<Submitted> {
        Ok(crate::submission::standing(
            &self.outbox,
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
