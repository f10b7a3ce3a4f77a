//! Filing a ticket: validated and saved in the outbox (the form is free
//! at once), tried, and its outcome reported after a short wait; and the
//! form's draft, which holds what the person types until it is filed.

use std::time::Duration;

use super::{Desk, DeskError, Result, lock};
use crate::draft::Draft;
use crate::submission::{Submitted, Until, save, wait_for};

impl Desk {
    /// Validates, saves and tries to deliver `draft`, waiting up to `wait`
    /// for it to be delivered or refused, retries included (an attempt
    /// still in flight then goes on): for a caller with no form to give
    /// back (the CLI).
    pub async fn file(&self, draft: &Draft, wait: Duration) -> Result<Submitted> {
        match self.keep(draft)? {
            Submitted::Queued { id, .. } => self.wait(&id, wait, Until::Settled).await,
            other => Ok(other),
        }
    }

    /// Validates `draft` and saves it in the outbox, due at once: `Invalid`
    /// (nothing saved), or where the saved ticket stands (queued for its
    /// first attempt). Returns as soon as the ticket is on disk, before the
    /// keyring or the server is asked: the person's form is free for the
    /// next ticket from this moment.
    ///
    /// Where the desk has a form, its draft has done its job once the
    /// ticket is in the outbox, and is cleared: a crash from here on leaves
    /// no second copy to send again. A ticket the server refuses stays in
    /// the outbox; it comes back into the form only when the person edits
    /// it ([`Desk::edit`]), never over what they have typed since. Its
    /// channel and priority are what the next new form starts with.
    pub fn keep(&self, draft: &Draft) -> Result<Submitted> {
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
        if let Some(form) = &self.form {
            let mut filed = lock(&self.filed);
            if filed.len() == 32 {
                filed.remove(0);
            }
            filed.push(draft.clone());
            form.clear().map_err(DeskError::Draft)?;
            self.remember_filed(draft);
        }
        self.changed();
        self.standing(&entry.id)
    }

    /// What became of ticket `id`, waiting up to `wait` for its attempt's
    /// answer (delivery is woken for it; an attempt still in flight when
    /// the wait ends goes on): delivered, refused, or, when it could not
    /// reach the server, waiting for its next try, said at once. A zero
    /// wait says where it stands now.
    pub async fn outcome(&self, id: &str, wait: Duration) -> Result<Submitted> {
        self.wait(id, wait, Until::Answered).await
    }

    async fn wait(&self, id: &str, wait: Duration, until: Until) -> Result<Submitted> {
        let engine = match wait.is_zero() {
            true => None,
            false => self.deliveries().engine().await.ok(),
        };
        let outbox = self.outbox();
        let submitted = wait_for(&outbox, engine.as_deref(), id, wait, until, &self.clock).await?;
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
