//! Starting at login: the "Start at login" setting, and a one-time start
//! that sends the tickets left waiting when the person quit ("Send them at
//! the next login"). Both are one login entry, which the shell makes the
//! OS's way ([`LoginEntry`]); the desk decides when it is wanted, and ends
//! a one-time start once nothing waits.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Desk, DeskError, Result};

/// The OS's entry that starts the app at login (an XDG autostart file, the
/// registry's `Run` key, a launch agent).
pub trait LoginEntry: Send + Sync + std::fmt::Debug {
    /// Makes the entry, or removes it.
    fn set(&self, wanted: bool) -> std::result::Result<(), String>;
}

/// The entry, and the file that asks for a one-time start (beside the outbox).
#[derive(Debug)]
pub(super) struct Login {
    pub(super) entry: Arc<dyn LoginEntry>,
    pub(super) marker: PathBuf,
}

impl Desk {
    /// Makes the login entry agree with the "Start at login" setting and any
    /// one-time start asked for (and so repairs a removed one).
    pub fn apply_login(&self, start_at_login: bool) -> Result<()> {
        let Some(login) = &self.login else {
            return Ok(());
        };
        login
            .entry
            .set(start_at_login || login.marker.exists())
            .map_err(DeskError::Login)
    }

    /// Asks for a one-time start at the next login, to send what waits.
    pub fn send_at_next_login(&self) -> Result<()> {
        let Some(login) = &self.login else {
            return Ok(());
        };
        std::fs::write(&login.marker, b"").map_err(|error| DeskError::Login(error.to_string()))?;
        login.entry.set(true).map_err(DeskError::Login)
    }

    /// Quits with the tickets left for a one-time start at the next login:
    /// the start is asked for first, then delivery stops after its attempt
    /// in flight.
    pub async fn quit_and_send_at_next_login(&self) -> Result<()> {
        self.send_at_next_login()?;
        self.shutdown().await;
        Ok(())
    }

    /// Nothing waits any more: a one-time start is done, and its entry goes
    /// unless the person starts the app at every login.
    pub(super) fn nothing_waits(&self) {
        let Some(login) = &self.login else {
            return;
        };
        if !login.marker.exists() {
            return;
        }
        if let Err(error) = std::fs::remove_file(&login.marker) {
            tracing::warn!("the one-time start could not be ended: {error}");
            return;
        }
        let start_at_login = self
            .settings()
            .is_some_and(|settings| settings.start_at_login);
        match self.apply_login(start_at_login) {
            Ok(()) => {
                tracing::info!("the tickets left at quit are sent; the one-time start is removed")
            }
            Err(error) => tracing::warn!("the login entry could not be removed: {error}"),
        }
    }
}
