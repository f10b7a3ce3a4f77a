//! [`TokenStore`]: the API token in the OS keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows), one entry per API
//! origin so that a sandbox token is never sent to production.
//!
//! Keyring calls block and, with a locked or absent Secret Service, can wait
//! on a prompt nobody will answer; each one runs on its own thread with a
//! time limit so a caller gets a clear error instead of a hang.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::api_base::ApiBase;
use crate::token::{Token, TokenError};

#[derive(Debug, thiserror::Error)]
pub enum TokenStoreError {
    #[error(
        "the OS keyring is not available ({0}); on Linux a Secret Service such as GNOME Keyring or KWallet must be running"
    )]
    Unavailable(String),
    #[error("the OS keyring did not answer within {} s; is it locked?", .0.as_secs())]
    TimedOut(Duration),
    #[error("the OS keyring failed: {0}")]
    Keyring(String),
    #[error("the token stored in the OS keyring is unusable: {0}; sign in again")]
    Corrupt(#[from] TokenError),
}

pub type Result<T> = std::result::Result<T, TokenStoreError>;

/// Tokens in the OS keyring under one service name.
#[derive(Debug, Clone)]
pub struct TokenStore {
    service: String,
    timeout: Duration,
}

impl Default for TokenStore {
    fn default() -> Self {
        Self::new(crate::APP_ID)
    }
}

impl TokenStore {
    /// A store under `service`; the app and the CLI both use [`crate::APP_ID`].
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            timeout: Duration::from_secs(15),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The token for `base`'s origin; `None` when none is stored.
    pub fn load(&self, base: &ApiBase) -> Result<Option<Token>> {
        let secret = self.run(base, |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(error),
        })?;
        Ok(secret.as_deref().map(Token::new).transpose()?)
    }

    pub fn save(&self, base: &ApiBase, token: &Token) -> Result<()> {
        let secret = token.expose().to_owned();
        self.run(base, move |entry| entry.set_password(&secret))
    }

    /// Removes the token for `base`'s origin; removing a missing one succeeds.
    pub fn delete(&self, base: &ApiBase) -> Result<()> {
        self.run(base, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(error),
        })
    }

    fn run<T: Send + 'static>(
        &self,
        base: &ApiBase,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let (service, user) = (self.service.clone(), base.origin());
        let (sender, receiver) = mpsc::sync_channel(1);
        thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let result = keyring::Entry::new(&service, &user).and_then(|entry| op(&entry));
                // The receiver is gone only if the caller already timed out.
                let _ = sender.send(result);
            })
            .map_err(|error| TokenStoreError::Keyring(error.to_string()))?;
        match receiver.recv_timeout(self.timeout) {
            Ok(result) => result.map_err(classify),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(TokenStoreError::TimedOut(self.timeout)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(TokenStoreError::Keyring(
                "the keyring thread stopped".into(),
            )),
        }
    }
}

fn classify(error: keyring::Error) -> TokenStoreError {
    match &error {
        keyring::Error::NoDefaultStore => {
            let why = match keyring::Entry::store_status() {
                Err(cause) => cause.to_string(),
                Ok(()) => error.to_string(),
            };
            TokenStoreError::Unavailable(why)
        }
        keyring::Error::NoStorageAccess(_) => TokenStoreError::Unavailable(error.to_string()),
        _ => TokenStoreError::Keyring(error.to_string()),
    }
}
