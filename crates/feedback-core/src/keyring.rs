//! [`Keyring`]: where a process keeps each server's token, as the desk and
//! the engines ask it: without blocking the async threads, and with "no
//! answer" told apart from "no token".
//!
//! [`OsKeyring`] is the OS's ([`TokenStore`], each call on a blocking
//! thread with its time limit); the seeded simulation has one that can be
//! locked, slow, or answer after the caller gave up.

use std::fmt;
use std::sync::Arc;

use crate::api_base::ApiBase;
use crate::http::BoxFuture;
use crate::token::Token;
use crate::token_store::{TokenStore, TokenStoreError};

/// A keeper of tokens, one per API origin.
pub trait Keyring: Send + Sync + fmt::Debug {
    /// `base`'s token; `None` when none is kept. `Err`: no answer.
    fn load(&self, base: &ApiBase) -> BoxFuture<'static, Result<Option<Token>, TokenStoreError>>;
    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, Result<(), TokenStoreError>>;
    /// Removing a token that is not there succeeds.
    fn delete(&self, base: &ApiBase) -> BoxFuture<'static, Result<(), TokenStoreError>>;
}

/// The OS keyring (Secret Service, Keychain, Credential Manager).
#[derive(Debug, Clone, Default)]
pub struct OsKeyring(pub TokenStore);

impl OsKeyring {
    fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(TokenStore) -> Result<T, TokenStoreError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, TokenStoreError>> {
        let store = self.0.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || work(store))
                .await
                .unwrap_or_else(|error| Err(TokenStoreError::Keyring(error.to_string())))
        })
    }
}

impl Keyring for OsKeyring {
    fn load(&self, base: &ApiBase) -> BoxFuture<'static, Result<Option<Token>, TokenStoreError>> {
        let base = base.clone();
        self.blocking(move |store| store.load(&base))
    }

    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        let (base, token) = (base.clone(), token.clone());
        self.blocking(move |store| store.save(&base, &token))
    }

    fn delete(&self, base: &ApiBase) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        let base = base.clone();
        self.blocking(move |store| store.delete(&base))
    }
}

/// A token given for one origin (the CLI's `FEEDBACK_TOKEN`), in front of
/// another keyring: that origin reads it and never the keyring; every
/// other origin, and every write, goes to the keyring.
#[derive(Debug, Clone)]
pub struct Given {
    pub origin: String,
    pub token: Token,
    pub keyring: Arc<dyn Keyring>,
}

impl Keyring for Given {
    fn load(&self, base: &ApiBase) -> BoxFuture<'static, Result<Option<Token>, TokenStoreError>> {
        if base.origin() == self.origin {
            let token = self.token.clone();
            return Box::pin(async move { Ok(Some(token)) });
        }
        self.keyring.load(base)
    }

    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        self.keyring.save(base, token)
    }

    fn delete(&self, base: &ApiBase) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        self.keyring.delete(base)
    }
}
