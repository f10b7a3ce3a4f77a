//! The token: signing in and out of the configured server. Each is counted
//! in the outbox, so that every other process sharing it (the app beside a
//! CLI's `login`) reads its keyring again; the token itself stays in the
//! keyring and in memory.

use std::sync::{Arc, Mutex};

use super::{Desk, DeskError, Result};
use crate::api_base::ApiBase;
use crate::delivery::TokenLookup;
use crate::http::BoxFuture;
use crate::keyring::Keyring;
use crate::token::Token;
use crate::token_store::TokenStoreError;

impl Desk {
    /// Keeps `text` as the configured server's token (in the keyring, then
    /// in memory). A queue paused because the server refused the old token
    /// goes again: the pause is tied to that token.
    pub async fn sign_in(&self, text: &str) -> Result<()> {
        // After the start-up read, which would otherwise overwrite this.
        self.started().await;
        let token = Token::new(text)?;
        let base = self.base()?;
        self.deliveries().keyring().save(&base, &token).await?;
        let origin = base.origin();
        self.deliveries()
            .set_token(&origin, TokenLookup::Found(token));
        self.tell_token_changed(&origin)
    }

    /// Removes the configured server's token: nothing more goes to it with
    /// that token, from this process or any other sharing the outbox.
    pub async fn sign_out(&self) -> Result<()> {
        self.started().await;
        let base = self.base()?;
        self.deliveries().keyring().delete(&base).await?;
        let origin = base.origin();
        self.deliveries().set_token(&origin, TokenLookup::SignedOut);
        self.tell_token_changed(&origin)
    }

    /// What is known of the configured server's token.
    pub fn token_lookup(&self) -> TokenLookup {
        match self.base() {
            Ok(base) => self.deliveries().token_lookup(&base.origin()),
            Err(error) => TokenLookup::Unavailable(error.to_string()),
        }
    }

    /// Tells the other processes sharing the outbox (through it) that
    /// `origin`'s token changed. The keyring and this process have it
    /// either way; a process beside this one not told would only read it
    /// at its next start, so that is said.
    fn tell_token_changed(&self, origin: &str) -> Result<()> {
        self.deliveries()
            .tell_token_changed(origin)
            .map_err(DeskError::NotTold)
    }
}

/// The keyring, whose failures to answer are also shown in the window.
#[derive(Debug)]
pub(super) struct Noting {
    pub(super) keyring: Arc<dyn Keyring>,
    pub(super) notices: Arc<Mutex<Vec<String>>>,
}

impl Noting {
    fn noted<T: Send + 'static>(
        &self,
        asked: BoxFuture<'static, std::result::Result<T, TokenStoreError>>,
    ) -> BoxFuture<'static, std::result::Result<T, TokenStoreError>> {
        let notices = self.notices.clone();
        Box::pin(async move {
            asked
                .await
                .inspect_err(|error| super::note(&notices, error.to_string()))
        })
    }
}

impl Keyring for Noting {
    fn load(
        &self,
        base: &ApiBase,
    ) -> BoxFuture<'static, std::result::Result<Option<Token>, TokenStoreError>> {
        self.noted(self.keyring.load(base))
    }

    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, std::result::Result<(), TokenStoreError>> {
        self.keyring.save(base, token)
    }

    fn delete(
        &self,
        base: &ApiBase,
    ) -> BoxFuture<'static, std::result::Result<(), TokenStoreError>> {
        self.keyring.delete(base)
    }
}
