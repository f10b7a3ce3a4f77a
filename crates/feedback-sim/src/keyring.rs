//! The machine's keyring, as every simulated process sees it: one store of
//! tokens per origin, which can be locked (it answers that it cannot), or
//! slow (it answers late; past the OS keyring's 15 s the caller has given
//! up, and a write it was asked for lands all the same, later).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::http::BoxFuture;
use feedback_core::{ApiBase, Keyring, Token, TokenStoreError};

/// How long a caller waits for the OS keyring (as `TokenStore` does).
const GIVES_UP: Duration = Duration::from_secs(15);

#[derive(Debug, Default)]
pub struct Keyrings {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    tokens: BTreeMap<String, String>,
    locked: bool,
    slow: Option<Duration>,
    /// Every change: when (the day's monotonic ms), which origin, the token after.
    history: Vec<(u64, String, Option<String>)>,
}

impl Keyrings {
    pub fn lock_it(&self, locked: bool) {
        self.with(|inner| inner.locked = locked);
    }

    pub fn slow_down(&self, slow: Option<Duration>) {
        self.with(|inner| inner.slow = slow);
    }

    /// The token kept for `origin` now.
    pub fn token(&self, origin: &str) -> Option<String> {
        self.with(|inner| inner.tokens.get(origin).cloned())
    }

    /// Every token ever kept for `origin`.
    pub fn ever(&self, origin: &str, token: &str) -> bool {
        self.with(|inner| {
            inner
                .history
                .iter()
                .any(|(_, changed, after)| changed == origin && after.as_deref() == Some(token))
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn write(&self, origin: &str, token: Option<String>, at: u64) {
        self.with(|inner| {
            match &token {
                Some(token) => inner.tokens.insert(origin.to_owned(), token.clone()),
                None => inner.tokens.remove(origin),
            };
            inner.history.push((at, origin.to_owned(), token));
        });
    }
}

/// One process's view of the machine's keyring.
#[derive(Debug, Clone)]
pub(crate) struct SimKeyring {
    pub keyrings: Arc<Keyrings>,
    pub clocks: Arc<crate::clock::Clocks>,
}

impl SimKeyring {
    /// Waits as the keyring makes its callers wait; `Err`: the caller gave
    /// up (or it is locked). `late` is what a write does once the keyring
    /// gets to it, if the caller gave up first.
    fn answer<T: Send + 'static>(
        &self,
        answer: impl FnOnce(&Keyrings, u64) -> T + Send + 'static,
    ) -> BoxFuture<'static, Result<T, TokenStoreError>> {
        let (keyrings, clocks) = (self.keyrings.clone(), self.clocks.clone());
        Box::pin(async move {
            let slow = keyrings.with(|inner| inner.slow);
            if let Some(slow) = slow {
                if slow > GIVES_UP {
                    tokio::time::sleep(GIVES_UP).await;
                    let late = (keyrings.clone(), clocks.clone(), slow - GIVES_UP);
                    tokio::spawn(async move {
                        tokio::time::sleep(late.2).await;
                        let at = ms(&late.1);
                        answer(&late.0, at);
                    });
                    return Err(TokenStoreError::TimedOut(GIVES_UP));
                }
                tokio::time::sleep(slow).await;
            }
            if keyrings.with(|inner| inner.locked) {
                return Err(TokenStoreError::Unavailable("the keyring is locked".into()));
            }
            Ok(answer(&keyrings, ms(&clocks)))
        })
    }
}

fn ms(clocks: &crate::clock::Clocks) -> u64 {
    u64::try_from(clocks.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Keyring for SimKeyring {
    fn load(&self, base: &ApiBase) -> BoxFuture<'static, Result<Option<Token>, TokenStoreError>> {
        let origin = base.origin();
        let asked = self.answer(move |keyrings, _| keyrings.token(&origin));
        Box::pin(async move {
            match asked.await? {
                Some(text) => Ok(Some(Token::new(&text)?)),
                None => Ok(None),
            }
        })
    }

    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        let (origin, token) = (base.origin(), token.expose().to_owned());
        self.answer(move |keyrings, at| keyrings.write(&origin, Some(token), at))
    }

    fn delete(&self, base: &ApiBase) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        let origin = base.origin();
        self.answer(move |keyrings, at| keyrings.write(&origin, None, at))
    }
}
